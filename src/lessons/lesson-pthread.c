/* lesson-pthread.c — the same cure with plain POSIX threads
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One job, estimating π by throwing 800 million random darts at a square and
 * counting those that land inside the quarter circle, runs in two ways:
 *
 *   lesson.block   inside the button's handler, on the main loop: the window
 *                  freezes until the last dart has landed.
 *
 *   lesson.start   on a thread made with pthread_create(). The worker only
 *                  computes; its progress goes into a small struct under a
 *                  pthread_mutex_t, and g_idle_add() asks the main loop to
 *                  show it, one request at a time. When the worker says it is
 *                  finished, the main thread joins it with pthread_join().
 *
 *   lesson.stop    sets an atomic flag the worker looks at. Pthreads have no
 *                  GCancellable: a stop flag is the plain C way.
 *
 * GLib's g_thread_new() is built on these very calls on Linux. Read it top to
 * bottom: the darts, the job the two threads share, the worker, the hand-off
 * to the main thread and the join, then the widget that drives them.
 */

/* pthread_setname_np() is a GNU extension; this must come before any header. */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "thaw-lesson.h"
#include "thaw-priority.h"

/* About two or three seconds of work on a laptop of 2020. */
#define N_DARTS ((guint64) 800000000)
/* How many darts to throw between two looks at the outside world. */
#define CHUNK ((guint64) 1000000)
/* The same seed every run, so every run throws the very same darts. */
#define DART_SEED G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)

/* The work itself: plain computing, no GTK, safe on any thread. */

/* A small, fast pseudo-random generator (xorshift64*). Each thread keeps its
 * own state, so no two threads ever share it. */
static inline double
random_unit (guint64 *state)
{
  guint64 x = *state;

  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;

  /* The top 53 bits, as a double in [0, 1). */
  return ((x * G_GUINT64_CONSTANT (0x2545F4914F6CDD1D)) >> 11) * 0x1p-53;
}

/* Throws @n darts at the unit square; returns how many landed inside the
 * quarter circle. That share of the square's area is π/4. */
static guint64
throw_darts (guint64 *state,
             guint64  n)
{
  guint64 hits = 0;

  for (guint64 i = 0; i < n; i++)
    {
      double x = random_unit (state);
      double y = random_unit (state);

      if (x * x + y * y < 1.0)
        hits++;
    }

  return hits;
}

static double
estimate_pi (guint64 thrown,
             guint64 hits)
{
  return thrown > 0 ? 4.0 * (double) hits / (double) thrown : 0.0;
}

/* What the worker and the main thread share.
 *
 * The progress fields are only touched with the mutex held: the worker
 * writes both numbers, the main thread reads both, and the lock makes sure
 * it never sees the new count of darts with the old count of hits.
 *
 * The stop flag is an atomic_bool. It must not be a plain bool: nothing in
 * the worker's loop writes it, so the compiler may read it once, before the
 * loop, and the worker would never see it change.
 */
typedef struct
{
  gatomicrefcount ref_count;
  GWeakRef lesson;            /* main thread only */

  atomic_bool stop_requested; /* written by the main thread */

  pthread_mutex_t lock;
  guint64 thrown;             /* darts thrown so far */
  guint64 hits;               /* darts inside the quarter circle */
  gboolean finished;          /* the worker will report nothing more */
  gboolean delivery_pending;  /* a delivery waits on the main loop */
} DartJob;

static DartJob *
dart_job_new (gpointer lesson)
{
  DartJob *job = g_new0 (DartJob, 1);

  g_atomic_ref_count_init (&job->ref_count);
  g_weak_ref_init (&job->lesson, lesson);
  atomic_init (&job->stop_requested, false);
  pthread_mutex_init (&job->lock, NULL);

  return job;
}

static DartJob *
dart_job_ref (DartJob *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

static void
dart_job_unref (DartJob *job)
{
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;

  pthread_mutex_destroy (&job->lock);
  g_weak_ref_clear (&job->lesson);
  g_free (job);
}

static gboolean deliver_progress_cb (gpointer data);

/* Called by the worker after every chunk. However often that is, at most
 * one delivery waits on the main loop, and it shows the latest numbers. */
static void
publish_progress (DartJob  *job,
                  guint64   thrown,
                  guint64   hits,
                  gboolean  finished)
{
  gboolean schedule;

  pthread_mutex_lock (&job->lock);
  job->thrown = thrown;
  job->hits = hits;
  job->finished = finished;
  /* A delivery already waiting has not read the numbers yet, so it will
   * show the ones just stored: no need for another. */
  schedule = !job->delivery_pending;
  job->delivery_pending = TRUE;
  pthread_mutex_unlock (&job->lock);

  if (schedule)
    {
      /* The idle callback holds its own reference, so the job outlives it
       * even if the lesson is gone by the time it runs. */
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE,
                       deliver_progress_cb,
                       dart_job_ref (job),
                       (GDestroyNotify) dart_job_unref);
    }
}

/* The worker thread's whole life, with the signature pthread_create() wants.
 * It never calls GTK. */
static void *
throw_darts_thread (void *data)
{
  /* Borrowed, not owned: the lesson keeps the job alive until
   * pthread_join() has returned, and the worker cannot outlive that. */
  DartJob *job = data;
  guint64 state = DART_SEED;
  guint64 thrown = 0;
  guint64 hits = 0;

  /* A name shows up in debuggers, in top -H and in the monitor lesson. */
  pthread_setname_np (pthread_self (), "thaw-darts");
  /* A busy machine should slow the job down, not the window. */
  thaw_thread_set_background_priority ();

  while (thrown < N_DARTS)
    {
      /* Nobody can stop a thread from outside; it has to stop itself. */
      if (atomic_load (&job->stop_requested))
        break;

      hits += throw_darts (&state, CHUNK);
      thrown += CHUNK;
      publish_progress (job, thrown, hits, FALSE);
    }

  /* The last word: from here on the thread only returns. */
  publish_progress (job, thrown, hits, TRUE);

  return NULL;
}

/* The widget. Everything below runs on the main thread. */

#define THAW_TYPE_LESSON_PTHREAD (thaw_lesson_pthread_get_type ())
G_DECLARE_FINAL_TYPE (ThawLessonPthread, thaw_lesson_pthread, THAW, LESSON_PTHREAD, ThawLesson)

struct _ThawLessonPthread
{
  ThawLesson parent_instance;

  GtkProgressBar *progress;
  GtkLabel *status;
  GtkListBox *runs;

  /* While the worker runs: its job and its thread. A pthread_t has no
   * "none" value, hence the flag beside it. */
  DartJob *job;
  pthread_t thread;
  gboolean thread_started;
  gint64 started_at;

  /* After a run ends, the heartbeat needs a moment to see the end of a
   * freeze: its late beat only runs once the main loop is free again. */
  AdwActionRow *last_run_row;
  gint64 last_run_started_at;
  guint stall_readout_id;

  /* The last run, for the list of runs and for --report. */
  const char *state;
  const char *mode;
  double seconds;
  guint64 thrown;
  guint64 hits;
  double join_wait_ms;
  guint n_runs;
};

G_DEFINE_FINAL_TYPE (ThawLessonPthread, thaw_lesson_pthread, THAW_TYPE_LESSON)

static void
set_running (ThawLessonPthread *self,
             gboolean           running)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.start", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.block", !running);
  thaw_lesson_set_busy (THAW_LESSON (self), running);
}

static void
show_progress (ThawLessonPthread *self,
               guint64            thrown,
               guint64            hits)
{
  g_autofree char *text = NULL;

  gtk_progress_bar_set_fraction (self->progress, (double) thrown / N_DARTS);
  /* Translators: the progress of a job that estimates π by throwing random
   * darts; "%'.1f" is millions of darts, "%.5f" the estimate so far. */
  text = g_strdup_printf (_("%'.1f million darts, π ≈ %.5f"),
                          thrown / 1e6, estimate_pi (thrown, hits));
  gtk_progress_bar_set_text (self->progress, text);
}

static gboolean
read_out_stall_cb (gpointer data)
{
  ThawLessonPthread *self = data;
  ThawHeartbeat *heartbeat = thaw_lesson_get_heartbeat (THAW_LESSON (self));
  ThawLatencyStats stats = { 0 };
  g_autofree char *subtitle = NULL;
  double pi = estimate_pi (self->thrown, self->hits);

  self->stall_readout_id = 0;

  if (heartbeat != NULL)
    thaw_heartbeat_get_stats_since (heartbeat, self->last_run_started_at, &stats);

  /* Translators: "%.5f" is an estimate of π, "%.5f" its error, "%.0f" a
   * time in milliseconds. */
  subtitle = g_strdup_printf (_("π ≈ %.5f (off by %.5f) · longest wait of the main loop: %.0f ms"),
                              pi, fabs (pi - G_PI), stats.max_ms);
  adw_action_row_set_subtitle (self->last_run_row, subtitle);

  return G_SOURCE_REMOVE;
}

/* Records the end of a run in the list of runs, newest first. */
static void
finish_run (ThawLessonPthread *self,
            const char        *mode_label,
            gboolean           cancelled)
{
  g_autofree char *title = NULL;
  GtkWidget *row;

  self->seconds = (double) (g_get_monotonic_time () - self->started_at) / G_USEC_PER_SEC;
  self->state = cancelled ? "cancelled" : "succeeded";
  self->n_runs++;

  if (cancelled)
    /* Translators: "%s" is where the job ran, e.g. "With pthreads". */
    title = g_strdup_printf (_("%s: stopped after %.2f s"), mode_label, self->seconds);
  else
    /* Translators: "%s" is where the job ran, e.g. "With pthreads". */
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

  set_running (self, FALSE);
}

/* The worker has said its last word: join it, and measure how long the
 * join kept the main loop waiting. */
static void
join_worker (ThawLessonPthread *self)
{
  gint64 before = g_get_monotonic_time ();

  /* The worker is past its last publish_progress() and only returning, so
   * this waits microseconds. Called while it still had darts to throw, it
   * would hold the main loop until the last one: the freeze all over again. */
  pthread_join (self->thread, NULL);
  self->thread_started = FALSE;

  self->join_wait_ms = (double) (g_get_monotonic_time () - before) / 1000.0;
}

/* A delivery from the worker, running on the main thread. */
static gboolean
deliver_progress_cb (gpointer data)
{
  DartJob *job = data;
  g_autoptr(ThawLessonPthread) self = NULL;
  guint64 thrown, hits;
  gboolean finished;

  /* Clear the flag while reading, so that news stored after this point
   * schedules a new delivery instead of being lost. */
  pthread_mutex_lock (&job->lock);
  job->delivery_pending = FALSE;
  thrown = job->thrown;
  hits = job->hits;
  finished = job->finished;
  pthread_mutex_unlock (&job->lock);

  /* The lesson may be gone (the window was closed), or may have moved on to
   * another run: then this news is for nobody. */
  self = g_weak_ref_get (&job->lesson);
  if (self == NULL || self->job != job)
    return G_SOURCE_REMOVE;

  show_progress (self, thrown, hits);

  if (finished)
    {
      g_autofree char *text = NULL;
      gboolean cancelled = atomic_load (&job->stop_requested) && thrown < N_DARTS;

      join_worker (self);
      g_clear_pointer (&self->job, dart_job_unref);

      self->thrown = thrown;
      self->hits = hits;
      finish_run (self, _("With pthreads"), cancelled);

      /* Translators: "%.3f" is a time in milliseconds. */
      text = g_strdup_printf (_("Joined: pthread_join() waited %.3f ms, because the thread had already said it was done."),
                              self->join_wait_ms);
      gtk_label_set_text (self->status, text);
    }

  return G_SOURCE_REMOVE;
}

static void
start_run (ThawLessonPthread *self,
           const char        *mode)
{
  self->started_at = g_get_monotonic_time ();
  self->state = "running";
  self->mode = mode;
  self->thrown = 0;
  self->hits = 0;
  self->join_wait_ms = 0;
  show_progress (self, 0, 0);
  set_running (self, TRUE);
}

/* lesson.start: the right way. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonPthread *self = THAW_LESSON_PTHREAD (widget);
  int error;

  if (self->job != NULL)
    return;

  start_run (self, "pthread");
  gtk_label_set_text (self->status,
                      _("Throwing darts on a thread made with pthread_create(). Try moving the window."));

  self->job = dart_job_new (self);
  error = pthread_create (&self->thread, NULL, throw_darts_thread, self->job);
  if (error != 0)
    {
      /* pthread_create() returns the error number; it does not set errno. */
      g_autofree char *text =
        g_strdup_printf (_("Could not start a thread: %s"), g_strerror (error));

      g_clear_pointer (&self->job, dart_job_unref);
      self->state = "failed";
      gtk_label_set_text (self->status, text);
      set_running (self, FALSE);
      return;
    }

  self->thread_started = TRUE;
}

/* lesson.block: the wrong way, on purpose. */
static void
block_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonPthread *self = THAW_LESSON_PTHREAD (widget);
  guint64 state = DART_SEED;
  guint64 thrown = 0;
  guint64 hits = 0;

  if (self->job != NULL)
    return;

  start_run (self, "main-loop");
  gtk_label_set_text (self->status, _("Throwing darts on the main loop…"));

  while (thrown < N_DARTS)
    {
      hits += throw_darts (&state, CHUNK);
      thrown += CHUNK;

      /* This sets the bar, but nothing is drawn until this handler returns:
       * drawing happens on the very main loop this loop is keeping busy. */
      show_progress (self, thrown, hits);
    }

  self->thrown = thrown;
  self->hits = hits;
  finish_run (self, _("On the main loop"), FALSE);
  gtk_label_set_text (self->status, _("Done, and the window was frozen all along."));
}

/* lesson.stop: raise the flag; the worker's last delivery ends the run. */
static void
stop_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonPthread *self = THAW_LESSON_PTHREAD (widget);

  if (self->job == NULL)
    return;

  atomic_store (&self->job->stop_requested, true);
  gtk_widget_action_set_enabled (widget, "lesson.stop", FALSE);
  gtk_label_set_text (self->status, _("Stopping…"));
}

static void
thaw_lesson_pthread_report (ThawLesson  *lesson,
                            JsonBuilder *builder)
{
  ThawLessonPthread *self = THAW_LESSON_PTHREAD (lesson);

  json_builder_set_member_name (builder, "job_state");
  json_builder_add_string_value (builder, self->state);
  json_builder_set_member_name (builder, "job_mode");
  json_builder_add_string_value (builder, self->mode);
  json_builder_set_member_name (builder, "job_seconds");
  json_builder_add_double_value (builder, self->seconds);
  json_builder_set_member_name (builder, "darts");
  json_builder_add_int_value (builder, (gint64) self->thrown);
  json_builder_set_member_name (builder, "hits");
  json_builder_add_int_value (builder, (gint64) self->hits);
  json_builder_set_member_name (builder, "pi");
  json_builder_add_double_value (builder, estimate_pi (self->thrown, self->hits));
  json_builder_set_member_name (builder, "join_wait_ms");
  json_builder_add_double_value (builder, self->join_wait_ms);
  json_builder_set_member_name (builder, "runs");
  json_builder_add_int_value (builder, self->n_runs);
}

static void
thaw_lesson_pthread_dispose (GObject *object)
{
  ThawLessonPthread *self = THAW_LESSON_PTHREAD (object);

  /* A worker may still be running when the window closes. Raise its flag
   * and join it: it looks at the flag every million darts, so this takes a
   * few milliseconds, and no thread outlives the lesson. A delivery it
   * already scheduled finds the lesson gone and does nothing. */
  if (self->job != NULL)
    {
      atomic_store (&self->job->stop_requested, true);
      if (self->thread_started)
        pthread_join (self->thread, NULL);
      self->thread_started = FALSE;
      g_clear_pointer (&self->job, dart_job_unref);
    }

  g_clear_handle_id (&self->stall_readout_id, g_source_remove);

  G_OBJECT_CLASS (thaw_lesson_pthread_parent_class)->dispose (object);
}

static void
thaw_lesson_pthread_class_init (ThawLessonPthreadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  object_class->dispose = thaw_lesson_pthread_dispose;
  lesson_class->report = thaw_lesson_pthread_report;

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
thaw_lesson_pthread_init (ThawLessonPthread *self)
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
                       /* Translators: "__" shows one underscore; the "_" before
                        * "pthread" marks the access key. */
                       make_button (_("Run with _pthread__create()"), "lesson.start", "suggested-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Stop"), "lesson.stop", NULL));
  gtk_box_append (GTK_BOX (box), buttons);

  progress = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (progress), TRUE);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (progress), _("Not started"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (progress),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Progress of the darts thrown"),
                                  -1);
  gtk_box_append (GTK_BOX (box), progress);
  self->progress = GTK_PROGRESS_BAR (progress);

  status = gtk_label_new (_("Pick a way to throw 800 million darts. The main loop way freezes the window for a few seconds."));
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

const ThawLessonInfo thaw_lesson_pthread_info = {
  .id = "pthread",
  .part = THAW_PART_FREEZE,
  .title = N_("Plain POSIX Threads"),
  .summary = N_("The same cure with pthread_create() and pthread_join()"),
  .keywords = N_("pthread;posix;pthread_create;pthread_join;join;thread;worker;idle;atomic;flag;stop;mutex;pi;darts"),
  .explanation =
    N_("GLib’s <tt>g_thread_new()</tt> is a thin layer over the threads of the "
       "operating system, which on Linux are <b>POSIX threads</b>. This lesson "
       "uses them directly. <tt>pthread_create()</tt> starts a function on a new "
       "thread; <tt>pthread_join()</tt> waits until that function has returned "
       "and frees what the thread used. Every thread must be joined exactly once, "
       "or detached, or its stack stays allocated after it is done.\n\n"
       "<tt>pthread_join()</tt> <i>waits</i>. Called on the main loop while the "
       "worker still has darts to throw, it would hold the main loop until the "
       "last one lands: no frame, no click, the frozen "
       "window all over again. So the worker says when it is done — its last "
       "progress report carries a “finished” mark — and the main thread joins it "
       "in the callback that receives that mark. By then the worker is only "
       "returning, and the join takes microseconds: the lesson measures it.\n\n"
       "Pthreads have no <tt>GCancellable</tt>. To stop the worker, the main "
       "thread sets an <tt>atomic_bool</tt> that the worker reads after every "
       "million darts. It has to be atomic: the worker’s loop never writes a "
       "plain <tt>bool</tt>, so the compiler may read it once, before the loop, "
       "and the worker would never see it change. <tt>pthread_cancel()</tt> "
       "exists, but it stops a thread at a point the thread did not choose; the "
       "lesson on cancelling explains why that is dangerous.\n\n"
       "The rest is as with GLib threads. The worker never calls GTK. It puts its "
       "figures in a small struct under a <tt>pthread_mutex_t</tt> and asks the "
       "main loop with <tt>g_idle_add()</tt> to show them, with at most one "
       "request waiting at a time, so a fast worker cannot bury the main loop."),
  .try_this =
    N_("Click “Run with pthread_create()” and move the window while it runs: the meter’s ball keeps bouncing.\n"
       "When it ends, read how long pthread_join() waited: a small fraction of a millisecond.\n"
       "Click “Run on the Main Loop” and compare the longest wait of the main loop in the list of runs.\n"
       "Both ways throw the same darts: check that they find the same estimate of π.\n"
       "Start the thread again and press Stop: the worker sees the flag within a million darts."),
  .source = "lesson-pthread.c",
  .get_type = thaw_lesson_pthread_get_type,
};
