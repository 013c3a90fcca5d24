/* thaw-palette.h — the few colours Thaw draws with, for light and dark
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* What a colour means, the same in every graph and timeline. */
typedef enum
{
  THAW_COLOR_ACCENT,    /* running, a measured value */
  THAW_COLOR_WARNING,   /* waiting, lost, over a bound */
  THAW_COLOR_GOOD,      /* holding a lock, exact */
  THAW_COLOR_ERROR,     /* hung */
  THAW_COLOR_QUIET,     /* sleeping */
  THAW_N_COLORS
} ThawColor;

void thaw_palette_get            (ThawColor  color,
                                  GdkRGBA   *out);
void thaw_palette_get_foreground (GtkWidget *widget,
                                  float      alpha,
                                  GdkRGBA   *out);

G_END_DECLS
