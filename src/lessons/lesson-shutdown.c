/* lesson-shutdown.c — Quitting with work in flight
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two kinds of background work run side by side, and quitting treats them
 * differently:
 *
 *   throw-away    a cache warm-up. If the program quits, nobody misses it:
 *                 it is cancelled, and its thread is joined at once.
 *
 *   must-finish   a text file of sixty thousand lines, written in chunks
 *                 over about two seconds. It is written to a temporary file
 *                 beside the target and renamed over the target at the end,
 *                 so the target is always either the old file or the
 *                 complete new one. On quit it gets one second of grace:
 *                 if it can finish in that time it does, otherwise it gives
 *                 up, deletes its temporary file and leaves the old one.
 *
 *   lesson.start           both jobs, the right way;
 *   lesson.write-in-place  both jobs, but the file is written straight into
 *                          the target, as a daemon thread would;
 *   lesson.simulate-quit   what quitting does, without quitting;
 *   lesson.stop            cancel both.
 *
 * When the lesson opens, and after every run, a worker reads the target
 * back and checks it, so that what the lesson shows is what is on disk.
 *
 * Read it top to bottom: the file format, the two workers, the hand-off to
 * the main thread, the quit policy, and then the widget.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "thaw-lesson.h"
#include "thaw-priority.h"

/* The must-finish file: N_CHUNKS chunks of LINES_PER_CHUNK lines, with a
 * pause after each chunk that stands in for a slow disk. */
#define N_CHUNKS 100
#define LINES_PER_CHUNK 600
#define N_LINES (N_CHUNKS * LINES_PER_CHUNK)
#define CHUNK_PAUSE_US (20 * 1000)

/* The throw-away warm-up: a little longer than the file, so that quitting
 * late in a run finds it still going. */
#define WARMUP_STEPS 150
#define WARMUP_PAUSE_US (20 * 1000)

/* How long quitting waits for must-finish work. */
#define GRACE_MS 1000
#define NO_DEADLINE G_MAXINT

/* A file this big was not written by the lesson: it is not read back. */
#define MAX_INSPECTED_BYTES (64 * 1024 * 1024)

/* The file's first line says which run wrote it; its last line sums up
 * everything before it, so a reader can tell a complete file from half of
 * one. */
#define HEADER_PREFIX "# Thaw shutdown lesson, written by the run started at "
#define FOOTER_FORMAT "# end: %u lines, sha256 %s\n"

static char *
target_path (void)
{
  return g_build_filename (g_get_user_cache_dir (), "thaw", "shutdown-lesson.txt", NULL);
}

/* The two jobs. Both have the same shape: the worker writes the number of
 * steps done and, at the end, "finished"; the main thread reads them. Those
 * fields are only touched with g_atomic_int_*(), each a full memory barrier,
 * so what the worker wrote before setting "finished" (its outcome, its
 * error) is visible to the main thread once it sees "finished". */

typedef enum
{
  WRITE_RUNNING,
  WRITE_KEPT,           /* the new file is in place */
  WRITE_ABANDONED,      /* gave up; the old file is untouched */
  WRITE_HALF_WRITTEN,   /* stopped while writing in place: the damage */
  WRITE_FAILED,         /* an error, in job->error */
} WriteOutcome;

typedef struct
{
  gatomicrefcount ref_count;
  GCancellable *cancellable;
  GWeakRef lesson;

  /* Set before the thread starts, never changed. */
  gboolean is_writer;
  gboolean in_place;        /* writer only */
  char *path;               /* writer only */
  char *started_label;      /* writer only: the run's start, for the header */
  gint64 started_at;

  /* Main thread only. */
  GThread *thread;
  GApplication *held_app;   /* kept running until this job is done */

  /* Written by the worker, read by the main thread. */
  int steps_done;
  int outcome;              /* a WriteOutcome; writer only */
  GError *error;            /* writer only; set before "finished" */
  int finished;
  int delivery_pending;

  /* Written by the main thread, read by the worker: the writer must be done
   * this many milliseconds after started_at, or give up. */
  int deadline_ms;
} Job;

static Job *
job_new (gpointer lesson,
         gboolean is_writer)
{
  Job *job = g_new0 (Job, 1);

  g_atomic_ref_count_init (&job->ref_count);
  job->cancellable = g_cancellable_new ();
  g_weak_ref_init (&job->lesson, lesson);
  job->is_writer = is_writer;
  job->deadline_ms = NO_DEADLINE;

  return job;
}

static Job *
job_ref (Job *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

static void
job_unref (Job *job)
{
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;

  /* The thread was joined and the application released before the last
   * reference could go: see reap_job(). */
  g_weak_ref_clear (&job->lesson);
  g_object_unref (job->cancellable);
  g_clear_error (&job->error);
  g_free (job->path);
  g_free (job->started_label);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_unref)

static gboolean deliver_progress_cb (gpointer data);

/* Any thread. At most one delivery waits on the main loop, and it shows the
 * latest figures (see lesson-freeze.c for the long story). */
static void
publish_progress (Job      *job,
                  guint     steps_done,
                  gboolean  finished)
{
  g_atomic_int_set (&job->steps_done, (int) steps_done);
  if (finished)
    g_atomic_int_set (&job->finished, TRUE);

  if (g_atomic_int_compare_and_exchange (&job->delivery_pending, FALSE, TRUE))
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, deliver_progress_cb,
                     job_ref (job), (GDestroyNotify) job_unref);
}

/* The must-finish worker, in small pieces. None of them calls GTK. */

static gboolean set_error_from_errno (GError     **error,
                                      const char  *format,
                                      ...) G_GNUC_PRINTF (2, 3);

/* Fills @error from errno, with a message that says what failed. */
static gboolean
set_error_from_errno (GError     **error,
                      const char  *format,
                      ...)
{
  int saved_errno = errno;   /* before any other call can change it */
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               "%s: %s", what, g_strerror (saved_errno));
  return FALSE;
}

/* Writes all of @text; write() may take only part of it. */
static gboolean
write_text (Job          *job,
            int           fd,
            const GString *text,
            GError      **error)
{
  gsize done = 0;

  while (done < text->len)
    {
      gssize n = write (fd, text->str + done, text->len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        /* Translators: %s is a file. */
        return set_error_from_errno (error, _("Could not write “%s”"), job->path);
      done += (gsize) n;
    }

  return TRUE;
}

/* Asked before each chunk: go on, or give up? Giving up is an error, as in
 * GIO: G_IO_ERROR_CANCELLED when stopped, G_IO_ERROR_TIMED_OUT when the
 * grace period given at quit cannot be kept. */
static gboolean
may_go_on (Job      *job,
           guint     chunks_done,
           GError  **error)
{
  int deadline_ms = g_atomic_int_get (&job->deadline_ms);
  gint64 elapsed_ms, expected_end_ms;

  if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
    return FALSE;

  if (deadline_ms == NO_DEADLINE)
    return TRUE;

  /* The pace so far says how long the rest will take. If the rest cannot
   * be written in time, waiting for it would only delay the exit. */
  elapsed_ms = (g_get_monotonic_time () - job->started_at) / 1000;
  expected_end_ms = chunks_done == 0
                    ? G_MAXINT64
                    : elapsed_ms + elapsed_ms * (N_CHUNKS - chunks_done) / chunks_done;

  if (expected_end_ms > deadline_ms)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                           _("The rest of the file could not be written in time"));
      return FALSE;
    }

  return TRUE;
}

/* Writes the header, the lines and the footer to @fd. */
static gboolean
write_lines (Job     *job,
             int      fd,
             GError **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  /* One buffer for every chunk: the worker allocates nothing per line. */
  g_autoptr(GString) text = g_string_sized_new (LINES_PER_CHUNK * 48);
  g_autoptr(GRand) rand = g_rand_new ();
  char line[64];
  guint chunk;

  g_string_printf (text, HEADER_PREFIX "%s\n", job->started_label);
  g_checksum_update (checksum, (const guchar *) text->str, (gssize) text->len);
  if (!write_text (job, fd, text, error))
    return FALSE;

  for (chunk = 0; chunk < N_CHUNKS; chunk++)
    {
      if (!may_go_on (job, chunk, error))
        return FALSE;

      g_string_truncate (text, 0);
      for (guint i = 1; i <= LINES_PER_CHUNK; i++)
        {
          int length = g_snprintf (line, sizeof line, "%06u %08x %08x %08x %08x\n",
                                   chunk * LINES_PER_CHUNK + i,
                                   g_rand_int (rand), g_rand_int (rand),
                                   g_rand_int (rand), g_rand_int (rand));

          g_string_append_len (text, line, length);
        }
      g_checksum_update (checksum, (const guchar *) text->str, (gssize) text->len);
      if (!write_text (job, fd, text, error))
        return FALSE;

      publish_progress (job, chunk + 1, FALSE);
      /* The slow disk. */
      g_usleep (CHUNK_PAUSE_US);
    }

  g_string_printf (text, FOOTER_FORMAT, N_LINES, g_checksum_get_string (checksum));
  return write_text (job, fd, text, error);
}

static gboolean
gave_up (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
}

/* The right way: a temporary file in the same folder, renamed over the
 * target once complete. rename() within one file system is atomic: another
 * program, or the next run, sees the old file or the new one, never a mix.
 * (For content already in memory, g_file_set_contents_full() and
 * g_file_replace_contents() do all of this in one call.) */
static WriteOutcome
write_atomically (Job     *job,
                  GError **error)
{
  g_autofree char *folder = g_path_get_dirname (job->path);
  g_autofree char *name = g_path_get_basename (job->path);
  g_autofree char *temp_path = NULL;
  g_autoptr(GError) local_error = NULL;
  WriteOutcome outcome;
  gboolean written;
  int fd;

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      /* Translators: %s is a folder. */
      set_error_from_errno (error, _("Could not create “%s”"), folder);
      return WRITE_FAILED;
    }

  /* mkstemp replaces the Xs with a name nobody else uses. */
  temp_path = g_strdup_printf ("%s/.%s.XXXXXX", folder, name);
  fd = g_mkstemp_full (temp_path, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      /* Translators: %s is a folder. */
      set_error_from_errno (error, _("Could not create a temporary file in “%s”"), folder);
      return WRITE_FAILED;
    }

  written = write_lines (job, fd, &local_error);

  /* The data must be on the disk before the name points at it; otherwise a
   * power cut right after the rename could leave an empty target. */
  if (written && g_fsync (fd) != 0)
    written = set_error_from_errno (&local_error, _("Could not write “%s”"), job->path);

  if (!g_close (fd, written ? &local_error : NULL))
    written = FALSE;

  if (written && g_rename (temp_path, job->path) != 0)
    /* Translators: %s is a file. */
    written = set_error_from_errno (&local_error, _("Could not replace “%s”"), job->path);

  if (written)
    return WRITE_KEPT;

  /* Abandoned or failed: the temporary file goes, the target was never
   * touched. */
  g_unlink (temp_path);
  outcome = gave_up (local_error) ? WRITE_ABANDONED : WRITE_FAILED;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return outcome;
}

/* The wrong way, for comparison: straight into the target. The old file is
 * gone at the first byte, and stopping midway leaves half a file. */
static WriteOutcome
write_in_place (Job     *job,
                GError **error)
{
  g_autofree char *folder = g_path_get_dirname (job->path);
  g_autoptr(GError) local_error = NULL;
  WriteOutcome outcome;
  gboolean written;
  int fd;

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      set_error_from_errno (error, _("Could not create “%s”"), folder);
      return WRITE_FAILED;
    }

  fd = g_open (job->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      set_error_from_errno (error, _("Could not write “%s”"), job->path);
      return WRITE_FAILED;
    }

  written = write_lines (job, fd, &local_error);
  g_close (fd, NULL);

  if (written)
    return WRITE_KEPT;

  outcome = gave_up (local_error) ? WRITE_HALF_WRITTEN : WRITE_FAILED;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return outcome;
}

/* The must-finish worker thread. */
static gpointer
write_file_thread (gpointer data)
{
  g_autoptr(Job) job = data;
  GError *error = NULL;
  WriteOutcome outcome;

  thaw_thread_set_background_priority ();

  outcome = job->in_place ? write_in_place (job, &error) : write_atomically (job, &error);

  /* The error and the outcome first; "finished" (in publish_progress) is
   * the barrier after which the main thread reads them. */
  job->error = error;
  g_atomic_int_set (&job->outcome, outcome);
  publish_progress (job, (guint) g_atomic_int_get (&job->steps_done), TRUE);

  return NULL;
}

/* The throw-away worker thread: it warms a cache that would make the next
 * start faster. The checksums are the stand-in for real work. */
static gpointer
warm_cache_thread (gpointer data)
{
  g_autoptr(Job) job = data;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guchar block[4096] = { 0 };
  guint step;

  thaw_thread_set_background_priority ();

  for (step = 0; step < WARMUP_STEPS; step++)
    {
      if (g_cancellable_is_cancelled (job->cancellable))
        break;

      block[0] = (guchar) step;
      g_checksum_update (checksum, block, sizeof block);
      publish_progress (job, step + 1, FALSE);
      g_usleep (WARMUP_PAUSE_US);
    }

  publish_progress (job, step, TRUE);

  return NULL;
}

/* What is on disk, read back by a worker: the file may be megabytes. */

typedef struct
{
  gboolean exists;
  gboolean complete;        /* the footer's line count and checksum match */
  guint64 bytes;
  guint lines;              /* lines of data, without header and footer */
  char *written_by;         /* the start of the run that wrote it */
  GDateTime *modified;
} TargetFacts;

static void
target_facts_clear (TargetFacts *facts)
{
  g_clear_pointer (&facts->written_by, g_free);
  g_clear_pointer (&facts->modified, g_date_time_unref);
  memset (facts, 0, sizeof *facts);
}

/* Checks a file the way its writer promised: a header, lines, and a footer
 * that sums up everything before it. */
static void
check_contents (const char  *data,
                gsize        length,
                TargetFacts *facts)
{
  const char *end = data + length;
  const char *footer = NULL;
  guint newlines = 0;

  for (const char *p = data; p < end; p++)
    if (*p == '\n')
      newlines++;

  if (g_str_has_prefix (data, HEADER_PREFIX))
    {
      const char *stamp = data + strlen (HEADER_PREFIX);
      const char *eol = memchr (stamp, '\n', (gsize) (end - stamp));

      if (eol != NULL)
        facts->written_by = g_strndup (stamp, (gsize) (eol - stamp));
    }

  /* The footer is the last line: find the newline before it. */
  if (length > 0 && end[-1] == '\n')
    {
      footer = end - 1;
      while (footer > data && footer[-1] != '\n')
        footer--;
    }

  facts->lines = newlines;
  if (facts->written_by != NULL)
    facts->lines--;
  if (facts->lines > 0 && footer != NULL && g_str_has_prefix (footer, "# end: "))
    {
      g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                          (const guchar *) data,
                                                          (gsize) (footer - data));
      g_autofree char *expected = NULL;

      facts->lines--;   /* the footer */
      expected = g_strdup_printf (FOOTER_FORMAT, facts->lines, sum);
      facts->complete = facts->written_by != NULL && g_str_equal (footer, expected);
    }
}

static void
inspect (const char  *path,
         TargetFacts *facts)
{
  g_autofree char *data = NULL;
  GStatBuf st;
  gsize length;

  if (g_stat (path, &st) != 0)
    return;

  facts->exists = TRUE;
  facts->bytes = (guint64) st.st_size;
  facts->modified = g_date_time_new_from_unix_local (st.st_mtime);

  if (st.st_size <= MAX_INSPECTED_BYTES &&
      g_file_get_contents (path, &data, &length, NULL))
    check_contents (data, length, facts);
}

typedef struct
{
  GWeakRef lesson;
  char *path;
  GThread *thread;          /* main thread only */
  TargetFacts facts;        /* written by the worker before its idle */
} Inspection;

static void
inspection_free (Inspection *inspection)
{
  g_weak_ref_clear (&inspection->lesson);
  g_free (inspection->path);
  target_facts_clear (&inspection->facts);
  g_free (inspection);
}

static gboolean inspection_done_cb (gpointer data);

static gpointer
inspect_thread (gpointer data)
{
  Inspection *inspection = data;

  thaw_thread_set_background_priority ();
  inspect (inspection->path, &inspection->facts);

  /* The idle owns the inspection from here on: this thread must not touch
   * it after this line. */
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, inspection_done_cb,
                   inspection, (GDestroyNotify) inspection_free);

  return NULL;
}

/* The widget. Everything below runs on the main thread. */

#define THAW_TYPE_LESSON_SHUTDOWN (thaw_lesson_shutdown_get_type ())
G_DECLARE_FINAL_TYPE (ThawLessonShutdown, thaw_lesson_shutdown, THAW, LESSON_SHUTDOWN, ThawLesson)

struct _ThawLessonShutdown
{
  ThawLesson parent_instance;

  GtkProgressBar *write_progress;
  GtkProgressBar *warmup_progress;
  GtkLabel *status;
  AdwActionRow *contents_row;
  AdwActionRow *written_row;
  GtkLabel *previous_label;

  Job *writer;
  Job *warmup;
  Inspection *inspection;
  gboolean inspect_again;
  gboolean opened;          /* the first inspection, at opening, is done */
  char *path;

  /* For --report. */
  const char *state;
  const char *write_outcome;
  const char *throwaway_state;
  guint write_percent;
  double write_seconds;
  char *abandon_reason;
  TargetFacts facts;
  gboolean kept_from_previous_run;
  char *previous_run;
};

G_DEFINE_FINAL_TYPE (ThawLessonShutdown, thaw_lesson_shutdown, THAW_TYPE_LESSON)

static void
set_running (ThawLessonShutdown *self)
{
  gboolean running = self->writer != NULL || self->warmup != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.start", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.write-in-place", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.simulate-quit", running);
  thaw_lesson_set_busy (THAW_LESSON (self), running);
}

static void
start_inspection (ThawLessonShutdown *self)
{
  Inspection *inspection;

  /* One at a time; a request meanwhile is served when this one ends. */
  if (self->inspection != NULL)
    {
      self->inspect_again = TRUE;
      return;
    }

  inspection = g_new0 (Inspection, 1);
  g_weak_ref_init (&inspection->lesson, self);
  inspection->path = g_strdup (self->path);
  inspection->thread = g_thread_new ("thaw-inspect", inspect_thread, inspection);
  self->inspection = inspection;
}

static char *
format_time (GDateTime *time)
{
  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M:%S") : g_strdup ("—");
}

/* The header holds the start of the run in ISO 8601, in UTC. */
static char *
format_run (const char *iso8601)
{
  g_autoptr(GDateTime) utc = iso8601 ? g_date_time_new_from_iso8601 (iso8601, NULL) : NULL;
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  return local ? format_time (local) : g_strdup (iso8601 ? iso8601 : "—");
}

static void
show_facts (ThawLessonShutdown *self)
{
  const TargetFacts *facts = &self->facts;
  g_autofree char *size = g_format_size (facts->bytes);
  g_autofree char *contents = NULL;
  g_autofree char *run = format_run (facts->written_by);
  g_autofree char *modified = format_time (facts->modified);
  g_autofree char *written = NULL;

  if (!facts->exists)
    contents = g_strdup (_("No file yet"));
  else if (facts->complete)
    contents = g_strdup_printf (_("Complete: %'u lines, %s, checksum verified"),
                                facts->lines, size);
  else
    contents = g_strdup_printf (_("Incomplete: %'u lines, %s, no valid checksum"),
                                facts->lines, size);
  adw_action_row_set_subtitle (self->contents_row, contents);

  /* Translators: the first %s is when the run that wrote the file started,
   * the second when the file was last changed. */
  written = g_strdup_printf (_("By the run started at %s · modified at %s"), run, modified);
  adw_action_row_set_subtitle (self->written_row, facts->exists ? written : "—");
}

/* What was on disk when the lesson opened: the previous run's legacy. */
static void
show_previous_run (ThawLessonShutdown *self)
{
  g_autofree char *run = format_run (self->previous_run);
  g_autofree char *text = NULL;

  if (!self->facts.exists)
    text = g_strdup (_("When the lesson opened there was no file from an earlier run."));
  else if (self->kept_from_previous_run)
    text = g_strdup_printf (_("When the lesson opened, the complete file of the run started at %s was there."), run);
  else
    text = g_strdup (_("When the lesson opened, the file there was incomplete: an earlier run was stopped while writing it in place."));

  gtk_label_set_text (self->previous_label, text);
}

static gboolean
inspection_done_cb (gpointer data)
{
  Inspection *inspection = data;
  g_autoptr(ThawLessonShutdown) self = g_weak_ref_get (&inspection->lesson);

  /* The lesson is gone: it joined the thread in dispose. */
  if (self == NULL || self->inspection != inspection)
    return G_SOURCE_REMOVE;

  /* The worker's last act was to schedule this idle: it has returned or
   * is returning, and the join waits microseconds. */
  g_thread_join (g_steal_pointer (&inspection->thread));
  self->inspection = NULL;

  target_facts_clear (&self->facts);
  self->facts = inspection->facts;
  memset (&inspection->facts, 0, sizeof inspection->facts);
  show_facts (self);

  if (!self->opened)
    {
      self->opened = TRUE;
      self->kept_from_previous_run = self->facts.complete;
      self->previous_run = g_strdup (self->facts.written_by);
      show_previous_run (self);
    }

  if (self->inspect_again)
    {
      self->inspect_again = FALSE;
      start_inspection (self);
    }

  return G_SOURCE_REMOVE;
}

/* Joins a job's finished thread and lets the application go. Runs for
 * every job that finishes, whether or not its lesson still exists, and may
 * run twice for the same job: the second time there is nothing left to do. */
static void
reap_job (Job *job)
{
  if (job->thread != NULL)
    g_thread_join (g_steal_pointer (&job->thread));

  if (job->held_app != NULL)
    {
      g_application_release (job->held_app);
      g_clear_object (&job->held_app);
    }
}

static void
show_write_progress (ThawLessonShutdown *self,
                     guint               chunks)
{
  g_autofree char *text = NULL;

  self->write_percent = chunks * 100 / N_CHUNKS;
  gtk_progress_bar_set_fraction (self->write_progress, (double) chunks / N_CHUNKS);
  text = g_strdup_printf (_("%'u of %'u lines written"), chunks * LINES_PER_CHUNK, N_LINES);
  gtk_progress_bar_set_text (self->write_progress, text);
}

static void
show_warmup_progress (ThawLessonShutdown *self,
                      guint               steps)
{
  g_autofree char *text = NULL;

  gtk_progress_bar_set_fraction (self->warmup_progress, (double) steps / WARMUP_STEPS);
  /* Translators: %u is a percentage. */
  text = g_strdup_printf (_("%u %% warm"), steps * 100 / WARMUP_STEPS);
  gtk_progress_bar_set_text (self->warmup_progress, text);
}

static void
writer_finished (ThawLessonShutdown *self,
                 Job                *job)
{
  WriteOutcome outcome = g_atomic_int_get (&job->outcome);
  g_autofree char *text = NULL;

  self->write_seconds = (g_get_monotonic_time () - job->started_at) / (double) G_USEC_PER_SEC;
  g_clear_pointer (&self->abandon_reason, g_free);

  switch (outcome)
    {
    case WRITE_KEPT:
      self->state = "succeeded";
      self->write_outcome = "kept";
      text = g_strdup_printf (_("The file was written in %.2f s and is in place."), self->write_seconds);
      break;

    case WRITE_ABANDONED:
      self->state = "cancelled";
      self->write_outcome = "abandoned";
      self->abandon_reason = g_strdup (job->error->message);
      /* Translators: %s says why the job gave up. */
      text = g_strdup_printf (_("Abandoned (%s). The temporary file was deleted; the old file is untouched."),
                              job->error->message);
      break;

    case WRITE_HALF_WRITTEN:
      self->state = "cancelled";
      self->write_outcome = "half-written";
      self->abandon_reason = g_strdup (job->error->message);
      text = g_strdup (_("Stopped while writing in place: the old file is lost and the new one is half-written."));
      break;

    case WRITE_FAILED:
    case WRITE_RUNNING:
    default:
      self->state = "failed";
      self->write_outcome = "failed";
      /* Translators: %s is the error message. */
      text = g_strdup_printf (_("Writing the file failed: %s"),
                              job->error ? job->error->message : "?");
      break;
    }

  gtk_label_set_text (self->status, text);
  g_clear_pointer (&self->writer, job_unref);
  set_running (self);

  /* Show what is on disk now, read back from the disk. */
  start_inspection (self);
}

static void
warmup_finished (ThawLessonShutdown *self,
                 Job                *job)
{
  gboolean cancelled = g_cancellable_is_cancelled (job->cancellable);

  self->throwaway_state = cancelled ? "cancelled" : "succeeded";
  if (cancelled)
    gtk_progress_bar_set_text (self->warmup_progress, _("Cancelled and thrown away"));

  g_clear_pointer (&self->warmup, job_unref);
  set_running (self);
}

/* A delivery from either worker, running on the main thread. */
static gboolean
deliver_progress_cb (gpointer data)
{
  Job *job = data;
  g_autoptr(ThawLessonShutdown) self = NULL;
  guint steps;
  gboolean finished;

  g_atomic_int_set (&job->delivery_pending, FALSE);
  steps = (guint) g_atomic_int_get (&job->steps_done);
  finished = g_atomic_int_get (&job->finished);

  /* This comes first, lesson or no lesson: a job that outlived its lesson
   * (see dispose) is joined here, and lets the application quit. */
  if (finished)
    reap_job (job);

  self = g_weak_ref_get (&job->lesson);
  if (self == NULL)
    return G_SOURCE_REMOVE;

  if (job == self->writer)
    {
      show_write_progress (self, steps);
      if (finished)
        writer_finished (self, job);
    }
  else if (job == self->warmup)
    {
      show_warmup_progress (self, steps);
      if (finished)
        warmup_finished (self, job);
    }

  return G_SOURCE_REMOVE;
}

static void
start_jobs (ThawLessonShutdown *self,
            gboolean            in_place)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  if (self->writer != NULL || self->warmup != NULL)
    return;

  self->state = "running";
  self->write_outcome = "running";
  self->throwaway_state = "running";
  g_clear_pointer (&self->abandon_reason, g_free);
  show_write_progress (self, 0);
  show_warmup_progress (self, 0);

  self->writer = job_new (self, TRUE);
  self->writer->in_place = in_place;
  self->writer->path = g_strdup (self->path);
  self->writer->started_label = g_date_time_format_iso8601 (now);
  self->writer->started_at = g_get_monotonic_time ();
  /* Each thread gets a reference of its own and drops it when it returns. */
  self->writer->thread = g_thread_new ("thaw-write", write_file_thread, job_ref (self->writer));

  self->warmup = job_new (self, FALSE);
  self->warmup->started_at = g_get_monotonic_time ();
  self->warmup->thread = g_thread_new ("thaw-warm-up", warm_cache_thread, job_ref (self->warmup));

  gtk_label_set_text (self->status,
                      in_place
                      ? _("Writing straight into the file. Quitting now would leave half of it.")
                      : _("Writing to a temporary file, to be renamed into place at the end."));
  set_running (self);
}

/* lesson.start: the right way. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  start_jobs (THAW_LESSON_SHUTDOWN (widget), FALSE);
}

/* lesson.write-in-place: the daemon-thread way, on purpose. */
static void
write_in_place_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  start_jobs (THAW_LESSON_SHUTDOWN (widget), TRUE);
}

/* The quit policy, shared by lesson.simulate-quit and dispose. */
static void
apply_quit_policy (ThawLessonShutdown *self)
{
  /* Throw-away work: nobody will miss it. */
  if (self->warmup != NULL)
    g_cancellable_cancel (self->warmup->cancellable);

  if (self->writer == NULL)
    return;

  if (self->writer->in_place)
    {
      /* A daemon thread is stopped wherever it is; so is this one. */
      g_cancellable_cancel (self->writer->cancellable);
    }
  else
    {
      /* Must-finish work: a bounded grace period, then give up cleanly. */
      int now_ms = (int) ((g_get_monotonic_time () - self->writer->started_at) / 1000);
      int deadline_ms = now_ms + GRACE_MS;

      if (deadline_ms < g_atomic_int_get (&self->writer->deadline_ms))
        g_atomic_int_set (&self->writer->deadline_ms, deadline_ms);
    }
}

/* lesson.simulate-quit: what quitting would do, with the window still here
 * to show the outcome. */
static void
simulate_quit_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ThawLessonShutdown *self = THAW_LESSON_SHUTDOWN (widget);

  apply_quit_policy (self);
  if (self->writer != NULL)
    gtk_label_set_text (self->status,
                        self->writer->in_place
                        ? _("Quitting: the in-place writer is stopped where it is.")
                        : _("Quitting: the writer has one second to finish, or it gives up."));
}

/* lesson.stop: cancel both; the must-finish file is abandoned cleanly. */
static void
stop_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonShutdown *self = THAW_LESSON_SHUTDOWN (widget);

  if (self->writer != NULL)
    g_cancellable_cancel (self->writer->cancellable);
  if (self->warmup != NULL)
    g_cancellable_cancel (self->warmup->cancellable);
}

static void
thaw_lesson_shutdown_report (ThawLesson  *lesson,
                             JsonBuilder *builder)
{
  ThawLessonShutdown *self = THAW_LESSON_SHUTDOWN (lesson);
  g_autofree char *modified = NULL;

  if (self->facts.modified != NULL)
    modified = g_date_time_format_iso8601 (self->facts.modified);

  json_builder_set_member_name (builder, "job_state");
  json_builder_add_string_value (builder, self->state);
  json_builder_set_member_name (builder, "write_outcome");
  json_builder_add_string_value (builder, self->write_outcome);
  json_builder_set_member_name (builder, "write_percent");
  json_builder_add_int_value (builder, self->write_percent);
  json_builder_set_member_name (builder, "write_seconds");
  json_builder_add_double_value (builder, self->write_seconds);
  json_builder_set_member_name (builder, "abandon_reason");
  json_builder_add_string_value (builder, self->abandon_reason);
  json_builder_set_member_name (builder, "throwaway_state");
  json_builder_add_string_value (builder, self->throwaway_state);
  json_builder_set_member_name (builder, "grace_ms");
  json_builder_add_int_value (builder, GRACE_MS);
  json_builder_set_member_name (builder, "target_inspected");
  json_builder_add_boolean_value (builder, self->opened);
  json_builder_set_member_name (builder, "target_path");
  json_builder_add_string_value (builder, self->path);
  json_builder_set_member_name (builder, "target_exists");
  json_builder_add_boolean_value (builder, self->facts.exists);
  json_builder_set_member_name (builder, "target_bytes");
  json_builder_add_int_value (builder, (gint64) self->facts.bytes);
  json_builder_set_member_name (builder, "target_lines");
  json_builder_add_int_value (builder, self->facts.lines);
  json_builder_set_member_name (builder, "target_complete");
  json_builder_add_boolean_value (builder, self->facts.complete);
  json_builder_set_member_name (builder, "target_written_by");
  json_builder_add_string_value (builder, self->facts.written_by);
  json_builder_set_member_name (builder, "target_modified");
  json_builder_add_string_value (builder, modified);
  json_builder_set_member_name (builder, "kept_from_previous_run");
  json_builder_add_boolean_value (builder, self->kept_from_previous_run);
  json_builder_set_member_name (builder, "previous_run");
  json_builder_add_string_value (builder, self->previous_run);
}

static void
thaw_lesson_shutdown_dispose (GObject *object)
{
  ThawLessonShutdown *self = THAW_LESSON_SHUTDOWN (object);

  /* The lesson is going away: the window closed, the application is
   * quitting, or another lesson was opened. */
  apply_quit_policy (self);

  /* The throw-away worker looks at its cancellable every 20 ms: join it now. */
  if (self->warmup != NULL)
    {
      reap_job (self->warmup);
      g_clear_pointer (&self->warmup, job_unref);
    }

  /* The must-finish worker may need its second of grace, and the main loop
   * must not wait here for it (this also runs when the learner merely
   * opens another lesson). So the job lives on without the lesson: it
   * holds the application, which keeps the main loop running after the
   * last window has closed, and its final delivery joins the thread and
   * releases the application (see reap_job). */
  if (self->writer != NULL)
    {
      GApplication *app = g_application_get_default ();

      if (app != NULL && self->writer->held_app == NULL)
        {
          self->writer->held_app = g_object_ref (app);
          g_application_hold (app);
        }
      g_clear_pointer (&self->writer, job_unref);
    }

  /* Reading the file back takes milliseconds: wait for it. Its idle will
   * find the lesson gone and only free the inspection. */
  if (self->inspection != NULL)
    {
      g_thread_join (g_steal_pointer (&self->inspection->thread));
      self->inspection = NULL;
    }

  G_OBJECT_CLASS (thaw_lesson_shutdown_parent_class)->dispose (object);
}

static void
thaw_lesson_shutdown_finalize (GObject *object)
{
  ThawLessonShutdown *self = THAW_LESSON_SHUTDOWN (object);

  g_free (self->path);
  g_free (self->abandon_reason);
  g_free (self->previous_run);
  target_facts_clear (&self->facts);

  G_OBJECT_CLASS (thaw_lesson_shutdown_parent_class)->finalize (object);
}

static void
thaw_lesson_shutdown_class_init (ThawLessonShutdownClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  object_class->dispose = thaw_lesson_shutdown_dispose;
  object_class->finalize = thaw_lesson_shutdown_finalize;
  lesson_class->report = thaw_lesson_shutdown_report;

  gtk_widget_class_install_action (widget_class, "lesson.start", NULL, start_cb);
  gtk_widget_class_install_action (widget_class, "lesson.write-in-place", NULL, write_in_place_cb);
  gtk_widget_class_install_action (widget_class, "lesson.simulate-quit", NULL, simulate_quit_cb);
  gtk_widget_class_install_action (widget_class, "lesson.stop", NULL, stop_cb);
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

/* A heading and a progress bar, for one of the two jobs. */
static GtkProgressBar *
add_job_view (GtkBox     *box,
              const char *heading,
              const char *accessible_label)
{
  GtkWidget *label = gtk_label_new (heading);
  GtkWidget *progress = gtk_progress_bar_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (box, label);

  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (progress), TRUE);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (progress), _("Not started"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (progress),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label,
                                  -1);
  gtk_box_append (box, progress);

  return GTK_PROGRESS_BAR (progress);
}

static AdwActionRow *
add_row (GtkListBox *list,
         const char *title,
         const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_append (list, row);

  return ADW_ACTION_ROW (row);
}

static void
thaw_lesson_shutdown_init (ThawLessonShutdown *self)
{
  GtkWidget *box, *buttons, *status, *heading, *disk, *previous;

  self->state = "idle";
  self->write_outcome = "none";
  self->throwaway_state = "idle";
  self->path = target_path ();

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  buttons = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (buttons), FALSE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 3);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("Start _Both Jobs"), "lesson.start", "suggested-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("Start, Writing In _Place"), "lesson.write-in-place", "destructive-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("Simulate _Quit"), "lesson.simulate-quit", NULL));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Stop"), "lesson.stop", NULL));
  /* The real thing: quit, start Thaw again, and see what was kept. */
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("Quit _Thaw"), "app.quit", NULL));
  gtk_box_append (GTK_BOX (box), buttons);

  self->write_progress = add_job_view (GTK_BOX (box),
                                       _("Must-finish: writing a file of sixty thousand lines"),
                                       _("Progress of the file being written"));
  self->warmup_progress = add_job_view (GTK_BOX (box),
                                        _("Throw-away: warming a cache"),
                                        _("Progress of the cache warm-up"));

  status = gtk_label_new (_("Start both jobs, then quit before they end, or simulate quitting."));
  gtk_label_set_wrap (GTK_LABEL (status), TRUE);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_box_append (GTK_BOX (box), status);
  self->status = GTK_LABEL (status);

  heading = gtk_label_new (_("On Disk"));
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_widget_set_margin_top (heading, 6);
  gtk_box_append (GTK_BOX (box), heading);

  disk = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (disk), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (disk, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (disk),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("The file on disk"),
                                  -1);
  add_row (GTK_LIST_BOX (disk), _("File"), self->path);
  self->contents_row = add_row (GTK_LIST_BOX (disk), _("Contents"), _("Reading…"));
  self->written_row = add_row (GTK_LIST_BOX (disk), _("Written"), "—");
  gtk_box_append (GTK_BOX (box), disk);

  previous = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (previous), TRUE);
  gtk_label_set_xalign (GTK_LABEL (previous), 0);
  gtk_widget_add_css_class (previous, "dim-label");
  gtk_box_append (GTK_BOX (box), previous);
  self->previous_label = GTK_LABEL (previous);

  adw_bin_set_child (ADW_BIN (self), box);
  set_running (self);

  /* What did the last run leave? */
  start_inspection (self);
}

const ThawLessonInfo thaw_lesson_shutdown_info = {
  .id = "shutdown",
  .part = THAW_PART_CONTROL,
  .title = N_("Quitting With Work in Flight"),
  .summary = N_("Throw-away work is cancelled; must-finish work completes or leaves the old file"),
  .keywords = N_("shutdown;quit;exit;daemon;join;atomic;rename;temporary file;fsync;cache;hold"),
  .explanation =
    N_("When a program quits, its threads do not get a say. In C, returning "
       "from <tt>main()</tt> ends the process and every thread in it, wherever "
       "it was. So before quitting, a program must decide, for each piece of "
       "work still running, what becomes of it.\n\n"
       "Some work is <b>throw-away</b>: a cache warm-up, a preview. If it is "
       "lost, the next start redoes it. In Python such a thread can be a "
       "<i>daemon</i> (<tt>daemon=True</tt>): at exit the interpreter waits "
       "for every thread except daemons, and a daemon ends with the process "
       "wherever it was, as every thread does when its process ends. Here the "
       "warm-up is cancelled and joined, which takes no longer than one of "
       "its 20 ms steps, because it checks its <tt>GCancellable</tt> between "
       "them.\n\n"
       "Other work <b>must finish</b> or leave no trace, like saving a file. "
       "Stopping it midway, as the end of the process stops a daemon thread, "
       "leaves half a file where the old one was: try “Start, Writing In "
       "Place” and quit. The cure is to write to a <b>temporary file</b> in "
       "the same folder, flush it to "
       "disk with <tt>fsync()</tt>, and <tt>rename()</tt> it over the target at "
       "the end. A rename is atomic: the target is the old file until the "
       "instant it is the complete new one. <tt>g_file_set_contents_full()</tt> "
       "and <tt>g_file_replace_contents()</tt> do this for you when the content "
       "is in memory.\n\n"
       "Quitting must not hang either. This lesson gives the writer one second "
       "of grace: if the pace so far says it can finish in that time, it does; "
       "otherwise it gives up at once, deletes its temporary file and leaves "
       "the old one. Meanwhile <tt>g_application_hold()</tt> keeps the main "
       "loop running after the window has closed, and the writer’s last "
       "message joins its thread and releases the application.\n\n"
       "Quit Thaw in the middle of a run and start it again: the lesson reads "
       "the file back and shows which run wrote it, and whether it is "
       "complete."),
  .try_this =
    N_("Click “Start Both Jobs” and wait: the file is written and the cache warmed.\n"
       "Start again and click “Simulate Quit” early: the writer gives up and the old file stays.\n"
       "Start again and click “Simulate Quit” after 70 %: the writer finishes within its second of grace, the cache is thrown away.\n"
       "Click “Start, Writing In Place”, then “Quit Thaw” halfway, and open this lesson again: the file is incomplete.\n"
       "Click “Start Both Jobs”, quit halfway, and open this lesson again: the file is complete, old or new."),
  .source = "lesson-shutdown.c",
  .get_type = thaw_lesson_shutdown_get_type,
};
