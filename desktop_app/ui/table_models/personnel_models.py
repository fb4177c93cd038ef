"""The 执法人员 list: a table model over RosterRow lists, built for 20,000 rows.

Each officer gets one light entry when the roster is loaded (`load`); its cells' texts, colours and tooltip
are worked out the first time they are painted or sorted and then kept, a filter only chooses which
entries are shown (`show`), and `data()` reads a tuple. Sorting is a
Python key sort on the shown list followed by layoutChanged, never a proxy model (shared/tech.md §5d).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCollator, QLocale, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.core.gc_pause import building_rows
from desktop_app.core.personnel import certificates as cert
from desktop_app.core.personnel.alerts import EXPIRED_CARD, EXPIRING
from desktop_app.core.personnel.roster import RosterRow, alert_counts
from desktop_app.ui.table_models.row_model import Index

# What a clerk scans for comes first, so it stays in view beside the detail pane on a 1366-pixel screen.
HEADERS = ("姓名", "单位", "证号", "证件状态", "有效期至", "预警", "人员类别", "执法领域", "性别", "在职状态")
NAME, UNIT, NUMBER, STATE, VALID_UNTIL, ALERTS, CATEGORY, LAW_FIELD, GENDER, STATUS = range(len(HEADERS))
CENTERED = {GENDER, STATE, VALID_UNTIL, STATUS}

RED, ORANGE, GREEN, BLUE, GREY = "#c0392b", "#b9770e", "#1e8449", "#2e5c8a", "#8a8a8a"
STATE_COLOURS = {cert.VALID: GREEN, cert.SUSPENDED: ORANGE, cert.EXPIRED: RED, cert.APPLIED: BLUE,
                 cert.REVOKED: RED, cert.CANCELLED: GREY, cert.RENEWED: GREY, cert.NONE: GREY}
STATE_ORDER = {state: n for n, state in enumerate(
    (cert.VALID, cert.SUSPENDED, cert.EXPIRED, cert.APPLIED, cert.REVOKED, cert.CANCELLED, cert.RENEWED, cert.NONE))}
_BRUSHES: dict[str, QBrush] = {}
NO_PARENT = QModelIndex()


def brush(colour: str) -> QBrush:
    if colour not in _BRUSHES:
        _BRUSHES[colour] = QBrush(QColor(colour))
    return _BRUSHES[colour]


def state_colour(state: str) -> str:
    return STATE_COLOURS.get(state, GREY)


def alert_colour(row: RosterRow) -> str | None:
    if not row.alerts:
        return None
    return RED if any(a.danger for a in row.alerts) else ORANGE


def alert_labels(row: RosterRow) -> str:
    return "；".join(dict.fromkeys(a.label for a in row.alerts))


def name_collator() -> QCollator:
    """Chinese names in 拼音 order, as a printed 名册 is."""
    collator = QCollator(QLocale(QLocale.Chinese, QLocale.China))
    collator.setNumericMode(True)
    return collator


class Entry:
    """One officer's cells: texts, foreground colours, tooltip and sort keys, worked out the first time
    the row is painted or sorted — opening 20,000 officers then costs a few ms, not ~0.1 s."""

    __slots__ = ("_colours", "_texts", "_tooltip", "name_key", "order", "row")

    def __init__(self, row: RosterRow, order: int) -> None:
        self.row = row
        self.order = order  # position in the roster's own order (unit, 在职 first, name)
        self.name_key: Any = None  # the 拼音 collation key, set by the model before a sort by name
        self._texts: tuple | None = None

    def _fill(self) -> None:
        row = self.row
        until = row.valid_until
        state = row.cert_state
        self._texts = (row.name, row.unit_name, row.cert_number, state, until.isoformat() if until else "",
                       alert_labels(row), row.category, row.law_field, row.gender, row.status)
        codes = {a.code for a in row.alerts}
        until_colour = RED if EXPIRED_CARD in codes else ORANGE if EXPIRING in codes else None
        muted = GREY if row.status != "在职" else None
        self._colours = (muted, muted, muted, state_colour(state), until_colour or muted, alert_colour(row),
                         muted, muted, muted, muted)
        self._tooltip = "\n".join(f"{'⚠' if a.danger else '•'} {a.message}" for a in row.alerts)

    @property
    def texts(self) -> tuple:
        if self._texts is None:
            self._fill()
        return self._texts

    @property
    def colours(self) -> tuple:
        if self._texts is None:
            self._fill()
        return self._colours

    @property
    def tooltip(self) -> str:
        if self._texts is None:
            self._fill()
        return self._tooltip


SORT_KEYS = {
    NAME: lambda e: e.name_key,
    UNIT: lambda e: e.order,
    NUMBER: lambda e: (e.texts[NUMBER] == "", e.texts[NUMBER]),  # ASCII: no collation needed
    STATE: lambda e: (STATE_ORDER.get(e.texts[STATE], 99), e.order),
    VALID_UNTIL: lambda e: (e.row.valid_until is None, e.row.valid_until or dt.date.max, e.order),
    ALERTS: lambda e: (0 if e.colours[ALERTS] == RED else 1 if e.row.alerts else 2, e.texts[ALERTS], e.order),
}


@dataclass
class Prepared:
    """Rows with their cells prepared, and what the filter bar lists about them (units, categories, officers
    per warning); built off the GUI thread for a large roster (pure Python)."""

    rows: list[RosterRow]
    entries: dict[int, Entry]
    units: set[tuple[str, int]] = field(default_factory=set)  # (name, id) of every unit with officers
    categories: set[str] = field(default_factory=set)
    alert_counts: dict[str, int] = field(default_factory=dict)  # officers per warning code
    warned: int = 0  # officers with any warning


def prepare(rows: Sequence[RosterRow]) -> Prepared:
    """One light entry per officer (cells are worked out when first needed); safe on a worker thread."""
    with building_rows():  # thousands of new long-lived objects: no collections while they are built
        rows = list(rows)
        return Prepared(rows, {row.id: Entry(row, n) for n, row in enumerate(rows)},
                        {(r.unit_name, r.unit_id) for r in rows}, {r.category for r in rows if r.category},
                        alert_counts(rows), sum(1 for r in rows if r.alerts))


class PersonnelTableModel(QAbstractTableModel):
    """Read-only; `load` prepares every officer, `show` picks the rows a filter lets through."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._entries: dict[int, Entry] = {}
        self._shown: list[Entry] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._collator = name_collator()

    # ---- content
    def load(self, rows: Sequence[RosterRow] | Prepared, show: bool = True) -> None:
        """Take the roster (prepared already, or prepared here) and show all of it; `show=False`: the caller
        shows a filtered part next (`show`), so the view is reset once, not twice."""
        prepared = rows if isinstance(rows, Prepared) else prepare(rows)
        self._entries = prepared.entries
        if show:
            self.show(prepared.rows)

    def show(self, rows: Sequence[RosterRow]) -> None:
        """Show these rows (a subset of the loaded ones), keeping the current sort."""
        self.beginResetModel()
        get = self._entries.get
        shown = [get(row.id) for row in rows]
        self._shown = [entry for entry in shown if entry is not None] if None in shown else shown
        if self._sort is not None:
            self._sort_list(*self._sort)
        self.endResetModel()

    def row_at(self, row: int) -> RosterRow | None:
        return self._shown[row].row if 0 <= row < len(self._shown) else None

    def rows(self) -> list[RosterRow]:
        return [entry.row for entry in self._shown]

    def row_of(self, officer_id: int) -> int:
        for n, entry in enumerate(self._shown):
            if entry.row.id == officer_id:
                return n
        return -1

    def loaded(self, officer_id: int) -> RosterRow | None:
        entry = self._entries.get(officer_id)
        return entry.row if entry else None

    # ---- Qt model interface
    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._shown):
            return None
        entry = self._shown[index.row()]
        column = index.column()
        if role == Qt.DisplayRole:
            return entry.texts[column]
        if role == Qt.ForegroundRole:
            colour = entry.colours[column]
            return brush(colour) if colour else None
        if role == Qt.ToolTipRole:
            return entry.tooltip or None
        if role == Qt.TextAlignmentRole:
            return int(Qt.AlignCenter) if column in CENTERED else int(Qt.AlignLeft | Qt.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole) -> Any:
        if role != Qt.DisplayRole:
            return None
        if orientation == Qt.Horizontal:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return section + 1

    def sort(self, column: int, order: Qt.SortOrder = Qt.AscendingOrder) -> None:
        if not 0 <= column < len(HEADERS):
            return
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        entries = [self._shown[i.row()] if i.row() < len(self._shown) else None for i in before]
        self._sort = (column, order)
        self._sort_list(column, order)
        if before:  # selection and current row follow their officers
            where = {id(entry): n for n, entry in enumerate(self._shown)}
            after = [self.index(where[id(e)], i.column()) if e is not None else QModelIndex()
                     for e, i in zip(entries, before)]
            self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def _sort_list(self, column: int, order: Qt.SortOrder) -> None:
        if column == NAME:
            key = self._collator.sortKey
            for entry in self._shown:
                if entry.name_key is None:
                    entry.name_key = key(entry.row.name)
        self._shown.sort(key=SORT_KEYS.get(column) or self._text_key(column), reverse=order == Qt.DescendingOrder)

    def _text_key(self, column: int):
        """Chinese text in 拼音 order; one collation key per distinct value (类别 has a handful)."""
        keys: dict[str, Any] = {}

        def key(entry: Entry) -> tuple:
            text = entry.texts[column]
            found = keys.get(text)
            if found is None:
                found = keys[text] = self._collator.sortKey(text)
            return (text == "", found)

        return key
