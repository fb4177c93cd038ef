"""The contract between long-running core work and whoever runs it (GUI worker thread or the CLI).

A job is a plain function taking a `JobControl`; it reports progress and checks for cancellation, and
never touches widgets. Cancellation raises `Cancelled` inside the job, so an open transaction rolls back.
"""
from __future__ import annotations

import threading
from typing import Callable

ProgressCallback = Callable[[float, str], None]


class Cancelled(Exception):
    """The user cancelled; whatever the job had begun was rolled back."""


class JobControl:
    def __init__(self, progress: ProgressCallback | None = None, cancel_event: threading.Event | None = None):
        self._progress = progress
        self.cancel_event = cancel_event or threading.Event()

    def progress(self, fraction: float, message: str = "") -> None:
        self.check_cancelled()
        if self._progress is not None:
            self._progress(max(0.0, min(1.0, fraction)), message)

    def check_cancelled(self) -> None:
        if self.cancel_event.is_set():
            raise Cancelled()

    def cancel(self) -> None:
        self.cancel_event.set()

