/* downloads-page.c — Many downloads: the page
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Puts downloads-work.c on screen. Everything here runs on the main thread.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "downloads-work.h"
#include "thaw-figure.h"
#include "thaw-lesson.h"
#include "thaw-run-log.h"

/* By DownloadsMode. "where" ends a total's detail; NULL: the thread count. */
static const struct { const char *action, *id, *label, *where; } modes[] = {
  { "lesson.start", "all-at-once", N_("All at once"), NULL },
  { "lesson.sequential", "one-after-another", N_("One after another, on a worker thread"), N_("On one worker thread.") },
  { "lesson.block", "main-loop", N_("One after another, on the main loop"), N_("On the main loop, which froze.") },
};

enum { SEQUENTIAL, CONCURRENT, N_TOTALS };    /* the two totals; the main loop's is sequential */
static const char *const total_ids[N_TOTALS] = { "sequential_seconds", "concurrent_seconds" };

G_DECLARE_FINAL_TYPE (ThawLessonDownloads, thaw_lesson_downloads, THAW, LESSON_DOWNLOADS, ThawLesson)

struct _ThawLessonDownloads
{
  ThawLesson parent_instance;
  GtkBox *rows;
  GtkProgressBar *bars[DOWNLOADS_MAX];  /* made with the rows */
  GtkLabel *status, *comparison;
  ThawFigure *sequential_total, *concurrent_total;
  ThawRunLog *runs;
  guint n_downloads; double seconds_each;   /* the knobs */
  DownloadsWork *work;      /* while the threads run */
  DownloadsMode mode;
  DownloadsNews totals[N_TOTALS];  /* the last complete run of each kind */
  JsonArray *run_list;      /* every finished run, for --report */
};

G_DEFINE_FINAL_TYPE (ThawLessonDownloads, thaw_lesson_downloads, THAW_TYPE_LESSON)

/* A row per download, named for its file; a run keeps its own. */
static void
make_rows (ThawLessonDownloads *self)
{
  GtkWidget *child;

  while (self->work == NULL && (child = gtk_widget_get_first_child (GTK_WIDGET (self->rows))) != NULL)
    gtk_box_remove (self->rows, child);
  for (guint i = 0; self->work == NULL && i < self->n_downloads; i++)
    {
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      /* Translators: "%s" is the name of a downloaded file. */
      g_autofree char *name = g_strdup_printf (_("Progress of %s"), downloads_file_names[i]);

      gtk_box_append (GTK_BOX (row), g_object_new (GTK_TYPE_LABEL, "label", downloads_file_names[i], "xalign", 0.0f,
                                                   "width-chars", 12, "ellipsize", PANGO_ELLIPSIZE_END, "valign", GTK_ALIGN_END,
                                                   "css-classes", (const char *[]) { "caption", NULL }, NULL));
      self->bars[i] = g_object_new (GTK_TYPE_PROGRESS_BAR, "show-text", TRUE, "hexpand", TRUE,
                                    "text", C_("a download", "Not started"), NULL);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->bars[i]), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->bars[i]));
      gtk_box_append (self->rows, row);
    }
}

/* A complete run's total in its column; the two compared if alike. */
static void
show_total (ThawLessonDownloads *self,
            const DownloadsNews *news)
{
  const DownloadsNews *sequential = &self->totals[SEQUENTIAL], *concurrent = &self->totals[CONCURRENT];
  gboolean at_once = self->mode == DOWNLOADS_ALL_AT_ONCE;
  guint n = news->n_downloads;
  /* Translators: a measured time in seconds, shown large. */
  g_autofree char *seconds = g_strdup_printf (_("%.2f s"), news->seconds);
  /* Translators: the downloads' own times, added up. */
  g_autofree char *waiting = g_strdup_printf (ngettext ("%u download, %.1f s of waiting in all.",
                                                        "%u downloads, %.1f s of waiting in all.", n), n, news->waiting_seconds);
  g_autofree char *threads = g_strdup_printf (ngettext ("On %u thread at once.", "On %u threads at once.", n), n);
  /* Translators: two sentences, the first about time, the second about threads. */
  g_autofree char *detail = g_strdup_printf (_("%s %s"), waiting, at_once ? threads : _(modes[self->mode].where));
  g_autofree char *text = NULL;

  self->totals[at_once ? CONCURRENT : SEQUENTIAL] = *news;
  thaw_figure_set_value (at_once ? self->concurrent_total : self->sequential_total, seconds);
  thaw_figure_set_detail (at_once ? self->concurrent_total : self->sequential_total, detail);
  if (!sequential->finished || !concurrent->finished)
    return;
  if (sequential->n_downloads != concurrent->n_downloads || sequential->seconds_each != concurrent->seconds_each)
    text = g_strdup (_("The two runs had different settings. Run both again to compare them."));
  else
    /* Translators: "%.0f %%" is a percentage, "%.1f×" a speed-up, e.g. "3.9×". */
    text = g_strdup_printf (_("All at once took %.0f %% of the time of one after another: %.1f× as fast."),
                            100.0 * concurrent->seconds / sequential->seconds, sequential->seconds / concurrent->seconds);
  gtk_label_set_text (self->comparison, text);
  gtk_widget_set_visible (GTK_WIDGET (self->comparison), TRUE);
}

/* The news: on the main thread, or inside lesson.block's handler. The last
 * one comes once every thread has been joined. */
static void
receive_news (const DownloadsNews *news,
              gpointer             user_data)
{
  ThawLessonDownloads *self = user_data;
  ThawRunState state = news->error ? THAW_RUN_FAILED : news->n_completed < news->n_downloads ? THAW_RUN_CANCELLED : THAW_RUN_SUCCEEDED;
  const char *how = _(modes[self->mode].label);
  g_autofree char *status = NULL;
  g_autoptr(GVariant) run = NULL;

  for (guint i = 0; i < news->n_downloads; i++)
    {
      /* Translators: a download has finished; "%.2f s" is how long it took. */
      g_autofree char *done = g_strdup_printf (_("Done in %.2f s"), news->took_seconds[i]);
      const char *stopped = news->naps_done[i] > 0 ? C_("a download", "Stopped") : C_("a download", "Not started");
      /* Translators: a download that runs once the ones before it are done. */
      const char *waiting = news->naps_done[i] == 0 && self->mode != DOWNLOADS_ALL_AT_ONCE ? _("Waiting for its turn") : NULL;

      gtk_progress_bar_set_fraction (self->bars[i], (double) news->naps_done[i] / news->n_naps);
      /* NULL: the bar shows its percentage. */
      gtk_progress_bar_set_text (self->bars[i], news->took_seconds[i] > 0 ? done : news->finished ? stopped : waiting);
    }
  if (!news->finished)
    /* Translators: "%s" is how the downloads run, e.g. "All at once". */
    status = g_strdup_printf (_("%s: %.1f s so far…"), how, news->seconds);
  else if (state == THAW_RUN_FAILED)
    status = g_strdup_printf (_("The downloads could not start: %s"), news->error->message);
  else if (state == THAW_RUN_CANCELLED)
    status = g_strdup_printf (_("Stopped after %.2f s: %u of %u downloads finished."), news->seconds, news->n_completed, news->n_downloads);
  else
    /* Translators: "%s" is how the downloads ran, e.g. "All at once". */
    status = g_strdup_printf (_("%s: all %u downloads finished in %.2f s."), how, news->n_downloads, news->seconds);
  gtk_label_set_text (self->status, status);
  if (!news->finished)
    return;
  thaw_lesson_end_run (THAW_LESSON (self), state);
  if (state == THAW_RUN_SUCCEEDED)
    show_total (self, news);
  thaw_lesson_log_run (THAW_LESSON (self), self->runs, how, status);
  run = g_variant_ref_sink (g_variant_new_parsed ("{'mode': <%s>, 'state': <%s>, 'downloads': <%u>, 'completed': <%u>, "
                                                  "'seconds_each': <%d>, 'seconds': <%d>, 'waiting_seconds': <%d>}",
                                                  modes[self->mode].id, thaw_run_state_to_string (state), news->n_downloads,
                                                  news->n_completed, news->seconds_each, news->seconds, news->waiting_seconds));
  json_array_add_element (self->run_list, json_gvariant_serialize (run));
  g_clear_pointer (&self->work, downloads_work_free);
}

/* The three runs, and lesson.stop, enabled only while a run thread works. */
static void
activate_cb (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ThawLessonDownloads *self = THAW_LESSON_DOWNLOADS (widget);

  if (g_str_equal (action_name, "lesson.stop"))
    {
      downloads_work_stop (self->work);
      gtk_label_set_text (self->status, _("Stopping…"));
      return;
    }
  for (self->mode = 0; !g_str_equal (modes[self->mode].action, action_name); self->mode++)
    ;
  thaw_lesson_begin_run (THAW_LESSON (self), modes[self->mode].id);
  make_rows (self);
  gtk_label_set_text (self->status, _(modes[self->mode].label));
  /* The wrong way: every nap in there is a nap of the whole window. */
  if (self->mode == DOWNLOADS_ON_THIS_THREAD)
    downloads_run_on_this_thread (self->n_downloads, self->seconds_each, receive_news, self);
  else
    self->work = downloads_work_start (self->mode, self->n_downloads, self->seconds_each, receive_news, self);
}

static void
thaw_lesson_downloads_report (ThawLesson  *lesson,
                              JsonBuilder *builder)
{
  ThawLessonDownloads *self = THAW_LESSON_DOWNLOADS (lesson);

  thaw_report_int (builder, "downloads", self->n_downloads);
  thaw_report_double (builder, "seconds_each", self->seconds_each);
  for (guint i = 0; i < N_TOTALS; i++)
    thaw_report_measured (builder, total_ids[i], self->totals[i].finished, self->totals[i].seconds);
  /* ThawLesson's "runs" counts the runs; this lists them. */
  json_builder_set_member_name (builder, "run_list");
  json_builder_add_value (builder, json_node_init_array (json_node_alloc (), self->run_list));
}

static void
thaw_lesson_downloads_class_init (ThawLessonDownloadsClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  lesson_class->report = thaw_lesson_downloads_report;
  thaw_lesson_class_add_uint_knob (lesson_class, "downloads", G_STRUCT_OFFSET (ThawLessonDownloads, n_downloads),
                                   DOWNLOADS_MIN, DOWNLOADS_MAX, DOWNLOADS_DEFAULT);
  thaw_lesson_class_add_double_knob (lesson_class, "seconds-each", G_STRUCT_OFFSET (ThawLessonDownloads, seconds_each),
                                     DOWNLOADS_MIN_SECONDS_EACH, DOWNLOADS_MAX_SECONDS_EACH, DOWNLOADS_DEFAULT_SECONDS_EACH);

  thaw_lesson_class_set_template (lesson_class, "downloads");
  thaw_lesson_class_set_work (lesson_class, G_STRUCT_OFFSET (ThawLessonDownloads, work),
                              NULL, (GDestroyNotify) downloads_work_free);
  thaw_lesson_class_own (lesson_class, G_STRUCT_OFFSET (ThawLessonDownloads, run_list),
                         (GDestroyNotify) json_array_unref);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonDownloads, rows);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonDownloads, status);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonDownloads, sequential_total);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonDownloads, concurrent_total);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonDownloads, comparison);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonDownloads, runs);
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    thaw_lesson_class_install_run_action (lesson_class, modes[i].action, activate_cb);
  gtk_widget_class_install_action (widget_class, "lesson.stop", NULL, activate_cb);
}

static void
thaw_lesson_downloads_init (ThawLessonDownloads *self)
{
  thaw_lesson_init_knobs (THAW_LESSON (self));
  self->run_list = json_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  make_rows (self);
  g_signal_connect (self, "notify::downloads", G_CALLBACK (make_rows), NULL);
}
