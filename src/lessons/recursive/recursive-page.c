/* recursive-page.c — A lock taken twice: the page
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Puts recursive-work.c on screen: the buttons (in recursive-page.ui) walk
 * the tree with a GRecMutex or try a plain mutex, the blocks show how many
 * times the worker holds the lock, and each run goes to the list of runs.
 * Be the Scheduler (recursive-scheduler.c) steps two deposits that take
 * one lock twice. Everything here runs on the main thread.
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <glib/gi18n.h>

#include "recursive-scheduler.h"
#include "recursive-work.h"
#include "thaw-child.h"
#include "thaw-lesson-child.h"
#include "thaw-lesson.h"
#include "thaw-procfs.h"
#include "thaw-paced-text.h"
#include "thaw-run-log.h"

G_DECLARE_FINAL_TYPE (ThawLessonRecursive, thaw_lesson_recursive, THAW, LESSON_RECURSIVE, ThawLesson)

struct _ThawLessonRecursive
{
  ThawLesson parent_instance;

  GtkSpinButton *levels;
  GtkProgressBar *progress;
  GtkLevelBar *nesting;
  GtkLabel *nesting_label;
  GtkLabel *status;
  ThawRunLog *runs;

  RecursiveWork *work;          /* while the worker runs */
  RecursiveProgress last[2];    /* the last run of each kind, for --report */

  /* Lock It Twice: the child process, and what it came to. */
  GtkLabel *child_report;
  ThawChild *child;
  ThawLessonChild child_seen;

  /* Be the Scheduler: the buttons, and the part of the page that shows the
   * stepped deposits (recursive-scheduler.c). */
  ThawScheduler *scheduler;
  ThawRecursiveScheduler *scheduler_view;
  gboolean recursive_mutex;     /* the knob: the stepped deposits' mutex */
};

G_DEFINE_FINAL_TYPE (ThawLessonRecursive, thaw_lesson_recursive, THAW_TYPE_LESSON)

/* The two kinds of run: the action, the report's job_mode, how long a
 * folder takes to read, and what the status says as the run starts. */
static const struct
{
  const char *action;
  const char *mode;
  gint64 read_folder_us;
  const char *status;
} kinds[] = {
  [RECURSIVE_REC_MUTEX] = { "lesson.start", "rec-mutex", RECURSIVE_READ_FOLDER_US,
    N_("Walking the tree on a worker thread. Each level takes the lock once more.") },
  [RECURSIVE_PLAIN_MUTEX] = { "lesson.try-plain", "plain-mutex", RECURSIVE_PLAIN_HOLD_US,
    N_("Level 1 took the mutex. Level 2 will ask for it again…") },
};

#define WOULD_DEADLOCK(p) ((p)->second_lock == EDEADLK && (p)->timed_lock == EDEADLK)

/* The name of an answer of pthread_mutex_lock(): 0 or an errno value. */
static const char *
error_name (int error)
{
  return error == RECURSIVE_NOT_ASKED ? "not asked"
         : error == EDEADLK ? "EDEADLK"
         : error == ETIMEDOUT ? "ETIMEDOUT"
         : error == 0 ? "0" : g_strerror (error);
}

/* Ends a run: a row at the top of the list of runs, and the status. */
static void
finish_run (ThawLessonRecursive     *self,
            const RecursiveProgress *p)
{
  ThawLesson *lesson = THAW_LESSON (self);
  g_autofree char *size = g_format_size ((guint64) p->total_kib * 1024);
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  const char *status = p->stopped ? _("Stopped.")
                                  : _("A plain mutex does not count: to its owner it says “wait”, like to anyone else. This one checks who asks, and says EDEADLK instead.");

  thaw_lesson_end_run (lesson, p->stopped ? THAW_RUN_CANCELLED : THAW_RUN_SUCCEEDED);
  self->last[p->kind] = *p;

  if (p->kind == RECURSIVE_REC_MUTEX)
    {
      if (p->stopped)
        title = g_strdup_printf (_("GRecMutex: stopped after %'u folders, %.2f s"),
                                 p->visited, thaw_lesson_get_run_seconds (lesson));
      else
        /* Translators: "%s" is a size such as "1.0 MB". */
        title = g_strdup_printf (_("GRecMutex: %'u folders, %s in all, %.2f s"),
                                 p->visited, size, thaw_lesson_get_run_seconds (lesson));
      detail = g_strdup_printf (ngettext ("At its deepest, the worker held the lock %u time at once.",
                                          "At its deepest, the worker held the lock %u times at once.",
                                          p->deepest), p->deepest);
      status = p->stopped ? _("Stopped. Every level unlocked on the way out.")
                          : _("Done. Each lock had its unlock, and the mutex is free again.");
    }
  else if (WOULD_DEADLOCK (p))
    {
      title = g_strdup (_("Plain mutex: the second lock would never be granted"));
      detail = g_strdup_printf (_("To the thread that held it, pthread_mutex_lock() answered EDEADLK, and so did a timed lock, after %.1f ms: without the check it would have waited forever."),
                                p->timed_lock_us / 1000.0);
    }
  else if (p->stopped)
    {
      title = g_strdup (_("Plain mutex: stopped"));
      detail = g_strdup (_("Stopped before the second lock."));
    }
  else
    {
      title = g_strdup (_("Plain mutex: an unexpected answer"));
      /* Translators: the two %s are what the calls returned, e.g. "EDEADLK". */
      detail = g_strdup_printf (_("pthread_mutex_lock(): %s; pthread_mutex_timedlock(): %s."),
                                error_name (p->second_lock), error_name (p->timed_lock));
    }

  thaw_lesson_log_run (lesson, self->runs, title, detail);
  gtk_label_set_text (self->status, status);
}

/* The worker's figures, delivered on the main thread (and the empty ones
 * as a run starts): the blocks and their caption, then the bar, of folders
 * read or, with the plain mutex, of level 1 holding it and the answer to
 * level 2. The last figures end the run; recursive-work.c has joined the
 * thread already. */
static void
worker_progress (const RecursiveProgress *p,
                 gpointer                 user_data)
{
  ThawLessonRecursive *self = user_data;
  g_autofree char *caption = NULL;
  g_autofree char *text = NULL;
  double fraction = 1.0;

  gtk_level_bar_set_value (self->nesting, p->lock_count);
  if (p->deepest == 0)
    caption = g_strdup (_("Nobody holds the lock yet"));
  else if (p->lock_count == 0)
    caption = g_strdup_printf (ngettext ("The worker has let go of the lock; it held it at most %u time at once",
                                         "The worker has let go of the lock; it held it at most %u times at once",
                                         p->deepest), p->deepest);
  else
    caption = g_strdup_printf (ngettext ("The worker holds the lock %u time (at most %u so far)",
                                         "The worker holds the lock %u times (at most %u so far)",
                                         p->lock_count), p->lock_count, p->deepest);
  gtk_label_set_text (self->nesting_label, caption);

  if (p->kind == RECURSIVE_REC_MUTEX)
    {
      fraction = p->n_folders ? (double) p->visited / p->n_folders : 0;
      /* Translators: progress of a walk through a tree of folders. */
      text = g_strdup_printf (_("%'u of %'u folders read"), p->visited, p->n_folders);
    }
  else if (p->second_lock == RECURSIVE_NOT_ASKED)
    {
      fraction = (double) (g_get_monotonic_time () - thaw_lesson_get_run_started_at (THAW_LESSON (self)))
                 / RECURSIVE_PLAIN_HOLD_US;
      text = g_strdup (p->finished ? _("Stopped before the second lock.") : _("Level 1 holds the mutex"));
    }
  else
    /* Translators: %s is what pthread_mutex_lock() returned, e.g. "EDEADLK". */
    text = g_strdup_printf (_("The second lock by its owner: %s"), error_name (p->second_lock));
  gtk_progress_bar_set_fraction (self->progress, CLAMP (fraction, 0.0, 1.0));
  thaw_paced_text_set (self->progress, "text", text, p->finished);

  if (p->finished)
    {
      finish_run (self, p);
      g_clear_pointer (&self->work, recursive_work_free);
    }
}

/* lesson.start and lesson.try-plain: a walk with either kind of mutex. */
static void
run_cb (GtkWidget  *widget,
        const char *action_name,
        GVariant   *parameter)
{
  ThawLessonRecursive *self = THAW_LESSON_RECURSIVE (widget);
  RecursiveKind kind = g_str_equal (action_name, "lesson.start") ? RECURSIVE_REC_MUTEX : RECURSIVE_PLAIN_MUTEX;
  guint levels = (guint) gtk_spin_button_get_value_as_int (self->levels);
  RecursiveProgress none = { .kind = kind, .n_folders = (1u << levels) - 1,
                             .second_lock = RECURSIVE_NOT_ASKED, .timed_lock = RECURSIVE_NOT_ASKED };
  g_autoptr(GError) error = NULL;

  thaw_lesson_begin_run (THAW_LESSON (self), kinds[kind].mode);
  gtk_level_bar_set_max_value (self->nesting, levels);
  worker_progress (&none, self);
  gtk_label_set_text (self->status, _(kinds[kind].status));

  self->work = recursive_work_start (kind, levels, kinds[kind].read_folder_us, worker_progress, self, &error);
  if (self->work == NULL)
    thaw_lesson_fail_start (THAW_LESSON (self), error);
}

/* ---- Lock It Twice: a real self-deadlock, in a child process -------- */

/* How long every thread of the child must sleep, with nothing said, to
 * count as hung; and how long it may run at all. */
#define CHILD_HANG_MS 1000
#define CHILD_LIMIT_MS 8000

static void
child_news (const ThawChildNews *news,
            gpointer             user_data)
{
  ThawLessonRecursive *self = user_data;

  thaw_lesson_child_show (&self->child_seen, self->child_report, news,
                          _("Every thread asleep, and none can wake the others: the locker waits for a mutex "
                            "that only it could let go, and the main thread waits for the locker. A "
                            "self-deadlock. Thaw ends it."));
  if (!news->ended)
    return;

  g_clear_pointer (&self->child, thaw_child_free);
  thaw_lesson_child_end_hung (THAW_LESSON (self), &self->child_seen, _("Self-deadlock, in a child process"),
                              _("The child hung, as a thread that locks a plain mutex twice does, and Thaw "
                                "ended it. Thaw itself never stopped."),
                              self->status);
}

/* lesson.lock-twice: the wrong way in earnest, in `thaw --wrong-way
 * recursive`, watched until it hangs. */
static void
lock_twice_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ThawLessonRecursive *self = THAW_LESSON_RECURSIVE (widget);

  self->child = thaw_lesson_child_start (THAW_LESSON (self), "child-lock-twice", "recursive",
                                         CHILD_HANG_MS, CHILD_LIMIT_MS, &self->child_seen, self->child_report,
                                         child_news, self);
  if (self->child != NULL)
    gtk_label_set_text (self->status, _("A child process locks a plain mutex twice; Thaw watches its threads…"));
}

static void
thaw_lesson_recursive_report (ThawLesson  *lesson,
                              JsonBuilder *builder)
{
  ThawLessonRecursive *self = THAW_LESSON_RECURSIVE (lesson);
  const RecursiveProgress *walk = &self->last[RECURSIVE_REC_MUTEX];
  const RecursiveProgress *plain = &self->last[RECURSIVE_PLAIN_MUTEX];
  const struct { const char *name; int value; } counts[] = {
    { "levels", gtk_spin_button_get_value_as_int (self->levels) },
    { "recursion_depth", walk->deepest },
    { "folders", walk->visited },
    { "total_kib", walk->total_kib },
  };

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    thaw_report_int (builder, counts[i].name, counts[i].value);
  /* What the plain mutex answered its owner at level 2. */
  thaw_report_string (builder, "plain_mutex_second_lock", error_name (plain->second_lock));
  thaw_report_string (builder, "plain_mutex_timed_lock", error_name (plain->timed_lock));
  thaw_report_double (builder, "plain_mutex_timed_lock_ms", plain->timed_lock_us / 1000.0);
  thaw_report_boolean (builder, "plain_mutex_would_deadlock", WOULD_DEADLOCK (plain));
  /* The child of lesson.lock-twice. */
  thaw_lesson_child_report (&self->child_seen, builder);
  thaw_recursive_scheduler_report (self->scheduler_view, builder);
}

static void
thaw_lesson_recursive_class_init (ThawLessonRecursiveClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  lesson_class->report = thaw_lesson_recursive_report;

  thaw_lesson_class_set_template (lesson_class, "recursive");
  thaw_lesson_class_set_work (lesson_class, G_STRUCT_OFFSET (ThawLessonRecursive, work),
                              (GDestroyNotify) recursive_work_stop, (GDestroyNotify) recursive_work_free);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonRecursive, levels);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonRecursive, progress);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonRecursive, nesting);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonRecursive, nesting_label);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonRecursive, status);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonRecursive, runs);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonRecursive, child_report);
  thaw_lesson_class_own (lesson_class, G_STRUCT_OFFSET (ThawLessonRecursive, child), (GDestroyNotify) thaw_child_free);

  thaw_lesson_class_add_boolean_knob (lesson_class, "recursive",
                                      G_STRUCT_OFFSET (ThawLessonRecursive, recursive_mutex), FALSE);
  g_type_ensure (THAW_TYPE_RECURSIVE_SCHEDULER);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonRecursive, scheduler_view);
  thaw_lesson_class_add_scheduler (lesson_class, G_STRUCT_OFFSET (ThawLessonRecursive, scheduler),
                                   &thaw_recursive_scheduler_class);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    thaw_lesson_class_install_run_action (lesson_class, kinds[i].action, run_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.lock-twice", lock_twice_cb);
}

static void
thaw_lesson_recursive_init (ThawLessonRecursive *self)
{
  self->last[RECURSIVE_PLAIN_MUTEX].second_lock = RECURSIVE_NOT_ASKED;
  self->last[RECURSIVE_PLAIN_MUTEX].timed_lock = RECURSIVE_NOT_ASKED;
  thaw_lesson_init_knobs (THAW_LESSON (self));
  gtk_widget_init_template (GTK_WIDGET (self));
  self->scheduler = thaw_recursive_scheduler_attach (self->scheduler_view, THAW_LESSON (self));
}
