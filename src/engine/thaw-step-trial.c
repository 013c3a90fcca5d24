/* thaw-step-trial.c — many random schedules of stepped threads, counted
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A lesson lets the learner schedule its threads by hand (thaw-stepper.c);
 * a trial then asks how often the bad interleaving comes up by chance. A
 * conductor thread runs the lesson's stepped threads again and again, each
 * run choosing at random which paused thread takes the next step, counts
 * the runs that went wrong, keeps what the first of them did, and hands
 * the count to the main loop through a ThawLatest: about once a frame, and
 * always at the end. The same seed gives the same schedules.
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "thaw-step-trial.h"

#include "thaw-latest.h"
#include "thaw-priority.h"

struct _ThawStepTrial
{
  GCancellable *cancellable;
  ThawLatest *latest;
  GThread *conductor;
  ThawStepTrialNewsFunc news;
  gpointer user_data;
};

/* What the conductor owns: nothing of the ThawStepTrial but references. */
typedef struct
{
  guint n_runs;
  guint32 seed;
  ThawStepTrialRunFunc run;
  gsize example_size;
  gpointer run_data;
  GCancellable *cancellable;
  ThawLatest *latest;
} Conductor;

/* The news and, right behind it, the first broken run's example. */
static gpointer
copy_news (const ThawStepTrialNews *news,
           gconstpointer            example,
           gsize                    example_size)
{
  ThawStepTrialNews *copy = g_malloc (sizeof *copy + example_size);

  *copy = *news;
  if (news->n_broken > 0)
    {
      memcpy (copy + 1, example, example_size);
      copy->first_broken = copy + 1;
    }
  return copy;
}

static gpointer
conductor_thread (gpointer data)
{
  Conductor *c = data;
  ThawStepTrialNews news = { 0 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (c->seed);
  g_autofree char *example = g_malloc0 (c->example_size);
  g_autofree char *first_broken = g_malloc0 (c->example_size);
  gint64 published_at = 0;

  thaw_thread_set_background_priority ();

  while (news.n_done < c->n_runs && !g_cancellable_is_cancelled (c->cancellable))
    {
      int broken = c->run (rand, example, c->run_data);

      if (broken < 0)
        {
          news.failed = TRUE;
          break;
        }
      news.n_done++;
      if (broken && news.n_broken++ == 0)
        memcpy (first_broken, example, c->example_size);
      /* The count climbs on screen; once a frame is plenty. */
      if (g_get_monotonic_time () - published_at > THAW_LATEST_INTERVAL_US)
        {
          thaw_latest_publish (c->latest, copy_news (&news, first_broken, c->example_size));
          published_at = g_get_monotonic_time ();
        }
    }

  news.finished = TRUE;
  news.stopped = g_cancellable_is_cancelled (c->cancellable);
  thaw_latest_publish (c->latest, copy_news (&news, first_broken, c->example_size));

  thaw_latest_unref (c->latest);
  g_object_unref (c->cancellable);
  g_free (c);

  return NULL;
}

static void
deliver_news (gpointer value,
              gpointer user_data)
{
  ThawStepTrial *self = user_data;
  ThawStepTrialNews *news = value;

  /* The conductor has said its last word and is returning. */
  if (news->finished && self->conductor != NULL)
    g_thread_join (g_steal_pointer (&self->conductor));

  self->news (news, self->user_data);
}

/**
 * thaw_step_trial_start:
 * @n_runs: how many runs
 * @seed: for the random choices
 * @run: one run; called on the conductor thread
 * @example_size: the size of what @run writes down about a run
 * @run_data: for @run, which must be safe to use from the conductor
 *   thread (immutable, or a plain value)
 * @news: receives the news on the main thread, the last time with
 *   finished set, exactly once
 * @user_data: for @news
 * @error: where the reason goes if the conductor could not be made
 *
 * Returns: (transfer full) (nullable): the trial
 */
ThawStepTrial *
thaw_step_trial_start (guint                  n_runs,
                       guint32                seed,
                       ThawStepTrialRunFunc   run,
                       gsize                  example_size,
                       gpointer               run_data,
                       ThawStepTrialNewsFunc  news,
                       gpointer               user_data,
                       GError               **error)
{
  ThawStepTrial *self;
  Conductor *c;

  g_return_val_if_fail (n_runs > 0 && run != NULL && example_size > 0 && news != NULL, NULL);

  self = g_new0 (ThawStepTrial, 1);
  self->cancellable = g_cancellable_new ();
  self->latest = thaw_latest_new (deliver_news, self, g_free);
  self->news = news;
  self->user_data = user_data;

  c = g_new0 (Conductor, 1);
  *c = (Conductor) { n_runs, seed, run, example_size, run_data,
                     g_object_ref (self->cancellable), thaw_latest_ref (self->latest) };
  self->conductor = g_thread_try_new ("thaw-conductor", conductor_thread, c, error);
  if (self->conductor == NULL)
    {
      thaw_latest_unref (c->latest);
      g_object_unref (c->cancellable);
      g_free (c);
      thaw_step_trial_free (self);
      return NULL;
    }

  return self;
}

/**
 * thaw_step_trial_stop:
 * @self: a running trial
 *
 * Asks it to stop after the run under way; its last news ends it.
 */
void
thaw_step_trial_stop (ThawStepTrial *self)
{
  g_cancellable_cancel (self->cancellable);
}

/**
 * thaw_step_trial_free:
 * @self: (transfer full) (nullable): a trial, running or finished
 *
 * Stops and joins the conductor if it still runs; news already scheduled
 * is delivered to nobody.
 */
void
thaw_step_trial_free (ThawStepTrial *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->latest, thaw_latest_close);
  if (self->conductor != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_thread_join (g_steal_pointer (&self->conductor));
    }
  g_object_unref (self->cancellable);
  g_free (self);
}
