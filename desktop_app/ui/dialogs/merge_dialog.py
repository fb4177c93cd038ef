"""合并单位: pick the unit that stays and the one that goes; say plainly what will happen."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QMessageBox, QWidget

from desktop_app.core.unit_merge import MergeReport, merge_units
from desktop_app.core.units import active_units, get_unit
from desktop_app.ui.dialogs.form_dialog import FormDialog


class MergeDialog(FormDialog):
    def __init__(self, parent: QWidget | None = None, remove_id: int | None = None) -> None:
        super().__init__("合并单位", parent)
        self.report: MergeReport | None = None
        self.remove_combo = QComboBox()
        self.keep_combo = QComboBox()
        for unit in active_units():
            self.remove_combo.addItem(unit.name, unit.id)
            self.keep_combo.addItem(unit.name, unit.id)
        if remove_id is not None:
            self.remove_combo.setCurrentIndex(max(0, self.remove_combo.findData(remove_id)))
            self.keep_combo.setCurrentIndex(1 if self.keep_combo.currentData() == remove_id else 0)
        explanation = QLabel(
            "合并后，被合并单位的全部数据（下级单位、别名、分组成员身份，以及以后登记的人员、任务等）都转到保留的"
            "单位名下；被合并单位标为“已并入”，留作历史，不再出现在新工作中；它的名称成为保留单位的别名，"
            "文件里仍写旧名称时也能识别。合并不能撤销（可从备份恢复）。")
        explanation.setWordWrap(True)
        self.form.addRow("被合并（撤销）的单位", self.remove_combo)
        self.form.addRow("保留的单位", self.keep_combo)
        explanation.setObjectName("hintLabel")
        explanation.setMinimumWidth(520)  # lets the wrapped label claim its height before first show
        self.outer.insertWidget(1, explanation)
        self.buttons.button(self.buttons.StandardButton.Ok).setText("合并")

    def save(self) -> None:
        keep_id, remove_id = self.keep_combo.currentData(), self.remove_combo.currentData()
        if keep_id != remove_id:
            answer = QMessageBox.question(
                self, "确认合并", f"确定把“{get_unit(remove_id).name}”并入“{get_unit(keep_id).name}”吗？")
            if answer != QMessageBox.Yes:
                return
        self.report = merge_units(keep_id, remove_id)
