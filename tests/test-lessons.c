/* test-lessons.c — what every lesson must do, checked for each of them
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For every lesson in the table:
 *
 *   responsive     `thaw --run ID --activate start --until-done` finishes
 *                  its job the right way, and the main loop never hung
 *                  (250 ms);
 *   quit-mid-job   quitting while the job runs exits promptly and cleanly;
 *   close-mid-job  destroying the lesson while its job runs leaves no thread
 *                  behind and no callback that runs afterwards;
 *   programs       the page shows the lesson's Python and GLib programs,
 *                  byte for byte the files the tests run (tests/snippets);
 *   buttons        one button grammar: the right way first and alone in
 *                  blue, the wrong ways next with a warning icon (every
 *                  lesson has at least one), no red, Stop last in its row;
 *   headline       after a run, the lesson's headline shows its figure and
 *                  is in view at 1100×720 without scrolling;
 *   disabled-reasons
 *                  a greyed-out button says why in its tooltip, before,
 *                  during and after a run, and not once it can be used.
 *
 * And once: claims that can be checked mechanically, in the lesson texts and
 * the From Python to GLib page; that page as a table, wide and narrow
 * (python-map); and that ThawLesson frees what a page gave it to own
 * (owned).
 *
 * What a lesson teaches is checked in its own test-lesson-ID.c.
 */

#include "config.h"

#include "thaw-lesson.h"
#include "thaw-lesson-page.h"
#include "thaw-figure.h"
#include "thaw-python-map.h"
#include "thaw-test-util.h"
#include "thaw-window.h"
#include "thaw-text-row.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *
seconds_arg (double seconds)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_dtostr (buf, sizeof buf, seconds));
}

static void
test_responsive (gconstpointer data)
{
  const ThawLessonInfo *info = data;
  g_auto(ThawTestRun) run = { 0 };
  g_autofree char *path = thaw_test_tmp_path ("report.json");
  /* Thaw quits when the job ends (--until-done); the autoquit is only the
   * longest wait. Jobs take half a second (pool) to seven (cancel's 1.25
   * GiB checksum, on this 2-core machine), and their workers run at
   * background priority, so on a busy machine they take longer still. */
  g_autofree char *autoquit = seconds_arg (30 * thaw_test_time_scale ());
  g_autoptr(JsonObject) report = NULL;

  /* What this measures is time, and a sanitizer build measures the
   * sanitizer. There each lesson's job still runs to its end in the
   * lesson's own test, and quit-mid-job and close-mid-job below run it
   * under ASan too. */
  if (thaw_test_time_scale () > 1.0)
    {
      g_test_skip ("lateness is measured in the plain build");
      return;
    }

  thaw_test_run_thaw (&run, NULL, "--run", info->id, "--activate", "start", "--until-done",
                      "--autoquit", autoquit, "--report", path, NULL);
  g_assert_cmpint (run.exit_status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");

  report = thaw_test_load_report (path);
  g_test_message ("%s: job_state %s, max %.1f ms, p99 %.1f ms, %" G_GINT64_FORMAT " frames",
                  info->id,
                  json_object_get_string_member (report, "job_state"),
                  json_object_get_double_member (report, "max_ms"),
                  json_object_get_double_member (report, "p99_ms"),
                  json_object_get_int_member (report, "frames"));
  g_assert_cmpstr (json_object_get_string_member (report, "lesson"), ==, info->id);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  /* The heartbeat beat all through the job: every 10 ms while a job runs
   * (half of those is the bound); the shortest job (pool's) lasts about
   * half a second. */
  g_assert_cmpfloat (json_object_get_int_member (report, "samples"), >=,
                     50 * json_object_get_double_member (report, "job_seconds"));
  g_assert_cmpint (json_object_get_int_member (report, "samples"), >, 20);
  g_assert_cmpfloat (json_object_get_double_member (report, "max_ms"), <, thaw_test_lateness_bound_ms ());
}

/* Seconds from when @path was last written until now, on the wall clock
 * (file times are wall-clock times). */
static double
seconds_since_written (const char *path)
{
  GStatBuf st;
  gint64 written_us;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  written_us = (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;

  return (g_get_real_time () - written_us) / (double) G_USEC_PER_SEC;
}

static void
test_quit_mid_job (gconstpointer data)
{
  const ThawLessonInfo *info = data;
  g_auto(ThawTestRun) run = { 0 };
  g_autofree char *path = thaw_test_tmp_path ("report.json");
  g_autoptr(JsonObject) report = NULL;
  double way_out;

  thaw_test_run_thaw (&run, NULL, "--run", info->id, "--activate", "start",
                      "--autoquit", "1", "--report", path, NULL);
  /* The report is written as the window starts to close; from then until
   * the process has exited is the way out: cancelling the job, joining its
   * threads, finishing what must be finished. */
  way_out = seconds_since_written (path);
  g_assert_cmpint (run.exit_status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");

  report = thaw_test_load_report (path);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "running");

  g_test_message ("%s: exited %.2f s after start, %.3f s after the window began to close",
                  info->id, run.seconds, way_out);
  g_assert_cmpfloat (way_out, >=, 0);
  g_assert_cmpfloat (way_out, <, 2.0 * thaw_test_time_scale ());
}

static void
test_close_mid_job (gconstpointer data)
{
  const ThawLessonInfo *info = data;
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = thaw_lesson_page_new (info, heartbeat);
  ThawLesson *lesson = thaw_lesson_page_get_lesson (THAW_LESSON_PAGE (page));
  guint threads_before;
  gint64 start, deadline;

  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  thaw_test_iterate_for (0.3);

  threads_before = thaw_test_count_threads ();
  g_object_add_weak_pointer (G_OBJECT (lesson), (gpointer *) &lesson);
  g_assert_true (thaw_lesson_activate_verb (lesson, "start"));
  thaw_test_iterate_for (0.5);
  g_test_message ("%s: %u threads before start, %u while it runs",
                  info->id, threads_before, thaw_test_count_threads ());

  start = g_get_monotonic_time ();
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_null (lesson);

  /* Every thread the lesson started is gone within two seconds. */
  deadline = start + 2 * G_USEC_PER_SEC * (gint64) thaw_test_time_scale ();
  while (thaw_test_count_threads () > threads_before)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_test_message ("%s: closed in %.1f ms", info->id, (g_get_monotonic_time () - start) / 1000.0);

  /* Whatever the lesson had scheduled runs into nothing (a callback that
   * touched the destroyed lesson would crash here, or under ASan). */
  thaw_test_iterate_for (0.5);
  g_assert_finalize_object (g_steal_pointer (&heartbeat));
}

/* Appends every widget under @widget of @type, in tree order, leaving out
 * the lesson's own widget (a lesson may show text views of its own). */
static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *found)
{
  if (THAW_IS_LESSON (widget))
    return;
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, type, found);
}

static char *
view_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static char *
read_program (const char *id,
              const char *suffix)
{
  g_autofree char *name = g_strconcat (id, suffix, NULL);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "src", "lessons", id, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  /* The page shows the program without its last newline. */
  return g_strchomp (contents);
}

static void
test_programs (gconstpointer data)
{
  const ThawLessonInfo *info = data;
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  GtkWidget *page = g_object_ref_sink (thaw_lesson_page_new (info, heartbeat));
  g_autoptr(GPtrArray) views = g_ptr_array_new ();
  g_autofree char *python = read_program (info->id, "-python.py");
  g_autofree char *glib = read_program (info->id, "-glib.c");
  g_autofree char *python_shown = NULL;
  g_autofree char *glib_shown = NULL;

  /* The Lesson tab's two code views come first, then the Source tab's. */
  collect (page, GTK_TYPE_TEXT_VIEW, views);
  g_assert_cmpuint (views->len, ==, 3);
  python_shown = view_text (g_ptr_array_index (views, 0));
  glib_shown = view_text (g_ptr_array_index (views, 1));

  g_assert_cmpstr (python_shown, ==, python);
  g_assert_cmpstr (glib_shown, ==, glib);
  /* Whole programs, not fragments. */
  g_assert_nonnull (strstr (glib, "\nmain ("));
  g_assert_true (strstr (python, "import ") != NULL);

  g_object_unref (page);
}

/* Finds the map's row whose Python idiom contains @python and returns its
 * GLib and pthreads cells, as "GLib: …\npthreads: …". */
static char *
map_row_subtitle (GtkWidget  *map,
                  const char *python)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect (map, GTK_TYPE_LIST_BOX_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      g_autoptr(GPtrArray) labels = g_ptr_array_new ();
      const char *glib = NULL, *pthreads = NULL;
      gboolean found = FALSE;

      collect (g_ptr_array_index (rows, i), GTK_TYPE_LABEL, labels);
      for (guint j = 0; j < labels->len; j++)
        {
          GtkWidget *label = g_ptr_array_index (labels, j);
          const char *text = gtk_label_get_text (GTK_LABEL (label));

          if (gtk_widget_has_css_class (label, "python"))
            found = strstr (text, python) != NULL;
          else if (gtk_widget_has_css_class (label, "glib"))
            glib = text;
          else if (gtk_widget_has_css_class (label, "pthreads"))
            pthreads = text;
        }
      if (found)
        return g_strdup_printf ("GLib: %s\npthreads: %s", glib, pthreads);
    }

  g_error ("no row of the Python map has %s", python);
  return NULL;
}

static gboolean run_is_over (gpointer data);

static gboolean
has_role (GtkWidget         *widget,
          GtkAccessibleRole  role)
{
  return gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)) == role;
}

static ThawWindow *python_map_window;

/* The table's first lesson cell has been laid out (a sanitizer build
 * takes longer to get there). */
static gboolean
lesson_cell_laid_out (gpointer data)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  thaw_test_collect_widgets (GTK_WIDGET (python_map_window), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_has_css_class (g_ptr_array_index (labels, i), "lesson"))
      return gtk_widget_get_width (g_ptr_array_index (labels, i)) > 0;

  return FALSE;
}

/* The From Python to GLib page is a table: named columns above rows that
 * open their lessons. At the default size a lesson's title takes one or
 * two lines; in the narrowest window the cells stack, each beside its
 * column's name, rather than shrink to a word a line. */
static void
test_python_map (void)
{
  static const int widths[] = { 1100, 360 };
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  ThawWindow *window = thaw_window_new (NULL, heartbeat, NULL);

  python_map_window = window;
  gtk_window_set_default_size (GTK_WINDOW (window), widths[0], 720);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.python-map", NULL));

  for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
    {
      g_autoptr(GPtrArray) labels = g_ptr_array_new ();
      g_autoptr(GPtrArray) rows = g_ptr_array_new ();
      GtkWidget *one_line = gtk_label_new ("Lesson");
      guint n_headers = 0, n_lessons = 0;
      int line_height;

      gtk_window_set_default_size (GTK_WINDOW (window), widths[w], 720);
      thaw_test_iterate_for (0.4 * thaw_test_time_scale ());
      thaw_test_iterate_until (lesson_cell_laid_out, NULL, 5 * thaw_test_time_scale ());
      thaw_test_collect_widgets (GTK_WIDGET (window), GTK_TYPE_LABEL, labels);
      gtk_widget_measure (one_line, GTK_ORIENTATION_VERTICAL, -1, &line_height, NULL, NULL, NULL);
      g_object_ref_sink (one_line);
      g_object_unref (one_line);

      for (guint i = 0; i < labels->len; i++)
        {
          GtkWidget *label = g_ptr_array_index (labels, i);
          const char *text = gtk_label_get_text (GTK_LABEL (label));

          if (has_role (label, GTK_ACCESSIBLE_ROLE_COLUMN_HEADER))
            {
              g_assert_cmpstr (text, !=, "");
              n_headers += gtk_widget_get_child_visible (label) && gtk_widget_get_mapped (label);
            }
          if (gtk_widget_has_css_class (label, "lesson"))
            {
              n_lessons++;
              g_test_message ("%d px: “%s” is %d × %d px (a line is %d)", widths[w], text,
                              gtk_widget_get_width (label), gtk_widget_get_height (label), line_height);
              /* One or two lines, never a word a line. */
              g_assert_cmpint (gtk_widget_get_height (label), <=, 2 * line_height + 2);
              g_assert_cmpint (gtk_widget_get_width (label), >=, widths[w] > 600 ? 100 : 150);
            }
          if (widths[w] < 600 && gtk_widget_has_css_class (label, "glib"))
            g_assert_cmpint (gtk_widget_get_width (label), >=, 150);
        }
      /* Wide, the header names the four columns; stacked, every cell has
       * its column's name beside it and the header steps aside. */
      g_assert_cmpuint (n_headers, ==, widths[w] > 600 ? 4 : 0);
      g_assert_cmpuint (n_lessons, >, 10);

      /* Every row opens its lesson, by mouse or by keyboard, and is named
       * with the columns' names for a screen reader. */
      thaw_test_collect_widgets (GTK_WIDGET (window), GTK_TYPE_LIST_BOX_ROW, rows);
      for (guint i = 0; i < rows->len; i++)
        {
          GtkWidget *row = g_ptr_array_index (rows, i);

          if (g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (row)), "win.show-lesson") != 0)
            continue;
          g_assert_true (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row)));
          g_assert_true (gtk_widget_get_focusable (row));
          g_assert_nonnull (thaw_lessons_find (g_variant_get_string (gtk_actionable_get_action_target_value (GTK_ACTIONABLE (row)), NULL)));
          g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL));
        }
    }

  /* Activating a row opens the lesson in place of the map. */
  {
    g_autoptr(GPtrArray) rows = g_ptr_array_new ();
    GtkWidget *row = NULL;

    thaw_test_collect_widgets (GTK_WIDGET (window), GTK_TYPE_LIST_BOX_ROW, rows);
    for (guint i = 0; i < rows->len && row == NULL; i++)
      if (g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (g_ptr_array_index (rows, i))), "win.show-lesson") == 0)
        row = g_ptr_array_index (rows, i);
    g_assert_nonnull (row);
    g_assert_null (thaw_window_get_lesson_page (window));
    g_signal_emit_by_name (row, "activate");
    thaw_test_iterate_for (0.2);
    g_assert_nonnull (thaw_window_get_lesson_page (window));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  thaw_test_iterate_for (0.1);
}

/* Each `lesson.*` button whose action is disabled now says why in its
 * tooltip, the same words `--activate` prints; once it can be used, its
 * own tooltip (or none) is back. */
static void
assert_buttons_explained (ThawLesson *lesson,
                          GPtrArray  *buttons,
                          GPtrArray  *disabled_tips,
                          const char *when)
{
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);
      const char *verb = gtk_actionable_get_action_name (GTK_ACTIONABLE (button)) + strlen ("lesson.");
      const char *tooltip = gtk_widget_get_tooltip_text (button);
      g_autofree char *reason = thaw_lesson_dup_verb_disabled_reason (lesson, verb);

      if (!gtk_widget_get_sensitive (button))
        {
          g_test_message ("%s, %s: “%s”", when, verb, tooltip);
          g_assert_nonnull (reason);
          g_assert_cmpstr (tooltip, ==, reason);
          g_assert_cmpuint (strlen (tooltip), >, 10);
          if (disabled_tips != NULL)
            g_ptr_array_add (disabled_tips, g_strdup (tooltip));
        }
      else
        {
          g_assert_null (reason);
          g_assert_true (tooltip == NULL || !g_str_has_prefix (tooltip, "Nothing is running"));
          g_assert_true (tooltip == NULL || !g_str_has_prefix (tooltip, "A run is going on"));
        }
    }
}

static gboolean
is_lesson_button (GtkWidget *widget)
{
  const char *action = GTK_IS_ACTIONABLE (widget) ? gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)) : NULL;

  return action != NULL && g_str_has_prefix (action, "lesson.");
}

static void
test_disabled_reasons (gconstpointer data)
{
  const ThawLessonInfo *info = data;
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  g_autoptr(GPtrArray) tips = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = thaw_lesson_page_new (info, heartbeat);
  ThawLesson *lesson = thaw_lesson_page_get_lesson (THAW_LESSON_PAGE (page));
  GtkWidget *start = NULL, *stop = NULL;
  g_autofree char *start_tip = NULL;

  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  thaw_test_iterate_for (0.2);

  thaw_test_collect_widgets (GTK_WIDGET (lesson), GTK_TYPE_WIDGET, all);
  for (guint i = 0; i < all->len; i++)
    if (is_lesson_button (g_ptr_array_index (all, i)) && !THAW_IS_LESSON (g_ptr_array_index (all, i)))
      g_ptr_array_add (buttons, g_ptr_array_index (all, i));
  for (guint i = 0; i < buttons->len; i++)
    {
      const char *action = gtk_actionable_get_action_name (GTK_ACTIONABLE (g_ptr_array_index (buttons, i)));

      if (g_str_equal (action, "lesson.start"))
        start = g_ptr_array_index (buttons, i);
      if (g_str_equal (action, "lesson.stop"))
        stop = g_ptr_array_index (buttons, i);
    }
  g_assert_nonnull (start);
  start_tip = g_strdup (gtk_widget_get_tooltip_text (start));

  /* Before a run: Stop, where there is one, has nothing to stop. */
  assert_buttons_explained (lesson, buttons, tips, "before a run");
  if (stop != NULL)
    {
      g_assert_false (gtk_widget_get_sensitive (stop));
      g_assert_cmpstr (gtk_widget_get_tooltip_text (stop), ==, "Nothing is running: start a run first");
    }

  /* During one: Start waits for it, Stop can be used and says nothing. */
  g_assert_true (thaw_lesson_activate_verb (lesson, "start"));
  thaw_test_iterate_for (0.3);
  if (thaw_lesson_get_run_state (lesson) == THAW_RUN_RUNNING)
    {
      assert_buttons_explained (lesson, buttons, tips, "during a run");
      if (!gtk_widget_get_sensitive (start))
        g_assert_cmpstr (gtk_widget_get_tooltip_text (start), ==, "A run is going on: wait for it to end, or stop it");
      if (stop != NULL && gtk_widget_get_sensitive (stop))
        g_assert_cmpstr (gtk_widget_get_tooltip_text (stop), !=, "Nothing is running: start a run first");
      if (thaw_lesson_can_activate_verb (lesson, "stop"))
        thaw_lesson_activate_verb (lesson, "stop");
    }
  thaw_test_iterate_until (run_is_over, lesson, 60 * thaw_test_time_scale ());
  thaw_test_iterate_for (0.1);

  /* After it: Start can be used again, with its own tooltip back. */
  assert_buttons_explained (lesson, buttons, NULL, "after a run");
  g_assert_true (gtk_widget_get_sensitive (start));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (start), ==, start_tip);
  g_assert_cmpuint (tips->len, >, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  thaw_test_iterate_for (0.1);
}

static gboolean
runs_lesson_action (GtkWidget *button)
{
  const char *action = gtk_actionable_get_action_name (GTK_ACTIONABLE (button));

  return action != NULL && (g_str_has_prefix (action, "lesson.") || g_str_equal (action, "app.quit"));
}

static gboolean
shows_warning_icon (GtkWidget *button)
{
  GtkWidget *child = gtk_button_get_child (GTK_BUTTON (button));

  return ADW_IS_BUTTON_CONTENT (child) &&
         g_strcmp0 (adw_button_content_get_icon_name (ADW_BUTTON_CONTENT (child)), "dialog-warning-symbolic") == 0;
}

/* One button grammar: the right way first and the only blue button; the
 * wrong ways next, plain with a warning icon, never red; Stop last in its
 * row; lesson.block, where a lesson has it, is a wrong way. */
static void
test_buttons (gconstpointer data)
{
  const ThawLessonInfo *info = data;
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  GtkWidget *page = g_object_ref_sink (thaw_lesson_page_new (info, heartbeat));
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  GtkWidget *stop = NULL;
  guint n_suggested = 0, n_wrong = 0;

  thaw_test_collect_widgets (page, GTK_TYPE_BUTTON, all);
  for (guint i = 0; i < all->len; i++)
    if (runs_lesson_action (g_ptr_array_index (all, i)))
      g_ptr_array_add (buttons, g_ptr_array_index (all, i));
  g_assert_cmpuint (buttons->len, >=, 2);

  g_assert_true (gtk_widget_has_css_class (g_ptr_array_index (buttons, 0), "suggested-action"));
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);
      const char *action = gtk_actionable_get_action_name (GTK_ACTIONABLE (button));
      gboolean wrong = gtk_widget_has_css_class (button, "wrong-way");

      g_assert_false (gtk_widget_has_css_class (button, "destructive-action"));
      n_suggested += gtk_widget_has_css_class (button, "suggested-action");
      if (wrong)
        {
          /* Right after the right way, one after the other. */
          g_assert_cmpuint (i, ==, 1 + n_wrong);
          g_assert_true (shows_warning_icon (button));
          n_wrong++;
        }
      if (g_str_equal (action, "lesson.block"))
        g_assert_true (wrong);
      if (g_str_equal (action, "lesson.stop"))
        stop = button;
    }
  g_assert_cmpuint (n_suggested, ==, 1);
  /* Every lesson shows its failure, not only tells it: at least one wrong
   * way, and with it a verb for --activate. */
  g_assert_cmpuint (n_wrong, >=, 1);

  if (stop != NULL)
    {
      GtkWidget *row = gtk_widget_get_ancestor (stop, GTK_TYPE_FLOW_BOX);

      for (guint i = 0; i < buttons->len; i++)
        if (g_ptr_array_index (buttons, i) == stop)
          g_assert_true (i + 1 == buttons->len ||
                         row == NULL ||
                         !gtk_widget_is_ancestor (g_ptr_array_index (buttons, i + 1), row));
    }

  g_object_unref (page);
}

static gboolean
has_locale (const char *name)
{
  locale_t locale = newlocale (LC_ALL_MASK, name, (locale_t) 0);

  if (locale == (locale_t) 0)
    return FALSE;
  freelocale (locale);
  return TRUE;
}

static gboolean
run_is_over (gpointer data)
{
  return thaw_lesson_get_run_state (data) != THAW_RUN_RUNNING;
}

static gboolean
progress_counted_thousands (gpointer data)
{
  const char *text = gtk_progress_bar_get_text (data);

  return text != NULL && g_ascii_isdigit (text[0]) && strtoul (text, NULL, 10) > 0 &&
         strchr (text, ' ') - text > 3;
}

/* Numbers as the learner's locale writes them: in Portuguese, the freeze
 * lesson's count reads "120.000 números testados" and its run "0,52 s". */
static void
test_grouping (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
      GtkWidget *page;
      ThawLesson *lesson;
      g_autoptr(GPtrArray) bars = g_ptr_array_new ();
      g_autoptr(GPtrArray) rows = g_ptr_array_new ();
      const char *text;

      g_assert_nonnull (setlocale (LC_ALL, ""));
      page = g_object_ref_sink (thaw_lesson_page_new (thaw_lessons_find ("freeze"), heartbeat));
      lesson = thaw_lesson_page_get_lesson (THAW_LESSON_PAGE (page));
      g_assert_true (thaw_lesson_activate_verb (lesson, "start"));

      thaw_test_collect_widgets (GTK_WIDGET (lesson), GTK_TYPE_PROGRESS_BAR, bars);
      g_assert_cmpuint (bars->len, ==, 1);
      thaw_test_iterate_until (progress_counted_thousands, g_ptr_array_index (bars, 0), 30 * thaw_test_time_scale ());
      text = gtk_progress_bar_get_text (g_ptr_array_index (bars, 0));
      g_test_message ("progress: %s", text);
      g_assert_true (g_regex_match_simple ("^[0-9]{1,3}(\\.[0-9]{3})+ números testados", text, 0, 0));

      g_assert_true (thaw_lesson_activate_verb (lesson, "stop"));
      thaw_test_iterate_until (run_is_over, lesson, 30 * thaw_test_time_scale ());
      thaw_test_collect_widgets (GTK_WIDGET (lesson), THAW_TYPE_TEXT_ROW, rows);
      g_assert_cmpuint (rows->len, >=, 1);
      text = thaw_text_row_get_title (g_ptr_array_index (rows, 0));
      g_test_message ("run: %s", text);
      g_assert_true (g_regex_match_simple ("[0-9],[0-9]{2} s$", text, 0, 0));

      g_object_unref (page);
      return;
    }

  if (!has_locale ("pt_BR.UTF-8"))
    {
      /* build-aux/dev generates it, and asks for it in its runs. */
      if (g_getenv ("THAW_TEST_REQUIRE_LOCALES") != NULL)
        g_error ("the pt_BR.UTF-8 locale is missing (build-aux/dev test generates it)");
      g_test_skip ("the pt_BR.UTF-8 locale is missing: build-aux/dev deps generates it");
      return;
    }
  thaw_test_trap_in_language ("pt_BR", "pt_BR.UTF-8");
}

static gboolean
run_is_over_and_headlined (gpointer data)
{
  return thaw_lesson_get_run_state (data) != THAW_RUN_RUNNING &&
         thaw_lesson_get_headline (data, NULL, NULL) != NULL;
}

/* Every lesson's headline, after a run, is in view at the default size
 * (1100×720) without scrolling, and shows the run's figure. */
static void
test_headline (gconstpointer data)
{
  const ThawLessonInfo *info = data;
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  g_autoptr(GPtrArray) figures = g_ptr_array_new ();
  ThawWindow *window;
  ThawLessonPage *page;
  ThawLesson *lesson;
  GtkWidget *figure = NULL, *scroller;
  graphene_rect_t bounds;
  const char *value;

  thaw_heartbeat_start (heartbeat, NULL);
  window = thaw_window_new (NULL, heartbeat, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-lesson", "s", info->id));
  thaw_test_iterate_for (0.3);
  page = thaw_window_get_lesson_page (window);
  lesson = thaw_lesson_page_get_lesson (page);

  /* A run, stopped after a moment where Stop can be used. */
  g_assert_true (thaw_lesson_activate_verb (lesson, "start"));
  thaw_test_iterate_for (0.3);
  if (thaw_lesson_can_activate_verb (lesson, "stop"))
    thaw_lesson_activate_verb (lesson, "stop");
  thaw_test_iterate_until (run_is_over_and_headlined, lesson, 60 * thaw_test_time_scale ());
  value = thaw_lesson_get_headline (lesson, NULL, NULL);
  g_test_message ("%s: headline %s", info->id, value);

  thaw_test_collect_widgets (GTK_WIDGET (page), THAW_TYPE_FIGURE, figures);
  for (guint i = 0; i < figures->len && figure == NULL; i++)
    if (gtk_widget_has_css_class (gtk_widget_get_parent (g_ptr_array_index (figures, i)), "headline"))
      figure = g_ptr_array_index (figures, i);
  g_assert_nonnull (figure);
  g_assert_cmpstr (thaw_figure_get_value (THAW_FIGURE (figure)), ==, value);

  /* In the Lesson tab's view, whole, as it first shows. */
  scroller = gtk_widget_get_ancestor (figure, GTK_TYPE_SCROLLED_WINDOW);
  g_assert_true (gtk_widget_compute_bounds (figure, scroller, &bounds));
  g_test_message ("%s: headline at %.0f to %.0f px of %d", info->id, bounds.origin.y,
                  bounds.origin.y + bounds.size.height, gtk_widget_get_height (scroller));
  g_assert_cmpfloat (bounds.origin.y, >=, 0);
  g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, gtk_widget_get_height (scroller));

  gtk_window_destroy (GTK_WINDOW (window));
  thaw_test_iterate_for (0.1);
  thaw_heartbeat_stop (heartbeat);
}

/* A page with a work, a string and a timeout, and no dispose of its own:
 * ThawLesson lets go of all three, the work first. */
G_DECLARE_FINAL_TYPE (ThawTestOwner, thaw_test_owner, THAW, TEST_OWNER, ThawLesson)

struct _ThawTestOwner
{
  ThawLesson parent_instance;
  gpointer work;
  char *note;
  guint timeout_id;
};

G_DEFINE_TYPE (ThawTestOwner, thaw_test_owner, THAW_TYPE_LESSON)

static GPtrArray *freed;   /* what was freed, in order */

static void
owned_work_free (gpointer work)
{
  g_ptr_array_add (freed, work);
}

static void
owned_note_free (gpointer note)
{
  g_ptr_array_add (freed, note);
  g_free (note);
}

static void
thaw_test_owner_class_init (ThawTestOwnerClass *klass)
{
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  thaw_lesson_class_set_work (lesson_class, G_STRUCT_OFFSET (ThawTestOwner, work), NULL, owned_work_free);
  thaw_lesson_class_own (lesson_class, G_STRUCT_OFFSET (ThawTestOwner, note), owned_note_free);
  thaw_lesson_class_own_source (lesson_class, G_STRUCT_OFFSET (ThawTestOwner, timeout_id));
}

static void
thaw_test_owner_init (ThawTestOwner *self)
{
}

static gboolean
never_cb (gpointer data)
{
  g_assert_not_reached ();
  return G_SOURCE_REMOVE;
}

static void
test_owned (void)
{
  ThawTestOwner *page = g_object_ref_sink (g_object_new (thaw_test_owner_get_type (), NULL));
  gpointer work = GINT_TO_POINTER (1);
  char *note = g_strdup ("note");
  guint timeout_id = g_timeout_add_seconds (3600, never_cb, NULL);

  freed = g_ptr_array_new ();
  page->work = work;
  page->note = note;
  page->timeout_id = timeout_id;

  g_object_run_dispose (G_OBJECT (page));

  g_assert_null (page->work);
  g_assert_null (page->note);
  g_assert_cmpuint (page->timeout_id, ==, 0);
  g_assert_null (g_main_context_find_source_by_id (NULL, timeout_id));
  g_assert_cmpuint (freed->len, ==, 2);
  g_assert_true (g_ptr_array_index (freed, 0) == work);
  g_assert_true (g_ptr_array_index (freed, 1) == note);

  /* A second dispose finds nothing left to free. */
  g_object_run_dispose (G_OBJECT (page));
  g_assert_cmpuint (freed->len, ==, 2);

  g_object_unref (page);
  g_clear_pointer (&freed, g_ptr_array_unref);
}

/* Claims a lesson once got wrong, checked where a sentence can be. The rest
 * is in the programs that tests/snippets runs. */
static void
test_claims (void)
{
  static const struct { const char *id; const char *never; const char *always; const char *why; } texts[] = {
    { "async-io", "no locks to think about", NULL,
      "callbacks interleave at every callback boundary" },
    { "flood", "sixty", "once per frame", "screens run at 120 or 144 Hz too" },
    /* A trylock by the owner of a GMutex is undefined: the lesson shows
     * the self-deadlock with an error-checking POSIX mutex instead. */
    { "recursive", "g_mutex_trylock()</tt> answers", "edeadlk",
      "the owner's trylock of a GMutex is undefined" },
    { "signal", NULL, "at least", "g_cond_signal() wakes at least one waiter" },
    { "freeze", NULL, "background priority", "Thaw's workers run at nice 10" },
  };
  GtkWidget *map = g_object_ref_sink (thaw_python_map_new ());
  g_autofree char *daemon = map_row_subtitle (map, "daemon=True");
  g_autofree char *timed_lock = map_row_subtitle (map, "acquire(timeout");
  g_autofree char *timed_join = map_row_subtitle (map, "join(timeout)");

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      const ThawLessonInfo *info = thaw_lessons_find (texts[i].id);
      g_autofree char *lower = g_utf8_strdown (info->explanation, -1);

      if (texts[i].never != NULL && strstr (lower, texts[i].never) != NULL)
        g_error ("%s says “%s”, but %s", texts[i].id, texts[i].never, texts[i].why);
      if (texts[i].always != NULL && strstr (lower, texts[i].always) == NULL)
        g_error ("%s no longer says “%s”: %s", texts[i].id, texts[i].always, texts[i].why);
    }

  /* A daemon thread is not a detached one; a timed acquire is a timed lock,
   * not a trylock; a join can wait with a time limit on glibc. */
  g_assert_null (strstr (daemon, "pthreads: pthread_detach ()\n"));
  g_assert_true (g_str_has_suffix (daemon, "nobody joins it"));
  g_assert_nonnull (strstr (timed_lock, "pthread_mutex_timedlock"));
  g_assert_nonnull (strstr (timed_join, "pthread_timedjoin_np"));

  g_object_unref (map);
}

int
main (int   argc,
      char *argv[])
{
  const ThawLessonInfo *const *lessons;
  guint n;

  guint part = 0, n_parts = 1;

  /* --part K/N: only every Nth lesson of the table from the Kth (meson runs
   * the parts as tests of their own); without it, every lesson. */
  if (argc >= 3 && g_str_equal (argv[1], "--part"))
    {
      if (sscanf (argv[2], "%u/%u", &part, &n_parts) != 2 || part < 1 || part > n_parts)
        g_error ("--part takes K/N with 1 ≤ K ≤ N, not %s", argv[2]);
      part--;
      argv[2] = argv[0];
      argv += 2;
      argc -= 2;
    }

  thaw_test_bind_translations ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  lessons = thaw_lessons_get_all (&n);
  for (guint i = 0; i < n; i++)
    {
      if (i % n_parts != part)
        continue;

      g_autofree char *responsive = g_strdup_printf ("/thaw/lessons/%s/responsive", lessons[i]->id);
      g_autofree char *quit = g_strdup_printf ("/thaw/lessons/%s/quit-mid-job", lessons[i]->id);
      g_autofree char *close = g_strdup_printf ("/thaw/lessons/%s/close-mid-job", lessons[i]->id);
      g_autofree char *programs = g_strdup_printf ("/thaw/lessons/%s/programs", lessons[i]->id);
      g_autofree char *buttons = g_strdup_printf ("/thaw/lessons/%s/buttons", lessons[i]->id);
      g_autofree char *headline = g_strdup_printf ("/thaw/lessons/%s/headline", lessons[i]->id);
      g_autofree char *reasons = g_strdup_printf ("/thaw/lessons/%s/disabled-reasons", lessons[i]->id);

      g_test_add_data_func (close, lessons[i], test_close_mid_job);
      g_test_add_data_func (responsive, lessons[i], test_responsive);
      g_test_add_data_func (quit, lessons[i], test_quit_mid_job);
      g_test_add_data_func (programs, lessons[i], test_programs);
      g_test_add_data_func (buttons, lessons[i], test_buttons);
      g_test_add_data_func (headline, lessons[i], test_headline);
      g_test_add_data_func (reasons, lessons[i], test_disabled_reasons);
    }
  if (part == 0)
    {
      g_test_add_func ("/thaw/lessons/claims", test_claims);
      g_test_add_func ("/thaw/lessons/owned", test_owned);
      g_test_add_func ("/thaw/lessons/grouping", test_grouping);
      g_test_add_func ("/thaw/lessons/python-map", test_python_map);
    }

  return g_test_run ();
}
