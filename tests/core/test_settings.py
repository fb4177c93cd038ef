"""设置: defaults from the national programme, validation before anything is stored, persistence."""
from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.errors import ValidationError
from desktop_app.core.models import Setting
from desktop_app.core.session import open_session
from desktop_app.core.settings import SETTINGS, all_settings, get_setting, parse_setting, set_setting, set_settings


def test_defaults_on_a_new_database(session):
    assert get_setting("annual_training_hours") == 60  # 每人每年不少于 60 学时
    assert get_setting("legal_review_ratio") == 5  # 法制审核人员不少于执法人员 5%
    assert get_setting("complaint_closure_rate") == 90
    assert get_setting("cert_expiry_warning_days") == [180, 90, 30]
    assert get_setting("current_year") == dt.date.today().year
    assert get_setting("county_name") == ""
    everything = all_settings()
    assert set(everything) == {d.key for d in SETTINGS}
    assert everything["annual_training_hours"] == 60 and everything["cert_expiry_warning_days"] == [180, 90, 30]
    assert Setting.select().count() == 0  # defaults are not written into the file


@pytest.mark.parametrize("key, typed, stored", [
    ("annual_training_hours", " 72 ", 72.0),
    ("legal_review_ratio", "8%", 8.0),
    ("legal_review_ratio", "7.5％", 7.5),
    ("flexible_cases_per_year", "4.0", 4),
    ("cert_expiry_warning_days", "30，180、90", [180, 90, 30]),
    ("cert_expiry_warning_days", "60", [60]),
    ("rotation_training_deadline", "2024-06-15", "2024-06-15"),
    ("county_name", "  红寺堡区 ", "红寺堡区"),
    ("current_year", "", None),
])
def test_typed_values_are_understood(session, key, typed, stored):
    assert parse_setting(key, typed) == stored
    set_setting(key, typed)
    expected = dt.date.today().year if stored is None else stored
    assert get_setting(key) == expected


@pytest.mark.parametrize("key, typed", [
    ("annual_training_hours", "六十"),
    ("annual_training_hours", "0"),
    ("legal_review_ratio", "101"),
    ("complaint_closure_rate", "-1"),
    ("flexible_cases_per_year", "2.5"),
    ("cert_expiry_warning_days", "180,九十"),
    ("cert_expiry_warning_days", "90,0"),
    ("cert_expiry_warning_days", "，"),
    ("rotation_training_deadline", "2024-02-30"),
    ("task_due_soon_days", ""),
    ("current_year", "1999"),
])
def test_bad_values_are_refused_naming_the_setting(session, key, typed):
    with pytest.raises(ValidationError) as excinfo:
        parse_setting(key, typed)
    assert excinfo.value.field == key
    label = next(d.label for d in SETTINGS if d.key == key)
    assert label in str(excinfo.value)


@pytest.mark.parametrize("key", ["annual_training_hours", "flexible_cases_per_year"])
@pytest.mark.parametrize("typed", ["nan", "1e999"])
def test_non_numbers_that_float_accepts_are_refused(session, key, typed):
    """float() understands these; a threshold of “nan” would silently disable every check."""
    with pytest.raises(ValidationError):
        set_setting(key, typed)
    assert get_setting(key) == next(d.default for d in SETTINGS if d.key == key)


def test_one_bad_value_stores_nothing(session):
    with pytest.raises(ValidationError) as excinfo:
        set_settings({"county_name": "红寺堡区", "annual_training_hours": "72",
                      "legal_review_ratio": "150", "doc_number_prefix": "红司发"})
    assert excinfo.value.field == "legal_review_ratio"
    assert Setting.select().count() == 0
    assert get_setting("county_name") == "" and get_setting("annual_training_hours") == 60


def test_values_survive_closing_and_reopening(db_path):
    first = open_session(db_path)
    try:
        set_settings({"county_name": "红寺堡区", "annual_training_hours": "72",
                      "cert_expiry_warning_days": "120,60", "rotation_training_deadline": "2024-06-15",
                      "current_year": "2025"})
        set_setting("legal_review_ratio", "6")
    finally:
        first.close()
    second = open_session(db_path)
    try:
        assert get_setting("county_name") == "红寺堡区"
        assert get_setting("annual_training_hours") == 72
        assert get_setting("cert_expiry_warning_days") == [120, 60]
        assert get_setting("rotation_training_deadline") == "2024-06-15"
        assert get_setting("current_year") == 2025
        assert get_setting("legal_review_ratio") == 6
        assert get_setting("complaint_closure_rate") == 90  # untouched ones keep their default
    finally:
        second.close()


def test_county_name_setting_drives_name_matching(session):
    from desktop_app.core.name_index import resolve
    from desktop_app.core.units import UnitInput, create_unit

    bureau = create_unit(UnitInput("红寺堡区司法局", "justice"))
    assert resolve("司法局") == []  # the county is not known yet
    set_setting("county_name", "红寺堡区")
    assert [m.id for m in resolve("司法局")] == [bureau.id]
