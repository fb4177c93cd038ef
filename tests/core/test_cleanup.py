"""The annual 清理 (personnel/cleanup.py): each rule puts the right officer × card on the list with its reason
and a suggested decision; applying the decisions backs up first (清理前) and writes every one as certificate
events in one transaction — a refusal or a cancel in the middle leaves nothing applied and names the
officer and card; 清理结果.xlsx and the 清理结果名单.docx open and hold the rows."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from desktop_app.core.backup import read_info
from desktop_app.core.errors import ValidationError
from desktop_app.core.id_card import id_check_character
from desktop_app.core.jobs import Cancelled, JobControl
from desktop_app.core.models import AuditLog, Certificate, CertificateEvent
from desktop_app.core.personnel import certificates as cs
from desktop_app.core.personnel import cleanup as cl
from desktop_app.core.personnel import officers as of
from desktop_app.core.settings import set_settings
from desktop_app.core.units import UnitInput, create_unit

D = dt.date
DAY = D(2026, 11, 21)
D1980, ISSUED, VALID_UNTIL = D(1980, 1, 1), D(2022, 1, 1), D(2027, 12, 31)
DOC = "红司发〔2026〕12号"


def id_number(born: D, seq: int) -> str:
    first17 = f"640303{born:%Y%m%d}{seq:03d}"
    return first17 + id_check_character(first17)


def person(unit, name: str, seq: int, born: D = D1980, category: str = "行政编制公务员", **kw):
    return of.create_officer(of.OfficerInput(unit_id=unit.id, name=name, id_number=id_number(born, seq),
                                             category=category, law_field="市场监管", **kw), on_date=D(2018, 1, 1))


def card(officer, number: str, issued: D = ISSUED, until: D = VALID_UNTIL):
    return cs.register_existing(officer.id, cs.CertificateInput(number=number, issuer="宁夏回族自治区人民政府",
                                                                issued_on=issued, valid_until=until))


@pytest.fixture
def county(session):
    """One officer (and card) per rule, plus one with nothing wrong."""
    set_settings({"bureau_name": "红寺堡区司法局", "issuing_authority": "吴忠市红寺堡区司法局"})
    a = create_unit(UnitInput("红寺堡区市场监督管理分局", "enforcement"))
    b = create_unit(UnitInput("红寺堡区综合执法局", "enforcement"))
    p = SimpleNamespace(a=a, b=b)
    p.fine = person(a, "马建军", 1)
    p.fine_card = card(p.fine, "64A001")
    p.retired = person(b, "赵敏", 3)
    p.retired_card = card(p.retired, "64B001")
    of.set_status(p.retired.id, "退休", D(2026, 3, 1), cancel_certificates=False)
    p.aux = person(b, "王强", 5, category="编外·辅助人员")
    p.aux_card = card(p.aux, "64B002")
    p.expired = person(a, "李娜", 7)
    p.expired_card = card(p.expired, "64A002", D(2020, 1, 1), D(2025, 1, 1))
    p.two = person(b, "刘洋", 9)
    p.old_card = card(p.two, "64B003", D(2019, 1, 1), D(2027, 1, 1))
    p.new_card = card(p.two, "64B004", D(2024, 1, 1), D(2029, 1, 1))
    p.overdue = person(a, "陈静", 11)
    p.overdue_card = card(p.overdue, "64A003")
    cs.add_event(p.overdue_card.id, "suspend", D(2026, 1, 1), "被投诉查实", until=D(2026, 6, 30))
    p.none = person(a, "周杰", 13)
    p.twin_a = person(a, "孙丽", 15, born=D(1983, 4, 4))
    p.twin_a_card = card(p.twin_a, "64A004")
    p.twin_b = person(b, "孙丽", 17, born=D(1983, 4, 4))
    return p


def listed(candidates) -> dict[tuple[str, str | None], cl.Candidate]:
    return {(c.officer.name + ("@" + c.officer.unit_name if c.officer.name == "孙丽" else ""),
             c.card.number if c.card else None): c for c in candidates}


TWIN_A, TWIN_B = ("孙丽@红寺堡区市场监督管理分局", "64A004"), ("孙丽@红寺堡区综合执法局", None)


def test_each_rule_lists_its_card_with_a_suggestion(county):
    found = listed(cl.build_candidates(DAY, 2026))
    assert set(found) == {("赵敏", "64B001"), ("王强", "64B002"), ("李娜", "64A002"), ("刘洋", "64B003"),
                          ("陈静", "64A003"), ("周杰", None), TWIN_A, TWIN_B}
    expected = {  # rule, suggested action, its reason
        ("赵敏", "64B001"): (cl.LEFT, cl.CANCEL, "退休"),
        ("王强", "64B002"): (cl.AUXILIARY, cl.CANCEL, "不再从事执法"),
        ("李娜", "64A002"): (cl.EXPIRED_CARD, cl.CANCEL, "期满未换证"),
        ("刘洋", "64B003"): (cl.TWO_VALID, cl.CANCEL, "换发新证"),  # the older card, not 64B004
        ("陈静", "64A003"): (cl.SUSPEND_OVERDUE, cl.RESTORE, ""),
        ("周杰", None): (cl.NO_VALID, cl.KEEP, ""),
    }
    for key, (rule, action, reason) in expected.items():
        candidate = found[key]
        assert candidate.rules[0] == rule, key
        assert (candidate.suggested.action, candidate.suggested.reason) == (action, reason), key
        assert candidate.suggested.cleanup_reason == candidate.reason_text and candidate.reasons, key
        assert candidate.suggested.action in candidate.actions, key
    assert "已退休" in found[("赵敏", "64B001")].reason_text
    assert "编外·辅助人员" in found[("王强", "64B002")].reason_text
    assert "2025-01-01" in found[("李娜", "64A002")].reason_text
    assert "64B004" in found[("刘洋", "64B003")].reason_text
    assert "2026-06-30" in found[("陈静", "64A003")].reason_text
    twin = found[TWIN_A]
    assert cl.DUPLICATE in twin.rules and "红寺堡区综合执法局" in twin.reason_text and "1983-04-04" in twin.reason_text
    assert id_number(D(1983, 4, 4), 17) not in twin.reason_text  # the other record's number is masked
    other = found[TWIN_B]
    assert other.rules == [cl.NO_VALID, cl.DUPLICATE] and "红寺堡区市场监督管理分局" in other.reason_text


def test_what_the_wizard_may_offer_per_card(county):
    found = listed(cl.build_candidates(DAY, 2026))
    assert found[("赵敏", "64B001")].actions == (cl.CANCEL, cl.REVOKE)  # left: the card has to go
    assert cl.RENEW not in found[("王强", "64B002")].actions  # 辅助人员 may not hold a new card either
    assert found[("李娜", "64A002")].actions == (cl.RENEW, cl.CANCEL)
    assert found[("陈静", "64A003")].actions == (cl.KEEP, cl.RESTORE, cl.CANCEL, cl.REVOKE)
    assert found[("周杰", None)].actions == (cl.KEEP,)


def test_one_unit_and_the_training_seam(county, monkeypatch):
    only_a = cl.build_candidates(DAY, 2026, unit_id=county.a.id)
    assert {c.officer.unit_id for c in only_a} == {county.a.id}
    assert cl.under_trained(2026, DAY) == {}  # no training records exist yet
    seen = {}

    def short_of_hours(year, today):
        seen["asked"] = (year, today)
        return {county.fine.id: "2026年度培训 20 学时，不足 60 学时"}

    monkeypatch.setattr(cl, "under_trained", short_of_hours)
    found = listed(cl.build_candidates(DAY, 2026))
    assert seen["asked"] == (2026, DAY)
    fine = found[("马建军", "64A001")]
    assert fine.rules == [cl.UNDER_TRAINED] and "不足 60 学时" in fine.reason_text
    assert fine.suggested.action == cl.KEEP


def state(cert) -> str:
    return cs.state_of(cert.id, DAY).state


def test_apply_backs_up_then_writes_every_decision(county):
    candidates = listed(cl.build_candidates(DAY, 2026))
    decisions = [
        candidates[("赵敏", "64B001")].suggested,
        cl.Decision.revoke(candidates[("王强", "64B002")], "辅助人员不得持证"),
        cl.Decision.renew(candidates[("李娜", "64A002")], "64A102", DAY, D(2031, 11, 20), "宁夏回族自治区人民政府"),
        candidates[("刘洋", "64B003")].suggested,
        candidates[("陈静", "64A003")].suggested,
        candidates[("周杰", None)].suggested,
        cl.Decision.suspend(candidates[TWIN_A], "正接受审查", "2027-02-21"),
        cl.Decision(county.fine.id, county.fine_card.id, cl.KEEP, cleanup_reason="年度复核"),  # not on the list
    ]
    events_before = CertificateEvent.select().count()
    result = cl.apply_decisions(decisions, DAY, DOC)
    info = read_info(result.backup)
    assert info.reason == "清理前" and "清理前" in result.backup.name
    assert info.counts["certificate_event"] == events_before  # taken before anything was written
    assert state(county.retired_card) == "注销" and state(county.aux_card) == "收回"
    assert state(county.expired_card) == "已换证"
    renewed = Certificate.get(Certificate.number == "64A102")
    assert renewed.officer_id == county.expired.id and state(renewed) == "有效"
    assert renewed.valid_until == D(2031, 11, 20)
    assert state(county.old_card) == "注销" and state(county.new_card) == "有效"
    assert state(county.overdue_card) == "有效" and state(county.twin_a_card) == "暂扣"
    assert cs.state_of(county.twin_a_card.id, DAY).until == D(2027, 2, 21)
    assert state(county.fine_card) == "有效"
    kinds = {e.certificate_id: (e.kind, e.reason, e.doc_number) for e in
             CertificateEvent.select().where(CertificateEvent.on_date == DAY)}
    assert kinds[county.retired_card.id] == ("cancel", "退休", DOC)
    assert kinds[county.fine_card.id][0] == "review_pass" and kinds[county.fine_card.id][2] == DOC
    assert kinds[county.twin_a_card.id] == ("suspend", "正接受审查", DOC)
    assert kinds[county.overdue_card.id][0] == "restore"
    assert CertificateEvent.select().count() == events_before + 8  # 换证 writes two events, 周杰 none
    assert [r.officer_name for r in result.rows] == ["赵敏", "王强", "李娜", "刘洋", "陈静", "周杰", "孙丽", "马建军"]
    shown = {r.officer_name: r.result for r in result.rows}
    assert shown["赵敏"] == "注销（退休）" and shown["李娜"] == "换证（新证号 64A102）"
    assert shown["孙丽"] == "暂扣至2027年2月21日（正接受审查）" and shown["周杰"] == "不作处理"
    assert shown["马建军"] == "继续有效" and shown["陈静"] == "恢复"
    assert result.count(cl.CANCEL) == 2 and result.count(cl.KEEP) == 1
    assert result.summary == "共 8 项：注销 2 张，收回 1 张，暂扣 1 张，换证 1 张，恢复 1 张，继续有效 1 张，无证件不作处理 1 人"
    assert AuditLog.select().where(AuditLog.summary.startswith("年度清理")).count() == 1


def test_a_refusal_in_the_middle_applies_nothing(county):
    candidates = listed(cl.build_candidates(DAY, 2026))
    decisions = [
        candidates[("赵敏", "64B001")].suggested,  # fine on its own
        candidates[("陈静", "64A003")].suggested,  # fine on its own
        cl.Decision.renew(candidates[("李娜", "64A002")], "64A001", DAY, D(2031, 11, 20), "宁夏"),  # number taken
        candidates[("王强", "64B002")].suggested,
    ]
    events, audits, cards = CertificateEvent.select().count(), AuditLog.select().count(), Certificate.select().count()
    with pytest.raises(ValidationError) as refused:
        cl.apply_decisions(decisions, DAY, DOC)
    message = str(refused.value)
    assert "李娜" in message and "64A002" in message and "64A001" in message and "未作任何更改" in message
    assert (CertificateEvent.select().count(), AuditLog.select().count(), Certificate.select().count()) == (
        events, audits, cards)
    assert state(county.retired_card) == "有效" and state(county.overdue_card) == "暂扣"


@pytest.mark.parametrize("bad", ["keep_expired", "cancel_without_card", "cancel_without_reason", "twice"])
def test_other_refusals_name_the_officer(county, bad):
    candidates = listed(cl.build_candidates(DAY, 2026))
    first = candidates[("赵敏", "64B001")].suggested
    wrong = {
        "keep_expired": cl.Decision.keep(candidates[("李娜", "64A002")]),
        "cancel_without_card": cl.Decision.cancel(candidates[("周杰", None)], "调离"),
        "cancel_without_reason": cl.Decision.cancel(candidates[("王强", "64B002")], ""),
        "twice": cl.Decision.revoke(candidates[("赵敏", "64B001")], "退休"),
    }[bad]
    events = CertificateEvent.select().count()
    with pytest.raises(ValidationError) as refused:
        cl.apply_decisions([first, wrong], DAY, DOC)
    name = {"keep_expired": "李娜", "cancel_without_card": "周杰", "cancel_without_reason": "王强", "twice": "赵敏"}[bad]
    assert name in str(refused.value)
    assert CertificateEvent.select().count() == events and state(county.retired_card) == "有效"


def test_cancelling_the_job_rolls_back(county):
    decisions = [c.suggested for c in cl.build_candidates(DAY, 2026)]
    def progress(fraction, message):
        if "第 3 项" in message:
            control.cancel()  # the clerk presses 取消 while the third decision is written

    control = JobControl(progress)
    events = CertificateEvent.select().count()
    with pytest.raises(Cancelled):
        cl.apply_decisions(decisions, DAY, DOC, control=control)
    assert CertificateEvent.select().count() == events


def test_nothing_to_apply(county):
    with pytest.raises(ValidationError, match="没有要处理"):
        cl.apply_decisions([], DAY, DOC)


@pytest.fixture
def result(county):
    candidates = listed(cl.build_candidates(DAY, 2026))
    decisions = [candidates[key].suggested for key in (("赵敏", "64B001"), ("王强", "64B002"), ("李娜", "64A002"),
                                                      ("刘洋", "64B003"), ("陈静", "64A003"), ("周杰", None))]
    decisions.append(cl.Decision.suspend(candidates[TWIN_A], "被投诉查实", D(2027, 2, 21)))
    return cl.apply_decisions(decisions, DAY, DOC)


def test_result_workbook(result, tmp_path):
    path = cl.write_cleanup_xlsx(result, tmp_path / "清理结果.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["清理结果"]
    sheet = book["清理结果"]
    assert "2026年度行政执法证件清理结果" in sheet["A1"].value and sheet["A1"].value.startswith("红寺堡区司法局")
    table = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert table[0] == ["序号", "单位", "姓名", "证号", "清理原因", "处理结果", "日期", "文号"]
    assert len(table) == 1 + 7
    zhao = next(line for line in table[1:] if line[2] == "赵敏")
    assert zhao[1] == "红寺堡区综合执法局" and zhao[3] == "64B001" and "已退休" in zhao[4]
    assert zhao[5] == "注销（退休）" and zhao[6].date() == DAY and zhao[7] == DOC
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref == "A2:H9"
    assert sheet.page_setup.orientation == "landscape" and "注销" in sheet.oddFooter.left.text


def test_result_list_document(result, tmp_path):
    path = cl.write_cleanup_docx(result, tmp_path / "清理结果名单.docx")
    doc = Document(str(path))
    section = doc.sections[0]
    mm = [round(length.mm, 1) for length in (section.page_width, section.page_height, section.top_margin,
                                             section.bottom_margin, section.left_margin, section.right_margin)]
    assert mm == [210, 297, 37, 35, 28, 26]  # A4 (not the template's Letter), GB/T 9704 margins
    title = doc.paragraphs[0]
    assert title.text == "2026年度行政执法证件清理结果名单" and title.alignment == 1  # centred
    run = title.runs[0]
    assert run.font.size == Pt(22) and not run.font.bold
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "华文中宋"  # 公文字体 默认“通用字体”
    body = next(p for p in doc.paragraphs if p.text.startswith("经"))
    assert "注销4张，暂扣1张" in body.text and "收回" not in body.text and DOC in body.text
    assert body.runs[0].font.size == Pt(16) and body.paragraph_format.first_line_indent == Pt(32)
    texts = [p.text for p in doc.paragraphs if p.text]
    assert texts[-2:] == ["吴忠市红寺堡区司法局", "2026年11月21日"]
    rows = [[cell.text for cell in row.cells] for row in doc.tables[0].rows]
    assert rows[0] == ["序号", "姓名", "执法证号", "处理", "原因"]
    # grouped by unit in the order the decisions came; numbered through; 恢复 and 不作处理 are not listed
    assert [r[0] for r in rows[1:]] == ["红寺堡区综合执法局（3人）", "1", "2", "3", "红寺堡区市场监督管理分局（2人）",
                                        "4", "5"]
    people = [r[1:4] for r in rows[1:] if r[0].isdigit()]
    assert people == [["赵敏", "64B001", "注销"], ["王强", "64B002", "注销"], ["刘洋", "64B003", "注销"],
                      ["李娜", "64A002", "注销"], ["孙丽", "64A004", "暂扣"]]
    assert rows[-1][4] == "被投诉查实，暂扣至2027年2月21日" and rows[2][4] == "退休"
    assert rows[1][0] == rows[1][4]  # the unit heading spans the table
    every_run = doc.element.body.iter(qn("w:r"))
    for r in every_run:
        fonts = r.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts is not None and fonts.get(qn("w:eastAsia")), r.xml[:200]
    footer = section.footer.paragraphs[0]
    assert "PAGE" in footer._p.xml and footer.text.startswith("— ") and doc.settings.odd_and_even_pages_header_footer


def test_document_with_nothing_to_list(county, tmp_path):
    candidates = listed(cl.build_candidates(DAY, 2026))
    result = cl.apply_decisions([candidates[("陈静", "64A003")].suggested], DAY, "")
    doc = Document(str(cl.write_cleanup_docx(result, tmp_path / "名单.docx", title="清理结果")))
    assert doc.paragraphs[0].text == "清理结果" and not doc.tables
    assert any("没有需要注销、收回或暂扣" in p.text for p in doc.paragraphs)
