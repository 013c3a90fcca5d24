/* shutdown-glib.c — Quitting with work in flight: what becomes of each thread.
 *
 * Returning from main() ends the process and every thread in it, wherever
 * it was. So at quit a program decides, for each piece of work still
 * running, what becomes of it:
 *
 *   throw-away work (a cache warm-up) is cancelled with its GCancellable and
 *   joined; it looks every 20 ms, so that is quick;
 *
 *   must-finish work (saving a file) completes: the main loop keeps running
 *   until the saver's last message, which joins its thread (in a GTK app,
 *   g_application_hold () and g_application_release () do that).
 *
 * Each run is a child process (this program, given a mode) that quits at
 * 0.3 s while its saver needs a second. A saver nobody waits for ends with
 * the process: written in place, the file is left half-written; written
 * with g_file_set_contents_full (), which writes a temporary file and
 * renames it over the target, the file is the old one or the new one, never
 * half of one. (g_file_replace_contents () does the same for a GFile.)
 *
 * Build: gcc shutdown-glib.c -o shutdown $(pkg-config --cflags --libs gio-2.0) -pthread
 */

#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define LINES 50
#define LINE_PAUSE_US (20 * G_TIME_SPAN_MILLISECOND)

static const char *const modes[] = { "not joined, in place", "not joined, atomic", "joined, atomic" };

/* The child: a program with two threads, that quits at 0.3 s. */

typedef struct
{
  gatomicrefcount ref_count;
  char *path;
  char *writer;             /* the mode, for the file's first line */
  gboolean in_place;
  GError *error;            /* written by the saver before its message */
  gpointer child;           /* main thread only */
} Saver;

typedef struct
{
  GMainLoop *loop;
  gboolean wait_for_saver;
  gboolean quitting;
  GThread *saver_thread;
  GCancellable *warm_up;
  GThread *warmer;
} Child;

static Saver *
saver_ref (Saver *saver)
{
  g_atomic_ref_count_inc (&saver->ref_count);
  return saver;
}

static void
saver_unref (Saver *saver)
{
  if (!g_atomic_ref_count_dec (&saver->ref_count))
    return;
  g_free (saver->path);
  g_free (saver->writer);
  g_clear_error (&saver->error);
  g_free (saver);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Saver, saver_unref)

/* Throw-away: warms a cache, looking at its cancellable every 20 ms. */
static gpointer
warm_cache_thread (gpointer data)
{
  g_autoptr(GCancellable) cancellable = data;

  for (int step = 0; step < 100 && !g_cancellable_is_cancelled (cancellable); step++)
    g_usleep (20 * G_TIME_SPAN_MILLISECOND);
  return NULL;
}

static gboolean saver_done_cb (gpointer data);

/* Must-finish: a file of LINES lines, a line every 20 ms. */
static gpointer
save_thread (gpointer data)
{
  g_autoptr(Saver) saver = data;
  g_autoptr(GString) text = g_string_new ("# written by: ");
  int fd = -1;

  g_string_append_printf (text, "%s\n", saver->writer);
  if (saver->in_place)    /* the old file is gone from here on */
    {
      fd = g_open (saver->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd < 0)
        g_error ("%s: %s", saver->path, g_strerror (errno));
    }

  for (int i = 1; i <= LINES; i++)
    {
      g_string_append_printf (text, "line %d\n", i);
      if (fd >= 0)        /* straight to the kernel, line by line */
        {
          if (write (fd, text->str, text->len) != (gssize) text->len)
            g_error ("write: %s", g_strerror (errno));
          g_string_truncate (text, 0);
        }
      g_usleep (LINE_PAUSE_US);   /* the slow part */
    }
  g_string_append_printf (text, "# end: %d lines\n", LINES);

  if (fd >= 0)
    {
      if (write (fd, text->str, text->len) != (gssize) text->len)
        g_error ("write: %s", g_strerror (errno));
      g_close (fd, NULL);
    }
  else
    /* A temporary file beside the target, flushed to disk, then renamed
     * over it: the target is the old file until it is the new one. */
    g_file_set_contents_full (saver->path, text->str, (gssize) text->len,
                              G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                              0644, &saver->error);

  /* The last message; the idle holds a reference until it has run. */
  g_idle_add_full (G_PRIORITY_DEFAULT, saver_done_cb, saver_ref (saver),
                   (GDestroyNotify) saver_unref);
  return NULL;
}

static gboolean
saver_done_cb (gpointer data)
{
  Saver *saver = data;
  Child *child = saver->child;

  g_thread_join (g_steal_pointer (&child->saver_thread));   /* it is returning */
  if (saver->error != NULL)
    g_printerr ("saving failed: %s\n", saver->error->message);
  if (child->quitting)
    g_main_loop_quit (child->loop);
  return G_SOURCE_REMOVE;
}

/* The user quits. */
static gboolean
quit_cb (gpointer data)
{
  Child *child = data;
  gint64 quit_at = g_get_monotonic_time ();

  g_cancellable_cancel (child->warm_up);    /* throw-away: cancel, then join */
  g_thread_join (g_steal_pointer (&child->warmer));
  g_print ("%.0f\n", (g_get_monotonic_time () - quit_at) / 1000.0);

  /* Must-finish: keep the loop running until the saver's last message. */
  child->quitting = TRUE;
  if (!child->wait_for_saver || child->saver_thread == NULL)
    g_main_loop_quit (child->loop);
  return G_SOURCE_REMOVE;
}

static int
run_child (const char *mode,
           const char *path)
{
  /* Static: it outlives this function, for a saver that is still running
   * when it returns. */
  static Child child;
  Saver *saver = g_new0 (Saver, 1);

  child.loop = g_main_loop_new (NULL, FALSE);
  child.wait_for_saver = g_str_has_prefix (mode, "joined");

  child.warm_up = g_cancellable_new ();
  child.warmer = g_thread_new ("warm-up", warm_cache_thread, g_object_ref (child.warm_up));

  g_atomic_ref_count_init (&saver->ref_count);
  saver->path = g_strdup (path);
  saver->writer = g_strdup (mode);
  saver->in_place = g_str_has_suffix (mode, "in place");
  saver->child = &child;
  /* The thread takes the saver's first reference. */
  child.saver_thread = g_thread_new ("saver", save_thread, saver);

  g_timeout_add (300, quit_cb, &child);
  g_main_loop_run (child.loop);

  g_main_loop_unref (child.loop);
  g_object_unref (child.warm_up);
  /* Returning ends the process, and a saver nobody waited for with it. */
  return 0;
}

/* The parent: runs the child in each mode and reads back what it left. */

static void
write_old_file (const char *path)
{
  g_autoptr(GString) text = g_string_new ("# written by: the previous run\n");

  for (int i = 1; i <= LINES; i++)
    g_string_append_printf (text, "line %d\n", i);
  g_string_append_printf (text, "# end: %d lines\n", LINES);
  g_file_set_contents (path, text->str, (gssize) text->len, NULL);
}

static void
run (const char *mode)
{
  g_autofree char *folder = g_dir_make_tmp ("shutdown-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (folder, "saved.txt", NULL);
  g_autofree char *out = NULL, *contents = NULL, *end = NULL;
  g_auto(GStrv) lines = NULL;
  /* This very program, as the child. */
  const char *argv[] = { "/proc/self/exe", mode, path, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint n_lines, done = 0, stray = 0;
  gint64 started;
  int status;

  write_old_file (path);
  started = g_get_monotonic_time ();
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     &out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("%s", error->message);

  g_file_get_contents (path, &contents, NULL, NULL);
  lines = g_strsplit (contents, "\n", -1);
  n_lines = g_strv_length (lines);      /* one more: after the last \n */
  for (guint i = 0; lines[i] != NULL; i++)
    done += g_str_has_prefix (lines[i], "line ");
  end = g_strdup_printf ("# end: %d lines", LINES);

  dir = g_dir_open (folder, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (folder, name, NULL);

      stray += strcmp (name, "saved.txt") != 0;
      g_unlink (file);
    }
  g_rmdir (folder);

  g_print ("%s: quit at 0.3 s, the process ended after %.2f s, warm-up joined in %s ms; "
           "the file is %s, %u of %d lines, %s; %u stray temp file(s)\n",
           mode, (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC,
           g_strstrip (out),
           n_lines >= 2 && g_str_equal (lines[n_lines - 2], end) ? "complete" : "HALF",
           done, LINES, lines[0] + 2, stray);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3)
    return run_child (argv[1], argv[2]);

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    run (modes[i]);
  return 0;
}
