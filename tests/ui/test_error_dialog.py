"""Errors as the clerk meets them: a plain warning for expected ones, details one click away for the rest."""
from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.core.errors import DatabaseLocked, ValidationError
from desktop_app.ui.error_dialog import ErrorDialog, install_excepthook, show_error

TRACEBACK = 'Traceback (most recent call last):\n  File "x.py", line 1, in <module>\nKeyError: \'单位\'\n'


def make_traceback() -> BaseException:
    try:
        {}["单位"]
    except KeyError as exc:
        return exc
    raise AssertionError("unreachable")


def test_copy_details_puts_traceback_on_clipboard(qtbot):
    QApplication.clipboard().clear()
    dialog = ErrorDialog("程序遇到了一个意外错误。", TRACEBACK)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.details_box.isVisible()
    qtbot.mouseClick(dialog.copy_button, Qt.LeftButton)
    assert QApplication.clipboard().text() == TRACEBACK
    assert dialog.copy_button.text() == "已复制"


def test_show_details_toggles(qtbot):
    dialog = ErrorDialog("出错了", TRACEBACK)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.toggle_button, Qt.LeftButton)
    assert dialog.details_box.isVisible()
    assert dialog.details_box.toPlainText() == TRACEBACK
    assert dialog.toggle_button.text() == "隐藏详情"
    qtbot.mouseClick(dialog.toggle_button, Qt.LeftButton)
    assert not dialog.details_box.isVisible()
    assert dialog.toggle_button.text() == "显示详情"


@pytest.mark.parametrize("exc", [ValidationError("统一社会信用代码应为 18 位。", "credit_code"),
                                 DatabaseLocked("数据库已被另一个窗口打开。")])
def test_app_error_is_a_plain_warning(qtbot, monkeypatch, message_boxes, exc):
    monkeypatch.setattr(ErrorDialog, "exec", lambda self: pytest.fail("AppError shown with a traceback"))
    show_error(None, exc)
    assert message_boxes.calls == [("warning", "无法完成操作", exc.message)]


def test_unexpected_error_shows_error_dialog_with_traceback(qtbot, monkeypatch, message_boxes):
    shown = []
    monkeypatch.setattr(ErrorDialog, "exec", lambda self: shown.append(self) or 0)
    show_error(None, make_traceback())
    assert message_boxes.calls == []
    (dialog,) = shown
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "程序出错"
    assert "KeyError" in dialog.details and "make_traceback" in dialog.details
    qtbot.mouseClick(dialog.copy_button, Qt.LeftButton)
    assert QApplication.clipboard().text() == dialog.details


def test_excepthook_routes_uncaught_errors_to_show_error(qtbot, monkeypatch, message_boxes):
    import threading

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    install_excepthook()
    exc = ValidationError("名称不能为空。")
    sys.excepthook(type(exc), exc, None)
    assert message_boxes.texts("warning") == ["名称不能为空。"]


def test_error_in_a_plain_thread_is_shown_on_the_gui_thread(qtbot, monkeypatch, message_boxes):
    import threading

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    install_excepthook()
    shown_on = []
    real_warning = QMessageBox.warning

    def warning(parent, title, text, *args):
        shown_on.append(threading.current_thread() is threading.main_thread())
        return real_warning(parent, title, text, *args)

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))

    def fail():
        raise ValidationError("后台读取失败。")

    thread = threading.Thread(target=fail)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bool(message_boxes.calls), timeout=5000)
    assert message_boxes.texts("warning") == ["后台读取失败。"]
    assert shown_on == [True]
