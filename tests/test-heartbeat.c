/* test-heartbeat.c — the main-loop latency probe
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "thaw-heartbeat.h"

static void
test_stats_known (void)
{
  double samples[100];
  ThawLatencyStats stats;

  /* 1, 2, … 100 ms, shuffled so that the order cannot matter. */
  for (guint i = 0; i < 100; i++)
    samples[i] = (double) ((i * 37) % 100 + 1);

  thaw_latency_stats_compute (samples, 100, &stats);
  g_assert_cmpuint (stats.samples, ==, 100);
  g_assert_cmpfloat (stats.p50_ms, ==, 50);
  g_assert_cmpfloat (stats.p95_ms, ==, 95);
  g_assert_cmpfloat (stats.p99_ms, ==, 99);
  g_assert_cmpfloat (stats.max_ms, ==, 100);
  g_assert_cmpfloat_with_epsilon (stats.mean_ms, 50.5, 1e-9);
  /* 17 … 100 are later than one frame of 16.7 ms; none is a hang. */
  g_assert_cmpuint (stats.stalls_frame, ==, 84);
  g_assert_cmpuint (stats.stalls_hang, ==, 0);
}

static void
test_stats_hangs (void)
{
  const double samples[] = { 0.2, 16.7, 16.8, 250.0, 250.1, 3000.0, 0.1 };
  ThawLatencyStats stats;

  thaw_latency_stats_compute (samples, G_N_ELEMENTS (samples), &stats);
  /* The thresholds are "later than", so the exact values do not count. */
  g_assert_cmpuint (stats.stalls_frame, ==, 4);
  g_assert_cmpuint (stats.stalls_hang, ==, 2);
  g_assert_cmpfloat (stats.max_ms, ==, 3000.0);
  /* Nearest rank of 7 samples: p50 is the 4th smallest. */
  g_assert_cmpfloat (stats.p50_ms, ==, 16.8);
}

static void
test_stats_small (void)
{
  const double one[] = { 4.0 };
  ThawLatencyStats stats;

  thaw_latency_stats_compute (NULL, 0, &stats);
  g_assert_cmpuint (stats.samples, ==, 0);
  g_assert_cmpfloat (stats.max_ms, ==, 0);
  g_assert_cmpfloat (stats.p99_ms, ==, 0);

  thaw_latency_stats_compute (one, 1, &stats);
  g_assert_cmpfloat (stats.p50_ms, ==, 4.0);
  g_assert_cmpfloat (stats.p99_ms, ==, 4.0);
  g_assert_cmpfloat (stats.max_ms, ==, 4.0);
}

static void
test_record_since (void)
{
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  ThawHeartbeatSample recent[8];
  ThawLatencyStats stats;
  guint n;

  for (guint i = 0; i < 10; i++)
    thaw_heartbeat_record (heartbeat, 1000 * (i + 1), (double) i);

  thaw_heartbeat_get_stats (heartbeat, &stats);
  g_assert_cmpuint (stats.samples, ==, 10);
  g_assert_cmpfloat (stats.max_ms, ==, 9);

  /* Only the beats at 6000 µs and later: lateness 5 … 9. */
  thaw_heartbeat_get_stats_since (heartbeat, 6000, &stats);
  g_assert_cmpuint (stats.samples, ==, 5);
  g_assert_cmpfloat (stats.p50_ms, ==, 7);

  /* The most recent ones, oldest first, as many as fit. */
  n = thaw_heartbeat_copy_recent (heartbeat, 0, recent, 4);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpint (recent[0].time_us, ==, 7000);
  g_assert_cmpint (recent[3].time_us, ==, 10000);

  n = thaw_heartbeat_copy_recent (heartbeat, 8500, recent, G_N_ELEMENTS (recent));
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpfloat (recent[0].lateness_ms, ==, 8);

  thaw_heartbeat_reset (heartbeat);
  thaw_heartbeat_get_stats (heartbeat, &stats);
  g_assert_cmpuint (stats.samples, ==, 0);
  g_assert_cmpuint (thaw_heartbeat_copy_recent (heartbeat, 0, recent, 8), ==, 0);

  g_assert_finalize_object (g_steal_pointer (&heartbeat));
}

static void
test_ring_wraps (void)
{
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  g_autofree ThawHeartbeatSample *recent = g_new (ThawHeartbeatSample, 10000);
  guint n;

  for (guint i = 0; i < 10000; i++)
    thaw_heartbeat_record (heartbeat, i + 1, 1.0);

  /* The ring keeps a bounded number of beats, the newest ones, in order. */
  n = thaw_heartbeat_copy_recent (heartbeat, 0, recent, 10000);
  g_assert_cmpuint (n, <, 10000);
  g_assert_cmpuint (n, >=, 1000);
  g_assert_cmpint (recent[n - 1].time_us, ==, 10000);
  for (guint i = 1; i < n; i++)
    g_assert_cmpint (recent[i].time_us, ==, recent[i - 1].time_us + 1);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gboolean
block_cb (gpointer data)
{
  /* The bug the heartbeat exists to catch: a callback that holds the loop. */
  g_usleep (200 * 1000);
  return G_SOURCE_REMOVE;
}

static void
run_for (GMainContext *context,
         guint         ms)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (context, FALSE);
  g_autoptr(GSource) source = g_timeout_source_new (ms);

  g_source_set_callback (source, quit_cb, loop, NULL);
  g_source_attach (source, context);
  g_main_loop_run (loop);
}

static void
test_free_loop (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  ThawLatencyStats stats;

  g_main_context_push_thread_default (context);
  thaw_heartbeat_start (heartbeat, context);
  g_assert_true (thaw_heartbeat_is_running (heartbeat));
  run_for (context, 500);
  thaw_heartbeat_stop (heartbeat);
  g_assert_false (thaw_heartbeat_is_running (heartbeat));
  g_main_context_pop_thread_default (context);

  thaw_heartbeat_get_stats (heartbeat, &stats);
  g_test_message ("free loop: %" G_GUINT64_FORMAT " beats, p50 %.3f ms, max %.3f ms",
                  stats.samples, stats.p50_ms, stats.max_ms);
  /* About 50 beats in 500 ms; the bounds leave room for a loaded machine. */
  g_assert_cmpuint (stats.samples, >=, 10);
  g_assert_cmpuint (stats.samples, <=, 60);
  g_assert_cmpfloat (stats.p50_ms, <, THAW_FRAME_BUDGET_MS);

  g_assert_finalize_object (g_steal_pointer (&heartbeat));
}

static void
test_blocked_loop (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  g_autoptr(GSource) block = NULL;
  ThawHeartbeatSample recent[256];
  ThawLatencyStats stats;
  guint n, long_beats = 0;

  g_main_context_push_thread_default (context);
  thaw_heartbeat_start (heartbeat, context);
  run_for (context, 100);

  /* Block the loop from the moment the next beat is due: that beat must
   * then be late by the whole block. (A block that starts between beats
   * delays the next one by less: by the part after its due time.) */
  block = g_timeout_source_new (0);
  g_source_set_ready_time (block, thaw_heartbeat_get_next_due (heartbeat));
  g_source_set_priority (block, G_PRIORITY_HIGH);
  g_source_set_callback (block, block_cb, NULL, NULL);
  g_source_attach (block, context);
  run_for (context, 400);
  thaw_heartbeat_stop (heartbeat);
  g_main_context_pop_thread_default (context);

  thaw_heartbeat_get_stats (heartbeat, &stats);
  g_test_message ("blocked loop: max %.1f ms, %" G_GUINT64_FORMAT " stalls",
                  stats.max_ms, stats.stalls_frame);
  g_assert_cmpfloat (stats.max_ms, >=, 200);
  g_assert_cmpuint (stats.stalls_frame, >=, 1);

  /* The freeze is one late beat, not a burst of catch-up beats. */
  n = thaw_heartbeat_copy_recent (heartbeat, 0, recent, G_N_ELEMENTS (recent));
  for (guint i = 0; i < n; i++)
    if (recent[i].lateness_ms >= 150)
      long_beats++;
  g_assert_cmpuint (long_beats, ==, 1);
}

/* A source that only sets a ready time, as the heartbeat did before it had
 * a timer descriptor: it records how late it ran, every 3.3 ms, out of
 * step with the heartbeat's 5 ms so that the heartbeat never wakes it. */
typedef struct
{
  GSource source;
  GArray *lateness_ms;
} ReadyTimeProbe;

static gboolean
probe_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  ReadyTimeProbe *probe = (ReadyTimeProbe *) source;
  gint64 now = g_get_monotonic_time ();
  double late = (now - g_source_get_ready_time (source)) / 1000.0;

  g_array_append_val (probe->lateness_ms, late);
  g_source_set_ready_time (source, now + 3300);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs probe_funcs = { .dispatch = probe_dispatch };

/* Wakes the loop from another thread every 1.37 ms, at times that fall
 * between whole milliseconds, as a window's frames and input do. */
static gpointer
waker_thread (gpointer data)
{
  GMainContext *context = data;
  gint64 end = g_get_monotonic_time () + 650 * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_usleep (1370);
      g_main_context_wakeup (context);
    }
  return NULL;
}

/* GLib hands poll() a timeout in whole milliseconds, rounded up: a source
 * that has only a ready time runs up to a millisecond after it, on a loop
 * that is free, whenever something else woke the loop in between. The
 * heartbeat must not count that as lateness of the loop. It is measured
 * against such a source in the same loop, so that a loaded machine slows
 * both alike. */
static void
test_on_time (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (5);
  g_autoptr(GSource) probe = g_source_new (&probe_funcs, sizeof (ReadyTimeProbe));
  GThread *waker;
  GArray *probe_late;
  ThawLatencyStats stats, probe_stats;

  ((ReadyTimeProbe *) probe)->lateness_ms = probe_late = g_array_new (FALSE, FALSE, sizeof (double));
  g_source_set_ready_time (probe, g_get_monotonic_time () + 3300);
  g_source_attach (probe, context);

  g_main_context_push_thread_default (context);
  thaw_heartbeat_start (heartbeat, context);
  waker = g_thread_new ("waker", waker_thread, context);
  run_for (context, 600);
  thaw_heartbeat_stop (heartbeat);
  g_thread_join (waker);
  g_main_context_pop_thread_default (context);
  g_source_destroy (probe);

  thaw_heartbeat_get_stats (heartbeat, &stats);
  g_assert_cmpuint (probe_late->len, >=, 10);
  thaw_latency_stats_compute ((const double *) (gpointer) probe_late->data, probe_late->len, &probe_stats);
  g_test_message ("on time: heartbeat p50 %.3f ms, a ready-time source p50 %.3f ms",
                  stats.p50_ms, probe_stats.p50_ms);
  /* Rounded up to the millisecond, the probe's median is about 0.5 ms; the
   * heartbeat's is what waking takes, tens of microseconds. */
  g_assert_cmpuint (stats.samples, >=, 10);
  g_assert_cmpfloat (stats.p50_ms, <, probe_stats.p50_ms - 0.2);
  g_array_unref (probe_late);
}

/* A heartbeat that rests (a slow interval) still measures a freeze that
 * starts at rest, and waking it brings the next beat forward. */
static void
test_resting_interval (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (THAW_HEARTBEAT_RESTING_INTERVAL_MS);
  g_autoptr(GSource) block = NULL;
  ThawLatencyStats stats;
  gint64 due, now;

  g_main_context_push_thread_default (context);
  thaw_heartbeat_start (heartbeat, context);
  run_for (context, 350);

  /* At rest, a few beats in 350 ms, not thirty-five. */
  thaw_heartbeat_get_stats (heartbeat, &stats);
  g_test_message ("resting: %" G_GUINT64_FORMAT " beats in 350 ms", stats.samples);
  g_assert_cmpuint (stats.samples, >=, 1);
  g_assert_cmpuint (stats.samples, <=, 4);

  /* Waking: the beat due up to 100 ms from now comes within 10 ms. */
  thaw_heartbeat_set_interval_ms (heartbeat, THAW_HEARTBEAT_INTERVAL_MS);
  now = g_get_monotonic_time ();
  due = thaw_heartbeat_get_next_due (heartbeat);
  g_assert_cmpint (due, <=, now + THAW_HEARTBEAT_INTERVAL_MS * 1000);
  g_assert_cmpuint (thaw_heartbeat_get_interval_ms (heartbeat), ==, THAW_HEARTBEAT_INTERVAL_MS);

  /* A freeze right after waking, as when a click wakes the meter and its
   * handler then holds the loop: the whole of it is measured. */
  thaw_heartbeat_reset (heartbeat);
  block = g_idle_source_new ();
  g_source_set_priority (block, G_PRIORITY_HIGH);
  g_source_set_callback (block, block_cb, NULL, NULL);
  g_source_attach (block, context);
  run_for (context, 300);
  thaw_heartbeat_stop (heartbeat);
  g_main_context_pop_thread_default (context);

  thaw_heartbeat_get_stats (heartbeat, &stats);
  g_test_message ("freeze after waking: max %.1f ms", stats.max_ms);
  /* block_cb holds the loop 200 ms, from less than 10 ms before the beat
   * was due; the bound leaves room for a loaded machine. */
  g_assert_cmpfloat (stats.max_ms, >=, 150);
  g_assert_cmpuint (stats.stalls_frame, >=, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/thaw/heartbeat/stats/known", test_stats_known);
  g_test_add_func ("/thaw/heartbeat/stats/hangs", test_stats_hangs);
  g_test_add_func ("/thaw/heartbeat/stats/small", test_stats_small);
  g_test_add_func ("/thaw/heartbeat/record-since", test_record_since);
  g_test_add_func ("/thaw/heartbeat/ring-wraps", test_ring_wraps);
  g_test_add_func ("/thaw/heartbeat/free-loop", test_free_loop);
  g_test_add_func ("/thaw/heartbeat/blocked-loop", test_blocked_loop);
  g_test_add_func ("/thaw/heartbeat/on-time", test_on_time);
  g_test_add_func ("/thaw/heartbeat/resting-interval", test_resting_interval);

  return g_test_run ();
}
