/* thaw-latest.h — hand the latest value from any thread to the main loop
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "thaw-stalls.h"

G_BEGIN_DECLS

typedef struct _ThawLatest ThawLatest;

/* Deliveries come no sooner than this after the previous one: a screen
 * shows at most one change per frame. */
#define THAW_LATEST_INTERVAL_US ((gint64) 16667)

/**
 * ThawLatestFunc:
 * @value: (transfer none): the latest value published; freed after this
 *   returns
 * @user_data: what was given to thaw_latest_new()
 *
 * Receives a value, on the thread of the main context the #ThawLatest was
 * made on.
 */
typedef void (*ThawLatestFunc) (gpointer value,
                                gpointer user_data);

ThawLatest *thaw_latest_new_named        (const char     *name,
                                          ThawLatestFunc  deliver,
                                          gpointer        user_data,
                                          GDestroyNotify  value_free);
/* A stall in a delivery is named after the function that receives it. */
#define thaw_latest_new(deliver, user_data, value_free) \
  thaw_latest_new_named (THAW_STALL_NAME (deliver), (deliver), (user_data), (value_free))
ThawLatest *thaw_latest_ref              (ThawLatest     *self);
void        thaw_latest_unref            (ThawLatest     *self);
void        thaw_latest_publish          (ThawLatest     *self,
                                          gpointer        value);
void        thaw_latest_close            (ThawLatest     *self);
guint64     thaw_latest_get_n_published  (ThawLatest     *self);
guint64     thaw_latest_get_n_delivered  (ThawLatest     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThawLatest, thaw_latest_close)

G_END_DECLS
