/* test-memcheck-gate.c — fails unless Memcheck reports the control's bugs
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A memcheck run that reports nothing proves nothing unless it can be seen
 * to report something. This runs control-memcheck under Valgrind with the
 * memcheck setup's own arguments (tests/meson.build passes them, the three
 * suppression files among them) and passes only if Memcheck reports both
 * deliberate bugs, names the function they are in, and makes them fatal.
 *
 * Usage: test-memcheck-gate CONTROL VALGRIND [VALGRIND-ARG…]
 */

#include "config.h"

#include <glib.h>

static const char *control_path;
static char **valgrind_argv;

/* Runs the control's @bug under Valgrind and returns Valgrind's report. */
static char *
run_control (const char *bug,
             int        *status)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; valgrind_argv[i] != NULL; i++)
    g_ptr_array_add (argv, valgrind_argv[i]);
  g_ptr_array_add (argv, (gpointer) control_path);
  g_ptr_array_add (argv, (gpointer) bug);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, &err, status, &error);
  g_assert_no_error (error);

  g_test_message ("control %s exited with status %d", bug, *status);
  return g_steal_pointer (&err);
}

static void
expect_report (const char *bug,
               const char *what,
               const char *function)
{
  int status = 0;
  g_autofree char *report = run_control (bug, &status);
  g_autoptr(GError) error = NULL;

  if (strstr (report, what) == NULL || strstr (report, function) == NULL)
    {
      g_test_message ("valgrind's output:\n%s", report);
      g_test_fail_printf ("Memcheck did not report \"%s\" in %s () of %s",
                          what, function, control_path);
      return;
    }

  /* --error-exitcode=1: the report must fail the run. */
  g_spawn_check_wait_status (status, &error);
  g_assert_error (error, G_SPAWN_EXIT_ERROR, 1);
}

static void
test_leak_reported (void)
{
  expect_report ("leak", "definitely lost", "leak_on_purpose");
}

static void
test_overread_reported (void)
{
  expect_report ("overread", "Invalid read of size 1", "read_past_the_end");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (argc < 3)
    {
      g_printerr ("usage: %s CONTROL VALGRIND [VALGRIND-ARG…]\n", argv[0]);
      return 2;
    }
  control_path = argv[1];
  valgrind_argv = argv + 2;

  g_test_add_func ("/thaw/memcheck/leak-reported", test_leak_reported);
  g_test_add_func ("/thaw/memcheck/overread-reported", test_overread_reported);

  return g_test_run ();
}
