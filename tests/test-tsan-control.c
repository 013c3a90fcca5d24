/* test-tsan-control.c — a deliberate data race that TSan must report
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two threads add to a plain int with no lock. This program is not a test
 * on its own: test-tsan-gate runs it in the TSan build and fails unless
 * TSan reports the race. It is the proof that our suppressions and
 * annotations have not blinded TSan, in threads made through GLib exactly
 * as the engine makes them.
 */

#include "config.h"

#include <glib.h>

#define ROUNDS 100000

/* volatile only keeps the compiler from folding the loop into one add;
 * it is no synchronization, which is the point. */
static volatile int counter;

static gpointer
add_many (gpointer data)
{
  for (int i = 0; i < ROUNDS; i++)
    counter = counter + 1;

  return NULL;
}

int
main (void)
{
  GThread *a = g_thread_new ("racer-a", add_many, NULL);
  GThread *b = g_thread_new ("racer-b", add_many, NULL);

  g_thread_join (a);
  g_thread_join (b);

  /* Lost updates show as a total below 2 × ROUNDS, but not always: the
   * race is real even when the total comes out right. */
  g_print ("counter = %d of %d\n", counter, 2 * ROUNDS);
  return 0;
}
