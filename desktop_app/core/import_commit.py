"""Writing a checked import (the roster's, the training import's) to the database: refused while rows have
errors (unless the clerk chose to skip them), then a safety backup and one transaction, written in
batches with progress. Cancelled (control.check_cancelled) rolls the transaction back."""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from typing import TypeVar

import peewee

from desktop_app.core.db import db
from desktop_app.core.errors import AppError
from desktop_app.core.jobs import JobControl

S = TypeVar("S")
T = TypeVar("T")


def checked_counts(preview, skip_invalid: bool, not_checked: str, error: str = "错误") -> dict[str, int]:
    """The preview's counts by outcome; AppError when it was not validated (`not_checked`) or has rows
    with errors (outcome `error`) that are not to be skipped."""
    if preview.results is None:
        raise AppError(not_checked)
    counts = preview.counts()
    if counts[error] and not skip_invalid:
        raise AppError(f"有 {counts[error]} 行存在错误，请修改后再导入，或选择跳过有错误的行。")
    return counts


def commit_after_backup(summary: S, has_work: bool, remember: Callable[[], object], write: Callable[[], object],
                        backup_reason: str, changed: str, control: JobControl) -> S:
    """With nothing to write only `remember` the confirmed mapping (no backup, no audit entry); else back
    up the database (`backup_reason`) and `write` in one transaction. An integrity error means the database
    changed after the check: AppError `changed`. The summary gets the backup's path and is returned."""
    control.check_cancelled()
    if not has_work:
        with db.atomic():
            remember()  # the clerk confirmed it; the next file of this layout reuses it
        return summary
    from desktop_app.core.session import backup_open_database

    summary.backup = backup_open_database(backup_reason)
    try:
        with db.atomic():
            write()
    except (sqlite3.IntegrityError, peewee.IntegrityError):  # the database changed after the check
        raise AppError(changed) from None
    control.progress(1.0, summary.message())
    return summary


def batches(rows: list[T], control: JobControl, start: float, span: float, message: str, size: int
            ) -> Iterator[list[T]]:
    """`rows` in slices of `size`, reporting progress from `start` over `span` before each."""
    for offset in range(0, len(rows), size):
        control.progress(start + span * offset / max(len(rows), 1), message)
        yield rows[offset:offset + size]
