/* test-lessons.c — what every lesson must do, checked for each of them
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For every lesson in the table:
 *
 *   responsive     `thaw --run ID --activate start` finishes its job the
 *                  right way, and the main loop never waited 100 ms;
 *   quit-mid-job   quitting while the job runs exits promptly and cleanly;
 *   close-mid-job  destroying the lesson while its job runs leaves no thread
 *                  behind and no callback that runs afterwards.
 *
 * What a lesson teaches is checked in its own test-lesson-ID.c.
 */

#include "config.h"

#include "thaw-lesson.h"
#include "thaw-lesson-page.h"
#include "thaw-test-util.h"

#include <glib/gstdio.h>

static char *
seconds_arg (double seconds)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_dtostr (buf, sizeof buf, seconds));
}

static void
test_responsive (gconstpointer data)
{
  const ThawLessonInfo *info = data;
  g_auto(ThawTestRun) run = { 0 };
  g_autofree char *path = thaw_test_tmp_path ("report.json");
  g_autofree char *autoquit = seconds_arg (6 * thaw_test_time_scale ());
  g_autoptr(JsonObject) report = NULL;

  /* What this measures is time, and a sanitizer build measures the
   * sanitizer. There each lesson's job still runs to its end in the
   * lesson's own test, and quit-mid-job and close-mid-job below run it
   * under ASan too. */
  if (thaw_test_time_scale () > 1.0)
    {
      g_test_skip ("lateness is measured in the plain build");
      return;
    }

  thaw_test_run_thaw (&run, NULL, "--run", info->id, "--activate", "start",
                      "--autoquit", autoquit, "--report", path, NULL);
  g_assert_cmpint (run.exit_status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");

  report = thaw_test_load_report (path);
  g_test_message ("%s: job_state %s, max %.1f ms, p99 %.1f ms, %" G_GINT64_FORMAT " frames",
                  info->id,
                  json_object_get_string_member (report, "job_state"),
                  json_object_get_double_member (report, "max_ms"),
                  json_object_get_double_member (report, "p99_ms"),
                  json_object_get_int_member (report, "frames"));
  g_assert_cmpstr (json_object_get_string_member (report, "lesson"), ==, info->id);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  g_assert_cmpint (json_object_get_int_member (report, "samples"), >, 100);
  g_assert_cmpfloat (json_object_get_double_member (report, "max_ms"), <, thaw_test_lateness_bound_ms ());
}

/* Seconds from when @path was last written until now, on the wall clock
 * (file times are wall-clock times). */
static double
seconds_since_written (const char *path)
{
  GStatBuf st;
  gint64 written_us;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  written_us = (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;

  return (g_get_real_time () - written_us) / (double) G_USEC_PER_SEC;
}

static void
test_quit_mid_job (gconstpointer data)
{
  const ThawLessonInfo *info = data;
  g_auto(ThawTestRun) run = { 0 };
  g_autofree char *path = thaw_test_tmp_path ("report.json");
  g_autoptr(JsonObject) report = NULL;
  double way_out;

  thaw_test_run_thaw (&run, NULL, "--run", info->id, "--activate", "start",
                      "--autoquit", "1", "--report", path, NULL);
  /* The report is written as the window starts to close; from then until
   * the process has exited is the way out: cancelling the job, joining its
   * threads, finishing what must be finished. */
  way_out = seconds_since_written (path);
  g_assert_cmpint (run.exit_status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");

  report = thaw_test_load_report (path);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "running");

  g_test_message ("%s: exited %.2f s after start, %.3f s after the window began to close",
                  info->id, run.seconds, way_out);
  g_assert_cmpfloat (way_out, >=, 0);
  g_assert_cmpfloat (way_out, <, 2.0 * thaw_test_time_scale ());
}

static void
test_close_mid_job (gconstpointer data)
{
  const ThawLessonInfo *info = data;
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = thaw_lesson_page_new (info, heartbeat);
  ThawLesson *lesson = thaw_lesson_page_get_lesson (THAW_LESSON_PAGE (page));
  guint threads_before;
  gint64 start, deadline;

  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  thaw_test_iterate_for (0.3);

  threads_before = thaw_test_count_threads ();
  g_object_add_weak_pointer (G_OBJECT (lesson), (gpointer *) &lesson);
  g_assert_true (thaw_lesson_activate_verb (lesson, "start"));
  thaw_test_iterate_for (0.5);
  g_test_message ("%s: %u threads before start, %u while it runs",
                  info->id, threads_before, thaw_test_count_threads ());

  start = g_get_monotonic_time ();
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_null (lesson);

  /* Every thread the lesson started is gone within two seconds. */
  deadline = start + 2 * G_USEC_PER_SEC * (gint64) thaw_test_time_scale ();
  while (thaw_test_count_threads () > threads_before)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_test_message ("%s: closed in %.1f ms", info->id, (g_get_monotonic_time () - start) / 1000.0);

  /* Whatever the lesson had scheduled runs into nothing (a callback that
   * touched the destroyed lesson would crash here, or under ASan). */
  thaw_test_iterate_for (0.5);
  g_assert_finalize_object (g_steal_pointer (&heartbeat));
}

int
main (int   argc,
      char *argv[])
{
  const ThawLessonInfo *const *lessons;
  guint n;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  lessons = thaw_lessons_get_all (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *responsive = g_strdup_printf ("/thaw/lessons/%s/responsive", lessons[i]->id);
      g_autofree char *quit = g_strdup_printf ("/thaw/lessons/%s/quit-mid-job", lessons[i]->id);
      g_autofree char *close = g_strdup_printf ("/thaw/lessons/%s/close-mid-job", lessons[i]->id);

      g_test_add_data_func (close, lessons[i], test_close_mid_job);
      g_test_add_data_func (responsive, lessons[i], test_responsive);
      g_test_add_data_func (quit, lessons[i], test_quit_mid_job);
    }

  return g_test_run ();
}
