/* test-freeze-work.c — freeze-work.c on a plain GMainLoop, no GTK
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TSan build runs this too: every hand-off between the worker and the
 * main thread in the lesson's own code is then checked.
 *
 *   runs-to-the-end     the worker's deliveries arrive on the main thread,
 *                       in order, the last one once, with the exact count;
 *                       the thread is joined
 *   coalesced           a main loop that looks only after the worker ended
 *                       gets one delivery, with the final numbers
 *   stop                Stop ends the run early, with a last delivery
 *   free-while-running  freeing the job joins its thread, and a delivery
 *                       already scheduled calls nobody
 *   on-this-thread      the wrong way calls back on the caller's thread,
 *                       once per chunk, before it returns
 */

#include "config.h"

#include <glib.h>

#include "freeze-work.h"
#include "work-test-util.h"

/* π(1,000,000): 50 chunks of the worker's 20,000. */
#define LIMIT 1000000u
#define PRIMES_BELOW_LIMIT 78498u

typedef struct
{
  GThread *main_thread;
  guint deliveries;
  guint finished;
  guint checked;
  guint primes;
  gboolean in_order;
} Progress;

static void
record (guint    checked,
        guint    primes,
        gboolean finished,
        gpointer user_data)
{
  Progress *progress = user_data;

  g_assert_true (g_thread_self () == progress->main_thread);
  g_assert_cmpuint (progress->finished, ==, 0);   /* nothing after the last */
  if (checked < progress->checked || primes < progress->primes)
    progress->in_order = FALSE;
  progress->deliveries++;
  progress->checked = checked;
  progress->primes = primes;
  if (finished)
    progress->finished++;
}

static void
progress_init (Progress *progress)
{
  *progress = (Progress) { .main_thread = g_thread_self (), .in_order = TRUE };
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
  g_autoptr(FreezeWork) work = NULL;
  g_autoptr(GError) error = NULL;
  guint threads_before = work_test_count_threads ("thaw-primes");

  progress_init (&progress);
  work = freeze_work_start (LIMIT, record, &progress, &error);
  g_assert_no_error (error);
  g_assert_nonnull (work);

  work_test_iterate_until (is_finished, &progress, 60);
  g_test_message ("%u deliveries for 50 chunks", progress.deliveries);

  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_true (progress.in_order);
  g_assert_cmpuint (progress.checked, ==, LIMIT);
  g_assert_cmpuint (progress.primes, ==, PRIMES_BELOW_LIMIT);
  g_assert_cmpuint (progress.deliveries, >=, 1);
  g_assert_cmpuint (progress.deliveries, <=, 51);
  /* Joined by the last delivery, before it called back. */
  work_test_wait_for_threads ("thaw-primes", threads_before);
}

/* However often the worker publishes, at most one delivery waits. */
static void
test_coalesced (void)
{
  Progress progress;
  g_autoptr(FreezeWork) work = NULL;
  guint threads_before = work_test_count_threads ("thaw-primes");

  progress_init (&progress);
  work = freeze_work_start (LIMIT, record, &progress, NULL);
  g_assert_nonnull (work);

  /* The main loop looks away until the worker has said its last word,
   * having published after each of its 50 chunks. */
  while (!freeze_work_has_finished (work))
    g_usleep (1000);
  g_assert_cmpuint (progress.deliveries, ==, 0);

  work_test_iterate_until (is_finished, &progress, 10);
  g_assert_cmpuint (progress.deliveries, ==, 1);
  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_cmpuint (progress.primes, ==, PRIMES_BELOW_LIMIT);
  work_test_wait_for_threads ("thaw-primes", threads_before);
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
  g_autoptr(FreezeWork) work = NULL;
  guint threads_before = work_test_count_threads ("thaw-primes");

  progress_init (&progress);
  /* The lesson's whole job: seconds of work, stopped after the first news. */
  work = freeze_work_start (FREEZE_PRIME_LIMIT, record, &progress, NULL);
  g_assert_nonnull (work);
  work_test_iterate_until (has_news, &progress, 60);

  freeze_work_stop (work);
  work_test_iterate_until (is_finished, &progress, 10);

  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_cmpuint (progress.checked, <, FREEZE_PRIME_LIMIT);
  work_test_wait_for_threads ("thaw-primes", threads_before);
}

static void
test_free_while_running (void)
{
  Progress progress;
  FreezeWork *work;
  guint threads_before = work_test_count_threads ("thaw-primes");

  progress_init (&progress);
  work = freeze_work_start (FREEZE_PRIME_LIMIT, record, &progress, NULL);
  g_assert_nonnull (work);
  /* Let it schedule a delivery that the main loop has not run yet. */
  g_usleep (50 * 1000);

  freeze_work_free (work);
  /* Joined: the thread is gone when free returns (give /proc a moment). */
  work_test_wait_for_threads ("thaw-primes", threads_before);

  /* The scheduled delivery runs, and calls nobody. */
  work_test_iterate_for (0.2);
  g_assert_cmpuint (progress.deliveries, ==, 0);
}

static void
test_on_this_thread (void)
{
  Progress progress;
  guint primes;

  progress_init (&progress);
  primes = freeze_run_on_this_thread (LIMIT, record, &progress);

  g_assert_cmpuint (primes, ==, PRIMES_BELOW_LIMIT);
  g_assert_cmpuint (progress.deliveries, ==, 50);
  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_true (progress.in_order);
  g_assert_cmpuint (progress.checked, ==, LIMIT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/work/freeze/runs-to-the-end", test_runs_to_the_end);
  g_test_add_func ("/work/freeze/coalesced", test_coalesced);
  g_test_add_func ("/work/freeze/stop", test_stop);
  g_test_add_func ("/work/freeze/free-while-running", test_free_while_running);
  g_test_add_func ("/work/freeze/on-this-thread", test_on_this_thread);

  return g_test_run ();
}
