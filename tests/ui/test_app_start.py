"""Starting the program: the demo opens and quits cleanly; a database open elsewhere is refused in Chinese."""
from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop_app import APP_NAME
from desktop_app.ui.error_dialog import ErrorDialog

HOLDER = """
import sys, time
from desktop_app.core.session import open_session
session = open_session(sys.argv[1])
print("holding", flush=True)
time.sleep(120)
"""


def unit_count(path) -> int:
    conn = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM unit").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.slow
def test_demo_starts_and_quits(tmp_path, run_child):
    data_dir = tmp_path / "data"
    db = tmp_path / "d.sqlite"
    done = run_child("-m", "desktop_app", "--demo", "--db", db, "--quit-after-shown",
                     DESKTOP_APP_DATA_DIR=str(data_dir))
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert db.exists()
    assert unit_count(db) > 30
    log = (data_dir / "logs" / "desktop_app.log").read_text(encoding="utf-8")
    assert "main window shown" in log
    from desktop_app.core.session import open_session

    open_session(db).close()  # the finished process left no lock behind


@pytest.fixture
def held_database(tmp_path, qtbot, child_env):
    """A database held open by another process, as when the clerk already has a window on it."""
    db = tmp_path / "held.sqlite"
    lock = tmp_path / "held.sqlite.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], env=child_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def holding() -> bool:
        if holder.poll() is not None:
            pytest.fail(f"the holding process exited: {holder.stderr.read().decode('utf-8', 'replace')}")
        return lock.exists() and lock.stat().st_size > 0

    try:
        qtbot.waitUntil(holding, timeout=30000)
        yield db, holder.pid
    finally:
        holder.kill()
        holder.wait(timeout=30)


@pytest.mark.slow
def test_second_instance_is_refused(held_database, run_gui_in_process, monkeypatch):
    shown = []

    def critical(parent, title, text, *args):
        shown.append((title, text))
        return QMessageBox.Ok

    monkeypatch.setattr(QMessageBox, "critical", staticmethod(critical))
    monkeypatch.setattr(ErrorDialog, "exec", lambda self: pytest.fail(f"crash dialog: {self.details}"))
    db, holder_pid = held_database
    assert run_gui_in_process("--db", db) == 1
    (title, text), = shown
    assert title == APP_NAME
    assert "已被另一个" in text
    assert f"进程 {holder_pid}" in text  # the message says which window holds it


@pytest.mark.slow
def test_run_gui_in_process_opens_and_quits(tmp_path, run_gui_in_process, qapp):
    db = tmp_path / "inproc.sqlite"
    assert run_gui_in_process("--db", db, "--quit-after-shown") == 0
    assert db.exists()
    assert unit_count(db) == 0
    assert qapp.applicationName() == APP_NAME
    # the lock is released: the same process can open the database again
    from desktop_app.core.session import open_session

    open_session(db).close()
