/* test-lesson-queue.c — what the queue lesson teaches, checked
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   to-the-end        200 items go through: produced == consumed == 200,
 *                     the queue never held more than its capacity, and with
 *                     the faster producer it did fill up and the producer
 *                     waited (back-pressure), for several capacities;
 *   stop-early        Stop with a full queue ends the run cleanly: the
 *                     consumer uses every queued item, produced == consumed;
 *   live-speeds       the sliders act on a running pair of threads;
 *   close-when-full   closing the window with a full queue and a slow
 *                     consumer still ends both threads within two seconds;
 *   unbounded         the wrong way with no bound: the queue and the memory
 *                     it holds climb far past the capacity, the producer
 *                     never waits, the status and the headline say how far,
 *                     and the run still ends with every item used;
 *   no-sentinel       the wrong way with no sentinel: once every item is
 *                     used the run goes on, the consumer's wait measured and
 *                     shown, its thread alive; Stop ends it, counted, and
 *                     every thread is joined.
 */

#include "config.h"

#include "thaw-lesson.h"
#include "thaw-lesson-page.h"
#include "thaw-test-util.h"

/* The items of a run (QUEUE_ITEMS_PER_RUN). */
#define QUEUE_ITEMS 200

typedef struct
{
  ThawHeartbeat *heartbeat;
  GtkWidget *window;
  ThawLesson *lesson;
  guint threads_before;
} Fixture;

static gint64
get_int (ThawLesson *lesson,
         const char *member)
{
  g_autoptr(JsonObject) report = thaw_test_lesson_report (lesson);

  return json_object_get_int_member (report, member);
}

static gboolean
run_is_over (gpointer data)
{
  g_autoptr(JsonObject) report = thaw_test_lesson_report (data);
  const char *state = json_object_get_string_member (report, "job_state");

  return !g_str_equal (state, "running") && !g_str_equal (state, "idle");
}

static gboolean
threads_are_back (gpointer data)
{
  Fixture *fixture = data;

  return thaw_test_count_threads () <= fixture->threads_before;
}

static gboolean
queue_is_full (gpointer data)
{
  ThawLesson *lesson = data;

  return get_int (lesson, "max_depth") == get_int (lesson, "capacity");
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *page;

  fixture->heartbeat = thaw_heartbeat_new (0);
  thaw_heartbeat_start (fixture->heartbeat, NULL);
  fixture->window = gtk_window_new ();
  page = thaw_lesson_page_new (thaw_lessons_find ("queue"), fixture->heartbeat);
  fixture->lesson = thaw_lesson_page_get_lesson (THAW_LESSON_PAGE (page));
  gtk_window_set_child (GTK_WINDOW (fixture->window), page);
  gtk_window_present (GTK_WINDOW (fixture->window));
  thaw_test_iterate_for (0.3);

  fixture->threads_before = thaw_test_count_threads ();
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

  thaw_test_iterate_until (threads_are_back, fixture, 2 * thaw_test_time_scale ());
  thaw_heartbeat_stop (fixture->heartbeat);
  thaw_test_iterate_for (0.1);
  g_assert_finalize_object (fixture->heartbeat);
}

/* The end of every run, however it ended: the counts agree, the bound held,
 * and both threads are gone. */
static JsonObject *
check_clean_end (Fixture    *fixture,
                 const char *expected_state)
{
  g_autoptr(JsonObject) report = thaw_test_lesson_report (fixture->lesson);
  gint64 produced = json_object_get_int_member (report, "produced");
  gint64 consumed = json_object_get_int_member (report, "consumed");
  gint64 capacity = json_object_get_int_member (report, "capacity");
  gint64 max_depth = json_object_get_int_member (report, "max_depth");

  g_test_message ("%s: produced %" G_GINT64_FORMAT ", consumed %" G_GINT64_FORMAT
                  ", capacity %" G_GINT64_FORMAT ", deepest %" G_GINT64_FORMAT
                  ", producer waited %" G_GINT64_FORMAT " times, %.2f s",
                  json_object_get_string_member (report, "job_state"),
                  produced, consumed, capacity, max_depth,
                  json_object_get_int_member (report, "producer_waits"),
                  json_object_get_double_member (report, "job_seconds"));

  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, expected_state);
  g_assert_cmpint (produced, ==, consumed);
  g_assert_cmpint (max_depth, <=, capacity);

  thaw_test_iterate_until (threads_are_back, fixture, 2 * thaw_test_time_scale ());

  return g_steal_pointer (&report);
}

static void
test_to_the_end (Fixture       *fixture,
                 gconstpointer  data)
{
  const guint capacities[] = { 10, 1, 4, 25 };

  for (guint i = 0; i < G_N_ELEMENTS (capacities); i++)
    {
      g_autoptr(JsonObject) report = NULL;

      /* The first run has the lesson's own defaults (a producer faster
       * than the consumer); the others are quicker versions of the same. */
      if (i > 0)
        g_object_set (fixture->lesson,
                      "capacity", capacities[i],
                      "producer-speed", 250,
                      "consumer-speed", 150,
                      NULL);

      g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));
      thaw_test_iterate_until (run_is_over, fixture->lesson, 20 * thaw_test_time_scale ());
      report = check_clean_end (fixture, "succeeded");

      g_assert_cmpint (json_object_get_int_member (report, "capacity"), ==, capacities[i]);
      g_assert_cmpint (json_object_get_int_member (report, "produced"), ==, 200);
      /* The producer is faster, so the queue filled up and it had to wait:
       * a bound that never bit would prove nothing. */
      g_assert_cmpint (json_object_get_int_member (report, "max_depth"), ==, capacities[i]);
      g_assert_cmpint (json_object_get_int_member (report, "producer_waits"), >, 0);
    }
}

static void
test_stop_early (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;
  gint64 queued;

  /* A fast producer and a slow consumer fill the queue. */
  g_object_set (fixture->lesson,
                "capacity", 15,
                "producer-speed", 250,
                "consumer-speed", 30,
                NULL);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));
  thaw_test_iterate_until (queue_is_full, fixture->lesson, 5 * thaw_test_time_scale ());

  queued = get_int (fixture->lesson, "produced") - get_int (fixture->lesson, "consumed");
  g_test_message ("stopping with about %" G_GINT64_FORMAT " items queued", queued);
  g_assert_cmpint (queued, >, 5);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "stop"));

  /* The consumer finishes the queued items at its own pace: half a second
   * for fifteen at thirty a second. */
  thaw_test_iterate_until (run_is_over, fixture->lesson, 10 * thaw_test_time_scale ());
  report = check_clean_end (fixture, "cancelled");
  g_assert_cmpint (json_object_get_int_member (report, "produced"), <, 200);
  g_assert_cmpint (json_object_get_int_member (report, "consumed"), >=, queued);

  /* A stop right after the start is clean too, and the lesson runs again. */
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "stop"));
  thaw_test_iterate_until (run_is_over, fixture->lesson, 10 * thaw_test_time_scale ());
  g_clear_pointer (&report, json_object_unref);
  report = check_clean_end (fixture, "cancelled");
}

static void
test_live_speeds (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;
  gint64 started_at = g_get_monotonic_time ();
  double seconds;

  /* At five items a second, 200 items would take forty seconds... */
  g_object_set (fixture->lesson, "producer-speed", 5, "consumer-speed", 5, NULL);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));
  thaw_test_iterate_for (0.5);
  g_assert_cmpint (get_int (fixture->lesson, "produced"), <=, 4);

  /* ...but the threads read the sliders as they go. */
  g_object_set (fixture->lesson, "producer-speed", 250, "consumer-speed", 250, NULL);
  thaw_test_iterate_until (run_is_over, fixture->lesson, 15 * thaw_test_time_scale ());
  seconds = (g_get_monotonic_time () - started_at) / (double) G_USEC_PER_SEC;
  report = check_clean_end (fixture, "succeeded");
  g_test_message ("200 items in %.2f s after speeding up", seconds);
  g_assert_cmpint (json_object_get_int_member (report, "consumed"), ==, 200);
  g_assert_cmpfloat (seconds, <, 10 * thaw_test_time_scale ());
}

static void
test_close_when_full (Fixture       *fixture,
                      gconstpointer  data)
{
  gint64 start;

  /* Fifty items queued for a consumer doing five a second: ten seconds of
   * work that the closing window must not wait for. */
  g_object_set (fixture->lesson,
                "capacity", 50,
                "producer-speed", 250,
                "consumer-speed", 5,
                NULL);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));
  thaw_test_iterate_until (queue_is_full, fixture->lesson, 5 * thaw_test_time_scale ());

  start = g_get_monotonic_time ();
  g_object_add_weak_pointer (G_OBJECT (fixture->lesson), (gpointer *) &fixture->lesson);
  gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&fixture->window)));
  g_assert_null (fixture->lesson);
  thaw_test_iterate_until (threads_are_back, fixture, 2 * thaw_test_time_scale ());
  g_test_message ("closed with a full queue in %.1f ms", (g_get_monotonic_time () - start) / 1000.0);
}

/* The label of the page's status line. */
static const char *
status_text (ThawLesson *lesson)
{
  GObject *status = gtk_widget_get_template_child (GTK_WIDGET (lesson), G_OBJECT_TYPE (lesson), "status");

  return gtk_label_get_text (GTK_LABEL (status));
}

static void
test_unbounded (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;
  gint64 max_depth;
  g_autofree char *times = NULL;
  g_autofree char *depth = NULL;

  /* The producer a little faster: 200 items in a second, and the queue
   * about 40 deep when the last is made. */
  g_object_set (fixture->lesson,
                "capacity", 5,
                "producer-speed", 250,
                "consumer-speed", 200,
                NULL);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "unbounded"));
  thaw_test_iterate_until (run_is_over, fixture->lesson, 10 * thaw_test_time_scale ());

  report = thaw_test_lesson_report (fixture->lesson);
  max_depth = json_object_get_int_member (report, "max_depth");
  g_test_message ("no bound: deepest %" G_GINT64_FORMAT " for a capacity of 5, %" G_GINT64_FORMAT
                  " bytes at most; %s", max_depth, json_object_get_int_member (report, "max_bytes_held"),
                  status_text (fixture->lesson));
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  g_assert_cmpstr (json_object_get_string_member (report, "job_mode"), ==, "unbounded");
  g_assert_cmpint (json_object_get_int_member (report, "capacity"), ==, 5);
  g_assert_cmpint (max_depth, >, 3 * 5);
  g_assert_cmpint (json_object_get_int_member (report, "producer_waits"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (report, "max_bytes_held"), >=, max_depth * 64 * 1024);
  /* It ends all the same: every item used, the queue and its memory empty. */
  g_assert_cmpint (json_object_get_int_member (report, "produced"), ==, 200);
  g_assert_cmpint (json_object_get_int_member (report, "consumed"), ==, 200);
  g_assert_cmpint (json_object_get_int_member (report, "bytes_held"), ==, 0);

  /* How far it climbed, said against the capacity. */
  times = g_strdup_printf ("%.1f times the capacity of 5", max_depth / 5.0);
  depth = g_strdup_printf ("%" G_GINT64_FORMAT " items · ", max_depth);
  g_assert_nonnull (strstr (status_text (fixture->lesson), times));
  g_assert_cmpstr (json_object_get_string_member (report, "headline_caption"), ==,
                   "Deepest the queue got, with no bound");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (report, "headline"), depth));
  thaw_test_iterate_until (threads_are_back, fixture, 2 * thaw_test_time_scale ());
}

static gboolean
waits_for_nothing (gpointer data)
{
  g_autoptr(JsonObject) report = thaw_test_lesson_report (data);

  return json_object_get_boolean_member (report, "producer_done") &&
         json_object_get_int_member (report, "consumed") == QUEUE_ITEMS &&
         json_object_get_double_member (report, "consumer_wait_ms") >= 300;
}

static void
test_no_sentinel (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(JsonObject) waiting = NULL;
  g_autoptr(JsonObject) report = NULL;

  /* 200 items in 0.8 s, then the wait for an item that never comes. */
  g_object_set (fixture->lesson, "producer-speed", 250, "consumer-speed", 250, NULL);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "no-sentinel"));
  thaw_test_iterate_until (waits_for_nothing, fixture->lesson, 5 * thaw_test_time_scale ());

  /* Every item is used, and yet the run goes on: the consumer's thread is
   * alive, waiting, and the page says for how long. */
  waiting = thaw_test_lesson_report (fixture->lesson);
  g_test_message ("%s", status_text (fixture->lesson));
  g_assert_cmpstr (json_object_get_string_member (waiting, "job_state"), ==, "running");
  g_assert_cmpstr (json_object_get_string_member (waiting, "job_mode"), ==, "no-sentinel");
  g_assert_cmpint (json_object_get_int_member (waiting, "produced"), ==, QUEUE_ITEMS);
  g_assert_cmpuint (thaw_test_count_threads_named ("thaw-consumer"), ==, 1);
  g_assert_nonnull (strstr (status_text (fixture->lesson), "nothing will ever come"));
  g_assert_nonnull (strstr (status_text (fixture->lesson), "the consumer has waited"));

  /* Stop is the way out: the run ends, counted, and the threads are joined. */
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "stop"));
  thaw_test_iterate_until (run_is_over, fixture->lesson, 2 * thaw_test_time_scale ());
  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "cancelled");
  g_assert_cmpint (json_object_get_int_member (report, "rescued_by_stop"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (report, "consumed"), ==, QUEUE_ITEMS);
  g_assert_cmpfloat (json_object_get_double_member (report, "consumer_wait_ms"), >=,
                     json_object_get_double_member (waiting, "consumer_wait_ms"));
  g_assert_cmpstr (json_object_get_string_member (report, "headline_caption"), ==,
                   "The consumer waited for an item that never came");
  thaw_test_iterate_until (threads_are_back, fixture, 2 * thaw_test_time_scale ());
  g_assert_cmpuint (thaw_test_count_threads_named ("thaw-consumer"), ==, 0);
  g_assert_cmpuint (thaw_test_count_threads_named ("thaw-producer"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/thaw/queue/to-the-end", Fixture, NULL,
              fixture_set_up, test_to_the_end, fixture_tear_down);
  g_test_add ("/thaw/queue/stop-early", Fixture, NULL,
              fixture_set_up, test_stop_early, fixture_tear_down);
  g_test_add ("/thaw/queue/live-speeds", Fixture, NULL,
              fixture_set_up, test_live_speeds, fixture_tear_down);
  g_test_add ("/thaw/queue/close-when-full", Fixture, NULL,
              fixture_set_up, test_close_when_full, fixture_tear_down);
  g_test_add ("/thaw/queue/unbounded", Fixture, NULL,
              fixture_set_up, test_unbounded, fixture_tear_down);
  g_test_add ("/thaw/queue/no-sentinel", Fixture, NULL,
              fixture_set_up, test_no_sentinel, fixture_tear_down);

  return g_test_run ();
}
