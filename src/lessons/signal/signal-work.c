/* signal-work.c — Waiting for a signal: a start gate
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Worker threads line up at a gate and sleep there until they are told to
 * go. The gate is the classic trio: a flag (the predicate), a GMutex that
 * guards it, and a GCond to sleep on until the flag changes.
 *
 *   signal_work_line_up()  starts the threads; the gate stays closed, and
 *       every thread sleeps in g_cond_wait() inside a loop that checks the
 *       flag.
 *   signal_work_go()       opens the gate and wakes every thread with
 *       g_cond_broadcast(). Each thread measures how long after Go it got
 *       through, then works a while.
 *   signal_work_let_one()  hands out one ticket and wakes a thread with
 *       g_cond_signal(), which wakes at least one: the ticket, taken by the
 *       first to look, lets exactly one through.
 *   With SIGNAL_WAIT_IF, the wrong way, a thread looks at the gate once
 *   and trusts the first wake-up, and Let One Through wakes every thread:
 *   each of them goes through on the one ticket.
 *   signal_work_stop()     wakes everybody up to leave, through the gate or
 *       not.
 *   signal_work_free()     stops the threads and joins them: no thread
 *       outlives its owner.
 *
 * Read it top to bottom: the gate, the waiting side, the threads, the
 * signalling side, the hand-off of the threads' news to the main thread,
 * then line up, stop and free. This file uses GLib only; signal-page.c
 * puts it on screen.
 */

#include "config.h"

#include <gio/gio.h>

#include "signal-work.h"
#include "thaw-latest.h"
#include "thaw-priority.h"
#include "thaw-tsan.h"

/* After the gate, a thread works in naps of this long, and looks at the
 * cancellable between them. */
#define WORK_STEP_US 20000

/* The gate. Everything in it is guarded by its mutex. */
typedef struct
{
  GMutex mutex;
  GCond changed;        /* signalled whenever the fields below change */

  gboolean open;        /* the predicate: may everybody go? */
  guint tickets;        /* passes for one thread each, not yet used */
  gboolean closing;     /* everybody must leave: Stop, or the owner left */

  gint64 opened_at;     /* when Go was said */
  gint64 ticket_at;     /* when the last ticket was handed out */

  guint tickets_given;  /* measured: tickets handed out */
  guint without_ticket; /* measured: threads through on a ticket already
                         * taken (the wrong way's) */
} Gate;

/* One thread's seat. What it shows is written by that thread with
 * g_atomic_int_*() and read by the main thread the same way. */
typedef struct
{
  SignalWork *work;     /* borrowed: signal_work_free() joins first */
  SignalRunner shown;
} Runner;

/* What the threads and the main thread share. */
struct _SignalWork
{
  Gate gate;
  SignalWait wait;              /* set before the threads start */
  GCancellable *cancellable;
  ThawLatest *latest;           /* the hand-off to the main thread */
  gulong work_us;               /* set before the threads start */
  guint n_threads;
  Runner runners[SIGNAL_MAX_THREADS];

  /* The main thread's alone. */
  GThread *threads[SIGNAL_MAX_THREADS];  /* started and not joined yet */
  SignalNews news;              /* the figures last delivered */
  SignalNewsFunc news_func;
  gpointer user_data;
};

/* The waiting side, on each thread. */

/* Sleeps until the gate is open or a ticket is there, and then goes
 * through. Returns FALSE if it was told to leave instead.
 *
 * The heart of the lesson is the while loop. g_cond_wait() unlocks the
 * mutex while it sleeps and locks it again before it returns, so the flag
 * is always read under the lock. And it is read again after every wake-up,
 * because a wake-up is only a hint:
 *
 *   - g_cond_wait() may return when nobody signalled (a spurious wake-up);
 *   - g_cond_signal() for a ticket may wake this thread after another one
 *     took the ticket;
 *   - and if Go came before this thread got here, it must not sleep at all:
 *     a signal sent when nobody waits is not remembered, the flag is.
 *
 * (thaw_mutex_lock() and thaw_cond_wait() are g_mutex_lock() and
 * g_cond_wait() that ThreadSanitizer can see: src/engine/thaw-tsan.h.)
 */
static gboolean
pass_the_gate (SignalWork   *work,
               SignalRunner *shown)
{
  Gate *gate = &work->gate;
  gboolean passed = TRUE;
  gint64 through_at;

  thaw_mutex_lock (&gate->mutex);

  g_atomic_int_set (&shown->state, SIGNAL_RUNNER_WAITING);
  thaw_latest_publish (work->latest, NULL);

  while (!gate->open && gate->tickets == 0 && !gate->closing)
    {
      thaw_cond_wait (&gate->changed, &gate->mutex);
      g_atomic_int_inc (&shown->wake_ups);
    }

  through_at = g_get_monotonic_time ();
  if (gate->closing)
    passed = FALSE;
  else if (gate->open)
    g_atomic_int_set (&shown->latency_us, (int) (through_at - gate->opened_at));
  else
    {
      gate->tickets--;
      g_atomic_int_set (&shown->latency_us, (int) (through_at - gate->ticket_at));
    }

  thaw_mutex_unlock (&gate->mutex);

  return passed;
}

/* The wrong way, SIGNAL_WAIT_IF: the same gate, with an if where the
 * while was. The thread looks at the predicate once, sleeps, and takes
 * being woken as proof that it may go. But a wake-up says only that
 * something may have changed: here Let One Through wakes every thread
 * (g_cond_broadcast(), as code must when one GCond stands for several
 * conditions; g_cond_signal() is allowed to wake more than one, and any
 * wait may end for nothing at all). Each thread goes through on the one
 * ticket, which only the first of them finds. */
static gboolean
pass_the_gate_with_if (SignalWork   *work,
                       SignalRunner *shown)
{
  Gate *gate = &work->gate;
  gboolean passed = TRUE;
  gint64 through_at;

  thaw_mutex_lock (&gate->mutex);

  g_atomic_int_set (&shown->state, SIGNAL_RUNNER_WAITING);
  thaw_latest_publish (work->latest, NULL);

  if (!gate->open && gate->tickets == 0 && !gate->closing)
    {
      thaw_cond_wait (&gate->changed, &gate->mutex);
      g_atomic_int_inc (&shown->wake_ups);
    }

  through_at = g_get_monotonic_time ();
  if (gate->closing)
    passed = FALSE;
  else if (gate->open)
    g_atomic_int_set (&shown->latency_us, (int) (through_at - gate->opened_at));
  else
    {
      /* Counted, so that the page can say what the if let through. */
      if (gate->tickets > 0)
        gate->tickets--;
      else
        gate->without_ticket++;
      g_atomic_int_set (&shown->latency_us, (int) (through_at - gate->ticket_at));
    }

  thaw_mutex_unlock (&gate->mutex);

  return passed;
}

/* The work after the gate: short naps, with a look at the cancellable
 * between them. */
static void
work_after_the_gate (SignalWork   *work,
                     SignalRunner *shown)
{
  gulong done = 0;

  while (done < work->work_us)
    {
      /* Nobody can stop a thread from outside; it has to stop itself. */
      if (g_cancellable_is_cancelled (work->cancellable))
        return;

      g_usleep (MIN (WORK_STEP_US, work->work_us - done));
      done += MIN (WORK_STEP_US, work->work_us - done);
      g_atomic_int_set (&shown->work_permille, (int) (done * 1000 / work->work_us));
      thaw_latest_publish (work->latest, NULL);
    }
}

/* One thread's whole life. It never calls GTK. */
static gpointer
runner_thread (gpointer data)
{
  Runner *runner = data;
  SignalWork *work = runner->work;
  SignalRunner *shown = &runner->shown;

  /* A busy machine should slow the job down, not the window. */
  thaw_thread_set_background_priority ();

  if (work->wait == SIGNAL_WAIT_IF ? pass_the_gate_with_if (work, shown)
                                    : pass_the_gate (work, shown))
    {
      g_atomic_int_inc (&shown->passes);
      g_atomic_int_set (&shown->state, SIGNAL_RUNNER_RUNNING);
      thaw_latest_publish (work->latest, NULL);

      work_after_the_gate (work, shown);
      g_atomic_int_set (&shown->state, SIGNAL_RUNNER_DONE);
    }
  else
    g_atomic_int_set (&shown->state, SIGNAL_RUNNER_LEFT);

  /* Its last word: with its state final, the main thread may join it. The
   * thread was given a reference to the hand-off; it drops it on return. */
  thaw_latest_publish (work->latest, NULL);
  thaw_latest_unref (work->latest);
  return NULL;
}

/* The signalling side, on the main thread. The mutex is held only for a
 * few instructions by anyone, so taking it here never stalls the window. */

/* Go: the predicate changes for every waiting thread, so every one of them
 * must be woken: g_cond_broadcast(). */
void
signal_work_go (SignalWork *work)
{
  Gate *gate = &work->gate;

  thaw_mutex_lock (&gate->mutex);
  gate->open = TRUE;
  gate->opened_at = g_get_monotonic_time ();
  g_cond_broadcast (&gate->changed);
  thaw_mutex_unlock (&gate->mutex);

  work->news.gate_open = TRUE;
}

/* One ticket lets one thread through, so one wake-up is enough:
 * g_cond_signal() wakes at least one waiting thread. If it wakes more, the
 * first to take the mutex takes the ticket, and the others find none and
 * go back to sleep: the count, not the signal, lets exactly one through.
 * Signalling before the unlock is good practice, not a rule; what matters
 * is that the ticket is counted under the mutex. */
void
signal_work_let_one (SignalWork *work)
{
  Gate *gate = &work->gate;

  thaw_mutex_lock (&gate->mutex);
  gate->tickets++;
  gate->tickets_given++;
  gate->ticket_at = g_get_monotonic_time ();
  /* The wrong way's gate wakes everybody at every change: harmless to a
   * while, fatal to an if (pass_the_gate_with_if()). */
  if (work->wait == SIGNAL_WAIT_IF)
    g_cond_broadcast (&gate->changed);
  else
    g_cond_signal (&gate->changed);
  thaw_mutex_unlock (&gate->mutex);
}

/* Everybody leaves: a working thread looks at the cancellable between naps,
 * but a sleeping one cannot see it, so it must be woken to notice. The last
 * news, with finished set, ends the job. */
void
signal_work_stop (SignalWork *work)
{
  Gate *gate = &work->gate;

  g_cancellable_cancel (work->cancellable);

  thaw_mutex_lock (&gate->mutex);
  gate->closing = TRUE;
  g_cond_broadcast (&gate->changed);
  thaw_mutex_unlock (&gate->mutex);
}

/* The hand-off. Every change a thread makes rings the doorbell,
 * thaw_latest_publish() (src/engine/thaw-latest.c): however often the
 * threads ring, at most one delivery waits on the main loop, at most one a
 * frame, and one always comes after the last ring.
 *
 * The value handed over is nothing (NULL): the figures stay in the seats,
 * and the delivery reads all of them at once, on the main thread. */
static void
deliver_news_cb (gpointer value,
                 gpointer user_data)
{
  SignalWork *work = user_data;
  SignalNews *news = &work->news;
  guint joined = 0;

  /* A ring that came after the last news was read: nothing new. */
  if (news->finished)
    return;

  news->waiting = news->released = 0;
  news->max_latency_us = 0;
  for (guint i = 0; i < work->n_threads; i++)
    {
      SignalRunner *shown = &work->runners[i].shown;
      SignalRunner *runner = &news->runners[i];

      /* The state first: a thread stores its figures before its state. */
      runner->state = g_atomic_int_get (&shown->state);
      runner->passes = g_atomic_int_get (&shown->passes);
      runner->wake_ups = g_atomic_int_get (&shown->wake_ups);
      runner->latency_us = runner->passes > 0 ? g_atomic_int_get (&shown->latency_us) : 0;
      runner->work_permille = g_atomic_int_get (&shown->work_permille);

      news->waiting += runner->state == SIGNAL_RUNNER_WAITING;
      news->released += runner->passes > 0;
      news->max_latency_us = MAX (news->max_latency_us, runner->latency_us);

      /* Done or left is a thread's last word: it is returning, so this join
       * waits microseconds. Joining a thread that still sleeps at the gate
       * would freeze the window until somebody says Go. */
      if (runner->state >= SIGNAL_RUNNER_DONE && work->threads[i] != NULL)
        g_thread_join (g_steal_pointer (&work->threads[i]));
      joined += work->threads[i] == NULL;
    }
  thaw_mutex_lock (&work->gate.mutex);
  news->tickets = work->gate.tickets_given;
  news->without_ticket = work->gate.without_ticket;
  thaw_mutex_unlock (&work->gate.mutex);
  news->finished = joined == work->n_threads;
  news->stopped = news->finished && g_cancellable_is_cancelled (work->cancellable);

  /* Last: the news function may free the work once it is finished. */
  work->news_func (news, work->user_data);
}

/* Sends away the threads that started, waits for each of them, and lets go
 * of what they shared. */
static void
stop_join_and_free (SignalWork *work)
{
  signal_work_stop (work);
  for (guint i = 0; i < work->n_threads; i++)
    if (work->threads[i] != NULL)
      g_thread_join (g_steal_pointer (&work->threads[i]));

  /* A delivery they scheduled is removed, and calls nobody. */
  thaw_latest_close (work->latest);
  g_cond_clear (&work->gate.changed);
  g_mutex_clear (&work->gate.mutex);
  g_object_unref (work->cancellable);
  g_free (work);
}

/* Starts @n_threads threads, which go and sleep at the closed gate (waiting
 * the @wait way), and work @work_us each once through (the lesson: SIGNAL_LESSON_WORK_US).
 * @news_func gets their news on the main thread, the last time with
 * finished set. Returns NULL, with @error set, if a thread could not be
 * made. */
SignalWork *
signal_work_line_up (guint            n_threads,
                     SignalWait       wait,
                     gulong           work_us,
                     SignalNewsFunc   news_func,
                     gpointer         user_data,
                     GError         **error)
{
  SignalWork *work;

  g_return_val_if_fail (n_threads >= SIGNAL_MIN_THREADS && n_threads <= SIGNAL_MAX_THREADS, NULL);
  g_return_val_if_fail (news_func != NULL, NULL);

  work = g_new0 (SignalWork, 1);
  g_mutex_init (&work->gate.mutex);
  g_cond_init (&work->gate.changed);
  work->cancellable = g_cancellable_new ();
  work->latest = thaw_latest_new (deliver_news_cb, work, NULL);
  work->wait = wait;
  work->work_us = work_us;
  work->n_threads = n_threads;
  work->news.n_threads = n_threads;
  work->news_func = news_func;
  work->user_data = user_data;

  for (guint i = 0; i < n_threads; i++)
    {
      work->runners[i].work = work;
      /* The thread's own reference to the hand-off, dropped as it returns. */
      thaw_latest_ref (work->latest);
      work->threads[i] = g_thread_try_new ("thaw-gate", runner_thread, &work->runners[i], error);
      if (work->threads[i] == NULL)
        {
          /* This thread never started: its reference is still ours. The
           * ones that did start are sent away and joined. */
          thaw_latest_unref (work->latest);
          work->n_threads = i;
          stop_join_and_free (work);
          return NULL;
        }
    }

  return work;
}

/* The figures last delivered (before the first delivery, every thread
 * starting). Main thread only. */
const SignalNews *
signal_work_get_news (SignalWork *work)
{
  return &work->news;
}

/* Lets go of the job, from anywhere on the main thread, the news function
 * included. Threads asleep at the gate are woken to leave and working ones
 * stopped; all are joined before this returns (a sleeper wakes within
 * microseconds, a worker looks between naps of 20 ms). A delivery already
 * scheduled calls nobody. */
void
signal_work_free (SignalWork *work)
{
  if (work != NULL)
    stop_join_and_free (work);
}
