/* test-lesson-timeout.c — what the timeout lesson teaches, checked
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   timeout-before-end     the waiter's timeout is reported while the job
 *                          still runs, the main loop never waits, and the
 *                          job then finishes on its own: a timeout ends the
 *                          wait, not the job;
 *   keep-waiting           each answer is one more timed wait;
 *   stop-after-timeout     stopping after a timeout ends the job early and
 *                          joins both threads;
 *   block-freezes          the same waits on the main loop freeze it for the
 *                          whole job.
 */

#include "config.h"

#include "thaw-lesson.h"
#include "thaw-lesson-page.h"
#include "thaw-test-util.h"

/* The lesson's thread names, as g_thread_new() gave them. */
#define WAITER_THREAD "thaw-waiter"
#define JOB_THREAD "thaw-slow-job"

typedef struct
{
  ThawHeartbeat *heartbeat;
  GtkWidget *window;
  ThawLesson *lesson;
} Fixture;

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

/* A joined thread leaves /proc a moment after g_thread_join() returns. */
static void
assert_no_lesson_threads (void)
{
  gint64 deadline = g_get_monotonic_time () + G_USEC_PER_SEC / 2;

  while (thaw_test_count_threads_named (WAITER_THREAD) + thaw_test_count_threads_named (JOB_THREAD) > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
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
is_over (JsonObject *report)
{
  const char *state = json_object_get_string_member (report, "job_state");

  return !g_str_equal (state, "running") && !g_str_equal (state, "idle");
}

static gboolean
is_asking (JsonObject *report)
{
  return json_object_get_boolean_member (report, "asking");
}

/* Runs the main loop until @done says so, and returns the report then. */
static JsonObject *
iterate_until (ThawLesson *lesson,
               gboolean  (*done) (JsonObject *),
               double      seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * thaw_test_time_scale () * G_USEC_PER_SEC);

  for (;;)
    {
      g_autoptr(JsonObject) report = thaw_test_lesson_report (lesson);

      if (done (report))
        return g_steal_pointer (&report);

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
  page = thaw_lesson_page_new (thaw_lessons_find ("timeout"), fixture->heartbeat);
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

static double
max_lateness_since (Fixture *fixture,
                    gint64   since)
{
  ThawLatencyStats stats = { 0 };

  wait_for_next_beat (fixture->heartbeat);
  thaw_heartbeat_get_stats_since (fixture->heartbeat, since, &stats);
  return stats.max_ms;
}

static void
test_timeout_before_end (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(JsonObject) asking = NULL;
  g_autoptr(JsonObject) done = NULL;
  gint64 started_at = g_get_monotonic_time ();
  double lateness_ms;

  /* The question is asked from 0.5 s until the job ends: a slow build
   * gets a longer job to see it in (the ASan CI run, beside other tests,
   * once missed it in the 1.5 s of a 2 s job). */
  g_object_set (fixture->lesson,
                "job-length", MIN (2.0 * thaw_test_time_scale (), 10.0),
                "timeout", 0.5,
                NULL);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));

  /* The waiter's news arrives while the job is still at it... */
  asking = iterate_until (fixture->lesson, is_asking, 5);
  g_assert_cmpstr (json_object_get_string_member (asking, "job_state"), ==, "running");
  g_assert_cmpint (json_object_get_int_member (asking, "timeouts_hit"), ==, 1);
  g_assert_cmpuint (thaw_test_count_threads_named (WAITER_THREAD), ==, 1);
  g_assert_cmpuint (thaw_test_count_threads_named (JOB_THREAD), ==, 1);

  /* ...and nobody answers: the job finishes anyway. */
  done = iterate_until (fixture->lesson, is_over, 10);
  g_test_message ("timeout after %.3f s, job done after %.3f s",
                  json_object_get_double_member (done, "first_timeout_seconds"),
                  json_object_get_double_member (done, "job_seconds"));
  g_assert_cmpstr (json_object_get_string_member (done, "job_state"), ==, "succeeded");
  g_assert_cmpint (json_object_get_int_member (done, "timeouts_hit"), ==, 1);
  g_assert_cmpfloat (json_object_get_double_member (done, "timeout_seconds"), ==, 0.5);
  g_assert_cmpfloat (json_object_get_double_member (done, "first_timeout_seconds"), >=, 0.5);
  g_assert_cmpfloat (json_object_get_double_member (done, "first_timeout_seconds"), <,
                     json_object_get_double_member (done, "job_seconds"));
  g_assert_cmpfloat (json_object_get_double_member (done, "job_seconds"), >=, 2.0);
  g_assert_false (is_asking (done));
  assert_no_lesson_threads ();

  /* All that waiting, and the main loop never waited. */
  lateness_ms = max_lateness_since (fixture, started_at);
  g_test_message ("main loop late by %.1f ms at most", lateness_ms);
  g_assert_cmpfloat (lateness_ms, <, thaw_test_lateness_bound_ms ());
}

static void
test_keep_waiting (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(JsonObject) done = NULL;
  guint answers = 0;

  /* A slow build answers slowly: give it a longer job, not fewer waits. */
  g_object_set (fixture->lesson,
                "job-length", MIN (2.0 * thaw_test_time_scale (), 10.0),
                "timeout", 0.4,
                NULL);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));

  /* Answer "keep waiting" every time the lesson asks, until it is over. */
  for (gint64 deadline = g_get_monotonic_time () + 10 * thaw_test_time_scale () * G_USEC_PER_SEC;;)
    {
      g_autoptr(JsonObject) report = thaw_test_lesson_report (fixture->lesson);

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (is_over (report))
        {
          done = g_steal_pointer (&report);
          break;
        }

      if (is_asking (report))
        {
          g_assert_cmpint (json_object_get_int_member (report, "timeouts_hit"), ==, answers + 1);
          g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "keep-waiting"));
          answers++;
        }

      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  /* Timeouts at about 0.4, 0.8, 1.2 and 1.6 s of a 2 s job, each after an
   * answer but the first. The last one may come so close to the end that
   * the job is over before anyone could answer it: never more than one
   * timeout without an answer. */
  g_test_message ("%u answers, %" G_GINT64_FORMAT " timeouts", answers,
                  json_object_get_int_member (done, "timeouts_hit"));
  g_assert_cmpstr (json_object_get_string_member (done, "job_state"), ==, "succeeded");
  g_assert_cmpuint (answers, >=, 3);
  g_assert_cmpint (json_object_get_int_member (done, "timeouts_hit"), >=, answers);
  g_assert_cmpint (json_object_get_int_member (done, "timeouts_hit"), <=, answers + 1);
}

static void
test_stop_after_timeout (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(JsonObject) asking = NULL;
  g_autoptr(JsonObject) done = NULL;
  gint64 stopped_at;

  g_object_set (fixture->lesson, "job-length", 10.0, "timeout", 0.3, NULL);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));

  asking = iterate_until (fixture->lesson, is_asking, 5);
  g_assert_cmpstr (json_object_get_string_member (asking, "job_state"), ==, "running");

  stopped_at = g_get_monotonic_time ();
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "stop"));
  done = iterate_until (fixture->lesson, is_over, 2);
  g_test_message ("stopped and joined in %.1f ms", (g_get_monotonic_time () - stopped_at) / 1000.0);

  g_assert_cmpstr (json_object_get_string_member (done, "job_state"), ==, "cancelled");
  g_assert_cmpint (json_object_get_int_member (done, "timeouts_hit"), ==, 1);
  g_assert_cmpfloat (json_object_get_double_member (done, "job_seconds"), <, 5.0);
  /* Both threads were joined: the waiter joined the job, the main thread
   * the waiter. */
  assert_no_lesson_threads ();

  /* Stopping again, with nothing running, changes nothing. */
  thaw_lesson_activate_verb (fixture->lesson, "stop");
  thaw_lesson_activate_verb (fixture->lesson, "keep-waiting");
  g_clear_pointer (&done, json_object_unref);
  done = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (done, "job_state"), ==, "cancelled");
}

static void
test_block_freezes (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(JsonObject) done = NULL;
  gint64 started_at = g_get_monotonic_time ();
  double lateness_ms;

  g_object_set (fixture->lesson, "job-length", 1.0, "timeout", 0.3, NULL);

  /* The handler returns only when the job is over. */
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "block"));
  done = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (done, "job_state"), ==, "succeeded");
  g_assert_cmpstr (json_object_get_string_member (done, "job_mode"), ==, "main-loop");
  g_assert_cmpint (json_object_get_int_member (done, "timeouts_hit"), >=, 3);

  /* Timeouts or not, the main loop waited for the whole job. */
  lateness_ms = max_lateness_since (fixture, started_at);
  g_test_message ("main loop late by %.1f ms", lateness_ms);
  g_assert_cmpfloat (lateness_ms, >=, 900);
  assert_no_lesson_threads ();
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/thaw/timeout/timeout-before-end", Fixture, NULL,
              fixture_set_up, test_timeout_before_end, fixture_tear_down);
  g_test_add ("/thaw/timeout/keep-waiting", Fixture, NULL,
              fixture_set_up, test_keep_waiting, fixture_tear_down);
  g_test_add ("/thaw/timeout/stop-after-timeout", Fixture, NULL,
              fixture_set_up, test_stop_after_timeout, fixture_tear_down);
  g_test_add ("/thaw/timeout/block-freezes", Fixture, NULL,
              fixture_set_up, test_block_freezes, fixture_tear_down);

  return g_test_run ();
}
