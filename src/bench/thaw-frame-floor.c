/* thaw-frame-state.c — what a frame costs in a bare GTK window
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The floor under build-aux/frames-bench's figures: a window of Thaw's
 * default size holding only a progress bar with its text and a label,
 * both changed at every frame (as a lesson's progress is), with Thaw's
 * heartbeat beating. Whatever a frame costs here, GTK, the renderer and the
 * X server cost on this machine before Thaw draws anything of its own.
 *
 *   thaw-frame-floor [SECONDS [LABELS]]
 *
 * LABELS more labels that never change (0 by default) show what the rest
 * of a window costs a frame that changes only the bar. It prints one line
 * of JSON: the heartbeat's p99 and max lateness, the
 * frames drawn, and the frames' own durations (p50, p90, max), from the
 * frame clock's before-paint to its after-paint.
 */

#include "config.h"

#include <gtk/gtk.h>
#include <stdlib.h>

#include "thaw-heartbeat.h"

typedef struct
{
  GtkProgressBar *bar;
  GtkLabel *label;
  guint64 ticks;
  gint64 frame_start;
  GArray *frame_ms;     /* double, while measuring */
  GMainLoop *loop;
} Floor;

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *frame_clock,
         gpointer       data)
{
  Floor *state = data;
  char text[64];

  state->ticks++;
  gtk_progress_bar_set_fraction (state->bar, (state->ticks % 300) / 300.0);
  g_snprintf (text, sizeof text, "%" G_GUINT64_FORMAT " frames", state->ticks);
  gtk_progress_bar_set_text (state->bar, text);
  gtk_label_set_text (state->label, text);
  return G_SOURCE_CONTINUE;
}

static void
before_paint_cb (GdkFrameClock *frame_clock,
                 Floor         *state)
{
  state->frame_start = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *frame_clock,
                Floor         *state)
{
  double ms = (g_get_monotonic_time () - state->frame_start) / 1000.0;

  if (state->frame_ms != NULL && state->frame_start != 0)
    g_array_append_val (state->frame_ms, ms);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
run_for (Floor  *state,
         double  seconds)
{
  g_timeout_add ((guint) (seconds * 1000), quit_cb, state->loop);
  g_main_loop_run (state->loop);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  double seconds = argc > 1 ? g_ascii_strtod (argv[1], NULL) : 5;
  int n_labels = argc > 2 ? atoi (argv[2]) : 0;
  GtkWidget *grid;
  Floor state = { 0 };
  g_autoptr(ThawHeartbeat) heartbeat = NULL;
  ThawLatencyStats stats;
  GtkWidget *window, *box;
  GdkFrameClock *frame_clock;
  const double *ms;
  guint n;

  if (!(seconds > 0 && seconds <= 600) || n_labels < 0 || n_labels > 10000)
    {
      g_printerr ("thaw-frame-floor: SECONDS must be a number above 0, at most 600, "
                  "and LABELS a whole number from 0 to 10000\n");
      return 2;
    }

  gtk_init ();
  state.loop = g_main_loop_new (NULL, FALSE);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  state.bar = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_progress_bar_set_show_text (state.bar, TRUE);
  state.label = GTK_LABEL (gtk_label_new (NULL));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (state.bar));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (state.label));
  grid = gtk_grid_new ();
  for (int i = 0; i < n_labels; i++)
    {
      char text[64];

      g_snprintf (text, sizeof text, "Label %d, a few words that stay", i);
      gtk_grid_attach (GTK_GRID (grid), gtk_label_new (text), i % 6, i / 6, 1, 1);
    }
  gtk_box_append (GTK_BOX (box), grid);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));

  /* The window's first frames (the X server's first expose, fonts) are
   * start-up; then a frame at every tick, measured. */
  run_for (&state, 1.0);
  frame_clock = gtk_widget_get_frame_clock (window);
  g_signal_connect (frame_clock, "before-paint", G_CALLBACK (before_paint_cb), &state);
  g_signal_connect (frame_clock, "after-paint", G_CALLBACK (after_paint_cb), &state);
  state.frame_ms = g_array_new (FALSE, FALSE, sizeof (double));
  gtk_widget_add_tick_callback (window, tick_cb, &state, NULL);
  heartbeat = thaw_heartbeat_new (THAW_HEARTBEAT_INTERVAL_MS);
  thaw_heartbeat_start (heartbeat, NULL);
  run_for (&state, seconds);
  thaw_heartbeat_stop (heartbeat);
  thaw_heartbeat_get_stats (heartbeat, &stats);

  g_array_sort (state.frame_ms, compare_doubles);
  ms = (const double *) (gpointer) state.frame_ms->data;
  n = state.frame_ms->len;
  if (n == 0)
    {
      g_printerr ("thaw-frame-floor: no frame was drawn (is there a display?)\n");
      return 1;
    }
  g_print ("{\"seconds\": %.1f, \"labels\": %d, \"p99_ms\": %.2f, \"max_ms\": %.2f, \"frames\": %u, "
           "\"frame_p50_ms\": %.2f, \"frame_p90_ms\": %.2f, \"frame_max_ms\": %.2f}\n",
           seconds, n_labels, stats.p99_ms, stats.max_ms, n, ms[n / 2], ms[n * 9 / 10], ms[n - 1]);

  gtk_window_destroy (GTK_WINDOW (window));
  g_array_unref (state.frame_ms);
  g_main_loop_unref (state.loop);
  return 0;
}
