"""The 工作台's aggregates (core/dashboard_figures.py) give the same numbers as the full computations the pages
make: task_board.summary, roster.load_roster with its warnings and charts.certificate_counts, and the training
ledger (compute_ledger, unit_summaries) — on the demo county, and on the warning rules' corner cases."""
from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core import charts
from desktop_app.core import dashboard_figures as df
from desktop_app.core.personnel import alerts as al
from desktop_app.core.personnel import certificates as cs
from desktop_app.core.personnel import officers as of
from desktop_app.core.personnel import roster
from desktop_app.core.settings import get_setting, set_setting
from desktop_app.core.training.ledger import unit_summaries, year_range
from desktop_app.core.training.queries import compute_ledger

D = dt.date


def same_training(figures: df.TrainingFigures, start: D, end: D) -> None:
    ledger = compute_ledger(start, end)
    full = df.training_figures_from_ledger(ledger)
    assert (figures.start, figures.end, figures.threshold) == (full.start, full.end, full.threshold)
    assert (figures.officers, figures.reaching, figures.short, figures.rotated) == (
        full.officers, full.reaching, full.short, full.rotated)
    assert figures.average_hours == pytest.approx(ledger.average_hours, abs=1e-9)
    assert figures.reach_rate == ledger.reach_rate and figures.rotation_rate == ledger.rotation_rate
    assert figures.units_without_mental_health == full.units_without_mental_health
    assert sorted(figures.hours) == pytest.approx(sorted(full.hours), abs=1e-9)
    # and per unit as the 单位汇总 tab counts them
    units = unit_summaries(start, end)
    assert sum(u.officers for u in units) == figures.officers
    assert sum(u.rotated for u in units) == figures.rotated
    assert sum(u.total_hours for u in units) == pytest.approx(figures.total_hours, abs=1e-6)
    assert [(u.unit_id, u.unit_name) for u in units if not u.mental_health_sessions] == \
        figures.units_without_mental_health


def same_personnel(today: D | None = None) -> df.PersonnelFigures:
    figures = df.personnel_figures(today)
    rows = roster.load_roster(today, details=False)
    assert figures == df.personnel_figures_from_rows(rows)
    assert (figures.certificate_counts, figures.officers) == charts.certificate_counts(rows)
    assert figures.alert_counts == roster.alert_counts(rows)
    return figures


def test_demo_county_tasks(demo_session):
    from desktop_app.core.task_board import summary

    for today in (None, D(2025, 1, 15), D(2026, 7, 1)):
        figures, full = df.task_figures(today), summary(today)
        assert (figures.overdue, figures.due_soon, figures.unreported, figures.assignments) == (
            full.overdue, full.due_soon, full.unreported, full.assignments)
        assert figures.completion_by_unit == full.completion_by_unit
        assert figures.assignments > 0


def test_demo_county_personnel(demo_session):
    figures = same_personnel()
    assert figures.officers > 0 and figures.valid > 0 and figures.alert_counts
    assert set(figures.certificate_counts) >= {"有效", "即将到期", "暂扣", "过期"}
    # the card's text is the same from the rows and from the figures
    from desktop_app.ui.pages.personnel_summary import personnel_figures_html, personnel_summary_html

    assert personnel_figures_html(figures) == personnel_summary_html(roster.load_roster(details=False))


def test_demo_county_personnel_on_other_days(demo_session):
    for day in (D(2024, 12, 31), dt.date.today() + dt.timedelta(days=200)):
        same_personnel(day)


def test_demo_county_training(demo_session):
    year = int(get_setting("current_year"))
    for y in (year, year - 1, year - 2):
        same_training(df.training_figures(*year_range(y)), *year_range(y))
    first_half = (D(year, 1, 1), D(year, 6, 30))  # a prorated threshold and a rotation deadline inside
    same_training(df.training_figures(*first_half), *first_half)


def test_the_settings_are_followed(demo_session):
    set_setting("legal_review_ratio", 50)
    set_setting("cert_expiry_warning_days", "400,30")
    set_setting("annual_training_hours", 30)
    assert same_personnel().short_units
    year = int(get_setting("current_year"))
    same_training(df.training_figures(*year_range(year)), *year_range(year))


def test_an_empty_database(session):
    assert df.task_figures() == df.TaskFigures(0, 0, 0, 0, [])
    figures = df.personnel_figures()
    assert (figures.officers, figures.valid, figures.alert_counts, figures.short_units) == (0, 0, {}, [])
    training = df.training_figures(*year_range(2026))
    assert (training.officers, training.hours, training.reach_rate) == (0, [], 0.0)


# ---------------------------------------------------------------- the warning rules' corner cases


_seq = iter(range(101, 999, 2))


def officer(unit, name: str, category: str = "行政编制公务员", on_post: bool = True, reviewer: bool = False):
    from desktop_app.core.id_card import id_check_character

    first17 = f"640303198503{next(_seq) % 28 + 1:02d}{next(_seq):03d}"
    data = of.OfficerInput(unit_id=unit.id, name=name, id_number=first17 + id_check_character(first17),
                           category=category, on_enforcement_post=on_post, is_legal_reviewer=reviewer,
                           law_field="生态环境")
    return of.create_officer(data, on_date=D(2010, 1, 1))


def register(person, number: str, issued: D, until: D, kind: str = "law"):
    return cs.register_existing(person.id, cs.CertificateInput(kind=kind, number=number, issued_on=issued,
                                                               valid_until=until))


def test_every_warning_rule(session):
    from desktop_app.core.units import UnitInput, create_unit

    unit = create_unit(UnitInput("红寺堡区生态环境分局", "enforcement", "生态环境分局"))
    other = create_unit(UnitInput("红寺堡区市场监督管理局", "enforcement", "市场监督管理局"))
    today = dt.date.today()
    far, soon = today + dt.timedelta(days=900), today + dt.timedelta(days=40)
    fine = officer(unit, "马建军")
    register(fine, "A-1", D(2020, 1, 1), far)
    two = officer(unit, "李娜")
    register(two, "A-2", D(2020, 1, 1), far)
    register(two, "A-3", D(2021, 1, 1), far)
    supervisor = officer(unit, "王强", on_post=False)
    register(supervisor, "JD-1", D(2020, 1, 1), soon, kind="supervision")  # expiring, not the law card
    register(supervisor, "A-4", D(2020, 1, 1), far)
    expiring = officer(other, "张伟", reviewer=True)
    register(expiring, "A-5", D(2020, 1, 1), soon)
    expired = officer(other, "刘洋")
    register(expired, "A-6", D(2015, 1, 1), D(2020, 1, 1))
    suspended = officer(other, "陈静")
    card = register(suspended, "A-7", D(2020, 1, 1), far)
    cs.add_event(card.id, "suspend", D(2024, 1, 1), until=D(2024, 6, 30), reason="被投诉查实")
    aux = officer(other, "杨磊", category="编外·辅助人员", on_post=False)
    register(aux, "A-8", D(2020, 1, 1), far)
    left = officer(other, "黄敏")
    register(left, "A-9", D(2020, 1, 1), far)
    of.set_status(left.id, "调离", D(2024, 1, 1), cancel_certificates=False)
    officer(other, "赵军")  # on post without a card
    cancelled = officer(other, "周杰")
    card = register(cancelled, "A-10", D(2020, 1, 1), far)
    cs.add_event(card.id, "cancel", D(2024, 1, 1), reason="其他")
    figures = same_personnel()
    assert figures.alert_counts == {al.EXPIRING: 2, al.EXPIRED_CARD: 1, al.SUSPEND_OVERDUE: 1, al.AUX_CERT: 1,
                                    al.LEFT_CERT: 1, al.NO_CERT: 4, al.TWO_VALID: 1}
    assert figures.certificate_counts == {"有效": 2, "即将到期": 2, "暂扣": 1, "过期": 1, "注销": 1, "未发证": 1}
    assert figures.officers == 8 and figures.valid == 4
    set_setting("legal_review_ratio", 10)
    assert [u.unit_id for u in same_personnel().short_units] == [unit.id]
    set_setting("cert_expiry_warning_days", "10")
    assert al.EXPIRING not in same_personnel().alert_counts
    assert df.personnel_figures(D(2023, 6, 1)) == df.personnel_figures_from_rows(roster.load_roster(D(2023, 6, 1)))


def test_a_card_not_yet_issued_on_the_day(session):
    from desktop_app.core.units import UnitInput, create_unit

    unit = create_unit(UnitInput("红寺堡区交通运输局", "enforcement", "交通运输局"))
    later = officer(unit, "孙丽")
    register(later, "B-1", D(2021, 1, 1), D(2027, 1, 1))  # only from 2021
    both = officer(unit, "钱峰")
    register(both, "B-2", D(2015, 1, 1), D(2020, 12, 31))
    register(both, "B-3", D(2021, 1, 1), D(2027, 1, 1))
    for day in (D(2019, 6, 1), D(2020, 12, 31), D(2021, 1, 1)):
        figures = same_personnel(day)
        assert figures.officers == 2
    assert df.personnel_figures(D(2019, 6, 1)).certificate_counts["未发证"] == 1
