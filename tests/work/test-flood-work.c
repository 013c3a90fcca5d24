/* test-flood-work.c — flood-work.c on a plain GMainLoop, no GTK
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TSan build runs this too: every hand-off between the worker and the
 * main thread in the lesson's own code is then checked.
 *
 *   flood, coalesced, paced  each way runs to the end: updates arrive on
 *                       the main thread, in order, the last value once,
 *                       with the last word; the thread is joined. A flood
 *                       runs one callback per update, a coalesced run at
 *                       most one at a time, a paced run none
 *   throttled           a flood whose main loop looks away stops adding at
 *                       its bound, and then every update still arrives
 *   coalesced-away      a main loop that looks only after the worker ended
 *                       gets one delivery, with the final value
 *   stop                Stop ends a flood early; every update sent arrived
 *   free-while-running  freeing a flood joins its thread, and the callbacks
 *                       already added call nobody
 */

#include "config.h"

#include <glib.h>

#include "flood-work.h"
#include "work-test-util.h"

/* A twentieth of a second of the lesson's pace. */
#define N_UPDATES 20000u

typedef struct
{
  GThread *main_thread;
  FloodWork *work;          /* a paced run's, to poll */
  guint deliveries;
  guint finished;
  guint value;
  gboolean in_order;
} Record;

static void
receive (guint    value,
         gboolean finished,
         gpointer user_data)
{
  Record *record = user_data;

  g_assert_true (g_thread_self () == record->main_thread);
  g_assert_cmpuint (record->finished, ==, 0);   /* nothing after the last */
  if (value < record->value)
    record->in_order = FALSE;
  record->deliveries++;
  record->value = value;
  if (finished)
    record->finished++;
}

static void
record_init (Record *record)
{
  *record = (Record) { .main_thread = g_thread_self (), .in_order = TRUE };
}

static gboolean
is_finished (gpointer data)
{
  return ((Record *) data)->finished > 0;
}

/* A paced run's frames: a read every few milliseconds. */
static gboolean
frame_cb (gpointer data)
{
  Record *record = data;

  if (record->finished == 0)
    flood_work_frame (record->work, 0);
  return G_SOURCE_CONTINUE;
}

static void
test_runs_to_the_end (gconstpointer data)
{
  FloodWay way = GPOINTER_TO_INT (data);
  Record record;
  FloodCounters counters;
  g_autoptr(FloodWork) work = NULL;
  g_autoptr(GError) error = NULL;
  guint threads_before = work_test_count_threads ("thaw-flood");
  guint frames = 0;

  record_init (&record);
  work = flood_work_start (way, N_UPDATES, FLOOD_MAX_PENDING, receive, &record, &error);
  g_assert_no_error (error);
  g_assert_nonnull (work);
  record.work = work;
  if (way == FLOOD_PACED)
    frames = g_timeout_add (5, frame_cb, &record);

  work_test_iterate_until (is_finished, &record, 60);
  g_clear_handle_id (&frames, g_source_remove);
  flood_work_get_counters (work, &counters);
  g_test_message ("%u deliveries, %u dispatches, at most %u pending",
                  record.deliveries, counters.dispatches, counters.pending_max);

  g_assert_cmpuint (record.finished, ==, 1);
  g_assert_true (record.in_order);
  g_assert_cmpuint (record.value, ==, N_UPDATES);
  g_assert_cmpuint (counters.sent, ==, N_UPDATES);

  switch (way)
    {
    case FLOOD_ONE_IDLE_PER_UPDATE:
      /* Every update a callback, and one more for the end. */
      g_assert_cmpuint (counters.dispatches, ==, N_UPDATES);
      g_assert_cmpuint (record.deliveries, ==, N_UPDATES + 1);
      g_assert_cmpuint (counters.pending_max, >, 1);
      g_assert_cmpuint (counters.pending_max, <=, FLOOD_MAX_PENDING);
      break;
    case FLOOD_COALESCED:
      g_assert_cmpuint (counters.dispatches, ==, record.deliveries);
      g_assert_cmpuint (counters.dispatches, <, N_UPDATES / 100);
      g_assert_cmpuint (counters.pending_max, ==, 1);
      break;
    case FLOOD_PACED:
      g_assert_cmpuint (counters.dispatches, ==, 0);
      g_assert_cmpuint (counters.pending_max, ==, 0);
      break;
    default:
      g_assert_not_reached ();
    }

  /* Joined by the last word, before it was delivered. */
  work_test_wait_for_threads ("thaw-flood", threads_before);
  /* Nothing more arrives. */
  work_test_iterate_for (0.05);
  if (way == FLOOD_PACED)
    flood_work_frame (work, 0);
  g_assert_cmpuint (record.finished, ==, 1);
  flood_work_get_counters (work, &counters);
  g_assert_cmpuint (counters.pending, ==, 0);
}

static gboolean
has_throttled (gpointer data)
{
  FloodCounters counters;

  flood_work_get_counters (data, &counters);
  return counters.throttled > 0;
}

/* The main thread does not iterate: the worker fills up to the bound and
 * waits, and every update still arrives once it does. */
static void
test_throttled (void)
{
  Record record;
  FloodCounters counters;
  g_autoptr(FloodWork) work = NULL;
  gint64 deadline = g_get_monotonic_time () + (gint64) (10 * G_USEC_PER_SEC * work_test_time_scale ());

  record_init (&record);
  work = flood_work_start (FLOOD_ONE_IDLE_PER_UPDATE, N_UPDATES, 1000, receive, &record, NULL);
  g_assert_nonnull (work);
  while (!has_throttled (work))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }
  flood_work_get_counters (work, &counters);
  g_assert_cmpuint (counters.pending, ==, 1000);
  g_assert_cmpuint (record.deliveries, ==, 0);

  work_test_iterate_until (is_finished, &record, 60);
  flood_work_get_counters (work, &counters);
  g_test_message ("the worker waited %u times", counters.throttled);
  g_assert_cmpuint (counters.pending_max, ==, 1000);
  g_assert_cmpuint (counters.dispatches, ==, N_UPDATES);
  g_assert_cmpuint (record.value, ==, N_UPDATES);
  g_assert_true (record.in_order);
}

static gboolean
worker_done (gpointer data)
{
  FloodCounters counters;

  flood_work_get_counters (data, &counters);
  return counters.sent == N_UPDATES && work_test_count_threads ("thaw-flood") == 0;
}

/* However often the worker sends, at most one delivery waits, and the
 * last value is never lost. */
static void
test_coalesced_away (void)
{
  Record record;
  g_autoptr(FloodWork) work = NULL;
  gint64 deadline = g_get_monotonic_time () + (gint64) (10 * G_USEC_PER_SEC * work_test_time_scale ());

  g_assert_cmpuint (work_test_count_threads ("thaw-flood"), ==, 0);
  record_init (&record);
  work = flood_work_start (FLOOD_COALESCED, N_UPDATES, FLOOD_MAX_PENDING, receive, &record, NULL);
  g_assert_nonnull (work);
  while (!worker_done (work))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }

  work_test_iterate_until (is_finished, &record, 10);
  work_test_iterate_for (0.05);
  g_assert_cmpuint (record.deliveries, ==, 1);
  g_assert_cmpuint (record.finished, ==, 1);
  g_assert_cmpuint (record.value, ==, N_UPDATES);
}

static gboolean
has_news (gpointer data)
{
  return ((Record *) data)->deliveries > 0;
}

static void
test_stop (void)
{
  Record record;
  FloodCounters counters;
  g_autoptr(FloodWork) work = NULL;
  guint threads_before = work_test_count_threads ("thaw-flood");

  record_init (&record);
  /* The lesson's whole job: seconds of it, stopped after the first news. */
  work = flood_work_start (FLOOD_ONE_IDLE_PER_UPDATE, FLOOD_UPDATES, FLOOD_MAX_PENDING,
                           receive, &record, NULL);
  g_assert_nonnull (work);
  work_test_iterate_until (has_news, &record, 60);

  flood_work_stop (work);
  work_test_iterate_until (is_finished, &record, 30);

  flood_work_get_counters (work, &counters);
  g_assert_cmpuint (record.finished, ==, 1);
  g_assert_cmpuint (counters.sent, <, FLOOD_UPDATES);
  g_assert_cmpuint (counters.dispatches, ==, counters.sent);
  g_assert_cmpuint (record.value, ==, counters.sent);
  work_test_wait_for_threads ("thaw-flood", threads_before);
}

static void
test_free_while_running (void)
{
  Record record;
  FloodWork *work;
  guint threads_before = work_test_count_threads ("thaw-flood");

  record_init (&record);
  work = flood_work_start (FLOOD_ONE_IDLE_PER_UPDATE, FLOOD_UPDATES, FLOOD_MAX_PENDING,
                           receive, &record, NULL);
  g_assert_nonnull (work);
  /* Let callbacks pile up that the main loop has not run yet. */
  g_usleep (50 * 1000);

  flood_work_free (work);
  /* Joined: the thread is gone when free returns (give /proc a moment). */
  work_test_wait_for_threads ("thaw-flood", threads_before);

  /* The callbacks run, and call nobody. */
  work_test_iterate_for (0.5);
  g_assert_cmpuint (record.deliveries, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/work/flood/flood", GINT_TO_POINTER (FLOOD_ONE_IDLE_PER_UPDATE), test_runs_to_the_end);
  g_test_add_data_func ("/work/flood/coalesced", GINT_TO_POINTER (FLOOD_COALESCED), test_runs_to_the_end);
  g_test_add_data_func ("/work/flood/paced", GINT_TO_POINTER (FLOOD_PACED), test_runs_to_the_end);
  g_test_add_func ("/work/flood/throttled", test_throttled);
  g_test_add_func ("/work/flood/coalesced-away", test_coalesced_away);
  g_test_add_func ("/work/flood/stop", test_stop);
  g_test_add_func ("/work/flood/free-while-running", test_free_while_running);

  return g_test_run ();
}
