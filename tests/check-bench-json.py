#!/usr/bin/env python3
"""thaw-bench --json prints one JSON object per scenario that scripts can read.

    check-bench-json.py THAW-BENCH

Runs two short scenarios and checks the figures a script would use.
"""

import json
import subprocess
import sys

out = subprocess.run([sys.argv[1], "-s", "latest", "-s", "shutdown", "--seconds", "1", "--json"],
                     check=True, capture_output=True, text=True, timeout=120).stdout
rows = json.loads(out)
assert [row["scenario"] for row in rows] == ["latest", "shutdown"], rows
latest, shutdown = rows
# The last value published was the last one delivered, and far fewer
# deliveries ran than values were published.
assert latest["final_exact"] is True, latest
assert 0 < latest["dispatches"] < latest["reports"], latest
assert latest["samples"] > 0 and latest["max_ms"] >= latest["p50_ms"], latest
assert shutdown["final_exact"] is True, shutdown
assert shutdown["speedup"] is None and shutdown["cancel_p50_ms"] is None, shutdown
print("thaw-bench --json: %d rows, latest %d reports in %d deliveries"
      % (len(rows), latest["reports"], latest["dispatches"]))
