/* thaw-wrong-ways.c — wrong ways that run only in a child process
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A wrong way that would hang Thaw for good (a thread that waits for
 * itself, two that wait for each other with no watchdog) or that only a
 * killed process shows (a file half written when SIGKILL came) runs as
 * `thaw --wrong-way NAME`, a hidden option, in a child process that the
 * lesson's page starts and watches (thaw-child.c). This is the table of
 * them; each is a function of its lesson's work file.
 */

#include "config.h"

#include "deadlock-work.h"
#include "recursive-work.h"
#include "shutdown-work.h"
#include "thaw-wrong-ways.h"

static const struct
{
  const char *name;
  int (*run) (void);
} wrong_ways[] = {
  { "recursive", recursive_lock_twice_main },
  { "deadlock", deadlock_no_watchdog_main },
  { "shutdown", shutdown_killed_main },
};

gboolean
thaw_wrong_way_exists (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (wrong_ways); i++)
    if (g_str_equal (wrong_ways[i].name, name))
      return TRUE;
  return FALSE;
}

/**
 * thaw_wrong_way_run:
 * @name: a wrong way's name, as thaw_wrong_way_exists() knows it
 *
 * Runs it in this process, which it may never leave.
 *
 * Returns: the process's exit status
 */
int
thaw_wrong_way_run (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (wrong_ways); i++)
    if (g_str_equal (wrong_ways[i].name, name))
      return wrong_ways[i].run ();
  g_return_val_if_reached (2);
}
