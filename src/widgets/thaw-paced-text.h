/* thaw-paced-text.h — texts that change with every delivery, shown at most
 * ten times a second
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The least time between two changes shown, in microseconds. */
#define THAW_PACED_TEXT_INTERVAL_US (100 * 1000)

void thaw_paced_text_set (gpointer    object,
                          const char *property,
                          const char *text,
                          gboolean    now);

G_END_DECLS
