"""The period's ledger (core/training/queries.compute_ledger) for the 培训学时 page and the 工作台 card,
loaded without freezing the window.

The ledger (core/training/ledger.py) is computed each time from attendance. Below BACKGROUND_FROM officers
it is computed at once and `on_done` is called before `load_ledger_then` returns; above, on a worker thread
(ui/worker.py). The last results are kept with the GUI thread's change stamp, as in ui/roster_loader.py,
so switching tabs, periods already seen or pages costs nothing while the database is unchanged.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from desktop_app.core.models import Officer
from desktop_app.core.personnel.roster import change_stamp
from desktop_app.core.training.queries import Ledger, compute_ledger
from desktop_app.ui.roster_loader import BACKGROUND_FROM, NEVER_SHOWN
from desktop_app.ui.worker import Job

log = logging.getLogger(__name__)
KEEP_PERIODS = 4


# What the last loads produced, per period, with the GUI thread's change stamp taken before each load.
_results: dict[tuple[dt.date, dt.date], tuple[tuple, Ledger]] = {}


def cached_ledger(start: dt.date, end: dt.date) -> Ledger | None:
    """The ledger of this period if it is loaded and nothing changed since (GUI thread)."""
    last = _results.get((start, end))
    return last[1] if last is not None and last[0] == (dt.date.today(), *change_stamp()) else None


def load_ledger_then(parent: QWidget | None, start: dt.date, end: dt.date, on_done: Callable[[Ledger], None],
                     quiet: bool = False,
                     on_error: Callable[[BaseException], None] | None = None) -> Job | None:
    """`on_done(ledger)` now (cached, or a small county) or later from a worker thread (returns its Job).
    `quiet`: no progress dialog, errors only logged (the 工作台's figures)."""
    stamp = (dt.date.today(), *change_stamp())
    key = (start, end)
    last = _results.get(key)
    if last is not None and last[0] == stamp:
        on_done(last[1])
        return None

    def done(ledger: Ledger) -> None:
        for old in [k for k, (s, _) in _results.items() if s != stamp]:
            del _results[old]
        _results[key] = (stamp, ledger)
        while len(_results) > KEEP_PERIODS:
            del _results[next(iter(_results))]
        on_done(ledger)

    if Officer.select().count() < BACKGROUND_FROM:
        done(compute_ledger(start, end))
        return None
    if quiet and on_error is None:
        def on_error(exc: BaseException) -> None:
            log.warning("computing the training ledger failed: %s", exc)

    job = Job(parent, "正在统计培训学时…", lambda control: compute_ledger(start, end), done, on_error)
    if quiet:
        job.dialog.setMinimumDuration(NEVER_SHOWN)
    return job.start()


def forget() -> None:
    """Drop what was loaded (another database was opened or restored)."""
    _results.clear()
