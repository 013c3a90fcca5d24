/* test-lesson-signal.c — what the signal lesson teaches, checked
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   gate-holds     lined-up threads wait at the closed gate: for a whole
 *                  second none passes; after Go every one passes exactly
 *                  once, soon after the broadcast;
 *   let-one        each ticket, handed out with a g_cond_signal(), lets
 *                  exactly one thread through, and Go then releases the rest;
 *   wait-if        the wrong way: threads that wait with an if all go
 *                  through on the one ticket lesson.wait-if hands out, and
 *                  the headline says how many;
 *   start          lesson.start lines up, says Go by itself and ends with
 *                  every thread through exactly once, run after run;
 *   stop           Stop sends the sleepers away without passing the gate
 *                  and leaves no thread behind;
 *   scheduler      Be the Scheduler: B locks, signals and unlocks before A
 *                  sleeps: the wake-up is lost, A asleep on its wait line,
 *                  the headline says so; with the flag, the same clicks
 *                  let A see ready and go on;
 *   random         a thousand random schedules: some lose the wake-up
 *                  without a flag, none with it.
 */

#include "config.h"

#include "thaw-lesson.h"
#include "thaw-lesson-page.h"
#include "thaw-test-util.h"

/* The name the lesson gives its threads. */
#define LESSON_THREAD "thaw-gate"

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

/* Whether the button of lesson.@verb is the blue one, the next step. */
static gboolean
is_next_step (ThawLesson *lesson,
              const char *verb)
{
  g_autofree char *action = g_strconcat ("lesson.", verb, NULL);

  return gtk_widget_has_css_class (thaw_test_find_button (GTK_WIDGET (lesson), action), "suggested-action");
}

static gboolean
run_is_over (gpointer data)
{
  g_autoptr(JsonObject) report = thaw_test_lesson_report (data);
  const char *state = json_object_get_string_member (report, "job_state");

  return !g_str_equal (state, "running") && !g_str_equal (state, "idle");
}

typedef struct
{
  ThawLesson *lesson;
  gint64 waiting;
} WaitingFor;

static gboolean
all_waiting (gpointer data)
{
  WaitingFor *waiting_for = data;
  g_autoptr(JsonObject) report = thaw_test_lesson_report (waiting_for->lesson);

  return json_object_get_int_member (report, "waiting") == waiting_for->waiting;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *page;

  fixture->heartbeat = thaw_heartbeat_new (0);
  fixture->window = gtk_window_new ();
  page = thaw_lesson_page_new (thaw_lessons_find ("signal"), fixture->heartbeat);
  fixture->lesson = thaw_lesson_page_get_lesson (THAW_LESSON_PAGE (page));
  gtk_window_set_child (GTK_WINDOW (fixture->window), page);
  gtk_window_present (GTK_WINDOW (fixture->window));
  thaw_test_iterate_for (0.3);

}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_object_add_weak_pointer (G_OBJECT (fixture->lesson), (gpointer *) &fixture->lesson);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_assert_null (fixture->lesson);
  g_assert_cmpuint (thaw_test_count_threads_named (LESSON_THREAD), ==, 0);

  thaw_test_iterate_for (0.1);
  g_assert_finalize_object (fixture->heartbeat);
}

/* Every thread went through the gate exactly @passes times. */
static void
assert_passes (JsonObject *report,
               guint       n_threads,
               gint64      passes)
{
  JsonArray *array = json_object_get_array_member (report, "passes");

  g_assert_cmpuint (json_array_get_length (array), ==, n_threads);
  for (guint i = 0; i < n_threads; i++)
    g_assert_cmpint (json_array_get_int_element (array, i), ==, passes);
}

static void
wait_for_end (Fixture *fixture)
{
  thaw_test_iterate_until (run_is_over, fixture->lesson, 20 * thaw_test_time_scale ());
  g_assert_cmpuint (thaw_test_count_threads_named (LESSON_THREAD), ==, 0);
}

static void
test_gate_holds (Fixture       *fixture,
                 gconstpointer  data)
{
  const guint n_threads = 5;
  WaitingFor waiting_for = { fixture->lesson, n_threads };
  g_autoptr(JsonObject) closed = NULL;
  g_autoptr(JsonObject) report = NULL;

  g_object_set (fixture->lesson, "threads", n_threads, NULL);
  g_assert_true (is_next_step (fixture->lesson, "start"));
  g_assert_false (is_next_step (fixture->lesson, "go"));
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "line-up"));
  g_assert_false (can_click (fixture->lesson, "start"));

  /* Everybody gets to the gate, and then a whole second goes by. */
  thaw_test_iterate_until (all_waiting, &waiting_for, 5 * thaw_test_time_scale ());
  thaw_test_iterate_for (1.0);

  closed = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (closed, "job_state"), ==, "running");
  g_assert_false (json_object_get_boolean_member (closed, "gate_open"));
  g_assert_cmpint (json_object_get_int_member (closed, "waiting"), ==, n_threads);
  g_assert_cmpint (json_object_get_int_member (closed, "released"), ==, 0);
  assert_passes (closed, n_threads, 0);
  g_assert_cmpuint (thaw_test_count_threads_named (LESSON_THREAD), ==, n_threads);

  g_assert_true (can_click (fixture->lesson, "go"));
  g_assert_true (can_click (fixture->lesson, "let-one"));
  /* With the threads at the gate, Go is the next step. */
  g_assert_true (is_next_step (fixture->lesson, "go"));
  g_assert_false (is_next_step (fixture->lesson, "start"));
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "go"));
  /* Go is said once. */
  g_assert_false (can_click (fixture->lesson, "go"));
  wait_for_end (fixture);
  g_assert_true (is_next_step (fixture->lesson, "start"));
  g_assert_false (is_next_step (fixture->lesson, "go"));

  report = thaw_test_lesson_report (fixture->lesson);
  g_test_message ("%u threads released, the slowest %.3f ms after Go",
                  n_threads, json_object_get_double_member (report, "wake_latency_ms_max"));
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  g_assert_cmpint (json_object_get_int_member (report, "threads"), ==, n_threads);
  g_assert_cmpint (json_object_get_int_member (report, "released"), ==, n_threads);
  assert_passes (report, n_threads, 1);
  /* A wake-up takes microseconds; a loaded CI machine may take many more,
   * but a thread that noticed only much later was not woken by Go. */
  g_assert_cmpfloat (json_object_get_double_member (report, "wake_latency_ms_max"), >=, 0);
  g_assert_cmpfloat (json_object_get_double_member (report, "wake_latency_ms_max"), <, 250);
}

static void
test_let_one (Fixture       *fixture,
              gconstpointer  data)
{
  const guint n_threads = 3;
  WaitingFor waiting_for = { fixture->lesson, n_threads };
  g_autoptr(JsonObject) report = NULL;

  g_object_set (fixture->lesson, "threads", n_threads, NULL);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "line-up"));
  thaw_test_iterate_until (all_waiting, &waiting_for, 5 * thaw_test_time_scale ());

  for (guint let_through = 1; let_through < n_threads; let_through++)
    {
      g_autoptr(JsonObject) after = NULL;

      g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "let-one"));
      waiting_for.waiting = n_threads - let_through;
      thaw_test_iterate_until (all_waiting, &waiting_for, 5 * thaw_test_time_scale ());
      /* Give a second thread every chance to sneak through. */
      thaw_test_iterate_for (0.3);

      after = thaw_test_lesson_report (fixture->lesson);
      g_assert_cmpint (json_object_get_int_member (after, "released"), ==, let_through);
      g_assert_cmpint (json_object_get_int_member (after, "waiting"), ==, n_threads - let_through);
    }

  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "go"));
  wait_for_end (fixture);

  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  g_assert_cmpint (json_object_get_int_member (report, "released"), ==, n_threads);
  assert_passes (report, n_threads, 1);
}

static void
test_wait_if (Fixture       *fixture,
              gconstpointer  data)
{
  const guint n_threads = 3;
  g_autoptr(JsonObject) report = NULL;
  const char *caption, *value;

  g_object_set (fixture->lesson, "threads", n_threads, NULL);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "wait-if"));
  wait_for_end (fixture);

  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  g_assert_cmpstr (json_object_get_string_member (report, "job_mode"), ==, "wait-with-if");
  g_assert_false (json_object_get_boolean_member (report, "gate_open"));
  g_assert_cmpint (json_object_get_int_member (report, "tickets"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (report, "released"), ==, n_threads);
  g_assert_cmpint (json_object_get_int_member (report, "through_without_ticket"), ==, n_threads - 1);
  assert_passes (report, n_threads, 1);

  value = thaw_lesson_get_headline (fixture->lesson, &caption, NULL);
  g_assert_cmpstr (caption, ==, "Through the gate on one ticket, with an if");
  g_assert_cmpstr (value, ==, "3 of 3");
  g_assert_cmpuint (thaw_test_count_threads_named (LESSON_THREAD), ==, 0);
}

static void
test_start (Fixture       *fixture,
            gconstpointer  data)
{
  const guint n_threads[] = { 1, 4, 12 };

  for (guint i = 0; i < G_N_ELEMENTS (n_threads); i++)
    {
      g_autoptr(JsonObject) report = NULL;

      g_object_set (fixture->lesson, "threads", n_threads[i], NULL);
      g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));
      wait_for_end (fixture);

      report = thaw_test_lesson_report (fixture->lesson);
      g_test_message ("%u threads: the slowest through %.3f ms after Go, run of %.2f s",
                      n_threads[i],
                      json_object_get_double_member (report, "wake_latency_ms_max"),
                      json_object_get_double_member (report, "job_seconds"));
      g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
      g_assert_true (json_object_get_boolean_member (report, "gate_open"));
      g_assert_cmpint (json_object_get_int_member (report, "released"), ==, n_threads[i]);
      assert_passes (report, n_threads[i], 1);
    }
}

static void
test_stop (Fixture       *fixture,
           gconstpointer  data)
{
  const guint n_threads = 6;
  WaitingFor waiting_for = { fixture->lesson, n_threads };
  g_autoptr(JsonObject) report = NULL;

  g_object_set (fixture->lesson, "threads", n_threads, NULL);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "line-up"));
  thaw_test_iterate_until (all_waiting, &waiting_for, 5 * thaw_test_time_scale ());

  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "stop"));
  thaw_test_iterate_until (run_is_over, fixture->lesson, 2 * thaw_test_time_scale ());
  g_assert_cmpuint (thaw_test_count_threads_named (LESSON_THREAD), ==, 0);

  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "cancelled");
  g_assert_cmpint (json_object_get_int_member (report, "released"), ==, 0);
  assert_passes (report, n_threads, 0);
}

/* Activates each verb and waits until the schedule has one more event. */
static JsonObject *
press_in_turn (ThawLesson        *lesson,
               const char *const *verbs,
               guint              n_verbs)
{
  for (guint i = 0; i < n_verbs; i++)
    {
      g_autofree char *n = g_strdup_printf ("%u", i + 1);

      g_assert_true (thaw_lesson_activate_verb (lesson, verbs[i]));
      json_object_unref (thaw_test_wait_for_member (lesson, "steps_events", n));
    }
  return thaw_test_lesson_report (lesson);
}

static void
test_scheduler (Fixture       *fixture,
                gconstpointer  data)
{
  static const char *const signal_first[] = { "step-b", "step-b", "step-b", "step-a", "step-a" };
  static const char *const with_flag[] = { "step-b", "step-b", "step-b", "step-b", "step-a", "step-a", "step-a" };
  JsonObject *report;

  report = press_in_turn (fixture->lesson, signal_first, G_N_ELEMENTS (signal_first));
  json_object_unref (report);
  report = thaw_test_wait_for_member (fixture->lesson, "steps_lost_wake_up", "true");
  g_assert_cmpstr (json_object_get_string_member (report, "steps_a_state"), ==, "blocked");
  g_assert_cmpstr (json_object_get_string_member (report, "steps_a_line"), ==, "wait_for_signal (shared, me);");
  g_assert_cmpstr (json_object_get_string_member (report, "steps_b_state"), ==, "done");
  g_assert_cmpstr (json_object_get_string_member (report, "steps_schedule"), ==,
                   "B locks → B signals (nobody hears) → B unlocks → A locks → A sleeps");
  json_object_unref (report);
  g_assert_cmpstr (thaw_lesson_get_headline (fixture->lesson, NULL, NULL), ==, "A sleeps forever");

  /* The flag: new threads at once, running the code with the flag. */
  g_object_set (fixture->lesson, "flag", TRUE, NULL);
  json_object_unref (thaw_test_wait_for_member (fixture->lesson, "steps_way", "flag"));
  report = press_in_turn (fixture->lesson, with_flag, G_N_ELEMENTS (with_flag));
  json_object_unref (report);
  report = thaw_test_wait_for_member (fixture->lesson, "steps_finished", "true");
  g_assert_false (json_object_get_boolean_member (report, "steps_lost_wake_up"));
  g_assert_cmpstr (json_object_get_string_member (report, "steps_schedule"), ==,
                   "B locks → B sets ready → B signals (nobody hears) → B unlocks → A locks → A sees ready → A unlocks");
  json_object_unref (report);
}

static void
test_random (Fixture       *fixture,
             gconstpointer  data)
{
  JsonObject *report;

  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "random-schedules"));
  report = thaw_test_wait_for_member (fixture->lesson, "random_runs", "1000");
  g_assert_cmpint (json_object_get_int_member (report, "random_broken"), >, 0);
  g_assert_cmpint (json_object_get_int_member (report, "random_broken"), <, 1000);
  json_object_unref (report);

  g_object_set (fixture->lesson, "flag", TRUE, NULL);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "random-schedules"));
  json_object_unref (thaw_test_wait_for_member (fixture->lesson, "random_runs", "0"));
  report = thaw_test_wait_for_member (fixture->lesson, "random_runs", "1000");
  g_assert_cmpint (json_object_get_int_member (report, "random_broken"), ==, 0);
  json_object_unref (report);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/thaw/signal/gate-holds", Fixture, NULL,
              fixture_set_up, test_gate_holds, fixture_tear_down);
  g_test_add ("/thaw/signal/wait-if", Fixture, NULL,
              fixture_set_up, test_wait_if, fixture_tear_down);
  g_test_add ("/thaw/signal/let-one", Fixture, NULL,
              fixture_set_up, test_let_one, fixture_tear_down);
  g_test_add ("/thaw/signal/start", Fixture, NULL,
              fixture_set_up, test_start, fixture_tear_down);
  g_test_add ("/thaw/signal/scheduler", Fixture, NULL,
              fixture_set_up, test_scheduler, fixture_tear_down);
  g_test_add ("/thaw/signal/random", Fixture, NULL,
              fixture_set_up, test_random, fixture_tear_down);
  g_test_add ("/thaw/signal/stop", Fixture, NULL,
              fixture_set_up, test_stop, fixture_tear_down);

  return g_test_run ();
}
