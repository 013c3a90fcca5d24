/* monitor-work.c — A System Monitor: a sampler thread reads /proc
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A sampler thread reads /proc/stat, /proc/meminfo and the files of this
 * process's threads once a second, turns them into a snapshot, and hands
 * the snapshot to the main thread:
 *
 *   monitor_work_start()     samples a number of times, then stops.
 *   monitor_work_add_load()  keeps every CPU busy for a while, one worker
 *                            each, so that there is something to see.
 *   monitor_work_stop()      stops the sampler and the workers at once.
 *
 * The snapshots travel through a GAsyncQueue, which keeps every one of
 * them in order: a graph needs each sample, not just the latest. The
 * threads only ring a doorbell, a ThawLatest (src/engine/thaw-latest.c),
 * so one delivery at most waits to empty the queue. The /proc parsers are
 * in src/engine/thaw-procfs.c, tested on good, broken and truncated files.
 *
 * Read it top to bottom: the snapshot, the sampler thread, the load
 * workers, the hand-off, then start, stop and free. GLib only: the page,
 * monitor-page.c, draws what arrives.
 */

#include "config.h"

#include <gio/gio.h>

#include "monitor-work.h"
#include "thaw-latest.h"
#include "thaw-priority.h"
#include "thaw-tsan.h"

/* The job: one snapshot. */

static void
snapshot_free (gpointer data)
{
  MonitorSnapshot *snapshot = data;

  g_free (snapshot->core_ids);
  g_free (snapshot->core_usage);
  g_clear_pointer (&snapshot->threads, g_ptr_array_unref);
  g_free (snapshot);
}

/* A CPU's use since the previous sample: the difference between two sets
 * of counters. CPUs can come and go, so they are matched by number. */
static double
core_usage_since (const ThawCpuStat  *previous,
                  const ThawCpuTicks *now)
{
  for (guint i = 0; i < previous->cores->len; i++)
    {
      const ThawCpuTicks *before = &g_array_index (previous->cores, ThawCpuTicks, i);

      if (before->id == now->id)
        return thaw_cpu_ticks_usage (before, now);
    }

  return 0.0;
}

/* Reads the three sources, or fails with @error. @previous holds the
 * counters of the last sample, and is replaced with this one's. (/proc
 * files claim a size of 0; g_file_get_contents() reads them all the same.) */
static MonitorSnapshot *
take_snapshot (ThawCpuStat **previous,
               GError      **error)
{
  g_autofree char *stat_text = NULL;
  g_autofree char *meminfo_text = NULL;
  g_autoptr(ThawCpuStat) stat = NULL;
  g_autoptr(GPtrArray) threads = NULL;
  ThawMemInfo memory;
  MonitorSnapshot *snapshot;

  if (!g_file_get_contents ("/proc/stat", &stat_text, NULL, error) ||
      !g_file_get_contents ("/proc/meminfo", &meminfo_text, NULL, error))
    return NULL;
  if ((stat = thaw_cpu_stat_parse (stat_text, error)) == NULL)
    {
      g_prefix_error (error, "/proc/stat: ");
      return NULL;
    }
  if (!thaw_mem_info_parse (meminfo_text, &memory, error))
    {
      g_prefix_error (error, "/proc/meminfo: ");
      return NULL;
    }
  if ((threads = thaw_procfs_list_threads ("/proc/self/task", error)) == NULL)
    return NULL;

  snapshot = g_new0 (MonitorSnapshot, 1);
  snapshot->memory = memory;
  snapshot->threads = g_steal_pointer (&threads);
  snapshot->n_cores = stat->cores->len;
  snapshot->core_ids = g_new (int, snapshot->n_cores);
  if (*previous != NULL)
    snapshot->core_usage = g_new (double, snapshot->n_cores);
  for (guint i = 0; i < snapshot->n_cores; i++)
    {
      const ThawCpuTicks *now = &g_array_index (stat->cores, ThawCpuTicks, i);

      snapshot->core_ids[i] = now->id;
      if (*previous != NULL)
        snapshot->core_usage[i] = core_usage_since (*previous, now);
    }

  thaw_cpu_stat_free (*previous);
  *previous = g_steal_pointer (&stat);

  return snapshot;
}

/* The wrong way, for the page's "Poll on the Main Loop": the same samples,
 * taken by a loop that sleeps between them on the thread that calls it.
 * Called from a button's handler, that is the main thread, and for the
 * whole loop the window can neither draw nor answer: every sample comes
 * on screen at once, at the end (the `while True: sample();
 * time.sleep(1)` of a first system monitor). Returns the samples, oldest
 * first, or NULL with @error. */
GPtrArray *
monitor_poll_on_this_thread (guint    n_samples,
                             gint64   interval_us,
                             GError **error)
{
  g_autoptr(ThawCpuStat) previous = NULL;
  g_autoptr(GPtrArray) snapshots = g_ptr_array_new_with_free_func (snapshot_free);

  for (guint taken = 1; taken <= n_samples; taken++)
    {
      MonitorSnapshot *snapshot = take_snapshot (&previous, error);

      if (snapshot == NULL)
        return NULL;
      snapshot->number = taken;
      g_ptr_array_add (snapshots, snapshot);
      if (taken < n_samples)
        g_usleep (interval_us);
    }

  return g_steal_pointer (&snapshots);
}

/* What the threads and the main thread share. The ints are only touched
 * with g_atomic_int_*(); the other fields the threads read are set before
 * they start. The rest is the main thread's. */
struct _MonitorWork
{
  gint64 interval_us;
  ThawLatest *latest;           /* the doorbell */
  GAsyncQueue *snapshots;       /* every snapshot, in order */

  /* Stop sets "stopping" under the lock and signals the condition: the
   * sampler's way out of its sleep. */
  GMutex lock;
  GCond wake;
  int stopping;

  guint n_samples;
  int sampler_done;             /* the sampler will push nothing more */
  GError *error;                /* why it stopped early; read once it is joined */
  gint64 load_until;
  int load_running;             /* load workers not yet returned */

  GThread *sampler;
  GPtrArray *load_threads;
  MonitorNewsFunc news_func;
  gpointer user_data;
  gboolean finished;            /* the last news went out */
};

/* The sampler thread. */

/* Sleeps until @until unless told to stop first. Waiting on a condition
 * rather than in g_usleep() is what makes Stop (and closing the window)
 * immediate instead of up to a second late. The loop is there because
 * g_cond_wait_until() may return early for no reason at all. */
static gboolean
sleep_until (MonitorWork *work,
             gint64       until)
{
  gboolean stopping;

  thaw_mutex_lock (&work->lock);
  while (!g_atomic_int_get (&work->stopping) && g_get_monotonic_time () < until)
    thaw_cond_wait_until (&work->wake, &work->lock, until);
  stopping = g_atomic_int_get (&work->stopping);
  thaw_mutex_unlock (&work->lock);

  return stopping;
}

/* The sampler thread's whole life. It never calls GTK. */
static gpointer
sampler_thread (gpointer data)
{
  MonitorWork *work = data;
  g_autoptr(ThawCpuStat) previous = NULL;
  gint64 due = g_get_monotonic_time ();
  gboolean loaded, was_loaded = FALSE;  /* now, and before the last sleep */

  thaw_thread_set_background_priority ();

  for (guint taken = 1;; taken++)
    {
      MonitorSnapshot *snapshot = take_snapshot (&previous, &work->error);

      if (snapshot == NULL)
        break;

      /* From here the snapshot belongs to the queue, then to the main
       * thread: the sampler never looks at it again. */
      snapshot->number = taken;
      THAW_TSAN_RELEASE (snapshot);
      g_async_queue_push (work->snapshots, snapshot);
      thaw_latest_publish (work->latest, NULL);

      /* A load goes on being watched until a whole sleep after it ended,
       * so the last sample shows its workers gone. */
      loaded = g_atomic_int_get (&work->load_running) > 0;
      if (taken >= work->n_samples && !loaded && !was_loaded)
        break;
      was_loaded = loaded;

      /* Due times are counted from the start, not from the end of the
       * last sample, so the samples do not drift later and later. */
      due += work->interval_us;
      if (sleep_until (work, due))
        break;
    }

  /* Set after the last push: whoever sees it finds every snapshot queued. */
  g_atomic_int_set (&work->sampler_done, TRUE);
  thaw_latest_publish (work->latest, NULL);
  thaw_latest_unref (work->latest);
  return NULL;
}

/* The load: one worker per CPU, spinning until a deadline. */
static gpointer
load_thread (gpointer data)
{
  MonitorWork *work = data;
  volatile guint64 x = 1;

  thaw_thread_set_background_priority ();

  while (g_get_monotonic_time () < work->load_until && !g_atomic_int_get (&work->stopping))
    {
      /* A millisecond or so of pointless arithmetic between looks. */
      for (guint i = 0; i < 200000; i++)
        x = x * 6364136223846793005u + 1442695040888963407u;
    }

  g_atomic_int_add (&work->load_running, -1);
  thaw_latest_publish (work->latest, NULL);
  thaw_latest_unref (work->latest);
  return NULL;
}

/* The hand-off. Each snapshot and each thread's end rings the doorbell,
 * thaw_latest_publish (NULL): however often it rings, at most one delivery
 * waits on the main loop, and one always comes after the last ring. The
 * delivery empties the queue, so no sample is lost to the coalescing. */
static void
deliver_news_cb (gpointer value,
                 gpointer user_data)
{
  MonitorWork *work = user_data;
  g_autoptr(GPtrArray) snapshots = g_ptr_array_new_with_free_func (snapshot_free);
  MonitorNews news = { .snapshots = snapshots };
  MonitorSnapshot *snapshot;

  /* A ring that came after the last news: nothing new. */
  if (work->finished)
    return;

  /* Read the flags before emptying the queue: once the sampler is done,
   * everything it pushed is already there. */
  news.load_running = (guint) g_atomic_int_get (&work->load_running);
  news.stopped = g_atomic_int_get (&work->stopping);
  news.finished = g_atomic_int_get (&work->sampler_done) && news.load_running == 0;
  while ((snapshot = g_async_queue_try_pop (work->snapshots)) != NULL)
    {
      THAW_TSAN_ACQUIRE (snapshot);
      g_ptr_array_add (snapshots, snapshot);
    }

  /* Threads that said their last word are returning: these joins wait
   * microseconds, never a second. */
  if (news.load_running == 0)
    {
      for (guint i = 0; i < work->load_threads->len; i++)
        g_thread_join (g_ptr_array_index (work->load_threads, i));
      g_ptr_array_set_size (work->load_threads, 0);
    }
  if (news.finished)
    {
      g_thread_join (g_steal_pointer (&work->sampler));
      news.error = work->error;
      work->finished = TRUE;
    }

  /* Last: the news function may free the work once it is finished. */
  work->news_func (&news, work->user_data);
}

/* Start, stop and free. */

/* Starts the sampler: @n_samples samples, the first at once, then one every
 * @interval_us. @news_func gets the news on this thread's main context, the
 * last time with "finished" set, once, after every thread has been joined.
 * NULL, with @error set, if no thread could be made. */
MonitorWork *
monitor_work_start (guint             n_samples,
                    gint64            interval_us,
                    MonitorNewsFunc   news_func,
                    gpointer          user_data,
                    GError          **error)
{
  MonitorWork *work;

  g_return_val_if_fail (n_samples >= 1, NULL);
  g_return_val_if_fail (news_func != NULL, NULL);

  work = g_new0 (MonitorWork, 1);
  work->interval_us = interval_us;
  work->latest = thaw_latest_new (deliver_news_cb, work, NULL);
  work->snapshots = g_async_queue_new_full (snapshot_free);
  g_mutex_init (&work->lock);
  g_cond_init (&work->wake);
  work->n_samples = n_samples;
  work->load_threads = g_ptr_array_new ();
  work->news_func = news_func;
  work->user_data = user_data;

  /* The thread holds a reference to the doorbell, and drops it last. */
  thaw_latest_ref (work->latest);
  work->sampler = g_thread_try_new ("thaw-sampler", sampler_thread, work, error);
  if (work->sampler == NULL)
    {
      /* The thread never started: its reference is still ours. */
      thaw_latest_unref (work->latest);
      monitor_work_free (work);
      return NULL;
    }

  return work;
}

/* Starts @n_workers load workers, spinning for @duration_us, on a running
 * job whose last load has ended. The sampler goes on until after they end:
 * there is little to learn from a load nobody watches. FALSE if a worker
 * could not be made; the others still run. */
gboolean
monitor_work_add_load (MonitorWork  *work,
                       guint         n_workers,
                       gint64        duration_us,
                       GError      **error)
{
  g_return_val_if_fail (work != NULL && !work->finished, FALSE);
  g_return_val_if_fail (work->load_threads->len == 0, FALSE);

  /* No worker runs yet, so nothing reads it while it changes. */
  work->load_until = g_get_monotonic_time () + duration_us;
  for (guint i = 0; i < n_workers; i++)
    {
      g_autofree char *name = g_strdup_printf ("thaw-load-%u", i);
      GThread *thread;

      g_atomic_int_inc (&work->load_running);
      thaw_latest_ref (work->latest);
      thread = g_thread_try_new (name, load_thread, work, error);
      if (thread == NULL)
        {
          /* Never started: its count and its reference are still ours. */
          g_atomic_int_add (&work->load_running, -1);
          thaw_latest_unref (work->latest);
          return FALSE;
        }
      g_ptr_array_add (work->load_threads, thread);
    }

  return TRUE;
}

/* Wakes the sampler from its sleep and tells every thread to stop. */
void
monitor_work_stop (MonitorWork *work)
{
  g_return_if_fail (work != NULL);

  thaw_mutex_lock (&work->lock);
  g_atomic_int_set (&work->stopping, TRUE);
  g_cond_signal (&work->wake);
  thaw_mutex_unlock (&work->lock);
}

/* Lets go of the job, running or finished. Threads still running are
 * stopped and joined first: the sampler wakes at once and the workers look
 * every millisecond. A delivery already scheduled calls nobody. */
void
monitor_work_free (MonitorWork *work)
{
  if (work == NULL)
    return;

  monitor_work_stop (work);
  if (work->sampler != NULL)
    g_thread_join (work->sampler);
  for (guint i = 0; i < work->load_threads->len; i++)
    g_thread_join (g_ptr_array_index (work->load_threads, i));

  thaw_latest_close (work->latest);
  /* Snapshots nobody took go with the queue. */
  g_async_queue_unref (work->snapshots);
  g_ptr_array_unref (work->load_threads);
  g_clear_error (&work->error);
  g_cond_clear (&work->wake);
  g_mutex_clear (&work->lock);
  g_free (work);
}
