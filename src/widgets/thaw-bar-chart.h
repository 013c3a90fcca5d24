/* thaw-bar-chart.h — bars with labels, a scale and reference lines
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "thaw-palette.h"

G_BEGIN_DECLS

#define THAW_TYPE_BAR_CHART (thaw_bar_chart_get_type ())
G_DECLARE_FINAL_TYPE (ThawBarChart, thaw_bar_chart, THAW, BAR_CHART, GtkWidget)

/* How a reference line over the bars is drawn. */
typedef enum
{
  THAW_LINE_DASHED,     /* an ideal: thin, dashed, in the text colour */
  THAW_LINE_MARKED,     /* a limit: solid, a dot on each bar, in colour */
} ThawLineStyle;

GtkWidget *thaw_bar_chart_new        (void);
void       thaw_bar_chart_set_bars   (ThawBarChart       *self,
                                      guint               n_bars,
                                      const double       *values,
                                      const ThawColor    *colors,
                                      const char * const *labels);
guint      thaw_bar_chart_get_n_bars (ThawBarChart       *self);
double     thaw_bar_chart_get_value  (ThawBarChart       *self,
                                      guint               bar);
gboolean   thaw_bar_chart_get_scale  (ThawBarChart       *self,
                                      double             *top,
                                      double             *step);
void       thaw_bar_chart_set_line   (ThawBarChart       *self,
                                      guint               line,
                                      const double       *values,
                                      ThawLineStyle       style,
                                      ThawColor           color);
void       thaw_bar_chart_clear_line (ThawBarChart       *self,
                                      guint               line);
void       thaw_bar_chart_set_marker (ThawBarChart       *self,
                                      int                 bar);

G_END_DECLS
