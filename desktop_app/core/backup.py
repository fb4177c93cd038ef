"""Consistent copies of the database with SQLite's online backup API (safe while the app is running)."""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from desktop_app.core.db import connect_readonly


def backup_file(source: Path, dest: Path) -> Path:
    """Copy `source` to `dest` page by page through the backup API; `dest` appears only when complete."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".part")
    src = connect_readonly(source)
    try:
        out = sqlite3.connect(partial)
        try:
            src.backup(out)
            out.execute("PRAGMA journal_mode=DELETE")
        finally:
            out.close()
    finally:
        src.close()
    os.replace(partial, dest)
    return dest


def timestamped_name(db_path: Path, reason: str) -> str:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return f"{Path(db_path).stem}-{reason}-{stamp}.sqlite"
