#!/usr/bin/env python3
"""Thread pools: 200 small tasks on a thread each, then on a pool of four
named threads; results in order (map) and as they finish (as_completed);
and a task's error brought to the main loop (asyncio's stands in)."""

import asyncio
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

N_TASKS, WORKERS = 200, 4


def task(i):
    """A stand-in for work: 1 to 10 ms of waiting, so tasks finish out of order."""
    time.sleep((i * 7 % 10 + 1) / 1000)
    return i, threading.current_thread().name


def thread_per_task():
    """A new thread for every task; each writes only its own slot."""
    results = [None] * N_TASKS

    def run(i):
        results[i] = task(i)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(N_TASKS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


async def errors_reach_the_loop(pool):
    loop = asyncio.get_running_loop()
    seen = []                     # the main loop's alone
    # Wrong: result() raises in the callback, on a pool thread; the executor
    # logs it and goes on, and the main loop never hears of it.
    wrong = pool.submit(int, "one")          # a task that fails: ValueError
    wrong.add_done_callback(
        lambda f: loop.call_soon_threadsafe(seen.append, f.result()))
    # Right: exception() returns the error instead of raising it; hand it
    # to the main loop (in a PyGObject app: GLib.idle_add) like a result.
    right = pool.submit(int, "two")
    right.add_done_callback(
        lambda f: loop.call_soon_threadsafe(seen.append, f.exception() or f.result()))
    # Callbacks end before the pool's threads do: wait for those (on a
    # thread: shutdown blocks). The hand-offs queued before it run first.
    await asyncio.to_thread(pool.shutdown)
    return [x for x in seen if isinstance(x, Exception)]


def main():
    logged = []                   # what concurrent.futures logs, kept quiet
    handler = logging.Handler()
    handler.emit = logged.append
    logging.getLogger("concurrent.futures").handlers = [handler]
    logging.getLogger("concurrent.futures").propagate = False
    names = {name for _, name in thread_per_task()}
    print(f"a thread per task: {N_TASKS} tasks ran on {len(names)} threads")
    # map() and as_completed() block: in a GUI, use them on a worker.
    with ThreadPoolExecutor(WORKERS, thread_name_prefix="pool") as pool:
        ordered = [i for i, _ in pool.map(task, range(N_TASKS))]
        futures = [pool.submit(task, i) for i in range(N_TASKS)]
        finished = [f.result() for f in as_completed(futures)]
    names = sorted({name for _, name in finished})
    print(f"a pool: {N_TASKS} tasks ran on {len(names)} threads: {', '.join(names)}")
    print(f"map(): in submission order: {ordered == list(range(N_TASKS))}")
    moved = sum(i != n for n, (i, _) in enumerate(finished))
    print(f"as_completed(): {moved} of {N_TASKS} results out of submission order")
    errors = asyncio.run(errors_reach_the_loop(ThreadPoolExecutor(2)))
    print(f"the main loop got {len(errors)} of 2 errors: {errors!r}")
    print(f"the other error was only logged, {len(logged)} time, and dropped")


if __name__ == "__main__":
    main()
