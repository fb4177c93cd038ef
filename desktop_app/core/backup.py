"""Backups: consistent copies through SQLite's online backup API, packed with the evidence files into one
zip with a manifest (app and schema version, row counts, SHA-256 of every file); rotation; verification;
restore.

Every backup file is written under a temporary name and renamed when complete, so a crash never leaves a
half-written backup that looks whole.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from desktop_app import APP_NAME, __version__
from desktop_app.core.db import connect_readonly, table_counts
from desktop_app.core.errors import AppError, DatabaseTooNew
from desktop_app.core.files import atomic_path, file_sha256
from desktop_app.paths import attachments_dir_for

MANIFEST = "manifest.json"
DB_MEMBER = "database.sqlite"
ATTACHMENTS = "attachments"
MANUAL_REASONS = ("手动",)
STAMP = "%Y%m%d-%H%M%S"


@dataclass
class BackupInfo:
    path: Path
    created_at: dt.datetime
    reason: str
    app_version: str
    schema_version: int
    counts: dict[str, int] = field(default_factory=dict)
    files: dict[str, dict] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return self.path.stat().st_size if self.path.exists() else 0

    @property
    def automatic(self) -> bool:
        return self.reason not in MANUAL_REASONS

    def summary(self) -> str:
        rows = sum(self.counts.values())
        return (f"{self.created_at:%Y-%m-%d %H:%M}（{self.reason}），软件 {self.app_version}，"
                f"数据结构版本 {self.schema_version}，共 {rows} 行数据")


def backup_file(source: Path, dest: Path) -> Path:
    """A consistent single-file copy of a live database (page by page through the backup API)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(dest) as partial:
        partial.unlink()
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
    return dest


def _version_and_counts(path: Path) -> tuple[int, dict[str, int]]:
    conn = connect_readonly(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0], table_counts(conn)
    finally:
        conn.close()


def backup_name(db_path: Path, reason: str, when: dt.datetime) -> str:
    return f"{Path(db_path).stem}-{reason}-{when.strftime(STAMP)}.zip"


def create_backup(db_path: Path, dest_dir: Path, reason: str, name: str | None = None) -> Path:
    """Zip of the database (online copy), its evidence files and a manifest; returns the zip's path."""
    db_path = Path(db_path)
    when = dt.datetime.now().replace(microsecond=0)
    target = Path(dest_dir) / (name or backup_name(db_path, reason, when))
    with tempfile.TemporaryDirectory(prefix="backup-") as tmp:
        copy = backup_file(db_path, Path(tmp) / DB_MEMBER)
        version, counts = _version_and_counts(copy)
        files = {DB_MEMBER: {"sha256": file_sha256(copy), "size": copy.stat().st_size}}
        attachments = attachments_dir_for(db_path)
        extra = sorted(p for p in attachments.rglob("*") if p.is_file()) if attachments.is_dir() else []
        for item in extra:
            member = f"{ATTACHMENTS}/{item.relative_to(attachments).as_posix()}"
            files[member] = {"sha256": file_sha256(item), "size": item.stat().st_size}
        manifest = {"app": APP_NAME, "app_version": __version__, "schema_version": version,
                    "created_at": when.isoformat(sep=" "), "reason": reason, "source": str(db_path),
                    "counts": counts, "files": files}
        with atomic_path(target) as partial:
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
                archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
                archive.write(copy, DB_MEMBER)
                for item in extra:
                    archive.write(item, f"{ATTACHMENTS}/{item.relative_to(attachments).as_posix()}")
    return target


def read_info(path: Path) -> BackupInfo:
    """The manifest of a backup zip, or the facts of a plain .sqlite copy (older pre-upgrade backups)."""
    path = Path(path)
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
            return BackupInfo(path, dt.datetime.fromisoformat(manifest["created_at"]), manifest["reason"],
                              manifest["app_version"], int(manifest["schema_version"]),
                              manifest.get("counts", {}), manifest.get("files", {}))
        version, counts = _version_and_counts(path)
    except (KeyError, ValueError, zipfile.BadZipFile, sqlite3.DatabaseError, OSError) as exc:
        raise AppError(f"“{path.name}”不是本软件的备份文件，或已损坏（{type(exc).__name__}）。") from exc
    when = dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
    return BackupInfo(path, when, "数据库副本", "?", version, counts)


def list_backups(directory: Path) -> list[BackupInfo]:
    """Backups in a folder, newest first; files that are not readable backups are skipped."""
    found = []
    directory = Path(directory)
    if directory.is_dir():
        for path in directory.glob("*.zip"):  # a plain .sqlite copy can still be restored when picked
            try:
                found.append(read_info(path))
            except AppError:
                continue
    return sorted(found, key=lambda info: info.created_at, reverse=True)


def _check_member_name(name: str) -> None:
    pure = PurePosixPath(name)
    # ':' would make a drive-relative path on Windows (attachments/C:x.txt)
    if pure.is_absolute() or ".." in pure.parts or "\\" in name or ":" in name:
        raise AppError(f"备份中有不安全的文件名“{name}”，已拒绝。")


def verify_backup(path: Path, extract_db_to: Path | None = None) -> BackupInfo:
    """Check every file against the manifest, the database with integrity_check, and that its schema is
    not newer than this app. Optionally leave the verified database at `extract_db_to`."""
    from desktop_app.core.migrations import SCHEMA_VERSION, too_new_message

    info = read_info(path)
    if info.schema_version > SCHEMA_VERSION:
        raise DatabaseTooNew(too_new_message(info.schema_version, SCHEMA_VERSION))
    with tempfile.TemporaryDirectory(prefix="verify-") as tmp:
        db_copy = Path(tmp) / DB_MEMBER
        if zipfile.is_zipfile(path):
            _verify_zip(Path(path), info, db_copy)
        else:
            shutil.copyfile(path, db_copy)
        conn = sqlite3.connect(db_copy)
        try:
            result = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
        except sqlite3.DatabaseError as exc:
            result = [str(exc)]
        finally:
            conn.close()
        if result != ["ok"]:
            raise AppError(f"备份“{Path(path).name}”中的数据库已损坏：{'；'.join(result)}")
        if extract_db_to is not None:
            shutil.move(db_copy, extract_db_to)
    return info


def _verify_zip(path: Path, info: BackupInfo, db_copy: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist()) - {MANIFEST}
        if DB_MEMBER not in names or names != set(info.files):
            raise AppError(f"备份“{path.name}”的内容与清单不符（缺少或多出文件）。")
        for name, facts in info.files.items():
            _check_member_name(name)
            digest = hashlib.sha256()
            with archive.open(name) as member:
                for block in iter(lambda: member.read(1 << 20), b""):
                    digest.update(block)
            if digest.hexdigest() != facts["sha256"]:
                raise AppError(f"备份“{path.name}”中的“{name}”校验值不符，文件已损坏或被改动。")
        with archive.open(DB_MEMBER) as member, open(db_copy, "wb") as out:
            shutil.copyfileobj(member, out)


def restore_files(backup: Path, db_path: Path, verified_db: Path) -> None:
    """Swap the verified database and (for a full backup) the evidence files into place. The caller has
    closed every connection to `db_path` and holds its lock.

    The evidence folder is unpacked beside the live one first and swapped before the database; if the
    database swap then fails, the old evidence folder is put back, so the two never disagree. A plain
    .sqlite copy carries no evidence: the current folder is left alone."""
    db_path = Path(db_path)
    target = attachments_dir_for(db_path)
    incoming = _unpack_attachments(Path(backup), target) if zipfile.is_zipfile(backup) else None
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    try:
        if incoming is not None:
            if target.exists():
                os.replace(target, old)
            os.replace(incoming, target)
        _swap_database(db_path, verified_db)
    except PermissionError as exc:
        if incoming is not None and old.exists():
            shutil.rmtree(target, ignore_errors=True)
            os.replace(old, target)
        if incoming is not None:
            shutil.rmtree(incoming, ignore_errors=True)
        raise AppError(f"无法恢复：有文件正被其他程序打开（{Path(exc.filename or '').name or '数据库或证明材料'}）。"
                       "请关闭打开的证明材料、资源管理器窗口后重试；当前数据未被改动。") from exc
    shutil.rmtree(old, ignore_errors=True)


def _swap_database(db_path: Path, verified_db: Path) -> None:
    if db_path.exists():
        conn = sqlite3.connect(db_path)  # fold the WAL into the file so the -wal can go
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    os.replace(verified_db, db_path)


def _unpack_attachments(backup: Path, target: Path) -> Path:
    """The backup's evidence files, unpacked into a folder beside `target` (empty when it had none)."""
    incoming = target.with_name(target.name + ".restoring")
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir(parents=True)
    with zipfile.ZipFile(backup) as archive:
        for name in archive.namelist():
            if name.startswith(ATTACHMENTS + "/") and not name.endswith("/"):
                _check_member_name(name)
                dest = incoming / name[len(ATTACHMENTS) + 1:]
                dest.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(name) as member, open(dest, "wb") as out:
                    shutil.copyfileobj(member, out)
    return incoming


def rotate(directory: Path, keep_daily: int = 7, keep_weekly: int = 4, keep_monthly: int = 12,
           now: dt.datetime | None = None) -> list[Path]:
    """Grandfather-father-son over the automatic backups: the newest of each of the last `keep_daily`
    days, `keep_weekly` ISO weeks and `keep_monthly` months stay, as does anything under two days old.
    Manual backups are never deleted. Returns the deleted files."""
    now = now or dt.datetime.now()
    automatic = [b for b in list_backups(directory) if b.automatic]
    keep: set[Path] = {b.path for b in automatic if now - b.created_at < dt.timedelta(days=2)}
    for count, period in ((keep_daily, lambda d: d.date()), (keep_weekly, lambda d: d.isocalendar()[:2]),
                          (keep_monthly, lambda d: (d.year, d.month))):
        seen: list = []
        for backup in automatic:  # newest first
            key = period(backup.created_at)
            if key not in seen:
                seen.append(key)
                if len(seen) <= count:
                    keep.add(backup.path)
    removed = []
    for backup in automatic:
        if backup.path not in keep:
            backup.path.unlink(missing_ok=True)
            removed.append(backup.path)
    return removed


def has_backup_today(directory: Path) -> bool:
    today = dt.date.today()
    return any(b.created_at.date() == today for b in list_backups(directory))
