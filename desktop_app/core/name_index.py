"""Finding a unit or group by the name a document uses: full name, short name, alias, or the full name
without the county prefix (documents write “司法局” for “红寺堡区司法局”).

The index is rebuilt per call from the register; a county has tens of units, a prefecture a few hundred.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from desktop_app.core.errors import ValidationError
from desktop_app.core.models import NameAlias, Unit, UnitGroup
from desktop_app.core.text_norm import match_key


@dataclass(frozen=True)
class NameMatch:
    kind: str  # "unit" | "group"
    id: int
    name: str
    via: str  # 全称 / 简称 / 别名 / 省略县区名

    @property
    def label(self) -> str:
        return f"{'分组' if self.kind == 'group' else '单位'}“{self.name}”"


def _county_prefix_key() -> str:
    from desktop_app.core.settings import get_setting

    return match_key(get_setting("county_name") or "")


def _strip_county(key: str, county: str) -> str | None:
    """“吴忠市红寺堡区司法局” → “司法局” when the county is 红寺堡区 (the county may follow a city prefix)."""
    if not county:
        return None
    position = key.find(county)
    if position < 0 or position > 6:
        return None
    rest = key[position + len(county):]
    return rest or None


Index = dict[str, list[NameMatch]]


def _add(index: Index, key: str | None, match: NameMatch) -> None:
    if key:
        found = index.setdefault(key, [])
        if not any(m.kind == match.kind and m.id == match.id for m in found):
            found.append(match)


def add_unit(index: Index, unit: Unit, aliases: list[str], county: str | None = None) -> None:
    """Enter one active unit into an index (used while a bulk import adds units one after another)."""
    county = _county_prefix_key() if county is None else county
    _add(index, match_key(unit.name), NameMatch("unit", unit.id, unit.name, "全称"))
    _add(index, match_key(unit.short_name), NameMatch("unit", unit.id, unit.name, "简称"))
    _add(index, _strip_county(match_key(unit.name), county), NameMatch("unit", unit.id, unit.name, "省略县区名"))
    for alias in aliases:
        _add(index, match_key(alias), NameMatch("unit", unit.id, unit.name, "别名"))


def build_index() -> Index:
    index: Index = {}
    add = functools.partial(_add, index)

    county = _county_prefix_key()
    units = {u.id: u for u in Unit.select()}
    groups = {g.id: g for g in UnitGroup.select()}
    for unit in units.values():
        if unit.retired_on is None:
            add_unit(index, unit, [], county)
    for group in groups.values():
        add(match_key(group.name), NameMatch("group", group.id, group.name, "全称"))
    for key, unit_id, group_id in NameAlias.select(
            NameAlias.match_key, NameAlias.unit, NameAlias.group).tuples():
        if unit_id is not None:
            target = units[unit_id]
            hops = 0
            # an alias of a merged unit follows it to the unit it was merged into
            while target.merged_into_id is not None and hops < 50:
                target, hops = units[target.merged_into_id], hops + 1
            if target.retired_on is None:
                add(key, NameMatch("unit", target.id, target.name, "别名"))
        else:
            group = groups[group_id]
            add(key, NameMatch("group", group.id, group.name, "别名"))
    return index


def resolve(name: str, index: dict[str, list[NameMatch]] | None = None) -> list[NameMatch]:
    """Every unit or group the name can mean: none (unknown), one, or several (ambiguous)."""
    index = build_index() if index is None else index
    key = match_key(name)
    if not key:
        return []
    found = index.get(key)
    if found:
        return list(found)
    stripped = _strip_county(key, _county_prefix_key())
    return list(index.get(stripped, [])) if stripped else []


def check_names_free(names: list[str], unit_id: int | None = None, group_id: int | None = None,
                     index: Index | None = None) -> None:
    """Refuse a name or alias that already means another unit or group (it would make documents ambiguous)."""
    index = build_index() if index is None else index
    for name in names:
        key = match_key(name)
        if not key:
            continue
        for match in index.get(key, []):
            own = (match.kind == "unit" and match.id == unit_id) or (match.kind == "group" and match.id == group_id)
            if not own and match.via != "省略县区名":
                raise ValidationError(f"名称“{name}”已用作{match.label}的{match.via}，不能重复使用。", "name")
