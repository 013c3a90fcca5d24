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

/* The table's columns. In a wide row each takes its share of the width
 * (the lesson's is enough for a title on one or two lines); in a narrow
 * one the cells stack, each beside its column's name, rather than squeeze
 * four columns down to a word a line. */
enum
{
  COLUMN_PYTHON,
  COLUMN_GLIB,
  COLUMN_PTHREADS,
  COLUMN_LESSON,
  N_COLUMNS
};

static const double column_share[N_COLUMNS] = { 0.28, 0.28, 0.22, 0.22 };

#define STACK_BELOW 520   /* px: narrower than this, a row stacks its cells */
#define COLUMN_SPACING 12
#define LINE_SPACING 4
#define ARROW_WIDTH 16    /* the row's arrow; the header keeps its place free */

/* The cells of one row of the table, or of its header, laid out as above.
 * Only the ones GTK has no layout for are here: the row around them is a
 * GtkListBoxRow. */
#define THAW_TYPE_IDIOM_CELLS (thaw_idiom_cells_get_type ())
G_DECLARE_FINAL_TYPE (ThawIdiomCells, thaw_idiom_cells, THAW, IDIOM_CELLS, GtkWidget)

struct _ThawIdiomCells
{
  GtkWidget parent_instance;

  GtkWidget *cells[N_COLUMNS];
  GtkWidget *names[N_COLUMNS];   /* shown beside a stacked cell; none for Python or in the header */
  GtkWidget *arrow;              /* NULL in the header */
};

G_DEFINE_FINAL_TYPE (ThawIdiomCells, thaw_idiom_cells, GTK_TYPE_WIDGET)

static int
measure_height (GtkWidget *widget,
                int        width)
{
  int height = 0;

  if (widget != NULL)
    gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, MAX (width, 0), NULL, &height, NULL, NULL);

  return height;
}

static int
measure_width (GtkWidget *widget,
               gboolean   natural)
{
  int minimum = 0, natural_width = 0;

  if (widget != NULL)
    gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural_width, NULL, NULL);

  return natural ? natural_width : minimum;
}

/* Where each cell (and, stacked, each column's name) goes in a row @width
 * wide. With @allocate, puts them there; returns the height they need. */
static int
layout_cells (ThawIdiomCells *self,
              int             width,
              gboolean        allocate)
{
  int text_width = width - ARROW_WIDTH - COLUMN_SPACING;
  int height = 0;

  if (width >= STACK_BELOW)
    {
      int x = 0;
      int usable = text_width - (N_COLUMNS - 1) * COLUMN_SPACING;

      for (guint i = 0; i < N_COLUMNS; i++)
        {
          int column_width = i + 1 < N_COLUMNS ? (int) (usable * column_share[i]) : text_width - x;

          height = MAX (height, measure_height (self->cells[i], column_width));
          if (allocate)
            gtk_widget_size_allocate (self->cells[i],
                                      &(GtkAllocation) { x, 0, column_width, measure_height (self->cells[i], column_width) },
                                      -1);
          x += column_width + COLUMN_SPACING;
        }
    }
  else if (self->arrow == NULL)
    {
      /* The header: stacked, each cell has its column's name beside it. */
      for (guint i = 0; i < N_COLUMNS; i++)
        if (allocate)
          gtk_widget_size_allocate (self->cells[i], &(GtkAllocation) { 0, 0, 0, 0 }, -1);
      return 0;
    }
  else
    {
      int name_width = 0;

      for (guint i = 0; i < N_COLUMNS; i++)
        name_width = MAX (name_width, measure_width (self->names[i], TRUE));

      for (guint i = 0; i < N_COLUMNS; i++)
        {
          int x = self->names[i] != NULL ? name_width + COLUMN_SPACING : 0;
          int cell_width = MAX (text_width - x, measure_width (self->cells[i], FALSE));
          int line = MAX (measure_height (self->cells[i], cell_width), measure_height (self->names[i], name_width));

          if (allocate && self->names[i] != NULL)
            gtk_widget_size_allocate (self->names[i], &(GtkAllocation) { 0, height, name_width, line }, -1);
          if (allocate)
            gtk_widget_size_allocate (self->cells[i], &(GtkAllocation) { x, height, cell_width, line }, -1);
          height += line + (i + 1 < N_COLUMNS ? LINE_SPACING : 0);
        }
    }

  if (allocate && self->arrow != NULL)
    gtk_widget_size_allocate (self->arrow, &(GtkAllocation) { width - ARROW_WIDTH, 0, ARROW_WIDTH, height }, -1);

  return height;
}

static GtkSizeRequestMode
thaw_idiom_cells_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
thaw_idiom_cells_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  ThawIdiomCells *self = THAW_IDIOM_CELLS (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int name_width = 0, widest = 0, columns = 0;

      /* At the least, stacked: the widest name beside the widest word. */
      for (guint i = 0; i < N_COLUMNS; i++)
        name_width = MAX (name_width, measure_width (self->names[i], TRUE));
      for (guint i = 0; i < N_COLUMNS; i++)
        {
          widest = MAX (widest, measure_width (self->cells[i], FALSE) +
                                (self->names[i] != NULL ? name_width + COLUMN_SPACING : 0));
          columns += measure_width (self->cells[i], TRUE) + COLUMN_SPACING;
        }
      *minimum = widest + COLUMN_SPACING + ARROW_WIDTH;
      *natural = MAX (*minimum, columns + ARROW_WIDTH);
    }
  else
    {
      int width = for_size;

      if (width < 0)
        thaw_idiom_cells_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &width, NULL, NULL);
      *minimum = *natural = layout_cells (self, width, FALSE);
    }
}

static void
thaw_idiom_cells_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  ThawIdiomCells *self = THAW_IDIOM_CELLS (widget);
  gboolean stacked = width < STACK_BELOW;

  /* The header is for the columns; stacked, every cell has its column's
   * name beside it instead. */
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      if (self->names[i] != NULL)
        gtk_widget_set_child_visible (self->names[i], stacked);
      else if (self->arrow == NULL)
        gtk_widget_set_child_visible (self->cells[i], !stacked);
    }
  layout_cells (self, width, TRUE);
}

static void
thaw_idiom_cells_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (thaw_idiom_cells_parent_class)->dispose (object);
}

static void
thaw_idiom_cells_class_init (ThawIdiomCellsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = thaw_idiom_cells_dispose;
  widget_class->get_request_mode = thaw_idiom_cells_get_request_mode;
  widget_class->measure = thaw_idiom_cells_measure;
  widget_class->size_allocate = thaw_idiom_cells_size_allocate;
}

static void
thaw_idiom_cells_init (ThawIdiomCells *self)
{
}

static GtkWidget *
add_label (ThawIdiomCells    *self,
           GtkAccessibleRole  role,
           const char        *text,
           const char        *css_class)
{
  GtkWidget *label = g_object_new (GTK_TYPE_LABEL,
                                   "accessible-role", role,
                                   "label", text,
                                   "xalign", 0.0f,
                                   "yalign", 0.0f,
                                   "wrap", TRUE,
                                   "wrap-mode", PANGO_WRAP_WORD_CHAR,
                                   NULL);

  PangoAttrList *attributes = pango_attr_list_new ();

  /* A name broken across lines must not gain a hyphen that reads as part
   * of it: pthread_timedjoin_-np (). */
  pango_attr_list_insert (attributes, pango_attr_insert_hyphens_new (FALSE));
  gtk_label_set_attributes (GTK_LABEL (label), attributes);
  pango_attr_list_unref (attributes);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_widget_set_parent (label, GTK_WIDGET (self));

  return label;
}

/* The names of the columns, the header of the table: also what a stacked
 * cell is labelled with. */
static const char *
column_name (guint column)
{
  switch (column)
    {
    case COLUMN_PYTHON:
      return "Python";
    case COLUMN_GLIB:
      return "GLib";
    case COLUMN_PTHREADS:
      return "pthreads";
    case COLUMN_LESSON:
      return _("Lesson");
    default:
      g_return_val_if_reached (NULL);
    }
}

static GtkWidget *
make_header (void)
{
  ThawIdiomCells *self = g_object_new (THAW_TYPE_IDIOM_CELLS,
                                       "accessible-role", GTK_ACCESSIBLE_ROLE_ROW,
                                       NULL);

  for (guint i = 0; i < N_COLUMNS; i++)
    self->cells[i] = add_label (self, GTK_ACCESSIBLE_ROLE_COLUMN_HEADER, column_name (i), "heading");

  return GTK_WIDGET (self);
}

static GtkWidget *
make_row (const Entry *entry)
{
  const ThawLessonInfo *info = thaw_lessons_find (entry->lesson);
  const char *lesson = info != NULL ? _(info->title) : "—";
  g_autofree char *python = g_markup_printf_escaped ("<tt>%s</tt>", entry->python);
  /* Translators: how a screen reader reads a row of the From Python to
   * GLib table: a Python idiom, its GLib and pthreads counterparts, and
   * the title of the lesson that shows it. */
  g_autofree char *name = g_strdup_printf (_("%s. GLib: %s. pthreads: %s. Lesson: %s"),
                                           entry->python, _(entry->glib), _(entry->pthreads), lesson);
  ThawIdiomCells *cells = g_object_new (THAW_TYPE_IDIOM_CELLS, NULL);
  GtkWidget *row = gtk_list_box_row_new ();

  cells->cells[COLUMN_PYTHON] = add_label (cells, GTK_ACCESSIBLE_ROLE_CELL, python, "python");
  gtk_label_set_use_markup (GTK_LABEL (cells->cells[COLUMN_PYTHON]), TRUE);
  cells->cells[COLUMN_GLIB] = add_label (cells, GTK_ACCESSIBLE_ROLE_CELL, _(entry->glib), "glib");
  cells->cells[COLUMN_PTHREADS] = add_label (cells, GTK_ACCESSIBLE_ROLE_CELL, _(entry->pthreads), "pthreads");
  cells->cells[COLUMN_LESSON] = add_label (cells, GTK_ACCESSIBLE_ROLE_CELL, lesson, "lesson");
  gtk_widget_add_css_class (cells->cells[COLUMN_LESSON], "dim-label");
  for (guint i = COLUMN_GLIB; i < N_COLUMNS; i++)
    {
      cells->names[i] = add_label (cells, GTK_ACCESSIBLE_ROLE_CELL, column_name (i), "caption-heading");
      gtk_widget_add_css_class (cells->names[i], "dim-label");
      gtk_label_set_wrap (GTK_LABEL (cells->names[i]), FALSE);
    }
  cells->arrow = gtk_image_new_from_icon_name (info != NULL ? "go-next-symbolic" : NULL);
  gtk_widget_set_valign (cells->arrow, GTK_ALIGN_CENTER);
  gtk_widget_set_parent (cells->arrow, GTK_WIDGET (cells));

  gtk_widget_set_margin_top (GTK_WIDGET (cells), 10);
  gtk_widget_set_margin_bottom (GTK_WIDGET (cells), 10);
  gtk_widget_set_margin_start (GTK_WIDGET (cells), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (cells), 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), GTK_WIDGET (cells));
  /* GTK 4.8 does not name a row by the text inside it, nor read a cell
   * with its column's header: the name says it all, column by column. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  -1);

  if (info != NULL)
    {
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.show-lesson");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", info->id);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
    }
  else
    gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);

  return row;
}

struct _ThawPythonMap
{
  AdwBin parent_instance;
};

G_DEFINE_FINAL_TYPE (ThawPythonMap, thaw_python_map, ADW_TYPE_BIN)

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
  GtkWidget *header = make_header ();
  GtkWidget *list = gtk_list_box_new ();

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  /* As wide as a lesson's page (thaw-lesson-page.ui). */
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 820);
  adw_clamp_set_tightening_threshold (ADW_CLAMP (clamp), 560);
  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "title-1");
  gtk_accessible_update_property (GTK_ACCESSIBLE (title), GTK_ACCESSIBLE_PROPERTY_LEVEL, 1, -1);
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

  /* The header stands above the list, lined up with the rows' cells (a
   * row's margin and the list's border). */
  gtk_widget_set_margin_top (header, 12);
  gtk_widget_set_margin_start (header, 13);
  gtk_widget_set_margin_end (header, 13);
  gtk_box_append (GTK_BOX (box), header);

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_widget_add_css_class (list, "idioms");
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
