"""完成时限 as task lists write it: every form in the seeds and other counties' lists, month ends in leap
and common years, impossible dates named in the warning, and no exception for any text."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from desktop_app.core.tasks.deadline import KINDS, Deadline, parse_deadline

hsettings = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=300,
                     deadline=None)
D = dt.date


def month_end(year: int, month: int) -> dt.date:
    """Independent oracle: the day before the first of the next month."""
    first_next = D(year + 1, 1, 1) if month == 12 else D(year, month + 1, 1)
    return first_next - dt.timedelta(days=1)


@pytest.mark.parametrize("text, kind, due, month, day", [
    ("长期坚持", "standing", None, None, None),
    ("2024年6月15日前并长期坚持", "date_then_standing", D(2024, 6, 15), None, None),
    ("2024 年 6 月 15 日前并长期坚持", "date_then_standing", D(2024, 6, 15), None, None),
    ("2024年2月底前并长期坚持", "date_then_standing", D(2024, 2, 29), None, None),
    ("2024 年 1 月底前并长期坚持", "date_then_standing", D(2024, 1, 31), None, None),
    ("2024 年底前并长期坚持", "date_then_standing", D(2024, 12, 31), None, None),
    ("2024年底前", "date", D(2024, 12, 31), None, None),
    ("2025年11月底前", "date", D(2025, 11, 30), None, None),
    ("2024年5月底前", "date", D(2024, 5, 31), None, None),
    ("2024 年 3 月底前", "date", D(2024, 3, 31), None, None),
    ("2024年3月31日前", "date", D(2024, 3, 31), None, None),
    ("2024年3月31日", "date", D(2024, 3, 31), None, None),
    ("2024年6月前", "date", D(2024, 6, 30), None, None),
    ("2024年6月底前完成", "date", D(2024, 6, 30), None, None),
    ("2024-06-15", "date", D(2024, 6, 15), None, None),  # a date cell of a sheet
    ("２０２４年６月１５日前", "date", D(2024, 6, 15), None, None),
    ("2024年6月15日前。", "date", D(2024, 6, 15), None, None),
    ("2024年6月底前，并长期坚持", "date_then_standing", D(2024, 6, 30), None, None),
    ("每年2月底前", "annual", None, 2, None),
    ("每年 2 月底前", "annual", None, 2, None),
    ("每年1月31日前", "annual", None, 1, 31),
    ("每年10月底前", "annual", None, 10, None),
    ("每年 12 月底前", "annual", None, 12, None),
    ("每年１月底前", "annual", None, 1, None),
])
def test_understood_forms(text, kind, due, month, day):
    deadline, warning = parse_deadline(text)
    assert warning is None
    assert deadline == Deadline(re.sub(r"\s+", "", text), kind, due, month, day)


def test_text_keeps_everything_but_whitespace():
    deadline, _ = parse_deadline(" 2024 年 6 月 15 日前并长期坚持\n")
    assert deadline.text == "2024年6月15日前并长期坚持"
    assert parse_deadline("２０２４年６月１５日前。")[0].text == "２０２４年６月１５日前。"


@pytest.mark.parametrize("text, due", [
    ("2024年2月底前", D(2024, 2, 29)),  # divisible by 4
    ("2023年2月底前", D(2023, 2, 28)),
    ("2100年2月底前", D(2100, 2, 28)),  # divisible by 100, not by 400
    ("2000年2月底前", D(2000, 2, 29)),  # divisible by 400
    ("2024年2月29日前", D(2024, 2, 29)),
    ("2023年4月底前并长期坚持", D(2023, 4, 30)),
])
def test_month_ends_and_leap_years(text, due):
    assert parse_deadline(text)[0].due == due


def test_blank_and_timely():
    for blank in ("", "   ", "\n\t\u3000"):
        assert parse_deadline(blank) == (Deadline("", "unspecified"), "未写完成时限")
    assert parse_deadline("适时") == (Deadline("适时", "unspecified"), "完成时限为“适时”，没有固定日期")


@pytest.mark.parametrize("text, problem", [
    ("2024年13月底前", "没有13月"),
    ("2024年2月30日", "2024年2月只有29天，没有30日"),
    ("2023年2月29日前", "2023年2月只有28天，没有29日"),
    ("2024年4月31日前并长期坚持", "2024年4月只有30天，没有31日"),
    ("2024年0月底前", "没有0月"),
    ("每年13月底前", "没有13月"),
    ("每年2月30日前", "2月没有30日"),
    ("每年2月29日前", "2月没有29日"),  # not every year has one
    ("1800年底前", "年份1800不合理"),
])
def test_impossible_dates_are_named(text, problem):
    deadline, warning = parse_deadline(text)
    assert deadline == Deadline(text, "unspecified")
    assert warning.startswith(f"完成时限“{text}”有误：") and problem in warning and "请手工指定" in warning


@pytest.mark.parametrize("text", ["6月底完成", "年底前", "12月31日前"])
def test_no_year_is_not_guessed(text):
    deadline, warning = parse_deadline(text)
    assert deadline.kind == "unspecified" and deadline.due is None
    assert warning == f"完成时限“{text}”没有写年份，请手工指定"


@pytest.mark.parametrize("text", ["按上级部门安排", "2024年", "每季度", "X", "2024年6月15日前完成清单并报送", "9" * 100])
def test_not_understood(text):
    deadline, warning = parse_deadline(text)
    assert deadline.kind == "unspecified" and deadline.due is None and deadline.month is None
    assert "无法识别，请手工指定" in warning and warning.startswith("完成时限“")


def test_deadline_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        parse_deadline("长期坚持")[0].kind = "date"  # type: ignore[misc]


@hsettings
@given(st.dates(D(1900, 1, 1), D(2100, 12, 31)), st.booleans(), st.booleans())
def test_any_real_date(day, standing, spaced):
    text = f"{day.year}年{day.month}月{day.day}日前" + ("并长期坚持" if standing else "")
    if spaced:
        text = " ".join(text)
    deadline, warning = parse_deadline(text)
    assert warning is None and deadline.due == day
    assert deadline.kind == ("date_then_standing" if standing else "date")


@hsettings
@given(st.integers(1900, 2100), st.integers(1, 12))
def test_any_month_end(year, month):
    deadline, warning = parse_deadline(f"{year}年{month}月底前并长期坚持")
    assert warning is None and deadline.kind == "date_then_standing"
    assert deadline.due == month_end(year, month)
    annual, warning = parse_deadline(f"每年{month}月底前")
    assert warning is None and (annual.kind, annual.month, annual.day) == ("annual", month, None)


_PIECES = st.sampled_from(["2024", "年", "月", "日", "底", "前", "并", "长期坚持", "每年", "适时", "13", "2", "29",
                           "30", "31", " ", "\u3000", "。", "，", "２", "号", "-", "/", "0", "9999", "上半年"])


@hsettings
@given(st.one_of(st.text(max_size=200), st.lists(_PIECES, max_size=12).map("".join)))
@example("2024年2月底前并长期坚持并长期坚持")
@example("\x00" * 10)
@example("٢٠٢٤年٦月١٥日")  # Arabic-Indic digits are \d too
def test_never_raises_and_is_consistent(text):
    deadline, warning = parse_deadline(text)
    assert deadline.kind in KINDS
    assert deadline.text == re.sub(r"\s+", "", text)
    assert (warning is not None) == (deadline.kind == "unspecified")
    if deadline.kind in ("date", "date_then_standing"):
        assert D(1900, 1, 1) <= deadline.due <= D(2100, 12, 31)
    else:
        assert deadline.due is None
    if deadline.kind == "annual":
        assert 1 <= deadline.month <= 12 and (deadline.day is None or 1 <= deadline.day <= 31)
