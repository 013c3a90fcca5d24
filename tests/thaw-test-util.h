/* thaw-test-util.h — helpers shared by Thaw's UI tests
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "thaw-lesson.h"

G_BEGIN_DECLS

typedef struct
{
  int exit_status;       /* the exit code, or 128 + signal */
  char *out;
  char *err;
  double seconds;        /* wall time from spawn to exit */
} ThawTestRun;

void        thaw_test_run_clear      (ThawTestRun        *run);
void        thaw_test_bind_translations (void);
double      thaw_test_time_scale     (void);
double      thaw_test_lateness_bound_ms (void);
void        thaw_test_run_thaw       (ThawTestRun        *run,
                                      const char * const *env,
                                      const char         *first_arg,
                                      ...) G_GNUC_NULL_TERMINATED;
void        thaw_test_run_thaw_signal (ThawTestRun        *run,
                                       double              signal_after,
                                       int                 signum,
                                       const char         *first_arg,
                                       ...) G_GNUC_NULL_TERMINATED;
JsonObject *thaw_test_load_report    (const char         *path);
JsonObject *thaw_test_lesson_report  (ThawLesson         *lesson);
gboolean    thaw_test_process_exists  (int                pid);
JsonObject *thaw_test_wait_for_member (ThawLesson        *lesson,
                                       const char        *member,
                                       const char        *value);
void        thaw_test_collect_widgets (GtkWidget         *root,
                                       GType              type,
                                       GPtrArray         *found);
void        thaw_test_trap_in_language (const char       *language,
                                        const char       *locale);
char       *thaw_test_tmp_path       (const char         *name);
gboolean    thaw_test_remove_tree    (const char         *path);
guint       thaw_test_count_threads  (void);
guint       thaw_test_count_threads_named (const char *name);
guint       thaw_test_count_threads_with_prefix (const char *prefix);
GtkWidget  *thaw_test_find_button    (GtkWidget          *root,
                                      const char         *action);
void        thaw_test_iterate_for    (double              seconds);
void        thaw_test_scroll_into_view (GtkWidget        *widget);
void        thaw_test_iterate_until  (gboolean          (*done) (gpointer),
                                      gpointer            data,
                                      double              seconds);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ThawTestRun, thaw_test_run_clear)

G_END_DECLS
