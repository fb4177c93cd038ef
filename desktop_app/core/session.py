"""Opening a database for work: take the single-writer lock, connect, migrate (backup first)."""
from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core import db as dbmod
from desktop_app.core.backup import (
    BackupInfo,
    create_backup,
    has_backup_today,
    list_backups,
    restore_files,
    rotate,
    verify_backup,
)
from desktop_app.core.errors import DatabaseTooNew
from desktop_app.core.lock import DatabaseLock
from desktop_app.core.migrations import SCHEMA_VERSION, MigrationResult, migrate, too_new_message
from desktop_app.paths import backup_dir_for


@dataclass
class RestoreResult:
    restored: BackupInfo
    safety_copy: Path  # the data as it was just before the restore


@dataclass
class Session:
    path: Path
    lock: DatabaseLock
    migration: MigrationResult

    @property
    def backup_dir(self) -> Path:
        return backup_dir_for(self.path)

    def close(self) -> None:
        dbmod.close_database()
        self.lock.release()

    def backup(self, reason: str, to_dir: Path | None = None) -> Path:
        """A full backup; automatic ones (into the backups folder) are followed by rotation."""
        path = create_backup(self.path, to_dir or self.backup_dir, reason)
        if to_dir is None:
            rotate_with_settings(self.backup_dir)
        return path

    def exit_backup(self) -> Path | None:
        """Back up on exit unless nothing was written since the newest backup. Every write goes through
        the audit trail, so an unchanged audit count means unchanged data (file times are no guide:
        SQLite touches the -wal on every open)."""
        newest = list_backups(self.backup_dir)
        entries = dbmod.db.execute_sql("SELECT count(*) FROM audit_log").fetchone()[0]
        if newest and newest[0].counts.get("audit_log") == entries:
            return None
        return self.backup("退出")

    def daily_backup_if_due(self) -> Path | None:
        return None if has_backup_today(self.backup_dir) else self.backup("每日")

    def restore(self, backup: Path) -> RestoreResult:
        """Verify `backup`, keep a copy of the current data, swap the backup in and reopen (migrating an
        older backup). The lock stays held throughout, so no other instance can slip in."""
        backup = Path(backup)
        with tempfile.TemporaryDirectory(prefix="restore-", dir=self.path.parent) as tmp:
            verified = Path(tmp) / "verified.sqlite"
            info = verify_backup(backup, extract_db_to=verified)
            # not self.backup(): rotating now could delete the very backup being restored
            safety = create_backup(self.path, self.backup_dir, "恢复前")
            dbmod.close_database()
            try:
                restore_files(backup, self.path, verified)
            finally:
                dbmod.open_database(self.path)
                self.migration = migrate(dbmod.db, self.backup_dir)
        rotate_with_settings(self.backup_dir)
        return RestoreResult(info, safety)


def open_session(path: Path) -> Session:
    """Raises DatabaseLocked, DatabaseTooNew or DatabaseError with a message for the clerk."""
    path = Path(path).resolve()
    lock = DatabaseLock(path)
    lock.acquire()
    try:
        _refuse_newer(path)
        dbmod.open_database(path)
        result = migrate(dbmod.db, backup_dir_for(path))
    except BaseException:
        dbmod.close_database()
        lock.release()
        raise
    return Session(path, lock, result)


def _refuse_newer(path: Path) -> None:
    """Read the version read-only first: connecting for work switches the file to WAL, and a file from a
    newer release (perhaps a backup) must be refused without a single byte changed."""
    if not path.exists() or path.stat().st_size == 0:
        return
    dbmod.assert_sqlite_file(path)
    try:
        conn = dbmod.connect_readonly(path)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return  # open_database reports a damaged file in its own words
    if version > SCHEMA_VERSION:
        raise DatabaseTooNew(too_new_message(version, SCHEMA_VERSION))


def rotate_with_settings(directory: Path) -> list[Path]:
    from desktop_app.core.settings import get_setting

    return rotate(directory, get_setting("backup_keep_daily"), get_setting("backup_keep_weekly"),
                  get_setting("backup_keep_monthly"))


def backup_open_database(reason: str) -> Path | None:
    """Safety backup of the database this process has open (before an import commit, a 清理 apply…)."""
    path = dbmod.database_path()
    if path is None or not path.exists():
        return None
    backup = create_backup(path, backup_dir_for(path), reason)
    rotate_with_settings(backup_dir_for(path))
    return backup
