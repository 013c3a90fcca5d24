/* thaw-wrong-ways.h — wrong ways that run only in a child process
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean thaw_wrong_way_exists (const char *name);
int      thaw_wrong_way_run    (const char *name);

G_END_DECLS
