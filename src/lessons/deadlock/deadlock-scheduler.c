/* deadlock-scheduler.c — “Deadlock”, Be the Scheduler: the stepped
 * transfers on screen
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The part of deadlock's page that shows the two transfers of
 * deadlock-steps.c while the learner gives them steps: their code with
 * each one's next line marked, where each is, the wait-for graph (drawn as
 * the page's is), the balances, the schedule in words, and whether they
 * deadlocked. The buttons are thaw-lesson-scheduler.c's; the switch picks
 * the lock order of the next threads. Everything here runs on the main
 * thread.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "deadlock-scheduler.h"
#include "deadlock-steps.h"
#include "thaw-step-listing.h"
#include "thaw-step-row.h"

struct _ThawDeadlockScheduler
{
  GtkBox parent_instance;

  ThawLesson *lesson;          /* the page this is part of */
  ThawScheduler *scheduler;    /* the page's */
  ThawStepListing *listing;
  ThawStepRow *row_a, *row_b;
  GtkWidget *graph_area;
  GtkSwitch *same_order_switch;
  DeadlockOrder trial_order;    /* of the last random trial */
  GtkLabel *balances, *schedule, *step_status;

  DeadlockOrder order;         /* of the transfers on screen */
  DeadlockStepsNews news;      /* their last news */
  DeadlockNews graph;          /* the same, as the graph draws it */
  gboolean deadlock_shown;
};

G_DEFINE_FINAL_TYPE (ThawDeadlockScheduler, thaw_deadlock_scheduler, GTK_TYPE_BOX)

static const char *const step_names[] = {
  "DEADLOCK_STEP_LOCK_FIRST", "DEADLOCK_STEP_LOCK_SECOND", "DEADLOCK_STEP_MOVE", "DEADLOCK_STEP_UNLOCK", NULL
};

static char *
describe_event (gconstpointer data)
{
  const DeadlockStepEvent *event = data;
  char letter = thaw_scheduler_thread_letter (event->thread);

  switch (event->kind)
    {
    case DEADLOCK_EVENT_LOCKED:
      /* Translators: a step of a schedule: thread A (%c) took the lock of
       * account 1 (%d). */
      return g_strdup_printf (_("%c locks %d"), letter, event->account + 1);
    case DEADLOCK_EVENT_WAITS:
      /* Translators: a step of a schedule: thread A (%c) found the lock of
       * account 2 (%d) taken and waits for it. */
      return g_strdup_printf (_("%c waits for %d"), letter, event->account + 1);
    case DEADLOCK_EVENT_MOVED:
      /* Translators: a step of a schedule: thread A (%c) moved the money. */
      return g_strdup_printf (_("%c moves the money"), letter);
    case DEADLOCK_EVENT_UNLOCKED:
    default:
      /* Translators: a step of a schedule: thread A (%c) let go of both
       * locks. */
      return g_strdup_printf (_("%c lets go"), letter);
    }
}

static char *
describe_schedule (const DeadlockStepEvent *events,
                   guint                   n_events)
{
  return thaw_scheduler_describe_schedule (events, n_events, sizeof *events, describe_event);
}

/* Where a transfer is, in words. */
static void
show_thread (ThawDeadlockScheduler   *self,
             guint                    index,
             const DeadlockStepsNews *news)
{
  const ThawStepperThread *thread = &news->threads[index];
  g_autofree char *status = NULL;
  g_autoptr(GString) holds = g_string_new (NULL);
  const char *where;

  for (int account = 0; account < DEADLOCK_N_ACCOUNTS; account++)
    if (news->holder[account] == (int) index)
      /* Translators: what a thread holds, e.g. " · holds account 1". */
      g_string_append_printf (holds, _(" · holds account %d"), account + 1);

  thaw_step_listing_mark (self->listing, index,
                          thread->state == THAW_STEPPER_PAUSED || thread->state == THAW_STEPPER_BLOCKED
                          ? (int) thread->step : -1);
  switch (thread->state)
    {
    case THAW_STEPPER_PAUSED:
      where = thread->step == DEADLOCK_STEP_LOCK_FIRST ? _("Waits before its first lock")
            : thread->step == DEADLOCK_STEP_LOCK_SECOND ? _("Waits before its second lock")
            : thread->step == DEADLOCK_STEP_MOVE ? _("Waits before moving the money")
            : _("Waits before letting go");
      break;
    case THAW_STEPPER_BLOCKED:
      {
        int account = news->waits_for[index];
        int holder = account >= 0 ? news->holder[account] : DEADLOCK_NOBODY;

        /* Translators: a thread waits inside pthread_mutex_lock() for the
         * lock of account 2 (%d), which thread B (%c) holds. */
        status = g_strdup_printf (_("Blocked: waits for account %d, which %c holds"), account + 1,
                                  holder >= 0 ? thaw_scheduler_thread_letter (holder) : '?');
        where = status;
      }
      break;
    case THAW_STEPPER_RUNNING:
      where = thread->free ? _("Runs free") : _("Takes its step…");
      break;
    case THAW_STEPPER_DONE:
      where = _("Finished");
      break;
    case THAW_STEPPER_STARTING:
    default:
      where = _("Starting…");
      break;
    }

  {
    g_autofree char *text = g_strconcat (where, holds->str, NULL);

    thaw_step_row_set_status (index == 0 ? self->row_a : self->row_b, text);
  }
}

static void
show_result (ThawDeadlockScheduler   *self,
             const DeadlockStepsNews *news)
{
  g_autofree char *detail = describe_schedule (news->events, news->n_events);

  if (news->deadlocked)
    {
      gtk_label_set_text (self->step_status,
                          _("Deadlock! Each transfer holds one account and waits, inside "
                            "pthread_mutex_lock(), for the account the other holds. No step can ever be "
                            "taken again. Click “New Threads”, then turn on the same lock order and try "
                            "to get here again."));
      thaw_lesson_set_headline (self->lesson, _("Be the Scheduler: deadlock!"),
                                _("Both transfers blocked for good"), detail);
    }
  else
    {
      g_autofree char *value = NULL;

      gtk_label_set_text (self->step_status,
                          self->order == DEADLOCK_ORDERED
                          ? _("Both transfers went through. With the same lock order, whichever takes account 1 "
                              "first gets both: the other waits for account 1 holding nothing, so it can never "
                              "hold up the first. Try to deadlock them anyway.")
                          : _("Both transfers went through: one took both locks before the other took its "
                              "first. Give each its first lock, then each its second."));
      /* Translators: the balances after the transfers, e.g. "100 and 100". */
      value = g_strdup_printf (_("Balances %d and %d"), news->balance[0], news->balance[1]);
      thaw_lesson_set_headline (self->lesson, _("Be the Scheduler: no deadlock"), value, detail);
    }
}

/* The transfers' news, on the main thread. */
static void
steps_news (const DeadlockStepsNews *news,
            gpointer                 user_data)
{
  ThawDeadlockScheduler *self = user_data;
  g_autofree char *balances = NULL;
  g_autoptr(GString) description = NULL;

  self->news = *news;
  for (guint i = 0; i < DEADLOCK_N_TRANSFERS; i++)
    show_thread (self, i, news);

  /* Translators: the two balances, e.g. "account 1 = 90 · account 2 = 110". */
  balances = g_strdup_printf (_("account 1 = %d · account 2 = %d"), news->balance[0], news->balance[1]);
  gtk_label_set_text (self->balances, balances);
  if (news->n_events > 0)
    {
      g_autofree char *schedule = describe_schedule (news->events, news->n_events);

      gtk_label_set_text (self->schedule, schedule);
    }
  else
    gtk_label_set_text (self->schedule, _("No step taken yet."));

  deadlock_news_init (&self->graph);
  memcpy (self->graph.holder, news->holder, sizeof self->graph.holder);
  memcpy (self->graph.waits_for, news->waits_for, sizeof self->graph.waits_for);
  for (guint i = 0; i < DEADLOCK_N_TRANSFERS; i++)
    self->graph.done[i] = news->threads[i].state == THAW_STEPPER_DONE;
  description = thaw_deadlock_describe_graph (&self->graph);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->graph_area),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description->str, -1);
  gtk_widget_queue_draw (self->graph_area);

  if (news->finished || (news->deadlocked && !self->deadlock_shown))
    {
      self->deadlock_shown |= news->deadlocked;
      show_result (self, news);
    }
  if (self->scheduler != NULL)
    thaw_scheduler_update (self->scheduler, news->threads, news->finished || news->deadlocked, news->deadlocked);
}

static DeadlockOrder
chosen_order (ThawDeadlockScheduler *self)
{
  return gtk_switch_get_active (self->same_order_switch) ? DEADLOCK_ORDERED : DEADLOCK_OPPOSITE;
}

static gpointer
steps_start (gpointer   view,
             GError   **error)
{
  ThawDeadlockScheduler *self = view;

  self->order = chosen_order (self);
  return deadlock_steps_start (self->order, steps_news, self, error);
}

static void
steps_reset (gpointer view)
{
  ThawDeadlockScheduler *self = view;

  self->news = (DeadlockStepsNews) { 0 };
  for (int i = 0; i < DEADLOCK_N_ACCOUNTS; i++)
    {
      self->news.holder[i] = DEADLOCK_NOBODY;
      self->news.balance[i] = DEADLOCK_OPENING_BALANCE;
    }
  for (int i = 0; i < DEADLOCK_N_TRANSFERS; i++)
    self->news.waits_for[i] = DEADLOCK_NOBODY;
  self->deadlock_shown = FALSE;
  steps_news (&self->news, self);
}

static gpointer
trial_data (gpointer view)
{
  ThawDeadlockScheduler *self = view;

  self->trial_order = chosen_order (self);
  return GINT_TO_POINTER (self->trial_order);
}

/* A random trial in words: its count... */
static char *
trial_count (guint n_broken,
             guint n_done)
{
  /* Translators: e.g. "88 of 1,000 random schedules deadlocked". */
  return g_strdup_printf (ngettext ("%'u of %'u random schedule deadlocked",
                                    "%'u of %'u random schedules deadlocked", n_done),
                          n_broken, n_done);
}

/* ...and, once it is over, the first run that went wrong. */
static char *
trial_end (gpointer       view,
           const char    *count,
           gconstpointer  first_broken)
{
  ThawDeadlockScheduler *self = view;

  if (first_broken != NULL)
    {
      const DeadlockStepRun *run = first_broken;
      g_autofree char *schedule = describe_schedule (run->events, run->n_events);

      /* Translators: a count of schedules, then the first schedule that
       * deadlocked, e.g. "A locks 1 → B locks 2 → …". */
      return g_strdup_printf (_("%s, with opposite lock orders. The first: %s. “Replay at Speed” plays it."),
                              count, schedule);
    }
  if (self->trial_order == DEADLOCK_ORDERED)
    /* Translators: %s is a count, e.g. "0 of 1,000 random schedules deadlocked". */
    return g_strdup_printf (_("%s, with the same lock order: none can."), count);
  return g_strdup_printf ("%s.", count);
}

const ThawSchedulerClass thaw_deadlock_scheduler_class = {
  .n_threads = DEADLOCK_N_TRANSFERS,
  .start = steps_start,
  .get_stepper = (ThawStepper * (*) (gpointer)) deadlock_steps_get_stepper,
  .free = (void (*) (gpointer)) deadlock_steps_free,
  .reset = steps_reset,
  .trial_run = deadlock_steps_run_random,
  .example_size = sizeof (DeadlockStepRun),
  .example_schedule_offset = G_STRUCT_OFFSET (DeadlockStepRun, schedule),
  .trial_data = trial_data,
  .trial_count = trial_count,
  .trial_end = trial_end,
};

/* The switch picks the order of new threads: start them at once, so that
 * what is on screen is always what the switch says. */
static void
same_order_cb (ThawDeadlockScheduler *self)
{
  if (self->lesson != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self->lesson), "lesson.new-threads", NULL);
}

/**
 * thaw_deadlock_scheduler_report:
 * @self: the view
 * @builder: the lesson's report
 */
void
thaw_deadlock_scheduler_report (ThawDeadlockScheduler *self,
                                JsonBuilder           *builder)
{
  const DeadlockStepsNews *news = &self->news;
  g_autofree char *schedule = describe_schedule (news->events, news->n_events);

  thaw_scheduler_report (self->scheduler, builder);
  thaw_report_string (builder, "steps_order", self->order == DEADLOCK_ORDERED ? "ordered" : "opposite");
  thaw_report_int (builder, "steps_events", news->n_events);
  thaw_report_string (builder, "steps_schedule", schedule);
  thaw_report_boolean (builder, "steps_deadlocked", news->deadlocked);
  thaw_report_boolean (builder, "steps_finished", news->finished);
  thaw_report_int (builder, "steps_total_money", news->balance[0] + news->balance[1]);
  for (guint i = 0; i < DEADLOCK_N_TRANSFERS; i++)
    thaw_scheduler_report_thread (builder, i, &news->threads[i], self->listing);
}

/**
 * thaw_deadlock_scheduler_attach:
 * @self: the view, from the lesson's template
 * @lesson: the lesson; its "same-order" knob is the switch
 *
 * Returns: (transfer full): the lesson's scheduler
 */
ThawScheduler *
thaw_deadlock_scheduler_attach (ThawDeadlockScheduler *self,
                                ThawLesson            *lesson)
{
  self->lesson = lesson;
  self->scheduler = thaw_scheduler_new (lesson, &thaw_deadlock_scheduler_class, self, self->step_status);
  g_object_bind_property (lesson, "same-order", self->same_order_switch, "active",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  g_signal_connect_swapped (self->same_order_switch, "notify::active", G_CALLBACK (same_order_cb), self);
  return self->scheduler;
}

static void
thaw_deadlock_scheduler_class_init (ThawDeadlockSchedulerClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (THAW_TYPE_STEP_LISTING);
  g_type_ensure (THAW_TYPE_STEP_ROW);
  g_type_ensure (THAW_TYPE_STEP_BUTTONS);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/lessons/deadlock/deadlock-scheduler.ui");
  gtk_widget_class_bind_template_child (widget_class, ThawDeadlockScheduler, listing);
  gtk_widget_class_bind_template_child (widget_class, ThawDeadlockScheduler, row_a);
  gtk_widget_class_bind_template_child (widget_class, ThawDeadlockScheduler, row_b);
  gtk_widget_class_bind_template_child (widget_class, ThawDeadlockScheduler, graph_area);
  gtk_widget_class_bind_template_child (widget_class, ThawDeadlockScheduler, same_order_switch);
  gtk_widget_class_bind_template_child (widget_class, ThawDeadlockScheduler, balances);
  gtk_widget_class_bind_template_child (widget_class, ThawDeadlockScheduler, schedule);
  gtk_widget_class_bind_template_child (widget_class, ThawDeadlockScheduler, step_status);
}

static void
thaw_deadlock_scheduler_init (ThawDeadlockScheduler *self)
{
  g_autoptr(GError) error = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  deadlock_news_init (&self->graph);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->graph_area), thaw_deadlock_draw_graph, &self->graph, NULL);
  steps_reset (self);
  /* A listing that cannot be read is a bug in Thaw: the tests fail on it. */
  if (!thaw_step_listing_load (self->listing, RESOURCE_BASE "/lessons/deadlock/deadlock-steps.c", NULL, step_names,
                               DEADLOCK_N_TRANSFERS, &error))
    g_critical ("%s", error->message);
}
