/* test-lesson-thread-local.c — what the thread-local lesson teaches, checked
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   once-per-thread  the GPrivate's destroy notify ran exactly once for
 *                    every thread, and each thread's own counter ended at
 *                    exactly its own number of lines (nothing shared), no
 *                    read of its value found another thread's;
 *   as-they-exit     the notifies arrive while other threads still run,
 *                    one per exited thread;
 *   stop             threads stopped early still get their destroy notify,
 *                    and none is left behind;
 *   shared-global    the wrong way: with one global for every thread, reads
 *                    find another thread's value, counted, and the headline
 *                    says how many; Stop still joins every thread.
 */

#include "config.h"

#include "thaw-lesson.h"
#include "thaw-lesson-page.h"
#include "thaw-test-util.h"

/* The name the lesson gives its threads. */
#define LESSON_THREAD "thaw-scratch"

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

static gboolean
run_is_over (gpointer data)
{
  g_autoptr(JsonObject) report = thaw_test_lesson_report (data);
  const char *state = json_object_get_string_member (report, "job_state");

  return !g_str_equal (state, "running") && !g_str_equal (state, "idle");
}

static gboolean
some_notify_ran (gpointer data)
{
  g_autoptr(JsonObject) report = thaw_test_lesson_report (data);

  return json_object_get_int_member (report, "destroy_notifies") > 0;
}

static gboolean
some_reads_mixed (gpointer data)
{
  g_autoptr(JsonObject) report = thaw_test_lesson_report (data);

  return json_object_get_int_member (report, "mixed") >= 5;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *page;

  fixture->heartbeat = thaw_heartbeat_new (0);
  fixture->window = gtk_window_new ();
  page = thaw_lesson_page_new (thaw_lessons_find ("thread-local"), fixture->heartbeat);
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

static void
wait_for_end (Fixture *fixture)
{
  thaw_test_iterate_until (run_is_over, fixture->lesson, 20 * thaw_test_time_scale ());
  g_assert_cmpuint (thaw_test_count_threads_named (LESSON_THREAD), ==, 0);
}

/* One destroy notify per thread, and per thread exactly one. */
static void
assert_one_notify_each (JsonObject *report,
                        guint       n_threads)
{
  JsonArray *notifies = json_object_get_array_member (report, "notifies_per_thread");

  g_assert_cmpint (json_object_get_int_member (report, "threads"), ==, n_threads);
  g_assert_cmpint (json_object_get_int_member (report, "destroy_notifies"), ==, n_threads);
  g_assert_cmpuint (json_array_get_length (notifies), ==, n_threads);
  for (guint i = 0; i < n_threads; i++)
    g_assert_cmpint (json_array_get_int_element (notifies, i), ==, 1);
}

static void
test_once_per_thread (Fixture       *fixture,
                      gconstpointer  data)
{
  const guint n_threads[] = { 1, 4, 9 };

  for (guint i = 0; i < G_N_ELEMENTS (n_threads); i++)
    {
      g_autoptr(JsonObject) report = NULL;
      JsonArray *values, *planned;

      g_object_set (fixture->lesson, "threads", n_threads[i], NULL);
      g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));
      g_assert_false (can_click (fixture->lesson, "start"));
      wait_for_end (fixture);

      report = thaw_test_lesson_report (fixture->lesson);
      g_test_message ("%u threads: %" G_GINT64_FORMAT " destroy notifies, the latest %.3f ms after its thread returned",
                      n_threads[i],
                      json_object_get_int_member (report, "destroy_notifies"),
                      json_object_get_double_member (report, "notify_delay_ms_max"));
      g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
      assert_one_notify_each (report, n_threads[i]);
      /* Measured: every read of the GPrivate found the thread's own. */
      g_assert_cmpint (json_object_get_int_member (report, "mixed"), ==, 0);
      g_assert_cmpint (json_object_get_int_member (report, "reads"), >, 0);

      /* Each thread counted its own lines and nobody else's: with a shared
       * counter they would have added up. The plans differ from thread to
       * thread, so a mix-up of values would show too. */
      values = json_object_get_array_member (report, "values");
      planned = json_object_get_array_member (report, "planned");
      g_assert_cmpuint (json_array_get_length (values), ==, n_threads[i]);
      for (guint t = 0; t < n_threads[i]; t++)
        {
          g_assert_cmpint (json_array_get_int_element (values, t), ==,
                           json_array_get_int_element (planned, t));
          if (t > 0)
            g_assert_cmpint (json_array_get_int_element (planned, t), >,
                             json_array_get_int_element (planned, t - 1));
        }
    }
}

static void
test_as_they_exit (Fixture       *fixture,
                   gconstpointer  data)
{
  const guint n_threads = 4;
  g_autoptr(JsonObject) early = NULL;
  g_autoptr(JsonObject) report = NULL;
  gint64 notifies;

  g_object_set (fixture->lesson, "threads", n_threads, NULL);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));

  /* The first thread has half the lines of the last one: when its notify
   * arrives, the last one is still running, with its own still to come. */
  thaw_test_iterate_until (some_notify_ran, fixture->lesson, 10 * thaw_test_time_scale ());
  early = thaw_test_lesson_report (fixture->lesson);
  notifies = json_object_get_int_member (early, "destroy_notifies");
  g_test_message ("first news: %" G_GINT64_FORMAT " of %u notifies, %u threads alive",
                  notifies, n_threads, thaw_test_count_threads_named (LESSON_THREAD));
  g_assert_cmpstr (json_object_get_string_member (early, "job_state"), ==, "running");
  g_assert_cmpint (notifies, <, n_threads);
  g_assert_cmpuint (thaw_test_count_threads_named (LESSON_THREAD), >, 0);

  wait_for_end (fixture);
  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  assert_one_notify_each (report, n_threads);
}

static void
test_stop (Fixture       *fixture,
           gconstpointer  data)
{
  const guint n_threads = 6;
  g_autoptr(JsonObject) report = NULL;
  JsonArray *values, *planned;

  g_object_set (fixture->lesson, "threads", n_threads, NULL);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));
  thaw_test_iterate_for (0.4);
  g_assert_cmpuint (thaw_test_count_threads_named (LESSON_THREAD), ==, n_threads);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "stop"));

  thaw_test_iterate_until (run_is_over, fixture->lesson, 2 * thaw_test_time_scale ());
  g_assert_cmpuint (thaw_test_count_threads_named (LESSON_THREAD), ==, 0);

  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "cancelled");
  assert_one_notify_each (report, n_threads);

  values = json_object_get_array_member (report, "values");
  planned = json_object_get_array_member (report, "planned");
  for (guint t = 0; t < n_threads; t++)
    {
      g_assert_cmpint (json_array_get_int_element (values, t), >, 0);
      g_assert_cmpint (json_array_get_int_element (values, t), <,
                       json_array_get_int_element (planned, t));
    }
}

static void
test_shared_global (Fixture       *fixture,
                    gconstpointer  data)
{
  const guint n_threads = 3;
  g_autoptr(JsonObject) report = NULL;
  g_autofree char *expected = NULL;
  JsonArray *per_thread;
  gint64 mixed, reads, sum = 0;

  g_object_set (fixture->lesson, "threads", n_threads, NULL);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "shared-global"));
  g_assert_false (can_click (fixture->lesson, "start"));

  /* The threads write the global before each line and read it back 10 ms
   * later, while the others write theirs: a few lines in, some reads have
   * found another thread's value. Then Stop, to keep the test short. */
  thaw_test_iterate_until (some_reads_mixed, fixture->lesson, 10 * thaw_test_time_scale ());
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "stop"));
  wait_for_end (fixture);

  report = thaw_test_lesson_report (fixture->lesson);
  mixed = json_object_get_int_member (report, "mixed");
  reads = json_object_get_int_member (report, "reads");
  g_test_message ("shared global, %u threads: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
                  " reads found another thread's value", n_threads, mixed, reads);

  g_assert_cmpstr (json_object_get_string_member (report, "job_mode"), ==, "shared-global");
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "cancelled");
  g_assert_cmpint (json_object_get_int_member (report, "threads"), ==, n_threads);
  /* No GPrivate, so no destroy notify. */
  g_assert_cmpint (json_object_get_int_member (report, "destroy_notifies"), ==, 0);
  g_assert_cmpint (mixed, >=, 5);
  g_assert_cmpint (mixed, <=, reads);

  /* The total is the threads' own counts added up. */
  per_thread = json_object_get_array_member (report, "mixed_per_thread");
  g_assert_cmpuint (json_array_get_length (per_thread), ==, n_threads);
  for (guint i = 0; i < n_threads; i++)
    sum += json_array_get_int_element (per_thread, i);
  g_assert_cmpint (sum, ==, mixed);

  /* The headline is the measured count. */
  expected = g_strdup_printf ("%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT, mixed, reads);
  g_assert_cmpstr (json_object_get_string_member (report, "headline"), ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/thaw/thread-local/shared-global", Fixture, NULL,
              fixture_set_up, test_shared_global, fixture_tear_down);
  g_test_add ("/thaw/thread-local/once-per-thread", Fixture, NULL,
              fixture_set_up, test_once_per_thread, fixture_tear_down);
  g_test_add ("/thaw/thread-local/as-they-exit", Fixture, NULL,
              fixture_set_up, test_as_they_exit, fixture_tear_down);
  g_test_add ("/thaw/thread-local/stop", Fixture, NULL,
              fixture_set_up, test_stop, fixture_tear_down);

  return g_test_run ();
}
