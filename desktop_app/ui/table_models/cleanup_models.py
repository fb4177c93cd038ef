"""Tables of the 年度清理 wizard: the candidates with the clerk's decision per line, and the result list.

`DecisionModel` holds every line in a Python list; the rule filter and the sort work on that list (never
through QSortFilterProxyModel: a prefecture clears thousands of cards). The decision itself lives on the
line (`DecisionLine`), edited through the wizard's delegates or set for a selection at once.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from desktop_app.core.id_card import mask_id_number
from desktop_app.core.personnel import cleanup as cl
from desktop_app.core.personnel.officers import LEAVING_TO_CANCEL_REASON
from desktop_app.ui.table_models.row_model import Column, RowTableModel, _sort_key

Index = QModelIndex | QPersistentModelIndex
NO_PARENT = QModelIndex()

NEEDS_REASON = (cl.CANCEL, cl.REVOKE, cl.SUSPEND)
SUSPEND_DAYS = 90  # default 暂扣 period, as the certificate dialog offers
ALL_RULES = ""  # filter value: every line
MISSING = "missing"  # filter value: lines whose decision still lacks a reason, a date or a new number

UNIT, NAME, ID_NUMBER, NUMBER, STATE, REASON, ACTION, ACTION_REASON, DETAIL = range(9)
HEADERS = ["单位", "姓名", "身份证号", "证号", "证件状态", "清理原因", "处理决定", "处理原因", "暂扣至 / 新证"]
EDITABLE = (ACTION, ACTION_REASON, DETAIL)

ACTION_COLOURS = {cl.CANCEL: "#b03a2e", cl.REVOKE: "#b03a2e", cl.SUSPEND: "#a04000", cl.RENEW: "#1f5f9f",
                  cl.RESTORE: "#1e8449"}
COUNT_ORDER = (cl.CANCEL, cl.REVOKE, cl.SUSPEND, cl.RENEW, cl.RESTORE, cl.KEEP)


def action_label(action: str, has_card: bool = True) -> str:
    return cl.ACTIONS.get(action, action) if has_card else "不作处理"


def default_reason(candidate: cl.Candidate, action: str) -> str:
    """The reason a line gets when the clerk picks `action` without naming one: the suggestion's own, or
    the one its 清理原因 implies (退休 → 退休, 过期 → 期满未换证 …); '' when nothing follows from the rules."""
    suggested = candidate.suggested
    if suggested is not None and suggested.action == action and suggested.reason:
        return suggested.reason
    if action in (cl.CANCEL, cl.REVOKE):
        if cl.LEFT in candidate.rules:
            return LEAVING_TO_CANCEL_REASON.get(candidate.officer.status, "不再从事执法")
        if cl.AUXILIARY in candidate.rules:
            return "不再从事执法"
        if cl.EXPIRED_CARD in candidate.rules:
            return "期满未换证"
        if cl.TWO_VALID in candidate.rules:
            return "换发新证"
    if action == cl.SUSPEND and cl.UNDER_TRAINED in candidate.rules:
        return "培训学时不足"
    return ""


@dataclass
class DecisionLine:
    """One candidate and what the clerk decided for it so far."""

    candidate: cl.Candidate
    action: str
    masked_id: str
    reason: str = ""
    until: dt.date | None = None
    number: str = ""  # 换证: the new card
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None
    issuer: str = ""

    @classmethod
    def from_candidate(cls, candidate: cl.Candidate) -> DecisionLine:
        suggested = candidate.suggested or cl.Decision.keep(candidate)
        action = suggested.action if suggested.action in candidate.actions else candidate.actions[0]
        line = cls(candidate, action, mask_id_number(candidate.officer.id_number))
        if action in NEEDS_REASON:
            line.reason = suggested.reason or default_reason(candidate, action)
        line.until = suggested.until
        return line

    # ---- what the table shows
    @property
    def officer(self):
        return self.candidate.officer

    @property
    def card(self):
        return self.candidate.card

    @property
    def has_card(self) -> bool:
        return self.candidate.card is not None

    @property
    def card_number(self) -> str:
        card = self.candidate.card
        if card is None:
            return "—"
        return card.number or "（申领中）"

    @property
    def card_state(self) -> str:
        card = self.candidate.card
        return card.state if card is not None else "无证件"

    @property
    def action_text(self) -> str:
        return action_label(self.action, self.has_card)

    @property
    def detail_text(self) -> str:
        if self.action == cl.SUSPEND:
            return f"至 {self.until:%Y-%m-%d}" if self.until else ""
        if self.action == cl.RENEW:
            return f"新证 {self.number}" if self.number else ""  # its dates: the tooltip and the detail line
        return ""

    @property
    def is_suggested(self) -> bool:
        suggested = self.candidate.suggested
        return suggested is None or (suggested.action == self.action
                                     and (self.action not in NEEDS_REASON or suggested.reason == self.reason))

    def missing(self, on_date: dt.date | None = None) -> str:
        """What the decision still lacks, in words ('' when it can be applied)."""
        if self.action in NEEDS_REASON and not self.reason.strip():
            return "请选择处理原因"
        if self.action == cl.SUSPEND:
            if self.until is None:
                return "请填写暂扣截止日期"
            if on_date is not None and self.until <= on_date:
                return "暂扣截止日期应晚于清理日期"
        if self.action == cl.RENEW:
            if not self.number.strip():
                return "请填写新证号"
            if self.valid_until is None:
                return "请填写新证有效期"
        return ""

    def decision(self, on_date: dt.date) -> cl.Decision:
        c = self.candidate
        if self.action == cl.SUSPEND:
            return cl.Decision.suspend(c, self.reason.strip(), self.until)
        if self.action == cl.CANCEL:
            return cl.Decision.cancel(c, self.reason.strip())
        if self.action == cl.REVOKE:
            return cl.Decision.revoke(c, self.reason.strip())
        if self.action == cl.RENEW:
            return cl.Decision.renew(c, self.number.strip(), self.issued_on or on_date, self.valid_until,
                                     self.issuer.strip())
        if self.action == cl.RESTORE:
            return cl.Decision.restore(c)
        return cl.Decision.keep(c)


class DecisionModel(QAbstractTableModel):
    """The candidates with their decisions; a rule filter over the full list, sorting in Python."""

    changed = Signal()  # any decision changed (the counts follow)
    renew_requested = Signal(object)  # list[DecisionLine]: 换证 was chosen, the new card has to be asked for

    missing_brush = QBrush(QColor("#c0392b"))
    missing_back = QBrush(QColor("#fdecea"))

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.lines: list[DecisionLine] = []
        self.visible: list[DecisionLine] = []
        self.rule = ALL_RULES
        self.on_date = dt.date.today()

    # ---- content
    def set_candidates(self, candidates: Iterable[cl.Candidate], on_date: dt.date) -> None:
        self.beginResetModel()
        self.on_date = on_date
        self.lines = [DecisionLine.from_candidate(c) for c in candidates]
        for line in self.lines:
            if line.action == cl.SUSPEND and line.until is None:
                line.until = on_date + dt.timedelta(days=SUSPEND_DAYS)
        self.rule = ALL_RULES
        self.visible = list(self.lines)
        self.endResetModel()
        self.changed.emit()

    def set_rule(self, rule: str) -> None:
        """Show the lines one rule found (ALL_RULES: every line; MISSING: those still incomplete)."""
        self.beginResetModel()
        self.rule = rule
        self.visible = self._filtered()
        self.endResetModel()

    def _filtered(self) -> list[DecisionLine]:
        if self.rule == ALL_RULES:
            return list(self.lines)
        if self.rule == MISSING:
            return [line for line in self.lines if line.missing(self.on_date)]
        return [line for line in self.lines if self.rule in line.candidate.rules]

    def line_at(self, row: int) -> DecisionLine | None:
        return self.visible[row] if 0 <= row < len(self.visible) else None

    def row_at(self, row: int) -> DecisionLine | None:  # the name pages/common.selected_row reads
        return self.line_at(row)

    def row_of(self, line: DecisionLine) -> int:
        for row, shown in enumerate(self.visible):
            if shown is line:
                return row
        return -1

    def rule_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for line in self.lines:
            for rule in line.candidate.rules:
                counts[rule] = counts.get(rule, 0) + 1
        return counts

    def counts(self) -> dict[str, int]:
        """Cards per decision (lines without a card are counted under 'none')."""
        counts: dict[str, int] = {}
        for line in self.lines:
            key = line.action if line.has_card else "none"
            counts[key] = counts.get(key, 0) + 1
        return counts

    def missing_lines(self) -> list[DecisionLine]:
        return [line for line in self.lines if line.missing(self.on_date)]

    def changed_lines(self) -> list[DecisionLine]:
        return [line for line in self.lines if not line.is_suggested]

    def decisions(self) -> list[cl.Decision]:
        return [line.decision(self.on_date) for line in self.lines]

    # ---- changing decisions
    def set_action(self, lines: Iterable[DecisionLine], action: str, reason: str | None = None,
                   until: dt.date | None = None) -> tuple[int, int]:
        """Give `lines` the decision `action` where their card allows it; `reason` None keeps each line's
        own (or the one its 清理原因 implies). Returns (changed, skipped: the card does not allow it)."""
        done = skipped = 0
        for line in lines:
            if action not in line.candidate.actions:
                skipped += 1
                continue
            previous = line.action
            line.action = action
            if action in NEEDS_REASON:
                # a reason given wins; 注销 ⇄ 收回 keep the one chosen (调离, 退休 … fit both)
                keeps = line.reason and (previous == action or {previous, action} <= {cl.CANCEL, cl.REVOKE})
                if reason is not None:
                    line.reason = reason.strip()
                elif not keeps:
                    line.reason = default_reason(line.candidate, action)
            else:
                line.reason = ""
            if action == cl.SUSPEND:
                line.until = until or line.until or self.on_date + dt.timedelta(days=SUSPEND_DAYS)
            else:
                line.until = None
            if action != cl.RENEW:
                line.number, line.issued_on, line.valid_until, line.issuer = "", None, None, ""
            done += 1
        self._refresh()
        return done, skipped

    def set_renewals(self, numbers: Iterable[tuple[DecisionLine, str]], issued_on: dt.date,
                     valid_until: dt.date, issuer: str) -> None:
        """换证 for each (line, new number); a blank number leaves the line to be completed."""
        for line, number in numbers:
            line.action, line.reason, line.until = cl.RENEW, "", None
            line.number, line.issued_on, line.valid_until, line.issuer = (
                number.strip(), issued_on, valid_until, issuer.strip())
        self._refresh()

    def reset_to_suggested(self, lines: Iterable[DecisionLine]) -> int:
        count = 0
        for line in lines:
            fresh = DecisionLine.from_candidate(line.candidate)
            line.action, line.reason, line.until = fresh.action, fresh.reason, fresh.until
            if line.action == cl.SUSPEND and line.until is None:
                line.until = self.on_date + dt.timedelta(days=SUSPEND_DAYS)
            line.number, line.issued_on, line.valid_until, line.issuer = "", None, None, ""
            count += 1
        self._refresh()
        return count

    def _refresh(self) -> None:
        """Repaint every visible line (a selection may be scattered) and tell the counts."""
        if self.visible:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.visible) - 1, len(HEADERS) - 1))
        self.changed.emit()

    # ---- Qt model
    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.visible)

    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole) -> Any:
        if role == Qt.DisplayRole and orientation == Qt.Horizontal and 0 <= section < len(HEADERS):
            return HEADERS[section]
        if role == Qt.DisplayRole and orientation == Qt.Vertical:
            return section + 1
        if role == Qt.ToolTipRole and orientation == Qt.Horizontal and section in EDITABLE:
            return "双击修改"
        return None

    READ_ONLY = Qt.ItemIsEnabled | Qt.ItemIsSelectable

    def flags(self, index: Index) -> Qt.ItemFlags:
        """Called for every cell a selection touches: no base-class call, plain flags for the read-only columns."""
        base = self.READ_ONLY
        column = index.column()
        if column not in EDITABLE:
            return base
        line = self.line_at(index.row())
        if line is None:
            return base
        if column == ACTION and len(line.candidate.actions) > 1:
            return base | Qt.ItemIsEditable
        if column == ACTION_REASON and line.action in NEEDS_REASON:
            return base | Qt.ItemIsEditable
        if column == DETAIL and line.action == cl.SUSPEND:
            return base | Qt.ItemIsEditable
        return base

    def display(self, line: DecisionLine, column: int) -> str:
        if column == UNIT:
            return line.officer.unit_name
        if column == NAME:
            return line.officer.name
        if column == ID_NUMBER:
            return line.masked_id
        if column == NUMBER:
            return line.card_number
        if column == STATE:
            return line.card_state
        if column == REASON:
            return line.candidate.reason_text
        if column == ACTION:
            return line.action_text
        if column == ACTION_REASON:
            if line.action in NEEDS_REASON:
                return line.reason or "（请选择）"
            return ""
        if column == DETAIL:
            text = line.detail_text
            if not text and line.action == cl.RENEW:
                return "（双击填写新证）"
            return text
        return ""

    def data(self, index: Index, role: int = Qt.DisplayRole) -> Any:
        line = self.line_at(index.row()) if index.isValid() else None
        if line is None:
            return None
        column = index.column()
        if role == Qt.DisplayRole:
            return self.display(line, column)
        if role == Qt.EditRole:
            if column == ACTION:
                return line.action
            if column == ACTION_REASON:
                return line.reason
            if column == DETAIL:
                return line.until
            return self.display(line, column)
        missing = line.missing(self.on_date)
        if role == Qt.ForegroundRole:
            if column in (ACTION_REASON, DETAIL) and missing:
                return self.missing_brush
            if column == ACTION and line.action in ACTION_COLOURS:
                return QBrush(QColor(ACTION_COLOURS[line.action]))
            return None
        if role == Qt.BackgroundRole and column in (ACTION_REASON, DETAIL) and missing:
            return self.missing_back
        if role == Qt.FontRole and column == ACTION and not line.is_suggested:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ToolTipRole:
            if column in (ACTION_REASON, DETAIL) and missing:
                return missing + ("（双击填写）" if line.action != cl.RENEW else "（双击“暂扣至 / 新证”填写新证）")
            if column == ACTION:
                suggested = line.candidate.suggested
                hint = f"建议：{action_label(suggested.action, line.has_card)}" if suggested else ""
                if suggested and suggested.reason:
                    hint += f"（{suggested.reason}）"
                return "；".join(t for t in (hint, "可选：" + "、".join(
                    action_label(a, line.has_card) for a in line.candidate.actions)) if t)
            if column == DETAIL and line.action == cl.RENEW and line.number:
                issued = f"换证日期 {line.issued_on or self.on_date:%Y-%m-%d}"
                return f"新证 {line.number}，{issued}，有效期至 {line.valid_until:%Y-%m-%d}，发证机关 {line.issuer or '—'}"
            if column in (UNIT, REASON):
                return self.display(line, column)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.EditRole) -> bool:
        line = self.line_at(index.row()) if index.isValid() else None
        if line is None or role != Qt.EditRole:
            return False
        column = index.column()
        if column == ACTION:
            if value not in line.candidate.actions:
                return False
            if value == cl.RENEW:  # the new card is asked for first; nothing changes until it is given
                self.renew_requested.emit([line])
                return True
            if value != line.action:
                self.set_action([line], value)
            return True
        if column == ACTION_REASON and line.action in NEEDS_REASON:
            line.reason = str(value or "").strip()
        elif column == DETAIL and line.action == cl.SUSPEND and isinstance(value, dt.date):
            line.until = value
        else:
            return False
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(HEADERS) - 1))
        self.changed.emit()
        return True

    def sort(self, column: int, order: Qt.SortOrder = Qt.AscendingOrder) -> None:
        if not 0 <= column < len(HEADERS):
            return
        self.layoutAboutToBeChanged.emit()
        self.lines.sort(key=lambda line: _sort_key(self.display(line, column)),
                        reverse=order == Qt.DescendingOrder)
        self.visible = self._filtered()
        self.layoutChanged.emit()


def result_model(parent=None) -> RowTableModel:
    """The 完成 step's list: what was written for each line (core CleanupRow)."""
    return RowTableModel([
        Column("单位", lambda r: r.unit_name, tooltip=lambda r: r.unit_name),
        Column("姓名", lambda r: r.officer_name),
        Column("证号", lambda r: r.cert_number or "—"),
        Column("处理结果", lambda r: r.result, tooltip=lambda r: r.result),
        Column("清理原因", lambda r: r.reason, tooltip=lambda r: r.reason),
    ], parent)


def plan_model(parent=None) -> RowTableModel:
    """The 确认 step's list: the lines that change a card (继续有效 and 不作处理 left out)."""
    return RowTableModel([
        Column("单位", lambda l: l.officer.unit_name, tooltip=lambda l: l.officer.unit_name),
        Column("姓名", lambda l: l.officer.name),
        Column("证号", lambda l: l.card_number),
        Column("处理决定", lambda l: l.action_text),
        Column("处理原因 / 新证", lambda l: l.reason if l.action in NEEDS_REASON and l.action != cl.SUSPEND
               else (f"{l.reason}，暂扣{l.detail_text}" if l.action == cl.SUSPEND else l.detail_text)),
    ], parent)
