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
 * The time axis fits the run: it starts at the run's first event, labelled
 * 0, and reaches "span" seconds ahead, so a run fills the lanes from left
 * to right as it goes; a run that outlasts the span is squeezed to fit, and
 * a run that has ended is shown whole, across the full width. The legend
 * names only the states the lesson uses.
 *
 * Under the lanes, on the same time axis, a strip can graph one number:
 * how many lanes are in given states (the threads holding a semaphore's
 * slot), or a value the page samples (a queue's depth), with a dashed line
 * at its limit.
 *
 * The threads record into the timeline; this widget only copies the events
 * out, once a frame, from a tick callback. When every lane has finished the
 * picture stops moving, so the learner can look at a run after it ended.
 * Then the tick callback goes too (it alone would keep GTK drawing sixty
 * frames a second), and a timer looks four times a second for a new run.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "thaw-palette.h"
#include "thaw-stalls.h"
#include "thaw-thread-timeline.h"

#define LANE_HEIGHT 24.0
#define BAR_HEIGHT 16.0
#define NAME_GAP 8.0
#define LEGEND_GAP 8.0
#define SWATCH_WIDTH 18.0
#define SWATCH_HEIGHT 12.0
#define LEGEND_ITEM_SPACING 14.0
#define LEGEND_ROW_SPACING 4.0
#define AXIS_GAP 2.0
#define STRIP_GAP 6.0
#define STRIP_HEIGHT 40.0
#define MAX_TICKS 12
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
  guint states;                  /* the legend's states, 1 << ThawLaneState */

  /* The strip: a name, a scale and a limit; its points are counted from
   * the lanes in count_states or, when that is 0, pushed by the page. */
  char *strip_name;
  char *limit_label;
  double strip_maximum;
  double strip_limit;
  guint count_states;
  GArray *samples;               /* StripPoint, pushed */
  GArray *points;                /* StripPoint, as last drawn */
  double strip_peak;

  /* The view of the last frame, for the tests. */
  gint64 view_start;
  gint64 view_end;

  /* Laying out text is the dearest part of a frame: the layouts are kept
   * until the text or the style changes. */
  PangoLayout *legend_layouts[N_STATES];
  PangoLayout *tick_layouts[MAX_TICKS];   /* "0", "1 s", "2 s", … */
  gint64 tick_layouts_step;
  PangoLayout *strip_layout;
  PangoLayout *limit_layout;
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

typedef struct
{
  gint64 time_us;
  double value;
} StripPoint;

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

/* The label of the time axis at @t_us after the run's start. */
static char *
tick_text (gint64 t_us,
           gint64 step_us)
{
  if (t_us == 0)
    return g_strdup ("0");
  else if (step_us >= 100000)
    /* Translators: a label on the thread timeline's time axis, in seconds. */
    return g_strdup_printf (_("%g s"), (double) t_us / G_USEC_PER_SEC);
  else
    /* Translators: a label on the thread timeline's time axis, in milliseconds. */
    return g_strdup_printf (_("%g ms"), (double) t_us / 1000);
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
  for (guint i = 0; i < MAX_TICKS; i++)
    g_clear_object (&self->tick_layouts[i]);
  g_clear_object (&self->strip_layout);
  g_clear_object (&self->limit_layout);
  if (self->lane_layouts != NULL)
    {
      g_ptr_array_set_size (self->lane_layouts, 0);
      g_ptr_array_set_size (self->lane_names, 0);
    }
}

static PangoLayout *
get_legend_layout (ThawThreadTimeline *self,
                   guint               state)
{
  if (self->legend_layouts[state] == NULL)
    self->legend_layouts[state] = create_small_layout (GTK_WIDGET (self), _(state_names[state]));

  return self->legend_layouts[state];
}

/* The label of the @k-th tick of the time axis, every @step_us. */
static PangoLayout *
get_tick_layout (ThawThreadTimeline *self,
                 guint               k,
                 gint64              step_us)
{
  if (self->tick_layouts_step != step_us)
    {
      for (guint i = 0; i < MAX_TICKS; i++)
        g_clear_object (&self->tick_layouts[i]);
      self->tick_layouts_step = step_us;
    }

  if (self->tick_layouts[k] == NULL)
    {
      g_autofree char *text = tick_text (k * step_us, step_us);

      self->tick_layouts[k] = create_small_layout (GTK_WIDGET (self), text);
    }

  return self->tick_layouts[k];
}

/* The height of a line of small text: the time axis's row. */
static double
axis_height (ThawThreadTimeline *self)
{
  int h;

  pango_layout_get_pixel_size (get_tick_layout (self, 0, self->tick_layouts_step), NULL, &h);

  return AXIS_GAP + h;
}

static double
strip_height (ThawThreadTimeline *self)
{
  return self->strip_name != NULL ? STRIP_GAP + STRIP_HEIGHT : 0;
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

/* The legend: one item per state the lesson uses, wrapped into rows that
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

  for (guint i = 0; i < N_STATES; i++)
    {
      PangoLayout *layout;
      double item_width, swatch = SWATCH_WIDTH + 4;
      int text_width, text_height;

      if ((self->states & (1u << i)) == 0)
        continue;

      layout = get_legend_layout (self, i);

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

/* The view: where the time axis starts and ends, and the step of its grid. */
static void
fit_view (ThawThreadTimeline      *self,
          const ThawTimelineEvent *events,
          guint                    n_events,
          gboolean                 all_finished,
          gint64                   now,
          gint64                  *view_start,
          gint64                  *view_end)
{
  gint64 origin, end;

  if (n_events == 0)
    {
      *view_start = now - self->span_us;
      *view_end = now;
      return;
    }

  /* The run starts at its first event (a timeline is made or cleared for
   * each run), which the timeline remembers once its ring has dropped it:
   * then the lanes are blank up to the oldest event it kept. */
  origin = thaw_timeline_get_start (self->timeline);
  if (origin == 0 || origin > events[0].time_us)
    origin = events[0].time_us;
  end = all_finished ? events[n_events - 1].time_us : now;

  *view_start = origin;
  if (all_finished)
    /* Over: the whole run, with a little room after its last event. */
    *view_end = end + MAX ((end - origin) / 20, 1000);
  else
    /* Going on: it fills the span from the left, then is squeezed. */
    *view_end = MAX (origin + self->span_us, end);
}

/* One replay of the events before drawing: each lane's last state, to
 * know whether the run is over, and the strip's points over the run,
 * counted from the lanes' states or taken from the page's samples.
 * Returns the strip's highest value. */
static double
replay_events (ThawThreadTimeline *self,
               guint               n_lanes,
               guint               n_events,
               LaneReplay         *replay)
{
  gboolean counting = self->strip_name != NULL && self->count_states != 0;
  double peak = 0;
  int count = 0;

  g_array_set_size (self->points, 0);

  for (guint i = 0; i < n_events; i++)
    {
      const ThawTimelineEvent *event = &self->events[i];
      LaneReplay *lane;
      StripPoint point;

      if (event->lane >= n_lanes)
        continue;

      lane = &replay[event->lane];
      if (counting && lane->known && (self->count_states & (1u << lane->state)) != 0)
        count--;
      lane->known = TRUE;
      lane->state = event->state;
      if (!counting)
        continue;
      if ((self->count_states & (1u << event->state)) != 0)
        count++;

      point = (StripPoint) { event->time_us, count };
      /* Events at the same instant make one point. */
      if (self->points->len > 0 &&
          g_array_index (self->points, StripPoint, self->points->len - 1).time_us == event->time_us)
        g_array_index (self->points, StripPoint, self->points->len - 1) = point;
      else
        g_array_append_val (self->points, point);
    }

  if (self->strip_name != NULL && !counting)
    g_array_append_vals (self->points, self->samples->data, self->samples->len);

  for (guint i = 0; i < self->points->len; i++)
    peak = MAX (peak, g_array_index (self->points, StripPoint, i).value);

  return peak;
}

/* The strip: its points as steps, filled under, a dashed line at the limit,
 * its name in the names' column. */
static void
draw_strip (ThawThreadTimeline *self,
            GtkSnapshot        *snapshot,
            cairo_t            *cr,
            const GdkRGBA      *fg,
            double              top,
            double              track_x,
            double              track_width,
            double              name_width,
            gint64              view_start,
            gint64              view_end,
            gint64              stop_us)
{
  /* Some room over the limit, so that its line does not hide the top. */
  double maximum = MAX (self->strip_maximum, MAX (self->strip_limit * 1.2, self->strip_peak));
  double span = (double) (view_end - view_start);
  GdkRGBA accent;
  int w, h;

  if (maximum <= 0)
    maximum = 1;

#define STRIP_X(t) (track_x + (double) ((t) - view_start) / span * track_width)
#define STRIP_Y(v) (top + STRIP_HEIGHT - (v) / maximum * (STRIP_HEIGHT - 2))

  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.05);
  cairo_rectangle (cr, track_x, top, track_width, STRIP_HEIGHT);
  cairo_fill (cr);

  if (self->points->len > 0)
    {
      thaw_palette_get (THAW_COLOR_ACCENT, &accent);
      cairo_save (cr);
      cairo_rectangle (cr, track_x, top, track_width, STRIP_HEIGHT);
      cairo_clip (cr);
      cairo_move_to (cr, STRIP_X (g_array_index (self->points, StripPoint, 0).time_us), top + STRIP_HEIGHT);
      for (guint i = 0; i < self->points->len; i++)
        {
          const StripPoint *point = &g_array_index (self->points, StripPoint, i);
          double value = point->value;
          gint64 until;

          /* Values that last less than a pixel (one job ends, the next
           * starts a few microseconds later) are drawn as their highest:
           * a dip nobody could see the width of would look like a flaw. */
          while (i + 1 < self->points->len &&
                 STRIP_X (g_array_index (self->points, StripPoint, i + 1).time_us) - STRIP_X (point->time_us) < 1)
            {
              i++;
              value = MAX (value, g_array_index (self->points, StripPoint, i).value);
            }
          until = i + 1 < self->points->len
                  ? g_array_index (self->points, StripPoint, i + 1).time_us
                  : MAX (stop_us, g_array_index (self->points, StripPoint, i).time_us);

          cairo_line_to (cr, STRIP_X (point->time_us), STRIP_Y (value));
          cairo_line_to (cr, STRIP_X (until), STRIP_Y (value));
        }
      cairo_line_to (cr, STRIP_X (MAX (stop_us, g_array_index (self->points, StripPoint,
                                                             self->points->len - 1).time_us)),
                     top + STRIP_HEIGHT);
      cairo_close_path (cr);
      accent.alpha = 0.35f;
      gdk_cairo_set_source_rgba (cr, &accent);
      cairo_fill_preserve (cr);
      accent.alpha = 1;
      gdk_cairo_set_source_rgba (cr, &accent);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
      cairo_restore (cr);
    }

  if (self->strip_limit > 0)
    {
      double y = round (STRIP_Y (self->strip_limit)) + 0.5;

      cairo_save (cr);
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.7);
      cairo_set_line_width (cr, 1);
      cairo_set_dash (cr, (double[]) { 3, 3 }, 2, 0);
      cairo_move_to (cr, track_x, y);
      cairo_line_to (cr, track_x + track_width, y);
      cairo_stroke (cr);
      cairo_restore (cr);

      if (self->limit_label != NULL)
        {
          if (self->limit_layout == NULL)
            self->limit_layout = create_small_layout (GTK_WIDGET (self), self->limit_label);
          pango_layout_get_pixel_size (self->limit_layout, &w, &h);
          gtk_snapshot_save (snapshot);
          gtk_snapshot_translate (snapshot,
                                  &GRAPHENE_POINT_INIT (track_x + track_width - w - 2,
                                                        MAX (y - h, top)));
          gtk_snapshot_append_layout (snapshot, self->limit_layout, fg);
          gtk_snapshot_restore (snapshot);
        }
    }

  if (self->strip_layout == NULL)
    {
      self->strip_layout = create_small_layout (GTK_WIDGET (self), self->strip_name);
      pango_layout_set_wrap (self->strip_layout, PANGO_WRAP_WORD_CHAR);
    }
  pango_layout_set_width (self->strip_layout, (int) MAX (name_width, 1) * PANGO_SCALE);
  pango_layout_set_height (self->strip_layout, (int) STRIP_HEIGHT * PANGO_SCALE);
  pango_layout_set_ellipsize (self->strip_layout, PANGO_ELLIPSIZE_END);
  pango_layout_get_pixel_size (self->strip_layout, &w, &h);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, top + (STRIP_HEIGHT - h) / 2.0));
  gtk_snapshot_append_layout (snapshot, self->strip_layout, fg);
  gtk_snapshot_restore (snapshot);

#undef STRIP_X
#undef STRIP_Y
}

/* The time axis under the lanes: a label at each grid line, counted from
 * the run's start, left out where it would run into the one before. */
static void
draw_axis (ThawThreadTimeline *self,
           GtkSnapshot        *snapshot,
           const GdkRGBA      *fg,
           double              top,
           double              track_x,
           double              track_width,
           gint64              view_start,
           gint64              view_end,
           gint64              step)
{
  GdkRGBA dim = *fg;
  double right_of_last = -G_MAXDOUBLE;

  dim.alpha = 0.75f;
  for (guint k = 0; k < MAX_TICKS && view_start + (gint64) k * step <= view_end; k++)
    {
      PangoLayout *layout = get_tick_layout (self, k, step);
      double x = track_x + (double) k * step / (double) (view_end - view_start) * track_width;
      int w;

      pango_layout_get_pixel_size (layout, &w, NULL);
      x = CLAMP (x - w / 2.0, track_x, track_x + track_width - w);
      if (x < right_of_last + 8)
        continue;

      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, top + AXIS_GAP));
      gtk_snapshot_append_layout (snapshot, layout, &dim);
      gtk_snapshot_restore (snapshot);
      right_of_last = x + w;
    }
}

static void
thaw_thread_timeline_draw (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  ThawThreadTimeline *self = THAW_THREAD_TIMELINE (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  g_autofree LaneReplay *replay = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  gint64 now = g_get_monotonic_time ();
  gint64 view_start, view_end, stop, step;
  guint n_lanes = 0, n_events = 0;
  double name_width = 0, track_x, track_width, lanes_height, below, strip_peak;
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
  if (self->strip_name != NULL && n_lanes > 0)
    name_width = MAX (name_width, MIN (width * 0.2, 80));

  track_x = n_lanes > 0 ? ceil (name_width + NAME_GAP) : 0;
  track_width = MAX (width - track_x, 1);
  lanes_height = MAX (n_lanes, EMPTY_LANES) * LANE_HEIGHT;

  replay = g_new0 (LaneReplay, MAX (n_lanes, 1));
  strip_peak = replay_events (self, n_lanes, n_events, replay);

  all_finished = n_events > 0;
  for (guint lane = 0; lane < n_lanes; lane++)
    if (replay[lane].known && replay[lane].state != THAW_LANE_FINISHED)
      all_finished = FALSE;

  fit_view (self, self->events, n_events, all_finished, now, &view_start, &view_end);
  /* Where the bars stop: now, or the run's last event once it is over. */
  stop = all_finished ? self->events[n_events - 1].time_us : now;
  self->view_start = view_start;
  self->view_end = view_end;

  /* Nothing runs and the view has stopped: until a new event comes, every
   * frame would look like this one. */
  self->settled = n_lanes == 0 || all_finished;
  self->last_event = n_events > 0 ? self->events[n_events - 1] : (ThawTimelineEvent) { 0 };
  self->last_width = (int) width;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* Faint tracks and grid lines, so that empty lanes still read as lanes. */
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.05);
  for (guint lane = 0; lane < MAX (n_lanes, EMPTY_LANES); lane++)
    cairo_rectangle (cr, track_x, lane * LANE_HEIGHT + 2, track_width, LANE_HEIGHT - 4);
  cairo_fill (cr);

  below = lanes_height + strip_height (self);
  step = grid_step_us (view_end - view_start);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.15);
  cairo_set_line_width (cr, 1);
  if (n_events > 0)
    for (gint64 t = view_start; t <= view_end; t += step)
      {
        double x = round (track_x + (double) (t - view_start) / (double) (view_end - view_start) * track_width) + 0.5;

        cairo_move_to (cr, x, 0);
        cairo_line_to (cr, x, below);
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
      draw_segment (cr, &fg, replay[lane].state, replay[lane].since_us, stop,
                    view_start, view_end, track_x, track_width,
                    (lane + 0.5) * LANE_HEIGHT);

  if (self->strip_name != NULL)
    {
      self->strip_peak = strip_peak;
      draw_strip (self, snapshot, cr, &fg, lanes_height + STRIP_GAP, track_x, track_width,
                  track_x - NAME_GAP, view_start, view_end, stop);
    }

  if (n_events > 0)
    draw_axis (self, snapshot, &fg, below, track_x, track_width, view_start, view_end, step);

  legend (self, width, below + axis_height (self) + LEGEND_GAP, snapshot, cr, &fg);

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

/* Drawing is timed, so that a slow frame names this widget. */
THAW_TIMED_SNAPSHOT (thaw_thread_timeline_snapshot, thaw_thread_timeline_draw)

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
      *minimum = *natural = (int) ceil (lanes + strip_height (self) + axis_height (self) +
                                        LEGEND_GAP + legend (self, width, 0, NULL, NULL, NULL));
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
  g_free (self->strip_name);
  g_free (self->limit_label);
  g_array_unref (self->samples);
  g_array_unref (self->points);
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
  self->states = (1u << N_STATES) - 1;
  self->samples = g_array_new (FALSE, FALSE, sizeof (StripPoint));
  self->points = g_array_new (FALSE, FALSE, sizeof (StripPoint));
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
  /* The samples belong to the run before. */
  g_array_set_size (self->samples, 0);

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
 * The time axis of a run in progress reaches this far from its start; a
 * longer run is squeezed to fit, and a run that has ended fills the width
 * whatever its length. A lesson whose runs take milliseconds shows them
 * better over a short span than over the default ten seconds.
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

/**
 * thaw_thread_timeline_set_states:
 * @self: a thread timeline
 * @states: the states the lesson's threads record, each as
 *   `1 << THAW_LANE_…`
 *
 * The legend names only these (all five by default).
 */
void
thaw_thread_timeline_set_states (ThawThreadTimeline *self,
                                 guint               states)
{
  g_return_if_fail (THAW_IS_THREAD_TIMELINE (self));
  g_return_if_fail (states != 0 && states < (1u << N_STATES));

  self->states = states;
  wake (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/**
 * thaw_thread_timeline_set_strip:
 * @self: a thread timeline
 * @name: (nullable): what the strip shows, beside it; %NULL for no strip
 * @maximum: the value at the strip's top (it grows if a point is higher)
 * @limit: where to draw a dashed line, or 0 for none
 * @limit_label: (nullable): the words at the dashed line's right end
 * @count_states: the lanes' states the strip counts, each as
 *   `1 << THAW_LANE_…`; or 0 for values the page pushes with
 *   thaw_thread_timeline_push_strip()
 *
 * Adds a strip under the lanes that graphs one number over the run, on the
 * lanes' time axis.
 */
void
thaw_thread_timeline_set_strip (ThawThreadTimeline *self,
                                const char         *name,
                                double              maximum,
                                double              limit,
                                const char         *limit_label,
                                guint               count_states)
{
  g_return_if_fail (THAW_IS_THREAD_TIMELINE (self));
  g_return_if_fail (count_states < (1u << N_STATES));

  g_free (self->strip_name);
  self->strip_name = g_strdup (name);
  g_free (self->limit_label);
  self->limit_label = g_strdup (limit_label);
  self->strip_maximum = maximum;
  self->strip_limit = limit;
  self->count_states = count_states;
  g_clear_object (&self->strip_layout);
  g_clear_object (&self->limit_layout);
  wake (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/**
 * thaw_thread_timeline_push_strip:
 * @self: a thread timeline
 * @value: the strip's value from now on
 *
 * For a strip of the page's values: records @value at the current time.
 * The samples are forgotten when a new timeline is set. Main thread only,
 * as for every widget.
 */
void
thaw_thread_timeline_push_strip (ThawThreadTimeline *self,
                                 double              value)
{
  StripPoint point = { g_get_monotonic_time (), value };

  g_return_if_fail (THAW_IS_THREAD_TIMELINE (self));

  /* A value that did not change adds nothing to a step graph. */
  if (self->samples->len > 0 &&
      g_array_index (self->samples, StripPoint, self->samples->len - 1).value == value)
    return;

  g_array_append_val (self->samples, point);
  wake (self);
}

/**
 * thaw_thread_timeline_get_strip_peak:
 * @self: a thread timeline
 *
 * Returns: the strip's highest value in the last frame drawn
 */
double
thaw_thread_timeline_get_strip_peak (ThawThreadTimeline *self)
{
  g_return_val_if_fail (THAW_IS_THREAD_TIMELINE (self), 0);

  return self->strip_peak;
}

/**
 * thaw_thread_timeline_get_view:
 * @self: a thread timeline
 * @start_us: (out) (optional): the time at the left edge of the lanes
 * @end_us: (out) (optional): the time at their right edge
 *
 * The time axis of the last frame drawn, in g_get_monotonic_time() units.
 */
void
thaw_thread_timeline_get_view (ThawThreadTimeline *self,
                               gint64             *start_us,
                               gint64             *end_us)
{
  g_return_if_fail (THAW_IS_THREAD_TIMELINE (self));

  if (start_us != NULL)
    *start_us = self->view_start;
  if (end_us != NULL)
    *end_us = self->view_end;
}
