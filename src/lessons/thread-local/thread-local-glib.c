/* thread-local-glib.c — each thread's own value, and its destroy notify
 *
 * Four threads format lines at the same time. Deep in the work,
 * format_line() needs a scratch buffer and a counter. Nobody passes them
 * down and no lock guards them: each thread finds its own behind one static
 * GPrivate. As each thread exits, GLib calls the GPrivate's destroy notify
 * with that thread's value, on that thread, and it frees the scratch.
 *
 * Build: gcc thread-local-glib.c -o thread-local $(pkg-config --cflags --libs gio-2.0) -pthread
 */

#include <glib.h>
#include <pthread.h>

#define N_THREADS 4

/* What the destroy notifies report to the main thread. */
typedef struct
{
  guint lines;              /* the thread's counter, as its notify saw it */
  int notifies;             /* times its destroy notify ran */
  gboolean on_own_thread;   /* it ran on the thread that owned the value */
} Report;

static Report reports[N_THREADS];
static int total_notifies;

/* One thread's scratch space. Only its own thread ever touches it. */
typedef struct
{
  guint index;
  pthread_t owner;
  guint lines;
  char buffer[64];
} Scratch;

static void scratch_free (gpointer data);

/* One key for every thread, each with its own value behind it. It must be
 * static: GLib can never free a GPrivate, and there are only so many. */
static GPrivate this_thread_scratch = G_PRIVATE_INIT (scratch_free);

/* The destroy notify: runs as a thread that set a value exits, after its
 * function returned, on that thread. (pthread_self(), not g_thread_self():
 * GLib's own per-thread data may already be gone at this point.) */
static void
scratch_free (gpointer data)
{
  Scratch *scratch = data;
  Report *report = &reports[scratch->index];

  report->lines = scratch->lines;
  report->on_own_thread = pthread_equal (scratch->owner, pthread_self ());
  g_atomic_int_inc (&report->notifies);
  g_atomic_int_inc (&total_notifies);
  g_free (scratch);
}

/* Deep in the work: finds the calling thread's scratch with no parameter
 * and no lock. Two threads in here at once get two different scratches. */
static void
format_line (guint number)
{
  Scratch *scratch = g_private_get (&this_thread_scratch);

  g_snprintf (scratch->buffer, sizeof scratch->buffer, "line %u", number);
  scratch->lines++;
}

static gpointer
worker_thread (gpointer data)
{
  guint index = GPOINTER_TO_UINT (data);
  Scratch *scratch = g_new0 (Scratch, 1);

  scratch->index = index;
  scratch->owner = pthread_self ();
  /* From here on it is this thread's value, and GLib frees it. */
  g_private_set (&this_thread_scratch, scratch);

  for (guint number = 1; number <= 50 * (index + 1); number++)
    {
      format_line (number);
      g_usleep (1000);          /* the threads take turns all along */
    }

  return NULL;
  /* The thread exits here, and GLib calls scratch_free (scratch). */
}

int
main (void)
{
  GThread *threads[N_THREADS];
  guint on_own_thread = 0;

  for (guint i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("formatter", worker_thread, GUINT_TO_POINTER (i));

  /* A joined thread has exited: its destroy notify has run. */
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < N_THREADS; i++)
    {
      g_print ("thread %u: its own counter says %u lines (planned %u), destroy notify ran %d time%s\n",
               i + 1, reports[i].lines, 50 * (i + 1), reports[i].notifies,
               reports[i].notifies == 1 ? "" : "s");
      on_own_thread += reports[i].on_own_thread;
    }
  g_print ("destroy notify ran %d times for %d threads, %u of them on the thread that was exiting\n",
           g_atomic_int_get (&total_notifies), N_THREADS, on_own_thread);
  /* The main thread never set a value. (One it set would never be freed:
   * returning from main() ends the program without destroy notifies.) */
  g_print ("the main thread has a scratch of its own: %s\n",
           g_private_get (&this_thread_scratch) != NULL ? "yes" : "no");
  return 0;
}
