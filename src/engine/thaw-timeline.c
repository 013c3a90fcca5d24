/* thaw-timeline.c — what each thread of a lesson is doing, over time
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A ring of events under one GMutex. Threads record "lane 3 is now waiting
 * for a lock" from wherever they are; the main thread copies the recent
 * events out once a frame and draws them. The lock is held for a handful of
 * stores, so it costs a recording thread well under a microsecond when
 * nobody else wants it, which is why lessons record at the edges of what
 * they do (taking a lock, finishing a chunk), never per iteration.
 *
 * Why not lock-free: the ring would then need a sequence number per slot
 * and readers that retry on a torn read. The lock is simpler to read,
 * ThreadSanitizer understands it through thaw_mutex_lock(), and the time is
 * taken while holding it, so the ring is always in time order even when
 * several threads record at once.
 */

#include "config.h"

#include "thaw-timeline.h"

#include "thaw-tsan.h"

#define DEFAULT_CAPACITY 4096

struct _ThawTimeline
{
  gatomicrefcount ref_count;

  GMutex mutex;

  /* Everything below is guarded by the mutex. */
  ThawTimelineEvent *ring;
  guint capacity;
  guint head;              /* where the next event goes */
  guint len;               /* how many events the ring holds */
  gint64 start_us;         /* the first event's time, kept when it is dropped */
  GPtrArray *lane_names;
};

/**
 * thaw_timeline_new:
 * @capacity: how many events to keep, 0 for a default of 4096
 *
 * Returns: (transfer full): an empty timeline with no lanes
 */
ThawTimeline *
thaw_timeline_new (guint capacity)
{
  ThawTimeline *self = g_new0 (ThawTimeline, 1);

  g_atomic_ref_count_init (&self->ref_count);
  g_mutex_init (&self->mutex);
  self->capacity = capacity > 0 ? capacity : DEFAULT_CAPACITY;
  self->ring = g_new0 (ThawTimelineEvent, self->capacity);
  self->lane_names = g_ptr_array_new_with_free_func (g_free);

  return self;
}

/**
 * thaw_timeline_ref:
 * @self: a timeline
 *
 * Returns: (transfer full): @self, for a thread or a widget to keep
 */
ThawTimeline *
thaw_timeline_ref (ThawTimeline *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * thaw_timeline_unref:
 * @self: (transfer full): a timeline
 *
 * Drops a reference; the last one may be dropped on any thread.
 */
void
thaw_timeline_unref (ThawTimeline *self)
{
  g_return_if_fail (self != NULL);

  /* What this thread wrote must be seen by the one that frees: the
   * decrement is that hand-off, done inside GLib where ThreadSanitizer
   * cannot see it, so it is told here. */
  THAW_TSAN_RELEASE (&self->ref_count);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  THAW_TSAN_ACQUIRE (&self->ref_count);

  g_ptr_array_unref (self->lane_names);
  g_free (self->ring);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

/**
 * thaw_timeline_add_lane:
 * @self: a timeline
 * @name: what the lane is called on screen, e.g. a thread's name
 *
 * Lanes are numbered from 0 in the order they are added, and drawn in that
 * order from the top.
 *
 * Returns: the number of the new lane
 */
guint
thaw_timeline_add_lane (ThawTimeline *self,
                        const char   *name)
{
  guint lane;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (name != NULL, 0);

  thaw_mutex_lock (&self->mutex);
  lane = self->lane_names->len;
  g_ptr_array_add (self->lane_names, g_strdup (name));
  thaw_mutex_unlock (&self->mutex);

  return lane;
}

guint
thaw_timeline_get_n_lanes (ThawTimeline *self)
{
  guint n;

  g_return_val_if_fail (self != NULL, 0);

  thaw_mutex_lock (&self->mutex);
  n = self->lane_names->len;
  thaw_mutex_unlock (&self->mutex);

  return n;
}

/**
 * thaw_timeline_get_capacity:
 * @self: a timeline
 *
 * Returns: how many events the timeline keeps before it drops the oldest;
 *   a buffer this big receives everything thaw_timeline_copy_events() has
 */
guint
thaw_timeline_get_capacity (ThawTimeline *self)
{
  g_return_val_if_fail (self != NULL, 0);

  /* Set once in new() and never changed: no lock needed. */
  return self->capacity;
}

/**
 * thaw_timeline_dup_lane_name:
 * @self: a timeline
 * @lane: a lane number
 *
 * Returns: (transfer full) (nullable): the lane's name, or %NULL if there
 *   is no such lane
 */
char *
thaw_timeline_dup_lane_name (ThawTimeline *self,
                             guint         lane)
{
  char *name = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  /* A copy, because another thread may clear the lanes right after. */
  thaw_mutex_lock (&self->mutex);
  if (lane < self->lane_names->len)
    name = g_strdup (g_ptr_array_index (self->lane_names, lane));
  thaw_mutex_unlock (&self->mutex);

  return name;
}

/**
 * thaw_timeline_record:
 * @self: a timeline
 * @lane: the lane of the calling thread
 * @state: what the thread does from now on
 *
 * Notes that @lane is in @state from now until its next event. Safe to call
 * from any thread. When the timeline is full the oldest event is dropped.
 * An event for a lane that does not exist (a straggler recording after
 * thaw_timeline_clear()) is ignored.
 */
void
thaw_timeline_record (ThawTimeline  *self,
                      guint          lane,
                      ThawLaneState  state)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (state <= THAW_LANE_FINISHED);

  thaw_mutex_lock (&self->mutex);

  if (lane < self->lane_names->len)
    {
      /* The clock is read under the lock: events then enter the ring in
       * time order, whatever the threads' interleaving. */
      self->ring[self->head] = (ThawTimelineEvent) {
        .time_us = g_get_monotonic_time (),
        .lane = lane,
        .state = state,
      };
      if (self->start_us == 0)
        self->start_us = self->ring[self->head].time_us;
      self->head = (self->head + 1) % self->capacity;
      if (self->len < self->capacity)
        self->len++;
    }

  thaw_mutex_unlock (&self->mutex);
}

/**
 * thaw_timeline_copy_events:
 * @self: a timeline
 * @since_us: monotonic time; older events are left out (G_MININT64 for all)
 * @out: (array length=max) (out caller-allocates): where to copy
 * @max: room in @out
 *
 * Copies the most recent events, oldest first, as far back as @since_us.
 * If more than @max qualify, the newest @max are copied. Events are in time
 * order; two events may have the same time.
 *
 * Returns: the number of events copied
 */
guint
thaw_timeline_copy_events (ThawTimeline      *self,
                           gint64             since_us,
                           ThawTimelineEvent *out,
                           guint              max)
{
  guint count = 0;
  guint oldest;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (out != NULL || max == 0, 0);

  thaw_mutex_lock (&self->mutex);

  /* Walk back from the newest event to see how many qualify. */
  while (count < self->len && count < max)
    {
      guint idx = (self->head + self->capacity - 1 - count) % self->capacity;

      if (self->ring[idx].time_us < since_us)
        break;
      count++;
    }

  oldest = (self->head + self->capacity - count) % self->capacity;
  for (guint i = 0; i < count; i++)
    out[i] = self->ring[(oldest + i) % self->capacity];

  thaw_mutex_unlock (&self->mutex);

  return count;
}

/**
 * thaw_timeline_clear:
 * @self: a timeline
 *
 * Forgets every event and every lane, for a new run that may have a
 * different number of threads: add the lanes again after this. Clear only
 * once the previous run's threads are joined; any event they still record
 * for a lane that is gone is ignored.
 */
void
thaw_timeline_clear (ThawTimeline *self)
{
  g_return_if_fail (self != NULL);

  thaw_mutex_lock (&self->mutex);
  self->head = 0;
  self->len = 0;
  self->start_us = 0;
  g_ptr_array_set_size (self->lane_names, 0);
  thaw_mutex_unlock (&self->mutex);
}

/**
 * thaw_timeline_get_start:
 * @self: a timeline
 *
 * When the run started: the time of the first event recorded since the
 * timeline was made or cleared, even once the ring has dropped it.
 *
 * Returns: a g_get_monotonic_time() value, or 0 before any event
 */
gint64
thaw_timeline_get_start (ThawTimeline *self)
{
  gint64 start;

  g_return_val_if_fail (self != NULL, 0);

  thaw_mutex_lock (&self->mutex);
  start = self->start_us;
  thaw_mutex_unlock (&self->mutex);

  return start;
}
