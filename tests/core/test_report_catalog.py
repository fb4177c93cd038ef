"""The 报表中心 catalog (core/reports/catalog.py) on the demo county: checked requests with Chinese messages,
the statistics day, narrative drafts and remembered text, the history of generated files, a refused report
leaving nothing behind, and default file names."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from docx import Document
from docx.shared import Pt

from desktop_app.core import obligations as ob
from desktop_app.core import task_board as tb
from desktop_app.core.errors import AppError, NotFound, ValidationError
from desktop_app.core.models import GeneratedReport, Plan, ReportDraft, Unit
from desktop_app.core.reports import catalog

TODAY = dt.date.today()
CHINESE = re.compile(r"[\u4e00-\u9fff]")
REQUIREMENTS = "一是各单位于本月底前书面报告逾期任务的整改情况。\n\n\u3000\u3000二是司法局将适时开展专项督查。"


def _refused(error_type, call) -> str:
    with pytest.raises(error_type) as caught:
        call()
    message = str(caught.value)
    assert CHINESE.search(message) and "Error" not in message, message
    return message


def test_requests_are_checked_with_chinese_messages(demo_session):
    year = TODAY.year
    message = _refused(ValidationError, lambda: catalog.make_request("weekly", year))
    assert "weekly" in message and all(kind in message for kind in catalog.KINDS)
    assert str(year + 1) in _refused(ValidationError, lambda: catalog.make_request("annual", year + 1))
    assert "1999" in _refused(ValidationError, lambda: catalog.make_request("annual", 1999))
    assert "单位" in _refused(ValidationError, lambda: catalog.make_request("reminder", year))
    message = _refused(ValidationError, lambda: catalog.make_request("assessment", year, stage="初期"))
    assert "中期" in message and "终期" in message
    missing_plan = max(p.id for p in Plan.select()) + 100
    assert str(missing_plan) in _refused(NotFound, lambda: catalog.make_request("notice", year, plan_id=missing_plan))
    assert str(missing_plan) in _refused(
        NotFound, lambda: catalog.make_request("assessment", year, plan_id=missing_plan, stage="终期"))
    missing_unit = max(u.id for u in Unit.select()) + 100
    assert str(missing_unit) in _refused(NotFound, lambda: catalog.make_request("reminder", year,
                                                                                 unit_id=missing_unit))
    _refused(ValidationError, lambda: catalog.make_request("annual", year, unit_id=Unit.select().first().id))
    _refused(ValidationError, lambda: catalog.make_request("training", year, plan_id=Plan.select().first().id))
    _refused(ValidationError, lambda: catalog.make_request("notice", year, stage="中期"))
    # a good one: the assessment takes the only plan and the first stage
    request = catalog.make_request("assessment", year)
    assert request.plan_id == Plan.select().first().id and request.stage == "中期"


def test_statistics_day():
    day = dt.date(2026, 3, 9)
    assert catalog.statistics_day(2025, day) == dt.date(2025, 12, 31)
    assert catalog.statistics_day(2000, day) == dt.date(2000, 12, 31)
    assert catalog.statistics_day(2026, day) == day
    assert catalog.statistics_day(TODAY.year) == TODAY
    with pytest.raises(ValidationError):
        catalog.statistics_day(2027, day)


def test_request_days(demo_session):
    past = catalog.make_request("annual", TODAY.year - 1)
    assert (past.as_of, past.today) == (dt.date(TODAY.year - 1, 12, 31), TODAY)
    current = catalog.make_request("notice", TODAY.year)
    assert current.as_of == current.today == TODAY


def _overdue(as_of: dt.date, plan_id: int | None = None) -> list[tb.AssignmentRow]:
    return [r for r in tb.load_assignments(plan_id, as_of, reports_until=as_of) if r.status.label == ob.OVERDUE]


def test_narrative_is_a_draft_until_the_clerk_writes_one(demo_session, tmp_path):
    request = catalog.make_request("notice", TODAY.year)
    draft = catalog.narrative_for(request)
    overdue = _overdue(TODAY)
    assert overdue
    assert list(draft) == ["requirements"]
    assert f"{len(overdue)}项逾期任务" in draft["requirements"]
    slowest = max({r.unit_name for r in overdue}, key=lambda name: sum(r.unit_name == name for r in overdue))
    assert slowest in draft["requirements"]
    assert ReportDraft.select().count() == 0  # a draft is not remembered by being shown

    catalog.generate(catalog.replace(request, narrative={"requirements": REQUIREMENTS}), tmp_path / "通报.docx")
    assert catalog.narrative_for(request) == {"requirements": REQUIREMENTS}
    assert catalog.narrative_for(catalog.make_request("notice", TODAY.year)) == {"requirements": REQUIREMENTS}
    # another year, or the same year for one plan only: the draft again
    for other in (catalog.make_request("notice", TODAY.year - 1),
                  catalog.make_request("notice", TODAY.year, plan_id=Plan.select().first().id)):
        assert catalog.narrative_for(other) == catalog.draft_narrative(other) != {"requirements": REQUIREMENTS}
    # written again: the newer text replaces the older one, still one row per section
    catalog.generate(catalog.replace(request, narrative={"requirements": "改过的要求。"}), tmp_path / "通报2.docx")
    assert catalog.narrative_for(request) == {"requirements": "改过的要求。"}
    assert ReportDraft.select().where(ReportDraft.kind == "notice").count() == 1


def test_annual_drafts_have_both_sections(demo_session):
    drafted = catalog.narrative_for(catalog.make_request("annual", TODAY.year - 1))
    assert set(drafted) == {"problems", "plans"} and all(drafted.values())
    assert catalog.narrative_for(catalog.make_request("reminder", TODAY.year, unit_id=Unit.select().first().id)) \
        == {}


def test_narrative_goes_under_its_heading_and_an_empty_one_is_left_out(demo_session, tmp_path):
    request = catalog.make_request("notice", TODAY.year)
    written = catalog.generate(catalog.replace(request, narrative={"requirements": REQUIREMENTS}),
                               tmp_path / "有要求.docx")
    paragraphs = Document(str(written.path)).paragraphs
    texts = [p.text for p in paragraphs]
    heading = texts.index("三、工作要求")
    assert paragraphs[heading].style.name == "公文一级标题"
    lines = paragraphs[heading + 1:heading + 3]
    assert [p.text for p in lines] == ["一是各单位于本月底前书面报告逾期任务的整改情况。", "二是司法局将适时开展专项督查。"]
    assert all(p.paragraph_format.first_line_indent == Pt(32) and p.style.name == "公文正文" for p in lines)
    assert not texts[heading + 3].strip() or not texts[heading + 3].startswith(("一是", "二是"))

    for narrative in ({}, {"requirements": "  \n "}):
        empty = catalog.generate(catalog.replace(request, narrative=narrative), tmp_path / "无要求.docx")
        texts = [p.text for p in Document(str(empty.path)).paragraphs]
        assert not any("工作要求" in t for t in texts)
        assert "二、推进迟缓的单位" in texts  # the rest of the report is there


def test_history_newest_first_and_forget_keeps_the_file(demo_session, tmp_path):
    assert catalog.history() == []
    unit_id = max({r.unit_id for r in _overdue(TODAY)}, key=lambda uid: sum(r.unit_id == uid for r in _overdue(TODAY)))
    first = catalog.generate(catalog.make_request("notice", TODAY.year), tmp_path / "a.docx")
    second = catalog.generate(catalog.make_request("reminder", TODAY.year, unit_id=unit_id), tmp_path / "b.docx")
    rows = catalog.history()
    assert [(r.kind, r.title, r.path) for r in rows] == [("reminder", second.title, str(second.path)),
                                                       ("notice", first.title, str(first.path))]
    assert rows[0].unit_id == unit_id and rows[0].year == TODAY.year and rows[0].note == ""
    assert Unit.get_by_id(unit_id).name in second.title
    assert Document(str(first.path)).paragraphs[0].text == first.title  # the title recorded is the document's
    catalog.forget(rows[0].id)
    assert [r.path for r in catalog.history()] == [str(first.path)]
    assert second.path.is_file()


def test_refused_report_leaves_no_file_and_no_history(demo_session, tmp_path):
    year = 2021  # the demo county's training ledger starts in 2024
    request = catalog.make_request("training", year)
    out = tmp_path / "out" / "轮训.docx"
    out.parent.mkdir()
    with pytest.raises(AppError) as caught:
        catalog.generate(request, out)
    assert str(year) in str(caught.value) and "培训记录" in str(caught.value)
    assert list(out.parent.iterdir()) == []
    assert GeneratedReport.select().count() == 0


def test_default_filename(demo_session):
    day = dt.date(2026, 1, 21)
    annual = catalog.make_request("annual", 2025, today=day)
    assert catalog.default_filename(annual) == "年度行政执法工作报告_2025年度_20260121.docx"
    assert catalog.default_filename(annual) == catalog.default_filename(catalog.make_request("annual", 2025, today=day))
    final = catalog.default_filename(catalog.make_request("assessment", 2025, stage="终期", today=day))
    assert final.startswith("三年行动终期评估报告_") and "2025年度" in final
    unit = Unit.select().first()
    reminder = catalog.default_filename(catalog.make_request("reminder", 2025, unit_id=unit.id, today=day))
    assert reminder.startswith("催办通知_") and (unit.short_name or unit.name) in reminder
    assert "2025年度" in reminder and reminder.endswith("_20260121.docx")
    for kind in ("training", "notice"):
        name = catalog.default_filename(catalog.make_request(kind, 2025, today=day))
        assert name.startswith(catalog.KINDS[kind].label) and "2025年度" in name
