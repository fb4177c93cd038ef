"""The audit trail: who changed what, when, with the before/after value of every changed field.

One append-only table (triggers refuse UPDATE/DELETE inside SQLite). Each entry stores the SHA-256 of its
own content plus the previous entry's hash, so an edit made outside the app — even one that drops the
triggers — breaks the chain, and `check` says where. Services call `record()` inside their own
transaction, so a change and its entry are committed together or not at all.
"""
from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable

from desktop_app.core.models import AuditLog

GENESIS = "0" * 64
ENTITY_LABELS = {"unit": "单位", "unit_group": "分组", "setting": "设置", "plan": "任务清单", "progress": "进展填报",
                 "officer": "执法人员", "certificate": "执法证件", "dictionary": "字典", "exam": "资格考试",
                 "appraisal": "年度考核", "cleanup": "证件清理",
                 "training": "培训"}
ACTION_LABELS = {"create": "新增", "update": "修改", "delete": "删除"}


def current_actor() -> str:
    """The name set in 设置 (经办人), else the Windows/Linux login name."""
    from desktop_app.core.settings import get_setting

    name = (get_setting("operator_name") or "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no login name in some service contexts
        return "未知用户"


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def diff(before: dict | None, after: dict | None) -> dict[str, list]:
    """Changed fields in the snapshot's own order; empty and absent count as the same."""
    before, after = before or {}, after or {}
    changes = {}
    for key in list(after) + [k for k in before if k not in after]:
        old, new = _plain(before.get(key)), _plain(after.get(key))
        if old != new and not (_is_empty(old) and _is_empty(new)):
            changes[key] = [old, new]
    return changes


def entry_hash(prev_hash: str, at: str, actor: str, action: str, entity: str, entity_id: int | None,
               unit_id: int | None, summary: str, changes: str) -> str:
    payload = json.dumps([at, actor, action, entity, entity_id, unit_id, summary, changes],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def record(action: str, entity: str, entity_id: int | None, before: dict | None = None,
           after: dict | None = None, summary: str = "", unit_id: int | None = None) -> AuditLog | None:
    """Append one entry (call inside the service's transaction). An update that changed nothing is not
    recorded."""
    changes = diff(before, after)
    if action == "update" and not changes:
        return None
    last = AuditLog.select(AuditLog.hash).order_by(AuditLog.id.desc()).first()
    prev_hash = last.hash if last else GENESIS
    at = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")  # exactly as SQLite will hand it back
    actor = current_actor()
    changes_json = json.dumps(changes, ensure_ascii=False)
    digest = entry_hash(prev_hash, at, actor, action, entity, entity_id, unit_id, summary, changes_json)
    return AuditLog.create(at=at, actor=actor, action=action, entity=entity, entity_id=entity_id,
                           unit_id=unit_id, summary=summary, changes=changes_json, prev_hash=prev_hash,
                           hash=digest)


@dataclass
class ChainReport:
    count: int
    broken_at: int | None = None  # id of the first entry that does not verify
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None

    def message(self) -> str:
        if self.ok:
            return f"操作记录完整：共 {self.count} 条，逐条校验通过。"
        return f"操作记录自第 {self.broken_at} 条起校验不通过（{self.reason}），可能在本软件之外被修改过。"


def verify_rows(rows: Iterable[tuple]) -> ChainReport:
    """rows: (id, at, actor, action, entity, entity_id, unit_id, summary, changes, prev_hash, hash) by id.
    Works on any cursor, so `check` can verify a file without peewee."""
    expected_prev = GENESIS
    count = 0
    for row in rows:
        count += 1
        entry_id, at, actor, action, entity, entity_id, unit_id, summary, changes, prev_hash, digest = row
        if prev_hash != expected_prev:
            return ChainReport(count, entry_id, "与上一条的链接不符：有记录被删除、插入或修改")
        if entry_hash(prev_hash, str(at), actor, action, entity, entity_id, unit_id, summary, changes) != digest:
            return ChainReport(count, entry_id, "内容与校验值不符：该条被修改过")
        expected_prev = digest
    return ChainReport(count)


CHAIN_COLUMNS = "id, at, actor, action, entity, entity_id, unit_id, summary, changes, prev_hash, hash"


def verify_chain() -> ChainReport:
    from desktop_app.core.db import db

    cursor = db.execute_sql(f"SELECT {CHAIN_COLUMNS} FROM audit_log ORDER BY id")
    return verify_rows(cursor)


def describe_changes(changes_json: str, action: str = "update") -> str:
    """“简称：旧 → 新；…” for updates; just the values for a creation or deletion."""
    try:
        changes = json.loads(changes_json)
    except ValueError:
        return changes_json
    parts = []
    for field, (old, new) in changes.items():
        if action == "create":
            parts.append(f"{field}：{_show(new)}")
        elif action == "delete":
            parts.append(f"{field}：{_show(old)}")
        else:
            parts.append(f"{field}：{_show(old)} → {_show(new)}")
    return "；".join(parts)


def _show(value: Any) -> str:
    if _is_empty(value):
        return "（空）"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)
