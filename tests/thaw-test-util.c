/* thaw-test-util.c — helpers shared by Thaw's UI tests
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>

#include "thaw-test-util.h"
#include "work-test-util.h"

/* No run of Thaw in the tests should take anywhere near this long. */
#define RUN_TIMEOUT_S 120

void
thaw_test_run_clear (ThawTestRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

/**
 * thaw_test_time_scale:
 *
 * Sanitizer builds run the same jobs several times slower; the build sets
 * THAW_TEST_TIME_SCALE so that the durations tests wait for stretch with it.
 * Bounds on the main loop's lateness use thaw_test_lateness_bound_ms().
 */
/* Translations from the build tree, as main.c finds them (THAW_LOCALEDIR),
 * for tests that run in another language. */
void
thaw_test_bind_translations (void)
{
  if (g_getenv ("THAW_LOCALEDIR") != NULL)
    {
      bindtextdomain (GETTEXT_PACKAGE, g_getenv ("THAW_LOCALEDIR"));
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }
}

double
thaw_test_time_scale (void)
{
  return work_test_time_scale ();
}

/**
 * thaw_test_lateness_bound_ms:
 *
 * The longest the main loop may wait while a job runs the right way: the
 * meter's hang line, 250 ms, in a plain build. The tests run two at a time
 * on two cores, so the main thread sometimes waits for a core while the
 * other test's workers hold both; a right way that only stutters (the
 * meter's stalls, 16.7 ms and up, which thaw-bench counts) must not fail
 * a test. A sanitizer build also makes the main thread's own work (building
 * widgets, drawing) several times slower: there the bound is 100 ms times
 * the square of the time scale (900 ms at 3). A job that blocked the loop
 * still overshoots it by seconds: each test that uses the bound runs a job
 * that lasts longer than that on the main loop.
 */
double
thaw_test_lateness_bound_ms (void)
{
  double scale = thaw_test_time_scale ();

  return MAX (250.0, 100.0 * scale * scale);
}

typedef struct
{
  GMainLoop *loop;
  GSubprocess *process;
  char *out;
  char *err;
  gboolean done;
  gboolean timed_out;
} Spawned;

static void
communicated_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Spawned *spawned = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result,
                                        &spawned->out, &spawned->err, &error);
  g_assert_no_error (error);
  spawned->done = TRUE;
  g_main_loop_quit (spawned->loop);
}

static gboolean
timeout_cb (gpointer user_data)
{
  Spawned *spawned = user_data;

  spawned->timed_out = TRUE;
  g_subprocess_force_exit (spawned->process);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  GSubprocess *process;
  int signum;
} SignalLater;

static gboolean
send_signal_cb (gpointer user_data)
{
  SignalLater *later = user_data;

  g_subprocess_send_signal (later->process, later->signum);
  return G_SOURCE_REMOVE;
}

static void
run_argv (ThawTestRun        *run,
          const char * const *env,
          double              signal_after,
          int                 signum,
          GPtrArray          *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GSource) timeout = NULL;
  g_autoptr(GSource) signal_source = NULL;
  SignalLater later = { 0 };
  Spawned spawned = { 0 };
  gint64 start;

  g_main_context_push_thread_default (context);
  loop = g_main_loop_new (context, FALSE);
  spawned.loop = loop;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, pair[0], pair[1] ? pair[1] : "", TRUE);
    }

  start = g_get_monotonic_time ();
  spawned.process = g_subprocess_launcher_spawnv (launcher,
                                                  (const char * const *) argv->pdata,
                                                  &error);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8_async (spawned.process, NULL, NULL, communicated_cb, &spawned);

  timeout = g_timeout_source_new_seconds (RUN_TIMEOUT_S);
  g_source_set_callback (timeout, timeout_cb, &spawned, NULL);
  g_source_attach (timeout, context);

  if (signal_after > 0)
    {
      later.process = spawned.process;
      later.signum = signum;
      signal_source = g_timeout_source_new ((guint) (signal_after * 1000));
      g_source_set_callback (signal_source, send_signal_cb, &later, NULL);
      g_source_attach (signal_source, context);
    }

  while (!spawned.done)
    g_main_loop_run (loop);

  g_subprocess_wait (spawned.process, NULL, &error);
  g_assert_no_error (error);

  run->seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  if (g_subprocess_get_if_exited (spawned.process))
    run->exit_status = g_subprocess_get_exit_status (spawned.process);
  else
    run->exit_status = 128 + g_subprocess_get_term_sig (spawned.process);
  run->out = g_steal_pointer (&spawned.out);
  run->err = g_steal_pointer (&spawned.err);

  g_source_destroy (timeout);
  if (signal_source != NULL)
    g_source_destroy (signal_source);
  g_clear_object (&spawned.process);
  g_main_context_pop_thread_default (context);

  if (spawned.timed_out)
    g_error ("thaw did not exit within %d s; stderr:\n%s", RUN_TIMEOUT_S, run->err);

  g_test_message ("thaw exited with %d after %.2f s", run->exit_status, run->seconds);
  if (run->err != NULL && *run->err != '\0')
    g_test_message ("stderr:\n%s", run->err);
}

static GPtrArray *
collect_argv (const char *first_arg,
              va_list     args)
{
  GPtrArray *argv = g_ptr_array_new ();
  const char *exe = g_getenv ("THAW_EXE");

  g_assert_nonnull (exe);
  g_ptr_array_add (argv, (gpointer) exe);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);

  return argv;
}

/**
 * thaw_test_run_thaw:
 * @run: (out caller-allocates): what happened
 * @env: (nullable): extra NAME=VALUE pairs for the environment
 * @first_arg: the first command-line argument, then more, then %NULL
 *
 * Runs the real `thaw` binary to the end and collects its output.
 */
void
thaw_test_run_thaw (ThawTestRun        *run,
                    const char * const *env,
                    const char         *first_arg,
                    ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  va_list args;

  va_start (args, first_arg);
  argv = collect_argv (first_arg, args);
  va_end (args);

  run_argv (run, env, 0, 0, argv);
}

/**
 * thaw_test_run_thaw_signal:
 * @run: (out caller-allocates): what happened
 * @signal_after: seconds after the start to send @signum
 * @signum: a signal, such as SIGTERM
 * @first_arg: the first command-line argument, then more, then %NULL
 */
void
thaw_test_run_thaw_signal (ThawTestRun *run,
                           double       signal_after,
                           int          signum,
                           const char  *first_arg,
                           ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  va_list args;

  va_start (args, first_arg);
  argv = collect_argv (first_arg, args);
  va_end (args);

  run_argv (run, NULL, signal_after, signum, argv);
}

/**
 * thaw_test_load_report:
 * @path: a report written by `thaw --report`
 *
 * Returns: (transfer full): its top-level object; the test fails if the
 *   file is missing or not a JSON object
 */
JsonObject *
thaw_test_load_report (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);

  root = json_parser_get_root (parser);
  g_assert_nonnull (root);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  return json_object_ref (json_node_get_object (root));
}

/**
 * thaw_test_lesson_report:
 * @lesson: a lesson, in this process
 *
 * Returns: (transfer full): what the lesson adds to a report, the members
 *   that `thaw --report` would write for it
 */
JsonObject *
thaw_test_lesson_report (ThawLesson *lesson)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  thaw_lesson_report (lesson, builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  return json_object_ref (json_node_get_object (root));
}

typedef struct
{
  ThawLesson *lesson;
  const char *member;
  const char *value;
} WaitMember;

/* A report's member as text: numbers in C's way, booleans as true/false. */
static char *
member_text (JsonObject *report,
             const char *member)
{
  JsonNode *node = json_object_get_member (report, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? "true" : "false");
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    default:
      return NULL;
    }
}

static gboolean
member_is (gpointer data)
{
  WaitMember *wait = data;
  g_autoptr(JsonObject) report = thaw_test_lesson_report (wait->lesson);
  g_autofree char *text = member_text (report, wait->member);

  return g_strcmp0 (text, wait->value) == 0;
}

/**
 * thaw_test_wait_for_member:
 * @lesson: a lesson
 * @member: a member of its report
 * @value: what it should come to say, as text: "3", "true", "paused"
 *
 * Runs the main loop until the report says so (20 s, scaled, at most: the
 * test fails then).
 *
 * Returns: (transfer full): the report that said so
 */
JsonObject *
thaw_test_wait_for_member (ThawLesson *lesson,
                           const char *member,
                           const char *value)
{
  WaitMember wait = { lesson, member, value };

  g_test_message ("waiting for %s = %s", member, value);
  thaw_test_iterate_until (member_is, &wait, 20 * thaw_test_time_scale ());
  return thaw_test_lesson_report (lesson);
}

/* The folders thaw_test_tmp_path() made, removed as the test exits. */
static GPtrArray *tmp_dirs;

static void
remove_tmp_dirs (void)
{
  for (guint i = 0; i < tmp_dirs->len; i++)
    thaw_test_remove_tree (g_ptr_array_index (tmp_dirs, i));
  g_clear_pointer (&tmp_dirs, g_ptr_array_unref);
}

/**
 * thaw_test_tmp_path:
 * @name: a file name
 *
 * Returns: (transfer full): a fresh path for @name in a private folder,
 *   which is removed with what it holds when the test exits normally
 */
char *
thaw_test_tmp_path (const char *name)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("thaw-test-XXXXXX", &error);

  g_assert_no_error (error);
  if (tmp_dirs == NULL)
    {
      tmp_dirs = g_ptr_array_new_with_free_func (g_free);
      atexit (remove_tmp_dirs);
    }
  g_ptr_array_add (tmp_dirs, dir);

  return g_build_filename (dir, name, NULL);
}

/**
 * thaw_test_remove_tree:
 * @path: a folder a test or the soak made
 *
 * Removes @path and everything in it, without following symbolic links.
 *
 * Returns: whether @path itself could be removed
 */
gboolean
thaw_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        thaw_test_remove_tree (child);
      else
        g_remove (child);
    }

  return g_rmdir (path) == 0;
}

/**
 * thaw_test_count_threads:
 *
 * Returns: how many threads this process has, from /proc/self/task
 */
guint
thaw_test_count_threads (void)
{
  return work_test_count_threads (NULL);
}

/**
 * thaw_test_count_threads_named:
 * @name: a thread name
 *
 * Returns: how many of this process's threads are called @name
 */
guint
thaw_test_count_threads_named (const char *name)
{
  return work_test_count_threads_named (name);
}

/**
 * thaw_test_count_threads_with_prefix:
 * @prefix: the start of a thread name
 *
 * Returns: how many of this process's threads have names starting with @prefix
 */
guint
thaw_test_count_threads_with_prefix (const char *prefix)
{
  return work_test_count_threads (prefix);
}

/**
 * thaw_test_find_button:
 * @root: a widget
 * @action: a detailed action name, e.g. "lesson.stop"
 *
 * Returns: (transfer none) (nullable): the first button under @root that
 *   activates @action
 */
GtkWidget *
thaw_test_find_button (GtkWidget  *root,
                       const char *action)
{
  if (GTK_IS_BUTTON (root) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = thaw_test_find_button (child, action);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * thaw_test_iterate_for:
 * @seconds: how long
 *
 * Runs the default main context for @seconds, as the app's main loop would.
 */
void
thaw_test_iterate_for (double seconds)
{
  work_test_iterate_for (seconds);
}

/**
 * thaw_test_scroll_into_view:
 * @widget: a widget in a scrolled window, such as a lesson's
 *
 * Scrolls its scrolled window so that @widget's top is at the top of the
 * view: a lesson page draws only what shows (ThawCullBox), and a test of
 * what a widget drew needs it drawn.
 */
void
thaw_test_scroll_into_view (GtkWidget *widget)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;
  graphene_rect_t bounds;

  g_assert_nonnull (scroller);
  g_assert_true (gtk_widget_compute_bounds (widget, scroller, &bounds));
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + bounds.origin.y);
}

/**
 * thaw_test_iterate_until:
 * @done: a predicate, checked between iterations
 * @data: its argument
 * @seconds: how long to wait at most; the test fails after that
 *
 * Runs the default main context until @done returns %TRUE.
 */
void
thaw_test_iterate_until (gboolean (*done) (gpointer),
                         gpointer   data,
                         double     seconds)
{
  /* @seconds is stretched already; work_test_iterate_until() stretches. */
  work_test_iterate_until (done, data, seconds / work_test_time_scale ());
}

/* Every widget of @type at or below @root, in order, into @found. */
void
thaw_test_collect_widgets (GtkWidget *root,
                           GType      type,
                           GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    g_ptr_array_add (found, root);

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    thaw_test_collect_widgets (child, type, found);
}

/* Runs the current test again in a child process that speaks @language
 * (LANGUAGE) in the locale @locale (LC_ALL), and asserts that it passed. */
void
thaw_test_trap_in_language (const char *language,
                            const char *locale)
{
  g_setenv ("LANGUAGE", language, TRUE);
  g_setenv ("LC_ALL", locale, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv ("LANGUAGE");
  g_unsetenv ("LC_ALL");
  g_test_trap_assert_passed ();
}

/* Whether a process with this id still exists (as a zombie too). */
gboolean
thaw_test_process_exists (int pid)
{
  return pid > 0 && (kill (pid, 0) == 0 || errno != ESRCH);
}
