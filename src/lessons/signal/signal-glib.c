/* signal-glib.c — threads sleep at a gate until another thread says go
 *
 * The gate is a GMutex, a GCond to sleep on, and the state they guard:
 * tickets (a pass for one thread each) and open (everybody may go). The
 * waiters sleep in a loop that checks that state. The main thread hands out
 * a ticket with g_cond_signal(), another with g_cond_broadcast(), then opens
 * the gate for the rest, and prints who passed each time.
 *
 * Build: gcc signal-glib.c -o signal $(pkg-config --cflags --libs gio-2.0) -pthread
 */

#include <glib.h>

#define N_THREADS 4

typedef struct
{
  GMutex mutex;
  GCond changed;        /* the waiters sleep here */
  GCond news;           /* the main thread sleeps here */

  /* Guarded by mutex. */
  guint tickets;        /* passes for one thread each */
  gboolean open;        /* may everybody go? */
  guint waiting;        /* threads asleep at the gate */
  guint wake_ups;       /* times g_cond_wait() returned to a waiter */
  guint n_passed;
  guint passed[N_THREADS + 1];  /* who passed, in order */
} Gate;

typedef struct
{
  Gate *gate;
  guint number;
} Waiter;

static gpointer
waiter_thread (gpointer data)
{
  Waiter *waiter = data;
  Gate *gate = waiter->gate;

  g_mutex_lock (&gate->mutex);
  gate->waiting++;
  g_cond_signal (&gate->news);

  /* The loop is the heart of it. g_cond_wait() unlocks the mutex while it
   * sleeps and locks it again before returning. A wake-up is only a hint:
   * it may be spurious, and g_cond_signal() wakes *at least* one thread.
   * The state decides: a ticket lets one thread through because the first
   * one to look takes it, and the next one to look finds none. */
  while (!gate->open && gate->tickets == 0)
    {
      g_cond_wait (&gate->changed, &gate->mutex);
      gate->wake_ups++;
      g_cond_signal (&gate->news);
    }

  if (!gate->open)
    gate->tickets--;
  gate->waiting--;
  gate->passed[gate->n_passed++] = waiter->number;
  g_cond_signal (&gate->news);
  g_mutex_unlock (&gate->mutex);

  return NULL;
}

/* The main thread waits (with the mutex held) until enough threads woke up
 * and passed, or 5 s went by; the same predicate loop, on the other GCond. */
static void
settle (Gate  *gate,
        guint  wake_ups,
        guint  n_passed)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;

  while (gate->wake_ups < wake_ups || gate->n_passed < n_passed)
    if (!g_cond_wait_until (&gate->news, &gate->mutex, deadline))
      break;
}

/* Waits a little more, so that a wrong extra pass would show, then prints
 * what happened since the figures were taken. Called with the mutex held. */
static void
report (Gate       *gate,
        const char *what,
        guint       wake_ups,
        guint       n_passed)
{
  GString *names = g_string_new (NULL);

  g_mutex_unlock (&gate->mutex);
  g_usleep (100 * G_TIME_SPAN_MILLISECOND);
  g_mutex_lock (&gate->mutex);

  for (guint i = n_passed; i < gate->n_passed; i++)
    g_string_append_printf (names, "%sthread %u", i > n_passed ? ", " : "", gate->passed[i]);
  g_print ("%s: %u woke, %u passed (%s), %u still waiting\n", what,
           gate->wake_ups - wake_ups, gate->n_passed - n_passed, names->str, gate->waiting);
  g_string_free (names, TRUE);
}

int
main (void)
{
  Gate gate = { 0 };
  Waiter waiters[N_THREADS + 1];
  GThread *threads[N_THREADS + 1];
  guint wake_ups, n_passed, sleepers;

  g_mutex_init (&gate.mutex);
  g_cond_init (&gate.changed);
  g_cond_init (&gate.news);

  for (guint i = 0; i < N_THREADS; i++)
    {
      waiters[i] = (Waiter) { &gate, i + 1 };
      threads[i] = g_thread_new ("waiter", waiter_thread, &waiters[i]);
    }

  /* Every thread asleep at the closed gate. */
  g_mutex_lock (&gate.mutex);
  while (gate.waiting < N_THREADS)
    g_cond_wait (&gate.news, &gate.mutex);

  /* Ticket 1. The ticket is counted under the mutex: that is the rule, as a
   * waiter checks the state and falls asleep in one step under it, so the
   * change cannot slip in between and be lost. The signal itself may come
   * after the unlock: allowed, and nothing is lost. */
  wake_ups = gate.wake_ups;
  n_passed = gate.n_passed;
  gate.tickets++;
  g_mutex_unlock (&gate.mutex);
  g_cond_signal (&gate.changed);
  g_mutex_lock (&gate.mutex);
  settle (&gate, wake_ups + 1, n_passed + 1);
  report (&gate, "ticket 1, g_cond_signal() after unlocking", wake_ups, n_passed);

  /* Ticket 2, and every sleeper woken: still only one passes, because the
   * ticket count, not the wake-up, says who goes. Signalling while holding
   * the mutex, as here, is the usual good practice. */
  wake_ups = gate.wake_ups;
  n_passed = gate.n_passed;
  sleepers = gate.waiting;
  gate.tickets++;
  g_cond_broadcast (&gate.changed);
  settle (&gate, wake_ups + sleepers, n_passed + 1);
  report (&gate, "ticket 2, g_cond_broadcast()", wake_ups, n_passed);

  /* The gate opens: the change concerns every waiter, so wake them all. */
  wake_ups = gate.wake_ups;
  n_passed = gate.n_passed;
  gate.open = TRUE;
  g_cond_broadcast (&gate.changed);
  settle (&gate, wake_ups, N_THREADS);
  report (&gate, "gate open, g_cond_broadcast()", wake_ups, n_passed);

  /* A latecomer: the broadcast is long gone, but the flag is remembered. */
  wake_ups = gate.wake_ups;
  g_mutex_unlock (&gate.mutex);
  waiters[N_THREADS] = (Waiter) { &gate, N_THREADS + 1 };
  threads[N_THREADS] = g_thread_new ("latecomer", waiter_thread, &waiters[N_THREADS]);

  for (guint i = 0; i <= N_THREADS; i++)
    g_thread_join (threads[i]);

  g_print ("latecomer after the gate opened: passed with %u wake-ups\n",
           gate.wake_ups - wake_ups);
  g_print ("through the gate in the end: %u of %u threads\n", gate.n_passed, N_THREADS + 1);

  g_cond_clear (&gate.news);
  g_cond_clear (&gate.changed);
  g_mutex_clear (&gate.mutex);
  return 0;
}
