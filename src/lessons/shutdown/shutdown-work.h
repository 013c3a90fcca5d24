/* shutdown-work.h — the two jobs of “Quitting With Work in Flight”, and the quit
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib and GIO only: no GTK here. The lesson's page (shutdown-page.c) shows
 * what this reports; tests/work runs it on a plain GMainLoop, under
 * ThreadSanitizer.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The lesson's must-finish file: 100 chunks of 600 lines, with a pause of
 * 20 ms after each chunk that stands in for a slow disk; about two seconds. */
#define SHUTDOWN_N_CHUNKS 100u
#define SHUTDOWN_LINES_PER_CHUNK 600u
#define SHUTDOWN_N_LINES (SHUTDOWN_N_CHUNKS * SHUTDOWN_LINES_PER_CHUNK)
#define SHUTDOWN_PAUSE_US (20u * 1000u)

/* How long quitting waits for the must-finish file. */
#define SHUTDOWN_GRACE_MS 1000u

typedef enum
{
  SHUTDOWN_WRITER,          /* must-finish: the file */
  SHUTDOWN_WARMUP,          /* throw-away: the cache warm-up */
  SHUTDOWN_CHECK,           /* the file read back */
} ShutdownJob;

typedef enum
{
  SHUTDOWN_RUNNING,
  SHUTDOWN_KEPT,            /* the writer: the new file is in place */
  SHUTDOWN_ABANDONED,       /* the writer gave up; the old file is untouched */
  SHUTDOWN_HALF_WRITTEN,    /* stopped while writing in place: the damage */
  SHUTDOWN_FAILED,          /* the writer met an error */
  SHUTDOWN_WARMED,          /* the warm-up is done */
  SHUTDOWN_THROWN_AWAY,     /* the warm-up was cancelled */
  SHUTDOWN_CHECKED,         /* the file was read back */
} ShutdownOutcome;

/* What is on disk. */
typedef struct
{
  gboolean exists;
  gboolean complete;        /* the footer's line count and checksum match */
  guint64 bytes;
  guint lines;              /* lines of data, without header and footer */
  char *written_by;         /* the start of the run that wrote it */
  GDateTime *modified;
} ShutdownFacts;

/* What a job says, always on the main thread. */
typedef struct
{
  ShutdownJob job;
  guint done;               /* chunks written, or warm-up steps */
  guint total;
  ShutdownOutcome outcome;  /* SHUTDOWN_RUNNING until the job's last news */
  const GError *error;      /* why the writer did not keep its file */
  ShutdownFacts *facts;     /* the check's: the callee may take its fields */
} ShutdownNews;

typedef void (*ShutdownNewsFunc) (const ShutdownNews *news,
                                  gpointer            user_data);

typedef struct _ShutdownWork ShutdownWork;

char         *shutdown_target_path  (void);
ShutdownWork *shutdown_work_start   (const char       *path,
                                     gboolean          in_place,
                                     guint             n_chunks,
                                     guint             pause_us,
                                     ShutdownNewsFunc  news,
                                     gpointer          user_data);
ShutdownWork *shutdown_work_check   (const char       *path,
                                     ShutdownNewsFunc  news,
                                     gpointer          user_data);
guint         shutdown_work_get_percent (ShutdownWork *work,
                                         ShutdownJob   job);
void          shutdown_work_stop    (ShutdownWork     *work);
void          shutdown_work_quit    (ShutdownWork     *work,
                                     guint             grace_ms);
void          shutdown_work_free    (ShutdownWork     *work);
void          shutdown_facts_clear  (ShutdownFacts    *facts);

/* Killed mid-write: `thaw --wrong-way shutdown`, and what the page reads
 * back: the file written in place, and the one written the right way. */
#define SHUTDOWN_N_KILLED 2
extern const char *const shutdown_killed_names[SHUTDOWN_N_KILLED];
char         *shutdown_killed_folder (void);
int           shutdown_killed_main  (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShutdownWork, shutdown_work_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ShutdownFacts, shutdown_facts_clear)

G_END_DECLS
