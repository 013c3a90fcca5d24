/* race-work.h — the job of “Lost Updates”: threads adding to one counter
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib only: no GTK here. The lesson's page (race-page.c) shows what this
 * reports; tests/work runs it on a plain GMainLoop, under ThreadSanitizer,
 * and the TSan gate (tests/test-tsan-control.c) runs its racy adder.
 */

#pragma once

#include <gio/gio.h>

#include "thaw-timeline.h"

G_BEGIN_DECLS

#define RACE_MAX_THREADS 8
#define RACE_MANY_RUNS 20            /* the most runs in one series */

/* Each adder does its increments in this many rounds; in slow motion the
 * rounds start this far apart. */
#define RACE_ROUNDS 20
#define RACE_SLOW_ROUND_US (100 * G_TIME_SPAN_MILLISECOND)

typedef enum
{
  RACE_NO_LOCK,
  RACE_WITH_MUTEX,             /* locked once per increment */
  RACE_WITH_ATOMIC_ADD,
  RACE_WITH_BATCHES,           /* locked once per round */
  RACE_N_WAYS
} RaceWay;

typedef struct _RaceWork RaceWork;

/**
 * RaceNews:
 * @n_done: runs finished so far
 * @totals: the counter's total at the end of each of them
 * @last_adding_us: the last run's time spent adding, naps left out
 * @finished: whether this is the series' last news
 * @stopped: with @finished, whether Stop cut the series short
 * @error: (nullable): why a run could not start, with @finished
 *
 * What the page is told, always on the main thread.
 */
typedef struct
{
  guint n_done;
  guint totals[RACE_MANY_RUNS];
  gint64 last_adding_us;
  gboolean finished;
  gboolean stopped;
  GError *error;
} RaceNews;

typedef void (*RaceNewsFunc) (const RaceNews *news,
                              gpointer        user_data);

guint     race_run_once      (RaceWay        way,
                              guint          n_threads,
                              guint          increments,
                              gboolean       slow_motion,
                              ThawTimeline  *timeline,
                              GCancellable  *cancellable,
                              gint64        *adding_us,
                              GError       **error);

RaceWork *race_work_start    (RaceWay        way,
                              guint          n_threads,
                              guint          increments,
                              guint          n_runs,
                              gboolean       slow_motion,
                              ThawTimeline  *timeline,
                              RaceNewsFunc   news,
                              gpointer       user_data,
                              GError       **error);
void      race_work_stop     (RaceWork      *work);
void      race_work_free     (RaceWork      *work);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RaceWork, race_work_free)

G_END_DECLS
