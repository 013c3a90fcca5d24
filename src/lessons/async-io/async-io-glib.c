/* async-io-glib.c — A big file (made here, in a temporary folder removed at
 * the end) read three ways while a heartbeat on the main loop measures how
 * late the loop gets: with blocking reads on the main loop (the wrong way),
 * with GIO's asynchronous reads on the main loop, and with blocking reads
 * on a worker thread that hands its answer back with g_idle_add(). Each
 * way prints the bytes it read and their SHA-256: the same three times.
 * A GMainLoop stands in for the GUI's main loop.
 *
 * Build: gcc async-io-glib.c -o async-io $(pkg-config --cflags --libs gio-2.0) -pthread
 */

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#define PIECE (1 << 20)            /* read 1 MiB at a time */
#define FILE_PIECES 64             /* a file of 64 MiB */

/* What a way found. */
typedef struct
{
  guint64 size;
  char *digest;
  GError *error;
} Answer;

/* One way's run, on the main thread. */
typedef struct
{
  const char *path;
  Answer answer;
  /* the asynchronous way's */
  GInputStream *stream;
  GChecksum *checksum;
  guint8 *buffer;
  /* the worker's */
  GThread *thread;
} Job;

/* The main loop, and its heartbeat: every 10 ms, how late is the beat? */
static GMainLoop *loop;
static gint64 beat_due;
static double longest_wait_ms;

static gboolean
beat_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  longest_wait_ms = MAX (longest_wait_ms, (now - beat_due) / 1000.0);
  beat_due = now + 10 * 1000;
  return G_SOURCE_CONTINUE;
}

/* A way is done: let a few beats come (the late one among them), then quit. */
static void
finish_way (void)
{
  g_timeout_add_once (30, (GSourceOnceFunc) g_main_loop_quit, loop);
}

/* Plain blocking reads: for a worker thread, never for the main loop. */
static void
read_blocking (const char *path, Answer *answer)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = g_file_read (file, NULL, &answer->error);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (PIECE);
  gssize n;

  if (stream == NULL)
    return;
  while ((n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, PIECE,
                                   NULL, &answer->error)) > 0)
    {
      g_checksum_update (checksum, buffer, n);
      answer->size += n;
    }
  if (n == 0)
    answer->digest = g_strdup (g_checksum_get_string (checksum));
}

/* Way 1, wrong: the blocking reads on the main loop. No beat until done. */
static void
blocking (Job *job)
{
  read_blocking (job->path, &job->answer);
  finish_way ();
}

/* Way 2: asynchronous reads. Each callback hashes a piece and asks for the
 * next; between callbacks the main loop is free. (For a local file GIO
 * runs each read on a thread of its own pool, out of sight.) */
static void read_next (Job *job);

static void
closed_cb (GObject *stream, GAsyncResult *result, gpointer data)
{
  g_input_stream_close_finish (G_INPUT_STREAM (stream), result, NULL);
  finish_way ();
}

static void
piece_cb (GObject *stream, GAsyncResult *result, gpointer data)
{
  Job *job = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (stream), result,
                                         &job->answer.error);

  if (n > 0)
    {
      g_checksum_update (job->checksum, job->buffer, n);
      job->answer.size += n;
      read_next (job);
      return;
    }
  if (n == 0)
    job->answer.digest = g_strdup (g_checksum_get_string (job->checksum));
  g_input_stream_close_async (job->stream, G_PRIORITY_DEFAULT, NULL, closed_cb, job);
}

static void
read_next (Job *job)
{
  g_input_stream_read_async (job->stream, job->buffer, PIECE, G_PRIORITY_DEFAULT,
                             NULL, piece_cb, job);
}

static void
opened_cb (GObject *file, GAsyncResult *result, gpointer data)
{
  Job *job = data;

  job->stream = G_INPUT_STREAM (g_file_read_finish (G_FILE (file), result,
                                                    &job->answer.error));
  if (job->stream == NULL)
    {
      finish_way ();
      return;
    }
  job->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  job->buffer = g_malloc (PIECE);
  read_next (job);
}

static void
asynchronous (Job *job)
{
  g_autoptr(GFile) file = g_file_new_for_path (job->path);

  g_file_read_async (file, G_PRIORITY_DEFAULT, NULL, opened_cb, job);
}

/* Way 3: the blocking reads on a worker thread. What the worker shares with
 * the main thread is reference-counted: the thread holds a reference, and
 * so does the idle that carries the answer to the main loop. */
typedef struct
{
  char *path;
  Answer answer;            /* the worker's, until the idle runs */
  Job *job;                 /* the main thread's: only the idle touches it */
} WorkerJob;

static void
worker_job_clear (WorkerJob *work)
{
  g_free (work->path);
  g_free (work->answer.digest);
  g_clear_error (&work->answer.error);
}

static void
worker_job_unref (gpointer work)
{
  g_atomic_rc_box_release_full (work, (GDestroyNotify) worker_job_clear);
}

static gboolean
worker_done_cb (gpointer data)          /* on the main loop */
{
  WorkerJob *work = data;

  work->job->answer = work->answer;     /* the answer changes hands */
  memset (&work->answer, 0, sizeof work->answer);
  finish_way ();
  return G_SOURCE_REMOVE;
}

static gpointer
worker_thread (gpointer data)
{
  WorkerJob *work = data;

  read_blocking (work->path, &work->answer);
  g_idle_add_full (G_PRIORITY_DEFAULT, worker_done_cb,
                   g_atomic_rc_box_acquire (work), worker_job_unref);
  worker_job_unref (work);              /* the thread's own reference */
  return NULL;
}

static void
on_a_worker (Job *job)
{
  WorkerJob *work = g_atomic_rc_box_new0 (WorkerJob);

  work->path = g_strdup (job->path);
  work->job = job;
  job->thread = g_thread_new ("reader", worker_thread, work);
}

/* Starts a way once the heartbeat has been beating for a while. */
typedef struct
{
  const char *name;
  void (*start) (Job *job);
  Job *job;
} Way;

static void
start_cb (gpointer data)
{
  Way *way = data;

  longest_wait_ms = 0;
  way->start (way->job);
}

/* A file of FILE_PIECES MiB in a new temporary folder. */
static char *
make_file (char **folder)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *piece = g_malloc (PIECE);
  char *path;
  FILE *out;

  *folder = g_dir_make_tmp ("async-io-XXXXXX", &error);
  if (*folder == NULL)
    g_error ("%s", error->message);
  path = g_build_filename (*folder, "big.bin", NULL);
  out = g_fopen (path, "wb");
  if (out == NULL)
    g_error ("cannot write %s", path);
  for (guint i = 0; i < FILE_PIECES; i++)
    {
      for (guint j = 0; j < PIECE; j++)
        piece[j] = (guint8) (i * 31 + j * 7 + (j >> 11));
      fwrite (piece, 1, PIECE, out);
    }
  if (fclose (out) != 0)
    g_error ("cannot write %s", path);
  return path;
}

int
main (void)
{
  g_autofree char *folder = NULL;
  g_autofree char *path = make_file (&folder);
  Way ways[] = { { "blocking", blocking }, { "asynchronous", asynchronous },
                 { "worker thread", on_a_worker } };
  guint beat;

  loop = g_main_loop_new (NULL, FALSE);
  beat_due = g_get_monotonic_time () + 10 * 1000;
  beat = g_timeout_add (10, beat_cb, NULL);

  for (guint w = 0; w < G_N_ELEMENTS (ways); w++)
    {
      Job job = { .path = path };

      ways[w].job = &job;
      g_timeout_add_once (30, start_cb, &ways[w]);
      g_main_loop_run (loop);
      if (job.thread != NULL)
        g_thread_join (job.thread);      /* it has finished: no wait */

      if (job.answer.error != NULL)
        g_error ("%s: %s", ways[w].name, job.answer.error->message);
      g_print ("%s: %" G_GUINT64_FORMAT " bytes, sha256 %s, main loop's "
               "longest wait %.0f ms\n", ways[w].name, job.answer.size,
               job.answer.digest, longest_wait_ms);
      g_free (job.answer.digest);
      g_clear_object (&job.stream);
      g_clear_pointer (&job.checksum, g_checksum_free);
      g_free (job.buffer);
    }

  g_source_remove (beat);
  g_main_loop_unref (loop);
  g_unlink (path);
  g_rmdir (folder);
  return 0;
}
