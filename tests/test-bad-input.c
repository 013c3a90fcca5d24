/* test-bad-input.c — what Thaw does with input it cannot use
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One case for each row of the "Bad input" table in README.md that is not
 * already a case of its own elsewhere (test-cli.c has the unknown lesson,
 * the unknown verb, --activate without --run, bad --autoquit values and an
 * unwritable report; test-lesson-async-io.c and test-lesson-errors.c have
 * missing, unreadable and folder inputs). Every case runs the real binary.
 *
 * The rule: a mistake on the command line is a message naming it and exit
 * status 2, before any window opens; a bad setting falls back to its
 * default and loses no other setting; a folder Thaw cannot write to ends
 * the lesson's run as "failed" with the reason, and the app goes on.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "thaw-test-util.h"

/* A mistake on the command line: exit status 2, nothing on stdout, and a
 * message on stderr that contains every one of @needles. */
static void
assert_refused (const char *const *args,
                const char *const *needles)
{
  g_auto(ThawTestRun) run = { 0 };

  thaw_test_run_thaw (&run, NULL, args[0], args[1], args[2], args[3], NULL);
  g_test_message ("thaw %s %s %s → %d: %s", args[0], args[1] ? args[1] : "",
                  args[1] && args[2] ? args[2] : "", run.exit_status, run.err);
  g_assert_cmpint (run.exit_status, ==, 2);
  g_assert_cmpstr (run.out, ==, "");
  for (guint i = 0; needles[i] != NULL; i++)
    g_assert_nonnull (strstr (run.err, needles[i]));
}

static void
test_unknown_option (void)
{
  assert_refused ((const char *[]) { "--frobnicate", NULL, NULL, NULL },
                  (const char *[]) { "--frobnicate", "thaw --help", NULL });
  /* A short option that does not exist, glued to a value. */
  assert_refused ((const char *[]) { "-Z3", NULL, NULL, NULL },
                  (const char *[]) { "-Z", "thaw --help", NULL });
}

static void
test_missing_value (void)
{
  assert_refused ((const char *[]) { "--run", NULL, NULL, NULL },
                  (const char *[]) { "--run", "thaw --help", NULL });
  assert_refused ((const char *[]) { "--run", "freeze", "--report", NULL },
                  (const char *[]) { "--report", "thaw --help", NULL });
}

static void
test_stray_argument (void)
{
  /* Thaw opens no files; a word that is not an option is named, not
   * handed to GApplication (which would answer with a critical). */
  assert_refused ((const char *[]) { "notes.txt", NULL, NULL, NULL },
                  (const char *[]) { "notes.txt", "thaw --help", NULL });
  assert_refused ((const char *[]) { "--run", "freeze", "start", NULL },
                  (const char *[]) { "start", NULL });
}

static void
test_empty_values (void)
{
  assert_refused ((const char *[]) { "--run", "", NULL, NULL },
                  (const char *[]) { "no lesson", "freeze", NULL });
  assert_refused ((const char *[]) { "--run", "freeze", "--report", "" },
                  (const char *[]) { "--report", NULL });
  assert_refused ((const char *[]) { "--run", "freeze", "--activate", "" },
                  (const char *[]) { "block, start, stop", NULL });
  assert_refused ((const char *[]) { "--run", "freeze", "--autoquit", "" },
                  (const char *[]) { "--autoquit", NULL });
}

/* Settings stored by GSettings' keyfile back end, as a person might have
 * edited them by hand: numbers out of range, values of the wrong type, a
 * lesson that does not exist. One good value stands among them. */
static const char corrupt_keyfile[] =
  "[io/github/thawapp/Thaw]\n"
  "window-width=-5\n"
  "window-height='tall'\n"
  "window-maximized=maybe\n"
  "last-lesson='no-such-lesson'\n"
  "background-priority=false\n";

static void
test_corrupt_settings (void)
{
  g_autofree char *report = thaw_test_tmp_path ("report.json");
  g_autofree char *config = thaw_test_tmp_path ("config");
  g_autofree char *settings_dir = g_build_filename (config, "glib-2.0", "settings", NULL);
  g_autofree char *keyfile_path = g_build_filename (settings_dir, "keyfile", NULL);
  g_autofree char *config_env = g_strconcat ("XDG_CONFIG_HOME=", config, NULL);
  const char *env[] = { "GSETTINGS_BACKEND=keyfile", config_env, NULL };
  g_autofree char *autoquit = NULL;
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(ThawTestRun) run = { 0 };
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  int width, height;

  g_assert_cmpint (g_mkdir_with_parents (settings_dir, 0700), ==, 0);
  g_file_set_contents (keyfile_path, corrupt_keyfile, -1, &error);
  g_assert_no_error (error);

  autoquit = g_strdup (g_ascii_dtostr (buf, sizeof buf, 1.5 * thaw_test_time_scale ()));
  thaw_test_run_thaw (&run, env, "--autoquit", autoquit, "--report", report, NULL);
  g_assert_cmpint (run.exit_status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");

  /* The lesson that does not exist gave way to the first one. */
  object = thaw_test_load_report (report);
  g_assert_cmpstr (json_object_get_string_member (object, "lesson"), ==, "freeze");

  /* On the way out the window stored a size it really had, within the
   * schema's range, and the one good setting is still there. */
  g_key_file_load_from_file (keyfile, keyfile_path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  width = g_key_file_get_integer (keyfile, "io/github/thawapp/Thaw", "window-width", &error);
  g_assert_no_error (error);
  height = g_key_file_get_integer (keyfile, "io/github/thawapp/Thaw", "window-height", &error);
  g_assert_no_error (error);
  g_test_message ("stored window size: %d × %d", width, height);
  g_assert_cmpint (width, >=, 360);
  g_assert_cmpint (width, <=, 16384);
  g_assert_cmpint (height, >=, 400);
  g_assert_cmpint (height, <=, 16384);
  g_assert_false (g_key_file_get_boolean (keyfile, "io/github/thawapp/Thaw",
                                          "background-priority", &error));
  g_assert_no_error (error);
}

/* A lesson whose job writes to the cache folder, with a cache folder that
 * cannot exist: the path is taken by a plain file. Even root cannot make a
 * folder there, so this case holds whoever runs the tests. */
static void
assert_cache_refused (const char *lesson,
                      const char *state_key,
                      const char *error_key)
{
  g_autofree char *report = thaw_test_tmp_path ("report.json");
  g_autofree char *blocker = thaw_test_tmp_path ("not-a-folder");
  g_autofree char *cache_env = g_strconcat ("XDG_CACHE_HOME=", blocker, NULL);
  /* Mesa keeps a shader cache there too, and would say so on stderr. */
  const char *env[] = { cache_env, "MESA_SHADER_CACHE_DISABLE=true", NULL };
  g_autofree char *autoquit = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(ThawTestRun) run = { 0 };
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_file_set_contents (blocker, "a file where a folder should be\n", -1, &error);
  g_assert_no_error (error);

  /* The report is written once the job has ended (--until-done); the
   * autoquit is only the longest wait. A fixed wait was too short for
   * async-io under ASan beside another test: its job was still running. */
  autoquit = g_strdup (g_ascii_dtostr (buf, sizeof buf, 30 * thaw_test_time_scale ()));
  thaw_test_run_thaw (&run, env, "--run", lesson, "--activate", "start", "--until-done",
                      "--autoquit", autoquit, "--report", report, NULL);
  g_assert_cmpint (run.exit_status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");

  object = thaw_test_load_report (report);
  g_test_message ("%s: %s = %s", lesson, state_key,
                  json_object_get_string_member (object, state_key));
  g_assert_cmpstr (json_object_get_string_member (object, state_key), ==, "failed");
  if (error_key != NULL)
    g_assert_nonnull (strstr (json_object_get_string_member (object, error_key),
                              "Not a directory"));

  /* Nothing was lost: the file in the way is untouched. */
  {
    g_autofree char *contents = NULL;

    g_file_get_contents (blocker, &contents, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (contents, ==, "a file where a folder should be\n");
  }
}

static void
test_cache_not_a_folder (void)
{
  assert_cache_refused ("async-io", "job_state", "error");
  assert_cache_refused ("shutdown", "write_outcome", NULL);
}

/* The shutdown lesson reads back, at start, the file an earlier run
 * wrote. Bytes that are not its format are reported as an incomplete file,
 * and left as they are. */
static void
test_garbage_kept_file (void)
{
  g_autofree char *report = thaw_test_tmp_path ("report.json");
  g_autofree char *cache = thaw_test_tmp_path ("cache");
  g_autofree char *folder = g_build_filename (cache, "thaw", NULL);
  g_autofree char *target = g_build_filename (folder, "shutdown-lesson.txt", NULL);
  g_autofree char *cache_env = g_strconcat ("XDG_CACHE_HOME=", cache, NULL);
  const char *env[] = { cache_env, NULL };
  g_autofree char *autoquit = NULL;
  g_autofree char *after = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(ThawTestRun) run = { 0 };
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char garbage[4096];
  gsize length;

  for (guint i = 0; i < sizeof garbage; i++)
    garbage[i] = (char) g_random_int_range (0, 256);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_file_set_contents (target, garbage, sizeof garbage, &error);
  g_assert_no_error (error);

  autoquit = g_strdup (g_ascii_dtostr (buf, sizeof buf, 1.5 * thaw_test_time_scale ()));
  thaw_test_run_thaw (&run, env, "--run", "shutdown", "--autoquit", autoquit,
                      "--report", report, NULL);
  g_assert_cmpint (run.exit_status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");

  object = thaw_test_load_report (report);
  g_assert_true (json_object_get_boolean_member (object, "target_exists"));
  g_assert_false (json_object_get_boolean_member (object, "target_complete"));
  g_assert_false (json_object_get_boolean_member (object, "kept_from_previous_run"));

  g_file_get_contents (target, &after, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (after, length, garbage, sizeof garbage);
}

/* No display at all: one line that says what to do, and a failure. */
static void
test_no_display (void)
{
  const char *env[] = { "DISPLAY=", "WAYLAND_DISPLAY=", NULL };
  g_auto(ThawTestRun) run = { 0 };

  thaw_test_run_thaw (&run, env, "--run", "freeze", NULL);
  g_assert_cmpint (run.exit_status, ==, 1);
  g_assert_nonnull (strstr (run.err, "cannot open a display"));
  g_assert_cmpint (strchr (run.err, '\n') - run.err, ==, (int) strlen (run.err) - 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/thaw/bad-input/unknown-option", test_unknown_option);
  g_test_add_func ("/thaw/bad-input/missing-value", test_missing_value);
  g_test_add_func ("/thaw/bad-input/stray-argument", test_stray_argument);
  g_test_add_func ("/thaw/bad-input/empty-values", test_empty_values);
  g_test_add_func ("/thaw/bad-input/corrupt-settings", test_corrupt_settings);
  g_test_add_func ("/thaw/bad-input/cache-not-a-folder", test_cache_not_a_folder);
  g_test_add_func ("/thaw/bad-input/garbage-kept-file", test_garbage_kept_file);
  g_test_add_func ("/thaw/bad-input/no-display", test_no_display);

  return g_test_run ();
}
