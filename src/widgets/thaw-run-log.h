/* thaw-run-log.h — a lesson's finished runs, newest first
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "thaw-heartbeat.h"

G_BEGIN_DECLS

#define THAW_TYPE_RUN_LOG (thaw_run_log_get_type ())
G_DECLARE_FINAL_TYPE (ThawRunLog, thaw_run_log, THAW, RUN_LOG, AdwBin)

GtkWidget *thaw_run_log_new              (void);
void       thaw_run_log_add              (ThawRunLog    *self,
                                          const char    *title,
                                          const char    *detail,
                                          ThawHeartbeat *heartbeat,
                                          gint64         since_us);
double     thaw_run_log_get_last_wait_ms (ThawRunLog    *self);

G_END_DECLS
