/* async-io-work.h — the job of “Reading a Big File”, and its three ways
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib and GIO only: no GTK here. async-io-page.c shows what this reports;
 * tests/work runs it on a plain GMainLoop, under ThreadSanitizer too.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Sizes are in megabytes of a million bytes, as file managers show them. */
#define ASYNC_IO_MEGABYTE 1000000
/* About two seconds of reading and hashing on a laptop of 2020. */
#define ASYNC_IO_DEFAULT_SIZE_MB 1000
#define ASYNC_IO_MAX_SIZE_MB 8000

typedef enum
{
  ASYNC_IO_WORKER,      /* blocking calls on a worker thread */
  ASYNC_IO_ASYNC,       /* GIO's asynchronous calls on the main loop */
  ASYNC_IO_BLOCKING,    /* blocking calls on the main loop: the wrong way */
  ASYNC_IO_N_WAYS
} AsyncIoWay;

/* What a run tells the main thread. The last news has "finished" set,
 * and the read's results. */
typedef struct
{
  gboolean writing;         /* the file is written first */
  gboolean generated;       /* this run wrote the file */
  guint64 done;             /* bytes written or read so far */
  guint64 total;            /* bytes to write or read, or 0 if unknown */
  gboolean finished;
  double seconds;           /* how long the read took */
  double mb_per_s;          /* its throughput */
  char *checksum;           /* SHA-256 in hex, or NULL after an error */
  GError *error;            /* why not, or G_IO_ERROR_CANCELLED */
} AsyncIoNews;

/* Receives the news, always on the main thread. */
typedef void (*AsyncIoNewsFunc) (const AsyncIoNews *news,
                                 gpointer           user_data);

typedef struct _AsyncIoWork AsyncIoWork;

GFile       *async_io_generated_file (guint            size_mb);

AsyncIoWork *async_io_work_start     (GFile           *file,
                                      guint64          generate_size,
                                      AsyncIoWay       way,
                                      AsyncIoNewsFunc  func,
                                      gpointer         user_data);
void         async_io_work_stop      (AsyncIoWork     *work);
void         async_io_work_free      (AsyncIoWork     *work);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AsyncIoWork, async_io_work_free)

G_END_DECLS
