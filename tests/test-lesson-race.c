/* test-lesson-race.c — the race lesson: lost updates, and the two fixes
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   racy-run        one run without a lock, in slow motion, ends
 *                   "succeeded", never above the expected total, with its
 *                   lost updates reported;
 *   run-many        twenty runs: every total at most the expected one, and
 *                   on a machine with two cores or more, updates were lost;
 *                   the histogram has a count scale of a few steps that
 *                   reaches its tallest bar;
 *   mutex-exact     fifty runs with the mutex locked per increment: exact
 *                   every time, and the timeline never shows two threads
 *                   holding the lock;
 *   batches-exact   the same with one lock per batch of increments;
 *   atomic-exact    fifty runs with g_atomic_int_add(): exact every time;
 *   figures         the time each row shows, and the ratio the status line
 *                   gives, are the ones the run measured;
 *   mutex-slower    at full speed the mutex locked per increment takes longer
 *                   than the atomic add (not in a sanitizer build, which
 *                   measures the sanitizer);
 *   stop            a long series of runs stops promptly and leaves no
 *                   thread;
 *   scheduler       Be the Scheduler, through its buttons: A reads, B
 *                   reads, A writes, B writes, each step marking the line
 *                   the thread runs next; the update is lost, the headline
 *                   says so and the schedule is written out; "Replay at
 *                   Speed" plays the same schedule to the same total; the
 *                   threads are gone after "New Threads" and at the end;
 *   random          a thousand random schedules: some lose an update and
 *                   some do not.
 */

#include "config.h"

#include "thaw-bar-chart.h"
#include "thaw-lesson.h"
#include "thaw-lesson-page.h"
#include "thaw-test-util.h"
#include "thaw-thread-timeline.h"

#define EXACT_RUNS 50

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
  page = thaw_lesson_page_new (thaw_lessons_find ("race"), fixture->heartbeat);
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

/* Activates @verb and waits for its batch to end; returns the report. */
static JsonObject *
run_verb (ThawLesson *lesson,
          const char *verb)
{
  g_assert_true (thaw_lesson_activate_verb (lesson, verb));
  thaw_test_iterate_until (job_ended, lesson, 60 * thaw_test_time_scale ());

  return thaw_test_lesson_report (lesson);
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

/* Replays the lesson's timeline: the most lanes ever holding the lock at
 * the same time. */
static guint
most_holders (ThawLesson *lesson)
{
  ThawTimeline *timeline = find_timeline (GTK_WIDGET (lesson));
  guint capacity, n_lanes, n, holders = 0, most = 0;
  g_autofree ThawTimelineEvent *events = NULL;
  g_autofree ThawLaneState *states = NULL;

  g_assert_nonnull (timeline);
  capacity = thaw_timeline_get_capacity (timeline);
  n_lanes = thaw_timeline_get_n_lanes (timeline);
  events = g_new (ThawTimelineEvent, capacity);
  states = g_new0 (ThawLaneState, n_lanes);
  for (guint lane = 0; lane < n_lanes; lane++)
    states[lane] = THAW_LANE_FINISHED;

  n = thaw_timeline_copy_events (timeline, G_MININT64, events, capacity);
  for (guint i = 0; i < n; i++)
    {
      ThawTimelineEvent *event = &events[i];

      g_assert_cmpuint (event->lane, <, n_lanes);
      if (states[event->lane] == THAW_LANE_HOLDING)
        holders--;
      if (event->state == THAW_LANE_HOLDING)
        holders++;
      states[event->lane] = event->state;
      most = MAX (most, holders);
    }

  return most;
}

static void
test_racy_run (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(JsonObject) report = run_verb (fixture->lesson, "start");
  gint64 expected = json_object_get_int_member (report, "expected");
  gint64 total = json_object_get_int_member (report, "last_total");

  g_test_message ("without a lock: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
                  " (%" G_GINT64_FORMAT " lost) in %.2f ms",
                  total, expected, json_object_get_int_member (report, "lost_updates"),
                  json_object_get_double_member (report, "racy_ms"));

  /* Losing updates is the point of the run, not a failure. */
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  g_assert_cmpstr (json_object_get_string_member (report, "variant"), ==, "racy");
  g_assert_cmpint (json_object_get_int_member (report, "threads"), ==, 4);
  g_assert_cmpint (expected, ==, 4 * json_object_get_int_member (report, "increments"));
  g_assert_cmpint (total, >, 0);
  g_assert_cmpint (total, <=, expected);
  g_assert_cmpint (json_object_get_int_member (report, "lost_updates"), ==, expected - total);
  g_assert_cmpfloat (json_object_get_double_member (report, "racy_ms"), >, 0);
  g_assert_false (json_object_has_member (report, "mutex_ms"));
  /* Nobody held a lock: there was none. */
  g_assert_cmpuint (most_holders (fixture->lesson), ==, 0);
}

static ThawBarChart *
find_chart (GtkWidget *widget)
{
  if (THAW_IS_BAR_CHART (widget))
    return THAW_BAR_CHART (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      ThawBarChart *chart = find_chart (child);

      if (chart != NULL)
        return chart;
    }

  return NULL;
}

static void
test_run_many (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;
  ThawBarChart *histogram = find_chart (GTK_WIDGET (fixture->lesson));
  double tallest = 0, sum = 0, top = 0, step = 0;
  gint64 expected;

  g_object_set (fixture->lesson, "threads", 8, NULL);
  report = run_verb (fixture->lesson, "run-many");
  expected = json_object_get_int_member (report, "expected");

  g_test_message ("20 runs of 8 threads: totals from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT
                  ", expected %" G_GINT64_FORMAT,
                  json_object_get_int_member (report, "racy_min_total"),
                  json_object_get_int_member (report, "racy_max_total"), expected);

  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  g_assert_cmpint (json_object_get_int_member (report, "racy_runs"), ==, 20);
  /* The twenty runs are one run of the page (ThawLesson's "runs"). */
  g_assert_cmpint (json_object_get_int_member (report, "series_runs"), ==, 20);
  g_assert_cmpint (json_object_get_int_member (report, "runs"), ==, 1);
  g_assert_cmpint (expected, ==, 8 * 1000000);
  /* A lost update can only make the total smaller, never larger: each
   * write is one more than a value some thread read. */
  g_assert_cmpint (json_object_get_int_member (report, "racy_max_total"), <=, expected);
  g_assert_cmpint (json_object_get_int_member (report, "racy_min_total"), >, 0);

  /* With threads really running at once, twenty runs without a lock
   * always lose something. On one core they may take turns cleanly. */
  if (g_get_num_processors () >= 2)
    g_assert_cmpint (json_object_get_int_member (report, "racy_min_total"), <, expected);

  /* The histogram counts the twenty runs, and its scale says how many: a
   * few whole steps, the last at or above the tallest bar. */
  for (guint i = 0; i < thaw_bar_chart_get_n_bars (histogram); i++)
    {
      tallest = MAX (tallest, thaw_bar_chart_get_value (histogram, i));
      sum += thaw_bar_chart_get_value (histogram, i);
    }
  g_assert_cmpfloat (sum, ==, 20);
  g_assert_true (thaw_bar_chart_get_scale (histogram, &top, &step));
  g_test_message ("tallest bar %.0f, scale to %.0f in steps of %.0f", tallest, top, step);
  g_assert_cmpfloat (step, >=, 1);
  g_assert_cmpfloat (step, ==, (double) (guint) step);
  g_assert_cmpfloat (top, >=, tallest);
  g_assert_cmpfloat (top / step, <=, 6);
}

static void
run_exact (Fixture    *fixture,
           const char *verb,
           const char *variant,
           const char *ms_member)
{
  double slowest = 0;

  /* Full speed: fifty runs in slow motion would take a hundred seconds. */
  g_object_set (fixture->lesson, "threads", 8, "increments", 50000, "slow-motion", FALSE, NULL);

  for (guint i = 0; i < EXACT_RUNS; i++)
    {
      g_autoptr(JsonObject) report = run_verb (fixture->lesson, verb);

      g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
      g_assert_cmpstr (json_object_get_string_member (report, "variant"), ==, variant);
      g_assert_cmpint (json_object_get_int_member (report, "expected"), ==, 8 * 50000);
      g_assert_cmpint (json_object_get_int_member (report, "last_total"), ==, 8 * 50000);
      g_assert_cmpint (json_object_get_int_member (report, "lost_updates"), ==, 0);
      g_assert_cmpfloat (json_object_get_double_member (report, ms_member), >, 0);
      slowest = MAX (slowest, json_object_get_double_member (report, ms_member));
    }

  g_test_message ("%s: %u exact runs, the slowest %.2f ms", variant, EXACT_RUNS, slowest);
}

static void
test_mutex_exact (Fixture       *fixture,
                  gconstpointer  data)
{
  run_exact (fixture, "with-mutex", "mutex", "mutex_ms");

  /* The lanes of the last run: somebody held the lock, never two at once. */
  g_assert_cmpuint (most_holders (fixture->lesson), ==, 1);
}

static void
test_batches_exact (Fixture       *fixture,
                    gconstpointer  data)
{
  run_exact (fixture, "with-batches", "batches", "batches_ms");
  g_assert_cmpuint (most_holders (fixture->lesson), ==, 1);
}

static void
test_atomic_exact (Fixture       *fixture,
                   gconstpointer  data)
{
  run_exact (fixture, "with-atomic", "atomic", "atomic_ms");
  g_assert_cmpuint (most_holders (fixture->lesson), ==, 0);
}

/* The subtitle of the results row titled @title. */
static const char *
find_row_subtitle (GtkWidget  *widget,
                   const char *title)
{
  if (ADW_IS_ACTION_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return adw_action_row_get_subtitle (ADW_ACTION_ROW (widget));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *subtitle = find_row_subtitle (child, title);

      if (subtitle != NULL)
        return subtitle;
    }

  return NULL;
}

/* Whether a label under @widget shows text containing @needle. */
static gboolean
shows_text (GtkWidget  *widget,
            const char *needle)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), needle) != NULL)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, needle))
      return TRUE;

  return FALSE;
}

static void
test_figures (Fixture       *fixture,
              gconstpointer  data)
{
  const struct {
    const char *verb, *title, *ms_member;
  } ways[] = {
    { "start", "Without a lock", "racy_ms" },
    { "with-mutex", "With a mutex per increment", "mutex_ms" },
    { "with-atomic", "With an atomic add", "atomic_ms" },
    { "with-batches", "With a mutex per batch", "batches_ms" },
  };
  g_autoptr(JsonObject) report = NULL;
  g_autofree char *ratio = NULL;

  g_object_set (fixture->lesson, "threads", 4, "increments", 200000, "slow-motion", FALSE, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (ways); i++)
    {
      g_clear_pointer (&report, json_object_unref);
      report = run_verb (fixture->lesson, ways[i].verb);
      g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
      g_assert_false (json_object_get_boolean_member (report, "slow_motion"));
    }

  /* Every row shows the time the report has, which is the one measured. */
  for (guint i = 0; i < G_N_ELEMENTS (ways); i++)
    {
      const char *subtitle = find_row_subtitle (GTK_WIDGET (fixture->lesson), ways[i].title);
      g_autofree char *shown = g_strdup_printf ("%.1f ms", json_object_get_double_member (report, ways[i].ms_member));

      g_test_message ("%s: %s", ways[i].title, subtitle);
      g_assert_nonnull (subtitle);
      g_assert_nonnull (strstr (subtitle, shown));
      g_assert_null (strstr (subtitle, "slow motion"));
    }

  /* And the status line compares the two that were measured alike. */
  ratio = g_strdup_printf ("took %.1f× as long as the atomic add",
                           json_object_get_double_member (report, "mutex_ms") /
                           json_object_get_double_member (report, "atomic_ms"));
  g_assert_true (shows_text (GTK_WIDGET (fixture->lesson), ratio));
}

/* What the page must never show upside down: a mutex taken for every
 * increment does two atomic operations per increment where the atomic add
 * does one, and hands the lock from core to core. Measured here at 3-4 times
 * the atomic add, and at 3 times with every thread on one core. The best of
 * three runs of each is compared, so that one hiccup of a loaded machine
 * does not decide. */
static void
test_mutex_slower (Fixture       *fixture,
                   gconstpointer  data)
{
  double mutex_ms = G_MAXDOUBLE, atomic_ms = G_MAXDOUBLE;

  if (thaw_test_time_scale () > 1.0)
    {
      g_test_skip ("a sanitizer build measures the sanitizer");
      return;
    }

  g_object_set (fixture->lesson, "threads", 4, "increments", 1000000, "slow-motion", FALSE, NULL);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonObject) mutex = run_verb (fixture->lesson, "with-mutex");
      g_autoptr(JsonObject) atomic = run_verb (fixture->lesson, "with-atomic");

      mutex_ms = MIN (mutex_ms, json_object_get_double_member (mutex, "mutex_ms"));
      atomic_ms = MIN (atomic_ms, json_object_get_double_member (atomic, "atomic_ms"));
    }

  g_test_message ("4 × 1,000,000 at best: mutex per increment %.1f ms, atomic add %.1f ms (%.1f×)",
                  mutex_ms, atomic_ms, mutex_ms / atomic_ms);
  g_assert_cmpfloat (mutex_ms, >, atomic_ms);
}

static void
test_stop (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;
  guint threads_before = thaw_test_count_threads ();
  gint64 stopped_at;

  /* Twenty runs of 8 × 10 000 000 take a while: stop them early. */
  g_object_set (fixture->lesson, "threads", 8, "increments", 10000000, NULL);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "run-many"));
  thaw_test_iterate_for (0.05);
  g_assert_cmpuint (thaw_test_count_threads (), >, threads_before);

  stopped_at = g_get_monotonic_time ();
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "stop"));
  thaw_test_iterate_until (job_ended, fixture->lesson, 10 * thaw_test_time_scale ());
  g_test_message ("stopped in %.1f ms", (g_get_monotonic_time () - stopped_at) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - stopped_at, <, G_USEC_PER_SEC * thaw_test_time_scale ());

  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "cancelled");
  g_assert_cmpint (json_object_get_int_member (report, "racy_runs"), <, 20);

  /* Every adder and the conductor were joined. */
  thaw_test_iterate_for (0.1);
  g_assert_cmpuint (thaw_test_count_threads (), <=, threads_before);

  /* The verbs work again afterwards. */
  g_object_set (fixture->lesson, "increments", 1000, NULL);
  g_clear_pointer (&report, json_object_unref);
  report = run_verb (fixture->lesson, "with-atomic");
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  g_assert_cmpint (json_object_get_int_member (report, "last_total"), ==, 8 * 1000);
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

/* The report once both threads wait for a step: the news of a step may
 * come before its thread has paused again. */
static JsonObject *
report_when_paused (ThawLesson *lesson)
{
  json_object_unref (thaw_test_wait_for_member (lesson, "steps_a_state", "paused"));
  return thaw_test_wait_for_member (lesson, "steps_b_state", "paused");
}

static gboolean
steps_finished (gpointer data)
{
  g_autoptr(JsonObject) report = thaw_test_lesson_report (data);

  return json_object_get_boolean_member (report, "steps_finished");
}

static void
test_scheduler (Fixture       *fixture,
                gconstpointer  data)
{
  static const struct
  {
    const char *verb;
    const char *line_a, *line_b;   /* the lines marked after the step */
    gint64 counter;
  } losing[] = {
    { "step-a", "g_atomic_int_set (counter, value + 1);", "value = g_atomic_int_get (counter);", 0 },
    { "step-b", "g_atomic_int_set (counter, value + 1);", "g_atomic_int_set (counter, value + 1);", 0 },
    { "step-a", "value = g_atomic_int_get (counter);", "g_atomic_int_set (counter, value + 1);", 1 },
    { "step-b", "value = g_atomic_int_get (counter);", "value = g_atomic_int_get (counter);", 1 },
  };
  guint threads_before = thaw_test_count_threads_named ("thaw-stepped");
  const char *value;
  JsonObject *report;

  for (guint i = 0; i < G_N_ELEMENTS (losing); i++)
    {
      g_autofree char *n = g_strdup_printf ("%u", i + 1);

      json_object_unref (press_until (fixture->lesson, losing[i].verb, "steps_events", n));
      report = report_when_paused (fixture->lesson);
      g_assert_cmpstr (json_object_get_string_member (report, "steps_a_line"), ==, losing[i].line_a);
      g_assert_cmpstr (json_object_get_string_member (report, "steps_b_line"), ==, losing[i].line_b);
      g_assert_cmpint (json_object_get_int_member (report, "steps_counter"), ==, losing[i].counter);
      json_object_unref (report);
    }

  /* The goal is reached at B's write, before either thread has finished. */
  g_assert_cmpstr (thaw_lesson_get_headline (fixture->lesson, NULL, NULL), ==, "counter = 1 after 2 writes");
  report = thaw_test_lesson_report (fixture->lesson);
  /* No adding run has counted yet: the report has no total to lose from. */
  g_assert_true (json_object_get_null_member (report, "lost_updates"));
  g_assert_true (json_object_get_boolean_member (report, "steps_lost_update"));
  g_assert_cmpstr (json_object_get_string_member (report, "steps_schedule"), ==,
                   "A read 0 → B read 0 → A wrote 1 → B wrote 1");
  json_object_unref (report);

  /* A to its end, then B: 1 → 2 → 3, one short of 4. */
  json_object_unref (press_until (fixture->lesson, "run-a", "steps_events", "6"));
  json_object_unref (press_until (fixture->lesson, "step-b", "steps_events", "7"));
  json_object_unref (press_until (fixture->lesson, "step-b", "steps_events", "8"));
  report = thaw_test_wait_for_member (fixture->lesson, "steps_finished", "true");
  g_assert_cmpint (json_object_get_int_member (report, "steps_counter"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (report, "steps_a_state"), ==, "done");
  json_object_unref (report);
  value = thaw_lesson_get_headline (fixture->lesson, NULL, NULL);
  g_assert_cmpstr (value, ==, "counter = 3, expected 4");

  /* The same schedule again, a step every half second: the same total. */
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "replay"));
  thaw_test_iterate_for (0.1);
  g_assert_false (steps_finished (fixture->lesson));
  report = thaw_test_wait_for_member (fixture->lesson, "steps_finished", "true");
  g_assert_cmpint (json_object_get_int_member (report, "steps_counter"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (report, "steps_schedule"), ==,
                   "A read 0 → B read 0 → A wrote 1 → B wrote 1 → A read 1 → A wrote 2 → B read 2 → B wrote 3");
  json_object_unref (report);

  /* New threads wait at their first read; the old ones are gone. */
  json_object_unref (press_until (fixture->lesson, "new-threads", "steps_events", "0"));
  report = report_when_paused (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (report, "steps_a_line"), ==, "value = g_atomic_int_get (counter);");
  json_object_unref (report);
  g_assert_cmpuint (thaw_test_count_threads_named ("thaw-stepped"), ==, threads_before + 2);
}

static void
test_random (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(JsonObject) report = NULL;
  gint64 lost;

  report = press_until (fixture->lesson, "random-schedules", "random_runs", "1000");
  lost = json_object_get_int_member (report, "random_broken");
  /* Two threads of four steps each: some interleavings lose an update,
   * some do not, and a thousand random ones hit both kinds. */
  g_assert_cmpint (lost, >, 0);
  g_assert_cmpint (lost, <, 1000);
  g_assert_true (thaw_lesson_can_activate_verb (fixture->lesson, "replay"));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/thaw/race/racy-run", Fixture, NULL,
              fixture_set_up, test_racy_run, fixture_tear_down);
  g_test_add ("/thaw/race/run-many", Fixture, NULL,
              fixture_set_up, test_run_many, fixture_tear_down);
  g_test_add ("/thaw/race/mutex-exact", Fixture, NULL,
              fixture_set_up, test_mutex_exact, fixture_tear_down);
  g_test_add ("/thaw/race/batches-exact", Fixture, NULL,
              fixture_set_up, test_batches_exact, fixture_tear_down);
  g_test_add ("/thaw/race/atomic-exact", Fixture, NULL,
              fixture_set_up, test_atomic_exact, fixture_tear_down);
  g_test_add ("/thaw/race/figures", Fixture, NULL,
              fixture_set_up, test_figures, fixture_tear_down);
  g_test_add ("/thaw/race/mutex-slower", Fixture, NULL,
              fixture_set_up, test_mutex_slower, fixture_tear_down);
  g_test_add ("/thaw/race/scheduler", Fixture, NULL,
              fixture_set_up, test_scheduler, fixture_tear_down);
  g_test_add ("/thaw/race/random", Fixture, NULL,
              fixture_set_up, test_random, fixture_tear_down);
  g_test_add ("/thaw/race/stop", Fixture, NULL,
              fixture_set_up, test_stop, fixture_tear_down);

  return g_test_run ();
}
