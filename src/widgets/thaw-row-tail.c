/* thaw-row-tail.c — the last rows of a stream, in a column view
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For a stream of thousands of rows a second (the pool lesson's results
 * and log): the view always shows n_rows rows (blank before the first come),
 * so that it never grows and needs no scrolling of its own, and the mouse
 * wheel over it scrolls the page. Rows added are only noted; they reach
 * the screen at thaw_row_tail_flush(), which the page calls a few times a
 * second, because new rows cost some milliseconds of layout and nobody can
 * read a list redrawn at every frame. A view that is not mapped (in another
 * tab, or on a page not shown) gets them when it is mapped.
 *
 * The columns and their titles come from the template; a row is its cells'
 * texts separated by tabs.
 */

#include "config.h"

#include "thaw-row-tail.h"

struct _ThawRowTail
{
  GtkColumnView *view;
  GtkStringList *rows;      /* what the view shows; its selection owns it */
  guint n_rows;
  GPtrArray *newest;        /* the rows noted since the last flush, oldest first */
  gboolean blank_pending;   /* cleared while the view was not mapped */
  gulong map_id;
};

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  column)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

/* A cell shows its column of the row. */
static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  column)
{
  const char *row = gtk_string_object_get_string (gtk_list_item_get_item (item));
  g_auto(GStrv) cells = g_strsplit (row, "\t", -1);
  guint n = GPOINTER_TO_UINT (column);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), n < g_strv_length (cells) ? cells[n] : "");
}

static void
blank (ThawRowTail *tail)
{
  g_autofree const char **empty = g_new0 (const char *, tail->n_rows + 1);

  for (guint i = 0; i < tail->n_rows; i++)
    empty[i] = "";
  gtk_string_list_splice (tail->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (tail->rows)), empty);
}

/**
 * thaw_row_tail_new:
 * @view: a column view with its columns, and no model yet
 * @n_rows: how many rows it shows
 *
 * Returns: (transfer full): the tail of @view, to free with
 *   thaw_row_tail_free() before @view goes
 */
ThawRowTail *
thaw_row_tail_new (GtkColumnView *view,
                   guint          n_rows)
{
  ThawRowTail *tail = g_new0 (ThawRowTail, 1);
  GListModel *columns = gtk_column_view_get_columns (view);
  g_autoptr(GtkNoSelection) model = NULL;

  tail->view = view;
  tail->n_rows = n_rows;
  tail->newest = g_ptr_array_new_with_free_func (g_free);
  tail->rows = gtk_string_list_new (NULL);
  blank (tail);
  /* The selection owns the list, the view the selection. */
  model = gtk_no_selection_new (G_LIST_MODEL (tail->rows));
  gtk_column_view_set_model (view, GTK_SELECTION_MODEL (model));
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), GUINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), GUINT_TO_POINTER (i));
      gtk_column_view_column_set_factory (column, factory);
    }
  tail->map_id = g_signal_connect_swapped (view, "map", G_CALLBACK (thaw_row_tail_flush), tail);

  return tail;
}

void
thaw_row_tail_free (ThawRowTail *tail)
{
  g_clear_signal_handler (&tail->map_id, tail->view);
  g_ptr_array_unref (tail->newest);
  g_free (tail);
}

/* Forgets every row: the view turns blank now, or when it is next mapped. */
void
thaw_row_tail_clear (ThawRowTail *tail)
{
  g_ptr_array_set_size (tail->newest, 0);
  tail->blank_pending = !gtk_widget_get_mapped (GTK_WIDGET (tail->view));
  if (!tail->blank_pending)
    blank (tail);
}

/* Notes @row (tab-separated cells; the tail takes it) for the next flush:
 * only the newest n_rows are kept. */
void
thaw_row_tail_add (ThawRowTail *tail,
                   char        *row)
{
  if (tail->newest->len == tail->n_rows)
    g_ptr_array_remove_index (tail->newest, 0);
  g_ptr_array_add (tail->newest, row);
}

/* Shows the rows noted since the last flush, if the view is mapped: as
 * many of the oldest go from the top, and they come at the bottom. */
void
thaw_row_tail_flush (ThawRowTail *tail)
{
  guint n_new = tail->newest->len;

  if (!gtk_widget_get_mapped (GTK_WIDGET (tail->view)))
    return;

  if (tail->blank_pending)
    blank (tail);
  tail->blank_pending = FALSE;
  if (n_new == 0)
    return;

  g_ptr_array_add (tail->newest, NULL);
  gtk_string_list_splice (tail->rows, 0, n_new, NULL);
  gtk_string_list_splice (tail->rows, tail->n_rows - n_new, 0, (const char * const *) tail->newest->pdata);
  g_ptr_array_set_size (tail->newest, 0);
}
