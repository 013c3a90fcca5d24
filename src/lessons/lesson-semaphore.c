/* lesson-semaphore.c — At most N at once
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * M jobs must run, but never more than N of them at the same time. Two ways
 * to get that limit:
 *
 *   lesson.start       one thread per job, and a counting semaphore with N
 *                      slots. GLib has no semaphore, so this file makes one
 *                      out of a GMutex and a GCond: a thread takes a slot
 *                      before its job, waiting while none is free, and gives
 *                      it back after.
 *
 *   lesson.start-pool  a GThreadPool of N threads. Only N jobs can run at
 *                      once because only N threads exist; the others wait in
 *                      the pool's queue.
 *
 *   lesson.stop        waiting jobs give up, running ones stop early.
 *
 * Each job counts itself in when it starts and out when it ends, and the
 * highest count is kept, so "never more than N" is measured, not assumed.
 * Every job has a lane on the thread timeline: waiting, running, finished.
 *
 * Read it top to bottom: the semaphore, one job, the two ways to run the
 * jobs, the hand-off to the main thread, and the widget.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "thaw-lesson.h"
#include "thaw-priority.h"
#include "thaw-thread-timeline.h"
#include "thaw-timeline.h"
#include "thaw-tsan.h"

#define DEFAULT_JOBS 12
#define MAX_JOBS 40
#define DEFAULT_LIMIT 3
#define MAX_LIMIT 8

/* A job naps in slices this long, looking at the stop flag in between. */
#define NAP_SLICE_MS 10

/* The counting semaphore.
 *
 * free_slots counts how many more threads may go in. The mutex guards it,
 * and the condition is where a thread sleeps until a slot is given back.
 */
typedef struct
{
  GMutex lock;
  GCond slot_freed;
  guint free_slots;         /* guarded by lock */
  guint n_slots;            /* set once, to catch a release too many */
  gboolean closed;          /* guarded by lock: nobody should wait any more */
} Semaphore;

static void
semaphore_init (Semaphore *semaphore,
                guint      n_slots)
{
  g_mutex_init (&semaphore->lock);
  g_cond_init (&semaphore->slot_freed);
  semaphore->free_slots = n_slots;
  semaphore->n_slots = n_slots;
  semaphore->closed = FALSE;
}

static void
semaphore_clear (Semaphore *semaphore)
{
  g_cond_clear (&semaphore->slot_freed);
  g_mutex_clear (&semaphore->lock);
}

/* Takes a slot, sleeping until one is free. Returns FALSE, without a slot,
 * if the semaphore was closed while waiting. */
static gboolean
semaphore_acquire (Semaphore *semaphore)
{
  gboolean acquired;

  thaw_mutex_lock (&semaphore->lock);

  /* A loop, not an if: g_cond_wait() may return without a signal (a
   * spurious wake-up), and when a slot is given back another thread may
   * take it before this one runs. Only the count itself can say. */
  while (semaphore->free_slots == 0 && !semaphore->closed)
    thaw_cond_wait (&semaphore->slot_freed, &semaphore->lock);

  acquired = !semaphore->closed;
  if (acquired)
    semaphore->free_slots--;

  thaw_mutex_unlock (&semaphore->lock);

  return acquired;
}

static void
semaphore_release (Semaphore *semaphore)
{
  thaw_mutex_lock (&semaphore->lock);

  /* Python's BoundedSemaphore raises here; a release without an acquire
   * is a bug in the caller, and it would quietly raise the limit. */
  if (semaphore->free_slots == semaphore->n_slots)
    g_critical ("A semaphore was released more often than it was acquired");
  else
    semaphore->free_slots++;

  /* One slot came free, so one waiter is enough to wake. */
  g_cond_signal (&semaphore->slot_freed);

  thaw_mutex_unlock (&semaphore->lock);
}

/* Wakes every waiter and makes them give up: how Stop reaches threads that
 * are asleep in semaphore_acquire(). */
static void
semaphore_close (Semaphore *semaphore)
{
  thaw_mutex_lock (&semaphore->lock);
  semaphore->closed = TRUE;
  g_cond_broadcast (&semaphore->slot_freed);
  thaw_mutex_unlock (&semaphore->lock);
}

/* One run of M jobs, shared by the main thread and the workers.
 *
 * Everything above the line "Measured" is set on the main thread before any
 * worker starts and never changes afterwards. The measured figures are
 * written by the workers with g_atomic_int_*() and read by the main thread.
 */
typedef struct _JobRun JobRun;

typedef struct
{
  JobRun *run;
  guint number;             /* 1, 2, … */
  guint lane;               /* its lane on the timeline */
} Job;

struct _JobRun
{
  gatomicrefcount ref_count;
  GWeakRef lesson;          /* main thread only */
  GCancellable *cancellable;
  ThawTimeline *timeline;
  Semaphore semaphore;      /* the semaphore way only */
  guint n_jobs;
  Job *jobs;

  /* Which threads ran a job, to count them (guarded by threads_lock). */
  GMutex threads_lock;
  GHashTable *threads_seen;

  /* Measured. */
  int running;              /* jobs running right now */
  int max_running;          /* the most that ever ran at once */
  int threads_used;
  int done;                 /* jobs that ran or gave up */

  /* TRUE while a delivery is scheduled on the main loop and has not run. */
  int delivery_pending;
};

static JobRun *
job_run_new (gpointer      lesson,
             ThawTimeline *timeline,
             guint         n_jobs,
             guint         limit)
{
  JobRun *run = g_new0 (JobRun, 1);

  g_atomic_ref_count_init (&run->ref_count);
  g_weak_ref_init (&run->lesson, lesson);
  run->cancellable = g_cancellable_new ();
  run->timeline = thaw_timeline_ref (timeline);
  semaphore_init (&run->semaphore, limit);
  g_mutex_init (&run->threads_lock);
  run->threads_seen = g_hash_table_new (NULL, NULL);

  run->n_jobs = n_jobs;
  run->jobs = g_new0 (Job, n_jobs);
  for (guint i = 0; i < n_jobs; i++)
    {
      /* Translators: the name of a lane of the thread timeline: "Job 3". */
      g_autofree char *name = g_strdup_printf (_("Job %u"), i + 1);

      run->jobs[i].run = run;
      run->jobs[i].number = i + 1;
      run->jobs[i].lane = thaw_timeline_add_lane (timeline, name);
    }

  return run;
}

static JobRun *
job_run_ref (JobRun *run)
{
  g_atomic_ref_count_inc (&run->ref_count);
  return run;
}

static void
job_run_unref (JobRun *run)
{
  if (!g_atomic_ref_count_dec (&run->ref_count))
    return;

  /* The last reference can be dropped by a worker: nothing here belongs
   * to the main thread. */
  g_weak_ref_clear (&run->lesson);
  g_object_unref (run->cancellable);
  thaw_timeline_unref (run->timeline);
  semaphore_clear (&run->semaphore);
  g_mutex_clear (&run->threads_lock);
  g_hash_table_unref (run->threads_seen);
  g_free (run->jobs);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JobRun, job_run_unref)

static void publish_progress (JobRun *run);

/* How long job number n works: between 0.35 and 0.65 s, different for each
 * job so that they do not start and end in lockstep. */
static guint
job_milliseconds (guint number)
{
  return 350 + (number * 137) % 300;
}

/* The work of one job. It stands for something that must not run too many
 * times at once (a download from a server that allows three connections,
 * say) and naps instead of computing, so that the picture is the same on
 * any machine. Returns FALSE if it was stopped. */
static gboolean
work (JobRun *run,
      Job    *job)
{
  gint64 end = g_get_monotonic_time () + job_milliseconds (job->number) * G_TIME_SPAN_MILLISECOND;
  gint64 now;

  /* The clock is read once a slice: read again for the length of the
   * nap, it could already be past the end, and g_usleep() would take
   * the negative time left for an endless one. */
  while ((now = g_get_monotonic_time ()) < end)
    {
      if (g_cancellable_is_cancelled (run->cancellable))
        return FALSE;
      g_usleep (MIN (NAP_SLICE_MS * G_TIME_SPAN_MILLISECOND, end - now));
    }

  return TRUE;
}

/* The measurement: a job counts itself in when it starts... */
static void
count_in (JobRun *run)
{
  /* g_atomic_int_add() returns the value from before the add. */
  int now = g_atomic_int_add (&run->running, 1) + 1;
  int highest = g_atomic_int_get (&run->max_running);

  /* Raise the maximum to "now", unless it is already that high. Another
   * thread may raise it between the read and the write; then the exchange
   * fails, and this thread looks again at the new maximum. A plain
   * read-compare-write could lose the higher of two values. */
  while (now > highest &&
         !g_atomic_int_compare_and_exchange (&run->max_running, highest, now))
    highest = g_atomic_int_get (&run->max_running);
}

/* ...and out when it ends. */
static void
count_out (JobRun *run)
{
  g_atomic_int_add (&run->running, -1);
}

/* Counts the threads that took part, to compare the two ways. */
static void
count_thread (JobRun *run)
{
  thaw_mutex_lock (&run->threads_lock);
  if (g_hash_table_add (run->threads_seen, g_thread_self ()))
    g_atomic_int_inc (&run->threads_used);
  thaw_mutex_unlock (&run->threads_lock);
}

/* One job, once it may run: the same code for both ways. */
static void
run_job (JobRun *run,
         Job    *job)
{
  thaw_timeline_record (run->timeline, job->lane, THAW_LANE_RUNNING);
  count_in (run);
  publish_progress (run);

  work (run, job);

  count_out (run);
  /* Recorded before the slot is given back: the next job records its start
   * only after that, so the lanes can never show N + 1 running. */
  thaw_timeline_record (run->timeline, job->lane, THAW_LANE_FINISHED);
}

static void
job_done (JobRun *run)
{
  g_atomic_int_inc (&run->done);
  publish_progress (run);
}

/* The semaphore way: each job has a thread, and this is its whole life. */
static gpointer
job_thread (gpointer data)
{
  Job *job = data;
  /* The thread was given a reference of its own; it drops it on return. */
  g_autoptr(JobRun) run = job->run;

  thaw_thread_set_background_priority ();
  count_thread (run);

  thaw_timeline_record (run->timeline, job->lane, THAW_LANE_WAITING);

  if (semaphore_acquire (&run->semaphore))
    {
      run_job (run, job);
      semaphore_release (&run->semaphore);
    }
  else
    {
      /* Stopped while waiting for a slot: the job never ran. */
      thaw_timeline_record (run->timeline, job->lane, THAW_LANE_FINISHED);
    }

  job_done (run);

  return NULL;
}

/* The pool way: the pool calls this on one of its N threads for each job
 * pushed to it. No semaphore: the number of threads is the limit. */
static void
pool_job (gpointer data,
          gpointer user_data)
{
  Job *job = data;
  JobRun *run = user_data;

  /* Pairs with the release before g_thread_pool_push(): the pool's queue
   * is a hand-off ThreadSanitizer cannot see. */
  THAW_TSAN_ACQUIRE (job);

  /* The pool is exclusive and its threads end with it, so lowering their
   * priority changes no one else's work. */
  thaw_thread_set_background_priority ();
  count_thread (run);

  if (!g_cancellable_is_cancelled (run->cancellable))
    run_job (run, job);
  else
    thaw_timeline_record (run->timeline, job->lane, THAW_LANE_FINISHED);

  job_done (run);

  /* This thread is done with the run. Pairs with the acquire after
   * g_thread_pool_free(), whose wait ThreadSanitizer cannot see either. */
  THAW_TSAN_RELEASE (run);
}

static gboolean deliver_progress_cb (gpointer data);

/* Called by the workers as often as they like; at most one delivery waits
 * on the main loop, and it reads the latest figures when it runs. */
static void
publish_progress (JobRun *run)
{
  if (g_atomic_int_compare_and_exchange (&run->delivery_pending, FALSE, TRUE))
    {
      /* The idle callback holds its own reference, so the run outlives it
       * even after the lesson and every worker let go of theirs. */
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE,
                       deliver_progress_cb,
                       job_run_ref (run),
                       (GDestroyNotify) job_run_unref);
    }
}

/* The widget. Everything below runs on the main thread. */

#define THAW_TYPE_LESSON_SEMAPHORE (thaw_lesson_semaphore_get_type ())
G_DECLARE_FINAL_TYPE (ThawLessonSemaphore, thaw_lesson_semaphore, THAW, LESSON_SEMAPHORE, ThawLesson)

struct _ThawLessonSemaphore
{
  ThawLesson parent_instance;

  GtkWidget *knobs;
  ThawThreadTimeline *lanes;
  GtkLabel *status;
  GtkLabel *running_value;
  GtkLabel *max_value;
  GtkLabel *threads_value;
  GtkLabel *time_value;

  /* The knobs. */
  guint n_jobs;
  guint limit;

  /* While a run goes on: the run, and its threads or its pool. */
  JobRun *run;
  GPtrArray *threads;
  GThreadPool *pool;
  gint64 started_at;

  /* The last run, for --report. */
  const char *state;
  const char *variant;
  guint run_jobs;
  guint run_limit;
  guint max_running;
  guint threads_used;
  guint jobs_done;
  double seconds;
};

G_DEFINE_FINAL_TYPE (ThawLessonSemaphore, thaw_lesson_semaphore, THAW_TYPE_LESSON)

enum {
  PROP_0,
  PROP_JOBS,
  PROP_LIMIT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_running (ThawLessonSemaphore *self,
             gboolean             running)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.start", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.start-pool", !running);
  thaw_lesson_set_busy (THAW_LESSON (self), running);
  gtk_widget_set_sensitive (self->knobs, !running);
}

/* Before a run, the lanes of the jobs to come, all still empty. */
static void
show_empty_lanes (ThawLessonSemaphore *self)
{
  g_autoptr(ThawTimeline) timeline = thaw_timeline_new (16);

  for (guint i = 0; i < self->n_jobs; i++)
    {
      g_autofree char *name = g_strdup_printf (_("Job %u"), i + 1);

      thaw_timeline_add_lane (timeline, name);
    }

  thaw_thread_timeline_set_timeline (self->lanes, timeline);
}

static void
set_number (GtkLabel *label,
            guint     value)
{
  g_autofree char *text = g_strdup_printf ("%u", value);

  gtk_label_set_text (label, text);
}

static void
show_figures (ThawLessonSemaphore *self,
              guint                running,
              guint                max_running,
              guint                threads_used,
              guint                done)
{
  g_autofree char *most = NULL;
  g_autofree char *status = NULL;

  set_number (self->running_value, running);
  set_number (self->threads_value, threads_used);

  /* Translators: the most jobs that ran at once, and the limit: "3 of 3". */
  most = g_strdup_printf (_("%u of %u"), max_running, self->run_limit);
  gtk_label_set_text (self->max_value, most);

  status = g_strdup_printf (ngettext ("%u of %u job done", "%u of %u jobs done", self->run_jobs),
                            done, self->run_jobs);
  gtk_label_set_text (self->status, status);
}

static void
show_time (ThawLessonSemaphore *self)
{
  g_autofree char *text = NULL;

  /* Translators: a duration in seconds. */
  text = g_strdup_printf (_("%.1f s"), self->seconds);
  gtk_label_set_text (self->time_value, text);
}

/* Waits for every thread of the run (or its pool) and lets go of the run.
 * The caller made sure they are done or about to be: each one looks at the
 * stop flag every NAP_SLICE_MS. */
static void
end_run (ThawLessonSemaphore *self)
{
  if (self->threads != NULL)
    {
      for (guint i = 0; i < self->threads->len; i++)
        g_thread_join (g_ptr_array_index (self->threads, i));
      g_clear_pointer (&self->threads, g_ptr_array_unref);
    }

  /* Waits until the pool's threads are idle, then lets them exit. */
  if (self->pool != NULL)
    {
      g_thread_pool_free (g_steal_pointer (&self->pool), FALSE, TRUE);
      THAW_TSAN_ACQUIRE (self->run);
    }

  g_clear_pointer (&self->run, job_run_unref);
}

/* Stops the run: waiting jobs give up, running ones stop at their next look
 * at the cancellable. */
static void
cancel_run (JobRun *run)
{
  g_cancellable_cancel (run->cancellable);
  semaphore_close (&run->semaphore);
}

static void
finish_run (ThawLessonSemaphore *self,
            gboolean             cancelled)
{
  g_autofree char *status = NULL;

  end_run (self);

  self->seconds = (double) (g_get_monotonic_time () - self->started_at) / G_USEC_PER_SEC;
  self->state = cancelled ? "cancelled" : "succeeded";
  show_time (self);

  if (cancelled)
    status = g_strdup_printf (_("Stopped after %u of %u jobs. At most %u ran at once."),
                              self->jobs_done, self->run_jobs, self->max_running);
  else
    status = g_strdup_printf (_("All %u jobs done. At most %u ran at once, with a limit of %u."),
                              self->run_jobs, self->max_running, self->run_limit);
  gtk_label_set_text (self->status, status);

  set_running (self, FALSE);
}

/* A delivery from the workers, running on the main thread. */
static gboolean
deliver_progress_cb (gpointer data)
{
  JobRun *run = data;
  g_autoptr(ThawLessonSemaphore) self = NULL;
  guint running, max_running, threads_used, done;

  /* Clear the flag before reading, so that news published after this point
   * schedules a new delivery instead of being lost. */
  g_atomic_int_set (&run->delivery_pending, FALSE);

  running = (guint) g_atomic_int_get (&run->running);
  max_running = (guint) g_atomic_int_get (&run->max_running);
  threads_used = (guint) g_atomic_int_get (&run->threads_used);
  done = (guint) g_atomic_int_get (&run->done);

  /* The lesson may be gone, or may have moved on to another run. */
  self = g_weak_ref_get (&run->lesson);
  if (self == NULL || self->run != run)
    return G_SOURCE_REMOVE;

  self->max_running = max_running;
  self->threads_used = threads_used;
  self->jobs_done = done;
  show_figures (self, running, max_running, threads_used, done);

  /* Every job has said its last word, so the joins below wait
   * microseconds, never for a job. */
  if (done == run->n_jobs)
    finish_run (self, g_cancellable_is_cancelled (run->cancellable));

  return G_SOURCE_REMOVE;
}

/* Sets up a run of the current knobs with a fresh timeline. */
static void
begin_run (ThawLessonSemaphore *self,
           const char          *variant)
{
  /* Room for every event of the biggest run, so that none is dropped. */
  g_autoptr(ThawTimeline) timeline = thaw_timeline_new (4 * MAX_JOBS + 64);

  self->run = job_run_new (self, timeline, self->n_jobs, self->limit);
  thaw_thread_timeline_set_timeline (self->lanes, timeline);

  self->started_at = g_get_monotonic_time ();
  self->state = "running";
  self->variant = variant;
  self->run_jobs = self->n_jobs;
  self->run_limit = self->limit;
  self->max_running = 0;
  self->threads_used = 0;
  self->jobs_done = 0;
  self->seconds = 0;

  /* Translators: shown instead of a time that has not been measured yet. */
  gtk_label_set_text (self->time_value, _("—"));
  show_figures (self, 0, 0, 0, 0);
  set_running (self, TRUE);
}

static void
fail_run (ThawLessonSemaphore *self,
          const GError        *error)
{
  g_autofree char *status = NULL;

  cancel_run (self->run);
  end_run (self);

  self->state = "failed";
  /* Translators: "%s" is an error message. */
  status = g_strdup_printf (_("Could not start the jobs: %s"), error->message);
  gtk_label_set_text (self->status, status);
  set_running (self, FALSE);
}

/* lesson.start: one thread per job, a semaphore lets N of them in. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonSemaphore *self = THAW_LESSON_SEMAPHORE (widget);
  g_autoptr(GError) error = NULL;

  if (self->run != NULL)
    return;

  begin_run (self, "semaphore");
  self->threads = g_ptr_array_new ();

  for (guint i = 0; i < self->run->n_jobs; i++)
    {
      Job *job = &self->run->jobs[i];
      GThread *thread;

      /* Each thread gets a reference of its own and drops it on return. */
      job_run_ref (self->run);
      thread = g_thread_try_new ("thaw-semaphore", job_thread, job, &error);
      if (thread == NULL)
        {
          /* This thread never started: its reference is still ours. */
          job_run_unref (self->run);
          fail_run (self, error);
          return;
        }
      g_ptr_array_add (self->threads, thread);
    }
}

/* lesson.start-pool: a pool of N threads, and no semaphore at all. */
static void
start_pool_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ThawLessonSemaphore *self = THAW_LESSON_SEMAPHORE (widget);
  g_autoptr(GError) error = NULL;

  if (self->run != NULL)
    return;

  begin_run (self, "pool");

  /* Exclusive: the pool starts its N threads now and shares them with no
   * other pool, so N is exactly how many can run. */
  self->pool = g_thread_pool_new (pool_job, self->run, (int) self->run_limit, TRUE, &error);
  if (self->pool == NULL)
    {
      fail_run (self, error);
      return;
    }

  for (guint i = 0; i < self->run->n_jobs; i++)
    {
      Job *job = &self->run->jobs[i];

      /* Until a thread of the pool takes it, the job waits in the queue. */
      thaw_timeline_record (self->run->timeline, job->lane, THAW_LANE_WAITING);
      THAW_TSAN_RELEASE (job);
      /* Only a pool that shares its threads can fail to push (it may have
       * to start one); an exclusive pool's threads are already there. */
      g_thread_pool_push (self->pool, job, NULL);
    }
}

/* lesson.stop: ask; the last job to give up ends the run. */
static void
stop_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonSemaphore *self = THAW_LESSON_SEMAPHORE (widget);

  if (self->run == NULL)
    return;

  cancel_run (self->run);
  gtk_label_set_text (self->status, _("Stopping…"));
}

static void
thaw_lesson_semaphore_report (ThawLesson  *lesson,
                              JsonBuilder *builder)
{
  ThawLessonSemaphore *self = THAW_LESSON_SEMAPHORE (lesson);

  json_builder_set_member_name (builder, "job_state");
  json_builder_add_string_value (builder, self->state);
  json_builder_set_member_name (builder, "variant");
  json_builder_add_string_value (builder, self->variant);
  json_builder_set_member_name (builder, "jobs");
  json_builder_add_int_value (builder, self->run_jobs);
  json_builder_set_member_name (builder, "limit");
  json_builder_add_int_value (builder, self->run_limit);
  json_builder_set_member_name (builder, "max_running");
  json_builder_add_int_value (builder, self->max_running);
  json_builder_set_member_name (builder, "threads");
  json_builder_add_int_value (builder, self->threads_used);
  json_builder_set_member_name (builder, "jobs_done");
  json_builder_add_int_value (builder, self->jobs_done);
  json_builder_set_member_name (builder, "job_seconds");
  json_builder_add_double_value (builder, self->seconds);
}

static void
thaw_lesson_semaphore_dispose (GObject *object)
{
  ThawLessonSemaphore *self = THAW_LESSON_SEMAPHORE (object);

  /* Jobs may still run when the window closes. Stop them and wait: each
   * one looks at the cancellable every NAP_SLICE_MS, and waiting ones wake
   * up at once, so no thread outlives the lesson. A delivery already
   * scheduled finds the lesson gone and does nothing. */
  if (self->run != NULL)
    {
      cancel_run (self->run);
      end_run (self);
    }

  G_OBJECT_CLASS (thaw_lesson_semaphore_parent_class)->dispose (object);
}

static void
thaw_lesson_semaphore_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  ThawLessonSemaphore *self = THAW_LESSON_SEMAPHORE (object);

  switch (prop_id)
    {
    case PROP_JOBS:
      g_value_set_uint (value, self->n_jobs);
      break;

    case PROP_LIMIT:
      g_value_set_uint (value, self->limit);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_lesson_semaphore_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  ThawLessonSemaphore *self = THAW_LESSON_SEMAPHORE (object);

  /* A run copies the knobs when it starts: changing them mid-run is safe. */
  switch (prop_id)
    {
    case PROP_JOBS:
      if (self->n_jobs != g_value_get_uint (value))
        {
          self->n_jobs = g_value_get_uint (value);
          if (self->run == NULL)
            show_empty_lanes (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_LIMIT:
      if (self->limit != g_value_get_uint (value))
        {
          self->limit = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_lesson_semaphore_class_init (ThawLessonSemaphoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  object_class->dispose = thaw_lesson_semaphore_dispose;
  object_class->get_property = thaw_lesson_semaphore_get_property;
  object_class->set_property = thaw_lesson_semaphore_set_property;
  lesson_class->report = thaw_lesson_semaphore_report;

  properties[PROP_JOBS] =
    g_param_spec_uint ("jobs", NULL, NULL,
                       1, MAX_JOBS, DEFAULT_JOBS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LIMIT] =
    g_param_spec_uint ("limit", NULL, NULL,
                       1, MAX_LIMIT, DEFAULT_LIMIT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "lesson.start", NULL, start_cb);
  gtk_widget_class_install_action (widget_class, "lesson.start-pool", NULL, start_pool_cb);
  gtk_widget_class_install_action (widget_class, "lesson.stop", NULL, stop_cb);

  /* When a pool is freed, GLib keeps up to two of its threads for fifteen
   * seconds, to hand them to the next pool. Keep none: a finished run
   * leaves no thread behind, and none carries its lowered priority into
   * someone else's pool. */
  g_thread_pool_set_max_unused_threads (0);
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

/* A row with a spin button bound both ways to one of the knobs. */
static GtkWidget *
make_knob (ThawLessonSemaphore *self,
           const char          *title,
           const char          *property)
{
  GParamSpecUInt *pspec = G_PARAM_SPEC_UINT (g_object_class_find_property (G_OBJECT_GET_CLASS (self),
                                                                           property));
  GtkAdjustment *adjustment;
  GtkWidget *row, *spin;

  adjustment = gtk_adjustment_new (pspec->default_value, pspec->minimum, pspec->maximum, 1, 1, 0);
  spin = gtk_spin_button_new (adjustment, 1, 0);
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

/* One measured figure: a caption above a big number. */
static GtkWidget *
make_figure (const char  *title,
             GtkLabel   **value)
{
  GtkWidget *box, *heading, *number;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);

  heading = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_label_set_wrap (GTK_LABEL (heading), TRUE);
  gtk_widget_add_css_class (heading, "caption-heading");
  gtk_widget_add_css_class (heading, "dim-label");
  gtk_box_append (GTK_BOX (box), heading);

  number = gtk_label_new (_("—"));
  gtk_label_set_xalign (GTK_LABEL (number), 0);
  gtk_widget_add_css_class (number, "title-2");
  gtk_widget_add_css_class (number, "numeric");
  gtk_accessible_update_property (GTK_ACCESSIBLE (number),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  gtk_box_append (GTK_BOX (box), number);

  *value = GTK_LABEL (number);

  return box;
}

static void
thaw_lesson_semaphore_init (ThawLessonSemaphore *self)
{
  GtkWidget *box, *buttons, *knobs, *lanes, *figures, *status;

  self->state = "idle";
  self->variant = "none";
  self->n_jobs = DEFAULT_JOBS;
  self->limit = DEFAULT_LIMIT;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);

  buttons = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (buttons), FALSE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 3);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("Run with a Se_maphore"), "lesson.start", "suggested-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("Run on a Thread _Pool"), "lesson.start-pool", NULL));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Stop"), "lesson.stop", NULL));
  gtk_box_append (GTK_BOX (box), buttons);

  knobs = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (knobs), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (knobs, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (knobs), make_knob (self, _("Jobs"), "jobs"));
  gtk_list_box_append (GTK_LIST_BOX (knobs), make_knob (self, _("At most at once"), "limit"));
  gtk_box_append (GTK_BOX (box), knobs);
  self->knobs = knobs;

  figures = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (figures), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (figures), TRUE);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (figures), 2);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (figures), 4);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (figures), 12);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (figures), 12);
  gtk_flow_box_append (GTK_FLOW_BOX (figures),
                       make_figure (_("Running now"), &self->running_value));
  gtk_flow_box_append (GTK_FLOW_BOX (figures),
                       make_figure (_("Most at once"), &self->max_value));
  gtk_flow_box_append (GTK_FLOW_BOX (figures),
                       make_figure (_("Threads used"), &self->threads_value));
  gtk_flow_box_append (GTK_FLOW_BOX (figures),
                       make_figure (_("Time"), &self->time_value));
  gtk_box_append (GTK_BOX (box), figures);

  lanes = thaw_thread_timeline_new ();
  thaw_thread_timeline_set_span (THAW_THREAD_TIMELINE (lanes), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (lanes),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("What each job is doing, over time"),
                                  -1);
  gtk_box_append (GTK_BOX (box), lanes);
  self->lanes = THAW_THREAD_TIMELINE (lanes);

  status = gtk_label_new (_("Run the jobs with a semaphore, then on a thread pool, and count the running lanes."));
  gtk_label_set_wrap (GTK_LABEL (status), TRUE);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_box_append (GTK_BOX (box), status);
  self->status = GTK_LABEL (status);

  adw_bin_set_child (ADW_BIN (self), box);
  show_empty_lanes (self);
  set_running (self, FALSE);
}
