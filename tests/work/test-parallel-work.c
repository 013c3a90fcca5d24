/* test-parallel-work.c — parallel-work.c on a plain GMainLoop, no GTK
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TSan build runs this too. Views far outside the set escape at once,
 * so a whole render takes milliseconds even there.
 *
 *   render              every tile arrives once, on the main thread, with
 *                       exactly the pixels of the arithmetic; one end, and
 *                       the same picture with 1 and 3 threads
 *   new-view            a render started while one runs: the old one ends
 *                       unheard, and only tiles of the new view arrive
 *   stop                Stop ends a render early, with one end that says so
 *   measure             figures for 1 … 3 threads, then one last word
 *   free-while-running  freeing joins every thread, and calls nobody
 */

#include "config.h"

#include <glib.h>
#include <string.h>

#include "parallel-work.h"
#include "work-test-util.h"

static const ParallelView quick = { 40.0, 0.0, 2.0 };
static const ParallelView slow = { -0.75, 0.1, 0.5 };

typedef struct
{
  GThread *main_thread;
  guint tiles;
  guint seen[PARALLEL_N_TILES];
  guint32 checksum;
  guint ends;
  gboolean stopped;
  gboolean finished;
  guint news;
  double best_ms[8];
} Record;

static void
record_tile (const ParallelTile *tile,
             gpointer            user_data)
{
  Record *record = user_data;

  g_assert_true (g_thread_self () == record->main_thread);
  g_assert_cmpuint (tile->index, <, PARALLEL_N_TILES);
  record->seen[tile->index]++;
  record->tiles++;
  /* A sum of the tiles' hashes: the same, whatever order they come in. */
  record->checksum += tile->index;
  for (guint i = 0; i < G_N_ELEMENTS (tile->pixels); i++)
    record->checksum += (tile->pixels[i] ^ (tile->index * 2654435761u + i)) * 31u;
}

static void
record_news (const ParallelNews *news,
             gpointer            user_data)
{
  Record *record = user_data;

  g_assert_true (g_thread_self () == record->main_thread);
  g_assert_false (record->finished);    /* nothing after the last word */
  g_assert_null (news->error);
  record->news++;
  if (news->best_ms != NULL)
    memcpy (record->best_ms, news->best_ms, 4 * sizeof (double));
  if (news->finished)
    {
      record->finished = TRUE;
      record->stopped = news->stopped;
      record->ends++;
    }
}

static gboolean
is_finished (gpointer data)
{
  return ((Record *) data)->finished;
}

static void
record_init (Record *record)
{
  *record = (Record) { .main_thread = g_thread_self () };
}

/* Renders a view; returns the checksum of its tiles. */
static guint32
render (const ParallelView *view,
        guint               n_threads)
{
  Record record;
  g_autoptr(ParallelWork) work = NULL;
  guint before = work_test_count_threads ("thaw-tile-");

  record_init (&record);
  work = parallel_work_new (record_tile, record_news, &record);
  parallel_work_render (work, view, 1, n_threads);
  work_test_iterate_until (is_finished, &record, 60);

  g_assert_cmpuint (record.ends, ==, 1);
  g_assert_false (record.stopped);
  g_assert_cmpuint (record.tiles, ==, PARALLEL_N_TILES);
  for (guint i = 0; i < PARALLEL_N_TILES; i++)
    g_assert_cmpuint (record.seen[i], ==, 1);
  g_assert_cmpuint (parallel_work_get_tiles_discarded (work), ==, 0);
  g_assert_cmpint (parallel_work_get_generation (work), ==, 1);
  /* Joined by the delivery that told the end. */
  work_test_wait_for_threads ("thaw-tile-", before);
  return record.checksum;
}

static void
record_pixel (const ParallelTile *tile,
              gpointer            user_data)
{
  double pixel = quick.width / PARALLEL_IMAGE_WIDTH;
  double left = quick.center_x - quick.width / 2;
  double top = quick.center_y + pixel * PARALLEL_IMAGE_HEIGHT / 2;
  guint x = (tile->index % PARALLEL_TILES_ACROSS) * PARALLEL_TILE_SIZE + 7;
  guint y = (tile->index / PARALLEL_TILES_ACROSS) * PARALLEL_TILE_SIZE + 5;

  g_assert_cmphex (tile->pixels[5 * PARALLEL_TILE_SIZE + 7], ==,
                   parallel_pixel_color (1, left + x * pixel, top - y * pixel, pixel));
  record_tile (tile, user_data);
}

static void
test_render (void)
{
  Record record;
  g_autoptr(ParallelWork) work = NULL;

  /* The same picture, whoever drew which tile. */
  g_assert_cmphex (render (&quick, 1), ==, render (&quick, 3));

  /* Each pixel is the one the arithmetic gives. */
  record_init (&record);
  work = parallel_work_new (record_pixel, record_news, &record);
  parallel_work_render (work, &quick, 1, 2);
  work_test_iterate_until (is_finished, &record, 60);
  g_assert_cmpuint (record.tiles, ==, PARALLEL_N_TILES);
}

static void
test_new_view (void)
{
  Record record;
  g_autoptr(ParallelWork) work = NULL;
  guint before = work_test_count_threads ("thaw-tile-");

  record_init (&record);
  work = parallel_work_new (record_tile, record_news, &record);
  parallel_work_render (work, &slow, PARALLEL_SAMPLES, 2);
  /* Tiles of the slow view pile up in the queue, unseen... */
  g_usleep (100 * 1000);
  /* ...and a new view makes them all stale. */
  parallel_work_render (work, &quick, 1, 2);
  work_test_iterate_until (is_finished, &record, 60);

  g_assert_cmpuint (record.ends, ==, 1);
  g_assert_false (record.stopped);
  g_assert_cmpuint (record.tiles, ==, PARALLEL_N_TILES);
  for (guint i = 0; i < PARALLEL_N_TILES; i++)
    g_assert_cmpuint (record.seen[i], ==, 1);
  g_assert_cmpint (parallel_work_get_generation (work), ==, 2);
  g_test_message ("%u tiles of the old view thrown away", parallel_work_get_tiles_discarded (work));
  /* The old render ends too, unheard, and is joined. */
  work_test_iterate_for (0.2);
  g_assert_cmpuint (record.ends, ==, 1);
  work_test_wait_for_threads ("thaw-tile-", before);
}

static void
test_stop (void)
{
  Record record;
  g_autoptr(ParallelWork) work = NULL;
  guint before = work_test_count_threads ("thaw-tile-");

  record_init (&record);
  work = parallel_work_new (record_tile, record_news, &record);
  parallel_work_render (work, &slow, PARALLEL_SAMPLES, 1);
  work_test_iterate_for (0.02);
  parallel_work_stop (work);
  work_test_iterate_until (is_finished, &record, 10);

  g_assert_cmpuint (record.ends, ==, 1);
  g_assert_true (record.stopped);
  g_assert_cmpuint (record.tiles, <, PARALLEL_N_TILES);
  work_test_wait_for_threads ("thaw-tile-", before);
}

static void
test_measure (void)
{
  Record record;
  g_autoptr(ParallelWork) work = NULL;

  record_init (&record);
  work = parallel_work_new (record_tile, record_news, &record);
  parallel_work_measure (work, &quick, 3);
  work_test_iterate_until (is_finished, &record, 60);

  g_assert_cmpuint (record.ends, ==, 1);
  g_assert_false (record.stopped);
  g_assert_cmpuint (record.tiles, ==, 0);    /* nothing of it on screen */
  g_assert_cmpuint (record.news, >=, 1);
  g_assert_cmpuint (record.news, <=, 3 * PARALLEL_MEASURE_ROUNDS + 1);
  for (guint n = 1; n <= 3; n++)
    g_assert_cmpfloat (record.best_ms[n], >, 0);
  work_test_wait_for_threads ("thaw-measure", 0);
  work_test_wait_for_threads ("thaw-tile-", 0);
}

static void
test_free_while_running (void)
{
  Record record;
  ParallelWork *work;

  record_init (&record);
  work = parallel_work_new (record_tile, record_news, &record);
  parallel_work_render (work, &slow, PARALLEL_SAMPLES, 2);
  /* Let tiles and a delivery wait for a main loop that has not run. */
  g_usleep (50 * 1000);

  parallel_work_free (work);
  work_test_wait_for_threads ("thaw-tile-", 0);
  work_test_iterate_for (0.2);
  g_assert_cmpuint (record.tiles, ==, 0);
  g_assert_cmpuint (record.news, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/work/parallel/render", test_render);
  g_test_add_func ("/work/parallel/new-view", test_new_view);
  g_test_add_func ("/work/parallel/stop", test_stop);
  g_test_add_func ("/work/parallel/measure", test_measure);
  g_test_add_func ("/work/parallel/free-while-running", test_free_while_running);

  return g_test_run ();
}
