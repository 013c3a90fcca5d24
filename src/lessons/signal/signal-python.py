"""Threads sleep at a gate until told to go. threading.Condition is a lock
and a place to sleep; the state it guards (tickets, is_open) decides who
passes, and notify() only makes the sleepers look at it again."""
import threading
import time

N_THREADS = 4
gate = threading.Condition()  # a lock, and a place to sleep on it
tickets = 0                   # passes for one thread each (guarded by gate)
is_open = False               # may all go? (guarded by gate)
waiting = 0                   # threads asleep at the gate (guarded by gate)
wake_ups = 0                  # times a sleeper woke up (guarded by gate)
passed = []                   # who went through, in order (guarded by gate)


def runner(name):
    global tickets, waiting, wake_ups
    with gate:
        waiting += 1
        # The loop that gate.wait_for(predicate) runs for you, written out
        # to count the wake-ups: a wake-up is only a hint to look again.
        while not (is_open or tickets > 0):
            gate.wait()       # unlocks while asleep, locks again on waking
            wake_ups += 1
        waiting -= 1
        if not is_open:
            tickets -= 1      # used up: whoever looks next finds none
        passed.append(name)


def settle(check):            # waits (5 s at most) until check() holds
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with gate:
            if check():
                return
        time.sleep(0.01)


def release(what, give_ticket, wake_all):
    global tickets, is_open
    with gate:
        woken, through, sleepers = wake_ups, len(passed), waiting
        if give_ticket:       # change the state under the lock...
            tickets += 1
        else:
            is_open = True
        if wake_all:          # ...and wake: Python insists on the lock here
            gate.notify_all()
        else:
            gate.notify()
    settle(lambda: wake_ups - woken >= (sleepers if wake_all else 1))
    time.sleep(0.1)           # time for a wrong extra thread to get through
    with gate:
        names = ", ".join(sorted(passed[through:]))
        print(f"{what}: {wake_ups - woken} woke, {len(passed) - through} passed"
              f" ({names}), {waiting} still waiting")


threads = [threading.Thread(target=runner, args=(f"thread {n + 1}",))
           for n in range(N_THREADS)]
for t in threads:
    t.start()
settle(lambda: waiting == N_THREADS)   # everybody asleep at the closed gate
release("ticket 1, notify()", True, False)
# All three wake, one ticket: the count, not the wake-up, lets one through.
release("ticket 2, notify_all()", True, True)
release("gate open, notify_all()", False, True)

# A latecomer: the notify is long gone, but the flag is remembered.
woken = wake_ups
threads.append(threading.Thread(target=runner, args=("latecomer",)))
threads[-1].start()
for t in threads:
    t.join()
print(f"latecomer after the gate opened: passed with {wake_ups - woken} wake-ups")
print(f"through the gate in the end: {len(passed)} of {len(threads)} threads")
