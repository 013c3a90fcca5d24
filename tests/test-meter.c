/* test-meter.c — the meter rests when nothing happens, and still measures
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   rests             with no job and no input the ball is parked (no tick
 *                     callback), GTK draws (almost) no frames, and the
 *                     heartbeat slows down;
 *   wakes-on-input    real pointer motion (XTest, through xdotool) wakes it:
 *                     the ball swings and frames are drawn again;
 *   freeze-from-rest  a freeze started from rest is measured whole.
 *
 * What rest costs in CPU and wake-ups is measured by build-aux/rest-bench
 * (build-aux/dev bench), not here: these bounds only tell rest from awake.
 */

#include "config.h"

#include <string.h>

#include "thaw-bouncer.h"
#include "thaw-latency-graph.h"
#include "thaw-lesson-page.h"
#include "thaw-meter.h"
#include "thaw-stalls.h"
#include "thaw-test-util.h"
#include "thaw-window.h"

/* A short rest delay keeps the test short; the app's is five seconds. */
#define REST_DELAY_MS 500

static GtkWidget *
find_by_type (GtkWidget *root,
              GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
meter_rests (gpointer data)
{
  return thaw_meter_get_resting (data);
}

static gboolean
meter_awake (gpointer data)
{
  return !thaw_meter_get_resting (data);
}

/* Frames GTK draws for @window in @seconds. */
static gint64
count_frames (GtkWidget *window,
              double     seconds)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  gint64 before = gdk_frame_clock_get_frame_counter (clock);

  thaw_test_iterate_for (seconds);
  return gdk_frame_clock_get_frame_counter (clock) - before;
}

typedef struct
{
  ThawHeartbeat *heartbeat;
  ThawWindow *window;
  ThawMeter *meter;
  ThawBouncer *bouncer;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->heartbeat = thaw_heartbeat_new (0);
  thaw_stalls_install (NULL);
  thaw_heartbeat_start (fixture->heartbeat, NULL);
  fixture->window = thaw_window_new (NULL, fixture->heartbeat, NULL);
  fixture->meter = thaw_window_get_meter (fixture->window);
  fixture->bouncer = THAW_BOUNCER (find_by_type (GTK_WIDGET (fixture->meter), THAW_TYPE_BOUNCER));
  g_object_set (fixture->meter, "rest-delay", REST_DELAY_MS, NULL);
  g_assert_true (thaw_window_show_lesson (fixture->window, "freeze"));
  gtk_window_present (GTK_WINDOW (fixture->window));
  thaw_test_iterate_for (0.3);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  thaw_test_iterate_for (0.1);
  thaw_heartbeat_stop (fixture->heartbeat);
  g_assert_finalize_object (fixture->heartbeat);
}

/* Only the plain build draws fast enough to judge a frame rate; sanitizer
 * builds (THAW_TEST_TIME_SCALE > 1) still check that frames come at all. */
static gboolean
judges_frame_rate (void)
{
  return thaw_test_time_scale () == 1.0;
}

static void
wait_for_rest (Fixture *fixture)
{
  thaw_test_iterate_until (meter_rests, fixture->meter, 10 * thaw_test_time_scale ());
  g_assert_true (thaw_meter_get_resting (fixture->meter));
}

static void
test_rests (Fixture       *fixture,
            gconstpointer  data)
{
  gint64 awake_frames, resting_frames;

  /* Shown, the meter starts awake: the ball swings at the frame rate. */
  g_assert_false (thaw_meter_get_resting (fixture->meter));
  g_assert_false (thaw_bouncer_get_resting (fixture->bouncer));
  g_assert_cmpuint (thaw_heartbeat_get_interval_ms (fixture->heartbeat), ==, THAW_HEARTBEAT_INTERVAL_MS);
  awake_frames = count_frames (GTK_WIDGET (fixture->window), 0.4);

  wait_for_rest (fixture);
  g_assert_true (thaw_bouncer_get_resting (fixture->bouncer));
  g_assert_cmpuint (thaw_heartbeat_get_interval_ms (fixture->heartbeat), ==,
                    THAW_HEARTBEAT_RESTING_INTERVAL_MS);
  resting_frames = count_frames (GTK_WIDGET (fixture->window), 2.0);

  g_test_message ("frames: %" G_GINT64_FORMAT " in 0.4 s awake, %" G_GINT64_FORMAT " in 2 s at rest",
                  awake_frames, resting_frames);
  /* Awake, about 24 (60 a second); at rest, the figures and the graph once
   * a second. A sanitizer build draws a frame in several times the time, so
   * there the awake count only has to show a running frame clock. */
  g_assert_cmpint (awake_frames, >=, judges_frame_rate () ? 8 : 1);
  /* A sanitizer build's heartbeat is later and more uneven, so its figures
   * change (and are drawn) at more refreshes; an awake meter there still
   * draws some forty frames in 2 s. */
  g_assert_cmpint (resting_frames, <=, judges_frame_rate () ? 6 : 20);
}

static void
test_wakes_on_input (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  g_autoptr(GError) error = NULL;
  gint64 frames;
  int status;

  g_assert_nonnull (xdotool);
  wait_for_rest (fixture);

  /* A person moves the mouse over the window (it is at the top left of the
   * X server, which has no window manager). */
  g_spawn_command_line_sync ("xdotool mousemove 200 200 sleep 0.05 mousemove 260 240",
                             NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  thaw_test_iterate_until (meter_awake, fixture->meter, 5 * thaw_test_time_scale ());
  g_assert_false (thaw_meter_get_resting (fixture->meter));
  g_assert_false (thaw_bouncer_get_resting (fixture->bouncer));
  g_assert_cmpuint (thaw_heartbeat_get_interval_ms (fixture->heartbeat), ==, THAW_HEARTBEAT_INTERVAL_MS);
  frames = count_frames (GTK_WIDGET (fixture->window), 0.3);
  g_test_message ("woken by input: %" G_GINT64_FORMAT " frames in 0.3 s", frames);
  g_assert_cmpint (frames, >=, judges_frame_rate () ? 6 : 1);

  /* And it rests again. */
  wait_for_rest (fixture);
}

static void
test_freeze_from_rest (Fixture       *fixture,
                       gconstpointer  data)
{
  ThawLesson *lesson = thaw_lesson_page_get_lesson (thaw_window_get_lesson_page (fixture->window));
  ThawLatencyStats stats;
  gint64 started, frozen_us;
  g_autoptr(GPtrArray) graphs = g_ptr_array_new ();
  GtkWidget *graph;
  int rest_width;

  thaw_test_collect_widgets (GTK_WIDGET (thaw_window_get_meter (fixture->window)),
                             THAW_TYPE_LATENCY_GRAPH, graphs);
  g_assert_cmpuint (graphs->len, ==, 1);
  graph = g_ptr_array_index (graphs, 0);

  wait_for_rest (fixture);
  thaw_heartbeat_reset (fixture->heartbeat);
  thaw_test_iterate_for (0.25);
  rest_width = gtk_widget_get_width (graph);

  /* The wrong way: the job runs inside the action, on this main loop. */
  started = g_get_monotonic_time ();
  g_assert_true (thaw_lesson_activate_verb (lesson, "block"));
  frozen_us = g_get_monotonic_time () - started;
  thaw_test_iterate_for (0.3);

  thaw_heartbeat_get_stats (fixture->heartbeat, &stats);
  g_test_message ("froze %.0f ms from rest; the heartbeat saw %.0f ms, %" G_GUINT64_FORMAT " hang(s)",
                  frozen_us / 1000.0, stats.max_ms, stats.stalls_hang);
  g_assert_cmpfloat (frozen_us / 1000.0, >=, 1000);
  /* Measured whole: within 5 % of the freeze, and counted as a hang. */
  g_assert_cmpfloat (stats.max_ms, >=, 0.95 * frozen_us / 1000.0);
  g_assert_cmpuint (stats.stalls_hang, >=, 1);

  /* And named: the click handler held the main loop, and the meter's
   * graph says so in its tooltip once it refreshes. */
  {
    ThawStall stalls[64];
    guint n = thaw_stalls_copy_recent (started, stalls, G_N_ELEMENTS (stalls));
    gboolean named = FALSE;
    g_autofree char *tooltip = NULL;

    for (guint i = 0; i < n; i++)
      if (stalls[i].ms >= 0.95 * frozen_us / 1000.0)
        {
          g_test_message ("%.0f ms in \"%s\"", stalls[i].ms, stalls[i].name);
          named |= g_str_equal (stalls[i].name, "freeze-page.c: block_cb");
        }
    g_assert_true (named);

    thaw_test_iterate_for (0.6);
    tooltip = g_strdup (gtk_widget_get_tooltip_text (graph));
    g_test_message ("the graph's tooltip: %s", tooltip);
    g_assert_nonnull (strstr (tooltip, "freeze-page.c: block_cb"));
    /* And over its bar, once the graph has been drawn. */
    g_test_message ("over the stall: %s", thaw_latency_graph_get_stall_label (THAW_LATENCY_GRAPH (graph)));
    g_assert_nonnull (strstr (thaw_latency_graph_get_stall_label (THAW_LATENCY_GRAPH (graph)), "freeze-page.c: block_cb"));
  }

  /* The figures went from "at rest" and a fraction of a millisecond to
   * seconds and a hang, and the graph beside them kept its width (had it
   * changed, it would draw its ticks and names again mid-run). */
  g_test_message ("the graph was %d px wide at rest, %d px after the freeze", rest_width, gtk_widget_get_width (graph));
  g_assert_cmpint (rest_width, >, 0);
  g_assert_cmpint (gtk_widget_get_width (graph), ==, rest_width);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/thaw/meter/rests", Fixture, NULL,
              fixture_set_up, test_rests, fixture_tear_down);
  g_test_add ("/thaw/meter/wakes-on-input", Fixture, NULL,
              fixture_set_up, test_wakes_on_input, fixture_tear_down);
  g_test_add ("/thaw/meter/freeze-from-rest", Fixture, NULL,
              fixture_set_up, test_freeze_from_rest, fixture_tear_down);

  return g_test_run ();
}
