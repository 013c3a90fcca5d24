/* thaw-python-map.c — Python's threading idioms and their GLib counterparts
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Many learners arrive knowing Python's threading, queue and
 * concurrent.futures modules. This page is their phrase book: each row is a
 * Python idiom, what GLib and plain pthreads offer for it, and the lesson
 * where it runs. A row whose lesson exists opens it (win.show-lesson).
 */

#include "config.h"

#include <glib/gi18n.h>

#include "thaw-lesson.h"
#include "thaw-python-map.h"

typedef struct
{
  const char *python;
  const char *glib;
  const char *pthreads;
  const char *lesson;
} Entry;

/* Code is not translated; the prose in the GLib and pthreads columns and the
 * lesson titles are. */
static const Entry entries[] = {
  { "threading.Thread(target=f).start()", "g_thread_new ()", "pthread_create ()", "freeze" },
  { "thread.join()", "g_thread_join ()", "pthread_join ()", "pthread" },
  { "for t in threads: t.join()", N_("g_thread_join () in a joiner thread"), "pthread_join ()", "downloads" },
  { "threading.Event() as a stop flag", "GCancellable", N_("an atomic flag"), "cancel" },
  { "thread.join(timeout)", "g_cond_wait_until (), g_async_queue_timeout_pop ()",
    N_("pthread_timedjoin_np () (glibc only), pthread_cond_timedwait ()"), "timeout" },
  /* A daemon thread is one the interpreter does not wait for at exit. C has
   * no such flag: when main() returns, the process ends every thread, joined
   * or not. pthread_detach() is something else: it only lets a thread's
   * resources go as soon as it ends, since nobody will join it. */
  { "Thread(daemon=True)",
    N_("every thread is one: the process ends them all when main () returns. Join the work that must finish; write its files with g_file_replace_contents ()"),
    N_("the same; pthread_detach () only frees a thread’s resources when it ends, nobody joins it"),
    "shutdown" },
  { "threading.excepthook, Future.result()", N_("GError returned with the result (GTask)"),
    N_("a return value through pthread_join ()"), "errors" },
  { "threading.Lock()", "GMutex, g_atomic_int_add ()", N_("pthread_mutex_t, C11 atomics"), "race" },
  { "threading.RLock()", "GRecMutex", "PTHREAD_MUTEX_RECURSIVE", "recursive" },
  /* GMutex has no timed lock; pthreads has one. */
  { "lock.acquire(timeout=…)", N_("no timed lock: g_mutex_trylock () in a retry loop; better, lock ordering"),
    "pthread_mutex_timedlock ()", "deadlock" },
  { "threading.Event(), threading.Condition()", N_("GCond + GMutex + a predicate"), "pthread_cond_t", "signal" },
  { "threading.Semaphore(n)", N_("a GMutex + GCond counter; GThreadPool max_threads"), "sem_t", "semaphore" },
  { "threading.local()", "GPrivate", "pthread_key_create (), _Thread_local", "thread-local" },
  { "queue.Queue(maxsize)", N_("GAsyncQueue (+ a bound)"), N_("a mutex, two conditions"), "queue" },
  { "ThreadPoolExecutor, as_completed()", "GThreadPool, GTask", N_("a pool of pthreads"), "pool" },
  { "ProcessPoolExecutor (the GIL)", N_("plain threads: they run in parallel"), "pthreads", "parallel" },
  { "GLib.idle_add() for every update", N_("one pending g_idle_add () per job, or a tick callback"), "—", "flood" },
  { "asyncio", N_("g_input_stream_read_async () on the main loop"), "—", "async-io" },
  { "a psutil loop in a thread", N_("a sampler thread handing copies to g_idle_add ()"), "—", "monitor" },
};

struct _ThawPythonMap
{
  AdwBin parent_instance;
};

G_DEFINE_FINAL_TYPE (ThawPythonMap, thaw_python_map, ADW_TYPE_BIN)

static GtkWidget *
make_row (const Entry *entry)
{
  const ThawLessonInfo *info = thaw_lessons_find (entry->lesson);
  g_autofree char *title = g_markup_printf_escaped ("<tt>%s</tt>", entry->python);
  /* Translators: the GLib and pthreads counterparts of a Python idiom. */
  g_autofree char *subtitle = g_markup_printf_escaped (_("GLib: %s\npthreads: %s"),
                                                       _(entry->glib), _(entry->pthreads));
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);

  if (info != NULL)
    {
      GtkWidget *lesson = gtk_label_new (_(info->title));
      GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

      gtk_widget_add_css_class (lesson, "dim-label");
      gtk_label_set_wrap (GTK_LABEL (lesson), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (lesson), 16);
      gtk_label_set_xalign (GTK_LABEL (lesson), 1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), lesson);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.show-lesson");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", info->id);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
    }

  return row;
}

static void
thaw_python_map_class_init (ThawPythonMapClass *klass)
{
}

static void
thaw_python_map_init (ThawPythonMap *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *title = gtk_label_new (_("From Python to GLib"));
  GtkWidget *intro;
  GtkWidget *list = gtk_list_box_new ();

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 820);
  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "title-1");
  gtk_box_append (GTK_BOX (box), title);

  intro = gtk_label_new (_("Each row is an idiom of Python’s threading, queue and "
                           "concurrent.futures modules, what GLib and plain pthreads offer "
                           "for it, and the lesson where it runs. One difference runs "
                           "through all of them: C threads really run at the same time, with "
                           "no GIL in between (as Python’s threads do only in the free-threaded "
                           "builds, 3.13t and later), so a data race can corrupt memory, not "
                           "only lose an update."));
  gtk_label_set_xalign (GTK_LABEL (intro), 0);
  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_widget_add_css_class (intro, "dim-label");
  gtk_box_append (GTK_BOX (box), intro);

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Python idioms and their GLib counterparts"),
                                  -1);
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    gtk_list_box_append (GTK_LIST_BOX (list), make_row (&entries[i]));
  gtk_box_append (GTK_BOX (box), list);

  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  adw_bin_set_child (ADW_BIN (self), scrolled);
}

GtkWidget *
thaw_python_map_new (void)
{
  return g_object_new (THAW_TYPE_PYTHON_MAP, NULL);
}
