"""The garbage collector, tuned for a process that holds thousands of long-lived sockets.

A full collection scans every tracked object the process holds: with 10,000 fans and Django loaded, one took
0.4–0.5 s (docs/PERFORMANCE.md), a pause every fan feels. So:
- `gc.freeze()` once the application is loaded: Django, the apps, the URL and template machinery live as
  long as the process, and no collection scans them again;
- `freeze_survivors()` every FREEZE_EVERY seconds (the hub runs it): what has survived the young
  collections by then (mostly the sockets of connected fans) is frozen too. A frozen object is still freed
  the moment nothing refers to it, it is only never scanned again; but a reference cycle that was frozen
  is never collected. The server's own socket objects are such cycles (uvicorn's websockets-sansio
  ServerProtocol and its parser generator refer to each other): every fan that left after a freeze left
  ~1 KB behind, 2.4 MB a minute in the soak's churn (found with DIRETTA_MEMORY_PROBE). So every
  THAW_EVERY seconds the frozen objects are thawed, one full collection frees those cycles, and everything
  left is frozen again: one full pause (about 0.1 s at 2,000 fans) every two minutes instead of memory that
  grows for as long as fans come and go;
- young thresholds a little higher than CPython's (2000, 10): fewer collections, each still small.
DIRETTA_GC_LOG=1 logs every collection that paused the process for more than 20 ms (the bench reads it).
DIRETTA_MEMORY_TRACE=<file> (diagnosis only: it slows the process) appends to <file>, every minute, where the
memory allocated since the first minute was allocated, and which object types grew (bench/soak.py --trace).
DIRETTA_MEMORY_PROBE=<file> is the cheap version (bench/soak.py --probe): every minute, the interpreter's
allocated blocks, the frozen objects, and the object types grown, frozen ones included.
"""

import gc
import logging
import os
import sys
import threading
import time
import tracemalloc
from collections import Counter

logger = logging.getLogger("diretta.gc")

THRESHOLDS = (10_000, 10, 100)
FREEZE_EVERY = float(os.environ.get("DIRETTA_GC_FREEZE_EVERY", 30.0))  # 0: never
THAW_EVERY = float(os.environ.get("DIRETTA_GC_THAW_EVERY", 120.0))  # 0: never (frozen cycles are kept)
_last_thaw = time.monotonic()
SLOW_PAUSE = 0.020


def tune_gc() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    if os.environ.get("DIRETTA_GC_LOG"):
        gc.callbacks.append(_timer())
    if path := os.environ.get("DIRETTA_MEMORY_TRACE"):
        threading.Thread(target=_trace_memory, args=(path,), daemon=True).start()
    if path := os.environ.get("DIRETTA_MEMORY_PROBE"):
        threading.Thread(target=_probe_memory, args=(path,), daemon=True).start()


def freeze_survivors() -> None:
    global _last_thaw
    if THAW_EVERY > 0 and time.monotonic() - _last_thaw >= THAW_EVERY:
        _last_thaw = time.monotonic()
        gc.unfreeze()
        gc.collect()  # the cycles of whatever left since the last thaw
    else:
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


def _all_object_types() -> Counter:
    """The types of every tracked object, the frozen ones too (gc.get_objects() leaves those out)."""
    frozen = gc.get_freeze_count()
    gc.unfreeze()
    try:
        return _object_types()
    finally:
        if frozen:
            gc.freeze()


def _probe_memory(path: str, every: float = 60.0, top: int = 20) -> None:
    time.sleep(every)
    base = _all_object_types()
    minute = 1
    while True:
        time.sleep(every)
        minute += 1
        types = _all_object_types()
        grown = (types - base).most_common(top)
        line = (
            f"minute {minute}: blocks {sys.getallocatedblocks()} frozen {gc.get_freeze_count()} "
            f"objects {sum(types.values())} grown: " + ", ".join(f"{name} +{n}" for name, n in grown)
        )
        with open(path, "a") as out:
            out.write(line + "\n")


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
