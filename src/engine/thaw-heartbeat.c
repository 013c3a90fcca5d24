/* thaw-heartbeat.c — main-loop latency probe
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The heartbeat is a source on a main context that asks to run every few
 * milliseconds and writes down how late it actually ran. A main loop that is
 * free runs it within a tenth of a millisecond; a loop stuck in a long
 * callback runs it only when the callback returns, and the lateness of that
 * one beat is the length of the freeze. Nothing else in Thaw's figures is
 * more direct than that, which is why the meter, the reports and thaw-bench
 * all stand on it.
 *
 * A heartbeat belongs to the thread that runs its context: it takes no locks.
 */

#include "config.h"

#include "thaw-heartbeat.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef HAVE_TIMERFD
#include <sys/timerfd.h>
#endif

/* Enough recent beats for the meter's ten-second graph, with room to spare. */
#define RING_SIZE 4096

struct _ThawHeartbeat
{
  GObject parent_instance;

  guint interval_ms;
  GSource *source;
  /* A timer file descriptor armed for the beat's due time, or -1. */
  int timer_fd;
  gint64 started_at;

  /* Every beat since start or reset, oldest first. */
  GArray *beats;

  /* The most recent beats, for the graph. */
  ThawHeartbeatSample *ring;
  guint ring_head;
  guint ring_len;
};

G_DEFINE_FINAL_TYPE (ThawHeartbeat, thaw_heartbeat, G_TYPE_OBJECT)

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Nearest rank: the smallest value such that at least p % of the samples
 * are at or below it. It is always one of the samples, never an average. */
static double
nearest_rank (const double *sorted,
              gsize         n,
              double        p)
{
  gsize rank = (gsize) ceil (p / 100.0 * (double) n);

  if (rank < 1)
    rank = 1;
  if (rank > n)
    rank = n;

  return sorted[rank - 1];
}

/**
 * thaw_latency_stats_compute:
 * @lateness_ms: (array length=n): samples, in any order
 * @n: number of samples
 * @out: (out caller-allocates): the statistics
 *
 * Computes percentiles, maximum, mean and stall counts of @n samples.
 * With no samples every figure is zero.
 */
void
thaw_latency_stats_compute (const double     *lateness_ms,
                            gsize             n,
                            ThawLatencyStats *out)
{
  g_autofree double *sorted = NULL;
  double sum = 0;

  g_return_if_fail (out != NULL);
  g_return_if_fail (n == 0 || lateness_ms != NULL);

  memset (out, 0, sizeof *out);
  if (n == 0)
    return;

  sorted = g_memdup2 (lateness_ms, n * sizeof (double));
  qsort (sorted, n, sizeof (double), compare_double);

  for (gsize i = 0; i < n; i++)
    {
      sum += sorted[i];
      if (sorted[i] > THAW_FRAME_BUDGET_MS)
        out->stalls_frame++;
      if (sorted[i] > THAW_HANG_MS)
        out->stalls_hang++;
    }

  out->samples = n;
  out->p50_ms = nearest_rank (sorted, n, 50);
  out->p95_ms = nearest_rank (sorted, n, 95);
  out->p99_ms = nearest_rank (sorted, n, 99);
  out->max_ms = sorted[n - 1];
  out->mean_ms = sum / (double) n;
}

/* A source with only a ready time wakes the loop late: GLib gives poll() a
 * timeout in whole milliseconds, rounded up, so a free loop would run each
 * beat up to a millisecond after it was due, and the meter would show that
 * as lateness of the main loop. A timer file descriptor instead becomes
 * readable at the due time to the microsecond, the way an input event's
 * descriptor does when the event arrives: a beat is then late only by what
 * the loop was doing, which is what the meter means to show. The ready time
 * stays set as well; it is what dispatch measures from, and where timerfd
 * is missing, the heartbeat works on it alone. */
static void
set_due (ThawHeartbeat *self,
         gint64         due)
{
  g_source_set_ready_time (self->source, due);
#ifdef HAVE_TIMERFD
  if (self->timer_fd >= 0)
    {
      /* g_get_monotonic_time() is CLOCK_MONOTONIC in microseconds. */
      struct itimerspec spec = {
        .it_value = { .tv_sec = due / G_USEC_PER_SEC, .tv_nsec = (due % G_USEC_PER_SEC) * 1000 },
      };

      if (timerfd_settime (self->timer_fd, TFD_TIMER_ABSTIME, &spec, NULL) != 0)
        g_warning ("Could not arm the heartbeat's timer: %s", g_strerror (errno));
    }
#endif
}

static gboolean
beat_dispatch (GSource     *source,
               GSourceFunc  callback,
               gpointer     user_data)
{
  ThawHeartbeat *self = user_data;
  gint64 due = g_source_get_ready_time (source);
  gint64 now = g_get_monotonic_time ();

  thaw_heartbeat_record (self, now, (double) (now - due) / 1000.0);

  if (self->timer_fd >= 0)
    {
      guint64 expirations;

      /* Take the expiry, or the descriptor stays readable; a beat that ran
       * on its ready time before the descriptor woke has none to take. */
      if (read (self->timer_fd, &expirations, sizeof expirations) < 0 && errno != EAGAIN)
        g_warning ("Could not read the heartbeat's timer: %s", g_strerror (errno));
    }

  /* The next beat is due one interval after this one really ran, not after
   * it was due: after a freeze the heartbeat does not fire a burst of
   * catch-up beats that would hide the freeze among many small numbers. */
  set_due (self, now + (gint64) self->interval_ms * 1000);

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs beat_funcs = {
  .dispatch = beat_dispatch,
};

static void
thaw_heartbeat_finalize (GObject *object)
{
  ThawHeartbeat *self = THAW_HEARTBEAT (object);

  thaw_heartbeat_stop (self);
  g_clear_pointer (&self->beats, g_array_unref);
  g_clear_pointer (&self->ring, g_free);

  G_OBJECT_CLASS (thaw_heartbeat_parent_class)->finalize (object);
}

static void
thaw_heartbeat_class_init (ThawHeartbeatClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = thaw_heartbeat_finalize;
}

static void
thaw_heartbeat_init (ThawHeartbeat *self)
{
  self->interval_ms = THAW_HEARTBEAT_INTERVAL_MS;
  self->timer_fd = -1;
  self->beats = g_array_new (FALSE, FALSE, sizeof (ThawHeartbeatSample));
  self->ring = g_new0 (ThawHeartbeatSample, RING_SIZE);
  self->started_at = g_get_monotonic_time ();
}

/**
 * thaw_heartbeat_new:
 * @interval_ms: how often to beat; 0 for the default of 10 ms
 *
 * Returns: (transfer full): a stopped heartbeat
 */
ThawHeartbeat *
thaw_heartbeat_new (guint interval_ms)
{
  ThawHeartbeat *self = g_object_new (THAW_TYPE_HEARTBEAT, NULL);

  if (interval_ms > 0)
    self->interval_ms = interval_ms;

  return self;
}

guint
thaw_heartbeat_get_interval_ms (ThawHeartbeat *self)
{
  g_return_val_if_fail (THAW_IS_HEARTBEAT (self), 0);

  return self->interval_ms;
}

/**
 * thaw_heartbeat_set_interval_ms:
 * @self: a heartbeat
 * @interval_ms: how often to beat from now on, at least 1
 *
 * Changes how often the heartbeat beats. Lateness is always measured from
 * the time each beat was due, so a slow heartbeat still measures a freeze:
 * the beat due during it runs when it ends, late by the part of the freeze
 * after its due time, which is all but at most one interval of it.
 *
 * A shorter interval takes effect at once: a beat due later than one new
 * interval from now is brought forward, so a freeze that begins right after
 * this call is measured whole.
 */
void
thaw_heartbeat_set_interval_ms (ThawHeartbeat *self,
                                guint          interval_ms)
{
  g_return_if_fail (THAW_IS_HEARTBEAT (self));
  g_return_if_fail (interval_ms > 0);

  self->interval_ms = interval_ms;

  if (self->source != NULL)
    {
      gint64 soonest = g_get_monotonic_time () + (gint64) interval_ms * 1000;

      if (g_source_get_ready_time (self->source) > soonest)
        set_due (self, soonest);
    }
}

/**
 * thaw_heartbeat_start:
 * @self: a heartbeat
 * @context: (nullable): the context to measure, %NULL for the default one
 *
 * Starts beating on @context. The heartbeat must then be used only from the
 * thread that iterates @context.
 */
void
thaw_heartbeat_start (ThawHeartbeat *self,
                      GMainContext  *context)
{
  g_return_if_fail (THAW_IS_HEARTBEAT (self));

  if (self->source != NULL)
    return;

  self->source = g_source_new (&beat_funcs, sizeof (GSource));
  g_source_set_static_name (self->source, "[thaw] heartbeat");
  g_source_set_priority (self->source, G_PRIORITY_DEFAULT);
  /* The source holds no reference: stop() or finalize() destroys it. */
  g_source_set_callback (self->source, NULL, self, NULL);
#ifdef HAVE_TIMERFD
  self->timer_fd = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (self->timer_fd >= 0)
    g_source_add_unix_fd (self->source, self->timer_fd, G_IO_IN);
#endif
  set_due (self, g_get_monotonic_time () + (gint64) self->interval_ms * 1000);
  g_source_attach (self->source, context);
  self->started_at = g_get_monotonic_time ();
}

void
thaw_heartbeat_stop (ThawHeartbeat *self)
{
  g_return_if_fail (THAW_IS_HEARTBEAT (self));

  if (self->source == NULL)
    return;

  g_source_destroy (self->source);
  g_clear_pointer (&self->source, g_source_unref);
  if (self->timer_fd >= 0)
    {
      close (self->timer_fd);
      self->timer_fd = -1;
    }
}

gboolean
thaw_heartbeat_is_running (ThawHeartbeat *self)
{
  g_return_val_if_fail (THAW_IS_HEARTBEAT (self), FALSE);

  return self->source != NULL;
}

/**
 * thaw_heartbeat_reset:
 * @self: a heartbeat
 *
 * Forgets every beat so far; statistics start again from now.
 */
void
thaw_heartbeat_reset (ThawHeartbeat *self)
{
  g_return_if_fail (THAW_IS_HEARTBEAT (self));

  g_array_set_size (self->beats, 0);
  self->ring_head = 0;
  self->ring_len = 0;
  self->started_at = g_get_monotonic_time ();
}

/**
 * thaw_heartbeat_record:
 * @self: a heartbeat
 * @time_us: monotonic time of the beat
 * @lateness_ms: how late it was
 *
 * Adds one beat. The running heartbeat calls this itself; it is public so
 * that tests can feed known samples.
 */
void
thaw_heartbeat_record (ThawHeartbeat *self,
                       gint64         time_us,
                       double         lateness_ms)
{
  ThawHeartbeatSample sample = { time_us, MAX (lateness_ms, 0.0) };

  g_return_if_fail (THAW_IS_HEARTBEAT (self));

  g_array_append_val (self->beats, sample);

  self->ring[self->ring_head] = sample;
  self->ring_head = (self->ring_head + 1) % RING_SIZE;
  if (self->ring_len < RING_SIZE)
    self->ring_len++;
}

/* Index of the first beat at or after @since_us (beats are in time order). */
static guint
first_beat_since (ThawHeartbeat *self,
                  gint64         since_us)
{
  guint lo = 0;
  guint hi = self->beats->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (self->beats, ThawHeartbeatSample, mid).time_us < since_us)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

/**
 * thaw_heartbeat_get_stats_since:
 * @self: a heartbeat
 * @since_us: monotonic time; beats before it are left out
 * @out: (out caller-allocates): the statistics
 */
void
thaw_heartbeat_get_stats_since (ThawHeartbeat    *self,
                                gint64            since_us,
                                ThawLatencyStats *out)
{
  g_autofree double *lateness = NULL;
  guint first;
  gsize n;

  g_return_if_fail (THAW_IS_HEARTBEAT (self));
  g_return_if_fail (out != NULL);

  first = first_beat_since (self, since_us);
  n = self->beats->len - first;
  lateness = g_new (double, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    lateness[i] = g_array_index (self->beats, ThawHeartbeatSample, first + i).lateness_ms;

  thaw_latency_stats_compute (lateness, n, out);
}

/**
 * thaw_heartbeat_get_stats:
 * @self: a heartbeat
 * @out: (out caller-allocates): statistics of every beat since start or reset
 */
void
thaw_heartbeat_get_stats (ThawHeartbeat    *self,
                          ThawLatencyStats *out)
{
  thaw_heartbeat_get_stats_since (self, G_MININT64, out);
}

/**
 * thaw_heartbeat_copy_recent:
 * @self: a heartbeat
 * @since_us: monotonic time; older beats are left out
 * @out: (array length=max) (out caller-allocates): where to copy
 * @max: room in @out
 *
 * Copies the most recent beats, oldest first, as far back as @since_us and
 * as many as fit.
 *
 * Returns: the number of beats copied
 */
guint
thaw_heartbeat_copy_recent (ThawHeartbeat       *self,
                            gint64               since_us,
                            ThawHeartbeatSample *out,
                            guint                max)
{
  guint count = 0;

  g_return_val_if_fail (THAW_IS_HEARTBEAT (self), 0);

  /* Walk back from the newest to find how many qualify. */
  while (count < self->ring_len && count < max)
    {
      guint idx = (self->ring_head + RING_SIZE - 1 - count) % RING_SIZE;

      if (self->ring[idx].time_us < since_us)
        break;
      count++;
    }

  for (guint i = 0; i < count; i++)
    out[i] = self->ring[(self->ring_head + RING_SIZE - count + i) % RING_SIZE];

  return count;
}

/**
 * thaw_heartbeat_get_started_at:
 * @self: a heartbeat
 *
 * Returns: the monotonic time of the last start or reset
 */
gint64
thaw_heartbeat_get_started_at (ThawHeartbeat *self)
{
  g_return_val_if_fail (THAW_IS_HEARTBEAT (self), 0);

  return self->started_at;
}

/**
 * thaw_heartbeat_get_next_due:
 * @self: a heartbeat
 *
 * Returns: the monotonic time the next beat is due, or -1 when stopped
 */
gint64
thaw_heartbeat_get_next_due (ThawHeartbeat *self)
{
  g_return_val_if_fail (THAW_IS_HEARTBEAT (self), -1);

  return self->source != NULL ? g_source_get_ready_time (self->source) : -1;
}
