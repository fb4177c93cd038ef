"""What every benchmark here measures the same way."""
from __future__ import annotations

import statistics
import time


def timed(fn, runs: int) -> float:
    """Median wall time of `runs` calls after one warm-up call (caches, imports, lazy setup)."""
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)
