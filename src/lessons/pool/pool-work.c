/* pool-work.c — Two hundred small tasks, three ways
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two hundred small tasks of a few milliseconds each, run one of three
 * ways: a thread per task (200 threads), a GThreadPool of our own (one
 * thread per core by default), or a GTask per task on GLib's shared pool.
 * The main thread gets the results as they complete and in the order the
 * tasks were submitted; each task logs a line naming its thread.
 *
 * Read it top to bottom: the task, what the threads share, the three ways,
 * the hand-off to the main thread, then start, stop and free. GLib, GIO and
 * pthreads only (and Linux, to name threads); pool-page.c shows it.
 */

#include "config.h"

#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "pool-work.h"
#include "thaw-latest.h"
#include "thaw-priority.h"
#include "thaw-tsan.h"

/* Ids for log lines, never translated. */
static const char *const way_ids[POOL_N_WAYS] = { "thread-per-task", "pool", "gtask" };

/* The task, on whatever thread runs it. What it hands back: */
typedef struct
{
  guint index;              /* its place in the order of submission */
  guint32 fingerprint;      /* what it computed */
  double ms;                /* how long it took */
  long tid;                 /* the kernel's id of the thread that ran it */
  char thread_name[16];     /* as `top -H`, gdb and the log show it */
} PoolResult;

static void
identify_thread (PoolResult *result)
{
  memset (result->thread_name, 0, sizeof result->thread_name);
  result->tid = (long) syscall (SYS_gettid);
  prctl (PR_GET_NAME, result->thread_name);
}

/* A task's answer: the FNV-1a hash of its number. The main thread checks
 * it, so a result delivered for the wrong task would be caught. */
guint32
pool_fingerprint (guint index)
{
  guint32 hash = 2166136261u;

  for (guint i = 0; i < sizeof index; i++)
    hash = (hash ^ ((index >> (8 * i)) & 0xff)) * 16777619u;

  return hash;
}

/* Computing counts CPU time: with 200 threads on two cores each gets the
 * CPU now and then, and spinning to a wall-clock deadline would do less. */
static gint64
clock_us (gboolean waits)
{
  struct timespec ts;

  clock_gettime (waits ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Computes, or waits as for a network or a disk. Some tasks are short and
 * some long, as in life: a quarter to 1.75 times the set length. */
static void
do_work (guint         index,
         guint         work_ms,
         gboolean      waits,
         GCancellable *cancellable)
{
  double spread = ((index * 37u + 11u) % 100u) / 100.0;
  gint64 end = clock_us (waits) + (gint64) (work_ms * 1000.0 * (0.25 + 1.5 * spread));
  volatile guint32 sink = 0;
  gint64 now;

  while ((now = clock_us (waits)) < end && !g_cancellable_is_cancelled (cancellable))
    if (waits)
      g_usleep (MIN (end - now, 1000));
    else
      for (guint i = 0; i < 2000; i++)
        sink = sink * 31u + i;
}

/* What the threads and the main thread share; a thread is handed a task. */
typedef struct
{
  PoolWork *work;
  guint index;
} PoolTask;

struct _PoolWork
{
  int ref_count;                /* the owner's, and one per GTask in flight:
                                 * g_atomic_int_*(), which TSan sees */

  /* Set before any thread starts, then read-only. */
  PoolWay way;
  guint n_tasks, work_ms;
  gboolean waits;
  PoolTask *tasks;
  GCancellable *cancellable;    /* Stop */
  ThawTimeline *timeline;
  ThawLatest *latest;           /* the hand-off; the work holds a reference */

  GMutex lock;                  /* guards the six below */
  GArray *arrived;              /* PoolResult, since the last delivery */
  GString *log;                 /* log lines, since the last delivery */
  GHashTable *threads;          /* thread id → its lane, or -1 */
  GError *error;                /* the first thing that went wrong */
  guint failed_thread;          /* the task whose thread did not start */
  gboolean finished;            /* nothing more will come */

  int n_done;                   /* pool: tasks ended, run or not (atomic) */
  int n_pool_threads;           /* pool threads named so far (atomic) */

  /* The main thread's alone. */
  GThread *starter;
  GThreadPool *pool;
  guint n_callbacks;            /* GTask: callbacks so far */
  PoolResult *results;          /* by task number; with a tid once here */
  PoolNews news;
  PoolNewsFunc news_func;
  gpointer user_data;
};

/* The last reference may go on any thread: a GTask's, on one of GLib's. */
static void
pool_work_unref (PoolWork *work)
{
  if (!g_atomic_int_dec_and_test (&work->ref_count))
    return;
  g_object_unref (work->cancellable);
  thaw_timeline_unref (work->timeline);
  thaw_latest_unref (work->latest);
  g_mutex_clear (&work->lock);
  g_array_unref (work->arrived);
  g_string_free (work->log, TRUE);
  g_hash_table_unref (work->threads);
  g_clear_error (&work->error);
  g_free (work->tasks);
  g_free (work->results);
  g_free (work);
}

/* A thread adds what it has under the lock, and rings the doorbell. */
static void
hand_in (PoolWork         *work,
         const PoolResult *result,
         const char       *log_line,
         GError           *error,
         gboolean          finished)
{
  thaw_mutex_lock (&work->lock);
  if (result != NULL)
    g_array_append_val (work->arrived, *result);
  if (log_line != NULL)
    g_string_append (work->log, log_line);
  if (work->error == NULL)
    work->error = g_steal_pointer (&error);
  work->finished |= finished;
  thaw_mutex_unlock (&work->lock);

  g_clear_error (&error);
  thaw_latest_publish (work->latest, NULL);
}

/* The lane of the calling thread: the first POOL_MAX_LANES threads to run
 * a task get one, named as the kernel names them. Every thread is counted. */
static int
lane_of_thread (PoolWork         *work,
                const PoolResult *result)
{
  gpointer key = GSIZE_TO_POINTER ((gsize) result->tid), lane;

  thaw_mutex_lock (&work->lock);
  if (!g_hash_table_lookup_extended (work->threads, key, NULL, &lane))
    {
      lane = GINT_TO_POINTER (-1);
      if (g_hash_table_size (work->threads) < POOL_MAX_LANES)
        lane = GINT_TO_POINTER ((int) thaw_timeline_add_lane (work->timeline, result->thread_name));
      g_hash_table_insert (work->threads, key, lane);
    }
  thaw_mutex_unlock (&work->lock);

  return GPOINTER_TO_INT (lane);
}

/* Runs @task here, logs it, and hands in the log line and (unless it
 * travels in a GTask) the result. FALSE if Stop cut it short. */
static gboolean
run_task (PoolTask   *task,
          PoolResult *result,
          gboolean    hand_in_result)
{
  PoolWork *work = task->work;
  gint64 start = g_get_monotonic_time ();
  g_autofree char *line = NULL;
  int lane;

  result->index = task->index;
  identify_thread (result);
  lane = lane_of_thread (work, result);
  if (lane >= 0)
    thaw_timeline_record (work->timeline, lane, work->waits ? THAW_LANE_SLEEPING : THAW_LANE_RUNNING);

  do_work (task->index, work->work_ms, work->waits, work->cancellable);
  result->fingerprint = pool_fingerprint (task->index);
  result->ms = (g_get_monotonic_time () - start) / 1000.0;

  /* A thread of its own ends with its task; a pool's waits for the next. */
  if (lane >= 0)
    thaw_timeline_record (work->timeline, lane,
                          work->way == POOL_THREAD_PER_TASK ? THAW_LANE_FINISHED : THAW_LANE_WAITING);
  if (g_cancellable_is_cancelled (work->cancellable))
    return FALSE;

  /* To the program's log (G_MESSAGES_DEBUG=Thaw; the thread's name in a
   * field of its own for journald), outside the lock: a terminal may be
   * slow. The page shows a copy: the log writer is the program's. */
  line = g_strdup_printf ("%-15s tid %-7ld %-15s task %3u done in %5.1f ms\n",
                          result->thread_name, result->tid, way_ids[work->way],
                          result->index, result->ms);
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_DEBUG, "THAW_THREAD", result->thread_name,
                    "MESSAGE", "%.*s", (int) strlen (line) - 1, line);
  hand_in (work, hand_in_result ? result : NULL, line, NULL, FALSE);
  return TRUE;
}

/* Way 1: a thread per task. Its whole life: one task. */
static gpointer
task_thread (gpointer task)
{
  PoolResult result;

  run_task (task, &result, TRUE);
  return NULL;
}

/* Starts the 200 threads and joins them. Joining takes as long as the
 * slowest task, which is why it happens here and not on the main loop. */
static gpointer
starter_thread (gpointer data)
{
  PoolWork *work = data;
  g_autofree GThread **threads = g_new0 (GThread *, work->n_tasks);
  GError *error = NULL;
  guint n;

  /* Threads inherit this priority from the thread that starts them. */
  thaw_thread_set_background_priority ();

  for (n = 0; n < work->n_tasks && !g_cancellable_is_cancelled (work->cancellable); n++)
    {
      char name[16];

      g_snprintf (name, sizeof name, "thaw-task-%u", n);
      threads[n] = g_thread_try_new (name, task_thread, &work->tasks[n], &error);
      if (threads[n] == NULL)
        {
          /* Out of threads: start no more, and say which one failed. */
          work->failed_thread = n + 1;
          g_cancellable_cancel (work->cancellable);
          break;
        }
    }

  for (guint i = 0; i < n; i++)
    g_thread_join (threads[i]);

  hand_in (work, NULL, NULL, error, TRUE);
  return NULL;
}

/* Way 2: a pool of our own. A thread we have not met gets a name of its
 * own and background priority, for life: an exclusive pool's threads serve
 * nobody else, and end with it. After Stop, queued tasks end unrun. */
static void
pool_task_func (gpointer task,
                gpointer data)
{
  PoolWork *work = data;
  int n_tasks = (int) work->n_tasks;   /* read before the count below */
  PoolResult result;
  gboolean last;

  THAW_TSAN_ACQUIRE (task);     /* see pool_work_start() */
  identify_thread (&result);
  if (!g_str_has_prefix (result.thread_name, "thaw-pool-"))
    {
      g_snprintf (result.thread_name, sizeof result.thread_name, "thaw-pool-%d",
                  g_atomic_int_add (&work->n_pool_threads, 1) + 1);
      prctl (PR_SET_NAME, result.thread_name);
      thaw_thread_set_background_priority ();
    }

  if (!g_cancellable_is_cancelled (work->cancellable))
    run_task (task, &result, TRUE);

  /* Once counted, only the last may touch the work: it may be freed. Our
   * owner waits for the pool inside GLib, where TSan cannot see: the
   * release names the address, and reads nothing. */
  last = g_atomic_int_add (&work->n_done, 1) + 1 == n_tasks;
  THAW_TSAN_RELEASE (work);
  if (last)
    hand_in (work, NULL, NULL, NULL, TRUE);
}

/* Way 3: GTask, on one of GLib's threads. They serve all of GIO and
 * outlive the task, so it leaves their name and priority alone. */
static void
gtask_thread_func (GTask        *gtask,
                   gpointer      source_object,
                   gpointer      task,
                   GCancellable *cancellable)
{
  PoolResult *result = g_new (PoolResult, 1);

  THAW_TSAN_ACQUIRE (task);     /* see pool_work_start() */
  /* The result travels in the GTask, to the callback on the main loop,
   * through GLib's own lock: say so to TSan. */
  if (!run_task (task, result, FALSE))
    g_clear_pointer (&result, g_free);
  THAW_TSAN_RELEASE (task);
  if (result != NULL)
    g_task_return_pointer (gtask, result, g_free);
  else
    g_task_return_error_if_cancelled (gtask);
}

/* On the main loop, once per task, with its result or its error. The
 * task's data holds a reference: the work lives at least as long. After
 * pool_work_free() it still hands in, and nobody is called. */
static void
gtask_done_cb (GObject      *source_object,
               GAsyncResult *res,
               gpointer      user_data)
{
  PoolTask *task = g_task_get_task_data (G_TASK (res));
  PoolWork *work = task->work;
  GError *error = NULL;
  g_autofree PoolResult *result = g_task_propagate_pointer (G_TASK (res), &error);

  THAW_TSAN_ACQUIRE (task);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_clear_error (&error);
  hand_in (work, result, NULL, error, ++work->n_callbacks == work->n_tasks);
}

static void
release_gtask (PoolTask *task)
{
  pool_work_unref (task->work);
}

/* A line of a results list, beginning with the task number. */
static void
append_line (GString          *text,
             const PoolResult *result)
{
  g_string_append_printf (text, "#%-3u  %08x  %-15s %5.1f ms\n",
                          result->index, result->fingerprint, result->thread_name, result->ms);
}

/* The hand-off: however often the doorbell rings, at most one delivery
 * waits, at most one a frame, and one comes after the last ring. It takes
 * all that arrived at once, on the main thread. */
static void
deliver_news_cb (gpointer value,
                 gpointer user_data)
{
  PoolWork *work = user_data;
  PoolNews *news = &work->news;
  g_autoptr(GArray) arrived = NULL;
  g_autoptr(GString) completed = g_string_new (NULL), in_order = g_string_new (NULL);
  g_autofree char *log = NULL;

  /* A ring that came after the last news was read: nothing new. */
  if (news->finished)
    return;

  thaw_mutex_lock (&work->lock);
  arrived = g_steal_pointer (&work->arrived);
  work->arrived = g_array_new (FALSE, FALSE, sizeof (PoolResult));
  log = g_strdup (work->log->str);
  g_string_truncate (work->log, 0);
  news->threads = g_hash_table_size (work->threads);
  news->error = work->error;    /* once set, never changed */
  news->failed_thread = work->failed_thread;
  news->finished = work->finished;
  thaw_mutex_unlock (&work->lock);

  /* Each task's result is taken once, and checked. */
  for (guint i = 0; i < arrived->len; i++)
    {
      PoolResult *result = &g_array_index (arrived, PoolResult, i);

      if (result->index >= work->n_tasks || work->results[result->index].tid != 0)
        {
          news->duplicates++;
          continue;
        }
      news->wrong += result->fingerprint != pool_fingerprint (result->index);
      news->received++;
      work->results[result->index] = *result;
      append_line (completed, result);
    }

  /* In submission order, task 7 can only be shown once tasks 0 to 6 have
   * been: this is what Python's Executor.map() waits for. */
  while (news->shown_in_order < work->n_tasks && work->results[news->shown_in_order].tid != 0)
    append_line (in_order, &work->results[news->shown_in_order++]);

  news->completed = completed->str;
  news->in_order = in_order->str;
  news->log = log;
  news->stopped = g_cancellable_is_cancelled (work->cancellable);

  /* Whoever rang last is returning: these wait microseconds. */
  if (news->finished && work->starter != NULL)
    g_thread_join (g_steal_pointer (&work->starter));
  if (news->finished && work->pool != NULL)
    {
      g_thread_pool_free (g_steal_pointer (&work->pool), FALSE, TRUE);
      THAW_TSAN_ACQUIRE (work);
    }
  for (guint lane = 0; news->finished && lane < thaw_timeline_get_n_lanes (work->timeline); lane++)
    thaw_timeline_record (work->timeline, lane, THAW_LANE_FINISHED);

  /* Last: the news function may free the work once it is finished. */
  work->news_func (news, work->user_data);
}

PoolWork *
pool_work_start (PoolWay        way,
                 guint          n_tasks,
                 guint          work_ms,
                 gboolean       waits,
                 guint          pool_size,
                 ThawTimeline  *timeline,
                 PoolNewsFunc   news_func,
                 gpointer       user_data,
                 GError       **error)
{
  PoolWork *work = g_new (PoolWork, 1);

  *work = (PoolWork) {
    .way = way, .n_tasks = n_tasks, .work_ms = work_ms, .waits = waits,
    .tasks = g_new (PoolTask, n_tasks),
    .cancellable = g_cancellable_new (),
    .timeline = thaw_timeline_ref (timeline),
    .latest = thaw_latest_ref (thaw_latest_new (deliver_news_cb, work, NULL)),
    .arrived = g_array_new (FALSE, FALSE, sizeof (PoolResult)),
    .log = g_string_new (NULL),
    .threads = g_hash_table_new (NULL, NULL),
    .results = g_new0 (PoolResult, n_tasks),
    .news = { .way = way, .n_tasks = n_tasks },
    .news_func = news_func, .user_data = user_data,
  };
  work->ref_count = 1;
  g_mutex_init (&work->lock);
  for (guint i = 0; i < n_tasks; i++)
    work->tasks[i] = (PoolTask) { work, i };
  g_string_printf (work->log, "-- %s: %u tasks, %u ms each on average%s --\n",
                   way_ids[way], n_tasks, work_ms, waits ? " (waiting)" : "");

  if (way == POOL_THREAD_PER_TASK)
    work->starter = g_thread_try_new ("thaw-starter", starter_thread, work, error);
  else if (way == POOL_POOL)
    {
      /* A freed pool's threads would wait for the next pool, GTask's too,
       * carrying our names and priority into GIO's work: let them end. */
      g_thread_pool_set_max_unused_threads (0);
      /* Exclusive: its threads start now and serve it alone. Pushing only
       * queues a task: the main loop never waits. */
      work->pool = g_thread_pool_new (pool_task_func, work, (int) pool_size, TRUE, error);
      for (guint i = 0; work->pool != NULL && i < n_tasks; i++)
        {
          /* GLib's queues hand the task over under locks TSan cannot see. */
          THAW_TSAN_RELEASE (&work->tasks[i]);
          g_thread_pool_push (work->pool, &work->tasks[i], NULL);
        }
    }
  else
    for (guint i = 0; i < n_tasks; i++)
      {
        /* No source object: a GTask would keep it alive until its callback
         * has run. Each GTask holds a reference to the work instead. */
        g_autoptr(GTask) gtask = g_task_new (NULL, work->cancellable, gtask_done_cb, NULL);

        g_atomic_int_inc (&work->ref_count);
        g_task_set_task_data (gtask, &work->tasks[i], (GDestroyNotify) release_gtask);
        THAW_TSAN_RELEASE (&work->tasks[i]);
        g_task_run_in_thread (gtask, gtask_thread_func);
      }

  if (way != POOL_GTASK && work->starter == NULL && work->pool == NULL)
    g_clear_pointer (&work, pool_work_free);

  return work;
}

void
pool_work_stop (PoolWork *work)
{
  g_cancellable_cancel (work->cancellable);
}

void
pool_work_free (PoolWork *work)
{
  if (work == NULL)
    return;

  g_cancellable_cancel (work->cancellable);
  if (work->starter != NULL)
    g_thread_join (g_steal_pointer (&work->starter));
  if (work->pool != NULL)
    g_thread_pool_free (g_steal_pointer (&work->pool), TRUE, TRUE);
  THAW_TSAN_ACQUIRE (work);
  thaw_latest_close (work->latest);
  pool_work_unref (work);
}
