"""字典: the 执法领域 and 人员类别 lists the forms offer, and which 人员类别 are 执法辅助人员.

Values are stored on each officer as text, so removing or renaming an entry only changes what new entries
can choose; people already recorded keep what they have (the core retires, never deletes).
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.db import db
from desktop_app.core.personnel import dictionaries
from desktop_app.ui.dialogs.form_dialog import FormDialog


class DictionaryList(QWidget):
    """One editable list; with `flagged`, each entry has a check box (辅助人员)."""

    def __init__(self, kind: str, hint: str, flagged: bool = False) -> None:
        super().__init__()
        self.kind, self.flagged = kind, flagged
        layout = QVBoxLayout(self)
        label = QLabel(hint)
        label.setObjectName("hintLabel")
        label.setWordWrap(True)
        layout.addWidget(label)
        row = QHBoxLayout()
        self.list = QListWidget()
        row.addWidget(self.list, 1)
        buttons = QVBoxLayout()
        self.add_button = QPushButton("添加")
        self.remove_button = QPushButton("删除")
        self.up_button = QPushButton("上移")
        self.down_button = QPushButton("下移")
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        row.addLayout(buttons)
        layout.addLayout(row, 1)
        auxiliary = dictionaries.auxiliary_categories() if flagged else set()
        for value in dictionaries.values(kind):
            self._add_item(value, value in auxiliary)
        self.add_button.clicked.connect(self.add_entry)
        self.remove_button.clicked.connect(self.remove_entry)
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))

    def _add_item(self, value: str, flag: bool = False) -> QListWidgetItem:
        item = QListWidgetItem(value)
        item.setFlags(item.flags() | Qt.ItemIsEditable)
        if self.flagged:
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if flag else Qt.Unchecked)
        self.list.addItem(item)
        return item

    def add_entry(self) -> None:
        item = self._add_item("新项目")
        self.list.setCurrentItem(item)
        self.list.editItem(item)

    def remove_entry(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)

    def move(self, step: int) -> None:
        row = self.list.currentRow()
        if row < 0 or not 0 <= row + step < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(row + step, item)
        self.list.setCurrentRow(row + step)

    def entries(self) -> list[tuple[str, int]]:
        found = []
        for n in range(self.list.count()):
            item = self.list.item(n)
            flag = dictionaries.AUXILIARY_FLAG if self.flagged and item.checkState() == Qt.Checked else 0
            found.append((item.text(), flag))
        return found


class DictionaryDialog(FormDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("字典", parent)
        self.tabs = QTabWidget()
        kept = "删除或改名只影响今后的选择，已登记人员的原有内容保持不变。"
        self.fields = DictionaryList(dictionaries.LAW_FIELD, f"登记人员和证件时可选的执法领域。双击可改名。{kept}")
        self.categories = DictionaryList(
            dictionaries.CATEGORY, f"人员类别（编制性质）。勾选的类别为<b>执法辅助人员</b>：不得持有执法证件，"
            f"不计入执法人员总数和法制审核比例。{kept}", flagged=True)
        self.tabs.addTab(self.fields, "执法领域")
        self.tabs.addTab(self.categories, "人员类别")
        self.outer.insertWidget(0, self.tabs, 1)
        self.resize(520, 480)

    def save(self) -> None:
        with db.atomic():  # both lists or neither
            dictionaries.set_values(dictionaries.LAW_FIELD, self.fields.entries())
            dictionaries.set_values(dictionaries.CATEGORY, self.categories.entries())
