"""One writer per database file, crash-safe; and the `check` / `demo` commands as a script sees them."""
from __future__ import annotations

import getpass
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys

import pytest

from desktop_app.core.demo import create_demo_database
from desktop_app.core.errors import DatabaseLocked
from desktop_app.core.lock import DatabaseLock
from desktop_app.core.models import Unit
from desktop_app.core.session import open_session

CJK = re.compile(r"[\u4e00-\u9fff]")

HOLD_SESSION = """
import sys, time
from pathlib import Path
from desktop_app.core.session import open_session
session = open_session(Path(sys.argv[1]))
print("ready", flush=True)
time.sleep(300)
"""


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "未知用户"


def test_second_lock_refused_with_a_chinese_message_naming_the_holder(db_path):
    with DatabaseLock(db_path):
        with pytest.raises(DatabaseLocked) as excinfo:
            DatabaseLock(db_path).acquire()
        message = str(excinfo.value)
        assert CJK.search(message) and "另一个" in message
        assert db_path.name in message
        assert str(os.getpid()) in message and _user() in message
    second = DatabaseLock(db_path)
    second.acquire()  # released by the `with`, so free again
    assert second.held
    second.release()


def test_second_session_refused_until_the_first_is_closed(db_path):
    first = open_session(db_path)
    try:
        with pytest.raises(DatabaseLocked) as excinfo:
            open_session(db_path)
        assert str(os.getpid()) in str(excinfo.value)
        Unit.select().count()  # the refusal did not close the first session's connection
    finally:
        first.close()
    second = open_session(db_path)
    second.close()


def test_locked_refusal_does_not_create_the_database(tmp_path):
    path = tmp_path / "new.sqlite"
    with DatabaseLock(path):
        with pytest.raises(DatabaseLocked):
            open_session(path)
    assert not path.exists()


def test_lock_of_a_killed_process_does_not_block(db_path, child_env):
    proc = subprocess.Popen([sys.executable, "-c", HOLD_SESSION, str(db_path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=child_env)
    try:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        with pytest.raises(DatabaseLocked) as excinfo:  # the other process really holds it
            open_session(db_path)
        assert str(proc.pid) in str(excinfo.value)
        os.kill(proc.pid, getattr(signal, "SIGKILL", signal.SIGTERM))
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    session = open_session(db_path)  # no stale lock left behind by the crash
    try:
        assert Unit.select().count() == 0
    finally:
        session.close()


@pytest.fixture
def demo_file(tmp_path):
    path = tmp_path / "demo.sqlite"
    create_demo_database(path)
    return path


def test_check_passes_a_sound_database(run_app, demo_file):
    result = run_app("check", "--db", demo_file)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "结论：正常" in result.stdout
    assert re.search(r"^\s*unit: [1-9]\d*$", result.stdout, re.M)


def _enlarge(path) -> None:
    """Give the file a couple of hundred table b-tree pages, so its middle is surely one of them."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)")
    conn.executemany("INSERT INTO filler (body) VALUES (?)",
                     [(f"第{i}条记录-" + "台账" * 40,) for i in range(3000)])
    conn.commit()
    conn.close()


def test_check_fails_a_damaged_database(run_app, demo_file, tmp_path):
    damaged = tmp_path / "damaged.sqlite"
    shutil.copyfile(demo_file, damaged)
    _enlarge(damaged)
    assert run_app("check", "--db", damaged).returncode == 0  # still sound before the damage
    size = damaged.stat().st_size
    assert size > 200_000
    page = 4096
    middle = (size // page // 2) * page
    with damaged.open("r+b") as handle:
        handle.seek(middle + 8)
        handle.write(bytes((i * 37 + 11) % 256 for i in range(page - 16)))
    result = run_app("check", "--db", damaged)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "问题：完整性检查" in result.stdout and "结论：发现" in result.stdout
    assert "Traceback" not in result.stderr


def test_check_fails_a_file_that_is_not_a_database(run_app, tmp_path):
    path = tmp_path / "台账.sqlite"
    path.write_text("这不是数据库。\n" * 500, encoding="utf-8")
    result = run_app("check", "--db", path)
    assert result.returncode == 1
    assert "结论：发现" in result.stdout and "Traceback" not in result.stderr
    assert path.read_text(encoding="utf-8").startswith("这不是数据库")


def test_check_of_a_missing_file(run_app, tmp_path):
    result = run_app("check", "--db", tmp_path / "无此文件.sqlite")
    assert result.returncode == 1 and "不存在" in result.stdout


def test_demo_refuses_an_existing_database(run_app, demo_file, counts):
    before = counts(demo_file)
    result = run_app("demo", "--db", demo_file)
    assert result.returncode == 2
    assert "错误" in result.stderr and CJK.search(result.stderr)
    assert "Traceback" not in result.stderr
    assert counts(demo_file) == before


def test_demo_command_builds_a_database_check_accepts(run_app, tmp_path):
    path = tmp_path / "新建" / "demo.sqlite"
    result = run_app("demo", "--db", path, "--seed", "7")
    assert result.returncode == 0, result.stderr
    assert str(path) in result.stdout or path.name in result.stdout
    assert run_app("check", "--db", path).returncode == 0
