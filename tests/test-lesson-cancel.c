/* test-lesson-cancel.c — the cancel lesson: a Stop is noticed quickly, and
 * stopping is safe at any moment
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   latency              Stop mid-job: the worker stops within 100 ms of the
 *                        click, measured by the lesson itself;
 *   latency-follows-look with the worker looking every 200 ms, a Stop still
 *                        waits no longer than one look (plus slack);
 *   start-and-stop       the same through the command line, with the meter:
 *                        the main loop never hangs (250 ms) either;
 *   stop-twice-and-after a second Stop and a Stop after the end are harmless,
 *                        and a new run after a cancelled one completes with
 *                        the exact checksum;
 *   stop-near-end        a Stop at 99 % either cancels or is too late, and
 *                        either way nothing is left behind;
 *   no-check             the wrong way: Stop on a worker that never looks
 *                        changes nothing: the job runs to its end with its
 *                        checksum, the Stop counted as ignored with how long
 *                        it waited, and nothing is cancelled.
 */

#include "config.h"

#include "thaw-lesson.h"
#include "thaw-lesson-page.h"
#include "thaw-test-util.h"

/* SHA-256 of the lesson's 1.25 GiB of generated data. */
#define FULL_CHECKSUM "0ae37a7a810cd283ee9ebc35c620e972b3c99c7e400dc1d9698ff46dd0175f4a"

/* The latency a person does not notice, and the bound the lesson must keep
 * with its default look interval. */
#define LATENCY_BOUND_MS 100.0

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
  page = thaw_lesson_page_new (thaw_lessons_find ("cancel"), fixture->heartbeat);
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

static const char *
state_of (JsonObject *report)
{
  return json_object_get_string_member (report, "job_state");
}

static gboolean
job_ended (gpointer data)
{
  g_autoptr(JsonObject) report = thaw_test_lesson_report (data);

  return g_str_equal (state_of (report), "succeeded") || g_str_equal (state_of (report), "cancelled");
}

static gboolean
nearly_done (gpointer data)
{
  g_autoptr(JsonObject) report = thaw_test_lesson_report (data);

  return json_object_get_double_member (report, "progress") >= 0.99 ||
         !g_str_equal (state_of (report), "running");
}

static GtkWidget *
find_by_type (GtkWidget *root,
              GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Start, let the worker get going, press Stop, wait for the end. */
static JsonObject *
start_then_stop (ThawLesson *lesson)
{
  g_assert_true (thaw_lesson_activate_verb (lesson, "start"));
  thaw_test_iterate_for (0.5);
  g_assert_true (thaw_lesson_activate_verb (lesson, "stop"));
  thaw_test_iterate_until (job_ended, lesson, 10 * thaw_test_time_scale ());

  return thaw_test_lesson_report (lesson);
}

static void
test_latency (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;
  guint threads_before = thaw_test_count_threads ();
  double latency, delivered;

  report = start_then_stop (fixture->lesson);
  latency = json_object_get_double_member (report, "cancel_latency_ms");
  delivered = json_object_get_double_member (report, "cancel_delivered_ms");
  g_test_message ("the worker stopped %.2f ms after the click; the main thread knew after %.2f ms",
                  latency, delivered);

  g_assert_cmpstr (state_of (report), ==, "cancelled");
  g_assert_cmpint (json_object_get_int_member (report, "cancels"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (report, "look_every_ms"), ==, 10);
  g_assert_cmpfloat (json_object_get_double_member (report, "progress"), >, 0);
  g_assert_cmpfloat (json_object_get_double_member (report, "progress"), <, 1);
  /* Measured on the worker, so after the click and before the main thread
   * heard of it. */
  g_assert_cmpfloat (latency, >=, 0);
  g_assert_cmpfloat (latency, <, LATENCY_BOUND_MS);
  g_assert_cmpfloat (delivered, >=, latency);
  g_assert_true (json_object_get_null_member (report, "checksum"));
  g_assert_cmpuint (thaw_test_count_threads (), <=, threads_before);
}

static void
test_latency_follows_look (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;
  GtkWidget *spin = find_by_type (GTK_WIDGET (fixture->lesson), GTK_TYPE_SPIN_BUTTON);
  double latency;

  g_assert_nonnull (spin);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 200);

  report = start_then_stop (fixture->lesson);
  latency = json_object_get_double_member (report, "cancel_latency_ms");
  g_test_message ("looking every 200 ms, the worker stopped %.2f ms after the click", latency);

  g_assert_cmpstr (state_of (report), ==, "cancelled");
  g_assert_cmpint (json_object_get_int_member (report, "look_every_ms"), ==, 200);
  g_assert_cmpfloat (latency, >=, 0);
  g_assert_cmpfloat (latency, <, 200 + LATENCY_BOUND_MS);
}

static void
test_start_and_stop (void)
{
  g_auto(ThawTestRun) run = { 0 };
  g_autofree char *path = thaw_test_tmp_path ("report.json");
  g_autofree char *autoquit = g_strdup_printf ("%d", (int) (4 * thaw_test_time_scale ()));
  g_autoptr(JsonObject) report = NULL;

  thaw_test_run_thaw (&run, NULL, "--run", "cancel", "--activate", "start-and-stop",
                      "--autoquit", autoquit, "--report", path, NULL);
  g_assert_cmpint (run.exit_status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");

  report = thaw_test_load_report (path);
  g_test_message ("cancel latency %.2f ms, delivered after %.2f ms, main loop max %.1f ms",
                  json_object_get_double_member (report, "cancel_latency_ms"),
                  json_object_get_double_member (report, "cancel_delivered_ms"),
                  json_object_get_double_member (report, "max_ms"));
  g_assert_cmpstr (state_of (report), ==, "cancelled");
  g_assert_cmpint (json_object_get_int_member (report, "cancels"), ==, 1);
  g_assert_cmpfloat (json_object_get_double_member (report, "cancel_latency_ms"), >=, 0);
  g_assert_cmpfloat (json_object_get_double_member (report, "cancel_latency_ms"), <, LATENCY_BOUND_MS);
  g_assert_cmpfloat (json_object_get_double_member (report, "max_ms"), <, thaw_test_lateness_bound_ms ());
}

static void
test_stop_twice_and_after (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(JsonObject) cancelled = NULL;
  g_autoptr(JsonObject) finished = NULL;
  g_autoptr(JsonObject) after = NULL;
  guint threads_before = thaw_test_count_threads ();

  /* Twice in a row: the first press cancels, the second finds nothing more
   * to do (the action is disabled, and the handler ignores it anyway). */
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));
  thaw_test_iterate_for (0.3);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "stop"));
  thaw_lesson_activate_verb (fixture->lesson, "stop");
  thaw_test_iterate_until (job_ended, fixture->lesson, 10 * thaw_test_time_scale ());

  cancelled = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (state_of (cancelled), ==, "cancelled");
  g_assert_cmpint (json_object_get_int_member (cancelled, "cancels"), ==, 1);
  g_assert_cmpuint (thaw_test_count_threads (), <=, threads_before);

  /* A new run gets a new cancellable and goes to the end, exactly. */
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));
  thaw_test_iterate_until (job_ended, fixture->lesson, 30 * thaw_test_time_scale ());
  finished = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (state_of (finished), ==, "succeeded");
  g_assert_cmpstr (json_object_get_string_member (finished, "checksum"), ==, FULL_CHECKSUM);
  g_assert_cmpfloat (json_object_get_double_member (finished, "progress"), ==, 1.0);
  g_assert_cmpint (json_object_get_int_member (finished, "runs"), ==, 2);

  /* After the end: nothing to stop, nothing changes. */
  thaw_lesson_activate_verb (fixture->lesson, "stop");
  thaw_test_iterate_for (0.1);
  after = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (state_of (after), ==, "succeeded");
  g_assert_cmpint (json_object_get_int_member (after, "cancels"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (after, "late_stops"), ==, 0);
  g_assert_cmpuint (thaw_test_count_threads (), <=, threads_before);
}

static void
test_stop_near_end (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;
  guint threads_before = thaw_test_count_threads ();
  const char *state;

  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));
  thaw_test_iterate_until (nearly_done, fixture->lesson, 30 * thaw_test_time_scale ());
  thaw_lesson_activate_verb (fixture->lesson, "stop");
  thaw_test_iterate_until (job_ended, fixture->lesson, 10 * thaw_test_time_scale ());

  report = thaw_test_lesson_report (fixture->lesson);
  state = state_of (report);
  g_test_message ("stopped at 99 %%: %s", state);

  /* Either the worker noticed in time, or it had finished and its result
   * is complete. Never a failure, never a half result, no thread left. */
  if (g_str_equal (state, "cancelled"))
    {
      g_assert_cmpint (json_object_get_int_member (report, "cancels"), ==, 1);
      g_assert_cmpfloat (json_object_get_double_member (report, "cancel_latency_ms"), <, LATENCY_BOUND_MS);
      g_assert_true (json_object_get_null_member (report, "checksum"));
    }
  else
    {
      g_assert_cmpstr (state, ==, "succeeded");
      g_assert_cmpint (json_object_get_int_member (report, "cancels"), ==, 0);
      g_assert_cmpstr (json_object_get_string_member (report, "checksum"), ==, FULL_CHECKSUM);
    }
  g_assert_cmpuint (thaw_test_count_threads (), <=, threads_before);
}

static void
test_no_check (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;

  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "no-check"));
  thaw_test_iterate_for (0.2);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "stop"));
  thaw_test_iterate_until (job_ended, fixture->lesson, 60 * thaw_test_time_scale ());

  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  g_assert_cmpstr (json_object_get_string_member (report, "job_mode"), ==, "no-check");
  g_assert_cmpint (json_object_get_int_member (report, "ignored_stops"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (report, "cancels"), ==, 0);
  g_assert_cmpfloat (json_object_get_double_member (report, "progress"), ==, 1.0);
  g_assert_cmpfloat (json_object_get_double_member (report, "stop_ignored_ms"), >, 0);
  g_assert_cmpuint (strlen (json_object_get_string_member (report, "checksum")), ==, 64);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/thaw/cancel/no-check", Fixture, NULL,
              fixture_set_up, test_no_check, fixture_tear_down);
  g_test_add ("/thaw/cancel/latency", Fixture, NULL,
              fixture_set_up, test_latency, fixture_tear_down);
  g_test_add ("/thaw/cancel/latency-follows-look", Fixture, NULL,
              fixture_set_up, test_latency_follows_look, fixture_tear_down);
  g_test_add_func ("/thaw/cancel/start-and-stop", test_start_and_stop);
  g_test_add ("/thaw/cancel/stop-twice-and-after", Fixture, NULL,
              fixture_set_up, test_stop_twice_and_after, fixture_tear_down);
  g_test_add ("/thaw/cancel/stop-near-end", Fixture, NULL,
              fixture_set_up, test_stop_near_end, fixture_tear_down);

  return g_test_run ();
}
