/* deadlock-steps.c — “Deadlock” one step at a time: you are the scheduler
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two real threads each move money between two accounts, each account
 * guarded by its own pthread mutex: transfer 1→2 and transfer 2→1. Each
 * takes the lock of the account it pays from, then the other one, moves the
 * money and lets go of both. Every one of those actions has a step point in
 * front of it (thaw_step(), src/engine/thaw-stepper.c), so whoever gives the
 * steps chooses the interleaving: the learner, a test, or a trial that
 * tries random schedules (thaw-step-trial.c).
 *
 * Give each transfer its first lock, then each its second: each now waits
 * for the lock the other holds, and neither will ever let go. The wait is
 * real: the thread sits in pthread_mutex_timedlock(). With the fix
 * (DEADLOCK_ORDERED), both take the lower-numbered account's lock first,
 * and no schedule at all can make them wait for each other.
 *
 * The page's listing of a transfer's code is the body of transfer() below,
 * read from this very file, without the step points and blank lines.
 */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "deadlock-steps.h"
#include "thaw-step-work.h"
#include "thaw-tsan.h"

#define N_ACCOUNTS DEADLOCK_N_ACCOUNTS
#define N_TRANSFERS DEADLOCK_N_TRANSFERS
#define NOBODY DEADLOCK_NOBODY
#define AMOUNT 10


/* What both transfers share. The locks are the lesson; the state lock
 * guards what the page is shown: who holds what, who waits for what, the
 * balances and the schedule. */
typedef struct
{
  ThawStepper *stepper;
  DeadlockOrder order;
  pthread_mutex_t locks[N_ACCOUNTS];

  GMutex state_lock;
  int holder[N_ACCOUNTS];
  int waits_for[N_TRANSFERS];
  int balance[N_ACCOUNTS];
  DeadlockStepEvent events[DEADLOCK_STEP_EVENTS];
  guint n_events;
} Shared;

static void
note_locked (Shared            *shared,
             guint              me,
             DeadlockEventKind  kind,
             int                account)
{
  if (shared->n_events < DEADLOCK_STEP_EVENTS)
    shared->events[shared->n_events++] = (DeadlockStepEvent) { me, kind, account };
}

/* Whether following "waits for" and "held by" from some transfer leads
 * back to it: a deadlock. */
static gboolean
has_cycle (const int *holder,
           const int *waits_for)
{
  for (int start = 0; start < N_TRANSFERS; start++)
    for (int hop = 0, thread = start; hop < N_TRANSFERS; hop++)
      {
        int account = waits_for[thread];

        if (account == NOBODY || holder[account] == NOBODY)
          break;
        thread = holder[account];
        if (thread == start)
          return TRUE;
      }

  return FALSE;
}

/* One slice of pthread_mutex_lock(): whether the lock was taken. */
static gboolean
lock_for_a_while (pthread_mutex_t *mutex)
{
  struct timespec until;

  thaw_stepper_slice_end (CLOCK_REALTIME, &until);
  return pthread_mutex_timedlock (mutex, &until) == 0;
}

/* Takes the account's lock as pthread_mutex_lock() would: if another
 * thread holds it, this one waits, as long as it takes. It waits in slices
 * only so that "New Threads" can end a deadlock (a thread inside
 * pthread_mutex_lock() can never be made to give up), and it tells the
 * stepper while it waits: it is blocked, and only the holder can free it. */
static void
lock (Shared *shared,
      guint   me,
      int     account)
{
  pthread_mutex_t *mutex = &shared->locks[account];

  if (pthread_mutex_trylock (mutex) != 0)
    {
      thaw_mutex_lock (&shared->state_lock);
      shared->waits_for[me] = account;
      note_locked (shared, me, DEADLOCK_EVENT_WAITS, account);
      thaw_mutex_unlock (&shared->state_lock);
      thaw_stepper_block (shared->stepper, me);

      while (!lock_for_a_while (mutex))
        if (thaw_stepper_is_cancelled (shared->stepper))
          {
            /* Started over: leave without the lock; the next step point
             * sends this thread home. */
            thaw_mutex_lock (&shared->state_lock);
            shared->waits_for[me] = NOBODY;
            thaw_mutex_unlock (&shared->state_lock);
            return;
          }
    }

  thaw_mutex_lock (&shared->state_lock);
  shared->waits_for[me] = NOBODY;
  shared->holder[account] = (int) me;
  note_locked (shared, me, DEADLOCK_EVENT_LOCKED, account);
  thaw_mutex_unlock (&shared->state_lock);
  thaw_stepper_unblock (shared->stepper, me);
}

static void
unlock (Shared *shared,
        guint   me,
        int     account)
{
  thaw_mutex_lock (&shared->state_lock);
  shared->holder[account] = NOBODY;
  thaw_mutex_unlock (&shared->state_lock);
  pthread_mutex_unlock (&shared->locks[account]);
}

/* With both locks held: no other transfer can see the money in between. */
static void
move_money (Shared *shared,
            guint   me,
            int     from,
            int     to)
{
  thaw_mutex_lock (&shared->state_lock);
  shared->balance[from] -= AMOUNT;
  shared->balance[to] += AMOUNT;
  note_locked (shared, me, DEADLOCK_EVENT_MOVED, to);
  thaw_mutex_unlock (&shared->state_lock);
}

/* One transfer's code. Each thaw_step() is where the thread waits for the
 * scheduler; the lines after it, up to the next one, are its step. */
static void
transfer (Shared *shared,
          guint   me)
{
  int from = (int) me, to = 1 - (int) me;
  gboolean ordered = shared->order == DEADLOCK_ORDERED;

  /* listing: begin */
  int first = from, second = to;

  if (ordered)
    first = MIN (from, to), second = MAX (from, to);

  if (!thaw_step (shared->stepper, me, DEADLOCK_STEP_LOCK_FIRST))
    return;
  lock (shared, me, first);

  if (!thaw_step (shared->stepper, me, DEADLOCK_STEP_LOCK_SECOND))
    return;
  lock (shared, me, second);

  if (!thaw_step (shared->stepper, me, DEADLOCK_STEP_MOVE))
    return;
  move_money (shared, me, from, to);

  if (!thaw_step (shared->stepper, me, DEADLOCK_STEP_UNLOCK))
    return;
  unlock (shared, me, second);
  unlock (shared, me, first);
  /* listing: end */

  thaw_mutex_lock (&shared->state_lock);
  note_locked (shared, me, DEADLOCK_EVENT_UNLOCKED, NOBODY);
  thaw_mutex_unlock (&shared->state_lock);
}

/* A transfer that left early, because the learner started over, lets go
 * of whatever it still holds. */
static void
let_go (Shared *shared,
        guint   me)
{
  for (int account = 0; account < N_ACCOUNTS; account++)
    {
      gboolean mine;

      thaw_mutex_lock (&shared->state_lock);
      mine = shared->holder[account] == (int) me;
      thaw_mutex_unlock (&shared->state_lock);
      if (mine)
        unlock (shared, me, account);
    }
}

static void
transfer_thread (ThawStepper *stepper,
                 guint        me,
                 gpointer     shared)
{
  transfer (shared, me);
  let_go (shared, me);
}

static void
shared_init (Shared          *shared,
             DeadlockOrder    order,
             ThawStepWork    *work)
{
  memset (shared, 0, sizeof *shared);
  shared->stepper = thaw_step_work_get_stepper (work);
  shared->order = order;
  for (int i = 0; i < N_ACCOUNTS; i++)
    {
      pthread_mutex_init (&shared->locks[i], NULL);
      shared->holder[i] = NOBODY;
      shared->balance[i] = DEADLOCK_OPENING_BALANCE;
    }
  for (int i = 0; i < N_TRANSFERS; i++)
    shared->waits_for[i] = NOBODY;
  g_mutex_init (&shared->state_lock);
}

static void
shared_clear (Shared *shared)
{
  for (int i = 0; i < N_ACCOUNTS; i++)
    pthread_mutex_destroy (&shared->locks[i]);
  g_mutex_clear (&shared->state_lock);
}

static void
copy_news (Shared            *shared,
           DeadlockStepsNews *news)
{
  gboolean all_stuck = TRUE;

  thaw_stepper_get_threads (shared->stepper, news->threads);
  thaw_mutex_lock (&shared->state_lock);
  memcpy (news->holder, shared->holder, sizeof news->holder);
  memcpy (news->waits_for, shared->waits_for, sizeof news->waits_for);
  memcpy (news->balance, shared->balance, sizeof news->balance);
  memcpy (news->events, shared->events, sizeof news->events);
  news->n_events = shared->n_events;
  thaw_mutex_unlock (&shared->state_lock);

  news->finished = TRUE;
  for (int i = 0; i < N_TRANSFERS; i++)
    {
      news->finished &= news->threads[i].state == THAW_STEPPER_DONE;
      all_stuck &= news->threads[i].state == THAW_STEPPER_DONE ||
                   news->threads[i].state == THAW_STEPPER_BLOCKED;
    }
  news->deadlocked = !news->finished && all_stuck && has_cycle (news->holder, news->waits_for);
}

/* ---- the learner's run: news to the page at every change ---------------- */

struct _DeadlockSteps
{
  Shared shared;
  ThawStepWork *work;
};

static gpointer
snapshot (ThawStepper *stepper,
          gpointer     shared)
{
  DeadlockStepsNews *news = g_new0 (DeadlockStepsNews, 1);

  copy_news (shared, news);
  return news;
}

/**
 * deadlock_steps_start:
 * @order: the order the transfers take their locks in
 * @news: receives the news on the main thread, each time a transfer
 *   pauses, blocks, wakes or finishes (coalesced: the latest wins)
 * @user_data: for @news
 * @error: where the reason goes if a thread could not be made
 *
 * Starts both transfers, each paused at its first step point.
 *
 * Returns: (transfer full) (nullable): the run
 */
DeadlockSteps *
deadlock_steps_start (DeadlockOrder order,
                     DeadlockStepsNewsFunc news,
                     gpointer user_data,
                     GError **error)
{
  DeadlockSteps *steps = g_new0 (DeadlockSteps, 1);

  steps->work = thaw_step_work_new (N_TRANSFERS, TRUE, snapshot,
                                    (ThawStepWorkNewsFunc) news, user_data);
  shared_init (&steps->shared, order, steps->work);
  if (!thaw_step_work_start (steps->work, transfer_thread, &steps->shared, error))
    {
      deadlock_steps_free (steps);
      return NULL;
    }

  return steps;
}

/**
 * deadlock_steps_get_stepper:
 * @steps: a run
 *
 * Returns: (transfer none): its stepper, to give steps with
 */
ThawStepper *
deadlock_steps_get_stepper (DeadlockSteps *steps)
{
  return steps->shared.stepper;
}

/**
 * deadlock_steps_free:
 * @steps: (transfer full) (nullable): a run, however far it got
 *
 * Ends the run: a blocked thread gives up within a slice, each lets go of
 * what it holds, and all are joined. News already scheduled is delivered
 * to nobody.
 */
void
deadlock_steps_free (DeadlockSteps *steps)
{
  if (steps == NULL)
    return;

  g_clear_pointer (&steps->work, thaw_step_work_free);
  shared_clear (&steps->shared);
  g_free (steps);
}

/* ---- one whole run, scheduled by the calling thread --------------------- */

static gboolean
deadlocked (ThawStepper *stepper,
            gpointer     shared)
{
  DeadlockStepsNews news;

  copy_news (shared, &news);
  return news.deadlocked;
}

/**
 * deadlock_steps_run_schedule:
 * @order: the order the transfers take their locks in
 * @schedule: (array length=n_schedule) (nullable): the transfer to give
 *   each step to; one that is not paused is passed over
 * @n_schedule: its length
 * @rand: (nullable): after @schedule, choose at random among the paused
 * @run: (out caller-allocates): the schedule taken, and whether it
 *   deadlocked
 * @error: where the reason goes if a thread could not be made
 *
 * Schedules the two transfers on the calling thread until both finish or
 * they deadlock. Blocks: never call it on the main loop.
 *
 * Returns: %FALSE with @error set if a thread could not be made
 */
gboolean
deadlock_steps_run_schedule (DeadlockOrder     order,
                             const guint      *schedule,
                             guint             n_schedule,
                             GRand            *rand,
                             DeadlockStepRun  *run,
                             GError          **error)
{
  g_autoptr(ThawStepWork) work = thaw_step_work_new (N_TRANSFERS, TRUE, NULL, NULL, NULL);
  DeadlockStepsNews news = { 0 };
  Shared shared;
  gboolean started;

  shared_init (&shared, order, work);
  started = thaw_step_work_start (work, transfer_thread, &shared, error);
  run->deadlocked = FALSE;
  run->schedule.n_steps = 0;
  if (started)
    {
      run->deadlocked = thaw_step_work_play (work, schedule, n_schedule, rand, deadlocked);
      thaw_stepper_get_schedule (shared.stepper, &run->schedule);
      /* The schedule as it stood when the run ended: ending a deadlock lets
       * one transfer go, and the other may take its lock on the way out. */
      copy_news (&shared, &news);
    }
  memcpy (run->events, news.events, sizeof news.events);
  run->n_events = news.n_events;
  g_clear_pointer (&work, thaw_step_work_free);
  shared_clear (&shared);

  return started;
}

/**
 * deadlock_steps_run_random:
 * @rand: the trial's random numbers
 * @example: (out caller-allocates): a #DeadlockStepRun
 * @run_data: the #DeadlockOrder, in a pointer
 *
 * One run of a #ThawStepTrial.
 *
 * Returns: 1 if the transfers deadlocked, 0 if not, -1 if a thread could
 *   not be made
 */
int
deadlock_steps_run_random (GRand    *rand,
                           gpointer  example,
                           gpointer  run_data)
{
  DeadlockStepRun *run = example;

  if (!deadlock_steps_run_schedule (GPOINTER_TO_INT (run_data), NULL, 0, rand, run, NULL))
    return -1;
  return run->deadlocked;
}
