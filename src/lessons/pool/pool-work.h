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

/* Tasks shorter than starting a thread (some tens of microseconds): a
 * thread each pays that price fifty thousand times, a pool once per
 * thread. Measured on two cores: the pool about 1.1 s, a thread each
 * about three times that (tests/work/test-pool-work.c checks it). */
#define POOL_N_TASKS 50000
#define POOL_DEFAULT_WORK_US 40
#define POOL_MAX_WORK_US 50000
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

/* What a task hands back, and what its log line says. */
typedef struct
{
  guint index;                  /* its place in the order of submission */
  guint32 fingerprint;          /* what it computed */
  double us;                    /* how long it took, in microseconds */
  long tid;                     /* the kernel's id of the thread that ran it */
  char thread_name[16];         /* as `top -H`, gdb and the log show it */
} PoolResult;

/* A run's news, read at once on the main thread: what came since the last
 * news, each array valid until the news function returns. */
typedef struct
{
  PoolWay way;
  guint n_tasks;
  const PoolResult *completed;  /* as they arrived */
  guint n_completed;
  const PoolResult *in_order;   /* those that can now follow in order */
  guint n_in_order;
  const PoolResult *logged;     /* the tasks that logged their line */
  guint n_logged;
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

/* Starts @n_tasks tasks of about @work_us microseconds each (0: only the
 * cost of running a task), computing or, with @waits, waiting. @pool_size is for
 * %POOL_POOL. The first %POOL_MAX_LANES threads to run a task add a lane to
 * @timeline and record on it. @news_func gets the news on the main thread,
 * exactly once with @finished set, after every thread of ours was joined.
 * %POOL_GTASK makes and submits its GTasks from the thread-default main
 * context, a slice of a few milliseconds at a time: none before it runs.
 * Returns %NULL, with @error set, if the pool or a thread was not made. */
PoolWork *pool_work_start       (PoolWay        way,
                                 guint          n_tasks,
                                 guint          work_us,
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
