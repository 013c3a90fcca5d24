/* thaw-row-tail.h — the last rows of a stream, in a column view
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct _ThawRowTail ThawRowTail;

ThawRowTail *thaw_row_tail_new   (GtkColumnView *view,
                                  guint          n_rows);
void         thaw_row_tail_free  (ThawRowTail   *tail);
void         thaw_row_tail_clear (ThawRowTail   *tail);
void         thaw_row_tail_add   (ThawRowTail   *tail,
                                  char          *row);
void         thaw_row_tail_flush (ThawRowTail   *tail);

G_END_DECLS
