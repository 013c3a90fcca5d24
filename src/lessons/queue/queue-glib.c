/* queue-glib.c — producer and consumer on a bounded GAsyncQueue
 *
 * GAsyncQueue does the locking, but it has no size limit: a fast producer
 * would fill the memory. Here the bound is a count of free slots under a
 * GMutex, with a GCond to wait on (a counting semaphore): the producer takes
 * a slot before each push, waiting while there is none (back-pressure), and
 * the consumer gives one back for each item it pops. The producer ends with
 * a sentinel, which the consumer pops after every real item, and stops.
 * Two runs: one to the end, one stopped early.
 *
 * Build: gcc queue-glib.c -o queue $(pkg-config --cflags --libs gio-2.0) -pthread
 */

#include <glib.h>

#define CAPACITY 5

typedef struct
{
  guint number;
} Item;

/* The sentinel: an address no real item can have. */
static Item end_of_items;
#define SENTINEL (&end_of_items)

typedef struct
{
  GAsyncQueue *queue;
  guint n_items;
  int stopping;             /* set by the main thread, g_atomic_int_*() */

  /* The bound: how many more items fit in the queue. */
  GMutex space_lock;
  GCond space_freed;
  guint free_slots;         /* guarded by space_lock */

  /* Written by the producer only. */
  guint produced, waits, deepest, left_in_queue;
  /* Written by the consumer only. */
  guint consumed, last;
} Run;

static void
wait_for_space (Run *run)
{
  g_mutex_lock (&run->space_lock);
  if (run->free_slots == 0)
    run->waits++;               /* full: back-pressure */
  while (run->free_slots == 0)  /* a loop: wake-ups can be spurious */
    g_cond_wait (&run->space_freed, &run->space_lock);
  run->free_slots--;
  g_mutex_unlock (&run->space_lock);
}

static void
give_back_space (Run *run)
{
  g_mutex_lock (&run->space_lock);
  run->free_slots++;
  g_cond_signal (&run->space_freed);
  g_mutex_unlock (&run->space_lock);
}

/* g_async_queue_length() is the items minus the threads waiting in pop. */
static guint
depth (Run *run)
{
  return (guint) MAX (g_async_queue_length (run->queue), 0);
}

static gpointer
producer_thread (gpointer data)
{
  Run *run = data;

  for (guint number = 0; number < run->n_items; number++)
    {
      Item *item;

      if (g_atomic_int_get (&run->stopping))
        break;
      item = g_new (Item, 1);   /* making an item is quick */
      item->number = number;
      wait_for_space (run);     /* a slot first, so the queue never grows past CAPACITY */
      g_async_queue_push (run->queue, item);
      run->produced++;
      run->deepest = MAX (run->deepest, depth (run));
    }

  /* Done or stopped: the consumer must be told, or it would wait in pop
   * forever and could never be joined. The sentinel takes a slot too. */
  run->left_in_queue = depth (run);
  wait_for_space (run);
  g_async_queue_push (run->queue, SENTINEL);
  return NULL;
}

static gpointer
consumer_thread (gpointer data)
{
  Run *run = data;
  Item *item;

  /* Pops in order, sleeping while the queue is empty, until the sentinel. */
  while ((item = g_async_queue_pop (run->queue)) != SENTINEL)
    {
      give_back_space (run);    /* the item left the queue: a slot is free */
      g_usleep (2000);          /* using the item is slower than making it */
      run->last = item->number;
      run->consumed++;
      g_free (item);
    }
  give_back_space (run);
  return NULL;
}

static void
run_once (const char *name,
          guint       n_items,
          guint       stop_after_ms)
{
  Run run = { 0 };
  GThread *producer, *consumer;

  run.queue = g_async_queue_new ();
  run.n_items = n_items;
  g_mutex_init (&run.space_lock);
  g_cond_init (&run.space_freed);
  run.free_slots = CAPACITY;

  producer = g_thread_new ("producer", producer_thread, &run);
  consumer = g_thread_new ("consumer", consumer_thread, &run);
  if (stop_after_ms > 0)
    {
      g_usleep (stop_after_ms * G_TIME_SPAN_MILLISECOND);
      g_atomic_int_set (&run.stopping, TRUE);   /* Stop: the sentinel now */
    }
  /* Both threads end by themselves: the joins wait for the queue to drain. */
  g_thread_join (producer);
  g_thread_join (consumer);

  g_print ("%s: produced %u, consumed %u, the last one used: item %u\n",
           name, run.produced, run.consumed, run.last);
  g_print ("%s: deepest %u of %d, producer found it full %u times, "
           "%u items still queued when it stopped making them\n",
           name, run.deepest, CAPACITY, run.waits, run.left_in_queue);

  g_async_queue_unref (run.queue);   /* empty: the consumer took everything */
  g_cond_clear (&run.space_freed);
  g_mutex_clear (&run.space_lock);
}

int
main (void)
{
  run_once ("to the end", 200, 0);
  run_once ("stopped early", 100000, 200);
  return 0;
}
