/* race-steps.h — “Lost Updates” one step at a time: the learner schedules
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib only: no GTK here. The page (race-page.c) shows each thread's next
 * line and gives it steps; tests/work/test-race-work.c drives the same
 * threads through the schedule that loses an update, under TSan too.
 */

#pragma once

#include <gio/gio.h>

#include "thaw-stepper.h"

G_BEGIN_DECLS

#define RACE_STEP_THREADS 2
#define RACE_STEP_INCREMENTS 2       /* per thread: the counter should end at 4 */
#define RACE_STEP_EVENTS (RACE_STEP_THREADS * RACE_STEP_INCREMENTS * 2)

/* The step points of each thread, in race-steps.c's add_in_steps(). */
typedef enum
{
  RACE_STEP_READ,
  RACE_STEP_WRITE,
  RACE_N_STEPS
} RaceStep;

/* One action a thread took: its read of the counter, or its write. */
typedef struct
{
  guint thread;
  RaceStep step;
  int value;                   /* the value read, or the value written */
} RaceStepEvent;

/**
 * RaceStepsNews:
 * @threads: where each thread is
 * @counter: the shared counter
 * @values: what each thread last read into its local `value`
 * @events: the schedule so far, one event per step taken
 * @finished: every thread has finished (the counter is final)
 *
 * What the page is told, always on the main thread.
 */
typedef struct
{
  ThawStepperThread threads[RACE_STEP_THREADS];
  int counter;
  int values[RACE_STEP_THREADS];
  RaceStepEvent events[RACE_STEP_EVENTS];
  guint n_events;
  gboolean finished;
} RaceStepsNews;

typedef void (*RaceStepsNewsFunc) (const RaceStepsNews *news,
                                   gpointer             user_data);

typedef struct _RaceSteps RaceSteps;

RaceSteps *race_steps_start    (RaceStepsNewsFunc   news,
                                gpointer            user_data,
                                GError            **error);
ThawStepper *race_steps_get_stepper (RaceSteps     *steps);
void       race_steps_free     (RaceSteps          *steps);
double     race_steps_time_free (guint              increments,
                                 gboolean           step_points);

/* One whole run, scheduled by the calling thread. */
typedef struct
{
  RaceStepEvent events[RACE_STEP_EVENTS];
  guint n_events;
  int total;
  ThawStepSchedule schedule;   /* which thread took each step */
} RaceStepRun;

int        race_steps_run_schedule (const guint     *schedule,
                                    guint            n_schedule,
                                    GRand           *rand,
                                    RaceStepRun     *run,
                                    GError         **error);
int        race_steps_run_random   (GRand           *rand,
                                    gpointer         example,
                                    gpointer         run_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RaceSteps, race_steps_free)

G_END_DECLS
