/* test-cancel-work.c — cancel-work.c on a plain GMainLoop, no GTK
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TSan build runs this too: every hand-off between the worker and the
 * main thread in the lesson's own code is then checked.
 *
 *   runs-to-the-end     the deliveries arrive on the main thread, in order,
 *                       the last one once, with the exact checksum; the
 *                       thread is joined
 *   coalesced           a main loop that looks only after the worker ended
 *                       gets one delivery, with the final figures
 *   stop                Stop ends the run early with G_IO_ERROR_CANCELLED
 *                       and a latency within the look interval; a second
 *                       Stop adds nothing
 *   stop-too-late       a Stop after the worker's last look leaves the
 *                       complete result, marked as a stop that came too late
 *   never-checks        the wrong way: a worker that never looks hashes on
 *                       to the end after a Stop, with the exact checksum;
 *                       the Stop is marked ignored, and how long it waited
 *   free-while-running  freeing the job joins its thread, and a delivery
 *                       already scheduled calls nobody
 */

#include "config.h"

#include "cancel-work.h"
#include "work-test-util.h"

/* A small job: 256 blocks, 16 MiB. Its SHA-256 was computed apart from
 * Thaw, by a few lines of Python that generate the same blocks. */
#define SMALL 256u
#define SMALL_CHECKSUM "24b26c798382cc0e330f85a8d1c7660dbdfbaa0bb15da2ced3966dad803cd3d0"

typedef struct
{
  GThread *main_thread;
  guint deliveries;
  guint finished;
  guint blocks_done;
  gboolean in_order;
  /* The last report's outcome. */
  GError *error;
  char *checksum;
  double latency_ms;
  double delivered_ms;
  gboolean stop_too_late;
  gboolean stop_ignored;
  double ignored_ms;
} Progress;

static void
record (const CancelProgress *progress,
        gpointer              user_data)
{
  Progress *p = user_data;

  g_assert_true (g_thread_self () == p->main_thread);
  g_assert_cmpuint (p->finished, ==, 0);   /* nothing after the last */
  if (progress->blocks_done < p->blocks_done)
    p->in_order = FALSE;
  p->deliveries++;
  p->blocks_done = progress->blocks_done;
  g_assert_cmpuint (progress->blocks_done, <=, progress->n_blocks);

  if (!progress->finished)
    {
      g_assert_null (progress->error);
      g_assert_null (progress->checksum);
      return;
    }

  p->finished++;
  p->error = progress->error != NULL ? g_error_copy (progress->error) : NULL;
  p->checksum = g_strdup (progress->checksum);
  p->latency_ms = progress->latency_ms;
  p->delivered_ms = progress->delivered_ms;
  p->stop_too_late = progress->stop_too_late;
  p->stop_ignored = progress->stop_ignored;
  p->ignored_ms = progress->ignored_ms;
}

static void
progress_init (Progress *p)
{
  *p = (Progress) { .main_thread = g_thread_self (), .in_order = TRUE };
}

static void
progress_clear (Progress *p)
{
  g_clear_error (&p->error);
  g_clear_pointer (&p->checksum, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Progress, progress_clear)

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
test_runs_to_the_end (void)
{
  g_auto(Progress) progress;
  g_autoptr(CancelWork) work = NULL;
  g_autoptr(GError) error = NULL;
  guint threads_before = work_test_count_threads ("thaw-hash");

  progress_init (&progress);
  work = cancel_work_start (SMALL, 1, record, &progress, &error);
  g_assert_no_error (error);
  g_assert_nonnull (work);

  work_test_iterate_until (is_finished, &progress, 60);
  g_test_message ("%u deliveries for %u blocks", progress.deliveries, SMALL);

  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_true (progress.in_order);
  g_assert_cmpuint (progress.blocks_done, ==, SMALL);
  g_assert_no_error (progress.error);
  g_assert_cmpstr (progress.checksum, ==, SMALL_CHECKSUM);
  g_assert_false (progress.stop_too_late);
  g_assert_cmpfloat (progress.latency_ms, ==, 0);
  /* Joined by the last delivery, before it called back. */
  work_test_wait_for_threads ("thaw-hash", threads_before);

  /* Nothing more arrives, and a Stop now is for nobody. */
  cancel_work_stop (work);
  work_test_iterate_for (0.1);
  g_assert_cmpuint (progress.finished, ==, 1);
}

/* However often the worker looks, at most one delivery waits. */
static void
test_coalesced (void)
{
  g_auto(Progress) progress;
  g_autoptr(CancelWork) work = NULL;
  guint threads_before = work_test_count_threads ("thaw-hash");

  progress_init (&progress);
  work = cancel_work_start (SMALL, 1, record, &progress, NULL);
  g_assert_nonnull (work);

  /* The main loop looks away until the worker has said its last word,
   * having published at every look. */
  while (!cancel_work_has_finished (work))
    g_usleep (1000);
  g_assert_cmpuint (progress.deliveries, ==, 0);

  work_test_iterate_until (is_finished, &progress, 10);
  work_test_iterate_for (0.1);
  g_assert_cmpuint (progress.deliveries, ==, 1);
  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_cmpuint (progress.blocks_done, ==, SMALL);
  g_assert_cmpstr (progress.checksum, ==, SMALL_CHECKSUM);
  work_test_wait_for_threads ("thaw-hash", threads_before);
}

static void
test_stop (void)
{
  g_auto(Progress) progress;
  g_autoptr(CancelWork) work = NULL;
  guint threads_before = work_test_count_threads ("thaw-hash");

  progress_init (&progress);
  /* The lesson's whole job, looking every 10 ms, stopped after the first
   * news: seconds of work left. */
  work = cancel_work_start (CANCEL_N_BLOCKS, 10, record, &progress, NULL);
  g_assert_nonnull (work);
  work_test_iterate_until (has_news, &progress, 60);

  cancel_work_stop (work);
  cancel_work_stop (work);
  work_test_iterate_until (is_finished, &progress, 10);
  g_test_message ("stopped at block %u: noticed after %.2f ms, delivered after %.2f ms",
                  progress.blocks_done, progress.latency_ms, progress.delivered_ms);

  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_error (progress.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (progress.checksum);
  g_assert_false (progress.stop_too_late);
  g_assert_cmpuint (progress.blocks_done, <, CANCEL_N_BLOCKS);
  /* Measured on the worker: after the Stop, within about one look (a
   * loaded machine or a sanitizer may add a little), and before the main
   * thread heard of it. */
  g_assert_cmpfloat (progress.latency_ms, >=, 0);
  g_assert_cmpfloat (progress.latency_ms, <, 10 + 90 * work_test_time_scale ());
  g_assert_cmpfloat (progress.delivered_ms, >=, progress.latency_ms);
  work_test_wait_for_threads ("thaw-hash", threads_before);
}

static void
test_stop_too_late (void)
{
  g_auto(Progress) progress;
  g_autoptr(CancelWork) work = NULL;

  progress_init (&progress);
  work = cancel_work_start (SMALL, 1, record, &progress, NULL);
  g_assert_nonnull (work);

  /* The worker is done, its last news not delivered yet: Stop now. */
  while (!cancel_work_has_finished (work))
    g_usleep (1000);
  cancel_work_stop (work);

  work_test_iterate_until (is_finished, &progress, 10);
  g_assert_no_error (progress.error);
  g_assert_cmpstr (progress.checksum, ==, SMALL_CHECKSUM);
  g_assert_true (progress.stop_too_late);
  g_assert_cmpuint (progress.blocks_done, ==, SMALL);
}

static void
test_free_while_running (void)
{
  g_auto(Progress) progress;
  CancelWork *work;
  guint threads_before = work_test_count_threads ("thaw-hash");

  progress_init (&progress);
  /* Seconds of work, looked at every millisecond: free() returns as soon
   * as the worker next looks. */
  work = cancel_work_start (CANCEL_N_BLOCKS, 1, record, &progress, NULL);
  g_assert_nonnull (work);
  /* Let it publish news that the main loop has not delivered yet. */
  g_usleep (50 * 1000);

  cancel_work_free (work);
  /* Joined: the thread is gone when free returns (give /proc a moment). */
  work_test_wait_for_threads ("thaw-hash", threads_before);

  /* The scheduled delivery, if any, runs into nothing. */
  work_test_iterate_for (0.2);
  g_assert_cmpuint (progress.deliveries, ==, 0);
}

static void
test_never_checks (void)
{
  g_auto(Progress) progress;
  g_autoptr(CancelWork) work = NULL;
  gint64 stopped_at;

  progress_init (&progress);
  work = cancel_work_start (SMALL, CANCEL_NEVER_CHECK, record, &progress, NULL);
  g_assert_nonnull (work);
  /* At once: the Stop comes before the worker has done much. */
  cancel_work_stop (work);
  stopped_at = g_get_monotonic_time ();
  work_test_iterate_until (is_finished, &progress, 60);

  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_no_error (progress.error);
  g_assert_cmpstr (progress.checksum, ==, SMALL_CHECKSUM);
  g_assert_cmpuint (progress.blocks_done, ==, SMALL);
  g_assert_true (progress.stop_ignored);
  g_assert_false (progress.stop_too_late);
  /* It waited for the whole job, as measured from the Stop. */
  g_assert_cmpfloat (progress.ignored_ms, >, 0);
  g_assert_cmpfloat (progress.ignored_ms, <=, (g_get_monotonic_time () - stopped_at) / 1000.0 + 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/work/cancel/runs-to-the-end", test_runs_to_the_end);
  g_test_add_func ("/work/cancel/coalesced", test_coalesced);
  g_test_add_func ("/work/cancel/stop", test_stop);
  g_test_add_func ("/work/cancel/stop-too-late", test_stop_too_late);
  g_test_add_func ("/work/cancel/free-while-running", test_free_while_running);
  g_test_add_func ("/work/cancel/never-checks", test_never_checks);

  return g_test_run ();
}
