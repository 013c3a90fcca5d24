/* thaw-lesson-child.h — what a lesson page says of a wrong way it ran in a
 * child process
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "thaw-child.h"

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

char    *thaw_lesson_child_describe (const ThawChildNews *news,
                                     const char          *hung_verdict);
void     thaw_lesson_child_update   (ThawLessonChild     *child,
                                     const ThawChildNews *news);
char    *thaw_lesson_child_futex_value (const ThawLessonChild *child);
void     thaw_lesson_child_report   (const ThawLessonChild *child,
                                     JsonBuilder         *builder);

G_END_DECLS
