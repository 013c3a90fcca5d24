/* thaw-text-row.h — a list row of two lines, cheap to make and to change
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define THAW_TYPE_TEXT_ROW (thaw_text_row_get_type ())
G_DECLARE_FINAL_TYPE (ThawTextRow, thaw_text_row, THAW, TEXT_ROW, GtkListBoxRow)

GtkWidget  *thaw_text_row_new          (const char  *title,
                                        const char  *subtitle);
void        thaw_text_row_set_title    (ThawTextRow *self,
                                        const char  *title);
const char *thaw_text_row_get_title    (ThawTextRow *self);
void        thaw_text_row_set_subtitle (ThawTextRow *self,
                                        const char  *subtitle);
const char *thaw_text_row_get_subtitle (ThawTextRow *self);
void        thaw_text_row_add_suffix   (ThawTextRow *self,
                                        GtkWidget   *suffix);
GtkLevelBar *thaw_text_row_add_level_bar (ThawTextRow *self,
                                          const char  *label);
void        thaw_text_row_set_single_line (ThawTextRow *self,
                                           gboolean     single_line);

G_END_DECLS
