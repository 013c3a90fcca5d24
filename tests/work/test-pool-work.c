/* test-pool-work.c — pool-work.c on a plain GMainLoop, no GTK
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TSan build runs this too: every hand-off between the tasks' threads,
 * GTask and the main thread in the lesson's own code is then checked.
 *
 *   each-way            each way runs every task once and right: every
 *                       result arrives once with its fingerprint, the
 *                       ordered list reads 0, 1, 2…, a log line per task
 *                       (and a header);
 *                       news on the main thread, the last once; a thread
 *                       per task uses a thread each, the pool its own few;
 *                       our threads are joined
 *   waiting             tasks that wait instead of computing, in the pool
 *   stop                Stop ends each way early, with fewer results, and
 *                       joins its threads
 *   free-while-running  freeing mid-run joins our threads at once and calls
 *                       nobody afterwards, not even for GTasks still queued
 */

#include "config.h"

#include <glib.h>
#include <stdio.h>

#include "pool-work.h"
#include "work-test-util.h"

typedef struct
{
  GThread *main_thread;
  guint deliveries, finished, completed, in_order, log_lines;
  PoolNews last;
} Progress;

/* Counts the lines of @text, each "#task fingerprint …"; @next, if given,
 * is the task the next line must be. */
static guint
check_lines (const char *text,
             guint      *next)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = 0;

  for (; lines[n] != NULL && lines[n][0] != '\0'; n++)
    {
      guint index, fingerprint;

      g_assert_cmpint (sscanf (lines[n], "#%u %x", &index, &fingerprint), ==, 2);
      g_assert_cmpuint (fingerprint, ==, pool_fingerprint (index));
      if (next != NULL)
        g_assert_cmpuint (index, ==, (*next)++);
    }
  g_assert_null (lines[n + (lines[n] != NULL)]);   /* every line ends */

  return n;
}

static void
record (const PoolNews *news,
        gpointer        user_data)
{
  Progress *progress = user_data;
  guint next = progress->in_order;

  g_assert_true (g_thread_self () == progress->main_thread);
  g_assert_cmpuint (progress->finished, ==, 0);   /* nothing after the last */
  progress->completed += check_lines (news->completed, NULL);
  progress->in_order += check_lines (news->in_order, &next);
  for (const char *c = news->log; *c != '\0'; c++)
    progress->log_lines += *c == '\n';
  progress->deliveries++;
  progress->last = *news;
  if (news->finished)
    progress->finished++;
}

static gboolean
is_finished (gpointer data)
{
  return ((Progress *) data)->finished > 0;
}

static guint
count_our_threads (void)
{
  return work_test_count_threads ("thaw-task-") + work_test_count_threads ("thaw-pool-") +
         work_test_count_threads ("thaw-starter");
}

static void
wait_for_our_threads (void)
{
  work_test_wait_for_threads ("thaw-task-", 0);
  work_test_wait_for_threads ("thaw-pool-", 0);
  work_test_wait_for_threads ("thaw-starter", 0);
}

static PoolWork *
start (Progress *progress,
       PoolWay   way,
       guint     n_tasks,
       guint     work_ms,
       gboolean  waits)
{
  g_autoptr(ThawTimeline) timeline = thaw_timeline_new (0);
  g_autoptr(GError) error = NULL;
  PoolWork *work;

  *progress = (Progress) { .main_thread = g_thread_self () };
  work = pool_work_start (way, n_tasks, work_ms, waits, 2, timeline, record, progress, &error);
  g_assert_no_error (error);
  g_assert_nonnull (work);

  return work;
}

static void
test_each_way (void)
{
  const guint n = 40;

  for (PoolWay way = 0; way < POOL_N_WAYS; way++)
    {
      Progress progress;
      g_autoptr(PoolWork) work = NULL;

      g_assert_cmpuint (count_our_threads (), ==, 0);
      work = start (&progress, way, n, 2, FALSE);
      work_test_iterate_until (is_finished, &progress, 30);
      g_test_message ("way %d: %u deliveries, %u threads", way, progress.deliveries, progress.last.threads);

      g_assert_cmpuint (progress.finished, ==, 1);
      g_assert_false (progress.last.stopped);
      g_assert_null (progress.last.error);
      g_assert_cmpuint (progress.last.received, ==, n);
      g_assert_cmpuint (progress.last.duplicates, ==, 0);
      g_assert_cmpuint (progress.last.wrong, ==, 0);
      g_assert_cmpuint (progress.last.shown_in_order, ==, n);
      g_assert_cmpuint (progress.completed, ==, n);
      g_assert_cmpuint (progress.in_order, ==, n);
      g_assert_cmpuint (progress.log_lines, ==, n + 1);   /* and a header */
      if (way == POOL_THREAD_PER_TASK)
        g_assert_cmpuint (progress.last.threads, ==, n);
      else
        g_assert_cmpuint (progress.last.threads, >=, 1);
      if (way == POOL_POOL)
        g_assert_cmpuint (progress.last.threads, <=, 2);
      /* Joined by the last delivery, before it called back. */
      wait_for_our_threads ();

      /* Nothing comes after the last news. */
      work_test_iterate_for (0.05);
      g_assert_cmpuint (progress.finished, ==, 1);
    }
}

static void
test_waiting (void)
{
  Progress progress;
  g_autoptr(PoolWork) work = start (&progress, POOL_POOL, 20, 5, TRUE);

  work_test_iterate_until (is_finished, &progress, 30);
  g_assert_cmpuint (progress.last.received, ==, 20);
  g_assert_cmpuint (progress.in_order, ==, 20);
  wait_for_our_threads ();
}

static void
test_stop (void)
{
  for (PoolWay way = 0; way < POOL_N_WAYS; way++)
    {
      Progress progress;
      /* Tasks of 50 to 350 ms: a thread each for 200 tasks of 20 ms could
       * all be done by the time Stop comes (CI saw it), and this would
       * test nothing. */
      g_autoptr(PoolWork) work = start (&progress, way, 200, 200, TRUE);

      work_test_iterate_for (0.05);
      pool_work_stop (work);
      work_test_iterate_until (is_finished, &progress, 30);
      g_test_message ("way %d stopped after %u results", way, progress.last.received);

      g_assert_cmpuint (progress.finished, ==, 1);
      g_assert_true (progress.last.stopped);
      g_assert_null (progress.last.error);
      g_assert_cmpuint (progress.last.received, <, 200);
      g_assert_cmpuint (progress.in_order, ==, progress.last.shown_in_order);
      wait_for_our_threads ();
    }
}

static void
test_free_while_running (void)
{
  for (PoolWay way = 0; way < POOL_N_WAYS; way++)
    {
      Progress progress;
      /* Long enough tasks that the run is surely going on (see test_stop). */
      PoolWork *work = start (&progress, way, 200, 200, TRUE);
      guint deliveries;

      work_test_iterate_for (0.05);
      pool_work_free (work);
      /* Ours are joined: gone from /proc a moment after. */
      wait_for_our_threads ();

      deliveries = progress.deliveries;
      work_test_iterate_for (0.3);
      g_assert_cmpuint (progress.deliveries, ==, deliveries);
      g_assert_cmpuint (progress.finished, ==, 0);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pool-work/each-way", test_each_way);
  g_test_add_func ("/pool-work/waiting", test_waiting);
  g_test_add_func ("/pool-work/stop", test_stop);
  g_test_add_func ("/pool-work/free-while-running", test_free_while_running);

  return g_test_run ();
}
