/* downloads-glib.c — four simulated downloads: one after another, all at
 * once, and on the main loop
 *
 * A download mostly waits, so here it is a few naps. A GMainLoop stands in
 * for the GUI's main loop, and a heartbeat records how late it runs. A run
 * thread does the downloads: one after another, or each on a thread of its
 * own that it then joins. g_thread_join() blocks, so it happens there, never
 * on the main loop. When all are done the run thread tells the main loop
 * with one g_idle_add_full() that holds a reference on the run: the run
 * thread drops its own right after, and the callback must not be left with
 * a dangling pointer. The callback then joins the run thread, which has
 * finished.
 *
 * Build: gcc downloads-glib.c -o downloads $(pkg-config --cflags --libs gio-2.0) -pthread
 */

#include <gio/gio.h>

#define N_FILES 4
#define SECONDS_EACH 0.4
#define N_NAPS 20

typedef struct
{
  gatomicrefcount ref_count;
  gboolean all_at_once;
  gint64 started_at;
  gint64 finished_at;       /* written by the run thread before it reports */
  GThread *run_thread;      /* main thread only */
} Run;

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
download (void)
{
  for (int nap = 0; nap < N_NAPS; nap++)   /* a real one waits for packets */
    g_usleep ((gulong) (SECONDS_EACH * G_USEC_PER_SEC / N_NAPS));
}

static gpointer
download_thread (gpointer data)
{
  download ();
  return NULL;
}

static void
quit_cb (gpointer data)
{
  g_main_loop_quit (loop);
}

/* On the main thread, once: every download is done. */
static gboolean
all_done_cb (gpointer data)
{
  Run *run = data;

  /* The run thread's last act was to add this callback: the join is instant. */
  if (run->run_thread != NULL)
    g_thread_join (g_steal_pointer (&run->run_thread));
  g_print ("took %.2f s", (run->finished_at - run->started_at) / 1e6);
  g_timeout_add_once (20, quit_cb, NULL);   /* let a late beat land first */
  return G_SOURCE_REMOVE;
}

static gpointer
run_thread (gpointer data)
{
  Run *run = data;    /* the thread's own reference */

  if (run->all_at_once)
    {
      GThread *threads[N_FILES];

      for (int i = 0; i < N_FILES; i++)
        threads[i] = g_thread_new ("download", download_thread, NULL);
      for (int i = 0; i < N_FILES; i++)
        g_thread_join (threads[i]);   /* blocks this thread, not the window */
    }
  else
    for (int i = 0; i < N_FILES; i++)
      download ();

  run->finished_at = g_get_monotonic_time ();
  /* The callback gets a reference of its own, dropped by the destroy notify
   * after it ran: this thread drops its own on the very next line. */
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, all_done_cb, run_ref (run),
                   (GDestroyNotify) run_unref);
  run_unref (run);
  return NULL;
}

/* Wrong: the downloads on the main loop. Each nap is a nap of the window. */
static gboolean
on_main_loop_cb (gpointer data)
{
  Run *run = data;

  for (int i = 0; i < N_FILES; i++)
    download ();
  run->finished_at = g_get_monotonic_time ();
  return all_done_cb (run);
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

  g_atomic_ref_count_init (&run->ref_count);
  run->all_at_once = g_str_equal (way, "all at once");
  run->started_at = g_get_monotonic_time ();
  beat_due = run->started_at + 10000;
  longest_wait_us = 0;
  if (g_str_equal (way, "main loop"))
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, on_main_loop_cb, run_ref (run),
                     (GDestroyNotify) run_unref);
  else
    run->run_thread = g_thread_new ("run", run_thread, run_ref (run));
  run_unref (run);  /* the threads and the callbacks hold their own */
  g_print ("%-18s: %d downloads of %.1f s ", way, N_FILES, SECONDS_EACH);
  g_main_loop_run (loop);
  g_print ("; main loop's longest wait: %.0f ms\n", longest_wait_us / 1000.0);
  g_source_remove (beat);
}

int
main (void)
{
  loop = g_main_loop_new (NULL, FALSE);
  measure ("one after another");
  measure ("all at once");
  measure ("main loop");
  g_main_loop_unref (loop);
  return 0;
}
