/* shutdown-work.c — Quitting with work in flight
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two kinds of background work run side by side, and quitting treats them
 * differently:
 *
 *   throw-away    a cache warm-up. If the program quits, nobody misses it:
 *                 it is cancelled, and its thread is joined at once.
 *   must-finish   a file of sixty thousand lines, written over about two
 *                 seconds to a temporary file beside the target, renamed
 *                 over it at the end: the target is always the old file or
 *                 the complete new one. On quit it gets a second of grace:
 *                 if it can finish in that time it does, otherwise it gives
 *                 up, deletes its temporary file and leaves the old one.
 *
 * Read it top to bottom: the file, the two workers, the hand-off to the
 * main thread, start, stop, the quit policy and free, and at the end the
 * worker that reads the file back, so that the lesson shows what is on
 * disk. GLib and GIO only; shutdown-page.c puts it on screen.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>

#include "shutdown-work.h"
#include "thaw-latest.h"
#include "thaw-priority.h"

/* The file's first line says which run wrote it; its last line sums up
 * everything before it, so a reader can tell a complete file from half of
 * one. */
#define HEADER_PREFIX "# Thaw shutdown lesson, written by the run started at "
#define FOOTER_FORMAT "# end: %u lines, sha256 %s\n"

char *
shutdown_target_path (void)
{
  return g_build_filename (g_get_user_cache_dir (), "thaw", "shutdown-lesson.txt", NULL);
}

/* What a worker tells the main thread. It is handed over whole through
 * ThawLatest, under its lock, so its fields need no atomics: once
 * published, the worker never touches it again. */
typedef struct
{
  guint done;
  ShutdownOutcome outcome;  /* SHUTDOWN_RUNNING until the worker's last word */
  GError *error;
  ShutdownFacts facts;      /* the check's */
} News;

static void
news_free (gpointer data)
{
  News *news = data;

  g_clear_error (&news->error);
  shutdown_facts_clear (&news->facts);
  g_free (news);
}

/* One job: its worker, and the worker's way to the main thread. */
typedef struct
{
  ShutdownWork *work;
  guint total;              /* chunks, or warm-up steps */
  int done;                 /* the worker writes it, anyone reads (atomic) */
  GCancellable *cancellable;
  ThawLatest *latest;       /* the worker holds a reference of its own */
  GThread *thread;          /* main thread only; NULL once joined */
} Job;

struct _ShutdownWork
{
  /* Set before the threads start, never changed: the workers read them. */
  Job jobs[3];              /* by ShutdownJob; a check has only the last */
  char *path;
  gboolean in_place;
  guint pause_us;
  char *started_label;      /* the run's start, for the file's header */
  gint64 started_at;

  /* Written by the main thread, read by the writer, with atomics: the file
   * must be done this many milliseconds after started_at, or given up. */
  int deadline_ms;

  /* The main thread's alone. */
  ShutdownNewsFunc news;
  gpointer user_data;
  gboolean closed;          /* shutdown_work_free() ran: tell nobody */
  GApplication *held_app;   /* kept running until the writer is done */
};

#define WRITER(work) (&(work)->jobs[SHUTDOWN_WRITER])

/* Any worker, as often as it likes: ThawLatest keeps the newest news. */
static void
publish (Job             *job,
         guint            done,
         ShutdownOutcome  outcome,
         GError          *error)
{
  News *news = g_new0 (News, 1);

  g_atomic_int_set (&job->done, (int) done);
  news->done = done;
  news->outcome = outcome;
  news->error = error;
  thaw_latest_publish (job->latest, news);
}

/* The must-finish worker, in small pieces. None of them calls GTK. */

/* Sets @error from errno: which file, and what went wrong. */
static gboolean
fail (GError    **error,
      const char *path)
{
  int saved_errno = errno;   /* before any other call can change it */

  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               "%s: %s", path, g_strerror (saved_errno));
  return FALSE;
}

/* Writes all of @text; write() may take only part of it. */
static gboolean
write_text (int            fd,
            const GString *text,
            const char    *path,
            GError       **error)
{
  for (gsize done = 0; done < text->len;)
    {
      gssize n = write (fd, text->str + done, text->len - done);

      if (n < 0 && errno != EINTR)
        return fail (error, path);
      done += (gsize) MAX (n, 0);
    }

  return TRUE;
}

/* Asked before each chunk: go on, or give up? Giving up is an error, as in
 * GIO: G_IO_ERROR_CANCELLED when stopped, G_IO_ERROR_TIMED_OUT when the
 * grace period given at quit cannot be kept. */
static gboolean
may_go_on (ShutdownWork *work,
           guint         chunks_done,
           GError      **error)
{
  int deadline_ms = g_atomic_int_get (&work->deadline_ms);
  gint64 elapsed_us, expected_end_us;

  if (g_cancellable_set_error_if_cancelled (WRITER (work)->cancellable, error))
    return FALSE;
  if (deadline_ms == G_MAXINT)
    return TRUE;

  /* The pace so far says how long the rest will take. If the rest cannot
   * be written in time, waiting for it would only delay the exit. */
  elapsed_us = g_get_monotonic_time () - work->started_at;
  expected_end_us = chunks_done == 0
                    ? G_MAXINT64
                    : elapsed_us + elapsed_us * (WRITER (work)->total - chunks_done) / chunks_done;
  if (expected_end_us <= (gint64) deadline_ms * 1000)
    return TRUE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "The rest of the file could not be written in time");
  return FALSE;
}

/* Writes the header, the lines and the footer to @fd. */
static gboolean
write_lines (ShutdownWork *work,
             int           fd,
             GError      **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  /* One buffer for every chunk: the worker allocates nothing per line. */
  g_autoptr(GString) text = g_string_sized_new (SHUTDOWN_LINES_PER_CHUNK * 48);
  g_autoptr(GRand) rand = g_rand_new ();
  guint n_chunks = WRITER (work)->total;
  char line[64];

  /* The header goes out with the first chunk. */
  g_string_printf (text, HEADER_PREFIX "%s\n", work->started_label);
  for (guint chunk = 0; chunk < n_chunks; chunk++)
    {
      if (!may_go_on (work, chunk, error))
        return FALSE;

      for (guint i = 1; i <= SHUTDOWN_LINES_PER_CHUNK; i++)
        {
          int length = g_snprintf (line, sizeof line, "%06u %08x %08x %08x %08x\n",
                                   chunk * SHUTDOWN_LINES_PER_CHUNK + i,
                                   g_rand_int (rand), g_rand_int (rand),
                                   g_rand_int (rand), g_rand_int (rand));

          g_string_append_len (text, line, length);
        }
      g_checksum_update (checksum, (const guchar *) text->str, (gssize) text->len);
      if (!write_text (fd, text, work->path, error))
        return FALSE;
      g_string_truncate (text, 0);

      publish (WRITER (work), chunk + 1, SHUTDOWN_RUNNING, NULL);
      /* The slow disk. */
      g_usleep (work->pause_us);
    }

  g_string_printf (text, FOOTER_FORMAT, n_chunks * SHUTDOWN_LINES_PER_CHUNK,
                   g_checksum_get_string (checksum));
  return write_text (fd, text, work->path, error);
}

/* The right way: a temporary file in the same folder, flushed to disk and
 * renamed over the target once complete. rename() within one file system
 * is atomic: another program, or the next run, sees the old file or the new
 * one, never a mix. (For content already in memory,
 * g_file_set_contents_full() and g_file_replace_contents() do all of this
 * in one call.) The wrong way, in place: straight into the target. The old
 * file is gone at the first byte, and stopping midway leaves half a file. */
static ShutdownOutcome
write_file (ShutdownWork *work,
            GError      **error)
{
  g_autofree char *folder = g_path_get_dirname (work->path);
  g_autofree char *name = g_path_get_basename (work->path);
  g_autofree char *temp_path = NULL;
  gboolean written;
  int fd;

  if (g_mkdir_with_parents (folder, 0700) != 0)
    return fail (error, folder), SHUTDOWN_FAILED;

  if (work->in_place)
    fd = g_open (work->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  else
    {
      /* mkstemp replaces the Xs with a name nobody else uses. */
      temp_path = g_strdup_printf ("%s/.%s.XXXXXX", folder, name);
      fd = g_mkstemp_full (temp_path, O_WRONLY | O_CLOEXEC, 0644);
    }
  if (fd < 0)
    return fail (error, temp_path != NULL ? temp_path : work->path), SHUTDOWN_FAILED;

  written = write_lines (work, fd, error);

  /* The data must be on the disk before the name points at it; otherwise a
   * power cut right after the rename could leave an empty target. */
  if (written && temp_path != NULL && g_fsync (fd) != 0)
    written = fail (error, temp_path);
  if (!g_close (fd, written ? error : NULL))
    written = FALSE;
  if (written && temp_path != NULL && g_rename (temp_path, work->path) != 0)
    written = fail (error, work->path);
  if (written)
    return SHUTDOWN_KEPT;

  /* Given up or failed: the temporary file goes, and the target was never
   * touched. Written in place, the target is what the worker left of it. */
  if (temp_path != NULL)
    g_unlink (temp_path);
  if (!g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return SHUTDOWN_FAILED;
  return work->in_place ? SHUTDOWN_HALF_WRITTEN : SHUTDOWN_ABANDONED;
}

/* The must-finish worker thread. */
static gpointer
write_file_thread (gpointer data)
{
  Job *job = data;
  GError *error = NULL;
  ShutdownOutcome outcome;

  /* A busy machine should slow the job down, not the window. */
  thaw_thread_set_background_priority ();

  outcome = write_file (job->work, &error);
  publish (job, (guint) g_atomic_int_get (&job->done), outcome, error);

  thaw_latest_unref (job->latest);
  return NULL;
}

/* The throw-away worker thread: it warms a cache that would make the next
 * start faster. The checksums stand in for real work. */
static gpointer
warm_cache_thread (gpointer data)
{
  Job *job = data;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guchar block[4096] = { 0 };
  guint step;

  thaw_thread_set_background_priority ();

  /* It looks at its cancellable before every step: a cancel waits for one
   * step at most. */
  for (step = 0; step < job->total && !g_cancellable_is_cancelled (job->cancellable); step++)
    {
      block[0] = (guchar) step;
      g_checksum_update (checksum, block, sizeof block);
      publish (job, step + 1, SHUTDOWN_RUNNING, NULL);
      g_usleep (job->work->pause_us);
    }

  publish (job, step, step == job->total ? SHUTDOWN_WARMED : SHUTDOWN_THROWN_AWAY, NULL);
  thaw_latest_unref (job->latest);
  return NULL;
}

static void release (ShutdownWork *work);

/* The hand-off. ThawLatest (src/engine/thaw-latest.c) keeps at most one
 * delivery per job waiting on the main loop, with the newest news, at most
 * once a frame; the last news always arrives. This runs on the main
 * thread. */
static void
deliver_news (gpointer value,
              gpointer user_data)
{
  News *news = value;
  Job *job = user_data;
  ShutdownWork *work = job->work;
  ShutdownNews said = {
    .job = (ShutdownJob) (job - work->jobs),
    .done = news->done,
    .total = job->total,
    .outcome = news->outcome,
    .error = news->error,
    .facts = &news->facts,
  };

  /* The worker has said its last word and is returning, so this join
   * waits microseconds; joining a thread still at work would freeze the
   * window. */
  if (news->outcome != SHUTDOWN_RUNNING)
    g_clear_pointer (&job->thread, g_thread_join);

  /* This may free the work: nothing here touches it afterwards. */
  if (!work->closed)
    work->news (&said, work->user_data);
  /* Its owner let go of it while the writer had its grace (see
   * shutdown_work_free()): now the writer is joined, and it all goes. */
  else if (job == WRITER (work) && news->outcome != SHUTDOWN_RUNNING)
    release (work);
}

static ShutdownWork *
work_new (const char       *path,
          ShutdownNewsFunc  news,
          gpointer          user_data)
{
  ShutdownWork *work = g_new0 (ShutdownWork, 1);

  work->path = g_strdup (path);
  work->started_at = g_get_monotonic_time ();
  work->deadline_ms = G_MAXINT;   /* none */
  work->news = news;
  work->user_data = user_data;

  return work;
}

static void
start_job (ShutdownWork *work,
           ShutdownJob   which,
           const char   *name,
           GThreadFunc   func,
           guint         total)
{
  Job *job = &work->jobs[which];

  job->work = work;
  job->total = total;
  /* A fresh cancellable for every run: once cancelled, one stays so. */
  job->cancellable = g_cancellable_new ();
  job->latest = thaw_latest_new (deliver_news, job, news_free);
  /* The worker's own reference to the hand-off, dropped as it returns. */
  thaw_latest_ref (job->latest);
  job->thread = g_thread_new (name, func, job);
}

/* Starts both jobs: the file at @path, of @n_chunks chunks (the lesson:
 * SHUTDOWN_N_CHUNKS), and a warm-up half as long again, each pausing
 * @pause_us after every step (the lesson: SHUTDOWN_PAUSE_US). @news gets
 * their news on the main thread, the last of each job with its outcome. */
ShutdownWork *
shutdown_work_start (const char       *path,
                     gboolean          in_place,
                     guint             n_chunks,
                     guint             pause_us,
                     ShutdownNewsFunc  news,
                     gpointer          user_data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  ShutdownWork *work = work_new (path, news, user_data);

  work->in_place = in_place;
  work->pause_us = pause_us;
  work->started_label = g_date_time_format_iso8601 (now);
  start_job (work, SHUTDOWN_WRITER, "thaw-write", write_file_thread, n_chunks);
  start_job (work, SHUTDOWN_WARMUP, "thaw-warm-up", warm_cache_thread, n_chunks * 3 / 2);

  return work;
}

/* How far @job has got, in percent, as its worker last said: at once, where
 * its news may wait behind the main loop's frames. The report uses it. */
guint
shutdown_work_get_percent (ShutdownWork *work,
                           ShutdownJob   job)
{
  guint total = work->jobs[job].total;

  return total > 0 ? (guint) g_atomic_int_get (&work->jobs[job].done) * 100 / total : 0;
}

/* Cancels both jobs: the must-finish file is abandoned cleanly. */
void
shutdown_work_stop (ShutdownWork *work)
{
  g_cancellable_cancel (WRITER (work)->cancellable);
  g_cancellable_cancel (work->jobs[SHUTDOWN_WARMUP].cancellable);
}

/* The quit policy. Throw-away work: nobody will miss it. Must-finish work:
 * a bounded grace period, then give up cleanly. Written in place, it is
 * stopped wherever it is, as a daemon thread would be. */
void
shutdown_work_quit (ShutdownWork *work,
                    guint         grace_ms)
{
  int deadline_ms = (int) ((g_get_monotonic_time () - work->started_at) / 1000 + grace_ms);

  g_cancellable_cancel (work->jobs[SHUTDOWN_WARMUP].cancellable);
  if (work->in_place)
    g_cancellable_cancel (WRITER (work)->cancellable);
  else if (deadline_ms < g_atomic_int_get (&work->deadline_ms))
    g_atomic_int_set (&work->deadline_ms, deadline_ms);
}

/* Frees it all, once every thread is joined. */
static void
release (ShutdownWork *work)
{
  for (guint i = 0; i < G_N_ELEMENTS (work->jobs); i++)
    {
      g_clear_pointer (&work->jobs[i].latest, thaw_latest_close);
      g_clear_object (&work->jobs[i].cancellable);
    }
  if (work->held_app != NULL)
    g_application_release (work->held_app);
  g_clear_object (&work->held_app);
  g_free (work->path);
  g_free (work->started_label);
  g_free (work);
}

/* Quits for real (the window closed, the application is quitting, or
 * another lesson was opened), and nothing is reported any more. The
 * warm-up looks every step, and the check takes milliseconds: they are
 * joined now. The writer may need its second of grace, and the main loop
 * must not wait for it here, so the work lives on without its owner: it
 * holds the application, which keeps the main loop running after the last
 * window has closed, and the writer's last delivery joins its thread and
 * lets everything go. */
void
shutdown_work_free (ShutdownWork *work)
{
  GApplication *app = g_application_get_default ();

  if (work == NULL)
    return;

  shutdown_work_quit (work, SHUTDOWN_GRACE_MS);
  work->closed = TRUE;
  for (ShutdownJob i = SHUTDOWN_WARMUP; i <= SHUTDOWN_CHECK; i++)
    {
      g_clear_pointer (&work->jobs[i].thread, g_thread_join);
      g_clear_pointer (&work->jobs[i].latest, thaw_latest_close);
    }

  if (WRITER (work)->thread == NULL)
    release (work);
  else if (app != NULL)
    {
      work->held_app = g_object_ref (app);
      g_application_hold (app);
    }
}

/* Reading the file back, on a worker: the file may be megabytes. */

void
shutdown_facts_clear (ShutdownFacts *facts)
{
  g_free (facts->written_by);
  if (facts->modified != NULL)
    g_date_time_unref (facts->modified);
  *facts = (ShutdownFacts) { 0 };
}

/* Checks a file the way its writer promised: a header, lines, and a footer
 * that sums up everything before it. */
static void
check_contents (const char    *data,
                gsize          length,
                ShutdownFacts *facts)
{
  const char *end = data + length;
  const char *footer = end;

  for (const char *p = data; p < end; p++)
    facts->lines += *p == '\n';

  if (g_str_has_prefix (data, HEADER_PREFIX) && memchr (data, '\n', length) != NULL)
    {
      const char *stamp = data + strlen (HEADER_PREFIX);

      facts->written_by = g_strndup (stamp, strcspn (stamp, "\n"));
      facts->lines--;
    }

  /* The footer is the last line: find the newline before it. */
  if (length > 0 && end[-1] == '\n')
    for (footer = end - 1; footer > data && footer[-1] != '\n'; footer--)
      ;

  if (facts->lines > 0 && g_str_has_prefix (footer, "# end: "))
    {
      g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data,
                                                          (gsize) (footer - data));
      g_autofree char *expected = g_strdup_printf (FOOTER_FORMAT, --facts->lines, sum);

      facts->complete = facts->written_by != NULL && g_str_equal (footer, expected);
    }
}

static gpointer
check_thread (gpointer data)
{
  Job *job = data;
  News *news = g_new0 (News, 1);
  g_autofree char *contents = NULL;
  GStatBuf st;
  gsize length;

  thaw_thread_set_background_priority ();

  news->outcome = SHUTDOWN_CHECKED;
  if (g_stat (job->work->path, &st) == 0)
    {
      news->facts.exists = TRUE;
      news->facts.bytes = (guint64) st.st_size;
      news->facts.modified = g_date_time_new_from_unix_local (st.st_mtime);
      /* A file this big was not written by the lesson: it is not read. */
      if (st.st_size <= 64 * 1024 * 1024 &&
          g_file_get_contents (job->work->path, &contents, &length, NULL))
        check_contents (contents, length, &news->facts);
    }

  thaw_latest_publish (job->latest, news);
  thaw_latest_unref (job->latest);
  return NULL;
}

/* Reads the file at @path back on a worker; @news gets what is on disk. */
ShutdownWork *
shutdown_work_check (const char       *path,
                     ShutdownNewsFunc  news,
                     gpointer          user_data)
{
  ShutdownWork *work = work_new (path, news, user_data);

  start_job (work, SHUTDOWN_CHECK, "thaw-inspect", check_thread, 1);
  return work;
}

/* ---- Killed mid-write, in a child process ----------------------------- */

/* `thaw --wrong-way shutdown`: what no quit policy can help with. The
 * child writes an old version of two files, then starts on the new ones,
 * one in place and one the right way, with the lesson's own writer; and
 * once both are half written it says so, and the page kills it with
 * SIGKILL, which no program can catch: no handler runs, no clean-up, no
 * grace. What is on disk afterwards is the lesson. */

/* Where the two files go: a folder of their own, which the page empties
 * before and after. */
char *
shutdown_killed_folder (void)
{
  return g_build_filename (g_get_user_cache_dir (), "thaw", "killed-mid-write", NULL);
}

const char *const shutdown_killed_names[SHUTDOWN_N_KILLED] = { "in-place.txt", "atomic.txt" };

typedef struct
{
  GMainLoop *loop;
  guint writers_left;       /* writers that have not said their last word */
  guint percent[SHUTDOWN_N_KILLED];
  gboolean new_versions;    /* the old ones are written: watch halfway */
  gboolean said_halfway;
} Killed;

typedef struct
{
  Killed *killed;
  guint file;
} KilledFile;

static void
tell_parent (const char *line)
{
  g_print ("%s\n", line);
  fflush (stdout);
}

static void
killed_news (const ShutdownNews *news,
             gpointer            user_data)
{
  KilledFile *file = user_data;
  Killed *killed = file->killed;

  if (news->job != SHUTDOWN_WRITER)
    return;
  if (news->outcome != SHUTDOWN_RUNNING)
    {
      if (--killed->writers_left == 0)
        g_main_loop_quit (killed->loop);
      return;
    }

  killed->percent[file->file] = news->done * 100 / news->total;
  if (killed->new_versions && !killed->said_halfway &&
      killed->percent[0] >= 50 && killed->percent[1] >= 50)
    {
      killed->said_halfway = TRUE;
      tell_parent ("both new versions half written");
    }
}

/* Writes both files with the lesson's writer, and waits for both. */
static void
write_both (Killed   *killed,
            gboolean  first_in_place,
            guint     n_chunks,
            guint     pause_us)
{
  g_autofree char *folder = shutdown_killed_folder ();
  KilledFile files[SHUTDOWN_N_KILLED];
  ShutdownWork *works[SHUTDOWN_N_KILLED];

  killed->writers_left = SHUTDOWN_N_KILLED;
  for (guint i = 0; i < SHUTDOWN_N_KILLED; i++)
    {
      g_autofree char *path = g_build_filename (folder, shutdown_killed_names[i], NULL);

      files[i] = (KilledFile) { killed, i };
      works[i] = shutdown_work_start (path, first_in_place && i == 0, n_chunks, pause_us, killed_news, &files[i]);
    }
  g_main_loop_run (killed->loop);
  for (guint i = 0; i < SHUTDOWN_N_KILLED; i++)
    shutdown_work_free (works[i]);
}

/**
 * shutdown_killed_main:
 *
 * What `thaw --wrong-way shutdown` runs, in a child process of the page.
 * Left alone, it writes both new versions to the end and exits.
 *
 * Returns: the exit status
 */
int
shutdown_killed_main (void)
{
  Killed killed = { .loop = g_main_loop_new (NULL, FALSE) };

  /* The old versions: small, complete, written the right way. */
  write_both (&killed, FALSE, SHUTDOWN_N_CHUNKS / 10, 0);
  tell_parent ("old versions of in-place.txt and atomic.txt written, complete");

  tell_parent ("new versions: in-place.txt in place, atomic.txt to a temporary file and a rename");
  killed.new_versions = TRUE;
  killed.percent[0] = killed.percent[1] = 0;
  write_both (&killed, TRUE, SHUTDOWN_N_CHUNKS, SHUTDOWN_PAUSE_US);
  tell_parent ("both new versions written (printed only if nobody killed this process)");

  g_main_loop_unref (killed.loop);
  return 0;
}
