"""Names as documents write them (“司法局”, “各乡镇（街道）等”) find the right unit or group."""
from __future__ import annotations

import pytest

from desktop_app.core.errors import ValidationError
from desktop_app.core.models import Unit, UnitGroup
from desktop_app.core.name_index import resolve
from desktop_app.core.unit_groups import GroupInput, create_group, expand_group
from desktop_app.core.units import UnitInput, create_unit, retire_unit

ENFORCEMENT_GROUP = "各行政执法部门〔单位〕"
TOWNSHIP_GROUP = "各乡镇〔街道〕"


def unit_named(name: str) -> Unit:
    return Unit.get(Unit.name == name)


def group_named(name: str) -> UnitGroup:
    return UnitGroup.get(UnitGroup.name == name)


def only(name: str):
    found = resolve(name)
    assert len(found) == 1, f"{name!r} → {found}"
    return found[0]


@pytest.mark.parametrize("written", ["司法局", "红寺堡区司法局", "吴忠市红寺堡区司法局", " 司法局。"])
def test_bureau_found_by_the_names_documents_use(demo_session, written):
    match = only(written)
    assert (match.kind, match.name) == ("unit", "红寺堡区司法局")


@pytest.mark.parametrize("written", ["各乡镇〔街道〕", "各乡镇（街道）", "各乡镇[街道]等", "各乡镇 【街道】、",
                                     "各乡镇(街道)"])
def test_bracket_variants_find_the_same_group(demo_session, written):
    match = only(written)
    assert (match.kind, match.id) == ("group", group_named(TOWNSHIP_GROUP).id)


@pytest.mark.parametrize("written", ["各行政执法部门", "各行政执法单位", "各行政执法部门（单位）等"])
def test_group_aliases_resolve(demo_session, written):
    assert (only(written).kind, only(written).name) == ("group", ENFORCEMENT_GROUP)


def _ids(units) -> set[int]:
    return {u.id for u in units}


def test_enforcement_group_is_every_active_enforcement_unit_plus_the_bureau(demo_session):
    group = group_named(ENFORCEMENT_GROUP)
    enforcement = list(Unit.select().where((Unit.kind == "enforcement") & Unit.retired_on.is_null()))
    assert len(enforcement) >= 10
    expected = _ids(enforcement) | {unit_named("红寺堡区司法局").id}
    assert _ids(expand_group(group.id)) == expected
    assert unit_named("红寺堡区审计局").id not in expected  # kind “other” stays out

    retired = unit_named("红寺堡区统计局")
    retire_unit(retired.id)
    members = _ids(expand_group(group.id))
    assert retired.id not in members
    assert members == expected - {retired.id}


def test_retired_explicit_member_leaves_the_group(demo_session):
    group = group_named("各行业主管部门")
    education = unit_named("红寺堡区教育局")
    assert education.id in _ids(expand_group(group.id))
    retire_unit(education.id)
    assert education.id not in _ids(expand_group(group.id))


def test_new_units_join_kind_groups_automatically(demo_session):
    department = create_unit(UnitInput("红寺堡区档案局", "enforcement", "档案局"))
    township = create_unit(UnitInput("红寺堡区南川乡人民政府", "township", "南川乡"))
    assert department.id in _ids(expand_group(group_named(ENFORCEMENT_GROUP).id))
    assert township.id in _ids(expand_group(group_named(TOWNSHIP_GROUP).id))
    assert township.id not in _ids(expand_group(group_named(ENFORCEMENT_GROUP).id))
    assert department.id not in _ids(expand_group(group_named("各行业主管部门").id))  # listed one by one
    assert only("档案局").id == department.id


def test_township_group_lists_the_townships_in_tree_order(demo_session):
    names = [u.short_name for u in expand_group(group_named(TOWNSHIP_GROUP).id)]
    assert sorted(names) == sorted(["红寺堡镇", "太阳山镇", "大河乡", "新庄集乡", "柳泉乡"])
    assert names == ["红寺堡镇", "太阳山镇", "大河乡", "新庄集乡", "柳泉乡"]  # the order the clerk set


@pytest.mark.parametrize("written", ["红寺堡区不存在局", "", "   ", "等", "各单位"])
def test_unknown_name_gives_nothing(demo_session, written):
    assert resolve(written) == []


def test_ambiguous_name_gives_every_candidate(demo_session):
    district = unit_named("吴忠市红寺堡区人民政府")
    city = create_unit(UnitInput("吴忠市人民政府", "government", "人民政府"))
    found = resolve("人民政府")
    assert {(m.kind, m.id) for m in found} == {("unit", district.id), ("unit", city.id)}
    assert len(found) == 2


def test_group_name_cannot_take_a_unit_name(demo_session):
    with pytest.raises(ValidationError):
        create_group(GroupInput("司法局"))
    with pytest.raises(ValidationError):
        create_group(GroupInput("新分组", aliases=["发改局"]))
    assert not UnitGroup.select().where(UnitGroup.name.in_(["司法局", "新分组"])).exists()
