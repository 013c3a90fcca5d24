/* test-stalls.c — the main loop's stalls, timed and named
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "thaw-latest.h"
#include "thaw-stalls.h"

static void
iterate_for (double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

/* The one stall of at least @min_ms since @since_us; fails if there is none
 * or more than one. */
static ThawStall
the_stall (gint64 since_us,
           double min_ms)
{
  ThawStall stalls[64], found = { 0 };
  guint n, n_found = 0;

  /* A turn is recorded when the next one polls: one more, in case the
   * stall took the whole of the caller's iterations (under Valgrind). */
  g_main_context_iteration (NULL, FALSE);
  n = thaw_stalls_copy_recent (since_us, stalls, G_N_ELEMENTS (stalls));

  for (guint i = 0; i < n; i++)
    if (stalls[i].ms >= min_ms)
      {
        found = stalls[i];
        n_found++;
      }

  g_test_message ("%u stall(s) of %.0f ms or more; the longest: %.1f ms in \"%s\"",
                  n_found, min_ms, found.ms, found.name);
  g_assert_cmpuint (n_found, ==, 1);
  return found;
}

static void
slow_delivery_cb (gpointer value,
                  gpointer user_data)
{
  g_usleep (100000);
  *(gboolean *) user_data = TRUE;
}

/* A delivery that takes 100 ms is a stall named after its function. */
static void
test_named_delivery (void)
{
  gboolean delivered = FALSE;
  ThawLatest *latest = thaw_latest_new (slow_delivery_cb, &delivered, NULL);
  gint64 since = g_get_monotonic_time ();
  ThawStall stall;

  thaw_latest_publish (latest, GINT_TO_POINTER (1));
  while (!delivered)
    g_main_context_iteration (NULL, TRUE);
  iterate_for (0.05);

  stall = the_stall (since, 50);
  g_assert_cmpfloat (stall.ms, >=, 100);
  g_assert_cmpstr (stall.name, ==, "test-stalls.c: slow_delivery_cb");
  thaw_latest_close (latest);
}

static gboolean
nested_cb (gpointer data)
{
  guint outer = thaw_stalls_begin ("outer");
  guint inner = thaw_stalls_begin ("inner");

  g_usleep (60000);
  thaw_stalls_end (inner);
  g_usleep (5000);
  thaw_stalls_end (outer);

  return G_SOURCE_REMOVE;
}

static gboolean
short_inner_cb (gpointer data)
{
  guint outer = thaw_stalls_begin ("outer");
  guint inner = thaw_stalls_begin ("inner");

  g_usleep (5000);
  thaw_stalls_end (inner);
  g_usleep (60000);
  thaw_stalls_end (outer);

  return G_SOURCE_REMOVE;
}

/* As a frame does: the part after the frame's start is named once it is
 * known what it was. */
static gboolean
renamed_cb (gpointer data)
{
  guint outer = thaw_stalls_begin ("frame");
  guint inner = thaw_stalls_begin ("layout");

  g_usleep (60000);
  thaw_stalls_rename (inner, "drawing");
  thaw_stalls_end (inner);
  thaw_stalls_end (outer);

  return G_SOURCE_REMOVE;
}

static gboolean
quick_cb (gpointer data)
{
  return G_SOURCE_REMOVE;
}

static gboolean
unnamed_cb (gpointer data)
{
  g_usleep (60000);
  return G_SOURCE_REMOVE;
}

/* Scopes nest: the one inside is named when it took most of the time;
 * time in no scope is named "" (GTK's and GLib's own work). */
static void
test_nesting (void)
{
  gint64 since = g_get_monotonic_time ();

  g_idle_add (nested_cb, NULL);
  iterate_for (0.1);
  g_assert_cmpstr (the_stall (since, 50).name, ==, "outer › inner");

  since = g_get_monotonic_time ();
  g_idle_add (short_inner_cb, NULL);
  iterate_for (0.1);
  g_assert_cmpstr (the_stall (since, 50).name, ==, "outer");

  since = g_get_monotonic_time ();
  g_idle_add (unnamed_cb, NULL);
  iterate_for (0.1);
  g_assert_cmpstr (the_stall (since, 50).name, ==, "");

  since = g_get_monotonic_time ();
  g_idle_add (renamed_cb, NULL);
  iterate_for (0.1);
  g_assert_cmpstr (the_stall (since, 50).name, ==, "frame › drawing");
}

static gpointer
worker (gpointer data)
{
  /* Not the main thread: ignored, and ending it touches nothing. */
  guint scope = thaw_stalls_begin ("worker");

  g_usleep (1000);
  thaw_stalls_end (scope);
  return NULL;
}

static gboolean
held_cb (gpointer data)
{
  guint scope = thaw_stalls_begin ("held_cb");

  g_thread_join (g_thread_new ("worker", worker, NULL));
  g_usleep (60000);
  thaw_stalls_end (scope);

  return G_SOURCE_REMOVE;
}

static void
test_other_threads_ignored (void)
{
  gint64 since = g_get_monotonic_time ();

  g_idle_add (held_cb, NULL);
  iterate_for (0.1);
  g_assert_cmpstr (the_stall (since, 50).name, ==, "held_cb");
}

static gboolean
sleep_cb (gpointer data)
{
  g_usleep (GPOINTER_TO_UINT (data) * 1000);
  return G_SOURCE_REMOVE;
}

/* The longest few, longest first, whatever order they came in. */
static void
test_longest (void)
{
  static const guint ms[] = { 20, 60, 40, 30 };
  gint64 since = g_get_monotonic_time ();
  ThawStall longest[2];

  for (guint i = 0; i < G_N_ELEMENTS (ms); i++)
    {
      g_idle_add (sleep_cb, GUINT_TO_POINTER (ms[i]));
      iterate_for (0.03);
      g_main_context_iteration (NULL, FALSE);
    }

  g_assert_cmpuint (thaw_stalls_copy_longest (since, longest, G_N_ELEMENTS (longest)), ==, 2);
  g_test_message ("the longest: %.1f ms, then %.1f ms", longest[0].ms, longest[1].ms);
  g_assert_cmpfloat (longest[0].ms, >=, 60);
  g_assert_cmpfloat (longest[1].ms, >=, 40);
  g_assert_cmpfloat (longest[1].ms, <, longest[0].ms);
  g_assert_cmpuint (thaw_stalls_copy_longest (g_get_monotonic_time () + G_USEC_PER_SEC, longest, 2), ==, 0);
}

/* A callback that opens a scope of its name and sleeps in it. */
typedef struct
{
  const char *name;
  guint ms;
} NamedSleep;

static gboolean
named_sleep_cb (gpointer data)
{
  const NamedSleep *nap = data;
  guint scope = thaw_stalls_begin (nap->name);

  g_usleep (nap->ms * 1000);
  thaw_stalls_end (scope);
  return G_SOURCE_REMOVE;
}

/* Twenty callbacks of 3 ms ready together run in one turn: together they
 * held it, more than the one of 10 ms, and the stall says how many. */
static void
test_many_in_one_turn (void)
{
  static const NamedSleep once = { "once_cb", 10 }, small = { "small_cb", 3 };
  gint64 since = g_get_monotonic_time ();

  g_idle_add (named_sleep_cb, (gpointer) &once);
  for (guint i = 0; i < 20; i++)
    g_idle_add (named_sleep_cb, (gpointer) &small);
  iterate_for (0.1);
  g_assert_cmpstr (the_stall (since, 50).name, ==, "small_cb ×20");
}

/* Quick turns are not stalls; clear forgets. */
static void
test_quiet_and_clear (void)
{
  ThawStall stalls[64];
  gint64 since;

  g_idle_add (unnamed_cb, NULL);
  iterate_for (0.1);
  g_assert_cmpuint (thaw_stalls_copy_recent (G_MININT64, stalls, G_N_ELEMENTS (stalls)), >, 0);
  thaw_stalls_clear ();
  g_assert_cmpuint (thaw_stalls_copy_recent (G_MININT64, stalls, G_N_ELEMENTS (stalls)), ==, 0);

  since = g_get_monotonic_time ();
  for (guint i = 0; i < 20; i++)
    g_idle_add (quick_cb, NULL);
  iterate_for (0.05);
  for (guint i = 0, n = thaw_stalls_copy_recent (since, stalls, G_N_ELEMENTS (stalls)); i < n; i++)
    g_assert_cmpfloat (stalls[i].ms, <, 50);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  thaw_stalls_install (NULL);
  g_assert_true (thaw_stalls_is_installed ());

  g_test_add_func ("/thaw/stalls/named-delivery", test_named_delivery);
  g_test_add_func ("/thaw/stalls/nesting", test_nesting);
  g_test_add_func ("/thaw/stalls/other-threads-ignored", test_other_threads_ignored);
  g_test_add_func ("/thaw/stalls/longest", test_longest);
  g_test_add_func ("/thaw/stalls/many-in-one-turn", test_many_in_one_turn);
  g_test_add_func ("/thaw/stalls/quiet-and-clear", test_quiet_and_clear);

  return g_test_run ();
}
