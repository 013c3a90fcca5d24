/* errors-work.c — When a worker fails: the error travels back with the result
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A worker reads one hundred input files, one after another. At a chosen
 * point it can fail: the next file is missing, or has no read permission,
 * or reading it gives an I/O error (simulated with g_set_error()). The
 * failure is a GError, and it travels back to the main thread with the
 * result, where the page shows it: its message, domain and code.
 *
 *   errors_work_start()  starts the worker; its progress arrives on the
 *       main thread through a ThawLatest, its outcome through a GTask;
 *   errors_work_stop()   cancels it: cancelling is an error too, but one
 *       that the user asked for;
 *   errors_work_free()   stops and joins the worker: nothing is delivered
 *       afterwards.
 *
 * The wrong way, ERRORS_DROPPED, is the same worker with one line more: it
 * throws its error away with g_clear_error() and reports "done", so the
 * window never hears of the failure (the way a Python thread's exception
 * is only printed, and the caller never knows). To show what was lost, the
 * lesson counts the errors raised in the worker and the errors that reach
 * the main thread, apart: errors_work_count_errors(). A real program could
 * not count what it throws away.
 *
 * The result travels in a GTask. The worker returns it with
 * g_task_return_pointer() or g_task_return_error(), from its own thread;
 * GTask delivers it on the main thread, where g_task_propagate_pointer()
 * gives back the value or the error. This is the C counterpart of Python's
 * Future.result(), which re-raises the worker's exception in the caller.
 *
 * Why a GTask and a thread of our own, rather than g_task_run_in_thread()?
 * That function borrows a thread from GLib's shared pool, which keeps the
 * thread around after the task; Thaw joins every thread it starts, so the
 * worker is made with g_thread_new() and GTask does what it is best at,
 * carrying a value or an error back to the main thread.
 *
 * GLib, GIO and pthreads only; errors-page.c puts it on screen.
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "errors-work.h"
#include "thaw-latest.h"
#include "thaw-priority.h"
#include "thaw-tsan.h"

/* What the worker needs. Everything but the counts is set before the thread
 * starts and never changes; the counts are only touched with g_atomic_int_*().
 * The result does not live here: it travels in the GTask, which owns this. */
typedef struct
{
  guint n_inputs;
  guint pause_us;
  ErrorsFailure failure;
  guint fail_at;            /* the index of the input that fails */
  ErrorsHandling handling;
  ThawLatest *progress;     /* the worker's own reference */
  int inputs_read;
  int errors_raised;        /* the lesson's count, not the program's */
} ReadJob;

static void
read_job_free (ReadJob *job)
{
  /* Any thread: whoever drops the task last. */
  thaw_latest_unref (job->progress);
  g_free (job);
}

/* The inputs. In a real program the user picks them; here the worker lays
 * them out in a fresh temporary folder, and spoils one on request. */

static char *
input_path (const char *folder,
            guint       index)
{
  g_autofree char *name = g_strdup_printf ("input-%03u.txt", index + 1);

  return g_build_filename (folder, name, NULL);
}

static gboolean
lay_out_inputs (ReadJob     *job,
                const char  *folder,
                GError     **error)
{
  g_autofree char *contents = g_strnfill (ERRORS_INPUT_BYTES - 1, 'x');

  for (guint i = 0; i < job->n_inputs; i++)
    {
      g_autofree char *path = input_path (folder, i);

      if (job->failure == ERRORS_FAILURE_MISSING && i == job->fail_at)
        continue;

      if (!g_file_set_contents (path, contents, -1, error))
        return FALSE;

      if (job->failure == ERRORS_FAILURE_UNREADABLE && i == job->fail_at)
        g_chmod (path, 0);
    }

  return TRUE;
}

static void
remove_inputs (ReadJob    *job,
               const char *folder)
{
  for (guint i = 0; i < job->n_inputs; i++)
    {
      g_autofree char *path = input_path (folder, i);

      /* Deleting needs no permission on the file itself, only on the
       * folder, so the unreadable input goes too. */
      g_unlink (path);
    }
  g_rmdir (folder);
}

/* Reads one input. Failures come from GIO as they would for any file; the
 * I/O error is simulated, built with g_set_error() exactly as GIO builds
 * its own: a message for people is translated where it is made. */
static GBytes *
read_input (ReadJob       *job,
            const char    *path,
            guint          index,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  char *contents;
  gsize length;

  if (job->failure == ERRORS_FAILURE_IO_ERROR && index == job->fail_at)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (EIO),
                   /* Translators: the first %s is a file, the second the
                    * reason, as in GIO's own messages. */
                   _("Error reading file %s: %s"), path, g_strerror (EIO));
      return NULL;
    }

  if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, error))
    return NULL;

  return g_bytes_new_take (contents, length);
}

/* The whole job: returns the checksum of all inputs, or NULL and @error. */
static char *
read_all_inputs (ReadJob       *job,
                 const char    *folder,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  for (guint i = 0; i < job->n_inputs; i++)
    {
      g_autofree char *path = input_path (folder, i);
      g_autoptr(GBytes) bytes = NULL;

      /* A stop is reported like any failure: G_IO_ERROR_CANCELLED. */
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      bytes = read_input (job, path, i, cancellable, error);
      if (bytes == NULL)
        return NULL;   /* the error is set: pass it on, add nothing */

      g_checksum_update (checksum, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes));

      /* The progress: the count travels as the pointer itself. However
       * often this is called, at most one delivery waits on the main loop,
       * with the latest count. */
      g_atomic_int_set (&job->inputs_read, (int) i + 1);
      thaw_latest_publish (job->progress, GUINT_TO_POINTER (i + 1));
      g_usleep (job->pause_us);
    }

  return g_strdup (g_checksum_get_string (checksum));
}

/* The worker thread's whole life. It never calls GTK, and it never shows
 * an error itself: it hands the error over, and the main thread decides. */
static gpointer
read_inputs_thread (gpointer data)
{
  /* The thread was given a reference to the task; it drops it on return. */
  g_autoptr(GTask) task = data;
  ReadJob *job = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *checksum = NULL;

  thaw_thread_set_background_priority ();

  folder = g_dir_make_tmp ("thaw-errors-XXXXXX", &error);
  if (folder != NULL)
    {
      if (lay_out_inputs (job, folder, &error))
        checksum = read_all_inputs (job, folder, cancellable, &error);
      remove_inputs (job, folder);
    }

  /* A stop is how the worker was asked to end, not a failure. */
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_atomic_int_inc (&job->errors_raised);

      if (job->handling == ERRORS_DROPPED)
        /* The wrong way: the error is "handled" by forgetting it. Nothing
         * after this line knows that the job failed, and the task below
         * goes back with no result and no error: just "done". */
        g_clear_error (&error);
    }

  /* GTask hands the outcome over through GLib's own locks, which
   * ThreadSanitizer cannot see: say that everything above comes first. */
  THAW_TSAN_RELEASE (task);

  /* Exactly one of these, exactly once. From a thread other than the
   * task's, GTask schedules the callback on the task's main context. */
  if (checksum != NULL)
    g_task_return_pointer (task, g_steal_pointer (&checksum), g_free);
  else if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, NULL, NULL);   /* the wrong way's "done" */

  return NULL;
}

/* The main thread's side. Everything below runs on the main thread. */

struct _ErrorsWork
{
  grefcount ref_count;      /* the owner's, and the task callback's */
  GThread *thread;
  GCancellable *cancellable;
  ThawLatest *progress;     /* the owner's reference */
  ErrorsProgressFunc progress_func;
  ErrorsDoneFunc done_func;
  gpointer user_data;
  gboolean closed;          /* done was called, or errors_work_free() ran */
  guint errors_raised;      /* the worker's count, read once it is done */
  guint errors_delivered;   /* failures that reached this thread */
};

static void
errors_work_unref (ErrorsWork *work)
{
  if (!g_ref_count_dec (&work->ref_count))
    return;

  g_object_unref (work->cancellable);
  g_free (work);
}

/* Tells nobody anything from now on: a progress delivery already scheduled
 * is removed, and the worker's later news is dropped. */
static void
close_work (ErrorsWork *work)
{
  work->closed = TRUE;
  g_clear_pointer (&work->progress, thaw_latest_close);
}

static void
deliver_progress (gpointer value,
                  gpointer user_data)
{
  ErrorsWork *work = user_data;

  work->progress_func (GPOINTER_TO_UINT (value), work->user_data);
}

/* The end of a run: the worker's GTask delivers its outcome here. */
static void
read_done_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ErrorsWork *work = user_data;
  GTask *task = G_TASK (result);
  ReadJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *checksum = NULL;

  THAW_TSAN_ACQUIRE (task);

  /* Like Future.result() in Python: the value, or the worker's error. */
  checksum = g_task_propagate_pointer (task, &error);

  /* What reached the main thread, against what the worker raised. */
  work->errors_raised = (guint) g_atomic_int_get (&job->errors_raised);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    work->errors_delivered++;

  /* The owner let go of the work (the window was closed): it has joined
   * the thread already, and this outcome is for nobody. */
  if (!work->closed)
    {
      /* The worker returned the task as its last act, so this join waits
       * microseconds. */
      if (work->thread != NULL)
        g_thread_join (g_steal_pointer (&work->thread));

      /* The outcome carries the last count: no progress comes after it. */
      close_work (work);
      work->done_func ((guint) g_atomic_int_get (&job->inputs_read), checksum, error, work->user_data);
    }

  errors_work_unref (work);
}

/**
 * errors_work_start:
 * @n_inputs: how many files to read (the lesson: %ERRORS_N_INPUTS)
 * @pause_us: the pause after each file (the lesson: %ERRORS_INPUT_PAUSE_US)
 * @failure: how the job fails, or %ERRORS_FAILURE_NONE
 * @fail_at: the index of the input that fails, below @n_inputs
 * @handling: what the worker does with its error: %ERRORS_RETURNED, or
 *   the wrong way, %ERRORS_DROPPED
 * @progress: receives the latest count on the main thread
 * @done: receives the outcome on the main thread, once
 * @user_data: for @progress and @done
 *
 * Starts the job on a worker thread. Even a thread that cannot be made is
 * an error that @done receives.
 *
 * Returns: (transfer full): the job, for errors_work_stop() and
 *   errors_work_free()
 */
ErrorsWork *
errors_work_start (guint              n_inputs,
                   guint              pause_us,
                   ErrorsFailure      failure,
                   guint              fail_at,
                   ErrorsHandling     handling,
                   ErrorsProgressFunc progress,
                   ErrorsDoneFunc     done,
                   gpointer           user_data)
{
  ErrorsWork *work = g_new0 (ErrorsWork, 1);
  ReadJob *job = g_new0 (ReadJob, 1);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  g_ref_count_init (&work->ref_count);
  work->cancellable = g_cancellable_new ();
  work->progress = thaw_latest_new (deliver_progress, work, NULL);
  work->progress_func = progress;
  work->done_func = done;
  work->user_data = user_data;

  job->n_inputs = n_inputs;
  job->pause_us = pause_us;
  job->failure = failure;
  job->fail_at = fail_at;
  job->handling = handling;
  job->progress = thaw_latest_ref (work->progress);

  /* The task's callback holds a reference to the work, so that it finds
   * the work even after errors_work_free(). */
  g_ref_count_inc (&work->ref_count);
  task = g_task_new (NULL, work->cancellable, read_done_cb, work);
  g_task_set_source_tag (task, errors_work_start);
  g_task_set_task_data (task, job, (GDestroyNotify) read_job_free);

  /* The thread gets a reference to the task of its own. */
  work->thread = g_thread_try_new ("thaw-read", read_inputs_thread, g_object_ref (task), &error);
  if (work->thread == NULL)
    {
      /* Never a thread: its reference is ours to drop, and the error
       * reaches @done like any other (GTask delivers it from an idle). */
      g_object_unref (task);
      g_atomic_int_set (&job->errors_raised, 1);
      g_task_return_error (task, g_steal_pointer (&error));
    }

  return work;
}

/**
 * errors_work_count_errors:
 * @work: a job whose outcome has been delivered
 * @raised: (out): the errors the worker raised (a stop is not one)
 * @delivered: (out): the errors that reached the main thread with the
 *   outcome
 *
 * The lesson's measure of what was lost on the way: equal when the worker
 * returns its errors, and @delivered 0 when it drops them. Both are 0
 * before the outcome.
 */
void
errors_work_count_errors (ErrorsWork *work,
                          guint      *raised,
                          guint      *delivered)
{
  g_return_if_fail (work != NULL);

  *raised = work->errors_raised;
  *delivered = work->errors_delivered;
}

/**
 * errors_work_stop:
 * @work: a job
 *
 * Asks the worker to stop. It looks between two files, and then returns
 * %G_IO_ERROR_CANCELLED, which @done receives as usual.
 */
void
errors_work_stop (ErrorsWork *work)
{
  g_return_if_fail (work != NULL);

  g_cancellable_cancel (work->cancellable);
}

/**
 * errors_work_free:
 * @work: (transfer full): a job, running or finished
 *
 * Lets go of the job. A worker still running is stopped and joined first:
 * it looks at its cancellable between two files, so this takes at most one
 * pause. Nothing is delivered afterwards.
 */
void
errors_work_free (ErrorsWork *work)
{
  if (work == NULL)
    return;

  close_work (work);
  if (work->thread != NULL)
    {
      g_cancellable_cancel (work->cancellable);
      g_thread_join (g_steal_pointer (&work->thread));
    }

  errors_work_unref (work);
}
