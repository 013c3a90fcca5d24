/* lesson-timeout.c — Waiting, but not forever
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A job that takes longer than we care to wait. A waiter thread starts it
 * and waits for it with a timeout: g_cond_wait_until(), the GLib spelling
 * of Python's  worker.join(timeout)  followed by  worker.is_alive().
 *
 *   lesson.start         the waiter thread waits. When its time is up and
 *                        the job still runs, it tells the main loop, which
 *                        says "still running after 1.0 s" and asks: keep
 *                        waiting, or stop? Until the answer comes, the waiter
 *                        waits for the answer or the job's end.
 *
 *   lesson.keep-waiting  another timed wait.
 *
 *   lesson.stop          cancels the job; the waiter joins its thread.
 *
 *   lesson.block         the same timed waits on the main loop, the wrong
 *                        way: each one freezes the window for the whole
 *                        timeout, and the news that the job is still running
 *                        cannot even be drawn.
 *
 * Read it top to bottom: the job, the timed wait, the waiter thread, the
 * hand-off to the main thread, and then the widget that drives them.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "thaw-lesson.h"
#include "thaw-priority.h"

#define DEFAULT_JOB_LENGTH 2.5
#define DEFAULT_TIMEOUT 1.0

/* The job looks at the Stop button between two steps this long. */
#define STEP_US (20 * G_TIME_SPAN_MILLISECOND)

/* What the job, the waiter and the main thread share.
 *
 * The fields below the mutex are only touched with it held. The condition
 * is broadcast whenever one of the two things a waiter waits for happens:
 * the job finished, or the learner said to keep waiting.
 */
typedef struct
{
  gatomicrefcount ref_count;
  GCancellable *cancellable;
  GWeakRef lesson;          /* main thread only */

  /* Set before the threads start, then only read. */
  guint n_steps;
  gint64 timeout_us;

  GMutex mutex;
  GCond cond;

  /* Written by the job. */
  guint steps_done;
  gboolean job_finished;
  gint64 job_finished_at;

  /* Written by the main thread: the answer "keep waiting". */
  gboolean keep_waiting;

  /* Written by the waiter. */
  gint64 job_started_at;    /* just before it started the job's thread */
  gint64 wait_started_at;   /* when the current timed wait began; 0 if none */
  guint timeouts_hit;
  gint64 first_timeout_at;
  gint64 last_timeout_at;
  gboolean waiter_finished; /* its last word */
  GError *error;

  /* TRUE while a delivery is scheduled on the main loop and has not run. */
  int delivery_pending;
} TimedJob;

static TimedJob *
timed_job_new (gpointer lesson,
               double   job_length,
               double   timeout)
{
  TimedJob *job = g_new0 (TimedJob, 1);

  g_atomic_ref_count_init (&job->ref_count);
  job->cancellable = g_cancellable_new ();
  g_weak_ref_init (&job->lesson, lesson);
  g_mutex_init (&job->mutex);
  g_cond_init (&job->cond);

  job->n_steps = MAX (1, (guint) (job_length * G_USEC_PER_SEC / STEP_US + 0.5));
  job->timeout_us = (gint64) (timeout * G_USEC_PER_SEC);

  return job;
}

static TimedJob *
timed_job_ref (TimedJob *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

static void
timed_job_unref (TimedJob *job)
{
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;

  /* The last reference may be dropped on the waiter thread: nothing here
   * may belong to the main thread. */
  g_weak_ref_clear (&job->lesson);
  g_object_unref (job->cancellable);
  g_mutex_clear (&job->mutex);
  g_cond_clear (&job->cond);
  g_clear_error (&job->error);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TimedJob, timed_job_unref)

static gboolean deliver_cb (gpointer data);

/* Asks the main loop to look at the job, unless it has been asked already
 * and has not looked yet: then it will see the latest news anyway. */
static void
publish (TimedJob *job)
{
  if (g_atomic_int_compare_and_exchange (&job->delivery_pending, FALSE, TRUE))
    {
      /* The idle holds a reference: the job outlives its threads if needed. */
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, deliver_cb,
                       timed_job_ref (job), (GDestroyNotify) timed_job_unref);
    }
}

/* The job: slow, and stoppable between two steps. It could be anything
 * that takes a while; here it naps. */
static gpointer
job_thread (gpointer data)
{
  /* Borrowed: whoever started this thread joins it before letting go. */
  TimedJob *job = data;

  thaw_thread_set_background_priority ();

  for (guint step = 1; step <= job->n_steps; step++)
    {
      if (g_cancellable_is_cancelled (job->cancellable))
        break;

      g_usleep (STEP_US);

      g_mutex_lock (&job->mutex);
      job->steps_done = step;
      g_mutex_unlock (&job->mutex);
      publish (job);
    }

  /* The news a waiter is waiting for. Broadcast, not signal: the main loop
   * may be waiting too, in lesson.block. */
  g_mutex_lock (&job->mutex);
  job->job_finished = TRUE;
  job->job_finished_at = g_get_monotonic_time ();
  g_cond_broadcast (&job->cond);
  g_mutex_unlock (&job->mutex);

  return NULL;
}

/* Python's worker.join(timeout): waits until the job has finished or the
 * time is up, whichever comes first, and returns whether it finished — the
 * opposite of is_alive(). Called with the mutex held.
 *
 * g_cond_wait_until() takes an end time on the monotonic clock, not a
 * duration, and may wake up early with nothing changed: a "spurious
 * wake-up". So it is called in a loop that checks the flag each time, and
 * the deadline stays where it was. It returns FALSE once the end time has
 * passed. */
static gboolean
join_with_timeout (TimedJob *job,
                   gint64    timeout_us)
{
  gint64 end_time = g_get_monotonic_time () + timeout_us;

  while (!job->job_finished)
    if (!g_cond_wait_until (&job->cond, &job->mutex, end_time))
      break;

  return job->job_finished;
}

/* Counts a timeout that found the job still running. Mutex held. */
static void
note_timeout (TimedJob *job)
{
  job->last_timeout_at = g_get_monotonic_time ();
  if (job->timeouts_hit++ == 0)
    job->first_timeout_at = job->last_timeout_at;
}

/* lesson.start's waiter thread: it starts the job, waits for it with a
 * timeout as often as the learner likes, and joins it. */
static gpointer
waiter_thread (gpointer data)
{
  /* A reference of its own, dropped on return. The job's thread borrows it:
   * it is joined below, before the reference goes. */
  g_autoptr(TimedJob) job = data;
  GError *error = NULL;
  GThread *worker;

  thaw_thread_set_background_priority ();

  /* Times count from here, before the thread starts, so that no timed wait
   * can seem shorter than the timeout. */
  g_mutex_lock (&job->mutex);
  job->job_started_at = g_get_monotonic_time ();
  g_mutex_unlock (&job->mutex);

  worker = g_thread_try_new ("thaw-slow-job", job_thread, job, &error);

  g_mutex_lock (&job->mutex);

  while (worker != NULL)
    {
      job->wait_started_at = g_get_monotonic_time ();
      if (join_with_timeout (job, job->timeout_us))
        break;

      /* is_alive(): the time is up and the job goes on. A timeout ends the
       * wait, never the job. Tell the main loop, which asks the learner. */
      job->wait_started_at = 0;
      note_timeout (job);
      publish (job);

      /* Until the answer comes, wait for it or for the job's end, with no
       * time limit: if the job finishes first, nobody needs to answer. */
      while (!job->job_finished && !job->keep_waiting)
        g_cond_wait (&job->cond, &job->mutex);
      job->keep_waiting = FALSE;
    }

  job->wait_started_at = 0;
  g_mutex_unlock (&job->mutex);

  /* The job has finished, so this join returns at once. */
  if (worker != NULL)
    g_thread_join (worker);

  g_mutex_lock (&job->mutex);
  job->error = error;
  job->waiter_finished = TRUE;
  g_mutex_unlock (&job->mutex);
  publish (job);

  return NULL;
}

/* The widget. Everything below runs on the main thread. */

#define THAW_TYPE_LESSON_TIMEOUT (thaw_lesson_timeout_get_type ())
G_DECLARE_FINAL_TYPE (ThawLessonTimeout, thaw_lesson_timeout, THAW, LESSON_TIMEOUT, ThawLesson)

/* A copy of the shared fields, taken under the mutex. */
typedef struct
{
  guint steps_done;
  gboolean job_finished;
  gint64 job_finished_at;
  gboolean keep_waiting;
  gint64 job_started_at;
  gint64 wait_started_at;
  guint timeouts_hit;
  gint64 first_timeout_at;
  gint64 last_timeout_at;
  gboolean waiter_finished;
} Snapshot;

struct _ThawLessonTimeout
{
  ThawLesson parent_instance;

  GtkWidget *knobs;
  GtkProgressBar *progress;
  GtkLabel *status;
  GtkListBox *events;

  /* The knobs. */
  double job_length;
  double timeout;

  /* While the job runs: the job and its waiter thread. */
  TimedJob *job;
  GThread *waiter;
  gboolean asking;          /* whether Keep Waiting is on */

  /* The last run, for --report. */
  const char *state;
  const char *mode;
  double run_timeout;
  guint timeouts_hit;
  double job_seconds;
  double first_timeout_seconds;
};

G_DEFINE_FINAL_TYPE (ThawLessonTimeout, thaw_lesson_timeout, THAW_TYPE_LESSON)

enum {
  PROP_0,
  PROP_JOB_LENGTH,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
take_snapshot (TimedJob *job,
               Snapshot *snapshot)
{
  g_mutex_lock (&job->mutex);
  snapshot->steps_done = job->steps_done;
  snapshot->job_finished = job->job_finished;
  snapshot->job_started_at = job->job_started_at;
  snapshot->job_finished_at = job->job_finished_at;
  snapshot->keep_waiting = job->keep_waiting;
  snapshot->wait_started_at = job->wait_started_at;
  snapshot->timeouts_hit = job->timeouts_hit;
  snapshot->first_timeout_at = job->first_timeout_at;
  snapshot->last_timeout_at = job->last_timeout_at;
  snapshot->waiter_finished = job->waiter_finished;
  g_mutex_unlock (&job->mutex);
}

static double
seconds_between (gint64 from,
                 gint64 to)
{
  return (double) (to - from) / G_USEC_PER_SEC;
}

static void
set_running (ThawLessonTimeout *self,
             gboolean           running,
             gboolean           asking)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.start", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.block", !running);
  self->asking = running && asking;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.keep-waiting", self->asking);
  thaw_lesson_set_busy (THAW_LESSON (self), running);
  gtk_widget_set_sensitive (self->knobs, !running);
}

static void
add_event (ThawLessonTimeout *self,
           const char        *title,
           const char        *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_append (self->events, row);
  gtk_widget_set_visible (GTK_WIDGET (self->events), TRUE);
}

static void
clear_events (ThawLessonTimeout *self)
{
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->events))) != NULL)
    gtk_list_box_remove (self->events, row);
  gtk_widget_set_visible (GTK_WIDGET (self->events), FALSE);
}

static void
show_progress (ThawLessonTimeout *self,
               TimedJob          *job,
               const Snapshot    *snapshot)
{
  gtk_progress_bar_set_fraction (self->progress, (double) snapshot->steps_done / job->n_steps);
  /* No text of our own while it runs: the bar shows its percentage. */
  gtk_progress_bar_set_text (self->progress, NULL);
}

/* A timed wait ran out @seconds after the job started. */
static void
show_timeout (ThawLessonTimeout *self,
              double             seconds)
{
  g_autofree char *title = NULL;

  /* Translators: "%.1f s" is how long the job has been running. */
  title = g_strdup_printf (_("Still running after %.1f s"), seconds);
  add_event (self, title, _("The timed wait ran out. The job goes on."));
}

static void
show_waiting (ThawLessonTimeout *self,
              TimedJob          *job,
              const Snapshot    *snapshot)
{
  g_autofree char *text = NULL;
  gint64 now = g_get_monotonic_time ();

  if (snapshot->wait_started_at != 0)
    /* Translators: the timeout, then how long this wait has lasted so far. */
    text = g_strdup_printf (_("Waiting for the job, %.1f s at most: %.1f s so far…"),
                            (double) job->timeout_us / G_USEC_PER_SEC,
                            seconds_between (snapshot->wait_started_at, now));
  else if (snapshot->timeouts_hit > 0 && !snapshot->keep_waiting)
    text = g_strdup_printf (_("The job is still running after %.1f s. Keep waiting, or stop it?"),
                            seconds_between (snapshot->job_started_at, now));
  else
    text = g_strdup (_("Starting…"));

  gtk_label_set_text (self->status, text);
}

/* Records the end of a run, on whichever thread the waiting happened. */
static void
end_run (ThawLessonTimeout *self,
         TimedJob          *job,
         const Snapshot    *snapshot,
         const GError      *error)
{
  g_autofree char *title = NULL;
  g_autofree char *status = NULL;
  const char *subtitle;

  self->timeouts_hit = snapshot->timeouts_hit;
  self->job_seconds = -1;
  self->first_timeout_seconds = -1;
  if (snapshot->timeouts_hit > 0)
    self->first_timeout_seconds = seconds_between (snapshot->job_started_at, snapshot->first_timeout_at);

  if (error != NULL)
    {
      self->state = "failed";
      /* The reason travelled here from the waiter thread as a GError. */
      title = g_strdup_printf (_("The job could not start: %s"), error->message);
      subtitle = _("No thread was started, so there is nothing to join.");
      gtk_progress_bar_set_text (self->progress, C_("the job", "Failed"));
    }
  else
    {
      self->job_seconds = seconds_between (snapshot->job_started_at, snapshot->job_finished_at);

      if (snapshot->steps_done < job->n_steps)
        {
          self->state = "cancelled";
          /* Translators: "%.2f s" is how long the job ran before it stopped. */
          title = g_strdup_printf (_("Stopped after %.2f s"), self->job_seconds);
          subtitle = _("The job saw the cancellation, and its thread was joined.");
          gtk_progress_bar_set_text (self->progress, C_("the job", "Stopped"));
        }
      else
        {
          self->state = "succeeded";
          /* Translators: "%.2f s" is how long the job took. */
          title = g_strdup_printf (_("Finished after %.2f s"), self->job_seconds);
          subtitle = _("The wait ended because the job did, and its thread was joined.");
          gtk_progress_bar_set_text (self->progress, C_("the job", "Finished"));
        }
    }

  add_event (self, title, subtitle);
  if (snapshot->timeouts_hit == 0)
    status = g_strdup (_("Done before the first timeout."));
  else
    status = g_strdup_printf (ngettext ("Done. The timeout ran out %u time before the end.",
                                        "Done. The timeout ran out %u times before the end.",
                                        snapshot->timeouts_hit),
                              snapshot->timeouts_hit);
  gtk_label_set_text (self->status, status);
  set_running (self, FALSE, FALSE);
}

/* A delivery from the job or its waiter, running on the main thread. */
static gboolean
deliver_cb (gpointer data)
{
  TimedJob *job = data;
  g_autoptr(ThawLessonTimeout) self = NULL;
  Snapshot snapshot;
  gboolean asking;

  /* Clear the flag before reading, so that news stored after this point
   * schedules a new delivery instead of being lost. */
  g_atomic_int_set (&job->delivery_pending, FALSE);
  take_snapshot (job, &snapshot);

  /* The lesson may be gone, or busy with another run. */
  self = g_weak_ref_get (&job->lesson);
  if (self == NULL || self->job != job)
    return G_SOURCE_REMOVE;

  show_progress (self, job, &snapshot);

  /* A timeout since the last delivery. There can be only one: after each,
   * the waiter waits for an answer, and answers come from this thread. */
  if (snapshot.timeouts_hit > self->timeouts_hit)
    {
      self->timeouts_hit = snapshot.timeouts_hit;
      show_timeout (self, seconds_between (snapshot.job_started_at, snapshot.last_timeout_at));
    }

  if (snapshot.waiter_finished)
    {
      /* The waiter has joined the job and is returning, so this join waits
       * microseconds. Its error, if any, is safe to read after the join. */
      g_thread_join (g_steal_pointer (&self->waiter));
      g_clear_pointer (&self->job, timed_job_unref);
      end_run (self, job, &snapshot, job->error);
      return G_SOURCE_REMOVE;
    }

  show_waiting (self, job, &snapshot);

  /* Keep Waiting makes sense only while the waiter waits for the answer. */
  asking = snapshot.timeouts_hit > 0 && snapshot.wait_started_at == 0 &&
           !snapshot.keep_waiting && !snapshot.job_finished &&
           !g_cancellable_is_cancelled (job->cancellable);
  if (asking != self->asking)
    set_running (self, TRUE, asking);

  return G_SOURCE_REMOVE;
}

static TimedJob *
begin_run (ThawLessonTimeout *self,
           const char        *mode)
{
  TimedJob *job = timed_job_new (self, self->job_length, self->timeout);

  self->state = "running";
  self->mode = mode;
  self->run_timeout = self->timeout;
  self->timeouts_hit = 0;
  self->job_seconds = -1;
  self->first_timeout_seconds = -1;

  clear_events (self);
  gtk_progress_bar_set_fraction (self->progress, 0);
  gtk_progress_bar_set_text (self->progress, NULL);
  set_running (self, TRUE, FALSE);

  return job;
}

/* lesson.start: the waiting happens on a waiter thread. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonTimeout *self = THAW_LESSON_TIMEOUT (widget);
  g_autoptr(GError) error = NULL;

  if (self->job != NULL)
    return;

  self->job = begin_run (self, "worker");
  gtk_label_set_text (self->status, _("Starting…"));

  /* The thread gets a reference of its own and drops it when it returns. */
  self->waiter = g_thread_try_new ("thaw-waiter", waiter_thread,
                                   timed_job_ref (self->job), &error);
  if (self->waiter == NULL)
    {
      Snapshot snapshot = { 0 };

      /* The thread never started, so its reference is still ours to drop. */
      timed_job_unref (self->job);
      end_run (self, self->job, &snapshot, error);
      g_clear_pointer (&self->job, timed_job_unref);
    }
}

/* lesson.keep-waiting: the answer the waiter is waiting for. */
static void
keep_waiting_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ThawLessonTimeout *self = THAW_LESSON_TIMEOUT (widget);

  if (self->job == NULL)
    return;

  g_mutex_lock (&self->job->mutex);
  self->job->keep_waiting = TRUE;
  g_cond_broadcast (&self->job->cond);
  g_mutex_unlock (&self->job->mutex);

  set_running (self, TRUE, FALSE);
}

/* lesson.stop: the job sees it at its next step, and its end wakes the
 * waiter, whatever it was waiting for. */
static void
stop_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonTimeout *self = THAW_LESSON_TIMEOUT (widget);

  if (self->job == NULL)
    return;

  g_cancellable_cancel (self->job->cancellable);
  gtk_label_set_text (self->status, _("Stopping…"));
  set_running (self, TRUE, FALSE);
}

/* lesson.block: the same timed waits on the main loop, the wrong way. */
static void
block_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonTimeout *self = THAW_LESSON_TIMEOUT (widget);
  g_autoptr(TimedJob) job = NULL;
  g_autoptr(GError) error = NULL;
  Snapshot snapshot;
  GThread *worker;

  if (self->job != NULL)
    return;

  job = begin_run (self, "main-loop");

  /* The job itself still runs on a thread of its own; only the waiting is
   * done here. It borrows our reference: it is joined below. */
  job->job_started_at = g_get_monotonic_time ();
  worker = g_thread_try_new ("thaw-slow-job", job_thread, job, &error);
  if (worker == NULL)
    {
      take_snapshot (job, &snapshot);
      end_run (self, job, &snapshot, error);
      return;
    }

  for (;;)
    {
      gboolean finished;
      double seconds = 0;

      /* Each of these waits freezes the window for up to the timeout. */
      g_mutex_lock (&job->mutex);
      finished = join_with_timeout (job, job->timeout_us);
      if (!finished)
        {
          note_timeout (job);
          seconds = seconds_between (job->job_started_at, job->last_timeout_at);
        }
      g_mutex_unlock (&job->mutex);

      if (finished)
        break;

      /* The news is real and the line is added now, but the window cannot
       * draw it until this handler returns, and nobody can click Stop: the
       * main loop can only wait again. */
      show_timeout (self, seconds);
    }

  g_thread_join (worker);

  take_snapshot (job, &snapshot);
  show_progress (self, job, &snapshot);
  end_run (self, job, &snapshot, NULL);
}

static void
add_seconds_member (JsonBuilder *builder,
                    const char  *name,
                    double       seconds)
{
  json_builder_set_member_name (builder, name);
  if (seconds < 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, seconds);
}

static void
thaw_lesson_timeout_report (ThawLesson  *lesson,
                            JsonBuilder *builder)
{
  ThawLessonTimeout *self = THAW_LESSON_TIMEOUT (lesson);

  json_builder_set_member_name (builder, "job_state");
  json_builder_add_string_value (builder, self->state);
  json_builder_set_member_name (builder, "job_mode");
  json_builder_add_string_value (builder, self->mode);
  json_builder_set_member_name (builder, "timeout_seconds");
  json_builder_add_double_value (builder, g_str_equal (self->state, "idle") ? self->timeout : self->run_timeout);
  json_builder_set_member_name (builder, "job_length_seconds");
  json_builder_add_double_value (builder, self->job_length);
  json_builder_set_member_name (builder, "timeouts_hit");
  json_builder_add_int_value (builder, self->timeouts_hit);
  add_seconds_member (builder, "first_timeout_seconds", self->first_timeout_seconds);
  add_seconds_member (builder, "job_seconds", self->job_seconds);
  json_builder_set_member_name (builder, "asking");
  json_builder_add_boolean_value (builder, self->asking);
}

static void
thaw_lesson_timeout_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ThawLessonTimeout *self = THAW_LESSON_TIMEOUT (object);

  switch (prop_id)
    {
    case PROP_JOB_LENGTH:
      g_value_set_double (value, self->job_length);
      break;

    case PROP_TIMEOUT:
      g_value_set_double (value, self->timeout);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_lesson_timeout_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  ThawLessonTimeout *self = THAW_LESSON_TIMEOUT (object);
  double *field;

  /* A run copies the knobs when it starts: changing them mid-run is safe. */
  switch (prop_id)
    {
    case PROP_JOB_LENGTH:
      field = &self->job_length;
      break;

    case PROP_TIMEOUT:
      field = &self->timeout;
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }

  if (*field != g_value_get_double (value))
    {
      *field = g_value_get_double (value);
      g_object_notify_by_pspec (object, pspec);
    }
}

static void
thaw_lesson_timeout_dispose (GObject *object)
{
  ThawLessonTimeout *self = THAW_LESSON_TIMEOUT (object);

  /* Closing the window mid-run: stop the job and join the waiter. The job
   * looks at the cancellable every 20 ms, and its end wakes the waiter
   * whatever it waits for, so this is quick, and no thread outlives the
   * lesson. A delivery already scheduled finds the lesson gone. */
  if (self->job != NULL)
    {
      g_cancellable_cancel (self->job->cancellable);
      g_thread_join (g_steal_pointer (&self->waiter));
      g_clear_pointer (&self->job, timed_job_unref);
    }

  G_OBJECT_CLASS (thaw_lesson_timeout_parent_class)->dispose (object);
}

static void
thaw_lesson_timeout_class_init (ThawLessonTimeoutClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  object_class->dispose = thaw_lesson_timeout_dispose;
  object_class->get_property = thaw_lesson_timeout_get_property;
  object_class->set_property = thaw_lesson_timeout_set_property;
  lesson_class->report = thaw_lesson_timeout_report;

  properties[PROP_JOB_LENGTH] =
    g_param_spec_double ("job-length", NULL, NULL,
                         0.5, 10.0, DEFAULT_JOB_LENGTH,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT] =
    g_param_spec_double ("timeout", NULL, NULL,
                         0.2, 5.0, DEFAULT_TIMEOUT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "lesson.start", NULL, start_cb);
  gtk_widget_class_install_action (widget_class, "lesson.keep-waiting", NULL, keep_waiting_cb);
  gtk_widget_class_install_action (widget_class, "lesson.stop", NULL, stop_cb);
  gtk_widget_class_install_action (widget_class, "lesson.block", NULL, block_cb);
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

/* Buttons side by side, wrapping on a narrow window. */
static GtkWidget *
make_button_row (void)
{
  GtkWidget *row = gtk_flow_box_new ();

  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (row), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (row), FALSE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (row), 2);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (row), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (row), 6);

  return row;
}

/* A row with a spin button bound both ways to one of the lesson's knobs. */
static GtkWidget *
make_knob (ThawLessonTimeout *self,
           const char        *title,
           const char        *property,
           double             step)
{
  GParamSpecDouble *pspec =
    G_PARAM_SPEC_DOUBLE (g_object_class_find_property (G_OBJECT_GET_CLASS (self), property));
  GtkAdjustment *adjustment;
  GtkWidget *row, *spin;

  adjustment = gtk_adjustment_new (pspec->default_value, pspec->minimum, pspec->maximum, step, step, 0);
  spin = gtk_spin_button_new (adjustment, step, 1);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  g_object_bind_property (self, property, adjustment, "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  /* libadwaita names the row's activatable spin button by the row's title;
   * a label of its own would be read after it. */
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);

  return row;
}

static void
thaw_lesson_timeout_init (ThawLessonTimeout *self)
{
  GtkWidget *box, *buttons, *answers, *knobs, *progress, *status, *events;

  self->state = "idle";
  self->mode = "none";
  self->job_length = DEFAULT_JOB_LENGTH;
  self->timeout = DEFAULT_TIMEOUT;
  self->job_seconds = -1;
  self->first_timeout_seconds = -1;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  buttons = make_button_row ();
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("Wait on the _Main Loop"), "lesson.block", "destructive-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("Wait on a _Waiter Thread"), "lesson.start", "suggested-action"));
  gtk_box_append (GTK_BOX (box), buttons);

  /* The two answers to "still running", on a row of their own. */
  answers = make_button_row ();
  gtk_flow_box_append (GTK_FLOW_BOX (answers),
                       make_button (_("_Keep Waiting"), "lesson.keep-waiting", NULL));
  gtk_flow_box_append (GTK_FLOW_BOX (answers),
                       make_button (_("_Stop"), "lesson.stop", NULL));
  gtk_box_append (GTK_BOX (box), answers);

  knobs = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (knobs), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (knobs, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (knobs),
                       make_knob (self, _("Length of the job (seconds)"), "job-length", 0.5));
  gtk_list_box_append (GTK_LIST_BOX (knobs),
                       make_knob (self, _("Timeout (seconds)"), "timeout", 0.1));
  gtk_box_append (GTK_BOX (box), knobs);
  self->knobs = knobs;

  progress = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (progress), TRUE);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (progress), C_("the job", "Not started"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (progress),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Progress of the job"),
                                  -1);
  gtk_box_append (GTK_BOX (box), progress);
  self->progress = GTK_PROGRESS_BAR (progress);

  status = gtk_label_new (_("Start the job. It runs longer than the timeout, so the waiter will have news before the job is done."));
  gtk_label_set_wrap (GTK_LABEL (status), TRUE);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_box_append (GTK_BOX (box), status);
  self->status = GTK_LABEL (status);

  events = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (events), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (events, "boxed-list");
  gtk_widget_set_visible (events, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (events),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("What the waiter saw"),
                                  -1);
  gtk_box_append (GTK_BOX (box), events);
  self->events = GTK_LIST_BOX (events);

  adw_bin_set_child (ADW_BIN (self), box);
  set_running (self, FALSE, FALSE);
}

const ThawLessonInfo thaw_lesson_timeout_info = {
  .id = "timeout",
  .part = THAW_PART_CONTROL,
  .title = N_("Waiting with a Timeout"),
  .summary = N_("Waiting for a thread, but not forever, without freezing the window"),
  .keywords = N_("timeout;wait;join;is_alive;condition;GCond;deadline;keep waiting;still running"),
  .explanation =
    N_("Sometimes you want to wait for a thread, but not forever. In Python, "
       "<tt>worker.join(timeout=1.0)</tt> returns after a second at most, and "
       "<tt>worker.is_alive()</tt> then says whether the thread finished or the "
       "time ran out; <tt>event.wait(timeout=1.0)</tt> does the same for a "
       "<tt>threading.Event</tt>, and returns <tt>False</tt> when the time ran "
       "out. A timeout ends the <i>wait</i>, never the thread: the job "
       "goes on until it is done or is asked to stop.\n\n"
       "GLib has no join with a timeout. The same thing is built from a "
       "<b>GCond</b> and a <b>GMutex</b>: when the job is done it sets a flag "
       "under the mutex and broadcasts the condition, and the waiter calls "
       "<tt>g_cond_wait_until()</tt> with an end time on the monotonic clock. "
       "That call returns <tt>FALSE</tt> once the end time has passed. It may "
       "also wake up with nothing changed, so the waiter checks the flag in a "
       "loop and keeps the same end time. A result that travels through a "
       "<tt>GAsyncQueue</tt> can be waited for the same way with "
       "<tt>g_async_queue_timeout_pop()</tt>.\n\n"
       "A wait with a timeout is still a wait. On the main loop it freezes the "
       "window for up to the whole timeout, again and again, and the message "
       "that the job is still running cannot even be drawn. So the waiting "
       "happens on a <b>waiter thread</b>. When its time is up it tells the main "
       "loop with <tt>g_idle_add_full()</tt>, handing the callback a reference "
       "to the job and, as its destroy notify, the function that drops it, so "
       "that the job lives until the callback has run. The window asks you: "
       "keep waiting, or stop? Meanwhile the waiter waits for your answer or "
       "for the job's end, whichever comes first.\n\n"
       "When the job is done, the waiter joins its thread, which returns at once, "
       "and reports. Stopping ends the same way: the job sees the cancellation at "
       "its next step and finishes early, and the waiter joins it."),
  .try_this =
    N_("Click “Wait on a Waiter Thread”: after a second the window says the job is still running, and goes on drawing.\n"
       "Do not answer: the job finishes anyway, because a timeout never stops it.\n"
       "Start again and click “Keep Waiting” each time it asks: each answer is another timed wait.\n"
       "Start again and click Stop after the first timeout: the job stops and its thread is joined.\n"
       "Click “Wait on the Main Loop”: the window freezes until the job is done, and the timeouts show up only at the end."),
  .source = "lesson-timeout.c",
  .get_type = thaw_lesson_timeout_get_type,
};
