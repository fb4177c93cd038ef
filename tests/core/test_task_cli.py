"""`import-tasks` on the command line, as a script or a support call uses it: each run in a fresh
interpreter (`python -m desktop_app …`) against a copy of the demo database, judged by exit code, what it
prints and what the database file holds afterwards."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop_app.core.audit import CHAIN_COLUMNS, verify_rows
from desktop_app.paths import backup_dir_for

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "tasks"
BAD = ROOT / "bad_inputs"
SEED = FIXTURES / "seed004_utf8.txt"
CJK = re.compile(r"[\u4e00-\u9fff]")
UNKNOWN_LIST = ("红寺堡区档案工作任务清单\n一、档案管理\n"
                "1. 规范行政执法案卷归档，建立电子档案。\n"
                "牵头单位：红寺堡区档案馆\n"
                "配合单位：司法局\n"
                "完成时限：2025年6月底前\n")


@pytest.fixture(scope="module")
def demo_master(tmp_path_factory) -> Path:
    """The demo database (43 seed tasks as plan 1), built once; each test works on its own copy."""
    from desktop_app.core.demo import populate_demo
    from desktop_app.core.session import open_session

    folder = tmp_path_factory.mktemp("demo-master")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DESKTOP_APP_DATA_DIR", str(folder / "user-data"))
        session = open_session(folder / "demo.sqlite")
        try:
            populate_demo()
        finally:
            session.close()
    return folder / "demo.sqlite"


@pytest.fixture
def demo_copy(demo_master, tmp_path) -> Path:
    path = tmp_path / "台账 副本" / "demo.sqlite"
    path.parent.mkdir()
    shutil.copy2(demo_master, path)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def chain(path: Path) -> tuple[int, list[str], bool]:
    """(entries, their hashes, whether the chain verifies), read with the standard library."""
    conn = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        rows = conn.execute(f"SELECT {CHAIN_COLUMNS} FROM audit_log ORDER BY id").fetchall()
    finally:
        conn.close()
    report = verify_rows(rows)
    return report.count, [r[-1] for r in rows], report.ok


def backups(path: Path) -> list[str]:
    folder = backup_dir_for(path)
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def query(path: Path, sql: str, *params) -> list[tuple]:
    conn = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def assert_clean_error(result, *words: str) -> None:
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("错误：") and CJK.search(result.stderr), result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


# ------------------------------------------------------------------------------------------ dry run

def test_dry_run_json_is_one_object_and_changes_nothing(demo_copy, run_app, counts):
    before = (sha256(demo_copy), counts(demo_copy), chain(demo_copy))
    result = run_app("import-tasks", SEED, "--db", demo_copy, "--dry-run", "--json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    document = json.loads(result.stdout)  # nothing but the one object on stdout
    assert isinstance(document, dict) and set(document) == {"tasks", "warnings"}
    assert document["warnings"] == []
    tasks = document["tasks"]
    assert len(tasks) == 43
    assert [t["number"] for t in tasks] == [str(n) for n in range(1, 44)]
    task3 = next(t for t in tasks if t["number"] == "3")
    assert task3["section"] == "全面提升行政执法人员能力素质"
    assert task3["responsible_units"] == ["各行政执法部门〔单位〕", "各乡镇〔街道〕"]
    assert task3["lead_units"] == [] and task3["cooperating_units"] == []
    assert task3["deadline"] == {"text": "2024年6月15日前并长期坚持", "kind": "date_then_standing",
                                 "due": "2024-06-15"}
    task17 = next(t for t in tasks if t["number"] == "17")
    assert task17["deadline"] == {"text": "每年10月底前", "kind": "annual", "month": 10}
    annual = [t for t in tasks if t["deadline"]["text"].startswith("每年")]
    assert len(annual) == 5
    assert all(t["deadline"]["kind"] == "annual" and t["deadline"]["month"] for t in annual)
    task15 = next(t for t in tasks if t["number"] == "15")
    assert task15["lead_units"] == ["政府办", "发展和改革局", "市场监督管理分局"]
    assert task15["cooperating_units"] == ["各行业主管部门"]
    # the database is untouched: same bytes, same rows, same audit chain, no safety backup
    assert (sha256(demo_copy), counts(demo_copy), chain(demo_copy)) == before
    assert before[2][2] and before[1]["plan"] == 1 and before[1]["task"] == 43
    assert backups(demo_copy) == []


def test_dry_run_lists_unknown_names_as_warnings(demo_copy, run_app, counts, tmp_path):
    listing = tmp_path / "档案任务.txt"
    listing.write_text(UNKNOWN_LIST, encoding="utf-8")
    before = (sha256(demo_copy), counts(demo_copy))
    result = run_app("import-tasks", listing, "--db", demo_copy, "--dry-run", "--json",
                     "--create-missing-units")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert len(document["tasks"]) == 1
    assert any("红寺堡区档案馆" in w["message"] and w["task"] == "1" for w in document["warnings"])
    # --create-missing-units creates nothing in a dry run
    assert (sha256(demo_copy), counts(demo_copy)) == before


def test_dry_run_text_report(demo_copy, run_app):
    result = run_app("import-tasks", SEED, "--db", demo_copy, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "43 项任务" in result.stdout and "6 个部分" in result.stdout
    assert "吴忠市红寺堡区关于提升行政执法质量三年行动任务分工方案" in result.stdout


def test_dry_run_on_a_missing_database_is_refused(tmp_path, run_app):
    missing = tmp_path / "没有这个.sqlite"
    result = run_app("import-tasks", SEED, "--db", missing, "--dry-run", "--json")
    assert_clean_error(result, "没有这个.sqlite", "不存在")
    assert result.stdout == ""
    assert not missing.exists()


# ------------------------------------------------------------------------------------- real import

def test_real_import_adds_a_second_plan(demo_copy, run_app, counts):
    before = counts(demo_copy)
    result = run_app("import-tasks", SEED, "--db", demo_copy, "--title", "再次导入的分工方案")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "已导入" in result.stdout and "43 项任务" in result.stdout
    after = counts(demo_copy)
    assert after["plan"] == before["plan"] + 1 == 2
    assert after["task"] == before["task"] + 43
    assert after["plan_section"] == before["plan_section"] + 6
    assert after["assignment"] == 2 * before["assignment"]  # the same register, the same split
    assert after["progress"] == before["progress"]  # a new plan starts with no reports
    assert after["unit"] == before["unit"]
    entries, _, ok = chain(demo_copy)
    assert ok and entries == before["audit_log"] + 1
    assert query(demo_copy, "SELECT title FROM plan ORDER BY id") == [
        ("吴忠市红寺堡区关于提升行政执法质量三年行动任务分工方案",), ("再次导入的分工方案",)]
    last = query(demo_copy, "SELECT entity, action FROM audit_log ORDER BY id DESC LIMIT 1")
    assert last == [("plan", "create")]
    assert any("导入前" in name for name in backups(demo_copy))


def test_real_import_with_json_keeps_stdout_one_object(demo_copy, run_app, counts):
    result = run_app("import-tasks", SEED, "--db", demo_copy, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(json.loads(result.stdout)["tasks"]) == 43
    assert "已导入" in result.stderr
    assert counts(demo_copy)["plan"] == 2


def test_unknown_name_stops_the_import_with_a_chinese_message(demo_copy, run_app, counts, tmp_path):
    listing = tmp_path / "档案任务.txt"
    listing.write_text(UNKNOWN_LIST, encoding="utf-8")
    before = (sha256(demo_copy), counts(demo_copy), chain(demo_copy))
    result = run_app("import-tasks", listing, "--db", demo_copy)
    assert_clean_error(result, "红寺堡区档案馆")
    assert (counts(demo_copy), chain(demo_copy)) == before[1:]
    assert backups(demo_copy) == []

    result = run_app("import-tasks", listing, "--db", demo_copy, "--create-missing-units")
    assert result.returncode == 0, result.stdout + result.stderr
    after = counts(demo_copy)
    assert after["plan"] == before[1]["plan"] + 1 and after["unit"] == before[1]["unit"] + 1
    assert query(demo_copy, "SELECT kind, note FROM unit WHERE name = ?", "红寺堡区档案馆") == [
        ("other", "导入任务清单时新建")]
    roles = query(demo_copy, """SELECT u.name, a.role FROM assignment a JOIN unit u ON u.id = a.unit_id
                                JOIN task t ON t.id = a.task_id WHERE t.plan_id = 2 ORDER BY a.role""")
    assert roles == [("红寺堡区司法局", "cooperating"), ("红寺堡区档案馆", "lead")]
    assert query(demo_copy, "SELECT count(*) FROM audit_log WHERE entity = 'unit' AND action = 'create' "
                            "AND summary LIKE '%档案馆%'") == [(1,)]
    assert chain(demo_copy)[2]


@pytest.mark.parametrize("name", ["truncated.docx", "empty_sheet.xlsx", "not_a_zip.docx", "空文件.txt",
                                  "只有说明.txt"])
def test_bad_files_are_refused_and_nothing_is_written(demo_copy, run_app, counts, tmp_path, name):
    if name.endswith(".txt"):
        path = tmp_path / name
        path.write_text("" if name == "空文件.txt" else "关于做好行政执法工作的通知\n\n各单位要高度重视，"
                        "认真抓好落实。\n\n特此通知。\n", encoding="utf-8")
    else:
        path = BAD / name
    before = (sha256(demo_copy), counts(demo_copy))
    result = run_app("import-tasks", path, "--db", demo_copy)
    assert_clean_error(result, f"“{name}”")
    assert (sha256(demo_copy), counts(demo_copy)) == before
    assert backups(demo_copy) == []
