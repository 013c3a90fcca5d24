/* pool-work.h — the job of “Thread Pools”
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib only: no GTK here. The lesson's page (pool-page.c) shows what this
 * reports; tests/work runs it on a plain GMainLoop, under ThreadSanitizer.
 */

#pragma once

#include <gio/gio.h>

#include "thaw-timeline.h"

G_BEGIN_DECLS

#define POOL_N_TASKS 200
/* About 1.2 s for the 200 tasks on two free cores. */
#define POOL_DEFAULT_WORK_MS 12
#define POOL_MAX_WORK_MS 50
/* Lanes of the timeline: the first threads that run a task get one. */
#define POOL_MAX_LANES 8

/* The three ways of running the tasks. */
typedef enum
{
  POOL_THREAD_PER_TASK,     /* one g_thread_new() per task */
  POOL_POOL,                /* a GThreadPool of our own */
  POOL_GTASK,               /* a GTask per task, on GLib's shared pool */
  POOL_N_WAYS
} PoolWay;

typedef struct _PoolWork PoolWork;

/* A run's news, read at once on the main thread. The texts have a line per
 * result ("#task fingerprint thread ms") or log line, since the last news. */
typedef struct
{
  PoolWay way;
  guint n_tasks;
  const char *completed;        /* as they arrived */
  const char *in_order;         /* those that can now follow in order */
  const char *log;
  guint received;               /* so far, each task counted once */
  guint duplicates, wrong;      /* results that came twice, or were wrong */
  guint shown_in_order;         /* results in submission order so far */
  guint threads;                /* threads that ran a task */
  const GError *error;          /* what went wrong, if anything did */
  guint failed_thread;          /* with it, the task whose thread did not start */
  gboolean stopped;             /* pool_work_stop() was called */
  gboolean finished;            /* our threads are joined: the last news */
} PoolNews;

typedef void (*PoolNewsFunc) (const PoolNews *news,
                              gpointer        user_data);

guint32   pool_fingerprint      (guint          index);

/* Starts @n_tasks tasks of about @work_ms each (0: only the cost of running
 * a task), computing or, with @waits, waiting. @pool_size is for
 * %POOL_POOL. The first %POOL_MAX_LANES threads to run a task add a lane to
 * @timeline and record on it. @news_func gets the news on the main thread,
 * exactly once with @finished set, after every thread of ours was joined.
 * Returns %NULL, with @error set, if the pool or a thread was not made. */
PoolWork *pool_work_start       (PoolWay        way,
                                 guint          n_tasks,
                                 guint          work_ms,
                                 gboolean       waits,
                                 guint          pool_size,
                                 ThawTimeline  *timeline,
                                 PoolNewsFunc   news_func,
                                 gpointer       user_data,
                                 GError       **error);
/* Stop: tasks running end within a millisecond, tasks not started never
 * run, and the last news follows. */
void      pool_work_stop        (PoolWork      *work);
/* Stops, joins the threads that are ours (a millisecond or two) and calls
 * nobody from now on, even from the news function. GTasks still in GLib's
 * pool find the job stopped and let go of it when they end. */
void      pool_work_free        (PoolWork      *work);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoolWork, pool_work_free)

G_END_DECLS
