"""What every benchmark here measures the same way."""
from __future__ import annotations

import statistics
import time


def samples(fn, runs: int) -> list[float]:
    """Wall times of `runs` calls after one warm-up call (caches, imports, lazy setup)."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def timed(fn, runs: int) -> float:
    """Median wall time of `runs` calls after one warm-up call (caches, imports, lazy setup)."""
    return statistics.median(samples(fn, runs))
