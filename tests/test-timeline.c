/* test-timeline.c — ThawTimeline: lanes, order, bounds, many threads
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "thaw-timeline.h"

static void
test_lanes_named (void)
{
  g_autoptr(ThawTimeline) timeline = thaw_timeline_new (16);
  g_autofree char *main_name = NULL;
  g_autofree char *worker_name = NULL;
  g_autofree char *missing = NULL;

  g_assert_cmpuint (thaw_timeline_get_n_lanes (timeline), ==, 0);
  g_assert_cmpuint (thaw_timeline_add_lane (timeline, "main"), ==, 0);
  g_assert_cmpuint (thaw_timeline_add_lane (timeline, "worker 1"), ==, 1);
  g_assert_cmpuint (thaw_timeline_get_n_lanes (timeline), ==, 2);

  main_name = thaw_timeline_dup_lane_name (timeline, 0);
  worker_name = thaw_timeline_dup_lane_name (timeline, 1);
  missing = thaw_timeline_dup_lane_name (timeline, 2);
  g_assert_cmpstr (main_name, ==, "main");
  g_assert_cmpstr (worker_name, ==, "worker 1");
  g_assert_null (missing);
  g_assert_cmpuint (thaw_timeline_get_capacity (timeline), ==, 16);
}

static void
test_record_in_order (void)
{
  g_autoptr(ThawTimeline) timeline = thaw_timeline_new (16);
  ThawTimelineEvent events[16];
  gint64 before = g_get_monotonic_time ();
  guint n;

  thaw_timeline_add_lane (timeline, "a");
  thaw_timeline_add_lane (timeline, "b");
  thaw_timeline_record (timeline, 0, THAW_LANE_RUNNING);
  thaw_timeline_record (timeline, 1, THAW_LANE_WAITING);
  thaw_timeline_record (timeline, 1, THAW_LANE_HOLDING);
  thaw_timeline_record (timeline, 0, THAW_LANE_FINISHED);

  n = thaw_timeline_copy_events (timeline, G_MININT64, events, G_N_ELEMENTS (events));
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpuint (events[0].lane, ==, 0);
  g_assert_cmpint (events[0].state, ==, THAW_LANE_RUNNING);
  g_assert_cmpuint (events[1].lane, ==, 1);
  g_assert_cmpint (events[1].state, ==, THAW_LANE_WAITING);
  g_assert_cmpint (events[2].state, ==, THAW_LANE_HOLDING);
  g_assert_cmpint (events[3].state, ==, THAW_LANE_FINISHED);
  g_assert_cmpint (events[0].time_us, >=, before);
  for (guint i = 1; i < n; i++)
    g_assert_cmpint (events[i].time_us, >=, events[i - 1].time_us);

  /* A small buffer receives the newest events, still oldest first. */
  n = thaw_timeline_copy_events (timeline, G_MININT64, events, 2);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (events[0].state, ==, THAW_LANE_HOLDING);
  g_assert_cmpint (events[1].state, ==, THAW_LANE_FINISHED);

  g_assert_cmpuint (thaw_timeline_copy_events (timeline, G_MININT64, NULL, 0), ==, 0);
}

static void
test_copy_since (void)
{
  g_autoptr(ThawTimeline) timeline = thaw_timeline_new (16);
  ThawTimelineEvent events[16];
  gint64 middle;
  guint n;

  thaw_timeline_add_lane (timeline, "a");
  thaw_timeline_record (timeline, 0, THAW_LANE_RUNNING);
  thaw_timeline_record (timeline, 0, THAW_LANE_SLEEPING);
  g_usleep (2000);
  middle = g_get_monotonic_time ();
  g_usleep (2000);
  thaw_timeline_record (timeline, 0, THAW_LANE_RUNNING);
  thaw_timeline_record (timeline, 0, THAW_LANE_FINISHED);

  n = thaw_timeline_copy_events (timeline, middle, events, G_N_ELEMENTS (events));
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (events[0].state, ==, THAW_LANE_RUNNING);
  g_assert_cmpint (events[0].time_us, >=, middle);
  g_assert_cmpint (events[1].state, ==, THAW_LANE_FINISHED);

  n = thaw_timeline_copy_events (timeline, g_get_monotonic_time () + 1, events, G_N_ELEMENTS (events));
  g_assert_cmpuint (n, ==, 0);
}

static void
test_bounded_drops_oldest (void)
{
  g_autoptr(ThawTimeline) timeline = thaw_timeline_new (8);
  ThawTimelineEvent events[32];
  guint n;

  for (guint i = 0; i < 20; i++)
    thaw_timeline_add_lane (timeline, "lane");
  /* 20 events into room for 8: lanes 12 to 19 remain. */
  for (guint i = 0; i < 20; i++)
    thaw_timeline_record (timeline, i, THAW_LANE_RUNNING);

  n = thaw_timeline_copy_events (timeline, G_MININT64, events, G_N_ELEMENTS (events));
  g_assert_cmpuint (n, ==, 8);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (events[i].lane, ==, 12 + i);
}

/* The run's start outlives its first event, until the timeline is cleared. */
static void
test_start_kept (void)
{
  g_autoptr(ThawTimeline) timeline = thaw_timeline_new (4);
  ThawTimelineEvent first, events[4];
  gint64 before = g_get_monotonic_time ();

  g_assert_cmpint (thaw_timeline_get_start (timeline), ==, 0);
  thaw_timeline_add_lane (timeline, "lane");
  thaw_timeline_record (timeline, 0, THAW_LANE_RUNNING);
  g_assert_cmpuint (thaw_timeline_copy_events (timeline, G_MININT64, &first, 1), ==, 1);
  g_assert_cmpint (first.time_us, >=, before);
  g_usleep (2000);
  for (guint i = 0; i < 10; i++)
    thaw_timeline_record (timeline, 0, THAW_LANE_WAITING);

  g_assert_cmpuint (thaw_timeline_copy_events (timeline, G_MININT64, events, 4), ==, 4);
  g_assert_cmpint (events[0].time_us, >, first.time_us);
  g_assert_cmpint (thaw_timeline_get_start (timeline), ==, first.time_us);

  thaw_timeline_clear (timeline);
  g_assert_cmpint (thaw_timeline_get_start (timeline), ==, 0);
}

static void
test_clear (void)
{
  g_autoptr(ThawTimeline) timeline = thaw_timeline_new (8);
  ThawTimelineEvent events[8];

  thaw_timeline_add_lane (timeline, "a");
  thaw_timeline_record (timeline, 0, THAW_LANE_RUNNING);
  thaw_timeline_clear (timeline);

  g_assert_cmpuint (thaw_timeline_get_n_lanes (timeline), ==, 0);
  g_assert_cmpuint (thaw_timeline_copy_events (timeline, G_MININT64, events, 8), ==, 0);

  /* A straggler recording for a lane that is gone changes nothing. */
  thaw_timeline_record (timeline, 0, THAW_LANE_FINISHED);
  g_assert_cmpuint (thaw_timeline_copy_events (timeline, G_MININT64, events, 8), ==, 0);

  g_assert_cmpuint (thaw_timeline_add_lane (timeline, "b"), ==, 0);
  thaw_timeline_record (timeline, 0, THAW_LANE_WAITING);
  g_assert_cmpuint (thaw_timeline_copy_events (timeline, G_MININT64, events, 8), ==, 1);
}

#define N_THREADS 6
#define N_RECORDS 5000

typedef struct
{
  ThawTimeline *timeline;
  guint lane;
} Recorder;

static gpointer
record_thread (gpointer data)
{
  Recorder *recorder = data;

  for (guint i = 0; i < N_RECORDS; i++)
    thaw_timeline_record (recorder->timeline, recorder->lane,
                          i + 1 == N_RECORDS ? THAW_LANE_FINISHED : (ThawLaneState) (i % 4));

  return NULL;
}

/* Several threads record while the main thread reads, as in a lesson. */
static void
test_threads (void)
{
  guint capacity = N_THREADS * N_RECORDS;
  g_autoptr(ThawTimeline) timeline = thaw_timeline_new (capacity);
  g_autofree ThawTimelineEvent *events = g_new (ThawTimelineEvent, capacity);
  Recorder recorders[N_THREADS];
  GThread *threads[N_THREADS];
  guint per_lane[N_THREADS] = { 0 };
  guint finished = 0;
  guint n;

  for (guint i = 0; i < N_THREADS; i++)
    {
      g_autofree char *name = g_strdup_printf ("worker %u", i + 1);

      recorders[i].timeline = timeline;
      recorders[i].lane = thaw_timeline_add_lane (timeline, name);
      threads[i] = g_thread_new (name, record_thread, &recorders[i]);
    }

  /* Read while they write: every copy is in time order. */
  for (guint round = 0; round < 50; round++)
    {
      n = thaw_timeline_copy_events (timeline, G_MININT64, events, capacity);
      for (guint i = 1; i < n; i++)
        g_assert_cmpint (events[i].time_us, >=, events[i - 1].time_us);
      g_thread_yield ();
    }

  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);

  n = thaw_timeline_copy_events (timeline, G_MININT64, events, capacity);
  g_assert_cmpuint (n, ==, capacity);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (events[i].lane, <, N_THREADS);
      per_lane[events[i].lane]++;
      if (events[i].state == THAW_LANE_FINISHED)
        finished++;
      if (i > 0)
        g_assert_cmpint (events[i].time_us, >=, events[i - 1].time_us);
    }
  for (guint i = 0; i < N_THREADS; i++)
    g_assert_cmpuint (per_lane[i], ==, N_RECORDS);
  g_assert_cmpuint (finished, ==, N_THREADS);
}

static gpointer
unref_thread (gpointer data)
{
  ThawTimeline *timeline = data;

  thaw_timeline_record (timeline, 0, THAW_LANE_FINISHED);
  thaw_timeline_unref (timeline);

  return NULL;
}

/* The last reference may be dropped by a worker. */
static void
test_unref_on_worker (void)
{
  ThawTimeline *timeline = thaw_timeline_new (0);
  GThread *thread;

  g_assert_cmpuint (thaw_timeline_get_capacity (timeline), ==, 4096);
  thaw_timeline_add_lane (timeline, "worker");
  thread = g_thread_new ("unref", unref_thread, thaw_timeline_ref (timeline));
  thaw_timeline_unref (timeline);
  g_thread_join (thread);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/thaw/timeline/lanes-named", test_lanes_named);
  g_test_add_func ("/thaw/timeline/record-in-order", test_record_in_order);
  g_test_add_func ("/thaw/timeline/copy-since", test_copy_since);
  g_test_add_func ("/thaw/timeline/start-kept", test_start_kept);
  g_test_add_func ("/thaw/timeline/bounded-drops-oldest", test_bounded_drops_oldest);
  g_test_add_func ("/thaw/timeline/clear", test_clear);
  g_test_add_func ("/thaw/timeline/threads", test_threads);
  g_test_add_func ("/thaw/timeline/unref-on-worker", test_unref_on_worker);

  return g_test_run ();
}
