/* recursive-steps.h — “A Lock Taken Twice” one step at a time: the learner
 * schedules
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib and pthreads only: no GTK here. The page (recursive-scheduler.c)
 * shows each deposit's next line and gives it steps; tests/work drives the
 * same threads into the self-deadlock, under TSan too.
 */

#pragma once

#include <glib.h>

#include "thaw-stepper.h"

G_BEGIN_DECLS

#define RECURSIVE_STEP_THREADS 2
#define RECURSIVE_STEP_EVENTS 20
#define RECURSIVE_STEP_NOBODY (-1)
#define RECURSIVE_STEP_OPENING_BALANCE 100
#define RECURSIVE_STEP_AMOUNT 10

/* The kind of the account's lock. */
typedef enum
{
  RECURSIVE_STEPS_PLAIN,       /* PTHREAD_MUTEX_NORMAL: what a GMutex is */
  RECURSIVE_STEPS_RECURSIVE,   /* PTHREAD_MUTEX_RECURSIVE: what a GRecMutex is */
} RecursiveStepsMutex;

/* The step points of each deposit, in recursive-steps.c's deposit() and
 * log_balance(), in the order a thread meets them. */
typedef enum
{
  RECURSIVE_STEP_LOCK,         /* deposit() takes the lock */
  RECURSIVE_STEP_LOCK_AGAIN,   /* log_balance() takes it again */
  RECURSIVE_STEP_LOG,          /* log_balance() writes the balance down */
  RECURSIVE_STEP_UNLOCK_AGAIN, /* log_balance() lets go once */
  RECURSIVE_STEP_DEPOSIT,      /* deposit() adds the money */
  RECURSIVE_STEP_UNLOCK,       /* deposit() lets go */
  RECURSIVE_N_STEPS
} RecursiveStep;

/* What a deposit did, as the schedule writes it down. */
typedef enum
{
  RECURSIVE_EVENT_LOCKED,      /* took the lock; @count is its hold now */
  RECURSIVE_EVENT_WAITS,       /* found it taken by @holder, and waits */
  RECURSIVE_EVENT_LOGGED,      /* wrote @balance to the log */
  RECURSIVE_EVENT_DEPOSITED,   /* added the money: @balance after */
  RECURSIVE_EVENT_UNLOCKED,    /* let go once; @count is its hold now */
} RecursiveEventKind;

typedef struct
{
  guint thread;                /* A is 0, B is 1 */
  RecursiveEventKind kind;
  int holder;                  /* for WAITS: who held the lock */
  guint count;                 /* for LOCKED and UNLOCKED */
  int balance;                 /* for LOGGED and DEPOSITED */
} RecursiveStepEvent;

/**
 * RecursiveStepsNews:
 * @threads: where each deposit is
 * @holder: the thread holding the lock, or %RECURSIVE_STEP_NOBODY
 * @count: how many times it holds it (a recursive mutex counts)
 * @deepest: the most it was held at once
 * @waits: for each thread, whether it waits for the lock
 * @balance: the account's balance
 * @events: the schedule so far
 * @self_deadlocked: the holder waits for the lock it holds itself: it can
 *   never go on
 * @deadlocked: that, and every other thread left blocked too: no step can
 *   ever be taken again
 * @twice_waiter: the first thread that waited for the lock while the other
 *   held it twice, or %RECURSIVE_STEP_NOBODY
 * @finished: both deposits have finished
 *
 * What the page is told, always on the main thread.
 */
typedef struct
{
  ThawStepperThread threads[RECURSIVE_STEP_THREADS];
  int holder;
  guint count;
  guint deepest;
  gboolean waits[RECURSIVE_STEP_THREADS];
  int balance;
  RecursiveStepEvent events[RECURSIVE_STEP_EVENTS];
  guint n_events;
  gboolean self_deadlocked;
  gboolean deadlocked;
  int twice_waiter;
  gboolean finished;
} RecursiveStepsNews;

typedef void (*RecursiveStepsNewsFunc) (const RecursiveStepsNews *news,
                                        gpointer                  user_data);

typedef struct _RecursiveSteps RecursiveSteps;

void            recursive_steps_news_init   (RecursiveStepsNews     *news);
RecursiveSteps *recursive_steps_start       (RecursiveStepsMutex     mutex,
                                             RecursiveStepsNewsFunc  news,
                                             gpointer                user_data,
                                             GError                **error);
ThawStepper    *recursive_steps_get_stepper (RecursiveSteps         *steps);
void            recursive_steps_free        (RecursiveSteps         *steps);

/* One whole run, scheduled by the calling thread. */
typedef struct
{
  RecursiveStepEvent events[RECURSIVE_STEP_EVENTS];
  guint n_events;
  gboolean deadlocked;
  guint deepest;
  int twice_waiter;
  int balance;
  ThawStepSchedule schedule;   /* which deposit took each step */
} RecursiveStepRun;

gboolean        recursive_steps_run_schedule (RecursiveStepsMutex  mutex,
                                              const guint         *schedule,
                                              guint                n_schedule,
                                              GRand               *rand,
                                              RecursiveStepRun    *run,
                                              GError             **error);
int             recursive_steps_run_random   (GRand               *rand,
                                              gpointer             example,
                                              gpointer             run_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RecursiveSteps, recursive_steps_free)

G_END_DECLS
