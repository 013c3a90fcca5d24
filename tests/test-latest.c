/* test-latest.c — ThawLatest, the hand-off of the latest value
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   coalesces      100,000 values published while the main loop looks
 *                  away: one delivery, the last value; every other value
 *                  freed, none leaked
 *   last-arrives   a worker publishing while the main loop runs: values
 *                  arrive in order, on the main thread, at most once a
 *                  frame, and the last one always arrives
 *   close          closing with a delivery scheduled: it calls nobody, and
 *                  values a worker publishes afterwards are only freed
 */

#include "config.h"

#include "thaw-latest.h"

static int values_alive;

static gpointer
new_value (guint n)
{
  guint *value = g_new (guint, 1);

  *value = n;
  g_atomic_int_inc (&values_alive);
  return value;
}

static void
free_value (gpointer value)
{
  g_atomic_int_add (&values_alive, -1);
  g_free (value);
}

typedef struct
{
  GThread *main_thread;
  guint deliveries;
  guint last;
  gboolean in_order;
} Received;

static void
receive (gpointer value,
         gpointer user_data)
{
  Received *received = user_data;
  guint n = *(guint *) value;

  g_assert_true (g_thread_self () == received->main_thread);
  if (received->deliveries > 0 && n <= received->last)
    received->in_order = FALSE;
  received->deliveries++;
  received->last = n;
}

static void
iterate_for (double seconds)
{
  gint64 until = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
}

#define N_VALUES 100000u

static gpointer
publish_all (gpointer data)
{
  for (guint i = 1; i <= N_VALUES; i++)
    thaw_latest_publish (data, new_value (i));

  return NULL;
}

static void
test_coalesces (void)
{
  Received received = { g_thread_self (), 0, 0, TRUE };
  ThawLatest *latest = thaw_latest_new (receive, &received, free_value);

  g_thread_join (g_thread_new ("thaw-test-publish", publish_all, latest));
  /* One value waits: the newest. */
  g_assert_cmpint (g_atomic_int_get (&values_alive), ==, 1);
  g_assert_cmpuint (received.deliveries, ==, 0);

  iterate_for (0.1);
  g_assert_cmpuint (received.deliveries, ==, 1);
  g_assert_cmpuint (received.last, ==, N_VALUES);
  g_assert_cmpuint (thaw_latest_get_n_published (latest), ==, N_VALUES);
  g_assert_cmpuint (thaw_latest_get_n_delivered (latest), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&values_alive), ==, 0);

  thaw_latest_close (latest);
}

typedef struct
{
  ThawLatest *latest;
  int done;
} Worker;

static gpointer
publish_slowly (gpointer data)
{
  Worker *worker = data;

  for (guint i = 1; i <= 2000; i++)
    {
      thaw_latest_publish (worker->latest, new_value (i));
      if (i % 100 == 0)
        g_usleep (1000);
    }
  g_atomic_int_set (&worker->done, TRUE);

  return NULL;
}

static void
test_last_arrives (void)
{
  Received received = { g_thread_self (), 0, 0, TRUE };
  Worker worker = { thaw_latest_new (receive, &received, free_value), FALSE };
  gint64 started = g_get_monotonic_time ();
  GThread *thread = g_thread_new ("thaw-test-publish", publish_slowly, &worker);
  gint64 deadline = started + 60 * G_USEC_PER_SEC;
  double elapsed_us;

  /* The main loop runs while the worker publishes. */
  while (!g_atomic_int_get (&worker.done) || received.last != 2000)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
    }
  elapsed_us = (double) (g_get_monotonic_time () - started);
  g_thread_join (thread);
  iterate_for (0.05);

  g_test_message ("%u deliveries for 2000 values in %.0f ms", received.deliveries, elapsed_us / 1000);
  g_assert_true (received.in_order);
  g_assert_cmpuint (received.last, ==, 2000);
  g_assert_cmpuint (received.deliveries, >=, 1);
  /* Once a frame at most: the first at once, then one per 16.7 ms. */
  g_assert_cmpfloat (received.deliveries, <=, 1 + elapsed_us / THAW_LATEST_INTERVAL_US);
  g_assert_cmpint (g_atomic_int_get (&values_alive), ==, 0);

  thaw_latest_close (worker.latest);
}

/* GDK's drawing runs at G_PRIORITY_HIGH_IDLE + 20. A frame that takes
 * longer than a frame's time (a slow machine, a sanitizer build) leaves
 * the next one ready at once: drawing is always ready, as here. */
#define DRAWING_PRIORITY (G_PRIORITY_HIGH_IDLE + 20)

static gboolean
slow_frame_cb (gpointer data)
{
  guint *frames = data;

  (*frames)++;
  g_usleep (20000);
  return G_SOURCE_CONTINUE;
}

/* A delivery still comes while frames come back to back: at idle priority,
 * below drawing, it waited as long as they did. */
static void
test_not_starved_by_drawing (void)
{
  Received received = { g_thread_self (), 0, 0, TRUE };
  ThawLatest *latest = thaw_latest_new (receive, &received, free_value);
  guint frames = 0;
  guint drawing = g_idle_add_full (DRAWING_PRIORITY, slow_frame_cb, &frames, NULL);

  thaw_latest_publish (latest, new_value (1));
  /* Twenty slow frames: a second, fifty times a delivery's pace. */
  while (frames < 20)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("%u deliveries during %u frames of 20 ms", received.deliveries, frames);
  g_assert_cmpuint (received.deliveries, ==, 1);
  g_assert_cmpuint (received.last, ==, 1);

  /* And again later, paced a frame after the first. */
  thaw_latest_publish (latest, new_value (2));
  for (guint until = frames + 20; frames < until;)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (received.deliveries, ==, 2);
  g_assert_cmpuint (received.last, ==, 2);

  g_source_remove (drawing);
  thaw_latest_close (latest);
}

static void
test_close (void)
{
  Received received = { g_thread_self (), 0, 0, TRUE };
  ThawLatest *latest = thaw_latest_new (receive, &received, free_value);

  thaw_latest_publish (latest, new_value (1));
  g_assert_cmpint (g_atomic_int_get (&values_alive), ==, 1);

  /* A worker still holds a reference when the owner goes away with a
   * delivery scheduled. */
  thaw_latest_ref (latest);
  thaw_latest_close (latest);
  g_assert_cmpint (g_atomic_int_get (&values_alive), ==, 0);
  iterate_for (0.05);
  g_assert_cmpuint (received.deliveries, ==, 0);

  /* What the worker publishes from now on is freed unseen. */
  thaw_latest_publish (latest, new_value (2));
  g_assert_cmpint (g_atomic_int_get (&values_alive), ==, 0);
  iterate_for (0.05);
  g_assert_cmpuint (received.deliveries, ==, 0);
  thaw_latest_unref (latest);
}

static gpointer
publish_and_let_go (gpointer data)
{
  for (guint i = 1; i <= 1000; i++)
    thaw_latest_publish (data, new_value (i));
  thaw_latest_unref (data);

  return NULL;
}

/* The owner closes while its worker still publishes; the worker's
 * reference is the last. */
static void
test_worker_lets_go_last (void)
{
  Received received = { g_thread_self (), 0, 0, TRUE };
  ThawLatest *latest = thaw_latest_new (receive, &received, free_value);
  GThread *thread = g_thread_new ("thaw-test-publish", publish_and_let_go, thaw_latest_ref (latest));

  thaw_latest_close (latest);
  g_thread_join (thread);
  iterate_for (0.05);
  g_assert_cmpuint (received.deliveries, ==, 0);
  g_assert_cmpint (g_atomic_int_get (&values_alive), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/thaw/latest/coalesces", test_coalesces);
  g_test_add_func ("/thaw/latest/last-arrives", test_last_arrives);
  g_test_add_func ("/thaw/latest/close", test_close);
  g_test_add_func ("/thaw/latest/not-starved-by-drawing", test_not_starved_by_drawing);
  g_test_add_func ("/thaw/latest/worker-lets-go-last", test_worker_lets_go_last);

  return g_test_run ();
}
