"""A chart on a page: a titled box showing a core/charts.py Figure, built and drawn off the GUI thread.

`set_chart(make)` gives the box a worker-safe `make(width, height)` that builds the Figure at that size in
inches; the drawing thread builds it and renders it to PNG at the box's size and the screen's pixel ratio,
and the box shows the picture. Resizing draws it again after a short pause; a box that is not visible waits
until it is shown. matplotlib is imported by the drawing thread only (start-up time: shared/tech.md §5e,
about 0.8 s).

One drawing thread for all boxes, so charts are drawn one at a time (matplotlib's rcParams are process-wide).
It is not a ui/worker.Job: a drawing needs no database connection and must not make `Job.busy()` hold up a
restore or an import; it ends by itself within a second, and Python waits for it at exit.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QGroupBox, QLabel, QSizePolicy, QVBoxLayout, QWidget
from shiboken6 import isValid

log = logging.getLogger(__name__)

CHART_DPI = 84  # screen pixels per figure inch: 10 pt chart text ≈ the 9 pt of the window's own text
RESIZE_PAUSE_MS = 150
EMPTY, LOADING, CHART, FAILED = "empty", "loading", "chart", "failed"

# a white panel like the dashboard's cards (#card in resources/style.qss), its title inside at the top
STYLE = ("QGroupBox#chartBox { background: white; border: 1px solid #dde2e8; border-radius: 6px; margin-top: 0;"
         " font-size: 12pt; font-weight: bold; }"
         "QGroupBox#chartBox::title { subcontrol-origin: padding; subcontrol-position: top left;"
         " padding: 8px 9px 0 9px; color: #1f3a5f; }"
         "QLabel#chartImage { font-size: 10pt; font-weight: normal; }")
TITLE_SPACE = 34  # pixels above the picture for the title

FigureMaker = Callable[[float, float], Any]


class _Relay(QObject):
    """Lives on the GUI thread: runs there what the drawing thread hands back."""

    delivered = Signal(object)  # a callable without arguments

    def __init__(self) -> None:
        super().__init__()
        self.delivered.connect(self._run, Qt.QueuedConnection)

    def _run(self, call: Callable[[], None]) -> None:
        call()


_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_relay: _Relay | None = None


def _start(work: Callable[[], bytes], on_done: Callable[[bytes], None],
           on_error: Callable[[BaseException], None]) -> Future:
    """Called on the GUI thread: `work()` on the drawing thread, then `on_done(result)` or `on_error(exc)`
    back on the GUI thread."""
    global _executor, _relay
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chart")
            _relay = _Relay()
    relay = _relay

    def run() -> None:
        try:
            call = partial(on_done, work())
        except BaseException as exc:  # noqa: BLE001 (reported on the GUI thread, never lost)
            call = partial(on_error, exc)
        try:
            relay.delivered.emit(call)
        except RuntimeError:  # the application is gone (exit): nobody to show it to
            pass

    return _executor.submit(run)


def _draw(make: FigureMaker, width: float, height: float, dpi: float) -> bytes:
    """Drawing thread: the figure of `width` × `height` inches as PNG bytes at `dpi`."""
    from desktop_app.core import charts

    return charts.figure_png(make(width, height), dpi=dpi)


class ChartView(QGroupBox):
    """`state`: EMPTY (the empty-state text), LOADING, CHART (a picture shown) or FAILED."""

    drawn = Signal()  # a picture is shown (tests wait for it)

    def __init__(self, title: str, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setObjectName("chartBox")
        self.empty_text = empty_text
        self.image = QLabel()
        self.image.setObjectName("chartImage")
        self.image.setAlignment(Qt.AlignCenter)
        self.image.setWordWrap(True)
        self.image.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Ignored)  # the picture follows the box
        self.setStyleSheet(STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, TITLE_SPACE, 6, 6)
        layout.addWidget(self.image)
        self.state = EMPTY
        self._make: FigureMaker | None = None
        self._key: object = None
        self._generation = 0  # bumped by every new content; older drawings are dropped
        self._stale = False
        self._drawn_size = QSize()
        self._picture = QPixmap()  # as drawn, for the interim scaled copy while a resize is redrawn
        self._drawing: Future | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._draw)
        self.show_empty()

    # --- content --------------------------------------------------------------------------------------

    def show_empty(self, text: str | None = None) -> None:
        """No data: the explanation instead of a chart."""
        self._make = None
        self._key = None
        self._generation += 1
        self._stale = False
        self._timer.stop()
        self._set_text(text or self.empty_text, EMPTY)

    def show_loading(self) -> None:
        """The figures are being counted; a chart already shown stays until the new one is drawn."""
        if self.state != CHART:
            self._set_text("正在统计…", LOADING)

    def set_chart(self, make: FigureMaker, key: object = None) -> None:
        """Show the figure `make(width, height)` builds (called on the drawing thread: no widgets, no
        database). `key`: what the figure shows (hashable data); the same key as the chart shown or being
        drawn keeps it (a refresh after another table's change draws nothing)."""
        if key is not None and key == self._key and self._make is not None and self.state != FAILED:
            return
        self._key = key
        self._make = make
        self._generation += 1
        self._stale = True
        if self.state != CHART:
            self._set_text("正在绘制图表…", LOADING)
        self._schedule(0)

    def has_picture(self) -> bool:
        pixmap = self.image.pixmap()
        return self.state == CHART and pixmap is not None and not pixmap.isNull()

    def busy(self) -> bool:
        """A drawing is under way or due (the data or the size changed)."""
        return self._drawing is not None or self._timer.isActive() or (self._make is not None and self._stale)

    def _set_text(self, text: str, state: str) -> None:
        self.state = state
        self._picture = QPixmap()
        self.image.setPixmap(QPixmap())
        self.image.setText(f"<span style='color:#888'>{text}</span>")

    # --- drawing --------------------------------------------------------------------------------------

    def _schedule(self, delay: int) -> None:
        if self.isVisible():
            self._timer.start(delay)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._schedule(0)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._make is not None and self.image.size() != self._drawn_size:
            self._stale = True
            self._schedule(RESIZE_PAUSE_MS)
            if self.state == CHART and not self._picture.isNull():  # meanwhile the old one, scaled to fit
                ratio = self._picture.devicePixelRatio()
                scaled = self._picture.scaled(self.image.size() * ratio, Qt.KeepAspectRatio,
                                              Qt.SmoothTransformation)
                scaled.setDevicePixelRatio(ratio)
                self.image.setPixmap(scaled)

    def _draw(self) -> None:
        if self._make is None or not self._stale or not self.isVisible():
            return
        if self._drawing is not None:
            return  # drawn again when the running one ends
        size = self.image.size()
        if size.width() < 80 or size.height() < 60:
            return  # not laid out yet
        self._stale = False
        ratio = self.devicePixelRatioF()
        make, generation = self._make, self._generation
        width, height = size.width() / CHART_DPI, size.height() / CHART_DPI
        self._drawing = _start(lambda: _draw(make, width, height, CHART_DPI * ratio),
                               lambda png: self._show_png(png, generation, size, ratio),
                               lambda exc: self._failed(exc, generation))

    def _show_png(self, png: bytes, generation: int, size: QSize, ratio: float) -> None:
        if not isValid(self):
            return  # the window was closed meanwhile
        self._drawing = None
        if generation == self._generation:  # else the data changed while it was drawn: a newer one is due
            pixmap = QPixmap()
            if pixmap.loadFromData(png, "PNG"):
                pixmap.setDevicePixelRatio(ratio)
                self.state = CHART
                self._picture = pixmap
                self.image.setText("")
                self.image.setPixmap(pixmap)
                self._drawn_size = size
                self.drawn.emit()
            else:
                self._failed(ValueError("the PNG could not be read"), generation)
        if self._stale:
            self._schedule(0)

    def _failed(self, exc: BaseException, generation: int) -> None:
        log.warning("drawing a chart failed: %s", exc, exc_info=exc)
        if not isValid(self):
            return
        self._drawing = None
        if generation == self._generation:
            self._set_text("图表未能绘制，详情已记入日志。", FAILED)
        if self._stale:
            self._schedule(0)
