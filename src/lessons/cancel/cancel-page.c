/* cancel-page.c — Stopping a thread: the page
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Puts cancel-work.c on screen: the buttons (in cancel-page.ui) start the
 * checksum and stop it, and each stop's latency goes to the list of the
 * last stops. Everything here runs on the main thread.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cancel-work.h"
#include "thaw-lesson.h"
#include "thaw-text-row.h"

/* How many stops the list keeps, newest first. */
#define HISTORY_LENGTH 5

G_DECLARE_FINAL_TYPE (ThawLessonCancel, thaw_lesson_cancel, THAW, LESSON_CANCEL, ThawLesson)

struct _ThawLessonCancel
{
  ThawLesson parent_instance;

  GtkSpinButton *look_every;
  GtkProgressBar *progress;
  GtkLabel *status;
  GtkListBox *history;

  CancelWork *work;           /* while the worker runs */
  guint look_every_ms;        /* of the current run */
  guint auto_stop_id;         /* start-and-stop's timer */

  /* The figures, for --report. */
  double progress_fraction;
  double cancel_latency_ms;   /* click to worker stopped */
  double cancel_delivered_ms; /* click to the main thread knowing it */
  guint n_cancels;
  guint n_late_stops;
  guint n_ignored_stops;      /* the wrong way's: the worker never looked */
  double ignored_ms;          /* click to the end of the job, ignored */
  char *checksum;
};

G_DEFINE_FINAL_TYPE (ThawLessonCancel, thaw_lesson_cancel, THAW_TYPE_LESSON)

static void
show_progress (ThawLessonCancel *self,
               guint             blocks_done,
               guint             n_blocks)
{
  /* Sizes in SI units (MB, GB), as everywhere in Thaw and in GNOME. */
  g_autofree char *done = g_format_size ((guint64) blocks_done * CANCEL_BLOCK_BYTES);
  g_autofree char *total = g_format_size ((guint64) n_blocks * CANCEL_BLOCK_BYTES);
  g_autofree char *text = NULL;

  self->progress_fraction = (double) blocks_done / n_blocks;
  /* Translators: the progress of a checksum, e.g. "444.6 MB of 1.3 GB hashed". */
  text = g_strdup_printf (_("%s of %s hashed"), done, total);
  g_object_set (self->progress, "fraction", self->progress_fraction, "text", text, NULL);
}

/* Adds a row to the list of stops, newest first, keeping the last few. */
static void
add_to_history (ThawLessonCancel *self,
                const char       *title,
                const char       *subtitle)
{
  GtkWidget *oldest = gtk_widget_get_last_child (GTK_WIDGET (self->history));

  if (oldest != NULL && gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (oldest)) == HISTORY_LENGTH - 1)
    gtk_list_box_remove (self->history, oldest);
  gtk_list_box_prepend (self->history, thaw_text_row_new (title, subtitle));
  /* Its heading shows with it (cancel-page.ui binds them). */
  gtk_widget_set_visible (GTK_WIDGET (self->history), TRUE);
}

/* The worker's progress, delivered on the main thread; its last word ends
 * the run (cancel-work.c has joined the thread already). */
static void
worker_progress (const CancelProgress *progress,
                 gpointer              user_data)
{
  ThawLessonCancel *self = user_data;
  ThawLesson *lesson = user_data;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *text = NULL;
  g_autofree char *value = NULL;

  show_progress (self, progress->blocks_done, progress->n_blocks);
  if (!progress->finished)
    return;

  g_clear_handle_id (&self->auto_stop_id, g_source_remove);
  /* The job's only error is G_IO_ERROR_CANCELLED: how it was asked to
   * end, not a failure. */
  if (g_error_matches (progress->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      thaw_lesson_end_run (lesson, THAW_RUN_CANCELLED);
      self->cancel_latency_ms = progress->latency_ms;
      self->cancel_delivered_ms = progress->delivered_ms;
      self->n_cancels++;
      /* Translators: "%.1f" is a time in milliseconds. */
      title = g_strdup_printf (_("The worker stopped %.1f ms after the click"), progress->latency_ms);
      /* Translators: "%.0f %%" is how far the job had come, the first "%u" how
       * often the worker looked at the cancellable, "%.1f" a time in ms. */
      subtitle = g_strdup_printf (_("At %.0f %% · looking every %u ms · the window knew after %.1f ms"),
                                  100 * self->progress_fraction, self->look_every_ms,
                                  progress->delivered_ms);
      add_to_history (self, title, subtitle);
      /* Translators: a time in milliseconds, e.g. "6.8 ms". */
      value = g_strdup_printf (_("%.1f ms"), progress->latency_ms);
      thaw_lesson_set_headline (lesson, _("From Stop to the worker stopping"), value, subtitle);
      /* Translators: "%.1f" is a time in milliseconds. */
      text = g_strdup_printf (_("Stopped: the worker noticed %.1f ms after the click."),
                              progress->latency_ms);
    }
  else
    {
      thaw_lesson_end_run (lesson, THAW_RUN_SUCCEEDED);
      g_free (self->checksum);
      self->checksum = g_strdup (progress->checksum);
      if (progress->stop_too_late)
        {
          self->n_late_stops++;
          add_to_history (self, _("Too late to stop: the job had already finished"),
                          _("The work was complete, so its result stands"));
        }
      if (progress->stop_ignored)
        {
          self->n_ignored_stops++;
          self->ignored_ms = progress->ignored_ms;
          /* Translators: "%.1f" is a time in seconds. */
          subtitle = g_strdup_printf (_("It hashed on to the end, %.1f s after the click"), progress->ignored_ms / 1000);
          add_to_history (self, _("Stop was ignored: the worker never looked"), subtitle);
          /* Translators: a time in seconds, e.g. "3.2 s". */
          value = g_strdup_printf (_("%.1f s"), progress->ignored_ms / 1000);
          thaw_lesson_set_headline (lesson, _("From Stop to the end of the job, Stop ignored"), value,
                                    _("The worker never looked at its GCancellable"));
          /* Translators: "%.1f" is a time in seconds. */
          text = g_strdup_printf (_("Stop changed nothing: the worker never looked at its GCancellable, and "
                                    "ran to the end %.1f s after the click. A thread cannot be stopped from "
                                    "outside; it has to ask."),
                                  progress->ignored_ms / 1000);
        }
      else
        /* Translators: "%.2f" is seconds, "%.16s" the start of a checksum. */
        text = g_strdup_printf (_("Done in %.2f s. SHA-256: %.16s…"),
                                thaw_lesson_get_run_seconds (lesson), progress->checksum);
    }

  gtk_label_set_text (self->status, text);
  g_clear_pointer (&self->work, cancel_work_free);
}

/* lesson.start: a worker with a fresh GCancellable; lesson.no-check, the
 * wrong way: one that never looks at it. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonCancel *self = THAW_LESSON_CANCEL (widget);
  gboolean checks = !g_str_equal (action_name, "lesson.no-check");
  g_autoptr(GError) error = NULL;

  thaw_lesson_begin_run (THAW_LESSON (self), checks ? "worker" : "no-check");
  show_progress (self, 0, CANCEL_N_BLOCKS);
  gtk_label_set_text (self->status, checks ? _("Hashing on a worker thread. Press Stop whenever you like.")
                                           : _("Hashing on a worker that never looks at its GCancellable. Press Stop, and see."));

  self->look_every_ms = checks ? (guint) gtk_spin_button_get_value_as_int (self->look_every) : CANCEL_NEVER_CHECK;
  self->work = cancel_work_start (CANCEL_N_BLOCKS, self->look_every_ms,
                                  worker_progress, self, &error);
  if (self->work == NULL)
    thaw_lesson_fail_start (THAW_LESSON (self), error);
}

/* lesson.stop: ask. The worker's last delivery ends the run. */
static void
stop_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonCancel *self = THAW_LESSON_CANCEL (widget);

  if (self->work == NULL)
    return;

  cancel_work_stop (self->work);
  gtk_widget_action_set_enabled (widget, "lesson.stop", FALSE);
  g_clear_handle_id (&self->auto_stop_id, g_source_remove);
  gtk_label_set_text (self->status, _("Stop pressed. Waiting for the worker to look…"));
}

static gboolean
auto_stop_cb (gpointer data)
{
  ThawLessonCancel *self = data;

  self->auto_stop_id = 0;
  /* Exactly what the Stop button does, clock and all. */
  gtk_widget_activate_action (GTK_WIDGET (self), "lesson.stop", NULL);

  return G_SOURCE_REMOVE;
}

/* lesson.start-and-stop: start, then stop at a random moment, so that the
 * click lands anywhere between two looks of the worker. */
static void
start_and_stop_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ThawLessonCancel *self = THAW_LESSON_CANCEL (widget);

  start_cb (widget, "lesson.start", NULL);
  if (self->work != NULL)
    self->auto_stop_id = g_timeout_add ((guint) g_random_int_range (400, 1200), auto_stop_cb, self);
}

static void
thaw_lesson_cancel_report (ThawLesson  *lesson,
                           JsonBuilder *builder)
{
  ThawLessonCancel *self = THAW_LESSON_CANCEL (lesson);

  thaw_report_double (builder, "progress", self->progress_fraction);
  /* No cancel yet is not "0 ms": such a figure is left empty. */
  thaw_report_measured (builder, "cancel_latency_ms", self->n_cancels > 0, self->cancel_latency_ms);
  thaw_report_measured (builder, "cancel_delivered_ms", self->n_cancels > 0, self->cancel_delivered_ms);
  thaw_report_int (builder, "cancels", self->n_cancels);
  thaw_report_int (builder, "late_stops", self->n_late_stops);
  thaw_report_int (builder, "ignored_stops", self->n_ignored_stops);
  thaw_report_measured (builder, "stop_ignored_ms", self->n_ignored_stops > 0, self->ignored_ms);
  thaw_report_int (builder, "look_every_ms", gtk_spin_button_get_value_as_int (self->look_every));
  thaw_report_string (builder, "checksum", self->checksum);
}

static void
thaw_lesson_cancel_class_init (ThawLessonCancelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  lesson_class->report = thaw_lesson_cancel_report;

  thaw_lesson_class_set_template (lesson_class, "cancel");
  thaw_lesson_class_set_work (lesson_class, G_STRUCT_OFFSET (ThawLessonCancel, work),
                              NULL, (GDestroyNotify) cancel_work_free);
  thaw_lesson_class_own_source (lesson_class, G_STRUCT_OFFSET (ThawLessonCancel, auto_stop_id));
  thaw_lesson_class_own (lesson_class, G_STRUCT_OFFSET (ThawLessonCancel, checksum), g_free);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonCancel, look_every);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonCancel, progress);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonCancel, status);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonCancel, history);

  thaw_lesson_class_install_run_action (lesson_class, "lesson.start", start_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.start-and-stop", start_and_stop_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.no-check", start_cb);
  gtk_widget_class_install_action (widget_class, "lesson.stop", NULL, stop_cb);
}

static void
thaw_lesson_cancel_init (ThawLessonCancel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
