/* signal-work.h — the start gate of “Waiting for a Signal”
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib only: no GTK here. The lesson's page (signal-page.c) shows what this
 * reports; tests/work runs it on a plain GMainLoop, under ThreadSanitizer.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SIGNAL_MIN_THREADS 1
#define SIGNAL_MAX_THREADS 16
#define SIGNAL_DEFAULT_THREADS 4

/* In the lesson, each thread works 1.5 s after the gate. */
#define SIGNAL_LESSON_WORK_US (1500 * 1000)

typedef struct _SignalWork SignalWork;

/* How a thread waits at the gate. */
typedef enum
{
  SIGNAL_WAIT_WHILE,        /* the right way: look again after every wake-up */
  SIGNAL_WAIT_IF,           /* the wrong way: look once, and trust a wake-up;
                             * the gate then wakes everybody at every change */
} SignalWait;

typedef enum
{
  SIGNAL_RUNNER_STARTING,
  SIGNAL_RUNNER_WAITING,
  SIGNAL_RUNNER_RUNNING,
  SIGNAL_RUNNER_DONE,
  SIGNAL_RUNNER_LEFT,       /* left without passing the gate (stopped) */
} SignalRunnerState;

/* What one thread shows. */
typedef struct
{
  int state;                /* a SignalRunnerState */
  int passes;               /* times through the gate: must end at 1, or 0 */
  int wake_ups;             /* times its g_cond_wait() returned */
  int latency_us;           /* from the Go (or its ticket) to getting through */
  int work_permille;        /* its work after the gate */
} SignalRunner;

/* The whole gate, read at once on the main thread. */
typedef struct
{
  guint n_threads;
  gboolean gate_open;       /* Go was said */
  guint waiting;            /* threads asleep at the gate */
  guint released;           /* threads through it */
  int max_latency_us;       /* the slowest of them */
  guint tickets;            /* tickets handed out by Let One Through */
  guint without_ticket;     /* threads that went through on a ticket already
                             * taken: only an if lets that happen */
  gboolean finished;        /* every thread has been joined: the last news */
  gboolean stopped;         /* with finished: Stop cut the run short */
  SignalRunner runners[SIGNAL_MAX_THREADS];
} SignalNews;

/* Receives the news, always on the main thread; it may free the work. */
typedef void (*SignalNewsFunc) (const SignalNews *news,
                                gpointer          user_data);

SignalWork       *signal_work_line_up     (guint            n_threads,
                                           SignalWait       wait,
                                           gulong           work_us,
                                           SignalNewsFunc   news_func,
                                           gpointer         user_data,
                                           GError         **error);
void              signal_work_go          (SignalWork      *work);
void              signal_work_let_one     (SignalWork      *work);
void              signal_work_stop        (SignalWork      *work);
const SignalNews *signal_work_get_news    (SignalWork      *work);
void              signal_work_free        (SignalWork      *work);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SignalWork, signal_work_free)

G_END_DECLS
