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

#include "thaw-heartbeat.h"
#include "thaw-job.h"
#include "thaw-latest.h"
#include "thaw-runner.h"

/* Beats collected before and after the work, so that every scenario is
 * measured on a main loop that was idle when it started. */
#define LEAD_MS 100
#define TAIL_MS 100

/* The flood scenario stops at this many idles: each one queued holds a
 * GSource and a copy of the update, and an unbounded flood only measures
 * how much memory the machine has. */
#define FLOOD_MAX_UPDATES 1000000

#define TINY_JOBS 100000
#define TINY_BATCH 1000
#define TINY_ROUNDS 5

#define SHUTDOWN_JOBS 100
#define SHUTDOWN_TIMEOUT_MS 500

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
  double cost_ratio;            /* 0: does not apply */
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

/* ---- coalesced: the same flood through ThawJob ----------------------- */

typedef struct
{
  Bench *bench;
  ThawRunner *runner;
  gint64 start;
  char *final_text;
} Coalesced;

static gboolean
coalesced_job (ThawJob       *job,
               gpointer       user_data,
               GError       **error)
{
  Coalesced *coalesced = user_data;
  gint64 start = g_get_monotonic_time ();
  gint64 end = start + (gint64) coalesced->bench->seconds * G_USEC_PER_SEC;
  double span = (double) (end - start);
  gint64 now = start;
  guint64 n = 0;

  while (now < end)
    {
      burn (8);
      thaw_job_report (job, (double) (now - start) / span, NULL);
      n++;
      /* Reading the clock costs more than a report: look every 1024. */
      if ((n & 1023) == 0)
        {
          now = g_get_monotonic_time ();
          if (thaw_job_set_error_if_cancelled (job, error))
            return FALSE;
        }
      if ((n & ((1 << 20) - 1)) == 0)
        {
          char text[64];

          g_snprintf (text, sizeof text, "%" G_GUINT64_FORMAT " reports", n);
          thaw_job_report (job, (double) (now - start) / span, text);
          n++;
        }
    }

  n++;
  coalesced->final_text = g_strdup_printf ("done after %" G_GUINT64_FORMAT " reports", n);
  thaw_job_report (job, 1.0, coalesced->final_text);

  return TRUE;
}

static void
coalesced_state_cb (ThawJob    *job,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  Coalesced *coalesced = user_data;
  Row *row = coalesced->bench->row;

  if (!thaw_job_is_finished (job))
    return;

  row->wall_s = ms_since (coalesced->start) / 1000.0;
  row->reports = thaw_job_get_n_reports (job);
  /* The progress deliveries, and the one that published the end. */
  row->dispatches = thaw_job_get_n_dispatches (job) + 1;
  row->exact = thaw_job_get_state (job) == THAW_JOB_STATE_SUCCEEDED &&
               thaw_job_get_fraction (job) == 1.0 &&
               g_strcmp0 (thaw_job_get_text (job), coalesced->final_text) == 0;
  row->note = g_strdup_printf ("%.0f dispatches/s",
                               (double) row->dispatches / row->wall_s);
  finish_soon (coalesced->bench);
}

static gboolean
coalesced_start_cb (gpointer data)
{
  Coalesced *coalesced = data;
  g_autoptr(ThawJob) job = thaw_job_new ("coalesced", coalesced_job, coalesced, NULL);

  g_signal_connect (job, "notify::state", G_CALLBACK (coalesced_state_cb), coalesced);
  coalesced->start = g_get_monotonic_time ();
  thaw_runner_submit (coalesced->runner, job);

  return G_SOURCE_REMOVE;
}

static void
run_coalesced (Bench *bench)
{
  g_autoptr(ThawRunner) runner = thaw_runner_new (bench->workers);
  Coalesced coalesced = { bench, runner, };

  g_timeout_add (LEAD_MS, coalesced_start_cb, &coalesced);
  g_main_loop_run (bench->loop);
  g_free (coalesced.final_text);
}

/* ---- cpu: every core busy ------------------------------------------- */

typedef struct
{
  Bench *bench;
  ThawRunner *runner;
  guint64 iterations;
  guint n_jobs;
  gint64 start;
  double single_s;
} Cpu;

static gboolean
cpu_job (ThawJob       *job,
         gpointer       user_data,
         GError       **error)
{
  Cpu *cpu = user_data;
  guint64 chunk = burn_per_ms ();

  for (guint64 done = 0; done < cpu->iterations; done += chunk)
    {
      if (thaw_job_set_error_if_cancelled (job, error))
        return FALSE;
      burn (MIN (chunk, cpu->iterations - done));
      thaw_job_report (job, (double) done / (double) cpu->iterations, NULL);
    }
  thaw_job_report (job, 1.0, NULL);

  return TRUE;
}

static void
cpu_active_cb (ThawRunner *runner,
               GParamSpec *pspec,
               gpointer    user_data)
{
  Cpu *cpu = user_data;
  Row *row = cpu->bench->row;

  if (thaw_runner_get_busy (runner))
    return;

  row->wall_s = ms_since (cpu->start) / 1000.0;
  row->speedup = cpu->single_s * cpu->n_jobs / row->wall_s;
  finish_soon (cpu->bench);
}

static gboolean
cpu_start_cb (gpointer data)
{
  Cpu *cpu = data;

  cpu->start = g_get_monotonic_time ();
  for (guint i = 0; i < cpu->n_jobs; i++)
    {
      g_autofree char *title = g_strdup_printf ("cpu %u", i);
      g_autoptr(ThawJob) job = thaw_job_new (title, cpu_job, cpu, NULL);

      thaw_runner_submit (cpu->runner, job);
    }
  g_signal_connect (cpu->runner, "notify::busy", G_CALLBACK (cpu_active_cb), cpu);

  return G_SOURCE_REMOVE;
}

static void
run_cpu (Bench    *bench,
         gboolean  background)
{
  g_autoptr(ThawRunner) runner = g_object_new (THAW_TYPE_RUNNER,
                                               "max-workers", bench->workers,
                                               "background", background,
                                               NULL);
  Cpu cpu = { bench, runner, };
  guint workers = thaw_runner_get_max_workers (runner);

  /* Twice as many jobs as workers, sized so that the whole batch takes
   * about --seconds on all workers together. */
  cpu.n_jobs = 2 * workers;
  cpu.single_s = (double) bench->seconds * workers / cpu.n_jobs;
  cpu.iterations = (guint64) (cpu.single_s * 1000.0 * (double) burn_per_ms ());

  g_timeout_add (LEAD_MS, cpu_start_cb, &cpu);
  g_main_loop_run (bench->loop);

  bench->row->note = g_strdup_printf ("%u jobs on %u workers, %s priority",
                                      cpu.n_jobs, workers,
                                      background ? "background (nice 10)" : "normal");
}

/* ---- cancel: how long until a cancelled job is seen cancelled -------- */

#define CANCEL_PERIOD_MS 25

typedef struct
{
  Bench *bench;
  ThawRunner *runner;
  GQueue running;
  GArray *latencies;
  gint64 end;
  guint n_submitted;
} Cancel;

static gboolean
cancel_job (ThawJob       *job,
            gpointer       user_data,
            GError       **error)
{
  /* A cooperative job: it looks at its cancellable after every
   * millisecond of work, as the lessons teach. */
  guint64 chunk = burn_per_ms ();

  for (guint i = 0; i < 60000; i++)
    {
      if (thaw_job_set_error_if_cancelled (job, error))
        return FALSE;
      burn (chunk);
      thaw_job_report (job, i / 60000.0, NULL);
    }

  return TRUE;
}

static void
cancel_state_cb (ThawJob    *job,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  Cancel *cancel = user_data;
  gint64 *cancelled_at = g_object_get_data (G_OBJECT (job), "cancelled-at");

  if (thaw_job_get_state (job) != THAW_JOB_STATE_CANCELLED || cancelled_at == NULL)
    return;

  double latency = (double) (g_get_monotonic_time () - *cancelled_at) / 1000.0;
  g_array_append_val (cancel->latencies, latency);
}

static void
cancel_submit_one (Cancel *cancel)
{
  g_autofree char *title = g_strdup_printf ("cancel %u", cancel->n_submitted++);
  ThawJob *job = thaw_job_new (title, cancel_job, NULL, NULL);

  g_signal_connect (job, "notify::state", G_CALLBACK (cancel_state_cb), cancel);
  thaw_runner_submit (cancel->runner, job);
  g_queue_push_tail (&cancel->running, job);
}

static gboolean
cancel_tick_cb (gpointer data)
{
  Cancel *cancel = data;
  g_autoptr(ThawJob) job = g_queue_pop_head (&cancel->running);

  if (job != NULL && thaw_job_get_state (job) == THAW_JOB_STATE_RUNNING)
    {
      gint64 *cancelled_at = g_new (gint64, 1);

      *cancelled_at = g_get_monotonic_time ();
      g_object_set_data_full (G_OBJECT (job), "cancelled-at", cancelled_at, g_free);
      thaw_job_cancel (job);
    }
  else if (job != NULL)
    {
      /* Not started yet (the main loop has not heard): try it later. */
      g_queue_push_tail (&cancel->running, g_steal_pointer (&job));
    }

  if (g_get_monotonic_time () >= cancel->end)
    {
      thaw_runner_cancel_all (cancel->runner);
      finish_soon (cancel->bench);
      return G_SOURCE_REMOVE;
    }

  cancel_submit_one (cancel);
  return G_SOURCE_CONTINUE;
}

static gboolean
cancel_start_cb (gpointer data)
{
  Cancel *cancel = data;

  for (guint i = 0; i < thaw_runner_get_max_workers (cancel->runner); i++)
    cancel_submit_one (cancel);
  cancel->end = g_get_monotonic_time () + (gint64) cancel->bench->seconds * G_USEC_PER_SEC;
  g_timeout_add (CANCEL_PERIOD_MS, cancel_tick_cb, cancel);

  return G_SOURCE_REMOVE;
}

static void
run_cancel (Bench *bench)
{
  g_autoptr(ThawRunner) runner = thaw_runner_new (bench->workers);
  Cancel cancel = { bench, runner, G_QUEUE_INIT, };
  gint64 start;

  cancel.latencies = g_array_new (FALSE, FALSE, sizeof (double));
  start = g_get_monotonic_time () + LEAD_MS * 1000;
  g_timeout_add (LEAD_MS, cancel_start_cb, &cancel);
  g_main_loop_run (bench->loop);

  bench->row->wall_s = ms_since (start) / 1000.0;
  set_cancel_stats (bench->row, cancel.latencies);
  bench->row->note = g_strdup_printf ("%u running jobs cancelled, checking every 1 ms",
                                      cancel.latencies->len);
  g_queue_clear_full (&cancel.running, g_object_unref);
  thaw_runner_shutdown (runner, 1000, NULL, NULL);
  g_array_unref (cancel.latencies);
}

/* ---- shutdown: 100 jobs in flight ------------------------------------ */

typedef struct
{
  Bench *bench;
  ThawRunner *runner;
  int threads_before;
} Shutdown;

static gboolean
shutdown_cb (gpointer data)
{
  Shutdown *shutdown = data;
  Row *row = shutdown->bench->row;
  g_autoptr(GError) error = NULL;
  gboolean ok;
  gint64 start = g_get_monotonic_time ();
  int threads_after = -1;

  ok = thaw_runner_shutdown (shutdown->runner, SHUTDOWN_TIMEOUT_MS, NULL, &error);
  row->wall_s = ms_since (start) / 1000.0;

  /* The pool's threads leave right after it is freed; give them a moment
   * to be gone from /proc. */
  for (int i = 0; i < 200; i++)
    {
      threads_after = count_threads ();
      if (threads_after <= shutdown->threads_before)
        break;
      g_usleep (1000);
    }

  row->exact = ok;
  row->note = g_strdup_printf ("%u jobs, shutdown took %.1f ms: %s; threads %d before the runner, %d after%s%s",
                               SHUTDOWN_JOBS, row->wall_s * 1000.0,
                               ok ? "all workers joined" : "timed out",
                               shutdown->threads_before, threads_after,
                               error != NULL ? ": " : "",
                               error != NULL ? error->message : "");
  finish_soon (shutdown->bench);
  return G_SOURCE_REMOVE;
}

static void
run_shutdown (Bench *bench)
{
  Shutdown shutdown = { bench, };

  shutdown.threads_before = count_threads ();
  shutdown.runner = thaw_runner_new (bench->workers);

  for (guint i = 0; i < SHUTDOWN_JOBS; i++)
    {
      g_autofree char *title = g_strdup_printf ("shutdown %u", i);
      g_autoptr(ThawJob) job = thaw_job_new (title, cancel_job, NULL, NULL);

      thaw_runner_submit (shutdown.runner, job);
    }

  /* Let the first jobs get going before pulling the plug. */
  g_timeout_add (LEAD_MS, shutdown_cb, &shutdown);
  g_main_loop_run (bench->loop);
  g_object_unref (shutdown.runner);
}

/* ---- tiny jobs: the runner's own cost -------------------------------- */

#define TINY_WORK 200

typedef struct
{
  Bench *bench;
  gboolean use_runner;
  GThreadPool *pool;
  ThawRunner *runner;
  int remaining;
  guint submitted;
  gint64 start;
  double wall_s;
} Tiny;

static gboolean
tiny_raw_done_cb (gpointer data)
{
  Tiny *tiny = data;

  tiny->wall_s = ms_since (tiny->start) / 1000.0;
  g_main_loop_quit (tiny->bench->loop);
  return G_SOURCE_REMOVE;
}

static void
tiny_raw_func (gpointer data,
               gpointer user_data)
{
  Tiny *tiny = user_data;

  burn (TINY_WORK);
  /* The last one tells the main loop, the least a real program needs. */
  if (g_atomic_int_dec_and_test (&tiny->remaining))
    g_idle_add (tiny_raw_done_cb, tiny);
}

static gboolean
tiny_job (ThawJob       *job,
          gpointer       user_data,
          GError       **error)
{
  burn (TINY_WORK);
  return TRUE;
}

static void
tiny_active_cb (ThawRunner *runner,
                GParamSpec *pspec,
                gpointer    user_data)
{
  Tiny *tiny = user_data;

  if (tiny->submitted == TINY_JOBS && !thaw_runner_get_busy (runner))
    {
      tiny->wall_s = ms_since (tiny->start) / 1000.0;
      g_main_loop_quit (tiny->bench->loop);
    }
}

/* Submits in batches from the main loop, as a program that must stay
 * responsive would: one batch per iteration, the heartbeat in between. */
static gboolean
tiny_batch_cb (gpointer data)
{
  Tiny *tiny = data;

  for (guint i = 0; i < TINY_BATCH && tiny->submitted < TINY_JOBS; i++, tiny->submitted++)
    {
      if (tiny->use_runner)
        {
          ThawJob *job = thaw_job_new (NULL, tiny_job, NULL, NULL);

          thaw_runner_submit (tiny->runner, job);
          g_object_unref (job);
        }
      else
        {
          g_thread_pool_push (tiny->pool, GUINT_TO_POINTER (tiny->submitted + 1), NULL);
        }
    }

  return tiny->submitted < TINY_JOBS ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static double
tiny_round (Bench    *bench,
            gboolean  use_runner)
{
  Tiny tiny = { bench, use_runner, };

  tiny.remaining = TINY_JOBS;
  /* Both sides get the same pool: exclusive, same size, made before the
   * clock starts. */
  if (use_runner)
    {
      tiny.runner = thaw_runner_new (bench->workers);
      g_signal_connect (tiny.runner, "notify::busy", G_CALLBACK (tiny_active_cb), &tiny);
    }
  else
    {
      tiny.pool = g_thread_pool_new (tiny_raw_func, &tiny,
                                     bench->workers ? (int) bench->workers : (int) g_get_num_processors (),
                                     TRUE, NULL);
    }

  tiny.start = g_get_monotonic_time ();
  g_idle_add_full (G_PRIORITY_DEFAULT, tiny_batch_cb, &tiny, NULL);
  g_main_loop_run (bench->loop);

  if (use_runner)
    {
      thaw_runner_shutdown (tiny.runner, 1000, NULL, NULL);
      g_object_unref (tiny.runner);
    }
  else
    {
      g_thread_pool_free (tiny.pool, FALSE, TRUE);
    }

  return tiny.wall_s;
}

static double
min_of (const double *v,
        guint         n)
{
  double m = v[0];

  for (guint i = 1; i < n; i++)
    m = MIN (m, v[i]);
  return m;
}

static void
run_tiny (Bench *bench)
{
  double raw[TINY_ROUNDS], runner[TINY_ROUNDS];
  gint64 start = g_get_monotonic_time ();

  /* Alternate, so that a noisy moment hurts both sides alike, and keep
   * the best round of each. */
  for (guint i = 0; i < TINY_ROUNDS; i++)
    {
      raw[i] = tiny_round (bench, FALSE);
      runner[i] = tiny_round (bench, TRUE);
    }

  bench->row->wall_s = ms_since (start) / 1000.0;
  bench->row->cost_ratio = min_of (runner, TINY_ROUNDS) / min_of (raw, TINY_ROUNDS);
  bench->row->note = g_strdup_printf ("%d jobs: ThawRunner %.1f ms, raw GThreadPool %.1f ms: %.2f× "
                                      "(best of %d)",
                                      TINY_JOBS, min_of (runner, TINY_ROUNDS) * 1000,
                                      min_of (raw, TINY_ROUNDS) * 1000,
                                      min_of (runner, TINY_ROUNDS) / min_of (raw, TINY_ROUNDS),
                                      TINY_ROUNDS);
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
  { "coalesced", "a worker reporting through ThawJob: coalesced, paced to frames", run_coalesced },
  { "cpu-normal", "twice as many CPU-bound jobs as cores, normal priority", run_cpu_normal },
  { "cpu-background", "twice as many CPU-bound jobs as cores, background priority", run_cpu_background },
  { "cancel", "latency from thaw_job_cancel() to the cancelled state on the main loop", run_cancel },
  { "shutdown", "shutdown with 100 jobs queued and running", run_shutdown },
  { "tiny-jobs", "100,000 tiny jobs: ThawRunner against a raw GThreadPool", run_tiny },
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
  else if (row->cost_ratio > 0)
    g_snprintf (speedup, sizeof speedup, "cost %.2f×", row->cost_ratio);

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
  add_double_or_null (builder, "cost_ratio", row->cost_ratio > 0, row->cost_ratio);
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
