/* pool-page.c — Thread Pools: the page
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Puts pool-work.c on screen: the buttons and knobs (pool-page.ui) run the
 * tasks one way or all three; the bars, lanes, lists and log show them
 * arrive, each way's row its tasks per second. All on the main thread.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "pool-work.h"
#include "thaw-lesson.h"
#include "thaw-row-tail.h"
#include "thaw-run-log.h"
#include "thaw-stalls.h"
#include "thaw-thread-timeline.h"

/* Each list shows its last rows, always this many (thaw-row-tail.c). */
#define N_ROWS 8

G_DECLARE_FINAL_TYPE (ThawLessonPool, thaw_lesson_pool, THAW, LESSON_POOL, ThawLesson)

/* For each way: its run action, its ids in reports, what the page says. */
static const struct { const char *action, *id, *key, *starting; } ways[POOL_N_WAYS] = {
  { "lesson.thread-per-task", "thread-per-task", "thread_per_task", N_("Starting a thread for each task…") },
  { "lesson.start", "pool", "pool", N_("Feeding the tasks to a pool of threads…") },
  { "lesson.gtask", "gtask", "gtask", N_("Running each task as a GTask on GLib’s pool…") },
};

/* The figures of each way's last run, as its report members. */
enum { TPS, SECONDS, RESULTS, DUPLICATES, WRONG, THREADS, IN_ORDER, N_FIGURES };
static const struct { const char *suffix; char kind; } figures[N_FIGURES] = {
  { "_tasks_per_second", 'd' }, { "_seconds", 'd' }, { "_results", 'i' }, { "_duplicates", 'i' },
  { "_wrong_results", 'i' }, { "_threads", 'i' }, { "_in_order", 'b' },
};

enum { VIEW_COMPLETED, VIEW_IN_ORDER, VIEW_LOG, N_VIEWS };

struct _ThawLessonPool
{
  ThawLesson parent_instance;

  AdwActionRow *way_rows[POOL_N_WAYS];
  GtkLevelBar *way_bars[POOL_N_WAYS];
  GtkColumnView *views[N_VIEWS];
  ThawRowTail *tails[N_VIEWS];
  GtkProgressBar *completed_bar, *in_order_bar;
  GtkAdjustment *threads_adjustment;
  GtkStack *stack;
  ThawThreadTimeline *lanes;
  GtkLabel *status, *rows_caption;
  ThawRunLog *runs;

  guint work_us, threads;       /* the knobs */
  gboolean waits;
  PoolWork *work;               /* while a run goes on */
  PoolWay way;
  gboolean any_run, comparing;
  PoolNews news;                /* the counts of the last news, for --report */
  guint log_lines;
  gboolean in_order;            /* the ordered list came in order so far */
  /* The lists get their newest rows four times a second: thousands of
   * results arrive a frame, and a list redrawn at every delivery would
   * cost the main loop more than a frame for rows nobody can read. */
  guint rows_id;
  gboolean measured[POOL_N_WAYS];
  double figures[POOL_N_WAYS][N_FIGURES];
};

G_DEFINE_FINAL_TYPE (ThawLessonPool, thaw_lesson_pool, THAW_TYPE_LESSON)

/* A row of a list: task, result, thread and time, or for the log the
 * thread, its id, the task and the time. */
static char *
format_row (guint             view,
            const PoolResult *result)
{
  /* Translators: how long a task took, in microseconds. */
  g_autofree char *time = g_strdup_printf (_("%.0f µs"), result->us);

  if (view == VIEW_LOG)
    return g_strdup_printf ("%s\t%ld\t%u\t%s", result->thread_name, result->tid, result->index, time);
  return g_strdup_printf ("%u\t%08x\t%s\t%s", result->index, result->fingerprint, result->thread_name, time);
}

/* Notes the newest rows of @view, to be shown at the next flush_rows(). */
static void
keep_rows (ThawLessonPool   *self,
           guint             view,
           const PoolResult *results,
           guint             n)
{
  for (guint i = n > N_ROWS ? n - N_ROWS : 0; i < n; i++)
    thaw_row_tail_add (self->tails[view], format_row (view, &results[i]));
}

static void
flush_rows (ThawLessonPool *self)
{
  g_clear_handle_id (&self->rows_id, g_source_remove);
  for (guint view = 0; view < N_VIEWS; view++)
    thaw_row_tail_flush (self->tails[view]);
}

static gboolean
flush_rows_cb (gpointer data)
{
  ThawLessonPool *self = data;
  guint scope = thaw_stalls_begin (THAW_STALL_NAME (flush_rows_cb));

  self->rows_id = 0;
  flush_rows (self);
  thaw_stalls_end (scope);
  return G_SOURCE_REMOVE;
}

static void
show_progress (ThawLessonPool *self)
{
  /* Translators: results of tasks received so far, in whatever order. */
  g_autofree char *completed = g_strdup_printf (_("As completed: %u of %u"), self->news.received, POOL_N_TASKS);
  /* Translators: results that can be shown in the order tasks were submitted. */
  g_autofree char *in_order = g_strdup_printf (_("In submission order: %u of %u"),
                                               self->news.shown_in_order, POOL_N_TASKS);

  g_object_set (self->completed_bar, "fraction", (double) self->news.received / POOL_N_TASKS, "text", completed, NULL);
  g_object_set (self->in_order_bar, "fraction", (double) self->news.shown_in_order / POOL_N_TASKS, "text", in_order, NULL);
}

static void start_way (ThawLessonPool *self, PoolWay way);

/* A run that did all its tasks: its figures, each way's row against the
 * fastest, the run log, and with Compare All Three the next way. */
static void
finish_measured_run (ThawLessonPool *self,
                     const PoolNews *news)
{
  double *f = self->figures[self->way], best = 0;
  g_autofree char *subtitle = NULL;

  thaw_lesson_end_run (THAW_LESSON (self), THAW_RUN_SUCCEEDED);
  f[SECONDS] = thaw_lesson_get_run_seconds (THAW_LESSON (self));
  f[TPS] = news->received / MAX (f[SECONDS], 1e-6);
  f[RESULTS] = news->received;
  f[DUPLICATES] = news->duplicates;
  f[WRONG] = news->wrong;
  f[THREADS] = news->threads;
  f[IN_ORDER] = self->in_order && news->shown_in_order == news->received;
  self->measured[self->way] = TRUE;
  gtk_label_set_text (self->status, f[IN_ORDER] ? _("Done. Every result arrived once, and the ordered list is in order.")
                                                 : _("Done, but the ordered list is out of order."));

  subtitle = g_strdup_printf (ngettext ("%.0f tasks per second · %.2f s · %u thread",
                                        "%.0f tasks per second · %.2f s · %u threads", news->threads),
                              f[TPS], f[SECONDS], news->threads);
  adw_action_row_set_subtitle (self->way_rows[self->way], subtitle);
  thaw_lesson_log_run (THAW_LESSON (self), self->runs, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->way_rows[self->way])),
                       subtitle);
  for (PoolWay way = 0; way < POOL_N_WAYS; way++)
    best = MAX (best, self->figures[way][TPS]);
  for (PoolWay way = 0; way < POOL_N_WAYS; way++)
    gtk_level_bar_set_value (self->way_bars[way], self->figures[way][TPS] / best);

  if (self->comparing && self->way + 1 < POOL_N_WAYS)
    start_way (self, self->way + 1);
}

/* The work's news, on the main thread; the last after our threads joined. */
static void
receive_news (const PoolNews *news,
              gpointer        user_data)
{
  ThawLessonPool *self = user_data;
  g_autoptr(PoolWork) work = NULL;
  g_autofree char *prefix = NULL, *error = NULL;

  /* The ordered list must read 0, 1, 2, … */
  for (guint i = 0; i < news->n_in_order; i++)
    self->in_order &= news->in_order[i].index == self->news.shown_in_order + i;
  self->news = *news;
  self->log_lines += news->n_logged;
  keep_rows (self, VIEW_COMPLETED, news->completed, news->n_completed);
  keep_rows (self, VIEW_IN_ORDER, news->in_order, news->n_in_order);
  keep_rows (self, VIEW_LOG, news->logged, news->n_logged);
  show_progress (self);
  if (!news->finished)
    {
      if (self->rows_id == 0)
        self->rows_id = g_timeout_add (250, flush_rows_cb, self);
      return;
    }

  flush_rows (self);

  work = g_steal_pointer (&self->work);
  if (news->error == NULL && !news->stopped)
    {
      finish_measured_run (self, news);
      return;
    }

  self->comparing = FALSE;
  thaw_lesson_end_run (THAW_LESSON (self), news->error != NULL ? THAW_RUN_FAILED : THAW_RUN_CANCELLED);
  if (news->error != NULL)
    {
      /* Translators: the error message follows. */
      prefix = g_strdup_printf (_("Could not start thread %u of %u: "), news->failed_thread, news->n_tasks);
      error = g_strconcat (news->failed_thread > 0 ? prefix : "", news->error->message, NULL);
    }
  gtk_label_set_text (self->status, error != NULL ? error : _("Stopped."));
}

static void
start_way (ThawLessonPool *self,
           PoolWay         way)
{
  g_autoptr(ThawTimeline) timeline = thaw_timeline_new (0);
  g_autoptr(GError) error = NULL;

  thaw_lesson_begin_run (THAW_LESSON (self), ways[way].id);
  self->way = way;
  self->any_run = TRUE;
  self->news = (PoolNews) { .way = way, .n_tasks = POOL_N_TASKS };
  self->in_order = TRUE;
  g_clear_handle_id (&self->rows_id, g_source_remove);
  for (guint view = 0; view < N_VIEWS; view++)
    thaw_row_tail_clear (self->tails[view]);
  show_progress (self);
  thaw_thread_timeline_set_timeline (self->lanes, timeline);
  gtk_label_set_text (self->status, _(ways[way].starting));

  self->work = pool_work_start (way, POOL_N_TASKS, self->work_us, self->waits, self->threads,
                                timeline, receive_news, self, &error);
  if (self->work == NULL)
    receive_news (&(PoolNews) { .way = way, .n_tasks = POOL_N_TASKS, .error = error, .finished = TRUE }, self);
}

/* lesson.start (the pool), lesson.thread-per-task, lesson.gtask, and
 * lesson.compare: the three ways, one after the other. */
static void
run_cb (GtkWidget  *widget,
        const char *action_name,
        GVariant   *parameter)
{
  ThawLessonPool *self = THAW_LESSON_POOL (widget);
  PoolWay way = POOL_THREAD_PER_TASK;

  for (PoolWay w = 0; w < POOL_N_WAYS; w++)
    if (g_str_equal (action_name, ways[w].action))
      way = w;
  self->comparing = g_str_equal (action_name, "lesson.compare");
  start_way (self, way);
}

static void
tab_toggled_cb (GtkToggleButton *tab,
                ThawLessonPool  *self)
{
  if (gtk_toggle_button_get_active (tab))
    gtk_stack_set_visible_child_name (self->stack, gtk_widget_get_name (GTK_WIDGET (tab)));
}

/* @kind: 'i'nt, 'd'ouble or 'b'oolean */
static void
add_member (JsonBuilder *builder,
            const char  *prefix,
            const char  *name,
            char         kind,
            double       value)
{
  g_autofree char *member = g_strconcat (prefix, name, NULL);

  json_builder_set_member_name (builder, member);
  if (kind == 'd')
    json_builder_add_double_value (builder, value);
  else if (kind == 'b')
    json_builder_add_boolean_value (builder, value != 0);
  else
    json_builder_add_int_value (builder, (gint64) value);
}

static void
thaw_lesson_pool_report (ThawLesson  *lesson,
                         JsonBuilder *builder)
{
  ThawLessonPool *self = THAW_LESSON_POOL (lesson);
  const struct { const char *name; guint value; } members[] = {
    { "tasks", POOL_N_TASKS }, { "results", self->news.received }, { "duplicates", self->news.duplicates },
    { "in_order_shown", self->news.shown_in_order }, { "log_lines", self->log_lines },
  };

  thaw_report_string (builder, "way", self->any_run ? ways[self->way].id : "none");
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    add_member (builder, "", members[i].name, 'i', members[i].value);
  for (PoolWay way = 0; way < POOL_N_WAYS; way++)
    for (guint i = 0; self->measured[way] && i < N_FIGURES; i++)
      add_member (builder, ways[way].key, figures[i].suffix, figures[i].kind, self->figures[way][i]);

  /* The figures of the last run that finished. */
  if (self->any_run && self->measured[self->way])
    {
      add_member (builder, "", "tasks_per_second", 'd', self->figures[self->way][TPS]);
      add_member (builder, "", "in_order", 'b', self->figures[self->way][IN_ORDER]);
    }
}

static void
thaw_lesson_pool_class_init (ThawLessonPoolClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);
  guint cores = g_get_num_processors ();
  const struct { const char *id; gsize offset; } children[] = {
#define CHILD(id, member) { id, G_STRUCT_OFFSET (ThawLessonPool, member) }
    CHILD ("way_row_0", way_rows[0]), CHILD ("way_row_1", way_rows[1]), CHILD ("way_row_2", way_rows[2]),
    CHILD ("way_bar_0", way_bars[0]), CHILD ("way_bar_1", way_bars[1]), CHILD ("way_bar_2", way_bars[2]),
    CHILD ("view_completed", views[VIEW_COMPLETED]), CHILD ("view_in_order", views[VIEW_IN_ORDER]),
    CHILD ("view_log", views[VIEW_LOG]), CHILD ("completed_bar", completed_bar),
    CHILD ("in_order_bar", in_order_bar), CHILD ("threads_adjustment", threads_adjustment),
    CHILD ("stack", stack), CHILD ("lanes", lanes), CHILD ("status", status), CHILD ("runs", runs),
    CHILD ("rows_caption", rows_caption),
#undef CHILD
  };

  lesson_class->report = thaw_lesson_pool_report;

  thaw_lesson_class_add_uint_knob (lesson_class, "work-us", G_STRUCT_OFFSET (ThawLessonPool, work_us),
                                   0, POOL_MAX_WORK_US, POOL_DEFAULT_WORK_US);
  thaw_lesson_class_add_boolean_knob (lesson_class, "waits", G_STRUCT_OFFSET (ThawLessonPool, waits), FALSE);
  thaw_lesson_class_add_uint_knob (lesson_class, "threads", G_STRUCT_OFFSET (ThawLessonPool, threads),
                                   1, 4 * cores, cores);

  thaw_lesson_class_set_template (lesson_class, "pool");
  thaw_lesson_class_set_work (lesson_class, G_STRUCT_OFFSET (ThawLessonPool, work),
                              (GDestroyNotify) pool_work_stop, (GDestroyNotify) pool_work_free);
  thaw_lesson_class_own_source (lesson_class, G_STRUCT_OFFSET (ThawLessonPool, rows_id));
  for (guint view = 0; view < N_VIEWS; view++)
    thaw_lesson_class_own (lesson_class, G_STRUCT_OFFSET (ThawLessonPool, tails) + view * sizeof (ThawRowTail *),
                           (GDestroyNotify) thaw_row_tail_free);
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    gtk_widget_class_bind_template_child_full (widget_class, children[i].id, FALSE, children[i].offset);
  gtk_widget_class_bind_template_callback (widget_class, tab_toggled_cb);

  for (PoolWay way = 0; way < POOL_N_WAYS; way++)
    thaw_lesson_class_install_run_action (lesson_class, ways[way].action, run_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.compare", run_cb);
}

static void
thaw_lesson_pool_init (ThawLessonPool *self)
{
  g_autoptr(ThawTimeline) empty = thaw_timeline_new (0);
  const char *offsets[] = { GTK_LEVEL_BAR_OFFSET_LOW, GTK_LEVEL_BAR_OFFSET_HIGH, GTK_LEVEL_BAR_OFFSET_FULL };

  thaw_lesson_init_knobs (THAW_LESSON (self));
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Up to four threads per core in the pool. */
  gtk_adjustment_set_upper (self->threads_adjustment, 4 * g_get_num_processors ());
  /* One colour for every way: the default offsets paint a slow one as a
   * warning. */
  for (guint i = 0; i < POOL_N_WAYS * G_N_ELEMENTS (offsets); i++)
    gtk_level_bar_remove_offset_value (self->way_bars[i / G_N_ELEMENTS (offsets)], offsets[i % G_N_ELEMENTS (offsets)]);
  /* The columns and their titles are in the template. */
  for (guint view = 0; view < N_VIEWS; view++)
    self->tails[view] = thaw_row_tail_new (self->views[view], N_ROWS);
  thaw_label_set_printf (self->rows_caption,
                         /* Translators: under the lists of results and the log. */
                         ngettext ("Each list shows its last row. With G_MESSAGES_DEBUG=Thaw the whole log goes to the terminal.",
                                   "Each list shows its last %u rows. With G_MESSAGES_DEBUG=Thaw the whole log goes to the terminal.",
                                   N_ROWS), N_ROWS);
  thaw_thread_timeline_set_span (self->lanes, 5);
  thaw_thread_timeline_set_states (self->lanes,
                                   1u << THAW_LANE_RUNNING | 1u << THAW_LANE_WAITING |
                                   1u << THAW_LANE_SLEEPING | 1u << THAW_LANE_FINISHED);
  thaw_thread_timeline_set_timeline (self->lanes, empty);
  show_progress (self);
}
