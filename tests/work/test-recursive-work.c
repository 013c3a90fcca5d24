/* test-recursive-work.c — recursive-work.c on a plain GMainLoop, no GTK
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TSan build runs this too: every hand-off between the worker and the
 * main thread in the lesson's own code is then checked.
 *
 *   rec-mutex           the walk with a GRecMutex reads every folder, adds
 *                       up the exact size, and holds the lock exactly as
 *                       many times at once as the tree has levels, back to
 *                       zero at the end; deliveries on the main thread, in
 *                       order, the last one once; the thread is joined
 *   coalesced           a main loop that looks only after the worker ended
 *                       gets one delivery, with the final figures
 *   plain-mutex         the error-checking mutex answers its owner's second
 *                       lock with EDEADLK, and its timed lock too, at once;
 *                       the lock was held once, never twice
 *   stop                Stop ends a walk early, every level unlocked, and
 *                       ends the plain try before level 2 asks
 *   free-while-running  freeing the walk joins its thread, and a delivery
 *                       already scheduled calls nobody
 */

#include "config.h"

#include <errno.h>

#include "recursive-work.h"
#include "work-test-util.h"

#define THREAD "thaw-walk"

/* A folder read in a tenth of a millisecond: a tree of 9 levels (511
 * folders) is walked in about a tenth of a second. */
#define QUICK_READ_US 100

typedef struct
{
  GThread *main_thread;
  guint deliveries;
  guint finished;
  gboolean in_order;
  RecursiveProgress last;
} Progress;

static void
record (const RecursiveProgress *progress,
        gpointer                 user_data)
{
  Progress *p = user_data;

  g_assert_true (g_thread_self () == p->main_thread);
  g_assert_cmpuint (p->finished, ==, 0);   /* nothing after the last */
  if (p->deliveries > 0 && (progress->visited < p->last.visited || progress->deepest < p->last.deepest))
    p->in_order = FALSE;
  g_assert_cmpuint (progress->lock_count, <=, progress->deepest);
  g_assert_cmpuint (progress->visited, <=, progress->n_folders);
  p->deliveries++;
  p->last = *progress;
  if (progress->finished)
    p->finished++;
}

static void
progress_init (Progress *p)
{
  *p = (Progress) { .main_thread = g_thread_self (), .in_order = TRUE };
}

static gboolean
is_finished (gpointer data)
{
  return ((Progress *) data)->finished > 0;
}

static gboolean
has_news (gpointer data)
{
  return ((Progress *) data)->deliveries > 0;
}

static void
test_rec_mutex (void)
{
  /* The sizes of all the folders of each tree, added up apart from Thaw by
   * a line of Python with the same hash. */
  const struct { guint levels; guint folders; guint total_kib; } trees[] = {
    { 2, 3, 124 },
    { 5, 31, 12443 },
    { 9, 511, 253768 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (trees); i++)
    {
      Progress progress;
      g_autoptr(RecursiveWork) work = NULL;
      g_autoptr(GError) error = NULL;
      guint threads_before = work_test_count_threads (THREAD);

      progress_init (&progress);
      work = recursive_work_start (RECURSIVE_REC_MUTEX, trees[i].levels, QUICK_READ_US,
                                   record, &progress, &error);
      g_assert_no_error (error);
      g_assert_nonnull (work);

      work_test_iterate_until (is_finished, &progress, 30);
      g_test_message ("%u levels: %u deliveries for %u folders",
                      trees[i].levels, progress.deliveries, progress.last.visited);

      g_assert_cmpuint (progress.finished, ==, 1);
      g_assert_true (progress.in_order);
      g_assert_false (progress.last.stopped);
      g_assert_cmpuint (progress.last.n_folders, ==, trees[i].folders);
      g_assert_cmpuint (progress.last.visited, ==, trees[i].folders);
      g_assert_cmpuint (progress.last.total_kib, ==, trees[i].total_kib);
      /* Once per level at the bottom, never more; each lock had its unlock. */
      g_assert_cmpuint (progress.last.deepest, ==, trees[i].levels);
      g_assert_cmpuint (progress.last.lock_count, ==, 0);
      g_assert_cmpint (progress.last.second_lock, ==, RECURSIVE_NOT_ASKED);
      /* Joined by the last delivery, before it called back. */
      work_test_wait_for_threads (THREAD, threads_before);

      /* Nothing more arrives, and a Stop now is for nobody. */
      recursive_work_stop (work);
      work_test_iterate_for (0.05);
      g_assert_cmpuint (progress.finished, ==, 1);
    }
}

/* However often the worker publishes, at most one delivery waits. */
static void
test_coalesced (void)
{
  Progress progress;
  g_autoptr(RecursiveWork) work = NULL;
  guint threads_before = work_test_count_threads (THREAD);

  progress_init (&progress);
  work = recursive_work_start (RECURSIVE_REC_MUTEX, 5, QUICK_READ_US, record, &progress, NULL);
  g_assert_nonnull (work);

  /* The main loop looks away until the worker has said its last word,
   * having published 32 times. */
  while (!recursive_work_has_finished (work))
    g_usleep (1000);
  g_assert_cmpuint (progress.deliveries, ==, 0);

  work_test_iterate_until (is_finished, &progress, 10);
  work_test_iterate_for (0.05);
  g_assert_cmpuint (progress.deliveries, ==, 1);
  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_cmpuint (progress.last.visited, ==, 31);
  g_assert_cmpuint (progress.last.total_kib, ==, 12443);
  g_assert_cmpuint (progress.last.lock_count, ==, 0);
  work_test_wait_for_threads (THREAD, threads_before);
}

static void
test_plain_mutex (void)
{
  Progress progress;
  g_autoptr(RecursiveWork) work = NULL;
  guint threads_before = work_test_count_threads (THREAD);
  gint64 started = g_get_monotonic_time ();
  double seconds;

  progress_init (&progress);
  /* Level 1 holds the mutex for 50 ms before level 2 asks. */
  work = recursive_work_start (RECURSIVE_PLAIN_MUTEX, RECURSIVE_DEFAULT_LEVELS, 50 * 1000,
                               record, &progress, NULL);
  g_assert_nonnull (work);

  work_test_iterate_until (is_finished, &progress, 10);
  seconds = (double) (g_get_monotonic_time () - started) / G_USEC_PER_SEC;
  g_test_message ("%u deliveries; the timed lock answered after %.3f ms; %.3f s in all",
                  progress.deliveries, progress.last.timed_lock_us / 1000.0, seconds);

  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_false (progress.last.stopped);
  /* The owner asked again: refused, not put to sleep. */
  g_assert_cmpint (progress.last.second_lock, ==, EDEADLK);
  g_assert_cmpint (progress.last.timed_lock, ==, EDEADLK);
  /* The timed lock would have waited a second for another thread; to its
   * owner it said no without waiting. */
  g_assert_cmpint (progress.last.timed_lock_us, <, 500 * 1000 * work_test_time_scale ());
  /* A plain mutex does not count: held once, and let go. */
  g_assert_cmpuint (progress.last.deepest, ==, 1);
  g_assert_cmpuint (progress.last.lock_count, ==, 0);
  g_assert_cmpuint (progress.last.visited, ==, 1);
  g_assert_cmpuint (progress.last.total_kib, ==, 0);
  g_assert_cmpfloat (seconds, >=, 0.05);
  work_test_wait_for_threads (THREAD, threads_before);
}

static void
test_stop (void)
{
  const RecursiveKind kinds[] = { RECURSIVE_REC_MUTEX, RECURSIVE_PLAIN_MUTEX };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      Progress progress;
      g_autoptr(RecursiveWork) work = NULL;
      guint threads_before = work_test_count_threads (THREAD);
      gint64 stopped_at;

      progress_init (&progress);
      /* Seconds of work: 4095 folders of a millisecond each, or ten
       * seconds of level 1 holding the plain mutex. */
      work = recursive_work_start (kinds[i], RECURSIVE_MAX_LEVELS,
                                   kinds[i] == RECURSIVE_REC_MUTEX ? 1000 : 10 * G_USEC_PER_SEC,
                                   record, &progress, NULL);
      g_assert_nonnull (work);
      work_test_iterate_until (has_news, &progress, 10);

      stopped_at = g_get_monotonic_time ();
      recursive_work_stop (work);
      work_test_iterate_until (is_finished, &progress, 2);
      g_test_message ("stopped after %u folders, at a depth of %u; the last news %.1f ms after the Stop",
                      progress.last.visited, progress.last.deepest,
                      (g_get_monotonic_time () - stopped_at) / 1000.0);

      g_assert_cmpuint (progress.finished, ==, 1);
      g_assert_true (progress.last.stopped);
      g_assert_cmpuint (progress.last.visited, >, 0);
      g_assert_cmpuint (progress.last.visited, <, progress.last.n_folders);
      g_assert_cmpuint (progress.last.deepest, >=, 1);
      /* Every level unlocked on the way out. */
      g_assert_cmpuint (progress.last.lock_count, ==, 0);
      g_assert_cmpuint (progress.last.total_kib, ==, 0);
      g_assert_cmpint (progress.last.second_lock, ==, RECURSIVE_NOT_ASKED);
      g_assert_cmpint (progress.last.timed_lock, ==, RECURSIVE_NOT_ASKED);
      work_test_wait_for_threads (THREAD, threads_before);
    }
}

static void
test_free_while_running (void)
{
  Progress progress;
  RecursiveWork *work;
  guint threads_before = work_test_count_threads (THREAD);

  progress_init (&progress);
  work = recursive_work_start (RECURSIVE_REC_MUTEX, RECURSIVE_MAX_LEVELS, 1000,
                               record, &progress, NULL);
  g_assert_nonnull (work);
  /* Let it publish figures that the main loop has not delivered yet. */
  g_usleep (50 * 1000);

  recursive_work_free (work);
  /* Joined: the thread is gone when free returns (give /proc a moment). */
  work_test_wait_for_threads (THREAD, threads_before);

  /* The scheduled delivery, if any, runs into nothing. */
  work_test_iterate_for (0.2);
  g_assert_cmpuint (progress.deliveries, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/work/recursive/rec-mutex", test_rec_mutex);
  g_test_add_func ("/work/recursive/coalesced", test_coalesced);
  g_test_add_func ("/work/recursive/plain-mutex", test_plain_mutex);
  g_test_add_func ("/work/recursive/stop", test_stop);
  g_test_add_func ("/work/recursive/free-while-running", test_free_while_running);

  return g_test_run ();
}
