/* downloads-work.h — the job of “Many Downloads”, and the three ways to run it
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib only: no GTK here. The lesson's page (downloads-page.c) shows what
 * this reports; tests/work runs it on a plain GMainLoop, under
 * ThreadSanitizer.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The lesson's knobs. */
#define DOWNLOADS_MIN 3
#define DOWNLOADS_MAX 8
#define DOWNLOADS_DEFAULT 4
#define DOWNLOADS_MIN_SECONDS_EACH 0.5
#define DOWNLOADS_MAX_SECONDS_EACH 3.0
#define DOWNLOADS_DEFAULT_SECONDS_EACH 1.5

/* What the downloads are called on screen: file names, not translated. */
extern const char *const downloads_file_names[DOWNLOADS_MAX];

typedef enum
{
  DOWNLOADS_ALL_AT_ONCE,        /* a thread per download */
  DOWNLOADS_ONE_AFTER_ANOTHER,  /* one worker thread */
  DOWNLOADS_ON_THIS_THREAD,     /* the caller's: downloads_run_on_this_thread() */
} DownloadsMode;

typedef struct _DownloadsWork DownloadsWork;

/* The figures of a run, read at once on the main thread. */
typedef struct
{
  guint n_downloads;
  double seconds_each;
  guint n_naps;                         /* of each download */
  guint naps_done[DOWNLOADS_MAX];
  double took_seconds[DOWNLOADS_MAX];   /* 0 until it has finished */
  guint n_completed;
  double waiting_seconds;               /* the finished ones' times, added up */
  double seconds;                       /* since the start; in the last news, the run's */
  gboolean stopped;                     /* downloads_work_stop() was called */
  const GError *error;                  /* why a thread could not be made, or NULL */
  gboolean finished;                    /* the last news: every thread was joined */
} DownloadsNews;

/* Receives the news on the main thread (for downloads_run_on_this_thread(),
 * on the caller's); @news is valid until it returns. */
typedef void (*DownloadsNewsFunc) (const DownloadsNews *news,
                                   gpointer             user_data);

void           downloads_run_on_this_thread (guint              n_downloads,
                                             double             seconds_each,
                                             DownloadsNewsFunc  news_func,
                                             gpointer           user_data);

DownloadsWork *downloads_work_start         (DownloadsMode      mode,
                                             guint              n_downloads,
                                             double             seconds_each,
                                             DownloadsNewsFunc  news_func,
                                             gpointer           user_data);
void           downloads_work_stop          (DownloadsWork     *work);
void           downloads_work_free          (DownloadsWork     *work);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DownloadsWork, downloads_work_free)

G_END_DECLS
