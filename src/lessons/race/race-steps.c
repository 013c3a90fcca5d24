/* race-steps.c — “Lost Updates” one step at a time: you are the scheduler
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two real threads each add 1 to a shared counter twice, so the counter
 * should end at 4. Each addition is two actions, a read of the counter into
 * the thread's own `value` and a write of `value + 1`, and each action has
 * a step point in front of it (thaw_step(), src/engine/thaw-stepper.c):
 * the thread stops there until it is given a step. Whoever gives the steps
 * chooses the interleaving: the learner's buttons on the page, a test, or a
 * trial's conductor thread (thaw-step-trial.c) that tries random schedules
 * and counts the ones that lose an update.
 *
 * The read and the write are each atomic (g_atomic_int_get() and
 * g_atomic_int_set()), so there is no data race for ThreadSanitizer to
 * report, and still updates are lost: the race is in the gap between them,
 * which is where the learner puts the other thread.
 *
 * The page's listing of a thread's code is the body of add_in_steps() below,
 * read from this very file, without the step points, the notes and the
 * blank lines.
 */

#include "config.h"

#include "race-steps.h"
#include "thaw-latest.h"
#include "thaw-priority.h"
#include "thaw-tsan.h"

/* What both threads share. The counter and the values are atomics; the
 * schedule written so far is under the log lock. */
typedef struct
{
  ThawStepper *stepper;        /* NULL for none: every step point passes */
  guint increments;            /* per thread */
  gboolean logging;            /* whether note() writes the schedule down */
  /* The counter has a cache line of its own: the two cores pass it back
   * and forth at every write, and the fields above, read at every step,
   * stay put in both cores' caches. */
  int counter __attribute__ ((aligned (64)));
  int values[RACE_STEP_THREADS] __attribute__ ((aligned (64)));

  GMutex log_lock;
  RaceStepEvent events[RACE_STEP_EVENTS];
  guint n_events;
} Shared;

typedef struct
{
  Shared *shared;
  guint me;
} Adder;

/* The schedule, written down by each thread after each action. */
static void
note (Shared   *shared,
      guint     me,
      RaceStep  step,
      int       value)
{
  if (!shared->logging)
    return;

  /* What the thread read, for the page to show beside its code. */
  if (step == RACE_STEP_READ)
    g_atomic_int_set (&shared->values[me], value);

  thaw_mutex_lock (&shared->log_lock);
  if (shared->n_events < RACE_STEP_EVENTS)
    shared->events[shared->n_events++] = (RaceStepEvent) { me, step, value };
  thaw_mutex_unlock (&shared->log_lock);
}

/* One thread's code. Each thaw_step() is where the thread waits for the
 * scheduler; the lines between two of them run at once, as one step. */
static void
add_in_steps (Shared *shared,
              guint   me)
{
  int *counter = &shared->counter;
  guint n = shared->increments;

  /* listing: begin */
  for (guint i = 0; i < n; i++)
    {
      int value;

      if (!thaw_step (shared->stepper, me, RACE_STEP_READ))
        return;
      value = g_atomic_int_get (counter);
      note (shared, me, RACE_STEP_READ, value);

      if (!thaw_step (shared->stepper, me, RACE_STEP_WRITE))
        return;
      g_atomic_int_set (counter, value + 1);
      note (shared, me, RACE_STEP_WRITE, value + 1);
    }
  /* listing: end */
}

static gpointer
adder_thread (gpointer data)
{
  Adder *adder = data;

  thaw_thread_set_background_priority ();
  add_in_steps (adder->shared, adder->me);
  thaw_stepper_finish (adder->shared->stepper, adder->me);
  g_free (adder);

  return NULL;
}

/* Starts the threads of one run; each pauses at its first step point.
 * Threads that did start are counted in *n_started. */
static gboolean
start_adders (Shared     *shared,
              GThread   **threads,
              guint      *n_started,
              GError    **error)
{
  for (*n_started = 0; *n_started < RACE_STEP_THREADS; (*n_started)++)
    {
      Adder *adder = g_new0 (Adder, 1);

      *adder = (Adder) { shared, *n_started };
      threads[*n_started] = g_thread_try_new ("thaw-stepped", adder_thread, adder, error);
      if (threads[*n_started] == NULL)
        {
          g_free (adder);
          return FALSE;
        }
    }

  return TRUE;
}

/* Cancels the stepper so that no thread waits for a step, and joins. */
static void
join_adders (Shared   *shared,
             GThread **threads,
             guint     n_started)
{
  if (shared->stepper != NULL)
    thaw_stepper_cancel (shared->stepper);
  for (guint i = 0; i < n_started; i++)
    g_thread_join (threads[i]);
}

/* Threads to be stepped, the schedule written down. */
static void
shared_init (Shared          *shared,
             ThawStepperFunc  changed,
             gpointer         user_data)
{
  memset (shared, 0, sizeof *shared);
  shared->stepper = thaw_stepper_new (RACE_STEP_THREADS, TRUE, changed, user_data);
  shared->increments = RACE_STEP_INCREMENTS;
  shared->logging = TRUE;
  g_mutex_init (&shared->log_lock);
}

static void
shared_clear (Shared *shared)
{
  g_clear_pointer (&shared->stepper, thaw_stepper_free);
  g_mutex_clear (&shared->log_lock);
}

/* ---- the learner's run: news to the page at every pause ---------------- */

struct _RaceSteps
{
  Shared shared;
  GThread *threads[RACE_STEP_THREADS];
  guint n_started;
  ThawLatest *latest;          /* the main thread's; closed by the free */
  ThawLatest *publisher;       /* the threads' reference, kept to the join */
  RaceStepsNewsFunc news;
  gpointer user_data;
};

/* On the thread that paused or finished: everything the page shows, at one
 * moment, handed over through the ThawLatest. */
static void
steps_changed (ThawStepper *stepper,
               guint        thread,
               gpointer     user_data)
{
  RaceSteps *steps = user_data;
  RaceStepsNews *news = g_new0 (RaceStepsNews, 1);

  thaw_stepper_get_threads (stepper, news->threads);
  news->finished = TRUE;
  for (guint i = 0; i < RACE_STEP_THREADS; i++)
    {
      news->values[i] = g_atomic_int_get (&steps->shared.values[i]);
      news->finished &= news->threads[i].state == THAW_STEPPER_DONE;
    }
  news->counter = g_atomic_int_get (&steps->shared.counter);
  thaw_mutex_lock (&steps->shared.log_lock);
  memcpy (news->events, steps->shared.events, sizeof news->events);
  news->n_events = steps->shared.n_events;
  thaw_mutex_unlock (&steps->shared.log_lock);

  thaw_latest_publish (steps->publisher, news);
}

static void
deliver_steps_news (gpointer value,
                    gpointer user_data)
{
  RaceSteps *steps = user_data;

  steps->news (value, steps->user_data);
}

/**
 * race_steps_start:
 * @news: receives the news on the main thread, each time a thread pauses
 *   or finishes (coalesced: the latest news wins)
 * @user_data: for @news
 * @error: where the reason goes if a thread could not be made
 *
 * Starts two adder threads, each paused at its first step point.
 *
 * Returns: (transfer full) (nullable): the run, for race_steps_step() and
 *   race_steps_free()
 */
RaceSteps *
race_steps_start (RaceStepsNewsFunc   news,
                  gpointer            user_data,
                  GError            **error)
{
  RaceSteps *steps = g_new0 (RaceSteps, 1);

  steps->news = news;
  steps->user_data = user_data;
  steps->latest = thaw_latest_new (deliver_steps_news, steps, g_free);
  steps->publisher = thaw_latest_ref (steps->latest);
  shared_init (&steps->shared, steps_changed, steps);
  if (!start_adders (&steps->shared, steps->threads, &steps->n_started, error))
    {
      race_steps_free (steps);
      return NULL;
    }

  return steps;
}

/**
 * race_steps_step:
 * @steps: a run
 * @thread: 0 or 1
 *
 * Gives @thread one step: it takes the action it is paused in front of and
 * pauses at the next one, or finishes. The news says when.
 *
 * Returns: %FALSE if @thread was not paused: it is still taking its last
 *   step, or it has finished
 */
gboolean
race_steps_step (RaceSteps *steps,
                 guint      thread)
{
  return thaw_stepper_grant (steps->shared.stepper, thread);
}

/**
 * race_steps_run:
 * @steps: a run
 * @thread: 0 or 1
 *
 * Lets @thread run to its end without pausing.
 */
void
race_steps_run (RaceSteps *steps,
                guint      thread)
{
  thaw_stepper_run_thread (steps->shared.stepper, thread);
}

/**
 * race_steps_run_all:
 * @steps: a run
 *
 * Lets both threads run to their ends at once, as real threads would.
 */
void
race_steps_run_all (RaceSteps *steps)
{
  thaw_stepper_run_all (steps->shared.stepper);
}

/**
 * race_steps_get_schedule:
 * @steps: a run
 * @schedule: (out caller-allocates): which thread took each step so far
 */
void
race_steps_get_schedule (RaceSteps *steps,
                         ThawStepSchedule *schedule)
{
  thaw_stepper_get_schedule (steps->shared.stepper, schedule);
}

/**
 * race_steps_free:
 * @steps: (transfer full) (nullable): a run, finished or not
 *
 * Ends the run: threads still paused leave at once and are joined. News
 * already scheduled is delivered to nobody.
 */
void
race_steps_free (RaceSteps *steps)
{
  if (steps == NULL)
    return;

  /* Closed first, so that nobody is called; the threads may still publish
   * as they leave, into their own reference. */
  g_clear_pointer (&steps->latest, thaw_latest_close);
  join_adders (&steps->shared, steps->threads, steps->n_started);
  g_clear_pointer (&steps->publisher, thaw_latest_unref);
  shared_clear (&steps->shared);
  g_free (steps);
}

/* ---- one whole run, scheduled by the calling thread --------------------- */

/**
 * race_steps_run_schedule:
 * @schedule: (array length=n_schedule) (nullable): the thread to give each
 *   step to, in order; a thread that has finished is passed over
 * @n_schedule: its length
 * @rand: (nullable): after @schedule, choose each next thread at random
 *   from those paused; without it, the rest of each thread runs one thread
 *   after the other, the first first
 * @run: (out caller-allocates): what the run did: its schedule and total
 * @error: where the reason goes if a thread could not be made
 *
 * A whole run of the two adders, scheduled by the calling thread one step
 * at a time (thaw_stepper_play()). Blocks: never call it on the main loop.
 *
 * Returns: the counter at the end, or -1 with @error set
 */
int
race_steps_run_schedule (const guint    *schedule,
                         guint           n_schedule,
                         GRand          *rand,
                         RaceStepRun    *run,
                         GError        **error)
{
  Shared shared;
  GThread *threads[RACE_STEP_THREADS];
  guint n_started, position = 0;

  shared_init (&shared, NULL, NULL);
  run->total = -1;
  run->schedule.n_steps = 0;
  if (start_adders (&shared, threads, &n_started, error))
    {
      /* No thread of this lesson ever blocks: when none is paused, both
       * have finished. */
      thaw_stepper_play (shared.stepper, schedule, n_schedule, &position, rand);
      run->total = g_atomic_int_get (&shared.counter);
      thaw_stepper_get_schedule (shared.stepper, &run->schedule);
    }
  join_adders (&shared, threads, n_started);

  /* After the joins, the log is this thread's alone. */
  memcpy (run->events, shared.events, sizeof shared.events);
  run->n_events = shared.n_events;
  shared_clear (&shared);

  return run->total;
}

/**
 * race_steps_run_random:
 * @rand: the trial's random numbers
 * @example: (out caller-allocates): a #RaceStepRun
 * @run_data: unused
 *
 * One run of a #ThawStepTrial: every step to a thread chosen at random.
 *
 * Returns: 1 if an update was lost, 0 if not, -1 if a thread could not be
 *   made
 */
int
race_steps_run_random (GRand    *rand,
                       gpointer  example,
                       gpointer  run_data)
{
  int total = race_steps_run_schedule (NULL, 0, rand, example, NULL);

  return total < 0 ? -1 : total < RACE_STEP_THREADS * RACE_STEP_INCREMENTS;
}

/* ---- what the step points cost when nobody steps ------------------------ */

/**
 * race_steps_time_free:
 * @increments: per thread
 * @step_points: %TRUE for a stepper that lets both threads run free, as
 *   "Run Both" does; %FALSE for no stepper at all
 *
 * For thaw-bench: both threads at full speed through the same code the
 * learner steps, with many more increments and nothing written down.
 *
 * Returns: the seconds from starting the threads to joining them, or a
 *   negative number if a thread could not be made
 */
double
race_steps_time_free (guint    increments,
                      gboolean step_points)
{
  Shared shared = { 0 };
  GThread *threads[RACE_STEP_THREADS];
  guint n_started;
  gboolean started;
  gint64 start;

  if (step_points)
    shared.stepper = thaw_stepper_new (RACE_STEP_THREADS, FALSE, NULL, NULL);
  shared.increments = increments;
  g_mutex_init (&shared.log_lock);

  start = g_get_monotonic_time ();
  started = start_adders (&shared, threads, &n_started, NULL);
  /* Not join_adders(): that cancels, and these threads are to finish. */
  for (guint i = 0; i < n_started; i++)
    g_thread_join (threads[i]);
  start = g_get_monotonic_time () - start;
  shared_clear (&shared);

  return started ? (double) start / G_USEC_PER_SEC : -1;
}
