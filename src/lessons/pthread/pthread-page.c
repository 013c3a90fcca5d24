/* pthread-page.c — Plain POSIX Threads: the page
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Puts pthread-work.c on screen: the buttons (in pthread-page.ui) throw the
 * darts on the main loop or on a thread made with pthread_create(), the bar
 * fills with the darts thrown, and each finished run says how close to π
 * it came. Everything here runs on the main thread.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "pthread-work.h"
#include "thaw-lesson.h"
#include "thaw-paced-text.h"
#include "thaw-run-log.h"

G_DECLARE_FINAL_TYPE (ThawLessonPthread, thaw_lesson_pthread, THAW, LESSON_PTHREAD, ThawLesson)

struct _ThawLessonPthread
{
  ThawLesson parent_instance;

  GtkProgressBar *progress;
  GtkLabel *status;
  ThawRunLog *runs;

  DartsWork *work;      /* while the worker runs */

  /* The last run, for the list of runs and for --report. */
  guint64 thrown;
  guint64 hits;
  double join_wait_ms;
};

G_DEFINE_FINAL_TYPE (ThawLessonPthread, thaw_lesson_pthread, THAW_TYPE_LESSON)

/* Fills the bar; a DartsProgressFunc, so that the main-loop run calls it
 * straight from its loop. */
static void
show_progress (guint64  thrown,
               guint64  hits,
               gboolean finished,
               gpointer user_data)
{
  ThawLessonPthread *self = user_data;
  g_autofree char *text = NULL;

  gtk_progress_bar_set_fraction (self->progress, (double) thrown / DARTS_LESSON_COUNT);
  /* Translators: the progress of a job that estimates π by throwing random
   * darts; "%'.1f" is millions of darts, "%.5f" the estimate so far. */
  text = g_strdup_printf (_("%'.1f million darts, π ≈ %.5f"),
                          thrown / 1e6, darts_estimate_pi (thrown, hits));
  thaw_paced_text_set (self->progress, "text", text, FALSE);
}

/* Ends a run and adds it to the list of runs, newest first. */
static void
finish_run (ThawLessonPthread *self,
            const char        *where,
            gboolean           stopped,
            const char        *status)
{
  ThawLesson *lesson = THAW_LESSON (self);
  double pi = darts_estimate_pi (self->thrown, self->hits);
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;

  thaw_lesson_end_run (lesson, stopped ? THAW_RUN_CANCELLED : THAW_RUN_SUCCEEDED);

  /* Translators: "%s" is where the job ran, e.g. "With pthreads". */
  title = g_strdup_printf (stopped ? _("%s: stopped after %.2f s") : _("%s: %.2f s"),
                           where, thaw_lesson_get_run_seconds (lesson));
  /* Translators: "%.5f" is an estimate of π, "%.5f" its error. */
  detail = g_strdup_printf (_("π ≈ %.5f (off by %.5f)"), pi, fabs (pi - G_PI));
  thaw_lesson_log_run (lesson, self->runs, title, detail);
  gtk_label_set_text (self->status, status);
}

static void
start_run (ThawLessonPthread *self,
           const char        *mode,
           const char        *status)
{
  thaw_lesson_begin_run (THAW_LESSON (self), mode);
  self->thrown = 0;
  self->hits = 0;
  self->join_wait_ms = 0;
  show_progress (0, 0, FALSE, self);
  gtk_label_set_text (self->status, status);
}

/* The worker's progress, delivered on the main thread. */
static void
worker_progress (guint64  thrown,
                 guint64  hits,
                 gboolean finished,
                 gpointer user_data)
{
  ThawLessonPthread *self = user_data;
  g_autoptr(DartsWork) work = NULL;
  g_autofree char *text = NULL;

  show_progress (thrown, hits, finished, self);
  if (!finished)
    return;

  /* pthread-work.c has joined the thread already, and timed the join. */
  work = g_steal_pointer (&self->work);
  self->thrown = thrown;
  self->hits = hits;
  self->join_wait_ms = darts_work_get_join_wait_ms (work);
  /* Translators: "%.3f" is a time in milliseconds. */
  text = g_strdup_printf (_("Joined: pthread_join() waited %.3f ms, because the thread had already said it was done."),
                          self->join_wait_ms);
  finish_run (self, _("With pthreads"),
              thrown < DARTS_LESSON_COUNT, text);
}

/* lesson.start: the right way. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonPthread *self = THAW_LESSON_PTHREAD (widget);
  g_autoptr(GError) error = NULL;

  start_run (self, "pthread",
             _("Throwing darts on a thread made with pthread_create(). Try moving the window."));

  self->work = darts_work_start (DARTS_LESSON_COUNT, worker_progress, self, &error);
  if (self->work == NULL)
    thaw_lesson_fail_start (THAW_LESSON (self), error);
}

/* lesson.block: the wrong way, on purpose. */
static void
block_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonPthread *self = THAW_LESSON_PTHREAD (widget);

  start_run (self, "main-loop", _("Throwing darts on the main loop…"));
  /* This sets the bar after every chunk, but nothing is drawn until the
   * handler returns: drawing happens on the main loop it keeps busy. */
  self->hits = darts_throw_on_this_thread (DARTS_LESSON_COUNT, show_progress, self);
  self->thrown = DARTS_LESSON_COUNT;
  finish_run (self, _("On the main loop"), FALSE, _("Done, and the window was frozen all along."));
}

static void
thaw_lesson_pthread_report (ThawLesson  *lesson,
                            JsonBuilder *builder)
{
  ThawLessonPthread *self = THAW_LESSON_PTHREAD (lesson);

  thaw_report_int (builder, "darts", (gint64) self->thrown);
  thaw_report_int (builder, "hits", (gint64) self->hits);
  thaw_report_double (builder, "pi", darts_estimate_pi (self->thrown, self->hits));
  thaw_report_double (builder, "join_wait_ms", self->join_wait_ms);
}

static void
thaw_lesson_pthread_class_init (ThawLessonPthreadClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  lesson_class->report = thaw_lesson_pthread_report;

  thaw_lesson_class_set_template (lesson_class, "pthread");
  thaw_lesson_class_set_work (lesson_class, G_STRUCT_OFFSET (ThawLessonPthread, work),
                              (GDestroyNotify) darts_work_stop, (GDestroyNotify) darts_work_free);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonPthread, progress);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonPthread, status);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonPthread, runs);

  thaw_lesson_class_install_run_action (lesson_class, "lesson.block", block_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.start", start_cb);
}

static void
thaw_lesson_pthread_init (ThawLessonPthread *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
