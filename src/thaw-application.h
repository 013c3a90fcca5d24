/* thaw-application.h — the application: actions, command line, reports
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "thaw-heartbeat.h"

G_BEGIN_DECLS

#define THAW_TYPE_APPLICATION (thaw_application_get_type ())
G_DECLARE_FINAL_TYPE (ThawApplication, thaw_application, THAW, APPLICATION, AdwApplication)

ThawApplication *thaw_application_new             (void);
ThawHeartbeat   *thaw_application_get_heartbeat   (ThawApplication *self);
int              thaw_application_get_exit_status (ThawApplication *self);

G_END_DECLS
