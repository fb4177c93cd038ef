"""The demo county: reproducible, realistic, internally valid."""
from __future__ import annotations

import pytest

from desktop_app.core.credit_code import is_valid_credit_code
from desktop_app.core.demo import DEMO_SEED, populate_demo
from desktop_app.core.errors import AppError
from desktop_app.core.models import Unit, UnitGroup
from desktop_app.core.session import open_session
from desktop_app.core.settings import get_setting
from desktop_app.core.unit_groups import expand_group


def build(path, seed: int) -> list[tuple[str, str | None, str]]:
    session = open_session(path)
    try:
        populate_demo(seed=seed)
        return [(u.name, u.credit_code, u.kind) for u in Unit.select().order_by(Unit.id)]
    finally:
        session.close()


def test_same_seed_gives_the_same_county(tmp_path):
    first = build(tmp_path / "a.sqlite", DEMO_SEED)
    second = build(tmp_path / "b.sqlite", DEMO_SEED)
    assert first == second
    other = build(tmp_path / "c.sqlite", DEMO_SEED + 1)
    assert [n for n, _, _ in other] == [n for n, _, _ in first]  # same county …
    assert [c for _, c, _ in other] != [c for _, c, _ in first]  # … the seed drives the invented codes


def test_credit_codes_are_valid_and_distinct(demo_session):
    codes = [u.credit_code for u in Unit.select() if u.credit_code]
    assert len(codes) >= 30
    assert all(is_valid_credit_code(c) for c in codes), [c for c in codes if not is_valid_credit_code(c)]
    assert len(set(codes)) == len(codes)
    assert all(c[2:8] == "640303" for c in codes)  # registered in 红寺堡区


def test_about_forty_units_of_every_kind(demo_session):
    units = list(Unit.select())
    assert 35 <= len(units) <= 50
    assert all(u.is_active for u in units)
    kinds = {u.kind for u in units}
    assert kinds == {"government", "justice", "enforcement", "township", "other"}
    assert len({u.name for u in units}) == len(units)
    bureau = Unit.get(Unit.kind == "justice")
    assert bureau.name == "红寺堡区司法局"
    offices = [u for u in units if u.parent_id == bureau.id]
    assert len(offices) == Unit.select().where(Unit.kind == "township").count()  # one 司法所 per township


def test_groups_exist_and_are_not_empty(demo_session):
    names = {g.name for g in UnitGroup.select()}
    assert {"各行政执法部门〔单位〕", "各乡镇〔街道〕"} <= names
    for group in UnitGroup.select():
        assert expand_group(group.id), group.name


def test_demo_settings_describe_the_county(demo_session):
    assert get_setting("county_name") == "红寺堡区"
    assert get_setting("bureau_name") == "红寺堡区司法局"
    assert get_setting("annual_training_hours") == 60  # a setting the demo leaves at its default


def test_demo_only_goes_into_an_empty_database(demo_session):
    before = Unit.select().count()
    with pytest.raises(AppError):
        populate_demo()
    assert Unit.select().count() == before
