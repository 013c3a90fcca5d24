/* freeze-work.h — the job of “The Frozen Window”, and the two ways to run it
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib only: no GTK here. The lesson's page (freeze-page.c) shows what this
 * reports; tests/work runs it on a plain GMainLoop, under ThreadSanitizer.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Big enough for about three seconds of work on a laptop of 2020. */
#define FREEZE_PRIME_LIMIT 18000000u

typedef struct _FreezeWork FreezeWork;

/**
 * FreezeProgressFunc:
 * @checked: numbers tested so far
 * @primes: primes found so far
 * @finished: whether this is the last report of the job
 * @user_data: what was given with the function
 *
 * Receives the job's progress, always on the main thread.
 */
typedef void (*FreezeProgressFunc) (guint    checked,
                                    guint    primes,
                                    gboolean finished,
                                    gpointer user_data);

guint       freeze_count_primes     (guint              from,
                                     guint              to);

guint       freeze_run_on_this_thread (guint              limit,
                                       FreezeProgressFunc progress,
                                       gpointer           user_data);

FreezeWork *freeze_work_start       (guint              limit,
                                     FreezeProgressFunc progress,
                                     gpointer           user_data,
                                     GError           **error);
void        freeze_work_stop        (FreezeWork        *work);
gboolean    freeze_work_has_finished (FreezeWork       *work);
void        freeze_work_free        (FreezeWork        *work);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FreezeWork, freeze_work_free)

G_END_DECLS
