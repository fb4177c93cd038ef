"""新增/编辑执法人员: the roster fields in three groups, every wrong field marked where it is.

性别 and 出生日期 are read from the 身份证号码 (the core checks them against it), so the form shows them
instead of asking. A number already on the roster offers to open that person instead (DuplicateOfficer).
"""
from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import ValidationError
from desktop_app.core.id_card import validate_id_number
from desktop_app.core.personnel import dictionaries
from desktop_app.core.personnel.officers import (
    EDUCATION,
    POLITICAL,
    DuplicateOfficer,
    OfficerErrors,
    OfficerInput,
    create_officer,
    get_officer,
    input_from,
    update_officer,
)
from desktop_app.core.units import active_units, get_unit
from desktop_app.ui.dialogs.field_form import FieldFormDialog, choice_combo, combo_value

ETHNICITIES = ("汉族", "回族", "满族", "蒙古族", "维吾尔族", "藏族", "壮族", "苗族", "彝族", "土家族", "东乡族",
               "撒拉族", "哈萨克族", "朝鲜族", "其他")
OPEN_EXISTING = 2  # dialog result: the clerk chose to open the officer already on the roster


class OfficerDialog(FieldFormDialog):
    def __init__(self, parent: QWidget | None = None, officer_id: int | None = None,
                 unit_id: int | None = None) -> None:
        super().__init__("编辑执法人员" if officer_id else "新增执法人员", parent)
        self.officer_id = officer_id
        self.saved = None
        self.existing_id: int | None = None
        data = input_from(get_officer(officer_id)) if officer_id else OfficerInput(unit_id=unit_id, name="",
                                                                                    id_number="")
        self._build(data)
        self.resize(820, 0)

    def _group(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        return box, form

    def _build(self, data: OfficerInput) -> None:
        person, left = self._group("基本信息")
        work, right = self._group("工作信息")
        self.name_edit = QLineEdit(data.name)
        self.id_edit = QLineEdit(data.id_number)
        self.id_edit.setPlaceholderText("18 位，末位可为 X")
        self.id_hint = QLabel()
        self.id_hint.setObjectName("hintLabel")
        self.id_hint.setWordWrap(True)
        self.id_edit.textChanged.connect(self._check_id)
        self.duplicate_button = QPushButton("打开已登记的人员")
        self.duplicate_button.hide()
        self.duplicate_button.clicked.connect(self._open_existing)
        self.ethnicity_combo = choice_combo(ETHNICITIES, data.ethnicity, editable=True)
        self.political_combo = choice_combo(POLITICAL, data.political_status)
        self.education_combo = choice_combo(EDUCATION, data.education)
        self.major_edit = QLineEdit(data.major)
        self.add_field("name", "姓名*", self.name_edit, left)
        self.add_field("id_number", "公民身份号码*", self.id_edit, left, aliases=("gender", "birth_date"))
        left.addRow("", self.id_hint)
        left.addRow("", self.duplicate_button)
        self.add_field("ethnicity", "民族", self.ethnicity_combo, left)
        self.add_field("political_status", "政治面貌", self.political_combo, left)
        self.add_field("education", "学历", self.education_combo, left)
        self.add_field("major", "所学专业", self.major_edit, left)

        self.unit_combo = choice_combo([], blank="（请选择单位）")
        for unit in active_units():
            self.unit_combo.addItem(unit.name, unit.id)
        if data.unit_id and self.unit_combo.findData(data.unit_id) < 0:  # a unit since retired: shown as is
            self.unit_combo.addItem(f"{get_unit(data.unit_id).name}（已撤销）", data.unit_id)
        self.unit_combo.setCurrentIndex(max(0, self.unit_combo.findData(data.unit_id)))
        self.post_edit = QLineEdit(data.post)
        self.post_edit.setPlaceholderText("如：科员、一级主任科员")
        self.category_combo = choice_combo(dictionaries.values(dictionaries.CATEGORY), data.category)
        self.field_combo = choice_combo(dictionaries.values(dictionaries.LAW_FIELD), data.law_field)
        self.region_edit = QLineEdit(data.region)
        self.region_edit.setPlaceholderText("如：红寺堡区全域")
        self.on_post_check = QCheckBox("在执法岗位（须持证上岗）")
        self.on_post_check.setChecked(bool(data.on_enforcement_post))
        self.reviewer_check = QCheckBox("法制审核人员")
        self.reviewer_check.setChecked(bool(data.is_legal_reviewer))
        self.lawyer_check = QCheckBox("公职律师")
        self.lawyer_check.setChecked(bool(data.is_public_lawyer))
        self.add_field("unit_id", "单位*", self.unit_combo, right)
        if self.officer_id:
            hint = QLabel("这里只用于更正录入错误；实际调动请用“调动…”，以保留履历。")
            hint.setObjectName("hintLabel")
            hint.setWordWrap(True)
            right.addRow("", hint)
        self.add_field("post", "职务/职级", self.post_edit, right)
        self.add_field("category", "人员类别", self.category_combo, right)
        self.add_field("law_field", "执法领域", self.field_combo, right)
        self.add_field("region", "执法区域", self.region_edit, right)
        flags = QWidget()
        flags_layout = QVBoxLayout(flags)
        flags_layout.setContentsMargins(0, 0, 0, 0)
        for check in (self.on_post_check, self.reviewer_check, self.lawyer_check):
            flags_layout.addWidget(check)
        right.addRow("岗位", flags)

        contact, bottom = self._group("联系与备注")
        self.phone_edit = QLineEdit(data.phone)
        self.note_edit = QPlainTextEdit(data.note)
        self.note_edit.setFixedHeight(54)
        self.add_field("phone", "联系电话", self.phone_edit, bottom)
        self.add_field("note", "备注", self.note_edit, bottom)
        columns = QHBoxLayout()
        columns.addWidget(person, 1)
        columns.addWidget(work, 1)
        self.outer.insertLayout(1, columns)
        self.outer.insertWidget(2, contact)
        self._check_id(self.id_edit.text())

    def _check_id(self, text: str) -> None:
        text = text.strip()
        self.duplicate_button.hide()
        if len(text) < 15:
            self.id_hint.setText("性别、出生日期按身份证号码自动填写。")
            return
        try:
            parsed = validate_id_number(text)
        except ValidationError as exc:
            self.id_hint.setText(f"<span style='color:#c0392b'>{html.escape(exc.message)}</span>")
        else:
            self.id_hint.setText(f"<span style='color:#1e8449'>✓ {parsed.gender}，"
                                 f"出生日期 {parsed.birth_date:%Y-%m-%d}</span>")

    def input(self) -> OfficerInput:
        return OfficerInput(
            unit_id=self.unit_combo.currentData(), name=self.name_edit.text(), id_number=self.id_edit.text(),
            ethnicity=combo_value(self.ethnicity_combo), political_status=combo_value(self.political_combo),
            education=combo_value(self.education_combo), major=self.major_edit.text(), post=self.post_edit.text(),
            category=combo_value(self.category_combo), on_enforcement_post=self.on_post_check.isChecked(),
            law_field=combo_value(self.field_combo), region=self.region_edit.text(), phone=self.phone_edit.text(),
            is_legal_reviewer=self.reviewer_check.isChecked(), is_public_lawyer=self.lawyer_check.isChecked(),
            note=self.note_edit.toPlainText())

    def save(self) -> None:
        data = self.input()
        try:
            self.saved = update_officer(self.officer_id, data) if self.officer_id else create_officer(data)
        except OfficerErrors as exc:
            duplicate = next((e for e in exc.errors if isinstance(e, DuplicateOfficer)), None)
            if duplicate is not None:
                self.existing_id = duplicate.officer_id
                self.duplicate_button.show()
                self.id_hint.hide()
            raise

    def clear_errors(self) -> None:
        super().clear_errors()
        self.id_hint.show()

    def show_errors(self, errors: list[ValidationError]) -> None:
        if any(e.field in ("id_number", "gender", "birth_date") for e in errors):
            self.id_hint.hide()  # the error under the field says it; the live hint would repeat it
        super().show_errors(errors)

    def _open_existing(self) -> None:
        if self.existing_id is not None:
            self.done(OPEN_EXISTING)
