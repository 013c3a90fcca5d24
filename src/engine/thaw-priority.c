/* thaw-priority.c — background CPU priority for the calling thread
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "thaw-priority.h"

#include <errno.h>

#ifdef __linux__
# include <sys/resource.h>
# include <sys/syscall.h>
# include <unistd.h>
#endif

/* On unless the learner turns it off (the background-priority setting),
 * to see what a CPU-hungry worker at normal priority does to the window. */
static int enabled = TRUE;

/**
 * thaw_background_priority_set_enabled:
 * @value: whether thaw_thread_set_background_priority() should act
 *
 * Threads that already lowered their priority keep it; the setting applies
 * to workers started afterwards.
 */
void
thaw_background_priority_set_enabled (gboolean value)
{
  g_atomic_int_set (&enabled, !!value);
}

gboolean
thaw_background_priority_get_enabled (void)
{
  return g_atomic_int_get (&enabled);
}

/**
 * thaw_thread_lower_priority:
 * @nice_value: the nice value wanted, from 0 to 19
 *
 * Raises the nice value of the calling thread (never of the whole process)
 * to @nice_value, unless it is already that high. Sets errno on failure.
 *
 * Returns: %TRUE if the thread now runs at @nice_value or lower priority
 */
gboolean
thaw_thread_lower_priority (int nice_value)
{
#ifdef __linux__
  /* On Linux the nice value is per thread, addressed by its kernel id. */
  id_t tid = (id_t) syscall (SYS_gettid);
  int current;

  errno = 0;
  current = getpriority (PRIO_PROCESS, tid);
  if (errno != 0)
    return FALSE;
  if (current >= nice_value)
    return TRUE;

  return setpriority (PRIO_PROCESS, tid, nice_value) == 0;
#else
  errno = ENOSYS;
  return FALSE;
#endif
}

/**
 * thaw_thread_set_background_priority:
 *
 * Lowers the calling thread to %THAW_BACKGROUND_NICE, so that a busy worker
 * cannot take the CPU from the main thread. Call it first thing in a worker
 * thread. An unprivileged thread can never raise its priority back: call
 * this only in threads that do nothing but background work.
 *
 * Does nothing while thaw_background_priority_set_enabled() has turned it
 * off.
 *
 * Returns: %TRUE if the thread now runs at background priority or lower
 */
gboolean
thaw_thread_set_background_priority (void)
{
  if (!thaw_background_priority_get_enabled ())
    return FALSE;

  return thaw_thread_lower_priority (THAW_BACKGROUND_NICE);
}
