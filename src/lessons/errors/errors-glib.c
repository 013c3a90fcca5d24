/* errors-glib.c — When a worker fails: the GError travels back with the result.
 *
 * A worker thread checksums 100 small files. A GLib call that fails fills
 * in a GError (a domain, a code a program can test, a message for people);
 * the worker passes it up and hands it to a GTask with g_task_return_error(),
 * or hands its result over with g_task_return_pointer(). The GTask carries
 * either one to the main loop, where g_task_propagate_pointer() gives back
 * the value or the error: the Future.result() of GLib. The main loop shows
 * the error until a later good run clears it. A stop is an error too,
 * G_IO_ERROR_CANCELLED, but one the user asked for: it is not shown as a
 * failure.
 *
 * The worker is a thread of our own, joined by the main loop; the GTask only
 * carries the outcome. (g_task_run_in_thread() would borrow a thread from
 * GLib's pool instead.)
 *
 * Build: gcc errors-glib.c -o errors $(pkg-config --cflags --libs gio-2.0) -pthread
 */

#include <gio/gio.h>
#include <glib/gstdio.h>

#define N_INPUTS 100

/* The task's data: set before the thread starts; files_read is written by
 * the worker and read by the main loop once the task has returned. */
typedef struct
{
  char *folder;
  guint files_read;
} Job;

static void
job_free (Job *job)
{
  g_free (job->folder);
  g_free (job);
}

static char *
input_path (const char *folder,
            guint       number)
{
  g_autofree char *name = g_strdup_printf ("input-%03u.txt", number);

  return g_build_filename (folder, name, NULL);
}

/* The worker thread. It never shows an error itself: it hands it over. */
static gpointer
read_thread (gpointer data)
{
  g_autoptr(GTask) task = data;     /* its own reference, dropped on return */
  Job *job = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  GError *error = NULL;

  for (guint i = 1; i <= N_INPUTS; i++)
    {
      g_autofree char *path = input_path (job->folder, i);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autofree char *contents = NULL;
      gsize length;

      if (g_cancellable_set_error_if_cancelled (cancellable, &error) ||
          !g_file_load_contents (file, cancellable, &contents, &length, NULL, &error))
        {
          /* Exactly one return per task; it takes the error. From another
           * thread, GTask runs the callback on the task's main context. */
          g_task_return_error (task, error);
          return NULL;
        }

      g_checksum_update (checksum, (const guchar *) contents, (gssize) length);
      job->files_read = i;
      g_usleep (2000);              /* a slow disk */
    }

  g_task_return_pointer (task, g_strdup (g_checksum_get_string (checksum)), g_free);
  return NULL;
}

/* The main loop's side. */

typedef struct
{
  GMainLoop *loop;
  char *folder;
  guint run;
  GThread *thread;
  char *error_box;              /* what the "window" shows; NULL: nothing */
} Demo;

static const char *const runs[] = {
  "input 41 missing",
  "input 70 is a folder",
  "Stop pressed at 40 ms",
  "all inputs there",
};

static void start_run (Demo *demo);

/* "G_IO_ERROR_NOT_FOUND" for GIO's codes. */
static const char *
code_name (const GError *error)
{
  g_autoptr(GEnumClass) codes = g_type_class_ref (G_TYPE_IO_ERROR_ENUM);
  GEnumValue *value = g_enum_get_value (codes, error->code);

  return error->domain == G_IO_ERROR && value != NULL ? value->value_name : "?";
}

static void
read_done_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Demo *demo = user_data;
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *checksum = g_task_propagate_pointer (G_TASK (result), &error);

  /* The worker returned the task as its last act: this join is quick. */
  g_thread_join (g_steal_pointer (&demo->thread));
  g_print ("%s: ", runs[demo->run]);

  if (checksum != NULL)
    {
      g_print ("checksum %.16s after %u files; error box %s\n", checksum,
               job->files_read, demo->error_box != NULL ? "cleared" : "empty");
      g_clear_pointer (&demo->error_box, g_free);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    /* Asked for: not a failure, nothing to show. */
    g_print ("stopped after %u files (G_IO_ERROR_CANCELLED), not shown as a failure\n",
             job->files_read);
  else
    {
      g_free (demo->error_box);
      demo->error_box = g_strdup (error->message);
      g_print ("the main loop shows: the job failed after %u files: %s "
               "(domain %s, code %d, %s)\n", job->files_read, error->message,
               g_quark_to_string (error->domain), error->code, code_name (error));
    }

  if (++demo->run < G_N_ELEMENTS (runs))
    start_run (demo);
  else
    g_main_loop_quit (demo->loop);
}

static gboolean
stop_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
start_run (Demo *demo)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, read_done_cb, demo);
  g_autofree char *missing = input_path (demo->folder, 41);
  g_autofree char *away = g_strconcat (missing, ".away", NULL);
  g_autofree char *folder_70 = input_path (demo->folder, 70);
  Job *job = g_new0 (Job, 1);

  /* Spoil the inputs as the run asks, and mend them for the last run. */
  if (demo->run == 0)
    g_rename (missing, away);
  else if (demo->run == 1)
    {
      g_rename (away, missing);
      g_unlink (folder_70);
      g_mkdir (folder_70, 0700);
    }
  else if (demo->run == 3)
    {
      g_rmdir (folder_70);
      g_file_set_contents (folder_70, "input", -1, NULL);
    }

  if (demo->run == 2)     /* the Stop button, pressed after 40 ms */
    g_timeout_add_full (G_PRIORITY_DEFAULT, 40, stop_cb,
                        g_object_ref (cancellable), g_object_unref);

  job->folder = g_strdup (demo->folder);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  demo->thread = g_thread_new ("read", read_thread, g_object_ref (task));
}

int
main (void)
{
  Demo demo = { 0 };

  demo.folder = g_dir_make_tmp ("errors-XXXXXX", NULL);
  for (guint i = 1; i <= N_INPUTS; i++)
    {
      g_autofree char *path = input_path (demo.folder, i);

      g_file_set_contents (path, "input", -1, NULL);
    }

  demo.loop = g_main_loop_new (NULL, FALSE);
  start_run (&demo);
  g_main_loop_run (demo.loop);
  g_main_loop_unref (demo.loop);

  for (guint i = 1; i <= N_INPUTS; i++)
    {
      g_autofree char *path = input_path (demo.folder, i);

      g_unlink (path);
    }
  g_rmdir (demo.folder);
  g_free (demo.folder);
  g_free (demo.error_box);
  return 0;
}
