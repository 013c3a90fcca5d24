/* deadlock-scheduler.h — “Deadlock”, Be the Scheduler: the stepped
 * transfers on screen
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "deadlock-work.h"
#include "thaw-lesson-scheduler.h"

G_BEGIN_DECLS

#define THAW_TYPE_DEADLOCK_SCHEDULER (thaw_deadlock_scheduler_get_type ())
G_DECLARE_FINAL_TYPE (ThawDeadlockScheduler, thaw_deadlock_scheduler, THAW, DEADLOCK_SCHEDULER, GtkBox)

extern const ThawSchedulerClass thaw_deadlock_scheduler_class;

ThawScheduler *thaw_deadlock_scheduler_attach (ThawDeadlockScheduler *self,
                                               ThawLesson            *lesson);
void           thaw_deadlock_scheduler_report (ThawDeadlockScheduler *self,
                                               JsonBuilder           *builder);

/* The wait-for graph, drawn and told the same way for a run of the page
 * and for the stepped transfers (deadlock-page.c). */
void           thaw_deadlock_draw_graph       (GtkDrawingArea        *area,
                                               cairo_t               *cr,
                                               int                    width,
                                               int                    height,
                                               gpointer               news);
gboolean       thaw_deadlock_cycle_stands     (const DeadlockNews    *news);
GString       *thaw_deadlock_describe_graph   (const DeadlockNews    *news);

G_END_DECLS
