/* timeout-work.c — Waiting, but not forever
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A job that takes longer than we care to wait. A waiter thread starts it
 * and waits for it with a timeout: g_cond_wait_until(), the GLib spelling
 * of Python's  worker.join(timeout)  followed by  worker.is_alive().
 *
 *   timeout_work_start()  the waiter thread waits. When its time is up and
 *       the job still runs, it tells the main loop, which asks the learner:
 *       keep waiting, or stop? Until the answer comes, the waiter waits for
 *       the answer or the job's end, whichever comes first.
 *
 *   timeout_work_keep_waiting()  the answer: another timed wait.
 *
 *   timeout_work_stop()  cancels the job; the waiter joins its thread.
 *
 *   timeout_run_on_this_thread()  the same timed waits on the caller's
 *       thread, the wrong way when that is the main loop: each one freezes
 *       the window for the whole timeout, and the news that the job is
 *       still running cannot even be drawn.
 *
 * Read it top to bottom: the job, the timed wait, the waiter thread, the
 * hand-off to the main thread, then start, stop and free. This file uses
 * GLib only; timeout-page.c puts it on screen.
 */

#include "config.h"

#include <gio/gio.h>

#include "timeout-work.h"
#include "thaw-latest.h"
#include "thaw-priority.h"
#include "thaw-tsan.h"

/* The job looks at the Stop button between two steps this long. */
#define STEP_US (20 * G_TIME_SPAN_MILLISECOND)

/* What the job, the waiter and the main thread share, only touched with
 * the mutex held. Whoever changes it hands a copy to the main thread. */
typedef struct
{
  gint64 job_started_at;    /* just before the job's thread started */
  guint steps_done;
  gboolean job_finished;
  gint64 job_finished_at;
  gint64 wait_started_at;   /* when the timed wait going on began, or 0 */
  guint timeouts_hit;
  gint64 first_timeout_at;
  gint64 last_timeout_at;
  gboolean asking;          /* the waiter waits for an answer */
  gboolean over;            /* the waiter's last word */
} Shared;

struct _TimeoutWork
{
  /* Set before the threads start, then only read. */
  GCancellable *cancellable;
  guint n_steps;
  gint64 timeout_us;
  ThawLatest *latest;       /* the hand-off; the waiter holds a reference */

  /* The condition is broadcast whenever one of the two things a waiter
   * waits for happens: the job finished, or the learner answered. */
  GMutex mutex;
  GCond cond;
  Shared shared;

  GError *error;            /* the waiter's, read after it was joined */

  /* The main thread's alone. */
  GThread *waiter;
  guint answered;           /* the timeouts the learner has answered */
  TimeoutProgressFunc progress;
  gpointer user_data;
};

/* Hands a copy of the shared state to the main thread. Called with the
 * mutex held, so that the copies arrive in the order they were made. */
static void
publish (TimeoutWork *work)
{
  thaw_latest_publish (work->latest, g_memdup2 (&work->shared, sizeof work->shared));
}

/* The job: slow, and stoppable between two steps. It could be anything
 * that takes a while; here it naps. */
static gpointer
job_thread (gpointer data)
{
  /* Borrowed: whoever started this thread joins it before letting go. */
  TimeoutWork *work = data;

  thaw_thread_set_background_priority ();

  for (guint step = 1; step <= work->n_steps; step++)
    {
      if (g_cancellable_is_cancelled (work->cancellable))
        break;

      g_usleep (STEP_US);

      thaw_mutex_lock (&work->mutex);
      work->shared.steps_done = step;
      publish (work);
      thaw_mutex_unlock (&work->mutex);
    }

  /* The news a waiter is waiting for. Broadcast, not signal: the waiter
   * may wait for it together with the learner's answer. */
  thaw_mutex_lock (&work->mutex);
  work->shared.job_finished = TRUE;
  work->shared.job_finished_at = g_get_monotonic_time ();
  g_cond_broadcast (&work->cond);
  thaw_mutex_unlock (&work->mutex);

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
 * passed. (thaw_cond_wait_until() is g_cond_wait_until() that
 * ThreadSanitizer can follow.) */
static gboolean
join_with_timeout (TimeoutWork *work)
{
  gint64 end_time = g_get_monotonic_time () + work->timeout_us;

  while (!work->shared.job_finished)
    if (!thaw_cond_wait_until (&work->cond, &work->mutex, end_time))
      break;

  return work->shared.job_finished;
}

/* Counts a timeout that found the job still running. Mutex held. */
static void
note_timeout (TimeoutWork *work)
{
  work->shared.last_timeout_at = g_get_monotonic_time ();
  if (work->shared.timeouts_hit++ == 0)
    work->shared.first_timeout_at = work->shared.last_timeout_at;
}

/* Starts the job's thread, timing it from just before. Mutex not held. */
static GThread *
start_job (TimeoutWork *work)
{
  thaw_mutex_lock (&work->mutex);
  work->shared.job_started_at = g_get_monotonic_time ();
  thaw_mutex_unlock (&work->mutex);

  return g_thread_try_new ("thaw-slow-job", job_thread, work, &work->error);
}

/* The waiter thread: it starts the job, waits for it with a timeout as
 * often as the learner likes, and joins it. */
static gpointer
waiter_thread (gpointer data)
{
  TimeoutWork *work = data;
  GThread *job;
  gboolean finished;

  thaw_thread_set_background_priority ();

  job = start_job (work);

  thaw_mutex_lock (&work->mutex);
  while (job != NULL)
    {
      /* The main loop shows how long this wait has lasted so far. */
      work->shared.wait_started_at = g_get_monotonic_time ();
      publish (work);
      finished = join_with_timeout (work);
      work->shared.wait_started_at = 0;
      if (finished)
        break;

      /* is_alive(): the time is up and the job goes on. A timeout ends the
       * wait, never the job. Tell the main loop, which asks the learner. */
      note_timeout (work);
      work->shared.asking = TRUE;
      publish (work);

      /* Until the answer comes, wait for it or for the job's end, with no
       * time limit: if the job finishes first, nobody needs to answer. */
      while (work->shared.asking && !work->shared.job_finished)
        thaw_cond_wait (&work->cond, &work->mutex);
      work->shared.asking = FALSE;
    }
  thaw_mutex_unlock (&work->mutex);

  /* The job has finished, so this join returns at once. */
  if (job != NULL)
    g_thread_join (job);

  thaw_mutex_lock (&work->mutex);
  work->shared.over = TRUE;
  publish (work);
  thaw_mutex_unlock (&work->mutex);

  /* The thread was given a reference of its own; it drops it on return. */
  thaw_latest_unref (work->latest);
  return NULL;
}

static double
seconds_between (gint64 from,
                 gint64 to)
{
  return (double) (to - from) / G_USEC_PER_SEC;
}

/* The hand-off. ThawLatest (src/engine/thaw-latest.c) keeps at most one
 * delivery waiting on the main loop, with the newest copy of the shared
 * state: the job takes a step every 20 ms, the screen changes once a frame.
 * The last copy always arrives, and nothing arrives after
 * timeout_work_free().
 *
 * This runs on the main thread. */
static void
deliver (gpointer value,
         gpointer user_data)
{
  const Shared *news = value;
  TimeoutWork *work = user_data;
  gint64 now = g_get_monotonic_time ();
  TimeoutProgress progress = {
    .steps_done = news->steps_done,
    .n_steps = work->n_steps,
    .timeouts_hit = news->timeouts_hit,
    .first_timeout_s = news->timeouts_hit > 0 ? seconds_between (news->job_started_at, news->first_timeout_at) : -1,
    .last_timeout_s = news->timeouts_hit > 0 ? seconds_between (news->job_started_at, news->last_timeout_at) : -1,
    .running_s = seconds_between (news->job_started_at, now),
    .waited_s = news->wait_started_at != 0 ? seconds_between (news->wait_started_at, now) : -1,
    /* A copy made before the learner answered may still be on its way:
     * a question already answered is not asked again. */
    .asking = news->asking && news->timeouts_hit > work->answered &&
              !g_cancellable_is_cancelled (work->cancellable),
    .finished = news->over,
    .job_s = -1,
  };

  if (news->over)
    {
      /* The waiter has joined the job and is returning, so this join waits
       * microseconds. Its error, if any, is safe to read after the join. */
      if (work->waiter != NULL)
        g_thread_join (g_steal_pointer (&work->waiter));

      progress.error = work->error;
      if (work->error == NULL)
        {
          progress.stopped = news->steps_done < work->n_steps;
          progress.job_s = seconds_between (news->job_started_at, news->job_finished_at);
        }
    }

  /* This may free the work: nothing here touches it afterwards. */
  work->progress (&progress, work->user_data);
}

static TimeoutWork *
timeout_work_new (double              job_seconds,
                  double              timeout_seconds,
                  TimeoutProgressFunc progress,
                  gpointer            user_data)
{
  TimeoutWork *work = g_new0 (TimeoutWork, 1);

  work->cancellable = g_cancellable_new ();
  work->n_steps = MAX (1, (guint) (job_seconds * G_USEC_PER_SEC / STEP_US + 0.5));
  work->timeout_us = (gint64) (timeout_seconds * G_USEC_PER_SEC);
  work->latest = thaw_latest_new (deliver, work, g_free);
  g_mutex_init (&work->mutex);
  g_cond_init (&work->cond);
  work->progress = progress;
  work->user_data = user_data;

  return work;
}

/* Starts a job of @job_seconds, in steps of 20 ms, and a waiter that waits
 * for it @timeout_seconds at a time. @progress gets the news on the main
 * thread, the last time with "finished" set. Returns NULL, with @error set,
 * if the waiter's thread could not be made; if the job's could not, the
 * last news says why. */
TimeoutWork *
timeout_work_start (double               job_seconds,
                    double               timeout_seconds,
                    TimeoutProgressFunc  progress,
                    gpointer             user_data,
                    GError             **error)
{
  TimeoutWork *work;

  g_return_val_if_fail (progress != NULL, NULL);

  work = timeout_work_new (job_seconds, timeout_seconds, progress, user_data);

  /* The waiter's own reference to the hand-off, dropped as it returns. */
  thaw_latest_ref (work->latest);
  work->waiter = g_thread_try_new ("thaw-waiter", waiter_thread, work, error);
  if (work->waiter == NULL)
    {
      /* The thread never started: its reference is still ours to drop. */
      thaw_latest_unref (work->latest);
      timeout_work_free (work);
      return NULL;
    }

  return work;
}

/* The answer the waiter is waiting for: one more timed wait. */
void
timeout_work_keep_waiting (TimeoutWork *work)
{
  g_return_if_fail (work != NULL);

  thaw_mutex_lock (&work->mutex);
  if (work->shared.asking)
    {
      work->answered = work->shared.timeouts_hit;
      work->shared.asking = FALSE;
      g_cond_broadcast (&work->cond);
    }
  thaw_mutex_unlock (&work->mutex);
}

/* Asks the job to stop. It looks between two steps, and its end wakes the
 * waiter, whatever it was waiting for: the last news follows. */
void
timeout_work_stop (TimeoutWork *work)
{
  g_return_if_fail (work != NULL);

  g_cancellable_cancel (work->cancellable);
}

/* Lets go of the job. Nothing is reported any more, not even news already
 * on its way. A job still running is stopped, and the waiter joined: the
 * job looks every 20 ms and its end wakes the waiter, so this is quick, and
 * no thread outlives its owner. */
void
timeout_work_free (TimeoutWork *work)
{
  if (work == NULL)
    return;

  if (work->waiter != NULL)
    {
      g_cancellable_cancel (work->cancellable);
      g_thread_join (g_steal_pointer (&work->waiter));
    }
  /* Joined first, so the waiter's reference is gone and ours is the last. */
  thaw_latest_close (work->latest);

  g_object_unref (work->cancellable);
  g_mutex_clear (&work->mutex);
  g_cond_clear (&work->cond);
  g_clear_error (&work->error);
  g_free (work);
}

/* The wrong way, on purpose: the same timed waits on this thread, which in
 * the app is a button's handler on the main loop. The job still runs on a
 * thread of its own; only the waiting is done here. @progress is called
 * after each timeout and at the end, on this thread, before it returns:
 * the window can draw none of it until then, and nobody can click Stop. */
void
timeout_run_on_this_thread (double              job_seconds,
                            double              timeout_seconds,
                            TimeoutProgressFunc progress,
                            gpointer            user_data)
{
  g_autoptr(TimeoutWork) work = timeout_work_new (job_seconds, timeout_seconds,
                                                  progress, user_data);
  GThread *job = start_job (work);
  Shared news;

  thaw_mutex_lock (&work->mutex);
  /* Each of these waits freezes the window for up to the timeout. */
  while (job != NULL && !join_with_timeout (work))
    {
      note_timeout (work);
      news = work->shared;
      thaw_mutex_unlock (&work->mutex);

      /* The news is real and is handed over now, but the main loop can
       * only wait again. */
      deliver (&news, work);
      thaw_mutex_lock (&work->mutex);
    }
  thaw_mutex_unlock (&work->mutex);

  if (job != NULL)
    g_thread_join (job);

  work->shared.over = TRUE;
  deliver (&work->shared, work);
}
