"""三年行动 中期/终期评估报告 (issue 7, report 2) for one plan, through the 报表中心 contract (catalog.py).

    result = build(request, out, setup, control)   # request.kind == "assessment", plan_id and stage set
    texts = drafts(request)                          # {"problems": …, "measures": …} citing the numbers

Every number comes from `task_board.load_assignments(plan, as_of, reports_until=as_of)` (one query for the
assignments, one for all progress reports, so 12,000 assignments take well under a second); the latest
progress note of an assignment up to `as_of` is what its unit last reported, quoted as the stated reason
of an overdue item. Nothing is estimated or invented; a part without data says so.

Layout: title, 主送 (the body above the plan's issuer), an opening paragraph, 一、总体情况, 二、各板块完成情况
(table with 合计), 三、各单位完成情况 (table, lowest 完成率 first, with 合计), 四、逾期任务及原因 (per unit),
五、存在的问题 and 六、下一步工作措施 (the clerk's narrative; a section left empty is left out), 附件说明,
署名 and 成文日期, the annex 任务分工落实情况表 (every task × unit, one group row per task) and the 版记.
完成率 = (已完成 + 正常推进) ÷ 分工数, as on the dashboard.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.core import obligations as ob
from desktop_app.core import task_board as tb
from desktop_app.core.dates import format_cn_date
from desktop_app.core.errors import AppError, NotFound
from desktop_app.core.jobs import JobControl
from desktop_app.core.models import Plan, PlanSection, Task, Unit
from desktop_app.core.reports import catalog, wording
from desktop_app.core.reports.wording import percent
from desktop_app.core.settings import get_setting

ANNEX_TITLE = "任务分工落实情况表"
# shown words for the status labels of obligations.py (its short labels are for the screens)
STATUS_WORDS = {ob.DONE: "已完成", ob.OK: "正常推进", ob.SOON: "即将到期", ob.OVERDUE: "逾期未完成",
                ob.UNREPORTED: "本期未报告", ob.OPEN: "无固定时限"}
NO_SECTION = "未分板块的任务"
# Widths in mm, each table 156 mm (the 版心). Cells get 1 mm inner margins (TABLE_MARGIN_TWIPS) so that the
# 4号 numbers and headers fit on one line: 3 字 + margins = 17 mm, 4 字 = 22 mm, “2026-10-31” = 26 mm, with
# room for fonts whose digits are wider than half a 字 (“61.5%” in 20 mm, “1214” in 16 mm).
SECTION_HEADERS = ["板块", "任务数", "分工数", "已完成", "正常推进", "逾期", "完成率"]
SECTION_WIDTHS_MM = [48, 17, 17, 17, 22, 15, 20]
UNIT_HEADERS = ["单位", "分工数", "已完成", "正常推进", "逾期", "完成率"]
UNIT_WIDTHS_MM = [63, 17, 17, 22, 15, 22]
ANNEX_HEADERS = ["序号", "单位", "分工", "完成时限", "状态", "最新进展"]
ANNEX_WIDTHS_MM = [16, 28, 13, 26, 27, 46]
TABLE_MARGIN_TWIPS = 57  # 1 mm left and right inside each cell
PROGRESS_CELL_CHARS = 30  # a longer note is cut in the annex (overdue items quote theirs in full in 四)
DRAFT_UNITS = 3  # the drafts name this many units with the most overdue items


# -- the numbers ---------------------------------------------------------------------------------------

@dataclass
class Tally:
    """Counts of one group of assignments (a section, a unit, or all)."""

    name: str
    title: str = ""  # a section's title without its number, for sentences
    tasks: set[int] = field(default_factory=set)
    counts: Counter = field(default_factory=Counter)
    total: int = 0
    order: int = 0

    def add(self, row: tb.AssignmentRow) -> None:
        self.tasks.add(row.task_id)
        self.counts[row.status.label] += 1
        self.total += 1

    @property
    def met(self) -> int:
        return self.counts[ob.DONE] + self.counts[ob.OK]

    @property
    def rate(self) -> float:
        return self.met / self.total if self.total else 0.0


@dataclass
class Facts:
    plan: Plan
    as_of: dt.date
    rows: list[tb.AssignmentRow]
    overall: Tally
    sections: list[Tally]
    units: list[Tally]  # lowest 完成率 first
    overdue_by_unit: list[tuple[str, list[tb.AssignmentRow]]]  # most overdue items first
    unassigned_tasks: int
    short_names: dict[int, str]  # unit id → 简称 (the full name when it has none), for the annex

    @property
    def overdue(self) -> list[tb.AssignmentRow]:
        """In task order, as the plan lists them."""
        return [row for row in self.rows if row.status.label == ob.OVERDUE]



def _section_label(number: str, title: str) -> str:
    number = number.strip().replace("(", "（").replace(")", "）")
    return f"{number}{title}" if number else title


def gather(plan_id: int | None, as_of: dt.date) -> Facts:
    """All numbers of the report for `as_of`; AppError when the plan has no task assigned to a unit."""
    plan = Plan.get_or_none(Plan.id == plan_id) if plan_id is not None else None
    if plan is None:
        raise NotFound("评估报告须指定任务清单。" if plan_id is None else f"没有编号为 {plan_id} 的任务清单。")
    rows = tb.load_assignments(plan.id, as_of, reports_until=as_of)
    if not rows:
        raise AppError(f"《{plan.title}》中还没有分解到单位的任务，无法生成评估报告。请先导入任务清单并确认承办单位。")
    task_count = Task.select().where(Task.plan == plan.id).count()

    overall = Tally("合计")
    task_section = dict(Task.select(Task.id, Task.section).where(Task.plan == plan.id).tuples())
    sections: dict[int | None, Tally] = {}
    for order, section in enumerate(PlanSection.select().where(PlanSection.plan == plan.id)
                                    .order_by(PlanSection.sort_order, PlanSection.id)):
        sections[section.id] = Tally(_section_label(section.number, section.title), section.title.strip(),
                                     order=order)
    unit_order, short_names = {}, {}
    for unit_id, sort_order, name, short in Unit.select(Unit.id, Unit.sort_order, Unit.name, Unit.short_name).tuples():
        unit_order[unit_id], short_names[unit_id] = sort_order, (short or name).strip()
    units: dict[int, Tally] = {}
    overdue: dict[int, list[tb.AssignmentRow]] = defaultdict(list)
    for row in rows:
        overall.add(row)
        section_id = task_section.get(row.task_id)
        if section_id not in sections:
            sections[section_id] = Tally(NO_SECTION, NO_SECTION, order=len(sections) + 10_000)
        sections[section_id].add(row)
        unit = units.get(row.unit_id)
        if unit is None:
            unit = units[row.unit_id] = Tally(row.unit_name, order=unit_order.get(row.unit_id, 0))
        unit.add(row)
        if row.status.label == ob.OVERDUE:
            overdue[row.unit_id].append(row)
    used_sections = sorted((s for s in sections.values() if s.total), key=lambda s: s.order)
    ranked_units = sorted(units.values(), key=lambda u: (u.rate, -u.counts[ob.OVERDUE], u.order, u.name))
    by_unit = sorted(overdue.items(), key=lambda item: (-len(item[1]), units[item[0]].order, units[item[0]].name))
    return Facts(plan, as_of, rows, overall, used_sections, ranked_units,
                 [(units[uid].name, items) for uid, items in by_unit], task_count - len(overall.tasks), short_names)






def _note(row: tb.AssignmentRow) -> str:
    """The latest progress note up to the statistics day, “推进中，正在梳理……” (task_board gives “state：text”;
    a text that already begins with its state is not prefixed twice); "" when nothing was reported."""
    state, _sep, text = row.last_report.strip().partition("：")
    text = text.strip().rstrip("。；;，,")
    if not text:
        return state
    return text if text.startswith(state) else f"{state}，{text}"


def _reported(row: tb.AssignmentRow) -> bool:
    return bool(row.last_report) and row.last_date is not None





def _counts_sentence(facts: Facts) -> str:
    overall, as_of = facts.overall, facts.as_of
    count = overall.counts
    plan = f"《{facts.plan.title}》"
    head = (f"截至{format_cn_date(as_of)}，{plan}确定的{len(overall.tasks)}项任务共分解为{overall.total}项单位分工，"
            f"涉及{len({r.unit_id for r in facts.rows})}个单位")
    if facts.unassigned_tasks:
        head += f"（另有{facts.unassigned_tasks}项任务文件未明确承办单位，未纳入统计）"
    parts = [head + f"。其中已完成{count[ob.DONE]}项，正常推进{count[ob.OK]}项，合计{overall.met}项，"
                    f"完成率{percent(overall.met, overall.total)}"]
    parts += wording.status_clauses(count, overall.total, len(facts.overdue_by_unit))
    return "；".join(parts) + "。"


def _tally_row(tally: Tally, with_tasks: bool) -> list[str]:
    count = tally.counts
    cells = [tally.name] + ([str(len(tally.tasks))] if with_tasks else [])
    return cells + [str(tally.total), str(count[ob.DONE]), str(count[ob.OK]), str(count[ob.OVERDUE]),
                    percent(tally.met, tally.total)]


def _narrow_cells(table) -> None:
    """1 mm inner cell margins left and right (Word's default is 1.9 mm), so numbers stay on one line."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tbl_pr = table.table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("w:left", "w:right"):
        element = OxmlElement(side)
        element.set(qn("w:w"), str(TABLE_MARGIN_TWIPS))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    existing = tbl_pr.find(qn("w:tblCellMar"))
    if existing is not None:
        tbl_pr.remove(existing)
    tbl_pr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def _deadline_cell(row: tb.AssignmentRow) -> str:
    """The obligation this status is about: its date (ISO form, one line in the column), else the kind."""
    if row.status.due:
        return row.status.due.isoformat()
    return "长期坚持" if row.status.period else "适时"


def _status_cell(row: tb.AssignmentRow, as_of: dt.date) -> str:
    if row.status.label == ob.OVERDUE and row.status.due:
        return f"逾期{wording.overdue_days(row, as_of)}天"
    return STATUS_WORDS.get(row.status.label, row.status.label)


def _progress_cell(row: tb.AssignmentRow, limit: int = PROGRESS_CELL_CHARS) -> str:
    if not _reported(row):
        return "未报告"
    note = _note(row)
    if len(note) > limit:
        note = note[:limit] + "……"
    return f"{row.last_date.isoformat()}：{note}"


def _overdue_section(doc, facts: Facts) -> None:
    """四、逾期任务及原因: per overdue task (in the plan's order) a heading, then one paragraph with its due date
    and each unit's latest progress note as the stated reason, and one naming the units that reported
    nothing. A few paragraphs per task, not one per unit: 5,000 overdue items of a prefecture plan stay a
    readable section and build in about a second."""
    as_of = facts.as_of
    overdue = facts.overdue
    if not overdue:
        doc.paragraph(f"截至{format_cn_date(as_of)}，没有逾期未完成的任务分工。")
        return
    by_task: dict[int, list[tb.AssignmentRow]] = defaultdict(list)
    for row in overdue:
        by_task[row.task_id].append(row)
    silent_total = sum(1 for row in overdue if not _reported(row))
    doc.paragraph(f"截至{format_cn_date(as_of)}，逾期未完成的任务分工共{len(overdue)}项，涉及{len(by_task)}项任务、"
                  f"{len(facts.overdue_by_unit)}个单位。按任务列出如下，原因为各单位截至{format_cn_date(as_of)}最近一次"
                  f"报送的进展情况" + (f"，{silent_total}项没有报送过进展，列为“未报告原因”：" if silent_total else "："))
    for index, items in enumerate(by_task.values(), 1):
        first = items[0]
        same_due = len({row.status.due for row in items}) == 1 and first.status.due is not None
        doc.heading2(f"（{wording.cn_number(index)}）{wording.task_label(first)}：{wording.short(first.content)}")
        head = (f"应于{format_cn_date(first.status.due)}前完成，已逾期{wording.overdue_days(first, as_of)}天，"
                if same_due else "")
        reported = [row for row in items if _reported(row)]
        silent = [row for row in items if not _reported(row)]
        parts = []
        for row in reported:
            late = "" if same_due or not row.status.due else (
                f"应于{format_cn_date(row.status.due)}前完成、已逾期{wording.overdue_days(row, as_of)}天，")
            parts.append(f"{row.unit_name}（{row.role}）{late}{format_cn_date(row.last_date)}报送“{_note(row)}”")
        text = f"{head}{len(items)}个单位逾期未完成"
        if reported:
            text += f"。{len(reported)}个单位最近一次报送的进展：" + "；".join(parts)
        doc.paragraph(text + "。")
        if silent:
            doc.paragraph(f"未报告原因的{len(silent)}个单位："
                          + "、".join(f"{row.unit_name}（{row.role}）" for row in silent) + "。")


# -- the document --------------------------------------------------------------------------------------

def title_for(plan: Plan, stage: str) -> str:
    return f"关于《{plan.title}》{stage}评估情况的报告"


def build(request: catalog.ReportRequest, out: Path, setup, control: JobControl) -> catalog.ReportResult:
    """Write the report to `out`; AppError (Chinese message) when the plan has no assigned task."""
    from desktop_app.core.reports.document import OfficialDocument

    stage = request.stage or "中期"
    as_of = request.as_of
    facts = gather(request.plan_id, as_of)
    control.progress(0.25, "正在统计各板块和各单位的完成情况")
    plan, overall = facts.plan, facts.overall
    issuer = wording.issuer()
    bureau = get_setting("bureau_name") or issuer or "我局"
    title = title_for(plan, stage)

    doc = OfficialDocument(setup)
    if request.doc_number:
        doc.doc_number(request.doc_number)
    doc.title(title)
    recipient = wording.recipient(plan.issuer)
    if recipient:
        doc.recipient(recipient)
    doc.paragraph(f"按照《{plan.title}》要求，{bureau}对方案确定的各项任务截至{format_cn_date(as_of)}的落实情况"
                  f"进行了{stage}评估。现将有关情况报告如下：")
    numbers = iter(wording.cn_number(n) for n in range(1, 10))

    doc.heading1(f"{next(numbers)}、总体情况")
    doc.paragraph(_counts_sentence(facts))
    doc.paragraph("本报告中的完成率，指已完成和按时限正常推进的分工占分工总数的比例；即将到期、本期未报告和无固定时限的"
                  "分工计入分工数，不另列。")

    doc.heading1(f"{next(numbers)}、各板块完成情况")
    if len(facts.sections) == 1 and facts.sections[0].name == NO_SECTION:
        doc.paragraph("任务清单未划分板块，各项任务的完成情况见总体情况和附件。")
    else:
        doc.paragraph(f"按任务清单划分的{len(facts.sections)}个板块，任务分工的完成情况如下表：")
        table = doc.table(SECTION_HEADERS, [_tally_row(s, True) for s in facts.sections], SECTION_WIDTHS_MM,
                          centred=range(1, 7))
        table.add("row", _tally_row(overall, True))
        _narrow_cells(table)
    control.progress(0.4, "正在统计各单位的完成情况")

    doc.heading1(f"{next(numbers)}、各单位完成情况")
    doc.paragraph(f"{len(facts.units)}个承办单位的完成情况如下表，按完成率由低到高排列（完成率相同的，逾期项数多的在前），"
                  "排在前面的是需要重点督促的单位：")
    table = doc.table(UNIT_HEADERS, [_tally_row(u, False) for u in facts.units], UNIT_WIDTHS_MM,
                      centred=range(1, 6))
    table.add("row", _tally_row(overall, False))
    _narrow_cells(table)

    doc.heading1(f"{next(numbers)}、逾期任务及原因")
    _overdue_section(doc, facts)
    control.progress(0.6, "正在写入存在的问题和下一步工作措施")

    for key, heading in (("problems", "存在的问题"), ("measures", "下一步工作措施")):
        text = request.narrative.get(key, "").strip()
        if not text:
            continue
        doc.heading1(f"{next(numbers)}、{heading}")
        doc.paragraphs(text)

    doc.attachments([ANNEX_TITLE])
    doc.signature(issuer, request.today)
    doc.annex(ANNEX_TITLE)
    table = doc.table(ANNEX_HEADERS, [], ANNEX_WIDTHS_MM, centred=(0, 2, 3, 4))
    _narrow_cells(table)
    task_id = None
    for number, row in enumerate(facts.rows, 1):
        if row.task_id != task_id:
            task_id = row.task_id
            limit = f"（完成时限：{row.deadline_text}）" if row.deadline_text else ""
            table.add("group", [f"{wording.task_label(row)}：{row.content.strip()}{limit}"])
        table.add("row", [str(number), facts.short_names.get(row.unit_id, row.unit_name), row.role, _deadline_cell(row), _status_cell(row, as_of),
                          _progress_cell(row)])
        if number % 2000 == 0:
            control.progress(0.6 + 0.25 * number / len(facts.rows), "正在生成任务分工落实情况表")
    if issuer:
        doc.colophon("", issuer, request.today)
    control.progress(0.9, "正在保存文档")
    path = doc.save(out)
    return catalog.ReportResult(path, title, [])


# -- the drafts ----------------------------------------------------------------------------------------

def _names(items: list[tuple[str, list]], limit: int = DRAFT_UNITS) -> str:
    return "、".join(f"{name}（{len(rows)}项）" for name, rows in items[:limit])


def drafts(request: catalog.ReportRequest) -> dict[str, str]:
    """Draft texts for 存在的问题 and 下一步工作措施, every figure taken from the statistics for `as_of`."""
    facts = gather(request.plan_id, request.as_of)
    as_of, overall = format_cn_date(request.as_of), facts.overall
    count = overall.counts
    overdue = facts.overdue
    more = "等" if len(facts.overdue_by_unit) > DRAFT_UNITS else ""
    problems, measures = [], []

    if overdue:
        where = (f"均为{_names(facts.overdue_by_unit)}的分工" if len(facts.overdue_by_unit) == 1 else
                 f"主要集中在{_names(facts.overdue_by_unit)}{more}{'单位' if more else ''}")
        problems.append(f"截至{as_of}，{overall.total}项任务分工中仍有{len(overdue)}项逾期未完成，"
                        f"占{percent(len(overdue), overall.total)}，{where}。")
        silent = sum(1 for row in overdue if not _reported(row))
        if silent:
            problems.append(f"逾期未完成的分工中，有{silent}项没有报送任何进展情况，原因不明。")
    else:
        problems.append(f"截至{as_of}，{overall.total}项任务分工没有逾期未完成的情况。")
    named = [s for s in facts.sections if s.name != NO_SECTION]
    weak = min(named, key=lambda s: (s.rate, -s.counts[ob.OVERDUE])) if len(named) > 1 else None
    if weak is not None and weak.met < weak.total:
        problems.append(f"从各板块看，“{weak.title}”板块完成率最低，为{percent(weak.met, weak.total)}"
                        + (f"，有{weak.counts[ob.OVERDUE]}项分工逾期。" if weak.counts[ob.OVERDUE] else "。"))
    unreported = [row for row in facts.rows if row.status.label == ob.UNREPORTED]
    if unreported:
        periods = sorted({row.status.period for row in unreported if row.status.period})
        problems.append(f"{len(unreported)}项长期任务{'（' + '、'.join(periods) + '）' if periods else ''}"
                        f"本期未按要求报告落实情况，涉及{len({r.unit_id for r in unreported})}个单位。")
    if count[ob.SOON]:
        problems.append(f"另有{count[ob.SOON]}项任务分工将在{get_setting('task_due_soon_days')}天内到期，需加快推进。")

    ordinals = iter("一二三四五六七八九")
    if overdue:
        units = "、".join(name for name, _rows in facts.overdue_by_unit[:DRAFT_UNITS])
        measures.append(f"{next(ordinals)}是逐项督办逾期任务。对{units}{more}单位逾期未完成的{len(overdue)}项任务分工"
                        "逐项督办，督促有关单位说明原因、明确整改时限，整改情况及时报告。")
    if weak is not None and weak.met < weak.total:
        measures.append(f"{next(ordinals)}是聚焦薄弱板块。针对“{weak.title}”板块完成率偏低的情况，会同牵头单位分析原因，"
                        "加强调度，推动该板块任务按期完成。")
    if unreported:
        names = [u.name for u in sorted(facts.units, key=lambda u: (-u.counts[ob.UNREPORTED], u.order))
                 if u.counts[ob.UNREPORTED]]
        who = "、".join(names[:DRAFT_UNITS]) + ("等" if len(names) > DRAFT_UNITS else "")
        measures.append(f"{next(ordinals)}是严格落实定期报告制度。督促{who}单位按期报送长期任务落实情况，"
                        "对未按要求报告的及时提醒、通报。")
    if count[ob.SOON]:
        measures.append(f"{next(ordinals)}是做好到期任务提醒。对即将到期的{count[ob.SOON]}项任务分工提前提醒承办单位，"
                        "防止产生新的逾期。")
    closing = ("确保三年行动各项任务全面完成、长期任务常态化落实。" if request.stage == "终期"
               else "确保三年行动各项任务按期完成。")
    measures.append(f"{next(ordinals)}是加强统筹调度。定期通报任务落实情况，{closing}")
    return {"problems": "\n".join(problems), "measures": "\n".join(measures)}


__all__ = ["ANNEX_TITLE", "Facts", "Tally", "build", "drafts", "gather", "percent", "title_for"]
