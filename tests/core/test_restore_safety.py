"""Restore never loses evidence files: a plain .sqlite copy leaves them alone, the backup being restored
is not rotated away by the safety copy, and each database keeps its own backups."""
from __future__ import annotations

import datetime as dt
import shutil

from desktop_app.core import backup as backup_mod
from desktop_app.core.backup import create_backup, list_backups
from desktop_app.core.session import open_session
from desktop_app.paths import attachments_dir_for, backup_dir_for


def test_restoring_a_plain_sqlite_copy_keeps_the_evidence_folder(demo_session, tmp_path):
    evidence = attachments_dir_for(demo_session.path) / "进展" / "1"
    evidence.mkdir(parents=True)
    (evidence / "照片.jpg").write_bytes(b"jpeg")
    copy = tmp_path / "手工副本.sqlite"
    backup_mod.backup_file(demo_session.path, copy)
    demo_session.restore(copy)
    assert (evidence / "照片.jpg").read_bytes() == b"jpeg"


def test_the_backup_being_restored_survives_the_safety_copy(demo_session, monkeypatch):
    evidence = attachments_dir_for(demo_session.path)
    evidence.mkdir(parents=True, exist_ok=True)
    (evidence / "材料.pdf").write_bytes(b"pdf")
    old = demo_session.backup("每日")
    # make rotation want to delete it: it is old and not the newest of its day
    real_read = backup_mod.read_info

    def aged(path):
        info = real_read(path)
        if path == old:
            info.created_at -= dt.timedelta(days=400)
        return info

    monkeypatch.setattr(backup_mod, "read_info", aged)
    demo_session.restore(old)
    assert (evidence / "材料.pdf").read_bytes() == b"pdf"


def test_each_database_rotates_only_its_own_backups(tmp_path):
    real = tmp_path / "taizhang.sqlite"
    demo = tmp_path / "demo.sqlite"
    for path in (real, demo):
        session = open_session(path)
        session.close()
    assert backup_dir_for(real) != backup_dir_for(demo)
    mine = create_backup(real, backup_dir_for(real), "每日")
    create_backup(demo, backup_dir_for(demo), "退出")
    assert [b.path for b in list_backups(backup_dir_for(real))] == [mine]
    shutil.rmtree(backup_dir_for(demo))
    assert mine.exists()
