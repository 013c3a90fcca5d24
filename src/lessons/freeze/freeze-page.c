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
#include "thaw-run-log.h"

#define THAW_TYPE_LESSON_FREEZE (thaw_lesson_freeze_get_type ())
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
  gtk_progress_bar_set_text (self->progress, text);
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
  thaw_run_log_add (self->runs, title, detail,
                    thaw_lesson_get_heartbeat (lesson),
                    thaw_lesson_get_run_started_at (lesson));

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
  finish_run (self, _("On a worker thread"), freeze_work_was_stopped (self->work));
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
    {
      thaw_lesson_end_run (THAW_LESSON (self), THAW_RUN_FAILED);
      gtk_label_set_text (self->status, error->message);
    }
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

/* lesson.stop: ask the worker to stop; its last delivery ends the run. */
static void
stop_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonFreeze *self = THAW_LESSON_FREEZE (widget);

  if (self->work == NULL)
    return;

  freeze_work_stop (self->work);
  gtk_label_set_text (self->status, _("Stopping…"));
}

static void
thaw_lesson_freeze_report (ThawLesson  *lesson,
                           JsonBuilder *builder)
{
  ThawLessonFreeze *self = THAW_LESSON_FREEZE (lesson);

  json_builder_set_member_name (builder, "primes");
  json_builder_add_int_value (builder, self->primes);
}

static void
thaw_lesson_freeze_dispose (GObject *object)
{
  ThawLessonFreeze *self = THAW_LESSON_FREEZE (object);

  /* A worker may still run when the window closes: this stops and joins
   * it, and a delivery it already scheduled calls nobody. */
  g_clear_pointer (&self->work, freeze_work_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), THAW_TYPE_LESSON_FREEZE);

  G_OBJECT_CLASS (thaw_lesson_freeze_parent_class)->dispose (object);
}

static void
thaw_lesson_freeze_class_init (ThawLessonFreezeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  object_class->dispose = thaw_lesson_freeze_dispose;
  lesson_class->report = thaw_lesson_freeze_report;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/lessons/freeze/freeze-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ThawLessonFreeze, progress);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonFreeze, status);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonFreeze, runs);

  thaw_lesson_class_install_run_action (lesson_class, "lesson.block", block_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.start", start_cb);
  gtk_widget_class_install_action (widget_class, "lesson.stop", NULL, stop_cb);
}

static void
thaw_lesson_freeze_init (ThawLessonFreeze *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

const ThawLessonInfo thaw_lesson_freeze_info = {
  .id = "freeze",
  .part = THAW_PART_FREEZE,
  .title = N_("The Frozen Window"),
  .summary = N_("The same job on the main loop and on a worker thread"),
  .keywords = N_("freeze;block;main loop;thread;worker;idle;responsive;hang;primes;progress"),
  .explanation =
    N_("A GTK program has one <b>main loop</b>, on one thread. It waits for "
       "something to happen (a click, a key, a timer, the next frame) and calls "
       "the code that handles it. Drawing the window is one of the things it "
       "does. While a handler runs, the loop is not waiting for anything else: "
       "no frame is drawn, no click is seen.\n\n"
       "So a button whose handler counts primes for three seconds freezes the "
       "window for three seconds. Setting the progress bar inside the loop does "
       "not help, because the bar is drawn by the same main loop the handler is "
       "keeping busy. Watch the meter: its ball stops and its graph shows one "
       "beat that came three seconds late.\n\n"
       "The cure is to move the work to a <b>worker thread</b> with "
       "<tt>g_thread_new()</tt>. The worker must never call GTK, which is not "
       "thread-safe. Instead it stores its progress where the main thread can "
       "read it and asks the main loop to call back with <tt>g_idle_add()</tt>. "
       "Only one such callback waits at a time: if the worker is faster than the "
       "screen, the callback shows the latest figure, and the main loop is not "
       "buried under millions of them.\n\n"
       "Thaw’s workers also run at <b>background priority</b>: each one first "
       "calls <tt>thaw_thread_set_background_priority()</tt> (in "
       "<tt>src/engine/thaw-priority.c</tt>), which gives the thread a nice "
       "value of 10. When every core is busy and the main thread wants the CPU "
       "too, the kernel gives it about nine times the worker’s share, so a "
       "busy worker slows itself down, not the window. The menu item “Workers "
       "at Low Priority” turns it off, to see the difference on a loaded "
       "machine.\n\n"
       "When the worker is done, the main thread joins it. It does so only after "
       "the worker has said it is finished, so the join is instant; joining a "
       "running thread from the main loop would freeze the window all over "
       "again.\n\n"
       "In Python the same cure works with <tt>threading.Thread</tt>, although "
       "only one thread at a time runs Python code (the GIL). A busy worker does "
       "not keep the GIL for long: once another thread has waited for it for "
       "one switch interval, <tt>sys.getswitchinterval()</tt>, 5 ms, CPython "
       "makes the worker hand it over. So the GUI thread gets a turn every few "
       "milliseconds, and the window breathes. It still stutters a little: "
       "each time the worker holds the GIL, the main thread waits up to a "
       "switch interval to get it back, and one turn of its loop may need it "
       "more than once. The Python program below measures it: beats a few "
       "milliseconds late with the worker, against one beat as late as the "
       "whole job when the job runs inside a callback."),
  .try_this =
    N_("Click “Run on the Main Loop” and try to move the window or open the menu while it runs.\n"
       "Look at the meter: the ball stopped, and the graph has a spike of about three seconds.\n"
       "Click “Run on a Worker Thread”: the ball keeps moving and the bar fills smoothly.\n"
       "Start the worker again and press Stop halfway."),
  .get_type = thaw_lesson_freeze_get_type,
};
