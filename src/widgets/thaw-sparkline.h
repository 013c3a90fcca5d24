/* thaw-sparkline.h — a small filled graph of a value over time
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define THAW_TYPE_SPARKLINE (thaw_sparkline_get_type ())
G_DECLARE_FINAL_TYPE (ThawSparkline, thaw_sparkline, THAW, SPARKLINE, GtkWidget)

GtkWidget *thaw_sparkline_new         (void);
void       thaw_sparkline_push        (ThawSparkline *self,
                                       double         value);
void       thaw_sparkline_clear       (ThawSparkline *self);
guint      thaw_sparkline_get_n_values (ThawSparkline *self);
double     thaw_sparkline_get_span    (ThawSparkline *self);
double     thaw_sparkline_get_last    (ThawSparkline *self);

G_END_DECLS
