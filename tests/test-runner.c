/* test-runner.c — ThawRunner: priority, shutdown, joins, many cycles
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "thaw-runner.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define WAIT_MS 20000

/* Threads of the process when no runner exists. */
static int baseline_threads;

static int
count_threads (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  int n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

/* Threads leave /proc a moment after they have returned. */
static int
wait_for_threads (int at_most)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;
  int n;

  while ((n = count_threads ()) > at_most && g_get_monotonic_time () < deadline)
    g_usleep (1000);

  return n;
}

static void
busy_cb (ThawRunner *runner,
         GParamSpec *pspec,
         gpointer    user_data)
{
  gboolean *idle = user_data;

  if (!thaw_runner_get_busy (runner))
    *idle = TRUE;
}

static void
wait_until_idle (ThawRunner *runner)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;
  gboolean idle = !thaw_runner_get_busy (runner);
  gulong id = g_signal_connect (runner, "notify::busy", G_CALLBACK (busy_cb), &idle);

  while (!idle)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  g_signal_handler_disconnect (runner, id);
}

static gboolean
until_cancelled_job (ThawJob  *job,
                     gpointer  user_data,
                     GError  **error)
{
  int *started = user_data;

  if (started != NULL)
    g_atomic_int_inc (started);

  while (!thaw_job_set_error_if_cancelled (job, error))
    g_usleep (500);

  return FALSE;
}

/* ---- priority ------------------------------------------------------- */

static gboolean
nice_job (ThawJob  *job,
          gpointer  user_data,
          GError  **error)
{
  errno = 0;
  thaw_job_set_result (job, g_variant_new_int32 (getpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid))));
  return errno == 0;
}

static int
nice_of_worker (gboolean background)
{
  g_autoptr(ThawRunner) runner = g_object_new (THAW_TYPE_RUNNER,
                                               "max-workers", 1,
                                               "background", background,
                                               NULL);
  g_autoptr(ThawJob) job = thaw_job_new ("nice", nice_job, NULL, NULL);

  g_assert_cmpint (thaw_runner_get_background (runner), ==, background);
  thaw_runner_submit (runner, job);
  wait_until_idle (runner);
  g_assert_cmpint (thaw_job_get_state (job), ==, THAW_JOB_STATE_SUCCEEDED);

  return g_variant_get_int32 (thaw_job_get_result (job));
}

static void
test_priority (void)
{
  int main_nice;

  errno = 0;
  main_nice = getpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid));
  g_assert_cmpint (errno, ==, 0);

  /* Background workers are niced; the main thread is not touched. */
  g_assert_cmpint (nice_of_worker (TRUE), >=, THAW_RUNNER_BACKGROUND_NICE);
  g_assert_cmpint (getpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid)), ==, main_nice);

  /* A runner without background priority gets fresh threads, not the
   * niced ones of the runner before it. */
  g_assert_cmpint (nice_of_worker (FALSE), ==, main_nice);
}

/* ---- shutdown ------------------------------------------------------- */

static void
test_shutdown_joins (void)
{
  int before = wait_for_threads (baseline_threads);
  ThawRunner *runner = thaw_runner_new (3);
  int started = 0;
  g_autoptr(GPtrArray) stragglers = NULL;
  g_autoptr(GError) error = NULL;

  /* An exclusive pool starts its threads at once. */
  g_assert_cmpint (count_threads (), >=, before + 3);

  for (int i = 0; i < 20; i++)
    {
      g_autoptr(ThawJob) job = thaw_job_new ("long", until_cancelled_job, &started, NULL);

      thaw_runner_submit (runner, job);
    }
  while (g_atomic_int_get (&started) < 3)
    g_usleep (1000);

  g_assert_true (thaw_runner_shutdown (runner, WAIT_MS, &stragglers, &error));
  g_assert_no_error (error);
  g_assert_null (stragglers);
  g_assert_false (thaw_runner_get_busy (runner));
  g_assert_true (thaw_runner_is_shut_down (runner));
  /* Only the three running jobs ever started; the rest were dropped. */
  g_assert_cmpint (g_atomic_int_get (&started), ==, 3);

  /* Every worker is gone, not parked in GLib's pool of unused threads. */
  g_assert_cmpint (wait_for_threads (before), ==, before);

  /* A second shutdown is harmless. */
  g_assert_true (thaw_runner_shutdown (runner, 0, NULL, NULL));
  g_assert_finalize_object (runner);
}

typedef struct
{
  int entered;
  int release;
} Stubborn;

static gboolean
stubborn_job (ThawJob  *job,
              gpointer  user_data,
              GError  **error)
{
  Stubborn *stubborn = user_data;

  g_atomic_int_set (&stubborn->entered, TRUE);
  /* Ignores cancellation until the test lets it go. */
  while (!g_atomic_int_get (&stubborn->release))
    g_usleep (1000);

  return TRUE;
}

static void
test_shutdown_timeout (void)
{
  int before = wait_for_threads (baseline_threads);
  ThawRunner *runner = thaw_runner_new (2);
  Stubborn stubborn = { 0, 0 };
  g_autoptr(ThawJob) job = thaw_job_new ("stubborn", stubborn_job, &stubborn, NULL);
  g_autoptr(GPtrArray) stragglers = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  thaw_runner_submit (runner, job);
  /* Inside its function, not merely started: a job cancelled before its
   * function is called never calls it. */
  while (!g_atomic_int_get (&stubborn.entered))
    g_usleep (1000);

  start = g_get_monotonic_time ();
  g_assert_false (thaw_runner_shutdown (runner, 100, &stragglers, &error));
  /* It waited, but not for ever. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 100 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, WAIT_MS * 1000);

  g_assert_error (error, THAW_RUNNER_ERROR, THAW_RUNNER_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "“stubborn”"));
  g_assert_nonnull (stragglers);
  g_assert_cmpuint (stragglers->len, ==, 1);
  g_assert_true (g_ptr_array_index (stragglers, 0) == job);

  /* Let it go: the next shutdown succeeds and publishes its end. */
  g_atomic_int_set (&stubborn.release, TRUE);
  g_clear_error (&error);
  g_assert_true (thaw_runner_shutdown (runner, WAIT_MS, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (thaw_job_get_state (job), ==, THAW_JOB_STATE_SUCCEEDED);

  g_clear_pointer (&stragglers, g_ptr_array_unref);
  g_assert_finalize_object (runner);
  g_assert_cmpint (wait_for_threads (before), ==, before);
}

static void
test_dispose_waits (void)
{
  int before = wait_for_threads (baseline_threads);
  ThawRunner *runner = thaw_runner_new (2);
  g_autoptr(ThawJob) job = thaw_job_new ("long", until_cancelled_job, NULL, NULL);

  thaw_runner_submit (runner, job);

  /* Dropping a runner without shutdown cancels and waits too. */
  g_assert_finalize_object (runner);
  g_assert_cmpint (thaw_job_get_state (job), ==, THAW_JOB_STATE_CANCELLED);
  g_assert_cmpint (wait_for_threads (before), ==, before);
}

/* ---- many cycles ---------------------------------------------------- */

#define CYCLES 10000
#define SAMPLE_EVERY 500

static void
test_submit_cancel_cycles (void)
{
  g_autoptr(GPtrArray) samples = g_ptr_array_new ();
  ThawRunner *runner = thaw_runner_new (2);
  int started = 0;

  for (guint i = 0; i < CYCLES; i++)
    {
      ThawJob *job = thaw_job_new ("cycle", until_cancelled_job, &started, NULL);

      thaw_runner_submit (runner, job);
      /* Most are cancelled in the queue; some get a moment to start. */
      if (i % 5 == 0)
        {
          g_usleep (50);
          g_main_context_iteration (NULL, FALSE);
        }
      thaw_job_cancel (job);

      if (i % SAMPLE_EVERY == 0)
        g_ptr_array_add (samples, job);
      else
        g_object_unref (job);
    }

  /* No deadlock: everything ends, within the test's time. */
  wait_until_idle (runner);
  g_assert_true (thaw_runner_shutdown (runner, WAIT_MS, NULL, NULL));
  g_test_message ("%d of %d cycles started before being cancelled", started, CYCLES);

  /* No leak: the runner let go of every job it was given. */
  for (guint i = 0; i < samples->len; i++)
    {
      ThawJob *job = g_ptr_array_index (samples, i);

      g_assert_cmpint (thaw_job_get_state (job), ==, THAW_JOB_STATE_CANCELLED);
      g_assert_finalize_object (job);
    }

  g_assert_finalize_object (runner);
}

static void
test_cancel_all (void)
{
  g_autoptr(ThawRunner) runner = thaw_runner_new (2);
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func (g_object_unref);

  for (int i = 0; i < 10; i++)
    {
      ThawJob *job = thaw_job_new ("all", until_cancelled_job, NULL, NULL);

      thaw_runner_submit (runner, job);
      g_ptr_array_add (jobs, job);
    }
  g_assert_true (thaw_runner_get_busy (runner));
  g_assert_cmpuint (thaw_runner_get_n_active (runner), ==, 10);

  thaw_runner_cancel_all (runner);
  wait_until_idle (runner);

  g_assert_cmpuint (thaw_runner_get_n_active (runner), ==, 0);
  for (guint i = 0; i < jobs->len; i++)
    g_assert_cmpint (thaw_job_get_state (g_ptr_array_index (jobs, i)), ==, THAW_JOB_STATE_CANCELLED);
}

static void
test_default_workers (void)
{
  g_autoptr(ThawRunner) runner = thaw_runner_new (0);

  g_assert_cmpuint (thaw_runner_get_max_workers (runner), ==, g_get_num_processors ());
}

static gpointer
warm_up (gpointer data)
{
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* Sanitizer runtimes start a helper thread of their own when the first
   * thread is made; let that happen before any test counts threads. */
  g_thread_join (g_thread_new ("warm-up", warm_up, NULL));
  /* The warm-up thread may linger in /proc for a moment after the join. */
  baseline_threads = count_threads ();
  for (int i = 0; i < 100; i++, g_usleep (1000))
    baseline_threads = MIN (baseline_threads, count_threads ());

  g_test_add_func ("/thaw/runner/default-workers", test_default_workers);
  g_test_add_func ("/thaw/runner/priority", test_priority);
  g_test_add_func ("/thaw/runner/cancel-all", test_cancel_all);
  g_test_add_func ("/thaw/runner/shutdown-joins", test_shutdown_joins);
  g_test_add_func ("/thaw/runner/shutdown-timeout", test_shutdown_timeout);
  g_test_add_func ("/thaw/runner/dispose-waits", test_dispose_waits);
  g_test_add_func ("/thaw/runner/submit-cancel-cycles", test_submit_cancel_cycles);

  return g_test_run ();
}
