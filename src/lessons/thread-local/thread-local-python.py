"""Each thread's own value: threading.local.

Four threads format lines at the same time. Deep in the work, format_line()
needs a scratch object with a counter; nobody passes it down and no lock
guards it, because behind the one name `local` each thread sees its own.
When a thread ends, its values are dropped, and a finalizer runs: Python's
counterpart of GLib's destroy notify.
"""
import threading
import time
import weakref

N_THREADS = 4
local = threading.local()     # one name, a value per thread
finalized = []                # (thread that made it, thread it ran on)
finalized_lock = threading.Lock()


class Scratch:
    def __init__(self):
        self.lines = 0
        self.text = ""


def scratch_dropped(owner):
    # Runs as the thread ends, on that thread, once its Scratch is freed.
    with finalized_lock:
        finalized.append((owner, threading.get_ident()))


def format_line(number):
    scratch = getattr(local, "scratch", None)
    if scratch is None:              # the first use on this thread
        scratch = local.scratch = Scratch()
        weakref.finalize(scratch, scratch_dropped, threading.get_ident())
    scratch.text = f"line {number}"  # no lock: no other thread sees it
    scratch.lines += 1


def worker(n_lines, results, index):
    for number in range(1, n_lines + 1):
        format_line(number)
        time.sleep(0.001)            # the threads take turns all along
    results[index] = local.scratch.lines


planned = [50 * (i + 1) for i in range(N_THREADS)]
results = [0] * N_THREADS
threads = [threading.Thread(target=worker, args=(planned[i], results, i))
           for i in range(N_THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()      # by now each thread's values are dropped

for i, lines in enumerate(results):
    print(f"thread {i + 1}: its own counter says {lines} lines (planned {planned[i]})")
on_own_thread = sum(owner == ran_on for owner, ran_on in finalized)
print(f"finalizer ran {len(finalized)} times for {N_THREADS} threads,"
      f" {on_own_thread} of them on the thread that was ending")
print("the main thread has a scratch of its own:",
      "yes" if hasattr(local, "scratch") else "no")
