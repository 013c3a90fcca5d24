/* errors-page.c — When a worker fails: the page
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Puts errors-work.c on screen (the widgets are in errors-page.ui): the
 * progress fills the bar, and the error the worker brings back reaches the
 * user in the error box and in a toast of the window. The wrong way, Drop
 * the Error, runs the same failing job with a worker that throws its error
 * away: the page shows what the window was told, and under it what really
 * happened, counted by errors-work.c. All of it on the main thread.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <unistd.h>

#include "errors-work.h"
#include "thaw-lesson.h"

G_DECLARE_FINAL_TYPE (ThawLessonErrors, thaw_lesson_errors, THAW, LESSON_ERRORS, ThawLesson)

struct _ThawLessonErrors
{
  ThawLesson parent_instance;

  GtkRange *fail_at_scale;
  GtkDropDown *failure_choice;
  GtkProgressBar *progress;
  GtkLabel *status;
  GtkWidget *error_icon;
  GtkLabel *error_title_label;
  GtkLabel *error_message_label;
  GtkLabel *error_details_label;
  GtkLabel *truth_label;

  ErrorsWork *work;         /* while the worker runs */

  /* The last run, for --report. */
  ErrorsFailure failure;
  int fail_at_percent;      /* asked for; -1 when the run may not fail */
  guint files_read;
  char *checksum;
  GError *error;            /* the failure that came back, not a stop */
  guint errors_raised;      /* in the worker */
  guint errors_delivered;   /* to the main thread */
};

G_DEFINE_FINAL_TYPE (ThawLessonErrors, thaw_lesson_errors, THAW_TYPE_LESSON)

static void
show_progress (guint    inputs_read,
               gpointer user_data)
{
  ThawLessonErrors *self = user_data;
  g_autofree char *text = g_strdup_printf (_("%u of %u files read"), inputs_read, ERRORS_N_INPUTS);

  self->files_read = inputs_read;
  g_object_set (self->progress, "fraction", (double) inputs_read / ERRORS_N_INPUTS, "text", text, NULL);
}

/* The error box's icon and title: red for an error, dim before one. */
static void
mark_failed (ThawLessonErrors *self,
             gboolean          failed)
{
  GtkWidget *widgets[] = { self->error_icon, GTK_WIDGET (self->error_title_label) };

  for (guint i = 0; i < G_N_ELEMENTS (widgets); i++)
    {
      gtk_widget_remove_css_class (widgets[i], failed ? "dim-label" : "error");
      gtk_widget_add_css_class (widgets[i], failed ? "error" : "dim-label");
    }
}

/* The error box, before any error and again at each run: it keeps its
 * place, and says what it is for. */
static void
show_no_failure (ThawLessonErrors *self)
{
  gtk_label_set_text (self->error_title_label, _("No error yet"));
  gtk_label_set_text (self->error_message_label,
                      _("When the worker fails, its error shows here: the message, then its domain and code."));
  gtk_label_set_text (self->error_details_label, "–");
  mark_failed (self, FALSE);
}

/* The error reaches the user: the box under the progress bar keeps the
 * details until the next run, and a toast of the window says that
 * something failed, even to a user who has scrolled the box away. */
static void
show_failure (ThawLessonErrors *self,
              const GError     *error)
{
  g_autoptr(GEnumClass) codes = g_type_class_ref (G_TYPE_IO_ERROR_ENUM);
  GEnumValue *code = error->domain == G_IO_ERROR ? g_enum_get_value (codes, error->code) : NULL;
  const char *domain = g_quark_to_string (error->domain);
  GtkWidget *toasts = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  mark_failed (self, TRUE);
  gtk_label_set_text (self->error_title_label, _("The job failed"));
  gtk_label_set_text (self->error_message_label, error->message);
  if (code != NULL)
    /* Translators: an error's domain (e.g. g-io-error-quark), its code
     * number and the code's name (e.g. G_IO_ERROR_NOT_FOUND). */
    thaw_label_set_printf (self->error_details_label, _("Domain %s · code %d (%s)"), domain, error->code, code->value_name);
  else
    /* Translators: an error's domain and its code number. */
    thaw_label_set_printf (self->error_details_label, _("Domain %s · code %d"), domain, error->code);

  /* The window's toast overlay, found as an ancestor: the toast floats over
   * the window's content, not inside the lesson's card, and the card does
   * not move. A page shown on its own (in a test) has none: the box is
   * enough. The toast is short, for a toast cuts a long title, and the
   * message with a path in it is long: the box has it whole. A new toast
   * waits for the one on screen to time out. (Dismissing that one would be
   * tidier, but libadwaita 1.2 can crash when a toast is dismissed right
   * after it was added.) */
  if (toasts != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (toasts),
                                 adw_toast_new (_("The job failed: the error is in the lesson")));
}

/* Under the error box: what the worker raised, against what reached the
 * window, as errors-work.c counted them. */
static void
show_what_happened (ThawLessonErrors *self)
{
  g_autofree char *counts = NULL;
  g_autofree char *value = NULL;

  /* Translators: the first %u counts the errors raised in the worker
   * thread, the second those of them that reached the window. */
  counts = g_strdup_printf (ngettext ("%u error raised in the worker, %u reached the window.",
                                      "%u errors raised in the worker, %u reached the window.",
                                      self->errors_raised),
                            self->errors_raised, self->errors_delivered);
  /* One line, so that the card keeps its height; the headline says why. */
  gtk_label_set_text (self->truth_label, counts);
  if (self->errors_raised == 0)
    return;

  /* Translators: errors that reached the window, of those raised, e.g. "0 of 1". */
  value = g_strdup_printf (_("%u of %u"), self->errors_delivered, self->errors_raised);
  thaw_lesson_set_headline (THAW_LESSON (self), _("Errors that reached the window"), value,
                            self->errors_delivered < self->errors_raised
                            ? _("The worker threw its GError away with g_clear_error() and said only “done”")
                            : _("The error travelled back with the result"));
}

/* The outcome of the run, delivered once by errors-work.c, which has
 * joined the thread already. */
static void
run_done (guint         inputs_read,
          const char   *checksum,
          const GError *error,
          gpointer      user_data)
{
  ThawLessonErrors *self = user_data;
  ThawLesson *lesson = THAW_LESSON (self);

  errors_work_count_errors (self->work, &self->errors_raised, &self->errors_delivered);
  g_clear_pointer (&self->work, errors_work_free);
  show_progress (inputs_read, self);

  if (error == NULL && checksum == NULL)
    {
      /* The wrong way's "done": no result, and no error either. This is
       * all the window was told. */
      thaw_lesson_end_run (lesson, THAW_RUN_SUCCEEDED);
      gtk_label_set_text (self->status, _("Finished."));
    }
  else if (checksum != NULL)
    {
      thaw_lesson_end_run (lesson, THAW_RUN_SUCCEEDED);
      self->checksum = g_strdup (checksum);
      thaw_label_set_printf (self->status, self->failure == ERRORS_FAILURE_UNREADABLE && geteuid () == 0
                             ? _("All files read in %.2f s, even the one without read permission: "
                                 "Thaw runs as root, and root may read any file.")
                             : _("All files read in %.2f s, without an error."),
                             thaw_lesson_get_run_seconds (lesson));
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* The user asked for this: no error to show. */
      thaw_lesson_end_run (lesson, THAW_RUN_CANCELLED);
      gtk_label_set_text (self->status, _("Stopped."));
    }
  else
    {
      thaw_lesson_end_run (lesson, THAW_RUN_FAILED);
      self->error = g_error_copy (error);
      gtk_label_set_text (self->status, _("The worker failed; the error came back with the result."));
      show_failure (self, error);
    }

  show_what_happened (self);
}

/* lesson.start: a run that succeeds; lesson.fail: a run that fails as
 * chosen (the drop-down lists the failures in the order of the enum);
 * lesson.drop-error, the wrong way: the same failing run, with a worker
 * that drops its error. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonErrors *self = THAW_LESSON_ERRORS (widget);
  guint percent = (guint) gtk_range_get_value (self->fail_at_scale);
  ErrorsFailure failure = ERRORS_FAILURE_NONE;
  gboolean drops = g_str_equal (action_name, "lesson.drop-error");

  if (drops || g_str_equal (action_name, "lesson.fail"))
    failure = ERRORS_FAILURE_MISSING + gtk_drop_down_get_selected (self->failure_choice);

  /* A new run forgets the last one's outcome. */
  thaw_lesson_begin_run (THAW_LESSON (self), drops ? "drop-error" : "worker");
  self->failure = failure;
  self->fail_at_percent = failure == ERRORS_FAILURE_NONE ? -1 : (int) percent;
  g_clear_pointer (&self->checksum, g_free);
  g_clear_error (&self->error);
  self->errors_raised = self->errors_delivered = 0;
  show_no_failure (self);
  gtk_label_set_text (self->truth_label, _("After a run: how many errors the worker raised, and how many "
                                           "of them reached the window."));
  show_progress (0, self);
  gtk_label_set_text (self->status,
                      failure == ERRORS_FAILURE_NONE
                      ? _("Reading the files on a worker thread…")
                      : _("Reading the files on a worker thread, until one fails…"));

  self->work = errors_work_start (ERRORS_N_INPUTS, ERRORS_INPUT_PAUSE_US, failure,
                                  MIN (percent * ERRORS_N_INPUTS / 100, ERRORS_N_INPUTS - 1),
                                  drops ? ERRORS_DROPPED : ERRORS_RETURNED,
                                  show_progress, run_done, self);
}

static void
thaw_lesson_errors_report (ThawLesson  *lesson,
                           JsonBuilder *builder)
{
  ThawLessonErrors *self = THAW_LESSON_ERRORS (lesson);
  static const char *const failure_names[] = { "none", "missing", "unreadable", "io-error" };
  const GError *error = self->error;

  thaw_report_string (builder, "failure", failure_names[self->failure]);
  thaw_report_int (builder, "fail_at_percent", self->fail_at_percent);
  /* Measured: the progress when the error came. */
  thaw_report_int (builder, "failed_at_percent", error != NULL ? (int) (self->files_read * 100 / ERRORS_N_INPUTS) : -1);
  thaw_report_int (builder, "files_read", self->files_read);
  thaw_report_string (builder, "checksum", self->checksum);
  thaw_report_string (builder, "error_domain", error != NULL ? g_quark_to_string (error->domain) : NULL);
  thaw_report_int (builder, "error_code", error != NULL ? error->code : 0);
  thaw_report_string (builder, "error_message", error != NULL ? error->message : NULL);
  thaw_report_int (builder, "errors_raised", self->errors_raised);
  thaw_report_int (builder, "errors_delivered", self->errors_delivered);
}

static void
thaw_lesson_errors_class_init (ThawLessonErrorsClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  lesson_class->report = thaw_lesson_errors_report;

  thaw_lesson_class_set_template (lesson_class, "errors");
  thaw_lesson_class_set_work (lesson_class, G_STRUCT_OFFSET (ThawLessonErrors, work),
                              (GDestroyNotify) errors_work_stop, (GDestroyNotify) errors_work_free);
  thaw_lesson_class_own (lesson_class, G_STRUCT_OFFSET (ThawLessonErrors, checksum), g_free);
  thaw_lesson_class_own (lesson_class, G_STRUCT_OFFSET (ThawLessonErrors, error), (GDestroyNotify) g_error_free);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonErrors, fail_at_scale);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonErrors, failure_choice);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonErrors, progress);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonErrors, status);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonErrors, error_icon);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonErrors, error_title_label);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonErrors, error_message_label);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonErrors, error_details_label);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonErrors, truth_label);

  thaw_lesson_class_install_run_action (lesson_class, "lesson.start", start_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.drop-error", start_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.fail", start_cb);
}

static void
thaw_lesson_errors_init (ThawLessonErrors *self)
{
  self->fail_at_percent = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
  show_no_failure (self);
}
