"""新建/编辑分组: name, aliases, an automatic rule by unit kind, and explicitly chosen members.

The member checklist is a QListWidget: it lives only inside this dialog and holds the county's units
(tens, at most a few hundred), which is what item widgets are fit for.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QListWidget, QListWidgetItem, QWidget

from desktop_app.core.models import UNIT_KINDS
from desktop_app.core.unit_groups import (
    GroupInput,
    create_group,
    explicit_member_ids,
    get_group,
    update_group,
)
from desktop_app.core.units import active_units
from desktop_app.ui.dialogs.form_dialog import FormDialog, split_names

CHOSEN_ROLE = Qt.UserRole + 1


class GroupDialog(FormDialog):
    def __init__(self, parent: QWidget | None = None, group_id: int | None = None) -> None:
        super().__init__("编辑分组" if group_id else "新建分组", parent)
        self.group_id = group_id
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("如：各行政执法部门〔单位〕")
        self.aliases_edit = QLineEdit()
        self.aliases_edit.setPlaceholderText("文件中的其他写法，用“、”分隔，如：各行政执法部门")
        self.auto_combo = QComboBox()
        self.auto_combo.addItem("不自动包含", None)
        for kind, label in UNIT_KINDS.items():
            self.auto_combo.addItem(f"自动包含全部“{label}”", kind)
        self.members = QListWidget()
        self.members.setMinimumHeight(260)
        self.unit_kinds: dict[int, str] = {}
        for unit in active_units():
            item = QListWidgetItem(unit.name)
            item.setData(Qt.UserRole, unit.id)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Unchecked)
            self.members.addItem(item)
            self.unit_kinds[unit.id] = unit.kind
        self.note_edit = QLineEdit()
        self.form.addRow("分组名称*", self.name_edit)
        self.form.addRow("别名", self.aliases_edit)
        self.form.addRow("成员规则", self.auto_combo)
        self.form.addRow("另外指定的成员", self.members)
        self.form.addRow("备注", self.note_edit)
        self.auto_combo.currentIndexChanged.connect(self._mark_automatic)
        if group_id:
            self._load(group_id)
        self._mark_automatic()
        self.resize(520, 0)

    def _load(self, group_id: int) -> None:
        group = get_group(group_id)
        self.name_edit.setText(group.name)
        self.aliases_edit.setText("、".join(a.alias for a in group.aliases))
        self.note_edit.setText(group.note)
        chosen = set(explicit_member_ids(group_id))
        for row in range(self.members.count()):
            item = self.members.item(row)
            item.setCheckState(Qt.Checked if item.data(Qt.UserRole) in chosen else Qt.Unchecked)
        # after the check states: changing the rule re-marks the automatic members
        self.auto_combo.setCurrentIndex(max(0, self.auto_combo.findData(group.auto_kind)))

    def _mark_automatic(self) -> None:
        """Units the rule already includes are shown checked and disabled; the clerk's own choice for
        them is remembered and comes back if the rule changes."""
        auto_kind = self.auto_combo.currentData()
        for row in range(self.members.count()):
            item = self.members.item(row)
            automatic = auto_kind is not None and self.unit_kinds[item.data(Qt.UserRole)] == auto_kind
            was_automatic = not item.flags() & Qt.ItemIsEnabled
            if automatic and not was_automatic:
                item.setData(CHOSEN_ROLE, item.checkState())
                item.setCheckState(Qt.Checked)
                item.setFlags(item.flags() & ~Qt.ItemIsEnabled)
            elif not automatic and was_automatic:
                item.setCheckState(item.data(CHOSEN_ROLE) or Qt.Unchecked)
                item.setFlags(item.flags() | Qt.ItemIsEnabled)
            item.setToolTip("已按成员规则自动包含" if automatic else "")

    def chosen_ids(self) -> list[int]:
        auto_kind = self.auto_combo.currentData()
        ids = []
        for row in range(self.members.count()):
            item = self.members.item(row)
            unit_id = item.data(Qt.UserRole)
            if item.checkState() == Qt.Checked and self.unit_kinds[unit_id] != auto_kind:
                ids.append(unit_id)
        return ids

    def save(self) -> None:
        data = GroupInput(self.name_edit.text(), self.auto_combo.currentData(), self.chosen_ids(),
                          split_names(self.aliases_edit.text()), self.note_edit.text())
        if self.group_id:
            group = get_group(self.group_id)
            data.sort_order = group.sort_order
            update_group(self.group_id, data)
        else:
            create_group(data)
