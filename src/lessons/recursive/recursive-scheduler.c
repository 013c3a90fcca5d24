/* recursive-scheduler.c — “A Lock Taken Twice”, Be the Scheduler: the
 * stepped deposits on screen
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The part of recursive's page that shows the two deposits of
 * recursive-steps.c while the learner gives them steps: their code with
 * each one's next line marked, where each is, who holds the lock and how
 * many times, the balance, the schedule in words, and whether a thread
 * waits for itself. The buttons are thaw-lesson-scheduler.c's; the switch
 * picks the kind of mutex of the next threads. Everything here runs on the
 * main thread.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "recursive-scheduler.h"
#include "recursive-steps.h"
#include "thaw-step-listing.h"
#include "thaw-step-row.h"

struct _ThawRecursiveScheduler
{
  GtkBox parent_instance;

  ThawLesson *lesson;          /* the page this is part of */
  ThawScheduler *scheduler;    /* the page's */
  ThawStepListing *listing;
  ThawStepRow *row_a, *row_b;
  GtkSwitch *recursive_switch;
  GtkLevelBar *hold_bar;
  GtkLabel *lock_label, *balance, *schedule, *step_status;

  RecursiveStepsMutex mutex;   /* of the deposits on screen */
  RecursiveStepsMutex trial_mutex;   /* of the last random trial */
  RecursiveStepsNews news;     /* their last news */
  gboolean self_deadlock_shown, deadlock_shown, twice_shown;
};

G_DEFINE_FINAL_TYPE (ThawRecursiveScheduler, thaw_recursive_scheduler, GTK_TYPE_BOX)

static const char *const step_names[] = {
  "RECURSIVE_STEP_LOCK", "RECURSIVE_STEP_LOCK_AGAIN", "RECURSIVE_STEP_LOG", "RECURSIVE_STEP_UNLOCK_AGAIN",
  "RECURSIVE_STEP_DEPOSIT", "RECURSIVE_STEP_UNLOCK", NULL
};
G_STATIC_ASSERT (G_N_ELEMENTS (step_names) == RECURSIVE_N_STEPS + 1);

static char
letter_of (int thread)
{
  return thread >= 0 ? thaw_scheduler_thread_letter ((guint) thread) : '?';
}

static char *
describe_event (gconstpointer data)
{
  const RecursiveStepEvent *event = data;
  char letter = thaw_scheduler_thread_letter (event->thread);

  switch (event->kind)
    {
    case RECURSIVE_EVENT_LOCKED:
      if (event->count > 1)
        /* Translators: a step of a schedule: thread A (%c) took the lock
         * it already held, and now holds it 2 (%u) times. */
        return g_strdup_printf (_("%c locks again (%u)"), letter, event->count);
      /* Translators: a step of a schedule: thread A (%c) took the lock. */
      return g_strdup_printf (_("%c locks"), letter);
    case RECURSIVE_EVENT_WAITS:
      if (event->holder == (int) event->thread)
        /* Translators: a step of a schedule: thread A (%c) waits for the
         * lock that it holds itself. */
        return g_strdup_printf (_("%c waits for itself"), letter);
      /* Translators: a step of a schedule: thread B (the first %c) waits
       * for the lock that thread A (the second %c) holds. */
      return g_strdup_printf (_("%c waits for %c"), letter, letter_of (event->holder));
    case RECURSIVE_EVENT_LOGGED:
      /* Translators: a step of a schedule: thread A (%c) wrote the
       * balance, 100 (%d), to the log. */
      return g_strdup_printf (_("%c logs %d"), letter, event->balance);
    case RECURSIVE_EVENT_DEPOSITED:
      /* Translators: a step of a schedule: thread A (%c) deposited money,
       * and the balance is now 110 (%d). */
      return g_strdup_printf (_("%c deposits: %d"), letter, event->balance);
    case RECURSIVE_EVENT_UNLOCKED:
    default:
      if (event->count > 0)
        /* Translators: a step of a schedule: thread A (%c) unlocked once,
         * and still holds the lock 1 (%u) time. */
        return g_strdup_printf (_("%c unlocks (%u)"), letter, event->count);
      /* Translators: a step of a schedule: thread A (%c) unlocked, and
       * the lock is free. */
      return g_strdup_printf (_("%c unlocks"), letter);
    }
}

static char *
describe_schedule (const RecursiveStepEvent *events,
                   guint                     n_events)
{
  return thaw_scheduler_describe_schedule (events, n_events, sizeof *events, describe_event);
}

/* Where a deposit is, in words. */
static void
show_thread (ThawRecursiveScheduler   *self,
             guint                     index,
             const RecursiveStepsNews *news)
{
  const ThawStepperThread *thread = &news->threads[index];
  g_autofree char *status = NULL, *holds = NULL, *text = NULL;
  const char *where;

  if (news->holder == (int) index)
    /* Translators: what a thread holds, e.g. " · holds the lock 2 times". */
    holds = g_strdup_printf (ngettext (" · holds the lock %u time", " · holds the lock %u times", news->count),
                             news->count);

  thaw_step_listing_mark (self->listing, index,
                          thread->state == THAW_STEPPER_PAUSED || thread->state == THAW_STEPPER_BLOCKED
                          ? (int) thread->step : -1);
  switch (thread->state)
    {
    case THAW_STEPPER_PAUSED:
      switch ((RecursiveStep) thread->step)
        {
        case RECURSIVE_STEP_LOCK:
          where = _("Waits before deposit() locks");
          break;
        case RECURSIVE_STEP_LOCK_AGAIN:
          where = _("Waits before log_balance() locks again");
          break;
        case RECURSIVE_STEP_LOG:
          where = _("Waits before writing the log");
          break;
        case RECURSIVE_STEP_UNLOCK_AGAIN:
          where = _("Waits before log_balance() unlocks");
          break;
        case RECURSIVE_STEP_DEPOSIT:
          where = _("Waits before depositing");
          break;
        case RECURSIVE_STEP_UNLOCK:
        case RECURSIVE_N_STEPS:
        default:
          where = _("Waits before deposit() unlocks");
          break;
        }
      break;
    case THAW_STEPPER_BLOCKED:
      if (news->holder == (int) index)
        where = _("Blocked: waits for a lock it holds itself");
      else
        {
          /* Translators: a thread waits inside pthread_mutex_lock() for
           * the lock, which thread A (%c) holds 2 (%u) times. */
          status = g_strdup_printf (ngettext ("Blocked: waits for the lock, which %c holds %u time",
                                              "Blocked: waits for the lock, which %c holds %u times",
                                              news->count),
                                    letter_of (news->holder), news->count);
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

  text = g_strconcat (where, holds != NULL ? holds : "", NULL);
  thaw_step_row_set_status (index == 0 ? self->row_a : self->row_b, text);
}

/* Who holds the lock and how many times, and who waits for it. */
static void
show_lock (ThawRecursiveScheduler   *self,
           const RecursiveStepsNews *news)
{
  g_autoptr(GString) text = g_string_new (NULL);

  gtk_level_bar_set_value (self->hold_bar, MIN (news->count, 2));
  if (news->holder == RECURSIVE_STEP_NOBODY)
    g_string_append (text, _("The lock is free"));
  else
    /* Translators: the lock's owner, thread A (%c), and its hold count,
     * 2 (%u): a recursive mutex counts its owner's locks. */
    g_string_append_printf (text, ngettext ("The lock: held by %c, %u time", "The lock: held by %c, %u times",
                                            news->count),
                            letter_of (news->holder), news->count);
  for (guint i = 0; i < RECURSIVE_STEP_THREADS; i++)
    if (news->waits[i])
      g_string_append_printf (text, (int) i == news->holder
                              /* Translators: after the lock's owner, e.g. " · A waits for itself". */
                              ? _(" · %c waits for itself")
                              /* Translators: after the lock's owner, e.g. " · B waits for it". */
                              : _(" · %c waits for it"), thaw_scheduler_thread_letter (i));
  gtk_label_set_text (self->lock_label, text->str);
}

static void
show_result (ThawRecursiveScheduler   *self,
             const RecursiveStepsNews *news)
{
  g_autofree char *detail = describe_schedule (news->events, news->n_events);
  g_autofree char *value = NULL;
  char holder = letter_of (news->holder);

  if (news->self_deadlocked)
    {
      /* Translators: the headline: thread A (%c) waits for a lock that it
       * holds itself. */
      value = g_strdup_printf (_("%c waits for itself"), holder);
      thaw_lesson_set_headline (self->lesson, _("Be the Scheduler: self-deadlock!"), value, detail);
      if (news->deadlocked)
        gtk_label_set_text (self->step_status,
                            _("Deadlock! The thread that holds the lock asked for it again, and a plain mutex "
                              "does not know who asks: it waits, inside pthread_mutex_lock(), until the holder "
                              "lets go, and the holder is itself. Every other thread waits behind it. No step can "
                              "ever be taken again. Click “New Threads”, then turn on the recursive mutex and try "
                              "to get here again."));
      else
        gtk_label_set_text (self->step_status,
                            _("A self-deadlock: the thread waits for a lock that it holds itself, and only it "
                              "could let go. It will never take another step. Give the other thread a step: it "
                              "waits too."));
    }
  else if (news->finished)
    {
      if (news->twice_waiter != RECURSIVE_STEP_NOBODY)
        /* Translators: the headline: thread B (the first %c) waited until
         * thread A (the second %c) had unlocked both of its locks. */
        value = g_strdup_printf (_("%c waited until %c unlocked twice"), letter_of (news->twice_waiter),
                                 letter_of (1 - news->twice_waiter));
      else
        /* Translators: the headline: the account's balance, e.g. 120. */
        value = g_strdup_printf (_("Both deposits went through: %d"), news->balance);
      thaw_lesson_set_headline (self->lesson, _("Be the Scheduler: no deadlock"), value, detail);
      gtk_label_set_text (self->step_status,
                          news->twice_waiter != RECURSIVE_STEP_NOBODY
                          ? _("Both deposits went through. The recursive mutex let its owner lock it again and "
                              "counted: every lock had its unlock, and the other thread got the lock only when the "
                              "count was back to zero. Try to deadlock them anyway.")
                          : _("Both deposits went through. Give A its first lock and its second, and give B a step "
                              "while A holds the lock twice."));
    }
  else if (news->twice_waiter != RECURSIVE_STEP_NOBODY)
    {
      /* Translators: the headline: thread A (the first %c) holds the lock
       * twice, and thread B (the second %c) waits for it. */
      value = g_strdup_printf (_("%c holds the lock twice; %c waits"), letter_of (1 - news->twice_waiter),
                               letter_of (news->twice_waiter));
      thaw_lesson_set_headline (self->lesson, _("Be the Scheduler: the lock taken twice"), value, detail);
      gtk_label_set_text (self->step_status,
                          _("The second lock went through: a recursive mutex knows its owner and counts. The "
                            "other thread waits until the count is back to zero: give the owner its steps."));
    }
}

/* The deposits' news, on the main thread. */
static void
steps_news (const RecursiveStepsNews *news,
            gpointer                  user_data)
{
  ThawRecursiveScheduler *self = user_data;
  g_autofree char *balance = NULL;
  gboolean twice = news->twice_waiter != RECURSIVE_STEP_NOBODY;

  self->news = *news;
  for (guint i = 0; i < RECURSIVE_STEP_THREADS; i++)
    show_thread (self, i, news);
  show_lock (self, news);

  /* Translators: the account's balance, e.g. "balance = 110". */
  balance = g_strdup_printf (_("balance = %d"), news->balance);
  gtk_label_set_text (self->balance, balance);
  if (news->n_events > 0)
    {
      g_autofree char *schedule = describe_schedule (news->events, news->n_events);

      gtk_label_set_text (self->schedule, schedule);
    }
  else
    gtk_label_set_text (self->schedule, _("No step taken yet."));

  /* Each goal is announced as it is reached, and the end once. */
  if (news->finished ||
      (news->self_deadlocked && !self->self_deadlock_shown) ||
      (news->deadlocked && !self->deadlock_shown) ||
      (twice && !self->twice_shown))
    {
      self->self_deadlock_shown |= news->self_deadlocked;
      self->deadlock_shown |= news->deadlocked;
      self->twice_shown |= twice;
      show_result (self, news);
    }
  if (self->scheduler != NULL)
    thaw_scheduler_update (self->scheduler, news->threads, news->finished || news->deadlocked,
                           news->self_deadlocked || twice);
}

static RecursiveStepsMutex
chosen_mutex (ThawRecursiveScheduler *self)
{
  return gtk_switch_get_active (self->recursive_switch) ? RECURSIVE_STEPS_RECURSIVE : RECURSIVE_STEPS_PLAIN;
}

static gpointer
steps_start (gpointer   view,
             GError   **error)
{
  ThawRecursiveScheduler *self = view;

  self->mutex = chosen_mutex (self);
  return recursive_steps_start (self->mutex, steps_news, self, error);
}

static void
steps_reset (gpointer view)
{
  ThawRecursiveScheduler *self = view;

  recursive_steps_news_init (&self->news);
  self->self_deadlock_shown = self->deadlock_shown = self->twice_shown = FALSE;
  steps_news (&self->news, self);
}

static gpointer
trial_data (gpointer view)
{
  ThawRecursiveScheduler *self = view;

  self->trial_mutex = chosen_mutex (self);
  return GINT_TO_POINTER (self->trial_mutex);
}

/* A random trial in words: its count... */
static char *
trial_count (guint n_broken,
             guint n_done)
{
  /* Translators: e.g. "1,000 of 1,000 random schedules deadlocked". */
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
  ThawRecursiveScheduler *self = view;

  if (first_broken != NULL)
    {
      const RecursiveStepRun *run = first_broken;
      g_autofree char *schedule = describe_schedule (run->events, run->n_events);

      /* Translators: a count of schedules, then the first schedule that
       * deadlocked, e.g. "A locks → A waits for itself → B waits for A". */
      return g_strdup_printf (_("%s, with a plain mutex: the first deposit to lock it waits for itself. "
                                "The first: %s. “Replay at Speed” plays it."), count, schedule);
    }
  if (self->trial_mutex == RECURSIVE_STEPS_RECURSIVE)
    /* Translators: %s is a count, e.g. "0 of 1,000 random schedules deadlocked". */
    return g_strdup_printf (_("%s, with a recursive mutex: none can."), count);
  return g_strdup_printf ("%s.", count);
}

const ThawSchedulerClass thaw_recursive_scheduler_class = {
  .n_threads = RECURSIVE_STEP_THREADS,
  .start = steps_start,
  .get_stepper = (ThawStepper * (*) (gpointer)) recursive_steps_get_stepper,
  .free = (void (*) (gpointer)) recursive_steps_free,
  .reset = steps_reset,
  .trial_run = recursive_steps_run_random,
  .example_size = sizeof (RecursiveStepRun),
  .example_schedule_offset = G_STRUCT_OFFSET (RecursiveStepRun, schedule),
  .trial_data = trial_data,
  .trial_count = trial_count,
  .trial_end = trial_end,
};

/* The switch picks the mutex of new threads: start them at once, so that
 * what is on screen is always what the switch says. */
static void
recursive_cb (ThawRecursiveScheduler *self)
{
  if (self->lesson != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self->lesson), "lesson.new-threads", NULL);
}

/**
 * thaw_recursive_scheduler_report:
 * @self: the view
 * @builder: the lesson's report
 */
void
thaw_recursive_scheduler_report (ThawRecursiveScheduler *self,
                                 JsonBuilder            *builder)
{
  const RecursiveStepsNews *news = &self->news;
  g_autofree char *schedule = describe_schedule (news->events, news->n_events);
  char holder[2] = { news->holder != RECURSIVE_STEP_NOBODY ? letter_of (news->holder) : '\0', '\0' };

  thaw_scheduler_report (self->scheduler, builder);
  thaw_report_string (builder, "steps_mutex", self->mutex == RECURSIVE_STEPS_RECURSIVE ? "recursive" : "plain");
  thaw_report_int (builder, "steps_events", news->n_events);
  thaw_report_string (builder, "steps_schedule", schedule);
  thaw_report_string (builder, "steps_holder", holder);
  thaw_report_int (builder, "steps_hold_count", news->count);
  thaw_report_int (builder, "steps_deepest", news->deepest);
  thaw_report_boolean (builder, "steps_self_deadlocked", news->self_deadlocked);
  thaw_report_boolean (builder, "steps_deadlocked", news->deadlocked);
  thaw_report_boolean (builder, "steps_waited_on_twice", news->twice_waiter != RECURSIVE_STEP_NOBODY);
  thaw_report_boolean (builder, "steps_finished", news->finished);
  thaw_report_int (builder, "steps_balance", news->balance);
  for (guint i = 0; i < RECURSIVE_STEP_THREADS; i++)
    thaw_scheduler_report_thread (builder, i, &news->threads[i], self->listing);
}

/**
 * thaw_recursive_scheduler_attach:
 * @self: the view, from the lesson's template
 * @lesson: the lesson; its "recursive" knob is the switch
 *
 * Returns: (transfer full): the lesson's scheduler
 */
ThawScheduler *
thaw_recursive_scheduler_attach (ThawRecursiveScheduler *self,
                                 ThawLesson             *lesson)
{
  self->lesson = lesson;
  self->scheduler = thaw_scheduler_new (lesson, &thaw_recursive_scheduler_class, self, self->step_status);
  g_object_bind_property (lesson, "recursive", self->recursive_switch, "active",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  g_signal_connect_swapped (self->recursive_switch, "notify::active", G_CALLBACK (recursive_cb), self);
  return self->scheduler;
}

static void
thaw_recursive_scheduler_class_init (ThawRecursiveSchedulerClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (THAW_TYPE_STEP_LISTING);
  g_type_ensure (THAW_TYPE_STEP_ROW);
  g_type_ensure (THAW_TYPE_STEP_BUTTONS);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/lessons/recursive/recursive-scheduler.ui");
  gtk_widget_class_bind_template_child (widget_class, ThawRecursiveScheduler, listing);
  gtk_widget_class_bind_template_child (widget_class, ThawRecursiveScheduler, row_a);
  gtk_widget_class_bind_template_child (widget_class, ThawRecursiveScheduler, row_b);
  gtk_widget_class_bind_template_child (widget_class, ThawRecursiveScheduler, recursive_switch);
  gtk_widget_class_bind_template_child (widget_class, ThawRecursiveScheduler, hold_bar);
  gtk_widget_class_bind_template_child (widget_class, ThawRecursiveScheduler, lock_label);
  gtk_widget_class_bind_template_child (widget_class, ThawRecursiveScheduler, balance);
  gtk_widget_class_bind_template_child (widget_class, ThawRecursiveScheduler, schedule);
  gtk_widget_class_bind_template_child (widget_class, ThawRecursiveScheduler, step_status);
}

static void
thaw_recursive_scheduler_init (ThawRecursiveScheduler *self)
{
  g_autoptr(GError) error = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  steps_reset (self);
  /* A listing that cannot be read is a bug in Thaw: the tests fail on it. */
  if (!thaw_step_listing_load (self->listing, RESOURCE_BASE "/lessons/recursive/recursive-steps.c", NULL, step_names,
                               RECURSIVE_STEP_THREADS, &error))
    g_critical ("%s", error->message);
}
