/* parallel-work.c — All the cores: one picture, cut into tiles, many threads
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A picture of the Mandelbrot set in tiles, rendered by 1 to 2×cores
 * worker threads at once. Each worker takes the next tile nobody has taken,
 * computes it into a buffer of its own and hands the buffer to the main
 * thread through a GAsyncQueue. A new view (the page zooms in) may start
 * while tiles of the old one are in flight: a generation counter, bumped
 * for every view and for Stop, lets the workers and the main thread
 * recognise them and throw them away. The measurement renders the view
 * off screen with 1, 2, … threads and times each, and keeps what it drew
 * for the picture.
 *
 * The wrong way renders the same picture on the thread that asks, which in
 * the app is the main thread: parallel_work_render_on_this_thread().
 *
 * Read it top to bottom: the arithmetic, a render and its workers, the
 * hand-off, the wrong way, the measurement, Amdahl's law. GLib only: parallel-page.c puts
 * it on screen.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "parallel-work.h"
#include "thaw-latest.h"
#include "thaw-priority.h"
#include "thaw-tsan.h"

#define MAX_ITERATIONS 1000
#define TILE_SIZE PARALLEL_TILE_SIZE

/* A finished tile: a little image, for the generation it was made for. */
typedef struct
{
  int generation;
  guint index;
  guint worker;             /* which worker made it, from 0 */
  guint32 pixels[TILE_SIZE * TILE_SIZE];
} ParallelTile;

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

      /* Points in the set settle into a cycle: once z comes back to a value
       * it had, it never escapes. This spares the black parts most of
       * their MAX_ITERATIONS. */
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

/* The colour (0xffRRGGBB) of the pixel whose top left corner is at (left,
 * top): the average of samples × samples points spread over it. */
guint32
parallel_pixel_color (guint  samples,
                      double left,
                      double top,
                      double size)
{
  static const double phase[3] = { 0, 0.6, 1.0 };
  double rgb[3] = { 0 };

  for (guint sy = 0; sy < samples; sy++)
    for (guint sx = 0; sx < samples; sx++)
      {
        double t = escape_time (left + (sx + 0.5) * size / samples,
                                top - (sy + 0.5) * size / samples) * 0.08;

        /* Black inside the set; outside, a palette cycling with t. */
        for (guint c = 0; c < 3 && t >= 0; c++)
          rgb[c] += (guint) (255 * (0.5 + 0.5 * cos (3.0 + t + phase[c])));
      }

  return 0xff000000 | (guint) rgb[0] / (samples * samples) << 16
                    | (guint) rgb[1] / (samples * samples) << 8
                    | (guint) rgb[2] / (samples * samples);
}

/* What the workers share with the main thread. */
struct _ParallelWork
{
  /* Bumped by the main thread for every new view, and to say "stop".
   * Workers only read it. */
  int generation;
  GAsyncQueue *tiles;       /* finished tiles, for the main thread */
  ThawLatest *tiles_ready;  /* wakes the main thread: tiles, or an end */
  ThawLatest *measured;     /* the measurement's latest figures */

  /* The main thread's alone. */
  GPtrArray *renders;       /* started and not joined yet */
  struct _Render *current;  /* the one the page waits for, or NULL */
  GThread *measure_thread;
  ParallelPicture picture;
  ParallelNewsFunc news_func;
  gpointer user_data;
};

/* One render: a view, a generation, and the threads that work on it. */
typedef struct _Render
{
  ParallelWork *work;
  ThawLatest *ready;        /* a reference; NULL: measuring, no tile queued */
  ParallelPicture *canvas;  /* measuring: where the tiles go instead */
  ParallelView view;
  int generation;
  guint samples;
  guint n_threads;
  GThread **threads;
  GError *error;            /* the main thread's: a thread that failed */

  int next_tile;            /* the next tile nobody has taken (atomic) */
  int next_worker;          /* numbers the workers (atomic) */
  int n_running;            /* workers not finished yet (atomic) */
  int ended;                /* every worker has finished (atomic) */
  gint64 started_at;
  gint64 ended_at;          /* written by the last worker, before ended */
} Render;

static gboolean
render_is_stale (Render *render)
{
  return g_atomic_int_get (&render->work->generation) != render->generation;
}

/* Computes one tile, a row at a time. Returns FALSE if the view changed
 * meanwhile: then the rest of the tile would be wasted work. */
static gboolean
compute_tile (Render       *render,
              ParallelTile *tile)
{
  const ParallelView *view = &render->view;
  double pixel = view->width / PARALLEL_IMAGE_WIDTH;
  double left = view->center_x - view->width / 2;
  double top = view->center_y + pixel * PARALLEL_IMAGE_HEIGHT / 2;
  guint x0 = (tile->index % PARALLEL_TILES_ACROSS) * PARALLEL_TILE_SIZE;
  guint y0 = (tile->index / PARALLEL_TILES_ACROSS) * PARALLEL_TILE_SIZE;

  for (guint y = 0; y < PARALLEL_TILE_SIZE; y++)
    {
      if (render_is_stale (render))
        return FALSE;

      for (guint x = 0; x < PARALLEL_TILE_SIZE; x++)
        tile->pixels[y * PARALLEL_TILE_SIZE + x] =
          parallel_pixel_color (render->samples, left + (x0 + x) * pixel, top - (y0 + y) * pixel, pixel);
    }

  return TRUE;
}

/* Copies a tile into its place in @pixels, a whole picture's. */
static void
paste_tile (guint32            *pixels,
            const ParallelTile *tile)
{
  guint32 *corner = pixels + (tile->index / PARALLEL_TILES_ACROSS) * TILE_SIZE * PARALLEL_IMAGE_WIDTH
                           + (tile->index % PARALLEL_TILES_ACROSS) * TILE_SIZE;

  for (guint y = 0; y < TILE_SIZE; y++)
    memcpy (corner + y * PARALLEL_IMAGE_WIDTH, tile->pixels + y * TILE_SIZE, sizeof (guint32) * TILE_SIZE);
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
  if (render->ready != NULL)
    thaw_latest_publish (render->ready, NULL);
}

/* A worker thread's whole life. It never calls GTK. */
static gpointer
tile_worker_thread (gpointer data)
{
  Render *render = data;
  guint worker = (guint) g_atomic_int_add (&render->next_worker, 1);
  guint index;

  /* Every worker, in every render and every measurement, lowers its
   * priority the same way, so the times compared are fair. */
  thaw_thread_set_background_priority ();

  /* Take tiles until none is left. Fetching the next number from a shared
   * counter balances the load by itself: tiles deep in the set take many
   * times longer than the others, and a worker that drew cheap ones simply
   * comes back for more. */
  while ((index = (guint) g_atomic_int_add (&render->next_tile, 1)) < PARALLEL_N_TILES &&
         !render_is_stale (render))
    {
      ParallelTile *tile = g_new (ParallelTile, 1);

      *tile = (ParallelTile) { render->generation, index, worker };

      /* First check: a tile of a view the learner has left is dropped here,
       * before it costs the main thread anything. The view can still
       * change after this check: that is why the main thread checks again. */
      if (!compute_tile (render, tile) || render_is_stale (render))
        {
          g_free (tile);
          continue;
        }

      /* A measurement keeps its tiles in a picture of its own, no lock
       * needed: each tile is one worker's, and the measuring thread joins
       * the workers before anyone looks at the picture. */
      if (render->canvas != NULL)
        {
          paste_tile (render->canvas->pixels, tile);
          render->canvas->owner[index] = (guint8) (worker + 1);
          g_free (tile);
          continue;
        }

      /* From here the tile belongs to the main thread. */
      THAW_TSAN_RELEASE (tile);
      g_async_queue_push (render->work->tiles, tile);
      thaw_latest_publish (render->ready, NULL);
    }

  worker_done (render);
  return NULL;
}

/* Starts a render's workers. If not all of them can start, the ones that
 * did render the whole image anyway, and render->error says what failed. */
static Render *
render_start (ParallelWork       *work,
              const ParallelView *view,
              int                 generation,
              guint               samples,
              guint               n_threads,
              ParallelPicture    *canvas)
{
  Render *render = g_new (Render, 1);
  guint started;

  /* The starter counts itself among the running, so that the count cannot
   * reach zero while workers are still being started. */
  *render = (Render) { .work = work, .view = *view, .generation = generation, .samples = samples,
                       .n_threads = n_threads, .threads = g_new0 (GThread *, n_threads),
                       .ready = canvas == NULL ? thaw_latest_ref (work->tiles_ready) : NULL, .canvas = canvas,
                       .n_running = (int) n_threads + 1, .started_at = g_get_monotonic_time () };

  for (started = 0; started < render->n_threads; started++)
    {
      char name[16];

      g_snprintf (name, sizeof name, "thaw-tile-%u", started + 1);
      render->threads[started] = g_thread_try_new (name, tile_worker_thread, render, &render->error);
      if (render->threads[started] == NULL)
        break;
    }

  /* The starter is done, and so is every thread that never started. */
  for (guint i = started; i <= render->n_threads; i++)
    worker_done (render);
  return render;
}

/* Joins the workers, and lets go of the render. Quick once they have ended
 * or gone stale: they look at the generation every row of pixels. */
static void
render_free (Render *render)
{
  for (guint i = 0; i < render->n_threads; i++)
    if (render->threads[i] != NULL)
      g_thread_join (render->threads[i]);

  g_clear_pointer (&render->ready, thaw_latest_unref);
  g_clear_error (&render->error);
  g_free (render->threads);
  g_free (render);
}

/* The hand-off, on the main thread: drains the queue, and joins the
 * renders that have ended. One delivery at a time, at most once a frame,
 * however many tiles the workers push. */
static void
deliver_tiles (gpointer value,
               gpointer user_data)
{
  ParallelWork *work = user_data;
  ParallelPicture *picture = &work->picture;
  guint tiles_before = picture->tiles;
  /* Every worker of these has said it is done: the joins wait microseconds. */
  g_autoptr(GPtrArray) ended = g_ptr_array_new_with_free_func ((GDestroyNotify) render_free);
  ParallelTile *tile;

  /* Which renders have ended, looked at before taking the tiles: a render
   * says so after pushing its last tile, so its tiles are all queued. */
  for (guint i = work->renders->len; i-- > 0;)
    if (g_atomic_int_get (&((Render *) work->renders->pdata[i])->ended))
      g_ptr_array_add (ended, g_ptr_array_steal_index_fast (work->renders, i));

  while ((tile = g_async_queue_try_pop (work->tiles)) != NULL)
    {
      THAW_TSAN_ACQUIRE (tile);
      /* Second check: the view may have changed after the worker checked,
       * and a tile of the old view must not land on the new one. */
      if (tile->generation != g_atomic_int_get (&work->generation))
        picture->tiles_discarded++;
      else
        {
          paste_tile (picture->pixels, tile);
          picture->owner[tile->index] = tile->worker + 1;
          picture->tiles++;
        }
      g_free (tile);
    }
  if (picture->tiles != tiles_before)
    work->news_func (&(ParallelNews) { 0 }, work->user_data);

  /* Only the current render's end is news; older ones just go. */
  for (guint i = 0; i < ended->len; i++)
    if (ended->pdata[i] == work->current)
      {
        Render *render = g_steal_pointer (&work->current);
        ParallelNews news = { TRUE, render_is_stale (render), render->error, render->n_threads,
                              (render->ended_at - render->started_at) / 1000.0 };

        work->news_func (&news, work->user_data);
      }
}

/* Renders @view in a new generation: its tiles come to the tile function,
 * its end as news. A render still running goes stale and ends unheard. */
void
parallel_work_render (ParallelWork       *work,
                      const ParallelView *view,
                      guint               samples,
                      guint               n_threads)
{
  /* From now on every tile and render of an earlier generation is stale.
   * Nobody waits for the old render here: it ends by itself, a row of
   * pixels later, and is joined then. */
  memset (work->picture.owner, 0, sizeof work->picture.owner);
  work->picture.tiles = 0;
  work->current = render_start (work, view, g_atomic_int_add (&work->generation, 1) + 1,
                                samples, n_threads, NULL);
  g_ptr_array_add (work->renders, work->current);
}

/* The wrong way, on purpose: the same picture of the same view, pixel by
 * pixel, on the thread that calls this, and only then does it return.
 * Called from a button's handler, as the page does, that thread is the
 * main thread: until the last row GTK can neither draw nor answer a click.
 * @row_done may ask for the picture to be drawn after every row, and
 * nothing is drawn, for drawing happens on the very main loop this loop
 * keeps busy. No threads, no queue, no hand-off: the tiles are marked as
 * drawn by this thread when their last row is done. */
void
parallel_work_render_on_this_thread (ParallelWork       *work,
                                     const ParallelView *view,
                                     guint               samples,
                                     ParallelRowFunc     row_done,
                                     gpointer            user_data)
{
  ParallelPicture *picture = &work->picture;
  double pixel = view->width / PARALLEL_IMAGE_WIDTH;
  double left = view->center_x - view->width / 2;
  double top = view->center_y + pixel * PARALLEL_IMAGE_HEIGHT / 2;

  /* A new view like any other: a tile of an earlier one still in the
   * queue is thrown away, not pasted over this picture, and a render
   * still running ends unheard. */
  g_atomic_int_inc (&work->generation);
  work->current = NULL;
  memset (picture->owner, 0, sizeof picture->owner);
  picture->tiles = 0;

  for (guint y = 0; y < PARALLEL_IMAGE_HEIGHT; y++)
    {
      for (guint x = 0; x < PARALLEL_IMAGE_WIDTH; x++)
        picture->pixels[y * PARALLEL_IMAGE_WIDTH + x] =
          parallel_pixel_color (samples, left + x * pixel, top - y * pixel, pixel);

      /* A row of tiles is complete. */
      if ((y + 1) % TILE_SIZE == 0)
        {
          memset (picture->owner + (y / TILE_SIZE) * PARALLEL_TILES_ACROSS, PARALLEL_OWNER_THIS_THREAD,
                  PARALLEL_TILES_ACROSS);
          picture->tiles += PARALLEL_TILES_ACROSS;
        }
      if (row_done != NULL)
        row_done (y + 1, user_data);
    }
}

/* The measurement: the same render, off screen, with 1, 2, … threads. Its
 * figures go to the main thread whole, as one value: the latest wins. Its
 * tiles go to a picture of its own, which only the last value carries. */
typedef struct
{
  ParallelWork *work;
  ThawLatest *latest;       /* the thread's own reference */
  ParallelView view;
  int generation;
  guint max_threads;
  ParallelPicture *picture; /* owner[i] != 0: tile i was drawn */

  gboolean finished;
  gboolean stopped;
  GError *error;            /* only in the last value */
  guint round;
  guint n_threads;
  double best_ms[];         /* [1] … [max_threads], 0 until measured */
} Measurement;

static void
measurement_free (Measurement *measurement)
{
  g_clear_error (&measurement->error);
  g_free (measurement->picture);
  g_free (measurement);
}

/* The measuring thread: it starts and joins renders, so the main loop never
 * waits for one. Rounds go 1, 2, … N threads, then again, so that a burst
 * of other work on the machine hurts every count alike. */
static gpointer
measure_thread (gpointer data)
{
  Measurement *m = data;
  ThawLatest *latest = m->latest;

  thaw_thread_set_background_priority ();

  for (guint round = 1; round <= PARALLEL_MEASURE_ROUNDS && !m->finished; round++)
    for (guint n = 1; n <= m->max_threads && !m->finished; n++)
      {
        Measurement *figures;
        Render *render;
        double ms;

        m->round = round;
        m->n_threads = n;
        /* The figures so far, without the picture: the workers are about
         * to draw on it. */
        figures = g_memdup2 (m, sizeof *m + (m->max_threads + 1) * sizeof (double));
        figures->picture = NULL;
        thaw_latest_publish (latest, figures);

        render = render_start (m->work, &m->view, m->generation, 1, n, m->picture);
        /* Waiting for the workers is what this thread is for. */
        for (guint i = 0; i < n; i++)
          if (render->threads[i] != NULL)
            g_thread_join (g_steal_pointer (&render->threads[i]));

        ms = (render->ended_at - render->started_at) / 1000.0;
        m->stopped = render_is_stale (render);
        m->error = g_steal_pointer (&render->error);
        m->finished = m->stopped || m->error != NULL;
        if (!m->finished && (m->best_ms[n] == 0 || ms < m->best_ms[n]))
          m->best_ms[n] = ms;
        render_free (render);
      }

  /* The last word, and the latest value is always delivered. */
  m->finished = TRUE;
  thaw_latest_publish (latest, m);
  thaw_latest_unref (latest);
  return NULL;
}

/* The measurement rendered the view on screen: wherever the picture still
 * lacks a tile of it (nothing rendered yet, or a render stopped early), the
 * measurement's tile goes in, so the picture shows what was measured.
 * Returns how many tiles went in. */
static guint
keep_measured_tiles (ParallelWork          *work,
                     const ParallelPicture *measured)
{
  ParallelPicture *picture = &work->picture;
  guint kept = 0;

  for (guint i = 0; i < PARALLEL_N_TILES; i++)
    if (picture->owner[i] == 0 && measured->owner[i] != 0)
      {
        const guint32 *from = measured->pixels;
        guint32 *to = picture->pixels;
        gsize corner = (i / PARALLEL_TILES_ACROSS) * TILE_SIZE * PARALLEL_IMAGE_WIDTH
                       + (i % PARALLEL_TILES_ACROSS) * TILE_SIZE;

        for (guint y = 0; y < TILE_SIZE; y++)
          memcpy (to + corner + y * PARALLEL_IMAGE_WIDTH, from + corner + y * PARALLEL_IMAGE_WIDTH,
                  sizeof (guint32) * TILE_SIZE);
        picture->owner[i] = measured->owner[i];
        picture->tiles++;
        kept++;
      }

  return kept;
}

static void
deliver_measured (gpointer value,
                  gpointer user_data)
{
  ParallelWork *work = user_data;
  Measurement *m = value;
  ParallelNews news = { m->finished, m->stopped, m->error, m->n_threads, 0, m->round, m->best_ms };

  /* The thread has said its last word: the join is immediate, and the
   * picture it drew on is the main thread's now. */
  if (m->finished && work->measure_thread != NULL)
    g_thread_join (g_steal_pointer (&work->measure_thread));
  if (m->finished && m->picture != NULL)
    news.tiles_kept = keep_measured_tiles (work, m->picture);

  work->news_func (&news, work->user_data);
}

/* Times @view with one sample per pixel, PARALLEL_MEASURE_ROUNDS times
 * for each of 1 … @max_threads threads, on a thread of its own. */
void
parallel_work_measure (ParallelWork       *work,
                       const ParallelView *view,
                       guint               max_threads)
{
  Measurement *m = g_malloc0 (sizeof *m + (max_threads + 1) * sizeof (double));
  m->work = work;
  m->latest = thaw_latest_ref (work->measured);
  m->view = *view;
  m->generation = g_atomic_int_get (&work->generation);
  m->max_threads = max_threads;
  m->picture = g_new0 (ParallelPicture, 1);
  work->measure_thread = g_thread_try_new ("thaw-measure", measure_thread, m, &m->error);
  if (work->measure_thread == NULL)
    {
      /* No thread to say so: the news goes the usual way all the same. */
      m->finished = TRUE;
      thaw_latest_publish (work->measured, m);
      thaw_latest_unref (work->measured);
    }
}

/* A new generation makes everything in flight stale: the render or the
 * measurement ends within a row of pixels, and its news says it stopped. */
void
parallel_work_stop (ParallelWork *work)
{
  g_atomic_int_inc (&work->generation);
}

int
parallel_work_get_generation (ParallelWork *work)
{
  return g_atomic_int_get (&work->generation);
}

const ParallelPicture *
parallel_work_get_picture (ParallelWork *work)
{
  return &work->picture;
}

/* @news_func is called on the main thread only. */
ParallelWork *
parallel_work_new (ParallelNewsFunc news_func,
                   gpointer         user_data)
{
  ParallelWork *work = g_new0 (ParallelWork, 1);

  /* Tiles nobody took are freed with the queue. */
  work->tiles = g_async_queue_new_full (g_free);
  work->tiles_ready = thaw_latest_new (deliver_tiles, work, NULL);
  work->measured = thaw_latest_new (deliver_measured, work, (GDestroyNotify) measurement_free);
  work->renders = g_ptr_array_new_with_free_func ((GDestroyNotify) render_free);
  /* Until the first render, a plain dark picture. */
  for (guint i = 0; i < G_N_ELEMENTS (work->picture.pixels); i++)
    work->picture.pixels[i] = 0xff26262b;
  work->news_func = news_func;
  work->user_data = user_data;

  return work;
}

/* Stops everything and joins every thread, a row of pixels away. Closed
 * hand-offs call nobody: a delivery already scheduled is dropped. */
void
parallel_work_free (ParallelWork *work)
{
  if (work == NULL)
    return;

  parallel_work_stop (work);
  g_clear_pointer (&work->tiles_ready, thaw_latest_close);
  g_clear_pointer (&work->measured, thaw_latest_close);
  if (work->measure_thread != NULL)
    g_thread_join (work->measure_thread);
  g_ptr_array_unref (work->renders);
  g_async_queue_unref (work->tiles);
  g_free (work);
}

/* Amdahl's law: if a part f of a job cannot be split, p cores speed it up
 * at most 1 / (f + (1 − f) / p) times. Turned around, a speed-up S measured
 * on p processors means f = (1/S − 1/p) / (1 − 1/p), the serial part that
 * would explain it alone (the Karp–Flatt metric). Only a model: hyperthreads
 * sharing a core, a clock that slows down and the memory bus lower S too,
 * and none of them is a serial part, so the page words f as what would
 * explain the measurement, not as what was found. */
double
parallel_amdahl_limit (double serial_fraction,
                       guint  cores)
{
  return 1.0 / (serial_fraction + (1.0 - serial_fraction) / cores);
}

double
parallel_serial_fraction (double speedup,
                          guint  cores)
{
  return CLAMP ((1.0 / speedup - 1.0 / cores) / (1.0 - 1.0 / cores), 0.0, 1.0);
}
