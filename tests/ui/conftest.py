"""Fixtures of the GUI tests: a main window over a fresh database, dialogs driven without exec().

Nothing here may touch the clerk's real data folder, need a display, or block on a modal dialog.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QMessageBox

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _ui_data_dir(tmp_path, monkeypatch):
    """paths.user_data_dir() → this test's tmp dir (subprocesses inherit it)."""
    data_dir = tmp_path / "ui-user-data"
    monkeypatch.setenv("DESKTOP_APP_DATA_DIR", str(data_dir))
    return data_dir


@pytest.fixture(autouse=True)
def _no_real_message_boxes(monkeypatch):
    """A message box a test did not expect fails the test instead of blocking it forever."""

    def unexpected(kind):
        def box(parent, title, text, *args, **kwargs):
            raise AssertionError(f"unexpected QMessageBox.{kind}: {title}: {text}")
        return staticmethod(box)

    for kind in ("question", "information", "warning", "critical", "about"):
        monkeypatch.setattr(QMessageBox, kind, unexpected(kind))


def subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    env["PYTHONIOENCODING"] = "utf-8"
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.update(extra)
    return env


@pytest.fixture
def child_env():
    """`child_env(**extra)`: environment for a child Python (test data dir, checkout importable)."""
    return subprocess_env


@pytest.fixture
def run_child(child_env):
    """`run_child(*args, timeout=120, **env)`: run `python *args` from the checkout; CompletedProcess."""
    import subprocess

    def run(*args: object, timeout: float = 120, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True,
                              encoding="utf-8", env=child_env(**extra), cwd=REPO_ROOT, timeout=timeout)

    return run


def demo_plus(tmp_path_factory, demo_template: Path, name: str, add) -> Path:
    """A module's own template: the demo county plus what `add()` writes, built once per module."""
    import shutil

    from desktop_app.core.session import open_session

    folder = tmp_path_factory.mktemp(name)
    path = folder / "template.sqlite"
    shutil.copyfile(demo_template, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DESKTOP_APP_DATA_DIR", str(folder / "user-data"))
        session = open_session(path)
        try:
            add()
        finally:
            session.close()
    return path


def open_window(qtbot, path: Path, template: Path | None):
    """A main window on `path`: a copy of the demo template, or a new empty database."""
    import shutil

    from desktop_app.core.session import open_session
    from desktop_app.ui.main_window import MainWindow

    if template is not None:
        shutil.copyfile(template, path)
    session = open_session(path)
    try:
        window = MainWindow(session, is_demo=template is not None)
    except BaseException:
        session.close()
        raise
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return session, window


@pytest.fixture(scope="session")
def make_template(tmp_path_factory, demo_template):
    """make_template(name, add) → a template file: the demo county plus what `add()` writes."""
    return lambda name, add: demo_plus(tmp_path_factory, demo_template, name, add)


@pytest.fixture
def main_window_on(qtbot):
    """main_window_on(path, template) → a shown main window on a copy of `template`; closed afterwards."""
    opened = []

    def open_on(path: Path, template: Path):
        session, window = open_window(qtbot, path, template)
        opened.append((session, window))
        return window

    yield open_on
    for session, window in opened:
        window.close()
        session.close()


@pytest.fixture
def demo_window(qtbot, tmp_path, demo_template):
    session, window = open_window(qtbot, tmp_path / "demo-ui.sqlite", demo_template)
    yield window
    window.close()
    session.close()


@pytest.fixture
def empty_window(qtbot, tmp_path):
    session, window = open_window(qtbot, tmp_path / "empty-ui.sqlite", None)
    yield window
    window.close()
    session.close()


class Answers:
    """Records the message boxes a test expected, answering questions with a fixed button."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []

    def texts(self, kind: str | None = None) -> list[str]:
        return [text for k, _, text in self.calls if kind is None or k == kind]


@pytest.fixture
def message_boxes(monkeypatch) -> Answers:
    """QMessageBox.question answers Yes; information/warning/critical are recorded and return Ok."""
    answers = Answers()

    def make(kind, result):
        def box(parent, title, text, *args, **kwargs):
            answers.calls.append((kind, title, text))
            return result
        return staticmethod(box)

    monkeypatch.setattr(QMessageBox, "question", make("question", QMessageBox.Yes))
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind, make(kind, QMessageBox.Ok))
    return answers


@pytest.fixture
def drive_dialog(monkeypatch):
    """`drive_dialog(DialogClass, action)`: the next `exec()` of that class shows the dialog, runs
    `action(dialog)` (fill fields, click buttons), rejects it if it is still open and returns its result,
    as a real modal exec would. Returns the list of driven dialogs."""
    driven: list = []

    def install(cls, action: Callable) -> list:
        def fake_exec(dialog) -> int:
            driven.append(dialog)
            dialog.show()
            action(dialog)
            if dialog.isVisible():
                dialog.reject()
            return dialog.result()

        monkeypatch.setattr(cls, "exec", fake_exec)
        return driven

    return install


@pytest.fixture
def restore_app_state(qapp, monkeypatch):
    """For tests that run the app's own bootstrap in-process: undo what it does to the process."""
    import logging
    import threading

    from PySide6.QtCore import QLocale, QTranslator

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    style, font, locale = qapp.styleSheet(), qapp.font(), QLocale()
    before = set(qapp.findChildren(QTranslator))
    yield qapp
    for translator in set(qapp.findChildren(QTranslator)) - before:
        qapp.removeTranslator(translator)
        translator.deleteLater()
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)
    qapp.setStyleSheet(style)
    qapp.setFont(font)
    QLocale.setDefault(locale)


@pytest.fixture
def run_gui_in_process(restore_app_state):
    """`run_gui_in_process(*argv)` → run_gui's exit code, leaving the shared QApplication usable.

    When `--quit-after-shown` quits, closing the main window posts a second Quit event after exec()
    has returned; processed later by a test's processEvents(), it would make every QEventLoop (and so
    qtbot.waitSignal/wait) return at once for the rest of the session. It is removed here.
    """
    from PySide6.QtCore import QCoreApplication, QEvent

    from desktop_app.cli import parse_args
    from desktop_app.ui.app import run_gui

    def run(*argv: str) -> int:
        try:
            return run_gui(parse_args([str(a) for a in argv]))
        finally:
            QCoreApplication.removePostedEvents(restore_app_state, QEvent.Quit)

    return run
