"""`backup` and `restore` on the command line, as a script or a support call uses them: each in a fresh
interpreter (`python -m desktop_app …`), judged by exit code, output and the data in the file."""
from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from desktop_app.core.backup import read_info, verify_backup
from desktop_app.paths import backup_dir_for

CJK = re.compile(r"[\u4e00-\u9fff]")

HOLD_SESSION = """
import sys, time
from pathlib import Path
from desktop_app.core.session import open_session
session = open_session(Path(sys.argv[1]))
time.sleep(300)
"""


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, plus the schema and version, to compare two databases exactly."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        result = {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}
        result["(schema)"] = conn.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        result["(user_version)"] = conn.execute("PRAGMA user_version").fetchall()
        return result
    finally:
        conn.close()


def backup_path_from(stdout: str) -> Path:
    found = re.search(r"已备份：(.+\.zip)\s*$", stdout, re.MULTILINE)
    assert found, stdout
    return Path(found.group(1))


def assert_clean_error(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("错误：") and CJK.search(result.stderr), result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.fixture
def demo_db(tmp_path, demo_template) -> Path:
    """The demo county in a folder whose name has a space and Chinese (the `demo` command itself is tested
    in test_lock_and_check)."""
    import shutil

    path = tmp_path / "台账 A" / "taizhang.sqlite"
    path.parent.mkdir()
    shutil.copyfile(demo_template, path)
    return path


def test_backup_damage_restore_gives_identical_data(demo_db, tmp_path, run_app):
    expected = dump(demo_db)
    assert len(expected["unit"]) > 10 and expected["audit_log"]
    usb = tmp_path / "U盘" / "备份"

    result = run_app("backup", "--db", demo_db, "--to", usb)
    assert result.returncode == 0, result.stdout + result.stderr
    backup = backup_path_from(result.stdout)
    assert backup.parent == usb and backup.suffix == ".zip" and backup.is_file()
    info = verify_backup(backup)
    assert info.reason == "手动" and info.counts["unit"] == len(expected["unit"])
    assert dump(demo_db) == expected  # taking the backup changed nothing

    conn = sqlite3.connect(demo_db)  # damage, with foreign keys off as any outside tool would
    with conn:
        conn.execute("DELETE FROM unit_group_member")
        conn.execute("DELETE FROM name_alias")
        conn.execute("DELETE FROM unit WHERE kind IN ('township', 'enforcement')")
        conn.execute("DELETE FROM setting")
        conn.execute("UPDATE unit SET name = name || '（错）'")
    conn.close()
    damaged = dump(demo_db)
    assert damaged != expected
    assert len(damaged["unit"]) < len(expected["unit"])

    result = run_app("restore", backup, "--db", demo_db)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "已恢复" in result.stdout and "Traceback" not in result.stderr
    assert dump(demo_db) == expected

    safety = list(backup_dir_for(demo_db).glob("*-恢复前-*.zip"))
    assert len(safety) == 1, list(backup_dir_for(demo_db).iterdir())
    assert str(safety[0]) in result.stdout or safety[0].name in result.stdout
    kept = verify_backup(safety[0])  # the damaged data was kept, whole, before being replaced
    assert kept.counts["unit"] == len(damaged["unit"]) and kept.counts["setting"] == 0

    check = run_app("check", "--db", demo_db)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize("kind", ["text", "foreign zip", "missing"])
def test_restore_of_something_that_is_not_a_backup_is_refused(demo_db, tmp_path, run_app, kind):
    if kind == "text":
        bogus = tmp_path / "备份.zip"
        bogus.write_text("这不是备份。\n" * 100, encoding="utf-8")
    elif kind == "foreign zip":
        bogus = tmp_path / "照片.zip"
        with zipfile.ZipFile(bogus, "w") as archive:
            archive.writestr("readme.txt", "hello")
    else:
        bogus = tmp_path / "不存在的备份.zip"
    before = dump(demo_db)
    backups_before = sorted(backup_dir_for(demo_db).glob("*")) if backup_dir_for(demo_db).is_dir() else []

    result = run_app("restore", bogus, "--db", demo_db)
    assert_clean_error(result, bogus.name)
    assert dump(demo_db) == before
    backups_after = sorted(backup_dir_for(demo_db).glob("*")) if backup_dir_for(demo_db).is_dir() else []
    assert backups_after == backups_before, "a refused restore must not leave a safety copy behind"
    assert run_app("check", "--db", demo_db).returncode == 0


def test_backup_refused_while_another_process_has_the_database_open(demo_db, tmp_path, run_app, child_env):
    lock_file = Path(str(demo_db) + ".lock")
    lock_file.unlink(missing_ok=True)  # left empty-handed by the demo command; wait for the holder's text
    holder = subprocess.Popen([sys.executable, "-c", HOLD_SESSION, str(demo_db)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, env=child_env)
    try:
        deadline = time.monotonic() + 60
        while not (lock_file.is_file() and lock_file.stat().st_size > 0):
            assert holder.poll() is None, holder.stderr.read().decode("utf-8", "replace")
            assert time.monotonic() < deadline, "the holder never took the lock"
            time.sleep(0.05)

        out = tmp_path / "备份"
        result = run_app("backup", "--db", demo_db, "--to", out)
        assert_clean_error(result, "已被另一个")
        assert str(holder.pid) in result.stderr  # says who holds it
        assert not out.exists() or not list(out.glob("*.zip"))
    finally:
        holder.kill()
        holder.wait()
        holder.stderr.close()

    result = run_app("backup", "--db", demo_db, "--to", tmp_path / "备份")  # free again after the kill
    assert result.returncode == 0, result.stdout + result.stderr
    assert read_info(backup_path_from(result.stdout)).reason == "手动"


def test_backup_of_a_missing_database(tmp_path, run_app):
    missing = tmp_path / "missing.sqlite"
    out = tmp_path / "备份"
    result = run_app("backup", "--db", missing, "--to", out)
    assert_clean_error(result, "不存在", "missing.sqlite")
    assert not missing.exists() and not Path(str(missing) + ".lock").exists()
    assert not out.exists()
