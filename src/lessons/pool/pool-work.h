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

/**
 * PoolWay:
 * @POOL_THREAD_PER_TASK: one g_thread_new() per task
 * @POOL_POOL: a GThreadPool of our own
 * @POOL_GTASK: a GTask per task, on GLib's shared pool
 *
 * The three ways of running the tasks.
 */
typedef enum
{
  POOL_THREAD_PER_TASK,
  POOL_POOL,
  POOL_GTASK,
  POOL_N_WAYS
} PoolWay;

typedef struct _PoolWork PoolWork;

/**
 * PoolNews:
 * @way: how the tasks run
 * @n_tasks: how many there are
 * @completed: the results that arrived since the last news, a line each,
 *   in the order they arrived
 * @in_order: the results that can now be shown in submission order
 * @log: the log lines the tasks wrote since the last news
 * @received: results so far, each task counted once
 * @duplicates: results that came twice
 * @wrong: results whose fingerprint was not their task's
 * @shown_in_order: results shown in submission order so far
 * @threads: threads that ran a task
 * @error: what went wrong, if anything did
 * @failed_thread: with @error, the task (from 1) whose thread did not start
 * @stopped: pool_work_stop() was called
 * @finished: every thread of ours has been joined: the last news
 *
 * A run's news, read at once on the main thread.
 */
typedef struct
{
  PoolWay way;
  guint n_tasks;
  const char *completed;
  const char *in_order;
  const char *log;
  guint received, duplicates, wrong, shown_in_order, threads;
  const GError *error;
  guint failed_thread;
  gboolean stopped;
  gboolean finished;
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
