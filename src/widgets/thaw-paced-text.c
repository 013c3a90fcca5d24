/* thaw-paced-text.c — texts that change with every delivery, shown at most
 * ten times a second
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A lesson's news comes once a frame, and a bar should move at every one.
 * Its numbers need not: nobody reads a count that changes sixty times a
 * second, and a label given a new text makes GTK measure and place the
 * window again, from the label up to the window, at the next frame. For
 * freeze's progress text that was 0.7 ms of each 3 ms frame (headless,
 * cairo), and every frame that long is one a heartbeat can fall into.
 *
 * thaw_paced_text_set() sets a string property now if the last change it
 * showed is at least THAW_PACED_TEXT_INTERVAL_US old, and otherwise keeps
 * the newest text and shows it when that time is up: the display lags by at
 * most a tenth of a second and always ends on the last text. A text set
 * with @now (a run's first and last) is shown at once and drops any text
 * still waiting, so that it is never overwritten by an older one. Every
 * change to one property of one object should come through here, or a text
 * waiting here could replace one set directly.
 *
 * The waiting text and its timeout belong to the object: they go when it is
 * finalized, and no timeout runs after that. Main thread only.
 */

#include "config.h"

#include "thaw-paced-text.h"

typedef struct
{
  GObject *object;        /* not owned: this is its data */
  const char *property;   /* interned */
  gint64 shown_at;
  char *waiting;          /* while @timeout_id; may be %NULL: "no text" */
  guint timeout_id;
} Paced;

static void
paced_free (gpointer data)
{
  Paced *paced = data;

  g_clear_handle_id (&paced->timeout_id, g_source_remove);
  g_free (paced->waiting);
  g_free (paced);
}

static void
show (Paced      *paced,
      const char *text)
{
  paced->shown_at = g_get_monotonic_time ();
  g_object_set (paced->object, paced->property, text, NULL);
}

static gboolean
show_waiting_cb (gpointer data)
{
  Paced *paced = data;
  g_autofree char *text = g_steal_pointer (&paced->waiting);

  paced->timeout_id = 0;
  show (paced, text);

  return G_SOURCE_REMOVE;
}

static Paced *
get_paced (GObject    *object,
           const char *property)
{
  char key[64];
  GQuark quark;
  Paced *paced;

  g_snprintf (key, sizeof key, "thaw-paced-text-%s", property);
  quark = g_quark_from_string (key);
  paced = g_object_get_qdata (object, quark);
  if (paced == NULL)
    {
      paced = g_new0 (Paced, 1);
      paced->object = object;
      paced->property = g_intern_string (property);
      paced->shown_at = G_MININT64 / 2;
      g_object_set_qdata_full (object, quark, paced, paced_free);
    }

  return paced;
}

/**
 * thaw_paced_text_set:
 * @object: the object that shows the text, such as a GtkLabel
 * @property: its string property, such as "label"
 * @text: (nullable): the text
 * @now: show it at once, dropping any text still waiting
 *
 * Sets @property to @text now, or, if the last text shown is younger than
 * THAW_PACED_TEXT_INTERVAL_US, as soon as it is that old (the newest text
 * set by then wins).
 */
void
thaw_paced_text_set (gpointer    object,
                     const char *property,
                     const char *text,
                     gboolean    now)
{
  Paced *paced;
  gint64 age;

  g_return_if_fail (G_IS_OBJECT (object));
  g_return_if_fail (property != NULL);

  paced = get_paced (object, property);
  age = g_get_monotonic_time () - paced->shown_at;
  if (now || (paced->timeout_id == 0 && age >= THAW_PACED_TEXT_INTERVAL_US))
    {
      g_clear_handle_id (&paced->timeout_id, g_source_remove);
      g_clear_pointer (&paced->waiting, g_free);
      show (paced, text);
      return;
    }

  g_free (paced->waiting);
  paced->waiting = g_strdup (text);
  if (paced->timeout_id == 0)
    {
      guint ms = (guint) ((THAW_PACED_TEXT_INTERVAL_US - MIN (age, THAW_PACED_TEXT_INTERVAL_US) + 999) / 1000);
      g_autoptr(GSource) source = g_timeout_source_new (ms);

      g_source_set_static_name (source, "[thaw] paced text");
      g_source_set_callback (source, show_waiting_cb, paced, NULL);
      paced->timeout_id = g_source_attach (source, NULL);
    }
}
