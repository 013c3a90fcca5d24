/* cancel-work.h — the job of “Stopping a Thread”, and the Stop that asks it
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib only: no GTK here. The lesson's page (cancel-page.c) shows what this
 * reports; tests/work runs it on a plain GMainLoop, under ThreadSanitizer.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The data is hashed in blocks of 64 KiB; the lesson's job is 1.25 GiB of
 * them, seven seconds of hashing on the 2-core machine Thaw is tested on:
 * long enough to press Stop halfway. */
#define CANCEL_BLOCK_BYTES (64u * 1024u)
#define CANCEL_N_BLOCKS 20480u

/* look_every_ms for the wrong way: the worker still says how far it has
 * come every 10 ms, but never looks at its cancellable, so a Stop changes
 * nothing until the job is done. */
#define CANCEL_NEVER_CHECK G_MAXUINT

typedef struct _CancelWork CancelWork;

/* What the job says, always on the main thread. */
typedef struct
{
  guint blocks_done;
  guint n_blocks;
  gboolean finished;        /* the job's last report; the rest is for it: */
  const GError *error;      /* G_IO_ERROR_CANCELLED if the worker stopped */
  const char *checksum;     /* otherwise the SHA-256 of all the blocks */
  double latency_ms;        /* cancelled: from the Stop to the worker noticing */
  double delivered_ms;      /* cancelled: from the Stop to this report */
  gboolean stop_too_late;   /* not cancelled: a Stop came after the last look */
  gboolean stop_ignored;    /* not cancelled: a Stop came, and the worker,
                             * which never looks (CANCEL_NEVER_CHECK),
                             * hashed on to the end */
  double ignored_ms;        /* stop_ignored: from the Stop to the end */
} CancelProgress;

typedef void (*CancelProgressFunc) (const CancelProgress *progress,
                                    gpointer              user_data);

CancelWork *cancel_work_start        (guint               n_blocks,
                                      guint               look_every_ms,
                                      CancelProgressFunc  progress,
                                      gpointer            user_data,
                                      GError            **error);
void        cancel_work_stop         (CancelWork         *work);
gboolean    cancel_work_has_finished (CancelWork         *work);
void        cancel_work_free         (CancelWork         *work);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CancelWork, cancel_work_free)

G_END_DECLS
