/* recursive-scheduler.h — “A Lock Taken Twice”, Be the Scheduler: the
 * stepped deposits on screen
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "thaw-lesson-scheduler.h"

G_BEGIN_DECLS

#define THAW_TYPE_RECURSIVE_SCHEDULER (thaw_recursive_scheduler_get_type ())
G_DECLARE_FINAL_TYPE (ThawRecursiveScheduler, thaw_recursive_scheduler, THAW, RECURSIVE_SCHEDULER, GtkBox)

extern const ThawSchedulerClass thaw_recursive_scheduler_class;

ThawScheduler *thaw_recursive_scheduler_attach (ThawRecursiveScheduler *self,
                                                ThawLesson             *lesson);
void           thaw_recursive_scheduler_report (ThawRecursiveScheduler *self,
                                                JsonBuilder            *builder);

G_END_DECLS
