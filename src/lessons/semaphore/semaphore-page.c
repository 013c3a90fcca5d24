/* semaphore-page.c — At Most N at Once: the page
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Puts semaphore-work.c on screen: the buttons and knobs of
 * semaphore-page.ui run the jobs one way or the other, and the figures and
 * a lane per job show that never more than N run. Main thread only.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "semaphore-work.h"
#include "thaw-figure.h"
#include "thaw-lesson.h"
#include "thaw-run-log.h"
#include "thaw-thread-timeline.h"

G_DECLARE_FINAL_TYPE (ThawLessonSemaphore, thaw_lesson_semaphore, THAW, LESSON_SEMAPHORE, ThawLesson)

enum { FIGURE_RUNNING, FIGURE_MOST, FIGURE_THREADS, FIGURE_TIME, N_FIGURES };
static const char *const figure_ids[N_FIGURES] = { "running", "most", "threads", "time" };

static const char *const modes[] = { "semaphore", "pool", "no-limit" };   /* by SemaphoreWay */

struct _ThawLessonSemaphore
{
  ThawLesson parent_instance;

  ThawFigure *figures[N_FIGURES];
  ThawThreadTimeline *lanes;
  GtkLabel *status;
  ThawRunLog *runs;

  guint n_jobs, limit;      /* the knobs */
  SemaphoreWork *work;      /* while the jobs run */
  SemaphoreWay way;         /* of the last run */
  SemaphoreNews news;       /* the latest news, for --report */
};

G_DEFINE_FINAL_TYPE (ThawLessonSemaphore, thaw_lesson_semaphore, THAW_TYPE_LESSON)

/* Between runs, a lane for each job to come, still empty; job i records
 * on lane i. */
static void
show_new_lanes (ThawLessonSemaphore *self)
{
  g_autoptr(ThawTimeline) timeline = NULL;
  guint waves;

  if (self->work != NULL)
    return;

  timeline = thaw_timeline_new (0);
  for (guint i = 0; i < self->n_jobs; i++)
    {
      /* Translators: the name of a lane of the thread timeline: "Job 3". */
      g_autofree char *name = g_strdup_printf (_("Job %u"), i + 1);

      thaw_timeline_add_lane (timeline, name);
    }
  thaw_thread_timeline_set_timeline (self->lanes, timeline);

  /* The run takes about this long: the jobs go through in waves of N, or,
   * with no limit, all in one. */
  waves = self->way == SEMAPHORE_WAY_NO_LIMIT ? 1 : (self->n_jobs + self->limit - 1) / self->limit;
  thaw_thread_timeline_set_span (self->lanes, 1.5 * waves * SEMAPHORE_JOB_MS / 1000.0);
  {
    /* Translators: beside a graph of how many jobs run at each moment. */
    const char *name = _("Jobs running");
    /* Translators: at the dashed line on the graph of running jobs. */
    g_autofree char *limit = g_strdup_printf (_("limit %u"), self->limit);

    thaw_thread_timeline_set_strip (self->lanes, name, self->limit, self->limit, limit,
                                    1u << THAW_LANE_RUNNING);
  }
}

/* The figures, and where the run is, in words. */
static void
show_news (ThawLessonSemaphore *self,
           const SemaphoreNews *news)
{
  char *values[N_FIGURES] = {
    g_strdup_printf ("%u", news->running),
    /* Translators: the most jobs that ran at once, and the limit: "3 of 3". */
    g_strdup_printf (_("%u of %u"), news->max_running, news->limit),
    g_strdup_printf ("%u", news->threads_used),
    /* Translators: a duration in seconds. */
    news->finished ? g_strdup_printf (_("%.1f s"), thaw_lesson_get_run_seconds (THAW_LESSON (self))) : NULL,
  };
  g_autofree char *status = NULL;

  if (!news->finished)
    status = g_strdup_printf (ngettext ("%u of %u job done", "%u of %u jobs done", news->n_jobs),
                              news->done, news->n_jobs);
  else if (news->stopped)
    status = g_strdup_printf (_("Stopped after %u of %u jobs. At most %u ran at once."),
                              news->completed, news->n_jobs, news->max_running);
  else if (news->max_running > news->limit)
    /* Translators: the first "%u" is a number of jobs, the second how
     * many of them ran at the same time, the third the limit. */
    status = g_strdup_printf (_("All %u jobs done. %u ran at once, over the limit of %u: nothing "
                                "kept them out, and what the limit was for went over capacity."),
                              news->n_jobs, news->max_running, news->limit);
  else
    status = g_strdup_printf (_("All %u jobs done. At most %u ran at once, with a limit of %u."),
                              news->n_jobs, news->max_running, news->limit);

  self->news = *news;
  for (guint i = 0; i < N_FIGURES; i++)
    {
      thaw_figure_set_value (self->figures[i], values[i]);
      g_free (values[i]);
    }
  gtk_label_set_text (self->status, status);
}

/* The jobs' news, delivered on the main thread. */
static void
receive_news (const SemaphoreNews *news,
              gpointer             user_data)
{
  ThawLessonSemaphore *self = user_data;
  ThawLesson *lesson = THAW_LESSON (self);
  const char *way_name[] = { _("With a semaphore"), _("On a thread pool"), _("With no limit") };
  g_autofree char *title = NULL;
  g_autofree char *value = NULL;

  /* The last news: every thread has been joined, the run is over. */
  if (news->finished)
    thaw_lesson_end_run (lesson, news->stopped ? THAW_RUN_CANCELLED : THAW_RUN_SUCCEEDED);
  show_news (self, news);
  if (!news->finished)
    return;

  /* Translators: "%s" is how the jobs ran, e.g. "With a semaphore". */
  title = g_strdup_printf (_("%s: %.2f s"), way_name[self->way], thaw_lesson_get_run_seconds (lesson));
  thaw_lesson_log_run (lesson, self->runs, title, gtk_label_get_text (self->status));

  if (news->max_running > news->limit)
    /* Translators: how many jobs ran at once, past the limit: "12 at once, limit 3". */
    value = g_strdup_printf (_("%u at once, limit %u"), news->max_running, news->limit);
  else
    /* Translators: the most jobs that ran at once, e.g. "at most 3 at once". */
    value = g_strdup_printf (_("at most %u at once"), news->max_running);
  thaw_lesson_set_headline (lesson, title, value, gtk_label_get_text (self->status));
  g_clear_pointer (&self->work, semaphore_work_free);   /* last: @news is its */
}

/* lesson.start: a thread per job, and a semaphore lets N of them in;
 * lesson.start-pool: a pool of N threads, and no semaphore at all;
 * lesson.no-limit, the wrong way: a thread per job, and nothing else. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonSemaphore *self = THAW_LESSON_SEMAPHORE (widget);
  g_autoptr(GError) error = NULL;

  if (self->work != NULL)   /* one run at a time */
    return;

  if (g_str_equal (action_name, "lesson.start-pool"))
    self->way = SEMAPHORE_WAY_POOL;
  else if (g_str_equal (action_name, "lesson.no-limit"))
    self->way = SEMAPHORE_WAY_NO_LIMIT;
  else
    self->way = SEMAPHORE_WAY_SEMAPHORE;
  thaw_lesson_begin_run (THAW_LESSON (self), modes[self->way]);
  show_new_lanes (self);
  show_news (self, &(SemaphoreNews) { .n_jobs = self->n_jobs, .limit = self->limit });

  self->work = semaphore_work_start (self->way, self->n_jobs, self->limit, SEMAPHORE_JOB_MS,
                                     thaw_thread_timeline_get_timeline (self->lanes),
                                     receive_news, self, &error);
  if (self->work == NULL)
    thaw_lesson_fail_start (THAW_LESSON (self), error);
}

static void
thaw_lesson_semaphore_report (ThawLesson  *lesson,
                              JsonBuilder *builder)
{
  SemaphoreNews *news = &THAW_LESSON_SEMAPHORE (lesson)->news;
  const struct { const char *name; guint value; } members[] = {
    { "jobs", news->n_jobs },
    { "limit", news->limit },
    { "max_running", news->max_running },
    { "threads", news->threads_used },
    { "jobs_done", news->done },
  };

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    thaw_report_int (builder, members[i].name, members[i].value);
}

static void
thaw_lesson_semaphore_class_init (ThawLessonSemaphoreClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  lesson_class->report = thaw_lesson_semaphore_report;

  thaw_lesson_class_add_uint_knob (lesson_class, "jobs", G_STRUCT_OFFSET (ThawLessonSemaphore, n_jobs),
                                   1, 40, 12);
  thaw_lesson_class_add_uint_knob (lesson_class, "limit", G_STRUCT_OFFSET (ThawLessonSemaphore, limit),
                                   1, 8, 3);

  thaw_lesson_class_set_template (lesson_class, "semaphore");
  thaw_lesson_class_set_work (lesson_class, G_STRUCT_OFFSET (ThawLessonSemaphore, work),
                              (GDestroyNotify) semaphore_work_stop, (GDestroyNotify) semaphore_work_free);
  for (guint i = 0; i < N_FIGURES; i++)
    gtk_widget_class_bind_template_child_full (widget_class, figure_ids[i], FALSE,
                                               G_STRUCT_OFFSET (ThawLessonSemaphore, figures) + i * sizeof (ThawFigure *));
  gtk_widget_class_bind_template_child (widget_class, ThawLessonSemaphore, lanes);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonSemaphore, status);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonSemaphore, runs);

  thaw_lesson_class_install_run_action (lesson_class, "lesson.start", start_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.no-limit", start_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.start-pool", start_cb);
}

static void
thaw_lesson_semaphore_init (ThawLessonSemaphore *self)
{
  thaw_lesson_init_knobs (THAW_LESSON (self));
  gtk_widget_init_template (GTK_WIDGET (self));

  thaw_thread_timeline_set_states (self->lanes,
                                   1u << THAW_LANE_RUNNING | 1u << THAW_LANE_WAITING | 1u << THAW_LANE_FINISHED);
  g_signal_connect (self, "notify::jobs", G_CALLBACK (show_new_lanes), NULL);
  g_signal_connect (self, "notify::limit", G_CALLBACK (show_new_lanes), NULL);
  show_new_lanes (self);
}
