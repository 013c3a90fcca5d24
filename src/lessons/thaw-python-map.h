/* thaw-python-map.h — Python's threading idioms and their GLib counterparts
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define THAW_TYPE_PYTHON_MAP (thaw_python_map_get_type ())
G_DECLARE_FINAL_TYPE (ThawPythonMap, thaw_python_map, THAW, PYTHON_MAP, AdwBin)

GtkWidget *thaw_python_map_new (void);

G_END_DECLS
