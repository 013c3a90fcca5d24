/* thaw-application.c — the application: actions, command line, reports
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Besides the usual actions, the application owns the heartbeat (it beats
 * from startup to shutdown, whatever window or lesson is open) and the
 * command line that lets tests and teachers drive a lesson:
 *
 *   thaw --run freeze --activate block --autoquit 6 --report run.json
 *   thaw --run race --activate start --until-done --report run.json
 *
 * opens a lesson, presses one of its buttons once the window is on screen,
 * quits after six seconds (or, the second, once the job has ended) and
 * writes what the heartbeat measured.
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <unistd.h>

#include "thaw-application.h"
#include "thaw-stalls.h"
#include "thaw-lesson.h"
#include "thaw-priority.h"
#include "thaw-window.h"
#include "thaw-wrong-ways.h"

/* Options that a script passes to drive one run. */
typedef struct
{
  char *run;
  char **activate;             /* the verbs to press, in turn */
  double autoquit;
  gboolean until_done;
  char *report;
} RunOptions;

struct _ThawApplication
{
  AdwApplication parent_instance;

  ThawHeartbeat *heartbeat;
  GSettings *settings;
  RunOptions options;
  gboolean report_written;
  gboolean options_parsed;
  int exit_status;

  guint autoquit_id;
  guint window_shown_id;
  guint press_id;
  guint n_pressed;             /* of options.activate */
  guint sigint_id;
  guint sigterm_id;
};

G_DEFINE_FINAL_TYPE (ThawApplication, thaw_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "list", 'l', G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("List the lessons, one per line: id, then title"), NULL },
  { "run", 'r', G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_("Open the lesson with this id"), N_("ID") },
  { "activate", 'a', G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING_ARRAY, NULL,
    N_("Once the window is shown, press the lesson’s button for VERB (start, block, stop, …); given again, press the next one half a second later"), N_("VERB") },
  { "autoquit", 'q', G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_("Quit after this many seconds"), N_("SECONDS") },
  { "until-done", 'u', G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("With --activate, quit once the job it started has ended (--autoquit still sets the longest wait)"), NULL },
  { "report", 'o', G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("On quit, write the heartbeat statistics of the run to FILE as JSON"), N_("FILE") },
  { "version", 'v', G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  /* What a lesson's page runs in a child process: a wrong way that would
   * hang Thaw itself (thaw-wrong-ways.c). Not for people to type. */
  { "wrong-way", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, NULL, NULL, NULL },
  /* Thaw opens no files: words that are not options are collected here and
   * refused with a message, instead of reaching GApplication's "open". */
  { G_OPTION_REMAINING, 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME_ARRAY, NULL, NULL, NULL },
  { NULL }
};

static void
print_lessons (FILE *stream)
{
  const ThawLessonInfo *const *lessons;
  guint n;

  lessons = thaw_lessons_get_all (&n);
  for (guint i = 0; i < n; i++)
    fprintf (stream, "%-14s %s\n", lessons[i]->id, _(lessons[i]->title));
}

/* Checks that a report can be written to @path before the run starts, so
 * that a typo is reported now and not after a long run. Nothing is created. */
static gboolean
check_report_path (const char  *path,
                   GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR, _("it is a folder"));
      return FALSE;
    }

  if (g_file_test (path, G_FILE_TEST_EXISTS) ? access (path, W_OK) != 0 : access (dir, W_OK) != 0)
    {
      int saved_errno = errno;

      g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

/* Each check_*() below looks at one option, prints what is wrong and what
 * to do instead, and returns the exit status; -1 when all is well. */

static int
check_remaining (GVariantDict *options)
{
  g_autofree const char **remaining = NULL;
  g_autofree char *display = NULL;

  if (!g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&ay", &remaining) ||
      remaining[0] == NULL)
    return -1;

  display = g_filename_display_name (remaining[0]);
  g_printerr (_("thaw: unexpected argument “%s”: Thaw opens no files. "
                "Run “thaw --help” to see the options.\n"), display);
  return 2;
}

/* --run ID and --activate VERB. */
static int
check_lesson (ThawApplication *self)
{
  const ThawLessonInfo *info = NULL;
  g_auto(GStrv) verbs = NULL;
  g_autofree char *list = NULL;

  if (self->options.run != NULL)
    {
      info = thaw_lessons_find (self->options.run);
      if (info == NULL)
        {
          g_printerr (_("thaw: there is no lesson “%s”. The lessons are:\n"), self->options.run);
          print_lessons (stderr);
          return 2;
        }
    }

  if (self->options.activate == NULL)
    {
      if (!self->options.until_done)
        return -1;
      g_printerr (_("thaw: --until-done needs --activate to say which job, "
                    "e.g. thaw --run freeze --activate start --until-done\n"));
      return 2;
    }

  if (info == NULL)
    {
      g_printerr (_("thaw: --activate needs --run to say which lesson, "
                    "e.g. thaw --run freeze --activate start\n"));
      return 2;
    }

  for (guint i = 0; self->options.activate[i] != NULL; i++)
    if (!thaw_lesson_info_has_verb (info, self->options.activate[i]))
      {
        verbs = thaw_lesson_info_list_verbs (info);
        list = g_strjoinv (", ", verbs);
        g_printerr (_("thaw: the lesson “%s” has no action “%s”. Its actions are: %s\n"),
                    info->id, self->options.activate[i], list);
        return 2;
      }

  return -1;
}

static int
check_autoquit (ThawApplication *self,
                const char      *autoquit)
{
  char *end = NULL;
  double seconds;

  if (autoquit == NULL)
    return -1;

  seconds = g_ascii_strtod (autoquit, &end);
  if (end == autoquit || *end != '\0' || !(seconds > 0 && seconds <= 86400))
    {
      g_printerr (_("thaw: --autoquit needs a number of seconds between 0 and 86400, "
                    "not “%s”\n"), autoquit);
      return 2;
    }

  self->options.autoquit = seconds;
  return -1;
}

static int
check_report (ThawApplication *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *display = NULL;

  if (self->options.report == NULL)
    return -1;

  if (self->options.report[0] == '\0')
    {
      g_printerr (_("thaw: --report needs the name of a file, e.g. --report run.json\n"));
      return 2;
    }

  if (check_report_path (self->options.report, &error))
    return -1;

  display = g_filename_display_name (self->options.report);
  g_printerr (_("thaw: cannot write the report to “%s”: %s\n"), display, error->message);
  return 2;
}

static int
thaw_application_handle_local_options (GApplication *application,
                                       GVariantDict *options)
{
  ThawApplication *self = THAW_APPLICATION (application);
  const char *autoquit = NULL;
  const char *wrong_way = NULL;
  int status;

  self->options_parsed = TRUE;

  if ((status = check_remaining (options)) >= 0)
    return status;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_contains (options, "list"))
    {
      print_lessons (stdout);
      return 0;
    }

  if (g_variant_dict_lookup (options, "wrong-way", "&s", &wrong_way))
    {
      if (thaw_wrong_way_exists (wrong_way))
        return thaw_wrong_way_run (wrong_way);
      g_printerr ("thaw: there is no wrong way “%s” to run\n", wrong_way);
      return 2;
    }

  g_variant_dict_lookup (options, "run", "s", &self->options.run);
  g_variant_dict_lookup (options, "activate", "^as", &self->options.activate);
  g_variant_dict_lookup (options, "autoquit", "&s", &autoquit);
  g_variant_dict_lookup (options, "report", "^ay", &self->options.report);
  self->options.until_done = g_variant_dict_contains (options, "until-done");

  if ((status = check_lesson (self)) >= 0 ||
      (status = check_autoquit (self, autoquit)) >= 0 ||
      (status = check_report (self)) >= 0)
    return status;

  /* Without this check GTK would stop with a terse warning; say what is
   * wrong and what to do instead. */
  if (!gtk_init_check ())
    {
      g_printerr (_("thaw: cannot open a display. Run Thaw in a graphical session, "
                    "or headless under xvfb-run.\n"));
      return 1;
    }

  /* A scripted run is its own instance: it must not hand its options to a
   * Thaw that is already open, nor be disturbed by one started later. */
  if (self->options.run != NULL || self->options.autoquit > 0 || self->options.report != NULL)
    g_application_set_flags (application,
                             g_application_get_flags (application) | G_APPLICATION_NON_UNIQUE);

  return -1;
}

/* `stalls`: the longest turns of the main loop since the heartbeat started,
 * longest first, with what held it ("" for GTK's and GLib's own work, not
 * one of Thaw's callbacks) and when, in seconds since the start. */
static void
add_stalls (ThawApplication *self,
            JsonBuilder     *builder)
{
  gint64 started = thaw_heartbeat_get_started_at (self->heartbeat);
  ThawStall stalls[10];
  guint n = thaw_stalls_copy_longest (started, stalls, G_N_ELEMENTS (stalls));

  json_builder_set_member_name (builder, "stalls");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, stalls[i].name);
      json_builder_set_member_name (builder, "ms");
      json_builder_add_double_value (builder, stalls[i].ms);
      json_builder_set_member_name (builder, "at_s");
      json_builder_add_double_value (builder, (stalls[i].end_us - started) / (double) G_USEC_PER_SEC);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static gboolean
write_report (ThawApplication  *self,
              ThawWindow       *window,
              GError          **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  ThawLatencyStats stats;
  ThawLessonPage *page = thaw_window_get_lesson_page (window);
  guint64 frames = 0;
  double fps = 0;

  thaw_heartbeat_get_stats (self->heartbeat, &stats);
  thaw_meter_get_frames (thaw_window_get_meter (window), &frames, &fps);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  json_builder_set_member_name (builder, "lesson");
  json_builder_add_string_value (builder, page ? thaw_lesson_page_get_info (page)->id : NULL);
  json_builder_set_member_name (builder, "seconds");
  json_builder_add_double_value (builder,
                                 (g_get_monotonic_time () - thaw_heartbeat_get_started_at (self->heartbeat))
                                 / (double) G_USEC_PER_SEC);
  json_builder_set_member_name (builder, "samples");
  json_builder_add_int_value (builder, (gint64) stats.samples);
  json_builder_set_member_name (builder, "p50_ms");
  json_builder_add_double_value (builder, stats.p50_ms);
  json_builder_set_member_name (builder, "p95_ms");
  json_builder_add_double_value (builder, stats.p95_ms);
  json_builder_set_member_name (builder, "p99_ms");
  json_builder_add_double_value (builder, stats.p99_ms);
  json_builder_set_member_name (builder, "max_ms");
  json_builder_add_double_value (builder, stats.max_ms);
  json_builder_set_member_name (builder, "mean_ms");
  json_builder_add_double_value (builder, stats.mean_ms);
  json_builder_set_member_name (builder, "stalls_frame");
  json_builder_add_int_value (builder, (gint64) stats.stalls_frame);
  json_builder_set_member_name (builder, "stalls_hang");
  json_builder_add_int_value (builder, (gint64) stats.stalls_hang);
  json_builder_set_member_name (builder, "frames");
  json_builder_add_int_value (builder, (gint64) frames);
  json_builder_set_member_name (builder, "fps");
  json_builder_add_double_value (builder, fps);
  add_stalls (self, builder);
  {
    double build_ms, first_frame_ms;

    /* What opening the lesson cost: its page built, then drawn. */
    if (thaw_window_get_page_cost (window, &build_ms, &first_frame_ms))
      {
        thaw_report_double (builder, "page_build_ms", build_ms);
        thaw_report_double (builder, "page_first_frame_ms", first_frame_ms);
      }
  }

  if (page != NULL)
    thaw_lesson_report (thaw_lesson_page_get_lesson (page), builder);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json = json_generator_to_data (generator, NULL);

  return g_file_set_contents (self->options.report, json, -1, error);
}

/* Every way out (the Quit action, closing the window, --autoquit, Ctrl+C
 * in a terminal) passes here, while the lesson still exists to report. */
static gboolean
window_close_request_cb (ThawWindow      *window,
                         ThawApplication *self)
{
  /* Closed before --activate pressed its button: there is nothing left
   * to press (SIGTERM during a slow start-up). */
  g_clear_handle_id (&self->press_id, g_source_remove);

  if (self->options.report != NULL && !self->report_written)
    {
      g_autoptr(GError) error = NULL;

      self->report_written = TRUE;
      if (!write_report (self, window, &error))
        {
          g_printerr (_("thaw: could not write the report: %s\n"), error->message);
          self->exit_status = 1;
        }
    }

  return FALSE;
}

static void
close_all_windows (ThawApplication *self)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* gtk_window_close() may remove the window from the list: copy it. */
  g_autoptr(GList) copy = g_list_copy (windows);

  for (GList *l = copy; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  close_all_windows (THAW_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *developers[] = { "The Thaw authors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-name", "Thaw",
                        "application-icon", APP_ID,
                        "developer-name", "The Thaw authors",
                        "version", PACKAGE_VERSION,
                        "comments", _("Learn to keep a graphical program responsive: every lesson "
                                      "runs a long job the wrong way and the right way, while a "
                                      "meter measures how late the main loop is."),
                        "website", "https://github.com/thawapp/thaw",
                        "issue-url", "https://github.com/thawapp/thaw/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© 2026 The Thaw authors",
                        "developers", developers,
                        /* Translators: put your names here, one per line. */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
};

static gboolean
autoquit_cb (gpointer data)
{
  ThawApplication *self = THAW_APPLICATION (data);

  self->autoquit_id = 0;
  close_all_windows (self);

  return G_SOURCE_REMOVE;
}

/* --until-done: the job has ended (or never started), so the run is over.
 * The windows close from an idle, not from inside the lesson's end of run,
 * which goes on after telling; the autoquit's timeout gives way to it. */
static void
quit_soon (ThawApplication *self)
{
  g_clear_handle_id (&self->autoquit_id, g_source_remove);
  self->autoquit_id = g_idle_add (autoquit_cb, self);
}

/* A lesson may end one run and start the next from the same callback
 * (pool's Compare All Three): the job has ended only if, once that
 * callback is over, no run has begun again. */
static gboolean
still_idle_cb (gpointer data)
{
  ThawLesson *lesson = data;
  ThawApplication *self = THAW_APPLICATION (g_application_get_default ());

  if (!thaw_lesson_get_busy (lesson))
    quit_soon (self);
  return G_SOURCE_REMOVE;
}

static void
lesson_busy_cb (ThawLesson      *lesson,
                GParamSpec      *pspec,
                ThawApplication *self)
{
  if (!thaw_lesson_get_busy (lesson))
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, still_idle_cb, g_object_ref (lesson), g_object_unref);
}

/* Presses the next button of --activate; FALSE if it could not. */
static gboolean
activate_verb (ThawApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  ThawLessonPage *page = NULL;
  g_autofree char *reason = NULL;
  const char *verb = self->options.activate[self->n_pressed++];

  if (THAW_IS_WINDOW (window))
    page = thaw_window_get_lesson_page (THAW_WINDOW (window));

  if (page != NULL)
    reason = thaw_lesson_dup_verb_disabled_reason (thaw_lesson_page_get_lesson (page), verb);
  if (reason != NULL)
    {
      /* Translators: the second %s says why, as the button's tooltip does,
       * e.g. "Nothing is running: start a run first". */
      g_printerr (_("thaw: “%s” cannot be used now, its button is greyed out: %s. Nothing was done.\n"),
                  verb, reason);
      self->exit_status = 2;
      quit_soon (self);
      return FALSE;
    }

  if (page == NULL ||
      !thaw_lesson_activate_verb (thaw_lesson_page_get_lesson (page), verb))
    {
      g_printerr (_("thaw: the action “%s” could not be activated\n"), verb);
      self->exit_status = 2;
      quit_soon (self);
      return FALSE;
    }

  /* --until-done watches the job of the last press. */
  if (self->options.until_done && self->options.activate[self->n_pressed] == NULL)
    {
      ThawLesson *lesson = thaw_lesson_page_get_lesson (page);

      if (thaw_lesson_get_busy (lesson))
        g_signal_connect_object (lesson, "notify::busy", G_CALLBACK (lesson_busy_cb), self, 0);
      else
        quit_soon (self);
    }

  return TRUE;
}

/* How long --activate waits, once the window is on screen, before it
 * presses the button: as long as a person takes to reach it. GTK draws the
 * new window more than once as it settles (the display server's first
 * expose, fonts), 10–30 ms each here; those frames are the window's
 * start-up, not the run's. */
#define SETTLE_MS 250

/* Between two presses of --activate: a person's pace, and time enough for
 * what the first press started to show. */
#define PRESS_GAP_MS 500

static void
start_autoquit (ThawApplication *self)
{
  if (self->options.autoquit > 0 && self->autoquit_id == 0)
    self->autoquit_id = g_timeout_add ((guint) (self->options.autoquit * 1000), autoquit_cb, self);
}

/* --activate: the press. The heartbeat starts again from the first, so
 * that a report is about the run, from the click to the end; the next
 * verb, if any, is pressed a moment later. */
static gboolean
press_cb (gpointer data)
{
  ThawApplication *self = THAW_APPLICATION (data);

  self->press_id = 0;
  if (self->n_pressed == 0)
    thaw_heartbeat_reset (self->heartbeat);
  if (activate_verb (self) && self->options.activate[self->n_pressed] != NULL)
    self->press_id = g_timeout_add (PRESS_GAP_MS, press_cb, self);
  start_autoquit (self);

  return G_SOURCE_REMOVE;
}

/* Runs once the first frame of the window has been drawn. Building and
 * drawing the window the first time keeps the main loop busy for a while;
 * the heartbeat starts after that, so that its figures are about the app in
 * use, not about its start-up. */
static gboolean
window_shown_cb (gpointer data)
{
  ThawApplication *self = THAW_APPLICATION (data);

  self->window_shown_id = 0;

  if (!thaw_heartbeat_is_running (self->heartbeat))
    thaw_heartbeat_start (self->heartbeat, NULL);

  /* --activate presses its button on a window that is on screen, so that
   * a blocking action freezes a window one can actually see; --autoquit
   * then counts from the press. */
  if (self->options.activate != NULL)
    {
      self->press_id = g_timeout_add (SETTLE_MS, press_cb, self);
      return G_SOURCE_REMOVE;
    }

  /* --autoquit counts from here: on a slow machine (or in a sanitizer
   * build) start-up can take longer than a second, and a run of N seconds
   * should still give the lesson N seconds. */
  start_autoquit (self);

  return G_SOURCE_REMOVE;
}

static gboolean
first_frame_cb (GtkWidget     *widget,
                GdkFrameClock *frame_clock,
                gpointer       user_data)
{
  ThawApplication *self = THAW_APPLICATION (user_data);

  /* An idle runs after the frame that is being prepared has been painted. */
  if (self->window_shown_id == 0)
    self->window_shown_id = g_idle_add (window_shown_cb, self);

  return G_SOURCE_REMOVE;
}

static gboolean
unix_signal_cb (gpointer data)
{
  close_all_windows (THAW_APPLICATION (data));
  return G_SOURCE_CONTINUE;
}

static void
thaw_application_activate (GApplication *application)
{
  ThawApplication *self = THAW_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  gboolean new_window = window == NULL;

  if (window == NULL)
    {
      window = GTK_WINDOW (thaw_window_new (ADW_APPLICATION (self), self->heartbeat, self->options.run));
      g_signal_connect_object (window, "close-request",
                               G_CALLBACK (window_close_request_cb), self, 0);
    }

  if (self->options.run != NULL)
    thaw_window_show_lesson (THAW_WINDOW (window), self->options.run);

  gtk_window_present (window);

  if (new_window)
    gtk_widget_add_tick_callback (GTK_WIDGET (window), first_frame_cb, self, NULL);
}

static void
background_priority_changed_cb (ThawApplication *self)
{
  thaw_background_priority_set_enabled (g_settings_get_boolean (self->settings,
                                                                "background-priority"));
}

static void
thaw_application_startup (GApplication *application)
{
  ThawApplication *self = THAW_APPLICATION (application);
  g_autoptr(GAction) background = NULL;
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
    { "win.lesson-start", { "<Control>Return", NULL } },
    { "win.lesson-block", { "<Control><Shift>Return", NULL } },
    { "win.lesson-stop", { "<Control>period", NULL } },
    { "win.next-lesson", { "<Control>Page_Down", NULL } },
    { "win.previous-lesson", { "<Control>Page_Up", NULL } },
    { "win.reset-meter", { "<Control>r", NULL } },
  };

  G_APPLICATION_CLASS (thaw_application_parent_class)->startup (application);

  /* Every turn of the main loop is timed from here on, window and pages
   * built included: the meter and the report name what held it. */
  thaw_stalls_install (NULL);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);

  gtk_window_set_default_icon_name (APP_ID);

  /* app.background-priority: a check item in the menu, kept in GSettings. */
  self->settings = g_settings_new (APP_ID);
  background = g_settings_create_action (self->settings, "background-priority");
  g_action_map_add_action (G_ACTION_MAP (self), background);
  g_signal_connect_object (self->settings, "changed::background-priority",
                           G_CALLBACK (background_priority_changed_cb), self, G_CONNECT_SWAPPED);
  background_priority_changed_cb (self);

  self->sigint_id = g_unix_signal_add (SIGINT, unix_signal_cb, self);
  self->sigterm_id = g_unix_signal_add (SIGTERM, unix_signal_cb, self);
}

static void
thaw_application_shutdown (GApplication *application)
{
  ThawApplication *self = THAW_APPLICATION (application);

  g_clear_handle_id (&self->autoquit_id, g_source_remove);
  g_clear_handle_id (&self->window_shown_id, g_source_remove);
  g_clear_handle_id (&self->press_id, g_source_remove);
  g_clear_handle_id (&self->sigint_id, g_source_remove);
  g_clear_handle_id (&self->sigterm_id, g_source_remove);
  thaw_heartbeat_stop (self->heartbeat);

  G_APPLICATION_CLASS (thaw_application_parent_class)->shutdown (application);
}

static void
thaw_application_finalize (GObject *object)
{
  ThawApplication *self = THAW_APPLICATION (object);

  g_clear_object (&self->heartbeat);
  g_clear_object (&self->settings);
  g_free (self->options.run);
  g_strfreev (self->options.activate);
  g_free (self->options.report);

  G_OBJECT_CLASS (thaw_application_parent_class)->finalize (object);
}

/* GApplication answers an unknown option, or an option without its value,
 * with a message and exit status 1, before handle-local-options runs. A
 * command-line mistake is status 2 everywhere else in Thaw: make it so here
 * too, and say where the options are listed. */
static gboolean
thaw_application_local_command_line (GApplication   *application,
                                     char         ***arguments,
                                     int            *exit_status)
{
  ThawApplication *self = THAW_APPLICATION (application);
  gboolean handled;

  handled = G_APPLICATION_CLASS (thaw_application_parent_class)->local_command_line (application,
                                                                                    arguments,
                                                                                    exit_status);
  if (handled && !self->options_parsed && *exit_status != 0)
    {
      g_printerr (_("Run “thaw --help” to see the options.\n"));
      *exit_status = 2;
    }

  return handled;
}

static void
thaw_application_class_init (ThawApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = thaw_application_finalize;

  app_class->local_command_line = thaw_application_local_command_line;
  app_class->handle_local_options = thaw_application_handle_local_options;
  app_class->startup = thaw_application_startup;
  app_class->activate = thaw_application_activate;
  app_class->shutdown = thaw_application_shutdown;
}

static void
thaw_application_init (ThawApplication *self)
{
  self->heartbeat = thaw_heartbeat_new (THAW_HEARTBEAT_INTERVAL_MS);

  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Learn to keep a graphical program responsive."));
  g_application_set_option_context_description (G_APPLICATION (self),
                                                _("Examples:\n"
                                                  "  thaw --list\n"
                                                  "  thaw --run freeze\n"
                                                  "  thaw --run freeze --activate block --autoquit 6 --report run.json"));
}

ThawApplication *
thaw_application_new (void)
{
  return g_object_new (THAW_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}

/**
 * thaw_application_get_heartbeat:
 * @self: the application
 *
 * Returns: (transfer none): the heartbeat that measures the main loop
 */
ThawHeartbeat *
thaw_application_get_heartbeat (ThawApplication *self)
{
  g_return_val_if_fail (THAW_IS_APPLICATION (self), NULL);

  return self->heartbeat;
}

/**
 * thaw_application_get_exit_status:
 * @self: the application
 *
 * Returns: non-zero if something went wrong after the run had started,
 *   such as a report that could not be written
 */
int
thaw_application_get_exit_status (ThawApplication *self)
{
  g_return_val_if_fail (THAW_IS_APPLICATION (self), 1);

  return self->exit_status;
}
