/* lesson-errors.c — When a worker fails
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A worker reads one hundred input files, one after another. At a chosen
 * point it can fail: the next file is missing, or has no read permission,
 * or reading it gives an I/O error (simulated with g_set_error()). The
 * failure is a GError, and it travels back to the main thread with the
 * result, where the learner sees it: its message, domain and code.
 *
 *   lesson.start   a run that succeeds;
 *   lesson.fail    a run that fails at the chosen point, in the chosen way;
 *   lesson.stop    cancels the run (cancelling is an error too, but one
 *                  that the user asked for: it is not shown as a failure).
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
 * lesson starts one with g_thread_new() and uses GTask only for what it is
 * best at, carrying a value or an error back to the main thread.
 *
 * Read it top to bottom: the inputs, the worker, the hand-off of progress
 * and of the result, and then the widget.
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "thaw-lesson.h"
#include "thaw-priority.h"

/* One hundred inputs, so that "fail at N %" fails reading input N + 1.
 * A pause after each stands in for a slow disk: about two seconds in all. */
#define N_INPUTS 100
#define INPUT_BYTES 4096
#define INPUT_PAUSE_US (20 * 1000)

typedef enum
{
  FAILURE_NONE,
  FAILURE_MISSING,        /* the file does not exist */
  FAILURE_UNREADABLE,     /* the file has no read permission */
  FAILURE_IO_ERROR,       /* reading it fails: simulated */
} Failure;

/* What the worker and the main thread share. The settings are written
 * before the thread starts and never change; the progress fields are only
 * touched with g_atomic_int_*(). The result does not live here: it travels
 * in the GTask. */
typedef struct
{
  gatomicrefcount ref_count;
  GCancellable *cancellable;
  GWeakRef lesson;          /* main thread only */

  Failure failure;
  guint fail_at;            /* the index of the input that fails */

  int inputs_read;
  int delivery_pending;
} ReadJob;

static ReadJob *
read_job_new (gpointer lesson,
              Failure  failure,
              guint    fail_at)
{
  ReadJob *job = g_new0 (ReadJob, 1);

  g_atomic_ref_count_init (&job->ref_count);
  job->cancellable = g_cancellable_new ();
  g_weak_ref_init (&job->lesson, lesson);
  job->failure = failure;
  job->fail_at = fail_at;

  return job;
}

static ReadJob *
read_job_ref (ReadJob *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

static void
read_job_unref (ReadJob *job)
{
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;

  g_weak_ref_clear (&job->lesson);
  g_object_unref (job->cancellable);
  g_free (job);
}

static gboolean deliver_progress_cb (gpointer data);

/* Any thread: store the figure, and ask for a delivery unless one waits. */
static void
publish_progress (ReadJob *job,
                  guint    inputs_read)
{
  g_atomic_int_set (&job->inputs_read, (int) inputs_read);

  if (g_atomic_int_compare_and_exchange (&job->delivery_pending, FALSE, TRUE))
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, deliver_progress_cb,
                     read_job_ref (job), (GDestroyNotify) read_job_unref);
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
  g_autofree char *contents = g_strnfill (INPUT_BYTES - 1, 'x');

  for (guint i = 0; i < N_INPUTS; i++)
    {
      g_autofree char *path = input_path (folder, i);

      if (job->failure == FAILURE_MISSING && i == job->fail_at)
        continue;

      if (!g_file_set_contents (path, contents, -1, error))
        return FALSE;

      if (job->failure == FAILURE_UNREADABLE && i == job->fail_at)
        g_chmod (path, 0);
    }

  return TRUE;
}

static void
remove_inputs (const char *folder)
{
  for (guint i = 0; i < N_INPUTS; i++)
    {
      g_autofree char *path = input_path (folder, i);

      /* Deleting needs no permission on the file itself, only on the
       * folder, so the unreadable input goes too. */
      g_unlink (path);
    }
  g_rmdir (folder);
}

/* Reads one input. Failures come from GIO as they would for any file;
 * the I/O error is simulated, built with g_set_error() exactly as GIO
 * builds its own. */
static GBytes *
read_input (ReadJob     *job,
            const char  *path,
            guint        index,
            GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  char *contents;
  gsize length;

  if (job->failure == FAILURE_IO_ERROR && index == job->fail_at)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (EIO),
                   /* Translators: the first %s is a file, the second the
                    * reason, as in GIO's own messages. */
                   _("Error reading file %s: %s"), path, g_strerror (EIO));
      return NULL;
    }

  if (!g_file_load_contents (file, job->cancellable, &contents, &length, NULL, error))
    return NULL;

  return g_bytes_new_take (contents, length);
}

/* The whole job: returns the checksum of all inputs, or NULL and @error. */
static char *
read_all_inputs (ReadJob     *job,
                 const char  *folder,
                 GError     **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  for (guint i = 0; i < N_INPUTS; i++)
    {
      g_autofree char *path = input_path (folder, i);
      g_autoptr(GBytes) bytes = NULL;

      /* A stop is reported like any failure: G_IO_ERROR_CANCELLED. */
      if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
        return NULL;

      bytes = read_input (job, path, i, error);
      if (bytes == NULL)
        return NULL;   /* the error is set: pass it on, add nothing */

      g_checksum_update (checksum, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes));
      publish_progress (job, i + 1);
      g_usleep (INPUT_PAUSE_US);
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
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *checksum = NULL;

  thaw_thread_set_background_priority ();

  folder = g_dir_make_tmp ("thaw-errors-XXXXXX", &error);
  if (folder != NULL)
    {
      if (lay_out_inputs (job, folder, &error))
        checksum = read_all_inputs (job, folder, &error);
      remove_inputs (folder);
    }

  /* Exactly one of these, exactly once. From a thread other than the
   * task's, GTask schedules the callback on the task's main context. */
  if (checksum != NULL)
    g_task_return_pointer (task, g_steal_pointer (&checksum), g_free);
  else
    g_task_return_error (task, g_steal_pointer (&error));

  return NULL;
}

/* The widget. Everything below runs on the main thread. */

#define THAW_TYPE_LESSON_ERRORS (thaw_lesson_errors_get_type ())
G_DECLARE_FINAL_TYPE (ThawLessonErrors, thaw_lesson_errors, THAW, LESSON_ERRORS, ThawLesson)

struct _ThawLessonErrors
{
  ThawLesson parent_instance;

  AdwToastOverlay *toasts;
  guint n_toasts;           /* on screen or waiting their turn */
  GtkWidget *content;
  GtkScale *fail_at_scale;
  GtkDropDown *failure_choice;
  GtkProgressBar *progress;
  GtkLabel *status;
  GtkWidget *error_box;
  GtkLabel *error_message_label;
  GtkLabel *error_details_label;

  /* While the worker runs: its job and its thread. */
  ReadJob *job;
  GThread *thread;
  gint64 started_at;

  /* The last run, for --report. */
  const char *state;
  const char *failure_name;
  int fail_at_percent;      /* asked for; -1 when the run may not fail */
  int failed_at_percent;    /* measured: progress when the error came */
  guint files_read;
  double seconds;
  char *checksum;
  char *error_domain;
  int error_code;
  char *error_message;
};

G_DEFINE_FINAL_TYPE (ThawLessonErrors, thaw_lesson_errors, THAW_TYPE_LESSON)

static void
set_running (ThawLessonErrors *self,
             gboolean          running)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.start", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.fail", !running);
  thaw_lesson_set_busy (THAW_LESSON (self), running);
}

static void
show_progress (ThawLessonErrors *self,
               guint             inputs_read)
{
  g_autofree char *text = NULL;

  self->files_read = inputs_read;
  gtk_progress_bar_set_fraction (self->progress, (double) inputs_read / N_INPUTS);
  text = g_strdup_printf (_("%u of %u files read"), inputs_read, N_INPUTS);
  gtk_progress_bar_set_text (self->progress, text);
}

static gboolean
deliver_progress_cb (gpointer data)
{
  ReadJob *job = data;
  g_autoptr(ThawLessonErrors) self = NULL;

  g_atomic_int_set (&job->delivery_pending, FALSE);

  self = g_weak_ref_get (&job->lesson);
  if (self == NULL || self->job != job)
    return G_SOURCE_REMOVE;

  show_progress (self, (guint) g_atomic_int_get (&job->inputs_read));
  return G_SOURCE_REMOVE;
}

/* "G_IO_ERROR_NOT_FOUND" for an error of GIO's domain, NULL otherwise. */
static const char *
error_code_name (const GError *error)
{
  g_autoptr(GEnumClass) codes = NULL;
  GEnumValue *value;

  if (error->domain != G_IO_ERROR)
    return NULL;

  codes = g_type_class_ref (G_TYPE_IO_ERROR_ENUM);
  value = g_enum_get_value (codes, error->code);
  return value != NULL ? value->value_name : NULL;
}

static void
toast_dismissed_cb (AdwToast         *toast,
                    ThawLessonErrors *self)
{
  /* Also emitted while the lesson is being destroyed: then there is
   * nothing left to tidy up. */
  if (self->content == NULL)
    return;

  if (--self->n_toasts == 0)
    gtk_widget_set_margin_bottom (self->content, 0);
}

/* The error reaches the user: a toast says that something failed, and the
 * box under the progress bar keeps the details until the next run. */
static void
show_failure (ThawLessonErrors *self,
              const GError     *error)
{
  const char *code_name = error_code_name (error);
  g_autofree char *details = NULL;
  g_autofree char *escaped = g_markup_escape_text (error->message, -1);
  AdwToast *toast;

  gtk_label_set_text (self->error_message_label, error->message);
  if (code_name != NULL)
    /* Translators: an error's domain (e.g. g-io-error-quark), its code
     * number and the code's name (e.g. G_IO_ERROR_NOT_FOUND). */
    details = g_strdup_printf (_("Domain %s · code %d (%s)"),
                               g_quark_to_string (error->domain), error->code, code_name);
  else
    /* Translators: an error's domain and its code number. */
    details = g_strdup_printf (_("Domain %s · code %d"),
                               g_quark_to_string (error->domain), error->code);
  gtk_label_set_text (self->error_details_label, details);
  gtk_widget_set_visible (self->error_box, TRUE);

  /* A toast's title is Pango markup: the message must be escaped. A new
   * toast waits for the one on screen to time out. (Dismissing that one
   * would be tidier, but libadwaita 1.2 can crash when a toast is
   * dismissed right after it was added.) */
  toast = adw_toast_new_format (_("The job failed: %s"), escaped);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), self, 0);
  adw_toast_overlay_add_toast (self->toasts, toast);

  /* Room below the error box, so that the toast does not cover it. */
  self->n_toasts++;
  gtk_widget_set_margin_bottom (self->content, 76);
}

/* The end of a run: the worker's GTask delivers its outcome here, on the
 * main thread. */
static void
read_done_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = G_TASK (result);
  ReadJob *job = g_task_get_task_data (task);
  g_autoptr(ThawLessonErrors) self = g_weak_ref_get (&job->lesson);
  g_autoptr(GError) error = NULL;
  g_autofree char *checksum = NULL;

  /* Like Future.result() in Python: the value, or the worker's error. */
  checksum = g_task_propagate_pointer (task, &error);

  /* The lesson may be gone (the window was closed). */
  if (self == NULL || self->job != job)
    return;

  /* The worker returned the task as its last act, so this join waits
   * microseconds. */
  g_thread_join (g_steal_pointer (&self->thread));
  show_progress (self, (guint) g_atomic_int_get (&job->inputs_read));
  self->seconds = (g_get_monotonic_time () - self->started_at) / (double) G_USEC_PER_SEC;

  if (checksum != NULL)
    {
      g_autofree char *text = NULL;

      self->state = "succeeded";
      self->checksum = g_steal_pointer (&checksum);
      if (job->failure == FAILURE_UNREADABLE && geteuid () == 0)
        text = g_strdup_printf (_("All files read in %.2f s, even the one without read permission: "
                                  "Thaw runs as root, and root may read any file."),
                                self->seconds);
      else
        text = g_strdup_printf (_("All files read in %.2f s, without an error."), self->seconds);
      gtk_label_set_text (self->status, text);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* The user asked for this: no error to show. */
      self->state = "cancelled";
      gtk_label_set_text (self->status, _("Stopped."));
    }
  else
    {
      self->state = "failed";
      self->failed_at_percent = g_atomic_int_get (&job->inputs_read) * 100 / N_INPUTS;
      self->error_domain = g_strdup (g_quark_to_string (error->domain));
      self->error_code = error->code;
      self->error_message = g_strdup (error->message);
      gtk_label_set_text (self->status, _("The worker failed; the error came back with the result."));
      show_failure (self, error);
    }

  g_clear_pointer (&self->job, read_job_unref);
  set_running (self, FALSE);
}

static void
start_run (ThawLessonErrors *self,
           Failure           failure)
{
  g_autoptr(GTask) task = NULL;
  guint percent = (guint) gtk_range_get_value (GTK_RANGE (self->fail_at_scale));
  static const char *const failure_names[] = { "none", "missing", "unreadable", "io-error" };

  if (self->job != NULL)
    return;

  /* A new run forgets the last one's outcome. */
  self->state = "running";
  self->failure_name = failure_names[failure];
  self->fail_at_percent = failure == FAILURE_NONE ? -1 : (int) percent;
  self->failed_at_percent = -1;
  self->error_code = 0;
  g_clear_pointer (&self->checksum, g_free);
  g_clear_pointer (&self->error_domain, g_free);
  g_clear_pointer (&self->error_message, g_free);
  gtk_widget_set_visible (self->error_box, FALSE);
  show_progress (self, 0);
  gtk_label_set_text (self->status,
                      failure == FAILURE_NONE
                      ? _("Reading the files on a worker thread…")
                      : _("Reading the files on a worker thread, until one fails…"));

  self->job = read_job_new (self, failure, MIN (percent * N_INPUTS / 100, N_INPUTS - 1));
  self->started_at = g_get_monotonic_time ();

  /* No source object: a task holds a reference to it, and the lesson must
   * not be kept alive by a task. The job holds a weak reference instead. */
  task = g_task_new (NULL, self->job->cancellable, read_done_cb, NULL);
  g_task_set_source_tag (task, start_run);
  g_task_set_task_data (task, read_job_ref (self->job), (GDestroyNotify) read_job_unref);

  /* The thread gets a reference to the task of its own. */
  self->thread = g_thread_new ("thaw-read", read_inputs_thread, g_object_ref (task));
  set_running (self, TRUE);
}

/* lesson.start: a run that succeeds. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  start_run (THAW_LESSON_ERRORS (widget), FAILURE_NONE);
}

/* lesson.fail: a run that fails as chosen. */
static void
fail_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonErrors *self = THAW_LESSON_ERRORS (widget);

  /* The drop-down lists the failures in the order of the enum, after
   * FAILURE_NONE. */
  start_run (self, FAILURE_MISSING + gtk_drop_down_get_selected (self->failure_choice));
}

/* lesson.stop: ask the worker to stop; its result (an error) ends the run. */
static void
stop_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonErrors *self = THAW_LESSON_ERRORS (widget);

  if (self->job == NULL)
    return;

  g_cancellable_cancel (self->job->cancellable);
  gtk_label_set_text (self->status, _("Stopping…"));
}

static void
thaw_lesson_errors_report (ThawLesson  *lesson,
                           JsonBuilder *builder)
{
  ThawLessonErrors *self = THAW_LESSON_ERRORS (lesson);

  json_builder_set_member_name (builder, "job_state");
  json_builder_add_string_value (builder, self->state);
  json_builder_set_member_name (builder, "job_seconds");
  json_builder_add_double_value (builder, self->seconds);
  json_builder_set_member_name (builder, "failure");
  json_builder_add_string_value (builder, self->failure_name);
  json_builder_set_member_name (builder, "fail_at_percent");
  json_builder_add_int_value (builder, self->fail_at_percent);
  json_builder_set_member_name (builder, "failed_at_percent");
  json_builder_add_int_value (builder, self->failed_at_percent);
  json_builder_set_member_name (builder, "files_read");
  json_builder_add_int_value (builder, self->files_read);
  json_builder_set_member_name (builder, "checksum");
  json_builder_add_string_value (builder, self->checksum);
  json_builder_set_member_name (builder, "error_domain");
  json_builder_add_string_value (builder, self->error_domain);
  json_builder_set_member_name (builder, "error_code");
  json_builder_add_int_value (builder, self->error_code);
  json_builder_set_member_name (builder, "error_message");
  json_builder_add_string_value (builder, self->error_message);
}

static void
thaw_lesson_errors_dispose (GObject *object)
{
  ThawLessonErrors *self = THAW_LESSON_ERRORS (object);

  /* Stop the worker and wait for it: it looks at its cancellable between
   * two files, so this takes at most one pause. Its task then delivers a
   * "cancelled" error that finds the lesson gone. */
  if (self->job != NULL)
    {
      g_cancellable_cancel (self->job->cancellable);
      g_thread_join (g_steal_pointer (&self->thread));
      g_clear_pointer (&self->job, read_job_unref);
    }

  /* The toast overlay dismisses its toasts as it goes: that must not touch
   * the widgets this lesson is about to lose. */
  self->content = NULL;

  G_OBJECT_CLASS (thaw_lesson_errors_parent_class)->dispose (object);
}

static void
thaw_lesson_errors_finalize (GObject *object)
{
  ThawLessonErrors *self = THAW_LESSON_ERRORS (object);

  g_free (self->checksum);
  g_free (self->error_domain);
  g_free (self->error_message);

  G_OBJECT_CLASS (thaw_lesson_errors_parent_class)->finalize (object);
}

static void
thaw_lesson_errors_class_init (ThawLessonErrorsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  object_class->dispose = thaw_lesson_errors_dispose;
  object_class->finalize = thaw_lesson_errors_finalize;
  lesson_class->report = thaw_lesson_errors_report;

  gtk_widget_class_install_action (widget_class, "lesson.start", NULL, start_cb);
  gtk_widget_class_install_action (widget_class, "lesson.fail", NULL, fail_cb);
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

/* A row of the settings list: a title, and a control at the end. */
static void
add_setting (GtkListBox *list,
             const char *title,
             GtkWidget  *control)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_valign (control, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), control);
  gtk_accessible_update_property (GTK_ACCESSIBLE (control),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  gtk_list_box_append (list, row);
}

/* The error box: an icon beside the message and the error's identity. */
static GtkWidget *
make_error_box (ThawLessonErrors *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");
  GtkWidget *title = gtk_label_new (_("The job failed"));
  GtkWidget *message = gtk_label_new (NULL);
  GtkWidget *details = gtk_label_new (NULL);

  gtk_image_set_pixel_size (GTK_IMAGE (icon), 32);
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_widget_add_css_class (icon, "error");
  gtk_box_append (GTK_BOX (box), icon);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_add_css_class (title, "error");
  gtk_box_append (GTK_BOX (texts), title);

  gtk_label_set_xalign (GTK_LABEL (message), 0);
  gtk_label_set_wrap (GTK_LABEL (message), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (message), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (message), TRUE);
  gtk_box_append (GTK_BOX (texts), message);

  gtk_label_set_xalign (GTK_LABEL (details), 0);
  gtk_label_set_wrap (GTK_LABEL (details), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (details), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (details), TRUE);
  gtk_widget_add_css_class (details, "dim-label");
  gtk_widget_add_css_class (details, "monospace");
  gtk_box_append (GTK_BOX (texts), details);

  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (box), texts);
  gtk_widget_set_visible (box, FALSE);

  self->error_message_label = GTK_LABEL (message);
  self->error_details_label = GTK_LABEL (details);

  return box;
}

static void
thaw_lesson_errors_init (ThawLessonErrors *self)
{
  GtkWidget *overlay, *toasts, *box, *settings, *scale, *choice, *buttons, *progress, *status;
  const char *failures[] = {
    N_("Missing input file"),
    N_("Input file without read permission"),
    N_("Simulated I/O error"),
    NULL
  };
  g_autoptr(GtkStringList) failure_list = gtk_string_list_new (NULL);

  self->state = "idle";
  self->failure_name = "none";
  self->fail_at_percent = -1;
  self->failed_at_percent = -1;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  settings = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (settings), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (settings, "boxed-list");

  scale = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, N_INPUTS - 1, 1);
  gtk_range_set_value (GTK_RANGE (scale), 40);
  gtk_scale_set_draw_value (GTK_SCALE (scale), TRUE);
  gtk_scale_set_value_pos (GTK_SCALE (scale), GTK_POS_LEFT);
  gtk_scale_set_digits (GTK_SCALE (scale), 0);
  gtk_widget_set_size_request (scale, 140, -1);
  gtk_widget_set_hexpand (scale, TRUE);
  add_setting (GTK_LIST_BOX (settings), _("Fail at (%)"), scale);
  self->fail_at_scale = GTK_SCALE (scale);

  for (guint i = 0; failures[i] != NULL; i++)
    gtk_string_list_append (failure_list, _(failures[i]));
  choice = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&failure_list)), NULL);
  add_setting (GTK_LIST_BOX (settings), _("Failure"), choice);
  self->failure_choice = GTK_DROP_DOWN (choice);
  gtk_box_append (GTK_BOX (box), settings);

  buttons = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (buttons), FALSE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 3);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("Run _Without Failure"), "lesson.start", "suggested-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("Run and _Fail"), "lesson.fail", "destructive-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Stop"), "lesson.stop", NULL));
  gtk_box_append (GTK_BOX (box), buttons);

  progress = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (progress), TRUE);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (progress), _("Not started"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (progress),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Progress of the file reading"),
                                  -1);
  gtk_box_append (GTK_BOX (box), progress);
  self->progress = GTK_PROGRESS_BAR (progress);

  status = gtk_label_new (_("Choose where and how the worker should fail, then run it."));
  gtk_label_set_wrap (GTK_LABEL (status), TRUE);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_box_append (GTK_BOX (box), status);
  self->status = GTK_LABEL (status);

  self->error_box = make_error_box (self);
  gtk_box_append (GTK_BOX (box), self->error_box);

  /* The toasts float at the bottom of the lesson's own controls. The usual
   * way is an AdwToastOverlay around the controls, but in libadwaita 1.2
   * it measures its child at one constant size, and wrapped labels get
   * the height of one line. So the controls go in a GtkOverlay, and the
   * toast overlay floats at its bottom, as tall as its toast. */
  overlay = gtk_overlay_new ();
  gtk_overlay_set_child (GTK_OVERLAY (overlay), box);
  toasts = adw_toast_overlay_new ();
  gtk_widget_set_valign (toasts, GTK_ALIGN_END);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), toasts);
  self->toasts = ADW_TOAST_OVERLAY (toasts);
  self->content = box;

  adw_bin_set_child (ADW_BIN (self), overlay);
  set_running (self, FALSE);
}

const ThawLessonInfo thaw_lesson_errors_info = {
  .id = "errors",
  .part = THAW_PART_CONTROL,
  .title = N_("When a Worker Fails"),
  .summary = N_("A worker’s error travels back with its result and reaches the user"),
  .keywords = N_("error;exception;GError;GTask;failure;toast;result;future;excepthook"),
  .explanation =
    N_("Work on a thread can fail: a file is missing, a disk gives an I/O "
       "error. The thread that fails is not the one that can tell the user, "
       "and it must not try: workers never touch widgets. So the error has to "
       "travel back to the main thread, like a result.\n\n"
       "In Python, an exception raised in a <tt>threading.Thread</tt> ends "
       "that thread. <tt>threading.excepthook</tt> prints its traceback to "
       "standard error (a terminal, if there is one), and that is all: the "
       "caller never hears of it, and the user sees a job that silently "
       "stopped. To get it back you must catch it and pass it on yourself, or "
       "use <tt>concurrent.futures</tt>, where <tt>Future.result()</tt> raises "
       "the worker’s exception again, in the caller, and "
       "<tt>Future.exception()</tt> returns it.\n\n"
       "C has no exceptions. A GLib function that can fail takes a "
       "<tt>GError **</tt> as its last argument, and on failure returns "
       "<tt>FALSE</tt> or <tt>NULL</tt> and fills it in: a <b>domain</b> (which "
       "library: <tt>G_IO_ERROR</tt>, <tt>G_FILE_ERROR</tt>…), a <b>code</b> "
       "within that domain (<tt>G_IO_ERROR_NOT_FOUND</tt>) that a program can "
       "test, and a <b>message</b> for people. The worker passes the error "
       "up from call to call, then hands it to a <tt>GTask</tt> with "
       "<tt>g_task_return_error()</tt>. The task carries it to the main thread, "
       "where <tt>g_task_propagate_pointer()</tt> gives back either the value "
       "or the error: the <tt>Future.result()</tt> of GLib.\n\n"
       "On the main thread, the error is finally shown, in a toast and in the "
       "lesson. One error is not shown: <tt>G_IO_ERROR_CANCELLED</tt>, which "
       "is how a worker says it stopped because it was asked to."),
  .try_this =
    N_("Click “Run Without Failure”: one hundred files are read and a checksum comes back.\n"
       "Set “Fail at” to 40 and click “Run and Fail”: the error shows in a toast and below the bar, with its domain and code.\n"
       "Choose “Simulated I/O error” and run again: another code, the same way back.\n"
       "Start a run and press Stop: the worker returns G_IO_ERROR_CANCELLED, which is not shown as a failure.\n"
       "Run without failure again: the error box goes away and the run succeeds."),
  .source = "lesson-errors.c",
  .get_type = thaw_lesson_errors_get_type,
};
