"""三年行动 中期/终期评估报告 (core/reports/assessment_report.py), read back with python-docx: the demo county's
plan through the 报表中心 (catalog.generate) checked against task_board, and a small hand-made plan whose
every number is known."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace

import pytest
from docx import Document
from docx.oxml.ns import qn

from desktop_app.core import obligations as ob
from desktop_app.core import task_board as tb
from desktop_app.core.errors import AppError
from desktop_app.core.jobs import JobControl
from desktop_app.core.models import Assignment, GeneratedReport, Plan, PlanSection, Progress, Task, Unit
from desktop_app.core.reports import assessment_report as ar
from desktop_app.core.reports import catalog, template
from desktop_app.core.settings import set_setting

TODAY = dt.date(2026, 11, 21)


def _every_run_has_east_asia(doc) -> None:
    for r in doc.element.body.iter(qn("w:r")):
        rpr = r.find(qn("w:rPr"))
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        assert fonts is not None and fonts.get(qn("w:eastAsia")), r.xml[:200]


def _texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def _cells(row) -> list[str]:
    return [cell.text for cell in row.cells]


def _rate(part: int, whole: int) -> str:
    return "100%" if part == whole else f"{part / whole * 100:.1f}%"


def _request(plan_id: int, stage: str = "中期", **narrative) -> catalog.ReportRequest:
    request = catalog.make_request("assessment", TODAY.year, plan_id=plan_id, stage=stage, today=TODAY)
    return replace(request, narrative=dict(narrative))


def _build(request, path):
    return ar.build(request, path, template.document_setup(), JobControl())


# -- the demo county -----------------------------------------------------------------------------------

def test_generated_report_has_the_real_numbers(demo_session, tmp_path):
    plan = Plan.get()
    rows = tb.load_assignments(plan.id, TODAY, reports_until=TODAY)
    labels = Counter(r.status.label for r in rows)
    request = replace(_request(plan.id, problems="问题一。\n\n问题二。", measures="措施一。"), doc_number="红司发[2026]8号")
    result = catalog.generate(request, tmp_path / "评估.docx")
    assert result.title == f"关于《{plan.title}》中期评估情况的报告" and result.warnings == []
    assert GeneratedReport.get().title == result.title

    doc = Document(str(result.path))
    texts = _texts(doc)
    assert texts[0] == "红司发〔2026〕8号" and result.title in texts
    assert "吴忠市红寺堡区人民政府：" in texts  # the body above the plan's issuer (区人民政府办公室)
    overview = next(t for t in texts if t.startswith(f"截至{TODAY.year}年11月21日，《"))
    met = labels[ob.DONE] + labels[ob.OK]
    assert f"共分解为{len(rows)}项单位分工，涉及{len({r.unit_id for r in rows})}个单位" in overview
    assert f"已完成{labels[ob.DONE]}项，正常推进{labels[ob.OK]}项，合计{met}项，完成率{_rate(met, len(rows))}" in overview
    assert f"逾期未完成{labels[ob.OVERDUE]}项" in overview

    headings = [t for t in texts if t[:2] in {f"{n}、" for n in "一二三四五六七"}]
    assert headings == ["一、总体情况", "二、各板块完成情况", "三、各单位完成情况", "四、逾期任务及原因", "五、存在的问题",
                        "六、下一步工作措施"]
    assert texts.index("问题一。") + 1 == texts.index("问题二。") and "措施一。" in texts

    sections, units, annex = doc.tables[:3]  # (the 版记 may follow as a table of its own)
    total = [str(len({r.task_id for r in rows})), str(len(rows)), str(labels[ob.DONE]), str(labels[ob.OK]),
             str(labels[ob.OVERDUE]), _rate(met, len(rows))]
    assert _cells(sections.rows[-1]) == ["合计", *total]
    by_section = Counter(r.section for r in rows)
    assert len(sections.rows) == 1 + len(by_section) + 1
    assert sum(int(_cells(row)[2]) for row in sections.rows[1:-1]) == len(rows)
    assert _cells(units.rows[-1]) == ["合计", *total[1:]]
    assert len(units.rows) == 1 + len({r.unit_id for r in rows}) + 1
    rates = [float(_cells(row)[5].rstrip("%")) for row in units.rows[1:-1]]
    assert rates == sorted(rates)  # lowest completion first, as the sentence above the table says
    per_unit = Counter(r.unit_name for r in rows)
    first = _cells(units.rows[1])
    assert int(first[1]) == per_unit[first[0]]

    numbered = [row for row in annex.rows[1:] if _cells(row)[0].isdigit()]
    groups = [row for row in annex.rows[1:] if not _cells(row)[0].isdigit()]
    assert len(numbered) == len(rows) and len(groups) == len({r.task_id for r in rows})
    assert len(annex.rows) == 1 + len(rows) + len(groups)
    assert _cells(groups[0])[0].startswith(f"第{rows[0].number}项任务：")
    statuses = Counter(_cells(row)[4] for row in numbered)
    assert statuses["正常推进"] == labels[ob.OK] and statuses["已完成"] == labels[ob.DONE]
    assert sum(n for text, n in statuses.items() if text.startswith("逾期")) == labels[ob.OVERDUE]
    assert "附件：任务分工落实情况表" in texts and "任务分工落实情况表" in texts

    section = doc.sections[0]
    mm = [round(x.mm) for x in (section.page_width, section.page_height, section.top_margin, section.bottom_margin,
                                section.left_margin, section.right_margin)]
    assert mm == [210, 297, 37, 35, 28, 26]
    for table in doc.tables[:3]:  # no table wider than the 156 mm 版心
        assert round(sum(column.width.mm for column in table.columns)) <= 156
    _every_run_has_east_asia(doc)


def test_overdue_reasons_are_the_latest_note_up_to_the_statistics_day(demo_session, tmp_path):
    plan = Plan.get()
    rows = tb.load_assignments(plan.id, TODAY, reports_until=TODAY)
    overdue = [r for r in rows if r.status.label == ob.OVERDUE]
    target, silent = overdue[0], next(r for r in overdue if not r.last_report and r.task_id != overdue[0].task_id)
    Progress.create(assignment=target.id, state="推进中", on_date=TODAY - dt.timedelta(days=3),
                    text="因机构改革暂缓推进", entered_by="测试")
    Progress.create(assignment=target.id, state="推进中", on_date=TODAY + dt.timedelta(days=3),
                    text="统计日之后的说明", entered_by="测试")
    doc = Document(str(_build(_request(plan.id), tmp_path / "评估.docx").path))
    texts = _texts(doc)
    quoted = next(t for t in texts if "因机构改革暂缓推进" in t)
    assert f"{target.unit_name}（{target.role}）" in quoted
    assert f"{TODAY.year}年11月18日报送“推进中，因机构改革暂缓推进”" in quoted
    assert not any("统计日之后的说明" in t for t in texts)
    assert not any("统计日之后的说明" in c.text for row in doc.tables[2].rows for c in row.cells)
    unreported = [t for t in texts if t.startswith("未报告原因的") and f"{silent.unit_name}（{silent.role}）" in t]
    assert unreported
    four = texts.index("四、逾期任务及原因")
    assert texts[four + 1].startswith(f"截至{TODAY.year}年11月21日，逾期未完成的任务分工共{len(overdue)}项")


def test_empty_narrative_leaves_its_section_out(demo_session, tmp_path):
    plan = Plan.get()
    request = _request(plan.id, "终期", problems="  \n", measures="第一条措施。\n\n\u3000\u3000第二条措施。")
    doc = Document(str(_build(request, tmp_path / "评估.docx").path))
    texts = _texts(doc)
    assert f"关于《{plan.title}》终期评估情况的报告" in texts
    assert not any("存在的问题" in t for t in texts)
    assert "五、下一步工作措施" in texts
    at = texts.index("五、下一步工作措施")
    assert texts[at + 1:at + 3] == ["第一条措施。", "第二条措施。"]
    none = Document(str(_build(_request(plan.id), tmp_path / "无.docx").path))
    assert not any(t.endswith(("下一步工作措施", "存在的问题")) for t in _texts(none))


def test_drafts_cite_the_real_overdue_count(demo_session):
    plan = Plan.get()
    rows = tb.load_assignments(plan.id, TODAY, reports_until=TODAY)
    overdue = [r for r in rows if r.status.label == ob.OVERDUE]
    texts = catalog.draft_narrative(_request(plan.id))
    assert set(texts) == {"problems", "measures"}
    per_unit = Counter(r.unit_name for r in overdue)
    n = max(per_unit.values())
    worst = [name for name, count in per_unit.items() if count == n]
    assert f"截至{TODAY.year}年11月21日，{len(rows)}项任务分工中仍有{len(overdue)}项逾期未完成" in texts["problems"]
    assert f"主要集中在{worst[0]}（{n}项）" in texts["problems"] or len(worst) > 1
    assert any(f"{name}（{n}项）" in texts["problems"] for name in worst)
    unreported = sum(r.status.label == ob.UNREPORTED for r in rows)
    assert f"{unreported}项长期任务" in texts["problems"]
    assert any(name in texts["measures"] for name in worst)
    assert f"逾期未完成的{len(overdue)}项任务分工" in texts["measures"]


def test_plan_without_assignments_is_refused(demo_session, tmp_path):
    empty = Plan.create(title="尚未分解的方案")
    with pytest.raises(AppError, match="还没有分解到单位的任务"):
        catalog.generate(_request(empty.id), tmp_path / "空.docx")
    assert not (tmp_path / "空.docx").exists()
    with pytest.raises(AppError, match="尚未分解的方案"):
        ar.drafts(_request(empty.id))


# -- a small plan with known numbers -------------------------------------------------------------------

def _small_plan() -> tuple[Plan, dict[str, Unit]]:
    """2 sections and a task without one; 3 units. As of TODAY: 甲 completes everything, 乙 is overdue on
    the dated task with a reason, 丙 overdue without one; the standing task is reported by 甲 only."""
    units = {name: Unit.create(name=f"{name}县{name}局", short_name=f"{name}局", kind="enforcement", sort_order=i)
             for i, name in enumerate("甲乙丙")}
    plan = Plan.create(title="某县三年行动任务分工方案", issuer="", start_year=2024, end_year=2026,
                       issued_on=dt.date(2024, 1, 1))
    first = PlanSection.create(plan=plan, number="(一)", title="能力建设", sort_order=0)
    second = PlanSection.create(plan=plan, number="（二）", title="规范执法", sort_order=1)
    dated = Task.create(plan=plan, section=first, number="1", content="制定方案。", deadline_text="2026年6月底前",
                        deadline_kind="date", due_date=dt.date(2026, 6, 30), sort_order=0)
    standing = Task.create(plan=plan, section=second, number="2", content="长期坚持学习。", deadline_text="长期坚持",
                           deadline_kind="standing", sort_order=1)
    loose = Task.create(plan=plan, section=None, number="3", content="适时评估。", deadline_text="适时",
                        deadline_kind="unspecified", sort_order=2)
    ids = {}
    for task in (dated, standing, loose):
        for name, unit in units.items():
            ids[task.number, name] = Assignment.create(task=task, unit=unit,
                                                       role="lead" if name == "甲" else "responsible").id
    report = {"entered_by": "测试", "period": ""}
    Progress.create(assignment=ids["1", "甲"], state="已完成", on_date=dt.date(2026, 6, 1), text="已印发", **report)
    Progress.create(assignment=ids["1", "乙"], state="推进中", on_date=dt.date(2026, 5, 1), text="资金未到位", **report)
    Progress.create(assignment=ids["2", "甲"], state="本期已落实", on_date=dt.date(2026, 10, 1), text="", **report)
    Progress.create(assignment=ids["3", "甲"], state="已完成", on_date=dt.date(2026, 9, 1), text="已评估", **report)
    return plan, units


def test_small_plan_tables_order_and_recipient(session, tmp_path):
    set_setting("county_name", "某县")
    set_setting("issuing_authority", "某县司法局")
    plan, _units = _small_plan()
    progress = []
    control = JobControl(lambda fraction, message: progress.append(fraction))
    result = ar.build(_request(plan.id), tmp_path / "小.docx", template.document_setup(), control)
    assert progress and all(0.15 <= f <= 0.9 for f in progress)
    doc = Document(str(result.path))
    texts = _texts(doc)
    assert "某县人民政府：" in texts  # the plan names no issuer
    sections, unit_table, annex = doc.tables[:3]
    assert [_cells(r) for r in sections.rows[1:]] == [
        ["（一）能力建设", "1", "3", "1", "0", "2", "33.3%"],
        ["（二）规范执法", "1", "3", "0", "1", "0", "33.3%"],
        ["未分板块的任务", "1", "3", "1", "0", "0", "33.3%"],
        ["合计", "3", "9", "2", "1", "2", "33.3%"]]
    assert [_cells(r) for r in unit_table.rows[1:]] == [
        ["乙县乙局", "3", "0", "0", "1", "0.0%"],  # equal rates: unit order
        ["丙县丙局", "3", "0", "0", "1", "0.0%"],
        ["甲县甲局", "3", "2", "1", "0", "100%"],
        ["合计", "9", "2", "1", "2", "33.3%"]]
    assert [_cells(r) for r in annex.rows[1:5]] == [
        ["第1项任务：制定方案。（完成时限：2026年6月底前）"] * 6,
        ["1", "甲局", "牵头", "2026-06-30", "已完成", "2026-06-01：已完成，已印发"],
        ["2", "乙局", "责任", "2026-06-30", "逾期144天", "2026-05-01：推进中，资金未到位"],
        ["3", "丙局", "责任", "2026-06-30", "逾期144天", "未报告"]]
    assert len(annex.rows) == 1 + 9 + 3
    assert "应于2026年6月30日前完成，已逾期144天，2个单位逾期未完成。1个单位最近一次报送的进展：" \
           "乙县乙局（责任）2026年5月1日报送“推进中，资金未到位”。" in texts
    assert "未报告原因的1个单位：丙县丙局（责任）。" in texts
    everything = texts + [cell.text for table in doc.tables[3:] for row in table.rows for cell in row.cells]
    assert any(t.startswith("某县司法局\t2026年11月21日印发") for t in everything)  # 版记 with the issuer


def test_small_plan_drafts_without_overdue(session):
    plan, _units = _small_plan()
    early = replace(_request(plan.id), as_of=dt.date(2026, 6, 15))
    texts = ar.drafts(early)
    assert "没有逾期未完成的情况" in texts["problems"] and "逾期未完成" not in texts["measures"]
    assert "2项任务分工将在30天内到期" in texts["problems"]
