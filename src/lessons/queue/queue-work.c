/* queue-work.c — A bounded queue between two threads
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A producer thread makes items and puts them in a GAsyncQueue; a consumer
 * thread takes them out and uses them. Each runs at its own speed, which
 * can change while they run.
 *
 *   queue_work_start()  the producer makes its items. The queue holds at
 *       most "capacity" of them: when it is full, the producer waits for
 *       the consumer (back-pressure). At the end the producer puts a
 *       sentinel, a special item that means "no more"; the consumer stops
 *       when it takes it out, and both threads are joined.
 *   queue_work_stop()   the producer stops making items and sends the
 *       sentinel at once. It waits behind the items already queued, so the
 *       consumer still uses every one of them: in the end,
 *       produced == consumed.
 *   queue_work_free()   the same clean stop, only faster: the consumer
 *       drains the queue without taking its time, and both threads are
 *       joined before it returns.
 *
 * GAsyncQueue has no size limit of its own, so the limit is a count of free
 * slots under a GMutex, with a GCond to wait on.
 *
 * Two wrong ways run the same threads with one piece missing:
 *
 *   QUEUE_UNBOUNDED     no bound: the producer never waits, and while it
 *       is faster the queue, and the memory its items hold, only grow.
 *       The run still ends, as the producer makes only its n_items.
 *   QUEUE_NO_SENTINEL   the producer ends without the sentinel: the
 *       consumer uses every item, then waits for one more that never
 *       comes. Only so that Thaw can get out of it, this consumer waits in
 *       slices and looks at the stop flag between them; in
 *       g_async_queue_pop() it could never be joined.
 *
 * Read it top to bottom: the items, the bound, the producer, the consumer,
 * the hand-off to the main thread, then start, stop and free. This file
 * uses GLib only; queue-page.c puts it on screen.
 */

#include "config.h"

#include <string.h>

#include "queue-work.h"
#include "thaw-latest.h"
#include "thaw-priority.h"
#include "thaw-tsan.h"

/* The threads nap in slices this long, looking at their flags between. */
#define NAP_SLICE_MS 5

/* The consumer that gets no sentinel waits for an item in slices this
 * long, looking at the stop flag between them. */
#define WAIT_SLICE_MS 50

/* What travels through the queue. The consumer reads what the producer
 * wrote, so the queue is a hand-off of memory, not only of a pointer. */
typedef struct
{
  guint number;
  gint64 queued_at;         /* when the producer put it in the queue */
  guint8 data[];            /* QUEUE_ITEM_BYTES of it */
} Item;

/* What one item takes from the memory, as allocated. */
#define ITEM_SIZE (sizeof (Item) + QUEUE_ITEM_BYTES)

/* The sentinel: an address no real item can have. The consumer compares
 * pointers; it never reads the sentinel's contents. */
static Item end_of_items;
#define SENTINEL (&end_of_items)

/* What the main thread and the two threads share.
 *
 * Set before the threads start, then read-only: way, queue, timeline,
 * latest, n_items, capacity. The speeds, flags and counts change while the
 * threads run, so they are int and only touched with g_atomic_int_*().
 */
struct _QueueWork
{
  QueueWay way;
  GAsyncQueue *queue;
  ThawTimeline *timeline;       /* a lane for each QueueSide */
  ThawLatest *latest;           /* the hand-off to the main thread */
  guint n_items;
  guint capacity;

  /* The bound: how many more items fit in the queue. */
  GMutex space_lock;
  GCond space_freed;
  guint free_slots;             /* guarded by space_lock */

  /* Knobs and flags, changed by the main thread at any time. */
  int speed[QUEUE_N_SIDES];     /* items per second */
  int stopping;                 /* the producer should stop making items */
  int hurrying;                 /* the owner is leaving: the consumer skips its naps */

  /* Measured by the threads. */
  int produced;
  int consumed;
  int max_depth;
  int waits[QUEUE_N_SIDES];     /* the producer found it full, the consumer empty */
  int max_wait_us;              /* the longest an item spent in the queue */
  int bytes_held;               /* by the items in the queue: both sides change it */
  int max_bytes_held;           /* only the producer raises bytes_held, and writes this */
  int producer_done;            /* the producer has returned from its loop */
  int consumer_wait_ms;         /* the consumer's last wait for an item */
  int finished;                 /* the consumer has taken the sentinel */

  /* The main thread's alone. */
  GThread *threads[QUEUE_N_SIDES];
  QueueNews news;               /* the figures last delivered */
  QueueNewsFunc news_func;
  gpointer user_data;
};

/* Stands for the time it takes to make or to use an item: 1/speed seconds,
 * napped in short slices. Returns FALSE, early, if *interrupt is set. */
static gboolean
nap (QueueWork *work,
     QueueSide  side,
     int       *interrupt)
{
  /* Read once per item: a speed changed mid-run counts from the next one. */
  gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC / MAX (g_atomic_int_get (&work->speed[side]), 1);
  gint64 now;

  /* The clock is read once a slice: read again for the length of the nap,
   * it could already be past the end, and g_usleep() would take the
   * negative time left for an endless one. */
  while ((now = g_get_monotonic_time ()) < end)
    {
      if (g_atomic_int_get (interrupt))
        return FALSE;
      g_usleep (MIN (NAP_SLICE_MS * G_TIME_SPAN_MILLISECOND, end - now));
    }

  return TRUE;
}

/* The bound. GAsyncQueue grows without limit: if the producer is faster,
 * it would fill the memory. So the producer first takes a free slot,
 * waiting while there is none, and the consumer gives one back for each
 * item it takes out. (It is the counting semaphore of the semaphore lesson,
 * with the capacity as its number of slots.) */
static void
wait_for_space (QueueWork *work)
{
  thaw_mutex_lock (&work->space_lock);

  if (work->free_slots == 0)
    {
      /* Full: back-pressure. The producer can only go as fast as the
       * consumer now. */
      g_atomic_int_inc (&work->waits[QUEUE_PRODUCER]);
      thaw_timeline_record (work->timeline, QUEUE_PRODUCER, THAW_LANE_WAITING);

      /* A loop: wake-ups can be spurious. */
      while (work->free_slots == 0)
        thaw_cond_wait (&work->space_freed, &work->space_lock);

      thaw_timeline_record (work->timeline, QUEUE_PRODUCER, THAW_LANE_RUNNING);
    }

  work->free_slots--;

  thaw_mutex_unlock (&work->space_lock);
}

static void
give_back_space (QueueWork *work)
{
  thaw_mutex_lock (&work->space_lock);
  work->free_slots++;
  g_cond_signal (&work->space_freed);
  thaw_mutex_unlock (&work->space_lock);
}

/* How full the queue is. g_async_queue_length() counts the items minus the
 * threads waiting in pop, so it is -1 while the consumer waits on an empty
 * queue. */
static int
queue_depth (QueueWork *work)
{
  return MAX (g_async_queue_length (work->queue), 0);
}

/* Only the wrong way QUEUE_UNBOUNDED goes without the free slots. */
static gboolean
is_bounded (QueueWork *work)
{
  return work->way != QUEUE_UNBOUNDED;
}

/* The producer. */

static void
put (QueueWork *work,
     Item      *item)
{
  int depth;
  int held;

  /* The wrong way QUEUE_UNBOUNDED never waits here: nothing holds the
   * producer back, and the queue grows by the difference of the speeds. */
  if (is_bounded (work))
    wait_for_space (work);

  item->queued_at = g_get_monotonic_time ();
  /* Counted before the push, so that "consumed" can never run ahead. */
  g_atomic_int_inc (&work->produced);
  /* The consumer subtracts as it takes items out. g_atomic_int_add()
   * returns the total it added to, so "held" is exactly the total with
   * this item in; only this thread makes the total larger, so only it
   * looks for a new peak. */
  held = g_atomic_int_add (&work->bytes_held, (int) ITEM_SIZE) + (int) ITEM_SIZE;
  if (held > g_atomic_int_get (&work->max_bytes_held))
    g_atomic_int_set (&work->max_bytes_held, held);
  /* Everything written to the item so far happens before the consumer
   * reads it; GLib's queue does that, but ThreadSanitizer cannot see it. */
  THAW_TSAN_RELEASE (item);
  g_async_queue_push (work->queue, item);

  /* Only the producer makes the queue deeper, so only it needs to look,
   * and only it writes max_depth: no compare-and-exchange needed. */
  depth = queue_depth (work);
  if (depth > g_atomic_int_get (&work->max_depth))
    g_atomic_int_set (&work->max_depth, depth);

  thaw_latest_publish (work->latest, NULL);
}

static gpointer
producer_thread (gpointer data)
{
  QueueWork *work = data;

  /* A busy machine should slow the threads down, not the window. */
  thaw_thread_set_background_priority ();
  thaw_timeline_record (work->timeline, QUEUE_PRODUCER, THAW_LANE_RUNNING);

  for (guint number = 1; number <= work->n_items; number++)
    {
      Item *item;

      /* Making an item takes a while. Stop interrupts it: a half-made item
       * was never put in the queue, so it was never produced. */
      if (!nap (work, QUEUE_PRODUCER, &work->stopping))
        break;

      /* Making it is writing its data: memory in use, not only reserved. */
      item = g_malloc (ITEM_SIZE);
      item->number = number;
      memset (item->data, (int) (number & 0xff), QUEUE_ITEM_BYTES);
      put (work, item);
    }

  /* Done or stopped, the consumer must be told there is no more: without
   * the sentinel it would wait in g_async_queue_pop() forever, and joining
   * it would hang. The sentinel goes in last, behind every item, and takes
   * a slot like them, so the queue never holds more than its capacity. */
  if (work->way != QUEUE_NO_SENTINEL)
    {
      if (is_bounded (work))
        wait_for_space (work);
      g_async_queue_push (work->queue, SENTINEL);
    }
  /* else the wrong way: the producer simply returns, and the consumer is
   * never told. */

  g_atomic_int_set (&work->producer_done, TRUE);
  thaw_latest_publish (work->latest, NULL);

  thaw_timeline_record (work->timeline, QUEUE_PRODUCER, THAW_LANE_FINISHED);
  /* The thread was given a reference to the hand-off; it drops it last. */
  thaw_latest_unref (work->latest);
  return NULL;
}

/* The consumer. */

static void
note_wait (QueueWork *work,
           gint64     since)
{
  gint64 waited_ms = (g_get_monotonic_time () - since) / G_TIME_SPAN_MILLISECOND;

  g_atomic_int_set (&work->consumer_wait_ms, (int) MIN (waited_ms, G_MAXINT));
}

/* The wrong way QUEUE_NO_SENTINEL waits here, on an empty queue. Without a
 * sentinel, g_async_queue_pop() would wait forever: no item will come. So
 * that Thaw can still end the run and join the thread, this consumer waits
 * in slices, says how long it has waited, and gives up when Stop is pressed
 * and the producer has returned. Returns NULL when it gives up. */
static Item *
wait_in_slices (QueueWork *work)
{
  gint64 since = g_get_monotonic_time ();
  Item *item;

  while ((item = g_async_queue_timeout_pop (work->queue, WAIT_SLICE_MS * G_TIME_SPAN_MILLISECOND)) == NULL)
    {
      note_wait (work, since);
      thaw_latest_publish (work->latest, NULL);

      /* The producer pushed its last item before it said it was done: one
       * more look takes any item still in the queue, and only then does
       * the consumer leave. */
      if (g_atomic_int_get (&work->stopping) && g_atomic_int_get (&work->producer_done))
        return g_async_queue_try_pop (work->queue);
    }

  note_wait (work, since);
  return item;
}

/* Returns the next item, the sentinel, or NULL if the wrong way's consumer
 * gave up waiting. */
static Item *
take (QueueWork *work)
{
  Item *item = g_async_queue_try_pop (work->queue);

  if (item == NULL)
    {
      gint64 since = g_get_monotonic_time ();

      /* Empty: the consumer waits for the producer. */
      g_atomic_int_inc (&work->waits[QUEUE_CONSUMER]);
      thaw_timeline_record (work->timeline, QUEUE_CONSUMER, THAW_LANE_WAITING);
      if (work->way == QUEUE_NO_SENTINEL)
        item = wait_in_slices (work);
      else
        {
          item = g_async_queue_pop (work->queue);
          note_wait (work, since);
        }
      thaw_timeline_record (work->timeline, QUEUE_CONSUMER, THAW_LANE_RUNNING);
    }

  if (item == NULL)
    return NULL;

  /* Pairs with the release in put(). */
  THAW_TSAN_ACQUIRE (item);

  /* The item has left the queue: its memory, then its slot, are free for
   * the next one. In this order, the bytes counted never stand for more
   * items than the capacity. (The sentinel holds no memory, and its
   * contents are never read.) */
  if (item != SENTINEL)
    g_atomic_int_add (&work->bytes_held, -(int) ITEM_SIZE);
  if (is_bounded (work))
    give_back_space (work);

  return item;
}

static void
use (QueueWork *work,
     Item      *item)
{
  int waited_us = (int) MIN (g_get_monotonic_time () - item->queued_at, G_MAXINT);

  /* Only the consumer writes max_wait_us. */
  if (waited_us > g_atomic_int_get (&work->max_wait_us))
    g_atomic_int_set (&work->max_wait_us, waited_us);

  /* Using an item takes a while, unless the owner is leaving: then nobody
   * will see the result, and the queue is drained at once. */
  nap (work, QUEUE_CONSUMER, &work->hurrying);

  g_free (item);
  g_atomic_int_inc (&work->consumed);
  thaw_latest_publish (work->latest, NULL);
}

static gpointer
consumer_thread (gpointer data)
{
  QueueWork *work = data;
  Item *item;

  thaw_thread_set_background_priority ();
  thaw_timeline_record (work->timeline, QUEUE_CONSUMER, THAW_LANE_RUNNING);

  while ((item = take (work)) != NULL && item != SENTINEL)
    use (work, item);

  thaw_timeline_record (work->timeline, QUEUE_CONSUMER, THAW_LANE_FINISHED);
  /* Set after every count: whoever sees it sees the final figures. */
  g_atomic_int_set (&work->finished, TRUE);
  thaw_latest_publish (work->latest, NULL);

  thaw_latest_unref (work->latest);
  return NULL;
}

/* The hand-off. Every item put and every item used rings the doorbell,
 * thaw_latest_publish(): however often the threads ring, at most one
 * delivery waits on the main loop, at most one a frame, and one always
 * comes after the last ring.
 *
 * The value handed over is nothing (NULL): the figures stay in the shared
 * counts, and the delivery reads all of them at once, on the main thread.
 * Snapshots taken by the two threads would not do: the producer could
 * publish its snapshot after the consumer's last one, and the latest value
 * would then be an old one. */
static void
deliver_news_cb (gpointer value,
                 gpointer user_data)
{
  QueueWork *work = user_data;
  QueueNews *news = &work->news;

  /* A ring that came after the last news was read: nothing new. */
  if (news->finished)
    return;

  /* "finished" first: if it is set, every count before it is visible. */
  news->finished = g_atomic_int_get (&work->finished);
  news->stopped = news->finished && g_atomic_int_get (&work->stopping);
  news->produced = (guint) g_atomic_int_get (&work->produced);
  news->consumed = (guint) g_atomic_int_get (&work->consumed);
  news->max_depth = (guint) g_atomic_int_get (&work->max_depth);
  news->max_wait_ms = g_atomic_int_get (&work->max_wait_us) / 1000.0;
  news->bytes_held = (gsize) g_atomic_int_get (&work->bytes_held);
  news->max_bytes_held = (gsize) g_atomic_int_get (&work->max_bytes_held);
  news->producer_done = g_atomic_int_get (&work->producer_done);
  news->consumer_wait_ms = g_atomic_int_get (&work->consumer_wait_ms);
  for (guint side = 0; side < QUEUE_N_SIDES; side++)
    news->waits[side] = (guint) g_atomic_int_get (&work->waits[side]);

  /* The consumer has taken the sentinel, which the producer put last (or,
   * the wrong way, given up after a Stop, once the producer had returned):
   * both threads are returning, and these joins wait microseconds. */
  if (news->finished)
    for (guint side = 0; side < QUEUE_N_SIDES; side++)
      g_thread_join (g_steal_pointer (&work->threads[side]));

  /* Last: the news function may free the work once it is finished. */
  work->news_func (news, work->user_data);
}

/* Stops the threads that started, waits for each of them, and lets go of
 * what they shared. */
static void
stop_join_and_free (QueueWork *work)
{
  Item *item;

  g_atomic_int_set (&work->stopping, TRUE);
  g_atomic_int_set (&work->hurrying, TRUE);
  /* A consumer whose producer never started gets the sentinel from here. */
  if (work->threads[QUEUE_PRODUCER] == NULL && work->threads[QUEUE_CONSUMER] != NULL)
    g_async_queue_push (work->queue, SENTINEL);
  /* Both look at their flags every NAP_SLICE_MS (a consumer with no
   * sentinel coming, every WAIT_SLICE_MS): this takes milliseconds. */
  for (guint side = 0; side < QUEUE_N_SIDES; side++)
    if (work->threads[side] != NULL)
      g_thread_join (g_steal_pointer (&work->threads[side]));

  /* A delivery already scheduled is removed, and calls nobody. */
  thaw_latest_close (work->latest);

  /* After a clean stop the queue is empty; this only matters if the
   * threads never started. */
  while ((item = g_async_queue_try_pop (work->queue)) != NULL)
    if (item != SENTINEL)
      g_free (item);
  g_async_queue_unref (work->queue);
  thaw_timeline_unref (work->timeline);
  g_cond_clear (&work->space_freed);
  g_mutex_clear (&work->space_lock);
  g_free (work);
}

/**
 * queue_work_start:
 * @way: %QUEUE_BOUNDED, or one of the wrong ways
 * @n_items: how many items the producer makes (the lesson:
 *   %QUEUE_ITEMS_PER_RUN)
 * @capacity: the most items the queue may hold, at least 1; not used
 *   with %QUEUE_UNBOUNDED
 * @producer_speed: items the producer makes per second
 * @consumer_speed: items the consumer uses per second
 * @timeline: where the threads record what they do, on the lanes
 *   %QUEUE_PRODUCER and %QUEUE_CONSUMER
 * @news_func: receives the news on the main thread, exactly once with
 *   @finished set, after both threads have been joined (with
 *   %QUEUE_NO_SENTINEL, only after queue_work_stop())
 * @user_data: for @news_func
 * @error: where the reason goes if a thread could not be made
 *
 * Starts the producer and the consumer, with their news delivered to the
 * default main context.
 *
 * Returns: (transfer full) (nullable): the running job, for
 *   queue_work_stop() and queue_work_free()
 */
QueueWork *
queue_work_start (QueueWay       way,
                  guint          n_items,
                  guint          capacity,
                  guint          producer_speed,
                  guint          consumer_speed,
                  ThawTimeline  *timeline,
                  QueueNewsFunc  news_func,
                  gpointer       user_data,
                  GError       **error)
{
  static const struct { const char *name; GThreadFunc func; } threads[QUEUE_N_SIDES] = {
    [QUEUE_PRODUCER] = { "thaw-producer", producer_thread },
    [QUEUE_CONSUMER] = { "thaw-consumer", consumer_thread },
  };
  QueueWork *work;

  g_return_val_if_fail (way <= QUEUE_NO_SENTINEL, NULL);
  g_return_val_if_fail (capacity >= 1, NULL);
  g_return_val_if_fail (timeline != NULL, NULL);
  g_return_val_if_fail (news_func != NULL, NULL);

  work = g_new0 (QueueWork, 1);
  work->way = way;
  work->queue = g_async_queue_new ();
  work->timeline = thaw_timeline_ref (timeline);
  work->latest = thaw_latest_new (deliver_news_cb, work, NULL);
  work->n_items = n_items;
  work->capacity = capacity;
  g_mutex_init (&work->space_lock);
  g_cond_init (&work->space_freed);
  work->free_slots = capacity;
  work->speed[QUEUE_PRODUCER] = (int) producer_speed;
  work->speed[QUEUE_CONSUMER] = (int) consumer_speed;
  work->news_func = news_func;
  work->user_data = user_data;
  work->news.way = way;
  work->news.capacity = capacity;

  /* The consumer first: if the producer cannot start, the consumer is
   * still there to be told, with the sentinel, that nothing will come. */
  for (int side = QUEUE_N_SIDES - 1; side >= 0; side--)
    {
      /* Each thread holds a reference to the hand-off, and drops it last. */
      thaw_latest_ref (work->latest);
      work->threads[side] = g_thread_try_new (threads[side].name, threads[side].func, work, error);
      if (work->threads[side] == NULL)
        {
          /* The thread never started: its reference is still ours. */
          thaw_latest_unref (work->latest);
          stop_join_and_free (work);
          return NULL;
        }
    }

  return work;
}

/**
 * queue_work_set_speed:
 * @work: a job
 * @side: the producer or the consumer
 * @items_per_second: its new speed
 *
 * Any time: the thread counts from its next item.
 */
void
queue_work_set_speed (QueueWork *work,
                      QueueSide  side,
                      guint      items_per_second)
{
  g_return_if_fail (work != NULL && side < QUEUE_N_SIDES);

  g_atomic_int_set (&work->speed[side], (int) items_per_second);
}

/**
 * queue_work_get_depth:
 * @work: a job
 *
 * Returns: how many items are in the queue now (it takes the queue's lock
 *   for a moment: cheap enough for twenty times a second)
 */
guint
queue_work_get_depth (QueueWork *work)
{
  g_return_val_if_fail (work != NULL, 0);

  return (guint) queue_depth (work);
}

/**
 * queue_work_stop:
 * @work: a running job
 *
 * The producer stops making items and puts the sentinel in behind the
 * items queued; the consumer uses them all at its own pace, takes the
 * sentinel, and the last news, with @finished set, ends the job. With
 * %QUEUE_NO_SENTINEL no sentinel comes: the consumer uses the items queued,
 * and gives up at its next look at the stop flag.
 */
void
queue_work_stop (QueueWork *work)
{
  g_return_if_fail (work != NULL);

  g_atomic_int_set (&work->stopping, TRUE);
}

/**
 * queue_work_free:
 * @work: (transfer full): a job, running or finished
 *
 * Lets go of the job. Threads still running are stopped and joined first:
 * the consumer drains the queue without its naps, so this takes a few
 * milliseconds, and no thread outlives its owner. A delivery already
 * scheduled is removed and calls nobody. It may be called from the news
 * function.
 */
void
queue_work_free (QueueWork *work)
{
  if (work == NULL)
    return;

  stop_join_and_free (work);
}
