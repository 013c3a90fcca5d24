/* thaw-palette.c — the few colours Thaw draws with, for light and dark
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Hues of the GNOME palette. On a dark background the darker shades lose
 * contrast, so the dark style takes a lighter shade of the same hue.
 */

#include "config.h"

#include <adwaita.h>

#include "thaw-palette.h"

static const char *const light[THAW_N_COLORS] = {
  [THAW_COLOR_ACCENT] = "#3584e4",    /* blue 3 */
  [THAW_COLOR_WARNING] = "#e66100",   /* orange 4 */
  [THAW_COLOR_GOOD] = "#2ec27e",      /* green 4 */
  [THAW_COLOR_ERROR] = "#e01b24",     /* red 3 */
  [THAW_COLOR_QUIET] = "#986a44",     /* brown 3 */
};

static const char *const dark[THAW_N_COLORS] = {
  [THAW_COLOR_ACCENT] = "#62a0ea",    /* blue 2 */
  [THAW_COLOR_WARNING] = "#ffa348",   /* orange 2 */
  [THAW_COLOR_GOOD] = "#57e389",      /* green 2 */
  [THAW_COLOR_ERROR] = "#f66151",     /* red 1 */
  [THAW_COLOR_QUIET] = "#b5835a",     /* brown 2 */
};

/**
 * thaw_palette_get:
 * @color: what the colour means
 * @out: (out): the colour for the current light or dark style
 */
void
thaw_palette_get (ThawColor  color,
                  GdkRGBA   *out)
{
  gboolean is_dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  g_return_if_fail (color < THAW_N_COLORS);

  gdk_rgba_parse (out, (is_dark ? dark : light)[color]);
}

/**
 * thaw_palette_get_foreground:
 * @widget: the widget that draws
 * @alpha: how opaque: 1 for text, about 0.06 for a plot's background
 * @out: (out): the widget's text colour at that opacity
 */
void
thaw_palette_get_foreground (GtkWidget *widget,
                             float      alpha,
                             GdkRGBA   *out)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), out);
  G_GNUC_END_IGNORE_DEPRECATIONS
  out->alpha *= alpha;
}
