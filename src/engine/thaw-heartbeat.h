/* thaw-heartbeat.h — main-loop latency probe
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* One frame at 60 Hz: a main loop later than this has dropped a frame. */
#define THAW_FRAME_BUDGET_MS 16.7
/* Later than this, a person sees the window as hung, not just janky. */
#define THAW_HANG_MS 250.0
/* How often the heartbeat asks the main loop for a turn. */
#define THAW_HEARTBEAT_INTERVAL_MS 10
/* How often it asks while the meter rests: ten wake-ups a second, and a
 * freeze that starts at rest is still measured to within 100 ms. */
#define THAW_HEARTBEAT_RESTING_INTERVAL_MS 100

/**
 * ThawHeartbeatSample:
 * @time_us: monotonic time (g_get_monotonic_time()) at which the beat ran
 * @lateness_ms: how long after its due time the beat ran
 */
typedef struct
{
  gint64 time_us;
  double lateness_ms;
} ThawHeartbeatSample;

/**
 * ThawLatencyStats:
 * @samples: number of beats measured
 * @p50_ms: @p95_ms: @p99_ms: nearest-rank percentiles of the lateness
 * @max_ms: the latest beat
 * @mean_ms: the average lateness
 * @stalls_frame: beats later than %THAW_FRAME_BUDGET_MS (hangs included)
 * @stalls_hang: beats later than %THAW_HANG_MS
 */
typedef struct
{
  guint64 samples;
  double p50_ms;
  double p95_ms;
  double p99_ms;
  double max_ms;
  double mean_ms;
  guint64 stalls_frame;
  guint64 stalls_hang;
} ThawLatencyStats;

void thaw_latency_stats_compute (const double     *lateness_ms,
                                 gsize             n,
                                 ThawLatencyStats *out);

#define THAW_TYPE_HEARTBEAT (thaw_heartbeat_get_type ())
G_DECLARE_FINAL_TYPE (ThawHeartbeat, thaw_heartbeat, THAW, HEARTBEAT, GObject)

ThawHeartbeat *thaw_heartbeat_new             (guint                interval_ms);
guint          thaw_heartbeat_get_interval_ms (ThawHeartbeat       *self);
void           thaw_heartbeat_set_interval_ms (ThawHeartbeat       *self,
                                               guint                interval_ms);
void           thaw_heartbeat_start           (ThawHeartbeat       *self,
                                               GMainContext        *context);
void           thaw_heartbeat_stop            (ThawHeartbeat       *self);
gboolean       thaw_heartbeat_is_running      (ThawHeartbeat       *self);
void           thaw_heartbeat_reset           (ThawHeartbeat       *self);
void           thaw_heartbeat_record          (ThawHeartbeat       *self,
                                               gint64               time_us,
                                               double               lateness_ms);
void           thaw_heartbeat_get_stats       (ThawHeartbeat       *self,
                                               ThawLatencyStats    *out);
void           thaw_heartbeat_get_stats_since (ThawHeartbeat       *self,
                                               gint64               since_us,
                                               ThawLatencyStats    *out);
guint          thaw_heartbeat_copy_recent     (ThawHeartbeat       *self,
                                               gint64               since_us,
                                               ThawHeartbeatSample *out,
                                               guint                max);
gint64         thaw_heartbeat_get_started_at  (ThawHeartbeat       *self);
gint64         thaw_heartbeat_get_next_due    (ThawHeartbeat       *self);

G_END_DECLS
