/* signal-steps.c — “Waiting for a Signal” one step at a time: you are the
 * scheduler
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two real threads and one condition variable (a pthread_cond_t, which is
 * what a GCond is on Linux) with its mutex. Thread A waits for a signal;
 * thread B sends it. Every action has a step point in front of it
 * (thaw_step(), src/engine/thaw-stepper.c), so whoever gives the steps
 * chooses the interleaving: the learner, a test, or a random trial.
 *
 * Without a flag (SIGNAL_STEPS_NO_FLAG) nothing remembers the signal. Let
 * B signal before A has gone to sleep, and the signal wakes nobody: A then
 * sleeps forever, a lost wake-up. With a flag (SIGNAL_STEPS_FLAG) B sets
 * `ready` under the lock before it signals, and A sleeps only while `ready`
 * is not set, checking again each time it wakes: the predicate loop. No
 * schedule loses that wake-up, and a wake-up for nothing is harmless.
 *
 * The page's listings are the bodies of waiter() and signaller() below,
 * read from this very file, without the step points and the notes.
 */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "signal-steps.h"
#include "thaw-step-work.h"
#include "thaw-tsan.h"

#define NOBODY (-1)
#define WAITER 0
#define SIGNALLER 1

/* What both threads share. The mutex, the condition and the flag are the
 * lesson; the state lock guards what the page is shown. */
typedef struct
{
  ThawStepper *stepper;
  SignalStepsWay way;
  pthread_mutex_t mutex;
  pthread_cond_t cond;         /* on CLOCK_MONOTONIC */
  gboolean ready;              /* under the mutex */

  GMutex state_lock;
  int holder;                  /* of the mutex */
  gboolean asleep;             /* the waiter, on the condition */
  gboolean wake_coming;        /* a signal was sent while it slept */
  gboolean ready_seen;         /* the flag, for the page */
  SignalStepEvent events[SIGNAL_STEP_EVENTS];
  guint n_events;
} Shared;

static void
note_locked (Shared          *shared,
             guint            me,
             SignalEventKind  kind)
{
  if (kind == SIGNAL_EVENT_SET)
    shared->ready_seen = TRUE;
  if (shared->n_events < SIGNAL_STEP_EVENTS)
    shared->events[shared->n_events++] = (SignalStepEvent) { me, kind };
}

static void
note (Shared          *shared,
      guint            me,
      SignalEventKind  kind)
{
  thaw_mutex_lock (&shared->state_lock);
  note_locked (shared, me, kind);
  thaw_mutex_unlock (&shared->state_lock);
}

static void
set_holder (Shared *shared,
            int     holder)
{
  thaw_mutex_lock (&shared->state_lock);
  shared->holder = holder;
  thaw_mutex_unlock (&shared->state_lock);
}

/* Takes the mutex as pthread_mutex_lock() would: if the other thread holds
 * it, this one waits for it, blocked (in slices only so that starting over
 * can end the wait). Leaves without it if the learner started over. */
static void
lock (Shared *shared,
      guint   me)
{
  if (pthread_mutex_trylock (&shared->mutex) != 0)
    {
      struct timespec until;
      gboolean blocked = FALSE;

      do
        {
          if (thaw_stepper_is_cancelled (shared->stepper))
            return;
          /* Taken, but while nobody holds it by the books, whoever has it
           * is letting go this very moment (the waiter on its way into
           * pthread_cond_timedwait()): only a real holder blocks this
           * thread. */
          if (!blocked)
            {
              thaw_mutex_lock (&shared->state_lock);
              blocked = shared->holder != NOBODY;
              if (blocked)
                note_locked (shared, me, SIGNAL_EVENT_WAITS_FOR_LOCK);
              thaw_mutex_unlock (&shared->state_lock);
              if (blocked)
                thaw_stepper_block (shared->stepper, me);
            }
          thaw_stepper_slice_end (CLOCK_REALTIME, &until);
        }
      while (pthread_mutex_timedlock (&shared->mutex, &until) != 0);
    }

  thaw_mutex_lock (&shared->state_lock);
  shared->holder = (int) me;
  note_locked (shared, me, SIGNAL_EVENT_LOCKED);
  thaw_mutex_unlock (&shared->state_lock);
  thaw_stepper_unblock (shared->stepper, me);
}

static void
unlock (Shared *shared,
        guint   me)
{
  thaw_mutex_lock (&shared->state_lock);
  shared->holder = NOBODY;
  note_locked (shared, me, SIGNAL_EVENT_UNLOCKED);
  thaw_mutex_unlock (&shared->state_lock);
  pthread_mutex_unlock (&shared->mutex);
}

/* pthread_cond_wait(), holding the mutex: lets go of it, sleeps until
 * somebody signals, takes it back. Slices only so that starting over can
 * end a sleep that nothing else would. */
static void
wait_for_signal (Shared *shared,
                 guint   me)
{
  struct timespec until;

  thaw_mutex_lock (&shared->state_lock);
  shared->asleep = TRUE;
  shared->holder = NOBODY;
  note_locked (shared, me, SIGNAL_EVENT_WAITS);
  thaw_mutex_unlock (&shared->state_lock);
  thaw_stepper_block (shared->stepper, me);

  do
    thaw_stepper_slice_end (CLOCK_MONOTONIC, &until);
  while (pthread_cond_timedwait (&shared->cond, &shared->mutex, &until) == ETIMEDOUT &&
         !thaw_stepper_is_cancelled (shared->stepper));

  thaw_mutex_lock (&shared->state_lock);
  shared->asleep = FALSE;
  shared->wake_coming = FALSE;
  shared->holder = (int) me;
  note_locked (shared, me, SIGNAL_EVENT_WOKE);
  thaw_mutex_unlock (&shared->state_lock);
  thaw_stepper_unblock (shared->stepper, me);
}

/* pthread_cond_signal(), holding the mutex: wakes the waiter if it sleeps,
 * and otherwise does nothing at all. */
static void
send_signal (Shared *shared,
             guint   me)
{
  thaw_mutex_lock (&shared->state_lock);
  note_locked (shared, me, shared->asleep ? SIGNAL_EVENT_SIGNALLED_WAKING : SIGNAL_EVENT_SIGNALLED);
  shared->wake_coming |= shared->asleep;
  thaw_mutex_unlock (&shared->state_lock);
  pthread_cond_signal (&shared->cond);
}

/* Thread A's code: one way without a flag, one with. */
static void
waiter (Shared *shared,
        guint   me)
{
  if (shared->way == SIGNAL_STEPS_NO_FLAG)
    {
      /* listing waiter-no-flag: begin */
      if (!thaw_step (shared->stepper, me, SIGNAL_STEP_LOCK))
        return;
      lock (shared, me);
      if (!thaw_step (shared->stepper, me, SIGNAL_STEP_WAIT))
        return;
      wait_for_signal (shared, me);
      if (!thaw_step (shared->stepper, me, SIGNAL_STEP_UNLOCK))
        return;
      unlock (shared, me);
      /* listing waiter-no-flag: end */
      return;
    }

  /* listing waiter-flag: begin */
  if (!thaw_step (shared->stepper, me, SIGNAL_STEP_LOCK))
    return;
  lock (shared, me);
  if (!thaw_step (shared->stepper, me, SIGNAL_STEP_CHECK))
    return;
  while (!shared->ready)
    {
      if (!thaw_step (shared->stepper, me, SIGNAL_STEP_WAIT))
        return;
      wait_for_signal (shared, me);
      if (!thaw_step (shared->stepper, me, SIGNAL_STEP_CHECK))
        return;
    }
  note (shared, me, SIGNAL_EVENT_SEES_FLAG);
  if (!thaw_step (shared->stepper, me, SIGNAL_STEP_UNLOCK))
    return;
  unlock (shared, me);
  /* listing waiter-flag: end */
}

/* Thread B's code. */
static void
signaller (Shared *shared,
           guint   me)
{
  if (shared->way == SIGNAL_STEPS_NO_FLAG)
    {
      /* listing signaller-no-flag: begin */
      if (!thaw_step (shared->stepper, me, SIGNAL_STEP_LOCK))
        return;
      lock (shared, me);
      if (!thaw_step (shared->stepper, me, SIGNAL_STEP_SIGNAL))
        return;
      send_signal (shared, me);
      if (!thaw_step (shared->stepper, me, SIGNAL_STEP_UNLOCK))
        return;
      unlock (shared, me);
      /* listing signaller-no-flag: end */
      return;
    }

  /* listing signaller-flag: begin */
  if (!thaw_step (shared->stepper, me, SIGNAL_STEP_LOCK))
    return;
  lock (shared, me);
  if (!thaw_step (shared->stepper, me, SIGNAL_STEP_SET))
    return;
  shared->ready = TRUE;
  note (shared, me, SIGNAL_EVENT_SET);
  if (!thaw_step (shared->stepper, me, SIGNAL_STEP_SIGNAL))
    return;
  send_signal (shared, me);
  if (!thaw_step (shared->stepper, me, SIGNAL_STEP_UNLOCK))
    return;
  unlock (shared, me);
  /* listing signaller-flag: end */
}

/* A thread that left early, because the learner started over, lets go of
 * the mutex if it holds it. */
static void
let_go (Shared *shared,
        guint   me)
{
  gboolean mine;

  thaw_mutex_lock (&shared->state_lock);
  mine = shared->holder == (int) me;
  thaw_mutex_unlock (&shared->state_lock);
  if (mine)
    {
      set_holder (shared, NOBODY);
      pthread_mutex_unlock (&shared->mutex);
    }
}

static void
runner_thread (ThawStepper *stepper,
               guint        me,
               gpointer     shared)
{
  if (me == WAITER)
    waiter (shared, me);
  else
    signaller (shared, me);
  let_go (shared, me);
}

static void
shared_init (Shared          *shared,
             SignalStepsWay   way,
             ThawStepWork    *work)
{
  pthread_condattr_t attributes;

  memset (shared, 0, sizeof *shared);
  shared->stepper = thaw_step_work_get_stepper (work);
  shared->way = way;
  pthread_mutex_init (&shared->mutex, NULL);
  pthread_condattr_init (&attributes);
  pthread_condattr_setclock (&attributes, CLOCK_MONOTONIC);
  pthread_cond_init (&shared->cond, &attributes);
  pthread_condattr_destroy (&attributes);
  g_mutex_init (&shared->state_lock);
  shared->holder = NOBODY;
}

static void
shared_clear (Shared *shared)
{
  pthread_cond_destroy (&shared->cond);
  pthread_mutex_destroy (&shared->mutex);
  g_mutex_clear (&shared->state_lock);
}

static void
copy_news (Shared          *shared,
           SignalStepsNews *news)
{
  gboolean wake_coming;

  thaw_stepper_get_threads (shared->stepper, news->threads);
  thaw_mutex_lock (&shared->state_lock);
  news->ready = shared->ready_seen;
  news->asleep = shared->asleep;
  wake_coming = shared->wake_coming;
  memcpy (news->events, shared->events, sizeof news->events);
  news->n_events = shared->n_events;
  thaw_mutex_unlock (&shared->state_lock);

  news->finished = news->threads[WAITER].state == THAW_STEPPER_DONE &&
                   news->threads[SIGNALLER].state == THAW_STEPPER_DONE;
  /* The waiter sleeps, no signal is on its way to it, and nobody is left
   * to send one. */
  news->lost = news->asleep && !wake_coming &&
               news->threads[WAITER].state == THAW_STEPPER_BLOCKED &&
               news->threads[SIGNALLER].state == THAW_STEPPER_DONE;
}

/* ---- the learner's run: news to the page at every change ---------------- */

struct _SignalSteps
{
  Shared shared;
  ThawStepWork *work;
};

static gpointer
snapshot (ThawStepper *stepper,
          gpointer     shared)
{
  SignalStepsNews *news = g_new0 (SignalStepsNews, 1);

  copy_news (shared, news);
  return news;
}

/**
 * signal_steps_start:
 * @way: with or without the flag
 * @news: receives the news on the main thread (coalesced)
 * @user_data: for @news
 * @error: where the reason goes if a thread could not be made
 *
 * Starts the waiter and the signaller, each paused at its first step.
 *
 * Returns: (transfer full) (nullable): the run
 */
SignalSteps *
signal_steps_start (SignalStepsWay        way,
                    SignalStepsNewsFunc   news,
                    gpointer              user_data,
                    GError              **error)
{
  SignalSteps *steps = g_new0 (SignalSteps, 1);

  steps->work = thaw_step_work_new (SIGNAL_STEP_THREADS, TRUE, snapshot,
                                    (ThawStepWorkNewsFunc) news, user_data);
  shared_init (&steps->shared, way, steps->work);
  if (!thaw_step_work_start (steps->work, runner_thread, &steps->shared, error))
    {
      signal_steps_free (steps);
      return NULL;
    }

  return steps;
}

/**
 * signal_steps_get_stepper:
 * @steps: a run
 *
 * Returns: (transfer none): its stepper, to give steps with
 */
ThawStepper *
signal_steps_get_stepper (SignalSteps *steps)
{
  return steps->shared.stepper;
}

/**
 * signal_steps_free:
 * @steps: (transfer full) (nullable): a run, finished, paused or lost
 *
 * Ends the run: a sleeping waiter gives up within a slice, each thread
 * lets go of the mutex, and both are joined. News already scheduled is
 * delivered to nobody.
 */
void
signal_steps_free (SignalSteps *steps)
{
  if (steps == NULL)
    return;

  g_clear_pointer (&steps->work, thaw_step_work_free);
  shared_clear (&steps->shared);
  g_free (steps);
}

/* ---- one whole run, scheduled by the calling thread --------------------- */

static gboolean
lost (ThawStepper *stepper,
      gpointer     shared)
{
  SignalStepsNews news;

  copy_news (shared, &news);
  return news.lost;
}

/**
 * signal_steps_run_schedule:
 * @way: with or without the flag
 * @schedule: (array length=n_schedule) (nullable): the thread to give
 *   each step to; one that is not paused is passed over
 * @n_schedule: its length
 * @rand: (nullable): after @schedule, choose at random among the paused
 * @run: (out caller-allocates): the schedule taken, and whether the
 *   wake-up was lost
 * @error: where the reason goes if a thread could not be made
 *
 * Schedules both threads on the calling thread until both finish or the
 * waiter sleeps with nobody left to wake it. Blocks: not on the main loop.
 *
 * Returns: %FALSE with @error set if a thread could not be made
 */
gboolean
signal_steps_run_schedule (SignalStepsWay   way,
                           const guint     *schedule,
                           guint            n_schedule,
                           GRand           *rand,
                           SignalStepRun   *run,
                           GError         **error)
{
  g_autoptr(ThawStepWork) work = thaw_step_work_new (SIGNAL_STEP_THREADS, TRUE, NULL, NULL, NULL);
  SignalStepsNews news = { 0 };
  Shared shared;
  gboolean started;

  shared_init (&shared, way, work);
  started = thaw_step_work_start (work, runner_thread, &shared, error);
  run->lost = FALSE;
  run->schedule.n_steps = 0;
  if (started)
    {
      run->lost = thaw_step_work_play (work, schedule, n_schedule, rand, lost);
      thaw_stepper_get_schedule (shared.stepper, &run->schedule);
      copy_news (&shared, &news);
    }
  memcpy (run->events, news.events, sizeof news.events);
  run->n_events = news.n_events;
  g_clear_pointer (&work, thaw_step_work_free);
  shared_clear (&shared);

  return started;
}

/**
 * signal_steps_run_random:
 * @rand: the trial's random numbers
 * @example: (out caller-allocates): a #SignalStepRun
 * @run_data: the #SignalStepsWay, in a pointer
 *
 * One run of a #ThawStepTrial.
 *
 * Returns: 1 if the wake-up was lost, 0 if not, -1 if a thread could not
 *   be made
 */
int
signal_steps_run_random (GRand    *rand,
                         gpointer  example,
                         gpointer  run_data)
{
  SignalStepRun *run = example;

  if (!signal_steps_run_schedule (GPOINTER_TO_INT (run_data), NULL, 0, rand, run, NULL))
    return -1;
  return run->lost;
}
