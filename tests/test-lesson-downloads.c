/* test-lesson-downloads.c — what the downloads lesson teaches, checked
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   faster-at-once   with three or more downloads, all at once takes less
 *                    than 60 % of one after another, and both finish every
 *                    download; all at once really uses one thread per
 *                    download, one after another really uses one thread;
 *   responsive       neither worker run makes the main loop wait, while the
 *                    same downloads on the main loop freeze it;
 *   stop             Stop ends a run early and leaves no thread behind.
 */

#include "config.h"

#include "thaw-lesson.h"
#include "thaw-lesson-page.h"
#include "thaw-test-util.h"

typedef struct
{
  ThawHeartbeat *heartbeat;
  GtkWidget *window;
  ThawLesson *lesson;
} Fixture;

/* The lesson's thread names, as g_thread_new() gave them. */
#define RUN_THREAD "thaw-downloads"
#define DOWNLOAD_THREAD "thaw-download"

/* A joined thread leaves /proc a moment after g_thread_join() returns. */
static void
assert_no_lesson_threads (void)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (G_USEC_PER_SEC * thaw_test_time_scale ());

  while (thaw_test_count_threads_named (RUN_THREAD) + thaw_test_count_threads_named (DOWNLOAD_THREAD) > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }
}

static void
iterate_for (double seconds)
{
  gint64 until = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Runs the main loop until the heartbeat has beaten again: a beat that was
 * kept waiting runs only once the main loop is free, and maybe after the
 * redraw that was kept waiting too. */
static void
wait_for_next_beat (ThawHeartbeat *heartbeat)
{
  gint64 now = g_get_monotonic_time ();
  gint64 deadline = now + 5 * G_USEC_PER_SEC;
  ThawHeartbeatSample sample;

  while (thaw_heartbeat_copy_recent (heartbeat, now, &sample, 1) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
run_is_over (ThawLesson *lesson)
{
  g_autoptr(JsonObject) report = thaw_test_lesson_report (lesson);
  const char *state = json_object_get_string_member (report, "job_state");

  return !g_str_equal (state, "running") && !g_str_equal (state, "idle");
}

static void
wait_for_end (ThawLesson *lesson,
              double      seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (!run_is_over (lesson))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *page;

  fixture->heartbeat = thaw_heartbeat_new (0);
  thaw_heartbeat_start (fixture->heartbeat, NULL);
  fixture->window = gtk_window_new ();
  page = thaw_lesson_page_new (thaw_lessons_find ("downloads"), fixture->heartbeat);
  fixture->lesson = thaw_lesson_page_get_lesson (THAW_LESSON_PAGE (page));
  gtk_window_set_child (GTK_WINDOW (fixture->window), page);
  gtk_window_present (GTK_WINDOW (fixture->window));
  iterate_for (0.3);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_object_add_weak_pointer (G_OBJECT (fixture->lesson), (gpointer *) &fixture->lesson);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_assert_null (fixture->lesson);
  assert_no_lesson_threads ();

  thaw_heartbeat_stop (fixture->heartbeat);
  iterate_for (0.1);
  g_assert_finalize_object (fixture->heartbeat);
}

/* Runs one verb to its end and returns the record of that run. */
static JsonObject *
run_to_end (Fixture    *fixture,
            const char *verb,
            int         expected_download_threads,
            double     *max_lateness_ms)
{
  g_autoptr(JsonObject) report = NULL;
  ThawLatencyStats stats = { 0 };
  gint64 started_at = g_get_monotonic_time ();
  JsonArray *runs;

  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, verb));

  /* Which threads do the downloading, counted in the middle of the run. */
  if (expected_download_threads >= 0)
    {
      iterate_for (0.4);
      g_assert_cmpuint (thaw_test_count_threads_named (RUN_THREAD), ==, 1);
      g_assert_cmpuint (thaw_test_count_threads_named (DOWNLOAD_THREAD), ==, expected_download_threads);
    }

  wait_for_end (fixture->lesson, 30 * thaw_test_time_scale ());
  wait_for_next_beat (fixture->heartbeat);
  thaw_heartbeat_get_stats_since (fixture->heartbeat, started_at, &stats);
  *max_lateness_ms = stats.max_ms;

  /* "All finished" means every thread was joined. */
  assert_no_lesson_threads ();

  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  runs = json_object_get_array_member (report, "run_list");
  g_assert_cmpuint (json_array_get_length (runs), >, 0);

  return json_object_ref (json_array_get_object_element (runs, json_array_get_length (runs) - 1));
}

static void
assert_complete (JsonObject *run,
                 const char *mode,
                 guint       n_downloads,
                 double      seconds_each)
{
  g_assert_cmpstr (json_object_get_string_member (run, "mode"), ==, mode);
  g_assert_cmpstr (json_object_get_string_member (run, "state"), ==, "succeeded");
  g_assert_cmpint (json_object_get_int_member (run, "downloads"), ==, n_downloads);
  g_assert_cmpint (json_object_get_int_member (run, "completed"), ==, n_downloads);
  /* Every download really waited its time, whichever way they ran. */
  g_assert_cmpfloat (json_object_get_double_member (run, "waiting_seconds"), >=,
                     0.99 * n_downloads * seconds_each);
}

static void
test_faster_at_once (Fixture       *fixture,
                     gconstpointer  data)
{
  const guint n_downloads = 3;
  const double seconds_each = 1.0;
  g_autoptr(JsonObject) sequential = NULL;
  g_autoptr(JsonObject) concurrent = NULL;
  g_autoptr(JsonObject) report = NULL;
  double sequential_s, concurrent_s, lateness_ms;

  g_object_set (fixture->lesson, "downloads", n_downloads, "seconds-each", seconds_each, NULL);

  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_true (json_object_get_null_member (report, "sequential_seconds"));
  g_assert_true (json_object_get_null_member (report, "concurrent_seconds"));
  g_clear_pointer (&report, json_object_unref);

  /* One run thread that downloads in turn; then a run thread that starts
   * one thread per download. */
  sequential = run_to_end (fixture, "sequential", 0, &lateness_ms);
  concurrent = run_to_end (fixture, "start", n_downloads, &lateness_ms);

  assert_complete (sequential, "one-after-another", n_downloads, seconds_each);
  assert_complete (concurrent, "all-at-once", n_downloads, seconds_each);

  sequential_s = json_object_get_double_member (sequential, "seconds");
  concurrent_s = json_object_get_double_member (concurrent, "seconds");
  g_test_message ("%u x %.1f s: one after another %.3f s, all at once %.3f s (%.0f %%)",
                  n_downloads, seconds_each, sequential_s, concurrent_s,
                  100 * concurrent_s / sequential_s);

  /* Waiting in turn adds up; waiting together overlaps. */
  g_assert_cmpfloat (sequential_s, >=, 0.99 * n_downloads * seconds_each);
  g_assert_cmpfloat (concurrent_s, >=, 0.99 * seconds_each);
  g_assert_cmpfloat (concurrent_s, <, 0.6 * sequential_s);

  /* The report's side-by-side figures are these two runs. */
  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpint (json_object_get_int_member (report, "downloads"), ==, n_downloads);
  g_assert_cmpfloat (json_object_get_double_member (report, "sequential_seconds"), ==, sequential_s);
  g_assert_cmpfloat (json_object_get_double_member (report, "concurrent_seconds"), ==, concurrent_s);
}

static void
test_responsive (Fixture       *fixture,
                 gconstpointer  data)
{
  const guint n_downloads = 3;
  const double seconds_each = 0.5;
  g_autoptr(JsonObject) sequential = NULL;
  g_autoptr(JsonObject) concurrent = NULL;
  g_autoptr(JsonObject) blocked = NULL;
  double lateness_ms;

  g_object_set (fixture->lesson, "downloads", n_downloads, "seconds-each", seconds_each, NULL);

  sequential = run_to_end (fixture, "sequential", -1, &lateness_ms);
  g_test_message ("one after another on a worker: main loop late by %.1f ms at most", lateness_ms);
  g_assert_cmpfloat (lateness_ms, <, thaw_test_lateness_bound_ms ());

  concurrent = run_to_end (fixture, "start", -1, &lateness_ms);
  g_test_message ("all at once: main loop late by %.1f ms at most", lateness_ms);
  g_assert_cmpfloat (lateness_ms, <, thaw_test_lateness_bound_ms ());

  /* The wrong way: the whole sum of the waits is one frozen main loop. */
  blocked = run_to_end (fixture, "block", -1, &lateness_ms);
  g_test_message ("on the main loop: main loop late by %.1f ms at most", lateness_ms);
  assert_complete (blocked, "main-loop", n_downloads, seconds_each);
  g_assert_cmpfloat (lateness_ms, >=, 0.9 * n_downloads * seconds_each * 1000);
}

static void
test_stop (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;
  JsonArray *runs;
  JsonObject *run;
  gint64 stopped_at;

  g_object_set (fixture->lesson, "downloads", 5, "seconds-each", 3.0, NULL);

  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));
  iterate_for (0.5);
  g_assert_cmpuint (thaw_test_count_threads_named (DOWNLOAD_THREAD), ==, 5);

  stopped_at = g_get_monotonic_time ();
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "stop"));
  wait_for_end (fixture->lesson, 10 * thaw_test_time_scale ());
  g_test_message ("stopped in %.1f ms", (g_get_monotonic_time () - stopped_at) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - stopped_at, <, G_USEC_PER_SEC * thaw_test_time_scale ());
  assert_no_lesson_threads ();

  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "cancelled");
  /* A stopped run is no total to compare. */
  g_assert_true (json_object_get_null_member (report, "concurrent_seconds"));
  runs = json_object_get_array_member (report, "run_list");
  g_assert_cmpuint (json_array_get_length (runs), ==, 1);
  run = json_array_get_object_element (runs, 0);
  g_assert_cmpstr (json_object_get_string_member (run, "state"), ==, "cancelled");
  g_assert_cmpint (json_object_get_int_member (run, "completed"), ==, 0);
  g_assert_cmpfloat (json_object_get_double_member (run, "seconds"), <, 3.0);

  /* Stopping again, with nothing running, changes nothing. */
  thaw_lesson_activate_verb (fixture->lesson, "stop");
  g_clear_pointer (&report, json_object_unref);
  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "cancelled");
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/thaw/downloads/faster-at-once", Fixture, NULL,
              fixture_set_up, test_faster_at_once, fixture_tear_down);
  g_test_add ("/thaw/downloads/responsive", Fixture, NULL,
              fixture_set_up, test_responsive, fixture_tear_down);
  g_test_add ("/thaw/downloads/stop", Fixture, NULL,
              fixture_set_up, test_stop, fixture_tear_down);

  return g_test_run ();
}
