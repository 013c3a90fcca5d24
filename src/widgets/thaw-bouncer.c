/* thaw-bouncer.c — an animation that stops when the main loop does
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A ball that bounces on a floor, moved by a tick callback: GTK calls it
 * once per frame, from the main loop. If the main loop is stuck, no frame is
 * drawn and the ball hangs in the air where it was: a ball in the air reads
 * as stopped motion, where one in a track would read as a switch. Because
 * it sees every frame, the bouncer also measures the frame rate, from the
 * gaps between its ticks: gdk_frame_clock_get_fps() averages over a history
 * that smooths a stall away, and a stall is exactly what Thaw wants to show.
 *
 * While the meter rests (nothing runs, nobody touches the window) the ball
 * is parked: no tick callback, so the frame clock stops and nothing is
 * drawn. A parked ball is drawn as a ring lying on the floor, so it never
 * looks like a ball stopped mid-air because the loop froze.
 */

#include "config.h"

#include <math.h>

#include "thaw-bouncer.h"

#define BOUNCE_PERIOD_US (G_USEC_PER_SEC * 3 / 4)
#define RECENT_TICKS 512
#define BALL_RADIUS 6.0
#define HEIGHT 48

struct _ThawBouncer
{
  GtkWidget parent_instance;

  guint tick_id;
  gboolean resting;

  gint64 last_tick;
  guint64 frames;
  /* Gaps between two ticks while awake, for the average frame rate: the
   * time the ball was parked is not a gap. */
  guint64 gaps;
  gint64 gaps_us;

  /* Times of the most recent ticks, for the frame rate of the last second. */
  gint64 recent[RECENT_TICKS];
  guint recent_head;
  guint recent_len;

  double longest_gap_ms;
  double phase;
};

G_DEFINE_FINAL_TYPE (ThawBouncer, thaw_bouncer, GTK_TYPE_WIDGET)

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *frame_clock,
         gpointer       user_data)
{
  ThawBouncer *self = THAW_BOUNCER (widget);
  gint64 now = g_get_monotonic_time ();

  if (self->last_tick != 0)
    {
      self->longest_gap_ms = MAX (self->longest_gap_ms, (now - self->last_tick) / 1000.0);
      self->gaps++;
      self->gaps_us += now - self->last_tick;
    }

  self->last_tick = now;
  self->frames++;

  self->recent[self->recent_head] = now;
  self->recent_head = (self->recent_head + 1) % RECENT_TICKS;
  if (self->recent_len < RECENT_TICKS)
    self->recent_len++;

  self->phase = (double) (gdk_frame_clock_get_frame_time (frame_clock) % BOUNCE_PERIOD_US)
                / BOUNCE_PERIOD_US;
  gtk_widget_queue_draw (widget);

  return G_SOURCE_CONTINUE;
}

static void
thaw_bouncer_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  ThawBouncer *self = THAW_BOUNCER (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA color;
  GskRoundedRect ball;
  double floor_y = height - 1.0;
  double travel = MAX (floor_y - 2 * BALL_RADIUS - 1, 0);
  /* A bounce: up fast, slowing at the top, and down again (|sin|). */
  double lift = self->resting ? 0 : fabs (sin (G_PI * self->phase));
  double x = width / 2.0;
  double y = floor_y - BALL_RADIUS - lift * travel;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);

  /* The floor. */
  color.alpha *= 0.3f;
  gtk_snapshot_append_color (snapshot, &color, &GRAPHENE_RECT_INIT (0, floor_y, width, 1));
  color.alpha /= 0.3f;

  gsk_rounded_rect_init_from_rect (&ball,
                                   &GRAPHENE_RECT_INIT (x - BALL_RADIUS, y - BALL_RADIUS,
                                                        2 * BALL_RADIUS, 2 * BALL_RADIUS),
                                   BALL_RADIUS);
  if (self->resting)
    {
      /* Parked: a ring on the floor, not the solid ball that a frozen loop
       * leaves in the air. */
      const float width_px = 2.0f;
      GdkRGBA ring[4] = { color, color, color, color };

      gtk_snapshot_append_border (snapshot, &ball,
                                  (float[4]) { width_px, width_px, width_px, width_px },
                                  ring);
      return;
    }
  gtk_snapshot_push_rounded_clip (snapshot, &ball);
  gtk_snapshot_append_color (snapshot, &color, &ball.bounds);
  gtk_snapshot_pop (snapshot);
}

static void
thaw_bouncer_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = *natural = (int) (4 * BALL_RADIUS);
    }
  else
    {
      *minimum = *natural = HEIGHT;
    }
}

static void
thaw_bouncer_class_init (ThawBouncerClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = thaw_bouncer_snapshot;
  widget_class->measure = thaw_bouncer_measure;

  gtk_widget_class_set_css_name (widget_class, "bouncer");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
thaw_bouncer_init (ThawBouncer *self)
{
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);

  /* GTK calls this once per frame while the bouncer is on screen. */
  self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
}

/**
 * thaw_bouncer_set_resting:
 * @self: a bouncer
 * @resting: %TRUE to park the ball and stop asking for frames
 *
 * A resting bouncer has no tick callback: if nothing else changes on
 * screen, GTK draws no frame at all. Waking it starts the swing again; the
 * time it rested counts neither as frames nor as a gap between them.
 */
void
thaw_bouncer_set_resting (ThawBouncer *self,
                          gboolean     resting)
{
  g_return_if_fail (THAW_IS_BOUNCER (self));

  resting = !!resting;
  if (self->resting == resting)
    return;

  self->resting = resting;
  if (resting)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
      self->last_tick = 0;
    }
  else
    {
      self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
thaw_bouncer_get_resting (ThawBouncer *self)
{
  g_return_val_if_fail (THAW_IS_BOUNCER (self), FALSE);

  return self->resting;
}

GtkWidget *
thaw_bouncer_new (void)
{
  return g_object_new (THAW_TYPE_BOUNCER, NULL);
}

/**
 * thaw_bouncer_get_frames:
 * @self: a bouncer
 *
 * Returns: how many frames the bouncer has seen since it was shown or reset
 */
guint64
thaw_bouncer_get_frames (ThawBouncer *self)
{
  g_return_val_if_fail (THAW_IS_BOUNCER (self), 0);

  return self->frames;
}

/**
 * thaw_bouncer_get_average_fps:
 * @self: a bouncer
 *
 * Returns: frames per second while the ball was swinging (the time it was
 *   parked left out)
 */
double
thaw_bouncer_get_average_fps (ThawBouncer *self)
{
  g_return_val_if_fail (THAW_IS_BOUNCER (self), 0);

  if (self->gaps == 0 || self->gaps_us <= 0)
    return 0;

  return (double) self->gaps * G_USEC_PER_SEC / (double) self->gaps_us;
}

/**
 * thaw_bouncer_get_recent_fps:
 * @self: a bouncer
 *
 * Counts the frames of the last second. A frozen main loop draws none, so
 * this falls to zero during a freeze, where an average would not.
 *
 * Returns: frames drawn in the last second
 */
double
thaw_bouncer_get_recent_fps (ThawBouncer *self)
{
  gint64 since = g_get_monotonic_time () - G_USEC_PER_SEC;
  guint count = 0;

  g_return_val_if_fail (THAW_IS_BOUNCER (self), 0);

  while (count < self->recent_len)
    {
      guint idx = (self->recent_head + RECENT_TICKS - 1 - count) % RECENT_TICKS;

      if (self->recent[idx] < since)
        break;
      count++;
    }

  return count;
}

double
thaw_bouncer_get_longest_gap_ms (ThawBouncer *self)
{
  g_return_val_if_fail (THAW_IS_BOUNCER (self), 0);

  return self->longest_gap_ms;
}

void
thaw_bouncer_reset (ThawBouncer *self)
{
  g_return_if_fail (THAW_IS_BOUNCER (self));

  self->frames = 0;
  self->gaps = 0;
  self->gaps_us = 0;
  self->last_tick = 0;
  self->recent_len = 0;
  self->longest_gap_ms = 0;
}
