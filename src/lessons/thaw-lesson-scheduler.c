/* thaw-lesson-scheduler.c — "Be the Scheduler": a lesson's buttons that
 * step its threads
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A lesson whose threads the learner can schedule by hand has a stepped
 * work file (ID/ID-steps.c, GLib only) and, on its page, a Be the Scheduler
 * part: the threads' code with each one's next line marked, what they
 * share, and the buttons. This file is the buttons, the same for every
 * such lesson:
 *
 *   lesson.step-a, -b      give thread A (B) one step
 *   lesson.run-a, -b       let it run to its end
 *   lesson.run-both        let every thread run at once
 *   lesson.new-threads     start over with fresh threads
 *   lesson.replay          the last schedule that reached the goal (or
 *                          ran to the end, or that a trial found) again,
 *                          on fresh threads, a step every half second;
 *                          what ran free then runs free again
 *   lesson.random-schedules  a thousand runs on a conductor thread, each
 *                          step to a thread chosen at random; counted
 *
 * The page keeps what is its own: the listing, the shared variables, the
 * schedule in words and whether the goal is reached. It hands each news
 * of its threads on with thaw_scheduler_update(). Everything here runs on
 * the main thread; the threads are the work file's.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "thaw-lesson-scheduler.h"
#include "thaw-step-listing.h"

#define MAX_THREADS 3
#define REPLAY_STEP_MS 500

struct _ThawScheduler
{
  ThawLesson *lesson;          /* owns this */
  const ThawSchedulerClass *klass;
  gpointer view;               /* the page's part that shows the threads */
  GtkLabel *status;

  gpointer steps;              /* the threads, while there are any */
  ThawStepperThread threads[MAX_THREADS];   /* as the last news had them */
  gboolean over;               /* finished, or stuck for good */
  guint n_given;               /* steps given to these threads */
  ThawStepSchedule found;      /* what "Replay at Speed" plays */

  guint replay_id;
  guint n_replayed;

  ThawStepTrial *trial;
  guint trial_runs, trial_broken;
};

static G_DEFINE_QUARK (thaw-lesson-scheduler, lesson_scheduler)

char
thaw_scheduler_thread_letter (guint thread)
{
  return (char) ('A' + thread);
}

/**
 * thaw_scheduler_new:
 * @lesson: the page, which frees the scheduler when it is disposed
 * @klass: the lesson's stepped work
 * @view: what @klass's view functions take: the part of the page that
 *   shows the threads, a child of @lesson
 * @status: the label that says what happens
 *
 * Returns: (transfer full): the scheduler, with no threads yet: the first
 *   button pressed starts them
 */
ThawScheduler *
thaw_scheduler_new (ThawLesson               *lesson,
                    const ThawSchedulerClass *klass,
                    gpointer                  view,
                    GtkLabel                 *status)
{
  ThawScheduler *self = g_new0 (ThawScheduler, 1);

  g_return_val_if_fail (klass->n_threads >= 1 && klass->n_threads <= MAX_THREADS, NULL);

  self->lesson = lesson;
  self->klass = klass;
  self->view = view;
  self->status = status;
  gtk_widget_action_set_enabled (GTK_WIDGET (lesson), "lesson.replay", FALSE);

  return self;
}

static void
stop_replay (ThawScheduler *self)
{
  g_clear_handle_id (&self->replay_id, g_source_remove);
}

/**
 * thaw_scheduler_free:
 * @self: (transfer full) (nullable): a scheduler
 *
 * Ends its threads and its trial, joining them, and stops a replay.
 */
void
thaw_scheduler_free (ThawScheduler *self)
{
  if (self == NULL)
    return;

  stop_replay (self);
  g_clear_pointer (&self->trial, thaw_step_trial_free);
  g_clear_pointer (&self->steps, self->klass->free);
  g_free (self);
}

gpointer
thaw_scheduler_get_steps (ThawScheduler *self)
{
  return self->steps;
}

gboolean
thaw_scheduler_is_replaying (ThawScheduler *self)
{
  return self->replay_id != 0;
}

/* Fresh threads, each paused in front of its first step. */
static gboolean
restart (ThawScheduler *self)
{
  g_autoptr(GError) error = NULL;

  stop_replay (self);
  g_clear_pointer (&self->steps, self->klass->free);
  memset (self->threads, 0, sizeof self->threads);
  self->n_given = 0;
  self->over = FALSE;

  self->steps = self->klass->start (self->view, &error);
  if (self->steps == NULL)
    {
      gtk_label_set_text (self->status, error->message);
      return FALSE;
    }
  if (self->klass->reset != NULL)
    self->klass->reset (self->view);
  gtk_label_set_text (self->status, _("Give a thread a step: the line its letter marks is the one it runs next."));
  return TRUE;
}

/* The threads on screen, or fresh ones once those are over. */
static gboolean
ensure_threads (ThawScheduler *self)
{
  if (self->steps != NULL && !self->over)
    return TRUE;
  return restart (self);
}

static gboolean
give_step (ThawScheduler *self,
           guint          thread)
{
  if (!thaw_stepper_grant (self->klass->get_stepper (self->steps), thread))
    return FALSE;
  self->n_given++;
  return TRUE;
}

/**
 * thaw_scheduler_update:
 * @self: a scheduler
 * @threads: (array): where each thread is, from the latest news
 * @over: the threads have finished, or are stuck for good (a deadlock)
 * @keep: the schedule so far reached the lesson's goal: "Replay at Speed"
 *   plays it from now on
 *
 * The page's news function calls this with each news of its threads.
 */
void
thaw_scheduler_update (ThawScheduler           *self,
                       const ThawStepperThread *threads,
                       gboolean                 over,
                       gboolean                 keep)
{
  /* The threads reached their end, or the goal: the "Try This" steps
   * may be waiting for it. */
  if ((over && !self->over) || keep)
    thaw_lesson_note_event (self->lesson, NULL);
  memcpy (self->threads, threads, self->klass->n_threads * sizeof *threads);
  self->over = over;

  /* A replay under way keeps the whole schedule it plays. */
  if ((keep || over) && self->replay_id == 0 && self->steps != NULL)
    {
      thaw_stepper_get_schedule (self->klass->get_stepper (self->steps), &self->found);
      gtk_widget_action_set_enabled (GTK_WIDGET (self->lesson), "lesson.replay", self->found.n_steps > 0);
    }
}

static ThawScheduler *
get_scheduler (GtkWidget *widget)
{
  for (GType type = G_OBJECT_TYPE (widget); type != THAW_TYPE_LESSON; type = g_type_parent (type))
    {
      gpointer offset = g_type_get_qdata (type, lesson_scheduler_quark ());

      if (offset != NULL)
        return G_STRUCT_MEMBER (ThawScheduler *, widget, GPOINTER_TO_SIZE (offset) - 1);
    }
  g_return_val_if_reached (NULL);
}

/* "lesson.step-a" → 0, "lesson.run-b" → 1 */
static guint
thread_of_action (const char *action_name)
{
  return (guint) (action_name[strlen (action_name) - 1] - 'a');
}

static void
step_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawScheduler *self = get_scheduler (widget);
  guint thread = thread_of_action (action_name);
  char letter = thaw_scheduler_thread_letter (thread);
  g_autofree char *text = NULL;

  stop_replay (self);
  if (!ensure_threads (self) || give_step (self, thread))
    return;

  /* Not paused: the click does nothing, and the status says why. */
  switch (self->threads[thread].state)
    {
    case THAW_STEPPER_DONE:
      /* Translators: %c is a thread's letter, A or B. */
      text = g_strdup_printf (_("Thread %c has finished."), letter);
      break;
    case THAW_STEPPER_BLOCKED:
      /* Translators: %c is a thread's letter, A or B. */
      text = g_strdup_printf (_("Thread %c is blocked: it waits for another thread, and a step cannot move it."), letter);
      break;
    case THAW_STEPPER_STARTING:
    case THAW_STEPPER_PAUSED:
    case THAW_STEPPER_RUNNING:
    default:
      /* Translators: %c is a thread's letter, A or B. */
      text = g_strdup_printf (_("Thread %c is still taking its step."), letter);
      break;
    }
  gtk_label_set_text (self->status, text);
}

static void
run_cb (GtkWidget  *widget,
        const char *action_name,
        GVariant   *parameter)
{
  ThawScheduler *self = get_scheduler (widget);

  stop_replay (self);
  if (!ensure_threads (self))
    return;
  if (g_str_equal (action_name, "lesson.run-both"))
    thaw_stepper_run_all (self->klass->get_stepper (self->steps));
  else
    thaw_stepper_run_thread (self->klass->get_stepper (self->steps), thread_of_action (action_name));
}

static void
new_threads_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  restart (get_scheduler (widget));
}

/* Whether every step given has been taken, and no thread is between two
 * step points: then the next step may go. */
static gboolean
settled (ThawScheduler *self)
{
  guint taken = 0;

  for (guint i = 0; i < self->klass->n_threads; i++)
    {
      if (self->threads[i].state == THAW_STEPPER_RUNNING)
        return FALSE;
      taken += self->threads[i].n_taken;
    }
  return taken == self->n_given;
}

static gboolean
replay_tick_cb (gpointer user_data)
{
  ThawScheduler *self = user_data;

  if (self->steps == NULL)
    {
      self->replay_id = 0;
      return G_SOURCE_REMOVE;
    }
  if (!settled (self))
    return G_SOURCE_CONTINUE;
  if (self->n_replayed >= self->found.n_steps)
    {
      /* What the threads did after the schedule, they did running free,
       * all at once: so again. */
      if (!self->over)
        thaw_stepper_run_all (self->klass->get_stepper (self->steps));
      self->replay_id = 0;
      return G_SOURCE_REMOVE;
    }

  /* A thread that cannot take its step now could not have then either:
   * passed over, as thaw_stepper_play() does. */
  if (!give_step (self, self->found.threads[self->n_replayed]))
    g_debug ("replay: thread %u could not take step %u", self->found.threads[self->n_replayed], self->n_replayed);
  self->n_replayed++;

  return G_SOURCE_CONTINUE;
}

static void
replay_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  ThawScheduler *self = get_scheduler (widget);

  if (self->found.n_steps == 0 || !restart (self))
    return;
  self->n_replayed = 0;
  gtk_label_set_text (self->status, _("Replaying the last schedule, a step every half second…"));
  self->replay_id = g_timeout_add (REPLAY_STEP_MS, replay_tick_cb, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->replay_id), "thaw replay");
}

static void
trial_news_cb (const ThawStepTrialNews *news,
               gpointer                 user_data)
{
  ThawScheduler *self = user_data;
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;

  self->trial_runs = news->n_done;
  self->trial_broken = news->n_broken;
  if (news->finished)
    {
      g_clear_pointer (&self->trial, thaw_step_trial_free);
      gtk_widget_action_set_enabled (GTK_WIDGET (self->lesson), "lesson.random-schedules", TRUE);
      if (news->first_broken != NULL)
        {
          /* The first run that went wrong is the one a replay plays. */
          self->found = *(const ThawStepSchedule *) ((const char *) news->first_broken +
                                                     self->klass->example_schedule_offset);
          gtk_widget_action_set_enabled (GTK_WIDGET (self->lesson), "lesson.replay", TRUE);
        }
    }

  count = self->klass->trial_count (news->n_broken, news->n_done);
  if (!news->finished)
    {
      gtk_label_set_text (self->status, count);
      return;
    }
  text = self->klass->trial_end (self->view, count, news->first_broken);
  gtk_label_set_text (self->status, text);
  thaw_lesson_set_headline (self->lesson, _("Random schedules"), count, NULL);
  thaw_lesson_note_event (self->lesson, "random-schedules");
}

static void
random_schedules_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ThawScheduler *self = get_scheduler (widget);
  gpointer data = self->klass->trial_data != NULL ? self->klass->trial_data (self->view) : NULL;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->trial, thaw_step_trial_free);
  self->trial_runs = self->trial_broken = 0;
  self->trial = thaw_step_trial_start (THAW_SCHEDULER_TRIAL_RUNS, g_random_int (), self->klass->trial_run,
                                       self->klass->example_size, data, trial_news_cb, self, &error);
  if (self->trial == NULL)
    {
      gtk_label_set_text (self->status, error->message);
      return;
    }
  gtk_widget_action_set_enabled (widget, "lesson.random-schedules", FALSE);
  gtk_label_set_text (self->status, _("Trying random schedules…"));
}

/**
 * thaw_scheduler_report:
 * @self: a scheduler
 * @builder: a report's object
 *
 * Adds `steps_given` (steps given to the threads on screen),
 * `random_runs` and `random_broken` (of the last trial).
 */
void
thaw_scheduler_report (ThawScheduler *self,
                       JsonBuilder   *builder)
{
  thaw_report_int (builder, "steps_given", self->n_given);
  thaw_report_int (builder, "random_runs", self->trial_runs);
  thaw_report_int (builder, "random_broken", self->trial_broken);
}

/**
 * thaw_lesson_class_add_scheduler:
 * @klass: a lesson's class
 * @offset: where the page keeps its #ThawScheduler pointer, made in its
 *   init with thaw_scheduler_new()
 * @scheduler_class: (not nullable): the stepped work, for its threads'
 *   count
 *
 * Installs the Be the Scheduler actions, and frees the scheduler (its
 * threads joined) when the page is disposed.
 */
void
thaw_lesson_class_add_scheduler (ThawLessonClass          *klass,
                                 gsize                     offset,
                                 const ThawSchedulerClass *scheduler_class)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /* Offset + 1, so that an offset of 0 is not taken for none. */
  g_type_set_qdata (G_TYPE_FROM_CLASS (klass), lesson_scheduler_quark (), GSIZE_TO_POINTER (offset + 1));
  thaw_lesson_class_own (klass, offset, (GDestroyNotify) thaw_scheduler_free);

  for (guint i = 0; i < scheduler_class->n_threads; i++)
    {
      g_autofree char *step = g_strdup_printf ("lesson.step-%c", 'a' + i);
      g_autofree char *run = g_strdup_printf ("lesson.run-%c", 'a' + i);

      gtk_widget_class_install_action (widget_class, step, NULL, step_cb);
      gtk_widget_class_install_action (widget_class, run, NULL, run_cb);
    }
  gtk_widget_class_install_action (widget_class, "lesson.run-both", NULL, run_cb);
  gtk_widget_class_install_action (widget_class, "lesson.new-threads", NULL, new_threads_cb);
  gtk_widget_class_install_action (widget_class, "lesson.replay", NULL, replay_cb);
  gtk_widget_class_install_action (widget_class, "lesson.random-schedules", NULL, random_schedules_cb);
}

/**
 * thaw_scheduler_report_thread:
 * @builder: a report's object
 * @thread: a thread's number
 * @state: where it is
 * @listing: the listing that marks its next line
 *
 * Adds `steps_a_state` (starting, paused, running, done or blocked) and
 * `steps_a_line` (the code of the line marked for it, or "") for thread A,
 * and so on.
 */
void
thaw_scheduler_report_thread (JsonBuilder             *builder,
                              guint                    thread,
                              const ThawStepperThread *state,
                              ThawStepListing         *listing)
{
  static const char *const states[] = { "starting", "paused", "running", "done", "blocked" };
  char letter = g_ascii_tolower (thaw_scheduler_thread_letter (thread));
  g_autofree char *state_name = g_strdup_printf ("steps_%c_state", letter);
  g_autofree char *line_name = g_strdup_printf ("steps_%c_line", letter);
  int line = thaw_step_listing_get_marked_line (listing, thread);
  g_autofree char *code = g_strdup (line >= 0 ? thaw_step_listing_get_line (listing, line) : "");

  G_STATIC_ASSERT (G_N_ELEMENTS (states) == THAW_STEPPER_BLOCKED + 1);
  thaw_report_string (builder, state_name, states[state->state]);
  thaw_report_string (builder, line_name, g_strstrip (code));
}

/**
 * thaw_scheduler_describe_schedule:
 * @events: (array length=n_events): what the threads did, as a lesson
 *   writes it down
 * @n_events: how many
 * @event_size: the size of one
 * @describe: one in words, e.g. "A read 0"
 *
 * Returns: (transfer full): the schedule in words, "A read 0 → B read 0"
 */
char *
thaw_scheduler_describe_schedule (gconstpointer   events,
                                  guint           n_events,
                                  gsize           event_size,
                                  char         *(*describe) (gconstpointer event))
{
  GString *schedule = g_string_new (NULL);

  for (guint i = 0; i < n_events; i++)
    {
      g_autofree char *step = describe ((const char *) events + i * event_size);

      g_string_append_printf (schedule, "%s%s", i > 0 ? " → " : "", step);
    }
  return g_string_free (schedule, FALSE);
}
