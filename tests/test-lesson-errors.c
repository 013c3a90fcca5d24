/* test-lesson-errors.c — a worker's error reaches the user
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The invariant: when the worker fails, the run ends "failed" with the
 * worker's own GError (domain, code, message), at the point where it
 * failed, and that error is on screen: in the lesson's error box and in a
 * toast of the window, outside the lesson, whose card keeps its height. A
 * stop is not shown as a failure, and a good run after a failure clears it.
 *
 * The wrong way, drop-error: the same failure, thrown away in the worker.
 * The run ends "succeeded", the window says only "Finished" and shows no
 * error, and what really happened is counted apart: one error raised, none
 * delivered; the right way delivers every error it raises.
 *
 * The lesson's temporary inputs go to a private TMPDIR, which must be
 * empty again after every run.
 */

#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "thaw-lesson.h"
#include "thaw-lesson-page.h"
#include "thaw-test-util.h"

static char *tmp_home;      /* this process's TMPDIR */

/* The choices of the failure drop-down, in order. */
enum { CHOICE_MISSING, CHOICE_UNREADABLE, CHOICE_IO_ERROR };

static gboolean
run_ended (gpointer data)
{
  g_autoptr(JsonObject) report = thaw_test_lesson_report (data);

  return g_strcmp0 (json_object_get_string_member (report, "job_state"), "running") != 0;
}

static GtkWidget *
find_by_type (GtkWidget *root,
              GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Every text the user can see under @root. */
static void
collect_visible_texts (GtkWidget *root,
                       GPtrArray *texts)
{
  if (!gtk_widget_get_visible (root))
    return;

  if (GTK_IS_LABEL (root))
    g_ptr_array_add (texts, (gpointer) gtk_label_get_text (GTK_LABEL (root)));

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_visible_texts (child, texts);
}

static gboolean
shows_text_in (GtkWidget  *root,
               const char *text,
               gboolean    exact)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();

  collect_visible_texts (root, texts);
  for (guint i = 0; i < texts->len; i++)
    {
      const char *shown = g_ptr_array_index (texts, i);

      if (exact ? g_str_equal (shown, text) : strstr (shown, text) != NULL)
        return TRUE;
    }

  return FALSE;
}

/* In the lesson itself. */
static gboolean
shows_text (ThawLesson *lesson,
            const char *text,
            gboolean    exact)
{
  return shows_text_in (GTK_WIDGET (lesson), text, exact);
}

static void
assert_empty (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);

  g_assert_nonnull (dir);
  g_assert_null (g_dir_read_name (dir));
}

typedef struct
{
  ThawHeartbeat *heartbeat;
  GtkWidget *window;
  GtkWidget *toasts;        /* the window's, as in ThawWindow */
  ThawLesson *lesson;
} Fixture;

static void
fixture_open (Fixture *fixture)
{
  GtkWidget *page;

  fixture->heartbeat = thaw_heartbeat_new (0);
  fixture->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1100, 720);
  page = thaw_lesson_page_new (thaw_lessons_find ("errors"), fixture->heartbeat);
  fixture->lesson = thaw_lesson_page_get_lesson (THAW_LESSON_PAGE (page));
  fixture->toasts = adw_toast_overlay_new ();
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (fixture->toasts), page);
  gtk_window_set_child (GTK_WINDOW (fixture->window), fixture->toasts);
  gtk_window_present (GTK_WINDOW (fixture->window));
  thaw_test_iterate_for (0.2);
}

static void
fixture_close (Fixture *fixture)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  thaw_test_iterate_for (0.1);
  g_assert_finalize_object (fixture->heartbeat);
}

/* Sets the controls as a learner would, then runs @verb: "fail", or the
 * wrong way's "drop-error". */
static JsonObject *
run_verb (Fixture    *fixture,
          const char *verb,
          guint       choice,
          double      percent)
{
  GtkWidget *scale = find_by_type (GTK_WIDGET (fixture->lesson), GTK_TYPE_SCALE);
  GtkWidget *drop_down = find_by_type (GTK_WIDGET (fixture->lesson), GTK_TYPE_DROP_DOWN);

  g_assert_nonnull (scale);
  g_assert_nonnull (drop_down);
  gtk_range_set_value (GTK_RANGE (scale), percent);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (drop_down), choice);

  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, verb));
  thaw_test_iterate_until (run_ended, fixture->lesson, 10 * thaw_test_time_scale ());
  assert_empty (tmp_home);

  return thaw_test_lesson_report (fixture->lesson);
}

static JsonObject *
run_failing (Fixture *fixture,
             guint    choice,
             double   percent)
{
  return run_verb (fixture, "fail", choice, percent);
}

static JsonObject *
run_succeeding (Fixture *fixture)
{
  g_assert_true (thaw_lesson_activate_verb (fixture->lesson, "start"));
  thaw_test_iterate_until (run_ended, fixture->lesson, 10 * thaw_test_time_scale ());
  assert_empty (tmp_home);

  return thaw_test_lesson_report (fixture->lesson);
}

/* The failed run's error, as the report gives it and as the user sees it. */
static void
assert_failure_shown (Fixture    *fixture,
                      JsonObject *report,
                      int         code,
                      const char *code_name,
                      const char *file,
                      gint64      percent,
                      gboolean    toast_on_screen)
{
  const char *message = json_object_get_string_member (report, "error_message");
  g_autofree char *details = NULL;
  const char *toast = "The job failed: the error is in the lesson";

  g_test_message ("failed at %" G_GINT64_FORMAT " %%: %s",
                  json_object_get_int_member (report, "failed_at_percent"), message);

  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "failed");
  g_assert_cmpstr (json_object_get_string_member (report, "error_domain"), ==, "g-io-error-quark");
  g_assert_cmpint (json_object_get_int_member (report, "error_code"), ==, code);
  g_assert_nonnull (strstr (message, file));
  g_assert_cmpint (json_object_get_int_member (report, "failed_at_percent"), ==, percent);
  g_assert_cmpint (json_object_get_int_member (report, "files_read"), ==, percent);

  /* On screen: the message itself, its domain and code, and a toast. */
  details = g_strdup_printf ("Domain g-io-error-quark · code %d (%s)", code, code_name);
  g_assert_true (shows_text (fixture->lesson, message, TRUE));
  g_assert_true (shows_text (fixture->lesson, details, TRUE));
  /* The toast is the window's, not inside the lesson's card. */
  g_assert_false (shows_text (fixture->lesson, toast, TRUE));
  if (toast_on_screen)
    g_assert_true (shows_text_in (fixture->toasts, toast, TRUE));
}

/* A missing input: GIO's G_IO_ERROR_NOT_FOUND, then a good run clears it. */
static void
test_missing_then_success (void)
{
  Fixture fixture = { 0 };
  g_autoptr(JsonObject) failed = NULL;
  g_autoptr(JsonObject) succeeded = NULL;
  const char *message;

  fixture_open (&fixture);

  failed = run_failing (&fixture, CHOICE_MISSING, 40);
  assert_failure_shown (&fixture, failed, G_IO_ERROR_NOT_FOUND, "G_IO_ERROR_NOT_FOUND",
                        "input-041.txt", 40, TRUE);
  g_assert_cmpstr (json_object_get_string_member (failed, "failure"), ==, "missing");
  g_assert_true (json_object_get_null_member (failed, "checksum"));
  message = json_object_get_string_member (failed, "error_message");

  succeeded = run_succeeding (&fixture);
  g_assert_cmpstr (json_object_get_string_member (succeeded, "job_state"), ==, "succeeded");
  g_assert_cmpint (json_object_get_int_member (succeeded, "files_read"), ==, 100);
  g_assert_cmpint (json_object_get_int_member (succeeded, "failed_at_percent"), ==, -1);
  g_assert_true (json_object_get_null_member (succeeded, "error_domain"));
  g_assert_true (json_object_get_null_member (succeeded, "error_message"));
  g_assert_cmpuint (strlen (json_object_get_string_member (succeeded, "checksum")), ==, 64);
  g_assert_cmpfloat (json_object_get_double_member (succeeded, "job_seconds"), >, 1.5);
  /* The error box is gone (the toast may still be fading). */
  g_assert_false (shows_text (fixture.lesson, message, TRUE));

  fixture_close (&fixture);
}

/* The lesson's card does not grow or shrink when the error comes or goes:
 * the page under the learner's eyes stays put. */
static void
test_card_keeps_its_height (void)
{
  Fixture fixture = { 0 };
  g_autoptr(JsonObject) failed = NULL;
  g_autoptr(JsonObject) succeeded = NULL;
  int before;

  fixture_open (&fixture);
  before = gtk_widget_get_height (GTK_WIDGET (fixture.lesson));
  g_assert_cmpint (before, >, 0);

  failed = run_failing (&fixture, CHOICE_MISSING, 0);
  g_assert_cmpstr (json_object_get_string_member (failed, "job_state"), ==, "failed");
  thaw_test_iterate_for (0.1);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (fixture.lesson)), ==, before);

  succeeded = run_succeeding (&fixture);
  g_assert_cmpstr (json_object_get_string_member (succeeded, "job_state"), ==, "succeeded");
  thaw_test_iterate_for (0.1);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (fixture.lesson)), ==, before);

  fixture_close (&fixture);
}

/* A simulated I/O error, built with g_set_error(), travels the same way. */
static void
test_simulated_io_error (void)
{
  Fixture fixture = { 0 };
  g_autoptr(JsonObject) report = NULL;

  fixture_open (&fixture);

  report = run_failing (&fixture, CHOICE_IO_ERROR, 75);
  assert_failure_shown (&fixture, report, G_IO_ERROR_FAILED, "G_IO_ERROR_FAILED",
                        "input-076.txt", 75, TRUE);
  g_assert_nonnull (strstr (json_object_get_string_member (report, "error_message"),
                            g_strerror (EIO)));

  fixture_close (&fixture);
}

/* No read permission: G_IO_ERROR_PERMISSION_DENIED. The superuser may read
 * any file, and then the run honestly succeeds. */
static void
test_unreadable (void)
{
  Fixture fixture = { 0 };
  g_autoptr(JsonObject) report = NULL;

  fixture_open (&fixture);

  report = run_failing (&fixture, CHOICE_UNREADABLE, 10);
  if (geteuid () == 0)
    {
      g_test_message ("running as root: the unreadable file is read anyway");
      g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "succeeded");
      g_assert_cmpint (json_object_get_int_member (report, "files_read"), ==, 100);
      g_assert_true (shows_text (fixture.lesson, "root", FALSE));
    }
  else
    assert_failure_shown (&fixture, report, G_IO_ERROR_PERMISSION_DENIED,
                          "G_IO_ERROR_PERMISSION_DENIED", "input-011.txt", 10, TRUE);

  fixture_close (&fixture);
}

/* The very first and the very last file. */
static void
test_fail_at_the_ends (void)
{
  Fixture fixture = { 0 };
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) last = NULL;

  fixture_open (&fixture);

  first = run_failing (&fixture, CHOICE_MISSING, 0);
  assert_failure_shown (&fixture, first, G_IO_ERROR_NOT_FOUND, "G_IO_ERROR_NOT_FOUND",
                        "input-001.txt", 0, TRUE);
  /* Its toast waits for the first one to time out. */
  last = run_failing (&fixture, CHOICE_IO_ERROR, 99);
  assert_failure_shown (&fixture, last, G_IO_ERROR_FAILED, "G_IO_ERROR_FAILED",
                        "input-100.txt", 99, FALSE);

  fixture_close (&fixture);
}

/* Stop: the worker returns G_IO_ERROR_CANCELLED, which is not a failure to
 * show. */
static void
test_stop_is_not_a_failure (void)
{
  Fixture fixture = { 0 };
  g_autoptr(JsonObject) report = NULL;

  fixture_open (&fixture);

  g_assert_true (thaw_lesson_activate_verb (fixture.lesson, "start"));
  thaw_test_iterate_for (0.5);
  g_assert_true (thaw_lesson_activate_verb (fixture.lesson, "stop"));
  thaw_test_iterate_until (run_ended, fixture.lesson, 5 * thaw_test_time_scale ());
  assert_empty (tmp_home);

  report = thaw_test_lesson_report (fixture.lesson);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "cancelled");
  g_assert_true (json_object_get_null_member (report, "error_domain"));
  g_assert_false (shows_text (fixture.lesson, "The job failed", FALSE));

  /* Stopping again, with nothing running, is harmless. */
  thaw_lesson_activate_verb (fixture.lesson, "stop");

  fixture_close (&fixture);
}

/* The wrong way: the worker drops its error. The window is told the job
 * finished, and shows no error; the count tells the truth. Then the right
 * way, with the same failure, delivers what it raised. */
static void
test_drop_error (void)
{
  Fixture fixture = { 0 };
  g_autoptr(JsonObject) dropped = NULL;
  g_autoptr(JsonObject) returned = NULL;
  int height;

  fixture_open (&fixture);
  height = gtk_widget_get_height (GTK_WIDGET (fixture.lesson));

  dropped = run_verb (&fixture, "drop-error", CHOICE_MISSING, 10);
  g_test_message ("dropped: %s, %" G_GINT64_FORMAT " files read, %" G_GINT64_FORMAT " raised, %"
                  G_GINT64_FORMAT " delivered", json_object_get_string_member (dropped, "job_state"),
                  json_object_get_int_member (dropped, "files_read"),
                  json_object_get_int_member (dropped, "errors_raised"),
                  json_object_get_int_member (dropped, "errors_delivered"));
  /* What the window was told: it finished, without an error... */
  g_assert_cmpstr (json_object_get_string_member (dropped, "job_mode"), ==, "drop-error");
  g_assert_cmpstr (json_object_get_string_member (dropped, "job_state"), ==, "succeeded");
  g_assert_true (json_object_get_null_member (dropped, "error_domain"));
  g_assert_true (json_object_get_null_member (dropped, "checksum"));
  g_assert_true (shows_text (fixture.lesson, "Finished.", TRUE));
  g_assert_false (shows_text (fixture.lesson, "The job failed", FALSE));
  g_assert_false (shows_text (fixture.lesson, "input-011.txt", FALSE));
  /* ...though the worker failed at the chosen file. */
  g_assert_cmpint (json_object_get_int_member (dropped, "files_read"), ==, 10);
  g_assert_cmpint (json_object_get_int_member (dropped, "errors_raised"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (dropped, "errors_delivered"), ==, 0);
  g_assert_true (shows_text (fixture.lesson, "1 error raised in the worker, 0 reached the window.", TRUE));
  g_assert_cmpstr (json_object_get_string_member (dropped, "headline"), ==, "0 of 1");
  /* The count has its place already: the card keeps its height. */
  thaw_test_iterate_for (0.1);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (fixture.lesson)), ==, height);

  returned = run_failing (&fixture, CHOICE_MISSING, 10);
  g_assert_cmpstr (json_object_get_string_member (returned, "job_state"), ==, "failed");
  g_assert_cmpint (json_object_get_int_member (returned, "errors_raised"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (returned, "errors_delivered"), ==, 1);
  g_assert_true (shows_text (fixture.lesson, "1 error raised in the worker, 1 reached the window.", TRUE));
  g_assert_cmpstr (json_object_get_string_member (returned, "headline"), ==, "1 of 1");

  fixture_close (&fixture);
}

/* From the command line, as the generic test runs it, and with "fail". */
static void
test_command_line (void)
{
  g_auto(ThawTestRun) run = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *child_tmp = g_dir_make_tmp ("thaw-tmp-XXXXXX", &error);
  g_autofree char *path = thaw_test_tmp_path ("report.json");
  g_autofree char *tmp_env = g_strconcat ("TMPDIR=", child_tmp, NULL);
  const char *env[] = { tmp_env, NULL };
  g_autoptr(JsonObject) report = NULL;

  g_assert_no_error (error);

  thaw_test_run_thaw (&run, env, "--run", "errors", "--activate", "fail",
                      "--autoquit", "4", "--report", path, NULL);
  g_assert_cmpint (run.exit_status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");

  report = thaw_test_load_report (path);
  g_assert_cmpstr (json_object_get_string_member (report, "job_state"), ==, "failed");
  g_assert_cmpint (json_object_get_int_member (report, "error_code"), ==, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpint (json_object_get_int_member (report, "failed_at_percent"), ==, 40);
  /* Showing the failure builds widgets (the toast, the error icon), which
   * takes a few milliseconds, but a sanitizer build that unwinds the stack
   * at every allocation makes it take hundreds: there the bound would
   * measure the sanitizer. */
  if (thaw_test_time_scale () == 1.0)
    g_assert_cmpfloat (json_object_get_double_member (report, "max_ms"), <, 100);
  assert_empty (child_tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  /* Before anything asks GLib for the temporary folder: it remembers the
   * first answer. Everything the test makes goes in there, removed at the
   * end. */
  tmp_home = g_dir_make_tmp ("thaw-tmp-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("TMPDIR", tmp_home, TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/thaw/errors/missing-then-success", test_missing_then_success);
  g_test_add_func ("/thaw/errors/simulated-io-error", test_simulated_io_error);
  g_test_add_func ("/thaw/errors/card-keeps-its-height", test_card_keeps_its_height);
  g_test_add_func ("/thaw/errors/unreadable", test_unreadable);
  g_test_add_func ("/thaw/errors/fail-at-the-ends", test_fail_at_the_ends);
  g_test_add_func ("/thaw/errors/stop-is-not-a-failure", test_stop_is_not_a_failure);
  g_test_add_func ("/thaw/errors/command-line", test_command_line);
  g_test_add_func ("/thaw/errors/drop-error", test_drop_error);

  status = g_test_run ();

  thaw_test_remove_tree (tmp_home);
  g_free (tmp_home);

  return status;
}
