/* thaw-lesson-child.c — what a lesson page says of a wrong way it ran in a
 * child process
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The wrong ways that would hang Thaw run as `thaw --wrong-way NAME`, and
 * src/engine/thaw-child.c watches them. This is the part the pages share:
 * the child's report in words (what it said, how its threads were found,
 * how it ended), the figures kept of it, and their names in --report.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <signal.h>
#include <string.h>

#include "thaw-lesson-child.h"
#include "thaw-procfs.h"
#include "thaw-lesson.h"

/* One of the child's threads, as /proc showed it when it was judged. */
static void
append_thread (GString              *text,
               const ThawThreadInfo *info)
{
  if (info->state == 'S' || info->state == 'D')
    /* Translators: one thread of the child process, e.g. "locker: asleep
     * (S) in futex_do_wait, system call futex". */
    g_string_append_printf (text, _("%s: asleep (%c) in %s, system call %s"), info->name, info->state,
                            info->wchan != NULL ? info->wchan : "?", info->syscall != NULL ? info->syscall : "?");
  else
    /* Translators: e.g. "thaw: running (R)". */
    g_string_append_printf (text, _("%s: running (%c)"), info->name, info->state);
  g_string_append_c (text, '\n');
}

/* The child's report so far, in lines; @hung_verdict says what it means
 * that every thread slept, once they did. */
static char *
describe (const ThawChildNews *news,
                            const char          *hung_verdict)
{
  GString *text = g_string_new (NULL);

  /* Translators: %d is a process id. */
  g_string_append_printf (text, _("Child process %d said:"), news->pid);
  g_string_append_c (text, '\n');
  for (guint i = 0; i < news->lines->len; i++)
    g_string_append_printf (text, "  %s\n", (const char *) news->lines->pdata[i]);

  if (news->threads != NULL)
    {
      if (news->hung)
        /* Translators: %.1f is a time in seconds. */
        g_string_append_printf (text, _("Then nothing for %.1f s, and its threads were:"), news->silent_ms / 1000);
      else
        g_string_append (text, _("It ran past its time, and its threads were:"));
      g_string_append_c (text, '\n');
      for (guint i = 0; i < news->threads->len; i++)
        {
          g_string_append (text, "  ");
          append_thread (text, news->threads->pdata[i]);
        }
    }
  if (news->hung)
    g_string_append (text, hung_verdict);
  if (news->ended)
    {
      if (news->hung)
        g_string_append_c (text, ' ');
      if (news->term_signal != 0)
        /* Translators: %s is a signal's name, e.g. "SIGKILL", %d its number. */
        g_string_append_printf (text, _("The child ended by %s (signal %d); nothing of it is left."),
                                news->term_signal == SIGKILL ? "SIGKILL" : g_strsignal (news->term_signal),
                                news->term_signal);
      else
        /* Translators: %d is an exit status. */
        g_string_append_printf (text, _("The child exited with status %d."), news->exit_status);
    }
  return g_string_free (text, FALSE);
}

/* Keeps the figures of @news: the threads once they were judged. */
static void
update (ThawLessonChild     *child,
        const ThawChildNews *news)
{
  child->pid = news->pid;
  child->lines = news->lines->len;
  if (news->threads != NULL)
    {
      child->hung = news->hung;
      child->threads = news->threads->len;
      child->threads_in_futex = 0;
      for (guint i = 0; i < news->threads->len; i++)
        {
          const ThawThreadInfo *info = news->threads->pdata[i];

          child->threads_in_futex += g_strcmp0 (info->syscall, "futex") == 0 ||
                                     (info->wchan != NULL && strstr (info->wchan, "futex") != NULL);
        }
    }
  if (news->ended)
    child->signal = news->term_signal;
}

/**
 * thaw_lesson_child_start:
 * @lesson: the page
 * @mode: the run's mode, for thaw_lesson_begin_run()
 * @wrong_way: the name `thaw --wrong-way` knows it by (thaw-wrong-ways.c)
 * @hang_ms: how long every thread must sleep, with nothing said, to be hung
 * @limit_ms: how long it may run at all
 * @seen: what the page keeps of its child: forgotten here
 * @report: the label that will say what the child did: emptied here
 * @news: receives the child's news (thaw_child_start())
 * @user_data: for @news
 *
 * Begins a run of @lesson that starts the wrong way in a child process.
 *
 * Returns: (transfer full) (nullable): the child; %NULL if it could not be
 *   started, and the run has then failed, saying why
 */
ThawChild *
thaw_lesson_child_start (ThawLesson        *lesson,
                         const char        *mode,
                         const char        *wrong_way,
                         guint              hang_ms,
                         guint              limit_ms,
                         ThawLessonChild   *seen,
                         GtkLabel          *report,
                         ThawChildNewsFunc  news,
                         gpointer           user_data)
{
  g_autofree char *exe = thaw_child_dup_self_path ();
  const char *argv[] = { exe, "--wrong-way", wrong_way, NULL };
  g_autoptr(GError) error = NULL;
  ThawChild *child = NULL;

  thaw_lesson_begin_run (lesson, mode);
  *seen = (ThawLessonChild) { 0 };
  gtk_label_set_text (report, "");
  if (exe == NULL)
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("Thaw cannot tell where its own program is."));
  else
    child = thaw_child_start (argv, hang_ms, limit_ms, news, user_data, &error);
  if (child == NULL)
    thaw_lesson_fail_start (lesson, error);
  return child;
}

/**
 * thaw_lesson_child_show:
 * @seen: what the page keeps of its child
 * @report: the label that says what the child did
 * @news: the child's news
 * @hung_verdict: what it means that every thread slept, said once they did
 *
 * Shows the child's report so far in @report, and keeps its figures.
 */
void
thaw_lesson_child_show (ThawLessonChild     *seen,
                        GtkLabel            *report,
                        const ThawChildNews *news,
                        const char          *hung_verdict)
{
  g_autofree char *text = describe (news, hung_verdict);

  gtk_label_set_text (report, text);
  gtk_widget_set_visible (GTK_WIDGET (report), TRUE);
  update (seen, news);
}

/**
 * thaw_lesson_child_end_hung:
 * @lesson: the page
 * @seen: what it kept of its child, which was to hang and has ended
 * @hung_caption: the headline's caption if it hung
 * @hung_status: the status if it hung
 * @status: the page's status line
 *
 * Ends the run of a child that was to hang: succeeded if it did (the
 * headline's figure is its threads asleep in a futex), failed if not.
 */
void
thaw_lesson_child_end_hung (ThawLesson            *lesson,
                            const ThawLessonChild *seen,
                            const char            *hung_caption,
                            const char            *hung_status,
                            GtkLabel              *status)
{
  /* Translators: e.g. "2 of 2 threads asleep in a futex". */
  g_autofree char *value = g_strdup_printf (ngettext ("%u of %u thread asleep in a futex",
                                                      "%u of %u threads asleep in a futex", seen->threads),
                                            seen->threads_in_futex, seen->threads);

  thaw_lesson_end_run (lesson, seen->hung ? THAW_RUN_SUCCEEDED : THAW_RUN_FAILED);
  thaw_lesson_set_headline (lesson, seen->hung ? hung_caption : _("The child did not hang"), value, NULL);
  gtk_label_set_text (status, seen->hung ? hung_status : _("The child did not hang as expected; its report is below."));
}

void
thaw_lesson_child_report (const ThawLessonChild *child,
                          JsonBuilder           *builder)
{
  thaw_report_int (builder, "child_pid", child->pid);
  thaw_report_boolean (builder, "child_hung", child->hung);
  thaw_report_int (builder, "child_threads", child->threads);
  thaw_report_int (builder, "child_threads_in_futex", child->threads_in_futex);
  thaw_report_int (builder, "child_lines", child->lines);
  thaw_report_int (builder, "child_signal", child->signal);
}
