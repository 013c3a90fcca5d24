/* test-race-work.c — race-work.c on a plain GMainLoop, no GTK
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TSan build runs this too: the synchronised ways to add (a mutex per
 * increment, a mutex per batch, the atomic add) and the hand-off to the
 * main thread must then draw no report.
 *
 *   exact/WAY           each right way ends exact, every run of a series;
 *                       the news arrives on the main thread, the last once,
 *                       and the threads are joined
 *   racy                without a lock the total never exceeds the
 *                       expected one (not under TSan: see below)
 *   slow-motion         a slow run is stretched over the rounds
 *   stop                Stop ends a long series early, with a last news
 *   free-while-running  freeing joins every thread and calls nobody after
 */

#include "config.h"

#include "race-work.h"
#include "work-test-util.h"

#define THREADS 4
#define INCREMENTS 20000

typedef struct
{
  GThread *main_thread;
  guint deliveries, finished, n_done;
  gboolean stopped;
  guint totals[RACE_MANY_RUNS];
  gboolean had_error;
} News;

static void
record_news (const RaceNews *news,
             gpointer        user_data)
{
  News *seen = user_data;

  g_assert_true (g_thread_self () == seen->main_thread);
  g_assert_cmpuint (seen->finished, ==, 0);   /* nothing after the last */
  g_assert_cmpuint (news->n_done, >=, seen->n_done);
  seen->deliveries++;
  seen->n_done = news->n_done;
  memcpy (seen->totals, news->totals, sizeof seen->totals);
  seen->had_error |= news->error != NULL;
  seen->finished += news->finished;
  seen->stopped = news->stopped;
}

static gboolean
is_finished (gpointer data)
{
  return ((News *) data)->finished > 0;
}

/* Runs a whole series and checks its news; returns the work, finished. */
static RaceWork *
run_series (RaceWay  way,
            guint    n_runs,
            News    *seen)
{
  g_autoptr(GError) error = NULL;
  RaceWork *work;

  *seen = (News) { .main_thread = g_thread_self () };
  work = race_work_start (way, THREADS, INCREMENTS, n_runs, FALSE, NULL,
                          record_news, seen, &error);
  g_assert_no_error (error);
  work_test_iterate_until (is_finished, seen, 60);

  g_assert_cmpuint (seen->finished, ==, 1);
  g_assert_false (seen->had_error);
  g_assert_cmpuint (seen->n_done, ==, n_runs);
  g_assert_cmpuint (seen->deliveries, <=, n_runs + 1);
  /* Joined by the last delivery, before it called back. */
  work_test_wait_for_threads ("thaw-conductor", 0);
  work_test_wait_for_threads ("thaw-adder", 0);

  return work;
}

static void
test_exact (gconstpointer data)
{
  News seen;
  g_autoptr(RaceWork) work = run_series (GPOINTER_TO_UINT (data), 5, &seen);

  for (guint i = 0; i < seen.n_done; i++)
    g_assert_cmpuint (seen.totals[i], ==, THREADS * INCREMENTS);
}

static void
test_racy (void)
{
  News seen;
  g_autoptr(RaceWork) work = NULL;

#if defined(__SANITIZE_THREAD__)
# define RACY_UNDER_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define RACY_UNDER_TSAN 1
# endif
#endif
#ifdef RACY_UNDER_TSAN
  /* The racy way is a data race on purpose, and TSan would halt the suite
   * on it. In the TSan build it runs in the TSan gate instead
   * (tests/test-tsan-control.c), which fails unless TSan reports it. */
  g_test_skip ("a data race on purpose: the TSan gate runs it");
  return;
#endif

  work = run_series (RACE_NO_LOCK, 5, &seen);
  for (guint i = 0; i < seen.n_done; i++)
    {
      /* A lost update can only make the total smaller, never larger. */
      g_assert_cmpuint (seen.totals[i], >, 0);
      g_assert_cmpuint (seen.totals[i], <=, THREADS * INCREMENTS);
    }
}

/* A slow run with few increments: its rounds are 100 ms apart. */
static void
test_slow_motion (void)
{
  News seen = { .main_thread = g_thread_self () };
  g_autoptr(RaceWork) work = NULL;
  gint64 started = g_get_monotonic_time ();

  work = race_work_start (RACE_WITH_BATCHES, 2, 200, 1, TRUE, NULL, record_news, &seen, NULL);
  work_test_iterate_until (is_finished, &seen, 60);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, (RACE_ROUNDS - 1) * RACE_SLOW_ROUND_US);
  g_assert_cmpuint (seen.totals[0], ==, 2 * 200);
  work_test_wait_for_threads ("thaw-adder", 0);
}

static void
test_stop (void)
{
  News seen = { .main_thread = g_thread_self () };
  g_autoptr(RaceWork) work = NULL;

  /* Twenty slow runs would take forty seconds. */
  work = race_work_start (RACE_WITH_ATOMIC_ADD, THREADS, INCREMENTS, RACE_MANY_RUNS, TRUE, NULL,
                          record_news, &seen, NULL);
  work_test_iterate_for (0.2);
  race_work_stop (work);
  work_test_iterate_until (is_finished, &seen, 10);

  g_assert_true (seen.stopped);
  g_assert_cmpuint (seen.finished, ==, 1);
  g_assert_cmpuint (seen.n_done, <, RACE_MANY_RUNS);
  work_test_wait_for_threads ("thaw-conductor", 0);
  work_test_wait_for_threads ("thaw-adder", 0);
}

static void
test_free_while_running (void)
{
  News seen = { .main_thread = g_thread_self () };
  RaceWork *work;

  work = race_work_start (RACE_WITH_MUTEX, THREADS, INCREMENTS, RACE_MANY_RUNS, FALSE, NULL,
                          record_news, &seen, NULL);
  g_assert_nonnull (work);
  /* Let it publish news the main loop has not taken yet. */
  g_usleep (50 * 1000);

  race_work_free (work);
  work_test_wait_for_threads ("thaw-conductor", 0);
  work_test_wait_for_threads ("thaw-adder", 0);

  work_test_iterate_for (0.2);
  g_assert_cmpuint (seen.deliveries, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/work/race/exact/mutex", GUINT_TO_POINTER (RACE_WITH_MUTEX), test_exact);
  g_test_add_data_func ("/work/race/exact/batches", GUINT_TO_POINTER (RACE_WITH_BATCHES), test_exact);
  g_test_add_data_func ("/work/race/exact/atomic", GUINT_TO_POINTER (RACE_WITH_ATOMIC_ADD), test_exact);
  g_test_add_func ("/work/race/racy", test_racy);
  g_test_add_func ("/work/race/slow-motion", test_slow_motion);
  g_test_add_func ("/work/race/stop", test_stop);
  g_test_add_func ("/work/race/free-while-running", test_free_while_running);

  return g_test_run ();
}
