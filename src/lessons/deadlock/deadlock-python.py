"""Deadlock: two threads take two locks in opposite orders; then the fix.

Each thread holds one lock and waits for the other's. A plain `with
second:` would wait forever, so the second lock has a time limit: a thread
that waited far longer than a transfer takes gives up, lets go of its first
lock, backs off and tries again. With one lock order for everybody, no
deadlock can form.
"""
import threading
import time

WORK = 0.05      # seconds of work while holding the first lock
GIVE_UP = 0.2    # far longer than a transfer takes
RUNS = 3           # a deadlock needs bad timing: it may miss a run
ORDERED_RUNS = 10


class Bank:
    def __init__(self, ordered):
        self.locks = [threading.Lock(), threading.Lock()]
        self.balance = [100, 100]
        self.ordered = ordered
        self.gave_up = 0                    # waits that timed out
        self.done = 0
        self.count_lock = threading.Lock()  # guards gave_up, done
        self.gate = threading.Barrier(2)    # both transfers start together


def try_transfer(bank, source, target):
    first, second = source, target
    if bank.ordered:
        # The fix: lower account first, for everybody. Nobody can hold a
        # higher lock while waiting for a lower one: no cycle can form.
        first, second = sorted((source, target))
    with bank.locks[first]:
        time.sleep(WORK)    # the window in which the other takes its first lock
        if not bank.locks[second].acquire(timeout=GIVE_UP):
            with bank.count_lock:
                bank.gave_up += 1
            return False    # leaving `with` lets go of the first lock
        bank.balance[source] -= 10   # both locks held: nobody sees it halfway
        bank.balance[target] += 10
        bank.locks[second].release()
    return True


def transfer(bank, source, target):
    bank.gate.wait()
    for _ in range(10):
        if try_transfer(bank, source, target):
            with bank.count_lock:
                bank.done += 1
            return
        time.sleep((source + 1) * 2 * WORK)  # different back-offs, or they meet again


def run(ordered):
    bank = Bank(ordered)
    threads = [threading.Thread(target=transfer, args=(bank, 0, 1)),
               threading.Thread(target=transfer, args=(bank, 1, 0))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return bank.gave_up, bank.done, sum(bank.balance)


def report(how, results, started):
    runs = len(results)  # results: (gave_up, done, money) of each run
    gave_up, done, money = (sum(r[i] for r in results) for i in range(3))
    print(f"{how}, {runs} run{'s' if runs > 1 else ''}: deadlocks found {gave_up}, "
          f"transfers done {done} of {2 * runs}, money {money} of {200 * runs}, "
          f"{time.monotonic() - started:.2f} s")


started = time.monotonic()
report("opposite orders", [run(ordered=False) for _ in range(RUNS)], started)
started = time.monotonic()
report("same order", [run(ordered=True) for _ in range(ORDERED_RUNS)], started)
