"""The audit trail: every service write leaves one entry with before/after values, entries cannot be
changed from inside SQLite, and an edit made outside the app (even dropping the triggers) is detected."""
from __future__ import annotations

import json
import sqlite3

import peewee
import pytest

from desktop_app.core import audit
from desktop_app.core.db import db
from desktop_app.core.health import check_database
from desktop_app.core.models import AuditLog, Unit
from desktop_app.core.settings import set_settings
from desktop_app.core.unit_groups import GroupInput, create_group, delete_group
from desktop_app.core.unit_merge import merge_units
from desktop_app.core.units import UnitInput, create_unit, retire_unit, update_unit


def entries(entity=None):
    query = AuditLog.select().order_by(AuditLog.id)
    return [e for e in query if entity is None or e.entity == entity]


def test_unit_lifecycle_is_recorded_with_before_and_after(session, monkeypatch):
    set_settings({"operator_name": "李文书"})
    unit = create_unit(UnitInput("红寺堡区水务局", "enforcement", "水务局"))
    update_unit(unit.id, UnitInput("红寺堡区水务局", "enforcement", "水务", aliases=["水利局"]))
    retire_unit(unit.id)
    created, edited, retired = entries("unit")
    assert (created.action, created.actor, created.unit_id) == ("create", "李文书", unit.id)
    assert json.loads(created.changes)["全称"] == [None, "红寺堡区水务局"]
    assert json.loads(edited.changes) == {"简称": ["水务局", "水务"], "别名": [[], ["水利局"]]}
    assert "撤销日期" in json.loads(retired.changes)
    assert "简称：水务局 → 水务" in audit.describe_changes(edited.changes)


def test_an_update_that_changes_nothing_is_not_recorded(session):
    unit = create_unit(UnitInput("红寺堡区水务局", "enforcement"))
    update_unit(unit.id, UnitInput("红寺堡区水务局", "enforcement"))
    assert len(entries("unit")) == 1


def test_settings_groups_and_merge_are_recorded(demo_session):
    start = AuditLog.select().count()
    set_settings({"annual_training_hours": "72", "legal_review_ratio": "5"})  # 5 is unchanged
    setting_entry = entries("setting")[-1]
    assert json.loads(setting_entry.changes) == {"每人每年培训学时下限": [60.0, 72]}
    group = create_group(GroupInput("临时分组", None, [1, 2]))
    delete_group(group.id)
    assert [e.action for e in entries("unit_group")][-2:] == ["create", "delete"]
    keep = Unit.get(Unit.short_name == "财政局")
    gone = Unit.get(Unit.short_name == "统计局")
    merge_units(keep.id, gone.id)
    merged = [e for e in entries("unit") if e.entity_id == gone.id][-1]
    assert json.loads(merged.changes)["并入"] == ["", keep.name]
    assert AuditLog.select().count() == start + 5
    assert audit.verify_chain().ok


def test_a_failed_change_leaves_no_entry(session):
    create_unit(UnitInput("红寺堡区水务局", "enforcement"))
    before = AuditLog.select().count()
    with pytest.raises(Exception):
        create_unit(UnitInput("红寺堡区水务局", "enforcement"))  # duplicate name
    assert AuditLog.select().count() == before


def test_entries_cannot_be_changed_or_deleted_inside_sqlite(session):
    create_unit(UnitInput("红寺堡区水务局", "enforcement"))
    with pytest.raises(peewee.IntegrityError, match="只能追加"):
        db.execute_sql("UPDATE audit_log SET actor = 'x'")
    with pytest.raises(peewee.IntegrityError, match="只能追加"):
        db.execute_sql("DELETE FROM audit_log")


def _tamper(path, sql):
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute(sql)
    conn.commit()
    conn.close()


@pytest.mark.parametrize("sql, reason", [
    ("UPDATE audit_log SET actor = '别人' WHERE id = 2", "被修改过"),
    ("DELETE FROM audit_log WHERE id = 2", "被删除"),
])
def test_check_detects_history_edited_outside_the_app(db_path, session, sql, reason):
    for name in ("红寺堡区水务局", "红寺堡区教育局", "红寺堡区民政局"):
        create_unit(UnitInput(name, "enforcement"))
    session.close()
    assert check_database(db_path).ok
    _tamper(db_path, sql)
    report = check_database(db_path)
    assert not report.ok
    assert any("操作记录" in p and reason in p for p in report.problems), report.problems
