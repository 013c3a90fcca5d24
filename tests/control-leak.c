/* control-leak.c — a deliberate leak that LeakSanitizer must report
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test of Thaw: a test of the ASan build's suppressions. The memory is
 * allocated the way Thaw allocates (g_malloc through GLib) and then lost. If
 * lsan.supp ever grew broad enough to hide this, it would hide Thaw's leaks
 * too, and expect-sanitizer-report.sh fails the suite.
 */

#include "config.h"

#include <glib.h>

static char *volatile kept;

int
main (void)
{
  kept = g_strdup ("a string that nobody frees");
  kept = NULL;
  return 0;
}
