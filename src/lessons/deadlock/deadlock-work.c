/* deadlock-work.c — Deadlock: two locks taken in opposite orders
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two accounts, each with its own lock, and two threads moving money
 * between them in opposite directions. Each locks the account it pays
 * from, works for a moment (the delay), then locks the one it pays into.
 * Thread 1→2 holds account 1 and wants account 2; thread 2→1 holds
 * account 2 and wants account 1. Neither will ever let go: a deadlock.
 * A watchdog finds the cycle and one thread backs off. The fix
 * (DEADLOCK_ORDERED): both lock the lower-numbered account first.
 *
 * Read it top to bottom: the two locks, a transfer, the watchdog, the
 * hand-off to the main thread, then start, stop and free.
 */

#include "config.h"

#include <glib/gprintf.h>
#include <stdarg.h>
#include <string.h>

#include "deadlock-work.h"
#include "thaw-latest.h"
#include "thaw-priority.h"
#include "thaw-tsan.h"

#define N_ACCOUNTS DEADLOCK_N_ACCOUNTS
#define N_TRANSFERS DEADLOCK_N_TRANSFERS
#define NOBODY DEADLOCK_NOBODY
#define AMOUNT 10

/* How often a waiting thread tries its lock again. */
#define RETRY_US (1 * G_TIME_SPAN_MILLISECOND)
/* Like a real watchdog it does not stare: a deadlock lasts a while. */
#define WATCH_US (500 * G_TIME_SPAN_MILLISECOND)
/* Trying again at once would often walk straight into the same cycle. */
#define BACK_OFF_US (20 * G_TIME_SPAN_MILLISECOND)
#define MAX_ATTEMPTS 5
/* Work and naps are cut into slices this long, to notice Stop. */
#define SLICE_US (5 * G_TIME_SPAN_MILLISECOND)

/* A transfer's thread: @me is its lane, and the account it pays from. */
typedef struct { DeadlockWork *work; guint me; } Transfer;

/* What the threads and the main thread share. balance[i] is guarded by
 * account_lock[i], the rest by graph_lock. A thread updates the graph
 * right after taking a lock and right before releasing one, so the graph
 * never shows a cycle that is not there. */
struct _DeadlockWork
{
  ThawTimeline *timeline;       /* lanes: the transfers, then the watchdog */
  ThawLatest *latest;           /* the hand-off to the main thread */
  DeadlockOrder order;
  gint64 delay_us, started_at;
  int stopping;                 /* atomic: Stop was pressed */

  GMutex account_lock[N_ACCOUNTS];
  int balance[N_ACCOUNTS];

  GMutex graph_lock;
  GCond graph_changed;          /* wakes the watchdog at once */
  DeadlockNews graph;           /* who holds and waits for what, and the figures */
  gint64 waiting_since[N_TRANSFERS];
  int back_off[N_TRANSFERS];    /* atomic: the watchdog asks to let go */
  int cycle_holder[N_ACCOUNTS]; /* the graph when the watchdog found the cycle */
  int cycle_waits_for[N_TRANSFERS];
  gint64 cycle_closed_at;

  /* The main thread's alone. */
  Transfer transfers[N_TRANSFERS];
  GThread *threads[N_TRANSFERS + 1];    /* the transfers, then the watchdog */
  gboolean delivered_last;
  DeadlockNewsFunc news_func;
  gpointer user_data;
};

static gboolean
stopping (DeadlockWork *work)
{
  return g_atomic_int_get (&work->stopping);
}

/* Milliseconds since the run began: when things happened, for the page. */
static double
ms_since_start (DeadlockWork *work,
                gint64        now)
{
  return (now - work->started_at) / 1000.0;
}

/* Every change of the graph ends here: it wakes the watchdog, rings the
 * main thread, and lets go of graph_lock. */
static void
graph_changed_unlock (DeadlockWork *work)
{
  g_cond_broadcast (&work->graph_changed);
  thaw_latest_publish (work->latest, NULL);
  thaw_mutex_unlock (&work->graph_lock);
}

/* Taking a lock. g_mutex_lock() would wait as long as it takes, and in a
 * deadlock that is forever: nothing could free the thread, and quitting
 * would hang on joining it. So a thread tries the lock, and between two
 * tries looks whether the watchdog asked it to back off, or Stop was
 * pressed. Meanwhile the wait-for graph says what it waits for. */
static gboolean
take_lock (DeadlockWork *work,
           guint         me,
           guint         account)
{
  thaw_mutex_lock (&work->graph_lock);
  work->graph.waits_for[me] = (int) account;
  work->waiting_since[me] = g_get_monotonic_time ();
  graph_changed_unlock (work);
  thaw_timeline_record (work->timeline, me, THAW_LANE_WAITING);

  while (!g_mutex_trylock (&work->account_lock[account]))
    {
      if (g_atomic_int_get (&work->back_off[me]) || stopping (work))
        {
          thaw_mutex_lock (&work->graph_lock);
          work->graph.waits_for[me] = NOBODY;
          graph_changed_unlock (work);
          return FALSE;
        }
      g_usleep (RETRY_US);
    }

  /* TSan cannot see inside GLib's mutex: say that we now own it. */
  THAW_TSAN_ACQUIRE (&work->account_lock[account]);

  thaw_mutex_lock (&work->graph_lock);
  work->graph.waits_for[me] = NOBODY;
  work->graph.holder[account] = (int) me;
  graph_changed_unlock (work);
  thaw_timeline_record (work->timeline, me, THAW_LANE_HOLDING);

  return TRUE;
}

/* The graph forgets the holder before the lock is released, never after.
 * A thread the watchdog told to back off undoes the cycle here: from now
 * on the other thread can take the lock it waits for. */
static void
release_lock (DeadlockWork *work,
              guint         account,
              gboolean      backing_off)
{
  thaw_mutex_lock (&work->graph_lock);
  work->graph.holder[account] = NOBODY;
  if (backing_off && work->graph.undone_at_ms == 0)
    work->graph.undone_at_ms = ms_since_start (work, g_get_monotonic_time ());
  graph_changed_unlock (work);

  THAW_TSAN_RELEASE (&work->account_lock[account]);
  g_mutex_unlock (&work->account_lock[account]);
}

/* Sleeps @us in slices, unless Stop is pressed; the lane says @state. */
static void
pause_for (DeadlockWork  *work,
           guint          lane,
           ThawLaneState  state,
           gint64         us)
{
  gint64 until = g_get_monotonic_time () + us, now;

  thaw_timeline_record (work->timeline, lane, state);
  while ((now = g_get_monotonic_time ()) < until && !stopping (work))
    g_usleep (MIN (until - now, SLICE_US));
}

/* One attempt at a transfer: thread 0 pays from account 0 into account 1,
 * thread 1 the other way. FALSE if it let go before it held both locks. */
static gboolean
try_transfer (DeadlockWork *work,
              guint         me)
{
  guint from = me, to = 1 - me;
  /* Opposite: the natural way, and the wrong one, source first. Ordered:
   * one global order for every thread, the account number. Nobody can
   * then hold a higher lock while waiting for a lower one, so the graph
   * can never close into a cycle. */
  guint first = work->order == DEADLOCK_OPPOSITE ? from : MIN (from, to);
  guint second = work->order == DEADLOCK_OPPOSITE ? to : MAX (from, to);

  if (!take_lock (work, me, first))
    return FALSE;

  /* Work done while holding the first lock: the deadlock's window. */
  pause_for (work, me, THAW_LANE_HOLDING, work->delay_us);

  /* Let go of what we hold, so that the other thread can go on. */
  if (stopping (work) || !take_lock (work, me, second))
    {
      release_lock (work, first, g_atomic_int_get (&work->back_off[me]));
      thaw_timeline_record (work->timeline, me, THAW_LANE_RUNNING);
      return FALSE;
    }

  /* Both accounts are ours: nobody can see the money in between. */
  work->balance[from] -= AMOUNT;
  work->balance[to] += AMOUNT;

  release_lock (work, second, FALSE);
  release_lock (work, first, FALSE);
  thaw_timeline_record (work->timeline, me, THAW_LANE_RUNNING);

  return TRUE;
}

static gpointer
transfer_thread (gpointer data)
{
  Transfer *transfer = data;
  DeadlockWork *work = transfer->work;
  guint me = transfer->me;
  gboolean completed = FALSE;
  guint attempts;

  thaw_thread_set_background_priority ();
  thaw_timeline_record (work->timeline, me, THAW_LANE_RUNNING);

  for (attempts = 0; attempts < MAX_ATTEMPTS && !completed && !stopping (work); attempts++)
    {
      g_atomic_int_set (&work->back_off[me], FALSE);
      completed = try_transfer (work, me);
      if (!completed)
        pause_for (work, me, THAW_LANE_SLEEPING, BACK_OFF_US);
    }

  thaw_mutex_lock (&work->graph_lock);
  work->graph.done[me] = TRUE;
  work->graph.transfers_done += completed ? 1 : 0;
  work->graph.backoffs += attempts - (completed ? 1 : 0);
  if (completed && work->cycle_closed_at != 0 && work->graph.recover_ms == 0)
    work->graph.recover_ms = (g_get_monotonic_time () - work->cycle_closed_at) / 1000.0;
  graph_changed_unlock (work);
  thaw_timeline_record (work->timeline, me, THAW_LANE_FINISHED);

  thaw_latest_unref (work->latest);
  return NULL;
}

/* The watchdog's walk: from a waiting thread to the lock it waits for, to
 * the thread holding that lock, to the lock that one waits for, and so on.
 * If the walk comes back to where it started, these threads wait for each
 * other in a circle and none will ever move: a deadlock. It works for any
 * number of threads. Returns the thread that closed the circle (the last
 * to begin waiting), or NOBODY. Call with graph_lock held. */
static int
find_cycle (DeadlockWork *work,
            int           start,
            int           cycle[N_TRANSFERS])
{
  const DeadlockNews *graph = &work->graph;
  int thread = start, victim = NOBODY;

  for (guint i = 0; i < N_TRANSFERS; i++)
    cycle[i] = NOBODY;
  for (guint step = 0; step < N_TRANSFERS; step++)
    {
      int lock = graph->waits_for[thread];

      /* A thread backing off already is leaving the circle. */
      if (lock == NOBODY || graph->holder[lock] == NOBODY ||
          g_atomic_int_get (&work->back_off[thread]))
        return NOBODY;
      cycle[step] = thread;
      if (victim == NOBODY || work->waiting_since[thread] >= work->waiting_since[victim])
        victim = thread;
      thread = graph->holder[lock];
      if (thread == start)
        return victim;
    }

  return NOBODY;
}

/* One look at the graph. The thread that closed the cycle backs off: it
 * lets go of its lock, and the others can go on. Call with graph_lock
 * held. */
static void
watch (DeadlockWork *work)
{
  int cycle[N_TRANSFERS];
  int victim = NOBODY;
  gint64 now;

  for (int t = 0; t < N_TRANSFERS && victim == NOBODY; t++)
    victim = find_cycle (work, t, cycle);
  if (victim == NOBODY)
    return;

  work->graph.deadlocks++;
  memcpy (work->graph.cycle, cycle, sizeof cycle);
  /* The picture of the cycle as it is now: it will not last. */
  memcpy (work->cycle_holder, work->graph.holder, sizeof work->cycle_holder);
  memcpy (work->cycle_waits_for, work->graph.waits_for, sizeof work->cycle_waits_for);
  work->cycle_closed_at = work->waiting_since[victim];
  now = g_get_monotonic_time ();
  work->graph.detect_ms = (now - work->cycle_closed_at) / 1000.0;
  work->graph.found_at_ms = ms_since_start (work, now);
  work->graph.recover_ms = 0;
  work->graph.undone_at_ms = 0;
  g_atomic_int_set (&work->back_off[victim], TRUE);
  thaw_latest_publish (work->latest, NULL);
}

/* The watchdog looks at the graph twice a second until both are done. */
static gpointer
watchdog_thread (gpointer data)
{
  DeadlockWork *work = data;
  const guint lane = N_TRANSFERS;
  gint64 next_look = work->started_at + WATCH_US;

  thaw_thread_set_background_priority ();
  thaw_timeline_record (work->timeline, lane, THAW_LANE_SLEEPING);

  thaw_mutex_lock (&work->graph_lock);
  while (!(work->graph.done[0] && work->graph.done[1]))
    {
      if (g_get_monotonic_time () >= next_look)
        {
          thaw_timeline_record (work->timeline, lane, THAW_LANE_RUNNING);
          watch (work);
          thaw_timeline_record (work->timeline, lane, THAW_LANE_SLEEPING);
          next_look += WATCH_US;
        }
      /* Woken early when the graph changes, to see the end at once. */
      thaw_cond_wait_until (&work->graph_changed, &work->graph_lock, next_look);
    }
  /* The transfers wrote the balances before they said they were done. */
  work->graph.total_money = work->balance[0] + work->balance[1];
  work->graph.run_ms = ms_since_start (work, g_get_monotonic_time ());
  work->graph.finished = TRUE;
  thaw_timeline_record (work->timeline, lane, THAW_LANE_FINISHED);
  graph_changed_unlock (work);

  thaw_latest_unref (work->latest);
  return NULL;
}

/* The hand-off. Every change of the graph rings thaw_latest_publish():
 * however often, at most one delivery waits on the main loop, and one
 * always comes after the last ring. It hands over nothing: the delivery
 * copies the whole graph at once, under graph_lock, which the threads hold
 * for a few stores at a time. */
static void
deliver_news_cb (gpointer value,
                 gpointer user_data)
{
  DeadlockWork *work = user_data;
  DeadlockNews news;

  /* A ring after the last news: nothing new. */
  if (work->delivered_last)
    return;

  thaw_mutex_lock (&work->graph_lock);
  news = work->graph;
  /* A cycle lasts only until the watchdog breaks it, a few milliseconds:
   * keep showing it as the watchdog saw it. */
  if (news.deadlocks > 0)
    {
      memcpy (news.holder, work->cycle_holder, sizeof news.holder);
      memcpy (news.waits_for, work->cycle_waits_for, sizeof news.waits_for);
    }
  thaw_mutex_unlock (&work->graph_lock);
  news.stopped = stopping (work);

  /* Every thread has said its last word: these joins wait microseconds. */
  work->delivered_last = news.finished;
  for (guint t = 0; news.finished && t <= N_TRANSFERS; t++)
    g_thread_join (g_steal_pointer (&work->threads[t]));

  /* Last: the news function may free the work once it is finished. */
  work->news_func (&news, work->user_data);
}

void
deadlock_news_init (DeadlockNews *news)
{
  *news = (DeadlockNews) { .total_money = N_ACCOUNTS * DEADLOCK_OPENING_BALANCE };
  for (guint i = 0; i < N_ACCOUNTS; i++)
    news->holder[i] = NOBODY;
  for (guint t = 0; t < N_TRANSFERS; t++)
    news->waits_for[t] = news->cycle[t] = NOBODY;
}

DeadlockWork *
deadlock_work_start (DeadlockOrder      order,
                     guint              delay_ms,
                     ThawTimeline      *timeline,
                     DeadlockNewsFunc   news_func,
                     gpointer           user_data,
                     GError           **error)
{
  DeadlockWork *work;

  g_return_val_if_fail (timeline != NULL && news_func != NULL, NULL);

  work = g_new0 (DeadlockWork, 1);
  work->timeline = thaw_timeline_ref (timeline);
  work->latest = thaw_latest_new (deliver_news_cb, work, NULL);
  work->order = order;
  work->delay_us = (gint64) delay_ms * G_TIME_SPAN_MILLISECOND;
  work->started_at = g_get_monotonic_time ();
  for (guint i = 0; i < N_ACCOUNTS; i++)
    {
      g_mutex_init (&work->account_lock[i]);
      work->balance[i] = DEADLOCK_OPENING_BALANCE;
    }
  g_mutex_init (&work->graph_lock);
  g_cond_init (&work->graph_changed);
  deadlock_news_init (&work->graph);
  work->news_func = news_func;
  work->user_data = user_data;

  for (guint t = 0; t <= N_TRANSFERS; t++)
    {
      /* Each thread holds a reference to the hand-off, and drops it last. */
      thaw_latest_ref (work->latest);
      if (t < N_TRANSFERS)
        work->transfers[t] = (Transfer) { work, t };
      work->threads[t] = t < N_TRANSFERS
        ? g_thread_try_new ("thaw-transfer", transfer_thread, &work->transfers[t], error)
        : g_thread_try_new ("thaw-watchdog", watchdog_thread, work, error);
      if (work->threads[t] == NULL)
        {
          /* It never started: its reference is still ours. */
          thaw_latest_unref (work->latest);
          deadlock_work_free (work);
          return NULL;
        }
    }

  return work;
}

void
deadlock_work_stop (DeadlockWork *work)
{
  g_atomic_int_set (&work->stopping, TRUE);
}

/* Every wait and nap looks at Stop every few milliseconds: quick joins. */
void
deadlock_work_free (DeadlockWork *work)
{
  if (work == NULL)
    return;

  g_atomic_int_set (&work->stopping, TRUE);
  for (guint t = 0; t <= N_TRANSFERS; t++)
    if (work->threads[t] != NULL)
      g_thread_join (g_steal_pointer (&work->threads[t]));
  thaw_latest_close (work->latest);

  for (guint i = 0; i < N_ACCOUNTS; i++)
    g_mutex_clear (&work->account_lock[i]);
  g_mutex_clear (&work->graph_lock);
  g_cond_clear (&work->graph_changed);
  thaw_timeline_unref (work->timeline);
  g_free (work);
}

/* ---- Without a watchdog, in a child process ---------------------------- */

/* `thaw --wrong-way deadlock`: the same two transfers with plain
 * g_mutex_lock() and nobody watching. The page runs it in a child process
 * and watches it from outside (src/engine/thaw-child.c), because nothing
 * inside could end it: each thread waits for the other for ever, and the
 * main thread waits for both. */

typedef struct
{
  GMutex account[N_TRANSFERS];
  int first_taken;              /* atomic: threads holding their first lock */
} Bare;

typedef struct { Bare *bare; guint me; } BareTransfer;

static void
tell_parent (const char *format,
             ...) G_GNUC_PRINTF (1, 2);

static void
tell_parent (const char *format,
             ...)
{
  va_list args;

  va_start (args, format);
  g_vprintf (format, args);
  va_end (args);
  g_print ("\n");
  fflush (stdout);
}

static gpointer
bare_transfer_thread (gpointer data)
{
  BareTransfer *transfer = data;
  Bare *bare = transfer->bare;
  guint from = transfer->me, to = 1 - transfer->me;

  g_mutex_lock (&bare->account[from]);
  tell_parent ("transfer %u→%u: took account %u", from + 1, to + 1, from + 1);

  /* The delay between the two locks, made certain: each waits until the
   * other holds its first lock too. A real program leaves it to chance,
   * and deadlocks only now and then. */
  g_atomic_int_inc (&bare->first_taken);
  while (g_atomic_int_get (&bare->first_taken) < N_TRANSFERS)
    g_usleep (1000);

  tell_parent ("transfer %u→%u: asks for account %u…", from + 1, to + 1, to + 1);
  g_mutex_lock (&bare->account[to]);
  tell_parent ("transfer %u→%u: took account %u (never printed)", from + 1, to + 1, to + 1);

  g_mutex_unlock (&bare->account[to]);
  g_mutex_unlock (&bare->account[from]);
  return NULL;
}

/**
 * deadlock_no_watchdog_main:
 *
 * What `thaw --wrong-way deadlock` runs. Only a signal ends it.
 *
 * Returns: never
 */
int
deadlock_no_watchdog_main (void)
{
  static Bare bare;
  static BareTransfer transfers[N_TRANSFERS];
  GThread *threads[N_TRANSFERS];

  for (guint i = 0; i < N_TRANSFERS; i++)
    {
      transfers[i] = (BareTransfer) { &bare, i };
      threads[i] = g_thread_new ("transfer", bare_transfer_thread, &transfers[i]);
    }
  tell_parent ("main: joins both transfers");
  for (guint i = 0; i < N_TRANSFERS; i++)
    g_thread_join (threads[i]);
  tell_parent ("main: joined both (never printed)");

  return 0;
}
