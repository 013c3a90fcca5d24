/* pthread-work.c — the same cure with plain POSIX threads
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The job estimates π by throwing random darts at a square and counting
 * those that land inside the quarter circle: 800 million of them, two or
 * three seconds of plain computing.
 *
 *   darts_throw_on_this_thread()  the wrong way: the job runs inside the
 *       caller, which in the app is a button's handler on the main loop.
 *       The window freezes until the last dart has landed.
 *
 *   darts_work_start()  the right way: the job runs on a thread made with
 *       pthread_create(). The worker only computes; its progress goes into
 *       a small struct under a pthread_mutex_t, and g_idle_add() asks the
 *       main loop to show it, one request at a time. When the worker says
 *       it is finished, the main thread joins it with pthread_join().
 *
 *   darts_work_stop()  sets an atomic flag the worker looks at. Pthreads
 *       have no GCancellable: a stop flag is the plain C way.
 *
 * GLib's g_thread_new() is built on these very calls on Linux. This file
 * writes the whole hand-off out by hand (the mutex, the coalesced
 * g_idle_add(), the join after the worker's last word) and hides none of
 * it in a helper, because that hand-off is what this lesson teaches.
 * Read it top to bottom: the darts, the job the two threads share, the
 * worker, the hand-off to the main thread and the join, then start, stop
 * and free. pthread-page.c puts it on screen.
 */

/* pthread_setname_np() is a GNU extension; this must come before any header. */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif

#include "config.h"

#include <gio/gio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "pthread-work.h"
#include "thaw-priority.h"

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

/**
 * darts_estimate_pi:
 * @thrown: darts thrown
 * @hits: how many landed inside the quarter circle
 *
 * Returns: the estimate of π they give, or 0 before the first dart
 */
double
darts_estimate_pi (guint64 thrown,
                   guint64 hits)
{
  return thrown > 0 ? 4.0 * (double) hits / (double) thrown : 0.0;
}

/**
 * darts_throw_on_this_thread:
 * @n_darts: how many darts (the lesson: %DARTS_LESSON_COUNT)
 * @progress: called after every chunk, on this thread
 * @user_data: for @progress
 *
 * The wrong way, on purpose: the whole job, before returning. Called from a
 * button's handler, @progress may set a progress bar, but nothing is drawn
 * until the handler returns: drawing happens on the very main loop that
 * this loop keeps busy.
 *
 * Returns: how many darts landed inside the quarter circle
 */
guint64
darts_throw_on_this_thread (guint64           n_darts,
                            DartsProgressFunc progress,
                            gpointer          user_data)
{
  guint64 state = DART_SEED;
  guint64 thrown = 0;
  guint64 hits = 0;

  while (thrown < n_darts)
    {
      guint64 n = MIN (DARTS_CHUNK, n_darts - thrown);

      hits += throw_darts (&state, n);
      thrown += n;
      progress (thrown, hits, thrown == n_darts, user_data);
    }

  return hits;
}

/* The right way. What the worker and the main thread share.
 *
 * The progress fields are only touched with the mutex held: the worker
 * writes both numbers, the main thread reads both, and the lock makes sure
 * it never sees the new count of darts with the old count of hits.
 *
 * The stop flag is an atomic_bool. It must not be a plain bool: nothing in
 * the worker's loop writes it, so the compiler may read it once, before the
 * loop, and the worker would never see it change.
 */
struct _DartsWork
{
  gatomicrefcount ref_count;  /* the owner's, and one per waiting delivery */
  guint64 n_darts;            /* set before the thread starts */

  atomic_bool stop_requested; /* written by the main thread */

  pthread_mutex_t lock;
  guint64 thrown;             /* darts thrown so far */
  guint64 hits;               /* darts inside the quarter circle */
  gboolean finished;          /* the worker will report nothing more */
  gboolean delivery_pending;  /* a delivery waits on the main loop */

  /* The main thread's alone. A pthread_t has no "none" value, hence the
   * flag beside it. */
  pthread_t thread;
  gboolean joinable;          /* started, and not joined yet */
  double join_wait_ms;        /* how long pthread_join() waited */
  DartsProgressFunc progress;
  gpointer user_data;
  gboolean closed;            /* darts_work_free() ran: tell nobody anything */
};

static DartsWork *
darts_work_ref (DartsWork *work)
{
  g_atomic_ref_count_inc (&work->ref_count);
  return work;
}

static void
darts_work_unref (DartsWork *work)
{
  if (!g_atomic_ref_count_dec (&work->ref_count))
    return;

  pthread_mutex_destroy (&work->lock);
  g_free (work);
}

static gboolean deliver_progress_cb (gpointer data);

/* Called by the worker after every chunk. However often that is, at most
 * one delivery waits on the main loop, and it shows the latest numbers. */
static void
publish_progress (DartsWork *work,
                  guint64    thrown,
                  guint64    hits,
                  gboolean   finished)
{
  gboolean schedule;

  pthread_mutex_lock (&work->lock);
  work->thrown = thrown;
  work->hits = hits;
  work->finished = finished;
  /* A delivery already waiting has not read the numbers yet, so it will
   * show the ones just stored: no need for another. This is what keeps a
   * fast worker from burying the main loop under callbacks. */
  schedule = !work->delivery_pending;
  work->delivery_pending = TRUE;
  pthread_mutex_unlock (&work->lock);

  if (schedule)
    {
      /* The idle callback holds its own reference, so the shared state
       * outlives it even if its owner has let go by the time it runs. */
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, deliver_progress_cb,
                       darts_work_ref (work), (GDestroyNotify) darts_work_unref);
    }
}

/* The worker thread's whole life, with the signature pthread_create() wants.
 * It never calls GTK. */
static void *
throw_darts_thread (void *data)
{
  /* Borrowed, not owned: the owner keeps the work alive until
   * pthread_join() has returned, and the worker cannot outlive that. */
  DartsWork *work = data;
  guint64 state = DART_SEED;
  guint64 thrown = 0;
  guint64 hits = 0;

  /* A name shows up in debuggers, in top -H and in the monitor lesson. */
  pthread_setname_np (pthread_self (), "thaw-darts");
  /* A busy machine should slow the job down, not the window. */
  thaw_thread_set_background_priority ();

  while (thrown < work->n_darts)
    {
      guint64 n = MIN (DARTS_CHUNK, work->n_darts - thrown);

      /* Nobody can stop a thread from outside; it has to stop itself. */
      if (atomic_load (&work->stop_requested))
        break;

      hits += throw_darts (&state, n);
      thrown += n;
      publish_progress (work, thrown, hits, FALSE);
    }

  /* The last word: from here on the thread only returns. */
  publish_progress (work, thrown, hits, TRUE);

  return NULL;
}

/* The worker has said its last word: join it, and measure how long the
 * join kept the main loop waiting. */
static void
join_worker (DartsWork *work)
{
  gint64 before = g_get_monotonic_time ();

  /* The worker is past its last publish_progress() and only returning, so
   * this waits microseconds. Called while it still had darts to throw, it
   * would hold the main loop until the last one: the freeze all over again. */
  pthread_join (work->thread, NULL);
  work->joinable = FALSE;

  work->join_wait_ms = (double) (g_get_monotonic_time () - before) / 1000.0;
}

/* A delivery from the worker, running on the main thread. */
static gboolean
deliver_progress_cb (gpointer data)
{
  DartsWork *work = data;
  guint64 thrown, hits;
  gboolean finished;

  /* Clear the flag while reading, so that news stored after this point
   * schedules a new delivery instead of being lost. */
  pthread_mutex_lock (&work->lock);
  work->delivery_pending = FALSE;
  thrown = work->thrown;
  hits = work->hits;
  finished = work->finished;
  pthread_mutex_unlock (&work->lock);

  /* Its owner let go of it (the window was closed): this news is for
   * nobody, and the owner has already joined the thread. */
  if (work->closed)
    return G_SOURCE_REMOVE;

  if (finished && work->joinable)
    join_worker (work);

  work->progress (thrown, hits, finished, work->user_data);

  return G_SOURCE_REMOVE;
}

/**
 * darts_work_start:
 * @n_darts: how many darts (the lesson: %DARTS_LESSON_COUNT)
 * @progress: receives the progress on the main thread, the last time with
 *   @finished set, after the thread has been joined
 * @user_data: for @progress
 * @error: where the reason goes if no thread could be made
 *
 * Starts the job on a thread of its own, with its progress delivered to
 * the default main context: at most one delivery waits at a time.
 *
 * Returns: (transfer full) (nullable): the running job, for
 *   darts_work_stop() and darts_work_free()
 */
DartsWork *
darts_work_start (guint64            n_darts,
                  DartsProgressFunc  progress,
                  gpointer           user_data,
                  GError           **error)
{
  DartsWork *work;
  int err;

  g_return_val_if_fail (progress != NULL, NULL);

  work = g_new0 (DartsWork, 1);
  g_atomic_ref_count_init (&work->ref_count);
  work->n_darts = n_darts;
  atomic_init (&work->stop_requested, false);
  pthread_mutex_init (&work->lock, NULL);
  work->progress = progress;
  work->user_data = user_data;

  err = pthread_create (&work->thread, NULL, throw_darts_thread, work);
  if (err != 0)
    {
      /* pthread_create() returns the error number; it does not set errno. */
      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (err), g_strerror (err));
      darts_work_unref (work);
      return NULL;
    }

  work->joinable = TRUE;
  return work;
}

/**
 * darts_work_stop:
 * @work: a running job
 *
 * Raises the worker's stop flag. It looks every million darts, and then
 * delivers its last progress, with @finished set, as usual.
 */
void
darts_work_stop (DartsWork *work)
{
  g_return_if_fail (work != NULL);

  atomic_store (&work->stop_requested, true);
}

/**
 * darts_work_has_finished:
 * @work: a job
 *
 * Returns: whether the worker has stored its last numbers; their delivery
 *   may still wait for the main loop
 */
gboolean
darts_work_has_finished (DartsWork *work)
{
  gboolean finished;

  g_return_val_if_fail (work != NULL, FALSE);

  pthread_mutex_lock (&work->lock);
  finished = work->finished;
  pthread_mutex_unlock (&work->lock);

  return finished;
}

/**
 * darts_work_get_join_wait_ms:
 * @work: a job
 *
 * Returns: how long pthread_join() kept the main loop waiting, once the
 *   last delivery has joined the thread; 0 before
 */
double
darts_work_get_join_wait_ms (DartsWork *work)
{
  g_return_val_if_fail (work != NULL, 0);

  return work->join_wait_ms;
}

/**
 * darts_work_free:
 * @work: (transfer full): a job, running or finished
 *
 * Lets go of the job. A worker still running has its flag raised and is
 * joined first: it looks at the flag every million darts, so this takes a
 * few milliseconds, and no thread outlives its owner. A delivery already
 * scheduled finds the job closed and calls nobody.
 */
void
darts_work_free (DartsWork *work)
{
  if (work == NULL)
    return;

  work->closed = TRUE;
  if (work->joinable)
    {
      atomic_store (&work->stop_requested, true);
      pthread_join (work->thread, NULL);
      work->joinable = FALSE;
    }

  darts_work_unref (work);
}
