/* deadlock-glib.c — two locks taken in opposite orders, and the fix
 *
 * Two threads move money between two accounts, each guarded by its own
 * GMutex. Thread 1->2 locks account 1 and then account 2; thread 2->1 locks
 * account 2 and then account 1. Each ends up holding one lock and waiting
 * for the other's: a deadlock. With g_mutex_lock() for the second lock they
 * would wait forever, so here that wait has a time limit: a thread that has
 * waited far longer than any transfer takes gives up, lets go of its first
 * lock, backs off, and tries again. Then both threads take the locks in one
 * order, lower account first, and no deadlock can happen at all.
 *
 * Build and run:
 *   gcc deadlock-glib.c -o deadlock $(pkg-config --cflags --libs gio-2.0) -pthread
 *   ./deadlock
 */

#include <glib.h>
#include <stdio.h>

#define WORK_US (50 * G_TIME_SPAN_MILLISECOND)      /* work while holding the first lock */
#define GIVE_UP_US (200 * G_TIME_SPAN_MILLISECOND)  /* far longer than a transfer */
#define RETRY_US (1 * G_TIME_SPAN_MILLISECOND)
#define MAX_ATTEMPTS 10
#define RUNS 3            /* a deadlock needs bad timing: it may miss a run */
#define ORDERED_RUNS 10

typedef struct
{
  GMutex lock[2];
  int balance[2];
  gboolean ordered;            /* both threads lock account 0 first */
  int gave_up;                 /* waits that timed out: deadlocks found */
  int done;                    /* transfers completed */

  /* The start gate: both threads start their transfer together. */
  GMutex gate_lock;
  GCond gate_cond;
  gboolean gate_open;
} Bank;

typedef struct
{
  Bank *bank;
  int from, to;
} Transfer;

/* g_mutex_lock() with a time limit: GMutex has no timed lock, so try it
 * again and again until the deadline. Returns FALSE if it never came free. */
static gboolean
lock_within (GMutex *mutex,
             gint64  timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;

  while (!g_mutex_trylock (mutex))
    {
      if (g_get_monotonic_time () >= deadline)
        return FALSE;
      g_usleep (RETRY_US);
    }
  return TRUE;
}

static gboolean
try_transfer (Transfer *t)
{
  Bank *bank = t->bank;
  int first = t->from, second = t->to;

  if (bank->ordered)
    {
      /* The fix: one global order, lower account first. Nobody can hold a
       * higher lock while waiting for a lower one: no cycle can form. */
      first = MIN (t->from, t->to);
      second = MAX (t->from, t->to);
    }

  g_mutex_lock (&bank->lock[first]);
  g_usleep (WORK_US);   /* the window in which the other takes its first lock */

  if (!lock_within (&bank->lock[second], GIVE_UP_US))
    {
      /* Waited far longer than a transfer takes: the holder is most likely
       * waiting for us. Let go, so that it can finish. */
      g_atomic_int_inc (&bank->gave_up);
      g_mutex_unlock (&bank->lock[first]);
      return FALSE;
    }

  /* Both accounts are ours: nobody can see the money in between. */
  bank->balance[t->from] -= 10;
  bank->balance[t->to] += 10;

  g_mutex_unlock (&bank->lock[second]);
  g_mutex_unlock (&bank->lock[first]);
  return TRUE;
}

static gpointer
transfer_thread (gpointer data)
{
  Transfer *t = data;
  Bank *bank = t->bank;

  g_mutex_lock (&bank->gate_lock);
  while (!bank->gate_open)
    g_cond_wait (&bank->gate_cond, &bank->gate_lock);
  g_mutex_unlock (&bank->gate_lock);

  for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++)
    {
      if (try_transfer (t))
        {
          g_atomic_int_inc (&bank->done);
          break;
        }
      /* Back off for different times, or both would meet again. */
      g_usleep ((t->from + 1) * 2 * WORK_US);
    }
  return NULL;
}

/* One run of the two transfers; prints what happened. */
static void
run (gboolean  ordered,
     Bank     *total)
{
  Bank bank = { .balance = { 100, 100 }, .ordered = ordered };
  Transfer transfers[2] = { { &bank, 0, 1 }, { &bank, 1, 0 } };
  GThread *threads[2];

  for (int i = 0; i < 2; i++)
    g_mutex_init (&bank.lock[i]);
  g_mutex_init (&bank.gate_lock);
  g_cond_init (&bank.gate_cond);

  for (int i = 0; i < 2; i++)
    threads[i] = g_thread_new ("transfer", transfer_thread, &transfers[i]);
  g_mutex_lock (&bank.gate_lock);
  bank.gate_open = TRUE;
  g_cond_broadcast (&bank.gate_cond);
  g_mutex_unlock (&bank.gate_lock);
  for (int i = 0; i < 2; i++)
    g_thread_join (threads[i]);

  total->gave_up += bank.gave_up;
  total->done += bank.done;
  total->balance[0] += bank.balance[0];
  total->balance[1] += bank.balance[1];

  g_cond_clear (&bank.gate_cond);
  g_mutex_clear (&bank.gate_lock);
  for (int i = 0; i < 2; i++)
    g_mutex_clear (&bank.lock[i]);
}

static void
report (const char *how,
        int         runs,
        Bank       *total,
        gint64      started)
{
  printf ("%s, %d run%s: deadlocks found %d, transfers done %d of %d, "
          "money %d of %d, %.2f s\n",
          how, runs, runs == 1 ? "" : "s", total->gave_up, total->done, 2 * runs,
          total->balance[0] + total->balance[1], 200 * runs,
          (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
}

int
main (void)
{
  Bank opposite = { 0 }, same = { 0 };
  gint64 started = g_get_monotonic_time ();

  for (int i = 0; i < RUNS; i++)
    run (FALSE, &opposite);
  report ("opposite orders", RUNS, &opposite, started);

  started = g_get_monotonic_time ();
  for (int i = 0; i < ORDERED_RUNS; i++)
    run (TRUE, &same);
  report ("same order", ORDERED_RUNS, &same, started);

  return 0;
}
