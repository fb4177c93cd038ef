"""Unit groups (各行政执法部门〔单位〕, 各乡镇〔街道〕 …): named sets that task lists address.

Membership = the units listed explicitly ∪ every active unit of `auto_kind`; retired units never count.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from desktop_app.core import audit, name_index
from desktop_app.core.db import db
from desktop_app.core.errors import NotFound, ValidationError
from desktop_app.core.models import UNIT_KINDS, NameAlias, Unit, UnitGroup, UnitGroupMember, now
from desktop_app.core.text_norm import clean_display, match_key
from desktop_app.core.units import tree_order


@dataclass
class GroupInput:
    name: str
    auto_kind: str | None = None
    member_ids: list[int] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    note: str = ""
    sort_order: int = 0


@dataclass
class GroupRow:
    id: int
    name: str
    rule: str
    aliases: str
    member_count: int
    note: str


def get_group(group_id: int) -> UnitGroup:
    group = UnitGroup.get_or_none(UnitGroup.id == group_id)
    if group is None:
        raise NotFound(f"找不到编号为 {group_id} 的分组。")
    return group


def _save(group: UnitGroup | None, data: GroupInput) -> UnitGroup:
    name = clean_display(data.name)
    if not name:
        raise ValidationError("分组名称不能为空。", "name")
    if data.auto_kind and data.auto_kind not in UNIT_KINDS:
        raise ValidationError(f"单位类别“{data.auto_kind}”无效。", "auto_kind")
    aliases = [clean_display(a) for a in data.aliases if clean_display(a)]
    group_id = group.id if group else None
    name_index.check_names_free([name, *aliases], group_id=group_id)
    fields = {"name": name, "auto_kind": data.auto_kind or None, "note": data.note.strip(),
              "sort_order": data.sort_order}
    if group is None:
        group = UnitGroup.create(**fields)
    else:
        UnitGroup.update(**fields, updated_at=now()).where(UnitGroup.id == group.id).execute()
        group = get_group(group.id)
    UnitGroupMember.delete().where(UnitGroupMember.group == group).execute()
    member_ids = sorted(set(data.member_ids))
    if member_ids:
        UnitGroupMember.insert_many([(group.id, uid) for uid in member_ids],
                                    fields=[UnitGroupMember.group, UnitGroupMember.unit]).execute()
    NameAlias.delete().where(NameAlias.group == group).execute()
    for alias in {match_key(a): a for a in aliases if match_key(a) != match_key(name)}.values():
        if NameAlias.get_or_none(NameAlias.match_key == match_key(alias)):
            raise ValidationError(f"别名“{alias}”已被使用。", "aliases")
        NameAlias.create(alias=alias, match_key=match_key(alias), group=group)
    return group


def group_snapshot(group_id: int) -> dict:
    group = get_group(group_id)
    members = Unit.select(Unit.name).where(Unit.id.in_(explicit_member_ids(group_id))).order_by(Unit.name)
    return {"名称": group.name, "成员规则": UNIT_KINDS.get(group.auto_kind or "", "逐个指定"),
            "指定成员": [u.name for u in members], "别名": sorted(a.alias for a in group.aliases),
            "备注": group.note}


def create_group(data: GroupInput) -> UnitGroup:
    with db.atomic():
        group = _save(None, data)
        audit.record("create", "unit_group", group.id, None, group_snapshot(group.id), group.name)
    return group


def update_group(group_id: int, data: GroupInput) -> UnitGroup:
    with db.atomic():
        before = group_snapshot(group_id)
        group = _save(get_group(group_id), data)
        audit.record("update", "unit_group", group_id, before, group_snapshot(group_id), group.name)
    return group


def delete_group(group_id: int) -> None:
    with db.atomic():
        before = group_snapshot(group_id)
        get_group(group_id).delete_instance()
        audit.record("delete", "unit_group", group_id, before, None, before["名称"])


def explicit_member_ids(group_id: int) -> list[int]:
    return [uid for (uid,) in UnitGroupMember.select(UnitGroupMember.unit)
            .where(UnitGroupMember.group == group_id).tuples()]


def expand_group(group_id: int) -> list[Unit]:
    """The active units a group stands for, in organisation-tree order."""
    group = get_group(group_id)
    query = Unit.select().where(Unit.retired_on.is_null() & (
        Unit.id.in_(UnitGroupMember.select(UnitGroupMember.unit).where(UnitGroupMember.group == group_id))
        | (Unit.kind == (group.auto_kind or ""))))
    return [unit for unit, _ in tree_order(list(query))]


def list_groups() -> list[GroupRow]:
    rows = []
    for group in UnitGroup.select().order_by(UnitGroup.sort_order, UnitGroup.name):
        aliases = [a.alias for a in group.aliases]
        rule = f"自动包含全部“{UNIT_KINDS[group.auto_kind]}”" if group.auto_kind else "逐个指定"
        rows.append(GroupRow(group.id, group.name, rule, "、".join(aliases),
                             len(expand_group(group.id)), group.note))
    return rows
