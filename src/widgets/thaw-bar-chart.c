/* thaw-bar-chart.c — bars with labels, a scale and reference lines
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One bar per slot, each in a colour of Thaw's palette, a label under any
 * bar that has one, and up to two reference lines through the middle of
 * the slots (parallel's perfect scaling and Amdahl's limit, say), and a
 * dashed upright marker through one slot (race's expected total). The
 * scale runs from 0 to the tallest bar or line, rounded up; with
 * "scale-suffix" set ("×", or "" for bare numbers), a grid line and a label
 * mark each step. The steps are whole numbers, 1, 2 or 5 times a power of
 * ten, as few as keep the labels apart: a count of 20 gets 10 and 20, not
 * twenty lines. Labels group digits as the locale does.
 * A histogram is bars too: the page counts, the chart draws.
 *
 * The chart draws when its data change and asks for no frames of its own.
 * The page names it for assistive technologies and says in words what it
 * shows.
 */

#include "config.h"

#include <math.h>

#include "thaw-bar-chart.h"

#define N_LINES 2
#define GAP 0.2                 /* of a slot, on each side of its bar */
#define TICK_SPACING 2.0        /* at least, between two labels, in their height */
#define LINE_ROOM 6.0           /* pixels above a line, for its dots */

typedef struct
{
  double *values;               /* one per bar, or NULL: no line */
  ThawLineStyle style;
  ThawColor color;
} Line;

struct _ThawBarChart
{
  GtkWidget parent_instance;

  guint n_bars;
  double *values;
  ThawColor *colors;
  char **labels;                /* n_bars entries, NULL where none */
  Line lines[N_LINES];
  int marker;                   /* the slot marked upright, or -1 */
  char *scale_suffix;
};

G_DEFINE_FINAL_TYPE (ThawBarChart, thaw_bar_chart, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SCALE_SUFFIX,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static PangoLayout *
make_layout (GtkWidget  *widget,
             const char *text,
             int        *width,
             int        *height)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);

  pango_layout_get_pixel_size (layout, width, height);
  return layout;
}

/* @text with its left, middle or right (@align 0, 0.5, 1) at x, its
 * middle at y. */
static void
show_text (GtkWidget  *widget,
           cairo_t    *cr,
           const char *text,
           double      x,
           double      y,
           double      align)
{
  int w, h;
  g_autoptr(PangoLayout) layout = make_layout (widget, text, &w, &h);

  cairo_move_to (cr, x - align * w, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
  cairo_new_path (cr);
}

/* A scale label: a whole number, its digits grouped, and the suffix. */
static char *
format_tick (ThawBarChart *self,
             double        value)
{
  return g_strdup_printf ("%'u%s", (guint) value, self->scale_suffix);
}

/* The smallest of 1, 2, 5, 10, 20, 50… that is at least @rough. */
static double
round_step (double rough)
{
  double power = pow (10, floor (log10 (MAX (rough, 1))));

  if (rough <= power)
    return power;
  if (rough <= 2 * power)
    return 2 * power;
  if (rough <= 5 * power)
    return 5 * power;
  return 10 * power;
}

/* The top of the scale, and with "scale-suffix" and bars the step between
 * two labels (else 0), for a plot @plot_height pixels high whose labels are
 * @text_height high. Bars may reach the top; a line keeps a few pixels
 * below it, so its dots are not cut. */
static void
compute_scale (ThawBarChart *self,
               double        plot_height,
               double        text_height,
               double       *top,
               double       *step)
{
  double tallest = 0;
  guint max_steps;

  for (guint i = 0; i < self->n_bars; i++)
    {
      tallest = MAX (tallest, self->values[i]);
      for (guint l = 0; l < N_LINES; l++)
        if (self->lines[l].values != NULL)
          tallest = MAX (tallest, self->lines[l].values[i] * (1 + LINE_ROOM / MAX (plot_height, 1)));
    }

  /* No scale for an empty chart: a histogram before its first run. */
  if (self->scale_suffix == NULL || self->n_bars == 0)
    {
      *top = MAX (tallest, 1e-9);
      *step = 0;
      return;
    }

  max_steps = (guint) MAX (plot_height / (TICK_SPACING * MAX (text_height, 1)), 1);
  *step = round_step (tallest / max_steps);
  *top = MAX (ceil (tallest / *step), 1) * *step;
}

static void
thaw_bar_chart_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  ThawBarChart *self = THAW_BAR_CHART (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double left = 0, bottom = 0, top = 4, right = 2;
  double plot_width, plot_height, slot, y_max, y_step;
  gboolean any_label = FALSE;
  int text_height = 0, text_width;
  GdkRGBA fg, faint, dim;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  thaw_palette_get_foreground (widget, 1.0f, &fg);
  thaw_palette_get_foreground (widget, 0.06f, &faint);
  thaw_palette_get_foreground (widget, 0.7f, &dim);

  for (guint i = 0; i < self->n_bars; i++)
    any_label |= self->labels[i] != NULL;
  g_object_unref (make_layout (widget, "0", &text_width, &text_height));
  if (any_label)
    bottom = text_height + 4;
  plot_height = height - top - bottom;
  compute_scale (self, plot_height, text_height, &y_max, &y_step);
  if (y_step > 0)
    {
      g_autofree char *widest = format_tick (self, y_max);

      g_object_unref (make_layout (widget, widest, &text_width, NULL));
      left = text_width + 8;
    }

  plot_width = width - left - right;
  if (plot_width <= 0 || plot_height <= 0)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_cairo_set_source_rgba (cr, &faint);
  cairo_rectangle (cr, left, top, plot_width, plot_height);
  cairo_fill (cr);

  slot = self->n_bars > 0 ? plot_width / self->n_bars : plot_width;

#define X_OF(i) (left + ((i) + 0.5) * slot)
#define Y_OF(v) (top + plot_height - (v) / y_max * plot_height)

  if (y_step > 0)
    {
      cairo_set_line_width (cr, 1);
      for (double s = y_step; s <= y_max + y_step / 2; s += y_step)
        {
          g_autofree char *label = format_tick (self, s);

          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.12);
          cairo_move_to (cr, left, round (Y_OF (s)) + 0.5);
          cairo_line_to (cr, left + plot_width, round (Y_OF (s)) + 0.5);
          cairo_stroke (cr);
          gdk_cairo_set_source_rgba (cr, &dim);
          show_text (widget, cr, label, left - 6, Y_OF (s), 1.0);
        }
    }

  for (guint i = 0; i < self->n_bars; i++)
    {
      GdkRGBA color;

      if (self->values[i] > 0)
        {
          thaw_palette_get (self->colors[i], &color);
          gdk_cairo_set_source_rgba (cr, &color);
          cairo_rectangle (cr, X_OF (i) - slot * (0.5 - GAP), Y_OF (self->values[i]),
                           slot * (1 - 2 * GAP), Y_OF (0) - Y_OF (self->values[i]));
          cairo_fill (cr);
        }
      if (self->labels[i] != NULL)
        {
          /* The first and last labels keep inside the chart. */
          double align = self->n_bars > 1 && i == 0 ? 0.0
                       : self->n_bars > 1 && i == self->n_bars - 1 ? 1.0 : 0.5;
          double x = align == 0.0 ? left : align == 1.0 ? left + plot_width : X_OF (i);

          gdk_cairo_set_source_rgba (cr, &dim);
          show_text (widget, cr, self->labels[i], x, height - bottom / 2, align);
        }
    }

  for (guint l = 0; l < N_LINES; l++)
    {
      const Line *line = &self->lines[l];
      GdkRGBA color;

      if (line->values == NULL)
        continue;

      if (line->style == THAW_LINE_DASHED)
        {
          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6);
          cairo_set_line_width (cr, 1);
          cairo_set_dash (cr, (double[]) { 4, 3 }, 2, 0);
        }
      else
        {
          thaw_palette_get (line->color, &color);
          gdk_cairo_set_source_rgba (cr, &color);
          cairo_set_line_width (cr, 2);
        }
      for (guint i = 0; i < self->n_bars; i++)
        cairo_line_to (cr, X_OF (i), Y_OF (line->values[i]));
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);

      if (line->style == THAW_LINE_MARKED)
        for (guint i = 0; i < self->n_bars; i++)
          {
            cairo_arc (cr, X_OF (i), Y_OF (line->values[i]), 3, 0, 2 * G_PI);
            cairo_fill (cr);
          }
    }

  if (self->marker >= 0 && (guint) self->marker < self->n_bars)
    {
      double x = round (X_OF (self->marker)) + 0.5;

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.8);
      cairo_set_line_width (cr, 1);
      cairo_set_dash (cr, (double[]) { 3, 3 }, 2, 0);
      cairo_move_to (cr, x, top);
      cairo_line_to (cr, x, top + plot_height);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }

#undef X_OF
#undef Y_OF

  cairo_destroy (cr);
}

static void
thaw_bar_chart_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 60 : 40;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 240 : 120;
}

static void
free_bars (ThawBarChart *self)
{
  g_clear_pointer (&self->values, g_free);
  g_clear_pointer (&self->colors, g_free);
  if (self->labels != NULL)
    for (guint i = 0; i < self->n_bars; i++)
      g_free (self->labels[i]);
  g_clear_pointer (&self->labels, g_free);
  for (guint l = 0; l < N_LINES; l++)
    g_clear_pointer (&self->lines[l].values, g_free);
  self->n_bars = 0;
}

static void
thaw_bar_chart_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ThawBarChart *self = THAW_BAR_CHART (object);

  switch (prop_id)
    {
    case PROP_SCALE_SUFFIX:
      g_value_set_string (value, self->scale_suffix);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_bar_chart_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ThawBarChart *self = THAW_BAR_CHART (object);

  switch (prop_id)
    {
    case PROP_SCALE_SUFFIX:
      g_free (self->scale_suffix);
      self->scale_suffix = g_value_dup_string (value);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_bar_chart_finalize (GObject *object)
{
  ThawBarChart *self = THAW_BAR_CHART (object);

  free_bars (self);
  g_free (self->scale_suffix);

  G_OBJECT_CLASS (thaw_bar_chart_parent_class)->finalize (object);
}

static void
thaw_bar_chart_class_init (ThawBarChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = thaw_bar_chart_get_property;
  object_class->set_property = thaw_bar_chart_set_property;
  object_class->finalize = thaw_bar_chart_finalize;
  widget_class->snapshot = thaw_bar_chart_snapshot;
  widget_class->measure = thaw_bar_chart_measure;

  /**
   * ThawBarChart:scale-suffix:
   *
   * What follows each number of the scale ("×", or "" for bare counts):
   * with it, a grid line and a label at each step of the scale. Without
   * it (%NULL), no scale.
   */
  properties[PROP_SCALE_SUFFIX] =
    g_param_spec_string ("scale-suffix", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "barchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
thaw_bar_chart_init (ThawBarChart *self)
{
  self->marker = -1;
}

GtkWidget *
thaw_bar_chart_new (void)
{
  return g_object_new (THAW_TYPE_BAR_CHART, NULL);
}

/**
 * thaw_bar_chart_set_bars:
 * @n_bars: how many bars
 * @values: (array length=n_bars): their heights, 0 or more
 * @colors: (array length=n_bars) (nullable): their colours; %NULL: all
 *   THAW_COLOR_ACCENT
 * @labels: (array length=n_bars) (nullable): a label under each bar, %NULL
 *   entries for none; the first and last keep inside the chart
 *
 * Replaces the bars. A change in their number clears the lines.
 */
void
thaw_bar_chart_set_bars (ThawBarChart       *self,
                         guint               n_bars,
                         const double       *values,
                         const ThawColor    *colors,
                         const char * const *labels)
{
  g_return_if_fail (THAW_IS_BAR_CHART (self));
  g_return_if_fail (n_bars == 0 || values != NULL);

  if (n_bars != self->n_bars)
    {
      free_bars (self);
      self->n_bars = n_bars;
      self->values = g_new0 (double, n_bars);
      self->colors = g_new0 (ThawColor, n_bars);
      self->labels = g_new0 (char *, n_bars);
    }

  for (guint i = 0; i < n_bars; i++)
    {
      self->values[i] = MAX (values[i], 0);
      self->colors[i] = colors != NULL ? colors[i] : THAW_COLOR_ACCENT;
      g_free (self->labels[i]);
      self->labels[i] = labels != NULL ? g_strdup (labels[i]) : NULL;
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
thaw_bar_chart_get_n_bars (ThawBarChart *self)
{
  g_return_val_if_fail (THAW_IS_BAR_CHART (self), 0);

  return self->n_bars;
}

double
thaw_bar_chart_get_value (ThawBarChart *self,
                          guint         bar)
{
  g_return_val_if_fail (THAW_IS_BAR_CHART (self), 0);
  g_return_val_if_fail (bar < self->n_bars, 0);

  return self->values[bar];
}

/**
 * thaw_bar_chart_get_scale:
 * @top: (out) (optional): the value at the top of the chart
 * @step: (out) (optional): the step between two labels of the scale
 *
 * The scale as the chart draws it at its present size.
 *
 * Returns: whether the chart draws a scale: "scale-suffix" is set and
 *   there are bars
 */
gboolean
thaw_bar_chart_get_scale (ThawBarChart *self,
                          double       *top,
                          double       *step)
{
  GtkWidget *widget = GTK_WIDGET (self);
  double plot_height, top_value, step_value;
  gboolean any_label = FALSE;
  int text_height;

  g_return_val_if_fail (THAW_IS_BAR_CHART (self), FALSE);

  /* The same sums as the snapshot's. */
  for (guint i = 0; i < self->n_bars; i++)
    any_label |= self->labels[i] != NULL;
  g_object_unref (make_layout (widget, "0", NULL, &text_height));
  plot_height = gtk_widget_get_height (widget) - 4 - (any_label ? text_height + 4 : 0);
  compute_scale (self, plot_height, text_height, &top_value, &step_value);
  if (top != NULL)
    *top = top_value;
  if (step != NULL)
    *step = step_value;

  return step_value > 0;
}

/**
 * thaw_bar_chart_set_line:
 * @line: 0 or 1
 * @values: (array): one value per bar, through the middle of its slot
 * @style: dashed (an ideal) or marked (a limit, with a dot per bar)
 * @color: the colour of a marked line
 */
void
thaw_bar_chart_set_line (ThawBarChart  *self,
                         guint          line,
                         const double  *values,
                         ThawLineStyle  style,
                         ThawColor      color)
{
  g_return_if_fail (THAW_IS_BAR_CHART (self));
  g_return_if_fail (line < N_LINES);
  g_return_if_fail (values != NULL);

  g_free (self->lines[line].values);
  self->lines[line].values = g_memdup2 (values, sizeof (double) * MAX (self->n_bars, 1));
  self->lines[line].style = style;
  self->lines[line].color = color;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
thaw_bar_chart_clear_line (ThawBarChart *self,
                           guint         line)
{
  g_return_if_fail (THAW_IS_BAR_CHART (self));
  g_return_if_fail (line < N_LINES);

  g_clear_pointer (&self->lines[line].values, g_free);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * thaw_bar_chart_set_marker:
 * @bar: the slot to mark with a dashed upright line, or -1 for none
 */
void
thaw_bar_chart_set_marker (ThawBarChart *self,
                           int           bar)
{
  g_return_if_fail (THAW_IS_BAR_CHART (self));

  self->marker = bar;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
