/* thaw-step-trial.h — many random schedules of stepped threads, counted
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _ThawStepTrial ThawStepTrial;

/**
 * ThawStepTrialRunFunc:
 * @rand: the trial's random numbers, for thaw_stepper_play()
 * @example: (out caller-allocates): room for what the run did (its
 *   schedule), as many bytes as the trial was given
 * @run_data: as given to thaw_step_trial_start()
 *
 * One run of the lesson's stepped threads, on the trial's conductor
 * thread, each next step chosen at random.
 *
 * Returns: 1 if the run went wrong (an update lost, a deadlock), 0 if not,
 *   -1 if it could not run
 */
typedef int (*ThawStepTrialRunFunc) (GRand    *rand,
                                     gpointer  example,
                                     gpointer  run_data);

/**
 * ThawStepTrialNews:
 * @n_done: runs so far
 * @n_broken: runs that went wrong
 * @first_broken: (nullable): what the first of them did, as the run
 *   function wrote it; %NULL while none has
 * @finished: the last news: the conductor has been joined
 * @stopped: with @finished, the trial was stopped before its end
 * @failed: with @finished, a run could not run
 *
 * What the page is told, always on the main thread.
 */
typedef struct
{
  guint n_done;
  guint n_broken;
  gconstpointer first_broken;
  gboolean finished;
  gboolean stopped;
  gboolean failed;
} ThawStepTrialNews;

typedef void (*ThawStepTrialNewsFunc) (const ThawStepTrialNews *news,
                                       gpointer                 user_data);

ThawStepTrial *thaw_step_trial_start (guint                  n_runs,
                                      guint32                seed,
                                      ThawStepTrialRunFunc   run,
                                      gsize                  example_size,
                                      gpointer               run_data,
                                      ThawStepTrialNewsFunc  news,
                                      gpointer               user_data,
                                      GError               **error);
void           thaw_step_trial_stop  (ThawStepTrial         *self);
void           thaw_step_trial_free  (ThawStepTrial         *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThawStepTrial, thaw_step_trial_free)

G_END_DECLS
