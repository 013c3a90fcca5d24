/* thaw-bench.c — how responsive does the main loop stay?
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each scenario runs on a plain GMainLoop with a ThawHeartbeat beating on
 * it, the way the window's meter does, and ends with one row: how late the
 * heartbeat ran (the main loop's responsiveness), how much work the main
 * loop was given (progress reports sent by workers, callbacks it had to
 * dispatch), whether the final progress arrived exactly, how fast
 * cancellation was, the wall time and, where work was spread over cores,
 * the speed-up.
 *
 * No GTK here: what is measured is the main loop itself, so the figures
 * hold for any GLib program.
 */

#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "cancel-work.h"
#include "freeze-work.h"
#include "race-steps.h"
#include "thaw-heartbeat.h"
#include "thaw-latest.h"
#include "thaw-priority.h"

/* Beats collected before and after the work, so that every scenario is
 * measured on a main loop that was idle when it started. */
#define LEAD_MS 100
#define TAIL_MS 100

/* The flood scenario stops at this many idles: each one queued holds a
 * GSource and a copy of the update, and an unbounded flood only measures
 * how much memory the machine has. */
#define FLOOD_MAX_UPDATES 1000000

#define SHUTDOWN_JOBS 100

typedef struct
{
  const char *name;
  ThawLatencyStats latency;
  guint64 reports;
  guint64 dispatches;
  int exact;                    /* -1: does not apply */
  double cancel_p50_ms;
  double cancel_p99_ms;
  gboolean have_cancel;
  double wall_s;
  double speedup;               /* 0: does not apply */
  char *note;
} Row;

typedef struct
{
  GMainLoop *loop;
  ThawHeartbeat *heartbeat;
  Row *row;
  guint seconds;
  guint workers;
} Bench;

static guint opt_seconds = 3;
static guint opt_workers = 0;
static gboolean opt_json = FALSE;
static gboolean opt_list = FALSE;
static char **opt_scenarios = NULL;

/* ---- A unit of CPU work --------------------------------------------- */

/* Kept in a global so that the compiler cannot drop the work. */
static volatile guint64 burn_sink;

static guint64
burn (guint64 iterations)
{
  guint64 x = 0x9e3779b97f4a7c15ull;

  for (guint64 i = 0; i < iterations; i++)
    {
      /* xorshift: cheap, serial, no memory traffic. */
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
    }

  burn_sink = x;
  return x;
}

/* How many iterations of burn() one core does per millisecond. */
static guint64
burn_per_ms (void)
{
  static guint64 rate = 0;

  if (rate == 0)
    {
      guint64 n = 1 << 20;
      gint64 start, elapsed;

      do
        {
          n *= 2;
          start = g_get_monotonic_time ();
          burn (n);
          elapsed = g_get_monotonic_time () - start;
        }
      while (elapsed < 50000);

      rate = MAX (n * 1000 / (guint64) elapsed, 1);
    }

  return rate;
}

static double
ms_since (gint64 start_us)
{
  return (double) (g_get_monotonic_time () - start_us) / 1000.0;
}

static void
set_cancel_stats (Row    *row,
                  GArray *latencies_ms)
{
  ThawLatencyStats stats;

  thaw_latency_stats_compute ((const double *) (gpointer) latencies_ms->data, latencies_ms->len, &stats);
  row->have_cancel = latencies_ms->len > 0;
  row->cancel_p50_ms = stats.p50_ms;
  row->cancel_p99_ms = stats.p99_ms;
}

static gboolean
quit_cb (gpointer data)
{
  Bench *bench = data;

  g_main_loop_quit (bench->loop);
  return G_SOURCE_REMOVE;
}

/* Ends the scenario after the tail of idle beats. */
static void
finish_soon (Bench *bench)
{
  g_timeout_add (TAIL_MS, quit_cb, bench);
}

static int
count_threads (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  int n = 0;

  if (dir == NULL)
    return -1;
  while (g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

/* ---- main-loop: the freeze ------------------------------------------ */

static gboolean
main_loop_job_cb (gpointer data)
{
  Bench *bench = data;
  gint64 start = g_get_monotonic_time ();
  gint64 end = start + (gint64) bench->seconds * G_USEC_PER_SEC;
  guint64 chunk = burn_per_ms () / 10;
  double fraction = 0;
  guint64 n = 0;

  /* The wrong way: the whole job inside one callback. The "progress" it
   * reports has nowhere to go, because nothing can redraw until it ends. */
  while (g_get_monotonic_time () < end)
    {
      burn (chunk);
      fraction = (double) (g_get_monotonic_time () - start) / (double) (end - start);
      n++;
    }

  /* The last value is the one shown, once the loop is free to show it. */
  fraction = 1.0;
  bench->row->reports = n;
  bench->row->dispatches = 1;
  bench->row->exact = fraction == 1.0;
  bench->row->wall_s = ms_since (start) / 1000.0;

  finish_soon (bench);
  return G_SOURCE_REMOVE;
}

static void
run_main_loop (Bench *bench)
{
  g_timeout_add (LEAD_MS, main_loop_job_cb, bench);
  g_main_loop_run (bench->loop);
}

/* ---- idle-per-update: the flood ------------------------------------- */

typedef struct
{
  Bench *bench;
  gint64 start;
  gint64 worker_end;
  guint64 sent;
  guint64 received;
  double last_fraction;
  double shown_fraction;
  GThread *thread;
} Flood;

typedef struct
{
  Flood *flood;
  double fraction;
  gboolean last;
} FloodUpdate;

static gboolean
flood_update_cb (gpointer data)
{
  FloodUpdate *update = data;
  Flood *flood = update->flood;

  flood->shown_fraction = update->fraction;
  flood->received++;

  if (update->last)
    {
      Row *row = flood->bench->row;

      row->wall_s = ms_since (flood->start) / 1000.0;
      g_thread_join (g_steal_pointer (&flood->thread));
      row->reports = flood->sent;
      row->dispatches = flood->received;
      row->exact = flood->shown_fraction == flood->last_fraction;
      row->note = g_strdup_printf ("worker done in %.2f s, main loop caught up %.2f s later",
                                   (double) (flood->worker_end - flood->start) / G_USEC_PER_SEC,
                                   (double) (g_get_monotonic_time () - flood->worker_end) / G_USEC_PER_SEC);
      finish_soon (flood->bench);
    }

  g_free (update);
  return G_SOURCE_REMOVE;
}

static gpointer
flood_worker (gpointer data)
{
  Flood *flood = data;
  gint64 end = flood->start + (gint64) flood->bench->seconds * G_USEC_PER_SEC;
  guint64 n = 0;
  gboolean last = FALSE;

  /* One g_idle_add() per update: every update becomes a source that the
   * main loop must allocate, sort in, dispatch and free. */
  while (!last)
    {
      FloodUpdate *update = g_new (FloodUpdate, 1);

      burn (8);
      n++;
      last = n >= FLOOD_MAX_UPDATES || g_get_monotonic_time () >= end;
      update->flood = flood;
      update->fraction = last ? 1.0 : (double) n / FLOOD_MAX_UPDATES;
      update->last = last;
      if (last)
        {
          flood->sent = n;
          flood->last_fraction = update->fraction;
          flood->worker_end = g_get_monotonic_time ();
        }
      g_idle_add (flood_update_cb, update);
    }

  return NULL;
}

static gboolean
flood_start_cb (gpointer data)
{
  Flood *flood = data;

  flood->start = g_get_monotonic_time ();
  flood->thread = g_thread_new ("bench-flood", flood_worker, flood);
  return G_SOURCE_REMOVE;
}

static void
run_flood (Bench *bench)
{
  Flood flood = { bench, };

  g_timeout_add (LEAD_MS, flood_start_cb, &flood);
  g_main_loop_run (bench->loop);
}

/* ---- latest: the same flood through ThawLatest, as the lessons hand off */

typedef struct
{
  Bench *bench;
  ThawLatest *latest;
  GThread *thread;
  gint64 start;
  guint64 last_delivered;
  guint64 final;                /* written by the worker before its last publish */
  int done;
} Latest;

static gpointer
latest_worker (gpointer data)
{
  Latest *latest = data;
  gint64 end = g_get_monotonic_time () + (gint64) latest->bench->seconds * G_USEC_PER_SEC;
  guint64 n = 0;

  for (;;)
    {
      guint64 *value = g_new (guint64, 1);

      burn (8);
      *value = ++n;
      /* Reading the clock costs more than a publish: look every 1024. */
      if ((n & 1023) == 0 && g_get_monotonic_time () >= end)
        {
          latest->final = n;
          g_atomic_int_set (&latest->done, TRUE);
          thaw_latest_publish (latest->latest, value);
          break;
        }
      thaw_latest_publish (latest->latest, value);
    }

  thaw_latest_unref (latest->latest);
  return NULL;
}

static void
latest_deliver (gpointer value,
                gpointer user_data)
{
  Latest *latest = user_data;
  Row *row = latest->bench->row;

  latest->last_delivered = *(guint64 *) value;
  /* The final value was published after done was set. */
  if (!g_atomic_int_get (&latest->done) || latest->last_delivered != latest->final)
    return;

  g_thread_join (g_steal_pointer (&latest->thread));
  row->wall_s = ms_since (latest->start) / 1000.0;
  row->reports = thaw_latest_get_n_published (latest->latest);
  row->dispatches = thaw_latest_get_n_delivered (latest->latest);
  row->exact = latest->last_delivered == row->reports;
  row->note = g_strdup_printf ("%.0f dispatches/s", (double) row->dispatches / row->wall_s);
  finish_soon (latest->bench);
}

static gboolean
latest_start_cb (gpointer data)
{
  Latest *latest = data;

  latest->start = g_get_monotonic_time ();
  /* The worker holds a reference of its own, dropped when it returns. */
  thaw_latest_ref (latest->latest);
  latest->thread = g_thread_new ("bench-latest", latest_worker, latest);
  return G_SOURCE_REMOVE;
}

static void
run_latest (Bench *bench)
{
  Latest latest = { bench, thaw_latest_new (latest_deliver, &latest, g_free), };

  g_timeout_add (LEAD_MS, latest_start_cb, &latest);
  g_main_loop_run (bench->loop);
  if (latest.thread != NULL)
    g_thread_join (latest.thread);
  thaw_latest_close (latest.latest);
}

/* ---- freeze: the first lesson's job, on a worker ------------------- */

typedef struct
{
  Bench *bench;
  FreezeWork *work;
  gint64 start;
  guint limit;
} Freeze;

static void
freeze_progress (guint    checked,
                 guint    primes,
                 gboolean finished,
                 gpointer user_data)
{
  Freeze *freeze = user_data;
  Row *row = freeze->bench->row;

  row->dispatches++;
  if (!finished)
    return;

  row->wall_s = ms_since (freeze->start) / 1000.0;
  row->exact = checked == freeze->limit;
  row->note = g_strdup_printf ("the lesson's job (freeze-work.c): %u primes below %u, "
                               "progress by g_idle_add() coalesced by hand",
                               primes, freeze->limit);
  finish_soon (freeze->bench);
}

static gboolean
freeze_start_cb (gpointer data)
{
  Freeze *freeze = data;
  g_autoptr(GError) error = NULL;

  freeze->start = g_get_monotonic_time ();
  freeze->work = freeze_work_start (freeze->limit, freeze_progress, freeze, &error);
  if (freeze->work == NULL)
    {
      freeze->bench->row->note = g_strdup (error->message);
      finish_soon (freeze->bench);
    }
  return G_SOURCE_REMOVE;
}

static void
run_freeze (Bench *bench)
{
  Freeze freeze = { bench, NULL, 0, FREEZE_PRIME_LIMIT };

  g_timeout_add (LEAD_MS, freeze_start_cb, &freeze);
  g_main_loop_run (bench->loop);
  freeze_work_free (freeze.work);
}

/* ---- cpu: every core busy ------------------------------------------- */

/* A GThreadPool as the pool and parallel lessons use it, its workers
 * telling the main loop through ThawLatest after every millisecond of work.
 * With several publishers the value is only a wake-up: the delivery reads
 * the count of finished jobs, which the last publish follows. */
typedef struct
{
  Bench *bench;
  ThawLatest *latest;
  guint64 iterations;
  guint n_jobs;
  gboolean background;
  int jobs_done;
  gint64 start;
  double single_s;
  GThreadPool *pool;
} Cpu;

static void
cpu_job (gpointer data,
         gpointer user_data)
{
  Cpu *cpu = user_data;
  guint64 chunk = burn_per_ms ();

  if (cpu->background)
    thaw_thread_set_background_priority ();
  for (guint64 done = 0; done < cpu->iterations; done += chunk)
    {
      burn (MIN (chunk, cpu->iterations - done));
      thaw_latest_publish (cpu->latest, NULL);
    }
  g_atomic_int_inc (&cpu->jobs_done);
  thaw_latest_publish (cpu->latest, NULL);
}

static void
cpu_deliver (gpointer value,
             gpointer user_data)
{
  Cpu *cpu = user_data;
  Row *row = cpu->bench->row;

  if ((guint) g_atomic_int_get (&cpu->jobs_done) != cpu->n_jobs || row->wall_s > 0)
    return;

  row->wall_s = ms_since (cpu->start) / 1000.0;
  row->speedup = cpu->single_s * cpu->n_jobs / row->wall_s;
  row->reports = thaw_latest_get_n_published (cpu->latest);
  row->dispatches = thaw_latest_get_n_delivered (cpu->latest);
  finish_soon (cpu->bench);
}

static gboolean
cpu_start_cb (gpointer data)
{
  Cpu *cpu = data;

  cpu->start = g_get_monotonic_time ();
  for (guint i = 0; i < cpu->n_jobs; i++)
    g_thread_pool_push (cpu->pool, GUINT_TO_POINTER (i + 1), NULL);
  return G_SOURCE_REMOVE;
}

static void
run_cpu (Bench    *bench,
         gboolean  background)
{
  guint workers = bench->workers ? bench->workers : g_get_num_processors ();
  Cpu cpu = { bench, thaw_latest_new (cpu_deliver, &cpu, NULL), };
  GThreadPool *pool;

  /* Exclusive threads, made now: a worker that lowered its priority
   * leaves with the pool instead of serving the next scenario. */
  pool = g_thread_pool_new (cpu_job, &cpu, (int) workers, TRUE, NULL);
  cpu.background = background;
  /* Twice as many jobs as workers, sized so that the whole batch takes
   * about --seconds on all workers together. */
  cpu.n_jobs = 2 * workers;
  cpu.single_s = (double) bench->seconds * workers / cpu.n_jobs;
  cpu.iterations = (guint64) (cpu.single_s * 1000.0 * (double) burn_per_ms ());

  cpu.pool = pool;
  g_timeout_add (LEAD_MS, cpu_start_cb, &cpu);
  g_main_loop_run (bench->loop);

  g_thread_pool_free (pool, FALSE, TRUE);
  thaw_latest_close (cpu.latest);
  bench->row->note = g_strdup_printf ("%u jobs on a GThreadPool of %u, %s priority, "
                                      "progress through ThawLatest",
                                      cpu.n_jobs, workers,
                                      background ? "background (nice 10)" : "normal");
}

/* ---- cancel: Stop in the cancel lesson ------------------------------- */

/* The lesson's job, stopped again and again at a random moment; the figure
 * is what the learner waits for: from the Stop to the page hearing that
 * the job was cancelled. */
#define CANCEL_LOOK_EVERY_MS 10

typedef struct
{
  Bench *bench;
  CancelWork *work;
  GArray *latencies;
  gint64 end;
  guint stop_source;
} Cancel;

static void cancel_start_one (Cancel *cancel);

static gboolean
cancel_stop_cb (gpointer data)
{
  Cancel *cancel = data;

  cancel->stop_source = 0;
  cancel_work_stop (cancel->work);
  return G_SOURCE_REMOVE;
}

static gboolean
cancel_next_cb (gpointer data)
{
  Cancel *cancel = data;

  g_clear_pointer (&cancel->work, cancel_work_free);
  if (g_get_monotonic_time () < cancel->end)
    cancel_start_one (cancel);
  else
    finish_soon (cancel->bench);
  return G_SOURCE_REMOVE;
}

static void
cancel_progress (const CancelProgress *progress,
                 gpointer              user_data)
{
  Cancel *cancel = user_data;

  cancel->bench->row->dispatches++;
  if (!progress->finished)
    return;

  if (g_error_matches (progress->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_array_append_val (cancel->latencies, progress->delivered_ms);
  /* The work is freed from its own callback's caller, not inside it. */
  g_idle_add (cancel_next_cb, cancel);
}

static void
cancel_start_one (Cancel *cancel)
{
  g_autoptr(GError) error = NULL;

  cancel->work = cancel_work_start (CANCEL_N_BLOCKS, CANCEL_LOOK_EVERY_MS,
                                    cancel_progress, cancel, &error);
  if (cancel->work == NULL)
    {
      cancel->bench->row->note = g_strdup (error->message);
      finish_soon (cancel->bench);
      return;
    }
  cancel->stop_source = g_timeout_add (g_random_int_range (20, 120), cancel_stop_cb, cancel);
}

static gboolean
cancel_start_cb (gpointer data)
{
  Cancel *cancel = data;

  cancel->end = g_get_monotonic_time () + (gint64) cancel->bench->seconds * G_USEC_PER_SEC;
  cancel_start_one (cancel);
  return G_SOURCE_REMOVE;
}

static void
run_cancel (Bench *bench)
{
  Cancel cancel = { bench, };
  gint64 start;

  cancel.latencies = g_array_new (FALSE, FALSE, sizeof (double));
  start = g_get_monotonic_time () + LEAD_MS * 1000;
  g_timeout_add (LEAD_MS, cancel_start_cb, &cancel);
  g_main_loop_run (bench->loop);

  bench->row->wall_s = ms_since (start) / 1000.0;
  set_cancel_stats (bench->row, cancel.latencies);
  if (bench->row->note == NULL)
    bench->row->note = g_strdup_printf ("%u Stops of the lesson's job (cancel-work.c), "
                                        "looking every %d ms",
                                        cancel.latencies->len, CANCEL_LOOK_EVERY_MS);
  g_clear_handle_id (&cancel.stop_source, g_source_remove);
  g_clear_pointer (&cancel.work, cancel_work_free);
  g_array_unref (cancel.latencies);
}

/* ---- shutdown: 100 jobs in flight ------------------------------------ */

/* A GThreadPool with jobs running and queued, shut down as a window that
 * closes must: cancel the running ones, drop the queued ones, join every
 * thread. */
typedef struct
{
  Bench *bench;
  GThreadPool *pool;
  GCancellable *cancellable;
  int threads_before;
} Shutdown;

static void
shutdown_job (gpointer data,
              gpointer user_data)
{
  Shutdown *shutdown = user_data;
  guint64 chunk = burn_per_ms ();

  /* A cooperative job: it looks at its cancellable after every
   * millisecond of work, as the lessons teach. */
  for (guint i = 0; i < 60000 && !g_cancellable_is_cancelled (shutdown->cancellable); i++)
    burn (chunk);
}

static gboolean
shutdown_cb (gpointer data)
{
  Shutdown *shutdown = data;
  Row *row = shutdown->bench->row;
  gint64 start = g_get_monotonic_time ();
  guint dropped = g_thread_pool_unprocessed (shutdown->pool);
  int threads_after = -1;

  g_cancellable_cancel (shutdown->cancellable);
  /* immediate: the queued jobs never start; wait: join the threads. */
  g_thread_pool_free (g_steal_pointer (&shutdown->pool), TRUE, TRUE);
  row->wall_s = ms_since (start) / 1000.0;

  /* GLib keeps up to two threads of a freed pool parked for the next pool
   * (g_thread_pool_set_max_unused_threads(), 15 s at most). A thread parks
   * only once it has left its last job, which can be just after the free
   * returns, so the bench sends parked threads away until none is left,
   * and gives the others a moment to be gone from /proc. */
  for (int i = 0; i < 2000; i++)
    {
      g_thread_pool_stop_unused_threads ();
      threads_after = count_threads ();
      if (threads_after <= shutdown->threads_before)
        break;
      g_usleep (1000);
    }

  row->exact = threads_after <= shutdown->threads_before;
  row->note = g_strdup_printf ("%u jobs, %u still queued; shutdown took %.1f ms; "
                               "threads %d before the pool, %d after",
                               SHUTDOWN_JOBS, dropped, row->wall_s * 1000.0,
                               shutdown->threads_before, threads_after);
  finish_soon (shutdown->bench);
  return G_SOURCE_REMOVE;
}

static void
run_shutdown (Bench *bench)
{
  Shutdown shutdown = { bench, };
  int workers = bench->workers ? (int) bench->workers : (int) g_get_num_processors ();

  shutdown.threads_before = count_threads ();
  shutdown.cancellable = g_cancellable_new ();
  shutdown.pool = g_thread_pool_new (shutdown_job, &shutdown, workers, TRUE, NULL);
  for (guint i = 0; i < SHUTDOWN_JOBS; i++)
    g_thread_pool_push (shutdown.pool, GUINT_TO_POINTER (i + 1), NULL);

  /* Let the first jobs get going before pulling the plug. */
  g_timeout_add (LEAD_MS, shutdown_cb, &shutdown);
  g_main_loop_run (bench->loop);
  g_object_unref (shutdown.cancellable);
}

/* ---- step points that nobody steps ----------------------------------- */

/* The race lesson's stepped adders (race-steps.c) run free at full speed,
 * in pairs of rounds back to back: without a stepper, then with one in run
 * mode, whose step points each cost one atomic read. Each pair gives a
 * ratio, so that the machine's speed drifting from one pair to the next
 * cancels out; the median ratio is the figure. A step of these adders is a
 * single atomic read or write of a counter that both cores fight over: no
 * lesson has a cheaper one, so this is the most a step point can cost. */
#define STEP_ROUNDS 15
#define STEP_INCREMENTS 2000000
/* And the lesson's own run, two increments per thread, as "Run All Free"
 * does it: threads made, run and joined, this many times. */
#define STEP_LESSON_RUNS 101

typedef struct
{
  Bench *bench;
  double none_s[STEP_ROUNDS], free_s[STEP_ROUNDS], ratio[STEP_ROUNDS];
  double lesson_s[STEP_LESSON_RUNS];
} StepPoints;

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof *values, compare_doubles);
  return values[n / 2];
}

static gpointer
step_points_thread (gpointer data)
{
  StepPoints *points = data;

  for (guint i = 0; i < STEP_ROUNDS; i++)
    {
      /* Which goes first alternates, so that neither always runs on a
       * cache the other warmed. */
      gboolean free_first = i % 2 == 1;

      if (free_first)
        points->free_s[i] = race_steps_time_free (STEP_INCREMENTS, TRUE);
      points->none_s[i] = race_steps_time_free (STEP_INCREMENTS, FALSE);
      if (!free_first)
        points->free_s[i] = race_steps_time_free (STEP_INCREMENTS, TRUE);
      points->ratio[i] = points->free_s[i] / points->none_s[i];
    }
  for (guint i = 0; i < STEP_LESSON_RUNS; i++)
    points->lesson_s[i] = race_steps_time_free (RACE_STEP_INCREMENTS, TRUE);
  /* One idle, to end the main loop; the join below orders the figures. */
  g_idle_add_once ((GSourceOnceFunc) g_main_loop_quit, points->bench->loop);

  return NULL;
}

static void
run_step_points (Bench *bench)
{
  StepPoints points = { bench, };
  GThread *thread = g_thread_new ("thaw-bench-steps", step_points_thread, &points);
  gint64 start = g_get_monotonic_time ();
  double none, free_run, ratio, steps, per_step_ns, lesson_us;

  g_main_loop_run (bench->loop);
  g_thread_join (thread);
  bench->row->wall_s = ms_since (start) / 1000.0;

  none = median (points.none_s, STEP_ROUNDS);
  free_run = median (points.free_s, STEP_ROUNDS);
  ratio = median (points.ratio, STEP_ROUNDS);
  steps = (double) RACE_STEP_THREADS * STEP_INCREMENTS * RACE_N_STEPS;
  per_step_ns = (ratio - 1) * none / steps * 1e9;
  lesson_us = median (points.lesson_s, STEP_LESSON_RUNS) * 1e6;
  bench->row->note = g_strdup_printf ("race-steps.c, %d threads × %d increments: %.1f ms without a stepper, "
                                      "%.1f ms with step points running free; paired rounds %+.1f %% "
                                      "(%+.2f ns per step point); medians of %d. The lesson's own run "
                                      "(%d step points) takes %.0f µs: their share %.3f %%",
                                      RACE_STEP_THREADS, STEP_INCREMENTS, none * 1000, free_run * 1000,
                                      (ratio - 1) * 100, per_step_ns, STEP_ROUNDS,
                                      RACE_STEP_EVENTS, lesson_us,
                                      MAX (per_step_ns, 0) * RACE_STEP_EVENTS / 1000 / lesson_us * 100);
}

/* ---- the table of scenarios ----------------------------------------- */

typedef struct
{
  const char *name;
  const char *summary;
  void (*run) (Bench *bench);
} Scenario;

static void run_cpu_normal (Bench *bench) { run_cpu (bench, FALSE); }
static void run_cpu_background (Bench *bench) { run_cpu (bench, TRUE); }

static const Scenario scenarios[] = {
  { "main-loop", "the job on the main loop: the freeze baseline", run_main_loop },
  { "idle-per-update", "a worker with one g_idle_add() per update: the flood", run_flood },
  { "latest", "a worker publishing through ThawLatest, as the lessons do: coalesced, once a frame at most", run_latest },
  { "freeze", "the freeze lesson's job on a worker, its progress coalesced by hand", run_freeze },
  { "cpu-normal", "twice as many CPU-bound jobs as cores, normal priority", run_cpu_normal },
  { "cpu-background", "twice as many CPU-bound jobs as cores, background priority", run_cpu_background },
  { "cancel", "the cancel lesson's job: from Stop to the page hearing it was cancelled", run_cancel },
  { "shutdown", "a GThreadPool shut down with 100 jobs queued and running", run_shutdown },
  { "step-points", "the race lesson's stepped adders run free: with step points in run mode vs no stepper", run_step_points },
};

static const Scenario *
find_scenario (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    if (g_str_equal (scenarios[i].name, name))
      return &scenarios[i];

  return NULL;
}

static void
run_scenario (const Scenario *scenario,
              Row            *row)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(ThawHeartbeat) heartbeat = thaw_heartbeat_new (0);
  Bench bench = { loop, heartbeat, row, opt_seconds, opt_workers };

  memset (row, 0, sizeof *row);
  row->name = scenario->name;
  row->exact = -1;

  thaw_heartbeat_start (heartbeat, NULL);
  scenario->run (&bench);
  thaw_heartbeat_stop (heartbeat);
  thaw_heartbeat_get_stats (heartbeat, &row->latency);

  /* Let anything the scenario left on the default context run out, so the
   * next one starts on an empty main loop. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* ---- output ---------------------------------------------------------- */

static void
print_header (void)
{
  g_print ("%-16s %8s %8s %9s %6s %10s %10s %5s %8s %8s %7s %7s  %s\n",
           "scenario", "p50 ms", "p99 ms", "max ms", "stalls", "reports",
           "dispatch", "exact", "can p50", "can p99", "wall s", "speedup", "notes");
}

static void
print_row (const Row *row)
{
  char cancel50[32] = "-", cancel99[32] = "-", speedup[32] = "-";

  if (row->have_cancel)
    {
      g_snprintf (cancel50, sizeof cancel50, "%.2f", row->cancel_p50_ms);
      g_snprintf (cancel99, sizeof cancel99, "%.2f", row->cancel_p99_ms);
    }
  if (row->speedup > 0)
    g_snprintf (speedup, sizeof speedup, "%.2f×", row->speedup);

  g_print ("%-16s %8.2f %8.2f %9.2f %6" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT
           " %10" G_GUINT64_FORMAT " %5s %8s %8s %7.2f %7s  %s\n",
           row->name,
           row->latency.p50_ms, row->latency.p99_ms, row->latency.max_ms,
           row->latency.stalls_frame, row->reports, row->dispatches,
           row->exact < 0 ? "-" : row->exact ? "yes" : "no",
           cancel50, cancel99, row->wall_s, speedup,
           row->note != NULL ? row->note : "");
}

static void
add_double_or_null (JsonBuilder *builder,
                    const char  *name,
                    gboolean     applies,
                    double       value)
{
  json_builder_set_member_name (builder, name);
  if (applies)
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_json_row (JsonBuilder *builder,
              const Row   *row)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "scenario");
  json_builder_add_string_value (builder, row->name);
  json_builder_set_member_name (builder, "samples");
  json_builder_add_int_value (builder, (gint64) row->latency.samples);
  json_builder_set_member_name (builder, "p50_ms");
  json_builder_add_double_value (builder, row->latency.p50_ms);
  json_builder_set_member_name (builder, "p99_ms");
  json_builder_add_double_value (builder, row->latency.p99_ms);
  json_builder_set_member_name (builder, "max_ms");
  json_builder_add_double_value (builder, row->latency.max_ms);
  json_builder_set_member_name (builder, "stalls_frame");
  json_builder_add_int_value (builder, (gint64) row->latency.stalls_frame);
  json_builder_set_member_name (builder, "stalls_hang");
  json_builder_add_int_value (builder, (gint64) row->latency.stalls_hang);
  json_builder_set_member_name (builder, "reports");
  json_builder_add_int_value (builder, (gint64) row->reports);
  json_builder_set_member_name (builder, "dispatches");
  json_builder_add_int_value (builder, (gint64) row->dispatches);
  json_builder_set_member_name (builder, "final_exact");
  if (row->exact >= 0)
    json_builder_add_boolean_value (builder, row->exact);
  else
    json_builder_add_null_value (builder);
  add_double_or_null (builder, "cancel_p50_ms", row->have_cancel, row->cancel_p50_ms);
  add_double_or_null (builder, "cancel_p99_ms", row->have_cancel, row->cancel_p99_ms);
  json_builder_set_member_name (builder, "wall_s");
  json_builder_add_double_value (builder, row->wall_s);
  add_double_or_null (builder, "speedup", row->speedup > 0, row->speedup);
  json_builder_set_member_name (builder, "note");
  json_builder_add_string_value (builder, row->note != NULL ? row->note : "");
  json_builder_end_object (builder);
}

static GOptionEntry entries[] = {
  { "list", 'l', 0, G_OPTION_ARG_NONE, &opt_list, "List the scenarios and exit", NULL },
  { "scenario", 's', 0, G_OPTION_ARG_STRING_ARRAY, &opt_scenarios, "Run only this scenario (repeatable)", "NAME" },
  { "seconds", 't', 0, G_OPTION_ARG_INT, &opt_seconds, "Length of the timed scenarios (default 3)", "S" },
  { "workers", 'w', 0, G_OPTION_ARG_INT, &opt_workers, "Worker threads (default: one per processor)", "N" },
  { "json", 'j', 0, G_OPTION_ARG_NONE, &opt_json, "Print JSON instead of a table", NULL },
  { NULL }
};

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) chosen = g_ptr_array_new ();
  g_autoptr(JsonBuilder) json = json_builder_new ();

  setlocale (LC_ALL, "");
  /* Figures with a decimal point whatever the locale, for scripts. */
  setlocale (LC_NUMERIC, "C");
  g_set_prgname ("thaw-bench");

  context = g_option_context_new ("— measure how responsive the main loop stays");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("thaw-bench: %s\n", error->message);
      return 2;
    }

  if (opt_list)
    {
      for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
        g_print ("%-16s %s\n", scenarios[i].name, scenarios[i].summary);
      return 0;
    }

  if ((int) opt_seconds <= 0 || (int) opt_workers < 0)
    {
      g_printerr ("thaw-bench: --seconds must be positive and --workers not negative\n");
      return 2;
    }

  if (opt_scenarios == NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
        g_ptr_array_add (chosen, (gpointer) &scenarios[i]);
    }
  else
    {
      for (guint i = 0; opt_scenarios[i] != NULL; i++)
        {
          const Scenario *scenario = find_scenario (opt_scenarios[i]);

          if (scenario == NULL)
            {
              g_printerr ("thaw-bench: no scenario “%s” (see --list)\n", opt_scenarios[i]);
              return 2;
            }
          g_ptr_array_add (chosen, (gpointer) scenario);
        }
    }

  /* Calibrate before any heartbeat runs. */
  burn_per_ms ();

  if (!opt_json)
    print_header ();
  json_builder_begin_array (json);

  for (guint i = 0; i < chosen->len; i++)
    {
      Row row;

      run_scenario (chosen->pdata[i], &row);
      if (opt_json)
        add_json_row (json, &row);
      else
        print_row (&row);
      g_free (row.note);
    }

  json_builder_end_array (json);
  if (opt_json)
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = json_builder_get_root (json);
      g_autofree char *text = NULL;

      json_generator_set_pretty (generator, TRUE);
      json_generator_set_root (generator, root);
      text = json_generator_to_data (generator, NULL);
      g_print ("%s\n", text);
    }

  g_strfreev (opt_scenarios);
  return 0;
}
