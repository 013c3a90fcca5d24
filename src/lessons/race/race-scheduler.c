/* race-scheduler.c — “Lost Updates”, Be the Scheduler: the stepped
 * threads on screen
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The part of race's page that shows the two threads of race-steps.c while
 * the learner gives them steps: their code with each one's next line
 * marked (ThawStepListing), where each is and what it read, the counter,
 * the schedule in words, and whether an update was lost. The buttons are
 * thaw-lesson-scheduler.c's; this view starts the threads for them and
 * hands each news on. Everything here runs on the main thread.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "race-scheduler.h"
#include "race-steps.h"
#include "thaw-step-listing.h"
#include "thaw-step-row.h"

struct _ThawRaceScheduler
{
  GtkBox parent_instance;

  ThawLesson *lesson;          /* the page this is part of */
  ThawScheduler *scheduler;    /* the page's */
  ThawStepListing *listing;
  ThawStepRow *row_a, *row_b;
  GtkLabel *shared_counter, *schedule, *step_status;
  RaceStepsNews steps_news;    /* the last news of the threads stepped */
  gboolean lost_shown;         /* the lost update of these threads is told */
};

G_DEFINE_FINAL_TYPE (ThawRaceScheduler, thaw_race_scheduler, GTK_TYPE_BOX)

static const char *const step_names[] = { "RACE_STEP_READ", "RACE_STEP_WRITE", NULL };

/* One step of a schedule, as the schedule line writes it. */
static char *
describe_event (gconstpointer data)
{
  const RaceStepEvent *event = data;
  if (event->step == RACE_STEP_READ)
    /* Translators: a step of a schedule, e.g. "A read 0": thread A read
     * the value 0 from the counter. */
    return g_strdup_printf (_("%c read %d"), thaw_scheduler_thread_letter (event->thread), event->value);
  /* Translators: a step of a schedule, e.g. "B wrote 1": thread B wrote 1
   * into the counter. */
  return g_strdup_printf (_("%c wrote %d"), thaw_scheduler_thread_letter (event->thread), event->value);
}

static char *
describe_schedule (const RaceStepEvent *events,
                   guint               n_events)
{
  return thaw_scheduler_describe_schedule (events, n_events, sizeof *events, describe_event);
}

/* The first write that did not raise the counter above the last write:
 * its thread had read before the other one wrote. -1 if none. */
static int
find_lost_write (const RaceStepEvent *events,
                 guint                n_events)
{
  int last_written = 0;

  for (guint i = 0; i < n_events; i++)
    if (events[i].step == RACE_STEP_WRITE)
      {
        if (events[i].value <= last_written)
          return i;
        last_written = events[i].value;
      }
  return -1;
}

static void
show_thread (ThawRaceScheduler       *self,
             guint                    index,
             const ThawStepperThread *thread,
             int                      value,
             gboolean                 has_read)
{
  g_autofree char *status = NULL;
  const char *where;

  thaw_step_listing_mark (self->listing, index, thread->state == THAW_STEPPER_PAUSED ? (int) thread->step : -1);
  switch (thread->state)
    {
    case THAW_STEPPER_PAUSED:
      where = thread->step == RACE_STEP_READ ? _("Waits before its read") : _("Waits before its write");
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

  if (has_read)
    /* Translators: where a thread is, then its own variable, e.g.
     * "Waits before its write · value = 0". */
    status = g_strdup_printf (_("%s · value = %d"), where, value);
  else
    status = g_strdup (where);
  thaw_step_row_set_status (index == 0 ? self->row_a : self->row_b, status);
}

static void
show_steps_result (ThawRaceScheduler   *self,
                   const RaceStepsNews *news)
{
  const int expected = RACE_STEP_THREADS * RACE_STEP_INCREMENTS;
  g_autofree char *value = NULL, *text = NULL;
  int lost = find_lost_write (news->events, news->n_events);
  guint writes = 0;

  for (guint i = 0; i < news->n_events; i++)
    writes += news->events[i].step == RACE_STEP_WRITE;
  if (news->finished)
    value = g_strdup_printf (_("counter = %d, expected %d"), news->counter, expected);
  else
    /* Translators: the counter in the middle of a run, e.g. "counter = 1
     * after 2 writes". */
    value = g_strdup_printf (ngettext ("counter = %2$d after %1$u write", "counter = %2$d after %1$u writes", writes),
                             writes, news->counter);
  if (lost >= 0)
    {
      const RaceStepEvent *write = &news->events[lost];

      /* Translators: %c is a thread, A or B; %d the value it wrote. */
      text = g_strdup_printf (_("Lost update! %c wrote %d over the other thread’s %d: it had read the counter "
                                "before the other thread wrote it, so two increments ended as one. "
                                "Replay it, or try random schedules to see how often this happens."),
                              thaw_scheduler_thread_letter (write->thread), write->value, write->value);
      thaw_lesson_set_headline (self->lesson, _("Be the Scheduler: lost update!"), value,
                                gtk_label_get_text (self->schedule));
    }
  else if (news->counter < expected)
    {
      text = g_strdup (_("Updates were lost while the threads ran free. Step them by hand to see which "
                         "interleaving does it."));
      thaw_lesson_set_headline (self->lesson, _("Be the Scheduler: lost update!"), value, NULL);
    }
  else
    {
      text = g_strdup (_("Exact: each thread read the counter after the other one’s write. Click “New "
                         "Threads” and give B a step between A’s read and A’s write."));
      thaw_lesson_set_headline (self->lesson, _("Be the Scheduler"), value, NULL);
    }
  gtk_label_set_text (self->step_status, text);
}

/* The threads' news, on the main thread. */
static void
steps_news (const RaceStepsNews *news,
            gpointer             user_data)
{
  ThawRaceScheduler *self = user_data;
  g_autofree char *counter = g_strdup_printf ("counter = %d", news->counter);
  gboolean has_read[RACE_STEP_THREADS] = { FALSE };
  gboolean lost;

  self->steps_news = *news;
  for (guint i = 0; i < news->n_events; i++)
    has_read[news->events[i].thread] = TRUE;
  for (guint i = 0; i < RACE_STEP_THREADS; i++)
    show_thread (self, i, &news->threads[i], news->values[i], has_read[i]);
  gtk_label_set_text (self->shared_counter, counter);

  if (news->n_events > 0)
    {
      g_autofree char *schedule = describe_schedule (news->events, news->n_events);

      gtk_label_set_text (self->schedule, schedule);
    }
  else
    gtk_label_set_text (self->schedule, _("No step taken yet."));

  /* The goal is reached the moment a write puts back a stale value; the
   * run's end gives the final count. */
  lost = find_lost_write (news->events, news->n_events) >= 0;
  if (news->finished || (!self->lost_shown && lost))
    {
      self->lost_shown = TRUE;
      show_steps_result (self, news);
    }
  thaw_scheduler_update (self->scheduler, news->threads, news->finished, lost);
}

static gpointer
steps_start (gpointer   view,
             GError   **error)
{
  return race_steps_start (steps_news, view, error);
}

/* Fresh threads, both paused in front of their first read. */
static void
steps_reset (gpointer view)
{
  ThawRaceScheduler *self = view;

  self->steps_news = (RaceStepsNews) { 0 };
  self->lost_shown = FALSE;
  steps_news (&self->steps_news, self);
}

/* A random trial in words: its count... */
static char *
trial_count (guint n_broken,
             guint n_done)
{
  /* Translators: e.g. "312 of 1,000 random schedules lost an update". */
  return g_strdup_printf (ngettext ("%'u of %'u random schedule lost an update",
                                    "%'u of %'u random schedules lost an update", n_done),
                          n_broken, n_done);
}

/* ...and, once it is over, the first run that went wrong. */
static char *
trial_end (gpointer       view,
           const char    *count,
           gconstpointer  first_broken)
{
  if (first_broken != NULL)
    {
      const RaceStepRun *run = first_broken;
      g_autofree char *schedule = describe_schedule (run->events, run->n_events);

      /* Translators: %s is a count of schedules, then a schedule, e.g.
       * "A read 0 → B read 0 → …", and %d the total it reached. */
      return g_strdup_printf (_("%s. The first that did, ending at %d: %s. “Replay at Speed” plays it."),
                              count, run->total, schedule);
    }
  return g_strdup_printf ("%s.", count);
}

const ThawSchedulerClass thaw_race_scheduler_class = {
  .n_threads = RACE_STEP_THREADS,
  .start = steps_start,
  .get_stepper = (ThawStepper * (*) (gpointer)) race_steps_get_stepper,
  .free = (void (*) (gpointer)) race_steps_free,
  .reset = steps_reset,
  .trial_run = race_steps_run_random,
  .example_size = sizeof (RaceStepRun),
  .example_schedule_offset = G_STRUCT_OFFSET (RaceStepRun, schedule),
  .trial_count = trial_count,
  .trial_end = trial_end,
};

/**
 * thaw_race_scheduler_report:
 * @self: the view
 * @builder: the lesson's report
 *
 * Adds the stepped threads: the scheduler's counts, the counter, the
 * schedule, and each thread's state and marked line.
 */
void
thaw_race_scheduler_report (ThawRaceScheduler *self,
                            JsonBuilder       *builder)
{
  const RaceStepsNews *news = &self->steps_news;
  g_autofree char *schedule = describe_schedule (news->events, news->n_events);

  thaw_scheduler_report (self->scheduler, builder);
  thaw_report_int (builder, "steps_counter", news->counter);
  thaw_report_int (builder, "steps_events", news->n_events);
  thaw_report_string (builder, "steps_schedule", schedule);
  thaw_report_boolean (builder, "steps_finished", news->finished);
  thaw_report_boolean (builder, "steps_lost_update",
                       find_lost_write (news->events, news->n_events) >= 0);
  for (guint i = 0; i < RACE_STEP_THREADS; i++)
    thaw_scheduler_report_thread (builder, i, &news->threads[i], self->listing);
}

/**
 * thaw_race_scheduler_attach:
 * @self: the view, from the lesson's template
 * @lesson: the lesson
 *
 * Makes the lesson's scheduler, which shows its threads here.
 *
 * Returns: (transfer full): the scheduler, for the lesson to keep in the
 *   field it gave thaw_lesson_class_add_scheduler()
 */
ThawScheduler *
thaw_race_scheduler_attach (ThawRaceScheduler *self,
                            ThawLesson        *lesson)
{
  self->lesson = lesson;
  self->scheduler = thaw_scheduler_new (lesson, &thaw_race_scheduler_class, self, self->step_status);
  return self->scheduler;
}

static void
thaw_race_scheduler_class_init (ThawRaceSchedulerClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (THAW_TYPE_STEP_LISTING);
  g_type_ensure (THAW_TYPE_STEP_ROW);
  g_type_ensure (THAW_TYPE_STEP_BUTTONS);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/lessons/race/race-scheduler.ui");
  gtk_widget_class_bind_template_child (widget_class, ThawRaceScheduler, listing);
  gtk_widget_class_bind_template_child (widget_class, ThawRaceScheduler, row_a);
  gtk_widget_class_bind_template_child (widget_class, ThawRaceScheduler, row_b);
  gtk_widget_class_bind_template_child (widget_class, ThawRaceScheduler, shared_counter);
  gtk_widget_class_bind_template_child (widget_class, ThawRaceScheduler, schedule);
  gtk_widget_class_bind_template_child (widget_class, ThawRaceScheduler, step_status);
}

static void
thaw_race_scheduler_init (ThawRaceScheduler *self)
{
  g_autoptr(GError) error = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* A listing that cannot be read is a bug in Thaw: the tests fail on it. */
  if (!thaw_step_listing_load (self->listing, RESOURCE_BASE "/lessons/race/race-steps.c", NULL, step_names,
                               RACE_STEP_THREADS, &error))
    g_critical ("%s", error->message);
}
