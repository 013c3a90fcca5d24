/* shutdown-page.c — Quitting with work in flight: the page
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Puts shutdown-work.c on screen (the widgets are in shutdown-page.ui): the
 * two jobs fill their bars, quitting is simulated or real, and the file is
 * read back after every run. Everything here runs on the main thread.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "shutdown-work.h"
#include "thaw-child.h"
#include "thaw-lesson-child.h"
#include "thaw-lesson.h"
#include "thaw-paced-text.h"

G_DECLARE_FINAL_TYPE (ThawLessonShutdown, thaw_lesson_shutdown, THAW, LESSON_SHUTDOWN, ThawLesson)

struct _ThawLessonShutdown
{
  ThawLesson parent_instance;

  GtkProgressBar *bars[2];  /* by ShutdownJob: the writer's, the warm-up's */
  GtkLabel *status;
  AdwActionRow *file_row;
  AdwActionRow *contents_row;
  AdwActionRow *written_row;
  GtkLabel *previous_label;
  GtkLabel *child_report;

  ShutdownWork *work;       /* while a run goes on */
  ShutdownWork *check;      /* while the file is read back */
  gboolean check_again;
  gboolean in_place;
  gboolean jobs_ran;        /* the two jobs ran at least once (not only Kill Mid-Write) */
  char *path;

  /* For --report. */
  ShutdownOutcome outcomes[2];   /* by ShutdownJob */
  guint write_percent;
  double write_seconds;
  char *abandon_reason;
  ShutdownFacts facts;
  gboolean opened;          /* the first check, at opening, is done */
  gboolean kept_from_previous_run;
  char *previous_run;

  /* Kill Mid-Write: the child process, then the reading back of what it
   * left, one file after the other. */
  ThawChild *child;
  ThawLessonChild child_seen;
  ShutdownWork *killed_check;
  guint killed_checked;         /* files read back so far */
  ShutdownFacts killed[SHUTDOWN_N_KILLED];
  guint temp_files_left;        /* what SIGKILL left behind, found... */
  guint64 temp_bytes_left;
  guint files_after_cleanup;    /* ...and removed: what remained */
  gboolean killed_folder_used;  /* until it has been removed */
};

G_DEFINE_FINAL_TYPE (ThawLessonShutdown, thaw_lesson_shutdown, THAW_TYPE_LESSON)

/* How the report writes an outcome, and how a run with that file ends. */
static const struct { const char *name; ThawRunState run_state; } outcomes[] = {
  [SHUTDOWN_RUNNING] = { "running", THAW_RUN_RUNNING },
  [SHUTDOWN_KEPT] = { "kept", THAW_RUN_SUCCEEDED },
  [SHUTDOWN_ABANDONED] = { "abandoned", THAW_RUN_CANCELLED },
  [SHUTDOWN_HALF_WRITTEN] = { "half-written", THAW_RUN_CANCELLED },
  [SHUTDOWN_FAILED] = { "failed", THAW_RUN_FAILED },
  [SHUTDOWN_WARMED] = { "succeeded", THAW_RUN_SUCCEEDED },
  [SHUTDOWN_THROWN_AWAY] = { "cancelled", THAW_RUN_CANCELLED },
};

static void start_check (ThawLessonShutdown *self);

static void
show_progress (ThawLessonShutdown *self,
               ShutdownJob         job,
               guint               done,
               guint               total)
{
  g_autofree char *text = NULL;

  gtk_progress_bar_set_fraction (self->bars[job], (double) done / total);
  if (job == SHUTDOWN_WRITER)
    {
      self->write_percent = done * 100 / total;
      text = g_strdup_printf (_("%'u of %'u lines written"),
                              done * SHUTDOWN_LINES_PER_CHUNK, total * SHUTDOWN_LINES_PER_CHUNK);
    }
  else
    /* Translators: %u is a percentage. */
    text = g_strdup_printf (_("%u %% warm"), done * 100 / total);
  thaw_paced_text_set (self->bars[job], "text", text, FALSE);
}

/* The writer's last news: what became of the file. */
static char *
describe_write (ThawLessonShutdown *self,
                const GError       *error)
{
  g_clear_pointer (&self->abandon_reason, g_free);
  self->write_seconds = (g_get_monotonic_time () - thaw_lesson_get_run_started_at (THAW_LESSON (self)))
                        / (double) G_USEC_PER_SEC;

  if (self->outcomes[SHUTDOWN_WRITER] == SHUTDOWN_KEPT)
    return g_strdup_printf (_("The file was written in %.2f s and is in place."), self->write_seconds);
  if (self->outcomes[SHUTDOWN_WRITER] == SHUTDOWN_FAILED)
    /* Translators: %s is the error message. */
    return g_strdup_printf (_("Writing the file failed: %s"), error ? error->message : "?");

  self->abandon_reason = g_strdup (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)
                                   ? _("The rest of the file could not be written in time")
                                   : error->message);
  if (self->outcomes[SHUTDOWN_WRITER] == SHUTDOWN_HALF_WRITTEN)
    return g_strdup (_("Stopped while writing in place: the old file is lost and the new one is half-written."));
  /* Translators: %s says why the job gave up. */
  return g_strdup_printf (_("Abandoned (%s). The temporary file was deleted; the old file is untouched."),
                          self->abandon_reason);
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

/* What the check found on disk, and, the first time, what the previous
 * run left there. */
static void
show_facts (ThawLessonShutdown *self)
{
  const ShutdownFacts *facts = &self->facts;
  g_autofree char *size = g_format_size (facts->bytes);
  g_autofree char *run = format_run (facts->written_by);
  g_autofree char *modified = format_time (facts->modified);
  g_autofree char *contents = NULL;
  g_autofree char *written = NULL;
  g_autofree char *previous = NULL;

  if (!facts->exists)
    contents = g_strdup (_("No file yet"));
  else if (facts->complete)
    contents = g_strdup_printf (_("Complete: %'u lines, %s, checksum verified"), facts->lines, size);
  else
    contents = g_strdup_printf (_("Incomplete: %'u lines, %s, no valid checksum"), facts->lines, size);
  adw_action_row_set_subtitle (self->contents_row, contents);

  /* Translators: the first %s is when the run that wrote the file started,
   * the second when the file was last changed. */
  written = g_strdup_printf (_("By the run started at %s · modified at %s"), run, modified);
  adw_action_row_set_subtitle (self->written_row, facts->exists ? written : "—");

  if (self->opened)
    return;
  self->opened = TRUE;
  self->kept_from_previous_run = facts->complete;
  self->previous_run = g_strdup (facts->written_by);
  if (!facts->exists)
    previous = g_strdup (_("When the lesson opened there was no file from an earlier run."));
  else if (facts->complete)
    previous = g_strdup_printf (_("When the lesson opened, the complete file of the run started at %s was there."), run);
  else
    previous = g_strdup (_("When the lesson opened, the file there was incomplete: an earlier run was stopped while writing it in place."));
  gtk_label_set_text (self->previous_label, previous);
}

/* The work's news, on the main thread. */
static void
job_news (const ShutdownNews *news,
          gpointer            user_data)
{
  ThawLessonShutdown *self = user_data;
  g_autofree char *text = NULL;

  if (news->job == SHUTDOWN_CHECK)
    {
      shutdown_facts_clear (&self->facts);
      self->facts = *news->facts;
      *news->facts = (ShutdownFacts) { 0 };
      g_clear_pointer (&self->check, shutdown_work_free);
      show_facts (self);
      /* One check at a time; one asked for meanwhile runs now. */
      if (self->check_again)
        start_check (self);
      return;
    }

  show_progress (self, news->job, news->done, news->total);
  self->outcomes[news->job] = news->outcome;
  if (news->outcome == SHUTDOWN_THROWN_AWAY)
    thaw_paced_text_set (self->bars[SHUTDOWN_WARMUP], "text", _("Cancelled and thrown away"), TRUE);
  if (news->job == SHUTDOWN_WRITER && news->outcome != SHUTDOWN_RUNNING)
    {
      text = describe_write (self, news->error);
      gtk_label_set_text (self->status, text);
      /* Show what is on disk now, read back from the disk. */
      start_check (self);
    }

  /* The run ends when both jobs have, the way the file went. */
  if (self->outcomes[SHUTDOWN_WRITER] != SHUTDOWN_RUNNING &&
      self->outcomes[SHUTDOWN_WARMUP] != SHUTDOWN_RUNNING)
    {
      thaw_lesson_end_run (THAW_LESSON (self), outcomes[self->outcomes[SHUTDOWN_WRITER]].run_state);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.simulate-quit", FALSE);
      g_clear_pointer (&self->work, shutdown_work_free);
    }
}

static void
start_check (ThawLessonShutdown *self)
{
  self->check_again = self->check != NULL;
  if (self->check == NULL)
    self->check = shutdown_work_check (self->path, job_news, self);
}

/* lesson.start, the right way, and lesson.write-in-place, the daemon-thread
 * way, on purpose. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonShutdown *self = THAW_LESSON_SHUTDOWN (widget);

  self->in_place = g_str_equal (action_name, "lesson.write-in-place");
  self->jobs_ran = TRUE;
  thaw_lesson_begin_run (THAW_LESSON (self), self->in_place ? "in-place" : "temporary-file");
  gtk_widget_action_set_enabled (widget, "lesson.simulate-quit", TRUE);
  self->outcomes[SHUTDOWN_WRITER] = self->outcomes[SHUTDOWN_WARMUP] = SHUTDOWN_RUNNING;
  g_clear_pointer (&self->abandon_reason, g_free);
  show_progress (self, SHUTDOWN_WRITER, 0, SHUTDOWN_N_CHUNKS);
  show_progress (self, SHUTDOWN_WARMUP, 0, 1);

  self->work = shutdown_work_start (self->path, self->in_place, SHUTDOWN_N_CHUNKS,
                                    SHUTDOWN_PAUSE_US, job_news, self);
  gtk_label_set_text (self->status,
                      self->in_place
                      ? _("Writing straight into the file. Quitting now would leave half of it.")
                      : _("Writing to a temporary file, to be renamed into place at the end."));
}

/* lesson.simulate-quit: what quitting would do, with the window still here
 * to show the outcome. */
static void
simulate_quit_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ThawLessonShutdown *self = THAW_LESSON_SHUTDOWN (widget);

  shutdown_work_quit (self->work, SHUTDOWN_GRACE_MS);
  gtk_label_set_text (self->status,
                      self->in_place
                      ? _("Quitting: the in-place writer is stopped where it is.")
                      : _("Quitting: the writer has one second to finish, or it gives up."));
}

/* ---- Kill Mid-Write: SIGKILL, in a child process ---------------------- */

/* The child is killed once it says both files are half written, long
 * before these: it never hangs, and runs about two seconds if left alone. */
#define CHILD_HANG_MS 10000
#define CHILD_LIMIT_MS 20000

/* Empties the child's folder and removes it. Returns how many entries it
 * could not remove (0: nothing is left). */
static guint
remove_killed_folder (ThawLessonShutdown *self,
                      gboolean            count_temporary)
{
  g_autofree char *folder = shutdown_killed_folder ();
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  guint left = 0;

  if (dir == NULL)
    return 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      GStatBuf st;

      /* A name that starts with a dot is a writer's temporary file
       * (".atomic.txt.XXXXXX"): its writer was killed before it could
       * rename it or delete it. */
      if (count_temporary && name[0] == '.' && g_stat (path, &st) == 0)
        {
          self->temp_files_left++;
          self->temp_bytes_left += (guint64) st.st_size;
        }
      left += g_unlink (path) != 0;
    }
  left += g_rmdir (folder) != 0;
  return left;
}

static void
show_killed (ThawLessonShutdown *self)
{
  const ShutdownFacts *in_place = &self->killed[0], *atomic = &self->killed[1];
  g_autoptr(GString) text = g_string_new (gtk_label_get_text (self->child_report));
  g_autofree char *value = NULL;
  gboolean shown = !in_place->complete && atomic->complete;

  g_string_append (text, "\n\n");
  /* Translators: "%s" is a file name; "%'u" a number of lines. */
  g_string_append_printf (text, in_place->complete ? _("%s, written in place: complete, %'u lines.")
                                                   : _("%s, written in place: half a file, %'u lines and no "
                                                       "footer. The old version is gone, and the new one was "
                                                       "never finished."),
                          shutdown_killed_names[0], in_place->lines);
  g_string_append_c (text, '\n');
  /* Translators: "%s" is a file name; "%'u" a number of lines. */
  g_string_append_printf (text, _("%s, written to a temporary file and renamed: complete, %'u lines: the old "
                                  "version, untouched, because the rename never came."),
                          shutdown_killed_names[1], atomic->lines);
  g_string_append_c (text, '\n');
  if (self->temp_files_left > 0)
    {
      g_autofree char *size = g_format_size (self->temp_bytes_left);

      /* Translators: "%u" is a number of files, "%s" a size such as "1.2 MB". */
    g_string_append_printf (text, ngettext ("SIGKILL runs no clean-up: %u temporary file of %s was left beside it. "
                                            "Thaw removed it, and the folder.",
                                            "SIGKILL runs no clean-up: %u temporary files of %s were left beside it. "
                                            "Thaw removed them, and the folder.",
                                            self->temp_files_left),
                              self->temp_files_left, size);
    }
  else
    g_string_append (text, _("No temporary file was left. Thaw removed the folder."));
  gtk_label_set_text (self->child_report, text->str);

  /* Translators: "%'u" is a number of lines. */
  value = g_strdup_printf (_("%'u lines"), in_place->lines);
  thaw_lesson_set_headline (THAW_LESSON (self), _("Killed mid-write: what the file written in place kept"), value,
                            shown ? _("The file written the right way kept its old version, whole")
                                  : NULL);
  thaw_lesson_end_run (THAW_LESSON (self), shown ? THAW_RUN_SUCCEEDED : THAW_RUN_FAILED);
  gtk_label_set_text (self->status,
                      shown ? _("SIGKILL stops a process wherever it is. Written in place, the file is half of "
                                "one; written to a temporary file and renamed, it is the old one, whole.")
                            : _("The child was not killed midway; its report is below."));
}

static void check_next_killed (ThawLessonShutdown *self);

static void
killed_checked (const ShutdownNews *news,
                gpointer            user_data)
{
  ThawLessonShutdown *self = user_data;

  if (news->outcome != SHUTDOWN_CHECKED)
    return;
  shutdown_facts_clear (&self->killed[self->killed_checked]);
  self->killed[self->killed_checked] = *news->facts;
  *news->facts = (ShutdownFacts) { 0 };   /* taken */
  self->killed_checked++;
  g_clear_pointer (&self->killed_check, shutdown_work_free);
  check_next_killed (self);
}

/* Reads the two files back on a worker, one after the other; then clears
 * up after the child and shows it all. */
static void
check_next_killed (ThawLessonShutdown *self)
{
  g_autofree char *folder = shutdown_killed_folder ();

  if (self->killed_checked < SHUTDOWN_N_KILLED)
    {
      g_autofree char *path = g_build_filename (folder, shutdown_killed_names[self->killed_checked], NULL);

      self->killed_check = shutdown_work_check (path, killed_checked, self);
      return;
    }

  self->files_after_cleanup = remove_killed_folder (self, TRUE);
  self->killed_folder_used = FALSE;
  show_killed (self);
}

static void
child_news (const ThawChildNews *news,
            gpointer             user_data)
{
  ThawLessonShutdown *self = user_data;
  const char *last = news->lines->len > 0 ? news->lines->pdata[news->lines->len - 1] : "";

  thaw_lesson_child_show (&self->child_seen, self->child_report, news, "");

  /* The moment: both files half written. */
  if (!news->ended && g_str_has_prefix (last, "both new versions half written"))
    {
      thaw_child_kill (self->child);
      gtk_label_set_text (self->status, _("Both files half written: Thaw sends the child SIGKILL…"));
    }
  if (!news->ended)
    return;

  g_clear_pointer (&self->child, thaw_child_free);
  gtk_label_set_text (self->status, _("The child is gone. Thaw reads back what it left…"));
  self->killed_checked = 0;
  check_next_killed (self);
}

/* lesson.kill-mid-write: `thaw --wrong-way shutdown`, killed halfway. */
static void
kill_mid_write_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ThawLessonShutdown *self = THAW_LESSON_SHUTDOWN (widget);

  self->temp_files_left = self->files_after_cleanup = 0;
  self->temp_bytes_left = 0;
  for (guint i = 0; i < SHUTDOWN_N_KILLED; i++)
    shutdown_facts_clear (&self->killed[i]);
  /* What an earlier child may have left (Thaw itself killed mid-way). */
  remove_killed_folder (self, FALSE);
  self->killed_folder_used = TRUE;

  self->child = thaw_lesson_child_start (THAW_LESSON (self), "child-kill-mid-write", "shutdown",
                                         CHILD_HANG_MS, CHILD_LIMIT_MS, &self->child_seen, self->child_report,
                                         child_news, self);
  if (self->child != NULL)
    gtk_label_set_text (self->status, _("A child process writes two files, one in place and one the right way…"));
}

/* lesson.stop: cancel both; the must-finish file is abandoned cleanly. */
static void
stop_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonShutdown *self = THAW_LESSON_SHUTDOWN (widget);

  if (self->work != NULL)
    shutdown_work_stop (self->work);
  else if (self->child != NULL)
    thaw_child_kill (self->child);
}

static void
thaw_lesson_shutdown_report (ThawLesson  *lesson,
                             JsonBuilder *builder)
{
  ThawLessonShutdown *self = THAW_LESSON_SHUTDOWN (lesson);
  gboolean ran = self->jobs_ran;
  g_autofree char *modified = self->facts.modified ? g_date_time_format_iso8601 (self->facts.modified) : NULL;
  guint write_percent = self->write_percent;

  thaw_report_string (builder, "write_outcome", ran ? outcomes[self->outcomes[SHUTDOWN_WRITER]].name : "none");
  /* While the writer runs, its own count: its news may come late. */
  if (self->work != NULL && self->outcomes[SHUTDOWN_WRITER] == SHUTDOWN_RUNNING)
    write_percent = MAX (write_percent, shutdown_work_get_percent (self->work, SHUTDOWN_WRITER));
  thaw_report_int (builder, "write_percent", write_percent);
  thaw_report_double (builder, "write_seconds", self->write_seconds);
  thaw_report_string (builder, "abandon_reason", self->abandon_reason);
  thaw_report_string (builder, "throwaway_state", ran ? outcomes[self->outcomes[SHUTDOWN_WARMUP]].name : "idle");
  thaw_report_int (builder, "grace_ms", SHUTDOWN_GRACE_MS);
  thaw_report_boolean (builder, "target_inspected", self->opened);
  thaw_report_string (builder, "target_path", self->path);
  thaw_report_boolean (builder, "target_exists", self->facts.exists);
  thaw_report_int (builder, "target_bytes", (gint64) self->facts.bytes);
  thaw_report_int (builder, "target_lines", self->facts.lines);
  thaw_report_boolean (builder, "target_complete", self->facts.complete);
  thaw_report_string (builder, "target_written_by", self->facts.written_by);
  thaw_report_string (builder, "target_modified", modified);
  thaw_report_boolean (builder, "kept_from_previous_run", self->kept_from_previous_run);
  thaw_report_string (builder, "previous_run", self->previous_run);

  /* Kill Mid-Write. */
  thaw_lesson_child_report (&self->child_seen, builder);
  thaw_report_int (builder, "killed_files_checked", self->killed_checked);
  thaw_report_boolean (builder, "killed_in_place_complete", self->killed[0].complete);
  thaw_report_int (builder, "killed_in_place_lines", self->killed[0].lines);
  thaw_report_boolean (builder, "killed_atomic_complete", self->killed[1].complete);
  thaw_report_int (builder, "killed_atomic_lines", self->killed[1].lines);
  thaw_report_int (builder, "killed_temp_files_left", self->temp_files_left);
  thaw_report_int (builder, "killed_files_after_cleanup", self->files_after_cleanup);
}

static void
thaw_lesson_shutdown_finalize (GObject *object)
{
  ThawLessonShutdown *self = THAW_LESSON_SHUTDOWN (object);

  g_free (self->path);
  g_free (self->abandon_reason);
  g_free (self->previous_run);
  /* Closed during Kill Mid-Write: the child has been killed and reaped
   * (the page owns it), and what it wrote goes too. */
  if (self->killed_folder_used)
    remove_killed_folder (self, FALSE);
  shutdown_facts_clear (&self->facts);
  for (guint i = 0; i < SHUTDOWN_N_KILLED; i++)
    shutdown_facts_clear (&self->killed[i]);

  G_OBJECT_CLASS (thaw_lesson_shutdown_parent_class)->finalize (object);
}

static void
thaw_lesson_shutdown_class_init (ThawLessonShutdownClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  object_class->finalize = thaw_lesson_shutdown_finalize;
  lesson_class->report = thaw_lesson_shutdown_report;

  thaw_lesson_class_set_template (lesson_class, "shutdown");
  /* When the page goes, the warm-up and the check are joined; the writer
   * keeps its grace, holding the application open, and tells nobody (see
   * shutdown_work_free()). */
  thaw_lesson_class_set_work (lesson_class, G_STRUCT_OFFSET (ThawLessonShutdown, work),
                              NULL, (GDestroyNotify) shutdown_work_free);
  thaw_lesson_class_own (lesson_class, G_STRUCT_OFFSET (ThawLessonShutdown, check),
                         (GDestroyNotify) shutdown_work_free);
  thaw_lesson_class_own (lesson_class, G_STRUCT_OFFSET (ThawLessonShutdown, child),
                         (GDestroyNotify) thaw_child_free);
  thaw_lesson_class_own (lesson_class, G_STRUCT_OFFSET (ThawLessonShutdown, killed_check),
                         (GDestroyNotify) shutdown_work_free);
  gtk_widget_class_bind_template_child_full (widget_class, "write_progress", FALSE,
                                             G_STRUCT_OFFSET (ThawLessonShutdown, bars[SHUTDOWN_WRITER]));
  gtk_widget_class_bind_template_child_full (widget_class, "warmup_progress", FALSE,
                                             G_STRUCT_OFFSET (ThawLessonShutdown, bars[SHUTDOWN_WARMUP]));
  gtk_widget_class_bind_template_child (widget_class, ThawLessonShutdown, status);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonShutdown, file_row);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonShutdown, contents_row);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonShutdown, written_row);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonShutdown, previous_label);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonShutdown, child_report);

  thaw_lesson_class_install_run_action (lesson_class, "lesson.start", start_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.write-in-place", start_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.kill-mid-write", kill_mid_write_cb);
  gtk_widget_class_install_action (widget_class, "lesson.simulate-quit", NULL, simulate_quit_cb);
  gtk_widget_class_install_action (widget_class, "lesson.stop", NULL, stop_cb);
}

static void
thaw_lesson_shutdown_init (ThawLessonShutdown *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.simulate-quit", FALSE);

  self->path = shutdown_target_path ();
  adw_action_row_set_subtitle (self->file_row, self->path);

  /* What did the last run leave? */
  start_check (self);
}
