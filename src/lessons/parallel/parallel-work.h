/* parallel-work.h — the job of “All the Cores”: one picture, many threads
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib only: no GTK here. The lesson's page (parallel-page.c) shows what
 * this delivers; tests/work runs it on a plain GMainLoop, under
 * ThreadSanitizer.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PARALLEL_IMAGE_WIDTH 640
#define PARALLEL_IMAGE_HEIGHT 400
#define PARALLEL_TILE_SIZE 40
#define PARALLEL_TILES_ACROSS (PARALLEL_IMAGE_WIDTH / PARALLEL_TILE_SIZE)
#define PARALLEL_N_TILES (PARALLEL_TILES_ACROSS * (PARALLEL_IMAGE_HEIGHT / PARALLEL_TILE_SIZE))
/* Each pixel on screen averages PARALLEL_SAMPLES × PARALLEL_SAMPLES points,
 * for smooth edges; the measurement takes one, to keep it short. */
#define PARALLEL_SAMPLES 3
/* The measurement keeps the best of this many runs for each thread count. */
#define PARALLEL_MEASURE_ROUNDS 3

/* A part of the complex plane: its centre, and how wide it is. */
typedef struct
{
  double center_x;
  double center_y;
  double width;
} ParallelView;

/* The picture on screen, kept on the main thread: the tiles of the
 * current view as they come, and which worker drew each (0: none yet,
 * n: worker n − 1). Pixels are 0xffRRGGBB, for a cairo RGB24 surface. */
typedef struct
{
  guint32 pixels[PARALLEL_IMAGE_WIDTH * PARALLEL_IMAGE_HEIGHT];
  guint8 owner[PARALLEL_N_TILES];
  guint tiles;              /* of the current view */
  guint tiles_discarded;    /* of earlier views, thrown away */
} ParallelPicture;

/* The owner[] of a tile drawn by parallel_work_render_on_this_thread():
 * by the thread that called it, the main thread in the app, no worker. */
#define PARALLEL_OWNER_THIS_THREAD G_MAXUINT8

/* What the page hears, always on the main thread. News neither finished
 * nor from a measurement says that tiles reached the picture. */
typedef struct
{
  gboolean finished;        /* the render or measurement has ended */
  gboolean stopped;         /* by parallel_work_stop() or a newer render */
  const GError *error;      /* why not all its threads could start */
  guint n_threads;          /* a render's; a measurement's being timed */
  double ms;                /* how long a finished render took */
  guint round;              /* a measurement's, from 1 */
  const double *best_ms;    /* a measurement's best for [1] … [max], 0 until
                             * measured; NULL for a render */
  guint tiles_kept;         /* a finished measurement's tiles put on the
                             * picture where it had none of this view */
} ParallelNews;

typedef void (*ParallelNewsFunc) (const ParallelNews *news,
                                  gpointer            user_data);

/* Called by parallel_work_render_on_this_thread() after each row, on the
 * thread that renders. */
typedef void (*ParallelRowFunc) (guint    rows_done,
                                 gpointer user_data);

typedef struct _ParallelWork ParallelWork;

ParallelWork *parallel_work_new     (ParallelNewsFunc    news_func,
                                     gpointer            user_data);
void          parallel_work_render  (ParallelWork       *work,
                                     const ParallelView *view,
                                     guint               samples,
                                     guint               n_threads);
void          parallel_work_render_on_this_thread (ParallelWork       *work,
                                                   const ParallelView *view,
                                                   guint               samples,
                                                   ParallelRowFunc     row_done,
                                                   gpointer            user_data);
void          parallel_work_measure (ParallelWork       *work,
                                     const ParallelView *view,
                                     guint               max_threads);
void          parallel_work_stop    (ParallelWork       *work);
int           parallel_work_get_generation (ParallelWork *work);
const ParallelPicture *parallel_work_get_picture (ParallelWork *work);
void          parallel_work_free    (ParallelWork       *work);

guint32       parallel_pixel_color  (guint               samples,
                                     double              left,
                                     double              top,
                                     double              size);
double        parallel_amdahl_limit (double              serial_fraction,
                                     guint               cores);
double        parallel_serial_fraction (double           speedup,
                                        guint            cores);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParallelWork, parallel_work_free)

G_END_DECLS
