/* thaw-try-this.h — "Try This" steps that tick themselves: their
 * conditions, and the progress kept in GSettings
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "thaw-lesson.h"

G_BEGIN_DECLS

typedef enum
{
  THAW_TRY_VERB,          /* verb:NAME, a run started by lesson.NAME ended */
  THAW_TRY_REPORT_EQUAL,  /* report:KEY==VALUE */
  THAW_TRY_REPORT_AT_LEAST, /* report:KEY>=NUMBER */
  THAW_TRY_KNOB,          /* knob:NAME=VALUE */
} ThawTryKind;

typedef struct
{
  ThawTryKind kind;
  char *name;             /* the verb, the report's member or the knob */
  char *value;            /* what it must equal; NULL for a verb */
  double number;          /* for THAW_TRY_REPORT_AT_LEAST */
} ThawTryTerm;

/* A step's `when`: every term must hold at once. */
typedef struct _ThawTryCondition ThawTryCondition;

ThawTryCondition *thaw_try_condition_parse    (const char             *text,
                                               GError                **error);
void              thaw_try_condition_free     (ThawTryCondition       *condition);
guint             thaw_try_condition_get_n_terms (const ThawTryCondition *condition);
const ThawTryTerm *thaw_try_condition_get_term (const ThawTryCondition *condition,
                                               guint                   i);
gboolean          thaw_try_condition_met      (const ThawTryCondition *condition,
                                               GObject                *lesson,
                                               const char             *ended_verb,
                                               JsonObject             *report);
gboolean          thaw_try_condition_needs_report (const ThawTryCondition *condition);
char             *thaw_try_condition_check_names (const ThawTryCondition *condition,
                                                  const ThawLessonInfo   *info);

/* The progress, in the GSettings key `done-steps`: "ID:N", N counted from 1
 * as the page numbers the steps. */
char             *thaw_try_progress_key       (const char             *lesson_id,
                                               guint                   step);
gboolean          thaw_try_progress_is_done   (GSettings              *settings,
                                               const char             *lesson_id,
                                               guint                   step);
gboolean          thaw_try_progress_mark      (GSettings              *settings,
                                               const char             *lesson_id,
                                               guint                   step);
gboolean          thaw_try_progress_lesson_done (GSettings            *settings,
                                                 const ThawLessonInfo *info);
void              thaw_try_progress_clear     (GSettings              *settings);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThawTryCondition, thaw_try_condition_free)

G_END_DECLS
