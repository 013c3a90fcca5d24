/* test-child.c — ThawChild: a child process watched, judged and ended
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The children are small shell programs, so that the engine is tested
 * without Thaw's own wrong ways (test-lesson-recursive runs the real one).
 *
 *   hung        a child that says a line and sleeps: judged hung once the
 *               hang time has passed in silence, every thread asleep in a
 *               known system call; ended with SIGKILL and reaped
 *   exits       a child that finishes by itself: its lines and its exit
 *               status, never judged
 *   busy        a child that keeps running: not hung, however silent; the
 *               time limit ends it
 *   free        freeing a watched child kills and reaps it at once, and
 *               nobody is called afterwards
 *   parent-dies a process that ends without freeing its ThawChild (as a
 *               crash would) takes the child with it
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "thaw-child.h"
#include "thaw-procfs.h"

typedef struct
{
  guint calls;
  gboolean ended;
  gboolean hung;
  gboolean timed_out;
  int pid;
  int term_signal;
  int exit_status;
  guint n_lines;
  char *first_line;
  char *syscall;             /* of the first thread, when judged */
  guint n_threads;
} Seen;

static void
record (const ThawChildNews *news,
        gpointer             user_data)
{
  Seen *seen = user_data;

  g_assert_false (seen->ended);   /* nothing after the end */
  seen->calls++;
  seen->pid = news->pid;
  seen->n_lines = news->lines->len;
  if (news->lines->len > 0 && seen->first_line == NULL)
    seen->first_line = g_strdup (news->lines->pdata[0]);
  if (news->threads != NULL && seen->n_threads == 0)
    {
      const ThawThreadInfo *info = news->threads->pdata[0];

      seen->n_threads = news->threads->len;
      seen->syscall = g_strdup (info->syscall);
    }
  seen->hung = news->hung;
  seen->timed_out = news->timed_out;
  seen->ended = news->ended;
  seen->term_signal = news->term_signal;
  seen->exit_status = news->exit_status;
}

static void
seen_clear (Seen *seen)
{
  g_free (seen->first_line);
  g_free (seen->syscall);
}

static void
run_until_ended (Seen *seen)
{
  gint64 give_up = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!seen->ended)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, give_up);
    }
}

/* Whether a process with this id still exists (as a zombie too); 0 is
 * the pid of a child that had ended before it could be told. */
static gboolean
process_exists (int pid)
{
  return pid > 0 && (kill (pid, 0) == 0 || errno != ESRCH);
}

static void
test_hung (void)
{
  const char *argv[] = { "/bin/sh", "-c", "echo waiting; exec sleep 60", NULL };
  Seen seen = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(ThawChild) child = thaw_child_start (argv, 300, 20000, record, &seen, &error);
  gint64 started = g_get_monotonic_time ();

  g_assert_no_error (error);
  run_until_ended (&seen);
  g_assert_true (seen.hung);
  g_assert_false (seen.timed_out);
  g_assert_cmpstr (seen.first_line, ==, "waiting");
  g_assert_cmpuint (seen.n_threads, ==, 1);
  /* sleep(1) sleeps in a nanosleep call, where the kernel shows it. */
  g_assert_nonnull (seen.syscall);
  g_assert_true (g_str_has_suffix (seen.syscall, "nanosleep"));
  g_assert_cmpint (seen.term_signal, ==, SIGKILL);
  g_assert_false (process_exists (seen.pid));
  /* Not before the hang time; well before the limit. */
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 300 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 15 * G_USEC_PER_SEC);
  seen_clear (&seen);
}

static void
test_exits (void)
{
  const char *argv[] = { "/bin/sh", "-c", "echo one; echo two; exit 3", NULL };
  Seen seen = { 0 };
  g_autoptr(ThawChild) child = thaw_child_start (argv, 5000, 20000, record, &seen, NULL);

  run_until_ended (&seen);
  g_assert_false (seen.hung);
  g_assert_false (seen.timed_out);
  g_assert_cmpint (seen.term_signal, ==, 0);
  g_assert_cmpint (seen.exit_status, ==, 3);
  /* Its whole output, before the end. */
  g_assert_cmpuint (seen.n_lines, ==, 2);
  g_assert_false (process_exists (seen.pid));
  seen_clear (&seen);
}

static void
test_busy (void)
{
  const char *argv[] = { "/bin/sh", "-c", "while :; do :; done", NULL };
  Seen seen = { 0 };
  g_autoptr(ThawChild) child = thaw_child_start (argv, 200, 1500, record, &seen, NULL);

  run_until_ended (&seen);
  g_assert_false (seen.hung);
  g_assert_true (seen.timed_out);
  g_assert_cmpint (seen.term_signal, ==, SIGKILL);
  g_assert_false (process_exists (seen.pid));
  seen_clear (&seen);
}

static void
test_free (void)
{
  const char *argv[] = { "/bin/sh", "-c", "exec sleep 60", NULL };
  Seen seen = { 0 };
  ThawChild *child = thaw_child_start (argv, 60000, 60000, record, &seen, NULL);
  int pid;

  g_assert_nonnull (child);
  pid = thaw_child_get_pid (child);
  g_assert_true (process_exists (pid));
  thaw_child_free (child);
  g_assert_false (process_exists (pid));
  /* Whatever the main loop still had queued for it calls nobody. */
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (seen.calls, ==, 0);
  seen_clear (&seen);
}

/* Where the process of parent-dies writes its child's pid: a name both it
 * and the test know, from the test's pid. */
static char *
pid_file_path (int test_pid)
{
  return g_strdup_printf ("%s/thaw-test-child-%d", g_get_tmp_dir (), test_pid);
}

static void
test_parent_dies (void)
{
  g_autofree char *path = NULL;
  g_autofree char *pid_text = NULL;
  gint64 give_up;
  int pid;

  if (g_test_subprocess ())
    {
      const char *argv[] = { "/bin/sh", "-c", "exec sleep 60", NULL };
      ThawChild *child = thaw_child_start (argv, 60000, 60000, record, NULL, NULL);
      g_autofree char *text = g_strdup_printf ("%d", thaw_child_get_pid (child));

      path = pid_file_path (getppid ());
      g_assert_true (g_file_set_contents (path, text, -1, NULL));
      /* Gone without a word to the child: no free, no kill. */
      _exit (0);
    }

  path = pid_file_path (getpid ());
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_assert_true (g_file_get_contents (path, &pid_text, NULL, NULL));
  g_unlink (path);
  pid = atoi (pid_text);
  g_assert_cmpint (pid, >, 0);

  /* The kernel sends it SIGKILL as its parent goes; whoever adopts it
   * reaps it. */
  give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (process_exists (pid))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, give_up);
      g_usleep (10000);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/thaw/child/hung", test_hung);
  g_test_add_func ("/thaw/child/exits", test_exits);
  g_test_add_func ("/thaw/child/busy", test_busy);
  g_test_add_func ("/thaw/child/free", test_free);
  g_test_add_func ("/thaw/child/parent-dies", test_parent_dies);

  return g_test_run ();
}
