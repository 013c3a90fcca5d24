/* test-lesson-async-io.c — the async-io lesson: every way reads the whole
 * file and gets the checksum of a direct read; errors are shown, not fatal
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cache folder is a private temporary one ($XDG_CACHE_HOME) and the
 * generated file is 8 MB ($THAW_ASYNC_IO_MB), set before GLib first looks.
 *
 *   same-checksum     the worker (after writing the file), the asynchronous
 *                     read and the blocking read all read every byte and
 *                     get the SHA-256 of g_file_get_contents();
 *   regenerates       a missing or truncated generated file is written
 *                     again; a whole one is not; delete-file removes it;
 *   missing-file      a chosen file that does not exist, and a folder:
 *                     "failed" with the reason, in both good ways;
 *   stop-writing      Stop while the file is written leaves neither the
 *                     file nor its ".part" behind;
 *   close-mid-async   closing the window during an asynchronous read: the
 *                     lesson goes, the read's last callback runs into
 *                     nothing (ASan watches the buffer GIO writes into).
 */

#include "config.h"

#include <glib/gstdio.h>

#include "thaw-lesson.h"
#include "thaw-lesson-page.h"
#include "thaw-figure.h"
#include "thaw-test-util.h"

#define SIZE_MB 8
#define SIZE_BYTES (SIZE_MB * 1000000)

typedef struct
{
  ThawHeartbeat *heartbeat;
  GtkWidget *window;
  ThawLesson *lesson;
} Fixture;

static char *
generated_path (guint size_mb)
{
  g_autofree char *name = g_strdup_printf ("async-io-%uMB.bin", size_mb);

  return g_build_filename (g_get_user_cache_dir (), "thaw", name, NULL);
}

static void
remove_generated (guint size_mb)
{
  g_autofree char *path = generated_path (size_mb);
  g_autofree char *part = g_strconcat (path, ".part", NULL);

  g_remove (path);
  g_remove (part);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *page;

  fixture->heartbeat = thaw_heartbeat_new (0);
  /* Beating, so that each run's longest wait of the main loop is measured. */
  thaw_heartbeat_start (fixture->heartbeat, NULL);
  fixture->window = gtk_window_new ();
  page = thaw_lesson_page_new (thaw_lessons_find ("async-io"), fixture->heartbeat);
  fixture->lesson = thaw_lesson_page_get_lesson (THAW_LESSON_PAGE (page));
  gtk_window_set_child (GTK_WINDOW (fixture->window), page);
  gtk_window_present (GTK_WINDOW (fixture->window));
  thaw_test_iterate_for (0.2);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->window != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (fixture->lesson), (gpointer *) &fixture->lesson);
      gtk_window_destroy (GTK_WINDOW (fixture->window));
      g_assert_null (fixture->lesson);
    }
  thaw_test_iterate_for (0.1);
  thaw_heartbeat_stop (fixture->heartbeat);
  g_assert_finalize_object (g_steal_pointer (&fixture->heartbeat));
}

static gboolean
run_ended (gpointer data)
{
  g_autoptr(JsonObject) report = thaw_test_lesson_report (data);

  return !g_str_equal (json_object_get_string_member (report, "job_state"), "running");
}

static JsonObject *
run_to_end (ThawLesson *lesson,
            const char *verb)
{
  g_autoptr(JsonObject) report = NULL;

  g_assert_true (thaw_lesson_activate_verb (lesson, verb));
  thaw_test_iterate_until (run_ended, lesson, 30 * thaw_test_time_scale ());
  report = thaw_test_lesson_report (lesson);
  g_test_message ("%s: %s, %" G_GINT64_FORMAT " bytes, %.0f MB/s, %s%s%s",
                  verb, json_object_get_string_member (report, "job_state"),
                  json_object_get_int_member (report, "bytes"),
                  json_object_get_double_member (report, "mb_per_s"),
                  json_object_get_string_member (report, "checksum"),
                  json_object_has_member (report, "error") ? ", error: " : "",
                  json_object_has_member (report, "error") ?
                    json_object_get_string_member (report, "error") : "");

  return g_steal_pointer (&report);
}

static gboolean
blocking_wait_read_out (gpointer data)
{
  g_autoptr(JsonObject) report = thaw_test_lesson_report (data);

  return json_object_get_double_member (report, "blocking_wait_ms") > 0;
}

static char *
direct_checksum (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, ==, SIZE_BYTES);

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static GtkSpinButton *
find_spin (GtkWidget *root)
{
  if (GTK_IS_SPIN_BUTTON (root))
    return GTK_SPIN_BUTTON (root);

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkSpinButton *found = find_spin (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
assert_read_whole (JsonObject *report,
                   const char *mode,
                   const char *checksum)
{
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  g_assert_cmpstr (json_object_get_string_member (report, "mode"), ==, mode);
  g_assert_cmpint (json_object_get_int_member (report, "bytes"), ==, SIZE_BYTES);
  g_assert_cmpfloat (json_object_get_double_member (report, "mb_per_s"), >, 0);
  g_assert_cmpstr (json_object_get_string_member (report, "checksum"), ==, checksum);
}

static void
test_same_checksum (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = generated_path (SIZE_MB);
  g_autofree char *checksum = NULL;
  g_autoptr(JsonObject) worker = NULL;
  g_autoptr(JsonObject) async = NULL;
  g_autoptr(JsonObject) blocking = NULL;

  remove_generated (SIZE_MB);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (find_spin (GTK_WIDGET (fixture->lesson))), ==, SIZE_MB);

  worker = run_to_end (fixture->lesson, "start");
  g_assert_true (json_object_get_boolean_member (worker, "generated"));
  g_assert_cmpstr (json_object_get_string_member (worker, "file"), ==, path);
  checksum = direct_checksum (path);
  assert_read_whole (worker, "worker", checksum);

  async = run_to_end (fixture->lesson, "read-async");
  g_assert_false (json_object_get_boolean_member (async, "generated"));
  assert_read_whole (async, "async", checksum);

  blocking = run_to_end (fixture->lesson, "block");
  assert_read_whole (blocking, "blocking", checksum);

  /* Both good ways' figures stay side by side. */
  g_assert_cmpfloat (json_object_get_double_member (blocking, "worker_mb_per_s"), >, 0);
  g_assert_cmpfloat (json_object_get_double_member (blocking, "async_mb_per_s"), >, 0);

  /* Each way's figure is the main loop's longest wait during its run, read
   * out a moment after the run: the blocking read held the loop up. */
  thaw_test_iterate_until (blocking_wait_read_out, fixture->lesson, 5 * thaw_test_time_scale ());
  g_clear_pointer (&blocking, json_object_unref);
  blocking = thaw_test_lesson_report (fixture->lesson);
  g_test_message ("longest waits: worker %.1f ms, async %.1f ms, blocking %.1f ms",
                  json_object_get_double_member (blocking, "worker_wait_ms"),
                  json_object_get_double_member (blocking, "async_wait_ms"),
                  json_object_get_double_member (blocking, "blocking_wait_ms"));
  g_assert_cmpfloat (json_object_get_double_member (blocking, "worker_wait_ms"), >, 0);
  g_assert_cmpfloat (json_object_get_double_member (blocking, "async_wait_ms"), >, 0);
  {
    g_autofree char *shown = g_strdup_printf ("%.0f ms", json_object_get_double_member (blocking, "blocking_wait_ms"));
    g_autoptr(GPtrArray) figures = g_ptr_array_new ();
    gboolean found = FALSE;

    thaw_test_collect_widgets (GTK_WIDGET (fixture->lesson), THAW_TYPE_FIGURE, figures);
    for (guint i = 0; i < figures->len; i++)
      found |= g_strcmp0 (thaw_figure_get_value (g_ptr_array_index (figures, i)), shown) == 0;
    g_assert_true (found);
  }
}

static gboolean
file_is_gone (gpointer data)
{
  return !g_file_test (data, G_FILE_TEST_EXISTS);
}

static void
test_regenerates (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *path = generated_path (SIZE_MB);
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(JsonObject) whole = NULL;
  g_autoptr(JsonObject) vanished = NULL;

  first = run_to_end (fixture->lesson, "start");
  g_assert_cmpstr (json_object_get_string_member (first, "job_state"), ==, "succeeded");

  /* A whole file is read as it is. */
  whole = run_to_end (fixture->lesson, "start");
  g_assert_false (json_object_get_boolean_member (whole, "generated"));

  /* A truncated one is written again, and read whole. */
  g_assert_true (g_file_set_contents (path, "short", -1, NULL));
  again = run_to_end (fixture->lesson, "read-async");
  g_assert_true (json_object_get_boolean_member (again, "generated"));
  assert_read_whole (again, "async", json_object_get_string_member (first, "checksum"));

  /* So is one that vanished. */
  g_assert_cmpint (g_remove (path), ==, 0);
  vanished = run_to_end (fixture->lesson, "start");
  g_assert_true (json_object_get_boolean_member (vanished, "generated"));
  assert_read_whole (vanished, "worker", json_object_get_string_member (first, "checksum"));

  /* The bin button gives the space back. */
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "delete-file"));
  thaw_test_iterate_until (file_is_gone, path, 5 * thaw_test_time_scale ());
}

static void
check_fails (ThawLesson *lesson,
             const char *verb,
             const char *path)
{
  g_autoptr(JsonObject) report = run_to_end (lesson, verb);
  g_autofree char *basename = g_path_get_basename (path);

  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "failed");
  g_assert_true (json_object_has_member (report, "error"));
  /* The reason names the file, so the learner knows which. */
  g_assert_nonnull (strstr (json_object_get_string_member (report, "error"), basename));
  g_assert_cmpint (json_object_get_int_member (report, "bytes"), ==, 0);
}

static void
test_missing_file (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *missing = thaw_test_tmp_path ("no-such-file.bin");
  g_autofree char *folder = thaw_test_tmp_path ("a-folder");
  g_autoptr(GFile) missing_file = g_file_new_for_path (missing);
  g_autoptr(GFile) folder_file = g_file_new_for_path (folder);

  g_object_set (fixture->lesson, "file", missing_file, NULL);
  check_fails (fixture->lesson, "start", missing);
  check_fails (fixture->lesson, "read-async", missing);
  check_fails (fixture->lesson, "block", missing);

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  g_object_set (fixture->lesson, "file", folder_file, NULL);
  check_fails (fixture->lesson, "start", folder);
  check_fails (fixture->lesson, "read-async", folder);
  g_rmdir (folder);

  /* And back to the generated file, which still works. */
  g_object_set (fixture->lesson, "file", NULL, NULL);
  {
    g_autoptr(JsonObject) report = run_to_end (fixture->lesson, "start");

    g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
  }
}

static void
test_stop_writing (Fixture       *fixture,
                   gconstpointer  data)
{
  const guint big_mb = 4000;
  g_autofree char *path = generated_path (big_mb);
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_autoptr(JsonObject) report = NULL;

  remove_generated (big_mb);
  gtk_spin_button_set_value (find_spin (GTK_WIDGET (fixture->lesson)), big_mb);
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));
  thaw_test_iterate_for (0.3);
  g_assert_true (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "stop"));
  thaw_test_iterate_until (run_ended, fixture->lesson, 10 * thaw_test_time_scale ());

  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "cancelled");
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_close_mid_async (Fixture       *fixture,
                      gconstpointer  data)
{
  const guint size_mb = 300;
  g_autoptr(JsonObject) report = NULL;

  /* Write the file first, so that the next run is the read alone. */
  gtk_spin_button_set_value (find_spin (GTK_WIDGET (fixture->lesson)), size_mb);
  report = run_to_end (fixture->lesson, "start");
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");

  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "read-async"));
  thaw_test_iterate_for (0.1);
  g_clear_pointer (&report, json_object_unref);
  report = thaw_test_lesson_report (fixture->lesson);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "running");

  g_object_add_weak_pointer (G_OBJECT (fixture->lesson), (gpointer *) &fixture->lesson);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  fixture->window = NULL;
  g_assert_null (fixture->lesson);

  /* The read in flight ends now, into nothing. */
  thaw_test_iterate_for (0.5);
  remove_generated (size_mb);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cache = g_dir_make_tmp ("thaw-async-io-XXXXXX", &error);
  int status;

  g_assert_no_error (error);
  /* Before anything asks GLib for the cache folder: it asks only once. */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("THAW_ASYNC_IO_MB", G_STRINGIFY (SIZE_MB), TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_assert_true (g_str_has_prefix (g_get_user_cache_dir (), cache));

  g_test_add ("/thaw/async-io/same-checksum", Fixture, NULL, fixture_set_up, test_same_checksum, fixture_tear_down);
  g_test_add ("/thaw/async-io/regenerates", Fixture, NULL, fixture_set_up, test_regenerates, fixture_tear_down);
  g_test_add ("/thaw/async-io/missing-file", Fixture, NULL, fixture_set_up, test_missing_file, fixture_tear_down);
  g_test_add ("/thaw/async-io/stop-writing", Fixture, NULL, fixture_set_up, test_stop_writing, fixture_tear_down);
  g_test_add ("/thaw/async-io/close-mid-async", Fixture, NULL, fixture_set_up, test_close_mid_async, fixture_tear_down);

  status = g_test_run ();
  thaw_test_remove_tree (cache);

  return status;
}
