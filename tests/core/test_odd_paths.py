"""Windows desktops and USB sticks give folders with 中文, spaces, '#' and '%': every file path the core
opens read-only (check, backup, version pre-check) must survive them."""
from __future__ import annotations

import sqlite3

from desktop_app.core import db as dbmod
from desktop_app.core.backup import backup_file
from desktop_app.core.demo import populate_demo
from desktop_app.core.health import check_database
from desktop_app.core.migrations import SCHEMA_VERSION, migrate
from desktop_app.core.session import open_session
from desktop_app.paths import backup_dir_for


def test_demo_check_backup_and_upgrade_in_an_awkward_folder(tmp_path):
    folder = tmp_path / "执法 台账 #1 %20"
    path = folder / "数据.sqlite"
    session = open_session(path)
    try:
        populate_demo()
        units = dbmod.db.execute_sql("SELECT count(*) FROM unit").fetchone()[0]
        copy = backup_file(path, folder / "备份 #2" / "copy.sqlite")

        def add_column(db):
            db.execute_sql("ALTER TABLE unit ADD COLUMN extra TEXT")

        from desktop_app.core.migrations import MIGRATIONS

        result = migrate(dbmod.db, backup_dir_for(path), steps=MIGRATIONS + [add_column])
    finally:
        session.close()
    assert result.to_version == SCHEMA_VERSION + 1
    assert result.backup_path is not None and result.backup_path.parent == folder / "backups" / "数据"
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT count(*) FROM unit").fetchone()[0] == units
    report = check_database(copy)
    assert report.ok, report.problems
    assert report.counts["unit"] == units
