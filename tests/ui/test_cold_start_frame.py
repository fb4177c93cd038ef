"""Cold start (issue 9): the main window appears at once as a frame, then fills in once the database is open.

What the clerk sees: the window with its title, the navigation and "正在打开数据库…" right away; a moment later
the 工作台. Measured by benchmarks/cold_start.py; here the order of events is checked.
"""
from __future__ import annotations

import json
import sqlite3

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox

from desktop_app import APP_NAME

NAVIGATION = ["工作台", "任务清单", "执法人员与证件", "培训学时", "报表中心", "单位管理", "数据与备份", "设置"]

# Runs the real entry point (`python -m desktop_app ...`) in a fresh interpreter and records, at the moment the
# main window is shown and again once the database is attached, what is loaded and what the window holds.
CHILD = """
import json, sys
from PySide6.QtWidgets import QLabel
from desktop_app.ui import main_window

events = []
heavy = ("peewee", "desktop_app.core.session", "desktop_app.core.models", "desktop_app.ui.pages.dashboard_page",
         "desktop_app.logging_setup", "desktop_app.cli")

def state(window):
    stack = window.stack.currentWidget()
    return {"loaded": [m for m in heavy if m in sys.modules], "visible": window.isVisible(),
            "title": window.windowTitle(), "attached": window.attached, "pages": sorted(window.pages),
            "navigation": [window.navigation.item(i).text() for i in range(window.navigation.count())],
            "page": type(stack).__name__, "page_texts": [label.text() for label in stack.findChildren(QLabel)],
            "status": window.statusBar().currentMessage(),
            "menus": [action.text() for action in window.menuBar().actions()]}

show, attach = main_window.MainWindow.show, main_window.MainWindow.attach

def recording_show(self):
    show(self)
    events.append(["shown", state(self)])

def recording_attach(self, session):
    events.append(["attaching", {"loaded": [m for m in heavy if m in sys.modules]}])
    attach(self, session)
    events.append(["attached", state(self)])

main_window.MainWindow.show = recording_show
main_window.MainWindow.attach = recording_attach
from desktop_app.__main__ import main
code = main(sys.argv[1:])
print("EVENTS " + json.dumps({"code": code, "events": events}, ensure_ascii=False), flush=True)
"""


def run_start(run_child, *args) -> tuple[list[str], dict]:
    done = run_child("-c", CHILD, *args)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    lines = done.stdout.splitlines()
    report = json.loads(next(line for line in lines if line.startswith("EVENTS "))[len("EVENTS "):])
    return lines, report


@pytest.mark.slow
def test_frame_is_shown_before_the_database_is_opened(tmp_path, run_child):
    db = tmp_path / "frame.sqlite"
    lines, report = run_start(run_child, "--db", db, "--quit-after-shown")
    assert report["code"] == 0
    (shown_kind, shown), (attaching_kind, attaching), (attached_kind, attached) = report["events"]
    assert (shown_kind, attaching_kind, attached_kind) == ("shown", "attaching", "attached")

    # the moment of show: a real window, nothing of the database, the core or the pages loaded yet
    assert shown["visible"]
    assert shown["loaded"] == []
    assert not shown["attached"]
    assert shown["title"] == APP_NAME
    assert shown["navigation"] == NAVIGATION
    assert shown["pages"] == []
    assert shown["page_texts"] == ["正在打开数据库…"]
    assert shown["status"] == "正在打开数据库…"
    assert shown["menus"] == ["文件(&F)", "帮助(&H)"]
    assert lines[0].startswith("SHOWN ")  # the benchmark's timestamp is the frame's show

    # then the database is opened (session, migrations) and the 工作台 is built into the same window
    assert "desktop_app.core.session" in attaching["loaded"]
    assert attached["visible"] and attached["attached"]
    assert attached["pages"] == ["dashboard"]
    assert attached["page"] == "DashboardPage"
    assert "正在打开数据库…" not in attached["page_texts"]
    assert attached["navigation"] == NAVIGATION
    assert attached["status"] == ""
    assert attached["menus"] == ["文件(&F)", "帮助(&H)"]
    assert db.exists()


@pytest.mark.slow
def test_demo_frame_says_demo_and_then_names_the_bureau(tmp_path, run_child):
    """The demo's first start fills the database after the frame is shown (it takes seconds)."""
    db = tmp_path / "demo.sqlite"
    _, report = run_start(run_child, "--demo", "--db", db, "--quit-after-shown")
    (_, shown), _, (_, attached) = report["events"]
    assert shown["title"] == f"{APP_NAME}（演示数据库）"
    assert shown["loaded"] == []
    assert "红寺堡区司法局" in attached["title"] and attached["title"].endswith("（演示数据库）")
    assert attached["pages"] == ["dashboard"]


@pytest.mark.slow
def test_window_fills_in_after_it_appears(tmp_path, run_gui_in_process, demo_template, qtbot, monkeypatch):
    """In process: at the first turn of the event loop the clerk already sees the frame; afterwards the 工作台."""
    import shutil

    from PySide6.QtCore import QCoreApplication

    from desktop_app.ui import app as app_module

    db = tmp_path / "fill.sqlite"
    shutil.copyfile(demo_template, db)
    seen = {}
    run = app_module.Startup.run

    def observed_run(startup):
        window = startup.window
        seen["menu_before"] = [action.text() for action in window.file_menu.actions()]
        seen["before"] = (window.isVisible(), window.attached, window.windowTitle(),
                          [label.text() for label in window.stack.currentWidget().findChildren(QLabel)])
        run(startup)
        seen["menu_after"] = [action.text() for action in window.file_menu.actions()]
        dashboard = window.pages.get("dashboard")
        seen["after"] = (window.isVisible(), window.attached, window.windowTitle(),
                         dashboard is not None and window.stack.currentWidget() is dashboard,
                         dashboard is not None and dashboard.isVisible(),
                         dashboard is not None and "在用单位" in dashboard.units.body.text(),
                         QCoreApplication.translate("QPlatformTheme", "Cancel"), window.windowIcon().isNull())

    monkeypatch.setattr(app_module.Startup, "run", observed_run)
    assert run_gui_in_process("--demo", "--db", db, "--quit-after-shown") == 0
    visible, attached, title, texts = seen["before"]
    assert visible and not attached
    assert title == f"{APP_NAME}（演示数据库）"
    assert "正在打开数据库…" in texts
    visible, attached, title, current, dashboard_visible, figures, cancel, no_icon = seen["after"]
    assert visible and attached and current and dashboard_visible and figures
    assert cancel == "取消"  # Qt's own strings are Chinese by the time any dialog can appear
    assert not no_icon  # and the window has the program's icon
    assert seen["menu_before"] == []  # no menu can be opened before the first turn of the event loop
    assert seen["menu_after"] == ["备份与恢复…", "打开演示数据库", "退出(&X)"]
    assert "红寺堡区司法局" in title


@pytest.mark.slow
def test_newer_database_is_refused_over_the_frame(tmp_path, run_gui_in_process, monkeypatch):
    """The "database is newer" dialog still appears (now over the shown frame), and the file is left untouched."""
    db = tmp_path / "newer.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    before = db.read_bytes()
    shown = []

    def critical(parent, title, text, *args):
        shown.append((title, text, type(parent).__name__, parent is not None and parent.isVisible()))
        return QMessageBox.Ok

    monkeypatch.setattr(QMessageBox, "critical", staticmethod(critical))
    assert run_gui_in_process("--db", db) == 1
    (title, text, parent_class, parent_visible), = shown
    assert title == APP_NAME
    assert "更新版本的软件" in text and "999" in text
    assert (parent_class, parent_visible) == ("MainWindow", True)
    assert db.read_bytes() == before
    assert not (tmp_path / "newer.sqlite-wal").exists()


@pytest.mark.slow
def test_unexpected_failure_while_opening_is_raised(tmp_path, run_gui_in_process, monkeypatch):
    """Not a DatabaseError: the event loop ends and run_gui raises it (the error hook shows it, exit status 1)."""
    import desktop_app.core.session as session_module

    def broken(path):
        raise RuntimeError("boom while opening")

    monkeypatch.setattr(session_module, "open_session", broken)
    with pytest.raises(RuntimeError, match="boom while opening"):
        run_gui_in_process("--db", tmp_path / "broken.sqlite", "--quit-after-shown")


@pytest.mark.parametrize("argv", [[], ["--demo"], ["--db", "x.sqlite"], ["--db=y.sqlite", "--demo"],
                                  ["--demo", "--db", "z.sqlite", "--quit-after-shown"]])
def test_plain_gui_arguments_read_without_the_full_parser(argv):
    from desktop_app.__main__ import _plain_gui_args
    from desktop_app.cli import parse_args

    assert vars(_plain_gui_args(argv)) == vars(parse_args(argv))


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["--smoke-test"], ["check", "--db", "x"], ["--db"],
                                  ["--db", "-x"], ["--db="], ["--demo", "--demo"], ["--de"], ["--db", "a", "--db", "b"]])
def test_anything_else_goes_to_the_full_parser(argv):
    from desktop_app.__main__ import _plain_gui_args

    assert _plain_gui_args(argv) is None
