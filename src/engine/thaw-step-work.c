/* thaw-step-work.c — a lesson's stepped threads: started, stepped, joined
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What every lesson that lets the learner schedule its threads needs
 * around them, once: a ThawStepper with every thread paused at its first
 * step point, the threads themselves ("thaw-stepped"), the news to the
 * main loop through a ThawLatest at every change, a scheduler that plays
 * a whole run on the calling thread, and the end: the stepper cancelled,
 * so that every thread leaves its step point or its blocked wait, and
 * every thread joined. The lesson's stepped work file (ID-steps.c) keeps
 * what is its own: the shared state, each thread's code, the news.
 */

#include "config.h"

#include "thaw-step-work.h"

#include "thaw-latest.h"
#include "thaw-priority.h"

/* How long play() waits, all in all, for a thread just let through (a
 * lock let go, a signal sent) to wake up and move. */
#define WAKE_US (10 * G_USEC_PER_SEC)

struct _ThawStepWork
{
  ThawStepper *stepper;
  guint n_threads;
  GThread **threads;
  guint n_started;
  gpointer shared;
  ThawStepWorkThreadFunc thread_func;
  ThawStepWorkSnapshotFunc snapshot;

  ThawLatest *latest;          /* the main thread's; closed by the free */
  ThawLatest *publisher;       /* the threads' reference, kept to the join */
  ThawStepWorkNewsFunc news;
  gpointer user_data;
};

typedef struct
{
  ThawStepWork *work;
  guint me;
} Runner;

static gpointer
runner_thread (gpointer data)
{
  Runner *runner = data;
  ThawStepWork *work = runner->work;

  thaw_thread_set_background_priority ();
  work->thread_func (work->stepper, runner->me, work->shared);
  thaw_stepper_finish (work->stepper, runner->me);
  g_free (runner);

  return NULL;
}

static void
changed (ThawStepper *stepper,
         guint        thread,
         gpointer     user_data)
{
  ThawStepWork *work = user_data;

  thaw_latest_publish (work->publisher, work->snapshot (stepper, work->shared));
}

static void
deliver (gpointer value,
         gpointer user_data)
{
  ThawStepWork *work = user_data;

  work->news (value, work->user_data);
}

/**
 * thaw_step_work_new:
 * @n_threads: how many threads
 * @with_stepper: %FALSE for none at all: every step point lets its thread
 *   through (the bench's baseline)
 * @snapshot: (nullable): makes the news at each change, with @news
 * @news: (nullable): receives the latest news on the main thread
 * @user_data: for @news
 *
 * The stepper of threads still to start (thaw_step_work_get_stepper(): the
 * shared state names it before the threads run). Without @news nobody is
 * told: a caller that plays the whole run itself (thaw_step_work_play())
 * reads the shared state when it is over.
 *
 * Returns: (transfer full): the work, no thread started yet
 */
ThawStepWork *
thaw_step_work_new (guint                     n_threads,
                    gboolean                  with_stepper,
                    ThawStepWorkSnapshotFunc  snapshot,
                    ThawStepWorkNewsFunc      news,
                    gpointer                  user_data)
{
  ThawStepWork *self = g_new0 (ThawStepWork, 1);

  self->n_threads = n_threads;
  self->threads = g_new0 (GThread *, n_threads);
  self->snapshot = snapshot;
  self->news = news;
  self->user_data = user_data;
  if (news != NULL)
    {
      self->latest = thaw_latest_new (deliver, self, g_free);
      self->publisher = thaw_latest_ref (self->latest);
    }
  if (with_stepper)
    self->stepper = thaw_stepper_new (n_threads, TRUE, news != NULL ? changed : NULL, self);

  return self;
}

/**
 * thaw_step_work_start:
 * @self: the work, its threads not started
 * @thread_func: each thread's code, given its number
 * @shared: what the threads share; it must outlive thaw_step_work_free()
 * @error: where the reason goes if a thread could not be made
 *
 * Starts the threads, each of which pauses at its first step point.
 *
 * Returns: %FALSE with @error set if a thread could not be made; the ones
 *   that were are ended and joined by thaw_step_work_free()
 */
gboolean
thaw_step_work_start (ThawStepWork            *self,
                      ThawStepWorkThreadFunc   thread_func,
                      gpointer                 shared,
                      GError                 **error)
{
  g_return_val_if_fail (self->n_started == 0, FALSE);

  self->thread_func = thread_func;
  self->shared = shared;
  for (; self->n_started < self->n_threads; self->n_started++)
    {
      Runner *runner = g_new0 (Runner, 1);

      *runner = (Runner) { self, self->n_started };
      self->threads[self->n_started] = g_thread_try_new ("thaw-stepped", runner_thread, runner, error);
      if (self->threads[self->n_started] == NULL)
        {
          g_free (runner);
          return FALSE;
        }
    }

  return TRUE;
}

ThawStepper *
thaw_step_work_get_stepper (ThawStepWork *self)
{
  return self->stepper;
}

static gboolean
all_done (ThawStepWork *self)
{
  g_autofree ThawStepperThread *threads = g_new (ThawStepperThread, self->n_threads);

  thaw_stepper_get_threads (self->stepper, threads);
  for (guint i = 0; i < self->n_threads; i++)
    if (threads[i].state != THAW_STEPPER_DONE)
      return FALSE;
  return TRUE;
}

/**
 * thaw_step_work_play:
 * @self: the threads, just started
 * @schedule: (array length=n_schedule) (nullable): as thaw_stepper_play()
 * @n_schedule: its length
 * @rand: (nullable): as thaw_stepper_play()
 * @stuck: (nullable): whether the threads left are stuck for good
 *
 * Plays a whole run on the calling thread until every thread has finished
 * or @stuck says they never will. A moment with no thread paused and none
 * stuck is a thread about to wake (a lock just let go): it waits for it.
 * Blocks: never on the main loop.
 *
 * Returns: %TRUE if the threads got stuck, %FALSE if they finished (or
 *   did not move for ten seconds)
 */
gboolean
thaw_step_work_play (ThawStepWork          *self,
                     const guint           *schedule,
                     guint                  n_schedule,
                     GRand                 *rand,
                     ThawStepWorkStuckFunc  stuck)
{
  gint64 give_up_at = g_get_monotonic_time () + WAKE_US;
  guint position = 0;

  for (;;)
    {
      thaw_stepper_play (self->stepper, schedule, n_schedule, &position, rand);
      if (all_done (self))
        return FALSE;
      if (stuck != NULL && stuck (self->stepper, self->shared))
        return TRUE;
      if (g_get_monotonic_time () > give_up_at)
        return FALSE;
      g_usleep (100);
    }
}

/**
 * thaw_step_work_join:
 * @self: the threads
 *
 * Waits for every thread to finish by itself, as threads let run free do.
 */
void
thaw_step_work_join (ThawStepWork *self)
{
  for (guint i = 0; i < self->n_started; i++)
    g_thread_join (self->threads[i]);
  self->n_started = 0;
}

/**
 * thaw_step_work_free:
 * @self: (transfer full) (nullable): the threads, however far they got
 *
 * Cancels the stepper, so that every thread leaves its step point (and a
 * blocked one its wait, within a slice), and joins them all. News already
 * scheduled is delivered to nobody.
 */
void
thaw_step_work_free (ThawStepWork *self)
{
  if (self == NULL)
    return;

  /* Closed first, so that nobody is called; the threads may still
   * publish as they leave, into their own reference. */
  g_clear_pointer (&self->latest, thaw_latest_close);
  if (self->stepper != NULL)
    thaw_stepper_cancel (self->stepper);
  thaw_step_work_join (self);
  g_clear_pointer (&self->publisher, thaw_latest_unref);
  g_clear_pointer (&self->stepper, thaw_stepper_free);
  g_free (self->threads);
  g_free (self);
}
