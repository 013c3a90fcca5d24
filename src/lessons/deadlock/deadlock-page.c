/* deadlock-page.c — Deadlock: the page; its widgets are in deadlock-page.ui
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "deadlock-scheduler.h"
#include "deadlock-work.h"
#include "thaw-child.h"
#include "thaw-lesson-child.h"
#include "thaw-lesson.h"
#include "thaw-palette.h"
#include "thaw-run-log.h"
#include "thaw-thread-timeline.h"

G_DECLARE_FINAL_TYPE (ThawLessonDeadlock, thaw_lesson_deadlock, THAW, LESSON_DEADLOCK, ThawLesson)

#define ORDER_ID(order) ((order) == DEADLOCK_ORDERED ? "ordered" : "opposite")
/* Translators: the names of the two threads; the arrow shows which way the
 * money goes between account 1 and account 2. */
static const char *const transfer_names[] = { N_("transfer 1→2"), N_("transfer 2→1") };
static const char *const account_names[] = { N_("account 1"), N_("account 2") };

struct _ThawLessonDeadlock
{
  ThawLesson parent_instance;

  GtkWidget *graph_area;
  GtkLabel *cycle_label;
  ThawThreadTimeline *lanes;
  GtkLabel *status;
  ThawRunLog *runs;
  GtkLabel *child_report;
  guint delay_ms;               /* the knob */
  DeadlockWork *work;           /* while the threads run */
  DeadlockOrder order;          /* of the last run */
  DeadlockNews news;            /* the latest: drawn, and for --report */
  guint deadlocks_detected, ordered_runs, ordered_deadlocks;

  /* Be the Scheduler: the buttons, and the part of the page that shows the
   * stepped transfers (deadlock-scheduler.c). */
  ThawScheduler *scheduler;
  ThawDeadlockScheduler *scheduler_view;
  gboolean same_order;          /* the knob: the stepped transfers' order */

  /* Without a Watchdog: the child process, and what it came to. */
  ThawChild *child;
  ThawLessonChild child_seen;
  gboolean child_stopped;       /* by Stop, before it was judged */
};

G_DEFINE_FINAL_TYPE (ThawLessonDeadlock, thaw_lesson_deadlock, THAW_TYPE_LESSON)

/* Whether the watchdog's chosen thread has let go: the cycle is history. */
static gboolean
cycle_undone (const DeadlockNews *news)
{
  return news->deadlocks > 0 && news->undone_at_ms > 0;
}

/* Whether the threads wait for each other in a circle now: red, from the
 * moment the graph closes until the watchdog's thread lets go. Following
 * "waits for" and "held by" from any thread leads back to it. */
gboolean
thaw_deadlock_cycle_stands (const DeadlockNews *news)
{
  if (cycle_undone (news))
    return FALSE;
  if (news->deadlocks > 0)
    return TRUE;

  for (int start = 0; start < DEADLOCK_N_TRANSFERS; start++)
    for (int step = 0, thread = start; step < DEADLOCK_N_TRANSFERS; step++)
      {
        int lock = news->waits_for[thread];

        if (lock == DEADLOCK_NOBODY || news->holder[lock] == DEADLOCK_NOBODY)
          break;
        thread = news->holder[lock];
        if (thread == start)
          return TRUE;
      }

  return FALSE;
}

/* No shared widget draws a graph (the names are labels in the template).
 * Once there is a cycle, every edge shown is in it (deadlock-work.c): red
 * while it stands, grey once undone. The page draws its run's graph, and
 * Be the Scheduler (deadlock-scheduler.c) its stepped transfers'. */
void
thaw_deadlock_draw_graph (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  const DeadlockNews *news = data;
  gboolean cycle = thaw_deadlock_cycle_stands (news);
  double thread_x[] = { width * 0.2, width * 0.8 }, lock_y[] = { height * 0.22, height * 0.78 };
  GdkRGBA fg, thread, edge;

  thaw_palette_get_foreground (GTK_WIDGET (area), 1, &fg);
  thaw_palette_get (cycle ? THAW_COLOR_ERROR : THAW_COLOR_ACCENT, &thread);
  thaw_palette_get_foreground (GTK_WIDGET (area), 0.4f, &edge);

  /* Edges first, nodes over them: a lock points at the thread holding it
   * (solid), a thread at the lock it waits for (dashed). */
  gdk_cairo_set_source_rgba (cr, cycle ? &thread : cycle_undone (news) ? &edge : &fg);
  cairo_set_line_width (cr, cycle ? 4 : cycle_undone (news) ? 2.5 : 1.5);
  for (int t = 0; t < DEADLOCK_N_TRANSFERS; t++)
    for (int a = 0; a < DEADLOCK_N_ACCOUNTS; a++)
      {
        gboolean held = news->holder[a] == t;
        double dx = (thread_x[t] - width / 2.0) * (held ? 1 : -1), dy = (height / 2.0 - lock_y[a]) * (held ? 1 : -1);
        double length = hypot (dx, dy) - 26;   /* it stops short of both nodes */

        if (!held && news->waits_for[t] != a)
          continue;
        cairo_save (cr);
        cairo_translate (cr, held ? width / 2.0 : thread_x[t], held ? lock_y[a] : height / 2.0);
        cairo_rotate (cr, atan2 (dy, dx));
        cairo_set_dash (cr, (double[]) { 6, 4 }, held ? 0 : 2, 0);
        cairo_move_to (cr, 26, 0);
        cairo_line_to (cr, length, 0);
        cairo_stroke (cr);
        cairo_move_to (cr, length, 0);
        cairo_rel_line_to (cr, -9, -4.35);
        cairo_rel_line_to (cr, 0, 8.7);
        cairo_fill (cr);
        cairo_restore (cr);
      }

  /* The locks are squares; the threads circles, dimmed once done. */
  cairo_set_line_width (cr, 1.5);
  for (int i = 0; i < 2; i++)
    {
      cairo_rectangle (cr, width / 2.0 - 18, lock_y[i] - 18, 36, 36);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.12);
      cairo_fill_preserve (cr);
      gdk_cairo_set_source_rgba (cr, &fg);
      cairo_stroke (cr);
      thread.alpha = news->done[i] ? 0.35f : 1;
      gdk_cairo_set_source_rgba (cr, &thread);
      cairo_arc (cr, thread_x[i], height / 2.0, 22, 0, 2 * G_PI);
      cairo_fill (cr);
    }
}

/* When the cycle was found and undone, in seconds since the run began,
 * over the graph; hidden until there is a cycle. */
static void
show_cycle_times (ThawLessonDeadlock *self, const DeadlockNews *news)
{
  g_autofree char *text = NULL;

  if (cycle_undone (news))
    /* Translators: over the wait-for graph after the watchdog broke a
     * deadlock; seconds since the run began, e.g. "Cycle found at 1.001 s,
     * undone at 1.002 s". */
    text = g_strdup_printf (_("Cycle found at %.3f s, undone at %.3f s"), news->found_at_ms / 1000,
                            news->undone_at_ms / 1000);
  else if (news->deadlocks > 0)
    /* Translators: over the wait-for graph while the watchdog breaks a
     * deadlock; seconds since the run began. */
    text = g_strdup_printf (_("Cycle found at %.3f s"), news->found_at_ms / 1000);
  gtk_label_set_text (self->cycle_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->cycle_label), text != NULL);
}

/* The graph in words, for a screen reader. */
GString *
thaw_deadlock_describe_graph (const DeadlockNews *news)
{
  GString *text = g_string_new (NULL);

  for (int t = 0; t < DEADLOCK_N_TRANSFERS; t++)
    for (int a = 0; a < DEADLOCK_N_ACCOUNTS; a++)
      if (news->holder[a] == t || news->waits_for[t] == a)
        g_string_append_printf (text, news->holder[a] == t
                                /* Translators: e.g. "transfer 1→2 holds account 1. " */
                                ? _("%s holds %s. ")
                                /* Translators: e.g. "transfer 1→2 waits for account 2. " */
                                : _("%s waits for %s. "), _(transfer_names[t]), _(account_names[a]));
  g_string_append (text, cycle_undone (news) ? _("They waited for each other in a cycle, a deadlock, until the watchdog undid it.")
                         : thaw_deadlock_cycle_stands (news) ? _("They wait for each other in a cycle: a deadlock.")
                         : text->len == 0 ? _("No thread holds or waits for a lock.") : "");
  return text;
}

/* The threads' news; the graph is also described in words. */
static void
receive_news (const DeadlockNews *news, gpointer user_data)
{
  ThawLessonDeadlock *self = user_data;
  gboolean detected = news->deadlocks > 0;
  g_autoptr(GString) text = thaw_deadlock_describe_graph (news);

  self->news = *news;
  show_cycle_times (self, news);
  if (detected)
    g_string_append_printf (text, " %s.", gtk_label_get_text (self->cycle_label));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->graph_area),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text->str, -1);
  gtk_widget_queue_draw (self->graph_area);
  if (detected && !news->finished)
    gtk_label_set_text (self->status, _("Deadlock! The watchdog found a cycle; one thread backs off…"));
  if (!news->finished)
    return;

  /* deadlock-work.c has joined every thread. */
  g_clear_pointer (&self->work, deadlock_work_free);
  thaw_lesson_end_run (THAW_LESSON (self), news->stopped ? THAW_RUN_CANCELLED : THAW_RUN_SUCCEEDED);
  self->deadlocks_detected += detected;
  self->ordered_runs += self->order == DEADLOCK_ORDERED;
  self->ordered_deadlocks += self->order == DEADLOCK_ORDERED && detected;
  gtk_label_set_text (self->status,
                      news->stopped ? _("Stopped.")
                      : detected ? _("The threads deadlocked. The watchdog found the cycle, one thread backed off, and both transfers went through.")
                      : self->order == DEADLOCK_ORDERED ? _("Same order, no cycle: one thread waited for the other, and both transfers went through.")
                      : _("No deadlock this time: one thread took both locks before the other began. Raise the delay."));

  g_autofree char *detail = detected
    /* Translators: times in milliseconds, and a count of transfers. */
    ? g_strdup_printf (_("Deadlock found %.0f ms after it formed and broken %.1f ms later; %u of 2 transfers done in %.0f ms."),
                       news->detect_ms, news->recover_ms - news->detect_ms, news->transfers_done, news->run_ms)
    /* Translators: the numbers are counts and a time in milliseconds. */
    : g_strdup_printf (_("No deadlock; %u of 2 transfers done in %.0f ms."), news->transfers_done, news->run_ms);
  thaw_lesson_log_run (THAW_LESSON (self), self->runs, self->order == DEADLOCK_OPPOSITE ? _("Opposite orders") : _("Same order"),
                       detail);
  if (!news->stopped)
    thaw_lesson_set_headline (THAW_LESSON (self),
                              self->order == DEADLOCK_OPPOSITE ? _("Opposite orders") : _("Same order"),
                              detected ? _("Deadlock, found and undone") : _("No deadlock"), detail);
}

/* ---- Without a Watchdog: a deadlock for good, in a child process ---- */

/* How long every thread of the child must sleep, with nothing said, to
 * count as hung; and how long it may run at all. */
#define CHILD_HANG_MS 1000
#define CHILD_LIMIT_MS 8000

static void
child_news (const ThawChildNews *news,
            gpointer             user_data)
{
  ThawLessonDeadlock *self = user_data;

  thaw_lesson_child_show (&self->child_seen, self->child_report, news,
                          _("Every thread asleep: each transfer holds one account and waits for the other's, and "
                            "the main thread waits for both. Nothing in the process can end it: no watchdog, no "
                            "timeout. Thaw ends the process."));
  if (!news->ended)
    return;

  g_clear_pointer (&self->child, thaw_child_free);
  if (self->child_stopped && !self->child_seen.hung)
    {
      thaw_lesson_end_run (THAW_LESSON (self), THAW_RUN_CANCELLED);
      gtk_label_set_text (self->status, _("Stopped: Thaw ended the child before it was judged."));
      return;
    }
  thaw_lesson_child_end_hung (THAW_LESSON (self), &self->child_seen, _("Deadlock for good, in a child process"),
                              _("Without a watchdog the deadlock lasts for ever: the child hung, and Thaw ended "
                                "it. Thaw itself never stopped."),
                              self->status);
}

/* lesson.no-watchdog: `thaw --wrong-way deadlock`, watched until it hangs. */
static void
no_watchdog_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ThawLessonDeadlock *self = THAW_LESSON_DEADLOCK (widget);

  self->child_stopped = FALSE;
  self->child = thaw_lesson_child_start (THAW_LESSON (self), "child-no-watchdog", "deadlock",
                                         CHILD_HANG_MS, CHILD_LIMIT_MS, &self->child_seen, self->child_report,
                                         child_news, self);
  if (self->child != NULL)
    gtk_label_set_text (self->status, _("A child process runs both transfers with plain locks and no watchdog; "
                                        "Thaw watches its threads…"));
}

/* lesson.start: opposite orders; lesson.ordered: the fix; lesson.stop:
 * every wait and nap looks at it, and the last news ends the run. */
static void
action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ThawLessonDeadlock *self = THAW_LESSON_DEADLOCK (widget);
  DeadlockOrder order = g_str_equal (action_name, "lesson.ordered") ? DEADLOCK_ORDERED : DEADLOCK_OPPOSITE;
  g_autoptr(ThawTimeline) timeline = thaw_timeline_new (0);
  g_autoptr(GError) error = NULL;

  if (g_str_equal (action_name, "lesson.stop"))
    {
      /* Enabled only while a run goes on: the threads here, or the child
       * of Without a Watchdog, which only a signal can end. */
      if (self->child != NULL)
        {
          self->child_stopped = TRUE;
          thaw_child_kill (self->child);
        }
      else
        deadlock_work_stop (self->work);
      gtk_label_set_text (self->status, _("Stopping…"));
      return;
    }

  thaw_lesson_begin_run (THAW_LESSON (self), ORDER_ID (order));
  self->order = order;
  deadlock_news_init (&self->news);
  show_cycle_times (self, &self->news);
  gtk_widget_queue_draw (self->graph_area);
  for (int t = 0; t < DEADLOCK_N_TRANSFERS; t++)
    thaw_timeline_add_lane (timeline, _(transfer_names[t]));
  /* Translators: the name of the thread that looks for deadlocks. */
  thaw_timeline_add_lane (timeline, _("watchdog"));
  thaw_thread_timeline_set_timeline (self->lanes, timeline);
  thaw_thread_timeline_set_span (self->lanes, MAX (2.5 * self->delay_ms / 1000.0 + 0.3, 1.0));

  self->work = deadlock_work_start (order, self->delay_ms, timeline, receive_news, self, &error);
  if (self->work == NULL)
    thaw_lesson_fail_start (THAW_LESSON (self), error);
  else
    gtk_label_set_text (self->status, order == DEADLOCK_OPPOSITE
                                      ? _("Each thread locks the account it pays from, then the other…")
                                      : _("Both threads lock account 1 first, then account 2…"));
}

static void
thaw_lesson_deadlock_report (ThawLesson *lesson, JsonBuilder *builder)
{
  ThawLessonDeadlock *self = THAW_LESSON_DEADLOCK (lesson);
  const DeadlockNews *news = &self->news;

  thaw_report_string (builder, "lock_order", ORDER_ID (self->order));
  thaw_report_boolean (builder, "detected_deadlock", news->deadlocks > 0);
  thaw_report_int (builder, "delay_ms", self->delay_ms);
  thaw_report_int (builder, "transfers_done", news->transfers_done);
  thaw_report_int (builder, "backoffs", news->backoffs);
  thaw_report_int (builder, "total_money", news->total_money);
  thaw_report_int (builder, "deadlocks_detected", self->deadlocks_detected);
  thaw_report_int (builder, "ordered_runs", self->ordered_runs);
  thaw_report_int (builder, "ordered_deadlocks", self->ordered_deadlocks);
  thaw_report_double (builder, "run_ms", news->run_ms);
  if (news->deadlocks > 0)   /* a deadlock's times: only when there was one */
    {
      thaw_report_double (builder, "detect_ms", news->detect_ms);
      thaw_report_double (builder, "recover_ms", news->recover_ms);
      thaw_report_double (builder, "found_at_ms", news->found_at_ms);
      if (news->undone_at_ms > 0)
        thaw_report_double (builder, "undone_at_ms", news->undone_at_ms);
    }
  thaw_lesson_child_report (&self->child_seen, builder);
  thaw_deadlock_scheduler_report (self->scheduler_view, builder);
}

static void
thaw_lesson_deadlock_class_init (ThawLessonDeadlockClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  lesson_class->report = thaw_lesson_deadlock_report;
  thaw_lesson_class_add_uint_knob (lesson_class, "delay-ms", G_STRUCT_OFFSET (ThawLessonDeadlock, delay_ms),
                                   0, DEADLOCK_MAX_DELAY_MS, DEADLOCK_DEFAULT_DELAY_MS);

  thaw_lesson_class_add_boolean_knob (lesson_class, "same-order", G_STRUCT_OFFSET (ThawLessonDeadlock, same_order),
                                      FALSE);
  g_type_ensure (THAW_TYPE_DEADLOCK_SCHEDULER);
  thaw_lesson_class_set_template (lesson_class, "deadlock");
  thaw_lesson_class_set_work (lesson_class, G_STRUCT_OFFSET (ThawLessonDeadlock, work),
                              NULL, (GDestroyNotify) deadlock_work_free);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonDeadlock, graph_area);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonDeadlock, cycle_label);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonDeadlock, lanes);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonDeadlock, status);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonDeadlock, runs);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonDeadlock, child_report);
  thaw_lesson_class_own (lesson_class, G_STRUCT_OFFSET (ThawLessonDeadlock, child), (GDestroyNotify) thaw_child_free);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonDeadlock, scheduler_view);
  thaw_lesson_class_add_scheduler (lesson_class, G_STRUCT_OFFSET (ThawLessonDeadlock, scheduler),
                                   &thaw_deadlock_scheduler_class);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.start", action_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.ordered", action_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.no-watchdog", no_watchdog_cb);
  gtk_widget_class_install_action (widget_class, "lesson.stop", NULL, action_cb);
}

static void
thaw_lesson_deadlock_init (ThawLessonDeadlock *self)
{
  thaw_lesson_init_knobs (THAW_LESSON (self));
  deadlock_news_init (&self->news);
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->graph_area), thaw_deadlock_draw_graph, &self->news, NULL);
  self->scheduler = thaw_deadlock_scheduler_attach (self->scheduler_view, THAW_LESSON (self));
}
