"""Opening a database for work: take the single-writer lock, connect, migrate (backup first)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop_app.core import db as dbmod
from desktop_app.core.lock import DatabaseLock
from desktop_app.core.migrations import MigrationResult, migrate
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
        dbmod.open_database(path)
        result = migrate(dbmod.db, backup_dir_for(path))
    except BaseException:
        dbmod.close_database()
        lock.release()
        raise
    return Session(path, lock, result)
