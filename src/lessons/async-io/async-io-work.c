/* async-io-work.c — Reading a big file: async on the main loop, or a worker
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One job, reading a big file and computing its SHA-256 on the way, runs
 * in three ways: on a worker thread with plain blocking calls
 * (g_input_stream_read() in a loop, 1 MiB at a time); on the main loop
 * with GIO's asynchronous calls (a callback gets each piece, hashes it and
 * asks for the next); and, the wrong way, on the main loop with blocking
 * calls, which freezes the window. A worker writes the file the first time.
 *
 * Top to bottom: the file, what the threads share, the worker that writes,
 * the blocking read, the asynchronous read, then start, the hand-off to
 * the main thread, stop and free. async-io-page.c puts it on screen.
 */

#include "config.h"

#include "async-io-work.h"
#include "thaw-latest.h"
#include "thaw-priority.h"

/* Big enough that each call does real work, small enough that progress
 * moves and Stop is quick. */
#define PIECE_BYTES (1024 * 1024)

/* In the user's cache folder, the size in the name: sizes do not collide. */
GFile *
async_io_generated_file (guint size_mb)
{
  g_autofree char *name = g_strdup_printf ("async-io-%uMB.bin", size_mb);
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "thaw", name, NULL);

  return g_file_new_for_path (path);
}

/* The size of a regular file, or -1. Quick enough for the main thread when
 * the file is local; a network share could keep it waiting: not asked. */
static gint64
query_size (GFile *file)
{
  g_autoptr(GFileInfo) info = NULL;

  if (g_file_is_native (file))
    info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                              G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (info == NULL || g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    return -1;

  return g_file_info_get_size (info);
}

/* What the threads share. A worker only reads what was set before it
 * started, and tells the main thread everything in an AsyncIoNews that a
 * ThawLatest hands over. The rest is the main thread's alone. */
struct _AsyncIoWork
{
  grefcount ref_count;      /* the owner's, and one per pending GIO call */
  GFile *file;
  guint64 generate_size;
  AsyncIoWay way;
  GCancellable *cancellable;
  ThawLatest *latest;
  AsyncIoNewsFunc func;
  gpointer user_data;

  GThread *thread;
  gboolean writing, generated;
  guint64 total;
  gboolean closed;          /* async_io_work_free() ran: tell nobody */

  /* The asynchronous read; each pending GIO call holds a reference. */
  GInputStream *stream;
  GChecksum *checksum;
  guint64 bytes;
  gint64 started_at;
};

static AsyncIoWork *
work_ref (AsyncIoWork *work)
{
  g_ref_count_inc (&work->ref_count);
  return work;
}

static void
work_unref (AsyncIoWork *work)
{
  if (!g_ref_count_dec (&work->ref_count))
    return;

  g_object_unref (work->file);
  g_object_unref (work->cancellable);
  g_clear_object (&work->stream);
  g_clear_pointer (&work->checksum, g_checksum_free);
  g_free (work);
}

/* Any thread: "generated" and "total" do not change while a worker runs. */
static AsyncIoNews *
news_new (AsyncIoWork *work,
          gboolean     writing,
          guint64      done,
          gboolean     finished,
          GError      *error)
{
  AsyncIoNews news = { writing, work->generated, done, work->total, finished, .error = error };

  return g_memdup2 (&news, sizeof news);
}

static void
news_free (gpointer data)
{
  AsyncIoNews *news = data;

  g_free (news->checksum);
  g_clear_error (&news->error);
  g_free (news);
}

/* A read's last news: the checksum if it got to the end, else the error. */
static AsyncIoNews *
end_read (AsyncIoWork *work,
          guint64      bytes,
          gint64       started_at,
          GChecksum   *checksum,
          GError      *error)
{
  AsyncIoNews *news = news_new (work, FALSE, bytes, TRUE, error);

  news->seconds = (double) (g_get_monotonic_time () - started_at) / G_USEC_PER_SEC;
  news->mb_per_s = news->seconds > 0 ? bytes / news->seconds / ASYNC_IO_MEGABYTE : 0;
  if (error == NULL)
    news->checksum = g_strdup (g_checksum_get_string (checksum));

  return news;
}

/* To the owner, from the main thread, where the asynchronous and the
 * blocking reads run: no hand-off needed. */
static void
tell (AsyncIoWork *work,
      AsyncIoNews *news)
{
  work->func (news, work->user_data);
  news_free (news);
}

/* The worker that writes the file. */

/* Writes "NAME.part" and renames it only when it is complete: a stopped or
 * failed run never leaves a half file that looks whole. */
static gboolean
write_file (AsyncIoWork  *work,
            GError      **error)
{
  g_autofree char *path = g_file_get_path (work->file);
  g_autofree char *part_path = g_strconcat (path, ".part", NULL);
  g_autoptr(GFile) part = g_file_new_for_path (part_path);
  g_autoptr(GFile) folder = g_file_get_parent (work->file);
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autofree guint64 *piece = g_new (guint64, PIECE_BYTES / sizeof (guint64));
  guint64 x = G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  guint64 written = 0;

  /* Pseudo-random bytes (xorshift64*): a file system that compresses would
   * store zeros in no time and read them back faster than any disk. */
  for (gsize i = 0; i < PIECE_BYTES / sizeof (guint64); i++)
    {
      x ^= x >> 12;
      x ^= x << 25;
      x ^= x >> 27;
      piece[i] = x * G_GUINT64_CONSTANT (0x2545F4914F6CDD1D);
    }

  /* If the folder cannot be made, opening the file below says why. */
  g_file_make_directory_with_parents (folder, work->cancellable, NULL);
  stream = g_file_replace (part, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                           work->cancellable, error);
  if (stream == NULL)
    return FALSE;

  while (written < work->generate_size)
    {
      gsize length = MIN (PIECE_BYTES, work->generate_size - written);

      /* Each piece stamped with its number, so that no two are the same. */
      piece[0] = written / PIECE_BYTES;
      if (!g_output_stream_write_all (G_OUTPUT_STREAM (stream), piece, length, NULL,
                                      work->cancellable, error))
        break;

      written += length;
      thaw_latest_publish (work->latest, news_new (work, TRUE, written, FALSE, NULL));
    }

  if (written < work->generate_size ||
      !g_output_stream_close (G_OUTPUT_STREAM (stream), work->cancellable, error) ||
      !g_file_move (part, work->file, G_FILE_COPY_OVERWRITE, work->cancellable, NULL, NULL, error))
    {
      /* Closed first, quietly, so that the half file can go. */
      g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, NULL);
      g_file_delete (part, NULL, NULL);
      return FALSE;
    }

  return TRUE;
}

/* The blocking read. A worker runs it, and so does the wrong way on the
 * main thread, which is what freezes the window; there nobody could see
 * progress before the end, so none is published. SHA-256 is what
 * `sha256sum FILE` prints, for the learner to check; at about half a
 * gigabyte a second it is real work, which is why hashing on the main loop
 * ends up slower than on a worker. */
static AsyncIoNews *
read_file (AsyncIoWork *work,
           gboolean     publish)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *buffer = g_malloc (PIECE_BYTES);
  g_autoptr(GFileInputStream) stream = NULL;
  gint64 started_at = g_get_monotonic_time ();
  GError *error = NULL;
  guint64 bytes = 0;
  gssize n;

  stream = g_file_read (work->file, work->cancellable, &error);
  while (stream != NULL &&
         (n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, PIECE_BYTES,
                                   work->cancellable, &error)) > 0)
    {
      g_checksum_update (checksum, buffer, n);
      bytes += n;
      if (publish)
        thaw_latest_publish (work->latest, news_new (work, FALSE, bytes, FALSE, NULL));
    }

  return end_read (work, bytes, started_at, checksum, error);
}

/* A worker thread's whole life: write the file, or read it. It never
 * touches what the main thread owns. */
static gpointer
worker_thread (gpointer data)
{
  AsyncIoWork *work = data;
  GError *error = NULL;

  /* A busy machine should slow the worker down, not the window. */
  thaw_thread_set_background_priority ();

  /* The last word: the read's end, the file written, or why not. */
  if (!work->writing)
    thaw_latest_publish (work->latest, read_file (work, TRUE));
  else if (write_file (work, &error))
    thaw_latest_publish (work->latest, news_new (work, FALSE, 0, FALSE, NULL));
  else
    thaw_latest_publish (work->latest, news_new (work, TRUE, 0, TRUE, error));

  thaw_latest_unref (work->latest);   /* the thread's own reference */
  return NULL;
}

/* The asynchronous read, all on the main thread: each call starts a read
 * and returns at once, and GIO calls back on the main loop when the piece
 * is there. For a local file GIO waits on a thread of its own pool; for a
 * network file system or a pipe it may need none. This code never waits. */
static void read_piece_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      data);

/* GIO fills a buffer of its own on another thread and hands it over in
 * the callback: a buffer of ours, freed while a read is in flight, would
 * be written after the free. */
static void
read_next_piece (AsyncIoWork *work)
{
  g_input_stream_read_bytes_async (work->stream, PIECE_BYTES, G_PRIORITY_DEFAULT,
                                   work->cancellable, read_piece_cb, work_ref (work));
}

static void
read_piece_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  AsyncIoWork *work = data;   /* with the pending call's reference */
  GError *error = NULL;
  g_autoptr(GBytes) piece = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  gsize n = piece != NULL ? g_bytes_get_size (piece) : 0;

  if (work->closed)         /* the owner is gone: the read ends here */
    g_clear_error (&error);
  else if (n == 0)
    tell (work, end_read (work, work->bytes, work->started_at, work->checksum, error));
  else
    {
      /* A couple of milliseconds of hashing fit in a frame; a much slower
       * step per piece would belong on a worker. */
      g_checksum_update (work->checksum, g_bytes_get_data (piece, NULL), n);
      work->bytes += n;
      tell (work, news_new (work, FALSE, work->bytes, FALSE, NULL));
      read_next_piece (work);
    }
  work_unref (work);
}

static void
file_opened_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  AsyncIoWork *work = data;
  GError *error = NULL;

  work->stream = G_INPUT_STREAM (g_file_read_finish (G_FILE (source), result, &error));
  if (work->closed)
    g_clear_error (&error);
  else if (work->stream == NULL)
    tell (work, end_read (work, 0, work->started_at, work->checksum, error));
  else
    read_next_piece (work);
  work_unref (work);
}

static void
start_thread (AsyncIoWork *work)
{
  GError *error = NULL;

  /* The thread holds a reference to the hand-off until it returns. */
  thaw_latest_ref (work->latest);
  work->thread = g_thread_try_new (work->writing ? "thaw-write" : "thaw-read",
                                   worker_thread, work, &error);
  if (work->thread == NULL)
    {
      thaw_latest_unref (work->latest);   /* it never started */
      thaw_latest_publish (work->latest, news_new (work, work->writing, 0, TRUE, error));
    }
}

/* Reads the file the chosen way; it exists by now. */
static void
start_read (AsyncIoWork *work)
{
  work->total = MAX (work->generated ? (gint64) work->generate_size : query_size (work->file), 0);

  if (work->way == ASYNC_IO_WORKER)
    start_thread (work);
  else if (work->way == ASYNC_IO_ASYNC)
    {
      work->checksum = g_checksum_new (G_CHECKSUM_SHA256);
      work->started_at = g_get_monotonic_time ();
      g_file_read_async (work->file, G_PRIORITY_DEFAULT, work->cancellable,
                         file_opened_cb, work_ref (work));
    }
  else
    {
      /* The wrong way: the worker's loop, right here. Nothing is drawn
       * until it returns. */
      tell (work, read_file (work, FALSE));
    }
}

/* On the main thread: the newest news, at most once a frame, and never
 * after async_io_work_free(). */
static void
deliver (gpointer value,
         gpointer user_data)
{
  AsyncIoWork *work = user_data;
  AsyncIoNews *news = value;
  gboolean written = work->writing && !news->writing;

  if ((written || news->finished) && work->thread != NULL)   /* its last word */
    g_thread_join (g_steal_pointer (&work->thread));

  if (written)
    work->writing = FALSE;
  work->func (news, work->user_data);
  if (written)
    start_read (work);   /* the file is whole: on to the read */
}

/* Starts reading @file @way. If @generate_size is not 0, @file is the
 * generated file, and a worker writes it first unless it has that size.
 * @func gets the news on the main thread, the last time with "finished";
 * the blocking way has told everything before this returns. */
AsyncIoWork *
async_io_work_start (GFile           *file,
                     guint64          generate_size,
                     AsyncIoWay       way,
                     AsyncIoNewsFunc  func,
                     gpointer         user_data)
{
  AsyncIoWork *work = g_new0 (AsyncIoWork, 1);

  g_ref_count_init (&work->ref_count);
  work->file = g_object_ref (file);
  work->generate_size = generate_size;
  work->way = way;
  work->cancellable = g_cancellable_new ();
  work->latest = thaw_latest_new (deliver, work, news_free);
  work->func = func;
  work->user_data = user_data;

  work->generated = generate_size > 0 && query_size (file) != (gint64) generate_size;
  if (work->generated)
    {
      work->writing = TRUE;
      work->total = generate_size;
      tell (work, news_new (work, TRUE, 0, FALSE, NULL));
      start_thread (work);
    }
  else
    start_read (work);

  return work;
}

/* Noticed between two pieces; the last news ends the run as usual. */
void
async_io_work_stop (AsyncIoWork *work)
{
  g_cancellable_cancel (work->cancellable);
}

/* A worker is stopped and joined: it looks between two pieces, so this
 * takes a millisecond or so. An asynchronous read need not be joined: its
 * pending callback holds a reference and tells nobody. */
void
async_io_work_free (AsyncIoWork *work)
{
  if (work == NULL)
    return;

  work->closed = TRUE;
  g_cancellable_cancel (work->cancellable);
  if (work->thread != NULL)
    g_thread_join (g_steal_pointer (&work->thread));
  g_clear_pointer (&work->latest, thaw_latest_close);

  work_unref (work);
}
