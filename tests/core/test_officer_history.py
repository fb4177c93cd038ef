"""Officers over time: a roster “as of” a past date shows who served where then; a unit wound up keeps its
people editable until they are moved."""
from __future__ import annotations

import datetime as dt

from desktop_app.core.models import Unit
from desktop_app.core.personnel import certificates as certs
from desktop_app.core.personnel import officers
from desktop_app.core.personnel.roster import load_roster
from desktop_app.core.units import UnitInput, create_unit


def _officer(unit_id: int):
    return officers.create_officer(officers.OfficerInput(unit_id=unit_id, name="马建军", id_number="640303198503151232",
                                                         category="行政编制公务员"), on_date=dt.date(2020, 1, 1))


def _row(day: dt.date, officer_id: int):
    return next(r for r in load_roster(day) if r.id == officer_id)


def test_past_roster_rolls_back_moves_and_departures(session):
    first = create_unit(UnitInput("红寺堡区市场监督管理局", "enforcement"))
    second = create_unit(UnitInput("红寺堡区交通运输局", "enforcement"))
    person = _officer(first.id)
    certs.register_existing(person.id, certs.CertificateInput(number="64030001", issued_on="2021-03-01",
                                                              valid_until="2026-02-28"))
    officers.move_officer(person.id, second.id, "2025-05-01")
    officers.set_status(person.id, "退休", "2026-01-10")

    then = _row(dt.date(2024, 12, 31), person.id)
    assert (then.unit_name, then.status, then.cert_state) == ("红寺堡区市场监督管理局", "在职", "有效")
    assert all(a.code != "left_cert" for a in then.alerts)

    mid = _row(dt.date(2025, 12, 31), person.id)
    assert (mid.unit_name, mid.status) == ("红寺堡区交通运输局", "在职")

    now = _row(dt.date.today(), person.id)
    assert (now.unit_name, now.status, now.cert_state) == ("红寺堡区交通运输局", "退休", "注销")


def test_officer_who_came_back_is_shown_as_left_in_between(session):
    unit = create_unit(UnitInput("红寺堡区应急管理局", "enforcement"))
    person = _officer(unit.id)
    officers.set_status(person.id, "辞职", "2024-03-01", cancel_certificates=False)
    officers.set_status(person.id, "在职", "2025-06-01")
    assert _row(dt.date(2024, 12, 31), person.id).status == "辞职"
    assert _row(dt.date(2023, 12, 31), person.id).status == "在职"
    assert Unit.get_by_id(unit.id).name == _row(dt.date(2023, 12, 31), person.id).unit_name


def test_an_officer_of_a_retired_unit_can_still_be_edited_but_nobody_new_joins_it(session):
    from desktop_app.core.errors import ValidationError
    from desktop_app.core.units import retire_unit

    unit = create_unit(UnitInput("红寺堡区物价局", "enforcement"))
    person = _officer(unit.id)
    retire_unit(unit.id)
    edited = officers.update_officer(person.id, officers.OfficerInput(
        unit_id=unit.id, name="马建军", id_number=person.id_number, category="行政编制公务员", phone="13900001111"))
    assert edited.phone == "13900001111"
    try:
        officers.create_officer(officers.OfficerInput(unit_id=unit.id, name="李娜", id_number="110105199001010029"))
    except ValidationError as exc:
        assert "已撤销" in exc.message
    else:
        raise AssertionError("a retired unit took a new officer")
