/* thaw-lesson-scheduler.h — "Be the Scheduler": a lesson's buttons that
 * step its threads
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "thaw-lesson.h"
#include "thaw-step-listing.h"
#include "thaw-step-trial.h"
#include "thaw-stepper.h"

G_BEGIN_DECLS

typedef struct _ThawScheduler ThawScheduler;

/**
 * ThawSchedulerClass:
 * @n_threads: how many threads the lesson steps (A, B, …; at most 3)
 * @start: starts the lesson's stepped threads, each paused at its first
 *   step point; their news goes to the page, which hands the threads'
 *   states on with thaw_scheduler_update()
 * @get_stepper: the threads' stepper: the buttons give steps through it
 * @free: ends the threads, however far they got, and joins them
 * @reset: (nullable): the page shows fresh threads (after @start)
 * @trial_run: one run of a random trial, on its conductor thread
 * @example_size: the size of what @trial_run writes down
 * @example_schedule_offset: where in that lies its #ThawStepSchedule
 * @trial_data: (nullable): the @trial_run's data for the page as it is
 *   now, e.g. the lock order; a plain value
 * @trial_count: a trial's count in words, e.g. "88 of 1,000 random
 *   schedules deadlocked": the status while it runs, and the headline
 * @trial_end: the status once it is over: @count, and what the first broken
 *   run did (@first_broken, the example @trial_run wrote; %NULL if none
 *   broke), which "Replay at Speed" then plays
 *
 * What a lesson's stepped work file (ID-steps.c) and the part of its page
 * that shows the stepped threads (ID-scheduler.c, the "view") offer to the
 * buttons. The view's functions take the view given to
 * thaw_scheduler_new().
 */
typedef struct
{
  guint n_threads;
  gpointer (*start)      (gpointer                 view,
                          GError                 **error);
  ThawStepper *(*get_stepper) (gpointer            steps);
  void     (*free)       (gpointer                 steps);
  void     (*reset)      (gpointer                 view);
  ThawStepTrialRunFunc trial_run;
  gsize example_size;
  gsize example_schedule_offset;
  gpointer (*trial_data) (gpointer                 view);
  char    *(*trial_count) (guint                   n_broken,
                           guint                   n_done);
  char    *(*trial_end)   (gpointer                view,
                           const char             *count,
                           gconstpointer           first_broken);
} ThawSchedulerClass;

/* Random schedules in one trial. */
#define THAW_SCHEDULER_TRIAL_RUNS 1000

void           thaw_lesson_class_add_scheduler (ThawLessonClass          *klass,
                                                gsize                     offset,
                                                const ThawSchedulerClass *scheduler_class);
ThawScheduler *thaw_scheduler_new        (ThawLesson               *lesson,
                                          const ThawSchedulerClass *klass,
                                          gpointer                  view,
                                          GtkLabel                 *status);
void           thaw_scheduler_free       (ThawScheduler            *self);
gpointer       thaw_scheduler_get_steps  (ThawScheduler            *self);
void           thaw_scheduler_update     (ThawScheduler            *self,
                                          const ThawStepperThread  *threads,
                                          gboolean                  over,
                                          gboolean                  keep);
gboolean       thaw_scheduler_is_replaying (ThawScheduler          *self);
void           thaw_scheduler_report     (ThawScheduler            *self,
                                          JsonBuilder              *builder);
char           thaw_scheduler_thread_letter (guint                  thread);
void           thaw_scheduler_report_thread (JsonBuilder             *builder,
                                             guint                    thread,
                                             const ThawStepperThread *state,
                                             ThawStepListing         *listing);
char          *thaw_scheduler_describe_schedule (gconstpointer       events,
                                                 guint               n_events,
                                                 gsize               event_size,
                                                 char             *(*describe) (gconstpointer event));

G_END_DECLS
