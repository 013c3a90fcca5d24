/* parallel-page.c — All the cores: the page
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Puts parallel-work.c on screen: the buttons and knobs of parallel-page.ui
 * render, zoom, measure and stop; the picture shows the tiles as they come,
 * and the chart the speed-up. Render on the Main Loop is the wrong way: the
 * same picture, drawn inside its button's handler. Everything here runs on
 * the main thread.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parallel-work.h"
#include "thaw-bar-chart.h"
#include "thaw-lesson.h"
#include "thaw-run-log.h"

/* Seahorse valley, between the set's heart and its round head: busy with
 * detail, so every tile is work, and some much more than others. */
static const ParallelView starting_view = { -0.75, 0.1, 0.5 };
#define MAX_VIEW_WIDTH 4.0      /* the whole set */
#define MIN_VIEW_WIDTH 1e-11    /* doubles run out of digits about here */

/* The workers' marks need more colours than the palette has. */
static const char *const worker_colors[] = {
  "#3584e4", "#e66100", "#2ec27e", "#c061cb", "#f6d32d", "#e01b24", "#986a44", "#ffffff",
};

G_DECLARE_FINAL_TYPE (ThawLessonParallel, thaw_lesson_parallel, THAW, LESSON_PARALLEL, ThawLesson)

struct _ThawLessonParallel
{
  ThawLesson parent_instance;

  GtkWidget *image, *placeholder;
  AdwActionRow *threads_row;
  GtkSpinButton *threads_spin;
  GtkLabel *status, *chart_caption;
  ThawBarChart *chart;
  ThawRunLog *runs;

  guint n_threads;              /* the knobs */
  gboolean marks;
  ParallelWork *work;
  ParallelView view;
  gboolean measuring;
  char *checksum;               /* of the picture, for --report; NULL: stale */
  double fit[3];                /* where the picture was drawn: left, top, scale */
  guint cores, max_threads, render_threads, n_renders;
  double render_ms;
  ParallelView rendered_view;   /* of the last render done by threads… */
  guint rendered_threads;       /* …and by how many; 0: none yet */
  guint n_blocks;               /* renders on the main loop */
  double blocked_ms;            /* how long the last one held it */
  double *best_ms;              /* [threads], 0 until measured */
};

G_DEFINE_FINAL_TYPE (ThawLessonParallel, thaw_lesson_parallel, THAW_TYPE_LESSON)

static double
speedup_of (ThawLessonParallel *self,
            guint               n)
{
  return self->best_ms[1] > 0 && self->best_ms[n] > 0 ? self->best_ms[1] / self->best_ms[n] : 0;
}

/* The serial part Amdahl's law would need to explain the speed-up on all
 * the processors; -1 until measured. */
static double
serial_fraction (ThawLessonParallel *self)
{
  double speedup = speedup_of (self, self->cores);

  return self->cores >= 2 && speedup > 0 ? parallel_serial_fraction (speedup, self->cores) : -1;
}

/* Zooming during a render is what the generation counter is for; during a
 * measurement it would change what is timed. */
static void
set_measuring (ThawLessonParallel *self,
               gboolean            measuring)
{
  static const char *const view_actions[] = { "lesson.zoom", "lesson.zoom-out", "lesson.reset" };

  self->measuring = measuring;
  for (guint i = 0; i < G_N_ELEMENTS (view_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), view_actions[i], !measuring);
}

static void
show_measurement (ThawLessonParallel *self,
                  const ParallelNews *news)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree double *lines = g_new0 (double, 3 * self->max_threads);
  g_auto(GStrv) labels = g_new0 (char *, self->max_threads + 1);
  double *bars = lines, *ideal = lines + self->max_threads, *limit = ideal + self->max_threads;
  guint p = self->cores, best = 1;
  double fraction = serial_fraction (self);

  for (guint n = 1; n <= self->max_threads; n++)
    {
      bars[n - 1] = speedup_of (self, n);
      ideal[n - 1] = MIN (n, self->cores);
      limit[n - 1] = parallel_amdahl_limit (MAX (fraction, 0), MIN (n, self->cores));
      labels[n - 1] = g_strdup_printf ("%u", n);
      best = bars[n - 1] > bars[best - 1] ? n : best;
    }
  thaw_bar_chart_set_bars (self->chart, self->max_threads, bars, NULL, (const char * const *) labels);
  thaw_bar_chart_set_line (self->chart, 0, ideal, THAW_LINE_DASHED, THAW_COLOR_QUIET);
  if (fraction >= 0)
    thaw_bar_chart_set_line (self->chart, 1, limit, THAW_LINE_MARKED, THAW_COLOR_WARNING);
  else
    thaw_bar_chart_clear_line (self->chart, 1);

  if (!news->finished)
    /* Translators: the measurement runs the same render several times
     * with each number of threads. */
    g_string_printf (text, ngettext ("Measuring: round %u of %u, %u thread…",
                                     "Measuring: round %u of %u, %u threads…", news->n_threads),
                     news->round, PARALLEL_MEASURE_ROUNDS, news->n_threads);
  else if (bars[best - 1] > 0)
    g_string_printf (text, ngettext ("One thread: %.0f ms. Best: %.2f× faster, with %u thread.",
                                     "One thread: %.0f ms. Best: %.2f× faster, with %u threads.", best),
                     self->best_ms[1], bars[best - 1], best);

  /* Not a serial part found: shared cores, a slower clock and the memory
   * bus lower a speed-up as well. */
  if (news->finished && fraction >= 0)
    {
      g_string_append_c (text, ' ');
      if (fraction < 0.005)
        g_string_append_printf (text, ngettext ("On %u processor: %.2f× faster, no shortfall.",
                                                "On all %u processors: %.2f× faster, no shortfall.", p),
                                p, bars[p - 1]);
      else
        g_string_append_printf (text, ngettext ("Measured speed-up %.2f× on %u thread; Amdahl’s law would explain that with a serial share of %.1f %%, but shared cores, clock changes and memory bandwidth lower it too.",
                                                "Measured speed-up %.2f× on %u threads; Amdahl’s law would explain that with a serial share of %.1f %%, but shared cores, clock changes and memory bandwidth lower it too.", p),
                                bars[p - 1], p, 100 * fraction);
    }

  gtk_label_set_text (self->chart_caption, text->len > 0 ? text->str : _("Not measured yet."));
}

/* News from the work: tiles on the picture, a render's end, or the
 * measurement's figures. */
static void
receive_news (const ParallelNews *news,
              gpointer            user_data)
{
  ThawLessonParallel *self = user_data;
  ThawLesson *lesson = THAW_LESSON (self);
  g_autofree char *text = NULL, *title = NULL;

  g_clear_pointer (&self->checksum, g_free);
  gtk_widget_queue_draw (self->image);
  if (news->best_ms != NULL)
    {
      memcpy (self->best_ms, news->best_ms, (self->max_threads + 1) * sizeof (double));
      show_measurement (self, news);
    }
  if (!news->finished)
    return;

  set_measuring (self, FALSE);
  thaw_lesson_end_run (lesson, news->error != NULL ? THAW_RUN_FAILED
                               : news->stopped ? THAW_RUN_CANCELLED : THAW_RUN_SUCCEEDED);
  if (news->error == NULL && !news->stopped && news->best_ms != NULL &&
      self->best_ms[1] > 0 && self->best_ms[self->max_threads] > 0)
    {
      /* Translators: a measured speed-up, e.g. "1.95× faster". */
      g_autofree char *value = g_strdup_printf (_("%.2f× faster"), self->best_ms[1] / self->best_ms[self->max_threads]);
      g_autofree char *caption = g_strdup_printf (ngettext ("With %u thread, against one", "With %u threads, against one",
                                                            self->max_threads), self->max_threads);

      thaw_lesson_set_headline (lesson, caption, value, gtk_label_get_text (self->chart_caption));
    }
  /* The measurement's own render fills what the picture lacked. */
  if (news->tiles_kept > 0)
    gtk_widget_set_visible (self->placeholder, FALSE);
  if (news->error != NULL || news->stopped || news->best_ms != NULL)
    {
      gtk_label_set_text (self->status, news->error != NULL ? news->error->message
                                        : news->stopped ? _("Stopped.")
                                        : news->tiles_kept == 0 ? _("Measured.")
                                        /* Translators: after a measurement, when the picture had not been
                                         * rendered (or not all of it): the measurement's runs draw the same
                                         * view with one sample per pixel instead of nine, so its edges are
                                         * rougher. */
                                        : _("Measured. The picture is the measurement’s last render, one sample per pixel."));
      return;
    }

  self->render_ms = news->ms;
  self->n_renders++;
  /* The view cannot have changed since this render started: a new view
   * starts a new render, and this one would have ended unheard. */
  self->rendered_view = self->view;
  self->rendered_threads = news->n_threads;
  text = g_strdup_printf (ngettext ("Rendered in %.0f ms by %u thread. Tiles of earlier views thrown away so far: %u.",
                                    "Rendered in %.0f ms by %u threads. Tiles of earlier views thrown away so far: %u.",
                                    news->n_threads),
                          news->ms, news->n_threads, parallel_work_get_picture (self->work)->tiles_discarded);
  gtk_label_set_text (self->status, text);
  /* Translators: a finished render in the list of runs. */
  title = g_strdup_printf (ngettext ("%u thread: %.0f ms", "%u threads: %.0f ms", news->n_threads),
                           news->n_threads, news->ms);
  thaw_lesson_log_run (lesson, self->runs, title, NULL);
}

/* The picture; tiles not drawn in this view yet are dimmed (an older
 * picture shows there), the others carry their worker's mark. */
static void
draw_image (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        data)
{
  ThawLessonParallel *self = data;
  const ParallelPicture *picture = parallel_work_get_picture (self->work);
  double scale = MIN ((double) width / PARALLEL_IMAGE_WIDTH, (double) height / PARALLEL_IMAGE_HEIGHT);
  cairo_surface_t *surface =
    cairo_image_surface_create_for_data ((guchar *) picture->pixels, CAIRO_FORMAT_RGB24, PARALLEL_IMAGE_WIDTH,
                                         PARALLEL_IMAGE_HEIGHT, PARALLEL_IMAGE_WIDTH * sizeof (guint32));

  /* Scaled to fit, centred; a click finds it where it was drawn. */
  self->fit[0] = (width - PARALLEL_IMAGE_WIDTH * scale) / 2;
  self->fit[1] = (height - PARALLEL_IMAGE_HEIGHT * scale) / 2;
  self->fit[2] = scale;
  cairo_translate (cr, self->fit[0], self->fit[1]);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_paint (cr);
  cairo_surface_destroy (surface);

  for (guint i = 0; i < PARALLEL_N_TILES; i++)
    {
      double x = (i % PARALLEL_TILES_ACROSS) * PARALLEL_TILE_SIZE;
      double y = (i / PARALLEL_TILES_ACROSS) * PARALLEL_TILE_SIZE;
      GdkRGBA color = { 0, 0, 0, 0.55 };

      /* The main thread is no worker: its tiles carry no mark. */
      if (picture->owner[i] == 0)
        cairo_rectangle (cr, x, y, PARALLEL_TILE_SIZE, PARALLEL_TILE_SIZE);
      else if (self->marks && picture->owner[i] != PARALLEL_OWNER_THIS_THREAD)
        {
          gdk_rgba_parse (&color, worker_colors[(picture->owner[i] - 1) % G_N_ELEMENTS (worker_colors)]);
          cairo_rectangle (cr, x + 2, y + 2, 7, 7);
        }
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_fill (cr);
    }
}

static void
start_render (ThawLessonParallel *self)
{
  g_autofree char *text = g_strdup_printf (ngettext ("Rendering with %u thread…", "Rendering with %u threads…",
                                                     self->n_threads), self->n_threads);

  thaw_lesson_begin_run (THAW_LESSON (self), "threads");
  self->render_threads = self->n_threads;
  parallel_work_render (self->work, &self->view, PARALLEL_SAMPLES, self->n_threads);
  gtk_label_set_text (self->status, text);
  gtk_widget_set_visible (self->placeholder, FALSE);
  receive_news (&(ParallelNews) { 0 }, self);
}

/* Zooms in twice, centred on a point given as a fraction of the image. */
static void
zoom_at (ThawLessonParallel *self,
         double              fx,
         double              fy)
{
  if (self->view.width / 2 < MIN_VIEW_WIDTH)
    {
      gtk_label_set_text (self->status, _("This is as deep as double-precision numbers go."));
      return;
    }

  self->view.center_x += (fx - 0.5) * self->view.width;
  self->view.center_y -= (fy - 0.5) * self->view.width * PARALLEL_IMAGE_HEIGHT / PARALLEL_IMAGE_WIDTH;
  self->view.width /= 2;
  start_render (self);
}

static void
image_clicked_cb (GtkGestureClick    *gesture,
                  int                 n_press,
                  double              x,
                  double              y,
                  ThawLessonParallel *self)
{
  x = (x - self->fit[0]) / (PARALLEL_IMAGE_WIDTH * self->fit[2]);
  y = (y - self->fit[1]) / (PARALLEL_IMAGE_HEIGHT * self->fit[2]);
  if (!self->measuring && x >= 0 && x <= 1 && y >= 0 && y <= 1)
    zoom_at (self, x, y);
}

/* lesson.start renders the current view; lesson.zoom zooms in at the
 * centre, as a click there would; lesson.zoom-out goes half as deep;
 * lesson.reset goes back to the starting view. */
static void
view_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonParallel *self = THAW_LESSON_PARALLEL (widget);

  if (g_str_equal (action_name, "lesson.reset"))
    self->view = starting_view;
  else if (g_str_equal (action_name, "lesson.zoom-out"))
    self->view.width = MIN (self->view.width * 2, MAX_VIEW_WIDTH);

  if (g_str_equal (action_name, "lesson.zoom"))
    zoom_at (self, 0.5, 0.5);
  else
    start_render (self);
}

static void
row_done (guint    rows_done,
          gpointer user_data)
{
  ThawLessonParallel *self = user_data;

  /* Asks for the rows so far to be drawn, as the tiles are in the right
   * way. Nothing is drawn: drawing would happen on this same main loop,
   * and it is busy in here. */
  gtk_widget_queue_draw (self->image);
}

static gboolean
same_view (const ParallelView *a,
           const ParallelView *b)
{
  return a->center_x == b->center_x && a->center_y == b->center_y && a->width == b->width;
}

/* lesson.block: the wrong way, on purpose. The render runs right here, in
 * the button's handler, and the window waits for it. */
static void
block_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonParallel *self = THAW_LESSON_PARALLEL (widget);
  ThawLesson *lesson = THAW_LESSON (self);
  g_autofree char *text = NULL, *value = NULL, *title = NULL;
  gint64 started;

  thaw_lesson_begin_run (lesson, "main-loop");
  gtk_widget_set_visible (self->placeholder, FALSE);

  started = g_get_monotonic_time ();
  parallel_work_render_on_this_thread (self->work, &self->view, PARALLEL_SAMPLES, row_done, self);
  self->blocked_ms = (g_get_monotonic_time () - started) / 1000.0;
  self->n_blocks++;

  g_clear_pointer (&self->checksum, g_free);
  gtk_widget_queue_draw (self->image);
  thaw_lesson_end_run (lesson, THAW_RUN_SUCCEEDED);

  /* The headline carries the time; the text says what it meant. No
   * "times faster": the workers run at background priority, and on a
   * busy machine they may well take longer than the main thread did. */
  if (self->rendered_threads > 0 && same_view (&self->rendered_view, &self->view))
    /* Translators: "%u" is a number of worker threads, "%.0f ms" how long
     * they took to render the same picture. */
    text = g_strdup_printf (ngettext ("While the main loop rendered, the window could neither draw nor answer. %u thread rendered the same view in %.0f ms, and the window went on meanwhile.",
                                      "While the main loop rendered, the window could neither draw nor answer. %u threads rendered the same view in %.0f ms, and the window went on meanwhile.",
                                      self->rendered_threads),
                            self->rendered_threads, self->render_ms);
  else
    text = g_strdup (_("While the main loop rendered, the window could neither draw nor answer. Render the same view with threads to compare."));
  gtk_label_set_text (self->status, text);

  /* Translators: how long the main loop was blocked, e.g. "2,956 ms". */
  value = g_strdup_printf (_("%'.0f ms"), self->blocked_ms);
  thaw_lesson_set_headline (lesson, _("Main loop blocked by the render"), value, text);
  /* Translators: a render on the main loop in the list of runs. */
  title = g_strdup_printf (_("Main loop: %.0f ms"), self->blocked_ms);
  thaw_lesson_log_run (lesson, self->runs, title, NULL);
}

/* lesson.measure: time the current view with 1, 2, … 2×cores threads. */
static void
measure_cb (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  ThawLessonParallel *self = THAW_LESSON_PARALLEL (widget);

  thaw_lesson_begin_run (THAW_LESSON (self), "measure");
  set_measuring (self, TRUE);
  memset (self->best_ms, 0, (self->max_threads + 1) * sizeof (double));
  gtk_label_set_text (self->status, _("Measuring the speed-up. The image does not change meanwhile."));
  show_measurement (self, &(ParallelNews) { .round = 1, .n_threads = 1 });
  parallel_work_measure (self->work, &self->view, self->max_threads);
}

static void
thaw_lesson_parallel_report (ThawLesson  *lesson,
                             JsonBuilder *builder)
{
  ThawLessonParallel *self = THAW_LESSON_PARALLEL (lesson);
  const ParallelPicture *picture = parallel_work_get_picture (self->work);
  double fraction = serial_fraction (self);

  thaw_report_int (builder, "threads", self->render_threads);
  thaw_report_int (builder, "cores", self->cores);
  thaw_report_double (builder, "render_ms", self->render_ms);
  thaw_report_int (builder, "renders", self->n_renders);
  thaw_report_int (builder, "blocked_renders", self->n_blocks);
  thaw_report_measured (builder, "blocked_ms", self->n_blocks > 0, self->blocked_ms);
  thaw_report_int (builder, "tiles", picture->tiles);
  thaw_report_int (builder, "tiles_total", PARALLEL_N_TILES);
  thaw_report_int (builder, "tiles_discarded", picture->tiles_discarded);
  thaw_report_int (builder, "generation", parallel_work_get_generation (self->work));
  thaw_report_double (builder, "zoom", starting_view.width / self->view.width);
  if (speedup_of (self, 2) > 0)
    thaw_report_double (builder, "speedup_2", speedup_of (self, 2));
  if (fraction >= 0)
    thaw_report_double (builder, "serial_fraction", fraction);

  /* A fingerprint of the picture on screen, computed once per change. */
  if (self->checksum == NULL)
    self->checksum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) picture->pixels, sizeof picture->pixels);
  thaw_report_string (builder, "image_checksum", self->checksum);

  json_builder_set_member_name (builder, "measured");
  json_builder_begin_array (builder);
  for (guint n = 1; n <= self->max_threads; n++)
    if (self->best_ms[n] > 0)
      {
        json_builder_begin_object (builder);
        thaw_report_int (builder, "threads", n);
        thaw_report_double (builder, "ms", self->best_ms[n]);
        thaw_report_double (builder, "speedup", speedup_of (self, n));
        json_builder_end_object (builder);
      }
  json_builder_end_array (builder);
}

static void
thaw_lesson_parallel_class_init (ThawLessonParallelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);
  guint cores = MAX (1, g_get_num_processors ());
  /* As in the struct: the widgets come first, in this order. */
  const char *children[] = { "image", "placeholder", "threads_row", "threads_spin", "status", "chart_caption",
                             "chart", "runs" };

  lesson_class->report = thaw_lesson_parallel_report;

  thaw_lesson_class_add_uint_knob (lesson_class, "threads", G_STRUCT_OFFSET (ThawLessonParallel, n_threads),
                                   1, 2 * cores, cores);
  thaw_lesson_class_add_boolean_knob (lesson_class, "marks", G_STRUCT_OFFSET (ThawLessonParallel, marks), TRUE);

  thaw_lesson_class_set_template (lesson_class, "parallel");
  thaw_lesson_class_set_work (lesson_class, G_STRUCT_OFFSET (ThawLessonParallel, work),
                              (GDestroyNotify) parallel_work_stop, (GDestroyNotify) parallel_work_free);
  thaw_lesson_class_own (lesson_class, G_STRUCT_OFFSET (ThawLessonParallel, checksum), g_free);
  thaw_lesson_class_own (lesson_class, G_STRUCT_OFFSET (ThawLessonParallel, best_ms), g_free);
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    gtk_widget_class_bind_template_child_full (widget_class, children[i], FALSE,
                                               G_STRUCT_OFFSET (ThawLessonParallel, image) + i * sizeof (gpointer));
  gtk_widget_class_bind_template_callback (widget_class, image_clicked_cb);

  thaw_lesson_class_install_run_action (lesson_class, "lesson.start", view_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.block", block_cb);
  thaw_lesson_class_install_run_action (lesson_class, "lesson.measure", measure_cb);
  gtk_widget_class_install_action (widget_class, "lesson.zoom", NULL, view_cb);
  gtk_widget_class_install_action (widget_class, "lesson.zoom-out", NULL, view_cb);
  gtk_widget_class_install_action (widget_class, "lesson.reset", NULL, view_cb);
}

static void
thaw_lesson_parallel_init (ThawLessonParallel *self)
{
  g_autofree char *subtitle = NULL;

  thaw_lesson_init_knobs (THAW_LESSON (self));
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cores = MAX (1, g_get_num_processors ());
  self->max_threads = 2 * self->cores;
  self->best_ms = g_new0 (double, self->max_threads + 1);
  self->view = starting_view;
  self->work = parallel_work_new (receive_news, self);

  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->image), draw_image, self, NULL);
  gtk_widget_set_cursor_from_name (self->image, "zoom-in");
  g_signal_connect_swapped (self, "notify::marks", G_CALLBACK (gtk_widget_queue_draw), self->image);
  gtk_spin_button_set_range (self->threads_spin, 1, self->max_threads);
  subtitle = g_strdup_printf (ngettext ("This machine has %u core", "This machine has %u cores", self->cores),
                              self->cores);
  adw_action_row_set_subtitle (self->threads_row, subtitle);
  show_measurement (self, &(ParallelNews) { .finished = TRUE });
}
