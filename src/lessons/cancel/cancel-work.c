/* cancel-work.c — Stopping a thread, and how long it takes
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One job, a SHA-256 checksum over 1.25 GiB of generated data, runs on a
 * worker thread, and the learner stops it:
 *
 *   cancel_work_start()  starts the worker with a fresh GCancellable.
 *
 *   cancel_work_stop()   notes the time and cancels the GCancellable. That
 *                        is all a Stop button can do: the worker has to
 *                        look, notice, and stop itself.
 *
 *   cancel_work_free()   stops the worker if it still runs, and waits for
 *                        it: no thread outlives its owner.
 *
 * The worker looks at the cancellable every few milliseconds (a knob). When
 * it notices, it notes the time, and that time travels back with its last
 * report: the difference is the cancel latency, measured where it happens.
 *
 * Read it top to bottom: the work, the worker and where it looks, the
 * hand-off of its news to the main thread, then start, stop and free. This
 * file uses GLib only; cancel-page.c puts it on screen.
 */

#include "config.h"

#include "cancel-work.h"
#include "thaw-latest.h"
#include "thaw-priority.h"

#define BLOCK_WORDS (CANCEL_BLOCK_BYTES / sizeof (guint64))

/* The work itself: plain computing, safe on any thread. */

/* Fills a block with pseudo-random words (xorshift64*), the same every time,
 * so that every complete run ends with the same checksum. */
static guint64 *
generate_block (void)
{
  guint64 *block = g_new (guint64, BLOCK_WORDS);
  guint64 x = G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);

  for (guint i = 0; i < BLOCK_WORDS; i++)
    {
      x ^= x >> 12;
      x ^= x << 25;
      x ^= x >> 27;
      block[i] = x * G_GUINT64_CONSTANT (0x2545F4914F6CDD1D);
    }

  return block;
}

/* Hashes block number @index: the generated words, stamped with the index
 * so that no two blocks are the same. */
static void
hash_block (GChecksum *checksum,
            guint64   *block,
            guint      index)
{
  block[0] = index;
  g_checksum_update (checksum, (const guchar *) block, CANCEL_BLOCK_BYTES);
}

/* What the worker tells the main thread each time it looks up from its
 * work. It is handed over whole (ThawLatest does it under a lock), so its
 * fields need no atomics: once published, the worker never touches it. */
typedef struct
{
  guint blocks_done;
  gboolean finished;        /* the worker's last word */
  gint64 noticed_at;        /* when the worker saw the cancel, or 0 */
  char *checksum;           /* finished, not cancelled */
  GError *error;            /* finished by a cancel */
} News;

static void
news_free (gpointer data)
{
  News *news = data;

  g_free (news->checksum);
  g_clear_error (&news->error);
  g_free (news);
}

struct _CancelWork
{
  /* Set before the thread starts; the worker only reads them. The work
   * itself outlives the worker: cancel_work_free() joins it first. */
  GCancellable *cancellable;
  guint n_blocks;
  gint64 look_every_us;
  gboolean checks;          /* FALSE: the wrong way, it never looks */
  ThawLatest *latest;       /* the worker holds a reference of its own */

  int finished;             /* atomic: the worker has published its last news */

  /* The main thread's alone. */
  GThread *thread;
  gint64 stopped_at;        /* when cancel_work_stop() was called, or 0 */
  CancelProgressFunc progress;
  gpointer user_data;
};

/* The worker thread's whole life. It never calls GTK. */
static gpointer
hash_thread (gpointer data)
{
  CancelWork *work = data;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint64 *block = generate_block ();
  News *last = g_new0 (News, 1);
  gint64 next_look = 0;
  guint done;

  /* A busy machine should slow the job down, not the window. */
  thaw_thread_set_background_priority ();

  for (done = 0; done < work->n_blocks; done++)
    {
      gint64 now = g_get_monotonic_time ();

      /* The only place where this thread can stop. Whatever the Stop button
       * does, nothing happens here until the worker comes by and looks:
       * the time between two looks is the longest a Stop can wait. */
      if (now >= next_look)
        {
          News *news;

          if (work->checks && g_cancellable_set_error_if_cancelled (work->cancellable, &last->error))
            {
              last->noticed_at = g_get_monotonic_time ();
              break;
            }

          /* While it is up, it says how far it has come. */
          news = g_new0 (News, 1);
          news->blocks_done = done;
          thaw_latest_publish (work->latest, news);
          next_look = now + work->look_every_us;
        }

      hash_block (checksum, block, done);
    }

  /* A Stop that came after the last look is too late: the work is done and
   * its result is good, so the job ends as a success. */
  if (last->error == NULL)
    last->checksum = g_strdup (g_checksum_get_string (checksum));
  last->blocks_done = done;
  last->finished = TRUE;
  thaw_latest_publish (work->latest, last);

  g_atomic_int_set (&work->finished, TRUE);
  thaw_latest_unref (work->latest);
  return NULL;
}

/* The hand-off. ThawLatest (src/engine/thaw-latest.c) keeps at most one
 * delivery waiting on the main loop, with the newest news: the worker may
 * look every millisecond, the screen changes once a frame. The last news
 * always arrives, and nothing arrives after cancel_work_free().
 *
 * This runs on the main thread. */
static void
deliver_news (gpointer value,
              gpointer user_data)
{
  News *news = value;
  CancelWork *work = user_data;
  CancelProgress progress = {
    .blocks_done = news->blocks_done,
    .n_blocks = work->n_blocks,
    .finished = news->finished,
    .error = news->error,
    .checksum = news->checksum,
  };

  if (news->finished)
    {
      gint64 now = g_get_monotonic_time ();

      /* The worker has said its last word and is returning, so this join
       * waits microseconds; joining a thread that is still hashing would
       * freeze the window. */
      g_thread_join (g_steal_pointer (&work->thread));

      /* Both times come from the same monotonic clock, so a time taken on
       * the worker can be compared with one taken here. */
      if (news->noticed_at != 0)
        {
          progress.latency_ms = (double) (news->noticed_at - work->stopped_at) / 1000.0;
          progress.delivered_ms = (double) (now - work->stopped_at) / 1000.0;
        }
      else if (work->stopped_at != 0)
        {
          /* Stopped, and yet the worker finished the job: it looked after
           * its last block, or never at all. */
          progress.stop_too_late = work->checks;
          progress.stop_ignored = !work->checks;
          progress.ignored_ms = (double) (now - work->stopped_at) / 1000.0;
        }
    }

  /* This may free the work: nothing here touches it afterwards. */
  work->progress (&progress, work->user_data);
}

/* Starts hashing @n_blocks (the lesson: CANCEL_N_BLOCKS) on a worker that
 * looks at its cancellable every @look_every_ms (or never, with
 * CANCEL_NEVER_CHECK: the wrong way). @progress gets the news on
 * the main thread, the last time with "finished" set. Returns NULL, with
 * @error set, if no thread could be made. */
CancelWork *
cancel_work_start (guint               n_blocks,
                   guint               look_every_ms,
                   CancelProgressFunc  progress,
                   gpointer            user_data,
                   GError            **error)
{
  CancelWork *work;

  g_return_val_if_fail (progress != NULL, NULL);

  work = g_new0 (CancelWork, 1);
  /* A fresh cancellable for every run: once cancelled, one stays cancelled. */
  work->cancellable = g_cancellable_new ();
  work->n_blocks = n_blocks;
  work->checks = look_every_ms != CANCEL_NEVER_CHECK;
  work->look_every_us = (gint64) (work->checks ? look_every_ms : 10) * 1000;
  work->latest = thaw_latest_new (deliver_news, work, news_free);
  work->progress = progress;
  work->user_data = user_data;

  /* The worker's own reference to the hand-off, dropped as it returns. */
  thaw_latest_ref (work->latest);
  work->thread = g_thread_try_new ("thaw-hash", hash_thread, work, error);
  if (work->thread == NULL)
    {
      /* The thread never started: its reference is still ours to drop. */
      thaw_latest_unref (work->latest);
      cancel_work_free (work);
      return NULL;
    }

  return work;
}

/* Asks the worker to stop, and notes when: its last report says how long
 * it took to notice. Asking twice, or after the end, adds nothing. */
void
cancel_work_stop (CancelWork *work)
{
  g_return_if_fail (work != NULL);

  if (work->stopped_at != 0)
    return;

  /* The clock first: the worker may notice as soon as the next line. */
  work->stopped_at = g_get_monotonic_time ();
  g_cancellable_cancel (work->cancellable);
}

/* Whether the worker has published its last news (its delivery may still
 * wait for the main loop). */
gboolean
cancel_work_has_finished (CancelWork *work)
{
  g_return_val_if_fail (work != NULL, FALSE);

  return g_atomic_int_get (&work->finished);
}

/* Lets go of the job. Nothing is reported any more, not even news already
 * on its way. A worker still running is stopped and joined: it looks every
 * few milliseconds (at most every second), so no thread outlives its owner. */
void
cancel_work_free (CancelWork *work)
{
  if (work == NULL)
    return;

  if (work->thread != NULL)
    {
      g_cancellable_cancel (work->cancellable);
      g_thread_join (g_steal_pointer (&work->thread));
    }
  /* Joined first, so the worker's reference is gone and ours is the last.
   * (No delivery ran meanwhile: the main loop was waiting right here.) */
  thaw_latest_close (work->latest);

  g_object_unref (work->cancellable);
  g_free (work);
}
