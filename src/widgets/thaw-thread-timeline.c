/* thaw-thread-timeline.c — one lane per thread, drawn at frame rate
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The widget draws a ThawTimeline: one lane per thread, its name at the
 * left, time running left to right with now at the right edge. Each state
 * has a colour from the GNOME palette and, for readers who cannot tell the
 * colours apart, a shape of its own:
 *
 *   running    a solid bar
 *   holding    a solid bar with diagonal stripes (inside a critical section)
 *   waiting    a hollow, hatched bar (blocked on a lock, a condition, a slot)
 *   sleeping   a low bar
 *   finished   a thin line
 *
 * The threads record into the timeline; this widget only copies the events
 * out, once a frame, from a tick callback. When every lane has finished the
 * picture stops scrolling, so the learner can look at a run after it ended.
 * Then the tick callback goes too (it alone would keep GTK drawing sixty
 * frames a second), and a timer looks four times a second for a new run.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "thaw-palette.h"
#include "thaw-thread-timeline.h"

#define LANE_HEIGHT 24.0
#define BAR_HEIGHT 16.0
#define NAME_GAP 8.0
#define LEGEND_GAP 8.0
#define SWATCH_WIDTH 18.0
#define SWATCH_HEIGHT 12.0
#define LEGEND_ITEM_SPACING 14.0
#define LEGEND_ROW_SPACING 4.0
#define N_STATES (THAW_LANE_FINISHED + 1)
/* When nothing has started yet, keep room for this many lanes. */
#define EMPTY_LANES 2
/* How often a settled timeline looks for news. */
#define SETTLED_POLL_MS 250

struct _ThawThreadTimeline
{
  GtkWidget parent_instance;

  ThawTimeline *timeline;
  ThawTimelineEvent *events;
  guint events_size;
  gint64 span_us;
  guint n_lanes_drawn;

  /* Laying out text is the dearest part of a frame: the layouts are kept
   * until the text or the style changes. */
  PangoLayout *legend_layouts[N_STATES];
  PangoLayout *grid_layout;
  gint64 grid_layout_step;
  GPtrArray *lane_layouts;       /* PangoLayout, one per lane */
  GPtrArray *lane_names;         /* char *, the text of each */

  /* What the last frame showed, to skip frames that would show the same. */
  gboolean settled;
  ThawTimelineEvent last_event;
  int last_width;

  /* A tick callback while the picture moves; a slow timer once it settled. */
  guint tick_id;
  guint poll_id;
};

G_DEFINE_FINAL_TYPE (ThawThreadTimeline, thaw_thread_timeline, GTK_TYPE_WIDGET)

/* The legend's words for each state, in the order of ThawLaneState. */
static const char *const state_names[N_STATES] = {
  /* Translators: legend of the thread timeline: the thread is computing. */
  N_("running"),
  /* Translators: legend of the thread timeline: blocked until a lock (or a
   * condition, a queue slot) is free. */
  N_("waiting"),
  /* Translators: legend of the thread timeline: inside a critical section. */
  N_("holding a lock"),
  /* Translators: legend of the thread timeline. */
  N_("sleeping"),
  /* Translators: legend of the thread timeline: the thread has returned. */
  N_("finished"),
};

/* Thaw's palette (thaw-palette.c), light or dark. */
static void
state_color (ThawLaneState  state,
             const GdkRGBA *fg,
             GdkRGBA       *out)
{
  switch (state)
    {
    case THAW_LANE_RUNNING:
      thaw_palette_get (THAW_COLOR_ACCENT, out);
      break;
    case THAW_LANE_WAITING:
      thaw_palette_get (THAW_COLOR_WARNING, out);
      break;
    case THAW_LANE_HOLDING:
      thaw_palette_get (THAW_COLOR_GOOD, out);
      break;
    case THAW_LANE_SLEEPING:
      thaw_palette_get (THAW_COLOR_QUIET, out);
      break;
    case THAW_LANE_FINISHED:
    default:
      *out = *fg;
      out->alpha = 0.45f;
      break;
    }
}

/* Parallel lines at 45° over the rectangle, clipped to it. */
static void
stripe (cairo_t *cr,
        double   x,
        double   y,
        double   w,
        double   h,
        double   pitch,
        gboolean rising)
{
  cairo_save (cr);
  cairo_rectangle (cr, x, y, w, h);
  cairo_clip (cr);
  cairo_set_line_width (cr, 1.5);
  for (double d = -h; d < w + h; d += pitch)
    {
      if (rising)
        {
          cairo_move_to (cr, x + d, y + h);
          cairo_line_to (cr, x + d + h, y);
        }
      else
        {
          cairo_move_to (cr, x + d, y);
          cairo_line_to (cr, x + d + h, y + h);
        }
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* Draws @state over [x, x + w) in a bar of height @h whose middle is @cy.
 * The legend's swatches use the same function, so they always match. */
static void
draw_state (cairo_t       *cr,
            ThawLaneState  state,
            const GdkRGBA *fg,
            double         x,
            double         w,
            double         cy,
            double         h)
{
  GdkRGBA color;
  double top = cy - h / 2;

  state_color (state, fg, &color);

  switch (state)
    {
    case THAW_LANE_RUNNING:
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_rectangle (cr, x, top, w, h);
      cairo_fill (cr);
      break;

    case THAW_LANE_HOLDING:
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_rectangle (cr, x, top, w, h);
      cairo_fill (cr);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.35);
      stripe (cr, x, top, w, h, 5, TRUE);
      break;

    case THAW_LANE_WAITING:
      color.alpha = 0.2f;
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_rectangle (cr, x, top, w, h);
      cairo_fill (cr);
      color.alpha = 1;
      gdk_cairo_set_source_rgba (cr, &color);
      stripe (cr, x, top, w, h, 6, FALSE);
      cairo_set_line_width (cr, 1.5);
      cairo_rectangle (cr, x + 0.75, top + 0.75, MAX (w - 1.5, 0), h - 1.5);
      cairo_stroke (cr);
      break;

    case THAW_LANE_SLEEPING:
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_rectangle (cr, x, top + h * 0.65, w, h * 0.35);
      cairo_fill (cr);
      break;

    case THAW_LANE_FINISHED:
    default:
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_rectangle (cr, x, cy - 1, w, 2);
      cairo_fill (cr);
      break;
    }
}

static PangoLayout *
create_small_layout (GtkWidget  *widget,
                     const char *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);

  return layout;
}

/* A step between grid lines that gives four to ten of them over the span. */
static gint64
grid_step_us (gint64 span_us)
{
  static const gint64 steps[] = {
    1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000,
    G_USEC_PER_SEC, 2 * G_USEC_PER_SEC, 5 * G_USEC_PER_SEC, 10 * G_USEC_PER_SEC,
  };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (span_us / steps[i] <= 10)
      return steps[i];

  return span_us / 5;
}

static char *
grid_text (gint64 step_us)
{
  if (step_us >= G_USEC_PER_SEC)
    /* Translators: under the thread timeline: the time between two grid lines. */
    return g_strdup_printf (_("grid: %g s"), (double) step_us / G_USEC_PER_SEC);
  else
    /* Translators: under the thread timeline: the time between two grid lines. */
    return g_strdup_printf (_("grid: %g ms"), (double) step_us / 1000);
}

static void
clear_layout (gpointer layout)
{
  g_clear_object (&layout);
}

static void
drop_layouts (ThawThreadTimeline *self)
{
  for (guint i = 0; i < N_STATES; i++)
    g_clear_object (&self->legend_layouts[i]);
  g_clear_object (&self->grid_layout);
  if (self->lane_layouts != NULL)
    {
      g_ptr_array_set_size (self->lane_layouts, 0);
      g_ptr_array_set_size (self->lane_names, 0);
    }
}

static PangoLayout *
get_legend_layout (ThawThreadTimeline *self,
                   guint               item)
{
  gint64 step;

  if (item < N_STATES)
    {
      if (self->legend_layouts[item] == NULL)
        self->legend_layouts[item] = create_small_layout (GTK_WIDGET (self), _(state_names[item]));
      return self->legend_layouts[item];
    }

  step = grid_step_us (self->span_us);
  if (self->grid_layout == NULL || self->grid_layout_step != step)
    {
      g_autofree char *text = grid_text (step);

      g_clear_object (&self->grid_layout);
      self->grid_layout = create_small_layout (GTK_WIDGET (self), text);
      self->grid_layout_step = step;
    }

  return self->grid_layout;
}

/* The layout of a lane's name, made again only when the name changes. */
static PangoLayout *
get_lane_layout (ThawThreadTimeline *self,
                 guint               lane,
                 double              max_width)
{
  g_autofree char *name = thaw_timeline_dup_lane_name (self->timeline, lane);
  PangoLayout *layout;

  if (name == NULL)
    name = g_strdup ("");

  while (self->lane_layouts->len <= lane)
    {
      g_ptr_array_add (self->lane_layouts, NULL);
      g_ptr_array_add (self->lane_names, NULL);
    }

  if (g_strcmp0 (g_ptr_array_index (self->lane_names, lane), name) != 0)
    {
      layout = create_small_layout (GTK_WIDGET (self), name);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      g_clear_object ((PangoLayout **) &g_ptr_array_index (self->lane_layouts, lane));
      g_free (g_ptr_array_index (self->lane_names, lane));
      g_ptr_array_index (self->lane_layouts, lane) = layout;
      g_ptr_array_index (self->lane_names, lane) = g_steal_pointer (&name);
    }

  layout = g_ptr_array_index (self->lane_layouts, lane);
  if (pango_layout_get_width (layout) != (int) max_width * PANGO_SCALE)
    pango_layout_set_width (layout, (int) max_width * PANGO_SCALE);

  return layout;
}

/* The legend: one item per state and the grid step, wrapped into rows that
 * fit @width. Draws it at @top when @snapshot and @cr are set; returns its
 * height either way. */
static double
legend (ThawThreadTimeline *self,
        double              width,
        double              top,
        GtkSnapshot        *snapshot,
        cairo_t            *cr,
        const GdkRGBA      *fg)
{
  double x = 0, y = top, row_height = SWATCH_HEIGHT;

  for (guint i = 0; i <= N_STATES; i++)
    {
      PangoLayout *layout = get_legend_layout (self, i);
      gboolean is_state = i < N_STATES;
      double item_width, swatch = is_state ? SWATCH_WIDTH + 4 : 0;
      int text_width, text_height;

      pango_layout_get_pixel_size (layout, &text_width, &text_height);
      item_width = swatch + text_width;

      if (x > 0 && x + item_width > width)
        {
          x = 0;
          y += row_height + LEGEND_ROW_SPACING;
          row_height = SWATCH_HEIGHT;
        }
      row_height = MAX (row_height, text_height);

      if (snapshot != NULL)
        {
          double cy = y + MAX (text_height, SWATCH_HEIGHT) / 2.0;

          if (is_state)
            draw_state (cr, i, fg, x, SWATCH_WIDTH, cy, SWATCH_HEIGHT);

          gtk_snapshot_save (snapshot);
          gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + swatch, cy - text_height / 2.0));
          gtk_snapshot_append_layout (snapshot, layout, fg);
          gtk_snapshot_restore (snapshot);
        }

      x += item_width + LEGEND_ITEM_SPACING;
    }

  return y + row_height - top;
}

/* What each lane is doing, as the events replay. */
typedef struct
{
  gboolean known;
  ThawLaneState state;
  gint64 since_us;
} LaneReplay;

static void
draw_segment (cairo_t       *cr,
              const GdkRGBA *fg,
              ThawLaneState  state,
              gint64         from_us,
              gint64         to_us,
              gint64         view_start,
              gint64         view_end,
              double         track_x,
              double         track_width,
              double         cy)
{
  double x0, x1;

  from_us = MAX (from_us, view_start);
  to_us = MIN (to_us, view_end);
  if (to_us <= from_us && to_us < view_end)
    return;

  x0 = track_x + (double) (from_us - view_start) / (double) (view_end - view_start) * track_width;
  x1 = track_x + (double) (to_us - view_start) / (double) (view_end - view_start) * track_width;
  /* A state shorter than a pixel still leaves a mark. */
  if (x1 - x0 < 1)
    x1 = x0 + 1;

  draw_state (cr, state, fg, x0, x1 - x0, cy, BAR_HEIGHT);
}

static void
thaw_thread_timeline_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  ThawThreadTimeline *self = THAW_THREAD_TIMELINE (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  g_autofree LaneReplay *replay = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  gint64 now = g_get_monotonic_time ();
  gint64 view_start, view_end, step;
  guint n_lanes = 0, n_events = 0;
  double name_width = 0, track_x, track_width, lanes_height;
  gboolean all_finished;
  GdkRGBA fg;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);

  if (self->timeline != NULL)
    {
      n_lanes = thaw_timeline_get_n_lanes (self->timeline);
      n_events = thaw_timeline_copy_events (self->timeline, G_MININT64,
                                            self->events, self->events_size);
    }

  /* The names first, to know how wide their column is. */
  for (guint lane = 0; lane < n_lanes; lane++)
    {
      PangoLayout *layout = get_lane_layout (self, lane, width * 0.3);
      int w;

      pango_layout_get_pixel_size (layout, &w, NULL);
      name_width = MAX (name_width, w);
      g_ptr_array_add (names, layout);
    }

  track_x = n_lanes > 0 ? ceil (name_width + NAME_GAP) : 0;
  track_width = MAX (width - track_x, 1);
  lanes_height = MAX (n_lanes, EMPTY_LANES) * LANE_HEIGHT;

  /* Replay the events. When every lane has finished, the view stops at the
   * end of the run instead of scrolling it away. */
  replay = g_new0 (LaneReplay, MAX (n_lanes, 1));
  for (guint i = 0; i < n_events; i++)
    {
      if (self->events[i].lane < n_lanes)
        {
          replay[self->events[i].lane].known = TRUE;
          replay[self->events[i].lane].state = self->events[i].state;
        }
    }

  all_finished = n_events > 0;
  for (guint lane = 0; lane < n_lanes; lane++)
    if (replay[lane].known && replay[lane].state != THAW_LANE_FINISHED)
      all_finished = FALSE;

  view_end = now;
  if (all_finished)
    view_end = MIN (now, self->events[n_events - 1].time_us + self->span_us / 20);
  view_start = view_end - self->span_us;

  /* Nothing runs and the view has stopped: until a new event comes, every
   * frame would look like this one. */
  self->settled = n_lanes == 0 || (all_finished && view_end < now);
  self->last_event = n_events > 0 ? self->events[n_events - 1] : (ThawTimelineEvent) { 0 };
  self->last_width = (int) width;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* Faint tracks and grid lines, so that empty lanes still read as lanes. */
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.05);
  for (guint lane = 0; lane < MAX (n_lanes, EMPTY_LANES); lane++)
    cairo_rectangle (cr, track_x, lane * LANE_HEIGHT + 2, track_width, LANE_HEIGHT - 4);
  cairo_fill (cr);

  step = grid_step_us (self->span_us);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.15);
  cairo_set_line_width (cr, 1);
  for (gint64 t = view_end - (view_end % step); t > view_start; t -= step)
    {
      double x = round (track_x + (double) (t - view_start) / (double) self->span_us * track_width) + 0.5;

      cairo_move_to (cr, x, 0);
      cairo_line_to (cr, x, lanes_height);
    }
  cairo_stroke (cr);

  memset (replay, 0, sizeof (LaneReplay) * MAX (n_lanes, 1));
  for (guint i = 0; i < n_events; i++)
    {
      const ThawTimelineEvent *event = &self->events[i];
      LaneReplay *lane;

      if (event->lane >= n_lanes)
        continue;

      lane = &replay[event->lane];
      if (lane->known)
        draw_segment (cr, &fg, lane->state, lane->since_us, event->time_us,
                      view_start, view_end, track_x, track_width,
                      (event->lane + 0.5) * LANE_HEIGHT);
      lane->known = TRUE;
      lane->state = event->state;
      lane->since_us = event->time_us;
    }

  for (guint lane = 0; lane < n_lanes; lane++)
    if (replay[lane].known)
      draw_segment (cr, &fg, replay[lane].state, replay[lane].since_us, view_end,
                    view_start, view_end, track_x, track_width,
                    (lane + 0.5) * LANE_HEIGHT);

  legend (self, width, lanes_height + LEGEND_GAP, snapshot, cr, &fg);

  cairo_destroy (cr);

  for (guint lane = 0; lane < n_lanes; lane++)
    {
      PangoLayout *layout = g_ptr_array_index (names, lane);
      int h;

      pango_layout_get_pixel_size (layout, NULL, &h);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot,
                              &GRAPHENE_POINT_INIT (0, (lane + 0.5) * LANE_HEIGHT - h / 2.0));
      gtk_snapshot_append_layout (snapshot, layout, &fg);
      gtk_snapshot_restore (snapshot);
    }

  if (n_lanes == 0)
    {
      g_autoptr(PangoLayout) layout =
        create_small_layout (widget, _("Each thread gets a lane here when it starts."));
      GdkRGBA dim = fg;
      int h;

      dim.alpha = 0.6f;
      pango_layout_set_width (layout, (int) (width - 12) * PANGO_SCALE);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (layout, NULL, &h);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (6, (lanes_height - h) / 2.0));
      gtk_snapshot_append_layout (snapshot, layout, &dim);
      gtk_snapshot_restore (snapshot);
    }
}

/* Whether the picture may have changed since it was last drawn. */
static gboolean
has_news (ThawThreadTimeline *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  ThawTimelineEvent newest = { 0 };
  guint n_lanes = 0;

  if (self->timeline != NULL)
    {
      n_lanes = thaw_timeline_get_n_lanes (self->timeline);
      thaw_timeline_copy_events (self->timeline, G_MININT64, &newest, 1);
    }

  /* Lanes come and go with the runs: the widget grows and shrinks. */
  if (n_lanes != self->n_lanes_drawn)
    {
      self->n_lanes_drawn = n_lanes;
      self->settled = FALSE;
      gtk_widget_queue_resize (widget);
    }

  /* A settled picture is drawn again only when something new happens. */
  return !self->settled ||
         newest.time_us != self->last_event.time_us ||
         newest.lane != self->last_event.lane ||
         newest.state != self->last_event.state ||
         gtk_widget_get_width (widget) != self->last_width;
}

static gboolean tick_cb (GtkWidget     *widget,
                         GdkFrameClock *frame_clock,
                         gpointer       user_data);

static gboolean
poll_cb (gpointer data)
{
  ThawThreadTimeline *self = THAW_THREAD_TIMELINE (data);

  if (!has_news (self))
    return G_SOURCE_CONTINUE;

  self->poll_id = 0;
  self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  return G_SOURCE_REMOVE;
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *frame_clock,
         gpointer       user_data)
{
  ThawThreadTimeline *self = THAW_THREAD_TIMELINE (widget);

  if (has_news (self))
    {
      gtk_widget_queue_draw (widget);
      return G_SOURCE_CONTINUE;
    }

  /* Settled, and nothing new: stop asking for frames. */
  self->tick_id = 0;
  if (self->poll_id == 0)
    self->poll_id = g_timeout_add (SETTLED_POLL_MS, poll_cb, self);

  return G_SOURCE_REMOVE;
}

/* Something changed the picture: draw it again, frame by frame. */
static void
wake (ThawThreadTimeline *self)
{
  self->settled = FALSE;
  if (self->tick_id == 0 && gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      g_clear_handle_id (&self->poll_id, g_source_remove);
      self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
    }
}

static void
thaw_thread_timeline_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (thaw_thread_timeline_parent_class)->map (widget);
  wake (THAW_THREAD_TIMELINE (widget));
}

static void
thaw_thread_timeline_unmap (GtkWidget *widget)
{
  ThawThreadTimeline *self = THAW_THREAD_TIMELINE (widget);

  g_clear_handle_id (&self->poll_id, g_source_remove);
  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->tick_id);
      self->tick_id = 0;
    }

  GTK_WIDGET_CLASS (thaw_thread_timeline_parent_class)->unmap (widget);
}

static GtkSizeRequestMode
thaw_thread_timeline_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
thaw_thread_timeline_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  ThawThreadTimeline *self = THAW_THREAD_TIMELINE (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 160;
      *natural = 480;
    }
  else
    {
      guint n_lanes = self->timeline != NULL ? thaw_timeline_get_n_lanes (self->timeline) : 0;
      double lanes = MAX (n_lanes, EMPTY_LANES) * LANE_HEIGHT;
      /* Without a width, assume the narrowest, where the legend wraps most. */
      double width = for_size > 0 ? for_size : 160;

      self->n_lanes_drawn = n_lanes;
      *minimum = *natural = (int) ceil (lanes + LEGEND_GAP + legend (self, width, 0, NULL, NULL, NULL));
    }
}

static void
thaw_thread_timeline_dispose (GObject *object)
{
  ThawThreadTimeline *self = THAW_THREAD_TIMELINE (object);

  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_pointer (&self->timeline, thaw_timeline_unref);

  G_OBJECT_CLASS (thaw_thread_timeline_parent_class)->dispose (object);
}

static void
thaw_thread_timeline_finalize (GObject *object)
{
  ThawThreadTimeline *self = THAW_THREAD_TIMELINE (object);

  g_free (self->events);
  drop_layouts (self);
  g_ptr_array_unref (self->lane_layouts);
  g_ptr_array_unref (self->lane_names);

  G_OBJECT_CLASS (thaw_thread_timeline_parent_class)->finalize (object);
}

/* New fonts or a new scale: the text must be laid out again. */
static void
thaw_thread_timeline_css_changed (GtkWidget         *widget,
                                  GtkCssStyleChange *change)
{
  ThawThreadTimeline *self = THAW_THREAD_TIMELINE (widget);

  GTK_WIDGET_CLASS (thaw_thread_timeline_parent_class)->css_changed (widget, change);
  drop_layouts (self);
  wake (self);
}

static void
thaw_thread_timeline_system_setting_changed (GtkWidget         *widget,
                                             GtkSystemSetting   setting)
{
  ThawThreadTimeline *self = THAW_THREAD_TIMELINE (widget);

  GTK_WIDGET_CLASS (thaw_thread_timeline_parent_class)->system_setting_changed (widget, setting);
  drop_layouts (self);
  wake (self);
}

static void
thaw_thread_timeline_class_init (ThawThreadTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = thaw_thread_timeline_dispose;
  object_class->finalize = thaw_thread_timeline_finalize;

  widget_class->snapshot = thaw_thread_timeline_snapshot;
  widget_class->map = thaw_thread_timeline_map;
  widget_class->unmap = thaw_thread_timeline_unmap;
  widget_class->measure = thaw_thread_timeline_measure;
  widget_class->get_request_mode = thaw_thread_timeline_get_request_mode;
  widget_class->css_changed = thaw_thread_timeline_css_changed;
  widget_class->system_setting_changed = thaw_thread_timeline_system_setting_changed;

  gtk_widget_class_set_css_name (widget_class, "threadtimeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
thaw_thread_timeline_init (ThawThreadTimeline *self)
{
  self->span_us = 10 * G_USEC_PER_SEC;
  /* g_clear_object, not g_object_unref: a slot may still be empty. */
  self->lane_layouts = g_ptr_array_new_with_free_func (clear_layout);
  self->lane_names = g_ptr_array_new_with_free_func (g_free);

  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Thread timeline"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("One lane per thread, time running to the right: a solid bar while the thread runs, "
                                    "a striped bar while it holds a lock, a hollow hatched bar while it waits, "
                                    "a low bar while it sleeps and a thin line once it has finished"),
                                  -1);
}

GtkWidget *
thaw_thread_timeline_new (void)
{
  return g_object_new (THAW_TYPE_THREAD_TIMELINE, NULL);
}

/**
 * thaw_thread_timeline_set_timeline:
 * @self: a thread timeline
 * @timeline: (nullable): the timeline to draw
 *
 * The widget keeps a reference to @timeline and copies its events out once
 * a frame; the lesson's threads may go on recording into it meanwhile.
 */
void
thaw_thread_timeline_set_timeline (ThawThreadTimeline *self,
                                   ThawTimeline       *timeline)
{
  g_return_if_fail (THAW_IS_THREAD_TIMELINE (self));

  if (self->timeline == timeline)
    return;

  if (timeline != NULL)
    thaw_timeline_ref (timeline);
  g_clear_pointer (&self->timeline, thaw_timeline_unref);
  self->timeline = timeline;

  if (timeline != NULL && thaw_timeline_get_capacity (timeline) != self->events_size)
    {
      self->events_size = thaw_timeline_get_capacity (timeline);
      self->events = g_renew (ThawTimelineEvent, self->events, self->events_size);
    }

  wake (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/**
 * thaw_thread_timeline_get_timeline:
 * @self: a thread timeline
 *
 * Returns: (transfer none) (nullable): the timeline drawn
 */
ThawTimeline *
thaw_thread_timeline_get_timeline (ThawThreadTimeline *self)
{
  g_return_val_if_fail (THAW_IS_THREAD_TIMELINE (self), NULL);

  return self->timeline;
}

/**
 * thaw_thread_timeline_set_span:
 * @self: a thread timeline
 * @seconds: how much history the lanes show, more than 0
 *
 * A lesson whose runs take milliseconds shows them better over a short
 * span than over the default ten seconds.
 */
void
thaw_thread_timeline_set_span (ThawThreadTimeline *self,
                               double              seconds)
{
  g_return_if_fail (THAW_IS_THREAD_TIMELINE (self));
  g_return_if_fail (seconds > 0);

  self->span_us = MAX ((gint64) (seconds * G_USEC_PER_SEC), 1000);
  wake (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
