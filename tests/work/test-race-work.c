/* test-race-work.c — race-work.c on a plain GMainLoop, no GTK
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TSan build runs this too: the synchronised ways to add (a mutex per
 * increment, a mutex per batch, the atomic add) and the hand-off to the
 * main thread must then draw no report.
 *
 *   exact/WAY           each right way ends exact, every run of a series;
 *                       the news arrives on the main thread, the last once,
 *                       and the threads are joined
 *   racy                without a lock the total never exceeds the
 *                       expected one (not under TSan: see below)
 *   slow-motion         a slow run is stretched over the rounds
 *   stop                Stop ends a long series early, with a last news
 *   free-while-running  freeing joins every thread and calls nobody after
 *
 * Stepped (race-steps.c), the learner as the scheduler:
 *   steps/lost-update   A reads, B reads, A writes, B writes: one update is
 *                       lost, and the schedule says so, step by step
 *   steps/serial        one thread's whole addition before the other's:
 *                       exact
 *   steps/page          the same lost update through the page's calls,
 *                       step by step on the main loop, news and all
 *   steps/free-paused   freeing a run whose threads wait for steps joins
 *                       them at once
 *   steps/trial         random schedules on a conductor thread: some lose
 *                       an update and some do not, and the count is the
 *                       one the same seed gives run by run
 */

#include "config.h"

#include "race-steps.h"
#include "race-work.h"
#include "thaw-step-trial.h"
#include "work-test-util.h"

#define THREADS 4
#define INCREMENTS 20000

typedef struct
{
  GThread *main_thread;
  guint deliveries, finished, n_done;
  gboolean stopped;
  guint totals[RACE_MANY_RUNS];
  gboolean had_error;
} News;

static void
record_news (const RaceNews *news,
             gpointer        user_data)
{
  News *seen = user_data;

  g_assert_true (g_thread_self () == seen->main_thread);
  g_assert_cmpuint (seen->finished, ==, 0);   /* nothing after the last */
  g_assert_cmpuint (news->n_done, >=, seen->n_done);
  seen->deliveries++;
  seen->n_done = news->n_done;
  memcpy (seen->totals, news->totals, sizeof seen->totals);
  seen->had_error |= news->error != NULL;
  seen->finished += news->finished;
  seen->stopped = news->stopped;
}

static gboolean
is_finished (gpointer data)
{
  return ((News *) data)->finished > 0;
}

/* Runs a whole series and checks its news; returns the work, finished. */
static RaceWork *
run_series (RaceWay  way,
            guint    n_runs,
            News    *seen)
{
  g_autoptr(GError) error = NULL;
  RaceWork *work;

  *seen = (News) { .main_thread = g_thread_self () };
  work = race_work_start (way, THREADS, INCREMENTS, n_runs, FALSE, NULL,
                          record_news, seen, &error);
  g_assert_no_error (error);
  work_test_iterate_until (is_finished, seen, 60);

  g_assert_cmpuint (seen->finished, ==, 1);
  g_assert_false (seen->had_error);
  g_assert_cmpuint (seen->n_done, ==, n_runs);
  g_assert_cmpuint (seen->deliveries, <=, n_runs + 1);
  /* Joined by the last delivery, before it called back. */
  work_test_wait_for_threads ("thaw-conductor", 0);
  work_test_wait_for_threads ("thaw-adder", 0);

  return work;
}

static void
test_exact (gconstpointer data)
{
  News seen;
  g_autoptr(RaceWork) work = run_series (GPOINTER_TO_UINT (data), 5, &seen);

  for (guint i = 0; i < seen.n_done; i++)
    g_assert_cmpuint (seen.totals[i], ==, THREADS * INCREMENTS);
}

static void
test_racy (void)
{
  News seen;
  g_autoptr(RaceWork) work = NULL;

#if defined(__SANITIZE_THREAD__)
# define RACY_UNDER_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define RACY_UNDER_TSAN 1
# endif
#endif
#ifdef RACY_UNDER_TSAN
  /* The racy way is a data race on purpose, and TSan would halt the suite
   * on it. In the TSan build it runs in the TSan gate instead
   * (tests/test-tsan-control.c), which fails unless TSan reports it. */
  g_test_skip ("a data race on purpose: the TSan gate runs it");
  return;
#endif

  work = run_series (RACE_NO_LOCK, 5, &seen);
  for (guint i = 0; i < seen.n_done; i++)
    {
      /* A lost update can only make the total smaller, never larger. */
      g_assert_cmpuint (seen.totals[i], >, 0);
      g_assert_cmpuint (seen.totals[i], <=, THREADS * INCREMENTS);
    }
}

/* A slow run with few increments: its rounds are 100 ms apart. */
static void
test_slow_motion (void)
{
  News seen = { .main_thread = g_thread_self () };
  g_autoptr(RaceWork) work = NULL;
  gint64 started = g_get_monotonic_time ();

  work = race_work_start (RACE_WITH_BATCHES, 2, 200, 1, TRUE, NULL, record_news, &seen, NULL);
  work_test_iterate_until (is_finished, &seen, 60);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, (RACE_ROUNDS - 1) * RACE_SLOW_ROUND_US);
  g_assert_cmpuint (seen.totals[0], ==, 2 * 200);
  work_test_wait_for_threads ("thaw-adder", 0);
}

static void
test_stop (void)
{
  News seen = { .main_thread = g_thread_self () };
  g_autoptr(RaceWork) work = NULL;

  /* Twenty slow runs would take forty seconds. */
  work = race_work_start (RACE_WITH_ATOMIC_ADD, THREADS, INCREMENTS, RACE_MANY_RUNS, TRUE, NULL,
                          record_news, &seen, NULL);
  work_test_iterate_for (0.2);
  race_work_stop (work);
  work_test_iterate_until (is_finished, &seen, 10);

  g_assert_true (seen.stopped);
  g_assert_cmpuint (seen.finished, ==, 1);
  g_assert_cmpuint (seen.n_done, <, RACE_MANY_RUNS);
  work_test_wait_for_threads ("thaw-conductor", 0);
  work_test_wait_for_threads ("thaw-adder", 0);
}

static void
test_free_while_running (void)
{
  News seen = { .main_thread = g_thread_self () };
  RaceWork *work;

  work = race_work_start (RACE_WITH_MUTEX, THREADS, INCREMENTS, RACE_MANY_RUNS, FALSE, NULL,
                          record_news, &seen, NULL);
  g_assert_nonnull (work);
  /* Let it publish news the main loop has not taken yet. */
  g_usleep (50 * 1000);

  race_work_free (work);
  work_test_wait_for_threads ("thaw-conductor", 0);
  work_test_wait_for_threads ("thaw-adder", 0);

  work_test_iterate_for (0.2);
  g_assert_cmpuint (seen.deliveries, ==, 0);
}

/* ---- stepped ----------------------------------------------------------- */

#define STEP_TOTAL (RACE_STEP_THREADS * RACE_STEP_INCREMENTS)

static void
assert_event (const RaceStepEvent *event,
              guint                thread,
              RaceStep             step,
              int                  value)
{
  g_assert_cmpuint (event->thread, ==, thread);
  g_assert_cmpint (event->step, ==, step);
  g_assert_cmpint (event->value, ==, value);
}

static void
test_steps_lost_update (void)
{
  static const guint losing[] = { 0, 1, 0, 1 };
  RaceStepRun run;
  const RaceStepEvent *events = run.events;
  g_autoptr(GError) error = NULL;
  int total = race_steps_run_schedule (losing, G_N_ELEMENTS (losing), NULL, &run, &error);

  g_assert_no_error (error);
  /* Both read 0, both write 1: thread 0's update is lost. Then thread 0
   * adds again (1 → 2), and thread 1 (2 → 3). */
  g_assert_cmpuint (run.n_events, ==, RACE_STEP_EVENTS);
  g_assert_cmpint (run.total, ==, total);
  assert_event (&events[0], 0, RACE_STEP_READ, 0);
  assert_event (&events[1], 1, RACE_STEP_READ, 0);
  assert_event (&events[2], 0, RACE_STEP_WRITE, 1);
  assert_event (&events[3], 1, RACE_STEP_WRITE, 1);
  assert_event (&events[4], 0, RACE_STEP_READ, 1);
  assert_event (&events[5], 0, RACE_STEP_WRITE, 2);
  assert_event (&events[6], 1, RACE_STEP_READ, 2);
  assert_event (&events[7], 1, RACE_STEP_WRITE, 3);
  g_assert_cmpint (total, ==, STEP_TOTAL - 1);
  work_test_wait_for_threads ("thaw-stepped", 0);
}

static void
test_steps_serial (void)
{
  static const guint serial[] = { 0, 0, 1, 1, 1, 1, 0, 0 };
  RaceStepRun run;
  const RaceStepEvent *events = run.events;
  int total = race_steps_run_schedule (serial, G_N_ELEMENTS (serial), NULL, &run, NULL);

  g_assert_cmpint (total, ==, STEP_TOTAL);
  g_assert_cmpuint (run.n_events, ==, RACE_STEP_EVENTS);
  for (guint i = 0; i < run.n_events; i++)
    {
      /* Every write puts back one more than the read before it, and every
       * read sees the write before it. */
      assert_event (&events[i], serial[i], i % 2 == 0 ? RACE_STEP_READ : RACE_STEP_WRITE, (int) (i + 1) / 2);
    }
}

typedef struct
{
  GThread *main_thread;
  RaceStepsNews last;
  guint deliveries;
} StepsSeen;

static void
record_steps_news (const RaceStepsNews *news,
                   gpointer             user_data)
{
  StepsSeen *seen = user_data;

  g_assert_true (g_thread_self () == seen->main_thread);
  seen->last = *news;
  seen->deliveries++;
}

static gboolean
steps_finished (gpointer data)
{
  return ((StepsSeen *) data)->last.finished;
}

typedef struct
{
  StepsSeen *seen;
  guint thread;
  guint n_events;
} PausedAfter;

/* Thread @thread paused (or done) with @n_events events in the log. */
static gboolean
is_settled (gpointer data)
{
  PausedAfter *wait = data;
  const RaceStepsNews *news = &wait->seen->last;

  return news->n_events == wait->n_events &&
         (news->threads[wait->thread].state == THAW_STEPPER_PAUSED ||
          news->threads[wait->thread].state == THAW_STEPPER_DONE);
}

static void
test_steps_page (void)
{
  static const guint losing[] = { 0, 1, 0, 1 };
  StepsSeen seen = { g_thread_self () };
  g_autoptr(GError) error = NULL;
  g_autoptr(RaceSteps) steps = race_steps_start (record_steps_news, &seen, &error);
  PausedAfter wait = { &seen, 0, 0 };

  g_assert_no_error (error);
  /* Both paused at their first read. */
  work_test_iterate_until (is_settled, &wait, 10);
  wait.thread = 1;
  work_test_iterate_until (is_settled, &wait, 10);
  g_assert_cmpint (seen.last.threads[0].state, ==, THAW_STEPPER_PAUSED);
  g_assert_cmpint (seen.last.threads[1].state, ==, THAW_STEPPER_PAUSED);
  g_assert_cmpuint (seen.last.threads[0].step, ==, RACE_STEP_READ);

  for (guint i = 0; i < G_N_ELEMENTS (losing); i++)
    {
      g_assert_true (thaw_stepper_grant (race_steps_get_stepper (steps), losing[i]));
      wait = (PausedAfter) { &seen, losing[i], i + 1 };
      work_test_iterate_until (is_settled, &wait, 10);
    }
  /* Both wrote 1: the counter says 1 after two increments. */
  g_assert_cmpint (seen.last.counter, ==, 1);
  g_assert_cmpint (seen.last.values[0], ==, 0);
  g_assert_cmpint (seen.last.values[1], ==, 0);
  g_assert_cmpuint (seen.last.threads[0].step, ==, RACE_STEP_READ);
  g_assert_false (seen.last.finished);

  /* The rest at full speed, both at once: at most 4 − 1 whatever happens. */
  thaw_stepper_run_all (race_steps_get_stepper (steps));
  work_test_iterate_until (steps_finished, &seen, 10);
  g_assert_cmpint (seen.last.counter, <=, STEP_TOTAL - 1);
  g_assert_cmpint (seen.last.counter, >=, 2);
  g_assert_cmpuint (seen.last.n_events, ==, RACE_STEP_EVENTS);
  g_clear_pointer (&steps, race_steps_free);
  work_test_wait_for_threads ("thaw-stepped", 0);
}

static void
test_steps_free_paused (void)
{
  StepsSeen seen = { g_thread_self () };
  RaceSteps *steps = race_steps_start (record_steps_news, &seen, NULL);
  PausedAfter wait = { &seen, 1, 0 };
  guint delivered;

  work_test_iterate_until (is_settled, &wait, 10);
  g_assert_true (thaw_stepper_grant (race_steps_get_stepper (steps), 1));
  race_steps_free (steps);
  work_test_wait_for_threads ("thaw-stepped", 0);
  /* Nobody is called after the free. */
  delivered = seen.deliveries;
  work_test_iterate_for (0.1);
  g_assert_cmpuint (seen.deliveries, ==, delivered);
}

typedef struct
{
  GThread *main_thread;
  ThawStepTrialNews last;
  RaceStepRun first_broken;
  guint finished;
} TrialSeen;

static void
record_trial_news (const ThawStepTrialNews *news,
                   gpointer                 user_data)
{
  TrialSeen *seen = user_data;

  g_assert_true (g_thread_self () == seen->main_thread);
  g_assert_cmpuint (seen->finished, ==, 0);
  seen->last = *news;
  if (news->first_broken != NULL)
    seen->first_broken = *(const RaceStepRun *) news->first_broken;
  seen->finished += news->finished;
}

static gboolean
trial_finished (gpointer data)
{
  return ((TrialSeen *) data)->finished > 0;
}

static void
test_steps_trial (void)
{
  const guint n_runs = 200;
  const guint32 seed = 20261207;
  TrialSeen seen = { g_thread_self () };
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(ThawStepTrial) trial = NULL;
  guint lost = 0;

  /* The same schedules, run by this thread. */
  for (guint i = 0; i < n_runs; i++)
    {
      RaceStepRun run;

      lost += race_steps_run_random (rand, &run, NULL);
    }
  /* Some schedules lose an update, some do not. */
  g_assert_cmpuint (lost, >, 0);
  g_assert_cmpuint (lost, <, n_runs);

  trial = thaw_step_trial_start (n_runs, seed, race_steps_run_random, sizeof (RaceStepRun), NULL,
                                 record_trial_news, &seen, &error);
  g_assert_no_error (error);
  work_test_iterate_until (trial_finished, &seen, 60);
  g_assert_cmpuint (seen.last.n_done, ==, n_runs);
  g_assert_false (seen.last.stopped);
  g_assert_false (seen.last.failed);
  g_assert_cmpuint (seen.last.n_broken, ==, lost);
  g_assert_cmpint (seen.first_broken.total, <, STEP_TOTAL);
  g_assert_cmpuint (seen.first_broken.n_events, ==, RACE_STEP_EVENTS);
  work_test_wait_for_threads ("thaw-conductor", 0);
  work_test_wait_for_threads ("thaw-stepped", 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/work/race/exact/mutex", GUINT_TO_POINTER (RACE_WITH_MUTEX), test_exact);
  g_test_add_data_func ("/work/race/exact/batches", GUINT_TO_POINTER (RACE_WITH_BATCHES), test_exact);
  g_test_add_data_func ("/work/race/exact/atomic", GUINT_TO_POINTER (RACE_WITH_ATOMIC_ADD), test_exact);
  g_test_add_func ("/work/race/racy", test_racy);
  g_test_add_func ("/work/race/slow-motion", test_slow_motion);
  g_test_add_func ("/work/race/stop", test_stop);
  g_test_add_func ("/work/race/free-while-running", test_free_while_running);
  g_test_add_func ("/work/race/steps/lost-update", test_steps_lost_update);
  g_test_add_func ("/work/race/steps/serial", test_steps_serial);
  g_test_add_func ("/work/race/steps/page", test_steps_page);
  g_test_add_func ("/work/race/steps/free-paused", test_steps_free_paused);
  g_test_add_func ("/work/race/steps/trial", test_steps_trial);

  return g_test_run ();
}
