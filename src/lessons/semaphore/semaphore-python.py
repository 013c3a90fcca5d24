"""At most N at once: twelve jobs, and a semaphore with three slots.

Each job counts itself in when it starts and out when it ends, so the most
that ran at the same time is measured, not taken on trust.
"""
import threading
import time
from concurrent.futures import ThreadPoolExecutor

N_JOBS = 12
LIMIT = 3


class Meter:
    """Counts the jobs running right now, and keeps the highest count."""

    def __init__(self):
        self.lock = threading.Lock()
        self.running = 0
        self.most = 0

    def job(self, number):
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.05 + number % 4 * 0.02)   # stands for a download, say
        with self.lock:
            self.running -= 1


def run(meter, slots):
    def worker(number):
        if slots is None:
            meter.job(number)
        else:
            with slots:           # acquire(): sleeps while no slot is free
                meter.job(number)
            # ...and release() on the way out, even after an exception.

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(N_JOBS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return meter.most


most = run(Meter(), None)
print(f"without a semaphore: {N_JOBS} jobs, at most {most} ran at once")

most = run(Meter(), threading.Semaphore(LIMIT))
print(f"with Semaphore({LIMIT}): {N_JOBS} jobs, at most {most} ran at once")

# A pool gives the same limit with no semaphore: only LIMIT threads exist,
# and the other jobs wait in its queue, not in threads of their own.
meter = Meter()
with ThreadPoolExecutor(max_workers=LIMIT) as pool:
    list(pool.map(meter.job, range(N_JOBS)))
print(f"on ThreadPoolExecutor(max_workers={LIMIT}): {N_JOBS} jobs,"
      f" at most {meter.most} ran at once")

# A BoundedSemaphore also catches a release() with no acquire() before it,
# which a plain Semaphore takes silently, raising the limit for good.
slots = threading.BoundedSemaphore(LIMIT)
most = run(Meter(), slots)
print(f"with BoundedSemaphore({LIMIT}): {N_JOBS} jobs, at most {most} ran at once")
try:
    slots.release()
    print("an extra release(): taken silently")
except ValueError:
    print("an extra release(): ValueError, the bug is caught")
