/* test-widgets.c — the shared widgets lesson pages build their templates from
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   figure     a dash until measured, the value and detail as set, the
 *              detail line hidden while empty; usable from a template;
 *   sparkline  keeps at most "history" values, the newest last, and draws
 *              the newest at the right edge;
 *   sparkline-fit  with "fit-width", two values already span the width;
 *   bar-chart  bars as tall as their values, in their colours, a
 *              reference line through the slots and an upright marker; a
 *              scale of a few round steps, for speed-ups as for counts;
 *   palette    the dark style takes other shades than the light one;
 *   text-row   title and subtitle as set, and for assistive technologies;
 *              the subtitle hidden while empty; wrapping lines, or
 *              single lines that a long text does not widen;
 *   row-tail   always its number of rows, blank before the first; new rows
 *              only at a flush, at the bottom, the oldest leaving the top,
 *              cells split at tabs; a view not mapped gets them, and a
 *              clear, when it is mapped;
 *   paced-text a text is shown at once, or at most a tenth of a second
 *              after the one before, the newest one; "now" drops what
 *              waits; nothing runs once the object is gone; a figure's
 *              value is the newest at once, its label follows;
 *   cull-box   draws the children its scrolled window shows and not the
 *              others, and a child scrolled into view is drawn then.
 */

#include "config.h"

#include "thaw-bar-chart.h"
#include "thaw-cull-box.h"
#include "thaw-figure.h"
#include "thaw-paced-text.h"
#include "thaw-palette.h"
#include "thaw-row-tail.h"
#include "thaw-sparkline.h"
#include "thaw-text-row.h"
#include "thaw-thread-timeline.h"
#include "thaw-test-util.h"

static void
test_figure (void)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new ();
  g_autoptr(GError) error = NULL;
  ThawFigure *figure;
  GtkWidget *detail;

  g_type_ensure (THAW_TYPE_FIGURE);
  gtk_builder_add_from_string (builder,
                               "<interface><object class='ThawFigure' id='f'>"
                               "<property name='caption'>All at once</property>"
                               "<property name='large'>true</property>"
                               "</object></interface>", -1, &error);
  g_assert_no_error (error);
  figure = THAW_FIGURE (gtk_builder_get_object (builder, "f"));
  g_object_ref_sink (figure);

  g_assert_cmpstr (thaw_figure_get_value (figure), ==, "—");
  /* caption, value, detail: the detail hidden while empty. */
  detail = gtk_widget_get_last_child (GTK_WIDGET (figure));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_first_child (GTK_WIDGET (figure)))),
                   ==, "All at once");
  g_assert_false (gtk_widget_get_visible (detail));
  g_assert_true (gtk_widget_has_css_class (gtk_widget_get_next_sibling (gtk_widget_get_first_child (GTK_WIDGET (figure))),
                                           "title-1"));

  thaw_figure_set_value (figure, "1.5 s");
  thaw_figure_set_detail (figure, "4 downloads");
  g_assert_cmpstr (thaw_figure_get_value (figure), ==, "1.5 s");
  g_assert_cmpstr (thaw_figure_get_detail (figure), ==, "4 downloads");
  g_assert_true (gtk_widget_get_visible (detail));

  thaw_figure_set_detail (figure, NULL);
  thaw_figure_set_value (figure, NULL);
  g_assert_false (gtk_widget_get_visible (detail));
  g_assert_cmpstr (thaw_figure_get_value (figure), ==, "—");

  g_object_unref (figure);
}

/* How much bluer than red the pixel at (x, y) of @surface is: about 60
 * for the sparkline's fill over white, about 0 for grey. */
static int
blueness (cairo_surface_t *surface,
          int              x,
          int              y)
{
  guint32 *row = (guint32 *) (gpointer) (cairo_image_surface_get_data (surface) +
                                         y * cairo_image_surface_get_stride (surface));
  guint32 pixel = row[x];

  return (int) (pixel & 0xff) - (int) ((pixel >> 16) & 0xff);
}

static gboolean
has_size (gpointer data)
{
  return gtk_widget_get_width (data) > 0;
}

/* @widget, in a window of @width × @height, drawn onto white. */
static cairo_surface_t *
render (GtkWidget *widget,
        int        width,
        int        height)
{
  GtkWidget *window = gtk_window_new ();
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), widget);
  gtk_window_present (GTK_WINDOW (window));
  thaw_test_iterate_until (has_size, widget, 10);
  g_assert_cmpint (gtk_widget_get_width (widget), ==, width);
  g_assert_cmpint (gtk_widget_get_height (widget), ==, height);

  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  gtk_window_destroy (GTK_WINDOW (window));

  return surface;
}

static void
test_sparkline (void)
{
  ThawSparkline *sparkline = THAW_SPARKLINE (thaw_sparkline_new ());
  cairo_surface_t *surface;
  int width = 200, height = 60;

  g_object_set (sparkline, "history", 5, "maximum", 10.0, NULL);
  for (int i = 1; i <= 7; i++)
    thaw_sparkline_push (sparkline, i);
  g_assert_cmpuint (thaw_sparkline_get_n_values (sparkline), ==, 5);
  g_assert_cmpfloat (thaw_sparkline_get_last (sparkline), ==, 7);
  thaw_sparkline_clear (sparkline);
  g_assert_cmpuint (thaw_sparkline_get_n_values (sparkline), ==, 0);

  /* Empty for four values, then full: the right edge is blue from top to
   * bottom, the left edge only the faint background. */
  for (int i = 0; i < 4; i++)
    thaw_sparkline_push (sparkline, 0);
  thaw_sparkline_push (sparkline, 10);
  surface = render (GTK_WIDGET (sparkline), width, height);
  g_assert_cmpint (blueness (surface, width - 3, height / 2), >, 40);
  g_assert_cmpint (blueness (surface, 3, height / 2), <, 10);

  cairo_surface_destroy (surface);
}

static void
test_sparkline_fit (void)
{
  ThawSparkline *sparkline = THAW_SPARKLINE (thaw_sparkline_new ());
  cairo_surface_t *surface;
  int width = 200, height = 60;

  /* Two full values of a hundred: without "fit-width" a sliver at the
   * right edge, with it the whole width. */
  g_object_set (sparkline, "history", 100, "maximum", 10.0, NULL);
  thaw_sparkline_push (sparkline, 10);
  thaw_sparkline_push (sparkline, 10);
  g_assert_cmpfloat (thaw_sparkline_get_span (sparkline), <, 0.05);
  g_object_set (sparkline, "fit-width", TRUE, NULL);
  g_assert_cmpfloat (thaw_sparkline_get_span (sparkline), ==, 1.0);

  surface = render (GTK_WIDGET (sparkline), width, height);
  g_assert_cmpint (blueness (surface, 3, height / 2), >, 40);
  g_assert_cmpint (blueness (surface, width / 2, height / 2), >, 40);
  g_assert_cmpint (blueness (surface, width - 3, height / 2), >, 40);

  cairo_surface_destroy (surface);
}

/* How much redder than blue: about 230 for orange, below 0 for blue. */
static int
redness (cairo_surface_t *surface,
         int              x,
         int              y)
{
  return -blueness (surface, x, y);
}

/* The scale @chart draws in a window of @width × @height. The caller
 * holds a reference: @chart comes back out of the window. */
static gboolean
scale_at_size (ThawBarChart *chart,
               int           width,
               int           height,
               double       *top,
               double       *step)
{
  GtkWidget *window = gtk_window_new ();
  gboolean has_scale;

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (chart));
  gtk_window_present (GTK_WINDOW (window));
  thaw_test_iterate_until (has_size, chart, 10);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (chart)), ==, height);
  has_scale = thaw_bar_chart_get_scale (chart, top, step);
  gtk_window_destroy (GTK_WINDOW (window));

  return has_scale;
}

static void
test_bar_chart (void)
{
  ThawBarChart *chart = g_object_ref_sink (THAW_BAR_CHART (thaw_bar_chart_new ()));
  const double values[] = { 4, 0, 1 };
  const ThawColor colors[] = { THAW_COLOR_WARNING, THAW_COLOR_WARNING, THAW_COLOR_ACCENT };
  const char *const labels[] = { "low", NULL, "expected" };
  const double ideal[] = { 2, 2, 2 };
  const double counts[] = { 1234, 20, 0 };
  cairo_surface_t *surface;
  int width = 300, height = 100;
  double top, step;

  thaw_bar_chart_set_bars (chart, 3, values, colors, labels);
  g_assert_cmpuint (thaw_bar_chart_get_n_bars (chart), ==, 3);
  g_assert_cmpfloat (thaw_bar_chart_get_value (chart, 0), ==, 4);
  thaw_bar_chart_set_line (chart, 0, ideal, THAW_LINE_MARKED, THAW_COLOR_GOOD);
  g_object_set (chart, "scale-suffix", "×", NULL);
  thaw_bar_chart_set_marker (chart, 1);

  /* Room for two labels, 2× apart: the scale goes to the tallest bar. */
  g_assert_true (scale_at_size (chart, width, height, &top, &step));
  g_assert_cmpfloat (top, ==, 4);
  g_assert_cmpfloat (step, ==, 2);

  surface = render (GTK_WIDGET (chart), width, height);
  g_object_unref (chart);
  /* Three slots of about 90 px right of the scale's labels, the scale up
   * to 4×: the first bar orange from the top down, the third blue only in
   * its lowest quarter (above the labels), the empty second slot not
   * coloured above the line. */
  g_assert_cmpint (redness (surface, 70, 35), >, 100);
  g_assert_cmpint (blueness (surface, 250, 35), <, 10);
  g_assert_cmpint (redness (surface, 250, 35), <, 10);
  g_assert_cmpint (blueness (surface, 250, 72), >, 100);
  g_assert_cmpint (redness (surface, 170, 30), <, 10);
  g_assert_cmpint (blueness (surface, 170, 30), <, 10);
  /* The marker: a dark dashed line down the middle of the second slot. */
  {
    guint dark = 0;

    for (int y = 6; y < 60; y++)
      for (int x = 150; x < 175; x++)
        {
          guint32 pixel = ((guint32 *) (gpointer) (cairo_image_surface_get_data (surface) +
                                                   y * cairo_image_surface_get_stride (surface)))[x];

          dark += ((pixel >> 8) & 0xff) < 100;
        }
    g_assert_cmpuint (dark, >, 15);
  }
  cairo_surface_destroy (surface);

  /* Counts: a few round steps up to the tallest bar, not a line a unit. */
  chart = g_object_ref_sink (THAW_BAR_CHART (thaw_bar_chart_new ()));
  g_object_set (chart, "scale-suffix", "", NULL);
  thaw_bar_chart_set_bars (chart, 3, counts, NULL, NULL);
  g_assert_true (scale_at_size (chart, width, height, &top, &step));
  g_assert_cmpfloat (top, >=, 1234);
  g_assert_cmpfloat (top / step, <=, 4);
  g_assert_true (step == 500 || step == 1000 || step == 2000);

  /* Without a suffix, no scale. */
  g_object_set (chart, "scale-suffix", NULL, NULL);
  g_assert_false (scale_at_size (chart, width, height, NULL, NULL));
  g_assert_finalize_object (chart);
}

/* A run of 60 ms on a timeline whose span is ten seconds: once it is over
 * it fills the width, and the strip counts the lanes running at once. */
static void
test_thread_timeline (void)
{
  ThawThreadTimeline *view = THAW_THREAD_TIMELINE (thaw_thread_timeline_new ());
  g_autoptr(ThawTimeline) timeline = thaw_timeline_new (0);
  gint64 start, end, first, last;
  ThawTimelineEvent events[8];
  guint n;
  cairo_surface_t *surface;

  for (guint i = 0; i < 3; i++)
    thaw_timeline_add_lane (timeline, "lane");
  thaw_thread_timeline_set_timeline (view, timeline);
  thaw_thread_timeline_set_span (view, 10);
  thaw_thread_timeline_set_strip (view, "Running", 3, 2, "limit 2", 1u << THAW_LANE_RUNNING);

  /* Two run at once, then one of them hands over to the third. */
  thaw_timeline_record (timeline, 0, THAW_LANE_RUNNING);
  thaw_timeline_record (timeline, 1, THAW_LANE_RUNNING);
  thaw_timeline_record (timeline, 2, THAW_LANE_WAITING);
  g_usleep (30000);
  thaw_timeline_record (timeline, 0, THAW_LANE_FINISHED);
  thaw_timeline_record (timeline, 2, THAW_LANE_RUNNING);
  g_usleep (30000);
  thaw_timeline_record (timeline, 1, THAW_LANE_FINISHED);
  thaw_timeline_record (timeline, 2, THAW_LANE_FINISHED);

  surface = render (GTK_WIDGET (g_object_ref (view)), 400, 200);
  n = thaw_timeline_copy_events (timeline, G_MININT64, events, G_N_ELEMENTS (events));
  g_assert_cmpuint (n, ==, 7);
  first = events[0].time_us;
  last = events[n - 1].time_us;

  /* From the first event to a little after the last: not ten seconds. */
  thaw_thread_timeline_get_view (view, &start, &end);
  g_assert_cmpint (start, ==, first);
  g_assert_cmpint (end, >, last);
  g_assert_cmpint (end - start, <, (last - first) * 3 / 2);
  g_assert_cmpfloat (thaw_thread_timeline_get_strip_peak (view), ==, 2);

  cairo_surface_destroy (surface);
  g_object_unref (view);
}

static void
test_palette (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  GdkRGBA light, dark;

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  thaw_palette_get (THAW_COLOR_WARNING, &light);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  thaw_palette_get (THAW_COLOR_WARNING, &dark);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  g_assert_false (gdk_rgba_equal (&light, &dark));
  /* A shade for a dark background is the lighter one. */
  g_assert_cmpfloat (dark.red + dark.green + dark.blue, >, light.red + light.green + light.blue);
}

/* The narrowest @widget can be. */
static int
minimum_width (GtkWidget *widget)
{
  int minimum;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  return minimum;
}

static void
test_text_row (void)
{
  g_autofree char *long_text = NULL;
  ThawTextRow *row = THAW_TEXT_ROW (g_object_ref_sink (thaw_text_row_new ("Thread 1", NULL)));
  GtkWidget *lines = gtk_widget_get_first_child (gtk_widget_get_first_child (GTK_WIDGET (row)));
  GtkWidget *subtitle = gtk_widget_get_last_child (lines);
  int wrapping, single;
  GString *text = g_string_new (NULL);

  g_assert_cmpstr (thaw_text_row_get_title (row), ==, "Thread 1");
  g_assert_cmpstr (thaw_text_row_get_subtitle (row), ==, "");
  g_assert_false (gtk_widget_get_visible (subtitle));
  thaw_text_row_set_subtitle (row, "Waiting at the gate");
  g_assert_true (gtk_widget_get_visible (subtitle));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (subtitle)), ==, "Waiting at the gate");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "Waiting at the gate");
  /* The same through the property, as thaw_paced_text_set() sets it. */
  g_object_set (row, "subtitle", "Through the gate", NULL);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (subtitle)), ==, "Through the gate");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "Through the gate");

  /* A subtitle of one long word: wrapping breaks it anywhere (word-char),
   * and a single line ends it with "…"; neither makes the row wide. */
  for (guint i = 0; i < 40; i++)
    g_string_append (text, "Unbreakable");
  long_text = g_string_free (text, FALSE);
  thaw_text_row_set_subtitle (row, long_text);
  wrapping = minimum_width (GTK_WIDGET (row));
  thaw_text_row_set_single_line (row, TRUE);
  g_assert_false (gtk_label_get_wrap (GTK_LABEL (subtitle)));
  g_assert_cmpint (gtk_label_get_ellipsize (GTK_LABEL (subtitle)), ==, PANGO_ELLIPSIZE_END);
  single = minimum_width (GTK_WIDGET (row));
  g_test_message ("the row at its narrowest: %d px wrapping, %d px on single lines", wrapping, single);
  g_assert_cmpint (wrapping, <, 200);
  g_assert_cmpint (single, <, 200);
  thaw_text_row_set_single_line (row, FALSE);
  g_assert_true (gtk_label_get_wrap (GTK_LABEL (subtitle)));

  g_object_unref (row);
}

/* The rows @view shows, each "cell|cell|…", top to bottom, in one string
 * separated by spaces. */
static char *
shown_rows (GtkColumnView *view)
{
  GListModel *rows = G_LIST_MODEL (gtk_column_view_get_model (view));
  GString *shown = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkStringObject) row = g_list_model_get_item (rows, i);
      g_autofree char *cells = g_strdelimit (g_strdup (gtk_string_object_get_string (row)), "\t", '|');

      g_string_append_printf (shown, "%s%s", i > 0 ? " " : "", *cells != '\0' ? cells : "-");
    }
  return g_string_free (shown, FALSE);
}

static void
test_row_tail (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkColumnView *view = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  ThawRowTail *tail;
  char *shown;

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = gtk_column_view_column_new (i == 0 ? "Task" : "Thread", NULL);

      gtk_column_view_append_column (view, column);
    }
  tail = thaw_row_tail_new (view, 3);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));

  /* Not mapped: rows wait. */
  thaw_row_tail_add (tail, g_strdup ("1\ta"));
  thaw_row_tail_flush (tail);
  shown = shown_rows (view);
  g_assert_cmpstr (shown, ==, "- - -");
  g_free (shown);

  /* Mapped: they come, and only the newest three of a burst. */
  gtk_window_present (GTK_WINDOW (window));
  thaw_test_iterate_until ((gboolean (*) (gpointer)) gtk_widget_get_mapped, view, 5);
  shown = shown_rows (view);
  g_assert_cmpstr (shown, ==, "- - 1|a");
  g_free (shown);
  for (guint i = 2; i <= 6; i++)
    thaw_row_tail_add (tail, g_strdup_printf ("%u\tb", i));
  shown = shown_rows (view);
  g_assert_cmpstr (shown, ==, "- - 1|a");
  g_free (shown);
  thaw_row_tail_flush (tail);
  shown = shown_rows (view);
  g_assert_cmpstr (shown, ==, "4|b 5|b 6|b");
  g_free (shown);
  thaw_row_tail_add (tail, g_strdup ("7\tc"));
  thaw_row_tail_flush (tail);
  shown = shown_rows (view);
  g_assert_cmpstr (shown, ==, "5|b 6|b 7|c");
  g_free (shown);

  /* A clear while hidden shows when mapped again, before new rows. */
  gtk_widget_set_visible (window, FALSE);
  thaw_row_tail_clear (tail);
  thaw_row_tail_add (tail, g_strdup ("8\td"));
  shown = shown_rows (view);
  g_assert_cmpstr (shown, ==, "5|b 6|b 7|c");
  g_free (shown);
  gtk_window_present (GTK_WINDOW (window));
  thaw_test_iterate_until ((gboolean (*) (gpointer)) gtk_widget_get_mapped, view, 5);
  shown = shown_rows (view);
  g_assert_cmpstr (shown, ==, "- - 8|d");
  g_free (shown);

  thaw_row_tail_free (tail);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
label_is (gpointer data)
{
  GtkLabel *label = data;

  return g_str_equal (gtk_label_get_text (label), g_object_get_data (G_OBJECT (label), "wanted"));
}

static void
test_paced_text (void)
{
  GtkLabel *label = GTK_LABEL (g_object_ref_sink (gtk_label_new (NULL)));
  GtkLabel *gone = GTK_LABEL (g_object_ref_sink (gtk_label_new (NULL)));
  ThawFigure *figure = THAW_FIGURE (g_object_ref_sink (thaw_figure_new ("Caption")));
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GtkLabel *shown = NULL;
  gint64 start;

  /* The first text shows at once; the next ones wait, and the newest of
   * them shows when a tenth of a second has passed. */
  start = g_get_monotonic_time ();
  thaw_paced_text_set (label, "label", "1", FALSE);
  g_assert_cmpstr (gtk_label_get_text (label), ==, "1");
  thaw_paced_text_set (label, "label", "2", FALSE);
  thaw_paced_text_set (label, "label", "3", FALSE);
  if (g_get_monotonic_time () - start < THAW_PACED_TEXT_INTERVAL_US)
    g_assert_cmpstr (gtk_label_get_text (label), ==, "1");
  g_object_set_data (G_OBJECT (label), "wanted", (gpointer) "3");
  thaw_test_iterate_until (label_is, label, 5);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, THAW_PACED_TEXT_INTERVAL_US - 1000);

  /* "now" shows at once, and what was waiting never comes after it. */
  thaw_paced_text_set (label, "label", "4", FALSE);
  thaw_paced_text_set (label, "label", "5", TRUE);
  g_assert_cmpstr (gtk_label_get_text (label), ==, "5");
  thaw_test_iterate_for (0.25);
  g_assert_cmpstr (gtk_label_get_text (label), ==, "5");

  /* A text waiting on an object that goes: its timeout goes with it. */
  thaw_paced_text_set (gone, "label", "a", FALSE);
  thaw_paced_text_set (gone, "label", "b", FALSE);
  g_object_unref (gone);
  thaw_test_iterate_for (0.25);

  /* A figure's value is the newest at once; its label follows. */
  thaw_figure_set_value (figure, "10");
  thaw_figure_set_value (figure, "20");
  g_assert_cmpstr (thaw_figure_get_value (figure), ==, "20");
  thaw_test_collect_widgets (GTK_WIDGET (figure), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_str_equal (gtk_label_get_text (g_ptr_array_index (labels, i)), "10"))
      shown = g_ptr_array_index (labels, i);
  g_assert_nonnull (shown);
  g_object_set_data (G_OBJECT (shown), "wanted", (gpointer) "20");
  thaw_test_iterate_until (label_is, shown, 5);

  g_object_unref (figure);
  g_object_unref (label);
}

static void
count_draw (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        data)
{
  (*(guint *) data)++;
}

static GtkWidget *
counting_area (guint *draws)
{
  GtkWidget *area = gtk_drawing_area_new ();

  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), 100);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), count_draw, draws, NULL);
  return area;
}

static gboolean
has_drawn (gpointer data)
{
  return *(guint *) data > 0;
}

static void
test_cull_box (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *box = thaw_cull_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *gap = gtk_drawing_area_new ();
  GtkAdjustment *adjustment;
  guint top_draws = 0, bottom_draws = 0;

  /* 200 px of window over 1,200 px of box: the bottom area starts 900 px
   * below the top of the view. */
  gtk_window_set_default_size (GTK_WINDOW (window), 300, 200);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (gap), 1000);
  gtk_box_append (GTK_BOX (box), counting_area (&top_draws));
  gtk_box_append (GTK_BOX (box), gap);
  gtk_box_append (GTK_BOX (box), counting_area (&bottom_draws));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), box);
  gtk_window_set_child (GTK_WINDOW (window), scroller);
  gtk_window_present (GTK_WINDOW (window));

  thaw_test_iterate_until (has_drawn, &top_draws, 10);
  thaw_test_iterate_for (0.2);
  /* A GtkBox would have drawn both. */
  g_assert_cmpuint (bottom_draws, ==, 0);

  /* Scrolled to the bottom: only the box moved, and it draws again. */
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  thaw_test_iterate_until (has_drawn, &bottom_draws, 10);
  g_assert_cmpuint (bottom_draws, >, 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/thaw/widgets/figure", test_figure);
  g_test_add_func ("/thaw/widgets/sparkline", test_sparkline);
  g_test_add_func ("/thaw/widgets/sparkline-fit", test_sparkline_fit);
  g_test_add_func ("/thaw/widgets/bar-chart", test_bar_chart);
  g_test_add_func ("/thaw/widgets/thread-timeline", test_thread_timeline);
  g_test_add_func ("/thaw/widgets/palette", test_palette);
  g_test_add_func ("/thaw/widgets/text-row", test_text_row);
  g_test_add_func ("/thaw/widgets/row-tail", test_row_tail);
  g_test_add_func ("/thaw/widgets/paced-text", test_paced_text);
  g_test_add_func ("/thaw/widgets/cull-box", test_cull_box);

  return g_test_run ();
}
