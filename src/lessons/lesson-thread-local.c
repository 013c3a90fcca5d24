/* lesson-thread-local.c — Each thread's own value
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Several threads format lines of a report. Deep in that work,
 * format_line() needs a scratch buffer and a counter. Nobody passes them
 * down, and a global shared by all threads would need a lock: instead each
 * thread keeps its own, behind one static GPrivate.
 *
 *   lesson.start   starts the threads. Each one sets its scratch as its
 *                  thread-local value, formats its lines (thread 1 the
 *                  fewest, the last thread the most) and returns. As each
 *                  thread exits, GLib calls the GPrivate's destroy notify
 *                  with that thread's scratch, on that thread: the view
 *                  counts the notifies as they come.
 *   lesson.stop    asks the threads to stop early, through a GCancellable.
 *                  They exit, and their notifies run all the same.
 *
 * Read it top to bottom: the thread-local value and its destroy notify, the
 * threads, the hand-off of their news to the main thread, and the widget.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "thaw-lesson.h"
#include "thaw-priority.h"

#define MIN_THREADS 1
#define MAX_THREADS 16
#define DEFAULT_THREADS 4

/* Thread 1 formats FEWEST_LINES lines, the last thread MOST_LINES, and the
 * others in between, so that they end one after another. One line takes a
 * nap of LINE_US: the threads end between one and two seconds in. */
#define FEWEST_LINES 50
#define MOST_LINES 100
#define LINE_US 20000

#define SCRATCH_SIZE 256

/* What the threads and the main thread share.
 *
 * Each thread has a slot, where it copies what the main thread shows. The
 * slots are written by the threads (and their destroy notifies) with
 * g_atomic_int_*() and read by the main thread the same way.
 */
typedef struct
{
  int planned;              /* lines to format; set before the thread starts */
  int lines;                /* a copy of the thread's own counter */
  int returned_at_us;       /* when its function returned, from the start */
  int notify_delay_us;      /* from that return to its destroy notify */
  int destroy_notifies;     /* times its destroy notify ran: must end at 1 */
} Slot;

typedef struct
{
  gatomicrefcount ref_count;
  GCancellable *cancellable;
  GWeakRef lesson;            /* main thread only */

  gint64 started_at;          /* set before the threads start */
  guint n_threads;
  Slot slots[MAX_THREADS];

  int destroy_notifies;       /* all threads together */

  /* TRUE while a delivery is scheduled on the main loop and has not run. */
  int delivery_pending;
} ScratchJob;

static ScratchJob *
scratch_job_new (gpointer lesson,
                 guint    n_threads)
{
  ScratchJob *job = g_new0 (ScratchJob, 1);

  g_atomic_ref_count_init (&job->ref_count);
  job->cancellable = g_cancellable_new ();
  g_weak_ref_init (&job->lesson, lesson);
  job->n_threads = n_threads;

  for (guint i = 0; i < n_threads; i++)
    job->slots[i].planned = FEWEST_LINES +
      (n_threads > 1 ? (MOST_LINES - FEWEST_LINES) * i / (n_threads - 1) : 0);

  return job;
}

static ScratchJob *
scratch_job_ref (ScratchJob *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

static void
scratch_job_unref (ScratchJob *job)
{
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;

  /* The last reference may be dropped by a destroy notify, on an exiting
   * thread: nothing here belongs to the main thread. */
  g_weak_ref_clear (&job->lesson);
  g_object_unref (job->cancellable);
  g_free (job);
}

/* How long a delivery waits to collect news: about one frame. */
#define DELIVERY_INTERVAL_MS 16

static gboolean deliver_progress_cb (gpointer data);

/* Called by any thread after it stored new figures. At most one delivery
 * waits on the main loop, and it shows the latest figures of all threads. */
static void
publish_progress (ScratchJob *job)
{
  if (g_atomic_int_compare_and_exchange (&job->delivery_pending, FALSE, TRUE))
    {
      /* The delivery waits one frame, and brings everything stored in the
       * meantime: a screen shows at most one change per frame, so more
       * deliveries would only be work for the main thread. The callback
       * holds its own reference to the job. */
      g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE, DELIVERY_INTERVAL_MS,
                          deliver_progress_cb,
                          scratch_job_ref (job),
                          (GDestroyNotify) scratch_job_unref);
    }
}

/* The thread-local value. */

/* One thread's scratch space. Only its own thread ever touches it (until
 * the destroy notify, which runs on that same thread), so it needs no lock. */
typedef struct
{
  ScratchJob *job;            /* a reference, dropped by the destroy notify */
  guint index;
  guint lines;                /* this thread's own counter */
  char buffer[SCRATCH_SIZE];
} Scratch;

static void scratch_free (gpointer data);

/* One key for every thread, each with its own value behind it. A GPrivate
 * must be static and set up with G_PRIVATE_INIT: GLib can never free one,
 * and the system has only so many. */
static GPrivate this_thread_scratch = G_PRIVATE_INIT (scratch_free);

/* The destroy notify. When a thread that has a value exits, GLib calls this
 * with that value: after the thread's function has returned, on the exiting
 * thread itself. So it may only touch what is safe from any thread: the
 * job's atomics, and a main-loop source (publish_progress()) to tell the
 * main thread. */
static void
scratch_free (gpointer data)
{
  Scratch *scratch = data;
  ScratchJob *job = scratch->job;
  Slot *slot = &job->slots[scratch->index];
  int now_us = (int) (g_get_monotonic_time () - job->started_at);

  g_atomic_int_set (&slot->lines, (int) scratch->lines);
  g_atomic_int_set (&slot->notify_delay_us, now_us - g_atomic_int_get (&slot->returned_at_us));
  /* Counted last: a g_atomic_int_*() is a full barrier, so whoever sees the
   * count also sees the figures stored above. */
  g_atomic_int_inc (&slot->destroy_notifies);
  g_atomic_int_inc (&job->destroy_notifies);
  publish_progress (job);

  g_free (scratch);
  scratch_job_unref (job);
}

/* Formats one line into this thread's scratch buffer and counts it.
 *
 * Nothing passes the scratch down to here: g_private_get() finds the
 * calling thread's own value. Two threads in this function at the same
 * moment get two different scratches, so there is no lock and no race. */
static void
format_line (guint number)
{
  Scratch *scratch = g_private_get (&this_thread_scratch);

  g_snprintf (scratch->buffer, sizeof scratch->buffer,
              "Thread %u, line %u", scratch->index + 1, number);
  scratch->lines++;

  /* A copy for the main thread to show. */
  g_atomic_int_set (&scratch->job->slots[scratch->index].lines, (int) scratch->lines);
  publish_progress (scratch->job);
}

/* One thread's whole life. It never calls GTK. */
static gpointer
format_lines_thread (gpointer data)
{
  Scratch *scratch = data;
  /* The scratch's reference keeps the job alive until the destroy notify. */
  ScratchJob *job = scratch->job;
  Slot *slot = &job->slots[scratch->index];

  thaw_thread_set_background_priority ();

  /* From here on the scratch is this thread's value, and GLib frees it
   * through scratch_free() when the thread exits. (It could as well be made
   * on first use, in format_line(), when g_private_get() returns NULL.) */
  g_private_set (&this_thread_scratch, scratch);

  for (int line = 1; line <= slot->planned; line++)
    {
      if (g_cancellable_is_cancelled (job->cancellable))
        break;

      format_line (line);
      g_usleep (LINE_US);
    }

  g_atomic_int_set (&slot->returned_at_us, (int) (g_get_monotonic_time () - job->started_at));

  return NULL;
  /* The thread exits here, and GLib calls scratch_free (scratch). */
}

/* The widget. Everything below runs on the main thread. */

#define THAW_TYPE_LESSON_THREAD_LOCAL (thaw_lesson_thread_local_get_type ())
G_DECLARE_FINAL_TYPE (ThawLessonThreadLocal, thaw_lesson_thread_local, THAW, LESSON_THREAD_LOCAL, ThawLesson)

struct _ThawLessonThreadLocal
{
  ThawLesson parent_instance;

  GtkWidget *knobs;
  GtkLabel *notifies_label;
  AdwActionRow *rows[MAX_THREADS];
  GtkLevelBar *bars[MAX_THREADS];
  GtkLabel *status;

  guint n_threads;

  /* While the threads run: their job and the threads not yet joined. */
  ScratchJob *job;
  GThread *threads[MAX_THREADS];
  guint n_joined;

  /* The last run, for --report. */
  const char *state;
  double seconds;
  guint run_threads;
  guint destroy_notifies;
  int values[MAX_THREADS];
  int planned[MAX_THREADS];
  int notifies[MAX_THREADS];
  double max_notify_delay_ms;
};

G_DEFINE_FINAL_TYPE (ThawLessonThreadLocal, thaw_lesson_thread_local, THAW_TYPE_LESSON)

enum {
  PROP_0,
  PROP_THREADS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_running (ThawLessonThreadLocal *self,
             gboolean               running)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.start", !running);
  thaw_lesson_set_busy (THAW_LESSON (self), running);
  gtk_widget_set_sensitive (self->knobs, !running);
}

/* Shows one row per thread of the coming run. */
static void
show_rows (ThawLessonThreadLocal *self)
{
  for (guint i = 0; i < MAX_THREADS; i++)
    gtk_widget_set_visible (GTK_WIDGET (self->rows[i]), i < self->n_threads);
}

static void
show_notifies (ThawLessonThreadLocal *self,
               guint                  notifies,
               guint                  threads)
{
  g_autofree char *text = NULL;

  text = g_strdup_printf (ngettext ("%u of %u destroy notify ran",
                                    "%u of %u destroy notifies ran",
                                    threads),
                          notifies, threads);
  gtk_label_set_text (self->notifies_label, text);
}

/* Reads one thread's slot, and joins the thread once it has exited. */
static void
show_thread (ThawLessonThreadLocal *self,
             ScratchJob            *job,
             guint                  index)
{
  Slot *slot = &job->slots[index];
  g_autofree char *text = NULL;
  int delay_us;

  self->notifies[index] = g_atomic_int_get (&slot->destroy_notifies);
  self->values[index] = g_atomic_int_get (&slot->lines);
  self->planned[index] = slot->planned;

  gtk_level_bar_set_value (self->bars[index], (double) self->values[index] / slot->planned);

  if (self->notifies[index] == 0)
    {
      text = g_strdup_printf (ngettext ("Running · its own counter: %d line",
                                        "Running · its own counter: %d lines",
                                        self->values[index]),
                              self->values[index]);
      adw_action_row_set_subtitle (self->rows[index], text);
      return;
    }

  delay_us = g_atomic_int_get (&slot->notify_delay_us);
  self->max_notify_delay_ms = MAX (self->max_notify_delay_ms, delay_us / 1000.0);
  text = g_strdup_printf (ngettext ("Exited with %d line · its destroy notify ran %d µs after its function returned",
                                    "Exited with %d lines · its destroy notify ran %d µs after its function returned",
                                    self->values[index]),
                          self->values[index], delay_us);
  adw_action_row_set_subtitle (self->rows[index], text);

  /* The destroy notify was the thread's last act: this join waits
   * microseconds at most. */
  if (self->threads[index] != NULL)
    {
      g_thread_join (g_steal_pointer (&self->threads[index]));
      self->n_joined++;
    }
}

static void
finish_run (ThawLessonThreadLocal *self)
{
  gboolean cancelled = g_cancellable_is_cancelled (self->job->cancellable);
  g_autofree char *text = NULL;

  g_clear_pointer (&self->job, scratch_job_unref);
  self->state = cancelled ? "cancelled" : "succeeded";

  if (cancelled)
    text = g_strdup_printf (_("Stopped early after %.2f s. The destroy notifies ran all the same."),
                            self->seconds);
  else
    text = g_strdup_printf (_("Done in %.2f s. One destroy notify per thread, each on its own thread as it exited."),
                            self->seconds);
  gtk_label_set_text (self->status, text);
  set_running (self, FALSE);
}

/* A delivery from the threads, running on the main thread. */
static gboolean
deliver_progress_cb (gpointer data)
{
  ScratchJob *job = data;
  g_autoptr(ThawLessonThreadLocal) self = NULL;

  /* Clear the flag before reading, so that news stored after this point
   * schedules a new delivery instead of being lost. */
  g_atomic_int_set (&job->delivery_pending, FALSE);

  self = g_weak_ref_get (&job->lesson);
  if (self == NULL || self->job != job)
    return G_SOURCE_REMOVE;

  self->destroy_notifies = (guint) g_atomic_int_get (&job->destroy_notifies);
  self->seconds = (double) (g_get_monotonic_time () - job->started_at) / G_USEC_PER_SEC;
  show_notifies (self, self->destroy_notifies, job->n_threads);
  for (guint i = 0; i < job->n_threads; i++)
    show_thread (self, job, i);

  if (self->n_joined == job->n_threads)
    finish_run (self);

  return G_SOURCE_REMOVE;
}

/* Stops the threads that started and waits for all of them. */
static void
stop_and_join (ThawLessonThreadLocal *self)
{
  g_cancellable_cancel (self->job->cancellable);
  for (guint i = 0; i < self->job->n_threads; i++)
    if (self->threads[i] != NULL)
      g_thread_join (g_steal_pointer (&self->threads[i]));
}

/* lesson.start: every thread with its own scratch. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonThreadLocal *self = THAW_LESSON_THREAD_LOCAL (widget);
  g_autoptr(GError) error = NULL;

  if (self->job != NULL)
    return;

  self->state = "running";
  self->run_threads = self->n_threads;
  self->destroy_notifies = 0;
  self->n_joined = 0;
  self->max_notify_delay_ms = 0;
  self->job = scratch_job_new (self, self->n_threads);
  self->job->started_at = g_get_monotonic_time ();
  show_rows (self);
  show_notifies (self, 0, self->n_threads);
  set_running (self, TRUE);

  for (guint i = 0; i < self->job->n_threads; i++)
    {
      Scratch *scratch = g_new0 (Scratch, 1);

      scratch->job = scratch_job_ref (self->job);
      scratch->index = i;
      self->threads[i] = g_thread_try_new ("thaw-scratch", format_lines_thread, scratch, &error);
      if (self->threads[i] == NULL)
        {
          /* The thread never started, so its scratch is still ours. The
           * others are stopped and joined: their notifies have then run. */
          scratch_job_unref (scratch->job);
          g_free (scratch);
          self->job->n_threads = i;
          stop_and_join (self);
          g_clear_pointer (&self->job, scratch_job_unref);
          self->state = "failed";
          gtk_label_set_text (self->status, error->message);
          set_running (self, FALSE);
          return;
        }
    }

  for (guint i = 0; i < self->job->n_threads; i++)
    show_thread (self, self->job, i);
  gtk_label_set_text (self->status,
                      _("Each thread counts its lines in its own scratch, with no lock. Watch them exit."));
}

/* lesson.stop: ask the threads to stop; their notifies end the run. */
static void
stop_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonThreadLocal *self = THAW_LESSON_THREAD_LOCAL (widget);

  if (self->job == NULL)
    return;

  g_cancellable_cancel (self->job->cancellable);
  gtk_label_set_text (self->status, _("Stopping…"));
}

static void
add_int_array (JsonBuilder *builder,
               const char  *name,
               const int   *values,
               guint        n_values)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_values; i++)
    json_builder_add_int_value (builder, values[i]);
  json_builder_end_array (builder);
}

static void
thaw_lesson_thread_local_report (ThawLesson  *lesson,
                                 JsonBuilder *builder)
{
  ThawLessonThreadLocal *self = THAW_LESSON_THREAD_LOCAL (lesson);

  json_builder_set_member_name (builder, "job_state");
  json_builder_add_string_value (builder, self->state);
  json_builder_set_member_name (builder, "job_seconds");
  json_builder_add_double_value (builder, self->seconds);
  json_builder_set_member_name (builder, "threads");
  json_builder_add_int_value (builder, self->run_threads);
  json_builder_set_member_name (builder, "destroy_notifies");
  json_builder_add_int_value (builder, self->destroy_notifies);
  json_builder_set_member_name (builder, "notify_delay_ms_max");
  json_builder_add_double_value (builder, self->max_notify_delay_ms);
  add_int_array (builder, "values", self->values, self->run_threads);
  add_int_array (builder, "planned", self->planned, self->run_threads);
  add_int_array (builder, "notifies_per_thread", self->notifies, self->run_threads);
}

static void
thaw_lesson_thread_local_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  ThawLessonThreadLocal *self = THAW_LESSON_THREAD_LOCAL (object);

  switch (prop_id)
    {
    case PROP_THREADS:
      g_value_set_uint (value, self->n_threads);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_lesson_thread_local_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  ThawLessonThreadLocal *self = THAW_LESSON_THREAD_LOCAL (object);

  switch (prop_id)
    {
    case PROP_THREADS:
      if (self->n_threads != g_value_get_uint (value))
        {
          self->n_threads = g_value_get_uint (value);
          if (self->job == NULL)
            show_rows (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_lesson_thread_local_dispose (GObject *object)
{
  ThawLessonThreadLocal *self = THAW_LESSON_THREAD_LOCAL (object);

  /* Threads may still run when the window closes. Stop them and wait: each
   * looks at the cancellable between lines (every 20 ms), and its destroy
   * notify runs before its join returns. The deliveries they schedule find
   * the lesson gone and do nothing. */
  if (self->job != NULL)
    {
      stop_and_join (self);
      g_clear_pointer (&self->job, scratch_job_unref);
    }

  G_OBJECT_CLASS (thaw_lesson_thread_local_parent_class)->dispose (object);
}

static void
thaw_lesson_thread_local_class_init (ThawLessonThreadLocalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  object_class->dispose = thaw_lesson_thread_local_dispose;
  object_class->get_property = thaw_lesson_thread_local_get_property;
  object_class->set_property = thaw_lesson_thread_local_set_property;
  lesson_class->report = thaw_lesson_thread_local_report;

  /**
   * ThawLessonThreadLocal:threads:
   *
   * How many threads the next run starts, each with its own scratch.
   */
  properties[PROP_THREADS] =
    g_param_spec_uint ("threads", NULL, NULL,
                       MIN_THREADS, MAX_THREADS, DEFAULT_THREADS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "lesson.start", NULL, start_cb);
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
make_threads_knob (ThawLessonThreadLocal *self)
{
  GtkAdjustment *adjustment;
  GtkWidget *knobs, *row, *spin;

  adjustment = gtk_adjustment_new (DEFAULT_THREADS, MIN_THREADS, MAX_THREADS, 1, 1, 0);
  spin = gtk_spin_button_new (adjustment, 1, 0);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  g_object_bind_property (self, "threads", adjustment, "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Threads"));
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

/* One thread on screen: its name, its own value and its lines so far. */
static GtkWidget *
make_thread_row (ThawLessonThreadLocal *self,
                 guint                  index)
{
  g_autofree char *title = NULL;
  g_autofree char *bar_label = NULL;
  GtkWidget *row, *bar;

  /* Translators: the name of a worker thread, e.g. "Thread 3". */
  title = g_strdup_printf (_("Thread %u"), index + 1);
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Not started"));

  /* A level bar, which unlike a progress bar can be made narrow. */
  bar = gtk_level_bar_new ();
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (bar, 64, -1);
  /* Translators: "%s" is the name of a thread, e.g. "Thread 3". */
  bar_label = g_strdup_printf (_("Lines formatted by %s"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, bar_label,
                                  -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), bar);

  self->rows[index] = ADW_ACTION_ROW (row);
  self->bars[index] = GTK_LEVEL_BAR (bar);

  return row;
}

static void
thaw_lesson_thread_local_init (ThawLessonThreadLocal *self)
{
  GtkWidget *box, *buttons, *notifies_label, *thread_list, *status;

  self->state = "idle";
  self->n_threads = DEFAULT_THREADS;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  buttons = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (buttons), FALSE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 2);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("Start _Threads"), "lesson.start", "suggested-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Stop"), "lesson.stop", NULL));
  gtk_box_append (GTK_BOX (box), buttons);

  self->knobs = make_threads_knob (self);
  gtk_box_append (GTK_BOX (box), self->knobs);

  notifies_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (notifies_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (notifies_label), 0);
  gtk_widget_add_css_class (notifies_label, "title-3");
  gtk_widget_add_css_class (notifies_label, "numeric");
  gtk_box_append (GTK_BOX (box), notifies_label);
  self->notifies_label = GTK_LABEL (notifies_label);

  thread_list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (thread_list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (thread_list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (thread_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Threads and their own values"),
                                  -1);
  for (guint i = 0; i < MAX_THREADS; i++)
    gtk_list_box_append (GTK_LIST_BOX (thread_list), make_thread_row (self, i));
  gtk_box_append (GTK_BOX (box), thread_list);

  status = gtk_label_new (_("Start the threads: each keeps its own counter, and GLib frees it as the thread exits."));
  gtk_label_set_wrap (GTK_LABEL (status), TRUE);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_box_append (GTK_BOX (box), status);
  self->status = GTK_LABEL (status);

  adw_bin_set_child (ADW_BIN (self), box);
  show_rows (self);
  show_notifies (self, 0, self->n_threads);
  set_running (self, FALSE);
}

const ThawLessonInfo thaw_lesson_thread_local_info = {
  .id = "thread-local",
  .part = THAW_PART_SHARING,
  .title = N_("Each Thread’s Own Value"),
  .summary = N_("Thread-local storage, and the destroy notify that runs as each thread exits"),
  .keywords = N_("thread-local;thread local;GPrivate;private;local;threading.local;TLS;destroy;notify;exit;scratch"),
  .explanation =
    N_("Sometimes each thread needs its own copy of something: a scratch "
       "buffer, a counter, a random number generator, a connection. Passing it "
       "down through every call is clumsy. A global shared by all threads needs "
       "a lock, and the threads would take turns at it. <b>Thread-local "
       "storage</b> gives every thread its own value behind one name.\n\n"
       "In GLib that name is a <tt>GPrivate</tt>. <tt>g_private_set()</tt> "
       "stores a value for the calling thread only, and "
       "<tt>g_private_get()</tt> returns the calling thread’s value, or "
       "<tt>NULL</tt> if it never set one. Here <tt>format_line()</tt>, deep in "
       "the work, finds its thread’s scratch with no parameter and no lock, and "
       "the counters never mix: each thread ends with exactly its own "
       "lines.\n\n"
       "A GPrivate must be <b>static</b>, set up with <tt>G_PRIVATE_INIT "
       "(notify)</tt>. GLib can never free one, and the system has only a "
       "limited number for the whole program, so making them on the fly would "
       "leak them.\n\n"
       "The <tt>notify</tt> is the <b>destroy notify</b>. When a thread exits, "
       "GLib calls it with that thread’s value so that it can be freed. It runs "
       "<i>on the exiting thread</i>, after the thread’s function has returned, "
       "so it must only touch what is safe from any thread: here it counts "
       "with atomics and tells the main thread through the same single pending "
       "main-loop callback as the progress. Watch the count: one notify per "
       "thread, each as its thread ends, even when the threads are stopped "
       "early. The main thread never exits that way, so a value it set would "
       "never be freed.\n\n"
       "Python’s <tt>threading.local()</tt> is the same idea: each thread "
       "sees its own attributes, and they are dropped when the thread ends. "
       "C’s <tt>_Thread_local</tt> is quicker for plain values but has no "
       "destroy notify."),
  .try_this =
    N_("Click “Start Threads”: each thread counts its own lines, and the counts never mix.\n"
       "Watch the destroy notifies: they arrive one by one, as each thread exits.\n"
       "When it is done, every count is exactly that thread’s share: 50 lines for thread 1, 100 for the last one.\n"
       "Set 16 threads and start again, then press Stop halfway: every thread still gets its destroy notify."),
  .source = "lesson-thread-local.c",
  .get_type = thaw_lesson_thread_local_get_type,
};
