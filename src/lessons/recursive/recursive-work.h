/* recursive-work.h — the walk of “A Lock Taken Twice”, with each kind of mutex
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib and pthreads only: no GTK here. The lesson's page (recursive-page.c)
 * shows what this reports; tests/work runs it on a plain GMainLoop, under
 * ThreadSanitizer.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define RECURSIVE_MIN_LEVELS 2
#define RECURSIVE_MAX_LEVELS 12
#define RECURSIVE_DEFAULT_LEVELS 11

/* Reading a folder from a disk takes a moment: the lesson's walk naps this
 * long per folder, so that the default tree (2047 folders) takes about two
 * seconds. */
#define RECURSIVE_READ_FOLDER_US 1000
/* The try with a plain mutex reads only the first folder, this long, so
 * that the one lock it holds can be seen before level 2 asks again. */
#define RECURSIVE_PLAIN_HOLD_US (500 * G_TIME_SPAN_MILLISECOND)

/* A lock that was never asked for: no answer yet. */
#define RECURSIVE_NOT_ASKED (-1)

typedef enum
{
  RECURSIVE_REC_MUTEX,      /* the whole walk, with a GRecMutex */
  RECURSIVE_PLAIN_MUTEX,    /* its first two steps, with a plain mutex */
} RecursiveKind;

typedef struct _RecursiveWork RecursiveWork;

/* What the walk says, always on the main thread. */
typedef struct
{
  RecursiveKind kind;
  guint n_folders;          /* in the tree */
  guint visited;            /* folders reached so far */
  guint lock_count;         /* how many times the worker holds the lock now */
  guint deepest;            /* the most it has held it at once */
  guint total_kib;          /* the tree's size, once the whole walk is done */
  int second_lock;          /* plain: pthread_mutex_lock() at level 2 */
  int timed_lock;           /* plain: pthread_mutex_timedlock() at level 2 */
  gint64 timed_lock_us;     /* plain: how long the timed lock took to answer */
  gboolean finished;        /* the last report */
  gboolean stopped;         /* finished early, by recursive_work_stop() */
} RecursiveProgress;

typedef void (*RecursiveProgressFunc) (const RecursiveProgress *progress,
                                       gpointer                 user_data);

RecursiveWork *recursive_work_start        (RecursiveKind          kind,
                                            guint                  levels,
                                            gint64                 read_folder_us,
                                            RecursiveProgressFunc  progress,
                                            gpointer               user_data,
                                            GError               **error);
void           recursive_work_stop         (RecursiveWork         *work);
gboolean       recursive_work_has_finished (RecursiveWork         *work);
void           recursive_work_free         (RecursiveWork         *work);

/* The wrong way in earnest, only ever in a child process. */
int            recursive_lock_twice_main   (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RecursiveWork, recursive_work_free)

G_END_DECLS
