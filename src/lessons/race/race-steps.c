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
#include "thaw-step-work.h"
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

static void
adder_thread (ThawStepper *stepper,
              guint        me,
              gpointer     shared)
{
  add_in_steps (shared, me);
}

static void
shared_init (Shared       *shared,
             ThawStepWork *work)
{
  memset (shared, 0, sizeof *shared);
  shared->stepper = thaw_step_work_get_stepper (work);
  shared->increments = RACE_STEP_INCREMENTS;
  shared->logging = TRUE;
  g_mutex_init (&shared->log_lock);
}

/* ---- the learner's run: news to the page at every pause ---------------- */

struct _RaceSteps
{
  Shared shared;
  ThawStepWork *work;
};

/* On the thread that paused or finished: everything the page shows, at one
 * moment. */
static gpointer
snapshot (ThawStepper *stepper,
          gpointer     data)
{
  Shared *shared = data;
  RaceStepsNews *news = g_new0 (RaceStepsNews, 1);

  thaw_stepper_get_threads (stepper, news->threads);
  news->finished = TRUE;
  for (guint i = 0; i < RACE_STEP_THREADS; i++)
    {
      news->values[i] = g_atomic_int_get (&shared->values[i]);
      news->finished &= news->threads[i].state == THAW_STEPPER_DONE;
    }
  news->counter = g_atomic_int_get (&shared->counter);
  thaw_mutex_lock (&shared->log_lock);
  memcpy (news->events, shared->events, sizeof news->events);
  news->n_events = shared->n_events;
  thaw_mutex_unlock (&shared->log_lock);

  return news;
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

  steps->work = thaw_step_work_new (RACE_STEP_THREADS, TRUE, snapshot,
                                    (ThawStepWorkNewsFunc) news, user_data);
  shared_init (&steps->shared, steps->work);
  if (!thaw_step_work_start (steps->work, adder_thread, &steps->shared, error))
    {
      race_steps_free (steps);
      return NULL;
    }

  return steps;
}

/**
 * race_steps_get_stepper:
 * @steps: a run
 *
 * Returns: (transfer none): its stepper, to give steps with
 */
ThawStepper *
race_steps_get_stepper (RaceSteps *steps)
{
  return steps->shared.stepper;
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

  g_clear_pointer (&steps->work, thaw_step_work_free);
  g_mutex_clear (&steps->shared.log_lock);
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
 * at a time (thaw_step_work_play()). Blocks: never call it on the main
 * loop.
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
  g_autoptr(ThawStepWork) work = thaw_step_work_new (RACE_STEP_THREADS, TRUE, NULL, NULL, NULL);
  Shared shared;

  shared_init (&shared, work);
  run->total = -1;
  run->schedule.n_steps = 0;
  if (thaw_step_work_start (work, adder_thread, &shared, error))
    {
      /* No thread of this lesson ever blocks: it plays to the end. */
      thaw_step_work_play (work, schedule, n_schedule, rand, NULL);
      run->total = g_atomic_int_get (&shared.counter);
      thaw_stepper_get_schedule (shared.stepper, &run->schedule);
    }
  g_clear_pointer (&work, thaw_step_work_free);

  /* After the joins, the log is this thread's alone. */
  memcpy (run->events, shared.events, sizeof shared.events);
  run->n_events = shared.n_events;
  g_mutex_clear (&shared.log_lock);

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
  g_autoptr(ThawStepWork) work = thaw_step_work_new (RACE_STEP_THREADS, step_points, NULL, NULL, NULL);
  Shared shared = { 0 };
  gboolean started;
  gint64 start;

  /* Every thread free from the start: a step point is one atomic read. */
  shared.stepper = thaw_step_work_get_stepper (work);
  if (shared.stepper != NULL)
    thaw_stepper_run_all (shared.stepper);
  shared.increments = increments;
  g_mutex_init (&shared.log_lock);

  start = g_get_monotonic_time ();
  started = thaw_step_work_start (work, adder_thread, &shared, NULL);
  thaw_step_work_join (work);
  start = g_get_monotonic_time () - start;
  g_clear_pointer (&work, thaw_step_work_free);
  g_mutex_clear (&shared.log_lock);

  return started ? (double) start / G_USEC_PER_SEC : -1;
}
