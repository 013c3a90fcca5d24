"""A flood of updates: one main-loop callback per update, or coalesced.

asyncio's event loop stands in for the GUI's main loop; a heartbeat every
10 ms records how late it is. In a PyGObject app, call_soon_threadsafe is
GLib.idle_add."""
import asyncio
import threading
import time

UPDATES = 200_000
FRAME = 1 / 60   # one frame of a 60 Hz screen; a GUI asks its frame clock


class Latest:
    """Coalesces a worker's updates: at most one delivery waits, at most one
    per frame, it shows the newest value, and the last one always goes."""

    def __init__(self, loop, show):
        self.loop, self.show, self.lock = loop, show, threading.Lock()
        self.value, self.pending, self.asked_at = 0, False, 0.0

    def send(self, value, last=False):       # on the worker
        with self.lock:
            self.value = value                # store first, then maybe ask
            now = time.monotonic()
            if self.pending or (now - self.asked_at < FRAME and not last):
                return                        # a waiting delivery reads it
            self.pending, self.asked_at = True, now
        self.loop.call_soon_threadsafe(self.deliver)

    def deliver(self):                        # on the main loop
        with self.lock:
            self.pending = False              # clear first: later news asks again
            value = self.value
        self.show(value)


async def run(way):
    loop = asyncio.get_running_loop()
    done, late_ms, shown = loop.create_future(), [0.0], []

    def beat(due):
        late_ms.append((time.monotonic() - due) * 1000)
        if not done.done():
            loop.call_later(0.010, beat, time.monotonic() + 0.010)

    def show(value):                          # what a progress callback does
        shown.append(value)
        if value == UPDATES:
            done.set_result(None)

    def worker():
        latest = Latest(loop, show)
        for value in range(1, UPDATES + 1):
            if way == "flood":                # wrong: one callback per update
                loop.call_soon_threadsafe(show, value)
            else:
                latest.send(value, last=value == UPDATES)

    start, cpu = time.monotonic(), time.thread_time()   # the loop's own CPU
    beat(start)
    thread = threading.Thread(target=worker)
    thread.start()
    await done
    cpu = (time.thread_time() - cpu) * 1000
    thread.join()                             # it sent its last update
    await asyncio.sleep(0.02)                 # let a late beat land
    print(f"{way:9}: {UPDATES} updates reported, {len(shown)} callbacks run, "
          f"last value shown {shown[-1]}, in {time.monotonic() - start:.2f} s; "
          f"main loop busy {cpu:.0f} ms, longest wait {max(late_ms):.0f} ms")


async def main():
    await run("flood")
    await run("coalesced")

asyncio.run(main())
