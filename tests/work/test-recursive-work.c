/* test-recursive-work.c — recursive-work.c on a plain GMainLoop, no GTK
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TSan build runs this too: every hand-off between the worker and the
 * main thread in the lesson's own code is then checked.
 *
 *   rec-mutex           the walk with a GRecMutex reads every folder, adds
 *                       up the exact size, and holds the lock exactly as
 *                       many times at once as the tree has levels, back to
 *                       zero at the end; deliveries on the main thread, in
 *                       order, the last one once; the thread is joined
 *   coalesced           a main loop that looks only after the worker ended
 *                       gets one delivery, with the final figures
 *   plain-mutex         the error-checking mutex answers its owner's second
 *                       lock with EDEADLK, and its timed lock too, at once;
 *                       the lock was held once, never twice
 *   stop                Stop ends a walk early, every level unlocked, and
 *                       ends the plain try before level 2 asks
 *   free-while-running  freeing the walk joins its thread, and a delivery
 *                       already scheduled calls nobody
 *
 * Stepped (recursive-steps.c), the learner as the scheduler:
 *   steps/self-deadlock   with a plain mutex, A takes the lock, then asks
 *                         for it again: A blocks, for real, on the lock it
 *                         holds itself; B, when it tries, blocks behind it;
 *                         both blocked for good is reported as a deadlock,
 *                         whichever deposit goes first
 *   steps/recursive       the same schedule with a recursive mutex: A's
 *                         second lock goes through, the count is 2, and B,
 *                         stepping in between, waits until A has unlocked
 *                         twice; both deposits go through
 *   steps/page            the self-deadlock through the page's calls, news
 *                         on the main loop: announced while B may still
 *                         move, a deadlock once B blocks too; freeing the
 *                         run ends both blocked threads at once
 *   steps/trial           random schedules: with a plain mutex every one
 *                         deadlocks, with a recursive mutex none does
 */

#include "config.h"

#include <errno.h>

#include "recursive-steps.h"
#include "recursive-work.h"
#include "thaw-step-trial.h"
#include "work-test-util.h"

#define THREAD "thaw-walk"

/* A folder read in a tenth of a millisecond: a tree of 9 levels (511
 * folders) is walked in about a tenth of a second. */
#define QUICK_READ_US 100

typedef struct
{
  GThread *main_thread;
  guint deliveries;
  guint finished;
  gboolean in_order;
  RecursiveProgress last;
} Progress;

static void
record (const RecursiveProgress *progress,
        gpointer                 user_data)
{
  Progress *p = user_data;

  g_assert_true (g_thread_self () == p->main_thread);
  g_assert_cmpuint (p->finished, ==, 0);   /* nothing after the last */
  if (p->deliveries > 0 && (progress->visited < p->last.visited || progress->deepest < p->last.deepest))
    p->in_order = FALSE;
  g_assert_cmpuint (progress->lock_count, <=, progress->deepest);
  g_assert_cmpuint (progress->visited, <=, progress->n_folders);
  p->deliveries++;
  p->last = *progress;
  if (progress->finished)
    p->finished++;
}

static void
progress_init (Progress *p)
{
  *p = (Progress) { .main_thread = g_thread_self (), .in_order = TRUE };
}

static gboolean
is_finished (gpointer data)
{
  return ((Progress *) data)->finished > 0;
}

static gboolean
has_news (gpointer data)
{
  return ((Progress *) data)->deliveries > 0;
}

static void
test_rec_mutex (void)
{
  /* The sizes of all the folders of each tree, added up apart from Thaw by
   * a line of Python with the same hash. */
  const struct { guint levels; guint folders; guint total_kib; } trees[] = {
    { 2, 3, 124 },
    { 5, 31, 12443 },
    { 9, 511, 253768 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (trees); i++)
    {
      Progress progress;
      g_autoptr(RecursiveWork) work = NULL;
      g_autoptr(GError) error = NULL;
      guint threads_before = work_test_count_threads (THREAD);

      progress_init (&progress);
      work = recursive_work_start (RECURSIVE_REC_MUTEX, trees[i].levels, QUICK_READ_US,
                                   record, &progress, &error);
      g_assert_no_error (error);
      g_assert_nonnull (work);

      work_test_iterate_until (is_finished, &progress, 30);
      g_test_message ("%u levels: %u deliveries for %u folders",
                      trees[i].levels, progress.deliveries, progress.last.visited);

      g_assert_cmpuint (progress.finished, ==, 1);
      g_assert_true (progress.in_order);
      g_assert_false (progress.last.stopped);
      g_assert_cmpuint (progress.last.n_folders, ==, trees[i].folders);
      g_assert_cmpuint (progress.last.visited, ==, trees[i].folders);
      g_assert_cmpuint (progress.last.total_kib, ==, trees[i].total_kib);
      /* Once per level at the bottom, never more; each lock had its unlock. */
      g_assert_cmpuint (progress.last.deepest, ==, trees[i].levels);
      g_assert_cmpuint (progress.last.lock_count, ==, 0);
      g_assert_cmpint (progress.last.second_lock, ==, RECURSIVE_NOT_ASKED);
      /* Joined by the last delivery, before it called back. */
      work_test_wait_for_threads (THREAD, threads_before);

      /* Nothing more arrives, and a Stop now is for nobody. */
      recursive_work_stop (work);
      work_test_iterate_for (0.05);
      g_assert_cmpuint (progress.finished, ==, 1);
    }
}

/* However often the worker publishes, at most one delivery waits. */
static void
test_coalesced (void)
{
  Progress progress;
  g_autoptr(RecursiveWork) work = NULL;
  guint threads_before = work_test_count_threads (THREAD);

  progress_init (&progress);
  work = recursive_work_start (RECURSIVE_REC_MUTEX, 5, QUICK_READ_US, record, &progress, NULL);
  g_assert_nonnull (work);

  /* The main loop looks away until the worker has said its last word,
   * having published 32 times. */
  while (!recursive_work_has_finished (work))
    g_usleep (1000);
  g_assert_cmpuint (progress.deliveries, ==, 0);

  work_test_iterate_until (is_finished, &progress, 10);
  work_test_iterate_for (0.05);
  g_assert_cmpuint (progress.deliveries, ==, 1);
  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_cmpuint (progress.last.visited, ==, 31);
  g_assert_cmpuint (progress.last.total_kib, ==, 12443);
  g_assert_cmpuint (progress.last.lock_count, ==, 0);
  work_test_wait_for_threads (THREAD, threads_before);
}

static void
test_plain_mutex (void)
{
  Progress progress;
  g_autoptr(RecursiveWork) work = NULL;
  guint threads_before = work_test_count_threads (THREAD);
  gint64 started = g_get_monotonic_time ();
  double seconds;

  progress_init (&progress);
  /* Level 1 holds the mutex for 50 ms before level 2 asks. */
  work = recursive_work_start (RECURSIVE_PLAIN_MUTEX, RECURSIVE_DEFAULT_LEVELS, 50 * 1000,
                               record, &progress, NULL);
  g_assert_nonnull (work);

  work_test_iterate_until (is_finished, &progress, 10);
  seconds = (double) (g_get_monotonic_time () - started) / G_USEC_PER_SEC;
  g_test_message ("%u deliveries; the timed lock answered after %.3f ms; %.3f s in all",
                  progress.deliveries, progress.last.timed_lock_us / 1000.0, seconds);

  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_false (progress.last.stopped);
  /* The owner asked again: refused, not put to sleep. */
  g_assert_cmpint (progress.last.second_lock, ==, EDEADLK);
  g_assert_cmpint (progress.last.timed_lock, ==, EDEADLK);
  /* The timed lock would have waited a second for another thread; to its
   * owner it said no without waiting. */
  g_assert_cmpint (progress.last.timed_lock_us, <, 500 * 1000 * work_test_time_scale ());
  /* A plain mutex does not count: held once, and let go. */
  g_assert_cmpuint (progress.last.deepest, ==, 1);
  g_assert_cmpuint (progress.last.lock_count, ==, 0);
  g_assert_cmpuint (progress.last.visited, ==, 1);
  g_assert_cmpuint (progress.last.total_kib, ==, 0);
  g_assert_cmpfloat (seconds, >=, 0.05);
  work_test_wait_for_threads (THREAD, threads_before);
}

static void
test_stop (void)
{
  const RecursiveKind kinds[] = { RECURSIVE_REC_MUTEX, RECURSIVE_PLAIN_MUTEX };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      Progress progress;
      g_autoptr(RecursiveWork) work = NULL;
      guint threads_before = work_test_count_threads (THREAD);
      gint64 stopped_at;

      progress_init (&progress);
      /* Seconds of work: 4095 folders of a millisecond each, or ten
       * seconds of level 1 holding the plain mutex. */
      work = recursive_work_start (kinds[i], RECURSIVE_MAX_LEVELS,
                                   kinds[i] == RECURSIVE_REC_MUTEX ? 1000 : 10 * G_USEC_PER_SEC,
                                   record, &progress, NULL);
      g_assert_nonnull (work);
      work_test_iterate_until (has_news, &progress, 10);

      stopped_at = g_get_monotonic_time ();
      recursive_work_stop (work);
      work_test_iterate_until (is_finished, &progress, 2);
      g_test_message ("stopped after %u folders, at a depth of %u; the last news %.1f ms after the Stop",
                      progress.last.visited, progress.last.deepest,
                      (g_get_monotonic_time () - stopped_at) / 1000.0);

      g_assert_cmpuint (progress.finished, ==, 1);
      g_assert_true (progress.last.stopped);
      g_assert_cmpuint (progress.last.visited, >, 0);
      g_assert_cmpuint (progress.last.visited, <, progress.last.n_folders);
      g_assert_cmpuint (progress.last.deepest, >=, 1);
      /* Every level unlocked on the way out. */
      g_assert_cmpuint (progress.last.lock_count, ==, 0);
      g_assert_cmpuint (progress.last.total_kib, ==, 0);
      g_assert_cmpint (progress.last.second_lock, ==, RECURSIVE_NOT_ASKED);
      g_assert_cmpint (progress.last.timed_lock, ==, RECURSIVE_NOT_ASKED);
      work_test_wait_for_threads (THREAD, threads_before);
    }
}

static void
test_free_while_running (void)
{
  Progress progress;
  RecursiveWork *work;
  guint threads_before = work_test_count_threads (THREAD);

  progress_init (&progress);
  work = recursive_work_start (RECURSIVE_REC_MUTEX, RECURSIVE_MAX_LEVELS, 1000,
                               record, &progress, NULL);
  g_assert_nonnull (work);
  /* Let it publish figures that the main loop has not delivered yet. */
  g_usleep (50 * 1000);

  recursive_work_free (work);
  /* Joined: the thread is gone when free returns (give /proc a moment). */
  work_test_wait_for_threads (THREAD, threads_before);

  /* The scheduled delivery, if any, runs into nothing. */
  work_test_iterate_for (0.2);
  g_assert_cmpuint (progress.deliveries, ==, 0);
}

/* ---- stepped ----------------------------------------------------------- */

#define STEPPED "thaw-stepped"

static void
assert_event (const RecursiveStepEvent *event,
              guint                     thread,
              RecursiveEventKind        kind,
              int                       number)
{
  g_assert_cmpuint (event->thread, ==, thread);
  g_assert_cmpint (event->kind, ==, kind);
  switch (kind)
    {
    case RECURSIVE_EVENT_LOCKED:
    case RECURSIVE_EVENT_UNLOCKED:
      g_assert_cmpuint (event->count, ==, number);
      break;
    case RECURSIVE_EVENT_WAITS:
      g_assert_cmpint (event->holder, ==, number);
      break;
    case RECURSIVE_EVENT_LOGGED:
    case RECURSIVE_EVENT_DEPOSITED:
    default:
      g_assert_cmpint (event->balance, ==, number);
      break;
    }
}

/* A takes the lock, A asks again, B asks. */
static const guint twice_then_b[] = { 0, 0, 1 };

static void
test_steps_self_deadlock (void)
{
  for (guint first = 0; first < RECURSIVE_STEP_THREADS; first++)
    {
      const guint schedule[] = { first, first, 1 - first };
      RecursiveStepRun run;
      g_autoptr(GError) error = NULL;
      gint64 started = g_get_monotonic_time ();

      g_assert_true (recursive_steps_run_schedule (RECURSIVE_STEPS_PLAIN, schedule, G_N_ELEMENTS (schedule),
                                                   NULL, &run, &error));
      g_assert_no_error (error);
      g_test_message ("%c first: deadlock found and both threads ended in %.1f ms", 'A' + first,
                      (g_get_monotonic_time () - started) / 1000.0);
      g_assert_true (run.deadlocked);
      g_assert_cmpuint (run.n_events, ==, 3);
      assert_event (&run.events[0], first, RECURSIVE_EVENT_LOCKED, 1);
      /* It holds the lock, and waits for it: for itself. */
      assert_event (&run.events[1], first, RECURSIVE_EVENT_WAITS, first);
      assert_event (&run.events[2], 1 - first, RECURSIVE_EVENT_WAITS, first);
      /* A plain mutex never counts past one; no money moved. */
      g_assert_cmpuint (run.deepest, ==, 1);
      g_assert_cmpint (run.twice_waiter, ==, RECURSIVE_STEP_NOBODY);
      g_assert_cmpint (run.balance, ==, RECURSIVE_STEP_OPENING_BALANCE);
      g_assert_cmpuint (run.schedule.n_steps, ==, 3);
      work_test_wait_for_threads (STEPPED, 0);
    }
}

static void
test_steps_recursive (void)
{
  RecursiveStepRun run;
  guint b_locked = 0;

  g_assert_true (recursive_steps_run_schedule (RECURSIVE_STEPS_RECURSIVE, twice_then_b,
                                               G_N_ELEMENTS (twice_then_b), NULL, &run, NULL));
  g_assert_false (run.deadlocked);
  assert_event (&run.events[0], 0, RECURSIVE_EVENT_LOCKED, 1);
  assert_event (&run.events[1], 0, RECURSIVE_EVENT_LOCKED, 2);
  assert_event (&run.events[2], 1, RECURSIVE_EVENT_WAITS, 0);
  /* B is blocked: A alone goes on, as the first paused thread. */
  assert_event (&run.events[3], 0, RECURSIVE_EVENT_LOGGED, RECURSIVE_STEP_OPENING_BALANCE);
  assert_event (&run.events[4], 0, RECURSIVE_EVENT_UNLOCKED, 1);
  assert_event (&run.events[5], 0, RECURSIVE_EVENT_DEPOSITED, RECURSIVE_STEP_OPENING_BALANCE + RECURSIVE_STEP_AMOUNT);
  assert_event (&run.events[6], 0, RECURSIVE_EVENT_UNLOCKED, 0);
  /* Only then, the count back to zero, B gets the lock. */
  assert_event (&run.events[7], 1, RECURSIVE_EVENT_LOCKED, 1);
  for (guint i = 0; i < run.n_events; i++)
    b_locked += run.events[i].thread == 1 && run.events[i].kind == RECURSIVE_EVENT_LOCKED;
  g_assert_cmpuint (b_locked, ==, 2);
  g_assert_cmpuint (run.n_events, ==, 13);
  assert_event (&run.events[12], 1, RECURSIVE_EVENT_UNLOCKED, 0);
  g_assert_cmpuint (run.deepest, ==, 2);
  g_assert_cmpint (run.twice_waiter, ==, 1);
  g_assert_cmpint (run.balance, ==, RECURSIVE_STEP_OPENING_BALANCE + 2 * RECURSIVE_STEP_AMOUNT);
  work_test_wait_for_threads (STEPPED, 0);
}

typedef struct
{
  GThread *main_thread;
  RecursiveStepsNews last;
  guint n_events;              /* what settled() waits for */
} StepsSeen;

static void
record_steps_news (const RecursiveStepsNews *news,
                   gpointer                  user_data)
{
  StepsSeen *seen = user_data;

  g_assert_true (g_thread_self () == seen->main_thread);
  seen->last = *news;
}

/* Both deposits paused, blocked or done, with @n_events in the log. */
static gboolean
settled (gpointer data)
{
  StepsSeen *seen = data;

  if (seen->last.n_events != seen->n_events)
    return FALSE;
  for (guint i = 0; i < RECURSIVE_STEP_THREADS; i++)
    if (seen->last.threads[i].state == THAW_STEPPER_STARTING || seen->last.threads[i].state == THAW_STEPPER_RUNNING)
      return FALSE;
  return TRUE;
}

static void
test_steps_page (void)
{
  StepsSeen seen = { g_thread_self () };
  g_autoptr(GError) error = NULL;
  RecursiveSteps *steps = recursive_steps_start (RECURSIVE_STEPS_PLAIN, record_steps_news, &seen, &error);
  ThawStepper *stepper;
  gint64 before;

  g_assert_no_error (error);
  stepper = recursive_steps_get_stepper (steps);
  work_test_iterate_until (settled, &seen, 10);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (thaw_stepper_grant (stepper, 0));
      seen.n_events = i + 1;
      work_test_iterate_until (settled, &seen, 10);
    }

  /* A waits for itself, and never moves again; B still can. */
  g_assert_true (seen.last.self_deadlocked);
  g_assert_false (seen.last.deadlocked);
  g_assert_cmpint (seen.last.holder, ==, 0);
  g_assert_cmpuint (seen.last.count, ==, 1);
  g_assert_true (seen.last.waits[0]);
  g_assert_false (seen.last.waits[1]);
  g_assert_cmpint (seen.last.threads[0].state, ==, THAW_STEPPER_BLOCKED);
  g_assert_cmpint (seen.last.threads[0].step, ==, RECURSIVE_STEP_LOCK_AGAIN);
  g_assert_cmpint (seen.last.threads[1].state, ==, THAW_STEPPER_PAUSED);
  g_assert_false (thaw_stepper_grant (stepper, 0));

  g_assert_true (thaw_stepper_grant (stepper, 1));
  seen.n_events = 3;
  work_test_iterate_until (settled, &seen, 10);
  g_assert_true (seen.last.deadlocked);
  g_assert_false (seen.last.finished);
  g_assert_true (seen.last.waits[1]);
  g_assert_cmpint (seen.last.threads[1].state, ==, THAW_STEPPER_BLOCKED);
  g_assert_cmpint (seen.last.balance, ==, RECURSIVE_STEP_OPENING_BALANCE);

  /* Starting over ends the wait: both give up within a slice. */
  before = g_get_monotonic_time ();
  recursive_steps_free (steps);
  g_test_message ("freed the deadlocked run in %.1f ms", (g_get_monotonic_time () - before) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - before, <, G_USEC_PER_SEC * work_test_time_scale ());
  work_test_wait_for_threads (STEPPED, 0);
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
    seen->first_deadlocked = ((const RecursiveStepRun *) news->first_broken)->deadlocked;
  seen->finished += news->finished;
}

static gboolean
trial_finished (gpointer data)
{
  return ((TrialSeen *) data)->finished > 0;
}

static guint
count_deadlocks (RecursiveStepsMutex mutex,
                 guint               n_runs)
{
  TrialSeen seen = { g_thread_self () };
  g_autoptr(GError) error = NULL;
  g_autoptr(ThawStepTrial) trial = NULL;
  gint64 started = g_get_monotonic_time ();

  trial = thaw_step_trial_start (n_runs, 7, recursive_steps_run_random, sizeof (RecursiveStepRun),
                                 GINT_TO_POINTER (mutex), record_trial_news, &seen, &error);
  g_assert_no_error (error);
  work_test_iterate_until (trial_finished, &seen, 120);
  g_test_message ("%u runs with the %s mutex in %.2f s", n_runs,
                  mutex == RECURSIVE_STEPS_RECURSIVE ? "recursive" : "plain",
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
  g_assert_cmpuint (seen.finished, ==, 1);
  g_assert_false (seen.last.failed);
  g_assert_cmpuint (seen.last.n_done, ==, n_runs);
  if (seen.last.n_broken > 0)
    g_assert_true (seen.first_deadlocked);
  return seen.last.n_broken;
}

static void
test_steps_trial (void)
{
  guint plain = count_deadlocks (RECURSIVE_STEPS_PLAIN, 200);
  guint recursive = count_deadlocks (RECURSIVE_STEPS_RECURSIVE, 200);

  g_test_message ("deadlocks in 200 random schedules: %u with a plain mutex, %u with a recursive one",
                  plain, recursive);
  /* Whoever locks first asks again: no schedule escapes. */
  g_assert_cmpuint (plain, ==, 200);
  g_assert_cmpuint (recursive, ==, 0);
  work_test_wait_for_threads ("thaw-conductor", 0);
  work_test_wait_for_threads (STEPPED, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/work/recursive/rec-mutex", test_rec_mutex);
  g_test_add_func ("/work/recursive/coalesced", test_coalesced);
  g_test_add_func ("/work/recursive/plain-mutex", test_plain_mutex);
  g_test_add_func ("/work/recursive/stop", test_stop);
  g_test_add_func ("/work/recursive/free-while-running", test_free_while_running);
  g_test_add_func ("/work/recursive/steps/self-deadlock", test_steps_self_deadlock);
  g_test_add_func ("/work/recursive/steps/recursive", test_steps_recursive);
  g_test_add_func ("/work/recursive/steps/page", test_steps_page);
  g_test_add_func ("/work/recursive/steps/trial", test_steps_trial);

  return g_test_run ();
}
