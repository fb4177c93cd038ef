"""Error reporting to the clerk: a Chinese dialog with the details one click away (复制详情)."""
from __future__ import annotations

import logging
import sys
import threading
import traceback

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import AppError

log = logging.getLogger(__name__)


class ErrorDialog(QDialog):
    def __init__(self, message: str, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("程序出错")
        self.details = details
        layout = QVBoxLayout(self)
        label = QLabel(message)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.details_box = QPlainTextEdit(details)
        self.details_box.setReadOnly(True)
        self.details_box.setVisible(False)
        layout.addWidget(self.details_box)
        buttons = QDialogButtonBox()
        self.toggle_button = buttons.addButton("显示详情", QDialogButtonBox.ActionRole)
        self.copy_button = buttons.addButton("复制详情", QDialogButtonBox.ActionRole)
        close = buttons.addButton("关闭", QDialogButtonBox.AcceptRole)
        self.toggle_button.clicked.connect(self._toggle)
        self.copy_button.clicked.connect(self.copy_details)
        close.clicked.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(520, 200)

    def _toggle(self) -> None:
        self.details_box.setVisible(not self.details_box.isVisible())
        self.toggle_button.setText("隐藏详情" if self.details_box.isVisible() else "显示详情")
        self.adjustSize()

    def copy_details(self) -> None:
        QApplication.clipboard().setText(self.details)
        self.copy_button.setText("已复制")


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """AppError → a plain warning; anything else → logged, with the traceback behind 显示详情."""
    if isinstance(exc, AppError):
        QMessageBox.warning(parent, "无法完成操作", exc.message)
        return
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    log.error("unexpected error\n%s", details)
    message = ("程序遇到了一个意外错误，刚才的操作没有完成，已保存的数据不受影响。\n"
               "如问题反复出现，请点“复制详情”并发给技术支持。\n\n"
               f"错误：{type(exc).__name__}: {exc}")
    ErrorDialog(message, details, parent).exec()


def install_excepthook() -> None:
    """Uncaught exceptions are logged and shown; the app keeps running where it can."""

    def hook(exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        exc = exc if exc is not None else exc_type()
        if exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        app = QApplication.instance()
        if app is None or threading.current_thread() is not threading.main_thread():
            log.error("uncaught error", exc_info=(exc_type, exc, tb))
            if app is not None:  # show it from the GUI thread
                QTimer.singleShot(0, app, lambda: show_error(QApplication.activeWindow(), exc))
            return
        show_error(QApplication.activeWindow(), exc)

    sys.excepthook = hook
    threading.excepthook = lambda args: hook(args.exc_type, args.exc_value, args.exc_traceback)
