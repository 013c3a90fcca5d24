/* queue-work.h — the job of “Producer and Consumer”
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib only: no GTK here. The lesson's page (queue-page.c) shows what this
 * reports; tests/work runs it on a plain GMainLoop, under ThreadSanitizer.
 */

#pragma once

#include <glib.h>

#include "thaw-timeline.h"

G_BEGIN_DECLS

/* The lesson's job and its knobs. The producer is faster by default, so
 * the queue fills up and the back-pressure shows. Speeds are in items per
 * second. */
#define QUEUE_ITEMS_PER_RUN 200
#define QUEUE_DEFAULT_CAPACITY 10
#define QUEUE_MAX_CAPACITY 50
#define QUEUE_DEFAULT_PRODUCER_SPEED 120
#define QUEUE_DEFAULT_CONSUMER_SPEED 80
#define QUEUE_MIN_SPEED 5
#define QUEUE_MAX_SPEED 250

/* What an item carries: a block of data, as a file copy or a video
 * pipeline would pass along. It makes the memory a queue holds visible. */
#define QUEUE_ITEM_BYTES (64u * 1024u)

/**
 * QueueWay:
 * @QUEUE_BOUNDED: the right way: the queue holds at most its capacity, and
 *   the producer ends with the sentinel
 * @QUEUE_UNBOUNDED: a wrong way: no bound, so a faster producer fills the
 *   queue, and the memory, for as long as it runs
 * @QUEUE_NO_SENTINEL: a wrong way: the producer ends without the sentinel,
 *   and the consumer waits for an item that never comes, until Stop
 *
 * How a run goes.
 */
typedef enum
{
  QUEUE_BOUNDED,
  QUEUE_UNBOUNDED,
  QUEUE_NO_SENTINEL,
} QueueWay;

/**
 * QueueSide:
 * @QUEUE_PRODUCER: the thread that makes items and puts them in the queue
 * @QUEUE_CONSUMER: the thread that takes them out and uses them
 *
 * The two ends of the queue; also their lanes in the run's #ThawTimeline.
 */
typedef enum
{
  QUEUE_PRODUCER,
  QUEUE_CONSUMER,
  QUEUE_N_SIDES,
} QueueSide;

typedef struct _QueueWork QueueWork;

/**
 * QueueNews:
 * @way: how the run goes
 * @capacity: how many items the queue holds at most, the bounded way
 * @produced: items put in the queue
 * @consumed: items taken out and used
 * @max_depth: the most items the queue held at once
 * @waits: how often each side had to wait: the producer for a full queue,
 *   the consumer for an empty one
 * @max_wait_ms: the longest an item spent in the queue
 * @bytes_held: the memory the items in the queue hold now
 * @max_bytes_held: the most they held at once
 * @producer_done: the producer has made its last item, and put the
 *   sentinel in after it, unless @way is %QUEUE_NO_SENTINEL
 * @consumer_wait_ms: how long the consumer waited for an item the last
 *   time the queue was empty; with %QUEUE_NO_SENTINEL it measures a wait
 *   while it goes on
 * @finished: both threads have ended and been joined: the last news
 * @stopped: with @finished, whether Stop cut the run short
 *
 * The figures of a run, read at once on the main thread.
 */
typedef struct
{
  QueueWay way;
  guint capacity;
  guint produced;
  guint consumed;
  guint max_depth;
  guint waits[QUEUE_N_SIDES];
  double max_wait_ms;
  gsize bytes_held;
  gsize max_bytes_held;
  gboolean producer_done;
  double consumer_wait_ms;
  gboolean finished;
  gboolean stopped;
} QueueNews;

/**
 * QueueNewsFunc:
 * @news: the latest figures; valid until the function returns
 * @user_data: what was given with the function
 *
 * Receives the run's news, always on the main thread.
 */
typedef void (*QueueNewsFunc) (const QueueNews *news,
                               gpointer         user_data);

QueueWork *queue_work_start       (QueueWay       way,
                                   guint          n_items,
                                   guint          capacity,
                                   guint          producer_speed,
                                   guint          consumer_speed,
                                   ThawTimeline  *timeline,
                                   QueueNewsFunc  news_func,
                                   gpointer       user_data,
                                   GError       **error);
void       queue_work_set_speed   (QueueWork     *work,
                                   QueueSide      side,
                                   guint          items_per_second);
guint      queue_work_get_depth   (QueueWork     *work);
void       queue_work_stop        (QueueWork     *work);
void       queue_work_free        (QueueWork     *work);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QueueWork, queue_work_free)

G_END_DECLS
