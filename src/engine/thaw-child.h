/* thaw-child.h — run a wrong way that hangs in a child process, and watch it
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _ThawChild ThawChild;

/**
 * ThawChildNews:
 * @pid: the child's process id
 * @lines: (element-type utf8): what it wrote on its standard output, a
 *   line each
 * @hung: every thread of the child was asleep and it wrote nothing for the
 *   whole hang time: Thaw ended it
 * @timed_out: it ran past the time limit, asleep or not: Thaw ended it
 * @threads: (element-type ThawThreadInfo) (nullable): its threads as they
 *   were when Thaw judged it (wait channel and system call included)
 * @ended: the child is gone and reaped: the last news
 * @term_signal: the signal that ended it, 0 if it exited
 * @exit_status: with no @term_signal, its exit status
 * @silent_ms: how long it had written nothing when judged
 *
 * What the page is told, on the main thread.
 */
typedef struct
{
  int pid;
  GPtrArray *lines;
  gboolean hung;
  gboolean timed_out;
  GPtrArray *threads;
  gboolean ended;
  int term_signal;
  int exit_status;
  double silent_ms;
} ThawChildNews;

typedef void (*ThawChildNewsFunc) (const ThawChildNews *news,
                                   gpointer             user_data);

ThawChild *thaw_child_start (const char *const  *argv,
                             guint               hang_ms,
                             guint               limit_ms,
                             ThawChildNewsFunc   news,
                             gpointer            user_data,
                             GError            **error);
void       thaw_child_free  (ThawChild          *self);
void       thaw_child_kill  (ThawChild          *self);
int        thaw_child_get_pid (ThawChild        *self);
char      *thaw_child_dup_self_path (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThawChild, thaw_child_free)

G_END_DECLS
