"""Running core jobs off the GUI thread with a cancellable progress dialog.

`run_job(parent, title, fn, on_done)`: `fn(control)` runs on a worker thread with its own database
connection, reports through `control.progress(fraction, message)` and stops at `control.check_cancelled()`
(raising Cancelled, which rolls its transaction back). It never touches widgets: its result or error comes
back to `on_done` / `on_error` on the GUI thread.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop_app.core.db import db
from desktop_app.core.jobs import Cancelled, JobControl
from desktop_app.ui.error_dialog import show_error


class _Worker(QObject):
    progressed = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(self, fn: Callable[[JobControl], Any], control: JobControl) -> None:
        super().__init__()
        self.fn = fn
        self.control = control

    def run(self) -> None:
        try:
            if db.database:
                with db.connection_context():
                    result = self.fn(self.control)
            else:
                result = self.fn(self.control)
        except Cancelled:
            self.cancelled.emit()
        except BaseException as exc:  # reported on the GUI thread, never lost
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)


class Job(QObject):
    """Owns the thread, worker and dialog of one background job; kept alive until it finishes."""

    finished = Signal()
    _running: set[Job] = set()

    def __init__(self, parent: QWidget | None, title: str, fn: Callable[[JobControl], Any],
                 on_done: Callable[[Any], None], on_error: Callable[[BaseException], None] | None = None,
                 on_cancel: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.parent_widget = parent
        self.control = JobControl(self._report)
        self.dialog = QProgressDialog(title, "取消", 0, 1000, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModal)
        self.dialog.setMinimumDuration(200)  # quick jobs never flash a dialog
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.control.cancel)
        self.thread = QThread()
        self.worker = _Worker(fn, self.control)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        # bound methods of this GUI-thread object, so Qt queues the calls onto the GUI thread
        self.worker.progressed.connect(self._on_progress)
        self.worker.succeeded.connect(self._on_succeeded)
        self.worker.failed.connect(self._on_failed)
        self.worker.cancelled.connect(self._on_cancelled)
        self._on_done = on_done
        self._on_error = on_error or self._show_error
        self._on_cancel = on_cancel or (lambda: None)

    def start(self) -> Job:
        Job._running.add(self)
        self.dialog.setValue(0)  # starts Qt's minimum-duration clock (it waits 4 s from value -1)
        self.thread.start()
        return self

    @classmethod
    def busy(cls) -> bool:
        return bool(cls._running)

    @classmethod
    def finish_all(cls) -> None:
        """On exit: ask every running job to stop and wait for its thread, so no thread outlives the app."""
        for job in list(cls._running):
            job.control.cancel()
            job.thread.quit()
            job.thread.wait()
            cls._running.discard(job)

    def _report(self, fraction: float, message: str) -> None:  # worker thread: only emit
        self.worker.progressed.emit(fraction, message)

    def _on_progress(self, fraction: float, message: str) -> None:
        self.dialog.setValue(int(fraction * 1000))
        if message:
            self.dialog.setLabelText(message)

    def _show_error(self, exc: BaseException) -> None:
        show_error(self.parent_widget, exc)

    def _on_succeeded(self, result: Any) -> None:
        self._finish(self._on_done, result)

    def _on_failed(self, exc: BaseException) -> None:
        self._finish(self._on_error, exc)

    def _on_cancelled(self) -> None:
        self._finish(self._on_cancel)

    def _finish(self, callback: Callable[..., None], *args: Any) -> None:
        self.dialog.reset()
        self.dialog.close()
        self.thread.quit()
        self.thread.wait()
        Job._running.discard(self)
        try:
            callback(*args)
        finally:
            self.finished.emit()


def run_job(parent: QWidget | None, title: str, fn: Callable[[JobControl], Any],
            on_done: Callable[[Any], None], on_error: Callable[[BaseException], None] | None = None,
            on_cancel: Callable[[], None] | None = None) -> Job:
    return Job(parent, title, fn, on_done, on_error, on_cancel).start()
