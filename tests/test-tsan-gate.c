/* test-tsan-gate.c — fails unless TSan reports the control race
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A sanitizer that reports nothing proves nothing unless it can be seen to
 * report something. This runs test-tsan-control with the suite's own
 * TSAN_OPTIONS (suppressions included) and passes only if TSan finds the
 * race there.
 */

#include "config.h"

#include <glib.h>

static const char *control_path;

static void
test_control_race_reported (void)
{
  const char *argv[] = { control_path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);

  g_test_message ("control exited with status %d", status);
  if (strstr (err, "WARNING: ThreadSanitizer: data race") == NULL)
    {
      g_test_message ("control stderr:\n%s", err);
      g_test_fail_printf ("TSan did not report the deliberate race in %s", control_path);
      return;
    }

  /* halt_on_error=1 in TSAN_OPTIONS makes the report fatal: the control
   * must not have exited cleanly. */
  g_assert_false (g_spawn_check_wait_status (status, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (argc < 2)
    {
      g_printerr ("usage: %s PATH-TO-test-tsan-control\n", argv[0]);
      return 2;
    }
  control_path = argv[1];

  g_test_add_func ("/thaw/tsan/control-race-reported", test_control_race_reported);

  return g_test_run ();
}
