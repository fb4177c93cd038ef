"""The one SQLite database the app works on, opened explicitly (never autoconnect).

Threading: peewee keeps one connection per thread. The GUI thread opens it with `open_database`;
a worker thread wraps its body in `db.connection_context()` and gets its own connection to the same
file. Writers take the lock up front (`BEGIN IMMEDIATE`) so two writers never deadlock on upgrade.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from peewee import SqliteDatabase

from desktop_app.core.errors import DatabaseError

db = SqliteDatabase(None, autoconnect=False, lock_type="IMMEDIATE")

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    # FULL: a power cut may not lose a commit the clerk was told had succeeded.
    "synchronous": "full",
    "cache_size": -32000,
    "busy_timeout": 5000,
}

SQLITE_HEADER = b"SQLite format 3\x00"


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A read-only standard-library connection; the URI is percent-encoded so that paths with 中文, spaces,
    '#' or '%' (common on Windows desktops and USB sticks) open correctly."""
    return sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)


def assert_sqlite_file(path: Path) -> None:
    """Refuse a file that exists but is not an SQLite database, before SQLite reports it obscurely."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise DatabaseError(f"文件“{path}”不是本软件的数据库文件（或已损坏），无法打开。")


def open_database(path: Path) -> None:
    """Bind `db` to the file and connect this thread. Migration is a separate step (migrations.py)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    assert_sqlite_file(path)
    if not db.is_closed():
        db.close()
    db.init(str(path), pragmas=PRAGMAS)
    try:
        db.connect()
        db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        if not db.is_closed():
            db.close()
        raise DatabaseError(f"数据库文件“{path}”已损坏，无法打开：{exc}") from exc


def close_database() -> None:
    if db.database and not db.is_closed():
        db.close()


def database_path() -> Path | None:
    return Path(db.database) if db.database else None


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per table, by name, on a standard-library connection (check, backup manifests)."""
    tables = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}
