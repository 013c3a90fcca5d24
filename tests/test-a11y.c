/* test-a11y.c — every control has a name, every lesson works from the keyboard
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * names       Every button, toggle, switch, slider, spin button, entry,
 *             drop-down, progress bar and level bar in the window, the
 *             meter, the Python map and every lesson page has an accessible
 *             name a screen reader can say, and only one; so has every row
 *             that leads somewhere (the sidebar's lessons, the map's
 *             idioms); every graph (a drawing area or one of Thaw's drawing
 *             widgets) has a name and a description of what it shows.
 * keyboard    Tabbing round a lesson page reaches every control on it that
 *             can be used, so nothing needs a mouse.
 * mnemonics   No two labels on screen with a lesson underline the same
 *             letter, so that Alt and the letter activates what it says.
 * control     The checkers themselves catch an icon-only button without a
 *             name, a control named twice, a graph without a description, a
 *             button that Tab cannot reach and two buttons with one
 *             mnemonic; a checker that found nothing would prove nothing.
 *
 * GTK 4.8 has no public way to read an accessible name or to walk the
 * accessible tree. The test walks the widget tree instead and asks the test
 * AT context (GTK_A11Y=test) what each widget has: the role, the label and
 * description properties and the labelled-by relation.
 * gtk_test_accessible_check_property() returns the value it found when it
 * is not the one asked for, which is how the test reads a label's text;
 * gtk_test_accessible_check_relation() tells whether a relation points at
 * exactly one given widget, which is how it finds the widget that labels a
 * control. What counts as a name follows what GTK 4.8 hands to AT-SPI, as
 * read back from the bus: the label property, then the names of the
 * labelling widgets, both if both are set; the description property only.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "thaw-lesson.h"
#include "thaw-lesson-page.h"
#include "thaw-test-util.h"
#include "thaw-window.h"

typedef enum
{
  KIND_OTHER,
  KIND_CONTROL,
  KIND_GRAPH,
  KIND_ROW,
} Kind;

/* A row that leads somewhere when activated: a lesson in the sidebar, an
 * idiom in the Python map. Rows that only hold a knob or show a result are
 * not controls themselves. */
static gboolean
is_activatable_row (GtkWidget *widget)
{
  GtkWidget *list = gtk_widget_get_parent (widget);

  if (!GTK_IS_LIST_BOX_ROW (widget) || !gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (widget)))
    return FALSE;

  if (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)) != NULL)
    return TRUE;

  return GTK_IS_LIST_BOX (list) &&
         g_signal_has_handler_pending (list, g_signal_lookup ("row-activated", GTK_TYPE_LIST_BOX), 0, TRUE);
}

static Kind
classify (GtkWidget *widget)
{
  if (is_activatable_row (widget))
    return KIND_ROW;

  /* A drawing area has the generic role in GTK 4.8, but in Thaw it is
   * always a chart or a picture. */
  if (GTK_IS_DRAWING_AREA (widget))
    return KIND_GRAPH;

  /* AdwSplitButton is a group of two buttons to GTK; to its user it is one. */
  if (ADW_IS_SPLIT_BUTTON (widget))
    return KIND_CONTROL;

  switch ((int) gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)))
    {
    case GTK_ACCESSIBLE_ROLE_IMG:
      /* Icons are images too; Thaw's are inside buttons (named with the
       * button) or beside a text that says the same. Any other image is one
       * of Thaw's drawing widgets: the latency graph, the bouncer, the
       * thread timeline. */
      if (GTK_IS_IMAGE (widget) || GTK_IS_PICTURE (widget))
        return KIND_OTHER;
      return KIND_GRAPH;

    case GTK_ACCESSIBLE_ROLE_BUTTON:
    case GTK_ACCESSIBLE_ROLE_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_RADIO:
    case GTK_ACCESSIBLE_ROLE_SWITCH:
    case GTK_ACCESSIBLE_ROLE_SLIDER:
    case GTK_ACCESSIBLE_ROLE_SPIN_BUTTON:
    case GTK_ACCESSIBLE_ROLE_TEXT_BOX:
    case GTK_ACCESSIBLE_ROLE_SEARCH_BOX:
    case GTK_ACCESSIBLE_ROLE_COMBO_BOX:
    case GTK_ACCESSIBLE_ROLE_PROGRESS_BAR:
    case GTK_ACCESSIBLE_ROLE_METER:
    case GTK_ACCESSIBLE_ROLE_TAB:
    case GTK_ACCESSIBLE_ROLE_LINK:
      return KIND_CONTROL;

    default:
      return KIND_OTHER;
    }
}

/* Controls the keyboard test expects Tab to reach: the ones a user acts on,
 * not the ones that only show a value. */
static gboolean
is_interactive (GtkWidget *widget)
{
  if (classify (widget) != KIND_CONTROL)
    return FALSE;

  switch ((int) gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)))
    {
    case GTK_ACCESSIBLE_ROLE_PROGRESS_BAR:
    case GTK_ACCESSIBLE_ROLE_METER:
      return FALSE;

    default:
      return TRUE;
    }
}

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;

  for (; *text != '\0'; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)))
      return FALSE;

  return TRUE;
}

/* The text of a string property, or %NULL if it is unset or blank. */
static char *
accessible_text (GtkWidget             *widget,
                 GtkAccessibleProperty  property)
{
  char *value;

  if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), property))
    return NULL;

  /* Asked whether the value is "", the check answers with the value itself
   * when it is anything else. */
  value = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), property, "");
  if (is_blank (value))
    g_clear_pointer (&value, g_free);

  return value;
}

/* Whether @widget has text of its own to lend to a control it labels. */
static gboolean
has_text (GtkWidget *widget)
{
  g_autofree char *label = accessible_text (widget, GTK_ACCESSIBLE_PROPERTY_LABEL);

  if (label != NULL)
    return TRUE;

  return GTK_IS_LABEL (widget) && !is_blank (gtk_label_get_text (GTK_LABEL (widget)));
}

/* Whether @relation of @widget points at one of @candidates that has text.
 * The check can only compare the whole list, so this finds relations to a
 * single widget, which is how Thaw labels a control by its heading; a list
 * of several would count as no name, so the test errs towards failing. */
static gboolean
related_to_text (GtkWidget             *widget,
                 GtkAccessibleRelation  relation,
                 GPtrArray             *candidates)
{
  if (!gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), relation))
    return FALSE;

  for (guint i = 0; i < candidates->len; i++)
    {
      GtkWidget *candidate = g_ptr_array_index (candidates, i);
      g_autofree char *mismatch = NULL;

      mismatch = gtk_test_accessible_check_relation (GTK_ACCESSIBLE (widget), relation,
                                                     candidate, NULL);
      if (mismatch == NULL)
        return has_text (candidate);
    }

  return FALSE;
}

/* A button's own text: GTK gives a button with a text label (and a check
 * button, a menu button, a split button) the label's text as its name. An
 * icon has no text, so an icon-only button needs a label set for it. */
static gboolean
shows_text (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_visible (child))
        continue;
      if (GTK_IS_LABEL (child) && !is_blank (gtk_label_get_text (GTK_LABEL (child))))
        return TRUE;
      if (shows_text (child))
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_named (GtkWidget *widget,
          GPtrArray *candidates)
{
  g_autofree char *label = accessible_text (widget, GTK_ACCESSIBLE_PROPERTY_LABEL);

  if (label != NULL)
    return TRUE;
  if (related_to_text (widget, GTK_ACCESSIBLE_RELATION_LABELLED_BY, candidates))
    return TRUE;

  switch ((int) gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)))
    {
    case GTK_ACCESSIBLE_ROLE_BUTTON:
    case GTK_ACCESSIBLE_ROLE_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_RADIO:
    case GTK_ACCESSIBLE_ROLE_TAB:
    case GTK_ACCESSIBLE_ROLE_LINK:
      return shows_text (widget);

    default:
      return ADW_IS_SPLIT_BUTTON (widget) && shows_text (widget);
    }
}

/* GTK 4.8 reads a widget's label property and then the name of every widget
 * that labels it, one after the other: a spin button labelled "Threads" in
 * a row titled "Threads" is read "Threads Threads", and a button made with
 * a mnemonic, whose label property keeps the underline and whose label
 * labels it too, "_Stop Stop". One of the two must go. */
static gboolean
is_named_twice (GtkWidget *widget,
                GPtrArray *candidates)
{
  g_autofree char *label = accessible_text (widget, GTK_ACCESSIBLE_PROPERTY_LABEL);

  return label != NULL &&
         related_to_text (widget, GTK_ACCESSIBLE_RELATION_LABELLED_BY, candidates);
}

/* A graph's description: GTK 4.8 gives assistive technologies the
 * description property only, not the text of a described-by relation. */
static gboolean
is_described (GtkWidget *widget)
{
  g_autofree char *description = accessible_text (widget, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);

  return description != NULL;
}

/* Everything under @top that could lend its text to a control. */
static void
collect_candidates (GtkWidget *widget,
                    GPtrArray *candidates)
{
  if (has_text (widget))
    g_ptr_array_add (candidates, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_candidates (child, candidates);
}

/* "GtkButton (icon edit-find-symbolic) in ThawLessonRace > GtkBox > GtkFlowBox",
 * for a failure a reader can find in the code. */
static char *
describe (GtkWidget *widget)
{
  GString *text = g_string_new (G_OBJECT_TYPE_NAME (widget));
  GtkWidget *ancestor;
  GPtrArray *path = g_ptr_array_new ();

  if (GTK_IS_BUTTON (widget) && gtk_button_get_icon_name (GTK_BUTTON (widget)) != NULL)
    g_string_append_printf (text, " (icon %s)", gtk_button_get_icon_name (GTK_BUTTON (widget)));
  if (gtk_widget_get_tooltip_text (widget) != NULL)
    g_string_append_printf (text, " (tooltip “%s”)", gtk_widget_get_tooltip_text (widget));

  /* The way up to the nearest of Thaw's own widgets, which names the file. */
  for (ancestor = gtk_widget_get_parent (widget);
       ancestor != NULL;
       ancestor = gtk_widget_get_parent (ancestor))
    {
      g_ptr_array_add (path, (gpointer) G_OBJECT_TYPE_NAME (ancestor));
      if (g_str_has_prefix (G_OBJECT_TYPE_NAME (ancestor), "Thaw"))
        break;
    }
  if (path->len > 0)
    g_string_append (text, " in ");
  for (guint i = path->len; i > 0; i--)
    g_string_append_printf (text, "%s%s", (char *) g_ptr_array_index (path, i - 1),
                            i > 1 ? " > " : "");
  g_ptr_array_unref (path);

  return g_string_free (text, FALSE);
}

typedef struct
{
  GPtrArray *candidates;   /* widgets with text, for labelled-by */
  GPtrArray *problems;     /* char *, one line each */
  guint controls;
  guint graphs;
  guint rows;
} NameCheck;

static void
check_names_in (GtkWidget *widget,
                NameCheck *check)
{
  Kind kind;
  g_autofree char *what = NULL;

  /* Hidden widgets are checked too inside a lesson: a lesson may show a
   * control only while a job runs or after it failed, and the control must
   * have its name before it appears. Elsewhere a hidden widget is one GTK or
   * libadwaita keeps in reserve, such as the search bar's close button that
   * Thaw never turns on; the narrow window is checked on its own, for what
   * folding brings out. */
  if (!gtk_widget_get_visible (widget) && gtk_widget_get_ancestor (widget, THAW_TYPE_LESSON) == NULL)
    return;

  kind = classify (widget);

  if (kind == KIND_CONTROL)
    {
      check->controls++;
      what = describe (widget);
      if (!is_named (widget, check->candidates))
        g_ptr_array_add (check->problems, g_strdup_printf ("%s has no accessible name", what));
      else if (is_named_twice (widget, check->candidates))
        g_ptr_array_add (check->problems,
                         g_strdup_printf ("%s is named twice, by its label and by a labelled-by relation", what));
    }
  else if (kind == KIND_ROW)
    {
      /* GTK 4.8 does not name a row by the text inside it. */
      check->rows++;
      what = describe (widget);
      if (!is_named (widget, check->candidates))
        g_ptr_array_add (check->problems, g_strdup_printf ("%s (a row) has no accessible name", what));
      else if (is_named_twice (widget, check->candidates))
        g_ptr_array_add (check->problems,
                         g_strdup_printf ("%s (a row) is named twice, by its label and by a labelled-by relation", what));
    }
  else if (kind == KIND_GRAPH)
    {
      check->graphs++;
      what = describe (widget);
      if (!is_named (widget, check->candidates))
        g_ptr_array_add (check->problems,
                         g_strdup_printf ("%s (a graph) has no accessible name", what));
      else if (is_named_twice (widget, check->candidates))
        g_ptr_array_add (check->problems,
                         g_strdup_printf ("%s (a graph) is named twice, by its label and by a labelled-by relation", what));
      if (!is_described (widget))
        g_ptr_array_add (check->problems,
                         g_strdup_printf ("%s (a graph) has no accessible description", what));
    }

  /* What is inside a control is the control's own business: a spin
   * button's text and its + and − buttons, a drop-down's popover, a menu
   * button's inner toggle, the gutters and popovers of a GtkSourceView.
   * GTK names or hides those parts itself, and a screen reader presents
   * the control as one. A button's label was looked at above. A row
   * holds widgets of its own, which are looked at in turn. */
  if (kind == KIND_CONTROL || kind == KIND_GRAPH)
    return;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_names_in (child, check);
}

/**
 * find_unnamed:
 * @top: the top of the tree to check, usually a window
 * @controls: (out) (optional): how many controls were checked
 * @graphs: (out) (optional): how many graphs were checked
 * @rows: (out) (optional): how many rows that lead somewhere were checked
 *
 * Returns: (transfer full): one line for each control or row without a
 *   name or with two, and each graph without a name or a description,
 *   empty if there are none
 */
static GPtrArray *
find_unnamed (GtkWidget *top,
              guint     *controls,
              guint     *graphs,
              guint     *rows)
{
  NameCheck check = { 0 };

  check.candidates = g_ptr_array_new ();
  check.problems = g_ptr_array_new_with_free_func (g_free);
  collect_candidates (top, check.candidates);
  check_names_in (top, &check);
  g_ptr_array_unref (check.candidates);

  if (controls != NULL)
    *controls = check.controls;
  if (graphs != NULL)
    *graphs = check.graphs;
  if (rows != NULL)
    *rows = check.rows;

  return check.problems;
}

static void
assert_all_named (GtkWidget  *top,
                  const char *what)
{
  g_autoptr(GPtrArray) problems = NULL;
  guint controls, graphs, rows;

  problems = find_unnamed (top, &controls, &graphs, &rows);
  g_test_message ("%s: %u controls, %u graphs, %u rows", what, controls, graphs, rows);
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("%s: %s", what, (char *) g_ptr_array_index (problems, i));

  /* Something was checked: a walk that went nowhere would pass anything. */
  g_assert_cmpuint (controls, >, 0);
  g_assert_cmpuint (problems->len, ==, 0);
}

/* Keyboard reachability ------------------------------------------------- */

static void
collect_interactive (GtkWidget *widget,
                     GPtrArray *controls)
{
  /* Only what a user can act on now: shown on screen and not greyed out
   * (a Stop button with nothing to stop is insensitive, and GTK rightly
   * skips it). */
  if (!gtk_widget_get_mapped (widget) || !gtk_widget_is_sensitive (widget))
    return;

  /* GTK keeps the title bar's minimize, maximize and close buttons out of
   * the focus chain on purpose: the window manager's shortcuts do their
   * work, and Thaw closes its window with Ctrl+W. */
  if (GTK_IS_WINDOW_CONTROLS (widget))
    return;

  if (is_interactive (widget))
    {
      g_ptr_array_add (controls, widget);
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_interactive (child, controls);
}

/* Far more Tab presses than any page of Thaw has stops. */
#define MAX_TAB_STEPS 5000

/* Presses Tab until the focus comes back to where it started; returns
 * every widget that had the focus on the way. A focus that never comes
 * back is caught in a loop, and the test fails there. */
static GPtrArray *
tab_round (GtkWindow *window)
{
  GPtrArray *focused = g_ptr_array_new ();
  GtkWidget *first = NULL;

  for (guint step = 0; step < MAX_TAB_STEPS; step++)
    {
      GtkWidget *focus;

      if (!gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD))
        {
          /* The focus left the last widget: it wraps round to the first,
           * as it does when the user presses Tab. */
          gtk_window_set_focus (window, NULL);
          if (!gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD))
            return focused;   /* nothing in the window takes the focus */
        }

      focus = gtk_root_get_focus (GTK_ROOT (window));
      if (focus == NULL)
        continue;
      if (focus == first)
        return focused;
      if (first == NULL)
        first = focus;
      g_ptr_array_add (focused, focus);
    }

  g_error ("%u presses of Tab never brought the focus back to the first widget", MAX_TAB_STEPS);
}

static gboolean
was_reached (GtkWidget *control,
             GPtrArray *focused)
{
  /* A spin button, an entry and a drop-down pass the focus to a part of
   * theirs: reaching the part reaches the control. */
  for (guint i = 0; i < focused->len; i++)
    {
      GtkWidget *focus = g_ptr_array_index (focused, i);

      if (focus == control || gtk_widget_is_ancestor (focus, control))
        return TRUE;
    }

  return FALSE;
}

/**
 * find_unreachable:
 * @window: a window that is on screen
 * @within: the part of it whose controls must be reached
 * @reachable: (out) (optional): how many controls there were to reach
 *
 * Returns: (transfer full): one line for each control of @within that Tab
 *   never reached
 */
static GPtrArray *
find_unreachable (GtkWindow *window,
                  GtkWidget *within,
                  guint     *reachable)
{
  g_autoptr(GPtrArray) controls = g_ptr_array_new ();
  g_autoptr(GPtrArray) focused = NULL;
  GPtrArray *problems = g_ptr_array_new_with_free_func (g_free);

  collect_interactive (within, controls);
  focused = tab_round (window);

  for (guint i = 0; i < controls->len; i++)
    {
      GtkWidget *control = g_ptr_array_index (controls, i);

      if (!was_reached (control, focused))
        {
          g_autofree char *what = describe (control);

          g_ptr_array_add (problems, g_strdup_printf ("%s is never reached with Tab", what));
        }
    }

  if (reachable != NULL)
    *reachable = controls->len;

  return problems;
}

/* The tests ------------------------------------------------------------- */

static gboolean
page_is_whole (gpointer page)
{
  return thaw_lesson_page_is_whole (page);
}

static GtkWidget *
present_lesson (const ThawLessonInfo  *info,
                ThawHeartbeat         *heartbeat,
                ThawLessonPage       **page_out)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = thaw_lesson_page_new (info, heartbeat);

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 760);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  thaw_test_iterate_for (0.3);
  /* All of it: what is below the lesson's controls comes a frame at a time. */
  thaw_test_iterate_until (page_is_whole, page, 5 * thaw_test_time_scale ());

  *page_out = THAW_LESSON_PAGE (page);

  return window;
}

/* The walks over each lesson check what GTK exposes, which a sanitizer
 * build does not change; there they would only double the suite's time
 * (each lesson page is still built, run and torn down under the sanitizers
 * by test-lessons and its own test). */
static void
skip_in_sanitizer_build (gconstpointer data)
{
  g_test_skip ("the accessibility walks run in the plain build");
}

static void
test_lesson_names (gconstpointer data)
{
  const ThawLessonInfo *info = data;
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  g_autofree char *running = g_strdup_printf ("%s, running", info->id);
  ThawLessonPage *page;
  GtkWidget *window = present_lesson (info, heartbeat, &page);

  assert_all_named (window, info->id);

  /* Some controls change, or appear, while the job runs. */
  g_assert_true (thaw_lesson_activate_verb (thaw_lesson_page_get_lesson (page), "start"));
  thaw_test_iterate_for (0.5);
  assert_all_named (window, running);

  gtk_window_destroy (GTK_WINDOW (window));
  thaw_test_iterate_for (0.1);
}

static void
assert_all_reachable (GtkWindow  *window,
                      GtkWidget  *within,
                      const char *what)
{
  g_autoptr(GPtrArray) problems = NULL;
  guint reachable;

  problems = find_unreachable (window, within, &reachable);
  g_test_message ("%s: %u controls to reach", what, reachable);
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("%s: %s", what, (char *) g_ptr_array_index (problems, i));

  /* There was something to reach: every page has a button at least. */
  g_assert_cmpuint (reachable, >, 0);
  g_assert_cmpuint (problems->len, ==, 0);
}

static void
test_lesson_keyboard (gconstpointer data)
{
  const ThawLessonInfo *info = data;
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  g_autofree char *running = g_strdup_printf ("%s, running", info->id);
  ThawLessonPage *page;
  GtkWidget *window = present_lesson (info, heartbeat, &page);

  assert_all_reachable (GTK_WINDOW (window), GTK_WIDGET (page), info->id);

  /* While the job runs, Stop is live and must be in reach too. */
  g_assert_true (thaw_lesson_activate_verb (thaw_lesson_page_get_lesson (page), "start"));
  thaw_test_iterate_for (0.3);
  assert_all_reachable (GTK_WINDOW (window), GTK_WIDGET (page), running);

  gtk_window_destroy (GTK_WINDOW (window));
  thaw_test_iterate_for (0.1);
}

/* The window with its sidebar (search open), headers and meter, then the
 * Python map in place of the lesson. */
static void
test_window_names (void)
{
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  ThawWindow *window = thaw_window_new (NULL, heartbeat, NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL));
  thaw_test_iterate_for (0.3);
  assert_all_named (GTK_WIDGET (window), "window");

  thaw_window_show_python_map (window);
  thaw_test_iterate_for (0.2);
  assert_all_named (GTK_WIDGET (window), "python map");

  /* Narrow, the window folds: the back button and the bottom view switcher
   * come out. */
  thaw_window_show_lesson (window, "race");
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 700);
  thaw_test_iterate_for (0.4);
  assert_all_named (GTK_WIDGET (window), "narrow window");

  gtk_window_destroy (GTK_WINDOW (window));
  thaw_test_iterate_for (0.1);
}

/* The sidebar, the headers and the meter can be reached with Tab too. */
static void
test_window_keyboard (void)
{
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  ThawWindow *window = thaw_window_new (NULL, heartbeat, NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  gtk_window_present (GTK_WINDOW (window));
  thaw_test_iterate_for (0.3);

  assert_all_reachable (GTK_WINDOW (window), GTK_WIDGET (window), "window");

  gtk_window_destroy (GTK_WINDOW (window));
  thaw_test_iterate_for (0.1);
}

/* Mnemonics ------------------------------------------------------------- */

static void
collect_mnemonics (GtkWidget  *widget,
                   GHashTable *by_key)
{
  /* Only what is on screen together can clash: the other tab, a folded
   * sidebar or a popover that is closed take no Alt key. An insensitive
   * label still counts, for it comes alive with its lesson's job. */
  if (!gtk_widget_get_mapped (widget))
    return;

  if (GTK_IS_LABEL (widget) && gtk_label_get_use_underline (GTK_LABEL (widget)))
    {
      guint key = gtk_label_get_mnemonic_keyval (GTK_LABEL (widget));

      if (key != GDK_KEY_VoidSymbol)
        {
          gpointer lower = GUINT_TO_POINTER (gdk_keyval_to_lower (key));
          GPtrArray *labels = g_hash_table_lookup (by_key, lower);

          if (labels == NULL)
            {
              labels = g_ptr_array_new ();
              g_hash_table_insert (by_key, lower, labels);
            }
          g_ptr_array_add (labels, widget);
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_mnemonics (child, by_key);
}

/**
 * find_mnemonic_clashes:
 * @top: a window
 *
 * Two labels on screen with the same underlined letter make Alt and that
 * letter only move the focus between them, and activate neither.
 *
 * Returns: (transfer full): one line for each letter taken twice
 */
static GPtrArray *
find_mnemonic_clashes (GtkWidget *top)
{
  g_autoptr(GHashTable) by_key = NULL;
  GPtrArray *problems = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;

  by_key = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  collect_mnemonics (top, by_key);

  g_hash_table_iter_init (&iter, by_key);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *labels = value;
      GString *line;

      if (labels->len < 2)
        continue;

      line = g_string_new (NULL);
      g_string_append_printf (line, "Alt+%s is taken by", gdk_keyval_name (GPOINTER_TO_UINT (key)));
      for (guint i = 0; i < labels->len; i++)
        g_string_append_printf (line, "%s “%s”", i == 0 ? "" : ",",
                                gtk_label_get_label (g_ptr_array_index (labels, i)));
      g_ptr_array_add (problems, g_string_free (line, FALSE));
    }

  return problems;
}

/* Every lesson in the window, with the tabs and the page's own button. */
static void
test_mnemonics (void)
{
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  ThawWindow *window = thaw_window_new (NULL, heartbeat, NULL);
  const ThawLessonInfo *const *lessons;
  guint n, n_clashes = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  gtk_window_present (GTK_WINDOW (window));

  lessons = thaw_lessons_get_all (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GPtrArray) clashes = NULL;

      thaw_window_show_lesson (window, lessons[i]->id);
      thaw_test_iterate_for (0.15);

      clashes = find_mnemonic_clashes (GTK_WIDGET (window));
      for (guint j = 0; j < clashes->len; j++)
        g_test_message ("%s: %s", lessons[i]->id, (char *) g_ptr_array_index (clashes, j));
      n_clashes += clashes->len;
    }
  g_assert_cmpuint (n_clashes, ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  thaw_test_iterate_for (0.1);
}

/* Translators choose their own letters: the same check in Portuguese. The
 * widgets take their texts when they are built, so switching the language
 * here is enough for the new window to speak it. */
static void
test_mnemonics_translated (void)
{
  g_autofree char *old_locale = g_strdup (setlocale (LC_ALL, NULL));
  g_autofree char *old_language = g_strdup (g_getenv ("LANGUAGE"));
  const ThawLessonInfo *freeze = thaw_lessons_find ("freeze");

  g_setenv ("LANGUAGE", "pt_BR", TRUE);
  setlocale (LC_ALL, "C.UTF-8");

  /* Untranslated, this would prove nothing. */
  g_assert_cmpstr (_(freeze->title), !=, freeze->title);

  /* The strings this test brought come in a fragment that is merged into
   * po/pt_BR.po by hand; until then the translations test fails, and this
   * one would only find English letters among the Portuguese. */
  if (g_strcmp0 (_("Lesson"), "Lesson") == 0)
    g_test_skip ("po/fragments/a11y.pt_BR.po is not merged into po/pt_BR.po yet");
  else
    test_mnemonics ();

  if (old_language != NULL)
    g_setenv ("LANGUAGE", old_language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, old_locale);
}

/* The checkers must be able to fail: a window with the mistakes they look
 * for, each beside the same control done right. */
static void
test_control (void)
{
  g_autoptr(GPtrArray) unnamed = NULL;
  g_autoptr(GPtrArray) unreachable = NULL;
  g_autoptr(GPtrArray) clashes = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *button, *heading, *spin, *graph;
  guint controls, graphs, reachable;

  /* Wrong: an icon-only button with only its icon. Right: the same with a
   * label, and a button that shows its text. */
  gtk_box_append (GTK_BOX (box), gtk_button_new_from_icon_name ("edit-delete-symbolic"));
  button = gtk_button_new_from_icon_name ("edit-delete-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Delete",
                                  -1);
  gtk_box_append (GTK_BOX (box), button);
  gtk_box_append (GTK_BOX (box), gtk_button_new_with_label ("Start"));

  /* Wrong: a button with a mnemonic, as GTK 4.8 names it ("_Stop Stop"). */
  gtk_box_append (GTK_BOX (box), gtk_button_new_with_mnemonic ("_Stop"));

  /* Right: a spin button labelled by the heading beside it. Wrong: one
   * with no name at all, and one with a label as well as the heading. */
  heading = gtk_label_new ("Threads");
  gtk_box_append (GTK_BOX (box), heading);
  spin = gtk_spin_button_new_with_range (1, 8, 1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (spin),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, heading, NULL,
                                  -1);
  gtk_box_append (GTK_BOX (box), spin);
  gtk_box_append (GTK_BOX (box), gtk_spin_button_new_with_range (1, 8, 1));
  spin = gtk_spin_button_new_with_range (1, 8, 1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Threads",
                                  -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (spin),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, heading, NULL,
                                  -1);
  gtk_box_append (GTK_BOX (box), spin);

  /* Wrong: a graph with a name but nothing to say what it shows. Right:
   * the same with its description. */
  graph = gtk_drawing_area_new ();
  gtk_accessible_update_property (GTK_ACCESSIBLE (graph),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Speed-up",
                                  -1);
  gtk_box_append (GTK_BOX (box), graph);
  graph = gtk_drawing_area_new ();
  gtk_accessible_update_property (GTK_ACCESSIBLE (graph),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Speed-up",
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "Bars, one per thread count",
                                  -1);
  gtk_box_append (GTK_BOX (box), graph);

  /* Wrong: two buttons that both answer Alt+R (named once each, as
   * ThawLesson leaves its buttons). */
  button = gtk_button_new_with_mnemonic ("_Run");
  gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
  gtk_box_append (GTK_BOX (box), button);
  button = gtk_button_new_with_mnemonic ("_Reset");
  gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
  gtk_box_append (GTK_BOX (box), button);

  /* Wrong: a button that the focus can never land on. */
  button = gtk_button_new_with_label ("Unreachable");
  gtk_widget_set_focusable (button, FALSE);
  gtk_box_append (GTK_BOX (box), button);

  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
  thaw_test_iterate_for (0.2);

  unnamed = find_unnamed (window, &controls, &graphs, NULL);
  for (guint i = 0; i < unnamed->len; i++)
    g_test_message ("control: %s", (char *) g_ptr_array_index (unnamed, i));
  g_assert_cmpuint (controls, ==, 10);
  g_assert_cmpuint (graphs, ==, 2);
  g_assert_cmpuint (unnamed->len, ==, 5);
  g_assert_cmpstr (g_ptr_array_index (unnamed, 0), ==,
                   "GtkButton (icon edit-delete-symbolic) in GtkWindow > GtkBox has no accessible name");
  g_assert_cmpstr (g_ptr_array_index (unnamed, 1), ==,
                   "GtkButton in GtkWindow > GtkBox is named twice, by its label and by a labelled-by relation");
  g_assert_cmpstr (g_ptr_array_index (unnamed, 2), ==,
                   "GtkSpinButton in GtkWindow > GtkBox has no accessible name");
  g_assert_cmpstr (g_ptr_array_index (unnamed, 3), ==,
                   "GtkSpinButton in GtkWindow > GtkBox is named twice, by its label and by a labelled-by relation");
  g_assert_cmpstr (g_ptr_array_index (unnamed, 4), ==,
                   "GtkDrawingArea in GtkWindow > GtkBox (a graph) has no accessible description");

  unreachable = find_unreachable (GTK_WINDOW (window), window, &reachable);
  for (guint i = 0; i < unreachable->len; i++)
    g_test_message ("control: %s", (char *) g_ptr_array_index (unreachable, i));
  g_assert_cmpuint (reachable, ==, 10);
  g_assert_cmpuint (unreachable->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (unreachable, 0), ==,
                   "GtkButton in GtkWindow > GtkBox is never reached with Tab");

  clashes = find_mnemonic_clashes (window);
  for (guint i = 0; i < clashes->len; i++)
    g_test_message ("control: %s", (char *) g_ptr_array_index (clashes, i));
  g_assert_cmpuint (clashes->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (clashes, 0), ==, "Alt+r is taken by “_Run”, “_Reset”");

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  const ThawLessonInfo *const *lessons;
  GTestDataFunc walk_names = test_lesson_names;
  GTestDataFunc walk_keyboard = test_lesson_keyboard;
  guint n;

  thaw_test_bind_translations ();

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/thaw/a11y/control", test_control);
  g_test_add_func ("/thaw/a11y/window/names", test_window_names);
  g_test_add_func ("/thaw/a11y/window/keyboard", test_window_keyboard);
  g_test_add_func ("/thaw/a11y/window/mnemonics", test_mnemonics);
  g_test_add_func ("/thaw/a11y/window/mnemonics-translated", test_mnemonics_translated);

  if (thaw_test_time_scale () > 1.0)
    walk_names = walk_keyboard = skip_in_sanitizer_build;

  lessons = thaw_lessons_get_all (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *names = g_strdup_printf ("/thaw/a11y/lessons/%s/names", lessons[i]->id);
      g_autofree char *keyboard = g_strdup_printf ("/thaw/a11y/lessons/%s/keyboard", lessons[i]->id);

      g_test_add_data_func (names, lessons[i], walk_names);
      g_test_add_data_func (keyboard, lessons[i], walk_keyboard);
    }

  return g_test_run ();
}
