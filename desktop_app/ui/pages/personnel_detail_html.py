"""The 执法人员 detail pane's text: warnings, the person's record in full (身份证号 and 电话 unmasked — this
is the clerk's own screen), each certificate with its events in order, exams, 年度考核 and service history."""
from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence

from desktop_app.core.models import (
    CERT_KINDS,
    AnnualAppraisal,
    Certificate,
    CertificateEvent,
    Officer,
    OfficerChange,
    QualificationExam,
    Unit,
)
from desktop_app.core.personnel import certificates as certs
from desktop_app.core.personnel import officers as off
from desktop_app.core.personnel.roster import RosterRow
from desktop_app.ui.table_models.personnel_models import GREY, ORANGE, RED, state_colour

HEADING = "<p style='margin-top:12px; margin-bottom:4px'><b style='color:#1f3a5f; font-size:11pt'>{}</b></p>"
NONE = "<p style='color:#8a8a8a; margin:0'>（无）</p>"
TABLE = "<table cellspacing='0' cellpadding='3' width='100%' style='border-collapse:collapse'>{}</table>"


def esc(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    return html.escape(str(value))


def table(header: Sequence[str], rows: Iterable[Sequence[object]], raw: bool = False) -> str:
    head = "".join(f"<td style='background:#eef1f5; color:#444'>{h}</td>" for h in header)
    body = "".join("<tr>" + "".join(f"<td style='border-bottom:1px solid #e3e6ea'>{c if raw else esc(c)}</td>"
                                    for c in row) + "</tr>" for row in rows)
    return TABLE.format(f"<tr>{head}</tr>{body}") if body else NONE


def alerts_html(row: RosterRow) -> str:
    if not row.alerts:
        return "<p style='color:#1e8449; margin:0'>✓ 没有预警</p>"
    lines = [f"<div style='color:{RED if a.danger else ORANGE}'>{'⚠' if a.danger else '•'} "
             f"<b>{esc(a.label)}</b>：{esc(a.message)}</div>" for a in row.alerts]
    return "".join(lines)


def yes_no(flag: bool) -> str:
    return "是" if flag else "否"


def person_html(row: RosterRow, officer: Officer) -> str:
    category = officer.category + ("（执法辅助人员）" if row.auxiliary else "")
    status = officer.status + (f"（{officer.status_date:%Y-%m-%d}）" if officer.status_date else "")
    pairs = [("身份证号", officer.id_number), ("出生日期", officer.birth_date), ("性别", officer.gender),
             ("民族", officer.ethnicity), ("政治面貌", officer.political_status), ("学历", officer.education),
             ("专业", officer.major), ("职务职级", officer.post), ("人员类别", category),
             ("执法领域", officer.law_field), ("执法区域", officer.region), ("联系电话", officer.phone),
             ("执法岗位", yes_no(officer.on_enforcement_post)), ("法制审核", yes_no(officer.is_legal_reviewer)),
             ("公职律师", yes_no(officer.is_public_lawyer)), ("在职状态", status)]
    cells = [f"<td style='color:#666' width='16%'>{label}</td><td width='34%'>{esc(value)}</td>"
             for label, value in pairs]
    rows = ["<tr>" + "".join(cells[i:i + 2]) + "</tr>" for i in range(0, len(cells), 2)]
    if officer.note:
        rows.append(f"<tr><td style='color:#666'>备注</td><td colspan='3'>{esc(officer.note)}</td></tr>")
    return TABLE.format("".join(rows))


def event_reason(event: CertificateEvent) -> str:
    reason = event.reason or ""
    if event.kind == "suspend" and event.until:
        reason += f"（暂扣至 {event.until:%Y-%m-%d}）"
    return reason


def cards_html(row: RosterRow, events: list[tuple[Certificate, CertificateEvent]]) -> str:
    grouped: dict[int, tuple[Certificate, list[CertificateEvent]]] = {}
    for cert, event in events:
        grouped.setdefault(cert.id, (cert, []))[1].append(event)
    if not grouped:
        return NONE
    states = {card.id: card.state for card in row.cards}
    order = {card.id: n for n, card in enumerate(row.cards)}
    parts = []
    for cert_id in sorted(grouped, key=lambda c: (order.get(c, 99), -c)):
        cert, card_events = grouped[cert_id]
        state = states.get(cert_id) or certs.state_of(cert).state
        title = f"{CERT_KINDS.get(cert.kind, cert.kind)} {cert.number or '（申领中，未编号）'}"
        facts = "　".join(f"{label}：{esc(value)}" for label, value in (
            ("发证机关", cert.issuer), ("发证日期", cert.issued_on), ("有效期至", cert.valid_until),
            ("执法类别", cert.law_field), ("执法区域", cert.region)) if value)
        parts.append(f"<p style='margin-top:8px; margin-bottom:2px'><b>{esc(title)}</b>　"
                     f"<span style='color:{state_colour(state)}; font-weight:bold'>■ {esc(state)}</span><br>"
                     f"<span style='color:#555'>{facts}</span></p>")
        parts.append(table(("日期", "变动", "事由", "文号"), [
            (e.on_date, certs.EVENTS.get(e.kind, e.kind), event_reason(e), e.doc_number) for e in card_events]))
    return "".join(parts)


def exams_html(exams: list[QualificationExam]) -> str:
    def result(exam: QualificationExam) -> str:
        return "免试（法律职业资格）" if exam.exempt else "通过" if exam.passed else "未通过"
    return table(("日期", "成绩", "结果", "备注"),
                 [(e.on_date, f"{e.score:g}" if e.score is not None else "", result(e), e.note) for e in exams])


def history_html(changes: list[OfficerChange]) -> str:
    names = {u.id: u.name for u in Unit.select(Unit.id, Unit.name)}

    def where(change: OfficerChange) -> str:
        source, target = names.get(change.from_unit_id, ""), names.get(change.to_unit_id, "")
        return f"{source} → {target}" if source and target else source or target

    return table(("日期", "变动", "单位", "事由", "文号"),
                 [(c.on_date, c.kind, where(c), c.reason, c.doc_number) for c in changes])


def officer_html(row: RosterRow) -> str:
    officer = off.get_officer(row.id)
    exams = list(QualificationExam.select().where(QualificationExam.officer == row.id)
                 .order_by(QualificationExam.on_date, QualificationExam.id))
    appraisals = list(AnnualAppraisal.select().where(AnnualAppraisal.officer == row.id)
                      .order_by(AnnualAppraisal.year.desc()))
    sections = [
        ("预警", alerts_html(row)),
        ("基本信息", person_html(row, officer)),
        ("证件", cards_html(row, certs.timeline(row.id))),
        ("资格考试", exams_html(exams)),
        ("年度考核", table(("年度", "结果", "备注"), [(a.year, a.result, a.note) for a in appraisals])),
        ("履历", history_html(off.history(row.id))),
    ]
    return "".join(HEADING.format(title) + body for title, body in sections)


def selection_html(rows: Sequence[RosterRow], limit: int = 40) -> str:
    names = "、".join(esc(r.name) for r in rows[:limit]) + (f" 等 {len(rows)} 人" if len(rows) > limit else "")
    warned = sum(1 for r in rows if r.alerts)
    return (f"<p>已选 <b>{len(rows)}</b> 人：{names}</p>"
            f"<p style='color:{GREY}'>其中有预警的 {warned} 人。可用列表下方的批量操作办理年审通过、注销证件或调动；"
            "按住 Ctrl 点选可增减所选人员，点一人可查看其详情。</p>")
