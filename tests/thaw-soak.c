/* thaw-soak.c — one Thaw, every lesson, again and again, for minutes
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `build-aux/dev soak [MINUTES]` runs this in the ASan+UBSan build. It
 * starts the real application with its window and, until the time is up,
 * walks the lessons in course order: it opens one, presses its `start`, and
 * ends the run in one of three ways, picked at random —
 *
 *   finish   waits until the job ends by itself;
 *   stop     presses `stop` after a while, then waits until the job ends;
 *   switch   opens the next lesson (now and then the Python map first)
 *            while the job still runs, which destroys the lesson mid-job.
 *
 * `block` is never pressed: it freezes the window on purpose.
 *
 * The soak fails (exit 1) when
 *
 *   - anything logs a warning or a critical. Under G_DEBUG=fatal-warnings,
 *     as build-aux/dev runs it, the first one aborts; the line printed just
 *     before says where the soak was;
 *   - the heartbeat was later than the tests' bound while a job ran on
 *     workers: the meter's hang line, 250 ms, stretched as the tests
 *     stretch it under THAW_TEST_TIME_SCALE (thaw_test_lateness_bound_ms;
 *     900 ms in the ASan build, where the main thread's own work is
 *     several times slower and a CI run once drew 296 ms on thread-local).
 *     That is measured from one frame after `start` (building the page and
 *     the start action itself are the main thread's own work, and a
 *     sanitizer build makes them slow) until the job ends, `stop` is
 *     pressed or the lesson is left;
 *   - `start` cannot be pressed, a finished job did not succeed, or a job
 *     has not ended ten seconds after `stop` (times the time scale);
 *   - the main thread has not come back to the main loop for a minute (a
 *     join that never returns when a lesson is left, say): a watchdog
 *     thread says where the soak was and aborts;
 *   - a closed lesson outlives its page: the soak watches every page, its
 *     lesson and the buffers of its text views die, and once the window has
 *     settled on one page only that page's should be alive (LeakSanitizer
 *     cannot see objects that something still points to);
 *   - the resident memory (VmRSS, less ASan's shadow memory) grew by more
 *     than 20 MB from the end of the first round to the end of the run.
 *
 * A sanitizer report ends the process by itself (abort_on_error, and
 * LeakSanitizer at exit), with a non-zero status.
 *
 * Usage: thaw-soak [MINUTES] [--rounds N] [--quick] [--seed N] [--verbose] [--heap-profile]
 *
 * `thaw-soak --rounds 1 --quick` is the short soak of `build-aux/dev test`:
 * every lesson once, each job stopped or left within 1.5 s.
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "thaw-application.h"
#include "thaw-lesson.h"
#include "thaw-lesson-page.h"
#include "thaw-test-util.h"
#include "thaw-window.h"

#ifdef __SANITIZE_ADDRESS__
/* From the sanitizer runtime: bytes malloc'ed and not yet freed. Debian's
 * gcc ships no header that declares it. */
size_t __sanitizer_get_current_allocated_bytes (void);
void __sanitizer_print_memory_profile (size_t top_percent,
                                       size_t max_number_of_contexts);
void __sanitizer_purge_allocator (void);
#elif defined (__GLIBC__)
#include <malloc.h>
#endif

#define DEFAULT_MINUTES 5.0
/* The bounds the soak holds the app to. */
#define MAX_RSS_GROWTH_KB (20 * 1024)
/* A job that runs longer than this is stopped (and counted as "capped"). */
#define FINISH_CAP_S 20.0
/* A job must have ended this long after `stop`, stretched by the time
 * scale as the tests' waits are (30 s in the ASan build, where a CI run
 * once saw async-io's Stop, which waits for its file to reach the disk,
 * take more than 10 s). */
#define STOP_BOUND_S (10.0 * thaw_test_time_scale ())
/* The main thread away from the main loop this long is stuck: in a join,
 * say, when leaving a lesson or quitting. */
#define HANG_S 60
/* Enough recent beats for the longest run, FINISH_CAP_S. */
#define RECENT_BEATS 4096
/* How often a waiting soak looks at the lesson again. */
#define WAKE_MS 20

typedef enum
{
  END_FINISH,
  END_STOP,
  END_SWITCH,
  N_ENDS
} Ending;

static const char *const ending_names[] = { "finish", "stop", "switch" };

/* What the soak saw of one lesson over the whole run. */
typedef struct
{
  const ThawLessonInfo *info;
  guint runs;
  guint endings[N_ENDS];
  guint capped;
  double worst_max_ms;      /* the latest beat while a job ran on workers */
  double worst_max_p99_ms;  /* the p99 of that same run */
  guint worst_round;
  Ending worst_ending;
  double worst_p99_ms;
  double open_max_ms;       /* thaw_window_show_lesson(): the new page, and the old one destroyed */
  double start_max_ms;      /* the start action itself, on the main thread */
  double stop_max_ms;       /* from `stop` to the job's end */
} LessonRow;

typedef struct
{
  guint round;
  double seconds;
  double worst_max_ms;
  const char *worst_lesson;
  double weighted_mean_ms;
  guint64 samples;
  guint64 rss_kb;
  guint64 shadow_kb;
  gsize heap;
  guint threads;
} RoundRow;

typedef struct
{
  GApplication *app;
  ThawWindow *window;
  ThawHeartbeat *heartbeat;
  GRand *rand;
  guint32 seed;
  double minutes;
  guint max_rounds;
  gboolean verbose;
  gboolean heap_profile;
  gboolean quick;

  gint64 activated_at;
  gint64 started_at;
  gint64 deadline;
  LessonRow *rows;
  guint n_rows;
  GArray *rounds;           /* RoundRow */
  double python_map_max_ms;

  guint64 rss_first_kb;
  guint64 rss_end_kb;
  gsize heap_first;
  gsize heap_end;
  guint threads_first;
  guint threads_end;

  /* Objects the soak watches die: each lesson page, its lesson, and the
   * buffers of its text views (the Source tab's holds the lesson's whole
   * file). One of each set should be alive once the window has settled;
   * more means something keeps old pages, which LeakSanitizer cannot see
   * while a pointer to them is still around. */
  int pages_alive;
  int lessons_alive;
  int buffers_alive;
  guint buffers_per_page;
  gint64 lesson_gone_at;    /* when the last lesson was finalized */
  int pages_alive_end;
  int lessons_alive_end;
  int buffers_alive_end;

  GPtrArray *failures;      /* (element-type utf8) */
  gboolean finished;
} Soak;

/* Where the soak is, for the log writer, which may run on any thread. */
static const char *where_lesson = "(starting)";
static const char *where_phase = "starting";
static int where_round;

static int n_warnings;
static GMutex warnings_lock;
static GPtrArray *warnings;         /* (element-type utf8), under warnings_lock */
static gboolean warnings_are_fatal;

static void
set_where (const char *lesson,
           const char *phase)
{
  g_atomic_pointer_set (&where_lesson, lesson);
  g_atomic_pointer_set (&where_phase, phase);
}

static char *
field_string (const GLogField *field)
{
  return field->length < 0 ? g_strdup (field->value)
                           : g_strndup (field->value, (gsize) field->length);
}

/* Writes every message as GLib would, and writes down each warning,
 * critical and error with the place the soak was at. */
static GLogWriterOutput
log_writer_cb (GLogLevelFlags   log_level,
               const GLogField *fields,
               gsize            n_fields,
               gpointer         user_data)
{
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      g_autofree char *domain = NULL;
      g_autofree char *message = NULL;
      char *line;
      const char *level = (log_level & G_LOG_LEVEL_WARNING) ? "warning" :
                          (log_level & G_LOG_LEVEL_CRITICAL) ? "critical" : "error";

      for (gsize i = 0; i < n_fields; i++)
        {
          if (g_str_equal (fields[i].key, "GLIB_DOMAIN") && domain == NULL)
            domain = field_string (&fields[i]);
          else if (g_str_equal (fields[i].key, "MESSAGE") && message == NULL)
            message = field_string (&fields[i]);
        }

      line = g_strdup_printf ("%s from %s in round %d, lesson %s, while %s: %s",
                              level, domain ? domain : "(no domain)",
                              g_atomic_int_get (&where_round),
                              (const char *) g_atomic_pointer_get (&where_lesson),
                              (const char *) g_atomic_pointer_get (&where_phase),
                              message ? message : "(no message)");
      g_atomic_int_inc (&n_warnings);
      fprintf (stderr, "thaw-soak: %s%s\n", line,
               warnings_are_fatal ? " (fatal: G_DEBUG has fatal-warnings)" : "");

      g_mutex_lock (&warnings_lock);
      g_ptr_array_add (warnings, line);
      g_mutex_unlock (&warnings_lock);
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/* The watchdog. A main thread that never comes back to the main loop
 * would keep the soak waiting for ever: a thread of its own sees that the
 * loop has stopped turning, says where the soak was, and aborts, which
 * leaves a core and every thread's stack to look at. */
static GMutex watchdog_lock;
static GCond watchdog_wake;
static gint64 loop_turned_at;       /* under watchdog_lock */
static gboolean watchdog_done;      /* under watchdog_lock */

static gboolean
loop_turned_cb (gpointer data)
{
  g_mutex_lock (&watchdog_lock);
  loop_turned_at = g_get_monotonic_time ();
  g_mutex_unlock (&watchdog_lock);

  return G_SOURCE_CONTINUE;
}

static gpointer
watchdog_thread (gpointer data)
{
  g_mutex_lock (&watchdog_lock);
  while (!watchdog_done)
    {
      g_cond_wait_until (&watchdog_wake, &watchdog_lock, g_get_monotonic_time () + G_USEC_PER_SEC);
      if (!watchdog_done && g_get_monotonic_time () - loop_turned_at > HANG_S * G_USEC_PER_SEC)
        {
          fprintf (stderr, "thaw-soak: FAIL: hang: the main thread has not come back to the "
                   "main loop for %d s, in round %d, lesson %s, while %s\n",
                   HANG_S, g_atomic_int_get (&where_round),
                   (const char *) g_atomic_pointer_get (&where_lesson),
                   (const char *) g_atomic_pointer_get (&where_phase));
          abort ();
        }
    }
  g_mutex_unlock (&watchdog_lock);

  return NULL;
}

static void
fail (Soak       *soak,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
fail (Soak       *soak,
      const char *format,
      ...)
{
  va_list args;
  char *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "thaw-soak: FAIL: %s\n", message);
  g_ptr_array_add (soak->failures, message);
}

/* The resident part of ASan's shadow memory, in kB: the Rss of the
 * mappings in the shadow's address range (x86-64 Linux, ASan's fixed
 * layout): one shadow byte for every eight bytes of memory the process
 * has touched, ASan's bookkeeping rather than the app's. Without ASan, 0. */
static guint64
read_shadow_kb (void)
{
#if defined (__SANITIZE_ADDRESS__) && defined (__x86_64__)
  const guint64 shadow_start = 0x00007fff8000, shadow_end = 0x10007fff8000;
  g_autofree char *smaps = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean in_shadow = FALSE;
  guint64 kb = 0;

  if (!g_file_get_contents ("/proc/self/smaps", &smaps, NULL, NULL))
    return 0;

  lines = g_strsplit (smaps, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *end = NULL;
      guint64 lo = g_ascii_strtoull (lines[i], &end, 16);

      if (end != NULL && *end == '-')
        {
          guint64 hi = g_ascii_strtoull (end + 1, NULL, 16);

          in_shadow = lo >= shadow_start && hi <= shadow_end;
        }
      else if (in_shadow && g_str_has_prefix (lines[i], "Rss:"))
        kb += g_ascii_strtoull (lines[i] + strlen ("Rss:"), NULL, 10);
    }

  return kb;
#else
  return 0;
#endif
}

/* VmRSS from /proc/self/status, in kB. */
static guint64
read_vmrss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;

  line = strstr (status, "\nVmRSS:");
  return line != NULL ? g_ascii_strtoull (line + strlen ("\nVmRSS:"), NULL, 10) : 0;
}

static gsize
read_heap_bytes (void)
{
#ifdef __SANITIZE_ADDRESS__
  return __sanitizer_get_current_allocated_bytes ();
#else
  return 0;
#endif
}

/* Gives the memory the allocator holds free back to the system before
 * VmRSS is read, so that it counts what the app keeps, not what the
 * allocator happens to keep. That matters most under ASan: its quarantine
 * of freed memory and its per-size pools grow for minutes after the app's
 * own heap has stopped growing. */
static void
return_free_memory (void)
{
#ifdef __SANITIZE_ADDRESS__
  __sanitizer_purge_allocator ();
#elif defined (__GLIBC__)
  malloc_trim (0);
#endif
}

/* --heap-profile: the live heap by allocation stack, biggest first, as
 * deep as ASAN_OPTIONS' malloc_context_size lets ASan record. Comparing the
 * one after round 1 with the one at the end shows what grew. */
static void
print_heap_profile (const char *when)
{
#ifdef __SANITIZE_ADDRESS__
  fflush (stdout);
  fprintf (stderr, "thaw-soak: the live heap %s:\n", when);
  __sanitizer_print_memory_profile (90, 25);
#else
  fprintf (stderr, "thaw-soak: --heap-profile needs the ASan build\n");
#endif
}

static guint
count_threads (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  guint count = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    count++;

  return count;
}

/* The first figure of /proc/loadavg: how many threads wanted a core, on
 * average over the last minute. Above 2 on two cores, the main thread
 * waits for its turn whatever Thaw does. */
static char *
read_load (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return g_strdup ("unknown");

  return g_strndup (text, strcspn (text, " "));
}

static double
ms_since (gint64 start_us)
{
  return (g_get_monotonic_time () - start_us) / 1000.0;
}

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop, as the app's own loop would, until @done says so or
 * @seconds have passed. The soak itself runs inside one callback of the
 * app's loop; iterating the default context from there is what a modal
 * dialog's loop does. Returns whether @done was reached. */
static gboolean
run_until (gboolean (*done) (gpointer),
           gpointer   data,
           double     seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  guint wake_id = g_timeout_add (WAKE_MS, wake_cb, NULL);
  gboolean reached = FALSE;

  while (!(reached = done != NULL && done (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (wake_id);
  return reached;
}

static void
run_for (double seconds)
{
  run_until (NULL, NULL, seconds);
}

typedef struct
{
  guint frames;
  guint wanted;
} FrameCount;

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       data)
{
  ((FrameCount *) data)->frames++;
  return G_SOURCE_CONTINUE;
}

static gboolean
frames_done (gpointer data)
{
  FrameCount *count = data;

  return count->frames >= count->wanted;
}

/* Waits until the window has drawn @n more frames: then whatever the last
 * action asked of the main thread (a new page, its first layout) is done. */
static void
wait_frames (Soak *soak,
             guint n)
{
  FrameCount count = { 0, n };
  guint id;

  id = gtk_widget_add_tick_callback (GTK_WIDGET (soak->window), count_frame_cb, &count, NULL);
  run_until (frames_done, &count, 2.0);
  gtk_widget_remove_tick_callback (GTK_WIDGET (soak->window), id);
}

static void
object_gone_cb (gpointer  data,
                GObject  *where_the_object_was)
{
  g_atomic_int_add ((int *) data, -1);
}

static void
watch (GObject *object,
       int     *alive)
{
  g_atomic_int_inc (alive);
  g_object_weak_ref (object, object_gone_cb, alive);
}

static guint
watch_text_buffers (GtkWidget *widget,
                    int       *alive)
{
  guint count = 0;

  if (GTK_IS_TEXT_VIEW (widget))
    {
      watch (G_OBJECT (gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget))), alive);
      count++;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    count += watch_text_buffers (child, alive);

  return count;
}

static void
lesson_gone_cb (gpointer  data,
                GObject  *where_the_object_was)
{
  ((Soak *) data)->lesson_gone_at = g_get_monotonic_time ();
}

/* Starts watching the page on screen, unless it already is watched. */
static void
watch_page (Soak           *soak,
            ThawLessonPage *page)
{
  if (page == NULL || g_object_get_data (G_OBJECT (page), "thaw-soak-watched") != NULL)
    return;

  g_object_set_data (G_OBJECT (page), "thaw-soak-watched", GINT_TO_POINTER (TRUE));
  watch (G_OBJECT (page), &soak->pages_alive);
  watch (G_OBJECT (thaw_lesson_page_get_lesson (page)), &soak->lessons_alive);
  g_object_weak_ref (G_OBJECT (thaw_lesson_page_get_lesson (page)), lesson_gone_cb, soak);
  soak->buffers_per_page = watch_text_buffers (GTK_WIDGET (page), &soak->buffers_alive);
}

static ThawLesson *
current_lesson (Soak *soak)
{
  ThawLessonPage *page = thaw_window_get_lesson_page (soak->window);

  return page != NULL ? thaw_lesson_page_get_lesson (page) : NULL;
}

/* The lesson's job_state, as `thaw --report` would write it. */
static char *
get_job_state (ThawLesson *lesson)
{
  g_autoptr(JsonObject) report = thaw_test_lesson_report (lesson);

  return g_strdup (json_object_get_string_member_with_default (report, "job_state", "none"));
}

static gboolean
job_has_ended (gpointer data)
{
  g_autofree char *state = get_job_state (THAW_LESSON (data));

  return !g_str_equal (state, "running");
}

/* Seconds from @since to the latest beat after it: where in the run to look. */
static double
find_worst_beat (Soak   *soak,
                 gint64  since)
{
  g_autofree ThawHeartbeatSample *beats = g_new (ThawHeartbeatSample, RECENT_BEATS);
  guint n = thaw_heartbeat_copy_recent (soak->heartbeat, since, beats, RECENT_BEATS);
  guint worst = 0;

  for (guint i = 1; i < n; i++)
    if (beats[i].lateness_ms > beats[worst].lateness_ms)
      worst = i;

  return n > 0 ? (beats[worst].time_us - since) / (double) G_USEC_PER_SEC : 0;
}

static void
record_run (Soak                   *soak,
            LessonRow              *row,
            RoundRow               *round,
            Ending                  ending,
            double                  open_ms,
            double                  leave_ms,
            double                  seconds,
            double                  worst_at,
            const ThawLatencyStats *stats)
{
  g_autofree char *load = read_load ();

  row->runs++;
  row->endings[ending]++;
  row->worst_p99_ms = MAX (row->worst_p99_ms, stats->p99_ms);
  if (row->runs == 1 || stats->max_ms > row->worst_max_ms)
    {
      row->worst_max_ms = stats->max_ms;
      row->worst_max_p99_ms = stats->p99_ms;
      row->worst_round = round->round;
      row->worst_ending = ending;
    }

  if (round->worst_lesson == NULL || stats->max_ms > round->worst_max_ms)
    {
      round->worst_max_ms = stats->max_ms;
      round->worst_lesson = row->info->id;
    }
  round->weighted_mean_ms += stats->mean_ms * (double) stats->samples;
  round->samples += stats->samples;

  if (soak->verbose)
    {
      g_autofree char *leave = leave_ms > 0 ? g_strdup_printf ("%4.0f ms", leave_ms)
                                            : g_strdup ("     -");

      printf ("  round %u  %-13s opened in %4.0f ms (the lesson before closed in %s), "
              "%-6s after %5.2f s: %4" G_GUINT64_FORMAT " beats, p99 %6.1f ms, max %6.1f ms, "
              "%.2f s in\n",
              round->round, row->info->id, open_ms, leave, ending_names[ending], seconds,
              stats->samples, stats->p99_ms, stats->max_ms, worst_at);
      fflush (stdout);
    }

  if (stats->max_ms > thaw_test_lateness_bound_ms ())
    fail (soak, "round %u, lesson %s (%s after %.1f s): the main loop was %.0f ms late "
          "%.2f s into the run on workers (bound %.0f ms; load average %s)",
          round->round, row->info->id, ending_names[ending], seconds,
          stats->max_ms, worst_at, thaw_test_lateness_bound_ms (), load);
}

/* One visit: open the lesson, start its job, end the run in some way. A
 * switch leaves the job running; the next lesson opened ends it. */
static void
visit (Soak      *soak,
       LessonRow *row,
       RoundRow  *round)
{
  const char *id = row->info->id;
  ThawLesson *lesson;
  ThawLatencyStats stats;
  Ending planned, ending;
  int dice;
  gint64 t, since;
  double open_ms, leave_ms, seconds, worst_at;
  gboolean ended;

  set_where (id, "opening it");
  t = g_get_monotonic_time ();
  if (!thaw_window_show_lesson (soak->window, id))
    {
      fail (soak, "round %u: the window cannot show lesson %s", round->round, id);
      return;
    }
  open_ms = ms_since (t);
  /* How much of that went to closing the lesson before, if there was one
   * on screen (not the Python map): its dispose cancels and joins. */
  leave_ms = soak->lesson_gone_at > t ? (soak->lesson_gone_at - t) / 1000.0 : 0;
  row->open_max_ms = MAX (row->open_max_ms, open_ms);
  watch_page (soak, thaw_window_get_lesson_page (soak->window));
  lesson = current_lesson (soak);
  wait_frames (soak, 2);
  run_for (g_rand_double_range (soak->rand, 0.05, 0.3));

  /* Four in ten runs are left to finish, three stopped, three switched
   * away from; --quick stops or switches every one of them early. */
  dice = g_rand_int_range (soak->rand, 0, 10);
  if (soak->quick)
    planned = dice < 5 ? END_STOP : END_SWITCH;
  else
    planned = dice < 4 ? END_FINISH : dice < 7 ? END_STOP : END_SWITCH;

  set_where (id, "pressing start");
  t = g_get_monotonic_time ();
  if (!thaw_lesson_activate_verb (lesson, "start"))
    {
      fail (soak, "round %u, lesson %s: start could not be activated", round->round, id);
      return;
    }
  row->start_max_ms = MAX (row->start_max_ms, ms_since (t));

  set_where (id, "its job runs");
  wait_frames (soak, 1);
  since = g_get_monotonic_time ();

  if (planned == END_FINISH)
    ended = run_until (job_has_ended, lesson, FINISH_CAP_S);
  else
    ended = run_until (job_has_ended, lesson,
                       g_rand_double_range (soak->rand, 0.3, soak->quick ? 1.5 : 4.0));

  /* The run is over for the measure: now, before the stop or the switch
   * puts the main thread to work. */
  thaw_heartbeat_get_stats_since (soak->heartbeat, since, &stats);
  seconds = ms_since (since) / 1000.0;
  worst_at = find_worst_beat (soak, since);

  if (ended)
    {
      g_autofree char *state = get_job_state (lesson);

      ending = END_FINISH;
      if (!g_str_equal (state, "succeeded"))
        fail (soak, "round %u, lesson %s: the job ended \"%s\", not \"succeeded\"",
              round->round, id, state);
    }
  else
    {
      ending = planned == END_SWITCH ? END_SWITCH : END_STOP;
      if (planned == END_FINISH)
        row->capped++;
    }

  record_run (soak, row, round, ending, open_ms, leave_ms, seconds, worst_at, &stats);

  if (ending == END_STOP)
    {
      set_where (id, "pressing stop");
      t = g_get_monotonic_time ();
      thaw_lesson_activate_verb (lesson, "stop");
      set_where (id, "its job stops");
      if (!run_until (job_has_ended, lesson, STOP_BOUND_S))
        fail (soak, "round %u, lesson %s: the job still runs %.0f s after stop",
              round->round, id, STOP_BOUND_S);
      row->stop_max_ms = MAX (row->stop_max_ms, ms_since (t));
    }

  if (ending != END_SWITCH)
    {
      set_where (id, "its job has ended");
      run_for (g_rand_double_range (soak->rand, 0.0, 0.5));
      return;
    }

  /* Now and then leave through the Python map, which destroys the lesson
   * without building another one in the same go. */
  if (g_rand_int_range (soak->rand, 0, 4) == 0)
    {
      set_where (id, "leaving it for the Python map");
      t = g_get_monotonic_time ();
      thaw_window_show_python_map (soak->window);
      soak->python_map_max_ms = MAX (soak->python_map_max_ms, ms_since (t));
      wait_frames (soak, 1);
      run_for (g_rand_double_range (soak->rand, 0.05, 0.5));
    }
}

/* Brings the window to the same quiet state before each measure of memory:
 * the first lesson, nothing running. */
static void
settle (Soak *soak)
{
  const char *id = soak->rows[0].info->id;

  set_where (id, "settling");
  thaw_window_show_lesson (soak->window, id);
  watch_page (soak, thaw_window_get_lesson_page (soak->window));
  wait_frames (soak, 2);
  run_for (1.0);
}

static void
run_soak (Soak *soak)
{
  soak->started_at = g_get_monotonic_time ();
  soak->deadline = soak->started_at + (gint64) (soak->minutes * 60 * G_USEC_PER_SEC);

  for (guint r = 1; !soak->finished; r++)
    {
      RoundRow round = { .round = r };
      gint64 round_start = g_get_monotonic_time ();
      char *load;

      g_atomic_int_set (&where_round, (int) r);
      for (guint i = 0; i < soak->n_rows; i++)
        {
          /* Round one always runs to its end: it is the baseline. */
          if (r > 1 && g_get_monotonic_time () >= soak->deadline)
            {
              soak->finished = TRUE;
              break;
            }
          visit (soak, &soak->rows[i], &round);
        }

      if (r == soak->max_rounds || g_get_monotonic_time () >= soak->deadline)
        soak->finished = TRUE;

      round.seconds = ms_since (round_start) / 1000.0;
      if (round.samples > 0)
        round.weighted_mean_ms /= (double) round.samples;

      if (r == 1 || soak->finished)
        settle (soak);
      return_free_memory ();
      /* What the app holds, its heap in ASan's allocator included, and
       * ASan's shadow apart. */
      round.shadow_kb = read_shadow_kb ();
      round.rss_kb = read_vmrss_kb ();
      round.rss_kb -= MIN (round.rss_kb, round.shadow_kb);
      round.heap = read_heap_bytes ();
      round.threads = count_threads ();
      if (r == 1)
        {
          soak->rss_first_kb = round.rss_kb;
          soak->heap_first = round.heap;
          soak->threads_first = round.threads;
          if (soak->heap_profile)
            print_heap_profile ("after round 1");
        }
      if (soak->finished)
        {
          soak->rss_end_kb = round.rss_kb;
          soak->heap_end = round.heap;
          soak->threads_end = round.threads;
          soak->pages_alive_end = g_atomic_int_get (&soak->pages_alive);
          soak->lessons_alive_end = g_atomic_int_get (&soak->lessons_alive);
          soak->buffers_alive_end = g_atomic_int_get (&soak->buffers_alive);
          if (soak->heap_profile)
            print_heap_profile ("at the end");
        }

      load = read_load ();
      printf ("round %u: %5.1f s, worst max %6.1f ms (%s), mean %.2f ms, RSS %.1f MB "
              "(and ASan's shadow %.1f MB), heap %.1f MB, %u threads, alive: %d pages, %d lessons, %d text buffers; "
              "load average %s\n",
              r, round.seconds, round.worst_max_ms,
              round.worst_lesson ? round.worst_lesson : "-", round.weighted_mean_ms,
              round.rss_kb / 1024.0, round.shadow_kb / 1024.0, round.heap / 1048576.0, round.threads,
              g_atomic_int_get (&soak->pages_alive), g_atomic_int_get (&soak->lessons_alive),
              g_atomic_int_get (&soak->buffers_alive), load);
      g_free (load);
      fflush (stdout);
      g_array_append_val (soak->rounds, round);
    }

  set_where ("(quitting)", "quitting");
}

static gboolean
wait_for_heartbeat_cb (gpointer data)
{
  Soak *soak = data;

  /* The app starts its heartbeat once the window's first frame is drawn.
   * A window that never draws ends the soak; main() says so. */
  if (!thaw_heartbeat_is_running (soak->heartbeat))
    {
      if (g_get_monotonic_time () - soak->activated_at < HANG_S * G_USEC_PER_SEC)
        return G_SOURCE_CONTINUE;

      g_action_group_activate_action (G_ACTION_GROUP (soak->app), "quit", NULL);
      return G_SOURCE_REMOVE;
    }

  soak->window = THAW_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (soak->app)));
  run_soak (soak);
  g_action_group_activate_action (G_ACTION_GROUP (soak->app), "quit", NULL);

  return G_SOURCE_REMOVE;
}

static void
activated_cb (GApplication *app,
              Soak         *soak)
{
  soak->heartbeat = thaw_application_get_heartbeat (THAW_APPLICATION (app));
  soak->activated_at = g_get_monotonic_time ();
  g_timeout_add (50, wait_for_heartbeat_cb, soak);
}

static void
print_summary (Soak *soak)
{
  double total = ms_since (soak->started_at) / 1000.0;
  guint64 runs = 0;
  const LessonRow *worst = NULL;

  printf ("\nthaw-soak: %.1f min, %u rounds, seed %u; lateness while jobs ran on workers:\n\n",
          total / 60.0, soak->rounds->len, soak->seed);
  printf ("| lesson | runs | finish/stop/switch | worst max ms | its p99 ms | worst p99 ms | "
          "open max ms | start max ms | stop max ms |\n");
  printf ("|---|---:|:-:|---:|---:|---:|---:|---:|---:|\n");
  for (guint i = 0; i < soak->n_rows; i++)
    {
      const LessonRow *row = &soak->rows[i];
      g_autofree char *capped = row->capped ? g_strdup_printf (" (%u capped)", row->capped)
                                            : g_strdup ("");

      runs += row->runs;
      if (row->runs > 0 && (worst == NULL || row->worst_max_ms > worst->worst_max_ms))
        worst = row;
      printf ("| %s | %u | %u/%u/%u%s | %.1f (round %u, %s) | %.1f | %.1f | %.0f | %.0f | %.0f |\n",
              row->info->id, row->runs,
              row->endings[END_FINISH], row->endings[END_STOP], row->endings[END_SWITCH], capped,
              row->worst_max_ms, row->worst_round, ending_names[row->worst_ending],
              row->worst_max_p99_ms, row->worst_p99_ms,
              row->open_max_ms, row->start_max_ms, row->stop_max_ms);
    }

  printf ("\n%" G_GUINT64_FORMAT " runs; worst: %s, %.1f ms (bound %.0f ms)\n",
          runs, worst ? worst->info->id : "-", worst ? worst->worst_max_ms : 0.0, thaw_test_lateness_bound_ms ());
  if (soak->python_map_max_ms > 0)
    printf ("leaving a lesson for the Python map: at most %.0f ms\n", soak->python_map_max_ms);
  printf ("RSS: %.1f MB after round 1, %.1f MB at the end: %+.1f MB (bound +%d MB)\n",
          soak->rss_first_kb / 1024.0, soak->rss_end_kb / 1024.0,
          ((double) soak->rss_end_kb - (double) soak->rss_first_kb) / 1024.0,
          MAX_RSS_GROWTH_KB / 1024);
#ifdef __SANITIZE_ADDRESS__
  printf ("heap in use (ASan's count): %.1f MB after round 1, %.1f MB at the end\n",
          soak->heap_first / 1048576.0, soak->heap_end / 1048576.0);
#endif
  printf ("threads: %u after round 1, %u at the end\n", soak->threads_first, soak->threads_end);
  printf ("alive at the end: %d pages, %d lessons, %d text buffers (one page has %u)\n",
          soak->pages_alive_end, soak->lessons_alive_end, soak->buffers_alive_end,
          soak->buffers_per_page);
  printf ("warnings and criticals: %d\n", g_atomic_int_get (&n_warnings));
}

/* Lessons keep files in the user's folders (shutdown's must-finish file,
 * async-io's big file, errors' files in the temporary folder): the soak
 * gives them folders of its own, before GLib first looks. */
static char *
make_private_home (void)
{
  const char *tmp = g_getenv ("TMPDIR");
  /* g_mkdtemp(), not g_dir_make_tmp(): GLib would keep the temporary
   * folder it found then for the rest of the run, before TMPDIR changes. */
  char *home = g_build_filename (tmp != NULL && *tmp != '\0' ? tmp : "/tmp",
                                 "thaw-soak-XXXXXX", NULL);
  const char *const dirs[][2] = {
    { "XDG_CACHE_HOME", "cache" },
    { "XDG_DATA_HOME", "data" },
    { "XDG_CONFIG_HOME", "config" },
    { "TMPDIR", "tmp" },
  };

  if (g_mkdtemp (home) == NULL)
    g_error ("cannot make a folder for the soak: %s", g_strerror (errno));

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (home, dirs[i][1], NULL);

      g_mkdir (path, 0700);
      g_setenv (dirs[i][0], path, TRUE);
    }

  /* async-io writes a file of 1 GB by default; 64 MB still takes its
   * worker a good while to read and hash. */
  g_setenv ("THAW_ASYNC_IO_MB", "64", FALSE);

  return home;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(ThawApplication) app = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *home = NULL;
  const ThawLessonInfo *const *lessons;
  gint64 seed = -1;
  int max_rounds = 0;
  gboolean verbose = FALSE;
  gboolean heap_profile = FALSE;
  gboolean quick = FALSE;
  char *app_argv[] = { argv[0], NULL };
  GLogLevelFlags fatal;
  Soak soak = { 0 };
  GThread *watchdog;
  guint turned_id;
  int status;
  const GOptionEntry entries[] = {
    { "rounds", 'r', 0, G_OPTION_ARG_INT, &max_rounds, "Stop after N rounds, even with time left", "N" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed for the random choices (printed at the end)", "N" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Print a line for every run", NULL },
    { "quick", 'q', 0, G_OPTION_ARG_NONE, &quick,
      "Stop or leave every job within 1.5 s instead of letting some finish", NULL },
    { "heap-profile", 0, 0, G_OPTION_ARG_NONE, &heap_profile,
      "Print the live heap by allocation stack after round 1 and at the end (ASan build)", NULL },
    { NULL }
  };

  context = g_option_context_new ("[MINUTES] — every lesson's start and stop, over and over, in one Thaw");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "thaw-soak: %s\n", error->message);
      return 2;
    }

  soak.minutes = DEFAULT_MINUTES;
  if (argc > 1)
    {
      char *end = NULL;

      soak.minutes = g_ascii_strtod (argv[1], &end);
      if (argc > 2 || end == argv[1] || *end != '\0' || !(soak.minutes > 0 && soak.minutes <= 24 * 60))
        {
          fprintf (stderr, "thaw-soak: MINUTES must be one number above 0, not “%s”\n", argv[1]);
          return 2;
        }
    }

  home = make_private_home ();

  warnings = g_ptr_array_new_with_free_func (g_free);
  /* Read which levels abort (G_DEBUG=fatal-warnings adds warnings and
   * criticals) by setting the mask and putting it back. */
  fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_log_set_always_fatal (fatal);
  warnings_are_fatal = (fatal & G_LOG_LEVEL_WARNING) != 0;
  g_log_set_writer_func (log_writer_cb, NULL, NULL);

  soak.seed = seed >= 0 ? (guint32) seed : (guint32) g_get_real_time ();
  soak.rand = g_rand_new_with_seed (soak.seed);
  soak.max_rounds = max_rounds > 0 ? (guint) max_rounds : 0;
  soak.verbose = verbose;
  soak.heap_profile = heap_profile;
  soak.quick = quick;
  soak.failures = g_ptr_array_new_with_free_func (g_free);
  soak.rounds = g_array_new (FALSE, TRUE, sizeof (RoundRow));
  lessons = thaw_lessons_get_all (&soak.n_rows);
  soak.rows = g_new0 (LessonRow, soak.n_rows);
  for (guint i = 0; i < soak.n_rows; i++)
    soak.rows[i].info = lessons[i];

  printf ("thaw-soak: %u lessons for %.1f min%s, seed %u\n", soak.n_rows, soak.minutes,
          soak.max_rounds ? " (or the rounds asked for)" : "", soak.seed);
  fflush (stdout);

  app = thaw_application_new ();
  /* The soak's Thaw is an instance of its own, as a scripted run is. */
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) | G_APPLICATION_NON_UNIQUE);
  soak.app = G_APPLICATION (app);
  g_signal_connect_after (app, "activate", G_CALLBACK (activated_cb), &soak);

  loop_turned_at = g_get_monotonic_time ();
  turned_id = g_timeout_add (100, loop_turned_cb, NULL);
  watchdog = g_thread_new ("thaw-soak-watch", watchdog_thread, NULL);

  status = g_application_run (G_APPLICATION (app), 1, app_argv);

  g_source_remove (turned_id);
  g_mutex_lock (&watchdog_lock);
  watchdog_done = TRUE;
  g_cond_signal (&watchdog_wake);
  g_mutex_unlock (&watchdog_lock);
  g_thread_join (watchdog);
  if (status != 0)
    fail (&soak, "the application exited with status %d", status);
  else if (soak.rounds->len == 0)
    fail (&soak, "the soak never started: the window's first frame never came");

  print_summary (&soak);

  /* The end of the run had settled on one page: anything more is kept
   * alive by something that should have let go. */
  if (soak.pages_alive_end > 1 || soak.lessons_alive_end > 1 ||
      soak.buffers_alive_end > (int) soak.buffers_per_page)
    fail (&soak, "closed lessons are still alive: %d pages, %d lessons and %d text buffers "
          "where one page, one lesson and %u buffers should be",
          soak.pages_alive_end, soak.lessons_alive_end, soak.buffers_alive_end,
          soak.buffers_per_page);

  if (soak.rss_end_kb > soak.rss_first_kb + MAX_RSS_GROWTH_KB)
    fail (&soak, "resident memory grew by %.1f MB from the end of round 1 to the end (bound %d MB)",
          (soak.rss_end_kb - soak.rss_first_kb) / 1024.0, MAX_RSS_GROWTH_KB / 1024);

  g_mutex_lock (&warnings_lock);
  for (guint i = 0; i < warnings->len; i++)
    fail (&soak, "%s", (const char *) g_ptr_array_index (warnings, i));
  g_mutex_unlock (&warnings_lock);

  thaw_test_remove_tree (home);

  if (soak.failures->len > 0)
    {
      fprintf (stderr, "thaw-soak: FAILED, %u problem%s (listed above)\n",
               soak.failures->len, soak.failures->len == 1 ? "" : "s");
      status = 1;
    }
  else
    {
      printf ("thaw-soak: passed (LeakSanitizer, in an ASan build, checks as the process exits)\n");
      status = 0;
    }

  g_clear_pointer (&soak.failures, g_ptr_array_unref);
  g_clear_pointer (&soak.rounds, g_array_unref);
  g_clear_pointer (&soak.rand, g_rand_free);
  g_free (soak.rows);

  return status;
}
