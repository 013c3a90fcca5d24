/* lesson-cancel.c — Stopping a thread, and how long it takes
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One job, a SHA-256 checksum over 1.25 GiB of generated data, runs on a worker
 * thread, and the learner stops it:
 *
 *   lesson.start           starts the worker with a fresh GCancellable.
 *
 *   lesson.stop            notes the time of the click and cancels the
 *                          GCancellable. That is all a Stop button can do:
 *                          the worker has to look, notice, and stop itself.
 *
 *   lesson.start-and-stop  starts, then presses Stop by itself at a random
 *                          moment, so that the latency can be measured again
 *                          and again (and by the tests).
 *
 * The worker looks at the cancellable every few milliseconds (a knob). When
 * it notices, it notes the time, and that time travels back with its last
 * report: the difference is the cancel latency, measured where it happens.
 *
 * Read it top to bottom: the work, the job the two threads share, the
 * worker and where it looks, the hand-off to the main thread, then the
 * widget that drives them.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "thaw-lesson.h"
#include "thaw-priority.h"

/* 1.25 GiB in blocks of 64 KiB: about two or three seconds of hashing. */
#define BLOCK_WORDS 8192u
#define BLOCK_BYTES (BLOCK_WORDS * sizeof (guint64))
#define N_BLOCKS 20480u
/* How many cancels the history keeps, newest first. */
#define HISTORY_LENGTH 5
/* The knob: how often the worker looks at its cancellable. */
#define DEFAULT_LOOK_EVERY_MS 10
#define MAX_LOOK_EVERY_MS 1000

/* The work itself: plain computing, no GTK, safe on any thread. */

/* Fills a block with pseudo-random words (xorshift64*), the same every time,
 * so that every complete run ends with the same checksum. */
static guint64 *
generate_block (void)
{
  guint64 *block = g_new (guint64, BLOCK_WORDS);
  guint64 x = G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);

  for (guint i = 0; i < BLOCK_WORDS; i++)
    {
      x ^= x >> 12;
      x ^= x << 25;
      x ^= x >> 27;
      block[i] = x * G_GUINT64_CONSTANT (0x2545F4914F6CDD1D);
    }

  return block;
}

/* Hashes block number @index: the generated words, stamped with the index
 * so that no two blocks are the same. */
static void
hash_block (GChecksum *checksum,
            guint64   *block,
            guint      index)
{
  block[0] = index;
  g_checksum_update (checksum, (const guchar *) block, BLOCK_BYTES);
}

/* What the worker and the main thread share.
 *
 * The progress fields are only touched with g_atomic_int_*(), each a full
 * memory barrier. The outcome (the time the worker noticed the cancel, the
 * checksum, the error) is written by the worker before it sets "finished",
 * and read by the main thread only after it has seen "finished": the barrier
 * orders those plain fields too. The rest is set before the thread starts.
 */
typedef struct
{
  gatomicrefcount ref_count;
  GCancellable *cancellable;
  GWeakRef lesson;            /* main thread only */
  gint64 look_every_us;

  /* Written by the worker, read by the main thread. */
  int blocks_done;
  int finished;               /* the worker will report nothing more */
  int delivery_pending;       /* a delivery waits on the main loop */

  /* The outcome, valid once "finished" is set. */
  gint64 noticed_at;          /* when the worker saw the cancel, or 0 */
  char *checksum;             /* on success */
  GError *error;              /* on cancel or failure */
} HashJob;

static HashJob *
hash_job_new (gpointer lesson,
              guint    look_every_ms)
{
  HashJob *job = g_new0 (HashJob, 1);

  g_atomic_ref_count_init (&job->ref_count);
  /* A fresh cancellable for every run: once cancelled, one stays cancelled. */
  job->cancellable = g_cancellable_new ();
  g_weak_ref_init (&job->lesson, lesson);
  job->look_every_us = (gint64) look_every_ms * 1000;

  return job;
}

static HashJob *
hash_job_ref (HashJob *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

static void
hash_job_unref (HashJob *job)
{
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;

  /* The last reference can be dropped by the worker: nothing here belongs
   * to the main thread. */
  g_weak_ref_clear (&job->lesson);
  g_object_unref (job->cancellable);
  g_free (job->checksum);
  g_clear_error (&job->error);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HashJob, hash_job_unref)

static gboolean deliver_progress_cb (gpointer data);

/* Called by the worker each time it looks up from its work. At most one
 * delivery waits on the main loop, and it shows the latest figure. */
static void
publish_progress (HashJob  *job,
                  guint     blocks_done,
                  gboolean  finished)
{
  g_atomic_int_set (&job->blocks_done, (int) blocks_done);
  if (finished)
    g_atomic_int_set (&job->finished, TRUE);

  if (g_atomic_int_compare_and_exchange (&job->delivery_pending, FALSE, TRUE))
    {
      /* The idle callback holds its own reference to the job. */
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE,
                       deliver_progress_cb,
                       hash_job_ref (job),
                       (GDestroyNotify) hash_job_unref);
    }
}

/* The worker thread's whole life. It never calls GTK. */
static gpointer
hash_thread (gpointer data)
{
  /* The thread was given a reference of its own; it drops it on return. */
  g_autoptr(HashJob) job = data;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint64 *block = generate_block ();
  gint64 next_look = 0;
  guint done;

  /* A busy machine should slow the job down, not the window. */
  thaw_thread_set_background_priority ();

  for (done = 0; done < N_BLOCKS; done++)
    {
      gint64 now = g_get_monotonic_time ();

      /* The only place where this thread can stop. Whatever the Stop button
       * does, nothing happens here until the worker comes by and looks:
       * the time between two looks is the longest a Stop can wait. */
      if (now >= next_look)
        {
          if (g_cancellable_set_error_if_cancelled (job->cancellable, &job->error))
            {
              job->noticed_at = g_get_monotonic_time ();
              break;
            }

          publish_progress (job, done, FALSE);
          next_look = now + job->look_every_us;
        }

      hash_block (checksum, block, done);
    }

  /* A Stop that came after the last look is too late: the work is done and
   * its result is good, so the job ends as a success. */
  if (job->error == NULL)
    job->checksum = g_strdup (g_checksum_get_string (checksum));

  publish_progress (job, done, TRUE);

  return NULL;
}

/* The widget. Everything below runs on the main thread. */

#define THAW_TYPE_LESSON_CANCEL (thaw_lesson_cancel_get_type ())
G_DECLARE_FINAL_TYPE (ThawLessonCancel, thaw_lesson_cancel, THAW, LESSON_CANCEL, ThawLesson)

struct _ThawLessonCancel
{
  ThawLesson parent_instance;

  GtkWidget *look_every_row;
  GtkSpinButton *look_every;
  GtkProgressBar *progress;
  GtkLabel *status;
  GtkWidget *history_title;
  GtkListBox *history;

  /* While the worker runs. */
  HashJob *job;
  GThread *thread;
  gint64 started_at;
  gint64 stop_clicked_at;     /* 0 until Stop is pressed */
  guint auto_stop_id;         /* start-and-stop's timer */

  /* The figures, for --report. */
  const char *state;
  double seconds;
  double progress_fraction;
  double cancel_latency_ms;   /* click to worker stopped; < 0: none yet */
  double cancel_delivered_ms; /* click to the main thread knowing it */
  guint n_cancels;
  guint n_late_stops;
  guint n_runs;
  char *checksum;
};

G_DEFINE_FINAL_TYPE (ThawLessonCancel, thaw_lesson_cancel, THAW_TYPE_LESSON)

static void
set_running (ThawLessonCancel *self,
             gboolean          running)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.start", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.start-and-stop", !running);
  thaw_lesson_set_busy (THAW_LESSON (self), running);
  /* The worker reads the interval once, when it starts. */
  gtk_widget_set_sensitive (self->look_every_row, !running);
}

static void
show_progress (ThawLessonCancel *self,
               guint             blocks_done)
{
  g_autofree char *text = NULL;

  self->progress_fraction = (double) blocks_done / N_BLOCKS;
  gtk_progress_bar_set_fraction (self->progress, self->progress_fraction);
  /* Translators: the progress of a checksum; "%u" are mebibytes (MiB). */
  text = g_strdup_printf (_("%u of %u MiB hashed"),
                          blocks_done * (guint) BLOCK_BYTES / (1024 * 1024),
                          N_BLOCKS * (guint) BLOCK_BYTES / (1024 * 1024));
  gtk_progress_bar_set_text (self->progress, text);
}

/* Adds a row to the history of stops, newest first, keeping the last few. */
static void
add_to_history (ThawLessonCancel *self,
                const char       *title,
                const char       *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *oldest;
  guint n_rows = 0;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_prepend (self->history, row);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->history));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n_rows++;

  oldest = gtk_widget_get_last_child (GTK_WIDGET (self->history));
  if (n_rows > HISTORY_LENGTH && oldest != NULL)
    gtk_list_box_remove (self->history, oldest);

  gtk_widget_set_visible (self->history_title, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->history), TRUE);
}

static void
record_cancel (ThawLessonCancel *self,
               HashJob          *job,
               gint64            delivered_at)
{
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  /* Both clocks are the same monotonic clock, so a time taken on the worker
   * can be compared with one taken here. */
  self->cancel_latency_ms = (double) (job->noticed_at - self->stop_clicked_at) / 1000.0;
  self->cancel_delivered_ms = (double) (delivered_at - self->stop_clicked_at) / 1000.0;
  self->n_cancels++;

  /* Translators: "%.1f" is a time in milliseconds. */
  title = g_strdup_printf (_("The worker stopped %.1f ms after the click"),
                           self->cancel_latency_ms);
  /* Translators: "%.0f %%" is how far the job had come, the first "%u" how
   * often the worker looked at the cancellable, "%.1f" a time in ms. */
  subtitle = g_strdup_printf (_("At %.0f %% · looking every %u ms · the window knew after %.1f ms"),
                              100 * self->progress_fraction,
                              (guint) (job->look_every_us / 1000),
                              self->cancel_delivered_ms);
  add_to_history (self, title, subtitle);
}

static void
record_late_stop (ThawLessonCancel *self)
{
  self->n_late_stops++;
  add_to_history (self,
                  _("Too late to stop: the job had already finished"),
                  _("The work was complete, so its result stands"));
}

/* The worker's last word has arrived: join it and say how the run ended. */
static void
finish_run (ThawLessonCancel *self,
            HashJob          *job)
{
  gint64 delivered_at = g_get_monotonic_time ();
  g_autofree char *text = NULL;

  /* The worker has said its last word and is returning, so this join waits
   * microseconds; joining a thread that is still hashing would freeze the
   * window. */
  g_thread_join (g_steal_pointer (&self->thread));
  g_clear_handle_id (&self->auto_stop_id, g_source_remove);

  self->seconds = (double) (delivered_at - self->started_at) / G_USEC_PER_SEC;
  self->n_runs++;

  if (g_error_matches (job->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Cancelled is how the job was asked to end: not a failure. */
      self->state = "cancelled";
      record_cancel (self, job, delivered_at);
      /* Translators: "%.1f" is a time in milliseconds. */
      text = g_strdup_printf (_("Stopped: the worker noticed %.1f ms after the click."),
                              self->cancel_latency_ms);
    }
  else if (job->error != NULL)
    {
      self->state = "failed";
      /* Translators: "%s" is the error message of the worker. */
      text = g_strdup_printf (_("The job failed: %s"), job->error->message);
    }
  else
    {
      self->state = "succeeded";
      g_free (self->checksum);
      self->checksum = g_strdup (job->checksum);
      if (self->stop_clicked_at != 0)
        record_late_stop (self);
      /* Translators: "%.2f" is seconds, "%.16s" the start of a checksum. */
      text = g_strdup_printf (_("Done in %.2f s. SHA-256: %.16s…"),
                              self->seconds, job->checksum);
    }

  gtk_label_set_text (self->status, text);
  set_running (self, FALSE);
}

/* A delivery from the worker, running on the main thread. */
static gboolean
deliver_progress_cb (gpointer data)
{
  HashJob *job = data;
  g_autoptr(ThawLessonCancel) self = NULL;
  guint blocks_done;
  gboolean finished;

  /* Clear the flag before reading, so that news stored after this point
   * schedules a new delivery instead of being lost. */
  g_atomic_int_set (&job->delivery_pending, FALSE);
  blocks_done = (guint) g_atomic_int_get (&job->blocks_done);
  finished = g_atomic_int_get (&job->finished);

  /* The lesson may be gone (the window was closed), or may have moved on to
   * another run: then this news is for nobody. */
  self = g_weak_ref_get (&job->lesson);
  if (self == NULL || self->job != job)
    return G_SOURCE_REMOVE;

  show_progress (self, blocks_done);

  if (finished)
    {
      /* The lesson's reference keeps the job alive through finish_run(). */
      finish_run (self, job);
      g_clear_pointer (&self->job, hash_job_unref);
    }

  return G_SOURCE_REMOVE;
}

/* lesson.start: a worker with a fresh GCancellable. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonCancel *self = THAW_LESSON_CANCEL (widget);
  g_autoptr(GError) error = NULL;

  if (self->job != NULL)
    return;

  self->started_at = g_get_monotonic_time ();
  self->stop_clicked_at = 0;
  self->state = "running";
  show_progress (self, 0);
  set_running (self, TRUE);
  gtk_label_set_text (self->status, _("Hashing on a worker thread. Press Stop whenever you like."));

  self->job = hash_job_new (self, (guint) gtk_spin_button_get_value_as_int (self->look_every));
  /* The thread gets a reference of its own and drops it when it returns. */
  self->thread = g_thread_try_new ("thaw-hash", hash_thread,
                                   hash_job_ref (self->job), &error);
  if (self->thread == NULL)
    {
      /* The thread never started, so its reference is still ours to drop. */
      hash_job_unref (self->job);
      g_clear_pointer (&self->job, hash_job_unref);
      self->state = "failed";
      gtk_label_set_text (self->status, error->message);
      set_running (self, FALSE);
    }
}

/* lesson.stop: note the time of the click, then ask. The worker's last
 * delivery ends the run. Pressing it twice, or after the end, does nothing. */
static void
stop_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonCancel *self = THAW_LESSON_CANCEL (widget);

  if (self->job == NULL || self->stop_clicked_at != 0)
    return;

  /* The clock first: the worker may notice as soon as the next line. */
  self->stop_clicked_at = g_get_monotonic_time ();
  g_cancellable_cancel (self->job->cancellable);

  gtk_widget_action_set_enabled (widget, "lesson.stop", FALSE);
  g_clear_handle_id (&self->auto_stop_id, g_source_remove);
  gtk_label_set_text (self->status, _("Stop pressed. Waiting for the worker to look…"));
}

static gboolean
auto_stop_cb (gpointer data)
{
  ThawLessonCancel *self = data;

  self->auto_stop_id = 0;
  /* Exactly what the Stop button does, clock and all. */
  gtk_widget_activate_action (GTK_WIDGET (self), "lesson.stop", NULL);

  return G_SOURCE_REMOVE;
}

/* lesson.start-and-stop: start, then stop at a random moment, so that the
 * click lands anywhere between two looks of the worker. */
static void
start_and_stop_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ThawLessonCancel *self = THAW_LESSON_CANCEL (widget);

  if (self->job != NULL)
    return;

  start_cb (widget, "lesson.start", NULL);
  if (self->job == NULL)
    return;

  self->auto_stop_id = g_timeout_add ((guint) g_random_int_range (400, 1200),
                                      auto_stop_cb, self);
}

static void
thaw_lesson_cancel_report (ThawLesson  *lesson,
                           JsonBuilder *builder)
{
  ThawLessonCancel *self = THAW_LESSON_CANCEL (lesson);

  json_builder_set_member_name (builder, "job_state");
  json_builder_add_string_value (builder, self->state);
  json_builder_set_member_name (builder, "job_seconds");
  json_builder_add_double_value (builder, self->seconds);
  json_builder_set_member_name (builder, "progress");
  json_builder_add_double_value (builder, self->progress_fraction);
  /* No cancel yet is not "0 ms": leave the figures empty. */
  json_builder_set_member_name (builder, "cancel_latency_ms");
  if (self->n_cancels > 0)
    json_builder_add_double_value (builder, self->cancel_latency_ms);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "cancel_delivered_ms");
  if (self->n_cancels > 0)
    json_builder_add_double_value (builder, self->cancel_delivered_ms);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "cancels");
  json_builder_add_int_value (builder, self->n_cancels);
  json_builder_set_member_name (builder, "late_stops");
  json_builder_add_int_value (builder, self->n_late_stops);
  json_builder_set_member_name (builder, "look_every_ms");
  json_builder_add_int_value (builder, gtk_spin_button_get_value_as_int (self->look_every));
  json_builder_set_member_name (builder, "checksum");
  if (self->checksum != NULL)
    json_builder_add_string_value (builder, self->checksum);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "runs");
  json_builder_add_int_value (builder, self->n_runs);
}

static void
thaw_lesson_cancel_dispose (GObject *object)
{
  ThawLessonCancel *self = THAW_LESSON_CANCEL (object);

  /* The window may close mid-job. Cancel and wait: the worker looks every
   * few milliseconds (at most every second, with the knob at its top), so
   * no thread outlives the lesson. A delivery it already scheduled finds
   * the lesson gone and does nothing. */
  if (self->job != NULL)
    {
      g_cancellable_cancel (self->job->cancellable);
      g_thread_join (g_steal_pointer (&self->thread));
      g_clear_pointer (&self->job, hash_job_unref);
    }

  g_clear_handle_id (&self->auto_stop_id, g_source_remove);

  G_OBJECT_CLASS (thaw_lesson_cancel_parent_class)->dispose (object);
}

static void
thaw_lesson_cancel_finalize (GObject *object)
{
  ThawLessonCancel *self = THAW_LESSON_CANCEL (object);

  g_free (self->checksum);

  G_OBJECT_CLASS (thaw_lesson_cancel_parent_class)->finalize (object);
}

static void
thaw_lesson_cancel_class_init (ThawLessonCancelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  object_class->dispose = thaw_lesson_cancel_dispose;
  object_class->finalize = thaw_lesson_cancel_finalize;
  lesson_class->report = thaw_lesson_cancel_report;

  gtk_widget_class_install_action (widget_class, "lesson.start", NULL, start_cb);
  gtk_widget_class_install_action (widget_class, "lesson.stop", NULL, stop_cb);
  gtk_widget_class_install_action (widget_class, "lesson.start-and-stop", NULL, start_and_stop_cb);
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

static GtkWidget *
make_look_every_row (ThawLessonCancel *self)
{
  GtkWidget *list, *row, *spin;

  spin = gtk_spin_button_new_with_range (1, MAX_LOOK_EVERY_MS, 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), DEFAULT_LOOK_EVERY_MS);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  self->look_every = GTK_SPIN_BUTTON (spin);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Look at the cancellable every (ms)"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("The longest a Stop can wait"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  /* libadwaita names the row's activatable spin button by the row's title;
   * a label of its own would be read after it. */
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  self->look_every_row = row;

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), row);

  return list;
}

static void
thaw_lesson_cancel_init (ThawLessonCancel *self)
{
  GtkWidget *box, *buttons, *progress, *status, *history_title, *history;

  self->state = "idle";

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  buttons = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (buttons), FALSE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 3);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Start"), "lesson.start", "suggested-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("S_top"), "lesson.stop", "destructive-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("Start, Then Stop at _Random"), "lesson.start-and-stop", NULL));
  gtk_box_append (GTK_BOX (box), buttons);

  gtk_box_append (GTK_BOX (box), make_look_every_row (self));

  progress = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (progress), TRUE);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (progress), _("Not started"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (progress),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Progress of the checksum"),
                                  -1);
  gtk_box_append (GTK_BOX (box), progress);
  self->progress = GTK_PROGRESS_BAR (progress);

  status = gtk_label_new (_("Start the checksum, then stop it. The time from the click to the worker stopping is measured."));
  gtk_label_set_wrap (GTK_LABEL (status), TRUE);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_box_append (GTK_BOX (box), status);
  self->status = GTK_LABEL (status);

  history_title = gtk_label_new (_("Last Stops"));
  gtk_label_set_xalign (GTK_LABEL (history_title), 0);
  gtk_widget_add_css_class (history_title, "heading");
  gtk_widget_set_visible (history_title, FALSE);
  gtk_box_append (GTK_BOX (box), history_title);
  self->history_title = history_title;

  history = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (history), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (history, "boxed-list");
  gtk_widget_set_visible (history, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (history),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Last stops"),
                                  -1);
  gtk_box_append (GTK_BOX (box), history);
  self->history = GTK_LIST_BOX (history);

  adw_bin_set_child (ADW_BIN (self), box);
  set_running (self, FALSE);
}

const ThawLessonInfo thaw_lesson_cancel_info = {
  .id = "cancel",
  .part = THAW_PART_CONTROL,
  .title = N_("Stopping a Thread"),
  .summary = N_("A Stop button, a GCancellable, and how long stopping takes"),
  .keywords = N_("cancel;stop;GCancellable;kill;pthread_cancel;TerminateThread;Event;latency;flag;checksum"),
  .explanation =
    N_("A Stop button cannot stop a thread. It can only ask; the thread has to "
       "look, notice, and stop itself. In GLib the asking is done with a "
       "<b>GCancellable</b>. The main thread calls <tt>g_cancellable_cancel()</tt>; "
       "the worker calls <tt>g_cancellable_set_error_if_cancelled()</tt> between "
       "two pieces of work, and when it says yes, the worker tidies up and "
       "returns the error <tt>G_IO_ERROR_CANCELLED</tt>, which the main thread "
       "reads as “stopped”, not as a failure. GIO’s own calls take the "
       "cancellable too. A read from a socket or a pipe that is waiting for "
       "data gives up at once, in the middle of its wait. A read from a local "
       "file does not: the kernel finishes a <tt>read()</tt> it has begun, so "
       "GIO returns <tt>G_IO_ERROR_CANCELLED</tt> before the next read, not "
       "during one.\n\n"
       "Why not simply kill the thread? Because a thread is always in the middle "
       "of something. It may hold a lock — a <tt>GMutex</tt>, or the one inside "
       "<tt>malloc()</tt> — and, killed there, it never lets go: the next thread "
       "that needs the lock waits forever. It may be halfway through updating a "
       "struct or writing a file, and leave data that is neither old nor new. "
       "What it allocated or opened is never freed, because the code that would "
       "free it never runs. <tt>pthread_cancel()</tt> stops a thread only at "
       "certain calls and runs cleanup handlers, but code not written for it, "
       "GLib’s included, leaks and deadlocks all the same; Windows documents "
       "<tt>TerminateThread()</tt> as dangerous for the same reasons. Python "
       "offers no way to kill a thread at all: you set a <tt>threading.Event</tt> "
       "and the thread checks it.\n\n"
       "So the time from the click to the stop is the time until the worker next "
       "looks. This lesson measures it: the Stop button notes the time of the "
       "click, the worker notes the moment it notices, and that moment travels "
       "back with its last report. Look rarely and a Stop waits long; look after "
       "every byte and the looking costs more than the work. Every few "
       "milliseconds is plenty: people notice a delay of about 100 ms.\n\n"
       "Stopping is safe at any moment. Stopping twice does nothing more, since "
       "a cancellable stays cancelled — which is also why every run gets a fresh "
       "one. A Stop that arrives after the worker’s last look is simply too late: "
       "the checksum is complete and correct, and the job counts as finished."),
  .try_this =
    N_("Click Start, then Stop: the list of stops shows how long the worker took to notice.\n"
       "Click “Start, Then Stop at Random” a few times: the times vary, but stay within about one look interval.\n"
       "Set the interval to 500 ms and stop again: now a Stop can wait up to half a second.\n"
       "Press Stop just before the end: either the worker stops, or it had finished and its result stands.\n"
       "Press Start again: a new run gets a new cancellable, and works."),
  .source = "lesson-cancel.c",
  .get_type = thaw_lesson_cancel_get_type,
};
