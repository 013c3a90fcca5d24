/* errors-work.h — the job of “When a Worker Fails”
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib only: no GTK here. The lesson's page (errors-page.c) shows what this
 * reports; tests/work runs it on a plain GMainLoop, under ThreadSanitizer.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The lesson's job: one hundred inputs, so that "fail at N %" fails reading
 * input N + 1, and a pause of 20 ms after each for a slow disk. */
#define ERRORS_N_INPUTS 100u
#define ERRORS_INPUT_PAUSE_US 20000u
#define ERRORS_INPUT_BYTES 4096u

typedef enum
{
  ERRORS_FAILURE_NONE,
  ERRORS_FAILURE_MISSING,       /* the file does not exist */
  ERRORS_FAILURE_UNREADABLE,    /* the file has no read permission */
  ERRORS_FAILURE_IO_ERROR,      /* reading it fails: simulated */
} ErrorsFailure;

/**
 * ErrorsHandling:
 * @ERRORS_RETURNED: the right way: the worker returns its error with the
 *   result, and the main thread receives it
 * @ERRORS_DROPPED: the wrong way: the worker throws its error away with
 *   g_clear_error() and reports only that it is done
 *
 * What the worker does with its error.
 */
typedef enum
{
  ERRORS_RETURNED,
  ERRORS_DROPPED,
} ErrorsHandling;

typedef struct _ErrorsWork ErrorsWork;

/**
 * ErrorsProgressFunc:
 * @inputs_read: how many inputs the worker has read so far
 * @user_data: what was given with the function
 *
 * Receives the latest progress, on the main thread.
 */
typedef void (*ErrorsProgressFunc) (guint    inputs_read,
                                    gpointer user_data);

/**
 * ErrorsDoneFunc:
 * @inputs_read: how many inputs the worker read in all
 * @checksum: (nullable): the SHA-256 of all inputs, if the job succeeded
 * @error: (nullable): why it did not: %G_IO_ERROR_CANCELLED after a stop
 * @user_data: what was given with the function
 *
 * Receives the outcome, once, on the main thread: exactly one of @checksum
 * and @error is set, except after a failure with %ERRORS_DROPPED: then
 * neither is, which is all the worker said: done. Nothing is delivered
 * after it.
 */
typedef void (*ErrorsDoneFunc) (guint         inputs_read,
                                const char   *checksum,
                                const GError *error,
                                gpointer      user_data);

ErrorsWork *errors_work_start        (guint               n_inputs,
                                      guint               pause_us,
                                      ErrorsFailure       failure,
                                      guint               fail_at,
                                      ErrorsHandling      handling,
                                      ErrorsProgressFunc  progress,
                                      ErrorsDoneFunc      done,
                                      gpointer            user_data);
void        errors_work_count_errors (ErrorsWork         *work,
                                      guint              *raised,
                                      guint              *delivered);
void        errors_work_stop         (ErrorsWork         *work);
void        errors_work_free         (ErrorsWork         *work);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ErrorsWork, errors_work_free)

G_END_DECLS
