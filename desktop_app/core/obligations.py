"""Deadline rules → dated obligations → a status, computed for a given day and never stored.

- date: one obligation on the due date;
- date_then_standing: that obligation, then a standing duty once it is met or due;
- standing: a standing duty: one report per reporting period (half-year by default, a setting);
- annual (每年N月底前): one obligation per year, from the plan's first year on (standing work does not stop
  when the plan ends);
- unspecified (适时): nothing dated; only a completion report changes it.
A one-off obligation is met by an 已完成 report; a period of a recurring duty by any 已完成 / 本期已落实
report for that period.
"""
from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass

DONE, OK, SOON, OVERDUE, UNREPORTED, OPEN = "已完成", "正常", "临期", "逾期", "本期未报告", "无固定时限"
# worst first: the order the unit view sorts by
URGENCY = {OVERDUE: 0, SOON: 1, UNREPORTED: 2, OK: 3, OPEN: 4, DONE: 5}
COLOURS = {OVERDUE: "#c0392b", SOON: "#d68910", UNREPORTED: "#b7950b", OK: "#1e8449", OPEN: "#7f8c8d",
           DONE: "#2e86c1"}
MEETS_PERIOD = ("已完成", "本期已落实")


@dataclass(frozen=True, slots=True)
class Report:
    period: str
    state: str
    on_date: dt.date


@dataclass(frozen=True)
class Rule:
    kind: str
    due: dt.date | None = None
    month: int | None = None
    day: int | None = None
    start: dt.date | None = None  # the plan's issue date (or 1 January of its first year)


@dataclass(frozen=True, slots=True)
class Status:
    label: str
    due: dt.date | None  # the obligation this status is about (None for standing/unspecified)
    period: str  # the period a new report should be filed under
    detail: str

    @property
    def urgency(self) -> int:
        return URGENCY[self.label]


@functools.lru_cache(maxsize=4096)
def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@functools.lru_cache(maxsize=256)  # asked once per assignment with the same day: 12,000 times a refresh
def period_of(day: dt.date, months: int) -> tuple[str, dt.date, dt.date]:
    """The reporting period containing `day`: its label and first and last days."""
    months = max(1, min(12, months))
    index = (day.month - 1) // months
    first = dt.date(day.year, index * months + 1, 1)
    last = month_end(day.year, min(12, (index + 1) * months))
    if months == 12:
        label = f"{day.year}年"
    elif months == 6:
        label = f"{day.year}年{'上' if index == 0 else '下'}半年"
    elif months == 3:
        label = f"{day.year}年第{index + 1}季度"
    else:
        label = f"{day.year}年{first.month}—{last.month}月"
    return label, first, last


def annual_due(rule: Rule, year: int) -> dt.date:
    month = rule.month or 12
    return dt.date(year, month, rule.day) if rule.day else month_end(year, month)


# The statuses are built through small caches: a refresh asks for the same few (due, today) thousands of
# times, and formatting the dates in their details cost as much as deciding them. Status is frozen.
def _dated(due: dt.date, reports: list[Report], today: dt.date, soon_days: int) -> Status:
    return _dated_status(due, any(r.state == "已完成" for r in reports), today, soon_days)


@functools.lru_cache(maxsize=4096)
def _dated_status(due: dt.date, done: bool, today: dt.date, soon_days: int) -> Status:
    if done:
        return Status(DONE, due, "", f"时限 {due:%Y-%m-%d}，已完成")
    days = (due - today).days
    if days < 0:
        return Status(OVERDUE, due, "", f"应于 {due:%Y-%m-%d} 前完成，已逾期 {-days} 天")
    if days <= soon_days:
        return Status(SOON, due, "", f"应于 {due:%Y-%m-%d} 前完成，还剩 {days} 天")
    return Status(OK, due, "", f"应于 {due:%Y-%m-%d} 前完成")


SCHEMES = {12: r"\d{4}年", 6: r"\d{4}年[上下]半年", 3: r"\d{4}年第\d季度"}
OTHER_SCHEME = r"\d{4}年\d+—\d+月"


@functools.lru_cache(maxsize=1024)
def _in_scheme(period: str, months: int) -> bool:
    """Whether `period` is a label of the `months` reporting scheme (a few labels, asked per report)."""
    return re.fullmatch(SCHEMES.get(months, OTHER_SCHEME), period) is not None


def _for_period(report: Report, label: str, first: dt.date, last: dt.date, months: int) -> bool:
    """A report filed for a period of the current scheme counts for that period only (a late report for
    last half-year, filed in January, does not also cover this one); a report without a period, or one
    from another scheme (the setting changed), counts by its date."""
    if report.period and _in_scheme(report.period, months):
        return report.period == label
    return first <= report.on_date <= last


REPORTS_PERIOD = MEETS_PERIOD + ("推进中",)


def _standing(reports: list[Report], today: dt.date, months: int) -> Status:
    label, first, last = period_of(today, months)
    reported = any(r.state in REPORTS_PERIOD and _for_period(r, label, first, last, months) for r in reports)
    return _standing_status(reported, label, last)


@functools.lru_cache(maxsize=256)
def _standing_status(reported: bool, label: str, last: dt.date) -> Status:
    if reported:
        return Status(OK, None, label, f"长期坚持，{label}已报告落实情况")
    return Status(UNREPORTED, None, label, f"长期坚持，{label}尚未报告落实情况（本期截至 {last:%Y-%m-%d}）")


@functools.lru_cache(maxsize=256)
def _year(year: int) -> tuple[str, dt.date, dt.date]:
    return f"{year}年", dt.date(year, 1, 1), dt.date(year, 12, 31)


def _met_in(reports: list[Report], year: int) -> bool:
    label, first, last = _year(year)
    return any(r.state in MEETS_PERIOD and _for_period(r, label, first, last, 12) for r in reports)


def _annual(rule: Rule, reports: list[Report], today: dt.date, soon_days: int) -> Status:
    start = rule.start or dt.date(today.year, 1, 1)
    for year in range(min(start.year, today.year), today.year + 1):  # an unmet earlier year stays overdue
        due = annual_due(rule, year)
        if due < start:
            continue
        if due < today and not _met_in(reports, year):
            return _annual_status(OVERDUE, due, year, today, soon_days)
    # the coming obligation: this year's, or next year's when this year's fell before the plan existed
    year = today.year + (annual_due(rule, today.year) < start)
    due = annual_due(rule, year)
    return _annual_status(DONE if _met_in(reports, year) else "", due, year, today, soon_days)


@functools.lru_cache(maxsize=4096)
def _annual_status(settled: str, due: dt.date, year: int, today: dt.date, soon_days: int) -> Status:
    """`settled`: OVERDUE (an earlier year unmet), DONE (the coming one met) or "" (decided by the days left)."""
    label = f"{year}年"
    if settled == OVERDUE:
        return Status(OVERDUE, due, label, f"{label}应于 {due:%Y-%m-%d} 前完成，已逾期 {(today - due).days} 天")
    if settled == DONE:
        return Status(DONE, due, label, f"{label}已完成（每年 {due.month} 月 {due.day} 日前）")
    days = (due - today).days
    if days <= soon_days:
        return Status(SOON, due, label, f"{label}应于 {due:%Y-%m-%d} 前完成，还剩 {days} 天")
    return Status(OK, due, label, f"{label}应于 {due:%Y-%m-%d} 前完成")


def status(rule: Rule, reports: list[Report], today: dt.date, soon_days: int = 30, months: int = 6) -> Status:
    if rule.kind == "date" and rule.due:
        return _dated(rule.due, reports, today, soon_days)
    if rule.kind == "date_then_standing" and rule.due:
        done = any(r.state == "已完成" and r.period == "" for r in reports)  # the dated part: reports without a period
        first = _dated_status(rule.due, done, today, soon_days)
        if first.label != DONE:  # the dated part still decides: red, yellow or green
            return first
        return _standing(reports, today, months)  # the completion report counts for its period too
    if rule.kind == "standing":
        return _standing(reports, today, months)
    if rule.kind == "annual" and rule.month:
        return _annual(rule, reports, today, soon_days)
    if any(r.state == "已完成" for r in reports):
        return UNDATED_DONE
    return UNDATED_OPEN


UNDATED_DONE = Status(DONE, None, "", "已完成")
UNDATED_OPEN = Status(OPEN, None, "", "无固定时限（适时）")
