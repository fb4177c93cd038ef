"""Loading the roster for the 执法人员 page and the 工作台 card without freezing the window.

`load_roster` takes about 12–15 ms per 1,000 officers (0.25–0.3 s at 20,000 on the reference machine).
Below BACKGROUND_FROM officers it runs at once and `on_done` is called before `load_roster_then`
returns; above, it runs on a worker thread (ui/worker.py) and `on_done` comes later on the GUI thread.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from desktop_app.core.gc_pause import building_rows
from desktop_app.core.models import Officer
from desktop_app.core.personnel.roster import RosterCache, RosterRow, change_stamp
from desktop_app.ui.worker import Job

log = logging.getLogger(__name__)
BACKGROUND_FROM = 5000  # ≈ 0.07 s loaded in place; more goes to a worker thread
NEVER_SHOWN = 2**31 - 1


_cache = RosterCache()
_cache_lock = threading.Lock()
# What the last loads produced, by `then`, with the GUI thread's change stamp taken before each load: a
# worker thread has its own connection, so only the GUI thread's stamp can say “nothing changed since”.
_results: dict[Any, tuple[tuple, Any]] = {}


def list_rows(stamp: tuple | None = None) -> list[RosterRow]:
    """What the list and the dashboard show (the detail pane reads birth date, phone … per officer).
    Shared and kept while the database is unchanged, so the dashboard and the page load it once: on a
    worker thread, with the GUI thread's `stamp` (today, *change_stamp()) taken before the job started."""
    with _cache_lock:
        return _cache.rows(stamp[0] if stamp else None, stamp)


def load_roster_then(parent: QWidget | None, on_done: Callable[[Any], None], quiet: bool = False,
                     then: Callable[[list[RosterRow]], Any] | None = None) -> Job | None:
    """`on_done(rows)`, or `on_done(then(rows))`: `then` runs where the load runs (worker-safe work only).
    `quiet`: no progress dialog and errors only logged (the dashboard's figures). Nothing changed since
    the last load with the same `then` → its result at once, without a thread."""
    stamp = (dt.date.today(), *change_stamp())
    last = _results.get(then)
    if last is not None and last[0] == stamp:
        on_done(last[1])
        return None

    def work(control=None) -> Any:
        with building_rows():  # the rows and what `then` builds from them: one pause, one promotion
            rows = list_rows(stamp)
            return then(rows) if then is not None else rows

    def done(result: Any) -> None:
        _results[then] = (stamp, result)
        on_done(result)

    if Officer.select().count() < BACKGROUND_FROM:
        done(work())
        return None
    on_error = (lambda exc: log.warning("loading the roster failed: %s", exc)) if quiet else None
    job = Job(parent, "正在加载执法人员名册…", work, done, on_error)
    if quiet:
        job.dialog.setMinimumDuration(NEVER_SHOWN)
    return job.start()


def forget() -> None:
    """Drop what was loaded (another database was opened or restored)."""
    _results.clear()
    with _cache_lock:
        _cache.clear()
