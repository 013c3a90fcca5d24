/* pthread-glib.c — a worker made with pthread_create(), joined with
 * pthread_join() only after it has said it is done
 *
 * A GMainLoop stands in for the GUI's main loop, and a heartbeat records how
 * late it runs. The worker estimates π by throwing random darts. It puts its
 * figures in a struct under a pthread_mutex_t and asks the main loop to show
 * them with g_idle_add_full(): at most one request waits, each holds a
 * reference on the job, and its destroy notify drops it. Its last report
 * says "finished", and the callback that receives it joins the thread: by
 * then the thread is only returning. Three runs: to the end; stopped with an
 * atomic flag; and joined on the main loop while the thread still works,
 * which freezes the loop.
 *
 * Build: gcc pthread-glib.c -o pthread $(pkg-config --cflags --libs gio-2.0) -pthread
 */

#include <gio/gio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#define N_DARTS 200000000ull
#define CHUNK 1000000ull    /* darts between two reports and two looks at stop */

typedef struct
{
  gatomicrefcount ref_count;
  atomic_bool stop;           /* set by the main thread, read by the worker */
  pthread_mutex_t lock;       /* guards the four fields below */
  guint64 thrown, hits;
  bool finished, pending;
  pthread_t thread;           /* main thread only, from here on */
  bool joined;
  double join_ms;
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
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;
  pthread_mutex_destroy (&job->lock);
  g_free (job);
}

/* xorshift64*: a fast generator whose state belongs to one thread. */
static double
random_unit (guint64 *state)
{
  *state ^= *state >> 12;
  *state ^= *state << 25;
  *state ^= *state >> 27;
  return ((*state * 0x2545F4914F6CDD1Dull) >> 11) * 0x1p-53;
}

static void
join_worker (Job *job)
{
  gint64 before = g_get_monotonic_time ();

  pthread_join (job->thread, NULL);   /* exactly once per thread */
  job->joined = true;
  job->join_ms = (g_get_monotonic_time () - before) / 1000.0;
}

static void
quit_cb (gpointer data)
{
  g_main_loop_quit (loop);
}

/* On the main thread: show the figures; after the last word, join. */
static gboolean
deliver_cb (gpointer data)
{
  Job *job = data;
  guint64 thrown, hits;
  bool finished;

  pthread_mutex_lock (&job->lock);
  job->pending = false;   /* news stored from now on asks again */
  thrown = job->thrown, hits = job->hits, finished = job->finished;
  pthread_mutex_unlock (&job->lock);

  if (!finished)
    return G_SOURCE_REMOVE;   /* a GUI would set its progress bar here */
  g_print ("%llu darts, pi ~ %.5f", (unsigned long long) thrown, 4.0 * hits / thrown);
  if (!job->joined)
    {
      join_worker (job);
      g_print ("; pthread_join() after the last word waited %.3f ms", job->join_ms);
    }
  /* Only one delivery reads "finished": no report comes after it. Quit a
   * little later, so that a beat the loop owes still lands. */
  g_timeout_add_once (20, quit_cb, NULL);
  return G_SOURCE_REMOVE;
}

static void
report (Job *job, guint64 thrown, guint64 hits, bool finished)
{
  bool ask;

  pthread_mutex_lock (&job->lock);
  job->thrown = thrown, job->hits = hits, job->finished = finished;
  ask = !job->pending;    /* a waiting delivery will read these figures */
  job->pending = true;
  pthread_mutex_unlock (&job->lock);
  if (ask)   /* the callback holds a reference; its destroy notify drops it */
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, deliver_cb, job_ref (job),
                     (GDestroyNotify) job_unref);
}

/* The worker, with the signature pthread_create() wants. No GUI calls. */
static void *
worker (void *data)
{
  Job *job = data;    /* its own reference, dropped on return */
  guint64 state = 0x9E3779B97F4A7C15ull, thrown = 0, hits = 0;

  while (thrown < N_DARTS && !atomic_load (&job->stop))
    {
      for (guint64 i = 0; i < CHUNK; i++)
        {
          double x = random_unit (&state), y = random_unit (&state);

          hits += x * x + y * y < 1.0;
        }
      thrown += CHUNK;
      report (job, thrown, hits, false);
    }
  report (job, thrown, hits, true);   /* the last word */
  job_unref (job);
  return NULL;
}

static gboolean
beat_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  longest_wait_us = MAX (longest_wait_us, now - beat_due);
  beat_due = now + 10000;
  return G_SOURCE_CONTINUE;
}

/* The Stop button. Like every callback here, it holds a reference. */
static gboolean
stop_cb (gpointer data)
{
  Job *job = data;

  atomic_store (&job->stop, true);
  return G_SOURCE_REMOVE;
}

/* Wrong: joins a thread that still works. The main loop waits with it. */
static gboolean
join_early_cb (gpointer data)
{
  Job *job = data;

  join_worker (job);
  g_print ("pthread_join() on the main loop while it worked waited %.0f ms; ",
           job->join_ms);
  return G_SOURCE_REMOVE;
}

static void
run (const char *way)
{
  Job *job = g_new0 (Job, 1);
  guint beat = g_timeout_add (10, beat_cb, NULL);
  int err;

  g_atomic_ref_count_init (&job->ref_count);
  pthread_mutex_init (&job->lock, NULL);
  beat_due = g_get_monotonic_time () + 10000;
  longest_wait_us = 0;
  err = pthread_create (&job->thread, NULL, worker, job_ref (job));
  if (err != 0)     /* an errno value; pthread_create() does not set errno */
    g_error ("pthread_create: %s", g_strerror (err));
  if (g_str_equal (way, "stop"))
    g_timeout_add_full (G_PRIORITY_DEFAULT, 100, stop_cb, job_ref (job),
                        (GDestroyNotify) job_unref);
  else if (g_str_equal (way, "join-early"))
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, join_early_cb, job_ref (job),
                     (GDestroyNotify) job_unref);
  g_print ("%-10s: ", way);
  g_main_loop_run (loop);
  g_print ("; main loop's longest wait: %.0f ms\n", longest_wait_us / 1000.0);
  g_source_remove (beat);
  job_unref (job);  /* a delivery still waiting holds its own reference */
}

int
main (void)
{
  loop = g_main_loop_new (NULL, FALSE);
  run ("right");
  run ("stop");
  run ("join-early");
  while (g_main_context_iteration (NULL, FALSE))   /* let last deliveries run */
    ;
  g_main_loop_unref (loop);
  return 0;
}
