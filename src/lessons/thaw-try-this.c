/* thaw-try-this.c — "Try This" steps that tick themselves
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A step of a lesson's file may say when it is done, in its `when`
 * attribute (the README's "Adding a lesson" has the grammar):
 *
 *   verb:NAME          a run started by the action lesson.NAME ended
 *   report:KEY>=N      the lesson's report has KEY, a number of at least N
 *   report:KEY==VALUE  the lesson's report has KEY, equal to VALUE (a
 *                      string, a number, true or false)
 *   knob:NAME=VALUE    the lesson's knob NAME is set to VALUE
 *
 * Terms joined by `;` must all hold at once. The page asks at the end of
 * each run, after a scheduler's schedule or trial ends and when a knob a
 * condition names changes: never on a timer, never in a frame.
 */

#include "config.h"

#include <stdlib.h>

#include "thaw-try-this.h"

struct _ThawTryCondition
{
  GArray *terms;  /* of ThawTryTerm */
};

static void
clear_term (gpointer data)
{
  ThawTryTerm *term = data;

  g_clear_pointer (&term->name, g_free);
  g_clear_pointer (&term->value, g_free);
}

void
thaw_try_condition_free (ThawTryCondition *condition)
{
  if (condition == NULL)
    return;

  g_array_unref (condition->terms);
  g_free (condition);
}

/* Names of verbs, report members and knobs: lower case, digits, - and _. */
static gboolean
is_name (const char *text,
         gsize       length)
{
  if (length == 0)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_islower (text[i]) && !g_ascii_isdigit (text[i]) && text[i] != '-' && text[i] != '_')
      return FALSE;
  return TRUE;
}

static gboolean
parse_term (const char   *text,
            ThawTryTerm  *term,
            GError      **error)
{
  const char *rest, *op;

  if (g_str_has_prefix (text, "verb:"))
    {
      rest = text + strlen ("verb:");
      if (!is_name (rest, strlen (rest)))
        goto bad;
      *term = (ThawTryTerm) { THAW_TRY_VERB, g_strdup (rest), NULL, 0 };
      return TRUE;
    }

  if (g_str_has_prefix (text, "report:"))
    {
      rest = text + strlen ("report:");
      if ((op = strstr (rest, ">=")) != NULL)
        {
          char *end = NULL;
          double number = g_ascii_strtod (op + 2, &end);

          if (!is_name (rest, op - rest) || end == op + 2 || *end != '\0')
            goto bad;
          *term = (ThawTryTerm) { THAW_TRY_REPORT_AT_LEAST, g_strndup (rest, op - rest),
                                  g_strdup (op + 2), number };
          return TRUE;
        }
      if ((op = strstr (rest, "==")) != NULL)
        {
          if (!is_name (rest, op - rest) || op[2] == '\0')
            goto bad;
          *term = (ThawTryTerm) { THAW_TRY_REPORT_EQUAL, g_strndup (rest, op - rest),
                                  g_strdup (op + 2), 0 };
          return TRUE;
        }
      goto bad;
    }

  if (g_str_has_prefix (text, "knob:"))
    {
      rest = text + strlen ("knob:");
      op = strchr (rest, '=');
      if (op == NULL || !is_name (rest, op - rest) || op[1] == '\0' || op[1] == '=')
        goto bad;
      *term = (ThawTryTerm) { THAW_TRY_KNOB, g_strndup (rest, op - rest), g_strdup (op + 1), 0 };
      return TRUE;
    }

bad:
  g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
               "“%s” is not a condition: it is verb:NAME, report:KEY>=NUMBER, "
               "report:KEY==VALUE or knob:NAME=VALUE", text);
  return FALSE;
}

/**
 * thaw_try_condition_parse:
 * @text: a step's `when`
 * @error: where to say what is wrong with it
 *
 * Returns: (transfer full) (nullable): the condition, or %NULL if @text
 *   does not read as one
 */
ThawTryCondition *
thaw_try_condition_parse (const char  *text,
                          GError     **error)
{
  g_autoptr(ThawTryCondition) condition = g_new0 (ThawTryCondition, 1);
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  condition->terms = g_array_new (FALSE, TRUE, sizeof (ThawTryTerm));
  g_array_set_clear_func (condition->terms, clear_term);

  parts = g_strsplit (text, ";", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      ThawTryTerm term;

      if (!parse_term (g_strstrip (parts[i]), &term, error))
        return NULL;
      g_array_append_val (condition->terms, term);
    }
  if (condition->terms->len == 0)
    {
      g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                           "an empty condition: leave out `when` for a step that is only read");
      return NULL;
    }

  return g_steal_pointer (&condition);
}

guint
thaw_try_condition_get_n_terms (const ThawTryCondition *condition)
{
  return condition->terms->len;
}

const ThawTryTerm *
thaw_try_condition_get_term (const ThawTryCondition *condition,
                             guint                   i)
{
  g_return_val_if_fail (i < condition->terms->len, NULL);

  return &g_array_index (condition->terms, ThawTryTerm, i);
}

gboolean
thaw_try_condition_needs_report (const ThawTryCondition *condition)
{
  for (guint i = 0; i < condition->terms->len; i++)
    {
      ThawTryKind kind = g_array_index (condition->terms, ThawTryTerm, i).kind;

      if (kind == THAW_TRY_REPORT_EQUAL || kind == THAW_TRY_REPORT_AT_LEAST)
        return TRUE;
    }
  return FALSE;
}

/* A value, a report's or a knob's, against the text of a condition. */
static gboolean
value_equals (const GValue *value,
              const char   *text)
{
  char *end = NULL;
  double number;

  if (G_VALUE_HOLDS_STRING (value))
    return g_strcmp0 (g_value_get_string (value), text) == 0;
  if (G_VALUE_HOLDS_BOOLEAN (value))
    return g_str_equal (text, g_value_get_boolean (value) ? "true" : "false");

  number = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0')
    return FALSE;
  if (G_VALUE_HOLDS_INT64 (value))
    return (double) g_value_get_int64 (value) == number;
  if (G_VALUE_HOLDS_UINT (value))
    return (double) g_value_get_uint (value) == number;
  if (G_VALUE_HOLDS_INT (value))
    return (double) g_value_get_int (value) == number;
  if (G_VALUE_HOLDS_DOUBLE (value))
    return g_value_get_double (value) == number;
  return FALSE;
}

static gboolean
term_met (const ThawTryTerm *term,
          GObject           *lesson,
          const char        *ended_verb,
          JsonObject        *report)
{
  g_auto(GValue) value = G_VALUE_INIT;
  JsonNode *node;
  GParamSpec *pspec;

  switch (term->kind)
    {
    case THAW_TRY_VERB:
      return g_strcmp0 (term->name, ended_verb) == 0;

    case THAW_TRY_REPORT_EQUAL:
    case THAW_TRY_REPORT_AT_LEAST:
      if (report == NULL || (node = json_object_get_member (report, term->name)) == NULL ||
          !JSON_NODE_HOLDS_VALUE (node))
        return FALSE;
      if (term->kind == THAW_TRY_REPORT_AT_LEAST)
        {
          GType type = json_node_get_value_type (node);

          return (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE) &&
                 json_node_get_double (node) >= term->number;
        }
      json_node_get_value (node, &value);
      return value_equals (&value, term->value);

    case THAW_TRY_KNOB:
      pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (lesson), term->name);
      if (pspec == NULL)
        return FALSE;
      g_value_init (&value, pspec->value_type);
      g_object_get_property (lesson, term->name, &value);
      return value_equals (&value, term->value);

    default:
      g_return_val_if_reached (FALSE);
    }
}

/**
 * thaw_try_condition_met:
 * @condition: a step's condition
 * @lesson: the lesson's page, whose knobs are read
 * @ended_verb: (nullable): the verb whose run just ended, if one did
 * @report: (nullable): the lesson's report now, if @condition needs it
 *
 * Returns: whether every term of @condition holds
 */
gboolean
thaw_try_condition_met (const ThawTryCondition *condition,
                        GObject                *lesson,
                        const char             *ended_verb,
                        JsonObject             *report)
{
  for (guint i = 0; i < condition->terms->len; i++)
    if (!term_met (&g_array_index (condition->terms, ThawTryTerm, i), lesson, ended_verb, report))
      return FALSE;
  return TRUE;
}

/**
 * thaw_try_condition_check_names:
 * @condition: a step's condition
 * @info: the lesson it belongs to
 *
 * What the grammar cannot see: whether the verbs and knobs it names are
 * the lesson's. (Report members may appear only after a run.)
 *
 * Returns: (transfer full) (nullable): %NULL, or what is wrong
 */
char *
thaw_try_condition_check_names (const ThawTryCondition *condition,
                                const ThawLessonInfo   *info)
{
  g_autoptr(GTypeClass) klass = g_type_class_ref (info->get_type ());

  for (guint i = 0; i < condition->terms->len; i++)
    {
      const ThawTryTerm *term = &g_array_index (condition->terms, ThawTryTerm, i);

      if (term->kind == THAW_TRY_VERB && !thaw_lesson_info_has_verb (info, term->name))
        return g_strdup_printf ("%s has no verb “%s”", info->id, term->name);
      if (term->kind == THAW_TRY_KNOB &&
          g_object_class_find_property (G_OBJECT_CLASS (klass), term->name) == NULL)
        return g_strdup_printf ("%s has no knob “%s”", info->id, term->name);
    }
  return NULL;
}

char *
thaw_try_progress_key (const char *lesson_id,
                       guint       step)
{
  return g_strdup_printf ("%s:%u", lesson_id, step);
}

gboolean
thaw_try_progress_is_done (GSettings  *settings,
                           const char *lesson_id,
                           guint       step)
{
  g_auto(GStrv) done = g_settings_get_strv (settings, "done-steps");
  g_autofree char *key = thaw_try_progress_key (lesson_id, step);

  return g_strv_contains ((const char *const *) done, key);
}

/**
 * thaw_try_progress_mark:
 * @settings: Thaw's settings
 * @lesson_id: a lesson
 * @step: one of its steps, counted from 1
 *
 * Returns: %TRUE if the step was not done before
 */
gboolean
thaw_try_progress_mark (GSettings  *settings,
                        const char *lesson_id,
                        guint       step)
{
  g_auto(GStrv) done = g_settings_get_strv (settings, "done-steps");
  g_autoptr(GStrvBuilder) builder = NULL;
  g_autofree char *key = thaw_try_progress_key (lesson_id, step);
  g_auto(GStrv) now = NULL;

  if (g_strv_contains ((const char *const *) done, key))
    return FALSE;

  builder = g_strv_builder_new ();
  g_strv_builder_addv (builder, (const char **) done);
  g_strv_builder_add (builder, key);
  now = g_strv_builder_end (builder);
  g_settings_set_strv (settings, "done-steps", (const char *const *) now);
  return TRUE;
}

/**
 * thaw_try_progress_lesson_done:
 * @settings: Thaw's settings
 * @info: a lesson
 *
 * Returns: whether the lesson has steps with conditions, and all of them
 *   are done
 */
gboolean
thaw_try_progress_lesson_done (GSettings            *settings,
                               const ThawLessonInfo *info)
{
  g_auto(GStrv) done = g_settings_get_strv (settings, "done-steps");
  guint n_conditions = 0;

  for (guint i = 0; info->steps[i] != NULL; i++)
    {
      g_autofree char *key = NULL;

      if (*info->conditions[i] == '\0')
        continue;
      n_conditions++;
      key = thaw_try_progress_key (info->id, i + 1);
      if (!g_strv_contains ((const char *const *) done, key))
        return FALSE;
    }
  return n_conditions > 0;
}

void
thaw_try_progress_clear (GSettings *settings)
{
  g_settings_reset (settings, "done-steps");
}
