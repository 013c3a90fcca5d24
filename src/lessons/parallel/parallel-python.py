"""One CPU-bound job in one thread, then split over threads, then over
processes. Under the GIL one thread at a time runs Python code: threads do
not speed it up, processes (a GIL each) do, up to the number of cores. A
free-threaded CPython (3.13t and later, PEP 703) runs threads in parallel."""
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

STEPS = 6_000_000          # the whole job, in steps of pure Python
ROUNDS = 3                 # the best of a few rounds: the machine is busy


def work(part, parts):
    """A share of the job, in pure Python: its answer and its thread's CPU time."""
    cpu = time.thread_time()
    total = 0
    for i in range(part, STEPS, parts):
        total += i * i % 7
    return total, time.thread_time() - cpu


def busy_seconds():
    """Processor time every program on the machine has used, from /proc/stat."""
    with open("/proc/stat") as f:
        t = [int(x) for x in f.readline().split()[1:9]]    # the "cpu" line
    return (sum(t) - t[3] - t[4]) / os.sysconf("SC_CLK_TCK")


def split(pool, parts):
    shares = list(pool.map(work, range(parts), [parts] * parts))
    return sum(t for t, _ in shares), sum(cpu for _, cpu in shares)


def measure(ways):
    """Each way's best round: its wall time and processor time. The ways
    take turns, so a busy moment of the machine hits them all alike."""
    best, answers, ours = [(float("inf"), 0)] * len(ways), set(), 0
    start, busy = time.perf_counter(), busy_seconds()
    for _ in range(ROUNDS):
        for n, run in enumerate(ways):
            begun = time.perf_counter()
            answer, cpu = run()
            best[n] = min(best[n], (time.perf_counter() - begun, cpu))
            answers.add(answer)
            ours += cpu
    # Cores that other programs kept busy meanwhile: they slow every way.
    others = (busy_seconds() - busy - ours) / (time.perf_counter() - start)
    return best, answers, max(0, others)


def main():
    cpus = len(os.sched_getaffinity(0))
    parts = min(cpus, 8)
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    print(f"{cpus} processors; the GIL is {'on' if gil else 'off'}")
    # A GUI process has threads, and fork() copies the process with locks
    # those threads held and nobody will release: the child can hang.
    # "spawn" (or "forkserver") starts fresh interpreters instead; they
    # import this file, which is why main() runs under the __name__ test.
    spawn = multiprocessing.get_context("spawn")
    with ThreadPoolExecutor(parts) as thread_pool, \
            ProcessPoolExecutor(parts, mp_context=spawn) as process_pool:
        split(process_pool, parts)       # start the interpreters first
        times, answers, others = measure([lambda: work(0, 1),
                                          lambda: split(thread_pool, parts),
                                          lambda: split(process_pool, parts)])
    print(f"same answer each way: {len(answers) == 1}; "
          f"other programs kept {others:.1f} cores busy meanwhile")
    alone = times[0][0]
    for name, (seconds, cpu) in zip(["1 thread", f"{parts} threads",
                                     f"{parts} processes"], times):
        print(f"{name}: {seconds * 1000:.0f} ms, speed-up {alone / seconds:.2f}x,"
              f" {cpu / seconds:.2f} cores busy on average")


if __name__ == "__main__":
    main()
