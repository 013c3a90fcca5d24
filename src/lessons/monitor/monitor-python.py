"""A sampler thread reads /proc/stat and /proc/meminfo every 200 ms and
hands each snapshot to the main loop (asyncio's stands in for the GUI's),
which prints it; then the main loop stops the sampler at once and joins it."""
import asyncio
import queue
import threading
import time

INTERVAL = 0.2                 # seconds between samples
SAMPLES = 6


def cpu_ticks():
    """Each CPU's (busy, total) clock ticks since boot, from /proc/stat."""
    ticks = {}
    with open("/proc/stat") as f:
        for line in f:
            name, *fields = line.split()
            if name.startswith("cpu") and name != "cpu":   # one per CPU
                # user nice system idle iowait irq softirq steal
                t = [int(field) for field in fields[:8]]
                ticks[name] = (sum(t) - t[3] - t[4], sum(t))
    return ticks


def memory_mib():
    """(used, total) memory in MiB, from /proc/meminfo."""
    with open("/proc/meminfo") as f:
        kib = {line.split(":")[0]: int(line.split()[1]) for line in f}
    return (kib["MemTotal"] - kib["MemAvailable"]) // 1024, kib["MemTotal"] // 1024


def sampler(loop, snapshots, pending, stop, deliver):
    previous = cpu_ticks()         # a use needs two samples: this is the first
    while not stop.wait(INTERVAL):  # sleeps, but wakes at once on stop.set()
        now = cpu_ticks()
        usage = {cpu: 100 * (now[cpu][0] - previous[cpu][0])
                 / max(1, now[cpu][1] - previous[cpu][1]) for cpu in now}
        snapshots.put((usage, memory_mib()))   # the main loop's from now on
        previous = now
        if not pending.is_set():   # one delivery at most waits on the loop
            pending.set()
            loop.call_soon_threadsafe(deliver)  # in PyGObject: GLib.idle_add


async def main():
    loop = asyncio.get_running_loop()
    snapshots, pending, stop = queue.Queue(), threading.Event(), threading.Event()
    enough, shown = asyncio.Event(), []

    def deliver():                 # on the main loop: every snapshot, in order
        pending.clear()            # first: a later snapshot asks again
        while not snapshots.empty():
            usage, (used, total) = snapshots.get()
            shown.append(usage)
            cores = ", ".join(f"{cpu} {pct:.0f} %" for cpu, pct in usage.items())
            print(f"snapshot {len(shown)}: {cores}; memory {used} of {total} MiB in use")
        if len(shown) >= SAMPLES:
            enough.set()

    thread = threading.Thread(target=sampler, name="sampler",
                              args=(loop, snapshots, pending, stop, deliver))
    thread.start()
    await enough.wait()
    await asyncio.sleep(INTERVAL / 4)   # the sampler is asleep: stop it now
    start = time.perf_counter()
    stop.set()
    thread.join()
    print(f"stopped and joined the sampler in {(time.perf_counter() - start) * 1000:.1f} ms"
          f" (it sleeps {INTERVAL * 1000:.0f} ms between samples)")
    uses = [pct for usage in shown for pct in usage.values()]
    print(f"{len(shown)} snapshots; each CPU's use between {min(uses):.0f} "
          f"and {max(uses):.0f} %")


asyncio.run(main())
