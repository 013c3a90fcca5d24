"""A job in a main-loop callback freezes the loop; on a thread it does not.

asyncio's event loop stands in for the GUI's main loop. A heartbeat every
10 ms records how late each beat is: late beats are a frozen window."""
import asyncio
import sys
import threading
import time

LIMIT = 450_000  # about a second of trial division in Python


def count_primes(limit, report=None):
    # Plain CPU work: no GUI calls, safe on any thread.
    count = 0
    for n in range(2, limit):
        if all(n % d for d in range(2, int(n ** 0.5) + 1)):
            count += 1
        if report and n % 2000 == 0:
            report(n, count)
    return count


def start_worker(loop, done, shown):
    pending = threading.Event()    # set while one delivery waits on the loop

    def show(n, count):            # on the main loop
        pending.clear()            # clear first, so the next report asks again
        shown.append(count)

    def report(n, count):          # on the worker: at most one delivery waits
        if not pending.is_set():
            pending.set()
            # In a PyGObject app this is GLib.idle_add(show, n, count).
            loop.call_soon_threadsafe(show, n, count)

    def work():
        primes = count_primes(LIMIT, report)
        loop.call_soon_threadsafe(done.set_result, primes)   # the last word

    worker = threading.Thread(target=work)   # what a button's handler does
    worker.start()
    return worker


async def measure(way):
    loop = asyncio.get_running_loop()
    done, late_ms, shown, worker = loop.create_future(), [], [], None

    def beat(due):
        late_ms.append((time.monotonic() - due) * 1000)
        if not done.done():        # the next beat is due 10 ms from now
            loop.call_later(0.010, beat, time.monotonic() + 0.010)

    start = time.monotonic()
    beat(start)
    if way == "idle":              # how punctual is the loop with no job?
        loop.call_later(0.5, done.set_result, 0)
    elif way == "loop":            # wrong: no beat until the callback returns
        loop.call_soon(lambda: done.set_result(count_primes(LIMIT)))
    else:
        worker = start_worker(loop, done, shown)
    primes = await done
    if worker:
        worker.join()              # instant: the worker said it is done
    await asyncio.sleep(0.02)      # let a late beat land and be counted
    late_ms.sort()
    print(f"{way:6}: {primes} primes in {time.monotonic() - start:.2f} s, "
          f"{len(shown)} deliveries, {len(late_ms)} beats; main loop's longest "
          f"wait: {late_ms[-1]:.1f} ms, median: {late_ms[len(late_ms) // 2]:.2f} ms")


async def main():
    # CPython hands the GIL to a waiting thread after this long at most.
    print(f"sys.getswitchinterval(): {sys.getswitchinterval() * 1000:.0f} ms")
    for way in ("idle", "loop", "thread"):  # no job, wrong way, right way
        await measure(way)

asyncio.run(main())
