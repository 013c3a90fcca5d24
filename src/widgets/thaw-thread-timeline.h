/* thaw-thread-timeline.h — one lane per thread, drawn at frame rate
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "thaw-timeline.h"

G_BEGIN_DECLS

#define THAW_TYPE_THREAD_TIMELINE (thaw_thread_timeline_get_type ())
G_DECLARE_FINAL_TYPE (ThawThreadTimeline, thaw_thread_timeline, THAW, THREAD_TIMELINE, GtkWidget)

GtkWidget    *thaw_thread_timeline_new           (void);
void          thaw_thread_timeline_set_timeline  (ThawThreadTimeline *self,
                                                  ThawTimeline       *timeline);
ThawTimeline *thaw_thread_timeline_get_timeline  (ThawThreadTimeline *self);
/* How many seconds of history the lanes show (default 10). */
void          thaw_thread_timeline_set_span      (ThawThreadTimeline *self,
                                                  double              seconds);
void          thaw_thread_timeline_set_states    (ThawThreadTimeline *self,
                                                  guint               states);
void          thaw_thread_timeline_set_strip     (ThawThreadTimeline *self,
                                                  const char         *name,
                                                  double              maximum,
                                                  double              limit,
                                                  const char         *limit_label,
                                                  guint               count_states);
void          thaw_thread_timeline_push_strip    (ThawThreadTimeline *self,
                                                  double              value);
double        thaw_thread_timeline_get_strip_peak (ThawThreadTimeline *self);
void          thaw_thread_timeline_get_view      (ThawThreadTimeline *self,
                                                  gint64             *start_us,
                                                  gint64             *end_us);

G_END_DECLS
