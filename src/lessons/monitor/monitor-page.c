/* monitor-page.c — A System Monitor: the page
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Puts monitor-work.c on screen; monitor-page.ui holds the widgets.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "monitor-work.h"
#include "thaw-lesson.h"
#include "thaw-sparkline.h"
#include "thaw-text-row.h"

G_DECLARE_FINAL_TYPE (ThawLessonMonitor, thaw_lesson_monitor, THAW, LESSON_MONITOR, ThawLesson)

struct _ThawLessonMonitor
{
  ThawLesson parent_instance;

  GtkLabel *status;
  GtkFlowBox *cores_box;
  GtkLabel *memory_label;
  ThawSparkline *memory_graph;
  GtkListBox *threads_list;
  GtkStringList *state_words;

  guint seconds;                /* the knob */
  MonitorWork *work;            /* while sampling */

  /* For --report, where "samples" is the heartbeat's: */
  guint snapshots, cores, threads_listed, load_workers;
  double memory_used;
  double blocked_ms;            /* the wrong way's: the main loop held */
  char *error;
};

G_DEFINE_FINAL_TYPE (ThawLessonMonitor, thaw_lesson_monitor, THAW_TYPE_LESSON)

/* The graphs keep a minute of samples. Their time axis is the run so far
 * ("fit-width"): the first samples already span the width, and only a run
 * longer than a minute scrolls. */
#define GRAPH_HISTORY 60

/* As /proc writes a thread's state; state_words, in monitor-page.ui, says it. */
static const char state_letters[] = "RSDTtZ";

/* A CPU's card, like the memory's in monitor-page.ui: a caption over its graph. */
static GtkWidget *
add_core_card (ThawLessonMonitor *self)
{
  GtkWidget *card = g_object_new (GTK_TYPE_BOX, "orientation", GTK_ORIENTATION_VERTICAL, "spacing", 4,
                                  "width-request", 140, "css-classes", (const char *[]) { "card", NULL }, NULL);
  GtkWidget *label = g_object_new (GTK_TYPE_LABEL, "xalign", 0.0f, "ellipsize", PANGO_ELLIPSIZE_END,
                                   "margin-top", 6, "margin-start", 8, "margin-end", 8,
                                   "css-classes", (const char *[]) { "caption", "numeric", NULL }, NULL);
  GtkWidget *graph = g_object_new (THAW_TYPE_SPARKLINE, "history", GRAPH_HISTORY, "fit-width", TRUE,
                                   "maximum", 1.0, "height-request", 36, "hexpand", TRUE,
                                   "margin-bottom", 8, "margin-start", 8, "margin-end", 8, NULL);

  gtk_accessible_update_relation (GTK_ACCESSIBLE (graph), GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (graph), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  /* Translators: the description of a CPU's graph, read by screen readers. */
                                  _("The share in use since sampling began, at most the last minute, one sample "
                                    "a second: empty at the bottom, full at the top, the newest sample on the right"), -1);
  gtk_box_append (GTK_BOX (card), label);
  gtk_box_append (GTK_BOX (card), graph);
  gtk_flow_box_append (self->cores_box, card);
  return label;
}

/* A row per thread. The rows stay from one sample to the next, and a sample
 * changes only the words that changed, adds the rows it needs and removes
 * the rest: new rows every second (AdwActionRows) held a frame for 20–30
 * ms here, and now a second's sample costs a label or two. The rows are
 * single-line (a thread's name is at most 15 bytes): the first sample's
 * list of wrapping rows held its frame for 15–30 ms. */
static void
show_threads (ThawLessonMonitor *self,
              GPtrArray         *threads)
{
  GtkListBoxRow *extra;

  for (guint i = 0; i < threads->len; i++)
    {
      ThawThreadInfo *info = g_ptr_array_index (threads, i);
      const char *letter = info->state != 0 ? g_utf8_strchr (state_letters, -1, info->state) : NULL;
      guint word = letter != NULL ? (guint) (letter - state_letters) : sizeof state_letters - 1;
      /* Translators: a thread's id and state, e.g. "Thread 4242 · sleeping". */
      g_autofree char *subtitle = g_strdup_printf (_("Thread %d · %s"), info->tid,
                                                   gtk_string_list_get_string (self->state_words, word));
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->threads_list, (int) i);

      if (row == NULL)
        {
          row = GTK_LIST_BOX_ROW (thaw_text_row_new (info->name, subtitle));
          thaw_text_row_set_single_line (THAW_TEXT_ROW (row), TRUE);
          gtk_list_box_append (self->threads_list, GTK_WIDGET (row));
        }
      else
        {
          thaw_text_row_set_title (THAW_TEXT_ROW (row), info->name);
          thaw_text_row_set_subtitle (THAW_TEXT_ROW (row), subtitle);
        }
    }
  while ((extra = gtk_list_box_get_row_at_index (self->threads_list, (int) threads->len)) != NULL)
    gtk_list_box_remove (self->threads_list, GTK_WIDGET (extra));
}

static void
show_snapshot (ThawLessonMonitor     *self,
               const MonitorSnapshot *snapshot)
{
  guint64 used_kb = snapshot->memory.total_kb - snapshot->memory.available_kb;
  g_autofree char *used = g_format_size (used_kb * 1024);
  g_autofree char *total = g_format_size (snapshot->memory.total_kb * 1024);
  /* Translators: memory in use, e.g. "Memory · 5.2 GB of 16.7 GB in use". */
  g_autofree char *memory_text = g_strdup_printf (_("Memory · %s of %s in use"), used, total);
  GtkWidget *extra;

  /* A card per CPU, made as the CPUs appear; one that went offline goes. */
  while ((extra = GTK_WIDGET (gtk_flow_box_get_child_at_index (self->cores_box, (int) snapshot->n_cores))) != NULL)
    gtk_flow_box_remove (self->cores_box, extra);
  for (guint i = 0; i < snapshot->n_cores; i++)
    {
      GtkFlowBoxChild *child = gtk_flow_box_get_child_at_index (self->cores_box, (int) i);
      GtkWidget *label = child ? gtk_widget_get_first_child (gtk_flow_box_child_get_child (child))
                               : add_core_card (self);
      double *usage = snapshot->core_usage;
      /* Translators: a CPU's number and how busy it was, e.g. "CPU 0 · 37 %". */
      g_autofree char *text = usage ? g_strdup_printf (_("CPU %d · %.0f %%"), snapshot->core_ids[i], 100 * usage[i])
                                    /* Translators: a CPU whose use is not known yet (one sample only). */
                                    : g_strdup_printf (_("CPU %d · …"), snapshot->core_ids[i]);

      gtk_label_set_text (GTK_LABEL (label), text);
      if (usage != NULL)
        thaw_sparkline_push (THAW_SPARKLINE (gtk_widget_get_next_sibling (label)), usage[i]);
    }

  self->memory_used = (double) used_kb / snapshot->memory.total_kb;
  gtk_label_set_text (self->memory_label, memory_text);
  thaw_sparkline_push (self->memory_graph, self->memory_used);

  show_threads (self, snapshot->threads);
  gtk_widget_set_visible (GTK_WIDGET (self->threads_list), snapshot->threads->len > 0);
  self->snapshots++;
  self->cores = snapshot->n_cores;
  self->threads_listed = snapshot->threads->len;
}

/* The news, on the main thread: every snapshot since the last, in order. */
static void
receive_news (const MonitorNews *news,
              gpointer           user_data)
{
  ThawLessonMonitor *self = user_data;
  guint n = self->snapshots + news->snapshots->len;
  g_autofree char *text = NULL;

  for (guint i = 0; i < news->snapshots->len; i++)
    show_snapshot (self, g_ptr_array_index (news->snapshots, i));
  if (news->error != NULL)   /* with the last news */
    {
      g_free (self->error);
      self->error = g_strdup (news->error->message);
    }
  self->load_workers = news->load_running;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.load", news->load_running == 0);

  if (self->error != NULL)
    text = g_strdup_printf (_("Sampling failed: %s"), self->error);
  else if (!news->finished)
    text = g_strdup_printf (ngettext ("%u sample so far, one a second.", "%u samples so far, one a second.", n), n);
  else if (news->stopped)
    text = g_strdup_printf (ngettext ("Stopped after %u sample.", "Stopped after %u samples.", n), n);
  else
    text = g_strdup_printf (ngettext ("Done: %u sample.", "Done: %u samples.", n), n);
  gtk_label_set_text (self->status, text);
  if (news->finished)   /* every thread has been joined: the run is over */
    {
      g_clear_pointer (&self->work, monitor_work_free);
      thaw_lesson_end_run (THAW_LESSON (self), self->error ? THAW_RUN_FAILED
                                              : news->stopped ? THAW_RUN_CANCELLED : THAW_RUN_SUCCEEDED);
    }
}

/* A run's graphs start empty: their time axis is this run's. */
static void
clear_graphs (ThawLessonMonitor *self)
{
  GtkFlowBoxChild *child;

  for (guint i = 0; (child = gtk_flow_box_get_child_at_index (self->cores_box, (int) i)) != NULL; i++)
    thaw_sparkline_clear (THAW_SPARKLINE (gtk_widget_get_last_child (gtk_flow_box_child_get_child (child))));
  thaw_sparkline_clear (self->memory_graph);
}

/* lesson.start samples for the chosen seconds, one sample now and one after
 * each; lesson.load may join a run, so it is not a run action. */
static void
action_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  ThawLessonMonitor *self = THAW_LESSON_MONITOR (widget);
  gboolean load = g_str_equal (action_name, "lesson.load");
  g_autoptr(GError) error = NULL;

  if (g_str_equal (action_name, "lesson.stop"))
    {
      monitor_work_stop (self->work);
      return;
    }
  if (self->work == NULL)
    {
      thaw_lesson_begin_run (THAW_LESSON (self), load ? "load" : "sample");
      clear_graphs (self);
      self->snapshots = 0;
      g_clear_pointer (&self->error, g_free);
      self->work = monitor_work_start (self->seconds + 1, MONITOR_INTERVAL_US, receive_news, self, &error);
    }
  if (self->work == NULL)
    thaw_lesson_fail_start (THAW_LESSON (self), error);
  else if (!load)
    gtk_label_set_text (self->status, _("Sampling once a second…"));
  else
    {
      gtk_widget_action_set_enabled (widget, "lesson.load", FALSE);
      /* The load's threads may fail to start; the sampling goes on. */
      if (!monitor_work_add_load (self->work, g_get_num_processors (), MONITOR_LOAD_US, &error))
        gtk_label_set_text (self->status, error->message);
    }
}

/* lesson.block, the wrong way: the samples taken here, on the main loop,
 * by a loop that sleeps between them (monitor_poll_on_this_thread()). */
static void
block_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonMonitor *self = THAW_LESSON_MONITOR (widget);
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  g_autofree char *text = NULL;
  gint64 started;

  thaw_lesson_begin_run (THAW_LESSON (self), "main-loop");
  clear_graphs (self);
  self->snapshots = 0;
  g_clear_pointer (&self->error, g_free);

  started = g_get_monotonic_time ();
  snapshots = monitor_poll_on_this_thread (self->seconds + 1, MONITOR_INTERVAL_US, &error);
  self->blocked_ms = (g_get_monotonic_time () - started) / 1000.0;
  if (snapshots == NULL)
    {
      thaw_lesson_fail_start (THAW_LESSON (self), error);
      return;
    }

  /* Only now can anything be drawn: every sample at once. */
  for (guint i = 0; i < snapshots->len; i++)
    show_snapshot (self, g_ptr_array_index (snapshots, i));
  thaw_lesson_end_run (THAW_LESSON (self), THAW_RUN_SUCCEEDED);

  /* Translators: a time in seconds, e.g. "3.0 s". */
  value = g_strdup_printf (_("%.1f s"), self->blocked_ms / 1000);
  thaw_lesson_set_headline (THAW_LESSON (self), _("Polled on the main loop: the window was frozen for"), value,
                            _("A sampler thread keeps the window free while it sleeps"));
  /* Translators: "%u" is a number of samples, "%.1f" seconds. */
  text = g_strdup_printf (ngettext ("%u sample, all drawn at once at the end: for %.1f s the main loop slept in "
                                    "g_usleep() between reads of /proc, and the window could neither draw nor answer.",
                                    "%u samples, all drawn at once at the end: for %.1f s the main loop slept in "
                                    "g_usleep() between reads of /proc, and the window could neither draw nor answer.",
                                    snapshots->len),
                          snapshots->len, self->blocked_ms / 1000);
  gtk_label_set_text (self->status, text);
}

static void
thaw_lesson_monitor_report (ThawLesson  *lesson,
                            JsonBuilder *builder)
{
  ThawLessonMonitor *self = THAW_LESSON_MONITOR (lesson);

  thaw_report_int (builder, "snapshots", self->snapshots);
  thaw_report_int (builder, "cores", self->cores);
  thaw_report_int (builder, "threads_listed", self->threads_listed);
  thaw_report_int (builder, "load_workers", self->load_workers);
  thaw_report_double (builder, "memory_used", self->memory_used);
  thaw_report_double (builder, "blocked_ms", self->blocked_ms);
  if (self->error != NULL)
    thaw_report_string (builder, "error", self->error);
}

static void
thaw_lesson_monitor_class_init (ThawLessonMonitorClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  lesson_class->report = thaw_lesson_monitor_report;
  thaw_lesson_class_add_uint_knob (lesson_class, "seconds", G_STRUCT_OFFSET (ThawLessonMonitor, seconds),
                                   1, MONITOR_MAX_SECONDS, MONITOR_DEFAULT_SECONDS);

  thaw_lesson_class_set_template (lesson_class, "monitor");
  thaw_lesson_class_set_work (lesson_class, G_STRUCT_OFFSET (ThawLessonMonitor, work),
                              NULL, (GDestroyNotify) monitor_work_free);
  thaw_lesson_class_own (lesson_class, G_STRUCT_OFFSET (ThawLessonMonitor, error), g_free);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonMonitor, status);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonMonitor, cores_box);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonMonitor, memory_label);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonMonitor, memory_graph);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonMonitor, threads_list);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonMonitor, state_words);

  thaw_lesson_class_install_run_action (lesson_class, "lesson.start", action_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.block", block_cb);
  gtk_widget_class_install_action (widget_class, "lesson.load", NULL, action_cb);
  gtk_widget_class_install_action (widget_class, "lesson.stop", NULL, action_cb);
}

static void
thaw_lesson_monitor_init (ThawLessonMonitor *self)
{
  thaw_lesson_init_knobs (THAW_LESSON (self));
  gtk_widget_init_template (GTK_WIDGET (self));
}
