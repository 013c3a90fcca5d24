/* thaw-step-listing.h — stepped threads' code, each one's next line marked
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Threads whose next line one listing can mark. */
#define THAW_STEP_LISTING_MAX_THREADS 4

#define THAW_TYPE_STEP_LISTING (thaw_step_listing_get_type ())
G_DECLARE_FINAL_TYPE (ThawStepListing, thaw_step_listing, THAW, STEP_LISTING, GtkBox)

gboolean    thaw_step_listing_load       (ThawStepListing   *self,
                                          const char        *resource_path,
                                          const char        *name,
                                          const char *const *step_names,
                                          guint              n_threads,
                                          GError           **error);
guint       thaw_step_listing_get_n_lines (ThawStepListing  *self);
const char *thaw_step_listing_get_line   (ThawStepListing   *self,
                                          guint              line);
int         thaw_step_listing_get_step_line (ThawStepListing *self,
                                          guint              step);
void        thaw_step_listing_mark       (ThawStepListing   *self,
                                          guint              thread,
                                          int                step);
int         thaw_step_listing_get_marked_line (ThawStepListing *self,
                                          guint              thread);

G_END_DECLS
