/* freeze-glib.c — the same job inside a main-loop callback, then on a worker
 *
 * A GMainLoop stands in for the GUI's main loop, and a heartbeat asks it to
 * run every 10 ms and records how late each beat is. Counting primes inside
 * a callback freezes the loop for the whole job. On a worker thread the loop
 * keeps beating; the worker hands its progress over with g_idle_add_full(),
 * at most one delivery waiting at a time, each holding a reference on the
 * job with a destroy notify that drops it.
 *
 * Build: gcc freeze-glib.c -o freeze $(pkg-config --cflags --libs gio-2.0) -pthread
 */

#include <gio/gio.h>
#ifdef __linux__
# include <sys/resource.h>
# include <sys/syscall.h>
# include <unistd.h>
#endif

#define LIMIT 4000000u      /* a second or so of trial division */
#define CHUNK 20000u        /* numbers tested between two reports */

typedef struct
{
  gatomicrefcount ref_count;
  int checked;              /* written by the worker, read by the main loop: */
  int primes;               /* always with g_atomic_int_*() */
  int finished;
  int delivery_pending;     /* TRUE while one delivery waits on the loop */
  guint reports;            /* worker only; the main thread reads it after the join */
  guint deliveries, shown;  /* main thread only */
  GThread *thread;          /* main thread only */
} Job;

static GMainLoop *loop;
static gint64 beat_due, longest_wait_us;

static Job *
job_ref (Job *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

static void
job_unref (Job *job)
{
  if (g_atomic_ref_count_dec (&job->ref_count))
    g_free (job);
}

static gboolean
is_prime (guint n)
{
  if (n < 2 || (n % 2 == 0 && n != 2))
    return FALSE;
  for (guint d = 3; d <= n / d; d += 2)
    if (n % d == 0)
      return FALSE;
  return TRUE;
}

static guint
count_primes (guint from, guint to)
{
  guint count = 0;

  for (guint n = from; n < to; n++)
    count += is_prime (n);
  return count;
}

static void
quit_cb (gpointer data)
{
  g_main_loop_quit (loop);
}

/* Quits a little after the job, so that a late beat lands and is counted. */
static void
quit_soon (void)
{
  g_timeout_add_once (50, quit_cb, NULL);
}

static gboolean
beat_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  longest_wait_us = MAX (longest_wait_us, now - beat_due);
  beat_due = now + 10000;
  return G_SOURCE_CONTINUE;
}

/* Wrong: the whole job in one callback. No beat runs until it returns. */
static gboolean
count_on_main_loop_cb (gpointer data)
{
  g_print ("main loop: %u primes below %u", count_primes (0, LIMIT), LIMIT);
  quit_soon ();
  return G_SOURCE_REMOVE;
}

/* On the main thread: show the latest figures; after the last, join. */
static gboolean
deliver_cb (gpointer data)
{
  Job *job = data;

  /* Clear the flag first: news stored after this asks for a new delivery. */
  g_atomic_int_set (&job->delivery_pending, FALSE);
  job->deliveries++;
  job->shown = (guint) g_atomic_int_get (&job->checked);  /* a GUI sets its bar */
  /* Not finished, or already joined (a delivery asked for just before the
   * last one read the final news): nothing more to do. */
  if (!g_atomic_int_get (&job->finished) || job->thread == NULL)
    return G_SOURCE_REMOVE;

  /* The worker said its last word and is only returning: this is instant. */
  g_thread_join (g_steal_pointer (&job->thread));
  g_print ("worker: %d primes below %u, %u reports shown by %u deliveries, "
           "the last showing %u numbers tested",
           g_atomic_int_get (&job->primes), LIMIT, job->reports, job->deliveries,
           job->shown);
  quit_soon ();
  return G_SOURCE_REMOVE;
}

/* On the worker: store the news, then ask for a delivery if none waits. */
static void
report (Job *job, guint checked, guint primes, gboolean finished)
{
  g_atomic_int_set (&job->checked, (int) checked);
  g_atomic_int_set (&job->primes, (int) primes);
  g_atomic_int_set (&job->finished, finished);
  job->reports++;   /* read by the main thread only after the join */
  if (g_atomic_int_compare_and_exchange (&job->delivery_pending, FALSE, TRUE))
    /* The callback holds a reference of its own, dropped by the destroy
     * notify after it ran, so the job outlives the worker's reference. */
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, deliver_cb, job_ref (job),
                     (GDestroyNotify) job_unref);
}

static gpointer
worker (gpointer data)
{
  Job *job = data;  /* the thread's own reference, dropped on return */
  guint primes = 0;

#ifdef __linux__
  /* Like Thaw's workers: nice 10 (on Linux the nice value is per thread), so
   * that when every core is busy the main loop wins the CPU. */
  setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 10);
#endif

  for (guint n = 0; n < LIMIT; n += CHUNK)
    {
      primes += count_primes (n, n + CHUNK);
      report (job, n + CHUNK, primes, n + CHUNK >= LIMIT);
    }
  job_unref (job);
  return NULL;
}

static void
run (const char *way)
{
  gint64 start = g_get_monotonic_time ();
  guint beat = g_timeout_add (10, beat_cb, NULL);

  beat_due = start + 10000;
  longest_wait_us = 0;
  if (g_str_equal (way, "main loop"))
    g_idle_add (count_on_main_loop_cb, NULL);
  else
    {
      Job *job = g_new0 (Job, 1);

      g_atomic_ref_count_init (&job->ref_count);
      job->thread = g_thread_new ("primes", worker, job_ref (job));
      job_unref (job);  /* the thread and the deliveries hold their own */
    }
  g_main_loop_run (loop);
  g_source_remove (beat);
  g_print (" in %.2f s; main loop's longest wait: %.0f ms\n",
           (g_get_monotonic_time () - start) / 1e6, longest_wait_us / 1000.0);
}

int
main (void)
{
  loop = g_main_loop_new (NULL, FALSE);
  run ("main loop");
  run ("worker");
  /* A delivery may still wait, holding its reference: let it run. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_main_loop_unref (loop);
  return 0;
}
