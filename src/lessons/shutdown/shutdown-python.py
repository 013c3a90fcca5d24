"""Quitting with work in flight: what becomes of each thread.

Each run is a child process (this file, given a mode) that quits at 0.3 s:
its throw-away cache warm-up is cancelled and joined; its saver thread needs
a second. At exit Python joins every thread but daemons; a daemon ends with
the process wherever it was, as every thread does when its process ends.
Writing a temporary file, then os.replace(): old file or new, never half.
"""
import os, subprocess, sys, tempfile, threading, time

LINES = 50


def write_lines(f, writer, pause):
    f.write(f"# written by: {writer}\n")
    for i in range(LINES):
        f.write(f"line {i + 1}\n")
        f.flush()                       # handed to the kernel at once
        time.sleep(pause)               # the slow part
    f.write(f"# end: {LINES} lines\n")


def save_in_place(path, writer, pause=0.02):
    with open(path, "w") as f:          # the old file is gone from here on
        write_lines(f, writer, pause)


def save_atomically(path, writer, pause=0.02):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path))  # same file system
    with os.fdopen(fd, "w") as f:
        write_lines(f, writer, pause)
        os.fsync(f.fileno())            # the data on disk before the name
    os.replace(tmp, path)               # atomic: the old file, then the new


def warm_cache(stop):                   # throw-away: looks every 20 ms
    for _ in range(100):
        if stop.is_set():
            return
        time.sleep(0.02)


def child(mode, path):
    stop = threading.Event()
    warmer = threading.Thread(target=warm_cache, args=(stop,))
    warmer.start()
    save = save_in_place if mode.endswith("in place") else save_atomically
    threading.Thread(target=save, args=(path, mode),
                     daemon=mode.startswith("daemon")).start()
    time.sleep(0.3)                     # ...and the user quits
    quit_at = time.monotonic()
    stop.set()                          # throw-away work: cancel and join
    warmer.join()
    print(f"{(time.monotonic() - quit_at) * 1000:.0f}")
    # The end: Python joins the saver now, unless it is a daemon.


def run(mode, folder):
    path = os.path.join(folder, "saved.txt")
    save_atomically(path, "the previous run", pause=0)
    started = time.monotonic()
    out = subprocess.run([sys.executable, __file__, mode, path],
                         capture_output=True, text=True, check=True)
    seconds = time.monotonic() - started
    lines = open(path).read().splitlines()
    state = "complete" if lines[-1] == f"# end: {LINES} lines" else "HALF"
    print(f"{mode}: quit at 0.3 s, the process ended after {seconds:.2f} s, "
          f"warm-up joined in {out.stdout.strip()} ms; the file is {state}, "
          f"{sum(x.startswith('line ') for x in lines)} of {LINES} lines, "
          f"{lines[0][2:]}; {len(os.listdir(folder)) - 1} stray temp file(s)")


if __name__ == "__main__":
    if len(sys.argv) == 3:
        child(*sys.argv[1:])
    else:
        for mode in ("daemon, in place", "daemon, atomic", "joined, atomic"):
            with tempfile.TemporaryDirectory() as folder:
                run(mode, folder)
