/* thaw-window.h — the main window: lessons, the lesson page, the meter
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "thaw-heartbeat.h"
#include "thaw-lesson-page.h"
#include "thaw-meter.h"

G_BEGIN_DECLS

#define THAW_TYPE_WINDOW (thaw_window_get_type ())
G_DECLARE_FINAL_TYPE (ThawWindow, thaw_window, THAW, WINDOW, AdwApplicationWindow)

ThawWindow     *thaw_window_new              (AdwApplication *application,
                                              ThawHeartbeat  *heartbeat,
                                              const char     *lesson);
gboolean        thaw_window_show_lesson      (ThawWindow     *self,
                                              const char     *id);
void            thaw_window_show_python_map  (ThawWindow     *self);
ThawLessonPage *thaw_window_get_lesson_page  (ThawWindow     *self);
ThawMeter      *thaw_window_get_meter        (ThawWindow     *self);
gboolean        thaw_window_get_page_cost    (ThawWindow     *self,
                                              double         *build_ms,
                                              double         *first_frame_ms);

G_END_DECLS
