/* pool-glib.c — Two hundred small tasks run three ways: a thread per task,
 * a GThreadPool of our own (one thread per processor), and a GTask each on
 * GLib's shared pool. The results reach the main loop as the tasks finish;
 * the program counts how many came out of submission order, keeps an
 * "in order" list beside it, and counts the threads each way used.
 * A GMainLoop stands in for the GUI's main loop.
 *
 * Build: gcc pool-glib.c -o pool $(pkg-config --cflags --libs gio-2.0) -pthread
 */

#define _GNU_SOURCE
#include <gio/gio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N_TASKS 200

/* What a task hands back, and which thread ran it. */
typedef struct
{
  guint64 value;
  pid_t tid;
  char thread[16];
} Result;

/* One run: shared between the main thread and the workers. */
typedef struct
{
  GMainLoop *loop;            /* to quit once every result is in */
  Result results[N_TASKS];    /* slot i is written by task i's thread only,
                               * before i is pushed onto the queue */
  GAsyncQueue *finished;      /* task numbers + 1, to the main thread */
  int idle_pending;           /* atomic: one idle at most waits */

  /* The main thread's alone. */
  gboolean received[N_TASKS];
  guint n_received, next_in_order, out_of_order;
} Run;

static Run *
run_new (void)
{
  Run *run = g_atomic_rc_box_new0 (Run);

  run->loop = g_main_loop_new (NULL, FALSE);
  run->finished = g_async_queue_new ();
  return run;
}

static void
run_clear (Run *run)
{
  g_main_loop_unref (run->loop);
  g_async_queue_unref (run->finished);
}

static Run *
run_ref (Run *run)
{
  return g_atomic_rc_box_acquire (run);
}

static void
run_unref (Run *run)
{
  g_atomic_rc_box_release_full (run, (GDestroyNotify) run_clear);
}

/* The work: some tasks short, some long, so they finish out of order. */
static guint64
compute (guint i)
{
  guint64 x = i + 1;

  for (guint n = 0; n < (i * 7 % 10 + 1) * 20000; n++)
    {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
    }
  return x;
}

static void
fill_result (Result *result, guint i)
{
  result->value = compute (i);
  result->tid = gettid ();
  pthread_getname_np (pthread_self (), result->thread, sizeof result->thread);
}

/* Main thread: one result has arrived. */
static void
receive (Run *run, guint i)
{
  if (i != run->n_received)
    run->out_of_order++;
  run->received[i] = TRUE;
  run->n_received++;
  /* The ordered list grows only when the next task in line is done. */
  while (run->next_in_order < N_TASKS && run->received[run->next_in_order])
    run->next_in_order++;
  if (run->n_received == N_TASKS)
    g_main_loop_quit (run->loop);
}

static gboolean
drain_cb (gpointer data)
{
  Run *run = data;
  gpointer item;

  /* Clear the flag first: a result pushed after this asks for a new idle. */
  g_atomic_int_set (&run->idle_pending, FALSE);
  while ((item = g_async_queue_try_pop (run->finished)) != NULL)
    receive (run, GPOINTER_TO_UINT (item) - 1);
  return G_SOURCE_REMOVE;
}

/* Worker: run task i and tell the main thread, with one idle at most. */
static void
run_task (Run *run, guint i)
{
  fill_result (&run->results[i], i);
  g_async_queue_push (run->finished, GUINT_TO_POINTER (i + 1));
  if (g_atomic_int_compare_and_exchange (&run->idle_pending, FALSE, TRUE))
    g_idle_add_full (G_PRIORITY_DEFAULT, drain_cb, run_ref (run),
                     (GDestroyNotify) run_unref);
}

/* Way 1: a thread per task. */
typedef struct { Run *run; guint i; } TaskArgs;

static gpointer
one_task_thread (gpointer data)
{
  TaskArgs *args = data;

  run_task (args->run, args->i);
  run_unref (args->run);
  g_free (args);
  return NULL;
}

static void
thread_per_task (Run *run)
{
  GThread *threads[N_TASKS];

  for (guint i = 0; i < N_TASKS; i++)
    {
      TaskArgs *args = g_new (TaskArgs, 1);
      char name[16];

      args->run = run_ref (run);
      args->i = i;
      g_snprintf (name, sizeof name, "task-%u", i);
      threads[i] = g_thread_new (name, one_task_thread, args);
    }
  g_main_loop_run (run->loop);
  for (guint i = 0; i < N_TASKS; i++)
    g_thread_join (threads[i]);
}

/* Way 2: a pool of our own. GLib calls its threads "pool-" and the
 * program's name; give ours a name of their own the first time. */
static void
pool_func (gpointer item, gpointer data)
{
  char name[16];

  pthread_getname_np (pthread_self (), name, sizeof name);
  if (g_str_has_prefix (name, "pool"))
    {
      static int counter;
      g_snprintf (name, sizeof name, "worker-%d", g_atomic_int_add (&counter, 1));
      pthread_setname_np (pthread_self (), name);
    }
  run_task (data, GPOINTER_TO_UINT (item) - 1);
}

static void
thread_pool (Run *run)
{
  GThreadPool *pool = g_thread_pool_new (pool_func, run, g_get_num_processors (),
                                         TRUE, NULL);

  for (guint i = 0; i < N_TASKS; i++)
    g_thread_pool_push (pool, GUINT_TO_POINTER (i + 1), NULL);
  g_main_loop_run (run->loop);
  g_thread_pool_free (pool, FALSE, TRUE);   /* waits for its threads */
}

/* Way 3: a GTask each, on GLib's shared pool. Its threads belong to GLib:
 * no renaming here. The result comes back to a callback on the main loop,
 * without an idle or a queue of our own. */
static void
gtask_thread_func (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Result *result = g_new (Result, 1);

  fill_result (result, GPOINTER_TO_UINT (data));
  g_task_return_pointer (task, result, g_free);
}

static void
gtask_done_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Run *run = data;
  guint i = GPOINTER_TO_UINT (g_task_get_task_data (G_TASK (res)));
  g_autoptr(GError) error = NULL;
  Result *result = g_task_propagate_pointer (G_TASK (res), &error);

  if (result == NULL)
    g_error ("task %u: %s", i, error->message);
  run->results[i] = *result;
  g_free (result);
  receive (run, i);
  run_unref (run);
}

static void
gtasks (Run *run)
{
  for (guint i = 0; i < N_TASKS; i++)
    {
      GTask *task = g_task_new (NULL, NULL, gtask_done_cb, run_ref (run));

      g_task_set_task_data (task, GUINT_TO_POINTER (i), NULL);
      g_task_run_in_thread (task, gtask_thread_func);
      g_object_unref (task);
    }
  g_main_loop_run (run->loop);
}

static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Main thread, after a run: what it shows. */
static void
report (const char *way, Run *run, gint64 start, const Run *first)
{
  g_autoptr(GHashTable) tids = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree const char **sorted = NULL;
  g_autoptr(GString) shown = g_string_new (NULL);
  guint n_names;
  gboolean same = TRUE;

  for (guint i = 0; i < N_TASKS; i++)
    {
      g_hash_table_add (tids, GINT_TO_POINTER (run->results[i].tid));
      g_hash_table_add (names, run->results[i].thread);
      same = same && run->results[i].value == first->results[i].value;
    }
  sorted = (const char **) g_hash_table_get_keys_as_array (names, &n_names);
  qsort (sorted, n_names, sizeof *sorted, compare_names);
  for (guint n = 0; n < MIN (n_names, 4); n++)
    g_string_append_printf (shown, "%s%s", n > 0 ? ", " : "", sorted[n]);
  if (n_names > 4)
    g_string_append (shown, ", ...");
  g_print ("%s: %u tasks on %u threads in %.0f ms; %u of them out of "
           "submission order; in order: %u; same answers: %s\n"
           "  %u thread names: %s\n",
           way, run->n_received, g_hash_table_size (tids),
           (g_get_monotonic_time () - start) / 1000.0, run->out_of_order,
           run->next_in_order, same ? "yes" : "no", n_names, shown->str);
}

int
main (void)
{
  void (*ways[]) (Run *) = { thread_per_task, thread_pool, gtasks };
  const char *names[] = { "a thread per task", "a GThreadPool", "GTasks" };
  Run *runs[G_N_ELEMENTS (ways)];

  /* A freed pool's threads, even an exclusive pool's, wait to serve the
   * next pool, GTask's included, and would carry our names into GLib's
   * work. Keeping no unused threads makes a thread that leaves a pool end. */
  g_thread_pool_set_max_unused_threads (0);

  g_print ("%u processors\n", g_get_num_processors ());
  for (guint w = 0; w < G_N_ELEMENTS (ways); w++)
    {
      gint64 start = g_get_monotonic_time ();

      runs[w] = run_new ();
      ways[w] (runs[w]);
      report (names[w], runs[w], start, runs[0]);
    }
  for (guint w = 0; w < G_N_ELEMENTS (ways); w++)
    run_unref (runs[w]);
  return 0;
}
