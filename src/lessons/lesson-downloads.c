/* lesson-downloads.c — Many downloads: one after another, or all at once
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three to eight downloads, simulated: each one spends its life waiting for
 * the network, here a series of short naps. They run in three ways:
 *
 *   lesson.start       all at once. A run thread starts one thread per
 *                      download with g_thread_new() and then joins them.
 *                      The waits overlap, so the total is about one download.
 *
 *   lesson.sequential  one after another, on a single worker thread. The
 *                      window stays alive, but the total is the sum.
 *
 *   lesson.block       one after another on the main loop: the sum again, and
 *                      a frozen window, because waiting blocks as surely as
 *                      computing does.
 *
 *   lesson.stop        cancels the downloads through a GCancellable.
 *
 * The main thread never waits for a download. The joins happen on the run
 * thread; when they are over it says so with one g_idle_add(), and only then
 * does the main thread join the run thread, which by then has finished.
 *
 * Read it top to bottom: a download, the two run threads, the hand-off to the
 * main thread, and then the widget that drives them.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "thaw-lesson.h"
#include "thaw-priority.h"

#define MIN_DOWNLOADS 3
#define MAX_DOWNLOADS 8
#define DEFAULT_DOWNLOADS 4
#define DEFAULT_SECONDS_EACH 1.5

/* A download looks at the Stop button between two naps this long. */
#define NAP_US (20 * G_TIME_SPAN_MILLISECOND)

/* What the downloads are called on screen: file names, not translated. */
static const char *const file_names[MAX_DOWNLOADS] = {
  "photos.zip", "talk.webm", "album.flac", "map.osm.pbf",
  "fonts.tar.xz", "novel.epub", "survey.csv", "game.pak",
};

typedef enum
{
  ALL_AT_ONCE,
  ONE_AFTER_ANOTHER,
  ON_THE_MAIN_LOOP,
} RunMode;

/* The names used in reports. */
static const char *const mode_ids[] = {
  [ALL_AT_ONCE] = "all-at-once",
  [ONE_AFTER_ANOTHER] = "one-after-another",
  [ON_THE_MAIN_LOOP] = "main-loop",
};

typedef struct _DownloadRun DownloadRun;

/* One download. Its thread writes the two counters with g_atomic_int_set(),
 * a full memory barrier, and the main thread reads them the same way. */
typedef struct
{
  DownloadRun *run;         /* borrowed: see all_at_once_thread() */
  guint index;

  int naps_done;
  int took_us;              /* how long it took; 0 until it has finished */
} Download;

/* One run of all the downloads: what the threads and the main thread share.
 *
 * Everything but the atomics is set before the first thread starts and not
 * changed while threads run, except finished_at and error: the run thread
 * writes those last, and the main thread reads them only after joining it.
 */
struct _DownloadRun
{
  gatomicrefcount ref_count;
  GCancellable *cancellable;
  GWeakRef lesson;          /* main thread only */

  RunMode mode;
  guint n_downloads;
  guint n_naps;
  double seconds_each;
  Download downloads[MAX_DOWNLOADS];

  gint64 started_at;
  gint64 finished_at;
  GError *error;

  /* The run thread will report nothing more. */
  int finished;
  /* TRUE while a delivery is scheduled on the main loop and has not run. */
  int delivery_pending;
};

static DownloadRun *
download_run_new (gpointer lesson,
                  RunMode  mode,
                  guint    n_downloads,
                  double   seconds_each)
{
  DownloadRun *run = g_new0 (DownloadRun, 1);

  g_atomic_ref_count_init (&run->ref_count);
  run->cancellable = g_cancellable_new ();
  g_weak_ref_init (&run->lesson, lesson);

  run->mode = mode;
  run->n_downloads = n_downloads;
  run->seconds_each = seconds_each;
  run->n_naps = MAX (1, (guint) (seconds_each * G_USEC_PER_SEC / NAP_US + 0.5));
  for (guint i = 0; i < n_downloads; i++)
    {
      run->downloads[i].run = run;
      run->downloads[i].index = i;
    }

  return run;
}

static DownloadRun *
download_run_ref (DownloadRun *run)
{
  g_atomic_ref_count_inc (&run->ref_count);
  return run;
}

static void
download_run_unref (DownloadRun *run)
{
  if (!g_atomic_ref_count_dec (&run->ref_count))
    return;

  /* The last reference may be dropped on the run thread: nothing here may
   * belong to the main thread. */
  g_weak_ref_clear (&run->lesson);
  g_object_unref (run->cancellable);
  g_clear_error (&run->error);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DownloadRun, download_run_unref)

static gboolean deliver_progress_cb (gpointer data);

/* Called by any download as often as it likes: at most one delivery waits
 * on the main loop, and it shows the latest counters of every download. */
static void
publish_progress (DownloadRun *run)
{
  if (g_atomic_int_compare_and_exchange (&run->delivery_pending, FALSE, TRUE))
    {
      /* The idle holds a reference: the run outlives its threads if needed. */
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE,
                       deliver_progress_cb,
                       download_run_ref (run),
                       (GDestroyNotify) download_run_unref);
    }
}

/* One download, on whichever thread calls it. It sleeps where a real one
 * would wait for packets: waiting, not computing, which is why many of them
 * can overlap even on a single core. Returns FALSE if it was stopped. */
static gboolean
download (DownloadRun *run,
          guint        index)
{
  Download *self = &run->downloads[index];
  gint64 started_at = g_get_monotonic_time ();

  for (guint nap = 1; nap <= run->n_naps; nap++)
    {
      if (g_cancellable_is_cancelled (run->cancellable))
        return FALSE;

      g_usleep (NAP_US);
      g_atomic_int_set (&self->naps_done, (int) nap);
      publish_progress (run);
    }

  g_atomic_int_set (&self->took_us, (int) MAX (1, g_get_monotonic_time () - started_at));
  publish_progress (run);

  return TRUE;
}

/* The run thread's last word: after this it only returns. */
static void
report_run_finished (DownloadRun *run,
                     GError      *error)
{
  run->finished_at = g_get_monotonic_time ();
  run->error = error;
  g_atomic_int_set (&run->finished, TRUE);
  publish_progress (run);
}

/* The life of one download's thread when they all run at once. */
static gpointer
download_thread (gpointer data)
{
  Download *self = data;

  thaw_thread_set_background_priority ();
  download (self->run, self->index);

  return NULL;
}

/* lesson.start's run thread: one thread per download, all started at once,
 * then joined one by one. The joins block this thread, never the window. */
static gpointer
all_at_once_thread (gpointer data)
{
  /* A reference of its own, dropped on return. The download threads borrow
   * it: they are all joined below, before it is dropped. */
  g_autoptr(DownloadRun) run = data;
  GThread *threads[MAX_DOWNLOADS] = { NULL, };
  GError *error = NULL;
  guint n_started;

  thaw_thread_set_background_priority ();

  for (n_started = 0; n_started < run->n_downloads; n_started++)
    {
      threads[n_started] = g_thread_try_new ("thaw-download", download_thread,
                                             &run->downloads[n_started], &error);
      if (threads[n_started] == NULL)
        {
          /* Stop the downloads already started; they are joined below. */
          g_cancellable_cancel (run->cancellable);
          break;
        }
    }

  /* Python's "for t in threads: t.join()". The order does not matter: the
   * loop ends when the slowest download does. */
  for (guint i = 0; i < n_started; i++)
    g_thread_join (threads[i]);

  report_run_finished (run, error);

  return NULL;
}

/* lesson.sequential's run thread: the same downloads, one after another. */
static gpointer
one_after_another_thread (gpointer data)
{
  g_autoptr(DownloadRun) run = data;

  thaw_thread_set_background_priority ();

  for (guint i = 0; i < run->n_downloads; i++)
    if (!download (run, i))
      break;

  report_run_finished (run, NULL);

  return NULL;
}

/* The widget. Everything below runs on the main thread. */

#define THAW_TYPE_LESSON_DOWNLOADS (thaw_lesson_downloads_get_type ())
G_DECLARE_FINAL_TYPE (ThawLessonDownloads, thaw_lesson_downloads, THAW, LESSON_DOWNLOADS, ThawLesson)

/* What --report lists for every finished run. */
typedef struct
{
  RunMode mode;
  const char *state;
  guint n_downloads;
  guint n_completed;
  double seconds_each;
  double seconds;           /* wall time of the whole run */
  double waiting_seconds;   /* the downloads' own times, added up */
} RunRecord;

struct _ThawLessonDownloads
{
  ThawLesson parent_instance;

  GtkWidget *knobs;
  GtkWidget *rows[MAX_DOWNLOADS];
  GtkProgressBar *bars[MAX_DOWNLOADS];
  GtkLabel *status;
  GtkLabel *sequential_value;
  GtkLabel *sequential_detail;
  GtkLabel *concurrent_value;
  GtkLabel *concurrent_detail;
  GtkLabel *comparison;

  /* The knobs. */
  guint n_downloads;
  double seconds_each;

  /* While threads run: the run and its run thread. */
  DownloadRun *run;
  GThread *thread;

  /* For --report. */
  const char *state;
  RunMode mode;
  GArray *records;
  int last_sequential;      /* index into records, or -1 */
  int last_concurrent;
};

G_DEFINE_FINAL_TYPE (ThawLessonDownloads, thaw_lesson_downloads, THAW_TYPE_LESSON)

enum {
  PROP_0,
  PROP_DOWNLOADS,
  PROP_SECONDS_EACH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_running (ThawLessonDownloads *self,
             gboolean             running)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.start", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.sequential", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.block", !running);
  thaw_lesson_set_busy (THAW_LESSON (self), running);
  gtk_widget_set_sensitive (self->knobs, !running);
}

static void
show_rows (ThawLessonDownloads *self)
{
  for (guint i = 0; i < MAX_DOWNLOADS; i++)
    gtk_widget_set_visible (self->rows[i], i < self->n_downloads);
}

/* Sets one bar from its download's counters. */
static void
show_download (ThawLessonDownloads *self,
               DownloadRun         *run,
               guint                index,
               gboolean             run_is_over)
{
  Download *item = &run->downloads[index];
  GtkProgressBar *bar = self->bars[index];
  guint naps_done = (guint) g_atomic_int_get (&item->naps_done);
  int took_us = g_atomic_int_get (&item->took_us);

  gtk_progress_bar_set_fraction (bar, (double) naps_done / run->n_naps);

  if (took_us > 0)
    {
      g_autofree char *text = NULL;

      /* Translators: a download has finished; "%.2f s" is how long it took. */
      text = g_strdup_printf (_("Done in %.2f s"), (double) took_us / G_USEC_PER_SEC);
      gtk_progress_bar_set_text (bar, text);
    }
  else if (run_is_over)
    gtk_progress_bar_set_text (bar, naps_done > 0 ? C_("a download", "Stopped")
                                                  : C_("a download", "Not started"));
  else if (naps_done == 0 && run->mode != ALL_AT_ONCE)
    /* Translators: a download that runs once the ones before it are done. */
    gtk_progress_bar_set_text (bar, _("Waiting for its turn"));
  else
    /* No text of our own: the bar shows its percentage. */
    gtk_progress_bar_set_text (bar, NULL);
}

static void
show_downloads (ThawLessonDownloads *self,
                DownloadRun         *run,
                gboolean             run_is_over)
{
  for (guint i = 0; i < run->n_downloads; i++)
    show_download (self, run, i, run_is_over);
}

static const char *
mode_label (RunMode mode)
{
  switch (mode)
    {
    case ALL_AT_ONCE:
      return _("All at once");
    case ONE_AFTER_ANOTHER:
      return _("One after another, on a worker thread");
    case ON_THE_MAIN_LOOP:
      return _("One after another, on the main loop");
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Shows one measured total in its column. */
static void
show_total (GtkLabel        *value,
            GtkLabel        *detail,
            const RunRecord *record)
{
  g_autofree char *seconds = NULL;
  g_autofree char *waiting = NULL;
  g_autofree char *where = NULL;
  g_autofree char *text = NULL;

  /* Translators: a measured time in seconds, shown large. */
  seconds = g_strdup_printf (_("%.2f s"), record->seconds);
  gtk_label_set_text (value, seconds);

  /* Translators: the downloads' own times, added up. */
  waiting = g_strdup_printf (ngettext ("%u download, %.1f s of waiting in all.",
                                       "%u downloads, %.1f s of waiting in all.",
                                       record->n_downloads),
                             record->n_downloads, record->waiting_seconds);
  if (record->mode == ALL_AT_ONCE)
    where = g_strdup_printf (ngettext ("On %u thread at once.",
                                       "On %u threads at once.",
                                       record->n_downloads),
                             record->n_downloads);
  else if (record->mode == ONE_AFTER_ANOTHER)
    where = g_strdup (_("On one worker thread."));
  else
    where = g_strdup (_("On the main loop, which froze."));

  /* Translators: two sentences, the first about time, the second about threads. */
  text = g_strdup_printf (_("%s %s"), waiting, where);
  gtk_label_set_text (detail, text);
}

/* Puts the last run of each kind side by side, and compares them when they
 * downloaded the same things. */
static void
show_comparison (ThawLessonDownloads *self)
{
  const RunRecord *sequential, *concurrent;
  g_autofree char *text = NULL;

  if (self->last_sequential < 0 || self->last_concurrent < 0)
    return;

  sequential = &g_array_index (self->records, RunRecord, self->last_sequential);
  concurrent = &g_array_index (self->records, RunRecord, self->last_concurrent);

  if (sequential->n_downloads != concurrent->n_downloads ||
      sequential->seconds_each != concurrent->seconds_each)
    text = g_strdup (_("The two runs had different settings. Run both again to compare them."));
  else
    /* Translators: "%.0f %%" is a percentage, "%.1f×" a speed-up, e.g. "3.9×". */
    text = g_strdup_printf (_("All at once took %.0f %% of the time of one after another: %.1f× as fast."),
                            100.0 * concurrent->seconds / sequential->seconds,
                            sequential->seconds / concurrent->seconds);

  gtk_label_set_text (self->comparison, text);
  gtk_widget_set_visible (GTK_WIDGET (self->comparison), TRUE);
}

/* Records a run that has ended, on whichever thread it ran. */
static void
end_run (ThawLessonDownloads *self,
         DownloadRun         *run)
{
  RunRecord record = { 0 };
  g_autofree char *status = NULL;

  record.mode = run->mode;
  record.n_downloads = run->n_downloads;
  record.seconds_each = run->seconds_each;
  record.seconds = (double) (run->finished_at - run->started_at) / G_USEC_PER_SEC;

  for (guint i = 0; i < run->n_downloads; i++)
    {
      int took_us = g_atomic_int_get (&run->downloads[i].took_us);

      if (took_us > 0)
        record.n_completed++;
      record.waiting_seconds += (double) took_us / G_USEC_PER_SEC;
    }

  if (run->error != NULL)
    {
      record.state = "failed";
      /* The reason travelled here from the run thread as a GError. */
      status = g_strdup_printf (_("The downloads could not start: %s"), run->error->message);
    }
  else if (record.n_completed < record.n_downloads)
    {
      record.state = "cancelled";
      status = g_strdup_printf (_("Stopped after %.2f s: %u of %u downloads finished."),
                                record.seconds, record.n_completed, record.n_downloads);
    }
  else
    {
      record.state = "succeeded";
      /* Translators: "%s" is how the downloads ran, e.g. "All at once". */
      status = g_strdup_printf (_("%s: all %u downloads finished in %.2f s."),
                                mode_label (record.mode), record.n_downloads, record.seconds);
    }

  g_array_append_val (self->records, record);
  self->state = record.state;

  /* Only complete runs are worth comparing. */
  if (g_str_equal (record.state, "succeeded"))
    {
      if (record.mode == ALL_AT_ONCE)
        {
          self->last_concurrent = self->records->len - 1;
          show_total (self->concurrent_value, self->concurrent_detail, &record);
        }
      else
        {
          self->last_sequential = self->records->len - 1;
          show_total (self->sequential_value, self->sequential_detail, &record);
        }
      show_comparison (self);
    }

  show_downloads (self, run, TRUE);
  gtk_label_set_text (self->status, status);
  set_running (self, FALSE);
}

/* A delivery from the downloads, running on the main thread. */
static gboolean
deliver_progress_cb (gpointer data)
{
  DownloadRun *run = data;
  g_autoptr(ThawLessonDownloads) self = NULL;
  gboolean finished;

  /* Clear the flag before reading, so that news stored after this point
   * schedules a new delivery instead of being lost. */
  g_atomic_int_set (&run->delivery_pending, FALSE);
  /* Read "finished" before the counters: if it is set, they are final. */
  finished = g_atomic_int_get (&run->finished);

  /* The lesson may be gone, or busy with another run. */
  self = g_weak_ref_get (&run->lesson);
  if (self == NULL || self->run != run)
    return G_SOURCE_REMOVE;

  if (finished)
    {
      /* The run thread has joined every download and is returning, so this
       * join waits microseconds. This is how "all finished" reaches the main
       * loop: one idle from the thread that did the waiting. */
      g_thread_join (g_steal_pointer (&self->thread));
      g_clear_pointer (&self->run, download_run_unref);
      end_run (self, run);
    }
  else
    {
      g_autofree char *status = NULL;
      double seconds = (double) (g_get_monotonic_time () - run->started_at) / G_USEC_PER_SEC;

      show_downloads (self, run, FALSE);
      /* Translators: "%s" is how the downloads run, e.g. "All at once". */
      status = g_strdup_printf (_("%s: %.1f s so far…"), mode_label (run->mode), seconds);
      gtk_label_set_text (self->status, status);
    }

  return G_SOURCE_REMOVE;
}

static DownloadRun *
begin_run (ThawLessonDownloads *self,
           RunMode              mode)
{
  DownloadRun *run = download_run_new (self, mode, self->n_downloads, self->seconds_each);

  self->state = "running";
  self->mode = mode;
  show_rows (self);
  show_downloads (self, run, FALSE);
  set_running (self, TRUE);

  run->started_at = g_get_monotonic_time ();
  return run;
}

/* Starts a run thread for lesson.start or lesson.sequential. */
static void
start_run_thread (ThawLessonDownloads *self,
                  RunMode              mode,
                  GThreadFunc          run_thread)
{
  g_autoptr(GError) error = NULL;

  if (self->run != NULL)
    return;

  self->run = begin_run (self, mode);
  gtk_label_set_text (self->status, mode_label (mode));

  /* The thread gets a reference of its own and drops it when it returns. */
  self->thread = g_thread_try_new ("thaw-downloads", run_thread,
                                   download_run_ref (self->run), &error);
  if (self->thread == NULL)
    {
      /* The thread never started, so its reference is still ours to drop. */
      download_run_unref (self->run);
      report_run_finished (self->run, g_steal_pointer (&error));
      end_run (self, self->run);
      g_clear_pointer (&self->run, download_run_unref);
    }
}

/* lesson.start: all at once, one thread per download. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  start_run_thread (THAW_LESSON_DOWNLOADS (widget), ALL_AT_ONCE, all_at_once_thread);
}

/* lesson.sequential: one after another, on one worker thread. */
static void
sequential_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  start_run_thread (THAW_LESSON_DOWNLOADS (widget), ONE_AFTER_ANOTHER, one_after_another_thread);
}

/* lesson.block: one after another on the main loop, the wrong way. */
static void
block_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonDownloads *self = THAW_LESSON_DOWNLOADS (widget);
  g_autoptr(DownloadRun) run = NULL;

  if (self->run != NULL)
    return;

  run = begin_run (self, ON_THE_MAIN_LOOP);

  /* Every nap in here is a nap of the whole window: no frame is drawn and
   * no click is seen until the last download is done. The deliveries these
   * downloads schedule run afterwards and find that nobody expects them. */
  for (guint i = 0; i < run->n_downloads; i++)
    download (run, i);

  report_run_finished (run, NULL);
  end_run (self, run);
}

/* lesson.stop: the downloads see it before their next nap. */
static void
stop_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonDownloads *self = THAW_LESSON_DOWNLOADS (widget);

  if (self->run == NULL)
    return;

  g_cancellable_cancel (self->run->cancellable);
  gtk_label_set_text (self->status, _("Stopping…"));
}

static void
add_seconds_member (JsonBuilder *builder,
                    const char  *name,
                    GArray      *records,
                    int          index)
{
  json_builder_set_member_name (builder, name);
  if (index < 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, g_array_index (records, RunRecord, index).seconds);
}

static void
thaw_lesson_downloads_report (ThawLesson  *lesson,
                              JsonBuilder *builder)
{
  ThawLessonDownloads *self = THAW_LESSON_DOWNLOADS (lesson);

  json_builder_set_member_name (builder, "job_state");
  json_builder_add_string_value (builder, self->state);
  json_builder_set_member_name (builder, "job_mode");
  json_builder_add_string_value (builder, self->records->len > 0 || self->run != NULL
                                          ? mode_ids[self->mode] : "none");
  json_builder_set_member_name (builder, "downloads");
  json_builder_add_int_value (builder, self->n_downloads);
  json_builder_set_member_name (builder, "seconds_each");
  json_builder_add_double_value (builder, self->seconds_each);
  add_seconds_member (builder, "sequential_seconds", self->records, self->last_sequential);
  add_seconds_member (builder, "concurrent_seconds", self->records, self->last_concurrent);

  json_builder_set_member_name (builder, "runs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->records->len; i++)
    {
      const RunRecord *record = &g_array_index (self->records, RunRecord, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "mode");
      json_builder_add_string_value (builder, mode_ids[record->mode]);
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, record->state);
      json_builder_set_member_name (builder, "downloads");
      json_builder_add_int_value (builder, record->n_downloads);
      json_builder_set_member_name (builder, "completed");
      json_builder_add_int_value (builder, record->n_completed);
      json_builder_set_member_name (builder, "seconds_each");
      json_builder_add_double_value (builder, record->seconds_each);
      json_builder_set_member_name (builder, "seconds");
      json_builder_add_double_value (builder, record->seconds);
      json_builder_set_member_name (builder, "waiting_seconds");
      json_builder_add_double_value (builder, record->waiting_seconds);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
thaw_lesson_downloads_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  ThawLessonDownloads *self = THAW_LESSON_DOWNLOADS (object);

  switch (prop_id)
    {
    case PROP_DOWNLOADS:
      g_value_set_uint (value, self->n_downloads);
      break;

    case PROP_SECONDS_EACH:
      g_value_set_double (value, self->seconds_each);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_lesson_downloads_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  ThawLessonDownloads *self = THAW_LESSON_DOWNLOADS (object);

  /* A run copies the knobs when it starts: changing them mid-run is safe. */
  switch (prop_id)
    {
    case PROP_DOWNLOADS:
      if (self->n_downloads != g_value_get_uint (value))
        {
          self->n_downloads = g_value_get_uint (value);
          if (self->run == NULL)
            show_rows (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_SECONDS_EACH:
      if (self->seconds_each != g_value_get_double (value))
        {
          self->seconds_each = g_value_get_double (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_lesson_downloads_dispose (GObject *object)
{
  ThawLessonDownloads *self = THAW_LESSON_DOWNLOADS (object);

  /* Closing the window mid-run: stop the downloads and wait for the run
   * thread, which waits for them. Each looks at the cancellable between
   * naps of 20 ms, so this is quick, and no thread outlives the lesson. */
  if (self->run != NULL)
    {
      g_cancellable_cancel (self->run->cancellable);
      g_thread_join (g_steal_pointer (&self->thread));
      g_clear_pointer (&self->run, download_run_unref);
    }

  G_OBJECT_CLASS (thaw_lesson_downloads_parent_class)->dispose (object);
}

static void
thaw_lesson_downloads_finalize (GObject *object)
{
  ThawLessonDownloads *self = THAW_LESSON_DOWNLOADS (object);

  g_array_unref (self->records);

  G_OBJECT_CLASS (thaw_lesson_downloads_parent_class)->finalize (object);
}

static void
thaw_lesson_downloads_class_init (ThawLessonDownloadsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  object_class->dispose = thaw_lesson_downloads_dispose;
  object_class->finalize = thaw_lesson_downloads_finalize;
  object_class->get_property = thaw_lesson_downloads_get_property;
  object_class->set_property = thaw_lesson_downloads_set_property;
  lesson_class->report = thaw_lesson_downloads_report;

  properties[PROP_DOWNLOADS] =
    g_param_spec_uint ("downloads", NULL, NULL,
                       MIN_DOWNLOADS, MAX_DOWNLOADS, DEFAULT_DOWNLOADS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SECONDS_EACH] =
    g_param_spec_double ("seconds-each", NULL, NULL,
                         0.5, 3.0, DEFAULT_SECONDS_EACH,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "lesson.start", NULL, start_cb);
  gtk_widget_class_install_action (widget_class, "lesson.sequential", NULL, sequential_cb);
  gtk_widget_class_install_action (widget_class, "lesson.block", NULL, block_cb);
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

/* A row with a spin button bound both ways to one of the lesson's knobs. */
static GtkWidget *
make_knob (ThawLessonDownloads *self,
           const char          *title,
           const char          *property,
           double               step,
           guint                digits)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self), property);
  GtkAdjustment *adjustment;
  GtkWidget *row, *spin;
  double lower, upper;

  if (G_IS_PARAM_SPEC_UINT (pspec))
    {
      lower = G_PARAM_SPEC_UINT (pspec)->minimum;
      upper = G_PARAM_SPEC_UINT (pspec)->maximum;
    }
  else
    {
      lower = G_PARAM_SPEC_DOUBLE (pspec)->minimum;
      upper = G_PARAM_SPEC_DOUBLE (pspec)->maximum;
    }

  adjustment = gtk_adjustment_new (lower, lower, upper, step, step, 0);
  spin = gtk_spin_button_new (adjustment, step, digits);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  g_object_bind_property (self, property, adjustment, "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  /* libadwaita names the row's activatable spin button by the row's title;
   * a label of its own would be read after it. */
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);

  return row;
}

/* One download on screen: its name and its bar. */
static GtkWidget *
make_download_row (ThawLessonDownloads *self,
                   guint                index)
{
  GtkWidget *row, *name, *bar;
  g_autofree char *accessible_label = NULL;

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  name = gtk_label_new (file_names[index]);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_width_chars (GTK_LABEL (name), 12);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_valign (name, GTK_ALIGN_END);
  gtk_widget_add_css_class (name, "caption");
  gtk_box_append (GTK_BOX (row), name);

  bar = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (bar), TRUE);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (bar), C_("a download", "Not started"));
  gtk_widget_set_hexpand (bar, TRUE);
  /* Translators: "%s" is the name of a downloaded file. */
  accessible_label = g_strdup_printf (_("Progress of %s"), file_names[index]);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label,
                                  -1);
  gtk_box_append (GTK_BOX (row), bar);

  self->rows[index] = row;
  self->bars[index] = GTK_PROGRESS_BAR (bar);

  return row;
}

/* One of the two totals shown side by side. */
static GtkWidget *
make_total (const char  *title,
            GtkLabel   **value,
            GtkLabel   **detail)
{
  GtkWidget *box, *heading, *number, *text;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);

  heading = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_label_set_wrap (GTK_LABEL (heading), TRUE);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (box), heading);

  /* Translators: shown instead of a time that has not been measured yet. */
  number = gtk_label_new (_("—"));
  gtk_label_set_xalign (GTK_LABEL (number), 0);
  gtk_widget_add_css_class (number, "title-1");
  gtk_widget_add_css_class (number, "numeric");
  gtk_box_append (GTK_BOX (box), number);

  text = gtk_label_new (_("Not measured yet."));
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_widget_add_css_class (text, "caption");
  gtk_widget_add_css_class (text, "dim-label");
  gtk_box_append (GTK_BOX (box), text);

  *value = GTK_LABEL (number);
  *detail = GTK_LABEL (text);

  return box;
}

static void
thaw_lesson_downloads_init (ThawLessonDownloads *self)
{
  GtkWidget *box, *buttons, *knobs, *bars, *status, *totals, *comparison;

  self->state = "idle";
  self->n_downloads = DEFAULT_DOWNLOADS;
  self->seconds_each = DEFAULT_SECONDS_EACH;
  self->records = g_array_new (FALSE, FALSE, sizeof (RunRecord));
  self->last_sequential = -1;
  self->last_concurrent = -1;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);

  buttons = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (buttons), FALSE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 4);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("On the _Main Loop"), "lesson.block", "destructive-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_One After Another"), "lesson.sequential", NULL));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_All at Once"), "lesson.start", "suggested-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Stop"), "lesson.stop", NULL));
  gtk_box_append (GTK_BOX (box), buttons);

  knobs = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (knobs), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (knobs, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (knobs),
                       make_knob (self, _("Downloads"), "downloads", 1, 0));
  gtk_list_box_append (GTK_LIST_BOX (knobs),
                       make_knob (self, _("Seconds per download"), "seconds-each", 0.25, 2));
  gtk_box_append (GTK_BOX (box), knobs);
  self->knobs = knobs;

  bars = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  for (guint i = 0; i < MAX_DOWNLOADS; i++)
    gtk_box_append (GTK_BOX (bars), make_download_row (self, i));
  gtk_box_append (GTK_BOX (box), bars);

  status = gtk_label_new (_("Run the downloads one after another, then all at once, and compare the totals."));
  gtk_label_set_wrap (GTK_LABEL (status), TRUE);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_box_append (GTK_BOX (box), status);
  self->status = GTK_LABEL (status);

  totals = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  gtk_box_set_homogeneous (GTK_BOX (totals), TRUE);
  gtk_box_append (GTK_BOX (totals),
                  make_total (_("One after another"), &self->sequential_value, &self->sequential_detail));
  gtk_box_append (GTK_BOX (totals),
                  make_total (_("All at once"), &self->concurrent_value, &self->concurrent_detail));
  gtk_box_append (GTK_BOX (box), totals);

  comparison = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (comparison), TRUE);
  gtk_label_set_xalign (GTK_LABEL (comparison), 0);
  gtk_widget_set_visible (comparison, FALSE);
  gtk_box_append (GTK_BOX (box), comparison);
  self->comparison = GTK_LABEL (comparison);

  adw_bin_set_child (ADW_BIN (self), box);
  show_rows (self);
  set_running (self, FALSE);
}
