/* thaw-text-row.c — a list row of two lines, cheap to make and to change
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A title over a dimmed subtitle, and room for a widget at the end, laid
 * out as libadwaita's rows are in a boxed list. The rows that pages make or
 * change while a job runs (a thread's state, a finished run, an event) are
 * these, not AdwActionRows: an AdwActionRow builds a dozen widgets from a
 * template, and a few made in one go held the frame after them for 20–30 ms
 * on the machine Thaw is tested on. Setting a text it already shows does
 * nothing, so a label is measured and drawn again only when it changes.
 *
 * Its lines wrap, unless the row is made single-line: a wrapping label is
 * measured anew at each width its containers try, each time shaping its
 * text again, and a list of them shown or changed at once held a frame for
 * 11–30 ms (monitor's threads, signal's threads at Go). Rows that change
 * while a job runs, with short texts, are single-line.
 */

#include "config.h"

#include "thaw-text-row.h"

struct _ThawTextRow
{
  GtkListBoxRow parent_instance;

  GtkWidget *box;
  GtkLabel *title;
  GtkLabel *subtitle;
};

G_DEFINE_FINAL_TYPE (ThawTextRow, thaw_text_row, GTK_TYPE_LIST_BOX_ROW)

/* The lines as properties too, so that thaw_paced_text_set() can set them. */
enum
{
  PROP_0,
  PROP_TITLE,
  PROP_SUBTITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_accessible (ThawTextRow *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, gtk_label_get_text (self->title),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, gtk_label_get_text (self->subtitle),
                                  -1);
}

static void
thaw_text_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ThawTextRow *self = THAW_TEXT_ROW (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, thaw_text_row_get_title (self));
      break;
    case PROP_SUBTITLE:
      g_value_set_string (value, thaw_text_row_get_subtitle (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_text_row_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  ThawTextRow *self = THAW_TEXT_ROW (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      thaw_text_row_set_title (self, g_value_get_string (value));
      break;
    case PROP_SUBTITLE:
      thaw_text_row_set_subtitle (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_text_row_class_init (ThawTextRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = thaw_text_row_get_property;
  object_class->set_property = thaw_text_row_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUBTITLE] =
    g_param_spec_string ("subtitle", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
thaw_text_row_init (ThawTextRow *self)
{
  GtkWidget *lines = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_start (self->box, 12);
  gtk_widget_set_margin_end (self->box, 12);
  gtk_widget_set_margin_top (self->box, 8);
  gtk_widget_set_margin_bottom (self->box, 8);
  gtk_widget_set_size_request (self->box, -1, 34);

  self->title = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->title, 0);
  gtk_label_set_wrap (self->title, TRUE);
  gtk_label_set_wrap_mode (self->title, PANGO_WRAP_WORD_CHAR);

  self->subtitle = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->subtitle, 0);
  gtk_label_set_wrap (self->subtitle, TRUE);
  gtk_label_set_wrap_mode (self->subtitle, PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (GTK_WIDGET (self->subtitle), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (self->subtitle), "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle), FALSE);

  gtk_widget_set_hexpand (lines, TRUE);
  gtk_widget_set_valign (lines, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (lines), GTK_WIDGET (self->title));
  gtk_box_append (GTK_BOX (lines), GTK_WIDGET (self->subtitle));
  gtk_box_append (GTK_BOX (self->box), lines);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), self->box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), FALSE);
}

/**
 * thaw_text_row_new:
 * @title: the first line
 * @subtitle: (nullable): the second, dimmed; none if %NULL or empty
 */
GtkWidget *
thaw_text_row_new (const char *title,
                   const char *subtitle)
{
  ThawTextRow *self = g_object_new (THAW_TYPE_TEXT_ROW, NULL);

  thaw_text_row_set_title (self, title);
  thaw_text_row_set_subtitle (self, subtitle);

  return GTK_WIDGET (self);
}

void
thaw_text_row_set_title (ThawTextRow *self,
                         const char  *title)
{
  g_return_if_fail (THAW_IS_TEXT_ROW (self));

  if (g_strcmp0 (gtk_label_get_text (self->title), title ? title : "") == 0)
    return;
  gtk_label_set_text (self->title, title);
  update_accessible (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
thaw_text_row_get_title (ThawTextRow *self)
{
  g_return_val_if_fail (THAW_IS_TEXT_ROW (self), NULL);

  return gtk_label_get_text (self->title);
}

void
thaw_text_row_set_subtitle (ThawTextRow *self,
                            const char  *subtitle)
{
  g_return_if_fail (THAW_IS_TEXT_ROW (self));

  if (g_strcmp0 (gtk_label_get_text (self->subtitle), subtitle ? subtitle : "") == 0)
    return;
  gtk_label_set_text (self->subtitle, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle), subtitle != NULL && *subtitle != '\0');
  update_accessible (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBTITLE]);
}

const char *
thaw_text_row_get_subtitle (ThawTextRow *self)
{
  g_return_val_if_fail (THAW_IS_TEXT_ROW (self), NULL);

  return gtk_label_get_text (self->subtitle);
}

/**
 * thaw_text_row_add_suffix:
 * @self: a row
 * @suffix: a widget to show at the row's end, vertically centred
 */
void
thaw_text_row_add_suffix (ThawTextRow *self,
                          GtkWidget   *suffix)
{
  g_return_if_fail (THAW_IS_TEXT_ROW (self));
  g_return_if_fail (GTK_IS_WIDGET (suffix));

  gtk_widget_set_valign (suffix, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (self->box), suffix);
}

/**
 * thaw_text_row_add_level_bar:
 * @self: a row
 * @label: what the bar shows, for assistive technologies ("Work of Thread 3")
 *
 * Adds a narrow level bar at the row's end, from 0 to 1 and without the
 * low and high marks: one thread's share of the work, say.
 *
 * Returns: (transfer none): the bar
 */
GtkLevelBar *
thaw_text_row_add_level_bar (ThawTextRow *self,
                             const char  *label)
{
  GtkLevelBar *bar;

  g_return_val_if_fail (THAW_IS_TEXT_ROW (self), NULL);

  bar = GTK_LEVEL_BAR (gtk_level_bar_new ());
  gtk_widget_set_size_request (GTK_WIDGET (bar), 64, -1);
  gtk_level_bar_remove_offset_value (bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  thaw_text_row_add_suffix (self, GTK_WIDGET (bar));

  return bar;
}

/**
 * thaw_text_row_set_single_line:
 * @self: a row
 * @single_line: whether each line stays on one line, ended with "…" where
 *   it does not fit, instead of wrapping
 */
void
thaw_text_row_set_single_line (ThawTextRow *self,
                               gboolean     single_line)
{
  GtkLabel *labels[] = { self->title, self->subtitle };

  g_return_if_fail (THAW_IS_TEXT_ROW (self));

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      gtk_label_set_wrap (labels[i], !single_line);
      gtk_label_set_ellipsize (labels[i], single_line ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
    }
}
