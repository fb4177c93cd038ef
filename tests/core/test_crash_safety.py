"""Crash safety, proven by killing: a crash or power cut at any moment leaves the database consistent, and
every import (and every schema upgrade) is either fully in or fully out.

A child interpreter opens a copy of the demo database with `open_session` and then either commits a bulk
import of units from pasted text, or upgrades the file with the real migrations plus one heavy extra step
(a new table with 120,000 rows, a renamed column, a column added to `unit` and filled). The parent kills it
with SIGKILL after a seeded random delay spread over 0 … 1.2 × the measured uninterrupted duration (timed
from the child's "READY", printed just before the commit/upgrade starts), so kills land before, inside and
after the transaction. Every killed file must then pass, with the standard library only: integrity_check,
foreign_key_check, an intact audit_log hash chain, row counts exactly as before or exactly as after (never
between), and any backup zip written on the way must verify. Finally `open_session` must open it again (the
OS released the single-writer lock) — for the upgrade through a "release" that knows the extra step, so a
file left at the old version resumes and completes the upgrade.

Covered: bulk unit import, roster import (2,000 officers with cards), the annual 清理 apply and the
schema upgrade.
"""
from __future__ import annotations

import inspect
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from desktop_app.core import migrations as migrations_mod
from desktop_app.core import session as session_mod
from desktop_app.core.audit import CHAIN_COLUMNS, verify_rows
from desktop_app.core.backup import verify_backup
from desktop_app.core.demo import create_demo_database
from desktop_app.core.migrations import MIGRATIONS, SCHEMA_VERSION
from desktop_app.core.session import open_session
from desktop_app.paths import backup_dir_for

IMPORT_UNITS = 400  # the commit must last a few hundred ms so that kills land inside it
IMPORT_KILLS = 60
MIGRATION_KILLS = 40
SPREAD = 1.2  # kill delays are uniform over 0 … SPREAD × the uninterrupted duration

PROBE_ROWS = 120_000
PROBE_BATCH = 4_000
PROBE_PAYLOAD = 64


def upgrade_to_crash_probe(db) -> None:
    """A deliberately heavy migration step: many rows into a new table, then column changes."""
    db.execute_sql("""CREATE TABLE crash_probe (
        id INTEGER NOT NULL PRIMARY KEY,
        unit_id INTEGER NOT NULL REFERENCES unit (id),
        label TEXT NOT NULL,
        payload BLOB NOT NULL)""")
    for start in range(1, PROBE_ROWS + 1, PROBE_BATCH):
        db.execute_sql(
            "WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO crash_probe (id, unit_id, label, payload) "
            "SELECT i, (SELECT min(id) FROM unit), 'probe-' || i, randomblob(?) FROM n",
            (start, min(start + PROBE_BATCH - 1, PROBE_ROWS), PROBE_PAYLOAD))
    db.execute_sql("ALTER TABLE crash_probe RENAME COLUMN label TO title")
    db.execute_sql("ALTER TABLE unit ADD COLUMN probe_flag INTEGER NOT NULL DEFAULT 0")
    db.execute_sql("UPDATE unit SET probe_flag = 1")


PROBE_STEPS = MIGRATIONS + [upgrade_to_crash_probe]
PROBE_VERSION = len(PROBE_STEPS)

CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path

    from desktop_app.core import db as dbmod
    from desktop_app.core.session import open_session

    PROBE_ROWS, PROBE_BATCH, PROBE_PAYLOAD = {rows}, {batch}, {payload}
    {step}
    mode, path = sys.argv[1], Path(sys.argv[2])
    session = open_session(path)
    if mode == "import":
        from desktop_app.core.unit_bulk import commit_preview, preview_from_text

        preview = preview_from_text(Path(sys.argv[3]).read_text(encoding="utf-8"))
        assert (preview.new_count, preview.error_count) == (int(sys.argv[4]), 0), preview.rows[:3]
        print("READY", flush=True)
        added = commit_preview(preview)
        assert added == int(sys.argv[4])
    elif mode == "cleanup":
        from desktop_app.core.personnel.cleanup import apply_decisions, build_candidates

        decisions = [c.suggested for c in build_candidates()]
        assert len(decisions) == int(sys.argv[3]), len(decisions)
        print("READY", flush=True)
        import datetime

        apply_decisions(decisions, on_date=datetime.date.today(), doc_number="红司发〔2026〕99号")
    elif mode == "roster":
        from desktop_app.core.personnel.roster_commit import commit_roster
        from desktop_app.core.personnel.roster_import import load_roster_file, validate

        preview = load_roster_file(Path(sys.argv[3]))
        validate(preview)
        assert preview.counts()["错误"] == 0, preview.errors[:3]
        print("READY", flush=True)
        commit_roster(preview)
    else:
        from desktop_app.core.migrations import MIGRATIONS, migrate

        print("READY", flush=True)
        result = migrate(dbmod.db, session.backup_dir, steps=MIGRATIONS + [upgrade_to_crash_probe])
        assert result.to_version == len(MIGRATIONS) + 1
""").format(rows=PROBE_ROWS, batch=PROBE_BATCH, payload=PROBE_PAYLOAD,
            step=inspect.getsource(upgrade_to_crash_probe))


@dataclass
class FileState:
    version: int
    counts: dict[str, int]
    unit_columns: list[str]
    probe_columns: list[str] = field(default_factory=list)
    test_unit_names: int = 0
    probe_complete: bool = False
    flagged_units: int = 0


def inspect_file(path: Path) -> FileState:
    """Everything the assertions need, read with the standard library only (this also recovers the WAL
    the killed process left behind, exactly as the next start of the app would)."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], path
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == [], path
        chain = verify_rows(conn.execute(f"SELECT {CHAIN_COLUMNS} FROM audit_log ORDER BY id"))
        assert chain.ok, f"{path}: {chain.message()}"
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        state = FileState(
            version=conn.execute("PRAGMA user_version").fetchone()[0],
            counts={t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables},
            unit_columns=[r[1] for r in conn.execute("PRAGMA table_info(unit)")],
            test_unit_names=conn.execute("SELECT count(*) FROM unit WHERE name LIKE '测试单位%'").fetchone()[0])
        if "crash_probe" in tables:
            state.probe_columns = [r[1] for r in conn.execute("PRAGMA table_info(crash_probe)")]
            first, last, distinct = conn.execute(
                "SELECT min(id), max(id), count(DISTINCT title) FROM crash_probe").fetchone()
            state.probe_complete = (first, last, distinct) == (1, PROBE_ROWS, PROBE_ROWS)
        if "probe_flag" in state.unit_columns:
            state.flagged_units = conn.execute("SELECT count(*) FROM unit WHERE probe_flag = 1").fetchone()[0]
        return state
    finally:
        conn.close()


def assert_backups_whole(db_file: Path) -> None:
    """A backup zip under its real name is complete: the crash may leave only a hidden .part file."""
    folder = backup_dir_for(db_file)
    for backup in folder.glob("*.zip") if folder.is_dir() else []:
        verify_backup(backup)


@dataclass
class Run:
    returncode: int
    duration: float  # from READY to exit (or to the kill)
    stderr: str


def run_child(script: Path, env: dict[str, str], args: list[str], workdir: Path,
              kill_after: float | None) -> Run:
    stderr_path = workdir / "child-stderr.txt"
    with open(stderr_path, "wb") as stderr:
        proc = subprocess.Popen([sys.executable, str(script), *args], stdout=subprocess.PIPE, stderr=stderr,
                                env=env, cwd=workdir)
        try:
            line = proc.stdout.readline()
            start = time.perf_counter()
            if line.strip() == b"READY" and kill_after is not None:
                time.sleep(kill_after)
                proc.kill()  # SIGKILL: no handler, no cleanup, like a power cut for this process
            proc.wait(timeout=120)
            duration = time.perf_counter() - start
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
    text = stderr_path.read_text(encoding="utf-8", errors="replace")
    assert line.strip() == b"READY", f"child failed before READY (rc {proc.returncode}):\n{text}"
    assert proc.returncode in (0, -signal.SIGKILL), f"child failed (rc {proc.returncode}):\n{text}"
    return Run(proc.returncode, duration, text)


@pytest.fixture
def template(tmp_path) -> Path:
    """The demo county, built once per test and copied for every kill round."""
    path = tmp_path / "template" / "taizhang.sqlite"
    create_demo_database(path)
    for suffix in ("-wal", "-shm"):
        assert not Path(str(path) + suffix).exists() or Path(str(path) + suffix).stat().st_size == 0
    return path


@pytest.fixture
def child_script(tmp_path) -> Path:
    script = tmp_path / "crash_child.py"
    script.write_text(CHILD, encoding="utf-8")
    return script


def fresh_copy(template: Path, workdir: Path) -> Path:
    workdir.mkdir(parents=True)
    target = workdir / template.name
    shutil.copyfile(template, target)
    return target


def uninterrupted(script: Path, env: dict[str, str], args_for, template: Path, workdir: Path
                  ) -> tuple[FileState, float]:
    """Two runs left alone: the "after" state (the same both times) and the longer of the two durations,
    which the kill delays are spread over — the longer, so that a machine busy with something else still
    sees kills land after the commit."""
    states, durations = [], []
    for attempt in range(2):
        folder = workdir / str(attempt)
        db_file = fresh_copy(template, folder)
        run = run_child(script, env, args_for(db_file), folder, kill_after=None)
        assert run.returncode == 0, run.stderr
        states.append(inspect_file(db_file))
        durations.append(run.duration)
        shutil.rmtree(folder)
    assert states[0].counts == states[1].counts
    return states[0], max(durations)


class Outcomes:
    def __init__(self) -> None:
        self.before = self.after = self.killed = 0
        self.inside = 0  # "before", yet the safety backup taken just ahead of the transaction exists

    def __str__(self) -> str:
        return (f"before {self.before} (of which {self.inside} were killed after the safety backup that "
                f"directly precedes the transaction), "
                f"after {self.after}; {self.killed} of all were really killed, the rest had exited")

    def check(self, total: int) -> None:
        assert self.before >= 1 and self.after >= 1, f"timing proves nothing: {self}"
        assert self.inside >= 1, f"no kill landed between the safety backup and the commit: {self}"
        assert self.killed >= total // 2, f"most kills should land while the child runs: {self}"


def has_backup(db_file: Path, reason: str) -> bool:
    folder = backup_dir_for(db_file)
    return folder.is_dir() and any(folder.glob(f"*-{reason}-*.zip"))


def test_import_killed_at_random_points_is_all_or_nothing(tmp_path, template, child_script, child_env,
                                                           capsys):
    started = time.perf_counter()
    pasted = tmp_path / "pasted.txt"
    pasted.write_text("\n".join(f"测试单位{i:04d}\t其他" for i in range(1, IMPORT_UNITS + 1)), encoding="utf-8")
    before = inspect_file(template)
    assert before.test_unit_names == 0

    import_args = lambda db_file: ["import", str(db_file), str(pasted), str(IMPORT_UNITS)]
    after, duration = uninterrupted(child_script, child_env, import_args, template, tmp_path / "import-clean")
    assert after.counts["unit"] == before.counts["unit"] + IMPORT_UNITS
    assert after.test_unit_names == IMPORT_UNITS
    assert after.counts["audit_log"] > before.counts["audit_log"]
    assert 0.15 < duration < 10, f"import took {duration:.2f} s; kills would not land inside it"

    rng = random.Random(20261121)
    seen = Outcomes()
    for round_number in range(IMPORT_KILLS):
        workdir = tmp_path / f"import-{round_number:02d}"
        db_file = fresh_copy(template, workdir)
        delay = rng.uniform(0, SPREAD * duration)
        run = run_child(child_script, child_env, import_args(db_file), workdir, kill_after=delay)
        state = inspect_file(db_file)
        where = f"round {round_number}, killed {delay * 1000:.0f} ms after READY"
        if state.counts == before.counts:
            assert state.test_unit_names == 0, where
            seen.before += 1
            seen.inside += has_backup(db_file, "导入前")
        else:
            assert state.counts == after.counts, f"{where}: a partial import: {state.counts}"
            assert state.test_unit_names == IMPORT_UNITS, where
            seen.after += 1
        seen.killed += run.returncode == -signal.SIGKILL
        assert_backups_whole(db_file)
        session = open_session(db_file)  # the dead child's lock is gone
        session.close()
        assert inspect_file(db_file).counts == state.counts, where
        shutil.rmtree(workdir)

    with capsys.disabled():
        print(f"\nimport: {IMPORT_KILLS} kills over 0–{SPREAD * duration * 1000:.0f} ms: {seen}; "
              f"{time.perf_counter() - started:.1f} s")
    seen.check(IMPORT_KILLS)


def test_migration_killed_at_random_points_leaves_old_or_new_version(tmp_path, template, child_script,
                                                                     child_env, monkeypatch, capsys):
    started = time.perf_counter()
    before = inspect_file(template)
    assert before.version == SCHEMA_VERSION and "crash_probe" not in before.counts

    migrate_args = lambda db_file: ["migrate", str(db_file)]
    after, duration = uninterrupted(child_script, child_env, migrate_args, template,
                                    tmp_path / "migrate-clean")
    assert after.version == PROBE_VERSION and after.probe_complete
    assert after.counts == {**before.counts, "crash_probe": PROBE_ROWS}
    assert after.flagged_units == before.counts["unit"] and "title" in after.probe_columns
    assert 0.15 < duration < 10, f"upgrade took {duration:.2f} s; kills would not land inside it"

    # reopening as the release that ships the extra step: an old file resumes the upgrade, a new one opens
    monkeypatch.setattr(migrations_mod, "MIGRATIONS", PROBE_STEPS)
    monkeypatch.setattr(migrations_mod, "SCHEMA_VERSION", PROBE_VERSION)
    monkeypatch.setattr(session_mod, "SCHEMA_VERSION", PROBE_VERSION)

    rng = random.Random(20261122)
    seen = Outcomes()
    for round_number in range(MIGRATION_KILLS):
        workdir = tmp_path / f"migrate-{round_number:02d}"
        db_file = fresh_copy(template, workdir)
        delay = rng.uniform(0, SPREAD * duration)
        run = run_child(child_script, child_env, migrate_args(db_file), workdir, kill_after=delay)
        state = inspect_file(db_file)
        where = f"round {round_number}, killed {delay * 1000:.0f} ms after READY"
        if state.version == SCHEMA_VERSION:
            assert state.counts == before.counts, f"{where}: old version but changed rows: {state.counts}"
            assert state.unit_columns == before.unit_columns and not state.probe_columns, where
            seen.before += 1
            seen.inside += has_backup(db_file, f"升级前v{SCHEMA_VERSION}")
        else:
            assert state.version == PROBE_VERSION, f"{where}: version {state.version}"
            assert state.counts == after.counts, f"{where}: new version but partial rows: {state.counts}"
            assert state.probe_complete and state.probe_columns == after.probe_columns, where
            assert state.unit_columns == after.unit_columns, where
            assert state.flagged_units == after.flagged_units, where
            seen.after += 1
        seen.killed += run.returncode == -signal.SIGKILL
        assert_backups_whole(db_file)

        session = open_session(db_file)
        session.close()
        reopened = inspect_file(db_file)
        assert reopened.version == PROBE_VERSION and reopened.probe_complete, where
        assert reopened.counts == after.counts and reopened.flagged_units == after.flagged_units, where
        shutil.rmtree(workdir)

    with capsys.disabled():
        print(f"\nmigration: {MIGRATION_KILLS} kills over 0–{SPREAD * duration * 1000:.0f} ms: {seen}; "
              f"{time.perf_counter() - started:.1f} s")
    seen.check(MIGRATION_KILLS)


def kill_rounds(name: str, rounds: int, seed: int, script: Path, env: dict[str, str], args_for,
                template: Path, tmp_path: Path, backup_reason: str, capsys) -> None:
    """The all-or-nothing proof for one job: two clean runs give the "after" state, then `rounds` kills
    spread over the clean duration must each leave exactly "before" or exactly "after"."""
    started = time.perf_counter()
    before = inspect_file(template)
    after, duration = uninterrupted(script, env, args_for, template, tmp_path / f"{name}-clean")
    assert after.counts != before.counts, f"{name} changed nothing"
    assert 0.15 < duration < 15, f"{name} took {duration:.2f} s; kills would not land inside it"
    rng = random.Random(seed)
    seen = Outcomes()
    for round_number in range(rounds):
        workdir = tmp_path / f"{name}-{round_number:02d}"
        db_file = fresh_copy(template, workdir)
        delay = rng.uniform(0, SPREAD * duration)
        run = run_child(script, env, args_for(db_file), workdir, kill_after=delay)
        state = inspect_file(db_file)
        where = f"{name} round {round_number}, killed {delay * 1000:.0f} ms after READY"
        if state.counts == before.counts:
            seen.before += 1
            seen.inside += has_backup(db_file, backup_reason)
        else:
            assert state.counts == after.counts, f"{where}: partly applied: {state.counts}"
            seen.after += 1
        seen.killed += run.returncode == -signal.SIGKILL
        assert_backups_whole(db_file)
        session = open_session(db_file)
        session.close()
        assert inspect_file(db_file).counts == state.counts, where
        shutil.rmtree(workdir)
    with capsys.disabled():
        print(f"\n{name}: {rounds} kills over 0–{SPREAD * duration * 1000:.0f} ms: {seen}; "
              f"{time.perf_counter() - started:.1f} s")
    seen.check(rounds)


def test_cleanup_apply_killed_at_random_points_is_all_or_nothing(tmp_path, template, child_script, child_env,
                                                                 capsys):
    """The demo plus 400 officers whose cards expired, so that 清理 has ~450 cards to cancel (≈ 1 s)."""
    import datetime

    from desktop_app.core.db import db
    from desktop_app.core.id_card import id_check_character
    from desktop_app.core.models import Unit
    from desktop_app.core.personnel import certificates as certs
    from desktop_app.core.personnel import officers
    from desktop_app.core.personnel.cleanup import build_candidates

    bigger = fresh_copy(template, tmp_path / "cleanup-template")
    session = open_session(bigger)
    try:
        unit = Unit.get(Unit.short_name == "市场监督管理分局")
        with db.atomic():
            for n in range(400):
                body = f"640381{1970 + n % 30}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
                person = officers.create_officer(officers.OfficerInput(
                    unit_id=unit.id, name="马军", id_number=body + id_check_character(body),
                    category="行政编制公务员"), on_date=datetime.date(2019, 1, 1))
                certs.register_existing(person.id, certs.CertificateInput(
                    number=f"CL{n:06d}", issued_on="2019-03-01", valid_until="2024-02-28"))
        candidates = len(build_candidates())
    finally:
        session.close()
    assert candidates >= 400
    kill_rounds("cleanup", 20, 20261123, child_script, child_env,
                lambda db_file: ["cleanup", str(db_file), str(candidates)], bigger, tmp_path, "清理前", capsys)


def test_roster_import_killed_at_random_points_is_all_or_nothing(tmp_path, template, child_script, child_env,
                                                                 capsys):
    from openpyxl import Workbook

    from desktop_app.core.id_card import id_check_character

    source = tmp_path / "名册.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["单位", "姓名", "公民身份号码", "人员类别", "证号", "发证日期", "有效期至"])
    for n in range(6000):
        body = f"640381{1970 + n % 30}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
        sheet.append(["吴忠市市场监督管理局红寺堡分局", f"测试{n:04d}"[:2] + "军", body + id_check_character(body),
                      "行政编制公务员", f"CS{n:06d}", "2023-03-01", "2028-02-28"])
    book.save(source)
    kill_rounds("roster", 20, 20261124, child_script, child_env,
                lambda db_file: ["roster", str(db_file), str(source)], template, tmp_path, "导入人员前", capsys)
