/* thaw-step-work.h — a lesson's stepped threads: started, stepped, joined
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "thaw-stepper.h"

G_BEGIN_DECLS

typedef struct _ThawStepWork ThawStepWork;

/* A thread's whole life, its step points included; the stepper is told it
 * finished once this returns. */
typedef void     (*ThawStepWorkThreadFunc) (ThawStepper *stepper,
                                            guint        thread,
                                            gpointer     shared);
/* On a stepped thread, each time one pauses, blocks, wakes or finishes:
 * the news for the page, newly allocated (g_free() frees it). */
typedef gpointer (*ThawStepWorkSnapshotFunc) (ThawStepper *stepper,
                                              gpointer     shared);
/* On the main thread: the latest news, as the snapshot function made it. A
 * lesson passes its page's own function, typed for its news, cast to this. */
typedef void     (*ThawStepWorkNewsFunc)   (gconstpointer news,
                                            gpointer      user_data);
/* Whether the threads are stuck for good (every one left blocked, waiting
 * for the others): read from the shared state. */
typedef gboolean (*ThawStepWorkStuckFunc)  (ThawStepper *stepper,
                                            gpointer     shared);

ThawStepWork *thaw_step_work_new     (guint                     n_threads,
                                      gboolean                  with_stepper,
                                      ThawStepWorkSnapshotFunc  snapshot,
                                      ThawStepWorkNewsFunc      news,
                                      gpointer                  user_data);
gboolean      thaw_step_work_start   (ThawStepWork             *self,
                                      ThawStepWorkThreadFunc    thread_func,
                                      gpointer                  shared,
                                      GError                  **error);
ThawStepper  *thaw_step_work_get_stepper (ThawStepWork         *self);
gboolean      thaw_step_work_play    (ThawStepWork             *self,
                                      const guint              *schedule,
                                      guint                     n_schedule,
                                      GRand                    *rand,
                                      ThawStepWorkStuckFunc     stuck);
void          thaw_step_work_join    (ThawStepWork             *self);
void          thaw_step_work_free    (ThawStepWork             *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThawStepWork, thaw_step_work_free)

G_END_DECLS
