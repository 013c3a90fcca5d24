/* test-window.c — the window, the lesson list and the freeze lesson, in
 * process, under Xvfb
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>
#include <locale.h>
#include <string.h>

#include "thaw-lesson.h"
#include "thaw-lesson-page.h"
#include "thaw-meter.h"
#include "thaw-test-util.h"
#include "thaw-window.h"

static guint
count_visible_rows (GtkWidget *list)
{
  guint count = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (list);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && gtk_widget_get_child_visible (child))
      count++;

  return count;
}

/* Whether the row of the Python → GLib map is listed. */
static gboolean
python_map_listed (gpointer list)
{
  for (GtkWidget *row = gtk_widget_get_first_child (list);
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *label;

      if (!GTK_IS_LIST_BOX_ROW (row) || !gtk_widget_get_child_visible (row))
        continue;
      label = gtk_widget_get_first_child (gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row)));
      if (GTK_IS_LABEL (label) && g_str_equal (gtk_label_get_text (GTK_LABEL (label)), "From Python to GLib"))
        return TRUE;
    }

  return FALSE;
}

/* The search entry filters after a short delay, and a sanitizer build on a
 * loaded machine takes a while longer: wait for the rows to settle. */
static void
wait_for_visible_rows (GtkWidget *list,
                       guint      expected)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (2 * G_USEC_PER_SEC * thaw_test_time_scale ());

  while (count_visible_rows (list) != expected && g_get_monotonic_time () < deadline)
    thaw_test_iterate_for (0.05);
  g_assert_cmpuint (count_visible_rows (list), ==, expected);
}

static GtkWidget *
find_by_type (GtkWidget  *root,
              GType       type,
              const char *css_class)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) &&
      (css_class == NULL || gtk_widget_has_css_class (root, css_class)))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_type (child, type, css_class);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
test_window_lists_lessons (void)
{
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  ThawWindow *window;
  GtkWidget *list, *entry;
  const char *first_match = NULL;
  const ThawLessonInfo *const *lessons;
  guint n_lessons;

  lessons = thaw_lessons_get_all (&n_lessons);
  window = thaw_window_new (NULL, heartbeat, NULL);
  gtk_window_present (GTK_WINDOW (window));
  thaw_test_iterate_for (0.3);

  list = find_by_type (GTK_WIDGET (window), GTK_TYPE_LIST_BOX, "navigation-sidebar");
  g_assert_nonnull (list);
  /* One row per lesson, and one for the Python → GLib map. */
  g_assert_cmpuint (count_visible_rows (list), ==, n_lessons + 1);
  /* Lesson titles wrap rather than lose their end. */
  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *title;

      if (!GTK_IS_LIST_BOX_ROW (row) || g_object_get_data (G_OBJECT (row), "thaw-lesson-id") == NULL)
        continue;
      title = gtk_widget_get_first_child (gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row)));
      g_assert_true (gtk_label_get_wrap (GTK_LABEL (title)));
      g_assert_cmpint (gtk_label_get_ellipsize (GTK_LABEL (title)), ==, PANGO_ELLIPSIZE_NONE);
    }

  /* The freeze lesson is on screen by default, with its three actions. */
  g_assert_cmpstr (thaw_lesson_page_get_info (thaw_window_get_lesson_page (window))->id, ==, "freeze");

  /* Search by keyword narrows the list; nonsense empties it. */
  entry = find_by_type (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY, NULL);
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), "idle responsive");
  wait_for_visible_rows (list, 1);
  gtk_editable_set_text (GTK_EDITABLE (entry), "xyzzy-no-such-lesson");
  wait_for_visible_rows (list, 0);
  g_assert_false (python_map_listed (list));

  /* Enter right after typing, before the entry has told the list to
   * filter, opens the first match, not the first lesson. */
  for (guint i = 0; i < n_lessons && first_match == NULL; i++)
    if (thaw_lesson_info_matches (lessons[i], "deadlock"))
      first_match = lessons[i]->id;
  g_assert_cmpstr (first_match, !=, "freeze");
  gtk_editable_set_text (GTK_EDITABLE (entry), "deadlock");
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpstr (thaw_lesson_page_get_info (thaw_window_get_lesson_page (window))->id, ==, first_match);

  /* The map's row is found however the learner types its name. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "Python GLib");
  thaw_test_iterate_until (python_map_listed, list, 2 * thaw_test_time_scale ());
  gtk_editable_set_text (GTK_EDITABLE (entry), "");

  /* The Python map replaces the lesson; its rows lead back to lessons. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.python-map", NULL));
  thaw_test_iterate_for (0.2);
  g_assert_null (thaw_window_get_lesson_page (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-lesson", "s", "freeze"));
  g_assert_nonnull (thaw_window_get_lesson_page (window));
  g_assert_cmpstr (thaw_lesson_page_get_info (thaw_window_get_lesson_page (window))->id, ==, "freeze");

  gtk_window_destroy (GTK_WINDOW (window));
  thaw_test_iterate_for (0.1);
  g_assert_finalize_object (g_steal_pointer (&heartbeat));
}

static gboolean
row_in_view (gpointer data)
{
  GtkWidget *row = data;
  GtkWidget *list = gtk_widget_get_parent (row);
  GtkAdjustment *adjustment =
    gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (row, GTK_TYPE_SCROLLED_WINDOW)));
  graphene_point_t top;

  return gtk_widget_compute_point (row, list, &GRAPHENE_POINT_INIT (0, 0), &top) &&
         top.y >= gtk_adjustment_get_value (adjustment) &&
         top.y + gtk_widget_get_height (row) <= gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment);
}

/* A lesson opened from elsewhere (--run, a link in the map) is brought
 * into view in the sidebar, in a window too short to show them all. */
static void
test_sidebar_follows (void)
{
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  const ThawLessonInfo *const *lessons;
  ThawWindow *window;
  GtkWidget *list;
  GtkListBoxRow *row;
  GtkAdjustment *adjustment;
  graphene_point_t top;
  guint n;

  lessons = thaw_lessons_get_all (&n);
  window = thaw_window_new (NULL, heartbeat, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 420);
  gtk_window_present (GTK_WINDOW (window));
  thaw_test_iterate_for (0.3);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-lesson", "s", lessons[n - 1]->id));

  list = find_by_type (GTK_WIDGET (window), GTK_TYPE_LIST_BOX, "navigation-sidebar");
  row = gtk_list_box_get_selected_row (GTK_LIST_BOX (list));
  g_assert_nonnull (row);
  /* A frame or two (many more in a sanitizer build on a busy machine). */
  thaw_test_iterate_until (row_in_view, row, 5 * thaw_test_time_scale ());
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (list, GTK_TYPE_SCROLLED_WINDOW)));
  /* The list is longer than the window. */
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >, gtk_adjustment_get_page_size (adjustment));
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (row), list, &GRAPHENE_POINT_INIT (0, 0), &top));
  g_test_message ("row at %.0f px, view from %.0f px, %.0f px high", top.y,
                  gtk_adjustment_get_value (adjustment), gtk_adjustment_get_page_size (adjustment));
  g_assert_cmpfloat (top.y, >=, gtk_adjustment_get_value (adjustment));
  g_assert_cmpfloat (top.y + gtk_widget_get_height (GTK_WIDGET (row)), <=,
                     gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment));

  gtk_window_destroy (GTK_WINDOW (window));
  thaw_test_iterate_for (0.1);
  g_assert_finalize_object (g_steal_pointer (&heartbeat));
}

static gboolean
page_drawn (gpointer window)
{
  return thaw_window_get_page_cost (window, NULL, NULL);
}

static gboolean
page_is_whole (gpointer page)
{
  return thaw_lesson_page_is_whole (page);
}

static char *
buffer_text (GtkSourceView *view)
{
  GtkTextIter start, end;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Opening a lesson: what it cost is measured (the report's page_build_ms
 * and page_first_frame_ms); what is below the lesson's controls comes a
 * frame at a time after the first, and all of it within a few; the Source
 * tab loads the lesson's work file when it is first shown. */
static void
test_open_lesson (void)
{
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  ThawWindow *window = thaw_window_new (NULL, heartbeat, NULL);
  g_autoptr(GPtrArray) views = g_ptr_array_new ();
  g_autoptr(GBytes) work = NULL;
  g_autofree char *shown = NULL;
  ThawLessonPage *page;
  double build_ms, first_frame_ms;

  gtk_window_present (GTK_WINDOW (window));
  thaw_test_iterate_for (0.3);
  g_assert_true (thaw_window_show_lesson (window, "race"));
  /* Not drawn yet: nothing to say of its first frame. */
  g_assert_false (thaw_window_get_page_cost (window, &build_ms, NULL));
  thaw_test_iterate_until (page_drawn, window, 5 * thaw_test_time_scale ());
  g_assert_true (thaw_window_get_page_cost (window, &build_ms, &first_frame_ms));
  g_test_message ("race: built in %.1f ms, first frame %.1f ms", build_ms, first_frame_ms);
  g_assert_cmpfloat (build_ms, >, 0);
  g_assert_cmpfloat (first_frame_ms, >, 0);

  page = thaw_window_get_lesson_page (window);
  g_assert_false (thaw_lesson_page_is_whole (page));
  thaw_test_iterate_until (page_is_whole, page, 5 * thaw_test_time_scale ());

  thaw_test_collect_widgets (GTK_WIDGET (page), GTK_SOURCE_TYPE_VIEW, views);
  g_assert_cmpuint (views->len, ==, 3);
  /* The Lesson tab's programs are on screen. */
  g_assert_true (gtk_widget_get_mapped (g_ptr_array_index (views, 0)));
  g_assert_true (gtk_widget_get_mapped (g_ptr_array_index (views, 1)));
  shown = buffer_text (g_ptr_array_index (views, 2));
  g_assert_cmpstr (shown, ==, "");
  adw_view_stack_set_visible_child_name (thaw_lesson_page_get_stack (page), "source");
  g_free (shown);
  shown = buffer_text (g_ptr_array_index (views, 2));
  work = g_resources_lookup_data (RESOURCE_BASE "/lessons/race/race-work.c", 0, NULL);
  g_assert_nonnull (work);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (work, NULL), shown));
  g_assert_nonnull (strstr (shown, "race_work_start"));

  gtk_window_destroy (GTK_WINDOW (window));
  thaw_test_iterate_for (0.1);
  g_assert_finalize_object (g_steal_pointer (&heartbeat));
}

/* A window asked for a lesson builds that lesson's page, and not the last
 * lesson's too: run first, before any test has built monitor's page. */
static void
test_window_first_lesson (void)
{
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GType monitor_type = thaw_lessons_find ("monitor")->get_type ();
  ThawWindow *window;

  g_assert_null (g_type_class_peek (monitor_type));
  g_settings_set_string (settings, "last-lesson", "monitor");

  window = thaw_window_new (NULL, heartbeat, "queue");
  g_assert_cmpstr (thaw_lesson_page_get_info (thaw_window_get_lesson_page (window))->id, ==, "queue");
  g_assert_null (g_type_class_peek (monitor_type));
  gtk_window_destroy (GTK_WINDOW (window));

  /* An unknown id: the last lesson, as without one. (Showing queue made
   * it the last.) */
  g_settings_set_string (settings, "last-lesson", "monitor");
  window = thaw_window_new (NULL, heartbeat, "no-such-lesson");
  g_assert_cmpstr (thaw_lesson_page_get_info (thaw_window_get_lesson_page (window))->id, ==, "monitor");
  gtk_window_destroy (GTK_WINDOW (window));

  g_settings_reset (settings, "last-lesson");
  thaw_test_iterate_for (0.1);
}

/* The window comes back at the size it was closed at. */
static void
test_window_size_remembered (void)
{
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  ThawWindow *window;
  int width, height;

  window = thaw_window_new (NULL, heartbeat, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 700, 500);
  gtk_window_present (GTK_WINDOW (window));
  thaw_test_iterate_for (0.2);
  gtk_window_close (GTK_WINDOW (window));
  thaw_test_iterate_for (0.1);

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 700);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 500);

  window = thaw_window_new (NULL, heartbeat, NULL);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 700);
  g_assert_cmpint (height, ==, 500);
  gtk_window_destroy (GTK_WINDOW (window));

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

static void
test_search_matches (void)
{
  const ThawLessonInfo *freeze = thaw_lessons_find ("freeze");

  g_assert_nonnull (freeze);
  g_assert_null (thaw_lessons_find ("no-such-lesson"));
  g_assert_true (thaw_lesson_info_matches (freeze, ""));
  g_assert_true (thaw_lesson_info_matches (freeze, "FROZEN"));
  g_assert_true (thaw_lesson_info_matches (freeze, "main loop"));
  g_assert_false (thaw_lesson_info_matches (freeze, "frozen semaphore"));
}

/* The lesson's job_state, as its report gives it. */
static char *
lesson_state (ThawLesson *lesson)
{
  g_autoptr(JsonObject) report = thaw_test_lesson_report (lesson);

  return g_strdup (json_object_get_string_member (report, "job_state"));
}

static gboolean
job_ended (gpointer data)
{
  g_autofree char *state = lesson_state (data);

  return g_strcmp0 (state, "succeeded") == 0 || g_strcmp0 (state, "cancelled") == 0;
}

/* Stop while the worker runs: the run ends cancelled, the thread is joined. */
/* The widest widget under @widget whose minimum width is above @limit,
 * for the message when the window cannot get narrow enough. */
static GtkWidget *
widest_offender (GtkWidget *widget,
                 int        limit)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int min = 0;

      if (!gtk_widget_get_visible (child) || !gtk_widget_get_child_visible (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
      if (min > limit)
        return widest_offender (child, limit);
    }

  return widget;
}

/* The bar of tabs at the bottom shows when the header has no room for the
 * tabs (its reveal follows the title's title-visible). Only then has it
 * the tabs of the lesson on screen, never those of a lesson that went. */
static void
test_window_tab_bar (void)
{
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  ThawWindow *window = thaw_window_new (NULL, heartbeat, NULL);
  AdwViewSwitcherBar *bar;
  AdwViewStack *stack;
  GtkWidget *first_page;

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-lesson", "s", "freeze"));
  thaw_test_iterate_for (0.3);
  bar = ADW_VIEW_SWITCHER_BAR (find_by_type (GTK_WIDGET (window), ADW_TYPE_VIEW_SWITCHER_BAR, NULL));
  g_assert_false (adw_view_switcher_bar_get_reveal (bar));
  g_assert_null (adw_view_switcher_bar_get_stack (bar));

  /* As when the header gets too narrow. */
  adw_view_switcher_bar_set_reveal (bar, TRUE);
  stack = adw_view_switcher_bar_get_stack (bar);
  g_assert_nonnull (stack);
  first_page = gtk_widget_get_ancestor (GTK_WIDGET (stack), THAW_TYPE_LESSON_PAGE);
  g_assert_nonnull (first_page);
  g_object_add_weak_pointer (G_OBJECT (first_page), (gpointer *) &first_page);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-lesson", "s", "race"));
  thaw_test_iterate_for (0.3);
  g_assert_null (first_page);
  stack = adw_view_switcher_bar_get_stack (bar);
  g_assert_nonnull (stack);
  g_assert_nonnull (gtk_widget_get_ancestor (GTK_WIDGET (stack), THAW_TYPE_LESSON_PAGE));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.python-map", NULL));
  g_assert_null (adw_view_switcher_bar_get_stack (bar));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-lesson", "s", "freeze"));
  g_assert_nonnull (adw_view_switcher_bar_get_stack (bar));
  adw_view_switcher_bar_set_reveal (bar, FALSE);
  g_assert_null (adw_view_switcher_bar_get_stack (bar));

  gtk_window_destroy (GTK_WINDOW (window));
  thaw_test_iterate_for (0.1);
  g_assert_finalize_object (g_steal_pointer (&heartbeat));
}

/* The whole window, meter included, fits 360 pixels wide with every lesson
 * and the Python map, in English and in the longest translation. */
static void
test_window_narrow (void)
{
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  const ThawLessonInfo *const *lessons;
  ThawWindow *window;
  GtkWidget *leaflet;
  GtkWidget *content;
  guint too_wide = 0;
  guint n;

  lessons = thaw_lessons_get_all (&n);
  g_test_message ("the first lesson is “%s”", _(lessons[0]->title));
  window = thaw_window_new (NULL, heartbeat, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  gtk_window_present (GTK_WINDOW (window));
  thaw_test_iterate_for (0.3);
  leaflet = find_by_type (GTK_WIDGET (window), ADW_TYPE_LEAFLET, NULL);
  g_assert_nonnull (leaflet);
  g_assert_true (adw_leaflet_get_folded (ADW_LEAFLET (leaflet)));
  content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));
  g_assert_true (gtk_widget_is_ancestor (leaflet, content));
  g_assert_nonnull (find_by_type (content, THAW_TYPE_METER, NULL));

  for (guint i = 0; i <= n; i++)
    {
      const char *id = i < n ? lessons[i]->id : "python-map";
      int min = 0;

      if (i < n)
        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-lesson", "s", id));
      else
        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.python-map", NULL));
      thaw_test_iterate_for (0.1);

      /* The window's content, the meter with the leaflet: its minimum is
       * the window's, without the frame that the window manager or GTK
       * draws around. */
      gtk_widget_measure (content, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
      if (min > 360)
        {
          GtkWidget *offender = widest_offender (content, 340);
          int offender_min = 0;
          g_autofree char *what = GTK_IS_LABEL (offender)
            ? g_strdup_printf ("“%.40s”", gtk_label_get_text (GTK_LABEL (offender)))
            : GTK_IS_BUTTON (offender) && gtk_button_get_label (GTK_BUTTON (offender))
            ? g_strdup_printf ("“%.40s”", gtk_button_get_label (GTK_BUTTON (offender)))
            : g_strdup (gtk_widget_get_name (offender));

          gtk_widget_measure (offender, GTK_ORIENTATION_HORIZONTAL, -1, &offender_min, NULL, NULL, NULL);
          g_printerr ("%s: the window needs %d px; a %s %s needs %d px\n", id, min,
                          G_OBJECT_TYPE_NAME (offender), what, offender_min);
        }
      too_wide += min > 360;
    }
  g_assert_cmpuint (too_wide, ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  thaw_test_iterate_for (0.1);
  g_assert_finalize_object (g_steal_pointer (&heartbeat));
}

/* Portuguese words are longer: the same check in a process that speaks
 * it. The child must really be translated, or this would prove nothing. */
static void
test_window_narrow_translated (void)
{
  if (g_test_subprocess ())
    {
      /* gtk_test_init() set a fixed locale; take the one from outside. */
      setlocale (LC_ALL, "");
      g_assert_cmpstr (_(thaw_lessons_find ("freeze")->title), !=, thaw_lessons_find ("freeze")->title);
      test_window_narrow ();
      return;
    }

  thaw_test_trap_in_language ("pt_BR", "C.UTF-8");
}

static void
test_freeze_stop (void)
{
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  g_autofree char *state = NULL;
  g_autofree char *state_again = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = thaw_lesson_page_new (thaw_lessons_find ("freeze"), heartbeat);
  ThawLesson *lesson = thaw_lesson_page_get_lesson (THAW_LESSON_PAGE (page));
  GtkWidget *bar;
  guint threads_before;

  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  thaw_test_iterate_for (0.2);

  threads_before = thaw_test_count_threads_named ("thaw-primes");
  g_assert_true (thaw_lesson_activate_verb (lesson, "start"));
  thaw_test_iterate_for (0.3);
  g_assert_cmpuint (thaw_test_count_threads_named ("thaw-primes"), ==, threads_before + 1);
  g_assert_true (thaw_lesson_activate_verb (lesson, "stop"));
  thaw_test_iterate_until (job_ended, lesson, 10 * thaw_test_time_scale ());

  state = lesson_state (lesson);
  g_assert_cmpstr (state, ==, "cancelled");
  g_assert_cmpuint (thaw_test_count_threads_named ("thaw-primes"), ==, threads_before);
  /* The bar the Stop left short says so; the next run clears it. */
  bar = find_by_type (GTK_WIDGET (lesson), GTK_TYPE_PROGRESS_BAR, NULL);
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (bar)), <, 1.0);
  g_assert_true (gtk_widget_has_css_class (bar, "cancelled"));

  /* Stopping again, with nothing running, is harmless. */
  thaw_lesson_activate_verb (lesson, "stop");
  state_again = lesson_state (lesson);
  g_assert_cmpstr (state_again, ==, "cancelled");

  g_assert_true (thaw_lesson_activate_verb (lesson, "start"));
  g_assert_false (gtk_widget_has_css_class (bar, "cancelled"));
  g_assert_true (thaw_lesson_activate_verb (lesson, "stop"));
  thaw_test_iterate_until (job_ended, lesson, 10 * thaw_test_time_scale ());

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The right way, to the end: the worker's count is exact and complete. */
static void
test_freeze_worker_result (void)
{
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = thaw_lesson_page_new (thaw_lessons_find ("freeze"), heartbeat);
  ThawLesson *lesson = thaw_lesson_page_get_lesson (THAW_LESSON_PAGE (page));
  g_autoptr(JsonObject) report = NULL;

  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (thaw_lesson_activate_verb (lesson, "start"));
  thaw_test_iterate_until (job_ended, lesson, 30 * thaw_test_time_scale ());

  report = thaw_test_lesson_report (lesson);

  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  g_assert_cmpstr (json_object_get_string_member (report, "job_mode"), ==, "worker");
  /* π(18 000 000): the final value arrived, not merely the last coalesced one. */
  g_assert_cmpint (json_object_get_int_member (report, "primes"), ==, 1151367);
  g_assert_cmpint (json_object_get_int_member (report, "runs"), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Closing the window mid-job joins the worker and leaves nothing behind. */
static void
test_freeze_close_mid_job (void)
{
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = thaw_lesson_page_new (thaw_lessons_find ("freeze"), heartbeat);
  ThawLesson *lesson = thaw_lesson_page_get_lesson (THAW_LESSON_PAGE (page));
  guint threads_before;
  gint64 start;

  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  thaw_test_iterate_for (0.2);

  threads_before = thaw_test_count_threads_named ("thaw-primes");
  g_object_add_weak_pointer (G_OBJECT (lesson), (gpointer *) &lesson);
  g_assert_true (thaw_lesson_activate_verb (lesson, "start"));
  thaw_test_iterate_for (0.5);

  start = g_get_monotonic_time ();
  gtk_window_destroy (GTK_WINDOW (window));
  g_test_message ("closing mid-job took %.1f ms", (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);

  /* The lesson is gone and so is its thread... */
  g_assert_null (lesson);
  g_assert_cmpuint (thaw_test_count_threads_named ("thaw-primes"), ==, threads_before);
  /* ...and deliveries it had scheduled run into nothing. */
  thaw_test_iterate_for (0.3);
  g_assert_finalize_object (g_steal_pointer (&heartbeat));
}

int
main (int   argc,
      char *argv[])
{
  thaw_test_bind_translations ();

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/thaw/window/first-lesson", test_window_first_lesson);
  g_test_add_func ("/thaw/window/lists-lessons", test_window_lists_lessons);
  g_test_add_func ("/thaw/window/search-matches", test_search_matches);
  g_test_add_func ("/thaw/window/sidebar-follows", test_sidebar_follows);
  g_test_add_func ("/thaw/window/size-remembered", test_window_size_remembered);
  g_test_add_func ("/thaw/window/open-lesson", test_open_lesson);
  g_test_add_func ("/thaw/window/narrow", test_window_narrow);
  g_test_add_func ("/thaw/window/tab-bar", test_window_tab_bar);
  g_test_add_func ("/thaw/window/narrow-pt-BR", test_window_narrow_translated);
  g_test_add_func ("/thaw/freeze/stop", test_freeze_stop);
  g_test_add_func ("/thaw/freeze/worker-result", test_freeze_worker_result);
  g_test_add_func ("/thaw/freeze/close-mid-job", test_freeze_close_mid_job);

  return g_test_run ();
}
