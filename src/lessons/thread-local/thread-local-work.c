/* thread-local-work.c — Each thread's own value
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Several threads format lines of a report. Deep in that work,
 * format_line() needs a scratch buffer and a counter. Nobody passes them
 * down, and a global shared by all threads would need a lock: instead each
 * thread keeps its own, behind one static GPrivate.
 *
 *   tls_work_start()  starts the threads. Each one sets its scratch as its
 *       thread-local value, formats its lines (thread 1 the fewest, the
 *       last thread the most) and returns. As each thread exits, GLib calls
 *       the GPrivate's destroy notify with that thread's scratch, on that
 *       thread: the main thread is told, and counts the notifies as they
 *       come.
 *   tls_work_stop()   asks the threads to stop early, through a
 *       GCancellable. They exit, and their notifies run all the same.
 *   tls_work_free()   stops the threads and joins them: no thread outlives
 *       its owner.
 *
 * The wrong way, TLS_WAY_SHARED_GLOBAL, keeps the scratch in one global
 * variable instead of the GPrivate. Every thread puts its own there and
 * reads it back a moment later, and counts the times it found another
 * thread's: the values mix. The GPrivate way counts the same, and finds 0.
 *
 * Read it top to bottom: what the threads and the main thread share, the
 * thread-local value and its destroy notify, the threads, the wrong way's
 * global, the hand-off of their news to the main thread, then start, stop
 * and free. This file uses GLib only; thread-local-page.c puts it on
 * screen.
 */

#include "config.h"

#include <gio/gio.h>

#include "thread-local-work.h"
#include "thaw-latest.h"
#include "thaw-priority.h"

/* What the threads and the main thread share.
 *
 * Each thread has a slot, where it copies what the main thread shows. The
 * slots are written by the threads (and their destroy notifies) with
 * g_atomic_int_*() and read by the main thread the same way.
 */
typedef struct
{
  int planned;              /* lines to format; set before the thread starts */
  int lines;                /* a copy of the thread's own counter */
  int mixed;                /* reads that found another thread's scratch */
  int returned_at_us;       /* when its function returned, from the start */
  int notify_delay_us;      /* from that return to its destroy notify */
  int destroy_notifies;     /* times its destroy notify ran: must end at 1 */
  int exited;               /* the wrong way, with no notify: its last act */
} Slot;

struct _TlsWork
{
  GCancellable *cancellable;
  ThawLatest *latest;         /* the hand-off to the main thread */
  gint64 started_at;          /* set before the threads start */
  TlsWay way;
  gulong line_us;
  guint n_threads;
  Slot slots[TLS_MAX_THREADS];

  /* The main thread's alone. */
  GThread *threads[TLS_MAX_THREADS];  /* started and not joined yet */
  /* The wrong way's scratches: with no GPrivate, nothing frees them as a
   * thread exits. Another thread may still hold one's address, read from
   * the global, so they are freed with the job, after every join. */
  gpointer loose_scratches[TLS_MAX_THREADS];
  guint n_joined;
  TlsNews news;               /* the figures last delivered */
  TlsNewsFunc news_func;
  gpointer user_data;
};

/* The thread-local value. */

/* One thread's scratch space. Only its own thread ever touches it (until
 * the destroy notify, which runs on that same thread), so it needs no lock. */
typedef struct
{
  TlsWork *work;              /* borrowed: see tls_work_free() */
  ThawLatest *latest;         /* the thread's own reference */
  guint index;
  guint lines;                /* this thread's own counter */
  char buffer[256];
} Scratch;

static void scratch_free (gpointer data);

/* One key for every thread, each with its own value behind it. A GPrivate
 * must be static and set up with G_PRIVATE_INIT: GLib can never free one,
 * and the system has only so many. */
static GPrivate this_thread_scratch = G_PRIVATE_INIT (scratch_free);

/* The destroy notify. When a thread that has a value exits, GLib calls this
 * with that value: after the thread's function has returned, on the exiting
 * thread itself. So it may only touch what is safe from any thread: the
 * slot's atomics, and the hand-off to tell the main thread. */
static void
scratch_free (gpointer data)
{
  Scratch *scratch = data;
  Slot *slot = &scratch->work->slots[scratch->index];
  int now_us = (int) (g_get_monotonic_time () - scratch->work->started_at);

  g_atomic_int_set (&slot->lines, (int) scratch->lines);
  g_atomic_int_set (&slot->notify_delay_us, now_us - g_atomic_int_get (&slot->returned_at_us));
  /* Counted last: a g_atomic_int_*() is a full barrier, so whoever sees the
   * count also sees the figures stored above. */
  g_atomic_int_inc (&slot->destroy_notifies);
  thaw_latest_publish (scratch->latest, NULL);

  thaw_latest_unref (scratch->latest);
  g_free (scratch);
}

/* Formats one line into this thread's scratch buffer and counts it.
 *
 * Nothing passes the scratch down to here: g_private_get() finds the
 * calling thread's own value. Two threads in this function at the same
 * moment get two different scratches, so there is no lock and no race.
 * Returns the scratch it used, for the thread to check. */
static Scratch *
format_line (guint number)
{
  Scratch *scratch = g_private_get (&this_thread_scratch);

  g_snprintf (scratch->buffer, sizeof scratch->buffer,
              "Thread %u, line %u", scratch->index + 1, number);
  scratch->lines++;

  /* A copy for the main thread to show. */
  g_atomic_int_set (&scratch->work->slots[scratch->index].lines, (int) scratch->lines);
  thaw_latest_publish (scratch->latest, NULL);

  return scratch;
}

/* One thread's whole life. It never calls GTK. */
static gpointer
format_lines_thread (gpointer data)
{
  Scratch *scratch = data;
  TlsWork *work = scratch->work;
  Slot *slot = &work->slots[scratch->index];

  /* A busy machine should slow the job down, not the window. */
  thaw_thread_set_background_priority ();

  /* From here on the scratch is this thread's value, and GLib frees it
   * through scratch_free() when the thread exits. (It could as well be made
   * on first use, in format_line(), when g_private_get() returns NULL.) */
  g_private_set (&this_thread_scratch, scratch);

  for (int line = 1; line <= slot->planned; line++)
    {
      /* Nobody can stop a thread from outside; it has to stop itself. */
      if (g_cancellable_is_cancelled (work->cancellable))
        break;

      /* Measured, not taken on trust: the GPrivate gives this thread its
       * own scratch, every time, and this count stays at 0. */
      if (format_line (line) != scratch)
        g_atomic_int_inc (&slot->mixed);
      g_usleep (work->line_us);
    }

  g_atomic_int_set (&slot->returned_at_us, (int) (g_get_monotonic_time () - work->started_at));

  return NULL;
  /* The thread exits here, and GLib calls scratch_free (scratch). */
}

/* The wrong way. */

/* One global where the GPrivate had a value for each thread: every thread
 * writes the same variable. It is written and read with
 * g_atomic_pointer_*(), so each read returns a whole pointer that some
 * thread stored, and ThreadSanitizer finds no data race: the bug here is
 * not a torn value but a logic race. Between a thread's write and its read,
 * another thread writes its own, and the read finds that one. */
static Scratch *shared_scratch;

/* One thread's life, the wrong way. It never calls GTK. */
static gpointer
shared_global_thread (gpointer data)
{
  Scratch *scratch = data;
  TlsWork *work = scratch->work;
  Slot *slot = &work->slots[scratch->index];

  thaw_thread_set_background_priority ();

  for (int line = 1; line <= slot->planned; line++)
    {
      Scratch *found;

      if (g_cancellable_is_cancelled (work->cancellable))
        break;

      /* Set once, the global would hold the last thread's scratch for
       * good; so each line puts this thread's there again... */
      g_atomic_pointer_set (&shared_scratch, scratch);
      /* ...the work before the line takes a moment, while the other
       * threads run theirs... */
      g_usleep (work->line_us / 2);
      /* ...and the line reads it back, where format_line() would call
       * g_private_get(): whichever thread wrote last, maybe not this one. */
      found = g_atomic_pointer_get (&shared_scratch);

      /* A real program would now write its line into @found, another
       * thread's buffer, while that thread writes there too. This one
       * only counts the mix-up, so that it is measured and does no harm.
       * The read first, then whether it mixed: as in the right way. */
      scratch->lines++;
      g_atomic_int_set (&slot->lines, (int) scratch->lines);
      if (found != scratch)
        g_atomic_int_inc (&slot->mixed);
      thaw_latest_publish (scratch->latest, NULL);

      g_usleep (work->line_us - work->line_us / 2);
    }

  g_atomic_int_set (&slot->returned_at_us, (int) (g_get_monotonic_time () - work->started_at));

  /* No destroy notify tells the main thread that this one is done: it says
   * so itself, last (a full barrier, after the figures above). */
  g_atomic_int_set (&slot->exited, TRUE);
  thaw_latest_publish (scratch->latest, NULL);
  thaw_latest_unref (scratch->latest);

  return NULL;
}

/* The hand-off. Every line and every destroy notify rings the doorbell,
 * thaw_latest_publish(): however often the threads ring, at most one
 * delivery waits on the main loop, at most one a frame, and one always
 * comes after the last ring.
 *
 * The value handed over is nothing (NULL): the figures stay in the slots,
 * and the delivery reads all of them at once, on the main thread. Snapshots
 * taken by the threads would not do: two threads can take theirs in one
 * order and publish them in the other, and the latest would then miss the
 * other thread's notify. */

/* A delivery, on the main thread: reads every slot, and joins each thread
 * whose destroy notify has run (the wrong way: that has said it exited). */
static void
deliver_news_cb (gpointer value,
                 gpointer user_data)
{
  TlsWork *work = user_data;
  TlsNews *news = &work->news;

  /* A ring that came after the last news was read: nothing new. */
  if (news->finished)
    return;

  news->destroy_notifies = 0;
  news->reads = news->mixed = 0;
  for (guint i = 0; i < work->n_threads; i++)
    {
      Slot *slot = &work->slots[i];
      TlsThreadNews *thread = &news->threads[i];
      gboolean exited;

      /* The count first: a notify stores its figures before counting. */
      thread->notifies = g_atomic_int_get (&slot->destroy_notifies);
      exited = work->way == TLS_WAY_SHARED_GLOBAL ? g_atomic_int_get (&slot->exited) : thread->notifies > 0;
      /* Read "mixed" before "lines": a thread counts a read before it
       * counts it as mixed, so the news never has more mixed reads than
       * reads. */
      thread->mixed = g_atomic_int_get (&slot->mixed);
      thread->lines = g_atomic_int_get (&slot->lines);
      thread->notify_delay_us = g_atomic_int_get (&slot->notify_delay_us);
      news->destroy_notifies += (guint) thread->notifies;
      news->reads += (guint) thread->lines;
      news->mixed += (guint) thread->mixed;

      /* The destroy notify, or the wrong way's flag, was the thread's last
       * act: this join waits microseconds at most. */
      if (exited && work->threads[i] != NULL)
        {
          g_thread_join (g_steal_pointer (&work->threads[i]));
          work->n_joined++;
        }
      thread->exited = work->threads[i] == NULL;
    }
  news->finished = work->n_joined == work->n_threads;
  news->stopped = news->finished && g_cancellable_is_cancelled (work->cancellable);

  /* Last: the news function may free the work once it is finished. */
  work->news_func (news, work->user_data);
}

/* Stops the threads that started, waits for each of them, and lets go of
 * what they shared. */
static void
stop_join_and_free (TlsWork *work)
{
  g_cancellable_cancel (work->cancellable);
  for (guint i = 0; i < work->n_threads; i++)
    if (work->threads[i] != NULL)
      g_thread_join (g_steal_pointer (&work->threads[i]));
  /* Every thread is gone: nobody reads the global any more. */
  for (guint i = 0; i < work->n_threads; i++)
    g_free (work->loose_scratches[i]);

  /* A delivery their notifies scheduled is removed, and calls nobody. */
  thaw_latest_close (work->latest);
  g_object_unref (work->cancellable);
  g_free (work);
}

/**
 * tls_work_start:
 * @way: where the threads keep their scratch: a GPrivate, or the wrong way's
 *   shared global
 * @n_threads: how many threads, from %TLS_MIN_THREADS to %TLS_MAX_THREADS
 * @fewest_lines: the lines of thread 1 (the lesson: %TLS_LESSON_FEWEST_LINES)
 * @most_lines: the lines of the last thread (%TLS_LESSON_MOST_LINES)
 * @line_us: the nap after each line (%TLS_LESSON_LINE_US)
 * @news_func: receives the news on the main thread, exactly once with
 *   @finished set, after every thread has been joined
 * @user_data: for @news_func
 * @error: where the reason goes if a thread could not be made
 *
 * Starts the threads, each with its own scratch as its thread-local value
 * (or, the wrong way, in the one shared global), and their news delivered
 * to the default main context.
 *
 * Returns: (transfer full) (nullable): the running job, for tls_work_stop()
 *   and tls_work_free()
 */
TlsWork *
tls_work_start (TlsWay        way,
                guint         n_threads,
                guint         fewest_lines,
                guint         most_lines,
                gulong        line_us,
                TlsNewsFunc   news_func,
                gpointer      user_data,
                GError      **error)
{
  TlsWork *work;

  g_return_val_if_fail (n_threads >= TLS_MIN_THREADS && n_threads <= TLS_MAX_THREADS, NULL);
  g_return_val_if_fail (fewest_lines <= most_lines, NULL);
  g_return_val_if_fail (news_func != NULL, NULL);

  work = g_new0 (TlsWork, 1);
  work->cancellable = g_cancellable_new ();
  work->latest = thaw_latest_new (deliver_news_cb, work, NULL);
  work->way = way;
  work->line_us = line_us;
  work->n_threads = n_threads;
  work->news_func = news_func;
  work->user_data = user_data;
  work->news.n_threads = n_threads;
  work->news.way = way;

  /* Thread 1 gets the fewest lines and the last one the most, so that they
   * end one after another. */
  for (guint i = 0; i < n_threads; i++)
    {
      work->slots[i].planned = (int) (fewest_lines +
        (n_threads > 1 ? (most_lines - fewest_lines) * i / (n_threads - 1) : 0));
      work->news.threads[i].planned = work->slots[i].planned;
    }

  work->started_at = g_get_monotonic_time ();
  for (guint i = 0; i < n_threads; i++)
    {
      Scratch *scratch = g_new0 (Scratch, 1);

      scratch->work = work;
      /* The thread's own reference: its destroy notify drops it. */
      scratch->latest = thaw_latest_ref (work->latest);
      scratch->index = i;
      work->threads[i] = g_thread_try_new ("thaw-scratch",
                                           way == TLS_WAY_SHARED_GLOBAL ? shared_global_thread : format_lines_thread,
                                           scratch, error);
      if (work->threads[i] != NULL && way == TLS_WAY_SHARED_GLOBAL)
        work->loose_scratches[i] = scratch;
      if (work->threads[i] == NULL)
        {
          /* The thread never started, so its scratch is still ours. The
           * others are stopped and joined: their notifies have then run. */
          thaw_latest_unref (scratch->latest);
          g_free (scratch);
          work->n_threads = i;
          stop_join_and_free (work);
          return NULL;
        }
    }

  return work;
}

/**
 * tls_work_get_news:
 * @work: a job
 *
 * Main thread only.
 *
 * Returns: (transfer none): the figures last delivered; before the first
 *   delivery, the lines planned and nothing done
 */
const TlsNews *
tls_work_get_news (TlsWork *work)
{
  g_return_val_if_fail (work != NULL, NULL);

  return &work->news;
}

/**
 * tls_work_stop:
 * @work: a running job
 *
 * Asks the threads to stop. Each looks before every line, returns, and its
 * destroy notify runs as usual; the last news, with @finished set, ends the
 * job.
 */
void
tls_work_stop (TlsWork *work)
{
  g_return_if_fail (work != NULL);

  g_cancellable_cancel (work->cancellable);
}

/**
 * tls_work_free:
 * @work: (transfer full): a job, running or finished
 *
 * Lets go of the job. Threads still running are stopped and joined first:
 * each looks at the cancellable before every line (20 ms apart in the
 * lesson), and its destroy notify runs before its join returns, so no
 * notify ever touches a freed job. A delivery already scheduled is removed
 * and calls nobody. It may be called from the news function.
 */
void
tls_work_free (TlsWork *work)
{
  if (work == NULL)
    return;

  stop_join_and_free (work);
}
