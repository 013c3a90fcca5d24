/* flood-work.c — A flood of progress updates, and two ways to stem it
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A worker thread sends a million progress updates, 400,000 a second, and
 * hands them to the main thread in one of three ways:
 *
 *   FLOOD_ONE_IDLE_PER_UPDATE  one g_idle_add() per update, as it is often
 *       written first: a million callbacks for the main loop to run.
 *   FLOOD_COALESCED  the worker stores the latest value and asks for a
 *       delivery only if none is pending, at most once a frame, and always
 *       for the last value. A few hundred callbacks in all.
 *   FLOOD_PACED  the worker only stores the latest value; the main thread
 *       reads it once per frame in flood_work_frame(). No callbacks.
 *
 * The hand-off is what this lesson teaches, so it is written out here with
 * g_idle_add() and atomics; the other lessons use ThawLatest, a helper that
 * does what FLOOD_COALESCED does.
 */

#include "config.h"

#include <glib.h>

#include "flood-work.h"
#include "thaw-priority.h"

#define UPDATES_PER_SECOND 400000
/* Updates between two looks at the clock and at the stop flag. */
#define BATCH 1000

/* What the two threads share. A field one writes and the other reads is
 * only touched with g_atomic_*(), each a full memory barrier. The worker and
 * every pending callback hold a reference (g_atomic_rc_box_acquire()), so
 * the last may go long after the page. */
struct _FloodWork
{
  FloodWay way;
  int n_updates, max_pending;

  int sent;                 /* by the worker: also the latest value */
  int finished;             /* by the worker: it sends nothing more */
  int pending_max, throttled;
  int pending;              /* idle callbacks added and not run yet */
  int frame_us, dispatches; /* by the main thread */
  int stopping;             /* nobody can stop a thread: it stops itself */
  gint64 last_asked_at;     /* the worker's alone */

  /* The main thread's alone. */
  GThread *thread;
  FloodShowFunc show;
  gpointer user_data;
  gboolean ended;           /* the last word was delivered */
  gboolean closed;          /* flood_work_free() ran: tell nobody anything */
};

/* One update in the flood holds the work, not the page: a window closed
 * mid-flood leaves thousands waiting, each to find that nobody listens. */
typedef struct
{
  FloodWork *work;
  int value;
} FloodUpdate;

static gboolean show_one_update_cb (gpointer data);
static gboolean deliver_latest_cb (gpointer data);

/* Way 1, the flood: every update is a callback of its own. */
static void
send_as_idle (FloodWork *work,
              int        value)
{
  FloodUpdate *update = g_new (FloodUpdate, 1);
  int pending;

  /* The safety valve: without it a million could pile up, and the window
   * would need seconds to clear them after the worker is done. */
  if (g_atomic_int_get (&work->pending) >= work->max_pending)
    {
      g_atomic_int_inc (&work->throttled);
      while (g_atomic_int_get (&work->pending) > work->max_pending / 2 &&
             !g_atomic_int_get (&work->stopping))
        g_usleep (1000);
    }

  /* The pointer's barrier publishes the value to the callback. */
  update->value = value;
  g_atomic_pointer_set (&update->work, g_atomic_rc_box_acquire (work));
  pending = g_atomic_int_add (&work->pending, 1) + 1;
  if (pending > g_atomic_int_get (&work->pending_max))
    g_atomic_int_set (&work->pending_max, pending);
  g_idle_add (show_one_update_cb, update);
}

/* Way 2, coalesced: a screen shows one picture per frame, so ask at most
 * once a frame, and only when no delivery is pending. The delivery reads
 * the value when it runs: it shows the latest one. */
static void
send_coalesced (FloodWork *work,
                gboolean   last)
{
  gint64 now = g_get_monotonic_time ();

  if (!last && now - work->last_asked_at < g_atomic_int_get (&work->frame_us))
    return;

  if (g_atomic_int_compare_and_exchange (&work->pending, 0, 1))
    {
      work->last_asked_at = now;
      g_atomic_int_set (&work->pending_max, 1);
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, deliver_latest_cb,
                       g_atomic_rc_box_acquire (work), g_atomic_rc_box_release);
    }
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
          /* Keep pace: every way gets the same stream, whatever the machine. */
          gint64 due = started_at + (gint64) value * G_USEC_PER_SEC / UPDATES_PER_SECOND;
          gint64 now = g_get_monotonic_time ();

          if (g_atomic_int_get (&work->stopping))
            break;
          if (due > now)
            g_usleep ((gulong) (due - now));
        }

      /* Way 3 needs no more than this. */
      g_atomic_int_set (&work->sent, value);
      if (work->way == FLOOD_ONE_IDLE_PER_UPDATE)
        send_as_idle (work, value);
      else if (work->way == FLOOD_COALESCED)
        send_coalesced (work, FALSE);
    }

  g_atomic_int_set (&work->finished, TRUE);

  /* A flood ends with one more callback: idle callbacks of one priority run
   * in the order they were added, so it comes after every update. */
  if (work->way == FLOOD_ONE_IDLE_PER_UPDATE)
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, deliver_latest_cb,
                     g_atomic_rc_box_acquire (work), g_atomic_rc_box_release);
  else if (work->way == FLOOD_COALESCED)
    send_coalesced (work, TRUE);

  /* The thread was given a reference of its own. */
  g_atomic_rc_box_release (work);
  return NULL;
}

/* On the main thread, every way ends here. The last word is said once: a
 * coalesced delivery asked for as the worker finished may come after it. */
static void
deliver (FloodWork *work,
         int        value,
         gboolean   finished)
{
  if (work->closed || work->ended)
    return;

  if (finished)
    {
      /* The worker is returning: this join waits microseconds. */
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
  FloodWork *work = g_atomic_pointer_get (&update->work);

  g_atomic_int_add (&work->pending, -1);
  if (!work->closed)
    g_atomic_int_inc (&work->dispatches);
  deliver (work, update->value, FALSE);

  g_free (update);
  g_atomic_rc_box_release (work);
  return G_SOURCE_REMOVE;
}

/* Way 2: a delivery of whatever the latest value is now. It also ends a
 * flood, once every update has run and the latest value is the last. */
static gboolean
deliver_latest_cb (gpointer data)
{
  FloodWork *work = data;
  gboolean finished;

  /* Clear the flag before reading, so that an update stored after this
   * point asks for a new delivery instead of being lost. */
  g_atomic_int_set (&work->pending, 0);
  finished = g_atomic_int_get (&work->finished);
  if (work->way == FLOOD_COALESCED && !work->closed && !work->ended)
    g_atomic_int_inc (&work->dispatches);
  deliver (work, g_atomic_int_get (&work->sent), finished);

  return G_SOURCE_REMOVE;
}

/* The main thread calls this once per frame (in the app, from a tick
 * callback: the frame clock runs anyway to draw the window), with the
 * frame's length: 16,667 µs at 60 Hz, 6,944 at 144 Hz. */
void
flood_work_frame (FloodWork *work,
                  guint      frame_us)
{
  /* Read first: if it is set, the value read after it is the last. */
  gboolean finished = g_atomic_int_get (&work->finished);

  /* Way 2 asks at most once per frame of this screen. */
  if (frame_us > 0)
    g_atomic_int_set (&work->frame_us, (int) frame_us);
  /* Way 3 fetches the latest value. */
  if (work->way == FLOOD_PACED)
    deliver (work, g_atomic_int_get (&work->sent), finished);
}

/* Starts @n_updates (the lesson: FLOOD_UPDATES) on a worker thread; a
 * flood lets at most @max_pending callbacks wait. Returns NULL if no thread
 * could be made. */
FloodWork *
flood_work_start (FloodWay       way,
                  guint          n_updates,
                  guint          max_pending,
                  FloodShowFunc  show,
                  gpointer       user_data,
                  GError       **error)
{
  FloodWork *work;

  g_return_val_if_fail (n_updates <= G_MAXINT && max_pending <= G_MAXINT, NULL);

  work = g_atomic_rc_box_new0 (FloodWork);
  work->way = way;
  work->n_updates = (int) n_updates;
  work->max_pending = (int) max_pending;
  work->frame_us = 16667;     /* 60 Hz, until the page knows its screen */
  work->show = show;
  work->user_data = user_data;

  work->thread = g_thread_try_new ("thaw-flood", flood_thread, g_atomic_rc_box_acquire (work), error);
  if (work->thread != NULL)
    return work;

  /* The thread never started: its reference is ours to drop too. */
  g_atomic_rc_box_release (work);
  g_atomic_rc_box_release (work);
  return NULL;
}

void
flood_work_get_counters (FloodWork     *work,
                         FloodCounters *counters)
{
  counters->sent = (guint) g_atomic_int_get (&work->sent);
  counters->pending = (guint) g_atomic_int_get (&work->pending);
  counters->pending_max = (guint) g_atomic_int_get (&work->pending_max);
  counters->dispatches = (guint) g_atomic_int_get (&work->dispatches);
  counters->throttled = (guint) g_atomic_int_get (&work->throttled);
}

/* The worker looks every thousand updates, and every millisecond while it
 * waits; then it ends the run as usual. */
void
flood_work_stop (FloodWork *work)
{
  g_atomic_int_set (&work->stopping, TRUE);
}

/* A worker still running is stopped and joined first, which is quick. The
 * callbacks it added stay on the main loop, up to @max_pending of them:
 * each finds the job closed and calls nobody. */
void
flood_work_free (FloodWork *work)
{
  if (work == NULL)
    return;

  work->closed = TRUE;
  if (work->thread != NULL)
    {
      g_atomic_int_set (&work->stopping, TRUE);
      g_thread_join (g_steal_pointer (&work->thread));
    }

  g_atomic_rc_box_release (work);
}
