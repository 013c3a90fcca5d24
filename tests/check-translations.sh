#!/bin/sh
# Every language in po/LINGUAS must be complete: no untranslated and no
# fuzzy messages, and msgfmt's format checks must pass. The catalogue is
# compared with a fresh extraction, so a string added to the code and not to
# the .po files fails here too.
set -eu
srcdir=${1:?usage: check-translations.sh SOURCE-ROOT BUILD-DIR}
builddir=${2:?usage: check-translations.sh SOURCE-ROOT BUILD-DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cd "$srcdir"
# The same keywords as meson's glib preset; po/its says how to read the
# lessons' ID.lesson files, as po/meson.build tells xgettext too.
export GETTEXTDATADIRS="$PWD/po"
xgettext --from-code=UTF-8 --add-comments --keyword=_ --keyword=N_ \
  --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dcgettext:2 \
  --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_strdup_printf:1:c-format --flag=g_set_error:4:c-format \
  --flag=g_printerr:1:c-format --flag=g_print:1:c-format \
  --files-from=po/POTFILES.in --output="$tmp/thaw.pot" 2>"$tmp/xgettext.log" \
  || { cat "$tmp/xgettext.log"; exit 1; }

status=0
for lang in $(grep -v '^#' po/LINGUAS); do
  msgmerge --quiet --no-fuzzy-matching "po/$lang.po" "$tmp/thaw.pot" -o "$tmp/$lang.po"
  stats=$(msgfmt --check --statistics -o /dev/null "$tmp/$lang.po" 2>&1) || status=1
  echo "$lang: $stats"
  case "$stats" in
    *untranslated*|*fuzzy*) status=1 ;;
  esac
done
exit $status
