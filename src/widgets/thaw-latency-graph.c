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
#include <string.h>

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
  /* The ticks, lines and names, drawn for this size and scale. */
  cairo_surface_t *overlay;
  int overlay_width, overlay_height, overlay_scale;

  /* The lateness shown in each column of pixels. */
  double *columns;
  guint n_columns;

  /* The longest stall in view, as the meter last handed it over, and its
   * name laid out for its text. */
  ThawStall stall;
  gboolean has_stall;
  PangoLayout *stall_layout;
  char *stall_text;
  gboolean stall_shown;         /* in the last frame */
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

/* What lies over the bars and does not move: the ticks, the two lines and
 * the names. Outlining letters for their halo is the dearest drawing in
 * the graph, so it is done once for a size and a style, into an image that
 * every frame then only copies. */
static cairo_surface_t *
get_overlay (ThawLatencyGraph *self,
             int               width,
             int               height)
{
  int scale_factor = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  GdkRGBA fg;
  cairo_t *cr;

  if (self->overlay != NULL
      && self->overlay_width == width
      && self->overlay_height == height
      && self->overlay_scale == scale_factor)
    return self->overlay;

  g_clear_pointer (&self->overlay, cairo_surface_destroy);
  self->overlay = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale_factor, height * scale_factor);
  cairo_surface_set_device_scale (self->overlay, scale_factor, scale_factor);
  self->overlay_width = width;
  self->overlay_height = height;
  self->overlay_scale = scale_factor;

  thaw_palette_get_foreground (GTK_WIDGET (self), 0.7f, &fg);
  cr = cairo_create (self->overlay);
  draw_seconds (cr, &fg, width, height);
  draw_threshold (cr, &fg, width, height, THAW_FRAME_BUDGET_MS, get_label (self, LABEL_FRAME));
  draw_threshold (cr, &fg, width, height, THAW_HANG_MS, get_label (self, LABEL_HANG));
  fg.alpha = 0.9f;
  draw_text (cr, &fg, 3, 1, FALSE, get_label (self, LABEL_TITLE));
  cairo_destroy (cr);

  return self->overlay;
}

static void
clear_overlay (ThawLatencyGraph *self)
{
  g_clear_pointer (&self->overlay, cairo_surface_destroy);
  g_clear_object (&self->stall_layout);
  clear_labels (self);
}

/* How bad @ms is: 0 within a frame, 1 over a frame, 2 a hang. */
static guint
level_of (double ms)
{
  return ms > THAW_HANG_MS ? 2 : ms > THAW_FRAME_BUDGET_MS ? 1 : 0;
}

/* The bars. A beat that ran at time t was due lateness earlier, so its bar
 * covers the whole stretch the main loop was stuck, not a sliver. There
 * are more beats than pixels, so each column of pixels shows the latest
 * beat over it, whole pixels wide and tall; neighbouring columns of one
 * height and colour are one rectangle, and each colour is one fill: a few
 * fills a frame, not one per beat. */
static void
draw_bars (ThawLatencyGraph *self,
           cairo_t          *cr,
           int               width,
           int               height,
           guint             n,
           gint64            now)
{
  GdkRGBA colors[3];

  if ((guint) width > self->n_columns)
    {
      self->n_columns = width;
      self->columns = g_renew (double, self->columns, self->n_columns);
    }
  memset (self->columns, 0, sizeof (double) * width);

  for (guint i = 0; i < n; i++)
    {
      const ThawHeartbeatSample *beat = &self->beats[i];
      double x1 = width - (double) (now - beat->time_us) / WINDOW_US * width;
      double x0 = MIN (x1 - 1.5, x1 - beat->lateness_ms * 1000.0 / WINDOW_US * width);
      int first = MAX (0, (int) floor (x0));
      int last = MIN (width - 1, (int) ceil (x1) - 1);

      for (int x = first; x <= last; x++)
        self->columns[x] = MAX (self->columns[x], beat->lateness_ms);
    }

  thaw_palette_get (THAW_COLOR_ACCENT, &colors[0]);
  thaw_palette_get (THAW_COLOR_WARNING, &colors[1]);
  thaw_palette_get (THAW_COLOR_ERROR, &colors[2]);

  for (guint level = 0; level < G_N_ELEMENTS (colors); level++)
    {
      gboolean any = FALSE;

      for (int x = 0; x < width;)
        {
          int h = (int) ceil (scale (self->columns[x]) * height);
          int run = 1;

          if (self->columns[x] <= 0 || level_of (self->columns[x]) != level)
            {
              x++;
              continue;
            }
          while (x + run < width
                 && self->columns[x + run] > 0
                 && level_of (self->columns[x + run]) == level
                 && (int) ceil (scale (self->columns[x + run]) * height) == h)
            run++;
          cairo_rectangle (cr, x, height - h, run, h);
          any = TRUE;
          x += run;
        }
      if (any)
        {
          gdk_cairo_set_source_rgba (cr, &colors[level]);
          cairo_fill (cr);
        }
    }
}

/* Over the longest stall in view, later than a frame: what held the main
 * loop, and how long ("freeze-page.c: block_cb › count_primes · 3,012 ms"),
 * on a pale box at the left of its bar. The meter's tooltips list more. */
static void
draw_stall_name (ThawLatencyGraph *self,
                 cairo_t          *cr,
                 int               width,
                 int               height,
                 gint64            now)
{
  const ThawStall *stall = &self->stall;
  g_autofree char *text = NULL;
  GdkRGBA fg, bg;
  double x0, x;
  int w, h;

  self->stall_shown = FALSE;
  if (!self->has_stall || stall->end_us < now - WINDOW_US)
    return;

  text = g_strdup_printf (stall->ms >= 100
                          /* Translators: on the meter's graph, over a stall: what held the main
                           * loop and for how long, e.g. "freeze-page.c: block_cb · 3,012 ms". */
                          ? _("%s · %'.0f ms") : _("%s · %.1f ms"),
                          stall->name[0] != '\0' ? stall->name
                          /* Translators: on the meter's graph, a stall spent in no callback of Thaw's. */
                          : _("GTK and GLib"),
                          stall->ms);
  if (self->stall_layout == NULL || g_strcmp0 (self->stall_text, text) != 0)
    {
      g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();

      g_clear_object (&self->stall_layout);
      self->stall_layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
      pango_attr_list_insert (attrs, pango_attr_scale_new (0.75));
      pango_layout_set_attributes (self->stall_layout, attrs);
      g_free (self->stall_text);
      self->stall_text = g_steal_pointer (&text);
    }

  pango_layout_get_pixel_size (self->stall_layout, &w, &h);
  x0 = width - (double) (now - stall->end_us) / WINDOW_US * width - stall->ms * 1000.0 / WINDOW_US * width;
  x = CLAMP (round (x0) + 4, 3, MAX (3, width - w - 7));
  thaw_palette_get_foreground (GTK_WIDGET (self), 1.0f, &fg);
  bg = (GdkRGBA) { 1 - fg.red, 1 - fg.green, 1 - fg.blue, 0.85f };
  gdk_cairo_set_source_rgba (cr, &bg);
  cairo_rectangle (cr, x - 3, height - h - 6, w + 6, h + 2);
  cairo_fill (cr);
  gdk_cairo_set_source_rgba (cr, &fg);
  cairo_move_to (cr, x, height - h - 5);
  pango_cairo_show_layout (cr, self->stall_layout);
  self->stall_shown = TRUE;
}

static void
thaw_latency_graph_draw (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  ThawLatencyGraph *self = THAW_LATENCY_GRAPH (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA fg;
  cairo_t *cr;
  gint64 now = g_get_monotonic_time ();
  guint n = 0;

  if (width <= 0 || height <= 0)
    return;

  /* A faint background so the empty graph still reads as a graph. */
  thaw_palette_get_foreground (widget, 0.05f, &fg);
  gtk_snapshot_append_color (snapshot, &fg, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (self->heartbeat != NULL)
    n = thaw_heartbeat_copy_recent (self->heartbeat, now - WINDOW_US, self->beats, MAX_BEATS);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw_bars (self, cr, width, height, n, now);
  cairo_set_source_surface (cr, get_overlay (self, width, height), 0, 0);
  cairo_paint (cr);
  draw_stall_name (self, cr, width, height, now);
  cairo_destroy (cr);
}

/* Drawing is timed, so that a slow frame names this widget. */
THAW_TIMED_SNAPSHOT (thaw_latency_graph_snapshot, thaw_latency_graph_draw)

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
  clear_overlay (self);

  G_OBJECT_CLASS (thaw_latency_graph_parent_class)->dispose (object);
}

static void
thaw_latency_graph_css_changed (GtkWidget         *widget,
                                GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (thaw_latency_graph_parent_class)->css_changed (widget, change);

  clear_overlay (THAW_LATENCY_GRAPH (widget));
}

static void
thaw_latency_graph_finalize (GObject *object)
{
  ThawLatencyGraph *self = THAW_LATENCY_GRAPH (object);

  g_free (self->beats);
  g_free (self->columns);
  g_free (self->stall_text);

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

/**
 * thaw_latency_graph_set_stall:
 * @self: a graph
 * @stall: (nullable): the longest stall in view, or %NULL for none
 *
 * What the graph names over the longest stall in its last ten seconds; the
 * meter hands it over when it refreshes its figures, and the graph draws it
 * at every frame while it is in view.
 */
void
thaw_latency_graph_set_stall (ThawLatencyGraph *self,
                              const ThawStall  *stall)
{
  g_return_if_fail (THAW_IS_LATENCY_GRAPH (self));

  self->has_stall = stall != NULL;
  if (stall != NULL)
    self->stall = *stall;
}

/**
 * thaw_latency_graph_get_stall_label:
 * @self: a graph
 *
 * Returns: what the last frame wrote over the longest stall in view, or
 *   "" if it wrote nothing
 */
const char *
thaw_latency_graph_get_stall_label (ThawLatencyGraph *self)
{
  g_return_val_if_fail (THAW_IS_LATENCY_GRAPH (self), NULL);

  return self->stall_shown ? self->stall_text : "";
}
