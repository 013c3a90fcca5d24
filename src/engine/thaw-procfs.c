/* thaw-procfs.c — parsers for the few /proc files the monitor reads
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The parsers are pure functions: they take the text of a file and return
 * what it says, or a G_IO_ERROR_INVALID_DATA that says what is wrong with
 * it. They never read a file themselves, so the tests can feed them broken
 * and truncated text, and the monitor's sampler thread can call them
 * without any lock: they touch nothing shared.
 *
 * Files in /proc always end with a newline. A text that does not was cut
 * short (a partial read, a broken fixture), and is refused rather than
 * parsed into numbers that are quietly wrong.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "thaw-procfs.h"

/* /proc/stat counts in clock ticks: user nice system idle iowait irq
 * softirq steal, then guest and guest_nice, which are already counted in
 * user and nice and so are left out. Kernels before 2.6 had only the first
 * four. */
#define MIN_CPU_FIELDS 4
#define MAX_CPU_FIELDS 8
#define IDLE_FIELD 3
#define IOWAIT_FIELD 4

static gboolean
fail (GError    **error,
      guint       line_number,
      const char *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError    **error,
      guint       line_number,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (line_number > 0)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "line %u: %s", line_number, message);
  else
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, message);

  return FALSE;
}

static gboolean
check_complete (const char  *text,
                GError     **error)
{
  gsize length;

  if (text == NULL || *text == '\0')
    return fail (error, 0, "the text is empty");

  length = strlen (text);
  if (text[length - 1] != '\n')
    return fail (error, 0, "the text ends in the middle of a line; it was cut short");

  return TRUE;
}

static gboolean
parse_number (const char *word,
              guint       line_number,
              guint64    *out,
              GError    **error)
{
  if (!g_ascii_string_to_unsigned (word, 10, 0, G_MAXUINT64, out, NULL))
    return fail (error, line_number, "“%s” is not a number", word);

  return TRUE;
}

/* Splits a line into its words, dropping the empty ones that runs of
 * spaces leave behind. */
static GStrv
split_words (const char *line)
{
  g_auto(GStrv) parts = g_strsplit_set (line, " \t", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_strv_builder_add (builder, parts[i]);

  return g_strv_builder_end (builder);
}

/* Parses "cpu" or "cpuN" and the numbers after it. */
static gboolean
parse_cpu_line (char        **words,
                guint         line_number,
                ThawCpuTicks *out,
                GError      **error)
{
  guint64 fields[MAX_CPU_FIELDS] = { 0 };
  guint n_fields = g_strv_length (words) - 1;
  const char *id = words[0] + strlen ("cpu");
  guint64 value;

  if (*id == '\0')
    out->id = -1;
  else if (g_ascii_string_to_unsigned (id, 10, 0, G_MAXINT, &value, NULL))
    out->id = (int) value;
  else
    return fail (error, line_number, "“%s” is not the name of a CPU", words[0]);

  if (n_fields < MIN_CPU_FIELDS)
    return fail (error, line_number, "“%s” has %u numbers; at least %u are needed",
                 words[0], n_fields, MIN_CPU_FIELDS);

  for (guint i = 0; i < n_fields; i++)
    {
      if (!parse_number (words[i + 1], line_number, &value, error))
        return FALSE;
      if (i < MAX_CPU_FIELDS)
        fields[i] = value;
    }

  out->total = 0;
  for (guint i = 0; i < MAX_CPU_FIELDS; i++)
    out->total += fields[i];
  out->busy = out->total - fields[IDLE_FIELD] - fields[IOWAIT_FIELD];

  return TRUE;
}

/**
 * thaw_cpu_stat_parse:
 * @text: the contents of /proc/stat
 * @error: where to say what is wrong with @text
 *
 * Reads the `cpu` line (all CPUs) and the `cpuN` lines (one per online
 * CPU); the other lines are skipped, but there must be some after the CPU
 * lines, as there always are in the real file.
 *
 * Returns: (transfer full) (nullable): the counters, or %NULL with
 *   G_IO_ERROR_INVALID_DATA
 */
ThawCpuStat *
thaw_cpu_stat_parse (const char  *text,
                     GError     **error)
{
  g_autoptr(ThawCpuStat) stat = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean have_all = FALSE;
  gboolean rest_follows = FALSE;

  if (!check_complete (text, error))
    return NULL;

  stat = g_new0 (ThawCpuStat, 1);
  stat->cores = g_array_new (FALSE, TRUE, sizeof (ThawCpuTicks));

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = NULL;
      ThawCpuTicks ticks;

      if (!g_str_has_prefix (lines[i], "cpu"))
        {
          rest_follows |= have_all && *lines[i] != '\0';
          continue;
        }

      words = split_words (lines[i]);
      if (!parse_cpu_line (words, i + 1, &ticks, error))
        return NULL;

      if (ticks.id >= 0)
        g_array_append_val (stat->cores, ticks);
      else if (!have_all)
        {
          stat->all = ticks;
          have_all = TRUE;
        }
      else
        {
          fail (error, i + 1, "a second “cpu” line");
          return NULL;
        }
    }

  if (!have_all)
    {
      fail (error, 0, "there is no “cpu” line");
      return NULL;
    }
  if (stat->cores->len == 0)
    {
      fail (error, 0, "there is no line for a single CPU (“cpu0”, …)");
      return NULL;
    }
  /* The CPU lines come first, and the kernel always writes more after
   * them: without it, the list of CPUs itself may have been cut short. */
  if (!rest_follows)
    {
      fail (error, 0, "nothing follows the CPU lines; the text was cut short");
      return NULL;
    }

  return g_steal_pointer (&stat);
}

/**
 * thaw_cpu_stat_copy:
 * @stat: counters
 *
 * Returns: (transfer full): a copy that shares nothing with @stat
 */
ThawCpuStat *
thaw_cpu_stat_copy (const ThawCpuStat *stat)
{
  ThawCpuStat *copy = g_new0 (ThawCpuStat, 1);

  copy->all = stat->all;
  copy->cores = g_array_copy (stat->cores);

  return copy;
}

void
thaw_cpu_stat_free (ThawCpuStat *stat)
{
  if (stat == NULL)
    return;

  g_array_unref (stat->cores);
  g_free (stat);
}

/**
 * thaw_cpu_ticks_usage:
 * @before: a CPU's counters
 * @after: the same CPU's counters, read later
 *
 * Returns: the fraction of the time between the two readings that the CPU
 *   was busy, from 0 to 1; 0 if no tick passed or the counters went
 *   backwards (the CPU was taken offline and back)
 */
double
thaw_cpu_ticks_usage (const ThawCpuTicks *before,
                      const ThawCpuTicks *after)
{
  guint64 total, busy;

  if (after->total <= before->total || after->busy < before->busy)
    return 0.0;

  total = after->total - before->total;
  busy = after->busy - before->busy;

  return MIN (1.0, (double) busy / (double) total);
}

/**
 * thaw_mem_info_parse:
 * @text: the contents of /proc/meminfo
 * @out: (out caller-allocates): what it says
 * @error: where to say what is wrong with @text
 *
 * Every line must look like `Name: number` or `Name: number kB`; MemTotal
 * must be there, and MemAvailable or MemFree.
 *
 * Returns: %FALSE with G_IO_ERROR_INVALID_DATA if @text is malformed
 */
gboolean
thaw_mem_info_parse (const char   *text,
                     ThawMemInfo  *out,
                     GError      **error)
{
  g_auto(GStrv) lines = NULL;
  gboolean have_total = FALSE, have_available = FALSE, have_free = FALSE;
  guint64 free_kb = 0, buffers_kb = 0, cached_kb = 0;

  memset (out, 0, sizeof *out);

  if (!check_complete (text, error))
    return FALSE;

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = NULL;
      const char *colon = strchr (lines[i], ':');
      g_autofree char *name = NULL;
      guint64 value;

      if (*lines[i] == '\0')
        continue;
      if (colon == NULL)
        return fail (error, i + 1, "“%s” has no “:”", lines[i]);

      name = g_strndup (lines[i], colon - lines[i]);
      words = split_words (colon + 1);
      if (words[0] == NULL)
        return fail (error, i + 1, "“%s” has no value", name);
      if (words[1] != NULL && (!g_str_equal (words[1], "kB") || words[2] != NULL))
        return fail (error, i + 1, "“%s” should be a number of kB", name);
      if (!parse_number (words[0], i + 1, &value, error))
        return FALSE;

      if (g_str_equal (name, "MemTotal"))
        {
          out->total_kb = value;
          have_total = TRUE;
        }
      else if (g_str_equal (name, "MemAvailable"))
        {
          out->available_kb = value;
          have_available = TRUE;
        }
      else if (g_str_equal (name, "MemFree"))
        {
          free_kb = value;
          have_free = TRUE;
        }
      else if (g_str_equal (name, "Buffers"))
        buffers_kb = value;
      else if (g_str_equal (name, "Cached"))
        cached_kb = value;
      else if (g_str_equal (name, "SwapTotal"))
        out->swap_total_kb = value;
      else if (g_str_equal (name, "SwapFree"))
        out->swap_free_kb = value;
    }

  if (!have_total || out->total_kb == 0)
    return fail (error, 0, "there is no MemTotal");
  if (!have_available && !have_free)
    return fail (error, 0, "there is neither MemAvailable nor MemFree");

  /* Kernels before 3.14 have no MemAvailable: estimate it as free
   * memory plus the caches the kernel can drop. */
  if (!have_available)
    out->available_kb = MIN (out->total_kb, free_kb + buffers_kb + cached_kb);

  if (out->available_kb > out->total_kb)
    return fail (error, 0, "MemAvailable (%" G_GUINT64_FORMAT " kB) is more than MemTotal (%"
                 G_GUINT64_FORMAT " kB)", out->available_kb, out->total_kb);
  if (out->swap_free_kb > out->swap_total_kb)
    return fail (error, 0, "SwapFree is more than SwapTotal");

  return TRUE;
}

/**
 * thaw_task_stat_parse_state:
 * @text: the contents of /proc/PID/task/TID/stat
 * @state: (out): the state letter
 * @error: where to say what is wrong with @text
 *
 * The file reads `TID (NAME) STATE …`. NAME may itself hold spaces and
 * parentheses, so the state is found after the *last* `)`.
 *
 * Returns: %FALSE with G_IO_ERROR_INVALID_DATA if @text is malformed
 */
gboolean
thaw_task_stat_parse_state (const char  *text,
                            char        *state,
                            GError     **error)
{
  const char *open, *close;

  if (!check_complete (text, error))
    return FALSE;

  open = strchr (text, '(');
  close = strrchr (text, ')');
  if (open == NULL || close == NULL || close < open)
    return fail (error, 0, "there is no name in parentheses");
  if (close[1] != ' ' || !g_ascii_isalpha (close[2]) || (close[3] != ' ' && close[3] != '\n'))
    return fail (error, 0, "there is no state letter after the name");

  *state = close[2];
  return TRUE;
}

void
thaw_thread_info_free (ThawThreadInfo *info)
{
  g_free (info->name);
  g_free (info->wchan);
  g_free (info->syscall);
  g_free (info);
}

/* The system calls a waiting thread is most often in, by this machine's
 * numbers. */
static char *
syscall_name (long number)
{
  static const struct { long number; const char *name; } names[] = {
#ifdef SYS_futex
    { SYS_futex, "futex" },
#endif
#ifdef SYS_nanosleep
    { SYS_nanosleep, "nanosleep" },
#endif
#ifdef SYS_clock_nanosleep
    { SYS_clock_nanosleep, "clock_nanosleep" },
#endif
#ifdef SYS_read
    { SYS_read, "read" },
#endif
#ifdef SYS_poll
    { SYS_poll, "poll" },
#endif
#ifdef SYS_ppoll
    { SYS_ppoll, "ppoll" },
#endif
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (names[i].number == number)
      return g_strdup (names[i].name);
  return g_strdup_printf ("%ld", number);
}

/* /proc/PID/task/TID/wchan and syscall: where a sleeping thread sleeps.
 * "0" in wchan, or "running" in syscall, means it does not. */
static void
read_wait (ThawThreadInfo *info,
           const char     *task_dir,
           const char     *tid)
{
  g_autofree char *wchan_path = g_build_filename (task_dir, tid, "wchan", NULL);
  g_autofree char *syscall_path = g_build_filename (task_dir, tid, "syscall", NULL);
  g_autofree char *wchan = NULL;
  g_autofree char *syscall = NULL;

  if (g_file_get_contents (wchan_path, &wchan, NULL, NULL) &&
      *g_strstrip (wchan) != '\0' && !g_str_equal (wchan, "0"))
    info->wchan = g_steal_pointer (&wchan);
  if (g_file_get_contents (syscall_path, &syscall, NULL, NULL) && g_ascii_isdigit (*syscall))
    info->syscall = syscall_name (strtol (syscall, NULL, 10));
}

static int
compare_tids (gconstpointer a,
              gconstpointer b)
{
  const ThawThreadInfo *left = *(ThawThreadInfo * const *) a;
  const ThawThreadInfo *right = *(ThawThreadInfo * const *) b;

  return (left->tid > right->tid) - (left->tid < right->tid);
}

/* Reads one thread's name and state. A thread can end between the listing
 * of the directory and the reading of its files: that is not an error, the
 * thread is simply no longer there (%NULL, no error). */
static ThawThreadInfo *
read_thread (const char  *task_dir,
             const char  *tid,
             GError     **error)
{
  g_autofree char *comm_path = g_build_filename (task_dir, tid, "comm", NULL);
  g_autofree char *stat_path = g_build_filename (task_dir, tid, "stat", NULL);
  g_autofree char *comm = NULL;
  g_autofree char *stat = NULL;
  g_autoptr(GError) local_error = NULL;
  ThawThreadInfo *info;
  char state;

  if (!g_file_get_contents (comm_path, &comm, NULL, NULL) ||
      !g_file_get_contents (stat_path, &stat, NULL, NULL))
    return NULL;

  if (!thaw_task_stat_parse_state (stat, &state, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", stat_path);
      return NULL;
    }

  info = g_new0 (ThawThreadInfo, 1);
  info->tid = atoi (tid);
  info->name = g_strdup (g_strchomp (comm));
  info->state = state;
  if (state != 'R')
    read_wait (info, task_dir, tid);

  return info;
}

/**
 * thaw_procfs_list_threads:
 * @task_dir: a process's task directory, such as `/proc/self/task`
 * @error: where to put the reason of a failure
 *
 * Returns: (transfer full) (element-type ThawThreadInfo) (nullable): the
 *   process's threads, by increasing id
 */
GPtrArray *
thaw_procfs_list_threads (const char  *task_dir,
                          GError     **error)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new_with_free_func ((GDestroyNotify) thaw_thread_info_free);
  g_autoptr(GDir) dir = g_dir_open (task_dir, 0, error);
  const char *name;

  if (dir == NULL)
    return NULL;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autoptr(GError) local_error = NULL;
      ThawThreadInfo *info;

      if (!g_ascii_isdigit (*name))
        continue;

      info = read_thread (task_dir, name, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (info != NULL)
        g_ptr_array_add (threads, info);
    }

  g_ptr_array_sort (threads, compare_tids);

  return g_steal_pointer (&threads);
}
