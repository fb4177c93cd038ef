"""Backups and restore, end to end: backup → damage → restore → identical data, with evidence files."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import zipfile

import pytest

from desktop_app.core import db as dbmod
from desktop_app.core.backup import create_backup, list_backups, read_info, rotate, verify_backup
from desktop_app.core.errors import AppError, DatabaseTooNew
from desktop_app.core.models import Unit
from desktop_app.core.units import UnitInput, create_unit
from desktop_app.paths import attachments_dir_for


def dump(path):
    """Every row of every table, to compare two databases exactly."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}
    finally:
        conn.close()


def test_backup_damage_restore_gives_identical_data_and_files(demo_session, tmp_path):
    attachments = attachments_dir_for(demo_session.path)
    (attachments / "证据").mkdir(parents=True)
    (attachments / "证据" / "扫描件.pdf").write_bytes(b"%PDF-1.4 evidence")
    backup = demo_session.backup("手动", tmp_path / "U盘")
    dbmod.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    expected = dump(demo_session.path)

    # damage: units deleted and renamed, evidence overwritten, a stray file added
    create_unit(UnitInput("红寺堡区临时单位", "other"))
    Unit.update(name=Unit.name + "（错）").where(Unit.kind == "township").execute()
    (attachments / "证据" / "扫描件.pdf").write_bytes(b"overwritten")
    (attachments / "多余.txt").write_text("x")

    result = demo_session.restore(backup)
    dbmod.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert dump(demo_session.path) == expected
    assert (attachments / "证据" / "扫描件.pdf").read_bytes() == b"%PDF-1.4 evidence"
    assert not (attachments / "多余.txt").exists()
    assert Unit.select().where(Unit.name == "红寺堡区临时单位").count() == 0  # db usable after restore
    # the data as it was before the restore was kept
    safety = read_info(result.safety_copy)
    assert safety.reason == "恢复前" and safety.counts["unit"] == len(expected["unit"]) + 1


def test_manifest_lists_versions_counts_and_hashes(demo_session, tmp_path):
    backup = create_backup(demo_session.path, tmp_path, "手动")
    info = read_info(backup)
    assert info.counts["unit"] == Unit.select().count()
    assert info.schema_version >= 2 and info.app_version
    assert set(info.files) == {"database.sqlite"}
    assert len(info.files["database.sqlite"]["sha256"]) == 64
    assert "共" in info.summary() and "手动" in info.summary()
    assert [b.path for b in list_backups(tmp_path)] == [backup]


def test_tampered_or_foreign_backups_are_refused(demo_session, tmp_path):
    backup = create_backup(demo_session.path, tmp_path, "手动")
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(backup) as src, zipfile.ZipFile(tampered, "w") as out:
        for name in src.namelist():
            data = src.read(name)
            out.writestr(name, data[:-10] + b"0" * 10 if name == "database.sqlite" else data)
    with pytest.raises(AppError, match="校验值不符"):
        verify_backup(tampered)
    foreign = tmp_path / "notes.zip"
    with zipfile.ZipFile(foreign, "w") as out:
        out.writestr("readme.txt", "hello")
    with pytest.raises(AppError, match="不是本软件的备份"):
        verify_backup(foreign)


def test_backup_from_a_newer_version_is_refused_before_anything_changes(demo_session, tmp_path):
    backup = create_backup(demo_session.path, tmp_path, "手动")
    newer = tmp_path / "newer.zip"
    with zipfile.ZipFile(backup) as src, zipfile.ZipFile(newer, "w") as out:
        for name in src.namelist():
            data = src.read(name)
            if name == "manifest.json":
                manifest = json.loads(data)
                manifest["schema_version"] = 999
                data = json.dumps(manifest).encode()
            out.writestr(name, data)
    units = Unit.select().count()
    with pytest.raises(DatabaseTooNew):
        demo_session.restore(newer)
    assert Unit.select().count() == units


def test_rotation_keeps_daily_weekly_monthly_and_manual(tmp_path, monkeypatch):
    from desktop_app.core import backup as backup_mod

    now = dt.datetime(2026, 11, 21, 18, 0)
    made = []
    for days_ago in range(0, 400, 1):  # one automatic backup a day for 400 days
        when = now - dt.timedelta(days=days_ago)
        path = tmp_path / f"db-每日-{when:%Y%m%d-%H%M%S}.zip"
        made.append((path, when))
    infos = [backup_mod.BackupInfo(p, w, "每日", "0", 2) for p, w in made]
    manual = backup_mod.BackupInfo(tmp_path / "db-手动.zip", now - dt.timedelta(days=300), "手动", "0", 2)
    for info in infos + [manual]:
        info.path.write_bytes(b"x")
    monkeypatch.setattr(backup_mod, "list_backups", lambda d: sorted(infos + [manual], key=lambda b: b.created_at,
                                                                        reverse=True))
    removed = set(rotate(tmp_path, 7, 4, 12, now=now))
    kept = {p for p, _ in made} - removed
    assert manual.path.exists()
    assert len(kept) <= 7 + 4 + 12 and len(kept) >= 12
    newest_days = {p for p, w in made if (now - w).days < 7}
    assert newest_days <= kept
    months = {(w.year, w.month) for p, w in made if p in kept}
    assert len(months) >= 12
