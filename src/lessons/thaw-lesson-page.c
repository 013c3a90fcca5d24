/* thaw-lesson-page.c — one lesson on screen: its Lesson and Source tabs
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Lesson tab shows the lesson's headline (the figure that carries its
 * point, at the top where it is seen without scrolling) and its own widget
 * (its controls and live view) among the texts every lesson has: summary,
 * the steps to try, explanation, and the idiom as a whole Python program
 * and a whole GLib program (both in the lesson's folder, both run by the
 * tests). The Source tab shows the
 * lesson's C file, compiled into the program as a resource, so what the
 * learner reads is exactly what runs.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "thaw-cull-box.h"
#include "thaw-figure.h"
#include "thaw-lesson-page.h"
#include "thaw-try-this.h"

struct _ThawLessonPage
{
  AdwBin parent_instance;

  AdwViewStack *stack;
  GtkLabel *title_label;
  GtkLabel *summary_label;
  ThawFigure *headline;
  AdwBin *lesson_bin;
  GtkLabel *explanation_label;
  GtkBox *steps_box;
  GtkSourceView *python_view;
  GtkSourceView *glib_view;
  GtkSourceView *source_view;
  GtkWidget *source_files_scroller;
  GtkBox *source_files;
  GtkToggleButton *first_source_file;

  /* What is below the lesson's controls, hidden until its turn to be shown:
   * see reveal_cb(). */
  GPtrArray *to_reveal;
  guint reveal_frames;

  const ThawLessonInfo *info;
  ThawLesson *lesson;

  /* The steps to try: each one's condition (NULL: it is for reading), its
   * mark and its label; and where they are ticked off. */
  GPtrArray *conditions;
  GPtrArray *step_marks;
  GPtrArray *step_labels;
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (ThawLessonPage, thaw_lesson_page, ADW_TYPE_BIN)

static void
update_style_scheme (GtkSourceView *view)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  const char *id = adw_style_manager_get_dark (manager) ? "Adwaita-dark" : "Adwaita";
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));

  gtk_source_buffer_set_style_scheme (buffer,
                                      gtk_source_style_scheme_manager_get_scheme (schemes, id));
}

static void
dark_changed_cb (ThawLessonPage *self)
{
  update_style_scheme (self->python_view);
  update_style_scheme (self->glib_view);
  update_style_scheme (self->source_view);
}

static void
set_code (GtkSourceView *view,
          const char    *language_id,
          const char    *text)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));
  g_autofree char *trimmed = g_strdup (text);

  g_strchomp (trimmed);
  gtk_source_buffer_set_language (buffer,
                                  gtk_source_language_manager_get_language (languages, language_id));
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (buffer), trimmed, -1);
}

/* Shows the resource at RESOURCE_BASE/lessons/NAME in a view. A file
 * missing from thaw.gresource.xml is a bug in Thaw, not something a learner
 * can fix: the tab itself says so. */
static void
load_code (GtkSourceView *view,
           const char    *language_id,
           const char    *name)
{
  g_autofree char *path = g_strconcat (RESOURCE_BASE "/lessons/", name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("The source of this lesson is missing: %s"), error->message);
      set_code (view, language_id, message);
      return;
    }

  set_code (view, language_id, g_bytes_get_data (bytes, NULL));
}

static void
source_file_toggled_cb (GtkToggleButton *button,
                        ThawLessonPage  *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "thaw-file");

  if (!gtk_toggle_button_get_active (button) || self->source_view == NULL)
    return;

  load_code (self->source_view, g_str_has_suffix (name, ".ui") ? "xml" : "c", name);
}

/* The Source tab: the lesson's work file first, then its page and the
 * page's template, one button each. The work file is loaded when the tab
 * is first shown (source_shown_cb), not while the lesson opens: it is
 * several hundred lines, and GtkSourceView highlights a file in idle
 * slices of up to 30 ms each. */
static void
add_source_files (ThawLessonPage *self)
{
  /* The stepped threads and their view, for a lesson that has them. */
  static const char *const suffixes[] = { "-work.c", "-page.c", "-page.ui",
                                          "-steps.c", "-scheduler.c", "-scheduler.ui" };
  GtkToggleButton *first = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s/%s%s", self->info->id, self->info->id, suffixes[i]);
      g_autofree char *path = g_strconcat (RESOURCE_BASE "/lessons/", name, NULL);
      GtkWidget *button;

      if (i >= 3 && !g_resources_get_info (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL, NULL, NULL))
        continue;
      button = gtk_toggle_button_new_with_label (name + strlen (self->info->id) + 1);

      g_object_set_data_full (G_OBJECT (button), "thaw-file", g_steal_pointer (&name), g_free);
      if (first != NULL)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), first);
      else
        first = GTK_TOGGLE_BUTTON (button);
      g_signal_connect (button, "toggled", G_CALLBACK (source_file_toggled_cb), self);
      gtk_box_append (self->source_files, button);
    }

  gtk_widget_set_visible (self->source_files_scroller, TRUE);
  self->first_source_file = first;
}

static void
source_shown_cb (ThawLessonPage *self)
{
  if (self->first_source_file == NULL
      || g_strcmp0 (adw_view_stack_get_visible_child_name (self->stack), "source") != 0)
    return;

  gtk_toggle_button_set_active (g_steal_pointer (&self->first_source_file), TRUE);
}

/* Each step's mark says whether it is done, for the eye and, in the
 * label's description, for a screen reader. */
static void
update_marks (ThawLessonPage *self)
{
  for (guint i = 0; i < self->conditions->len; i++)
    {
      GtkWidget *mark = g_ptr_array_index (self->step_marks, i);
      GtkWidget *label = g_ptr_array_index (self->step_labels, i);
      gboolean done;
      const char *state;

      if (g_ptr_array_index (self->conditions, i) == NULL)
        continue;
      done = thaw_try_progress_is_done (self->settings, self->info->id, i + 1);
      gtk_image_set_from_icon_name (GTK_IMAGE (mark), done ? "object-select-symbolic" : "radio-symbolic");
      if (done)
        {
          gtk_widget_add_css_class (mark, "success");
          gtk_widget_remove_css_class (mark, "dim-label");
        }
      else
        {
          gtk_widget_add_css_class (mark, "dim-label");
          gtk_widget_remove_css_class (mark, "success");
        }
      /* Translators: said by a screen reader after a "Try This" step. */
      state = done ? _("Done") : _("Not done yet");
      gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, state,
                                      -1);
      gtk_widget_set_tooltip_text (mark, state);
    }
}

/* Ticks the steps whose conditions hold now. @verb is that of the run that
 * just ended, if one did; the report, which asks the page for all its
 * figures, is built only if a step not yet done needs it, and only at a
 * checkpoint (@with_report), not for a knob turned. */
static void
check_steps (ThawLessonPage *self,
             const char     *verb,
             gboolean        with_report)
{
  g_autoptr(JsonObject) report = NULL;

  for (guint i = 0; i < self->conditions->len; i++)
    {
      const ThawTryCondition *condition = g_ptr_array_index (self->conditions, i);

      if (condition == NULL || thaw_try_progress_is_done (self->settings, self->info->id, i + 1))
        continue;
      if (thaw_try_condition_needs_report (condition))
        {
          if (!with_report)
            continue;
          if (report == NULL)
            {
              g_autoptr(JsonBuilder) builder = json_builder_new ();
              g_autoptr(JsonNode) root = NULL;

              json_builder_begin_object (builder);
              thaw_lesson_report (self->lesson, builder);
              json_builder_end_object (builder);
              root = json_builder_get_root (builder);
              report = json_object_ref (json_node_get_object (root));
            }
        }
      if (thaw_try_condition_met (condition, G_OBJECT (self->lesson), verb, report))
        thaw_try_progress_mark (self->settings, self->info->id, i + 1);
    }
}

static void
checkpoint_cb (ThawLessonPage *self,
               const char     *verb)
{
  check_steps (self, verb, TRUE);
}

static void
knob_changed_cb (ThawLessonPage *self)
{
  check_steps (self, NULL, FALSE);
}

static void
add_steps (ThawLessonPage *self)
{
  const char *const *steps = self->info->steps;
  gboolean some_to_read = FALSE, some_to_tick = FALSE;

  self->conditions = g_ptr_array_new_with_free_func ((GDestroyNotify) thaw_try_condition_free);
  self->step_marks = g_ptr_array_new ();
  self->step_labels = g_ptr_array_new ();

  for (guint i = 0; steps[i] != NULL; i++)
    {
      g_autofree char *text = NULL;
      GtkWidget *row, *mark, *label;
      /* The file's conditions were read as the lessons were: one that does
       * not parse was a critical then, and reads as none here. */
      ThawTryCondition *condition = *self->info->conditions[i] != '\0'
                                    ? thaw_try_condition_parse (self->info->conditions[i], NULL) : NULL;

      /* Translators: a numbered step, e.g. "1. Click Start." */
      text = g_strdup_printf (_("%u. %s"), i + 1, _(steps[i]));
      label = gtk_label_new (text);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      /* As the explanation's in thaw-lesson-page.ui: bounds that keep
       * measuring a wrapping label cheap. */
      gtk_label_set_width_chars (GTK_LABEL (label), 20);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 90);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_set_hexpand (label, TRUE);

      /* The mark is seen; the label's description says it. */
      mark = g_object_new (GTK_TYPE_IMAGE, "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);
      gtk_widget_set_valign (mark, GTK_ALIGN_START);
      gtk_widget_add_css_class (mark, "step-mark");
      row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      gtk_box_append (GTK_BOX (row), mark);
      gtk_box_append (GTK_BOX (row), label);
      gtk_box_append (self->steps_box, row);

      if (condition != NULL)
        {
          for (guint t = 0; t < thaw_try_condition_get_n_terms (condition); t++)
            {
              const ThawTryTerm *term = thaw_try_condition_get_term (condition, t);
              g_autofree char *signal = NULL;

              if (term->kind != THAW_TRY_KNOB)
                continue;
              signal = g_strconcat ("notify::", term->name, NULL);
              g_signal_connect_object (self->lesson, signal, G_CALLBACK (knob_changed_cb),
                                       self, G_CONNECT_SWAPPED);
            }
          some_to_tick = TRUE;
        }
      else
        {
          gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                          GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                          /* Translators: said by a screen reader after a
                                           * "Try This" step that has no mark. */
                                          _("For reading: it does not tick"),
                                          -1);
          some_to_read = TRUE;
        }
      g_ptr_array_add (self->conditions, condition);
      g_ptr_array_add (self->step_marks, mark);
      g_ptr_array_add (self->step_labels, label);
    }

  if (some_to_read)
    {
      GtkWidget *note = gtk_label_new (some_to_tick
                                       ? _("A step with a circle ticks itself when you have done it; the others are for reading.")
                                       : _("These steps are for reading: none ticks itself."));

      gtk_label_set_wrap (GTK_LABEL (note), TRUE);
      gtk_label_set_xalign (GTK_LABEL (note), 0);
      gtk_label_set_width_chars (GTK_LABEL (note), 20);
      gtk_label_set_max_width_chars (GTK_LABEL (note), 90);
      gtk_widget_add_css_class (note, "caption");
      gtk_widget_add_css_class (note, "dim-label");
      gtk_box_append (self->steps_box, note);
    }

  g_signal_connect_object (self->settings, "changed::done-steps", G_CALLBACK (update_marks),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->lesson, "checkpoint", G_CALLBACK (checkpoint_cb),
                           self, G_CONNECT_SWAPPED);
  update_marks (self);
}

static void
headline_changed_cb (ThawLessonPage *self)
{
  const char *caption, *detail;
  const char *value = thaw_lesson_get_headline (self->lesson, &caption, &detail);

  g_object_set (self->headline, "caption", caption, "value", value, "detail", detail, NULL);
}

/* GtkSourceView 5.6 never frees a view whose gutter has renderers: each
 * renderer holds a reference to the view, and so does the gutter's cache of
 * lines once it has drawn. The view holds its buffer, and the Source tab's
 * buffer is the lesson's whole file with its highlighting: a few hundred
 * kilobytes for every lesson opened. Taking the renderers out lets the view
 * and its buffer go; if the Source tab was drawn, the view itself stays,
 * but without the buffer. */
static void
release_source_view (GtkSourceView *view)
{
  GtkSourceGutter *gutter = gtk_source_view_get_gutter (view, GTK_TEXT_WINDOW_LEFT);
  GtkWidget *renderer;

  while ((renderer = gtk_widget_get_first_child (GTK_WIDGET (gutter))) != NULL)
    gtk_source_gutter_remove (gutter, GTK_SOURCE_GUTTER_RENDERER (renderer));

  gtk_text_view_set_buffer (GTK_TEXT_VIEW (view), NULL);
}

/* Opening a lesson lays out and draws what is above the fold in its first
 * frame, and the rest (Try This, How It Works, the programs) one widget a
 * frame after it: shaping the prose and the programs' text for their first
 * layout held that first frame for 30-90 ms, a visible hitch at every
 * lesson opened. A tick callback runs before the frame's layout, so what it
 * shows is laid out in that same frame. */
static gboolean
reveal_cb (GtkWidget     *widget,
           GdkFrameClock *frame_clock,
           gpointer       user_data)
{
  ThawLessonPage *self = THAW_LESSON_PAGE (widget);

  /* The first frame is the page's own. */
  if (self->reveal_frames++ == 0)
    return G_SOURCE_CONTINUE;

  gtk_widget_set_visible (g_ptr_array_steal_index (self->to_reveal, 0), TRUE);
  return self->to_reveal->len > 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* Hides what follows the lesson's controls, for reveal_cb(). */
static void
reveal_later (ThawLessonPage *self)
{
  self->to_reveal = g_ptr_array_new ();
  for (GtkWidget *next = gtk_widget_get_next_sibling (GTK_WIDGET (self->lesson_bin));
       next != NULL;
       next = gtk_widget_get_next_sibling (next))
    if (gtk_widget_get_visible (next))
      {
        gtk_widget_set_visible (next, FALSE);
        g_ptr_array_add (self->to_reveal, next);
      }
  if (self->to_reveal->len > 0)
    gtk_widget_add_tick_callback (GTK_WIDGET (self), reveal_cb, NULL, NULL);
}

static void
thaw_lesson_page_dispose (GObject *object)
{
  ThawLessonPage *self = THAW_LESSON_PAGE (object);

  g_clear_pointer (&self->to_reveal, g_ptr_array_unref);
  g_clear_pointer (&self->conditions, g_ptr_array_unref);
  g_clear_pointer (&self->step_marks, g_ptr_array_unref);
  g_clear_pointer (&self->step_labels, g_ptr_array_unref);
  g_clear_object (&self->settings);

  if (self->source_view != NULL)
    release_source_view (g_steal_pointer (&self->source_view));

  /* AdwBin destroys the template's tree with its child; only the pointers
   * into it are left to clear. */
  self->lesson = NULL;

  G_OBJECT_CLASS (thaw_lesson_page_parent_class)->dispose (object);
}

static void
thaw_lesson_page_class_init (ThawLessonPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = thaw_lesson_page_dispose;

  g_type_ensure (GTK_SOURCE_TYPE_VIEW);

  g_type_ensure (THAW_TYPE_CULL_BOX);
  g_type_ensure (THAW_TYPE_FIGURE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/lessons/thaw-lesson-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ThawLessonPage, stack);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonPage, headline);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonPage, lesson_bin);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonPage, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonPage, steps_box);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonPage, python_view);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonPage, glib_view);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonPage, source_view);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonPage, source_files_scroller);
  gtk_widget_class_bind_template_child (widget_class, ThawLessonPage, source_files);
}

static void
thaw_lesson_page_init (ThawLessonPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (dark_changed_cb), self, G_CONNECT_SWAPPED);
  dark_changed_cb (self);
}

/**
 * thaw_lesson_page_new:
 * @info: the lesson to show
 * @heartbeat: (nullable): the application's heartbeat, for the lesson
 *
 * Returns: (transfer floating): a new page
 */
GtkWidget *
thaw_lesson_page_new (const ThawLessonInfo *info,
                      ThawHeartbeat        *heartbeat)
{
  ThawLessonPage *self;
  g_autofree char *python = NULL;
  g_autofree char *explanation = NULL;
  g_autofree char *glib = NULL;

  g_return_val_if_fail (info != NULL, NULL);

  self = g_object_new (THAW_TYPE_LESSON_PAGE, NULL);
  self->info = info;

  gtk_label_set_label (self->title_label, _(info->title));
  gtk_label_set_label (self->summary_label, _(info->summary));
  explanation = thaw_lesson_info_dup_explanation (info);
  gtk_label_set_markup (self->explanation_label, explanation);
  python = g_strdup_printf ("%s/%s-python.py", info->id, info->id);
  glib = g_strdup_printf ("%s/%s-glib.c", info->id, info->id);
  load_code (self->python_view, "python3", python);
  load_code (self->glib_view, "c", glib);
  add_source_files (self);
  g_signal_connect_object (self->stack, "notify::visible-child-name",
                           G_CALLBACK (source_shown_cb), self, G_CONNECT_SWAPPED);

  reveal_later (self);
  self->lesson = g_object_new (info->get_type (), "heartbeat", heartbeat, NULL);
  adw_bin_set_child (self->lesson_bin, GTK_WIDGET (self->lesson));
  self->settings = g_settings_new (APP_ID);
  add_steps (self);
  /* Until the first run, the headline says what to do first. */
  if (info->steps[0] != NULL)
    thaw_figure_set_detail (self->headline, _(info->steps[0]));
  g_signal_connect_object (self->lesson, "headline-changed", G_CALLBACK (headline_changed_cb),
                           self, G_CONNECT_SWAPPED);

  return GTK_WIDGET (self);
}

const ThawLessonInfo *
thaw_lesson_page_get_info (ThawLessonPage *self)
{
  g_return_val_if_fail (THAW_IS_LESSON_PAGE (self), NULL);

  return self->info;
}

/**
 * thaw_lesson_page_get_lesson:
 * @self: a page
 *
 * Returns: (transfer none): the lesson's widget
 */
ThawLesson *
thaw_lesson_page_get_lesson (ThawLessonPage *self)
{
  g_return_val_if_fail (THAW_IS_LESSON_PAGE (self), NULL);

  return self->lesson;
}

/**
 * thaw_lesson_page_get_stack:
 * @self: a page
 *
 * Returns: (transfer none): the stack of the Lesson and Source tabs, for
 *   the window's view switchers
 */
AdwViewStack *
thaw_lesson_page_get_stack (ThawLessonPage *self)
{
  g_return_val_if_fail (THAW_IS_LESSON_PAGE (self), NULL);

  return self->stack;
}

/**
 * thaw_lesson_page_is_whole:
 * @self: a page
 *
 * Returns: whether everything of the Lesson tab is shown: a page opened
 *   shows what is below the lesson's controls over the frames after its
 *   first (see reveal_cb())
 */
gboolean
thaw_lesson_page_is_whole (ThawLessonPage *self)
{
  g_return_val_if_fail (THAW_IS_LESSON_PAGE (self), FALSE);

  return self->to_reveal == NULL || self->to_reveal->len == 0;
}
