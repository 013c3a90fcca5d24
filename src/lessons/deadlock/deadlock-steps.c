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
#include "thaw-latest.h"
#include "thaw-priority.h"
#include "thaw-tsan.h"

#define N_ACCOUNTS DEADLOCK_N_ACCOUNTS
#define N_TRANSFERS DEADLOCK_N_TRANSFERS
#define NOBODY DEADLOCK_NOBODY
#define AMOUNT 10

/* How long a scheduler waits, all in all, for a thread that has just been
 * let through to wake up. */
#define WAKE_US (10 * G_USEC_PER_SEC)

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

typedef struct
{
  Shared *shared;
  guint me;
} Transfer;

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

static gpointer
transfer_thread (gpointer data)
{
  Transfer *transfer_data = data;

  thaw_thread_set_background_priority ();
  transfer (transfer_data->shared, transfer_data->me);
  let_go (transfer_data->shared, transfer_data->me);
  thaw_stepper_finish (transfer_data->shared->stepper, transfer_data->me);
  g_free (transfer_data);

  return NULL;
}

static void
shared_init (Shared          *shared,
             DeadlockOrder    order,
             ThawStepperFunc  changed,
             gpointer         user_data)
{
  memset (shared, 0, sizeof *shared);
  shared->stepper = thaw_stepper_new (N_TRANSFERS, TRUE, changed, user_data);
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
  g_clear_pointer (&shared->stepper, thaw_stepper_free);
}

static gboolean
start_transfers (Shared   *shared,
                 GThread **threads,
                 guint    *n_started,
                 GError  **error)
{
  for (*n_started = 0; *n_started < N_TRANSFERS; (*n_started)++)
    {
      Transfer *transfer_data = g_new0 (Transfer, 1);

      *transfer_data = (Transfer) { shared, *n_started };
      threads[*n_started] = g_thread_try_new ("thaw-stepped", transfer_thread, transfer_data, error);
      if (threads[*n_started] == NULL)
        {
          g_free (transfer_data);
          return FALSE;
        }
    }

  return TRUE;
}

/* Ends the run however far it got, deadlock included, and joins. */
static void
join_transfers (Shared   *shared,
                GThread **threads,
                guint     n_started)
{
  thaw_stepper_cancel (shared->stepper);
  for (guint i = 0; i < n_started; i++)
    g_thread_join (threads[i]);
}

/* Everything the page shows, at one moment. */
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
  GThread *threads[N_TRANSFERS];
  guint n_started;
  ThawLatest *latest;          /* the main thread's; closed by the free */
  ThawLatest *publisher;       /* the threads' reference, kept to the join */
  DeadlockStepsNewsFunc news;
  gpointer user_data;
};

static void
steps_changed (ThawStepper *stepper,
               guint        thread,
               gpointer     user_data)
{
  DeadlockSteps *steps = user_data;
  DeadlockStepsNews *news = g_new0 (DeadlockStepsNews, 1);

  copy_news (&steps->shared, news);
  thaw_latest_publish (steps->publisher, news);
}

static void
deliver_steps_news (gpointer value,
                    gpointer user_data)
{
  DeadlockSteps *steps = user_data;

  steps->news (value, steps->user_data);
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
deadlock_steps_start (DeadlockOrder          order,
                      DeadlockStepsNewsFunc  news,
                      gpointer               user_data,
                      GError               **error)
{
  DeadlockSteps *steps = g_new0 (DeadlockSteps, 1);

  steps->news = news;
  steps->user_data = user_data;
  steps->latest = thaw_latest_new (deliver_steps_news, steps, g_free);
  steps->publisher = thaw_latest_ref (steps->latest);
  shared_init (&steps->shared, order, steps_changed, steps);
  if (!start_transfers (&steps->shared, steps->threads, &steps->n_started, error))
    {
      deadlock_steps_free (steps);
      return NULL;
    }

  return steps;
}

/**
 * deadlock_steps_step:
 * @steps: a run
 * @thread: 0 for transfer 1→2, 1 for 2→1
 *
 * Gives the transfer one step. If the step is to take a lock the other
 * transfer holds, the thread blocks on it, for real, until that one lets go.
 *
 * Returns: %FALSE if the transfer was not paused (nothing happens then)
 */
gboolean
deadlock_steps_step (DeadlockSteps *steps,
                     guint          thread)
{
  return thaw_stepper_grant (steps->shared.stepper, thread);
}

void
deadlock_steps_run (DeadlockSteps *steps,
                    guint          thread)
{
  thaw_stepper_run_thread (steps->shared.stepper, thread);
}

void
deadlock_steps_run_all (DeadlockSteps *steps)
{
  thaw_stepper_run_all (steps->shared.stepper);
}

/**
 * deadlock_steps_get_schedule:
 * @steps: a run
 * @schedule: (out caller-allocates): which thread took each step so far
 */
void
deadlock_steps_get_schedule (DeadlockSteps *steps,
                             ThawStepSchedule *schedule)
{
  thaw_stepper_get_schedule (steps->shared.stepper, schedule);
}

/**
 * deadlock_steps_free:
 * @steps: (transfer full) (nullable): a run, finished, paused or
 *   deadlocked
 *
 * Ends the run: a transfer blocked on a lock gives up within a slice,
 * each lets go of what it holds, and both are joined. News already
 * scheduled is delivered to nobody.
 */
void
deadlock_steps_free (DeadlockSteps *steps)
{
  if (steps == NULL)
    return;

  g_clear_pointer (&steps->latest, thaw_latest_close);
  join_transfers (&steps->shared, steps->threads, steps->n_started);
  g_clear_pointer (&steps->publisher, thaw_latest_unref);
  shared_clear (&steps->shared);
  g_free (steps);
}

/* ---- one whole run, scheduled by the calling thread --------------------- */

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
  Shared shared;
  GThread *threads[N_TRANSFERS];
  DeadlockStepsNews news = { 0 };
  guint n_started, position = 0;
  gboolean started;
  gint64 give_up_at = g_get_monotonic_time () + WAKE_US;

  shared_init (&shared, order, NULL, NULL);
  started = start_transfers (&shared, threads, &n_started, error);
  run->deadlocked = FALSE;
  run->schedule.n_steps = 0;
  while (started)
    {
      thaw_stepper_play (shared.stepper, schedule, n_schedule, &position, rand);
      copy_news (&shared, &news);
      if (news.finished || news.deadlocked || g_get_monotonic_time () > give_up_at)
        {
          run->deadlocked = news.deadlocked;
          thaw_stepper_get_schedule (shared.stepper, &run->schedule);
          break;
        }
      /* No transfer is paused, yet they are not stuck: one has just let
       * go of a lock, and the other has not woken up yet. */
      g_usleep (100);
    }
  /* The schedule as it stood when the run ended: ending a deadlock lets
   * one transfer go, and the other may take its lock on the way out. */
  memcpy (run->events, news.events, sizeof news.events);
  run->n_events = started ? news.n_events : 0;
  join_transfers (&shared, threads, n_started);
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
