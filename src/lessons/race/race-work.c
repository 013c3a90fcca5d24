/* race-work.c — Lost updates: threads adding to one counter
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two to eight threads each add 1 to one shared counter, many times. Adding
 * 1 is two steps, a read and a write, and a thread that reads just before
 * another one writes overwrites that write with a stale value: the update is
 * lost. The counter ends short, by a different amount every run.
 *
 * The four ways to add, each a function below:
 *   RACE_NO_LOCK          a plain read and write: updates are lost.
 *   RACE_WITH_MUTEX       the same inside a GMutex, taken for every
 *                         increment: exact.
 *   RACE_WITH_ATOMIC_ADD  one g_atomic_int_add() per increment: exact.
 *   RACE_WITH_BATCHES     the GMutex taken once per batch of increments:
 *                         exact, and fast because the threads share less.
 *
 * Read it top to bottom: the ways to add, one run of adder threads
 * (race_run_once()), and the conductor thread that runs a series of runs
 * and hands the news to the main thread through a ThawLatest
 * (race_work_start(), race_work_stop(), race_work_free()). Each run is
 * timed, so the price of being exact is measured too, and the adders record
 * what they do into a ThawTimeline that the page draws. A run is over in
 * milliseconds, so it may go in slow motion: twenty rounds a tenth of a
 * second apart, each addition stretched in time.
 */

#include "config.h"

#include "race-work.h"
#include "thaw-latest.h"
#include "thaw-priority.h"
#include "thaw-tsan.h"

/* In slow motion each adder's additions in a round are stretched over
 * SLOW_WORK_US, and it naps for the rest of the round. */
#define SLOW_WORK_US (30 * G_TIME_SPAN_MILLISECOND)
#define NAP_SLICE_US (5 * G_TIME_SPAN_MILLISECOND)

/* Increments between two looks at Stop. The mutex taken per increment is
 * drawn on the timeline once every so many increments too: it changes
 * hands far too often to record every time. */
#define CHECK_EVERY 8192

/* One run: several threads adding to one counter. It lives on the stack of
 * the thread that calls race_run_once(), which joins every adder. */
typedef struct
{
  RaceWay way;
  guint increments;            /* per thread */
  gboolean slow_motion;
  GCancellable *cancellable;
  ThawTimeline *timeline;      /* may be NULL */

  int counter;
  GMutex counter_lock;         /* RACE_WITH_MUTEX and RACE_WITH_BATCHES */

  /* The start gate: every adder waits here until all of them exist, so
   * that they really run at the same time. */
  GMutex gate_lock;
  GCond gate_cond;
  gboolean gate_open;
  gint64 opened_at;            /* set before the gate opens */
} Run;

typedef struct
{
  Run *run;
  guint lane;                  /* the adder's lane on the timeline */
  gint64 adding_us;            /* time spent adding, naps left out */
} Adder;

static void
record (Run           *run,
        guint          lane,
        ThawLaneState  state)
{
  if (run->timeline != NULL)
    thaw_timeline_record (run->timeline, lane, state);
}

static gboolean
stopped (Run   *run,
         guint  i)
{
  return i % CHECK_EVERY == 0 && g_cancellable_is_cancelled (run->cancellable);
}

/* In slow motion every addition is stretched: the adder keeps its CPU busy
 * between the read and the write until the addition's turn on the clock
 * comes, as if it computed the new value for a while. The gap in which
 * another thread can come between widens, exactly as in a real program
 * that does more work there. At full speed nothing is stretched. */
typedef struct
{
  gint64 start_us;
  double step_us;              /* 0 at full speed */
} Pace;

static Pace
pace_new (const Run *run,
          guint      n)
{
  Pace pace = { g_get_monotonic_time (), 0 };

  if (run->slow_motion && n > 0)
    pace.step_us = (double) SLOW_WORK_US / n;

  return pace;
}

/* Busy on purpose: this stands for real work, so the thread stays running. */
static inline void
stretch (const Pace *pace,
         guint       i)
{
  if (pace->step_us > 0)
    {
      gint64 until = pace->start_us + (gint64) ((i + 1) * pace->step_us);

      while (g_get_monotonic_time () < until)
        ;
    }
}

/* Wrong. A plain read, then a plain write, with nothing to stop another
 * thread from writing in between: then this write puts back a value that is
 * already out of date, and the other update is lost. It is also a data
 * race, which C leaves undefined, and which ThreadSanitizer reports: the
 * TSan gate of Thaw's tests runs this very function. (volatile only keeps
 * the compiler from folding the loop into one addition; it synchronises
 * nothing.) */
static void
add_without_lock (Run   *run,
                  guint  n)
{
  volatile int *counter = &run->counter;
  Pace pace = pace_new (run, n);

  for (guint i = 0; i < n && !stopped (run, i); i++)
    {
      int value = *counter;
      /* <- another thread may read or write right here */
      stretch (&pace, i);
      *counter = value + 1;
    }
}

/* Right: the same read and write, with the mutex held around them, so no
 * other thread can come between them. The lock is taken and released for
 * every increment, a million times per thread by default, and every time
 * it may have to be handed over to another core. That is the price the run
 * measures. */
static void
add_with_mutex (Run   *run,
                guint  lane,
                guint  n)
{
  Pace pace = pace_new (run, n);

  for (guint i = 0; i < n && !stopped (run, i); i++)
    {
      /* Only one increment in CHECK_EVERY is drawn on the timeline. */
      gboolean drawn = i % CHECK_EVERY == 0;
      int value;

      if (drawn)
        record (run, lane, THAW_LANE_WAITING);
      thaw_mutex_lock (&run->counter_lock);
      if (drawn)
        record (run, lane, THAW_LANE_HOLDING);

      value = run->counter;
      stretch (&pace, i);
      run->counter = value + 1;

      /* Recorded while still holding the lock: recorded after unlocking,
       * the next holder could be drawn taking it before this one let go. */
      if (drawn)
        record (run, lane, THAW_LANE_RUNNING);
      thaw_mutex_unlock (&run->counter_lock);
    }
}

/* Right too, and cheaper: the lock is taken once for a whole batch of
 * increments (a round) and held meanwhile. The threads hand the lock over
 * once per batch instead of once per increment, so it is fast because they
 * share less; but the others wait the whole batch, and the lanes show them
 * taking turns. */
static void
add_with_batches (Run   *run,
                  guint  lane,
                  guint  n)
{
  Pace pace;

  record (run, lane, THAW_LANE_WAITING);
  thaw_mutex_lock (&run->counter_lock);
  record (run, lane, THAW_LANE_HOLDING);

  pace = pace_new (run, n);
  for (guint i = 0; i < n && !stopped (run, i); i++)
    {
      int value = run->counter;

      stretch (&pace, i);
      run->counter = value + 1;
    }

  record (run, lane, THAW_LANE_RUNNING);
  thaw_mutex_unlock (&run->counter_lock);
}

/* Right, and lock-free: g_atomic_int_add() reads, adds and writes in one
 * step of the processor, which no other thread can split. The work that
 * comes up with the number to add is done before it. */
static void
add_atomically (Run   *run,
                guint  n)
{
  Pace pace = pace_new (run, n);

  for (guint i = 0; i < n && !stopped (run, i); i++)
    {
      stretch (&pace, i);
      g_atomic_int_add (&run->counter, 1);
    }
}

/* Slow motion: every adder naps until the same moment, so that all of them
 * start each round together, as they would at full speed. */
static void
nap_until (Run    *run,
           guint   lane,
           gint64  wake_at)
{
  gint64 now = g_get_monotonic_time ();

  if (wake_at <= now)
    return;

  record (run, lane, THAW_LANE_SLEEPING);
  /* Short naps, so that Stop is seen within a few milliseconds. */
  while (now < wake_at && !g_cancellable_is_cancelled (run->cancellable))
    {
      g_usleep (MIN (wake_at - now, NAP_SLICE_US));
      now = g_get_monotonic_time ();
    }
  record (run, lane, THAW_LANE_RUNNING);
}

/* An adder thread's whole life. It never calls GTK. */
static gpointer
adder_thread (gpointer data)
{
  Adder *adder = data;
  Run *run = adder->run;

  thaw_thread_set_background_priority ();

  /* The gate: a loop, not an if, for a condition variable may wake a
   * thread for nothing. */
  record (run, adder->lane, THAW_LANE_WAITING);
  thaw_mutex_lock (&run->gate_lock);
  while (!run->gate_open)
    thaw_cond_wait (&run->gate_cond, &run->gate_lock);
  thaw_mutex_unlock (&run->gate_lock);
  record (run, adder->lane, THAW_LANE_RUNNING);

  for (guint round = 0; round < RACE_ROUNDS; round++)
    {
      /* This round's share of the increments; the shares add up exactly. */
      guint n = (guint) ((guint64) run->increments * (round + 1) / RACE_ROUNDS
                         - (guint64) run->increments * round / RACE_ROUNDS);
      gint64 started;

      if (g_cancellable_is_cancelled (run->cancellable))
        break;
      if (run->slow_motion)
        nap_until (run, adder->lane, run->opened_at + round * RACE_SLOW_ROUND_US);

      started = g_get_monotonic_time ();
      switch (run->way)
        {
        case RACE_NO_LOCK:
          add_without_lock (run, n);
          break;
        case RACE_WITH_MUTEX:
          add_with_mutex (run, adder->lane, n);
          break;
        case RACE_WITH_BATCHES:
          add_with_batches (run, adder->lane, n);
          break;
        case RACE_WITH_ATOMIC_ADD:
        case RACE_N_WAYS:
        default:
          add_atomically (run, n);
          break;
        }
      adder->adding_us += g_get_monotonic_time () - started;
    }

  record (run, adder->lane, THAW_LANE_FINISHED);

  return NULL;
}

/**
 * race_run_once:
 * @way: how the adders add
 * @n_threads: how many adders, at most %RACE_MAX_THREADS
 * @increments: how many times each adds 1
 * @slow_motion: whether to stretch the run over about two seconds
 * @timeline: (nullable): where the adders record what they do, lane i for
 *   adder i
 * @cancellable: (nullable): stops the run within a few thousand increments
 * @adding_us: (out): the longest time one adder spent adding, lock waits
 *   included and naps left out
 * @error: where the reason goes if a thread could not be made
 *
 * One run, on the calling thread: starts the adders, opens the gate, joins
 * them all. The ones that did start are joined even after a failure.
 *
 * Returns: the counter's total
 */
guint
race_run_once (RaceWay        way,
               guint          n_threads,
               guint          increments,
               gboolean       slow_motion,
               ThawTimeline  *timeline,
               GCancellable  *cancellable,
               gint64        *adding_us,
               GError       **error)
{
  Run run = { way, increments, slow_motion, cancellable, timeline, 0 };
  GThread *threads[RACE_MAX_THREADS];
  Adder adders[RACE_MAX_THREADS];
  guint started = 0;

  g_return_val_if_fail (n_threads <= RACE_MAX_THREADS, 0);

  g_mutex_init (&run.counter_lock);
  g_mutex_init (&run.gate_lock);
  g_cond_init (&run.gate_cond);

  for (; started < n_threads; started++)
    {
      adders[started] = (Adder) { &run, started, 0 };
      threads[started] = g_thread_try_new ("thaw-adder", adder_thread, &adders[started], error);
      if (threads[started] == NULL)
        break;
    }

  /* Open the gate even after a failure, or the started threads would wait
   * at it forever. */
  thaw_mutex_lock (&run.gate_lock);
  run.opened_at = g_get_monotonic_time ();
  run.gate_open = TRUE;
  g_cond_broadcast (&run.gate_cond);
  thaw_mutex_unlock (&run.gate_lock);

  /* This thread is not the main thread: it may wait as long as it takes. */
  *adding_us = 0;
  for (guint i = 0; i < started; i++)
    {
      g_thread_join (threads[i]);
      /* After the join, everything the adder wrote is visible here. */
      *adding_us = MAX (*adding_us, adders[i].adding_us);
    }

  g_cond_clear (&run.gate_cond);
  g_mutex_clear (&run.gate_lock);
  g_mutex_clear (&run.counter_lock);

  return (guint) run.counter;
}

/* A series: one or more runs of one way, on a conductor thread. The news
 * travels to the main thread through the ThawLatest; the rest is the main
 * thread's alone. */
struct _RaceWork
{
  GCancellable *cancellable;
  ThawLatest *latest;
  GThread *conductor;
  RaceNewsFunc news;
  gpointer user_data;
};

static void
race_news_free (gpointer data)
{
  RaceNews *news = data;

  g_clear_error (&news->error);
  g_free (news);
}

/* The conductor: runs the series' runs one after another and publishes
 * news after each. It shares with the main thread only what is immutable,
 * the cancellable (thread-safe) and the ThawLatest. It holds references of
 * its own, so it needs nothing from the RaceWork. */
typedef struct
{
  RaceWay way;
  guint n_threads, increments, n_runs;
  gboolean slow_motion;
  ThawTimeline *timeline;
  GCancellable *cancellable;
  ThawLatest *latest;
} Conductor;

static gpointer
conductor_thread (gpointer data)
{
  Conductor *c = data;
  RaceNews news = { 0 };

  thaw_thread_set_background_priority ();

  for (guint i = 0; i < c->n_runs && !g_cancellable_is_cancelled (c->cancellable); i++)
    {
      gint64 adding_us;
      GError *error = NULL;
      guint total = race_run_once (c->way, c->n_threads, c->increments, c->slow_motion,
                                   c->timeline, c->cancellable, &adding_us, &error);

      if (error != NULL)
        {
          news.error = error;
          break;
        }
      /* A run cut short by Stop is not a result. */
      if (g_cancellable_is_cancelled (c->cancellable))
        break;

      news.totals[news.n_done++] = total;
      news.last_adding_us = adding_us;
      thaw_latest_publish (c->latest, g_memdup2 (&news, sizeof news));
    }

  /* The last news: the ThawLatest always delivers the last value. */
  news.finished = TRUE;
  news.stopped = g_cancellable_is_cancelled (c->cancellable);
  thaw_latest_publish (c->latest, g_memdup2 (&news, sizeof news));

  thaw_latest_unref (c->latest);
  g_object_unref (c->cancellable);
  if (c->timeline != NULL)
    thaw_timeline_unref (c->timeline);
  g_free (c);
  return NULL;
}

/* A delivery, on the main thread. ThawLatest calls nobody after
 * race_work_free() has closed it. */
static void
deliver_news (gpointer value,
              gpointer user_data)
{
  RaceWork *work = user_data;
  RaceNews *news = value;

  if (news->finished && work->conductor != NULL)
    {
      /* The conductor has said its last word and is returning, so this
       * join waits microseconds. */
      g_thread_join (g_steal_pointer (&work->conductor));
    }

  work->news (news, work->user_data);
}

/**
 * race_work_start:
 * @way: how the adders add
 * @n_threads: adders per run, at most %RACE_MAX_THREADS
 * @increments: additions per adder
 * @n_runs: runs in the series, at most %RACE_MANY_RUNS
 * @slow_motion: whether each run is stretched over about two seconds
 * @timeline: (nullable): where the adders record what they do
 * @news: receives the news on the main thread, the last time with
 *   finished set, exactly once
 * @user_data: for @news
 * @error: where the reason goes if no thread could be made
 *
 * Starts a series of runs on a conductor thread.
 *
 * Returns: (transfer full) (nullable): the series, for race_work_stop()
 *   and race_work_free()
 */
RaceWork *
race_work_start (RaceWay        way,
                 guint          n_threads,
                 guint          increments,
                 guint          n_runs,
                 gboolean       slow_motion,
                 ThawTimeline  *timeline,
                 RaceNewsFunc   news,
                 gpointer       user_data,
                 GError       **error)
{
  RaceWork *work;
  Conductor *c;

  g_return_val_if_fail (news != NULL, NULL);
  g_return_val_if_fail (n_runs >= 1 && n_runs <= RACE_MANY_RUNS, NULL);

  work = g_new0 (RaceWork, 1);
  work->cancellable = g_cancellable_new ();
  work->latest = thaw_latest_new (deliver_news, work, race_news_free);
  work->news = news;
  work->user_data = user_data;

  c = g_new0 (Conductor, 1);
  *c = (Conductor) { way, n_threads, increments, n_runs, slow_motion,
                     timeline != NULL ? thaw_timeline_ref (timeline) : NULL,
                     g_object_ref (work->cancellable), thaw_latest_ref (work->latest) };

  work->conductor = g_thread_try_new ("thaw-conductor", conductor_thread, c, error);
  if (work->conductor == NULL)
    {
      /* The thread never started: its references are still ours. */
      thaw_latest_unref (c->latest);
      g_object_unref (c->cancellable);
      g_clear_pointer (&c->timeline, thaw_timeline_unref);
      g_free (c);
      race_work_free (work);
      return NULL;
    }

  return work;
}

/**
 * race_work_stop:
 * @work: a running series
 *
 * Asks the series to stop: the adders look every few thousand increments,
 * the conductor between runs. Its last news ends it, as usual.
 */
void
race_work_stop (RaceWork *work)
{
  g_return_if_fail (work != NULL);

  g_cancellable_cancel (work->cancellable);
}

/**
 * race_work_free:
 * @work: (transfer full): a series, running or finished
 *
 * Lets go of the series. A conductor still running is stopped and joined
 * first, adders and all: about a millisecond. News already scheduled is
 * delivered to nobody.
 */
void
race_work_free (RaceWork *work)
{
  if (work == NULL)
    return;

  g_clear_pointer (&work->latest, thaw_latest_close);
  if (work->conductor != NULL)
    {
      g_cancellable_cancel (work->cancellable);
      g_thread_join (g_steal_pointer (&work->conductor));
    }
  g_object_unref (work->cancellable);
  g_free (work);
}
