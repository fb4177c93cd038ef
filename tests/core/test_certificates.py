"""The certificate lifecycle (certificates.py): which changes each state allows, with the clerk's reason when
refused; the exam gate; who may not hold a card; events in date order; 换证; the status on any date; and the
bulk status query (cert_status.py) agreeing with the one-card replay on every card of the demo county."""
from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.errors import ValidationError
from desktop_app.core.id_card import id_check_character
from desktop_app.core.models import Certificate, CertificateEvent, Officer, OfficerChange, now
from desktop_app.core.personnel import certificates as cs
from desktop_app.core.personnel import officers as of
from desktop_app.core.personnel.cert_status import by_officer, card_statuses, main_card
from desktop_app.core.units import UnitInput, create_unit

D = dt.date
TODAY = dt.date.today()
FAR = D(2099, 12, 31)
EXAM_DAY, ISSUE_DAY = D(2019, 5, 1), D(2020, 1, 1)


def id_number(born: str = "19850315", seq: int = 123) -> str:
    first17 = f"640303{born}{seq:03d}"
    return first17 + id_check_character(first17)


@pytest.fixture
def unit(session):
    return create_unit(UnitInput("红寺堡区市场监督管理局", "enforcement", "市场监管局"))


_seq = iter(range(101, 999, 2))


def officer(unit, category: str = "行政编制公务员", exam: D | None = EXAM_DAY, **kw) -> Officer:
    data = of.OfficerInput(unit_id=unit.id, name=kw.pop("name", "马建军"), id_number=id_number(seq=next(_seq)),
                           category=category, law_field="市场监管", **kw)
    person = of.create_officer(data, on_date=D(2015, 1, 1))
    if exam:
        cs.add_exam(person.id, exam, score=82, passed=True)
    return person


def card(number: str, issued: D = ISSUE_DAY, until: D = FAR, kind: str = "law") -> cs.CertificateInput:
    return cs.CertificateInput(kind=kind, number=number, issuer="吴忠市红寺堡区人民政府", issued_on=issued,
                               valid_until=until, law_field="市场监管")


def events_of(cert) -> list[tuple[str, D]]:
    return [(e.kind, e.on_date) for e in CertificateEvent.select().where(CertificateEvent.certificate == cert.id)
            .order_by(CertificateEvent.on_date, CertificateEvent.id)]


# ---------------------------------------------------------------------------------------------------------
# Every change from every state. The expected table is written out here from shared/domain.md §2.3
# (申领中→有效⇄暂扣; 有效/暂扣→收回→注销; 有效→过期→换证|注销), not read from ALLOWED_FROM.

SETUP_DAY, ACT_DAY = D(2022, 6, 1), D(2023, 3, 1)
NO_EVENT = "未登记"  # a card row without any event (left by an interrupted import)
EXPECTED_FROM = {
    "apply": {NO_EVENT, cs.EXPIRED, cs.REVOKED, cs.CANCELLED},  # refused while the officer holds a live card
    "issue": {NO_EVENT, cs.APPLIED},
    "review_pass": {cs.VALID},
    "review_fail": {cs.VALID},
    "renew": {cs.VALID, cs.EXPIRED},
    "suspend": {cs.VALID},
    "restore": {cs.SUSPENDED},
    "revoke": {cs.VALID, cs.SUSPENDED},
    "cancel": {cs.APPLIED, cs.VALID, cs.SUSPENDED, cs.EXPIRED, cs.REVOKED},
}
RESULT = {"issue": cs.VALID, "review_pass": cs.VALID, "review_fail": cs.SUSPENDED, "suspend": cs.SUSPENDED,
          "restore": cs.VALID, "revoke": cs.REVOKED, "cancel": cs.CANCELLED, "renew": cs.RENEWED}
START_STATES = [NO_EVENT, cs.APPLIED, cs.VALID, cs.SUSPENDED, cs.EXPIRED, cs.REVOKED, cs.CANCELLED, cs.RENEWED]


def card_in_state(person: Officer, state: str) -> Certificate:
    if state == NO_EVENT:
        return Certificate.create(officer=person.id, kind="law", created_at=now())
    if state == cs.APPLIED:
        return cs.apply_for(person.id, "law", D(2020, 1, 10))
    if state == cs.EXPIRED:
        return cs.register_existing(person.id, card("OLD-1", D(2015, 1, 1), D(2019, 12, 31)))
    cert = cs.register_existing(person.id, card("OLD-1"))
    if state == cs.SUSPENDED:
        cs.add_event(cert.id, "suspend", SETUP_DAY, reason="被投诉查实", until=D(2024, 6, 1))
    elif state == cs.REVOKED:
        cs.add_event(cert.id, "revoke", SETUP_DAY, reason="出借、转借证件")
    elif state == cs.CANCELLED:
        cs.add_event(cert.id, "cancel", SETUP_DAY, reason="不再从事执法")
    elif state == cs.RENEWED:
        cs.renew(cert.id, card("OLD-2", SETUP_DAY))
    return Certificate.get_by_id(cert.id)


def act(kind: str, person: Officer, cert: Certificate):
    if kind == "apply":
        return cs.apply_for(person.id, "law", ACT_DAY)
    if kind == "issue":
        return cs.issue(cert.id, card("NEW-1", ACT_DAY, D(2028, 2, 29)))
    if kind == "renew":
        return cs.renew(cert.id, card("NEW-1", ACT_DAY, D(2028, 2, 29)))
    return cs.add_event(cert.id, kind, ACT_DAY, reason="测试", until=D(2023, 9, 1) if kind == "suspend" else None)


def test_the_table_covers_every_event_and_state():
    assert set(EXPECTED_FROM) == set(cs.EVENTS)
    assert set(START_STATES) - {NO_EVENT} == set(cs.STATES)


@pytest.mark.parametrize("start", START_STATES)
@pytest.mark.parametrize("kind", list(cs.EVENTS))
def test_each_change_from_each_state(unit, kind, start):
    person = officer(unit)
    cert = card_in_state(person, start)
    assert cs.state_of(cert, ACT_DAY).state == (cs.NONE if start == NO_EVENT else start)
    before = CertificateEvent.select().count()
    if start in EXPECTED_FROM[kind]:
        result = act(kind, person, cert)
        if kind == "apply":
            assert cs.state_of(result, ACT_DAY).state == cs.APPLIED
        else:
            assert cs.state_of(cert.id, ACT_DAY).state == RESULT[kind]
        if kind == "renew":
            assert cs.state_of(result, ACT_DAY).state == cs.VALID
        assert CertificateEvent.select().count() > before
        return
    with pytest.raises(ValidationError) as excinfo:
        act(kind, person, cert)
    message = excinfo.value.message
    if kind == "apply":
        assert "不能重复申领" in message and "马建军已有行政执法证" in message
    else:
        shown = "尚未发证" if start == NO_EVENT else start
        assert f"当前为“{shown}”，不能{cs.EVENTS[kind]}" in message
        allowed = "、".join(sorted(s if s != NO_EVENT else "未登记" for s in EXPECTED_FROM[kind]))
        listed = message.split("（只有“")[1].split("”的证件")[0]
        assert "、".join(sorted(listed.split("、"))) == allowed
    assert CertificateEvent.select().count() == before, "a refused change writes nothing"
    assert Certificate.select().where(Certificate.number == "NEW-1").count() == 0


# ---------------------------------------------------------------------------------------------------------
# who may apply


def test_exam_gate(unit):
    person = officer(unit, exam=None)
    with pytest.raises(ValidationError) as excinfo:
        cs.apply_for(person.id, "law", D(2021, 3, 1))
    assert "没有通过资格考试" in excinfo.value.message and excinfo.value.field == "exam"
    cs.add_exam(person.id, D(2021, 2, 1), score=48, passed=False)
    with pytest.raises(ValidationError, match="没有通过资格考试"):
        cs.apply_for(person.id, "law", D(2021, 3, 1))
    cs.add_exam(person.id, D(2021, 5, 1), score=75, passed=True)
    with pytest.raises(ValidationError, match="没有通过资格考试"):  # passed only after the application date
        cs.apply_for(person.id, "law", D(2021, 3, 1))
    cert = cs.apply_for(person.id, "law", D(2021, 5, 2))
    assert cs.state_of(cert).state == cs.APPLIED and cert.number is None


def test_exemption_through_the_legal_qualification_opens_the_gate(unit):
    person = officer(unit, exam=None)
    exam = cs.add_exam(person.id, D(2021, 1, 5), exempt=True, note="法律职业资格")
    assert exam.passed and exam.exempt
    assert cs.state_of(cs.apply_for(person.id, "law", D(2021, 2, 1))).state == cs.APPLIED


def test_exam_values_are_checked(unit):
    person = officer(unit, exam=None)
    with pytest.raises(ValidationError, match="应在 0 到 100 之间"):
        cs.add_exam(person.id, D(2021, 1, 5), score=101, passed=True)
    with pytest.raises(ValidationError, match="晚于今天"):
        cs.add_exam(person.id, TODAY + dt.timedelta(days=1), score=80, passed=True)


def test_register_existing_has_no_exam_gate(unit):
    person = officer(unit, exam=None)
    cert = cs.register_existing(person.id, card("EX-1"))
    assert cs.state_of(cert).state == cs.VALID
    assert [e.reason for e in cert.events] == ["登记已有证件"]


@pytest.mark.parametrize("category", ["编外·辅助人员", "工勤"])
def test_auxiliary_staff_cannot_apply_or_be_issued(unit, category):
    person = officer(unit, category=category)
    with pytest.raises(ValidationError) as excinfo:
        cs.apply_for(person.id, "law", D(2021, 3, 1))
    assert f"是{category}（执法辅助人员），不能持有行政执法证件" in excinfo.value.message
    # a card applied for before the officer was re-classified as auxiliary is not issued either
    other = officer(unit, name="杨帆")
    applied = cs.apply_for(other.id, "law", D(2021, 3, 1))
    data = of.input_from(other)
    data.category = category
    of.update_officer(other.id, data)
    with pytest.raises(ValidationError, match="执法辅助人员"):
        cs.issue(applied.id, card("AUX-1", D(2021, 4, 1)))
    assert cs.state_of(applied).state == cs.APPLIED


def test_officers_who_left_cannot_apply_or_renew(unit):
    person = officer(unit)
    cert = cs.register_existing(person.id, card("L-1", D(2019, 1, 1), D(2023, 12, 31)))
    of.set_status(person.id, "调离", D(2022, 1, 1), cancel_certificates=False)
    with pytest.raises(ValidationError, match="马建军已调离，不能申领或换发证件"):
        cs.apply_for(person.id, "law", D(2022, 2, 1))
    with pytest.raises(ValidationError, match="已调离"):
        cs.renew(cert.id, card("L-2", D(2022, 2, 1)))


def test_second_live_card_of_the_same_kind_is_refused_but_a_supervision_card_is_not(unit):
    person = officer(unit)
    cs.register_existing(person.id, card("A-1"))
    with pytest.raises(ValidationError, match="已有行政执法证 A-1，不能重复申领；到期请办理换证"):
        cs.apply_for(person.id, "law", D(2021, 1, 1))
    supervision = cs.apply_for(person.id, "supervision", D(2021, 1, 1))
    assert supervision.kind == "supervision" and cs.state_of(supervision).state == cs.APPLIED


# ---------------------------------------------------------------------------------------------------------
# dates and details of single changes


def test_events_out_of_date_order_are_refused(unit):
    person = officer(unit)
    cert = cs.register_existing(person.id, card("O-1", D(2021, 1, 1)))
    cs.add_event(cert.id, "suspend", D(2022, 6, 1), reason="被投诉查实", until=D(2022, 9, 1))
    with pytest.raises(ValidationError) as excinfo:
        cs.add_event(cert.id, "restore", D(2022, 5, 31))
    assert excinfo.value.message == ("恢复日期 2022-05-31 早于该证上一次变动（暂扣，2022-06-01），请按时间顺序登记。")
    cs.add_event(cert.id, "restore", D(2022, 6, 1))  # the same day is fine
    assert events_of(cert) == [("issue", D(2021, 1, 1)), ("suspend", D(2022, 6, 1)), ("restore", D(2022, 6, 1))]
    assert cs.state_of(cert).state == cs.VALID


def test_issue_before_the_application_is_refused(unit):
    person = officer(unit)
    applied = cs.apply_for(person.id, "law", D(2021, 3, 1))
    with pytest.raises(ValidationError, match="发证日期 2021-02-28 早于该证上一次变动（申领，2021-03-01）"):
        cs.issue(applied.id, card("I-1", D(2021, 2, 28)))
    cs.issue(applied.id, card("I-1", D(2021, 3, 20), D(2026, 3, 19)))
    cert = Certificate.get_by_id(applied.id)
    assert (cert.number, cert.issued_on, cert.valid_until) == ("I-1", D(2021, 3, 20), D(2026, 3, 19))


@pytest.mark.parametrize("kind", ["review_fail", "suspend", "revoke", "cancel"])
def test_reason_is_required(unit, kind):
    person = officer(unit)
    cert = cs.register_existing(person.id, card("R-1"))
    with pytest.raises(ValidationError) as excinfo:
        cs.add_event(cert.id, kind, D(2022, 1, 1), reason="  ", until=D(2022, 3, 1))
    assert excinfo.value.message == f"{cs.EVENTS[kind]}须注明原因。" and excinfo.value.field == "reason"


def test_suspension_needs_a_period_that_ends_after_it_starts(unit):
    person = officer(unit)
    cert = cs.register_existing(person.id, card("S-1"))
    with pytest.raises(ValidationError, match="暂扣须注明期限"):
        cs.add_event(cert.id, "suspend", D(2022, 1, 1), reason="被投诉查实")
    with pytest.raises(ValidationError, match="暂扣截止日期 2022-01-01 应晚于暂扣日期 2022-01-01"):
        cs.add_event(cert.id, "suspend", D(2022, 1, 1), reason="被投诉查实", until=D(2022, 1, 1))
    cs.add_event(cert.id, "suspend", "2022年1月1日", reason="被投诉查实", until="2022.3.1")
    state = cs.state_of(cert, D(2022, 2, 1))
    assert (state.state, state.since, state.until, state.reason) == (cs.SUSPENDED, D(2022, 1, 1), D(2022, 3, 1),
                                                                     "被投诉查实")


def test_other_changes_are_not_entered_through_add_event(unit):
    person = officer(unit)
    cert = cs.register_existing(person.id, card("X-1"))
    for kind in ("apply", "issue", "renew", "lost"):
        with pytest.raises(ValidationError, match="不能这样登记"):
            cs.add_event(cert.id, kind, D(2022, 1, 1), reason="x")


def test_future_dates_are_refused(unit):
    person = officer(unit)
    cert = cs.register_existing(person.id, card("F-1"))
    tomorrow = TODAY + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="晚于今天"):
        cs.add_event(cert.id, "cancel", tomorrow, reason="调离")
    with pytest.raises(ValidationError, match="晚于今天"):
        cs.apply_for(officer(unit, name="李娜").id, "law", tomorrow)


def test_register_existing_refuses_a_future_issue_date(unit):
    """A typo like 2052 for 2025 would otherwise block every later change to the card."""
    person = officer(unit)
    with pytest.raises(ValidationError) as excinfo:
        cs.register_existing(person.id, card("FU-1", TODAY + dt.timedelta(days=1), FAR))
    assert excinfo.value.message == f"发证日期 {TODAY + dt.timedelta(days=1):%Y-%m-%d} 晚于今天。"
    assert Certificate.select().count() == 0


def test_datetimes_from_a_spreadsheet_are_taken_as_dates(unit):
    """openpyxl hands date cells over as datetime objects."""
    person = officer(unit)
    cert = cs.register_existing(person.id, card("DT-1", dt.datetime(2021, 3, 1, 0, 0), dt.datetime(2026, 2, 28)))
    cert = Certificate.get_by_id(cert.id)
    assert (cert.issued_on, cert.valid_until) == (D(2021, 3, 1), D(2026, 2, 28))
    assert type(cert.issued_on) is D
    cs.add_event(cert.id, "suspend", dt.datetime(2022, 1, 5, 9, 30), reason="被投诉查实",
                 until=dt.datetime(2022, 4, 1))
    assert events_of(cert)[-1] == ("suspend", D(2022, 1, 5))
    assert cs.state_of(cert, D(2022, 2, 1)).until == D(2022, 4, 1)


def test_card_data_is_checked(unit):
    person = officer(unit)
    with pytest.raises(ValidationError, match="有效期至 2020-01-01 应晚于发证日期 2020-01-01"):
        cs.register_existing(person.id, card("C-1", D(2020, 1, 1), D(2020, 1, 1)))
    with pytest.raises(ValidationError, match="请填写证号"):
        cs.register_existing(person.id, card(" "))
    cs.register_existing(person.id, card(" c 1 "))
    assert Certificate.get(Certificate.officer == person.id).number == "C1"  # spaces dropped, upper case


# ---------------------------------------------------------------------------------------------------------
# 换证


def test_renew_closes_the_old_card_and_issues_a_new_number(unit):
    person = officer(unit)
    old = cs.register_existing(person.id, card("RN-1", D(2017, 3, 1), D(2022, 2, 28)))
    new = cs.renew(old.id, card("RN-2", D(2022, 2, 10), D(2027, 2, 9)), doc_number="红政发〔2022〕3号")
    old = Certificate.get_by_id(old.id)
    assert old.replaced_by_id == new.id and new.number == "RN-2"
    assert cs.state_of(old, D(2022, 2, 10)).state == cs.RENEWED
    assert cs.state_of(old, D(2030, 1, 1)).state == cs.RENEWED  # a closed card never turns 过期
    assert cs.state_of(new, D(2022, 2, 10)).state == cs.VALID
    assert cs.state_of(old, D(2022, 2, 9)).state == cs.VALID
    assert [e.reason for e in old.events] == ["登记已有证件", "换发新证 RN-2"]
    assert [e.reason for e in new.events] == ["换证（原证 RN-1）"]
    assert {e.doc_number for e in new.events} == {"红政发〔2022〕3号"}


def test_renew_of_an_expired_card(unit):
    person = officer(unit)
    old = cs.register_existing(person.id, card("RX-1", D(2016, 3, 1), D(2021, 2, 28)))
    assert cs.state_of(old, D(2021, 6, 1)).state == cs.EXPIRED
    new = cs.renew(old.id, card("RX-2", D(2021, 6, 1), D(2026, 5, 31)))
    assert cs.state_of(old, D(2021, 6, 1)).state == cs.RENEWED and cs.state_of(new, D(2021, 6, 1)).valid


def test_renew_needs_a_number_nobody_has(unit):
    person = officer(unit)
    other = officer(unit, name="海燕")
    cs.register_existing(other.id, card("TAKEN-1"))
    old = cs.register_existing(person.id, card("RD-1", D(2019, 1, 1)))
    with pytest.raises(ValidationError) as excinfo:
        cs.renew(old.id, card("RD-1", D(2022, 1, 1)))
    assert excinfo.value.message == "换证须使用新的证号。" and excinfo.value.field == "number"
    with pytest.raises(ValidationError) as excinfo:
        cs.renew(old.id, card("taken-1", D(2022, 1, 1)))
    assert excinfo.value.message == "证号 TAKEN-1 已属于“海燕”的证件，证号不能重复。"
    assert cs.state_of(old).state == cs.VALID and Certificate.select().count() == 2


def test_renew_cannot_be_dated_before_the_old_cards_last_change(unit):
    person = officer(unit)
    old = cs.register_existing(person.id, card("RB-1", D(2019, 1, 1)))
    cs.add_event(old.id, "review_pass", D(2022, 3, 1))
    with pytest.raises(ValidationError, match="换证日期 2022-02-01 早于该证上一次变动（年审通过，2022-03-01）"):
        cs.renew(old.id, card("RB-2", D(2022, 2, 1)))
    assert Certificate.select().where(Certificate.number == "RB-2").count() == 0


# ---------------------------------------------------------------------------------------------------------
# the status on any date


def test_status_as_of_any_date(unit):
    person = officer(unit)
    cert = cs.register_existing(person.id, card("T-1", D(2020, 1, 1), D(2024, 12, 31)))
    cs.add_event(cert.id, "suspend", D(2022, 6, 1), reason="被投诉查实", until=D(2022, 9, 1))
    cs.add_event(cert.id, "restore", D(2022, 9, 1))
    expected = [
        (D(2019, 12, 31), cs.NONE, None, None),
        (D(2020, 1, 1), cs.VALID, D(2020, 1, 1), None),
        (D(2022, 5, 31), cs.VALID, D(2020, 1, 1), None),
        (D(2022, 6, 1), cs.SUSPENDED, D(2022, 6, 1), D(2022, 9, 1)),
        (D(2022, 8, 31), cs.SUSPENDED, D(2022, 6, 1), D(2022, 9, 1)),
        (D(2022, 9, 1), cs.VALID, D(2022, 9, 1), None),
        (D(2024, 12, 31), cs.VALID, D(2022, 9, 1), None),  # the last day of validity is still valid
        (D(2025, 1, 1), cs.EXPIRED, D(2025, 1, 1), None),
        (D(2031, 1, 1), cs.EXPIRED, D(2025, 1, 1), None),
    ]
    for day, state, since, until in expected:
        got = cs.state_of(cert, day)
        assert (got.state, got.since, got.until) == (state, since, until), day
        listed = {c.id: c for c in card_statuses(day)}
        if state == cs.NONE:
            assert cert.id not in listed  # a card not yet issued is not on the list of that day
        else:
            assert (listed[cert.id].state, listed[cert.id].since, listed[cert.id].until) == (state, since, until)


def test_suspended_card_past_its_validity_is_expired(unit):
    person = officer(unit)
    cert = cs.register_existing(person.id, card("SE-1", D(2018, 1, 1), D(2022, 12, 31)))
    cs.add_event(cert.id, "suspend", D(2022, 11, 1), reason="正接受审查", until=D(2023, 3, 1))
    assert cs.state_of(cert, D(2022, 12, 31)).state == cs.SUSPENDED
    assert cs.state_of(cert, D(2023, 1, 1)).state == cs.EXPIRED
    with pytest.raises(ValidationError, match="当前为“过期”，不能恢复"):
        cs.add_event(cert.id, "restore", D(2023, 3, 1))
    cs.add_event(cert.id, "cancel", D(2023, 3, 1), reason="期满未换证")
    assert cs.state_of(cert, D(2023, 3, 1)).state == cs.CANCELLED


def test_a_report_as_of_a_date_is_unchanged_by_later_events(unit):
    first, second = officer(unit), officer(unit, name="苏婷")
    a = cs.register_existing(first.id, card("AS-1", D(2020, 7, 1), D(2025, 6, 30)))
    b = cs.register_existing(second.id, card("AS-2", D(2021, 3, 1), D(2026, 2, 28)))
    cs.add_event(b.id, "suspend", D(2024, 11, 1), reason="被投诉查实", until=D(2025, 2, 1))
    year_end = D(2024, 12, 31)

    def report():
        return sorted((c.id, c.state, c.since, c.until, c.reason) for c in card_statuses(year_end)), \
            [cs.state_of(c.id, year_end) for c in (a, b)]

    before = report()
    assert [s.state for s in before[1]] == [cs.VALID, cs.SUSPENDED]
    if TODAY >= D(2025, 3, 1):  # the later events need dates that are not in the future
        cs.add_event(a.id, "revoke", D(2025, 1, 15), reason="出借、转借证件")
        cs.add_event(a.id, "cancel", D(2025, 2, 1), reason="处分")
        cs.add_event(b.id, "restore", D(2025, 2, 1))
        cs.renew(b.id, card("AS-3", D(2025, 3, 1)))
        of.set_status(second.id, "退休", D(2025, 3, 1))
        assert cs.state_of(a, TODAY).state == cs.CANCELLED and cs.state_of(b, TODAY).state == cs.RENEWED
    assert report() == before


# ---------------------------------------------------------------------------------------------------------
# the demo county: the bulk query against the replay, and the data's own invariants


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """The demo county built once for this module (read-only tests)."""
    import os

    from desktop_app.core.demo import populate_demo
    from desktop_app.core.session import open_session

    folder = tmp_path_factory.mktemp("demo")
    old = os.environ.get("DESKTOP_APP_DATA_DIR")
    os.environ["DESKTOP_APP_DATA_DIR"] = str(folder / "user-data")
    session = open_session(folder / "demo.sqlite")
    try:
        populate_demo()
        yield session
    finally:
        session.close()
        if old is None:
            os.environ.pop("DESKTOP_APP_DATA_DIR", None)
        else:
            os.environ["DESKTOP_APP_DATA_DIR"] = old


@pytest.fixture
def demo(demo_db):
    from desktop_app.core import db as dbmod
    from desktop_app.core.db import open_database

    if dbmod.db.is_closed() or dbmod.db.database != str(demo_db.path):
        open_database(demo_db.path)
    return demo_db


def sample_dates() -> list[D]:
    days = [D(2016, 6, 30), D(2019, 12, 31), D(2021, 6, 30), D(2022, 12, 31), D(2024, 12, 31)]
    days += [TODAY - dt.timedelta(days=n) for n in (400, 180, 90, 30, 1, 0)]
    return days + [TODAY + dt.timedelta(days=n) for n in (30, 200, 3 * 365)]


def test_bulk_status_agrees_with_the_replay_for_every_demo_card(demo):
    certs = list(Certificate.select())
    assert len(certs) > 500
    seen_states = set()
    for day in sample_dates():
        listed = {c.id: c for c in card_statuses(day)}
        for cert in certs:
            replayed = cs.state_of(cert, day)
            if replayed.state == cs.NONE:
                assert cert.id not in listed, (cert.number, day)
                continue
            bulk = listed.pop(cert.id)
            assert (bulk.state, bulk.since, bulk.until, bulk.reason) == (
                replayed.state, replayed.since, replayed.until, replayed.reason), (cert.number, day)
            assert (bulk.number, bulk.officer_id, bulk.valid_until) == (cert.number or "", cert.officer_id,
                                                                       cert.valid_until)
            seen_states.add(bulk.state)
        assert not listed, "the bulk query lists no card the replay does not know"
    assert seen_states == set(cs.STATES), "the demo exercises every state"


def test_bulk_status_for_some_officers_is_the_same_rows(demo):
    ids = [o.id for o in Officer.select().order_by(Officer.id).limit(40)]
    everything = {c.id: c for c in card_statuses(TODAY)}
    some = card_statuses(TODAY, ids)
    assert some and all(c.officer_id in ids for c in some)
    assert all(everything[c.id] == c for c in some)
    assert len(some) == sum(1 for c in everything.values() if c.officer_id in ids)
    assert card_statuses(TODAY, []) == []


def test_main_card_prefers_the_valid_one(demo):
    grouped = by_officer(card_statuses(TODAY))
    renewed = [cards for cards in grouped.values() if any(c.state == cs.RENEWED for c in cards)]
    assert renewed
    for cards in renewed:
        main = main_card(cards)
        assert main.state != cs.RENEWED or all(c.state == cs.RENEWED for c in cards if c.kind == "law")


def test_demo_certificate_events_are_in_date_order_and_not_in_the_future(demo):
    rows = CertificateEvent.select(CertificateEvent.certificate, CertificateEvent.on_date, CertificateEvent.id,
                                   CertificateEvent.until, CertificateEvent.kind).order_by(CertificateEvent.id)
    last: dict[int, D] = {}
    for event in rows:
        assert event.on_date <= TODAY
        assert event.on_date >= last.get(event.certificate_id, D.min), "entered in date order"
        last[event.certificate_id] = event.on_date
        if event.kind == "suspend":
            assert event.until > event.on_date
    numbers = [c.number for c in Certificate.select() if c.number]
    assert len(numbers) == len(set(numbers)) == Certificate.select().count() - sum(
        1 for c in Certificate.select() if cs.state_of(c).state == cs.APPLIED)
    for cert in Certificate.select().where(Certificate.issued_on.is_null(False)):
        assert cert.valid_until > cert.issued_on
        started = OfficerChange.get((OfficerChange.officer == cert.officer_id) & (OfficerChange.kind == "登记"))
        assert cert.issued_on >= started.on_date, "no card before the officer joined"


def test_demo_renewal_chains_link_old_to_new(demo):
    old_cards = list(Certificate.select().where(Certificate.replaced_by.is_null(False)))
    assert len(old_cards) >= 50
    longest = 0
    for old in old_cards:
        new = Certificate.get_by_id(old.replaced_by_id)
        assert new.officer_id == old.officer_id and new.issued_on >= old.issued_on
        assert cs.state_of(old).state == cs.RENEWED
        length, card_ = 1, old
        while card_.replaced_by_id:
            card_, length = Certificate.get_by_id(card_.replaced_by_id), length + 1
        longest = max(longest, length)
    assert longest >= 3, "some officers have had three cards"
