/* thaw-lesson-page.h — one lesson on screen: its Lesson and Source tabs
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "thaw-lesson.h"

G_BEGIN_DECLS

#define THAW_TYPE_LESSON_PAGE (thaw_lesson_page_get_type ())
G_DECLARE_FINAL_TYPE (ThawLessonPage, thaw_lesson_page, THAW, LESSON_PAGE, AdwBin)

GtkWidget            *thaw_lesson_page_new        (const ThawLessonInfo *info,
                                                   ThawHeartbeat        *heartbeat);
const ThawLessonInfo *thaw_lesson_page_get_info   (ThawLessonPage       *self);
ThawLesson           *thaw_lesson_page_get_lesson (ThawLessonPage       *self);
AdwViewStack         *thaw_lesson_page_get_stack  (ThawLessonPage       *self);
gboolean              thaw_lesson_page_is_whole   (ThawLessonPage       *self);

G_END_DECLS
