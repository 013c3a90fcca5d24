/* thaw-latest.c — hand the latest value from any thread to the main loop
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The hand-off most lessons need, in one place:
 *
 *   worker: thaw_latest_publish (v)       main thread: the delivery
 *     lock                                  lock
 *     replace the pending value by v        take the pending value
 *     if no delivery is scheduled:          "no delivery is scheduled"
 *       schedule one (an idle source)       unlock
 *     unlock                                call deliver (value), free it
 *     free the value it replaced
 *
 * However often a worker publishes, at most one delivery waits on the main
 * context, and it hands over the newest value: the others were replaced
 * (and freed) unseen. Deliveries come at most once a frame (16.7 ms after
 * the previous one), below input but above drawing, so that the frame that
 * follows shows the value. A value published after a delivery took its
 * value schedules the next one, so the last value published is always
 * delivered.
 * After thaw_latest_close() nothing is delivered any more: the owner calls
 * it when it goes away, and a delivery already scheduled runs and calls
 * nobody. The lock is a GMutex that ThreadSanitizer is told about
 * (thaw-tsan.h), so a value published without it would be reported.
 */

#include "config.h"

#include "thaw-latest.h"
#include "thaw-stalls.h"
#include "thaw-tsan.h"

struct _ThawLatest
{
  /* g_atomic_int_*() and not gatomicrefcount: the macros compile to atomic
   * instructions in Thaw's own code, which ThreadSanitizer sees, so a
   * worker may drop the last reference. */
  int ref_count;
  GMainContext *context;
  ThawLatestFunc deliver;
  const char *deliver_name;     /* "file.c: function", for thaw-stalls.c */
  gpointer user_data;
  GDestroyNotify value_free;

  GMutex lock;
  /* Under the lock: */
  gpointer pending;         /* the newest value, not delivered yet */
  gboolean has_pending;
  GSource *delivery;        /* scheduled and not run yet, or NULL */
  gboolean closed;
  guint64 n_published;
  guint64 n_delivered;
  gint64 last_delivery_us;  /* when the last delivery ran */
};

/**
 * thaw_latest_ref:
 * @self: a hand-off
 *
 * Any thread. A thread that publishes holds a reference of its own, so
 * that the hand-off outlives its owner's thaw_latest_close() for as long
 * as the thread still runs.
 *
 * Returns: @self
 */
ThawLatest *
thaw_latest_ref (ThawLatest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_int_inc (&self->ref_count);
  return self;
}

static void
drop_value (ThawLatest *self,
            gpointer    value)
{
  if (value != NULL && self->value_free != NULL)
    self->value_free (value);
}

/**
 * thaw_latest_unref:
 * @self: a hand-off
 *
 * Any thread: drops a reference taken with thaw_latest_ref(). The owner
 * gives its own back with thaw_latest_close() instead.
 */
void
thaw_latest_unref (ThawLatest *self)
{
  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;

  /* Closed already: nothing is pending and no delivery is scheduled. */
  g_mutex_clear (&self->lock);
  g_main_context_unref (self->context);
  g_free (self);
}

static gboolean
deliver_cb (gpointer data)
{
  ThawLatest *self = data;
  gpointer value;
  gboolean has_value, closed;
  GSource *delivery;

  thaw_mutex_lock (&self->lock);
  value = g_steal_pointer (&self->pending);
  has_value = self->has_pending;
  self->has_pending = FALSE;
  /* From here on, a new value schedules a new delivery. */
  delivery = g_steal_pointer (&self->delivery);
  closed = self->closed;
  if (has_value && !closed)
    self->n_delivered++;
  self->last_delivery_us = g_get_monotonic_time ();
  thaw_mutex_unlock (&self->lock);

  if (delivery != NULL)
    g_source_unref (delivery);

  if (has_value && !closed)
    {
      guint scope = thaw_stalls_begin (self->deliver_name);

      self->deliver (value, self->user_data);
      thaw_stalls_end (scope);
    }
  drop_value (self, value);

  return G_SOURCE_REMOVE;
}

/**
 * thaw_latest_new_named:
 * @name: what @deliver is called where stalls are named; thaw_latest_new()
 *   gives the name of its source file and function
 * @deliver: receives each delivered value
 * @user_data: for @deliver
 * @value_free: (nullable): frees a value once delivered or replaced
 *
 * Makes a hand-off to the thread-default main context of the calling
 * thread (the main loop's, on the main thread).
 *
 * Returns: (transfer full): the hand-off; give it back with
 *   thaw_latest_close()
 */
ThawLatest *
thaw_latest_new_named (const char     *name,
                       ThawLatestFunc  deliver,
                       gpointer        user_data,
                       GDestroyNotify  value_free)
{
  ThawLatest *self;

  g_return_val_if_fail (deliver != NULL, NULL);

  self = g_new0 (ThawLatest, 1);
  self->ref_count = 1;
  self->context = g_main_context_ref_thread_default ();
  self->deliver = deliver;
  self->deliver_name = name;
  self->user_data = user_data;
  self->value_free = value_free;
  g_mutex_init (&self->lock);

  return self;
}

/**
 * thaw_latest_publish:
 * @self: a hand-off
 * @value: (transfer full): the newest value
 *
 * Any thread. Replaces the value waiting for delivery, if any, and makes
 * sure a delivery is scheduled. Cheap: a lock, and at most one idle source
 * per delivery. After thaw_latest_close() the value is only freed.
 */
void
thaw_latest_publish (ThawLatest *self,
                     gpointer    value)
{
  gpointer replaced = NULL;

  g_return_if_fail (self != NULL);

  thaw_mutex_lock (&self->lock);
  self->n_published++;
  if (self->closed)
    replaced = value;
  else
    {
      replaced = self->has_pending ? self->pending : NULL;
      self->pending = value;
      self->has_pending = TRUE;
      if (self->delivery == NULL)
        {
          /* Attached under the lock, so that thaw_latest_close() finds it
           * either not made yet or attached. (No deadlock: the main
           * context never holds its own lock while it runs a callback.)
           * The source holds a reference, so the hand-off outlives it. */
          gint64 wait_us = self->last_delivery_us + THAW_LATEST_INTERVAL_US - g_get_monotonic_time ();

          /* No sooner than a frame after the last delivery: a screen shows
           * no more than one change per frame. */
          self->delivery = wait_us > 0 ? g_timeout_source_new ((guint) ((wait_us + 999) / 1000))
                                       : g_idle_source_new ();
          /* Above GDK's drawing (G_PRIORITY_HIGH_IDLE + 20): paced as it
           * is, it cannot keep frames out, while an idle below drawing
           * waited as long as frames came back to back, which they do
           * wherever a frame takes longer than a frame's time (a slow
           * machine, the ASan build: there news came a second late). */
          g_source_set_priority (self->delivery, G_PRIORITY_HIGH_IDLE + 10);
          g_source_set_static_name (self->delivery, "[thaw] latest value");
          g_source_set_callback (self->delivery, deliver_cb, thaw_latest_ref (self),
                                 (GDestroyNotify) thaw_latest_unref);
          g_source_attach (self->delivery, self->context);
        }
    }
  thaw_mutex_unlock (&self->lock);

  drop_value (self, replaced);
}

/**
 * thaw_latest_close:
 * @self: (transfer full): a hand-off
 *
 * On the main context's thread, when the owner goes away: nothing is
 * delivered from now on. A value waiting is freed, a delivery already
 * scheduled is removed, and values published later are freed unseen.
 */
void
thaw_latest_close (ThawLatest *self)
{
  gpointer pending;
  GSource *delivery;

  if (self == NULL)
    return;

  thaw_mutex_lock (&self->lock);
  self->closed = TRUE;
  pending = self->has_pending ? g_steal_pointer (&self->pending) : NULL;
  self->has_pending = FALSE;
  delivery = g_steal_pointer (&self->delivery);
  thaw_mutex_unlock (&self->lock);

  if (delivery != NULL)
    {
      g_source_destroy (delivery);
      g_source_unref (delivery);
    }
  drop_value (self, pending);

  thaw_latest_unref (self);
}

/**
 * thaw_latest_get_n_published:
 * @self: a hand-off
 *
 * Returns: how many values were published
 */
guint64
thaw_latest_get_n_published (ThawLatest *self)
{
  guint64 n;

  g_return_val_if_fail (self != NULL, 0);

  thaw_mutex_lock (&self->lock);
  n = self->n_published;
  thaw_mutex_unlock (&self->lock);

  return n;
}

/**
 * thaw_latest_get_n_delivered:
 * @self: a hand-off
 *
 * Returns: how many values reached the deliver function
 */
guint64
thaw_latest_get_n_delivered (ThawLatest *self)
{
  guint64 n;

  g_return_val_if_fail (self != NULL, 0);

  thaw_mutex_lock (&self->lock);
  n = self->n_delivered;
  thaw_mutex_unlock (&self->lock);

  return n;
}
