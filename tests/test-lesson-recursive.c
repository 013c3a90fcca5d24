/* test-lesson-recursive.c — what the recursive lesson teaches, checked
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   rec-mutex      the walk with a GRecMutex reads every folder and holds
 *                  the lock exactly as many times at once as the tree has
 *                  levels, for several sizes of tree;
 *   plain-mutex    with a plain mutex of the error-checking kind, the
 *                  second lock by its owner is answered EDEADLK, at once,
 *                  and so is a timed lock: it would deadlock;
 *   stop           Stop ends a walk early and leaves no thread behind, and
 *                  the next walk runs to its end;
 *   lock-twice     the real self-deadlock, in a child process: the child
 *                  says what it does, then hangs with every thread asleep
 *                  in a futex; Thaw judges it hung, ends it with SIGKILL,
 *                  and no process is left; the meter's loop never stopped;
 *   lock-twice-quit  closing the page while the child hangs ends the child;
 *   scheduler      Be the Scheduler with a plain mutex: A takes the lock,
 *                  then asks for it again and blocks, waiting for itself,
 *                  which the headline says at once; B, when it tries,
 *                  blocks too, and both blocked is a deadlock; New Threads
 *                  ends it and leaves two fresh threads; with the recursive
 *                  mutex the same clicks give A the lock twice (a hold
 *                  count of 2), B blocks until A has unlocked twice, and
 *                  both deposits go through;
 *   random         a thousand random schedules per mutex: with a plain one
 *                  every one deadlocks, counted; with a recursive one none.
 */

#include "config.h"

#include <signal.h>

#include "thaw-lesson.h"
#include "thaw-lesson-page.h"
#include "thaw-test-util.h"

/* The name the lesson gives its threads. */
#define LESSON_THREAD "thaw-walk"

typedef struct
{
  ThawHeartbeat *heartbeat;
  GtkWidget *window;
  ThawLesson *lesson;
} Fixture;

/* Whether the button of lesson.@verb can be clicked: it follows whether
 * the action is enabled. */
static gboolean
can_click (ThawLesson *lesson,
           const char *verb)
{
  g_autofree char *action = g_strconcat ("lesson.", verb, NULL);
  GtkWidget *button = thaw_test_find_button (GTK_WIDGET (lesson), action);

  g_assert_nonnull (button);
  return gtk_widget_get_sensitive (button);
}

static GtkWidget *
find_spin_button (GtkWidget *widget)
{
  if (GTK_IS_SPIN_BUTTON (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_spin_button (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Sets the levels of the next walk's tree as a learner does: with the
 * lesson's spin button, its only one. */
static void
set_levels (ThawLesson *lesson,
            guint       levels)
{
  GtkWidget *spin = find_spin_button (GTK_WIDGET (lesson));
  g_autoptr(JsonObject) report = NULL;

  g_assert_nonnull (spin);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), levels);

  report = thaw_test_lesson_report (lesson);
  g_assert_cmpint (json_object_get_int_member (report, "levels"), ==, levels);
}

static gboolean
run_is_over (gpointer data)
{
  g_autoptr(JsonObject) report = thaw_test_lesson_report (data);
  const char *state = json_object_get_string_member (report, "job_state");

  return !g_str_equal (state, "running") && !g_str_equal (state, "idle");
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *page;

  fixture->heartbeat = thaw_heartbeat_new (0);
  fixture->window = gtk_window_new ();
  page = thaw_lesson_page_new (thaw_lessons_find ("recursive"), fixture->heartbeat);
  fixture->lesson = thaw_lesson_page_get_lesson (THAW_LESSON_PAGE (page));
  gtk_window_set_child (GTK_WINDOW (fixture->window), page);
  gtk_window_present (GTK_WINDOW (fixture->window));
  thaw_test_iterate_for (0.3);

}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  /* A test may have closed the window itself. */
  if (fixture->window != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (fixture->lesson), (gpointer *) &fixture->lesson);
      gtk_window_destroy (GTK_WINDOW (fixture->window));
      g_assert_null (fixture->lesson);
    }
  g_assert_cmpuint (thaw_test_count_threads_named (LESSON_THREAD), ==, 0);

  thaw_test_iterate_for (0.1);
  g_assert_finalize_object (fixture->heartbeat);
}

/* Runs one verb to its end and returns the report after it. */
static JsonObject *
run_to_end (Fixture    *fixture,
            const char *verb)
{
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, verb));
  /* One walk at a time. */
  g_assert_false (can_click (fixture->lesson, "start"));
  g_assert_false (can_click (fixture->lesson, "try-plain"));

  thaw_test_iterate_until (run_is_over, fixture->lesson, 30 * thaw_test_time_scale ());
  g_assert_cmpuint (thaw_test_count_threads_named (LESSON_THREAD), ==, 0);

  return thaw_test_lesson_report (fixture->lesson);
}

static void
test_rec_mutex (Fixture       *fixture,
                gconstpointer  data)
{
  const guint levels[] = { 2, 5, 9 };

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      g_autoptr(JsonObject) report = NULL;
      guint folders = (1u << levels[i]) - 1;

      set_levels (fixture->lesson, levels[i]);
      report = run_to_end (fixture, "start");

      g_test_message ("%u levels: depth %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT " folders in %.3f s",
                      levels[i],
                      json_object_get_int_member (report, "recursion_depth"),
                      json_object_get_int_member (report, "folders"),
                      json_object_get_double_member (report, "job_seconds"));
      g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
      g_assert_cmpstr (json_object_get_string_member (report, "job_mode"), ==, "rec-mutex");
      /* Every folder read, and the lock held once per level at the bottom:
       * never less (the walk got there) and never more (each lock had its
       * unlock on the way up). */
      g_assert_cmpint (json_object_get_int_member (report, "folders"), ==, folders);
      g_assert_cmpint (json_object_get_int_member (report, "recursion_depth"), ==, levels[i]);
      g_assert_cmpint (json_object_get_int_member (report, "total_kib"), >=, folders);
      g_assert_cmpint (json_object_get_int_member (report, "runs"), ==, i + 1);
    }
}

static void
test_plain_mutex (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(JsonObject) before = thaw_test_lesson_report (fixture->lesson);
  g_autoptr(JsonObject) report = NULL;
  double timed_ms;

  g_assert_false (json_object_get_boolean_member (before, "plain_mutex_would_deadlock"));
  g_assert_cmpstr (json_object_get_string_member (before, "plain_mutex_second_lock"), ==, "not asked");

  report = run_to_end (fixture, "try-plain");
  timed_ms = json_object_get_double_member (report, "plain_mutex_timed_lock_ms");
  g_test_message ("the second lock: %s; the timed lock: %s after %.3f ms; the try took %.3f s",
                  json_object_get_string_member (report, "plain_mutex_second_lock"),
                  json_object_get_string_member (report, "plain_mutex_timed_lock"),
                  timed_ms, json_object_get_double_member (report, "job_seconds"));

  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  g_assert_cmpstr (json_object_get_string_member (report, "job_mode"), ==, "plain-mutex");
  /* The owner asked again: refused, not put to sleep. */
  g_assert_cmpstr (json_object_get_string_member (report, "plain_mutex_second_lock"), ==, "EDEADLK");
  g_assert_cmpstr (json_object_get_string_member (report, "plain_mutex_timed_lock"), ==, "EDEADLK");
  g_assert_true (json_object_get_boolean_member (report, "plain_mutex_would_deadlock"));
  /* The timed lock would have waited a second for another thread; to its
   * owner it said no without waiting. */
  g_assert_cmpfloat (timed_ms, <, 500 * thaw_test_time_scale ());
  /* Level 1 held the mutex for half a second before level 2 asked. */
  g_assert_cmpfloat (json_object_get_double_member (report, "job_seconds"), >=, 0.45);
}

static void
test_stop (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(JsonObject) stopped = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autofree char *reason = NULL;

  set_levels (fixture->lesson, 12);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));
  thaw_test_iterate_for (0.4);
  g_assert_cmpuint (thaw_test_count_threads_named (LESSON_THREAD), ==, 1);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "stop"));
  /* Until the worker's last word ends the run, Stop says it was heard. */
  g_assert_true (thaw_lesson_get_busy (fixture->lesson));
  g_assert_false (thaw_lesson_can_activate_verb (fixture->lesson, "stop"));
  reason = thaw_lesson_dup_verb_disabled_reason (fixture->lesson, "stop");
  g_assert_true (g_str_has_prefix (reason, "Already stopping"));

  thaw_test_iterate_until (run_is_over, fixture->lesson, 2 * thaw_test_time_scale ());
  g_assert_cmpuint (thaw_test_count_threads_named (LESSON_THREAD), ==, 0);
  stopped = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (stopped, "job_state"), ==, "cancelled");
  g_assert_cmpint (json_object_get_int_member (stopped, "folders"), >, 0);
  g_assert_cmpint (json_object_get_int_member (stopped, "folders"), <, 4095);

  set_levels (fixture->lesson, 4);
  again = run_to_end (fixture, "start");
  g_assert_cmpstr (json_object_get_string_member (again, "job_state"), ==, "succeeded");
  g_assert_cmpint (json_object_get_int_member (again, "recursion_depth"), ==, 4);
}

static void
test_lock_twice (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;
  int pid;

  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "lock-twice"));
  report = thaw_test_wait_for_member (fixture->lesson, "job_state", "succeeded");
  pid = (int) json_object_get_int_member (report, "child_pid");
  g_assert_cmpint (pid, >, 0);
  g_assert_true (json_object_get_boolean_member (report, "child_hung"));
  /* The locker and the main thread that joins it, both in futex waits. */
  g_assert_cmpint (json_object_get_int_member (report, "child_threads"), >=, 2);
  g_assert_cmpint (json_object_get_int_member (report, "child_threads_in_futex"), >=, 2);
  g_assert_cmpint (json_object_get_int_member (report, "child_lines"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (report, "child_signal"), ==, SIGKILL);
  /* Reaped: not even a zombie is left. */
  g_assert_false (thaw_test_process_exists (pid));
}

static void
test_lock_twice_quit (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;
  int pid;

  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "lock-twice"));
  /* The child has said its first line: it is there, and hangs soon. */
  report = thaw_test_wait_for_member (fixture->lesson, "child_lines", "3");
  pid = (int) json_object_get_int_member (report, "child_pid");
  g_assert_true (thaw_test_process_exists (pid));
  g_assert_false (json_object_get_boolean_member (report, "child_hung"));

  /* Closing the window disposes the page, which ends its child. */
  g_object_add_weak_pointer (G_OBJECT (fixture->lesson), (gpointer *) &fixture->lesson);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_assert_null (fixture->lesson);
  g_assert_false (thaw_test_process_exists (pid));
  fixture->window = NULL;
}

/* ---- Be the Scheduler ------------------------------------------------- */

#define STEPPED "thaw-stepped"

static JsonObject *
press_until (ThawLesson *lesson,
             const char *verb,
             const char *member,
             const char *value)
{
  g_assert_true (thaw_lesson_activate_verb (lesson, verb));
  return thaw_test_wait_for_member (lesson, member, value);
}

/* Presses @verb and waits until the schedule has @n_events steps. */
static void
step (ThawLesson *lesson,
      const char *verb,
      guint       n_events)
{
  g_autofree char *n = g_strdup_printf ("%u", n_events);

  json_object_unref (press_until (lesson, verb, "steps_events", n));
}

static void
assert_headline (ThawLesson *lesson,
                 const char *caption,
                 const char *value,
                 const char *detail)
{
  const char *shown_caption = NULL, *shown_detail = NULL;
  const char *shown = thaw_lesson_get_headline (lesson, &shown_caption, &shown_detail);

  g_assert_cmpstr (shown_caption, ==, caption);
  g_assert_cmpstr (shown, ==, value);
  g_assert_cmpstr (shown_detail, ==, detail);
}

static void
test_scheduler (Fixture       *fixture,
                gconstpointer  data)
{
  ThawLesson *lesson = fixture->lesson;
  guint threads_before = thaw_test_count_threads_named (STEPPED);
  JsonObject *report;

  /* A plain mutex: A locks, then log_balance() asks again. */
  step (lesson, "step-a", 1);
  report = press_until (lesson, "step-a", "steps_self_deadlocked", "true");
  g_assert_cmpstr (json_object_get_string_member (report, "steps_mutex"), ==, "plain");
  g_assert_cmpstr (json_object_get_string_member (report, "steps_a_state"), ==, "blocked");
  g_assert_cmpstr (json_object_get_string_member (report, "steps_a_line"), ==, "lock (shared, me);");
  g_assert_cmpstr (json_object_get_string_member (report, "steps_holder"), ==, "A");
  g_assert_cmpint (json_object_get_int_member (report, "steps_hold_count"), ==, 1);
  /* B can still move: not a deadlock of every thread yet. */
  g_assert_cmpstr (json_object_get_string_member (report, "steps_b_state"), ==, "paused");
  g_assert_false (json_object_get_boolean_member (report, "steps_deadlocked"));
  json_object_unref (report);
  assert_headline (lesson, "Be the Scheduler: self-deadlock!", "A waits for itself",
                   "A locks → A waits for itself");

  report = press_until (lesson, "step-b", "steps_deadlocked", "true");
  g_assert_cmpstr (json_object_get_string_member (report, "steps_b_state"), ==, "blocked");
  g_assert_cmpstr (json_object_get_string_member (report, "steps_b_line"), ==, "lock (shared, me);");
  g_assert_cmpstr (json_object_get_string_member (report, "steps_schedule"), ==,
                   "A locks → A waits for itself → B waits for A");
  g_assert_cmpint (json_object_get_int_member (report, "steps_balance"), ==, 100);
  json_object_unref (report);
  assert_headline (lesson, "Be the Scheduler: self-deadlock!", "A waits for itself",
                   "A locks → A waits for itself → B waits for A");

  /* Starting over ends the wait: two fresh threads, the old ones gone. */
  json_object_unref (press_until (lesson, "new-threads", "steps_deadlocked", "false"));
  json_object_unref (thaw_test_wait_for_member (lesson, "steps_b_state", "paused"));
  g_assert_cmpuint (thaw_test_count_threads_named (STEPPED), ==, threads_before + 2);

  /* The same clicks with a recursive mutex: the second lock goes through. */
  g_object_set (lesson, "recursive", TRUE, NULL);
  json_object_unref (thaw_test_wait_for_member (lesson, "steps_mutex", "recursive"));
  step (lesson, "step-a", 1);
  step (lesson, "step-a", 2);
  report = thaw_test_lesson_report (lesson);
  g_assert_cmpint (json_object_get_int_member (report, "steps_hold_count"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (report, "steps_a_state"), ==, "paused");
  g_assert_cmpstr (json_object_get_string_member (report, "steps_a_line"), ==, "write_log (shared, me);");
  json_object_unref (report);

  /* B asks in between: it waits for A. */
  report = press_until (lesson, "step-b", "steps_waited_on_twice", "true");
  g_assert_cmpstr (json_object_get_string_member (report, "steps_b_state"), ==, "blocked");
  g_assert_false (json_object_get_boolean_member (report, "steps_self_deadlocked"));
  json_object_unref (report);
  assert_headline (lesson, "Be the Scheduler: the lock taken twice", "A holds the lock twice; B waits",
                   "A locks → A locks again (2) → B waits for A");

  /* A logs and unlocks once: B still waits, for the count is 1. */
  step (lesson, "step-a", 4);
  step (lesson, "step-a", 5);
  report = thaw_test_lesson_report (lesson);
  g_assert_cmpint (json_object_get_int_member (report, "steps_hold_count"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (report, "steps_b_state"), ==, "blocked");
  json_object_unref (report);
  /* A deposits and unlocks again: the count is 0, and B has the lock. */
  step (lesson, "step-a", 6);
  step (lesson, "step-a", 8);
  report = thaw_test_wait_for_member (lesson, "steps_b_state", "paused");
  g_assert_cmpstr (json_object_get_string_member (report, "steps_a_state"), ==, "done");
  g_assert_cmpstr (json_object_get_string_member (report, "steps_holder"), ==, "B");
  g_assert_cmpstr (json_object_get_string_member (report, "steps_schedule"), ==,
                   "A locks → A locks again (2) → B waits for A → A logs 100 → A unlocks (1) → "
                   "A deposits: 110 → A unlocks → B locks");
  json_object_unref (report);

  report = press_until (lesson, "run-b", "steps_finished", "true");
  g_assert_false (json_object_get_boolean_member (report, "steps_deadlocked"));
  g_assert_cmpint (json_object_get_int_member (report, "steps_deepest"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (report, "steps_hold_count"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (report, "steps_balance"), ==, 120);
  json_object_unref (report);
  g_assert_cmpstr (thaw_lesson_get_headline (lesson, NULL, NULL), ==, "B waited until A unlocked twice");
}

/* A whole trial of random schedules with the mutex the knob says. */
static JsonObject *
random_trial (ThawLesson *lesson,
              gboolean    recursive)
{
  gint64 started = g_get_monotonic_time ();
  JsonObject *report;

  g_object_set (lesson, "recursive", recursive, NULL);
  g_assert_true (thaw_lesson_activate_verb (lesson, "random-schedules"));
  /* Not "1000" again: wait for the new trial's first news, then its end. */
  json_object_unref (thaw_test_wait_for_member (lesson, "random_runs", "0"));
  report = thaw_test_wait_for_member (lesson, "random_runs", "1000");
  g_test_message ("1000 random schedules with the %s mutex: %" G_GINT64_FORMAT " deadlocked, %.2f s",
                  recursive ? "recursive" : "plain", json_object_get_int_member (report, "random_broken"),
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
  return report;
}

static void
test_random (Fixture       *fixture,
             gconstpointer  data)
{
  guint threads_before = thaw_test_count_threads_named (STEPPED);
  JsonObject *report;

  /* Whichever deposit locks first asks again, and waits for itself: no
   * schedule escapes. */
  report = random_trial (fixture->lesson, FALSE);
  g_assert_cmpint (json_object_get_int_member (report, "random_broken"), ==, 1000);
  json_object_unref (report);
  /* The first of them is what "Replay at Speed" plays. */
  g_assert_true (gtk_widget_get_sensitive (thaw_test_find_button (GTK_WIDGET (fixture->lesson), "lesson.replay")));

  report = random_trial (fixture->lesson, TRUE);
  g_assert_cmpint (json_object_get_int_member (report, "random_broken"), ==, 0);
  json_object_unref (report);
  g_assert_cmpuint (thaw_test_count_threads_named ("thaw-conductor"), ==, 0);
  g_assert_cmpuint (thaw_test_count_threads_named (STEPPED), <=, threads_before + 2);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/thaw/recursive/rec-mutex", Fixture, NULL,
              fixture_set_up, test_rec_mutex, fixture_tear_down);
  g_test_add ("/thaw/recursive/plain-mutex", Fixture, NULL,
              fixture_set_up, test_plain_mutex, fixture_tear_down);
  g_test_add ("/thaw/recursive/lock-twice", Fixture, NULL,
              fixture_set_up, test_lock_twice, fixture_tear_down);
  g_test_add ("/thaw/recursive/lock-twice-quit", Fixture, NULL,
              fixture_set_up, test_lock_twice_quit, fixture_tear_down);
  g_test_add ("/thaw/recursive/stop", Fixture, NULL,
              fixture_set_up, test_stop, fixture_tear_down);
  g_test_add ("/thaw/recursive/scheduler", Fixture, NULL,
              fixture_set_up, test_scheduler, fixture_tear_down);
  g_test_add ("/thaw/recursive/random", Fixture, NULL,
              fixture_set_up, test_random, fixture_tear_down);

  return g_test_run ();
}
