"""Waiting for a thread, but not forever, without freezing the main loop.

A waiter thread waits for a one-second job with join(timeout); each time
is_alive() says it still runs, the loop hears so and answers: keep waiting,
or stop. Then the wrong way, waiting on the loop. asyncio's loop stands in
for the GUI's main loop; a heartbeat measures how late it gets.
"""
import asyncio
import threading
import time

JOB_SECONDS, TIMEOUT = 1.0, 0.3


def job(stop, news):
    """The slow job: it looks at its Stop flag every 20 ms."""
    end = time.monotonic() + JOB_SECONDS
    while time.monotonic() < end and not stop.is_set():
        time.sleep(0.02)
    news.set()                      # its end is news for the waiter


def waiter(worker, news, tell_loop):    # starts the job, waits for it
    started = time.monotonic()
    worker.start()
    while True:
        worker.join(timeout=TIMEOUT)  # ends the wait, never the job
        if not worker.is_alive():
            return tell_loop(None, time.monotonic() - started)
        tell_loop(time.monotonic() - started, None)
        news.wait()                 # the loop's answer, or the job's end
        news.clear()                # (Event.wait(timeout) also exists)


async def heartbeat(worst):        # worst[0]: the latest beat so far
    while True:
        due = time.monotonic() + 0.01
        await asyncio.sleep(0.01)
        worst[0] = max(worst[0], time.monotonic() - due)


async def run(name, answer, on_the_loop=False):
    loop = asyncio.get_running_loop()
    stop, news = threading.Event(), threading.Event()
    done, timeouts, worst = loop.create_future(), [0], [0.0]

    def on_news(running_for, finished_after):       # on the loop
        if finished_after is not None:
            return done.set_result(finished_after)
        timeouts[0] += 1
        print(f"{name}: still running after {running_for:.1f} s")
        (stop if answer == "stop" else news).set()

    def tell_loop(*args):   # on the waiter thread; PyGObject: GLib.idle_add
        loop.call_soon_threadsafe(on_news, *args)

    beat = asyncio.create_task(heartbeat(worst))
    worker = threading.Thread(target=job, args=(stop, news))
    waiting = threading.Thread(target=waiter, args=(worker, news, tell_loop))
    if on_the_loop:   # the wrong way: the loop itself waits, again and again
        loop.call_soon(waiter, worker, news, on_news)
    else:
        waiting.start()
    seconds = await done            # the loop stays free while it waits
    if not on_the_loop:
        waiting.join()              # it has reported: no wait here
    await asyncio.sleep(0.05)       # one more beat, so a late one counts
    beat.cancel()
    print(f"{name}: job ended after {seconds:.2f} s, timeouts: {timeouts[0]};"
          f" the loop was at most {worst[0] * 1000:.0f} ms late")


async def main():
    await run("waiter thread, keep waiting", "keep")
    await run("waiter thread, stop", "stop")
    await run("on the loop", "keep", on_the_loop=True)


asyncio.run(main())
