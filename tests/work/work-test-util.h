/* work-test-util.h — helpers for the tests of the lessons' work files
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib only, like the work files: these tests run in the TSan build.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

double work_test_time_scale        (void);
guint  work_test_count_threads     (const char *prefix);
guint  work_test_count_threads_named (const char *name);
void   work_test_wait_for_threads  (const char *prefix,
                                    guint       expected);
void   work_test_iterate_for       (double      seconds);
void   work_test_iterate_until     (gboolean  (*done) (gpointer),
                                    gpointer    data,
                                    double      seconds);

G_END_DECLS
