/* test-pthread-work.c — pthread-work.c on a plain GMainLoop, no GTK
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TSan build runs this too: the mutex, the stop flag and the join the
 * lesson writes out by hand are then checked.
 *
 *   runs-to-the-end     the worker's deliveries arrive on the main thread,
 *                       in order, the last one once, with the exact count
 *                       of hits; the thread is joined before that last
 *                       delivery, and the join waited almost nothing
 *   coalesced           a main loop that looks only after the worker ended
 *                       gets one delivery, with the final numbers
 *   stop                the flag ends the run early, with a last delivery
 *   free-while-running  freeing the job joins its thread, and a delivery
 *                       already scheduled calls nobody
 *   on-this-thread      the wrong way throws the same darts, calling back
 *                       on the caller's thread once per chunk
 */

#include "config.h"

#include <glib.h>

#include "pthread-work.h"
#include "work-test-util.h"

/* Five and a half chunks of the worker's million: the last one is short.
 * The darts come from a fixed seed, so the hits are always the same. */
#define N_DARTS ((guint64) 5500000)
#define HITS ((guint64) 4318541)
#define N_CHUNKS 6

typedef struct
{
  GThread *main_thread;
  guint threads_before;
  guint deliveries;
  guint finished;
  guint64 thrown;
  guint64 hits;
  gboolean in_order;
  gboolean joined_before_last;
} Progress;

static void
record (guint64  thrown,
        guint64  hits,
        gboolean finished,
        gpointer user_data)
{
  Progress *progress = user_data;

  g_assert_true (g_thread_self () == progress->main_thread);
  g_assert_cmpuint (progress->finished, ==, 0);   /* nothing after the last */
  if (thrown < progress->thrown || hits < progress->hits)
    progress->in_order = FALSE;
  progress->deliveries++;
  progress->thrown = thrown;
  progress->hits = hits;
  if (finished)
    {
      progress->finished++;
      /* pthread_join() has returned: the thread may linger in /proc for a
       * moment, but no longer runs (give /proc that moment). */
      work_test_wait_for_threads ("thaw-darts", progress->threads_before);
      progress->joined_before_last = TRUE;
    }
}

static void
progress_init (Progress *progress)
{
  *progress = (Progress) {
    .main_thread = g_thread_self (),
    .threads_before = work_test_count_threads ("thaw-darts"),
    .in_order = TRUE,
  };
}

static gboolean
is_finished (gpointer data)
{
  return ((Progress *) data)->finished > 0;
}

static void
test_runs_to_the_end (void)
{
  Progress progress;
  g_autoptr(DartsWork) work = NULL;
  g_autoptr(GError) error = NULL;

  progress_init (&progress);
  work = darts_work_start (N_DARTS, record, &progress, &error);
  g_assert_no_error (error);
  g_assert_nonnull (work);

  work_test_iterate_until (is_finished, &progress, 60);
  g_test_message ("%u deliveries for %d chunks; pthread_join() waited %.3f ms",
                  progress.deliveries, N_CHUNKS, darts_work_get_join_wait_ms (work));

  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_true (progress.joined_before_last);
  g_assert_true (progress.in_order);
  g_assert_cmpuint (progress.thrown, ==, N_DARTS);
  g_assert_cmpuint (progress.hits, ==, HITS);
  g_assert_cmpfloat (darts_estimate_pi (progress.thrown, progress.hits), >, 3.14);
  g_assert_cmpfloat (darts_estimate_pi (progress.thrown, progress.hits), <, 3.15);
  g_assert_cmpuint (progress.deliveries, >=, 1);
  g_assert_cmpuint (progress.deliveries, <=, N_CHUNKS + 1);

  /* The join came after the worker's last word: it waited for a thread
   * that was only returning, never for the darts. */
  g_assert_cmpfloat (darts_work_get_join_wait_ms (work), >=, 0);
  g_assert_cmpfloat (darts_work_get_join_wait_ms (work), <, 50 * work_test_time_scale ());

  /* Nothing more comes. */
  work_test_iterate_for (0.05);
  g_assert_cmpuint (progress.finished, ==, 1);
}

/* However often the worker publishes, at most one delivery waits. */
static void
test_coalesced (void)
{
  Progress progress;
  g_autoptr(DartsWork) work = NULL;

  progress_init (&progress);
  work = darts_work_start (N_DARTS, record, &progress, NULL);
  g_assert_nonnull (work);

  /* The main loop looks away until the worker has said its last word,
   * having published after each of its chunks. */
  while (!darts_work_has_finished (work))
    g_usleep (1000);
  g_assert_cmpuint (progress.deliveries, ==, 0);

  work_test_iterate_until (is_finished, &progress, 10);
  g_assert_cmpuint (progress.deliveries, ==, 1);
  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_cmpuint (progress.thrown, ==, N_DARTS);
  g_assert_cmpuint (progress.hits, ==, HITS);
  g_assert_true (progress.joined_before_last);
}

static gboolean
has_news (gpointer data)
{
  return ((Progress *) data)->deliveries > 0;
}

static void
test_stop (void)
{
  Progress progress;
  g_autoptr(DartsWork) work = NULL;

  progress_init (&progress);
  /* The lesson's whole job: seconds of work, stopped after the first news. */
  work = darts_work_start (DARTS_LESSON_COUNT, record, &progress, NULL);
  g_assert_nonnull (work);
  work_test_iterate_until (has_news, &progress, 60);

  darts_work_stop (work);
  work_test_iterate_until (is_finished, &progress, 10);

  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_true (progress.joined_before_last);
  g_assert_cmpuint (progress.thrown, >, 0);
  g_assert_cmpuint (progress.thrown, <, DARTS_LESSON_COUNT);
  /* The worker looks at its flag between chunks only. */
  g_assert_cmpuint (progress.thrown % DARTS_CHUNK, ==, 0);
}

static void
test_free_while_running (void)
{
  Progress progress;
  DartsWork *work;

  progress_init (&progress);
  work = darts_work_start (DARTS_LESSON_COUNT, record, &progress, NULL);
  g_assert_nonnull (work);
  /* Let it schedule a delivery that the main loop has not run yet. */
  while (!g_main_context_pending (NULL))
    g_usleep (1000);

  darts_work_free (work);
  /* Joined: the thread is gone when free returns (give /proc a moment). */
  work_test_wait_for_threads ("thaw-darts", progress.threads_before);

  /* The scheduled delivery runs, and calls nobody. */
  work_test_iterate_for (0.2);
  g_assert_cmpuint (progress.deliveries, ==, 0);
}

static void
test_on_this_thread (void)
{
  Progress progress;
  guint64 hits;

  progress_init (&progress);
  hits = darts_throw_on_this_thread (N_DARTS, record, &progress);

  g_assert_cmpuint (hits, ==, HITS);
  g_assert_cmpuint (progress.deliveries, ==, N_CHUNKS);
  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_true (progress.in_order);
  g_assert_cmpuint (progress.thrown, ==, N_DARTS);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/work/pthread/runs-to-the-end", test_runs_to_the_end);
  g_test_add_func ("/work/pthread/coalesced", test_coalesced);
  g_test_add_func ("/work/pthread/stop", test_stop);
  g_test_add_func ("/work/pthread/free-while-running", test_free_while_running);
  g_test_add_func ("/work/pthread/on-this-thread", test_on_this_thread);

  return g_test_run ();
}
