"""Start a thread, let it say when it is done, and only then join it.

threading.Thread's start() is pthread_create(), and join() is pthread_join().
asyncio's event loop stands in for the GUI's main loop; a heartbeat every
10 ms records how late the loop is."""
import asyncio
import random
import threading
import time

DARTS, CHUNK = 6_000_000, 200_000


def throw_darts(stop, report):
    # Estimates pi: the share of darts inside the quarter circle is pi/4.
    rng, thrown, hits = random.Random(1), 0, 0   # a generator of its own
    while thrown < DARTS and not stop.is_set():  # it stops itself, when asked
        hits += sum(rng.random() ** 2 + rng.random() ** 2 < 1 for _ in range(CHUNK))
        thrown += CHUNK
        report(thrown, hits, False)
    report(thrown, hits, True)                   # the last word


async def run(way):
    loop = asyncio.get_running_loop()
    done, late_ms = loop.create_future(), [0.0]
    pending, stop = threading.Event(), threading.Event()

    def beat(due):
        late_ms.append((time.monotonic() - due) * 1000)
        if not done.done():
            loop.call_later(0.010, beat, time.monotonic() + 0.010)

    def show(thrown, hits, finished):            # on the main loop
        pending.clear()
        if finished:
            before = time.monotonic()
            worker.join()                        # instant: it is only returning
            done.set_result((thrown, hits, (time.monotonic() - before) * 1000))

    def report(thrown, hits, finished):          # on the worker
        if finished or not pending.is_set():     # at most one waits, the last always
            pending.set()
            # In a PyGObject app this is GLib.idle_add(show, thrown, hits, finished).
            loop.call_soon_threadsafe(show, thrown, hits, finished)

    def join_now():                              # wrong: join a thread still working
        before = time.monotonic()
        worker.join()
        waited = (time.monotonic() - before) * 1000
        print(f"join on the loop while it worked waited {waited:.0f} ms")

    beat(time.monotonic())
    worker = threading.Thread(target=throw_darts, args=(stop, report))
    worker.start()
    if way == "join-early":
        loop.call_soon(join_now)
    elif way == "stop":
        loop.call_later(0.1, stop.set)           # the Stop button
    thrown, hits, join_ms = await done
    await asyncio.sleep(0.02)                    # let a late beat land
    print(f"{way:10}: {thrown} darts, pi ~ {4 * hits / thrown:.4f}; join() after "
          f"the last word waited {join_ms:.2f} ms; "
          f"main loop's longest wait: {max(late_ms):.0f} ms")


async def main():
    for way in ("right", "stop", "join-early"):
        await run(way)

asyncio.run(main())
