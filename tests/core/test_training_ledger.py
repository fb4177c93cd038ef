"""The training ledger (training/ledger.py), on a small county built through the services, with every figure
worked out by hand: 政治理论 hours apart, an officer's own hours when they left early, ranges shorter than a
year or across two, thresholds and the 轮训 deadline from the settings, the unit's population on the
range's last day, 心理健康 held by organising or attending; then the under-trained list, the personnel
warning it feeds (上年度学时不足) and the 清理 candidates."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from desktop_app.core.errors import ValidationError
from desktop_app.core.id_card import id_check_character
from desktop_app.core.personnel import alerts as al
from desktop_app.core.personnel import certificates as cs
from desktop_app.core.personnel import cleanup as cl
from desktop_app.core.personnel import officers as of
from desktop_app.core.personnel import roster
from desktop_app.core.settings import set_settings
from desktop_app.core.training import ledger
from desktop_app.core.training import sessions as ts
from desktop_app.core.units import UnitInput, create_unit

D = dt.date
Y2025 = ledger.year_range(2025)
LONG_AGO = D(2018, 1, 1)
ROSTER_DAY = D(2026, 3, 1)  # the personnel list in March 2026 looks at 2025


def id_number(seq: int) -> str:
    first17 = f"64030319800101{seq:03d}"
    return first17 + id_check_character(first17)


def officer(unit, name: str, seq: int, category: str = "行政编制公务员", registered: D = LONG_AGO):
    return of.create_officer(of.OfficerInput(unit_id=unit.id, name=name, id_number=id_number(seq),
                                             category=category, law_field="市场监管"), on_date=registered)


def held(name, start, end, hours, category="业务知识", **kw):
    return ts.create_session(ts.SessionInput(name, start, end, default_hours=hours, category=category, **kw))


@pytest.fixture
def county(session):
    """Three units; in 2025 (hours by hand, 60 asked):
    马建军 (A) 60 countable + 24 政治理论, 轮训 in 2024 (before the deadline)
    李娜 (A) 42 (left the 2025 轮训 early: 12 of 18), 轮训 only after the deadline
    王强 (A, 辅助人员) 30 — attends, not counted
    刘洋 (B) 54 (left the skills course early: 6 of 12), 轮训 2024; moved to A in February 2026
    周杰 (B) 3 (the county's 心理健康 lecture)
    陈静 (B) retired in June 2025 — not in the year-end population
    吴敏 (C) nothing at all."""
    a = create_unit(UnitInput("红寺堡区市场监督管理分局", "enforcement", "市场监管分局"))
    b = create_unit(UnitInput("红寺堡区综合执法局", "enforcement", "综合执法局"))
    c = create_unit(UnitInput("红寺堡区统计局", "enforcement", "统计局"))
    p = SimpleNamespace(a=a, b=b, c=c)
    p.full = officer(a, "马建军", 1)
    p.partial = officer(a, "李娜", 3)
    p.aux = officer(a, "王强", 5, category="编外·辅助人员")
    p.mover = officer(b, "刘洋", 7)
    p.little = officer(b, "周杰", 9)
    p.retired = officer(b, "陈静", 11)
    p.nothing = officer(c, "吴敏", 13)
    rot24 = held("2024年度全员轮训", D(2024, 5, 13), D(2024, 5, 15), 18, "公共法律知识", form="集中轮训",
                 is_rotation=True)
    rot25 = held("2025年度全员轮训", D(2025, 3, 3), D(2025, 3, 5), ts.days_to_hours(3), "公共法律知识",
                 form="集中轮训", is_rotation=True)
    business = held("执法业务培训班", D(2025, 6, 9), D(2025, 6, 13), ts.days_to_hours(5))
    skills = held("执法技能培训", D(2025, 9, 1), D(2025, 9, 2), 12, "行政执法技能")
    political = held("党纪学习教育读书班", D(2025, 7, 1), D(2025, 7, 4), 24, "政治理论")
    held("心理健康讲座", D(2025, 10, 10), None, 3, "行政执法技能", organiser="本单位", organiser_unit_id=a.id,
         is_mental_health=True)  # A holds it; nobody is put on the list
    county_lecture = held("全区执法人员心理健康讲座", D(2025, 11, 5), None, 3, "行政执法技能",
                          is_mental_health=True)
    new_year = held("跨年集训", D(2025, 12, 30), D(2026, 1, 2), 6)  # counts in 2026, on its end date
    ts.add_attendees(rot24.id, [p.full.id, p.mover.id])
    ts.add_attendees(rot25.id, [p.full.id, p.partial.id, p.mover.id])
    ts.set_attendance(rot25.id, p.partial.id, 12, "合格", "中途离开")
    ts.add_attendees(business.id, [p.full.id, p.partial.id, p.mover.id, p.aux.id])
    ts.add_attendees(skills.id, [p.full.id, p.mover.id])
    ts.set_attendance(skills.id, p.mover.id, 6, "合格", "请假半天")
    ts.add_attendees(political.id, [p.full.id, p.partial.id, p.mover.id, p.little.id])
    ts.add_attendees(county_lecture.id, [p.little.id])
    ts.add_attendees(new_year.id, [p.partial.id])
    of.set_status(p.retired.id, "退休", D(2025, 6, 30))
    of.move_officer(p.mover.id, a.id, D(2026, 2, 1), "工作调动")
    return p


def by_unit(summaries):
    return {u.unit_id: u for u in summaries}


# ---------------------------------------------------------------------------------------------------------
# one officer's hours


def test_political_hours_are_kept_apart(county):
    hours = ledger.officer_hours(*Y2025)
    full = hours[county.full.id]
    assert full.by_category == {"公共法律知识": 18, "业务知识": 30, "行政执法技能": 12, "政治理论": 24}
    assert (full.countable, full.political, full.sessions) == (60, 24, 4)
    assert full.shortfall(60) == 0
    assert hours[county.little.id].countable == 3 and hours[county.little.id].political == 24


def test_the_countable_hours_set_by_the_query_are_the_propertys_own(county):
    for start, end in (Y2025, (D(2025, 1, 1), D(2025, 6, 30)), (D(2024, 3, 1), D(2025, 2, 28))):
        for entry in ledger.officer_hours(start, end).values():
            again = ledger.OfficerHours(entry.officer_id, dict(entry.by_category))  # worked out on first read
            assert repr(entry.countable) == repr(again.countable)
    by_hand = ledger.OfficerHours(1, {"业务知识": 50.0, "政治理论": 20.0})
    assert by_hand.countable == 50.0 and by_hand.political == 20.0


def test_partial_attendance_counts_the_attendees_own_hours(county):
    hours = ledger.officer_hours(*Y2025)
    assert hours[county.partial.id].by_category["公共法律知识"] == 12  # left the three days early
    assert hours[county.partial.id].countable == 42
    assert hours[county.mover.id].countable == 54 and hours[county.full.id].countable == 60
    assert county.nothing.id not in hours  # no records: callers use .get


def test_officer_hours_for_a_list_and_the_long_list_path(county, monkeypatch):
    everyone = ledger.officer_hours(*Y2025)
    some = ledger.officer_hours(*Y2025, [county.partial.id, county.nothing.id])
    assert set(some) == {county.partial.id} and some[county.partial.id] == everyone[county.partial.id]
    assert ledger.officer_hours(*Y2025, []) == {}
    monkeypatch.setattr(ledger, "MAX_LISTED", 1)  # above it: everyone's hours, then theirs
    assert ledger.officer_hours(*Y2025, [county.partial.id, county.full.id]) == {
        k: everyone[k] for k in (county.partial.id, county.full.id)}


def test_hours_count_on_the_sessions_end_date(county):
    assert ledger.officer_hours(*Y2025)[county.partial.id].sessions == 3  # not the 跨年集训
    in_2026 = ledger.officer_hours(*ledger.year_range(2026))
    assert in_2026[county.partial.id].countable == 6


# ---------------------------------------------------------------------------------------------------------
# ranges and thresholds


def test_half_a_year_is_measured_against_the_prorated_threshold(county):
    start, end = D(2025, 1, 1), D(2025, 6, 30)
    assert ledger.threshold_for(start, end) == 30  # 60 × 181 / 365, to the half hour
    hours = ledger.officer_hours(start, end)
    assert hours[county.full.id].countable == 48  # 轮训 and the business course; skills came in September
    units = by_unit(ledger.unit_summaries(start, end))
    assert units[county.a.id].reaching == 2  # 马建军 48, 李娜 42: both over 30
    assert [(m.name, gap) for m, gap in units[county.b.id].short] == [("周杰", 30)]


def test_a_range_across_two_years(county):
    start, end = D(2024, 5, 1), D(2025, 6, 30)
    assert ledger.threshold_for(start, end) == 70  # 426 days
    hours = ledger.officer_hours(start, end)
    assert hours[county.full.id].countable == 66  # 2024 轮训 18 + 2025 轮训 18 + business 30
    assert hours[county.full.id].shortfall(70) == 4
    assert ledger.threshold_for(D(2024, 1, 1), D(2025, 12, 31)) == 120  # whole years


def test_a_range_ending_before_it_starts_is_refused(county):
    with pytest.raises(ValidationError, match="早于开始日期"):
        ledger.officer_hours(D(2025, 6, 30), D(2025, 1, 1))


def test_the_threshold_follows_the_setting(county):
    assert [m.name for m, _ in by_unit(ledger.unit_summaries(*Y2025))[county.a.id].short] == ["李娜"]
    set_settings({"annual_training_hours": 40})
    assert ledger.threshold_for(*Y2025) == 40
    units = by_unit(ledger.unit_summaries(*Y2025))
    assert units[county.a.id].short == [] and units[county.a.id].reach_rate == 1
    assert ledger.under_trained(2025) == {county.little.id: 37, county.nothing.id: 40}
    set_settings({"annual_training_hours": 80})
    assert ledger.under_trained(2025)[county.full.id] == 20


# ---------------------------------------------------------------------------------------------------------
# 全员轮训


def test_rotation_counts_only_by_the_deadline(county):
    hours = ledger.officer_hours(*Y2025)
    assert hours[county.full.id].rotation and hours[county.mover.id].rotation  # 2024, before 2024-06-30
    assert not hours[county.partial.id].rotation  # the 2025 course came after the deadline
    assert by_unit(ledger.unit_summaries(*Y2025))[county.a.id].rotated == 1


def test_the_deadline_setting_moves_it(county):
    set_settings({"rotation_training_deadline": "2025-03-31"})
    assert ledger.rotation_deadline() == D(2025, 3, 31)
    assert ledger.officer_hours(*Y2025)[county.partial.id].rotation
    assert by_unit(ledger.unit_summaries(*Y2025))[county.a.id].rotation_rate == 1
    set_settings({"rotation_training_deadline": "2024-05-14"})  # the 2024 course ended a day later
    hours = ledger.officer_hours(*Y2025)
    assert not any(h.rotation for h in hours.values())


def test_a_range_ending_before_the_deadline_counts_to_its_own_end(county):
    hours = ledger.officer_hours(D(2024, 1, 1), D(2024, 5, 14))  # the 2024 course ends on 15 May
    assert not any(h.rotation for h in hours.values())


# ---------------------------------------------------------------------------------------------------------
# per unit


def test_unit_summaries_by_hand(county):
    units = by_unit(ledger.unit_summaries(*Y2025))
    a, b, c = units[county.a.id], units[county.b.id], units[county.c.id]
    # A: 马建军 60, 李娜 42 (王强 is a 辅助人员)
    assert (a.officers, a.rotated, a.total_hours, a.reaching) == (2, 1, 102, 1)
    assert (a.rotation_rate, a.average_hours, a.reach_rate) == (0.5, 51, 0.5)
    assert [(m.name, gap) for m, gap in a.short] == [("李娜", 18)]
    # B on 2025-12-31: 刘洋 (moved to A only in 2026) 54, 周杰 3; 陈静 had retired
    assert (b.officers, b.rotated, b.total_hours, b.reaching) == (2, 1, 57, 0)
    assert [(m.name, gap) for m, gap in b.short] == [("周杰", 57), ("刘洋", 6)]  # the largest first
    assert b.average_hours == 28.5
    assert (c.officers, c.reaching, [gap for _, gap in c.short]) == (1, 0, [60])
    in_order = [u.unit_name for u in ledger.unit_summaries(*Y2025)]  # 刘洋, now in A, is listed under B
    assert in_order == [county.a.name, county.b.name, county.c.name]


def test_population_is_taken_on_the_ranges_last_day(county):
    names = {m.name: m.unit_id for m in ledger.population(D(2025, 12, 31))}
    assert names == {"马建军": county.a.id, "李娜": county.a.id, "刘洋": county.b.id, "周杰": county.b.id,
                     "吴敏": county.c.id}
    assert {m.name for m in ledger.population(D(2025, 3, 1), county.b.id)} == {"刘洋", "周杰", "陈静"}
    assert {m.name for m in ledger.population(D(2026, 2, 1), county.a.id)} == {"马建军", "李娜", "刘洋"}


def test_one_units_summary_is_the_same_as_in_the_full_list(county):
    def figures(u):
        return (u.unit_id, u.officers, u.rotated, u.total_hours, u.reaching,
                [(m.id, gap) for m, gap in u.short], u.mental_health_sessions)

    for start, end in (Y2025, (D(2025, 1, 1), D(2025, 6, 30)), (D(2024, 5, 1), D(2026, 1, 31))):
        everything = {u.unit_id: figures(u) for u in ledger.unit_summaries(start, end)}
        for unit in (county.a, county.b, county.c):
            alone = ledger.unit_summaries(start, end, unit.id)
            assert [figures(u) for u in alone] == ([everything[unit.id]] if unit.id in everything else [])


def test_mental_health_held_by_organising_or_attending(county):
    units = by_unit(ledger.unit_summaries(*Y2025))
    assert units[county.a.id].mental_health_sessions == 1  # organised it, nobody on the list
    assert units[county.b.id].mental_health_sessions == 1  # 周杰 went to the county's
    assert units[county.c.id].mental_health_sessions == 0
    assert by_unit(ledger.unit_summaries(*ledger.year_range(2024)))[county.a.id].mental_health_sessions == 0
    assert ledger.unit_summaries(*Y2025, county.c.id)[0].mental_health_sessions == 0


# ---------------------------------------------------------------------------------------------------------
# under-trained: the warning and the 清理 list


def test_under_trained(county):
    assert ledger.under_trained(2025) == {county.partial.id: 18, county.mover.id: 6, county.little.id: 57,
                                          county.nothing.id: 60}
    assert ledger.under_trained(2025, [county.partial.id, county.full.id]) == {county.partial.id: 18}
    assert ledger.under_trained(2025, []) == {}
    assert ledger.under_trained(2023) == {}  # no training recorded that year: nobody is named
    assert ledger.under_trained(2023, [county.nothing.id]) == {}


def test_a_new_hire_without_records_is_not_under_trained(county):
    after = officer(county.c, "赵雪", 15, registered=D(2026, 1, 20))
    during = officer(county.c, "孙婷", 17, registered=D(2025, 5, 6))
    on_day_one = officer(county.c, "黄磊", 19, registered=D(2025, 1, 1))
    short = ledger.under_trained(2025)
    assert after.id not in short and during.id not in short  # joined since the year began, nothing recorded
    assert short[on_day_one.id] == 60 and short[county.nothing.id] == 60  # there all year: had nothing
    ts.add_attendees(held("年末业务培训", D(2025, 12, 1), None, 6).id, [after.id, during.id])
    short = ledger.under_trained(2025)
    assert short[after.id] == short[during.id] == 54  # records in 2025: they were there


def test_the_personnel_warning(county):
    rows = {r.name: r for r in roster.load_roster(ROSTER_DAY)}
    flagged = {name for name, r in rows.items() if any(a.code == al.UNDER_TRAINED for a in r.alerts)}
    assert flagged == {"李娜", "刘洋", "周杰", "吴敏"}
    alert = next(a for a in rows["李娜"].alerts if a.code == al.UNDER_TRAINED)
    assert alert.label == "上年度学时不足" and not alert.danger
    assert "2025年度培训 42 学时" in alert.message and "差 18 学时" in alert.message
    assert "上年度学时不足" in rows["李娜"].alert_text
    assert alert.unit_id == county.a.id and alert.officer_id == county.partial.id
    assert roster.alert_counts(list(rows.values()))[al.UNDER_TRAINED] == 4
    assert len(roster.filter_rows(list(rows.values()), roster.RosterFilter(alert=al.UNDER_TRAINED))) == 4
    one = roster.load_roster(ROSTER_DAY, officer_ids=[county.mover.id])
    assert [a.message for a in one[0].alerts if a.code == al.UNDER_TRAINED] == [
        "2025年度培训 54 学时，不足 60 学时（差 6 学时），年审可能不予通过"]
    in_2024 = roster.load_roster(D(2024, 3, 1))  # nothing recorded for 2023: no warning for anyone
    assert not any(a.code == al.UNDER_TRAINED for r in in_2024 for a in r.alerts)


def test_a_valid_card_far_from_expiry_still_gets_the_warning(county):
    """The fast path (one valid card, nothing to check) must not skip last year's hours."""
    cs.register_existing(county.partial.id, cs.CertificateInput(
        number="64A001", issuer="宁夏回族自治区人民政府", issued_on=D(2024, 1, 1), valid_until=D(2028, 12, 31)))
    row = next(r for r in roster.load_roster(ROSTER_DAY) if r.id == county.partial.id)
    assert [a.code for a in row.alerts] == [al.UNDER_TRAINED]


def test_the_dashboard_card_shows_the_warning(county):
    from desktop_app.ui.pages.personnel_summary import personnel_summary_html

    text = personnel_summary_html(roster.load_roster(ROSTER_DAY))
    assert f"alert:{al.UNDER_TRAINED}" in text and "上年度学时不足</a> <b>4</b> 人" in text


def test_cleanup_lists_the_under_trained(county):
    cs.register_existing(county.partial.id, cs.CertificateInput(
        number="64A001", issuer="宁夏回族自治区人民政府", issued_on=D(2024, 1, 1), valid_until=D(2028, 12, 31)))
    reasons = cl.under_trained(2025, ROSTER_DAY)
    assert reasons[county.partial.id] == "2025年度培训 42 学时，不足 60 学时（差 18 学时）"
    assert set(reasons) == {county.partial.id, county.mover.id, county.little.id, county.nothing.id}
    found = {c.officer.name: c for c in cl.build_candidates(ROSTER_DAY, 2025) if cl.UNDER_TRAINED in c.rules}
    assert set(found) == {"李娜", "刘洋", "周杰", "吴敏"}
    line = found["李娜"]
    assert line.card is not None and line.card.number == "64A001"
    assert line.suggested.action == cl.KEEP and "差 18 学时" in line.suggested.cleanup_reason
    assert cl.SUSPEND in line.actions  # the clerk may 暂扣 instead
    assert found["周杰"].card is None and found["周杰"].actions == (cl.KEEP,)
    assert found["刘洋"].rules == [cl.NO_VALID, cl.UNDER_TRAINED]  # no card: one line for the officer


def test_an_expired_card_and_too_few_hours_make_one_line(county):
    cs.register_existing(county.mover.id, cs.CertificateInput(
        number="64B009", issuer="宁夏回族自治区人民政府", issued_on=D(2019, 1, 1), valid_until=D(2024, 12, 31)))
    lines = [c for c in cl.build_candidates(ROSTER_DAY, 2025) if c.officer.id == county.mover.id]
    assert len(lines) == 1 and lines[0].card.number == "64B009"
    assert lines[0].rules == [cl.EXPIRED_CARD, cl.UNDER_TRAINED]
    assert (lines[0].suggested.action, lines[0].suggested.reason) == (cl.CANCEL, "期满未换证")
    assert "差 6 学时" in lines[0].reason_text
    so_far = cl.under_trained(2026, ROSTER_DAY)  # the year not over: hours so far against the whole year
    assert so_far[county.partial.id] == "2026年度培训 6 学时（截至 2026-03-01），不足 60 学时（差 54 学时）"
    assert cl.under_trained(2023, ROSTER_DAY) == {}


# ---------------------------------------------------------------------------------------------------------
# the demo county


def test_the_demo_has_two_years_with_officers_and_units_short(demo_session):
    from desktop_app.core.db import db
    from desktop_app.core.models import Attendance, TrainingSession

    today = dt.date.today()
    last_year = ledger.year_range(today.year - 1)
    years = {row[0] for row in db.execute_sql("SELECT DISTINCT substr(end_date, 1, 4) FROM training_session")}
    assert {str(today.year - 1), str(today.year)} <= years
    assert not TrainingSession.select().where(TrainingSession.end_date > today).exists()
    organisers = {s.organiser for s in TrainingSession.select(TrainingSession.organiser).distinct()}
    assert organisers == {"司法局", "上级业务部门", "本单位", "网络平台"}
    platform = TrainingSession.select().where(TrainingSession.organiser == "网络平台")
    assert all(s.source_key == f"platform:{s.name}:{s.end_date:%Y-%m-%d}" and s.form == "网络学习"
               for s in platform)
    left_early = Attendance.hours < TrainingSession.default_hours
    assert Attendance.select().join(TrainingSession).where(left_early).exists()
    assert {r.result for r in Attendance.select(Attendance.result).distinct()} >= {"合格", "不合格"}
    units = ledger.unit_summaries(*last_year)
    officers = sum(u.officers for u in units)
    short = sum(len(u.short) for u in units)
    assert 0.05 * officers < short < 0.25 * officers  # some officers short, most reaching 60
    assert 2 <= sum(1 for u in units if u.reach_rate < 0.5) <= 5  # a few whole units short
    assert 1 <= sum(1 for u in units if not u.mental_health_sessions) <= 3
    if ledger.rotation_deadline().year >= today.year - 3:  # the demo reaches back to the 2024 全员轮训
        assert sum(u.rotated for u in units) > 0.8 * officers
    assert any(h.political for h in ledger.officer_hours(*last_year).values())
    warned = [a for r in roster.load_roster() for a in r.alerts if a.code == al.UNDER_TRAINED]
    assert 0 < len(warned) <= short
