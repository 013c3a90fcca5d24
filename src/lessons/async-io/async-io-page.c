/* async-io-page.c — Reading a Big File: the page
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Puts async-io-work.c on screen (the widgets are in async-io-page.ui).
 */

#include "config.h"

#include <glib/gi18n.h>

#include "async-io-work.h"
#include "thaw-figure.h"
#include "thaw-lesson.h"
#include "thaw-paced-text.h"
#include "thaw-run-log.h"

G_DECLARE_FINAL_TYPE (ThawLessonAsyncIo, thaw_lesson_async_io, THAW, LESSON_ASYNC_IO, ThawLesson)

/* In AsyncIoWay's order: the action, the report's names, the status. */
static const struct { const char *action, *id, *speed_key, *wait_key, *reading; } ways[ASYNC_IO_N_WAYS] = {
  { "lesson.start", "worker", "worker_mb_per_s", "worker_wait_ms",
    N_("Reading on a worker thread with blocking calls. Try moving the window.") },
  { "lesson.read-async", "async", "async_mb_per_s", "async_wait_ms",
    N_("Reading asynchronously: the main loop asks for each piece and goes back to work.") },
  { "lesson.block", "blocking", "blocking_mb_per_s", "blocking_wait_ms", NULL },
};

struct _ThawLessonAsyncIo
{
  ThawLesson parent_instance;

  AdwActionRow *file_row;
  GtkWidget *use_generated_button;
  GtkSpinButton *size_spin;
  GtkProgressBar *progress;
  GtkLabel *status;
  ThawFigure *figures[ASYNC_IO_N_WAYS];
  GtkLabel *checksums[ASYNC_IO_N_WAYS];
  ThawRunLog *runs;
  GtkFileChooserNative *chooser;

  GFile *chosen;            /* the learner's own file, or NULL */
  GCancellable *deleting;
  AsyncIoWork *work;        /* the last run's */
  AsyncIoWay logged_way;    /* of the run the log is reading out */
  AsyncIoWay way;           /* of the last run, and for --report: */
  GFile *file;
  AsyncIoNews result;
  double mb_per_s[ASYNC_IO_N_WAYS];
  double wait_ms[ASYNC_IO_N_WAYS];   /* the main loop's longest, as read out */
};

G_DEFINE_FINAL_TYPE (ThawLessonAsyncIo, thaw_lesson_async_io, THAW_TYPE_LESSON)

enum { PROP_0, PROP_FILE, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* The file the next run reads: the learner's, or the generated one. */
static GFile *
get_source (ThawLessonAsyncIo *self)
{
  if (self->chosen != NULL)
    return g_object_ref (self->chosen);

  return async_io_generated_file (gtk_spin_button_get_value_as_int (self->size_spin));
}

static void
update_actions (ThawLessonAsyncIo *self)
{
  gboolean idle = !thaw_lesson_get_busy (THAW_LESSON (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.choose", idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.use-generated", idle && self->chosen);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.delete-file", idle && !self->chosen);
  gtk_widget_set_sensitive (GTK_WIDGET (self->size_spin), idle && !self->chosen);
}

static void
show_source (ThawLessonAsyncIo *self)
{
  g_autoptr(GFile) file = get_source (self);
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *folder = parent ? g_file_get_parse_name (parent) : g_strdup ("/");
  /* Translators: the folder of the generated file, then a note. */
  g_autofree char *note = g_strdup_printf (_("%s · made by a worker the first time"), folder);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->file_row), name);
  adw_action_row_set_subtitle (self->file_row, self->chosen ? folder : note);
  gtk_widget_set_visible (self->use_generated_button, self->chosen != NULL);
}

static void
show_progress (ThawLessonAsyncIo *self,
               const AsyncIoNews *news)
{
  g_autofree char *done = g_format_size (news->done);
  g_autofree char *total = g_format_size (news->total);
  /* Translators: progress of the file, e.g. "Writing: 20 MB of 1.0 GB". */
  g_autofree char *text = g_strdup_printf (news->writing ? _("Writing: %s of %s") : _("Reading: %s of %s"),
                                           done, total);

  if (news->total > 0)
    gtk_progress_bar_set_fraction (self->progress, MIN (1.0, (double) news->done / news->total));
  else
    gtk_progress_bar_pulse (self->progress);
  thaw_paced_text_set (self->progress, "text", text, news->finished);
}

/* The work's news, on the main thread; the last one ends the run. */
static void
receive_news (const AsyncIoNews *news,
              gpointer           user_data)
{
  ThawLessonAsyncIo *self = user_data;
  gboolean stopped = g_error_matches (news->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  ThawRunState state = !news->error ? THAW_RUN_SUCCEEDED : stopped ? THAW_RUN_CANCELLED : THAW_RUN_FAILED;
  g_autofree char *size = g_format_size (news->done), *text = NULL, *caption = NULL;

  show_progress (self, news);
  /* A step begins: writing the file, or then the reading asked for. */
  if (!news->finished && news->done == 0 && news->writing)
    gtk_label_set_text (self->status, _("Writing the file first, on a worker thread. This happens once."));
  else if (!news->finished && news->done == 0 && ways[self->way].reading != NULL)
    gtk_label_set_text (self->status, _(ways[self->way].reading));
  if (!news->finished)
    return;

  g_free (self->result.checksum);
  g_clear_error (&self->result.error);
  self->result = *news;
  self->result.checksum = g_strdup (news->checksum);
  self->result.error = news->error ? g_error_copy (news->error) : NULL;

  if (state == THAW_RUN_SUCCEEDED)
    {
      /* The point of the lesson is the window, not the disk: the figure is
       * the main loop's longest wait while the file was read, which the
       * run log reads out a moment from now (wait_read_out()); the speed,
       * much the same every way, goes below it. */
      self->mb_per_s[self->way] = news->mb_per_s;
      thaw_figure_set_value (self->figures[self->way], "…");
      /* Translators: under the main loop's longest wait, e.g. "longest
       * wait · 512 MB/s". */
      text = g_strdup_printf (_("longest wait · %.0f MB/s"), news->mb_per_s);
      thaw_figure_set_detail (self->figures[self->way], text);
      gtk_label_set_text (self->checksums[self->way], news->checksum);
      gtk_progress_bar_set_fraction (self->progress, 1.0);
      gtk_label_set_text (self->status, _("Done. The checksum is what “sha256sum” prints for this file."));
    }
  else if (state == THAW_RUN_CANCELLED)
    gtk_label_set_text (self->status, _("Stopped."));
  else
    {
      text = g_strdup_printf (_("Could not finish: %s"), news->error->message);
      gtk_label_set_text (self->status, text);
    }

  thaw_lesson_end_run (THAW_LESSON (self), state);
  g_object_get (self->figures[self->way], "caption", &caption, NULL);
  /* Logging reads out the run before, if it waits still: only now is the
   * log's pending run this one. */
  thaw_lesson_log_run (THAW_LESSON (self), self->runs, caption, text ? text : gtk_label_get_text (self->status));
  self->logged_way = self->way;
}

/* The run log has read out the main loop's longest wait during the run:
 * the figure of that run's way shows it. */
static void
wait_read_out (ThawLessonAsyncIo *self,
               double             wait_ms)
{
  g_autofree char *text = NULL;

  /* Translators: the main loop's longest wait during a run, in ms. */
  text = g_strdup_printf (_("%.0f ms"), wait_ms);
  thaw_figure_set_value (self->figures[self->logged_way], text);
  self->wait_ms[self->logged_way] = wait_ms;
}

/* lesson.start, lesson.read-async and lesson.block: the file is written
 * first if it is missing, then read the way the action names. */
static void
run_cb (GtkWidget  *widget,
        const char *action_name,
        GVariant   *parameter)
{
  ThawLessonAsyncIo *self = THAW_LESSON_ASYNC_IO (widget);
  guint64 size = self->chosen ? 0 : (guint64) gtk_spin_button_get_value_as_int (self->size_spin) * ASYNC_IO_MEGABYTE;

  for (self->way = 0; !g_str_equal (ways[self->way].action, action_name); self->way++)
    ;
  g_clear_object (&self->file);
  self->file = get_source (self);
  thaw_lesson_begin_run (THAW_LESSON (self), ways[self->way].id);
  gtk_progress_bar_set_fraction (self->progress, 0);
  thaw_paced_text_set (self->progress, "text", NULL, TRUE);

  if (ways[self->way].reading != NULL)
    gtk_label_set_text (self->status, _(ways[self->way].reading));

  /* The blocking way has read the file, and ended the run, on return. */
  g_clear_pointer (&self->work, async_io_work_free);
  self->work = async_io_work_start (self->file, size, self->way, receive_news, self);
}

static void
set_chosen (ThawLessonAsyncIo *self,
            GFile             *file)
{
  if (g_set_object (&self->chosen, file))
    {
      show_source (self);
      update_actions (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
    }
}

static void
chooser_response_cb (ThawLessonAsyncIo *self,
                     int                response)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (self->chooser));

  if (response == GTK_RESPONSE_ACCEPT)
    set_chosen (self, file);
  g_clear_object (&self->chooser);
}

/* lesson.choose: the chooser is the desktop's own dialog, through the
 * portal when there is one (in Flatpak the app sees only what is picked).
 * It is made when asked for, not with the page: without a portal GTK
 * builds its own dialog at once, places sidebar and all. */
static void
choose_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  ThawLessonAsyncIo *self = THAW_LESSON_ASYNC_IO (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->chooser == NULL)
    {
      self->chooser = gtk_file_chooser_native_new (_("Choose a File to Read"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                   GTK_FILE_CHOOSER_ACTION_OPEN, _("_Read"), _("_Cancel"));
      gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
      g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
    }
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
use_generated_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  set_chosen (THAW_LESSON_ASYNC_IO (widget), NULL);
}

/* Cancelled when the page goes: then it must not be touched. */
static void
file_deleted_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  ThawLessonAsyncIo *self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (g_file_delete_finish (G_FILE (source), result, &error))
    gtk_label_set_text (self->status, _("Deleted. The next run writes the file again."));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      text = g_strdup_printf (_("Could not delete the file: %s"), error->message);
      gtk_label_set_text (self->status, text);
    }
}

/* lesson.delete-file: freeing a gigabyte can take the file system a
 * moment, so this too is asynchronous. */
static void
delete_file_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ThawLessonAsyncIo *self = THAW_LESSON_ASYNC_IO (widget);
  g_autoptr(GFile) file = async_io_generated_file (gtk_spin_button_get_value_as_int (self->size_spin));

  g_file_delete_async (file, G_PRIORITY_DEFAULT, self->deleting, file_deleted_cb, self);
}

static void
thaw_lesson_async_io_report (ThawLesson  *lesson,
                             JsonBuilder *builder)
{
  ThawLessonAsyncIo *self = THAW_LESSON_ASYNC_IO (lesson);
  g_autofree char *path = self->file ? g_file_get_path (self->file) : NULL;
  const char *strings[][2] = {
    { "mode", self->file ? ways[self->way].id : "none" },
    { "checksum", self->result.checksum },
    { "file", path },
    { "error", self->result.error ? self->result.error->message : NULL },
  };

  thaw_report_boolean (builder, "generated", self->result.generated);
  thaw_report_int (builder, "bytes", (gint64) self->result.done);
  thaw_report_double (builder, "mb_per_s", self->result.mb_per_s);
  for (guint i = 0; i < ASYNC_IO_N_WAYS; i++)
    {
      thaw_report_double (builder, ways[i].speed_key, self->mb_per_s[i]);
      thaw_report_double (builder, ways[i].wait_key, self->wait_ms[i]);
    }
  /* The checksum is null until a read succeeds; the others are left out. */
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      if (strings[i][1] == NULL && i != 1)
        continue;
      json_builder_set_member_name (builder, strings[i][0]);
      if (strings[i][1] != NULL)
        json_builder_add_string_value (builder, strings[i][1]);
      else
        json_builder_add_null_value (builder);
    }
}

/* The one property, "file": GObject calls these for no other. */
static void
thaw_lesson_async_io_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  g_value_set_object (value, THAW_LESSON_ASYNC_IO (object)->chosen);
}

static void
thaw_lesson_async_io_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  set_chosen (THAW_LESSON_ASYNC_IO (object), g_value_get_object (value));
}

static void
thaw_lesson_async_io_dispose (GObject *object)
{
  ThawLessonAsyncIo *self = THAW_LESSON_ASYNC_IO (object);

  /* A deletion in flight ends into nothing (ThawLesson joins the worker). */
  g_cancellable_cancel (self->deleting);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->deleting);
  g_clear_object (&self->chosen);
  g_clear_object (&self->file);
  g_clear_pointer (&self->result.checksum, g_free);
  g_clear_error (&self->result.error);

  G_OBJECT_CLASS (thaw_lesson_async_io_parent_class)->dispose (object);
}

/* The file buttons are greyed out for a reason of their own between runs. */
static char *
thaw_lesson_async_io_dup_verb_disabled_reason (ThawLesson *lesson,
                                               const char *verb)
{
  ThawLessonAsyncIo *self = THAW_LESSON_ASYNC_IO (lesson);

  if (!thaw_lesson_get_busy (lesson) && g_str_equal (verb, "use-generated"))
    return g_strdup (_("The generated file is the one read already"));
  if (!thaw_lesson_get_busy (lesson) && g_str_equal (verb, "delete-file") && self->chosen != NULL)
    return g_strdup (_("Only the generated file can be deleted: go back to it first"));

  return THAW_LESSON_CLASS (thaw_lesson_async_io_parent_class)->dup_verb_disabled_reason (lesson, verb);
}

static void
thaw_lesson_async_io_class_init (ThawLessonAsyncIoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  object_class->dispose = thaw_lesson_async_io_dispose;
  object_class->get_property = thaw_lesson_async_io_get_property;
  object_class->set_property = thaw_lesson_async_io_set_property;
  lesson_class->report = thaw_lesson_async_io_report;
  lesson_class->dup_verb_disabled_reason = thaw_lesson_async_io_dup_verb_disabled_reason;

  /* The learner's own file to read, or NULL for the generated one. */
  properties[PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                                               G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  thaw_lesson_class_set_template (lesson_class, "async-io");
  gtk_widget_class_bind_template_callback (widget_class, wait_read_out);
  thaw_lesson_class_set_work (lesson_class, G_STRUCT_OFFSET (ThawLessonAsyncIo, work),
                              (GDestroyNotify) async_io_work_stop, (GDestroyNotify) async_io_work_free);
  for (guint i = 0; i < ASYNC_IO_N_WAYS; i++)
    {
      g_autofree char *figure = g_strconcat (ways[i].id, "_figure", NULL);
      g_autofree char *checksum = g_strconcat (ways[i].id, "_checksum", NULL);

      gtk_widget_class_bind_template_child_full (widget_class, figure, FALSE,
                                                 G_STRUCT_OFFSET (ThawLessonAsyncIo, figures[i]));
      gtk_widget_class_bind_template_child_full (widget_class, checksum, FALSE,
                                                 G_STRUCT_OFFSET (ThawLessonAsyncIo, checksums[i]));
      thaw_lesson_class_install_run_action (lesson_class, ways[i].action, run_cb);
    }
  gtk_widget_class_bind_template_child (widget_class, ThawLessonAsyncIo, file_row);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonAsyncIo, use_generated_button);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonAsyncIo, size_spin);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonAsyncIo, progress);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonAsyncIo, status);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonAsyncIo, runs);
  gtk_widget_class_bind_template_callback (widget_class, show_source);

  gtk_widget_class_install_action (widget_class, "lesson.choose", NULL, choose_cb);
  gtk_widget_class_install_action (widget_class, "lesson.use-generated", NULL, use_generated_cb);
  gtk_widget_class_install_action (widget_class, "lesson.delete-file", NULL, delete_file_cb);
}

static void
thaw_lesson_async_io_init (ThawLessonAsyncIo *self)
{
  guint64 size_mb = ASYNC_IO_DEFAULT_SIZE_MB;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->deleting = g_cancellable_new ();
  /* The tests and the soak ask for a smaller file. */
  if (g_getenv ("THAW_ASYNC_IO_MB") != NULL)
    g_ascii_string_to_unsigned (g_getenv ("THAW_ASYNC_IO_MB"), 10, 1, ASYNC_IO_MAX_SIZE_MB, &size_mb, NULL);
  gtk_spin_button_set_value (self->size_spin, (double) size_mb);
  g_signal_connect_swapped (self, "notify::busy", G_CALLBACK (update_actions), self);
  show_source (self);
  update_actions (self);
}
