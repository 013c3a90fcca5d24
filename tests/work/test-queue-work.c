/* test-queue-work.c — queue-work.c on a plain GMainLoop, no GTK
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TSan build runs this too: every hand-off between the two threads and
 * the main thread in the lesson's own code is then checked.
 *
 *   to-the-end          every item goes through: produced == consumed ==
 *                       n, the faster producer filled the queue to its
 *                       capacity and waited; news arrive on the main thread,
 *                       in order, the last one once; both threads joined
 *   coalesced           a main loop that looks only after both threads
 *                       ended gets one delivery, with the final figures
 *   stop                Stop with a full queue: the consumer still uses
 *                       every queued item, produced == consumed
 *   live-speed          a speed changed mid-run counts at once
 *   free-while-running  freeing a full queue with a slow consumer joins
 *                       both threads at once, and calls nobody afterwards
 *   unbounded           the wrong way with no bound: the same threads and
 *                       speeds fill the queue far past the capacity the
 *                       bounded way keeps to, and its memory with it; the
 *                       producer never waits; every item still goes
 *                       through, and the queue ends empty
 *   no-sentinel         the wrong way with no sentinel: after the last item
 *                       the consumer waits on, measured, and the job does
 *                       not end; Stop ends it, both threads joined, and
 *                       freeing a job in that state is as quick
 */

#include "config.h"

#include <glib.h>

#include "queue-work.h"
#include "work-test-util.h"

typedef struct
{
  GThread *main_thread;
  guint deliveries;
  guint finished;
  gboolean in_order;
  QueueNews last;
} Progress;

static void
record (const QueueNews *news,
        gpointer         user_data)
{
  Progress *progress = user_data;

  g_assert_true (g_thread_self () == progress->main_thread);
  g_assert_cmpuint (progress->finished, ==, 0);   /* nothing after the last */
  g_assert_cmpuint (news->consumed, <=, news->produced);
  if (news->way != QUEUE_UNBOUNDED)
    {
      g_assert_cmpuint (news->max_depth, <=, news->capacity);
      g_assert_cmpuint (news->max_bytes_held, <, (news->capacity + 1) * QUEUE_ITEM_BYTES);
    }
  g_assert_cmpuint (news->bytes_held, <=, news->max_bytes_held);
  if (news->produced < progress->last.produced || news->consumed < progress->last.consumed)
    progress->in_order = FALSE;
  progress->deliveries++;
  progress->last = *news;
  if (news->finished)
    progress->finished++;
}

static void
progress_init (Progress *progress)
{
  *progress = (Progress) { .main_thread = g_thread_self (), .in_order = TRUE };
}

static gboolean
is_finished (gpointer data)
{
  return ((Progress *) data)->finished > 0;
}

static gboolean
is_full (gpointer data)
{
  Progress *progress = data;

  return progress->last.capacity > 0 && progress->last.max_depth == progress->last.capacity;
}

static guint
count_threads (void)
{
  return work_test_count_threads ("thaw-producer") + work_test_count_threads ("thaw-consumer");
}

/* Both threads gone from /proc (a moment after they return). */
static void
wait_for_threads (void)
{
  /* A thread takes its name once it runs: just after the start, "no
   * thaw-producer" can mean "not named yet". So first give them a moment
   * to be seen (a short job may be over before they are), then wait for
   * both to be gone. */
  gint64 named_by = g_get_monotonic_time () + G_USEC_PER_SEC;

  while (work_test_count_threads ("thaw-producer") + work_test_count_threads ("thaw-consumer") < 2 &&
         g_get_monotonic_time () < named_by)
    g_usleep (1000);
  work_test_wait_for_threads ("thaw-producer", 0);
  work_test_wait_for_threads ("thaw-consumer", 0);
}

static QueueWork *
start_way (Progress *progress,
           QueueWay  way,
           guint     n_items,
           guint     capacity,
           guint     producer_speed,
           guint     consumer_speed)
{
  g_autoptr(ThawTimeline) timeline = thaw_timeline_new (0);
  g_autoptr(GError) error = NULL;
  QueueWork *work;

  thaw_timeline_add_lane (timeline, "producer");
  thaw_timeline_add_lane (timeline, "consumer");
  progress_init (progress);
  work = queue_work_start (way, n_items, capacity, producer_speed, consumer_speed,
                           timeline, record, progress, &error);
  g_assert_no_error (error);
  g_assert_nonnull (work);

  return work;
}

static QueueWork *
start (Progress *progress,
       guint     n_items,
       guint     capacity,
       guint     producer_speed,
       guint     consumer_speed)
{
  return start_way (progress, QUEUE_BOUNDED, n_items, capacity, producer_speed, consumer_speed);
}

static void
test_to_the_end (void)
{
  Progress progress;
  g_autoptr(QueueWork) work = NULL;

  g_assert_cmpuint (count_threads (), ==, 0);
  /* 40 items: 0.16 s of making, 0.27 s of using. */
  work = start (&progress, 40, 4, 250, 150);
  work_test_iterate_until (is_finished, &progress, 30);
  g_test_message ("%u deliveries, producer waited %u times", progress.deliveries,
                  progress.last.waits[QUEUE_PRODUCER]);

  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_true (progress.in_order);
  g_assert_cmpuint (progress.last.produced, ==, 40);
  g_assert_cmpuint (progress.last.consumed, ==, 40);
  g_assert_cmpuint (progress.last.capacity, ==, 4);
  g_assert_cmpuint (progress.last.max_depth, ==, 4);
  g_assert_cmpuint (progress.last.waits[QUEUE_PRODUCER], >, 0);
  g_assert_cmpfloat (progress.last.max_wait_ms, >, 0);
  g_assert_false (progress.last.stopped);
  g_assert_cmpuint (queue_work_get_depth (work), ==, 0);
  /* Joined by the last delivery, before it called back. */
  wait_for_threads ();

  /* Nothing comes after the last news. */
  work_test_iterate_for (0.1);
  g_assert_cmpuint (progress.finished, ==, 1);
}

/* However often the threads ring, at most one delivery waits. */
static void
test_coalesced (void)
{
  Progress progress;
  g_autoptr(QueueWork) work = NULL;

  work = start (&progress, 20, 3, 250, 250);
  /* The main loop looks away until both threads have said their last word
   * and returned, having rung after each of 40 puts and uses. */
  wait_for_threads ();
  g_assert_cmpuint (progress.deliveries, ==, 0);

  work_test_iterate_until (is_finished, &progress, 10);
  work_test_iterate_for (0.1);
  g_assert_cmpuint (progress.deliveries, ==, 1);
  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_cmpuint (progress.last.produced, ==, 20);
  g_assert_cmpuint (progress.last.consumed, ==, 20);
}

static void
test_stop (void)
{
  Progress progress;
  g_autoptr(QueueWork) work = NULL;
  guint queued;

  /* A fast producer and a slow consumer fill the queue. */
  work = start (&progress, 1000, 10, 250, 40);
  work_test_iterate_until (is_full, &progress, 10);
  queued = progress.last.produced - progress.last.consumed;
  g_assert_cmpuint (queued, >, 5);

  queue_work_stop (work);
  work_test_iterate_until (is_finished, &progress, 10);

  g_assert_true (progress.last.stopped);
  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_cmpuint (progress.last.produced, <, 1000);
  g_assert_cmpuint (progress.last.produced, ==, progress.last.consumed);
  g_assert_cmpuint (progress.last.consumed, >=, queued);
  wait_for_threads ();
  g_clear_pointer (&work, queue_work_free);

  /* A stop right after the start is clean too. */
  work = start (&progress, 1000, 10, 250, 40);
  queue_work_stop (work);
  work_test_iterate_until (is_finished, &progress, 10);
  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_cmpuint (progress.last.produced, ==, progress.last.consumed);
  wait_for_threads ();
}

static void
test_live_speed (void)
{
  Progress progress;
  g_autoptr(QueueWork) work = NULL;
  gint64 started_at = g_get_monotonic_time ();

  /* At five items a second, 30 items would take six seconds... */
  work = start (&progress, 30, 5, 5, 5);
  work_test_iterate_for (0.25);
  g_assert_cmpuint (progress.last.produced, <=, 2);

  /* ...but the threads read their speeds as they go. */
  queue_work_set_speed (work, QUEUE_PRODUCER, 250);
  queue_work_set_speed (work, QUEUE_CONSUMER, 250);
  work_test_iterate_until (is_finished, &progress, 10);
  g_assert_cmpuint (progress.last.consumed, ==, 30);
  g_assert_cmpint (g_get_monotonic_time () - started_at, <, 3 * G_USEC_PER_SEC * work_test_time_scale ());
  wait_for_threads ();
}

static void
test_free_while_running (void)
{
  Progress progress;
  QueueWork *work;
  guint deliveries;
  gint64 start_us;

  /* Fifty items queued for a consumer doing five a second: ten seconds of
   * work that freeing must not wait for. */
  work = start (&progress, 1000, 50, 250, 5);
  work_test_iterate_until (is_full, &progress, 10);
  /* Let the threads ring again, for a delivery the loop has not run. */
  g_usleep (50 * 1000);
  deliveries = progress.deliveries;

  start_us = g_get_monotonic_time ();
  queue_work_free (work);
  g_test_message ("freed a full queue in %.1f ms", (g_get_monotonic_time () - start_us) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - start_us, <, G_USEC_PER_SEC * work_test_time_scale ());
  /* Joined: the threads are gone when free returns (give /proc a moment). */
  wait_for_threads ();

  /* The scheduled delivery was removed: nobody is called. */
  work_test_iterate_for (0.2);
  g_assert_cmpuint (progress.deliveries, ==, deliveries);
  g_assert_cmpuint (progress.finished, ==, 0);
}

/* Both threads of a job that ran long enough to be named are gone from
 * /proc. */
static void
wait_until_joined (void)
{
  work_test_wait_for_threads ("thaw-producer", 0);
  work_test_wait_for_threads ("thaw-consumer", 0);
}

/* The same items and speeds, with and without the bound. */
static void
test_unbounded (void)
{
  Progress bounded, unbounded;
  g_autoptr(QueueWork) work = NULL;

  /* 40 items at 250 a second, used at 100: 0.16 s of making, then the
   * consumer has about 24 items still to use. */
  work = start_way (&bounded, QUEUE_BOUNDED, 40, 4, 250, 100);
  work_test_iterate_until (is_finished, &bounded, 30);
  g_clear_pointer (&work, queue_work_free);
  wait_until_joined ();

  work = start_way (&unbounded, QUEUE_UNBOUNDED, 40, 4, 250, 100);
  work_test_iterate_until (is_finished, &unbounded, 30);
  g_test_message ("bounded: deepest %u, %" G_GSIZE_FORMAT " bytes; unbounded: deepest %u, %"
                  G_GSIZE_FORMAT " bytes", bounded.last.max_depth, bounded.last.max_bytes_held,
                  unbounded.last.max_depth, unbounded.last.max_bytes_held);

  /* The bound held the right way at its capacity, and the producer waited. */
  g_assert_cmpuint (bounded.last.max_depth, ==, 4);
  g_assert_cmpuint (bounded.last.waits[QUEUE_PRODUCER], >, 0);
  g_assert_cmpuint (bounded.last.max_bytes_held, >=, 4 * QUEUE_ITEM_BYTES);

  /* Without it the queue climbed far past it, and the memory with it. */
  g_assert_cmpuint (unbounded.finished, ==, 1);
  g_assert_false (unbounded.last.stopped);
  g_assert_cmpuint (unbounded.last.way, ==, QUEUE_UNBOUNDED);
  g_assert_cmpuint (unbounded.last.max_depth, >, 3 * 4);
  g_assert_cmpuint (unbounded.last.waits[QUEUE_PRODUCER], ==, 0);
  g_assert_cmpuint (unbounded.last.max_bytes_held, >=, unbounded.last.max_depth * QUEUE_ITEM_BYTES);
  g_assert_cmpuint (unbounded.last.max_bytes_held, >, 3 * bounded.last.max_bytes_held);

  /* And yet it ends, clean: every item used, nothing left held. */
  g_assert_cmpuint (unbounded.last.produced, ==, 40);
  g_assert_cmpuint (unbounded.last.consumed, ==, 40);
  g_assert_cmpuint (unbounded.last.bytes_held, ==, 0);
  g_assert_cmpuint (queue_work_get_depth (work), ==, 0);
  wait_until_joined ();
}

static gboolean
waits_for_nothing (gpointer data)
{
  Progress *progress = data;

  return progress->last.producer_done &&
         progress->last.consumed == progress->last.produced &&
         progress->last.consumer_wait_ms >= 300;
}

static void
test_no_sentinel (void)
{
  Progress progress;
  QueueWork *work;
  gint64 start_us;

  /* 20 items, 0.08 s of making and using: then the wait for no one. */
  work = start_way (&progress, QUEUE_NO_SENTINEL, 20, 5, 250, 250);
  work_test_iterate_until (waits_for_nothing, &progress, 10);
  g_test_message ("all %u items used; the consumer has waited %.0f ms",
                  progress.last.consumed, progress.last.consumer_wait_ms);

  /* The producer has returned; the consumer is still there, waiting. */
  g_assert_cmpuint (progress.last.produced, ==, 20);
  g_assert_cmpuint (progress.finished, ==, 0);
  work_test_wait_for_threads ("thaw-producer", 0);
  g_assert_cmpuint (work_test_count_threads ("thaw-consumer"), ==, 1);
  /* Its wait goes on: it measures it while it lasts. */
  work_test_iterate_for (0.2);
  g_assert_cmpuint (progress.finished, ==, 0);
  g_assert_cmpfloat (progress.last.consumer_wait_ms, >=, 450);

  /* Stop is the way out. */
  start_us = g_get_monotonic_time ();
  queue_work_stop (work);
  work_test_iterate_until (is_finished, &progress, 10);
  g_test_message ("Stop ended it in %.1f ms", (g_get_monotonic_time () - start_us) / 1000.0);
  g_assert_true (progress.last.stopped);
  g_assert_cmpuint (progress.last.consumed, ==, 20);
  g_assert_cmpuint (progress.last.bytes_held, ==, 0);
  wait_until_joined ();
  g_clear_pointer (&work, queue_work_free);

  /* Freeing a job whose consumer waits for nothing joins it at its next
   * look, too. */
  work = start_way (&progress, QUEUE_NO_SENTINEL, 5, 5, 250, 250);
  work_test_iterate_until (waits_for_nothing, &progress, 10);
  start_us = g_get_monotonic_time ();
  queue_work_free (work);
  g_assert_cmpint (g_get_monotonic_time () - start_us, <, G_USEC_PER_SEC * work_test_time_scale ());
  wait_until_joined ();
  work_test_iterate_for (0.1);
  g_assert_cmpuint (progress.finished, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/work/queue/to-the-end", test_to_the_end);
  g_test_add_func ("/work/queue/coalesced", test_coalesced);
  g_test_add_func ("/work/queue/stop", test_stop);
  g_test_add_func ("/work/queue/live-speed", test_live_speed);
  g_test_add_func ("/work/queue/free-while-running", test_free_while_running);
  g_test_add_func ("/work/queue/unbounded", test_unbounded);
  g_test_add_func ("/work/queue/no-sentinel", test_no_sentinel);

  return g_test_run ();
}
