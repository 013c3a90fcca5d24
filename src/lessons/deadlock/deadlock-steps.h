/* deadlock-steps.h — “Deadlock” one step at a time: the learner schedules
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib and pthreads only: no GTK here. The page (deadlock-page.c) shows
 * each transfer's next line and gives it steps; tests/work drives the same
 * threads into the deadlock, under TSan too.
 */

#pragma once

#include <glib.h>

#include "deadlock-work.h"
#include "thaw-stepper.h"

G_BEGIN_DECLS

#define DEADLOCK_STEP_EVENTS 16

/* The step points of each transfer, in deadlock-steps.c's transfer(). */
typedef enum
{
  DEADLOCK_STEP_LOCK_FIRST,
  DEADLOCK_STEP_LOCK_SECOND,
  DEADLOCK_STEP_MOVE,
  DEADLOCK_STEP_UNLOCK,
  DEADLOCK_N_STEPS
} DeadlockStep;

/* What a transfer did, as the schedule writes it down. */
typedef enum
{
  DEADLOCK_EVENT_LOCKED,       /* took the account's lock */
  DEADLOCK_EVENT_WAITS,        /* found it taken, and waits for it */
  DEADLOCK_EVENT_MOVED,        /* moved the money */
  DEADLOCK_EVENT_UNLOCKED,     /* let go of both locks */
} DeadlockEventKind;

typedef struct
{
  guint thread;                /* the transfer: 0 is 1→2, 1 is 2→1 */
  DeadlockEventKind kind;
  int account;                 /* for LOCKED and WAITS */
} DeadlockStepEvent;

/**
 * DeadlockStepsNews:
 * @threads: where each transfer is
 * @holder: for each account, the transfer holding its lock, or
 *   %DEADLOCK_NOBODY
 * @waits_for: for each transfer, the account whose lock it waits for, or
 *   %DEADLOCK_NOBODY
 * @balance: the accounts' balances
 * @events: the schedule so far
 * @deadlocked: the transfers wait for each other in a circle: no step can
 *   ever be taken again
 * @finished: both transfers have finished
 *
 * What the page is told, always on the main thread.
 */
typedef struct
{
  ThawStepperThread threads[DEADLOCK_N_TRANSFERS];
  int holder[DEADLOCK_N_ACCOUNTS];
  int waits_for[DEADLOCK_N_TRANSFERS];
  int balance[DEADLOCK_N_ACCOUNTS];
  DeadlockStepEvent events[DEADLOCK_STEP_EVENTS];
  guint n_events;
  gboolean deadlocked;
  gboolean finished;
} DeadlockStepsNews;

typedef void (*DeadlockStepsNewsFunc) (const DeadlockStepsNews *news,
                                       gpointer                 user_data);

typedef struct _DeadlockSteps DeadlockSteps;

DeadlockSteps *deadlock_steps_start   (DeadlockOrder          order,
                                       DeadlockStepsNewsFunc  news,
                                       gpointer               user_data,
                                       GError               **error);
ThawStepper   *deadlock_steps_get_stepper (DeadlockSteps     *steps);
void           deadlock_steps_free    (DeadlockSteps         *steps);

/* One whole run, scheduled by the calling thread. */
typedef struct
{
  DeadlockStepEvent events[DEADLOCK_STEP_EVENTS];
  guint n_events;
  gboolean deadlocked;
  ThawStepSchedule schedule;   /* which transfer took each step */
} DeadlockStepRun;

gboolean       deadlock_steps_run_schedule (DeadlockOrder     order,
                                            const guint      *schedule,
                                            guint             n_schedule,
                                            GRand            *rand,
                                            DeadlockStepRun  *run,
                                            GError          **error);
int            deadlock_steps_run_random   (GRand            *rand,
                                            gpointer          example,
                                            gpointer          run_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeadlockSteps, deadlock_steps_free)

G_END_DECLS
