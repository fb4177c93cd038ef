"""The annual 清理 of 行政执法证件 (shared/domain.md §2.3: each unit clears its certificates once a year).

1. `build_candidates` lists what the rules find, one line per officer × card, each with its reasons and a
   suggested decision: left the service with a live card, 辅助人员 with a card, expired, two valid cards,
   暂扣 past its end, 执法岗位 without a valid card, suspected duplicate records, under-trained.
2. The clerk decides per line or for a selection (`Decision.keep/suspend/cancel/renew/restore/revoke`).
3. `apply_decisions` backs the database up (清理前) and writes every decision as certificate events in ONE
   transaction: one refusal and nothing is applied.
4. `write_cleanup_xlsx` / `write_cleanup_docx` produce 清理结果 and the short 清理结果名单.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from desktop_app.core import audit
from desktop_app.core import xlsx_style as xs
from desktop_app.core.dates import format_cn_date, parse_date
from desktop_app.core.db import db
from desktop_app.core.errors import AppError, ValidationError
from desktop_app.core.id_card import mask_id_number
from desktop_app.core.jobs import JobControl
from desktop_app.core.models import Certificate, Officer, Unit
from desktop_app.core.personnel import certificates as certs
from desktop_app.core.personnel.cert_status import CardStatus
from desktop_app.core.personnel.certificates import APPLIED, EXPIRED, SUSPENDED, VALID
from desktop_app.core.personnel.officers import LEAVING_TO_CANCEL_REASON
from desktop_app.core.personnel.roster import RosterRow, load_roster
from desktop_app.core.settings import get_setting

# Rules, in the order their suggestion wins when one card meets several.
LEFT, AUXILIARY, EXPIRED_CARD, SUSPEND_OVERDUE, TWO_VALID, NO_VALID, DUPLICATE, UNDER_TRAINED = (
    "left", "auxiliary", "expired", "suspend_overdue", "two_valid", "no_valid", "duplicate", "under_trained")
RULES = {
    LEFT: "已离岗仍持证", AUXILIARY: "辅助人员持证", EXPIRED_CARD: "证件已过期", SUSPEND_OVERDUE: "暂扣期满未处理",
    TWO_VALID: "同时持有两个有效证件", NO_VALID: "执法岗位无有效证件", DUPLICATE: "疑似重复登记",
    UNDER_TRAINED: "培训学时不足",
}
KEEP, RESTORE, SUSPEND, CANCEL, REVOKE, RENEW = "keep", "restore", "suspend", "cancel", "revoke", "renew"
ACTIONS = {KEEP: "继续有效", RESTORE: "恢复", SUSPEND: "暂扣", CANCEL: "注销", REVOKE: "收回", RENEW: "换证"}
LIVE = (APPLIED, VALID, SUSPENDED, EXPIRED)
CLEANUP_NOTE = "年度清理"
BACKUP_REASON = "清理前"


@dataclass(frozen=True)
class Decision:
    """What the clerk decided for one card (or, with no card, for one officer: keep only)."""

    officer_id: int
    cert_id: int | None
    action: str
    reason: str = ""
    until: dt.date | None = None  # end of a 暂扣
    number: str = ""  # 换证: the new card
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None
    issuer: str = ""
    cleanup_reason: str = ""  # why the line was on the list (清理原因)

    @classmethod
    def keep(cls, candidate: Candidate) -> Decision:
        return cls(*candidate.key, KEEP, cleanup_reason=candidate.reason_text)

    @classmethod
    def restore(cls, candidate: Candidate) -> Decision:
        return cls(*candidate.key, RESTORE, cleanup_reason=candidate.reason_text)

    @classmethod
    def suspend(cls, candidate: Candidate, reason: str, until: dt.date | str) -> Decision:
        day = until if isinstance(until, dt.date) else parse_date(until, field="暂扣截止日期")
        return cls(*candidate.key, SUSPEND, reason, until=day, cleanup_reason=candidate.reason_text)

    @classmethod
    def cancel(cls, candidate: Candidate, reason: str) -> Decision:
        return cls(*candidate.key, CANCEL, reason, cleanup_reason=candidate.reason_text)

    @classmethod
    def revoke(cls, candidate: Candidate, reason: str) -> Decision:
        return cls(*candidate.key, REVOKE, reason, cleanup_reason=candidate.reason_text)

    @classmethod
    def renew(cls, candidate: Candidate, number: str, issued_on: dt.date | str, valid_until: dt.date | str,
              issuer: str) -> Decision:
        return cls(*candidate.key, RENEW, number=number,
                   issued_on=issued_on if isinstance(issued_on, dt.date) else parse_date(issued_on, field="发证日期"),
                   valid_until=valid_until if isinstance(valid_until, dt.date)
                   else parse_date(valid_until, field="有效期至"), issuer=issuer, cleanup_reason=candidate.reason_text)

    @property
    def label(self) -> str:
        """处理结果 as the result list shows it."""
        if self.action == SUSPEND:
            return f"暂扣至{format_cn_date(self.until)}（{self.reason}）" if self.until else "暂扣"
        if self.action in (CANCEL, REVOKE):
            return f"{ACTIONS[self.action]}（{self.reason}）"
        if self.action == RENEW:
            return f"换证（新证号 {self.number}）"
        if self.action == KEEP and self.cert_id is None:
            return "不作处理"
        return ACTIONS[self.action]


@dataclass
class Candidate:
    """One line of the 清理 list: an officer and one of their cards (None: no card to act on)."""

    officer: RosterRow
    card: CardStatus | None
    rules: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    suggested: Decision | None = None

    @property
    def key(self) -> tuple[int, int | None]:
        return self.officer.id, self.card.id if self.card else None

    @property
    def reason_text(self) -> str:
        return "；".join(self.reasons)

    @property
    def actions(self) -> tuple[str, ...]:
        """The decisions that make sense for this card's state (the wizard offers only these)."""
        if self.card is None:
            return (KEEP,)
        if self.officer.status != "在职":  # the card has to go; only how is open
            return (CANCEL, REVOKE) if self.card.state in (VALID, SUSPENDED) else (CANCEL,)
        may_renew = not self.officer.auxiliary
        by_state = {VALID: (KEEP, SUSPEND, CANCEL, REVOKE) + ((RENEW,) if may_renew else ()),
                    SUSPENDED: (KEEP, RESTORE, CANCEL, REVOKE),
                    EXPIRED: ((RENEW,) if may_renew else ()) + (CANCEL,),
                    APPLIED: (KEEP, CANCEL)}
        return by_state.get(self.card.state, (KEEP,))


def under_trained(year: int, today: dt.date) -> dict[int, str]:
    """Officers below the yearly training hours (setting annual_training_hours) in `year`: {officer id:
    reason text}, from the training ledger (training/ledger.under_trained: 在职 on the year's last day,
    辅助人员 left out; nothing when no training is recorded for the year). A year not over on `today` is
    measured on the hours so far against the whole year's figure. build_candidates lists them under
    培训学时不足 with the suggestion 继续有效 (the clerk may choose 暂扣, reason 培训学时不足)."""
    from desktop_app.core.training import ledger

    short = ledger.under_trained(year)
    if not short:
        return {}
    start, end = ledger.year_range(year)
    threshold = ledger.threshold_for(start, end)
    so_far = f"（截至 {today:%Y-%m-%d}）" if today < end else ""
    return {oid: f"{year}年度培训 {max(0.0, round(threshold - gap, 2)):g} 学时{so_far}，不足 {threshold:g} 学时"
                 f"（差 {gap:g} 学时）" for oid, gap in short.items()}


class _Builder:
    def __init__(self, rows: list[RosterRow]) -> None:
        self.rows = rows
        self.order = {row.id: index for index, row in enumerate(rows)}
        self.found: dict[tuple[int, int | None], Candidate] = {}
        self.officers: set[int] = set()

    def add(self, row: RosterRow, card: CardStatus | None, rule: str, reason: str,
            suggest: tuple[str, str] | None = None) -> None:
        candidate = self.found.get((row.id, card.id if card else None))
        if candidate is None:
            candidate = self.found[(row.id, card.id if card else None)] = Candidate(row, card)
            self.officers.add(row.id)
        if rule not in candidate.rules:
            candidate.rules.append(rule)
            candidate.reasons.append(reason)
        if candidate.suggested is None:
            action, why = suggest or (KEEP, "")
            candidate.suggested = Decision(row.id, card.id if card else None, action, why)

    def result(self) -> list[Candidate]:
        out = sorted(self.found.values(), key=lambda c: (self.order[c.officer.id], c.card.id if c.card else 0))
        for candidate in out:  # the suggestion carries the final list of reasons
            candidate.suggested = replace(candidate.suggested, cleanup_reason=candidate.reason_text)
        return out


def _card_label(card: CardStatus) -> str:
    return f"证件 {card.number}" if card.number else "申领中的证件"


def _officer_rules(b: _Builder, row: RosterRow, today: dt.date) -> None:
    live = [c for c in row.cards if c.state in LIVE]
    if row.status != "在职":
        for card in live:
            b.add(row, card, LEFT, f"已{row.status}，{_card_label(card)} 未注销",
                  (CANCEL, LEAVING_TO_CANCEL_REASON.get(row.status, "不再从事执法")))
        return
    if row.auxiliary:
        for card in live:
            if card.state != EXPIRED:
                b.add(row, card, AUXILIARY, f"人员类别为“{row.category}”（执法辅助人员），不得持有执法证件",
                      (CANCEL, "不再从事执法"))
    for card in live:
        if card.state == EXPIRED:
            b.add(row, card, EXPIRED_CARD, f"有效期至 {card.valid_until:%Y-%m-%d}，已过期未换证",
                  (CANCEL, "期满未换证"))
        if card.state == SUSPENDED and card.until is not None and card.until < today:
            b.add(row, card, SUSPEND_OVERDUE, f"暂扣至 {card.until:%Y-%m-%d}，期满未恢复、收回或注销", (RESTORE, ""))
    for kind in ("law", "supervision"):
        valid = sorted((c for c in row.cards if c.kind == kind and c.state == VALID),
                       key=lambda c: (c.issued_on or dt.date.min, c.id))
        for older in valid[:-1]:
            b.add(row, older, TWO_VALID, f"另有较新的有效证件 {valid[-1].number}", (CANCEL, "换发新证"))
    has_valid = any(c.kind == "law" and c.state == VALID for c in row.cards)
    if row.on_enforcement_post and not row.auxiliary and not has_valid and row.id not in b.officers:
        card = next((c for c in live if c.kind == "law"), None)
        b.add(row, card, NO_VALID, "在执法岗位但没有有效的行政执法证（持证上岗）")


def _duplicates(b: _Builder) -> None:
    """Same name and birth date in different records: one person registered twice (a mistyped 身份证号)."""
    groups: dict[tuple[str, dt.date], list[RosterRow]] = defaultdict(list)
    for row in b.rows:
        if row.birth_date is not None:
            groups[(row.name, row.birth_date)].append(row)
    for (name, birth), rows in groups.items():
        if len(rows) < 2:
            continue
        for row in rows:
            others = "；".join(f"{o.unit_name} {mask_id_number(o.id_number)}（{o.status}）" for o in rows if o is not row)
            card = next((c for c in row.cards if c.state in LIVE), None)
            b.add(row, card, DUPLICATE, f"疑似重复登记：与 {others} 姓名、出生日期（{birth:%Y-%m-%d}）相同")


def build_candidates(today: dt.date | None = None, year: int | None = None,
                     unit_id: int | None = None) -> list[Candidate]:
    """Every officer × card the rules flag on `today`, in roster order; `year` is the year being cleared
    (training hours), the current working year by default."""
    today = today or dt.date.today()
    year = year or int(get_setting("current_year"))
    rows = load_roster(today)
    if unit_id is not None:
        rows = [r for r in rows if r.unit_id == unit_id]
    b = _Builder(rows)
    for row in rows:
        _officer_rules(b, row, today)
    _duplicates(b)
    by_id = {row.id: row for row in rows}
    for officer_id, reason in under_trained(year, today).items():
        row = by_id.get(officer_id)
        if row is not None and row.status == "在职":
            # on the valid card's line, else on the line of the card another rule already lists (one line
            # per card: an expired card stays one line, suggested 注销)
            law = [c for c in row.cards if c.kind == "law" and c.state in LIVE]
            card = next((c for c in law if c.state == VALID), law[0] if law else None)
            b.add(row, card, UNDER_TRAINED, reason)
    return b.result()


@dataclass(frozen=True)
class CleanupRow:
    unit_name: str
    officer_name: str
    cert_number: str
    reason: str  # 清理原因
    result: str  # 处理结果
    action: str
    on_date: dt.date
    doc_number: str
    decision_reason: str = ""
    until: dt.date | None = None
    has_card: bool = True


@dataclass
class CleanupResult:
    on_date: dt.date
    doc_number: str
    year: int
    rows: list[CleanupRow]
    backup: Path | None

    def count(self, action: str) -> int:
        """Cards given this decision (a 不作处理 line without a card is not a card)."""
        return sum(1 for r in self.rows if r.action == action and r.has_card)

    @property
    def summary(self) -> str:
        parts = [f"{ACTIONS[a]} {self.count(a)} 张" for a in (CANCEL, REVOKE, SUSPEND, RENEW, RESTORE, KEEP)
                 if self.count(a)]
        without = sum(1 for r in self.rows if not r.has_card)
        if without:
            parts.append(f"无证件不作处理 {without} 人")
        return f"共 {len(self.rows)} 项：" + "，".join(parts) if parts else "没有处理任何证件"


def _who(decision: Decision) -> tuple[Officer, Unit, Certificate | None, str]:
    officer = Officer.get_or_none(Officer.id == decision.officer_id)
    if officer is None:
        raise ValidationError(f"找不到编号为 {decision.officer_id} 的执法人员，可能已被删除。")
    unit = Unit.get_by_id(officer.unit_id)
    cert = Certificate.get_or_none(Certificate.id == decision.cert_id) if decision.cert_id else None
    if decision.cert_id and (cert is None or cert.officer_id != officer.id):
        raise ValidationError(f"{officer.name}（{unit.name}）名下没有编号为 {decision.cert_id} 的证件。")
    label = f"{officer.name}（{unit.name}）" + (f"的证件 {cert.number or '（申领中）'}" if cert else "")
    return officer, unit, cert, label


def _apply_one(decision: Decision, cert: Certificate | None, on_date: dt.date, doc_number: str) -> str:
    """Write one decision; returns 处理结果 as the result list shows it."""
    if decision.action not in ACTIONS:
        raise ValidationError(f"处理方式“{decision.action}”无效。")
    if cert is None:
        if decision.action != KEEP:
            raise ValidationError(f"没有证件，不能{ACTIONS[decision.action]}。")
        return decision.label
    note = f"{CLEANUP_NOTE}：{ACTIONS[decision.action]}"
    if decision.action == KEEP:  # 有效: recorded as 年审通过; 暂扣 / 申领中 stay as they are
        state = certs.state_of(cert, on_date).state
        if state == VALID:
            certs.add_event(cert.id, "review_pass", on_date, note, doc_number)
            return decision.label
        if state in (SUSPENDED, APPLIED):
            return f"维持{state}"
        raise ValidationError(f"证件当前为“{state}”，不能“继续有效”"
                              + ("，请选择换证或注销。" if state == EXPIRED else "。"))
    if decision.action == RESTORE:
        certs.add_event(cert.id, "restore", on_date, note, doc_number)
    elif decision.action == SUSPEND:
        certs.add_event(cert.id, "suspend", on_date, decision.reason, doc_number, decision.until)
    elif decision.action in (CANCEL, REVOKE):
        certs.add_event(cert.id, decision.action, on_date, decision.reason, doc_number)
    else:
        data = certs.CertificateInput(kind=cert.kind, number=decision.number, issuer=decision.issuer,
                                      issued_on=decision.issued_on or on_date, valid_until=decision.valid_until,
                                      law_field=cert.law_field, region=cert.region)
        certs.renew(cert.id, data, doc_number)
    return decision.label


def apply_decisions(decisions: list[Decision], on_date: dt.date | str, doc_number: str = "",
                    control: JobControl | None = None, year: int | None = None) -> CleanupResult:
    """Back up (清理前), then write every decision as certificate events in one transaction. A decision the
    certificate rules refuse raises ValidationError naming the officer and the card, and nothing at all is
    applied (cancelling through `control` rolls back the same way)."""
    from desktop_app.core.session import backup_open_database

    control = control or JobControl()
    decisions = list(decisions)
    if not decisions:
        raise ValidationError("没有要处理的清理决定。")
    day = on_date if isinstance(on_date, dt.date) else parse_date(on_date, field="清理日期")
    doc_number = " ".join(str(doc_number or "").split())
    seen: dict[int, Decision] = {}
    for decision in decisions:
        if decision.cert_id is not None and decision.cert_id in seen:
            _, _, _, label = _who(decision)
            raise ValidationError(f"{label}有两条处理决定，请只保留一条。清理未执行。")
        if decision.cert_id is not None:
            seen[decision.cert_id] = decision
    control.progress(0.0, "正在备份数据库")
    backup = backup_open_database(BACKUP_REASON)
    rows: list[CleanupRow] = []
    with db.atomic():
        for index, decision in enumerate(decisions):
            control.progress(0.1 + 0.9 * index / len(decisions), f"正在处理第 {index + 1} 项")
            officer, unit, cert, label = _who(decision)
            try:
                shown = _apply_one(decision, cert, day, doc_number)
            except AppError as exc:
                raise ValidationError(f"{label}：{exc}本次清理未作任何更改，请修改该项后重新执行。") from exc
            rows.append(CleanupRow(unit.name, officer.name, (cert.number or "") if cert else "",
                                   decision.cleanup_reason, shown, decision.action, day, doc_number,
                                   decision.reason, decision.until, cert is not None))
        result = CleanupResult(day, doc_number, year or day.year, rows, backup)
        audit.record("create", "cleanup", None, None, {"清理日期": day, "文号": doc_number, "结果": result.summary},
                     summary=f"年度清理：{result.summary}")
    control.progress(1.0, "清理完成")
    return result


RESULT_HEADERS = ["序号", "单位", "姓名", "证号", "清理原因", "处理结果", "日期", "文号"]
RESULT_WIDTHS = [7, 28, 10, 18, 44, 30, 12, 22]


def write_cleanup_xlsx(result: CleanupResult, path: Path) -> Path:
    """清理结果.xlsx: one line per decision, in the ledger look."""
    bureau = get_setting("bureau_name") or get_setting("county_name")
    title = f"{bureau + ' ' if bureau else ''}{result.year}年度行政执法证件清理结果（{format_cn_date(result.on_date)}）"
    book = xs.new_workbook("清理结果")
    table = xs.LedgerSheet(book, book.active, title, RESULT_HEADERS, RESULT_WIDTHS)
    formats = [table.formats.get(horizontal="center" if i in (0, 2, 6) else None,
                                 number_format=xs.DATE_FORMAT if i == 6 else None) for i in range(8)]
    for index, row in enumerate(result.rows, start=1):
        table.add([index, row.unit_name, row.officer_name, row.cert_number, row.reason, row.result, row.on_date,
                   row.doc_number], formats,
                  xs.row_height([(row.unit_name, RESULT_WIDTHS[1]), (row.reason, RESULT_WIDTHS[4]),
                                 (row.result, RESULT_WIDTHS[5])]))
    table.finish(result.summary)
    return xs.save_workbook(book, Path(path))


LISTED = (CANCEL, REVOKE, SUSPEND)  # the people the 名单 names: they may no longer enforce with that card
DOCX_HEADERS = ["序号", "姓名", "执法证号", "处理", "原因"]
DOCX_WIDTHS_MM = [14, 24, 44, 18, 56]


def write_cleanup_docx(result: CleanupResult, path: Path, title: str | None = None, fonts=None) -> Path:
    """The short 清理结果名单: 注销、收回、暂扣 grouped by unit, as a GB/T 9704 document (docx_style.py);
    `fonts` a docx_style.DocFonts (canonical names by default)."""
    from desktop_app.core.reports.document import OfficialDocument

    doc = OfficialDocument(fonts)
    doc.title(title or f"{result.year}年度行政执法证件清理结果名单")
    listed = [row for row in result.rows if row.action in LISTED]
    counts = "，".join(f"{ACTIONS[a]}{sum(r.action == a for r in listed)}张" for a in LISTED
                      if any(r.action == a for r in listed))
    basis = f"（{result.doc_number}）" if result.doc_number else ""
    if listed:
        doc.paragraph(f"经{result.year}年度行政执法证件清理{basis}，{counts}。上述证件自"
                      f"{format_cn_date(result.on_date)}起不得用于行政执法，名单如下：")
        table = doc.table(DOCX_HEADERS, [], DOCX_WIDTHS_MM, centred=(0, 1, 3))
        by_unit: dict[str, list[CleanupRow]] = defaultdict(list)
        for row in listed:
            by_unit[row.unit_name].append(row)
        number = 0
        for unit_name, rows in by_unit.items():
            table.add("group", [f"{unit_name}（{len(rows)}人）"])
            for row in rows:
                number += 1
                why = row.decision_reason + (f"，暂扣至{format_cn_date(row.until)}" if row.until else "")
                table.add("row", [str(number), row.officer_name, row.cert_number, ACTIONS[row.action], why])
    else:
        doc.paragraph(f"经{result.year}年度行政执法证件清理{basis}，没有需要注销、收回或暂扣的证件。")
    authority = get_setting("issuing_authority") or get_setting("bureau_name")
    doc.signature(authority, result.on_date, sealed=False)  # a list sent out unsealed
    return doc.save(path)
