"""年度行政执法工作报告 (issue 7, report 1; due 每年1月底前 for the year before).

Every figure comes from the database for the calendar year, up to `request.as_of` (its 31 December, or
today in the current year): officers and certificates from the roster on that day (personnel/roster, the
same rows as the 持证情况统计 export), the year's officer changes and certificate events, training from the
ledger (the same as the 全员轮训 report), task progress from task_board (reports dated after the day are
ignored). A part with no data says so; the clerk's 问题 and 打算 are their own text (catalog narrative).

Layout: 一、执法人员和证件 二、培训 三、任务落实 四、存在的问题和不足 五、下一年度工作打算, three charts (certificate
status, hours distribution, completion by unit), then 附件1 各单位执法人员持证和培训情况表 and 附件2 行政执法人员
持证和培训情况明细 (one row per officer, grouped by unit: 2,000 rows at county scale).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core import obligations as ob
from desktop_app.core.dates import format_cn_date
from desktop_app.core.db import db
from desktop_app.core.models import Plan
from desktop_app.core.personnel.certificates import EVENTS, EXPIRED, NONE, SUSPENDED, VALID
from desktop_app.core.personnel.roster import EXPIRING_STATE
from desktop_app.core.reports import wording
from desktop_app.core.reports.wording import number
from desktop_app.core.settings import get_setting
from desktop_app.core.training import ledger

if TYPE_CHECKING:
    from desktop_app.core.personnel.roster import RosterRow
    from desktop_app.core.reports.catalog import ReportRequest, ReportResult

UNIT_TITLE = "各单位执法人员持证和培训情况表"
DETAIL_TITLE = "行政执法人员持证和培训情况明细"
UNIT_HEADERS = ["单位", "执法人员", "持证人数", "持证率", "人均学时", "达标率", "轮训率"]
UNIT_WIDTHS_MM = [40, 17, 17, 20, 18, 22, 22]  # 156 mm; “100.0%” needs about 20 mm at 4号
DETAIL_HEADERS = ["序号", "姓名", "证号", "证件状态", "计入学时", "是否达标"]
DETAIL_WIDTHS_MM = [16, 26, 44, 24, 24, 22]
EXPIRING = EXPIRING_STATE


def pct(part: int, whole: int) -> str:
    return wording.percent(part, whole, empty="—")




@dataclass
class UnitLine:
    name: str
    officers: int = 0
    holders: int = 0
    trained: int = 0  # in the training population
    hours: float = 0.0
    reaching: int = 0
    rotated: int = 0


@dataclass
class AnnualFacts:
    """Everything the report states, gathered once (also for the narrative drafts)."""

    year: int
    as_of: dt.date
    plan: Plan | None
    roster: list[RosterRow]
    officers: list[RosterRow]  # 在职, not 辅助人员
    states: Counter = field(default_factory=Counter)  # officer → main 行政执法证 state (即将到期 split out)
    holders: int = 0
    reviewers: int = 0
    auxiliary: int = 0
    changes: Counter = field(default_factory=Counter)  # OfficerChange kind in the year
    events: Counter = field(default_factory=Counter)  # CertificateEvent kind in the year
    training_recorded: bool = False
    threshold: float = 0.0
    sessions: int = 0
    members: list = field(default_factory=list)
    hours: dict = field(default_factory=dict)
    units_training: list = field(default_factory=list)
    assignments: list = field(default_factory=list)
    status_counts: Counter = field(default_factory=Counter)
    units: list[UnitLine] = field(default_factory=list)

    @property
    def reaching(self) -> int:
        return sum(u.reaching for u in self.units_training)

    @property
    def rotated(self) -> int:
        return sum(u.rotated for u in self.units_training)

    @property
    def trained_officers(self) -> int:
        return sum(u.officers for u in self.units_training)

    @property
    def short(self) -> int:
        return sum(len(u.short) for u in self.units_training)

    @property
    def total_hours(self) -> float:
        return sum(u.total_hours for u in self.units_training)

    @property
    def overdue(self) -> list:
        return [r for r in self.assignments if r.status.label == ob.OVERDUE]

    @property
    def met(self) -> int:
        return self.status_counts[ob.DONE] + self.status_counts[ob.OK]



def _counts_in_year(sql: str, start: dt.date, end: dt.date) -> Counter:
    return Counter(dict(db.execute_sql(sql, (start.isoformat(), end.isoformat())).fetchall()))


def gather(year: int, as_of: dt.date, plan_id: int | None = None) -> AnnualFacts:
    from desktop_app.core import task_board as tb
    from desktop_app.core.personnel.roster import load_roster

    start = dt.date(year, 1, 1)
    roster = load_roster(as_of, details=False)  # the report reads no birth dates, posts or phones
    serving = [r for r in roster if r.status == "在职"]
    # a past day shows each officer under the unit they served in then, but the roster is still sorted by
    # their unit now: back into unit order (stable, so each unit keeps its order of names)
    rank = {uid: n for n, (uid,) in enumerate(db.execute_sql("SELECT id FROM unit ORDER BY sort_order, id"))}
    serving.sort(key=lambda r: rank.get(r.unit_id, len(rank)))
    officers = [r for r in serving if not r.auxiliary]
    plan = Plan.get_or_none(Plan.id == plan_id) if plan_id is not None else None
    facts = AnnualFacts(year, as_of, plan, roster, officers)
    facts.auxiliary = len(serving) - len(officers)
    facts.reviewers = sum(r.is_legal_reviewer for r in officers)
    for row in officers:
        state = row.shown_state
        facts.states[state] += 1
        facts.holders += any(c.kind == "law" and c.state == VALID for c in row.cards)
    facts.changes = _counts_in_year("SELECT kind, COUNT(*) FROM officer_change WHERE on_date BETWEEN ? AND ? "
                                    "GROUP BY kind", start, as_of)
    facts.events = _counts_in_year("SELECT kind, COUNT(*) FROM certificate_event WHERE on_date BETWEEN ? AND ? "
                                   "GROUP BY kind", start, as_of)

    t_start, t_end = ledger.year_range(year)
    t_end = min(t_end, as_of)
    facts.training_recorded = ledger.recorded(t_start, t_end)
    if facts.training_recorded:
        facts.members = ledger.population(t_end)
        facts.hours = ledger.officer_hours(t_start, t_end)
        facts.units_training = ledger.unit_summaries(t_start, t_end, known=(facts.members, facts.hours))
        facts.threshold = ledger.threshold_for(t_start, t_end)
        (facts.sessions,) = db.execute_sql("SELECT COUNT(*) FROM training_session WHERE end_date BETWEEN ? AND ?",
                                           (t_start.isoformat(), t_end.isoformat())).fetchone()

    facts.assignments = tb.load_assignments(plan_id, as_of, reports_until=as_of)
    facts.status_counts = Counter(r.status.label for r in facts.assignments)

    lines: dict[str, UnitLine] = {}
    for row in officers:
        line = lines.setdefault(row.unit_name, UnitLine(row.unit_name))
        line.officers += 1
        line.holders += any(c.kind == "law" and c.state == VALID for c in row.cards)
    for unit in facts.units_training:
        line = lines.setdefault(unit.unit_name, UnitLine(unit.unit_name))
        line.trained, line.hours = unit.officers, unit.total_hours
        line.reaching, line.rotated = unit.reaching, unit.rotated
    facts.units = list(lines.values())
    return facts


def title(year: int) -> str:
    return f"关于{year}年度行政执法工作情况的报告"




def drafts(request: ReportRequest) -> dict[str, str]:
    """问题 and 打算 drafted from the year's numbers: only the shortfalls the data shows, each with its figure."""
    facts = gather(request.year, request.as_of, request.plan_id)
    problems, plans = [], []
    officers = len(facts.officers)
    missing = officers - facts.holders
    if missing:
        why = "、".join(f"{state}{n}人" for state, n in facts.states.most_common()
                       if n and state not in (VALID, EXPIRING))
        problems.append(f"持证上岗还有差距：{format_cn_date(facts.as_of)}在职执法人员{officers}人中，"
                        f"{missing}人没有有效的行政执法证件（{why}）。")
        plans.append(f"组织{missing}名未持有效证件的人员参加资格考试、办理换证或恢复，做到持证上岗、亮证执法。")
    if facts.states[EXPIRING]:
        plans.append(f"提前为{facts.states[EXPIRING]}名证件即将到期的人员办理换证。")
    if facts.training_recorded and facts.short:
        problems.append(f"培训学时不够均衡：{facts.short}人的计入学时未达到{number(facts.threshold)}学时，"
                        f"达标率{pct(facts.reaching, facts.trained_officers)}。")
        plans.append(f"督促未达标的{facts.short}人补足学时，培训情况与年度考核、证件年审挂钩。")
    elif not facts.training_recorded:
        problems.append(f"{facts.year}年度培训台账中没有培训记录，执法人员培训学时情况无法统计。")
        plans.append("建立健全培训台账，逐期登记培训和参训人员学时。")
    overdue = facts.overdue
    if overdue:
        units = Counter(r.unit_name for r in overdue).most_common(3)
        names = "、".join(name for name, _n in units)
        problems.append(f"部分任务推进迟缓：{len(overdue)}项任务分工逾期未完成，主要集中在{names}等单位。")
        plans.append(f"对{len(overdue)}项逾期任务逐项督办，推进迟缓的单位限期报告整改情况。")
    unreported = facts.status_counts[ob.UNREPORTED]
    if unreported:
        problems.append(f"{unreported}项长期坚持的任务本期没有报告落实情况。")
        plans.append("落实长期任务定期报告制度，做到有部署、有落实、有记录。")
    return {"problems": "\n".join(problems),
            "plans": "\n".join(f"{wording.cn_number(i)}是{text}" for i, text in enumerate(plans, 1)) if plans else ""}



def _write_personnel(doc, facts: AnnualFacts) -> None:
    from desktop_app.core import charts

    doc.heading1("一、行政执法人员和证件管理")
    officers = len(facts.officers)
    if not facts.roster:
        doc.paragraph("执法人员名册中还没有人员记录。")
        return
    units = len({r.unit_name for r in facts.officers})
    text = (f"截至{format_cn_date(facts.as_of)}，全{_area()}在职行政执法人员{officers}人，分布在{units}个单位"
            + (f"，另有辅助人员{facts.auxiliary}人（不计入执法人员）" if facts.auxiliary else "")
            + f"；持有有效行政执法证件{facts.holders}人，持证率{pct(facts.holders, officers)}；"
            f"法制审核人员{facts.reviewers}人，占执法人员的{pct(facts.reviewers, officers)}。")
    doc.paragraph(text)
    shown = [(state, n) for state, n in facts.states.items() if n and state != VALID]
    if shown:
        doc.paragraph("证件状态：" + "，".join(f"{state}{n}人" for state, n in shown) + "。")
    moves = [f"新登记{facts.changes['登记']}人" if facts.changes["登记"] else "",
             f"调动{facts.changes['调动']}人次" if facts.changes["调动"] else "",
             *(f"{kind}{facts.changes[kind]}人" for kind in ("调离", "退休", "辞职", "死亡") if facts.changes[kind])]
    cards = [f"{EVENTS[kind]}{facts.events[kind]}件" for kind in EVENTS if facts.events[kind]]
    parts = []
    if any(moves):
        parts.append("人员" + "、".join(m for m in moves if m))
    if cards:
        parts.append("证件" + "、".join(cards))
    doc.paragraph(f"{facts.year}年度" + ("，".join(parts) + "。" if parts else "人员和证件没有变动记录。"))
    counts = {state: facts.states.get(state, 0) for state in (VALID, EXPIRING, SUSPENDED, EXPIRED, NONE)}
    counts.update({state: n for state, n in facts.states.items() if state not in counts})
    doc.chart(charts.certificate_status(counts, total=officers, title="执法人员行政执法证状态"), 140)


def _area() -> str:
    county = get_setting("county_name")
    return county[-1] if county and county[-1] in "县区市旗" else "县"


def _write_training(doc, facts: AnnualFacts) -> None:
    from desktop_app.core import charts

    doc.heading1("二、行政执法人员培训")
    if not facts.training_recorded:
        doc.paragraph(f"{facts.year}年度培训台账中没有培训记录。")
        return
    officers = facts.trained_officers
    no_mental = sum(1 for u in facts.units_training if not u.mental_health_sessions)
    doc.paragraph(f"{facts.year}年度共组织和参加各类培训{facts.sessions}期。执法人员人均计入培训学时"
                  f"{number(facts.total_hours / officers if officers else 0)}学时（政治理论类学时单独统计，不计入），"
                  f"达到{number(facts.threshold)}学时的{facts.reaching}人，达标率"
                  f"{pct(facts.reaching, officers)}；参加全员轮训{facts.rotated}人，轮训率"
                  f"{pct(facts.rotated, officers)}。"
                  + (f"{no_mental}个单位没有开展心理健康活动。" if no_mental else "各单位均开展了心理健康活动。"))
    values = [facts.hours[m.id].countable if m.id in facts.hours else 0.0 for m in facts.members]
    doc.chart(charts.hours_distribution(values, facts.threshold), 140)


def _write_tasks(doc, facts: AnnualFacts) -> None:
    from desktop_app.core import charts

    doc.heading1("三、任务落实情况")
    rows = facts.assignments
    if not rows:
        doc.paragraph("任务清单中还没有分解到单位的任务。")
        return
    plan = f"《{facts.plan.title}》" if facts.plan else "各项任务清单"
    c = facts.status_counts
    tasks = len({r.task_id for r in rows})
    units = len({r.unit_id for r in rows})
    text = (f"截至{format_cn_date(facts.as_of)}，{plan}中的{tasks}项任务分解为{len(rows)}项单位分工，涉及{units}个单位；"
            f"已完成{c[ob.DONE]}项，按时限正常推进{c[ob.OK]}项，合计占{pct(facts.met, len(rows))}")
    overdue_units = len({r.unit_id for r in facts.overdue})
    doc.paragraph("；".join([text, *wording.status_clauses(c, len(rows), overdue_units)]) + "。")
    if facts.overdue:
        slow = Counter(r.unit_name for r in facts.overdue).most_common(5)
        doc.paragraph("逾期任务较多的单位：" + "、".join(f"{name}（{n}项）" for name, n in slow) + "。")
    # the 15 lowest rates (the rest in a note under the chart); every unit is in the 通报 and the assessment
    doc.chart(charts.unit_completion_rates(charts.completion_by_unit(rows), max_bars=15), 150)


def _write_annexes(doc, facts: AnnualFacts, control) -> None:
    doc.annex(UNIT_TITLE, 1)
    rows = []
    for u in facts.units:
        rows.append([u.name, u.officers, u.holders, pct(u.holders, u.officers),
                     number(u.hours / u.trained) if u.trained else "—", pct(u.reaching, u.trained),
                     pct(u.rotated, u.trained)])
    officers = sum(u.officers for u in facts.units)
    trained = sum(u.trained for u in facts.units)
    rows.append(["合计", officers, facts.holders, pct(facts.holders, officers),
                 number(facts.total_hours / trained) if trained else "—", pct(facts.reaching, trained),
                 pct(facts.rotated, trained)])
    doc.table(UNIT_HEADERS, rows, UNIT_WIDTHS_MM, centred=range(1, 7))
    control.progress(0.7, "正在写入人员明细")
    doc.annex(DETAIL_TITLE, 2)
    table = doc.table(DETAIL_HEADERS, [], DETAIL_WIDTHS_MM, centred=(0, 1, 3, 4, 5))
    unit = None
    for index, row in enumerate(facts.officers, 1):
        if row.unit_name != unit:
            unit = row.unit_name
            table.add("group", [unit])
        entry = facts.hours.get(row.id)
        hours = entry.countable if entry else 0.0
        reached = ("是" if hours >= facts.threshold - 1e-9 else "否") if facts.training_recorded else "—"
        table.add("row", [str(index), row.name, row.cert_number or "—", row.shown_state,
                          number(hours, 2) if facts.training_recorded else "—", reached])


def build(request: ReportRequest, out: Path, setup, control) -> ReportResult:
    from desktop_app.core.reports.catalog import ReportResult
    from desktop_app.core.reports.document import OfficialDocument

    control.progress(0.2, "正在统计人员、证件、培训和任务")
    facts = gather(request.year, request.as_of, request.plan_id)
    control.progress(0.4, "正在生成正文和图表")
    doc = OfficialDocument(setup)
    if request.doc_number:
        doc.doc_number(request.doc_number)
    doc.title(title(request.year))
    recipient = wording.recipient()
    if recipient:
        doc.recipient(recipient)
    bureau = get_setting("bureau_name") or "本局"
    doc.paragraph(f"根据《提升行政执法质量三年行动计划》和年度报告工作要求，{bureau}对{request.year}年度行政执法"
                  f"人员和证件管理、执法人员培训、任务落实等情况进行了统计，现将有关情况报告如下：")
    _write_personnel(doc, facts)
    control.progress(0.5, "正在生成正文和图表")
    _write_training(doc, facts)
    _write_tasks(doc, facts)
    problems = request.narrative.get("problems", "").strip()
    plans = request.narrative.get("plans", "").strip()
    order = iter("四五")
    if problems:
        doc.heading1(f"{next(order)}、存在的问题和不足")
        doc.paragraphs(problems)
    if plans:
        doc.heading1(f"{next(order)}、{request.year + 1}年度工作打算")
        doc.paragraphs(plans)
    annexes = bool(facts.officers)
    if annexes:
        doc.attachments([UNIT_TITLE, DETAIL_TITLE])
    issuer = wording.issuer()
    doc.signature(issuer, request.today)
    if annexes:
        _write_annexes(doc, facts, control)
    if issuer:
        doc.colophon("", issuer, request.today)
    control.progress(0.9, "正在保存文档")
    return ReportResult(doc.save(out), title(request.year))
