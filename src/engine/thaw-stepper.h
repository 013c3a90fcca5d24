/* thaw-stepper.h — the learner as the scheduler of real threads
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <time.h>

#include <glib.h>

G_BEGIN_DECLS

typedef struct _ThawStepper ThawStepper;

/* The steps given so far, in order: the schedule, as a replay needs it. */
#define THAW_STEP_SCHEDULE_MAX 64

typedef struct
{
  guint n_steps;
  guint8 threads[THAW_STEP_SCHEDULE_MAX];
} ThawStepSchedule;

/**
 * ThawStepperState:
 * @THAW_STEPPER_STARTING: the thread has not reached its first step point
 * @THAW_STEPPER_PAUSED: the thread waits at a step point for its next step
 * @THAW_STEPPER_RUNNING: the thread is between two step points: it was
 *   given a step, or it runs free
 * @THAW_STEPPER_DONE: the thread has finished
 * @THAW_STEPPER_BLOCKED: the thread, taking a step, waits for something
 *   another thread must do first (a lock to be let go, a signal): it says
 *   so with thaw_stepper_block()
 */
typedef enum
{
  THAW_STEPPER_STARTING,
  THAW_STEPPER_PAUSED,
  THAW_STEPPER_RUNNING,
  THAW_STEPPER_DONE,
  THAW_STEPPER_BLOCKED,
} ThawStepperState;

/**
 * ThawStepperThread:
 * @state: where the thread is
 * @step: the step point it waits at (or last passed), as the work numbers them
 * @n_taken: how many steps it has taken
 * @free: whether it runs to its end without pausing again
 */
typedef struct
{
  ThawStepperState state;
  guint step;
  guint n_taken;
  gboolean free;
} ThawStepperThread;

/**
 * ThawStepperFunc:
 * @stepper: the stepper
 * @thread: the thread that paused or finished
 * @user_data: as given to thaw_stepper_new()
 *
 * Called on @thread itself, with no lock held, each time it pauses at a step
 * point or finishes: the work hands the news to the main loop from here.
 */
typedef void (*ThawStepperFunc) (ThawStepper *stepper,
                                 guint        thread,
                                 gpointer     user_data);

ThawStepper *thaw_stepper_new            (guint              n_threads,
                                          gboolean           stepping,
                                          ThawStepperFunc    changed,
                                          gpointer           user_data);
void         thaw_stepper_free           (ThawStepper       *self);

/* Called by the threads being stepped. */
gboolean     thaw_step_slow              (ThawStepper       *self,
                                          guint              thread,
                                          guint              step);
void         thaw_stepper_finish         (ThawStepper       *self,
                                          guint              thread);
void         thaw_stepper_block          (ThawStepper       *self,
                                          guint              thread);
void         thaw_stepper_unblock        (ThawStepper       *self,
                                          guint              thread);
gboolean     thaw_stepper_is_cancelled   (ThawStepper       *self);
void         thaw_stepper_slice_end      (clockid_t          clock,
                                          struct timespec   *end);

/* Called by the scheduler: the page, a test, a conductor thread. */
gboolean     thaw_stepper_grant          (ThawStepper       *self,
                                          guint              thread);
void         thaw_stepper_run_thread     (ThawStepper       *self,
                                          guint              thread);
void         thaw_stepper_run_all        (ThawStepper       *self);
void         thaw_stepper_cancel         (ThawStepper       *self);
gboolean     thaw_stepper_wait_settled   (ThawStepper       *self,
                                          guint              thread,
                                          gint64             end_time);
void         thaw_stepper_play           (ThawStepper       *self,
                                          const guint       *schedule,
                                          guint              n_schedule,
                                          guint             *position,
                                          GRand             *rand);
guint        thaw_stepper_get_n_threads  (ThawStepper       *self);
void         thaw_stepper_get_threads    (ThawStepper       *self,
                                          ThawStepperThread *threads);
void         thaw_stepper_get_schedule   (ThawStepper       *self,
                                          ThawStepSchedule  *schedule);

/**
 * thaw_step:
 * @self: (nullable): the stepper, or %NULL for none
 * @thread: the calling thread's number
 * @step: the action the thread is about to take, as the work numbers them
 *
 * A step point. While every thread runs free, it is one atomic read of the
 * stepper's first member, inlined where the work calls it; otherwise the
 * thread waits in thaw_step_slow() until the scheduler gives it a step,
 * runs it free, or cancels.
 *
 * Returns: %FALSE once the stepper is cancelled: leave the loop
 */
static inline gboolean
thaw_step (ThawStepper *self,
           guint        thread,
           guint        step)
{
  /* The first member of a ThawStepper: whether every thread runs free and
   * nothing is cancelled (thaw-stepper.c). */
  if (self == NULL || G_LIKELY (g_atomic_int_get ((int *) self)))
    return TRUE;

  return thaw_step_slow (self, thread, step);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThawStepper, thaw_stepper_free)

G_END_DECLS
