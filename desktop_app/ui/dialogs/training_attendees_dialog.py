"""添加参训人员: by unit (their 在职 officers), by unit group, or picked one by one from the roster.

What is chosen on the three tabs adds up; the core (add_attendees) leaves officers already on the list as
they are. The unit and group lists are small item lists living in this dialog; the roster (up to 20,000
officers) is a table model filtered in memory, its check marks kept across searches.
"""
from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import AppError
from desktop_app.core.personnel.roster import RosterFilter, RosterRow, filter_rows
from desktop_app.core.training.sessions import (
    RESULTS,
    AddResult,
    add_attendees,
    get_session,
    officers_of_units,
)
from desktop_app.core.unit_groups import expand_group, list_groups
from desktop_app.core.units import active_units
from desktop_app.ui.dialogs.step_frame import hint_label
from desktop_app.ui.dialogs.training_session_dialog import hours_spin
from desktop_app.ui.pages.common import make_table
from desktop_app.ui.table_models.personnel_models import GREY, brush
from desktop_app.ui.table_models.row_model import Index
from desktop_app.ui.table_models.training_models import ListModel

SEARCH_DELAY_MS = 200


def check_list() -> QListWidget:
    box = QListWidget()
    box.setMinimumHeight(240)
    return box


def checkable(text: str, data: Any) -> QListWidgetItem:
    item = QListWidgetItem(text)
    item.setData(Qt.UserRole, data)
    item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
    item.setCheckState(Qt.Unchecked)
    return item


def checked(box: QListWidget) -> list:
    items = [box.item(n) for n in range(box.count())]
    return [item.data(Qt.UserRole) for item in items if item.checkState() == Qt.Checked]


class PickModel(ListModel):
    """Roster rows with a check box in the first column; the checked officers are kept by id."""

    HEADERS = ("姓名", "单位", "人员类别", "状态")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.chosen: set[int] = set()

    def value(self, row: RosterRow, column: int) -> Any:
        return (row.name, row.unit_name, row.category, row.status)[column]

    def colour(self, row: RosterRow, column: int) -> str | None:
        return GREY if row.status != "在职" else None

    def flags(self, index: Index) -> Qt.ItemFlags:
        base = super().flags(index)
        return base | Qt.ItemIsUserCheckable if index.isValid() and index.column() == 0 else base

    def data(self, index: Index, role: int = Qt.DisplayRole) -> Any:
        if role == Qt.CheckStateRole and index.isValid() and index.column() == 0:
            row = self.row_at(index.row())
            return Qt.Checked if row is not None and row.id in self.chosen else Qt.Unchecked
        if role == Qt.ForegroundRole:
            row = self.row_at(index.row())
            return brush(GREY) if row is not None and row.status != "在职" else None
        return super().data(index, role)

    def setData(self, index: Index, value: Any, role: int = Qt.EditRole) -> bool:
        row = self.row_at(index.row())
        if role != Qt.CheckStateRole or row is None or index.column() != 0:
            return False
        on = value in (Qt.Checked, Qt.Checked.value, 2)
        (self.chosen.add if on else self.chosen.discard)(row.id)
        self.dataChanged.emit(index, index, [Qt.CheckStateRole])
        return True

    def toggle(self, rows: list[int], on: bool) -> None:
        for n in rows:
            row = self.row_at(n)
            if row is not None:
                (self.chosen.add if on else self.chosen.discard)(row.id)
        if self._shown:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._shown) - 1, 0), [Qt.CheckStateRole])


class AddAttendeesDialog(QDialog):
    """After 添加, `added` is the core's AddResult."""

    def __init__(self, parent: QWidget | None, session_id: int) -> None:
        super().__init__(parent)
        self.session_id = session_id
        self.added: AddResult | None = None
        self.roster: list[RosterRow] = []
        self._roster_requested = False
        session = get_session(session_id)
        self.setWindowTitle("添加参训人员")
        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>{html.escape(session.name)}</b>　<span style='color:#666'>"
                         f"{session.start_date:%Y-%m-%d}，每人默认 {session.default_hours:g} 学时</span>")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._units_tab(), "按单位")
        self.tabs.addTab(self._groups_tab(), "按分组")
        self.tabs.addTab(self._people_tab(), "逐个选择")
        self.tabs.currentChanged.connect(self._tab_changed)
        layout.addWidget(self.tabs, 1)
        form = QFormLayout()
        self.hours = hours_spin(session.default_hours)
        self.result_box = QComboBox()
        self.result_box.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        for value in RESULTS:
            self.result_box.addItem(value or "（暂不填写）", value)
        row = QHBoxLayout()
        row.addWidget(self.hours)
        row.addSpacing(16)
        row.addWidget(QLabel("考核结果"))
        row.addWidget(self.result_box)
        row.addStretch(1)
        form.addRow("每人学时", row)
        layout.addLayout(form)
        self.summary = hint_label()
        layout.addWidget(self.summary)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.add_button = self.buttons.button(QDialogButtonBox.Ok)
        self.add_button.setText("添加")
        self.buttons.button(QDialogButtonBox.Cancel).setText("取消")
        self.buttons.accepted.connect(self.add)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update_summary()
        self.resize(640, 600)

    # ---- the three ways
    def _units_tab(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addWidget(hint_label("勾选单位，添加其全部在职人员（已在名单中的人员不重复添加）。"))
        self.unit_list = check_list()
        for unit in active_units():
            self.unit_list.addItem(checkable(unit.name, unit.id))
        self.unit_list.itemChanged.connect(self._update_summary)
        layout.addWidget(self.unit_list, 1)
        return box

    def _groups_tab(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addWidget(hint_label("勾选分组，添加分组内各单位的全部在职人员。"))
        self.group_list = check_list()
        for group in list_groups():
            item = checkable(f"{group.name}（{group.member_count} 个单位）", group.id)
            item.setToolTip(group.rule)
            self.group_list.addItem(item)
        if not self.group_list.count():
            layout.addWidget(hint_label("还没有单位分组，可在“单位管理”中新建。"))
        self.group_list.itemChanged.connect(self._update_summary)
        layout.addWidget(self.group_list, 1)
        return box

    def _people_tab(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索姓名、身份证号、证号")
        self.search.setClearButtonEnabled(True)
        self.unit_filter = QComboBox()
        self.unit_filter.addItem("全部单位", None)
        for unit in active_units():
            self.unit_filter.addItem(unit.name, unit.id)
        self.unit_filter.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.unit_filter.setMinimumContentsLength(10)
        self.all_check = QCheckBox("包括不在职人员")
        bar.addWidget(self.search, 1)
        bar.addWidget(self.unit_filter)
        bar.addWidget(self.all_check)
        layout.addLayout(bar)
        self.pick_model = PickModel(self)
        self.pick_table = make_table(self.pick_model)
        self.pick_table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.pick_table.setWordWrap(False)
        self.pick_table.setColumnWidth(0, 110)
        self.pick_table.setColumnWidth(1, 200)
        self.pick_table.setColumnWidth(2, 130)
        self.pick_table.verticalHeader().setDefaultSectionSize(24)
        layout.addWidget(self.pick_table, 1)
        row = QHBoxLayout()
        self.pick_count = QLabel()
        check_button = QPushButton("勾选选中的行")
        clear_button = QPushButton("取消勾选选中的行")
        for button in (check_button, clear_button):
            button.setAutoDefault(False)
        row.addWidget(self.pick_count, 1)
        row.addWidget(check_button)
        row.addWidget(clear_button)
        layout.addLayout(row)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.unit_filter.currentIndexChanged.connect(self.apply_filter)
        self.all_check.toggled.connect(self.apply_filter)
        self.pick_model.dataChanged.connect(self._update_summary)
        check_button.clicked.connect(lambda: self._toggle_selected(True))
        clear_button.clicked.connect(lambda: self._toggle_selected(False))
        return box

    def _tab_changed(self, index: int) -> None:
        if index == 2 and not self._roster_requested:
            self.load_roster()

    def load_roster(self) -> None:
        from desktop_app.ui.roster_loader import load_roster_then

        self._roster_requested = True
        self.pick_count.setText("正在加载名册…")
        load_roster_then(self, self._roster_loaded)

    def _roster_loaded(self, rows: list[RosterRow]) -> None:
        self.roster = rows
        self.apply_filter()

    def apply_filter(self) -> None:
        self._search_timer.stop()
        flt = RosterFilter(text=self.search.text(), unit_id=self.unit_filter.currentData(),
                           status="" if self.all_check.isChecked() else "在职")
        self.pick_model.show(filter_rows(self.roster, flt))
        self._update_summary()

    def _toggle_selected(self, on: bool) -> None:
        rows = set()
        for part in self.pick_table.selectionModel().selection():
            rows.update(range(part.top(), part.bottom() + 1))
        self.pick_model.toggle(sorted(rows), on)
        self._update_summary()

    # ---- the choice
    def unit_ids(self) -> list[int]:
        ids = list(checked(self.unit_list))
        for group_id in checked(self.group_list):
            ids += [unit.id for unit in expand_group(group_id)]
        return list(dict.fromkeys(ids))

    def officer_ids(self) -> list[int]:
        units = self.unit_ids()
        by_unit = officers_of_units(units) if units else []
        return list(dict.fromkeys([*by_unit, *sorted(self.pick_model.chosen)]))

    def _update_summary(self, *_args) -> None:
        units, groups, picked = checked(self.unit_list), checked(self.group_list), len(self.pick_model.chosen)
        if hasattr(self, "pick_count") and self.roster:
            self.pick_count.setText(f"显示 {self.pick_model.rowCount()} 人，已勾选 {picked} 人")
        if not (units or groups or picked):
            self.summary.setText("请在上面的标签页中勾选单位、分组或人员；三处的选择会合并添加。")
            self.add_button.setEnabled(False)
            return
        parts = [f"{len(units)} 个单位" if units else "", f"{len(groups)} 个分组" if groups else "",
                 f"另选 {picked} 人" if picked else ""]
        total = len(self.officer_ids())
        self.summary.setText(f"已选：{'，'.join(p for p in parts if p)}，共 {total} 人"
                             f"{'（单位和分组只计在职人员）' if units or groups else ''}。")
        self.add_button.setEnabled(total > 0)

    def add(self) -> None:
        ids = self.officer_ids()
        if not ids:
            return
        try:
            self.added = add_attendees(self.session_id, ids, self.hours.value(),
                                       self.result_box.currentData())
        except AppError as exc:
            self.error_label.setText(exc.message)
            self.error_label.show()
            return
        self.accept()


def result_text(result: AddResult) -> str:
    lines = [f"已添加 {result.added} 人。"]
    if result.already:
        lines.append(f"{result.already} 人原已在参训名单中，学时未改动。")
    if result.refused:
        lines.append(f"{len(result.refused)} 人未能添加：" + "；".join(reason for _, reason in result.refused[:5]))
    return "\n".join(lines)
