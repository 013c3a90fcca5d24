/* thaw-job-private.h — what ThawJob and ThawRunner share, and nobody else
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "thaw-job.h"
#include "thaw-runner.h"

G_BEGIN_DECLS

/* Where a job is, as the worker sees it. Changed with atomic
 * compare-and-swap, because the main thread (cancelling a queued job) and a
 * worker (picking it up) can race for the same job. */
typedef enum
{
  JOB_PHASE_QUEUED,
  JOB_PHASE_RUNNING,
  JOB_PHASE_DONE,
  /* Cancelled while still in the queue: no worker will run it. */
  JOB_PHASE_DROPPED,
} JobPhase;

struct _ThawJob
{
  GObject parent_instance;

  /* Set at construction and never changed: any thread may read them. */
  char *title;
  GMainContext *context;
  ThawJobFunc func;
  gpointer func_data;
  GDestroyNotify func_data_destroy;

  /* Atomic. The cancellable is made on first use: most jobs never need a
   * GCancellable object, only the flag. */
  GCancellable *cancellable;
  int cancel_requested;
  /* JobPhase */
  int phase;

  /* The main thread's view, which the properties show. Only the thread
   * that runs @context touches these. */
  ThawJobState state;
  double fraction;
  char *text;
  GError *error;
  GVariant *result;
  guint n_dispatches;

  /* The runner the job was submitted to, and the job's place in the
   * runner's list of unfinished jobs. Main thread only. The runner does not
   * hold a reference through this pointer: it outlives its jobs, because it
   * waits for all of them in dispose. */
  ThawRunner *runner;
  ThawJob *active_prev;
  ThawJob *active_next;
  guint in_active_list : 1;

  /* Shared between the worker and the main thread: under @lock. */
  GMutex lock;
  double shared_fraction;
  char *shared_text;
  guint64 n_reports;
  gint64 last_delivery_us;
  /* A delivery of progress is scheduled on @delivery and has not run yet. */
  guint delivery_pending : 1;
  guint disposed : 1;
  /* Created on the first report, so that jobs that report nothing (the
   * many tiny ones) never allocate it. */
  GSource *delivery;
  /* What the worker ended with, waiting to be published. */
  ThawJobState outcome;
  GError *outcome_error;
  GVariant *outcome_result;
};

/* Called by the runner on a worker: claims a queued job. FALSE if the job
 * was dropped (cancelled in the queue) and must not run. */
gboolean thaw_job_begin          (ThawJob *self);
/* Called by the runner on a worker after thaw_job_begin(): runs the
 * function and records the outcome. */
void     thaw_job_execute        (ThawJob *self);

/* Called by the runner on the job's context. */
void     thaw_job_publish_running  (ThawJob *self);
void     thaw_job_publish_finished (ThawJob *self);

/* Called by thaw_job_cancel() on the job's context when the job was still
 * in the runner's queue: the runner announces the cancellation at once
 * instead of waiting for a worker to come by. */
void     thaw_runner_job_dropped (ThawRunner *self,
                                  ThawJob    *job);

G_END_DECLS
