/* lesson-async-io.c — Reading a big file: async on the main loop, or a worker
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One job, reading a big file to its end and computing its SHA-256 on the
 * way, runs in three ways:
 *
 *   lesson.start       on a worker thread, with plain blocking calls:
 *                      g_input_stream_read() in a loop, 1 MiB at a time.
 *
 *   lesson.read-async  on the main loop, with GIO's asynchronous calls: the
 *                      main thread asks for 1 MiB with
 *                      g_input_stream_read_async() and goes back to its
 *                      other work; a callback gets the bytes, hashes them
 *                      and asks for the next piece.
 *
 *   lesson.block       on the main loop with the blocking calls, the wrong
 *                      way: the window freezes until the end of the file.
 *
 *   lesson.stop        cancels whichever is running.
 *
 * The file is made the first time, by a worker, in the user's cache folder
 * (~/.cache/thaw/async-io-1000MB.bin), or the learner picks one of their own
 * (lesson.choose, lesson.use-generated; lesson.delete-file removes the
 * generated one). Both good ways measure their throughput, and both end
 * with the same checksum as `sha256sum` prints for the file.
 *
 * Read it top to bottom: the file, the job the threads share, the worker
 * that writes the file and the one that reads it, the asynchronous read on
 * the main loop, and then the widget.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "thaw-lesson.h"
#include "thaw-priority.h"

/* Files are read and written in pieces of 1 MiB: big enough that each call
 * does real work, small enough that progress moves and Stop is quick. */
#define PIECE_BYTES (1024 * 1024)
/* Sizes are in megabytes of a million bytes, as file managers show them. */
#define MEGABYTE 1000000
/* About two seconds of reading and hashing on a laptop of 2020: a smaller
 * file sits in memory after the first read and is gone in a blink. The
 * environment variable THAW_ASYNC_IO_MB changes it (the tests use 8). */
#define DEFAULT_SIZE_MB 1000
#define MAX_SIZE_MB 8000

typedef enum
{
  MODE_WORKER,
  MODE_ASYNC,
  MODE_BLOCKING,
  N_MODES
} Mode;

static const char *const mode_ids[] = { "worker", "async", "blocking" };

/* The generated file's place: the user's cache folder, which GLib finds
 * from $XDG_CACHE_HOME or ~/.cache. Its size is in its name, so files of
 * different sizes do not overwrite each other. */
static GFile *
get_generated_file (guint size_mb)
{
  g_autofree char *name = g_strdup_printf ("async-io-%uMB.bin", size_mb);
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "thaw", name, NULL);

  return g_file_new_for_path (path);
}

/* Whether the generated file is there, whole. Asking the file system for
 * a size is quick enough for the main thread; reading the file is not. */
static gboolean
generated_file_is_ready (GFile   *file,
                         guint64  size)
{
  g_autoptr(GFileInfo) info = g_file_query_info (file,
                                                 G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                                 G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                 G_FILE_QUERY_INFO_NONE, NULL, NULL);

  return info != NULL &&
         g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR &&
         (guint64) g_file_info_get_size (info) == size;
}

/* What a worker and the main thread share: for writing the file, or for
 * reading it on a worker or, the wrong way, on the main thread.
 *
 * The progress fields are only touched with g_atomic_int_*(). The results
 * are written by the worker before it sets "finished", and read by the
 * main thread only after it has seen "finished": the atomic operations
 * order the two.
 */
typedef struct
{
  gatomicrefcount ref_count;
  GCancellable *cancellable;
  GWeakRef lesson;          /* main thread only */
  GFile *file;
  guint64 size;             /* what to write; set before the thread starts */

  /* Written by the worker, read by the main thread. */
  int pieces_done;
  int finished;
  int delivery_pending;

  /* The results, written before "finished". */
  guint64 bytes;
  char *checksum;
  double seconds;
  GError *error;
} IoJob;

static IoJob *
io_job_new (gpointer  lesson,
            GFile    *file,
            guint64   size)
{
  IoJob *job = g_new0 (IoJob, 1);

  g_atomic_ref_count_init (&job->ref_count);
  job->cancellable = g_cancellable_new ();
  g_weak_ref_init (&job->lesson, lesson);
  job->file = g_object_ref (file);
  job->size = size;

  return job;
}

static IoJob *
io_job_ref (IoJob *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

static void
io_job_unref (IoJob *job)
{
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;

  g_weak_ref_clear (&job->lesson);
  g_object_unref (job->cancellable);
  g_object_unref (job->file);
  g_free (job->checksum);
  g_clear_error (&job->error);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IoJob, io_job_unref)

static gboolean deliver_progress_cb (gpointer data);

/* Worker: stores the progress, and asks for one delivery at most. */
static void
publish_progress (IoJob    *job,
                  int       pieces_done,
                  gboolean  finished)
{
  g_atomic_int_set (&job->pieces_done, pieces_done);
  if (finished)
    g_atomic_int_set (&job->finished, TRUE);

  if (g_atomic_int_compare_and_exchange (&job->delivery_pending, FALSE, TRUE))
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, deliver_progress_cb,
                     io_job_ref (job), (GDestroyNotify) io_job_unref);
}

/* Fills a piece with pseudo-random bytes (xorshift64*), the same every
 * time. Random-looking data, because a file system that compresses would
 * store a file of zeros in no time and read it back faster than any disk. */
static void
fill_piece (guint64 *words,
            gsize    n_words)
{
  guint64 x = G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);

  for (gsize i = 0; i < n_words; i++)
    {
      x ^= x >> 12;
      x ^= x << 25;
      x ^= x >> 27;
      words[i] = x * G_GUINT64_CONSTANT (0x2545F4914F6CDD1D);
    }
}

/* Worker: writes the file. It writes "NAME.part" and renames it to NAME
 * only when it is complete, so that a cancelled or failed run never leaves
 * a half file that looks like a whole one. */
static gboolean
write_file (IoJob   *job,
            GError **error)
{
  g_autofree char *path = g_file_get_path (job->file);
  g_autofree char *part_path = g_strconcat (path, ".part", NULL);
  g_autoptr(GFile) part = g_file_new_for_path (part_path);
  g_autoptr(GFile) folder = g_file_get_parent (job->file);
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autofree guint64 *piece = g_new (guint64, PIECE_BYTES / sizeof (guint64));
  g_autoptr(GError) folder_error = NULL;
  guint64 written = 0;
  int pieces = 0;

  fill_piece (piece, PIECE_BYTES / sizeof (guint64));

  if (!g_file_make_directory_with_parents (folder, job->cancellable, &folder_error) &&
      !g_error_matches (folder_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_propagate_error (error, g_steal_pointer (&folder_error));
      return FALSE;
    }

  stream = g_file_replace (part, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                           job->cancellable, error);
  if (stream == NULL)
    return FALSE;

  while (written < job->size)
    {
      gsize length = MIN (PIECE_BYTES, job->size - written);

      /* Stamp each piece with its number, so no two are the same. */
      piece[0] = (guint64) pieces;
      if (!g_output_stream_write_all (G_OUTPUT_STREAM (stream), piece, length, NULL,
                                      job->cancellable, error))
        break;

      written += length;
      publish_progress (job, ++pieces, FALSE);
    }

  if (written < job->size ||
      !g_output_stream_close (G_OUTPUT_STREAM (stream), job->cancellable, error) ||
      !g_file_move (part, job->file, G_FILE_COPY_OVERWRITE, job->cancellable, NULL, NULL, error))
    {
      /* Closing first, quietly, so the half file can go. */
      g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, NULL);
      g_file_delete (part, NULL, NULL);
      return FALSE;
    }

  job->bytes = written;
  return TRUE;
}

static gpointer
write_file_thread (gpointer data)
{
  g_autoptr(IoJob) job = data;
  int pieces;

  thaw_thread_set_background_priority ();

  write_file (job, &job->error);

  pieces = g_atomic_int_get (&job->pieces_done);
  publish_progress (job, pieces, TRUE);

  return NULL;
}

/* Reads @job's file to the end with blocking calls, hashing as it goes.
 * The worker runs this; so does lesson.block, on the main thread, which is
 * exactly what freezes the window. @progress says whether to publish
 * progress: on the main thread nobody could see it before the end anyway.
 *
 * Why SHA-256: it is what `sha256sum FILE` prints, so a learner can check
 * the result in a terminal. It is also real work, about half a gigabyte a
 * second, which is why the asynchronous way, hashing on the main loop, ends
 * up slower than the worker that hashes on a thread of its own. */
static gboolean
read_file (IoJob     *job,
           gboolean   progress,
           GError   **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *buffer = g_malloc (PIECE_BYTES);
  g_autoptr(GFileInputStream) stream = NULL;
  gint64 started_at = g_get_monotonic_time ();
  int pieces = 0;

  stream = g_file_read (job->file, job->cancellable, error);
  if (stream == NULL)
    return FALSE;

  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, PIECE_BYTES,
                                      job->cancellable, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        break;

      g_checksum_update (checksum, buffer, n);
      job->bytes += n;
      if (progress)
        publish_progress (job, ++pieces, FALSE);
    }

  job->seconds = (double) (g_get_monotonic_time () - started_at) / G_USEC_PER_SEC;
  job->checksum = g_strdup (g_checksum_get_string (checksum));

  return TRUE;
}

static gpointer
read_file_thread (gpointer data)
{
  g_autoptr(IoJob) job = data;

  thaw_thread_set_background_priority ();

  read_file (job, TRUE, &job->error);
  publish_progress (job, g_atomic_int_get (&job->pieces_done), TRUE);

  return NULL;
}

/* The asynchronous read. Everything here runs on the main thread: each
 * call starts a read and returns at once, and GIO calls back on the main
 * loop when the piece is there. For a local file GIO does the blocking
 * read on a thread of its own pool; for a network file system or a pipe it
 * may not need a thread at all. Either way this code never waits. */
typedef struct
{
  gatomicrefcount ref_count;
  GCancellable *cancellable;
  GWeakRef lesson;
  GFile *file;
  GInputStream *stream;
  GChecksum *checksum;
  guint64 bytes;
  gint64 started_at;
  /* The piece being read into. GIO writes into it from its own thread
   * until the callback runs, so it belongs to this struct, which every
   * pending callback keeps alive with a reference: freeing it with the
   * lesson, while a read is still in flight, would let GIO write into
   * freed memory. */
  guchar *buffer;
} AsyncRead;

static AsyncRead *
async_read_new (gpointer  lesson,
                GFile    *file)
{
  AsyncRead *read = g_new0 (AsyncRead, 1);

  g_atomic_ref_count_init (&read->ref_count);
  read->cancellable = g_cancellable_new ();
  g_weak_ref_init (&read->lesson, lesson);
  read->file = g_object_ref (file);
  read->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  read->buffer = g_malloc (PIECE_BYTES);

  return read;
}

static AsyncRead *
async_read_ref (AsyncRead *read)
{
  g_atomic_ref_count_inc (&read->ref_count);
  return read;
}

static void
async_read_unref (AsyncRead *read)
{
  if (!g_atomic_ref_count_dec (&read->ref_count))
    return;

  g_weak_ref_clear (&read->lesson);
  g_object_unref (read->cancellable);
  g_object_unref (read->file);
  /* Unreferencing the stream closes the file. */
  g_clear_object (&read->stream);
  g_checksum_free (read->checksum);
  g_free (read->buffer);
  g_free (read);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AsyncRead, async_read_unref)

/* The widget. Everything below runs on the main thread. */

#define THAW_TYPE_LESSON_ASYNC_IO (thaw_lesson_async_io_get_type ())
G_DECLARE_FINAL_TYPE (ThawLessonAsyncIo, thaw_lesson_async_io, THAW, LESSON_ASYNC_IO, ThawLesson)

/* One of the result cards, side by side. */
typedef struct
{
  GtkLabel *speed;
  GtkLabel *details;
  GtkLabel *wait;
  GtkLabel *checksum;
} ResultCard;

struct _ThawLessonAsyncIo
{
  ThawLesson parent_instance;

  AdwActionRow *file_row;
  GtkWidget *use_generated_button;
  GtkSpinButton *size_spin;
  GtkProgressBar *progress;
  GtkLabel *status;
  ResultCard cards[N_MODES];

  /* The learner's own file, or NULL for the generated one. */
  GFile *chosen;
  GtkFileChooserNative *chooser;

  /* While a job runs: the worker's job and thread, or the async read. */
  IoJob *job;
  GThread *thread;
  gboolean generating;       /* the job writes the file, then reads it */
  AsyncRead *async;
  Mode mode;
  GFile *file;
  guint64 expected_bytes;
  gint64 started_at;

  /* The main loop's longest wait is read a moment after the end: the
   * heartbeat only sees the end of a stall once the loop is free. */
  guint wait_readout_id;

  /* The last run, for --report. */
  const char *state;
  gboolean ran;
  gboolean generated;
  guint64 bytes;
  double seconds;
  double mb_per_s;
  char *checksum;
  char *error;
  double mb_per_s_by_mode[N_MODES];
};

G_DEFINE_FINAL_TYPE (ThawLessonAsyncIo, thaw_lesson_async_io, THAW_TYPE_LESSON)

enum {
  PROP_0,
  PROP_FILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
is_busy (ThawLessonAsyncIo *self)
{
  return self->job != NULL || self->async != NULL;
}

static void
update_actions (ThawLessonAsyncIo *self)
{
  gboolean busy = is_busy (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.start", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.read-async", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.block", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.choose", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.use-generated", !busy && self->chosen != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.delete-file", !busy && self->chosen == NULL);
  thaw_lesson_set_busy (THAW_LESSON (self), busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->size_spin), !busy && self->chosen == NULL);
}

static guint
get_size_mb (ThawLessonAsyncIo *self)
{
  return (guint) gtk_spin_button_get_value_as_int (self->size_spin);
}

/* The file the next run reads: the learner's, or the generated one. */
static GFile *
get_source (ThawLessonAsyncIo *self)
{
  if (self->chosen != NULL)
    return g_object_ref (self->chosen);

  return get_generated_file (get_size_mb (self));
}

static void
show_source (ThawLessonAsyncIo *self)
{
  g_autoptr(GFile) file = get_source (self);
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *folder = parent ? g_file_get_parse_name (parent) : g_strdup ("/");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->file_row), name);
  if (self->chosen != NULL)
    adw_action_row_set_subtitle (self->file_row, folder);
  else
    {
      /* Translators: the folder of the generated file, then a note. */
      g_autofree char *subtitle = g_strdup_printf (_("%s · made by a worker the first time"), folder);

      adw_action_row_set_subtitle (self->file_row, subtitle);
    }
  gtk_widget_set_visible (self->use_generated_button, self->chosen != NULL);
}

static void
show_progress (ThawLessonAsyncIo *self,
               guint64            bytes)
{
  g_autofree char *done = g_format_size (bytes);
  g_autofree char *total = g_format_size (self->expected_bytes);
  g_autofree char *text = NULL;

  if (self->expected_bytes > 0)
    gtk_progress_bar_set_fraction (self->progress,
                                   MIN (1.0, (double) bytes / self->expected_bytes));
  else
    gtk_progress_bar_pulse (self->progress);

  if (self->generating)
    /* Translators: progress of writing the file, e.g. "Writing: 20 MB of 1.0 GB". */
    text = g_strdup_printf (_("Writing: %s of %s"), done, total);
  else
    /* Translators: progress of reading the file, e.g. "Reading: 20 MB of 1.0 GB". */
    text = g_strdup_printf (_("Reading: %s of %s"), done, total);
  gtk_progress_bar_set_text (self->progress, text);
}

static gboolean
read_out_wait_cb (gpointer data)
{
  ThawLessonAsyncIo *self = data;
  ThawHeartbeat *heartbeat = thaw_lesson_get_heartbeat (THAW_LESSON (self));
  ThawLatencyStats stats = { 0 };
  g_autofree char *text = NULL;

  self->wait_readout_id = 0;

  if (heartbeat != NULL)
    thaw_heartbeat_get_stats_since (heartbeat, self->started_at, &stats);

  text = g_strdup_printf (_("Longest wait of the main loop: %.0f ms"), stats.max_ms);
  gtk_label_set_text (self->cards[self->mode].wait, text);

  return G_SOURCE_REMOVE;
}

/* Every run ends here, on the main thread, with the bytes read and either
 * a checksum or an error. */
static void
finish_run (ThawLessonAsyncIo *self,
            guint64            bytes,
            double             seconds,
            const char        *checksum,
            const GError      *error)
{
  ResultCard *card = &self->cards[self->mode];

  self->bytes = bytes;
  self->seconds = seconds;
  g_clear_pointer (&self->checksum, g_free);
  g_clear_pointer (&self->error, g_free);
  self->generating = FALSE;

  if (error == NULL)
    {
      g_autofree char *size = g_format_size (bytes);
      g_autofree char *speed = NULL;
      g_autofree char *details = NULL;

      self->state = "succeeded";
      self->checksum = g_strdup (checksum);
      self->mb_per_s = seconds > 0 ? bytes / seconds / MEGABYTE : 0;
      self->mb_per_s_by_mode[self->mode] = self->mb_per_s;

      /* Translators: a throughput, in megabytes per second. */
      speed = g_strdup_printf (_("%.0f MB/s"), self->mb_per_s);
      /* Translators: e.g. "1.0 GB in 1.95 s". */
      details = g_strdup_printf (_("%s in %.2f s"), size, seconds);
      gtk_label_set_text (card->speed, speed);
      gtk_label_set_text (card->details, details);
      gtk_label_set_text (card->checksum, checksum);
      gtk_label_set_text (card->wait, _("Measuring…"));
      g_clear_handle_id (&self->wait_readout_id, g_source_remove);
      self->wait_readout_id = g_timeout_add (100, read_out_wait_cb, self);

      gtk_progress_bar_set_fraction (self->progress, 1.0);
      gtk_label_set_text (self->status, _("Done. The checksum is what “sha256sum” prints for this file."));
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      self->state = "cancelled";
      gtk_label_set_text (self->status, _("Stopped."));
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("Could not finish: %s"), error->message);

      self->state = "failed";
      self->error = g_strdup (error->message);
      gtk_label_set_text (self->status, text);
    }

  update_actions (self);
}

static void start_read (ThawLessonAsyncIo *self);

/* A delivery from a worker, writing or reading. */
static gboolean
deliver_progress_cb (gpointer data)
{
  IoJob *job = data;
  g_autoptr(ThawLessonAsyncIo) self = NULL;
  gboolean finished;
  int pieces;

  /* Clear the flag before reading, so that news stored after this point
   * schedules a new delivery instead of being lost. */
  g_atomic_int_set (&job->delivery_pending, FALSE);
  finished = g_atomic_int_get (&job->finished);
  pieces = g_atomic_int_get (&job->pieces_done);

  self = g_weak_ref_get (&job->lesson);
  if (self == NULL || self->job != job)
    return G_SOURCE_REMOVE;

  show_progress (self, MIN ((guint64) pieces * PIECE_BYTES, self->expected_bytes));
  if (!finished)
    return G_SOURCE_REMOVE;

  /* The worker has said its last word: the join takes microseconds. */
  g_thread_join (g_steal_pointer (&self->thread));
  self->job = NULL;

  if (self->generating && job->error == NULL)
    {
      /* The file is there now: on to what the learner asked for. */
      self->generating = FALSE;
      start_read (self);
    }
  else
    finish_run (self, job->bytes, job->seconds, job->checksum, job->error);

  io_job_unref (job);   /* the lesson's reference */
  return G_SOURCE_REMOVE;
}

static gboolean
start_thread (ThawLessonAsyncIo *self,
              const char        *name,
              GThreadFunc        func)
{
  g_autoptr(GError) error = NULL;

  /* The thread gets a reference of its own and drops it when it returns. */
  self->thread = g_thread_try_new (name, func, io_job_ref (self->job), &error);
  if (self->thread == NULL)
    {
      /* The thread never started, so its reference is still ours to drop. */
      io_job_unref (self->job);
      g_clear_pointer (&self->job, io_job_unref);
      finish_run (self, 0, 0, NULL, error);
      return FALSE;
    }

  return TRUE;
}

/* The asynchronous read, step by step. Each callback first makes sure the
 * lesson is still there and still interested: the window may have closed,
 * and then the callback drops its reference and the read simply ends. */
static ThawLessonAsyncIo *
get_reader (AsyncRead *read)
{
  ThawLessonAsyncIo *self = g_weak_ref_get (&read->lesson);

  if (self != NULL && self->async != read)
    g_clear_object (&self);

  return self;
}

static void read_piece_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      data);

static void
read_next_piece (AsyncRead *read)
{
  g_input_stream_read_async (read->stream, read->buffer, PIECE_BYTES, G_PRIORITY_DEFAULT,
                             read->cancellable, read_piece_cb, async_read_ref (read));
}

static void
end_async_read (ThawLessonAsyncIo *self,
                const GError      *error)
{
  g_autoptr(AsyncRead) read = g_steal_pointer (&self->async);
  double seconds = (double) (g_get_monotonic_time () - read->started_at) / G_USEC_PER_SEC;

  finish_run (self, read->bytes, seconds,
              error == NULL ? g_checksum_get_string (read->checksum) : NULL, error);
}

static void
read_piece_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(AsyncRead) read = data;
  g_autoptr(ThawLessonAsyncIo) self = get_reader (read);
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (self == NULL)
    return;

  if (n < 0)
    end_async_read (self, error);
  else if (n == 0)
    end_async_read (self, NULL);
  else
    {
      /* Hashing a piece takes a couple of milliseconds, well inside a
       * frame: fine on the main loop. A much slower step per piece would
       * not be, and would belong on a worker. */
      g_checksum_update (read->checksum, read->buffer, n);
      read->bytes += n;
      show_progress (self, read->bytes);
      read_next_piece (read);
    }
}

static void
file_opened_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(AsyncRead) read = data;
  g_autoptr(ThawLessonAsyncIo) self = get_reader (read);
  g_autoptr(GError) error = NULL;
  GFileInputStream *stream;

  stream = g_file_read_finish (G_FILE (source), result, &error);
  if (stream != NULL)
    read->stream = G_INPUT_STREAM (stream);
  if (self == NULL)
    return;

  if (stream == NULL)
    end_async_read (self, error);
  else
    read_next_piece (read);
}

/* Reads the file the chosen way; the file exists by now. */
static void
start_read (ThawLessonAsyncIo *self)
{
  if (self->mode == MODE_ASYNC)
    {
      self->async = async_read_new (self, self->file);
      self->async->started_at = g_get_monotonic_time ();
      gtk_label_set_text (self->status,
                          _("Reading asynchronously: the main loop asks for each piece and goes back to work."));
      g_file_read_async (self->file, G_PRIORITY_DEFAULT, self->async->cancellable,
                         file_opened_cb, async_read_ref (self->async));
    }
  else if (self->mode == MODE_WORKER)
    {
      self->job = io_job_new (self, self->file, 0);
      gtk_label_set_text (self->status,
                          _("Reading on a worker thread with blocking calls. Try moving the window."));
      start_thread (self, "thaw-read", read_file_thread);
    }
  else
    {
      g_autoptr(IoJob) job = io_job_new (self, self->file, 0);

      /* The wrong way: the same blocking loop as the worker's, right here.
       * Nothing is drawn until it returns. */
      read_file (job, FALSE, &job->error);
      finish_run (self, job->bytes, job->seconds, job->checksum, job->error);
    }
}

/* Every way starts here: make the file if it is missing, then read it. */
static void
begin (ThawLessonAsyncIo *self,
       Mode               mode)
{
  guint64 size = (guint64) get_size_mb (self) * MEGABYTE;

  if (is_busy (self))
    return;

  self->mode = mode;
  self->ran = TRUE;
  self->state = "running";
  self->generated = FALSE;
  self->started_at = g_get_monotonic_time ();
  g_set_object (&self->file, NULL);
  self->file = get_source (self);
  gtk_progress_bar_set_fraction (self->progress, 0);
  gtk_progress_bar_set_text (self->progress, NULL);

  self->expected_bytes = size;
  if (self->chosen != NULL)
    {
      g_autoptr(GFileInfo) info = NULL;

      /* A local file's size is one quick system call. A file on a network
       * share could keep the main thread waiting for an answer: for those
       * the progress bar just pulses. If the size cannot be had, the read
       * below says why. */
      if (g_file_is_native (self->file))
        info = g_file_query_info (self->file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                  G_FILE_QUERY_INFO_NONE, NULL, NULL);
      self->expected_bytes = info ? (guint64) g_file_info_get_size (info) : 0;
    }

  if (self->chosen == NULL && !generated_file_is_ready (self->file, size))
    {
      self->generating = TRUE;
      self->generated = TRUE;
      self->job = io_job_new (self, self->file, size);
      gtk_label_set_text (self->status, _("Writing the file first, on a worker thread. This happens once."));
      show_progress (self, 0);
      start_thread (self, "thaw-write", write_file_thread);
    }
  else
    start_read (self);

  update_actions (self);
}

/* lesson.start: read on a worker thread. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  begin (THAW_LESSON_ASYNC_IO (widget), MODE_WORKER);
}

/* lesson.read-async: read with GIO's asynchronous calls on the main loop. */
static void
read_async_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  begin (THAW_LESSON_ASYNC_IO (widget), MODE_ASYNC);
}

/* lesson.block: read with blocking calls on the main loop, on purpose. */
static void
block_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  begin (THAW_LESSON_ASYNC_IO (widget), MODE_BLOCKING);
}

/* lesson.stop: whichever is running notices its cancellable: the worker
 * between two pieces, the asynchronous read in its next callback. */
static void
stop_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonAsyncIo *self = THAW_LESSON_ASYNC_IO (widget);

  if (self->job != NULL)
    g_cancellable_cancel (self->job->cancellable);
  if (self->async != NULL)
    g_cancellable_cancel (self->async->cancellable);
  if (is_busy (self))
    gtk_label_set_text (self->status, _("Stopping…"));
}

static void
set_chosen (ThawLessonAsyncIo *self,
            GFile             *file)
{
  if (!g_set_object (&self->chosen, file))
    return;

  show_source (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
}

static void
chooser_response_cb (GtkNativeDialog   *dialog,
                     int                response,
                     ThawLessonAsyncIo *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      set_chosen (self, file);
    }

  g_clear_object (&self->chooser);
}

/* lesson.choose: the learner picks a file. GtkFileChooserNative shows the
 * desktop's own dialog through the portal when there is one (in Flatpak,
 * say, where the app cannot see the files until the learner picks one). */
static void
choose_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  ThawLessonAsyncIo *self = THAW_LESSON_ASYNC_IO (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Choose a File to Read"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Read"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* lesson.use-generated: back to the generated file. */
static void
use_generated_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  set_chosen (THAW_LESSON_ASYNC_IO (widget), NULL);
}

static void
file_deleted_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  GWeakRef *weak = data;
  g_autoptr(ThawLessonAsyncIo) self = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;

  g_weak_ref_clear (weak);
  g_free (weak);

  if (!g_file_delete_finish (G_FILE (source), result, &error) && self != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not delete the file: %s"), error->message);

      gtk_label_set_text (self->status, text);
    }
  else if (self != NULL)
    gtk_label_set_text (self->status, _("Deleted. The next run writes the file again."));
}

/* lesson.delete-file: gives the disk space back. Freeing a gigabyte can
 * take the file system a moment, so this too is asynchronous; the callback
 * holds only a weak reference, and finds out whether the lesson is still
 * there to tell. */
static void
delete_file_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ThawLessonAsyncIo *self = THAW_LESSON_ASYNC_IO (widget);
  g_autoptr(GFile) file = get_generated_file (get_size_mb (self));
  GWeakRef *weak = g_new (GWeakRef, 1);

  g_weak_ref_init (weak, self);
  g_file_delete_async (file, G_PRIORITY_DEFAULT, NULL, file_deleted_cb, weak);
}

static void
size_changed_cb (ThawLessonAsyncIo *self)
{
  show_source (self);
}

static void
thaw_lesson_async_io_report (ThawLesson  *lesson,
                             JsonBuilder *builder)
{
  ThawLessonAsyncIo *self = THAW_LESSON_ASYNC_IO (lesson);

  json_builder_set_member_name (builder, "job_state");
  json_builder_add_string_value (builder, self->state);
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, self->ran ? mode_ids[self->mode] : "none");
  json_builder_set_member_name (builder, "generated");
  json_builder_add_boolean_value (builder, self->generated);
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, (gint64) self->bytes);
  json_builder_set_member_name (builder, "job_seconds");
  json_builder_add_double_value (builder, self->seconds);
  json_builder_set_member_name (builder, "mb_per_s");
  json_builder_add_double_value (builder, self->mb_per_s);
  for (guint i = 0; i < N_MODES; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s_mb_per_s", mode_ids[i]);

      json_builder_set_member_name (builder, name);
      json_builder_add_double_value (builder, self->mb_per_s_by_mode[i]);
    }
  json_builder_set_member_name (builder, "checksum");
  if (self->checksum != NULL)
    json_builder_add_string_value (builder, self->checksum);
  else
    json_builder_add_null_value (builder);
  if (self->file != NULL)
    {
      g_autofree char *path = g_file_get_path (self->file);

      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, path);
    }
  if (self->error != NULL)
    {
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, self->error);
    }
}

static void
thaw_lesson_async_io_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  ThawLessonAsyncIo *self = THAW_LESSON_ASYNC_IO (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->chosen);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_lesson_async_io_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  ThawLessonAsyncIo *self = THAW_LESSON_ASYNC_IO (object);

  switch (prop_id)
    {
    case PROP_FILE:
      set_chosen (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_lesson_async_io_dispose (GObject *object)
{
  ThawLessonAsyncIo *self = THAW_LESSON_ASYNC_IO (object);

  /* A worker looks at its cancellable between two pieces, so the join
   * waits a millisecond or so. A delivery it already scheduled finds the
   * lesson gone and does nothing. */
  if (self->job != NULL)
    {
      g_cancellable_cancel (self->job->cancellable);
      g_thread_join (g_steal_pointer (&self->thread));
      g_clear_pointer (&self->job, io_job_unref);
    }

  /* The asynchronous read cannot be joined, and need not be: its pending
   * callback holds its own reference, gets G_IO_ERROR_CANCELLED, finds the
   * lesson gone and lets the read go. */
  if (self->async != NULL)
    {
      g_cancellable_cancel (self->async->cancellable);
      g_clear_pointer (&self->async, async_read_unref);
    }

  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }

  g_clear_handle_id (&self->wait_readout_id, g_source_remove);
  g_clear_object (&self->chosen);
  g_clear_object (&self->file);

  G_OBJECT_CLASS (thaw_lesson_async_io_parent_class)->dispose (object);
}

static void
thaw_lesson_async_io_finalize (GObject *object)
{
  ThawLessonAsyncIo *self = THAW_LESSON_ASYNC_IO (object);

  g_free (self->checksum);
  g_free (self->error);

  G_OBJECT_CLASS (thaw_lesson_async_io_parent_class)->finalize (object);
}

static void
thaw_lesson_async_io_class_init (ThawLessonAsyncIoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  object_class->dispose = thaw_lesson_async_io_dispose;
  object_class->finalize = thaw_lesson_async_io_finalize;
  object_class->get_property = thaw_lesson_async_io_get_property;
  object_class->set_property = thaw_lesson_async_io_set_property;
  lesson_class->report = thaw_lesson_async_io_report;

  /**
   * ThawLessonAsyncIo:file:
   *
   * The learner's own file to read, or %NULL for the generated one. The
   * file chooser sets it; so do the tests.
   */
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "lesson.start", NULL, start_cb);
  gtk_widget_class_install_action (widget_class, "lesson.read-async", NULL, read_async_cb);
  gtk_widget_class_install_action (widget_class, "lesson.block", NULL, block_cb);
  gtk_widget_class_install_action (widget_class, "lesson.stop", NULL, stop_cb);
  gtk_widget_class_install_action (widget_class, "lesson.choose", NULL, choose_cb);
  gtk_widget_class_install_action (widget_class, "lesson.use-generated", NULL, use_generated_cb);
  gtk_widget_class_install_action (widget_class, "lesson.delete-file", NULL, delete_file_cb);
}

static GtkWidget *
make_button (const char *label,
             const char *action,
             const char *style)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_add_css_class (button, "pill");
  if (style != NULL)
    gtk_widget_add_css_class (button, style);

  return button;
}

static GtkWidget *
make_row_button (const char *label,
                 const char *action)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);

  return button;
}

static GtkWidget *
make_file_list (ThawLessonAsyncIo *self)
{
  GtkWidget *list, *row, *spin, *box, *delete;
  const char *size_env = g_getenv ("THAW_ASYNC_IO_MB");
  guint64 size_mb = DEFAULT_SIZE_MB;

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");

  row = adw_action_row_new ();
  /* File names may hold "&" or "<": show them as they are. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->use_generated_button = make_row_button (_("_Generated"), "lesson.use-generated");
  gtk_widget_set_tooltip_text (self->use_generated_button, _("Read the generated file again"));
  gtk_box_append (GTK_BOX (box), self->use_generated_button);
  gtk_box_append (GTK_BOX (box), make_row_button (_("C_hoose…"), "lesson.choose"));
  delete = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (delete), "lesson.delete-file");
  gtk_widget_set_valign (delete, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (delete, _("Delete the generated file"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (delete),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Delete the generated file"),
                                  -1);
  gtk_box_append (GTK_BOX (box), delete);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  self->file_row = ADW_ACTION_ROW (row);

  if (size_env != NULL)
    g_ascii_string_to_unsigned (size_env, 10, 1, MAX_SIZE_MB, &size_mb, NULL);

  spin = gtk_spin_button_new_with_range (1, MAX_SIZE_MB, 100);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), (double) size_mb);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (spin, "value-changed", G_CALLBACK (size_changed_cb), self);
  self->size_spin = GTK_SPIN_BUTTON (spin);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Size of the generated file (MB)"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  /* libadwaita names the row's activatable spin button by the row's title;
   * a label of its own would be read after it. */
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  gtk_list_box_append (GTK_LIST_BOX (list), row);

  return list;
}

static GtkLabel *
add_card_label (GtkWidget  *card,
                const char *style)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  /* Narrow enough for three cards side by side; a checksum wraps. */
  gtk_label_set_max_width_chars (GTK_LABEL (label), 16);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  if (style != NULL)
    gtk_widget_add_css_class (label, style);
  gtk_box_append (GTK_BOX (card), label);

  return GTK_LABEL (label);
}

static GtkWidget *
make_card (ResultCard *card,
           const char *title)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkLabel *heading;

  gtk_widget_add_css_class (box, "card");
  gtk_widget_set_size_request (box, 160, -1);

  heading = add_card_label (box, "heading");
  gtk_widget_set_margin_top (GTK_WIDGET (heading), 10);
  gtk_label_set_text (heading, title);

  card->speed = add_card_label (box, "title-2");
  gtk_widget_add_css_class (GTK_WIDGET (card->speed), "numeric");
  gtk_label_set_text (card->speed, "—");
  card->details = add_card_label (box, "dim-label");
  gtk_label_set_text (card->details, _("Not run yet"));
  card->wait = add_card_label (box, "caption");
  card->checksum = add_card_label (box, "caption");
  gtk_widget_add_css_class (GTK_WIDGET (card->checksum), "monospace");
  gtk_label_set_selectable (card->checksum, TRUE);
  gtk_widget_set_margin_bottom (GTK_WIDGET (card->checksum), 10);

  gtk_accessible_update_relation (GTK_ACCESSIBLE (card->speed),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, heading, NULL,
                                  -1);

  return box;
}

static void
thaw_lesson_async_io_init (ThawLessonAsyncIo *self)
{
  GtkWidget *box, *buttons, *progress, *status, *cards;

  self->state = "idle";

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  buttons = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (buttons), FALSE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 4);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("On a _Worker Thread"), "lesson.start", "suggested-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Asynchronously"), "lesson.read-async", "suggested-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Blocking the Main Loop"), "lesson.block", "destructive-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Stop"), "lesson.stop", NULL));
  gtk_box_append (GTK_BOX (box), buttons);

  gtk_box_append (GTK_BOX (box), make_file_list (self));

  progress = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (progress), TRUE);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (progress), _("Not started"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (progress),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Progress of the read"),
                                  -1);
  gtk_box_append (GTK_BOX (box), progress);
  self->progress = GTK_PROGRESS_BAR (progress);

  status = gtk_label_new (_("Read the file one way, then another, and compare."));
  gtk_label_set_wrap (GTK_LABEL (status), TRUE);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_box_append (GTK_BOX (box), status);
  self->status = GTK_LABEL (status);

  cards = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (cards), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (cards), TRUE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (cards), 3);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (cards), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (cards), 6);
  gtk_flow_box_append (GTK_FLOW_BOX (cards),
                       make_card (&self->cards[MODE_WORKER], _("Worker thread")));
  gtk_flow_box_append (GTK_FLOW_BOX (cards),
                       make_card (&self->cards[MODE_ASYNC], _("Asynchronous, main loop")));
  gtk_flow_box_append (GTK_FLOW_BOX (cards),
                       make_card (&self->cards[MODE_BLOCKING], _("Blocking, main loop")));
  gtk_box_append (GTK_BOX (box), cards);

  adw_bin_set_child (ADW_BIN (self), box);
  show_source (self);
  update_actions (self);
}
