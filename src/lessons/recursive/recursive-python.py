"""A lock taken twice by the same thread: Lock against RLock.

total_size() takes the tree's lock and calls itself for each subfolder, so
the thread that holds the lock asks for it again, once per level.
"""
import threading
import time
from dataclasses import dataclass, field

LEVELS = 8

lock = threading.Lock()      # plain: a second acquire() by its owner waits forever
rlock = threading.RLock()    # re-entrant: lets its owner in again, and counts
depth = 0                    # how many times the walk holds the RLock now
deepest = 0


@dataclass
class Folder:
    size: int
    subfolders: list = field(default_factory=list)


def make_tree(levels):
    return Folder(1, [make_tree(levels - 1) for _ in range(2)] if levels > 1 else [])


def total_size(folder):
    global depth, deepest
    with rlock:              # taken again at every level
        depth += 1
        deepest = max(deepest, depth)
        total = folder.size + sum(total_size(sub) for sub in folder.subfolders)
        depth -= 1
    return total             # every `with` released its own acquire


def lock_twice(some_lock):
    """Asks the lock again while holding it, giving up after 1 s: the hang
    of a plain Lock, shown safely."""
    with some_lock:
        started = time.monotonic()
        got_it = some_lock.acquire(timeout=1.0)  # without timeout: forever
        waited = time.monotonic() - started
        if got_it:
            some_lock.release()                  # one release per acquire
    return ("taken" if got_it else "refused"), waited


# Every folder weighs 1, so the total is the number of folders.
total = total_size(make_tree(LEVELS))
print(f"with an RLock: total {total} of {2 ** LEVELS - 1} folders, "
      f"held {deepest} times at once")
answer, waited = lock_twice(lock)
print(f"a plain Lock asked again by its owner: {answer} after {waited:.2f} s"
      " (acquire() without a timeout would never return)")
answer, waited = lock_twice(rlock)
print(f"an RLock asked again by its owner: {answer} after {waited:.2f} s")
