"""The garbage collector, tuned for a process that holds thousands of long-lived sockets.

A full collection scans every tracked object the process holds: with 10,000 fans and Django loaded, one took
0.4–0.5 s (docs/PERFORMANCE.md), a pause every fan feels. Two levers:
- `gc.freeze()` once the application is loaded: Django, the apps, the URL and template machinery live as
  long as the process, and no collection scans them again;
- a higher first threshold, so young collections (which also promote survivors toward the full one) run
  less often; cycles are still collected, in fewer and bigger batches.
DIRETTA_GC_LOG=1 logs every collection that paused the process for more than 20 ms (the bench reads it).
"""

import gc
import logging
import os
import time

logger = logging.getLogger("diretta.gc")

THRESHOLDS = (50_000, 20, 10)
SLOW_PAUSE = 0.020


def tune_gc() -> None:
    if os.environ.get("DIRETTA_SWITCH_INTERVAL"):
        import sys

        sys.setswitchinterval(float(os.environ["DIRETTA_SWITCH_INTERVAL"]))
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    if os.environ.get("DIRETTA_GC_LOG"):
        gc.callbacks.append(_timer())


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
