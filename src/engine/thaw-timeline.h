/* thaw-timeline.h — what each thread of a lesson is doing, over time
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * ThawLaneState:
 * @THAW_LANE_RUNNING: computing
 * @THAW_LANE_WAITING: waiting for a lock (or a condition, a queue, a slot)
 * @THAW_LANE_HOLDING: holding a lock, inside a critical section
 * @THAW_LANE_SLEEPING: sleeping or blocked on I/O on purpose
 * @THAW_LANE_FINISHED: the thread has returned
 *
 * What a thread is doing from the moment it records a state until it
 * records the next one.
 */
typedef enum
{
  THAW_LANE_RUNNING,
  THAW_LANE_WAITING,
  THAW_LANE_HOLDING,
  THAW_LANE_SLEEPING,
  THAW_LANE_FINISHED,
} ThawLaneState;

typedef struct
{
  gint64 time_us;        /* g_get_monotonic_time() when recorded */
  guint lane;
  ThawLaneState state;
} ThawTimelineEvent;

/**
 * ThawTimeline:
 *
 * A bounded, thread-safe record of lane states. A lesson's threads record
 * into it from any thread; the main thread copies the recent events out to
 * draw them. When full, the oldest events are dropped. Reference counted.
 */
typedef struct _ThawTimeline ThawTimeline;

ThawTimeline *thaw_timeline_new           (guint               capacity);
ThawTimeline *thaw_timeline_ref           (ThawTimeline       *self);
void          thaw_timeline_unref         (ThawTimeline       *self);
guint         thaw_timeline_add_lane      (ThawTimeline       *self,
                                           const char         *name);
guint         thaw_timeline_get_n_lanes   (ThawTimeline       *self);
guint         thaw_timeline_get_capacity  (ThawTimeline       *self);
char         *thaw_timeline_dup_lane_name (ThawTimeline       *self,
                                           guint               lane);
void          thaw_timeline_record        (ThawTimeline       *self,
                                           guint               lane,
                                           ThawLaneState       state);
/* Copies the newest events at or after @since_us, at most @max, oldest
 * first. A buffer of get_capacity() events gets everything retained. */
guint         thaw_timeline_copy_events   (ThawTimeline       *self,
                                           gint64              since_us,
                                           ThawTimelineEvent  *out,
                                           guint               max);
/* Forgets every event AND every lane (a new run may have a different number
 * of threads): add the lanes again after it. Events recorded for a lane that
 * no longer exists are ignored. */
void          thaw_timeline_clear         (ThawTimeline       *self);
gint64        thaw_timeline_get_start     (ThawTimeline       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThawTimeline, thaw_timeline_unref)

G_END_DECLS
