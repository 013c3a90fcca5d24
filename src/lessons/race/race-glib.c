/* race-glib.c — lost updates, and three ways to make the count exact
 *
 * Four threads each add 1 to one shared counter a million times. Without a
 * lock, a thread that reads just before another one writes puts back a
 * stale value, and that update is lost. A GMutex taken for every increment
 * and g_atomic_int_add() are both exact; they are timed, and so is a mutex
 * taken once per batch of increments, which is fast because the threads
 * share less often.
 *
 * Build and run:
 *   gcc race-glib.c -o race $(pkg-config --cflags --libs gio-2.0) -pthread
 *   ./race
 */

#include <glib.h>
#include <stdio.h>

#define N_THREADS 4
#define INCREMENTS 1000000
#define YIELD_EVERY 1000
#define BATCH 50000

typedef enum { NO_LOCK, MUTEX_PER_INCREMENT, MUTEX_PER_BATCH, ATOMIC_ADD } Way;

static int counter;
static GMutex counter_lock;

/* The start gate: the adders wait until all of them exist, so that they
 * really run at the same time and not one after another. */
static GMutex gate_lock;
static GCond gate_cond;
static gboolean gate_open;

/* Wrong: a read and a write, each atomic on its own (so the program stays
 * well-defined C; a plain counter++ from several threads would be a data
 * race, which C leaves undefined). Another thread can write between them.
 *
 * Now and then the thread gives the processor away right in that gap, as
 * the scheduler may take it away at any moment. With a core for every
 * thread the updates are lost without this; on a busy machine the threads
 * may run one after another, and then it is this that lets them meet. */
static void
add_without_lock (void)
{
  for (int i = 0; i < INCREMENTS; i++)
    {
      int value = g_atomic_int_get (&counter);

      /* <- another thread may write right here: its update gets lost */
      if (i % YIELD_EVERY == 0)
        g_thread_yield ();
      g_atomic_int_set (&counter, value + 1);
    }
}

/* Right: the same read and write in a critical section, which one thread at
 * a time may enter. The lock is taken and released once per increment. */
static void
add_with_mutex (void)
{
  for (int i = 0; i < INCREMENTS; i++)
    {
      g_mutex_lock (&counter_lock);
      g_atomic_int_set (&counter, g_atomic_int_get (&counter) + 1);
      g_mutex_unlock (&counter_lock);
    }
}

/* Also right, and fast because the threads share less: one lock for a whole
 * batch. The other threads wait for the batch, so the lock is held longer. */
static void
add_with_mutex_per_batch (void)
{
  for (int done = 0; done < INCREMENTS; done += BATCH)
    {
      g_mutex_lock (&counter_lock);
      for (int i = 0; i < BATCH; i++)
        g_atomic_int_set (&counter, g_atomic_int_get (&counter) + 1);
      g_mutex_unlock (&counter_lock);
    }
}

/* Right, without a lock: read, add and write as one step of the processor. */
static void
add_atomically (void)
{
  for (int i = 0; i < INCREMENTS; i++)
    g_atomic_int_add (&counter, 1);
}

static void
wait_at_gate (void)
{
  g_mutex_lock (&gate_lock);
  while (!gate_open)            /* a loop: a GCond may wake for nothing */
    g_cond_wait (&gate_cond, &gate_lock);
  g_mutex_unlock (&gate_lock);
}

static void
set_gate (gboolean open)
{
  g_mutex_lock (&gate_lock);
  gate_open = open;
  g_cond_broadcast (&gate_cond);
  g_mutex_unlock (&gate_lock);
}

static gpointer
adder_thread (gpointer data)
{
  wait_at_gate ();
  switch (GPOINTER_TO_INT (data))
    {
    case NO_LOCK:
      add_without_lock ();
      break;
    case MUTEX_PER_INCREMENT:
      add_with_mutex ();
      break;
    case MUTEX_PER_BATCH:
      add_with_mutex_per_batch ();
      break;
    default:
      add_atomically ();
      break;
    }
  return NULL;
}

/* Runs the threads one way; returns the final count, and the time in @ms. */
static int
run (Way     way,
     double *ms)
{
  GThread *threads[N_THREADS];
  gint64 start;

  g_atomic_int_set (&counter, 0);
  set_gate (FALSE);
  for (int t = 0; t < N_THREADS; t++)
    threads[t] = g_thread_new ("adder", adder_thread, GINT_TO_POINTER (way));
  start = g_get_monotonic_time ();
  set_gate (TRUE);
  /* After the joins every write of the adders is visible here. */
  for (int t = 0; t < N_THREADS; t++)
    g_thread_join (threads[t]);

  *ms = (g_get_monotonic_time () - start) / 1000.0;
  return g_atomic_int_get (&counter);
}

static void
report (const char *how,
        int         total,
        double      ms)
{
  const int expected = N_THREADS * INCREMENTS;

  if (total == expected)
    printf ("%s: exact %d in %.1f ms\n", how, total, ms);
  else
    printf ("%s: lost %d of %d updates in %.1f ms\n", how, expected - total, expected, ms);
}

int
main (void)
{
  double ms;
  int total;

  g_mutex_init (&counter_lock);
  g_mutex_init (&gate_lock);
  g_cond_init (&gate_cond);

  total = run (NO_LOCK, &ms);
  report ("without a lock", total, ms);
  total = run (MUTEX_PER_INCREMENT, &ms);
  report ("with a mutex per increment", total, ms);
  total = run (ATOMIC_ADD, &ms);
  report ("with g_atomic_int_add()", total, ms);
  total = run (MUTEX_PER_BATCH, &ms);
  report ("with a mutex per batch", total, ms);

  g_cond_clear (&gate_cond);
  g_mutex_clear (&gate_lock);
  g_mutex_clear (&counter_lock);
  return 0;
}
