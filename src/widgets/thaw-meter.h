/* thaw-meter.h — the responsiveness meter, always on screen
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "thaw-heartbeat.h"

G_BEGIN_DECLS

#define THAW_TYPE_METER (thaw_meter_get_type ())
G_DECLARE_FINAL_TYPE (ThawMeter, thaw_meter, THAW, METER, AdwBin)

void           thaw_meter_set_heartbeat (ThawMeter     *self,
                                         ThawHeartbeat *heartbeat);
ThawHeartbeat *thaw_meter_get_heartbeat (ThawMeter     *self);
void           thaw_meter_get_frames    (ThawMeter     *self,
                                         guint64       *frames,
                                         double        *fps);
void           thaw_meter_reset         (ThawMeter     *self);
void           thaw_meter_wake          (ThawMeter     *self);
void           thaw_meter_set_busy      (ThawMeter     *self,
                                         gboolean       busy);
gboolean       thaw_meter_get_resting   (ThawMeter     *self);
void           thaw_meter_set_compact   (ThawMeter     *self,
                                         gboolean       compact);

G_END_DECLS
