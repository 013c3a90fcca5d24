/* lesson-freeze.c — Why GUIs freeze
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One job, counting the prime numbers below 18 million by trial division,
 * runs in two ways:
 *
 *   lesson.block   inside the button's handler, on the main loop. Until the
 *                  handler returns GTK can neither draw nor react to input:
 *                  the window freezes for the whole job.
 *
 *   lesson.start   on a worker thread made with g_thread_new(). The worker
 *                  only computes. Whenever it has news it stores the numbers
 *                  and, if no delivery is already waiting, asks the main loop
 *                  with g_idle_add() to show them. The window stays alive.
 *
 *   lesson.stop    asks the worker to stop, through a GCancellable it checks.
 *
 * Read it top to bottom: the job, the worker, the hand-off to the main
 * thread, and then the widget that drives them.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "thaw-lesson.h"
#include "thaw-priority.h"

/* Big enough for about three seconds of work on a laptop of 2020. */
#define PRIME_LIMIT 18000000u
/* How many numbers to test between two looks at the outside world. */
#define CHUNK 20000u

/* The work itself: plain computing, no GTK, safe on any thread. */

static gboolean
is_prime (guint n)
{
  if (n < 2)
    return FALSE;
  if (n % 2 == 0)
    return n == 2;

  for (guint d = 3; d <= n / d; d += 2)
    if (n % d == 0)
      return FALSE;

  return TRUE;
}

/* Counts the primes in [from, to). */
static guint
count_primes (guint from,
              guint to)
{
  guint count = 0;

  for (guint n = from; n < to; n++)
    if (is_prime (n))
      count++;

  return count;
}

/* What the worker and the main thread share.
 *
 * The worker writes the progress fields and the main thread reads them, so
 * they are only touched with g_atomic_int_*(): each of those is a full memory
 * barrier, which also orders the stores around it. Everything else is set
 * before the thread starts and never changes while it runs.
 */
typedef struct
{
  gatomicrefcount ref_count;
  GCancellable *cancellable;
  GWeakRef lesson;          /* main thread only */

  /* Written by the worker, read by the main thread. */
  int checked;              /* numbers tested so far */
  int primes;               /* primes found so far */
  int finished;             /* the worker will report nothing more */

  /* TRUE while a delivery is scheduled on the main loop and has not run. */
  int delivery_pending;
} PrimeJob;

static PrimeJob *
prime_job_new (gpointer lesson)
{
  PrimeJob *job = g_new0 (PrimeJob, 1);

  g_atomic_ref_count_init (&job->ref_count);
  job->cancellable = g_cancellable_new ();
  g_weak_ref_init (&job->lesson, lesson);

  return job;
}

static PrimeJob *
prime_job_ref (PrimeJob *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

static void
prime_job_unref (PrimeJob *job)
{
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;

  /* The last reference can be dropped by the worker, so this must not touch
   * anything that belongs to the main thread: a GWeakRef may be cleared on
   * any thread, and the cancellable is thread-safe. */
  g_weak_ref_clear (&job->lesson);
  g_object_unref (job->cancellable);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PrimeJob, prime_job_unref)

static gboolean deliver_progress_cb (gpointer data);

/* Called by the worker as often as it likes. However often that is, at most
 * one delivery waits on the main loop, and it shows the latest numbers. */
static void
publish_progress (PrimeJob *job,
                  guint     checked,
                  guint     primes,
                  gboolean  finished)
{
  /* Store the news first... */
  g_atomic_int_set (&job->checked, (int) checked);
  g_atomic_int_set (&job->primes, (int) primes);
  if (finished)
    g_atomic_int_set (&job->finished, TRUE);

  /* ...then ask for a delivery, unless one is already waiting: that one has
   * not read the numbers yet, so it will show the ones just stored. This is
   * what keeps a fast worker from flooding the main loop with callbacks. */
  if (g_atomic_int_compare_and_exchange (&job->delivery_pending, FALSE, TRUE))
    {
      /* The idle callback holds its own reference, so the job outlives it
       * even if the worker has finished and dropped its own. */
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE,
                       deliver_progress_cb,
                       prime_job_ref (job),
                       (GDestroyNotify) prime_job_unref);
    }
}

/* The worker thread's whole life. It never calls GTK. */
static gpointer
count_primes_thread (gpointer data)
{
  /* The thread was given a reference of its own; it drops it on return. */
  g_autoptr(PrimeJob) job = data;
  guint primes = 0;
  guint n;

  /* A worker yields the CPU to the main thread when both want it: a busy
   * machine should slow the job down, not the window. */
  thaw_thread_set_background_priority ();

  for (n = 0; n < PRIME_LIMIT; n += CHUNK)
    {
      /* Nobody can stop a thread from outside; it has to stop itself. */
      if (g_cancellable_is_cancelled (job->cancellable))
        break;

      primes += count_primes (n, MIN (n + CHUNK, PRIME_LIMIT));
      publish_progress (job, MIN (n + CHUNK, PRIME_LIMIT), primes, FALSE);
    }

  publish_progress (job, MIN (n, PRIME_LIMIT), primes, TRUE);

  return NULL;
}

/* The widget. Everything below runs on the main thread. */

#define THAW_TYPE_LESSON_FREEZE (thaw_lesson_freeze_get_type ())
G_DECLARE_FINAL_TYPE (ThawLessonFreeze, thaw_lesson_freeze, THAW, LESSON_FREEZE, ThawLesson)

struct _ThawLessonFreeze
{
  ThawLesson parent_instance;

  GtkProgressBar *progress;
  GtkLabel *status;
  GtkListBox *runs;

  /* While the worker runs: its job and its thread. */
  PrimeJob *job;
  GThread *thread;
  gint64 started_at;

  /* After a run ends, the heartbeat needs a moment to see the end of a
   * freeze: its late beat only runs once the main loop is free again. */
  AdwActionRow *last_run_row;
  gint64 last_run_started_at;
  guint stall_readout_id;

  /* The last run, for --report. */
  const char *state;
  const char *mode;
  double seconds;
  guint primes;
  guint n_runs;
  double max_stall_ms;
};

G_DEFINE_FINAL_TYPE (ThawLessonFreeze, thaw_lesson_freeze, THAW_TYPE_LESSON)

static void
set_running (ThawLessonFreeze *self,
             gboolean          running)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.start", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.block", !running);
  thaw_lesson_set_busy (THAW_LESSON (self), running);
}

static void
show_progress (ThawLessonFreeze *self,
               guint             checked,
               guint             primes)
{
  g_autofree char *text = NULL;

  gtk_progress_bar_set_fraction (self->progress, (double) checked / PRIME_LIMIT);
  /* Translators: the progress of a job that counts prime numbers. */
  text = g_strdup_printf (_("%'u numbers tested, %'u primes found"), checked, primes);
  gtk_progress_bar_set_text (self->progress, text);
}

static gboolean
read_out_stall_cb (gpointer data)
{
  ThawLessonFreeze *self = data;
  ThawHeartbeat *heartbeat = thaw_lesson_get_heartbeat (THAW_LESSON (self));
  ThawLatencyStats stats = { 0 };
  g_autofree char *subtitle = NULL;

  self->stall_readout_id = 0;

  if (heartbeat != NULL)
    thaw_heartbeat_get_stats_since (heartbeat, self->last_run_started_at, &stats);
  self->max_stall_ms = stats.max_ms;

  subtitle = g_strdup_printf (_("%'u primes · longest wait of the main loop: %.0f ms"),
                              self->primes, stats.max_ms);
  adw_action_row_set_subtitle (self->last_run_row, subtitle);

  return G_SOURCE_REMOVE;
}

/* Records the end of a run in the list of runs, newest first. */
static void
finish_run (ThawLessonFreeze *self,
            const char       *mode_label,
            gboolean          cancelled)
{
  g_autofree char *title = NULL;
  GtkWidget *row;

  self->seconds = (double) (g_get_monotonic_time () - self->started_at) / G_USEC_PER_SEC;
  self->state = cancelled ? "cancelled" : "succeeded";
  self->n_runs++;

  if (cancelled)
    /* Translators: "%s" is where the job ran, e.g. "On a worker thread". */
    title = g_strdup_printf (_("%s: stopped after %.2f s"), mode_label, self->seconds);
  else
    /* Translators: "%s" is where the job ran, e.g. "On a worker thread". */
    title = g_strdup_printf (_("%s: %.2f s"), mode_label, self->seconds);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Measuring…"));
  gtk_list_box_prepend (self->runs, row);
  gtk_widget_set_visible (GTK_WIDGET (self->runs), TRUE);

  self->last_run_row = ADW_ACTION_ROW (row);
  self->last_run_started_at = self->started_at;
  g_clear_handle_id (&self->stall_readout_id, g_source_remove);
  self->stall_readout_id = g_timeout_add (100, read_out_stall_cb, self);

  gtk_label_set_text (self->status, cancelled ? _("Stopped.") : _("Done."));
  set_running (self, FALSE);
}

/* A delivery from the worker, running on the main thread. */
static gboolean
deliver_progress_cb (gpointer data)
{
  PrimeJob *job = data;
  g_autoptr(ThawLessonFreeze) self = NULL;
  guint checked, primes;
  gboolean finished;

  /* Clear the flag before reading, so that news stored after this point
   * schedules a new delivery instead of being lost. */
  g_atomic_int_set (&job->delivery_pending, FALSE);

  checked = (guint) g_atomic_int_get (&job->checked);
  primes = (guint) g_atomic_int_get (&job->primes);
  finished = g_atomic_int_get (&job->finished);

  /* The lesson may be gone (the window was closed), or may have moved on to
   * another run: then this news is for nobody. */
  self = g_weak_ref_get (&job->lesson);
  if (self == NULL || self->job != job)
    return G_SOURCE_REMOVE;

  show_progress (self, checked, primes);

  if (finished)
    {
      gboolean cancelled = g_cancellable_is_cancelled (job->cancellable);

      /* The worker has said its last word and is returning, so this join
       * waits microseconds. Joining a thread that is still working would
       * block the main loop exactly like running the job here. */
      g_thread_join (g_steal_pointer (&self->thread));
      g_clear_pointer (&self->job, prime_job_unref);

      self->primes = primes;
      finish_run (self, _("On a worker thread"), cancelled);
    }

  return G_SOURCE_REMOVE;
}

static void
start_run (ThawLessonFreeze *self,
           const char       *mode)
{
  self->started_at = g_get_monotonic_time ();
  self->state = "running";
  self->mode = mode;
  self->primes = 0;
  show_progress (self, 0, 0);
  set_running (self, TRUE);
}

/* lesson.start: the right way. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonFreeze *self = THAW_LESSON_FREEZE (widget);
  g_autoptr(GError) error = NULL;

  if (self->job != NULL)
    return;

  start_run (self, "worker");
  gtk_label_set_text (self->status,
                      _("Counting on a worker thread. Try moving the window or opening the menu."));

  self->job = prime_job_new (self);
  /* The thread gets a reference of its own and drops it when it returns. */
  self->thread = g_thread_try_new ("thaw-primes", count_primes_thread,
                                   prime_job_ref (self->job), &error);
  if (self->thread == NULL)
    {
      /* The thread never started, so its reference is still ours to drop. */
      prime_job_unref (self->job);
      g_clear_pointer (&self->job, prime_job_unref);
      self->state = "failed";
      gtk_label_set_text (self->status, error->message);
      set_running (self, FALSE);
    }
}

/* lesson.block: the wrong way, on purpose. */
static void
block_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonFreeze *self = THAW_LESSON_FREEZE (widget);
  guint primes = 0;

  if (self->job != NULL)
    return;

  start_run (self, "main-loop");
  gtk_label_set_text (self->status, _("Counting on the main loop…"));

  for (guint n = 0; n < PRIME_LIMIT; n += CHUNK)
    {
      primes += count_primes (n, MIN (n + CHUNK, PRIME_LIMIT));

      /* This sets the bar, but nothing is drawn until this handler returns:
       * drawing happens on the very main loop this loop is keeping busy. */
      show_progress (self, MIN (n + CHUNK, PRIME_LIMIT), primes);
    }

  self->primes = primes;
  finish_run (self, _("On the main loop"), FALSE);
}

/* lesson.stop: ask the worker to stop; its last delivery ends the run. */
static void
stop_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonFreeze *self = THAW_LESSON_FREEZE (widget);

  if (self->job == NULL)
    return;

  g_cancellable_cancel (self->job->cancellable);
  gtk_label_set_text (self->status, _("Stopping…"));
}

static void
thaw_lesson_freeze_report (ThawLesson  *lesson,
                           JsonBuilder *builder)
{
  ThawLessonFreeze *self = THAW_LESSON_FREEZE (lesson);

  json_builder_set_member_name (builder, "job_state");
  json_builder_add_string_value (builder, self->state);
  json_builder_set_member_name (builder, "job_mode");
  json_builder_add_string_value (builder, self->mode);
  json_builder_set_member_name (builder, "job_seconds");
  json_builder_add_double_value (builder, self->seconds);
  json_builder_set_member_name (builder, "primes");
  json_builder_add_int_value (builder, self->primes);
  json_builder_set_member_name (builder, "runs");
  json_builder_add_int_value (builder, self->n_runs);
}

static void
thaw_lesson_freeze_dispose (GObject *object)
{
  ThawLessonFreeze *self = THAW_LESSON_FREEZE (object);

  /* A worker may still be running when the window closes. Ask it to stop
   * and wait for it: it looks at the cancellable every CHUNK numbers, so this
   * takes a millisecond or two, and no thread outlives the lesson. A delivery
   * it already scheduled finds the lesson gone and does nothing. */
  if (self->job != NULL)
    {
      g_cancellable_cancel (self->job->cancellable);
      g_thread_join (g_steal_pointer (&self->thread));
      g_clear_pointer (&self->job, prime_job_unref);
    }

  g_clear_handle_id (&self->stall_readout_id, g_source_remove);

  G_OBJECT_CLASS (thaw_lesson_freeze_parent_class)->dispose (object);
}

static void
thaw_lesson_freeze_class_init (ThawLessonFreezeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  object_class->dispose = thaw_lesson_freeze_dispose;
  lesson_class->report = thaw_lesson_freeze_report;

  gtk_widget_class_install_action (widget_class, "lesson.start", NULL, start_cb);
  gtk_widget_class_install_action (widget_class, "lesson.block", NULL, block_cb);
  gtk_widget_class_install_action (widget_class, "lesson.stop", NULL, stop_cb);
}

static GtkWidget *
make_button (const char *label,
             const char *action,
             const char *style)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_add_css_class (button, "pill");
  if (style != NULL)
    gtk_widget_add_css_class (button, style);

  return button;
}

static void
thaw_lesson_freeze_init (ThawLessonFreeze *self)
{
  GtkWidget *box, *buttons, *progress, *status, *runs;

  self->state = "idle";
  self->mode = "none";

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  buttons = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (buttons), FALSE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 3);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("Run on the _Main Loop"), "lesson.block", "destructive-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("Run on a _Worker Thread"), "lesson.start", "suggested-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Stop"), "lesson.stop", NULL));
  gtk_box_append (GTK_BOX (box), buttons);

  progress = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (progress), TRUE);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (progress), _("Not started"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (progress),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Progress of the prime count"),
                                  -1);
  gtk_box_append (GTK_BOX (box), progress);
  self->progress = GTK_PROGRESS_BAR (progress);

  status = gtk_label_new (_("Pick a way to run the job. The main loop way freezes the window for about three seconds."));
  gtk_label_set_wrap (GTK_LABEL (status), TRUE);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_box_append (GTK_BOX (box), status);
  self->status = GTK_LABEL (status);

  runs = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (runs), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (runs, "boxed-list");
  gtk_widget_set_visible (runs, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (runs),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Finished runs"),
                                  -1);
  gtk_box_append (GTK_BOX (box), runs);
  self->runs = GTK_LIST_BOX (runs);

  adw_bin_set_child (ADW_BIN (self), box);
  set_running (self, FALSE);
}

const ThawLessonInfo thaw_lesson_freeze_info = {
  .id = "freeze",
  .part = THAW_PART_FREEZE,
  .title = N_("The Frozen Window"),
  .summary = N_("The same job on the main loop and on a worker thread"),
  .keywords = N_("freeze;block;main loop;thread;worker;idle;responsive;hang;primes;progress"),
  .explanation =
    N_("A GTK program has one <b>main loop</b>, on one thread. It waits for "
       "something to happen (a click, a key, a timer, the next frame) and calls "
       "the code that handles it. Drawing the window is one of the things it "
       "does. While a handler runs, the loop is not waiting for anything else: "
       "no frame is drawn, no click is seen.\n\n"
       "So a button whose handler counts primes for three seconds freezes the "
       "window for three seconds. Setting the progress bar inside the loop does "
       "not help, because the bar is drawn by the same main loop the handler is "
       "keeping busy. Watch the meter: its ball stops and its graph shows one "
       "beat that came three seconds late.\n\n"
       "The cure is to move the work to a <b>worker thread</b> with "
       "<tt>g_thread_new()</tt>. The worker must never call GTK, which is not "
       "thread-safe. Instead it stores its progress where the main thread can "
       "read it and asks the main loop to call back with <tt>g_idle_add()</tt>. "
       "Only one such callback waits at a time: if the worker is faster than the "
       "screen, the callback shows the latest figure, and the main loop is not "
       "buried under millions of them.\n\n"
       "Thaw’s workers also run at <b>background priority</b>: each one first "
       "calls <tt>thaw_thread_set_background_priority()</tt> (in "
       "<tt>src/engine/thaw-priority.c</tt>), which gives the thread a nice "
       "value of 10. When every core is busy and the main thread wants the CPU "
       "too, the kernel gives it about nine times the worker’s share, so a "
       "busy worker slows itself down, not the window. The menu item “Workers "
       "at Low Priority” turns it off, to see the difference on a loaded "
       "machine.\n\n"
       "When the worker is done, the main thread joins it. It does so only after "
       "the worker has said it is finished, so the join is instant; joining a "
       "running thread from the main loop would freeze the window all over "
       "again.\n\n"
       "In Python the same cure works with <tt>threading.Thread</tt>, although "
       "only one thread at a time runs Python code (the GIL). A busy worker does "
       "not keep the GIL for long: once another thread has waited for it for "
       "one switch interval, <tt>sys.getswitchinterval()</tt>, 5 ms, CPython "
       "makes the worker hand it over. So the GUI thread gets a turn every few "
       "milliseconds, and the window breathes. It still stutters a little: "
       "each time the worker holds the GIL, the main thread waits up to a "
       "switch interval to get it back, and one turn of its loop may need it "
       "more than once. The Python program below measures it: beats a few "
       "milliseconds late with the worker, against one beat as late as the "
       "whole job when the job runs inside a callback."),
  .try_this =
    N_("Click “Run on the Main Loop” and try to move the window or open the menu while it runs.\n"
       "Look at the meter: the ball stopped, and the graph has a spike of about three seconds.\n"
       "Click “Run on a Worker Thread”: the ball keeps moving and the bar fills smoothly.\n"
       "Start the worker again and press Stop halfway."),
  .source = "lesson-freeze.c",
  .get_type = thaw_lesson_freeze_get_type,
};
