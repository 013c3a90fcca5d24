/* thaw-job.c — one long job: state, progress, cancel, error, result
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A job lives on two threads at once. The worker runs the function and
 * writes progress as fast as it likes; the main thread shows that progress
 * and must never be flooded by it. The two meet in a small block of fields
 * under one mutex:
 *
 *   worker: thaw_job_report()            main thread: delivery source
 *     lock                                 lock
 *     write the latest fraction/text       copy the latest fraction/text
 *     if no delivery is pending:           clear "pending"
 *       mark pending, arm the source       unlock
 *     unlock                               set properties, notify
 *
 * However many reports arrive between two deliveries, the main loop runs
 * one callback and sees only the newest value: that is coalescing. The
 * source is armed for no earlier than one frame after the previous
 * delivery, which caps the main loop's work at about sixty callbacks per
 * second per job however fast the worker goes.
 *
 * The final state does not wait for that pacing: the runner collects
 * finished jobs and publishes them in one batch (see thaw-runner.c), and
 * the publication copies the latest progress first, so the last value
 * reported is the last value shown.
 */

#include "config.h"

#include "thaw-job.h"

#include "thaw-job-private.h"
#include "thaw-tsan.h"

#include <math.h>

G_DEFINE_ENUM_TYPE (ThawJobState, thaw_job_state,
  G_DEFINE_ENUM_VALUE (THAW_JOB_STATE_QUEUED, "queued"),
  G_DEFINE_ENUM_VALUE (THAW_JOB_STATE_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (THAW_JOB_STATE_SUCCEEDED, "succeeded"),
  G_DEFINE_ENUM_VALUE (THAW_JOB_STATE_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (THAW_JOB_STATE_CANCELLED, "cancelled"))

G_DEFINE_FINAL_TYPE (ThawJob, thaw_job, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_STATE,
  PROP_FRACTION,
  PROP_TEXT,
  PROP_ERROR,
  PROP_RESULT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The delivery source holds a weak reference, not a strong one: a strong
 * one would keep a job that everybody else has dropped alive until its
 * next delivery. The weak reference is also what makes the source safe if
 * the last reference is dropped on another thread while the main thread is
 * about to dispatch: g_weak_ref_get() either returns a reference that keeps
 * the job alive through the callback, or NULL. */
typedef struct
{
  GSource source;
  GWeakRef job;
} DeliverySource;

static void deliver_progress (ThawJob *self);

static gboolean
delivery_dispatch (GSource     *source,
                   GSourceFunc  callback,
                   gpointer     user_data)
{
  DeliverySource *delivery = (DeliverySource *) source;
  g_autoptr(ThawJob) self = g_weak_ref_get (&delivery->job);

  if (self == NULL)
    {
      /* Finalization is under way; its dispose destroys this source. Until
       * then, do not fire again. */
      g_source_set_ready_time (source, -1);
      return G_SOURCE_CONTINUE;
    }

  deliver_progress (self);

  /* If that was the last reference, dispose has just destroyed this
   * source; returning CONTINUE from a destroyed source is fine. */
  return G_SOURCE_CONTINUE;
}

static void
delivery_finalize (GSource *source)
{
  DeliverySource *delivery = (DeliverySource *) source;

  g_weak_ref_clear (&delivery->job);
}

static GSourceFuncs delivery_funcs = {
  .dispatch = delivery_dispatch,
  .finalize = delivery_finalize,
};

/* Called with the lock held, when no delivery is pending. */
static void
schedule_delivery_locked (ThawJob *self)
{
  gint64 due = self->last_delivery_us + THAW_JOB_REPORT_INTERVAL_US;

  if (self->delivery == NULL)
    {
      DeliverySource *delivery;

      self->delivery = g_source_new (&delivery_funcs, sizeof (DeliverySource));
      delivery = (DeliverySource *) self->delivery;
      g_weak_ref_init (&delivery->job, self);
      g_source_set_static_name (self->delivery, "[thaw] job progress");
      /* Like g_idle_add(): below timers, input and redraws. */
      g_source_set_priority (self->delivery, G_PRIORITY_DEFAULT_IDLE);
      g_source_set_ready_time (self->delivery, due);
      g_source_attach (self->delivery, self->context);
      return;
    }

  /* Safe from any thread: it takes the context's lock and wakes the
   * context up if another thread is iterating it. A due time in the past
   * means "as soon as possible". */
  g_source_set_ready_time (self->delivery, due);
}

/* Called with the lock held: the caller is about to show the latest
 * values, so a delivery still pending would have nothing new to say. */
static void
cancel_delivery_locked (ThawJob *self)
{
  self->delivery_pending = FALSE;
  if (self->delivery != NULL)
    g_source_set_ready_time (self->delivery, -1);
}

static void
set_fraction (ThawJob *self,
              double   fraction)
{
  if (self->fraction == fraction)
    return;

  self->fraction = fraction;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

static void
take_text (ThawJob *self,
           char    *text)
{
  if (g_strcmp0 (self->text, text) == 0)
    {
      g_free (text);
      return;
    }

  g_free (self->text);
  self->text = text;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

static void
set_state (ThawJob      *self,
           ThawJobState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* Copies the latest progress out of the shared block, under the lock.
 * Returns the new text in @text_out only if it differs from what the main
 * thread shows, so that an unchanged text costs no allocation. */
static double
take_latest_locked (ThawJob  *self,
                    char    **text_out)
{
  *text_out = NULL;
  if (g_strcmp0 (self->shared_text, self->text) != 0)
    *text_out = g_strdup (self->shared_text);

  return self->shared_fraction;
}

static void
deliver_progress (ThawJob *self)
{
  char *text;
  double fraction;

  thaw_mutex_lock (&self->lock);
  fraction = take_latest_locked (self, &text);
  cancel_delivery_locked (self);
  self->last_delivery_us = g_get_monotonic_time ();
  thaw_mutex_unlock (&self->lock);

  self->n_dispatches++;

  set_fraction (self, fraction);
  if (text != NULL)
    take_text (self, text);
}

static void
thaw_job_dispose (GObject *object)
{
  ThawJob *self = THAW_JOB (object);
  GSource *delivery;

  /* No worker can be running this job: the runner holds a reference from
   * submission until the final state is published. What can still be
   * around is a delivery armed by the last report; remove it so that it
   * never fires for a job that is going away. */
  thaw_mutex_lock (&self->lock);
  self->disposed = TRUE;
  cancel_delivery_locked (self);
  delivery = g_steal_pointer (&self->delivery);
  thaw_mutex_unlock (&self->lock);

  if (delivery != NULL)
    {
      g_source_destroy (delivery);
      g_source_unref (delivery);
    }

  G_OBJECT_CLASS (thaw_job_parent_class)->dispose (object);
}

static void
thaw_job_finalize (GObject *object)
{
  ThawJob *self = THAW_JOB (object);

  if (self->func_data_destroy != NULL)
    self->func_data_destroy (self->func_data);

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->text, g_free);
  g_clear_error (&self->error);
  g_clear_pointer (&self->result, g_variant_unref);
  g_clear_pointer (&self->shared_text, g_free);
  g_clear_error (&self->outcome_error);
  g_clear_pointer (&self->outcome_result, g_variant_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (thaw_job_parent_class)->finalize (object);
}

static void
thaw_job_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  ThawJob *self = THAW_JOB (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;

    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;

    case PROP_RESULT:
      g_value_set_variant (value, self->result);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_job_class_init (ThawJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = thaw_job_dispose;
  object_class->finalize = thaw_job_finalize;
  object_class->get_property = thaw_job_get_property;

  /**
   * ThawJob:title:
   *
   * What the job is, for people: shown beside its progress bar and in
   * shutdown reports. Given to thaw_job_new(); it is not a construct
   * property because construct properties send every g_object_new()
   * down GObject's slow path, and a runner may make a hundred thousand
   * jobs a second.
   */
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ThawJob:state:
   *
   * Where the job is. Changes, like every property of the job, are
   * notified on the job's context only.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       THAW_TYPE_JOB_STATE, THAW_JOB_STATE_QUEUED,
                       G_PARAM_READABLE |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ThawJob:fraction:
   *
   * The latest progress the main thread has been given, 0 to 1.
   */
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL,
                         0.0, 1.0, 0.0,
                         G_PARAM_READABLE |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ThawJob:text:
   *
   * The latest status text the main thread has been given.
   */
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ThawJob:error:
   *
   * Why the job failed; %NULL unless the state is %THAW_JOB_STATE_FAILED.
   */
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL,
                        G_TYPE_ERROR,
                        G_PARAM_READABLE |
                        G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ThawJob:result:
   *
   * What the job produced; set only once it has succeeded.
   */
  properties[PROP_RESULT] =
    g_param_spec_variant ("result", NULL, NULL,
                          G_VARIANT_TYPE_ANY, NULL,
                          G_PARAM_READABLE |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
thaw_job_init (ThawJob *self)
{
  g_mutex_init (&self->lock);
  self->state = THAW_JOB_STATE_QUEUED;
  self->phase = JOB_PHASE_QUEUED;
  /* Properties are notified where the job was made: in a GTK program that
   * is the main thread and its default context. */
  self->context = g_main_context_ref_thread_default ();
}

/**
 * thaw_job_new:
 * @title: what the job is, for people
 * @func: (scope notified): the body of the job, run on a worker
 * @user_data: (closure func): data for @func
 * @user_data_destroy: (nullable): frees @user_data when the job is
 *   finalized, on whichever thread drops the last reference
 *
 * Creates a queued job. The job belongs to the thread-default main context
 * of the calling thread (normally the main thread): its properties change
 * and are notified there and nowhere else, and the functions marked "main
 * thread" must be called from the thread that iterates that context.
 *
 * Hand it to thaw_runner_submit() to run it.
 *
 * Returns: (transfer full): a new job
 */
ThawJob *
thaw_job_new (const char     *title,
              ThawJobFunc     func,
              gpointer        user_data,
              GDestroyNotify  user_data_destroy)
{
  ThawJob *self;

  g_return_val_if_fail (func != NULL, NULL);

  self = g_object_new (THAW_TYPE_JOB, NULL);
  self->title = g_strdup (title);
  self->func = func;
  self->func_data = user_data;
  self->func_data_destroy = user_data_destroy;

  return self;
}

/**
 * thaw_job_get_title:
 * @self: a job
 *
 * Safe from any thread.
 *
 * Returns: (transfer none) (nullable): the title
 */
const char *
thaw_job_get_title (ThawJob *self)
{
  g_return_val_if_fail (THAW_IS_JOB (self), NULL);

  return self->title;
}

/**
 * thaw_job_get_context:
 * @self: a job
 *
 * Returns: (transfer none): the context on which the job's properties are
 *   notified
 */
GMainContext *
thaw_job_get_context (ThawJob *self)
{
  g_return_val_if_fail (THAW_IS_JOB (self), NULL);

  return self->context;
}

/**
 * thaw_job_get_cancellable:
 * @self: a job
 *
 * The job owns its cancellable, made on the first call (from any thread)
 * and already cancelled if the job was. Pass it to GIO calls inside the
 * job. Any thread may cancel it, which cancels the job.
 *
 * Returns: (transfer none): the job's cancellable
 */
GCancellable *
thaw_job_get_cancellable (ThawJob *self)
{
  GCancellable *cancellable;

  g_return_val_if_fail (THAW_IS_JOB (self), NULL);

  cancellable = g_atomic_pointer_get (&self->cancellable);
  if (cancellable != NULL)
    return cancellable;

  cancellable = g_cancellable_new ();
  if (!g_atomic_pointer_compare_and_exchange (&self->cancellable, NULL, cancellable))
    {
      /* Another thread made one first: use that. */
      g_object_unref (cancellable);
      return g_atomic_pointer_get (&self->cancellable);
    }

  /* thaw_job_cancel() sets the flag and then looks for a cancellable; we
   * publish the cancellable and then look at the flag. Both are
   * sequentially consistent, so at least one of us sees the other and the
   * cancellable cannot miss a cancellation. */
  if (g_atomic_int_get (&self->cancel_requested))
    g_cancellable_cancel (cancellable);

  return cancellable;
}

/**
 * thaw_job_is_cancelled:
 * @self: a job
 *
 * Safe from any thread, and cheap enough to call in a tight loop.
 *
 * Returns: whether the job has been asked to stop
 */
gboolean
thaw_job_is_cancelled (ThawJob *self)
{
  GCancellable *cancellable;

  g_return_val_if_fail (THAW_IS_JOB (self), TRUE);

  if (g_atomic_int_get (&self->cancel_requested))
    return TRUE;

  /* Someone may have cancelled the GCancellable itself. */
  cancellable = g_atomic_pointer_get (&self->cancellable);
  return cancellable != NULL && g_cancellable_is_cancelled (cancellable);
}

/**
 * thaw_job_set_error_if_cancelled:
 * @self: a job
 * @error: where to put %G_IO_ERROR_CANCELLED
 *
 * For the job's function: `if (thaw_job_set_error_if_cancelled (job,
 * error)) return FALSE;` stops the job as cancelled.
 *
 * Returns: whether the job has been asked to stop
 */
gboolean
thaw_job_set_error_if_cancelled (ThawJob  *self,
                                 GError  **error)
{
  if (!thaw_job_is_cancelled (self))
    return FALSE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
  return TRUE;
}

/**
 * thaw_job_get_state:
 * @self: a job
 *
 * Main thread only.
 *
 * Returns: the state as last published on the job's context
 */
ThawJobState
thaw_job_get_state (ThawJob *self)
{
  g_return_val_if_fail (THAW_IS_JOB (self), THAW_JOB_STATE_QUEUED);

  return self->state;
}

/**
 * thaw_job_is_finished:
 * @self: a job
 *
 * Main thread only.
 *
 * Returns: whether the state is final: succeeded, failed or cancelled
 */
gboolean
thaw_job_is_finished (ThawJob *self)
{
  g_return_val_if_fail (THAW_IS_JOB (self), FALSE);

  return self->state >= THAW_JOB_STATE_SUCCEEDED;
}

/**
 * thaw_job_get_fraction:
 * @self: a job
 *
 * Main thread only.
 *
 * Returns: the latest progress delivered to the main thread, 0 to 1
 */
double
thaw_job_get_fraction (ThawJob *self)
{
  g_return_val_if_fail (THAW_IS_JOB (self), 0.0);

  return self->fraction;
}

/**
 * thaw_job_get_text:
 * @self: a job
 *
 * Main thread only.
 *
 * Returns: (transfer none) (nullable): the latest status text delivered
 */
const char *
thaw_job_get_text (ThawJob *self)
{
  g_return_val_if_fail (THAW_IS_JOB (self), NULL);

  return self->text;
}

/**
 * thaw_job_get_error:
 * @self: a job
 *
 * Main thread only.
 *
 * Returns: (transfer none) (nullable): why the job failed, or %NULL if it
 *   has not failed
 */
const GError *
thaw_job_get_error (ThawJob *self)
{
  g_return_val_if_fail (THAW_IS_JOB (self), NULL);

  return self->error;
}

/**
 * thaw_job_get_result:
 * @self: a job
 *
 * Main thread only.
 *
 * Returns: (transfer none) (nullable): what the job produced with
 *   thaw_job_set_result(), once it has succeeded
 */
GVariant *
thaw_job_get_result (ThawJob *self)
{
  g_return_val_if_fail (THAW_IS_JOB (self), NULL);

  return self->result;
}

/**
 * thaw_job_get_n_dispatches:
 * @self: a job
 *
 * Main thread only.
 *
 * Returns: how many times the main loop has run a progress delivery for
 *   this job; compare with thaw_job_get_n_reports() to see coalescing work
 */
guint
thaw_job_get_n_dispatches (ThawJob *self)
{
  g_return_val_if_fail (THAW_IS_JOB (self), 0);

  return self->n_dispatches;
}

/**
 * thaw_job_get_n_reports:
 * @self: a job
 *
 * Safe from any thread.
 *
 * Returns: how many times thaw_job_report() has been called
 */
guint64
thaw_job_get_n_reports (ThawJob *self)
{
  guint64 n;

  g_return_val_if_fail (THAW_IS_JOB (self), 0);

  thaw_mutex_lock (&self->lock);
  n = self->n_reports;
  thaw_mutex_unlock (&self->lock);

  return n;
}

/**
 * thaw_job_cancel:
 * @self: a job
 *
 * Asks the job to stop. Main thread only; other threads can cancel the
 * job's #GCancellable instead.
 *
 * A running job stops when its function next checks the cancellable, and
 * the state becomes %THAW_JOB_STATE_CANCELLED when it returns. A job that
 * has not started never will, and its state becomes cancelled as soon as
 * the main loop runs again, without waiting for a free worker. A finished
 * job is not affected.
 */
void
thaw_job_cancel (ThawJob *self)
{
  GCancellable *cancellable;

  g_return_if_fail (THAW_IS_JOB (self));

  if (thaw_job_is_finished (self))
    return;

  g_atomic_int_set (&self->cancel_requested, TRUE);
  cancellable = g_atomic_pointer_get (&self->cancellable);
  if (cancellable != NULL)
    g_cancellable_cancel (cancellable);

  /* Only one of us and a worker picking the job up can win this. */
  if (!g_atomic_int_compare_and_exchange (&self->phase, JOB_PHASE_QUEUED, JOB_PHASE_DROPPED))
    return;

  if (self->runner != NULL)
    thaw_runner_job_dropped (self->runner, self);
  else
    thaw_job_publish_finished (self);
}

/**
 * thaw_job_report:
 * @self: a job
 * @fraction: progress from 0 to 1 (clamped)
 * @text: (nullable): a status text, or %NULL to keep the previous one
 *
 * Hands progress to the main thread. Call it from the worker as often as
 * you like: it takes a lock for a moment, stores the values and, only when
 * no delivery is already pending, schedules one. The main thread sees the
 * latest values at most once per %THAW_JOB_REPORT_INTERVAL_US.
 *
 * Pass a text only when it changes; the fraction alone costs no allocation.
 */
void
thaw_job_report (ThawJob    *self,
                 double      fraction,
                 const char *text)
{
  g_return_if_fail (THAW_IS_JOB (self));

  if (isnan (fraction))
    fraction = 0.0;
  fraction = CLAMP (fraction, 0.0, 1.0);

  thaw_mutex_lock (&self->lock);

  self->shared_fraction = fraction;
  if (text != NULL && g_strcmp0 (text, self->shared_text) != 0)
    {
      g_free (self->shared_text);
      self->shared_text = g_strdup (text);
    }
  self->n_reports++;

  if (!self->delivery_pending && !self->disposed)
    {
      self->delivery_pending = TRUE;
      schedule_delivery_locked (self);
    }

  thaw_mutex_unlock (&self->lock);
}

/**
 * thaw_job_set_result:
 * @self: a job
 * @result: (nullable) (transfer floating): what the job produced
 *
 * Called by the job's function on the worker. The main thread sees the
 * result in #ThawJob:result once the job has succeeded; a job that fails
 * or is cancelled drops it.
 */
void
thaw_job_set_result (ThawJob  *self,
                     GVariant *result)
{
  g_return_if_fail (THAW_IS_JOB (self));

  if (result != NULL)
    g_variant_ref_sink (result);

  thaw_mutex_lock (&self->lock);
  g_clear_pointer (&self->outcome_result, g_variant_unref);
  self->outcome_result = result;
  thaw_mutex_unlock (&self->lock);
}

/**
 * thaw_job_state_to_string:
 * @state: a state
 *
 * Returns: (transfer none): the state's nick, such as "succeeded"
 */
const char *
thaw_job_state_to_string (ThawJobState state)
{
  switch (state)
    {
    case THAW_JOB_STATE_QUEUED:
      return "queued";
    case THAW_JOB_STATE_RUNNING:
      return "running";
    case THAW_JOB_STATE_SUCCEEDED:
      return "succeeded";
    case THAW_JOB_STATE_FAILED:
      return "failed";
    case THAW_JOB_STATE_CANCELLED:
      return "cancelled";
    default:
      return "invalid";
    }
}

/* The rest is for the runner. */

gboolean
thaw_job_begin (ThawJob *self)
{
  return g_atomic_int_compare_and_exchange (&self->phase, JOB_PHASE_QUEUED, JOB_PHASE_RUNNING);
}

void
thaw_job_execute (ThawJob *self)
{
  g_autoptr(GError) error = NULL;
  ThawJobState outcome;
  gboolean ok;

  /* Cancelled before the worker came by (from another thread, or before
   * submission): do not start at all. */
  if (thaw_job_set_error_if_cancelled (self, &error))
    ok = FALSE;
  else
    ok = self->func (self, self->func_data, &error);

  if (ok)
    {
      g_clear_error (&error);
      outcome = THAW_JOB_STATE_SUCCEEDED;
    }
  else if (error == NULL)
    {
      g_critical ("Job “%s” failed without setting an error", self->title);
      error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                   "The job failed without saying why");
      outcome = THAW_JOB_STATE_FAILED;
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Stopping when asked is not a failure to show anyone. */
      g_clear_error (&error);
      outcome = THAW_JOB_STATE_CANCELLED;
    }
  else
    {
      outcome = THAW_JOB_STATE_FAILED;
    }

  thaw_mutex_lock (&self->lock);
  self->outcome = outcome;
  self->outcome_error = g_steal_pointer (&error);
  if (outcome != THAW_JOB_STATE_SUCCEEDED)
    g_clear_pointer (&self->outcome_result, g_variant_unref);
  thaw_mutex_unlock (&self->lock);

  g_atomic_int_set (&self->phase, JOB_PHASE_DONE);
}

void
thaw_job_publish_running (ThawJob *self)
{
  if (self->state == THAW_JOB_STATE_QUEUED)
    set_state (self, THAW_JOB_STATE_RUNNING);
}

void
thaw_job_publish_finished (ThawJob *self)
{
  ThawJobState outcome = THAW_JOB_STATE_CANCELLED;
  GError *error = NULL;
  GVariant *result = NULL;
  double fraction;
  char *text;

  /* A job dropped from the queue is announced twice: once when it was
   * cancelled and once when a worker passes it by. */
  if (thaw_job_is_finished (self))
    return;

  thaw_mutex_lock (&self->lock);
  if (g_atomic_int_get (&self->phase) == JOB_PHASE_DONE)
    {
      outcome = self->outcome;
      error = g_steal_pointer (&self->outcome_error);
      result = g_steal_pointer (&self->outcome_result);
    }
  /* The last report wins, even if its delivery had not run yet. */
  fraction = take_latest_locked (self, &text);
  cancel_delivery_locked (self);
  thaw_mutex_unlock (&self->lock);

  set_fraction (self, fraction);
  if (text != NULL)
    take_text (self, text);

  if (error != NULL)
    {
      g_clear_error (&self->error);
      self->error = error;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }

  if (result != NULL)
    {
      g_clear_pointer (&self->result, g_variant_unref);
      self->result = result;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
    }

  /* Last, and not frozen with the others: whoever watches the state finds
   * the progress, error and result already in place. */
  set_state (self, outcome);
}
