/* lesson-recursive.c — A lock taken twice by the same thread
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A tree of folders is shared between threads, so it lives behind one lock,
 * and every function that reads the tree takes that lock first. One of them,
 * folder_total_size(), adds up a folder and its subfolders by calling
 * itself: the thread that holds the lock asks for it again, once per level.
 *
 *   lesson.start      walks the tree on a worker thread, with a GRecMutex.
 *                     It remembers its owner and counts how many times the
 *                     owner has locked it. The view shows that count go up
 *                     and down as the walk goes down and up the tree.
 *
 *   lesson.try-plain  takes the first two steps of the same walk with a
 *                     plain, non-recursive mutex. A second g_mutex_lock()
 *                     would wait until the owner unlocks, and the owner is
 *                     the thread that waits: it would wait forever (and
 *                     GLib calls it undefined, so no GMutex call may even
 *                     ask). The lesson uses a POSIX mutex of the
 *                     error-checking kind instead: it is just as plain, but
 *                     a second lock by its owner returns EDEADLK at once,
 *                     and so does a timed lock, however long it may wait.
 *
 *   lesson.stop       asks the worker to stop, through a GCancellable.
 *
 * Read it top to bottom: the tree, the walk with each kind of mutex, the
 * hand-off of progress to the main thread, and the widget.
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <pthread.h>
#include <time.h>

#include "thaw-lesson.h"
#include "thaw-priority.h"

#define MIN_LEVELS 2
#define MAX_LEVELS 12
#define DEFAULT_LEVELS 11

/* Reading a folder from a disk takes a moment; a short nap stands for it,
 * so that walking the default tree (2047 folders) lasts about two seconds. */
#define READ_FOLDER_US 1000

/* With the plain mutex, level 1 holds it this long before level 2 asks
 * for it, so that the one block it holds can be seen. */
#define PLAIN_HOLD_US (500 * G_TIME_SPAN_MILLISECOND)
/* How long level 2's timed lock would be willing to wait. */
#define PLAIN_TIMED_WAIT_S 1
#define NOT_ASKED (-1)

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
 * The tree and the number of folders are set before the worker starts and
 * never change while it runs. The figures the main thread shows are written
 * by the worker with g_atomic_int_*() and read the same way.
 */
typedef enum
{
  WALK_WITH_REC_MUTEX,
  WALK_WITH_PLAIN_MUTEX,
} WalkKind;

typedef struct
{
  gatomicrefcount ref_count;
  GCancellable *cancellable;
  GWeakRef lesson;            /* main thread only */
  WalkKind kind;

  /* The shared tree and its lock. A real program has one lock; the lesson
   * has one of each kind, to compare them. */
  Folder *root;
  guint n_folders;
  GRecMutex tree_lock;
  pthread_mutex_t plain_lock;  /* PTHREAD_MUTEX_ERRORCHECK */

  /* The worker's own bookkeeping: no other thread reads these. */
  guint times_locked;

  /* Written by the worker, read by the main thread. */
  int visited;                /* folders read so far */
  int lock_count;             /* how many times the worker holds the lock now */
  int deepest;                /* the highest lock_count so far */
  int total_kib;
  int second_lock_error;      /* pthread_mutex_lock() at level 2, or NOT_ASKED */
  int timed_lock_error;       /* pthread_mutex_timedlock() at level 2, or NOT_ASKED */
  int timed_lock_us;          /* how long the timed lock took to answer */
  int finished;

  /* TRUE while a delivery is scheduled on the main loop and has not run. */
  int delivery_pending;
} WalkJob;

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

static WalkJob *
walk_job_new (gpointer lesson,
              WalkKind kind,
              guint    levels)
{
  WalkJob *job = g_new0 (WalkJob, 1);

  g_atomic_ref_count_init (&job->ref_count);
  job->cancellable = g_cancellable_new ();
  g_weak_ref_init (&job->lesson, lesson);
  job->kind = kind;
  job->root = folder_tree_new (levels, &job->n_folders);
  g_rec_mutex_init (&job->tree_lock);
  init_error_checking_mutex (&job->plain_lock);
  job->second_lock_error = NOT_ASKED;
  job->timed_lock_error = NOT_ASKED;

  return job;
}

static WalkJob *
walk_job_ref (WalkJob *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

static void
walk_job_unref (WalkJob *job)
{
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;

  /* The last reference may be dropped on the worker: nothing here belongs
   * to the main thread. */
  pthread_mutex_destroy (&job->plain_lock);
  g_rec_mutex_clear (&job->tree_lock);
  folder_tree_free (job->root);
  g_weak_ref_clear (&job->lesson);
  g_object_unref (job->cancellable);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WalkJob, walk_job_unref)

/* How long a delivery waits to collect news: about one frame. */
#define DELIVERY_INTERVAL_MS 16

static gboolean deliver_progress_cb (gpointer data);

/* Called by the worker after it stored new figures. However often that is,
 * at most one delivery waits on the main loop, and it shows the latest. */
static void
publish_progress (WalkJob *job)
{
  if (g_atomic_int_compare_and_exchange (&job->delivery_pending, FALSE, TRUE))
    {
      /* The delivery waits one frame, and brings everything stored in the
       * meantime: a screen shows at most one change per frame, so more
       * deliveries would only be work for the main thread. The callback
       * holds its own reference to the job. */
      g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE, DELIVERY_INTERVAL_MS,
                          deliver_progress_cb,
                          walk_job_ref (job),
                          (GDestroyNotify) walk_job_unref);
    }
}

/* Counts the worker's hold on the lock, for the main thread to see. */
static void
count_lock (WalkJob *job,
            int      change)
{
  job->times_locked += change;
  g_atomic_int_set (&job->lock_count, (int) job->times_locked);
  if ((int) job->times_locked > g_atomic_int_get (&job->deepest))
    g_atomic_int_set (&job->deepest, (int) job->times_locked);
}

/* The right way: a GRecMutex. */

/* Adds up the size of a folder and of everything below it.
 *
 * Like every function that reads the tree, it takes the tree's lock. Then
 * it calls itself for each subfolder, so the thread that already holds the
 * lock takes it again, once more per level. A GRecMutex allows that: it
 * knows its owner, lets it in again and counts. Each lock needs its unlock,
 * and another thread gets the mutex only when the count is back to zero. */
static guint
folder_total_size (WalkJob *job,
                   Folder  *folder)
{
  guint total;

  g_rec_mutex_lock (&job->tree_lock);
  count_lock (job, +1);

  g_usleep (READ_FOLDER_US);
  total = folder->kib;
  g_atomic_int_inc (&job->visited);
  publish_progress (job);

  for (guint i = 0; i < G_N_ELEMENTS (folder->sub); i++)
    if (folder->sub[i] != NULL && !g_cancellable_is_cancelled (job->cancellable))
      total += folder_total_size (job, folder->sub[i]);

  count_lock (job, -1);
  g_rec_mutex_unlock (&job->tree_lock);

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
lock_again_timed (WalkJob *job,
                  int     *waited_us)
{
  struct timespec deadline;
  gint64 asked_at = g_get_monotonic_time ();
  int error;

  clock_gettime (CLOCK_REALTIME, &deadline);
  deadline.tv_sec += PLAIN_TIMED_WAIT_S;
  error = pthread_mutex_timedlock (&job->plain_lock, &deadline);
  *waited_us = (int) (g_get_monotonic_time () - asked_at);

  return error;
}

static void
plain_walk_first_steps (WalkJob *job)
{
  int error, waited_us = 0;

  /* Level 1: nobody holds the mutex yet, so this takes it at once. */
  if (pthread_mutex_lock (&job->plain_lock) != 0)
    return;
  count_lock (job, +1);
  g_atomic_int_inc (&job->visited);
  publish_progress (job);

  /* Level 1 reads its folder for a moment, holding the mutex; in short
   * naps, so that Stop is seen at once. */
  for (gint64 until = g_get_monotonic_time () + PLAIN_HOLD_US;
       g_get_monotonic_time () < until && !g_cancellable_is_cancelled (job->cancellable);)
    g_usleep (10 * G_TIME_SPAN_MILLISECOND);

  /* Level 2, the same lock again, by the same thread. */
  error = pthread_mutex_lock (&job->plain_lock);
  if (error == 0)
    {
      /* Not with this kind of mutex; but should it happen, unlock it. */
      pthread_mutex_unlock (&job->plain_lock);
    }
  g_atomic_int_set (&job->second_lock_error, error);

  error = lock_again_timed (job, &waited_us);
  if (error == 0)
    pthread_mutex_unlock (&job->plain_lock);
  g_atomic_int_set (&job->timed_lock_us, waited_us);
  g_atomic_int_set (&job->timed_lock_error, error);
  publish_progress (job);

  count_lock (job, -1);
  pthread_mutex_unlock (&job->plain_lock);
}

/* The worker thread's whole life. It never calls GTK. */
static gpointer
walk_thread (gpointer data)
{
  /* The thread was given a reference of its own; it drops it on return. */
  g_autoptr(WalkJob) job = data;

  thaw_thread_set_background_priority ();

  if (job->kind == WALK_WITH_REC_MUTEX)
    g_atomic_int_set (&job->total_kib, (int) folder_total_size (job, job->root));
  else
    plain_walk_first_steps (job);

  g_atomic_int_set (&job->finished, TRUE);
  publish_progress (job);

  return NULL;
}

/* The widget. Everything below runs on the main thread. */

#define THAW_TYPE_LESSON_RECURSIVE (thaw_lesson_recursive_get_type ())
G_DECLARE_FINAL_TYPE (ThawLessonRecursive, thaw_lesson_recursive, THAW, LESSON_RECURSIVE, ThawLesson)

struct _ThawLessonRecursive
{
  ThawLesson parent_instance;

  GtkWidget *knobs;
  GtkProgressBar *progress;
  GtkLevelBar *nesting;
  GtkLabel *nesting_label;
  GtkLabel *status;
  GtkListBox *runs;

  guint levels;

  /* While a worker runs: its job and its thread. */
  WalkJob *job;
  GThread *thread;
  gint64 started_at;

  /* The last run, for --report. */
  const char *state;
  const char *mode;
  double seconds;
  guint recursion_depth;
  guint folders;
  guint total_kib;
  int second_lock_error;
  int timed_lock_error;
  double timed_lock_ms;
  gboolean plain_would_deadlock;
  guint n_runs;
};

G_DEFINE_FINAL_TYPE (ThawLessonRecursive, thaw_lesson_recursive, THAW_TYPE_LESSON)

enum {
  PROP_0,
  PROP_LEVELS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_running (ThawLessonRecursive *self,
             gboolean             running)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.start", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.try-plain", !running);
  thaw_lesson_set_busy (THAW_LESSON (self), running);
  gtk_widget_set_sensitive (self->knobs, !running);
}

static void
show_lock_count (ThawLessonRecursive *self,
                 guint                lock_count,
                 guint                deepest)
{
  g_autofree char *text = NULL;

  gtk_level_bar_set_value (self->nesting, lock_count);
  if (deepest == 0)
    text = g_strdup (_("Nobody holds the lock yet"));
  else if (lock_count == 0)
    text = g_strdup_printf (ngettext ("The worker has let go of the lock; it held it at most %u time at once",
                                      "The worker has let go of the lock; it held it at most %u times at once",
                                      deepest),
                            deepest);
  else
    text = g_strdup_printf (ngettext ("The worker holds the lock %u time (at most %u so far)",
                                      "The worker holds the lock %u times (at most %u so far)",
                                      lock_count),
                            lock_count, deepest);
  gtk_label_set_text (self->nesting_label, text);
}

static void
show_walk_progress (ThawLessonRecursive *self,
                    guint                visited,
                    guint                n_folders)
{
  g_autofree char *text = NULL;

  gtk_progress_bar_set_fraction (self->progress, n_folders ? (double) visited / n_folders : 0);
  /* Translators: progress of a walk through a tree of folders. */
  text = g_strdup_printf (_("%'u of %'u folders read"), visited, n_folders);
  gtk_progress_bar_set_text (self->progress, text);
}

/* The name of an answer of pthread_mutex_lock(): 0 or an errno value. */
static const char *
error_name (int error)
{
  switch (error)
    {
    case 0:
      return "0";
    case EDEADLK:
      return "EDEADLK";
    case ETIMEDOUT:
      return "ETIMEDOUT";
    default:
      return g_strerror (error);
    }
}

/* The bar fills while level 1 holds the plain mutex, and then shows the
 * answer to level 2. */
static void
show_plain_progress (ThawLessonRecursive *self,
                     int                  second_lock_error)
{
  g_autofree char *text = NULL;
  double elapsed = (double) (g_get_monotonic_time () - self->started_at) / PLAIN_HOLD_US;

  if (second_lock_error == NOT_ASKED)
    {
      gtk_progress_bar_set_fraction (self->progress, CLAMP (elapsed, 0.0, 1.0));
      gtk_progress_bar_set_text (self->progress, _("Level 1 holds the mutex"));
      return;
    }

  gtk_progress_bar_set_fraction (self->progress, 1.0);
  /* Translators: %s is what pthread_mutex_lock() returned, e.g. "EDEADLK". */
  text = g_strdup_printf (_("The second lock by its owner: %s"), error_name (second_lock_error));
  gtk_progress_bar_set_text (self->progress, text);
}

static void
add_run_row (ThawLessonRecursive *self,
             const char          *title,
             const char          *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_prepend (self->runs, row);
  gtk_widget_set_visible (GTK_WIDGET (self->runs), TRUE);
}

/* Records the end of a walk with the GRecMutex. */
static void
finish_rec_walk (ThawLessonRecursive *self,
                 gboolean             cancelled,
                 guint                visited,
                 guint                deepest,
                 guint                total_kib)
{
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *size = g_format_size ((guint64) total_kib * 1024);

  self->recursion_depth = deepest;
  self->folders = visited;
  self->total_kib = cancelled ? 0 : total_kib;

  if (cancelled)
    title = g_strdup_printf (_("GRecMutex: stopped after %'u folders, %.2f s"),
                             visited, self->seconds);
  else
    /* Translators: "%s" is a size such as "1.0 MB". */
    title = g_strdup_printf (_("GRecMutex: %'u folders, %s in all, %.2f s"),
                             visited, size, self->seconds);
  subtitle = g_strdup_printf (ngettext ("At its deepest, the worker held the lock %u time at once.",
                                        "At its deepest, the worker held the lock %u times at once.",
                                        deepest),
                              deepest);
  add_run_row (self, title, subtitle);

  gtk_label_set_text (self->status,
                      cancelled ? _("Stopped. Every level unlocked on the way out.")
                                : _("Done. Each lock had its unlock, and the mutex is free again."));
}

/* Records the end of the try with the plain mutex. */
static void
finish_plain_try (ThawLessonRecursive *self,
                  gboolean             cancelled,
                  int                  second_lock_error,
                  int                  timed_lock_error,
                  int                  timed_lock_us)
{
  g_autofree char *subtitle = NULL;
  const char *title;

  self->second_lock_error = second_lock_error;
  self->timed_lock_error = timed_lock_error;
  self->timed_lock_ms = timed_lock_us / 1000.0;
  self->plain_would_deadlock = second_lock_error == EDEADLK && timed_lock_error == EDEADLK;

  if (self->plain_would_deadlock)
    {
      title = _("Plain mutex: the second lock would never be granted");
      subtitle = g_strdup_printf (_("To the thread that held it, pthread_mutex_lock() answered EDEADLK, and so did a timed lock, after %.1f ms: without the check it would have waited forever."),
                                  self->timed_lock_ms);
    }
  else if (second_lock_error == NOT_ASKED)
    {
      title = _("Plain mutex: stopped");
      subtitle = g_strdup (_("Stopped before the second lock."));
    }
  else
    {
      title = _("Plain mutex: an unexpected answer");
      /* Translators: the two %s are what the calls returned, e.g. "EDEADLK". */
      subtitle = g_strdup_printf (_("pthread_mutex_lock(): %s; pthread_mutex_timedlock(): %s."),
                                  error_name (second_lock_error), error_name (timed_lock_error));
    }
  add_run_row (self, title, subtitle);

  gtk_label_set_text (self->status,
                      cancelled ? _("Stopped.")
                                : _("A plain mutex does not count: to its owner it says “wait”, like to anyone else. This one checks who asks, and says EDEADLK instead."));
}

/* A delivery from the worker, running on the main thread. */
static gboolean
deliver_progress_cb (gpointer data)
{
  WalkJob *job = data;
  g_autoptr(ThawLessonRecursive) self = NULL;
  guint visited, lock_count, deepest;
  int second_lock_error;
  gboolean finished, cancelled;

  /* Clear the flag before reading, so that news stored after this point
   * schedules a new delivery instead of being lost. */
  g_atomic_int_set (&job->delivery_pending, FALSE);

  /* "finished" first: the worker sets it after its last figures, so if it
   * is set, the figures read after it are the final ones. */
  finished = g_atomic_int_get (&job->finished);
  visited = (guint) g_atomic_int_get (&job->visited);
  lock_count = (guint) g_atomic_int_get (&job->lock_count);
  deepest = (guint) g_atomic_int_get (&job->deepest);
  second_lock_error = g_atomic_int_get (&job->second_lock_error);

  /* The lesson may be gone, or busy with another run. */
  self = g_weak_ref_get (&job->lesson);
  if (self == NULL || self->job != job)
    return G_SOURCE_REMOVE;

  show_lock_count (self, lock_count, deepest);
  if (job->kind == WALK_WITH_REC_MUTEX)
    show_walk_progress (self, visited, job->n_folders);
  else
    show_plain_progress (self, second_lock_error);

  if (!finished)
    return G_SOURCE_REMOVE;

  /* The worker has said its last word and is returning: this join waits
   * microseconds, not the length of a walk. */
  g_thread_join (g_steal_pointer (&self->thread));

  cancelled = g_cancellable_is_cancelled (job->cancellable);
  self->seconds = (double) (g_get_monotonic_time () - self->started_at) / G_USEC_PER_SEC;
  self->state = cancelled ? "cancelled" : "succeeded";
  self->n_runs++;

  if (job->kind == WALK_WITH_REC_MUTEX)
    finish_rec_walk (self, cancelled, visited, deepest,
                     (guint) g_atomic_int_get (&job->total_kib));
  else
    finish_plain_try (self, cancelled, second_lock_error,
                      g_atomic_int_get (&job->timed_lock_error),
                      g_atomic_int_get (&job->timed_lock_us));

  g_clear_pointer (&self->job, walk_job_unref);
  set_running (self, FALSE);

  return G_SOURCE_REMOVE;
}

static void
start_walk (ThawLessonRecursive *self,
            WalkKind             kind)
{
  g_autoptr(GError) error = NULL;

  if (self->job != NULL)
    return;

  self->started_at = g_get_monotonic_time ();
  self->state = "running";
  self->mode = kind == WALK_WITH_REC_MUTEX ? "rec-mutex" : "plain-mutex";
  self->job = walk_job_new (self, kind, self->levels);

  gtk_level_bar_set_max_value (self->nesting, self->levels);
  show_lock_count (self, 0, 0);
  if (kind == WALK_WITH_REC_MUTEX)
    show_walk_progress (self, 0, self->job->n_folders);
  else
    show_plain_progress (self, NOT_ASKED);
  set_running (self, TRUE);

  /* The thread gets a reference of its own and drops it when it returns. */
  self->thread = g_thread_try_new ("thaw-walk", walk_thread, walk_job_ref (self->job), &error);
  if (self->thread == NULL)
    {
      /* The thread never started, so its reference is still ours to drop. */
      walk_job_unref (self->job);
      g_clear_pointer (&self->job, walk_job_unref);
      self->state = "failed";
      gtk_label_set_text (self->status, error->message);
      set_running (self, FALSE);
    }
}

/* lesson.start: the walk with a GRecMutex. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonRecursive *self = THAW_LESSON_RECURSIVE (widget);

  start_walk (self, WALK_WITH_REC_MUTEX);
  if (self->job != NULL)
    gtk_label_set_text (self->status,
                        _("Walking the tree on a worker thread. Each level takes the lock once more."));
}

/* lesson.try-plain: the same first steps with a plain mutex. */
static void
try_plain_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ThawLessonRecursive *self = THAW_LESSON_RECURSIVE (widget);

  start_walk (self, WALK_WITH_PLAIN_MUTEX);
  if (self->job != NULL)
    gtk_label_set_text (self->status,
                        _("Level 1 took the mutex. Level 2 will ask for it again…"));
}

/* lesson.stop: ask the worker to stop; its last delivery ends the run. */
static void
stop_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonRecursive *self = THAW_LESSON_RECURSIVE (widget);

  if (self->job == NULL)
    return;

  g_cancellable_cancel (self->job->cancellable);
  gtk_label_set_text (self->status, _("Stopping…"));
}

static void
thaw_lesson_recursive_report (ThawLesson  *lesson,
                              JsonBuilder *builder)
{
  ThawLessonRecursive *self = THAW_LESSON_RECURSIVE (lesson);

  json_builder_set_member_name (builder, "job_state");
  json_builder_add_string_value (builder, self->state);
  json_builder_set_member_name (builder, "job_mode");
  json_builder_add_string_value (builder, self->mode);
  json_builder_set_member_name (builder, "job_seconds");
  json_builder_add_double_value (builder, self->seconds);
  json_builder_set_member_name (builder, "levels");
  json_builder_add_int_value (builder, self->levels);
  json_builder_set_member_name (builder, "recursion_depth");
  json_builder_add_int_value (builder, self->recursion_depth);
  json_builder_set_member_name (builder, "folders");
  json_builder_add_int_value (builder, self->folders);
  json_builder_set_member_name (builder, "total_kib");
  json_builder_add_int_value (builder, self->total_kib);
  /* What the plain mutex answered its owner at level 2. */
  json_builder_set_member_name (builder, "plain_mutex_second_lock");
  json_builder_add_string_value (builder, self->second_lock_error == NOT_ASKED
                                          ? "not asked" : error_name (self->second_lock_error));
  json_builder_set_member_name (builder, "plain_mutex_timed_lock");
  json_builder_add_string_value (builder, self->timed_lock_error == NOT_ASKED
                                          ? "not asked" : error_name (self->timed_lock_error));
  json_builder_set_member_name (builder, "plain_mutex_timed_lock_ms");
  json_builder_add_double_value (builder, self->timed_lock_ms);
  json_builder_set_member_name (builder, "plain_mutex_would_deadlock");
  json_builder_add_boolean_value (builder, self->plain_would_deadlock);
  json_builder_set_member_name (builder, "runs");
  json_builder_add_int_value (builder, self->n_runs);
}

static void
thaw_lesson_recursive_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  ThawLessonRecursive *self = THAW_LESSON_RECURSIVE (object);

  switch (prop_id)
    {
    case PROP_LEVELS:
      g_value_set_uint (value, self->levels);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_lesson_recursive_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  ThawLessonRecursive *self = THAW_LESSON_RECURSIVE (object);

  switch (prop_id)
    {
    case PROP_LEVELS:
      if (self->levels != g_value_get_uint (value))
        {
          self->levels = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_lesson_recursive_dispose (GObject *object)
{
  ThawLessonRecursive *self = THAW_LESSON_RECURSIVE (object);

  /* A walk may still be running when the window closes. Ask it to stop and
   * wait for it: it looks at the cancellable at every folder (every
   * millisecond), and unlocks every level on its way out. A delivery it
   * already scheduled finds the lesson gone and does nothing. */
  if (self->job != NULL)
    {
      g_cancellable_cancel (self->job->cancellable);
      g_thread_join (g_steal_pointer (&self->thread));
      g_clear_pointer (&self->job, walk_job_unref);
    }

  G_OBJECT_CLASS (thaw_lesson_recursive_parent_class)->dispose (object);
}

static void
thaw_lesson_recursive_class_init (ThawLessonRecursiveClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  object_class->dispose = thaw_lesson_recursive_dispose;
  object_class->get_property = thaw_lesson_recursive_get_property;
  object_class->set_property = thaw_lesson_recursive_set_property;
  lesson_class->report = thaw_lesson_recursive_report;

  /**
   * ThawLessonRecursive:levels:
   *
   * How many levels of folders the next walk's tree has: the walk takes
   * the lock this many times at once at its deepest.
   */
  properties[PROP_LEVELS] =
    g_param_spec_uint ("levels", NULL, NULL,
                       MIN_LEVELS, MAX_LEVELS, DEFAULT_LEVELS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "lesson.start", NULL, start_cb);
  gtk_widget_class_install_action (widget_class, "lesson.try-plain", NULL, try_plain_cb);
  gtk_widget_class_install_action (widget_class, "lesson.stop", NULL, stop_cb);
}

static GtkWidget *
make_button (const char *label,
             const char *action,
             const char *style)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_add_css_class (button, "pill");
  if (style != NULL)
    gtk_widget_add_css_class (button, style);

  return button;
}

static GtkWidget *
make_levels_knob (ThawLessonRecursive *self)
{
  GtkAdjustment *adjustment;
  GtkWidget *knobs, *row, *spin;

  adjustment = gtk_adjustment_new (DEFAULT_LEVELS, MIN_LEVELS, MAX_LEVELS, 1, 1, 0);
  spin = gtk_spin_button_new (adjustment, 1, 0);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  g_object_bind_property (self, "levels", adjustment, "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Levels of folders"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("Each level doubles the folders; the walk locks once per level"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  /* libadwaita names the row's activatable spin button by the row's title;
   * a label of its own would be read after it. */
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);

  knobs = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (knobs), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (knobs, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (knobs), row);

  return knobs;
}

static void
thaw_lesson_recursive_init (ThawLessonRecursive *self)
{
  GtkWidget *box, *buttons, *progress, *nesting, *nesting_label, *status, *runs;

  self->state = "idle";
  self->mode = "none";
  self->levels = DEFAULT_LEVELS;
  self->second_lock_error = NOT_ASKED;
  self->timed_lock_error = NOT_ASKED;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  buttons = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (buttons), FALSE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 3);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("Try a _Plain Mutex"), "lesson.try-plain", "destructive-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("Walk with a _GRecMutex"), "lesson.start", "suggested-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Stop"), "lesson.stop", NULL));
  gtk_box_append (GTK_BOX (box), buttons);

  self->knobs = make_levels_knob (self);
  gtk_box_append (GTK_BOX (box), self->knobs);

  progress = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (progress), TRUE);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (progress), _("Not started"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (progress),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Progress of the walk"),
                                  -1);
  gtk_box_append (GTK_BOX (box), progress);
  self->progress = GTK_PROGRESS_BAR (progress);

  /* One block per time the worker holds the lock. */
  nesting = gtk_level_bar_new_for_interval (0, DEFAULT_LEVELS);
  gtk_level_bar_set_mode (GTK_LEVEL_BAR (nesting), GTK_LEVEL_BAR_MODE_DISCRETE);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (nesting), GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (nesting), GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_accessible_update_property (GTK_ACCESSIBLE (nesting),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("How many times the worker holds the lock"),
                                  -1);
  gtk_box_append (GTK_BOX (box), nesting);
  self->nesting = GTK_LEVEL_BAR (nesting);

  nesting_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (nesting_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (nesting_label), 0);
  gtk_widget_add_css_class (nesting_label, "caption");
  gtk_widget_add_css_class (nesting_label, "numeric");
  gtk_box_append (GTK_BOX (box), nesting_label);
  self->nesting_label = GTK_LABEL (nesting_label);

  status = gtk_label_new (_("Walk the tree with a GRecMutex, then try the same with a plain mutex."));
  gtk_label_set_wrap (GTK_LABEL (status), TRUE);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_box_append (GTK_BOX (box), status);
  self->status = GTK_LABEL (status);

  runs = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (runs), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (runs, "boxed-list");
  gtk_widget_set_visible (runs, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (runs),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Finished runs"),
                                  -1);
  gtk_box_append (GTK_BOX (box), runs);
  self->runs = GTK_LIST_BOX (runs);

  adw_bin_set_child (ADW_BIN (self), box);
  show_lock_count (self, 0, 0);
  set_running (self, FALSE);
}

const ThawLessonInfo thaw_lesson_recursive_info = {
  .id = "recursive",
  .part = THAW_PART_SHARING,
  .title = N_("A Lock Taken Twice"),
  .summary = N_("A function that holds a lock calls one that takes it again"),
  .keywords = N_("recursive;re-entrant;reentrant;lock;mutex;GRecMutex;GMutex;RLock;errorcheck;EDEADLK;timedlock;deadlock;tree"),
  .explanation =
    N_("A lock guards data that several threads share. The safe habit is to "
       "take it in <i>every</i> function that touches that data, so that none "
       "can forget. Sooner or later one of those functions calls another one, "
       "or itself, and the thread that already holds the lock asks for it a "
       "second time.\n\n"
       "A plain <tt>GMutex</tt> does not know who holds it. Asked again by its "
       "owner, it does what it does for anybody: the caller waits until the "
       "holder unlocks. But the holder is the caller, now asleep, so nobody "
       "ever will: a deadlock of one thread with itself. GLib calls a second "
       "lock by the same thread undefined behaviour, "
       "<tt>g_mutex_trylock()</tt> included; on Linux "
       "<tt>g_mutex_lock()</tt> hangs forever, and if it is the main thread, so "
       "does the window.\n\n"
       "“Try a Plain Mutex” shows it safely, with a POSIX mutex of the "
       "error-checking kind (<tt>PTHREAD_MUTEX_ERRORCHECK</tt>). It is just as "
       "plain, but it checks who asks: to its owner, "
       "<tt>pthread_mutex_lock()</tt> answers <tt>EDEADLK</tt> at once instead "
       "of waiting, and so does <tt>pthread_mutex_timedlock()</tt>, since no "
       "wait could ever end with the lock. In Python a <tt>threading.Lock</tt> "
       "acquired twice by one thread hangs the same way; "
       "<tt>acquire(timeout=…)</tt> shows it without hanging.\n\n"
       "A <tt>GRecMutex</tt> (a recursive, or re-entrant, mutex) remembers its "
       "owner and counts. The owner may lock it again; every lock needs its own "
       "unlock, and other threads get it only when the count is back to zero. "
       "The walk here locks once per level of the tree, so the count climbs as "
       "deep as the tree goes and falls back to zero at the end.\n\n"
       "A recursive lock is a convenience with a price. The outermost call "
       "holds it for the whole walk, so other threads wait that long. It cannot "
       "be used with a <tt>GCond</tt>: <tt>g_cond_wait()</tt> takes a plain "
       "<tt>GMutex</tt>, and a wait that let go of a recursive lock only once "
       "would sleep still holding it. "
       "And it hides which code really holds the lock. A common alternative is "
       "to split each function in two: a public one that takes a plain lock, "
       "and an internal <tt>_unlocked</tt> one that expects its caller to hold "
       "it."),
  .try_this =
    N_("Click “Walk with a GRecMutex” and watch the blocks: one per time the worker holds the lock, rising and falling as the walk goes down and up the tree.\n"
       "When it is done, compare the deepest count with the number of levels.\n"
       "Click “Try a Plain Mutex”: level 1 holds it, and when level 2 asks again the mutex answers EDEADLK at once to the very thread that owns it. A GMutex would have put that thread to sleep forever.\n"
       "Set 4 levels and walk again: the count never goes above 4.\n"
       "Start a walk and press Stop: every level unlocks on the way out."),
  .source = "lesson-recursive.c",
  .get_type = thaw_lesson_recursive_get_type,
};
