/* semaphore-work.c — At most N jobs at once
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * M jobs must run, but never more than N of them at the same time. Two ways
 * to get that limit, and one way to miss it:
 *
 *   SEMAPHORE_WAY_SEMAPHORE  a thread per job, and a counting semaphore of
 *       N slots, made here of a GMutex and a GCond (GLib has none): a
 *       thread takes a slot before its job, waiting while none is free, and
 *       gives it back after.
 *   SEMAPHORE_WAY_POOL       a GThreadPool of N threads: only N jobs can run
 *       because only N threads exist; the others wait in the pool's queue.
 *   SEMAPHORE_WAY_NO_LIMIT   the wrong way: a thread per job and no
 *       semaphore, so every job runs as soon as its thread does, all M at
 *       once, and the resource the limit was for is over capacity.
 *
 * Each job counts itself in when it starts and out when it ends, and the
 * highest count is kept, so "never more than N" is measured, not assumed.
 * Every job has a lane on the thread timeline: waiting, running, finished.
 *
 * Read it top to bottom: the semaphore, one job, the three ways, the hand-off
 * to the main thread, then start, stop and free. GLib only: the page,
 * semaphore-page.c, puts it on screen.
 */

#include "config.h"

#include "semaphore-work.h"
#include "thaw-latest.h"
#include "thaw-priority.h"
#include "thaw-tsan.h"

#define NAP_SLICE_MS 10   /* a job looks at the stop flag this often */

/* The counting semaphore. free_slots counts how many more threads may go
 * in. The mutex guards it, and the condition is where a thread sleeps
 * until a slot is given back. */
typedef struct
{
  GMutex lock;
  GCond slot_freed;
  guint free_slots;         /* guarded by lock */
  guint n_slots;            /* set once, to catch a release too many */
  gboolean closed;          /* guarded by lock: nobody should wait any more */
} Semaphore;

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

/* One run of M jobs, shared by the main thread and the workers. n_jobs to
 * jobs are set before any worker starts, then only read. The flag and the
 * figures change as the jobs run: ints, only touched with g_atomic_int_*(). */
typedef struct
{
  SemaphoreWork *work;
  guint index;              /* 0, 1, …: also its lane on the timeline */
  GThread *thread;          /* the semaphore way; the main thread's */
} Job;

struct _SemaphoreWork
{
  guint n_jobs;
  guint job_ms;
  ThawTimeline *timeline;   /* a lane for each job */
  ThawLatest *latest;       /* the hand-off to the main thread */
  Job *jobs;
  Semaphore semaphore;      /* the semaphore way only */

  GMutex threads_lock;
  GHashTable *threads_seen; /* which threads ran a job; under threads_lock */

  int stopping;             /* waiting jobs give up, running ones stop */
  int running;              /* measured */
  int max_running;
  int threads_used;
  int completed;            /* jobs that worked to the end */
  int done;                 /* jobs that ran or gave up */

  GThreadPool *pool;        /* the pool way; from here on, main thread only */
  SemaphoreNews news;       /* the figures last delivered */
  SemaphoreNewsFunc news_func;
  gpointer user_data;
};

/* The work of one job: something that must not run too many times at once
 * (a download from a server that allows three connections, say). It naps,
 * so that the picture is the same on any machine, for job_ms to almost
 * twice that, different for each job so that they do not run in lockstep.
 * FALSE if stopped. */
static gboolean
work_on (Job *job)
{
  SemaphoreWork *work = job->work;
  guint ms = work->job_ms + ((job->index + 1) * 137) % (work->job_ms * 6 / 7);
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;
  gint64 now;

  /* The clock is read once a slice: read again for the nap, it could be
   * past the end, and g_usleep() would take a negative time as endless. */
  while ((now = g_get_monotonic_time ()) < end)
    {
      if (g_atomic_int_get (&work->stopping))
        return FALSE;
      g_usleep (MIN (NAP_SLICE_MS * G_TIME_SPAN_MILLISECOND, end - now));
    }
  return TRUE;
}

/* One job, the same code for every way: it runs if @may_run, or gives up
 * (stopped while it waited). */
static void
run_job (Job      *job,
         gboolean  may_run)
{
  SemaphoreWork *work = job->work;
  int now, highest;

  /* A busy machine should slow the jobs down, not the window. */
  thaw_thread_set_background_priority ();

  /* Counts the threads that took part, to compare the two ways. */
  thaw_mutex_lock (&work->threads_lock);
  if (g_hash_table_add (work->threads_seen, g_thread_self ()))
    g_atomic_int_inc (&work->threads_used);
  thaw_mutex_unlock (&work->threads_lock);

  if (may_run)
    {
      /* The measurement: a job counts itself in when it starts... */
      thaw_timeline_record (work->timeline, job->index, THAW_LANE_RUNNING);
      now = g_atomic_int_add (&work->running, 1) + 1;
      highest = g_atomic_int_get (&work->max_running);
      /* ...and raises the maximum to "now". If another thread raised it
       * since the read, the exchange fails and this one looks again: a
       * plain read-compare-write could lose the higher of two values. */
      while (now > highest &&
             !g_atomic_int_compare_and_exchange (&work->max_running, highest, now))
        highest = g_atomic_int_get (&work->max_running);
      thaw_latest_publish (work->latest, NULL);

      if (work_on (job))
        g_atomic_int_inc (&work->completed);
      g_atomic_int_add (&work->running, -1);    /* ...and out when it ends */
    }

  /* Recorded before a semaphore slot is given back: the next job records
   * its start only after that, so the lanes never show N + 1 running. */
  thaw_timeline_record (work->timeline, job->index, THAW_LANE_FINISHED);
  g_atomic_int_inc (&work->done);
  thaw_latest_publish (work->latest, NULL);
  /* The job's own reference to the hand-off, taken when it was started. */
  thaw_latest_unref (work->latest);
}

/* The semaphore way: each job has a thread, and this is its whole life. */
static gpointer
job_thread (gpointer data)
{
  Job *job = data;
  gboolean acquired;

  thaw_timeline_record (job->work->timeline, job->index, THAW_LANE_WAITING);
  acquired = semaphore_acquire (&job->work->semaphore);
  run_job (job, acquired);
  if (acquired)
    semaphore_release (&job->work->semaphore);

  return NULL;
}

/* The wrong way: a thread per job, as with the semaphore, but nothing to
 * wait for. Each job runs the moment its thread starts; the count of jobs
 * running goes past N, and run_job() measures by how much. */
static gpointer
unlimited_job_thread (gpointer data)
{
  Job *job = data;

  run_job (job, !g_atomic_int_get (&job->work->stopping));

  return NULL;
}

/* The pool way: the pool calls this on one of its N threads for each job
 * pushed to it. No semaphore: the number of threads is the limit. (The
 * threads are the run's alone: lowering their priority harms nobody.) */
static void
pool_job (gpointer data,
          gpointer user_data)
{
  Job *job = data;
  SemaphoreWork *work = user_data;

  /* Pairs with the release before g_thread_pool_push(): the pool's queue
   * is a hand-off ThreadSanitizer cannot see. */
  THAW_TSAN_ACQUIRE (job);

  run_job (job, !g_atomic_int_get (&work->stopping));

  /* Pairs with the acquire after g_thread_pool_free(), whose wait
   * ThreadSanitizer cannot see either. */
  THAW_TSAN_RELEASE (work);
}

/* Waits for every thread of the run, or until the pool's threads are idle
 * (then lets them exit): each job looks at the stop flag every
 * NAP_SLICE_MS, and waiting ones wake up at once. */
static void
join_threads (SemaphoreWork *work)
{
  for (guint i = 0; i < work->n_jobs; i++)
    if (work->jobs[i].thread != NULL)
      g_thread_join (g_steal_pointer (&work->jobs[i].thread));
  if (work->pool != NULL)
    {
      g_thread_pool_free (g_steal_pointer (&work->pool), FALSE, TRUE);
      THAW_TSAN_ACQUIRE (work);
    }
}

/* The hand-off. Every job that starts and every job that ends rings the
 * doorbell, thaw_latest_publish(): however often they ring, at most one
 * delivery waits on the main loop, at most one a frame, and one always
 * comes after the last ring. The value handed over is nothing (NULL): the
 * delivery reads the shared counts itself, all at once. */
static void
deliver_news_cb (gpointer value,
                 gpointer user_data)
{
  SemaphoreWork *work = user_data;
  SemaphoreNews *news = &work->news;

  /* A ring that came after the last news was read: nothing new. */
  if (news->finished)
    return;

  /* "done" first: a job counts itself out before it is done, so once all
   * are done, the counts read after it are final. */
  news->done = (guint) g_atomic_int_get (&work->done);
  news->running = (guint) g_atomic_int_get (&work->running);
  news->max_running = (guint) g_atomic_int_get (&work->max_running);
  news->threads_used = (guint) g_atomic_int_get (&work->threads_used);
  /* Read after "done", this may count a job that has finished its work
   * and not yet counted itself done: such a job is not done yet, and not
   * shown as completed either. */
  news->completed = MIN ((guint) g_atomic_int_get (&work->completed), news->done);
  news->stopped = g_atomic_int_get (&work->stopping);
  news->finished = news->done == work->n_jobs;

  /* Every job has said its last word: the joins wait microseconds, never
   * for a job. */
  if (news->finished)
    join_threads (work);

  /* Last: the news function may free the work once it is finished. */
  work->news_func (news, work->user_data);
}

/* Starts the jobs one way or the other, with their news delivered to the
 * default main context: exactly once with @finished set, after every
 * thread has been joined. Job i records on lane i of @timeline. Returns
 * NULL, with @error set, if a thread could not be made. */
SemaphoreWork *
semaphore_work_start (SemaphoreWay        way,
                      guint               n_jobs,
                      guint               limit,
                      guint               job_ms,
                      ThawTimeline       *timeline,
                      SemaphoreNewsFunc   news_func,
                      gpointer            user_data,
                      GError            **error)
{
  SemaphoreWork *work;
  gboolean ok = TRUE;

  g_return_val_if_fail (n_jobs >= 1 && limit >= 1 && job_ms >= 7, NULL);
  g_return_val_if_fail (thaw_timeline_get_n_lanes (timeline) >= n_jobs, NULL);

  work = g_new0 (SemaphoreWork, 1);
  work->n_jobs = n_jobs;
  work->job_ms = job_ms;
  work->timeline = thaw_timeline_ref (timeline);
  work->latest = thaw_latest_new (deliver_news_cb, work, NULL);
  work->jobs = g_new0 (Job, n_jobs);
  g_mutex_init (&work->semaphore.lock);
  g_cond_init (&work->semaphore.slot_freed);
  work->semaphore.free_slots = work->semaphore.n_slots = limit;
  g_mutex_init (&work->threads_lock);
  work->threads_seen = g_hash_table_new (NULL, NULL);
  work->news = (SemaphoreNews) { .n_jobs = n_jobs, .limit = limit };
  work->news_func = news_func;
  work->user_data = user_data;

  if (way == SEMAPHORE_WAY_POOL)
    {
      /* A freed pool's threads would linger 15 s for the next pool, their
       * priority lowered: keep none. Exclusive: the pool starts its N
       * threads now and shares them with nobody, so exactly N can run. */
      g_thread_pool_set_max_unused_threads (0);
      work->pool = g_thread_pool_new (pool_job, work, (int) limit, TRUE, error);
      ok = work->pool != NULL;
    }

  for (guint i = 0; ok && i < n_jobs; i++)
    {
      Job *job = &work->jobs[i];

      *job = (Job) { .work = work, .index = i };
      /* Each job holds a reference to the hand-off, and drops it last. */
      thaw_latest_ref (work->latest);
      if (way == SEMAPHORE_WAY_POOL)
        {
          /* Until a thread of the pool takes it, the job waits in the queue. */
          thaw_timeline_record (timeline, i, THAW_LANE_WAITING);
          THAW_TSAN_RELEASE (job);
          /* The exclusive pool's threads are already there: this cannot fail. */
          g_thread_pool_push (work->pool, job, NULL);
        }
      else if ((job->thread = g_thread_try_new ("thaw-semaphore",
                                                way == SEMAPHORE_WAY_NO_LIMIT ? unlimited_job_thread : job_thread,
                                                job, error)) == NULL)
        {
          thaw_latest_unref (work->latest);   /* never started: still ours */
          ok = FALSE;
        }
    }

  if (!ok)
    g_clear_pointer (&work, semaphore_work_free);
  return work;
}

/* Waiting jobs give up at once, running ones at their next look at the
 * flag; the last news, with @finished set, ends the run. */
void
semaphore_work_stop (SemaphoreWork *work)
{
  g_atomic_int_set (&work->stopping, TRUE);
  semaphore_close (&work->semaphore);
}

/* Stops the jobs still there and joins every thread, in milliseconds: no
 * thread outlives its owner. A delivery already scheduled calls nobody.
 * It may be called from the news function. */
void
semaphore_work_free (SemaphoreWork *work)
{
  if (work == NULL)
    return;

  semaphore_work_stop (work);
  join_threads (work);
  thaw_latest_close (work->latest);
  thaw_timeline_unref (work->timeline);
  g_cond_clear (&work->semaphore.slot_freed);
  g_mutex_clear (&work->semaphore.lock);
  g_mutex_clear (&work->threads_lock);
  g_hash_table_unref (work->threads_seen);
  g_free (work->jobs);
  g_free (work);
}
