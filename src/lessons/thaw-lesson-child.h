/* thaw-lesson-child.h — what a lesson page says of a wrong way it ran in a
 * child process
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "thaw-child.h"
#include "thaw-lesson.h"

G_BEGIN_DECLS

/* What a page keeps of its child, for its report. */
typedef struct
{
  int pid;
  gboolean hung;
  guint threads;            /* when it was judged hung or too slow */
  guint threads_in_futex;
  guint lines;              /* what it said on its standard output */
  int signal;               /* what ended it; 0 if it exited */
} ThawLessonChild;

ThawChild *thaw_lesson_child_start (ThawLesson          *lesson,
                                    const char          *mode,
                                    const char          *wrong_way,
                                    guint                hang_ms,
                                    guint                limit_ms,
                                    ThawLessonChild     *seen,
                                    GtkLabel            *report,
                                    ThawChildNewsFunc    news,
                                    gpointer             user_data);
void       thaw_lesson_child_show  (ThawLessonChild     *seen,
                                    GtkLabel            *report,
                                    const ThawChildNews *news,
                                    const char          *hung_verdict);
void       thaw_lesson_child_end_hung (ThawLesson          *lesson,
                                       const ThawLessonChild *seen,
                                       const char          *hung_caption,
                                       const char          *hung_status,
                                       GtkLabel            *status);
void       thaw_lesson_child_report (const ThawLessonChild *child,
                                     JsonBuilder         *builder);

G_END_DECLS
