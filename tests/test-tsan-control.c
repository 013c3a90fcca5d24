/* test-tsan-control.c — the race lesson's own data race, which TSan must report
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two adder threads run the race lesson's "without a lock" way to add
 * (race_run_once() with RACE_NO_LOCK, src/lessons/race/race-work.c): the
 * very code the lesson runs, a plain read and a plain write of a shared int.
 * This program is not a test on its own: test-tsan-gate runs it in the TSan
 * build and fails unless TSan reports the race. It proves that TSan sees
 * the lesson's race, and that our suppressions and annotations have not
 * blinded it, in threads made through GLib exactly as the lessons make them.
 */

#include "config.h"

#include "race-work.h"

#define INCREMENTS 100000

int
main (void)
{
  gint64 adding_us;
  guint total = race_run_once (RACE_NO_LOCK, 2, INCREMENTS, FALSE, NULL, NULL,
                               &adding_us, NULL);

  /* Lost updates show as a total below 2 × INCREMENTS, but not always: the
   * race is real even when the total comes out right. */
  g_print ("counter = %u of %u\n", total, 2 * INCREMENTS);
  return 0;
}
