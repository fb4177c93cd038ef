"""Numbered migrations in PRAGMA user_version: fresh files, drift, newer files, backups, rollback, old files."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop_app.core import db as dbmod
from desktop_app.core.backup import verify_backup
from desktop_app.core.errors import DatabaseTooNew
from desktop_app.core.migrations import MIGRATIONS, SCHEMA_VERSION, migrate, schema_version
from desktop_app.core.models import ALL_MODELS
from desktop_app.core.session import open_session
from desktop_app.paths import backup_dir_for

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _columns(table: str) -> dict[str, bool]:
    """column name → NOT NULL, as the file has it."""
    return {row[1]: bool(row[3]) for row in dbmod.db.execute_sql(f'PRAGMA table_info("{table}")').fetchall()}


def test_fresh_database_reaches_current_version(session):
    assert session.migration.from_version == 0
    assert session.migration.to_version == SCHEMA_VERSION
    assert session.migration.backup_path is None  # nothing to lose in an empty file
    assert schema_version(dbmod.db) == SCHEMA_VERSION
    assert not backup_dir_for(session.path).exists()


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_model_matches_migrated_table(session, model):
    """A model changed without a migration (or the reverse) fails here, not on a clerk's machine."""
    table = model._meta.table_name
    actual = _columns(table)
    assert actual, f"table {table} missing"
    expected = {f.column_name: not f.null for f in model._meta.sorted_fields}
    assert set(actual) == set(expected)
    for column, not_null in expected.items():
        if column != model._meta.primary_key.column_name:
            assert actual[column] == not_null, f"{table}.{column}: NOT NULL differs between model and table"


def test_models_can_round_trip_through_the_tables(demo_session):
    """Every model can read every row of its table (column types and names agree)."""
    for model in ALL_MODELS:
        raw = dbmod.db.execute_sql(f'SELECT count(*) FROM "{model._meta.table_name}"').fetchone()[0]
        assert len(list(model.select())) == raw


def _make_too_new(path: Path, journal_mode: str) -> None:
    session = open_session(path)
    dbmod.db.execute_sql("CREATE TABLE added_by_a_newer_release (x INTEGER)")
    dbmod.db.execute_sql(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    session.close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode={journal_mode}")
    conn.close()


# "wal": as this app leaves its files; "delete": as backups (backup.py) and copies sent by e-mail are.
@pytest.mark.parametrize("journal_mode", ["wal", "delete"])
def test_newer_database_is_refused_and_left_untouched(tmp_path, journal_mode):
    path = tmp_path / "newer.sqlite"
    _make_too_new(path, journal_mode)
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNew) as excinfo:
        open_session(path)
    assert str(SCHEMA_VERSION + 1) in str(excinfo.value) and "升级" in str(excinfo.value)
    assert path.read_bytes() == before, "refusing a newer database must not modify the file"
    assert not backup_dir_for(path).exists()
    # the refusal released everything: the file can be handed to a newer release at once
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    conn.close()


def _add_remark_column(db) -> None:
    db.execute_sql("ALTER TABLE unit ADD COLUMN remark TEXT NOT NULL DEFAULT ''")


def test_upgrade_of_a_database_with_data_is_backed_up_first(demo_session, counts, tmp_path):
    path = demo_session.path
    before = {t: dbmod.db.execute_sql(f'SELECT count(*) FROM "{t}"').fetchone()[0]
              for t in (m._meta.table_name for m in ALL_MODELS)}
    result = migrate(dbmod.db, backup_dir_for(path), steps=MIGRATIONS + [_add_remark_column])

    assert (result.from_version, result.to_version) == (SCHEMA_VERSION, SCHEMA_VERSION + 1)
    assert "remark" in _columns("unit")
    assert schema_version(dbmod.db) == SCHEMA_VERSION + 1
    backup = result.backup_path
    assert backup is not None and backup.is_file()
    assert backup.parent == backup_dir_for(path)
    assert list(backup.parent.glob("*.part")) == []
    extracted = tmp_path / "from-backup.sqlite"
    info = verify_backup(backup, extract_db_to=extracted)  # hashes, integrity_check, schema not newer
    assert info.schema_version == SCHEMA_VERSION and info.reason.startswith("升级前")
    conn = sqlite3.connect(extracted)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert "remark" not in {r[1] for r in conn.execute("PRAGMA table_info(unit)")}
    finally:
        conn.close()
    assert counts(extracted) == before
    assert {t: n for t, n in info.counts.items() if t in before} == before
    assert before["unit"] > 0


def test_failing_step_rolls_back_completely(demo_session):
    def broken_step(db) -> None:
        db.execute_sql("CREATE TABLE half_done (id INTEGER PRIMARY KEY)")
        db.execute_sql("ALTER TABLE unit ADD COLUMN half_done TEXT")
        db.execute_sql("UPDATE unit SET name = name || '（改坏了）'")
        raise RuntimeError("step failed half-way")

    units_before = dbmod.db.execute_sql("SELECT id, name FROM unit ORDER BY id").fetchall()
    with pytest.raises(RuntimeError):
        migrate(dbmod.db, backup_dir_for(demo_session.path), steps=MIGRATIONS + [broken_step])

    assert schema_version(dbmod.db) == SCHEMA_VERSION
    tables = {r[0] for r in dbmod.db.execute_sql("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables
    assert "half_done" not in _columns("unit")
    assert dbmod.db.execute_sql("SELECT id, name FROM unit ORDER BY id").fetchall() == units_before
    # and the database is still usable at its old version
    assert migrate(dbmod.db, None).to_version == SCHEMA_VERSION


def test_every_schema_version_has_a_fixture():
    missing = [v for v in range(1, SCHEMA_VERSION + 1) if not (FIXTURES / f"schema_v{v}.sqlite").is_file()]
    assert missing == [], (f"add tests/fixtures/schema_v{missing}.sqlite with "
                           "`python tests/fixtures/make_fixture.py` and commit it")


def _fixtures() -> list[Path]:
    return sorted(FIXTURES.glob("schema_v*.sqlite"))


@pytest.mark.parametrize("fixture", _fixtures(), ids=lambda p: p.stem)
def test_fixture_is_one_self_contained_file(fixture):
    header = fixture.read_bytes()[:100]
    assert header[:16] == b"SQLite format 3\x00"
    assert header[18:20] == b"\x01\x01", "fixture is in WAL mode; it must be a single file"
    for suffix in ("-wal", "-shm", "-journal"):
        assert not Path(str(fixture) + suffix).exists()


@pytest.mark.parametrize("fixture", _fixtures(), ids=lambda p: p.stem)
def test_old_database_opens_upgrades_and_keeps_its_rows(fixture, tmp_path, counts):
    path = tmp_path / fixture.name
    shutil.copyfile(fixture, path)
    old_version = int(fixture.stem.removeprefix("schema_v"))
    before = counts(path)
    assert before.get("unit", 0) > 0, "a fixture should hold data"

    session = open_session(path)
    try:
        assert session.migration.from_version == old_version
        assert schema_version(dbmod.db) == SCHEMA_VERSION
        if old_version < SCHEMA_VERSION:
            assert session.migration.backup_path is not None
        after = {t: dbmod.db.execute_sql(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in before}
        for model in ALL_MODELS:  # the models can read the upgraded tables
            list(model.select())
    finally:
        session.close()
    assert after == before
