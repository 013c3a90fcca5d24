/* test-deadlock-work.c — deadlock-work.c on a plain GMainLoop, no GTK
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TSan build runs this too: every hand-off between the three threads
 * and the main thread in the lesson's own code is then checked.
 *
 *   opposite            opposite lock orders with a delay deadlock: the
 *                       watchdog finds the cycle once, one thread backs off
 *                       once, both transfers go through and no money is
 *                       lost; news arrive on the main thread, the cycle is
 *                       shown, the last news once; every thread joined
 *   ordered             the same lock order never deadlocks, with or
 *                       without a delay, and the second thread waits
 *   stop                Stop while both hold their first lock ends the run
 *                       at once, with nothing moved
 *   free-while-running  freeing a deadlocked run joins every thread at once
 *                       and calls nobody afterwards
 *
 * Stepped (deadlock-steps.c), the learner as the scheduler:
 *   steps/deadlock      each transfer takes its first lock, then each tries
 *                       its second: both block, for real, on the lock the
 *                       other holds, and the cycle is reported
 *   steps/ordered       the same schedule with the same lock order: the
 *                       second transfer waits, then both go through, and
 *                       no money is lost
 *   steps/page          the deadlock through the page's calls, news on the
 *                       main loop; freeing the deadlocked run ends both
 *                       threads at once
 *   steps/trial         random schedules: opposite orders deadlock in some,
 *                       the same order in none
 */

#include "config.h"

#include <glib.h>

#include "deadlock-steps.h"
#include "deadlock-work.h"
#include "thaw-step-trial.h"
#include "work-test-util.h"

typedef struct
{
  GThread *main_thread;
  guint deliveries;
  guint finished;
  gboolean saw_cycle;
  gboolean both_held;       /* each transfer held its first lock at once */
  DeadlockNews last;
} Progress;

static void
record (const DeadlockNews *news,
        gpointer            user_data)
{
  Progress *progress = user_data;

  g_assert_true (g_thread_self () == progress->main_thread);
  g_assert_cmpuint (progress->finished, ==, 0);   /* nothing after the last */
  g_assert_cmpuint (news->transfers_done, <=, 2);
  progress->deliveries++;
  progress->last = *news;
  if (news->cycle[0] != DEADLOCK_NOBODY)
    progress->saw_cycle = TRUE;
  if (news->holder[0] == 0 && news->holder[1] == 1)
    progress->both_held = TRUE;
  if (news->finished)
    progress->finished++;
}

static gboolean
is_finished (gpointer data)
{
  return ((Progress *) data)->finished > 0;
}

static gboolean
both_held (gpointer data)
{
  return ((Progress *) data)->both_held;
}

static guint
count_threads (void)
{
  return work_test_count_threads ("thaw-transfer") + work_test_count_threads ("thaw-watchdog");
}

/* Every thread gone from /proc (a moment after it returns). */
static void
wait_for_threads (void)
{
  work_test_wait_for_threads ("thaw-transfer", 0);
  work_test_wait_for_threads ("thaw-watchdog", 0);
}

static DeadlockWork *
start (Progress      *progress,
       DeadlockOrder  order,
       guint          delay_ms)
{
  g_autoptr(ThawTimeline) timeline = thaw_timeline_new (0);
  g_autoptr(GError) error = NULL;
  DeadlockWork *work;

  thaw_timeline_add_lane (timeline, "transfer 1→2");
  thaw_timeline_add_lane (timeline, "transfer 2→1");
  thaw_timeline_add_lane (timeline, "watchdog");
  *progress = (Progress) { .main_thread = g_thread_self () };
  work = deadlock_work_start (order, delay_ms, timeline, record, progress, &error);
  g_assert_no_error (error);
  g_assert_nonnull (work);

  return work;
}

static void
assert_all_done (Progress *progress)
{
  g_assert_cmpuint (progress->finished, ==, 1);
  g_assert_false (progress->last.stopped);
  g_assert_cmpuint (progress->last.transfers_done, ==, 2);
  g_assert_true (progress->last.done[0] && progress->last.done[1]);
  /* Each transfer moved money under both locks: none appeared or vanished. */
  g_assert_cmpint (progress->last.total_money, ==, 2 * DEADLOCK_OPENING_BALANCE);
}

static void
test_opposite (void)
{
  Progress progress;
  g_autoptr(DeadlockWork) work = NULL;

  g_assert_cmpuint (count_threads (), ==, 0);
  /* 100 ms is plenty for both to take their first lock, even under TSan;
   * the watchdog looks after 500 ms. */
  work = start (&progress, DEADLOCK_OPPOSITE, 100);
  work_test_iterate_until (is_finished, &progress, 10);
  g_test_message ("%u deliveries, found after %.1f ms, broken %.1f ms after forming, run %.0f ms",
                  progress.deliveries, progress.last.detect_ms, progress.last.recover_ms,
                  progress.last.run_ms);

  assert_all_done (&progress);
  g_assert_true (progress.both_held);
  g_assert_true (progress.saw_cycle);
  g_assert_cmpuint (progress.last.deadlocks, ==, 1);
  g_assert_cmpuint (progress.last.backoffs, ==, 1);
  g_assert_cmpint (progress.last.cycle[0], !=, DEADLOCK_NOBODY);
  g_assert_cmpint (progress.last.cycle[1], !=, DEADLOCK_NOBODY);
  /* The picture stays the cycle as the watchdog saw it. */
  g_assert_cmpint (progress.last.waits_for[0], ==, 1);
  g_assert_cmpint (progress.last.waits_for[1], ==, 0);
  g_assert_cmpfloat (progress.last.detect_ms, >=, 0);
  g_assert_cmpfloat (progress.last.detect_ms, <, 600 * work_test_time_scale ());
  g_assert_cmpfloat (progress.last.recover_ms, >=, progress.last.detect_ms);
  g_assert_cmpfloat (progress.last.run_ms, >=, 500);
  /* Joined by the last delivery, before it called back. */
  wait_for_threads ();

  /* Nothing comes after the last news. */
  work_test_iterate_for (0.1);
  g_assert_cmpuint (progress.finished, ==, 1);
}

static void
test_ordered (void)
{
  for (guint i = 0; i < 12; i++)
    {
      Progress progress;
      g_autoptr(DeadlockWork) work = NULL;
      /* Without a delay and with one: the second waits for the first. */
      guint delay_ms = i % 2 == 0 ? 0 : 20;

      work = start (&progress, DEADLOCK_ORDERED, delay_ms);
      work_test_iterate_until (is_finished, &progress, 10);

      assert_all_done (&progress);
      g_assert_false (progress.saw_cycle);
      g_assert_cmpuint (progress.last.deadlocks, ==, 0);
      g_assert_cmpuint (progress.last.backoffs, ==, 0);
      g_assert_cmpfloat (progress.last.run_ms, >=, 2 * delay_ms);
    }
  wait_for_threads ();
}

static void
test_stop (void)
{
  Progress progress;
  g_autoptr(DeadlockWork) work = NULL;
  gint64 stopped_at;

  work = start (&progress, DEADLOCK_OPPOSITE, DEADLOCK_MAX_DELAY_MS);
  work_test_iterate_until (both_held, &progress, 10);

  stopped_at = g_get_monotonic_time ();
  deadlock_work_stop (work);
  work_test_iterate_until (is_finished, &progress, 10);
  g_test_message ("stopped in %.1f ms", (g_get_monotonic_time () - stopped_at) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - stopped_at, <, G_USEC_PER_SEC * work_test_time_scale ());

  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_true (progress.last.stopped);
  g_assert_cmpuint (progress.last.transfers_done, ==, 0);
  g_assert_cmpint (progress.last.total_money, ==, 2 * DEADLOCK_OPENING_BALANCE);
  g_assert_cmpuint (progress.last.deadlocks, ==, 0);
  wait_for_threads ();
}

static void
test_free_while_running (void)
{
  Progress progress;
  DeadlockWork *work;
  guint deliveries;
  gint64 start_us;

  work = start (&progress, DEADLOCK_OPPOSITE, DEADLOCK_MAX_DELAY_MS);
  work_test_iterate_until (both_held, &progress, 10);
  /* A thread names itself as it starts: on a busy machine the watchdog
   * may not have yet. */
  work_test_wait_for_threads ("thaw-watchdog", 1);
  g_assert_cmpuint (count_threads (), ==, 3);

  start_us = g_get_monotonic_time ();
  deadlock_work_free (work);
  g_test_message ("freed in %.1f ms", (g_get_monotonic_time () - start_us) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - start_us, <, G_USEC_PER_SEC * work_test_time_scale ());
  wait_for_threads ();

  /* A delivery scheduled before the free calls nobody. */
  deliveries = progress.deliveries;
  work_test_iterate_for (0.2);
  g_assert_cmpuint (progress.deliveries, ==, deliveries);
  g_assert_cmpuint (progress.finished, ==, 0);
}

/* ---- stepped ----------------------------------------------------------- */

static void
assert_event (const DeadlockStepEvent *event,
              guint                    thread,
              DeadlockEventKind        kind,
              int                      account)
{
  g_assert_cmpuint (event->thread, ==, thread);
  g_assert_cmpint (event->kind, ==, kind);
  if (kind == DEADLOCK_EVENT_LOCKED || kind == DEADLOCK_EVENT_WAITS)
    g_assert_cmpint (event->account, ==, account);
}

/* 1→2 takes its first lock, 2→1 its first, 1→2 tries its second, 2→1 its
 * second. */
static const guint crossing[] = { 0, 1, 0, 1 };

static void
test_steps_deadlock (void)
{
  DeadlockStepRun run;
  g_autoptr(GError) error = NULL;

  g_assert_true (deadlock_steps_run_schedule (DEADLOCK_OPPOSITE, crossing, G_N_ELEMENTS (crossing), NULL,
                                              &run, &error));
  g_assert_no_error (error);
  g_assert_true (run.deadlocked);
  g_assert_cmpuint (run.n_events, ==, 4);
  assert_event (&run.events[0], 0, DEADLOCK_EVENT_LOCKED, 0);
  assert_event (&run.events[1], 1, DEADLOCK_EVENT_LOCKED, 1);
  assert_event (&run.events[2], 0, DEADLOCK_EVENT_WAITS, 1);
  assert_event (&run.events[3], 1, DEADLOCK_EVENT_WAITS, 0);
  work_test_wait_for_threads ("thaw-stepped", 0);
}

static void
test_steps_ordered (void)
{
  DeadlockStepRun run;
  guint moved = 0;

  g_assert_true (deadlock_steps_run_schedule (DEADLOCK_ORDERED, crossing, G_N_ELEMENTS (crossing), NULL,
                                              &run, NULL));
  g_assert_false (run.deadlocked);
  /* 2→1 wanted account 1 first too: it waits for it while 1→2 goes on. */
  assert_event (&run.events[0], 0, DEADLOCK_EVENT_LOCKED, 0);
  assert_event (&run.events[1], 1, DEADLOCK_EVENT_WAITS, 0);
  assert_event (&run.events[2], 0, DEADLOCK_EVENT_LOCKED, 1);
  for (guint i = 0; i < run.n_events; i++)
    moved += run.events[i].kind == DEADLOCK_EVENT_MOVED;
  g_assert_cmpuint (moved, ==, 2);
  g_assert_cmpint (run.events[run.n_events - 1].kind, ==, DEADLOCK_EVENT_UNLOCKED);
}

typedef struct
{
  GThread *main_thread;
  DeadlockStepsNews last;
} StepsSeen;

static void
record_steps_news (const DeadlockStepsNews *news,
                   gpointer                 user_data)
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

/* Both transfers paused, blocked or done, with @n_events in the log. */
static gboolean
settled (gpointer data)
{
  Settled *wait = data;
  const DeadlockStepsNews *news = &wait->seen->last;

  if (news->n_events != wait->n_events)
    return FALSE;
  for (guint i = 0; i < DEADLOCK_N_TRANSFERS; i++)
    if (news->threads[i].state == THAW_STEPPER_STARTING || news->threads[i].state == THAW_STEPPER_RUNNING)
      return FALSE;
  return TRUE;
}

static void
test_steps_page (void)
{
  StepsSeen seen = { g_thread_self () };
  g_autoptr(GError) error = NULL;
  DeadlockSteps *steps = deadlock_steps_start (DEADLOCK_OPPOSITE, record_steps_news, &seen, &error);
  Settled wait = { &seen, 0 };
  gint64 before;

  g_assert_no_error (error);
  work_test_iterate_until (settled, &wait, 10);
  for (guint i = 0; i < G_N_ELEMENTS (crossing); i++)
    {
      g_assert_true (thaw_stepper_grant (deadlock_steps_get_stepper (steps), crossing[i]));
      wait.n_events = i + 1;
      work_test_iterate_until (settled, &wait, 10);
    }

  g_assert_true (seen.last.deadlocked);
  g_assert_false (seen.last.finished);
  g_assert_cmpint (seen.last.holder[0], ==, 0);
  g_assert_cmpint (seen.last.holder[1], ==, 1);
  g_assert_cmpint (seen.last.waits_for[0], ==, 1);
  g_assert_cmpint (seen.last.waits_for[1], ==, 0);
  g_assert_cmpint (seen.last.threads[0].state, ==, THAW_STEPPER_BLOCKED);
  g_assert_cmpint (seen.last.threads[1].state, ==, THAW_STEPPER_BLOCKED);
  /* Neither can be given a step: they are not paused. */
  g_assert_false (thaw_stepper_grant (deadlock_steps_get_stepper (steps), 0));
  g_assert_cmpint (seen.last.balance[0] + seen.last.balance[1], ==, 2 * DEADLOCK_OPENING_BALANCE);

  /* Starting over ends the deadlock: both give up within a slice. */
  before = g_get_monotonic_time ();
  deadlock_steps_free (steps);
  g_assert_cmpint (g_get_monotonic_time () - before, <, 5 * G_USEC_PER_SEC * work_test_time_scale ());
  work_test_wait_for_threads ("thaw-stepped", 0);
}

typedef struct
{
  GThread *main_thread;
  ThawStepTrialNews last;
  gboolean first_deadlocked;   /* what the first broken run said of itself */
  guint finished;
} TrialSeen;

static void
record_trial_news (const ThawStepTrialNews *news,
                   gpointer                 user_data)
{
  TrialSeen *seen = user_data;

  g_assert_true (g_thread_self () == seen->main_thread);
  seen->last = *news;
  if (news->first_broken != NULL)
    seen->first_deadlocked = ((const DeadlockStepRun *) news->first_broken)->deadlocked;
  seen->finished += news->finished;
}

static gboolean
trial_finished (gpointer data)
{
  return ((TrialSeen *) data)->finished > 0;
}

static guint
count_deadlocks (DeadlockOrder order,
                 guint         n_runs)
{
  TrialSeen seen = { g_thread_self () };
  g_autoptr(GError) error = NULL;
  g_autoptr(ThawStepTrial) trial = thaw_step_trial_start (n_runs, 7, deadlock_steps_run_random,
                                                          sizeof (DeadlockStepRun), GINT_TO_POINTER (order),
                                                          record_trial_news, &seen, &error);

  g_assert_no_error (error);
  work_test_iterate_until (trial_finished, &seen, 120);
  g_assert_cmpuint (seen.finished, ==, 1);
  g_assert_cmpuint (seen.last.n_done, ==, n_runs);
  if (seen.last.n_broken > 0)
    g_assert_true (seen.first_deadlocked);
  return seen.last.n_broken;
}

static void
test_steps_trial (void)
{
  guint opposite = count_deadlocks (DEADLOCK_OPPOSITE, 200);
  guint ordered = count_deadlocks (DEADLOCK_ORDERED, 200);

  g_test_message ("deadlocks in 200 random schedules: %u with opposite orders, %u with the same order",
                  opposite, ordered);
  g_assert_cmpuint (opposite, >, 0);
  g_assert_cmpuint (opposite, <, 200);
  g_assert_cmpuint (ordered, ==, 0);
  work_test_wait_for_threads ("thaw-conductor", 0);
  work_test_wait_for_threads ("thaw-stepped", 0);
}


int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/work/deadlock/opposite", test_opposite);
  g_test_add_func ("/work/deadlock/ordered", test_ordered);
  g_test_add_func ("/work/deadlock/stop", test_stop);
  g_test_add_func ("/work/deadlock/free-while-running", test_free_while_running);
  g_test_add_func ("/work/deadlock/steps/deadlock", test_steps_deadlock);
  g_test_add_func ("/work/deadlock/steps/ordered", test_steps_ordered);
  g_test_add_func ("/work/deadlock/steps/page", test_steps_page);
  g_test_add_func ("/work/deadlock/steps/trial", test_steps_trial);

  return g_test_run ();
}
