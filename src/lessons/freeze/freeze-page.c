/* freeze-page.c — Why GUIs freeze: the page
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Puts freeze-work.c on screen: the buttons (in freeze-page.ui) run the
 * job the wrong way or the right way, and its progress fills the bar.
 * Everything here runs on the main thread.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "freeze-work.h"
#include "thaw-lesson.h"
#include "thaw-paced-text.h"
#include "thaw-run-log.h"

G_DECLARE_FINAL_TYPE (ThawLessonFreeze, thaw_lesson_freeze, THAW, LESSON_FREEZE, ThawLesson)

struct _ThawLessonFreeze
{
  ThawLesson parent_instance;

  GtkProgressBar *progress;
  GtkLabel *status;
  ThawRunLog *runs;

  FreezeWork *work;     /* while the worker runs */
  guint primes;         /* found by the last run */
};

G_DEFINE_FINAL_TYPE (ThawLessonFreeze, thaw_lesson_freeze, THAW_TYPE_LESSON)

static void
show_progress (ThawLessonFreeze *self,
               guint             checked,
               guint             primes)
{
  g_autofree char *text = NULL;

  gtk_progress_bar_set_fraction (self->progress, (double) checked / FREEZE_PRIME_LIMIT);
  /* Translators: the progress of a job that counts prime numbers. */
  text = g_strdup_printf (_("%'u numbers tested, %'u primes found"), checked, primes);
  thaw_paced_text_set (self->progress, "text", text, FALSE);
}

/* Ends a run and adds it to the list of runs, newest first. */
static void
finish_run (ThawLessonFreeze *self,
            const char       *where,
            gboolean          stopped)
{
  ThawLesson *lesson = THAW_LESSON (self);
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;

  thaw_lesson_end_run (lesson, stopped ? THAW_RUN_CANCELLED : THAW_RUN_SUCCEEDED);

  if (stopped)
    /* Translators: "%s" is where the job ran, e.g. "On a worker thread". */
    title = g_strdup_printf (_("%s: stopped after %.2f s"), where, thaw_lesson_get_run_seconds (lesson));
  else
    /* Translators: "%s" is where the job ran, e.g. "On a worker thread". */
    title = g_strdup_printf (_("%s: %.2f s"), where, thaw_lesson_get_run_seconds (lesson));
  /* Translators: how many primes a run found. */
  detail = g_strdup_printf (_("%'u primes"), self->primes);
  thaw_lesson_log_run (lesson, self->runs, title, detail);

  gtk_label_set_text (self->status, stopped ? _("Stopped.") : _("Done."));
}

static void
start_run (ThawLessonFreeze *self,
           const char       *mode)
{
  thaw_lesson_begin_run (THAW_LESSON (self), mode);
  self->primes = 0;
  show_progress (self, 0, 0);
}

/* The worker's progress, delivered on the main thread. */
static void
worker_progress (guint    checked,
                 guint    primes,
                 gboolean finished,
                 gpointer user_data)
{
  ThawLessonFreeze *self = user_data;

  show_progress (self, checked, primes);
  if (!finished)
    return;

  /* freeze-work.c has joined the thread already. */
  self->primes = primes;
  finish_run (self, _("On a worker thread"), checked < FREEZE_PRIME_LIMIT);
  g_clear_pointer (&self->work, freeze_work_free);
}

/* lesson.start: the right way. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonFreeze *self = THAW_LESSON_FREEZE (widget);
  g_autoptr(GError) error = NULL;

  start_run (self, "worker");
  gtk_label_set_text (self->status,
                      _("Counting on a worker thread. Try moving the window or opening the menu."));

  self->work = freeze_work_start (FREEZE_PRIME_LIMIT, worker_progress, self, &error);
  if (self->work == NULL)
    thaw_lesson_fail_start (THAW_LESSON (self), error);
}

static void
main_loop_progress (guint    checked,
                    guint    primes,
                    gboolean finished,
                    gpointer user_data)
{
  /* This sets the bar, but nothing is drawn until the handler returns. */
  show_progress (user_data, checked, primes);
}

/* lesson.block: the wrong way, on purpose. */
static void
block_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonFreeze *self = THAW_LESSON_FREEZE (widget);

  start_run (self, "main-loop");
  gtk_label_set_text (self->status, _("Counting on the main loop…"));

  self->primes = freeze_run_on_this_thread (FREEZE_PRIME_LIMIT, main_loop_progress, self);
  finish_run (self, _("On the main loop"), FALSE);
}

static void
thaw_lesson_freeze_report (ThawLesson  *lesson,
                           JsonBuilder *builder)
{
  ThawLessonFreeze *self = THAW_LESSON_FREEZE (lesson);

  thaw_report_int (builder, "primes", self->primes);
}

static void
thaw_lesson_freeze_class_init (ThawLessonFreezeClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  lesson_class->report = thaw_lesson_freeze_report;

  thaw_lesson_class_set_template (lesson_class, "freeze");
  /* ThawLesson's lesson.stop calls freeze_work_stop(); when the page goes,
   * mid-run or not, freeze_work_free() stops and joins the worker. */
  thaw_lesson_class_set_work (lesson_class, G_STRUCT_OFFSET (ThawLessonFreeze, work),
                              (GDestroyNotify) freeze_work_stop, (GDestroyNotify) freeze_work_free);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonFreeze, progress);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonFreeze, status);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonFreeze, runs);

  thaw_lesson_class_install_run_action (lesson_class, "lesson.block", block_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.start", start_cb);
}

static void
thaw_lesson_freeze_init (ThawLessonFreeze *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
