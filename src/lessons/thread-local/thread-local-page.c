/* thread-local-page.c — Each Thread’s Own Value: the page
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Puts thread-local-work.c on screen: the buttons and the knob (in
 * thread-local-page.ui) start and stop the threads, one row per thread
 * shows its own counter and then its destroy notify. Everything here runs
 * on the main thread.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "thread-local-work.h"
#include "thaw-lesson.h"
#include "thaw-paced-text.h"
#include "thaw-text-row.h"

G_DECLARE_FINAL_TYPE (ThawLessonThreadLocal, thaw_lesson_thread_local, THAW, LESSON_THREAD_LOCAL, ThawLesson)

struct _ThawLessonThreadLocal
{
  ThawLesson parent_instance;

  GtkLabel *notifies_label;
  GtkListBox *thread_list;
  GtkLabel *status;

  /* The rows of the coming or the last run. */
  ThawTextRow *rows[TLS_MAX_THREADS];
  GtkLevelBar *bars[TLS_MAX_THREADS];

  guint n_threads;
  TlsWay way;           /* of the coming or the last run */
  TlsWork *work;        /* while the threads run */
  TlsNews news;         /* the latest news, for --report */
};

G_DEFINE_FINAL_TYPE (ThawLessonThreadLocal, thaw_lesson_thread_local, THAW_TYPE_LESSON)

/* The figure above the rows: the destroy notifies counted, or, the wrong
 * way, which has none, the reads that found another thread's value. */
static void
show_count (ThawLessonThreadLocal *self,
            const TlsNews         *news)
{
  if (news->way == TLS_WAY_SHARED_GLOBAL)
    thaw_label_set_printf (self->notifies_label,
                           /* Translators: reads of a thread's value; e.g. "12 of 40 reads found another thread's value". */
                           ngettext ("%u of %u read found another thread’s value",
                                     "%u of %u reads found another thread’s value", news->reads),
                           news->mixed, news->reads);
  else
    thaw_label_set_printf (self->notifies_label,
                           ngettext ("%u of %u destroy notify ran", "%u of %u destroy notifies ran", news->n_threads),
                           news->destroy_notifies, news->n_threads);
}

/* One row per thread of the coming run: its name, and a level bar for its
 * lines, which unlike a progress bar can be made narrow. */
static void
make_rows (ThawLessonThreadLocal *self,
           guint                  n_threads)
{
  thaw_list_box_remove_all (self->thread_list);

  for (guint i = 0; i < n_threads; i++)
    {
      /* Translators: the name of a worker thread, e.g. "Thread 3". */
      g_autofree char *title = g_strdup_printf (_("Thread %u"), i + 1);
      /* Translators: "%s" is the name of a thread, e.g. "Thread 3". */
      g_autofree char *bar_label = g_strdup_printf (_("Lines formatted by %s"), title);

      self->rows[i] = THAW_TEXT_ROW (thaw_text_row_new (title, _("Not started")));
      thaw_text_row_set_single_line (self->rows[i], TRUE);
      self->bars[i] = thaw_text_row_add_level_bar (self->rows[i], bar_label);
      gtk_list_box_append (self->thread_list, GTK_WIDGET (self->rows[i]));
    }

  show_count (self, &(TlsNews) { .n_threads = n_threads, .way = self->way });
}

/* Shows the news: the notifies counted, and each thread's own counter. */
static void
show_news (ThawLessonThreadLocal *self,
           const TlsNews         *news)
{
  self->news = *news;
  show_count (self, news);

  for (guint i = 0; i < news->n_threads; i++)
    {
      const TlsThreadNews *thread = &news->threads[i];
      g_autofree char *text = NULL;

      gtk_level_bar_set_value (self->bars[i], (double) thread->lines / thread->planned);
      if (news->way == TLS_WAY_SHARED_GLOBAL)
        /* Translators: "%s" is "Running" or "Exited", then the thread's reads
         * that found another thread's value of all its reads, e.g.
         * "Running · 12 of 40 reads found another thread's value". */
        text = g_strdup_printf (ngettext ("%s · %d of %d read found another thread’s value",
                                          "%s · %d of %d reads found another thread’s value",
                                          thread->lines),
                                thread->exited ? _("Exited") : _("Running"), thread->mixed, thread->lines);
      else if (thread->notifies == 0)
        text = g_strdup_printf (ngettext ("Running · its own counter: %d line",
                                          "Running · its own counter: %d lines",
                                          thread->lines),
                                thread->lines);
      else
        text = g_strdup_printf (ngettext ("Exited with %d line · its destroy notify ran %d µs after its function returned",
                                          "Exited with %d lines · its destroy notify ran %d µs after its function returned",
                                          thread->lines),
                                thread->lines, thread->notify_delay_us);
      /* Its counter changes at every delivery: read ten times a second. */
      thaw_paced_text_set (self->rows[i], "subtitle", text, news->finished);
    }
}

/* The threads' news, delivered on the main thread. */
static void
receive_news (const TlsNews *news,
              gpointer       user_data)
{
  ThawLessonThreadLocal *self = user_data;
  ThawLesson *lesson = THAW_LESSON (self);
  g_autoptr(TlsWork) work = NULL;
  gboolean stopped;

  show_news (self, news);
  if (!news->finished)
    return;

  /* Every thread has been joined: the run is over. (@news is the work's:
   * it stays valid until the end of this function.) */
  work = g_steal_pointer (&self->work);
  stopped = news->stopped;
  thaw_lesson_end_run (lesson, stopped ? THAW_RUN_CANCELLED : THAW_RUN_SUCCEEDED);
  if (news->way == TLS_WAY_SHARED_GLOBAL)
    {
      /* Translators: the mixed reads and all the reads, e.g. "12 of 40". */
      g_autofree char *value = g_strdup_printf (_("%u of %u"), news->mixed, news->reads);

      thaw_label_set_printf (self->status,
                             stopped
                             /* Translators: "%.2f" is seconds, then the mixed reads of all the reads. */
                             ? _("Stopped early after %.2f s. %u of %u reads found another thread’s value.")
                             /* Translators: "%.2f" is seconds, then the mixed reads of all the reads. */
                             : _("Done in %.2f s. %u of %u reads found another thread’s value: one global "
                                 "for every thread, and whoever wrote last wins."),
                             thaw_lesson_get_run_seconds (lesson), news->mixed, news->reads);
      thaw_lesson_set_headline (lesson, _("Reads that found another thread’s value"), value,
                                _("One global shared by every thread, where a GPrivate would keep one each"));
    }
  else
    thaw_label_set_printf (self->status, stopped ? _("Stopped early after %.2f s. The destroy notifies ran all the same.")
                                                 : _("Done in %.2f s. One destroy notify per thread, each on its own thread as it exited."),
                           thaw_lesson_get_run_seconds (lesson));
}

/* lesson.start: every thread with its own scratch; lesson.shared-global,
 * the wrong way: every thread with the same global. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonThreadLocal *self = THAW_LESSON_THREAD_LOCAL (widget);
  g_autoptr(GError) error = NULL;

  self->way = g_str_equal (action_name, "lesson.shared-global") ? TLS_WAY_SHARED_GLOBAL : TLS_WAY_PRIVATE;
  thaw_lesson_begin_run (THAW_LESSON (self), self->way == TLS_WAY_SHARED_GLOBAL ? "shared-global" : "threads");
  make_rows (self, self->n_threads);
  self->work = tls_work_start (self->way, self->n_threads, TLS_LESSON_FEWEST_LINES, TLS_LESSON_MOST_LINES,
                               TLS_LESSON_LINE_US, receive_news, self, &error);
  if (self->work == NULL)
    {
      thaw_lesson_fail_start (THAW_LESSON (self), error);
      return;
    }

  show_news (self, tls_work_get_news (self->work));
  gtk_label_set_text (self->status,
                      self->way == TLS_WAY_SHARED_GLOBAL
                      ? _("Each thread puts its scratch in one shared global and reads it back a moment later. Watch the count.")
                      : _("Each thread counts its lines in its own scratch, with no lock. Watch them exit."));
}

static void
add_array (JsonBuilder   *builder,
           const char    *name,
           const TlsNews *news,
           gsize          offset)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < news->n_threads; i++)
    json_builder_add_int_value (builder, G_STRUCT_MEMBER (int, &news->threads[i], offset));
  json_builder_end_array (builder);
}

static void
thaw_lesson_thread_local_report (ThawLesson  *lesson,
                                 JsonBuilder *builder)
{
  ThawLessonThreadLocal *self = THAW_LESSON_THREAD_LOCAL (lesson);
  const TlsNews *news = &self->news;
  int max_delay_us = 0;

  for (guint i = 0; i < news->n_threads; i++)
    if (news->threads[i].notifies > 0)
      max_delay_us = MAX (max_delay_us, news->threads[i].notify_delay_us);

  thaw_report_int (builder, "threads", news->n_threads);
  thaw_report_int (builder, "destroy_notifies", news->destroy_notifies);
  thaw_report_int (builder, "reads", news->reads);
  thaw_report_int (builder, "mixed", news->mixed);
  thaw_report_double (builder, "notify_delay_ms_max", max_delay_us / 1000.0);
  add_array (builder, "values", news, G_STRUCT_OFFSET (TlsThreadNews, lines));
  add_array (builder, "planned", news, G_STRUCT_OFFSET (TlsThreadNews, planned));
  add_array (builder, "notifies_per_thread", news, G_STRUCT_OFFSET (TlsThreadNews, notifies));
  add_array (builder, "mixed_per_thread", news, G_STRUCT_OFFSET (TlsThreadNews, mixed));
}

/* The rows of the coming run; a running one keeps its own. */
static void
threads_changed_cb (ThawLessonThreadLocal *self)
{
  if (self->work == NULL)
    make_rows (self, self->n_threads);
}

static void
thaw_lesson_thread_local_class_init (ThawLessonThreadLocalClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  lesson_class->report = thaw_lesson_thread_local_report;

  /* How many threads the next run starts, each with its own scratch. */
  thaw_lesson_class_add_uint_knob (lesson_class, "threads", G_STRUCT_OFFSET (ThawLessonThreadLocal, n_threads),
                                   TLS_MIN_THREADS, TLS_MAX_THREADS, TLS_DEFAULT_THREADS);

  thaw_lesson_class_set_template (lesson_class, "thread-local");
  thaw_lesson_class_set_work (lesson_class, G_STRUCT_OFFSET (ThawLessonThreadLocal, work),
                              (GDestroyNotify) tls_work_stop, (GDestroyNotify) tls_work_free);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonThreadLocal, notifies_label);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonThreadLocal, thread_list);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonThreadLocal, status);

  thaw_lesson_class_install_run_action (lesson_class, "lesson.start", start_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.shared-global", start_cb);
}

static void
thaw_lesson_thread_local_init (ThawLessonThreadLocal *self)
{
  thaw_lesson_init_knobs (THAW_LESSON (self));
  gtk_widget_init_template (GTK_WIDGET (self));
  make_rows (self, self->n_threads);
  g_signal_connect (self, "notify::threads", G_CALLBACK (threads_changed_cb), NULL);
}
