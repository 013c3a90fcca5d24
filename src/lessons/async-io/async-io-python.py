"""A big file read three ways while a heartbeat measures how late the main
loop gets (asyncio's stands in for the GUI's); then a race on one thread."""
import asyncio
import contextlib
import hashlib
import tempfile
import threading
import time

PIECE = 1 << 20                               # read 1 MiB at a time
late = [0.0]                                  # the loop's longest wait, ms


def heartbeat(loop, due):                     # a beat every 10 ms
    now = time.perf_counter()
    late[0] = max(late[0], (now - due) * 1000)
    loop.call_later(0.01, heartbeat, loop, now + 0.01)


def sha256_of(path):                          # for a worker, never the loop
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while piece := f.read(PIECE):         # blocks until the bytes are in
            h.update(piece)
        return f.tell(), h.hexdigest()


async def blocking(path):                     # the wrong way: the loop waits
    return sha256_of(path)


async def with_await(path):
    # asyncio has no asynchronous file reads: each runs on its executor.
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while piece := await asyncio.to_thread(f.read, PIECE):
            h.update(piece)                   # on the loop, between awaits
        return f.tell(), h.hexdigest()


async def on_a_worker(path):
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    # The worker's last word; in PyGObject it would be GLib.idle_add().
    worker = threading.Thread(target=lambda: loop.call_soon_threadsafe(
        done.set_result, sha256_of(path)))
    worker.start()
    answer = await done
    worker.join()                             # it has finished: no wait
    return answer


async def withdraw(account, lock):
    async with lock:
        if account["balance"] >= 100:         # check
            await asyncio.sleep(0)            # say, ask a server: others run
            account["balance"] -= 100         # act


async def main():
    heartbeat(asyncio.get_running_loop(), time.perf_counter())
    with tempfile.NamedTemporaryFile(buffering=0) as f:   # removed at close
        f.writelines([bytes(range(256)) * (PIECE // 256)] * 256)   # 256 MiB
        for way in (blocking, with_await, on_a_worker):
            await asyncio.sleep(0.03)         # a beat or two, then time
            late[0] = 0.0                     # this way alone
            size, digest = await way(f.name)
            await asyncio.sleep(0.03)         # (and its late beat)
            print(f"{way.__name__}: {size} bytes, sha256 {digest}, "
                  f"main loop's longest wait {late[0]:.0f} ms")
    # One thread, and still a race: both check before either acts.
    for lock in (contextlib.nullcontext(), asyncio.Lock()):
        account = {"balance": 100}
        await asyncio.gather(withdraw(account, lock), withdraw(account, lock))
        print(f"100 taken twice from 100 with {type(lock).__name__}: {account['balance']} left")


asyncio.run(main())
