/* thaw-window.c — the main window: lessons, the lesson page, the meter
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "thaw-python-map.h"
#include "thaw-try-this.h"
#include "thaw-window.h"
#include "thaw-stalls.h"

struct _ThawWindow
{
  AdwApplicationWindow parent_instance;

  AdwLeaflet *leaflet;
  GtkWidget *sidebar;
  GtkWidget *content;
  GtkSearchBar *search_bar;
  GtkSearchEntry *search_entry;
  GtkListBox *lesson_list;
  guint scroll_tick_id;     /* bringing the selected row into view */
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar *switcher_bar;
  AdwBin *page_bin;
  ThawMeter *meter;

  GSettings *settings;
  ThawHeartbeat *heartbeat;
  char *first_lesson;           /* construct-only, until constructed() */
  ThawLessonPage *page;

  /* GTK's part of each frame, as a scope of thaw-stalls.c. */
  GdkFrameClock *frame_clock;
  gulong frame_ids[4];
  guint frame_scope;
  guint part_scope;

  /* What the lesson on screen cost the main loop as it opened: building
   * its page, and the first frame that drew it (negative until drawn). */
  double page_build_ms;
  double page_frame_ms;
  gint64 page_frame_start;  /* 0: not waiting for it */
  gboolean page_frame_pending;
};

G_DEFINE_FINAL_TYPE (ThawWindow, thaw_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_HEARTBEAT,
  PROP_FIRST_LESSON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define LESSON_ID_KEY "thaw-lesson-id"
#define PYTHON_MAP_KEY "thaw-python-map"
#define DONE_MARK_KEY "thaw-done-mark"

/* Returns NULL for the row of the Python → GLib map, the one row that is
 * not a lesson. */
static const ThawLessonInfo *
row_get_info (GtkListBoxRow *row)
{
  const char *id = g_object_get_data (G_OBJECT (row), LESSON_ID_KEY);

  return id != NULL ? thaw_lessons_find (id) : NULL;
}

static gboolean
row_is_python_map (GtkListBoxRow *row)
{
  return g_object_get_data (G_OBJECT (row), PYTHON_MAP_KEY) != NULL;
}

static GtkListBoxRow *
find_row (ThawWindow *self,
          const char *id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->lesson_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_BOX_ROW (child) &&
          g_strcmp0 (g_object_get_data (G_OBJECT (child), LESSON_ID_KEY), id) == 0)
        return GTK_LIST_BOX_ROW (child);
    }

  return NULL;
}

static void
header_func (GtkListBoxRow *row,
             GtkListBoxRow *before,
             gpointer       user_data)
{
  const ThawLessonInfo *info = row_get_info (row);
  const ThawLessonInfo *info_before = before != NULL ? row_get_info (before) : NULL;
  GtkWidget *header;

  if (before != NULL && (info == NULL ? info_before == NULL : info_before != NULL && info_before->part == info->part))
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }

  /* Translators: the sidebar heading above the Python → GLib map. */
  header = gtk_label_new (info != NULL ? thaw_part_get_title (info->part) : _("Reference"));
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_label_set_ellipsize (GTK_LABEL (header), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "dim-label");
  gtk_widget_set_margin_start (header, 12);
  gtk_widget_set_margin_top (header, before == NULL ? 6 : 18);
  gtk_widget_set_margin_bottom (header, 6);
  gtk_list_box_row_set_header (row, header);
}

static gboolean
filter_func (GtkListBoxRow *row,
             gpointer       user_data)
{
  ThawWindow *self = THAW_WINDOW (user_data);
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  if (row_is_python_map (row))
    {
      const char *texts[] = {
        "python glib threading queue concurrent.futures",
        _("From Python to GLib"),
        NULL
      };

      return thaw_query_matches (query, texts);
    }

  return thaw_lesson_info_matches (row_get_info (row), query);
}

static GtkWidget *
make_row (const ThawLessonInfo *info)
{
  GtkWidget *row = gtk_list_box_row_new ();
  /* A grid, the title its first child: the check goes after the title,
   * the summary under both. */
  GtkWidget *box = gtk_grid_new ();
  GtkWidget *title = gtk_label_new (_(info->title));
  GtkWidget *summary = gtk_label_new (_(info->summary));
  GtkWidget *done = gtk_image_new_from_icon_name ("object-select-symbolic");

  /* A title wraps rather than lose its end (Portuguese ones are longer);
   * the summary, under it, may be cut: the tooltip has it whole. */
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (title), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (summary), 0);
  gtk_label_set_ellipsize (GTK_LABEL (summary), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (summary, "caption");
  gtk_widget_add_css_class (summary, "dim-label");
  gtk_widget_set_hexpand (title, TRUE);
  /* A lesson whose steps are all done has a small check after its title;
   * the row's description says it (see update_done_marks()). */
  gtk_widget_set_visible (done, FALSE);
  gtk_widget_set_valign (done, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (done, "success");
  gtk_widget_add_css_class (done, "lesson-done");
  gtk_accessible_update_property (GTK_ACCESSIBLE (done),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("All steps done"),
                                  -1);
  gtk_grid_set_row_spacing (GTK_GRID (box), 2);
  gtk_grid_set_column_spacing (GTK_GRID (box), 6);
  gtk_grid_attach (GTK_GRID (box), title, 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (box), done, 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (box), summary, 0, 1, 2, 1);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_tooltip_text (row, _(info->summary));
  g_object_set_data (G_OBJECT (row), DONE_MARK_KEY, done);
  /* GTK 4.8 does not name a row by the text inside it: the title names it,
   * and the tooltip already describes it with the summary. */
  gtk_accessible_update_relation (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, title, NULL,
                                  -1);

  g_object_set_data_full (G_OBJECT (row), LESSON_ID_KEY, g_strdup (info->id), g_free);

  return row;
}

static GtkWidget *
make_python_map_row (void)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (_("From Python to GLib"));
  GtkWidget *summary = gtk_label_new (_("Every idiom and its lesson"));

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (summary), 0);
  gtk_label_set_ellipsize (GTK_LABEL (summary), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (summary, "caption");
  gtk_widget_add_css_class (summary, "dim-label");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), summary);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  /* As the lessons' rows: named by the title, described by the summary
   * (GTK 4.8 reads a description from the property, not from a relation). */
  gtk_accessible_update_relation (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, title, NULL,
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, gtk_label_get_text (GTK_LABEL (summary)),
                                  -1);
  g_object_set_data (G_OBJECT (row), PYTHON_MAP_KEY, GINT_TO_POINTER (TRUE));

  return row;
}

/* The check of each lesson whose steps with conditions are all done. */
static void
update_done_marks (ThawWindow *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->lesson_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const ThawLessonInfo *info;
      GtkWidget *done;
      gboolean is_done;

      if (!GTK_IS_LIST_BOX_ROW (child) || (info = row_get_info (GTK_LIST_BOX_ROW (child))) == NULL)
        continue;
      done = g_object_get_data (G_OBJECT (child), DONE_MARK_KEY);
      is_done = thaw_try_progress_lesson_done (self->settings, info);
      gtk_widget_set_visible (done, is_done);
      if (is_done)
        {
          /* Translators: a lesson's row in the sidebar, for a screen reader:
           * "%s" is its summary. */
          g_autofree char *description = g_strdup_printf (_("All steps done. %s"), _(info->summary));

          gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                          GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                          -1);
        }
      else
        gtk_accessible_reset_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
}

static void
populate_lessons (ThawWindow *self)
{
  const ThawLessonInfo *const *lessons;
  GtkWidget *placeholder;
  guint n;

  lessons = thaw_lessons_get_all (&n);
  for (guint i = 0; i < n; i++)
    gtk_list_box_append (self->lesson_list, make_row (lessons[i]));
  gtk_list_box_append (self->lesson_list, make_python_map_row ());
  update_done_marks (self);
  g_signal_connect_object (self->settings, "changed::done-steps", G_CALLBACK (update_done_marks),
                           self, G_CONNECT_SWAPPED);

  gtk_list_box_set_header_func (self->lesson_list, header_func, NULL, NULL);
  gtk_list_box_set_filter_func (self->lesson_list, filter_func, self, NULL);

  placeholder = gtk_label_new (_("No lesson matches the search"));
  gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 24);
  gtk_widget_set_margin_start (placeholder, 12);
  gtk_widget_set_margin_end (placeholder, 12);
  gtk_list_box_set_placeholder (self->lesson_list, placeholder);
}

/* The bar at the bottom shows the lesson's tabs when the header is too
 * narrow for them (its reveal follows the title's title-visible). Given a
 * lesson's tabs it builds its buttons, milliseconds of a lesson's opening,
 * so it gets them only while it shows. It never keeps the tabs of a lesson
 * that went: it would keep that lesson, and its work, alive. */
static void
point_switcher_bar (ThawWindow *self)
{
  AdwViewStack *stack = NULL;

  if (self->switcher_bar == NULL)   /* the window is going */
    return;
  if (self->page != NULL && adw_view_switcher_bar_get_reveal (self->switcher_bar))
    stack = thaw_lesson_page_get_stack (self->page);
  if (adw_view_switcher_bar_get_stack (self->switcher_bar) != stack)
    adw_view_switcher_bar_set_stack (self->switcher_bar, stack);
}

static void
lesson_busy_cb (ThawWindow *self)
{
  ThawLesson *lesson = self->page != NULL ? thaw_lesson_page_get_lesson (self->page) : NULL;

  thaw_meter_set_busy (self->meter, lesson != NULL && thaw_lesson_get_busy (lesson));
}

/* Brings the selected row of the sidebar into view, once the list is on
 * screen and has a size: a lesson opened with --run is selected before the
 * first frame, and a folded sidebar is not on screen until it unfolds (its
 * "map" asks again). */
static gboolean
scroll_to_selected_row_cb (GtkWidget     *widget,
                           GdkFrameClock *frame_clock,
                           gpointer       user_data)
{
  ThawWindow *self = THAW_WINDOW (widget);
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->lesson_list);
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (self->lesson_list), GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  graphene_point_t top;

  /* On screen but not laid out yet: the next frame will be. */
  if (gtk_widget_get_mapped (scrolled) && gtk_adjustment_get_page_size (adjustment) <= 0)
    return G_SOURCE_CONTINUE;

  self->scroll_tick_id = 0;
  if (row == NULL || !gtk_widget_get_mapped (scrolled) ||
      !gtk_widget_compute_point (GTK_WIDGET (row), GTK_WIDGET (self->lesson_list),
                                 &GRAPHENE_POINT_INIT (0, 0), &top))
    return G_SOURCE_REMOVE;

  /* Only if it is out of view, and then to the middle. */
  if (top.y < gtk_adjustment_get_value (adjustment) ||
      top.y + gtk_widget_get_height (GTK_WIDGET (row)) >
      gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment))
    gtk_adjustment_clamp_page (adjustment,
                               top.y - gtk_adjustment_get_page_size (adjustment) / 2,
                               top.y + gtk_adjustment_get_page_size (adjustment) / 2);
  return G_SOURCE_REMOVE;
}

static void
scroll_to_selected_row (ThawWindow *self)
{
  /* Not on screen: its "map" will ask. Nothing ticks meanwhile. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self->lesson_list)))
    return;
  if (self->scroll_tick_id == 0)
    self->scroll_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_to_selected_row_cb,
                                                         NULL, NULL);
}

/**
 * thaw_window_show_lesson:
 * @self: a window
 * @id: a lesson id
 *
 * Replaces the lesson on screen. The old lesson is destroyed, and with it
 * any work it still had running: each lesson stops and joins its own
 * threads when it goes away.
 *
 * Returns: %FALSE if there is no lesson with that id
 */
gboolean
thaw_window_show_lesson (ThawWindow *self,
                         const char *id)
{
  const ThawLessonInfo *info;
  GtkListBoxRow *row;
  GtkWidget *page;
  gint64 built;
  guint scope;

  g_return_val_if_fail (THAW_IS_WINDOW (self), FALSE);

  info = thaw_lessons_find (id);
  if (info == NULL)
    return FALSE;

  row = find_row (self, id);
  if (row != NULL && gtk_list_box_get_selected_row (self->lesson_list) != row)
    {
      gtk_list_box_select_row (self->lesson_list, row);
      scroll_to_selected_row (self);
    }

  if (self->page != NULL && thaw_lesson_page_get_info (self->page) == info)
    return TRUE;

  /* Named in the meter's list of stalls: closing the old lesson, building
   * the new one. */
  scope = thaw_stalls_begin (THAW_STALL_NAME (thaw_window_show_lesson));
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, TRUE);
  built = g_get_monotonic_time ();
  page = thaw_lesson_page_new (info, self->heartbeat);
  self->page = THAW_LESSON_PAGE (page);
  adw_bin_set_child (self->page_bin, page);
  self->page_build_ms = (g_get_monotonic_time () - built) / 1000.0;
  self->page_frame_ms = -1;
  self->page_frame_pending = TRUE;

  /* While the lesson's job runs the meter stays awake; the old lesson, now
   * gone, took its job and its signal with it. */
  g_signal_connect_object (thaw_lesson_page_get_lesson (self->page), "notify::busy",
                           G_CALLBACK (lesson_busy_cb), self, G_CONNECT_SWAPPED);
  lesson_busy_cb (self);

  adw_view_switcher_title_set_stack (self->switcher_title, thaw_lesson_page_get_stack (self->page));
  adw_view_switcher_title_set_title (self->switcher_title, _(info->title));
  point_switcher_bar (self);

  g_settings_set_string (self->settings, "last-lesson", info->id);
  thaw_stalls_end (scope);

  return TRUE;
}

/**
 * thaw_window_show_python_map:
 * @self: a window
 *
 * Shows the Python → GLib map in place of a lesson; the lesson on screen,
 * and any work it had running, goes away as when another lesson opens.
 */
void
thaw_window_show_python_map (ThawWindow *self)
{
  g_return_if_fail (THAW_IS_WINDOW (self));

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->lesson_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && row_is_python_map (GTK_LIST_BOX_ROW (child)))
      gtk_list_box_select_row (self->lesson_list, GTK_LIST_BOX_ROW (child));

  self->page = NULL;
  adw_bin_set_child (self->page_bin, thaw_python_map_new ());
  lesson_busy_cb (self);
  adw_view_switcher_title_set_stack (self->switcher_title, NULL);
  point_switcher_bar (self);
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, FALSE);
  adw_view_switcher_title_set_title (self->switcher_title, _("From Python to GLib"));
}

static void
row_activated_cb (ThawWindow    *self,
                  GtkListBoxRow *row)
{
  const ThawLessonInfo *info = row_get_info (row);

  if (info != NULL)
    thaw_window_show_lesson (self, info->id);
  else
    thaw_window_show_python_map (self);
  adw_leaflet_set_visible_child (self->leaflet, self->content);
}

static void
show_lesson_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ThawWindow *self = THAW_WINDOW (widget);

  if (thaw_window_show_lesson (self, g_variant_get_string (parameter, NULL)))
    adw_leaflet_set_visible_child (self->leaflet, self->content);
}

static void
python_map_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ThawWindow *self = THAW_WINDOW (widget);

  thaw_window_show_python_map (self);
  adw_leaflet_set_visible_child (self->leaflet, self->content);
}

static void
search_changed_cb (ThawWindow *self)
{
  gtk_list_box_invalidate_filter (self->lesson_list);
}

/* Enter in the search entry opens the first lesson that matches. */
static void
search_activate_cb (ThawWindow *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->lesson_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      /* The entry tells of a change only after a pause, so the list may
       * not be filtered yet: ask the filter itself. */
      if (GTK_IS_LIST_BOX_ROW (child) && filter_func (GTK_LIST_BOX_ROW (child), self))
        {
          row_activated_cb (self, GTK_LIST_BOX_ROW (child));
          return;
        }
    }
}

static void
search_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ThawWindow *self = THAW_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
show_lessons_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ThawWindow *self = THAW_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* win.lesson-start, win.lesson-block, win.lesson-stop: keyboard shortcuts
 * for the lesson on screen, wherever the focus is. */
static void
lesson_verb_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ThawWindow *self = THAW_WINDOW (widget);

  if (self->page != NULL)
    thaw_lesson_activate_verb (thaw_lesson_page_get_lesson (self->page),
                               action_name + strlen ("win.lesson-"));
}

static void
step_lesson (ThawWindow *self,
             int         direction)
{
  const ThawLessonInfo *const *lessons;
  guint n, current = 0;

  lessons = thaw_lessons_get_all (&n);
  for (guint i = 0; i < n; i++)
    if (self->page != NULL && lessons[i] == thaw_lesson_page_get_info (self->page))
      current = i;

  thaw_window_show_lesson (self, lessons[(current + n + direction) % n]->id);
}

static void
next_lesson_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  step_lesson (THAW_WINDOW (widget), +1);
}

static void
previous_lesson_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  step_lesson (THAW_WINDOW (widget), -1);
}

static void
reset_meter_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  thaw_meter_reset (THAW_WINDOW (widget)->meter);
}

static gboolean
thaw_window_close_request (GtkWindow *window)
{
  ThawWindow *self = THAW_WINDOW (window);
  int width, height;

  /* The schema bounds both; a size outside them would be refused loudly. */
  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", CLAMP (width, 360, 16384));
  g_settings_set_int (self->settings, "window-height", CLAMP (height, 400, 16384));
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (thaw_window_parent_class)->close_request (window);
}

static void
thaw_window_constructed (GObject *object)
{
  ThawWindow *self = THAW_WINDOW (object);
  g_autofree char *last = NULL;

  G_OBJECT_CLASS (thaw_window_parent_class)->constructed (object);

  thaw_meter_set_heartbeat (self->meter, self->heartbeat);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  /* The lesson asked for, else the last one: one page built, not two. */
  last = g_settings_get_string (self->settings, "last-lesson");
  if ((self->first_lesson == NULL || !thaw_window_show_lesson (self, self->first_lesson)) &&
      !thaw_window_show_lesson (self, last))
    {
      guint n;

      thaw_window_show_lesson (self, thaw_lessons_get_all (&n)[0]->id);
    }
  g_clear_pointer (&self->first_lesson, g_free);

  /* A narrow window opens on the lesson, not on the list: there is always
   * a lesson on screen, and the back button leads to the others. */
  adw_leaflet_set_visible_child (self->leaflet, self->content);
}

static void
thaw_window_dispose (GObject *object)
{
  ThawWindow *self = THAW_WINDOW (object);

  self->page = NULL;
  if (self->scroll_tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->scroll_tick_id);
  self->scroll_tick_id = 0;
  gtk_widget_dispose_template (GTK_WIDGET (self), THAW_TYPE_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->heartbeat);

  G_OBJECT_CLASS (thaw_window_parent_class)->dispose (object);
}

static void
thaw_window_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  ThawWindow *self = THAW_WINDOW (object);

  switch (prop_id)
    {
    case PROP_HEARTBEAT:
      g_value_set_object (value, self->heartbeat);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_window_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  ThawWindow *self = THAW_WINDOW (object);

  switch (prop_id)
    {
    case PROP_HEARTBEAT:
      self->heartbeat = g_value_dup_object (value);
      break;

    case PROP_FIRST_LESSON:
      self->first_lesson = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* A frame: GTK lays the window out if something changed size, then draws
 * it (Thaw's widgets' snapshots have scopes of their own, inside). Thaw's
 * handlers run after GTK's for each signal of the frame clock, so the
 * frame's first part ends at ours for "layout" when GTK laid the window
 * out, and at ours for "paint" when it did not: that part is then named
 * after what it was. */
static const char *
layout_name (void)
{
  /* Translators: a part of a GTK frame, in the meter's list of stalls:
   * measuring widgets, applying CSS, placing them. */
  return _("layout (sizes and CSS)");
}

static const char *
drawing_name (void)
{
  /* Translators: a part of a GTK frame, in the meter's list of stalls. */
  return _("drawing");
}

static void
before_paint_cb (GdkFrameClock *frame_clock,
                 ThawWindow    *self)
{
  thaw_stalls_end (self->frame_scope);
  /* Translators: what held the main loop, in the meter's list of stalls:
   * GTK drawing one frame of the window. */
  self->frame_scope = thaw_stalls_begin (_("GTK frame"));
  if (self->page_frame_pending)
    self->page_frame_start = g_get_monotonic_time ();
  self->part_scope = thaw_stalls_begin (layout_name ());
}

static void
layout_cb (GdkFrameClock *frame_clock,
           ThawWindow    *self)
{
  thaw_stalls_end (self->part_scope);
  self->part_scope = thaw_stalls_begin (drawing_name ());
}

static void
paint_cb (GdkFrameClock *frame_clock,
          ThawWindow    *self)
{
  thaw_stalls_rename (self->part_scope, drawing_name ());
  thaw_stalls_end (self->part_scope);
  self->part_scope = G_MAXUINT;
}

static void
after_paint_cb (GdkFrameClock *frame_clock,
                ThawWindow    *self)
{
  thaw_stalls_end (self->frame_scope);
  self->frame_scope = G_MAXUINT;
  self->part_scope = G_MAXUINT;
  if (self->page_frame_start != 0)
    {
      self->page_frame_ms = (g_get_monotonic_time () - self->page_frame_start) / 1000.0;
      self->page_frame_start = 0;
      self->page_frame_pending = FALSE;
    }
}

static void
thaw_window_realize (GtkWidget *widget)
{
  ThawWindow *self = THAW_WINDOW (widget);

  GTK_WIDGET_CLASS (thaw_window_parent_class)->realize (widget);

  self->frame_clock = g_object_ref (gtk_widget_get_frame_clock (widget));
  self->frame_scope = G_MAXUINT;
  self->part_scope = G_MAXUINT;
  self->frame_ids[0] = g_signal_connect (self->frame_clock, "before-paint", G_CALLBACK (before_paint_cb), self);
  self->frame_ids[1] = g_signal_connect (self->frame_clock, "layout", G_CALLBACK (layout_cb), self);
  self->frame_ids[2] = g_signal_connect (self->frame_clock, "paint", G_CALLBACK (paint_cb), self);
  self->frame_ids[3] = g_signal_connect (self->frame_clock, "after-paint", G_CALLBACK (after_paint_cb), self);
}

static void
thaw_window_unrealize (GtkWidget *widget)
{
  ThawWindow *self = THAW_WINDOW (widget);

  if (self->frame_clock != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (self->frame_ids); i++)
        g_clear_signal_handler (&self->frame_ids[i], self->frame_clock);
      g_clear_object (&self->frame_clock);
    }

  GTK_WIDGET_CLASS (thaw_window_parent_class)->unrealize (widget);
}

/* Forgets every step done: the marks on the pages and in the sidebar
 * follow the setting. */
static void
clear_progress_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  thaw_try_progress_clear (THAW_WINDOW (widget)->settings);
}

static void
thaw_window_class_init (ThawWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = thaw_window_constructed;
  object_class->dispose = thaw_window_dispose;
  object_class->get_property = thaw_window_get_property;
  object_class->set_property = thaw_window_set_property;
  window_class->close_request = thaw_window_close_request;
  widget_class->realize = thaw_window_realize;
  widget_class->unrealize = thaw_window_unrealize;

  properties[PROP_HEARTBEAT] =
    g_param_spec_object ("heartbeat", NULL, NULL,
                         THAW_TYPE_HEARTBEAT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The lesson to open first, in place of the last one shown. */
  properties[PROP_FIRST_LESSON] =
    g_param_spec_string ("first-lesson", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (THAW_TYPE_METER);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/thaw-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ThawWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, ThawWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, ThawWindow, content);
  gtk_widget_class_bind_template_child (widget_class, ThawWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, ThawWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ThawWindow, lesson_list);
  gtk_widget_class_bind_template_child (widget_class, ThawWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, ThawWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, ThawWindow, page_bin);
  gtk_widget_class_bind_template_child (widget_class, ThawWindow, meter);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);

  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action_cb);
  gtk_widget_class_install_action (widget_class, "win.show-lessons", NULL, show_lessons_cb);
  gtk_widget_class_install_action (widget_class, "win.lesson-start", NULL, lesson_verb_cb);
  gtk_widget_class_install_action (widget_class, "win.lesson-block", NULL, lesson_verb_cb);
  gtk_widget_class_install_action (widget_class, "win.lesson-stop", NULL, lesson_verb_cb);
  gtk_widget_class_install_action (widget_class, "win.next-lesson", NULL, next_lesson_cb);
  gtk_widget_class_install_action (widget_class, "win.previous-lesson", NULL, previous_lesson_cb);
  gtk_widget_class_install_action (widget_class, "win.reset-meter", NULL, reset_meter_cb);
  gtk_widget_class_install_action (widget_class, "win.show-lesson", "s", show_lesson_cb);
  gtk_widget_class_install_action (widget_class, "win.python-map", NULL, python_map_cb);
  gtk_widget_class_install_action (widget_class, "win.clear-progress", NULL, clear_progress_cb);
}

/* Any input wakes the meter, before the widget it is meant for sees it: a
 * click whose handler then holds the main loop is measured from its start.
 * Returning FALSE lets the event go on as if nothing had looked at it. */
static gboolean
input_cb (GtkEventControllerLegacy *controller,
          GdkEvent                 *event,
          ThawWindow               *self)
{
  thaw_meter_wake (self->meter);
  return GDK_EVENT_PROPAGATE;
}

static void
thaw_window_init (ThawWindow *self)
{
  GtkEventController *input = gtk_event_controller_legacy_new ();

  self->settings = g_settings_new (APP_ID);

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  g_signal_connect_object (self->lesson_list, "map", G_CALLBACK (scroll_to_selected_row), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->switcher_bar, "notify::reveal", G_CALLBACK (point_switcher_bar), self, G_CONNECT_SWAPPED);
  populate_lessons (self);

  gtk_event_controller_set_propagation_phase (input, GTK_PHASE_CAPTURE);
  g_signal_connect (input, "event", G_CALLBACK (input_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), input);
}

/**
 * thaw_window_new:
 * @application: the application
 * @heartbeat: the heartbeat the meter shows
 * @lesson: (nullable): the id of the lesson to show first; %NULL, or an
 *   unknown id, shows the lesson shown last
 *
 * Returns: (transfer none): a new window, owned by @application
 */
ThawWindow *
thaw_window_new (AdwApplication *application,
                 ThawHeartbeat  *heartbeat,
                 const char     *lesson)
{
  return g_object_new (THAW_TYPE_WINDOW,
                       "application", application,
                       "heartbeat", heartbeat,
                       "first-lesson", lesson,
                       NULL);
}

/**
 * thaw_window_get_lesson_page:
 * @self: a window
 *
 * Returns: (transfer none) (nullable): the page on screen
 */
ThawLessonPage *
thaw_window_get_lesson_page (ThawWindow *self)
{
  g_return_val_if_fail (THAW_IS_WINDOW (self), NULL);

  return self->page;
}

/**
 * thaw_window_get_meter:
 * @self: a window
 *
 * Returns: (transfer none): the window's meter
 */
ThawMeter *
thaw_window_get_meter (ThawWindow *self)
{
  g_return_val_if_fail (THAW_IS_WINDOW (self), NULL);

  return self->meter;
}

/**
 * thaw_window_get_page_cost:
 * @self: a window
 * @build_ms: (out) (optional): how long building the lesson's page took
 * @first_frame_ms: (out) (optional): how long the first frame that drew it
 *   took (for the window's first lesson, that frame draws the whole window)
 *
 * What opening the lesson on screen cost the main loop: two turns of it.
 *
 * Returns: %FALSE if no lesson is on screen or its first frame is not drawn yet
 */
gboolean
thaw_window_get_page_cost (ThawWindow *self,
                           double     *build_ms,
                           double     *first_frame_ms)
{
  g_return_val_if_fail (THAW_IS_WINDOW (self), FALSE);

  if (build_ms != NULL)
    *build_ms = self->page_build_ms;
  if (first_frame_ms != NULL)
    *first_frame_ms = self->page_frame_ms;

  return self->page != NULL && self->page_frame_ms >= 0;
}
