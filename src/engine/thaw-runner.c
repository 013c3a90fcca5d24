/* thaw-runner.c — runs jobs on a bounded thread pool, joins on shutdown
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A runner is a GThreadPool with the bookkeeping a GUI needs around it:
 *
 *  - It holds a reference on every job from submission until the job's
 *    final state has been published on the main thread, so a worker never
 *    runs a job that is gone and the main thread never publishes one.
 *
 *  - Workers do not schedule one main-loop callback per job. They append
 *    small events ("started", "finished") to one array under one lock and
 *    arm one source, only if it is not armed already; the main thread
 *    drains the whole array in a single dispatch. A hundred thousand tiny
 *    jobs therefore cost the main loop a few hundred dispatches, not a
 *    hundred thousand, and no job allocates a GSource of its own unless it
 *    reports progress.
 *
 *  - Its threads are its own (an exclusive pool), named "thaw-worker", and
 *    by default run at a raised nice value, so that when every core is busy
 *    the main thread still wins the CPU and the window stays responsive.
 *
 *  - Shutdown cancels everything, waits for every worker within a bound,
 *    and says by name which jobs did not stop in time.
 */

#include "config.h"

#include "thaw-runner.h"

#include "thaw-job-private.h"
#include "thaw-priority.h"
#include "thaw-tsan.h"

#include <errno.h>
#ifdef __linux__
# include <sys/prctl.h>
#endif

typedef enum
{
  EVENT_STARTED,
  EVENT_FINISHED,
} EventKind;

/* A FINISHED event carries one reference to the job, which the main thread
 * drops after publishing. A STARTED event carries none: the same worker
 * appends the job's FINISHED event after it, so the job is alive when the
 * STARTED one is read. */
typedef struct
{
  ThawJob *job;
  EventKind kind;
} Event;

struct _ThawRunner
{
  GObject parent_instance;

  /* Set at construction. */
  guint max_workers;
  gboolean background;
  GMainContext *context;
  GThreadPool *pool;

  /* Main thread only: the submitted jobs whose final state has not been
   * published, oldest first. */
  ThawJob *active_head;
  ThawJob *active_tail;
  guint n_active;
  gboolean shut_down;
  /* The events being published, and the next one to publish. */
  GArray *batch;
  guint batch_pos;
  GArray *spare_events;

  /* Shared with the workers: under @lock. */
  GMutex lock;
  GCond idle_cond;
  /* Jobs pushed to the pool that a worker has not finished with (atomic,
   * and decremented under @lock so that shutdown's wait cannot miss the
   * last one). */
  int outstanding;
  GArray *events;
  gboolean events_pending;
  GSource *events_source;
};

G_DEFINE_FINAL_TYPE (ThawRunner, thaw_runner, G_TYPE_OBJECT)
G_DEFINE_QUARK (thaw-runner-error-quark, thaw_runner_error)

enum {
  PROP_0,
  PROP_MAX_WORKERS,
  PROP_BACKGROUND,
  PROP_BUSY,
  N_PROPS
};

/* Publishing one event costs about a microsecond; this many per dispatch
 * keeps a burst of finished jobs from holding the main loop for more than
 * a millisecond or so at a time. */
#define EVENTS_PER_DISPATCH 1024

static GParamSpec *properties[N_PROPS];

/* Set in the threads a runner has already prepared. */
static GPrivate worker_prepared;

static void
prepare_worker_thread (ThawRunner *self)
{
  if (g_private_get (&worker_prepared) != NULL)
    return;

  g_private_set (&worker_prepared, GINT_TO_POINTER (TRUE));

#ifdef __linux__
  /* The name shows up in top -H, gdb and the monitor lesson. */
  prctl (PR_SET_NAME, "thaw-worker", 0, 0, 0);

  /* An unprivileged thread can raise its nice value but never lower it
   * again: that is why the pool is exclusive (its threads serve no one
   * else) and why a runner cannot switch background priority off once
   * running. */
  if (self->background && !thaw_thread_lower_priority (THAW_RUNNER_BACKGROUND_NICE))
    g_debug ("Could not lower the priority of a worker: %s", g_strerror (errno));
#endif
}

static void
push_event (ThawRunner *self,
            ThawJob    *job,
            EventKind   kind,
            gboolean    item_done)
{
  Event event = { job, kind };

  thaw_mutex_lock (&self->lock);

  g_array_append_val (self->events, event);
  if (!self->events_pending)
    {
      self->events_pending = TRUE;
      g_source_set_ready_time (self->events_source, 0);
    }

  if (item_done && g_atomic_int_dec_and_test (&self->outstanding))
    g_cond_broadcast (&self->idle_cond);

  thaw_mutex_unlock (&self->lock);
}

static void
worker_func (gpointer data,
             gpointer user_data)
{
  ThawJob *job = data;
  ThawRunner *self = user_data;

  /* Pairs with the release in thaw_runner_submit(): the pool's queue is a
   * hand-off TSan cannot see. */
  THAW_TSAN_ACQUIRE (job);

  prepare_worker_thread (self);


  if (thaw_job_begin (job))
    {
      push_event (self, job, EVENT_STARTED, FALSE);
      thaw_job_execute (job);
    }

  /* Hands the pool's reference on to the main thread. */
  push_event (self, job, EVENT_FINISHED, TRUE);
}

static void
active_link (ThawRunner *self,
             ThawJob    *job)
{
  job->active_prev = self->active_tail;
  job->active_next = NULL;
  if (self->active_tail != NULL)
    self->active_tail->active_next = job;
  else
    self->active_head = job;
  self->active_tail = job;
  job->in_active_list = TRUE;
  self->n_active++;
}

static void
active_unlink (ThawRunner *self,
               ThawJob    *job)
{
  if (!job->in_active_list)
    return;

  if (job->active_prev != NULL)
    job->active_prev->active_next = job->active_next;
  else
    self->active_head = job->active_next;
  if (job->active_next != NULL)
    job->active_next->active_prev = job->active_prev;
  else
    self->active_tail = job->active_prev;

  job->active_prev = job->active_next = NULL;
  job->in_active_list = FALSE;
  job->runner = NULL;
  self->n_active--;
}

static void
handle_event (ThawRunner *self,
              Event       event)
{
  switch (event.kind)
    {
    case EVENT_STARTED:
      thaw_job_publish_running (event.job);
      break;

    case EVENT_FINISHED:
      active_unlink (self, event.job);
      thaw_job_publish_finished (event.job);
      g_object_unref (event.job);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Publishes up to @max_events of what the workers have reported, oldest
 * first. Main thread. If more are left, the source stays armed and the
 * main loop comes back for them after its other work. */
static void
process_events (ThawRunner *self,
                guint       max_events)
{
  gboolean was_busy = self->n_active > 0;

  for (guint done = 0; done < max_events; done++)
    {
      Event event;

      if (self->batch == NULL || self->batch_pos == self->batch->len)
        {
          GArray *fresh;

          thaw_mutex_lock (&self->lock);
          if (self->events->len == 0)
            {
              self->events_pending = FALSE;
              g_source_set_ready_time (self->events_source, -1);
              thaw_mutex_unlock (&self->lock);
              break;
            }
          /* Swap arrays instead of copying, so workers keep appending
           * while we publish. */
          fresh = self->events;
          self->events = self->spare_events != NULL
            ? g_steal_pointer (&self->spare_events)
            : g_array_new (FALSE, FALSE, sizeof (Event));
          thaw_mutex_unlock (&self->lock);

          if (self->batch != NULL)
            {
              g_array_set_size (self->batch, 0);
              if (self->spare_events == NULL)
                self->spare_events = self->batch;
              else
                g_array_unref (self->batch);
            }
          self->batch = fresh;
          self->batch_pos = 0;
        }

      /* A copy: a handler may re-enter and move the batch along. */
      event = g_array_index (self->batch, Event, self->batch_pos++);
      handle_event (self, event);
    }


  if (was_busy && self->n_active == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static gboolean
events_dispatch (GSource     *source,
                 GSourceFunc  callback,
                 gpointer     user_data)
{
  ThawRunner *self = user_data;

  /* A handler of a job's notify may drop the last reference to the
   * runner; keep it alive until the batch is done. */
  g_object_ref (self);
  process_events (self, EVENTS_PER_DISPATCH);
  g_object_unref (self);

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs events_funcs = {
  .dispatch = events_dispatch,
};

static void
thaw_runner_constructed (GObject *object)
{
  ThawRunner *self = THAW_RUNNER (object);
  g_autoptr(GError) error = NULL;

  G_OBJECT_CLASS (thaw_runner_parent_class)->constructed (object);

  if (self->max_workers == 0)
    self->max_workers = g_get_num_processors ();

  /* Exclusive: the threads are started now and serve this runner alone
   * until it is freed, so the nice value a worker gets here never leaks
   * into another pool's work. */
  self->pool = g_thread_pool_new (worker_func, self, (int) self->max_workers, TRUE, &error);
  if (error != NULL)
    g_critical ("Could not start all %u workers: %s", self->max_workers, error->message);
}

static void
thaw_runner_dispose (GObject *object)
{
  ThawRunner *self = THAW_RUNNER (object);

  /* Without a bounded shutdown first, dropping the runner waits for every
   * worker, however long that takes: better than leaving threads running
   * code of a runner that no longer exists. */
  if (self->pool != NULL)
    {
      thaw_runner_cancel_all (self);
      g_thread_pool_free (g_steal_pointer (&self->pool), FALSE, TRUE);
    }

  if (self->events_source != NULL)
    {
      process_events (self, G_MAXUINT);
      g_source_destroy (self->events_source);
      g_clear_pointer (&self->events_source, g_source_unref);
    }

  G_OBJECT_CLASS (thaw_runner_parent_class)->dispose (object);
}

static void
thaw_runner_finalize (GObject *object)
{
  ThawRunner *self = THAW_RUNNER (object);

  g_clear_pointer (&self->events, g_array_unref);
  g_clear_pointer (&self->batch, g_array_unref);
  g_clear_pointer (&self->spare_events, g_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_cond_clear (&self->idle_cond);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (thaw_runner_parent_class)->finalize (object);
}

static void
thaw_runner_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  ThawRunner *self = THAW_RUNNER (object);

  switch (prop_id)
    {
    case PROP_MAX_WORKERS:
      g_value_set_uint (value, self->max_workers);
      break;

    case PROP_BACKGROUND:
      g_value_set_boolean (value, self->background);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->n_active > 0);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_runner_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  ThawRunner *self = THAW_RUNNER (object);

  switch (prop_id)
    {
    case PROP_MAX_WORKERS:
      self->max_workers = g_value_get_uint (value);
      break;

    case PROP_BACKGROUND:
      self->background = g_value_get_boolean (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_runner_class_init (ThawRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = thaw_runner_constructed;
  object_class->dispose = thaw_runner_dispose;
  object_class->finalize = thaw_runner_finalize;
  object_class->get_property = thaw_runner_get_property;
  object_class->set_property = thaw_runner_set_property;

  /**
   * ThawRunner:max-workers:
   *
   * How many jobs run at once; 0 means one per processor.
   */
  properties[PROP_MAX_WORKERS] =
    g_param_spec_uint ("max-workers", NULL, NULL,
                       0, 1024, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ThawRunner:background:
   *
   * Whether workers run at background CPU priority (nice
   * %THAW_RUNNER_BACKGROUND_NICE). Fixed at construction: a thread can
   * give its priority up but not take it back.
   */
  properties[PROP_BACKGROUND] =
    g_param_spec_boolean ("background", NULL, NULL,
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ThawRunner:busy:
   *
   * Whether some submitted job has not finished yet. It changes only when
   * the runner goes from idle to busy and back, not once per job, so that
   * watching it costs nothing per job.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* When a pool is freed, GLib keeps up to two of its threads alive for
   * fifteen seconds and gives them to the next pool that wants one, GIO's
   * own included. A worker that lowered its priority would carry that into
   * somebody else's work, and the threads of a shut-down runner would
   * linger. With no unused threads kept, a thread leaving a pool exits. */
  g_thread_pool_set_max_unused_threads (0);
}

static void
thaw_runner_init (ThawRunner *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->idle_cond);
  /* The learner's setting (see thaw-priority.c) is the default. */
  self->background = thaw_background_priority_get_enabled ();
  self->events = g_array_new (FALSE, FALSE, sizeof (Event));
  self->context = g_main_context_ref_thread_default ();

  self->events_source = g_source_new (&events_funcs, sizeof (GSource));
  g_source_set_static_name (self->events_source, "[thaw] runner events");
  g_source_set_priority (self->events_source, G_PRIORITY_DEFAULT_IDLE);
  /* No reference: dispose destroys the source after the last worker. */
  g_source_set_callback (self->events_source, NULL, self, NULL);
  g_source_attach (self->events_source, self->context);
}

/**
 * thaw_runner_new:
 * @max_workers: how many jobs may run at once; 0 for one per processor
 *
 * Creates a runner whose workers run at background priority, publishing
 * job states on the calling thread's thread-default main context. Use
 * g_object_new() with #ThawRunner:background set to %FALSE for workers at
 * normal priority.
 *
 * Returns: (transfer full): a new runner
 */
ThawRunner *
thaw_runner_new (guint max_workers)
{
  return g_object_new (THAW_TYPE_RUNNER, "max-workers", max_workers, NULL);
}

guint
thaw_runner_get_max_workers (ThawRunner *self)
{
  g_return_val_if_fail (THAW_IS_RUNNER (self), 0);

  return self->max_workers;
}

gboolean
thaw_runner_get_background (ThawRunner *self)
{
  g_return_val_if_fail (THAW_IS_RUNNER (self), FALSE);

  return self->background;
}

/**
 * thaw_runner_get_n_active:
 * @self: a runner
 *
 * Main thread only. Not a property: it changes with every job, and
 * #ThawRunner:busy is what is worth watching.
 *
 * Returns: the number of submitted jobs not finished yet
 */
guint
thaw_runner_get_n_active (ThawRunner *self)
{
  g_return_val_if_fail (THAW_IS_RUNNER (self), 0);

  return self->n_active;
}

/**
 * thaw_runner_get_busy:
 * @self: a runner
 *
 * Main thread only.
 *
 * Returns: whether some submitted job has not finished yet
 */
gboolean
thaw_runner_get_busy (ThawRunner *self)
{
  g_return_val_if_fail (THAW_IS_RUNNER (self), FALSE);

  return self->n_active > 0;
}

gboolean
thaw_runner_is_shut_down (ThawRunner *self)
{
  g_return_val_if_fail (THAW_IS_RUNNER (self), TRUE);

  return self->shut_down;
}

/**
 * thaw_runner_submit:
 * @self: a runner
 * @job: a queued job, made on the same main context as the runner
 *
 * Queues @job; it runs when a worker is free. The runner keeps a reference
 * until the job's final state has been published, so the caller may drop
 * its own. A job that was cancelled before being submitted is left as it
 * is. Main thread only; not after thaw_runner_shutdown().
 */
void
thaw_runner_submit (ThawRunner *self,
                    ThawJob    *job)
{
  g_return_if_fail (THAW_IS_RUNNER (self));
  g_return_if_fail (THAW_IS_JOB (job));
  g_return_if_fail (!self->shut_down);
  g_return_if_fail (job->runner == NULL);
  g_return_if_fail (job->context == self->context);

  if (thaw_job_is_finished (job))
    return;

  g_return_if_fail (g_atomic_int_get (&job->phase) == JOB_PHASE_QUEUED);

  job->runner = self;
  active_link (self, job);
  g_atomic_int_inc (&self->outstanding);

  /* The pool's reference, released on the main thread after the job's
   * FINISHED event. */
  g_object_ref (job);
  THAW_TSAN_RELEASE (job);
  g_thread_pool_push (self->pool, job, NULL);

  if (self->n_active == 1)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/**
 * thaw_runner_cancel:
 * @self: a runner
 * @job: a job submitted to @self
 *
 * The same as thaw_job_cancel().
 */
void
thaw_runner_cancel (ThawRunner *self,
                    ThawJob    *job)
{
  g_return_if_fail (THAW_IS_RUNNER (self));
  g_return_if_fail (THAW_IS_JOB (job));
  g_return_if_fail (job->runner == self || job->runner == NULL);

  thaw_job_cancel (job);
}

/**
 * thaw_runner_cancel_all:
 * @self: a runner
 *
 * Cancels every job submitted and not finished. Main thread only.
 */
void
thaw_runner_cancel_all (ThawRunner *self)
{
  g_return_if_fail (THAW_IS_RUNNER (self));

  for (ThawJob *job = self->active_head; job != NULL; job = job->active_next)
    thaw_job_cancel (job);
}

void
thaw_runner_job_dropped (ThawRunner *self,
                         ThawJob    *job)
{
  /* This event has its own reference: the pool still holds the job, and
   * its worker will send a second FINISHED event when it passes it by. */
  push_event (self, g_object_ref (job), EVENT_FINISHED, FALSE);
}

/**
 * thaw_runner_shutdown:
 * @self: a runner
 * @timeout_ms: how long to wait for running jobs to stop
 * @stragglers: (out) (optional) (transfer full) (element-type ThawJob):
 *   the jobs that did not stop in time, or %NULL if all did
 * @error: where to say which jobs did not stop in time
 *
 * Cancels every job, waits up to @timeout_ms for the workers to return, and
 * if they all did, frees the pool, whose threads then exit. Final states
 * of the jobs that stopped are published before this returns.
 *
 * This blocks the calling (main) thread for up to @timeout_ms: it is meant
 * for quitting, when nothing needs the main loop any more.
 *
 * If some jobs ignore their cancellable for longer than @timeout_ms, the
 * pool is kept, those jobs are named in @error and @stragglers, and
 * %FALSE is returned; their states are still published if they end
 * later while the main loop runs. Call again to wait more, or quit anyway.
 * No job can be submitted after a shutdown, successful or not.
 *
 * Returns: %TRUE if every worker stopped within @timeout_ms
 */
gboolean
thaw_runner_shutdown (ThawRunner  *self,
                      guint        timeout_ms,
                      GPtrArray  **stragglers,
                      GError     **error)
{
  g_autoptr(GPtrArray) late = NULL;
  g_autoptr(GString) names = NULL;
  gboolean all_stopped;
  gint64 deadline;

  g_return_val_if_fail (THAW_IS_RUNNER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (stragglers != NULL)
    *stragglers = NULL;

  if (self->pool == NULL)
    return TRUE;

  self->shut_down = TRUE;
  thaw_runner_cancel_all (self);

  deadline = g_get_monotonic_time () + (gint64) timeout_ms * G_TIME_SPAN_MILLISECOND;

  thaw_mutex_lock (&self->lock);
  while (g_atomic_int_get (&self->outstanding) > 0)
    {
      if (!thaw_cond_wait_until (&self->idle_cond, &self->lock, deadline))
        break;
    }
  all_stopped = g_atomic_int_get (&self->outstanding) == 0;
  thaw_mutex_unlock (&self->lock);

  if (all_stopped)
    {
      /* Every worker is waiting for work, so this returns as soon as they
       * have all left the pool. */
      g_thread_pool_free (g_steal_pointer (&self->pool), FALSE, TRUE);
      process_events (self, G_MAXUINT);
      return TRUE;
    }

  process_events (self, G_MAXUINT);

  late = g_ptr_array_new_with_free_func (g_object_unref);
  names = g_string_new (NULL);
  for (ThawJob *job = self->active_head; job != NULL; job = job->active_next)
    {
      g_ptr_array_add (late, g_object_ref (job));
      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append_printf (names, "“%s”", job->title != NULL ? job->title : "untitled");
    }

  if (late->len == 1)
    g_set_error (error, THAW_RUNNER_ERROR, THAW_RUNNER_ERROR_TIMED_OUT,
                 "1 job did not stop within %u ms: %s",
                 timeout_ms, names->str);
  else
    g_set_error (error, THAW_RUNNER_ERROR, THAW_RUNNER_ERROR_TIMED_OUT,
                 "%u jobs did not stop within %u ms: %s",
                 late->len, timeout_ms, names->str);

  if (stragglers != NULL)
    *stragglers = g_steal_pointer (&late);

  return FALSE;
}
