"""全员轮训情况报告 (issue 7, report 3): the year's 轮训 and 培训学时 from the training ledger.

Every number comes from core/training/ledger for the calendar year (hours on the session's end date, the
population on the year's last day, 轮训 by the 全员轮训截止日期 setting, the threshold from the settings) and
the year's TrainingSession rows; a year with no attendance recorded is refused rather than reported as
everyone short. Sections: overview, 一、各单位轮训和学时情况 (a table, one row per unit), 二、未达标人员, 三、没有开展
心理健康活动的单位, the signature, and the annex 未达标人员名单 when anyone is short.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.dates import format_cn_date
from desktop_app.core.errors import AppError
from desktop_app.core.models import TRAINING_FORMS, TrainingSession
from desktop_app.core.reports import wording
from desktop_app.core.reports.wording import number, percent
from desktop_app.core.settings import get_setting
from desktop_app.core.training import ledger

if TYPE_CHECKING:
    from desktop_app.core.reports.catalog import ReportRequest, ReportResult

ANNEX_TITLE = "未达标人员名单"
UNIT_HEADERS = ["单位", "执法人员", "轮训人数", "轮训率", "人均学时", "达标人数", "达标率", "心理健康活动"]
UNIT_WIDTHS_MM = [34, 14, 14, 22, 16, 14, 22, 20]  # 156 mm, the 版心; a rate (100.0%) fits on one line
ANNEX_HEADERS = ["序号", "单位", "姓名", "计入学时", "缺口学时"]
ANNEX_WIDTHS_MM = [14, 70, 28, 22, 22]





def sessions_by_form(start: dt.date, end: dt.date) -> list[tuple[str, int]]:
    """The sessions ending in [start, end] per form, in the order of TRAINING_FORMS (others after)."""
    counts = Counter(form for (form,) in TrainingSession.select(TrainingSession.form)
                     .where(TrainingSession.end_date.between(start, end)).tuples())
    order = {form: n for n, form in enumerate(TRAINING_FORMS)}
    return sorted(counts.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))


def training(year: int, today: dt.date, out: Path | str, fonts=None, doc_number: str = "",
             plans: str = "") -> Path:
    """Write 关于{year}年度行政执法人员全员轮训和培训学时情况的报告 to `out`; AppError for a year without records.
    `plans` (the clerk's 下一步工作安排) becomes section 四 when given."""
    from desktop_app.core.reports.document import OfficialDocument

    start, end = ledger.year_range(year)
    if not ledger.recorded(start, end):
        raise AppError(f"{year}年没有培训记录，无法生成报告")
    members = ledger.population(end)
    hours = ledger.officer_hours(start, end)
    units = ledger.unit_summaries(start, end, known=(members, hours))
    threshold = ledger.threshold_for(start, end)
    deadline = min(ledger.rotation_deadline(), end)
    as_of = min(today, end)
    forms = sessions_by_form(start, end)
    officers = sum(u.officers for u in units)
    rotated = sum(u.rotated for u in units)
    reaching = sum(u.reaching for u in units)
    total_hours = sum(u.total_hours for u in units)
    short_units = [u for u in units if u.short]
    short = sum(len(u.short) for u in short_units)
    no_mental = [u for u in units if not u.mental_health_sessions]
    issuer = wording.issuer()
    bureau = get_setting("bureau_name") or issuer

    doc = OfficialDocument(fonts)
    if doc_number:
        doc.doc_number(doc_number)
    doc.title(title(year))
    recipient = wording.recipient()
    if recipient:
        doc.recipient(recipient)
    held = sum(n for _form, n in forms)
    form_text = "、".join(f"{form}{n}期" for form, n in forms)
    facts = [f"截至{format_cn_date(as_of)}，{bureau}培训台账记载{year}年度各类培训{held}期"
             + (f"（其中{form_text}）" if form_text else ""),
             (f"{format_cn_date(as_of)}在职的行政执法人员{officers}人（不含辅助人员），"
              f"截至{format_cn_date(deadline)}参加全员轮训{rotated}人，轮训率{percent(rotated, officers)}"),
             (f"人均计入培训学时{number(total_hours / officers if officers else 0.0)}学时"
              f"（政治理论类学时单独统计，不计入）"),
             f"达到{number(threshold)}学时的{reaching}人，达标率{percent(reaching, officers)}"
             + (f"，未达标{short}人，涉及{len(short_units)}个单位" if short else "")]
    doc.paragraph("；".join(facts) + "。现将有关情况报告如下：")

    doc.heading1("一、各单位轮训和学时情况")
    doc.paragraph(f"各单位执法人员参加全员轮训（截至{format_cn_date(deadline)}）、计入培训学时和开展心理健康活动"
                  f"的情况如下表：")
    rows = [[u.unit_name, u.officers, u.rotated, percent(u.rotated, u.officers), number(u.average_hours),
             u.reaching, percent(u.reaching, u.officers),
             f"{u.mental_health_sessions}次" if u.mental_health_sessions else "未开展"] for u in units]
    rows.append(["合计", officers, rotated, percent(rotated, officers),
                 number(total_hours / officers if officers else 0.0), reaching, percent(reaching, officers),
                 f"{len(units) - len(no_mental)}个单位开展"])
    doc.table(UNIT_HEADERS, rows, UNIT_WIDTHS_MM, centred=range(1, 8))

    doc.heading1("二、未达标人员")
    if not short_units:
        doc.paragraph(f"{year}年度全体在职行政执法人员的计入培训学时均达到{number(threshold)}学时。")
    else:
        doc.paragraph(f"{year}年度计入培训学时未达到{number(threshold)}学时的共{short}人，"
                      f"分布在{len(short_units)}个单位（详见附件）：")
        for index, unit in enumerate(short_units, 1):
            names = "、".join(f"{member.name}（缺口{number(gap, 2)}学时）" for member, gap in unit.short)
            doc.paragraph(f"{index}.{unit.unit_name}{len(unit.short)}人：{names}。")

    doc.heading1("三、没有开展心理健康活动的单位")
    if not no_mental:
        doc.paragraph(f"{year}年度各单位均开展了心理健康教育或心理训练活动。")
    else:
        doc.paragraph(f"{year}年度以下{len(no_mental)}个单位没有组织或参加心理健康教育、心理训练活动："
                      + "、".join(u.unit_name for u in no_mental) + "。")

    if plans.strip():
        doc.heading1("四、下一步工作安排")
        doc.paragraphs(plans)

    if short_units:
        doc.attachments([ANNEX_TITLE])
    doc.signature(issuer, today)
    if short_units:
        doc.annex(ANNEX_TITLE)
        rows = []
        for unit in short_units:
            for member, gap in unit.short:
                entry = hours.get(member.id)
                rows.append([len(rows) + 1, unit.unit_name, member.name,
                             number(entry.countable if entry else 0.0, 2), number(gap, 2)])
        doc.table(ANNEX_HEADERS, rows, ANNEX_WIDTHS_MM, centred=(0, 2, 3, 4))
    if issuer:
        doc.colophon("", issuer, today)
    return doc.save(out)


def title(year: int) -> str:
    return f"关于{year}年度行政执法人员全员轮训和培训学时情况的报告"


def drafts(request: ReportRequest) -> dict[str, str]:
    """下一步工作安排 citing the year's shortfall (empty when nothing was recorded: the report is refused)."""
    start, end = ledger.year_range(request.year)
    if not ledger.recorded(start, end):
        return {"plans": ""}
    members = ledger.population(end)
    units = ledger.unit_summaries(start, end, known=(members, ledger.officer_hours(start, end)))
    short_units = [u for u in units if u.short]
    short = sum(len(u.short) for u in short_units)
    not_rotated = sum(u.officers - u.rotated for u in units)
    no_mental = [u for u in units if not u.mental_health_sessions]
    lines = []
    if short:
        names = "、".join(u.unit_name for u in short_units[:3]) + ("等" if len(short_units) > 3 else "")
        lines.append(f"一是督促{names}{len(short_units)}个单位的{short}名未达标人员通过网络学习、参加集中培训等方式"
                     f"补足学时，补训情况纳入年度考核和证件年审。")
    if not_rotated:
        lines.append(f"{'二' if lines else '一'}是对尚未参加全员轮训的{not_rotated}名执法人员组织补训，做到应训尽训。")
    if no_mental:
        order = "一二三"[len(lines)]
        lines.append(f"{order}是指导{len(no_mental)}个尚未开展心理健康活动的单位按要求组织心理健康教育或心理训练活动。")
    if not lines:
        lines.append("继续落实执法人员每人每年培训学时要求，巩固全员轮训成果。")
    return {"plans": "".join(lines)}


def build(request: ReportRequest, out: Path, setup, control) -> ReportResult:
    from desktop_app.core.reports.catalog import ReportResult

    control.progress(0.3, "正在统计培训学时")
    path = training(request.year, request.today, out, setup, request.doc_number,
                    plans=request.narrative.get("plans", ""))
    return ReportResult(path, title(request.year))
