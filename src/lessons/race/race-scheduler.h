/* race-scheduler.h — “Lost Updates”, Be the Scheduler: the stepped threads
 * on screen
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "thaw-lesson-scheduler.h"

G_BEGIN_DECLS

#define THAW_TYPE_RACE_SCHEDULER (thaw_race_scheduler_get_type ())
G_DECLARE_FINAL_TYPE (ThawRaceScheduler, thaw_race_scheduler, THAW, RACE_SCHEDULER, GtkBox)

extern const ThawSchedulerClass thaw_race_scheduler_class;

ThawScheduler *thaw_race_scheduler_attach (ThawRaceScheduler *self,
                                           ThawLesson        *lesson);
void           thaw_race_scheduler_report (ThawRaceScheduler *self,
                                           JsonBuilder       *builder);

G_END_DECLS
