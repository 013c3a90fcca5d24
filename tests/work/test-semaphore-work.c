/* test-semaphore-work.c — semaphore-work.c on a plain GMainLoop, no GTK
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TSan build runs this too: the semaphore, the pool's hand-offs and
 * the counts in the lesson's own code are then checked.
 *
 *   to-the-end          both ways, for several limits: every job runs,
 *                       exactly N at once at most (by the counts and by
 *                       the lanes), a thread per job or N threads; news on
 *                       the main thread, in order, the last one once; every
 *                       thread joined
 *   stop                Stop halfway: waiting jobs give up at once, every
 *                       job is accounted for, fewer worked to the end
 *   free-while-running  freeing mid-run joins every thread at once, and
 *                       calls nobody afterwards
 *   no-limit            the wrong way: with no semaphore, more than N jobs
 *                       run at once (by the counts and by the lanes), a
 *                       thread per job, every one joined
 */

#include "config.h"

#include <glib.h>

#include "semaphore-work.h"
#include "work-test-util.h"

/* The shortest job: 30 to 55 ms natively, a tenth of the lesson's. Under a
 * sanitizer, starting a thread can take tens of milliseconds: the jobs last
 * longer there, or the first ones could end before the last ones start, and
 * N would never run at once. */
#define JOB_MS ((guint) (30 * work_test_time_scale () * work_test_time_scale ()))

typedef struct
{
  GThread *main_thread;
  gboolean limited;         /* FALSE for the wrong way, which has no limit */
  guint deliveries;
  guint finished;
  gboolean in_order;
  SemaphoreNews last;
} Progress;

static void
record (const SemaphoreNews *news,
        gpointer             user_data)
{
  Progress *progress = user_data;

  g_assert_true (g_thread_self () == progress->main_thread);
  g_assert_cmpuint (progress->finished, ==, 0);   /* nothing after the last */
  if (progress->limited)
    {
      g_assert_cmpuint (news->running, <=, news->limit);
      g_assert_cmpuint (news->max_running, <=, news->limit);
    }
  g_assert_cmpuint (news->completed, <=, news->done);
  g_assert_cmpuint (news->done, <=, news->n_jobs);
  if (news->done < progress->last.done || news->max_running < progress->last.max_running)
    progress->in_order = FALSE;
  progress->deliveries++;
  progress->last = *news;
  if (news->finished)
    progress->finished++;
}

static gboolean
is_finished (gpointer data)
{
  return ((Progress *) data)->finished > 0;
}

static gboolean
is_running (gpointer data)
{
  return ((Progress *) data)->last.running > 0;
}

static gboolean
is_halfway (gpointer data)
{
  return ((Progress *) data)->last.completed >= 3;
}

/* The job threads, or the pool's: GLib names them "pool-" and the program. */
static guint
count_threads (void)
{
  return work_test_count_threads ("thaw-semaphore") + work_test_count_threads ("pool");
}

static void
wait_for_threads (void)
{
  work_test_wait_for_threads ("thaw-semaphore", 0);
  work_test_wait_for_threads ("pool", 0);
}

static SemaphoreWork *
start (Progress      *progress,
       SemaphoreWay   way,
       guint          n_jobs,
       guint          limit,
       ThawTimeline **timeline)
{
  g_autoptr(GError) error = NULL;
  SemaphoreWork *work;

  *timeline = thaw_timeline_new (0);
  for (guint i = 0; i < n_jobs; i++)
    thaw_timeline_add_lane (*timeline, "job");
  *progress = (Progress) {
    .main_thread = g_thread_self (),
    .limited = way != SEMAPHORE_WAY_NO_LIMIT,
    .in_order = TRUE,
  };
  work = semaphore_work_start (way, n_jobs, limit, JOB_MS, *timeline, record, progress, &error);
  g_assert_no_error (error);
  g_assert_nonnull (work);

  return work;
}

/* Replays the timeline: the most lanes running at the same moment. Every
 * lane ends finished, once. */
static guint
max_running_lanes (ThawTimeline *timeline)
{
  guint n_lanes = thaw_timeline_get_n_lanes (timeline);
  g_autofree ThawTimelineEvent *events = g_new (ThawTimelineEvent, 1024);
  g_autofree ThawLaneState *states = g_new (ThawLaneState, n_lanes);
  guint n_events, running = 0, max_running = 0, n_finished = 0;

  for (guint i = 0; i < n_lanes; i++)
    states[i] = THAW_LANE_SLEEPING;   /* "not started", for this replay */

  n_events = thaw_timeline_copy_events (timeline, G_MININT64, events, 1024);
  g_assert_cmpuint (n_events, <, 1024);
  for (guint i = 0; i < n_events; i++)
    {
      g_assert_cmpuint (events[i].lane, <, n_lanes);
      if (states[events[i].lane] == THAW_LANE_RUNNING)
        running--;
      if (events[i].state == THAW_LANE_RUNNING)
        running++;
      if (events[i].state == THAW_LANE_FINISHED)
        n_finished++;
      states[events[i].lane] = events[i].state;
      max_running = MAX (max_running, running);
    }
  g_assert_cmpuint (n_finished, ==, n_lanes);
  g_assert_cmpuint (running, ==, 0);

  return max_running;
}

static void
check_to_the_end (SemaphoreWay way,
                  guint        n_jobs,
                  guint        limit)
{
  Progress progress;
  g_autoptr(ThawTimeline) timeline = NULL;
  g_autoptr(SemaphoreWork) work = start (&progress, way, n_jobs, limit, &timeline);

  work_test_iterate_until (is_finished, &progress, 30);
  g_test_message ("%s, %u jobs, at most %u: %u deliveries, %u threads",
                  way == SEMAPHORE_WAY_POOL ? "pool" : "semaphore", n_jobs, limit,
                  progress.deliveries, progress.last.threads_used);

  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_true (progress.in_order);
  g_assert_false (progress.last.stopped);
  g_assert_cmpuint (progress.last.n_jobs, ==, n_jobs);
  g_assert_cmpuint (progress.last.limit, ==, limit);
  g_assert_cmpuint (progress.last.done, ==, n_jobs);
  g_assert_cmpuint (progress.last.completed, ==, n_jobs);
  g_assert_cmpuint (progress.last.running, ==, 0);
  /* Never more than N, and N did run together: the jobs start within
   * milliseconds and last JOB_MS or more. */
  g_assert_cmpuint (progress.last.max_running, ==, limit);
  g_assert_cmpuint (max_running_lanes (timeline), ==, limit);
  /* The semaphore costs a thread per job; the pool has only N. */
  if (way == SEMAPHORE_WAY_SEMAPHORE)
    g_assert_cmpuint (progress.last.threads_used, ==, n_jobs);
  else
    g_assert_cmpuint (progress.last.threads_used, <=, limit);

  /* Joined (or the pool freed) before the last news: gone from /proc. */
  wait_for_threads ();
  work_test_iterate_for (0.05);
  g_assert_cmpuint (progress.finished, ==, 1);
}

static void
test_to_the_end (gconstpointer data)
{
  SemaphoreWay way = GPOINTER_TO_UINT (data);

  g_assert_cmpuint (count_threads (), ==, 0);
  check_to_the_end (way, 3, 1);
  check_to_the_end (way, 12, 3);
  check_to_the_end (way, 6, 4);
}

static void
test_stop (gconstpointer data)
{
  SemaphoreWay way = GPOINTER_TO_UINT (data);
  Progress progress;
  g_autoptr(ThawTimeline) timeline = NULL;
  g_autoptr(SemaphoreWork) work = start (&progress, way, 30, 3, &timeline);
  gint64 stopped_at;

  work_test_iterate_until (is_halfway, &progress, 10);
  stopped_at = g_get_monotonic_time ();
  semaphore_work_stop (work);
  work_test_iterate_until (is_finished, &progress, 10);
  g_test_message ("stopped in %.1f ms, %u of 30 worked to the end",
                  (g_get_monotonic_time () - stopped_at) / 1000.0, progress.last.completed);

  g_assert_true (progress.last.stopped);
  g_assert_cmpuint (progress.finished, ==, 1);
  /* Each job ran or gave up: none is left hanging. */
  g_assert_cmpuint (progress.last.done, ==, 30);
  g_assert_cmpuint (progress.last.completed, >=, 3);
  g_assert_cmpuint (progress.last.completed, <, 30);
  g_assert_cmpuint (progress.last.max_running, <=, 3);
  g_assert_cmpuint (max_running_lanes (timeline), <=, 3);
  g_assert_cmpint (g_get_monotonic_time () - stopped_at, <, G_USEC_PER_SEC / 2 * work_test_time_scale ());
  wait_for_threads ();
}

static void
test_free_while_running (gconstpointer data)
{
  SemaphoreWay way = GPOINTER_TO_UINT (data);
  Progress progress;
  g_autoptr(ThawTimeline) timeline = NULL;
  SemaphoreWork *work = start (&progress, way, 30, 2, &timeline);
  guint deliveries;
  gint64 start_us;

  work_test_iterate_until (is_running, &progress, 10);
  /* Let the jobs ring again, for a delivery the loop has not run. */
  g_usleep (20 * 1000);
  deliveries = progress.deliveries;

  start_us = g_get_monotonic_time ();
  semaphore_work_free (work);
  g_test_message ("freed mid-run in %.1f ms", (g_get_monotonic_time () - start_us) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - start_us, <, G_USEC_PER_SEC / 2 * work_test_time_scale ());
  wait_for_threads ();

  /* The scheduled delivery was removed: nobody is called. */
  work_test_iterate_for (0.1);
  g_assert_cmpuint (progress.deliveries, ==, deliveries);
  g_assert_cmpuint (progress.finished, ==, 0);
}

/* The wrong way: nothing keeps the jobs out, and more than N run at once.
 * Their threads start one after another, so the first job could in theory
 * end before the last starts: the test asks for more than N, not for all
 * M, and the jobs last far longer than starting six threads takes. */
static void
test_no_limit (void)
{
  const guint n_jobs = 6, limit = 2;
  Progress progress;
  g_autoptr(ThawTimeline) timeline = NULL;
  g_autoptr(SemaphoreWork) work = start (&progress, SEMAPHORE_WAY_NO_LIMIT, n_jobs, limit, &timeline);
  guint lanes_max;

  work_test_iterate_until (is_finished, &progress, 30);
  lanes_max = max_running_lanes (timeline);
  g_test_message ("no limit, %u jobs, limit %u: %u at once (lanes %u), %u threads",
                  n_jobs, limit, progress.last.max_running, lanes_max, progress.last.threads_used);

  g_assert_cmpuint (progress.finished, ==, 1);
  g_assert_true (progress.in_order);
  g_assert_false (progress.last.stopped);
  g_assert_cmpuint (progress.last.done, ==, n_jobs);
  g_assert_cmpuint (progress.last.completed, ==, n_jobs);
  g_assert_cmpuint (progress.last.running, ==, 0);
  /* Over capacity, by the lesson's own count and by the lanes alike. */
  g_assert_cmpuint (progress.last.max_running, >, limit);
  g_assert_cmpuint (progress.last.max_running, <=, n_jobs);
  g_assert_cmpuint (lanes_max, >, limit);
  g_assert_cmpuint (progress.last.threads_used, ==, n_jobs);

  wait_for_threads ();
}

int
main (int   argc,
      char *argv[])
{
  static const struct { const char *name; SemaphoreWay way; } ways[] = {
    { "semaphore", SEMAPHORE_WAY_SEMAPHORE },
    { "pool", SEMAPHORE_WAY_POOL },
  };

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (ways); i++)
    {
      gconstpointer way = GUINT_TO_POINTER (ways[i].way);
      g_autofree char *to_the_end = g_strdup_printf ("/work/semaphore/to-the-end/%s", ways[i].name);
      g_autofree char *stop = g_strdup_printf ("/work/semaphore/stop/%s", ways[i].name);
      g_autofree char *free_running = g_strdup_printf ("/work/semaphore/free-while-running/%s", ways[i].name);

      g_test_add_data_func (to_the_end, way, test_to_the_end);
      g_test_add_data_func (stop, way, test_stop);
      g_test_add_data_func (free_running, way, test_free_while_running);
    }
  g_test_add_func ("/work/semaphore/no-limit", test_no_limit);

  return g_test_run ();
}
