"""Pause Python's cyclic garbage collector while a job builds many objects.

Tens of thousands of rows, tuples or XML elements trigger collections that free nothing: 80 ms while the
roster of 20,000 officers is built, about a third of an annual report's time. The pause is process-wide;
only the outermost pause lifts it (a nested or concurrent pause in another thread never re-enables early
enough to matter, and never leaves the collector off).

- `paused_gc`: for work whose objects mostly die with it (a report, an import);
- `building_rows`: for rows that stay (the roster, the page's prepared cells): afterwards the new objects
  go straight to the oldest generation, so the first young collection does not walk them all either
  (another ~70 ms at 20,000 officers).
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def building_rows() -> Iterator[None]:
    outermost = gc.isenabled()
    with paused_gc():
        try:
            yield
        finally:
            if outermost and gc.get_freeze_count() == 0:  # if something else froze objects, leave them be
                gc.freeze()  # every tracked object → the permanent generation (a list splice, O(1)) …
                gc.unfreeze()  # … → the oldest generation: collected by full collections from now on
