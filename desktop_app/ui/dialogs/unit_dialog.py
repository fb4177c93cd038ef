"""新增/编辑单位."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from desktop_app.core.credit_code import describe_credit_code, validate_credit_code
from desktop_app.core.errors import ValidationError
from desktop_app.core.models import UNIT_KINDS, Unit
from desktop_app.core.units import UnitInput, active_units, create_unit, get_unit, update_unit
from desktop_app.ui.dialogs.form_dialog import FormDialog, split_names


class UnitDialog(FormDialog):
    def __init__(self, parent: QWidget | None = None, unit_id: int | None = None) -> None:
        super().__init__("编辑单位" if unit_id else "新增单位", parent)
        self.unit_id = unit_id
        self.saved_unit: Unit | None = None
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("单位的规范全称，如：红寺堡区司法局")
        self.short_edit = QLineEdit()
        self.short_edit.setPlaceholderText("文件中常用的简称，如：司法局")
        self.kind_combo = QComboBox()
        for kind, label in UNIT_KINDS.items():
            self.kind_combo.addItem(label, kind)
        self.parent_combo = QComboBox()
        self.parent_combo.addItem("（无）", None)
        for unit in active_units():
            if unit.id != unit_id:
                self.parent_combo.addItem(unit.name, unit.id)
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("18 位，可留空")
        self.code_hint = QLabel()
        self.code_hint.setObjectName("hintLabel")
        self.code_edit.textChanged.connect(self._check_code)
        self.aliases_edit = QLineEdit()
        self.aliases_edit.setPlaceholderText("文件中出现的其他写法，用“、”分隔")
        self.order_spin = QSpinBox()
        self.order_spin.setRange(0, 9999)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setFixedHeight(60)
        for label, widget in (("单位全称*", self.name_edit), ("简称", self.short_edit), ("类别*", self.kind_combo),
                              ("上级单位", self.parent_combo), ("统一社会信用代码", self.code_edit),
                              ("", self.code_hint), ("别名", self.aliases_edit), ("排序号", self.order_spin),
                              ("备注", self.note_edit)):
            self.form.addRow(label, widget)
        if unit_id:
            self._load(get_unit(unit_id))
        self.resize(520, 0)

    def _load(self, unit: Unit) -> None:
        self.name_edit.setText(unit.name)
        self.short_edit.setText(unit.short_name)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(unit.kind)))
        self.parent_combo.setCurrentIndex(max(0, self.parent_combo.findData(unit.parent_id)))
        self.code_edit.setText(unit.credit_code or "")
        self.aliases_edit.setText("、".join(a.alias for a in unit.aliases))
        self.order_spin.setValue(unit.sort_order)
        self.note_edit.setPlainText(unit.note)

    def _check_code(self, text: str) -> None:
        if not text.strip():
            self.code_hint.setText("")
            return
        try:
            code = validate_credit_code(text)
        except ValidationError as exc:
            self.code_hint.setText(f"<span style='color:#c0392b'>{exc.message}</span>")
        else:
            self.code_hint.setText(f"<span style='color:#1e8449'>✓ 校验通过（{describe_credit_code(code)}）</span>")

    def input(self) -> UnitInput:
        return UnitInput(
            name=self.name_edit.text(), kind=self.kind_combo.currentData(), short_name=self.short_edit.text(),
            parent_id=self.parent_combo.currentData(), credit_code=self.code_edit.text(),
            note=self.note_edit.toPlainText(), aliases=split_names(self.aliases_edit.text()),
            sort_order=self.order_spin.value())

    def save(self) -> None:
        data = self.input()
        self.saved_unit = update_unit(self.unit_id, data) if self.unit_id else create_unit(data)
