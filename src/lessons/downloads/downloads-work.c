/* downloads-work.c — Many downloads: one after another, or all at once
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three to eight downloads, simulated: each one spends its life waiting for
 * the network, here a series of short naps. They run in three ways:
 *
 *   downloads_work_start (DOWNLOADS_ALL_AT_ONCE)  a run thread starts one
 *       thread per download with g_thread_new() and then joins them. The
 *       waits overlap, so the total is about one download.
 *
 *   downloads_work_start (DOWNLOADS_ONE_AFTER_ANOTHER)  the same downloads
 *       in turn, on the run thread alone. The window stays alive, but the
 *       total is the sum.
 *
 *   downloads_run_on_this_thread()  in turn again, inside the caller: in
 *       the app a button's handler on the main loop. The sum again, and a
 *       frozen window, because waiting blocks as surely as computing does.
 *
 *   downloads_work_stop()  cancels the downloads through a GCancellable.
 *
 * The main thread never waits for a download. The joins happen on the run
 * thread; when they are over it says so through the hand-off, and only then
 * does the main thread join the run thread, which by then is returning.
 *
 * Read it top to bottom: a download, the run threads, the hand-off to the
 * main thread, then start, stop and free. This file uses GLib only;
 * downloads-page.c puts it on screen.
 */

#include "config.h"

#include <gio/gio.h>

#include "downloads-work.h"
#include "thaw-latest.h"
#include "thaw-priority.h"

/* A download looks at the Stop button between two naps this long. */
#define NAP_US (20 * G_TIME_SPAN_MILLISECOND)

const char *const downloads_file_names[DOWNLOADS_MAX] = {
  "photos.zip", "talk.webm", "album.flac", "map.osm.pbf",
  "fonts.tar.xz", "novel.epub", "survey.csv", "game.pak",
};

/* One download. Its thread writes the two counters with g_atomic_int_set(),
 * a full memory barrier, and the main thread reads them the same way. */
typedef struct
{
  DownloadsWork *work;      /* borrowed: the run thread joins this one first */

  int naps_done;
  int took_us;              /* 0 until it has finished */
} Download;

/* What the threads and the main thread share.
 *
 * Set before the run thread starts, then read-only: cancellable, latest,
 * n_downloads, n_naps, started_at. finished_at and error are written by the
 * run thread before it sets "finished", and read only after it is seen.
 */
struct _DownloadsWork
{
  GCancellable *cancellable;
  ThawLatest *latest;       /* the hand-off; NULL on the caller's thread */
  guint n_downloads;
  guint n_naps;
  gint64 started_at;
  Download downloads[DOWNLOADS_MAX];

  gint64 finished_at;
  GError *error;
  int finished;             /* the run thread will report nothing more */

  /* The main thread's alone. */
  GThread *thread;
  DownloadsNews news;       /* the figures last delivered */
  DownloadsNewsFunc news_func;
  gpointer user_data;
};

static void ring (DownloadsWork *work);

/* One download, on whichever thread calls it. It sleeps where a real one
 * would wait for packets: waiting, not computing, which is why many of them
 * can overlap even on a single core. Returns FALSE if it was stopped. */
static gboolean
download (Download *self)
{
  DownloadsWork *work = self->work;
  gint64 started_at = g_get_monotonic_time ();

  for (guint nap = 1; nap <= work->n_naps; nap++)
    {
      /* Nobody can stop a thread from outside; it has to stop itself. */
      if (g_cancellable_is_cancelled (work->cancellable))
        return FALSE;

      g_usleep (NAP_US);
      g_atomic_int_set (&self->naps_done, (int) nap);
      ring (work);
    }

  g_atomic_int_set (&self->took_us, (int) MAX (1, g_get_monotonic_time () - started_at));
  ring (work);

  return TRUE;
}

/* The run's last word: after this its thread only returns. */
static void
report_finished (DownloadsWork *work)
{
  work->finished_at = g_get_monotonic_time ();
  /* Set last: whoever sees it sees everything written before. */
  g_atomic_int_set (&work->finished, TRUE);
  ring (work);
}

/* The life of one download's thread when they all run at once. */
static gpointer
download_thread (gpointer data)
{
  /* A busy machine should slow the downloads down, not the window. */
  thaw_thread_set_background_priority ();
  download (data);

  return NULL;
}

/* DOWNLOADS_ALL_AT_ONCE: one thread per download, all started at once,
 * then joined one by one. The joins block this thread, never the window. */
static gpointer
all_at_once_thread (gpointer data)
{
  DownloadsWork *work = data;
  GThread *threads[DOWNLOADS_MAX] = { NULL, };
  guint n_started;

  thaw_thread_set_background_priority ();

  for (n_started = 0; n_started < work->n_downloads; n_started++)
    {
      threads[n_started] = g_thread_try_new ("thaw-download", download_thread,
                                             &work->downloads[n_started], &work->error);
      if (threads[n_started] == NULL)
        {
          /* Stop the downloads already started; they are joined below. */
          g_cancellable_cancel (work->cancellable);
          break;
        }
    }

  /* Python's "for t in threads: t.join()". The order does not matter: the
   * loop ends when the slowest download does. */
  for (guint i = 0; i < n_started; i++)
    g_thread_join (threads[i]);

  report_finished (work);

  /* The thread was given a reference to the hand-off; it drops it last. */
  thaw_latest_unref (work->latest);
  return NULL;
}

/* DOWNLOADS_ONE_AFTER_ANOTHER: the same downloads, in turn. */
static gpointer
one_after_another_thread (gpointer data)
{
  DownloadsWork *work = data;

  thaw_thread_set_background_priority ();

  for (guint i = 0; i < work->n_downloads; i++)
    if (!download (&work->downloads[i]))
      break;

  report_finished (work);

  thaw_latest_unref (work->latest);
  return NULL;
}

/* The hand-off. Every nap of every download rings the doorbell: however
 * often they ring, at most one delivery waits on the main loop, at most one
 * a frame, and one always comes after the last ring. The value handed over
 * is nothing (NULL): the figures stay in the shared counters, and the
 * delivery reads all of them at once, on the main thread. */

static void
read_news (DownloadsWork *work)
{
  DownloadsNews *news = &work->news;
  gint64 now = g_get_monotonic_time ();

  /* "finished" first: if it is set, every counter after it is final. */
  news->finished = g_atomic_int_get (&work->finished);
  news->n_completed = 0;
  news->waiting_seconds = 0;
  for (guint i = 0; i < work->n_downloads; i++)
    {
      Download *item = &work->downloads[i];
      int took_us = g_atomic_int_get (&item->took_us);

      news->naps_done[i] = (guint) g_atomic_int_get (&item->naps_done);
      news->took_seconds[i] = (double) took_us / G_USEC_PER_SEC;
      news->waiting_seconds += news->took_seconds[i];
      if (took_us > 0)
        news->n_completed++;
    }
  news->seconds = (double) ((news->finished ? work->finished_at : now) - work->started_at) / G_USEC_PER_SEC;
  news->stopped = g_cancellable_is_cancelled (work->cancellable);
  news->error = news->finished ? work->error : NULL;
}

static void
deliver_news_cb (gpointer value,
                 gpointer user_data)
{
  DownloadsWork *work = user_data;

  /* A ring that came after the last news was read: nothing new. */
  if (work->news.finished)
    return;

  read_news (work);

  /* The run thread has joined every download and is returning, so this
   * join waits microseconds. Joining it while it waits would freeze the
   * window as surely as downloading here. */
  if (work->news.finished && work->thread != NULL)
    g_thread_join (g_steal_pointer (&work->thread));

  /* Last: the news function may free the work once it is finished. */
  work->news_func (&work->news, work->user_data);
}

/* The doorbell. On the caller's thread there is nobody to hand over to:
 * the news goes straight to the function, and nothing is drawn until the
 * caller returns to its main loop. */
static void
ring (DownloadsWork *work)
{
  if (work->latest != NULL)
    thaw_latest_publish (work->latest, NULL);
  else
    deliver_news_cb (NULL, work);
}

static DownloadsWork *
work_new (guint             n_downloads,
          double            seconds_each,
          DownloadsNewsFunc news_func,
          gpointer          user_data)
{
  DownloadsWork *work = g_new0 (DownloadsWork, 1);

  work->cancellable = g_cancellable_new ();
  work->n_downloads = CLAMP (n_downloads, 1, DOWNLOADS_MAX);
  work->n_naps = MAX (1, (guint) (seconds_each * G_USEC_PER_SEC / NAP_US + 0.5));
  work->news_func = news_func;
  work->user_data = user_data;
  work->news.n_downloads = work->n_downloads;
  work->news.seconds_each = seconds_each;
  work->news.n_naps = work->n_naps;
  for (guint i = 0; i < work->n_downloads; i++)
    work->downloads[i].work = work;
  work->started_at = g_get_monotonic_time ();

  return work;
}

/**
 * downloads_run_on_this_thread:
 * @n_downloads: how many downloads, at most %DOWNLOADS_MAX
 * @seconds_each: how long each one waits
 * @news_func: called after every nap on this thread, the last time with
 *   @finished set
 * @user_data: for @news_func
 *
 * The wrong way, on purpose: every download in turn, before returning.
 * Called from a button's handler, every nap is a nap of the whole window.
 */
void
downloads_run_on_this_thread (guint             n_downloads,
                              double            seconds_each,
                              DownloadsNewsFunc news_func,
                              gpointer          user_data)
{
  DownloadsWork *work = work_new (n_downloads, seconds_each, news_func, user_data);

  for (guint i = 0; i < work->n_downloads; i++)
    download (&work->downloads[i]);
  report_finished (work);
  downloads_work_free (work);
}

/**
 * downloads_work_start:
 * @mode: %DOWNLOADS_ALL_AT_ONCE or %DOWNLOADS_ONE_AFTER_ANOTHER
 * @n_downloads: how many downloads, at most %DOWNLOADS_MAX
 * @seconds_each: how long each one waits
 * @news_func: receives the news on the main thread, exactly once with
 *   @finished set, after every thread has been joined; if a thread could
 *   not be made, that last news says why
 * @user_data: for @news_func
 *
 * Starts the downloads on a run thread, with their news delivered to the
 * default main context.
 *
 * Returns: (transfer full): the job, for downloads_work_stop() and
 *   downloads_work_free()
 */
DownloadsWork *
downloads_work_start (DownloadsMode     mode,
                      guint             n_downloads,
                      double            seconds_each,
                      DownloadsNewsFunc news_func,
                      gpointer          user_data)
{
  DownloadsWork *work = work_new (n_downloads, seconds_each, news_func, user_data);

  work->latest = thaw_latest_new (deliver_news_cb, work, NULL);
  /* The run thread holds a reference to the hand-off, and drops it last. */
  thaw_latest_ref (work->latest);
  work->thread = g_thread_try_new ("thaw-downloads",
                                   mode == DOWNLOADS_ALL_AT_ONCE ? all_at_once_thread : one_after_another_thread,
                                   work, &work->error);
  if (work->thread == NULL)
    {
      /* It never started: its reference is still ours, and so is its last word. */
      thaw_latest_unref (work->latest);
      report_finished (work);
    }

  return work;
}

/**
 * downloads_work_stop:
 * @work: (nullable): a job
 *
 * Every download stops before its next nap; the last news, with @finished
 * set, ends the run as usual.
 */
void
downloads_work_stop (DownloadsWork *work)
{
  if (work != NULL)
    g_cancellable_cancel (work->cancellable);
}

/**
 * downloads_work_free:
 * @work: (transfer full): a job, running or finished
 *
 * Lets go of the job. A run still going is stopped and joined first: each
 * download looks at the cancellable every 20 ms, so this is quick, and no
 * thread outlives its owner. A delivery already scheduled calls nobody. It
 * may be called from the news function.
 */
void
downloads_work_free (DownloadsWork *work)
{
  if (work == NULL)
    return;

  if (work->thread != NULL)
    {
      g_cancellable_cancel (work->cancellable);
      g_thread_join (g_steal_pointer (&work->thread));
    }

  g_clear_pointer (&work->latest, thaw_latest_close);
  g_object_unref (work->cancellable);
  g_clear_error (&work->error);
  g_free (work);
}
