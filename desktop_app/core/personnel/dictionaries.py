"""Dictionaries the clerk edits (执法领域, 人员类别, …). Values are stored on the officer as text, so a
retired entry stays readable on old records; `flag` marks the 人员类别 entries that are 辅助人员."""
from __future__ import annotations

from desktop_app.core import audit
from desktop_app.core.db import db
from desktop_app.core.errors import ValidationError
from desktop_app.core.models import DictItem
from desktop_app.core.text_norm import clean_display

LAW_FIELD = "law_field"
CATEGORY = "category"
KINDS = {LAW_FIELD: "执法领域", CATEGORY: "人员类别"}

AUXILIARY_FLAG = 1

def values(kind: str, include_retired: bool = False) -> list[str]:
    query = DictItem.select(DictItem.value).where(DictItem.kind == kind)
    if not include_retired:
        query = query.where(DictItem.retired == 0)
    return [row.value for row in query.order_by(DictItem.sort_order, DictItem.id)]


def auxiliary_categories() -> set[str]:
    return {row.value for row in DictItem.select(DictItem.value).where(
        (DictItem.kind == CATEGORY) & (DictItem.flag.bin_and(AUXILIARY_FLAG) != 0))}


def set_values(kind: str, entries: list[tuple[str, int]]) -> None:
    """Replace the active list with `entries` (value, flag) in order; values dropped are retired, not
    deleted, because officers recorded with them keep them."""
    if kind not in KINDS:
        raise ValidationError(f"字典“{kind}”不存在。")
    cleaned: list[tuple[str, int]] = []
    seen = set()
    for value, flag in entries:
        value = clean_display(value)
        if not value:
            continue
        if value in seen:
            raise ValidationError(f"{KINDS[kind]}“{value}”重复。", "value")
        seen.add(value)
        cleaned.append((value, int(flag)))
    if not cleaned:
        raise ValidationError(f"{KINDS[kind]}至少要有一项。", "value")
    with db.atomic():
        before = values(kind)
        existing = {row.value: row for row in DictItem.select().where(DictItem.kind == kind)}
        for order, (value, flag) in enumerate(cleaned):
            row = existing.pop(value, None)
            if row is None:
                DictItem.create(kind=kind, value=value, flag=flag, sort_order=order)
            else:
                row.flag, row.sort_order, row.retired = flag, order, 0
                row.save()
        for row in existing.values():
            if not row.retired:
                row.retired = 1
                row.save()
        audit.record("update", "dictionary", None, {KINDS[kind]: before}, {KINDS[kind]: [v for v, _ in cleaned]},
                     summary=f"修改字典：{KINDS[kind]}")
