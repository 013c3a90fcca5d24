/* signal-page.c — Waiting for a Signal: the page
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Puts signal-work.c on screen: the buttons and the knob (in
 * signal-page.ui) line the threads up, say Go, let one through or stop
 * them; the gate's line and one row per thread show where they are.
 * Everything here runs on the main thread.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "signal-scheduler.h"
#include "signal-work.h"
#include "thaw-lesson.h"
#include "thaw-paced-text.h"
#include "thaw-text-row.h"

/* lesson.start says Go this long after lining up, so that every thread is
 * asleep at the gate by then (and the learner sees them there). */
#define AUTO_GO_MS 600

G_DECLARE_FINAL_TYPE (ThawLessonSignal, thaw_lesson_signal, THAW, LESSON_SIGNAL, ThawLesson)

struct _ThawLessonSignal
{
  ThawLesson parent_instance;

  GtkLabel *gate_label;
  GtkButton *start_button;
  GtkButton *go_button;
  GtkListBox *thread_list;
  GtkLabel *status;
  ThawTextRow *rows[SIGNAL_MAX_THREADS];   /* of the coming or the last run */
  GtkLevelBar *bars[SIGNAL_MAX_THREADS];

  guint n_threads;
  SignalWork *work;     /* while the threads run */
  guint auto_go_id;     /* lesson.start's Go, or lesson.wait-if's ticket,
                         * still to come */
  SignalWait wait;      /* how the threads of the run wait */
  SignalNews news;      /* the latest news, for --report */

  /* Be the Scheduler: the buttons, and the part of the page that shows the
   * stepped waiter and signaller (signal-scheduler.c). */
  ThawScheduler *scheduler;
  ThawSignalScheduler *scheduler_view;
  gboolean flag;        /* the knob: the stepped threads use the flag */
};

G_DEFINE_FINAL_TYPE (ThawLessonSignal, thaw_lesson_signal, THAW_TYPE_LESSON)

/* One row per thread of the coming run: its name, its state, and its work
 * after the gate in a level bar, which unlike a progress bar can be narrow. */
static void
make_rows (ThawLessonSignal *self)
{
  thaw_list_box_remove_all (self->thread_list);

  for (guint i = 0; i < self->n_threads; i++)
    {
      /* Translators: the name of a worker thread, e.g. "Thread 3". */
      g_autofree char *title = g_strdup_printf (_("Thread %u"), i + 1);
      /* Translators: "%s" is the name of a thread, e.g. "Thread 3". */
      g_autofree char *bar_label = g_strdup_printf (_("Work of %s"), title);

      self->rows[i] = THAW_TEXT_ROW (thaw_text_row_new (title, _("Not started")));
      thaw_text_row_set_single_line (self->rows[i], TRUE);
      self->bars[i] = thaw_text_row_add_level_bar (self->rows[i], bar_label);
      gtk_list_box_append (self->thread_list, GTK_WIDGET (self->rows[i]));
    }
}

static char *
describe_runner (const SignalRunner *runner)
{
  double latency_ms = runner->latency_us / 1000.0;

  switch ((SignalRunnerState) runner->state)
    {
    case SIGNAL_RUNNER_STARTING:
      return g_strdup (_("Starting"));
    case SIGNAL_RUNNER_WAITING:
      return g_strdup_printf (ngettext ("Waiting at the gate · woken %d time",
                                        "Waiting at the gate · woken %d times",
                                        runner->wake_ups),
                              runner->wake_ups);
    case SIGNAL_RUNNER_RUNNING:
      /* Translators: how long after Go a waiting thread got going. */
      return g_strdup_printf (_("Running · through %.2f ms after the signal"), latency_ms);
    case SIGNAL_RUNNER_DONE:
      return g_strdup_printf (_("Done · through %.2f ms after the signal"), latency_ms);
    default:
      return g_strdup (_("Left without passing the gate"));
    }
}

/* Shows the news: the gate, and where each thread is. */
static void
show_news (ThawLessonSignal *self,
           const SignalNews *news)
{
  g_autofree char *gate_text = NULL;

  self->news = *news;
  if (news->gate_open)
    gate_text = g_strdup_printf (_("Gate open · %u of %u through · slowest %.2f ms after Go"),
                                 news->released, news->n_threads, news->max_latency_us / 1000.0);
  else
    gate_text = g_strdup_printf (_("Gate closed · %u waiting · %u through"), news->waiting, news->released);
  gtk_label_set_text (self->gate_label, gate_text);

  for (guint i = 0; i < news->n_threads; i++)
    {
      g_autofree char *text = describe_runner (&news->runners[i]);

      /* Its share of the work changes at every delivery: read ten times a
       * second. */
      thaw_paced_text_set (self->rows[i], "subtitle", text, news->finished);
      gtk_level_bar_set_value (self->bars[i], news->runners[i].work_permille / 1000.0);
    }
}

/* Go and Let One Through can be used while the threads wait at a closed
 * gate, and Go is then the next step: it takes the blue from Line Up and Go. */
static void
set_gate_closed (ThawLessonSignal *self,
                 gboolean          closed)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.go", closed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.let-one", closed);
  if (closed)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->start_button), "suggested-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->go_button), "suggested-action");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->go_button), "suggested-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->start_button), "suggested-action");
    }
  if (!closed)
    g_clear_handle_id (&self->auto_go_id, g_source_remove);
}

/* The wrong way's outcome, measured: how many went through on how few
 * tickets. */
static void
show_if_result (ThawLessonSignal *self,
                const SignalNews *news)
{
  guint through = news->tickets + news->without_ticket;
  g_autofree char *value = NULL;
  g_autofree char *text = NULL;

  /* Translators: "%u of %u" threads, e.g. "4 of 4". */
  value = g_strdup_printf (_("%u of %u"), through, news->n_threads);
  thaw_lesson_set_headline (THAW_LESSON (self), _("Through the gate on one ticket, with an if"), value,
                            _("A wake-up is a hint, not a promise: look again in a while loop"));
  /* Translators: the first "%u" is a number of threads, the second of
   * tickets, which also chooses the plural. */
  text = g_strdup_printf (ngettext ("%u threads went through on %u ticket. Each was woken, and the if took "
                                    "the wake-up for the ticket; a while would have looked again, and sent "
                                    "all but one back to sleep.",
                                    "%u threads went through on %u tickets. Each was woken, and the if took "
                                    "the wake-up for a ticket; a while would have looked again, and sent "
                                    "the others back to sleep.",
                                    news->tickets),
                          through, news->tickets);
  gtk_label_set_text (self->status, text);
}

/* The threads' news, delivered on the main thread. */
static void
receive_news (const SignalNews *news,
              gpointer          user_data)
{
  ThawLessonSignal *self = user_data;
  g_autoptr(SignalWork) work = NULL;
  gboolean stopped;

  show_news (self, news);
  if (!news->finished)
    return;

  /* Every thread has returned and been joined: the run is over. */
  work = g_steal_pointer (&self->work);
  stopped = news->stopped;
  set_gate_closed (self, FALSE);
  thaw_lesson_end_run (THAW_LESSON (self), stopped ? THAW_RUN_CANCELLED : THAW_RUN_SUCCEEDED);
  if (news->without_ticket > 0)
    show_if_result (self, news);
  else
    gtk_label_set_text (self->status, stopped ? _("Stopped. The threads still at the gate were woken to leave.")
                                              : _("Done. Every thread went through the gate once."));
}

static gboolean
auto_go_cb (gpointer data)
{
  ThawLessonSignal *self = data;

  self->auto_go_id = 0;
  gtk_widget_activate_action (GTK_WIDGET (self), "lesson.go", NULL);
  return G_SOURCE_REMOVE;
}

/* lesson.wait-if's one ticket, once every thread sleeps at the gate (a
 * thread still on its way would find the ticket before it sleeps, and
 * show nothing). */
static gboolean
auto_ticket_cb (gpointer data)
{
  ThawLessonSignal *self = data;

  if (signal_work_get_news (self->work)->waiting < self->n_threads)
    return G_SOURCE_CONTINUE;
  self->auto_go_id = 0;
  gtk_widget_activate_action (GTK_WIDGET (self), "lesson.let-one", NULL);
  return G_SOURCE_REMOVE;
}

/* lesson.line-up starts the threads, which wait at the closed gate;
 * lesson.start does too, and says Go by itself a moment later;
 * lesson.wait-if, the wrong way, lines up threads that wait with an if,
 * and lets one through a moment later. */
static void
line_up_cb (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  ThawLessonSignal *self = THAW_LESSON_SIGNAL (widget);
  gboolean and_go = g_str_equal (action_name, "lesson.start");
  gboolean with_if = g_str_equal (action_name, "lesson.wait-if");
  g_autoptr(GError) error = NULL;

  thaw_lesson_begin_run (THAW_LESSON (self), and_go ? "line-up-and-go" : with_if ? "wait-with-if" : "line-up");
  make_rows (self);
  self->wait = with_if ? SIGNAL_WAIT_IF : SIGNAL_WAIT_WHILE;
  self->work = signal_work_line_up (self->n_threads, self->wait, SIGNAL_LESSON_WORK_US,
                                    receive_news, self, &error);
  if (self->work == NULL)
    {
      thaw_lesson_fail_start (THAW_LESSON (self), error);
      return;
    }

  show_news (self, signal_work_get_news (self->work));
  set_gate_closed (self, TRUE);
  gtk_label_set_text (self->status,
                      and_go ? _("The threads are lining up. Go comes in a moment…")
                      : with_if ? _("The threads wait with an if. One ticket comes in a moment…")
                      : _("The threads are asleep at the gate, using no CPU. Say Go, or let one through."));
  /* Removed when the gate opens or the run ends, and in dispose. */
  if (and_go)
    self->auto_go_id = g_timeout_add (AUTO_GO_MS, auto_go_cb, self);
  else if (with_if)
    self->auto_go_id = g_timeout_add (AUTO_GO_MS, auto_ticket_cb, self);
}

/* lesson.let-one, lesson.go and lesson.stop: what the main thread tells the
 * threads at the gate (each action is enabled only while they are there). */
static void
gate_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonSignal *self = THAW_LESSON_SIGNAL (widget);
  gboolean go = g_str_equal (action_name, "lesson.go");

  if (g_str_equal (action_name, "lesson.let-one"))
    {
      signal_work_let_one (self->work);
      gtk_label_set_text (self->status,
                          self->wait == SIGNAL_WAIT_IF
                          ? _("One ticket, and the gate woke every thread. Each checked with an if, once…")
                          : _("One ticket: g_cond_signal() woke one thread, and the others sleep on."));
      return;
    }

  if (go)
    signal_work_go (self->work);
  else
    signal_work_stop (self->work);
  set_gate_closed (self, FALSE);
  show_news (self, signal_work_get_news (self->work));
  gtk_label_set_text (self->status, go ? _("Go! g_cond_broadcast() woke every thread.") : _("Stopping…"));
}

static void
thaw_lesson_signal_report (ThawLesson  *lesson,
                           JsonBuilder *builder)
{
  const SignalNews *news = &THAW_LESSON_SIGNAL (lesson)->news;
  /* One array per figure, with one element per thread. */
  static const struct { const char *name; gsize offset; gboolean in_ms; } arrays[] = {
    { "passes", G_STRUCT_OFFSET (SignalRunner, passes), FALSE },
    { "wake_ups", G_STRUCT_OFFSET (SignalRunner, wake_ups), FALSE },
    { "wake_latency_ms", G_STRUCT_OFFSET (SignalRunner, latency_us), TRUE },
  };

  thaw_report_int (builder, "threads", news->n_threads);
  thaw_report_boolean (builder, "gate_open", news->gate_open);
  thaw_report_int (builder, "released", news->released);
  thaw_report_int (builder, "waiting", news->waiting);
  thaw_report_double (builder, "wake_latency_ms_max", news->max_latency_us / 1000.0);
  thaw_report_int (builder, "tickets", news->tickets);
  thaw_report_int (builder, "through_without_ticket", news->without_ticket);

  for (guint a = 0; a < G_N_ELEMENTS (arrays); a++)
    {
      json_builder_set_member_name (builder, arrays[a].name);
      json_builder_begin_array (builder);
      for (guint i = 0; i < news->n_threads; i++)
        {
          int value = G_STRUCT_MEMBER (int, &news->runners[i], arrays[a].offset);

          if (arrays[a].in_ms)
            json_builder_add_double_value (builder, value / 1000.0);
          else
            json_builder_add_int_value (builder, value);
        }
      json_builder_end_array (builder);
    }
  thaw_signal_scheduler_report (THAW_LESSON_SIGNAL (lesson)->scheduler_view, builder);
}

/* The rows of the coming run; a running one keeps its own. */
static void
threads_changed_cb (ThawLessonSignal *self)
{
  if (self->work == NULL)
    make_rows (self);
}

static void
thaw_lesson_signal_class_init (ThawLessonSignalClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  lesson_class->report = thaw_lesson_signal_report;

  /* ThawLessonSignal:threads: how many threads the next run lines up. */
  thaw_lesson_class_add_uint_knob (lesson_class, "threads", G_STRUCT_OFFSET (ThawLessonSignal, n_threads),
                                   SIGNAL_MIN_THREADS, SIGNAL_MAX_THREADS, SIGNAL_DEFAULT_THREADS);

  thaw_lesson_class_add_boolean_knob (lesson_class, "flag", G_STRUCT_OFFSET (ThawLessonSignal, flag), FALSE);
  g_type_ensure (THAW_TYPE_SIGNAL_SCHEDULER);
  thaw_lesson_class_set_template (lesson_class, "signal");
  thaw_lesson_class_set_work (lesson_class, G_STRUCT_OFFSET (ThawLessonSignal, work),
                              NULL, (GDestroyNotify) signal_work_free);
  thaw_lesson_class_own_source (lesson_class, G_STRUCT_OFFSET (ThawLessonSignal, auto_go_id));
  gtk_widget_class_bind_template_child (widget_class, ThawLessonSignal, gate_label);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonSignal, start_button);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonSignal, go_button);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonSignal, thread_list);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonSignal, status);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonSignal, scheduler_view);
  thaw_lesson_class_add_scheduler (lesson_class, G_STRUCT_OFFSET (ThawLessonSignal, scheduler),
                                   &thaw_signal_scheduler_class);

  thaw_lesson_class_install_run_action (lesson_class, "lesson.start", line_up_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.line-up", line_up_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.wait-if", line_up_cb);
  gtk_widget_class_install_action (widget_class, "lesson.go", NULL, gate_cb);
  gtk_widget_class_install_action (widget_class, "lesson.let-one", NULL, gate_cb);
  gtk_widget_class_install_action (widget_class, "lesson.stop", NULL, gate_cb);
}

static void
thaw_lesson_signal_init (ThawLessonSignal *self)
{
  thaw_lesson_init_knobs (THAW_LESSON (self));
  gtk_widget_init_template (GTK_WIDGET (self));
  make_rows (self);
  g_signal_connect (self, "notify::threads", G_CALLBACK (threads_changed_cb), NULL);
  set_gate_closed (self, FALSE);
  self->scheduler = thaw_signal_scheduler_attach (self->scheduler_view, THAW_LESSON (self));
}
