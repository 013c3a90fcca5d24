/* recursive-glib.c — a lock taken twice by the same thread
 *
 * folder_total_size() takes the tree's lock and calls itself for each
 * subfolder, so the thread that holds the lock asks for it again, once per
 * level. A GRecMutex allows that and counts. A plain mutex would make the
 * thread wait for itself forever; GLib calls a second g_mutex_lock() (or
 * g_mutex_trylock()) by the owner undefined, so the program shows it with a
 * POSIX mutex of the error-checking kind, which answers EDEADLK instead.
 *
 * Build and run:
 *   gcc recursive-glib.c -o recursive $(pkg-config --cflags --libs gio-2.0) -pthread
 *   ./recursive
 */

#include <errno.h>
#include <glib.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define LEVELS 10

typedef struct Folder Folder;
struct Folder
{
  guint kib;
  Folder *sub[2];              /* NULL at the bottom level */
};

static GRecMutex tree_lock;
static guint depth, deepest;   /* guarded by tree_lock */

static Folder *
folder_tree_new (guint levels)
{
  Folder *folder = g_new0 (Folder, 1);

  folder->kib = 4;
  if (levels > 1)
    for (guint i = 0; i < 2; i++)
      folder->sub[i] = folder_tree_new (levels - 1);
  return folder;
}

static void
folder_tree_free (Folder *folder)
{
  if (folder == NULL)
    return;
  for (guint i = 0; i < 2; i++)
    folder_tree_free (folder->sub[i]);
  g_free (folder);
}

/* Locks the tree, again at every level: a GRecMutex lets its owner in and
 * counts. Each lock needs its unlock; other threads get the mutex only
 * when the count is back to zero. */
static guint
folder_total_size (Folder *folder)
{
  guint total;

  g_rec_mutex_lock (&tree_lock);
  depth++;
  deepest = MAX (deepest, depth);

  total = folder->kib;
  for (guint i = 0; i < 2; i++)
    if (folder->sub[i] != NULL)
      total += folder_total_size (folder->sub[i]);

  depth--;
  g_rec_mutex_unlock (&tree_lock);
  return total;
}

static const char *
error_name (int error)
{
  return error == 0 ? "0 (taken)" : error == EDEADLK ? "EDEADLK" : strerror (error);
}

/* The plain mutex asked again by its owner. With a GMutex this would hang
 * (on Linux) or do anything at all (GLib promises nothing). An
 * error-checking mutex does not count either, but it knows its owner. */
static void
lock_plain_mutex_twice (void)
{
  pthread_mutex_t lock;
  pthread_mutexattr_t attr;
  struct timespec deadline;
  gint64 asked_at;
  int error;

  pthread_mutexattr_init (&attr);
  pthread_mutexattr_settype (&attr, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_init (&lock, &attr);
  pthread_mutexattr_destroy (&attr);

  pthread_mutex_lock (&lock);                  /* level 1: taken */

  error = pthread_mutex_lock (&lock);          /* level 2: the same thread */
  printf ("plain mutex, second lock by its owner: %s\n", error_name (error));
  if (error == 0)
    pthread_mutex_unlock (&lock);

  /* A timed lock would wait a second for another thread to unlock; for its
   * owner no wait could ever end with the lock, and it says so at once. */
  clock_gettime (CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 1;
  asked_at = g_get_monotonic_time ();
  error = pthread_mutex_timedlock (&lock, &deadline);
  printf ("plain mutex, timed lock by its owner: %s after %.1f ms\n",
          error_name (error), (g_get_monotonic_time () - asked_at) / 1000.0);
  if (error == 0)
    pthread_mutex_unlock (&lock);

  pthread_mutex_unlock (&lock);
  pthread_mutex_destroy (&lock);
}

int
main (void)
{
  Folder *root = folder_tree_new (LEVELS);
  guint total;

  g_rec_mutex_init (&tree_lock);
  total = folder_total_size (root);
  printf ("with a GRecMutex: %u KiB in %u folders, the lock held %u times at once\n",
          total, (1u << LEVELS) - 1, deepest);
  g_rec_mutex_clear (&tree_lock);
  folder_tree_free (root);

  lock_plain_mutex_twice ();
  return 0;
}
