"""Opening a database for work: take the single-writer lock, connect, migrate (backup first)."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core import db as dbmod
from desktop_app.core.errors import DatabaseTooNew
from desktop_app.core.lock import DatabaseLock
from desktop_app.core.migrations import SCHEMA_VERSION, MigrationResult, migrate, too_new_message
from desktop_app.paths import backup_dir_for


@dataclass
class Session:
    path: Path
    lock: DatabaseLock
    migration: MigrationResult

    def close(self) -> None:
        dbmod.close_database()
        self.lock.release()


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
