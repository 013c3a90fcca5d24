/* thaw-meter.c — the responsiveness meter, always on screen
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The meter puts three witnesses side by side: the bouncer (stops when no
 * frame is drawn), the graph of heartbeat lateness, and the figures: p99 and
 * maximum lateness over the last ten seconds, stalls and hangs since the meter
 * was reset, and the frame rate of the last second. The figures are read four
 * times a second, which is often enough to follow and calm enough to read.
 *
 * A meter that measured at full speed for ever would cost a tenth of a core
 * while nothing happens: sixty frames a second for the ball and the graph,
 * a hundred heartbeats. So the meter rests once no job has run and nobody
 * has touched the window for a few seconds: the ball is parked (no frames
 * at all), the graph and the figures are redrawn once a second, and the
 * heartbeat beats ten times a second. Lateness is measured from each beat's
 * due time whatever the interval, and anything that may freeze the window
 * wakes the meter first (input, a job that starts), which brings the next
 * beat forward: a freeze that starts from rest is measured whole. A window
 * that is minimised or not shown draws nothing and rests too.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "thaw-bouncer.h"
#include "thaw-latency-graph.h"
#include "thaw-meter.h"
#include "thaw-stalls.h"

#define WINDOW_US (10 * G_USEC_PER_SEC)
#define REFRESH_MS 250
#define RESTING_REFRESH_MS 1000
#define DEFAULT_REST_DELAY_MS 5000

struct _ThawMeter
{
  AdwBin parent_instance;

  ThawBouncer *bouncer;
  ThawLatencyGraph *graph;
  GtkLabel *p99_label;
  GtkLabel *max_label;
  GtkLabel *stalls_label;
  GtkLabel *hangs_label;
  GtkLabel *fps_label;

  ThawHeartbeat *heartbeat;
  guint refresh_id;

  /* Resting: see the top of the file. */
  gboolean resting;
  gboolean busy;            /* a job runs: the meter never rests */
  gboolean minimized;       /* the window is minimised */
  gint64 last_activity;     /* the last input, or a job's start or end */
  guint rest_delay_ms;
  GdkSurface *surface;      /* watched for being minimised */
  gboolean stall_in_view;   /* the graph showed a stall when last refreshed */
  gboolean compact;         /* two rows, for a narrow window */
};

G_DEFINE_FINAL_TYPE (ThawMeter, thaw_meter, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_HEARTBEAT,
  PROP_RESTING,
  PROP_REST_DELAY,
  PROP_COMPACT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_label (GtkLabel   *label,
           const char *text)
{
  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
}

/* At most as wide as "8,888 ms", which the figures keep room for: ten
 * seconds and more in seconds (a freeze of 15 s on a busy machine once
 * widened "max" and narrowed the graph mid-run). */
static char *
format_ms (double ms)
{
  if (ms >= 10000)
    /* Translators: a long duration in seconds, e.g. "15.5 s". */
    return g_strdup_printf (_("%.1f s"), ms / 1000);
  else if (ms >= 100)
    /* Translators: a duration in milliseconds, e.g. "3,012 ms". */
    return g_strdup_printf (_("%'.0f ms"), ms);
  else
    return g_strdup_printf (_("%.1f ms"), ms);
}

static void update_resting (ThawMeter *self);

/* Makes @label at least as wide as the wider of @text and @other_text
 * (when not %NULL), in its own font; with @text %NULL, as wide as its own. */
static void
reserve_width (GtkLabel   *label,
               const char *text,
               const char *other_text)
{
  g_autoptr(PangoLayout) layout = NULL;
  int width, other_width = 0;

  if (text == NULL)
    {
      gtk_widget_set_size_request (GTK_WIDGET (label), -1, -1);
      return;
    }
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (label), text);

  pango_layout_get_pixel_size (layout, &width, NULL);
  if (other_text != NULL)
    {
      pango_layout_set_text (layout, other_text, -1);
      pango_layout_get_pixel_size (layout, &other_width, NULL);
    }
  gtk_widget_set_size_request (GTK_WIDGET (label), MAX (width, other_width), -1);
}

/* Each figure keeps the width of the widest text it shows in practice, so
 * that the graph beside them keeps its width as they change: a graph made
 * narrower or wider draws its ticks and names again, and the whole meter
 * with them, in the middle of a run. A compact meter has the graph above
 * the figures, as wide as the window: there they take only their width,
 * which a narrow window needs (360 px). */
static void
reserve_widths (ThawMeter *self)
{
  gboolean beside = !self->compact;
  /* Digits are all as wide as each other ("tnum" in style.css). */
  g_autofree char *ms = format_ms (8888);
  g_autofree char *p99 = g_strdup_printf (_("p99 %s"), ms);
  g_autofree char *max = g_strdup_printf (_("max %s"), ms);
  g_autofree char *fps = g_strdup_printf (_("%.0f fps"), 888.0);
  g_autofree char *stalls = g_strdup_printf (ngettext ("%u stall", "%u stalls", 8888), 8888);
  g_autofree char *hangs = g_strdup_printf (ngettext ("%u hang", "%u hangs", 888), 888);

  if (self->p99_label == NULL)   /* not built yet, or disposed */
    return;

  reserve_width (self->p99_label, beside ? p99 : NULL, NULL);
  reserve_width (self->max_label, beside ? max : NULL, NULL);
  reserve_width (self->stalls_label, beside ? stalls : NULL, NULL);
  reserve_width (self->hangs_label, beside ? hangs : NULL, NULL);
  reserve_width (self->fps_label, beside ? fps : NULL, _("at rest"));
}

static void
thaw_meter_css_changed (GtkWidget         *widget,
                        GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (thaw_meter_parent_class)->css_changed (widget, change);

  reserve_widths (THAW_METER (widget));
}

/* What held the main loop in the graph's last ten seconds: the longest
 * turns later than a frame, longest first, each with its duration and the
 * callback it ran ("freeze-page.c: block_cb"), or GTK's and GLib's own
 * work. The tooltip of the graph and of the max and stalls figures. */
static char *
describe_stalls (const ThawStall *stalls,
                 guint            n)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint shown = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *ms = NULL;

      if (stalls[i].ms < THAW_FRAME_BUDGET_MS)
        break;

      ms = format_ms (stalls[i].ms);
      if (shown++ == 0)
        /* Translators: the heading of the list of what made the main loop late. */
        g_string_append (text, _("What held the main loop, last 10 s:"));
      g_string_append_printf (text, "\n%s  %s", ms,
                              stalls[i].name[0] != '\0' ? stalls[i].name
                              /* Translators: a stall spent in no callback of Thaw's. */
                              : _("GTK and GLib, outside Thaw’s callbacks"));
    }

  if (shown == 0)
    {
      if (!thaw_stalls_is_installed ())
        return NULL;
      /* Translators: the tooltip of the meter's graph when nothing was late. */
      return g_strdup (_("No turn of the main loop took longer than a frame in the last 10 s"));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The figure's own tooltip (from the template, it says what the figure
 * is), then @held. */
static void
set_tooltip (GtkWidget  *widget,
             const char *held)
{
  const char *own = g_object_get_data (G_OBJECT (widget), "thaw-own-tooltip");
  g_autofree char *text = NULL;

  if (own == NULL)
    {
      own = gtk_widget_get_tooltip_text (widget);
      g_object_set_data_full (G_OBJECT (widget), "thaw-own-tooltip", g_strdup (own ? own : ""), g_free);
      own = g_object_get_data (G_OBJECT (widget), "thaw-own-tooltip");
    }

  text = held == NULL ? g_strdup (own) : own[0] == '\0' ? g_strdup (held) : g_strconcat (own, "\n\n", held, NULL);
  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) != 0)
    gtk_widget_set_tooltip_text (widget, text);
}

static gboolean
refresh_cb (gpointer data)
{
  ThawMeter *self = THAW_METER (data);
  ThawLatencyStats window = { 0 };
  ThawLatencyStats total = { 0 };
  g_autofree char *p99 = NULL;
  g_autofree char *max = NULL;
  g_autofree char *p99_text = NULL;
  g_autofree char *max_text = NULL;
  g_autofree char *stalls = NULL;
  g_autofree char *hangs = NULL;
  g_autofree char *fps = NULL;
  guint n_stalls, n_hangs;

  if (self->heartbeat != NULL)
    {
      thaw_heartbeat_get_stats_since (self->heartbeat, g_get_monotonic_time () - WINDOW_US, &window);
      thaw_heartbeat_get_stats (self->heartbeat, &total);
    }

  p99 = format_ms (window.p99_ms);
  max = format_ms (window.max_ms);
  /* Translators: the 99th percentile of main-loop lateness, e.g. "p99 1.2 ms". */
  p99_text = g_strdup_printf (_("p99 %s"), p99);
  /* Translators: the largest main-loop lateness, e.g. "max 3012 ms". */
  max_text = g_strdup_printf (_("max %s"), max);
  n_stalls = (guint) MIN (total.stalls_frame, G_MAXUINT);
  n_hangs = (guint) MIN (total.stalls_hang, G_MAXUINT);
  /* Translators: beats of the main loop later than one frame (16.7 ms). */
  stalls = g_strdup_printf (ngettext ("%u stall", "%u stalls", n_stalls), n_stalls);
  /* Translators: beats of the main loop later than 250 ms. */
  hangs = g_strdup_printf (ngettext ("%u hang", "%u hangs", n_hangs), n_hangs);
  if (self->resting)
    /* Translators: in place of the frame rate while the meter rests: no job
     * runs and nobody uses the window, so nothing is drawn. */
    fps = g_strdup (_("at rest"));
  else
    /* Translators: frames drawn in the last second. */
    fps = g_strdup_printf (_("%.0f fps"), thaw_bouncer_get_recent_fps (self->bouncer));

  set_label (self->p99_label, p99_text);
  set_label (self->max_label, max_text);
  set_label (self->stalls_label, stalls);
  set_label (self->hangs_label, hangs);
  set_label (self->fps_label, fps);
  {
    /* Since the heartbeat started: the graph has no bars before, and a
     * stall from the window's start-up would have none under it. */
    gint64 now = g_get_monotonic_time ();
    gint64 since = self->heartbeat != NULL ? MAX (now - WINDOW_US, thaw_heartbeat_get_started_at (self->heartbeat)) : now - WINDOW_US;
    ThawStall longest[4];
    guint n = thaw_stalls_copy_longest (since, longest, G_N_ELEMENTS (longest));
    g_autofree char *held = describe_stalls (longest, n);

    thaw_latency_graph_set_stall (self->graph, n > 0 && longest[0].ms >= THAW_FRAME_BUDGET_MS ? &longest[0] : NULL);
    set_tooltip (GTK_WIDGET (self->graph), held);
    set_tooltip (GTK_WIDGET (self->max_label), held);
    set_tooltip (GTK_WIDGET (self->stalls_label), held);
  }

  /* At rest the graph moves on once a second while a stall is in view, so
   * that it scrolls away; with only small beats in view it stays as it is,
   * and Thaw draws nothing at all. */
  if (self->resting && (window.max_ms >= THAW_FRAME_BUDGET_MS || self->stall_in_view))
    gtk_widget_queue_draw (GTK_WIDGET (self->graph));
  self->stall_in_view = window.max_ms >= THAW_FRAME_BUDGET_MS;

  update_resting (self);

  return G_SOURCE_CONTINUE;
}

static void
start_refreshing (ThawMeter *self)
{
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) && !self->minimized)
    self->refresh_id = g_timeout_add (self->resting ? RESTING_REFRESH_MS : REFRESH_MS,
                                      refresh_cb, self);
}

static void
update_bouncer_tooltip (ThawMeter *self)
{
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->bouncer),
                               self->resting
                               ? _("At rest: no job runs and the window is not in use, so nothing is drawn. Any input or job wakes it")
                               : _("Moves once per frame: it stops when the main loop is busy"));
}

/* Rests or wakes the meter, as the time since the last activity says. */
static void
update_resting (ThawMeter *self)
{
  gboolean hidden = !gtk_widget_get_mapped (GTK_WIDGET (self)) || self->minimized;
  gint64 idle_us = g_get_monotonic_time () - self->last_activity;
  gboolean resting = hidden || (!self->busy && idle_us >= (gint64) self->rest_delay_ms * 1000);

  if (resting == self->resting)
    return;

  self->resting = resting;
  /* Waking brings the next beat forward, so a freeze that begins now is
   * measured from its start. */
  if (self->heartbeat != NULL)
    thaw_heartbeat_set_interval_ms (self->heartbeat,
                                    resting ? THAW_HEARTBEAT_RESTING_INTERVAL_MS
                                            : THAW_HEARTBEAT_INTERVAL_MS);
  thaw_bouncer_set_resting (self->bouncer, resting);
  thaw_latency_graph_set_scrolling (self->graph, !resting);
  /* Hidden, there is no one to read a tooltip. And a tooltip changed while
   * the window is torn down makes GTK 4.8 create an action muxer for the
   * window that is never freed (LeakSanitizer saw it). Shown again, the
   * meter wakes and sets the tooltip then. */
  if (!hidden)
    update_bouncer_tooltip (self);

  /* The timer that called this is replaced: return from it at once. */
  start_refreshing (self);
  if (!hidden)
    refresh_cb (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESTING]);
}

static void
surface_state_cb (ThawMeter *self)
{
  GdkToplevelState state = gdk_toplevel_get_state (GDK_TOPLEVEL (self->surface));
  gboolean minimized = (state & GDK_TOPLEVEL_STATE_MINIMIZED) != 0;

  if (minimized == self->minimized)
    return;

  self->minimized = minimized;
  self->last_activity = g_get_monotonic_time ();
  start_refreshing (self);
  update_resting (self);
}

static void
watch_surface (ThawMeter  *self,
               GdkSurface *surface)
{
  if (self->surface != NULL)
    g_signal_handlers_disconnect_by_func (self->surface, surface_state_cb, self);
  g_set_object (&self->surface, surface);
  self->minimized = FALSE;
  if (surface != NULL && GDK_IS_TOPLEVEL (surface))
    {
      g_signal_connect_swapped (surface, "notify::state", G_CALLBACK (surface_state_cb), self);
      surface_state_cb (self);
    }
}

static void
reset_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  thaw_meter_reset (THAW_METER (widget));
}

static void
thaw_meter_map (GtkWidget *widget)
{
  ThawMeter *self = THAW_METER (widget);

  GTK_WIDGET_CLASS (thaw_meter_parent_class)->map (widget);

  watch_surface (self, gtk_native_get_surface (gtk_widget_get_native (widget)));
  /* Being shown counts as activity: the meter starts awake. */
  self->last_activity = g_get_monotonic_time ();
  start_refreshing (self);
  update_resting (self);
  update_bouncer_tooltip (self);
  refresh_cb (self);
}

static void
thaw_meter_unmap (GtkWidget *widget)
{
  ThawMeter *self = THAW_METER (widget);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  watch_surface (self, NULL);

  GTK_WIDGET_CLASS (thaw_meter_parent_class)->unmap (widget);

  /* Not on screen: nothing to draw, and the heartbeat slows down. */
  update_resting (self);
}

static void
thaw_meter_dispose (GObject *object)
{
  ThawMeter *self = THAW_METER (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  watch_surface (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), THAW_TYPE_METER);
  g_clear_object (&self->heartbeat);

  G_OBJECT_CLASS (thaw_meter_parent_class)->dispose (object);
}

static void
thaw_meter_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  ThawMeter *self = THAW_METER (object);

  switch (prop_id)
    {
    case PROP_HEARTBEAT:
      g_value_set_object (value, self->heartbeat);
      break;

    case PROP_RESTING:
      g_value_set_boolean (value, self->resting);
      break;

    case PROP_REST_DELAY:
      g_value_set_uint (value, self->rest_delay_ms);
      break;

    case PROP_COMPACT:
      g_value_set_boolean (value, self->compact);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_meter_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  ThawMeter *self = THAW_METER (object);

  switch (prop_id)
    {
    case PROP_HEARTBEAT:
      thaw_meter_set_heartbeat (self, g_value_get_object (value));
      break;

    case PROP_REST_DELAY:
      if (self->rest_delay_ms != g_value_get_uint (value))
        {
          self->rest_delay_ms = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_COMPACT:
      thaw_meter_set_compact (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thaw_meter_class_init (ThawMeterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = thaw_meter_dispose;
  object_class->get_property = thaw_meter_get_property;
  object_class->set_property = thaw_meter_set_property;

  widget_class->map = thaw_meter_map;
  widget_class->unmap = thaw_meter_unmap;

  properties[PROP_HEARTBEAT] =
    g_param_spec_object ("heartbeat", NULL, NULL,
                         THAW_TYPE_HEARTBEAT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ThawMeter:resting:
   *
   * Whether the meter rests: the ball parked, no frames, a slow heartbeat.
   */
  properties[PROP_RESTING] =
    g_param_spec_boolean ("resting", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ThawMeter:rest-delay:
   *
   * Milliseconds without input or a running job before the meter rests.
   */
  properties[PROP_REST_DELAY] =
    g_param_spec_uint ("rest-delay", NULL, NULL,
                       0, 600000, DEFAULT_REST_DELAY_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ThawMeter:compact:
   *
   * Whether the figures go under the graph instead of beside it, so that
   * the meter fits a narrow window (the window folds its sidebar then).
   */
  properties[PROP_COMPACT] =
    g_param_spec_boolean ("compact", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (THAW_TYPE_BOUNCER);
  g_type_ensure (THAW_TYPE_LATENCY_GRAPH);

  widget_class->css_changed = thaw_meter_css_changed;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/widgets/thaw-meter.ui");
  gtk_widget_class_bind_template_child (widget_class, ThawMeter, bouncer);
  gtk_widget_class_bind_template_child (widget_class, ThawMeter, graph);
  gtk_widget_class_bind_template_child (widget_class, ThawMeter, p99_label);
  gtk_widget_class_bind_template_child (widget_class, ThawMeter, max_label);
  gtk_widget_class_bind_template_child (widget_class, ThawMeter, stalls_label);
  gtk_widget_class_bind_template_child (widget_class, ThawMeter, hangs_label);
  gtk_widget_class_bind_template_child (widget_class, ThawMeter, fps_label);

  gtk_widget_class_install_action (widget_class, "meter.reset", NULL, reset_cb);

  gtk_widget_class_set_css_name (widget_class, "meter");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
thaw_meter_init (ThawMeter *self)
{
  self->rest_delay_ms = DEFAULT_REST_DELAY_MS;
  self->last_activity = g_get_monotonic_time ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * thaw_meter_wake:
 * @self: a meter
 *
 * Tells the meter that something happened that may freeze the window or
 * that a person is watching (input): it wakes, if it rested, before
 * anything else runs, and rests again after #ThawMeter:rest-delay.
 */
void
thaw_meter_wake (ThawMeter *self)
{
  g_return_if_fail (THAW_IS_METER (self));

  self->last_activity = g_get_monotonic_time ();
  if (self->resting)
    update_resting (self);
}

/**
 * thaw_meter_set_busy:
 * @self: a meter
 * @busy: whether a job runs
 *
 * While a job runs the meter never rests.
 */
void
thaw_meter_set_busy (ThawMeter *self,
                     gboolean   busy)
{
  g_return_if_fail (THAW_IS_METER (self));

  self->busy = !!busy;
  self->last_activity = g_get_monotonic_time ();
  update_resting (self);
}

gboolean
thaw_meter_get_resting (ThawMeter *self)
{
  g_return_val_if_fail (THAW_IS_METER (self), FALSE);

  return self->resting;
}

void
thaw_meter_set_heartbeat (ThawMeter     *self,
                          ThawHeartbeat *heartbeat)
{
  g_return_if_fail (THAW_IS_METER (self));
  g_return_if_fail (heartbeat == NULL || THAW_IS_HEARTBEAT (heartbeat));

  if (g_set_object (&self->heartbeat, heartbeat))
    {
      if (heartbeat != NULL)
        thaw_heartbeat_set_interval_ms (heartbeat,
                                        self->resting ? THAW_HEARTBEAT_RESTING_INTERVAL_MS
                                                      : THAW_HEARTBEAT_INTERVAL_MS);
      thaw_latency_graph_set_heartbeat (self->graph, heartbeat);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEARTBEAT]);
    }
}

/**
 * thaw_meter_get_heartbeat:
 * @self: a meter
 *
 * Returns: (transfer none) (nullable): the heartbeat shown
 */
ThawHeartbeat *
thaw_meter_get_heartbeat (ThawMeter *self)
{
  g_return_val_if_fail (THAW_IS_METER (self), NULL);

  return self->heartbeat;
}

/**
 * thaw_meter_get_frames:
 * @self: a meter
 * @frames: (out) (optional): frames drawn since the meter was shown or reset
 * @fps: (out) (optional): their average rate
 */
void
thaw_meter_get_frames (ThawMeter *self,
                       guint64   *frames,
                       double    *fps)
{
  g_return_if_fail (THAW_IS_METER (self));

  if (frames != NULL)
    *frames = thaw_bouncer_get_frames (self->bouncer);
  if (fps != NULL)
    *fps = thaw_bouncer_get_average_fps (self->bouncer);
}

/**
 * thaw_meter_reset:
 * @self: a meter
 *
 * Starts the figures again from now, so that one run can be compared with
 * another.
 */
void
thaw_meter_reset (ThawMeter *self)
{
  g_return_if_fail (THAW_IS_METER (self));

  if (self->heartbeat != NULL)
    thaw_heartbeat_reset (self->heartbeat);
  thaw_stalls_clear ();
  thaw_bouncer_reset (self->bouncer);
  self->last_activity = g_get_monotonic_time ();
  update_resting (self);
  refresh_cb (self);
}

/**
 * thaw_meter_set_compact:
 * @self: a meter
 * @compact: %TRUE to put the figures under the graph
 *
 * See #ThawMeter:compact.
 */
void
thaw_meter_set_compact (ThawMeter *self,
                        gboolean   compact)
{
  GtkWidget *layout;

  g_return_if_fail (THAW_IS_METER (self));

  compact = !!compact;
  if (self->compact == compact)
    return;

  self->compact = compact;
  /* The template's box, the bin's child (gone once the meter is disposed). */
  layout = adw_bin_get_child (ADW_BIN (self));
  if (GTK_IS_BOX (layout))
    {
      gtk_orientable_set_orientation (GTK_ORIENTABLE (layout),
                                      compact ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
      gtk_box_set_spacing (GTK_BOX (layout), compact ? 4 : 10);
    }
  reserve_widths (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPACT]);
}
