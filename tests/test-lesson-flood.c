/* test-lesson-flood.c — the flood lesson: coalescing keeps the main loop's
 * work small, and a flood stays bounded and safe
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   coalesced        a million updates reach the window in at most one idle
 *                    callback per thousand updates, never more than one
 *                    pending, and the last value is shown;
 *   paced            no idle callbacks at all, and the last value is shown;
 *   flood            one callback per update, every one of them run, never
 *                    more pending than the bound, and the run ends;
 *   close-mid-flood  closing the window with thousands of callbacks pending
 *                    leaves no thread behind, and the callbacks that run
 *                    afterwards touch nothing (ASan would see it);
 *   stop             Stop ends a flood quickly, and the app is responsive
 *                    again within a second.
 */

#include "config.h"

#include "thaw-lesson.h"
#include "thaw-lesson-page.h"
#include "thaw-test-util.h"

#define N_UPDATES 1000000
/* The lesson's bound on pending callbacks in a flood. */
#define MAX_PENDING 100000

typedef struct
{
  ThawHeartbeat *heartbeat;
  GtkWidget *window;
  ThawLesson *lesson;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *page;

  fixture->heartbeat = thaw_heartbeat_new (0);
  fixture->window = gtk_window_new ();
  page = thaw_lesson_page_new (thaw_lessons_find ("flood"), fixture->heartbeat);
  fixture->lesson = thaw_lesson_page_get_lesson (THAW_LESSON_PAGE (page));
  gtk_window_set_child (GTK_WINDOW (fixture->window), page);
  gtk_window_present (GTK_WINDOW (fixture->window));
  thaw_test_iterate_for (0.2);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->window != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (fixture->lesson), (gpointer *) &fixture->lesson);
      gtk_window_destroy (GTK_WINDOW (fixture->window));
      g_assert_null (fixture->lesson);
    }
  thaw_test_iterate_for (0.1);
  g_assert_finalize_object (g_steal_pointer (&fixture->heartbeat));
}

static gboolean
run_ended (gpointer data)
{
  g_autoptr(JsonObject) report = thaw_test_lesson_report (data);
  const char *state = json_object_get_string_member (report, "job_state");

  return g_str_equal (state, "succeeded") || g_str_equal (state, "cancelled");
}

static JsonObject *
run_to_end (ThawLesson *lesson,
            const char *verb,
            double      seconds)
{
  g_autoptr(JsonObject) report = NULL;

  g_assert_true (thaw_lesson_activate_verb (lesson, verb));
  thaw_test_iterate_until (run_ended, lesson, seconds * thaw_test_time_scale ());
  report = thaw_test_lesson_report (lesson);
  g_test_message ("%s: %" G_GINT64_FORMAT " updates, %" G_GINT64_FORMAT " dispatches, "
                  "at most %" G_GINT64_FORMAT " pending, %" G_GINT64_FORMAT " throttles, %.2f s",
                  verb,
                  json_object_get_int_member (report, "updates"),
                  json_object_get_int_member (report, "dispatches"),
                  json_object_get_int_member (report, "pending_max"),
                  json_object_get_int_member (report, "throttled"),
                  json_object_get_double_member (report, "job_seconds"));

  return g_steal_pointer (&report);
}

static void
test_coalesced (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(JsonObject) report = run_to_end (fixture->lesson, "start", 20);
  gint64 updates = json_object_get_int_member (report, "updates");

  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  g_assert_cmpstr (json_object_get_string_member (report, "mode"), ==, "coalesced");
  g_assert_cmpint (updates, ==, N_UPDATES);
  /* The invariant the lesson teaches. */
  g_assert_cmpint (json_object_get_int_member (report, "dispatches"), <=, updates / 1000);
  g_assert_cmpint (json_object_get_int_member (report, "dispatches"), >, 0);
  g_assert_cmpint (json_object_get_int_member (report, "pending_max"), ==, 1);
  /* However few the deliveries, the last value arrived. */
  g_assert_cmpint (json_object_get_int_member (report, "shown"), ==, N_UPDATES);
}

static void
test_paced (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(JsonObject) report = run_to_end (fixture->lesson, "paced", 20);

  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  g_assert_cmpstr (json_object_get_string_member (report, "mode"), ==, "paced");
  g_assert_cmpint (json_object_get_int_member (report, "updates"), ==, N_UPDATES);
  g_assert_cmpint (json_object_get_int_member (report, "dispatches"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (report, "pending_max"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (report, "shown"), ==, N_UPDATES);
}

static void
test_flood (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;

  /* A sanitizer unwinds the stack at every allocation, and a flood is a
   * million of them on the main thread: minutes, not seconds. There the
   * flood mode runs in close-mid-flood and stop; here, to its end. */
  if (thaw_test_time_scale () > 1.0)
    {
      g_test_skip ("a million sources under a sanitizer take minutes");
      return;
    }

  report = run_to_end (fixture->lesson, "flood", 60);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  g_assert_cmpstr (json_object_get_string_member (report, "mode"), ==, "flood");
  g_assert_cmpint (json_object_get_int_member (report, "updates"), ==, N_UPDATES);
  /* One callback per update, and every one of them ran before the end. */
  g_assert_cmpint (json_object_get_int_member (report, "dispatches"), ==, N_UPDATES);
  g_assert_cmpint (json_object_get_int_member (report, "shown"), ==, N_UPDATES);
  /* Bounded: the worker waited rather than pile up more. */
  g_assert_cmpint (json_object_get_int_member (report, "pending_max"), <=, MAX_PENDING);
  g_assert_cmpint (json_object_get_int_member (report, "pending_max"), >, 1);
}

static gboolean
pending_piled_up (gpointer data)
{
  g_autoptr(JsonObject) report = thaw_test_lesson_report (data);

  return json_object_get_int_member (report, "pending_max") >= 1000;
}

static void
test_close_mid_flood (Fixture       *fixture,
                      gconstpointer  data)
{
  guint threads_before = thaw_test_count_threads ();
  gint64 start;

  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "flood"));
  /* Let callbacks pile up: iterating only now and then, as a busy main
   * loop would. */
  thaw_test_iterate_until (pending_piled_up, fixture->lesson, 10 * thaw_test_time_scale ());

  g_object_add_weak_pointer (G_OBJECT (fixture->lesson), (gpointer *) &fixture->lesson);
  start = g_get_monotonic_time ();
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  fixture->window = NULL;
  g_assert_null (fixture->lesson);

  while (thaw_test_count_threads () > threads_before)
    {
      g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC * thaw_test_time_scale ());
      g_usleep (1000);
    }

  /* The pending callbacks run now, into nothing. */
  thaw_test_iterate_for (1.0);
}

static void
test_stop (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;
  ThawLatencyStats stats;
  gint64 stopped_at;

  thaw_heartbeat_start (fixture->heartbeat, NULL);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "flood"));
  thaw_test_iterate_for (1.0);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "stop"));
  stopped_at = g_get_monotonic_time ();
  thaw_test_iterate_until (run_ended, fixture->lesson, 5 * thaw_test_time_scale ());
  g_test_message ("the flood ended %.0f ms after Stop",
                  (g_get_monotonic_time () - stopped_at) / 1000.0);

  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "cancelled");
  g_assert_cmpint (json_object_get_int_member (report, "updates"), <, N_UPDATES);
  g_assert_cmpint (json_object_get_int_member (report, "dispatches"), ==,
                   json_object_get_int_member (report, "updates"));

  /* Recovered: a second after the end, the main loop is on time again. */
  thaw_test_iterate_for (0.5);
  stopped_at = g_get_monotonic_time ();
  thaw_test_iterate_for (1.0);
  thaw_heartbeat_get_stats_since (fixture->heartbeat, stopped_at, &stats);
  g_test_message ("after the flood: %" G_GUINT64_FORMAT " beats, max %.1f ms", stats.samples, stats.max_ms);
  g_assert_cmpuint (stats.samples, >, 20);
  g_assert_cmpfloat (stats.max_ms, <, thaw_test_lateness_bound_ms ());
  thaw_heartbeat_stop (fixture->heartbeat);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/thaw/flood/coalesced", Fixture, NULL, fixture_set_up, test_coalesced, fixture_tear_down);
  g_test_add ("/thaw/flood/paced", Fixture, NULL, fixture_set_up, test_paced, fixture_tear_down);
  g_test_add ("/thaw/flood/flood", Fixture, NULL, fixture_set_up, test_flood, fixture_tear_down);
  g_test_add ("/thaw/flood/close-mid-flood", Fixture, NULL, fixture_set_up, test_close_mid_flood, fixture_tear_down);
  g_test_add ("/thaw/flood/stop", Fixture, NULL, fixture_set_up, test_stop, fixture_tear_down);

  return g_test_run ();
}
