#!/bin/sh
# Every lesson's Python program is checked by pyflakes: an undefined name, a
# redefinition or a syntax error fails. Unused imports are allowed (a
# program may import what its explanation names).
set -eu
python3=${1:?usage: check-pyflakes.sh PYTHON3 FILE...}
shift
out=$("$python3" -m pyflakes "$@" 2>&1 | grep -v 'imported but unused' || true)
if [ -n "$out" ]; then
  printf '%s\n' "$out"
  exit 1
fi
echo "pyflakes: $# files, nothing but unused imports"
