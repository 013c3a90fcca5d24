/* thaw-child.c — run a wrong way that hangs in a child process, and watch it
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Some wrong ways cannot be shown inside Thaw: a thread that locks a plain
 * mutex twice waits for itself forever, and no thread can be killed, so
 * the only way to end it is to end its process. Such a wrong way runs in a
 * child process (`thaw --wrong-way NAME`, a hidden option), and the page
 * watches it from here, on the main loop:
 *
 *   - what the child writes on its standard output, a line at a time, read
 *     asynchronously (the child says what it is about to do);
 *   - every 100 ms, its threads from /proc/PID/task: their state, and for a
 *     sleeping one where it sleeps (wchan) and in which system call;
 *   - hung: every thread asleep, and no line for the hang time; or past the
 *     time limit, whatever it does. Thaw then keeps the picture of its
 *     threads, ends it with SIGKILL, and reaps it.
 *
 * Freeing a ThawChild whose process still runs kills and reaps it at once,
 * so closing the page or quitting Thaw never leaves a child behind; and the
 * child is made to die with Thaw (PR_SET_PDEATHSIG), should Thaw end
 * without freeing it.
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>

#include "thaw-child.h"
#include "thaw-procfs.h"

#define LOOK_EVERY_MS 100

struct _ThawChild
{
  GSubprocess *process;
  GDataInputStream *output;
  GCancellable *cancellable;
  guint look_id;
  guint drain_id;              /* the last output's time, once it exited */
  gboolean output_done;        /* its output has reached its end */
  gboolean process_done;       /* it has exited and been reaped */

  guint hang_ms;
  guint limit_ms;
  gint64 started_at;
  gint64 last_line_at;
  gboolean killed;

  ThawChildNews news;
  ThawChildNewsFunc news_func;
  gpointer user_data;
};

static void
tell (ThawChild *self)
{
  self->news_func (&self->news, self->user_data);
}

static void
kill_child (ThawChild *self)
{
  if (!self->killed)
    {
      self->killed = TRUE;
      g_subprocess_force_exit (self->process);
    }
}

/* Every thread asleep (S, or D in the kernel): none runs or could. */
static gboolean
all_asleep (GPtrArray *threads)
{
  if (threads == NULL || threads->len == 0)
    return FALSE;
  for (guint i = 0; i < threads->len; i++)
    {
      const ThawThreadInfo *info = threads->pdata[i];

      if (info->state != 'S' && info->state != 'D')
        return FALSE;
    }
  return TRUE;
}

static gboolean
look_cb (gpointer data)
{
  ThawChild *self = data;
  g_autofree char *task_dir = g_strdup_printf ("/proc/%d/task", self->news.pid);
  g_autoptr(GPtrArray) threads = thaw_procfs_list_threads (task_dir, NULL);
  gint64 now = g_get_monotonic_time ();
  double silent_ms = (now - self->last_line_at) / 1000.0;

  if (self->news.pid <= 0 || threads == NULL)
    return G_SOURCE_CONTINUE;   /* gone: the wait says so */

  self->news.hung = all_asleep (threads) && silent_ms >= self->hang_ms;
  self->news.timed_out = !self->news.hung && (now - self->started_at) / 1000 >= self->limit_ms;
  if (!self->news.hung && !self->news.timed_out)
    return G_SOURCE_CONTINUE;

  /* Judged: keep its picture, and end it. */
  g_clear_pointer (&self->news.threads, g_ptr_array_unref);
  self->news.threads = g_steal_pointer (&threads);
  self->news.silent_ms = silent_ms;
  self->look_id = 0;
  kill_child (self);
  tell (self);

  return G_SOURCE_REMOVE;
}

static void read_next_line (ThawChild *self);

/* The last news, once the process is reaped and its output read to the
 * end (or given up on: a process of its own may hold the pipe open). */
static void
finish (ThawChild *self)
{
  g_clear_handle_id (&self->drain_id, g_source_remove);
  g_clear_handle_id (&self->look_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  self->news.ended = TRUE;
  tell (self);
}

static gboolean
drain_timeout_cb (gpointer data)
{
  ThawChild *self = data;

  self->drain_id = 0;
  finish (self);
  return G_SOURCE_REMOVE;
}

static void
line_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  ThawChild *self = data;

  /* Cancelled: the ThawChild is gone or done, touch nothing. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (line == NULL)
    {
      /* The end of its output. */
      self->output_done = TRUE;
      if (self->process_done)
        finish (self);
      return;
    }

  g_ptr_array_add (self->news.lines, line);
  self->last_line_at = g_get_monotonic_time ();
  tell (self);
  read_next_line (self);
}

static void
read_next_line (ThawChild *self)
{
  g_data_input_stream_read_line_async (self->output, G_PRIORITY_DEFAULT, self->cancellable, line_cb, self);
}

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  GSubprocess *process = G_SUBPROCESS (source);
  g_autoptr(GError) error = NULL;
  ThawChild *self = data;

  if (!g_subprocess_wait_finish (process, result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_handle_id (&self->look_id, g_source_remove);
  self->process_done = TRUE;
  if (g_subprocess_get_if_signaled (process))
    self->news.term_signal = g_subprocess_get_term_sig (process);
  else
    self->news.exit_status = g_subprocess_get_exit_status (process);
  if (self->output_done)
    finish (self);
  else
    self->drain_id = g_timeout_add (500, drain_timeout_cb, self);
}

/* In the child, between fork and exec: should Thaw itself end without
 * freeing the ThawChild (a crash, a kill), the kernel ends the child too,
 * so that no hung child outlives Thaw. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/**
 * thaw_child_start:
 * @argv: (array zero-terminated=1): the child's command line
 * @hang_ms: how long every thread must sleep without a line of output for
 *   the child to count as hung
 * @limit_ms: the longest it may run in any case
 * @news: receives the news on the main thread: each line, the judgement,
 *   and the end, once the child is reaped and its output read (last,
 *   exactly once, unless the child is freed first)
 * @user_data: for @news
 * @error: where the reason goes if the child could not be started
 *
 * Returns: (transfer full) (nullable): the watched child
 */
ThawChild *
thaw_child_start (const char *const  *argv,
                  guint               hang_ms,
                  guint               limit_ms,
                  ThawChildNewsFunc   news,
                  gpointer            user_data,
                  GError            **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  const char *identifier;
  ThawChild *self;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (process == NULL)
    return NULL;

  self = g_new0 (ThawChild, 1);
  self->process = g_steal_pointer (&process);
  self->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  self->cancellable = g_cancellable_new ();
  self->hang_ms = hang_ms;
  self->limit_ms = limit_ms;
  self->started_at = self->last_line_at = g_get_monotonic_time ();
  /* NULL if the child has already exited and been reaped: it can be that
   * quick (a child that only says a line, under Valgrind). */
  identifier = g_subprocess_get_identifier (self->process);
  self->news.pid = identifier != NULL ? atoi (identifier) : 0;
  self->news.lines = g_ptr_array_new_with_free_func (g_free);
  self->news_func = news;
  self->user_data = user_data;

  read_next_line (self);
  g_subprocess_wait_async (self->process, self->cancellable, wait_cb, self);
  self->look_id = g_timeout_add (LOOK_EVERY_MS, look_cb, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->look_id), "thaw child watch");

  return self;
}

/**
 * thaw_child_free:
 * @self: (transfer full) (nullable): a watched child
 *
 * Kills the child if it still runs and reaps it, before returning: a
 * SIGKILL is not refused, so this waits microseconds. Nobody is called
 * afterwards.
 */
void
thaw_child_free (ThawChild *self)
{
  if (self == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->look_id, g_source_remove);
  g_clear_handle_id (&self->drain_id, g_source_remove);
  if (!self->process_done)
    {
      kill_child (self);
      g_subprocess_wait (self->process, NULL, NULL);
    }
  g_clear_object (&self->output);
  g_clear_object (&self->process);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->news.lines, g_ptr_array_unref);
  g_clear_pointer (&self->news.threads, g_ptr_array_unref);
  g_free (self);
}

/**
 * thaw_child_kill:
 * @self: a ThawChild
 *
 * Ends the child now with SIGKILL, at a moment the page chooses (a file
 * half written), however busy it is. Its last news, with the signal, comes
 * once it is reaped, as for a hung child. Does nothing once the child has
 * been killed or has exited.
 */
void
thaw_child_kill (ThawChild *self)
{
  if (self->process_done)
    return;
  g_clear_handle_id (&self->look_id, g_source_remove);
  kill_child (self);
}

int
thaw_child_get_pid (ThawChild *self)
{
  return self->news.pid;
}

/**
 * thaw_child_dup_self_path:
 *
 * The thaw program, to start as a child: the running program, unless
 * `THAW_EXE` names another (the UI tests, which are not thaw, set it to
 * the thaw they test).
 *
 * Returns: (transfer full) (nullable): its path; %NULL if it cannot be told
 */
char *
thaw_child_dup_self_path (void)
{
  const char *exe = g_getenv ("THAW_EXE");

  if (exe != NULL && *exe != '\0')
    return g_strdup (exe);
  return g_file_read_link ("/proc/self/exe", NULL);
}
