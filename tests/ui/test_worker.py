"""Background jobs: work runs off the GUI thread, results and errors come back on it, cancel rolls back."""
from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtWidgets import QPushButton

from desktop_app.core.errors import ValidationError
from desktop_app.core.models import Unit
from desktop_app.core.session import open_session
from desktop_app.ui.error_dialog import ErrorDialog
from desktop_app.ui.worker import Job, run_job

GUI_THREAD = threading.main_thread().ident


@pytest.fixture
def ui_session(tmp_path):
    session = open_session(tmp_path / "worker.sqlite")
    yield session
    for job in list(Job._running):  # a failed test must not leave a thread to crash the interpreter
        job.control.cancel()
        job.thread.quit()
        job.thread.wait(10000)
    session.close()


@pytest.fixture
def calls():
    """What each callback received and on which thread."""
    return {"done": [], "error": [], "cancel": [], "threads": {}}


def callbacks(calls):
    def on_done(result):
        calls["done"].append(result)
        calls["threads"]["done"] = threading.get_ident()

    def on_error(exc):
        calls["error"].append(exc)
        calls["threads"]["error"] = threading.get_ident()

    def on_cancel():
        calls["cancel"].append(True)
        calls["threads"]["cancel"] = threading.get_ident()

    return {"on_done": on_done, "on_error": on_error, "on_cancel": on_cancel}


def finished(job: Job):
    return lambda: job not in Job._running


def test_job_runs_off_gui_thread_and_reports_back_on_it(qtbot, ui_session, calls):
    def work(control):
        calls["threads"]["work"] = threading.get_ident()
        control.progress(0.5, "处理到一半")
        return Unit.select().count() + 41

    job = run_job(None, "测试任务", work, **callbacks(calls))
    qtbot.waitUntil(lambda: bool(calls["done"]), timeout=5000)
    assert calls["done"] == [41]
    assert calls["threads"]["work"] != GUI_THREAD
    assert calls["threads"]["done"] == GUI_THREAD
    assert calls["error"] == calls["cancel"] == []
    assert job.dialog.labelText() == "处理到一半"
    qtbot.waitUntil(finished(job), timeout=5000)
    assert job.thread.isFinished()


def test_app_error_goes_to_on_error(qtbot, ui_session, calls):
    def work(control):
        raise ValidationError("名单第 3 行有错误。")

    job = run_job(None, "测试任务", work, **callbacks(calls))
    qtbot.waitUntil(lambda: bool(calls["error"]), timeout=5000)
    (exc,) = calls["error"]
    assert isinstance(exc, ValidationError) and exc.message == "名单第 3 行有错误。"
    assert calls["threads"]["error"] == GUI_THREAD
    assert calls["done"] == calls["cancel"] == []
    qtbot.waitUntil(finished(job), timeout=5000)


def test_default_error_handling_warns_in_chinese(qtbot, ui_session, message_boxes, monkeypatch):
    monkeypatch.setattr(ErrorDialog, "exec", lambda self: pytest.fail("AppError shown as a crash"))
    job = run_job(None, "测试任务", lambda control: (_ for _ in ()).throw(ValidationError("文件是空的。")),
                  on_done=lambda result: None)
    qtbot.waitUntil(lambda: bool(message_boxes.calls), timeout=5000)
    assert message_boxes.calls == [("warning", "无法完成操作", "文件是空的。")]
    qtbot.waitUntil(finished(job), timeout=5000)


def test_unexpected_error_opens_error_dialog(qtbot, ui_session, monkeypatch):
    shown = []
    monkeypatch.setattr(ErrorDialog, "exec", lambda self: shown.append(self.details) or 0)

    def work(control):
        raise ZeroDivisionError("division by zero")

    job = run_job(None, "测试任务", work, on_done=lambda result: None)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert "ZeroDivisionError" in shown[0] and "in work" in shown[0]
    qtbot.waitUntil(finished(job), timeout=5000)


@pytest.mark.parametrize("how", ["control", "dialog"])
def test_cancel_rolls_back_the_transaction(qtbot, ui_session, calls, how):
    from desktop_app.core.db import db

    before = Unit.select().count()
    began = threading.Event()

    def work(control):
        with db.atomic():
            Unit.create(name="写到一半的单位", kind="other")
            began.set()
            for _ in range(3000):  # at most ~30 s, so a broken cancel fails instead of hanging
                control.check_cancelled()
                time.sleep(0.01)
        return "not cancelled"

    job = run_job(None, "测试任务", work, **callbacks(calls))
    qtbot.waitUntil(began.is_set, timeout=5000)
    if how == "control":
        job.control.cancel()
    else:
        cancel = next(b for b in job.dialog.findChildren(QPushButton) if b.text() == "取消")
        cancel.click()
    qtbot.waitUntil(lambda: bool(calls["cancel"] or calls["done"]), timeout=10000)
    assert calls["cancel"] == [True] and calls["done"] == []
    assert calls["threads"]["cancel"] == GUI_THREAD
    assert Unit.select().count() == before
    assert not Unit.select().where(Unit.name == "写到一半的单位").exists()
    qtbot.waitUntil(finished(job), timeout=5000)
    assert not job.dialog.isVisible()


def test_closing_the_window_waits_for_a_running_job(qtbot, demo_window):
    """A thread still running when the app quits aborts the process; closing waits for it instead."""
    import threading

    from desktop_app.ui.worker import Job, run_job

    release = threading.Event()
    finished = []

    def slow(control):
        release.wait(5)
        finished.append(True)

    run_job(demo_window, "测试", slow, lambda result: None)
    assert Job.busy()
    threading.Timer(0.3, release.set).start()
    demo_window.close()
    assert finished == [True]
    assert not Job.busy()
