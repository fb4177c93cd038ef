"""`check`: is a database file sound? Integrity, foreign keys, schema version, row counts.

Opens the file read-only with the standard library, so it works on a file another instance has open and
never migrates or changes anything.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.core.audit import CHAIN_COLUMNS, verify_rows
from desktop_app.core.db import SQLITE_HEADER, connect_readonly, table_counts
from desktop_app.core.migrations import SCHEMA_VERSION
from desktop_app.core.models import ALL_MODELS


@dataclass
class CheckReport:
    path: Path
    schema_version: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        out = [f"数据库：{self.path}"]
        if self.schema_version is not None:
            out.append(f"数据结构版本：{self.schema_version}（本软件：{SCHEMA_VERSION}）")
        if self.counts:
            out.append("各表行数：")
            out += [f"  {table}: {n}" for table, n in self.counts.items()]
        out += [f"说明：{n}" for n in self.notes]
        out += [f"问题：{p}" for p in self.problems]
        out.append("结论：正常" if self.ok else f"结论：发现 {len(self.problems)} 个问题")
        return out


def check_database(path: Path) -> CheckReport:
    path = Path(path)
    report = CheckReport(path)
    if not path.is_file():
        report.problems.append("文件不存在。")
        return report
    try:
        conn = connect_readonly(path)
    except sqlite3.Error as exc:
        report.problems.append(f"无法打开：{exc}")
        return report
    try:
        _inspect(conn, report)
    except sqlite3.DatabaseError as exc:
        with path.open("rb") as handle:
            is_sqlite = handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
        report.problems.append(f"数据库文件已损坏，无法完成检查（{exc}）。请从备份恢复。" if is_sqlite
                               else "这不是本软件的数据库文件（文件头不符）。")
    finally:
        conn.close()
    return report


def _inspect(conn: sqlite3.Connection, report: CheckReport) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    report.schema_version = version
    try:
        messages = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
    except sqlite3.DatabaseError as exc:  # damage severe enough that the check itself cannot finish
        report.problems.append(f"完整性检查：数据库文件已损坏（{exc}），请从备份恢复。")
        return
    if messages != ["ok"]:
        report.problems += [f"完整性检查：{m}" for m in messages]
    fk_rows = conn.execute("PRAGMA foreign_key_check").fetchall()
    if fk_rows:
        report.problems.append(f"有 {len(fk_rows)} 处外键引用指向不存在的记录（如表 {fk_rows[0][0]}）。")
    if version > SCHEMA_VERSION:
        report.problems.append("该数据库来自更新版本的软件，本软件不能打开。")
    elif version < SCHEMA_VERSION:
        report.notes.append(f"打开时将自动升级到版本 {SCHEMA_VERSION}（升级前会先备份）。")
    report.counts = table_counts(conn)
    tables = list(report.counts)
    if "audit_log" in tables:
        chain = verify_rows(conn.execute(f"SELECT {CHAIN_COLUMNS} FROM audit_log ORDER BY id"))
        (report.notes if chain.ok else report.problems).append(chain.message())
    if version == SCHEMA_VERSION:
        missing = [m._meta.table_name for m in ALL_MODELS if m._meta.table_name not in tables]
        if missing:
            report.problems.append(f"缺少数据表：{'、'.join(missing)}。")
