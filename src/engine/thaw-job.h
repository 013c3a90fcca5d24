/* thaw-job.h — one long job: state, progress, cancel, error, result
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * ThawJobState:
 * @THAW_JOB_STATE_QUEUED: created or submitted, not started yet
 * @THAW_JOB_STATE_RUNNING: a worker is running the job's function
 * @THAW_JOB_STATE_SUCCEEDED: the function returned %TRUE
 * @THAW_JOB_STATE_FAILED: the function returned %FALSE with an error
 * @THAW_JOB_STATE_CANCELLED: cancelled before it started, or the function
 *   gave up with %G_IO_ERROR_CANCELLED
 *
 * The last three are final: a job never leaves them.
 */
typedef enum
{
  THAW_JOB_STATE_QUEUED,
  THAW_JOB_STATE_RUNNING,
  THAW_JOB_STATE_SUCCEEDED,
  THAW_JOB_STATE_FAILED,
  THAW_JOB_STATE_CANCELLED,
} ThawJobState;

#define THAW_TYPE_JOB_STATE (thaw_job_state_get_type ())
GType thaw_job_state_get_type (void);

/* Progress reaches the main loop at most this often per job: a progress
 * bar cannot show more than one change per frame, so more would only be
 * work for the main loop that nobody sees. */
#define THAW_JOB_REPORT_INTERVAL_US ((gint64) 16667)

#define THAW_TYPE_JOB (thaw_job_get_type ())
G_DECLARE_FINAL_TYPE (ThawJob, thaw_job, THAW, JOB, GObject)

/**
 * ThawJobFunc:
 * @job: the job being run
 * @user_data: the data given to thaw_job_new()
 * @error: where to put the reason of a failure
 *
 * The body of a job. It runs on a worker thread, so it must not touch
 * widgets or anything else that belongs to the main thread: it hands its
 * progress over with thaw_job_report() and its result with
 * thaw_job_set_result().
 *
 * It should check thaw_job_set_error_if_cancelled() often (every
 * millisecond or so of work) and return %FALSE when it says so; GIO calls
 * take thaw_job_get_cancellable().
 *
 * Returns: %TRUE on success, %FALSE with @error set on failure
 */
typedef gboolean (*ThawJobFunc) (ThawJob       *job,
                                 gpointer       user_data,
                                 GError       **error);

ThawJob      *thaw_job_new             (const char     *title,
                                        ThawJobFunc     func,
                                        gpointer        user_data,
                                        GDestroyNotify  user_data_destroy);

const char   *thaw_job_get_title       (ThawJob        *self);
GMainContext *thaw_job_get_context     (ThawJob        *self);
GCancellable *thaw_job_get_cancellable (ThawJob        *self);

/* Main thread (the job's context): */
ThawJobState  thaw_job_get_state       (ThawJob        *self);
gboolean      thaw_job_is_finished     (ThawJob        *self);
double        thaw_job_get_fraction    (ThawJob        *self);
const char   *thaw_job_get_text        (ThawJob        *self);
const GError *thaw_job_get_error       (ThawJob        *self);
GVariant     *thaw_job_get_result      (ThawJob        *self);
guint         thaw_job_get_n_dispatches (ThawJob       *self);
void          thaw_job_cancel          (ThawJob        *self);

/* Any thread: */
void          thaw_job_report          (ThawJob        *self,
                                        double          fraction,
                                        const char     *text);
guint64       thaw_job_get_n_reports   (ThawJob        *self);
gboolean      thaw_job_is_cancelled    (ThawJob        *self);
gboolean      thaw_job_set_error_if_cancelled (ThawJob *self,
                                               GError **error);

/* The worker, from inside the job's function: */
void          thaw_job_set_result      (ThawJob        *self,
                                        GVariant       *result);

const char   *thaw_job_state_to_string (ThawJobState    state);

G_END_DECLS
