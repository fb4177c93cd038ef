"""The 培训学时 page's tables: sessions, one session's attendees (hours and result editable), every officer's
hours in the period, the unit summary and one unit's officers short.

Each model holds its rows (plain objects from core/training/queries.py) and works out a
cell's text and colour when it is painted. Sorting is a key sort on the Python list followed by
layoutChanged, never a proxy model (shared/tech.md §5d): the officer list has 20,000 rows in a prefecture.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from desktop_app.core.models import POLITICAL_CATEGORY, TRAINING_CATEGORIES
from desktop_app.core.training.ledger import Member, UnitTraining
from desktop_app.core.training.queries import AttendeeRow, OfficerLedgerRow, SessionRow
from desktop_app.ui.table_models.personnel_models import GREEN, GREY, ORANGE, RED, brush, name_collator
from desktop_app.ui.table_models.row_model import Index

NO_PARENT = QModelIndex()
LEFT = int(Qt.AlignLeft | Qt.AlignVCenter)
RIGHT = int(Qt.AlignRight | Qt.AlignVCenter)
CENTER = int(Qt.AlignCenter)
COUNTED = tuple(c for c in TRAINING_CATEGORIES if c != POLITICAL_CATEGORY)
SHORT_CATEGORY = {"公共法律知识": "公共法律", "业务知识": "业务知识", "行政执法技能": "执法技能"}
TWO_LINES = {"公共法律知识": "公共\n法律", "业务知识": "业务\n知识", "行政执法技能": "执法\n技能"}


def hours_text(value: float) -> str:
    return f"{value:g}"


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def date_span(first, last) -> str:
    if first == last:
        return first.isoformat()
    if first.year == last.year:
        return f"{first.isoformat()}～{last:%m-%d}"
    return f"{first.isoformat()}～{last.isoformat()}"


def reach_colour(rate: float, officers: int) -> str | None:
    """达标率 below 100% orange, below 60% red."""
    if not officers:
        return None
    return RED if rate < 0.6 else ORANGE if rate < 1 else GREEN


class ListModel(QAbstractTableModel):
    """Read-only rows with `load` (all rows) and `show` (a filtered subset), sorted in Python.
    Subclasses say each cell's text, raw value (for sorting), colour, alignment and tooltip."""

    HEADERS: ClassVar[tuple[str, ...]] = ()
    ALIGN: ClassVar[dict[int, int]] = {}
    TOOLTIPS: ClassVar[dict[int, str]] = {}
    DESCENDING_FIRST: ClassVar[frozenset[int]] = frozenset()  # a first click shows the largest first

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._all: list = []
        self._shown: list = []
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._collator = name_collator()
        self._text_keys: dict[str, Any] = {}

    # ---- content
    def load(self, rows: Sequence) -> None:
        self._all = list(rows)
        self.show(self._all)

    def show(self, rows: Sequence) -> None:
        self.beginResetModel()
        self._shown = list(rows)
        if self._sort is not None:
            self._sort_list(*self._sort)
        self.endResetModel()

    def all_rows(self) -> list:
        return self._all

    def rows(self) -> list:
        return self._shown

    def row_at(self, row: int):
        return self._shown[row] if 0 <= row < len(self._shown) else None

    def key(self, row) -> Any:
        return row.id

    def row_of(self, key: Any) -> int:
        for n, row in enumerate(self._shown):
            if self.key(row) == key:
                return n
        return -1

    # ---- what subclasses say: `value(row, column)`, a cell's raw value (shown, and the sort key), which
    # every model defines; the rest have defaults
    def text(self, row, column: int) -> str:
        value = self.value(row, column)
        if isinstance(value, float):
            return hours_text(value)
        return "" if value is None else str(value)

    def colour(self, row, column: int) -> str | None:
        return None

    def tooltip(self, row, column: int) -> str | None:
        return None

    # ---- Qt model interface
    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._shown):
            return None
        row, column = self._shown[index.row()], index.column()
        if role in (Qt.DisplayRole, Qt.EditRole):
            return self.text(row, column)
        if role == Qt.ForegroundRole:
            colour = self.colour(row, column)
            return brush(colour) if colour else None
        if role == Qt.TextAlignmentRole:
            return self.ALIGN.get(column, LEFT)
        if role == Qt.ToolTipRole:
            return self.tooltip(row, column)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole) -> Any:
        if orientation != Qt.Horizontal or not 0 <= section < len(self.HEADERS):
            return section + 1 if role == Qt.DisplayRole and orientation == Qt.Vertical else None
        if role == Qt.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ToolTipRole:
            return self.TOOLTIPS.get(section)
        if role == Qt.InitialSortOrderRole:
            return Qt.DescendingOrder if section in self.DESCENDING_FIRST else Qt.AscendingOrder
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.AscendingOrder) -> None:
        if not 0 <= column < len(self.HEADERS):
            return
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        kept = [self._shown[i.row()] if i.row() < len(self._shown) else None for i in before]
        self._sort = (column, order)
        self._sort_list(column, order)
        if before:  # the selection and the current row follow their rows
            where = {id(row): n for n, row in enumerate(self._shown)}
            after = [self.index(where[id(r)], i.column()) if r is not None else QModelIndex()
                     for r, i in zip(kept, before)]
            self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def _sort_list(self, column: int, order: Qt.SortOrder) -> None:
        def key(row) -> tuple:
            value = self.value(row, column)
            if value is None or value == "":
                return (1, 0)
            if isinstance(value, (bool, int, float)):
                return (0, value)
            if isinstance(value, dt.date):
                return (0, value.toordinal())
            text = str(value)
            found = self._text_keys.get(text)
            if found is None:
                found = self._text_keys[text] = self._collator.sortKey(text)  # 拼音 order
            return (0, found)

        self._shown.sort(key=key, reverse=order == Qt.DescendingOrder)


# ---- 培训班次
class SessionTableModel(ListModel):
    HEADERS = ("培训名称", "组织单位", "形式", "类别", "日期", "学时", "参训人数", "标记")
    NAME, ORGANISER, FORM, CATEGORY, DATES, HOURS, ATTENDEES, MARKS = range(len(HEADERS))
    ALIGN: ClassVar[dict[int, int]] = {DATES: CENTER, HOURS: RIGHT, ATTENDEES: RIGHT, FORM: CENTER}
    DESCENDING_FIRST = frozenset({DATES, HOURS, ATTENDEES})
    TOOLTIPS: ClassVar[dict[int, str]] = {HOURS: "每人默认学时；个人学时可在右侧名单中逐人修改", MARKS: "轮训：计入全员轮训；心理：心理健康活动",
                DATES: "按结束日期计入统计区间"}

    def value(self, row: SessionRow, column: int) -> Any:
        if column == self.NAME:
            return row.name
        if column == self.ORGANISER:
            return row.organiser_unit if row.organiser == "本单位" and row.organiser_unit else row.organiser
        if column == self.FORM:
            return row.form
        if column == self.CATEGORY:
            return row.category
        if column == self.DATES:
            return row.start_date
        if column == self.HOURS:
            return row.default_hours
        if column == self.ATTENDEES:
            return row.attendees
        return "、".join(m for m, on in (("轮训", row.is_rotation), ("心理", row.is_mental_health)) if on)

    def text(self, row: SessionRow, column: int) -> str:
        if column == self.DATES:
            return date_span(row.start_date, row.end_date)
        return super().text(row, column)

    def colour(self, row: SessionRow, column: int) -> str | None:
        if column == self.CATEGORY and row.category == POLITICAL_CATEGORY:
            return GREY
        if column == self.ATTENDEES and not row.attendees:
            return ORANGE
        return None

    def tooltip(self, row: SessionRow, column: int) -> str | None:
        unit = f"（{row.organiser_unit}）" if row.organiser_unit else ""
        lines = [row.name, f"组织单位：{row.organiser}{unit}"]
        if row.category == POLITICAL_CATEGORY:
            lines.append("政治理论学时单独记录，不计入每年培训学时。")
        if row.from_platform:
            lines.append("来自学习平台导入。")
        if row.note:
            lines.append(f"备注：{row.note}")
        return "\n".join(lines)


# ---- one session's attendees
class AttendeeTableModel(ListModel):
    """学时 and 考核结果 are edited in place; `commit(row, hours, result)` saves (through the core's
    set_attendance) and returns whether it did — the row changes only then."""

    HEADERS = ("单位", "姓名", "学时", "考核结果")
    UNIT, NAME, HOURS, RESULT = range(len(HEADERS))
    ALIGN: ClassVar[dict[int, int]] = {HOURS: RIGHT, RESULT: CENTER}
    TOOLTIPS: ClassVar[dict[int, str]] = {HOURS: "双击修改此人的学时（如中途离开）", RESULT: "双击选择考核结果"}
    EDITABLE = (HOURS, RESULT)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.commit: Callable[[AttendeeRow, float, str], bool] | None = None

    def key(self, row: AttendeeRow) -> int:
        return row.officer_id

    def value(self, row: AttendeeRow, column: int) -> Any:
        return (row.unit_name, row.name, row.hours, row.result)[column]

    def colour(self, row: AttendeeRow, column: int) -> str | None:
        if row.status != "在职":
            return GREY
        if column == self.RESULT and row.result == "不合格":
            return RED
        return None

    def tooltip(self, row: AttendeeRow, column: int) -> str | None:
        parts = [] if row.status == "在职" else [f"已{row.status}"]
        if row.note:
            parts.append(f"备注：{row.note}")
        return "；".join(parts) or None

    def flags(self, index: Index) -> Qt.ItemFlags:
        base = super().flags(index)
        if index.isValid() and index.column() in self.EDITABLE and self.commit is not None:
            return base | Qt.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.EditRole) -> bool:
        row = self.row_at(index.row())
        if role != Qt.EditRole or row is None or index.column() not in self.EDITABLE or self.commit is None:
            return False
        hours, result = row.hours, row.result
        if index.column() == self.HOURS:
            hours = value
        else:
            result = "" if value is None else str(value)
        if hours == row.hours and result == row.result:
            return False
        if not self.commit(row, hours, result):
            return False
        row.hours, row.result = round(float(hours), 2), result
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(self.HEADERS) - 1))
        return True


# ---- 人员学时
class OfficerHoursModel(ListModel):
    HEADERS = ("姓名", "单位", "计入\n学时", *(TWO_LINES[c] for c in COUNTED), "政治理论\n(不计入)", "参训\n次数",
               "轮训", "缺口")
    NAME, UNIT, COUNTABLE = 0, 1, 2
    POLITICAL = 3 + len(COUNTED)
    SESSIONS, ROTATION, SHORTFALL = POLITICAL + 1, POLITICAL + 2, POLITICAL + 3
    ALIGN: ClassVar[dict[int, int]] = {**{c: RIGHT for c in range(2, POLITICAL + 2)}, ROTATION: CENTER,
                                       SHORTFALL: RIGHT}
    TOOLTIPS: ClassVar[dict[int, str]] = {COUNTABLE: "公共法律知识、业务知识和行政执法技能学时之和",
                                          **{3 + n: c for n, c in enumerate(COUNTED)},
                POLITICAL: "政治理论/党性教育学时单独记录，不计入每年学时",
                ROTATION: "在全员轮训截止日期前参加过轮训班", SHORTFALL: "距本区间应达学时还差多少"}
    DESCENDING_FIRST = frozenset({SHORTFALL, SESSIONS})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.unit_order: dict[int, int] = {}

    def load(self, rows: Sequence[OfficerLedgerRow]) -> None:
        self.unit_order = {}
        for row in rows:  # the population comes in the units' own order
            self.unit_order.setdefault(row.unit_id, len(self.unit_order))
        super().load(rows)

    def value(self, row: OfficerLedgerRow, column: int) -> Any:
        if column == self.NAME:
            return row.name
        if column == self.UNIT:
            return self.unit_order.get(row.unit_id, 0)
        if column == self.COUNTABLE:
            return row.countable
        if 3 <= column < self.POLITICAL:
            return row.by_category.get(COUNTED[column - 3], 0.0)
        if column == self.POLITICAL:
            return row.political
        if column == self.SESSIONS:
            return row.sessions
        if column == self.ROTATION:
            return row.rotation
        return row.shortfall

    def text(self, row: OfficerLedgerRow, column: int) -> str:
        if column == self.UNIT:
            return row.unit_name
        if column == self.ROTATION:
            return "已轮训" if row.rotation else "未轮训"
        if column == self.SHORTFALL:
            return hours_text(row.shortfall) if row.shortfall > 0 else "达标"
        return super().text(row, column)

    def colour(self, row: OfficerLedgerRow, column: int) -> str | None:
        if column in (self.SHORTFALL, self.COUNTABLE):
            return RED if row.shortfall > 0 else GREEN
        if column == self.ROTATION and not row.rotation:
            return ORANGE
        if column == self.POLITICAL:
            return GREY
        return None


# ---- 单位汇总
class UnitSummaryModel(ListModel):
    HEADERS = ("单位", "执法人员", "轮训人数", "轮训率", "人均学时", "达标人数", "达标率", "未达标", "心理健康活动")
    UNIT, OFFICERS, ROTATED, ROTATION_RATE, AVERAGE, REACHING, REACH_RATE, SHORT, MENTAL = range(len(HEADERS))
    ALIGN: ClassVar[dict[int, int]] = {c: RIGHT for c in range(1, len(HEADERS))}
    TOOLTIPS: ClassVar[dict[int, str]] = {REACH_RATE: "达标率低于 100% 标橙色，低于 60% 标红色",
                MENTAL: "本单位组织或本单位人员参加的心理健康活动次数；没有则标红",
                ROTATED: "在全员轮训截止日期前参加过轮训班的人数"}
    DESCENDING_FIRST = frozenset({OFFICERS, SHORT})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.order: dict[int, int] = {}

    def key(self, row: UnitTraining) -> int:
        return row.unit_id

    def load(self, rows: Sequence[UnitTraining]) -> None:
        self.order = {row.unit_id: n for n, row in enumerate(rows)}
        super().load(rows)

    def value(self, row: UnitTraining, column: int) -> Any:
        return (self.order.get(row.unit_id, 0), row.officers, row.rotated, row.rotation_rate,
                row.average_hours, row.reaching, row.reach_rate, len(row.short),
                row.mental_health_sessions)[column]

    def text(self, row: UnitTraining, column: int) -> str:
        if column == self.UNIT:
            return row.unit_name
        if column in (self.ROTATION_RATE, self.REACH_RATE):
            return percent(self.value(row, column))
        if column == self.AVERAGE:
            return f"{row.average_hours:.1f}"
        if column == self.MENTAL:
            return f"{row.mental_health_sessions} 次" if row.mental_health_sessions else "无"
        return super().text(row, column)

    def colour(self, row: UnitTraining, column: int) -> str | None:
        if column in (self.REACH_RATE, self.REACHING):
            return reach_colour(row.reach_rate, row.officers)
        if column == self.SHORT and row.short:
            return reach_colour(row.reach_rate, row.officers)
        if column == self.MENTAL and not row.mental_health_sessions:
            return RED
        if column == self.ROTATION_RATE and row.officers and row.rotated < row.officers:
            return ORANGE
        return None


class ShortListModel(ListModel):
    """One unit's officers below the period's hours, largest shortfall first."""

    HEADERS = ("姓名", "计入学时", "缺口")
    ALIGN: ClassVar[dict[int, int]] = {1: RIGHT, 2: RIGHT}
    DESCENDING_FIRST = frozenset({2})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.threshold = 0.0

    def key(self, row: tuple[Member, float]) -> int:
        return row[0].id

    def value(self, row: tuple[Member, float], column: int) -> Any:
        member, shortfall = row
        return (member.name, round(self.threshold - shortfall, 2), shortfall)[column]

    def colour(self, row: tuple[Member, float], column: int) -> str | None:
        return RED if column == 2 else None
