/* test-procfs.c — the monitor's /proc parsers, on good, malformed and
 * truncated text
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The fixtures are copies of real files (a 4-core laptop, an old kernel
 * without MemAvailable) and broken variants of them. Every broken one must
 * give G_IO_ERROR_INVALID_DATA with a message that says what is wrong, and
 * none may crash (ASan checks the reads).
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "thaw-procfs.h"

static const char stat_4_cores[] =
  "cpu  2255 34 2290 22625563 6290 127 456 0 0 0\n"
  "cpu0 1132 34 1441 11311718 3675 127 438 0 0 0\n"
  "cpu1 1123 0 849 11313845 2614 0 18 0 0 0\n"
  "cpu2 0 0 0 0 0 0 0 0 0 0\n"
  "cpu3 100 0 0 100 0 0 0 0 50 0\n"
  "intr 114930548 113199788 3 0 5 263 0 4 [... many more]\n"
  "ctxt 1990473\n"
  "btime 1062191376\n"
  "processes 2915\n"
  "procs_running 1\n"
  "procs_blocked 0\n";

/* Linux 2.4: four numbers per CPU. */
static const char stat_old_kernel[] =
  "cpu  10 20 30 40\n"
  "cpu0 10 20 30 40\n"
  "page 5741 1808\n";

static const char meminfo_modern[] =
  "MemTotal:       16318412 kB\n"
  "MemFree:         8712456 kB\n"
  "MemAvailable:   12041792 kB\n"
  "Buffers:          361248 kB\n"
  "Cached:          3219108 kB\n"
  "SwapTotal:       2097148 kB\n"
  "SwapFree:        2097148 kB\n"
  "HugePages_Total:       0\n"
  "Hugepagesize:       2048 kB\n";

static const char meminfo_old_kernel[] =
  "MemTotal:        1000000 kB\n"
  "MemFree:          100000 kB\n"
  "Buffers:           50000 kB\n"
  "Cached:           250000 kB\n";

static void
test_stat_good (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThawCpuStat) stat = thaw_cpu_stat_parse (stat_4_cores, &error);
  ThawCpuTicks *cpu0, *cpu3;

  g_assert_no_error (error);
  g_assert_nonnull (stat);
  g_assert_cmpint (stat->all.id, ==, -1);
  g_assert_cmpuint (stat->cores->len, ==, 4);

  cpu0 = &g_array_index (stat->cores, ThawCpuTicks, 0);
  g_assert_cmpint (cpu0->id, ==, 0);
  /* user+nice+system+idle+iowait+irq+softirq+steal; guests not again. */
  g_assert_cmpuint (cpu0->total, ==, 1132 + 34 + 1441 + 11311718 + 3675 + 127 + 438);
  g_assert_cmpuint (cpu0->busy, ==, 1132 + 34 + 1441 + 127 + 438);

  cpu3 = &g_array_index (stat->cores, ThawCpuTicks, 3);
  g_assert_cmpint (cpu3->id, ==, 3);
  g_assert_cmpuint (cpu3->total, ==, 200);
  g_assert_cmpuint (cpu3->busy, ==, 100);
}

static void
test_stat_old_kernel (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThawCpuStat) stat = thaw_cpu_stat_parse (stat_old_kernel, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (stat->cores->len, ==, 1);
  g_assert_cmpuint (stat->all.total, ==, 100);
  g_assert_cmpuint (stat->all.busy, ==, 60);
}

static void
test_stat_real (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(ThawCpuStat) stat = NULL;

  g_assert_true (g_file_get_contents ("/proc/stat", &text, NULL, &error));
  stat = thaw_cpu_stat_parse (text, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stat->cores->len, >=, 1);
  g_assert_cmpuint (stat->all.busy, <=, stat->all.total);
}

static void
test_usage (void)
{
  ThawCpuTicks before = { 0, 100, 1000 };
  ThawCpuTicks half = { 0, 150, 1100 };
  ThawCpuTicks same = before;
  ThawCpuTicks backwards = { 0, 10, 20 };

  g_assert_cmpfloat_with_epsilon (thaw_cpu_ticks_usage (&before, &half), 0.5, 1e-9);
  g_assert_cmpfloat (thaw_cpu_ticks_usage (&before, &same), ==, 0.0);
  g_assert_cmpfloat (thaw_cpu_ticks_usage (&before, &backwards), ==, 0.0);
}

static void
test_stat_copy (void)
{
  g_autoptr(ThawCpuStat) stat = thaw_cpu_stat_parse (stat_4_cores, NULL);
  g_autoptr(ThawCpuStat) copy = thaw_cpu_stat_copy (stat);

  g_assert_true (copy->cores != stat->cores);
  g_assert_cmpuint (copy->cores->len, ==, 4);
  g_assert_cmpuint (g_array_index (copy->cores, ThawCpuTicks, 1).total,
                    ==, g_array_index (stat->cores, ThawCpuTicks, 1).total);
}

typedef struct
{
  const char *name;
  const char *text;
  const char *message;   /* a part of the expected message */
} BadText;

static const BadText bad_stats[] = {
  { "empty", "", "empty" },
  { "truncated-mid-line", "cpu  1 2 3 4 5\ncpu0 1 2 3", "cut short" },
  { "truncated-after-total", "cpu  1 2 3 4 5 6 7 8\n", "no line for a single CPU" },
  { "truncated-after-cpus", "cpu  1 2 3 4\ncpu0 1 2 3 4\n", "nothing follows the CPU lines" },
  { "few-numbers", "cpu  1 2 3 4\ncpu0 1 2\n", "line 2: “cpu0” has 2 numbers" },
  { "no-numbers", "cpu\ncpu0 1 2 3 4\n", "line 1: “cpu” has 0 numbers" },
  { "not-a-number", "cpu  1 2 3 4\ncpu0 1 2 x3 4\n", "line 2: “x3” is not a number" },
  { "negative", "cpu  1 2 3 4\ncpu0 1 -2 3 4\n", "“-2” is not a number" },
  { "overflow", "cpu  1 2 3 4\ncpu0 1 99999999999999999999999 3 4\n", "is not a number" },
  { "bad-cpu-name", "cpu  1 2 3 4\ncpuX 1 2 3 4\n", "line 2: “cpuX” is not the name of a CPU" },
  { "no-total", "cpu0 1 2 3 4\n", "no “cpu” line" },
  { "two-totals", "cpu  1 2 3 4\ncpu  1 2 3 4\ncpu0 1 2 3 4\n", "line 2: a second “cpu” line" },
  { "not-proc-stat", "MemTotal: 1 kB\n", "no “cpu” line" },
  { "binary", "\x01\x02\x03\xff\n", "no “cpu” line" },
};

static void
test_stat_bad (gconstpointer data)
{
  const BadText *bad = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ThawCpuStat) stat = thaw_cpu_stat_parse (bad->text, &error);

  g_assert_null (stat);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_test_message ("%s: %s", bad->name, error->message);
  g_assert_nonnull (strstr (error->message, bad->message));
}

static void
test_stat_every_truncation (void)
{
  gsize length = strlen (stat_4_cores);

  /* Cut the file after every byte: the parser either refuses the text or,
   * if the cut fell after the CPU lines and a whole line more, reads all
   * four CPUs. It never reads past the end (ASan) and never crashes. */
  for (gsize cut = 0; cut < length; cut++)
    {
      g_autofree char *text = g_strndup (stat_4_cores, cut);
      g_autoptr(GError) error = NULL;
      g_autoptr(ThawCpuStat) stat = thaw_cpu_stat_parse (text, &error);

      if (stat == NULL)
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      else
        g_assert_cmpuint (stat->cores->len, ==, 4);
    }
}

static void
test_meminfo_good (void)
{
  g_autoptr(GError) error = NULL;
  ThawMemInfo info;

  g_assert_true (thaw_mem_info_parse (meminfo_modern, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.total_kb, ==, 16318412);
  g_assert_cmpuint (info.available_kb, ==, 12041792);
  g_assert_cmpuint (info.swap_total_kb, ==, 2097148);
  g_assert_cmpuint (info.swap_free_kb, ==, 2097148);
}

static void
test_meminfo_old_kernel (void)
{
  g_autoptr(GError) error = NULL;
  ThawMemInfo info;

  g_assert_true (thaw_mem_info_parse (meminfo_old_kernel, &info, &error));
  g_assert_no_error (error);
  /* No MemAvailable: free plus buffers plus cache. */
  g_assert_cmpuint (info.available_kb, ==, 400000);
  g_assert_cmpuint (info.swap_total_kb, ==, 0);
}

static void
test_meminfo_real (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  ThawMemInfo info;

  g_assert_true (g_file_get_contents ("/proc/meminfo", &text, NULL, &error));
  g_assert_true (thaw_mem_info_parse (text, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.total_kb, >, 0);
  g_assert_cmpuint (info.available_kb, <=, info.total_kb);
}

static const BadText bad_meminfos[] = {
  { "empty", "", "empty" },
  { "truncated-mid-line", "MemTotal:       16318412 kB\nMemFree:   87", "cut short" },
  { "truncated-before-free", "MemTotal:       16318412 kB\n", "neither MemAvailable nor MemFree" },
  { "no-total", "MemFree: 10 kB\n", "no MemTotal" },
  { "zero-total", "MemTotal: 0 kB\nMemFree: 0 kB\n", "no MemTotal" },
  { "no-colon", "MemTotal 10 kB\n", "line 1: “MemTotal 10 kB” has no “:”" },
  { "no-value", "MemTotal:\n", "line 1: “MemTotal” has no value" },
  { "not-a-number", "MemTotal: lots kB\n", "line 1: “lots” is not a number" },
  { "wrong-unit", "MemTotal: 10 MB\n", "“MemTotal” should be a number of kB" },
  { "extra-words", "MemTotal: 10 kB extra\n", "should be a number of kB" },
  { "available-too-big", "MemTotal: 10 kB\nMemAvailable: 20 kB\n", "more than MemTotal" },
  { "swap-free-too-big", "MemTotal: 10 kB\nMemFree: 5 kB\nSwapTotal: 1 kB\nSwapFree: 2 kB\n",
    "SwapFree is more than SwapTotal" },
};

static void
test_meminfo_bad (gconstpointer data)
{
  const BadText *bad = data;
  g_autoptr(GError) error = NULL;
  ThawMemInfo info;

  g_assert_false (thaw_mem_info_parse (bad->text, &info, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_test_message ("%s: %s", bad->name, error->message);
  g_assert_nonnull (strstr (error->message, bad->message));
}

static void
test_task_stat (void)
{
  g_autoptr(GError) error = NULL;
  char state = 0;

  g_assert_true (thaw_task_stat_parse_state ("1234 (thaw) S 1 1234 1234 0 -1\n", &state, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state, ==, 'S');

  /* A name may hold spaces and parentheses: the last “)” ends it. */
  g_assert_true (thaw_task_stat_parse_state ("77 (a) R (b) D 1 2 3\n", &state, &error));
  g_assert_cmpint (state, ==, 'D');
}

static const BadText bad_task_stats[] = {
  { "empty", "", "empty" },
  { "truncated-in-name", "1234 (tha", "cut short" },
  { "truncated-after-name", "1234 (thaw)\n", "no state letter" },
  { "no-parentheses", "1234 thaw S 1\n", "no name in parentheses" },
  { "reversed", "1234 )thaw( S 1\n", "no name in parentheses" },
  { "digit-state", "1234 (thaw) 5 1\n", "no state letter" },
  { "two-letters", "1234 (thaw) SS 1\n", "no state letter" },
};

static void
test_task_stat_bad (gconstpointer data)
{
  const BadText *bad = data;
  g_autoptr(GError) error = NULL;
  char state = 0;

  g_assert_false (thaw_task_stat_parse_state (bad->text, &state, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_test_message ("%s: %s", bad->name, error->message);
  g_assert_nonnull (strstr (error->message, bad->message));
}

static int named_thread_started;

static gpointer
named_thread (gpointer data)
{
  GCancellable *stop = data;

  /* GLib names a thread from inside it, before calling this. */
  g_atomic_int_set (&named_thread_started, TRUE);
  while (!g_cancellable_is_cancelled (stop))
    g_usleep (1000);

  return NULL;
}

static void
test_list_threads (void)
{
  g_autoptr(GCancellable) stop = g_cancellable_new ();
  g_autoptr(GPtrArray) threads = NULL;
  g_autoptr(GError) error = NULL;
  GThread *thread = g_thread_new ("thaw-test-named", named_thread, stop);
  gboolean found = FALSE;

  while (!g_atomic_int_get (&named_thread_started))
    g_usleep (1000);
  threads = thaw_procfs_list_threads ("/proc/self/task", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (threads->len, >=, 2);

  for (guint i = 0; i < threads->len; i++)
    {
      ThawThreadInfo *info = g_ptr_array_index (threads, i);

      g_assert_true (g_ascii_isalpha (info->state));
      if (i > 0)
        g_assert_cmpint (((ThawThreadInfo *) g_ptr_array_index (threads, i - 1))->tid, <, info->tid);
      if (g_str_equal (info->name, "thaw-test-named"))
        found = TRUE;
    }
  g_assert_true (found);

  g_cancellable_cancel (stop);
  g_thread_join (thread);
}

static void
test_list_threads_fixture (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("thaw-procfs-XXXXXX", &error);
  g_autofree char *task1 = g_build_filename (dir, "12", NULL);
  g_autofree char *task2 = g_build_filename (dir, "7", NULL);
  g_autofree char *gone = g_build_filename (dir, "99", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) threads = NULL;
  ThawThreadInfo *info;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (task1, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (task2, 0700), ==, 0);
  /* A thread that ended between the listing and the reading. */
  g_assert_cmpint (g_mkdir (gone, 0700), ==, 0);

  path = g_build_filename (task1, "comm", NULL);
  g_assert_true (g_file_set_contents (path, "worker (two)\n", -1, NULL));
  g_free (path);
  path = g_build_filename (task1, "stat", NULL);
  g_assert_true (g_file_set_contents (path, "12 (worker (two)) D 1 2\n", -1, NULL));
  g_free (path);
  path = g_build_filename (task2, "comm", NULL);
  g_assert_true (g_file_set_contents (path, "main\n", -1, NULL));
  g_free (path);
  path = g_build_filename (task2, "stat", NULL);
  g_assert_true (g_file_set_contents (path, "7 (main) R 1 2\n", -1, NULL));

  threads = thaw_procfs_list_threads (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (threads->len, ==, 2);
  info = g_ptr_array_index (threads, 0);
  g_assert_cmpint (info->tid, ==, 7);
  g_assert_cmpstr (info->name, ==, "main");
  g_assert_cmpint (info->state, ==, 'R');
  info = g_ptr_array_index (threads, 1);
  g_assert_cmpstr (info->name, ==, "worker (two)");
  g_assert_cmpint (info->state, ==, 'D');

  /* A malformed stat file is an error that names the file. */
  g_clear_pointer (&threads, g_ptr_array_unref);
  g_assert_true (g_file_set_contents (path, "7 (main)\n", -1, NULL));
  threads = thaw_procfs_list_threads (dir, &error);
  g_assert_null (threads);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);

  /* A directory that does not exist. */
  threads = thaw_procfs_list_threads ("/nonexistent/task", &error);
  g_assert_null (threads);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);

  g_remove (path);
  g_free (path);
  path = g_build_filename (task2, "comm", NULL);
  g_remove (path);
  g_free (path);
  path = g_build_filename (task1, "stat", NULL);
  g_remove (path);
  g_free (path);
  path = g_build_filename (task1, "comm", NULL);
  g_remove (path);
  g_rmdir (task1);
  g_rmdir (task2);
  g_rmdir (gone);
  g_rmdir (dir);
}

static void
add_bad_tests (const char    *prefix,
               const BadText *bad,
               gsize          n,
               GTestDataFunc  func)
{
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s", prefix, bad[i].name);

      g_test_add_data_func (path, &bad[i], func);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/thaw/procfs/stat/good", test_stat_good);
  g_test_add_func ("/thaw/procfs/stat/old-kernel", test_stat_old_kernel);
  g_test_add_func ("/thaw/procfs/stat/real", test_stat_real);
  g_test_add_func ("/thaw/procfs/stat/copy", test_stat_copy);
  g_test_add_func ("/thaw/procfs/stat/every-truncation", test_stat_every_truncation);
  add_bad_tests ("/thaw/procfs/stat/bad", bad_stats, G_N_ELEMENTS (bad_stats), test_stat_bad);
  g_test_add_func ("/thaw/procfs/usage", test_usage);
  g_test_add_func ("/thaw/procfs/meminfo/good", test_meminfo_good);
  g_test_add_func ("/thaw/procfs/meminfo/old-kernel", test_meminfo_old_kernel);
  g_test_add_func ("/thaw/procfs/meminfo/real", test_meminfo_real);
  add_bad_tests ("/thaw/procfs/meminfo/bad", bad_meminfos, G_N_ELEMENTS (bad_meminfos), test_meminfo_bad);
  g_test_add_func ("/thaw/procfs/task-stat/good", test_task_stat);
  add_bad_tests ("/thaw/procfs/task-stat/bad", bad_task_stats, G_N_ELEMENTS (bad_task_stats),
                 test_task_stat_bad);
  g_test_add_func ("/thaw/procfs/threads/real", test_list_threads);
  g_test_add_func ("/thaw/procfs/threads/fixture", test_list_threads_fixture);

  return g_test_run ();
}
