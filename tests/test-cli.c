/* test-cli.c — Thaw's command line, driving the real binary
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each case runs `thaw` as a person or a script would and reads what it
 * printed, how it exited and the report it wrote.
 */

#include "config.h"

#include <signal.h>

#include "thaw-test-util.h"

/* π(18 000 000): how many primes the freeze lesson must find. */
#define PRIMES_BELOW_LIMIT 1151367

static void
assert_quiet (ThawTestRun *run)
{
  /* G_DEBUG=fatal-warnings turns any GLib or GTK warning into a crash, and
   * nothing else should print to stderr on a good run either. */
  g_assert_cmpstr (run->err, ==, "");
}

static void
test_list (void)
{
  g_auto(ThawTestRun) run = { 0 };
  g_auto(GStrv) lines = NULL;
  gboolean found = FALSE;

  thaw_test_run_thaw (&run, NULL, "--list", NULL);
  g_assert_cmpint (run.exit_status, ==, 0);
  assert_quiet (&run);

  lines = g_strsplit (run.out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "freeze "))
        {
          found = TRUE;
          g_assert_nonnull (strstr (lines[i], "The Frozen Window"));
        }
    }
  g_assert_true (found);
}

static void
test_version (void)
{
  g_auto(ThawTestRun) run = { 0 };

  thaw_test_run_thaw (&run, NULL, "--version", NULL);
  g_assert_cmpint (run.exit_status, ==, 0);
  g_assert_cmpstr (run.out, ==, "thaw " PACKAGE_VERSION "\n");
}

static void
test_help (void)
{
  g_auto(ThawTestRun) run = { 0 };

  thaw_test_run_thaw (&run, NULL, "--help", NULL);
  g_assert_cmpint (run.exit_status, ==, 0);
  for (const char *const *option = (const char *[]) { "--list", "--run", "--activate",
                                                      "--autoquit", "--report", "--version", NULL };
       *option != NULL; option++)
    g_assert_nonnull (strstr (run.out, *option));
}

static void
test_unknown_lesson (void)
{
  g_auto(ThawTestRun) run = { 0 };

  thaw_test_run_thaw (&run, NULL, "--run", "no-such-lesson", NULL);
  g_assert_cmpint (run.exit_status, ==, 2);
  /* The error names what was asked for and lists what exists. */
  g_assert_nonnull (strstr (run.err, "no-such-lesson"));
  g_assert_nonnull (strstr (run.err, "freeze"));
}

static void
test_unknown_verb (void)
{
  g_auto(ThawTestRun) run = { 0 };

  thaw_test_run_thaw (&run, NULL, "--run", "freeze", "--activate", "explode", NULL);
  g_assert_cmpint (run.exit_status, ==, 2);
  g_assert_nonnull (strstr (run.err, "explode"));
  g_assert_nonnull (strstr (run.err, "block, start, stop"));
}

/* A verb the lesson has, in a state where its button is greyed out: GTK
 * would do nothing without a word; Thaw says so and fails. */
static void
test_disabled_verb (void)
{
  g_auto(ThawTestRun) run = { 0 };
  gint64 start = g_get_monotonic_time ();

  thaw_test_run_thaw (&run, NULL, "--run", "shutdown", "--activate", "simulate-quit",
                      "--autoquit", "60", NULL);
  g_assert_cmpint (run.exit_status, ==, 2);
  g_assert_nonnull (strstr (run.err, "“simulate-quit” cannot be used now"));
  /* It leaves at once, not when the autoquit comes. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 60 * G_USEC_PER_SEC);
}

static void
test_verb_without_lesson (void)
{
  g_auto(ThawTestRun) run = { 0 };

  thaw_test_run_thaw (&run, NULL, "--activate", "start", NULL);
  g_assert_cmpint (run.exit_status, ==, 2);
  g_assert_nonnull (strstr (run.err, "--run"));
}

static void
test_until_done_without_verb (void)
{
  g_auto(ThawTestRun) run = { 0 };

  thaw_test_run_thaw (&run, NULL, "--run", "freeze", "--until-done", NULL);
  g_assert_cmpint (run.exit_status, ==, 2);
  g_assert_nonnull (strstr (run.err, "--activate"));
}

/* --until-done quits when the job has ended, before --autoquit. The
 * autoquit's timeout starts once the window is on screen, so a Thaw that
 * waited for it would take longer than the autoquit from start to exit:
 * taking less is the proof, however long the job itself took (about 3 s
 * here, a minute in the ASan+UBSan build beside another test). */
static void
test_until_done (void)
{
  g_auto(ThawTestRun) run = { 0 };
  g_autofree char *path = thaw_test_tmp_path ("until-done.json");
  g_autoptr(JsonObject) report = NULL;
  double autoquit = 90 * thaw_test_time_scale ();
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  gint64 started = g_get_monotonic_time ();
  double seconds;

  thaw_test_run_thaw (&run, NULL, "--run", "freeze", "--activate", "start", "--until-done",
                      "--autoquit", g_ascii_dtostr (buf, sizeof buf, autoquit),
                      "--report", path, NULL);
  seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
  g_test_message ("freeze's job, start to exit: %.1f s (autoquit %.0f s)", seconds, autoquit);
  g_assert_cmpint (run.exit_status, ==, 0);
  report = thaw_test_load_report (path);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  g_assert_cmpfloat (seconds, <, autoquit);
}

static void
test_bad_autoquit (void)
{
  const char *bad[] = { "abc", "0", "-1", "5s", "", "1e9" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto(ThawTestRun) run = { 0 };

      thaw_test_run_thaw (&run, NULL, "--run", "freeze", "--autoquit", bad[i], NULL);
      g_assert_cmpint (run.exit_status, ==, 2);
      g_assert_nonnull (strstr (run.err, "--autoquit"));
    }
}

static void
test_unwritable_report (void)
{
  g_auto(ThawTestRun) run = { 0 };
  g_auto(ThawTestRun) dir_run = { 0 };
  g_autofree char *path = thaw_test_tmp_path ("r.json");
  g_autofree char *dir = g_path_get_dirname (path);

  thaw_test_run_thaw (&run, NULL, "--run", "freeze", "--autoquit", "1",
                      "--report", "/nonexistent-thaw-dir/r.json", NULL);
  g_assert_cmpint (run.exit_status, ==, 2);
  g_assert_nonnull (strstr (run.err, "/nonexistent-thaw-dir/r.json"));

  thaw_test_run_thaw (&dir_run, NULL, "--run", "freeze", "--autoquit", "1", "--report", dir, NULL);
  g_assert_cmpint (dir_run.exit_status, ==, 2);
  g_assert_nonnull (strstr (dir_run.err, "folder"));
}

static char *
autoquit_seconds (double seconds)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_dtostr (buf, sizeof buf, seconds * thaw_test_time_scale ()));
}

/* The wrong way: the same job on the main loop, which must really freeze. */
static void
test_block_freezes (void)
{
  g_auto(ThawTestRun) run = { 0 };
  g_autofree char *path = thaw_test_tmp_path ("block.json");
  g_autofree char *autoquit = autoquit_seconds (6);
  g_autoptr(JsonObject) report = NULL;
  double job_ms;

  thaw_test_run_thaw (&run, NULL, "--run", "freeze", "--activate", "block",
                      "--autoquit", autoquit, "--report", path, NULL);
  g_assert_cmpint (run.exit_status, ==, 0);
  assert_quiet (&run);

  report = thaw_test_load_report (path);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  g_assert_cmpstr (json_object_get_string_member (report, "job_mode"), ==, "main-loop");
  g_assert_cmpint (json_object_get_int_member (report, "primes"), ==, PRIMES_BELOW_LIMIT);

  /* One beat waited for the whole job: the stall is about as long as it. */
  job_ms = json_object_get_double_member (report, "job_seconds") * 1000;
  g_assert_cmpfloat (json_object_get_double_member (report, "max_ms"), >=, 2000);
  g_assert_cmpfloat (json_object_get_double_member (report, "max_ms"), >=, job_ms * 0.9);
  g_assert_cmpint (json_object_get_int_member (report, "stalls_hang"), >=, 1);
}

/* Ctrl+C in a terminal takes the same way out as the Quit action. */
static void
test_sigterm_mid_job (void)
{
  g_auto(ThawTestRun) run = { 0 };
  g_autofree char *path = thaw_test_tmp_path ("term.json");
  g_autoptr(JsonObject) report = NULL;

  thaw_test_run_thaw_signal (&run, 1.5 * thaw_test_time_scale (), SIGTERM,
                             "--run", "freeze", "--activate", "start",
                             "--report", path, NULL);
  g_assert_cmpint (run.exit_status, ==, 0);
  assert_quiet (&run);

  report = thaw_test_load_report (path);
  g_assert_true (json_object_has_member (report, "job_state"));
}

static void
test_translated (void)
{
  g_auto(ThawTestRun) run = { 0 };
  const char *env[] = { "LANGUAGE=pt_BR", "LANG=C.UTF-8", "LC_ALL=", NULL };

  thaw_test_run_thaw (&run, env, "--list", NULL);
  g_assert_cmpint (run.exit_status, ==, 0);
  g_assert_nonnull (strstr (run.out, "freeze "));
  g_assert_null (strstr (run.out, "The Frozen Window"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/thaw/cli/list", test_list);
  g_test_add_func ("/thaw/cli/version", test_version);
  g_test_add_func ("/thaw/cli/help", test_help);
  g_test_add_func ("/thaw/cli/unknown-lesson", test_unknown_lesson);
  g_test_add_func ("/thaw/cli/unknown-verb", test_unknown_verb);
  g_test_add_func ("/thaw/cli/disabled-verb", test_disabled_verb);
  g_test_add_func ("/thaw/cli/verb-without-lesson", test_verb_without_lesson);
  g_test_add_func ("/thaw/cli/until-done-without-verb", test_until_done_without_verb);
  g_test_add_func ("/thaw/cli/until-done", test_until_done);
  g_test_add_func ("/thaw/cli/bad-autoquit", test_bad_autoquit);
  g_test_add_func ("/thaw/cli/unwritable-report", test_unwritable_report);
  g_test_add_func ("/thaw/cli/translated", test_translated);
  g_test_add_func ("/thaw/freeze/block-freezes", test_block_freezes);
  g_test_add_func ("/thaw/freeze/sigterm-mid-job", test_sigterm_mid_job);

  return g_test_run ();
}
