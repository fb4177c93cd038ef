"""Properties of the personnel checks, with hypothesis: any valid 公民身份号码 in any form a clerk or a
spreadsheet produces comes out as the same 18 characters with the right birth date and gender (also through
clean_officer); any date in each supported format parses to the same day (also as an officer's 出生日期);
and whatever lands in a cell, the checks fail only with a ValidationError."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from desktop_app.core.dates import parse_date
from desktop_app.core.errors import ValidationError
from desktop_app.core.id_card import validate_id_number
from desktop_app.core.models import Officer
from desktop_app.core.personnel import certificates as cs
from desktop_app.core.personnel import officers as of
from desktop_app.core.units import UnitInput, create_unit

hsettings = settings(deadline=None, max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
TODAY = dt.date.today()


# An oracle written from GB 11643 (shared/domain.md §6), independent of id_card.py.
def check_char(first17: str) -> str:
    total = sum(int(c) * (2 ** (17 - i) % 11) for i, c in enumerate(first17))
    return "10X98765432"[total % 11]


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def excel_serial(day: dt.date) -> int:
    """Excel's 1900 system, with its phantom 1900-02-29 (serial 60)."""
    if day < dt.date(1900, 3, 1):
        return (day - dt.date(1899, 12, 31)).days
    return (day - dt.date(1899, 12, 30)).days


@st.composite
def identities(draw, min_year: int = 1900, max_date: dt.date = TODAY):
    area = draw(st.integers(110000, 659999))
    born = draw(st.dates(min_value=dt.date(min_year, 1, 1), max_value=max_date))
    seq = draw(st.integers(0, 999))
    first17 = f"{area}{born:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17), born, "男" if seq % 2 else "女"


def typed_forms(number: str, born: dt.date) -> list[str]:
    """The ways the same number arrives: as printed, lower-case x, full-width, spaced, Excel's text marker,
    and the old 15-digit form for people born in the 1900s."""
    forms = [number, number.lower(), full_width(number), f" {number[:6]} {number[6:14]} {number[14:]} ",
             "'" + number, "\u3000" + full_width(number.lower())]
    if 1900 <= born.year <= 1999:
        forms.append(number[:6] + number[8:17])
    return forms


@hsettings
@given(identities())
@example(("64032419780808121X", dt.date(1978, 8, 8), "男"))  # shared/domain.md §6
@example(("11010519491231002X", dt.date(1949, 12, 31), "女"))  # the standard's own example
def test_any_valid_id_round_trips_in_every_form(identity):
    number, born, gender = identity
    for typed in typed_forms(number, born):
        result = validate_id_number(typed)
        assert result.number == number, typed
        assert (result.birth_date, result.gender, result.area_code) == (born, gender, number[:6])
        assert result.upgraded_from_15 == (len(typed.strip().lstrip("'")) == 15)


@pytest.fixture
def unit(session):
    return create_unit(UnitInput("红寺堡区农业农村局", "enforcement", "农业农村局"))


@hsettings
@given(identities(min_year=1940))
def test_clean_officer_derives_gender_and_birth_from_any_form(unit, identity):
    number, born, gender = identity
    other = "女" if gender == "男" else "男"
    for typed in typed_forms(number, born):
        values = of.clean_officer(of.OfficerInput(unit_id=unit.id, name="马海龙", id_number=typed))
        assert (values["id_number"], values["gender"], values["birth_date"]) == (number, gender, born)
        with pytest.raises(of.OfficerErrors) as excinfo:
            of.clean_officer(of.OfficerInput(unit_id=unit.id, name="马海龙", id_number=typed, gender=other))
        assert [(e.field, e.message) for e in excinfo.value.errors] == [
            ("gender", f"性别“{other}”与身份证号码不符（号码第 17 位表示{gender}性）。")]


# ---------------------------------------------------------------------------------------------------------
# dates


def date_forms(day: dt.date) -> list[object]:
    return [
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}/{day.month:02d}/{day.day:02d}",
        f"{day:%Y%m%d}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year} 年 {day.month} 月 {day.day} 日",
        full_width(f"{day.year}年{day.month}月{day.day}日"),
        f"{day:%Y-%m-%d} 00:00:00",
        day.isoformat(),
        excel_serial(day),
        float(excel_serial(day)) + 0.75,  # a date with a time of day
        dt.datetime(day.year, day.month, day.day, 14, 30),
        day,
    ]


dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


@hsettings
@given(dates)
@example(dt.date(1900, 2, 28))  # the last day before Excel's phantom 29 February
@example(dt.date(1900, 3, 1))
@example(dt.date(2024, 6, 1))
@example(dt.date(2024, 2, 29))
def test_every_supported_format_gives_the_same_day(day):
    for form in date_forms(day):
        assert parse_date(form) == day, form


@hsettings
@given(st.data(), identities(min_year=1940))
def test_birth_date_in_any_format_agrees_with_the_id(unit, data, identity):
    number, born, _ = identity
    form = data.draw(st.sampled_from(date_forms(born)))
    values = of.clean_officer(of.OfficerInput(unit_id=unit.id, name="马海龙", id_number=number, birth_date=form))
    assert values["birth_date"] == born


# ---------------------------------------------------------------------------------------------------------
# garbage


cells = st.one_of(st.text(), st.text(alphabet="0123456789xX年月日.-/ ０１２", max_size=20), st.binary(max_size=30),
                  st.integers(), st.floats(), st.none(), st.booleans(), st.dates(), st.datetimes())


@hsettings
@given(cells)
def test_garbage_dates_and_ids_raise_only_validation_error(value):
    for check in (parse_date, validate_id_number):
        try:
            check(value)
        except ValidationError as exc:
            assert exc.message
    try:
        of.clean_phone(value)
    except ValidationError as exc:
        assert exc.message and exc.field == "phone"


FIELDS = ["name", "id_number", "gender", "ethnicity", "birth_date", "political_status", "education", "major",
          "post", "category", "on_enforcement_post", "law_field", "region", "phone", "is_legal_reviewer",
          "is_public_lawyer", "note"]


@hsettings
@given(st.fixed_dictionaries({}, optional={name: cells for name in FIELDS}))
@example({"id_number": "64032419780808121x", "birth_date": 28710.5, "gender": "男性", "phone": "１３９０９５３１２３４"})
def test_garbage_in_any_officer_field_fails_only_with_validation_error(unit, fields):
    data = of.OfficerInput(unit_id=unit.id, name=fields.pop("name", "马海龙"),
                           id_number=fields.pop("id_number", "640303198503151232"), **fields)
    try:
        values = of.clean_officer(data)
    except of.OfficerErrors as exc:
        assert exc.errors and all(e.message and e.field in FIELDS for e in exc.errors)
    else:
        parsed = validate_id_number(values["id_number"])
        assert values["id_number"] == parsed.number and values["birth_date"] == parsed.birth_date
        assert values["gender"] == parsed.gender


@hsettings
@given(number=cells, issued=cells, until=cells)
@example(number="A-1", issued="2021.3.1", until=45351)
def test_garbage_card_data_fails_only_with_validation_error(unit, number, issued, until):
    person = Officer.get_or_none() or of.create_officer(
        of.OfficerInput(unit_id=unit.id, name="马海龙", id_number="640303198503151232"))
    try:
        cert = cs.register_existing(person.id, cs.CertificateInput(number=number, issued_on=issued,
                                                                   valid_until=until))
    except ValidationError as exc:
        assert exc.message
    else:
        assert cert.valid_until > cert.issued_on and cert.issued_on <= TODAY
        assert cert.number and not any(c.isspace() for c in cert.number)
