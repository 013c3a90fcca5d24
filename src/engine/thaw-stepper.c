/* thaw-stepper.c — the learner as the scheduler of real threads
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A lesson's threads are real GThreads. Before each action that matters (a
 * read of a shared counter, a write, taking a lock) a thread calls
 * thaw_step() with the number of that action. In step mode the thread
 * stops there, tells the work through the "changed" callback where it is,
 * and sleeps on a GCond until the scheduler gives it one step with
 * thaw_stepper_grant(): it then runs up to its next step point and stops
 * again. The scheduler is whoever calls grant: the learner's buttons on the
 * page, a test, or a thread that tries random schedules. Nothing is
 * simulated: the actions between two step points are the work's own code,
 * run by the thread that was given the step, while the other threads sleep.
 *
 * While every thread runs free (thaw_stepper_run_all(), or a stepper made
 * with stepping off), a step point is one atomic read, inlined: the same
 * code runs at full speed with its step points in place, and the bench's
 * "step-points" row measures what they cost. A thread let run on its own
 * (thaw_stepper_run_thread()) passes through thaw_step_slow(), which
 * writes its steps into the schedule.
 *
 * Cancelling makes every step point return FALSE at once, paused or not:
 * the work then leaves its loop, and its threads can be joined.
 */

#include "config.h"

#include "thaw-stepper.h"

#include "thaw-tsan.h"

typedef struct
{
  ThawStepperThread public;    /* guarded by the mutex, except public.free */
  gboolean granted;            /* a step was given and not yet taken */
  int free;                    /* atomic: pass step points without pausing */
} Slot;

struct _ThawStepper
{
  /* Atomic, and first, for thaw_step() in the header: TRUE while every
   * thread runs free and nothing is cancelled. */
  int all_free;

  guint n_threads __attribute__ ((aligned (64)));
  Slot *slots;
  int cancelled;               /* atomic */

  ThawStepperFunc changed;
  gpointer user_data;

  GMutex mutex;
  GCond cond;                  /* broadcast on every change of a slot */
  ThawStepSchedule schedule;   /* guarded by the mutex */
};

/**
 * thaw_stepper_new:
 * @n_threads: how many threads it steps, numbered from 0
 * @stepping: %TRUE to pause every thread at its first step point, %FALSE
 *   to let every thread run free
 * @changed: (nullable): called on a thread each time it pauses or finishes
 * @user_data: for @changed
 *
 * Returns: (transfer full): a stepper; free it with thaw_stepper_free()
 *   once every thread it steps has been joined
 */
ThawStepper *
thaw_stepper_new (guint           n_threads,
                  gboolean        stepping,
                  ThawStepperFunc changed,
                  gpointer        user_data)
{
  ThawStepper *self;

  g_return_val_if_fail (n_threads > 0, NULL);

  /* On cache lines of its own: a neighbour that some thread writes all the
   * time would make every step point a miss. */
  self = g_aligned_alloc0 (1, sizeof (ThawStepper), 64);

  self->all_free = !stepping;
  self->n_threads = n_threads;
  self->slots = g_new0 (Slot, n_threads);
  for (guint i = 0; i < n_threads; i++)
    {
      self->slots[i].free = !stepping;
      self->slots[i].public.free = !stepping;
    }
  self->changed = changed;
  self->user_data = user_data;
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);

  return self;
}

/**
 * thaw_stepper_free:
 * @self: (transfer full) (nullable): a stepper whose threads were all joined
 */
void
thaw_stepper_free (ThawStepper *self)
{
  if (self == NULL)
    return;

  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self->slots);
  g_aligned_free (self);
}

static void
changed (ThawStepper *self,
         guint        thread)
{
  g_cond_broadcast (&self->cond);
  if (self->changed != NULL)
    self->changed (self, thread, self->user_data);
}

/* Sets a thread's state and tells the work, from the thread itself. */
static void
set_state (ThawStepper      *self,
           guint             thread,
           ThawStepperState  state)
{
  thaw_mutex_lock (&self->mutex);
  self->slots[thread].public.state = state;
  thaw_mutex_unlock (&self->mutex);
  changed (self, thread);
}

/**
 * thaw_step_slow:
 * @self: the stepper
 * @thread: the calling thread's number
 * @step: the action the thread is about to take
 *
 * thaw_step() when not every thread runs free: a thread let run on its own
 * passes; one being stepped waits here until the scheduler gives it a
 * step, runs it free, or cancels.
 *
 * Returns: %FALSE once the stepper is cancelled
 */
gboolean
thaw_step_slow (ThawStepper *self,
                guint        thread,
                guint        step)
{
  Slot *slot = &self->slots[thread];
  gboolean go_on;

  thaw_mutex_lock (&self->mutex);
  slot->public.step = step;
  /* A step given before the thread got here (while it was starting) is
   * taken at once, without a pause; a thread let run on its own does not
   * pause either, but its steps are written down all the same. */
  if (!slot->granted && !g_atomic_int_get (&slot->free) && !g_atomic_int_get (&self->cancelled))
    {
      slot->public.state = THAW_STEPPER_PAUSED;
      thaw_mutex_unlock (&self->mutex);
      changed (self, thread);
      thaw_mutex_lock (&self->mutex);
    }
  while (!slot->granted && !g_atomic_int_get (&slot->free) && !g_atomic_int_get (&self->cancelled))
    thaw_cond_wait (&self->cond, &self->mutex);
  go_on = !g_atomic_int_get (&self->cancelled);
  slot->granted = FALSE;
  slot->public.state = THAW_STEPPER_RUNNING;
  slot->public.n_taken += go_on;
  /* The schedule: who passed a step point, in order, given the step or
   * let run on its own. (Threads that all run free pass in thaw_step(),
   * unrecorded: their order is nobody's choice.) */
  if (go_on && self->schedule.n_steps < THAW_STEP_SCHEDULE_MAX)
    self->schedule.threads[self->schedule.n_steps++] = thread;
  thaw_mutex_unlock (&self->mutex);

  return go_on;
}

/**
 * thaw_stepper_finish:
 * @self: (nullable): the stepper
 * @thread: the calling thread's number
 *
 * The thread's last call, however it leaves its work.
 */
void
thaw_stepper_finish (ThawStepper *self,
                     guint        thread)
{
  if (self != NULL)
    set_state (self, thread, THAW_STEPPER_DONE);
}

/**
 * thaw_stepper_block:
 * @self: (nullable): the stepper
 * @thread: the calling thread's number
 *
 * The thread, between two step points, is about to wait for something only
 * another thread can bring about: a lock held by another thread, a signal.
 * Until thaw_stepper_unblock() it is %THAW_STEPPER_BLOCKED, which a
 * scheduler counts as settled: it will not move by itself. When every
 * thread left is blocked, nothing can move at all: a deadlock.
 */
void
thaw_stepper_block (ThawStepper *self,
                    guint        thread)
{
  if (self != NULL)
    set_state (self, thread, THAW_STEPPER_BLOCKED);
}

/**
 * thaw_stepper_unblock:
 * @self: (nullable): the stepper
 * @thread: the calling thread's number
 *
 * What the thread waited for has come: it runs on to its next step point.
 */
void
thaw_stepper_unblock (ThawStepper *self,
                      guint        thread)
{
  if (self != NULL)
    set_state (self, thread, THAW_STEPPER_RUNNING);
}

/**
 * thaw_stepper_is_cancelled:
 * @self: (nullable): the stepper
 *
 * For a blocked thread that waits in slices: whether to give up.
 *
 * Returns: whether thaw_stepper_cancel() was called
 */
gboolean
thaw_stepper_is_cancelled (ThawStepper *self)
{
  return self != NULL && g_atomic_int_get (&self->cancelled);
}

/* How long a blocked thread waits before it looks at "cancelled" again. */
#define SLICE_NS (10 * 1000 * 1000)

/**
 * thaw_stepper_slice_end:
 * @clock: the clock the wait's deadline is on: %CLOCK_REALTIME for
 *   pthread_mutex_timedlock(), the condition's clock for
 *   pthread_cond_timedwait()
 * @end: (out caller-allocates): ten milliseconds from now on @clock
 *
 * A blocked thread waits as pthread_mutex_lock() or pthread_cond_wait()
 * would, but in slices that end here, so that when the learner starts over
 * (thaw_stepper_cancel()) it can give up: a thread inside
 * pthread_mutex_lock() can never be made to.
 */
void
thaw_stepper_slice_end (clockid_t        clock,
                        struct timespec *end)
{
  clock_gettime (clock, end);
  end->tv_nsec += SLICE_NS;
  if (end->tv_nsec >= 1000000000)
    {
      end->tv_sec++;
      end->tv_nsec -= 1000000000;
    }
}

/**
 * thaw_stepper_grant:
 * @self: the stepper
 * @thread: a thread that is paused, or still starting
 *
 * Lets @thread take one step: it runs up to its next step point, or to its
 * end. From now until then it is %THAW_STEPPER_RUNNING. A thread still
 * starting takes the step at its first step point.
 *
 * Returns: %FALSE if @thread was neither paused nor starting, or already
 *   had a step to take (nothing happens then)
 */
gboolean
thaw_stepper_grant (ThawStepper *self,
                    guint        thread)
{
  Slot *slot;
  gboolean granted = FALSE;

  g_return_val_if_fail (thread < self->n_threads, FALSE);

  slot = &self->slots[thread];
  thaw_mutex_lock (&self->mutex);
  if ((slot->public.state == THAW_STEPPER_PAUSED || slot->public.state == THAW_STEPPER_STARTING) &&
      !slot->granted)
    {
      slot->granted = TRUE;
      slot->public.state = THAW_STEPPER_RUNNING;
      granted = TRUE;
    }
  thaw_mutex_unlock (&self->mutex);
  g_cond_broadcast (&self->cond);

  return granted;
}

static void
set_free_locked (ThawStepper *self,
                 guint        thread)
{
  Slot *slot = &self->slots[thread];

  g_atomic_int_set (&slot->free, TRUE);
  slot->public.free = TRUE;
  if (slot->public.state == THAW_STEPPER_PAUSED)
    slot->public.state = THAW_STEPPER_RUNNING;
}

/**
 * thaw_stepper_run_thread:
 * @self: the stepper
 * @thread: a thread
 *
 * Lets @thread run to its end without pausing again.
 */
void
thaw_stepper_run_thread (ThawStepper *self,
                         guint        thread)
{
  g_return_if_fail (thread < self->n_threads);

  thaw_mutex_lock (&self->mutex);
  set_free_locked (self, thread);
  thaw_mutex_unlock (&self->mutex);
  g_cond_broadcast (&self->cond);
}

/**
 * thaw_stepper_run_all:
 * @self: the stepper
 *
 * Lets every thread run to its end at once, as the threads of a program
 * without step points would.
 */
void
thaw_stepper_run_all (ThawStepper *self)
{
  thaw_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->n_threads; i++)
    set_free_locked (self, i);
  if (!g_atomic_int_get (&self->cancelled))
    g_atomic_int_set (&self->all_free, TRUE);
  thaw_mutex_unlock (&self->mutex);
  g_cond_broadcast (&self->cond);
}

/**
 * thaw_stepper_cancel:
 * @self: the stepper
 *
 * Every step point returns %FALSE from now on, the paused ones at once.
 */
void
thaw_stepper_cancel (ThawStepper *self)
{
  thaw_mutex_lock (&self->mutex);
  g_atomic_int_set (&self->cancelled, TRUE);
  g_atomic_int_set (&self->all_free, FALSE);
  thaw_mutex_unlock (&self->mutex);
  g_cond_broadcast (&self->cond);
}

/**
 * thaw_stepper_wait_settled:
 * @self: the stepper
 * @thread: a thread
 * @end_time: the monotonic time to give up at
 *
 * Waits until @thread is paused at a step point, blocked or done: until it
 * cannot move by itself. Never call it on the main loop: it blocks. A
 * conductor thread that plays the scheduler, or a test, waits here after
 * each grant.
 *
 * Returns: %FALSE if @end_time came first: the thread still runs
 */
gboolean
thaw_stepper_wait_settled (ThawStepper *self,
                           guint        thread,
                           gint64       end_time)
{
  ThawStepperThread *slot = &self->slots[thread].public;
  gboolean settled;

  thaw_mutex_lock (&self->mutex);
  while (slot->state == THAW_STEPPER_STARTING || slot->state == THAW_STEPPER_RUNNING)
    if (!thaw_cond_wait_until (&self->cond, &self->mutex, end_time))
      break;
  settled = slot->state != THAW_STEPPER_STARTING && slot->state != THAW_STEPPER_RUNNING;
  thaw_mutex_unlock (&self->mutex);

  return settled;
}

/* How long a scheduler waits for a thread that took a step to reach its
 * next step point: far longer than any step takes, short of forever. */
#define PLAY_SETTLE_US (10 * G_USEC_PER_SEC)

/**
 * thaw_stepper_play:
 * @self: the stepper
 * @schedule: (array length=n_schedule) (nullable): the thread to give each
 *   step to, in order; a thread that is not paused when its turn comes is
 *   passed over
 * @n_schedule: its length
 * @position: (inout): where in @schedule to go on from; 0 at first
 * @rand: (nullable): after @schedule, choose each next thread at random
 *   from those paused; without it, the first paused thread goes on
 *
 * Plays the scheduler on the calling thread: waits until every thread is
 * paused, blocked or done, gives a step to the next thread, and again,
 * until no thread is paused. Then every thread has finished, or the ones
 * left are blocked: the caller tells a deadlock (they wait for each other)
 * from a moment's wait (a thread let go of what another waits for, and
 * that one has not woken yet) and calls again for the latter. Blocks:
 * never call it on the main loop.
 */
void
thaw_stepper_play (ThawStepper *self,
                   const guint *schedule,
                   guint        n_schedule,
                   guint       *position,
                   GRand       *rand)
{
  g_autofree ThawStepperThread *threads = g_new (ThawStepperThread, self->n_threads);
  g_autofree guint *paused = g_new (guint, self->n_threads);

  for (;;)
    {
      guint n_paused = 0, thread;

      for (guint i = 0; i < self->n_threads; i++)
        thaw_stepper_wait_settled (self, i, g_get_monotonic_time () + PLAY_SETTLE_US);
      thaw_stepper_get_threads (self, threads);
      for (guint i = 0; i < self->n_threads; i++)
        if (threads[i].state == THAW_STEPPER_PAUSED)
          paused[n_paused++] = i;
      if (n_paused == 0)
        return;

      while (*position < n_schedule &&
             (schedule[*position] >= self->n_threads ||
              threads[schedule[*position]].state != THAW_STEPPER_PAUSED))
        (*position)++;
      if (*position < n_schedule)
        thread = schedule[(*position)++];
      else if (rand != NULL)
        thread = paused[g_rand_int_range (rand, 0, n_paused)];
      else
        thread = paused[0];

      thaw_stepper_grant (self, thread);
    }
}

guint
thaw_stepper_get_n_threads (ThawStepper *self)
{
  return self->n_threads;
}

/**
 * thaw_stepper_get_threads:
 * @self: the stepper
 * @threads: (out caller-allocates) (array): room for every thread's state
 *
 * Copies where every thread is, all at one moment.
 */
void
thaw_stepper_get_threads (ThawStepper       *self,
                          ThawStepperThread *threads)
{
  thaw_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->n_threads; i++)
    threads[i] = self->slots[i].public;
  thaw_mutex_unlock (&self->mutex);
}

/**
 * thaw_stepper_get_schedule:
 * @self: the stepper
 * @schedule: (out caller-allocates): the steps given so far
 *
 * Which thread took each step, in order (the first
 * %THAW_STEP_SCHEDULE_MAX), whether it was given the step or ran on its
 * own (thaw_stepper_run_thread()): played again on new threads, the same
 * schedule gives the same run. Steps taken while every thread ran free
 * are not in it.
 */
void
thaw_stepper_get_schedule (ThawStepper      *self,
                           ThawStepSchedule *schedule)
{
  thaw_mutex_lock (&self->mutex);
  *schedule = self->schedule;
  thaw_mutex_unlock (&self->mutex);
}
