"""When a worker fails: the exception has to travel back to the loop.

A worker checksums 100 files. A plain Thread that raises loses the error:
threading.excepthook prints it on stderr, and that is all. Caught in the
thread and handed to the loop (asyncio's stands in for the GUI's), or carried
by a Future, it is shown by the loop until a later good run clears it.
"""
import asyncio, hashlib, os, tempfile, threading
from concurrent.futures import ThreadPoolExecutor

shown = {"error": None}                 # what the "window" shows


def read_inputs(folder):                # the work; it may raise OSError
    sha = hashlib.sha256()
    for i in range(1, 101):
        with open(os.path.join(folder, f"input-{i:03}.txt"), "rb") as f:
            sha.update(f.read())
    return sha.hexdigest()


def show(how, checksum, error):         # on the loop only
    if error is not None:
        shown["error"] = f"{type(error).__name__}: {error}"
        print(f"{how}: the loop shows: the job failed: {shown['error']}")
    else:
        box = "cleared" if shown["error"] else "empty"
        shown["error"] = None
        print(f"{how}: the loop shows: checksum {checksum[:16]},"
              f" error box {box}")


async def caught_in_the_thread(folder):
    loop = asyncio.get_running_loop()
    heard = loop.create_future()
    def work():                         # on the worker thread
        try:
            outcome = read_inputs(folder), None
        except OSError as e:            # caught here, shown there
            outcome = None, e
        # In a PyGObject app this is GLib.idle_add(...).
        loop.call_soon_threadsafe(heard.set_result, outcome)
    worker = threading.Thread(target=work)
    worker.start()
    show("caught in the thread", *await heard)
    worker.join()                       # it has returned: no wait here


async def with_a_future(pool, folder, how):
    loop = asyncio.get_running_loop()
    heard = loop.create_future()
    future = pool.submit(read_inputs, folder)
    # The done-callback runs on the pool's thread: hand the future over.
    future.add_done_callback(
        lambda f: loop.call_soon_threadsafe(heard.set_result, f))
    f = await heard
    error = f.exception()               # or f.result(), which re-raises it
    show(how, None if error else f.result(), error)


async def main():
    with tempfile.TemporaryDirectory() as folder, ThreadPoolExecutor() as pool:
        for i in range(1, 101):
            with open(os.path.join(folder, f"input-{i:03}.txt"), "w") as f:
                f.write("x" * 4096)
        missing = os.path.join(folder, "input-041.txt")
        os.rename(missing, missing + ".away")
        plain = threading.Thread(target=read_inputs, args=(folder,))
        plain.start()
        plain.join()    # returns as if all went well; stderr got the traceback
        print("plain thread: the loop heard nothing; error box:",
              shown["error"] or "empty")
        await caught_in_the_thread(folder)
        await with_a_future(pool, folder, "Future, failing")
        os.rename(missing + ".away", missing)
        await with_a_future(pool, folder, "Future, all files there")


asyncio.run(main())
