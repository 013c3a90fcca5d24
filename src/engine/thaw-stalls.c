/* thaw-stalls.c — who held the main loop when it was late
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The heartbeat says that the main loop was late; this says who held it.
 * Two measurements together:
 *
 *  - Every turn of the main loop, whoever runs in it. The main context's
 *    poll function is wrapped: from the moment one poll returns to the
 *    moment the next begins, the loop was busy running callbacks (and
 *    GTK's layout and drawing); while it polls, it was free. A busy stretch
 *    of THAW_STALL_THRESHOLD_MS or more is a stall.
 *
 *  - Thaw's own callbacks, named. Each opens a scope with
 *    thaw_stalls_begin() and closes it with thaw_stalls_end(): a lesson's
 *    click handler, a delivery of the workers' news, the drawing of a
 *    graph. Scopes nest; each keeps the name of the longest scope inside it.
 *
 * A stall is named after the scope of its turn that took most of it, if
 * that scope took at least half, followed by the scope inside it that took
 * at least half of that ("block_cb › count_primes"). A callback that ran
 * many times in one turn (GLib runs every ready source of a priority in
 * one go) counts once with its time summed and says how often,
 * "gtask_done_cb ×256". Otherwise the name is empty: the time went to code
 * that is not Thaw's, GTK's and GLib's own.
 *
 * Everything here belongs to the thread that iterates the context, the
 * main thread; a scope opened on any other thread is ignored.
 */

#include "config.h"

#include <string.h>

#include "thaw-stalls.h"

#define MAX_DEPTH 16
/* Ten seconds of frames at 60 Hz, each a stall if GTK took 4 ms or more
 * over it, and room to spare: a freeze is not pushed out by the frames
 * after it before the meter's window has moved past it. */
#define N_KEPT 2048
#define NOT_COUNTED G_MAXUINT

typedef struct
{
  const char *name;
  gint64 start_us;
  double longest_inside_ms;
  char longest_inside[sizeof ((ThawStall *) NULL)->name];
} Scope;

/* One name's scopes in a turn: their time together, how many, and the
 * label of the longest (with the scope inside it). */
typedef struct
{
  const char *name;
  double total_ms;
  guint count;
  double longest_ms;
  char label[sizeof ((ThawStall *) NULL)->name];
} TurnEntry;

#define MAX_TURN_NAMES 8

static struct
{
  GMainContext *context;
  GThread *owner;
  GPollFunc poll;               /* the context's own */
  gint64 poll_returned_us;      /* 0 before the first poll */

  Scope stack[MAX_DEPTH];
  guint depth;                  /* may pass MAX_DEPTH: those are not kept */

  /* The scopes closed in this turn at the outermost level, by name. */
  TurnEntry turn[MAX_TURN_NAMES];
  guint n_turn;

  ThawStall kept[N_KEPT];       /* a ring, the newest at next - 1 */
  guint next;
  guint len;
} stalls;

static gboolean
on_owner (void)
{
  return stalls.owner != NULL && g_thread_self () == stalls.owner;
}

static void
keep (gint64  end_us,
      double  ms,
      const char *name)
{
  ThawStall *stall = &stalls.kept[stalls.next];

  stall->end_us = end_us;
  stall->ms = ms;
  g_strlcpy (stall->name, name, sizeof stall->name);
  stalls.next = (stalls.next + 1) % N_KEPT;
  stalls.len = MIN (stalls.len + 1, N_KEPT);
}

/* "../src/lessons/pool/pool-work.c: deliver_news_cb" without "../src/lessons/pool/". */
static const char *
without_folders (const char *name)
{
  const char *end = strstr (name, ": ");
  const char *start = name;

  for (const char *c = name; *c != '\0' && (end == NULL || c < end); c++)
    if (*c == '/')
      start = c + 1;

  return start;
}

/* Keeps the turn that ended at @end_us, named after the name that took
 * most of it, if one took half. */
static void
keep_turn (gint64 end_us,
           double busy_ms)
{
  const TurnEntry *most = NULL;
  char name[sizeof ((ThawStall *) NULL)->name];

  for (guint i = 0; i < stalls.n_turn; i++)
    if (most == NULL || stalls.turn[i].total_ms > most->total_ms)
      most = &stalls.turn[i];

  if (most == NULL || most->total_ms < busy_ms / 2)
    name[0] = '\0';
  else if (most->count > 1)
    g_snprintf (name, sizeof name, "%s ×%u", without_folders (most->name), most->count);
  else
    g_strlcpy (name, most->label, sizeof name);

  keep (end_us, busy_ms, name);
}

static gint
timed_poll (GPollFD *fds,
            guint    n_fds,
            gint     timeout)
{
  gint64 now = g_get_monotonic_time ();
  gint result;

  if (stalls.poll_returned_us != 0)
    {
      double busy_ms = (now - stalls.poll_returned_us) / 1000.0;

      if (busy_ms >= THAW_STALL_THRESHOLD_MS)
        keep_turn (now, busy_ms);
    }
  stalls.n_turn = 0;

  result = stalls.poll (fds, n_fds, timeout);
  stalls.poll_returned_us = g_get_monotonic_time ();

  return result;
}

/**
 * thaw_stalls_install:
 * @context: (nullable): the main context to watch, %NULL for the default
 *
 * Starts timing the turns of @context, whose thread must call this. Once
 * per process: a second call while installed does nothing.
 */
void
thaw_stalls_install (GMainContext *context)
{
  if (context == NULL)
    context = g_main_context_default ();

  if (stalls.context != NULL)
    return;

  stalls.context = g_main_context_ref (context);
  stalls.owner = g_thread_self ();
  stalls.poll = g_main_context_get_poll_func (context);
  /* The turn that installs counts from now: a click handler that holds
   * the loop in this very turn (--activate) is timed too. */
  stalls.poll_returned_us = g_get_monotonic_time ();
  stalls.depth = 0;
  g_main_context_set_poll_func (context, timed_poll);
}

/**
 * thaw_stalls_uninstall:
 *
 * Gives the context its own poll function back and forgets every stall.
 */
void
thaw_stalls_uninstall (void)
{
  if (stalls.context == NULL)
    return;

  g_main_context_set_poll_func (stalls.context, stalls.poll);
  g_clear_pointer (&stalls.context, g_main_context_unref);
  stalls.owner = NULL;
  thaw_stalls_clear ();
}

gboolean
thaw_stalls_is_installed (void)
{
  return stalls.context != NULL;
}

/**
 * thaw_stalls_begin:
 * @name: (not nullable): what runs, a static string (a function's name)
 *
 * Opens a scope: from now until thaw_stalls_end(), the main loop's time is
 * spent in @name. Cheap: two reads of the clock per scope.
 *
 * Returns: what to give to thaw_stalls_end()
 */
guint
thaw_stalls_begin (const char *name)
{
  guint depth;

  if (!on_owner ())
    return NOT_COUNTED;

  depth = stalls.depth++;
  if (depth < MAX_DEPTH)
    stalls.stack[depth] = (Scope) { .name = name, .start_us = g_get_monotonic_time () };

  return depth;
}

/**
 * thaw_stalls_rename:
 * @depth: what thaw_stalls_begin() returned, for a scope still open
 * @name: (not nullable): its new name, a static string
 *
 * Names an open scope after what it turned out to be: a frame's first
 * part is GTK's layout if GTK lays the window out in that frame, and its
 * drawing if not, which is known only once the layout would have ended.
 */
void
thaw_stalls_rename (guint       depth,
                    const char *name)
{
  if (depth == NOT_COUNTED || !on_owner () || depth >= stalls.depth || depth >= MAX_DEPTH)
    return;

  stalls.stack[depth].name = name;
}

/* Counts an outermost scope's @ms in its turn, under its @name. */
static void
add_to_turn (const char *name,
             double      ms,
             const char *label)
{
  TurnEntry *entry = NULL;

  for (guint i = 0; i < stalls.n_turn && entry == NULL; i++)
    if (stalls.turn[i].name == name || strcmp (stalls.turn[i].name, name) == 0)
      entry = &stalls.turn[i];

  if (entry == NULL)
    {
      /* Full: the new name takes the place of the least, if it is more. */
      if (stalls.n_turn < MAX_TURN_NAMES)
        entry = &stalls.turn[stalls.n_turn++];
      else
        {
          entry = &stalls.turn[0];
          for (guint i = 1; i < MAX_TURN_NAMES; i++)
            if (stalls.turn[i].total_ms < entry->total_ms)
              entry = &stalls.turn[i];
          if (entry->total_ms >= ms)
            return;
        }
      *entry = (TurnEntry) { .name = name };
    }

  entry->total_ms += ms;
  entry->count++;
  if (ms > entry->longest_ms)
    {
      entry->longest_ms = ms;
      g_strlcpy (entry->label, label, sizeof entry->label);
    }
}

/* Closes the innermost scope, and hands its time and name to the scope
 * around it, or to the turn. */
static void
close_scope (void)
{
  Scope *scope;
  char label[sizeof ((ThawStall *) NULL)->name];
  double ms;

  stalls.depth--;
  if (stalls.depth >= MAX_DEPTH)
    return;

  scope = &stalls.stack[stalls.depth];
  ms = (g_get_monotonic_time () - scope->start_us) / 1000.0;
  if (scope->longest_inside[0] != '\0' && scope->longest_inside_ms >= ms / 2)
    g_snprintf (label, sizeof label, "%s › %s", without_folders (scope->name), scope->longest_inside);
  else
    g_strlcpy (label, without_folders (scope->name), sizeof label);

  if (stalls.depth > 0)
    {
      Scope *outer = &stalls.stack[stalls.depth - 1];

      if (ms > outer->longest_inside_ms)
        {
          outer->longest_inside_ms = ms;
          g_strlcpy (outer->longest_inside, label, sizeof outer->longest_inside);
        }
    }
  else
    add_to_turn (scope->name, ms, label);
}

/**
 * thaw_stalls_end:
 * @depth: what thaw_stalls_begin() returned
 *
 * Closes the scope, and any left open inside it.
 */
void
thaw_stalls_end (guint depth)
{
  if (depth == NOT_COUNTED || !on_owner ())
    return;

  while (stalls.depth > depth)
    close_scope ();
}

/* The @i-th oldest stall kept. */
static const ThawStall *
kept_at (guint i)
{
  return &stalls.kept[(stalls.next + N_KEPT - stalls.len + i) % N_KEPT];
}

/**
 * thaw_stalls_copy_recent:
 * @since_us: monotonic time; stalls that ended before are left out
 * @out: (array length=max) (out caller-allocates): where to copy
 * @max: room in @out
 *
 * Returns: how many stalls were copied, oldest first
 */
guint
thaw_stalls_copy_recent (gint64     since_us,
                         ThawStall *out,
                         guint      max)
{
  guint n = 0;

  for (guint i = 0; i < stalls.len && n < max; i++)
    {
      const ThawStall *stall = kept_at (i);

      if (stall->end_us >= since_us)
        out[n++] = *stall;
    }

  return n;
}

/**
 * thaw_stalls_copy_longest:
 * @since_us: monotonic time; stalls that ended before are left out
 * @out: (array length=max) (out caller-allocates): where to copy
 * @max: room in @out
 *
 * Returns: how many stalls were copied, the longest first
 */
guint
thaw_stalls_copy_longest (gint64     since_us,
                          ThawStall *out,
                          guint      max)
{
  guint n = 0;

  for (guint i = 0; i < stalls.len; i++)
    {
      const ThawStall *stall = kept_at (i);
      guint at;

      if (stall->end_us < since_us || (n == max && (max == 0 || stall->ms <= out[n - 1].ms)))
        continue;

      /* Insertion into the sorted few. */
      at = MIN (n, max - 1);
      if (n < max)
        n++;
      while (at > 0 && out[at - 1].ms < stall->ms)
        {
          out[at] = out[at - 1];
          at--;
        }
      out[at] = *stall;
    }

  return n;
}

/**
 * thaw_stalls_clear:
 *
 * Forgets the stalls recorded so far (the meter's Reset).
 */
void
thaw_stalls_clear (void)
{
  stalls.next = 0;
  stalls.len = 0;
}
