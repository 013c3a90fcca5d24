/* test-timeout-work.c — timeout-work.c on a plain GMainLoop, no GTK
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TSan build runs this too: every hand-off between the job, its waiter
 * and the main thread in the lesson's own code is then checked.
 *
 *   before-the-timeout  a job shorter than the timeout: no timeout, every
 *                       step, the last news once, both threads joined
 *   timeout-no-answer   a timeout, and nobody answers: exactly one
 *                       timeout, and the job finishes all the same
 *   keep-waiting        each answer is one more timed wait; a question
 *                       already answered is never asked again
 *   stop                Stop after a timeout ends the job early, and both
 *                       threads are joined
 *   on-this-thread      the waits on the caller's thread: every timeout
 *                       and the end are told before it returns
 *   free-while-running  freeing the job joins both threads, and a delivery
 *                       already scheduled calls nobody
 */

#include "config.h"

#include "timeout-work.h"
#include "work-test-util.h"

#define WAITER "thaw-waiter"
#define JOB "thaw-slow-job"

/* A 0.3 s job takes 15 steps of 20 ms. */
#define SHORT_JOB 0.3
#define SHORT_STEPS 15u

typedef struct
{
  GThread *main_thread;
  TimeoutWork *work;        /* to answer with, if set */
  gboolean answer;          /* answer "keep waiting" whenever asked */
  guint deliveries;
  guint finished;
  guint steps_done;
  gboolean in_order;
  guint asked;              /* deliveries that asked */
  guint answers;
  guint timeouts_told;      /* timeouts counted as the news came */
  TimeoutProgress last;
  gboolean had_error;
} Record;

static void
record (const TimeoutProgress *progress,
        gpointer               user_data)
{
  Record *r = user_data;

  g_assert_true (g_thread_self () == r->main_thread);
  g_assert_cmpuint (r->finished, ==, 0);   /* nothing after the last */
  if (progress->steps_done < r->steps_done || progress->timeouts_hit < r->timeouts_told)
    r->in_order = FALSE;
  r->deliveries++;
  r->steps_done = progress->steps_done;
  r->timeouts_told = progress->timeouts_hit;
  g_assert_cmpuint (progress->steps_done, <=, progress->n_steps);

  if (progress->asking)
    {
      /* Asked once per timeout, only after it, and never once answered. */
      g_assert_cmpuint (progress->timeouts_hit, ==, r->answers + 1);
      g_assert_false (progress->finished);
      r->asked++;
      if (r->answer && r->work != NULL)
        {
          timeout_work_keep_waiting (r->work);
          r->answers++;
        }
    }

  if (progress->finished)
    {
      r->finished++;
      r->last = *progress;
      r->had_error = progress->error != NULL;
      r->last.error = NULL;
    }
}

static void
record_init (Record *r)
{
  *r = (Record) { .main_thread = g_thread_self (), .in_order = TRUE };
}

static gboolean
is_finished (gpointer data)
{
  return ((Record *) data)->finished > 0;
}

static gboolean
is_asked (gpointer data)
{
  return ((Record *) data)->asked > 0;
}

static void
assert_threads_joined (guint waiters,
                       guint jobs)
{
  work_test_wait_for_threads (WAITER, waiters);
  work_test_wait_for_threads (JOB, jobs);
}

/* Starts a job on its waiter, with the threads counted before. */
static TimeoutWork *
start (Record *r,
       double  job_seconds,
       double  timeout_seconds)
{
  g_autoptr(GError) error = NULL;
  TimeoutWork *work;

  record_init (r);
  work = timeout_work_start (job_seconds, timeout_seconds, record, r, &error);
  g_assert_no_error (error);
  g_assert_nonnull (work);
  r->work = work;

  return work;
}

static void
test_before_the_timeout (void)
{
  guint waiters = work_test_count_threads (WAITER), jobs = work_test_count_threads (JOB);
  Record r;
  g_autoptr(TimeoutWork) work = start (&r, SHORT_JOB, 1.0 * work_test_time_scale ());

  work_test_iterate_until (is_finished, &r, 10);
  g_test_message ("%u deliveries, the job took %.3f s", r.deliveries, r.last.job_s);

  g_assert_cmpuint (r.finished, ==, 1);
  g_assert_true (r.in_order);
  g_assert_false (r.had_error);
  g_assert_false (r.last.stopped);
  g_assert_cmpuint (r.last.n_steps, ==, SHORT_STEPS);
  g_assert_cmpuint (r.last.steps_done, ==, SHORT_STEPS);
  g_assert_cmpuint (r.last.timeouts_hit, ==, 0);
  g_assert_cmpfloat (r.last.first_timeout_s, ==, -1);
  g_assert_cmpuint (r.asked, ==, 0);
  g_assert_cmpfloat (r.last.job_s, >=, SHORT_JOB);
  /* Joined by the last delivery, before it called back. */
  assert_threads_joined (waiters, jobs);

  /* Nothing more arrives, and answers now are for nobody. */
  timeout_work_keep_waiting (work);
  timeout_work_stop (work);
  work_test_iterate_for (0.1);
  g_assert_cmpuint (r.finished, ==, 1);
}

static void
test_timeout_no_answer (void)
{
  guint waiters = work_test_count_threads (WAITER), jobs = work_test_count_threads (JOB);
  Record r;
  g_autoptr(TimeoutWork) work = start (&r, 0.4, 0.1);

  /* The question comes while the job still runs, with both threads alive. */
  work_test_iterate_until (is_asked, &r, 10);
  g_assert_cmpuint (r.finished, ==, 0);
  g_assert_cmpuint (work_test_count_threads (WAITER), ==, waiters + 1);
  g_assert_cmpuint (work_test_count_threads (JOB), ==, jobs + 1);

  work_test_iterate_until (is_finished, &r, 10);
  g_test_message ("first timeout after %.3f s, job done after %.3f s",
                  r.last.first_timeout_s, r.last.job_s);

  /* Nobody answered: one timeout, and the job finished anyway. */
  g_assert_cmpuint (r.last.timeouts_hit, ==, 1);
  g_assert_cmpuint (r.last.steps_done, ==, 20);
  g_assert_false (r.last.stopped);
  g_assert_false (r.last.asking);
  g_assert_cmpfloat (r.last.first_timeout_s, >=, 0.1);
  g_assert_cmpfloat (r.last.first_timeout_s, ==, r.last.last_timeout_s);
  g_assert_cmpfloat (r.last.first_timeout_s, <, r.last.job_s);
  g_assert_cmpfloat (r.last.job_s, >=, 0.4);
  assert_threads_joined (waiters, jobs);
}

static void
test_keep_waiting (void)
{
  guint waiters = work_test_count_threads (WAITER), jobs = work_test_count_threads (JOB);
  Record r;
  g_autoptr(TimeoutWork) work = start (&r, 0.5, 0.1);

  r.answer = TRUE;
  work_test_iterate_until (is_finished, &r, 10);
  g_test_message ("%u answers, %u timeouts", r.answers, r.last.timeouts_hit);

  /* Timeouts at about 0.1, 0.2, 0.3 and 0.4 s of a 0.5 s job, each after
   * an answer but the first; the last may come too close to the end to be
   * answered. */
  g_assert_cmpuint (r.last.steps_done, ==, 25);
  g_assert_cmpuint (r.answers, >=, 2);
  g_assert_cmpuint (r.asked, ==, r.answers);
  g_assert_cmpuint (r.last.timeouts_hit, >=, r.answers);
  g_assert_cmpuint (r.last.timeouts_hit, <=, r.answers + 1);
  g_assert_cmpfloat (r.last.last_timeout_s, >, r.last.first_timeout_s);
  assert_threads_joined (waiters, jobs);
}

static void
test_stop (void)
{
  guint waiters = work_test_count_threads (WAITER), jobs = work_test_count_threads (JOB);
  Record r;
  g_autoptr(TimeoutWork) work = start (&r, 10.0, 0.1);
  gint64 stopped_at;

  work_test_iterate_until (is_asked, &r, 10);
  stopped_at = g_get_monotonic_time ();
  timeout_work_stop (work);
  timeout_work_stop (work);
  work_test_iterate_until (is_finished, &r, 10);
  g_test_message ("stopped at step %u, over %.1f ms after the Stop",
                  r.last.steps_done, (g_get_monotonic_time () - stopped_at) / 1000.0);

  g_assert_true (r.last.stopped);
  g_assert_false (r.had_error);
  g_assert_cmpuint (r.last.n_steps, ==, 500);
  g_assert_cmpuint (r.last.steps_done, <, 500);
  g_assert_cmpuint (r.last.timeouts_hit, ==, 1);
  g_assert_cmpfloat (r.last.job_s, <, 5.0);
  assert_threads_joined (waiters, jobs);
}

static void
test_on_this_thread (void)
{
  guint jobs = work_test_count_threads (JOB);
  Record r;

  record_init (&r);
  timeout_run_on_this_thread (SHORT_JOB, 0.1, record, &r);

  /* Everything was told before it returned, on this thread, and nothing
   * was asked: the main loop cannot ask, it can only wait again. */
  g_assert_cmpuint (r.finished, ==, 1);
  g_assert_cmpuint (r.asked, ==, 0);
  g_assert_cmpuint (r.last.steps_done, ==, SHORT_STEPS);
  g_assert_cmpuint (r.last.timeouts_hit, >=, 2);
  g_assert_cmpuint (r.last.timeouts_hit, <=, 3);
  g_assert_cmpuint (r.deliveries, ==, r.last.timeouts_hit + 1);
  g_assert_false (r.last.stopped);
  g_assert_cmpfloat (r.last.job_s, >=, SHORT_JOB);
  work_test_wait_for_threads (JOB, jobs);

  /* The job's news that the main loop never got to is for nobody. */
  work_test_iterate_for (0.1);
  g_assert_cmpuint (r.finished, ==, 1);
  g_assert_cmpuint (r.deliveries, ==, r.last.timeouts_hit + 1);
}

static void
test_free_while_running (void)
{
  guint waiters = work_test_count_threads (WAITER), jobs = work_test_count_threads (JOB);
  Record r;
  TimeoutWork *work = start (&r, 10.0, 0.1);

  /* Let it publish news, and a timeout, that the main loop has not
   * delivered yet. */
  g_usleep (150 * 1000);

  timeout_work_free (work);
  /* Joined: the threads are gone when free returns (give /proc a moment). */
  assert_threads_joined (waiters, jobs);

  /* The scheduled delivery, if any, runs into nothing. */
  work_test_iterate_for (0.2);
  g_assert_cmpuint (r.deliveries, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/work/timeout/before-the-timeout", test_before_the_timeout);
  g_test_add_func ("/work/timeout/timeout-no-answer", test_timeout_no_answer);
  g_test_add_func ("/work/timeout/keep-waiting", test_keep_waiting);
  g_test_add_func ("/work/timeout/stop", test_stop);
  g_test_add_func ("/work/timeout/on-this-thread", test_on_this_thread);
  g_test_add_func ("/work/timeout/free-while-running", test_free_while_running);

  return g_test_run ();
}
