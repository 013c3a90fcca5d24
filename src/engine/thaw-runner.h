/* thaw-runner.h — runs jobs on a bounded thread pool, joins on shutdown
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "thaw-job.h"
#include "thaw-priority.h"

G_BEGIN_DECLS

/* The nice value of workers at background priority. */
#define THAW_RUNNER_BACKGROUND_NICE THAW_BACKGROUND_NICE

#define THAW_RUNNER_ERROR (thaw_runner_error_quark ())
GQuark thaw_runner_error_quark (void);

/**
 * ThawRunnerError:
 * @THAW_RUNNER_ERROR_TIMED_OUT: some jobs were still running when the
 *   shutdown's time was up
 */
typedef enum
{
  THAW_RUNNER_ERROR_TIMED_OUT,
} ThawRunnerError;

#define THAW_TYPE_RUNNER (thaw_runner_get_type ())
G_DECLARE_FINAL_TYPE (ThawRunner, thaw_runner, THAW, RUNNER, GObject)

ThawRunner *thaw_runner_new             (guint        max_workers);

guint       thaw_runner_get_max_workers (ThawRunner  *self);
gboolean    thaw_runner_get_background  (ThawRunner  *self);
guint       thaw_runner_get_n_active    (ThawRunner  *self);
gboolean    thaw_runner_get_busy        (ThawRunner  *self);
gboolean    thaw_runner_is_shut_down    (ThawRunner  *self);

void        thaw_runner_submit          (ThawRunner  *self,
                                         ThawJob     *job);
void        thaw_runner_cancel          (ThawRunner  *self,
                                         ThawJob     *job);
void        thaw_runner_cancel_all      (ThawRunner  *self);
gboolean    thaw_runner_shutdown        (ThawRunner  *self,
                                         guint        timeout_ms,
                                         GPtrArray  **stragglers,
                                         GError     **error);

G_END_DECLS
