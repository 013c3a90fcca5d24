/* thaw-run-log.c — a lesson's finished runs, newest first
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A boxed list, hidden until the first run ends. Each row names the run and
 * then, a moment later, how long the main loop waited at worst during it,
 * as the heartbeat measured: a freeze's late beat is only recorded once the
 * main loop is free again, so the read-out waits for one more beat.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "thaw-run-log.h"
#include "thaw-text-row.h"

/* Longer than a heartbeat's interval (10 ms), awake or resting (100 ms). */
#define READ_OUT_DELAY_MS 150

struct _ThawRunLog
{
  AdwBin parent_instance;

  GtkListBox *list;

  /* The row still waiting for its read-out. */
  ThawTextRow *pending_row;
  char *pending_detail;
  ThawHeartbeat *pending_heartbeat;
  gint64 pending_since;
  guint read_out_id;

  double last_wait_ms;
};

G_DEFINE_FINAL_TYPE (ThawRunLog, thaw_run_log, ADW_TYPE_BIN)

enum {
  SIGNAL_READ_OUT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
read_out (ThawRunLog *self)
{
  ThawLatencyStats stats = { 0 };
  g_autofree char *subtitle = NULL;

  g_clear_handle_id (&self->read_out_id, g_source_remove);
  if (self->pending_row == NULL)
    return;

  if (self->pending_heartbeat != NULL)
    thaw_heartbeat_get_stats_since (self->pending_heartbeat, self->pending_since, &stats);
  self->last_wait_ms = stats.max_ms;

  if (self->pending_detail != NULL)
    /* Translators: what a run did (e.g. "1,151,367 primes"), then how late
     * the main loop was at worst while it ran. */
    subtitle = g_strdup_printf (_("%s · longest wait of the main loop: %'.0f ms"),
                                self->pending_detail, stats.max_ms);
  else
    subtitle = g_strdup_printf (_("Longest wait of the main loop: %'.0f ms"), stats.max_ms);
  thaw_text_row_set_subtitle (self->pending_row, subtitle);

  self->pending_row = NULL;
  g_clear_pointer (&self->pending_detail, g_free);
  g_clear_object (&self->pending_heartbeat);
  g_signal_emit (self, signals[SIGNAL_READ_OUT], 0, stats.max_ms);
}

static gboolean
read_out_cb (gpointer data)
{
  ThawRunLog *self = data;

  self->read_out_id = 0;
  read_out (self);

  return G_SOURCE_REMOVE;
}

static void
thaw_run_log_dispose (GObject *object)
{
  ThawRunLog *self = THAW_RUN_LOG (object);

  g_clear_handle_id (&self->read_out_id, g_source_remove);
  self->pending_row = NULL;
  g_clear_pointer (&self->pending_detail, g_free);
  g_clear_object (&self->pending_heartbeat);

  G_OBJECT_CLASS (thaw_run_log_parent_class)->dispose (object);
}

static void
thaw_run_log_class_init (ThawRunLogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = thaw_run_log_dispose;

  /**
   * ThawRunLog::read-out:
   * @self: the run log
   * @wait_ms: the longest wait of the main loop during the run
   *
   * The last run's row has been given its main-loop wait: a moment after
   * the run ended, so that a beat the run held up has come in.
   */
  signals[SIGNAL_READ_OUT] =
    g_signal_new ("read-out", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_DOUBLE);
}

static void
thaw_run_log_init (ThawRunLog *self)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Finished runs"),
                                  -1);
  adw_bin_set_child (ADW_BIN (self), list);
  self->list = GTK_LIST_BOX (list);

  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
thaw_run_log_new (void)
{
  return g_object_new (THAW_TYPE_RUN_LOG, NULL);
}

/**
 * thaw_run_log_add:
 * @self: a run log
 * @title: what the run was and how long it took
 * @detail: (nullable): what it found, shown before the main loop's wait
 * @heartbeat: (nullable): the heartbeat to read the wait from
 * @since_us: when the run began, in g_get_monotonic_time()'s clock
 *
 * Adds a finished run at the top. A row still waiting for its read-out
 * gets it at once.
 */
void
thaw_run_log_add (ThawRunLog    *self,
                  const char    *title,
                  const char    *detail,
                  ThawHeartbeat *heartbeat,
                  gint64         since_us)
{
  GtkWidget *row;

  g_return_if_fail (THAW_IS_RUN_LOG (self));
  g_return_if_fail (title != NULL);

  read_out (self);

  row = thaw_text_row_new (title, _("Measuring…"));
  gtk_list_box_prepend (self->list, row);
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);

  self->pending_row = THAW_TEXT_ROW (row);
  self->pending_detail = g_strdup (detail);
  g_set_object (&self->pending_heartbeat, heartbeat);
  self->pending_since = since_us;
  self->read_out_id = g_timeout_add (READ_OUT_DELAY_MS, read_out_cb, self);
}

/**
 * thaw_run_log_get_last_wait_ms:
 * @self: a run log
 *
 * Returns: the longest wait of the main loop during the last run read out
 */
double
thaw_run_log_get_last_wait_ms (ThawRunLog *self)
{
  g_return_val_if_fail (THAW_IS_RUN_LOG (self), 0);

  return self->last_wait_ms;
}
