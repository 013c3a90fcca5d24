/* semaphore-work.h — the job of “At Most N at Once”
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib only: semaphore-page.c shows what this reports; tests/work runs it
 * on a plain GMainLoop, under ThreadSanitizer too.
 */

#pragma once

#include <glib.h>

#include "thaw-timeline.h"

G_BEGIN_DECLS

#define SEMAPHORE_JOB_MS 350    /* the shortest job of the lesson */

typedef enum
{
  SEMAPHORE_WAY_SEMAPHORE,  /* a thread per job, and a semaphore of N slots */
  SEMAPHORE_WAY_POOL,       /* a GThreadPool of N threads */
  SEMAPHORE_WAY_NO_LIMIT,   /* the wrong way: a thread per job, and nothing
                             * that keeps any of them out */
} SemaphoreWay;

typedef struct _SemaphoreWork SemaphoreWork;

/* The figures of a run, read at once and handed to a SemaphoreNewsFunc,
 * always on the main thread. */
typedef struct
{
  guint n_jobs, limit;
  guint running;            /* jobs running right now */
  guint max_running;        /* the most that ever ran at once */
  guint threads_used;       /* threads that ran a job */
  guint completed;          /* jobs that worked to the end */
  guint done;               /* jobs that ran or gave up */
  gboolean stopped;         /* semaphore_work_stop() was called */
  gboolean finished;        /* every thread joined: the last news */
} SemaphoreNews;

typedef void (*SemaphoreNewsFunc) (const SemaphoreNews *news,
                                   gpointer             user_data);

SemaphoreWork *semaphore_work_start (SemaphoreWay        way,
                                     guint               n_jobs,
                                     guint               limit,
                                     guint               job_ms,
                                     ThawTimeline       *timeline,
                                     SemaphoreNewsFunc   news_func,
                                     gpointer            user_data,
                                     GError            **error);
void           semaphore_work_stop  (SemaphoreWork      *work);
void           semaphore_work_free  (SemaphoreWork      *work);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SemaphoreWork, semaphore_work_free)

G_END_DECLS
