/* thaw-step-listing.c — stepped threads' code, each one's next line marked
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In a template, `<object class="ThawStepListing" id="listing"/>`, and in
 * C, thaw_step_listing_load() with the lesson's stepped work file (e.g.
 * race/race-steps.c) and the names of its steps in their order; then, at
 * each news, thaw_step_listing_mark() for each thread with the step it
 * waits at. Threads that run the same code share a listing: each one's
 * letter stands in the margin of the line it runs next ("A ▶", "AB ▶").
 *
 * The listing is the work file's own code, from the line that says
 * "listing: begin" to the one that says "listing: end" (or, for one of
 * several listings in a file, "listing NAME: begin"), so what a learner
 * steps is what the threads run. Left out: the step points themselves
 * (each `thaw_step (…)` line, and a `return;` or `break;` right under it),
 * the `note (…)` lines that write the schedule down for the page, and
 * blank lines. A step is shown on the first line kept after its step
 * point: the line the thread runs when it is given that step.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "thaw-step-listing.h"

struct _ThawStepListing
{
  GtkBox parent_instance;

  GtkLabel *title;
  GtkBox *code;

  GPtrArray *lines;            /* of char *, as shown */
  GArray *step_lines;          /* of int, a line per step, -1 if none */
  guint n_threads;             /* the margin has room for each one's letter */
  int marked[THAW_STEP_LISTING_MAX_THREADS];   /* each thread's line, or -1 */
};

G_DEFINE_FINAL_TYPE (ThawStepListing, thaw_step_listing, GTK_TYPE_BOX)

enum
{
  PROP_0,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The margin: the letters of the threads that run this line next, then a
 * marker; as wide as every thread's letter would be. */
static void
set_line_label (ThawStepListing *self,
                guint            line)
{
  GtkWidget *label = gtk_widget_get_first_child (GTK_WIDGET (self->code));
  GString *text = g_string_new (NULL);
  guint n_letters = 0;
  gboolean marked;

  for (guint i = 0; i < line && label != NULL; i++)
    label = gtk_widget_get_next_sibling (label);
  if (label == NULL)
    {
      g_string_free (text, TRUE);
      return;
    }

  for (guint thread = 0; thread < THAW_STEP_LISTING_MAX_THREADS; thread++)
    if (self->marked[thread] == (int) line)
      {
        g_string_append_c (text, 'A' + thread);
        n_letters++;
      }
  marked = n_letters > 0;
  for (; n_letters < self->n_threads; n_letters++)
    g_string_prepend_c (text, ' ');
  g_string_append (text, marked ? "▶ " : "  ");
  g_string_append (text, self->lines->pdata[line]);
  gtk_label_set_text (GTK_LABEL (label), text->str);
  g_string_free (text, TRUE);
  if (marked)
    gtk_widget_add_css_class (label, "step-next");
  else
    gtk_widget_remove_css_class (label, "step-next");
}

static const char *
skip_space (const char *text)
{
  while (g_ascii_isspace (*text))
    text++;
  return text;
}

/* Which of @step_names a step point's line names, or -1. */
static int
find_step (const char        *line,
           const char *const *step_names)
{
  for (int i = 0; step_names[i] != NULL; i++)
    {
      const char *found = strstr (line, step_names[i]);
      char after;

      /* The whole name: RACE_STEP_READ is not RACE_STEP_READ_AGAIN. */
      if (*step_names[i] == '\0' || found == NULL)
        continue;
      after = found[strlen (step_names[i])];
      if (!g_ascii_isalnum (after) && after != '_')
        return i;
    }
  return -1;
}

/**
 * thaw_step_listing_load:
 * @self: a listing
 * @resource_path: the stepped work file in the GResource
 * @name: (nullable): which listing of the file, when it has more than one:
 *   the markers then say "listing NAME: begin" and "listing NAME: end"
 * @step_names: (array zero-terminated=1): the names of the steps, in the
 *   order of their numbers, as the work's step points spell them; "" for
 *   a step this listing has no step point for
 * @n_threads: how many threads the listing marks lines for
 * @error: where the reason goes if the file or a step cannot be found
 *
 * Reads the code between the markers and shows it, no line marked.
 *
 * Returns: %FALSE with @error set if the file has no listing or a step has
 *   no line
 */
gboolean
thaw_step_listing_load (ThawStepListing   *self,
                        const char        *resource_path,
                        const char        *name,
                        const char *const *step_names,
                        guint              n_threads,
                        GError           **error)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data (resource_path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  g_auto(GStrv) source = NULL;
  GtkWidget *child;
  gboolean inside = FALSE;
  int pending = -1;
  gsize indent = G_MAXSIZE;
  guint n_steps = g_strv_length ((char **) step_names);
  g_autofree char *begin = g_strdup_printf ("listing%s%s: begin", name != NULL ? " " : "", name != NULL ? name : "");
  g_autofree char *end = g_strdup_printf ("listing%s%s: end", name != NULL ? " " : "", name != NULL ? name : "");

  g_return_val_if_fail (n_threads >= 1 && n_threads <= THAW_STEP_LISTING_MAX_THREADS, FALSE);

  if (bytes == NULL)
    return FALSE;

  self->n_threads = n_threads;
  g_ptr_array_set_size (self->lines, 0);
  g_array_set_size (self->step_lines, 0);
  for (guint i = 0; i < n_steps; i++)
    g_array_append_val (self->step_lines, ((int) { -1 }));
  for (guint i = 0; i < THAW_STEP_LISTING_MAX_THREADS; i++)
    self->marked[i] = -1;

  source = g_strsplit (g_bytes_get_data (bytes, NULL), "\n", -1);
  for (guint i = 0; source[i] != NULL; i++)
    {
      const char *text = skip_space (source[i]);
      int step;

      if (strstr (source[i], begin) != NULL)
        {
          inside = TRUE;
          continue;
        }
      if (inside && strstr (source[i], end) != NULL)
        break;
      if (!inside || *text == '\0' || g_str_has_prefix (text, "note ("))
        continue;

      if (strstr (text, "thaw_step (") != NULL)
        {
          step = find_step (text, step_names);
          if (step >= 0)
            pending = step;
          /* The way out of the loop when the stepper is cancelled. */
          if (source[i + 1] != NULL &&
              (g_str_equal (skip_space (source[i + 1]), "return;") ||
               g_str_equal (skip_space (source[i + 1]), "break;")))
            i++;
          continue;
        }

      /* A step point met again (in a loop) keeps its first line. */
      if (pending >= 0 && g_array_index (self->step_lines, int, pending) < 0)
        g_array_index (self->step_lines, int, pending) = self->lines->len;
      pending = -1;
      indent = MIN (indent, (gsize) (text - source[i]));
      g_ptr_array_add (self->lines, g_strdup (source[i]));
    }

  for (guint i = 0; i < n_steps; i++)
    if (*step_names[i] != '\0' && g_array_index (self->step_lines, int, i) < 0)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                     "%s has no step point for %s", resource_path, step_names[i]);
        return FALSE;
      }

  /* Shown without the indentation they share. */
  for (guint i = 0; i < self->lines->len; i++)
    {
      char *line = self->lines->pdata[i];

      memmove (line, line + indent, strlen (line + indent) + 1);
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->code))) != NULL)
    gtk_box_remove (self->code, child);
  for (guint i = 0; i < self->lines->len; i++)
    {
      GtkWidget *label = gtk_label_new (NULL);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_box_append (self->code, label);
      set_line_label (self, i);
    }

  return TRUE;
}

guint
thaw_step_listing_get_n_lines (ThawStepListing *self)
{
  g_return_val_if_fail (THAW_IS_STEP_LISTING (self), 0);

  return self->lines->len;
}

/**
 * thaw_step_listing_get_line:
 * @self: a listing
 * @line: a line's number, from 0
 *
 * Returns: (nullable): the line's code as shown, without the marker
 */
const char *
thaw_step_listing_get_line (ThawStepListing *self,
                            guint            line)
{
  g_return_val_if_fail (THAW_IS_STEP_LISTING (self), NULL);

  return line < self->lines->len ? self->lines->pdata[line] : NULL;
}

/**
 * thaw_step_listing_get_step_line:
 * @self: a listing
 * @step: a step's number
 *
 * Returns: the line a thread runs when given @step, or -1
 */
int
thaw_step_listing_get_step_line (ThawStepListing *self,
                                 guint            step)
{
  g_return_val_if_fail (THAW_IS_STEP_LISTING (self), -1);

  return step < self->step_lines->len ? g_array_index (self->step_lines, int, step) : -1;
}

/**
 * thaw_step_listing_mark:
 * @self: a listing
 * @thread: a thread's number, from 0 (shown as A, B, …)
 * @step: the step the thread waits at, or -1 to mark no line for it (it
 *   is running, or it has finished)
 *
 * Marks the line @thread runs next.
 */
void
thaw_step_listing_mark (ThawStepListing *self,
                        guint            thread,
                        int              step)
{
  int old;

  g_return_if_fail (THAW_IS_STEP_LISTING (self));
  g_return_if_fail (thread < THAW_STEP_LISTING_MAX_THREADS);

  old = self->marked[thread];
  self->marked[thread] = step >= 0 ? thaw_step_listing_get_step_line (self, step) : -1;
  if (old == self->marked[thread])
    return;
  if (old >= 0)
    set_line_label (self, old);
  if (self->marked[thread] >= 0)
    set_line_label (self, self->marked[thread]);
}

/**
 * thaw_step_listing_get_marked_line:
 * @self: a listing
 * @thread: a thread's number
 *
 * Returns: the line @thread runs next, or -1
 */
int
thaw_step_listing_get_marked_line (ThawStepListing *self,
                                   guint            thread)
{
  g_return_val_if_fail (THAW_IS_STEP_LISTING (self), -1);
  g_return_val_if_fail (thread < THAW_STEP_LISTING_MAX_THREADS, -1);

  return self->marked[thread];
}

static void
thaw_step_listing_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ThawStepListing *self = THAW_STEP_LISTING (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, gtk_label_get_text (self->title));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_step_listing_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ThawStepListing *self = THAW_STEP_LISTING (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      gtk_label_set_text (self->title, g_value_get_string (value));
      gtk_widget_set_visible (GTK_WIDGET (self->title), g_value_get_string (value) != NULL);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->code),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, g_value_get_string (value), -1);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_step_listing_finalize (GObject *object)
{
  ThawStepListing *self = THAW_STEP_LISTING (object);

  g_ptr_array_unref (self->lines);
  g_array_unref (self->step_lines);

  G_OBJECT_CLASS (thaw_step_listing_parent_class)->finalize (object);
}

static void
thaw_step_listing_class_init (ThawStepListingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = thaw_step_listing_get_property;
  object_class->set_property = thaw_step_listing_set_property;
  object_class->finalize = thaw_step_listing_finalize;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "steplisting");
}

static void
thaw_step_listing_init (ThawStepListing *self)
{
  GtkBox *box = GTK_BOX (self);
  GtkWidget *scroller;

  self->n_threads = 1;
  self->lines = g_ptr_array_new_with_free_func (g_free);
  self->step_lines = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint i = 0; i < THAW_STEP_LISTING_MAX_THREADS; i++)
    self->marked[i] = -1;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (box, 6);

  self->title = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->title, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->title), "heading");
  gtk_widget_set_visible (GTK_WIDGET (self->title), FALSE);
  gtk_box_append (box, GTK_WIDGET (self->title));

  self->code = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 0));
  gtk_widget_add_css_class (GTK_WIDGET (self->code), "monospace");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->code),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Code"), -1);

  /* Code is not wrapped: in a narrow window it scrolls sideways. */
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->code));
  gtk_widget_add_css_class (scroller, "step-code");
  gtk_box_append (box, scroller);
}
