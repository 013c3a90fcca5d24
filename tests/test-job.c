/* test-job.c — ThawJob: coalescing, final values, cancellation, errors, lifetime
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "thaw-heartbeat.h"
#include "thaw-job.h"
#include "thaw-runner.h"

/* Generous: CI machines are slow and shared. The strict figures live in
 * thaw-bench. */
#define WAIT_MS 20000

static GThread *main_thread;

/* Iterates the thread-default context until @done is TRUE. */
static void
wait_for_flag (gboolean *done)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;
  GMainContext *context = g_main_context_ref_thread_default ();

  while (!*done)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (context, TRUE);
    }

  g_main_context_unref (context);
}

/* Waits for a worker to get inside a job's function: the "running" state
 * is published just before, and a job cancelled in between never calls
 * its function at all. */
static void
wait_for_count (int *count,
                int  at_least)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;

  while (g_atomic_int_get (count) < at_least)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (100);
    }
}

static void
finished_cb (ThawJob    *job,
             GParamSpec *pspec,
             gpointer    user_data)
{
  gboolean *done = user_data;

  /* Rule 1: properties change on the main thread only. */
  g_assert_true (g_thread_self () == main_thread);
  if (thaw_job_is_finished (job))
    *done = TRUE;
}

static void
run_to_end (ThawRunner *runner,
            ThawJob    *job)
{
  gboolean done = thaw_job_is_finished (job);
  gulong id = g_signal_connect (job, "notify::state", G_CALLBACK (finished_cb), &done);

  if (runner != NULL)
    thaw_runner_submit (runner, job);
  wait_for_flag (&done);
  g_signal_handler_disconnect (job, id);
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          gpointer    user_data)
{
  guint *count = user_data;

  g_assert_true (g_thread_self () == main_thread);
  (*count)++;
}

/* ---- coalescing ----------------------------------------------------- */

#define FLOOD_MS 400

static gboolean
flood_job (ThawJob  *job,
           gpointer  user_data,
           GError  **error)
{
  guint64 *sent = user_data;
  gint64 end = g_get_monotonic_time () + FLOOD_MS * 1000;
  guint64 n = 0;

  /* Long enough for pacing to matter: a few dozen frames. */
  while (g_get_monotonic_time () < end)
    {
      for (guint i = 0; i < 1000; i++, n++)
        thaw_job_report (job, 0.5, (n % 100000) == 0 ? "flooding" : NULL);
    }

  thaw_job_report (job, 1.0, "the end");
  *sent = n + 1;
  return TRUE;
}

static void
test_coalescing (void)
{
  g_autoptr(ThawRunner) runner = thaw_runner_new (2);
  guint64 sent = 0;
  g_autoptr(ThawJob) job = thaw_job_new ("flood", flood_job, &sent, NULL);
  guint fraction_notifies = 0;
  gint64 start = g_get_monotonic_time ();
  double elapsed_ms;
  guint dispatches;

  g_signal_connect (job, "notify::fraction", G_CALLBACK (count_cb), &fraction_notifies);
  run_to_end (runner, job);
  elapsed_ms = (double) (g_get_monotonic_time () - start) / 1000.0;

  dispatches = thaw_job_get_n_dispatches (job);
  g_test_message ("%" G_GUINT64_FORMAT " reports, %u dispatches in %.1f ms",
                  thaw_job_get_n_reports (job), dispatches, elapsed_ms);

  g_assert_cmpuint (thaw_job_get_n_reports (job), ==, sent);
  g_assert_cmpuint (sent, >, 1000);
  /* At most one delivery per heartbeat tick (10 ms), plus the first. */
  g_assert_cmpuint (dispatches, <=, thaw_job_get_n_reports (job));
  g_assert_cmpfloat (dispatches, <=, elapsed_ms / THAW_HEARTBEAT_INTERVAL_MS + 2);
  /* Each delivery notifies at most once, the final publication once more. */
  g_assert_cmpuint (fraction_notifies, <=, dispatches + 1);

  /* The final value is never lost. */
  g_assert_cmpint (thaw_job_get_state (job), ==, THAW_JOB_STATE_SUCCEEDED);
  g_assert_cmpfloat (thaw_job_get_fraction (job), ==, 1.0);
  g_assert_cmpstr (thaw_job_get_text (job), ==, "the end");
}

/* ---- final value and result ----------------------------------------- */

static gboolean
exact_job (ThawJob  *job,
           gpointer  user_data,
           GError  **error)
{
  thaw_job_report (job, 0.25, "a quarter");
  thaw_job_report (job, 0.123456789, "odd place to stop");
  thaw_job_set_result (job, g_variant_new_string ("forty-two"));
  return TRUE;
}

static void
test_final_value (void)
{
  g_autoptr(ThawRunner) runner = thaw_runner_new (1);
  g_autoptr(ThawJob) job = thaw_job_new ("exact", exact_job, NULL, NULL);

  run_to_end (runner, job);

  g_assert_cmpint (thaw_job_get_state (job), ==, THAW_JOB_STATE_SUCCEEDED);
  g_assert_cmpfloat (thaw_job_get_fraction (job), ==, 0.123456789);
  g_assert_cmpstr (thaw_job_get_text (job), ==, "odd place to stop");
  g_assert_nonnull (thaw_job_get_result (job));
  g_assert_cmpstr (g_variant_get_string (thaw_job_get_result (job), NULL), ==, "forty-two");
  g_assert_null (thaw_job_get_error (job));
}

/* ---- errors --------------------------------------------------------- */

static gboolean
failing_job (ThawJob  *job,
             gpointer  user_data,
             GError  **error)
{
  thaw_job_set_result (job, g_variant_new_int32 (1));
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "The file “%s” is gone", "data.csv");
  return FALSE;
}

static void
test_error (void)
{
  g_autoptr(ThawRunner) runner = thaw_runner_new (1);
  g_autoptr(ThawJob) job = thaw_job_new ("fails", failing_job, NULL, NULL);
  g_autoptr(GError) copy = NULL;
  guint error_notifies = 0;

  g_signal_connect (job, "notify::error", G_CALLBACK (count_cb), &error_notifies);
  run_to_end (runner, job);

  g_assert_cmpint (thaw_job_get_state (job), ==, THAW_JOB_STATE_FAILED);
  g_assert_error (thaw_job_get_error (job), G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpstr (thaw_job_get_error (job)->message, ==, "The file “data.csv” is gone");
  g_assert_cmpuint (error_notifies, ==, 1);
  /* A failed job has no result, whatever it set on the way. */
  g_assert_null (thaw_job_get_result (job));

  g_object_get (job, "error", &copy, NULL);
  g_assert_error (copy, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* ---- cancellation --------------------------------------------------- */

typedef struct
{
  int ran;
  int started;
} Counter;

static gboolean
until_cancelled_job (ThawJob  *job,
                     gpointer  user_data,
                     GError  **error)
{
  Counter *counter = user_data;

  if (counter != NULL)
    g_atomic_int_inc (&counter->ran);

  for (;;)
    {
      if (thaw_job_set_error_if_cancelled (job, error))
        return FALSE;
      thaw_job_report (job, 0.5, "waiting to be cancelled");
      g_usleep (200);
    }
}

static void
test_cancel_before_submit (void)
{
  g_autoptr(ThawRunner) runner = thaw_runner_new (1);
  Counter counter = { 0, };
  g_autoptr(ThawJob) job = thaw_job_new ("never", until_cancelled_job, &counter, NULL);

  thaw_job_cancel (job);
  g_assert_cmpint (thaw_job_get_state (job), ==, THAW_JOB_STATE_CANCELLED);
  g_assert_true (g_cancellable_is_cancelled (thaw_job_get_cancellable (job)));

  /* Submitting a cancelled job leaves it as it is. */
  thaw_runner_submit (runner, job);
  g_assert_false (thaw_runner_get_busy (runner));
  g_assert_true (thaw_runner_shutdown (runner, WAIT_MS, NULL, NULL));
  g_assert_cmpint (g_atomic_int_get (&counter.ran), ==, 0);
  g_assert_cmpint (thaw_job_get_state (job), ==, THAW_JOB_STATE_CANCELLED);
}

static void
running_cb (ThawJob    *job,
            GParamSpec *pspec,
            gpointer    user_data)
{
  gboolean *running = user_data;

  if (thaw_job_get_state (job) == THAW_JOB_STATE_RUNNING)
    *running = TRUE;
}

static void
test_cancel_queued (void)
{
  g_autoptr(ThawRunner) runner = thaw_runner_new (1);
  Counter blocker_counter = { 0, }, queued_counter = { 0, };
  g_autoptr(ThawJob) blocker = thaw_job_new ("blocker", until_cancelled_job, &blocker_counter, NULL);
  g_autoptr(ThawJob) queued = thaw_job_new ("queued", until_cancelled_job, &queued_counter, NULL);
  gboolean running = FALSE;

  g_signal_connect (blocker, "notify::state", G_CALLBACK (running_cb), &running);
  thaw_runner_submit (runner, blocker);
  thaw_runner_submit (runner, queued);
  wait_for_flag (&running);
  wait_for_count (&blocker_counter.ran, 1);

  /* The only worker is busy: the queued job is cancelled without one. */
  run_to_end (NULL, (thaw_job_cancel (queued), queued));
  g_assert_cmpint (thaw_job_get_state (queued), ==, THAW_JOB_STATE_CANCELLED);
  g_assert_cmpint (thaw_job_get_state (blocker), ==, THAW_JOB_STATE_RUNNING);

  run_to_end (NULL, (thaw_job_cancel (blocker), blocker));
  g_assert_cmpint (thaw_job_get_state (blocker), ==, THAW_JOB_STATE_CANCELLED);
  g_assert_null (thaw_job_get_error (blocker));

  g_assert_true (thaw_runner_shutdown (runner, WAIT_MS, NULL, NULL));
  g_assert_cmpint (g_atomic_int_get (&queued_counter.ran), ==, 0);
  g_assert_cmpint (g_atomic_int_get (&blocker_counter.ran), ==, 1);
}

static void
test_cancel_running (void)
{
  g_autoptr(ThawRunner) runner = thaw_runner_new (2);
  Counter counter = { 0, };
  g_autoptr(ThawJob) job = thaw_job_new ("running", until_cancelled_job, &counter, NULL);
  gboolean running = FALSE;

  g_signal_connect (job, "notify::state", G_CALLBACK (running_cb), &running);
  thaw_runner_submit (runner, job);
  wait_for_flag (&running);
  wait_for_count (&counter.ran, 1);

  thaw_runner_cancel (runner, job);
  run_to_end (NULL, job);
  g_assert_cmpint (thaw_job_get_state (job), ==, THAW_JOB_STATE_CANCELLED);
  g_assert_null (thaw_job_get_error (job));
  g_assert_cmpstr (thaw_job_get_text (job), ==, "waiting to be cancelled");
}

static gboolean
quick_job (ThawJob  *job,
           gpointer  user_data,
           GError  **error)
{
  thaw_job_report (job, 1.0, "done");
  return TRUE;
}

static void
test_cancel_after_finish (void)
{
  g_autoptr(ThawRunner) runner = thaw_runner_new (1);
  g_autoptr(ThawJob) job = thaw_job_new ("quick", quick_job, NULL, NULL);
  guint state_notifies = 0;

  run_to_end (runner, job);
  g_assert_cmpint (thaw_job_get_state (job), ==, THAW_JOB_STATE_SUCCEEDED);

  g_signal_connect (job, "notify::state", G_CALLBACK (count_cb), &state_notifies);
  thaw_job_cancel (job);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpint (thaw_job_get_state (job), ==, THAW_JOB_STATE_SUCCEEDED);
  g_assert_cmpuint (state_notifies, ==, 0);
}

typedef struct
{
  ThawJob *job;
  GCancellable *cancellable;
} CancelFromThread;

static gpointer
cancel_thread (gpointer data)
{
  CancelFromThread *cft = data;

  g_cancellable_cancel (cft->cancellable);
  return NULL;
}

static void
test_cancellable_from_thread (void)
{
  g_autoptr(ThawRunner) runner = thaw_runner_new (1);
  Counter counter = { 0, };
  g_autoptr(ThawJob) job = thaw_job_new ("gio", until_cancelled_job, &counter, NULL);
  gboolean running = FALSE;
  CancelFromThread cft = { job, thaw_job_get_cancellable (job) };

  /* The same object every time. */
  g_assert_true (thaw_job_get_cancellable (job) == cft.cancellable);

  g_signal_connect (job, "notify::state", G_CALLBACK (running_cb), &running);
  thaw_runner_submit (runner, job);
  wait_for_flag (&running);
  wait_for_count (&counter.ran, 1);

  /* Any thread may cancel the GCancellable, and that stops the job. */
  g_thread_join (g_thread_new ("canceller", cancel_thread, &cft));
  g_assert_true (thaw_job_is_cancelled (job));
  run_to_end (NULL, job);
  g_assert_cmpint (thaw_job_get_state (job), ==, THAW_JOB_STATE_CANCELLED);
}

/* ---- lifetime ------------------------------------------------------- */

static void
test_dispose_pending (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  ThawJob *job;
  gpointer weak = NULL;
  guint notifies = 0;

  /* A context of our own, so that nothing else is pending on it. */
  g_main_context_push_thread_default (context);

  job = thaw_job_new ("pending", quick_job, NULL, NULL);
  g_signal_connect (job, "notify", G_CALLBACK (count_cb), &notifies);
  g_object_add_weak_pointer (G_OBJECT (job), &weak);
  weak = job;

  /* Arms the delivery: a callback is now pending on the context. */
  thaw_job_report (job, 0.5, "half");
  g_assert_true (g_main_context_pending (context));

  g_object_unref (job);
  g_assert_null (weak);

  /* Dispose removed it: nothing is pending and nothing runs. Had the
   * callback survived, it would touch freed memory, which the sanitizer
   * builds would catch. */
  g_assert_false (g_main_context_pending (context));
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (context, FALSE);
  g_assert_cmpuint (notifies, ==, 0);

  g_main_context_pop_thread_default (context);
}

static void
destroy_cb (gpointer data)
{
  gboolean *destroyed = data;

  *destroyed = TRUE;
}

static void
test_finalize_frees_data (void)
{
  g_autoptr(ThawRunner) runner = thaw_runner_new (1);
  gboolean destroyed = FALSE;
  ThawJob *job = thaw_job_new ("data", quick_job, &destroyed, destroy_cb);

  run_to_end (runner, job);
  g_assert_true (thaw_runner_shutdown (runner, WAIT_MS, NULL, NULL));
  g_assert_finalize_object (job);
  g_assert_true (destroyed);
}

static void
test_state_nicks (void)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (THAW_TYPE_JOB_STATE);

  for (int state = THAW_JOB_STATE_QUEUED; state <= THAW_JOB_STATE_CANCELLED; state++)
    g_assert_cmpstr (g_enum_get_value (klass, state)->value_nick, ==, thaw_job_state_to_string (state));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  main_thread = g_thread_self ();

  g_test_add_func ("/thaw/job/coalescing", test_coalescing);
  g_test_add_func ("/thaw/job/final-value", test_final_value);
  g_test_add_func ("/thaw/job/error", test_error);
  g_test_add_func ("/thaw/job/cancel-before-submit", test_cancel_before_submit);
  g_test_add_func ("/thaw/job/cancel-queued", test_cancel_queued);
  g_test_add_func ("/thaw/job/cancel-running", test_cancel_running);
  g_test_add_func ("/thaw/job/cancel-after-finish", test_cancel_after_finish);
  g_test_add_func ("/thaw/job/cancellable-from-thread", test_cancellable_from_thread);
  g_test_add_func ("/thaw/job/dispose-pending", test_dispose_pending);
  g_test_add_func ("/thaw/job/finalize-frees-data", test_finalize_frees_data);
  g_test_add_func ("/thaw/job/state-nicks", test_state_nicks);

  return g_test_run ();
}
