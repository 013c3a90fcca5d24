/* test-monitor-work.c — monitor-work.c on a plain GMainLoop, no GTK
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TSan build runs this too: the snapshots handed through the queue and
 * the doorbell, and the flags, are then checked.
 *
 *   samples             three samples 50 ms apart: every one arrives, in
 *                       order, on the main thread; the first has no CPU use
 *                       yet, the others do; one per CPU line of /proc/stat;
 *                       the sampler lists itself; the last news once, after
 *                       the sampler was joined
 *   stop                Stop during a one-second sleep ends the run at once
 *   load                the load workers show in the list while they spin;
 *                       the sampler goes on until after they end, so the
 *                       last sample no longer lists them; all joined
 *   free-while-running  freeing a sampling, loading job joins every thread
 *   poll                the wrong way's loop: its samples, in order, taken
 *                       on the calling thread with the sleep between them
 *                       at once, and calls nobody afterwards
 */

#include "config.h"

#include <glib.h>

#include "monitor-work.h"
#include "work-test-util.h"

typedef struct
{
  GThread *main_thread;
  guint deliveries;
  guint snapshots;          /* received, all news together */
  guint finished;
  gboolean in_order;
  gboolean saw_load;
  gboolean last_lists_load;
  gboolean last_lists_sampler;
  guint n_cores;
  gboolean usage_ok;        /* NULL in the first sample only, 0 to 1 after */
  guint64 memory_total_kb;
  guint load_running;
  gboolean stopped;
} Progress;

static gboolean
lists_thread (const MonitorSnapshot *snapshot,
              const char            *prefix)
{
  for (guint i = 0; i < snapshot->threads->len; i++)
    if (g_str_has_prefix (((ThawThreadInfo *) g_ptr_array_index (snapshot->threads, i))->name, prefix))
      return TRUE;

  return FALSE;
}

static void
record (const MonitorNews *news,
        gpointer           user_data)
{
  Progress *progress = user_data;

  g_assert_true (g_thread_self () == progress->main_thread);
  g_assert_cmpuint (progress->finished, ==, 0);   /* nothing after the last */
  progress->deliveries++;
  for (guint i = 0; i < news->snapshots->len; i++)
    {
      const MonitorSnapshot *snapshot = g_ptr_array_index (news->snapshots, i);

      if (snapshot->number != ++progress->snapshots)
        progress->in_order = FALSE;
      if ((snapshot->core_usage == NULL) != (snapshot->number == 1))
        progress->usage_ok = FALSE;
      for (guint c = 0; snapshot->core_usage != NULL && c < snapshot->n_cores; c++)
        if (snapshot->core_usage[c] < 0 || snapshot->core_usage[c] > 1)
          progress->usage_ok = FALSE;
      progress->n_cores = snapshot->n_cores;
      progress->memory_total_kb = snapshot->memory.total_kb;
      progress->last_lists_sampler = lists_thread (snapshot, "thaw-sampler");
      progress->last_lists_load = lists_thread (snapshot, "thaw-load-");
      progress->saw_load |= progress->last_lists_load;
    }
  g_assert_no_error (news->error);
  progress->load_running = news->load_running;
  progress->stopped = news->stopped;
  if (news->finished)
    progress->finished++;
}

static gboolean
is_finished (gpointer data)
{
  return ((Progress *) data)->finished > 0;
}

static gboolean
has_snapshot (gpointer data)
{
  return ((Progress *) data)->snapshots > 0;
}

static guint
count_cpus (void)
{
  g_autofree char *text = NULL;
  g_autoptr(ThawCpuStat) stat = NULL;

  g_assert_true (g_file_get_contents ("/proc/stat", &text, NULL, NULL));
  stat = thaw_cpu_stat_parse (text, NULL);
  g_assert_nonnull (stat);

  return stat->cores->len;
}

static MonitorWork *
start (Progress *progress,
       guint     n_samples,
       gint64    interval_us)
{
  g_autoptr(GError) error = NULL;
  MonitorWork *work;

  *progress = (Progress) { .main_thread = g_thread_self (), .in_order = TRUE, .usage_ok = TRUE };
  work = monitor_work_start (n_samples, interval_us, record, progress, &error);
  g_assert_no_error (error);
  g_assert_nonnull (work);

  return work;
}

static void
test_samples (void)
{
  Progress progress;
  g_autoptr(MonitorWork) work = NULL;
  gint64 started = g_get_monotonic_time ();

  g_assert_cmpuint (work_test_count_threads ("thaw-sampler"), ==, 0);
  work = start (&progress, 3, 50 * 1000);
  work_test_iterate_until (is_finished, &progress, 30);
  g_test_message ("%u snapshots in %u deliveries", progress.snapshots, progress.deliveries);

  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_cmpuint (progress.snapshots, ==, 3);
  g_assert_true (progress.in_order);
  g_assert_true (progress.usage_ok);
  g_assert_cmpuint (progress.n_cores, ==, count_cpus ());
  g_assert_cmpuint (progress.memory_total_kb, >, 0);
  g_assert_true (progress.last_lists_sampler);
  g_assert_false (progress.saw_load);
  /* Two sleeps of 50 ms between the three samples. */
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 100 * 1000);
  g_assert_false (progress.stopped);
  /* Joined by the last delivery, before it called back. */
  work_test_wait_for_threads ("thaw-sampler", 0);

  work_test_iterate_for (0.1);
  g_assert_cmpuint (progress.finished, ==, 1);
}

static void
test_stop (void)
{
  Progress progress;
  g_autoptr(MonitorWork) work = NULL;
  gint64 stopped_at;
  double ms;

  work = start (&progress, 100, G_USEC_PER_SEC);
  work_test_iterate_until (has_snapshot, &progress, 30);
  monitor_work_stop (work);
  stopped_at = g_get_monotonic_time ();
  work_test_iterate_until (is_finished, &progress, 30);
  ms = (g_get_monotonic_time () - stopped_at) / 1000.0;
  g_test_message ("the run ended %.1f ms after Stop", ms);

  g_assert_true (progress.stopped);
  g_assert_cmpuint (progress.snapshots, ==, 1);
  /* Not the rest of the one-second sleep. */
  g_assert_cmpfloat (ms, <, 300 * work_test_time_scale ());
  work_test_wait_for_threads ("thaw-sampler", 0);
}

static void
test_load (void)
{
  Progress progress;
  g_autoptr(MonitorWork) work = NULL;
  g_autoptr(GError) error = NULL;
  gint64 interval_us = (gint64) (50 * 1000 * work_test_time_scale ());

  /* Two samples asked for; the load of four intervals makes it more. */
  work = start (&progress, 2, interval_us);
  g_assert_true (monitor_work_add_load (work, 2, 4 * interval_us, &error));
  g_assert_no_error (error);
  work_test_iterate_until (is_finished, &progress, 30);
  g_test_message ("%u snapshots", progress.snapshots);

  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_true (progress.in_order);
  g_assert_true (progress.saw_load);
  /* It samples for as long as the load runs: more than the two asked
   * for. About six, but one interval can be lost on a loaded machine (5 in
   * the ASan run beside other tests), so four is the bound. */
  g_assert_cmpuint (progress.snapshots, >=, 4);
  g_assert_false (progress.last_lists_load);
  g_assert_cmpuint (progress.load_running, ==, 0);
  work_test_wait_for_threads ("thaw-load-", 0);
  work_test_wait_for_threads ("thaw-sampler", 0);
}

static void
test_free_while_running (void)
{
  Progress progress;
  MonitorWork *work;
  guint deliveries;

  work = start (&progress, 100, G_USEC_PER_SEC);
  g_assert_true (monitor_work_add_load (work, 2, 10 * G_USEC_PER_SEC, NULL));
  work_test_iterate_until (has_snapshot, &progress, 30);

  monitor_work_free (work);
  work_test_wait_for_threads ("thaw-sampler", 0);
  work_test_wait_for_threads ("thaw-load-", 0);

  deliveries = progress.deliveries;
  work_test_iterate_for (0.2);
  g_assert_cmpuint (progress.deliveries, ==, deliveries);
  g_assert_cmpuint (progress.finished, ==, 0);
}

static void
test_poll (void)
{
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  snapshots = monitor_poll_on_this_thread (3, 50 * G_TIME_SPAN_MILLISECOND, &error);
  g_assert_no_error (error);
  g_assert_nonnull (snapshots);
  /* Two sleeps, on this thread. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 100 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (snapshots->len, ==, 3);
  for (guint i = 0; i < snapshots->len; i++)
    {
      const MonitorSnapshot *snapshot = g_ptr_array_index (snapshots, i);

      g_assert_cmpuint (snapshot->number, ==, i + 1);
      g_assert_cmpuint (snapshot->n_cores, >=, 1);
      /* CPU use needs two samples to compare. */
      g_assert_true ((snapshot->core_usage != NULL) == (i > 0));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/thaw/monitor-work/samples", test_samples);
  g_test_add_func ("/thaw/monitor-work/stop", test_stop);
  g_test_add_func ("/thaw/monitor-work/load", test_load);
  g_test_add_func ("/thaw/monitor-work/free-while-running", test_free_while_running);
  g_test_add_func ("/thaw/monitor-work/poll", test_poll);

  return g_test_run ();
}
