/* thaw-lesson.h — what a lesson is, and the table of all lessons
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include <json-glib/json-glib.h>

#include "thaw-heartbeat.h"
#include "thaw-run-log.h"
#include "thaw-stalls.h"

G_BEGIN_DECLS

typedef enum
{
  THAW_PART_FREEZE = 1,   /* I   Why GUIs freeze */
  THAW_PART_CONTROL,      /* II  Controlling threads */
  THAW_PART_SHARING,      /* III Sharing data */
  THAW_PART_LOTS,         /* IV  Lots of work */
} ThawPart;

/**
 * ThawLessonInfo:
 * @id: the stable id used by `--run` and in reports
 * @part: which part of the course the lesson belongs to
 * @title: (translatable) short title
 * @summary: (translatable) one line
 * @keywords: (translatable) words a search should find it by, separated by `;`
 * @explanation: the paragraphs of @paragraphs, untranslated, joined by
 *   blank lines (for tests that read what a lesson says)
 * @paragraphs: (translatable): the explanation, paragraphs of Pango markup
 * @steps: (translatable): what the learner should try, one step each
 * @conditions: for each of @steps, its `when`: what ticks it (see
 *   thaw-try-this.h), or "" for a step that is only read
 * @get_type: the type of the lesson's widget, a #ThawLesson
 *
 * Everything the window needs to list and show a lesson. The texts come
 * from the lesson's `lessons/ID/ID.lesson` in the GResource, untranslated;
 * they are translated when shown, each paragraph and step on its own.
 *
 * The lesson's Python and GLib tabs are whole programs in its folder,
 * `lessons/ID/ID-python.py` and `lessons/ID/ID-glib.c`, read from the GResource:
 * the tests run both, so what a learner copies works.
 */
typedef struct
{
  const char *id;
  ThawPart part;
  const char *title;
  const char *summary;
  const char *keywords;
  const char *explanation;
  const char *const *paragraphs;
  const char *const *steps;
  const char *const *conditions;
  GType (*get_type) (void);
} ThawLessonInfo;

const ThawLessonInfo *const *thaw_lessons_get_all  (guint      *n_lessons);
const ThawLessonInfo        *thaw_lessons_find     (const char *id);
const char                  *thaw_part_get_title   (ThawPart    part);
gboolean                     thaw_query_matches    (const char        *query,
                                                    const char *const *texts);
char                        *thaw_lesson_info_dup_explanation (const ThawLessonInfo *info);
gboolean                     thaw_lesson_info_matches (const ThawLessonInfo *info,
                                                       const char           *query);
char                       **thaw_lesson_info_list_verbs (const ThawLessonInfo *info);
gboolean                     thaw_lesson_info_has_verb (const ThawLessonInfo *info,
                                                        const char           *verb);

#define THAW_TYPE_LESSON (thaw_lesson_get_type ())
G_DECLARE_DERIVABLE_TYPE (ThawLesson, thaw_lesson, THAW, LESSON, AdwBin)

/**
 * ThawLessonClass:
 * @report: adds the lesson's outcome (at least `job_state`) to a report
 * @dup_verb_disabled_reason: why a verb whose button is greyed out does
 *   nothing now, translated; a page that knows better than ThawLesson's
 *   guess (Stop while nothing runs, anything else while a run goes on or
 *   while none does) says so here
 */
struct _ThawLessonClass
{
  AdwBinClass parent_class;

  void   (*report)                   (ThawLesson  *self,
                                      JsonBuilder *builder);
  char * (*dup_verb_disabled_reason) (ThawLesson  *self,
                                      const char  *verb);

  gpointer padding[7];
};

/**
 * ThawRunState:
 * @THAW_RUN_IDLE: nothing has run yet
 * @THAW_RUN_RUNNING: a run goes on
 * @THAW_RUN_SUCCEEDED: the last run did all its work
 * @THAW_RUN_CANCELLED: the last run was stopped
 * @THAW_RUN_FAILED: the last run could not start or went wrong
 *
 * Where a lesson's runs are; the report's `job_state`.
 */
typedef enum
{
  THAW_RUN_IDLE,
  THAW_RUN_RUNNING,
  THAW_RUN_SUCCEEDED,
  THAW_RUN_CANCELLED,
  THAW_RUN_FAILED,
} ThawRunState;

const char    *thaw_run_state_to_string  (ThawRunState state);

void           thaw_lesson_class_install_run_action_named (ThawLessonClass             *klass,
                                                           const char                  *action_name,
                                                           GtkWidgetActionActivateFunc  activate,
                                                           const char                  *activate_name);
/* A stall in the click handler is named after its function. */
#define thaw_lesson_class_install_run_action(klass, action_name, activate) \
  thaw_lesson_class_install_run_action_named ((klass), (action_name), (activate), THAW_STALL_NAME (activate))
void           thaw_lesson_begin_run     (ThawLesson  *self,
                                          const char  *mode);
void           thaw_lesson_end_run       (ThawLesson  *self,
                                          ThawRunState state);
void           thaw_lesson_note_event    (ThawLesson  *self,
                                          const char  *verb);
void           thaw_lesson_fail_start    (ThawLesson  *self,
                                          const GError *error);
ThawRunState   thaw_lesson_get_run_state (ThawLesson  *self);
gint64         thaw_lesson_get_run_started_at (ThawLesson *self);
double         thaw_lesson_get_run_seconds (ThawLesson *self);
void           thaw_lesson_set_headline  (ThawLesson  *self,
                                          const char  *caption,
                                          const char  *value,
                                          const char  *detail);
const char    *thaw_lesson_get_headline  (ThawLesson  *self,
                                          const char **caption,
                                          const char **detail);
void           thaw_lesson_log_run       (ThawLesson  *self,
                                          ThawRunLog  *log,
                                          const char  *title,
                                          const char  *detail);

void           thaw_lesson_class_add_uint_knob    (ThawLessonClass *klass,
                                                   const char      *name,
                                                   gsize            offset,
                                                   guint            minimum,
                                                   guint            maximum,
                                                   guint            fallback);
void           thaw_lesson_class_add_double_knob  (ThawLessonClass *klass,
                                                   const char      *name,
                                                   gsize            offset,
                                                   double           minimum,
                                                   double           maximum,
                                                   double           fallback);
void           thaw_lesson_class_add_boolean_knob (ThawLessonClass *klass,
                                                   const char      *name,
                                                   gsize            offset,
                                                   gboolean         fallback);
void           thaw_lesson_init_knobs    (ThawLesson  *self);
void           thaw_lesson_class_set_template     (ThawLessonClass *klass,
                                                   const char      *id);
void           thaw_lesson_class_set_work         (ThawLessonClass *klass,
                                                   gsize            offset,
                                                   GDestroyNotify   stop_func,
                                                   GDestroyNotify   free_func);
void           thaw_lesson_class_own              (ThawLessonClass *klass,
                                                   gsize            offset,
                                                   GDestroyNotify   free_func);
void           thaw_lesson_class_own_source       (ThawLessonClass *klass,
                                                   gsize            offset);

ThawHeartbeat *thaw_lesson_get_heartbeat (ThawLesson  *self);
void           thaw_lesson_report        (ThawLesson  *self,
                                          JsonBuilder *builder);
gboolean       thaw_lesson_activate_verb (ThawLesson  *self,
                                          const char  *verb);
gboolean       thaw_lesson_can_activate_verb (ThawLesson *self,
                                              const char *verb);
char          *thaw_lesson_dup_verb_disabled_reason (ThawLesson *self,
                                                     const char *verb);
void           thaw_lesson_set_busy      (ThawLesson  *self,
                                          gboolean     busy);
gboolean       thaw_lesson_get_busy      (ThawLesson  *self);

/* A page's report and status, one line each. */
void           thaw_report_int           (JsonBuilder *builder,
                                          const char  *name,
                                          gint64       value);
void           thaw_report_double        (JsonBuilder *builder,
                                          const char  *name,
                                          double       value);
void           thaw_report_measured      (JsonBuilder *builder,
                                          const char  *name,
                                          gboolean     measured,
                                          double       value);
void           thaw_report_string        (JsonBuilder *builder,
                                          const char  *name,
                                          const char  *value);
void           thaw_report_boolean       (JsonBuilder *builder,
                                          const char  *name,
                                          gboolean     value);
void           thaw_list_box_remove_all  (GtkListBox  *list);
void           thaw_label_set_printf     (GtkLabel    *label,
                                          const char  *format,
                                          ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
