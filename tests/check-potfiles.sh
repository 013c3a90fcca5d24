#!/bin/sh
# Fails when a file with translatable strings is missing from po/POTFILES.in,
# or when POTFILES.in lists a file that does not exist.
set -eu
srcdir=${1:?usage: check-potfiles.sh SOURCE-ROOT}
cd "$srcdir"

listed=$(grep -v '^#' po/POTFILES.in | sed '/^$/d' | sort)
status=0

for file in $listed; do
  if [ ! -f "$file" ]; then
    echo "po/POTFILES.in lists $file, which does not exist"
    status=1
  fi
done

# C files that call _(), N_(), C_() or NC_(); .ui files with translatable
# properties; data files with translatable keys; the lessons' texts.
candidates=$(
  { grep -rlE '(^|[^A-Za-z0-9_])(N?C?_)\(' --include='*.c' src || true
    grep -rl 'translatable="yes"' --include='*.ui' src || true
    ls data/*.desktop.in data/*.metainfo.xml.in data/*.gschema.xml 2>/dev/null || true
    ls src/lessons/*/*.lesson 2>/dev/null || true
  } | sort -u)

for file in $candidates; do
  if ! printf '%s\n' "$listed" | grep -qx "$file"; then
    echo "$file has translatable strings but is missing from po/POTFILES.in"
    status=1
  fi
done

[ $status -eq 0 ] && echo "po/POTFILES.in lists all $(printf '%s\n' "$candidates" | wc -l) files with translatable strings"
exit $status
