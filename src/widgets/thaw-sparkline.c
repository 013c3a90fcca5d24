/* thaw-sparkline.c — a small filled graph of a value over time
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The newest value at the right edge, older ones to the left, the area
 * under the line filled. The scale runs from 0 to "maximum"; a "limit"
 * (a queue's capacity, say) is drawn as a dashed line. The widget draws
 * only when a value is pushed: it asks for no frames of its own.
 *
 * The time axis holds "history" values across the width, so a graph
 * fills from the right as values come. With "fit-width" set, the values
 * kept so far span the whole width instead, spreading out while there
 * are fewer than "history": a short run still fills its graph.
 *
 * A graph is a picture of what a label beside it says in words: the page
 * names it for assistive technologies (GtkAccessible label or labelled-by).
 */

#include "config.h"

#include "thaw-palette.h"
#include "thaw-sparkline.h"

#define DEFAULT_HISTORY 120
#define MAX_HISTORY 10000

struct _ThawSparkline
{
  GtkWidget parent_instance;

  double *values;               /* a ring of "history" values */
  guint history;
  guint n_values;
  guint next;
  double maximum;
  double limit;                 /* < 0: none */
  gboolean fit_width;
};

G_DEFINE_FINAL_TYPE (ThawSparkline, thaw_sparkline, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_HISTORY,
  PROP_MAXIMUM,
  PROP_LIMIT,
  PROP_FIT_WIDTH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The i-th oldest value kept. */
static double
value_at (ThawSparkline *self,
          guint          i)
{
  guint first = (self->next + self->history - self->n_values) % self->history;

  return self->values[(first + i) % self->history];
}

/* How far apart two neighbouring values are drawn, in pixels. */
static double
step_for (ThawSparkline *self,
          double         width)
{
  guint slots = self->fit_width ? MAX (self->n_values, 2) : self->history;

  return width / (slots - 1);
}

static double
y_of (ThawSparkline *self,
      double         value,
      double         height)
{
  double fraction = self->maximum > 0 ? CLAMP (value / self->maximum, 0.0, 1.0) : 0.0;

  return height - fraction * (height - 2);
}

static void
thaw_sparkline_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  ThawSparkline *self = THAW_SPARKLINE (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double step = step_for (self, width);
  double x0;
  GdkRGBA background, line;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  thaw_palette_get_foreground (widget, 0.06f, &background);
  gdk_cairo_set_source_rgba (cr, &background);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);

  if (self->limit >= 0)
    {
      GdkRGBA warning;

      thaw_palette_get (THAW_COLOR_WARNING, &warning);
      gdk_cairo_set_source_rgba (cr, &warning);
      cairo_set_line_width (cr, 1.5);
      cairo_set_dash (cr, (double[]) { 4, 3 }, 2, 0);
      cairo_move_to (cr, 0, y_of (self, self->limit, height));
      cairo_line_to (cr, width, y_of (self, self->limit, height));
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }

  if (self->n_values >= 2)
    {
      x0 = width - (self->n_values - 1) * step;
      cairo_move_to (cr, x0, height);
      for (guint i = 0; i < self->n_values; i++)
        cairo_line_to (cr, x0 + i * step, y_of (self, value_at (self, i), height));
      cairo_line_to (cr, width, height);
      cairo_close_path (cr);

      thaw_palette_get (THAW_COLOR_ACCENT, &line);
      cairo_set_source_rgba (cr, line.red, line.green, line.blue, 0.35);
      cairo_fill_preserve (cr);
      gdk_cairo_set_source_rgba (cr, &line);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
    }

  cairo_destroy (cr);
}

static void
thaw_sparkline_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  /* Any width; a sensible height unless the page asks for another with
   * height-request. */
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 40 : 24;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : 48;
}

static void
set_history (ThawSparkline *self,
             guint          history)
{
  history = CLAMP (history, 2, MAX_HISTORY);
  if (history == self->history)
    return;

  g_free (self->values);
  self->values = g_new0 (double, history);
  self->history = history;
  self->n_values = 0;
  self->next = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY]);
}

static void
thaw_sparkline_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ThawSparkline *self = THAW_SPARKLINE (object);

  switch (prop_id)
    {
    case PROP_HISTORY:
      g_value_set_uint (value, self->history);
      break;
    case PROP_MAXIMUM:
      g_value_set_double (value, self->maximum);
      break;
    case PROP_LIMIT:
      g_value_set_double (value, self->limit);
      break;
    case PROP_FIT_WIDTH:
      g_value_set_boolean (value, self->fit_width);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_sparkline_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ThawSparkline *self = THAW_SPARKLINE (object);

  switch (prop_id)
    {
    case PROP_HISTORY:
      set_history (self, g_value_get_uint (value));
      break;
    case PROP_MAXIMUM:
      self->maximum = g_value_get_double (value);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      break;
    case PROP_LIMIT:
      self->limit = g_value_get_double (value);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      break;
    case PROP_FIT_WIDTH:
      if (self->fit_width != g_value_get_boolean (value))
        {
          self->fit_width = g_value_get_boolean (value);
          gtk_widget_queue_draw (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_sparkline_finalize (GObject *object)
{
  ThawSparkline *self = THAW_SPARKLINE (object);

  g_free (self->values);

  G_OBJECT_CLASS (thaw_sparkline_parent_class)->finalize (object);
}

static void
thaw_sparkline_class_init (ThawSparklineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = thaw_sparkline_get_property;
  object_class->set_property = thaw_sparkline_set_property;
  object_class->finalize = thaw_sparkline_finalize;
  widget_class->snapshot = thaw_sparkline_snapshot;
  widget_class->measure = thaw_sparkline_measure;

  properties[PROP_HISTORY] =
    g_param_spec_uint ("history", NULL, NULL, 2, MAX_HISTORY, DEFAULT_HISTORY,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAXIMUM] =
    g_param_spec_double ("maximum", NULL, NULL, 0, G_MAXDOUBLE, 1,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LIMIT] =
    g_param_spec_double ("limit", NULL, NULL, -1, G_MAXDOUBLE, -1,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /**
   * ThawSparkline:fit-width:
   *
   * Whether the values kept so far span the whole width, however few
   * they are, rather than one "history"-th of it each. Off by default.
   */
  properties[PROP_FIT_WIDTH] =
    g_param_spec_boolean ("fit-width", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "sparkline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
thaw_sparkline_init (ThawSparkline *self)
{
  self->maximum = 1;
  self->limit = -1;
  set_history (self, DEFAULT_HISTORY);
}

GtkWidget *
thaw_sparkline_new (void)
{
  return g_object_new (THAW_TYPE_SPARKLINE, NULL);
}

/**
 * thaw_sparkline_push:
 * @value: the newest value, on the scale 0 to "maximum"
 *
 * Adds a value at the right edge; the oldest falls off the left once
 * "history" values are kept.
 */
void
thaw_sparkline_push (ThawSparkline *self,
                     double         value)
{
  g_return_if_fail (THAW_IS_SPARKLINE (self));

  self->values[self->next] = value;
  self->next = (self->next + 1) % self->history;
  self->n_values = MIN (self->n_values + 1, self->history);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
thaw_sparkline_clear (ThawSparkline *self)
{
  g_return_if_fail (THAW_IS_SPARKLINE (self));

  self->n_values = 0;
  self->next = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
thaw_sparkline_get_n_values (ThawSparkline *self)
{
  g_return_val_if_fail (THAW_IS_SPARKLINE (self), 0);

  return self->n_values;
}

/* The share of the width the line covers, from the oldest value kept to
 * the newest: 0 with fewer than two values, 1 with a full history or
 * with "fit-width". */
double
thaw_sparkline_get_span (ThawSparkline *self)
{
  g_return_val_if_fail (THAW_IS_SPARKLINE (self), 0);

  if (self->n_values < 2)
    return 0;

  return self->fit_width ? 1.0 : (double) (self->n_values - 1) / (self->history - 1);
}

/* The newest value, or 0 when there is none. */
double
thaw_sparkline_get_last (ThawSparkline *self)
{
  g_return_val_if_fail (THAW_IS_SPARKLINE (self), 0);

  return self->n_values > 0 ? value_at (self, self->n_values - 1) : 0;
}
