/* thaw-procfs.h — parsers for the few /proc files the monitor reads
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * ThawCpuTicks:
 * @id: the CPU's number, N in `cpuN`; -1 for the line of all CPUs
 * @busy: clock ticks spent on anything but idling and waiting for I/O
 * @total: all clock ticks
 *
 * Counters since boot: a CPU's use over a time is the difference between
 * two of them, see thaw_cpu_ticks_usage().
 */
typedef struct
{
  int id;
  guint64 busy;
  guint64 total;
} ThawCpuTicks;

/**
 * ThawCpuStat:
 * @all: the first line of /proc/stat, all CPUs together
 * @cores: (element-type ThawCpuTicks): one entry per `cpuN` line, in order
 */
typedef struct
{
  ThawCpuTicks all;
  GArray *cores;
} ThawCpuStat;

ThawCpuStat *thaw_cpu_stat_parse   (const char         *text,
                                     GError            **error);
ThawCpuStat *thaw_cpu_stat_copy    (const ThawCpuStat  *stat);
void         thaw_cpu_stat_free    (ThawCpuStat        *stat);
double       thaw_cpu_ticks_usage  (const ThawCpuTicks *before,
                                    const ThawCpuTicks *after);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThawCpuStat, thaw_cpu_stat_free)

/**
 * ThawMemInfo:
 * @total_kb: MemTotal
 * @available_kb: MemAvailable, or on kernels older than 3.14 an estimate
 *   from MemFree, Buffers and Cached
 * @swap_total_kb: SwapTotal, 0 if absent
 * @swap_free_kb: SwapFree, 0 if absent
 */
typedef struct
{
  guint64 total_kb;
  guint64 available_kb;
  guint64 swap_total_kb;
  guint64 swap_free_kb;
} ThawMemInfo;

gboolean thaw_mem_info_parse (const char   *text,
                              ThawMemInfo  *out,
                              GError      **error);

gboolean thaw_task_stat_parse_state (const char  *text,
                                     char        *state,
                                     GError     **error);

/**
 * ThawThreadInfo:
 * @tid: the thread's id
 * @name: its name, from `comm` (at most 15 bytes, set with
 *   g_thread_new() or pthread_setname_np())
 * @state: the state letter from its `stat` file: R running, S sleeping,
 *   D waiting for the disk, T stopped, Z zombie, …
 */
/**
 * ThawThreadInfo:
 * @tid: the thread's id
 * @name: its name (comm)
 * @state: its state letter: R running, S asleep, D asleep in the kernel…
 * @wchan: (nullable): where in the kernel it sleeps (wchan), e.g.
 *   "futex_wait_queue"; %NULL while it runs or where the kernel hides it
 * @syscall: (nullable): the system call it is in, by name where Thaw knows
 *   it ("futex", "nanosleep", "read", "poll"), else its number; %NULL while
 *   it runs in user space or where the kernel hides it
 */
typedef struct
{
  int tid;
  char *name;
  char state;
  char *wchan;
  char *syscall;
} ThawThreadInfo;

void       thaw_thread_info_free   (ThawThreadInfo *info);
GPtrArray *thaw_procfs_list_threads (const char    *task_dir,
                                     GError       **error);

G_END_DECLS
