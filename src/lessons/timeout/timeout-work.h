/* timeout-work.h — the slow job of “Waiting with a Timeout”, and its waiter
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib only: no GTK here. The lesson's page (timeout-page.c) shows what this
 * reports; tests/work runs it on a plain GMainLoop, under ThreadSanitizer.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TimeoutWork TimeoutWork;

/* What the job and its waiter say, always on the main thread. Times are in
 * seconds since the job started. */
typedef struct
{
  guint steps_done;
  guint n_steps;
  guint timeouts_hit;       /* timed waits that ran out with the job running */
  double first_timeout_s;   /* when the first one ran out, or -1 */
  double last_timeout_s;    /* when the latest one ran out, or -1 */
  double running_s;         /* how long the job has been running */
  double waited_s;          /* how long the timed wait going on has lasted, or -1 */
  gboolean asking;          /* the waiter waits for an answer: keep waiting, or stop? */
  gboolean finished;        /* the last report; the rest is for it: */
  const GError *error;      /* the job's thread could not start */
  gboolean stopped;         /* the job saw the Stop before its last step */
  double job_s;             /* how long the job ran, or -1 */
} TimeoutProgress;

typedef void (*TimeoutProgressFunc) (const TimeoutProgress *progress,
                                     gpointer               user_data);

TimeoutWork *timeout_work_start        (double               job_seconds,
                                        double               timeout_seconds,
                                        TimeoutProgressFunc  progress,
                                        gpointer             user_data,
                                        GError             **error);
void         timeout_work_keep_waiting (TimeoutWork         *work);
void         timeout_work_stop         (TimeoutWork         *work);
void         timeout_work_free         (TimeoutWork         *work);

void         timeout_run_on_this_thread (double               job_seconds,
                                         double               timeout_seconds,
                                         TimeoutProgressFunc  progress,
                                         gpointer             user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TimeoutWork, timeout_work_free)

G_END_DECLS
