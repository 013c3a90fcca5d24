/* test-shutdown-work.c — shutdown-work.c on a plain GMainLoop, no GTK
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TSan build runs this too. Small files (a few chunks, a millisecond
 * or two each) in a folder of the test's own:
 *
 *   keeps              both jobs run to the end: the news arrives on the
 *                      main thread, in order, each job's last once; the
 *                      file is complete and read back as such; the
 *                      threads are joined
 *   stop               Stop abandons the file (G_IO_ERROR_CANCELLED) and
 *                      throws the warm-up away; the old file stays, no
 *                      temporary file is left
 *   quit               no grace: the writer gives up at once
 *                      (G_IO_ERROR_TIMED_OUT); a long grace: it finishes,
 *                      while the warm-up is thrown away
 *   in-place           stopped in place, the file is half-written
 *   fails              an unwritable target: the writer fails, and says so
 *   free-while-running freeing joins the warm-up at once, lets the writer
 *                      end within its grace, and calls nobody afterwards
 */

#include "config.h"

#include <glib/gstdio.h>

#include "shutdown-work.h"
#include "work-test-util.h"

#define OLD_CONTENTS "an old file, from before the lesson\n"

typedef struct
{
  GThread *main_thread;
  guint deliveries;
  guint last_done[3];
  gboolean in_order;
  guint finished[3];        /* each job's last news, counted */
  ShutdownOutcome outcome[3];
  GError *error;            /* the writer's */
  ShutdownFacts facts;      /* the check's */
} Record;

static void
record (const ShutdownNews *news,
        gpointer            user_data)
{
  Record *r = user_data;

  g_assert_true (g_thread_self () == r->main_thread);
  g_assert_cmpuint (r->finished[news->job], ==, 0);   /* nothing after the last */
  if (news->done < r->last_done[news->job])
    r->in_order = FALSE;
  r->deliveries++;
  r->last_done[news->job] = news->done;
  g_assert_cmpuint (news->done, <=, news->total);
  if (news->outcome == SHUTDOWN_RUNNING)
    return;

  r->finished[news->job]++;
  r->outcome[news->job] = news->outcome;
  if (news->job == SHUTDOWN_WRITER && news->error != NULL)
    r->error = g_error_copy (news->error);
  if (news->job == SHUTDOWN_CHECK)
    {
      r->facts = *news->facts;
      *news->facts = (ShutdownFacts) { 0 };
    }
}

static void
record_init (Record *r)
{
  *r = (Record) { .main_thread = g_thread_self (), .in_order = TRUE };
}

static void
record_clear (Record *r)
{
  g_clear_error (&r->error);
  shutdown_facts_clear (&r->facts);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Record, record_clear)

static gboolean
both_finished (gpointer data)
{
  Record *r = data;

  return r->finished[SHUTDOWN_WRITER] > 0 && r->finished[SHUTDOWN_WARMUP] > 0;
}

static gboolean
has_news (gpointer data)
{
  return ((Record *) data)->last_done[SHUTDOWN_WRITER] > 0;
}

static gboolean
checked (gpointer data)
{
  return ((Record *) data)->finished[SHUTDOWN_CHECK] > 0;
}

/* A folder of the test's own, with an old file in it. */
static char *
make_target (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_dir_make_tmp ("thaw-shutdown-work-XXXXXX", &error);
  char *path;

  g_assert_no_error (error);
  path = g_build_filename (folder, "target.txt", NULL);
  g_file_set_contents (path, OLD_CONTENTS, -1, &error);
  g_assert_no_error (error);

  return path;
}

/* Reads @path back with the work's own check; asserts that nothing but
 * the target is in its folder (no temporary file left), and removes both. */
static void
check_and_remove (const char    *path,
                  ShutdownFacts *facts)
{
  g_auto(Record) r;
  g_autoptr(ShutdownWork) check = NULL;
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  record_init (&r);
  check = shutdown_work_check (path, record, &r);
  work_test_iterate_until (checked, &r, 10);
  g_clear_pointer (&check, shutdown_work_free);
  *facts = r.facts;
  r.facts = (ShutdownFacts) { 0 };

  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_cmpstr (name, ==, "target.txt");
  g_unlink (path);
  g_rmdir (folder);
}

static gboolean
is_old (const char *path)
{
  g_autofree char *contents = NULL;

  return g_file_get_contents (path, &contents, NULL, NULL) && g_str_equal (contents, OLD_CONTENTS);
}

static void
test_keeps (void)
{
  g_autofree char *path = make_target ();
  g_auto(Record) r;
  g_auto(ShutdownFacts) facts = { 0 };
  g_autoptr(ShutdownWork) work = NULL;
  guint threads_before = work_test_count_threads ("thaw-w");

  record_init (&r);
  work = shutdown_work_start (path, FALSE, 10, 1000, record, &r);
  work_test_iterate_until (both_finished, &r, 30);
  g_test_message ("%u deliveries", r.deliveries);

  g_assert_true (r.in_order);
  g_assert_cmpint (r.outcome[SHUTDOWN_WRITER], ==, SHUTDOWN_KEPT);
  g_assert_cmpint (r.outcome[SHUTDOWN_WARMUP], ==, SHUTDOWN_WARMED);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.last_done[SHUTDOWN_WRITER], ==, 10);
  g_assert_cmpuint (r.last_done[SHUTDOWN_WARMUP], ==, 15);
  /* Joined by the last deliveries, before they called back. */
  work_test_wait_for_threads ("thaw-w", threads_before);

  /* Nothing more arrives, and a Stop now is for nobody. */
  shutdown_work_stop (work);
  work_test_iterate_for (0.1);
  g_assert_cmpuint (r.finished[SHUTDOWN_WRITER], ==, 1);
  g_assert_cmpuint (r.finished[SHUTDOWN_WARMUP], ==, 1);

  check_and_remove (path, &facts);
  g_assert_true (facts.complete);
  g_assert_cmpuint (facts.lines, ==, 10 * SHUTDOWN_LINES_PER_CHUNK);
  g_assert_nonnull (facts.written_by);
}

/* Starts a run of 100 chunks of 2 ms and waits for the writer's first news. */
static ShutdownWork *
start_and_wait (const char *path,
                gboolean    in_place,
                Record     *r)
{
  ShutdownWork *work;

  record_init (r);
  work = shutdown_work_start (path, in_place, 100, 2000, record, r);
  work_test_iterate_until (has_news, r, 30);
  return work;
}

static void
test_stop (void)
{
  g_autofree char *path = make_target ();
  g_auto(Record) r;
  g_auto(ShutdownFacts) facts = { 0 };
  g_autoptr(ShutdownWork) work = start_and_wait (path, FALSE, &r);

  shutdown_work_stop (work);
  shutdown_work_stop (work);
  work_test_iterate_until (both_finished, &r, 30);

  g_assert_cmpint (r.outcome[SHUTDOWN_WRITER], ==, SHUTDOWN_ABANDONED);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (r.outcome[SHUTDOWN_WARMUP], ==, SHUTDOWN_THROWN_AWAY);
  g_assert_cmpuint (r.last_done[SHUTDOWN_WRITER], <, 100);
  g_assert_true (is_old (path));
  check_and_remove (path, &facts);
  g_assert_false (facts.complete);
}

static void
test_quit (void)
{
  g_autofree char *path = make_target ();
  g_auto(Record) r;
  g_auto(ShutdownFacts) facts = { 0 };
  ShutdownWork *work = start_and_wait (path, FALSE, &r);

  /* No grace: the rest cannot be written in no time. */
  shutdown_work_quit (work, 0);
  work_test_iterate_until (both_finished, &r, 30);
  g_assert_cmpint (r.outcome[SHUTDOWN_WRITER], ==, SHUTDOWN_ABANDONED);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (r.outcome[SHUTDOWN_WARMUP], ==, SHUTDOWN_THROWN_AWAY);
  g_assert_true (is_old (path));
  g_clear_pointer (&work, shutdown_work_free);
  record_clear (&r);

  /* A minute of grace: the writer finishes, the warm-up is thrown away. */
  work = start_and_wait (path, FALSE, &r);
  shutdown_work_quit (work, 60000);
  work_test_iterate_until (both_finished, &r, 30);
  g_assert_cmpint (r.outcome[SHUTDOWN_WRITER], ==, SHUTDOWN_KEPT);
  g_assert_cmpint (r.outcome[SHUTDOWN_WARMUP], ==, SHUTDOWN_THROWN_AWAY);
  g_clear_pointer (&work, shutdown_work_free);

  check_and_remove (path, &facts);
  g_assert_true (facts.complete);
  g_assert_cmpuint (facts.lines, ==, 100 * SHUTDOWN_LINES_PER_CHUNK);
}

static void
test_in_place (void)
{
  g_autofree char *path = make_target ();
  g_auto(Record) r;
  g_auto(ShutdownFacts) facts = { 0 };
  g_autoptr(ShutdownWork) work = start_and_wait (path, TRUE, &r);

  /* Quitting stops the in-place writer wherever it is. */
  shutdown_work_quit (work, SHUTDOWN_GRACE_MS);
  work_test_iterate_until (both_finished, &r, 30);
  g_assert_cmpint (r.outcome[SHUTDOWN_WRITER], ==, SHUTDOWN_HALF_WRITTEN);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  check_and_remove (path, &facts);
  g_assert_true (facts.exists);
  g_assert_false (facts.complete);
  g_assert_cmpuint (facts.lines, >, 0);
  g_assert_cmpuint (facts.lines, <, 100 * SHUTDOWN_LINES_PER_CHUNK);
}

static void
test_fails (void)
{
  g_autofree char *old = make_target ();
  /* A folder where a file is: it cannot be made. */
  g_autofree char *path = g_build_filename (old, "target.txt", NULL);
  g_autofree char *folder = g_path_get_dirname (old);
  g_auto(Record) r;
  g_autoptr(ShutdownWork) work = NULL;

  record_init (&r);
  work = shutdown_work_start (path, FALSE, 10, 1000, record, &r);
  work_test_iterate_until (both_finished, &r, 30);
  g_assert_cmpint (r.outcome[SHUTDOWN_WRITER], ==, SHUTDOWN_FAILED);
  g_assert_nonnull (r.error);
  g_assert_true (r.error->domain == G_FILE_ERROR);
  g_assert_true (is_old (old));

  g_unlink (old);
  g_rmdir (folder);
}

static void
test_free_while_running (void)
{
  g_autofree char *path = make_target ();
  g_auto(Record) r;
  g_auto(ShutdownFacts) facts = { 0 };
  ShutdownWork *work = start_and_wait (path, FALSE, &r);
  gboolean was_old;
  guint deliveries;

  shutdown_work_free (work);
  deliveries = r.deliveries;
  /* The warm-up is joined as free() returns (give /proc a moment); the
   * writer ends within its grace, its last delivery running into nobody. */
  work_test_wait_for_threads ("thaw-warm-up", 0);
  while (work_test_count_threads ("thaw-write") > 0)
    work_test_iterate_for (0.01);
  work_test_iterate_for (0.2);
  g_assert_cmpuint (r.deliveries, ==, deliveries);

  /* Old or complete, and nothing else beside it. */
  was_old = is_old (path);
  check_and_remove (path, &facts);
  g_test_message ("the writer %s", was_old ? "gave up" : "finished");
  g_assert_true (was_old || facts.complete);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/work/shutdown/keeps", test_keeps);
  g_test_add_func ("/work/shutdown/stop", test_stop);
  g_test_add_func ("/work/shutdown/quit", test_quit);
  g_test_add_func ("/work/shutdown/in-place", test_in_place);
  g_test_add_func ("/work/shutdown/fails", test_fails);
  g_test_add_func ("/work/shutdown/free-while-running", test_free_while_running);

  return g_test_run ();
}
