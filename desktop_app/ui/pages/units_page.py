"""单位管理: the organisation tree (单位) and the named groups task lists use (分组)."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import AppError
from desktop_app.core.models import UNIT_KINDS
from desktop_app.core.unit_groups import delete_group, expand_group, list_groups
from desktop_app.core.units import list_units, restore_unit, retire_unit
from desktop_app.ui.data_bus import DataBus
from desktop_app.ui.dialogs.bulk_add_dialog import BulkAddDialog
from desktop_app.ui.dialogs.group_dialog import GroupDialog
from desktop_app.ui.dialogs.merge_dialog import MergeDialog
from desktop_app.ui.dialogs.unit_dialog import UnitDialog
from desktop_app.ui.error_dialog import show_error
from desktop_app.ui.pages.common import make_table, page_title, selected_row
from desktop_app.ui.table_models.unit_models import GroupTableModel, MemberTableModel, UnitTableModel


class UnitsTab(QWidget):
    def __init__(self, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.add_button = QPushButton("新增单位")
        self.edit_button = QPushButton("编辑")
        self.merge_button = QPushButton("合并…")
        self.retire_button = QPushButton("撤销")
        self.bulk_button = QPushButton("批量添加…")
        for button in (self.add_button, self.edit_button, self.merge_button, self.retire_button, self.bulk_button):
            bar.addWidget(button)
        bar.addStretch(1)
        self.kind_filter = QComboBox()
        self.kind_filter.addItem("全部类别", None)
        for kind, label in UNIT_KINDS.items():
            self.kind_filter.addItem(label, kind)
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索名称、简称、别名、信用代码")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.show_retired = QCheckBox("显示已撤销")
        bar.addWidget(self.kind_filter)
        bar.addWidget(self.search)
        bar.addWidget(self.show_retired)
        layout.addLayout(bar)
        self.model = UnitTableModel(self)
        self.table = make_table(self.model)
        self.table.setSortingEnabled(False)  # tree order by default; header click sorts in the model
        self.table.horizontalHeader().setSectionsClickable(True)
        self.table.horizontalHeader().sectionClicked.connect(self._sort_by)
        layout.addWidget(self.table, 1)
        self.count_label = QLabel()
        layout.addWidget(self.count_label)

        self.add_button.clicked.connect(self.add_unit)
        self.edit_button.clicked.connect(self.edit_unit)
        self.merge_button.clicked.connect(self.merge_unit)
        self.retire_button.clicked.connect(self.toggle_retired)
        self.bulk_button.clicked.connect(self.bulk_add)
        self.table.doubleClicked.connect(lambda _: self.edit_unit())
        self.kind_filter.currentIndexChanged.connect(self.refresh)
        self.search.textChanged.connect(self.refresh)
        self.show_retired.toggled.connect(self.refresh)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.refresh()

    def _sort_by(self, column: int) -> None:
        header = self.table.horizontalHeader()  # the header has already flipped its indicator
        header.setSortIndicatorShown(True)
        self.model.sort(column, header.sortIndicatorOrder())

    def refresh(self) -> None:
        rows = list_units(self.show_retired.isChecked(), self.kind_filter.currentData(), self.search.text())
        self.model.set_rows(rows)
        self.table.horizontalHeader().setSortIndicatorShown(False)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(0, min(self.table.columnWidth(0), 360))
        for column in (4, 5):  # aliases and groups: full text is in the tooltip
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 220))
        active = sum(1 for r in rows if r.active)
        self.count_label.setText(f"共 {len(rows)} 个单位（在用 {active} 个）")
        self._update_buttons()

    def current(self):
        return selected_row(self.table)

    def _update_buttons(self) -> None:
        row = self.current()
        self.edit_button.setEnabled(row is not None)
        self.merge_button.setEnabled(row is not None and row.active)
        self.retire_button.setEnabled(row is not None)
        self.retire_button.setText("恢复" if row is not None and not row.active else "撤销")

    def add_unit(self) -> None:
        if UnitDialog(self).exec():
            self.bus.notify("units")

    def edit_unit(self) -> None:
        row = self.current()
        if row is not None and UnitDialog(self, row.id).exec():
            self.bus.notify("units")

    def merge_unit(self) -> None:
        row = self.current()
        dialog = MergeDialog(self, row.id if row else None)
        if dialog.exec() and dialog.report:
            moved = "、".join(f"{table} {n} 条" for table, n in dialog.report.moved.items()) or "无关联数据"
            QMessageBox.information(self, "合并完成", f"已把“{dialog.report.removed}”并入“{dialog.report.kept}”。"
                                                      f"\n转移的记录：{moved}")
            self.bus.notify("units")

    def toggle_retired(self) -> None:
        row = self.current()
        if row is None:
            return
        try:
            if row.active:
                question = f"撤销“{row.name}”？\n撤销后它不再出现在新工作中，已有的记录都保留，可随时恢复。"
                if QMessageBox.question(self, "撤销单位", question) != QMessageBox.Yes:
                    return
                retire_unit(row.id)
            else:
                restore_unit(row.id)
        except AppError as exc:
            show_error(self, exc)
            return
        self.bus.notify("units")

    def bulk_add(self) -> None:
        dialog = BulkAddDialog(self)
        if dialog.exec():
            QMessageBox.information(self, "批量添加", f"已添加 {dialog.added} 个单位。")
            self.bus.notify("units")


class GroupsTab(QWidget):
    def __init__(self, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.add_button = QPushButton("新建分组")
        self.edit_button = QPushButton("编辑")
        self.delete_button = QPushButton("删除")
        for button in (self.add_button, self.edit_button, self.delete_button):
            bar.addWidget(button)
        bar.addStretch(1)
        layout.addLayout(bar)
        splitter = QSplitter()
        self.model = GroupTableModel(self)
        self.table = make_table(self.model)
        self.members_model = MemberTableModel(self)
        self.members = make_table(self.members_model)
        splitter.addWidget(self.table)
        splitter.addWidget(self.members)
        splitter.setSizes([560, 380])
        layout.addWidget(splitter, 1)
        hint = QLabel("任务清单中的“责任单位：各行政执法部门〔单位〕”等写法按分组展开为其成员单位。")
        hint.setObjectName("hintLabel")
        layout.addWidget(hint)
        self.add_button.clicked.connect(self.add_group)
        self.edit_button.clicked.connect(self.edit_group)
        self.delete_button.clicked.connect(self.remove_group)
        self.table.doubleClicked.connect(lambda _: self.edit_group())
        self.table.selectionModel().selectionChanged.connect(self._show_members)
        self.refresh()

    def refresh(self) -> None:
        current = selected_row(self.table)
        self.model.set_rows(list_groups())
        self.table.resizeColumnsToContents()
        if current is not None:
            for index, row in enumerate(self.model.rows):
                if row.id == current.id:
                    self.table.selectRow(index)
        self._show_members()

    def _show_members(self) -> None:
        row = selected_row(self.table)
        self.members_model.set_rows(expand_group(row.id) if row else [])
        self.members.resizeColumnsToContents()
        self.edit_button.setEnabled(row is not None)
        self.delete_button.setEnabled(row is not None)

    def add_group(self) -> None:
        if GroupDialog(self).exec():
            self.bus.notify("units")

    def edit_group(self) -> None:
        row = selected_row(self.table)
        if row is not None and GroupDialog(self, row.id).exec():
            self.bus.notify("units")

    def remove_group(self) -> None:
        row = selected_row(self.table)
        if row is None:
            return
        question = f"删除分组“{row.name}”？成员单位本身不受影响。"
        if QMessageBox.question(self, "删除分组", question) == QMessageBox.Yes:
            delete_group(row.id)
            self.bus.notify("units")


class UnitsPage(QWidget):
    def __init__(self, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("单位管理", "本县区的政府、司法局、各行政执法部门、乡镇（街道）及其分组。"
                                    "任务清单、人员和培训都按这里的单位统计。"))
        self.tabs = QTabWidget()
        self.units_tab = UnitsTab(bus)
        self.groups_tab = GroupsTab(bus)
        self.tabs.addTab(self.units_tab, "单位")
        self.tabs.addTab(self.groups_tab, "分组")
        layout.addWidget(self.tabs, 1)

    def refresh(self) -> None:
        self.units_tab.refresh()
        self.groups_tab.refresh()
