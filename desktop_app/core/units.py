"""单位管理: the county's organisation tree — create, edit, retire, merge — and the rows the list shows."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import fn

from desktop_app.core import audit, name_index
from desktop_app.core.credit_code import validate_credit_code
from desktop_app.core.db import db
from desktop_app.core.errors import NotFound, ValidationError
from desktop_app.core.models import UNIT_KINDS, NameAlias, Unit, UnitGroup, UnitGroupMember, now
from desktop_app.core.text_norm import clean_display, match_key

KIND_ORDER = {kind: rank for rank, kind in enumerate(UNIT_KINDS)}


@dataclass
class UnitInput:
    name: str
    kind: str
    short_name: str = ""
    parent_id: int | None = None
    credit_code: str = ""
    note: str = ""
    aliases: list[str] = field(default_factory=list)
    sort_order: int = 0


@dataclass
class UnitRow:
    """One line of the unit list, already joined and formatted (the table model only displays it)."""

    id: int
    name: str
    depth: int
    short_name: str
    kind: str
    kind_label: str
    parent_name: str
    credit_code: str
    aliases: str
    groups: str
    status: str
    active: bool
    note: str


def get_unit(unit_id: int) -> Unit:
    unit = Unit.get_or_none(Unit.id == unit_id)
    if unit is None:
        raise NotFound(f"找不到编号为 {unit_id} 的单位，可能已被删除。")
    return unit


MAX_NAME_LENGTH = 100


def check_unit_name(name: str) -> str:
    """The rules a unit's name must meet, shared by the dialog and every importer."""
    name = clean_display(name)
    if not name:
        raise ValidationError("单位名称不能为空。", "name")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(f"单位名称过长（{len(name)} 个字，最多 {MAX_NAME_LENGTH} 个字）。", "name")
    return name


def _clean(data: UnitInput, unit_id: int | None, index: name_index.Index | None = None) -> dict:
    name = check_unit_name(data.name)
    if data.kind not in UNIT_KINDS:
        raise ValidationError(f"单位类别“{data.kind}”无效。", "kind")
    code = validate_credit_code(data.credit_code) if data.credit_code.strip() else None
    if code:
        clash = Unit.get_or_none((Unit.credit_code == code) & (Unit.id != (unit_id or 0)))
        if clash:
            raise ValidationError(f"统一社会信用代码 {code} 已属于“{clash.name}”。", "credit_code")
    parent_id = data.parent_id or None
    if parent_id is not None:
        _check_parent(parent_id, unit_id)
    short_name = clean_display(data.short_name)
    aliases = _unique([clean_display(a) for a in data.aliases if clean_display(a)])
    name_index.check_names_free([name, short_name, *aliases], unit_id=unit_id, index=index)
    return {"name": name, "short_name": short_name, "kind": data.kind, "parent": parent_id,
            "credit_code": code, "note": data.note.strip(), "sort_order": int(data.sort_order or 0),
            "aliases": aliases}


def _unique(items: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(match_key(item), item)
    return list(seen.values())


def _check_parent(parent_id: int, unit_id: int | None) -> None:
    parent = get_unit(parent_id)
    if not parent.is_active:
        raise ValidationError(f"上级单位“{parent.name}”已撤销，不能再挂靠。", "parent")
    seen = set()
    node: Unit | None = parent
    while node is not None and node.id not in seen:
        if node.id == unit_id:
            raise ValidationError("上级单位不能是本单位或其下级单位。", "parent")
        seen.add(node.id)
        node = node.parent


def _write_aliases(unit: Unit, aliases: list[str]) -> None:
    NameAlias.delete().where(NameAlias.unit == unit).execute()
    own = {match_key(unit.name), match_key(unit.short_name)}
    for alias in aliases:
        key = match_key(alias)
        if key in own:
            continue
        holder = NameAlias.get_or_none(NameAlias.match_key == key)
        if holder is not None:
            owner = holder.unit.name if holder.unit_id else holder.group.name
            raise ValidationError(f"别名“{alias}”已属于“{owner}”（含已撤销单位），不能重复使用。", "aliases")
        NameAlias.create(alias=alias, match_key=key, unit=unit)


def unit_snapshot(unit_id: int) -> dict:
    """The unit as the audit trail shows it: Chinese field names, names instead of ids."""
    unit = get_unit(unit_id)
    return {
        "全称": unit.name, "简称": unit.short_name, "类别": unit.kind_label,
        "上级单位": unit.parent.name if unit.parent_id else "", "统一社会信用代码": unit.credit_code or "",
        "别名": sorted(a.alias for a in unit.aliases), "排序号": unit.sort_order, "备注": unit.note,
        "撤销日期": unit.retired_on, "并入": unit.merged_into.name if unit.merged_into_id else "",
    }


def audit_unit(action: str, unit_id: int, before: dict | None) -> None:
    after = unit_snapshot(unit_id)
    audit.record(action, "unit", unit_id, before, after, after["全称"], unit_id)


def create_unit(data: UnitInput, index: name_index.Index | None = None) -> Unit:
    """`index`: a name index kept up to date by a caller adding many units (bulk import); the new unit is
    entered into it, so each check does not rebuild the index."""
    with db.atomic():
        values = _clean(data, None, index)
        aliases = values.pop("aliases")
        unit = Unit.create(**values)
        _write_aliases(unit, aliases)
        audit_unit("create", unit.id, None)
    if index is not None:
        name_index.add_unit(index, unit, aliases)
    return unit


def update_unit(unit_id: int, data: UnitInput) -> Unit:
    with db.atomic():
        before = unit_snapshot(unit_id)
        values = _clean(data, unit_id)
        aliases = values.pop("aliases")
        Unit.update(**values, updated_at=now()).where(Unit.id == unit_id).execute()
        unit = get_unit(unit_id)
        _write_aliases(unit, aliases)
        audit_unit("update", unit_id, before)
    return unit


def retire_unit(unit_id: int, on: dt.date | None = None) -> Unit:
    """Hide a unit from new work; everything recorded against it stays."""
    with db.atomic():
        unit = get_unit(unit_id)
        if not unit.is_active:
            raise ValidationError(f"“{unit.name}”已于 {unit.retired_on} 撤销。")
        children = [c.name for c in unit.children if c.is_active]
        if children:
            raise ValidationError(f"“{unit.name}”下还有在用的下级单位：{'、'.join(children)}。请先调整它们的上级单位。")
        before = unit_snapshot(unit_id)
        Unit.update(retired_on=on or dt.date.today(), updated_at=now()).where(Unit.id == unit_id).execute()
        audit_unit("update", unit_id, before)
    return get_unit(unit_id)


def restore_unit(unit_id: int) -> Unit:
    with db.atomic():
        unit = get_unit(unit_id)
        if unit.merged_into_id:
            raise ValidationError(f"“{unit.name}”已并入“{unit.merged_into.name}”，不能恢复。")
        try:
            names = [unit.name, unit.short_name, *(a.alias for a in unit.aliases)]
            name_index.check_names_free(names, unit_id=unit_id)
        except ValidationError as exc:
            raise ValidationError(f"不能恢复“{unit.name}”：{exc.message}") from None
        before = unit_snapshot(unit_id)
        Unit.update(retired_on=None, updated_at=now()).where(Unit.id == unit_id).execute()
        audit_unit("update", unit_id, before)
    return get_unit(unit_id)


def tree_order(units: list[Unit]) -> list[tuple[Unit, int]]:
    """Units in organisation-tree order (kind, sort order, name) with their depth."""
    by_parent: dict[int | None, list[Unit]] = {}
    ids = {u.id for u in units}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in ids else None
        by_parent.setdefault(parent, []).append(unit)
    for children in by_parent.values():
        children.sort(key=lambda u: (KIND_ORDER.get(u.kind, 99), u.sort_order, u.name))
    ordered: list[tuple[Unit, int]] = []
    visited: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for unit in by_parent.get(parent, []):
            if unit.id in visited:  # a cycle written outside the app must not hang the list
                continue
            visited.add(unit.id)
            ordered.append((unit, depth))
            walk(unit.id, depth + 1)

    walk(None, 0)
    ordered += [(u, 0) for u in units if u.id not in visited]
    return ordered


def list_units(include_retired: bool = False, kind: str | None = None, text: str = "") -> list[UnitRow]:
    query = Unit.select()
    if not include_retired:
        query = query.where(Unit.retired_on.is_null())
    units = list(query)
    names = {u.id: u.name for u in Unit.select(Unit.id, Unit.name)}
    aliases: dict[int, list[str]] = {}
    for unit_id, alias in NameAlias.select(NameAlias.unit, NameAlias.alias).where(
            NameAlias.unit.is_null(False)).tuples():
        aliases.setdefault(unit_id, []).append(alias)
    groups = _group_names_by_unit(units)
    rows = []
    needle = match_key(text) if text.strip() else ""
    for unit, depth in tree_order(units):
        row = UnitRow(
            id=unit.id, name=unit.name, depth=depth, short_name=unit.short_name, kind=unit.kind,
            kind_label=unit.kind_label, parent_name=names.get(unit.parent_id, ""),
            credit_code=unit.credit_code or "", aliases="、".join(aliases.get(unit.id, [])),
            groups="、".join(groups.get(unit.id, [])), status=_status(unit, names), active=unit.is_active,
            note=unit.note)
        if kind and unit.kind != kind:
            continue
        if needle and needle not in match_key(" ".join([row.name, row.short_name, row.aliases, row.credit_code])):
            continue
        rows.append(row)
    return rows


def _status(unit: Unit, names: dict[int, str]) -> str:
    if unit.merged_into_id:
        return f"已并入“{names.get(unit.merged_into_id, '?')}”"
    if unit.retired_on:
        return f"已撤销（{unit.retired_on}）"
    return "在用"


def _group_names_by_unit(units: list[Unit]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {}
    groups = list(UnitGroup.select().order_by(UnitGroup.sort_order, UnitGroup.name))
    explicit: dict[int, set[int]] = {}
    for group_id, unit_id in UnitGroupMember.select(UnitGroupMember.group, UnitGroupMember.unit).tuples():
        explicit.setdefault(group_id, set()).add(unit_id)
    for unit in units:
        for group in groups:
            auto = group.auto_kind == unit.kind and unit.is_active
            if auto or unit.id in explicit.get(group.id, ()):
                result.setdefault(unit.id, []).append(group.name)
    return result


def active_units() -> list[Unit]:
    return [u for u, _ in tree_order(list(Unit.select().where(Unit.retired_on.is_null())))]


def count_units() -> dict[str, int]:
    counts = {kind: 0 for kind in UNIT_KINDS}
    for kind, n in (Unit.select(Unit.kind, fn.COUNT(Unit.id)).where(Unit.retired_on.is_null())
                    .group_by(Unit.kind).tuples()):
        counts[kind] = n
    return counts
