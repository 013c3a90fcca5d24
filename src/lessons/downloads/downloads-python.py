"""Four simulated downloads: one after another, all at once, and on the loop.

A download mostly waits, so here it is a few naps. asyncio's event loop
stands in for the GUI's main loop; a heartbeat every 10 ms records how late
the loop is while the downloads run."""
import asyncio
import threading
import time

FILES, SECONDS_EACH, NAPS = 4, 0.4, 20


def download(name):
    for _ in range(NAPS):          # a real one would wait for packets here
        time.sleep(SECONDS_EACH / NAPS)


def one_after_another():
    for n in range(FILES):
        download(n)


def all_at_once():
    threads = [threading.Thread(target=download, args=(n,)) for n in range(FILES)]
    for t in threads:
        t.start()
    for t in threads:              # join() blocks: here, on the run thread,
        t.join()                   # never on the main loop


async def run(way, job):
    loop = asyncio.get_running_loop()
    done, late_ms = loop.create_future(), [0.0]

    def beat(due):
        late_ms.append((time.monotonic() - due) * 1000)
        if not done.done():
            loop.call_later(0.010, beat, time.monotonic() + 0.010)

    def run_thread():
        job()
        # One call when all are done. In PyGObject: GLib.idle_add(...).
        loop.call_soon_threadsafe(done.set_result, time.monotonic() - start)

    def on_the_loop():             # wrong: every nap is a nap of the window
        job()
        done.set_result(time.monotonic() - start)

    start = time.monotonic()
    beat(start)
    if way == "main loop":
        loop.call_soon(on_the_loop)
        runner = None
    else:
        runner = threading.Thread(target=run_thread)
        runner.start()
    seconds = await done
    if runner:
        runner.join()              # it has finished: this returns at once
    await asyncio.sleep(0.02)      # let a late beat land
    print(f"{way:18}: {FILES} downloads of {SECONDS_EACH} s took {seconds:.2f} s; "
          f"main loop's longest wait: {max(late_ms):.0f} ms")


async def main():
    await run("one after another", one_after_another)
    await run("all at once", all_at_once)
    await run("main loop", one_after_another)

asyncio.run(main())
