"""Lost updates: four threads add 1 to one counter, with and without a lock.

Adding 1 is a read and then a write. A thread that reads just before
another one writes puts back a stale value, and that update is lost.
"""
import threading

THREADS = 4
INCREMENTS = 500_000

counter = 0
lock = threading.Lock()


def plus_one(value):
    # Stands for the work a thread does between reading and writing.
    return value + 1


def add_bare(n):
    global counter
    for _ in range(n):
        value = counter      # read
        counter = value + 1  # write


def add_without_lock(n):
    global counter
    for _ in range(n):
        value = counter             # read
        counter = plus_one(value)   # a call, then the write


def add_with_lock(n):
    global counter
    for _ in range(n):
        # Exact whatever the interpreter does: no other thread can read or
        # write while this one holds the lock. Keep the locked part short:
        # a thread switched out while holding it makes the others queue.
        with lock:
            counter = counter + 1


def run(adder):
    """Runs THREADS threads of adder; returns how many updates were lost."""
    global counter
    counter = 0
    threads = [threading.Thread(target=adder, args=(INCREMENTS,))
               for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return THREADS * INCREMENTS - counter


def say(how, lost):
    total = THREADS * INCREMENTS
    if lost:
        print(f"{how}: lost {lost} of {total} updates")
    else:
        print(f"{how}: exact {total}")


# CPython lets a waiting thread in after 5 ms (sys.getswitchinterval()), and
# only at some points: a call, a loop's jump back. With nothing between the
# read and the write they are seldom split. That is luck, not a promise
# (CPython 3.9 split them, free-threaded 3.13t runs threads at once): it is
# still a race.
say("without a lock, nothing between read and write", run(add_bare))
say("without a lock", run(add_without_lock))
say("with a lock", run(add_with_lock))
# Python has no atomic add: take the lock, or give each thread its own
# counter and add them up after join().
