/* timeout-page.c — Waiting with a timeout: the page
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Puts timeout-work.c on screen: the buttons (in timeout-page.ui) wait on
 * the main loop or on a waiter thread and answer “still running”; each
 * run's timeouts and end are listed as they come. All on the main thread.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "timeout-work.h"
#include "thaw-lesson.h"
#include "thaw-run-log.h"
#include "thaw-text-row.h"

G_DECLARE_FINAL_TYPE (ThawLessonTimeout, thaw_lesson_timeout, THAW, LESSON_TIMEOUT, ThawLesson)

struct _ThawLessonTimeout
{
  ThawLesson parent_instance;

  GtkProgressBar *progress;
  GtkLabel *status;
  GtkListBox *events;
  ThawRunLog *runs;

  double job_length, timeout;   /* the knobs */
  TimeoutWork *work;        /* while the waiter runs */

  /* The last run, for --report. */
  double run_timeout;
  guint timeouts_hit;
  double first_timeout_s;
  gboolean asking;          /* whether Keep Waiting is on */
};

G_DEFINE_FINAL_TYPE (ThawLessonTimeout, thaw_lesson_timeout, THAW_TYPE_LESSON)

static void
add_event (ThawLessonTimeout *self,
           const char        *title,
           const char        *subtitle)
{
  gtk_list_box_append (self->events, thaw_text_row_new (title, subtitle));
  gtk_widget_set_visible (GTK_WIDGET (self->events), TRUE);
}

static void
set_asking (ThawLessonTimeout *self,
            gboolean           asking)
{
  self->asking = asking;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.keep-waiting", asking);
}

/* The end of a run, however it ended: a row for it, and one in the runs. */
static void
finish_run (ThawLessonTimeout     *self,
            const TimeoutProgress *p)
{
  ThawLesson *lesson = THAW_LESSON (self);
  g_autofree char *title = NULL;

  thaw_lesson_end_run (lesson, p->error != NULL ? THAW_RUN_FAILED :
                               p->stopped ? THAW_RUN_CANCELLED : THAW_RUN_SUCCEEDED);
  if (p->error != NULL)
    {
      /* The reason travelled here from the waiter thread as a GError. */
      title = g_strdup_printf (_("The job could not start: %s"), p->error->message);
      add_event (self, title, _("No thread was started, so there is nothing to join."));
      gtk_progress_bar_set_text (self->progress, C_("the job", "Failed"));
    }
  else
    {
      /* Translators: "%.2f s" is how long the job ran (before it stopped). */
      title = g_strdup_printf (p->stopped ? _("Stopped after %.2f s") : _("Finished after %.2f s"), p->job_s);
      add_event (self, title, p->stopped ? _("The job saw the cancellation, and its thread was joined.")
                                         : _("The wait ended because the job did, and its thread was joined."));
      gtk_progress_bar_set_text (self->progress, p->stopped ? C_("the job", "Stopped") : C_("the job", "Finished"));
      g_free (title);
      /* Translators: "%s" is where the job ran, e.g. "On a worker thread". */
      title = g_strdup_printf (p->stopped ? _("%s: stopped after %.2f s") : _("%s: %.2f s"),
                               self->work != NULL ? _("On a waiter thread") : _("On the main loop"),
                               thaw_lesson_get_run_seconds (lesson));
      thaw_lesson_log_run (lesson, self->runs, title, NULL);
    }

  if (p->timeouts_hit == 0)
    gtk_label_set_text (self->status, _("Done before the first timeout."));
  else
    thaw_label_set_printf (self->status, ngettext ("Done. The timeout ran out %u time before the end.",
                                                   "Done. The timeout ran out %u times before the end.",
                                                   p->timeouts_hit), p->timeouts_hit);
  set_asking (self, FALSE);
  g_clear_pointer (&self->work, timeout_work_free);
}

/* The news from the job and its waiter: delivered by the hand-off, or, on
 * the main loop, straight from the waits, where none of it can be drawn. */
static void
show_progress (const TimeoutProgress *p,
               gpointer               user_data)
{
  ThawLessonTimeout *self = user_data;
  g_autofree char *title = NULL;

  /* No text of our own while it runs: the bar shows its percentage. */
  g_object_set (self->progress, "fraction", (double) p->steps_done / p->n_steps, "text", NULL, NULL);

  /* A timeout since the last news. There can be only one: after each, the
   * waiter waits for an answer, and answers come from this thread. */
  if (p->timeouts_hit > self->timeouts_hit)
    {
      self->timeouts_hit = p->timeouts_hit;
      self->first_timeout_s = p->first_timeout_s;
      /* Translators: "%.1f s" is how long the job has been running. */
      title = g_strdup_printf (_("Still running after %.1f s"), p->last_timeout_s);
      add_event (self, title, _("The timed wait ran out. The job goes on."));
    }

  if (p->finished)
    {
      finish_run (self, p);
      return;
    }

  if (p->waited_s >= 0)
    /* Translators: the timeout, then how long this wait has lasted so far. */
    thaw_label_set_printf (self->status, _("Waiting for the job, %.1f s at most: %.1f s so far…"),
                           self->run_timeout, p->waited_s);
  else if (p->asking)
    thaw_label_set_printf (self->status, _("The job is still running after %.1f s. Keep waiting, or stop it?"),
                           p->running_s);
  set_asking (self, p->asking);
}

/* Every action of the page but lesson.stop (ThawLesson's):
 *   lesson.start         waits on a waiter thread;
 *   lesson.block         the wrong way, on the main loop: returns only when
 *                        the job is over;
 *   lesson.keep-waiting  and lesson.stop are the two answers to “still
 *                        running”: the job sees a stop at its next step,
 *                        and its end wakes the waiter. */
static void
action_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  ThawLessonTimeout *self = THAW_LESSON_TIMEOUT (widget);
  const char *verb = action_name + strlen ("lesson.");
  g_autoptr(GError) error = NULL;

  if (g_str_equal (verb, "keep-waiting"))
    {
      if (self->work != NULL)
        timeout_work_keep_waiting (self->work);
      set_asking (self, FALSE);
      return;
    }

  thaw_lesson_begin_run (THAW_LESSON (self), g_str_equal (verb, "block") ? "main-loop" : "worker");
  self->run_timeout = self->timeout;
  self->timeouts_hit = 0;
  self->first_timeout_s = -1;
  thaw_list_box_remove_all (self->events);
  gtk_widget_set_visible (GTK_WIDGET (self->events), FALSE);
  g_object_set (self->progress, "fraction", 0.0, "text", NULL, NULL);

  if (g_str_equal (verb, "block"))
    {
      timeout_run_on_this_thread (self->job_length, self->run_timeout, show_progress, self);
      return;
    }

  gtk_label_set_text (self->status, _("Starting…"));
  self->work = timeout_work_start (self->job_length, self->run_timeout, show_progress, self, &error);
  if (self->work == NULL)
    show_progress (&(TimeoutProgress) { .n_steps = 1, .finished = TRUE, .error = error }, self);
}

static void
thaw_lesson_timeout_report (ThawLesson  *lesson,
                            JsonBuilder *builder)
{
  ThawLessonTimeout *self = THAW_LESSON_TIMEOUT (lesson);
  gboolean idle = thaw_lesson_get_run_state (lesson) == THAW_RUN_IDLE;

  thaw_report_double (builder, "timeout_seconds", idle ? self->timeout : self->run_timeout);
  thaw_report_double (builder, "job_length_seconds", self->job_length);
  thaw_report_int (builder, "timeouts_hit", self->timeouts_hit);
  thaw_report_measured (builder, "first_timeout_seconds", self->first_timeout_s >= 0, self->first_timeout_s);
  thaw_report_boolean (builder, "asking", self->asking);
}

/* Keep Waiting answers a question that comes only when the wait runs out. */
static char *
thaw_lesson_timeout_dup_verb_disabled_reason (ThawLesson *lesson,
                                              const char *verb)
{
  if (thaw_lesson_get_busy (lesson) && g_str_equal (verb, "keep-waiting"))
    return g_strdup (_("The job has not outlasted its wait yet: nothing asks"));

  return THAW_LESSON_CLASS (thaw_lesson_timeout_parent_class)->dup_verb_disabled_reason (lesson, verb);
}

static void
thaw_lesson_timeout_class_init (ThawLessonTimeoutClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  lesson_class->report = thaw_lesson_timeout_report;
  lesson_class->dup_verb_disabled_reason = thaw_lesson_timeout_dup_verb_disabled_reason;

  /* A run copies the knobs as it starts: changing them mid-run is safe. */
  thaw_lesson_class_add_double_knob (lesson_class, "job-length", G_STRUCT_OFFSET (ThawLessonTimeout, job_length),
                                     0.5, 10.0, 2.5);
  thaw_lesson_class_add_double_knob (lesson_class, "timeout", G_STRUCT_OFFSET (ThawLessonTimeout, timeout),
                                     0.2, 5.0, 1.0);

  thaw_lesson_class_set_template (lesson_class, "timeout");
  thaw_lesson_class_set_work (lesson_class, G_STRUCT_OFFSET (ThawLessonTimeout, work),
                              (GDestroyNotify) timeout_work_stop, (GDestroyNotify) timeout_work_free);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonTimeout, progress);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonTimeout, status);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonTimeout, events);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonTimeout, runs);

  thaw_lesson_class_install_run_action (lesson_class, "lesson.block", action_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.start", action_cb);
  gtk_widget_class_install_action (widget_class, "lesson.keep-waiting", NULL, action_cb);
}

static void
thaw_lesson_timeout_init (ThawLessonTimeout *self)
{
  thaw_lesson_init_knobs (THAW_LESSON (self));
  gtk_widget_init_template (GTK_WIDGET (self));
  set_asking (self, FALSE);
}
