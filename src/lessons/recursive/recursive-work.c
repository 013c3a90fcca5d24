/* recursive-work.c — A lock taken twice by the same thread
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A tree of folders is shared between threads, so it lives behind one lock,
 * and every function that reads the tree takes that lock first. One of them,
 * folder_total_size(), adds up a folder and its subfolders by calling
 * itself: the thread that holds the lock asks for it again, once per level.
 *
 *   recursive_work_start (RECURSIVE_REC_MUTEX, ...)
 *       walks the tree on a worker thread, with a GRecMutex. It remembers
 *       its owner and counts how many times the owner has locked it; the
 *       worker reports that count as it goes down and up the tree.
 *
 *   recursive_work_start (RECURSIVE_PLAIN_MUTEX, ...)
 *       takes the first two steps of the same walk with a plain,
 *       non-recursive mutex. A second g_mutex_lock() would wait until the
 *       owner unlocks, and the owner is the thread that waits: it would
 *       wait forever (and GLib calls it undefined, so no GMutex call may
 *       even ask). The lesson uses a POSIX mutex of the error-checking kind
 *       instead: it is just as plain, but a second lock by its owner
 *       returns EDEADLK at once, and so does a timed lock, however long it
 *       may wait.
 *
 *   recursive_work_stop ()   asks the worker to stop, through a GCancellable.
 *   recursive_work_free ()   stops the worker if it still runs, and joins it.
 *
 * Read it top to bottom: the tree, the walk with each kind of mutex, the
 * worker, the hand-off of its figures to the main thread, then start, stop
 * and free. This file uses GLib and pthreads only; recursive-page.c puts
 * it on screen.
 */

#include "config.h"

#include <gio/gio.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "recursive-work.h"
#include "thaw-latest.h"
#include "thaw-priority.h"

/* How long a timed lock at level 2 would be willing to wait. */
#define TIMED_WAIT_S 1
/* The longest nap between two looks at the cancellable. */
#define NAP_US (10 * G_TIME_SPAN_MILLISECOND)

/* The tree: every folder has two subfolders, down to the bottom level. */

typedef struct _Folder Folder;
struct _Folder
{
  guint kib;          /* the size of the files right in this folder */
  Folder *sub[2];     /* its subfolders, NULL at the bottom level */
};

static Folder *
folder_tree_new (guint  levels,
                 guint *n_folders)
{
  Folder *folder = g_new0 (Folder, 1);

  /* Any sizes will do; a cheap hash of the folder's number mixes them. */
  folder->kib = 1 + (*n_folders * 2654435761u) % 997;
  (*n_folders)++;

  if (levels > 1)
    for (guint i = 0; i < G_N_ELEMENTS (folder->sub); i++)
      folder->sub[i] = folder_tree_new (levels - 1, n_folders);

  return folder;
}

static void
folder_tree_free (Folder *folder)
{
  if (folder == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (folder->sub); i++)
    folder_tree_free (folder->sub[i]);
  g_free (folder);
}

/* What the worker and the main thread share.
 *
 * The tree, its locks and the settings are made before the worker starts
 * and freed after it was joined. The figures are the worker's own: it
 * hands copies of them to the main thread through a ThawLatest, so no
 * field here is ever written by one thread while another reads it.
 */
struct _RecursiveWork
{
  /* Set before the thread starts; the worker only reads them. */
  RecursiveKind kind;
  GCancellable *cancellable;
  gint64 read_folder_us;
  ThawLatest *latest;         /* the worker holds a reference of its own */

  /* The shared tree and its lock. A real program has one lock; the lesson
   * has one of each kind, to compare them. */
  Folder *root;
  GRecMutex tree_lock;
  pthread_mutex_t plain_lock; /* PTHREAD_MUTEX_ERRORCHECK */

  /* The worker's own figures; it publishes copies. */
  RecursiveProgress now;

  int finished;               /* atomic: the worker has published its last figures */

  /* The main thread's alone. */
  GThread *thread;
  RecursiveProgressFunc progress;
  gpointer user_data;
};

/* Hands a copy of the figures to the main thread (see deliver_progress()). */
static void
publish (RecursiveWork *work)
{
  thaw_latest_publish (work->latest, g_memdup2 (&work->now, sizeof work->now));
}

/* Counts the worker's hold on the lock, for the main thread to see. */
static void
count_lock (RecursiveWork *work,
            int            change)
{
  work->now.lock_count += change;
  work->now.deepest = MAX (work->now.deepest, work->now.lock_count);
}

/* Reading a folder takes a moment: a nap stands for it, in slices short
 * enough for a Stop to be seen at once, telling the window after each. */
static void
read_folder (RecursiveWork *work)
{
  gint64 until = g_get_monotonic_time () + work->read_folder_us;

  work->now.visited++;
  for (gint64 left = work->read_folder_us;
       left > 0 && !g_cancellable_is_cancelled (work->cancellable);
       left = until - g_get_monotonic_time ())
    {
      g_usleep ((gulong) MIN (left, NAP_US));
      publish (work);
    }
}

/* The right way: a GRecMutex.
 *
 * Adds up the size of a folder and of everything below it. Like every
 * function that reads the tree, it takes the tree's lock. Then it calls
 * itself for each subfolder, so the thread that already holds the lock
 * takes it again, once more per level. A GRecMutex allows that: it knows
 * its owner, lets it in again and counts. Each lock needs its unlock, and
 * another thread gets the mutex only when the count is back to zero. */
static guint
folder_total_size (RecursiveWork *work,
                   Folder        *folder)
{
  guint total;

  g_rec_mutex_lock (&work->tree_lock);
  count_lock (work, +1);

  read_folder (work);
  total = folder->kib;
  for (guint i = 0; i < G_N_ELEMENTS (folder->sub); i++)
    if (folder->sub[i] != NULL && !g_cancellable_is_cancelled (work->cancellable))
      total += folder_total_size (work, folder->sub[i]);

  count_lock (work, -1);
  g_rec_mutex_unlock (&work->tree_lock);

  return total;
}

/* The wrong way: a plain mutex, and the lock it would never get.
 *
 * Level 2 of the walk: the first thing folder_total_size() does for the
 * first subfolder is to lock the tree again.
 *
 * g_mutex_lock() here would never return. It would put this thread to sleep
 * until the mutex is unlocked, and only its owner unlocks it: this thread,
 * asleep. GLib calls a second lock by the same thread undefined behaviour,
 * and that holds for g_mutex_trylock() too, so no GMutex call can show it
 * safely. A POSIX mutex of type PTHREAD_MUTEX_ERRORCHECK can: it is as plain
 * as a GMutex (it does not count), but it checks who asks, and to its owner
 * it answers EDEADLK at once instead of waiting. A timed lock gets the same
 * answer without waiting at all: no timeout would ever end in the lock. */
static int
lock_again_timed (RecursiveWork *work,
                  gint64        *waited_us)
{
  struct timespec deadline;
  gint64 asked_at = g_get_monotonic_time ();
  int error;

  clock_gettime (CLOCK_REALTIME, &deadline);
  deadline.tv_sec += TIMED_WAIT_S;
  error = pthread_mutex_timedlock (&work->plain_lock, &deadline);
  *waited_us = g_get_monotonic_time () - asked_at;

  return error;
}

static void
plain_first_steps (RecursiveWork *work)
{
  /* Level 1: nobody holds the mutex yet, so this takes it at once, and
   * reads its folder for a moment, holding it. */
  if (pthread_mutex_lock (&work->plain_lock) != 0)
    return;
  count_lock (work, +1);
  read_folder (work);

  /* Level 2: the same lock again, by the same thread. Should either call
   * ever say yes (not with this kind of mutex), its lock is let go. */
  if (!g_cancellable_is_cancelled (work->cancellable))
    {
      work->now.second_lock = pthread_mutex_lock (&work->plain_lock);
      if (work->now.second_lock == 0)
        pthread_mutex_unlock (&work->plain_lock);

      work->now.timed_lock = lock_again_timed (work, &work->now.timed_lock_us);
      if (work->now.timed_lock == 0)
        pthread_mutex_unlock (&work->plain_lock);
    }

  count_lock (work, -1);
  pthread_mutex_unlock (&work->plain_lock);
}

/* The worker thread's whole life. It never calls GTK. */
static gpointer
walk_thread (gpointer data)
{
  RecursiveWork *work = data;
  guint total_kib = 0;

  /* A busy machine should slow the walk down, not the window. */
  thaw_thread_set_background_priority ();

  if (work->kind == RECURSIVE_REC_MUTEX)
    total_kib = folder_total_size (work, work->root);
  else
    plain_first_steps (work);

  /* Stopped means: the work was left undone. A Stop that came after the
   * last look at the cancellable is too late, and the result stands. */
  if (work->kind == RECURSIVE_REC_MUTEX)
    work->now.stopped = work->now.visited < work->now.n_folders;
  else
    work->now.stopped = work->now.second_lock == RECURSIVE_NOT_ASKED;
  if (work->kind == RECURSIVE_REC_MUTEX && !work->now.stopped)
    work->now.total_kib = total_kib;
  work->now.finished = TRUE;
  publish (work);

  g_atomic_int_set (&work->finished, TRUE);
  thaw_latest_unref (work->latest);
  return NULL;
}

/* The hand-off. ThawLatest (src/engine/thaw-latest.c) keeps at most one
 * delivery waiting on the main loop, with the newest figures: the worker
 * publishes at every folder, the screen changes once a frame. The last
 * figures always arrive, and nothing arrives after recursive_work_free().
 *
 * This runs on the main thread. */
static void
deliver_progress (gpointer value,
                  gpointer user_data)
{
  const RecursiveProgress *progress = value;
  RecursiveWork *work = user_data;

  /* The worker has said its last word and is returning, so this join waits
   * microseconds, not the length of a walk. */
  if (progress->finished)
    g_thread_join (g_steal_pointer (&work->thread));

  /* This may free the work: nothing here touches it afterwards. */
  work->progress (progress, work->user_data);
}

/* A plain mutex that knows its owner just enough to refuse it a second
 * lock, with EDEADLK, instead of putting it to sleep for ever. */
static void
init_error_checking_mutex (pthread_mutex_t *mutex)
{
  pthread_mutexattr_t attr;

  pthread_mutexattr_init (&attr);
  pthread_mutexattr_settype (&attr, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_init (mutex, &attr);
  pthread_mutexattr_destroy (&attr);
}

/* Starts a walk of @kind over a tree of @levels (RECURSIVE_MIN_LEVELS to
 * RECURSIVE_MAX_LEVELS) whose folders take @read_folder_us each to read:
 * RECURSIVE_READ_FOLDER_US for the walk, RECURSIVE_PLAIN_HOLD_US for the
 * plain try, which reads only the first. @progress gets the figures on the
 * main thread, the last time with "finished" set. Returns NULL, with @error
 * set, if no thread could be made. */
RecursiveWork *
recursive_work_start (RecursiveKind          kind,
                      guint                  levels,
                      gint64                 read_folder_us,
                      RecursiveProgressFunc  progress,
                      gpointer               user_data,
                      GError               **error)
{
  RecursiveWork *work;

  g_return_val_if_fail (progress != NULL, NULL);
  g_return_val_if_fail (levels >= RECURSIVE_MIN_LEVELS && levels <= RECURSIVE_MAX_LEVELS, NULL);

  work = g_new0 (RecursiveWork, 1);
  work->kind = kind;
  /* A fresh cancellable for every run: once cancelled, one stays cancelled. */
  work->cancellable = g_cancellable_new ();
  work->read_folder_us = read_folder_us;
  work->latest = thaw_latest_new (deliver_progress, work, g_free);
  work->root = folder_tree_new (levels, &work->now.n_folders);
  g_rec_mutex_init (&work->tree_lock);
  init_error_checking_mutex (&work->plain_lock);
  work->now.kind = kind;
  work->now.second_lock = RECURSIVE_NOT_ASKED;
  work->now.timed_lock = RECURSIVE_NOT_ASKED;
  work->progress = progress;
  work->user_data = user_data;

  /* The worker's own reference to the hand-off, dropped as it returns. */
  thaw_latest_ref (work->latest);
  work->thread = g_thread_try_new ("thaw-walk", walk_thread, work, error);
  if (work->thread == NULL)
    {
      /* The thread never started: its reference is still ours to drop. */
      thaw_latest_unref (work->latest);
      recursive_work_free (work);
      return NULL;
    }

  return work;
}

/* Asks the worker to stop. The walk looks before every folder, the plain
 * try every few milliseconds; every level unlocks on the way out, and the
 * last report says so. */
void
recursive_work_stop (RecursiveWork *work)
{
  g_return_if_fail (work != NULL);

  g_cancellable_cancel (work->cancellable);
}

/* Whether the worker has published its last figures (their delivery may
 * still wait for the main loop). */
gboolean
recursive_work_has_finished (RecursiveWork *work)
{
  return g_atomic_int_get (&work->finished);
}

/* Lets go of the walk. Nothing is reported any more, not even figures
 * already on their way. A worker still running is stopped and joined: it
 * looks at least every 10 ms, so no thread outlives its owner. */
void
recursive_work_free (RecursiveWork *work)
{
  if (work == NULL)
    return;

  if (work->thread != NULL)
    {
      g_cancellable_cancel (work->cancellable);
      g_thread_join (g_steal_pointer (&work->thread));
    }
  /* Joined first, so the worker's reference is gone and ours is the last.
   * (No delivery ran meanwhile: the main loop was waiting right here.) */
  thaw_latest_close (work->latest);

  pthread_mutex_destroy (&work->plain_lock);
  g_rec_mutex_clear (&work->tree_lock);
  folder_tree_free (work->root);
  g_object_unref (work->cancellable);
  g_free (work);
}

/* ---- the wrong way in earnest: a child process that never returns ------ */

/* One line on standard output, out at once: the parent reads it through a
 * pipe, where stdio would otherwise keep it in its buffer. */
static void
say (const char *line)
{
  g_print ("%s\n", line);
  fflush (stdout);
}

/* Takes a plain GMutex and, still holding it, asks for it again, as a
 * function that calls itself would. On Linux a GMutex is a futex: the
 * second g_mutex_lock() sleeps until the mutex is let go, which only this
 * thread could do. GLib and POSIX call it undefined; here it is forever. */
static gpointer
lock_twice_thread (gpointer data)
{
  GMutex *mutex = data;

  g_mutex_lock (mutex);
  say ("locker: took the mutex");
  say ("locker: asks for it again, still holding it…");
  g_mutex_lock (mutex);
  say ("locker: got it twice (never printed)");
  g_mutex_unlock (mutex);
  g_mutex_unlock (mutex);

  return NULL;
}

/**
 * recursive_lock_twice_main:
 *
 * `thaw --wrong-way recursive`: what the page runs in a child process and
 * watches (src/engine/thaw-child.c). The locker thread waits for itself,
 * and the main thread joins it, so waits as long. Only a signal ends this
 * process; Thaw's page sends SIGKILL once it has seen both threads asleep.
 *
 * Returns: never
 */
int
recursive_lock_twice_main (void)
{
  static GMutex mutex;
  GThread *locker = g_thread_new ("locker", lock_twice_thread, &mutex);

  say ("main: joins the locker");
  g_thread_join (locker);
  say ("main: joined (never printed)");

  return 0;
}
