/* thaw-cull-box.c — a box that draws only the children its scroller shows
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK 4.8's cairo renderer draws every node of a window's tree at each
 * frame, clipped to what changed but not skipped: a lesson page's Python and
 * GLib programs, two source views far below the fold, cost 0.6 ms of every
 * frame while a job's progress bar moved (freeze, headless, out of a 2.6 ms
 * frame). This box leaves out of its snapshot the children that lie wholly
 * outside the scrolled window it is in, and draws itself again when that
 * window scrolls or changes size, which GTK would not otherwise ask of it:
 * scrolling moves the box, and a widget that only moves keeps its last
 * drawing.
 *
 * Outside a scrolled window it is a plain GtkBox.
 */

#include "config.h"

#include "thaw-cull-box.h"

struct _ThawCullBox
{
  GtkBox parent_instance;

  GtkWidget *scroller;          /* not owned: the ancestor, while rooted */
  GtkAdjustment *vadjustment;   /* owned, while rooted */
};

G_DEFINE_FINAL_TYPE (ThawCullBox, thaw_cull_box, GTK_TYPE_BOX)

static void
thaw_cull_box_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  ThawCullBox *self = THAW_CULL_BOX (widget);
  double height = self->scroller != NULL ? gtk_widget_get_height (self->scroller) : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      graphene_rect_t bounds;

      if (self->scroller != NULL &&
          gtk_widget_compute_bounds (child, self->scroller, &bounds) &&
          (bounds.origin.y >= height || bounds.origin.y + bounds.size.height <= 0))
        continue;
      gtk_widget_snapshot_child (widget, child, snapshot);
    }
}

static void
thaw_cull_box_root (GtkWidget *widget)
{
  ThawCullBox *self = THAW_CULL_BOX (widget);

  GTK_WIDGET_CLASS (thaw_cull_box_parent_class)->root (widget);

  self->scroller = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  if (self->scroller == NULL)
    return;

  /* "value-changed": scrolled; "changed": the page grew or shrank. */
  self->vadjustment = g_object_ref (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller)));
  g_signal_connect_swapped (self->vadjustment, "value-changed", G_CALLBACK (gtk_widget_queue_draw), self);
  g_signal_connect_swapped (self->vadjustment, "changed", G_CALLBACK (gtk_widget_queue_draw), self);
}

static void
thaw_cull_box_unroot (GtkWidget *widget)
{
  ThawCullBox *self = THAW_CULL_BOX (widget);

  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_data (self->vadjustment, self);
  g_clear_object (&self->vadjustment);
  self->scroller = NULL;

  GTK_WIDGET_CLASS (thaw_cull_box_parent_class)->unroot (widget);
}

static void
thaw_cull_box_class_init (ThawCullBoxClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = thaw_cull_box_snapshot;
  widget_class->root = thaw_cull_box_root;
  widget_class->unroot = thaw_cull_box_unroot;
}

static void
thaw_cull_box_init (ThawCullBox *self)
{
}

GtkWidget *
thaw_cull_box_new (GtkOrientation orientation,
                   int            spacing)
{
  return g_object_new (THAW_TYPE_CULL_BOX,
                       "orientation", orientation,
                       "spacing", spacing,
                       NULL);
}
