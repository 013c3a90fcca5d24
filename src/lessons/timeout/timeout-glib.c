/* timeout-glib.c — Waiting for a thread, but not forever, without freezing
 * the main loop.
 *
 * GLib has no join with a timeout, so it is built from a GMutex, a GCond and
 * a flag: the job sets the flag and broadcasts when it ends, and a waiter
 * thread waits with g_cond_wait_until(), whose end time is on the monotonic
 * clock (g_get_monotonic_time () + timeout). When the time is up and the job
 * still runs, the waiter tells the main loop "still running after N s" in an
 * idle callback that holds a reference to the job, and waits for the
 * answer: keep waiting, or stop. (A result that travels through a
 * GAsyncQueue is waited for the same way, with g_async_queue_timeout_pop().)
 *
 * Three runs of a one-second job with a 0.3 s timeout: keep waiting; stop
 * after the first timeout; and the wrong way, the same timed waits on the
 * main loop. A heartbeat every 10 ms measures how late the main loop gets.
 *
 * Build: gcc timeout-glib.c -o timeout $(pkg-config --cflags --libs gio-2.0) -pthread
 */

#include <gio/gio.h>

#define JOB_US (1000 * G_TIME_SPAN_MILLISECOND)
#define TIMEOUT_US (300 * G_TIME_SPAN_MILLISECOND)
#define STEP_US (20 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  const char *name;
  gboolean stop;            /* the answer to "still running": stop */
  gboolean on_the_loop;     /* the wrong way */
} Run;

static const Run runs[] = {
  { "waiter thread, keep waiting", FALSE, FALSE },
  { "waiter thread, stop", TRUE, FALSE },
  { "on the main loop", FALSE, TRUE },
};

/* What the job, the waiter and the main loop share. The fields below the
 * mutex are only touched with it held; the condition is broadcast when the
 * job ends or the main loop answers. */
typedef struct
{
  gatomicrefcount ref_count;
  GCancellable *cancellable;  /* the answer "stop" */
  gpointer demo;              /* main thread only */
  GMutex mutex;
  GCond cond;
  gint64 started_at;
  gint64 ended_at;
  gboolean finished;
  gboolean keep_waiting;      /* the answer "keep waiting" */
  guint timeouts;
} Job;

static Job *
job_new (gpointer demo)
{
  Job *job = g_new0 (Job, 1);

  g_atomic_ref_count_init (&job->ref_count);
  job->cancellable = g_cancellable_new ();
  job->demo = demo;
  g_mutex_init (&job->mutex);
  g_cond_init (&job->cond);
  return job;
}

static Job *
job_ref (Job *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

static void
job_unref (Job *job)
{
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;
  g_object_unref (job->cancellable);
  g_mutex_clear (&job->mutex);
  g_cond_clear (&job->cond);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_unref)

/* The job: slow, and stoppable between two steps. */
static gpointer
job_thread (gpointer data)
{
  Job *job = data;    /* borrowed: whoever started it joins it first */
  gint64 end = g_get_monotonic_time () + JOB_US;

  while (g_get_monotonic_time () < end && !g_cancellable_is_cancelled (job->cancellable))
    g_usleep (STEP_US);

  g_mutex_lock (&job->mutex);
  job->finished = TRUE;
  job->ended_at = g_get_monotonic_time ();
  g_cond_broadcast (&job->cond);
  g_mutex_unlock (&job->mutex);
  return NULL;
}

/* Python's worker.join(timeout), then not worker.is_alive(). Mutex held.
 * g_cond_wait_until() may wake up early with nothing changed, so it runs
 * in a loop that keeps the same end time; it returns FALSE once that end
 * time has passed. */
static gboolean
join_with_timeout (Job   *job,
                   gint64 timeout_us)
{
  gint64 end_time = g_get_monotonic_time () + timeout_us;

  while (!job->finished)
    if (!g_cond_wait_until (&job->cond, &job->mutex, end_time))
      break;
  return job->finished;
}

static gboolean still_running_cb (gpointer data);
static gboolean waiter_done_cb (gpointer data);

/* Any thread: hand the job to the main loop. The idle holds a reference
 * of its own, which its destroy notify drops after it has run. */
static void
tell_main_loop (Job        *job,
                GSourceFunc callback)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, callback, job_ref (job),
                   (GDestroyNotify) job_unref);
}

/* The waiter thread: starts the job and waits for it, a timeout at a time. */
static gpointer
waiter_thread (gpointer data)
{
  g_autoptr(Job) job = data;    /* its own reference, dropped on return */
  GThread *worker;

  job->started_at = g_get_monotonic_time ();
  worker = g_thread_new ("job", job_thread, job);

  g_mutex_lock (&job->mutex);
  while (!join_with_timeout (job, TIMEOUT_US))
    {
      /* The time is up and the job goes on: a timeout ends the wait, never
       * the job. Tell the main loop, then wait for its answer or for the
       * job's end, whichever comes first. */
      job->timeouts++;
      tell_main_loop (job, still_running_cb);
      while (!job->finished && !job->keep_waiting)
        g_cond_wait (&job->cond, &job->mutex);
      job->keep_waiting = FALSE;
    }
  g_mutex_unlock (&job->mutex);

  g_thread_join (worker);       /* it has ended: this returns at once */
  tell_main_loop (job, waiter_done_cb);
  return NULL;
}

/* The main thread's side. */
typedef struct
{
  GMainLoop *loop;
  guint run;                  /* index into runs */
  Job *job;
  GThread *waiter;
  guint heartbeat_id;
  gint64 last_beat;
  gint64 worst_late_us;
} Demo;

static gboolean
heartbeat_cb (gpointer data)
{
  Demo *demo = data;
  gint64 now = g_get_monotonic_time ();

  demo->worst_late_us = MAX (demo->worst_late_us, now - demo->last_beat - 10000);
  demo->last_beat = now;
  return G_SOURCE_CONTINUE;
}

static double
seconds_since_start (Job   *job,
                     gint64 time)
{
  return (double) (time - job->started_at) / G_USEC_PER_SEC;
}

/* The news from the waiter, and the answer. */
static gboolean
still_running_cb (gpointer data)
{
  Job *job = data;
  const Run *run = &runs[((Demo *) job->demo)->run];

  g_print ("%s: still running after %.1f s\n", run->name,
           seconds_since_start (job, g_get_monotonic_time ()));

  if (run->stop)
    g_cancellable_cancel (job->cancellable);   /* the job ends, and wakes the waiter */
  else
    {
      g_mutex_lock (&job->mutex);
      job->keep_waiting = TRUE;
      g_cond_broadcast (&job->cond);
      g_mutex_unlock (&job->mutex);
    }
  return G_SOURCE_REMOVE;
}

static void start_run (Demo *demo);

/* A run is over. The heartbeat had one more beat to show how late it got. */
static gboolean
end_run_cb (gpointer data)
{
  Demo *demo = data;
  Job *job = demo->job;

  g_clear_handle_id (&demo->heartbeat_id, g_source_remove);
  g_print ("%s: job ended after %.2f s, timeouts: %u; the main loop was at most %.0f ms late\n",
           runs[demo->run].name, seconds_since_start (job, job->ended_at), job->timeouts,
           demo->worst_late_us / 1000.0);
  g_clear_pointer (&demo->job, job_unref);

  if (++demo->run < G_N_ELEMENTS (runs))
    start_run (demo);
  else
    g_main_loop_quit (demo->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
waiter_done_cb (gpointer data)
{
  Job *job = data;
  Demo *demo = job->demo;

  g_thread_join (g_steal_pointer (&demo->waiter));   /* it is returning */
  /* demo lives on main()'s stack until the loop ends: no reference needed. */
  g_timeout_add (50, end_run_cb, demo);
  return G_SOURCE_REMOVE;
}

/* The wrong way: the same timed waits, on the main loop. Each one freezes
 * it for the timeout, and nothing can answer: it can only wait again. */
static void
wait_on_the_main_loop (Demo *demo)
{
  Job *job = demo->job;
  GThread *worker;

  job->started_at = g_get_monotonic_time ();
  worker = g_thread_new ("job", job_thread, job);

  g_mutex_lock (&job->mutex);
  while (!join_with_timeout (job, TIMEOUT_US))
    {
      job->timeouts++;
      /* A window could not even draw this until the waiting is over. */
      g_print ("%s: still running after %.1f s\n", runs[demo->run].name,
               seconds_since_start (job, g_get_monotonic_time ()));
    }
  g_mutex_unlock (&job->mutex);

  g_thread_join (worker);
  g_timeout_add (50, end_run_cb, demo);
}

static void
start_run (Demo *demo)
{
  demo->job = job_new (demo);
  demo->worst_late_us = 0;
  demo->last_beat = g_get_monotonic_time ();
  demo->heartbeat_id = g_timeout_add (10, heartbeat_cb, demo);

  if (runs[demo->run].on_the_loop)
    wait_on_the_main_loop (demo);
  else
    demo->waiter = g_thread_new ("waiter", waiter_thread, job_ref (demo->job));
}

int
main (void)
{
  Demo demo = { 0 };

  demo.loop = g_main_loop_new (NULL, FALSE);
  start_run (&demo);
  g_main_loop_run (demo.loop);
  g_main_loop_unref (demo.loop);
  return 0;
}
