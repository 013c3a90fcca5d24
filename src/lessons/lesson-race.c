/* lesson-race.c — Lost updates
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two to eight threads each add 1 to one shared counter, many times. Adding
 * 1 is two steps, a read and a write, and a thread that reads just before
 * another one writes overwrites that write with a stale value: the update is
 * lost. The counter ends short, by a different amount every run.
 *
 *   lesson.start        one run without a lock: count the lost updates.
 *   lesson.run-many     twenty runs without a lock, drawn as a histogram of
 *                       the final totals against the expected one.
 *   lesson.with-mutex   the same read and write inside a GMutex, locked
 *                       and unlocked for every increment: exact.
 *   lesson.with-atomic  one g_atomic_int_add() per increment: exact.
 *   lesson.with-batches the GMutex taken once per batch of increments:
 *                       exact, and fast because the threads share less.
 *   lesson.stop         cancels the runs.
 *
 * Each variant is timed, so the price of being exact is measured too. The
 * threads record what they do into a ThawTimeline that the page draws: all
 * of them running at once without a lock, taking turns with one. A single
 * run is over in milliseconds, so by default it goes in slow motion: twenty
 * rounds a tenth of a second apart, each addition stretched in time.
 *
 * Read it top to bottom: the three ways to add, one run of threads, the
 * conductor thread that runs them and reports to the main thread, and then
 * the widget that drives it all.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "thaw-lesson.h"
#include "thaw-priority.h"
#include "thaw-thread-timeline.h"
#include "thaw-timeline.h"
#include "thaw-tsan.h"

#define MIN_THREADS 2
#define MAX_THREADS 8
#define DEFAULT_THREADS 4
#define MIN_INCREMENTS 1000
#define MAX_INCREMENTS 10000000
#define DEFAULT_INCREMENTS 1000000
#define MANY_RUNS 20

/* Each adder does its increments in this many rounds; a round is also the
 * batch of lesson.with-batches, which takes the lock once per round. In
 * slow motion the rounds start
 * SLOW_ROUND_US apart, each adder's additions in a round are stretched over
 * SLOW_WORK_US, and it naps for the rest: a run lasts two seconds or more
 * and its lanes can be followed by eye. */
#define ROUNDS 20
#define SLOW_ROUND_US (100 * G_TIME_SPAN_MILLISECOND)
#define SLOW_WORK_US (30 * G_TIME_SPAN_MILLISECOND)
#define NAP_SLICE_US (5 * G_TIME_SPAN_MILLISECOND)

/* Increments between two looks at the Stop button. The mutex taken per
 * increment is drawn on the timeline once every so many increments too: it
 * changes hands far too often to record every time. */
#define CHECK_EVERY 8192

typedef enum
{
  NO_LOCK,
  WITH_MUTEX,                  /* locked once per increment */
  WITH_ATOMIC_ADD,
  WITH_BATCHES,                /* locked once per round */
  N_VARIANTS
} Variant;

/* The names used in reports. */
static const char *const variant_ids[N_VARIANTS] = {
  [NO_LOCK] = "racy",
  [WITH_MUTEX] = "mutex",
  [WITH_ATOMIC_ADD] = "atomic",
  [WITH_BATCHES] = "batches",
};

/* One run: several threads adding to one counter. It lives on the stack of
 * the conductor thread, which joins every adder before it returns. */
typedef struct
{
  Variant variant;
  guint increments;            /* per thread */
  gboolean slow_motion;
  GCancellable *cancellable;
  ThawTimeline *timeline;

  int counter;
  GMutex counter_lock;         /* WITH_MUTEX and WITH_BATCHES only */

  /* The start gate: every adder waits here until all of them exist, so
   * that they really run at the same time. */
  GMutex gate_lock;
  GCond gate_cond;
  gboolean gate_open;
  gint64 opened_at;            /* set before the gate opens */
} Run;

typedef struct
{
  Run *run;
  guint lane;                  /* the adder's lane on the timeline */
  gint64 adding_us;            /* time spent adding, naps left out */
} Adder;

/* The three ways to add 1, each done @n times.
 *
 * In slow motion every addition is stretched: the adder keeps its CPU busy
 * between the read and the write until the addition's turn on the clock
 * comes, as if it computed the new value for a while. The gap in which
 * another thread can come between widens, exactly as in a real program
 * that does more work there. At full speed nothing is stretched. */

typedef struct
{
  gint64 start_us;
  double step_us;              /* 0 at full speed */
} Pace;

static Pace
pace_new (const Run *run,
          guint      n)
{
  Pace pace = { g_get_monotonic_time (), 0 };

  if (run->slow_motion && n > 0)
    pace.step_us = (double) SLOW_WORK_US / n;

  return pace;
}

/* Busy on purpose: this stands for real work, so the thread stays running. */
static inline void
stretch (const Pace *pace,
         guint       i)
{
  if (pace->step_us > 0)
    {
      gint64 until = pace->start_us + (gint64) ((i + 1) * pace->step_us);

      while (g_get_monotonic_time () < until)
        ;
    }
}

/* Wrong. Each step on its own is atomic, so the program has no undefined
 * behaviour (plain `counter++` from several threads would be a data race,
 * which C does not define at all). But nothing stops another thread from
 * writing between this thread's read and its write: then this write puts
 * back a value that is already out of date, and the other update is lost. */
static void
add_without_lock (Run   *run,
                  guint  n)
{
  Pace pace = pace_new (run, n);

  for (guint i = 0; i < n; i++)
    {
      int value;

      if (i % CHECK_EVERY == 0 && g_cancellable_is_cancelled (run->cancellable))
        return;

      value = g_atomic_int_get (&run->counter);
      /* <- another thread may read or write right here */
      stretch (&pace, i);
      g_atomic_int_set (&run->counter, value + 1);
    }
}

/* Right: the same read and write, with the mutex held around them, so no
 * other thread can come between them. The lock is taken and released for
 * every increment, as the programs on the page do: a million times per
 * thread by default, and every time it may have to be handed over to
 * another core. That is the price the run measures. */
static void
add_with_mutex (Run   *run,
                guint  lane,
                guint  n)
{
  Pace pace = pace_new (run, n);

  for (guint i = 0; i < n; i++)
    {
      /* Only one increment in CHECK_EVERY is drawn on the timeline. */
      gboolean drawn = i % CHECK_EVERY == 0;
      int value;

      if (drawn && g_cancellable_is_cancelled (run->cancellable))
        return;

      if (drawn)
        thaw_timeline_record (run->timeline, lane, THAW_LANE_WAITING);
      thaw_mutex_lock (&run->counter_lock);
      if (drawn)
        thaw_timeline_record (run->timeline, lane, THAW_LANE_HOLDING);

      value = g_atomic_int_get (&run->counter);
      stretch (&pace, i);
      g_atomic_int_set (&run->counter, value + 1);

      /* Recorded while still holding the lock: recorded after unlocking,
       * the next holder could be drawn taking it before this one had let
       * go. */
      if (drawn)
        thaw_timeline_record (run->timeline, lane, THAW_LANE_RUNNING);
      thaw_mutex_unlock (&run->counter_lock);
    }
}

/* Right too, and cheaper: the lock is taken once for a whole batch of
 * increments (a round) and held meanwhile. The threads hand the lock over
 * once per batch instead of once per increment, so it is fast because they
 * share less; but the others wait the whole batch, and the lanes show them
 * taking turns. */
static void
add_with_batches (Run   *run,
                  guint  lane,
                  guint  n)
{
  Pace pace;

  thaw_timeline_record (run->timeline, lane, THAW_LANE_WAITING);
  thaw_mutex_lock (&run->counter_lock);
  thaw_timeline_record (run->timeline, lane, THAW_LANE_HOLDING);

  pace = pace_new (run, n);
  for (guint i = 0; i < n; i++)
    {
      int value;

      if (i % CHECK_EVERY == 0 && g_cancellable_is_cancelled (run->cancellable))
        break;

      value = g_atomic_int_get (&run->counter);
      stretch (&pace, i);
      g_atomic_int_set (&run->counter, value + 1);
    }

  thaw_timeline_record (run->timeline, lane, THAW_LANE_RUNNING);
  thaw_mutex_unlock (&run->counter_lock);
}

/* Right, and lock-free: g_atomic_int_add() reads, adds and writes in one
 * step of the processor, which no other thread can split. The work that
 * comes up with the number to add is done before it. */
static void
add_atomically (Run   *run,
                guint  n)
{
  Pace pace = pace_new (run, n);

  for (guint i = 0; i < n; i++)
    {
      if (i % CHECK_EVERY == 0 && g_cancellable_is_cancelled (run->cancellable))
        return;

      stretch (&pace, i);
      g_atomic_int_add (&run->counter, 1);
    }
}

static void
add_in_the_run_s_way (Run   *run,
                      guint  lane,
                      guint  n)
{
  switch (run->variant)
    {
    case NO_LOCK:
      add_without_lock (run, n);
      break;
    case WITH_MUTEX:
      add_with_mutex (run, lane, n);
      break;
    case WITH_BATCHES:
      add_with_batches (run, lane, n);
      break;
    case WITH_ATOMIC_ADD:
    case N_VARIANTS:
    default:
      add_atomically (run, n);
      break;
    }
}

static void
wait_at_gate (Run *run)
{
  thaw_mutex_lock (&run->gate_lock);
  /* A loop, not an if: a condition variable may wake a thread for nothing. */
  while (!run->gate_open)
    thaw_cond_wait (&run->gate_cond, &run->gate_lock);
  thaw_mutex_unlock (&run->gate_lock);
}

static void
open_gate (Run *run)
{
  thaw_mutex_lock (&run->gate_lock);
  run->opened_at = g_get_monotonic_time ();
  run->gate_open = TRUE;
  g_cond_broadcast (&run->gate_cond);
  thaw_mutex_unlock (&run->gate_lock);
}

/* Slow motion: every adder naps until the same moment, so that all of them
 * start each round together, as they would at full speed. */
static void
nap_until (Run    *run,
           guint   lane,
           gint64  wake_at)
{
  gint64 now = g_get_monotonic_time ();

  if (wake_at <= now)
    return;

  thaw_timeline_record (run->timeline, lane, THAW_LANE_SLEEPING);
  /* Short naps, so that Stop is seen within a few milliseconds. */
  while (now < wake_at && !g_cancellable_is_cancelled (run->cancellable))
    {
      g_usleep (MIN (wake_at - now, NAP_SLICE_US));
      now = g_get_monotonic_time ();
    }
  thaw_timeline_record (run->timeline, lane, THAW_LANE_RUNNING);
}

/* An adder thread's whole life. It never calls GTK. */
static gpointer
adder_thread (gpointer data)
{
  Adder *adder = data;
  Run *run = adder->run;

  thaw_thread_set_background_priority ();

  thaw_timeline_record (run->timeline, adder->lane, THAW_LANE_WAITING);
  wait_at_gate (run);
  thaw_timeline_record (run->timeline, adder->lane, THAW_LANE_RUNNING);

  for (guint round = 0; round < ROUNDS; round++)
    {
      /* This round's share of the increments; the shares add up exactly. */
      guint n = (guint) ((guint64) run->increments * (round + 1) / ROUNDS
                         - (guint64) run->increments * round / ROUNDS);
      gint64 started;

      if (g_cancellable_is_cancelled (run->cancellable))
        break;
      if (run->slow_motion)
        nap_until (run, adder->lane, run->opened_at + round * SLOW_ROUND_US);

      started = g_get_monotonic_time ();
      add_in_the_run_s_way (run, adder->lane, n);
      adder->adding_us += g_get_monotonic_time () - started;
    }

  thaw_timeline_record (run->timeline, adder->lane, THAW_LANE_FINISHED);

  return NULL;
}

/* One run, from the conductor thread: start the adders, open the gate, join
 * them all. The time of a run is the longest time one adder spent adding,
 * lock waits included and naps left out. Returns FALSE if a thread could
 * not be started; the ones that did start are joined all the same. */
static gboolean
run_adders (Run     *run,
            guint    n_threads,
            guint   *total,
            gint64  *adding_us,
            GError **error)
{
  GThread *threads[MAX_THREADS];
  Adder adders[MAX_THREADS];
  guint started = 0;

  g_mutex_init (&run->counter_lock);
  g_mutex_init (&run->gate_lock);
  g_cond_init (&run->gate_cond);

  for (; started < n_threads; started++)
    {
      adders[started] = (Adder) { run, started, 0 };
      threads[started] = g_thread_try_new ("thaw-adder", adder_thread, &adders[started], error);
      if (threads[started] == NULL)
        break;
    }

  /* Open the gate even after a failure, or the started threads would wait
   * at it forever. */
  open_gate (run);

  /* This thread is not the main thread: it may wait as long as it takes. */
  *adding_us = 0;
  for (guint i = 0; i < started; i++)
    {
      g_thread_join (threads[i]);
      /* After the join, everything the adder wrote is visible here. */
      *adding_us = MAX (*adding_us, adders[i].adding_us);
    }

  *total = (guint) g_atomic_int_get (&run->counter);

  g_cond_clear (&run->gate_cond);
  g_mutex_clear (&run->gate_lock);
  g_mutex_clear (&run->counter_lock);

  return started == n_threads;
}

/* A series: one or more runs of one variant, on a conductor thread, and what
 * the conductor and the main thread share about them.
 *
 * The conductor fills totals[i] and adding_us[i] and only then raises
 * n_done with g_atomic_int_set(), a full barrier: the main thread reads
 * n_done first, and the entries below it are then complete. Everything else
 * is set before the conductor starts and not changed while it runs. */
typedef struct
{
  gatomicrefcount ref_count;
  GCancellable *cancellable;
  GWeakRef lesson;             /* main thread only */
  ThawTimeline *timeline;

  Variant variant;
  guint n_threads;
  guint increments;
  guint n_runs;
  gboolean slow_motion;

  guint *totals;
  gint64 *adding_us;
  int n_done;
  int finished;
  GError *error;               /* set before finished, read after it */

  /* TRUE while a delivery is scheduled on the main loop and has not run. */
  int delivery_pending;
} Series;

static Series *
series_new (gpointer      lesson,
            ThawTimeline *timeline,
            Variant       variant,
            guint         n_threads,
            guint         increments,
            guint         n_runs,
            gboolean      slow_motion)
{
  Series *series = g_new0 (Series, 1);

  g_atomic_ref_count_init (&series->ref_count);
  series->cancellable = g_cancellable_new ();
  g_weak_ref_init (&series->lesson, lesson);
  series->timeline = thaw_timeline_ref (timeline);
  series->variant = variant;
  series->n_threads = n_threads;
  series->increments = increments;
  series->n_runs = n_runs;
  series->slow_motion = slow_motion;
  series->totals = g_new0 (guint, n_runs);
  series->adding_us = g_new0 (gint64, n_runs);

  return series;
}

static Series *
series_ref (Series *series)
{
  g_atomic_ref_count_inc (&series->ref_count);
  return series;
}

static void
series_unref (Series *series)
{
  if (!g_atomic_ref_count_dec (&series->ref_count))
    return;

  /* Possibly on the conductor thread: nothing here belongs to the main
   * thread (a GWeakRef may be cleared anywhere). */
  g_weak_ref_clear (&series->lesson);
  g_object_unref (series->cancellable);
  thaw_timeline_unref (series->timeline);
  g_clear_error (&series->error);
  g_free (series->totals);
  g_free (series->adding_us);
  g_free (series);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Series, series_unref)

static gboolean deliver_cb (gpointer data);

/* At most one delivery waits on the main loop; it shows the latest news. */
static void
request_delivery (Series *series)
{
  if (g_atomic_int_compare_and_exchange (&series->delivery_pending, FALSE, TRUE))
    {
      /* The idle holds its own reference: the series outlives it. */
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, deliver_cb, series_ref (series),
                       (GDestroyNotify) series_unref);
    }
}

/* The conductor: runs the series' runs one after another. */
static gpointer
conductor_thread (gpointer data)
{
  g_autoptr(Series) series = data;
  GError *error = NULL;

  thaw_thread_set_background_priority ();

  for (guint i = 0; i < series->n_runs; i++)
    {
      Run run = {
        .variant = series->variant,
        .increments = series->increments,
        .slow_motion = series->slow_motion,
        .cancellable = series->cancellable,
        .timeline = series->timeline,
      };
      gboolean ok;

      if (g_cancellable_is_cancelled (series->cancellable))
        break;

      ok = run_adders (&run, series->n_threads, &series->totals[i], &series->adding_us[i], &error);
      if (!ok)
        break;
      /* A run cut short by Stop is not a result. */
      if (g_cancellable_is_cancelled (series->cancellable))
        break;

      g_atomic_int_set (&series->n_done, (int) i + 1);
      request_delivery (series);
    }

  series->error = error;
  g_atomic_int_set (&series->finished, TRUE);
  request_delivery (series);

  return NULL;
}

/* The widget. Everything below runs on the main thread. */

#define THAW_TYPE_LESSON_RACE (thaw_lesson_race_get_type ())
G_DECLARE_FINAL_TYPE (ThawLessonRace, thaw_lesson_race, THAW, LESSON_RACE, ThawLesson)

struct _ThawLessonRace
{
  ThawLesson parent_instance;

  GtkWidget *knobs;
  ThawThreadTimeline *timeline_view;
  AdwActionRow *variant_rows[N_VARIANTS];
  GtkWidget *histogram;
  GtkLabel *histogram_caption;
  GtkLabel *status;

  guint n_threads;
  guint increments;
  gboolean slow_motion;

  ThawTimeline *timeline;
  Series *series;
  GThread *conductor;
  gint64 series_started_at;

  /* The totals of the last series without a lock, for the histogram. */
  GArray *racy_totals;
  guint racy_expected;

  /* For --report: the last run, and the last time of each variant. */
  const char *state;
  Variant last_variant;
  guint last_total;
  guint last_expected;
  guint last_threads;
  guint last_increments;
  gboolean last_slow_motion;
  guint n_runs;

  /* The last measured run of each variant, as its row shows it. Times are
   * compared only between runs at full speed with the same knobs. */
  double variant_ms[N_VARIANTS];     /* < 0 until measured */
  gboolean variant_slow[N_VARIANTS];
  guint variant_expected[N_VARIANTS];
  guint variant_threads[N_VARIANTS];
};

G_DEFINE_FINAL_TYPE (ThawLessonRace, thaw_lesson_race, THAW_TYPE_LESSON)

enum {
  PROP_0,
  PROP_THREADS,
  PROP_INCREMENTS,
  PROP_SLOW_MOTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const verbs[N_VARIANTS] = {
  [NO_LOCK] = "lesson.start",
  [WITH_MUTEX] = "lesson.with-mutex",
  [WITH_ATOMIC_ADD] = "lesson.with-atomic",
  [WITH_BATCHES] = "lesson.with-batches",
};

static void
set_running (ThawLessonRace *self,
             gboolean        running)
{
  for (guint i = 0; i < N_VARIANTS; i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), verbs[i], !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.run-many", !running);
  thaw_lesson_set_busy (THAW_LESSON (self), running);
  gtk_widget_set_sensitive (self->knobs, !running);
}

static const char *
variant_title (Variant variant)
{
  switch (variant)
    {
    case NO_LOCK:
      return _("Without a lock");
    case WITH_MUTEX:
      return _("With a mutex per increment");
    case WITH_BATCHES:
      return _("With a mutex per batch");
    case WITH_ATOMIC_ADD:
    case N_VARIANTS:
    default:
      return _("With an atomic add");
    }
}

/* The row of one variant: its last total and how long it took. */
static void
show_variant_result (ThawLessonRace *self,
                     Variant         variant,
                     guint           total,
                     guint           expected,
                     double          ms,
                     gboolean        slow_motion)
{
  g_autofree char *subtitle = NULL;

  if (total < expected)
    /* Translators: the total a counter reached, of the one expected, how
     * many additions were lost, and the time the threads spent adding. */
    subtitle = g_strdup_printf (ngettext ("%'u of %'u: %'u update lost · %.1f ms of adding",
                                          "%'u of %'u: %'u updates lost · %.1f ms of adding",
                                          expected - total),
                                total, expected, expected - total, ms);
  else
    /* Translators: the counter reached the total it should have. */
    subtitle = g_strdup_printf (_("%'u of %'u: exact · %.1f ms of adding"), total, expected, ms);

  if (slow_motion)
    {
      g_autofree char *plain = g_steal_pointer (&subtitle);

      /* Translators: %s is the result of a run, e.g. "4,000,000 of
       * 4,000,000: exact · 612.0 ms of adding". */
      subtitle = g_strdup_printf (_("%s, in slow motion"), plain);
    }

  adw_action_row_set_subtitle (self->variant_rows[variant], subtitle);
}

/* The histogram: how many runs ended at which total, with the expected
 * total marked. Drawn from self->racy_totals. */
static void
draw_histogram_cb (GtkDrawingArea *area,
                   cairo_t        *cr,
                   int             width,
                   int             height,
                   gpointer        data)
{
  ThawLessonRace *self = data;
  GtkWidget *widget = GTK_WIDGET (area);
  const guint n_bins = 12;
  guint counts[12] = { 0 };
  guint n = self->racy_totals->len;
  guint lowest = G_MAXUINT, highest = 0, tallest = 0;
  double bin_width, plot_height, expected_x;
  GdkRGBA fg, lost, exact;
  g_autoptr(PangoLayout) low_label = NULL;
  g_autoptr(PangoLayout) expected_label = NULL;
  g_autofree char *low_text = NULL;
  g_autofree char *expected_text = NULL;
  int text_height;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  gdk_rgba_parse (&lost, "#e66100");     /* orange 5 */
  gdk_rgba_parse (&exact, "#3584e4");    /* blue 3 */

  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.05);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);

  if (n == 0)
    return;

  for (guint i = 0; i < n; i++)
    {
      guint total = g_array_index (self->racy_totals, guint, i);

      lowest = MIN (lowest, total);
      highest = MAX (highest, total);
    }
  lowest = MIN (lowest, self->racy_expected);
  highest = MAX (highest, self->racy_expected);

  /* Bins from the lowest total to the expected one; a last bin of its own
   * for the expected total, so that "exact" is never mixed with "almost". */
  bin_width = highest > lowest ? (double) (highest - lowest) / (n_bins - 1) : 1;
  for (guint i = 0; i < n; i++)
    {
      guint total = g_array_index (self->racy_totals, guint, i);
      guint bin;

      if (total >= self->racy_expected)
        bin = n_bins - 1;
      else
        bin = MIN ((guint) ((total - lowest) / bin_width), n_bins - 2);
      counts[bin]++;
      tallest = MAX (tallest, counts[bin]);
    }

  low_text = g_strdup_printf ("%'u", lowest);
  /* Translators: a label under the histogram of totals; %'u is a number. */
  expected_text = g_strdup_printf (_("expected %'u"), self->racy_expected);
  low_label = gtk_widget_create_pango_layout (widget, low_text);
  expected_label = gtk_widget_create_pango_layout (widget, expected_text);
  pango_layout_get_pixel_size (expected_label, NULL, &text_height);
  plot_height = height - text_height - 4;

  for (guint bin = 0; bin < n_bins; bin++)
    {
      double x = (double) bin / n_bins * width;
      double h = (double) counts[bin] / tallest * (plot_height - 4);

      if (counts[bin] == 0)
        continue;

      gdk_cairo_set_source_rgba (cr, bin == n_bins - 1 ? &exact : &lost);
      cairo_rectangle (cr, x + 1, plot_height - h, (double) width / n_bins - 2, h);
      cairo_fill (cr);
    }

  /* The expected total: a dashed line over its bin. */
  expected_x = round ((n_bins - 0.5) / n_bins * width) + 0.5;
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.8);
  cairo_set_line_width (cr, 1);
  cairo_set_dash (cr, (double[]) { 3, 3 }, 2, 0);
  cairo_move_to (cr, expected_x, 0);
  cairo_line_to (cr, expected_x, plot_height);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  gdk_cairo_set_source_rgba (cr, &fg);
  cairo_move_to (cr, 0, plot_height + 2);
  pango_cairo_show_layout (cr, low_label);
  if (lowest < self->racy_expected)
    {
      int w;

      pango_layout_get_pixel_size (expected_label, &w, NULL);
      cairo_move_to (cr, width - w, plot_height + 2);
      pango_cairo_show_layout (cr, expected_label);
    }
}

static void
show_histogram (ThawLessonRace *self)
{
  g_autofree char *caption = NULL;
  guint n = self->racy_totals->len;
  guint lowest = G_MAXUINT, highest = 0, exact = 0;

  gtk_widget_queue_draw (self->histogram);
  if (n == 0)
    return;

  for (guint i = 0; i < n; i++)
    {
      guint total = g_array_index (self->racy_totals, guint, i);

      lowest = MIN (lowest, total);
      highest = MAX (highest, total);
      if (total == self->racy_expected)
        exact++;
    }

  caption = g_strdup_printf (ngettext ("%u run without a lock: totals from %'u to %'u, expected %'u; %u exact.",
                                       "%u runs without a lock: totals from %'u to %'u, expected %'u; %u exact.",
                                       n),
                             n, lowest, highest, self->racy_expected, exact);
  gtk_label_set_text (self->histogram_caption, caption);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->histogram),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, caption,
                                  -1);
}

/* Whether the last times of two variants were measured alike: at full
 * speed, with the same threads and increments. */
static gboolean
can_compare (ThawLessonRace *self,
             Variant         a,
             Variant         b)
{
  return self->variant_ms[a] > 0 && self->variant_ms[b] > 0 &&
         !self->variant_slow[a] && !self->variant_slow[b] &&
         self->variant_threads[a] == self->variant_threads[b] &&
         self->variant_expected[a] == self->variant_expected[b];
}

/* The end of a series, on the main thread. */
static void
finish_series (ThawLessonRace *self,
               Series         *series,
               gboolean        cancelled)
{
  double span;

  if (series->error != NULL)
    {
      self->state = "failed";
      gtk_label_set_text (self->status, series->error->message);
    }
  else if (cancelled)
    {
      self->state = "cancelled";
      gtk_label_set_text (self->status, _("Stopped."));
    }
  else
    {
      self->state = "succeeded";
      if (series->variant != NO_LOCK && can_compare (self, WITH_MUTEX, WITH_ATOMIC_ADD))
        {
          g_autofree char *text = NULL;

          /* Translators: %.1f is a measured ratio, e.g. "2.8". */
          text = g_strdup_printf (_("Exact, as it is every time. At full speed, the mutex per increment took %.1f× as long as the atomic add."),
                                  self->variant_ms[WITH_MUTEX] / self->variant_ms[WITH_ATOMIC_ADD]);
          gtk_label_set_text (self->status, text);
        }
      else if (series->variant != NO_LOCK)
        gtk_label_set_text (self->status, _("Exact, as it is every time. Compare the times."));
      else if (self->last_total < self->last_expected)
        gtk_label_set_text (self->status, _("Updates were lost. Run it again: the total changes every time."));
      else
        gtk_label_set_text (self->status, _("No update was lost this time, by luck. Try more threads or more increments."));
    }

  /* Let the timeline show the whole series, now that it has stopped moving. */
  span = (double) (g_get_monotonic_time () - self->series_started_at) / G_USEC_PER_SEC;
  thaw_thread_timeline_set_span (self->timeline_view, MAX (span * 1.1, 0.002));

  set_running (self, FALSE);
}

/* A delivery from the conductor, on the main thread. */
static gboolean
deliver_cb (gpointer data)
{
  Series *series = data;
  g_autoptr(ThawLessonRace) self = NULL;
  guint n_done, expected;
  gboolean finished;

  /* Clear the flag first: news stored after this asks for a new delivery. */
  g_atomic_int_set (&series->delivery_pending, FALSE);
  finished = g_atomic_int_get (&series->finished);
  n_done = (guint) g_atomic_int_get (&series->n_done);

  self = g_weak_ref_get (&series->lesson);
  if (self == NULL || self->series != series)
    return G_SOURCE_REMOVE;

  expected = series->n_threads * series->increments;

  if (series->variant == NO_LOCK)
    {
      g_array_set_size (self->racy_totals, 0);
      g_array_append_vals (self->racy_totals, series->totals, n_done);
      self->racy_expected = expected;
      show_histogram (self);
    }

  if (n_done > 0)
    {
      self->last_variant = series->variant;
      self->last_total = series->totals[n_done - 1];
      self->last_expected = expected;
      self->last_threads = series->n_threads;
      self->last_increments = series->increments;
      self->last_slow_motion = series->slow_motion;
      self->n_runs = n_done;
      self->variant_ms[series->variant] = series->adding_us[n_done - 1] / 1000.0;
      self->variant_slow[series->variant] = series->slow_motion;
      self->variant_expected[series->variant] = expected;
      self->variant_threads[series->variant] = series->n_threads;
      show_variant_result (self, series->variant, self->last_total, expected,
                           self->variant_ms[series->variant], series->slow_motion);
    }

  if (finished)
    {
      gboolean cancelled = g_cancellable_is_cancelled (series->cancellable);

      /* The conductor has said its last word: this join is immediate. */
      g_thread_join (g_steal_pointer (&self->conductor));
      finish_series (self, series, cancelled);
      g_clear_pointer (&self->series, series_unref);
    }

  return G_SOURCE_REMOVE;
}

static void
start_series (ThawLessonRace *self,
              Variant         variant,
              guint           n_runs)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  gboolean slow_motion;

  if (self->series != NULL)
    return;

  /* A new picture: one lane per adder. */
  thaw_timeline_clear (self->timeline);
  for (guint i = 0; i < self->n_threads; i++)
    {
      /* Translators: the name of a lane of the thread timeline. */
      g_autofree char *name = g_strdup_printf (_("thread %u"), i + 1);

      thaw_timeline_add_lane (self->timeline, name);
    }

  self->state = "running";
  self->series_started_at = g_get_monotonic_time ();
  /* Twenty runs in slow motion would take forty seconds: they go at full
   * speed, always. */
  slow_motion = self->slow_motion && n_runs == 1;
  if (slow_motion)
    thaw_thread_timeline_set_span (self->timeline_view,
                                   ROUNDS * SLOW_ROUND_US * 1.15 / G_USEC_PER_SEC);
  self->series = series_new (self, self->timeline, variant, self->n_threads, self->increments,
                           n_runs, slow_motion);
  set_running (self, TRUE);

  if (n_runs > 1)
    /* Translators: %u is a number of runs, e.g. 20; %s is a way to add, e.g. "Without a lock". */
    status = g_strdup_printf (ngettext ("%2$s: %1$u run…", "%2$s: %1$u runs…", n_runs),
                              n_runs, variant_title (variant));
  else
    status = g_strdup_printf ("%s…", variant_title (variant));
  gtk_label_set_text (self->status, status);

  /* The conductor gets a reference of its own and drops it when it returns. */
  self->conductor = g_thread_try_new ("thaw-conductor", conductor_thread,
                                      series_ref (self->series), &error);
  if (self->conductor == NULL)
    {
      series_unref (self->series);           /* the thread's, never taken */
      g_clear_pointer (&self->series, series_unref);
      self->state = "failed";
      gtk_label_set_text (self->status, error->message);
      set_running (self, FALSE);
    }
}

/* lesson.start: one run without a lock. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  start_series (THAW_LESSON_RACE (widget), NO_LOCK, 1);
}

/* lesson.run-many: twenty runs without a lock, for the histogram. */
static void
run_many_cb (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  start_series (THAW_LESSON_RACE (widget), NO_LOCK, MANY_RUNS);
}

/* lesson.with-mutex */
static void
with_mutex_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  start_series (THAW_LESSON_RACE (widget), WITH_MUTEX, 1);
}

/* lesson.with-atomic */
static void
with_atomic_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  start_series (THAW_LESSON_RACE (widget), WITH_ATOMIC_ADD, 1);
}

/* lesson.with-batches */
static void
with_batches_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  start_series (THAW_LESSON_RACE (widget), WITH_BATCHES, 1);
}

/* lesson.stop: the adders look at the cancellable every few thousand
 * increments, the conductor between runs; its last delivery ends it. */
static void
stop_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonRace *self = THAW_LESSON_RACE (widget);

  if (self->series == NULL)
    return;

  g_cancellable_cancel (self->series->cancellable);
  gtk_label_set_text (self->status, _("Stopping…"));
}

static void
add_ms_member (JsonBuilder *builder,
               const char  *name,
               double       ms)
{
  if (ms < 0)
    return;

  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, ms);
}

static void
thaw_lesson_race_report (ThawLesson  *lesson,
                         JsonBuilder *builder)
{
  ThawLessonRace *self = THAW_LESSON_RACE (lesson);
  guint lowest = G_MAXUINT, highest = 0;

  json_builder_set_member_name (builder, "job_state");
  json_builder_add_string_value (builder, self->state);
  json_builder_set_member_name (builder, "variant");
  json_builder_add_string_value (builder, variant_ids[self->last_variant]);
  json_builder_set_member_name (builder, "threads");
  json_builder_add_int_value (builder, self->last_threads);
  json_builder_set_member_name (builder, "increments");
  json_builder_add_int_value (builder, self->last_increments);
  json_builder_set_member_name (builder, "expected");
  json_builder_add_int_value (builder, self->last_expected);
  json_builder_set_member_name (builder, "last_total");
  json_builder_add_int_value (builder, self->last_total);
  json_builder_set_member_name (builder, "lost_updates");
  json_builder_add_int_value (builder, (gint64) self->last_expected - self->last_total);
  json_builder_set_member_name (builder, "runs");
  json_builder_add_int_value (builder, self->n_runs);
  json_builder_set_member_name (builder, "slow_motion");
  json_builder_add_boolean_value (builder, self->last_slow_motion);

  /* The times the rows show. */
  add_ms_member (builder, "racy_ms", self->variant_ms[NO_LOCK]);
  add_ms_member (builder, "mutex_ms", self->variant_ms[WITH_MUTEX]);
  add_ms_member (builder, "atomic_ms", self->variant_ms[WITH_ATOMIC_ADD]);
  add_ms_member (builder, "batches_ms", self->variant_ms[WITH_BATCHES]);

  /* The histogram's runs without a lock. */
  for (guint i = 0; i < self->racy_totals->len; i++)
    {
      lowest = MIN (lowest, g_array_index (self->racy_totals, guint, i));
      highest = MAX (highest, g_array_index (self->racy_totals, guint, i));
    }
  json_builder_set_member_name (builder, "racy_runs");
  json_builder_add_int_value (builder, self->racy_totals->len);
  if (self->racy_totals->len > 0)
    {
      json_builder_set_member_name (builder, "racy_min_total");
      json_builder_add_int_value (builder, lowest);
      json_builder_set_member_name (builder, "racy_max_total");
      json_builder_add_int_value (builder, highest);
    }
}

static void
thaw_lesson_race_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ThawLessonRace *self = THAW_LESSON_RACE (object);

  switch (prop_id)
    {
    case PROP_THREADS:
      g_value_set_uint (value, self->n_threads);
      break;

    case PROP_INCREMENTS:
      g_value_set_uint (value, self->increments);
      break;

    case PROP_SLOW_MOTION:
      g_value_set_boolean (value, self->slow_motion);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_lesson_race_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  ThawLessonRace *self = THAW_LESSON_RACE (object);
  guint *field;

  switch (prop_id)
    {
    case PROP_SLOW_MOTION:
      if (self->slow_motion != g_value_get_boolean (value))
        {
          self->slow_motion = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      return;

    case PROP_THREADS:
      field = &self->n_threads;
      break;

    case PROP_INCREMENTS:
      field = &self->increments;
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }

  if (*field != g_value_get_uint (value))
    {
      *field = g_value_get_uint (value);
      g_object_notify_by_pspec (object, pspec);
    }
}

static void
thaw_lesson_race_dispose (GObject *object)
{
  ThawLessonRace *self = THAW_LESSON_RACE (object);

  /* Stop the runs and wait for the conductor, which joins the adders: they
   * look at the cancellable every few thousand increments, so this takes
   * about a millisecond. A delivery already scheduled finds nobody. */
  if (self->series != NULL)
    {
      g_cancellable_cancel (self->series->cancellable);
      g_thread_join (g_steal_pointer (&self->conductor));
      g_clear_pointer (&self->series, series_unref);
    }

  g_clear_pointer (&self->timeline, thaw_timeline_unref);

  G_OBJECT_CLASS (thaw_lesson_race_parent_class)->dispose (object);
}

static void
thaw_lesson_race_finalize (GObject *object)
{
  ThawLessonRace *self = THAW_LESSON_RACE (object);

  g_array_unref (self->racy_totals);

  G_OBJECT_CLASS (thaw_lesson_race_parent_class)->finalize (object);
}

static void
thaw_lesson_race_class_init (ThawLessonRaceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  object_class->dispose = thaw_lesson_race_dispose;
  object_class->finalize = thaw_lesson_race_finalize;
  object_class->get_property = thaw_lesson_race_get_property;
  object_class->set_property = thaw_lesson_race_set_property;
  lesson_class->report = thaw_lesson_race_report;

  properties[PROP_THREADS] =
    g_param_spec_uint ("threads", NULL, NULL,
                       MIN_THREADS, MAX_THREADS, DEFAULT_THREADS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INCREMENTS] =
    g_param_spec_uint ("increments", NULL, NULL,
                       MIN_INCREMENTS, MAX_INCREMENTS, DEFAULT_INCREMENTS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SLOW_MOTION] =
    g_param_spec_boolean ("slow-motion", NULL, NULL,
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "lesson.start", NULL, start_cb);
  gtk_widget_class_install_action (widget_class, "lesson.run-many", NULL, run_many_cb);
  gtk_widget_class_install_action (widget_class, "lesson.with-mutex", NULL, with_mutex_cb);
  gtk_widget_class_install_action (widget_class, "lesson.with-atomic", NULL, with_atomic_cb);
  gtk_widget_class_install_action (widget_class, "lesson.with-batches", NULL, with_batches_cb);
  gtk_widget_class_install_action (widget_class, "lesson.stop", NULL, stop_cb);
}

static GtkWidget *
make_button (const char *label,
             const char *action,
             const char *style)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_add_css_class (button, "pill");
  if (style != NULL)
    gtk_widget_add_css_class (button, style);

  return button;
}

/* A row with a spin button bound both ways to one of the lesson's knobs. */
static GtkWidget *
make_knob (ThawLessonRace *self,
           const char     *title,
           const char     *property,
           double          step)
{
  GParamSpecUInt *pspec = G_PARAM_SPEC_UINT (g_object_class_find_property (G_OBJECT_GET_CLASS (self), property));
  GtkAdjustment *adjustment;
  GtkWidget *row, *spin;

  adjustment = gtk_adjustment_new (pspec->default_value, pspec->minimum, pspec->maximum, step, step * 10, 0);
  spin = gtk_spin_button_new (adjustment, step, 0);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  g_object_bind_property (self, property, adjustment, "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  /* libadwaita names the row's activatable spin button by the row's title;
   * a label of its own would be read after it. */
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);

  return row;
}

/* A row with a switch bound both ways to a boolean knob. */
static GtkWidget *
make_switch (ThawLessonRace *self,
             const char     *title,
             const char     *subtitle,
             const char     *property)
{
  GtkWidget *row, *toggle;

  toggle = gtk_switch_new ();
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  g_object_bind_property (self, property, toggle, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  /* libadwaita names the row's activatable switch by the row's title;
   * a label of its own would be read after it. */
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);

  return row;
}

static GtkWidget *
make_caption (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "dim-label");

  return label;
}

static void
thaw_lesson_race_init (ThawLessonRace *self)
{
  GtkWidget *box, *buttons, *knobs, *timeline, *results, *histogram, *caption, *status;

  self->state = "idle";
  self->n_threads = DEFAULT_THREADS;
  self->increments = DEFAULT_INCREMENTS;
  self->slow_motion = TRUE;
  self->last_threads = DEFAULT_THREADS;
  self->last_increments = DEFAULT_INCREMENTS;
  self->last_expected = DEFAULT_THREADS * DEFAULT_INCREMENTS;
  self->last_total = 0;
  self->racy_totals = g_array_new (FALSE, FALSE, sizeof (guint));
  self->timeline = thaw_timeline_new (0);
  for (guint i = 0; i < N_VARIANTS; i++)
    self->variant_ms[i] = -1;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);

  buttons = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (buttons), FALSE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("Run _Once"), "lesson.start", "suggested-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("Run _20 Times"), "lesson.run-many", NULL));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("With a _Mutex"), "lesson.with-mutex", NULL));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("With an _Atomic Add"), "lesson.with-atomic", NULL));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("One Lock per _Batch"), "lesson.with-batches", NULL));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Stop"), "lesson.stop", NULL));
  gtk_box_append (GTK_BOX (box), buttons);

  knobs = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (knobs), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (knobs, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (knobs), make_knob (self, _("Threads"), "threads", 1));
  gtk_list_box_append (GTK_LIST_BOX (knobs),
                       make_knob (self, _("Increments per thread"), "increments", 1000));
  gtk_list_box_append (GTK_LIST_BOX (knobs), make_switch (self, _("Slow motion"),
                                                          _("Stretches each run over seconds, so that the lanes can be followed"),
                                                          "slow-motion"));
  gtk_box_append (GTK_BOX (box), knobs);
  self->knobs = knobs;

  timeline = thaw_thread_timeline_new ();
  thaw_thread_timeline_set_timeline (THAW_THREAD_TIMELINE (timeline), self->timeline);
  gtk_box_append (GTK_BOX (box), timeline);
  self->timeline_view = THAW_THREAD_TIMELINE (timeline);

  status = make_caption (_("Run it once without a lock: the counter should reach threads × increments."));
  gtk_box_append (GTK_BOX (box), status);
  self->status = GTK_LABEL (status);

  results = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (results), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (results, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (results),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Results of each way to add"),
                                  -1);
  for (guint i = 0; i < N_VARIANTS; i++)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), variant_title (i));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Not run yet."));
      gtk_list_box_append (GTK_LIST_BOX (results), row);
      self->variant_rows[i] = ADW_ACTION_ROW (row);
    }
  gtk_box_append (GTK_BOX (box), results);

  histogram = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (histogram), 120);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (histogram), draw_histogram_cb, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (histogram),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Histogram of the totals without a lock"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("No runs yet."),
                                  -1);
  gtk_box_append (GTK_BOX (box), histogram);
  self->histogram = histogram;

  caption = make_caption (_("Run 20 times to see how the totals spread."));
  gtk_widget_add_css_class (caption, "caption");
  gtk_box_append (GTK_BOX (box), caption);
  self->histogram_caption = GTK_LABEL (caption);

  adw_bin_set_child (ADW_BIN (self), box);
  set_running (self, FALSE);
}

const ThawLessonInfo thaw_lesson_race_info = {
  .id = "race",
  .part = THAW_PART_SHARING,
  .title = N_("Lost Updates"),
  .summary = N_("Threads that add to one counter without a lock lose some of their additions"),
  .keywords = N_("race;race condition;data race;counter;lost update;lock;mutex;atomic;increment;histogram;critical section"),
  .explanation =
    N_("Several threads each add 1 to the same counter, many times. At the end "
       "the counter should hold threads × increments. Without a lock it almost "
       "never does, and it ends short by a different amount each run.\n\n"
       "Adding 1 is two steps: <b>read</b> the counter, then <b>write</b> the "
       "value plus one. If another thread writes between this thread’s read and "
       "its write, this write puts back a value that is already out of date, "
       "and the other thread’s update is lost. This is a <b>race condition</b>: "
       "the result depends on how the threads happen to interleave.\n\n"
       "Here the read is <tt>g_atomic_int_get()</tt> and the write "
       "<tt>g_atomic_int_set()</tt>. Each step is atomic, so the program is "
       "still well-defined C; a plain <tt>counter++</tt> from several threads "
       "would be a <b>data race</b>, which C leaves undefined, and the compiler "
       "may then do anything. Atomic steps still lose updates: the race is "
       "in the gap between them.\n\n"
       "Two fixes are always exact. A <tt>GMutex</tt> around the read and the "
       "write makes them a <b>critical section</b> that one thread at a time "
       "may enter. <tt>g_atomic_int_add()</tt> instead does the read, the "
       "addition and the write as one indivisible step of the processor, with "
       "no lock at all.\n\n"
       "Neither is free. Each run measures how long its threads spent adding. "
       "“With a Mutex” locks and unlocks for every increment, as the programs "
       "below do, and each time the lock may have to move from one core to "
       "another. It takes longer than the atomic add, "
       "and the page says how many times as long. “One Lock per Batch” takes "
       "the lock once per round of increments and keeps it meanwhile: the "
       "threads share far less often, so it is fast, while the lanes show them "
       "taking turns, the others waiting. Sharing less is often the best fix of "
       "all. "
       "Compare the times, and see what more threads do to each.\n\n"
       "In Python the race is the same, but it hides. CPython runs one thread "
       "at a time. A thread that wants to run asks for a switch after 5 ms, and "
       "the running one gives way only at certain points: a function call, a "
       "loop’s jump back, a call that blocks. A bare <tt>value = counter</tt> "
       "followed by <tt>counter = value + 1</tt> has no such point between the "
       "read and the write, so since CPython 3.10 it is seldom split and "
       "usually ends exact. That is luck, not a promise: the language does not "
       "guarantee it, CPython 3.9 lost updates there, and free-threaded Python "
       "(3.13t) runs the threads truly at once. With a call between the read "
       "and the write, as in the program below, CPython loses updates too. A "
       "lock makes it exact everywhere.\n\n"
       "At full speed a run takes milliseconds, too quick to watch. So one run "
       "goes in <b>slow motion</b> unless you turn it off: in twenty rounds a "
       "tenth of a second apart, each round’s additions stretched over 30 ms, "
       "as if every thread worked out the new value for a while between its "
       "read and its write. The gap widens, and far more updates are lost. "
       "Compare the times with slow motion off; “Run 20 Times” always goes at "
       "full speed."),
  .try_this =
    N_("Click “Run Once”: the total falls short of the expected one, and the lanes show every thread running at the same time.\n"
       "Click “Run 20 Times”: the totals spread out. A few may even be exact: a race does not strike every time.\n"
       "Turn slow motion off and click “With a Mutex”, then “With an Atomic Add”: both exact, and the mutex, locked for every increment, takes longer. The status line says how many times as long.\n"
       "Click “One Lock per Batch”: exact, and fast, because the threads share less often. With slow motion on, the lanes show one thread holding the lock while the others wait.\n"
       "Set the threads to 2 and the increments to 1000, and run 20 times: lost updates get rarer, but a rare race is still a race."),
  .source = "lesson-race.c",
  .get_type = thaw_lesson_race_get_type,
};
