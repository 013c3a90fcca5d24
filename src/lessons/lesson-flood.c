/* lesson-flood.c — A flood of progress updates
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A worker thread sends one million progress updates, about 400,000 a
 * second, and the main thread shows them in three ways:
 *
 *   lesson.flood   one g_idle_add() per update, the way it is often written
 *                  first. Every update becomes a callback the main loop must
 *                  run. To keep the app usable the worker waits whenever too
 *                  many are pending, and says so.
 *
 *   lesson.start   coalesced: the worker stores the latest value and asks for
 *                  a delivery only if none is pending and the last was at
 *                  least a frame ago, the frame's length coming from the
 *                  window's frame clock. The last update skips that check,
 *                  so the final value is never lost. A few hundred callbacks
 *                  in all.
 *
 *   lesson.paced   paced to frames: the worker only stores the latest value,
 *                  and a tick callback on the lesson reads it once per frame.
 *                  No idle callbacks at all.
 *
 *   lesson.stop    asks the worker to stop.
 *
 * While a run goes on the lesson shows, once per frame, how many updates
 * were sent, how many idle callbacks wait on the main loop, and how many the
 * main loop has run. The meter at the bottom of the window shows what the
 * first way does to the main loop.
 *
 * Read it top to bottom: the run the two threads share, the three ways to
 * send an update, the worker, the callbacks on the main thread, and then
 * the widget.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "thaw-lesson.h"
#include "thaw-priority.h"

#define N_UPDATES 1000000
/* The worker's pace: one million updates in two and a half seconds. */
#define UPDATES_PER_SECOND 400000
/* How many updates the worker sends between two looks at the clock and at
 * its cancellable. */
#define BATCH 1000
/* One frame at 60 Hz: how long a coalesced run waits between two asks until
 * the frame clock has said how long a frame of this screen really is. */
#define DEFAULT_FRAME_US 16667
/* In the flood, the most idle callbacks allowed to wait on the main loop.
 * Past it, the worker waits until half of them have run. Without this bound
 * a million callbacks could pile up, and the window would need many
 * seconds to work through them after the worker is long done. */
#define MAX_PENDING 100000

typedef enum
{
  MODE_FLOOD,
  MODE_COALESCED,
  MODE_PACED,
} Mode;

static const char *const mode_ids[] = { "flood", "coalesced", "paced" };

/* What the worker and the main thread share.
 *
 * The fields written by one thread and read by the other are only touched
 * with g_atomic_int_*(), each a full memory barrier. Everything else is set
 * before the thread starts and never changes while it runs.
 */
typedef struct
{
  gatomicrefcount ref_count;
  GCancellable *cancellable;
  GWeakRef lesson;          /* main thread only */
  Mode mode;

  /* Written by the worker, read by the main thread. */
  int sent;                 /* updates sent so far, also the latest value */
  int finished;             /* the worker will send nothing more */
  int pending_max;          /* the most idle callbacks ever pending */
  int throttled;            /* how often the flood had to wait */

  /* Written by the main thread, read by the worker: the length of one frame
   * of the screen the window is on, in µs, from its frame clock. */
  int frame_us;

  /* Idle callbacks added and not run yet: the worker adds one just before
   * g_idle_add(), the callback takes one away first thing. */
  int pending;

  /* Main thread only. */
  guint dispatches;         /* idle callbacks the main loop has run */

  /* Worker only. */
  gint64 last_asked_at;     /* when the last coalesced delivery was asked */
} FloodRun;

static FloodRun *
flood_run_new (gpointer lesson,
               Mode     mode)
{
  FloodRun *run = g_new0 (FloodRun, 1);

  g_atomic_ref_count_init (&run->ref_count);
  run->cancellable = g_cancellable_new ();
  g_weak_ref_init (&run->lesson, lesson);
  run->mode = mode;
  run->frame_us = DEFAULT_FRAME_US;

  return run;
}

static FloodRun *
flood_run_ref (FloodRun *run)
{
  g_atomic_ref_count_inc (&run->ref_count);
  return run;
}

static void
flood_run_unref (FloodRun *run)
{
  if (!g_atomic_ref_count_dec (&run->ref_count))
    return;

  /* The last reference may be dropped by the worker or by the last of a
   * flood of callbacks, long after the lesson is gone: nothing here may
   * belong to the main thread. */
  g_weak_ref_clear (&run->lesson);
  g_object_unref (run->cancellable);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FloodRun, flood_run_unref)

/* One update in the flood: its value, and a reference on the run. It holds
 * the run, not the lesson: a window closed in the middle of a flood leaves
 * thousands of these waiting, and each must find out safely that nobody is
 * listening any more. */
typedef struct
{
  FloodRun *run;
  int value;
} FloodUpdate;

static void
flood_update_free (FloodUpdate *update)
{
  flood_run_unref (update->run);
  g_free (update);
}

static gboolean show_one_update_cb (gpointer data);
static gboolean flood_ended_cb (gpointer data);
static gboolean deliver_latest_cb (gpointer data);

/* Counts one more pending callback, and remembers the most there were. */
static void
count_pending (FloodRun *run)
{
  int pending = g_atomic_int_add (&run->pending, 1) + 1;

  /* Only the worker writes pending_max, so a plain compare is enough. */
  if (pending > g_atomic_int_get (&run->pending_max))
    g_atomic_int_set (&run->pending_max, pending);
}

/* The flood's safety valve: with too many callbacks waiting, the worker
 * waits for the main loop to catch up instead of adding more. */
static void
wait_for_main_loop (FloodRun *run)
{
  if (g_atomic_int_get (&run->pending) < MAX_PENDING)
    return;

  g_atomic_int_inc (&run->throttled);
  while (g_atomic_int_get (&run->pending) > MAX_PENDING / 2 &&
         !g_cancellable_is_cancelled (run->cancellable))
    g_usleep (1000);
}

/* Way 1, the flood: every update is a callback of its own. */
static void
send_as_idle (FloodRun *run,
              int       value)
{
  FloodUpdate *update = g_new (FloodUpdate, 1);

  wait_for_main_loop (run);

  update->run = flood_run_ref (run);
  update->value = value;
  count_pending (run);
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, show_one_update_cb, update,
                   (GDestroyNotify) flood_update_free);
}

/* Way 2, coalesced: store the value, and ask for a delivery only when none
 * is pending and the last was asked for at least a frame ago: a screen shows
 * one picture per frame, whatever its rate. The delivery reads the value
 * when it runs, so it always shows the latest one. */
static void
send_coalesced (FloodRun *run,
                gboolean  last)
{
  gint64 now = g_get_monotonic_time ();

  /* The last update is always delivered: the final value is never lost. */
  if (!last && now - run->last_asked_at < g_atomic_int_get (&run->frame_us))
    return;

  if (g_atomic_int_compare_and_exchange (&run->pending, 0, 1))
    {
      run->last_asked_at = now;
      g_atomic_int_set (&run->pending_max, 1);
      /* The callback holds its own reference on the run, not on the lesson. */
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, deliver_latest_cb,
                       flood_run_ref (run), (GDestroyNotify) flood_run_unref);
    }
}

/* Sends update number @value the run's way. Way 3, paced, sends nothing:
 * the value stored in run->sent is all the main thread needs. */
static void
send_update (FloodRun *run,
             int       value)
{
  g_atomic_int_set (&run->sent, value);

  if (run->mode == MODE_FLOOD)
    send_as_idle (run, value);
  else if (run->mode == MODE_COALESCED)
    send_coalesced (run, FALSE);
}

/* Sleeps when the worker is ahead of its pace, so that every way gets the
 * same stream of updates whatever the machine. */
static void
keep_pace (gint64 started_at,
           int    sent)
{
  gint64 due = started_at + (gint64) sent * G_USEC_PER_SEC / UPDATES_PER_SECOND;
  gint64 now = g_get_monotonic_time ();

  if (due > now)
    g_usleep ((gulong) (due - now));
}

/* The worker thread's whole life. It never calls GTK. */
static gpointer
flood_thread (gpointer data)
{
  g_autoptr(FloodRun) run = data;
  gint64 started_at = g_get_monotonic_time ();

  thaw_thread_set_background_priority ();

  for (int value = 1; value <= N_UPDATES; value++)
    {
      if (value % BATCH == 0)
        {
          if (g_cancellable_is_cancelled (run->cancellable))
            break;
          keep_pace (started_at, value);
        }

      send_update (run, value);
    }

  g_atomic_int_set (&run->finished, TRUE);

  /* Tell the main thread the run is over. A coalesced delivery reads the
   * flag by itself, and a paced run's tick callback too. A flood needs one
   * more callback: it runs after every update sent before it, because idle
   * callbacks of the same priority run in the order they were added. */
  if (run->mode == MODE_FLOOD)
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, flood_ended_cb,
                     flood_run_ref (run), (GDestroyNotify) flood_run_unref);
  else if (run->mode == MODE_COALESCED)
    send_coalesced (run, TRUE);

  return NULL;
}

/* The widget. Everything below runs on the main thread. */

#define THAW_TYPE_LESSON_FLOOD (thaw_lesson_flood_get_type ())
G_DECLARE_FINAL_TYPE (ThawLessonFlood, thaw_lesson_flood, THAW, LESSON_FLOOD, ThawLesson)

struct _ThawLessonFlood
{
  ThawLesson parent_instance;

  GtkProgressBar *progress;
  GtkLabel *sent_label;
  GtkLabel *pending_label;
  GtkLabel *dispatches_label;
  GtkLabel *pending_max_label;
  GtkLabel *status;
  GtkListBox *runs;

  /* While the worker runs: its run, its thread, and the tick callbacks. */
  FloodRun *run;
  GThread *thread;
  guint counters_tick_id;
  guint paced_tick_id;
  gint64 started_at;

  /* After a run ends, the heartbeat needs a moment to see the end of a
   * stall: its late beat only runs once the main loop is free again. */
  AdwActionRow *last_run_row;
  gint64 last_run_started_at;
  guint stall_readout_id;

  /* The last run, for --report. */
  const char *state;
  Mode mode;
  gboolean ran;
  guint updates;
  guint shown;
  guint dispatches;
  guint pending_max;
  guint throttled;
  double seconds;
  double max_wait_ms;
};

G_DEFINE_FINAL_TYPE (ThawLessonFlood, thaw_lesson_flood, THAW_TYPE_LESSON)

static void
set_running (ThawLessonFlood *self,
             gboolean         running)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.flood", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.start", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.paced", !running);
  thaw_lesson_set_busy (THAW_LESSON (self), running);
}

/* What one update does to the window: what a progress callback usually
 * does, move a bar and print a number. */
static void
show_progress (ThawLessonFlood *self,
               guint            value)
{
  g_autofree char *text = NULL;

  self->shown = value;
  gtk_progress_bar_set_fraction (self->progress, (double) value / N_UPDATES);
  /* Translators: the progress bar of the flood lesson. */
  text = g_strdup_printf (_("%'u of %'u updates shown"), value, (guint) N_UPDATES);
  gtk_progress_bar_set_text (self->progress, text);
}

static void
set_figure (GtkLabel *label,
            guint     value)
{
  g_autofree char *text = g_strdup_printf ("%'u", value);

  gtk_label_set_text (label, text);
}

static void
show_counters (ThawLessonFlood *self)
{
  set_figure (self->sent_label, self->updates);
  set_figure (self->pending_label, self->run ? (guint) g_atomic_int_get (&self->run->pending) : 0);
  set_figure (self->dispatches_label, self->dispatches);
  set_figure (self->pending_max_label, self->pending_max);
}

/* Copies the run's counters into the lesson, for the figures and the
 * report. */
static void
take_counters (ThawLessonFlood *self)
{
  FloodRun *run = self->run;

  self->updates = (guint) g_atomic_int_get (&run->sent);
  self->dispatches = run->dispatches;
  self->pending_max = (guint) g_atomic_int_get (&run->pending_max);
  self->throttled = (guint) g_atomic_int_get (&run->throttled);
}

/* Once per frame while a run goes on: the live counters. Reading a few
 * integers per frame costs the main loop nothing it would notice. */
static gboolean
counters_tick_cb (GtkWidget     *widget,
                  GdkFrameClock *clock,
                  gpointer       data)
{
  ThawLessonFlood *self = THAW_LESSON_FLOOD (widget);

  /* Another tick callback of this frame may have ended the run. */
  if (self->run == NULL)
    return G_SOURCE_CONTINUE;

  take_counters (self);
  show_counters (self);

  /* Tell a coalescing worker how long a frame of this screen is: 16.7 ms at
   * 60 Hz, 6.9 ms at 144 Hz. */
  if (self->run->mode == MODE_COALESCED)
    {
      gint64 refresh_interval = 0;

      gdk_frame_clock_get_refresh_info (clock, gdk_frame_clock_get_frame_time (clock),
                                        &refresh_interval, NULL);
      if (refresh_interval > 0)
        g_atomic_int_set (&self->run->frame_us, (int) refresh_interval);
    }

  if (self->throttled > 0)
    {
      g_autofree char *text =
        g_strdup_printf (ngettext ("The main loop fell %'u callbacks behind, so the worker waited for it %'u time.",
                                   "The main loop fell %'u callbacks behind, so the worker waited for it %'u times.",
                                   self->throttled),
                         (guint) MAX_PENDING, self->throttled);
      gtk_label_set_text (self->status, text);
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
read_out_stall_cb (gpointer data)
{
  ThawLessonFlood *self = data;
  ThawHeartbeat *heartbeat = thaw_lesson_get_heartbeat (THAW_LESSON (self));
  ThawLatencyStats stats = { 0 };
  g_autofree char *subtitle = NULL;

  self->stall_readout_id = 0;

  if (heartbeat != NULL)
    thaw_heartbeat_get_stats_since (heartbeat, self->last_run_started_at, &stats);
  self->max_wait_ms = stats.max_ms;

  /* Translators: a finished run; the first number is the most idle
   * callbacks that waited on the main loop at one time. */
  subtitle = g_strdup_printf (_("At most %'u pending · longest wait of the main loop: %.0f ms"),
                              self->pending_max, stats.max_ms);
  adw_action_row_set_subtitle (self->last_run_row, subtitle);

  return G_SOURCE_REMOVE;
}

static const char *
mode_title (Mode mode)
{
  switch (mode)
    {
    case MODE_FLOOD:
      return _("One idle per update");
    case MODE_COALESCED:
      return _("Coalesced");
    case MODE_PACED:
      return _("Paced to frames");
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Records the end of a run in the list of runs, newest first. */
static void
add_run_row (ThawLessonFlood *self)
{
  g_autofree char *title = NULL;
  GtkWidget *row;

  /* Translators: a finished run: its way, e.g. "Coalesced", then how many
   * updates the worker sent and how many idle callbacks the main loop ran. */
  title = g_strdup_printf (_("%s: %'u updates, %'u idle callbacks, %.1f s"),
                           mode_title (self->mode), self->updates, self->dispatches,
                           self->seconds);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Measuring…"));
  gtk_list_box_prepend (self->runs, row);
  gtk_widget_set_visible (GTK_WIDGET (self->runs), TRUE);

  self->last_run_row = ADW_ACTION_ROW (row);
  self->last_run_started_at = self->started_at;
  g_clear_handle_id (&self->stall_readout_id, g_source_remove);
  self->stall_readout_id = g_timeout_add (100, read_out_stall_cb, self);
}

/* The worker has said its last word: join it, which takes microseconds,
 * and show how the run went. */
static void
end_run (ThawLessonFlood *self)
{
  gboolean cancelled = g_cancellable_is_cancelled (self->run->cancellable);

  g_thread_join (g_steal_pointer (&self->thread));
  take_counters (self);
  g_clear_pointer (&self->run, flood_run_unref);

  if (self->counters_tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->counters_tick_id);
  self->counters_tick_id = 0;
  if (self->paced_tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->paced_tick_id);
  self->paced_tick_id = 0;

  self->seconds = (double) (g_get_monotonic_time () - self->started_at) / G_USEC_PER_SEC;
  self->state = cancelled ? "cancelled" : "succeeded";
  show_counters (self);
  add_run_row (self);

  gtk_label_set_text (self->status, cancelled ? _("Stopped.") : _("Done."));
  set_running (self, FALSE);
}

/* Returns the lesson if it still exists and @run is its current run. Every
 * callback asks first: the window may have been closed, or a new run may
 * have begun, and then the callback's news is for nobody. */
static ThawLessonFlood *
get_listener (FloodRun *run)
{
  ThawLessonFlood *self = g_weak_ref_get (&run->lesson);

  if (self != NULL && self->run != run)
    g_clear_object (&self);

  return self;
}

/* Way 1: one of the flood's callbacks, for one update. */
static gboolean
show_one_update_cb (gpointer data)
{
  FloodUpdate *update = data;
  g_autoptr(ThawLessonFlood) self = NULL;

  g_atomic_int_add (&update->run->pending, -1);

  self = get_listener (update->run);
  if (self == NULL)
    return G_SOURCE_REMOVE;

  update->run->dispatches++;
  show_progress (self, (guint) update->value);

  return G_SOURCE_REMOVE;
}

/* Way 1: the callback after the flood's last update. */
static gboolean
flood_ended_cb (gpointer data)
{
  g_autoptr(ThawLessonFlood) self = get_listener (data);

  if (self != NULL)
    end_run (self);

  return G_SOURCE_REMOVE;
}

/* Way 2: a coalesced delivery of whatever the latest value is now. */
static gboolean
deliver_latest_cb (gpointer data)
{
  FloodRun *run = data;
  g_autoptr(ThawLessonFlood) self = NULL;
  gboolean finished;
  int sent;

  /* Clear the count before reading, so that an update stored after this
   * point asks for a new delivery instead of being lost. */
  g_atomic_int_set (&run->pending, 0);
  finished = g_atomic_int_get (&run->finished);
  sent = g_atomic_int_get (&run->sent);

  self = get_listener (run);
  if (self == NULL)
    return G_SOURCE_REMOVE;

  run->dispatches++;
  show_progress (self, (guint) sent);
  if (finished)
    end_run (self);

  return G_SOURCE_REMOVE;
}

/* Way 3: once per frame, the main thread fetches the latest value. Nobody
 * asks it to; the frame clock calls this anyway to draw the window. */
static gboolean
paced_tick_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       data)
{
  ThawLessonFlood *self = THAW_LESSON_FLOOD (widget);
  gboolean finished = g_atomic_int_get (&self->run->finished);

  show_progress (self, (guint) g_atomic_int_get (&self->run->sent));
  if (finished)
    {
      /* end_run() removes this callback, so say so to the frame clock too. */
      self->paced_tick_id = 0;
      end_run (self);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static void
start_run (ThawLessonFlood *self,
           Mode             mode)
{
  g_autoptr(GError) error = NULL;

  if (self->run != NULL)
    return;

  self->started_at = g_get_monotonic_time ();
  self->state = "running";
  self->mode = mode;
  self->ran = TRUE;
  self->updates = self->dispatches = self->pending_max = self->throttled = 0;
  self->max_wait_ms = 0;
  show_progress (self, 0);
  show_counters (self);
  set_running (self, TRUE);

  self->run = flood_run_new (self, mode);
  /* The thread gets a reference of its own and drops it when it returns. */
  self->thread = g_thread_try_new ("thaw-flood", flood_thread,
                                   flood_run_ref (self->run), &error);
  if (self->thread == NULL)
    {
      /* The thread never started, so its reference is still ours to drop. */
      flood_run_unref (self->run);
      g_clear_pointer (&self->run, flood_run_unref);
      self->state = "failed";
      gtk_label_set_text (self->status, error->message);
      set_running (self, FALSE);
      return;
    }

  self->counters_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), counters_tick_cb,
                                                         NULL, NULL);
  if (mode == MODE_PACED)
    self->paced_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), paced_tick_cb,
                                                        NULL, NULL);
}

/* lesson.flood: one idle callback per update, the way not to do it. */
static void
flood_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonFlood *self = THAW_LESSON_FLOOD (widget);

  start_run (self, MODE_FLOOD);
  if (self->run != NULL)
    gtk_label_set_text (self->status,
                        _("One idle callback per update. Watch the meter, and try to open the menu."));
}

/* lesson.start: coalesced, the right way for a worker that pushes. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonFlood *self = THAW_LESSON_FLOOD (widget);

  start_run (self, MODE_COALESCED);
  if (self->run != NULL)
    gtk_label_set_text (self->status,
                        _("At most one delivery waits, at most one per frame; it shows the latest value."));
}

/* lesson.paced: the main thread pulls the latest value once per frame. */
static void
paced_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonFlood *self = THAW_LESSON_FLOOD (widget);

  start_run (self, MODE_PACED);
  if (self->run != NULL)
    gtk_label_set_text (self->status,
                        _("The worker only stores the latest value; each frame reads it."));
}

/* lesson.stop: ask the worker to stop; the run ends once the main thread
 * has seen its last word. */
static void
stop_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonFlood *self = THAW_LESSON_FLOOD (widget);

  if (self->run == NULL)
    return;

  g_cancellable_cancel (self->run->cancellable);
  gtk_label_set_text (self->status, _("Stopping…"));
}

static void
thaw_lesson_flood_report (ThawLesson  *lesson,
                          JsonBuilder *builder)
{
  ThawLessonFlood *self = THAW_LESSON_FLOOD (lesson);

  if (self->run != NULL)
    take_counters (self);

  json_builder_set_member_name (builder, "job_state");
  json_builder_add_string_value (builder, self->state);
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, self->ran ? mode_ids[self->mode] : "none");
  json_builder_set_member_name (builder, "updates");
  json_builder_add_int_value (builder, self->updates);
  json_builder_set_member_name (builder, "shown");
  json_builder_add_int_value (builder, self->shown);
  json_builder_set_member_name (builder, "dispatches");
  json_builder_add_int_value (builder, self->dispatches);
  json_builder_set_member_name (builder, "pending_max");
  json_builder_add_int_value (builder, self->pending_max);
  json_builder_set_member_name (builder, "throttled");
  json_builder_add_int_value (builder, self->throttled);
  json_builder_set_member_name (builder, "job_seconds");
  json_builder_add_double_value (builder, self->seconds);
  json_builder_set_member_name (builder, "max_wait_ms");
  json_builder_add_double_value (builder, self->max_wait_ms);
}

static void
thaw_lesson_flood_dispose (GObject *object)
{
  ThawLessonFlood *self = THAW_LESSON_FLOOD (object);

  /* Stop the worker and wait for it: it looks at the cancellable every
   * thousand updates and every millisecond while it waits, so this is quick.
   * The callbacks it already added stay on the main loop, up to MAX_PENDING
   * of them: each holds the run, not the lesson, finds the lesson gone, and
   * does nothing. */
  if (self->run != NULL)
    {
      g_cancellable_cancel (self->run->cancellable);
      g_thread_join (g_steal_pointer (&self->thread));
      g_clear_pointer (&self->run, flood_run_unref);
    }

  if (self->counters_tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->counters_tick_id);
  self->counters_tick_id = 0;
  if (self->paced_tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->paced_tick_id);
  self->paced_tick_id = 0;
  g_clear_handle_id (&self->stall_readout_id, g_source_remove);

  G_OBJECT_CLASS (thaw_lesson_flood_parent_class)->dispose (object);
}

static void
thaw_lesson_flood_class_init (ThawLessonFloodClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  object_class->dispose = thaw_lesson_flood_dispose;
  lesson_class->report = thaw_lesson_flood_report;

  gtk_widget_class_install_action (widget_class, "lesson.flood", NULL, flood_cb);
  gtk_widget_class_install_action (widget_class, "lesson.start", NULL, start_cb);
  gtk_widget_class_install_action (widget_class, "lesson.paced", NULL, paced_cb);
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

/* One live counter: a big number over its caption. */
static GtkLabel *
add_figure (GtkFlowBox *box,
            const char *caption)
{
  GtkWidget *card, *value, *label;

  card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_add_css_class (card, "card");
  gtk_widget_set_size_request (card, 140, -1);

  value = gtk_label_new ("0");
  gtk_widget_add_css_class (value, "title-2");
  gtk_widget_add_css_class (value, "numeric");
  gtk_widget_set_margin_top (value, 8);
  gtk_box_append (GTK_BOX (card), value);

  label = gtk_label_new (caption);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_bottom (label, 8);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_box_append (GTK_BOX (card), label);

  /* A screen reader reads the number with what it counts. */
  gtk_accessible_update_relation (GTK_ACCESSIBLE (value),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL,
                                  -1);
  gtk_flow_box_append (box, card);

  return GTK_LABEL (value);
}

static void
thaw_lesson_flood_init (ThawLessonFlood *self)
{
  GtkWidget *box, *buttons, *figures, *progress, *status, *runs;

  self->state = "idle";

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  buttons = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (buttons), FALSE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 4);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("One Idle per _Update"), "lesson.flood", "destructive-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Coalesced"), "lesson.start", "suggested-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Paced to Frames"), "lesson.paced", "suggested-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Stop"), "lesson.stop", NULL));
  gtk_box_append (GTK_BOX (box), buttons);

  figures = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (figures), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (figures), TRUE);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (figures), 2);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (figures), 4);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (figures), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (figures), 6);
  self->sent_label = add_figure (GTK_FLOW_BOX (figures), _("Updates sent"));
  self->pending_label = add_figure (GTK_FLOW_BOX (figures), _("Idle callbacks pending"));
  self->dispatches_label = add_figure (GTK_FLOW_BOX (figures), _("Idle callbacks run"));
  self->pending_max_label = add_figure (GTK_FLOW_BOX (figures), _("Most pending at once"));
  gtk_box_append (GTK_BOX (box), figures);

  progress = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (progress), TRUE);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (progress), _("Not started"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (progress),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Updates shown"),
                                  -1);
  gtk_box_append (GTK_BOX (box), progress);
  self->progress = GTK_PROGRESS_BAR (progress);

  status = gtk_label_new (_("Pick a way to deliver a million updates. The first floods the main loop on purpose."));
  gtk_label_set_wrap (GTK_LABEL (status), TRUE);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_box_append (GTK_BOX (box), status);
  self->status = GTK_LABEL (status);

  runs = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (runs), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (runs, "boxed-list");
  gtk_widget_set_visible (runs, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (runs),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Finished runs"),
                                  -1);
  gtk_box_append (GTK_BOX (box), runs);
  self->runs = GTK_LIST_BOX (runs);

  adw_bin_set_child (ADW_BIN (self), box);
  set_running (self, FALSE);
}
