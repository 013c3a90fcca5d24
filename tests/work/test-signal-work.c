/* test-signal-work.c — signal-work.c on a plain GMainLoop, no GTK
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TSan build runs this too: the gate, its mutex and condition, and the
 * hand-off of the threads' news to the main thread are then checked.
 *
 *   go            lined-up threads sleep at the closed gate and none passes;
 *                 after Go each passes exactly once and works to the end;
 *                 the news arrives on the main thread, the last news once,
 *                 after every thread was joined; the news function may free
 *                 the work
 *   let-one       each ticket lets exactly one thread through; Go the rest
 *   let-one-if    the wrong way, an if where the while was: one ticket,
 *                 and every thread goes through on it
 *   stop-asleep   Stop wakes the sleepers, who leave without passing
 *   stop-working  Stop ends the work after the gate early
 *   free          freeing the work while threads sleep and work joins them
 *                 all, and news already on its way calls nobody
 *
 * Stepped (signal-steps.c), the learner as the scheduler:
 *   steps/lost          without a flag, B signals before A sleeps: the
 *                       signal wakes nobody, and A sleeps on with nobody
 *                       left to wake it: the lost wake-up
 *   steps/heard         without a flag, A asleep first: the signal wakes it
 *   steps/flag          with the flag, the losing schedule: A finds the
 *                       flag set and never sleeps
 *   steps/page          the lost wake-up through the page's calls; freeing
 *                       the run wakes the sleeper and joins both at once
 *   steps/trial         random schedules: without a flag some lose the
 *                       wake-up, with it none does
 */

#include "config.h"

#include <glib.h>

#include "signal-steps.h"
#include "signal-work.h"
#include "thaw-step-trial.h"
#include "work-test-util.h"

#define THREAD_NAME "thaw-gate"
/* Each thread's work after the gate: five naps of 20 ms. */
#define WORK_US 100000

typedef struct
{
  GThread *main_thread;
  guint deliveries;
  guint finished;
  gboolean passed_twice;        /* a thread was ever seen through twice */
  SignalNews news;              /* the latest */
  SignalWork *free_when_finished;
} Record;

static void
receive (const SignalNews *news,
         gpointer          user_data)
{
  Record *record = user_data;

  g_assert_true (g_thread_self () == record->main_thread);
  g_assert_cmpuint (record->finished, ==, 0);   /* nothing after the last */

  for (guint i = 0; i < news->n_threads; i++)
    record->passed_twice |= news->runners[i].passes > 1;
  record->news = *news;
  record->deliveries++;
  if (news->finished)
    {
      record->finished++;
      /* As the page does: the last news frees the work. */
      g_clear_pointer (&record->free_when_finished, signal_work_free);
    }
}

static void
record_init (Record *record)
{
  *record = (Record) { .main_thread = g_thread_self () };
}

static gboolean
is_finished (gpointer data)
{
  return ((Record *) data)->finished > 0;
}

typedef struct
{
  Record *record;
  guint waiting;
  guint released;
} Expect;

static gboolean
has_counts (gpointer data)
{
  Expect *expect = data;

  return expect->record->news.waiting == expect->waiting &&
         expect->record->news.released == expect->released;
}

/* Runs the main loop until @waiting threads sleep at the gate and
 * @released are through. */
static void
wait_for_counts (Record *record,
                 guint   waiting,
                 guint   released)
{
  Expect expect = { record, waiting, released };

  work_test_iterate_until (has_counts, &expect, 10);
}

static void
test_go (void)
{
  const guint n_threads = 4;
  Record record;
  SignalWork *work;
  g_autoptr(GError) error = NULL;
  guint threads_before = work_test_count_threads (THREAD_NAME);

  record_init (&record);
  work = signal_work_line_up (n_threads, SIGNAL_WAIT_WHILE, WORK_US, receive, &record, &error);
  g_assert_no_error (error);
  g_assert_nonnull (work);
  g_assert_cmpuint (signal_work_get_news (work)->n_threads, ==, n_threads);

  /* Everybody gets to the gate, and nobody passes. */
  wait_for_counts (&record, n_threads, 0);
  work_test_iterate_for (0.2);
  g_assert_cmpuint (record.news.waiting, ==, n_threads);
  g_assert_cmpuint (record.news.released, ==, 0);
  g_assert_false (record.news.gate_open);
  g_assert_cmpuint (work_test_count_threads (THREAD_NAME), ==, threads_before + n_threads);

  signal_work_go (work);
  g_assert_true (signal_work_get_news (work)->gate_open);
  record.free_when_finished = work;
  work_test_iterate_until (is_finished, &record, 10);
  g_test_message ("%u deliveries, the slowest through %d µs after Go",
                  record.deliveries, record.news.max_latency_us);

  g_assert_null (record.free_when_finished);
  g_assert_false (record.passed_twice);
  g_assert_true (record.news.gate_open);
  g_assert_cmpuint (record.news.released, ==, n_threads);
  g_assert_cmpuint (record.news.waiting, ==, 0);
  g_assert_cmpint (record.news.max_latency_us, >=, 0);
  for (guint i = 0; i < n_threads; i++)
    {
      g_assert_cmpint (record.news.runners[i].state, ==, SIGNAL_RUNNER_DONE);
      g_assert_cmpint (record.news.runners[i].passes, ==, 1);
      g_assert_cmpint (record.news.runners[i].wake_ups, >=, 1);
      g_assert_cmpint (record.news.runners[i].work_permille, ==, 1000);
    }
  /* Joined before the last news; and the last news came once. */
  work_test_wait_for_threads (THREAD_NAME, threads_before);
  work_test_iterate_for (0.1);
  g_assert_cmpuint (record.finished, ==, 1);
}

static void
test_let_one (void)
{
  const guint n_threads = 3;
  Record record;
  g_autoptr(SignalWork) work = NULL;
  guint threads_before = work_test_count_threads (THREAD_NAME);

  record_init (&record);
  work = signal_work_line_up (n_threads, SIGNAL_WAIT_WHILE, WORK_US, receive, &record, NULL);
  g_assert_nonnull (work);
  wait_for_counts (&record, n_threads, 0);

  for (guint through = 1; through < n_threads; through++)
    {
      signal_work_let_one (work);
      wait_for_counts (&record, n_threads - through, through);
      /* Give a second thread every chance to sneak through. */
      work_test_iterate_for (0.2);
      g_assert_cmpuint (record.news.released, ==, through);
      g_assert_cmpuint (record.news.waiting, ==, n_threads - through);
      g_assert_false (record.news.gate_open);
    }

  signal_work_go (work);
  work_test_iterate_until (is_finished, &record, 10);
  g_assert_false (record.passed_twice);
  g_assert_cmpuint (record.news.released, ==, n_threads);
  for (guint i = 0; i < n_threads; i++)
    g_assert_cmpint (record.news.runners[i].passes, ==, 1);
  g_assert_false (record.news.stopped);
  g_assert_cmpuint (record.news.tickets, ==, n_threads - 1);
  g_assert_cmpuint (record.news.without_ticket, ==, 0);
  work_test_wait_for_threads (THREAD_NAME, threads_before);
}

static void
test_let_one_if (void)
{
  const guint n_threads = 4;
  Record record;
  g_autoptr(SignalWork) work = NULL;
  guint threads_before = work_test_count_threads (THREAD_NAME);

  record_init (&record);
  work = signal_work_line_up (n_threads, SIGNAL_WAIT_IF, WORK_US, receive, &record, NULL);
  g_assert_nonnull (work);
  wait_for_counts (&record, n_threads, 0);

  /* One ticket, and no Go. */
  signal_work_let_one (work);
  work_test_iterate_until (is_finished, &record, 10);

  g_assert_false (record.news.gate_open);
  g_assert_false (record.news.stopped);
  g_assert_cmpuint (record.news.tickets, ==, 1);
  g_assert_cmpuint (record.news.released, ==, n_threads);
  g_assert_cmpuint (record.news.without_ticket, ==, n_threads - 1);
  for (guint i = 0; i < n_threads; i++)
    {
      g_assert_cmpint (record.news.runners[i].passes, ==, 1);
      g_assert_cmpint (record.news.runners[i].wake_ups, ==, 1);
    }
  work_test_wait_for_threads (THREAD_NAME, threads_before);
}

static void
test_stop_asleep (void)
{
  const guint n_threads = 5;
  Record record;
  g_autoptr(SignalWork) work = NULL;
  guint threads_before = work_test_count_threads (THREAD_NAME);

  record_init (&record);
  work = signal_work_line_up (n_threads, SIGNAL_WAIT_WHILE, WORK_US, receive, &record, NULL);
  g_assert_nonnull (work);
  wait_for_counts (&record, n_threads, 0);

  signal_work_stop (work);
  work_test_iterate_until (is_finished, &record, 5);

  g_assert_true (record.news.stopped);
  g_assert_cmpuint (record.news.released, ==, 0);
  g_assert_cmpuint (record.news.waiting, ==, 0);
  for (guint i = 0; i < n_threads; i++)
    {
      g_assert_cmpint (record.news.runners[i].state, ==, SIGNAL_RUNNER_LEFT);
      g_assert_cmpint (record.news.runners[i].passes, ==, 0);
    }
  work_test_wait_for_threads (THREAD_NAME, threads_before);
}

static gboolean
is_working (gpointer data)
{
  Record *record = data;

  return record->news.runners[0].work_permille > 0;
}

static void
test_stop_working (void)
{
  const guint n_threads = 2;
  Record record;
  g_autoptr(SignalWork) work = NULL;
  guint threads_before = work_test_count_threads (THREAD_NAME);

  record_init (&record);
  /* Work for a minute, stopped as soon as it has begun. */
  work = signal_work_line_up (n_threads, SIGNAL_WAIT_WHILE, 60 * G_USEC_PER_SEC, receive, &record, NULL);
  g_assert_nonnull (work);
  signal_work_go (work);
  work_test_iterate_until (is_working, &record, 10);

  signal_work_stop (work);
  work_test_iterate_until (is_finished, &record, 5);

  g_assert_true (record.news.stopped);
  for (guint i = 0; i < n_threads; i++)
    {
      g_assert_cmpint (record.news.runners[i].state, ==, SIGNAL_RUNNER_DONE);
      g_assert_cmpint (record.news.runners[i].passes, ==, 1);
      g_assert_cmpint (record.news.runners[i].work_permille, <, 1000);
    }
  work_test_wait_for_threads (THREAD_NAME, threads_before);
}

static void
test_free (void)
{
  const guint n_threads = 4;
  Record record;
  SignalWork *work;
  guint threads_before = work_test_count_threads (THREAD_NAME);
  guint deliveries;

  record_init (&record);
  work = signal_work_line_up (n_threads, SIGNAL_WAIT_WHILE, 60 * G_USEC_PER_SEC, receive, &record, NULL);
  g_assert_nonnull (work);
  wait_for_counts (&record, n_threads, 0);

  /* One thread works, the others sleep at the gate; let the worker
   * schedule a delivery that the main loop has not run yet. */
  signal_work_let_one (work);
  g_usleep (100 * 1000);
  deliveries = record.deliveries;

  signal_work_free (work);
  /* Joined: the threads are gone when free returns (give /proc a moment). */
  work_test_wait_for_threads (THREAD_NAME, threads_before);

  /* The scheduled delivery calls nobody. */
  work_test_iterate_for (0.2);
  g_assert_cmpuint (record.deliveries, ==, deliveries);
  g_assert_cmpuint (record.finished, ==, 0);
}

/* ---- stepped ----------------------------------------------------------- */

static void
assert_events (const SignalStepRun   *run,
               const SignalStepEvent *expected,
               guint                  n_expected)
{
  g_assert_cmpuint (run->n_events, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    {
      g_assert_cmpuint (run->events[i].thread, ==, expected[i].thread);
      g_assert_cmpint (run->events[i].kind, ==, expected[i].kind);
    }
}

/* B locks, signals, unlocks; then A locks and goes to sleep. */
static const guint signal_first[] = { 1, 1, 1, 0, 0, 0 };

static void
test_steps_lost (void)
{
  static const SignalStepEvent expected[] = {
    { 1, SIGNAL_EVENT_LOCKED }, { 1, SIGNAL_EVENT_SIGNALLED }, { 1, SIGNAL_EVENT_UNLOCKED },
    { 0, SIGNAL_EVENT_LOCKED }, { 0, SIGNAL_EVENT_WAITS },
  };
  SignalStepRun run;
  g_autoptr(GError) error = NULL;

  g_assert_true (signal_steps_run_schedule (SIGNAL_STEPS_NO_FLAG, signal_first, G_N_ELEMENTS (signal_first),
                                            NULL, &run, &error));
  g_assert_no_error (error);
  g_assert_true (run.lost);
  assert_events (&run, expected, G_N_ELEMENTS (expected));
  work_test_wait_for_threads ("thaw-stepped", 0);
}

static void
test_steps_heard (void)
{
  /* A locks and sleeps; B locks, signals, unlocks; A wakes and unlocks. */
  static const guint wait_first[] = { 0, 0, 1, 1, 1, 0 };
  static const SignalStepEvent expected[] = {
    { 0, SIGNAL_EVENT_LOCKED }, { 0, SIGNAL_EVENT_WAITS },
    { 1, SIGNAL_EVENT_LOCKED }, { 1, SIGNAL_EVENT_SIGNALLED_WAKING }, { 1, SIGNAL_EVENT_UNLOCKED },
    { 0, SIGNAL_EVENT_WOKE }, { 0, SIGNAL_EVENT_UNLOCKED },
  };
  SignalStepRun run;

  g_assert_true (signal_steps_run_schedule (SIGNAL_STEPS_NO_FLAG, wait_first, G_N_ELEMENTS (wait_first),
                                            NULL, &run, NULL));
  g_assert_false (run.lost);
  assert_events (&run, expected, G_N_ELEMENTS (expected));
}

static void
test_steps_flag (void)
{
  static const guint flag_first[] = { 1, 1, 1, 1, 0, 0, 0 };
  static const SignalStepEvent expected[] = {
    { 1, SIGNAL_EVENT_LOCKED }, { 1, SIGNAL_EVENT_SET }, { 1, SIGNAL_EVENT_SIGNALLED }, { 1, SIGNAL_EVENT_UNLOCKED },
    { 0, SIGNAL_EVENT_LOCKED }, { 0, SIGNAL_EVENT_SEES_FLAG }, { 0, SIGNAL_EVENT_UNLOCKED },
  };
  SignalStepRun run;

  g_assert_true (signal_steps_run_schedule (SIGNAL_STEPS_FLAG, flag_first, G_N_ELEMENTS (flag_first),
                                            NULL, &run, NULL));
  g_assert_false (run.lost);
  assert_events (&run, expected, G_N_ELEMENTS (expected));
}

typedef struct
{
  GThread *main_thread;
  SignalStepsNews last;
} StepsSeen;

static void
record_steps_news (const SignalStepsNews *news,
                   gpointer               user_data)
{
  StepsSeen *seen = user_data;

  g_assert_true (g_thread_self () == seen->main_thread);
  seen->last = *news;
}

typedef struct
{
  StepsSeen *seen;
  guint n_events;
} Settled;

static gboolean
settled (gpointer data)
{
  Settled *wait = data;
  const SignalStepsNews *news = &wait->seen->last;

  if (news->n_events != wait->n_events)
    return FALSE;
  for (guint i = 0; i < SIGNAL_STEP_THREADS; i++)
    if (news->threads[i].state == THAW_STEPPER_STARTING || news->threads[i].state == THAW_STEPPER_RUNNING)
      return FALSE;
  return TRUE;
}

static void
test_steps_page (void)
{
  /* Each step and how many events the schedule then holds. */
  static const guint events_after[] = { 1, 2, 3, 4, 5 };
  StepsSeen seen = { g_thread_self () };
  g_autoptr(GError) error = NULL;
  SignalSteps *steps = signal_steps_start (SIGNAL_STEPS_NO_FLAG, record_steps_news, &seen, &error);
  Settled wait = { &seen, 0 };
  gint64 before;

  g_assert_no_error (error);
  work_test_iterate_until (settled, &wait, 10);
  for (guint i = 0; i < G_N_ELEMENTS (events_after); i++)
    {
      g_assert_true (thaw_stepper_grant (signal_steps_get_stepper (steps), signal_first[i]));
      wait.n_events = events_after[i];
      work_test_iterate_until (settled, &wait, 10);
    }
  g_assert_true (seen.last.lost);
  g_assert_true (seen.last.asleep);
  g_assert_cmpint (seen.last.threads[0].state, ==, THAW_STEPPER_BLOCKED);
  g_assert_cmpint (seen.last.threads[1].state, ==, THAW_STEPPER_DONE);
  g_assert_false (thaw_stepper_grant (signal_steps_get_stepper (steps), 0));

  before = g_get_monotonic_time ();
  signal_steps_free (steps);
  g_assert_cmpint (g_get_monotonic_time () - before, <, 5 * G_USEC_PER_SEC * work_test_time_scale ());
  work_test_wait_for_threads ("thaw-stepped", 0);
}

typedef struct
{
  GThread *main_thread;
  ThawStepTrialNews last;
  guint finished;
} TrialSeen;

static void
record_trial_news (const ThawStepTrialNews *news,
                   gpointer                 user_data)
{
  TrialSeen *seen = user_data;

  g_assert_true (g_thread_self () == seen->main_thread);
  seen->last = *news;
  seen->finished += news->finished;
}

static gboolean
trial_finished (gpointer data)
{
  return ((TrialSeen *) data)->finished > 0;
}

static guint
count_lost (SignalStepsWay way,
            guint          n_runs)
{
  TrialSeen seen = { g_thread_self () };
  g_autoptr(GError) error = NULL;
  g_autoptr(ThawStepTrial) trial = thaw_step_trial_start (n_runs, 11, signal_steps_run_random,
                                                          sizeof (SignalStepRun), GINT_TO_POINTER (way),
                                                          record_trial_news, &seen, &error);

  g_assert_no_error (error);
  work_test_iterate_until (trial_finished, &seen, 120);
  g_assert_cmpuint (seen.last.n_done, ==, n_runs);
  return seen.last.n_broken;
}

static void
test_steps_trial (void)
{
  guint no_flag = count_lost (SIGNAL_STEPS_NO_FLAG, 200);
  guint flag = count_lost (SIGNAL_STEPS_FLAG, 200);

  g_test_message ("lost wake-ups in 200 random schedules: %u without a flag, %u with one", no_flag, flag);
  g_assert_cmpuint (no_flag, >, 0);
  g_assert_cmpuint (no_flag, <, 200);
  g_assert_cmpuint (flag, ==, 0);
  work_test_wait_for_threads ("thaw-conductor", 0);
  work_test_wait_for_threads ("thaw-stepped", 0);
}


int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/work/signal/go", test_go);
  g_test_add_func ("/work/signal/let-one", test_let_one);
  g_test_add_func ("/work/signal/let-one-if", test_let_one_if);
  g_test_add_func ("/work/signal/stop-asleep", test_stop_asleep);
  g_test_add_func ("/work/signal/stop-working", test_stop_working);
  g_test_add_func ("/work/signal/free", test_free);
  g_test_add_func ("/work/signal/steps/lost", test_steps_lost);
  g_test_add_func ("/work/signal/steps/heard", test_steps_heard);
  g_test_add_func ("/work/signal/steps/flag", test_steps_flag);
  g_test_add_func ("/work/signal/steps/page", test_steps_page);
  g_test_add_func ("/work/signal/steps/trial", test_steps_trial);

  return g_test_run ();
}
