/* pthread-work.h — the job of “Plain POSIX Threads”, and the two ways to run it
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib and pthreads only: no GTK here. The lesson's page (pthread-page.c)
 * shows what this reports; tests/work runs it on a plain GMainLoop, under
 * ThreadSanitizer.
 *
 * The names start with darts_, after the job, not with pthread_: POSIX
 * keeps every name that starts with pthread_ (and PTHREAD_) for itself,
 * and a reader should never wonder which of these is the system's.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The lesson's job: about two or three seconds on a laptop of 2020. */
#define DARTS_LESSON_COUNT ((guint64) 800000000)

/* How many darts the worker throws between two looks at its stop flag. */
#define DARTS_CHUNK ((guint64) 1000000)

typedef struct _DartsWork DartsWork;

/**
 * DartsProgressFunc:
 * @thrown: darts thrown so far
 * @hits: how many of them landed inside the quarter circle
 * @finished: whether this is the last report of the job
 * @user_data: what was given with the function
 *
 * Receives the job's progress, always on the main thread.
 */
typedef void (*DartsProgressFunc) (guint64  thrown,
                                   guint64  hits,
                                   gboolean finished,
                                   gpointer user_data);

double     darts_estimate_pi           (guint64            thrown,
                                        guint64            hits);

guint64    darts_throw_on_this_thread  (guint64            n_darts,
                                        DartsProgressFunc  progress,
                                        gpointer           user_data);

DartsWork *darts_work_start            (guint64            n_darts,
                                        DartsProgressFunc  progress,
                                        gpointer           user_data,
                                        GError           **error);
void       darts_work_stop             (DartsWork         *work);
gboolean   darts_work_has_finished     (DartsWork         *work);
double     darts_work_get_join_wait_ms (DartsWork         *work);
void       darts_work_free             (DartsWork         *work);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DartsWork, darts_work_free)

G_END_DECLS
