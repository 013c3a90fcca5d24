/* test-stepper.c — ThawStepper, the learner as the scheduler
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real threads, each taking three actions behind three step points, and
 * writing down each action in a shared log (under a GMutex of their own).
 * The TSan build runs this too: the test's lock is a thaw_mutex_lock(),
 * which TSan sees.
 *
 *   order       the actions happen in exactly the order the steps are
 *               granted, one at a time, and a thread not granted a step
 *               takes none; grant refuses a thread that is not paused
 *   early       a step given to a thread still starting is taken at its
 *               first step point, without a pause
 *   run-thread  one thread runs to its end while the other stays paused,
 *               and its steps are in the schedule
 *   run-free    a stepper made with stepping off never pauses anybody
 *   cancel      paused threads leave their loops at once and are joined
 *   changed     the callback comes on the thread itself, once per pause
 *               and once at its end
 */

#include "config.h"

#include "thaw-stepper.h"
#include "thaw-tsan.h"

#define N_THREADS 2
#define N_ACTIONS 3
#define SETTLE_US (10 * G_USEC_PER_SEC)

typedef struct
{
  ThawStepper *stepper;
  GMutex lock;
  guint log[N_THREADS * N_ACTIONS];   /* thread * 10 + action */
  guint n_logged;
  GThread *threads[N_THREADS];
  GThread *self_of[N_THREADS];       /* each thread's GThread, set by itself */
  guint changes[N_THREADS];          /* "changed" calls per thread */
  gboolean wrong_thread;             /* a "changed" call on another thread */
  gboolean left_early[N_THREADS];
} Fixture;

typedef struct
{
  Fixture *fixture;
  guint me;
} Worker;

static void
on_changed (ThawStepper *stepper,
            guint        thread,
            gpointer     user_data)
{
  Fixture *fixture = user_data;

  thaw_mutex_lock (&fixture->lock);
  fixture->changes[thread]++;
  if (fixture->self_of[thread] != g_thread_self ())
    fixture->wrong_thread = TRUE;
  thaw_mutex_unlock (&fixture->lock);
}

static gpointer
worker_main (gpointer data)
{
  Worker *worker = data;
  Fixture *fixture = worker->fixture;

  thaw_mutex_lock (&fixture->lock);
  fixture->self_of[worker->me] = g_thread_self ();
  thaw_mutex_unlock (&fixture->lock);

  for (guint action = 0; action < N_ACTIONS; action++)
    {
      if (!thaw_step (fixture->stepper, worker->me, action))
        {
          fixture->left_early[worker->me] = TRUE;
          break;
        }
      thaw_mutex_lock (&fixture->lock);
      fixture->log[fixture->n_logged++] = worker->me * 10 + action;
      thaw_mutex_unlock (&fixture->lock);
    }
  thaw_stepper_finish (fixture->stepper, worker->me);
  g_free (worker);

  return NULL;
}

static void
start (Fixture  *fixture,
       gboolean  stepping)
{
  memset (fixture, 0, sizeof *fixture);
  g_mutex_init (&fixture->lock);
  fixture->stepper = thaw_stepper_new (N_THREADS, stepping, on_changed, fixture);
  /* self_of is set by each thread before its first step point, under the
   * lock, so on_changed always finds it. */
  for (guint i = 0; i < N_THREADS; i++)
    {
      Worker *worker = g_new0 (Worker, 1);

      *worker = (Worker) { fixture, i };
      fixture->threads[i] = g_thread_new ("stepped", worker_main, worker);
    }
}

static void
finish (Fixture *fixture)
{
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (fixture->threads[i]);
  g_clear_pointer (&fixture->stepper, thaw_stepper_free);
  g_mutex_clear (&fixture->lock);
}

static guint
n_logged (Fixture *fixture)
{
  guint n;

  thaw_mutex_lock (&fixture->lock);
  n = fixture->n_logged;
  thaw_mutex_unlock (&fixture->lock);

  return n;
}

static void
step (Fixture *fixture,
      guint    thread)
{
  g_assert_true (thaw_stepper_grant (fixture->stepper, thread));
  g_assert_true (thaw_stepper_wait_settled (fixture->stepper, thread, g_get_monotonic_time () + SETTLE_US));
}

static void
wait_all_paused (Fixture *fixture)
{
  for (guint i = 0; i < N_THREADS; i++)
    g_assert_true (thaw_stepper_wait_settled (fixture->stepper, i, g_get_monotonic_time () + SETTLE_US));
}

static void
test_order (void)
{
  /* A schedule, and the log it must give. */
  static const guint schedule[] = { 1, 0, 0, 1, 1, 0 };
  static const guint expected[] = { 10, 0, 1, 11, 12, 2 };
  Fixture fixture;
  ThawStepperThread threads[N_THREADS];

  start (&fixture, TRUE);
  wait_all_paused (&fixture);
  g_assert_cmpuint (n_logged (&fixture), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (schedule); i++)
    {
      /* A thread's last step takes it past its last action, to its end. */
      step (&fixture, schedule[i]);
      g_assert_cmpuint (n_logged (&fixture), ==, i + 1);
      /* Give the thread not granted a moment: it must not move. */
      g_usleep (2000);
      g_assert_cmpuint (n_logged (&fixture), ==, i + 1);
      if (i == 2)
        {
          thaw_stepper_get_threads (fixture.stepper, threads);
          g_assert_cmpint (threads[0].state, ==, THAW_STEPPER_PAUSED);
          g_assert_cmpuint (threads[0].step, ==, 2);
          g_assert_cmpuint (threads[0].n_taken, ==, 2);
          g_assert_cmpint (threads[1].state, ==, THAW_STEPPER_PAUSED);
          g_assert_cmpuint (threads[1].step, ==, 1);
        }
    }
  g_assert_cmpmem (fixture.log, sizeof fixture.log, expected, sizeof expected);
  /* The stepper wrote the same schedule down. */
  {
    ThawStepSchedule taken;

    thaw_stepper_get_schedule (fixture.stepper, &taken);
    g_assert_cmpuint (taken.n_steps, ==, G_N_ELEMENTS (schedule));
    for (guint i = 0; i < taken.n_steps; i++)
      g_assert_cmpuint (taken.threads[i], ==, schedule[i]);
  }

  thaw_stepper_get_threads (fixture.stepper, threads);
  for (guint i = 0; i < N_THREADS; i++)
    {
      g_assert_cmpint (threads[i].state, ==, THAW_STEPPER_DONE);
      g_assert_false (thaw_stepper_grant (fixture.stepper, i));
      g_assert_false (fixture.left_early[i]);
    }
  finish (&fixture);
}

static void
test_early (void)
{
  Fixture fixture;
  ThawStepperThread threads[N_THREADS];

  start (&fixture, TRUE);
  /* Whether or not thread 0 has reached its first step point yet, the
   * step is its to take. */
  g_assert_true (thaw_stepper_grant (fixture.stepper, 0));
  g_assert_true (thaw_stepper_wait_settled (fixture.stepper, 0, g_get_monotonic_time () + SETTLE_US));
  wait_all_paused (&fixture);
  g_assert_cmpuint (n_logged (&fixture), ==, 1);
  g_assert_cmpuint (fixture.log[0], ==, 0);
  thaw_stepper_get_threads (fixture.stepper, threads);
  g_assert_cmpint (threads[0].state, ==, THAW_STEPPER_PAUSED);
  g_assert_cmpuint (threads[0].step, ==, 1);
  g_assert_cmpuint (threads[0].n_taken, ==, 1);

  thaw_stepper_run_all (fixture.stepper);
  finish (&fixture);
}

static void
test_run_thread (void)
{
  Fixture fixture;
  ThawStepperThread threads[N_THREADS];

  start (&fixture, TRUE);
  wait_all_paused (&fixture);
  thaw_stepper_run_thread (fixture.stepper, 1);
  g_assert_true (thaw_stepper_wait_settled (fixture.stepper, 1, g_get_monotonic_time () + SETTLE_US));

  thaw_stepper_get_threads (fixture.stepper, threads);
  g_assert_cmpint (threads[1].state, ==, THAW_STEPPER_DONE);
  g_assert_true (threads[1].free);
  g_assert_cmpint (threads[0].state, ==, THAW_STEPPER_PAUSED);
  g_assert_false (threads[0].free);
  g_assert_cmpuint (n_logged (&fixture), ==, N_ACTIONS);
  for (guint i = 0; i < N_ACTIONS; i++)
    g_assert_cmpuint (fixture.log[i], ==, 10 + i);
  /* Run on its own, it is still written into the schedule, step by step:
   * a replay gives it the same steps. */
  {
    ThawStepSchedule taken;

    thaw_stepper_get_schedule (fixture.stepper, &taken);
    g_assert_cmpuint (taken.n_steps, ==, N_ACTIONS);
    for (guint i = 0; i < N_ACTIONS; i++)
      g_assert_cmpuint (taken.threads[i], ==, 1);
  }

  thaw_stepper_run_all (fixture.stepper);
  finish (&fixture);
  g_assert_cmpuint (fixture.n_logged, ==, N_THREADS * N_ACTIONS);
}

static void
test_run_free (void)
{
  Fixture fixture;
  ThawStepperThread threads[N_THREADS];

  start (&fixture, FALSE);
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (fixture.threads[i]);
  g_assert_cmpuint (fixture.n_logged, ==, N_THREADS * N_ACTIONS);
  thaw_stepper_get_threads (fixture.stepper, threads);
  for (guint i = 0; i < N_THREADS; i++)
    {
      g_assert_cmpint (threads[i].state, ==, THAW_STEPPER_DONE);
      g_assert_cmpuint (threads[i].n_taken, ==, 0);
      /* Only the end was news. */
      g_assert_cmpuint (fixture.changes[i], ==, 1);
    }
  thaw_stepper_free (fixture.stepper);
  g_mutex_clear (&fixture.lock);

  /* No stepper at all: every step point lets the thread through. */
  g_assert_true (thaw_step (NULL, 0, 0));
}

static void
test_cancel (void)
{
  Fixture fixture;
  gint64 before;

  start (&fixture, TRUE);
  wait_all_paused (&fixture);
  step (&fixture, 0);

  before = g_get_monotonic_time ();
  thaw_stepper_cancel (fixture.stepper);
  finish (&fixture);
  /* Generous: the point is that nobody waits for a step that never comes. */
  g_assert_cmpint (g_get_monotonic_time () - before, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpuint (fixture.n_logged, ==, 1);
  for (guint i = 0; i < N_THREADS; i++)
    g_assert_true (fixture.left_early[i]);
}

static void
test_changed (void)
{
  Fixture fixture;

  start (&fixture, TRUE);
  wait_all_paused (&fixture);
  for (guint i = 0; i < N_ACTIONS; i++)
    step (&fixture, 0);
  thaw_stepper_run_all (fixture.stepper);
  finish (&fixture);

  g_assert_false (fixture.wrong_thread);
  /* Thread 0: a pause before each action, then its end. Thread 1: one
   * pause, then it ran free to its end. */
  g_assert_cmpuint (fixture.changes[0], ==, N_ACTIONS + 1);
  g_assert_cmpuint (fixture.changes[1], ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/thaw/stepper/order", test_order);
  g_test_add_func ("/thaw/stepper/early", test_early);
  g_test_add_func ("/thaw/stepper/run-thread", test_run_thread);
  g_test_add_func ("/thaw/stepper/run-free", test_run_free);
  g_test_add_func ("/thaw/stepper/cancel", test_cancel);
  g_test_add_func ("/thaw/stepper/changed", test_changed);

  return g_test_run ();
}
