/* thaw-figure.c — a measured figure: caption, big number, a line of detail
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In a template:
 *
 *   <object class="ThawFigure" id="wall_time">
 *     <property name="caption" translatable="yes">All at once</property>
 *     <property name="large">true</property>
 *   </object>
 *
 * and in C, as runs are measured, thaw_figure_set_value (self->wall_time,
 * "1.5 s") and thaw_figure_set_detail (…). Until then the value is a dash.
 * The number is read out with its caption as its name; the detail line is
 * hidden while it is empty.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "thaw-figure.h"
#include "thaw-paced-text.h"

struct _ThawFigure
{
  GtkWidget parent_instance;

  GtkLabel *caption;
  GtkLabel *value;
  char *value_text;     /* the value set last; shown paced */
  GtkLabel *detail;
  gboolean large;
};

G_DEFINE_FINAL_TYPE (ThawFigure, thaw_figure, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_CAPTION,
  PROP_VALUE,
  PROP_DETAIL,
  PROP_LARGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_caption (ThawFigure *self,
             const char *caption)
{
  gtk_label_set_text (self->caption, caption != NULL ? caption : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->value),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, caption != NULL ? caption : "",
                                  -1);
}

static void
set_large (ThawFigure *self,
           gboolean    large)
{
  self->large = large;
  gtk_widget_remove_css_class (GTK_WIDGET (self->value), large ? "title-2" : "title-1");
  gtk_widget_add_css_class (GTK_WIDGET (self->value), large ? "title-1" : "title-2");
}

static void
thaw_figure_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  ThawFigure *self = THAW_FIGURE (object);

  switch (prop_id)
    {
    case PROP_CAPTION:
      g_value_set_string (value, gtk_label_get_text (self->caption));
      break;
    case PROP_VALUE:
      g_value_set_string (value, thaw_figure_get_value (self));
      break;
    case PROP_DETAIL:
      g_value_set_string (value, thaw_figure_get_detail (self));
      break;
    case PROP_LARGE:
      g_value_set_boolean (value, self->large);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_figure_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  ThawFigure *self = THAW_FIGURE (object);

  switch (prop_id)
    {
    case PROP_CAPTION:
      set_caption (self, g_value_get_string (value));
      break;
    case PROP_VALUE:
      thaw_figure_set_value (self, g_value_get_string (value));
      break;
    case PROP_DETAIL:
      thaw_figure_set_detail (self, g_value_get_string (value));
      break;
    case PROP_LARGE:
      set_large (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_figure_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (thaw_figure_parent_class)->dispose (object);
}

static void
thaw_figure_finalize (GObject *object)
{
  g_free (THAW_FIGURE (object)->value_text);

  G_OBJECT_CLASS (thaw_figure_parent_class)->finalize (object);
}

static void
thaw_figure_class_init (ThawFigureClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = thaw_figure_get_property;
  object_class->set_property = thaw_figure_set_property;
  object_class->dispose = thaw_figure_dispose;
  object_class->finalize = thaw_figure_finalize;

  properties[PROP_CAPTION] =
    g_param_spec_string ("caption", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VALUE] =
    g_param_spec_string ("value", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DETAIL] =
    g_param_spec_string ("detail", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LARGE] =
    g_param_spec_boolean ("large", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "figure");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static GtkLabel *
add_label (ThawFigure *self,
           const char *text,
           const char *class1,
           const char *class2)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, class1);
  if (class2 != NULL)
    gtk_widget_add_css_class (label, class2);
  gtk_widget_set_parent (label, GTK_WIDGET (self));

  return GTK_LABEL (label);
}

static void
thaw_figure_init (ThawFigure *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 3);

  self->caption = add_label (self, NULL, "caption-heading", "dim-label");
  /* Translators: shown instead of a figure not measured yet. */
  self->value_text = g_strdup (_("—"));
  self->value = add_label (self, self->value_text, "title-2", "numeric");
  self->detail = add_label (self, NULL, "caption", "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (self->detail), FALSE);
}

GtkWidget *
thaw_figure_new (const char *caption)
{
  return g_object_new (THAW_TYPE_FIGURE, "caption", caption, NULL);
}

/**
 * thaw_figure_set_value:
 * @value: (nullable): the figure as text, or %NULL for "not measured yet"
 */
void
thaw_figure_set_value (ThawFigure *self,
                       const char *value)
{
  g_return_if_fail (THAW_IS_FIGURE (self));

  if (value == NULL)
    value = _("—");
  if (g_strcmp0 (value, self->value_text) == 0)
    return;

  g_free (self->value_text);
  self->value_text = g_strdup (value);
  /* A figure that changes with each delivery is read, and laid out, ten
   * times a second (thaw-paced-text.c); the property is the value at once. */
  thaw_paced_text_set (self->value, "label", value, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE]);
}

const char *
thaw_figure_get_value (ThawFigure *self)
{
  g_return_val_if_fail (THAW_IS_FIGURE (self), NULL);

  return self->value_text;
}

/**
 * thaw_figure_set_detail:
 * @detail: (nullable): a line under the figure; %NULL or "" hides it
 */
void
thaw_figure_set_detail (ThawFigure *self,
                        const char *detail)
{
  g_return_if_fail (THAW_IS_FIGURE (self));

  if (detail == NULL)
    detail = "";
  if (g_strcmp0 (detail, gtk_label_get_text (self->detail)) == 0)
    return;

  gtk_label_set_text (self->detail, detail);
  gtk_widget_set_visible (GTK_WIDGET (self->detail), *detail != '\0');
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DETAIL]);
}

const char *
thaw_figure_get_detail (ThawFigure *self)
{
  g_return_val_if_fail (THAW_IS_FIGURE (self), NULL);

  return gtk_label_get_text (self->detail);
}
