/* monitor-glib.c — A sampler thread reads /proc/stat and /proc/meminfo
 * every 200 ms, builds a snapshot (each CPU's use since the last sample,
 * and the memory in use) and hands it to the main loop through a
 * GAsyncQueue, with one idle at most waiting to empty it. The main loop
 * prints every snapshot, then stops the sampler, which sleeps on a GCond
 * with a deadline and so wakes at once, and joins it.
 * A GMainLoop stands in for the GUI's main loop. Linux only (/proc).
 *
 * Build: gcc monitor-glib.c -o monitor $(pkg-config --cflags --libs gio-2.0) -pthread
 */

#include <glib.h>
#include <string.h>

#define INTERVAL_US (200 * 1000)     /* between samples */
#define SAMPLES 6
#define MAX_CPUS 256

/* Each CPU's busy and total clock ticks since boot. */
typedef struct
{
  guint n;
  guint id[MAX_CPUS];               /* the N of each cpuN line */
  guint64 busy[MAX_CPUS], total[MAX_CPUS];
} Ticks;

/* What the main thread will show: a copy, owned by whoever holds it. */
typedef struct
{
  guint n_cpus;
  guint id[MAX_CPUS];
  double use[MAX_CPUS];             /* percent */
  guint64 used_mib, total_mib;
} Snapshot;

/* What the sampler and the main thread share, reference-counted. */
typedef struct
{
  GMutex lock;
  GCond wake;
  gboolean stopping;                /* under the lock */
  GAsyncQueue *snapshots;           /* Snapshot *, oldest first */
  int idle_pending;                 /* atomic */
  /* The main thread's alone. */
  GMainLoop *loop;
  guint shown;
  double lowest, highest;           /* of every CPU's use shown */
} Sampler;

static Sampler *
sampler_ref (Sampler *sampler)
{
  return g_atomic_rc_box_acquire (sampler);
}

static void
sampler_clear (Sampler *sampler)
{
  g_mutex_clear (&sampler->lock);
  g_cond_clear (&sampler->wake);
  g_async_queue_unref (sampler->snapshots);
  g_main_loop_unref (sampler->loop);
}

static void
sampler_unref (gpointer sampler)
{
  g_atomic_rc_box_release_full (sampler, (GDestroyNotify) sampler_clear);
}

/* /proc/stat: a "cpuN user nice system idle iowait irq softirq steal ..."
 * line per CPU. Busy is everything but idle and iowait. */
static void
read_ticks (Ticks *ticks)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  ticks->n = 0;
  if (!g_file_get_contents ("/proc/stat", &text, NULL, NULL))
    return;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL && ticks->n < MAX_CPUS; i++)
    {
      guint64 t[8] = { 0 }, total = 0;
      char *p = lines[i] + 3;

      if (!g_str_has_prefix (lines[i], "cpu") || !g_ascii_isdigit (*p))
        continue;
      ticks->id[ticks->n] = g_ascii_strtoull (p, &p, 10);
      for (guint f = 0; f < 8; f++)
        total += t[f] = g_ascii_strtoull (p, &p, 10);
      ticks->busy[ticks->n] = total - t[3] - t[4];
      ticks->total[ticks->n] = total;
      ticks->n++;
    }
}

/* /proc/meminfo: in use is MemTotal less MemAvailable. */
static void
read_memory (Snapshot *snapshot)
{
  g_autofree char *text = NULL;
  const char *total, *available;

  if (!g_file_get_contents ("/proc/meminfo", &text, NULL, NULL))
    return;
  total = strstr (text, "MemTotal:");
  available = strstr (text, "MemAvailable:");
  if (total == NULL || available == NULL)
    return;
  snapshot->total_mib = g_ascii_strtoull (total + 9, NULL, 10) / 1024;
  snapshot->used_mib = snapshot->total_mib - g_ascii_strtoull (available + 13, NULL, 10) / 1024;
}

/* Main thread: every snapshot in the queue, oldest first. */
static gboolean
deliver_cb (gpointer data)
{
  Sampler *sampler = data;
  Snapshot *snapshot;

  /* Clear the flag first: a snapshot pushed after this asks again. */
  g_atomic_int_set (&sampler->idle_pending, FALSE);
  while ((snapshot = g_async_queue_try_pop (sampler->snapshots)) != NULL)
    {
      g_print ("snapshot %u:", ++sampler->shown);
      for (guint i = 0; i < snapshot->n_cpus; i++)
        {
          g_print ("%s cpu%u %.0f %%", i > 0 ? "," : "", snapshot->id[i],
                   snapshot->use[i]);
          sampler->lowest = MIN (sampler->lowest, snapshot->use[i]);
          sampler->highest = MAX (sampler->highest, snapshot->use[i]);
        }
      g_print ("; memory %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " MiB in use\n",
               snapshot->used_mib, snapshot->total_mib);
      g_free (snapshot);
    }
  if (sampler->shown >= SAMPLES)
    g_main_loop_quit (sampler->loop);
  return G_SOURCE_REMOVE;
}

/* Sampler thread: sleeps until @until, unless told to stop first. The loop
 * is there because a wait on a GCond may end early for no reason. */
static gboolean
sleep_until (Sampler *sampler, gint64 until)
{
  gboolean stopping;

  g_mutex_lock (&sampler->lock);
  while (!sampler->stopping && g_get_monotonic_time () < until)
    g_cond_wait_until (&sampler->wake, &sampler->lock, until);
  stopping = sampler->stopping;
  g_mutex_unlock (&sampler->lock);
  return stopping;
}

static gpointer
sampler_thread (gpointer data)
{
  Sampler *sampler = data;          /* the thread's reference */
  Ticks *previous = g_new (Ticks, 1), *now = g_new (Ticks, 1);
  gint64 due = g_get_monotonic_time ();

  read_ticks (previous);            /* a use needs two samples */
  while (!sleep_until (sampler, due += INTERVAL_US))
    {
      Snapshot *snapshot = g_new0 (Snapshot, 1);
      Ticks *swap;

      read_ticks (now);
      snapshot->n_cpus = MIN (now->n, previous->n);
      for (guint i = 0; i < snapshot->n_cpus; i++)
        {
          snapshot->id[i] = now->id[i];
          snapshot->use[i] = 100.0 * (now->busy[i] - previous->busy[i])
                             / MAX (1, now->total[i] - previous->total[i]);
        }
      read_memory (snapshot);
      swap = previous, previous = now, now = swap;

      /* From here the snapshot is the main thread's. */
      g_async_queue_push (sampler->snapshots, snapshot);
      if (g_atomic_int_compare_and_exchange (&sampler->idle_pending, FALSE, TRUE))
        g_idle_add_full (G_PRIORITY_DEFAULT, deliver_cb, sampler_ref (sampler),
                         sampler_unref);
    }
  g_free (previous);
  g_free (now);
  sampler_unref (sampler);
  return NULL;
}

static gboolean
quit_cb (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (void)
{
  Sampler *sampler = g_atomic_rc_box_new0 (Sampler);
  GThread *thread;
  gint64 start;

  g_mutex_init (&sampler->lock);
  g_cond_init (&sampler->wake);
  sampler->snapshots = g_async_queue_new_full (g_free);
  sampler->loop = g_main_loop_new (NULL, FALSE);
  sampler->lowest = G_MAXDOUBLE;
  sampler->highest = -G_MAXDOUBLE;

  thread = g_thread_new ("sampler", sampler_thread, sampler_ref (sampler));
  g_main_loop_run (sampler->loop);          /* until SAMPLES are shown */

  /* The sampler is asleep now: let it sleep a little, then stop it. */
  g_timeout_add (INTERVAL_US / 4000, quit_cb, sampler->loop);
  g_main_loop_run (sampler->loop);
  start = g_get_monotonic_time ();
  g_mutex_lock (&sampler->lock);
  sampler->stopping = TRUE;
  g_cond_signal (&sampler->wake);
  g_mutex_unlock (&sampler->lock);
  g_thread_join (thread);
  g_print ("stopped and joined the sampler in %.1f ms (it sleeps %d ms "
           "between samples)\n", (g_get_monotonic_time () - start) / 1000.0,
           INTERVAL_US / 1000);

  /* An idle may still wait, holding its reference: let it run. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_print ("%u snapshots; each CPU's use between %.0f and %.0f %%\n",
           sampler->shown, sampler->lowest, sampler->highest);
  sampler_unref (sampler);
  return 0;
}
