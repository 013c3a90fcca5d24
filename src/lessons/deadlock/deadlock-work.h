/* deadlock-work.h — the job of “Deadlock”
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib only: no GTK here. The lesson's page (deadlock-page.c) shows what
 * this reports; tests/work runs it on a plain GMainLoop, under TSan.
 */

#pragma once

#include <glib.h>

#include "thaw-timeline.h"

G_BEGIN_DECLS

#define DEADLOCK_N_ACCOUNTS 2
#define DEADLOCK_N_TRANSFERS 2      /* also the watchdog's lane */
#define DEADLOCK_NOBODY (-1)
#define DEADLOCK_DEFAULT_DELAY_MS 800
#define DEADLOCK_MAX_DELAY_MS 3000
#define DEADLOCK_OPENING_BALANCE 100

/**
 * DeadlockOrder:
 * @DEADLOCK_OPPOSITE: each transfer locks the account it pays from first:
 *   the two go round in opposite directions and can deadlock
 * @DEADLOCK_ORDERED: both lock the lower-numbered account first: the fix
 */
typedef enum
{
  DEADLOCK_OPPOSITE,
  DEADLOCK_ORDERED,
} DeadlockOrder;

typedef struct _DeadlockWork DeadlockWork;

/**
 * DeadlockNews:
 * @holder: for each account, the transfer holding its lock, or
 *   %DEADLOCK_NOBODY; while a cycle is shown, as the watchdog saw it
 * @waits_for: for each transfer, the account it waits for, or
 *   %DEADLOCK_NOBODY
 * @cycle: the transfers in the last cycle the watchdog found, or
 *   %DEADLOCK_NOBODY
 * @done: which transfers have ended
 * @deadlocks: how many cycles the watchdog found
 * @detect_ms: from the cycle closing until the watchdog saw it
 * @recover_ms: from the cycle closing until a transfer got through
 * @found_at_ms: when the watchdog found the last cycle, from the run's start
 * @undone_at_ms: when the thread it chose let go of its lock, undoing that
 *   cycle, from the run's start; 0 until then
 * @transfers_done: transfers that moved their money
 * @backoffs: attempts that let go and started again
 * @total_money: the sum of the balances (final news only)
 * @run_ms: how long the run took (final news only)
 * @stopped: Stop was pressed
 * @finished: every thread has been joined: the last news
 *
 * The wait-for graph and the figures of a run, read on the main thread.
 */
typedef struct
{
  int holder[DEADLOCK_N_ACCOUNTS];
  int waits_for[DEADLOCK_N_TRANSFERS];
  int cycle[DEADLOCK_N_TRANSFERS];
  gboolean done[DEADLOCK_N_TRANSFERS];
  guint deadlocks;
  double detect_ms;
  double recover_ms;
  double found_at_ms;
  double undone_at_ms;
  guint transfers_done;
  guint backoffs;
  int total_money;
  double run_ms;
  gboolean stopped;
  gboolean finished;
} DeadlockNews;

/**
 * DeadlockNewsFunc:
 * @news: the latest news; valid until the function returns
 * @user_data: what was given with the function
 *
 * Receives the run's news, always on the main thread.
 */
typedef void (*DeadlockNewsFunc) (const DeadlockNews *news,
                                  gpointer            user_data);

/* deadlock_work_start(): @news_func gets the news on the main thread,
 * exactly once with @finished set, after every thread has been joined.
 * deadlock_work_stop(): a thread holding a lock lets go of it, and the last
 * news comes at once. deadlock_work_free(): stops and joins the threads; a
 * delivery already scheduled calls nobody; allowed from @news_func. */
void          deadlock_news_init        (DeadlockNews     *news);
DeadlockWork *deadlock_work_start       (DeadlockOrder     order,
                                         guint             delay_ms,
                                         ThawTimeline     *timeline,
                                         DeadlockNewsFunc  news_func,
                                         gpointer          user_data,
                                         GError          **error);
void          deadlock_work_stop        (DeadlockWork     *work);
void          deadlock_work_free        (DeadlockWork     *work);

int           deadlock_no_watchdog_main (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeadlockWork, deadlock_work_free)

G_END_DECLS
