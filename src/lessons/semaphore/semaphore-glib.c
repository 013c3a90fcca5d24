/* semaphore-glib.c — at most N of M jobs at once, two ways
 *
 * GLib has no semaphore, so this program makes a counting one from a GMutex
 * and a GCond, and runs twelve jobs on twelve threads with three slots.
 * Then it runs the same jobs on a GThreadPool of three threads, which needs
 * no semaphore: only three threads exist. Each job counts itself in and out
 * with atomics, so the most that ran at once is measured.
 *
 * Build: gcc semaphore-glib.c -o semaphore $(pkg-config --cflags --libs gio-2.0) -pthread
 */

#include <glib.h>

#define N_JOBS 12
#define LIMIT 3

/* The counting semaphore: free_slots says how many more may go in. */
typedef struct
{
  GMutex lock;
  GCond slot_freed;
  guint free_slots;         /* guarded by lock */
  guint n_slots;
} Semaphore;

static void
semaphore_acquire (Semaphore *s)
{
  g_mutex_lock (&s->lock);
  /* A loop, not an if: a wake-up may be spurious, or another thread may
   * take the freed slot first. Only the count can say. */
  while (s->free_slots == 0)
    g_cond_wait (&s->slot_freed, &s->lock);
  s->free_slots--;
  g_mutex_unlock (&s->lock);
}

static void
semaphore_release (Semaphore *s)
{
  g_mutex_lock (&s->lock);
  /* More releases than acquires would raise the limit for good: a bug in
   * the caller (Python's BoundedSemaphore raises ValueError here). */
  g_assert (s->free_slots < s->n_slots);
  s->free_slots++;
  g_cond_signal (&s->slot_freed);   /* one slot came free: wake one waiter */
  g_mutex_unlock (&s->lock);
}

/* What the jobs share: the semaphore and the measurement. */
typedef struct
{
  Semaphore slots;
  int running;              /* jobs running now, with g_atomic_int_*() */
  int most;                 /* the most that ever ran at once */
  GMutex seen_lock;
  GHashTable *threads_seen; /* which threads ran a job (guarded by seen_lock) */
} Run;

typedef struct
{
  Run *run;
  guint number;
} Job;

/* The job itself, the same for both ways: count in, work, count out. */
static void
do_job (Job *job)
{
  Run *run = job->run;
  int now = g_atomic_int_add (&run->running, 1) + 1;
  int most = g_atomic_int_get (&run->most);

  /* Raise the maximum to now. If another thread raised it in between, the
   * exchange fails and this one looks again: no update is lost. */
  while (now > most && !g_atomic_int_compare_and_exchange (&run->most, most, now))
    most = g_atomic_int_get (&run->most);

  g_mutex_lock (&run->seen_lock);
  g_hash_table_add (run->threads_seen, g_thread_self ());
  g_mutex_unlock (&run->seen_lock);

  g_usleep ((50 + job->number % 4 * 20) * G_TIME_SPAN_MILLISECOND);  /* the work */

  g_atomic_int_add (&run->running, -1);
}

/* The semaphore way: a thread per job, and a slot around its work. */
static gpointer
job_thread (gpointer data)
{
  Job *job = data;

  semaphore_acquire (&job->run->slots);
  do_job (job);
  semaphore_release (&job->run->slots);
  return NULL;
}

/* The pool way: the pool calls this on one of its threads for each job. */
static void
pool_job (gpointer data,
          gpointer user_data)
{
  do_job (data);
}

static void
run_init (Run *run)
{
  g_mutex_init (&run->slots.lock);
  g_cond_init (&run->slots.slot_freed);
  run->slots.free_slots = run->slots.n_slots = LIMIT;
  run->running = run->most = 0;
  g_mutex_init (&run->seen_lock);
  run->threads_seen = g_hash_table_new (NULL, NULL);
}

static void
run_clear (Run *run)
{
  g_hash_table_unref (run->threads_seen);
  g_mutex_clear (&run->seen_lock);
  g_cond_clear (&run->slots.slot_freed);
  g_mutex_clear (&run->slots.lock);
}

int
main (void)
{
  Run run;
  Job jobs[N_JOBS];
  GThread *threads[N_JOBS];
  GThreadPool *pool;
  GError *error = NULL;

  run_init (&run);
  for (guint i = 0; i < N_JOBS; i++)
    {
      jobs[i] = (Job) { &run, i };
      threads[i] = g_thread_new ("job", job_thread, &jobs[i]);
    }
  for (guint i = 0; i < N_JOBS; i++)
    g_thread_join (threads[i]);
  g_print ("semaphore of %d slots: %d jobs on %u threads, at most %d ran at once\n",
           LIMIT, N_JOBS, g_hash_table_size (run.threads_seen), run.most);
  run_clear (&run);

  /* Exclusive: the pool starts its LIMIT threads for itself alone. */
  run_init (&run);
  pool = g_thread_pool_new (pool_job, NULL, LIMIT, TRUE, &error);
  if (pool == NULL)
    g_error ("no thread pool: %s", error->message);
  for (guint i = 0; i < N_JOBS; i++)
    g_thread_pool_push (pool, &jobs[i], NULL);
  /* Waits for every queued job to run, then ends the pool's threads. */
  g_thread_pool_free (pool, FALSE, TRUE);
  g_print ("thread pool of %d threads: %d jobs on %u threads, at most %d ran at once\n",
           LIMIT, N_JOBS, g_hash_table_size (run.threads_seen), run.most);
  run_clear (&run);

  return 0;
}
