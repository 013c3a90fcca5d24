/* thaw-latency-graph.h — the last seconds of main-loop lateness
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "thaw-heartbeat.h"
#include "thaw-stalls.h"

G_BEGIN_DECLS

#define THAW_TYPE_LATENCY_GRAPH (thaw_latency_graph_get_type ())
G_DECLARE_FINAL_TYPE (ThawLatencyGraph, thaw_latency_graph, THAW, LATENCY_GRAPH, GtkWidget)

GtkWidget     *thaw_latency_graph_new           (void);
void           thaw_latency_graph_set_heartbeat (ThawLatencyGraph *self,
                                                 ThawHeartbeat    *heartbeat);
ThawHeartbeat *thaw_latency_graph_get_heartbeat (ThawLatencyGraph *self);
void           thaw_latency_graph_set_scrolling (ThawLatencyGraph *self,
                                                 gboolean          scrolling);
void           thaw_latency_graph_set_stall     (ThawLatencyGraph *self,
                                                 const ThawStall  *stall);
const char    *thaw_latency_graph_get_stall_label (ThawLatencyGraph *self);

G_END_DECLS
