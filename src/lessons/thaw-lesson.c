/* thaw-lesson.c — what a lesson is, and the table of all lessons
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "thaw-bar-chart.h"
#include "thaw-figure.h"
#include "thaw-lesson.h"
#include "thaw-run-log.h"
#include "thaw-sparkline.h"
#include "thaw-step-listing.h"
#include "thaw-thread-timeline.h"
#include "thaw-try-this.h"

/* The lessons in course order, from lesson_ids in meson.build: each
 * one's id and the type of its page. */
typedef struct
{
  const char *id;
  GType (*get_type) (void);
} LessonEntry;

#include "thaw-lesson-table.h"

static ThawLessonInfo lessons[G_N_ELEMENTS (lesson_table)];
static const ThawLessonInfo *lesson_pointers[G_N_ELEMENTS (lesson_table)];

/* Reading ID.lesson: every element's text, with each run of white space
 * read as one space, as xgettext reads it for the catalogue. */
typedef struct
{
  ThawLessonInfo *info;
  GString *text;
  GPtrArray *paragraphs;
  GPtrArray *steps;
  GPtrArray *conditions;
  char *when;             /* the step being read's, or NULL */
} LessonReader;

static char *
normalize_space (const char *text)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \t\r\n", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) kept = NULL;

  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      g_strv_builder_add (builder, words[i]);
  kept = g_strv_builder_end (builder);

  return g_strjoinv (" ", kept);
}

static void
lesson_start_element (GMarkupParseContext  *context,
                      const char           *element,
                      const char          **names,
                      const char          **values,
                      gpointer              user_data,
                      GError              **error)
{
  static const char *const parts[] = { NULL, "freeze", "control", "sharing", "lots" };
  LessonReader *reader = user_data;
  const char *id, *part;

  g_string_truncate (reader->text, 0);
  if (g_str_equal (element, "step"))
    {
      const char *when = NULL;

      g_clear_pointer (&reader->when, g_free);
      if (g_markup_collect_attributes (element, names, values, error,
                                       G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL, "when", &when,
                                       G_MARKUP_COLLECT_INVALID))
        reader->when = g_strdup (when);
      return;
    }
  if (!g_str_equal (element, "lesson"))
    return;

  if (!g_markup_collect_attributes (element, names, values, error,
                                    G_MARKUP_COLLECT_STRING, "id", &id,
                                    G_MARKUP_COLLECT_STRING, "part", &part,
                                    G_MARKUP_COLLECT_INVALID))
    return;

  if (!g_str_equal (id, reader->info->id))
    g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                 "the file is for the lesson “%s”", id);
  for (guint i = THAW_PART_FREEZE; i < G_N_ELEMENTS (parts); i++)
    if (g_str_equal (part, parts[i]))
      reader->info->part = i;
  if (reader->info->part == 0)
    g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                 "no part of the course is called “%s”", part);
}

static void
lesson_text (GMarkupParseContext  *context,
             const char           *text,
             gsize                 length,
             gpointer              user_data,
             GError              **error)
{
  g_string_append_len (((LessonReader *) user_data)->text, text, length);
}

static void
lesson_end_element (GMarkupParseContext  *context,
                    const char           *element,
                    gpointer              user_data,
                    GError              **error)
{
  LessonReader *reader = user_data;
  ThawLessonInfo *info = reader->info;
  char *text = normalize_space (reader->text->str);

  if (g_str_equal (element, "title"))
    info->title = text;
  else if (g_str_equal (element, "summary"))
    info->summary = text;
  else if (g_str_equal (element, "keywords"))
    info->keywords = text;
  else if (g_str_equal (element, "p"))
    g_ptr_array_add (reader->paragraphs, text);
  else if (g_str_equal (element, "step"))
    {
      g_autoptr(ThawTryCondition) condition = NULL;
      g_autoptr(GError) local_error = NULL;

      g_ptr_array_add (reader->steps, text);
      /* A condition that does not parse never ticks: said loudly, at
       * once, where the tests (fatal criticals) cannot miss it. */
      if (reader->when != NULL &&
          (condition = thaw_try_condition_parse (reader->when, &local_error)) == NULL)
        g_critical ("lessons/%s/%s.lesson, step %u: %s", info->id, info->id,
                    reader->steps->len, local_error->message);
      g_ptr_array_add (reader->conditions, reader->when != NULL ? g_steal_pointer (&reader->when) : g_strdup (""));
    }
  else
    g_free (text);
  g_string_truncate (reader->text, 0);
}

/* The texts are part of the program: a lesson whose file is missing or
 * broken is a bug that the tests meet first. They are kept for the life of
 * the program. */
static void
read_lesson (ThawLessonInfo   *info,
             const LessonEntry *entry)
{
  static const GMarkupParser parser = {
    lesson_start_element, lesson_end_element, lesson_text, NULL, NULL,
  };
  g_autofree char *path = g_strdup_printf (RESOURCE_BASE "/lessons/%s/%s.lesson", entry->id, entry->id);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;
  LessonReader reader = { info, g_string_new (NULL), g_ptr_array_new (), g_ptr_array_new (),
                          g_ptr_array_new (), NULL };
  gsize size;
  const char *data;

  *info = (ThawLessonInfo) { .id = entry->id, .get_type = entry->get_type };
  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes != NULL)
    {
      data = g_bytes_get_data (bytes, &size);
      context = g_markup_parse_context_new (&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &reader, NULL);
      if (g_markup_parse_context_parse (context, data, size, &error))
        g_markup_parse_context_end_parse (context, &error);
    }
  if (error == NULL && (info->title == NULL || info->summary == NULL || info->keywords == NULL ||
                        reader.paragraphs->len == 0 || reader.steps->len == 0))
    error = g_error_new_literal (G_MARKUP_ERROR, G_MARKUP_ERROR_MISSING_ATTRIBUTE,
                                 "it needs a title, a summary, keywords, an explanation and steps");
  if (error != NULL)
    g_error ("%s: %s", path, error->message);

  g_ptr_array_add (reader.paragraphs, NULL);
  g_ptr_array_add (reader.steps, NULL);
  g_ptr_array_add (reader.conditions, NULL);
  info->conditions = (const char *const *) g_ptr_array_free (reader.conditions, FALSE);
  g_free (reader.when);
  info->paragraphs = (const char *const *) g_ptr_array_free (reader.paragraphs, FALSE);
  info->steps = (const char *const *) g_ptr_array_free (reader.steps, FALSE);
  info->explanation = g_strjoinv ("\n\n", (char **) info->paragraphs);
  g_string_free (reader.text, TRUE);
}

/**
 * thaw_lessons_get_all:
 * @n_lessons: (out): the number of lessons
 *
 * Returns: (transfer none) (array length=n_lessons): every lesson, in
 *   course order
 */
const ThawLessonInfo *const *
thaw_lessons_get_all (guint *n_lessons)
{
  static gsize read;

  if (g_once_init_enter (&read))
    {
      for (guint i = 0; i < G_N_ELEMENTS (lesson_table); i++)
        {
          read_lesson (&lessons[i], &lesson_table[i]);
          lesson_pointers[i] = &lessons[i];
        }
      g_once_init_leave (&read, 1);
    }

  *n_lessons = G_N_ELEMENTS (lesson_pointers);
  return lesson_pointers;
}

/**
 * thaw_lesson_info_dup_explanation:
 * @info: a lesson
 *
 * Returns: (transfer full): the explanation in the learner's language, its
 *   paragraphs joined by blank lines, as Pango markup
 */
char *
thaw_lesson_info_dup_explanation (const ThawLessonInfo *info)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) paragraphs = NULL;

  for (guint i = 0; info->paragraphs[i] != NULL; i++)
    g_strv_builder_add (builder, _(info->paragraphs[i]));
  paragraphs = g_strv_builder_end (builder);

  return g_strjoinv ("\n\n", paragraphs);
}

/**
 * thaw_lessons_find:
 * @id: a lesson id
 *
 * Returns: (transfer none) (nullable): the lesson with that id
 */
const ThawLessonInfo *
thaw_lessons_find (const char *id)
{
  const ThawLessonInfo *const *all;
  guint n;

  g_return_val_if_fail (id != NULL, NULL);

  all = thaw_lessons_get_all (&n);
  for (guint i = 0; i < n; i++)
    if (g_str_equal (all[i]->id, id))
      return all[i];

  return NULL;
}

const char *
thaw_part_get_title (ThawPart part)
{
  switch (part)
    {
    case THAW_PART_FREEZE:
      return _("I. Why GUIs Freeze");
    case THAW_PART_CONTROL:
      return _("II. Controlling Threads");
    case THAW_PART_SHARING:
      return _("III. Sharing Data");
    case THAW_PART_LOTS:
      return _("IV. Lots of Work");
    default:
      g_return_val_if_reached (NULL);
    }
}

static gboolean
text_matches (const char *text,
              const char *folded_query)
{
  g_autofree char *folded = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;

  folded = g_utf8_casefold (text, -1);
  return strstr (folded, folded_query) != NULL;
}

/**
 * thaw_query_matches:
 * @query: (nullable): what the learner typed
 * @texts: (array zero-terminated=1): the texts to look in
 *
 * Every word of @query must appear in one of @texts, ignoring case.
 *
 * Returns: whether @texts match @query; an empty query matches anything
 */
gboolean
thaw_query_matches (const char        *query,
                    const char *const *texts)
{
  g_autofree char *folded_query = NULL;
  g_auto(GStrv) words = NULL;

  if (query == NULL)
    return TRUE;

  folded_query = g_utf8_casefold (query, -1);
  words = g_strsplit_set (folded_query, " \t", -1);

  for (guint i = 0; words[i] != NULL; i++)
    {
      gboolean found = FALSE;

      if (*words[i] == '\0')
        continue;

      for (guint j = 0; texts[j] != NULL && !found; j++)
        found = text_matches (texts[j], words[i]);
      if (!found)
        return FALSE;
    }

  return TRUE;
}

/**
 * thaw_lesson_info_matches:
 * @info: a lesson
 * @query: what the learner typed
 *
 * A lesson matches when every word of @query appears in its id, title,
 * summary or keywords, translated or in English, ignoring case.
 *
 * Returns: whether @info should be listed for @query
 */
gboolean
thaw_lesson_info_matches (const ThawLessonInfo *info,
                          const char           *query)
{
  g_return_val_if_fail (info != NULL, FALSE);

  return thaw_query_matches (query, (const char *[]) {
                               info->id,
                               info->title, _(info->title),
                               info->summary, _(info->summary),
                               info->keywords, _(info->keywords),
                               NULL
                             });
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/**
 * thaw_lesson_info_list_verbs:
 * @info: a lesson
 *
 * Lists the verbs of the lesson's `lesson.*` actions, as `--activate`
 * accepts them. This looks at the widget class only; no display is needed.
 *
 * Returns: (transfer full): the verbs, sorted
 */
char **
thaw_lesson_info_list_verbs (const ThawLessonInfo *info)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GTypeClass) klass = NULL;
  char **verbs;
  const char *name;
  const char *property_name;
  const GVariantType *parameter_type;
  GType owner;

  g_return_val_if_fail (info != NULL, NULL);

  klass = g_type_class_ref (info->get_type ());
  /* GTK 4.8 writes every out argument: none of them may be NULL. */
  for (guint i = 0;
       gtk_widget_class_query_action (GTK_WIDGET_CLASS (klass), i, &owner, &name,
                                      &parameter_type, &property_name);
       i++)
    {
      if (g_str_has_prefix (name, "lesson."))
        g_strv_builder_add (builder, name + strlen ("lesson."));
    }

  verbs = g_strv_builder_end (builder);
  qsort (verbs, g_strv_length (verbs), sizeof (char *), compare_strings);
  return verbs;
}

gboolean
thaw_lesson_info_has_verb (const ThawLessonInfo *info,
                           const char           *verb)
{
  g_auto(GStrv) verbs = thaw_lesson_info_list_verbs (info);

  return verb != NULL && g_strv_contains ((const char * const *) verbs, verb);
}

/* The base class of every lesson's widget. */

typedef struct
{
  ThawHeartbeat *heartbeat;
  gboolean busy;

  /* The runs, for lessons that install run actions. */
  ThawRunState run_state;
  const char *run_mode;
  const char *acting_verb;       /* the run action being handled, interned */
  const char *run_verb;          /* the one that began this run */
  const char *checkpoint_verb;   /* of the checkpoint due */
  guint checkpoint_id;
  gint64 run_started_at;
  double run_seconds;
  guint n_runs;

  /* The headline: the figure that carries the lesson's point, at the top
   * of its page. */
  char *headline_caption;
  char *headline_value;
  char *headline_detail;
  gboolean headline_from_page;   /* this run's is the page's own */
  char *logged_title;            /* this run's title in its run log */
  guint headline_id;             /* the default headline, due */
} ThawLessonPrivate;

/* How long after a run its default headline is measured: a beat the run
 * held up comes in first (as in ThawRunLog). */
#define HEADLINE_DELAY_MS 150

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (ThawLesson, thaw_lesson, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_HEARTBEAT,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_HEADLINE_CHANGED,
  SIGNAL_CHECKPOINT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static G_DEFINE_QUARK (thaw-lesson-template, lesson_template)

/**
 * thaw_lesson_class_set_template:
 * @klass: a lesson's class
 * @id: the lesson's id
 *
 * Gives the lesson's page its template, `lessons/ID/ID-page.ui` in the
 * GResource. ThawLesson disposes of the template's widgets when the page
 * is disposed, after the page's own dispose, which stops its work first.
 */
void
thaw_lesson_class_set_template (ThawLessonClass *klass,
                                const char      *id)
{
  g_autofree char *path = g_strdup_printf (RESOURCE_BASE "/lessons/%s/%s-page.ui", id, id);

  gtk_widget_class_set_template_from_resource (GTK_WIDGET_CLASS (klass), path);
  g_type_set_qdata (G_TYPE_FROM_CLASS (klass), lesson_template_quark (), GINT_TO_POINTER (TRUE));
}

/* Where a page keeps its work, and how to stop and free it. */
typedef struct
{
  gsize offset;
  GDestroyNotify stop_func;
  GDestroyNotify free_func;
} WorkSlot;

static G_DEFINE_QUARK (thaw-lesson-work, lesson_work)

/* The page's work slot, and in @type the page's class that set it. */
static WorkSlot *
find_work_slot (ThawLesson *self,
                GType      *type)
{
  for (*type = G_OBJECT_TYPE (self); *type != THAW_TYPE_LESSON; *type = g_type_parent (*type))
    {
      WorkSlot *slot = g_type_get_qdata (*type, lesson_work_quark ());

      if (slot != NULL)
        return slot;
    }
  return NULL;
}

/* The page's status line: its template's "status" label, if it has one. */
static void
set_status (ThawLesson *self,
            const char *text)
{
  for (GType type = G_OBJECT_TYPE (self); type != THAW_TYPE_LESSON; type = g_type_parent (type))
    {
      GObject *status = gtk_widget_get_template_child (GTK_WIDGET (self), type, "status");

      if (GTK_IS_LABEL (status))
        {
          gtk_label_set_text (GTK_LABEL (status), text);
          return;
        }
    }
}

/* lesson.stop, for a page that gave thaw_lesson_class_set_work() a stop
 * function: ask the work to stop, and say so in the page's status line
 * (the template's "status" label) and in the Stop button, greyed out
 * ("Already stopping") until the run ends: asked once is enough. The
 * work's last delivery ends the run. */
static void
work_stop_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  GType type;
  WorkSlot *slot = find_work_slot (THAW_LESSON (widget), &type);
  gpointer work = G_STRUCT_MEMBER (gpointer, widget, slot->offset);

  if (work == NULL)
    return;

  slot->stop_func (work);
  gtk_widget_action_set_enabled (widget, "lesson.stop", FALSE);
  set_status (THAW_LESSON (widget), _("Stopping…"));
}

/**
 * thaw_lesson_class_set_work:
 * @klass: a lesson's class
 * @offset: where the page keeps the pointer to its work, e.g.
 *   `G_STRUCT_OFFSET (ThawLessonFreeze, work)`; NULL while nothing runs
 * @stop_func: (nullable): the work's stop function, or %NULL if the page
 *   installs `lesson.stop` itself
 * @free_func: the work's free function
 *
 * With @stop_func, `lesson.stop` (enabled while the lesson is busy) calls
 * it on the work, writes "Stopping…" in the template's `status` label and
 * disables itself until the next run.
 *
 * The window may close mid-run. When the page is disposed, after its own
 * dispose if it has one, ThawLesson frees the work with @free_func, which
 * stops and joins the work's threads, and leaves NULL in its place; a
 * delivery the work had already scheduled then calls nobody.
 */
void
thaw_lesson_class_set_work (ThawLessonClass *klass,
                            gsize            offset,
                            GDestroyNotify   stop_func,
                            GDestroyNotify   free_func)
{
  WorkSlot *slot = g_new (WorkSlot, 1);   /* kept as long as the class */

  *slot = (WorkSlot) { offset, stop_func, free_func };
  g_type_set_qdata (G_TYPE_FROM_CLASS (klass), lesson_work_quark (), slot);
  if (stop_func != NULL)
    gtk_widget_class_install_action (GTK_WIDGET_CLASS (klass), "lesson.stop", NULL, work_stop_cb);
}

/* What else a page keeps that ThawLesson lets go of for it. */
typedef struct
{
  gsize offset;
  GDestroyNotify free_func;   /* NULL: a main-loop source id */
} OwnedSlot;

static G_DEFINE_QUARK (thaw-lesson-owned, lesson_owned)

static void
add_owned_slot (ThawLessonClass *klass,
                gsize            offset,
                GDestroyNotify   free_func)
{
  GType type = G_TYPE_FROM_CLASS (klass);
  GArray *slots = g_type_get_qdata (type, lesson_owned_quark ());

  if (slots == NULL)
    {
      slots = g_array_new (FALSE, FALSE, sizeof (OwnedSlot));   /* kept as long as the class */
      g_type_set_qdata (type, lesson_owned_quark (), slots);
    }
  g_array_append_val (slots, ((OwnedSlot) { offset, free_func }));
}

/**
 * thaw_lesson_class_own:
 * @klass: a lesson's class
 * @offset: where the page keeps a pointer, e.g.
 *   `G_STRUCT_OFFSET (ThawLessonRace, timeline)`
 * @free_func: how to free what it points to
 *
 * When the page is disposed, after its work is freed and before its
 * template's widgets go, ThawLesson frees what the pointer holds, if
 * anything, and leaves NULL. A page that owns only such things needs no
 * dispose function of its own.
 */
void
thaw_lesson_class_own (ThawLessonClass *klass,
                       gsize            offset,
                       GDestroyNotify   free_func)
{
  g_return_if_fail (free_func != NULL);

  add_owned_slot (klass, offset, free_func);
}

/**
 * thaw_lesson_class_own_source:
 * @klass: a lesson's class
 * @offset: where the page keeps a #guint source id (a timeout's), 0 when
 *   none is set
 *
 * Like thaw_lesson_class_own(): when the page is disposed, the source is
 * removed, so that it never calls a page that is gone.
 */
void
thaw_lesson_class_own_source (ThawLessonClass *klass,
                              gsize            offset)
{
  add_owned_slot (klass, offset, NULL);
}

static void
free_owned (ThawLesson *self)
{
  for (GType type = G_OBJECT_TYPE (self); type != THAW_TYPE_LESSON; type = g_type_parent (type))
    {
      GArray *slots = g_type_get_qdata (type, lesson_owned_quark ());

      for (guint i = 0; slots != NULL && i < slots->len; i++)
        {
          OwnedSlot *slot = &g_array_index (slots, OwnedSlot, i);

          if (slot->free_func != NULL)
            g_clear_pointer ((gpointer *) G_STRUCT_MEMBER_P (self, slot->offset), slot->free_func);
          else
            g_clear_handle_id ((guint *) G_STRUCT_MEMBER_P (self, slot->offset), g_source_remove);
        }
    }
}

static void
thaw_lesson_dispose (GObject *object)
{
  ThawLesson *self = THAW_LESSON (object);
  ThawLessonPrivate *priv = thaw_lesson_get_instance_private (self);
  GType work_type;
  WorkSlot *slot = find_work_slot (self, &work_type);

  if (slot != NULL)
    g_clear_pointer ((gpointer *) G_STRUCT_MEMBER_P (self, slot->offset), slot->free_func);
  free_owned (self);
  /* The work is gone first: nothing it delivers can reach these widgets. */
  for (GType type = G_OBJECT_TYPE (self); type != THAW_TYPE_LESSON; type = g_type_parent (type))
    if (g_type_get_qdata (type, lesson_template_quark ()) != NULL)
      gtk_widget_dispose_template (GTK_WIDGET (self), type);
  g_clear_object (&priv->heartbeat);
  g_clear_handle_id (&priv->headline_id, g_source_remove);
  g_clear_handle_id (&priv->checkpoint_id, g_source_remove);
  g_clear_pointer (&priv->headline_caption, g_free);
  g_clear_pointer (&priv->headline_value, g_free);
  g_clear_pointer (&priv->headline_detail, g_free);
  g_clear_pointer (&priv->logged_title, g_free);

  G_OBJECT_CLASS (thaw_lesson_parent_class)->dispose (object);
}

static void
thaw_lesson_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  ThawLesson *self = THAW_LESSON (object);
  ThawLessonPrivate *priv = thaw_lesson_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_HEARTBEAT:
      g_value_set_object (value, priv->heartbeat);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, priv->busy);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_lesson_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  ThawLesson *self = THAW_LESSON (object);
  ThawLessonPrivate *priv = thaw_lesson_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_HEARTBEAT:
      g_set_object (&priv->heartbeat, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* GTK 4.8 names a button made with a mnemonic twice: by its label
 * property, which keeps the underline ("_Stop"), and by the label child
 * that shows the text and, being the mnemonic's label, labels the button;
 * a screen reader says "_Stop Stop". The label child alone gives the name a
 * sighted user reads. Lessons make their buttons with mnemonics in their
 * init functions, so by the time the lesson is constructed they are all
 * there to tidy. */
static void
drop_mnemonic_labels (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget) &&
      gtk_button_get_use_underline (GTK_BUTTON (widget)) &&
      gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    drop_mnemonic_labels (child);
}

/* The names of the actions that start a run, per lesson class: they are
 * disabled while a run goes on. Kept on the type, like the class itself,
 * for the life of the program. */
static GPtrArray *
get_run_actions (GType type)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("thaw-lesson-run-actions");

  for (; type != 0 && type != THAW_TYPE_LESSON; type = g_type_parent (type))
    {
      GPtrArray *actions = g_type_get_qdata (type, quark);

      if (actions != NULL)
        return actions;
    }

  return NULL;
}

static void
set_run_actions_enabled (ThawLesson *self,
                         gboolean    enabled)
{
  GPtrArray *actions = get_run_actions (G_OBJECT_TYPE (self));

  for (guint i = 0; actions != NULL && i < actions->len; i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), g_ptr_array_index (actions, i), enabled);
}

/* Why a verb does nothing now, unless the page knows better: Stop while
 * nothing runs, and anything else that is greyed out either while a run
 * goes on or while none does. */
static char *
thaw_lesson_real_dup_verb_disabled_reason (ThawLesson *self,
                                           const char *verb)
{
  ThawLessonPrivate *priv = thaw_lesson_get_instance_private (self);

  if (g_str_equal (verb, "stop") && !priv->busy)
    return g_strdup (_("Nothing is running: start a run first"));
  if (g_str_equal (verb, "stop"))
    return g_strdup (_("Already stopping: the run ends as soon as its threads notice"));
  if (priv->busy)
    return g_strdup (_("A run is going on: wait for it to end, or stop it"));

  return g_strdup (_("Nothing is running: start a run first"));
}

/* GTK greys out a button whose action is disabled and says no more. Each
 * `lesson.*` button says why in its tooltip instead, which GTK shows on a
 * greyed-out widget too (and gives screen readers as its description);
 * its own tooltip, if it has one, comes back once it can be used. The
 * button's sensitivity follows its action's enabled state, so that is what
 * is watched; the busy state changes the reasons, so it refreshes them. */
#define OWN_TOOLTIP_KEY "thaw-lesson-own-tooltip"

static void
explain_button (ThawLesson *self,
                GtkWidget  *button)
{
  const char *action_name = gtk_actionable_get_action_name (GTK_ACTIONABLE (button));
  g_autofree char *reason = NULL;

  if (!gtk_widget_get_sensitive (button))
    reason = THAW_LESSON_GET_CLASS (self)->dup_verb_disabled_reason (self, action_name + strlen ("lesson."));
  gtk_widget_set_tooltip_text (button, reason != NULL ? reason
                               : g_object_get_data (G_OBJECT (button), OWN_TOOLTIP_KEY));
}

static void
button_sensitive_cb (GtkWidget  *button,
                     GParamSpec *pspec,
                     ThawLesson *self)
{
  explain_button (self, button);
}

static void
explain_buttons (ThawLesson *self,
                 GtkWidget  *widget)
{
  const char *action_name = GTK_IS_ACTIONABLE (widget) && !THAW_IS_LESSON (widget)
                            ? gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)) : NULL;

  if (action_name != NULL && g_str_has_prefix (action_name, "lesson."))
    {
      if (g_object_get_data (G_OBJECT (widget), OWN_TOOLTIP_KEY) == NULL)
        {
          /* "" when it had none, so that it is watched only once. */
          g_object_set_data_full (G_OBJECT (widget), OWN_TOOLTIP_KEY,
                                  g_strdup (gtk_widget_get_tooltip_text (widget) ?: ""), g_free);
          g_signal_connect_object (widget, "notify::sensitive", G_CALLBACK (button_sensitive_cb), self, 0);
        }
      explain_button (self, widget);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    explain_buttons (self, child);
}

static void
thaw_lesson_constructed (GObject *object)
{
  ThawLesson *self = THAW_LESSON (object);

  G_OBJECT_CLASS (thaw_lesson_parent_class)->constructed (object);

  drop_mnemonic_labels (GTK_WIDGET (object));
  explain_buttons (self, GTK_WIDGET (object));

  /* Nothing runs yet: only the run actions can be used. */
  if (get_run_actions (G_OBJECT_TYPE (self)) != NULL)
    {
      set_run_actions_enabled (self, TRUE);
      thaw_lesson_set_busy (self, FALSE);
    }
}

static void
thaw_lesson_real_report (ThawLesson  *self,
                         JsonBuilder *builder)
{
  /* A lesson with run actions has its state reported already. */
  if (get_run_actions (G_OBJECT_TYPE (self)) != NULL)
    return;

  json_builder_set_member_name (builder, "job_state");
  json_builder_add_string_value (builder, "none");
}

static void
thaw_lesson_class_init (ThawLessonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = thaw_lesson_constructed;
  object_class->dispose = thaw_lesson_dispose;
  object_class->get_property = thaw_lesson_get_property;
  object_class->set_property = thaw_lesson_set_property;

  klass->report = thaw_lesson_real_report;
  klass->dup_verb_disabled_reason = thaw_lesson_real_dup_verb_disabled_reason;

  /* The shared widgets a page's template may name (src/widgets). */
  g_type_ensure (THAW_TYPE_BAR_CHART);
  g_type_ensure (THAW_TYPE_FIGURE);
  g_type_ensure (THAW_TYPE_RUN_LOG);
  g_type_ensure (THAW_TYPE_SPARKLINE);
  g_type_ensure (THAW_TYPE_STEP_LISTING);
  g_type_ensure (THAW_TYPE_THREAD_TIMELINE);

  /**
   * ThawLesson:heartbeat:
   *
   * The application's heartbeat, so that a lesson can say how late the
   * main loop was during one of its runs.
   */
  properties[PROP_HEARTBEAT] =
    g_param_spec_object ("heartbeat", NULL, NULL,
                         THAW_TYPE_HEARTBEAT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * ThawLesson:busy:
   *
   * Whether a job of the lesson runs (the Stop action is enabled). The
   * window keeps the meter awake while it does.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ThawLesson::headline-changed:
   * @self: the lesson
   *
   * The headline changed (see thaw_lesson_set_headline()).
   */
  signals[SIGNAL_HEADLINE_CHANGED] =
    g_signal_new ("headline-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * ThawLesson::checkpoint:
   * @self: the lesson
   * @verb: (nullable): the verb of the run action whose run ended
   *
   * A moment to look at what the learner has done (see
   * thaw_lesson_note_event()): the "Try This" steps are checked here.
   */
  signals[SIGNAL_CHECKPOINT] =
    g_signal_new ("checkpoint", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
thaw_lesson_init (ThawLesson *self)
{
  ThawLessonPrivate *priv = thaw_lesson_get_instance_private (self);

  priv->run_state = THAW_RUN_IDLE;
  priv->run_mode = "none";
}

/**
 * thaw_run_state_to_string:
 * @state: a run state
 *
 * Returns: the state as the report's `job_state` writes it
 */
const char *
thaw_run_state_to_string (ThawRunState state)
{
  switch (state)
    {
    case THAW_RUN_IDLE:
      return "idle";
    case THAW_RUN_RUNNING:
      return "running";
    case THAW_RUN_SUCCEEDED:
      return "succeeded";
    case THAW_RUN_CANCELLED:
      return "cancelled";
    case THAW_RUN_FAILED:
      return "failed";
    default:
      g_return_val_if_reached (NULL);
    }
}

/* A run action's handler and its name, for the stalls' names. */
typedef struct
{
  GtkWidgetActionActivateFunc activate;
  const char *name;
} RunAction;

static GQuark
run_action_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("thaw-lesson-run-action-handlers");

  return quark;
}

/* Every run action goes through here: its handler runs inside a scope
 * named after it, so that a click handler that holds the main loop (the
 * wrong way of a lesson) is named in the meter's stalls. */
static void
run_action_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  for (GType type = G_OBJECT_TYPE (widget); type != 0 && type != THAW_TYPE_LESSON; type = g_type_parent (type))
    {
      GHashTable *handlers = g_type_get_qdata (type, run_action_quark ());
      RunAction *action = handlers != NULL ? g_hash_table_lookup (handlers, action_name) : NULL;

      if (action != NULL)
        {
          ThawLessonPrivate *priv = thaw_lesson_get_instance_private (THAW_LESSON (widget));
          guint scope = thaw_stalls_begin (action->name);

          /* A run begun in here was begun by this verb. */
          priv->acting_verb = g_intern_string (action_name + strlen ("lesson."));
          action->activate (widget, action_name, parameter);
          priv->acting_verb = NULL;
          thaw_stalls_end (scope);
          return;
        }
    }

  g_return_if_reached ();
}

/**
 * thaw_lesson_class_install_run_action_named:
 * @klass: a lesson class
 * @action_name: a `lesson.*` action that starts a run
 * @activate: what it does
 * @activate_name: what to call @activate where stalls are named; the macro
 *   thaw_lesson_class_install_run_action() gives its file and function
 *
 * Installs an action that starts a run. While a run goes on (between
 * thaw_lesson_begin_run() and thaw_lesson_end_run()) every run action of
 * the lesson is disabled and `lesson.stop` enabled, and the report gains
 * `job_state`, `job_mode`, `job_seconds` and `runs`.
 */
void
thaw_lesson_class_install_run_action_named (ThawLessonClass             *klass,
                                            const char                  *action_name,
                                            GtkWidgetActionActivateFunc  activate,
                                            const char                  *activate_name)
{
  GType type = G_TYPE_FROM_CLASS (klass);
  GPtrArray *actions;
  GHashTable *handlers;
  RunAction *action;

  g_return_if_fail (THAW_IS_LESSON_CLASS (klass));
  g_return_if_fail (g_str_has_prefix (action_name, "lesson."));

  gtk_widget_class_install_action (GTK_WIDGET_CLASS (klass), action_name, NULL, run_action_cb);

  /* Classes live as long as the program: so do these. */
  handlers = g_type_get_qdata (type, run_action_quark ());
  if (handlers == NULL)
    {
      handlers = g_hash_table_new (g_str_hash, g_str_equal);
      g_type_set_qdata (type, run_action_quark (), handlers);
    }
  action = g_new (RunAction, 1);
  *action = (RunAction) { activate, activate_name };
  g_hash_table_insert (handlers, (gpointer) g_intern_string (action_name), action);

  /* The parent's list is found first; a class keeps its own. */
  actions = g_type_get_qdata (type, g_quark_from_static_string ("thaw-lesson-run-actions"));
  if (actions == NULL)
    {
      actions = g_ptr_array_new ();
      g_type_set_qdata (type, g_quark_from_static_string ("thaw-lesson-run-actions"), actions);
    }
  g_ptr_array_add (actions, (gpointer) g_intern_string (action_name));
}

/* The progress bars of a run that ended short say how: a bar left unfilled
 * by a Stop turns amber ("cancelled"), by a failure red ("failed"); full
 * bars, and every bar of a run that succeeded, keep the accent colour. A
 * new run clears them (state RUNNING). */
static void
mark_progress_bars (GtkWidget    *widget,
                    ThawRunState  state)
{
  if (GTK_IS_PROGRESS_BAR (widget))
    {
      gboolean short_of_full = gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (widget)) < 1.0;

      gtk_widget_remove_css_class (widget, "cancelled");
      gtk_widget_remove_css_class (widget, "failed");
      if (short_of_full && state == THAW_RUN_CANCELLED)
        gtk_widget_add_css_class (widget, "cancelled");
      else if (short_of_full && state == THAW_RUN_FAILED)
        gtk_widget_add_css_class (widget, "failed");
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    mark_progress_bars (child, state);
}

static void set_headline (ThawLesson *self,
                          const char *caption,
                          const char *value,
                          const char *detail);

/* The default headline, unless the page gave one for the run: the main
 * loop's longest wait during it, under the run's title in the run log or
 * else the page's status line (the template's "status" label). */
static gboolean
default_headline_cb (gpointer data)
{
  ThawLesson *self = data;
  ThawLessonPrivate *priv = thaw_lesson_get_instance_private (self);
  ThawLatencyStats stats = { 0 };
  GObject *status = gtk_widget_get_template_child (GTK_WIDGET (self), G_OBJECT_TYPE (self), "status");
  g_autofree char *value = NULL;

  priv->headline_id = 0;
  if (priv->headline_from_page || priv->heartbeat == NULL)
    return G_SOURCE_REMOVE;

  thaw_heartbeat_get_stats_since (priv->heartbeat, priv->run_started_at, &stats);
  /* Translators: the main loop's longest wait during a run, e.g. "2,956 ms". */
  value = g_strdup_printf (_("%'.0f ms"), stats.max_ms);
  set_headline (self, _("Longest wait of the main loop in the last run"), value,
                priv->logged_title != NULL ? priv->logged_title
                : GTK_IS_LABEL (status) ? gtk_label_get_text (GTK_LABEL (status)) : NULL);
  return G_SOURCE_REMOVE;
}

/**
 * thaw_lesson_begin_run:
 * @self: a lesson
 * @mode: (nullable): how this run runs, for the report's `job_mode`, e.g.
 *   "worker" or "main-loop": a static string
 *
 * A run starts now: its actions are disabled, Stop is enabled, and the
 * meter stays awake until thaw_lesson_end_run().
 */
void
thaw_lesson_begin_run (ThawLesson *self,
                       const char *mode)
{
  ThawLessonPrivate *priv = thaw_lesson_get_instance_private (self);

  g_return_if_fail (THAW_IS_LESSON (self));

  priv->run_state = THAW_RUN_RUNNING;
  priv->run_mode = mode != NULL ? mode : "none";
  priv->run_verb = priv->acting_verb;
  priv->run_started_at = g_get_monotonic_time ();
  priv->run_seconds = 0;
  priv->headline_from_page = FALSE;
  g_clear_pointer (&priv->logged_title, g_free);
  g_clear_handle_id (&priv->headline_id, g_source_remove);
  set_run_actions_enabled (self, FALSE);
  mark_progress_bars (GTK_WIDGET (self), THAW_RUN_RUNNING);
  thaw_lesson_set_busy (self, TRUE);
}

/**
 * thaw_lesson_end_run:
 * @self: a lesson
 * @state: how the run ended: %THAW_RUN_SUCCEEDED, %THAW_RUN_CANCELLED or
 *   %THAW_RUN_FAILED
 *
 * The run ended now: its length is recorded and counted, the run actions
 * can be used again, and progress bars it left short of full take the
 * colour of how it ended.
 */
void
thaw_lesson_end_run (ThawLesson   *self,
                     ThawRunState  state)
{
  ThawLessonPrivate *priv = thaw_lesson_get_instance_private (self);

  g_return_if_fail (THAW_IS_LESSON (self));
  g_return_if_fail (state == THAW_RUN_SUCCEEDED || state == THAW_RUN_CANCELLED || state == THAW_RUN_FAILED);

  priv->run_state = state;
  priv->run_seconds = (double) (g_get_monotonic_time () - priv->run_started_at) / G_USEC_PER_SEC;
  priv->n_runs++;
  set_run_actions_enabled (self, TRUE);
  mark_progress_bars (GTK_WIDGET (self), state);
  g_clear_handle_id (&priv->headline_id, g_source_remove);
  priv->headline_id = g_timeout_add (HEADLINE_DELAY_MS, default_headline_cb, self);
  thaw_lesson_set_busy (self, FALSE);
  thaw_lesson_note_event (self, state != THAW_RUN_FAILED ? priv->run_verb : NULL);
}

static gboolean
checkpoint_cb (gpointer data)
{
  ThawLesson *self = data;
  ThawLessonPrivate *priv = thaw_lesson_get_instance_private (self);
  const char *verb = g_steal_pointer (&priv->checkpoint_verb);

  priv->checkpoint_id = 0;
  g_signal_emit (self, signals[SIGNAL_CHECKPOINT], 0, verb);
  return G_SOURCE_REMOVE;
}

/**
 * thaw_lesson_note_event:
 * @self: a lesson
 * @verb: (nullable): the verb of the run action whose run ended, or %NULL
 *   for an event of the lesson's own (a stepped schedule's end)
 *
 * Something the "Try This" steps may be waiting for happened: emits
 * #ThawLesson::checkpoint once the main loop is idle, when the page has
 * written down the run's figures. thaw_lesson_end_run() calls it.
 */
void
thaw_lesson_note_event (ThawLesson *self,
                        const char *verb)
{
  ThawLessonPrivate *priv = thaw_lesson_get_instance_private (self);

  g_return_if_fail (THAW_IS_LESSON (self));

  if (verb != NULL)
    priv->checkpoint_verb = g_intern_string (verb);
  if (priv->checkpoint_id == 0)
    {
      priv->checkpoint_id = g_idle_add (checkpoint_cb, self);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, priv->checkpoint_id),
                                "thaw lesson checkpoint");
    }
}

/**
 * thaw_lesson_fail_start:
 * @self: a lesson
 * @error: why the run's threads could not start
 *
 * For a run whose work could not start (no thread to be had): ends it as
 * failed, and says why in the template's `status` label.
 */
void
thaw_lesson_fail_start (ThawLesson   *self,
                        const GError *error)
{
  g_autofree char *text = NULL;

  g_return_if_fail (THAW_IS_LESSON (self));
  g_return_if_fail (error != NULL);

  thaw_lesson_end_run (self, THAW_RUN_FAILED);
  /* Translators: "%s" is an error message, e.g. "Error creating thread:
   * Resource temporarily unavailable". */
  text = g_strdup_printf (_("The run could not start: %s"), error->message);
  set_status (self, text);
}

ThawRunState
thaw_lesson_get_run_state (ThawLesson *self)
{
  ThawLessonPrivate *priv = thaw_lesson_get_instance_private (self);

  g_return_val_if_fail (THAW_IS_LESSON (self), THAW_RUN_IDLE);

  return priv->run_state;
}

/**
 * thaw_lesson_get_run_started_at:
 * @self: a lesson
 *
 * Returns: when the last run began, in g_get_monotonic_time()'s clock, or 0
 */
gint64
thaw_lesson_get_run_started_at (ThawLesson *self)
{
  ThawLessonPrivate *priv = thaw_lesson_get_instance_private (self);

  g_return_val_if_fail (THAW_IS_LESSON (self), 0);

  return priv->run_started_at;
}

/**
 * thaw_lesson_get_run_seconds:
 * @self: a lesson
 *
 * Returns: how long the last run that ended took, in seconds
 */
double
thaw_lesson_get_run_seconds (ThawLesson *self)
{
  ThawLessonPrivate *priv = thaw_lesson_get_instance_private (self);

  g_return_val_if_fail (THAW_IS_LESSON (self), 0);

  return priv->run_seconds;
}

/**
 * thaw_lesson_get_heartbeat:
 * @self: a lesson
 *
 * Returns: (transfer none) (nullable): the heartbeat the lesson was given
 */
ThawHeartbeat *
thaw_lesson_get_heartbeat (ThawLesson *self)
{
  ThawLessonPrivate *priv = thaw_lesson_get_instance_private (self);

  g_return_val_if_fail (THAW_IS_LESSON (self), NULL);

  return priv->heartbeat;
}

/**
 * thaw_lesson_set_busy:
 * @self: a lesson
 * @busy: whether a job of the lesson runs from now on
 *
 * A lesson calls this as its job starts and ends: it enables the
 * `lesson.stop` action while the job runs, and tells the window (through
 * #ThawLesson:busy), which keeps the meter awake.
 */
void
thaw_lesson_set_busy (ThawLesson *self,
                      gboolean    busy)
{
  ThawLessonPrivate *priv = thaw_lesson_get_instance_private (self);

  g_return_if_fail (THAW_IS_LESSON (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.stop", busy);

  busy = !!busy;
  if (priv->busy == busy)
    return;

  priv->busy = busy;
  explain_buttons (self, GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

gboolean
thaw_lesson_get_busy (ThawLesson *self)
{
  ThawLessonPrivate *priv = thaw_lesson_get_instance_private (self);

  g_return_val_if_fail (THAW_IS_LESSON (self), FALSE);

  return priv->busy;
}

/**
 * thaw_lesson_report:
 * @self: a lesson
 * @builder: a builder inside an object
 *
 * Adds the lesson's outcome to a report as members of the current object.
 */
void
thaw_lesson_report (ThawLesson  *self,
                    JsonBuilder *builder)
{
  ThawLessonPrivate *priv = thaw_lesson_get_instance_private (self);

  g_return_if_fail (THAW_IS_LESSON (self));
  g_return_if_fail (JSON_IS_BUILDER (builder));

  /* What every lesson with run actions reports; the lesson adds what it
   * teaches. */
  if (get_run_actions (G_OBJECT_TYPE (self)) != NULL)
    {
      json_builder_set_member_name (builder, "job_state");
      json_builder_add_string_value (builder, thaw_run_state_to_string (priv->run_state));
      json_builder_set_member_name (builder, "job_mode");
      json_builder_add_string_value (builder, priv->run_mode);
      json_builder_set_member_name (builder, "job_seconds");
      json_builder_add_double_value (builder, priv->run_seconds);
      json_builder_set_member_name (builder, "runs");
      json_builder_add_int_value (builder, priv->n_runs);
    }
  if (priv->headline_value != NULL)
    {
      thaw_report_string (builder, "headline_caption", priv->headline_caption);
      thaw_report_string (builder, "headline", priv->headline_value);
    }

  THAW_LESSON_GET_CLASS (self)->report (self, builder);
}

/**
 * thaw_lesson_activate_verb:
 * @self: a lesson
 * @verb: the verb of a `lesson.*` action
 *
 * Returns: %FALSE if the lesson has no such action or it is disabled
 */
gboolean
thaw_lesson_activate_verb (ThawLesson *self,
                           const char *verb)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (THAW_IS_LESSON (self), FALSE);
  g_return_val_if_fail (verb != NULL, FALSE);

  name = g_strconcat ("lesson.", verb, NULL);
  return gtk_widget_activate_action (GTK_WIDGET (self), name, NULL);
}

static gboolean
find_enabled_button (GtkWidget  *widget,
                     const char *action_name,
                     gboolean   *has_button)
{
  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    {
      *has_button = TRUE;
      /* A button follows whether its action is enabled. */
      if (gtk_widget_get_sensitive (widget))
        return TRUE;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (find_enabled_button (child, action_name, has_button))
      return TRUE;

  return FALSE;
}

/**
 * thaw_lesson_can_activate_verb:
 * @self: a lesson
 * @verb: the name of one of the lesson's actions, without `lesson.`
 *
 * Whether `lesson.VERB` can be used now: its button is not greyed out
 * (Stop while nothing runs is). GTK activates a disabled action without a
 * word, so `--activate` asks this first, to say so.
 *
 * Returns: %FALSE if the lesson's button for it is disabled
 */
gboolean
thaw_lesson_can_activate_verb (ThawLesson *self,
                               const char *verb)
{
  g_autofree char *name = NULL;
  gboolean has_button = FALSE;

  g_return_val_if_fail (THAW_IS_LESSON (self), FALSE);
  g_return_val_if_fail (verb != NULL, FALSE);

  name = g_strconcat ("lesson.", verb, NULL);
  return find_enabled_button (GTK_WIDGET (self), name, &has_button) || !has_button;
}

/**
 * thaw_lesson_dup_verb_disabled_reason:
 * @self: a lesson
 * @verb: the name of one of the lesson's actions, without `lesson.`
 *
 * Why `lesson.VERB` does nothing now, in a few words for the learner: the
 * tooltip of its greyed-out button, and what `--activate` prints.
 *
 * Returns: (transfer full) (nullable): the reason, translated, or %NULL if
 *   the verb can be used now (see thaw_lesson_can_activate_verb())
 */
char *
thaw_lesson_dup_verb_disabled_reason (ThawLesson *self,
                                      const char *verb)
{
  g_return_val_if_fail (THAW_IS_LESSON (self), NULL);
  g_return_val_if_fail (verb != NULL, NULL);

  if (thaw_lesson_can_activate_verb (self, verb))
    return NULL;

  return THAW_LESSON_GET_CLASS (self)->dup_verb_disabled_reason (self, verb);
}

/* Knobs: a lesson's settings, each a property backed by a field of the
 * page's instance struct. The field's offset rides on the property. */
static GQuark
knob_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("thaw-lesson-knob-offset");

  return quark;
}

static gpointer
knob_field (GObject    *object,
            GParamSpec *pspec)
{
  return G_STRUCT_MEMBER_P (object, GPOINTER_TO_SIZE (g_param_spec_get_qdata (pspec, knob_quark ())));
}

static void
knob_get_property (GObject    *object,
                   guint       prop_id,
                   GValue     *value,
                   GParamSpec *pspec)
{
  gpointer field = knob_field (object, pspec);

  if (G_IS_PARAM_SPEC_UINT (pspec))
    g_value_set_uint (value, *(guint *) field);
  else if (G_IS_PARAM_SPEC_BOOLEAN (pspec))
    g_value_set_boolean (value, *(gboolean *) field);
  else
    g_value_set_double (value, *(double *) field);
}

static void
knob_set_property (GObject      *object,
                   guint         prop_id,
                   const GValue *value,
                   GParamSpec   *pspec)
{
  gpointer field = knob_field (object, pspec);
  gboolean changed;

  if (G_IS_PARAM_SPEC_UINT (pspec))
    {
      changed = *(guint *) field != g_value_get_uint (value);
      *(guint *) field = g_value_get_uint (value);
    }
  else if (G_IS_PARAM_SPEC_BOOLEAN (pspec))
    {
      changed = *(gboolean *) field != g_value_get_boolean (value);
      *(gboolean *) field = g_value_get_boolean (value);
    }
  else
    {
      changed = *(double *) field != g_value_get_double (value);
      *(double *) field = g_value_get_double (value);
    }

  if (changed)
    g_object_notify_by_pspec (object, pspec);
}

#define KNOB_FLAGS (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)

static void
add_knob (ThawLessonClass *klass,
          gsize            offset,
          GParamSpec      *pspec)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  g_return_if_fail (offset >= sizeof (ThawLesson));

  object_class->get_property = knob_get_property;
  object_class->set_property = knob_set_property;
  g_param_spec_set_qdata (pspec, knob_quark (), GSIZE_TO_POINTER (offset));
  /* The offset is unique in the class and never 0: a good property id. */
  g_object_class_install_property (object_class, offset, pspec);
}

/**
 * thaw_lesson_class_add_uint_knob:
 * @klass: a lesson's class
 * @name: (not nullable): the property's name, a static string
 * @offset: where the knob's `guint` field is in the instance struct, from
 *   G_STRUCT_OFFSET()
 * @minimum: the smallest value
 * @maximum: the largest value
 * @fallback: the value it starts with
 *
 * Installs a knob: a read-write property kept in a field of the page,
 * notified when its value changes, that the page's template binds a control
 * to. The page's init function calls thaw_lesson_init_knobs() to give the
 * fields their starting values. A page that reacts to a knob at once (a
 * speed that changes mid-run) connects to its `notify` signal.
 *
 * A page with properties of its own besides knobs cannot use knobs.
 */
void
thaw_lesson_class_add_uint_knob (ThawLessonClass *klass,
                                 const char      *name,
                                 gsize            offset,
                                 guint            minimum,
                                 guint            maximum,
                                 guint            fallback)
{
  add_knob (klass, offset, g_param_spec_uint (name, NULL, NULL, minimum, maximum, fallback, KNOB_FLAGS));
}

/**
 * thaw_lesson_class_add_double_knob:
 *
 * Like thaw_lesson_class_add_uint_knob(), for a `double` field.
 */
void
thaw_lesson_class_add_double_knob (ThawLessonClass *klass,
                                   const char      *name,
                                   gsize            offset,
                                   double           minimum,
                                   double           maximum,
                                   double           fallback)
{
  add_knob (klass, offset, g_param_spec_double (name, NULL, NULL, minimum, maximum, fallback, KNOB_FLAGS));
}

/**
 * thaw_lesson_class_add_boolean_knob:
 *
 * Like thaw_lesson_class_add_uint_knob(), for a switch kept in a
 * `gboolean` field.
 */
void
thaw_lesson_class_add_boolean_knob (ThawLessonClass *klass,
                                    const char      *name,
                                    gsize            offset,
                                    gboolean         fallback)
{
  add_knob (klass, offset, g_param_spec_boolean (name, NULL, NULL, fallback, KNOB_FLAGS));
}

/**
 * thaw_lesson_init_knobs:
 * @self: a lesson, from its own init function, before
 *   gtk_widget_init_template() so that bindings see the defaults
 *
 * Sets each knob's field to its property's default value.
 */
void
thaw_lesson_init_knobs (ThawLesson *self)
{
  guint n_pspecs;
  g_autofree GParamSpec **pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (self), &n_pspecs);

  for (guint i = 0; i < n_pspecs; i++)
    {
      gpointer field;

      if (g_param_spec_get_qdata (pspecs[i], knob_quark ()) == NULL)
        continue;

      field = knob_field (G_OBJECT (self), pspecs[i]);
      if (G_IS_PARAM_SPEC_UINT (pspecs[i]))
        *(guint *) field = G_PARAM_SPEC_UINT (pspecs[i])->default_value;
      else if (G_IS_PARAM_SPEC_BOOLEAN (pspecs[i]))
        *(gboolean *) field = G_PARAM_SPEC_BOOLEAN (pspecs[i])->default_value;
      else
        *(double *) field = G_PARAM_SPEC_DOUBLE (pspecs[i])->default_value;
    }
}

static void
set_headline (ThawLesson *self,
              const char *caption,
              const char *value,
              const char *detail)
{
  ThawLessonPrivate *priv = thaw_lesson_get_instance_private (self);

  g_free (priv->headline_caption);
  g_free (priv->headline_value);
  g_free (priv->headline_detail);
  priv->headline_caption = g_strdup (caption);
  priv->headline_value = g_strdup (value);
  priv->headline_detail = g_strdup (detail);
  g_signal_emit (self, signals[SIGNAL_HEADLINE_CHANGED], 0);
}

/**
 * thaw_lesson_set_headline:
 * @self: a lesson
 * @caption: what the figure is, e.g. "Updates lost"
 * @value: the figure, e.g. "1,203,877 of 4,000,000"
 * @detail: (nullable): a line under it: how, or compared with what
 *
 * Shows the figure that carries the lesson's point at the top of its page,
 * where it is seen without scrolling. A run that ends without one gets the
 * main loop's longest wait during it, under its title in the run log
 * (thaw_lesson_log_run()) or the page's status line.
 */
void
thaw_lesson_set_headline (ThawLesson *self,
                          const char *caption,
                          const char *value,
                          const char *detail)
{
  ThawLessonPrivate *priv = thaw_lesson_get_instance_private (self);

  g_return_if_fail (THAW_IS_LESSON (self));
  g_return_if_fail (caption != NULL && value != NULL);

  priv->headline_from_page = TRUE;
  set_headline (self, caption, value, detail);
}

/**
 * thaw_lesson_get_headline:
 * @self: a lesson
 * @caption: (out) (optional) (nullable): where to put the caption
 * @detail: (out) (optional) (nullable): where to put the detail
 *
 * Returns: (nullable): the headline's figure, or %NULL before the first
 */
const char *
thaw_lesson_get_headline (ThawLesson  *self,
                          const char **caption,
                          const char **detail)
{
  ThawLessonPrivate *priv = thaw_lesson_get_instance_private (self);

  g_return_val_if_fail (THAW_IS_LESSON (self), NULL);

  if (caption != NULL)
    *caption = priv->headline_caption;
  if (detail != NULL)
    *detail = priv->headline_detail;
  return priv->headline_value;
}

/**
 * thaw_lesson_log_run:
 * @self: a lesson whose run has just ended
 * @log: the page's run log
 * @title: what ran, e.g. "On a worker thread: 3.02 s"
 * @detail: (nullable): a line under it
 *
 * Adds the run that just ended to @log, with the main loop's longest wait
 * since the run began.
 */
void
thaw_lesson_log_run (ThawLesson *self,
                     ThawRunLog *log,
                     const char *title,
                     const char *detail)
{
  ThawLessonPrivate *priv = thaw_lesson_get_instance_private (self);

  g_return_if_fail (THAW_IS_LESSON (self));

  thaw_run_log_add (log, title, detail, thaw_lesson_get_heartbeat (self), thaw_lesson_get_run_started_at (self));
  /* The default headline says which run it measured. */
  g_free (priv->logged_title);
  priv->logged_title = g_strdup (title);
}

/**
 * thaw_report_int:
 * @builder: a report being built, inside its object
 * @name: the member's name
 * @value: its value
 *
 * Adds one member to a report (see #ThawLessonClass.report);
 * thaw_report_double(), thaw_report_string() and thaw_report_boolean() do
 * the same for the other kinds of value.
 */
void
thaw_report_int (JsonBuilder *builder,
                 const char  *name,
                 gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

void
thaw_report_double (JsonBuilder *builder,
                    const char  *name,
                    double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

/**
 * thaw_report_measured:
 * @builder: a report being built, inside its object
 * @name: the member's name
 * @measured: whether @value was measured yet
 * @value: the figure
 *
 * Adds a figure that a run may not have measured yet: until it has, the
 * member is null, for "no timeout yet" is not "0 s". A %NULL string is
 * null in thaw_report_string() likewise.
 */
void
thaw_report_measured (JsonBuilder *builder,
                      const char  *name,
                      gboolean     measured,
                      double       value)
{
  json_builder_set_member_name (builder, name);
  if (measured)
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
thaw_report_string (JsonBuilder *builder,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

void
thaw_report_boolean (JsonBuilder *builder,
                     const char  *name,
                     gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

/**
 * thaw_label_set_printf:
 * @label: a label
 * @format: a printf() format for its text
 *
 * Sets @label's text from @format and the arguments after it.
 */
void
thaw_label_set_printf (GtkLabel   *label,
                       const char *format,
                       ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  gtk_label_set_text (label, text);
}

/**
 * thaw_list_box_remove_all:
 * @list: a list box
 *
 * Removes every row of @list (GTK 4.8 has no call for it).
 */
void
thaw_list_box_remove_all (GtkListBox *list)
{
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, row);
}
