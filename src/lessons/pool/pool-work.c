/* pool-work.c — Fifty thousand tiny tasks, three ways
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fifty thousand tasks of some microseconds each, run one of three ways:
 * a thread per task (started, run once and joined), a GThreadPool of our
 * own (a thread per core by default), or a GTask per task on GLib's shared
 * pool. The main thread gets the results as they complete and in the order
 * the tasks were submitted; each task logs a line naming its thread.
 *
 * Read it top to bottom: the task, what the threads share, the three ways
 * (GTask's with its submission in slices), the hand-off to the main thread,
 * then start, stop and free. GLib, GIO and pthreads only (and Linux, to name
 * threads); pool-page.c shows it.
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
#include "thaw-stalls.h"
#include "thaw-tsan.h"

static const char *const way_ids[POOL_N_WAYS] = { "thread-per-task", "pool", "gtask" }; /* log */

/* Who runs the task: the thread's id and name, as the kernel knows them. */
static void
identify_thread (PoolResult *result)
{
  memset (result->thread_name, 0, sizeof result->thread_name);
  result->tid = (long) syscall (SYS_gettid);
  prctl (PR_GET_NAME, result->thread_name);
}

/* A task's answer, which the main thread checks: its number's FNV-1a hash. */
guint32
pool_fingerprint (guint index)
{
  guint32 hash = 2166136261u;

  for (guint i = 0; i < sizeof index; i++)
    hash = (hash ^ ((index >> (8 * i)) & 0xff)) * 16777619u;

  return hash;
}

/* Computing counts CPU time: with many threads on few cores, spinning to a
 * wall-clock deadline would do less. */
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
         guint         work_us,
         gboolean      waits,
         GCancellable *cancellable)
{
  double spread = ((index * 37u + 11u) % 100u) / 100.0;
  gint64 end = clock_us (waits) + (gint64) (work_us * (0.25 + 1.5 * spread));
  volatile guint32 sink = 0;
  gint64 now;

  while ((now = clock_us (waits)) < end && !g_cancellable_is_cancelled (cancellable))
    if (waits)
      g_usleep (MIN (end - now, 1000));
    else
      /* A microsecond or so between looks at the clock. */
      for (guint i = 0; i < 500; i++)
        sink = sink * 31u + i;
}

/* What the threads and the main thread share; a thread is handed a task. */
typedef struct
{
  PoolWork *work;
  guint index;
  int ended;                    /* a thread per task: its thread is done (atomic) */
} PoolTask;

struct _PoolWork
{
  int ref_count;                /* the owner's, and one per GTask in flight */

  /* Set before any thread starts, then read-only. */
  PoolWay way;
  guint n_tasks, work_us, pool_size;
  gboolean waits;
  PoolTask *tasks;
  GCancellable *cancellable;    /* Stop */
  ThawTimeline *timeline;
  ThawLatest *latest;           /* the hand-off; the work holds a reference */

  GMutex lock;                  /* guards the six below */
  GArray *arrived;              /* PoolResult, since the last delivery */
  GArray *logged;               /* PoolResult of the log lines, likewise */
  GHashTable *threads;          /* thread id → its slot, or -1 */
  GError *error;                /* the first thing that went wrong */
  guint failed_thread;          /* the task whose thread did not start */
  gboolean finished;            /* nothing more will come */

  /* The threads drawn, in the order they came: slot i is lane lanes[i],
   * and what it last recorded. A slot is one thread's alone once it has
   * taken it under the lock, until every thread is done. */
  guint lanes[POOL_MAX_LANES];
  guint n_lanes;
  int lane_state[POOL_MAX_LANES];   /* a ThawLaneState, or -1 before any */

  int n_done;                   /* pool: tasks ended, run or not (atomic) */
  int n_pool_threads;           /* pool threads named so far (atomic) */
  int n_submitted;              /* GTask: tasks handed to GLib so far (atomic) */
  int n_started;                /* GTask: tasks a thread took on (atomic) */

  /* The main thread's alone. */
  GThread *starter;             /* a thread each: the starter; a pool: the feeder */
  GThreadPool *pool;
  GSource *submitter;           /* GTask: submits the next slice, until all are */
  int n_callbacks;              /* GTask: callbacks so far */
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
  g_array_unref (work->logged);
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
         const PoolResult *logged,
         GError           *error,
         gboolean          finished)
{
  thaw_mutex_lock (&work->lock);
  if (result != NULL)
    g_array_append_val (work->arrived, *result);
  if (logged != NULL)
    g_array_append_val (work->logged, *logged);
  if (work->error == NULL)
    work->error = g_steal_pointer (&error);
  work->finished |= finished;
  thaw_mutex_unlock (&work->lock);

  g_clear_error (&error);
  thaw_latest_publish (work->latest, NULL);
}

/* The calling thread's slot: the first POOL_MAX_LANES threads get a lane
 * named as the kernel names them. Threads are counted by id, but a thread
 * per task by its task: the kernel reuses the ids of threads that ended. */
static int
lane_of_thread (PoolWork         *work,
                const PoolResult *result)
{
  gsize id = work->way == POOL_THREAD_PER_TASK ? result->index + 1u : (gsize) result->tid;
  gpointer key = GSIZE_TO_POINTER (id), lane;

  thaw_mutex_lock (&work->lock);
  if (!g_hash_table_lookup_extended (work->threads, key, NULL, &lane))
    {
      lane = GINT_TO_POINTER (-1);
      if (work->n_lanes < POOL_MAX_LANES)
        {
          work->lanes[work->n_lanes] = thaw_timeline_add_lane (work->timeline, result->thread_name);
          lane = GINT_TO_POINTER ((int) work->n_lanes++);
        }
      g_hash_table_insert (work->threads, key, lane);
    }
  thaw_mutex_unlock (&work->lock);

  return GPOINTER_TO_INT (lane);
}

/* Records @state in the lane of the calling thread's @slot, unless it is
 * there already: a pool thread running task after task stays one bar. */
static void
record_lane (PoolWork      *work,
             int            slot,
             ThawLaneState  state)
{
  if (slot < 0 || work->lane_state[slot] == (int) state)
    return;

  work->lane_state[slot] = state;
  thaw_timeline_record (work->timeline, work->lanes[slot], state);
}

/* Who runs @task: the thread's id and name in @result, and its lane. */
static int
meet_thread (PoolTask   *task,
             PoolResult *result)
{
  result->index = task->index;
  identify_thread (result);
  return lane_of_thread (task->work, result);
}

/* Runs @task here, on the thread named in @result and drawn in its
 * @slot's lane, logs it, and hands in the log line and (unless it travels
 * in a GTask) the result. FALSE if Stop cut it short. */
static gboolean
run_task (PoolTask   *task,
          PoolResult *result,
          int         slot,
          gboolean    hand_in_result)
{
  PoolWork *work = task->work;
  gint64 start = g_get_monotonic_time ();

  result->index = task->index;
  record_lane (work, slot, work->waits ? THAW_LANE_SLEEPING : THAW_LANE_RUNNING);

  do_work (task->index, work->work_us, work->waits, work->cancellable);
  result->fingerprint = pool_fingerprint (task->index);
  result->us = g_get_monotonic_time () - start;

  /* A thread of its own ends with its task; a pool's waits if no task is
   * left for it, and so does one of GLib's once none of our GTasks waits:
   * a busy thread's lane stays one long run, not two events per task. */
  if (slot >= 0 && work->way == POOL_THREAD_PER_TASK)
    record_lane (work, slot, THAW_LANE_FINISHED);
  else if (slot >= 0 && (work->way == POOL_GTASK
                         ? g_atomic_int_get (&work->n_started) >= g_atomic_int_get (&work->n_submitted)
                         : g_atomic_int_get (&work->n_done) + (int) work->pool_size >= (int) work->n_tasks))
    record_lane (work, slot, THAW_LANE_WAITING);
  if (g_cancellable_is_cancelled (work->cancellable))
    return FALSE;

  /* To the program's log (G_MESSAGES_DEBUG=Thaw; the thread's name in a
   * field of its own for journald), outside the lock: a terminal is slow. */
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_DEBUG, "THAW_THREAD", result->thread_name,
                    "MESSAGE", "%-15s tid %-7ld %-15s task %5u done in %6.0f µs",
                    result->thread_name, result->tid, way_ids[work->way],
                    result->index, result->us);
  hand_in (work, hand_in_result ? result : NULL, result, NULL, FALSE);
  return TRUE;
}

/* Way 1: a thread per task. Its whole life: one task. */
static gpointer
task_thread (gpointer data)
{
  PoolTask *task = data;
  PoolResult result;

  run_task (task, &result, meet_thread (task, &result), TRUE);
  g_atomic_int_set (&task->ended, TRUE);
  return NULL;
}

/* Starts a thread per task and joins them. Joining waits for the task,
 * which is why it happens here and not on the main loop. */
static gpointer
starter_thread (gpointer data)
{
  PoolWork *work = data;
  g_autofree GThread **threads = g_new0 (GThread *, work->n_tasks);
  GError *error = NULL;
  guint n, joined = 0;

  /* Threads inherit this priority from the thread that starts them. */
  thaw_thread_set_background_priority ();

  for (n = 0; n < work->n_tasks && !g_cancellable_is_cancelled (work->cancellable); n++)
    {
      char name[16];

      g_snprintf (name, sizeof name, "thaw-task-%u", n);
      threads[n] = g_thread_try_new (name, task_thread, &work->tasks[n], &error);
      if (threads[n] == NULL)
        {
              work->failed_thread = n + 1;     /* out of threads: no more */
          g_cancellable_cancel (work->cancellable);
          break;
        }

      /* A thread that ended keeps its stack until it is joined: join
       * those that are done, oldest first, or thousands of stacks pile up. */
      while (joined < n && g_atomic_int_get (&work->tasks[joined].ended))
        g_thread_join (threads[joined++]);
    }

  for (; joined < n; joined++)
    g_thread_join (threads[joined]);

  hand_in (work, NULL, NULL, error, TRUE);
  return NULL;
}

/* Pushes every task into the pool, even after Stop: a task that finds the
 * work cancelled ends at once, and the run is over when every task has
 * ended. The pool is freed only after this thread is joined. */
static gpointer
feeder_thread (gpointer data)
{
  PoolWork *work = data;

  for (guint i = 0; i < work->n_tasks; i++)
    {
      /* GLib's queues hand the task over under locks TSan cannot see. */
      THAW_TSAN_RELEASE (&work->tasks[i]);
      g_thread_pool_push (work->pool, &work->tasks[i], NULL);
    }

  return NULL;
}

/* Way 2: a pool of our own. A thread we have not met gets a name and
 * background priority for life (an exclusive pool's threads serve nobody
 * else, and end with it), and finds out who it is and its lane once: no
 * system call and no lock for that at each task. After Stop, queued tasks
 * end unrun. */
typedef struct
{
  PoolResult who;
  int lane;
} PoolThread;

static GPrivate pool_thread = G_PRIVATE_INIT (g_free);

static void
pool_task_func (gpointer task,
                gpointer data)
{
  PoolWork *work = data;
  int n_tasks = (int) work->n_tasks;   /* read before the count below */
  PoolThread *me = g_private_get (&pool_thread);
  PoolResult result;
  gboolean last;

  THAW_TSAN_ACQUIRE (task);     /* see pool_work_start() */
  if (me == NULL)
    {
      me = g_new0 (PoolThread, 1);
      identify_thread (&me->who);
      g_snprintf (me->who.thread_name, sizeof me->who.thread_name, "thaw-pool-%d",
                  g_atomic_int_add (&work->n_pool_threads, 1) + 1);
      prctl (PR_SET_NAME, me->who.thread_name);
      thaw_thread_set_background_priority ();
      me->lane = lane_of_thread (work, &me->who);
      g_private_set (&pool_thread, me);
    }

  result = me->who;
  if (!g_cancellable_is_cancelled (work->cancellable))
    run_task (task, &result, me->lane, TRUE);

  /* Once counted, only the last may touch the work: it may be freed. Our
   * owner waits for the pool inside GLib, where TSan cannot see. */
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

  THAW_TSAN_ACQUIRE (task);     /* see submit_gtask() */
  g_atomic_int_inc (&((PoolTask *) task)->work->n_started);
  /* The result travels in the GTask, to the callback on the main loop,
   * through GLib's own lock: say so to TSan. */
  if (!run_task (task, result, meet_thread (task, result), FALSE))
    g_clear_pointer (&result, g_free);
  THAW_TSAN_RELEASE (task);
  if (result != NULL)
    g_task_return_pointer (gtask, result, g_free);
  else
    g_task_return_new_error (gtask, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Stopped");
}

static void
release_gtask (PoolTask *task)
{
  pool_work_unref (task->work);
}

static void gtask_done_cb (GObject      *source_object,
                           GAsyncResult *res,
                           gpointer      user_data);

static void
submit_gtask (PoolWork *work,
              PoolTask *task)
{
  /* Each GTask holds a reference to the work. No cancellable: GLib would
   * connect each GTask to its signal, and with thousands of handlers on
   * one signal that alone takes seconds. The task looks at it itself. */
  g_autoptr(GTask) gtask = g_task_new (NULL, NULL, gtask_done_cb, NULL);

  g_atomic_int_inc (&work->ref_count);
  g_task_set_task_data (gtask, task, (GDestroyNotify) release_gtask);
  /* GLib's queues hand the task over under locks TSan cannot see. */
  THAW_TSAN_RELEASE (task);
  g_task_run_in_thread (gtask, gtask_thread_func);
}

/* Making and submitting a GTask takes some microseconds of the main
 * thread, and its callback as many again: fifty thousand of either in one
 * go would hold the main loop for a quarter of a second or more. So the
 * GTasks go in slices of at most 3 ms, one every 5 ms, at most
 * MAX_IN_FLIGHT at a time (GLib runs every ready callback in one go), and
 * between slices the main loop draws frames and answers input. */
#define SUBMIT_SLICE_US 3000
#define SUBMIT_EVERY_MS 5
#define MAX_IN_FLIGHT 256

static gboolean
more_to_submit (PoolWork *work)
{
  return work->n_submitted < (int) work->n_tasks && !g_cancellable_is_cancelled (work->cancellable);
}

static void
stop_submitting (PoolWork *work)
{
  if (work->submitter == NULL)
    return;
  g_source_destroy (work->submitter);
  g_clear_pointer (&work->submitter, g_source_unref);
}

static gboolean
submit_slice_cb (gpointer data)
{
  PoolWork *work = data;
  gint64 end = g_get_monotonic_time () + SUBMIT_SLICE_US;

  while (more_to_submit (work) && work->n_submitted - work->n_callbacks < MAX_IN_FLIGHT &&
         g_get_monotonic_time () < end)
    {
      /* Counted first: a thread that finds every task submitted taken on
       * draws its lane as waiting. Only this thread writes the count. */
      g_atomic_int_inc (&work->n_submitted);
      submit_gtask (work, &work->tasks[work->n_submitted - 1]);
    }

  /* Out of time: the next slice comes in a few milliseconds. All
   * submitted, or too many in flight: a callback schedules the next. */
  if (more_to_submit (work) && work->n_submitted - work->n_callbacks < MAX_IN_FLIGHT)
    return G_SOURCE_CONTINUE;
  stop_submitting (work);
  return G_SOURCE_REMOVE;
}

/* A timeout, not an idle: an idle below drawing gets no turn while the
 * window draws, and one above it would let no frame through. The source
 * holds a bare pointer: Stop and pool_work_free() remove it. */
static void
schedule_slice (PoolWork *work)
{
  if (work->submitter != NULL || !more_to_submit (work))
    return;
  work->submitter = g_timeout_source_new (SUBMIT_EVERY_MS);
  g_source_set_priority (work->submitter, G_PRIORITY_DEFAULT);
  g_source_set_callback (work->submitter, submit_slice_cb, work, NULL);
  g_source_set_static_name (work->submitter, "[thaw] pool: submit GTasks");
  g_source_attach (work->submitter, g_main_context_get_thread_default ());
}

/* Every GTask submitted has called back, and no more will be submitted:
 * after the last task, or after Stop. */
static gboolean
all_gtasks_back (PoolWork *work)
{
  return !more_to_submit (work) && work->n_callbacks == work->n_submitted;
}

/* On the main loop, once per task: cheap, since fifty thousand come. The
 * task's data holds a reference to the work; after pool_work_free() it
 * hands in to nobody, and no slice follows. */
static void
gtask_done_cb (GObject      *source_object,
               GAsyncResult *res,
               gpointer      user_data)
{
  PoolTask *task = g_task_get_task_data (G_TASK (res));
  PoolWork *work = task->work;
  GError *error = NULL;
  g_autofree PoolResult *result = g_task_propagate_pointer (G_TASK (res), &error);
  /* Timed: when hundreds run in one turn, the meter names this. */
  guint scope = thaw_stalls_begin (THAW_STALL_NAME (gtask_done_cb));

  THAW_TSAN_ACQUIRE (task);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_clear_error (&error);
  work->n_callbacks++;
  schedule_slice (work);
  hand_in (work, result, NULL, error, all_gtasks_back (work));
  thaw_stalls_end (scope);
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
  g_autoptr(GArray) arrived = NULL, logged = NULL;
  g_autoptr(GArray) completed = g_array_new (FALSE, FALSE, sizeof (PoolResult));
  g_autoptr(GArray) in_order = g_array_new (FALSE, FALSE, sizeof (PoolResult));

  /* A ring that came after the last news was read: nothing new. */
  if (news->finished)
    return;

  thaw_mutex_lock (&work->lock);
  arrived = g_steal_pointer (&work->arrived);
  work->arrived = g_array_new (FALSE, FALSE, sizeof (PoolResult));
  logged = g_steal_pointer (&work->logged);
  work->logged = g_array_new (FALSE, FALSE, sizeof (PoolResult));
  news->threads = g_hash_table_size (work->threads);
  news->error = work->error;    /* once set, never changed */
  news->failed_thread = work->failed_thread;
  news->finished = work->finished;
  thaw_mutex_unlock (&work->lock);

  for (guint i = 0; i < arrived->len; i++)
    {
      PoolResult *result = &g_array_index (arrived, PoolResult, i);

      /* Each task's result is taken once, and checked. */
      if (result->index >= work->n_tasks || work->results[result->index].tid != 0)
        {
          news->duplicates++;
          continue;
        }
      news->wrong += result->fingerprint != pool_fingerprint (result->index);
      news->received++;
      work->results[result->index] = *result;
      g_array_append_val (completed, *result);
    }

  /* In submission order, task 7 can only be shown once tasks 0 to 6 have
   * been: this is what Python's Executor.map() waits for. */
  while (news->shown_in_order < work->n_tasks && work->results[news->shown_in_order].tid != 0)
    g_array_append_val (in_order, work->results[news->shown_in_order++]);

  news->completed = (const PoolResult *) completed->data;
  news->n_completed = completed->len;
  news->in_order = (const PoolResult *) in_order->data;
  news->n_in_order = in_order->len;
  news->logged = (const PoolResult *) logged->data;
  news->n_logged = logged->len;
  news->stopped = g_cancellable_is_cancelled (work->cancellable);

  /* Whoever rang last is returning: the joins wait microseconds. */
  if (news->finished)
    {
      if (work->starter != NULL)
        g_thread_join (g_steal_pointer (&work->starter));
      if (work->pool != NULL)
        g_thread_pool_free (g_steal_pointer (&work->pool), FALSE, TRUE);
      THAW_TSAN_ACQUIRE (work);
      thaw_mutex_lock (&work->lock);
      for (guint slot = 0; slot < work->n_lanes; slot++)
        thaw_timeline_record (work->timeline, work->lanes[slot], THAW_LANE_FINISHED);
      thaw_mutex_unlock (&work->lock);
    }

  /* Last: the news function may free the work once it is finished. */
  work->news_func (news, work->user_data);
}

PoolWork *
pool_work_start (PoolWay        way,
                 guint          n_tasks,
                 guint          work_us,
                 gboolean       waits,
                 guint          pool_size,
                 ThawTimeline  *timeline,
                 PoolNewsFunc   news_func,
                 gpointer       user_data,
                 GError       **error)
{
  PoolWork *work = g_new (PoolWork, 1);

  *work = (PoolWork) {
    .way = way, .n_tasks = n_tasks, .work_us = work_us, .pool_size = pool_size, .waits = waits,
    .tasks = g_new (PoolTask, n_tasks),
    .cancellable = g_cancellable_new (),
    .timeline = thaw_timeline_ref (timeline),
    .latest = thaw_latest_ref (thaw_latest_new (deliver_news_cb, work, NULL)),
    .arrived = g_array_new (FALSE, FALSE, sizeof (PoolResult)),
    .logged = g_array_new (FALSE, FALSE, sizeof (PoolResult)),
    .threads = g_hash_table_new (NULL, NULL),
    .results = g_new0 (PoolResult, n_tasks),
    .news = { .way = way, .n_tasks = n_tasks },
    .news_func = news_func, .user_data = user_data, .ref_count = 1,
  };
  g_mutex_init (&work->lock);
  for (guint i = 0; i < n_tasks; i++)
    work->tasks[i] = (PoolTask) { work, i };
  memset (work->lane_state, 0xff, sizeof work->lane_state);   /* all -1 */
  g_debug ("%s: %u tasks, %u µs each on average%s", way_ids[way], n_tasks, work_us,
           waits ? " (waiting)" : "");

  if (way == POOL_THREAD_PER_TASK)
    work->starter = g_thread_try_new ("thaw-starter", starter_thread, work, error);
  else if (way == POOL_POOL)
    {
      /* A freed pool's threads would wait for the next pool, GTask's too,
       * carrying our names and priority into GIO's work: let them end. */
      g_thread_pool_set_max_unused_threads (0);
      /* Exclusive: its threads start now and serve it alone. A push only
       * queues a task, but fifty thousand pushes take 4–7 ms here, against
       * the pool's threads taking tasks off the same queue: a frame's worth
       * of the main loop. A feeder thread pushes them. */
      work->pool = g_thread_pool_new (pool_task_func, work, (int) pool_size, TRUE, error);
      if (work->pool != NULL)
        work->starter = g_thread_try_new ("thaw-feeder", feeder_thread, work, error);
    }
  else
    {
      /* The first slice comes from the main loop too: the click that
       * started the run is answered first. */
      schedule_slice (work);
    }

  if (way == POOL_THREAD_PER_TASK ? work->starter == NULL
                                  : way == POOL_POOL && (work->pool == NULL || work->starter == NULL))
    g_clear_pointer (&work, pool_work_free);

  return work;
}

void
pool_work_stop (PoolWork *work)
{
  g_cancellable_cancel (work->cancellable);

  /* GTasks not submitted yet never will be. If those that were have all
   * called back already, no callback will say this was the last. */
  if (work->way == POOL_GTASK && work->submitter != NULL)
    {
      stop_submitting (work);
      if (all_gtasks_back (work))
        hand_in (work, NULL, NULL, NULL, TRUE);
    }
}

void
pool_work_free (PoolWork *work)
{
  if (work == NULL)
    return;

  g_cancellable_cancel (work->cancellable);
  stop_submitting (work);
  if (work->starter != NULL)
    g_thread_join (g_steal_pointer (&work->starter));
  if (work->pool != NULL)
    g_thread_pool_free (g_steal_pointer (&work->pool), TRUE, TRUE);
  THAW_TSAN_ACQUIRE (work);
  thaw_latest_close (work->latest);
  pool_work_unref (work);
}
