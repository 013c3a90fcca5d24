/* lesson-signal.c — Waiting for a signal: a start gate
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Worker threads line up at a gate and sleep there until they are told to
 * go. The gate is the classic trio: a flag (the predicate), a GMutex that
 * guards it, and a GCond to sleep on until the flag changes.
 *
 *   lesson.line-up   starts the threads; the gate stays closed, and every
 *                    thread sleeps in g_cond_wait() inside a loop that
 *                    checks the flag.
 *   lesson.go        opens the gate and wakes every thread with
 *                    g_cond_broadcast(). Each thread measures how long after
 *                    Go it got through.
 *   lesson.let-one   hands out one ticket and wakes a thread with
 *                    g_cond_signal(), which wakes at least one: the ticket,
 *                    taken by the first to look, lets exactly one through.
 *   lesson.start     lines the threads up and says Go by itself shortly
 *                    after, so the whole thing runs to its end.
 *   lesson.stop      wakes everybody up to leave, through the gate or not.
 *
 * Read it top to bottom: the gate, the threads, the hand-off of their news
 * to the main thread, and the widget.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "thaw-lesson.h"
#include "thaw-priority.h"
#include "thaw-tsan.h"

#define MIN_THREADS 1
#define MAX_THREADS 16
#define DEFAULT_THREADS 4

/* lesson.start says Go this long after lining up, so that every thread is
 * asleep at the gate by then (and the learner sees them there). */
#define AUTO_GO_MS 600

/* After the gate, each thread works this long, in short naps. */
#define WORK_US (1500 * 1000)
#define WORK_STEP_US 20000

/* The gate. Everything in it is guarded by its mutex. */

typedef struct
{
  GMutex mutex;
  GCond changed;        /* signalled whenever the fields below change */

  gboolean open;        /* the predicate: may everybody go? */
  guint tickets;        /* passes for one thread each, not yet used */
  gboolean closing;     /* everybody must leave: Stop or the window closed */

  gint64 opened_at;     /* when Go was said */
  gint64 ticket_at;     /* when the last ticket was handed out */
} Gate;

/* What one thread shows. Written by that thread with g_atomic_int_*(),
 * read by the main thread the same way. */
typedef enum
{
  RUNNER_STARTING,
  RUNNER_WAITING,
  RUNNER_RUNNING,
  RUNNER_DONE,
  RUNNER_LEFT,          /* left without passing the gate (stopped) */
} RunnerState;

typedef struct
{
  int state;            /* a RunnerState */
  int passes;           /* times through the gate: must end at exactly 1 */
  int wake_ups;         /* times g_cond_wait() returned */
  int latency_us;       /* from the Go (or ticket) to getting through */
  int work_permille;
} Runner;

/* What the threads and the main thread share. */
typedef struct
{
  gatomicrefcount ref_count;
  GCancellable *cancellable;
  GWeakRef lesson;            /* main thread only */

  Gate gate;
  guint n_threads;            /* set before the threads start */
  Runner runners[MAX_THREADS];

  int n_finished;             /* threads that will report nothing more */

  /* TRUE while a delivery is scheduled on the main loop and has not run. */
  int delivery_pending;
} GateJob;

static GateJob *
gate_job_new (gpointer lesson,
              guint    n_threads)
{
  GateJob *job = g_new0 (GateJob, 1);

  g_atomic_ref_count_init (&job->ref_count);
  job->cancellable = g_cancellable_new ();
  g_weak_ref_init (&job->lesson, lesson);
  g_mutex_init (&job->gate.mutex);
  g_cond_init (&job->gate.changed);
  job->n_threads = n_threads;

  return job;
}

static GateJob *
gate_job_ref (GateJob *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

static void
gate_job_unref (GateJob *job)
{
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;

  /* The last reference may be dropped on any thread: nothing here belongs
   * to the main thread. */
  g_cond_clear (&job->gate.changed);
  g_mutex_clear (&job->gate.mutex);
  g_weak_ref_clear (&job->lesson);
  g_object_unref (job->cancellable);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GateJob, gate_job_unref)

/* How long a delivery waits to collect news: about one frame. */
#define DELIVERY_INTERVAL_MS 16

static gboolean deliver_progress_cb (gpointer data);

/* Called by any thread after it stored new figures. At most one delivery
 * waits on the main loop, and it shows the latest figures of all threads. */
static void
publish_progress (GateJob *job)
{
  if (g_atomic_int_compare_and_exchange (&job->delivery_pending, FALSE, TRUE))
    {
      /* The delivery waits one frame, and brings everything stored in the
       * meantime: a screen shows at most one change per frame, so more
       * deliveries would only be work for the main thread. The callback
       * holds its own reference to the job. */
      g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE, DELIVERY_INTERVAL_MS,
                          deliver_progress_cb,
                          gate_job_ref (job),
                          (GDestroyNotify) gate_job_unref);
    }
}

/* The waiting side, on each worker thread. */

/* Sleeps until the gate is open or a ticket is there, and then goes
 * through. Returns FALSE if it was told to leave instead.
 *
 * The heart of the lesson is the while loop. g_cond_wait() unlocks the
 * mutex while it sleeps and locks it again before it returns, so the flag
 * is always read under the lock. And it is read again after every wake-up,
 * because a wake-up is only a hint:
 *
 *   - g_cond_wait() may return when nobody signalled (a spurious wake-up);
 *   - g_cond_signal() for a ticket may wake this thread after another one
 *     took the ticket;
 *   - and if Go came before this thread got here, it must not sleep at all:
 *     a signal sent when nobody waits is not remembered, the flag is.
 */
static gboolean
pass_the_gate (GateJob *job,
               Runner  *runner)
{
  Gate *gate = &job->gate;
  gboolean passed = TRUE;
  gint64 through_at;

  thaw_mutex_lock (&gate->mutex);

  g_atomic_int_set (&runner->state, RUNNER_WAITING);
  publish_progress (job);

  while (!gate->open && gate->tickets == 0 && !gate->closing)
    {
      thaw_cond_wait (&gate->changed, &gate->mutex);
      g_atomic_int_inc (&runner->wake_ups);
    }

  through_at = g_get_monotonic_time ();
  if (gate->closing)
    passed = FALSE;
  else if (gate->open)
    g_atomic_int_set (&runner->latency_us, (int) (through_at - gate->opened_at));
  else
    {
      gate->tickets--;
      g_atomic_int_set (&runner->latency_us, (int) (through_at - gate->ticket_at));
    }

  thaw_mutex_unlock (&gate->mutex);

  return passed;
}

/* The work after the gate: short naps, with a look at the cancellable
 * between them. */
static void
work (GateJob *job,
      Runner  *runner)
{
  for (gint64 done = 0; done < WORK_US; done += WORK_STEP_US)
    {
      if (g_cancellable_is_cancelled (job->cancellable))
        return;

      g_usleep (WORK_STEP_US);
      g_atomic_int_set (&runner->work_permille, (int) ((done + WORK_STEP_US) * 1000 / WORK_US));
      publish_progress (job);
    }
}

typedef struct
{
  GateJob *job;               /* a reference */
  Runner *runner;
} RunnerArgs;

/* One worker thread's whole life. It never calls GTK. */
static gpointer
runner_thread (gpointer data)
{
  RunnerArgs *args = data;
  g_autoptr(GateJob) job = args->job;
  Runner *runner = args->runner;

  g_free (args);
  thaw_thread_set_background_priority ();

  if (pass_the_gate (job, runner))
    {
      g_atomic_int_inc (&runner->passes);
      g_atomic_int_set (&runner->state, RUNNER_RUNNING);
      publish_progress (job);

      work (job, runner);
      g_atomic_int_set (&runner->state, RUNNER_DONE);
    }
  else
    g_atomic_int_set (&runner->state, RUNNER_LEFT);

  g_atomic_int_inc (&job->n_finished);
  publish_progress (job);

  return NULL;
}

/* The signalling side, on the main thread. The mutex is held only for a
 * few instructions by anyone, so taking it here never stalls the window. */

/* Go: the predicate changes for every waiting thread, so every one of them
 * must be woken: g_cond_broadcast(). */
static void
gate_open (Gate *gate)
{
  thaw_mutex_lock (&gate->mutex);
  gate->open = TRUE;
  gate->opened_at = g_get_monotonic_time ();
  g_cond_broadcast (&gate->changed);
  thaw_mutex_unlock (&gate->mutex);
}

/* One ticket lets one thread through, so one wake-up is enough:
 * g_cond_signal() wakes at least one waiting thread. If it wakes more, the
 * first to take the mutex takes the ticket, and the others find none and
 * go back to sleep: the count, not the signal, lets exactly one through.
 * Signalling before the unlock is good practice, not a rule; what matters
 * is that the ticket is counted under the mutex. */
static void
gate_let_one_through (Gate *gate)
{
  thaw_mutex_lock (&gate->mutex);
  gate->tickets++;
  gate->ticket_at = g_get_monotonic_time ();
  g_cond_signal (&gate->changed);
  thaw_mutex_unlock (&gate->mutex);
}

/* Everybody leaves: a sleeping thread cannot see a cancellable, so it must
 * be woken to notice. */
static void
gate_close_for_good (Gate *gate)
{
  thaw_mutex_lock (&gate->mutex);
  gate->closing = TRUE;
  g_cond_broadcast (&gate->changed);
  thaw_mutex_unlock (&gate->mutex);
}

/* The widget. Everything below runs on the main thread. */

#define THAW_TYPE_LESSON_SIGNAL (thaw_lesson_signal_get_type ())
G_DECLARE_FINAL_TYPE (ThawLessonSignal, thaw_lesson_signal, THAW, LESSON_SIGNAL, ThawLesson)

struct _ThawLessonSignal
{
  ThawLesson parent_instance;

  GtkWidget *knobs;
  GtkLabel *gate_label;
  GtkListBox *thread_list;
  AdwActionRow *rows[MAX_THREADS];
  GtkLevelBar *bars[MAX_THREADS];
  GtkLabel *status;

  guint n_threads;

  /* While the threads run: their job, the threads, the automatic Go. */
  GateJob *job;
  GThread *threads[MAX_THREADS];
  guint auto_go_id;
  gint64 started_at;

  /* The last run, for --report. */
  const char *state;
  double seconds;
  guint run_threads;
  guint released;
  guint waiting;
  gboolean gate_open;
  double max_latency_ms;
  int passes[MAX_THREADS];
  int wake_ups[MAX_THREADS];
  double latency_ms[MAX_THREADS];
};

G_DEFINE_FINAL_TYPE (ThawLessonSignal, thaw_lesson_signal, THAW_TYPE_LESSON)

enum {
  PROP_0,
  PROP_THREADS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_running (ThawLessonSignal *self,
             gboolean          running)
{
  gboolean gate_closed = running && !self->gate_open;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.start", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.line-up", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.go", gate_closed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.let-one", gate_closed);
  thaw_lesson_set_busy (THAW_LESSON (self), running);
  gtk_widget_set_sensitive (self->knobs, !running);
}

/* Shows one row per thread of the coming run. */
static void
show_rows (ThawLessonSignal *self)
{
  for (guint i = 0; i < MAX_THREADS; i++)
    gtk_widget_set_visible (GTK_WIDGET (self->rows[i]), i < self->n_threads);
}

static char *
describe_runner (int    state,
                 int    wake_ups,
                 double latency_ms)
{
  switch ((RunnerState) state)
    {
    case RUNNER_STARTING:
      return g_strdup (_("Starting"));
    case RUNNER_WAITING:
      return g_strdup_printf (ngettext ("Waiting at the gate · woken %d time",
                                        "Waiting at the gate · woken %d times",
                                        wake_ups),
                              wake_ups);
    case RUNNER_RUNNING:
      /* Translators: how long after Go a waiting thread got going. */
      return g_strdup_printf (_("Running · through %.2f ms after the signal"), latency_ms);
    case RUNNER_DONE:
      return g_strdup_printf (_("Done · through %.2f ms after the signal"), latency_ms);
    case RUNNER_LEFT:
      return g_strdup (_("Left without passing the gate"));
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Reads every thread's figures and shows them. */
static void
show_runners (ThawLessonSignal *self,
              GateJob          *job)
{
  g_autofree char *gate_text = NULL;

  self->released = 0;
  self->waiting = 0;
  self->max_latency_ms = 0;

  for (guint i = 0; i < job->n_threads; i++)
    {
      Runner *runner = &job->runners[i];
      int state = g_atomic_int_get (&runner->state);
      g_autofree char *text = NULL;

      self->passes[i] = g_atomic_int_get (&runner->passes);
      self->wake_ups[i] = g_atomic_int_get (&runner->wake_ups);
      self->latency_ms[i] = self->passes[i] ? g_atomic_int_get (&runner->latency_us) / 1000.0 : 0;

      if (self->passes[i] > 0)
        self->released++;
      if (state == RUNNER_WAITING)
        self->waiting++;
      self->max_latency_ms = MAX (self->max_latency_ms, self->latency_ms[i]);

      text = describe_runner (state, self->wake_ups[i], self->latency_ms[i]);
      adw_action_row_set_subtitle (self->rows[i], text);
      gtk_level_bar_set_value (self->bars[i], g_atomic_int_get (&runner->work_permille) / 1000.0);
    }

  if (self->gate_open)
    gate_text = g_strdup_printf (_("Gate open · %u of %u through · slowest %.2f ms after Go"),
                                 self->released, job->n_threads, self->max_latency_ms);
  else
    gate_text = g_strdup_printf (_("Gate closed · %u waiting · %u through"),
                                 self->waiting, self->released);
  gtk_label_set_text (self->gate_label, gate_text);
}

static void
finish_run (ThawLessonSignal *self)
{
  gboolean cancelled = g_cancellable_is_cancelled (self->job->cancellable);

  /* Every thread has said its last word and is returning: these joins wait
   * microseconds. */
  for (guint i = 0; i < self->job->n_threads; i++)
    g_thread_join (g_steal_pointer (&self->threads[i]));

  g_clear_handle_id (&self->auto_go_id, g_source_remove);
  g_clear_pointer (&self->job, gate_job_unref);

  self->seconds = (double) (g_get_monotonic_time () - self->started_at) / G_USEC_PER_SEC;
  self->state = cancelled ? "cancelled" : "succeeded";

  if (cancelled)
    gtk_label_set_text (self->status, _("Stopped. The threads still at the gate were woken to leave."));
  else
    gtk_label_set_text (self->status, _("Done. Every thread went through the gate once."));
  set_running (self, FALSE);
}

/* A delivery from the threads, running on the main thread. */
static gboolean
deliver_progress_cb (gpointer data)
{
  GateJob *job = data;
  g_autoptr(ThawLessonSignal) self = NULL;
  gboolean all_finished;

  /* Clear the flag before reading, so that news stored after this point
   * schedules a new delivery instead of being lost. */
  g_atomic_int_set (&job->delivery_pending, FALSE);

  self = g_weak_ref_get (&job->lesson);
  if (self == NULL || self->job != job)
    return G_SOURCE_REMOVE;

  /* Counted before the figures are read: each thread counts itself after
   * its last figures, so if all have, the figures read next are final. */
  all_finished = (guint) g_atomic_int_get (&job->n_finished) == job->n_threads;
  show_runners (self, job);

  if (all_finished)
    finish_run (self);

  return G_SOURCE_REMOVE;
}

/* Starts the threads; they go and wait at the closed gate. */
static gboolean
line_up (ThawLessonSignal *self)
{
  g_autoptr(GError) error = NULL;

  if (self->job != NULL)
    return FALSE;

  self->started_at = g_get_monotonic_time ();
  self->state = "running";
  self->gate_open = FALSE;
  self->run_threads = self->n_threads;
  self->job = gate_job_new (self, self->n_threads);
  memset (self->passes, 0, sizeof self->passes);
  show_rows (self);
  set_running (self, TRUE);

  for (guint i = 0; i < self->job->n_threads; i++)
    {
      RunnerArgs *args = g_new (RunnerArgs, 1);

      args->job = gate_job_ref (self->job);
      args->runner = &self->job->runners[i];
      self->threads[i] = g_thread_try_new ("thaw-gate", runner_thread, args, &error);
      if (self->threads[i] == NULL)
        {
          /* This thread never started: its reference is still ours. The
           * ones that did start are sent away, and their last delivery
           * ends the run. */
          gate_job_unref (args->job);
          g_free (args);
          self->job->n_threads = i;
          gate_close_for_good (&self->job->gate);
          g_cancellable_cancel (self->job->cancellable);
          gtk_label_set_text (self->status, error->message);
          if (i == 0)
            {
              g_clear_pointer (&self->job, gate_job_unref);
              set_running (self, FALSE);
            }
          self->state = "failed";
          return FALSE;
        }
    }

  show_runners (self, self->job);
  return TRUE;
}

/* lesson.line-up: start the threads and leave the gate closed. */
static void
line_up_cb (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  ThawLessonSignal *self = THAW_LESSON_SIGNAL (widget);

  if (line_up (self))
    gtk_label_set_text (self->status,
                        _("The threads are asleep at the gate, using no CPU. Say Go, or let one through."));
}

/* lesson.go: open the gate for everybody. */
static void
go_cb (GtkWidget  *widget,
       const char *action_name,
       GVariant   *parameter)
{
  ThawLessonSignal *self = THAW_LESSON_SIGNAL (widget);

  if (self->job == NULL || self->gate_open)
    return;

  g_clear_handle_id (&self->auto_go_id, g_source_remove);
  gate_open (&self->job->gate);
  self->gate_open = TRUE;
  set_running (self, TRUE);
  show_runners (self, self->job);
  gtk_label_set_text (self->status, _("Go! g_cond_broadcast() woke every thread."));
}

/* lesson.let-one: one ticket, one g_cond_signal(). */
static void
let_one_cb (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  ThawLessonSignal *self = THAW_LESSON_SIGNAL (widget);

  if (self->job == NULL || self->gate_open)
    return;

  gate_let_one_through (&self->job->gate);
  gtk_label_set_text (self->status, _("One ticket: g_cond_signal() woke one thread, and the others sleep on."));
}

static gboolean
auto_go_cb (gpointer data)
{
  ThawLessonSignal *self = data;

  self->auto_go_id = 0;
  gtk_widget_activate_action (GTK_WIDGET (self), "lesson.go", NULL);

  return G_SOURCE_REMOVE;
}

/* lesson.start: line up, and say Go by itself a moment later. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonSignal *self = THAW_LESSON_SIGNAL (widget);

  if (!line_up (self))
    return;

  gtk_label_set_text (self->status, _("The threads are lining up. Go comes in a moment…"));
  /* Removed in dispose and when the run ends, so it never outlives us. */
  self->auto_go_id = g_timeout_add (AUTO_GO_MS, auto_go_cb, self);
}

/* lesson.stop: everybody leaves, through the gate or not. */
static void
stop_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonSignal *self = THAW_LESSON_SIGNAL (widget);

  if (self->job == NULL)
    return;

  g_clear_handle_id (&self->auto_go_id, g_source_remove);
  g_cancellable_cancel (self->job->cancellable);
  gate_close_for_good (&self->job->gate);
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
thaw_lesson_signal_report (ThawLesson  *lesson,
                           JsonBuilder *builder)
{
  ThawLessonSignal *self = THAW_LESSON_SIGNAL (lesson);

  json_builder_set_member_name (builder, "job_state");
  json_builder_add_string_value (builder, self->state);
  json_builder_set_member_name (builder, "job_seconds");
  json_builder_add_double_value (builder, self->seconds);
  json_builder_set_member_name (builder, "threads");
  json_builder_add_int_value (builder, self->run_threads);
  json_builder_set_member_name (builder, "gate_open");
  json_builder_add_boolean_value (builder, self->gate_open);
  json_builder_set_member_name (builder, "released");
  json_builder_add_int_value (builder, self->released);
  json_builder_set_member_name (builder, "waiting");
  json_builder_add_int_value (builder, self->waiting);
  json_builder_set_member_name (builder, "wake_latency_ms_max");
  json_builder_add_double_value (builder, self->max_latency_ms);
  add_int_array (builder, "passes", self->passes, self->run_threads);
  add_int_array (builder, "wake_ups", self->wake_ups, self->run_threads);

  json_builder_set_member_name (builder, "wake_latency_ms");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->run_threads; i++)
    json_builder_add_double_value (builder, self->latency_ms[i]);
  json_builder_end_array (builder);
}

static void
thaw_lesson_signal_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ThawLessonSignal *self = THAW_LESSON_SIGNAL (object);

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
thaw_lesson_signal_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ThawLessonSignal *self = THAW_LESSON_SIGNAL (object);

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
thaw_lesson_signal_dispose (GObject *object)
{
  ThawLessonSignal *self = THAW_LESSON_SIGNAL (object);

  /* Threads may be asleep at the gate, or working, when the window closes.
   * Wake the sleepers to leave, stop the workers, and wait for all of them:
   * a sleeper wakes within microseconds, a worker looks at the cancellable
   * between naps of 20 ms. */
  if (self->job != NULL)
    {
      g_cancellable_cancel (self->job->cancellable);
      gate_close_for_good (&self->job->gate);
      for (guint i = 0; i < self->job->n_threads; i++)
        g_thread_join (g_steal_pointer (&self->threads[i]));
      g_clear_pointer (&self->job, gate_job_unref);
    }

  g_clear_handle_id (&self->auto_go_id, g_source_remove);

  G_OBJECT_CLASS (thaw_lesson_signal_parent_class)->dispose (object);
}

static void
thaw_lesson_signal_class_init (ThawLessonSignalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  object_class->dispose = thaw_lesson_signal_dispose;
  object_class->get_property = thaw_lesson_signal_get_property;
  object_class->set_property = thaw_lesson_signal_set_property;
  lesson_class->report = thaw_lesson_signal_report;

  /**
   * ThawLessonSignal:threads:
   *
   * How many threads the next run lines up at the gate.
   */
  properties[PROP_THREADS] =
    g_param_spec_uint ("threads", NULL, NULL,
                       MIN_THREADS, MAX_THREADS, DEFAULT_THREADS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "lesson.start", NULL, start_cb);
  gtk_widget_class_install_action (widget_class, "lesson.line-up", NULL, line_up_cb);
  gtk_widget_class_install_action (widget_class, "lesson.go", NULL, go_cb);
  gtk_widget_class_install_action (widget_class, "lesson.let-one", NULL, let_one_cb);
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
make_threads_knob (ThawLessonSignal *self)
{
  GtkAdjustment *adjustment;
  GtkWidget *knobs, *row, *spin;

  adjustment = gtk_adjustment_new (DEFAULT_THREADS, MIN_THREADS, MAX_THREADS, 1, 1, 0);
  spin = gtk_spin_button_new (adjustment, 1, 0);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  g_object_bind_property (self, "threads", adjustment, "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Threads at the gate"));
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

/* One thread on screen: its name, its state and its work after the gate. */
static GtkWidget *
make_thread_row (ThawLessonSignal *self,
                 guint             index)
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
  bar_label = g_strdup_printf (_("Work of %s"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, bar_label,
                                  -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), bar);

  self->rows[index] = ADW_ACTION_ROW (row);
  self->bars[index] = GTK_LEVEL_BAR (bar);

  return row;
}

static void
thaw_lesson_signal_init (ThawLessonSignal *self)
{
  GtkWidget *box, *buttons, *gate_label, *thread_list, *status;

  self->state = "idle";
  self->n_threads = DEFAULT_THREADS;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  buttons = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (buttons), FALSE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 5);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("Line Up _and Go"), "lesson.start", "suggested-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Line Up"), "lesson.line-up", NULL));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Go!"), "lesson.go", NULL));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("Let _One Through"), "lesson.let-one", NULL));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Stop"), "lesson.stop", NULL));
  gtk_box_append (GTK_BOX (box), buttons);

  self->knobs = make_threads_knob (self);
  gtk_box_append (GTK_BOX (box), self->knobs);

  gate_label = gtk_label_new (_("Gate closed · nobody there yet"));
  gtk_label_set_wrap (GTK_LABEL (gate_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (gate_label), 0);
  gtk_widget_add_css_class (gate_label, "heading");
  gtk_widget_add_css_class (gate_label, "numeric");
  gtk_box_append (GTK_BOX (box), gate_label);
  self->gate_label = GTK_LABEL (gate_label);

  thread_list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (thread_list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (thread_list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (thread_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Threads at the gate"),
                                  -1);
  for (guint i = 0; i < MAX_THREADS; i++)
    gtk_list_box_append (GTK_LIST_BOX (thread_list), make_thread_row (self, i));
  gtk_box_append (GTK_BOX (box), thread_list);
  self->thread_list = GTK_LIST_BOX (thread_list);

  status = gtk_label_new (_("Line the threads up, then say Go: they wake together."));
  gtk_label_set_wrap (GTK_LABEL (status), TRUE);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_box_append (GTK_BOX (box), status);
  self->status = GTK_LABEL (status);

  adw_bin_set_child (ADW_BIN (self), box);
  show_rows (self);
  set_running (self, FALSE);
}

const ThawLessonInfo thaw_lesson_signal_info = {
  .id = "signal",
  .part = THAW_PART_SHARING,
  .title = N_("Waiting for a Signal"),
  .summary = N_("Threads sleep at a gate until another thread says Go"),
  .keywords = N_("signal;condition;GCond;wait;broadcast;event;Event;Condition;spurious;wake-up;gate;barrier"),
  .explanation =
    N_("Often a thread must wait until something is true: the data is ready, "
       "the others are lined up, it is time to go. Checking in a loop with "
       "naps wastes CPU and reacts late. A <b>condition variable</b>, "
       "<tt>GCond</tt>, lets the thread sleep until another one says that "
       "something changed.\n\n"
       "A GCond holds no state: it is only a place to sleep. The state is a "
       "flag, here <tt>open</tt>, guarded by a <tt>GMutex</tt>. The waiter "
       "takes the mutex and loops: <tt>while (!open) g_cond_wait (&amp;cond, "
       "&amp;mutex);</tt> <tt>g_cond_wait()</tt> unlocks the mutex while it "
       "sleeps and locks it again before returning. The thread that says Go "
       "takes the mutex, sets the flag, wakes the waiters and unlocks.\n\n"
       "Why a loop and not a single wait? Because a wake-up is only a hint. "
       "<tt>g_cond_wait()</tt> may return when nobody signalled (a "
       "<i>spurious wake-up</i>), and another thread may have used up the news "
       "before this one got the mutex back. And why the flag at all? Because a "
       "signal sent while nobody waits is not remembered: a thread that comes "
       "to the gate after Go would sleep forever (a <i>lost wake-up</i>). The "
       "flag is remembered, so a latecomer sees it and never sleeps.\n\n"
       "So the rule is: change the flag only while holding the mutex, and "
       "always check it in a loop. A waiter checks the flag and falls asleep "
       "in one step under the mutex, so a change made under it cannot slip in "
       "between and be lost. Signalling while still holding the mutex is good "
       "practice, not a rule: <tt>g_cond_signal()</tt> after the unlock is "
       "allowed, and wakes the waiters just as well, as long as the flag was "
       "changed under the lock. (Python is stricter: <tt>notify()</tt> raises "
       "<tt>RuntimeError</tt> if the lock is not held.)\n\n"
       "<tt>g_cond_broadcast()</tt> wakes every waiter: use it when the change "
       "concerns them all, like opening the gate. <tt>g_cond_signal()</tt> "
       "wakes <i>at least</i> one, sometimes more: enough when the change is "
       "good for just one, like one ticket. It is not the signal that lets "
       "exactly one thread through, it is the ticket count: the first thread "
       "to get the mutex takes the ticket, and any other thread woken with it "
       "finds none, goes round the loop and sleeps again. Each thread here "
       "measures how long after the signal it got "
       "through; the waking and the mutex they all take in turn cost a fraction "
       "of a millisecond each.\n\n"
       "Python’s <tt>threading.Event</tt> is exactly this gate: a flag, a lock "
       "and a condition, with <tt>wait()</tt> and <tt>set()</tt>. "
       "<tt>threading.Condition</tt> is the bare GCond with its lock; its "
       "<tt>wait_for(predicate)</tt> does the loop for you."),
  .try_this =
    N_("Click “Line Up and Go”: the threads wait at the gate, then all start within a fraction of a millisecond of Go.\n"
       "Click “Line Up” and wait: nobody passes, and the meter shows the threads cost the window nothing while they sleep.\n"
       "Click “Let One Through” a few times: each ticket lets exactly one thread pass. g_cond_signal() may wake more than one, but the first takes the ticket and the others find none.\n"
       "Click “Go!” to release the rest with g_cond_broadcast(), and compare how long each took to wake.\n"
       "Set 16 threads and run again: the later ones take a little longer, because they take the mutex in turn."),
  .source = "lesson-signal.c",
  .get_type = thaw_lesson_signal_get_type,
};
