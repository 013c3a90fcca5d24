/* thaw-cull-box.h — a box that draws only the children its scroller shows
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define THAW_TYPE_CULL_BOX (thaw_cull_box_get_type ())
G_DECLARE_FINAL_TYPE (ThawCullBox, thaw_cull_box, THAW, CULL_BOX, GtkBox)

GtkWidget *thaw_cull_box_new (GtkOrientation orientation,
                              int            spacing);

G_END_DECLS
