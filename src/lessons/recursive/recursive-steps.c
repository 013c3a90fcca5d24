/* recursive-steps.c — “A Lock Taken Twice” one step at a time: you are the
 * scheduler
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two real threads, A and B, each deposit money into one account, guarded
 * by one pthread mutex. deposit() takes the lock, and while it holds it,
 * it calls log_balance(), which takes the same lock again, as every
 * function that touches the account does, so that none can forget. Every
 * lock, the work and every unlock has a step point in front of it
 * (thaw_step(), src/engine/thaw-stepper.c), so whoever gives the steps
 * chooses the interleaving: the learner, a test, or a trial that tries
 * random schedules (thaw-step-trial.c).
 *
 * With a plain mutex (PTHREAD_MUTEX_NORMAL, what a GMutex is), give A its
 * first lock, then its second: A waits for a lock that A itself holds, and
 * only A could let go of it. A self-deadlock of one thread; B, when it
 * tries, waits behind it forever too. The wait is real: the thread sits in
 * pthread_mutex_timedlock(). With a recursive mutex (PTHREAD_MUTEX_RECURSIVE,
 * what a GRecMutex is) A's second lock goes through and the mutex counts
 * to two; B, if it asks in between, waits until A has let go twice. No
 * schedule at all deadlocks.
 *
 * The page's listing is log_balance() and deposit() below, read from this
 * very file, without the step points, the notes and blank lines.
 */

#include "config.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "recursive-steps.h"
#include "thaw-step-work.h"
#include "thaw-tsan.h"

#define N_THREADS RECURSIVE_STEP_THREADS
#define NOBODY RECURSIVE_STEP_NOBODY

/* What both deposits share. The account's lock is the lesson; the state
 * lock guards what the page is shown: who holds the lock and how many
 * times, who waits for it, the balance and the schedule. */
typedef struct
{
  ThawStepper *stepper;
  pthread_mutex_t account_lock;

  GMutex state_lock;
  int holder;
  guint count;
  guint deepest;
  gboolean waits[N_THREADS];
  int twice_waiter;            /* waited while the other held it twice */
  int balance;
  RecursiveStepEvent events[RECURSIVE_STEP_EVENTS];
  guint n_events;
} Shared;

static void
note_locked (Shared             *shared,
             guint               me,
             RecursiveEventKind  kind)
{
  if (shared->n_events < RECURSIVE_STEP_EVENTS)
    shared->events[shared->n_events++] = (RecursiveStepEvent) {
      me, kind, shared->holder, shared->count, shared->balance
    };
}

/* The first slice of a blocked wait, and the longest: each slice is twice
 * the one before. A random trial ends each run as soon as its threads are
 * stuck, and with a plain mutex every run gets stuck: short first slices
 * let its threads give up at once, so that a thousand runs take a second
 * or two, not ten. A learner's blocked thread soon waits ten milliseconds
 * at a time, as deadlock's do. */
#define FIRST_SLICE_NS (1000 * 1000)
#define LAST_SLICE_NS (10 * 1000 * 1000)

/* One slice of pthread_mutex_lock(), @slice_ns long: whether the lock was
 * taken. */
static gboolean
lock_for_a_while (pthread_mutex_t *mutex,
                  long             slice_ns)
{
  struct timespec until;

  clock_gettime (CLOCK_REALTIME, &until);
  until.tv_nsec += slice_ns;
  until.tv_sec += until.tv_nsec / 1000000000;
  until.tv_nsec %= 1000000000;
  return pthread_mutex_timedlock (mutex, &until) == 0;
}

/* Takes the account's lock as pthread_mutex_lock() would. A recursive
 * mutex held by this very thread is taken again at once, and counts; a
 * plain one is taken by nobody while anybody holds it, this thread
 * included, so the thread waits, as long as it takes. It waits in slices
 * only so that "New Threads" can end the wait (a thread inside
 * pthread_mutex_lock() can never be made to give up), and it tells the
 * stepper while it waits: it is blocked, and only the holder can free it. */
static void
lock (Shared *shared,
      guint   me)
{
  pthread_mutex_t *mutex = &shared->account_lock;

  if (pthread_mutex_trylock (mutex) != 0)
    {
      thaw_mutex_lock (&shared->state_lock);
      shared->waits[me] = TRUE;
      if (shared->count >= 2 && shared->holder != (int) me && shared->twice_waiter == NOBODY)
        shared->twice_waiter = (int) me;
      note_locked (shared, me, RECURSIVE_EVENT_WAITS);
      thaw_mutex_unlock (&shared->state_lock);
      thaw_stepper_block (shared->stepper, me);

      for (long slice_ns = FIRST_SLICE_NS; !lock_for_a_while (mutex, slice_ns);
           slice_ns = MIN (2 * slice_ns, LAST_SLICE_NS))
        if (thaw_stepper_is_cancelled (shared->stepper))
          {
            /* Started over: leave without the lock; the next step point
             * sends this thread home. */
            thaw_mutex_lock (&shared->state_lock);
            shared->waits[me] = FALSE;
            thaw_mutex_unlock (&shared->state_lock);
            return;
          }
    }

  thaw_mutex_lock (&shared->state_lock);
  shared->waits[me] = FALSE;
  shared->holder = (int) me;
  shared->count++;
  shared->deepest = MAX (shared->deepest, shared->count);
  if (shared->count >= 2 && shared->waits[1 - me] && shared->twice_waiter == NOBODY)
    shared->twice_waiter = (int) (1 - me);
  note_locked (shared, me, RECURSIVE_EVENT_LOCKED);
  thaw_mutex_unlock (&shared->state_lock);
  thaw_stepper_unblock (shared->stepper, me);
}

static void
unlock (Shared *shared,
        guint   me)
{
  thaw_mutex_lock (&shared->state_lock);
  if (--shared->count == 0)
    shared->holder = NOBODY;
  note_locked (shared, me, RECURSIVE_EVENT_UNLOCKED);
  thaw_mutex_unlock (&shared->state_lock);
  pthread_mutex_unlock (&shared->account_lock);
}

/* With the lock held: the balance, as it stands, goes to the log. */
static void
write_log (Shared *shared,
           guint   me)
{
  thaw_mutex_lock (&shared->state_lock);
  note_locked (shared, me, RECURSIVE_EVENT_LOGGED);
  thaw_mutex_unlock (&shared->state_lock);
}

/* With the lock held: nobody else can read the balance half changed. */
static void
add_money (Shared *shared,
           guint   me)
{
  thaw_mutex_lock (&shared->state_lock);
  shared->balance += RECURSIVE_STEP_AMOUNT;
  note_locked (shared, me, RECURSIVE_EVENT_DEPOSITED);
  thaw_mutex_unlock (&shared->state_lock);
}

/* Each deposit's code. Each thaw_step() is where the thread waits for the
 * scheduler; the lines after it, up to the next one, are its step. */

/* listing: begin */
static void
log_balance (Shared *shared,
             guint   me)
{
  if (!thaw_step (shared->stepper, me, RECURSIVE_STEP_LOCK_AGAIN))
    return;
  lock (shared, me);

  if (!thaw_step (shared->stepper, me, RECURSIVE_STEP_LOG))
    return;
  write_log (shared, me);

  if (!thaw_step (shared->stepper, me, RECURSIVE_STEP_UNLOCK_AGAIN))
    return;
  unlock (shared, me);
}

/* It holds the lock while it calls log_balance(). */
static void
deposit (Shared *shared,
         guint   me)
{
  if (!thaw_step (shared->stepper, me, RECURSIVE_STEP_LOCK))
    return;
  lock (shared, me);
  log_balance (shared, me);

  if (!thaw_step (shared->stepper, me, RECURSIVE_STEP_DEPOSIT))
    return;
  add_money (shared, me);

  if (!thaw_step (shared->stepper, me, RECURSIVE_STEP_UNLOCK))
    return;
  unlock (shared, me);
}
/* listing: end */

/* A deposit that left early, because the learner started over, lets go
 * of the lock as many times as it still holds it. */
static void
let_go (Shared *shared,
        guint   me)
{
  for (;;)
    {
      gboolean mine;

      thaw_mutex_lock (&shared->state_lock);
      mine = shared->holder == (int) me;
      thaw_mutex_unlock (&shared->state_lock);
      if (!mine)
        return;
      unlock (shared, me);
    }
}

static void
deposit_thread (ThawStepper *stepper,
                guint        me,
                gpointer     shared)
{
  deposit (shared, me);
  let_go (shared, me);
}

static void
shared_init (Shared              *shared,
             RecursiveStepsMutex  mutex,
             ThawStepWork        *work)
{
  pthread_mutexattr_t attr;

  memset (shared, 0, sizeof *shared);
  shared->stepper = thaw_step_work_get_stepper (work);
  pthread_mutexattr_init (&attr);
  pthread_mutexattr_settype (&attr, mutex == RECURSIVE_STEPS_RECURSIVE ? PTHREAD_MUTEX_RECURSIVE
                                                                       : PTHREAD_MUTEX_NORMAL);
  pthread_mutex_init (&shared->account_lock, &attr);
  pthread_mutexattr_destroy (&attr);
  shared->holder = NOBODY;
  shared->twice_waiter = NOBODY;
  shared->balance = RECURSIVE_STEP_OPENING_BALANCE;
  g_mutex_init (&shared->state_lock);
}

static void
shared_clear (Shared *shared)
{
  pthread_mutex_destroy (&shared->account_lock);
  g_mutex_clear (&shared->state_lock);
}

/**
 * recursive_steps_news_init:
 * @news: (out caller-allocates): news
 *
 * The news of two deposits that have not started: nobody holds the lock.
 */
void
recursive_steps_news_init (RecursiveStepsNews *news)
{
  *news = (RecursiveStepsNews) {
    .holder = NOBODY, .twice_waiter = NOBODY, .balance = RECURSIVE_STEP_OPENING_BALANCE
  };
}

static void
copy_news (Shared             *shared,
           RecursiveStepsNews *news)
{
  gboolean all_stuck = TRUE;

  thaw_stepper_get_threads (shared->stepper, news->threads);
  thaw_mutex_lock (&shared->state_lock);
  news->holder = shared->holder;
  news->count = shared->count;
  news->deepest = shared->deepest;
  memcpy (news->waits, shared->waits, sizeof news->waits);
  news->twice_waiter = shared->twice_waiter;
  news->balance = shared->balance;
  memcpy (news->events, shared->events, sizeof news->events);
  news->n_events = shared->n_events;
  thaw_mutex_unlock (&shared->state_lock);

  news->finished = TRUE;
  for (int i = 0; i < N_THREADS; i++)
    {
      news->finished &= news->threads[i].state == THAW_STEPPER_DONE;
      all_stuck &= news->threads[i].state == THAW_STEPPER_DONE ||
                   news->threads[i].state == THAW_STEPPER_BLOCKED;
    }
  /* Following "waits for" and "held by" from the holder leads back to it
   * at once: a cycle of one thread. Any other thread that waits, waits for
   * it, and is stuck as long as it is. */
  news->self_deadlocked = news->holder != NOBODY && news->waits[news->holder] &&
                          news->threads[news->holder].state == THAW_STEPPER_BLOCKED;
  news->deadlocked = news->self_deadlocked && all_stuck;
}

/* ---- the learner's run: news to the page at every change ---------------- */

struct _RecursiveSteps
{
  Shared shared;
  ThawStepWork *work;
};

static gpointer
snapshot (ThawStepper *stepper,
          gpointer     shared)
{
  RecursiveStepsNews *news = g_new0 (RecursiveStepsNews, 1);

  copy_news (shared, news);
  return news;
}

/**
 * recursive_steps_start:
 * @mutex: the kind of the account's lock
 * @news: receives the news on the main thread, each time a deposit
 *   pauses, blocks, wakes or finishes (coalesced: the latest wins)
 * @user_data: for @news
 * @error: where the reason goes if a thread could not be made
 *
 * Starts both deposits, each paused at its first step point.
 *
 * Returns: (transfer full) (nullable): the run
 */
RecursiveSteps *
recursive_steps_start (RecursiveStepsMutex      mutex,
                       RecursiveStepsNewsFunc   news,
                       gpointer                 user_data,
                       GError                 **error)
{
  RecursiveSteps *steps = g_new0 (RecursiveSteps, 1);

  steps->work = thaw_step_work_new (N_THREADS, TRUE, snapshot,
                                    (ThawStepWorkNewsFunc) news, user_data);
  shared_init (&steps->shared, mutex, steps->work);
  if (!thaw_step_work_start (steps->work, deposit_thread, &steps->shared, error))
    {
      recursive_steps_free (steps);
      return NULL;
    }

  return steps;
}

/**
 * recursive_steps_get_stepper:
 * @steps: a run
 *
 * Returns: (transfer none): its stepper, to give steps with
 */
ThawStepper *
recursive_steps_get_stepper (RecursiveSteps *steps)
{
  return steps->shared.stepper;
}

/**
 * recursive_steps_free:
 * @steps: (transfer full) (nullable): a run, however far it got
 *
 * Ends the run: a blocked thread gives up within a slice, each lets go of
 * the lock as often as it holds it, and both are joined. News already
 * scheduled is delivered to nobody.
 */
void
recursive_steps_free (RecursiveSteps *steps)
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
  RecursiveStepsNews news;

  copy_news (shared, &news);
  return news.deadlocked;
}

/**
 * recursive_steps_run_schedule:
 * @mutex: the kind of the account's lock
 * @schedule: (array length=n_schedule) (nullable): the deposit to give
 *   each step to; one that is not paused is passed over
 * @n_schedule: its length
 * @rand: (nullable): after @schedule, choose at random among the paused
 * @run: (out caller-allocates): the schedule taken, and whether it
 *   deadlocked
 * @error: where the reason goes if a thread could not be made
 *
 * Schedules the two deposits on the calling thread until both finish or
 * every one left is blocked for good. Blocks: never call it on the main
 * loop.
 *
 * Returns: %FALSE with @error set if a thread could not be made
 */
gboolean
recursive_steps_run_schedule (RecursiveStepsMutex   mutex,
                              const guint          *schedule,
                              guint                 n_schedule,
                              GRand                *rand,
                              RecursiveStepRun     *run,
                              GError              **error)
{
  g_autoptr(ThawStepWork) work = thaw_step_work_new (N_THREADS, TRUE, NULL, NULL, NULL);
  RecursiveStepsNews news;
  Shared shared;
  gboolean started;

  recursive_steps_news_init (&news);
  shared_init (&shared, mutex, work);
  started = thaw_step_work_start (work, deposit_thread, &shared, error);
  run->deadlocked = FALSE;
  run->schedule.n_steps = 0;
  if (started)
    {
      run->deadlocked = thaw_step_work_play (work, schedule, n_schedule, rand, deadlocked);
      thaw_stepper_get_schedule (shared.stepper, &run->schedule);
      /* The schedule as it stood when the run ended: ending a deadlock
       * lets the threads go, and they unlock on the way out. */
      copy_news (&shared, &news);
    }
  memcpy (run->events, news.events, sizeof news.events);
  run->n_events = news.n_events;
  run->deepest = news.deepest;
  run->twice_waiter = news.twice_waiter;
  run->balance = news.balance;
  g_clear_pointer (&work, thaw_step_work_free);
  shared_clear (&shared);

  return started;
}

/**
 * recursive_steps_run_random:
 * @rand: the trial's random numbers
 * @example: (out caller-allocates): a #RecursiveStepRun
 * @run_data: the #RecursiveStepsMutex, in a pointer
 *
 * One run of a #ThawStepTrial.
 *
 * Returns: 1 if the deposits deadlocked, 0 if not, -1 if a thread could
 *   not be made
 */
int
recursive_steps_run_random (GRand    *rand,
                            gpointer  example,
                            gpointer  run_data)
{
  RecursiveStepRun *run = example;

  if (!recursive_steps_run_schedule (GPOINTER_TO_INT (run_data), NULL, 0, rand, run, NULL))
    return -1;
  return run->deadlocked;
}
