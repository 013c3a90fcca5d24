/* thaw-figure.h — a measured figure: caption, big number, a line of detail
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define THAW_TYPE_FIGURE (thaw_figure_get_type ())
G_DECLARE_FINAL_TYPE (ThawFigure, thaw_figure, THAW, FIGURE, GtkWidget)

GtkWidget  *thaw_figure_new        (const char *caption);
void        thaw_figure_set_value  (ThawFigure *self,
                                    const char *value);
const char *thaw_figure_get_value  (ThawFigure *self);
void        thaw_figure_set_detail (ThawFigure *self,
                                    const char *detail);
const char *thaw_figure_get_detail (ThawFigure *self);

G_END_DECLS
