/* test-parallel-work.c — parallel-work.c on a plain GMainLoop, no GTK
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TSan build runs this too. Views far outside the set escape at once,
 * so a whole render takes milliseconds even there.
 *
 *   render              every tile reaches the picture, on the main thread,
 *                       with exactly the pixels of the arithmetic; one end;
 *                       the same picture with 1 and 3 threads
 *   new-view            a render started while one runs: the old one ends
 *                       unheard, and only tiles of the new view arrive
 *   stop                Stop ends a render early, with one end that says so
 *   measure             figures for 1 … 3 threads, then one last word; the
 *                       picture, empty before, holds what it rendered
 *   free-while-running  freeing joins every thread, and calls nobody
 *   on-this-thread      the wrong way draws the very picture the workers
 *                       draw, row by row on the calling thread, before it
 *                       returns: no thread, no news; the tiles of another
 *                       view waiting in the queue are all thrown away, and
 *                       their render ends unheard
 */

#include "config.h"

#include <glib.h>
#include <string.h>

#include "parallel-work.h"
#include "work-test-util.h"

static const ParallelView quick = { 40.0, 0.0, 2.0 };
static const ParallelView slow = { -0.75, 0.1, 0.5 };
/* Near enough to the set to take colours (quick is black: it escapes
 * at once), far enough to be as cheap. */
static const ParallelView far = { 0.0, 5.0, 2.0 };

typedef struct
{
  GThread *main_thread;
  guint tiles_news;
  guint ends;
  gboolean stopped;
  gboolean finished;
  guint news;
  guint tiles_kept;
  double best_ms[8];
} Record;

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
  else if (!news->finished)
    record->tiles_news++;
  if (news->finished)
    {
      record->finished = TRUE;
      record->stopped = news->stopped;
      record->tiles_kept = news->tiles_kept;
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

static void
assert_complete (ParallelWork *work,
                 Record       *record)
{
  const ParallelPicture *picture = parallel_work_get_picture (work);

  g_assert_cmpuint (record->ends, ==, 1);
  g_assert_false (record->stopped);
  g_assert_cmpuint (record->tiles_news, >=, 1);
  g_assert_cmpuint (picture->tiles, ==, PARALLEL_N_TILES);
  for (guint i = 0; i < PARALLEL_N_TILES; i++)
    g_assert_cmpuint (picture->owner[i], >, 0);
}

/* Renders a view with @n_threads; returns the picture. */
static guint32 *
render (const ParallelView *view,
        guint               n_threads)
{
  Record record;
  g_autoptr(ParallelWork) work = NULL;
  guint before = work_test_count_threads ("thaw-tile-");
  const ParallelPicture *picture;

  record_init (&record);
  work = parallel_work_new (record_news, &record);
  parallel_work_render (work, view, 1, n_threads);
  work_test_iterate_until (is_finished, &record, 60);

  assert_complete (work, &record);
  picture = parallel_work_get_picture (work);
  for (guint i = 0; i < PARALLEL_N_TILES; i++)
    g_assert_cmpuint (picture->owner[i], <=, n_threads);
  g_assert_cmpuint (picture->tiles_discarded, ==, 0);
  g_assert_cmpint (parallel_work_get_generation (work), ==, 1);
  /* Joined by the delivery that told the end. */
  work_test_wait_for_threads ("thaw-tile-", before);
  return g_memdup2 (picture->pixels, sizeof picture->pixels);
}

static void
test_render (void)
{
  g_autofree guint32 *one = render (&quick, 1);
  g_autofree guint32 *three = render (&quick, 3);
  double pixel = quick.width / PARALLEL_IMAGE_WIDTH;
  double left = quick.center_x - quick.width / 2;
  double top = quick.center_y + pixel * PARALLEL_IMAGE_HEIGHT / 2;

  /* The same picture, whoever drew which tile... */
  g_assert_cmpmem (one, sizeof (guint32) * PARALLEL_IMAGE_WIDTH * PARALLEL_IMAGE_HEIGHT,
                   three, sizeof (guint32) * PARALLEL_IMAGE_WIDTH * PARALLEL_IMAGE_HEIGHT);
  /* ...and each pixel the one the arithmetic gives. */
  for (guint y = 0; y < PARALLEL_IMAGE_HEIGHT; y += 7)
    for (guint x = 0; x < PARALLEL_IMAGE_WIDTH; x += 13)
      g_assert_cmphex (one[y * PARALLEL_IMAGE_WIDTH + x], ==,
                       parallel_pixel_color (1, left + x * pixel, top - y * pixel, pixel));
}

static void
test_new_view (void)
{
  Record record;
  g_autoptr(ParallelWork) work = NULL;
  guint before = work_test_count_threads ("thaw-tile-");

  record_init (&record);
  work = parallel_work_new (record_news, &record);
  parallel_work_render (work, &slow, PARALLEL_SAMPLES, 2);
  /* Tiles of the slow view pile up in the queue, unseen... */
  g_usleep (100 * 1000);
  /* ...and a new view makes them all stale. */
  parallel_work_render (work, &quick, 1, 2);
  work_test_iterate_until (is_finished, &record, 60);

  assert_complete (work, &record);
  g_assert_cmpint (parallel_work_get_generation (work), ==, 2);
  g_test_message ("%u tiles of the old view thrown away", parallel_work_get_picture (work)->tiles_discarded);
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
  work = parallel_work_new (record_news, &record);
  parallel_work_render (work, &slow, PARALLEL_SAMPLES, 1);
  work_test_iterate_for (0.02);
  parallel_work_stop (work);
  work_test_iterate_until (is_finished, &record, 10);

  g_assert_cmpuint (record.ends, ==, 1);
  g_assert_true (record.stopped);
  g_assert_cmpuint (parallel_work_get_picture (work)->tiles, <, PARALLEL_N_TILES);
  work_test_wait_for_threads ("thaw-tile-", before);
}

static void
test_measure (void)
{
  Record record;
  g_autoptr(ParallelWork) work = NULL;

  record_init (&record);
  work = parallel_work_new (record_news, &record);
  parallel_work_measure (work, &quick, 3);
  work_test_iterate_until (is_finished, &record, 60);

  g_assert_cmpuint (record.ends, ==, 1);
  g_assert_false (record.stopped);
  g_assert_cmpuint (record.tiles_news, ==, 0);    /* nothing of it on screen */
  g_assert_cmpuint (record.news, >=, 1);
  g_assert_cmpuint (record.news, <=, 3 * PARALLEL_MEASURE_ROUNDS + 1);
  for (guint n = 1; n <= 3; n++)
    g_assert_cmpfloat (record.best_ms[n], >, 0);
  /* The picture had nothing of the view: the measurement's render went in
   * whole, with its last end, pixel for pixel the one-sample render. */
  g_assert_cmpuint (record.tiles_kept, ==, PARALLEL_N_TILES);
  g_assert_cmpuint (parallel_work_get_picture (work)->tiles, ==, PARALLEL_N_TILES);
  {
    g_autofree guint32 *rendered = render (&quick, 2);

    g_assert_cmpmem (parallel_work_get_picture (work)->pixels, sizeof (guint32) * PARALLEL_IMAGE_WIDTH * PARALLEL_IMAGE_HEIGHT,
                     rendered, sizeof (guint32) * PARALLEL_IMAGE_WIDTH * PARALLEL_IMAGE_HEIGHT);
  }
  work_test_wait_for_threads ("thaw-measure", 0);
  work_test_wait_for_threads ("thaw-tile-", 0);
}

static void
test_free_while_running (void)
{
  Record record;
  ParallelWork *work;

  record_init (&record);
  work = parallel_work_new (record_news, &record);
  parallel_work_render (work, &slow, PARALLEL_SAMPLES, 2);
  /* Let tiles and a delivery wait for a main loop that has not run. */
  g_usleep (50 * 1000);

  parallel_work_free (work);
  work_test_wait_for_threads ("thaw-tile-", 0);
  work_test_iterate_for (0.2);
  g_assert_cmpuint (record.news, ==, 0);
}

typedef struct
{
  GThread *thread;
  ParallelWork *work;
  guint rows;
} Rows;

static void
record_row (guint    rows_done,
            gpointer user_data)
{
  Rows *rows = user_data;
  const ParallelPicture *picture = parallel_work_get_picture (rows->work);

  g_assert_true (g_thread_self () == rows->thread);
  g_assert_cmpuint (rows_done, ==, ++rows->rows);
  /* A row of tiles counts once its last row is done. */
  g_assert_cmpuint (picture->tiles, ==, rows_done / PARALLEL_TILE_SIZE * PARALLEL_TILES_ACROSS);
}

static gboolean
all_discarded (gpointer data)
{
  const ParallelPicture *picture = data;

  return picture->tiles_discarded >= PARALLEL_N_TILES;
}

static void
test_on_this_thread (void)
{
  g_autofree guint32 *threaded = render (&far, 2);
  g_autofree guint32 *other = render (&quick, 2);
  Record record;
  g_autoptr(ParallelWork) work = NULL;
  Rows rows = { g_thread_self () };
  guint before = work_test_count_threads ("thaw-tile-");
  const ParallelPicture *picture;

  /* Were a stale tile pasted, the picture would show it. */
  g_assert_true (memcmp (threaded, other, sizeof (guint32) * PARALLEL_IMAGE_WIDTH * PARALLEL_IMAGE_HEIGHT) != 0);

  record_init (&record);
  work = parallel_work_new (record_news, &record);
  rows.work = work;
  /* A render of the other view puts all its tiles in the queue, unseen:
   * its workers have gone once they leave /proc... */
  parallel_work_render (work, &quick, 1, 2);
  /* (Seen at work first: a slow build may not have started them yet, and
   * the next render would then make them skip tiles of the old view. Too
   * quick to be seen, they are done after two seconds.) */
  for (gint64 until = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
       work_test_count_threads ("thaw-tile-") == before && g_get_monotonic_time () < until;)
    g_usleep (1000);
  work_test_wait_for_threads ("thaw-tile-", before);
  /* ...and the wrong way draws over it, on this thread, and returns done. */
  parallel_work_render_on_this_thread (work, &far, 1, record_row, &rows);

  picture = parallel_work_get_picture (work);
  g_assert_cmpuint (rows.rows, ==, PARALLEL_IMAGE_HEIGHT);
  g_assert_cmpuint (picture->tiles, ==, PARALLEL_N_TILES);
  for (guint i = 0; i < PARALLEL_N_TILES; i++)
    g_assert_cmpuint (picture->owner[i], ==, PARALLEL_OWNER_THIS_THREAD);
  g_assert_cmpint (parallel_work_get_generation (work), ==, 2);
  g_assert_cmpmem (picture->pixels, sizeof (guint32) * PARALLEL_IMAGE_WIDTH * PARALLEL_IMAGE_HEIGHT,
                   threaded, sizeof (guint32) * PARALLEL_IMAGE_WIDTH * PARALLEL_IMAGE_HEIGHT);

  /* The main loop gets the other view's tiles: every one is stale and
   * thrown away, and their render's end is nobody's news. (However long
   * their delivery takes on a slow build: the ASan one once needed more
   * than 0.2 s.) */
  work_test_iterate_until (all_discarded, (gpointer) picture, 10);
  work_test_iterate_for (0.1);
  g_assert_cmpuint (record.news, ==, 0);
  g_assert_cmpuint (picture->tiles_discarded, ==, PARALLEL_N_TILES);
  g_assert_cmpuint (picture->tiles, ==, PARALLEL_N_TILES);
  g_assert_cmpmem (picture->pixels, sizeof (guint32) * PARALLEL_IMAGE_WIDTH * PARALLEL_IMAGE_HEIGHT,
                   threaded, sizeof (guint32) * PARALLEL_IMAGE_WIDTH * PARALLEL_IMAGE_HEIGHT);
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
  g_test_add_func ("/work/parallel/on-this-thread", test_on_this_thread);

  return g_test_run ();
}
