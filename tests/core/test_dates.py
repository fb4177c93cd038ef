"""Dates as clerks type them and Excel stores them: accepted in every usual form, refused with a clear reason."""
from __future__ import annotations

import datetime as dt
import math
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.core.dates import MAX_SERIAL, format_cn_date, parse_date, parse_month
from desktop_app.core.errors import ValidationError

# The autouse data-dir fixture is harmless to share between examples.
hsettings = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=300)

JUNE_15 = dt.date(2024, 6, 15)


def excel_serial(d: dt.date) -> int:
    """Independent oracle: Excel's 1900 system counts the fictitious 1900-02-29 as serial 60."""
    return (d - dt.date(1899, 12, 31)).days + (1 if d >= dt.date(1900, 3, 1) else 0)


def refusal(value, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        parse_date(value, **kwargs)
    assert excinfo.value.message and excinfo.value.field == kwargs.get("field", "日期")
    return excinfo.value


@pytest.mark.parametrize("text", [
    "2024-06-15", "2024-6-15", "2024/6/15", "2024/06/15", "2024.6.15", "2024.06.15",
    "2024年6月15日", "2024年06月15日", "2024 年 6 月 15 日", " 2024年6月15日 ", "2024年6月15号", "2024年6月15",
    "２０２４年６月１５日", "２０２４－０６－１５", "2024\u3000年\u30006\u3000月\u300015\u3000日", "20240615",
    "2024-06-15 00:00:00", "2024-06-15T08:30:00", "2024/6/15 8:30",
])
def test_text_forms(text):
    assert parse_date(text) == JUNE_15


@pytest.mark.parametrize("value", [JUNE_15, dt.datetime(2024, 6, 15, 23, 59), 45458, 45458.0, 45458.75,
                                   20240615, 20240615.0, "2024年6月15日".encode()])
def test_objects_and_excel_numbers(value):
    assert parse_date(value) == JUNE_15


@pytest.mark.parametrize("serial, expected", [
    (1, dt.date(1900, 1, 1)), (59, dt.date(1900, 2, 28)), (61, dt.date(1900, 3, 1)),
    (45292, dt.date(2024, 1, 1)), (MAX_SERIAL, dt.date(2100, 12, 31)),
])
def test_excel_serial_landmarks(serial, expected):
    assert parse_date(serial) == expected


def test_message_for_bad_month_is_the_documented_one():
    assert str(refusal("2024年13月")) == "日期“2024年13月”无效：月份应在 1–12 之间。"
    assert "月份应在 1–12 之间" in str(refusal("2024-00-10"))


@pytest.mark.parametrize("text, detail", [
    ("2023-02-30", "2023年2月没有 30 日（该月只有 28 天）"),
    ("2024年2月30日", "2024年2月没有 30 日（该月只有 29 天）"),
    ("2023-02-29", "2023年2月没有 29 日"),
    ("2024/4/31", "2024年4月没有 31 日"),
    ("20240132", "日应在 1–31 之间"),
    ("2024-06-00", "日应在 1–31 之间"),
])
def test_day_that_does_not_exist(text, detail):
    message = str(refusal(text))
    assert detail in message and f"“{text}”" in message


@pytest.mark.parametrize("text, year", [("1899-12-31", 1899), ("2101年1月1日", 2101), ("00010101", 1)])
def test_implausible_year(text, year):
    message = str(refusal(text))
    assert f"年份 {year} 不合理" in message and "1900–2100" in message


def test_date_objects_outside_the_range_are_refused_too():
    assert "年份 1 不合理" in str(refusal(dt.date(1, 1, 1)))


@pytest.mark.parametrize("value", ["", "   ", "\u3000", None, b""])
def test_empty(value):
    assert str(refusal(value)) == "日期为空。"


@pytest.mark.parametrize("value", [True, False])
def test_bool_is_not_a_date(value):
    assert "不是日期" in str(refusal(value))


@pytest.mark.parametrize("text", ["明天", "6/15/2024", "24-6-15", "2024", "2024-06/15", "2024年6月15日上午"])
def test_unrecognised_text_is_quoted(text):
    message = str(refusal(text))
    assert f"“{text}”无法识别" in message and "2024年6月15日" in message


def test_month_without_day_is_incomplete():
    assert "缺少日" in str(refusal("2024年6月"))


@pytest.mark.parametrize("value, detail", [
    (60, "1900年2月29日"), (0, "1–"), (-5, "1–"), (MAX_SERIAL + 1, "2100年12月31日"), (0.5, "只有时间"),
    (math.nan, "不是有效的数字"), (math.inf, "不是有效的数字"), (-math.inf, "不是有效的数字"),
    (20241315, "月份应在 1–12 之间"), (10 ** 400, "极大的数"), (b"\xff\xfe", "不是文本"), (object(), "不是日期"),
])
def test_bad_numbers_and_types(value, detail):
    assert detail in str(refusal(value))


def test_field_name_is_used_in_message_and_error():
    error = refusal("2024年13月", field="完成时限")
    assert str(error).startswith("完成时限“2024年13月”无效") and error.field == "完成时限"


def test_format_cn_date_has_no_zero_padding():
    assert format_cn_date(dt.date(2024, 6, 5)) == "2024年6月5日"
    assert format_cn_date(dt.datetime(2024, 10, 31, 12)) == "2024年10月31日"


@pytest.mark.parametrize("value", ["2024年6月", "2024-06", "2024.6", "2024/6", "202406", "２０２４年６月",
                                   "2024 年 6 月", JUNE_15, dt.datetime(2024, 6, 1), 45458, 202406, 2024.6])
def test_parse_month(value):
    assert parse_month(value) == (2024, 6)


def test_parse_month_october_and_december_as_numbers():
    assert parse_month(2024.12) == (2024, 12)
    with pytest.raises(ValidationError, match="1 月还是 10 月"):
        parse_month(2024.1)  # 2024.10 typed into a number cell


@pytest.mark.parametrize("value, detail", [
    ("2024年13月", "月份应在 1–12 之间"), ("1899-12", "年份 1899 不合理"), ("2024-06-15", "应只写到月"),
    (2024, "只有年份"), ("", "月份为空"), (None, "月份为空"), (True, "不是日期"), ("六月", "无法识别"),
])
def test_parse_month_refusals(value, detail):
    with pytest.raises(ValidationError) as excinfo:
        parse_month(value)
    assert detail in str(excinfo.value)


anything = st.one_of(st.text(), st.binary(), st.integers(), st.floats(), st.none(), st.booleans())
date_like = st.text(alphabet="0123456789０１２年月日号-/.T: \u3000xX", max_size=25)


@hsettings
@given(st.one_of(anything, date_like, st.dates(), st.datetimes(), st.fractions(), st.decimals()))
def test_nothing_but_validation_error_escapes(value):
    for parse in (parse_date, parse_month):
        try:
            parse(value)
        except ValidationError as exc:
            assert exc.message
        # a bool must never be taken for a date (True would be Excel serial 1)
        else:
            assert not isinstance(value, bool)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
          max_examples=30, deadline=None)
@given(st.text(min_size=1000, max_size=5000))
def test_long_text_fails_only_with_validation_error(text):
    for parse in (parse_date, parse_month):
        try:
            parse(text)
        except ValidationError:
            pass


def test_very_long_inputs_are_refused_quickly():
    started = time.perf_counter()
    for text in ["2" * 1_000_000, " " * 1_000_000 + "x", "2024-06-15 " * 100_000, "\u3000" * 10 ** 6]:
        with pytest.raises(ValidationError) as excinfo:
            parse_date(text)
        assert len(str(excinfo.value)) < 100
    assert time.perf_counter() - started < 5


dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


@hsettings
@given(dates)
def test_round_trips(d):
    assert parse_date(format_cn_date(d)) == d
    assert parse_date(d.isoformat()) == d
    assert parse_date(d.strftime("%Y%m%d")) == d
    assert parse_date(f"{d.year}/{d.month}/{d.day}") == d
    assert parse_date(excel_serial(d)) == d
    assert parse_date(excel_serial(d) + 0.999) == d
    assert parse_month(f"{d.year}年{d.month}月") == (d.year, d.month)
