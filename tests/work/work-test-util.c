/* work-test-util.c — helpers for the tests of the lessons' work files
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "work-test-util.h"

/* Sanitizer builds set THAW_TEST_TIME_SCALE: the waits stretch with it. */
double
work_test_time_scale (void)
{
  const char *scale = g_getenv ("THAW_TEST_TIME_SCALE");
  double value = scale ? g_ascii_strtod (scale, NULL) : 1.0;

  return value >= 1.0 ? value : 1.0;
}

/* Counts this process's threads whose name (as /proc shows it, cut to 15
 * bytes) is @name, or starts with it when @prefix is set; every thread
 * when @name is NULL. GTK and GLib start and end threads of their own; a
 * lesson's threads are told apart by the names it gives them. */
static guint
count_threads_matching (const char *name,
                        gboolean    prefix)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;
  guint count = 0;

  g_assert_nonnull (dir);
  while ((tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/task", tid, "comm", NULL);
      g_autofree char *comm = NULL;

      if (name == NULL)
        {
          count++;
          continue;
        }
      /* A thread may end between the listing and the read: then it is gone. */
      if (!g_file_get_contents (path, &comm, NULL, NULL))
        continue;
      g_strchomp (comm);
      if (prefix ? g_str_has_prefix (comm, name) : g_str_equal (comm, name))
        count++;
    }

  return count;
}

/* Counts this process's threads whose name starts with @prefix; all of
 * them when @prefix is NULL. */
guint
work_test_count_threads (const char *prefix)
{
  return count_threads_matching (prefix, TRUE);
}

/* Counts this process's threads called @name. */
guint
work_test_count_threads_named (const char *name)
{
  return count_threads_matching (name, FALSE);
}

/* A thread leaves /proc a moment after it returns: waits for the count to
 * come down to @expected, and fails after a generous while. */
void
work_test_wait_for_threads (const char *prefix,
                            guint       expected)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (10 * G_USEC_PER_SEC * work_test_time_scale ());

  while (work_test_count_threads (prefix) != expected)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }
}

void
work_test_iterate_for (double seconds)
{
  gint64 until = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Runs the main loop until @done says so, for at most @seconds (stretched
 * in sanitizer builds). */
void
work_test_iterate_until (gboolean (*done) (gpointer),
                         gpointer   data,
                         double     seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * work_test_time_scale () * G_USEC_PER_SEC);

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
}
