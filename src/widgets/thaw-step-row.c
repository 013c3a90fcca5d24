/* thaw-step-row.c — one stepped thread: its letter, where it is, its buttons
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The controls of Be the Scheduler (src/lessons/thaw-lesson-scheduler.c),
 * the same on every page that has it. In a template:
 *
 *   <object class="ThawStepRow" id="row_a">
 *     <property name="thread">0</property>
 *   </object>
 *   …
 *   <object class="ThawStepButtons"/>
 *
 * A ThawStepRow is one thread: its letter (A for thread 0), a line that
 * says where it is (thaw_step_row_set_status()), and the buttons "Step A"
 * and "Run A to Its End", for the actions lesson.step-a and lesson.run-a.
 * ThawStepButtons are the buttons for all the threads at once: replay,
 * random schedules, run all free, new threads. Both wrap their buttons
 * under the rest when the window is narrow.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "thaw-step-row.h"

/* ---- a thread ----------------------------------------------------------- */

struct _ThawStepRow
{
  GtkWidget parent_instance;

  guint thread;
  GtkLabel *letter;
  GtkLabel *status;
  GtkButton *step, *run;
};

G_DEFINE_FINAL_TYPE (ThawStepRow, thaw_step_row, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_THREAD,
  PROP_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkWidget *
pill (const char *label)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  gtk_widget_add_css_class (button, "pill");
  return button;
}

static void
set_thread (ThawStepRow *self,
            guint        thread)
{
  char letter = (char) ('A' + thread);
  g_autofree char *text = g_strdup_printf ("%c", letter);
  /* Translators: a button that gives thread A (%c) one step. */
  g_autofree char *step = g_strdup_printf (_("Step %c"), letter);
  /* Translators: a button that lets thread A (%c) run to its end. */
  g_autofree char *run = g_strdup_printf (_("Run %c to Its End"), letter);
  g_autofree char *step_action = g_strdup_printf ("lesson.step-%c", g_ascii_tolower (letter));
  g_autofree char *run_action = g_strdup_printf ("lesson.run-%c", g_ascii_tolower (letter));

  self->thread = thread;
  gtk_label_set_text (self->letter, text);
  gtk_button_set_label (self->step, step);
  gtk_button_set_label (self->run, run);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->step), step_action);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->run), run_action);
}

void
thaw_step_row_set_status (ThawStepRow *self,
                          const char  *status)
{
  g_return_if_fail (THAW_IS_STEP_ROW (self));

  if (g_strcmp0 (status, gtk_label_get_text (self->status)) == 0)
    return;
  gtk_label_set_text (self->status, status != NULL ? status : "");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

const char *
thaw_step_row_get_status (ThawStepRow *self)
{
  g_return_val_if_fail (THAW_IS_STEP_ROW (self), NULL);

  return gtk_label_get_text (self->status);
}

static void
thaw_step_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ThawStepRow *self = THAW_STEP_ROW (object);

  switch (prop_id)
    {
    case PROP_THREAD:
      g_value_set_uint (value, self->thread);
      break;
    case PROP_STATUS:
      g_value_set_string (value, gtk_label_get_text (self->status));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_step_row_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  ThawStepRow *self = THAW_STEP_ROW (object);

  switch (prop_id)
    {
    case PROP_THREAD:
      set_thread (self, g_value_get_uint (value));
      break;
    case PROP_STATUS:
      thaw_step_row_set_status (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
unparent_children (GtkWidget *widget)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    gtk_widget_unparent (child);
}

static void
thaw_step_row_dispose (GObject *object)
{
  unparent_children (GTK_WIDGET (object));

  G_OBJECT_CLASS (thaw_step_row_parent_class)->dispose (object);
}

static void
thaw_step_row_class_init (ThawStepRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = thaw_step_row_get_property;
  object_class->set_property = thaw_step_row_set_property;
  object_class->dispose = thaw_step_row_dispose;

  properties[PROP_THREAD] =
    g_param_spec_uint ("thread", NULL, NULL, 0, 25, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "steprow");
}

static void
thaw_step_row_init (ThawStepRow *self)
{
  GtkWidget *column, *buttons;

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 12);

  self->letter = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_width_chars (self->letter, 2);
  gtk_widget_set_valign (GTK_WIDGET (self->letter), GTK_ALIGN_START);
  gtk_widget_add_css_class (GTK_WIDGET (self->letter), "title-4");
  gtk_widget_add_css_class (GTK_WIDGET (self->letter), "monospace");
  gtk_widget_set_parent (GTK_WIDGET (self->letter), GTK_WIDGET (self));

  /* Where the thread is, and under it its buttons, side by side while the
   * width allows. */
  column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_hexpand (column, TRUE);
  gtk_widget_set_parent (column, GTK_WIDGET (self));
  self->status = GTK_LABEL (gtk_label_new (_("Not started")));
  gtk_label_set_wrap (self->status, TRUE);
  gtk_label_set_xalign (self->status, 0);
  gtk_box_append (GTK_BOX (column), GTK_WIDGET (self->status));

  buttons = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 2);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_box_append (GTK_BOX (column), buttons);
  self->step = GTK_BUTTON (pill (NULL));
  self->run = GTK_BUTTON (pill (NULL));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons), GTK_WIDGET (self->step));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons), GTK_WIDGET (self->run));

  set_thread (self, 0);
}

/* ---- the buttons for every thread --------------------------------------- */

struct _ThawStepButtons
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (ThawStepButtons, thaw_step_buttons, GTK_TYPE_WIDGET)

static void
thaw_step_buttons_dispose (GObject *object)
{
  unparent_children (GTK_WIDGET (object));

  G_OBJECT_CLASS (thaw_step_buttons_parent_class)->dispose (object);
}

static void
thaw_step_buttons_class_init (ThawStepButtonsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = thaw_step_buttons_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
}

static void
thaw_step_buttons_init (ThawStepButtons *self)
{
  static const struct
  {
    const char *label, *action, *tooltip;
  } buttons[] = {
    { N_("Re_play at Speed"), "lesson.replay",
      N_("The last schedule that reached the goal or ran to the end, again, with new threads, a step every half second") },
    { N_("Try 1,000 Random Sc_hedules"), "lesson.random-schedules",
      N_("Run the threads a thousand times, each time choosing at random which one takes the next step, and count the runs that go wrong") },
    { N_("Run All _Free"), "lesson.run-both",
      N_("Let every thread run at once, as a real scheduler would") },
    { N_("_New Threads"), "lesson.new-threads", NULL },
  };
  GtkWidget *box = gtk_flow_box_new ();

  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (box), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (box), 4);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (box), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (box), 6);
  gtk_widget_set_parent (box, GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_(buttons[i].label));

      gtk_widget_add_css_class (button, "pill");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), buttons[i].action);
      if (buttons[i].tooltip != NULL)
        gtk_widget_set_tooltip_text (button, _(buttons[i].tooltip));
      gtk_flow_box_append (GTK_FLOW_BOX (box), button);
    }
}
