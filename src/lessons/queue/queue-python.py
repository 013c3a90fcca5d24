"""Producer and consumer: a bounded queue, back-pressure and a sentinel.

queue.Queue(maxsize) makes put() wait while the queue is full, so a fast
producer slows down to the consumer's pace instead of filling the memory.
The producer puts a sentinel (None) in last; the consumer uses every item
before it, then stops. Two runs: one to the end, one stopped early.
"""
import queue
import threading
import time

CAPACITY = 5


def producer(items, n_items, stop, figures):
    for number in range(n_items):
        if stop.is_set():
            break
        item = f"item {number}"      # making an item is quick
        try:
            items.put_nowait(item)
        except queue.Full:           # full: back-pressure, wait for space
            figures["waits"] += 1
            items.put(item)
        figures["produced"] += 1
        figures["deepest"] = max(figures["deepest"], items.qsize())
    figures["left in queue"] = items.qsize()   # the consumer still uses them
    items.put(None)                  # the sentinel waits behind every item


def consumer(items, figures):
    while (item := items.get()) is not None:
        time.sleep(0.002)            # using the item is slower than making it
        figures["consumed"] += 1     # only this thread writes these
        figures["last"] = item


def run(name, n_items, stop_after):
    items = queue.Queue(maxsize=CAPACITY)
    stop = threading.Event()
    made = {"produced": 0, "waits": 0, "deepest": 0, "left in queue": 0}
    used = {"consumed": 0, "last": None}
    threads = [threading.Thread(target=producer, args=(items, n_items, stop, made)),
               threading.Thread(target=consumer, args=(items, used))]
    for t in threads:
        t.start()
    if stop_after:
        time.sleep(stop_after)
        stop.set()                   # Stop: no more items, the sentinel now
    for t in threads:                # both end by themselves: join them
        t.join()
    print(f"{name}: produced {made['produced']}, consumed {used['consumed']},"
          f" the last one used: {used['last']}")
    print(f"{name}: deepest {made['deepest']} of {CAPACITY}, producer found"
          f" it full {made['waits']} times, {made['left in queue']} items still"
          f" queued when it stopped making them")


run("to the end", 200, None)
run("stopped early", 100000, 0.2)
