/* thaw-latency-graph.c — the last seconds of main-loop lateness
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One bar per heartbeat over the last ten seconds, newest on the right. The
 * vertical scale is logarithmic, from half a millisecond to five seconds, so
 * that the everyday jitter of a free main loop and a three-second freeze both
 * fit and can be told apart. Two lines mark one frame (16.7 ms) and a hang
 * (250 ms); bars over them change colour. The title, the lines' names and
 * a tick at every second are drawn over the bars, with a halo that keeps
 * them readable whatever lies under them.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "thaw-latency-graph.h"
#include "thaw-palette.h"
#include "thaw-stalls.h"

#define WINDOW_US (10 * G_USEC_PER_SEC)
#define SCALE_MIN_MS 0.5
#define SCALE_MAX_MS 5000.0
#define MAX_BEATS 4096

struct _ThawLatencyGraph
{
  GtkWidget parent_instance;

  ThawHeartbeat *heartbeat;
  ThawHeartbeatSample *beats;
  guint tick_id;

  /* The title and the lines' names, laid out once rather than at every
   * frame; dropped when the style (the font) changes. */
  PangoLayout *labels[3];
};

enum {
  LABEL_TITLE,
  LABEL_FRAME,
  LABEL_HANG,
};

G_DEFINE_FINAL_TYPE (ThawLatencyGraph, thaw_latency_graph, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_HEARTBEAT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Height of @ms on the graph, 0 at the bottom and 1 at the top. */
static double
scale (double ms)
{
  ms = CLAMP (ms, SCALE_MIN_MS, SCALE_MAX_MS);
  return log (ms / SCALE_MIN_MS) / log (SCALE_MAX_MS / SCALE_MIN_MS);
}

/* The layout of label @which, made on first use at three quarters of the
 * widget's font size. */
static PangoLayout *
get_label (ThawLatencyGraph *self,
           guint             which)
{
  if (self->labels[which] == NULL)
    {
      g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();
      const char *text = NULL;

      switch (which)
        {
        case LABEL_TITLE:
          /* Translators: the title of the meter's graph; a tick on it is a second. */
          text = _("Main loop lateness, last 10 s");
          break;
        case LABEL_FRAME:
          /* Translators: a line on the latency graph: one frame at 60 Hz. */
          text = _("16.7 ms · 1 frame");
          break;
        case LABEL_HANG:
          /* Translators: a line on the latency graph, above which the app seems hung. */
          text = _("250 ms · hang");
          break;
        default:
          g_assert_not_reached ();
        }

      self->labels[which] = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
      pango_attr_list_insert (attrs, pango_attr_scale_new (0.75));
      pango_layout_set_attributes (self->labels[which], attrs);
    }

  return self->labels[which];
}

static void
clear_labels (ThawLatencyGraph *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->labels); i++)
    g_clear_object (&self->labels[i]);
}

/* Writes @layout at (@x, @y), its top left corner, or its top right with
 * @right_aligned, in @color with a halo of the opposite lightness around
 * each letter: over a bar of any colour it stays readable. */
static void
draw_text (cairo_t       *cr,
           const GdkRGBA *color,
           double         x,
           double         y,
           gboolean       right_aligned,
           PangoLayout   *layout)
{
  double light = 0.299 * color->red + 0.587 * color->green + 0.114 * color->blue;
  double halo = light < 0.5 ? 1.0 : 0.0;
  int text_width, text_height;

  pango_layout_get_pixel_size (layout, &text_width, &text_height);

  cairo_save (cr);
  cairo_move_to (cr, right_aligned ? x - text_width : x, y);
  pango_cairo_layout_path (cr, layout);
  cairo_set_source_rgba (cr, halo, halo, halo, 0.85);
  cairo_set_line_width (cr, 3);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke_preserve (cr);
  gdk_cairo_set_source_rgba (cr, color);
  cairo_fill (cr);
  cairo_restore (cr);
}

/* A dashed line across the graph at @ms, named at its right end. */
static void
draw_threshold (cairo_t       *cr,
                const GdkRGBA *color,
                double         width,
                double         height,
                double         ms,
                PangoLayout   *label)
{
  double y = round (height - scale (ms) * height) + 0.5;

  cairo_save (cr);
  gdk_cairo_set_source_rgba (cr, color);
  cairo_set_line_width (cr, 1);
  cairo_set_dash (cr, (double[]) { 3, 3 }, 2, 0);
  cairo_move_to (cr, 0, y);
  cairo_line_to (cr, width, y);
  cairo_stroke (cr);
  cairo_restore (cr);
  draw_text (cr, color, width - 3, y - 11, TRUE, label);
}

/* The time axis: a tick at every second, counted back from now at the
 * right edge. */
static void
draw_seconds (cairo_t       *cr,
              const GdkRGBA *color,
              double         width,
              double         height)
{
  cairo_save (cr);
  gdk_cairo_set_source_rgba (cr, color);
  for (int s = 1; s < WINDOW_US / G_USEC_PER_SEC; s++)
    cairo_rectangle (cr, round (width - s * width * G_USEC_PER_SEC / WINDOW_US), height - 4, 1, 4);
  cairo_fill (cr);
  cairo_restore (cr);
}

static void
thaw_latency_graph_draw (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  ThawLatencyGraph *self = THAW_LATENCY_GRAPH (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  GdkRGBA fg, ok, slow, hung;
  cairo_t *cr;
  gint64 now = g_get_monotonic_time ();
  guint n = 0;

  if (width <= 0 || height <= 0)
    return;

  thaw_palette_get_foreground (widget, 1.0f, &fg);
  thaw_palette_get (THAW_COLOR_ACCENT, &ok);
  thaw_palette_get (THAW_COLOR_WARNING, &slow);
  thaw_palette_get (THAW_COLOR_ERROR, &hung);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* A faint background so the empty graph still reads as a graph. */
  cairo_save (cr);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.05);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  cairo_restore (cr);

  if (self->heartbeat != NULL)
    n = thaw_heartbeat_copy_recent (self->heartbeat, now - WINDOW_US, self->beats, MAX_BEATS);

  for (guint i = 0; i < n; i++)
    {
      const ThawHeartbeatSample *beat = &self->beats[i];
      /* A beat that ran at time t was due lateness earlier: draw the bar
       * over the whole stretch the main loop was stuck, not as a sliver. */
      double x1 = width - (double) (now - beat->time_us) / WINDOW_US * width;
      double x0 = x1 - beat->lateness_ms * 1000.0 / WINDOW_US * width;
      double h = scale (beat->lateness_ms) * height;
      const GdkRGBA *color = &ok;

      if (beat->lateness_ms > THAW_HANG_MS)
        color = &hung;
      else if (beat->lateness_ms > THAW_FRAME_BUDGET_MS)
        color = &slow;

      x0 = MIN (x0, x1 - 1.5);
      gdk_cairo_set_source_rgba (cr, color);
      cairo_rectangle (cr, x0, height - h, x1 - x0, h);
      cairo_fill (cr);
    }

  fg.alpha = 0.7f;
  draw_seconds (cr, &fg, width, height);
  draw_threshold (cr, &fg, width, height, THAW_FRAME_BUDGET_MS, get_label (self, LABEL_FRAME));
  draw_threshold (cr, &fg, width, height, THAW_HANG_MS, get_label (self, LABEL_HANG));
  fg.alpha = 0.9f;
  draw_text (cr, &fg, 3, 1, FALSE, get_label (self, LABEL_TITLE));

  cairo_destroy (cr);
}

/* Drawing is timed, so that a slow frame names this widget. */
static void
thaw_latency_graph_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  guint scope = thaw_stalls_begin (THAW_STALL_NAME (thaw_latency_graph_snapshot));

  thaw_latency_graph_draw (widget, snapshot);
  thaw_stalls_end (scope);
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *frame_clock,
         gpointer       user_data)
{
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static void
thaw_latency_graph_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 80;
      *natural = 320;
    }
  else
    {
      *minimum = 48;
      *natural = 56;
    }
}

static void
thaw_latency_graph_dispose (GObject *object)
{
  ThawLatencyGraph *self = THAW_LATENCY_GRAPH (object);

  g_clear_object (&self->heartbeat);
  clear_labels (self);

  G_OBJECT_CLASS (thaw_latency_graph_parent_class)->dispose (object);
}

static void
thaw_latency_graph_css_changed (GtkWidget         *widget,
                                GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (thaw_latency_graph_parent_class)->css_changed (widget, change);

  clear_labels (THAW_LATENCY_GRAPH (widget));
}

static void
thaw_latency_graph_finalize (GObject *object)
{
  ThawLatencyGraph *self = THAW_LATENCY_GRAPH (object);

  g_free (self->beats);

  G_OBJECT_CLASS (thaw_latency_graph_parent_class)->finalize (object);
}

static void
thaw_latency_graph_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ThawLatencyGraph *self = THAW_LATENCY_GRAPH (object);

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
thaw_latency_graph_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ThawLatencyGraph *self = THAW_LATENCY_GRAPH (object);

  switch (prop_id)
    {
    case PROP_HEARTBEAT:
      thaw_latency_graph_set_heartbeat (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_latency_graph_class_init (ThawLatencyGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = thaw_latency_graph_dispose;
  object_class->finalize = thaw_latency_graph_finalize;
  object_class->get_property = thaw_latency_graph_get_property;
  object_class->set_property = thaw_latency_graph_set_property;

  widget_class->snapshot = thaw_latency_graph_snapshot;
  widget_class->measure = thaw_latency_graph_measure;
  widget_class->css_changed = thaw_latency_graph_css_changed;

  properties[PROP_HEARTBEAT] =
    g_param_spec_object ("heartbeat", NULL, NULL,
                         THAW_TYPE_HEARTBEAT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "latencygraph");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
thaw_latency_graph_init (ThawLatencyGraph *self)
{
  self->beats = g_new (ThawHeartbeatSample, MAX_BEATS);

  /* Redraw every frame, so that the graph scrolls smoothly. */
  self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);

  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Main loop lateness"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("How late the main loop answered a 10 ms timer over the last ten seconds, "
                                    "on a logarithmic scale, with lines at one frame (16.7 ms) and at a hang (250 ms)"),
                                  -1);
}

GtkWidget *
thaw_latency_graph_new (void)
{
  return g_object_new (THAW_TYPE_LATENCY_GRAPH, NULL);
}

/**
 * thaw_latency_graph_set_scrolling:
 * @self: a graph
 * @scrolling: %TRUE to redraw every frame
 *
 * A scrolling graph redraws once per frame and moves smoothly. One that
 * does not is drawn only when something asks for it (its owner, about once a
 * second while the meter rests), so it costs no frames at all.
 */
void
thaw_latency_graph_set_scrolling (ThawLatencyGraph *self,
                                  gboolean          scrolling)
{
  g_return_if_fail (THAW_IS_LATENCY_GRAPH (self));

  if (scrolling && self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
  else if (!scrolling && self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
thaw_latency_graph_set_heartbeat (ThawLatencyGraph *self,
                                  ThawHeartbeat    *heartbeat)
{
  g_return_if_fail (THAW_IS_LATENCY_GRAPH (self));
  g_return_if_fail (heartbeat == NULL || THAW_IS_HEARTBEAT (heartbeat));

  if (g_set_object (&self->heartbeat, heartbeat))
    {
      gtk_widget_queue_draw (GTK_WIDGET (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEARTBEAT]);
    }
}

/**
 * thaw_latency_graph_get_heartbeat:
 * @self: a graph
 *
 * Returns: (transfer none) (nullable): the heartbeat drawn
 */
ThawHeartbeat *
thaw_latency_graph_get_heartbeat (ThawLatencyGraph *self)
{
  g_return_val_if_fail (THAW_IS_LATENCY_GRAPH (self), NULL);

  return self->heartbeat;
}
