#!/usr/bin/env python3
"""Runs one of a lesson's programs and checks that its output backs the
lesson's claim.

    check-snippet.py EXPECT-FILE PROGRAM [ARG...]

The program must exit 0 within the time limit (20 s, times
THAW_TEST_TIME_SCALE). EXPECT-FILE holds one check a line:

    # a comment
    REGEX            a Python regular expression that must match somewhere in
                     the output (re.MULTILINE); its named groups become
                     variables, as numbers where they read as numbers
    assert EXPR      a Python expression over those variables that must be
                     true, e.g. "assert 0 < lost < total"
    timeout SECONDS  a different time limit for this program

Every check is written from what the lesson says, so a program that stops
showing it fails here.
"""

import os
import re
import subprocess
import sys


def number(text):
    for kind in (int, float):
        try:
            return kind(text.replace(",", ""))
        except ValueError:
            pass
    return text


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: check-snippet.py EXPECT-FILE PROGRAM [ARG...]")
    expect_path, command = sys.argv[1], sys.argv[2:]
    scale = float(os.environ.get("THAW_TEST_TIME_SCALE", "1"))

    checks = []
    limit = 20.0
    with open(expect_path, encoding="utf-8") as expect:
        for line in expect:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line.startswith("timeout "):
                limit = float(line.split()[1])
            else:
                checks.append(line)
    if not checks:
        sys.exit(f"{expect_path}: no checks: a program whose output nobody "
                 "reads proves nothing")

    try:
        run = subprocess.run(command, capture_output=True, text=True,
                             timeout=limit * scale)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        print(out)
        sys.exit(f"FAIL: {' '.join(command)} did not end within {limit * scale:.0f} s")

    print(run.stdout, end="")
    if run.stderr:
        print("--- stderr ---")
        print(run.stderr, end="")
    if run.returncode != 0:
        sys.exit(f"FAIL: {' '.join(command)} exited with status {run.returncode}")

    variables = {}
    failed = []
    for check in checks:
        if check.startswith("assert "):
            expr = check[len("assert "):]
            try:
                ok = eval(expr, {"__builtins__": {"abs": abs, "min": min, "max": max}},
                          dict(variables))
            except Exception as e:  # a name no regex captured, say
                failed.append(f"{check}  ({type(e).__name__}: {e})")
                continue
            if not ok:
                shown = ", ".join(f"{k}={v}" for k, v in sorted(variables.items()))
                failed.append(f"{check}  (with {shown})")
            continue
        match = re.search(check, run.stdout, re.MULTILINE)
        if match is None:
            failed.append(f"no line matches: {check}")
            continue
        for name, value in match.groupdict().items():
            if value is not None:
                variables[name] = number(value)

    if failed:
        print("--- checks that failed ---")
        for f in failed:
            print(f"FAIL: {f}")
        sys.exit(1)
    print(f"--- {len(checks)} checks passed ---")


if __name__ == "__main__":
    main()
