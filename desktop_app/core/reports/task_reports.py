"""The two task-based Word reports (issue 7, reports 4 and 5), from task_board's computed statuses:

- `reminder`: 催办通知 to one unit, listing its overdue and due-soon obligations; refused when it has none;
- `notice`: 任务落实情况通报 naming the units 推进迟缓 (most overdue obligations) with their overdue items,
  an overview citing the real counts, and an annex table of every overdue task × unit.

Every number comes from `task_board.load_assignments` for the day asked (progress reports dated after that
day are ignored); a part with no data says so or is left out. The wording is factual; the narrative parts
the data cannot write come with the 报表中心 dialog later.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core import obligations as ob
from desktop_app.core import task_board as tb
from desktop_app.core.dates import format_cn_date
from desktop_app.core.errors import AppError, NotFound
from desktop_app.core.models import Plan, Unit
from desktop_app.core.reports import wording
from desktop_app.core.settings import get_setting

if TYPE_CHECKING:
    from desktop_app.core.reports.catalog import ReportRequest, ReportResult

SLOW_UNITS = 5  # the 通报 names this many units (more when several tie at the last place)
ANNEX_TITLE = "逾期未完成任务清单"
ANNEX_HEADERS = ["序号", "承办单位", "分工", "应完成日期", "逾期天数"]
ANNEX_WIDTHS_MM = [14, 52, 16, 50, 24]  # 156 mm, the 版心; a date needs about 48 mm at 4号







def _plan_and_rows(plan_id: int | None, today: dt.date) -> tuple[Plan | None, list[tb.AssignmentRow]]:
    plan = None
    if plan_id is not None:
        plan = Plan.get_or_none(Plan.id == plan_id)
        if plan is None:
            raise NotFound(f"没有编号为 {plan_id} 的任务清单。")
    elif Plan.select().count() == 1:
        plan = Plan.get()
    return plan, tb.load_assignments(plan_id, today, reports_until=today)


def _plan_words(plan: Plan | None) -> str:
    return f"《{plan.title}》" if plan else "各项任务清单"


def reminder(unit_id: int, today: dt.date, out: Path | str, plan_id: int | None = None, fonts=None,
             doc_number: str = "", signed: dt.date | None = None) -> Path:
    """催办通知 to one unit: its overdue obligations, then those due within the 预警 days."""
    from desktop_app.core.reports.document import OfficialDocument

    unit = Unit.get_or_none(Unit.id == unit_id)
    if unit is None:
        raise NotFound(f"没有编号为 {unit_id} 的单位。")
    plan, rows = _plan_and_rows(plan_id, today)
    owed = tb.unit_obligations(unit_id, rows, today)
    overdue = [r for r in owed if r.status.label == ob.OVERDUE]
    soon = [r for r in owed if r.status.label == ob.SOON]
    if not overdue and not soon:
        raise AppError(f"截至{format_cn_date(today)}，{unit.name}没有逾期或即将到期的任务，无需催办。")
    soon_days = get_setting("task_due_soon_days")

    doc = OfficialDocument(fonts)
    if doc_number:
        doc.doc_number(doc_number)
    doc.title("关于抓紧落实逾期任务的催办通知" if overdue and not soon else
              "关于按时完成即将到期任务的提醒通知" if not overdue else "关于抓紧落实逾期和即将到期任务的催办通知")
    doc.recipient(unit.name)
    parts = []
    if overdue:
        parts.append(f"{len(overdue)}项已超过完成时限尚未完成")
    if soon:
        parts.append(f"{len(soon)}项将在{soon_days}天内到期")
    doc.paragraph(f"截至{format_cn_date(today)}，你单位在{_plan_words(plan)}中承担的{len(owed)}项任务分工里，"
                  f"{'，'.join(parts)}。现将有关情况通知如下：")
    sections = [(overdue, "逾期未完成的任务"), (soon, "即将到期的任务")]
    numbers = iter("一二")
    for items, heading in sections:
        if not items:
            continue
        doc.heading1(f"{next(numbers)}、{heading}（{len(items)}项）")
        for index, row in enumerate(items, 1):
            due = row.status.due
            if row.status.label == ob.OVERDUE:
                when = f"应于{format_cn_date(due)}前完成，已逾期{wording.overdue_days(row, today)}天" if due else "已逾期"
            else:
                when = f"应于{format_cn_date(due)}前完成，还剩{(due - today).days}天" if due else "即将到期"
            limit = f"完成时限：{row.deadline_text}；" if row.deadline_text else ""
            doc.paragraph(f"{index}.{wording.task_label(row)}（{row.role}）：{row.content.rstrip('。')}。{limit}{when}。")
    bureau = get_setting("bureau_name") or "司法局"
    doc.paragraph(f"请你单位对照上述任务抓紧推进落实，完成后及时向{bureau}报告落实情况。")
    issuer = wording.issuer()
    doc.signature(issuer, signed or today)
    if issuer:
        doc.colophon("", issuer, signed or today)
    return doc.save(out)


def slow_units(rows: list[tb.AssignmentRow], limit: int = SLOW_UNITS) -> list[tuple[str, list[tb.AssignmentRow]]]:
    """The units with the most overdue obligations, most first; ties at the last place are all named."""
    by_unit: dict[str, list[tb.AssignmentRow]] = defaultdict(list)
    for row in rows:
        if row.status.label == ob.OVERDUE:
            by_unit[row.unit_name].append(row)
    ranked = sorted(by_unit.items(), key=lambda item: -len(item[1]))
    if len(ranked) <= limit:
        return ranked
    floor = len(ranked[limit - 1][1])
    return [item for item in ranked if len(item[1]) >= floor]


def notice(plan_id: int | None, today: dt.date, out: Path | str, fonts=None, doc_number: str = "",
           limit: int = SLOW_UNITS, requirements: str = "", signed: dt.date | None = None) -> Path:
    """任务落实情况通报: overview with the real counts, the units 推进迟缓 with their overdue items, and an
    annex table of every overdue task × unit (left out when nothing is overdue); `requirements` (the clerk's
    工作要求) becomes section 三 when given."""
    from desktop_app.core.reports.document import OfficialDocument

    plan, rows = _plan_and_rows(plan_id, today)
    if not rows:
        raise AppError(f"{_plan_words(plan)}中还没有分解到单位的任务，无法生成通报。")
    count = defaultdict(int)
    for row in rows:
        count[row.status.label] += 1
    overdue = [r for r in rows if r.status.label == ob.OVERDUE]
    units = {r.unit_id for r in rows}
    tasks = {r.task_id for r in rows}
    issuer = wording.issuer()

    doc = OfficialDocument(fonts)
    if doc_number:
        doc.doc_number(doc_number)
    doc.title(f"关于{_plan_words(plan)}任务落实情况的通报")
    doc.recipient("各有关单位")
    doc.heading1("一、总体情况")
    met = count[ob.DONE] + count[ob.OK]
    facts = [(f"截至{format_cn_date(today)}，{_plan_words(plan)}中的{len(tasks)}项任务共分解为{len(rows)}项单位分工，"
              f"涉及{len(units)}个单位。其中已完成{count[ob.DONE]}项，按时限正常推进{count[ob.OK]}项，"
              f"合计{met}项，占{wording.percent(met, len(rows))}")]
    facts += wording.status_clauses(count, len(rows), len({r.unit_id for r in overdue}))
    doc.paragraph("；".join(facts) + "。")

    slow = slow_units(rows, limit)
    doc.heading1("二、推进迟缓的单位")
    if not slow:
        doc.paragraph(f"截至{format_cn_date(today)}，各单位承担的任务均未逾期。")
    else:
        doc.paragraph(f"按逾期未完成任务的数量，以下{len(slow)}个单位推进迟缓：")
        for index, (name, items) in enumerate(slow):
            doc.heading2(f"（{wording.cn_number(index + 1)}）{name}（逾期{len(items)}项）")
            numbers = "、".join(f"第{r.number}项" if r.number else f"“{wording.short(r.content)}”" for r in items)
            oldest = max(wording.overdue_days(r, today) for r in items)
            doc.paragraph(f"逾期未完成的任务：{numbers}，其中逾期最久的已逾期{oldest}天（详见附件）。")
        doc.paragraph("请上述单位对照附件所列逾期任务抓紧推进落实，并及时报告进展情况。")
    if requirements.strip():
        doc.heading1("三、工作要求")
        doc.paragraphs(requirements)
    if overdue:
        doc.attachments([ANNEX_TITLE])
    doc.signature(issuer, signed or today)
    if overdue:
        doc.annex(ANNEX_TITLE)
        by_task: dict[int, list[tb.AssignmentRow]] = defaultdict(list)
        for row in overdue:
            by_task[row.task_id].append(row)
        table = doc.table(ANNEX_HEADERS, [], ANNEX_WIDTHS_MM, centred=(0, 2, 3, 4))
        number = 0
        for items in by_task.values():
            first = items[0]
            table.add("group", [f"{wording.task_label(first)}：{first.content}（完成时限：{first.deadline_text}）"
                                if first.deadline_text else f"{wording.task_label(first)}：{first.content}"])
            for row in items:
                number += 1
                table.add("row", [str(number), row.unit_name, row.role,
                                  format_cn_date(row.status.due) if row.status.due else "",
                                  str(wording.overdue_days(row, today)) if row.status.due else ""])
    if issuer:
        doc.colophon("", issuer, signed or today)
    return doc.save(out)



def notice_title(plan: Plan | None) -> str:
    return f"关于{_plan_words(plan)}任务落实情况的通报"


def drafts(request: ReportRequest) -> dict[str, str]:
    """The notice's 工作要求, citing the overdue count and the slow units (the reminder has no narrative)."""
    if request.kind != "notice":
        return {}
    _plan, rows = _plan_and_rows(request.plan_id, request.as_of)
    overdue = [r for r in rows if r.status.label == ob.OVERDUE]
    if not overdue:
        return {"requirements": "各单位要继续按照任务分工和完成时限抓好落实，按期报告进展情况，确保各项任务按时完成。"}
    slow = slow_units(rows)
    names = "、".join(name for name, _items in slow)
    bureau = get_setting("bureau_name") or "司法局"
    return {"requirements": (
        f"一是{names}等推进迟缓的单位要对照逾期任务逐项制定整改措施，明确责任人和完成时限。"
        f"二是各单位要在收到本通报后15个工作日内向{bureau}书面报告{len(overdue)}项逾期任务的整改进展。"
        "三是对长期坚持的任务要按期报告落实情况，确保工作有记录、可核查。")}


def build(request: ReportRequest, out: Path, setup, control) -> ReportResult:
    from desktop_app.core.reports.catalog import ReportResult

    control.progress(0.3, "正在计算任务进展")
    if request.kind == "reminder":
        path = reminder(request.unit_id, request.as_of, out, plan_id=request.plan_id, fonts=setup,
                        doc_number=request.doc_number, signed=request.today)
        unit = Unit.get_by_id(request.unit_id)
        return ReportResult(path, f"催办通知（{unit.name}）")
    plan, _rows = _plan_and_rows(request.plan_id, request.as_of)
    path = notice(request.plan_id, request.as_of, out, setup, request.doc_number,
                  requirements=request.narrative.get("requirements", ""), signed=request.today)
    return ReportResult(path, notice_title(plan))
