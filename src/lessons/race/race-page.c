/* race-page.c — Lost updates: the page
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Puts race-work.c on screen: the buttons (in race-page.ui) start a series
 * of runs in one way to add, the threads' lanes fill the timeline, each way
 * has a row with its last total and time, and the runs without a lock are
 * counted into the histogram. Below them, "Be the Scheduler" (its buttons
 * in thaw-lesson-scheduler.c, its view in race-scheduler.c) lets the
 * learner step two threads by hand. Everything here runs on the main
 * thread.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "race-scheduler.h"
#include "race-work.h"
#include "thaw-bar-chart.h"
#include "thaw-lesson.h"
#include "thaw-thread-timeline.h"

#define N_BINS 12


G_DECLARE_FINAL_TYPE (ThawLessonRace, thaw_lesson_race, THAW, LESSON_RACE, ThawLesson)

/* The last measured run of one way to add, as its row shows it. */
typedef struct
{
  AdwActionRow *row;
  double ms;                   /* < 0 until measured */
  gboolean slow;
  guint expected, threads;
} WayResult;

struct _ThawLessonRace
{
  ThawLesson parent_instance;

  GtkWidget *knobs;
  ThawThreadTimeline *timeline_view;
  AdwActionRow *row_racy, *row_mutex, *row_atomic, *row_batches;
  ThawBarChart *histogram;
  GtkLabel *histogram_caption, *status;

  guint n_threads, increments;
  gboolean slow_motion;

  ThawTimeline *timeline;
  RaceWork *work;
  RaceWay way;                 /* of the series running or last run */
  guint expected;              /* of the same */

  /* For the report and the histogram. */
  guint last_total, last_threads, last_increments, n_runs;
  gboolean last_slow_motion;
  guint racy_totals[RACE_MANY_RUNS], n_racy, racy_expected;
  WayResult ways[RACE_N_WAYS];

  /* Be the Scheduler: the buttons, and the part of the page that shows the
   * stepped threads (race-scheduler.c). */
  ThawScheduler *scheduler;
  ThawRaceScheduler *scheduler_view;
};

G_DEFINE_FINAL_TYPE (ThawLessonRace, thaw_lesson_race, THAW_TYPE_LESSON)

/* Per way to add: its action, its name in reports and its row's title. */
static const struct
{
  const char *action, *id, *title;
} ways[RACE_N_WAYS] = {
  [RACE_NO_LOCK] = { "lesson.start", "racy", N_("Without a lock") },
  [RACE_WITH_MUTEX] = { "lesson.with-mutex", "mutex", N_("With a mutex per increment") },
  [RACE_WITH_ATOMIC_ADD] = { "lesson.with-atomic", "atomic", N_("With an atomic add") },
  [RACE_WITH_BATCHES] = { "lesson.with-batches", "batches", N_("With a mutex per batch") },
};

static void
show_way_result (ThawLessonRace *self,
                 guint           total)
{
  WayResult *result = &self->ways[self->way];
  g_autofree char *subtitle = NULL;

  if (total < self->expected)
    /* Translators: the total a counter reached, of the one expected, how
     * many additions were lost, and the time the threads spent adding. */
    subtitle = g_strdup_printf (ngettext ("%'u of %'u: %'u update lost · %.1f ms of adding",
                                          "%'u of %'u: %'u updates lost · %.1f ms of adding",
                                          self->expected - total),
                                total, self->expected, self->expected - total, result->ms);
  else
    /* Translators: the counter reached the total it should have. */
    subtitle = g_strdup_printf (_("%'u of %'u: exact · %.1f ms of adding"), total, self->expected, result->ms);

  if (result->slow)
    {
      g_autofree char *plain = g_steal_pointer (&subtitle);

      /* Translators: %s is the result of a run, e.g. "4,000,000 of
       * 4,000,000: exact · 612.0 ms of adding". */
      subtitle = g_strdup_printf (_("%s, in slow motion"), plain);
    }
  adw_action_row_set_subtitle (result->row, subtitle);
}

/* The histogram: the page counts the totals into bins from the lowest one
 * to the expected one, with a last bin of its own for the expected total,
 * so that "exact" is never mixed with "almost"; the chart draws them. */
static void
show_histogram (ThawLessonRace *self)
{
  double counts[N_BINS] = { 0 };
  ThawColor colors[N_BINS];
  const char *labels[N_BINS] = { NULL };
  g_autofree char *low_text = NULL, *expected_text = NULL, *caption = NULL;
  guint lowest = self->racy_expected, highest = self->racy_expected, exact = 0;
  double bin_width;

  for (guint i = 0; i < self->n_racy; i++)
    {
      lowest = MIN (lowest, self->racy_totals[i]);
      exact += self->racy_totals[i] >= self->racy_expected;
    }
  bin_width = highest > lowest ? (double) (highest - lowest) / (N_BINS - 1) : 1;
  for (guint i = 0; i < self->n_racy; i++)
    counts[self->racy_totals[i] >= self->racy_expected ? N_BINS - 1
           : MIN ((guint) ((self->racy_totals[i] - lowest) / bin_width), N_BINS - 2)]++;
  for (guint bin = 0; bin < N_BINS; bin++)
    colors[bin] = bin == N_BINS - 1 ? THAW_COLOR_ACCENT : THAW_COLOR_WARNING;

  low_text = g_strdup_printf ("%'u", lowest);
  /* Translators: a label under the histogram of totals; %'u is a number. */
  expected_text = g_strdup_printf (_("expected %'u"), self->racy_expected);
  labels[0] = low_text;
  if (lowest < self->racy_expected)
    labels[N_BINS - 1] = expected_text;
  thaw_bar_chart_set_bars (self->histogram, self->n_racy > 0 ? N_BINS : 0, counts, colors, labels);
  /* The expected total: a dashed line over its bin. */
  thaw_bar_chart_set_marker (self->histogram, N_BINS - 1);
  if (self->n_racy == 0)
    return;

  highest = 0;
  for (guint i = 0; i < self->n_racy; i++)
    highest = MAX (highest, self->racy_totals[i]);
  caption = g_strdup_printf (ngettext ("%u run without a lock: totals from %'u to %'u, expected %'u; %u exact.",
                                       "%u runs without a lock: totals from %'u to %'u, expected %'u; %u exact.",
                                       self->n_racy),
                             self->n_racy, MIN (lowest, highest), highest, self->racy_expected, exact);
  gtk_label_set_text (self->histogram_caption, caption);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->histogram),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, caption, -1);
}

/* Whether the mutex and the atomic add were last measured alike: at full
 * speed, with the same threads and increments. */
static gboolean
can_compare (const WayResult *a,
             const WayResult *b)
{
  return a->ms > 0 && b->ms > 0 && !a->slow && !b->slow &&
         a->threads == b->threads && a->expected == b->expected;
}

static void
finish_series (ThawLessonRace *self,
               const RaceNews *news)
{
  ThawRunState state = news->error != NULL ? THAW_RUN_FAILED
                     : news->stopped ? THAW_RUN_CANCELLED : THAW_RUN_SUCCEEDED;
  const WayResult *mutex = &self->ways[RACE_WITH_MUTEX], *atomic = &self->ways[RACE_WITH_ATOMIC_ADD];
  double span;
  g_autofree char *text = NULL;

  thaw_lesson_end_run (THAW_LESSON (self), state);
  if (state == THAW_RUN_FAILED)
    gtk_label_set_text (self->status, news->error->message);
  else if (state == THAW_RUN_CANCELLED)
    gtk_label_set_text (self->status, _("Stopped."));
  else if (self->way != RACE_NO_LOCK && can_compare (mutex, atomic))
    {
      /* Translators: %.1f is a measured ratio, e.g. "2.8". */
      text = g_strdup_printf (_("Exact, as it is every time. At full speed, the mutex per increment took %.1f× as long as the atomic add."),
                              mutex->ms / atomic->ms);
      gtk_label_set_text (self->status, text);
    }
  else if (self->way != RACE_NO_LOCK)
    gtk_label_set_text (self->status, _("Exact, as it is every time. Compare the times."));
  else if (self->last_total < self->expected)
    gtk_label_set_text (self->status, _("Updates were lost. Run it again: the total changes every time."));
  else
    gtk_label_set_text (self->status, _("No update was lost this time, by luck. Try more threads or more increments."));

  if (state == THAW_RUN_SUCCEEDED && self->way == RACE_NO_LOCK && self->n_runs > 1)
    {
      /* A series: how many of its runs lost updates, the histogram's
       * caption under it. */
      guint lossy = 0;
      g_autofree char *value = NULL;

      for (guint i = 0; i < self->n_racy; i++)
        lossy += self->racy_totals[i] < self->racy_expected;
      /* Translators: runs of a series that lost updates, e.g. "4 of 20 runs lost updates". */
      value = g_strdup_printf (ngettext ("%u of %u run lost updates", "%u of %u runs lost updates", self->n_racy),
                               lossy, self->n_racy);
      thaw_lesson_set_headline (THAW_LESSON (self), _(ways[self->way].title), value,
                                gtk_label_get_text (self->histogram_caption));
    }
  else if (state == THAW_RUN_SUCCEEDED)
    {
      guint lost = self->expected - MIN (self->last_total, self->expected);
      g_autofree char *value = g_strdup_printf (ngettext ("%'u update lost", "%'u updates lost", lost), lost);

      thaw_lesson_set_headline (THAW_LESSON (self), _(ways[self->way].title), value,
                                adw_action_row_get_subtitle (self->ways[self->way].row));
    }

  /* Let the timeline show the whole series, now that it has stopped moving. */
  span = thaw_lesson_get_run_seconds (THAW_LESSON (self));
  thaw_thread_timeline_set_span (self->timeline_view, MAX (span * 1.1, 0.002));
  gtk_widget_set_sensitive (self->knobs, TRUE);
  g_clear_pointer (&self->work, race_work_free);
}

/* The conductor's news, delivered on the main thread. */
static void
series_news (const RaceNews *news,
             gpointer        user_data)
{
  ThawLessonRace *self = user_data;
  WayResult *result = &self->ways[self->way];

  if (self->way == RACE_NO_LOCK)
    {
      memcpy (self->racy_totals, news->totals, news->n_done * sizeof (guint));
      self->n_racy = news->n_done;
      self->racy_expected = self->expected;
      show_histogram (self);
    }
  if (news->n_done > 0)
    {
      self->last_total = news->totals[news->n_done - 1];
      self->n_runs = news->n_done;
      *result = (WayResult) { result->row, news->last_adding_us / 1000.0, self->last_slow_motion,
                              self->expected, self->last_threads };
      show_way_result (self, self->last_total);
    }
  if (news->finished)
    finish_series (self, news);
}

/* Every run action: which way to add, and how many runs, from its name. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonRace *self = THAW_LESSON_RACE (widget);
  gboolean many = g_str_equal (action_name, "lesson.run-many");
  guint n_runs = many ? RACE_MANY_RUNS : 1;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;

  self->way = RACE_NO_LOCK;
  for (guint i = 0; i < RACE_N_WAYS; i++)
    if (g_str_equal (action_name, ways[i].action))
      self->way = i;

  /* A new picture: one lane per adder. */
  thaw_timeline_clear (self->timeline);
  for (guint i = 0; i < self->n_threads; i++)
    {
      /* Translators: the name of a lane of the thread timeline. */
      g_autofree char *name = g_strdup_printf (_("thread %u"), i + 1);

      thaw_timeline_add_lane (self->timeline, name);
    }

  self->expected = self->n_threads * self->increments;
  self->last_threads = self->n_threads;
  self->last_increments = self->increments;
  /* Twenty runs in slow motion would take forty seconds: they go at full
   * speed, always. */
  self->last_slow_motion = self->slow_motion && !many;
  if (self->last_slow_motion)
    thaw_thread_timeline_set_span (self->timeline_view,
                                   RACE_ROUNDS * RACE_SLOW_ROUND_US * 1.15 / G_USEC_PER_SEC);
  thaw_lesson_begin_run (THAW_LESSON (self), ways[self->way].id);
  gtk_widget_set_sensitive (self->knobs, FALSE);

  if (many)
    /* Translators: %u is a number of runs, e.g. 20; %s is a way to add, e.g. "Without a lock". */
    status = g_strdup_printf (ngettext ("%2$s: %1$u run…", "%2$s: %1$u runs…", n_runs),
                              n_runs, _(ways[self->way].title));
  else
    status = g_strdup_printf ("%s…", _(ways[self->way].title));
  gtk_label_set_text (self->status, status);

  self->work = race_work_start (self->way, self->n_threads, self->increments, n_runs,
                                self->last_slow_motion, self->timeline, series_news, self, &error);
  if (self->work == NULL)
    {
      thaw_lesson_fail_start (THAW_LESSON (self), error);
      gtk_widget_set_sensitive (self->knobs, TRUE);
    }
}

static void
add_member (JsonBuilder *builder,
            const char  *name,
            gint64       value)
{
  thaw_report_int (builder, name, value);
}

static void
thaw_lesson_race_report (ThawLesson  *lesson,
                         JsonBuilder *builder)
{
  ThawLessonRace *self = THAW_LESSON_RACE (lesson);
  guint lowest = G_MAXUINT, highest = 0;

  thaw_report_string (builder, "variant", ways[self->way].id);
  add_member (builder, "threads", self->last_threads);
  add_member (builder, "increments", self->last_increments);
  add_member (builder, "expected", (gint64) self->last_threads * self->last_increments);
  /* Only once a run has counted: before that there is no total, and no
   * update was lost. */
  if (self->n_runs > 0)
    {
      add_member (builder, "last_total", self->last_total);
      add_member (builder, "lost_updates", (gint64) self->last_threads * self->last_increments - self->last_total);
    }
  else
    {
      json_builder_set_member_name (builder, "last_total");
      json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "lost_updates");
      json_builder_add_null_value (builder);
    }
  add_member (builder, "series_runs", self->n_runs);
  thaw_report_boolean (builder, "slow_motion", self->last_slow_motion);

  /* The times the rows show: racy_ms, mutex_ms, atomic_ms, batches_ms. */
  for (guint i = 0; i < RACE_N_WAYS; i++)
    if (self->ways[i].ms >= 0)
      {
        g_autofree char *name = g_strconcat (ways[i].id, "_ms", NULL);

        thaw_report_double (builder, name, self->ways[i].ms);
      }

  /* The histogram's runs without a lock. */
  for (guint i = 0; i < self->n_racy; i++)
    {
      lowest = MIN (lowest, self->racy_totals[i]);
      highest = MAX (highest, self->racy_totals[i]);
    }
  add_member (builder, "racy_runs", self->n_racy);
  if (self->n_racy > 0)
    {
      add_member (builder, "racy_min_total", lowest);
      add_member (builder, "racy_max_total", highest);
    }
  thaw_race_scheduler_report (self->scheduler_view, builder);
}

static void
thaw_lesson_race_class_init (ThawLessonRaceClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  lesson_class->report = thaw_lesson_race_report;

  thaw_lesson_class_add_uint_knob (lesson_class, "threads", G_STRUCT_OFFSET (ThawLessonRace, n_threads),
                                   2, RACE_MAX_THREADS, 4);
  thaw_lesson_class_add_uint_knob (lesson_class, "increments", G_STRUCT_OFFSET (ThawLessonRace, increments),
                                   1000, 10000000, 1000000);
  thaw_lesson_class_add_boolean_knob (lesson_class, "slow-motion", G_STRUCT_OFFSET (ThawLessonRace, slow_motion), TRUE);

  g_type_ensure (THAW_TYPE_RACE_SCHEDULER);
  thaw_lesson_class_set_template (lesson_class, "race");
  thaw_lesson_class_set_work (lesson_class, G_STRUCT_OFFSET (ThawLessonRace, work),
                              (GDestroyNotify) race_work_stop, (GDestroyNotify) race_work_free);
  thaw_lesson_class_own (lesson_class, G_STRUCT_OFFSET (ThawLessonRace, timeline),
                         (GDestroyNotify) thaw_timeline_unref);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonRace, knobs);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonRace, timeline_view);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonRace, row_racy);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonRace, row_mutex);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonRace, row_atomic);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonRace, row_batches);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonRace, histogram);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonRace, histogram_caption);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonRace, status);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonRace, scheduler_view);

  for (guint i = 0; i < RACE_N_WAYS; i++)
    thaw_lesson_class_install_run_action (lesson_class, ways[i].action, start_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.run-many", start_cb);
  thaw_lesson_class_add_scheduler (lesson_class, G_STRUCT_OFFSET (ThawLessonRace, scheduler),
                                   &thaw_race_scheduler_class);
}

static void
thaw_lesson_race_init (ThawLessonRace *self)
{
  thaw_lesson_init_knobs (THAW_LESSON (self));
  self->last_threads = 4;
  self->last_increments = 1000000;
  self->timeline = thaw_timeline_new (0);
  gtk_widget_init_template (GTK_WIDGET (self));
  thaw_thread_timeline_set_timeline (self->timeline_view, self->timeline);
  self->ways[RACE_NO_LOCK].row = self->row_racy;
  self->ways[RACE_WITH_MUTEX].row = self->row_mutex;
  self->ways[RACE_WITH_ATOMIC_ADD].row = self->row_atomic;
  self->ways[RACE_WITH_BATCHES].row = self->row_batches;
  for (guint i = 0; i < RACE_N_WAYS; i++)
    self->ways[i].ms = -1;

  self->scheduler = thaw_race_scheduler_attach (self->scheduler_view, THAW_LESSON (self));
}
