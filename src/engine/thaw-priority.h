/* thaw-priority.h — background CPU priority for the calling thread
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The nice value of Thaw's workers: when every core is busy the scheduler
 * then gives the main thread (nice 0) about ten times their share. */
#define THAW_BACKGROUND_NICE 10

gboolean thaw_thread_lower_priority          (int      nice_value);
gboolean thaw_thread_set_background_priority (void);
void     thaw_background_priority_set_enabled (gboolean enabled);
gboolean thaw_background_priority_get_enabled (void);

G_END_DECLS
