/* test-errors-work.c — errors-work.c on a plain GMainLoop, no GTK
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TSan build runs this too: the progress through ThawLatest and the
 * outcome through the GTask are then checked.
 *
 *   succeeds            progress arrives on the main thread, in order; the
 *                       outcome once, last, with the exact checksum and
 *                       count; the thread is joined
 *   missing, io-error,  the worker's own GError comes back with the
 *   unreadable          outcome: domain, code, the file in the message,
 *                       and the count of the files read before it
 *   coalesced           a main loop that looks only after the worker ended
 *                       gets the outcome once, with the final count
 *   stop                Stop ends the run early with G_IO_ERROR_CANCELLED
 *   free-while-running  freeing the job joins its thread, and nothing is
 *                       called afterwards
 *   drop-error          the wrong way: the same failure, thrown away in
 *                       the worker: the outcome is "done" with no error and
 *                       no checksum, and the count says one error raised,
 *                       none delivered; every failing run the right way
 *                       delivers as many as it raised
 *
 * The inputs go to a private TMPDIR, which must be empty after every run.
 */

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "errors-work.h"
#include "work-test-util.h"

#define N_INPUTS 20u
#define PAUSE_US 1000u

static char *tmp_home;

typedef struct
{
  GThread *main_thread;
  guint deliveries;
  guint last_read;
  gboolean in_order;
  guint done;
  guint done_read;
  char *checksum;
  GError *error;
  guint raised;             /* errors_work_count_errors(), after the outcome */
  guint delivered;
} Outcome;

static void
record_progress (guint    inputs_read,
                 gpointer user_data)
{
  Outcome *outcome = user_data;

  g_assert_true (g_thread_self () == outcome->main_thread);
  g_assert_cmpuint (outcome->done, ==, 0);   /* nothing after the outcome */
  if (inputs_read < outcome->last_read)
    outcome->in_order = FALSE;
  outcome->deliveries++;
  outcome->last_read = inputs_read;
}

static void
record_done (guint         inputs_read,
             const char   *checksum,
             const GError *error,
             gpointer      user_data)
{
  Outcome *outcome = user_data;

  g_assert_true (g_thread_self () == outcome->main_thread);
  /* Both NULL only the wrong way, checked where it runs. */
  g_assert_false (checksum != NULL && error != NULL);
  outcome->done++;
  outcome->done_read = inputs_read;
  outcome->checksum = g_strdup (checksum);
  outcome->error = error != NULL ? g_error_copy (error) : NULL;
}

static void
outcome_init (Outcome *outcome)
{
  *outcome = (Outcome) { .main_thread = g_thread_self (), .in_order = TRUE };
}

static void
outcome_clear (Outcome *outcome)
{
  g_free (outcome->checksum);
  g_clear_error (&outcome->error);
}

static gboolean
is_done (gpointer data)
{
  return ((Outcome *) data)->done > 0;
}

static void
assert_tmp_empty (void)
{
  g_autoptr(GDir) dir = g_dir_open (tmp_home, 0, NULL);

  g_assert_nonnull (dir);
  g_assert_null (g_dir_read_name (dir));
}

/* Runs a job to its end; the outcome waits a little longer, to see that
 * nothing comes after it. */
static void
run_handling (Outcome        *outcome,
              ErrorsFailure   failure,
              guint           fail_at,
              ErrorsHandling  handling)
{
  g_autoptr(ErrorsWork) work = NULL;
  guint threads_before = work_test_count_threads ("thaw-read");

  outcome_init (outcome);
  work = errors_work_start (N_INPUTS, PAUSE_US, failure, fail_at, handling,
                            record_progress, record_done, outcome);
  g_assert_nonnull (work);

  work_test_iterate_until (is_done, outcome, 30);
  errors_work_count_errors (work, &outcome->raised, &outcome->delivered);
  /* Joined before the outcome was delivered. */
  work_test_wait_for_threads ("thaw-read", threads_before);
  work_test_iterate_for (0.05);

  g_assert_cmpuint (outcome->done, ==, 1);
  g_assert_true (outcome->in_order);
  g_assert_cmpuint (outcome->last_read, <=, outcome->done_read);
  assert_tmp_empty ();
}

/* The right way: the worker returns its error with the result. */
static void
run (Outcome       *outcome,
     ErrorsFailure  failure,
     guint          fail_at)
{
  run_handling (outcome, failure, fail_at, ERRORS_RETURNED);
  g_assert_true ((outcome->checksum == NULL) != (outcome->error == NULL));
  /* Every error raised reached the main thread. */
  g_assert_cmpuint (outcome->delivered, ==, outcome->raised);
  g_assert_cmpuint (outcome->raised, ==, outcome->error != NULL ? 1 : 0);
}

/* The SHA-256 of @n inputs of 4,095 "x" each. */
static char *
expected_checksum (guint n)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *contents = g_strnfill (ERRORS_INPUT_BYTES - 1, 'x');

  for (guint i = 0; i < n; i++)
    g_checksum_update (checksum, (const guchar *) contents, ERRORS_INPUT_BYTES - 1);

  return g_strdup (g_checksum_get_string (checksum));
}

static void
test_succeeds (void)
{
  Outcome outcome;
  g_autofree char *checksum = expected_checksum (N_INPUTS);

  run (&outcome, ERRORS_FAILURE_NONE, 0);
  g_test_message ("%u progress deliveries for %u files", outcome.deliveries, N_INPUTS);

  g_assert_no_error (outcome.error);
  g_assert_cmpstr (outcome.checksum, ==, checksum);
  g_assert_cmpuint (outcome.done_read, ==, N_INPUTS);
  g_assert_cmpuint (outcome.deliveries, <=, N_INPUTS);
  g_assert_cmpuint (outcome.raised, ==, 0);
  outcome_clear (&outcome);
}

static void
assert_failed (Outcome    *outcome,
               int         code,
               guint       read,
               const char *file)
{
  g_test_message ("failed after %u files: %s", outcome->done_read, outcome->error->message);
  g_assert_error (outcome->error, G_IO_ERROR, code);
  g_assert_null (outcome->checksum);
  g_assert_cmpuint (outcome->done_read, ==, read);
  g_assert_nonnull (strstr (outcome->error->message, file));
}

static void
test_missing (void)
{
  Outcome outcome;

  run (&outcome, ERRORS_FAILURE_MISSING, 7);
  assert_failed (&outcome, G_IO_ERROR_NOT_FOUND, 7, "input-008.txt");
  g_assert_cmpuint (outcome.raised, ==, 1);
  g_assert_cmpuint (outcome.delivered, ==, 1);
  outcome_clear (&outcome);
}

/* Built with g_set_error(), on the very last file. */
static void
test_io_error (void)
{
  Outcome outcome;

  run (&outcome, ERRORS_FAILURE_IO_ERROR, N_INPUTS - 1);
  assert_failed (&outcome, G_IO_ERROR_FAILED, N_INPUTS - 1, "input-020.txt");
  g_assert_nonnull (strstr (outcome.error->message, g_strerror (EIO)));
  outcome_clear (&outcome);
}

/* On the very first file. The superuser may read any file, and then the
 * run honestly succeeds. */
static void
test_unreadable (void)
{
  Outcome outcome;

  run (&outcome, ERRORS_FAILURE_UNREADABLE, 0);
  if (geteuid () == 0)
    {
      g_test_message ("running as root: the unreadable file is read anyway");
      g_assert_no_error (outcome.error);
      g_assert_cmpuint (outcome.done_read, ==, N_INPUTS);
    }
  else
    assert_failed (&outcome, G_IO_ERROR_PERMISSION_DENIED, 0, "input-001.txt");
  outcome_clear (&outcome);
}

/* The main loop looks away for the whole job: the outcome still arrives
 * once, with the final count, and no progress after it. */
static void
test_coalesced (void)
{
  Outcome outcome;
  g_autoptr(ErrorsWork) work = NULL;
  guint threads_before = work_test_count_threads ("thaw-read");

  outcome_init (&outcome);
  /* A tenth of a second: long enough to see the worker named, then gone. */
  work = errors_work_start (N_INPUTS, 5 * PAUSE_US, ERRORS_FAILURE_NONE, 0, ERRORS_RETURNED,
                            record_progress, record_done, &outcome);
  work_test_wait_for_threads ("thaw-read", threads_before + 1);
  work_test_wait_for_threads ("thaw-read", threads_before);
  g_assert_cmpuint (outcome.deliveries + outcome.done, ==, 0);

  work_test_iterate_until (is_done, &outcome, 10);
  work_test_iterate_for (0.05);
  g_test_message ("%u progress deliveries", outcome.deliveries);
  g_assert_cmpuint (outcome.deliveries, <=, 1);
  g_assert_cmpuint (outcome.done, ==, 1);
  g_assert_cmpuint (outcome.done_read, ==, N_INPUTS);
  g_assert_nonnull (outcome.checksum);
  assert_tmp_empty ();
  outcome_clear (&outcome);
}

static gboolean
has_news (gpointer data)
{
  return ((Outcome *) data)->deliveries > 0;
}

static void
test_stop (void)
{
  Outcome outcome;
  g_autoptr(ErrorsWork) work = NULL;
  guint threads_before = work_test_count_threads ("thaw-read");

  outcome_init (&outcome);
  /* The lesson's whole job, two seconds, stopped after the first news. */
  work = errors_work_start (ERRORS_N_INPUTS, ERRORS_INPUT_PAUSE_US, ERRORS_FAILURE_NONE, 0, ERRORS_RETURNED,
                            record_progress, record_done, &outcome);
  work_test_iterate_until (has_news, &outcome, 30);

  errors_work_stop (work);
  work_test_iterate_until (is_done, &outcome, 10);
  work_test_wait_for_threads ("thaw-read", threads_before);

  g_assert_cmpuint (outcome.done, ==, 1);
  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (outcome.checksum);
  g_assert_cmpuint (outcome.done_read, <, ERRORS_N_INPUTS);
  g_assert_cmpuint (outcome.done_read, >=, outcome.last_read);
  assert_tmp_empty ();
  outcome_clear (&outcome);
}

static void
test_free_while_running (void)
{
  Outcome outcome;
  ErrorsWork *work;
  guint threads_before = work_test_count_threads ("thaw-read");

  outcome_init (&outcome);
  work = errors_work_start (ERRORS_N_INPUTS, ERRORS_INPUT_PAUSE_US, ERRORS_FAILURE_NONE, 0, ERRORS_RETURNED,
                            record_progress, record_done, &outcome);
  /* Let it schedule a delivery that the main loop has not run yet. */
  g_usleep (100 * 1000);

  errors_work_free (work);
  /* Joined: the thread is gone when free returns (give /proc a moment). */
  work_test_wait_for_threads ("thaw-read", threads_before);
  assert_tmp_empty ();

  /* The task's outcome and any scheduled progress call nobody. */
  work_test_iterate_for (0.2);
  g_assert_cmpuint (outcome.deliveries, ==, 0);
  g_assert_cmpuint (outcome.done, ==, 0);
}

/* The wrong way: the same failures, dropped in the worker. */
static void
test_drop_error (void)
{
  const struct { ErrorsFailure failure; guint fail_at; } failures[] = {
    { ERRORS_FAILURE_MISSING, 7 },
    { ERRORS_FAILURE_IO_ERROR, N_INPUTS - 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (failures); i++)
    {
      Outcome outcome;

      run_handling (&outcome, failures[i].failure, failures[i].fail_at, ERRORS_DROPPED);
      g_test_message ("dropped: stopped after %u files; %u raised, %u delivered",
                      outcome.done_read, outcome.raised, outcome.delivered);

      /* All the main thread heard: done. No error, and no result either. */
      g_assert_no_error (outcome.error);
      g_assert_null (outcome.checksum);
      /* Yet the job failed where it was told to. */
      g_assert_cmpuint (outcome.done_read, ==, failures[i].fail_at);
      g_assert_cmpuint (outcome.raised, ==, 1);
      g_assert_cmpuint (outcome.delivered, ==, 0);
      outcome_clear (&outcome);
    }

  /* A run that does not fail has nothing to drop: the same as the right
   * way. */
  {
    Outcome outcome;

    run_handling (&outcome, ERRORS_FAILURE_NONE, 0, ERRORS_DROPPED);
    g_assert_no_error (outcome.error);
    g_assert_nonnull (outcome.checksum);
    g_assert_cmpuint (outcome.raised, ==, 0);
    outcome_clear (&outcome);
  }
}

int
main (int   argc,
      char *argv[])
{
  const char *tmp = g_getenv ("TMPDIR");
  int status;

  /* Before anything asks GLib for the temporary folder, g_dir_make_tmp()
   * included: GLib remembers the first answer. */
  tmp_home = g_build_filename (tmp != NULL && *tmp != '\0' ? tmp : "/tmp", "thaw-work-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (tmp_home));
  g_setenv ("TMPDIR", tmp_home, TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/work/errors/succeeds", test_succeeds);
  g_test_add_func ("/work/errors/missing", test_missing);
  g_test_add_func ("/work/errors/io-error", test_io_error);
  g_test_add_func ("/work/errors/unreadable", test_unreadable);
  g_test_add_func ("/work/errors/coalesced", test_coalesced);
  g_test_add_func ("/work/errors/stop", test_stop);
  g_test_add_func ("/work/errors/free-while-running", test_free_while_running);
  g_test_add_func ("/work/errors/drop-error", test_drop_error);

  status = g_test_run ();

  g_rmdir (tmp_home);
  g_free (tmp_home);

  return status;
}
