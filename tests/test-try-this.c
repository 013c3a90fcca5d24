/* test-try-this.c — "Try This" steps that tick themselves
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   parse        the grammar of a step's `when`: what reads, and what is
 *                rejected with an error (a lesson file with such a
 *                condition is a critical at load time);
 *   lessons      every condition in the lesson files parses and names the
 *                lesson's own verbs and knobs; all nineteen lessons have some;
 *   verb         semaphore's "Run on a Thread Pool" step ticks when a pool
 *                run ends, not when it starts, and not after a run of
 *                another verb; the mark's description says "Done";
 *   knob         a knob term reads the knob; semaphore's "limit 1" step
 *                ticks at the end of a run with the knob at 1, not when the
 *                knob is turned;
 *   scheduler    race's Be the Scheduler step ticks once A and B have
 *                lost an update, not before;
 *   progress     what ticked is in GSettings, a new page and a new window
 *                read it (the sidebar marks a lesson whose steps are all
 *                done), and win.clear-progress clears it and the marks.
 */

#include "config.h"

#include "thaw-lesson.h"
#include "thaw-lesson-page.h"
#include "thaw-test-util.h"
#include "thaw-try-this.h"
#include "thaw-window.h"

typedef struct
{
  ThawHeartbeat *heartbeat;
  GtkWidget *window;
  ThawLessonPage *page;
  ThawLesson *lesson;
  GSettings *settings;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *page;

  fixture->settings = g_settings_new (APP_ID);
  g_settings_reset (fixture->settings, "done-steps");
  fixture->heartbeat = thaw_heartbeat_new (0);
  fixture->window = gtk_window_new ();
  page = thaw_lesson_page_new (thaw_lessons_find (data), fixture->heartbeat);
  fixture->page = THAW_LESSON_PAGE (page);
  fixture->lesson = thaw_lesson_page_get_lesson (fixture->page);
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
  g_settings_reset (fixture->settings, "done-steps");
  g_clear_object (&fixture->settings);
}

static gboolean
is_done (Fixture    *fixture,
         const char *id,
         guint       step)
{
  return thaw_try_progress_is_done (fixture->settings, id, step);
}

/* The label of step @step (counted from 1) of the page under @root. */
static GtkWidget *
find_step_label (GtkWidget *root,
                 guint      step)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autofree char *prefix = g_strdup_printf ("%u. ", step);

  thaw_test_collect_widgets (root, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_str_has_prefix (gtk_label_get_text (g_ptr_array_index (labels, i)), prefix))
      return g_ptr_array_index (labels, i);
  g_assert_not_reached ();
}

/* The step's description, for a screen reader, is @expected. */
static void
assert_step_says (GtkWidget  *root,
                  guint       step,
                  const char *expected)
{
  GtkWidget *label = find_step_label (root, step);
  g_autofree char *found =
    gtk_test_accessible_check_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, expected);

  g_assert_null (found);
}

static gboolean
job_ended (gpointer data)
{
  g_autoptr(JsonObject) report = thaw_test_lesson_report (data);
  const char *state = json_object_get_string_member (report, "job_state");

  return !g_str_equal (state, "running") && !g_str_equal (state, "idle");
}

static gboolean
step_done (gpointer data)
{
  Fixture *fixture = data;

  return is_done (fixture, "semaphore", 5) || is_done (fixture, "race", 6);
}

/* Runs @verb to its end, and the checkpoint after it. */
static void
run_to_end (ThawLesson *lesson,
            const char *verb)
{
  g_assert_true (thaw_lesson_activate_verb (lesson, verb));
  thaw_test_iterate_until (job_ended, lesson, 20 * thaw_test_time_scale ());
  thaw_test_iterate_for (0.05);
}

static void
test_parse (void)
{
  static const char *const good[] = {
    "verb:no-check",
    "report:random_runs>=1000",
    "report:job_state==cancelled",
    "report:steps_lost_update==true",
    "knob:threads=16",
    "verb:start; report:jobs==30;report:job_state==cancelled",
  };
  static const char *const bad[] = {
    "",
    ";",
    "verb:",
    "verb:No Check",
    "report:runs",
    "report:runs>=",
    "report:runs>=many",
    "report:==1",
    "report:state==",
    "knob:threads",
    "knob:threads=",
    "knob:threads==16",
    "knob:=16",
    "when:start",
    "start",
    "verb:start;;verb:stop",
  };
  g_autoptr(ThawTryCondition) condition = NULL;
  const ThawTryTerm *term;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ThawTryCondition) parsed = thaw_try_condition_parse (good[i], &error);

      g_assert_no_error (error);
      g_assert_nonnull (parsed);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ThawTryCondition) parsed = thaw_try_condition_parse (bad[i], &error);

      g_test_message ("“%s”: %s", bad[i], error != NULL ? error->message : "(accepted)");
      g_assert_null (parsed);
      g_assert_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT);
    }

  condition = thaw_try_condition_parse ("verb:start;report:jobs>=30;knob:limit=1", NULL);
  g_assert_cmpuint (thaw_try_condition_get_n_terms (condition), ==, 3);
  term = thaw_try_condition_get_term (condition, 1);
  g_assert_cmpint (term->kind, ==, THAW_TRY_REPORT_AT_LEAST);
  g_assert_cmpstr (term->name, ==, "jobs");
  g_assert_cmpfloat (term->number, ==, 30);
  term = thaw_try_condition_get_term (condition, 2);
  g_assert_cmpint (term->kind, ==, THAW_TRY_KNOB);
  g_assert_cmpstr (term->name, ==, "limit");
  g_assert_cmpstr (term->value, ==, "1");
  g_assert_true (thaw_try_condition_needs_report (condition));
}

static void
test_lessons (void)
{
  guint n, with_conditions = 0;
  const ThawLessonInfo *const *lessons = thaw_lessons_get_all (&n);

  for (guint i = 0; i < n; i++)
    {
      guint n_steps = g_strv_length ((char **) lessons[i]->steps);
      gboolean some = FALSE;

      g_assert_cmpuint (g_strv_length ((char **) lessons[i]->conditions), ==, n_steps);
      for (guint s = 0; s < n_steps; s++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(ThawTryCondition) condition = NULL;
          g_autofree char *wrong = NULL;

          if (*lessons[i]->conditions[s] == '\0')
            continue;
          condition = thaw_try_condition_parse (lessons[i]->conditions[s], &error);
          g_assert_no_error (error);
          wrong = thaw_try_condition_check_names (condition, lessons[i]);
          g_assert_cmpstr (wrong, ==, NULL);
          some = TRUE;
        }
      with_conditions += some;
    }
  g_assert_cmpuint (with_conditions, >=, 19);
}

static void
test_verb (Fixture       *fixture,
           gconstpointer  data)
{
  /* Short runs: one job of 350 ms. */
  g_object_set (fixture->lesson, "jobs", 1, NULL);
  assert_step_says (GTK_WIDGET (fixture->page), 5, "Not done yet");
  assert_step_says (GTK_WIDGET (fixture->page), 2, "For reading: it does not tick");

  /* Another verb's run ticks its own step, not this one. */
  run_to_end (fixture->lesson, "start");
  g_assert_true (is_done (fixture, "semaphore", 1));
  g_assert_false (is_done (fixture, "semaphore", 5));

  /* Running is not done. */
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start-pool"));
  thaw_test_iterate_for (0.1);
  g_assert_false (job_ended (fixture->lesson));
  g_assert_false (is_done (fixture, "semaphore", 5));
  thaw_test_iterate_until (step_done, fixture, 20 * thaw_test_time_scale ());
  g_assert_true (is_done (fixture, "semaphore", 5));
  assert_step_says (GTK_WIDGET (fixture->page), 5, "Done");
  assert_step_says (GTK_WIDGET (fixture->page), 1, "Done");
  assert_step_says (GTK_WIDGET (fixture->page), 3, "Not done yet");
}

static void
test_knob (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(ThawTryCondition) two = thaw_try_condition_parse ("knob:limit=2", NULL);
  g_autoptr(ThawTryCondition) three = thaw_try_condition_parse ("knob:limit=3", NULL);

  /* The default limit is 3. */
  g_assert_false (thaw_try_condition_met (two, G_OBJECT (fixture->lesson), NULL, NULL));
  g_assert_true (thaw_try_condition_met (three, G_OBJECT (fixture->lesson), NULL, NULL));
  g_object_set (fixture->lesson, "limit", 2, "jobs", 1, NULL);
  g_assert_true (thaw_try_condition_met (two, G_OBJECT (fixture->lesson), NULL, NULL));

  /* "Set At most at once to 1 and run again": turning the knob is half. */
  g_object_set (fixture->lesson, "limit", 1, NULL);
  thaw_test_iterate_for (0.05);
  g_assert_false (is_done (fixture, "semaphore", 4));
  run_to_end (fixture->lesson, "start");
  g_assert_true (is_done (fixture, "semaphore", 4));
  assert_step_says (GTK_WIDGET (fixture->page), 4, "Done");
}

static void
test_scheduler (Fixture       *fixture,
                gconstpointer  data)
{
  static const char *const losing[] = { "step-a", "step-b", "step-a", "step-b" };

  for (guint i = 0; i < G_N_ELEMENTS (losing); i++)
    {
      g_autofree char *n = g_strdup_printf ("%u", i + 1);

      g_assert_false (is_done (fixture, "race", 6));
      g_assert_true (thaw_lesson_activate_verb (fixture->lesson, losing[i]));
      json_object_unref (thaw_test_wait_for_member (fixture->lesson, "steps_events", n));
      thaw_test_iterate_for (0.05);
    }
  thaw_test_iterate_until (step_done, fixture, 5 * thaw_test_time_scale ());
  g_assert_true (is_done (fixture, "race", 6));
  assert_step_says (GTK_WIDGET (fixture->page), 6, "Done");
}

static guint
count_visible_with_class (GtkWidget  *root,
                          const char *css_class)
{
  g_autoptr(GPtrArray) images = g_ptr_array_new ();
  guint n = 0;

  thaw_test_collect_widgets (root, GTK_TYPE_IMAGE, images);
  for (guint i = 0; i < images->len; i++)
    if (gtk_widget_has_css_class (g_ptr_array_index (images, i), css_class) &&
        gtk_widget_get_visible (g_ptr_array_index (images, i)))
      n++;
  return n;
}

static void
test_progress (Fixture       *fixture,
               gconstpointer  data)
{
  const ThawLessonInfo *info = thaw_lessons_find ("semaphore");
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  g_autoptr(GSettings) other = g_settings_new (APP_ID);
  g_auto(GStrv) written = NULL;
  ThawWindow *window;
  ThawLessonPage *page;

  g_object_set (fixture->lesson, "jobs", 1, NULL);
  run_to_end (fixture->lesson, "start-pool");
  written = g_settings_get_strv (other, "done-steps");
  g_assert_true (g_strv_contains ((const char *const *) written, "semaphore:5"));
  g_assert_false (thaw_try_progress_lesson_done (other, info));

  /* The rest of the lesson's steps with conditions, as if done. */
  for (guint i = 0; info->steps[i] != NULL; i++)
    if (*info->conditions[i] != '\0')
      thaw_try_progress_mark (other, "semaphore", i + 1);
  g_assert_true (thaw_try_progress_lesson_done (other, info));

  /* A new window reads it: its sidebar marks the lesson, and its page
   * the step. */
  window = thaw_window_new (NULL, heartbeat, "semaphore");
  gtk_window_present (GTK_WINDOW (window));
  thaw_test_iterate_for (0.3);
  page = thaw_window_get_lesson_page (window);
  g_assert_nonnull (page);
  thaw_test_iterate_until ((gboolean (*) (gpointer)) thaw_lesson_page_is_whole, page, 5 * thaw_test_time_scale ());
  assert_step_says (GTK_WIDGET (page), 5, "Done");
  g_assert_cmpuint (count_visible_with_class (GTK_WIDGET (window), "lesson-done"), ==, 1);

  /* Clear Progress: the setting, the sidebar and both pages. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.clear-progress", NULL));
  thaw_test_iterate_for (0.05);
  g_strfreev (written);
  written = g_settings_get_strv (other, "done-steps");
  g_assert_cmpuint (g_strv_length (written), ==, 0);
  g_assert_cmpuint (count_visible_with_class (GTK_WIDGET (window), "lesson-done"), ==, 0);
  assert_step_says (GTK_WIDGET (page), 5, "Not done yet");
  assert_step_says (GTK_WIDGET (fixture->page), 5, "Not done yet");

  gtk_window_destroy (GTK_WINDOW (window));
  thaw_test_iterate_for (0.1);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/thaw/try-this/parse", test_parse);
  g_test_add_func ("/thaw/try-this/lessons", test_lessons);
  g_test_add ("/thaw/try-this/verb", Fixture, "semaphore",
              fixture_set_up, test_verb, fixture_tear_down);
  g_test_add ("/thaw/try-this/knob", Fixture, "semaphore",
              fixture_set_up, test_knob, fixture_tear_down);
  g_test_add ("/thaw/try-this/scheduler", Fixture, "race",
              fixture_set_up, test_scheduler, fixture_tear_down);
  g_test_add ("/thaw/try-this/progress", Fixture, "semaphore",
              fixture_set_up, test_progress, fixture_tear_down);

  return g_test_run ();
}
