/* flood-work.c — A flood of progress updates, and two ways to stem it
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A worker thread sends a million progress updates, 400,000 a second, and
 * hands them to the main thread in one of three ways:
 *
 *   FLOOD_ONE_IDLE_PER_UPDATE  one g_idle_add() per update, the way it is
 *       often written first. Every update becomes a callback the main loop
 *       must run. To keep the app usable the worker waits whenever too many
 *       are pending, and counts how often.
 *
 *   FLOOD_COALESCED  the worker stores the latest value and asks for a
 *       delivery only if none is pending and the last was asked for at
 *       least a frame ago. The last update skips that check, so the final
 *       value is never lost. A few hundred callbacks in all.
 *
 *   FLOOD_PACED  the worker only stores the latest value; the main thread
 *       reads it once per frame with flood_work_poll(). No idle callbacks.
 *
 * The hand-off is this lesson's subject, so it is written out here with
 * g_idle_add() and atomics instead of Thaw's ThawLatest helper, which the
 * other lessons use and which does what FLOOD_COALESCED does.
 */

#include "config.h"

#include <gio/gio.h>

#include "flood-work.h"
#include "thaw-priority.h"

/* How many updates the worker sends between two looks at the clock and at
 * its cancellable. */
#define BATCH 1000
/* One frame at 60 Hz, until the page says how long a frame of its screen
 * really is. */
#define DEFAULT_FRAME_US 16667

/* What the worker and the main thread share.
 *
 * Fields written by one thread and read by the other are only touched with
 * g_atomic_int_*(), each a full memory barrier. The rest is set before the
 * thread starts, or belongs to one thread alone.
 */
struct _FloodWork
{
  gatomicrefcount ref_count;
  GCancellable *cancellable;
  FloodWay way;
  int n_updates;
  int max_pending;

  /* Written by the worker, read by the main thread. */
  int sent;                 /* updates sent so far, also the latest value */
  int finished;             /* the worker will send nothing more */
  int pending_max;
  int throttled;

  /* Written by the main thread, read by the worker. */
  int frame_us;

  /* Idle callbacks added and not run yet: the worker counts one up just
   * before g_idle_add(), the callback counts it down first thing. */
  int pending;
  int dispatches;           /* counted on the main thread, read anywhere */

  /* The worker's alone. */
  gint64 last_asked_at;     /* when the last coalesced delivery was asked */

  /* The main thread's alone. */
  GThread *thread;
  FloodShowFunc show;
  gpointer user_data;
  gboolean ended;           /* the last word was delivered */
  gboolean closed;          /* flood_work_free() ran: tell nobody anything */
};

static FloodWork *
flood_work_ref (FloodWork *work)
{
  g_atomic_ref_count_inc (&work->ref_count);
  return work;
}

static void
flood_work_unref (FloodWork *work)
{
  if (!g_atomic_ref_count_dec (&work->ref_count))
    return;

  /* The last reference may go with the worker or with the last of a flood
   * of callbacks, long after the page is gone. */
  g_object_unref (work->cancellable);
  g_free (work);
}

/* One update in the flood. It holds the work, not the page: a window closed
 * mid-flood leaves thousands of these waiting, and each must find out
 * safely that nobody listens any more. */
typedef struct
{
  FloodWork *work;
  int value;
} FloodUpdate;

static void
flood_update_free (FloodUpdate *update)
{
  flood_work_unref (update->work);
  g_free (update);
}

static gboolean show_one_update_cb (gpointer data);
static gboolean flood_ended_cb (gpointer data);
static gboolean deliver_latest_cb (gpointer data);

/* The worker's side. */

/* The flood's safety valve: with too many callbacks waiting, the worker
 * waits for the main loop to catch up instead of adding more. Without it
 * a million could pile up, and the window would need many seconds to work
 * through them after the worker is long done. */
static void
wait_for_main_loop (FloodWork *work)
{
  if (g_atomic_int_get (&work->pending) < work->max_pending)
    return;

  g_atomic_int_inc (&work->throttled);
  while (g_atomic_int_get (&work->pending) > work->max_pending / 2 &&
         !g_cancellable_is_cancelled (work->cancellable))
    g_usleep (1000);
}

/* Way 1, the flood: every update is a callback of its own. */
static void
send_as_idle (FloodWork *work,
              int        value)
{
  FloodUpdate *update = g_new (FloodUpdate, 1);
  int pending;

  wait_for_main_loop (work);

  update->work = flood_work_ref (work);
  update->value = value;
  pending = g_atomic_int_add (&work->pending, 1) + 1;
  /* Only the worker writes pending_max, so a plain compare is enough. */
  if (pending > g_atomic_int_get (&work->pending_max))
    g_atomic_int_set (&work->pending_max, pending);
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, show_one_update_cb, update,
                   (GDestroyNotify) flood_update_free);
}

/* Way 2, coalesced: ask for a delivery only when none is pending and the
 * last was asked for at least a frame ago: a screen shows one picture per
 * frame, whatever its rate. The delivery reads the value when it runs, so
 * it always shows the latest one. */
static void
send_coalesced (FloodWork *work,
                gboolean   last)
{
  gint64 now = g_get_monotonic_time ();

  /* The last update is always delivered: the final value is never lost. */
  if (!last && now - work->last_asked_at < g_atomic_int_get (&work->frame_us))
    return;

  if (g_atomic_int_compare_and_exchange (&work->pending, 0, 1))
    {
      work->last_asked_at = now;
      g_atomic_int_set (&work->pending_max, 1);
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, deliver_latest_cb,
                       flood_work_ref (work), (GDestroyNotify) flood_work_unref);
    }
}

/* Sleeps when the worker is ahead of its pace, so that every way gets the
 * same stream of updates whatever the machine. */
static void
keep_pace (gint64 started_at,
           int    sent)
{
  gint64 due = started_at + (gint64) sent * G_USEC_PER_SEC / FLOOD_UPDATES_PER_SECOND;
  gint64 now = g_get_monotonic_time ();

  if (due > now)
    g_usleep ((gulong) (due - now));
}

/* The worker thread's whole life. It never calls GTK. */
static gpointer
flood_thread (gpointer data)
{
  FloodWork *work = data;
  gint64 started_at = g_get_monotonic_time ();

  thaw_thread_set_background_priority ();

  for (int value = 1; value <= work->n_updates; value++)
    {
      if (value % BATCH == 0)
        {
          if (g_cancellable_is_cancelled (work->cancellable))
            break;
          keep_pace (started_at, value);
        }

      /* Store the value first: way 3 needs nothing more. */
      g_atomic_int_set (&work->sent, value);
      if (work->way == FLOOD_ONE_IDLE_PER_UPDATE)
        send_as_idle (work, value);
      else if (work->way == FLOOD_COALESCED)
        send_coalesced (work, FALSE);
    }

  g_atomic_int_set (&work->finished, TRUE);

  /* Say the run is over. A flood needs one more callback: it runs after
   * every update sent before it, because idle callbacks of one priority run
   * in the order they were added. A coalesced delivery reads the flag by
   * itself, and so does the paced page. */
  if (work->way == FLOOD_ONE_IDLE_PER_UPDATE)
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, flood_ended_cb,
                     flood_work_ref (work), (GDestroyNotify) flood_work_unref);
  else if (work->way == FLOOD_COALESCED)
    send_coalesced (work, TRUE);

  /* The thread was given a reference of its own; it drops it on return. */
  flood_work_unref (work);
  return NULL;
}

/* The main thread's side. */

/* Every way ends here. The last word comes once: a coalesced delivery
 * asked for just as the worker finished may find it already said. */
static void
deliver (FloodWork *work,
         int        value,
         gboolean   finished)
{
  if (work->closed || work->ended)
    return;

  if (finished)
    {
      /* The worker has said its last word and is returning: this join
       * waits microseconds, not for a running thread. */
      work->ended = TRUE;
      g_thread_join (g_steal_pointer (&work->thread));
    }

  work->show ((guint) value, finished, work->user_data);
}

/* Way 1: one of the flood's callbacks, for one update. */
static gboolean
show_one_update_cb (gpointer data)
{
  FloodUpdate *update = data;

  g_atomic_int_add (&update->work->pending, -1);
  if (!update->work->closed)
    g_atomic_int_inc (&update->work->dispatches);
  deliver (update->work, update->value, FALSE);

  return G_SOURCE_REMOVE;
}

/* Way 1: the callback after the flood's last update. */
static gboolean
flood_ended_cb (gpointer data)
{
  FloodWork *work = data;

  deliver (work, g_atomic_int_get (&work->sent), TRUE);
  return G_SOURCE_REMOVE;
}

/* Way 2: a coalesced delivery of whatever the latest value is now. */
static gboolean
deliver_latest_cb (gpointer data)
{
  FloodWork *work = data;
  gboolean finished;

  /* Clear the flag before reading, so that an update stored after this
   * point asks for a new delivery instead of being lost. */
  g_atomic_int_set (&work->pending, 0);
  finished = g_atomic_int_get (&work->finished);
  if (!work->closed && !work->ended)
    g_atomic_int_inc (&work->dispatches);
  deliver (work, g_atomic_int_get (&work->sent), finished);

  return G_SOURCE_REMOVE;
}

/**
 * flood_work_poll:
 * @work: a paced run
 *
 * Way 3: the main thread fetches the latest value, once per frame. Nobody
 * asks it to; in the app the frame clock calls this anyway to draw the
 * window. The show function may free @work.
 */
void
flood_work_poll (FloodWork *work)
{
  gboolean finished;

  g_return_if_fail (work != NULL && work->way == FLOOD_PACED);

  /* The flag first: the value stored before it is then the last one. */
  finished = g_atomic_int_get (&work->finished);
  deliver (work, g_atomic_int_get (&work->sent), finished);
}

/**
 * flood_work_start:
 * @way: how the updates reach the main thread
 * @n_updates: how many to send (the lesson: %FLOOD_UPDATES)
 * @max_pending: in a flood, the most callbacks to let wait (the lesson:
 *   %FLOOD_MAX_PENDING)
 * @show: receives the updates on the main thread, the last with @finished
 *   set; a paced run's only when flood_work_poll() is called
 * @user_data: for @show
 * @error: where the reason goes if no thread could be made
 *
 * Returns: (transfer full) (nullable): the running job
 */
FloodWork *
flood_work_start (FloodWay       way,
                  guint          n_updates,
                  guint          max_pending,
                  FloodShowFunc  show,
                  gpointer       user_data,
                  GError       **error)
{
  FloodWork *work;

  g_return_val_if_fail (show != NULL, NULL);
  g_return_val_if_fail (n_updates <= G_MAXINT && max_pending >= 2, NULL);

  work = g_new0 (FloodWork, 1);
  g_atomic_ref_count_init (&work->ref_count);
  work->cancellable = g_cancellable_new ();
  work->way = way;
  work->n_updates = (int) n_updates;
  work->max_pending = (int) MIN (max_pending, G_MAXINT);
  work->frame_us = DEFAULT_FRAME_US;
  work->show = show;
  work->user_data = user_data;

  /* The thread gets a reference of its own and drops it when it returns. */
  work->thread = g_thread_try_new ("thaw-flood", flood_thread,
                                   flood_work_ref (work), error);
  if (work->thread == NULL)
    {
      /* The thread never started: both references are still ours. */
      flood_work_unref (work);
      flood_work_unref (work);
      return NULL;
    }

  return work;
}

/**
 * flood_work_set_frame_us:
 * @work: a job
 * @frame_us: how long one frame of the screen is, in µs: 16,667 at 60 Hz,
 *   6,944 at 144 Hz
 *
 * Tells a coalescing worker how often a delivery is worth asking for.
 */
void
flood_work_set_frame_us (FloodWork *work,
                         guint      frame_us)
{
  g_return_if_fail (work != NULL);

  if (frame_us > 0 && frame_us <= G_MAXINT)
    g_atomic_int_set (&work->frame_us, (int) frame_us);
}

/**
 * flood_work_get_counters:
 * @work: a job
 * @counters: (out caller-allocates): where the counters go
 */
void
flood_work_get_counters (FloodWork     *work,
                         FloodCounters *counters)
{
  g_return_if_fail (work != NULL && counters != NULL);

  counters->sent = (guint) g_atomic_int_get (&work->sent);
  counters->pending = (guint) g_atomic_int_get (&work->pending);
  counters->pending_max = (guint) g_atomic_int_get (&work->pending_max);
  counters->dispatches = (guint) g_atomic_int_get (&work->dispatches);
  counters->throttled = (guint) g_atomic_int_get (&work->throttled);
}

/**
 * flood_work_stop:
 * @work: a running job
 *
 * Asks the worker to stop. It looks every thousand updates and every
 * millisecond while it waits, and then ends the run as usual.
 */
void
flood_work_stop (FloodWork *work)
{
  g_return_if_fail (work != NULL);

  g_cancellable_cancel (work->cancellable);
}

gboolean
flood_work_was_stopped (FloodWork *work)
{
  g_return_val_if_fail (work != NULL, FALSE);

  return g_cancellable_is_cancelled (work->cancellable);
}

/**
 * flood_work_free:
 * @work: (transfer full): a job, running or finished
 *
 * Lets go of the job. A worker still running is stopped and joined first,
 * which is quick. The callbacks it already added stay on the main loop, up
 * to @max_pending of them: each finds the job closed and calls nobody.
 */
void
flood_work_free (FloodWork *work)
{
  if (work == NULL)
    return;

  work->closed = TRUE;
  if (work->thread != NULL)
    {
      g_cancellable_cancel (work->cancellable);
      g_thread_join (g_steal_pointer (&work->thread));
    }

  flood_work_unref (work);
}
