/* thaw-stalls.h — who held the main loop when it was late
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The name of a scope for @function: its own name and its file's; a stall
 * shows it without the file's folders, "pool-work.c: deliver_news_cb". */
#define THAW_STALL_NAME(function) (__FILE__ ": " #function)

/* Defines @function, a widget's snapshot function that runs @draw (same
 * arguments) in a scope named after @function, so that a slow frame names
 * the widget. It times building the widget's render nodes; what GTK then
 * rasterises for all widgets at once is the frame's "drawing". Only the
 * widgets use it: until it is expanded it names no GTK type, and the engine
 * stays GLib-only. */
#define THAW_TIMED_SNAPSHOT(function, draw)                               \
  static void                                                             \
  function (GtkWidget *widget, GtkSnapshot *snapshot)                     \
  {                                                                       \
    guint scope_ = thaw_stalls_begin (THAW_STALL_NAME (function));        \
                                                                          \
    draw (widget, snapshot);                                              \
    thaw_stalls_end (scope_);                                             \
  }

/* A turn of the main loop longer than this is recorded. */
#define THAW_STALL_THRESHOLD_MS 4.0

/**
 * ThawStall:
 * @end_us: g_get_monotonic_time() when the turn ended
 * @ms: how long the main loop was busy, from one poll to the next
 * @name: what held it: the longest of Thaw's named scopes in that turn
 *   (with the scope inside it that took most of it, after " › "), or a
 *   name for what was not Thaw's own code
 */
typedef struct
{
  gint64 end_us;
  double ms;
  char name[120];
} ThawStall;

void  thaw_stalls_install      (GMainContext *context);
void  thaw_stalls_uninstall    (void);
gboolean thaw_stalls_is_installed (void);

guint thaw_stalls_begin        (const char   *name);
void  thaw_stalls_end          (guint         depth);
void  thaw_stalls_rename       (guint         depth,
                                const char   *name);

guint thaw_stalls_copy_recent  (gint64        since_us,
                                ThawStall    *out,
                                guint         max);
guint thaw_stalls_copy_longest (gint64       since_us,
                                ThawStall   *out,
                                guint        max);
void  thaw_stalls_clear        (void);

G_END_DECLS
