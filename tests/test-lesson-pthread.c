/* test-lesson-pthread.c — the pthread lesson: a joined worker that never
 * holds up the main loop
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   worker-result   the pthread run ends "succeeded" with every dart thrown,
 *                   a good estimate of π, and a join that waited almost
 *                   nothing, because it came after the worker was done;
 *   same-darts      the main-loop run and the pthread run throw the same
 *                   darts (the final value arrives, not a coalesced one),
 *                   and only the main-loop run holds the main loop up;
 *   stop            the flag stops the worker, the thread is joined, and a
 *                   second stop is harmless.
 */

#include "config.h"

#include <math.h>

#include "thaw-lesson.h"
#include "thaw-lesson-page.h"
#include "thaw-test-util.h"

#define N_DARTS 800000000

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
  page = thaw_lesson_page_new (thaw_lessons_find ("pthread"), fixture->heartbeat);
  fixture->lesson = thaw_lesson_page_get_lesson (THAW_LESSON_PAGE (page));
  gtk_window_set_child (GTK_WINDOW (fixture->window), page);
  gtk_window_present (GTK_WINDOW (fixture->window));
  thaw_test_iterate_for (0.2);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_object_add_weak_pointer (G_OBJECT (fixture->lesson), (gpointer *) &fixture->lesson);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_assert_null (fixture->lesson);
  thaw_test_iterate_for (0.1);
  g_assert_finalize_object (g_steal_pointer (&fixture->heartbeat));
}

static gboolean
job_ended (gpointer data)
{
  g_autoptr(JsonObject) report = thaw_test_lesson_report (data);
  const char *state = json_object_get_string_member (report, "job_state");

  return g_str_equal (state, "succeeded") || g_str_equal (state, "cancelled");
}

static void
test_worker_result (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;
  guint threads_before = thaw_test_count_threads_named ("thaw-darts");
  double pi;

  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));
  thaw_test_iterate_for (0.3);
  g_assert_cmpuint (thaw_test_count_threads_named ("thaw-darts"), ==, threads_before + 1);
  thaw_test_iterate_until (job_ended, fixture->lesson, 30 * thaw_test_time_scale ());

  report = thaw_test_lesson_report (fixture->lesson);
  pi = json_object_get_double_member (report, "pi");
  g_test_message ("pi = %.6f in %.2f s, join waited %.3f ms",
                  pi, json_object_get_double_member (report, "job_seconds"),
                  json_object_get_double_member (report, "join_wait_ms"));

  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  g_assert_cmpstr (json_object_get_string_member (report, "job_mode"), ==, "pthread");
  g_assert_cmpint (json_object_get_int_member (report, "darts"), ==, N_DARTS);
  g_assert_cmpfloat (fabs (pi - G_PI), <, 1e-3);
  g_assert_cmpfloat (json_object_get_double_member (report, "job_seconds"), >, 0);
  g_assert_cmpint (json_object_get_int_member (report, "runs"), ==, 1);

  /* The join came after the worker's last word: it waited for a thread
   * that was only returning, never for the work (which takes seconds). */
  g_assert_cmpfloat (json_object_get_double_member (report, "join_wait_ms"), >=, 0);
  g_assert_cmpfloat (json_object_get_double_member (report, "join_wait_ms"), <, 50);

  /* And the thread is gone: joined, not leaked. */
  g_assert_cmpuint (thaw_test_count_threads_named ("thaw-darts"), <=, threads_before);
}

/* How late the main loop was, at worst, since @since_us. */
static double
longest_wait_since (ThawHeartbeat *heartbeat,
                    gint64         since_us)
{
  ThawLatencyStats stats = { 0 };

  thaw_heartbeat_get_stats_since (heartbeat, since_us, &stats);
  return stats.max_ms;
}

static void
test_same_darts (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(JsonObject) blocked = NULL;
  g_autoptr(JsonObject) threaded = NULL;
  double blocked_wait, threaded_wait;
  gint64 since;

  thaw_heartbeat_start (fixture->heartbeat, NULL);
  thaw_test_iterate_for (0.2);

  /* The wrong way: the handler returns only when the job is done. */
  since = g_get_monotonic_time ();
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "block"));
  thaw_test_iterate_for (0.2);
  blocked_wait = longest_wait_since (fixture->heartbeat, since);
  blocked = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (blocked, "job_state"), ==, "succeeded");
  g_assert_cmpstr (json_object_get_string_member (blocked, "job_mode"), ==, "main-loop");

  /* The right way, started from the same seed. */
  since = g_get_monotonic_time ();
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));
  thaw_test_iterate_until (job_ended, fixture->lesson, 30 * thaw_test_time_scale ());
  thaw_test_iterate_for (0.2);
  threaded_wait = longest_wait_since (fixture->heartbeat, since);
  threaded = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (threaded, "job_state"), ==, "succeeded");

  g_test_message ("longest wait of the main loop: %.1f ms on it, %.1f ms with pthreads",
                  blocked_wait, threaded_wait);

  g_assert_cmpint (json_object_get_int_member (threaded, "darts"), ==, N_DARTS);
  g_assert_cmpint (json_object_get_int_member (threaded, "hits"), ==,
                   json_object_get_int_member (blocked, "hits"));
  g_assert_cmpint (json_object_get_int_member (threaded, "runs"), ==, 2);

  /* The job takes seconds: on the main loop that is one long wait; with the
   * worker and a join after its last word, the main loop is never held. */
  g_assert_cmpfloat (blocked_wait, >, 500);
  /* A sanitizer build does the main thread's own work between two beats
   * (the run's row, the thread's start, the join) many times slower, while
   * another test's workers take the cores: there the right way only has to
   * keep the loop waiting far less than the wrong way did. */
  g_assert_cmpfloat (threaded_wait, <,
                     thaw_test_time_scale () == 1.0 ? thaw_test_lateness_bound_ms ()
                                                    : MIN (blocked_wait / 4, 5 * thaw_test_lateness_bound_ms ()));

  thaw_heartbeat_stop (fixture->heartbeat);
}

static void
test_stop (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;
  g_autoptr(JsonObject) again = NULL;
  guint threads_before = thaw_test_count_threads_named ("thaw-darts");

  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));
  thaw_test_iterate_for (0.3);
  g_assert_cmpuint (thaw_test_count_threads_named ("thaw-darts"), ==, threads_before + 1);

  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "stop"));
  /* The flag is raised; a second press has nothing more to do. */
  thaw_lesson_activate_verb (fixture->lesson, "stop");
  thaw_test_iterate_until (job_ended, fixture->lesson, 10 * thaw_test_time_scale ());

  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "cancelled");
  g_assert_cmpint (json_object_get_int_member (report, "darts"), >, 0);
  g_assert_cmpint (json_object_get_int_member (report, "darts"), <, N_DARTS);
  g_assert_cmpint (json_object_get_int_member (report, "runs"), ==, 1);
  g_assert_cmpuint (thaw_test_count_threads_named ("thaw-darts"), <=, threads_before);

  /* Stopping with nothing running changes nothing. */
  thaw_lesson_activate_verb (fixture->lesson, "stop");
  thaw_test_iterate_for (0.1);
  again = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (again, "job_state"), ==, "cancelled");
  g_assert_cmpint (json_object_get_int_member (again, "runs"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/thaw/pthread/worker-result", Fixture, NULL,
              fixture_set_up, test_worker_result, fixture_tear_down);
  g_test_add ("/thaw/pthread/same-darts", Fixture, NULL,
              fixture_set_up, test_same_darts, fixture_tear_down);
  g_test_add ("/thaw/pthread/stop", Fixture, NULL,
              fixture_set_up, test_stop, fixture_tear_down);

  return g_test_run ();
}
