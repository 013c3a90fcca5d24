/* queue-page.c — Producer and Consumer: the page
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Puts queue-work.c on screen: the buttons and the knobs (in
 * queue-page.ui) start, steer and stop the two threads, the right way or
 * one of the two wrong ones (no bound, no sentinel); the figures, the depth
 * graph and the lanes show what they do. Everything here runs on the main
 * thread.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "queue-work.h"
#include "thaw-figure.h"
#include "thaw-lesson.h"
#include "thaw-run-log.h"
#include "thaw-thread-timeline.h"

/* The queue's depth, under the lanes: a sample every 50 ms. */
#define SAMPLE_MS 50

G_DECLARE_FINAL_TYPE (ThawLessonQueue, thaw_lesson_queue, THAW, LESSON_QUEUE, ThawLesson)

enum { FIGURE_PRODUCED, FIGURE_CONSUMED, FIGURE_DEEPEST, FIGURE_MEMORY, FIGURE_PRODUCER_WAITS,
       FIGURE_CONSUMER_WAITS, FIGURE_LONGEST_WAIT, FIGURE_CONSUMER_WAIT, N_FIGURES };
static const char *const figure_ids[N_FIGURES] = {
  "produced", "consumed", "deepest", "memory", "producer_waits", "consumer_waits", "longest_wait",
  "consumer_wait",
};

/* The report's job_mode of each QueueWay. */
static const char *const way_modes[] = {
  [QUEUE_BOUNDED] = "threads",
  [QUEUE_UNBOUNDED] = "unbounded",
  [QUEUE_NO_SENTINEL] = "no-sentinel",
};

struct _ThawLessonQueue
{
  ThawLesson parent_instance;

  AdwActionRow *producer_row;
  AdwActionRow *consumer_row;
  ThawFigure *figures[N_FIGURES];
  ThawThreadTimeline *lanes;
  GtkLabel *status;
  ThawRunLog *runs;

  guint capacity, producer_speed, consumer_speed;   /* the knobs */
  QueueWork *work;          /* while the threads run */
  gboolean stop_asked;      /* Stop was pressed during this run */
  guint sample_id;
  QueueNews news;           /* the latest news, for --report */
  guint n_rescues;          /* runs with no sentinel that only Stop ended */
};

G_DEFINE_FINAL_TYPE (ThawLessonQueue, thaw_lesson_queue, THAW_TYPE_LESSON)

/* A timeline with a lane for each side, named for the screen. */
static ThawTimeline *
new_timeline (void)
{
  ThawTimeline *timeline = thaw_timeline_new (0);

  /* Translators: the name of a lane of the thread timeline. */
  thaw_timeline_add_lane (timeline, _("Producer"));
  /* Translators: the name of a lane of the thread timeline. */
  thaw_timeline_add_lane (timeline, _("Consumer"));

  return timeline;
}

/* Under the lanes, on their time axis: how many items are in the queue.
 * Without a bound, the dashed line is where the right way would stop, and
 * the graph grows past it. */
static void
show_depth_strip (ThawLessonQueue *self,
                  guint            capacity,
                  gboolean         bounded)
{
  /* Translators: at the dashed line on the graph of the queue's depth. */
  g_autofree char *limit = bounded ? g_strdup_printf (_("capacity %u"), capacity)
                                   /* Translators: at the dashed line on the graph of the
                                    * queue's depth, when the run has no bound. */
                                   : g_strdup_printf (_("capacity %u, not enforced"), capacity);

  /* Translators: beside the graph of how many items wait in the queue. */
  thaw_thread_timeline_set_strip (self->lanes, _("In the queue"), capacity, capacity, limit, 0);
}

/* A wait in words: milliseconds while short, seconds once long. */
static char *
format_wait (double ms)
{
  if (ms < 1000)
    /* Translators: a duration in milliseconds. */
    return g_strdup_printf (_("%.0f ms"), ms);
  /* Translators: a duration in seconds, e.g. "3.2 s". */
  return g_strdup_printf (_("%.1f s"), ms / 1000);
}

static void
show_news (ThawLessonQueue *self,
           const QueueNews *news)
{
  g_autofree char *most = g_format_size (news->max_bytes_held);
  /* Translators: under the memory the queue holds now: the most it held. */
  g_autofree char *memory_detail = g_strdup_printf (_("at most %s"), most);
  char *values[N_FIGURES] = {
    g_strdup_printf ("%'u", news->produced),
    g_strdup_printf ("%'u", news->consumed),
    /* Translators: the deepest the queue got, and its capacity: "10 of 10". */
    g_strdup_printf (_("%u of %u"), news->max_depth, news->capacity),
    g_format_size (news->bytes_held),
    g_strdup_printf ("%u", news->waits[QUEUE_PRODUCER]),
    g_strdup_printf ("%u", news->waits[QUEUE_CONSUMER]),
    /* Translators: a duration in milliseconds. */
    g_strdup_printf (_("%.0f ms"), news->max_wait_ms),
    format_wait (news->consumer_wait_ms),
  };

  self->news = *news;
  for (guint i = 0; i < N_FIGURES; i++)
    {
      thaw_figure_set_value (self->figures[i], values[i]);
      g_free (values[i]);
    }
  thaw_figure_set_detail (self->figures[FIGURE_MEMORY], memory_detail);
}

static gboolean
sample_depth_cb (gpointer data)
{
  ThawLessonQueue *self = data;

  thaw_thread_timeline_push_strip (self->lanes, queue_work_get_depth (self->work));
  return G_SOURCE_CONTINUE;
}

/* The wrong way with no sentinel, while the consumer waits for an item
 * after the producer has gone: the wait, as the consumer measures it. */
static void
show_waiting_for_nothing (ThawLessonQueue *self,
                          const QueueNews *news)
{
  g_autofree char *value = format_wait (news->consumer_wait_ms);

  /* Above the fold, and growing: the wrong way's result is a wait. */
  thaw_lesson_set_headline (THAW_LESSON (self), _("The consumer waits for an item that never comes"), value,
                            _("No sentinel: only Stop can end this run"));
  /* Translators: "%.1f" is a time in seconds. */
  thaw_label_set_printf (self->status, _("The producer is done and sent no sentinel: the consumer has "
                                         "waited %.1f s since the last item; nothing will ever come. "
                                         "Only Stop ends this run."),
                         news->consumer_wait_ms / 1000);
}

/* The end of a run without a bound: how far the queue climbed, against
 * the capacity the right way keeps to. */
static char *
end_unbounded (ThawLessonQueue *self,
               const QueueNews *news,
               double           seconds)
{
  g_autofree char *most = g_format_size (news->max_bytes_held);
  g_autofree char *value = NULL;
  g_autofree char *detail = NULL;
  double times = (double) news->max_depth / news->capacity;

  /* Translators: the deepest an unbounded queue got, in items and in
   * memory, e.g. "67 items · 4.4 MB". */
  value = g_strdup_printf (_("%u items · %s"), news->max_depth, most);
  /* Translators: "%.1f×" is how many times the capacity, "%u" the capacity. */
  detail = g_strdup_printf (_("%.1f× the capacity of %u that the bounded queue keeps to"), times, news->capacity);
  thaw_lesson_set_headline (THAW_LESSON (self), _("Deepest the queue got, with no bound"), value, detail);

  /* Translators: "%.1f" is seconds; then the items and memory the queue
   * held at most, how many times the capacity, the capacity, and the
   * counts of the run. */
  return g_strdup_printf (_("Done in %.1f s with no bound: the queue climbed to %u items holding %s, "
                            "%.1f times the capacity of %u, and would have gone on for as long as the "
                            "producer ran ahead. %u produced, %u consumed."),
                          seconds, news->max_depth, most, times, news->capacity,
                          news->produced, news->consumed);
}

/* The end of a run with no sentinel: Stop, the only way out. */
static char *
end_without_sentinel (ThawLessonQueue *self,
                      const QueueNews *news,
                      double           seconds)
{
  g_autofree char *value = NULL;

  self->n_rescues++;
  value = format_wait (news->consumer_wait_ms);
  thaw_lesson_set_headline (THAW_LESSON (self), _("The consumer waited for an item that never came"), value,
                            _("No sentinel: only Stop ended the run"));

  /* Translators: "%.1f" are seconds: the run's, then the consumer's last
   * wait; then the counts of the run. */
  return g_strdup_printf (_("Stopped after %.1f s. The consumer had waited %.1f s for an item that never "
                            "came: without the sentinel, only Stop could end the run. %u produced, %u "
                            "consumed."),
                          seconds, news->consumer_wait_ms / 1000, news->produced, news->consumed);
}

/* The threads' news, delivered on the main thread. */
static void
receive_news (const QueueNews *news,
              gpointer         user_data)
{
  ThawLessonQueue *self = user_data;
  ThawLesson *lesson = THAW_LESSON (self);
  g_autoptr(QueueWork) work = NULL;
  g_autofree char *status = NULL;
  g_autofree char *title = NULL;
  gboolean stopped;
  double seconds;

  show_news (self, news);
  if (!news->finished)
    {
      if (news->way == QUEUE_NO_SENTINEL && news->producer_done && !self->stop_asked &&
          news->consumed == news->produced && news->consumer_wait_ms > 0)
        show_waiting_for_nothing (self, news);
      return;
    }

  /* Both threads have been joined: the run is over. */
  work = g_steal_pointer (&self->work);
  stopped = news->stopped;
  g_clear_handle_id (&self->sample_id, g_source_remove);
  thaw_thread_timeline_push_strip (self->lanes, 0);
  thaw_lesson_end_run (lesson, stopped ? THAW_RUN_CANCELLED : THAW_RUN_SUCCEEDED);
  seconds = thaw_lesson_get_run_seconds (lesson);

  if (news->way == QUEUE_NO_SENTINEL)
    status = end_without_sentinel (self, news, seconds);
  else if (news->way == QUEUE_UNBOUNDED && !stopped)
    status = end_unbounded (self, news, seconds);
  else if (stopped)
    status = g_strdup_printf (_("Stopped after %.1f s: %u produced, %u consumed. "
                                "Every item in the queue was used before the sentinel."),
                              seconds, news->produced, news->consumed);
  else
    status = g_strdup_printf (_("Done in %.1f s: %u produced, %u consumed. "
                                "The sentinel came last and the consumer stopped."),
                              seconds, news->produced, news->consumed);
  gtk_label_set_text (self->status, status);

  if (news->way == QUEUE_UNBOUNDED)
    /* Translators: a finished run of the queue lesson without a bound, and its length. */
    title = g_strdup_printf (_("No bound: %.1f s"), seconds);
  else if (news->way == QUEUE_NO_SENTINEL)
    /* Translators: a finished run of the queue lesson without a sentinel, and its length. */
    title = g_strdup_printf (_("No sentinel: %.1f s"), seconds);
  else
    /* Translators: a finished run of the queue lesson: its capacity and length. */
    title = g_strdup_printf (_("Capacity %u: %.1f s"), news->capacity, seconds);
  thaw_lesson_log_run (lesson, self->runs, title, status);
}

/* lesson.start: a producer and a consumer, joined by a bounded queue;
 * lesson.unbounded and lesson.no-sentinel, the wrong ways: the same
 * threads without the bound, or without the sentinel. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonQueue *self = THAW_LESSON_QUEUE (widget);
  g_autoptr(ThawTimeline) timeline = new_timeline ();
  g_autoptr(GError) error = NULL;
  guint capacity = self->capacity;
  QueueWay way = QUEUE_BOUNDED;

  if (g_str_equal (action_name, "lesson.unbounded"))
    way = QUEUE_UNBOUNDED;
  else if (g_str_equal (action_name, "lesson.no-sentinel"))
    way = QUEUE_NO_SENTINEL;

  thaw_lesson_begin_run (THAW_LESSON (self), way_modes[way]);
  self->stop_asked = FALSE;
  show_news (self, &(QueueNews) { .way = way, .capacity = capacity });
  thaw_thread_timeline_set_timeline (self->lanes, timeline);
  show_depth_strip (self, capacity, way != QUEUE_UNBOUNDED);
  thaw_thread_timeline_push_strip (self->lanes, 0);
  /* The run takes about as long as the slower side needs for its items. */
  thaw_thread_timeline_set_span (self->lanes,
                                 1.1 * QUEUE_ITEMS_PER_RUN / MIN (self->producer_speed, self->consumer_speed));

  self->work = queue_work_start (way, QUEUE_ITEMS_PER_RUN, capacity,
                                 self->producer_speed, self->consumer_speed,
                                 timeline, receive_news, self, &error);
  if (self->work == NULL)
    {
      thaw_lesson_fail_start (THAW_LESSON (self), error);
      return;
    }

  self->sample_id = g_timeout_add (SAMPLE_MS, sample_depth_cb, self);
  if (way == QUEUE_UNBOUNDED)
    gtk_label_set_text (self->status, _("Producing and consuming with no bound: nothing holds the producer back…"));
  else if (way == QUEUE_NO_SENTINEL)
    gtk_label_set_text (self->status, _("Producing and consuming; at the end the producer will send no sentinel…"));
  else
    gtk_label_set_text (self->status, _("Producing and consuming…"));
}

/* lesson.stop: the producer stops and sends the sentinel; the consumer
 * finishes what is queued, and its last news ends the run. */
static void
stop_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonQueue *self = THAW_LESSON_QUEUE (widget);

  if (self->work == NULL)
    return;

  queue_work_stop (self->work);
  self->stop_asked = TRUE;
  if (self->news.way == QUEUE_NO_SENTINEL)
    gtk_label_set_text (self->status, _("Stopping: the consumer sees the stop flag at its next look…"));
  else
    gtk_label_set_text (self->status, _("Stopping: the consumer finishes the items still in the queue…"));
}

static void
thaw_lesson_queue_report (ThawLesson  *lesson,
                          JsonBuilder *builder)
{
  ThawLessonQueue *self = THAW_LESSON_QUEUE (lesson);
  const struct { const char *name; guint value; } members[] = {
    { "produced", self->news.produced },
    { "consumed", self->news.consumed },
    { "capacity", self->news.capacity },
    { "max_depth", self->news.max_depth },
    { "producer_waits", self->news.waits[QUEUE_PRODUCER] },
    { "consumer_waits", self->news.waits[QUEUE_CONSUMER] },
  };

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    thaw_report_int (builder, members[i].name, members[i].value);
  thaw_report_double (builder, "max_wait_ms", self->news.max_wait_ms);
  thaw_report_int (builder, "bytes_held", (gint64) self->news.bytes_held);
  thaw_report_int (builder, "max_bytes_held", (gint64) self->news.max_bytes_held);
  thaw_report_boolean (builder, "producer_done", self->news.producer_done);
  thaw_report_double (builder, "consumer_wait_ms", self->news.consumer_wait_ms);
  thaw_report_int (builder, "rescued_by_stop", self->n_rescues);
}

/* A run keeps its capacity; the threads read a new speed at their next
 * item. */
static void
speed_changed_cb (ThawLessonQueue *self,
                  GParamSpec      *pspec)
{
  if (self->work != NULL)
    {
      queue_work_set_speed (self->work, QUEUE_PRODUCER, self->producer_speed);
      queue_work_set_speed (self->work, QUEUE_CONSUMER, self->consumer_speed);
    }
}

static gboolean
speed_to_text (GBinding     *binding,
               const GValue *from,
               GValue       *to,
               gpointer      data)
{
  guint speed = g_value_get_uint (from);

  g_value_take_string (to, g_strdup_printf (ngettext ("%u item per second",
                                                      "%u items per second", speed),
                                            speed));
  return TRUE;
}

static void
thaw_lesson_queue_class_init (ThawLessonQueueClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  lesson_class->report = thaw_lesson_queue_report;

  thaw_lesson_class_add_uint_knob (lesson_class, "capacity", G_STRUCT_OFFSET (ThawLessonQueue, capacity),
                                   1, QUEUE_MAX_CAPACITY, QUEUE_DEFAULT_CAPACITY);
  thaw_lesson_class_add_uint_knob (lesson_class, "producer-speed", G_STRUCT_OFFSET (ThawLessonQueue, producer_speed),
                                   QUEUE_MIN_SPEED, QUEUE_MAX_SPEED, QUEUE_DEFAULT_PRODUCER_SPEED);
  thaw_lesson_class_add_uint_knob (lesson_class, "consumer-speed", G_STRUCT_OFFSET (ThawLessonQueue, consumer_speed),
                                   QUEUE_MIN_SPEED, QUEUE_MAX_SPEED, QUEUE_DEFAULT_CONSUMER_SPEED);

  thaw_lesson_class_set_template (lesson_class, "queue");
  thaw_lesson_class_set_work (lesson_class, G_STRUCT_OFFSET (ThawLessonQueue, work),
                              NULL, (GDestroyNotify) queue_work_free);
  thaw_lesson_class_own_source (lesson_class, G_STRUCT_OFFSET (ThawLessonQueue, sample_id));
  for (guint i = 0; i < N_FIGURES; i++)
    gtk_widget_class_bind_template_child_full (widget_class, figure_ids[i], FALSE,
                                               G_STRUCT_OFFSET (ThawLessonQueue, figures) + i * sizeof (ThawFigure *));
  gtk_widget_class_bind_template_child (widget_class, ThawLessonQueue, producer_row);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonQueue, consumer_row);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonQueue, lanes);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonQueue, status);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonQueue, runs);

  thaw_lesson_class_install_run_action (lesson_class, "lesson.start", start_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.unbounded", start_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.no-sentinel", start_cb);
  gtk_widget_class_install_action (widget_class, "lesson.stop", NULL, stop_cb);
}

static void
thaw_lesson_queue_init (ThawLessonQueue *self)
{
  g_autoptr(ThawTimeline) empty = new_timeline ();

  thaw_lesson_init_knobs (THAW_LESSON (self));
  self->news.capacity = QUEUE_DEFAULT_CAPACITY;
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The subtitles say the speeds: "120 items per second". */
  g_object_bind_property_full (self, "producer-speed", self->producer_row, "subtitle",
                               G_BINDING_SYNC_CREATE, speed_to_text, NULL, NULL, NULL);
  g_object_bind_property_full (self, "consumer-speed", self->consumer_row, "subtitle",
                               G_BINDING_SYNC_CREATE, speed_to_text, NULL, NULL, NULL);
  g_signal_connect (self, "notify::producer-speed", G_CALLBACK (speed_changed_cb), NULL);
  g_signal_connect (self, "notify::consumer-speed", G_CALLBACK (speed_changed_cb), NULL);
  thaw_thread_timeline_set_span (self->lanes, 5);
  thaw_thread_timeline_set_states (self->lanes,
                                   1u << THAW_LANE_RUNNING | 1u << THAW_LANE_WAITING | 1u << THAW_LANE_FINISHED);
  thaw_thread_timeline_set_timeline (self->lanes, empty);
  show_depth_strip (self, self->capacity, TRUE);
}
