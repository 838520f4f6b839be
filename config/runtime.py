"""The garbage collector, tuned for a process that holds thousands of long-lived sockets.

A full collection scans every tracked object the process holds: with 10,000 fans and Django loaded, one took
0.4–0.5 s (docs/PERFORMANCE.md), a pause every fan feels. So:
- `gc.freeze()` once the application is loaded: Django, the apps, the URL and template machinery live as
  long as the process, and no collection scans them again;
- `freeze_survivors()` every FREEZE_EVERY seconds (the hub runs it): what has survived the young
  collections by then (mostly the sockets of connected fans) is frozen too. A frozen object is still freed
  the moment nothing refers to it (a fan's socket objects are freed by reference counting when it leaves:
  measured, no cycles left behind), it is only never scanned again. What it costs: a reference cycle that
  reached the oldest generation before a freeze is kept; the soak measures that this stays flat;
- young thresholds a little higher than CPython's (2000, 10): fewer collections, each still small.
DIRETTA_GC_LOG=1 logs every collection that paused the process for more than 20 ms (the bench reads it).
DIRETTA_MEMORY_TRACE=<file> (diagnosis only: it slows the process) appends to <file>, every minute, where the
memory allocated since the first minute was allocated, and which object types grew (bench/soak.py --trace).
"""

import gc
import logging
import os
import threading
import time
import tracemalloc
from collections import Counter

logger = logging.getLogger("diretta.gc")

THRESHOLDS = (10_000, 10, 100)
FREEZE_EVERY = float(os.environ.get("DIRETTA_GC_FREEZE_EVERY", 30.0))  # 0: never
SLOW_PAUSE = 0.020


def tune_gc() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    if os.environ.get("DIRETTA_GC_LOG"):
        gc.callbacks.append(_timer())
    if path := os.environ.get("DIRETTA_MEMORY_TRACE"):
        threading.Thread(target=_trace_memory, args=(path,), daemon=True).start()


def freeze_survivors() -> None:
    gc.collect(1)  # the young generations: garbage there is collected first, cheaply
    gc.freeze()


def _timer():
    started = {}

    def callback(phase, info):
        if phase == "start":
            started["t"] = time.perf_counter()
            return
        pause = time.perf_counter() - started.pop("t", time.perf_counter())
        if pause > SLOW_PAUSE:
            logger.warning(
                "gc pause %.1f ms (generation %d, %d collected)",
                pause * 1000,
                info["generation"],
                info["collected"],
            )

    return callback


def _object_types() -> Counter:
    return Counter(type(o).__qualname__ for o in gc.get_objects())


def _trace_memory(path: str, every: float = 60.0, top: int = 25) -> None:
    tracemalloc.start(12)
    time.sleep(every)
    base, base_types = tracemalloc.take_snapshot(), _object_types()
    minute = 1
    while True:
        time.sleep(every)
        minute += 1
        snapshot, types = tracemalloc.take_snapshot(), _object_types()
        lines = [f"== minute {minute}: traced {tracemalloc.get_traced_memory()[0] / 1e6:.1f} MB"]
        for stat in snapshot.compare_to(base, "traceback")[:top]:
            lines.append(f"{stat.size_diff / 1024:+.0f} KiB in {stat.count_diff:+d} blocks")
            lines.extend("    " + line for line in stat.traceback.format(limit=12))
        grown = (types - base_types).most_common(top)
        lines.append("object types grown: " + ", ".join(f"{name} +{n}" for name, n in grown))
        with open(path, "a") as out:
            out.write("\n".join(lines) + "\n")
