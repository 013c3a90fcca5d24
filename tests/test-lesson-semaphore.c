/* test-lesson-semaphore.c — what the semaphore lesson teaches, checked
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   never-more-than-n   with the semaphore and with the pool, for several
 *                       limits, no more than N jobs ever run at once, and N
 *                       do: both by the lesson's own counter and by the
 *                       lanes of its timeline, read back event by event;
 *                       the semaphore uses one thread per job, the pool N;
 *   stop                Stop ends a run early: waiting jobs give up, every
 *                       job is accounted for, and no thread is left;
 *   no-limit            the wrong way: with no semaphore, more than N jobs
 *                       run at once, by the counter and by the lanes, and
 *                       the headline says how many against the limit.
 */

#include "config.h"

#include "thaw-lesson.h"
#include "thaw-lesson-page.h"
#include "thaw-test-util.h"
#include "thaw-thread-timeline.h"

typedef struct
{
  ThawHeartbeat *heartbeat;
  GtkWidget *window;
  ThawLesson *lesson;
  guint threads_before;
} Fixture;

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

/* Replays the lesson's timeline: the most lanes that were running at the
 * same moment. Events come in the order they were recorded. */
static guint
max_running_lanes (ThawLesson *lesson,
                   guint       expected_lanes)
{
  GtkWidget *widget = find_by_type (GTK_WIDGET (lesson), THAW_TYPE_THREAD_TIMELINE);
  ThawTimeline *timeline;
  g_autofree ThawTimelineEvent *events = g_new (ThawTimelineEvent, 4096);
  g_autofree ThawLaneState *states = NULL;
  guint n_events, n_lanes, running = 0, max_running = 0, n_finished = 0;

  g_assert_nonnull (widget);
  timeline = thaw_thread_timeline_get_timeline (THAW_THREAD_TIMELINE (widget));
  g_assert_nonnull (timeline);

  n_lanes = thaw_timeline_get_n_lanes (timeline);
  g_assert_cmpuint (n_lanes, ==, expected_lanes);
  states = g_new (ThawLaneState, n_lanes);
  for (guint i = 0; i < n_lanes; i++)
    states[i] = THAW_LANE_SLEEPING;   /* "not started", for this replay */

  n_events = thaw_timeline_copy_events (timeline, G_MININT64, events, 4096);
  g_assert_cmpuint (n_events, <, 4096);

  for (guint i = 0; i < n_events; i++)
    {
      ThawTimelineEvent *event = &events[i];

      g_assert_cmpuint (event->lane, <, n_lanes);
      if (states[event->lane] == THAW_LANE_RUNNING)
        running--;
      if (event->state == THAW_LANE_RUNNING)
        running++;
      if (event->state == THAW_LANE_FINISHED)
        n_finished++;
      states[event->lane] = event->state;
      max_running = MAX (max_running, running);
    }

  /* Every job ended, once. */
  g_assert_cmpuint (n_finished, ==, n_lanes);
  g_assert_cmpuint (running, ==, 0);

  /* The strip under the lanes counts the same, from the same events, in
   * the frame it draws. */
  thaw_test_scroll_into_view (widget);
  thaw_test_iterate_for (0.3);
  g_assert_cmpfloat (thaw_thread_timeline_get_strip_peak (THAW_THREAD_TIMELINE (widget)), ==, max_running);

  return max_running;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *page;

  fixture->heartbeat = thaw_heartbeat_new (0);
  thaw_heartbeat_start (fixture->heartbeat, NULL);
  fixture->window = gtk_window_new ();
  page = thaw_lesson_page_new (thaw_lessons_find ("semaphore"), fixture->heartbeat);
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
  g_object_add_weak_pointer (G_OBJECT (fixture->lesson), (gpointer *) &fixture->lesson);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_assert_null (fixture->lesson);

  thaw_heartbeat_stop (fixture->heartbeat);
  thaw_test_iterate_for (0.1);
  g_assert_finalize_object (fixture->heartbeat);
}

/* Runs M jobs with a limit of N, one way, and checks the limit held. */
static void
check_limit (Fixture    *fixture,
             const char *verb,
             guint       n_jobs,
             guint       limit)
{
  g_autoptr(JsonObject) report = NULL;
  guint lanes_max, threads;

  g_object_set (fixture->lesson, "jobs", n_jobs, "limit", limit, NULL);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, verb));
  /* One run at a time: starting again while it runs changes nothing. */
  thaw_lesson_activate_verb (fixture->lesson, "start");
  thaw_lesson_activate_verb (fixture->lesson, "start-pool");

  thaw_test_iterate_until (run_is_over, fixture->lesson, 30 * thaw_test_time_scale ());
  report = thaw_test_lesson_report (fixture->lesson);
  lanes_max = max_running_lanes (fixture->lesson, n_jobs);
  threads = (guint) json_object_get_int_member (report, "threads");

  g_test_message ("%s, %u jobs, at most %u: max_running %" G_GINT64_FORMAT
                  ", lanes %u, %u threads, %.2f s",
                  verb, n_jobs, limit,
                  json_object_get_int_member (report, "max_running"),
                  lanes_max, threads,
                  json_object_get_double_member (report, "job_seconds"));

  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  g_assert_cmpint (json_object_get_int_member (report, "jobs"), ==, n_jobs);
  g_assert_cmpint (json_object_get_int_member (report, "limit"), ==, limit);
  g_assert_cmpint (json_object_get_int_member (report, "jobs_done"), ==, n_jobs);

  /* The invariant: never more than N. And N really ran together: the jobs
   * last a third of a second or more and start within milliseconds, so a
   * lower maximum would mean the limit was never put to the test. */
  g_assert_cmpint (json_object_get_int_member (report, "max_running"), ==, limit);
  g_assert_cmpuint (lanes_max, ==, limit);

  /* The semaphore costs a thread per job; the pool has only N. */
  if (g_str_equal (verb, "start"))
    g_assert_cmpuint (threads, ==, n_jobs);
  else
    g_assert_cmpuint (threads, <=, limit);

  /* Every thread of the run is gone (pool threads exit just after the
   * pool is freed, so give them a moment). */
  thaw_test_iterate_until (threads_are_back, fixture, 2 * thaw_test_time_scale ());
}

static void
test_never_more_than_n (Fixture       *fixture,
                        gconstpointer  data)
{
  const char *verb = data;

  check_limit (fixture, verb, 3, 1);
  check_limit (fixture, verb, 6, 2);
  check_limit (fixture, verb, 12, 3);
  check_limit (fixture, verb, 14, 6);
}

static void
test_stop (Fixture       *fixture,
           gconstpointer  data)
{
  const char *verb = data;
  g_autoptr(JsonObject) report = NULL;
  gint64 stopped_at;
  double stop_ms;

  g_object_set (fixture->lesson, "jobs", 30, "limit", 3, NULL);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, verb));
  thaw_test_iterate_for (0.5);

  stopped_at = g_get_monotonic_time ();
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "stop"));
  thaw_test_iterate_until (run_is_over, fixture->lesson, 2 * thaw_test_time_scale ());
  stop_ms = (g_get_monotonic_time () - stopped_at) / 1000.0;

  report = thaw_test_lesson_report (fixture->lesson);
  g_test_message ("%s: stopped in %.1f ms, %" G_GINT64_FORMAT " jobs had run or given up",
                  verb, stop_ms, json_object_get_int_member (report, "jobs_done"));

  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "cancelled");
  /* Each of the 30 jobs either ran or gave up: none is left hanging. */
  g_assert_cmpint (json_object_get_int_member (report, "jobs_done"), ==, 30);
  g_assert_cmpint (json_object_get_int_member (report, "max_running"), <=, 3);
  g_assert_cmpuint (max_running_lanes (fixture->lesson, 30), <=, 3);
  g_assert_cmpfloat (stop_ms, <, 500 * thaw_test_time_scale ());

  thaw_test_iterate_until (threads_are_back, fixture, 2 * thaw_test_time_scale ());

  /* And the lesson can run again. */
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "stop"));
  thaw_test_iterate_until (run_is_over, fixture->lesson, 2 * thaw_test_time_scale ());
}

static void
test_no_limit (Fixture       *fixture,
               gconstpointer  data)
{
  const guint n_jobs = 6, limit = 2;
  g_autoptr(JsonObject) report = NULL;
  g_autofree char *expected = NULL;
  gint64 max_running;
  guint lanes_max;

  g_object_set (fixture->lesson, "jobs", n_jobs, "limit", limit, NULL);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "no-limit"));
  thaw_test_iterate_until (run_is_over, fixture->lesson, 30 * thaw_test_time_scale ());

  report = thaw_test_lesson_report (fixture->lesson);
  max_running = json_object_get_int_member (report, "max_running");
  lanes_max = max_running_lanes (fixture->lesson, n_jobs);
  g_test_message ("no limit, %u jobs, limit %u: %" G_GINT64_FORMAT " at once, lanes %u, headline %s",
                  n_jobs, limit, max_running, lanes_max,
                  json_object_get_string_member (report, "headline"));

  g_assert_cmpstr (json_object_get_string_member (report, "job_mode"), ==, "no-limit");
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  g_assert_cmpint (json_object_get_int_member (report, "jobs_done"), ==, n_jobs);
  g_assert_cmpint (json_object_get_int_member (report, "limit"), ==, limit);
  g_assert_cmpint (json_object_get_int_member (report, "threads"), ==, n_jobs);
  /* Over capacity: the jobs start within milliseconds and last a third of
   * a second or more, so nearly all run together; more than N, surely. */
  g_assert_cmpint (max_running, >, limit);
  g_assert_cmpint (max_running, <=, n_jobs);
  g_assert_cmpuint (lanes_max, >, limit);

  /* The headline is the measured figure, against the limit. */
  expected = g_strdup_printf ("%" G_GINT64_FORMAT " at once, limit %u", max_running, limit);
  g_assert_cmpstr (json_object_get_string_member (report, "headline"), ==, expected);

  /* Every thread was joined. */
  thaw_test_iterate_until (threads_are_back, fixture, 2 * thaw_test_time_scale ());
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/thaw/semaphore/no-limit", Fixture, NULL,
              fixture_set_up, test_no_limit, fixture_tear_down);
  g_test_add ("/thaw/semaphore/never-more-than-n/semaphore", Fixture, "start",
              fixture_set_up, test_never_more_than_n, fixture_tear_down);
  g_test_add ("/thaw/semaphore/never-more-than-n/pool", Fixture, "start-pool",
              fixture_set_up, test_never_more_than_n, fixture_tear_down);
  g_test_add ("/thaw/semaphore/stop/semaphore", Fixture, "start",
              fixture_set_up, test_stop, fixture_tear_down);
  g_test_add ("/thaw/semaphore/stop/pool", Fixture, "start-pool",
              fixture_set_up, test_stop, fixture_tear_down);

  return g_test_run ();
}
