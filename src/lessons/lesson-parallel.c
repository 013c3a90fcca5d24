/* lesson-parallel.c — All the cores
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A picture of the Mandelbrot set, cut into tiles, rendered by 1 to 2×cores
 * worker threads at once:
 *
 *   lesson.start     renders the current view. Each worker takes the next
 *                    tile nobody has taken yet, computes it into a buffer of
 *                    its own and hands the finished buffer to the main thread
 *                    through a GAsyncQueue, which an idle drains.
 *
 *   a click, or      zooms in and starts again. Tiles of the old view may
 *   lesson.zoom      still be in flight: a generation counter, bumped at every
 *                    new view, lets both the workers and the main thread
 *                    recognise them and throw them away.
 *
 *   lesson.measure   renders the view off screen with 1, 2, … threads, times
 *                    each, and draws the speed-up beside Amdahl's limit.
 *
 *   lesson.zoom-out, lesson.reset (back to the starting view) and
 *   lesson.stop do what they say.
 *
 * Read it top to bottom: the arithmetic, a tile, a render and its workers,
 * the hand-off to the main thread, the measurement, and then the widget.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "thaw-lesson.h"
#include "thaw-priority.h"
#include "thaw-tsan.h"

#define IMAGE_WIDTH 640
#define IMAGE_HEIGHT 400
#define TILE_SIZE 40
#define TILES_ACROSS (IMAGE_WIDTH / TILE_SIZE)
#define TILES_DOWN (IMAGE_HEIGHT / TILE_SIZE)
#define N_TILES (TILES_ACROSS * TILES_DOWN)
#define MAX_ITERATIONS 1000
/* Each pixel on screen averages SAMPLES × SAMPLES points, for smooth
 * edges. The measurement takes one point per pixel, to keep it short. */
#define SAMPLES 3
/* The measurement keeps the best of this many runs for each thread count:
 * the fastest run is the one the rest of the machine disturbed least. */
#define MEASURE_ROUNDS 3
/* Doubles run out of digits about here. */
#define MIN_VIEW_WIDTH 1e-11

/* A part of the complex plane: its centre, and how wide it is. */
typedef struct
{
  double center_x;
  double center_y;
  double width;
} View;

/* Seahorse valley, between the set's heart and its round head: busy with
 * detail, so every tile is work, and some tiles are much more work than
 * others. */
static const View starting_view = { -0.75, 0.1, 0.5 };
/* Zooming out stops where the whole set fits. */
#define MAX_VIEW_WIDTH 4.0

/* The arithmetic. Plain computing, no GTK, safe on any thread. */

/* How fast the point c escapes when z ↦ z² + c is repeated from 0, as a
 * smooth iteration count; -1 if it never does (it is in the set). */
static double
escape_time (double cr,
             double ci)
{
  double zr = 0, zi = 0, zr2 = 0, zi2 = 0;
  double seen_r = 0, seen_i = 0;
  int n = 0, next_look = 8;

  while (n < MAX_ITERATIONS && zr2 + zi2 <= 256.0)
    {
      zi = 2 * zr * zi + ci;
      zr = zr2 - zi2 + cr;
      zr2 = zr * zr;
      zi2 = zi * zi;
      n++;

      /* Points in the set settle into a cycle: if z comes back to a value
       * it had before, it will never escape. This spares the black parts
       * most of their MAX_ITERATIONS. */
      if (fabs (zr - seen_r) < 1e-13 && fabs (zi - seen_i) < 1e-13)
        return -1;
      if (n == next_look)
        {
          seen_r = zr;
          seen_i = zi;
          next_look *= 2;
        }
    }

  if (n == MAX_ITERATIONS)
    return -1;

  /* The fractional part smooths the bands between whole counts. */
  return n + 1 - log2 (log2 (zr2 + zi2) / 2);
}

static guint32
color_for (double escape)
{
  double t;
  guint r, g, b;

  if (escape < 0)
    return 0xff000000;

  t = escape * 0.08;
  r = (guint) (255 * (0.5 + 0.5 * cos (3.0 + t)));
  g = (guint) (255 * (0.5 + 0.5 * cos (3.0 + t + 0.6)));
  b = (guint) (255 * (0.5 + 0.5 * cos (3.0 + t + 1.0)));

  return 0xff000000 | r << 16 | g << 8 | b;
}

/* The colour of the pixel whose top left corner is at (left, top): the
 * average of samples × samples points spread over it. */
static guint32
pixel_color (guint  samples,
             double left,
             double top,
             double size)
{
  guint r = 0, g = 0, b = 0, n = samples * samples;

  for (guint sy = 0; sy < samples; sy++)
    for (guint sx = 0; sx < samples; sx++)
      {
        guint32 color = color_for (escape_time (left + (sx + 0.5) * size / samples,
                                                top - (sy + 0.5) * size / samples));

        r += (color >> 16) & 0xff;
        g += (color >> 8) & 0xff;
        b += color & 0xff;
      }

  return 0xff000000 | (r / n) << 16 | (g / n) << 8 | (b / n);
}

/* A tile: a finished little image, and the generation it was made for.
 * Once a worker has pushed it to the queue it never touches it again: it
 * belongs to the main thread from then on. */
typedef struct
{
  int generation;
  guint index;
  guint worker;             /* which worker made it, from 0 */
  guint32 pixels[TILE_SIZE * TILE_SIZE];
} Tile;

/* What the workers share with the main thread, for the whole life of the
 * lesson and a little after: the lesson goes away before its last idle. */
typedef struct
{
  gatomicrefcount ref_count;
  /* Bumped by the main thread for every new view, and to say "stop".
   * Workers only read it. */
  int generation;
  GAsyncQueue *tiles;       /* finished tiles, for the main thread */
  int delivery_pending;     /* an idle is scheduled and has not run */
  GWeakRef lesson;
} Canvas;

static Canvas *
canvas_new (gpointer lesson)
{
  Canvas *canvas = g_new0 (Canvas, 1);

  g_atomic_ref_count_init (&canvas->ref_count);
  /* Tiles nobody took are freed with the queue. */
  canvas->tiles = g_async_queue_new_full (g_free);
  g_weak_ref_init (&canvas->lesson, lesson);

  return canvas;
}

static Canvas *
canvas_ref (Canvas *canvas)
{
  g_atomic_ref_count_inc (&canvas->ref_count);
  return canvas;
}

static void
canvas_unref (Canvas *canvas)
{
  if (!g_atomic_ref_count_dec (&canvas->ref_count))
    return;

  g_weak_ref_clear (&canvas->lesson);
  g_async_queue_unref (canvas->tiles);
  g_free (canvas);
}

static gboolean deliver_cb (gpointer data);

/* Any thread: make sure one delivery is on its way to the main loop. */
static void
canvas_schedule_delivery (Canvas *canvas)
{
  if (g_atomic_int_compare_and_exchange (&canvas->delivery_pending, FALSE, TRUE))
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, deliver_cb, canvas_ref (canvas),
                     (GDestroyNotify) canvas_unref);
}

/* One render: a view, a generation, and the threads that work on it. */
typedef struct
{
  Canvas *canvas;
  View view;
  int generation;
  gboolean publish;         /* FALSE when measuring: tiles are thrown away */
  guint samples;            /* points per pixel, across and down */
  guint n_threads;
  GThread **threads;

  int next_tile;            /* the next tile nobody has taken (atomic) */
  int n_running;            /* workers not finished yet (atomic) */
  int ended;                /* every worker has finished (atomic) */
  gint64 started_at;
  gint64 ended_at;          /* written by the last worker, before ended */
} Render;

/* A worker gets its render and its number. */
typedef struct
{
  Render *render;
  guint number;
} Worker;

static gboolean
render_is_stale (Render *render)
{
  return g_atomic_int_get (&render->canvas->generation) != render->generation;
}

/* Computes one tile, a row at a time. Returns FALSE if the view changed
 * meanwhile: then the rest of the tile would be wasted work. */
static gboolean
compute_tile (Render *render,
              Tile   *tile)
{
  const View *view = &render->view;
  double pixel = view->width / IMAGE_WIDTH;
  double left = view->center_x - view->width / 2;
  double top = view->center_y + pixel * IMAGE_HEIGHT / 2;
  guint x0 = (tile->index % TILES_ACROSS) * TILE_SIZE;
  guint y0 = (tile->index / TILES_ACROSS) * TILE_SIZE;

  for (guint y = 0; y < TILE_SIZE; y++)
    {
      if (render_is_stale (render))
        return FALSE;

      for (guint x = 0; x < TILE_SIZE; x++)
        tile->pixels[y * TILE_SIZE + x] =
          pixel_color (render->samples, left + (x0 + x) * pixel, top - (y0 + y) * pixel, pixel);
    }

  return TRUE;
}

/* Hands a finished tile to the main thread. */
static void
publish_tile (Render *render,
              Tile   *tile)
{
  Canvas *canvas = render->canvas;

  /* First check: a tile for a view the learner has left is dropped here,
   * before it costs the main thread anything. */
  if (render_is_stale (render))
    {
      g_free (tile);
      return;
    }

  /* The view can still change right now, after the check and before the
   * main thread sees the tile: that is why the main thread checks again. */
  THAW_TSAN_RELEASE (tile);
  g_async_queue_push (canvas->tiles, tile);
  canvas_schedule_delivery (canvas);
}

/* A worker's last act. The last one out records the time and says so. */
static void
worker_done (Render *render)
{
  if (!g_atomic_int_dec_and_test (&render->n_running))
    return;

  render->ended_at = g_get_monotonic_time ();
  /* A full barrier: ended_at and every tile pushed before are visible to
   * whoever sees ended. */
  g_atomic_int_set (&render->ended, TRUE);
  if (render->publish)
    canvas_schedule_delivery (render->canvas);
}

/* A worker thread's whole life. */
static gpointer
tile_worker_thread (gpointer data)
{
  Worker *worker = data;
  Render *render = worker->render;
  guint index;

  /* Every worker, in every render and every measurement, lowers its
   * priority the same way, so the times compared are fair. */
  thaw_thread_set_background_priority ();

  /* Take tiles until none is left. Fetching the next number from a shared
   * counter balances the load by itself: tiles deep in the set take many
   * times longer than the others, and a worker that drew cheap ones simply
   * comes back for more. */
  while ((index = (guint) g_atomic_int_add (&render->next_tile, 1)) < N_TILES)
    {
      Tile *tile;

      if (render_is_stale (render))
        break;

      tile = g_new (Tile, 1);
      tile->generation = render->generation;
      tile->index = index;
      tile->worker = worker->number;

      if (!compute_tile (render, tile))
        {
          g_free (tile);
          break;
        }

      if (render->publish)
        publish_tile (render, tile);
      else
        g_free (tile);
    }

  worker_done (render);
  g_free (worker);

  return NULL;
}

/* A render for the screen (@publish) or for the measurement. */
static Render *
render_new (Canvas     *canvas,
            const View *view,
            int         generation,
            guint       n_threads,
            gboolean    publish)
{
  Render *render = g_new0 (Render, 1);

  render->canvas = canvas_ref (canvas);
  render->view = *view;
  render->generation = generation;
  render->publish = publish;
  render->samples = publish ? SAMPLES : 1;
  render->n_threads = n_threads;
  render->threads = g_new0 (GThread *, n_threads);

  return render;
}

/* Starts the workers. If not all of them can start, the ones that did
 * render the whole image anyway, and the error says what went wrong. */
static gboolean
render_start (Render  *render,
              GError **error)
{
  /* The starter counts itself among the running, so that the count cannot
   * reach zero while workers are still being started. */
  g_atomic_int_set (&render->n_running, (int) render->n_threads + 1);
  render->started_at = g_get_monotonic_time ();

  for (guint i = 0; i < render->n_threads; i++)
    {
      Worker *worker = g_new (Worker, 1);
      char name[16];

      worker->render = render;
      worker->number = i;
      g_snprintf (name, sizeof name, "thaw-tile-%u", i + 1);
      render->threads[i] = g_thread_try_new (name, tile_worker_thread, worker, error);
      if (render->threads[i] == NULL)
        {
          g_free (worker);
          /* Count the threads that never started as finished. */
          for (guint j = i; j < render->n_threads; j++)
            worker_done (render);
          worker_done (render);
          return FALSE;
        }
    }

  worker_done (render);
  return TRUE;
}

/* Waits for the workers. Quick once they have ended or been told to stop:
 * they look at the generation every row of pixels. */
static void
render_join (Render *render)
{
  for (guint i = 0; i < render->n_threads; i++)
    if (render->threads[i] != NULL)
      g_thread_join (g_steal_pointer (&render->threads[i]));
}

static void
render_free (Render *render)
{
  render_join (render);
  canvas_unref (render->canvas);
  g_free (render->threads);
  g_free (render);
}

static double
render_get_ms (Render *render)
{
  return (render->ended_at - render->started_at) / 1000.0;
}

/* The measurement: the same render, off screen, with 1, 2, … threads. */
typedef struct
{
  Canvas *canvas;
  View view;
  int generation;
  guint max_threads;

  GMutex lock;
  double *best_ms;          /* [threads], 0 until measured */
  guint round;              /* the round running, from 1 */
  guint threads_now;        /* the thread count being timed */
  gboolean finished;
  GError *error;
} Measurement;

static Measurement *
measurement_new (Canvas     *canvas,
                 const View *view,
                 int         generation,
                 guint       max_threads)
{
  Measurement *measurement = g_new0 (Measurement, 1);

  measurement->canvas = canvas_ref (canvas);
  measurement->view = *view;
  measurement->generation = generation;
  measurement->max_threads = max_threads;
  g_mutex_init (&measurement->lock);
  measurement->best_ms = g_new0 (double, max_threads + 1);

  return measurement;
}

static void
measurement_free (Measurement *measurement)
{
  canvas_unref (measurement->canvas);
  g_mutex_clear (&measurement->lock);
  g_free (measurement->best_ms);
  g_clear_error (&measurement->error);
  g_free (measurement);
}

/* The measuring thread: it starts and joins renders, so the main loop never
 * waits for one. Rounds go 1, 2, … N threads, then again, so that a burst
 * of other work on the machine hurts every count alike. */
static gpointer
measure_thread (gpointer data)
{
  Measurement *measurement = data;
  GError *error = NULL;

  thaw_thread_set_background_priority ();

  for (guint round = 1; round <= MEASURE_ROUNDS; round++)
    for (guint n = 1; n <= measurement->max_threads; n++)
      {
        Render *render = render_new (measurement->canvas, &measurement->view,
                                     measurement->generation, n, FALSE);
        gboolean started, stale;
        double ms;

        thaw_mutex_lock (&measurement->lock);
        measurement->round = round;
        measurement->threads_now = n;
        thaw_mutex_unlock (&measurement->lock);
        canvas_schedule_delivery (measurement->canvas);

        started = render_start (render, &error);
        /* Waiting for the workers is what this thread is for. */
        render_join (render);
        ms = render_get_ms (render);
        stale = render_is_stale (render);
        render_free (render);

        if (!started || stale)
          goto out;

        thaw_mutex_lock (&measurement->lock);
        if (measurement->best_ms[n] == 0 || ms < measurement->best_ms[n])
          measurement->best_ms[n] = ms;
        thaw_mutex_unlock (&measurement->lock);
        canvas_schedule_delivery (measurement->canvas);
      }

out:
  thaw_mutex_lock (&measurement->lock);
  measurement->finished = TRUE;
  measurement->error = error;
  thaw_mutex_unlock (&measurement->lock);
  canvas_schedule_delivery (measurement->canvas);

  return NULL;
}

/* Amdahl's law: if a part f of a job cannot be split, p cores speed it up
 * at most 1 / (f + (1 − f) / p) times. Turned around, a speed-up S measured
 * on p processors means f = (1/S − 1/p) / (1 − 1/p), the serial part that
 * would explain it alone (the Karp–Flatt metric). Only a model: hyperthreads
 * sharing a core, a clock that slows down and the memory bus lower S too,
 * and none of them is a serial part, so the page words f as what would
 * explain the measurement, not as what was found. */
static double
amdahl_limit (double serial_fraction,
              guint  cores)
{
  return 1.0 / (serial_fraction + (1.0 - serial_fraction) / cores);
}

static double
serial_fraction_for (double speedup,
                     guint  cores)
{
  return CLAMP ((1.0 / speedup - 1.0 / cores) / (1.0 - 1.0 / cores), 0.0, 1.0);
}

/* The widget. Everything below runs on the main thread. */

#define THAW_TYPE_LESSON_PARALLEL (thaw_lesson_parallel_get_type ())
G_DECLARE_FINAL_TYPE (ThawLessonParallel, thaw_lesson_parallel, THAW, LESSON_PARALLEL, ThawLesson)

struct _ThawLessonParallel
{
  ThawLesson parent_instance;

  GtkWidget *image_area;
  GtkWidget *chart;
  GtkLabel *status;
  GtkLabel *chart_caption;
  GtkSwitch *workers_switch;

  /* The picture on screen, and which worker drew each tile of it in the
   * current view (0: not drawn yet, n: worker n − 1). */
  cairo_surface_t *surface;
  guint8 tile_owner[N_TILES];
  char *checksum;              /* of the picture, for --report; NULL if stale */

  Canvas *canvas;
  View view;
  Render *render;              /* the current view's render, while it runs */
  GPtrArray *old_renders;      /* renders of views left behind, stopping */
  Measurement *measurement;
  GThread *measure_thread;
  GError *error;

  guint n_threads;             /* the knob */
  guint cores;

  /* The figures, for the screen and for --report. */
  const char *state;
  guint render_threads;
  double render_ms;
  guint tiles;
  guint tiles_discarded;
  guint n_renders;
  double *best_ms;             /* [threads], 0 until measured */
  guint max_threads;
};

G_DEFINE_FINAL_TYPE (ThawLessonParallel, thaw_lesson_parallel, THAW_TYPE_LESSON)

enum {
  PROP_0,
  PROP_THREADS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Colours for the workers' marks on their tiles. */
static const char *const worker_colors[] = {
  "#3584e4", "#e66100", "#2ec27e", "#c061cb", "#f6d32d", "#e01b24", "#986a44", "#ffffff",
};

static int
get_generation (ThawLessonParallel *self)
{
  return g_atomic_int_get (&self->canvas->generation);
}

/* From now on, every tile, render and measurement of an earlier
 * generation is stale: workers stop, and their tiles are thrown away. */
static int
new_generation (ThawLessonParallel *self)
{
  return g_atomic_int_add (&self->canvas->generation, 1) + 1;
}

static void
update_actions (ThawLessonParallel *self)
{
  gboolean rendering = self->render != NULL;
  gboolean measuring = self->measurement != NULL;
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (widget, "lesson.start", !rendering && !measuring);
  gtk_widget_action_set_enabled (widget, "lesson.measure", !rendering && !measuring);
  thaw_lesson_set_busy (THAW_LESSON (self), rendering || measuring);
  /* Zooming during a render is allowed: it is what the generation
   * counter is for. During a measurement it would change what is timed. */
  gtk_widget_action_set_enabled (widget, "lesson.zoom", !measuring);
  gtk_widget_action_set_enabled (widget, "lesson.zoom-out", !measuring);
  gtk_widget_action_set_enabled (widget, "lesson.reset", !measuring);
}

static void
draw_tile (ThawLessonParallel *self,
           const Tile         *tile)
{
  guint x0 = (tile->index % TILES_ACROSS) * TILE_SIZE;
  guint y0 = (tile->index / TILES_ACROSS) * TILE_SIZE;
  int stride = cairo_image_surface_get_stride (self->surface);
  guchar *data;

  cairo_surface_flush (self->surface);
  data = cairo_image_surface_get_data (self->surface);
  for (guint y = 0; y < TILE_SIZE; y++)
    memcpy (data + (y0 + y) * stride + x0 * 4, tile->pixels + y * TILE_SIZE, TILE_SIZE * 4);
  cairo_surface_mark_dirty_rectangle (self->surface, x0, y0, TILE_SIZE, TILE_SIZE);

  self->tile_owner[tile->index] = tile->worker + 1;
  self->tiles++;
  g_clear_pointer (&self->checksum, g_free);
}

/* A tile reaches the main thread. */
static void
receive_tile (ThawLessonParallel *self,
              Tile               *tile)
{
  THAW_TSAN_ACQUIRE (tile);

  /* Second check: the view may have changed after the worker checked, and
   * a tile of the old view must not land on the new one. */
  if (tile->generation != get_generation (self))
    self->tiles_discarded++;
  else
    draw_tile (self, tile);

  g_free (tile);
}

static void
start_render (ThawLessonParallel *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  int generation = new_generation (self);

  /* A render of an old view keeps running until its workers notice the
   * new generation, a row of pixels later. Nobody waits for it here: it
   * says when it has ended, and is joined then. */
  if (self->render != NULL)
    g_ptr_array_add (self->old_renders, g_steal_pointer (&self->render));

  memset (self->tile_owner, 0, sizeof self->tile_owner);
  self->tiles = 0;
  g_clear_error (&self->error);
  self->render_threads = self->n_threads;
  self->state = "running";

  self->render = render_new (self->canvas, &self->view, generation, self->n_threads, TRUE);
  if (!render_start (self->render, &error))
    self->error = g_steal_pointer (&error);

  text = g_strdup_printf (ngettext ("Rendering with %u thread…",
                                    "Rendering with %u threads…",
                                    self->n_threads),
                          self->n_threads);
  gtk_label_set_text (self->status, text);
  update_actions (self);
  gtk_widget_queue_draw (self->image_area);
}

/* The current view's render has ended: every tile is in, or it stopped. */
static void
finish_render (ThawLessonParallel *self)
{
  Render *render = g_steal_pointer (&self->render);
  gboolean stopped = render_is_stale (render);
  double ms = render_get_ms (render);
  guint n_threads = render->n_threads;

  /* Every worker has said it is done, so this join waits microseconds. */
  render_free (render);

  if (self->error != NULL)
    {
      self->state = "failed";
      gtk_label_set_text (self->status, self->error->message);
    }
  else if (stopped)
    {
      self->state = "cancelled";
      gtk_label_set_text (self->status, _("Stopped."));
    }
  else
    {
      g_autofree char *text = NULL;

      self->state = "succeeded";
      self->render_ms = ms;
      self->n_renders++;
      text = g_strdup_printf (ngettext ("Rendered in %.0f ms by %u thread. Tiles of earlier views thrown away so far: %u.",
                                        "Rendered in %.0f ms by %u threads. Tiles of earlier views thrown away so far: %u.",
                                        n_threads),
                              ms, n_threads, self->tiles_discarded);
      gtk_label_set_text (self->status, text);
    }

  update_actions (self);
  gtk_widget_queue_draw (self->image_area);
}

static gboolean
estimate_serial_fraction (ThawLessonParallel *self,
                          double             *fraction)
{
  guint p = MIN (self->cores, self->max_threads);

  if (p < 2 || self->best_ms[1] <= 0 || self->best_ms[p] <= 0)
    return FALSE;

  *fraction = serial_fraction_for (self->best_ms[1] / self->best_ms[p], p);
  return TRUE;
}

static void
show_measurement (ThawLessonParallel *self,
                  guint               round,
                  guint               threads_now,
                  gboolean            finished)
{
  g_autoptr(GString) text = g_string_new (NULL);
  double best_speedup = 0;
  guint best_threads = 0;
  double fraction;

  for (guint n = 1; n <= self->max_threads; n++)
    if (self->best_ms[1] > 0 && self->best_ms[n] > 0 &&
        self->best_ms[1] / self->best_ms[n] > best_speedup)
      {
        best_speedup = self->best_ms[1] / self->best_ms[n];
        best_threads = n;
      }

  if (!finished)
    /* Translators: the measurement runs the same render several times
     * with each number of threads. */
    g_string_append_printf (text,
                            ngettext ("Measuring: round %u of %u, %u thread…",
                                      "Measuring: round %u of %u, %u threads…",
                                      threads_now),
                            round, MEASURE_ROUNDS, threads_now);
  else if (best_threads > 0)
    g_string_append_printf (text,
                            ngettext ("One thread: %.0f ms. Best: %.2f× faster, with %u thread.",
                                      "One thread: %.0f ms. Best: %.2f× faster, with %u threads.",
                                      best_threads),
                            self->best_ms[1], best_speedup, best_threads);

  if (finished && estimate_serial_fraction (self, &fraction))
    {
      guint p = MIN (self->cores, self->max_threads);
      double speedup = self->best_ms[1] / self->best_ms[p];

      /* What was measured, and what Amdahl's law would make of it: not a
       * serial part found, since shared cores, a slower clock and the
       * memory bus lower a speed-up as well. */
      g_string_append_c (text, ' ');
      if (fraction < 0.005)
        g_string_append_printf (text,
                                ngettext ("On %u processor: %.2f× faster, no shortfall.",
                                          "On all %u processors: %.2f× faster, no shortfall.",
                                          p),
                                p, speedup);
      else
        g_string_append_printf (text,
                                ngettext ("Measured speed-up %.2f× on %u thread; Amdahl’s law would explain that with a serial share of %.1f %%, but shared cores, clock changes and memory bandwidth lower it too.",
                                          "Measured speed-up %.2f× on %u threads; Amdahl’s law would explain that with a serial share of %.1f %%, but shared cores, clock changes and memory bandwidth lower it too.",
                                          p),
                                speedup, p, 100 * fraction);
    }

  if (text->len == 0)
    g_string_append (text, _("Not measured yet."));

  gtk_label_set_text (self->chart_caption, text->str);
  gtk_widget_queue_draw (self->chart);
}

/* News from the measuring thread. */
static void
update_measurement (ThawLessonParallel *self)
{
  Measurement *measurement = self->measurement;
  guint round, threads_now;
  gboolean finished;

  thaw_mutex_lock (&measurement->lock);
  memcpy (self->best_ms, measurement->best_ms, (self->max_threads + 1) * sizeof (double));
  round = measurement->round;
  threads_now = measurement->threads_now;
  finished = measurement->finished;
  if (finished && measurement->error != NULL)
    self->error = g_steal_pointer (&measurement->error);
  thaw_mutex_unlock (&measurement->lock);

  if (finished)
    {
      gboolean stopped = measurement->generation != get_generation (self);

      /* The thread has said its last word: the join is immediate. */
      g_thread_join (g_steal_pointer (&self->measure_thread));
      g_clear_pointer (&self->measurement, measurement_free);

      if (self->error != NULL)
        {
          self->state = "failed";
          gtk_label_set_text (self->status, self->error->message);
        }
      else if (stopped)
        {
          self->state = "cancelled";
          gtk_label_set_text (self->status, _("Stopped."));
        }
      else
        {
          self->state = "succeeded";
          gtk_label_set_text (self->status, _("Measured."));
        }
      update_actions (self);
    }

  show_measurement (self, round, threads_now, finished);
}

/* A delivery: tiles, ended renders and measuring news, on the main thread. */
static gboolean
deliver_cb (gpointer data)
{
  Canvas *canvas = data;
  g_autoptr(ThawLessonParallel) self = NULL;
  g_autoptr(GPtrArray) ended = g_ptr_array_new ();
  gboolean current_ended = FALSE;
  guint tiles_before;
  Tile *tile;

  /* Clear the flag first: news from now on schedules another delivery. */
  g_atomic_int_set (&canvas->delivery_pending, FALSE);

  /* If the lesson is gone, tiles left in the queue go with the canvas. */
  self = g_weak_ref_get (&canvas->lesson);
  if (self == NULL)
    return G_SOURCE_REMOVE;

  /* Which renders have ended, looked at before taking the tiles: a render
   * says so after pushing its last tile, so all of its tiles are in the
   * queue by now. */
  if (self->render != NULL)
    current_ended = g_atomic_int_get (&self->render->ended);
  for (guint i = 0; i < self->old_renders->len; i++)
    {
      Render *old = g_ptr_array_index (self->old_renders, i);

      if (g_atomic_int_get (&old->ended))
        g_ptr_array_add (ended, old);
    }

  tiles_before = self->tiles;
  while ((tile = g_async_queue_try_pop (canvas->tiles)) != NULL)
    receive_tile (self, tile);
  if (self->tiles != tiles_before)
    gtk_widget_queue_draw (self->image_area);

  for (guint i = 0; i < ended->len; i++)
    {
      g_ptr_array_remove_fast (self->old_renders, ended->pdata[i]);
      render_free (ended->pdata[i]);
    }

  if (current_ended)
    finish_render (self);

  if (self->measurement != NULL)
    update_measurement (self);

  return G_SOURCE_REMOVE;
}

/* Zooms in twice, centred on a point given as a fraction of the image. */
static void
zoom_at (ThawLessonParallel *self,
         double              fx,
         double              fy)
{
  double height = self->view.width * IMAGE_HEIGHT / IMAGE_WIDTH;

  if (self->measurement != NULL)
    return;

  if (self->view.width / 2 < MIN_VIEW_WIDTH)
    {
      gtk_label_set_text (self->status, _("This is as deep as double-precision numbers go."));
      return;
    }

  self->view.center_x += (fx - 0.5) * self->view.width;
  self->view.center_y -= (fy - 0.5) * height;
  self->view.width /= 2;
  start_render (self);
}

/* Where the image sits in an area of that size, scaled to fit. */
static void
fit_image (int     width,
           int     height,
           double *scale,
           double *x,
           double *y)
{
  *scale = MIN ((double) width / IMAGE_WIDTH, (double) height / IMAGE_HEIGHT);
  *x = (width - IMAGE_WIDTH * *scale) / 2;
  *y = (height - IMAGE_HEIGHT * *scale) / 2;
}

static void
image_clicked_cb (GtkGestureClick    *gesture,
                  int                 n_press,
                  double              x,
                  double              y,
                  ThawLessonParallel *self)
{
  double scale, left, top;

  fit_image (gtk_widget_get_width (self->image_area), gtk_widget_get_height (self->image_area),
             &scale, &left, &top);
  x = (x - left) / (IMAGE_WIDTH * scale);
  y = (y - top) / (IMAGE_HEIGHT * scale);
  if (x < 0 || x > 1 || y < 0 || y > 1)
    return;

  zoom_at (self, x, y);
}

static void
draw_text (GtkWidget  *widget,
           cairo_t    *cr,
           const char *text,
           double      x,
           double      y,
           double      x_align)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  int text_width, text_height;

  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  cairo_move_to (cr, x - x_align * text_width, y - text_height / 2.0);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static void
draw_image (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        data)
{
  ThawLessonParallel *self = data;
  gboolean show_workers = gtk_switch_get_active (self->workers_switch);
  double scale, left, top;

  fit_image (width, height, &scale, &left, &top);
  cairo_save (cr);
  cairo_translate (cr, left, top);
  cairo_scale (cr, scale, scale);

  cairo_set_source_surface (cr, self->surface, 0, 0);
  cairo_paint (cr);

  for (guint i = 0; i < N_TILES; i++)
    {
      double x = (i % TILES_ACROSS) * TILE_SIZE;
      double y = (i / TILES_ACROSS) * TILE_SIZE;
      GdkRGBA color;

      if (self->tile_owner[i] == 0)
        {
          /* Not drawn in this view yet: what shows is an older picture. */
          cairo_set_source_rgba (cr, 0, 0, 0, 0.55);
          cairo_rectangle (cr, x, y, TILE_SIZE, TILE_SIZE);
          cairo_fill (cr);
        }
      else if (show_workers)
        {
          gdk_rgba_parse (&color, worker_colors[(self->tile_owner[i] - 1) % G_N_ELEMENTS (worker_colors)]);
          gdk_cairo_set_source_rgba (cr, &color);
          cairo_rectangle (cr, x + 2, y + 2, 7, 7);
          cairo_fill (cr);
        }
    }
  cairo_restore (cr);

  if (self->render == NULL && self->n_renders == 0 && self->tiles == 0)
    {
      cairo_set_source_rgba (cr, 1, 1, 1, 0.8);
      draw_text (GTK_WIDGET (area), cr, _("Nothing rendered yet"), width / 2.0, height / 2.0, 0.5);
    }
}

/* The speed-up chart: a bar per thread count, measured; a dashed line for
 * perfect scaling on this machine's cores; Amdahl's limit for the serial
 * part the measurement shows. */
static void
draw_chart (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        data)
{
  ThawLessonParallel *self = data;
  GtkWidget *widget = GTK_WIDGET (area);
  const double left = 36, bottom = 22, top = 10, right = 8;
  double plot_width = width - left - right;
  double plot_height = height - top - bottom;
  double slot = plot_width / self->max_threads;
  double y_max = self->cores;
  double fraction;
  gboolean have_fraction = estimate_serial_fraction (self, &fraction);
  GdkRGBA fg, bar, limit;

  if (plot_width <= 0 || plot_height <= 0)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  gdk_rgba_parse (&bar, "#3584e4");
  gdk_rgba_parse (&limit, "#e66100");

  for (guint n = 1; n <= self->max_threads; n++)
    if (self->best_ms[1] > 0 && self->best_ms[n] > 0)
      y_max = MAX (y_max, self->best_ms[1] / self->best_ms[n]);
  y_max = ceil (y_max + 0.25);

#define X_OF(n) (left + ((n) - 0.5) * slot)
#define Y_OF(s) (top + plot_height - (s) / y_max * plot_height)

  /* The scale: 1×, 2×, … */
  cairo_set_line_width (cr, 1);
  for (guint s = 1; s <= (guint) y_max; s++)
    {
      g_autofree char *label = g_strdup_printf ("%u×", s);

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.12);
      cairo_move_to (cr, left, round (Y_OF (s)) + 0.5);
      cairo_line_to (cr, width - right, round (Y_OF (s)) + 0.5);
      cairo_stroke (cr);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
      draw_text (widget, cr, label, left - 6, Y_OF (s), 1.0);
    }

  /* A bar and a thread count for each number of threads. */
  for (guint n = 1; n <= self->max_threads; n++)
    {
      g_autofree char *label = g_strdup_printf ("%u", n);

      if (self->best_ms[1] > 0 && self->best_ms[n] > 0)
        {
          double speedup = self->best_ms[1] / self->best_ms[n];

          gdk_cairo_set_source_rgba (cr, &bar);
          cairo_rectangle (cr, X_OF (n) - slot * 0.3, Y_OF (speedup),
                           slot * 0.6, Y_OF (0) - Y_OF (speedup));
          cairo_fill (cr);
        }

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
      draw_text (widget, cr, label, X_OF (n), height - bottom / 2, 0.5);
    }

  /* Perfect scaling: as many times faster as threads, up to the cores.
   * (A new path first: drawing text leaves a current point behind.) */
  cairo_new_path (cr);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6);
  cairo_set_dash (cr, (double[]) { 4, 3 }, 2, 0);
  for (guint n = 1; n <= self->max_threads; n++)
    cairo_line_to (cr, X_OF (n), Y_OF (MIN (n, self->cores)));
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  /* Amdahl's limit for the serial part measured. */
  if (have_fraction)
    {
      gdk_cairo_set_source_rgba (cr, &limit);
      cairo_set_line_width (cr, 2);
      cairo_new_path (cr);
      for (guint n = 1; n <= self->max_threads; n++)
        cairo_line_to (cr, X_OF (n), Y_OF (amdahl_limit (fraction, MIN (n, self->cores))));
      cairo_stroke (cr);
      for (guint n = 1; n <= self->max_threads; n++)
        {
          cairo_arc (cr, X_OF (n), Y_OF (amdahl_limit (fraction, MIN (n, self->cores))), 3, 0, 2 * G_PI);
          cairo_fill (cr);
        }
    }

#undef X_OF
#undef Y_OF
}

/* lesson.start: render the current view with the chosen number of threads. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonParallel *self = THAW_LESSON_PARALLEL (widget);

  if (self->render != NULL || self->measurement != NULL)
    return;

  start_render (self);
}

/* lesson.zoom: zoom in at the centre, as a click there would. */
static void
zoom_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  zoom_at (THAW_LESSON_PARALLEL (widget), 0.5, 0.5);
}

/* lesson.zoom-out: half as deep, around the same centre. */
static void
zoom_out_cb (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ThawLessonParallel *self = THAW_LESSON_PARALLEL (widget);

  if (self->measurement != NULL)
    return;

  self->view.width = MIN (self->view.width * 2, MAX_VIEW_WIDTH);
  start_render (self);
}

/* lesson.reset: back to the starting view. */
static void
reset_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  ThawLessonParallel *self = THAW_LESSON_PARALLEL (widget);

  if (self->measurement != NULL)
    return;

  self->view = starting_view;
  start_render (self);
}

/* lesson.measure: time the current view with 1, 2, … 2×cores threads. */
static void
measure_cb (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  ThawLessonParallel *self = THAW_LESSON_PARALLEL (widget);
  g_autoptr(GError) error = NULL;

  if (self->render != NULL || self->measurement != NULL)
    return;

  memset (self->best_ms, 0, (self->max_threads + 1) * sizeof (double));
  g_clear_error (&self->error);
  self->state = "running";
  self->measurement = measurement_new (self->canvas, &self->view, get_generation (self),
                                       self->max_threads);
  self->measure_thread = g_thread_try_new ("thaw-measure", measure_thread,
                                           self->measurement, &error);
  if (self->measure_thread == NULL)
    {
      g_clear_pointer (&self->measurement, measurement_free);
      self->state = "failed";
      gtk_label_set_text (self->status, error->message);
      return;
    }

  gtk_label_set_text (self->status, _("Measuring the speed-up. The image does not change meanwhile."));
  show_measurement (self, 1, 1, FALSE);
  update_actions (self);
}

/* lesson.stop: a new generation makes everything in flight stale. */
static void
stop_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonParallel *self = THAW_LESSON_PARALLEL (widget);

  if (self->render == NULL && self->measurement == NULL)
    return;

  new_generation (self);
  gtk_label_set_text (self->status, _("Stopping…"));
}

/* A fingerprint of the picture on screen, computed once per change. */
static const char *
get_image_checksum (ThawLessonParallel *self)
{
  if (self->checksum == NULL)
    {
      cairo_surface_flush (self->surface);
      self->checksum =
        g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                     cairo_image_surface_get_data (self->surface),
                                     cairo_image_surface_get_stride (self->surface) * IMAGE_HEIGHT);
    }

  return self->checksum;
}

static void
thaw_lesson_parallel_report (ThawLesson  *lesson,
                             JsonBuilder *builder)
{
  ThawLessonParallel *self = THAW_LESSON_PARALLEL (lesson);
  double fraction;

  json_builder_set_member_name (builder, "job_state");
  json_builder_add_string_value (builder, self->state);
  json_builder_set_member_name (builder, "threads");
  json_builder_add_int_value (builder, self->render_threads);
  json_builder_set_member_name (builder, "cores");
  json_builder_add_int_value (builder, self->cores);
  json_builder_set_member_name (builder, "render_ms");
  json_builder_add_double_value (builder, self->render_ms);
  json_builder_set_member_name (builder, "renders");
  json_builder_add_int_value (builder, self->n_renders);
  json_builder_set_member_name (builder, "tiles");
  json_builder_add_int_value (builder, self->tiles);
  json_builder_set_member_name (builder, "tiles_total");
  json_builder_add_int_value (builder, N_TILES);
  json_builder_set_member_name (builder, "tiles_discarded");
  json_builder_add_int_value (builder, self->tiles_discarded);
  json_builder_set_member_name (builder, "generation");
  json_builder_add_int_value (builder, get_generation (self));
  json_builder_set_member_name (builder, "zoom");
  json_builder_add_double_value (builder, starting_view.width / self->view.width);
  json_builder_set_member_name (builder, "image_checksum");
  json_builder_add_string_value (builder, get_image_checksum (self));

  if (self->best_ms[1] > 0 && self->best_ms[2] > 0)
    {
      json_builder_set_member_name (builder, "speedup_2");
      json_builder_add_double_value (builder, self->best_ms[1] / self->best_ms[2]);
    }
  if (estimate_serial_fraction (self, &fraction))
    {
      json_builder_set_member_name (builder, "serial_fraction");
      json_builder_add_double_value (builder, fraction);
    }

  json_builder_set_member_name (builder, "measured");
  json_builder_begin_array (builder);
  for (guint n = 1; n <= self->max_threads; n++)
    {
      if (self->best_ms[n] <= 0)
        continue;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "threads");
      json_builder_add_int_value (builder, n);
      json_builder_set_member_name (builder, "ms");
      json_builder_add_double_value (builder, self->best_ms[n]);
      if (self->best_ms[1] > 0)
        {
          json_builder_set_member_name (builder, "speedup");
          json_builder_add_double_value (builder, self->best_ms[1] / self->best_ms[n]);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
thaw_lesson_parallel_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  ThawLessonParallel *self = THAW_LESSON_PARALLEL (object);

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
thaw_lesson_parallel_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  ThawLessonParallel *self = THAW_LESSON_PARALLEL (object);
  guint n_threads;

  switch (prop_id)
    {
    case PROP_THREADS:
      n_threads = CLAMP (g_value_get_uint (value), 1, self->max_threads);
      if (n_threads != self->n_threads)
        {
          self->n_threads = n_threads;
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_lesson_parallel_dispose (GObject *object)
{
  ThawLessonParallel *self = THAW_LESSON_PARALLEL (object);

  /* Everything in flight becomes stale, so every worker stops within a
   * row of pixels; then wait for them all. A delivery already scheduled
   * finds the lesson gone and does nothing. */
  if (self->canvas != NULL)
    new_generation (self);

  if (self->measure_thread != NULL)
    g_thread_join (g_steal_pointer (&self->measure_thread));
  g_clear_pointer (&self->measurement, measurement_free);
  g_clear_pointer (&self->render, render_free);
  if (self->old_renders != NULL)
    {
      for (guint i = 0; i < self->old_renders->len; i++)
        render_free (g_ptr_array_index (self->old_renders, i));
      g_clear_pointer (&self->old_renders, g_ptr_array_unref);
    }
  g_clear_pointer (&self->canvas, canvas_unref);

  G_OBJECT_CLASS (thaw_lesson_parallel_parent_class)->dispose (object);
}

static void
thaw_lesson_parallel_finalize (GObject *object)
{
  ThawLessonParallel *self = THAW_LESSON_PARALLEL (object);

  cairo_surface_destroy (self->surface);
  g_free (self->checksum);
  g_free (self->best_ms);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (thaw_lesson_parallel_parent_class)->finalize (object);
}

static void
thaw_lesson_parallel_class_init (ThawLessonParallelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  object_class->dispose = thaw_lesson_parallel_dispose;
  object_class->finalize = thaw_lesson_parallel_finalize;
  object_class->get_property = thaw_lesson_parallel_get_property;
  object_class->set_property = thaw_lesson_parallel_set_property;
  lesson_class->report = thaw_lesson_parallel_report;

  /**
   * ThawLessonParallel:threads:
   *
   * How many worker threads render the picture.
   */
  properties[PROP_THREADS] =
    g_param_spec_uint ("threads", NULL, NULL,
                       1, 1024, 1,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "lesson.start", NULL, start_cb);
  gtk_widget_class_install_action (widget_class, "lesson.zoom", NULL, zoom_cb);
  gtk_widget_class_install_action (widget_class, "lesson.zoom-out", NULL, zoom_out_cb);
  gtk_widget_class_install_action (widget_class, "lesson.reset", NULL, reset_cb);
  gtk_widget_class_install_action (widget_class, "lesson.measure", NULL, measure_cb);
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
make_knobs (ThawLessonParallel *self)
{
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *threads, *workers;
  g_autofree char *subtitle = NULL;

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");

  threads = gtk_spin_button_new_with_range (1, self->max_threads, 1);
  g_object_bind_property (self, "threads",
                          gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (threads)), "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  subtitle = g_strdup_printf (ngettext ("This machine has %u core",
                                        "This machine has %u cores",
                                        self->cores),
                              self->cores);
  gtk_list_box_append (GTK_LIST_BOX (list),
                       make_knob_row (_("Worker threads"), subtitle, threads));

  workers = gtk_switch_new ();
  gtk_switch_set_active (GTK_SWITCH (workers), TRUE);
  g_signal_connect_object (workers, "notify::active",
                           G_CALLBACK (gtk_widget_queue_draw), self->image_area,
                           G_CONNECT_SWAPPED);
  gtk_list_box_append (GTK_LIST_BOX (list),
                       make_knob_row (_("Mark each tile with its thread’s colour"),
                                      _("A worker that drew cheap tiles comes back for more"),
                                      workers));
  self->workers_switch = GTK_SWITCH (workers);

  return list;
}

static GtkWidget *
make_image_area (ThawLessonParallel *self)
{
  GtkWidget *area = gtk_drawing_area_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), 320);
  gtk_widget_set_hexpand (area, TRUE);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_image, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (area),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("The Mandelbrot set; click to zoom in"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("The picture the worker threads render, tile by tile. Tiles not yet drawn "
                                    "in this view are dimmed; with “Mark each tile with its thread’s colour” on, "
                                    "each drawn tile has a dot in the colour of the thread that drew it. "
                                    "The Zoom In button zooms into the centre, as a click there would."),
                                  -1);

  g_signal_connect (click, "released", G_CALLBACK (image_clicked_cb), self);
  gtk_widget_add_controller (area, GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_cursor_from_name (area, "zoom-in");

  return area;
}

static GtkWidget *
make_chart (ThawLessonParallel *self)
{
  GtkWidget *area = gtk_drawing_area_new ();

  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), 180);
  gtk_widget_set_hexpand (area, TRUE);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_chart, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (area),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Speed-up for each number of threads"),
                                  -1);

  return area;
}

static GtkWidget *
make_caption (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "dim-label");

  return label;
}

static void
thaw_lesson_parallel_init (ThawLessonParallel *self)
{
  GtkWidget *box, *buttons, *frame, *status, *heading, *legend, *caption;
  cairo_t *cr;

  self->state = "idle";
  self->cores = MAX (1, g_get_num_processors ());
  self->max_threads = 2 * self->cores;
  self->n_threads = self->cores;
  self->best_ms = g_new0 (double, self->max_threads + 1);
  self->view = starting_view;
  self->canvas = canvas_new (self);
  self->old_renders = g_ptr_array_new ();

  /* Until the first render, a plain dark picture. */
  self->surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, IMAGE_WIDTH, IMAGE_HEIGHT);
  cr = cairo_create (self->surface);
  cairo_set_source_rgb (cr, 0.15, 0.15, 0.17);
  cairo_paint (cr);
  cairo_destroy (cr);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  buttons = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (buttons), FALSE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Render"), "lesson.start", "suggested-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Zoom In"), "lesson.zoom", NULL));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("Zoom _Out"), "lesson.zoom-out", NULL));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("Start O_ver"), "lesson.reset", NULL));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Measure Speed-up"), "lesson.measure", NULL));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Stop"), "lesson.stop", NULL));
  gtk_box_append (GTK_BOX (box), buttons);

  self->image_area = make_image_area (self);
  gtk_box_append (GTK_BOX (box), make_knobs (self));

  frame = gtk_frame_new (NULL);
  gtk_frame_set_child (GTK_FRAME (frame), self->image_area);
  gtk_box_append (GTK_BOX (box), frame);

  status = make_caption (_("Render the picture, then click anywhere on it to zoom in, even while it is being drawn."));
  gtk_box_append (GTK_BOX (box), status);
  self->status = GTK_LABEL (status);

  heading = gtk_label_new (_("Speed-up"));
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (box), heading);

  self->chart = make_chart (self);
  gtk_box_append (GTK_BOX (box), self->chart);

  legend = make_caption (_("Bars: measured, against one thread. Dashed: perfect scaling on this machine’s processors. Orange: Amdahl’s law, if all of the shortfall were serial work."));
  gtk_widget_add_css_class (legend, "caption");
  gtk_box_append (GTK_BOX (box), legend);
  /* The legend under the chart is what a screen reader says to describe it. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->chart),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, gtk_label_get_text (GTK_LABEL (legend)),
                                  -1);

  caption = make_caption (_("Not measured yet."));
  gtk_box_append (GTK_BOX (box), caption);
  self->chart_caption = GTK_LABEL (caption);

  adw_bin_set_child (ADW_BIN (self), box);
  update_actions (self);
}
