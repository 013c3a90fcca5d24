/* control-memcheck.c — two deliberate bugs that Memcheck must report
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test of Thaw: a test of the memcheck setup's suppressions.
 * test-memcheck-gate runs this under Valgrind, once per bug:
 *
 *   leak       a block allocated the way Thaw allocates (g_malloc through
 *              GLib) and then lost: "definitely lost";
 *   overread   a read one byte past the end of a g_malloc'd block.
 *
 * If valgrind.supp ever grew broad enough to hide these, it would hide
 * Thaw's own bugs too.
 */

#include "config.h"

#include <glib.h>

static char *volatile kept;

G_GNUC_NO_INLINE static void
leak_on_purpose (void)
{
  kept = g_strdup ("a string that nobody frees");
  kept = NULL;
}

G_GNUC_NO_INLINE static int
read_past_the_end (void)
{
  char *volatile block = g_malloc0 (8);
  int value = block[8];

  g_free (block);
  return value;
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 2 && g_str_equal (argv[1], "leak"))
    leak_on_purpose ();
  else if (argc == 2 && g_str_equal (argv[1], "overread"))
    return read_past_the_end () == 0 ? 0 : 3;
  else
    {
      g_printerr ("usage: %s leak|overread\n", argv[0]);
      return 2;
    }

  return 0;
}
