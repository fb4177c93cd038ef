"""Warnings (alerts.py through roster.py): each rule fires exactly when it should, on the day it should,
following the settings (cert_expiry_warning_days, legal_review_ratio); the demo county shows every one."""
from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.id_card import id_check_character
from desktop_app.core.personnel import alerts as al
from desktop_app.core.personnel import certificates as cs
from desktop_app.core.personnel import officers as of
from desktop_app.core.personnel import roster
from desktop_app.core.settings import set_setting
from desktop_app.core.units import UnitInput, create_unit

D = dt.date
ISSUED, UNTIL = D(2019, 7, 1), D(2024, 6, 30)
RATIO_DAY = D(2024, 1, 1)
_seq = iter(range(101, 999, 2))


@pytest.fixture
def unit(session):
    return create_unit(UnitInput("红寺堡区生态环境分局", "enforcement", "生态环境分局"))


def officer(unit, name: str = "马建军", category: str = "行政编制公务员", on_post: bool = True,
            reviewer: bool = False):
    first17 = f"640303198503{next(_seq) % 28 + 1:02d}{next(_seq):03d}"
    data = of.OfficerInput(unit_id=unit.id, name=name, id_number=first17 + id_check_character(first17),
                           category=category, on_enforcement_post=on_post, is_legal_reviewer=reviewer,
                           law_field="生态环境")
    return of.create_officer(data, on_date=D(2010, 1, 1))


def register(person, number: str = "6403031900001", issued: D = ISSUED, until: D = UNTIL, kind: str = "law"):
    return cs.register_existing(person.id, cs.CertificateInput(kind=kind, number=number, issued_on=issued,
                                                               valid_until=until))


def row_of(person, today: D) -> roster.RosterRow:
    [row] = [r for r in roster.load_roster(today) if r.id == person.id]
    return row


def codes(person, today: D) -> list[str]:
    return sorted(a.code for a in row_of(person, today).alerts)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


# ---------------------------------------------------------------------------------------------------------
# expiry


def test_expiring_follows_the_widest_warning_setting(unit):
    person = officer(unit)
    register(person)
    assert codes(person, UNTIL - days(181)) == []
    assert codes(person, UNTIL - days(180)) == [al.EXPIRING]
    [alert] = row_of(person, UNTIL - days(180)).alerts
    assert alert.days_left == 180 and alert.message == "证件 6403031900001 将于 2024-06-30 到期（还有 180 天）"
    assert not alert.danger
    assert [a.days_left for a in row_of(person, UNTIL).alerts] == [0]  # the last valid day
    set_setting("cert_expiry_warning_days", "90,30")
    assert codes(person, UNTIL - days(91)) == []
    assert codes(person, UNTIL - days(90)) == [al.EXPIRING]
    set_setting("cert_expiry_warning_days", "30")
    assert codes(person, UNTIL - days(31)) == []
    assert codes(person, UNTIL - days(30)) == [al.EXPIRING]


def test_expired_the_day_after_the_last_valid_day(unit):
    person = officer(unit)
    register(person)
    assert codes(person, UNTIL + days(1)) == [al.EXPIRED_CARD, al.NO_CERT]
    alert = next(a for a in row_of(person, UNTIL + days(1)).alerts if a.code == al.EXPIRED_CARD)
    assert alert.danger and alert.message == "证件 6403031900001 已于 2024-06-30 到期，应换证或注销"


def test_renewed_or_cancelled_expired_card_is_no_longer_flagged(unit):
    renewed, cancelled = officer(unit), officer(unit, name="李娜")
    cs.renew(register(renewed).id, cs.CertificateInput(number="6403032400002", issued_on=D(2024, 6, 20),
                                                       valid_until=D(2029, 6, 19)))
    old = register(cancelled, "6403031900003")
    cs.add_event(old.id, "cancel", D(2024, 7, 15), reason="期满未换证")
    assert codes(renewed, D(2024, 8, 1)) == []
    assert codes(cancelled, D(2024, 7, 14)) == [al.EXPIRED_CARD, al.NO_CERT]
    assert codes(cancelled, D(2024, 7, 15)) == [al.NO_CERT]


def test_a_suspended_card_also_warns_before_expiry_but_not_for_someone_who_left(unit):
    suspended, left = officer(unit), officer(unit, name="李娜")
    cs.add_event(register(suspended).id, "suspend", D(2024, 3, 1), reason="被投诉查实", until=D(2024, 9, 1))
    register(left, "6403031900002")
    of.set_status(left.id, "退休", D(2024, 3, 1), cancel_certificates=False)
    assert al.EXPIRING in codes(suspended, D(2024, 4, 1))
    assert al.EXPIRING not in codes(left, D(2024, 4, 1))


# ---------------------------------------------------------------------------------------------------------
# 暂扣


def test_suspension_overdue_only_after_its_last_day(unit):
    person = officer(unit)
    cert = register(person, until=D(2026, 6, 30))
    cs.add_event(cert.id, "suspend", D(2023, 3, 1), reason="超越职权或违反程序造成后果", until=D(2023, 6, 1))
    assert codes(person, D(2023, 6, 1)) == [al.NO_CERT]
    assert codes(person, D(2023, 6, 2)) == [al.NO_CERT, al.SUSPEND_OVERDUE]
    [overdue] = [a for a in row_of(person, D(2023, 6, 2)).alerts if a.code == al.SUSPEND_OVERDUE]
    assert overdue.message == "证件 6403031900001 暂扣至 2023-06-01，期满未恢复、收回或注销"
    cs.add_event(cert.id, "restore", D(2023, 6, 10))
    assert codes(person, D(2023, 6, 9)) == [al.NO_CERT, al.SUSPEND_OVERDUE]
    assert codes(person, D(2023, 6, 10)) == []


def test_failed_annual_review_has_no_period_to_overrun(unit):
    person = officer(unit)
    cert = register(person, until=D(2026, 6, 30))
    cs.add_event(cert.id, "review_fail", D(2023, 3, 1), reason="年审不合格")
    assert codes(person, D(2024, 3, 1)) == [al.NO_CERT]


# ---------------------------------------------------------------------------------------------------------
# 持证上岗


def test_no_certificate_on_an_enforcement_post(unit):
    on_post = officer(unit)
    office = officer(unit, name="李娜", on_post=False)
    aux = officer(unit, name="王强", category="编外·辅助人员")
    day = D(2024, 1, 1)
    assert codes(on_post, day) == [al.NO_CERT] and codes(office, day) == [] and codes(aux, day) == []
    [alert] = row_of(on_post, day).alerts
    assert alert.danger and alert.cert_id is None and "持证上岗" in alert.message


@pytest.mark.parametrize("what, warned", [
    ("valid", False), ("supervision only", True), ("suspended", True), ("applied", True), ("revoked", True),
    ("left", False),
])
def test_no_certificate_depends_on_the_card(unit, what, warned):
    person = officer(unit)
    cs.add_exam(person.id, D(2018, 1, 1), score=80, passed=True)
    if what == "supervision only":
        register(person, "JD01", kind="supervision", until=D(2030, 1, 1))
    elif what == "applied":
        cs.apply_for(person.id, "law", D(2023, 6, 1))
    elif what != "left":
        cert = register(person, until=D(2030, 1, 1))
        if what == "suspended":
            cs.add_event(cert.id, "suspend", D(2023, 6, 1), reason="被投诉查实", until=D(2024, 6, 1))
        elif what == "revoked":
            cs.add_event(cert.id, "revoke", D(2023, 6, 1), reason="出借、转借证件")
    else:
        of.set_status(person.id, "辞职", D(2023, 6, 1))
    assert (al.NO_CERT in codes(person, D(2024, 1, 1))) is warned


# ---------------------------------------------------------------------------------------------------------
# 辅助人员, two cards, people who left


@pytest.mark.parametrize("category", ["编外·辅助人员", "工勤"])
def test_auxiliary_holding_a_card(unit, category):
    aux = officer(unit, category=category, on_post=False)
    register(aux)
    assert codes(aux, D(2023, 1, 1)) == [al.AUX_CERT]
    [alert] = row_of(aux, D(2023, 1, 1)).alerts
    assert alert.message == "执法辅助人员不得持有执法证件（6403031900001）" and alert.danger
    assert codes(aux, UNTIL + days(1)) == [al.EXPIRED_CARD]  # an expired card is flagged as such instead


def test_auxiliary_who_left_with_a_card_is_flagged_as_left(unit):
    aux = officer(unit, category="编外·辅助人员")
    register(aux)
    of.set_status(aux.id, "辞职", D(2022, 1, 1), cancel_certificates=False)
    assert codes(aux, D(2023, 1, 1)) == [al.LEFT_CERT]


def test_two_valid_cards(unit):
    person = officer(unit)
    register(person, "A-1", D(2021, 1, 1), D(2026, 1, 1))
    second = register(person, "A-2", D(2022, 1, 1), D(2027, 1, 1))
    register(person, "JD-1", D(2022, 1, 1), D(2027, 1, 1), kind="supervision")
    assert codes(person, D(2021, 12, 31)) == []
    assert codes(person, D(2022, 1, 1)) == [al.TWO_VALID]
    [alert] = row_of(person, D(2022, 1, 1)).alerts
    assert alert.message == "同时有两个有效证件：A-2、A-1"  # the newer card first, as the list shows them
    cs.add_event(second.id, "cancel", D(2022, 2, 1), reason="其他")
    assert codes(person, D(2022, 2, 1)) == []


def test_two_supervision_cards_count_too(unit):
    person = officer(unit, on_post=False)
    register(person, "JD-1", D(2021, 1, 1), D(2026, 1, 1), kind="supervision")
    register(person, "JD-2", D(2022, 1, 1), D(2027, 1, 1), kind="supervision")
    assert codes(person, D(2022, 6, 1)) == [al.TWO_VALID]


@pytest.mark.parametrize("card_state", ["valid", "expired", "applied"])
def test_left_with_a_live_card_when_not_cancelled(unit, card_state):
    person = officer(unit)
    cs.add_exam(person.id, D(2018, 1, 1), score=80, passed=True)
    if card_state == "applied":
        cs.apply_for(person.id, "law", D(2022, 6, 1))
    else:
        register(person, until=UNTIL if card_state == "valid" else D(2022, 1, 1))
    assert al.LEFT_CERT not in codes(person, D(2023, 3, 1))
    of.set_status(person.id, "退休", D(2023, 3, 1), cancel_certificates=False)
    expected = [al.EXPIRED_CARD, al.LEFT_CERT] if card_state == "expired" else [al.LEFT_CERT]
    assert codes(person, D(2023, 3, 1)) == expected
    [alert] = [a for a in row_of(person, D(2023, 3, 1)).alerts if a.code == al.LEFT_CERT]
    number = "（申领中）" if card_state == "applied" else "6403031900001"
    assert alert.message == f"已退休，证件 {number} 尚未注销"


def test_leaving_with_cancellation_leaves_nothing_to_flag(unit):
    person = officer(unit)
    register(person)
    of.set_status(person.id, "调离", D(2023, 3, 1))
    assert codes(person, D(2023, 3, 1)) == []


# ---------------------------------------------------------------------------------------------------------
# 法制审核人员 ≥ 5 % per unit


def staff(unit, count: int, reviewers: int) -> list:
    return [officer(unit, name=f"执法员{chr(0x4E00 + i)}", reviewer=i < reviewers) for i in range(count)]


def ratio_alerts(today: D = RATIO_DAY) -> list[al.Alert]:
    return roster.unit_alerts(roster.load_roster(today))


def test_reviewer_ratio_at_and_below_the_line(unit):
    staff(unit, 20, 1)
    assert ratio_alerts() == []  # 1 of 20 = exactly 5 %
    officer(unit, name="杨帆")
    [alert] = ratio_alerts()
    assert alert.code == al.REVIEWER_RATIO and alert.unit_id == unit.id and alert.officer_id is None
    assert alert.message == ("红寺堡区生态环境分局：法制审核人员 1 人，占执法人员 21 人的 4.8%，低于 5%（至少需要 2 人）")


def test_auxiliary_and_departed_staff_are_not_counted(unit):
    people = staff(unit, 20, 1)
    officer(unit, name="王强", category="编外·辅助人员")
    officer(unit, name="金花", category="工勤")
    assert ratio_alerts() == []
    extra = officer(unit, name="杨帆")
    assert len(ratio_alerts()) == 1
    of.set_status(extra.id, "调离", D(2023, 6, 1))
    assert ratio_alerts() == []
    of.set_status(people[0].id, "退休", D(2023, 6, 1))  # the only reviewer leaves
    [alert] = ratio_alerts()
    assert "法制审核人员 0 人，占执法人员 19 人的 0.0%" in alert.message and "至少需要 1 人" in alert.message


def test_reviewer_ratio_follows_the_setting(unit):
    staff(unit, 20, 2)
    assert ratio_alerts() == []
    set_setting("legal_review_ratio", "10")
    assert ratio_alerts() == []  # 2 of 20 = exactly 10 %
    set_setting("legal_review_ratio", "10.5")
    [alert] = ratio_alerts()
    assert "低于 10.5%（至少需要 3 人）" in alert.message


def test_small_unit_needs_one_reviewer(unit):
    township = create_unit(UnitInput("红寺堡区柳泉乡人民政府", "township", "柳泉乡"))
    staff(township, 6, 0)
    [alert] = ratio_alerts()
    assert alert.unit_id == township.id and "至少需要 1 人" in alert.message


def test_reviewer_alerts_directly():
    ratios = [al.UnitRatio(1, "甲", 40, 2), al.UnitRatio(2, "乙", 41, 2), al.UnitRatio(3, "丙", 0, 0),
              al.UnitRatio(4, "丁", 3, 0)]
    assert [a.unit_id for a in al.reviewer_alerts(ratios, 5)] == [2, 4]
    assert al.reviewer_alerts(ratios, 0) == []


# ---------------------------------------------------------------------------------------------------------
# the demo county has something for every warning


def test_demo_shows_every_warning(demo_session):
    rows = roster.load_roster()
    counts = roster.alert_counts(rows)
    officer_codes = {al.EXPIRING, al.EXPIRED_CARD, al.SUSPEND_OVERDUE, al.NO_CERT, al.AUX_CERT, al.TWO_VALID,
                     al.LEFT_CERT, al.UNDER_TRAINED}
    assert officer_codes <= set(counts), officer_codes - set(counts)
    assert set(counts) <= officer_codes
    short = roster.unit_alerts(rows)
    assert len(short) >= 2 and {a.code for a in short} == {al.REVIEWER_RATIO}
    ratios = {r.unit_id: r for r in roster.unit_ratios(rows)}
    assert sum(r.reviewers for r in ratios.values()) / sum(r.officers for r in ratios.values()) >= 0.05
    left = [d for a in (a for r in rows for a in r.alerts) if a.code == al.EXPIRING for d in [a.days_left]]
    assert any(d <= 30 for d in left) and any(30 < d <= 90 for d in left) and any(90 < d <= 180 for d in left)
    for code in officer_codes:
        flagged = roster.filter_rows(rows, roster.RosterFilter(alert=code))
        assert len(flagged) == counts[code]
    # the rule violations are few, as in a real county
    assert counts[al.AUX_CERT] <= 3 and counts[al.TWO_VALID] <= 3 and counts[al.LEFT_CERT] <= 3
    assert counts[al.NO_CERT] < len(rows) * 0.1
