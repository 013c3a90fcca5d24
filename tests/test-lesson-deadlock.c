/* test-lesson-deadlock.c — the deadlock lesson: found, broken, prevented
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   detected        opposite lock orders with the default delay deadlock;
 *                   the watchdog finds the cycle and the run recovers within
 *                   two seconds, both transfers done, no money lost, no
 *                   thread left behind; the graph then says when the cycle
 *                   was found and undone, as the run measured them;
 *   ordered-never   the same lock order never reports a deadlock, over 200
 *                   runs without a delay and a few with one;
 *   fast-opposite   opposite orders without a delay deadlock now and then,
 *                   and every run still ends with both transfers done;
 *   stop            Stop during the deadlock ends the run at once;
 *   scheduler       Be the Scheduler: A takes its first lock, B its first,
 *                   A tries its second, B its second: both blocked on the
 *                   same line, the cycle reported and in the headline;
 *                   New Threads ends the deadlock and leaves two fresh
 *                   threads; with the same lock order the same clicks
 *                   block B on account 1 until A is done, and both go
 *                   through with all the money;
 *   random          a thousand random schedules: some deadlock with
 *                   opposite orders, none with the same order;
 *   no-watchdog     the wrong way for good, in a child process: both
 *                   transfers and the main thread asleep in futex waits;
 *                   Thaw judges the child hung, ends it with SIGKILL, and
 *                   no process is left;
 *   no-watchdog-stop  Stop during that run ends the child at once.
 */

#include "config.h"

#include <signal.h>

#include "thaw-lesson.h"
#include "thaw-lesson-page.h"
#include "thaw-test-util.h"
#include "thaw-thread-timeline.h"

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
  page = thaw_lesson_page_new (thaw_lessons_find ("deadlock"), fixture->heartbeat);
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

  return !g_str_equal (json_object_get_string_member (report, "job_state"), "running");
}

static JsonObject *
run_verb (ThawLesson *lesson,
          const char *verb)
{
  g_assert_true (thaw_lesson_activate_verb (lesson, verb));
  thaw_test_iterate_until (job_ended, lesson, 30 * thaw_test_time_scale ());

  return thaw_test_lesson_report (lesson);
}

static void
assert_both_transfers_done (JsonObject *report)
{
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  g_assert_cmpint (json_object_get_int_member (report, "transfers_done"), ==, 2);
  /* Each transfer moved money under both locks: none appeared or vanished. */
  g_assert_cmpint (json_object_get_int_member (report, "total_money"), ==, 200);
}

static ThawTimeline *
find_timeline (GtkWidget *widget)
{
  if (THAW_IS_THREAD_TIMELINE (widget))
    return thaw_thread_timeline_get_timeline (THAW_THREAD_TIMELINE (widget));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      ThawTimeline *timeline = find_timeline (child);

      if (timeline != NULL)
        return timeline;
    }

  return NULL;
}

/* The text of the visible label that starts with @prefix, or NULL. */
static const char *
find_label_text (GtkWidget  *widget,
                 const char *prefix)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
      g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), prefix))
    return gtk_label_get_text (GTK_LABEL (widget));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *text = find_label_text (child, prefix);

      if (text != NULL)
        return text;
    }

  return NULL;
}

/* How long both transfers were waiting at the same time, in the lanes. */
static double
both_waiting_ms (ThawLesson *lesson)
{
  ThawTimeline *timeline = find_timeline (GTK_WIDGET (lesson));
  guint capacity = thaw_timeline_get_capacity (timeline);
  g_autofree ThawTimelineEvent *events = g_new (ThawTimelineEvent, capacity);
  ThawLaneState state[2] = { THAW_LANE_FINISHED, THAW_LANE_FINISHED };
  gint64 since = 0, total = 0;
  guint n;

  g_assert_cmpuint (thaw_timeline_get_n_lanes (timeline), ==, 3);
  n = thaw_timeline_copy_events (timeline, G_MININT64, events, capacity);
  for (guint i = 0; i < n; i++)
    {
      gboolean before = state[0] == THAW_LANE_WAITING && state[1] == THAW_LANE_WAITING;
      gboolean after;

      if (events[i].lane >= 2)
        continue;
      state[events[i].lane] = events[i].state;
      after = state[0] == THAW_LANE_WAITING && state[1] == THAW_LANE_WAITING;
      if (!before && after)
        since = events[i].time_us;
      else if (before && !after)
        total += events[i].time_us - since;
    }

  return total / 1000.0;
}

static void
test_detected (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;
  g_autofree char *times = NULL;
  guint threads_before = thaw_test_count_threads ();
  gint64 started = g_get_monotonic_time ();
  double seconds, found_at_ms, undone_at_ms;

  g_assert_null (find_label_text (GTK_WIDGET (fixture->lesson), "Cycle found"));
  report = run_verb (fixture->lesson, "start");
  seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;

  g_test_message ("deadlock found after %.1f ms, broken after %.1f ms, run %.0f ms, both waiting %.0f ms",
                  json_object_get_double_member (report, "detect_ms"),
                  json_object_get_double_member (report, "recover_ms"),
                  json_object_get_double_member (report, "run_ms"),
                  both_waiting_ms (fixture->lesson));

  assert_both_transfers_done (report);
  g_assert_cmpstr (json_object_get_string_member (report, "lock_order"), ==, "opposite");
  g_assert_cmpint (json_object_get_int_member (report, "delay_ms"), ==, 800);
  g_assert_true (json_object_get_boolean_member (report, "detected_deadlock"));
  g_assert_cmpint (json_object_get_int_member (report, "deadlocks_detected"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (report, "backoffs"), ==, 1);

  /* Found and broken within two seconds of forming. */
  g_assert_cmpfloat (json_object_get_double_member (report, "detect_ms"), >=, 0);
  g_assert_cmpfloat (json_object_get_double_member (report, "detect_ms"), <, 2000);
  g_assert_cmpfloat (json_object_get_double_member (report, "recover_ms"), >=,
                     json_object_get_double_member (report, "detect_ms"));
  g_assert_cmpfloat (json_object_get_double_member (report, "recover_ms"), <, 2000);

  /* When, from the run's start: not before each thread held its first
   * lock for the delay, not after the run; undone after found. The graph
   * says so over the cycle, which it no longer draws in red. */
  found_at_ms = json_object_get_double_member (report, "found_at_ms");
  undone_at_ms = json_object_get_double_member (report, "undone_at_ms");
  g_assert_cmpfloat (found_at_ms, >=, 800);
  g_assert_cmpfloat (undone_at_ms, >=, found_at_ms);
  g_assert_cmpfloat (undone_at_ms, <=, json_object_get_double_member (report, "run_ms"));
  times = g_strdup_printf ("Cycle found at %.3f s, undone at %.3f s", found_at_ms / 1000, undone_at_ms / 1000);
  g_assert_cmpstr (find_label_text (GTK_WIDGET (fixture->lesson), "Cycle found"), ==, times);

  /* The deadlock really happened: both threads were stuck at once. */
  g_assert_cmpfloat (both_waiting_ms (fixture->lesson), >, 0);

  /* Two delays, a watchdog period and the back-off: well under 4 s. */
  g_assert_cmpfloat (seconds, <, 4 * thaw_test_time_scale ());

  thaw_test_iterate_for (0.1);
  g_assert_cmpuint (thaw_test_count_threads (), <=, threads_before);
}

static void
test_ordered_never (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;

  g_object_set (fixture->lesson, "delay-ms", 0, NULL);
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(JsonObject) run = run_verb (fixture->lesson, "ordered");

      assert_both_transfers_done (run);
      g_assert_false (json_object_get_boolean_member (run, "detected_deadlock"));
    }

  /* With a delay, the second thread waits the whole delay for the first
   * lock, and still no cycle. */
  g_object_set (fixture->lesson, "delay-ms", 100, NULL);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonObject) run = run_verb (fixture->lesson, "ordered");

      assert_both_transfers_done (run);
      g_assert_false (json_object_get_boolean_member (run, "detected_deadlock"));
      g_assert_cmpfloat (json_object_get_double_member (run, "run_ms"), >=, 200);
    }

  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (report, "lock_order"), ==, "ordered");
  g_assert_cmpint (json_object_get_int_member (report, "ordered_runs"), ==, 203);
  g_assert_cmpint (json_object_get_int_member (report, "ordered_deadlocks"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (report, "deadlocks_detected"), ==, 0);
}

static void
test_fast_opposite (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;
  gint64 deadlocks;

  g_object_set (fixture->lesson, "delay-ms", 0, NULL);
  for (guint i = 0; i < 30; i++)
    {
      g_autoptr(JsonObject) run = run_verb (fixture->lesson, "start");

      assert_both_transfers_done (run);
      if (json_object_get_boolean_member (run, "detected_deadlock"))
        g_assert_cmpfloat (json_object_get_double_member (run, "recover_ms"), <, 2000);
    }

  report = thaw_test_lesson_report (fixture->lesson);
  deadlocks = json_object_get_int_member (report, "deadlocks_detected");
  g_test_message ("without a delay, %" G_GINT64_FORMAT " of 30 runs deadlocked", deadlocks);
  g_assert_cmpint (json_object_get_int_member (report, "ordered_runs"), ==, 0);

  /* A few milliseconds are enough for both to hold their first lock. */
  g_object_set (fixture->lesson, "delay-ms", 5, NULL);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(JsonObject) run = run_verb (fixture->lesson, "start");

      assert_both_transfers_done (run);
    }
  g_clear_pointer (&report, json_object_unref);
  report = thaw_test_lesson_report (fixture->lesson);
  g_test_message ("with 5 ms, %" G_GINT64_FORMAT " of 5 runs deadlocked",
                  json_object_get_int_member (report, "deadlocks_detected") - deadlocks);
}

static void
test_stop (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;
  guint threads_before = thaw_test_count_threads ();
  gint64 stopped_at;

  /* With a long delay the threads are still holding their first lock. */
  g_object_set (fixture->lesson, "delay-ms", 3000, NULL);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));
  thaw_test_iterate_for (0.3);
  g_assert_cmpuint (thaw_test_count_threads (), >, threads_before);

  stopped_at = g_get_monotonic_time ();
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "stop"));
  thaw_test_iterate_until (job_ended, fixture->lesson, 10 * thaw_test_time_scale ());
  g_test_message ("stopped in %.1f ms", (g_get_monotonic_time () - stopped_at) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - stopped_at, <, G_USEC_PER_SEC * thaw_test_time_scale ());

  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "cancelled");
  g_assert_cmpint (json_object_get_int_member (report, "transfers_done"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (report, "total_money"), ==, 200);

  thaw_test_iterate_for (0.1);
  g_assert_cmpuint (thaw_test_count_threads (), <=, threads_before);
}

/* Activates @verb and waits until the report's @member says @value. */
static JsonObject *
press_until (ThawLesson *lesson,
             const char *verb,
             const char *member,
             const char *value)
{
  g_assert_true (thaw_lesson_activate_verb (lesson, verb));
  return thaw_test_wait_for_member (lesson, member, value);
}

/* A step, B, A, B: each waits until the step is in the schedule. */
static void
cross (ThawLesson *lesson,
       guint       n_steps)
{
  static const char *const verbs[] = { "step-a", "step-b", "step-a", "step-b" };

  for (guint i = 0; i < n_steps; i++)
    {
      g_autofree char *n = g_strdup_printf ("%u", i + 1);

      json_object_unref (press_until (lesson, verbs[i], "steps_events", n));
    }
}

static void
test_scheduler (Fixture       *fixture,
                gconstpointer  data)
{
  guint threads_before = thaw_test_count_threads_named ("thaw-stepped");
  JsonObject *report;

  cross (fixture->lesson, 4);
  report = thaw_test_wait_for_member (fixture->lesson, "steps_deadlocked", "true");
  g_assert_cmpstr (json_object_get_string_member (report, "steps_a_state"), ==, "blocked");
  g_assert_cmpstr (json_object_get_string_member (report, "steps_b_state"), ==, "blocked");
  g_assert_cmpstr (json_object_get_string_member (report, "steps_a_line"), ==, "lock (shared, me, second);");
  g_assert_cmpstr (json_object_get_string_member (report, "steps_b_line"), ==, "lock (shared, me, second);");
  g_assert_cmpstr (json_object_get_string_member (report, "steps_schedule"), ==,
                   "A locks 1 → B locks 2 → A waits for 2 → B waits for 1");
  json_object_unref (report);
  g_assert_cmpstr (thaw_lesson_get_headline (fixture->lesson, NULL, NULL), ==, "Both transfers blocked for good");

  /* Starting over ends the deadlock: two fresh threads, the old ones gone. */
  json_object_unref (press_until (fixture->lesson, "new-threads", "steps_deadlocked", "false"));
  json_object_unref (thaw_test_wait_for_member (fixture->lesson, "steps_b_state", "paused"));
  g_assert_cmpuint (thaw_test_count_threads_named ("thaw-stepped"), ==, threads_before + 2);

  /* The same clicks with the same order: B waits for account 1 while A,
   * with nothing in its way, goes on; B cannot be given a step. */
  g_object_set (fixture->lesson, "same-order", TRUE, NULL);
  json_object_unref (thaw_test_wait_for_member (fixture->lesson, "steps_order", "ordered"));
  cross (fixture->lesson, 3);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "step-b"));
  thaw_test_iterate_for (0.1);
  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (report, "steps_b_state"), ==, "blocked");
  g_assert_cmpint (json_object_get_int_member (report, "steps_events"), ==, 3);
  json_object_unref (report);
  json_object_unref (press_until (fixture->lesson, "step-a", "steps_events", "4"));
  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (report, "steps_schedule"), ==,
                   "A locks 1 → B waits for 1 → A locks 2 → A moves the money");
  g_assert_false (json_object_get_boolean_member (report, "steps_deadlocked"));
  json_object_unref (report);
  json_object_unref (press_until (fixture->lesson, "step-a", "steps_a_state", "done"));
  /* A let go: B has its first lock now and waits for its next step. */
  json_object_unref (thaw_test_wait_for_member (fixture->lesson, "steps_b_state", "paused"));
  json_object_unref (press_until (fixture->lesson, "run-b", "steps_finished", "true"));
  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_false (json_object_get_boolean_member (report, "steps_deadlocked"));
  g_assert_cmpint (json_object_get_int_member (report, "steps_total_money"), ==, 200);
  json_object_unref (report);
}

static void
test_random (Fixture       *fixture,
             gconstpointer  data)
{
  JsonObject *report;

  report = press_until (fixture->lesson, "random-schedules", "random_runs", "1000");
  g_assert_cmpint (json_object_get_int_member (report, "random_broken"), >, 0);
  g_assert_cmpint (json_object_get_int_member (report, "random_broken"), <, 1000);
  json_object_unref (report);

  g_object_set (fixture->lesson, "same-order", TRUE, NULL);
  /* Not "1000" again: wait for the new trial's first news, then its end. */
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "random-schedules"));
  json_object_unref (thaw_test_wait_for_member (fixture->lesson, "random_runs", "0"));
  report = thaw_test_wait_for_member (fixture->lesson, "random_runs", "1000");
  g_assert_cmpint (json_object_get_int_member (report, "random_broken"), ==, 0);
  json_object_unref (report);
}

static void
test_no_watchdog (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;
  int pid;

  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "no-watchdog"));
  report = thaw_test_wait_for_member (fixture->lesson, "job_state", "succeeded");
  pid = (int) json_object_get_int_member (report, "child_pid");
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpstr (json_object_get_string_member (report, "job_mode"), ==, "child-no-watchdog");
  g_assert_true (json_object_get_boolean_member (report, "child_hung"));
  /* Two transfers and the main thread that joins them, in futex waits. */
  g_assert_cmpint (json_object_get_int_member (report, "child_threads"), >=, 3);
  g_assert_cmpint (json_object_get_int_member (report, "child_threads_in_futex"), >=, 3);
  /* "joins", both "took", both "asks for". */
  g_assert_cmpint (json_object_get_int_member (report, "child_lines"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (report, "child_signal"), ==, SIGKILL);
  g_assert_false (thaw_test_process_exists (pid));
}

static void
test_no_watchdog_stop (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;
  int pid;

  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "no-watchdog"));
  report = thaw_test_wait_for_member (fixture->lesson, "child_lines", "5");
  pid = (int) json_object_get_int_member (report, "child_pid");
  g_assert_true (thaw_test_process_exists (pid));

  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "stop"));
  g_clear_pointer (&report, json_object_unref);
  report = thaw_test_wait_for_member (fixture->lesson, "job_state", "cancelled");
  g_assert_false (json_object_get_boolean_member (report, "child_hung"));
  g_assert_cmpint (json_object_get_int_member (report, "child_signal"), ==, SIGKILL);
  g_assert_false (thaw_test_process_exists (pid));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/thaw/deadlock/no-watchdog", Fixture, NULL,
              fixture_set_up, test_no_watchdog, fixture_tear_down);
  g_test_add ("/thaw/deadlock/no-watchdog-stop", Fixture, NULL,
              fixture_set_up, test_no_watchdog_stop, fixture_tear_down);
  g_test_add ("/thaw/deadlock/detected", Fixture, NULL,
              fixture_set_up, test_detected, fixture_tear_down);
  g_test_add ("/thaw/deadlock/ordered-never", Fixture, NULL,
              fixture_set_up, test_ordered_never, fixture_tear_down);
  g_test_add ("/thaw/deadlock/fast-opposite", Fixture, NULL,
              fixture_set_up, test_fast_opposite, fixture_tear_down);
  g_test_add ("/thaw/deadlock/scheduler", Fixture, NULL,
              fixture_set_up, test_scheduler, fixture_tear_down);
  g_test_add ("/thaw/deadlock/random", Fixture, NULL,
              fixture_set_up, test_random, fixture_tear_down);
  g_test_add ("/thaw/deadlock/stop", Fixture, NULL,
              fixture_set_up, test_stop, fixture_tear_down);

  return g_test_run ();
}
