/* cancel-glib.c — Stopping a thread: a Stop button can only ask.
 *
 * A worker hashes data with a GChecksum and looks at a GCancellable between
 * blocks. A timer on the main loop plays the Stop button: it notes the time
 * and calls g_cancellable_cancel(). The worker notes when it noticed, and its
 * report travels to the main loop in an idle callback that holds a reference
 * to the job. The difference is the cancel latency, measured for a worker
 * that looks every 5 ms and one that looks every 250 ms.
 *
 * Then GIO's own calls: a read on a socket that waits for data gives up as
 * soon as its cancellable is cancelled, in the middle of the wait. (A read
 * from a local file is different: the kernel finishes a read() it has begun,
 * so GIO sees the cancellation before the next read, not during one.)
 *
 * Why not kill the thread instead? It may hold a lock (a GMutex, or the one
 * inside malloc) that would then never be released, or be halfway through
 * updating data that others read. So the thread is asked, and stops itself.
 *
 * Build: gcc cancel-glib.c -o cancel $(pkg-config --cflags --libs gio-2.0) -pthread
 */

#include <errno.h>
#include <gio/gio.h>
#include <sys/socket.h>
#include <unistd.h>

#define BLOCK_BYTES (64 * 1024)
#define N_CLICKS 4

/* Four clicks at different moments, so that they land at different points
 * between two looks of the worker. */
static const guint click_after_ms[N_CLICKS] = { 100, 160, 220, 280 };
static const guint look_every_ms[] = { 5, 250 };

/* What a worker shares with the main loop. The worker writes stopped_at
 * and error, then schedules its report: the main loop reads them there. */
typedef struct
{
  gatomicrefcount ref_count;
  GCancellable *cancellable;
  gint64 look_every_us;
  GIOStream *connection;    /* the socket read only */
  int peer_fd;              /* the socket read only: the silent peer */
  gint64 stopped_at;
  GError *error;
  gpointer demo;            /* main thread only */
} Job;

static Job *
job_new (gpointer demo)
{
  Job *job = g_new0 (Job, 1);

  g_atomic_ref_count_init (&job->ref_count);
  job->cancellable = g_cancellable_new ();
  job->demo = demo;
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
  g_clear_object (&job->connection);
  g_clear_error (&job->error);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_unref)

/* The main thread's side: the Stop button and the figures. */
typedef struct
{
  GMainLoop *loop;
  Job *job;
  GThread *thread;
  gint64 clicked_at;
  guint interval;           /* index into look_every_ms */
  guint click;              /* index into click_after_ms */
  double longest_ms, total_ms;
} Demo;

/* Any thread: hand the job to the main loop. The idle holds a reference
 * of its own, dropped by the destroy notify after it has run. */
static void
report (Job        *job,
        GSourceFunc callback)
{
  job->stopped_at = g_get_monotonic_time ();
  g_idle_add_full (G_PRIORITY_DEFAULT, callback, job_ref (job),
                   (GDestroyNotify) job_unref);
}

static gboolean hash_stopped_cb (gpointer data);
static gboolean read_stopped_cb (gpointer data);

/* The worker: hashes until asked to stop. It looks between two blocks,
 * and only there: that is the only place where it can stop. */
static gpointer
hash_thread (gpointer data)
{
  g_autoptr(Job) job = data;    /* its own reference, dropped on return */
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *block = g_malloc0 (BLOCK_BYTES);
  gint64 next_look = 0;

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();

      if (now >= next_look)
        {
          if (g_cancellable_set_error_if_cancelled (job->cancellable, &job->error))
            break;            /* job->error is G_IO_ERROR_CANCELLED */
          next_look = now + job->look_every_us;
        }
      g_checksum_update (checksum, block, BLOCK_BYTES);
    }

  report (job, hash_stopped_cb);
  return NULL;
}

/* The Stop button: the clock first, then ask. */
static gboolean
click_cb (gpointer data)
{
  Demo *demo = data;

  demo->clicked_at = g_get_monotonic_time ();
  g_cancellable_cancel (demo->job->cancellable);
  return G_SOURCE_REMOVE;
}

static void
start_hash (Demo *demo)
{
  demo->job = job_new (demo);
  demo->job->look_every_us = look_every_ms[demo->interval] * G_TIME_SPAN_MILLISECOND;
  demo->thread = g_thread_new ("hash", hash_thread, job_ref (demo->job));
  g_timeout_add (click_after_ms[demo->click], click_cb, demo);
}

/* A blocking read on a socket whose peer never writes: it waits until it
 * is cancelled. */
static gpointer
read_thread (gpointer data)
{
  g_autoptr(Job) job = data;
  GInputStream *input = g_io_stream_get_input_stream (job->connection);
  char buffer[256];

  /* GIO waits in poll() on the socket and on the cancellable's own file
   * descriptor together, so a cancel wakes it at once. */
  g_input_stream_read (input, buffer, sizeof buffer, job->cancellable, &job->error);
  report (job, read_stopped_cb);
  return NULL;
}

static void
start_read (Demo *demo)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  int fds[2];

  if (socketpair (AF_UNIX, SOCK_STREAM, 0, fds) != 0)
    g_error ("socketpair: %s", g_strerror (errno));
  socket = g_socket_new_from_fd (fds[0], &error);
  if (socket == NULL)
    g_error ("%s", error->message);

  demo->job = job_new (demo);
  demo->job->connection = G_IO_STREAM (g_socket_connection_factory_create_connection (socket));
  demo->job->peer_fd = fds[1];
  demo->thread = g_thread_new ("read", read_thread, job_ref (demo->job));
  g_timeout_add (200, click_cb, demo);
}

/* The main loop learns that the hashing worker stopped. */
static gboolean
hash_stopped_cb (gpointer data)
{
  Job *job = data;
  Demo *demo = job->demo;
  double stopped_ms = (job->stopped_at - demo->clicked_at) / 1000.0;
  double known_ms = (g_get_monotonic_time () - demo->clicked_at) / 1000.0;

  /* It has reported and is returning: the join takes no time. */
  g_thread_join (g_steal_pointer (&demo->thread));
  g_clear_pointer (&demo->job, job_unref);

  g_print ("looking every %u ms: the worker stopped %.1f ms after the click, "
           "the main loop knew after %.1f ms\n",
           look_every_ms[demo->interval], stopped_ms, known_ms);
  demo->longest_ms = MAX (demo->longest_ms, stopped_ms);
  demo->total_ms += stopped_ms;

  if (++demo->click == N_CLICKS)
    {
      g_print ("looking every %u ms: longest %.1f ms, average %.1f ms\n",
               look_every_ms[demo->interval], demo->longest_ms, demo->total_ms / N_CLICKS);
      demo->click = 0;
      demo->longest_ms = demo->total_ms = 0;
      demo->interval++;
    }

  if (demo->interval < G_N_ELEMENTS (look_every_ms))
    start_hash (demo);
  else
    start_read (demo);
  return G_SOURCE_REMOVE;
}

/* The main loop learns that the socket read gave up. */
static gboolean
read_stopped_cb (gpointer data)
{
  Job *job = data;
  Demo *demo = job->demo;

  g_thread_join (g_steal_pointer (&demo->thread));
  g_print ("a socket read, waiting for data, cancelled after 200 ms: it gave up "
           "%.1f ms after the cancel (%s)\n",
           (job->stopped_at - demo->clicked_at) / 1000.0,
           g_error_matches (job->error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
           ? "G_IO_ERROR_CANCELLED" : "not cancelled");
  close (job->peer_fd);
  g_clear_pointer (&demo->job, job_unref);
  g_main_loop_quit (demo->loop);
  return G_SOURCE_REMOVE;
}

int
main (void)
{
  Demo demo = { 0 };

  demo.loop = g_main_loop_new (NULL, FALSE);
  start_hash (&demo);
  g_main_loop_run (demo.loop);
  g_main_loop_unref (demo.loop);
  return 0;
}
