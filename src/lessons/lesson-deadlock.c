/* lesson-deadlock.c — Deadlock
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two bank accounts, each with its own lock, and two threads moving money
 * between them in opposite directions. Each thread locks the account it
 * takes money from, does some work for a moment (the delay knob), then
 * locks the account it pays into. Thread 1→2 holds account 1 and wants
 * account 2; thread 2→1 holds account 2 and wants account 1. Neither will
 * ever let go: a deadlock.
 *
 *   lesson.start    the transfers in opposite orders: they deadlock, a
 *                   watchdog finds the cycle, one thread backs off, and
 *                   both transfers complete after all.
 *   lesson.ordered  the fix: both threads lock the lower-numbered account
 *                   first. One waits for the other, and no cycle can form.
 *   lesson.stop     cancels the run.
 *
 * No thread here ever calls g_mutex_lock(): a thread blocked in it can be
 * freed by nobody, and a deadlocked lesson would keep the application from
 * quitting. Every lock is taken with g_mutex_trylock() in a loop that also
 * listens to the watchdog and to the Stop button. The threads write down
 * which lock they hold and which they wait for, in a wait-for graph; the
 * watchdog looks for a cycle in it, and the page draws it.
 *
 * Read it top to bottom: the accounts and the graph, taking a lock, one
 * transfer, the watchdog, the hand-off to the main thread, and then the
 * widget.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "thaw-lesson.h"
#include "thaw-priority.h"
#include "thaw-thread-timeline.h"
#include "thaw-timeline.h"
#include "thaw-tsan.h"

#define N_ACCOUNTS 2
#define N_TRANSFERS 2
#define NOBODY (-1)

#define MAX_DELAY_MS 3000
#define DEFAULT_DELAY_MS 800
#define AMOUNT 10
#define OPENING_BALANCE 100

/* How often a waiting thread tries its lock again. */
#define RETRY_US (1 * G_TIME_SPAN_MILLISECOND)
/* How often the watchdog looks at the graph. Like a real one it does not
 * stare: a deadlock lasts until its next look. */
#define WATCH_US (500 * G_TIME_SPAN_MILLISECOND)
/* A thread that backs off pauses this long before it tries again. */
#define BACK_OFF_US (20 * G_TIME_SPAN_MILLISECOND)
#define MAX_ATTEMPTS 5
/* Work and naps are cut into slices this long, to notice Stop. */
#define SLICE_US (5 * G_TIME_SPAN_MILLISECOND)

typedef enum
{
  OPPOSITE_ORDER,
  SAME_ORDER,
} LockOrder;

/* The names used in reports. */
static const char *const order_ids[] = {
  [OPPOSITE_ORDER] = "opposite",
  [SAME_ORDER] = "ordered",
};

/* What the two transfers, the watchdog and the main thread share.
 *
 * The accounts: balance[i] is guarded by account_lock[i].
 *
 * The wait-for graph: who holds each lock and which lock each thread waits
 * for. It is guarded by graph_lock, and every change is broadcast on
 * graph_changed so that the watchdog looks at once. A thread updates it
 * right after taking a lock and right before releasing one, so the graph
 * never shows a cycle that is not there.
 */
typedef struct
{
  gatomicrefcount ref_count;
  GCancellable *cancellable;
  GWeakRef lesson;               /* main thread only */
  ThawTimeline *timeline;

  /* Set before any thread starts, never changed. */
  LockOrder order;
  gint64 delay_us;

  GMutex account_lock[N_ACCOUNTS];
  int balance[N_ACCOUNTS];

  GMutex graph_lock;
  GCond graph_changed;
  int holder[N_ACCOUNTS];        /* a transfer, or NOBODY */
  int waits_for[N_TRANSFERS];    /* an account, or NOBODY */
  gint64 waiting_since[N_TRANSFERS];
  gboolean back_off[N_TRANSFERS];
  gboolean done[N_TRANSFERS];
  gboolean completed[N_TRANSFERS];
  guint attempts[N_TRANSFERS];

  /* What the watchdog found, also under graph_lock. */
  guint deadlocks;
  int cycle[N_TRANSFERS];        /* the transfers in the last cycle found */
  int cycle_holder[N_ACCOUNTS];  /* the graph when it was found */
  int cycle_waits_for[N_TRANSFERS];
  gint64 detect_us;              /* cycle closed → watchdog saw it */
  gint64 cycle_closed_at;
  gint64 recover_us;             /* cycle closed → a transfer got through */

  /* Written once by the watchdog before `finished`. */
  GError *error;
  gint64 run_us;

  int finished;
  int delivery_pending;
} Bank;

static Bank *
bank_new (gpointer      lesson,
          ThawTimeline *timeline,
          LockOrder     order,
          guint         delay_ms)
{
  Bank *bank = g_new0 (Bank, 1);

  g_atomic_ref_count_init (&bank->ref_count);
  bank->cancellable = g_cancellable_new ();
  g_weak_ref_init (&bank->lesson, lesson);
  bank->timeline = thaw_timeline_ref (timeline);
  bank->order = order;
  bank->delay_us = (gint64) delay_ms * G_TIME_SPAN_MILLISECOND;

  for (guint i = 0; i < N_ACCOUNTS; i++)
    {
      g_mutex_init (&bank->account_lock[i]);
      bank->balance[i] = OPENING_BALANCE;
      bank->holder[i] = NOBODY;
    }
  for (guint t = 0; t < N_TRANSFERS; t++)
    {
      bank->waits_for[t] = NOBODY;
      bank->cycle[t] = NOBODY;
    }
  g_mutex_init (&bank->graph_lock);
  g_cond_init (&bank->graph_changed);

  return bank;
}

static Bank *
bank_ref (Bank *bank)
{
  g_atomic_ref_count_inc (&bank->ref_count);
  return bank;
}

static void
bank_unref (Bank *bank)
{
  if (!g_atomic_ref_count_dec (&bank->ref_count))
    return;

  for (guint i = 0; i < N_ACCOUNTS; i++)
    g_mutex_clear (&bank->account_lock[i]);
  g_mutex_clear (&bank->graph_lock);
  g_cond_clear (&bank->graph_changed);
  g_weak_ref_clear (&bank->lesson);
  g_object_unref (bank->cancellable);
  thaw_timeline_unref (bank->timeline);
  g_clear_error (&bank->error);
  g_free (bank);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Bank, bank_unref)

static gboolean deliver_cb (gpointer data);

/* At most one delivery waits on the main loop; it draws the latest graph. */
static void
request_delivery (Bank *bank)
{
  if (g_atomic_int_compare_and_exchange (&bank->delivery_pending, FALSE, TRUE))
    {
      /* The idle holds its own reference: the bank outlives it. */
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, deliver_cb, bank_ref (bank),
                       (GDestroyNotify) bank_unref);
    }
}

/* Call with graph_lock held, after changing the graph. */
static void
graph_changed (Bank *bank)
{
  g_cond_broadcast (&bank->graph_changed);
  request_delivery (bank);
}

/* Sleeps @us, in slices, unless Stop is pressed. The lane says @state. */
static void
pause_for (Bank          *bank,
           guint          lane,
           ThawLaneState  state,
           gint64         us)
{
  gint64 until = g_get_monotonic_time () + us;
  gint64 now;

  thaw_timeline_record (bank->timeline, lane, state);
  while ((now = g_get_monotonic_time ()) < until &&
         !g_cancellable_is_cancelled (bank->cancellable))
    g_usleep (MIN (until - now, SLICE_US));
}

/* Taking a lock.
 *
 * g_mutex_lock() would wait for as long as it takes, and in a deadlock that
 * is forever. Here a thread tries the lock, and between two tries it looks
 * whether the watchdog asked it to back off, or Stop was pressed. Meanwhile
 * the graph says what it waits for. */
static gboolean
take_lock (Bank  *bank,
           guint  me,
           guint  account)
{
  thaw_mutex_lock (&bank->graph_lock);
  bank->waits_for[me] = (int) account;
  bank->waiting_since[me] = g_get_monotonic_time ();
  graph_changed (bank);
  thaw_mutex_unlock (&bank->graph_lock);
  thaw_timeline_record (bank->timeline, me, THAW_LANE_WAITING);

  for (;;)
    {
      gboolean give_up;

      thaw_mutex_lock (&bank->graph_lock);
      give_up = bank->back_off[me] || g_cancellable_is_cancelled (bank->cancellable);
      if (give_up)
        {
          bank->waits_for[me] = NOBODY;
          graph_changed (bank);
        }
      thaw_mutex_unlock (&bank->graph_lock);

      if (give_up)
        return FALSE;

      if (g_mutex_trylock (&bank->account_lock[account]))
        break;

      g_usleep (RETRY_US);
    }

  /* TSan cannot see inside GLib's mutex: say that we now own it. */
  THAW_TSAN_ACQUIRE (&bank->account_lock[account]);

  thaw_mutex_lock (&bank->graph_lock);
  bank->waits_for[me] = NOBODY;
  bank->holder[account] = (int) me;
  graph_changed (bank);
  thaw_mutex_unlock (&bank->graph_lock);
  thaw_timeline_record (bank->timeline, me, THAW_LANE_HOLDING);

  return TRUE;
}

/* The graph forgets the holder before the lock is released, never after. */
static void
release_lock (Bank  *bank,
              guint  account)
{
  thaw_mutex_lock (&bank->graph_lock);
  bank->holder[account] = NOBODY;
  graph_changed (bank);
  thaw_mutex_unlock (&bank->graph_lock);

  THAW_TSAN_RELEASE (&bank->account_lock[account]);
  g_mutex_unlock (&bank->account_lock[account]);
}

/* One transfer: thread 0 moves money from account 0 to account 1, thread 1
 * from account 1 to account 0. */
typedef struct
{
  Bank *bank;                    /* the watchdog's, alive until the join */
  guint me;
} Transfer;

static void
choose_lock_order (Bank  *bank,
                   guint  me,
                   guint *first,
                   guint *second)
{
  guint from = me, to = 1 - me;

  if (bank->order == OPPOSITE_ORDER)
    {
      /* The natural way, and the wrong one: source first, then target.
       * The two threads go round the accounts in opposite directions. */
      *first = from;
      *second = to;
    }
  else
    {
      /* The fix: one global order for every thread, here the account
       * number. Nobody can hold a higher lock while waiting for a lower
       * one, so the graph can never close into a cycle. */
      *first = MIN (from, to);
      *second = MAX (from, to);
    }
}

/* One attempt at the transfer. Returns FALSE if the thread had to back off
 * (or Stop was pressed) before it held both locks. */
static gboolean
try_transfer (Bank  *bank,
              guint  me)
{
  guint first, second;
  guint from = me, to = 1 - me;

  choose_lock_order (bank, me, &first, &second);

  if (!take_lock (bank, me, first))
    return FALSE;

  /* Work done while holding the first lock: the deadlock's window. */
  pause_for (bank, me, THAW_LANE_HOLDING, bank->delay_us);

  /* Stop pressed, or the other lock not to be had: let go of what we hold,
   * so that the other thread can go on. */
  if (g_cancellable_is_cancelled (bank->cancellable) ||
      !take_lock (bank, me, second))
    {
      release_lock (bank, first);
      thaw_timeline_record (bank->timeline, me, THAW_LANE_RUNNING);
      return FALSE;
    }

  /* Both accounts are ours: no one can see the money in between. */
  bank->balance[from] -= AMOUNT;
  bank->balance[to] += AMOUNT;

  release_lock (bank, second);
  release_lock (bank, first);
  thaw_timeline_record (bank->timeline, me, THAW_LANE_RUNNING);

  return TRUE;
}

static gpointer
transfer_thread (gpointer data)
{
  Transfer *transfer = data;
  Bank *bank = transfer->bank;
  guint me = transfer->me;
  gboolean completed = FALSE;

  thaw_thread_set_background_priority ();
  thaw_timeline_record (bank->timeline, me, THAW_LANE_RUNNING);

  for (guint attempt = 1; attempt <= MAX_ATTEMPTS && !completed; attempt++)
    {
      if (g_cancellable_is_cancelled (bank->cancellable))
        break;

      thaw_mutex_lock (&bank->graph_lock);
      bank->attempts[me] = attempt;
      bank->back_off[me] = FALSE;
      thaw_mutex_unlock (&bank->graph_lock);

      completed = try_transfer (bank, me);

      /* After a back-off, a pause: trying again at once would often walk
       * straight into the same cycle. */
      if (!completed)
        pause_for (bank, me, THAW_LANE_SLEEPING, BACK_OFF_US);
    }

  thaw_mutex_lock (&bank->graph_lock);
  bank->done[me] = TRUE;
  bank->completed[me] = completed;
  if (completed && bank->cycle_closed_at != 0 && bank->recover_us == 0)
    bank->recover_us = g_get_monotonic_time () - bank->cycle_closed_at;
  graph_changed (bank);
  thaw_mutex_unlock (&bank->graph_lock);

  thaw_timeline_record (bank->timeline, me, THAW_LANE_FINISHED);

  return NULL;
}

/* The watchdog.
 *
 * Follow the graph from a waiting thread: the lock it waits for, the
 * thread that holds that lock, the lock that one waits for, and so on. If
 * the walk comes back to where it started, the threads on the way wait for
 * each other in a circle and none of them will ever move: a deadlock. With
 * two threads the circle has two, but the walk works for any number. */
static gboolean
find_cycle (Bank  *bank,
            guint  start,
            int    cycle[N_TRANSFERS])
{
  int thread = (int) start;

  for (guint steps = 0; steps < N_TRANSFERS; steps++)
    {
      int lock = bank->waits_for[thread];

      if (lock == NOBODY || bank->holder[lock] == NOBODY)
        return FALSE;

      cycle[steps] = thread;
      thread = bank->holder[lock];
      if (thread == (int) start)
        return TRUE;
    }

  return FALSE;
}

/* A cycle that one of its threads is already leaving is not a new one. */
static gboolean
is_new_cycle (Bank      *bank,
              const int  cycle[N_TRANSFERS])
{
  for (guint i = 0; i < N_TRANSFERS && cycle[i] != NOBODY; i++)
    if (bank->back_off[cycle[i]])
      return FALSE;

  return TRUE;
}

/* Call with graph_lock held. */
static void
watch (Bank *bank)
{
  int cycle[N_TRANSFERS];
  gboolean found = FALSE;
  gint64 closed_at = 0;
  int victim = NOBODY;

  for (guint t = 0; t < N_TRANSFERS && !found; t++)
    {
      cycle[0] = cycle[1] = NOBODY;
      found = find_cycle (bank, t, cycle) && is_new_cycle (bank, cycle);
    }

  if (!found)
    return;

  /* The cycle closed when its last member began to wait. That one backs
   * off: it lets go of its lock, and the others can go on. */
  for (guint i = 0; i < N_TRANSFERS && cycle[i] != NOBODY; i++)
    if (bank->waiting_since[cycle[i]] >= closed_at)
      {
        closed_at = bank->waiting_since[cycle[i]];
        victim = cycle[i];
      }

  bank->deadlocks++;
  memcpy (bank->cycle, cycle, sizeof cycle);
  /* The picture of the cycle, as it is now: it will not last. */
  memcpy (bank->cycle_holder, bank->holder, sizeof bank->holder);
  memcpy (bank->cycle_waits_for, bank->waits_for, sizeof bank->waits_for);
  bank->cycle_closed_at = closed_at;
  bank->detect_us = g_get_monotonic_time () - closed_at;
  bank->recover_us = 0;
  bank->back_off[victim] = TRUE;
  graph_changed (bank);
}

/* The watchdog's thread also starts the transfers and joins them, so the
 * main thread never waits for any of them. */
static gpointer
watchdog_thread (gpointer data)
{
  g_autoptr(Bank) bank = data;
  guint lane = N_TRANSFERS;          /* the lane after the transfers' */
  Transfer transfers[N_TRANSFERS];
  GThread *threads[N_TRANSFERS];
  GError *error = NULL;
  guint started = 0;
  gint64 start = g_get_monotonic_time ();
  gint64 next_look;

  thaw_thread_set_background_priority ();
  thaw_timeline_record (bank->timeline, lane, THAW_LANE_SLEEPING);

  for (; started < N_TRANSFERS; started++)
    {
      transfers[started] = (Transfer) { bank, started };
      threads[started] = g_thread_try_new ("thaw-transfer", transfer_thread,
                                           &transfers[started], &error);
      if (threads[started] == NULL)
        break;
    }

  thaw_mutex_lock (&bank->graph_lock);
  /* A thread that never started is done already. */
  for (guint t = started; t < N_TRANSFERS; t++)
    bank->done[t] = TRUE;

  next_look = g_get_monotonic_time () + WATCH_US;
  while (!(bank->done[0] && bank->done[1]))
    {
      if (g_get_monotonic_time () >= next_look)
        {
          thaw_timeline_record (bank->timeline, lane, THAW_LANE_RUNNING);
          watch (bank);
          thaw_timeline_record (bank->timeline, lane, THAW_LANE_SLEEPING);
          next_look += WATCH_US;
        }

      /* Woken early only when the graph changes, to see the end at once. */
      thaw_cond_wait_until (&bank->graph_changed, &bank->graph_lock, next_look);
    }
  thaw_mutex_unlock (&bank->graph_lock);

  /* Both have said they are done: these joins are immediate. */
  for (guint t = 0; t < started; t++)
    g_thread_join (threads[t]);

  thaw_timeline_record (bank->timeline, lane, THAW_LANE_FINISHED);

  bank->run_us = g_get_monotonic_time () - start;
  bank->error = error;
  g_atomic_int_set (&bank->finished, TRUE);
  request_delivery (bank);

  return NULL;
}

/* The widget. Everything below runs on the main thread. */

#define THAW_TYPE_LESSON_DEADLOCK (thaw_lesson_deadlock_get_type ())
G_DECLARE_FINAL_TYPE (ThawLessonDeadlock, thaw_lesson_deadlock, THAW, LESSON_DEADLOCK, ThawLesson)

/* What the picture of the graph shows: a copy, taken under graph_lock. */
typedef struct
{
  int holder[N_ACCOUNTS];
  int waits_for[N_TRANSFERS];
  int cycle[N_TRANSFERS];
  gboolean done[N_TRANSFERS];
} GraphPicture;

struct _ThawLessonDeadlock
{
  ThawLesson parent_instance;

  GtkWidget *knobs;
  GtkWidget *graph_area;
  ThawThreadTimeline *timeline_view;
  GtkLabel *status;
  AdwActionRow *result_rows[2];

  guint delay_ms;

  ThawTimeline *timeline;
  Bank *bank;
  GThread *watchdog;
  GraphPicture picture;

  /* For --report. */
  const char *state;
  LockOrder last_order;
  gboolean detected;
  guint deadlocks_detected;
  double detect_ms;
  double recover_ms;
  double run_ms;
  guint transfers_done;
  guint backoffs;
  int total_money;
  guint ordered_runs;
  guint ordered_deadlocks;
};

G_DEFINE_FINAL_TYPE (ThawLessonDeadlock, thaw_lesson_deadlock, THAW_TYPE_LESSON)

enum {
  PROP_0,
  PROP_DELAY_MS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_running (ThawLessonDeadlock *self,
             gboolean            running)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.start", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lesson.ordered", !running);
  thaw_lesson_set_busy (THAW_LESSON (self), running);
  gtk_widget_set_sensitive (self->knobs, !running);
}

static const char *
transfer_name (guint transfer)
{
  /* Translators: the names of the two threads; the arrow shows which way
   * the money goes between account 1 and account 2. */
  return transfer == 0 ? _("transfer 1→2") : _("transfer 2→1");
}

static const char *
account_name (guint account)
{
  return account == 0 ? _("account 1") : _("account 2");
}

/* The picture of the wait-for graph. */

static void
arrow (cairo_t *cr,
       double   x0,
       double   y0,
       double   x1,
       double   y1,
       double   shorten)
{
  double angle = atan2 (y1 - y0, x1 - x0);
  double length = hypot (x1 - x0, y1 - y0);
  double ex, ey;

  x0 += cos (angle) * shorten;
  y0 += sin (angle) * shorten;
  ex = x0 + cos (angle) * (length - 2 * shorten);
  ey = y0 + sin (angle) * (length - 2 * shorten);

  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, ex, ey);
  cairo_stroke (cr);

  cairo_save (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_move_to (cr, ex, ey);
  cairo_line_to (cr, ex - 10 * cos (angle - 0.45), ey - 10 * sin (angle - 0.45));
  cairo_line_to (cr, ex - 10 * cos (angle + 0.45), ey - 10 * sin (angle + 0.45));
  cairo_close_path (cr);
  cairo_fill (cr);
  cairo_restore (cr);
}

static void
centred_text (GtkWidget     *widget,
              cairo_t       *cr,
              const char    *text,
              double         x,
              double         y)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - w / 2.0, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
}

static gboolean
in_cycle (const GraphPicture *picture,
          int                 transfer)
{
  return transfer != NOBODY &&
         (picture->cycle[0] == transfer || picture->cycle[1] == transfer);
}

static void
draw_graph_cb (GtkDrawingArea *area,
               cairo_t        *cr,
               int             width,
               int             height,
               gpointer        data)
{
  ThawLessonDeadlock *self = data;
  const GraphPicture *picture = &self->picture;
  GtkWidget *widget = GTK_WIDGET (area);
  double thread_x[N_TRANSFERS] = { width * 0.2, width * 0.8 };
  double lock_y[N_ACCOUNTS] = { height * 0.22, height * 0.78 };
  double mid_x = width / 2.0, mid_y = height / 2.0;
  GdkRGBA fg, cycle_color, thread_color;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  gdk_rgba_parse (&cycle_color, "#e01b24");    /* red 3 */
  gdk_rgba_parse (&thread_color, "#3584e4");   /* blue 3 */

  /* Edges first, nodes over them. A lock points at the thread that holds
   * it (solid); a thread points at the lock it waits for (dashed). The
   * edges of a cycle are red and thick. */
  for (guint a = 0; a < N_ACCOUNTS; a++)
    {
      int t = picture->holder[a];
      gboolean hot = in_cycle (picture, t) && in_cycle (picture, 1 - t);

      if (t == NOBODY)
        continue;

      gdk_cairo_set_source_rgba (cr, hot ? &cycle_color : &fg);
      cairo_set_line_width (cr, hot ? 4 : 1.5);
      cairo_set_dash (cr, NULL, 0, 0);
      arrow (cr, mid_x, lock_y[a], thread_x[t], mid_y, 26);
    }

  for (guint t = 0; t < N_TRANSFERS; t++)
    {
      int a = picture->waits_for[t];
      gboolean hot = in_cycle (picture, (int) t);

      if (a == NOBODY)
        continue;

      gdk_cairo_set_source_rgba (cr, hot ? &cycle_color : &fg);
      cairo_set_line_width (cr, hot ? 4 : 1.5);
      cairo_set_dash (cr, (double[]) { 6, 4 }, 2, 0);
      arrow (cr, thread_x[t], mid_y, mid_x, lock_y[a], 26);
    }
  cairo_set_dash (cr, NULL, 0, 0);

  /* The locks: squares. */
  for (guint a = 0; a < N_ACCOUNTS; a++)
    {
      cairo_rectangle (cr, mid_x - 18, lock_y[a] - 18, 36, 36);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.12);
      cairo_fill_preserve (cr);
      gdk_cairo_set_source_rgba (cr, &fg);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
      centred_text (widget, cr, account_name (a), mid_x, lock_y[a] + (a == 0 ? -30 : 30));
    }

  /* The threads: circles, dimmed once done. */
  for (guint t = 0; t < N_TRANSFERS; t++)
    {
      GdkRGBA color = in_cycle (picture, (int) t) ? cycle_color : thread_color;

      if (picture->done[t])
        color.alpha = 0.35f;
      cairo_arc (cr, thread_x[t], mid_y, 22, 0, 2 * G_PI);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, &fg);
      centred_text (widget, cr, transfer_name (t), thread_x[t], mid_y + 36);
    }
}

static void
describe_graph (ThawLessonDeadlock *self)
{
  const GraphPicture *picture = &self->picture;
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint a = 0; a < N_ACCOUNTS; a++)
    if (picture->holder[a] != NOBODY)
      {
        /* Translators: e.g. "transfer 1→2 holds account 1. " */
        g_string_append_printf (text, _("%s holds %s. "),
                                transfer_name (picture->holder[a]), account_name (a));
      }
  for (guint t = 0; t < N_TRANSFERS; t++)
    if (picture->waits_for[t] != NOBODY)
      {
        /* Translators: e.g. "transfer 1→2 waits for account 2. " */
        g_string_append_printf (text, _("%s waits for %s. "),
                                transfer_name (t), account_name (picture->waits_for[t]));
      }
  if (picture->cycle[0] != NOBODY)
    g_string_append (text, _("They wait for each other in a cycle: a deadlock."));
  if (text->len == 0)
    g_string_append (text, _("No thread holds or waits for a lock."));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->graph_area),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text->str,
                                  -1);
}

static void
show_result (ThawLessonDeadlock *self)
{
  g_autofree char *subtitle = NULL;
  AdwActionRow *row = self->result_rows[self->last_order];

  if (self->detected)
    /* Translators: times in milliseconds, and a count of transfers. */
    subtitle = g_strdup_printf (_("Deadlock found %.0f ms after it formed and broken %.1f ms later; %u of 2 transfers done in %.0f ms."),
                                self->detect_ms, self->recover_ms - self->detect_ms,
                                self->transfers_done, self->run_ms);
  else
    /* Translators: the numbers are counts and a time in milliseconds. */
    subtitle = g_strdup_printf (_("No deadlock; %u of 2 transfers done in %.0f ms."),
                                self->transfers_done, self->run_ms);

  adw_action_row_set_subtitle (row, subtitle);
}

static void
finish_run (ThawLessonDeadlock *self,
            Bank               *bank,
            gboolean            cancelled)
{
  /* After the joins, the bank's figures are settled; graph_lock still makes
   * the reading plain. */
  thaw_mutex_lock (&bank->graph_lock);
  self->detected = bank->deadlocks > 0;
  self->detect_ms = bank->detect_us / 1000.0;
  self->recover_ms = bank->recover_us / 1000.0;
  self->transfers_done = (guint) bank->completed[0] + (guint) bank->completed[1];
  self->backoffs = bank->attempts[0] + bank->attempts[1] - self->transfers_done;
  thaw_mutex_unlock (&bank->graph_lock);
  self->total_money = bank->balance[0] + bank->balance[1];
  self->run_ms = bank->run_us / 1000.0;
  self->deadlocks_detected += self->detected ? 1 : 0;
  if (bank->order == SAME_ORDER)
    {
      self->ordered_runs++;
      self->ordered_deadlocks += self->detected ? 1 : 0;
    }

  if (bank->error != NULL)
    {
      self->state = "failed";
      gtk_label_set_text (self->status, bank->error->message);
    }
  else if (cancelled)
    {
      self->state = "cancelled";
      gtk_label_set_text (self->status, _("Stopped."));
    }
  else
    {
      self->state = "succeeded";
      if (self->detected)
        gtk_label_set_text (self->status,
                            _("The threads deadlocked. The watchdog found the cycle, one thread backed off, and both transfers went through."));
      else if (bank->order == SAME_ORDER)
        gtk_label_set_text (self->status,
                            _("Same order, no cycle: one thread waited for the other, and both transfers went through."));
      else
        gtk_label_set_text (self->status,
                            _("No deadlock this time: one thread took both locks before the other began. Raise the delay."));
    }

  show_result (self);
  set_running (self, FALSE);
}

/* A delivery from the threads, on the main thread. */
static gboolean
deliver_cb (gpointer data)
{
  Bank *bank = data;
  g_autoptr(ThawLessonDeadlock) self = NULL;
  gboolean finished;

  g_atomic_int_set (&bank->delivery_pending, FALSE);
  finished = g_atomic_int_get (&bank->finished);

  self = g_weak_ref_get (&bank->lesson);
  if (self == NULL || self->bank != bank)
    return G_SOURCE_REMOVE;

  /* A copy of the graph. The threads hold graph_lock for a few stores at a
   * time, so taking it here costs the main loop nothing it would notice. */
  thaw_mutex_lock (&bank->graph_lock);
  memcpy (self->picture.cycle, bank->cycle, sizeof bank->cycle);
  memcpy (self->picture.done, bank->done, sizeof bank->done);
  if (bank->cycle[0] == NOBODY)
    {
      memcpy (self->picture.holder, bank->holder, sizeof bank->holder);
      memcpy (self->picture.waits_for, bank->waits_for, sizeof bank->waits_for);
    }
  else
    {
      /* A cycle lasts only until the watchdog breaks it, a few milliseconds:
       * keep drawing it as the watchdog saw it. */
      memcpy (self->picture.holder, bank->cycle_holder, sizeof bank->holder);
      memcpy (self->picture.waits_for, bank->cycle_waits_for, sizeof bank->waits_for);
    }
  thaw_mutex_unlock (&bank->graph_lock);

  if (self->picture.cycle[0] != NOBODY && !finished)
    gtk_label_set_text (self->status, _("Deadlock! The watchdog found a cycle; one thread backs off…"));

  if (finished)
    {
      gboolean cancelled = g_cancellable_is_cancelled (bank->cancellable);

      /* The watchdog has said its last word: this join is immediate. */
      g_thread_join (g_steal_pointer (&self->watchdog));
      finish_run (self, bank, cancelled);
      g_clear_pointer (&self->bank, bank_unref);
    }

  gtk_widget_queue_draw (self->graph_area);
  describe_graph (self);

  return G_SOURCE_REMOVE;
}

static void
start_run (ThawLessonDeadlock *self,
           LockOrder           order)
{
  g_autoptr(GError) error = NULL;

  if (self->bank != NULL)
    return;

  thaw_timeline_clear (self->timeline);
  for (guint t = 0; t < N_TRANSFERS; t++)
    thaw_timeline_add_lane (self->timeline, transfer_name (t));
  /* Translators: the name of the thread that looks for deadlocks. */
  thaw_timeline_add_lane (self->timeline, _("watchdog"));
  thaw_thread_timeline_set_span (self->timeline_view,
                                 MAX (2.5 * self->delay_ms / 1000.0 + 0.3, 1.0));

  for (guint a = 0; a < N_ACCOUNTS; a++)
    self->picture.holder[a] = NOBODY;
  for (guint t = 0; t < N_TRANSFERS; t++)
    {
      self->picture.waits_for[t] = NOBODY;
      self->picture.cycle[t] = NOBODY;
      self->picture.done[t] = FALSE;
    }
  gtk_widget_queue_draw (self->graph_area);

  self->state = "running";
  self->last_order = order;
  self->detected = FALSE;
  self->bank = bank_new (self, self->timeline, order, self->delay_ms);
  set_running (self, TRUE);
  gtk_label_set_text (self->status,
                      order == OPPOSITE_ORDER
                      ? _("Each thread locks the account it pays from, then the other…")
                      : _("Both threads lock account 1 first, then account 2…"));

  /* The watchdog gets a reference of its own and drops it when it returns. */
  self->watchdog = g_thread_try_new ("thaw-watchdog", watchdog_thread,
                                     bank_ref (self->bank), &error);
  if (self->watchdog == NULL)
    {
      bank_unref (self->bank);             /* the thread's, never taken */
      g_clear_pointer (&self->bank, bank_unref);
      self->state = "failed";
      gtk_label_set_text (self->status, error->message);
      set_running (self, FALSE);
    }
}

/* lesson.start: opposite orders, a deadlock waiting to happen. */
static void
start_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  start_run (THAW_LESSON_DEADLOCK (widget), OPPOSITE_ORDER);
}

/* lesson.ordered: the fix. */
static void
ordered_cb (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  start_run (THAW_LESSON_DEADLOCK (widget), SAME_ORDER);
}

/* lesson.stop: every wait and every nap looks at the cancellable. */
static void
stop_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  ThawLessonDeadlock *self = THAW_LESSON_DEADLOCK (widget);

  if (self->bank == NULL)
    return;

  g_cancellable_cancel (self->bank->cancellable);
  gtk_label_set_text (self->status, _("Stopping…"));
}

static void
thaw_lesson_deadlock_report (ThawLesson  *lesson,
                             JsonBuilder *builder)
{
  ThawLessonDeadlock *self = THAW_LESSON_DEADLOCK (lesson);

  json_builder_set_member_name (builder, "job_state");
  json_builder_add_string_value (builder, self->state);
  json_builder_set_member_name (builder, "lock_order");
  json_builder_add_string_value (builder, order_ids[self->last_order]);
  json_builder_set_member_name (builder, "delay_ms");
  json_builder_add_int_value (builder, self->delay_ms);
  json_builder_set_member_name (builder, "detected_deadlock");
  json_builder_add_boolean_value (builder, self->detected);
  json_builder_set_member_name (builder, "deadlocks_detected");
  json_builder_add_int_value (builder, self->deadlocks_detected);
  if (self->detected)
    {
      json_builder_set_member_name (builder, "detect_ms");
      json_builder_add_double_value (builder, self->detect_ms);
      json_builder_set_member_name (builder, "recover_ms");
      json_builder_add_double_value (builder, self->recover_ms);
    }
  json_builder_set_member_name (builder, "run_ms");
  json_builder_add_double_value (builder, self->run_ms);
  json_builder_set_member_name (builder, "transfers_done");
  json_builder_add_int_value (builder, self->transfers_done);
  json_builder_set_member_name (builder, "backoffs");
  json_builder_add_int_value (builder, self->backoffs);
  json_builder_set_member_name (builder, "total_money");
  json_builder_add_int_value (builder, self->total_money);
  json_builder_set_member_name (builder, "ordered_runs");
  json_builder_add_int_value (builder, self->ordered_runs);
  json_builder_set_member_name (builder, "ordered_deadlocks");
  json_builder_add_int_value (builder, self->ordered_deadlocks);
}

static void
thaw_lesson_deadlock_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  ThawLessonDeadlock *self = THAW_LESSON_DEADLOCK (object);

  switch (prop_id)
    {
    case PROP_DELAY_MS:
      g_value_set_uint (value, self->delay_ms);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_lesson_deadlock_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  ThawLessonDeadlock *self = THAW_LESSON_DEADLOCK (object);

  switch (prop_id)
    {
    case PROP_DELAY_MS:
      if (self->delay_ms != g_value_get_uint (value))
        {
          self->delay_ms = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_lesson_deadlock_dispose (GObject *object)
{
  ThawLessonDeadlock *self = THAW_LESSON_DEADLOCK (object);

  /* Every wait and nap of the threads looks at the cancellable every few
   * milliseconds, and the watchdog joins them: this returns at once. */
  if (self->bank != NULL)
    {
      g_cancellable_cancel (self->bank->cancellable);
      g_thread_join (g_steal_pointer (&self->watchdog));
      g_clear_pointer (&self->bank, bank_unref);
    }

  g_clear_pointer (&self->timeline, thaw_timeline_unref);

  G_OBJECT_CLASS (thaw_lesson_deadlock_parent_class)->dispose (object);
}

static void
thaw_lesson_deadlock_class_init (ThawLessonDeadlockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ThawLessonClass *lesson_class = THAW_LESSON_CLASS (klass);

  object_class->dispose = thaw_lesson_deadlock_dispose;
  object_class->get_property = thaw_lesson_deadlock_get_property;
  object_class->set_property = thaw_lesson_deadlock_set_property;
  lesson_class->report = thaw_lesson_deadlock_report;

  properties[PROP_DELAY_MS] =
    g_param_spec_uint ("delay-ms", NULL, NULL,
                       0, MAX_DELAY_MS, DEFAULT_DELAY_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "lesson.start", NULL, start_cb);
  gtk_widget_class_install_action (widget_class, "lesson.ordered", NULL, ordered_cb);
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

static GtkWidget *
make_delay_knob (ThawLessonDeadlock *self)
{
  const char *title = _("Delay between the two locks (ms)");
  GtkAdjustment *adjustment;
  GtkWidget *row, *spin;

  adjustment = gtk_adjustment_new (DEFAULT_DELAY_MS, 0, MAX_DELAY_MS, 50, 500, 0);
  spin = gtk_spin_button_new (adjustment, 50, 0);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  g_object_bind_property (self, "delay-ms", adjustment, "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  /* libadwaita names the row's activatable spin button by the row's title;
   * a label of its own would be read after it. */
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);

  return row;
}

static void
thaw_lesson_deadlock_init (ThawLessonDeadlock *self)
{
  GtkWidget *box, *buttons, *knobs, *graph, *legend, *timeline, *status, *results;

  self->state = "idle";
  self->delay_ms = DEFAULT_DELAY_MS;
  self->total_money = N_ACCOUNTS * OPENING_BALANCE;
  self->timeline = thaw_timeline_new (0);
  for (guint a = 0; a < N_ACCOUNTS; a++)
    self->picture.holder[a] = NOBODY;
  for (guint t = 0; t < N_TRANSFERS; t++)
    {
      self->picture.waits_for[t] = NOBODY;
      self->picture.cycle[t] = NOBODY;
    }

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);

  buttons = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (buttons), FALSE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 3);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Opposite Orders"), "lesson.start", "destructive-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("Same O_rder"), "lesson.ordered", "suggested-action"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       make_button (_("_Stop"), "lesson.stop", NULL));
  gtk_box_append (GTK_BOX (box), buttons);

  knobs = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (knobs), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (knobs, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (knobs), make_delay_knob (self));
  gtk_box_append (GTK_BOX (box), knobs);
  self->knobs = knobs;

  graph = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (graph), 200);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (graph), draw_graph_cb, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (graph),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Wait-for graph"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("No thread holds or waits for a lock."),
                                  -1);
  gtk_box_append (GTK_BOX (box), graph);
  self->graph_area = graph;

  legend = gtk_label_new (_("Solid arrow: the lock is held by that thread. Dashed arrow: the thread waits for that lock. Red: a cycle."));
  gtk_label_set_wrap (GTK_LABEL (legend), TRUE);
  gtk_label_set_xalign (GTK_LABEL (legend), 0);
  gtk_widget_add_css_class (legend, "caption");
  gtk_widget_add_css_class (legend, "dim-label");
  gtk_box_append (GTK_BOX (box), legend);

  timeline = thaw_thread_timeline_new ();
  thaw_thread_timeline_set_timeline (THAW_THREAD_TIMELINE (timeline), self->timeline);
  gtk_box_append (GTK_BOX (box), timeline);
  self->timeline_view = THAW_THREAD_TIMELINE (timeline);

  status = gtk_label_new (_("Run the transfers in opposite orders and watch them lock each other out."));
  gtk_label_set_wrap (GTK_LABEL (status), TRUE);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_box_append (GTK_BOX (box), status);
  self->status = GTK_LABEL (status);

  results = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (results), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (results, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (results),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Last run of each order"),
                                  -1);
  for (guint i = 0; i < 2; i++)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     i == OPPOSITE_ORDER ? _("Opposite orders") : _("Same order"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Not run yet."));
      gtk_list_box_append (GTK_LIST_BOX (results), row);
      self->result_rows[i] = ADW_ACTION_ROW (row);
    }
  gtk_box_append (GTK_BOX (box), results);

  adw_bin_set_child (ADW_BIN (self), box);
  set_running (self, FALSE);
}
