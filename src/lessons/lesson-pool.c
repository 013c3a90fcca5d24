/* lesson-pool.c — Thread pools
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two hundred small tasks, each a few milliseconds of work, run in three
 * ways:
 *
 *   lesson.thread-per-task   one g_thread_new() per task: 200 threads. A
 *                            helper thread starts them and joins them, so
 *                            that no join ever waits on the main loop.
 *
 *   lesson.start             a GThreadPool of its own with one thread per
 *                            core, fed the 200 tasks through its queue.
 *
 *   lesson.gtask             one GTask per task, run with
 *                            g_task_run_in_thread() on GLib's shared pool;
 *                            each result comes back to a callback on the
 *                            main loop.
 *
 *   lesson.compare           all three, one after the other.
 *   lesson.stop              cancels the run.
 *
 * Results are shown twice: as they complete, and in the order the tasks
 * were submitted. Every task also writes a line to the log naming the
 * thread it ran on, with g_log_structured(), and the lesson shows those
 * lines too. The tasks per second of each way are measured and compared.
 *
 * Read it top to bottom: the task, what the workers share with the main
 * thread, the three ways of running tasks, and then the widget.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <gio/gio.h>
#include <time.h>

#ifdef __linux__
# include <sys/prctl.h>
# include <sys/syscall.h>
# include <unistd.h>
#endif

#include "thaw-lesson.h"
#include "thaw-priority.h"
#include "thaw-tsan.h"

#define N_TASKS 200
/* The log view keeps this many lines; older ones scroll away for good. */
#define MAX_LOG_LINES 1000

typedef enum
{
  WAY_THREAD_PER_TASK,
  WAY_POOL,
  WAY_GTASK,
  N_WAYS
} Way;

/* Ids for reports and log lines, never translated. */
static const char *const way_ids[N_WAYS] = { "thread-per-task", "pool", "gtask" };
static const char *const way_keys[N_WAYS] = { "thread_per_task", "pool", "gtask" };

/* One task, on whatever thread runs it. No GTK here. */

/* What a task hands back: its number, what it computed, and where. */
typedef struct
{
  guint index;              /* its place in the order of submission */
  guint32 fingerprint;      /* what it computed */
  double ms;                /* how long it took */
  long tid;                 /* the kernel's id of the thread that ran it */
  char thread_name[16];     /* that thread's name, as the kernel knows it */
} TaskResult;

/* The name the kernel (and so `top -H`, gdb and the log) shows for the
 * calling thread: g_thread_new() sets it; GLib's pool threads are called
 * "pool-" and the program's name. Linux keeps 15 bytes of it. */
static void
get_thread_name (char name[16])
{
  memset (name, 0, 16);
#ifdef __linux__
  prctl (PR_GET_NAME, name);
#else
  g_strlcpy (name, "?", 16);
#endif
}

static void
set_thread_name (const char *name)
{
#ifdef __linux__
  prctl (PR_SET_NAME, name);
#endif
}

static long
get_thread_id (void)
{
#ifdef __linux__
  return (long) syscall (SYS_gettid);
#else
  return 0;
#endif
}

/* A task's answer: the FNV-1a hash of its number. The main thread checks it,
 * so a result delivered for the wrong task would be caught. */
static guint32
fingerprint (guint index)
{
  guint32 hash = 2166136261u;

  for (guint i = 0; i < sizeof index; i++)
    hash = (hash ^ ((index >> (8 * i)) & 0xff)) * 16777619u;

  return hash;
}

/* Some tasks are short and some long, as in life: from a quarter to one and
 * three quarters of the set length, always the same for the same task. */
static gint64
task_length_us (guint index,
                guint work_ms)
{
  double spread = ((index * 37u + 11u) % 100u) / 100.0;

  return (gint64) (work_ms * 1000.0 * (0.25 + 1.5 * spread));
}

/* CPU time this thread has used. Wall time would be wrong here: with 200
 * threads on two cores, each gets the CPU only now and then, and a task
 * that spun until a wall-clock deadline would do less work, not more. */
static gint64
thread_cpu_time_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* The task's work: computing (using up CPU time), or waiting like a task
 * that waits for a network or a disk (using none). */
static void
do_work (guint         index,
         guint         work_ms,
         gboolean      waits,
         GCancellable *cancellable)
{
  gint64 length = task_length_us (index, work_ms);

  if (waits)
    {
      gint64 until = g_get_monotonic_time () + length;
      gint64 now;

      while ((now = g_get_monotonic_time ()) < until &&
             !g_cancellable_is_cancelled (cancellable))
        g_usleep (MIN (until - now, 1000));
    }
  else
    {
      gint64 start = thread_cpu_time_us ();
      volatile guint32 sink = 0;

      while (thread_cpu_time_us () - start < length &&
             !g_cancellable_is_cancelled (cancellable))
        for (guint i = 0; i < 2000; i++)
          sink = sink * 31u + i;
    }
}

/* What the workers and the main thread share.
 *
 * Workers add finished tasks and log lines under the lock; a delivery on the
 * main loop takes them all at once. As in every lesson, at most one delivery
 * waits on the main loop at a time, however many tasks finish meanwhile.
 */
typedef struct
{
  gatomicrefcount ref_count;
  Way way;
  guint work_ms;
  gboolean waits;
  GCancellable *cancellable;
  GWeakRef lesson;               /* main thread only */

  GMutex lock;
  GArray *finished;              /* TaskResult, since the last delivery */
  GString *log;                  /* log lines, since the last delivery */
  gboolean all_joined;           /* thread per task: every thread joined */
  GError *error;                 /* the first thing that went wrong */
  gboolean delivery_pending;

  int n_pool_threads;            /* pool threads named so far (atomic) */
} Run;

static Run *
run_new (gpointer lesson,
         Way      way,
         guint    work_ms,
         gboolean waits)
{
  Run *run = g_new0 (Run, 1);

  g_atomic_ref_count_init (&run->ref_count);
  run->way = way;
  run->work_ms = work_ms;
  run->waits = waits;
  run->cancellable = g_cancellable_new ();
  g_weak_ref_init (&run->lesson, lesson);
  g_mutex_init (&run->lock);
  run->finished = g_array_new (FALSE, FALSE, sizeof (TaskResult));
  run->log = g_string_new (NULL);

  return run;
}

static Run *
run_ref (Run *run)
{
  g_atomic_ref_count_inc (&run->ref_count);
  return run;
}

static void
run_unref (Run *run)
{
  if (!g_atomic_ref_count_dec (&run->ref_count))
    return;

  /* The last reference may be dropped on any thread. */
  g_weak_ref_clear (&run->lesson);
  g_object_unref (run->cancellable);
  g_mutex_clear (&run->lock);
  g_array_unref (run->finished);
  g_string_free (run->log, TRUE);
  g_clear_error (&run->error);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_unref)

static gboolean deliver_cb (gpointer data);

/* Under the lock: make sure one delivery is on its way. */
static void
schedule_delivery_locked (Run *run)
{
  if (run->delivery_pending)
    return;

  run->delivery_pending = TRUE;
  /* The idle holds a reference: the run outlives it whatever happens. */
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, deliver_cb, run_ref (run),
                   (GDestroyNotify) run_unref);
}

/* Writes a task's line to the program's structured log (see it with
 * G_MESSAGES_DEBUG=Thaw), with the thread name in a field of its own too,
 * so that journald can filter on it. Returns the line, for the lesson's own
 * log view: the program's log writer belongs to the whole program, and a
 * lesson must not take it over. */
static char *
log_task (Way               way,
          const TaskResult *result)
{
  char *line = g_strdup_printf ("%-15s tid %-7ld %-15s task %3u done in %5.1f ms",
                                result->thread_name, result->tid, way_ids[way],
                                result->index, result->ms);

  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_DEBUG,
                    "THAW_THREAD", result->thread_name,
                    "MESSAGE", "%s", line);

  return line;
}

/* Runs task @index on the calling thread and fills in @result. */
static void
run_task (Run        *run,
          guint       index,
          TaskResult *result)
{
  gint64 start = g_get_monotonic_time ();

  do_work (index, run->work_ms, run->waits, run->cancellable);

  result->index = index;
  result->fingerprint = fingerprint (index);
  result->ms = (g_get_monotonic_time () - start) / 1000.0;
  result->tid = get_thread_id ();
  get_thread_name (result->thread_name);
}

/* A worker hands over its log line, and its result unless that travels
 * another way (GTask's). */
static void
publish (Run              *run,
         const TaskResult *result,
         gboolean          with_result)
{
  /* Outside the lock: writing a log may wait for a terminal or journald,
   * and two hundred threads should not queue behind it. */
  g_autofree char *line = log_task (run->way, result);

  thaw_mutex_lock (&run->lock);
  g_string_append (run->log, line);
  g_string_append_c (run->log, '\n');
  if (with_result)
    g_array_append_val (run->finished, *result);
  schedule_delivery_locked (run);
  thaw_mutex_unlock (&run->lock);
}

static void
publish_error (Run    *run,
               GError *error)
{
  thaw_mutex_lock (&run->lock);
  if (run->error == NULL)
    run->error = g_error_copy (error);
  schedule_delivery_locked (run);
  thaw_mutex_unlock (&run->lock);
}

/* Way 1: a thread per task. */

typedef struct
{
  Run *run;
  guint index;
} TaskArgs;

static TaskArgs *
task_args_new (Run   *run,
               guint  index)
{
  TaskArgs *args = g_new (TaskArgs, 1);

  args->run = run_ref (run);
  args->index = index;

  return args;
}

static void
task_args_free (TaskArgs *args)
{
  run_unref (args->run);
  g_free (args);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaskArgs, task_args_free)

/* The whole life of one of the 200 threads: one task. */
static gpointer
one_task_thread (gpointer data)
{
  g_autoptr(TaskArgs) args = data;
  TaskResult result;

  thaw_thread_set_background_priority ();

  run_task (args->run, args->index, &result);
  if (!g_cancellable_is_cancelled (args->run->cancellable))
    publish (args->run, &result, TRUE);

  return NULL;
}

/* The helper that starts the 200 threads and joins them. Joining takes as
 * long as the slowest task, which is why it happens here and not on the
 * main loop. */
static gpointer
start_and_join_thread (gpointer data)
{
  g_autoptr(Run) run = data;
  GThread *threads[N_TASKS];
  guint n_started = 0;

  /* Threads inherit this priority from the thread that starts them. */
  thaw_thread_set_background_priority ();

  for (guint i = 0; i < N_TASKS; i++)
    {
      g_autoptr(GError) error = NULL;
      TaskArgs *args;
      char name[16];

      if (g_cancellable_is_cancelled (run->cancellable))
        break;

      g_snprintf (name, sizeof name, "thaw-task-%u", i);
      args = task_args_new (run, i);
      threads[i] = g_thread_try_new (name, one_task_thread, args, &error);
      if (threads[i] == NULL)
        {
          /* The thread never started, so its arguments are still ours. The
           * system is out of threads: stop starting more. */
          task_args_free (args);
          g_prefix_error (&error, _("Could not start thread %u of %u: "), i + 1, N_TASKS);
          publish_error (run, error);
          g_cancellable_cancel (run->cancellable);
          break;
        }
      n_started++;
    }

  for (guint i = 0; i < n_started; i++)
    g_thread_join (threads[i]);

  thaw_mutex_lock (&run->lock);
  run->all_joined = TRUE;
  schedule_delivery_locked (run);
  thaw_mutex_unlock (&run->lock);

  return NULL;
}

/* Way 2: a pool of our own. */

/* The first time a thread of our pool runs a task, it is a thread we have
 * not met: give it a name of its own (GLib calls all of them "pool-" and
 * the program's name) and background priority. Both stay with the thread
 * for its life, which is fine because an exclusive pool's threads serve
 * nobody else (and end with the pool: see class_init). */
static void
meet_pool_thread (Run *run)
{
  char name[16];

  get_thread_name (name);
  if (g_str_has_prefix (name, "thaw-pool-"))
    return;

  g_snprintf (name, sizeof name, "thaw-pool-%d",
              g_atomic_int_add (&run->n_pool_threads, 1) + 1);
  set_thread_name (name);
  thaw_thread_set_background_priority ();
}

/* The pool calls this on one of its threads, once per g_thread_pool_push().
 * The task number comes in @data, plus one: a pool item must not be NULL. */
static void
pool_task_func (gpointer data,
                gpointer user_data)
{
  Run *run = user_data;
  guint index = GPOINTER_TO_UINT (data) - 1;
  TaskResult result;

  meet_pool_thread (run);

  if (g_cancellable_is_cancelled (run->cancellable))
    return;

  run_task (run, index, &result);
  publish (run, &result, TRUE);
}

/* Way 3: GTask on GLib's pool. */

/* Runs on one of GLib's threads. Those threads are shared by all of GIO
 * (every *_async() call that needs a thread uses them) and outlive this
 * task, so it leaves their name and priority as they are. */
static void
gtask_thread_func (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  TaskArgs *args = task_data;
  TaskResult *result;

  if (g_task_return_error_if_cancelled (task))
    return;

  result = g_new (TaskResult, 1);
  run_task (args->run, args->index, result);

  /* Only the log line takes the shared route; the result travels in the
   * GTask, to the callback on the main loop. */
  publish (args->run, result, FALSE);

  /* GTask hands the pointer over through GLib's own lock: say so to TSan. */
  THAW_TSAN_RELEASE (result);
  g_task_return_pointer (task, result, g_free);
}

/* The widget. Everything below runs on the main thread. */

typedef struct
{
  gboolean measured;
  double seconds;
  double tasks_per_second;
  guint results;
  guint duplicates;
  guint wrong;
  guint threads;
  gboolean in_order;
} WayFigures;

#define THAW_TYPE_LESSON_POOL (thaw_lesson_pool_get_type ())
G_DECLARE_FINAL_TYPE (ThawLessonPool, thaw_lesson_pool, THAW, LESSON_POOL, ThawLesson)

struct _ThawLessonPool
{
  ThawLesson parent_instance;

  GtkSpinButton *work_spin;
  GtkSwitch *waits_switch;
  GtkSpinButton *threads_spin;
  GtkProgressBar *completed_bar;
  GtkProgressBar *in_order_bar;
  GtkLabel *status;
  AdwActionRow *way_rows[N_WAYS];
  GtkLevelBar *way_bars[N_WAYS];
  GtkTextView *completed_view;
  GtkTextView *in_order_view;
  GtkTextView *log_view;

  /* The run in progress, and what runs it. */
  Run *run;
  GThreadPool *pool;
  GThread *starter;
  guint pool_size;
  gint64 started_at;
  Way queue[N_WAYS];           /* ways still to run after this one */
  guint n_queued;

  /* What this run has received so far. */
  TaskResult results[N_TASKS];
  gboolean received[N_TASKS];
  guint n_received;
  guint n_duplicates;
  guint n_wrong;
  guint next_in_order;         /* the next task the ordered view waits for */
  guint n_callbacks;           /* GTask: callbacks so far, results or not */
  GHashTable *threads_seen;    /* kernel thread ids */
  GError *error;

  /* For --report. */
  const char *state;
  Way last_way;
  gboolean any_run;
  guint log_lines;
  WayFigures figures[N_WAYS];
};

G_DEFINE_FINAL_TYPE (ThawLessonPool, thaw_lesson_pool, THAW_TYPE_LESSON)

static const char *
way_title (Way way)
{
  switch (way)
    {
    case WAY_THREAD_PER_TASK:
      return _("A thread per task");
    case WAY_POOL:
      return _("GThreadPool");
    case WAY_GTASK:
      return _("GTask");
    case N_WAYS:
    default:
      g_return_val_if_reached (NULL);
    }
}

static void
set_running (ThawLessonPool *self,
             gboolean        running)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.start", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.thread-per-task", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.gtask", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.compare", !running);
  thaw_lesson_set_busy (THAW_LESSON (self), running);
}

static void
append_text (GtkTextView *view,
             const char  *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, text, -1);
}

static void
scroll_to_end (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);

  gtk_text_view_scroll_to_mark (view, gtk_text_buffer_get_mark (buffer, "end"), 0, FALSE, 0, 0);
}

/* One line of a results view. It begins with the task number, which is how
 * the ordered view is checked at the end of a run. */
static void
append_result_line (GtkTextView      *view,
                    const TaskResult *result)
{
  g_autofree char *line = g_strdup_printf ("#%-3u  %08x  %-15s %5.1f ms\n",
                                           result->index, result->fingerprint,
                                           result->thread_name, result->ms);

  append_text (view, line);
}

static void
append_log (ThawLessonPool *self,
            const char     *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->log_view);
  int excess;

  if (*text == '\0')
    return;

  append_text (self->log_view, text);

  /* Keep the log bounded: drop its oldest lines. */
  excess = gtk_text_buffer_get_line_count (buffer) - 1 - MAX_LOG_LINES;
  if (excess > 0)
    {
      GtkTextIter start, cut;

      gtk_text_buffer_get_start_iter (buffer, &start);
      gtk_text_buffer_get_iter_at_line (buffer, &cut, excess);
      gtk_text_buffer_delete (buffer, &start, &cut);
    }

  self->log_lines = gtk_text_buffer_get_line_count (buffer) - 1;
  scroll_to_end (self->log_view);
}

/* A result reaches the main thread: record it once, show it as completed,
 * and let the ordered view catch up as far as it can. */
static void
receive_result (ThawLessonPool   *self,
                const TaskResult *result)
{
  guint i = result->index;

  if (i >= N_TASKS || self->received[i])
    {
      self->n_duplicates++;
      return;
    }

  if (result->fingerprint != fingerprint (i))
    self->n_wrong++;

  self->received[i] = TRUE;
  self->results[i] = *result;
  self->n_received++;
  g_hash_table_add (self->threads_seen, GINT_TO_POINTER ((int) result->tid));

  append_result_line (self->completed_view, result);

  /* In submission order, task 7 can only be shown once tasks 0 to 6 have
   * been: this is what Python's Executor.map() waits for. */
  while (self->next_in_order < N_TASKS && self->received[self->next_in_order])
    append_result_line (self->in_order_view, &self->results[self->next_in_order++]);
}

static void
show_progress (ThawLessonPool *self)
{
  g_autofree char *completed = NULL;
  g_autofree char *in_order = NULL;

  gtk_progress_bar_set_fraction (self->completed_bar, (double) self->n_received / N_TASKS);
  /* Translators: results of tasks received so far, in whatever order. */
  completed = g_strdup_printf (_("As completed: %u of %u"), self->n_received, N_TASKS);
  gtk_progress_bar_set_text (self->completed_bar, completed);

  gtk_progress_bar_set_fraction (self->in_order_bar, (double) self->next_in_order / N_TASKS);
  /* Translators: results that can be shown in the order tasks were submitted. */
  in_order = g_strdup_printf (_("In submission order: %u of %u"), self->next_in_order, N_TASKS);
  gtk_progress_bar_set_text (self->in_order_bar, in_order);

  scroll_to_end (self->completed_view);
  scroll_to_end (self->in_order_view);
}

/* Reads the ordered view back: line n must be task n, for every result. */
static gboolean
ordered_view_is_in_order (ThawLessonPool *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->in_order_view);
  int n_lines = gtk_text_buffer_get_line_count (buffer) - 1;

  if (n_lines != (int) self->n_received)
    return FALSE;

  for (int line = 0; line < n_lines; line++)
    {
      GtkTextIter start, end;
      g_autofree char *text = NULL;

      gtk_text_buffer_get_iter_at_line (buffer, &start, line);
      end = start;
      gtk_text_iter_forward_to_line_end (&end);
      text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
      if (text[0] != '#' || g_ascii_strtoull (text + 1, NULL, 10) != (guint64) line)
        return FALSE;
    }

  return TRUE;
}

static void
show_way_figures (ThawLessonPool *self)
{
  double best = 0;

  for (Way way = 0; way < N_WAYS; way++)
    if (self->figures[way].measured)
      best = MAX (best, self->figures[way].tasks_per_second);

  for (Way way = 0; way < N_WAYS; way++)
    {
      const WayFigures *figures = &self->figures[way];
      g_autofree char *subtitle = NULL;

      if (!figures->measured)
        continue;

      subtitle = g_strdup_printf (ngettext ("%.0f tasks per second · %.2f s · %u thread",
                                            "%.0f tasks per second · %.2f s · %u threads",
                                            figures->threads),
                                  figures->tasks_per_second, figures->seconds, figures->threads);
      adw_action_row_set_subtitle (self->way_rows[way], subtitle);
      gtk_level_bar_set_value (self->way_bars[way],
                               best > 0 ? figures->tasks_per_second / best : 0);
    }
}

static void start_way (ThawLessonPool *self,
                       Way             way);

/* The end of a run, however it ended. The run's threads are all done. */
static void
finish_run (ThawLessonPool *self)
{
  g_autoptr(Run) run = g_steal_pointer (&self->run);
  gboolean cancelled = g_cancellable_is_cancelled (run->cancellable);
  double seconds = (g_get_monotonic_time () - self->started_at) / (double) G_USEC_PER_SEC;
  g_autofree char *leftover_log = NULL;

  /* Log lines written after the last delivery was scheduled may still be
   * waiting in the run: take them now, the run's deliveries end here. */
  thaw_mutex_lock (&run->lock);
  leftover_log = g_strdup (run->log->str);
  g_string_truncate (run->log, 0);
  if (self->error == NULL && run->error != NULL)
    self->error = g_error_copy (run->error);
  thaw_mutex_unlock (&run->lock);
  append_log (self, leftover_log);

  show_progress (self);

  if (self->error != NULL)
    {
      self->state = "failed";
      gtk_label_set_text (self->status, self->error->message);
      self->n_queued = 0;
    }
  else if (cancelled)
    {
      self->state = "cancelled";
      gtk_label_set_text (self->status, _("Stopped."));
      self->n_queued = 0;
    }
  else
    {
      WayFigures *figures = &self->figures[run->way];

      figures->measured = TRUE;
      figures->seconds = seconds;
      figures->tasks_per_second = self->n_received / seconds;
      figures->results = self->n_received;
      figures->duplicates = self->n_duplicates;
      figures->wrong = self->n_wrong;
      figures->threads = g_hash_table_size (self->threads_seen);
      figures->in_order = ordered_view_is_in_order (self);
      show_way_figures (self);

      self->state = "succeeded";
      gtk_label_set_text (self->status,
                          figures->in_order ? _("Done. Every result arrived once, and the ordered list is in order.")
                                            : _("Done, but the ordered list is out of order."));
    }

  set_running (self, FALSE);

  /* lesson.compare: on to the next way. */
  if (self->n_queued > 0)
    {
      Way next = self->queue[0];

      self->n_queued--;
      for (guint i = 0; i < self->n_queued; i++)
        self->queue[i] = self->queue[i + 1];
      start_way (self, next);
    }
}

/* Has the run's last piece of news arrived? */
static void
finish_if_done (ThawLessonPool *self,
                gboolean        all_joined)
{
  switch (self->run->way)
    {
    case WAY_THREAD_PER_TASK:
      if (!all_joined)
        return;
      /* The starter has joined every task thread and is returning, so this
       * join waits microseconds. */
      g_thread_join (g_steal_pointer (&self->starter));
      break;

    case WAY_POOL:
      if (self->n_received < N_TASKS)
        return;
      /* Every task has handed in its result, so every thread of the pool is
       * idle or about to be: freeing the pool waits microseconds, and its
       * threads end. */
      g_thread_pool_free (g_steal_pointer (&self->pool), TRUE, TRUE);
      break;

    case WAY_GTASK:
      if (self->n_callbacks < N_TASKS)
        return;
      break;

    case N_WAYS:
    default:
      g_assert_not_reached ();
    }

  finish_run (self);
}

/* A delivery from the workers, on the main thread. */
static gboolean
deliver_cb (gpointer data)
{
  Run *run = data;
  g_autoptr(ThawLessonPool) self = NULL;
  g_autoptr(GArray) finished = NULL;
  g_autofree char *log = NULL;
  g_autoptr(GError) error = NULL;
  gboolean all_joined;

  /* Take everything at once, and clear the flag in the same breath: news
   * stored after this schedules a new delivery. */
  thaw_mutex_lock (&run->lock);
  run->delivery_pending = FALSE;
  finished = g_steal_pointer (&run->finished);
  run->finished = g_array_new (FALSE, FALSE, sizeof (TaskResult));
  log = g_strdup (run->log->str);
  g_string_truncate (run->log, 0);
  all_joined = run->all_joined;
  if (run->error != NULL)
    error = g_error_copy (run->error);
  thaw_mutex_unlock (&run->lock);

  /* The lesson may be gone, or busy with another run. */
  self = g_weak_ref_get (&run->lesson);
  if (self == NULL || self->run != run)
    return G_SOURCE_REMOVE;

  if (self->error == NULL && error != NULL)
    self->error = g_steal_pointer (&error);

  append_log (self, log);
  for (guint i = 0; i < finished->len; i++)
    receive_result (self, &g_array_index (finished, TaskResult, i));
  show_progress (self);

  finish_if_done (self, all_joined);

  return G_SOURCE_REMOVE;
}

/* GTask: the callback, on the main loop, once per task. */
static void
gtask_done_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(Run) run = data;
  g_autoptr(ThawLessonPool) self = g_weak_ref_get (&run->lesson);
  g_autoptr(GError) error = NULL;
  g_autofree TaskResult *task_result = NULL;

  task_result = g_task_propagate_pointer (G_TASK (result), &error);
  if (task_result != NULL)
    THAW_TSAN_ACQUIRE (task_result);

  if (self == NULL || self->run != run)
    return;

  self->n_callbacks++;
  if (task_result != NULL)
    receive_result (self, task_result);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->error == NULL)
    self->error = g_steal_pointer (&error);

  /* A hundred callbacks may run in one frame; the bars need to be set
   * once per frame at most, but setting them is cheap. */
  show_progress (self);
  finish_if_done (self, FALSE);
}

static void
reset_views (ThawLessonPool *self)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->completed_view), "", -1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->in_order_view), "", -1);

  memset (self->received, 0, sizeof self->received);
  self->n_received = 0;
  self->n_duplicates = 0;
  self->n_wrong = 0;
  self->next_in_order = 0;
  self->n_callbacks = 0;
  g_hash_table_remove_all (self->threads_seen);
  g_clear_error (&self->error);
  show_progress (self);
}

static void
start_thread_per_task (ThawLessonPool *self)
{
  g_autoptr(GError) error = NULL;

  /* The starter gets a reference of its own and drops it when it returns. */
  self->starter = g_thread_try_new ("thaw-starter", start_and_join_thread,
                                    run_ref (self->run), &error);
  if (self->starter == NULL)
    {
      run_unref (self->run);
      self->error = g_steal_pointer (&error);
      finish_run (self);
    }
}

static void
start_pool (ThawLessonPool *self)
{
  g_autoptr(GError) error = NULL;

  /* Exclusive: the pool starts its threads now and keeps them to itself
   * until it is freed. The pool borrows our reference to the run, which we
   * keep until the pool is freed. */
  self->pool = g_thread_pool_new (pool_task_func, self->run, self->pool_size, TRUE, &error);
  if (self->pool == NULL)
    {
      self->error = g_steal_pointer (&error);
      finish_run (self);
      return;
    }

  /* Pushing only queues the task: the main loop never waits here. */
  for (guint i = 0; i < N_TASKS; i++)
    g_thread_pool_push (self->pool, GUINT_TO_POINTER (i + 1), NULL);
}

static void
start_gtasks (ThawLessonPool *self)
{
  for (guint i = 0; i < N_TASKS; i++)
    {
      /* No source object: a GTask keeps its source object alive until the
       * callback has run, and the lesson must be free to go before that.
       * The callback gets a reference to the run, which knows the lesson
       * only weakly. */
      g_autoptr(GTask) task = g_task_new (NULL, self->run->cancellable,
                                          gtask_done_cb, run_ref (self->run));

      g_task_set_source_tag (task, start_gtasks);
      g_task_set_task_data (task, task_args_new (self->run, i), (GDestroyNotify) task_args_free);
      g_task_run_in_thread (task, gtask_thread_func);
    }
}

static void
start_way (ThawLessonPool *self,
           Way             way)
{
  g_autofree char *header = NULL;

  if (self->run != NULL)
    return;

  self->run = run_new (self, way,
                       gtk_spin_button_get_value_as_int (self->work_spin),
                       gtk_switch_get_active (self->waits_switch));
  self->pool_size = gtk_spin_button_get_value_as_int (self->threads_spin);
  self->started_at = g_get_monotonic_time ();
  self->state = "running";
  self->last_way = way;
  self->any_run = TRUE;
  reset_views (self);
  set_running (self, TRUE);

  header = g_strdup_printf ("-- %s: %u tasks, %u ms each on average%s --\n",
                            way_ids[way], N_TASKS, self->run->work_ms,
                            self->run->waits ? " (waiting)" : "");
  append_log (self, header);

  switch (way)
    {
    case WAY_THREAD_PER_TASK:
      gtk_label_set_text (self->status, _("Starting a thread for each task…"));
      start_thread_per_task (self);
      break;

    case WAY_POOL:
      gtk_label_set_text (self->status, _("Feeding the tasks to a pool of threads…"));
      start_pool (self);
      break;

    case WAY_GTASK:
      gtk_label_set_text (self->status, _("Running each task as a GTask on GLib’s pool…"));
      start_gtasks (self);
      break;

    case N_WAYS:
    default:
      g_assert_not_reached ();
    }
}

/* lesson.start: the pool. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  start_way (THAW_LESSON_POOL (widget), WAY_POOL);
}

static void
thread_per_task_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  start_way (THAW_LESSON_POOL (widget), WAY_THREAD_PER_TASK);
}

static void
gtask_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  start_way (THAW_LESSON_POOL (widget), WAY_GTASK);
}

/* lesson.compare: the three ways, one after the other. */
static void
compare_cb (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  ThawLessonPool *self = THAW_LESSON_POOL (widget);

  if (self->run != NULL)
    return;

  self->queue[0] = WAY_POOL;
  self->queue[1] = WAY_GTASK;
  self->n_queued = 2;
  start_way (self, WAY_THREAD_PER_TASK);
}

/* lesson.stop */
static void
stop_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonPool *self = THAW_LESSON_POOL (widget);

  if (self->run == NULL)
    return;

  self->n_queued = 0;
  g_cancellable_cancel (self->run->cancellable);
  gtk_label_set_text (self->status, _("Stopping…"));

  /* The pool's tasks notice the cancellable within a millisecond. Freeing
   * it "immediately" drops the tasks still queued and waits only for the
   * ones running. The other ways end by themselves: the starter joins its
   * threads, and every GTask still calls back, with a cancelled error. */
  if (self->run->way == WAY_POOL)
    {
      g_thread_pool_free (g_steal_pointer (&self->pool), TRUE, TRUE);
      finish_run (self);
    }
}

static void
thaw_lesson_pool_report (ThawLesson  *lesson,
                         JsonBuilder *builder)
{
  ThawLessonPool *self = THAW_LESSON_POOL (lesson);

  json_builder_set_member_name (builder, "job_state");
  json_builder_add_string_value (builder, self->state);
  json_builder_set_member_name (builder, "way");
  json_builder_add_string_value (builder, self->any_run ? way_ids[self->last_way] : "none");
  json_builder_set_member_name (builder, "tasks");
  json_builder_add_int_value (builder, N_TASKS);
  json_builder_set_member_name (builder, "results");
  json_builder_add_int_value (builder, self->n_received);
  json_builder_set_member_name (builder, "duplicates");
  json_builder_add_int_value (builder, self->n_duplicates);
  json_builder_set_member_name (builder, "in_order_shown");
  json_builder_add_int_value (builder, self->next_in_order);
  json_builder_set_member_name (builder, "log_lines");
  json_builder_add_int_value (builder, self->log_lines);

  for (Way way = 0; way < N_WAYS; way++)
    {
      const WayFigures *figures = &self->figures[way];
      g_autofree char *tps = g_strconcat (way_keys[way], "_tasks_per_second", NULL);
      g_autofree char *seconds = g_strconcat (way_keys[way], "_seconds", NULL);
      g_autofree char *results = g_strconcat (way_keys[way], "_results", NULL);
      g_autofree char *duplicates = g_strconcat (way_keys[way], "_duplicates", NULL);
      g_autofree char *wrong = g_strconcat (way_keys[way], "_wrong_results", NULL);
      g_autofree char *threads = g_strconcat (way_keys[way], "_threads", NULL);
      g_autofree char *in_order = g_strconcat (way_keys[way], "_in_order", NULL);

      if (!figures->measured)
        continue;

      json_builder_set_member_name (builder, tps);
      json_builder_add_double_value (builder, figures->tasks_per_second);
      json_builder_set_member_name (builder, seconds);
      json_builder_add_double_value (builder, figures->seconds);
      json_builder_set_member_name (builder, results);
      json_builder_add_int_value (builder, figures->results);
      json_builder_set_member_name (builder, duplicates);
      json_builder_add_int_value (builder, figures->duplicates);
      json_builder_set_member_name (builder, wrong);
      json_builder_add_int_value (builder, figures->wrong);
      json_builder_set_member_name (builder, threads);
      json_builder_add_int_value (builder, figures->threads);
      json_builder_set_member_name (builder, in_order);
      json_builder_add_boolean_value (builder, figures->in_order);
    }

  /* The figures of the last run that finished. */
  if (self->any_run && self->figures[self->last_way].measured)
    {
      json_builder_set_member_name (builder, "tasks_per_second");
      json_builder_add_double_value (builder, self->figures[self->last_way].tasks_per_second);
      json_builder_set_member_name (builder, "in_order");
      json_builder_add_boolean_value (builder, self->figures[self->last_way].in_order);
    }
}

static void
thaw_lesson_pool_dispose (GObject *object)
{
  ThawLessonPool *self = THAW_LESSON_POOL (object);

  /* Stop whatever runs and wait for the threads that are ours: each task
   * looks at the cancellable every few microseconds, so this takes a
   * millisecond or two. GTasks still queued in GLib's pool will find the
   * run cancelled, and their callbacks will find the lesson gone. */
  if (self->run != NULL)
    {
      self->n_queued = 0;
      g_cancellable_cancel (self->run->cancellable);
      if (self->pool != NULL)
        g_thread_pool_free (g_steal_pointer (&self->pool), TRUE, TRUE);
      if (self->starter != NULL)
        g_thread_join (g_steal_pointer (&self->starter));
      g_clear_pointer (&self->run, run_unref);
    }

  G_OBJECT_CLASS (thaw_lesson_pool_parent_class)->dispose (object);
}

static void
thaw_lesson_pool_finalize (GObject *object)
{
  ThawLessonPool *self = THAW_LESSON_POOL (object);

  g_hash_table_unref (self->threads_seen);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (thaw_lesson_pool_parent_class)->finalize (object);
}

static void
thaw_lesson_pool_class_init (ThawLessonPoolClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  object_class->dispose = thaw_lesson_pool_dispose;
  object_class->finalize = thaw_lesson_pool_finalize;
  lesson_class->report = thaw_lesson_pool_report;

  gtk_widget_class_install_action (widget_class, "lesson.start", NULL, start_cb);
  gtk_widget_class_install_action (widget_class, "lesson.thread-per-task", NULL, thread_per_task_cb);
  gtk_widget_class_install_action (widget_class, "lesson.gtask", NULL, gtask_cb);
  gtk_widget_class_install_action (widget_class, "lesson.compare", NULL, compare_cb);
  gtk_widget_class_install_action (widget_class, "lesson.stop", NULL, stop_cb);

  /* When a pool is freed, even an exclusive one, GLib keeps up to two of
   * its threads for fifteen seconds and hands them to the next pool that
   * wants a thread, GTask's included. Ours would carry their new name and
   * lowered priority into GIO's work. Keeping no unused threads makes a
   * thread that leaves a pool end. (Thaw's runner does the same.) */
  g_thread_pool_set_max_unused_threads (0);
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
make_knob_row (const char *title,
               const char *subtitle,
               GtkWidget  *control)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (control, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), control);
  /* libadwaita names the row's activatable widget by the row's title;
   * a label of its own would be read after it. */
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), control);

  return row;
}

static GtkWidget *
make_knobs (ThawLessonPool *self)
{
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *work, *waits, *threads;
  guint cores = g_get_num_processors ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");

  work = gtk_spin_button_new_with_range (0, 50, 1);
  /* About 1.2 s for the 200 tasks on two free cores. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (work), 12);
  gtk_list_box_append (GTK_LIST_BOX (list),
                       make_knob_row (_("Work per task"),
                                      _("Milliseconds, on average; 0 leaves only the cost of running a task"),
                                      work));
  self->work_spin = GTK_SPIN_BUTTON (work);

  waits = gtk_switch_new ();
  gtk_list_box_append (GTK_LIST_BOX (list),
                       make_knob_row (_("Tasks wait instead of computing"),
                                      _("Like tasks that wait for a network or a disk"),
                                      waits));
  self->waits_switch = GTK_SWITCH (waits);

  threads = gtk_spin_button_new_with_range (1, 4 * cores, 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (threads), cores);
  gtk_list_box_append (GTK_LIST_BOX (list),
                       make_knob_row (_("Threads in the pool"),
                                      _("One per core by default"),
                                      threads));
  self->threads_spin = GTK_SPIN_BUTTON (threads);

  return list;
}

static GtkWidget *
make_progress_bar (const char *accessible_label)
{
  GtkWidget *bar = gtk_progress_bar_new ();

  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (bar), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label,
                                  -1);
  return bar;
}

static GtkWidget *
make_way_list (ThawLessonPool *self)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Tasks per second, each way"),
                                  -1);

  for (Way way = 0; way < N_WAYS; way++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *bar = gtk_level_bar_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), way_title (way));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Not run yet"));
      gtk_widget_set_size_request (bar, 72, -1);
      /* One colour for all: a level bar's default offsets would paint a
       * slow way as a warning. */
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (bar),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, way_title (way),
                                      -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), bar);
      gtk_list_box_append (GTK_LIST_BOX (list), row);

      self->way_rows[way] = ADW_ACTION_ROW (row);
      self->way_bars[way] = GTK_LEVEL_BAR (bar);
    }

  return list;
}

static void
tab_toggled_cb (GtkToggleButton *tab,
                GtkStack        *stack)
{
  if (gtk_toggle_button_get_active (tab))
    gtk_stack_set_visible_child_name (stack, gtk_widget_get_name (GTK_WIDGET (tab)));
}

/* A page of text for the stack, and a tab for it in @tabs. (Tabs of their
 * own rather than a GtkStackSwitcher, whose buttons all take the width of
 * the widest and do not fit a narrow window.) */
static void
add_text_page (GtkStack     *stack,
               GtkWidget    *tabs,
               const char   *name,
               const char   *title,
               GtkTextView **view_out)
{
  GtkWidget *tab = gtk_toggle_button_new_with_label (title);
  GtkWidget *first_tab = gtk_widget_get_first_child (tabs);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *view = gtk_text_view_new ();
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter end;

  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  /* A mark that stays at the end as text is added, to scroll to. */
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_create_mark (buffer, "end", &end, FALSE);

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_widget_set_size_request (scrolled, -1, 220);
  gtk_widget_add_css_class (scrolled, "card");
  gtk_stack_add_titled (stack, scrolled, name, title);

  gtk_widget_set_name (tab, name);
  if (first_tab != NULL)
    gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (tab), GTK_TOGGLE_BUTTON (first_tab));
  else
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (tab), TRUE);
  g_signal_connect_object (tab, "toggled", G_CALLBACK (tab_toggled_cb), stack, 0);
  gtk_box_append (GTK_BOX (tabs), tab);

  *view_out = GTK_TEXT_VIEW (view);
}

static void
thaw_lesson_pool_init (ThawLessonPool *self)
{
  GtkWidget *box, *buttons, *bars, *status, *tabs, *stack;

  self->state = "idle";
  self->threads_seen = g_hash_table_new (NULL, NULL);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  buttons = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (buttons), FALSE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 5);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("A _Thread per Task"), "lesson.thread-per-task", NULL));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("In a Thread _Pool"), "lesson.start", "suggested-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("As _GTasks"), "lesson.gtask", NULL));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Compare All Three"), "lesson.compare", NULL));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Stop"), "lesson.stop", NULL));
  gtk_box_append (GTK_BOX (box), buttons);

  gtk_box_append (GTK_BOX (box), make_knobs (self));

  bars = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  self->completed_bar = GTK_PROGRESS_BAR (make_progress_bar (_("Results as they complete")));
  gtk_box_append (GTK_BOX (bars), GTK_WIDGET (self->completed_bar));
  self->in_order_bar = GTK_PROGRESS_BAR (make_progress_bar (_("Results in submission order")));
  gtk_box_append (GTK_BOX (bars), GTK_WIDGET (self->in_order_bar));
  gtk_box_append (GTK_BOX (box), bars);

  status = gtk_label_new (_("Run the 200 tasks one way, then another, and compare how many tasks per second each way gets through."));
  gtk_label_set_wrap (GTK_LABEL (status), TRUE);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_box_append (GTK_BOX (box), status);
  self->status = GTK_LABEL (status);

  gtk_box_append (GTK_BOX (box), make_way_list (self));

  stack = gtk_stack_new ();
  tabs = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (tabs, "linked");
  gtk_widget_set_halign (tabs, GTK_ALIGN_CENTER);
  add_text_page (GTK_STACK (stack), tabs, "completed",
                 /* Translators: a tab: the results in the order they arrived. */
                 _("Completed"), &self->completed_view);
  add_text_page (GTK_STACK (stack), tabs, "in-order",
                 /* Translators: a tab: the results in the order tasks were submitted. */
                 _("In Order"), &self->in_order_view);
  add_text_page (GTK_STACK (stack), tabs, "log",
                 /* Translators: a tab: the log lines the tasks wrote. */
                 _("Log"), &self->log_view);
  gtk_box_append (GTK_BOX (box), tabs);
  gtk_box_append (GTK_BOX (box), stack);

  adw_bin_set_child (ADW_BIN (self), box);
  show_progress (self);
  set_running (self, FALSE);
}
