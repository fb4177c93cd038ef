"""单位管理: creating, editing, retiring, restoring and merging units."""
from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core import name_index
from desktop_app.core.errors import ValidationError
from desktop_app.core.models import NameAlias, Unit, UnitGroupMember
from desktop_app.core.unit_groups import GroupInput, create_group, explicit_member_ids
from desktop_app.core.unit_merge import merge_units
from desktop_app.core.units import (
    UnitInput,
    create_unit,
    get_unit,
    list_units,
    restore_unit,
    retire_unit,
    update_unit,
)

CODE_A = "116403030123456715"
CODE_B = "12640303456789126L"


def make(name, kind="enforcement", **kw) -> Unit:
    return create_unit(UnitInput(name, kind, **kw))


def edit(unit: Unit, **changes) -> Unit:
    unit = get_unit(unit.id)
    data = UnitInput(unit.name, unit.kind, unit.short_name, unit.parent_id, unit.credit_code or "",
                     unit.note, [a.alias for a in unit.aliases], unit.sort_order)
    for key, value in changes.items():
        setattr(data, key, value)
    return update_unit(unit.id, data)


def resolves_to(name: str) -> list[int]:
    return [m.id for m in name_index.resolve(name) if m.kind == "unit"]


def listed(**kw) -> dict[str, object]:
    return {row.name: row for row in list_units(**kw)}


def test_create_keeps_what_the_clerk_typed_tidied(session):
    unit = make("  红寺堡区审计局 ", kind="other", short_name=" 审计局", credit_code="12640303456789126l",
                aliases=["审计", " 审计 "])
    unit = get_unit(unit.id)
    assert (unit.name, unit.short_name, unit.credit_code) == ("红寺堡区审计局", "审计局", CODE_B)
    assert [a.alias for a in unit.aliases] == ["审计"]
    assert resolves_to("审计") == [unit.id]


@pytest.mark.parametrize("name", ["", "   ", "\u3000\t"])
def test_empty_name_refused(session, name):
    with pytest.raises(ValidationError) as excinfo:
        make(name)
    assert excinfo.value.field == "name"
    assert Unit.select().count() == 0


def test_duplicate_active_name_refused_but_a_retired_name_can_be_reused(session):
    first = make("红寺堡区教育局")
    with pytest.raises(ValidationError):
        make("红寺堡区教育局 ")
    retire_unit(first.id)
    second = make("红寺堡区教育局")
    assert resolves_to("红寺堡区教育局") == [second.id]
    with pytest.raises(ValidationError):  # two active units with one name would make documents ambiguous
        restore_unit(first.id)
    assert get_unit(first.id).retired_on is not None


def test_credit_code_clash_refused_on_create_and_edit(session):
    owner = make("红寺堡区教育局", credit_code=CODE_A)
    with pytest.raises(ValidationError) as excinfo:
        make("红寺堡区卫生健康局", credit_code=" " + CODE_A)
    assert "红寺堡区教育局" in str(excinfo.value) and excinfo.value.field == "credit_code"
    other = make("红寺堡区卫生健康局", credit_code=CODE_B)
    with pytest.raises(ValidationError):
        edit(other, credit_code=CODE_A.lower())
    assert get_unit(other.id).credit_code == CODE_B
    edit(owner, note="保留自己的代码可以保存")  # a unit does not clash with itself
    assert get_unit(owner.id).note == "保留自己的代码可以保存"


def test_invalid_credit_code_refused(session):
    with pytest.raises(ValidationError) as excinfo:
        make("红寺堡区教育局", credit_code=CODE_A[:-1] + "9")
    assert excinfo.value.field == "credit_code"
    assert Unit.select().count() == 0


def test_alias_clashing_with_another_units_short_name_refused(session):
    audit = make("红寺堡区审计局", short_name="审计局")
    with pytest.raises(ValidationError) as excinfo:
        make("红寺堡区统计局", aliases=["审计局"])
    assert "审计局" in str(excinfo.value)
    stats = make("红寺堡区统计局", aliases=["统计"])
    with pytest.raises(ValidationError):
        edit(stats, aliases=["统计", "审计局"])
    assert [a.alias for a in get_unit(stats.id).aliases] == ["统计"]
    assert resolves_to("审计局") == [audit.id]


def test_parent_cycle_refused(session):
    top = make("红寺堡区人民政府", kind="government")
    middle = make("红寺堡区司法局", kind="justice", parent_id=top.id)
    bottom = make("红寺堡区司法局大河乡司法所", kind="other", parent_id=middle.id)
    for parent in (bottom, middle, top):
        with pytest.raises(ValidationError) as excinfo:
            edit(top, parent_id=parent.id)
        assert excinfo.value.field == "parent"
    assert get_unit(top.id).parent_id is None
    edit(bottom, parent_id=top.id)  # moving a unit up the tree is fine
    assert get_unit(bottom.id).parent_id == top.id


def test_edit_replaces_names_and_aliases(session):
    unit = make("红寺堡区文化旅游广电局", short_name="文旅广电局", aliases=["文旅局"])
    edit(unit, name="红寺堡区文化旅游体育局", short_name="文旅体局", aliases=["文体局"])
    assert resolves_to("文体局") == resolves_to("红寺堡区文化旅游体育局") == [unit.id]
    assert resolves_to("文旅局") == resolves_to("红寺堡区文化旅游广电局") == []


def test_retire_hides_and_restore_brings_back(session):
    unit = make("红寺堡区发展和改革局", short_name="发展和改革局", aliases=["发改局"])
    other = make("红寺堡区教育局")
    retire_unit(unit.id, on=dt.date(2025, 3, 1))
    for name in ("红寺堡区发展和改革局", "发展和改革局", "发改局"):
        assert name_index.resolve(name) == []
    assert set(listed()) == {other.name}
    row = listed(include_retired=True)[unit.name]
    assert not row.active and "已撤销" in row.status and "2025-03-01" in row.status
    with pytest.raises(ValidationError):
        retire_unit(unit.id)

    restore_unit(unit.id)
    assert resolves_to("发改局") == resolves_to("发展和改革局") == [unit.id]
    assert listed()[unit.name].status == "在用" and listed()[unit.name].active


def test_restore_refused_when_its_short_name_now_means_another_unit(session):
    old = make("红寺堡区发展和改革局", short_name="发改局")
    retire_unit(old.id)
    new = make("红寺堡区发展改革和科技局", short_name="发改局")  # the short name was free again
    with pytest.raises(ValidationError):
        restore_unit(old.id)  # otherwise “发改局” in a document would mean two units
    assert resolves_to("发改局") == [new.id]


def test_retire_refused_while_active_children_remain(session):
    bureau = make("红寺堡区司法局", kind="justice")
    office = make("红寺堡区司法局大河乡司法所", kind="other", parent_id=bureau.id)
    with pytest.raises(ValidationError) as excinfo:
        retire_unit(bureau.id)
    assert office.name in str(excinfo.value)
    assert get_unit(bureau.id).is_active


@pytest.fixture
def merge_case(session):
    keep = make("红寺堡区发展和改革局", short_name="发改局")
    remove = make("红寺堡区工业信息化和商务局", short_name="工信局", aliases=["工信商务局"],
                  credit_code=CODE_A)
    child = make("红寺堡区商务综合执法大队", parent_id=remove.id)
    earlier = make("红寺堡区商务局", short_name="商务局")
    merge_units(remove.id, earlier.id)  # an earlier reform: 商务局 went into 工信局
    both = create_group(GroupInput("各行业主管部门", None, [keep.id, remove.id]))
    only_removed = create_group(GroupInput("经济运行调度组", None, [remove.id]))
    return keep, remove, child, earlier, both, only_removed


def test_merge_moves_everything_to_the_kept_unit(merge_case):
    keep, remove, child, earlier, both, only_removed = merge_case
    merge_units(keep.id, remove.id, on=dt.date(2025, 1, 1))

    assert explicit_member_ids(only_removed.id) == [keep.id]
    assert explicit_member_ids(both.id) == [keep.id]  # the duplicate was dropped, not doubled
    assert UnitGroupMember.select().where(UnitGroupMember.unit == remove.id).count() == 0
    assert get_unit(child.id).parent_id == keep.id
    assert get_unit(earlier.id).merged_into_id == keep.id
    assert NameAlias.get(NameAlias.alias == "工信商务局").unit_id == keep.id
    assert get_unit(keep.id).credit_code == CODE_A  # the kept unit had none

    gone = get_unit(remove.id)
    assert gone.merged_into_id == keep.id and gone.retired_on == dt.date(2025, 1, 1)
    assert remove.name not in listed()
    row = listed(include_retired=True)[remove.name]
    assert not row.active and keep.name in row.status
    for old in ("红寺堡区工业信息化和商务局", "工信局", "工信商务局", "商务局", "红寺堡区商务局"):
        assert name_index.resolve(old) and resolves_to(old) == [keep.id], old
    with pytest.raises(ValidationError):
        restore_unit(remove.id)


def test_merge_into_itself_or_a_retired_unit_refused(merge_case):
    keep, remove, *_ = merge_case
    members_before = list(UnitGroupMember.select().tuples())
    with pytest.raises(ValidationError):
        merge_units(remove.id, remove.id)
    retired = make("红寺堡区经济和信息化局")
    retire_unit(retired.id)
    with pytest.raises(ValidationError):
        merge_units(retired.id, remove.id)
    assert get_unit(remove.id).is_active and get_unit(remove.id).merged_into_id is None
    assert list(UnitGroupMember.select().tuples()) == members_before
    assert resolves_to("工信局") == [remove.id]


def test_merge_into_own_child_refused(merge_case):
    keep, remove, child, *_ = merge_case
    with pytest.raises(ValidationError):
        merge_units(child.id, remove.id)
    assert get_unit(remove.id).is_active
