/* freeze-work.c — Why GUIs freeze: one job, run the wrong way and the right way
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The job counts the prime numbers below 18 million by trial division:
 * about three seconds of plain computing.
 *
 *   freeze_run_on_this_thread()  the wrong way: the job runs inside the
 *       caller, which in the app is a button's handler on the main loop.
 *       Until it returns GTK can neither draw nor react to input: the
 *       window freezes for the whole job.
 *
 *   freeze_work_start()  the right way: the job runs on a worker thread
 *       made with g_thread_new(). The worker only computes. Whenever it has
 *       news it stores the numbers and, if no delivery is already waiting,
 *       asks the main loop with g_idle_add() to show them.
 *
 *   freeze_work_stop()  asks the worker to stop, through a GCancellable
 *       that it checks; its last delivery ends the run.
 *
 * This file uses GLib only; freeze-page.c puts it on screen. The hand-off
 * is written out with g_idle_add() here, not hidden in a helper, because
 * it is what this lesson teaches.
 */

#include "config.h"

#include <gio/gio.h>

#include "freeze-work.h"
#include "thaw-priority.h"

/* How many numbers to test between two looks at the outside world. */
#define CHUNK 20000u

/* The work itself: plain computing, safe on any thread. */

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

/**
 * freeze_count_primes:
 * @from: the first number to test
 * @to: one past the last
 *
 * Returns: how many primes there are in [@from, @to)
 */
guint
freeze_count_primes (guint from,
                     guint to)
{
  guint count = 0;

  for (guint n = from; n < to; n++)
    if (is_prime (n))
      count++;

  return count;
}

/**
 * freeze_run_on_this_thread:
 * @limit: count the primes below this (the lesson: %FREEZE_PRIME_LIMIT)
 * @progress: called after every chunk, on this thread
 * @user_data: for @progress
 *
 * The wrong way, on purpose: the whole job, before returning. Called from a
 * button's handler, @progress may set a progress bar, but nothing is drawn
 * until the handler returns: drawing happens on the very main loop that
 * this loop keeps busy.
 *
 * Returns: the number of primes
 */
guint
freeze_run_on_this_thread (guint              limit,
                           FreezeProgressFunc progress,
                           gpointer           user_data)
{
  guint primes = 0;

  for (guint n = 0; n < limit; n += CHUNK)
    {
      guint end = MIN (n + CHUNK, limit);

      primes += freeze_count_primes (n, end);
      progress (end, primes, end == limit, user_data);
    }

  return primes;
}

/* The right way. What the worker and the main thread share:
 *
 * The worker writes the progress fields and the main thread reads them, so
 * they are only touched with g_atomic_int_*(): each of those is a full
 * memory barrier, which also orders the stores around it. The rest is set
 * before the thread starts, or belongs to the main thread alone.
 */
struct _FreezeWork
{
  gatomicrefcount ref_count;
  GCancellable *cancellable;
  guint limit;

  /* Written by the worker, read by the main thread. */
  int checked;              /* numbers tested so far */
  int primes;               /* primes found so far */
  int finished;             /* the worker will report nothing more */

  /* TRUE while a delivery is scheduled on the main loop and has not run. */
  int delivery_pending;

  /* The main thread's alone. */
  GThread *thread;
  FreezeProgressFunc progress;
  gpointer user_data;
  gboolean closed;          /* freeze_work_free() ran: tell nobody anything */
};

static FreezeWork *
freeze_work_ref (FreezeWork *work)
{
  g_atomic_ref_count_inc (&work->ref_count);
  return work;
}

static void
freeze_work_unref (FreezeWork *work)
{
  if (!g_atomic_ref_count_dec (&work->ref_count))
    return;

  /* The last reference may be dropped by the worker: nothing here may
   * belong to the main thread. The cancellable is thread-safe. */
  g_object_unref (work->cancellable);
  g_free (work);
}

static gboolean deliver_progress_cb (gpointer data);

/* Called by the worker as often as it likes. However often that is, at most
 * one delivery waits on the main loop, and it shows the latest numbers. */
static void
publish_progress (FreezeWork *work,
                  guint       checked,
                  guint       primes,
                  gboolean    finished)
{
  /* Store the news first... */
  g_atomic_int_set (&work->checked, (int) checked);
  g_atomic_int_set (&work->primes, (int) primes);
  if (finished)
    g_atomic_int_set (&work->finished, TRUE);

  /* ...then ask for a delivery, unless one is already waiting: that one has
   * not read the numbers yet, so it will show the ones just stored. This is
   * what keeps a fast worker from flooding the main loop with callbacks. */
  if (g_atomic_int_compare_and_exchange (&work->delivery_pending, FALSE, TRUE))
    {
      /* The idle callback holds its own reference, so the shared state
       * outlives it even if the worker has finished and dropped its own. */
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, deliver_progress_cb,
                       freeze_work_ref (work), (GDestroyNotify) freeze_work_unref);
    }
}

/* The worker thread's whole life. It never calls GTK. */
static gpointer
count_primes_thread (gpointer data)
{
  FreezeWork *work = data;
  guint primes = 0;
  guint n;

  /* A worker yields the CPU to the main thread when both want it: a busy
   * machine should slow the job down, not the window. */
  thaw_thread_set_background_priority ();

  for (n = 0; n < work->limit; n += CHUNK)
    {
      /* Nobody can stop a thread from outside; it has to stop itself. */
      if (g_cancellable_is_cancelled (work->cancellable))
        break;

      primes += freeze_count_primes (n, MIN (n + CHUNK, work->limit));
      publish_progress (work, MIN (n + CHUNK, work->limit), primes, FALSE);
    }

  publish_progress (work, MIN (n, work->limit), primes, TRUE);

  /* The thread was given a reference of its own; it drops it on return. */
  freeze_work_unref (work);
  return NULL;
}

/* A delivery from the worker, running on the main thread. */
static gboolean
deliver_progress_cb (gpointer data)
{
  FreezeWork *work = data;
  guint checked, primes;
  gboolean finished;

  /* Clear the flag before reading, so that news stored after this point
   * schedules a new delivery instead of being lost. */
  g_atomic_int_set (&work->delivery_pending, FALSE);

  checked = (guint) g_atomic_int_get (&work->checked);
  primes = (guint) g_atomic_int_get (&work->primes);
  finished = g_atomic_int_get (&work->finished);

  /* Its owner let go of it (the window was closed): this news is for
   * nobody, and the owner has already joined the thread. */
  if (work->closed)
    return G_SOURCE_REMOVE;

  if (finished && work->thread != NULL)
    {
      /* The worker has said its last word and is returning, so this join
       * waits microseconds. Joining a thread that is still working would
       * block the main loop exactly like running the job here. */
      g_thread_join (g_steal_pointer (&work->thread));
    }

  work->progress (checked, primes, finished, work->user_data);

  return G_SOURCE_REMOVE;
}

/**
 * freeze_work_start:
 * @limit: count the primes below this (the lesson: %FREEZE_PRIME_LIMIT)
 * @progress: receives the progress on the main thread, the last time with
 *   @finished set
 * @user_data: for @progress
 * @error: where the reason goes if no thread could be made
 *
 * Starts the job on a worker thread, with its progress delivered to the
 * default main context: at most one delivery waits at a time.
 *
 * Returns: (transfer full) (nullable): the running job, for
 *   freeze_work_stop() and freeze_work_free()
 */
FreezeWork *
freeze_work_start (guint              limit,
                   FreezeProgressFunc progress,
                   gpointer           user_data,
                   GError           **error)
{
  FreezeWork *work;

  g_return_val_if_fail (progress != NULL, NULL);

  work = g_new0 (FreezeWork, 1);
  g_atomic_ref_count_init (&work->ref_count);
  work->cancellable = g_cancellable_new ();
  work->limit = limit;
  work->progress = progress;
  work->user_data = user_data;

  /* The thread gets a reference of its own and drops it when it returns. */
  work->thread = g_thread_try_new ("thaw-primes", count_primes_thread,
                                   freeze_work_ref (work), error);
  if (work->thread == NULL)
    {
      /* The thread never started: both references are still ours. */
      freeze_work_unref (work);
      freeze_work_unref (work);
      return NULL;
    }

  return work;
}

/**
 * freeze_work_stop:
 * @work: a running job
 *
 * Asks the worker to stop. It looks every 20,000 numbers, and then
 * delivers its last progress, with @finished set, as usual.
 */
void
freeze_work_stop (FreezeWork *work)
{
  g_return_if_fail (work != NULL);

  g_cancellable_cancel (work->cancellable);
}

/**
 * freeze_work_has_finished:
 * @work: a job
 *
 * Returns: whether the worker has stored its last numbers; their delivery
 *   may still wait for the main loop
 */
gboolean
freeze_work_has_finished (FreezeWork *work)
{
  g_return_val_if_fail (work != NULL, FALSE);

  return g_atomic_int_get (&work->finished);
}

/**
 * freeze_work_free:
 * @work: (transfer full): a job, running or finished
 *
 * Lets go of the job. A worker still running is stopped and joined first:
 * it looks at its cancellable every chunk, so this takes a millisecond or
 * two, and no thread outlives its owner. A delivery already scheduled finds
 * the job closed and calls nobody.
 */
void
freeze_work_free (FreezeWork *work)
{
  if (work == NULL)
    return;

  work->closed = TRUE;
  if (work->thread != NULL)
    {
      g_cancellable_cancel (work->cancellable);
      g_thread_join (g_steal_pointer (&work->thread));
    }

  freeze_work_unref (work);
}
