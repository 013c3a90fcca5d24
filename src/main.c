/* main.c — Thaw's entry point
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "thaw-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(ThawApplication) app = NULL;
  const char *localedir;
  int status;

  /* THAW_LOCALEDIR lets the tests and build-aux/dev use the translations
   * built in the build tree before they are installed. */
  localedir = g_getenv ("THAW_LOCALEDIR");
  if (localedir == NULL || *localedir == '\0')
    localedir = LOCALEDIR;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name ("Thaw");

  app = thaw_application_new ();
  status = g_application_run (G_APPLICATION (app), argc, argv);

  return status != 0 ? status : thaw_application_get_exit_status (app);
}
