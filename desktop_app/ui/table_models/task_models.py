"""Table models of the 任务清单 page and its dialogs (task list by section, assignments, history, import)."""
from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop_app.core import obligations as ob
from desktop_app.core.models import DEADLINE_KINDS
from desktop_app.core.task_board import AssignmentRow, TaskRow
from desktop_app.ui.table_models.row_model import Column, Index, RowTableModel

CENTER = Qt.AlignCenter
BRUSHES = {label: QBrush(QColor(colour)) for label, colour in ob.COLOURS.items()}
RED = QBrush(QColor(ob.COLOURS[ob.OVERDUE]))


def one_line(text: str) -> str:
    return " ".join((text or "").split())


def wrapped_tooltip(text: str) -> str:
    """Rich text, so Qt wraps a long task instead of showing one endless line."""
    return f"<p>{html.escape(text or '')}</p>" if text else ""


def section_label(number: str, title: str) -> str:
    number = (number or "").strip()
    if not number or title.startswith((number, f"（{number}）")):
        return title
    return (number if number[0] in "（(" else f"（{number}）") + title


def deadline_result(deadline: Any) -> str:
    """解析结果 of one parsed deadline: its kind in Chinese and what it is due on."""
    label = DEADLINE_KINDS.get(deadline.kind, deadline.kind)
    if deadline.kind == "annual" and deadline.month:
        return f"每年 {deadline.month} 月{f' {deadline.day} 日' if deadline.day else '底'}前"
    if deadline.due:
        return f"{label}：{deadline.due:%Y-%m-%d}"
    return label


@dataclass
class SectionHeader:
    text: str
    tasks: int
    overdue: int


class TaskListModel(RowTableModel[TaskRow | SectionHeader]):
    """Tasks grouped by section: header rows (spanned by the view) followed by their task rows."""

    STATUS, COUNTS = 3, (4, 5, 6)
    header_brush = QBrush(QColor("#eef2f7"))

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("序号", lambda r: r.number, CENTER),
            Column("任务", lambda r: one_line(r.content), tooltip=lambda r: wrapped_tooltip(r.content)),
            Column("时限", lambda r: r.deadline_text or "—", tooltip=lambda r: r.deadline_text),
            Column("状态", lambda r: r.worst, CENTER),
            Column("逾期", lambda r: r.counts.get(ob.OVERDUE) or "", CENTER),
            Column("临期", lambda r: r.counts.get(ob.SOON) or "", CENTER),
            Column("未报告", lambda r: r.counts.get(ob.UNREPORTED) or "", CENTER),
        ], parent)
        self.bold = QFont()
        self.bold.setBold(True)

    def set_tasks(self, tasks: Sequence[TaskRow], section_names: dict[tuple[int, str], str]) -> None:
        """`section_names`: (plan id, section title) → the header text without its counts."""
        groups: dict[tuple[int, str], list[TaskRow]] = {}
        for task in tasks:
            groups.setdefault((task.plan_id, task.section), []).append(task)
        rows: list[TaskRow | SectionHeader] = []
        for key, members in groups.items():
            overdue = sum(1 for t in members if t.worst == ob.OVERDUE)
            name = section_names.get(key) or key[1] or "未分部分的任务"
            rows.append(SectionHeader(f"{name} — {len(members)} 项，逾期 {overdue}", len(members), overdue))
            rows.extend(members)
        self.set_rows(rows)

    def is_header(self, row: int) -> bool:
        return isinstance(self.row_at(row), SectionHeader)

    def task_at(self, row: int) -> TaskRow | None:
        found = self.row_at(row)
        return found if isinstance(found, TaskRow) else None

    def row_of_task(self, task_id: int) -> int:
        return next((i for i, r in enumerate(self.rows) if isinstance(r, TaskRow) and r.id == task_id), -1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.NoItemFlags
        if self.is_header(index.row()):
            return Qt.ItemIsEnabled  # a header is not a task: it cannot be selected
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if isinstance(row, SectionHeader):
            if role in (Qt.DisplayRole, Qt.ToolTipRole):
                return row.text if index.column() == 0 else ""
            if role == Qt.FontRole:
                return self.bold
            if role == Qt.BackgroundRole:
                return self.header_brush
            return None
        if role == Qt.ForegroundRole:
            if index.column() == self.STATUS:
                return BRUSHES.get(row.worst)
            if index.column() in self.COUNTS:
                return BRUSHES[(ob.OVERDUE, ob.SOON, ob.UNREPORTED)[self.COUNTS.index(index.column())]]
        if role == Qt.FontRole and index.column() == self.STATUS:
            return self.bold
        return super().data(index, role)


def _status_data(model: RowTableModel, index: Index, role: int, status_column: int) -> Any:
    row = model.row_at(index.row()) if index.isValid() else None
    if row is not None and index.column() == status_column and role == Qt.ForegroundRole:
        return BRUSHES.get(row.status.label)
    return RowTableModel.data(model, index, role)


class AssignmentModel(RowTableModel[AssignmentRow]):
    """One row per unit of a task (or, with `with_task`, everything one unit owes)."""

    def __init__(self, parent=None, with_task: bool = False) -> None:
        task_columns = [
            Column("序号", lambda r: r.number, CENTER),
            Column("任务", lambda r: one_line(r.content), tooltip=lambda r: wrapped_tooltip(r.content)),
            Column("时限", lambda r: r.deadline_text or "—", tooltip=lambda r: r.deadline_text),
        ] if with_task else []
        unit_columns = [] if with_task else [Column("单位", lambda r: r.unit_name)]
        super().__init__([
            *task_columns,
            *unit_columns,
            Column("角色", lambda r: r.role, CENTER),
            Column("状态", lambda r: r.status.label, CENTER),
            Column("说明", lambda r: r.status.detail, tooltip=lambda r: r.status.detail),
            Column("最近进展", lambda r: one_line(r.last_report), tooltip=lambda r: wrapped_tooltip(r.last_report)),
            Column("日期", lambda r: r.last_date.isoformat() if r.last_date else "", CENTER),
        ], parent)
        self.status_column = next(i for i, c in enumerate(self.columns) if c.header == "状态")

    def row_of(self, assignment_id: int) -> int:
        return next((i for i, r in enumerate(self.rows) if r.id == assignment_id), -1)

    def data(self, index: Index, role: int = Qt.DisplayRole) -> Any:
        return _status_data(self, index, role, self.status_column)


def file_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} KB" if size else "0 KB"


@dataclass
class HistoryEntry:
    report: Any  # models.Progress
    files: list  # its models.Evidence rows


class HistoryModel(RowTableModel[HistoryEntry]):
    """Progress reports of one assignment, newest first (core `progress.history`)."""

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("日期", lambda h: h.report.on_date.isoformat(), CENTER),
            Column("期间", lambda h: h.report.period or "—", CENTER),
            Column("状态", lambda h: h.report.state, CENTER),
            Column("情况说明", lambda h: one_line(h.report.text), tooltip=lambda h: wrapped_tooltip(h.report.text)),
            Column("证明材料", lambda h: len(h.files) or "", CENTER),
            Column("填报人", lambda h: h.report.entered_by),
            Column("录入时间", lambda h: str(h.report.entered_at or "")[:16], CENTER),
        ], parent)


class EvidenceModel(RowTableModel[tuple]):
    """Evidence files of an assignment's reports: (report, evidence) pairs."""

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("文件", lambda r: r[1].file_name, tooltip=lambda r: r[1].file_name),
            Column("大小", lambda r: file_size(r[1].size), Qt.AlignRight | Qt.AlignVCenter),
            Column("所属进展", lambda r: f"{r[0].on_date:%Y-%m-%d} {r[0].state}"),
        ], parent)


class FileListModel(RowTableModel[Path]):
    """Files chosen in the progress dialog, not yet stored."""

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("文件", lambda p: p.name, tooltip=lambda p: str(p)),
            Column("大小", lambda p: file_size(p.stat().st_size) if p.is_file() else "文件不存在",
                   Qt.AlignRight | Qt.AlignVCenter),
        ], parent)


class ParsedTaskModel(RowTableModel):
    """The tasks a document yields, as the import will store them."""

    def __init__(self, parent=None) -> None:
        join = "、".join
        super().__init__([
            Column("序号", lambda t: t.number, CENTER),
            Column("部分", lambda t: t.section, tooltip=lambda t: t.section),
            Column("任务", lambda t: one_line(t.content), tooltip=lambda t: wrapped_tooltip(t.content)),
            Column("牵头", lambda t: join(t.lead_units), tooltip=lambda t: join(t.lead_units)),
            Column("责任", lambda t: join(t.responsible_units), tooltip=lambda t: join(t.responsible_units)),
            Column("配合", lambda t: join(t.cooperating_units), tooltip=lambda t: join(t.cooperating_units)),
            Column("时限", lambda t: t.deadline.text or "—", tooltip=lambda t: t.deadline.text),
            Column("解析结果", lambda t: deadline_result(t.deadline)),
        ], parent)


class NameChoiceModel(RowTableModel):
    """Unit names as the document writes them and what each will be stored as; unsettled ones in red."""

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("文中写法", lambda c: c.written),
            Column("对应结果", lambda c: c.describe(), tooltip=lambda c: c.describe()),
            Column("涉及任务", lambda c: "、".join(c.tasks), tooltip=lambda c: "、".join(c.tasks)),
        ], parent)

    def data(self, index: Index, role: int = Qt.DisplayRole) -> Any:
        choice = self.row_at(index.row()) if index.isValid() else None
        if role == Qt.ForegroundRole and choice is not None and not choice.settled:
            return RED
        return super().data(index, role)

    def changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))


class WarningModel(RowTableModel[tuple]):
    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("任务", lambda w: w[0] or "—", CENTER),
            Column("提示", lambda w: w[1], tooltip=lambda w: w[1]),
        ], parent)

