"""Merging two units (e.g. after an institutional reform): everything recorded against the one that goes
moves to the one that stays; the old one is kept, retired, pointing at its successor, and its names become
aliases so documents that still use them keep resolving.

References are found through peewee's backrefs, so tables added by later features move too without
touching this module; a row that would duplicate one the kept unit already has (a unique index) is
dropped instead of moved.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import ForeignKeyField

from desktop_app.core.db import db
from desktop_app.core.errors import ValidationError
from desktop_app.core.models import NameAlias, Unit, now
from desktop_app.core.text_norm import match_key
from desktop_app.core.units import audit_unit, get_unit, unit_snapshot


@dataclass
class MergeReport:
    kept: str
    removed: str
    moved: dict[str, int] = field(default_factory=dict)
    dropped_duplicates: dict[str, int] = field(default_factory=dict)


def _unique_partners(fk: ForeignKeyField) -> list[list[str]]:
    """Column names that together with `fk` form a unique index on its table."""
    model = fk.model
    partners = []
    if fk.unique:
        partners.append([])
    for fields, unique in model._meta.indexes:
        if unique and fk.name in fields:
            partners.append([model._meta.fields[f].column_name for f in fields if f != fk.name])
    return partners


def _drop_duplicates(fk: ForeignKeyField, keep_id: int, remove_id: int) -> int:
    """Drop the removed unit's rows that would collide with the kept unit's on a unique index; whatever
    hangs off a dropped row (progress reports under an assignment …) is moved to its twin first, so
    nothing recorded is lost."""
    model = fk.model
    table, column, pk = model._meta.table_name, fk.column_name, model._meta.primary_key.column_name
    dropped = 0
    for others in _unique_partners(fk):
        match = " AND ".join(f"k.{c} IS d.{c}" for c in others) or "1"
        pairs = db.execute_sql(
            f"SELECT d.{pk}, k.{pk} FROM {table} d JOIN {table} k ON k.{column} = ? AND {match} "
            f"WHERE d.{column} = ?", (keep_id, remove_id)).fetchall()
        for duplicate, twin in pairs:
            for child_fk, child in model._meta.backrefs.items():
                child.update({child_fk: twin}).where(child_fk == duplicate).execute()
            model.delete().where(model._meta.primary_key == duplicate).execute()
            dropped += 1
    return dropped


def merge_units(keep_id: int, remove_id: int, on: dt.date | None = None) -> MergeReport:
    if keep_id == remove_id:
        raise ValidationError("不能把单位合并到它自己。")
    with db.atomic():
        keep, remove = get_unit(keep_id), get_unit(remove_id)
        if not keep.is_active:
            raise ValidationError(f"保留的单位“{keep.name}”已撤销，请选择在用单位。")
        if remove.merged_into_id:
            raise ValidationError(f"“{remove.name}”已并入“{remove.merged_into.name}”。")
        node = keep
        while node.parent_id:
            if node.parent_id == remove_id:
                raise ValidationError(f"“{keep.name}”是“{remove.name}”的下级单位，请先调整上级单位再合并。")
            node = node.parent
        report = MergeReport(keep.name, remove.name)
        before_keep, before_remove = unit_snapshot(keep_id), unit_snapshot(remove_id)
        for fk, model in Unit._meta.backrefs.items():
            label = model._meta.table_name if fk.name != "merged_into" else "unit(merged_into)"
            dropped = _drop_duplicates(fk, keep_id, remove_id)
            moved = model.update({fk: keep_id}).where(fk == remove_id).execute()
            if moved:
                report.moved[label] = report.moved.get(label, 0) + moved
            if dropped:
                report.dropped_duplicates[label] = dropped
        _keep_old_names(keep, remove)
        note = (remove.note + "\n" if remove.note else "") + f"{(on or dt.date.today()).isoformat()} 并入“{keep.name}”"
        Unit.update(retired_on=remove.retired_on or on or dt.date.today(), merged_into=keep_id,
                    note=note, updated_at=now()).where(Unit.id == remove_id).execute()
        if not keep.credit_code and remove.credit_code:
            code = remove.credit_code
            Unit.update(credit_code=None).where(Unit.id == remove_id).execute()
            Unit.update(credit_code=code).where(Unit.id == keep_id).execute()
        audit_unit("update", remove_id, before_remove)
        audit_unit("update", keep_id, before_keep)
    return report


def _keep_old_names(keep: Unit, remove: Unit) -> None:
    keep_keys = {match_key(keep.name), match_key(keep.short_name)}
    for name in (remove.name, remove.short_name):
        key = match_key(name)
        if key and key not in keep_keys and NameAlias.get_or_none(NameAlias.match_key == key) is None:
            NameAlias.create(alias=name, match_key=key, unit=keep)
