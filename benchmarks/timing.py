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


def report(results: list[tuple[str, float, float | None]], part_note: str = "（组成部分，无单独预算）") -> bool:
    """Print (name, median seconds, budget seconds or None) lines with PASS/FAIL; True when one failed."""
    failed = False
    print()
    for name, seconds, budget in results:
        if budget is None:
            print(f"  {name:<28} {seconds * 1000:8.1f} ms   {part_note}")
            continue
        ok = seconds <= budget
        failed |= not ok
        print(f"  {name:<28} {seconds * 1000:8.1f} ms   预算 {budget * 1000:.0f} ms   {'PASS' if ok else 'FAIL'}")
    return failed
