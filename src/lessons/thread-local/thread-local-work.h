/* thread-local-work.h — the job of “Each Thread’s Own Value”
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib only: no GTK here. The lesson's page (thread-local-page.c) shows
 * what this reports; tests/work runs it on a plain GMainLoop, under
 * ThreadSanitizer.
 *
 * The names start with tls_ (thread-local storage), not thread_local_:
 * C11's <threads.h> defines thread_local as a macro, and a name that
 * starts with it would break wherever that header is included.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TLS_MIN_THREADS 1
#define TLS_MAX_THREADS 16
#define TLS_DEFAULT_THREADS 4

/* The lesson's job: thread 1 formats 50 lines, the last thread 100, the
 * others in between, one line every 20 ms. The threads end one after
 * another, between one and two seconds in. */
#define TLS_LESSON_FEWEST_LINES 50
#define TLS_LESSON_MOST_LINES 100
#define TLS_LESSON_LINE_US 20000

/**
 * TlsWay:
 * @TLS_WAY_PRIVATE: each thread keeps its scratch behind one static
 *   GPrivate: the lesson's way
 * @TLS_WAY_SHARED_GLOBAL: the wrong way: one global variable for every
 *   thread, so a thread may read back another thread's scratch
 *
 * Where the threads keep the value each of them needs.
 */
typedef enum
{
  TLS_WAY_PRIVATE,
  TLS_WAY_SHARED_GLOBAL,
} TlsWay;

typedef struct _TlsWork TlsWork;

/**
 * TlsThreadNews:
 * @planned: the lines this thread was given
 * @lines: its own counter, as it last stored it: a read of its value each
 * @mixed: of those reads, the ones that found another thread's value: 0
 *   with a GPrivate, measured all the same
 * @notifies: how often its destroy notify ran: 0 while it runs, then 1
 *   (always 0 with %TLS_WAY_SHARED_GLOBAL, which has no destroy notify)
 * @notify_delay_us: from its function's return to its destroy notify
 * @exited: the thread has exited and been joined
 *
 * What the main thread knows of one thread.
 */
typedef struct
{
  int planned;
  int lines;
  int mixed;
  int notifies;
  int notify_delay_us;
  gboolean exited;
} TlsThreadNews;

/**
 * TlsNews:
 * @n_threads: how many threads the job started
 * @way: where the threads keep their values
 * @destroy_notifies: the destroy notifies that ran, all threads together
 * @reads: the reads of a thread's value, all threads together
 * @mixed: the reads that found another thread's value
 * @finished: every thread has exited and been joined: the last news
 * @stopped: with @finished, whether Stop cut the job short
 * @threads: one for each of the @n_threads threads
 *
 * The figures of the whole job, read at once on the main thread.
 */
typedef struct
{
  guint n_threads;
  TlsWay way;
  guint destroy_notifies;
  guint reads;
  guint mixed;
  gboolean finished;
  gboolean stopped;
  TlsThreadNews threads[TLS_MAX_THREADS];
} TlsNews;

/**
 * TlsNewsFunc:
 * @news: the latest figures; valid until the function returns
 * @user_data: what was given with the function
 *
 * Receives the job's news, always on the main thread.
 */
typedef void (*TlsNewsFunc) (const TlsNews *news,
                             gpointer       user_data);

TlsWork       *tls_work_start        (TlsWay        way,
                                      guint         n_threads,
                                      guint         fewest_lines,
                                      guint         most_lines,
                                      gulong        line_us,
                                      TlsNewsFunc   news_func,
                                      gpointer      user_data,
                                      GError      **error);
const TlsNews *tls_work_get_news     (TlsWork      *work);
void           tls_work_stop         (TlsWork      *work);
void           tls_work_free         (TlsWork      *work);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TlsWork, tls_work_free)

G_END_DECLS
