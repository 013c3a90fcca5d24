/* signal-steps.h — “Waiting for a Signal” one step at a time: the learner
 * schedules
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib and pthreads only: no GTK here. The page (signal-scheduler.c) shows
 * each thread's next line and gives it steps; tests/work drives the same
 * threads into the lost wake-up, under TSan too.
 */

#pragma once

#include <glib.h>

#include "thaw-stepper.h"

G_BEGIN_DECLS

#define SIGNAL_STEP_THREADS 2        /* 0 waits, 1 signals */
#define SIGNAL_STEP_EVENTS 16

/**
 * SignalStepsWay:
 * @SIGNAL_STEPS_NO_FLAG: the waiter waits, the signaller signals, and
 *   nothing remembers the signal: sent before the wait, it is lost
 * @SIGNAL_STEPS_FLAG: the signaller sets a flag under the lock before it
 *   signals, and the waiter waits only while the flag is not set: the fix
 */
typedef enum
{
  SIGNAL_STEPS_NO_FLAG,
  SIGNAL_STEPS_FLAG,
} SignalStepsWay;

/* The step points, in signal-steps.c's waiter() and signaller(). */
typedef enum
{
  SIGNAL_STEP_LOCK,
  SIGNAL_STEP_CHECK,           /* the waiter's while (!ready), with a flag */
  SIGNAL_STEP_WAIT,
  SIGNAL_STEP_SET,             /* the signaller's ready = TRUE, with a flag */
  SIGNAL_STEP_SIGNAL,
  SIGNAL_STEP_UNLOCK,
  SIGNAL_N_STEPS
} SignalStep;

typedef enum
{
  SIGNAL_EVENT_LOCKED,
  SIGNAL_EVENT_WAITS_FOR_LOCK,
  SIGNAL_EVENT_SEES_FLAG,      /* the waiter found the flag set */
  SIGNAL_EVENT_WAITS,          /* the waiter went to sleep on the condition */
  SIGNAL_EVENT_WOKE,
  SIGNAL_EVENT_SET,
  SIGNAL_EVENT_SIGNALLED,      /* the signaller signalled, nobody asleep */
  SIGNAL_EVENT_SIGNALLED_WAKING, /* … and somebody was asleep to hear it */
  SIGNAL_EVENT_UNLOCKED,
} SignalEventKind;

typedef struct
{
  guint thread;
  SignalEventKind kind;
} SignalStepEvent;

/**
 * SignalStepsNews:
 * @threads: where the waiter (0) and the signaller (1) are
 * @ready: the flag (with %SIGNAL_STEPS_FLAG)
 * @asleep: the waiter is asleep on the condition
 * @events: the schedule so far
 * @lost: the signaller has finished and the waiter sleeps on: the wake-up
 *   was lost, and nothing will ever wake it
 * @finished: both threads have finished
 */
typedef struct
{
  ThawStepperThread threads[SIGNAL_STEP_THREADS];
  gboolean ready;
  gboolean asleep;
  SignalStepEvent events[SIGNAL_STEP_EVENTS];
  guint n_events;
  gboolean lost;
  gboolean finished;
} SignalStepsNews;

typedef void (*SignalStepsNewsFunc) (const SignalStepsNews *news,
                                     gpointer               user_data);

typedef struct _SignalSteps SignalSteps;

SignalSteps *signal_steps_start        (SignalStepsWay        way,
                                        SignalStepsNewsFunc   news,
                                        gpointer              user_data,
                                        GError              **error);
ThawStepper *signal_steps_get_stepper  (SignalSteps          *steps);
void         signal_steps_free         (SignalSteps          *steps);

/* One whole run, scheduled by the calling thread. */
typedef struct
{
  SignalStepEvent events[SIGNAL_STEP_EVENTS];
  guint n_events;
  gboolean lost;
  ThawStepSchedule schedule;
} SignalStepRun;

gboolean     signal_steps_run_schedule (SignalStepsWay        way,
                                        const guint          *schedule,
                                        guint                 n_schedule,
                                        GRand                *rand,
                                        SignalStepRun        *run,
                                        GError              **error);
int          signal_steps_run_random   (GRand                *rand,
                                        gpointer              example,
                                        gpointer              run_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SignalSteps, signal_steps_free)

G_END_DECLS
