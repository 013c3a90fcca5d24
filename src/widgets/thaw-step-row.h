/* thaw-step-row.h — one stepped thread: its letter, where it is, its buttons
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define THAW_TYPE_STEP_ROW (thaw_step_row_get_type ())
G_DECLARE_FINAL_TYPE (ThawStepRow, thaw_step_row, THAW, STEP_ROW, GtkWidget)

void        thaw_step_row_set_status (ThawStepRow *self,
                                      const char  *status);
const char *thaw_step_row_get_status (ThawStepRow *self);

#define THAW_TYPE_STEP_BUTTONS (thaw_step_buttons_get_type ())
G_DECLARE_FINAL_TYPE (ThawStepButtons, thaw_step_buttons, THAW, STEP_BUTTONS, GtkWidget)

G_END_DECLS
