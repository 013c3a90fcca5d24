/* test-lesson-pool.c — what the pool lesson teaches, checked
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   each-way       each of the three ways delivers all the results, each
 *                  exactly once and for the right task, and the ordered view
 *                  reads 0, 1, 2, …; a thread per task really uses a thread
 *                  per task, the pool only as many as it was given; the
 *                  GTask button returns at once and the main loop never
 *                  hangs while the GTasks go in;
 *   compare        one click runs all three and measures each;
 *   no-inner-scrolling  the lists show their last rows in a table of fixed
 *                  height, with titled columns, and nothing in the lesson
 *                  scrolls on its own: the wheel scrolls the page;
 *   stop           Stop ends a run of each kind early and leaves no thread of
 *                  the lesson behind;
 *   log            with G_MESSAGES_DEBUG=Thaw the program's own log carries a
 *                  line per task naming the pool thread that ran it.
 */

#include "config.h"

#include "thaw-lesson.h"
#include "thaw-lesson-page.h"
#include "thaw-test-util.h"

#define N_TASKS 50000

typedef struct
{
  ThawHeartbeat *heartbeat;
  GtkWidget *window;
  ThawLesson *lesson;
} Fixture;

static guint
count_lesson_threads (void)
{
  return thaw_test_count_threads_with_prefix ("thaw-task-") +
         thaw_test_count_threads_with_prefix ("thaw-pool-") +
         thaw_test_count_threads_with_prefix ("thaw-starter");
}

/* A thread that was joined or told to stop leaves /proc a moment later. */
static void
assert_no_lesson_threads (void)
{
  gint64 deadline = g_get_monotonic_time () + G_USEC_PER_SEC * (gint64) thaw_test_time_scale ();

  while (count_lesson_threads () > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }
}

static const char *
get_state (ThawLesson *lesson)
{
  g_autoptr(JsonObject) report = thaw_test_lesson_report (lesson);
  static char state[32];

  g_strlcpy (state, json_object_get_string_member (report, "job_state"), sizeof state);
  return state;
}

static void
wait_for_state (ThawLesson *lesson,
                const char *state,
                double      seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (!g_str_equal (get_state (lesson), state))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
}

static void
wait_for_end (ThawLesson *lesson,
              double      seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_str_equal (get_state (lesson), "running"))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
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
  page = thaw_lesson_page_new (thaw_lessons_find ("pool"), fixture->heartbeat);
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
  assert_no_lesson_threads ();

  thaw_heartbeat_stop (fixture->heartbeat);
  thaw_test_iterate_for (0.2);
  g_assert_finalize_object (fixture->heartbeat);
}

static gint64
get_threads (JsonObject *report,
             const char *key)
{
  g_autofree char *member = g_strconcat (key, "_threads", NULL);

  return json_object_get_int_member (report, member);
}

/* The figures the report gives for one way, checked. */
static void
assert_way_complete (JsonObject *report,
                     const char *key)
{
  g_autofree char *results = g_strconcat (key, "_results", NULL);
  g_autofree char *duplicates = g_strconcat (key, "_duplicates", NULL);
  g_autofree char *wrong = g_strconcat (key, "_wrong_results", NULL);
  g_autofree char *in_order = g_strconcat (key, "_in_order", NULL);
  g_autofree char *tps = g_strconcat (key, "_tasks_per_second", NULL);

  g_test_message ("%s: %.0f tasks per second, %" G_GINT64_FORMAT " threads",
                  key, json_object_get_double_member (report, tps), get_threads (report, key));
  g_assert_cmpint (json_object_get_int_member (report, results), ==, N_TASKS);
  g_assert_cmpint (json_object_get_int_member (report, duplicates), ==, 0);
  g_assert_cmpint (json_object_get_int_member (report, wrong), ==, 0);
  g_assert_true (json_object_get_boolean_member (report, in_order));
  g_assert_cmpfloat (json_object_get_double_member (report, tps), >, 0);
}

static void
test_each_way (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;
  guint cores = g_get_num_processors ();
  guint alive;
  ThawLatencyStats stats;
  gint64 since;
  double click_ms;

  /* 50,000 tasks a way (50,000 threads started and joined, 50,000
   * GTasks) take minutes under ASan. The pool's work runs under ASan and
   * TSan in work-pool, and this page under ASan in stop,
   * no-inner-scrolling and log. */
  if (thaw_test_time_scale () > 1.0)
    {
      g_test_skip ("every task of every way is run in the plain build");
      return;
    }

  /* A thread per task: its threads come and go, joined as they end; the
   * report below counts them all. */
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "thread-per-task"));
  thaw_test_iterate_for (0.15);
  alive = thaw_test_count_threads_with_prefix ("thaw-task-");
  g_test_message ("thread per task: %u task threads alive at 0.15 s", alive);
  g_assert_cmpuint (thaw_test_count_threads_with_prefix ("thaw-pool-"), ==, 0);
  wait_for_end (fixture->lesson, 30 * thaw_test_time_scale ());
  assert_no_lesson_threads ();

  /* The pool: exactly its own threads, and never a thread per task. */
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));
  thaw_test_iterate_for (0.15);
  g_assert_cmpuint (thaw_test_count_threads_with_prefix ("thaw-task-"), ==, 0);
  g_assert_cmpuint (thaw_test_count_threads_with_prefix ("thaw-pool-"), ==, cores);
  wait_for_end (fixture->lesson, 30 * thaw_test_time_scale ());
  assert_no_lesson_threads ();

  /* GTasks: the click returns at once, and the main loop answers all
   * through the run. Making and submitting fifty thousand GTasks takes the
   * main thread 0.1 s or more: they go in slices, from the main loop. */
  since = g_get_monotonic_time ();
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "gtask"));
  click_ms = (g_get_monotonic_time () - since) / 1000.0;
  wait_for_end (fixture->lesson, 60 * thaw_test_time_scale ());
  thaw_heartbeat_get_stats_since (fixture->heartbeat, since, &stats);
  g_test_message ("gtask: the click took %.1f ms, the main loop waited %.1f ms at most", click_ms, stats.max_ms);
  g_assert_cmpfloat (click_ms, <, 50 * thaw_test_time_scale ());
  g_assert_cmpfloat (stats.max_ms, <, thaw_test_lateness_bound_ms ());

  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  g_assert_cmpint (json_object_get_int_member (report, "tasks"), ==, N_TASKS);

  assert_way_complete (report, "thread_per_task");
  assert_way_complete (report, "pool");
  assert_way_complete (report, "gtask");

  g_assert_cmpint (get_threads (report, "thread_per_task"), ==, N_TASKS);
  g_assert_cmpint (get_threads (report, "pool"), >=, 1);
  g_assert_cmpint (get_threads (report, "pool"), <=, cores);
  g_assert_cmpint (get_threads (report, "gtask"), >=, 1);
  g_assert_cmpint (get_threads (report, "gtask"), <, N_TASKS);

  /* A log line per task, for each of the three runs. */
  g_assert_cmpint (json_object_get_int_member (report, "log_lines"), ==, 3 * N_TASKS);
}

static void
test_compare (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;

  /* 50,000 tasks a way (50,000 threads started and joined, 50,000
   * GTasks) take minutes under ASan. The pool's work runs under ASan and
   * TSan in work-pool, and this page under ASan in stop,
   * no-inner-scrolling and log. */
  if (thaw_test_time_scale () > 1.0)
    {
      g_test_skip ("every task of every way is run in the plain build");
      return;
    }

  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "compare"));
  /* Three runs back to back: "running" from the first to the last. */
  wait_for_end (fixture->lesson, 60 * thaw_test_time_scale ());

  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  g_assert_cmpstr (json_object_get_string_member (report, "way"), ==, "gtask");
  assert_way_complete (report, "thread_per_task");
  assert_way_complete (report, "pool");
  assert_way_complete (report, "gtask");
  assert_no_lesson_threads ();

  /* What the lesson says, with its defaults. The bound is in
   * tests/work/test-pool-work.c: here the window's own drawing takes a core
   * of the two (Xvfb, the cairo renderer), and a thread that lives a few
   * microseconds slips past the scheduler's weighting of background
   * priority, which a pool's long-lived threads do not. */
  g_test_message ("tasks per second: pool %.0f, a thread per task %.0f",
                  json_object_get_double_member (report, "pool_tasks_per_second"),
                  json_object_get_double_member (report, "thread_per_task_tasks_per_second"));
}

static gboolean
is_allocated (gpointer widget)
{
  return gtk_widget_get_height (widget) > 0;
}

/* Columns with titles, a fixed number of rows, and no scrolled window
 * between the lesson and the page's own. */
static void
test_no_inner_scrolling (Fixture       *fixture,
                         gconstpointer  data)
{
  GtkWidget *lesson = GTK_WIDGET (fixture->lesson);
  g_autoptr(GPtrArray) views = g_ptr_array_new ();
  int height;

  thaw_test_collect_widgets (lesson, GTK_TYPE_SCROLLED_WINDOW, views);
  g_assert_cmpuint (views->len, ==, 0);

  thaw_test_collect_widgets (lesson, GTK_TYPE_COLUMN_VIEW, views);
  g_assert_cmpuint (views->len, ==, 3);
  for (guint i = 0; i < views->len; i++)
    {
      GListModel *columns = gtk_column_view_get_columns (g_ptr_array_index (views, i));

      g_assert_cmpuint (g_list_model_get_n_items (columns), >=, 3);
      for (guint c = 0; c < g_list_model_get_n_items (columns); c++)
        {
          g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, c);

          g_assert_cmpstr (gtk_column_view_column_get_title (column), !=, "");
        }
    }

  /* The lists keep their height as results come in. (On a loaded machine
   * the window's first layout may still be on its way.) */
  thaw_test_iterate_until (is_allocated, g_ptr_array_index (views, 0), 10 * thaw_test_time_scale ());
  height = gtk_widget_get_height (g_ptr_array_index (views, 0));
  g_assert_cmpint (height, >, 0);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));
  thaw_test_iterate_for (0.5);
  g_assert_cmpint (gtk_widget_get_height (g_ptr_array_index (views, 0)), ==, height);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "stop"));
  wait_for_end (fixture->lesson, 5 * thaw_test_time_scale ());
}

static void
test_stop (Fixture       *fixture,
           gconstpointer  data)
{
  const char *verbs[] = { "thread-per-task", "start", "gtask" };

  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    {
      g_autoptr(JsonObject) report = NULL;
      gint64 stopped_at;

      g_assert_true (thaw_lesson_activate_verb (fixture->lesson, verbs[i]));
      thaw_test_iterate_for (0.2);
      g_assert_cmpstr (get_state (fixture->lesson), ==, "running");

      stopped_at = g_get_monotonic_time ();
      g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "stop"));
      wait_for_state (fixture->lesson, "cancelled", 2 * thaw_test_time_scale ());
      g_test_message ("%s stopped in %.1f ms", verbs[i],
                      (g_get_monotonic_time () - stopped_at) / 1000.0);
      assert_no_lesson_threads ();

      report = thaw_test_lesson_report (fixture->lesson);
      g_assert_cmpint (json_object_get_int_member (report, "results"), <, N_TASKS);
      /* Nothing arrives for a stopped run after the fact. */
      thaw_test_iterate_for (0.2);
      g_clear_pointer (&report, json_object_unref);
      report = thaw_test_lesson_report (fixture->lesson);
      g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "cancelled");
    }
}

static void
test_log (void)
{
  g_auto(ThawTestRun) run = { 0 };
  const char *env[] = { "G_MESSAGES_DEBUG=Thaw", NULL };
  g_autofree char *output = NULL;
  char autoquit[G_ASCII_DTOSTR_BUF_SIZE];

  /* Until the run ends: a line per task to the terminal slows it down. The
   * autoquit is only the longest wait. */
  g_ascii_dtostr (autoquit, sizeof autoquit, 60 * thaw_test_time_scale ());
  thaw_test_run_thaw (&run, env, "--run", "pool", "--activate", "start", "--until-done",
                      "--autoquit", autoquit, NULL);
  g_assert_cmpint (run.exit_status, ==, 0);

  output = g_strconcat (run.out, run.err, NULL);
  /* Every task names its thread, and the pool's threads have the names the
   * lesson gave them. */
  g_assert_nonnull (strstr (output, "thaw-pool-1"));
  g_assert_nonnull (strstr (output, "task 49999 done"));
  g_assert_nonnull (strstr (output, "task     0 done"));
  g_assert_null (strstr (output, "thaw-task-"));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/thaw/pool/each-way", Fixture, NULL,
              fixture_set_up, test_each_way, fixture_tear_down);
  g_test_add ("/thaw/pool/compare", Fixture, NULL,
              fixture_set_up, test_compare, fixture_tear_down);
  g_test_add ("/thaw/pool/stop", Fixture, NULL,
              fixture_set_up, test_stop, fixture_tear_down);
  g_test_add ("/thaw/pool/no-inner-scrolling", Fixture, NULL,
              fixture_set_up, test_no_inner_scrolling, fixture_tear_down);
  g_test_add_func ("/thaw/pool/log", test_log);

  return g_test_run ();
}
