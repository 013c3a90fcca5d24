/* lesson-queue.c — A bounded queue between two threads
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A producer thread makes items and puts them in a GAsyncQueue; a consumer
 * thread takes them out and uses them. Each runs at its own speed, which the
 * learner sets with a slider while they run.
 *
 *   lesson.start   the producer makes 200 items. The queue holds at most
 *                  "capacity" of them: when it is full, the producer waits
 *                  for the consumer (back-pressure). At the end the producer
 *                  puts a sentinel, a special item that means "no more";
 *                  the consumer stops when it takes it out. Both threads
 *                  are joined.
 *
 *   lesson.stop    the producer stops making items and sends the sentinel
 *                  at once. It waits behind the items already queued, so the
 *                  consumer still uses every one of them: in the end,
 *                  produced == consumed.
 *
 * GAsyncQueue has no size limit of its own, so the limit is a count of free
 * slots under a GMutex, with a GCond to wait on.
 *
 * Read it top to bottom: the items, the bound, the producer, the consumer,
 * the hand-off to the main thread, and the widget with its depth graph.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "thaw-lesson.h"
#include "thaw-priority.h"
#include "thaw-thread-timeline.h"
#include "thaw-timeline.h"
#include "thaw-tsan.h"

#define ITEMS_PER_RUN 200
#define DEFAULT_CAPACITY 10
#define MAX_CAPACITY 50
/* Items per second. The producer is faster by default, so the queue fills
 * up and the back-pressure shows. */
#define DEFAULT_PRODUCER_SPEED 120
#define DEFAULT_CONSUMER_SPEED 80
#define MIN_SPEED 5
#define MAX_SPEED 250

/* The threads nap in slices this long, looking at the stop flags between. */
#define NAP_SLICE_MS 5

/* The depth graph: a sample every 50 ms, the last six seconds of them. */
#define SAMPLE_MS 50
#define N_SAMPLES 120

/* What travels through the queue. The consumer reads what the producer
 * wrote, so the queue is a hand-off of memory, not only of a pointer. */
typedef struct
{
  guint number;
  gint64 queued_at;         /* when the producer put it in the queue */
} Item;

/* The sentinel: an address no real item can have. The consumer compares
 * pointers; it never reads the sentinel's contents. */
static Item end_of_items;
#define SENTINEL (&end_of_items)

/* One run, shared by the main thread and the two workers.
 *
 * Set on the main thread before the threads start, then read-only: queue,
 * timeline, lanes, capacity. The speeds and flags change while the threads
 * run, so they are int and only touched with g_atomic_int_*().
 */
typedef struct
{
  gatomicrefcount ref_count;
  GWeakRef lesson;          /* main thread only */
  GAsyncQueue *queue;
  ThawTimeline *timeline;
  guint producer_lane;
  guint consumer_lane;
  guint capacity;

  /* The bound: how many more items fit in the queue. */
  GMutex space_lock;
  GCond space_freed;
  guint free_slots;         /* guarded by space_lock */

  /* Knobs and flags, changed by the main thread at any time. */
  int producer_speed;       /* items per second */
  int consumer_speed;
  int stopping;             /* the producer should stop making items */
  int hurrying;             /* the window is closing: the consumer skips its naps */

  /* Measured by the workers. */
  int produced;
  int consumed;
  int max_depth;
  int producer_waits;       /* times the producer found the queue full */
  int consumer_waits;       /* times the consumer found it empty */
  int max_wait_us;          /* the longest an item spent in the queue */
  int finished;             /* the consumer has taken the sentinel */

  /* TRUE while a delivery is scheduled on the main loop and has not run. */
  int delivery_pending;
} QueueRun;

static QueueRun *
queue_run_new (gpointer      lesson,
               ThawTimeline *timeline,
               guint         capacity,
               guint         producer_speed,
               guint         consumer_speed)
{
  QueueRun *run = g_new0 (QueueRun, 1);

  g_atomic_ref_count_init (&run->ref_count);
  g_weak_ref_init (&run->lesson, lesson);
  run->queue = g_async_queue_new ();
  run->timeline = thaw_timeline_ref (timeline);
  /* Translators: the name of a lane of the thread timeline. */
  run->producer_lane = thaw_timeline_add_lane (timeline, _("Producer"));
  /* Translators: the name of a lane of the thread timeline. */
  run->consumer_lane = thaw_timeline_add_lane (timeline, _("Consumer"));
  run->capacity = capacity;

  g_mutex_init (&run->space_lock);
  g_cond_init (&run->space_freed);
  run->free_slots = capacity;

  run->producer_speed = (int) producer_speed;
  run->consumer_speed = (int) consumer_speed;

  return run;
}

static QueueRun *
queue_run_ref (QueueRun *run)
{
  g_atomic_ref_count_inc (&run->ref_count);
  return run;
}

static void
queue_run_unref (QueueRun *run)
{
  Item *item;

  if (!g_atomic_ref_count_dec (&run->ref_count))
    return;

  /* The last reference can be dropped by a worker: nothing here belongs
   * to the main thread. After a clean stop the queue is empty; this only
   * matters if the threads never started. */
  while ((item = g_async_queue_try_pop (run->queue)) != NULL)
    if (item != SENTINEL)
      g_free (item);
  g_async_queue_unref (run->queue);

  g_weak_ref_clear (&run->lesson);
  thaw_timeline_unref (run->timeline);
  g_cond_clear (&run->space_freed);
  g_mutex_clear (&run->space_lock);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QueueRun, queue_run_unref)

static void publish_progress (QueueRun *run);

/* Stands for the time it takes to make or to use an item: 1/speed seconds,
 * napped in short slices. Returns FALSE, early, if *interrupt is set. */
static gboolean
nap (const int *speed,
     int       *interrupt)
{
  /* Read once per item: a slider moved mid-run counts from the next one. */
  gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC / MAX (g_atomic_int_get (speed), 1);
  gint64 now;

  /* The clock is read once a slice: read again for the length of the
   * nap, it could already be past the end, and g_usleep() would take
   * the negative time left for an endless one. */
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
wait_for_space (QueueRun *run)
{
  thaw_mutex_lock (&run->space_lock);

  if (run->free_slots == 0)
    {
      /* Full: back-pressure. The producer can only go as fast as the
       * consumer now. */
      g_atomic_int_inc (&run->producer_waits);
      thaw_timeline_record (run->timeline, run->producer_lane, THAW_LANE_WAITING);

      /* A loop: wake-ups can be spurious. */
      while (run->free_slots == 0)
        thaw_cond_wait (&run->space_freed, &run->space_lock);

      thaw_timeline_record (run->timeline, run->producer_lane, THAW_LANE_RUNNING);
    }

  run->free_slots--;

  thaw_mutex_unlock (&run->space_lock);
}

static void
give_back_space (QueueRun *run)
{
  thaw_mutex_lock (&run->space_lock);
  run->free_slots++;
  g_cond_signal (&run->space_freed);
  thaw_mutex_unlock (&run->space_lock);
}

/* How full the queue is. g_async_queue_length() counts the items minus the
 * threads waiting in pop, so it is -1 while the consumer waits on an empty
 * queue. */
static int
queue_depth (QueueRun *run)
{
  return MAX (g_async_queue_length (run->queue), 0);
}

/* The producer. */

static void
put (QueueRun *run,
     Item     *item)
{
  int depth;

  wait_for_space (run);

  item->queued_at = g_get_monotonic_time ();
  /* Counted before the push, so that "consumed" can never run ahead. */
  g_atomic_int_inc (&run->produced);
  /* Everything written to the item so far happens before the consumer
   * reads it; GLib's queue does that, but ThreadSanitizer cannot see it. */
  THAW_TSAN_RELEASE (item);
  g_async_queue_push (run->queue, item);

  /* Only the producer makes the queue deeper, so only it needs to look,
   * and only it writes max_depth: no compare-and-exchange needed. */
  depth = queue_depth (run);
  if (depth > g_atomic_int_get (&run->max_depth))
    g_atomic_int_set (&run->max_depth, depth);

  publish_progress (run);
}

static gpointer
producer_thread (gpointer data)
{
  /* The thread was given a reference of its own; it drops it on return. */
  g_autoptr(QueueRun) run = data;

  thaw_thread_set_background_priority ();
  thaw_timeline_record (run->timeline, run->producer_lane, THAW_LANE_RUNNING);

  for (guint number = 1; number <= ITEMS_PER_RUN; number++)
    {
      Item *item;

      /* Making an item takes a while. Stop interrupts it: a half-made item
       * was never put in the queue, so it was never produced. */
      if (!nap (&run->producer_speed, &run->stopping))
        break;

      item = g_new0 (Item, 1);
      item->number = number;
      put (run, item);
    }

  /* Done or stopped, the consumer must be told there is no more: without
   * the sentinel it would wait in g_async_queue_pop() forever, and joining
   * it would hang. The sentinel goes in last, behind every item, and takes
   * a slot like them, so the queue never holds more than its capacity. */
  wait_for_space (run);
  g_async_queue_push (run->queue, SENTINEL);

  thaw_timeline_record (run->timeline, run->producer_lane, THAW_LANE_FINISHED);

  return NULL;
}

/* The consumer. */

static Item *
take (QueueRun *run)
{
  Item *item = g_async_queue_try_pop (run->queue);

  if (item == NULL)
    {
      /* Empty: the consumer waits for the producer. */
      g_atomic_int_inc (&run->consumer_waits);
      thaw_timeline_record (run->timeline, run->consumer_lane, THAW_LANE_WAITING);
      item = g_async_queue_pop (run->queue);
      thaw_timeline_record (run->timeline, run->consumer_lane, THAW_LANE_RUNNING);
    }

  /* Pairs with the release in put(). */
  THAW_TSAN_ACQUIRE (item);

  /* The item has left the queue: its slot is free for the next one. */
  give_back_space (run);

  return item;
}

static void
use (QueueRun *run,
     Item     *item)
{
  int waited_us = (int) MIN (g_get_monotonic_time () - item->queued_at, G_MAXINT);

  /* Only the consumer writes max_wait_us. */
  if (waited_us > g_atomic_int_get (&run->max_wait_us))
    g_atomic_int_set (&run->max_wait_us, waited_us);

  /* Using an item takes a while, unless the window is closing: then
   * nobody will see the result, and the queue is drained at once. */
  nap (&run->consumer_speed, &run->hurrying);

  g_free (item);
  g_atomic_int_inc (&run->consumed);
  publish_progress (run);
}

static gpointer
consumer_thread (gpointer data)
{
  g_autoptr(QueueRun) run = data;

  thaw_thread_set_background_priority ();
  thaw_timeline_record (run->timeline, run->consumer_lane, THAW_LANE_RUNNING);

  for (;;)
    {
      Item *item = take (run);

      if (item == SENTINEL)
        break;

      use (run, item);
    }

  thaw_timeline_record (run->timeline, run->consumer_lane, THAW_LANE_FINISHED);
  g_atomic_int_set (&run->finished, TRUE);
  publish_progress (run);

  return NULL;
}

static gboolean deliver_progress_cb (gpointer data);

/* Called by the workers as often as they like; at most one delivery waits
 * on the main loop, and it reads the latest figures when it runs. */
static void
publish_progress (QueueRun *run)
{
  if (g_atomic_int_compare_and_exchange (&run->delivery_pending, FALSE, TRUE))
    {
      /* The idle callback holds its own reference, so the run outlives it
       * even after the lesson and both workers let go of theirs. */
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE,
                       deliver_progress_cb,
                       queue_run_ref (run),
                       (GDestroyNotify) queue_run_unref);
    }
}

/* The widget. Everything below runs on the main thread. */

#define THAW_TYPE_LESSON_QUEUE (thaw_lesson_queue_get_type ())
G_DECLARE_FINAL_TYPE (ThawLessonQueue, thaw_lesson_queue, THAW, LESSON_QUEUE, ThawLesson)

struct _ThawLessonQueue
{
  ThawLesson parent_instance;

  GtkWidget *capacity_row;
  GtkDrawingArea *graph;
  ThawThreadTimeline *lanes;
  GtkLabel *status;
  GtkLabel *produced_value;
  GtkLabel *consumed_value;
  GtkLabel *depth_value;
  GtkLabel *producer_waits_value;
  GtkLabel *consumer_waits_value;
  GtkLabel *max_wait_value;

  /* The knobs. */
  guint capacity;
  guint producer_speed;
  guint consumer_speed;

  /* While a run goes on: the run and its two threads. */
  QueueRun *run;
  GThread *producer;
  GThread *consumer;
  gint64 started_at;

  /* The depth graph: the newest sample at [n_samples - 1]. */
  guint sample_id;
  guint depths[N_SAMPLES];
  guint n_samples;
  guint graph_capacity;

  /* The last run, for --report. */
  const char *state;
  guint produced;
  guint consumed;
  guint run_capacity;
  guint max_depth;
  guint producer_waits;
  guint consumer_waits;
  double max_wait_ms;
  double seconds;
};

G_DEFINE_FINAL_TYPE (ThawLessonQueue, thaw_lesson_queue, THAW_TYPE_LESSON)

enum {
  PROP_0,
  PROP_CAPACITY,
  PROP_PRODUCER_SPEED,
  PROP_CONSUMER_SPEED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_running (ThawLessonQueue *self,
             gboolean         running)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.start", !running);
  thaw_lesson_set_busy (THAW_LESSON (self), running);
  /* The capacity is fixed for a run; the speeds can change as it goes. */
  gtk_widget_set_sensitive (self->capacity_row, !running);
}

static void
set_number (GtkLabel *label,
            guint     value)
{
  g_autofree char *text = g_strdup_printf ("%u", value);

  gtk_label_set_text (label, text);
}

static void
show_figures (ThawLessonQueue *self)
{
  g_autofree char *depth = NULL;
  g_autofree char *wait = NULL;

  set_number (self->produced_value, self->produced);
  set_number (self->consumed_value, self->consumed);
  set_number (self->producer_waits_value, self->producer_waits);
  set_number (self->consumer_waits_value, self->consumer_waits);

  /* Translators: the deepest the queue got, and its capacity: "10 of 10". */
  depth = g_strdup_printf (_("%u of %u"), self->max_depth, self->run_capacity);
  gtk_label_set_text (self->depth_value, depth);

  /* Translators: a duration in milliseconds. */
  wait = g_strdup_printf (_("%.0f ms"), self->max_wait_ms);
  gtk_label_set_text (self->max_wait_value, wait);
}

/* The depth graph: a sample of how full the queue is, every SAMPLE_MS. */

static void
add_sample (ThawLessonQueue *self,
            guint            depth)
{
  if (self->n_samples == N_SAMPLES)
    {
      memmove (self->depths, self->depths + 1, (N_SAMPLES - 1) * sizeof self->depths[0]);
      self->n_samples--;
    }

  self->depths[self->n_samples++] = depth;
  gtk_widget_queue_draw (GTK_WIDGET (self->graph));
}

static gboolean
sample_depth_cb (gpointer data)
{
  ThawLessonQueue *self = data;

  /* g_async_queue_length() takes the queue's lock for a moment: cheap
   * enough for the main thread twenty times a second. */
  add_sample (self, (guint) queue_depth (self->run));

  return G_SOURCE_CONTINUE;
}

static void
draw_graph (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        data)
{
  ThawLessonQueue *self = data;
  GdkRGBA fg, fill, full;
  double top = 6, bottom = height - 2;
  double step = (double) width / (N_SAMPLES - 1);
  double scale;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  gdk_rgba_parse (&fill, "#3584e4");
  gdk_rgba_parse (&full, "#e66100");

  /* The frame. */
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.06);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);

  /* The capacity, as a dashed line at the top: the queue can never go
   * above it. */
  scale = (bottom - top) / MAX (self->graph_capacity, 1);
  cairo_set_line_width (cr, 1.5);
  cairo_set_dash (cr, (double[]) { 4, 3 }, 2, 0);
  gdk_cairo_set_source_rgba (cr, &full);
  cairo_move_to (cr, 0, top);
  cairo_line_to (cr, width, top);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  if (self->n_samples < 2)
    return;

  /* The depth, newest at the right edge. */
  cairo_move_to (cr, width - (self->n_samples - 1) * step, bottom);
  for (guint i = 0; i < self->n_samples; i++)
    cairo_line_to (cr,
                   width - (self->n_samples - 1 - i) * step,
                   bottom - MIN (self->depths[i], self->graph_capacity) * scale);
  cairo_line_to (cr, width, bottom);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, fill.red, fill.green, fill.blue, 0.35);
  cairo_fill_preserve (cr);
  gdk_cairo_set_source_rgba (cr, &fill);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
}

/* The run. */

static void
finish_run (ThawLessonQueue *self)
{
  g_autofree char *status = NULL;
  gboolean stopped = g_atomic_int_get (&self->run->stopping);

  /* The consumer has taken the sentinel, so both threads are returning:
   * these joins wait microseconds. */
  g_thread_join (g_steal_pointer (&self->producer));
  g_thread_join (g_steal_pointer (&self->consumer));
  g_clear_pointer (&self->run, queue_run_unref);
  g_clear_handle_id (&self->sample_id, g_source_remove);
  add_sample (self, 0);

  self->seconds = (double) (g_get_monotonic_time () - self->started_at) / G_USEC_PER_SEC;
  self->state = stopped ? "cancelled" : "succeeded";

  if (stopped)
    status = g_strdup_printf (_("Stopped after %.1f s: %u produced, %u consumed. "
                                "Every item in the queue was used before the sentinel."),
                              self->seconds, self->produced, self->consumed);
  else
    status = g_strdup_printf (_("Done in %.1f s: %u produced, %u consumed. "
                                "The sentinel came last and the consumer stopped."),
                              self->seconds, self->produced, self->consumed);
  gtk_label_set_text (self->status, status);

  set_running (self, FALSE);
}

/* A delivery from the workers, running on the main thread. */
static gboolean
deliver_progress_cb (gpointer data)
{
  QueueRun *run = data;
  g_autoptr(ThawLessonQueue) self = NULL;
  gboolean finished;

  /* Clear the flag before reading, so that news published after this point
   * schedules a new delivery instead of being lost. */
  g_atomic_int_set (&run->delivery_pending, FALSE);

  /* Read "finished" first: if it is set, everything the consumer counted
   * before setting it is already visible. */
  finished = g_atomic_int_get (&run->finished);

  /* The lesson may be gone, or may have moved on to another run. */
  self = g_weak_ref_get (&run->lesson);
  if (self == NULL || self->run != run)
    return G_SOURCE_REMOVE;

  self->produced = (guint) g_atomic_int_get (&run->produced);
  self->consumed = (guint) g_atomic_int_get (&run->consumed);
  self->max_depth = (guint) g_atomic_int_get (&run->max_depth);
  self->producer_waits = (guint) g_atomic_int_get (&run->producer_waits);
  self->consumer_waits = (guint) g_atomic_int_get (&run->consumer_waits);
  self->max_wait_ms = g_atomic_int_get (&run->max_wait_us) / 1000.0;
  show_figures (self);

  if (finished)
    finish_run (self);

  return G_SOURCE_REMOVE;
}

static void
fail_run (ThawLessonQueue *self,
          const GError    *error)
{
  g_autofree char *status = NULL;

  g_clear_handle_id (&self->sample_id, g_source_remove);
  g_clear_pointer (&self->run, queue_run_unref);
  self->state = "failed";
  /* Translators: "%s" is an error message. */
  status = g_strdup_printf (_("Could not start the threads: %s"), error->message);
  gtk_label_set_text (self->status, status);
  set_running (self, FALSE);
}

/* lesson.start: a producer and a consumer, joined by a bounded queue. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonQueue *self = THAW_LESSON_QUEUE (widget);
  g_autoptr(ThawTimeline) timeline = thaw_timeline_new (0);
  g_autoptr(GError) error = NULL;

  if (self->run != NULL)
    return;

  self->run = queue_run_new (self, timeline, self->capacity,
                             self->producer_speed, self->consumer_speed);
  thaw_thread_timeline_set_timeline (self->lanes, timeline);

  self->started_at = g_get_monotonic_time ();
  self->state = "running";
  self->run_capacity = self->capacity;
  self->produced = self->consumed = 0;
  self->max_depth = self->producer_waits = self->consumer_waits = 0;
  self->max_wait_ms = 0;
  self->seconds = 0;
  show_figures (self);
  gtk_label_set_text (self->status, _("Producing and consuming…"));
  set_running (self, TRUE);

  self->n_samples = 0;
  self->graph_capacity = self->capacity;
  self->sample_id = g_timeout_add (SAMPLE_MS, sample_depth_cb, self);

  /* The consumer first: if the producer cannot start, the consumer is
   * still there to be told, with the sentinel, that nothing will come. */
  self->consumer = g_thread_try_new ("thaw-consumer", consumer_thread,
                                     queue_run_ref (self->run), &error);
  if (self->consumer == NULL)
    {
      /* The thread never started: its reference is still ours. */
      queue_run_unref (self->run);
      fail_run (self, error);
      return;
    }

  self->producer = g_thread_try_new ("thaw-producer", producer_thread,
                                     queue_run_ref (self->run), &error);
  if (self->producer == NULL)
    {
      queue_run_unref (self->run);
      g_async_queue_push (self->run->queue, SENTINEL);
      g_thread_join (g_steal_pointer (&self->consumer));
      fail_run (self, error);
    }
}

/* lesson.stop: the producer stops and sends the sentinel; the consumer
 * finishes what is queued, and its last delivery ends the run. */
static void
stop_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonQueue *self = THAW_LESSON_QUEUE (widget);

  if (self->run == NULL)
    return;

  g_atomic_int_set (&self->run->stopping, TRUE);
  gtk_label_set_text (self->status, _("Stopping: the consumer finishes the items still in the queue…"));
}

static void
thaw_lesson_queue_report (ThawLesson  *lesson,
                          JsonBuilder *builder)
{
  ThawLessonQueue *self = THAW_LESSON_QUEUE (lesson);

  json_builder_set_member_name (builder, "job_state");
  json_builder_add_string_value (builder, self->state);
  json_builder_set_member_name (builder, "produced");
  json_builder_add_int_value (builder, self->produced);
  json_builder_set_member_name (builder, "consumed");
  json_builder_add_int_value (builder, self->consumed);
  json_builder_set_member_name (builder, "capacity");
  json_builder_add_int_value (builder, self->run_capacity);
  json_builder_set_member_name (builder, "max_depth");
  json_builder_add_int_value (builder, self->max_depth);
  json_builder_set_member_name (builder, "producer_waits");
  json_builder_add_int_value (builder, self->producer_waits);
  json_builder_set_member_name (builder, "consumer_waits");
  json_builder_add_int_value (builder, self->consumer_waits);
  json_builder_set_member_name (builder, "max_wait_ms");
  json_builder_add_double_value (builder, self->max_wait_ms);
  json_builder_set_member_name (builder, "job_seconds");
  json_builder_add_double_value (builder, self->seconds);
}

static void
thaw_lesson_queue_dispose (GObject *object)
{
  ThawLessonQueue *self = THAW_LESSON_QUEUE (object);

  /* The window is closing mid-run. The same clean stop, only faster: the
   * producer stops, the consumer drains the queue without its naps, takes
   * the sentinel and returns. Both look at their flags every NAP_SLICE_MS,
   * so the joins take a few milliseconds. */
  if (self->run != NULL)
    {
      g_atomic_int_set (&self->run->stopping, TRUE);
      g_atomic_int_set (&self->run->hurrying, TRUE);
      g_thread_join (g_steal_pointer (&self->producer));
      g_thread_join (g_steal_pointer (&self->consumer));
      g_clear_pointer (&self->run, queue_run_unref);
    }

  g_clear_handle_id (&self->sample_id, g_source_remove);

  G_OBJECT_CLASS (thaw_lesson_queue_parent_class)->dispose (object);
}

static void
thaw_lesson_queue_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ThawLessonQueue *self = THAW_LESSON_QUEUE (object);

  switch (prop_id)
    {
    case PROP_CAPACITY:
      g_value_set_uint (value, self->capacity);
      break;

    case PROP_PRODUCER_SPEED:
      g_value_set_uint (value, self->producer_speed);
      break;

    case PROP_CONSUMER_SPEED:
      g_value_set_uint (value, self->consumer_speed);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* A speed changed: the running threads see it at their next item. */
static void
set_speed (ThawLessonQueue *self,
           guint           *speed,
           guint            value,
           GParamSpec      *pspec)
{
  if (*speed == value)
    return;

  *speed = value;
  if (self->run != NULL)
    {
      if (speed == &self->producer_speed)
        g_atomic_int_set (&self->run->producer_speed, (int) value);
      else
        g_atomic_int_set (&self->run->consumer_speed, (int) value);
    }
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

static void
thaw_lesson_queue_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ThawLessonQueue *self = THAW_LESSON_QUEUE (object);

  switch (prop_id)
    {
    case PROP_CAPACITY:
      /* A run copies the capacity when it starts. */
      if (self->capacity != g_value_get_uint (value))
        {
          self->capacity = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_PRODUCER_SPEED:
      set_speed (self, &self->producer_speed, g_value_get_uint (value), pspec);
      break;

    case PROP_CONSUMER_SPEED:
      set_speed (self, &self->consumer_speed, g_value_get_uint (value), pspec);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_lesson_queue_class_init (ThawLessonQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  object_class->dispose = thaw_lesson_queue_dispose;
  object_class->get_property = thaw_lesson_queue_get_property;
  object_class->set_property = thaw_lesson_queue_set_property;
  lesson_class->report = thaw_lesson_queue_report;

  properties[PROP_CAPACITY] =
    g_param_spec_uint ("capacity", NULL, NULL,
                       1, MAX_CAPACITY, DEFAULT_CAPACITY,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRODUCER_SPEED] =
    g_param_spec_uint ("producer-speed", NULL, NULL,
                       MIN_SPEED, MAX_SPEED, DEFAULT_PRODUCER_SPEED,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONSUMER_SPEED] =
    g_param_spec_uint ("consumer-speed", NULL, NULL,
                       MIN_SPEED, MAX_SPEED, DEFAULT_CONSUMER_SPEED,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "lesson.start", NULL, start_cb);
  gtk_widget_class_install_action (widget_class, "lesson.stop", NULL, stop_cb);
}

static GtkWidget *
make_button (const char *label,
             const char *action,
             const char *style)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_add_css_class (button, "pill");
  if (style != NULL)
    gtk_widget_add_css_class (button, style);

  return button;
}

static GtkAdjustment *
make_adjustment (ThawLessonQueue *self,
                 const char      *property,
                 double           step)
{
  GParamSpecUInt *pspec = G_PARAM_SPEC_UINT (g_object_class_find_property (G_OBJECT_GET_CLASS (self),
                                                                           property));
  GtkAdjustment *adjustment;

  adjustment = gtk_adjustment_new (pspec->default_value, pspec->minimum, pspec->maximum,
                                   step, step * 10, 0);
  g_object_bind_property (self, property, adjustment, "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  return adjustment;
}

/* A row with a spin button for the capacity. */
static GtkWidget *
make_spin_row (ThawLessonQueue *self,
               const char      *title,
               const char      *property)
{
  GtkWidget *row, *spin;

  spin = gtk_spin_button_new (make_adjustment (self, property, 1), 1, 0);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  /* libadwaita names the row's activatable spin button by the row's title;
   * a label of its own would be read after it. */
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);

  return row;
}

static gboolean
speed_to_text (GBinding     *binding,
               const GValue *from,
               GValue       *to,
               gpointer      data)
{
  guint speed = g_value_get_uint (from);

  g_value_take_string (to, g_strdup_printf (ngettext ("%u item per second",
                                                      "%u items per second", speed),
                                            speed));
  return TRUE;
}

/* A row with a slider for a speed, in items per second. */
static GtkWidget *
make_slider_row (ThawLessonQueue *self,
                 const char      *title,
                 const char      *property)
{
  GtkWidget *row, *scale;

  scale = gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, make_adjustment (self, property, 1));
  gtk_scale_set_digits (GTK_SCALE (scale), 0);
  gtk_range_set_round_digits (GTK_RANGE (scale), 0);
  gtk_scale_set_draw_value (GTK_SCALE (scale), FALSE);
  gtk_widget_set_hexpand (scale, TRUE);
  gtk_widget_set_size_request (scale, 140, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (scale),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  /* The subtitle says the value: "120 items per second". */
  g_object_bind_property_full (self, property, row, "subtitle",
                               G_BINDING_SYNC_CREATE,
                               speed_to_text, NULL, NULL, NULL);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), scale);

  return row;
}

/* One measured figure: a caption above a big number. */
static GtkWidget *
make_figure (const char  *title,
             GtkLabel   **value)
{
  GtkWidget *box, *heading, *number;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);

  heading = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_label_set_wrap (GTK_LABEL (heading), TRUE);
  gtk_widget_add_css_class (heading, "caption-heading");
  gtk_widget_add_css_class (heading, "dim-label");
  gtk_box_append (GTK_BOX (box), heading);

  /* Translators: shown instead of a figure not measured yet. */
  number = gtk_label_new (_("—"));
  gtk_label_set_xalign (GTK_LABEL (number), 0);
  gtk_widget_add_css_class (number, "title-2");
  gtk_widget_add_css_class (number, "numeric");
  gtk_accessible_update_property (GTK_ACCESSIBLE (number),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  gtk_box_append (GTK_BOX (box), number);

  *value = GTK_LABEL (number);

  return box;
}

static GtkWidget *
make_heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "heading");

  return label;
}

static void
thaw_lesson_queue_init (ThawLessonQueue *self)
{
  GtkWidget *box, *buttons, *knobs, *figures, *heading, *graph, *lanes, *status;
  g_autoptr(ThawTimeline) empty = thaw_timeline_new (16);

  self->state = "idle";
  self->capacity = DEFAULT_CAPACITY;
  self->producer_speed = DEFAULT_PRODUCER_SPEED;
  self->consumer_speed = DEFAULT_CONSUMER_SPEED;
  self->run_capacity = DEFAULT_CAPACITY;
  self->graph_capacity = DEFAULT_CAPACITY;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);

  buttons = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (buttons), FALSE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 2);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Produce and Consume"), "lesson.start", "suggested-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Stop"), "lesson.stop", NULL));
  gtk_box_append (GTK_BOX (box), buttons);

  knobs = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (knobs), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (knobs, "boxed-list");
  self->capacity_row = make_spin_row (self, _("Capacity of the queue"), "capacity");
  gtk_list_box_append (GTK_LIST_BOX (knobs), self->capacity_row);
  gtk_list_box_append (GTK_LIST_BOX (knobs),
                       make_slider_row (self, _("Producer speed"), "producer-speed"));
  gtk_list_box_append (GTK_LIST_BOX (knobs),
                       make_slider_row (self, _("Consumer speed"), "consumer-speed"));
  gtk_box_append (GTK_BOX (box), knobs);

  figures = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (figures), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (figures), TRUE);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (figures), 2);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (figures), 3);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (figures), 12);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (figures), 12);
  gtk_flow_box_append (GTK_FLOW_BOX (figures),
                       make_figure (_("Produced"), &self->produced_value));
  gtk_flow_box_append (GTK_FLOW_BOX (figures),
                       make_figure (_("Consumed"), &self->consumed_value));
  gtk_flow_box_append (GTK_FLOW_BOX (figures),
                       make_figure (_("Deepest"), &self->depth_value));
  gtk_flow_box_append (GTK_FLOW_BOX (figures),
                       make_figure (_("Producer found it full"), &self->producer_waits_value));
  gtk_flow_box_append (GTK_FLOW_BOX (figures),
                       make_figure (_("Consumer found it empty"), &self->consumer_waits_value));
  gtk_flow_box_append (GTK_FLOW_BOX (figures),
                       make_figure (_("Longest time in the queue"), &self->max_wait_value));
  gtk_box_append (GTK_BOX (box), figures);

  heading = make_heading (_("Items in the queue, last six seconds"));
  gtk_box_append (GTK_BOX (box), heading);
  graph = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (graph), 72);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (graph), draw_graph, self, NULL);
  /* A screen reader names the graph by the heading above it, and then says
   * how to read it. */
  gtk_accessible_update_relation (GTK_ACCESSIBLE (graph),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, heading, NULL,
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (graph),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Items in the queue over time; the dashed line is its capacity"),
                                  -1);
  gtk_box_append (GTK_BOX (box), graph);
  self->graph = GTK_DRAWING_AREA (graph);

  lanes = thaw_thread_timeline_new ();
  thaw_thread_timeline_set_span (THAW_THREAD_TIMELINE (lanes), 5);
  thaw_timeline_add_lane (empty, _("Producer"));
  thaw_timeline_add_lane (empty, _("Consumer"));
  thaw_thread_timeline_set_timeline (THAW_THREAD_TIMELINE (lanes), empty);
  gtk_accessible_update_property (GTK_ACCESSIBLE (lanes),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("What the producer and the consumer are doing, over time"),
                                  -1);
  gtk_box_append (GTK_BOX (box), lanes);
  self->lanes = THAW_THREAD_TIMELINE (lanes);

  status = gtk_label_new (_("Start, then move the sliders: a faster producer fills the queue and has to wait."));
  gtk_label_set_wrap (GTK_LABEL (status), TRUE);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_box_append (GTK_BOX (box), status);
  self->status = GTK_LABEL (status);

  adw_bin_set_child (ADW_BIN (self), box);
  set_running (self, FALSE);
}

const ThawLessonInfo thaw_lesson_queue_info = {
  .id = "queue",
  .part = THAW_PART_SHARING,
  .title = N_("Producer and Consumer"),
  .summary = N_("A bounded queue between two threads, with back-pressure and a clean stop"),
  .keywords = N_("queue;producer;consumer;GAsyncQueue;bounded;capacity;back-pressure;sentinel;pipeline;buffer"),
  .explanation =
    N_("A <b>queue</b> is the easiest way for threads to share work: one thread "
       "puts items in, another takes them out, and neither touches the other's "
       "data. <tt>GAsyncQueue</tt> does the locking: <tt>g_async_queue_push()</tt> "
       "adds an item, <tt>g_async_queue_pop()</tt> takes the oldest one, and "
       "sleeps while the queue is empty.\n\n"
       "But it has no size limit. If the producer is faster than the consumer, "
       "the queue grows until memory runs out. A <b>bounded</b> queue makes the "
       "producer wait when it is full: that is <b>back-pressure</b>, and it slows "
       "the producer down to the consumer's pace. Here the bound is a count of "
       "free slots under a <tt>GMutex</tt>, with a <tt>GCond</tt> to wait on; the "
       "consumer gives a slot back for each item it takes. Python's "
       "<tt>queue.Queue(maxsize)</tt> has the bound built in.\n\n"
       "Stopping needs care. Killing the consumer would lose the items still in "
       "the queue, and a consumer left waiting in <tt>pop()</tt> can never be "
       "joined. So the producer puts a <b>sentinel</b> in last, a special item "
       "that means “no more” (<tt>None</tt> in Python). It waits its turn behind "
       "the real items, so the consumer uses all of them first, then stops. That "
       "is why produced and consumed always end equal, even after Stop.\n\n"
       "The depth graph and the lanes tell the story: with a fast producer the "
       "queue sits at its capacity and the producer's lane is mostly waiting; "
       "with a fast consumer the queue stays near empty and the consumer waits."),
  .try_this =
    N_("Click “Produce and Consume”: the queue fills up to its capacity, and the producer's lane shows it waiting.\n"
       "While it runs, make the consumer faster than the producer: the queue empties and now the consumer waits.\n"
       "Set the capacity to 1: the queue never holds more than one item, yet the two threads still work at the same time: the producer makes the next item while the consumer uses the last one.\n"
       "Start again and press Stop early: the consumer still uses every queued item, and the two counts end equal.\n"
       "Set the consumer to 5 items per second and a capacity of 50, fill the queue, then press Stop: the sentinel waits behind every item."),
  .source = "lesson-queue.c",
  .get_type = thaw_lesson_queue_get_type,
};
