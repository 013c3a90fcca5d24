/* flood-page.c — A Flood of Updates: the page
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Puts flood-work.c on screen, a button (in flood-page.ui) for each way.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "flood-work.h"
#include "thaw-figure.h"
#include "thaw-lesson.h"
#include "thaw-paced-text.h"
#include "thaw-run-log.h"

G_DECLARE_FINAL_TYPE (ThawLessonFlood, thaw_lesson_flood, THAW, LESSON_FLOOD, ThawLesson)

static const struct { const char *action, *mode, *title, *status; } ways[] = {
  [FLOOD_ONE_IDLE_PER_UPDATE] = { "lesson.flood", "flood", N_("One idle per update"),
    N_("One idle callback per update. Watch the meter, and try to open the menu.") },
  [FLOOD_COALESCED] = { "lesson.start", "coalesced", N_("Coalesced"),
    N_("At most one delivery waits, at most one per frame; it shows the latest value.") },
  [FLOOD_PACED] = { "lesson.paced", "paced", N_("Paced to frames"),
    N_("The worker only stores the latest value; each frame reads it.") },
};

enum { FIGURE_SENT, FIGURE_PENDING, FIGURE_DISPATCHES, FIGURE_PENDING_MAX, N_FIGURES };
static const char *const figure_ids[N_FIGURES] = { "sent", "pending", "dispatches", "pending_max" };

struct _ThawLessonFlood
{
  ThawLesson parent_instance;

  ThawFigure *figures[N_FIGURES];
  GtkProgressBar *progress;
  GtkLabel *status;
  ThawRunLog *runs;

  FloodWork *work;          /* while the worker runs */
  guint tick_id;

  /* The last run, for --report. */
  FloodWay way;
  FloodCounters counters;
  guint shown;
};

G_DEFINE_FINAL_TYPE (ThawLessonFlood, thaw_lesson_flood, THAW_TYPE_LESSON)

static void
show_counters (ThawLessonFlood *self)
{
  const guint values[N_FIGURES] = { self->counters.sent, self->counters.pending,
                                    self->counters.dispatches, self->counters.pending_max };

  for (guint i = 0; i < N_FIGURES; i++)
    {
      g_autofree char *text = g_strdup_printf ("%'u", values[i]);

      thaw_figure_set_value (self->figures[i], text);
    }
}

/* Once per frame while a run goes on: it costs the main loop nothing. */
static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       data)
{
  ThawLessonFlood *self = THAW_LESSON_FLOOD (widget);
  gint64 frame_us = 0;

  if (self->work == NULL)
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }

  flood_work_get_counters (self->work, &self->counters);
  show_counters (self);
  if (self->counters.throttled > 0)
    {
      g_autofree char *text =
        g_strdup_printf (ngettext ("The main loop fell %'u callbacks behind, so the worker waited for it %'u time.",
                                   "The main loop fell %'u callbacks behind, so the worker waited for it %'u times.",
                                   self->counters.throttled),
                         FLOOD_MAX_PENDING, self->counters.throttled);
      gtk_label_set_text (self->status, text);
    }

  /* Last: a paced run may end here. */
  gdk_frame_clock_get_refresh_info (clock, gdk_frame_clock_get_frame_time (clock), &frame_us, NULL);
  flood_work_frame (self->work, (guint) frame_us);

  return G_SOURCE_CONTINUE;
}

/* Every update that reaches the main thread, whichever way it came, does
 * what a progress callback usually does: move a bar and print a number. */
static void
show_update (guint    value,
             gboolean finished,
             gpointer user_data)
{
  ThawLessonFlood *self = user_data;
  ThawLesson *lesson = THAW_LESSON (self);
  g_autofree char *text = NULL;
  g_autofree char *detail = NULL;
  gboolean stopped;

  self->shown = value;
  gtk_progress_bar_set_fraction (self->progress, (double) value / FLOOD_UPDATES);
  /* Translators: the progress bar of the flood lesson. */
  text = g_strdup_printf (_("%'u of %'u updates shown"), value, FLOOD_UPDATES);
  thaw_paced_text_set (self->progress, "text", text, finished);
  if (!finished)
    return;

  /* flood-work.c has joined the thread. Short of the whole: stopped. */
  stopped = value < FLOOD_UPDATES;
  flood_work_get_counters (self->work, &self->counters);
  g_clear_pointer (&self->work, flood_work_free);
  thaw_lesson_end_run (lesson, stopped ? THAW_RUN_CANCELLED : THAW_RUN_SUCCEEDED);
  show_counters (self);

  /* Translators: a finished run: its way, e.g. "Coalesced", then how many
   * updates the worker sent and how many idle callbacks the main loop ran. */
  g_free (text);
  text = g_strdup_printf (_("%s: %'u updates, %'u idle callbacks, %.1f s"),
                           _(ways[self->way].title), self->counters.sent,
                           self->counters.dispatches, thaw_lesson_get_run_seconds (lesson));
  /* Translators: a finished run: the most idle callbacks that waited on
   * the main loop at one time. */
  detail = g_strdup_printf (_("At most %'u pending"), self->counters.pending_max);
  thaw_lesson_log_run (lesson, self->runs, text, detail);
  gtk_label_set_text (self->status, stopped ? _("Stopped.") : _("Done."));
}

/* lesson.flood, lesson.start and lesson.paced: one way each. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonFlood *self = THAW_LESSON_FLOOD (widget);
  g_autoptr(GError) error = NULL;
  FloodWay way = FLOOD_ONE_IDLE_PER_UPDATE;

  while (!g_str_equal (ways[way].action, action_name))
    way++;

  self->way = way;
  self->counters = (FloodCounters) { 0 };
  thaw_lesson_begin_run (THAW_LESSON (self), ways[way].mode);
  show_update (0, FALSE, self);

  self->work = flood_work_start (way, FLOOD_UPDATES, FLOOD_MAX_PENDING, show_update, self, &error);
  if (self->work == NULL)
    {
      thaw_lesson_fail_start (THAW_LESSON (self), error);
      return;
    }
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (widget, tick_cb, NULL, NULL);
  gtk_label_set_text (self->status, _(ways[way].status));
}

static void
thaw_lesson_flood_report (ThawLesson  *lesson,
                          JsonBuilder *builder)
{
  ThawLessonFlood *self = THAW_LESSON_FLOOD (lesson);
  const struct { const char *name; const guint *value; } members[] = {
    { "updates", &self->counters.sent },
    { "shown", &self->shown },
    { "dispatches", &self->counters.dispatches },
    { "pending_max", &self->counters.pending_max },
    { "throttled", &self->counters.throttled },
  };

  if (self->work != NULL)
    flood_work_get_counters (self->work, &self->counters);

  thaw_report_string (builder, "mode", thaw_lesson_get_run_state (lesson) == THAW_RUN_IDLE
                                          ? "none" : ways[self->way].mode);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    thaw_report_int (builder, members[i].name, *members[i].value);
  thaw_report_double (builder, "max_wait_ms", thaw_run_log_get_last_wait_ms (self->runs));
}

static void
thaw_lesson_flood_class_init (ThawLessonFloodClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  lesson_class->report = thaw_lesson_flood_report;

  thaw_lesson_class_set_template (lesson_class, "flood");
  thaw_lesson_class_set_work (lesson_class, G_STRUCT_OFFSET (ThawLessonFlood, work),
                              (GDestroyNotify) flood_work_stop, (GDestroyNotify) flood_work_free);
  for (guint i = 0; i < N_FIGURES; i++)
    gtk_widget_class_bind_template_child_full (widget_class, figure_ids[i], FALSE,
                                               G_STRUCT_OFFSET (ThawLessonFlood, figures) + i * sizeof (ThawFigure *));
  gtk_widget_class_bind_template_child (widget_class, ThawLessonFlood, progress);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonFlood, status);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonFlood, runs);

  for (guint i = 0; i < G_N_ELEMENTS (ways); i++)
    thaw_lesson_class_install_run_action (lesson_class, ways[i].action, start_cb);
}

static void
thaw_lesson_flood_init (ThawLessonFlood *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
