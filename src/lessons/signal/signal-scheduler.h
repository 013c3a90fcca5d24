/* signal-scheduler.h — “Waiting for a Signal”, Be the Scheduler: the
 * stepped threads on screen
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "thaw-lesson-scheduler.h"

G_BEGIN_DECLS

#define THAW_TYPE_SIGNAL_SCHEDULER (thaw_signal_scheduler_get_type ())
G_DECLARE_FINAL_TYPE (ThawSignalScheduler, thaw_signal_scheduler, THAW, SIGNAL_SCHEDULER, GtkBox)

extern const ThawSchedulerClass thaw_signal_scheduler_class;

ThawScheduler *thaw_signal_scheduler_attach (ThawSignalScheduler *self,
                                             ThawLesson          *lesson);
void           thaw_signal_scheduler_report (ThawSignalScheduler *self,
                                             JsonBuilder         *builder);

G_END_DECLS
