/* test-thread-local-work.c — thread-local-work.c on a plain GMainLoop, no GTK
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TSan build runs this too: every hand-off between the threads (and
 * their destroy notifies) and the main thread is then checked.
 *
 *   runs-to-the-end     the news arrives on the main thread, the last one
 *                       once; each thread's own counter ends at exactly its
 *                       own lines, and each destroy notify ran once; the
 *                       notifies arrive as the threads exit; all joined
 *   coalesced           a main loop that looks only after every thread
 *                       exited gets one delivery, with the final figures
 *   stop                Stop ends the run early, every notify still runs
 *   free-while-running  freeing the job joins its threads, and a delivery
 *                       already scheduled calls nobody; both ways (the
 *                       wrong way's scratches are the job's to free)
 *   free-from-news      the news function may free the job on the last
 *                       news, as the page does
 *   shared-global       the wrong way: with one global for every thread,
 *                       reads find another thread's value, measured (and
 *                       none with a single thread); the right way's count
 *                       of such reads is 0 (runs-to-the-end)
 */

#include "config.h"

#include <glib.h>

#include "thread-local-work.h"
#include "work-test-util.h"

#define THREAD_NAME "thaw-scratch"

/* Small jobs: thread 1 formats 10 lines and the last 40, one every 5 ms,
 * so they end 50 ms apart, in 200 ms at most. */
#define FEWEST 10
#define MOST 40
#define LINE_US 5000

typedef struct
{
  GThread *main_thread;
  guint deliveries;
  guint finished;
  gboolean saw_some_notifies;   /* some threads exited, some still ran */
  gboolean in_order;
  TlsNews last;
} Received;

static void
record (const TlsNews *news,
        gpointer       user_data)
{
  Received *received = user_data;

  g_assert_true (g_thread_self () == received->main_thread);
  g_assert_cmpuint (received->finished, ==, 0);   /* nothing after the last */
  if (news->destroy_notifies < received->last.destroy_notifies)
    received->in_order = FALSE;
  for (guint i = 0; i < news->n_threads; i++)
    {
      if (news->threads[i].lines < received->last.threads[i].lines ||
          news->threads[i].mixed < received->last.threads[i].mixed)
        received->in_order = FALSE;
      /* A read that found another thread's value is a read. */
      g_assert_cmpint (news->threads[i].mixed, <=, news->threads[i].lines);
    }
  if (news->destroy_notifies > 0 && news->destroy_notifies < news->n_threads)
    received->saw_some_notifies = TRUE;

  received->deliveries++;
  received->last = *news;
  if (news->finished)
    received->finished++;
}

static void
received_init (Received *received)
{
  *received = (Received) { .main_thread = g_thread_self (), .in_order = TRUE };
}

static gboolean
is_finished (gpointer data)
{
  return ((Received *) data)->finished > 0;
}

/* Every thread has formatted a line at least. */
static gboolean
all_have_lines (gpointer data)
{
  Received *received = data;

  for (guint i = 0; i < received->last.n_threads; i++)
    if (received->last.threads[i].lines == 0)
      return FALSE;

  return received->deliveries > 0;
}

/* One notify per thread, and per thread exactly one. */
static void
assert_one_notify_each (const TlsNews *news,
                        guint          n_threads)
{
  g_assert_cmpuint (news->n_threads, ==, n_threads);
  g_assert_cmpuint (news->destroy_notifies, ==, n_threads);
  for (guint i = 0; i < n_threads; i++)
    g_assert_cmpint (news->threads[i].notifies, ==, 1);
}

static void
test_runs_to_the_end (void)
{
  const guint n_threads = 4;
  Received received;
  g_autoptr(TlsWork) work = NULL;
  g_autoptr(GError) error = NULL;

  received_init (&received);
  work = tls_work_start (TLS_WAY_PRIVATE, n_threads, FEWEST, MOST, LINE_US, record, &received, &error);
  g_assert_no_error (error);
  g_assert_nonnull (work);
  g_assert_cmpuint (tls_work_get_news (work)->n_threads, ==, n_threads);
  g_assert_false (tls_work_get_news (work)->finished);

  work_test_iterate_until (is_finished, &received, 20);
  g_test_message ("%u deliveries for %u lines", received.deliveries, 4 * (FEWEST + MOST) / 2);

  g_assert_cmpuint (received.finished, ==, 1);
  g_assert_true (received.in_order);
  g_assert_true (received.saw_some_notifies);
  g_assert_false (received.last.stopped);
  assert_one_notify_each (&received.last, n_threads);

  /* Each thread counted its own lines and nobody else's: 10, 20, 30, 40. */
  for (guint i = 0; i < n_threads; i++)
    {
      g_assert_cmpint (received.last.threads[i].planned, ==, FEWEST + (MOST - FEWEST) * i / (n_threads - 1));
      g_assert_cmpint (received.last.threads[i].lines, ==, received.last.threads[i].planned);
      g_assert_cmpint (received.last.threads[i].notify_delay_us, >=, 0);
      /* The GPrivate never handed a thread another's scratch. */
      g_assert_cmpint (received.last.threads[i].mixed, ==, 0);
      g_assert_true (received.last.threads[i].exited);
    }
  g_assert_cmpuint (received.last.reads, ==, 4 * (FEWEST + MOST) / 2);
  g_assert_cmpuint (received.last.mixed, ==, 0);

  /* Joined by the last delivery, before it called back. */
  work_test_wait_for_threads (THREAD_NAME, 0);

  /* Nothing comes after the last news. */
  work_test_iterate_for (0.1);
  g_assert_cmpuint (received.finished, ==, 1);
}

/* However often the threads ring, at most one delivery waits, and it reads
 * the figures as they are when it runs. */
static void
test_coalesced (void)
{
  const guint n_threads = 3;
  Received received;
  g_autoptr(TlsWork) work = NULL;

  received_init (&received);
  work = tls_work_start (TLS_WAY_PRIVATE, n_threads, 2 * FEWEST, 2 * FEWEST, LINE_US, record, &received, NULL);
  g_assert_nonnull (work);

  /* The main loop looks away until every thread has exited (its notify
   * ran before it left /proc), after 60 lines and 3 notifies. A thread
   * takes its name as it starts, so first wait until all have one. */
  work_test_wait_for_threads (THREAD_NAME, n_threads);
  work_test_wait_for_threads (THREAD_NAME, 0);
  g_assert_cmpuint (received.deliveries, ==, 0);

  work_test_iterate_until (is_finished, &received, 10);
  g_assert_cmpuint (received.deliveries, ==, 1);
  g_assert_cmpuint (received.finished, ==, 1);
  assert_one_notify_each (&received.last, n_threads);
  for (guint i = 0; i < n_threads; i++)
    g_assert_cmpint (received.last.threads[i].lines, ==, 2 * FEWEST);
}

static void
test_stop (void)
{
  const guint n_threads = 6;
  Received received;
  g_autoptr(TlsWork) work = NULL;

  received_init (&received);
  /* Seconds of work, stopped once every thread has some lines. */
  work = tls_work_start (TLS_WAY_PRIVATE, n_threads, 200, 400, LINE_US, record, &received, NULL);
  g_assert_nonnull (work);
  work_test_iterate_until (all_have_lines, &received, 20);
  g_assert_cmpuint (work_test_count_threads (THREAD_NAME), ==, n_threads);

  tls_work_stop (work);
  work_test_iterate_until (is_finished, &received, 10);

  g_assert_true (received.last.stopped);
  g_assert_cmpuint (received.finished, ==, 1);
  assert_one_notify_each (&received.last, n_threads);
  for (guint i = 0; i < n_threads; i++)
    {
      g_assert_cmpint (received.last.threads[i].lines, >, 0);
      g_assert_cmpint (received.last.threads[i].lines, <, received.last.threads[i].planned);
    }
  work_test_wait_for_threads (THREAD_NAME, 0);
}

static void
test_free_while_running (gconstpointer data)
{
  TlsWay way = GPOINTER_TO_UINT (data);
  Received received;
  TlsWork *work;

  received_init (&received);
  work = tls_work_start (way, TLS_MAX_THREADS, 200, 400, LINE_US, record, &received, NULL);
  g_assert_nonnull (work);
  /* Let the threads schedule a delivery that the main loop has not run. */
  g_usleep (50 * 1000);

  tls_work_free (work);
  /* Joined: the threads are gone when free returns (give /proc a moment). */
  work_test_wait_for_threads (THREAD_NAME, 0);

  /* The scheduled delivery was removed, and the notifies that ran during
   * the joins scheduled nothing that reaches us. */
  work_test_iterate_for (0.2);
  g_assert_cmpuint (received.deliveries, ==, 0);
}

typedef struct
{
  Received received;
  TlsWork *work;
} Owner;

/* Like the page: the last news ends the run and lets go of the job. */
static void
record_and_free (const TlsNews *news,
                 gpointer       user_data)
{
  Owner *owner = user_data;

  record (news, &owner->received);
  if (news->finished)
    g_clear_pointer (&owner->work, tls_work_free);
}

static void
test_free_from_news (void)
{
  Owner owner = { .work = NULL };

  received_init (&owner.received);
  owner.work = tls_work_start (TLS_WAY_PRIVATE, 2, FEWEST, MOST, LINE_US, record_and_free, &owner, NULL);
  g_assert_nonnull (owner.work);

  work_test_iterate_until (is_finished, &owner.received, 20);
  g_assert_null (owner.work);
  assert_one_notify_each (&owner.received.last, 2);
  work_test_wait_for_threads (THREAD_NAME, 0);

  work_test_iterate_for (0.1);
  g_assert_cmpuint (owner.received.finished, ==, 1);
}

/* Runs the wrong way to the end and returns the last news. */
static TlsNews
run_shared_global (guint n_threads)
{
  Received received;
  g_autoptr(TlsWork) work = NULL;
  guint reads = 0;

  received_init (&received);
  work = tls_work_start (TLS_WAY_SHARED_GLOBAL, n_threads, FEWEST, MOST, LINE_US, record, &received, NULL);
  g_assert_nonnull (work);
  work_test_iterate_until (is_finished, &received, 20);
  g_test_message ("shared global, %u threads: %u of %u reads found another thread's value",
                  n_threads, received.last.mixed, received.last.reads);

  g_assert_cmpuint (received.finished, ==, 1);
  g_assert_true (received.in_order);
  g_assert_false (received.last.stopped);
  g_assert_true (received.last.way == TLS_WAY_SHARED_GLOBAL);
  /* No GPrivate, so no destroy notify; every thread exited and was joined
   * all the same, and did all its lines. */
  g_assert_cmpuint (received.last.destroy_notifies, ==, 0);
  for (guint i = 0; i < n_threads; i++)
    {
      g_assert_true (received.last.threads[i].exited);
      g_assert_cmpint (received.last.threads[i].notifies, ==, 0);
      g_assert_cmpint (received.last.threads[i].lines, ==, received.last.threads[i].planned);
      reads += (guint) received.last.threads[i].lines;
    }
  g_assert_cmpuint (received.last.reads, ==, reads);
  g_assert_cmpuint (received.last.mixed, <=, reads);
  work_test_wait_for_threads (THREAD_NAME, 0);

  return received.last;
}

static void
test_shared_global (void)
{
  TlsNews news;
  guint threads_that_mixed = 0;

  /* Four threads write the one global, each before every line, and read it
   * back 2.5 ms later: the others write meanwhile, and the reads find
   * their values. Measured: the test asks only that some did. */
  news = run_shared_global (4);
  g_assert_cmpuint (news.mixed, >, 0);
  for (guint i = 0; i < news.n_threads; i++)
    threads_that_mixed += news.threads[i].mixed > 0;
  g_assert_cmpuint (threads_that_mixed, >, 0);

  /* Alone, a thread always finds its own: the global is wrong only
   * because it is shared. */
  news = run_shared_global (1);
  g_assert_cmpuint (news.mixed, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/work/thread-local/runs-to-the-end", test_runs_to_the_end);
  g_test_add_func ("/work/thread-local/coalesced", test_coalesced);
  g_test_add_func ("/work/thread-local/stop", test_stop);
  g_test_add_data_func ("/work/thread-local/free-while-running/private", GUINT_TO_POINTER (TLS_WAY_PRIVATE),
                        test_free_while_running);
  g_test_add_data_func ("/work/thread-local/free-while-running/shared-global",
                        GUINT_TO_POINTER (TLS_WAY_SHARED_GLOBAL), test_free_while_running);
  g_test_add_func ("/work/thread-local/free-from-news", test_free_from_news);
  g_test_add_func ("/work/thread-local/shared-global", test_shared_global);

  return g_test_run ();
}
