/* monitor-work.h — the job of “A System Monitor”
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib only: no GTK here. The lesson's page (monitor-page.c) shows what this
 * reports; tests/work runs it on a plain GMainLoop, under ThreadSanitizer.
 */

#pragma once

#include <glib.h>

#include "thaw-procfs.h"

G_BEGIN_DECLS

/* The lesson samples once a second, for 3 s unless changed; the load spins 3 s. */
#define MONITOR_INTERVAL_US G_USEC_PER_SEC
#define MONITOR_DEFAULT_SECONDS 3
#define MONITOR_MAX_SECONDS 600
#define MONITOR_LOAD_US (3 * G_USEC_PER_SEC)

typedef struct _MonitorWork MonitorWork;

/* One sample: a copy of everything the main thread shows, owned by
 * whoever holds it. */
typedef struct
{
  guint number;             /* 1 for the first sample of a run, then 2, 3… */
  guint n_cores;            /* the cpuN lines of /proc/stat */
  int *core_ids;            /* the N of each */
  double *core_usage;       /* 0 to 1 since the last sample; NULL in the first */
  ThawMemInfo memory;
  GPtrArray *threads;       /* of ThawThreadInfo, this process's */
} MonitorSnapshot;

/* What happened since the last news, on the main thread; valid until the
 * news function returns. */
typedef struct
{
  GPtrArray *snapshots;     /* every one since the last news, oldest first */
  guint load_running;       /* load workers still spinning */
  gboolean stopped;         /* monitor_work_stop() was called */
  gboolean finished;        /* every thread ended and was joined: the last news */
  const GError *error;      /* with "finished": why the sampler stopped early */
} MonitorNews;

typedef void (*MonitorNewsFunc) (const MonitorNews *news,
                                 gpointer           user_data);

MonitorWork *monitor_work_start       (guint             n_samples,
                                       gint64            interval_us,
                                       MonitorNewsFunc   news_func,
                                       gpointer          user_data,
                                       GError          **error);
gboolean     monitor_work_add_load    (MonitorWork      *work,
                                       guint             n_workers,
                                       gint64            duration_us,
                                       GError          **error);
void         monitor_work_stop        (MonitorWork      *work);
void         monitor_work_free        (MonitorWork      *work);

GPtrArray   *monitor_poll_on_this_thread (guint          n_samples,
                                          gint64         interval_us,
                                          GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MonitorWork, monitor_work_free)

G_END_DECLS
