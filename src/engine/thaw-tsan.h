/* thaw-tsan.h — tell ThreadSanitizer about hand-offs it cannot see
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Debian's GLib is not built with -fsanitize=thread. Its GMutex and GCond
 * are raw futexes, and a pointer handed to a GThreadPool or a GAsyncQueue
 * travels through code TSan never sees. To TSan, a value written by a worker
 * under a GMutex and read by the main thread under the same GMutex looks
 * like a data race, because it never saw the lock.
 *
 * The cure is to say what the lock means at the points where our own code
 * takes and releases it: __tsan_acquire() after taking a lock (or receiving
 * a pointer), __tsan_release() before releasing it (or sending a pointer).
 * TSan then orders the accesses exactly as the lock does, and a real race —
 * an access outside the lock — is still reported.
 *
 * Without TSan every macro here is empty and every helper is a plain
 * g_mutex_lock() or g_cond_wait_until(), so release builds pay nothing.
 */

#pragma once

#include <glib.h>

#if defined(__SANITIZE_THREAD__)
# define THAW_HAVE_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define THAW_HAVE_TSAN 1
# endif
#endif

#ifndef THAW_HAVE_TSAN
# define THAW_HAVE_TSAN 0
#endif

G_BEGIN_DECLS

#if THAW_HAVE_TSAN
/* Declared by hand: the sanitizer's header is not installed everywhere. */
void __tsan_acquire (void *addr);
void __tsan_release (void *addr);

/**
 * THAW_TSAN_ACQUIRE:
 * @addr: the address that names the lock or the hand-off
 *
 * Everything released on @addr by another thread happens before what this
 * thread does next. Put it right after taking a lock, or right after
 * receiving a pointer from a queue.
 */
# define THAW_TSAN_ACQUIRE(addr) __tsan_acquire ((void *) (addr))

/**
 * THAW_TSAN_RELEASE:
 * @addr: the address that names the lock or the hand-off
 *
 * Everything this thread did so far happens before whatever a later
 * THAW_TSAN_ACQUIRE() on @addr. Put it right before releasing a lock, or
 * right before pushing a pointer to a queue.
 */
# define THAW_TSAN_RELEASE(addr) __tsan_release ((void *) (addr))
#else
# define THAW_TSAN_ACQUIRE(addr) ((void) (addr))
# define THAW_TSAN_RELEASE(addr) ((void) (addr))
#endif

/* A GMutex whose meaning TSan can see. Use these in pairs, as you would
 * g_mutex_lock() and g_mutex_unlock(). */
static inline void
thaw_mutex_lock (GMutex *mutex)
{
  g_mutex_lock (mutex);
  THAW_TSAN_ACQUIRE (mutex);
}

static inline void
thaw_mutex_unlock (GMutex *mutex)
{
  THAW_TSAN_RELEASE (mutex);
  g_mutex_unlock (mutex);
}

/* g_cond_wait_until() gives the mutex up while it sleeps and takes it back
 * when it wakes: tell TSan both halves. */
static inline gboolean
thaw_cond_wait_until (GCond  *cond,
                      GMutex *mutex,
                      gint64  end_time)
{
  gboolean signalled;

  THAW_TSAN_RELEASE (mutex);
  signalled = g_cond_wait_until (cond, mutex, end_time);
  THAW_TSAN_ACQUIRE (mutex);

  return signalled;
}

static inline void
thaw_cond_wait (GCond  *cond,
                GMutex *mutex)
{
  THAW_TSAN_RELEASE (mutex);
  g_cond_wait (cond, mutex);
  THAW_TSAN_ACQUIRE (mutex);
}

G_END_DECLS
