"""Deadline rules → status on a given day: what the clerk sees as red, yellow and green."""
from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core import obligations as ob
from desktop_app.core.obligations import Report, Rule, period_of, status

D = dt.date


def at(day: str, rule: Rule, *reports: Report, soon: int = 30, months: int = 6) -> ob.Status:
    return status(rule, list(reports), D.fromisoformat(day), soon, months)


@pytest.mark.parametrize("today, label", [
    ("2024-04-01", ob.OK), ("2024-05-15", ob.SOON), ("2024-05-31", ob.SOON), ("2024-06-01", ob.OVERDUE)])
def test_a_dated_task_goes_green_yellow_red(today, label):
    assert at(today, Rule("date", D(2024, 5, 31))).label == label


def test_a_completion_report_ends_a_dated_task_even_when_late():
    done = Report("", "已完成", D(2024, 6, 10))
    assert at("2026-11-21", Rule("date", D(2024, 5, 31)), done).label == ob.DONE
    ongoing = Report("", "推进中", D(2024, 5, 1))
    overdue = at("2026-11-21", Rule("date", D(2024, 5, 31)), ongoing)
    assert overdue.label == ob.OVERDUE and "已逾期" in overdue.detail


def test_date_then_standing_becomes_a_periodic_duty_once_done():
    rule = Rule("date_then_standing", D(2024, 6, 15))
    assert at("2024-06-20", rule).label == ob.OVERDUE
    done = Report("", "已完成", D(2024, 6, 10))
    # completed in 2024H1; by 2026H2 a report for this half-year is due
    later = at("2026-11-21", rule, done)
    assert later.label == ob.UNREPORTED and later.period == "2026年下半年"
    reported = Report("2026年下半年", "本期已落实", D(2026, 9, 1))
    assert at("2026-11-21", rule, done, reported).label == ob.OK


def test_standing_duty_follows_the_reporting_period_setting():
    rule = Rule("standing")
    report = Report("", "本期已落实", D(2026, 8, 1))
    assert at("2026-11-21", rule, report, months=6).label == ob.OK  # same half-year
    assert at("2026-11-21", rule, report, months=3).label == ob.UNREPORTED  # Q4 not yet reported
    assert at("2026-11-21", rule, months=3).period == "2026年第4季度"


def test_annual_duties_start_after_the_plan_is_issued_and_keep_unmet_years_red():
    rule = Rule("annual", month=2, start=D(2023, 12, 15))  # 每年2月底前
    # 2024: 2024-02-29 (leap year) is the first; the plan was issued after 2023-02-28
    first = at("2024-02-10", rule)
    assert first.label == ob.SOON and first.due == D(2024, 2, 29)
    met_2024 = Report("2024年", "已完成", D(2024, 2, 20))
    status_2025 = at("2025-03-05", rule, met_2024)
    assert status_2025.label == ob.OVERDUE and status_2025.due == D(2025, 2, 28)
    met_2025 = Report("2025年", "已完成", D(2025, 3, 10))
    assert at("2025-03-20", rule, met_2024, met_2025).label == ob.DONE
    assert at("2025-12-01", rule, met_2024, met_2025).label == ob.DONE  # nothing more due this year


def test_annual_with_a_day_and_month_ends():
    assert ob.annual_due(Rule("annual", month=1, day=31), 2025) == D(2025, 1, 31)
    assert ob.annual_due(Rule("annual", month=2), 2100) == D(2100, 2, 28)
    assert ob.annual_due(Rule("annual", month=10), 2026) == D(2026, 10, 31)


def test_unspecified_is_grey_until_done():
    assert at("2026-11-21", Rule("unspecified")).label == ob.OPEN
    assert at("2026-11-21", Rule("unspecified"), Report("", "已完成", D(2025, 1, 1))).label == ob.DONE


@pytest.mark.parametrize("day, months, label", [
    ("2026-03-31", 6, "2026年上半年"), ("2026-07-01", 6, "2026年下半年"), ("2026-11-21", 12, "2026年"),
    ("2026-05-05", 3, "2026年第2季度"), ("2026-05-05", 4, "2026年5—8月")])
def test_reporting_periods(day, months, label):
    assert period_of(D.fromisoformat(day), months)[0] == label


def test_urgency_orders_red_before_yellow_before_green():
    labels = sorted([ob.DONE, ob.OK, ob.UNREPORTED, ob.OVERDUE, ob.SOON, ob.OPEN], key=ob.URGENCY.get)
    assert labels[:3] == [ob.OVERDUE, ob.SOON, ob.UNREPORTED]


def test_a_plan_issued_after_this_years_due_date_looks_to_next_year():
    rule = Rule("annual", month=6, start=D(2026, 7, 1))  # 每年6月底前, plan issued 1 July
    shown = at("2026-08-01", rule)
    assert shown.label == ob.OK and shown.due == D(2027, 6, 30) and shown.period == "2027年"


def test_a_late_report_for_last_period_does_not_cover_this_one():
    annual = Rule("annual", month=12, start=D(2025, 1, 1))
    late_2025 = Report("2025年", "已完成", D(2026, 1, 10))  # filed in January for last year
    jan = at("2026-01-20", annual, late_2025)
    assert jan.label == ob.OK and jan.period == "2026年"  # 2025 met; 2026 still open, not 已完成
    standing = Rule("standing")
    late_h2 = Report("2025年下半年", "本期已落实", D(2026, 1, 10))
    assert at("2026-02-01", standing, late_h2).label == ob.UNREPORTED
    undated = Report("", "本期已落实", D(2026, 1, 10))  # no period given: counted by its date
    assert at("2026-02-01", standing, undated).label == ob.OK
