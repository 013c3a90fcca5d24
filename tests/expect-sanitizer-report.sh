#!/bin/sh
# expect-sanitizer-report.sh PROGRAM TEXT: passes only if PROGRAM fails and
# its error output contains TEXT. Used for the control programs that prove a
# sanitizer is still awake.
set -u
program=${1:?usage: expect-sanitizer-report.sh PROGRAM TEXT}
text=${2:?usage: expect-sanitizer-report.sh PROGRAM TEXT}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

"$program" >"$log" 2>&1
status=$?
if [ $status -ne 0 ] && grep -qF "$text" "$log"; then
  echo "the sanitizer reported the deliberate bug, as it must (exit $status)"
  exit 0
fi
echo "the sanitizer did NOT report the deliberate bug in $program (exit $status):"
cat "$log"
exit 1
