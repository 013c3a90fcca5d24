"""Stopping a thread: a Stop button can only ask.

A worker hashes data and looks at a threading.Event between blocks. The
Stop "click" notes the time and sets the Event; the worker notes when it
noticed. The difference is the cancel latency, measured for a worker that
looks every 5 ms and one that looks every 250 ms.

There is no Thread.kill(): a thread killed at a random point could hold a
lock forever or leave half-updated data behind, so Python only lets you ask.
"""
import asyncio
import hashlib
import threading
import time

BLOCK = bytes(range(256)) * 256    # 64 KiB to hash, again and again


def hash_blocks(stop, look_every, report):
    """The worker. It never touches the loop's state; it reports once."""
    sha = hashlib.sha256()
    next_look = 0.0
    while True:
        now = time.monotonic()
        if now >= next_look:        # the only place where it can stop
            if stop.is_set():
                report(time.monotonic())
                return
            next_look = now + look_every
        sha.update(BLOCK)


async def one_run(look_every, click_after):
    loop = asyncio.get_running_loop()
    stop = threading.Event()        # GLib: a GCancellable
    stopped = loop.create_future()

    def report(noticed_at):         # on the worker thread
        # In a PyGObject app this is GLib.idle_add(...).
        loop.call_soon_threadsafe(stopped.set_result, noticed_at)

    worker = threading.Thread(target=hash_blocks,
                              args=(stop, look_every, report))
    worker.start()
    await asyncio.sleep(click_after)  # the user waits a bit, then clicks
    clicked_at = time.monotonic()   # the Stop button: the clock first,
    stop.set()                      # then ask (GLib: g_cancellable_cancel)
    noticed_at = await stopped      # the loop stays free while it waits
    known_at = time.monotonic()
    worker.join()                   # it has returned: this takes no time
    return (noticed_at - clicked_at) * 1000, (known_at - clicked_at) * 1000


async def main():
    for look_every in (0.005, 0.250):
        ms = round(look_every * 1000)
        latencies = []
        # Four clicks at different moments, so that they land at different
        # points between two looks of the worker.
        for click_after in (0.10, 0.16, 0.22, 0.28):
            stopped_ms, known_ms = await one_run(look_every, click_after)
            latencies.append(stopped_ms)
            print(f"looking every {ms} ms: the worker stopped"
                  f" {stopped_ms:.1f} ms after the click,"
                  f" the loop knew after {known_ms:.1f} ms")
        print(f"looking every {ms} ms: longest {max(latencies):.1f} ms,"
              f" average {sum(latencies) / len(latencies):.1f} ms")


asyncio.run(main())
