/* thaw-lsan-start.c — what LeakSanitizer must not count: the start-up of
 * the libraries
 *
 * Copyright 2026 The Thaw authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Compiled into every program of the ASan build (src/meson.build adds it to
 * engine_dep's sources there), and into none of the others.
 *
 * The constructors of the libraries a program links run before its own
 * code, and keep some of what they allocate for the life of the process
 * without a pointer LeakSanitizer can find: GLib's first block of quarks,
 * which GLib lets go of (and never frees) when the table grows, is one.
 * That memory is not Thaw's. Rather than recognise it by its stack (which
 * needs ASan's slow unwinder on every malloc, through libraries built
 * without frame pointers: it made a Thaw under ASan three times slower),
 * leak checking is off on the main thread from before the first library
 * constructor until the program's own constructors run:
 *
 *   - a function in .preinit_array runs before any library is initialised;
 *   - a constructor of the program itself runs after all of them.
 *
 * tests/control-leak.c checks that a leak in main() is still reported.
 */

#include "config.h"

#if defined(__SANITIZE_ADDRESS__)

#include <sanitizer/lsan_interface.h>

static void
before_library_constructors (int    argc,
                             char **argv,
                             char **envp)
{
  __lsan_disable ();
}

__attribute__ ((section (".preinit_array"), used))
static void (*const thaw_lsan_preinit) (int, char **, char **) = before_library_constructors;

__attribute__ ((constructor))
static void
after_library_constructors (void)
{
  __lsan_enable ();
}

#endif
