/* thaw-bouncer.h — an animation that stops when the main loop does
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define THAW_TYPE_BOUNCER (thaw_bouncer_get_type ())
G_DECLARE_FINAL_TYPE (ThawBouncer, thaw_bouncer, THAW, BOUNCER, GtkWidget)

GtkWidget *thaw_bouncer_new             (void);
guint64    thaw_bouncer_get_frames      (ThawBouncer *self);
double     thaw_bouncer_get_average_fps (ThawBouncer *self);
double     thaw_bouncer_get_recent_fps  (ThawBouncer *self);
double     thaw_bouncer_get_longest_gap_ms (ThawBouncer *self);
void       thaw_bouncer_reset           (ThawBouncer *self);
void       thaw_bouncer_set_resting     (ThawBouncer *self,
                                         gboolean     resting);
gboolean   thaw_bouncer_get_resting     (ThawBouncer *self);

G_END_DECLS
