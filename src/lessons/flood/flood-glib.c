/* flood-glib.c — a flood of idle callbacks against coalesced deliveries
 *
 * A GMainLoop stands in for the GUI's main loop, and a heartbeat records how
 * late it runs. A worker sends 100,000 progress updates, twice:
 *
 *   flood      one g_idle_add_full() per update, each with its value and a
 *              reference on the run: every update is a callback to run.
 *   coalesced  the worker stores the newest value and asks for a delivery
 *              only if none is pending and the last ask was a frame ago;
 *              the delivery reads the value when it runs. The last update
 *              skips the frame check, so the final value is never lost.
 *
 * Build: gcc flood-glib.c -o flood $(pkg-config --cflags --libs gio-2.0) -pthread
 */

#include <gio/gio.h>
#include <time.h>

#define N_UPDATES 200000
#define UPDATES_PER_SECOND 400000   /* the worker's pace, the same both ways */
/* One frame of a 60 Hz screen. A GTK app paces to its real frame clock. */
#define FRAME_US 16667

typedef struct
{
  gatomicrefcount ref_count;
  gboolean coalesced;
  int value;                /* the newest value, g_atomic_int_*() only */
  int pending;              /* idle callbacks added and not run yet */
  int pending_max;          /* worker only, read after the join */
  gint64 last_asked_at;     /* worker only */
  guint dispatches;         /* main thread only, from here on */
  int shown;
  GThread *thread;
} Run;

typedef struct          /* one update of the flood */
{
  Run *run;
  int value;
} Update;

static GMainLoop *loop;
static gint64 beat_due, longest_wait_us;

static Run *
run_ref (Run *run)
{
  g_atomic_ref_count_inc (&run->ref_count);
  return run;
}

static void
run_unref (Run *run)
{
  if (g_atomic_ref_count_dec (&run->ref_count))
    g_free (run);
}

static void
update_free (Update *update)
{
  run_unref (update->run);
  g_free (update);
}

static void
quit_cb (gpointer data)
{
  g_main_loop_quit (loop);
}

/* What a progress callback does: show the value. After the last, join. */
static void
show (Run *run, int value)
{
  run->dispatches++;
  run->shown = value;
  if (value == N_UPDATES && run->thread != NULL)
    {
      g_thread_join (g_steal_pointer (&run->thread));   /* it is returning */
      g_timeout_add_once (20, quit_cb, NULL);          /* a late beat lands */
    }
}

static gboolean
show_one_cb (gpointer data)       /* the flood: one of N_UPDATES */
{
  Update *update = data;

  g_atomic_int_add (&update->run->pending, -1);
  show (update->run, update->value);
  return G_SOURCE_REMOVE;
}

static gboolean
deliver_latest_cb (gpointer data) /* coalesced: whatever is newest now */
{
  Run *run = data;

  g_atomic_int_set (&run->pending, 0);   /* clear first, then read */
  show (run, g_atomic_int_get (&run->value));
  return G_SOURCE_REMOVE;
}

static void
send_as_idle (Run *run, int value)
{
  Update *update = g_new (Update, 1);
  int pending = g_atomic_int_add (&run->pending, 1) + 1;

  run->pending_max = MAX (run->pending_max, pending);
  update->run = run_ref (run);
  update->value = value;
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, show_one_cb, update,
                   (GDestroyNotify) update_free);
}

static void
send_coalesced (Run *run, int value)
{
  gint64 now = g_get_monotonic_time ();
  gboolean last = value == N_UPDATES;

  g_atomic_int_set (&run->value, value);  /* store first, then maybe ask */
  if (!last && now - run->last_asked_at < FRAME_US)
    return;     /* a later ask, at the latest the last one, will carry it */
  if (g_atomic_int_compare_and_exchange (&run->pending, 0, 1))
    {
      run->last_asked_at = now;
      run->pending_max = 1;
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, deliver_latest_cb,
                       run_ref (run), (GDestroyNotify) run_unref);
    }
  /* Else a delivery waits and has not read the value yet: it will show
   * this one, the last included. */
}

static gpointer
worker (gpointer data)
{
  Run *run = data;    /* the thread's own reference */
  gint64 start = g_get_monotonic_time ();

  for (int value = 1; value <= N_UPDATES; value++)
    {
      if (value % 1000 == 0)    /* keep the pace: sleep when ahead of it */
        {
          gint64 due = start + (gint64) value * G_USEC_PER_SEC / UPDATES_PER_SECOND;
          gint64 ahead = due - g_get_monotonic_time ();

          if (ahead > 0)
            g_usleep ((gulong) ahead);
        }
      if (run->coalesced)
        send_coalesced (run, value);
      else
        send_as_idle (run, value);
    }
  run_unref (run);
  return NULL;
}

/* CPU time the calling thread has used, in microseconds. */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean
beat_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  longest_wait_us = MAX (longest_wait_us, now - beat_due);
  beat_due = now + 10000;
  return G_SOURCE_CONTINUE;
}

static void
measure (const char *way)
{
  Run *run = g_new0 (Run, 1);
  guint beat = g_timeout_add (10, beat_cb, NULL);
  gint64 start = g_get_monotonic_time (), cpu = thread_cpu_us ();

  g_atomic_ref_count_init (&run->ref_count);
  run->coalesced = g_str_equal (way, "coalesced");
  beat_due = start + 10000;
  longest_wait_us = 0;
  run->thread = g_thread_new ("updates", worker, run_ref (run));
  g_main_loop_run (loop);
  g_source_remove (beat);
  g_print ("%-9s: %d updates reported, %u idle dispatches, at most %d pending, "
           "last value shown %d, in %.2f s; main loop busy %.0f ms, "
           "longest wait %.0f ms\n",
           way, N_UPDATES, run->dispatches, run->pending_max, run->shown,
           (g_get_monotonic_time () - start) / 1e6,
           (thread_cpu_us () - cpu) / 1000.0, longest_wait_us / 1000.0);
  run_unref (run);
}

int
main (void)
{
  loop = g_main_loop_new (NULL, FALSE);
  measure ("flood");
  measure ("coalesced");
  while (g_main_context_iteration (NULL, FALSE))   /* a delivery may wait */
    ;
  g_main_loop_unref (loop);
  return 0;
}
