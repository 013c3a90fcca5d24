/* flood-work.h — the worker of “A Flood of Updates” and its three hand-offs
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib only; flood-page.c shows it, tests/work runs it under TSan.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The lesson's job, and the most idle callbacks a flood lets wait. */
#define FLOOD_UPDATES 1000000u
#define FLOOD_MAX_PENDING 100000u

typedef enum { FLOOD_ONE_IDLE_PER_UPDATE, FLOOD_COALESCED, FLOOD_PACED } FloodWay;

typedef struct _FloodWork FloodWork;

/* What a run has done so far; any thread may read it. */
typedef struct
{
  guint sent;           /* updates sent: also the latest value */
  guint pending;        /* idle callbacks waiting on the main loop */
  guint pending_max;    /* the most that ever waited at once */
  guint dispatches;     /* idle callbacks the main loop has run */
  guint throttled;      /* how often the flood waited for the main loop */
} FloodCounters;

/* Receives updates on the main thread; the last, and only the last, comes
 * with @finished set. */
typedef void (*FloodShowFunc) (guint value, gboolean finished, gpointer user_data);

FloodWork *flood_work_start        (FloodWay       way,
                                    guint          n_updates,
                                    guint          max_pending,
                                    FloodShowFunc  show,
                                    gpointer       user_data,
                                    GError       **error);
void       flood_work_frame        (FloodWork     *work,
                                    guint          frame_us);
void       flood_work_get_counters (FloodWork     *work,
                                    FloodCounters *counters);
void       flood_work_stop         (FloodWork     *work);
void       flood_work_free         (FloodWork     *work);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FloodWork, flood_work_free)

G_END_DECLS
