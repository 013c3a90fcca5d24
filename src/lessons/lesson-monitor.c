/* lesson-monitor.c — Watching the machine from a thread
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A sampler thread reads /proc/stat, /proc/meminfo and the files of this
 * process's threads once a second, turns them into a snapshot, and hands
 * the snapshot to the main thread, which draws it:
 *
 *   lesson.start  samples for the number of seconds in the spin button
 *                 (three unless changed), then stops by itself.
 *
 *   lesson.load   keeps every CPU busy for a few seconds with one worker
 *                 per CPU, so that there is something to see; it starts
 *                 sampling too if it is not running. The workers appear in
 *                 the list of threads while they run.
 *
 *   lesson.stop   stops the sampler and the workers at once.
 *
 * The snapshots travel through a GAsyncQueue, which keeps every one of
 * them in order: a graph needs each sample, not just the latest. One idle
 * callback at most waits to empty the queue.
 *
 * The parsers of the /proc files are pure functions in the engine,
 * src/engine/thaw-procfs.c, tested on good, broken and truncated files.
 *
 * Read it top to bottom: the snapshot, the sampler thread, the load
 * workers, the hand-off to the main thread, the graphs, then the widget.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "thaw-lesson.h"
#include "thaw-priority.h"
#include "thaw-procfs.h"
#include "thaw-tsan.h"

#define SAMPLE_INTERVAL_US G_USEC_PER_SEC
#define DEFAULT_SAMPLE_SECONDS 3
#define MAX_SAMPLE_SECONDS 600
/* How many samples a graph shows: the last twenty seconds. */
#define HISTORY 20
/* How long the load workers keep the CPUs busy. */
#define LOAD_SECONDS 3

/* One sample: a copy of everything the main thread will show, owned by
 * whoever holds it. The sampler builds it, the queue carries it, the main
 * thread frees it. Nothing in it is shared. */
typedef struct
{
  guint n_cores;
  int *core_ids;            /* the N of each cpuN line */
  double *core_usage;       /* 0 to 1; NULL in the first sample: no delta yet */
  ThawMemInfo memory;
  GPtrArray *threads;       /* of ThawThreadInfo */
  GError *error;            /* set if the files could not be read */
} Snapshot;

static void
snapshot_free (Snapshot *snapshot)
{
  g_free (snapshot->core_ids);
  g_free (snapshot->core_usage);
  g_clear_pointer (&snapshot->threads, g_ptr_array_unref);
  g_clear_error (&snapshot->error);
  g_free (snapshot);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Snapshot, snapshot_free)

static gboolean
read_proc_file (const char  *path,
                char       **text,
                GError     **error)
{
  /* /proc files claim a size of 0; g_file_get_contents() reads them to the
   * end all the same. */
  return g_file_get_contents (path, text, NULL, error);
}

/* A CPU's use since the previous sample: the difference between two sets
 * of counters. CPUs can come and go, so they are matched by number. */
static double
core_usage_since (const ThawCpuStat  *previous,
                  const ThawCpuTicks *now)
{
  for (guint i = 0; i < previous->cores->len; i++)
    {
      const ThawCpuTicks *before = &g_array_index (previous->cores, ThawCpuTicks, i);

      if (before->id == now->id)
        return thaw_cpu_ticks_usage (before, now);
    }

  return 0.0;
}

/* Reads the three sources and builds a snapshot. @previous holds the
 * counters of the last sample, and is replaced with this one's. */
static Snapshot *
take_snapshot (ThawCpuStat **previous)
{
  g_autoptr(Snapshot) snapshot = g_new0 (Snapshot, 1);
  g_autofree char *stat_text = NULL;
  g_autofree char *meminfo_text = NULL;
  g_autoptr(ThawCpuStat) stat = NULL;

  if (!read_proc_file ("/proc/stat", &stat_text, &snapshot->error) ||
      !read_proc_file ("/proc/meminfo", &meminfo_text, &snapshot->error))
    return g_steal_pointer (&snapshot);

  stat = thaw_cpu_stat_parse (stat_text, &snapshot->error);
  if (stat == NULL)
    {
      g_prefix_error (&snapshot->error, "/proc/stat: ");
      return g_steal_pointer (&snapshot);
    }
  if (!thaw_mem_info_parse (meminfo_text, &snapshot->memory, &snapshot->error))
    {
      g_prefix_error (&snapshot->error, "/proc/meminfo: ");
      return g_steal_pointer (&snapshot);
    }
  snapshot->threads = thaw_procfs_list_threads ("/proc/self/task", &snapshot->error);
  if (snapshot->threads == NULL)
    return g_steal_pointer (&snapshot);

  snapshot->n_cores = stat->cores->len;
  snapshot->core_ids = g_new (int, snapshot->n_cores);
  for (guint i = 0; i < snapshot->n_cores; i++)
    snapshot->core_ids[i] = g_array_index (stat->cores, ThawCpuTicks, i).id;

  if (*previous != NULL)
    {
      snapshot->core_usage = g_new (double, snapshot->n_cores);
      for (guint i = 0; i < snapshot->n_cores; i++)
        snapshot->core_usage[i] = core_usage_since (*previous,
                                                    &g_array_index (stat->cores, ThawCpuTicks, i));
    }

  thaw_cpu_stat_free (*previous);
  *previous = g_steal_pointer (&stat);

  return g_steal_pointer (&snapshot);
}

/* What the sampler thread and the main thread share. */
typedef struct
{
  gatomicrefcount ref_count;
  GWeakRef lesson;           /* main thread only */
  guint n_samples;           /* set before the thread starts */

  /* The way out of the sampler's one-second sleep: the main thread sets
   * stopping under the lock and signals the condition. */
  GMutex lock;
  GCond wake;
  gboolean stopping;

  /* The snapshots, in order, from the sampler to the main thread. */
  GAsyncQueue *snapshots;
  int delivery_pending;      /* atomic */
  int finished;              /* atomic: the sampler will send nothing more */
} Sampler;

static Sampler *
sampler_new (gpointer lesson,
             guint    n_samples)
{
  Sampler *sampler = g_new0 (Sampler, 1);

  g_atomic_ref_count_init (&sampler->ref_count);
  g_weak_ref_init (&sampler->lesson, lesson);
  sampler->n_samples = n_samples;
  g_mutex_init (&sampler->lock);
  g_cond_init (&sampler->wake);
  /* Snapshots nobody took are freed with the queue. */
  sampler->snapshots = g_async_queue_new_full ((GDestroyNotify) snapshot_free);

  return sampler;
}

static Sampler *
sampler_ref (Sampler *sampler)
{
  g_atomic_ref_count_inc (&sampler->ref_count);
  return sampler;
}

static void
sampler_unref (Sampler *sampler)
{
  if (!g_atomic_ref_count_dec (&sampler->ref_count))
    return;

  g_weak_ref_clear (&sampler->lesson);
  g_mutex_clear (&sampler->lock);
  g_cond_clear (&sampler->wake);
  g_async_queue_unref (sampler->snapshots);
  g_free (sampler);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Sampler, sampler_unref)

/* Main thread: wakes the sampler from its sleep and tells it to stop. */
static void
sampler_stop (Sampler *sampler)
{
  thaw_mutex_lock (&sampler->lock);
  sampler->stopping = TRUE;
  g_cond_signal (&sampler->wake);
  thaw_mutex_unlock (&sampler->lock);
}

/* Sampler thread: sleeps until @until, unless told to stop first. Waiting
 * on a condition rather than g_usleep() is what makes Stop (and closing
 * the window) immediate instead of up to a second late. The loop is there
 * because g_cond_wait_until() may return early for no reason at all. */
static gboolean
sampler_sleep_until (Sampler *sampler,
                     gint64   until)
{
  gboolean stopping;

  thaw_mutex_lock (&sampler->lock);
  while (!sampler->stopping && g_get_monotonic_time () < until)
    thaw_cond_wait_until (&sampler->wake, &sampler->lock, until);
  stopping = sampler->stopping;
  thaw_mutex_unlock (&sampler->lock);

  return stopping;
}

static gboolean deliver_snapshots_cb (gpointer data);

/* Sampler thread: asks the main thread to empty the queue, unless it has
 * been asked already and has not done it yet. */
static void
request_delivery (Sampler *sampler)
{
  if (g_atomic_int_compare_and_exchange (&sampler->delivery_pending, FALSE, TRUE))
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, deliver_snapshots_cb,
                     sampler_ref (sampler), (GDestroyNotify) sampler_unref);
}

/* The sampler thread's whole life. It never calls GTK. */
static gpointer
sampler_thread (gpointer data)
{
  g_autoptr(Sampler) sampler = data;
  g_autoptr(ThawCpuStat) previous = NULL;
  gint64 due = g_get_monotonic_time ();
  guint taken = 0;

  thaw_thread_set_background_priority ();

  for (;;)
    {
      Snapshot *snapshot = take_snapshot (&previous);
      gboolean failed = snapshot->error != NULL;

      /* From here the snapshot belongs to the queue, then to the main
       * thread: the sampler never looks at it again. */
      THAW_TSAN_RELEASE (snapshot);
      g_async_queue_push (sampler->snapshots, snapshot);
      request_delivery (sampler);

      /* Due times are counted from the start, not from the end of the
       * last sample, so the samples do not drift later and later. */
      due += SAMPLE_INTERVAL_US;
      if (failed || ++taken == sampler->n_samples || sampler_sleep_until (sampler, due))
        break;
    }

  g_atomic_int_set (&sampler->finished, TRUE);
  request_delivery (sampler);

  return NULL;
}

/* The load: one worker per CPU, spinning for a few seconds. */
typedef struct
{
  gatomicrefcount ref_count;
  GWeakRef lesson;           /* main thread only */
  GCancellable *cancellable;
  gint64 until;
  int n_running;             /* atomic */
} Load;

static Load *
load_new (gpointer lesson,
          guint    n_workers)
{
  Load *load = g_new0 (Load, 1);

  g_atomic_ref_count_init (&load->ref_count);
  g_weak_ref_init (&load->lesson, lesson);
  load->cancellable = g_cancellable_new ();
  load->until = g_get_monotonic_time () + LOAD_SECONDS * G_USEC_PER_SEC;
  load->n_running = (int) n_workers;

  return load;
}

static Load *
load_ref (Load *load)
{
  g_atomic_ref_count_inc (&load->ref_count);
  return load;
}

static void
load_unref (Load *load)
{
  if (!g_atomic_ref_count_dec (&load->ref_count))
    return;

  g_weak_ref_clear (&load->lesson);
  g_object_unref (load->cancellable);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Load, load_unref)

static gboolean load_ended_cb (gpointer data);

static gpointer
load_thread (gpointer data)
{
  g_autoptr(Load) load = data;
  volatile guint64 x = 1;

  thaw_thread_set_background_priority ();

  while (g_get_monotonic_time () < load->until &&
         !g_cancellable_is_cancelled (load->cancellable))
    {
      /* A millisecond or so of pointless arithmetic between looks. */
      for (guint i = 0; i < 200000; i++)
        x = x * 6364136223846793005u + 1442695040888963407u;
    }

  /* The last worker out tells the main thread, which joins them all. */
  if (g_atomic_int_dec_and_test (&load->n_running))
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, load_ended_cb,
                     load_ref (load), (GDestroyNotify) load_unref);

  return NULL;
}

/* The widget. Everything below runs on the main thread. */

/* One graph: the last HISTORY values, from 0 to 1. The drawing area owns
 * it, so that it lives exactly as long as the area that draws it. */
typedef struct
{
  GtkLabel *label;
  GtkWidget *area;
  int core_id;
  double values[HISTORY];
  guint n_values;
} Graph;

static void
graph_add (Graph  *graph,
           double  value)
{
  if (graph->n_values == HISTORY)
    memmove (graph->values, graph->values + 1, (HISTORY - 1) * sizeof (double));
  else
    graph->n_values++;

  graph->values[graph->n_values - 1] = CLAMP (value, 0.0, 1.0);
  gtk_widget_queue_draw (graph->area);
}

static void
draw_graph (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        data)
{
  Graph *graph = data;
  GdkRGBA fg, accent;
  double step = (double) width / (HISTORY - 1);
  double x0;

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  gdk_rgba_parse (&accent, "#3584e4");

  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.06);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);

  if (graph->n_values == 0)
    return;

  /* The newest value at the right edge, older ones to the left. */
  x0 = width - (graph->n_values - 1) * step;
  cairo_move_to (cr, x0, height);
  for (guint i = 0; i < graph->n_values; i++)
    cairo_line_to (cr, x0 + i * step, height - graph->values[i] * height);
  cairo_line_to (cr, width, height);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 0.35);
  cairo_fill_preserve (cr);
  gdk_cairo_set_source_rgba (cr, &accent);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
}

/* A caption over a graph, in a card. */
static Graph *
make_graph (GtkWidget **card_out,
            int         height)
{
  Graph *graph = g_new0 (Graph, 1);
  GtkWidget *card, *label, *area;

  card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_add_css_class (card, "card");

  label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_start (label, 8);
  gtk_widget_set_margin_end (label, 8);
  gtk_box_append (GTK_BOX (card), label);

  area = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), height);
  gtk_widget_set_hexpand (area, TRUE);
  gtk_widget_set_margin_bottom (area, 8);
  gtk_widget_set_margin_start (area, 8);
  gtk_widget_set_margin_end (area, 8);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_graph, graph, g_free);
  /* The graph is a picture of what the label says in words. The words
   * follow HISTORY samples taken SAMPLE_INTERVAL_US apart. */
  gtk_accessible_update_relation (GTK_ACCESSIBLE (area),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL,
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (area),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("The share in use over the last twenty seconds, one sample a second: "
                                    "empty at the bottom, full at the top, the newest sample on the right"),
                                  -1);
  gtk_box_append (GTK_BOX (card), area);

  graph->label = GTK_LABEL (label);
  graph->area = area;
  *card_out = card;

  return graph;
}

#define THAW_TYPE_LESSON_MONITOR (thaw_lesson_monitor_get_type ())
G_DECLARE_FINAL_TYPE (ThawLessonMonitor, thaw_lesson_monitor, THAW, LESSON_MONITOR, ThawLesson)

struct _ThawLessonMonitor
{
  ThawLesson parent_instance;

  GtkSpinButton *seconds;
  GtkLabel *status;
  GtkFlowBox *cores_box;
  GtkListBox *threads_list;

  /* The graphs, owned by their drawing areas (pointers only). */
  GPtrArray *core_graphs;
  Graph *memory_graph;

  /* While sampling: the sampler and its thread. */
  Sampler *sampler;
  GThread *sampler_thread;

  /* While the CPUs are loaded: the load and its workers. */
  Load *load;
  GPtrArray *load_threads;

  /* For --report. */
  const char *state;
  guint samples;
  guint cores;
  guint threads_listed;
  double memory_used;
  char *error;
};

G_DEFINE_FINAL_TYPE (ThawLessonMonitor, thaw_lesson_monitor, THAW_TYPE_LESSON)

static void
update_actions (ThawLessonMonitor *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.start", self->sampler == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.load", self->load == NULL);
  thaw_lesson_set_busy (THAW_LESSON (self), self->sampler != NULL || self->load != NULL);
}

/* The per-core graphs are made when the first sample says how many CPUs
 * there are, and made again if that changes. */
static void
ensure_core_graphs (ThawLessonMonitor *self,
                    const Snapshot    *snapshot)
{
  GtkWidget *child;

  if (self->core_graphs->len == snapshot->n_cores)
    return;

  g_ptr_array_set_size (self->core_graphs, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->cores_box))) != NULL)
    gtk_flow_box_remove (self->cores_box, child);

  for (guint i = 0; i < snapshot->n_cores; i++)
    {
      GtkWidget *card;
      Graph *graph = make_graph (&card, 36);

      graph->core_id = snapshot->core_ids[i];
      gtk_widget_set_size_request (card, 140, -1);
      gtk_flow_box_append (self->cores_box, card);
      g_ptr_array_add (self->core_graphs, graph);
    }
}

static const char *
describe_state (char state)
{
  switch (state)
    {
    case 'R':
      /* Translators: the state of a thread, from /proc. */
      return C_("thread state", "running");
    case 'S':
      return C_("thread state", "sleeping");
    case 'D':
      return C_("thread state", "waiting for the disk");
    case 'T':
    case 't':
      return C_("thread state", "stopped");
    case 'Z':
      return C_("thread state", "zombie");
    default:
      return C_("thread state", "other");
    }
}

static void
show_threads (ThawLessonMonitor *self,
              GPtrArray         *threads)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->threads_list))) != NULL)
    gtk_list_box_remove (self->threads_list, child);

  for (guint i = 0; i < threads->len; i++)
    {
      ThawThreadInfo *info = g_ptr_array_index (threads, i);
      g_autofree char *subtitle = NULL;
      GtkWidget *row = adw_action_row_new ();

      /* Translators: a thread's id and state, e.g. "Thread 4242 · sleeping". */
      subtitle = g_strdup_printf (_("Thread %d · %s"), info->tid, describe_state (info->state));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), info->name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (self->threads_list, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->threads_list), threads->len > 0);
  self->threads_listed = threads->len;
}

static void
show_snapshot (ThawLessonMonitor *self,
               const Snapshot    *snapshot)
{
  guint64 used_kb = snapshot->memory.total_kb - snapshot->memory.available_kb;
  g_autofree char *used = g_format_size (used_kb * 1024);
  g_autofree char *total = g_format_size (snapshot->memory.total_kb * 1024);
  g_autofree char *memory_text = NULL;

  self->samples++;
  self->cores = snapshot->n_cores;
  ensure_core_graphs (self, snapshot);

  for (guint i = 0; i < self->core_graphs->len; i++)
    {
      Graph *graph = g_ptr_array_index (self->core_graphs, i);
      g_autofree char *text = NULL;

      if (snapshot->core_usage == NULL)
        /* Translators: a CPU whose use is not known yet (one sample only). */
        text = g_strdup_printf (_("CPU %d · …"), graph->core_id);
      else
        {
          /* Translators: a CPU's number and how busy it was, e.g. "CPU 0 · 37 %". */
          text = g_strdup_printf (_("CPU %d · %.0f %%"), graph->core_id,
                                  100 * snapshot->core_usage[i]);
          graph_add (graph, snapshot->core_usage[i]);
        }
      gtk_label_set_text (graph->label, text);
    }

  self->memory_used = (double) used_kb / snapshot->memory.total_kb;
  /* Translators: memory in use, e.g. "Memory · 5.2 GB of 16.7 GB in use". */
  memory_text = g_strdup_printf (_("Memory · %s of %s in use"), used, total);
  gtk_label_set_text (self->memory_graph->label, memory_text);
  graph_add (self->memory_graph, self->memory_used);

  show_threads (self, snapshot->threads);
}

static void
show_sampling_status (ThawLessonMonitor *self)
{
  g_autofree char *text =
    g_strdup_printf (ngettext ("%u sample so far, one a second.",
                               "%u samples so far, one a second.", self->samples),
                     self->samples);

  gtk_label_set_text (self->status, text);
}

/* The sampler has said its last word: join it, which takes microseconds. */
static void
end_sampling (ThawLessonMonitor *self)
{
  gboolean stopped;

  g_thread_join (g_steal_pointer (&self->sampler_thread));
  thaw_mutex_lock (&self->sampler->lock);
  stopped = self->sampler->stopping;
  thaw_mutex_unlock (&self->sampler->lock);
  g_clear_pointer (&self->sampler, sampler_unref);

  if (self->error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Sampling failed: %s"), self->error);

      self->state = "failed";
      gtk_label_set_text (self->status, text);
    }
  else
    {
      g_autofree char *text = NULL;

      if (stopped)
        text = g_strdup_printf (ngettext ("Stopped after %u sample.",
                                          "Stopped after %u samples.", self->samples),
                                self->samples);
      else
        text = g_strdup_printf (ngettext ("Done: %u sample.",
                                          "Done: %u samples.", self->samples),
                                self->samples);

      self->state = stopped ? "cancelled" : "succeeded";
      gtk_label_set_text (self->status, text);
    }

  update_actions (self);
}

/* The delivery: every snapshot in the queue, oldest first. */
static gboolean
deliver_snapshots_cb (gpointer data)
{
  Sampler *sampler = data;
  g_autoptr(ThawLessonMonitor) self = NULL;
  gboolean finished;
  Snapshot *snapshot;

  /* Clear the flag first, and read "finished" before emptying the queue:
   * a snapshot pushed after this point asks for a delivery of its own, and
   * if the sampler has finished, everything it pushed is already queued. */
  g_atomic_int_set (&sampler->delivery_pending, FALSE);
  finished = g_atomic_int_get (&sampler->finished);

  self = g_weak_ref_get (&sampler->lesson);
  if (self == NULL || self->sampler != sampler)
    return G_SOURCE_REMOVE;

  while ((snapshot = g_async_queue_try_pop (sampler->snapshots)) != NULL)
    {
      g_autoptr(Snapshot) owned = snapshot;

      THAW_TSAN_ACQUIRE (snapshot);
      if (snapshot->error != NULL)
        {
          g_free (self->error);
          self->error = g_strdup (snapshot->error->message);
        }
      else
        show_snapshot (self, snapshot);
    }

  if (finished)
    end_sampling (self);
  else
    show_sampling_status (self);

  return G_SOURCE_REMOVE;
}

static void
start_sampling (ThawLessonMonitor *self,
                guint              seconds)
{
  g_autoptr(GError) error = NULL;

  if (self->sampler != NULL)
    return;

  self->state = "running";
  self->samples = 0;
  g_clear_pointer (&self->error, g_free);
  gtk_label_set_text (self->status, _("Sampling once a second…"));

  /* One sample now and one at the end of each second. */
  self->sampler = sampler_new (self, seconds + 1);
  /* The thread gets a reference of its own and drops it when it returns. */
  self->sampler_thread = g_thread_try_new ("thaw-sampler", sampler_thread,
                                           sampler_ref (self->sampler), &error);
  if (self->sampler_thread == NULL)
    {
      /* The thread never started, so its reference is still ours to drop. */
      sampler_unref (self->sampler);
      g_clear_pointer (&self->sampler, sampler_unref);
      self->state = "failed";
      gtk_label_set_text (self->status, error->message);
    }

  update_actions (self);
}

/* lesson.start: sample for the chosen number of seconds. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonMonitor *self = THAW_LESSON_MONITOR (widget);

  start_sampling (self, (guint) gtk_spin_button_get_value_as_int (self->seconds));
}

static void
join_load (ThawLessonMonitor *self)
{
  g_cancellable_cancel (self->load->cancellable);
  for (guint i = 0; i < self->load_threads->len; i++)
    g_thread_join (g_ptr_array_index (self->load_threads, i));
  g_ptr_array_set_size (self->load_threads, 0);
  g_clear_pointer (&self->load, load_unref);
}

/* The last load worker has finished: the others have too, so joining them
 * all is instant. */
static gboolean
load_ended_cb (gpointer data)
{
  Load *load = data;
  g_autoptr(ThawLessonMonitor) self = g_weak_ref_get (&load->lesson);

  if (self == NULL || self->load != load)
    return G_SOURCE_REMOVE;

  join_load (self);
  update_actions (self);

  return G_SOURCE_REMOVE;
}

/* lesson.load: one busy worker per CPU, for a few seconds. */
static void
load_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonMonitor *self = THAW_LESSON_MONITOR (widget);
  guint n_workers = g_get_num_processors ();

  if (self->load != NULL)
    return;

  self->load = load_new (self, n_workers);
  for (guint i = 0; i < n_workers; i++)
    {
      g_autofree char *name = g_strdup_printf ("thaw-load-%u", i);
      g_autoptr(GError) error = NULL;
      GThread *thread = g_thread_try_new (name, load_thread, load_ref (self->load), &error);

      if (thread == NULL)
        {
          /* Count the missing worker as finished, so the others still end
           * the load. Its reference is ours to drop. */
          load_unref (self->load);
          if (g_atomic_int_dec_and_test (&self->load->n_running))
            g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, load_ended_cb,
                             load_ref (self->load), (GDestroyNotify) load_unref);
          gtk_label_set_text (self->status, error->message);
          continue;
        }
      g_ptr_array_add (self->load_threads, thread);
    }

  /* There is little to learn from a load nobody watches. */
  start_sampling (self, MAX ((guint) gtk_spin_button_get_value_as_int (self->seconds),
                             LOAD_SECONDS + 2));
  update_actions (self);
}

/* lesson.stop: the sampler wakes up at once and stops; so do the workers. */
static void
stop_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonMonitor *self = THAW_LESSON_MONITOR (widget);

  if (self->sampler != NULL)
    sampler_stop (self->sampler);
  if (self->load != NULL)
    g_cancellable_cancel (self->load->cancellable);
}

static void
thaw_lesson_monitor_report (ThawLesson  *lesson,
                            JsonBuilder *builder)
{
  ThawLessonMonitor *self = THAW_LESSON_MONITOR (lesson);

  json_builder_set_member_name (builder, "job_state");
  json_builder_add_string_value (builder, self->state);
  /* "samples" is the heartbeat's, in the same report. */
  json_builder_set_member_name (builder, "snapshots");
  json_builder_add_int_value (builder, self->samples);
  json_builder_set_member_name (builder, "cores");
  json_builder_add_int_value (builder, self->cores);
  json_builder_set_member_name (builder, "threads_listed");
  json_builder_add_int_value (builder, self->threads_listed);
  json_builder_set_member_name (builder, "memory_used");
  json_builder_add_double_value (builder, self->memory_used);
  json_builder_set_member_name (builder, "load_workers");
  json_builder_add_int_value (builder, self->load_threads->len);
  if (self->error != NULL)
    {
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, self->error);
    }
}

static void
thaw_lesson_monitor_dispose (GObject *object)
{
  ThawLessonMonitor *self = THAW_LESSON_MONITOR (object);

  /* The sampler sleeps on a condition, so it wakes at once; the load
   * workers look at their cancellable every millisecond. A delivery
   * already scheduled finds the lesson gone and does nothing. */
  if (self->sampler != NULL)
    {
      sampler_stop (self->sampler);
      g_thread_join (g_steal_pointer (&self->sampler_thread));
      g_clear_pointer (&self->sampler, sampler_unref);
    }
  if (self->load != NULL)
    join_load (self);

  /* The graphs belong to their drawing areas, which go with the lesson. */
  g_ptr_array_set_size (self->core_graphs, 0);
  self->memory_graph = NULL;

  G_OBJECT_CLASS (thaw_lesson_monitor_parent_class)->dispose (object);
}

static void
thaw_lesson_monitor_finalize (GObject *object)
{
  ThawLessonMonitor *self = THAW_LESSON_MONITOR (object);

  g_ptr_array_unref (self->core_graphs);
  g_ptr_array_unref (self->load_threads);
  g_free (self->error);

  G_OBJECT_CLASS (thaw_lesson_monitor_parent_class)->finalize (object);
}

static void
thaw_lesson_monitor_class_init (ThawLessonMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  object_class->dispose = thaw_lesson_monitor_dispose;
  object_class->finalize = thaw_lesson_monitor_finalize;
  lesson_class->report = thaw_lesson_monitor_report;

  gtk_widget_class_install_action (widget_class, "lesson.start", NULL, start_cb);
  gtk_widget_class_install_action (widget_class, "lesson.load", NULL, load_cb);
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
make_heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");

  return label;
}

static GtkWidget *
make_seconds_row (ThawLessonMonitor *self)
{
  GtkWidget *list, *row, *spin;

  spin = gtk_spin_button_new_with_range (1, MAX_SAMPLE_SECONDS, 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), DEFAULT_SAMPLE_SECONDS);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  self->seconds = GTK_SPIN_BUTTON (spin);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Sample for (seconds)"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Then the sampler stops by itself"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  /* libadwaita names the row's activatable spin button by the row's title;
   * a label of its own would be read after it. */
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), row);

  return list;
}

static void
thaw_lesson_monitor_init (ThawLessonMonitor *self)
{
  GtkWidget *box, *buttons, *status, *cores, *memory_card, *threads;

  self->state = "idle";
  self->core_graphs = g_ptr_array_new ();
  self->load_threads = g_ptr_array_new ();

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  buttons = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (buttons), FALSE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 3);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Sample"), "lesson.start", "suggested-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Load the CPUs"), "lesson.load", NULL));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("S_top"), "lesson.stop", NULL));
  gtk_box_append (GTK_BOX (box), buttons);

  gtk_box_append (GTK_BOX (box), make_seconds_row (self));

  status = gtk_label_new (_("Start the sampler. It reads /proc once a second on a thread of its own."));
  gtk_label_set_wrap (GTK_LABEL (status), TRUE);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_box_append (GTK_BOX (box), status);
  self->status = GTK_LABEL (status);

  gtk_box_append (GTK_BOX (box), make_heading (_("CPUs")));
  cores = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (cores), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (cores), TRUE);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (cores), 1);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (cores), 8);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (cores), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (cores), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (cores),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Use of each CPU"),
                                  -1);
  gtk_box_append (GTK_BOX (box), cores);
  self->cores_box = GTK_FLOW_BOX (cores);

  gtk_box_append (GTK_BOX (box), make_heading (_("Memory")));
  self->memory_graph = make_graph (&memory_card, 48);
  gtk_label_set_text (self->memory_graph->label, _("Memory · not sampled yet"));
  gtk_box_append (GTK_BOX (box), memory_card);

  gtk_box_append (GTK_BOX (box), make_heading (_("Threads of This App")));
  threads = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (threads), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (threads, "boxed-list");
  gtk_widget_set_visible (threads, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (threads),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Threads of this app"),
                                  -1);
  gtk_box_append (GTK_BOX (box), threads);
  self->threads_list = GTK_LIST_BOX (threads);

  adw_bin_set_child (ADW_BIN (self), box);
  update_actions (self);
}
