/* signal-scheduler.c — “Waiting for a Signal”, Be the Scheduler: the
 * stepped threads on screen
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The part of signal's page that shows the waiter and the signaller of
 * signal-steps.c while the learner gives them steps: each one's code with
 * its next line marked, where each is, the flag, the schedule in words,
 * and whether the wake-up was lost. The buttons are
 * thaw-lesson-scheduler.c's; the switch picks the code of the next threads,
 * without or with the flag. Everything here runs on the main thread.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "signal-scheduler.h"
#include "signal-steps.h"
#include "thaw-step-listing.h"
#include "thaw-step-row.h"

struct _ThawSignalScheduler
{
  GtkBox parent_instance;

  ThawLesson *lesson;          /* the page this is part of */
  ThawScheduler *scheduler;    /* the page's */
  ThawStepListing *waiter_listing, *signaller_listing;
  ThawStepRow *row_a, *row_b;
  GtkSwitch *flag_switch;
  SignalStepsWay trial_way;    /* of the last random trial */
  GtkLabel *shared_state, *schedule, *step_status;

  SignalStepsWay way;          /* of the threads on screen */
  SignalStepsNews news;        /* their last news */
  gboolean lost_shown;
};

G_DEFINE_FINAL_TYPE (ThawSignalScheduler, thaw_signal_scheduler, GTK_TYPE_BOX)

/* Each listing's step points, in the order of SignalStep: "" for a step
 * that code does not have. */
static const char *const waiter_no_flag_steps[] = {
  "SIGNAL_STEP_LOCK", "", "SIGNAL_STEP_WAIT", "", "", "SIGNAL_STEP_UNLOCK", NULL
};
static const char *const waiter_flag_steps[] = {
  "SIGNAL_STEP_LOCK", "SIGNAL_STEP_CHECK", "SIGNAL_STEP_WAIT", "", "", "SIGNAL_STEP_UNLOCK", NULL
};
static const char *const signaller_no_flag_steps[] = {
  "SIGNAL_STEP_LOCK", "", "", "", "SIGNAL_STEP_SIGNAL", "SIGNAL_STEP_UNLOCK", NULL
};
static const char *const signaller_flag_steps[] = {
  "SIGNAL_STEP_LOCK", "", "", "SIGNAL_STEP_SET", "SIGNAL_STEP_SIGNAL", "SIGNAL_STEP_UNLOCK", NULL
};
G_STATIC_ASSERT (G_N_ELEMENTS (waiter_flag_steps) == SIGNAL_N_STEPS + 1);

static char *
describe_event (gconstpointer data)
{
  const SignalStepEvent *event = data;
  char letter = thaw_scheduler_thread_letter (event->thread);

  switch (event->kind)
    {
    case SIGNAL_EVENT_LOCKED:
      /* Translators: a step of a schedule: thread A (%c) took the mutex. */
      return g_strdup_printf (_("%c locks"), letter);
    case SIGNAL_EVENT_WAITS_FOR_LOCK:
      /* Translators: thread A (%c) found the mutex taken and waits. */
      return g_strdup_printf (_("%c waits for the lock"), letter);
    case SIGNAL_EVENT_SEES_FLAG:
      /* Translators: thread A (%c) found the flag set and did not sleep. */
      return g_strdup_printf (_("%c sees ready"), letter);
    case SIGNAL_EVENT_WAITS:
      /* Translators: thread A (%c) went to sleep on the condition. */
      return g_strdup_printf (_("%c sleeps"), letter);
    case SIGNAL_EVENT_WOKE:
      /* Translators: thread A (%c) woke up. */
      return g_strdup_printf (_("%c wakes"), letter);
    case SIGNAL_EVENT_SET:
      /* Translators: thread B (%c) set the flag. */
      return g_strdup_printf (_("%c sets ready"), letter);
    case SIGNAL_EVENT_SIGNALLED:
      /* Translators: thread B (%c) signalled while nobody slept. */
      return g_strdup_printf (_("%c signals (nobody hears)"), letter);
    case SIGNAL_EVENT_SIGNALLED_WAKING:
      /* Translators: thread B (%c) signalled and woke the sleeper. */
      return g_strdup_printf (_("%c signals"), letter);
    case SIGNAL_EVENT_UNLOCKED:
    default:
      /* Translators: thread A (%c) let go of the mutex. */
      return g_strdup_printf (_("%c unlocks"), letter);
    }
}

static char *
describe_schedule (const SignalStepEvent *events,
                   guint                 n_events)
{
  return thaw_scheduler_describe_schedule (events, n_events, sizeof *events, describe_event);
}

static const char *
where (const ThawStepperThread *thread,
       gboolean                 asleep)
{
  switch (thread->state)
    {
    case THAW_STEPPER_PAUSED:
      return _("Waits for its next step");
    case THAW_STEPPER_BLOCKED:
      return asleep ? _("Asleep on the condition: only a signal wakes it")
                    : _("Blocked: waits for the mutex");
    case THAW_STEPPER_RUNNING:
      return thread->free ? _("Runs free") : _("Takes its step…");
    case THAW_STEPPER_DONE:
      return _("Finished");
    case THAW_STEPPER_STARTING:
    default:
      return _("Starting…");
    }
}

static void
show_result (ThawSignalScheduler   *self,
             const SignalStepsNews *news)
{
  g_autofree char *detail = describe_schedule (news->events, news->n_events);

  if (news->lost)
    {
      gtk_label_set_text (self->step_status,
                          _("Lost wake-up! B signalled while A was not yet asleep, so the signal woke "
                            "nobody, and nothing remembers it. A now sleeps, and B, the only thread that "
                            "could wake it, has finished. Click “New Threads”, turn on the flag, and try "
                            "the same schedule."));
      thaw_lesson_set_headline (self->lesson, _("Be the Scheduler: lost wake-up!"),
                                _("A sleeps forever"), detail);
    }
  else
    {
      gtk_label_set_text (self->step_status,
                          self->way == SIGNAL_STEPS_FLAG
                          ? _("A went on. With the flag, a signal sent before A sleeps is not lost: A sees "
                              "ready and never sleeps; a signal after is heard. Try to lose it anyway.")
                          : _("A went on: it was asleep when B signalled. Now let B signal before A sleeps."));
      thaw_lesson_set_headline (self->lesson, _("Be the Scheduler: no wake-up lost"),
                                _("A went on"), detail);
    }
}

/* The threads' news, on the main thread. */
static void
steps_news (const SignalStepsNews *news,
            gpointer               user_data)
{
  ThawSignalScheduler *self = user_data;
  ThawStepListing *listings[SIGNAL_STEP_THREADS] = { self->waiter_listing, self->signaller_listing };
  ThawStepRow *rows[SIGNAL_STEP_THREADS] = { self->row_a, self->row_b };
  g_autofree char *state = NULL;

  self->news = *news;
  for (guint i = 0; i < SIGNAL_STEP_THREADS; i++)
    {
      const ThawStepperThread *thread = &news->threads[i];

      thaw_step_listing_mark (listings[i], i,
                              thread->state == THAW_STEPPER_PAUSED || thread->state == THAW_STEPPER_BLOCKED
                              ? (int) thread->step : -1);
      thaw_step_row_set_status (rows[i], where (thread, i == 0 && news->asleep));
    }

  if (self->way == SIGNAL_STEPS_FLAG)
    state = g_strdup_printf ("ready = %s", news->ready ? "TRUE" : "FALSE");
  else
    /* Translators: what the code without a flag has to remember a signal
     * by: nothing. */
    state = g_strdup (_("no flag: nothing remembers a signal"));
  gtk_label_set_text (self->shared_state, state);
  if (news->n_events > 0)
    {
      g_autofree char *schedule = describe_schedule (news->events, news->n_events);

      gtk_label_set_text (self->schedule, schedule);
    }
  else
    gtk_label_set_text (self->schedule, _("No step taken yet."));

  if (news->finished || (news->lost && !self->lost_shown))
    {
      self->lost_shown |= news->lost;
      show_result (self, news);
    }
  if (self->scheduler != NULL)
    thaw_scheduler_update (self->scheduler, news->threads, news->finished || news->lost, news->lost);
}

static SignalStepsWay
chosen_way (ThawSignalScheduler *self)
{
  return gtk_switch_get_active (self->flag_switch) ? SIGNAL_STEPS_FLAG : SIGNAL_STEPS_NO_FLAG;
}

/* The listings of the code the threads run, without or with the flag. */
static void
load_listings (ThawSignalScheduler *self)
{
  g_autoptr(GError) error = NULL;
  const char *path = RESOURCE_BASE "/lessons/signal/signal-steps.c";
  gboolean flag = self->way == SIGNAL_STEPS_FLAG;

  /* A listing that cannot be read is a bug in Thaw: the tests fail on it. */
  if (!thaw_step_listing_load (self->waiter_listing, path, flag ? "waiter-flag" : "waiter-no-flag",
                               flag ? waiter_flag_steps : waiter_no_flag_steps, SIGNAL_STEP_THREADS, &error) ||
      !thaw_step_listing_load (self->signaller_listing, path, flag ? "signaller-flag" : "signaller-no-flag",
                               flag ? signaller_flag_steps : signaller_no_flag_steps, SIGNAL_STEP_THREADS, &error))
    g_critical ("%s", error->message);
}

static gpointer
steps_start (gpointer   view,
             GError   **error)
{
  ThawSignalScheduler *self = view;

  self->way = chosen_way (self);
  load_listings (self);
  return signal_steps_start (self->way, steps_news, self, error);
}

static void
steps_reset (gpointer view)
{
  ThawSignalScheduler *self = view;

  self->news = (SignalStepsNews) { 0 };
  self->lost_shown = FALSE;
  steps_news (&self->news, self);
}

static gpointer
trial_data (gpointer view)
{
  ThawSignalScheduler *self = view;

  self->trial_way = chosen_way (self);
  return GINT_TO_POINTER (self->trial_way);
}

/* A random trial in words: its count... */
static char *
trial_count (guint n_broken,
             guint n_done)
{
  /* Translators: e.g. "402 of 1,000 random schedules lost the wake-up". */
  return g_strdup_printf (ngettext ("%'u of %'u random schedule lost the wake-up",
                                    "%'u of %'u random schedules lost the wake-up", n_done),
                          n_broken, n_done);
}

/* ...and, once it is over, the first run that went wrong. */
static char *
trial_end (gpointer       view,
           const char    *count,
           gconstpointer  first_broken)
{
  ThawSignalScheduler *self = view;

  if (first_broken != NULL)
    {
      const SignalStepRun *run = first_broken;
      g_autofree char *schedule = describe_schedule (run->events, run->n_events);

      /* Translators: a count of schedules, then the first that lost the
       * wake-up, e.g. "B locks → B signals (nobody hears) → …". */
      return g_strdup_printf (_("%s, without a flag. The first: %s. “Replay at Speed” plays it."), count, schedule);
    }
  if (self->trial_way == SIGNAL_STEPS_FLAG)
    /* Translators: %s is a count, e.g. "0 of 1,000 random schedules lost the wake-up". */
    return g_strdup_printf (_("%s, with the flag: none can."), count);
  return g_strdup_printf ("%s.", count);
}

const ThawSchedulerClass thaw_signal_scheduler_class = {
  .n_threads = SIGNAL_STEP_THREADS,
  .start = steps_start,
  .get_stepper = (ThawStepper * (*) (gpointer)) signal_steps_get_stepper,
  .free = (void (*) (gpointer)) signal_steps_free,
  .reset = steps_reset,
  .trial_run = signal_steps_run_random,
  .example_size = sizeof (SignalStepRun),
  .example_schedule_offset = G_STRUCT_OFFSET (SignalStepRun, schedule),
  .trial_data = trial_data,
  .trial_count = trial_count,
  .trial_end = trial_end,
};

/* The switch picks the code of new threads: start them at once. */
static void
flag_cb (ThawSignalScheduler *self)
{
  if (self->lesson != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self->lesson), "lesson.new-threads", NULL);
}

/**
 * thaw_signal_scheduler_report:
 * @self: the view
 * @builder: the lesson's report
 */
void
thaw_signal_scheduler_report (ThawSignalScheduler *self,
                              JsonBuilder         *builder)
{
  ThawStepListing *listings[SIGNAL_STEP_THREADS] = { self->waiter_listing, self->signaller_listing };
  const SignalStepsNews *news = &self->news;
  g_autofree char *schedule = describe_schedule (news->events, news->n_events);

  thaw_scheduler_report (self->scheduler, builder);
  thaw_report_string (builder, "steps_way", self->way == SIGNAL_STEPS_FLAG ? "flag" : "no-flag");
  thaw_report_int (builder, "steps_events", news->n_events);
  thaw_report_string (builder, "steps_schedule", schedule);
  thaw_report_boolean (builder, "steps_lost_wake_up", news->lost);
  thaw_report_boolean (builder, "steps_finished", news->finished);
  for (guint i = 0; i < SIGNAL_STEP_THREADS; i++)
    thaw_scheduler_report_thread (builder, i, &news->threads[i], listings[i]);
}

/**
 * thaw_signal_scheduler_attach:
 * @self: the view, from the lesson's template
 * @lesson: the lesson; its "flag" knob is the switch
 *
 * Returns: (transfer full): the lesson's scheduler
 */
ThawScheduler *
thaw_signal_scheduler_attach (ThawSignalScheduler *self,
                              ThawLesson          *lesson)
{
  self->lesson = lesson;
  self->scheduler = thaw_scheduler_new (lesson, &thaw_signal_scheduler_class, self, self->step_status);
  g_object_bind_property (lesson, "flag", self->flag_switch, "active",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  g_signal_connect_swapped (self->flag_switch, "notify::active", G_CALLBACK (flag_cb), self);
  return self->scheduler;
}

static void
thaw_signal_scheduler_class_init (ThawSignalSchedulerClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (THAW_TYPE_STEP_LISTING);
  g_type_ensure (THAW_TYPE_STEP_ROW);
  g_type_ensure (THAW_TYPE_STEP_BUTTONS);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/lessons/signal/signal-scheduler.ui");
  gtk_widget_class_bind_template_child (widget_class, ThawSignalScheduler, waiter_listing);
  gtk_widget_class_bind_template_child (widget_class, ThawSignalScheduler, signaller_listing);
  gtk_widget_class_bind_template_child (widget_class, ThawSignalScheduler, row_a);
  gtk_widget_class_bind_template_child (widget_class, ThawSignalScheduler, row_b);
  gtk_widget_class_bind_template_child (widget_class, ThawSignalScheduler, flag_switch);
  gtk_widget_class_bind_template_child (widget_class, ThawSignalScheduler, shared_state);
  gtk_widget_class_bind_template_child (widget_class, ThawSignalScheduler, schedule);
  gtk_widget_class_bind_template_child (widget_class, ThawSignalScheduler, step_status);
}

static void
thaw_signal_scheduler_init (ThawSignalScheduler *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->way = SIGNAL_STEPS_NO_FLAG;
  load_listings (self);
  steps_reset (self);
}
