"""新增/编辑培训 and 复制为新一期: the session form (name, organiser, form, category, dates, default 学时 with
a days → 学时 helper, 轮训 and 心理健康 flags) and the copy form (new dates, with or without attendees).

The core (core/training/sessions.py) checks everything; its errors appear under the field they name.
"""
from __future__ import annotations

import datetime as dt
import html

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from desktop_app.core.errors import ValidationError
from desktop_app.core.models import (
    POLITICAL_CATEGORY,
    TRAINING_CATEGORIES,
    TRAINING_FORMS,
    TRAINING_ORGANISERS,
    Attendance,
)
from desktop_app.core.settings import get_setting
from desktop_app.core.training.sessions import (
    MAX_HOURS,
    SessionInput,
    copy_session,
    create_session,
    days_to_hours,
    get_session,
    update_session,
)
from desktop_app.core.units import active_units
from desktop_app.ui.dialogs.field_form import (
    FieldFormDialog,
    choice_combo,
    combo_value,
    date_edit,
    pydate,
    qdate,
)
from desktop_app.ui.dialogs.step_frame import hint_label


def hours_spin(value: float = 0.0) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setDecimals(1)
    spin.setRange(0, MAX_HOURS)
    spin.setSingleStep(0.5)
    spin.setSuffix(" 学时")
    spin.setValue(value)
    return spin


def days_spin() -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setDecimals(1)
    spin.setRange(0.5, 100)
    spin.setSingleStep(0.5)
    spin.setSuffix(" 天")
    spin.setValue(1)
    return spin


def unit_choice(current: int | None) -> QComboBox:
    box = QComboBox()
    box.addItem("（不指定）", None)
    for unit in active_units():
        box.addItem(unit.name, unit.id)
    if current is not None and box.findData(current) < 0:
        from desktop_app.core.models import Unit

        found = Unit.get_or_none(Unit.id == current)
        if found is not None:
            box.addItem(f"{found.name}（已撤销）", current)
    box.setCurrentIndex(max(0, box.findData(current)))
    return box


class SessionDialog(FieldFormDialog):
    """新增培训 (session_id None) or 编辑培训. After 保存, `saved` is the session."""

    def __init__(self, parent: QWidget | None = None, session_id: int | None = None,
                 day: dt.date | None = None) -> None:
        super().__init__("编辑培训" if session_id else "新增培训", parent)
        self.session_id = session_id
        self.saved = None
        source = get_session(session_id) if session_id else None
        self.name_edit = QLineEdit(source.name if source else "")
        self.name_edit.setPlaceholderText("如：2026年全区行政执法人员公共法律知识培训班")
        self.organiser_box = choice_combo(TRAINING_ORGANISERS, source.organiser if source else "司法局",
                                          blank=None)
        self.unit_box = unit_choice(source.organiser_unit_id if source else None)
        self.form_box = choice_combo(TRAINING_FORMS, source.form if source else "集中轮训", blank=None)
        self.category_box = choice_combo(TRAINING_CATEGORIES, source.category if source else "业务知识",
                                         blank=None)
        self.category_hint = hint_label()
        start = source.start_date if source else (day or dt.date.today())
        self.start_edit = date_edit(start)
        self.end_edit = date_edit(source.end_date if source else start)
        self.hours_spin = hours_spin(source.default_hours if source else days_to_hours(1))
        self.days_spin = days_spin()
        self.convert_button = QPushButton("按天折算")
        self.convert_button.setAutoDefault(False)
        self.convert_button.setToolTip(self._convert_tip())
        self.rotation_check = QCheckBox("计入全员轮训")
        self.mental_check = QCheckBox("心理健康教育/心理训练活动")
        if source:
            self.rotation_check.setChecked(source.is_rotation)
            self.mental_check.setChecked(source.is_mental_health)
        self.note_edit = QLineEdit(source.note if source else "")
        self._lay_out()
        self.convert_button.clicked.connect(self.convert_days)
        self.category_box.currentIndexChanged.connect(self._category_changed)
        self.start_edit.dateChanged.connect(self._start_changed)
        self._category_changed()
        self.resize(560, 0)

    def _lay_out(self) -> None:
        self.add_field("name", "培训名称*", self.name_edit)
        self.add_field("organiser", "组织单位*", self.organiser_box)
        self.add_field("organiser_unit_id", "承办单位", self.unit_box)
        self.add_field("form", "培训形式*", self.form_box)
        category = QWidget()
        row = QHBoxLayout(category)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.category_box)
        row.addWidget(self.category_hint, 1)
        self.add_field("category", "培训类别*", category)
        self.add_field("start_date", "开始日期*", self.start_edit, aliases=("开始日期",))
        self.add_field("end_date", "结束日期*", self.end_edit, aliases=("结束日期",))
        hours = QWidget()
        row = QHBoxLayout(hours)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.hours_spin)
        row.addSpacing(12)
        row.addWidget(QLabel("脱产"))
        row.addWidget(self.days_spin)
        row.addWidget(self.convert_button)
        row.addStretch(1)
        self.add_field("hours", "每人学时*", hours, aliases=("default_hours", "days"))
        flags = QWidget()
        row = QHBoxLayout(flags)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.rotation_check)
        row.addWidget(self.mental_check)
        row.addStretch(1)
        self.add_field("flags", "标记", flags, aliases=("is_rotation", "is_mental_health"))
        self.add_field("note", "备注", self.note_edit)
        self.outer.insertWidget(1, hint_label("每人学时是添加参训人员时的默认值，个人学时（如中途离开）可在参训名单中逐人修改。"
                                              "培训按结束日期计入年度学时。"))

    @staticmethod
    def _convert_tip() -> str:
        return (f"脱产培训 1 天折合 {get_setting('hours_per_day'):g} 学时，半天折合 "
                f"{get_setting('hours_per_half_day'):g} 学时（可在“设置”中修改）。")

    def _category_changed(self) -> None:
        political = combo_value(self.category_box) == POLITICAL_CATEGORY
        self.category_hint.setText("政治理论学时单独记录，不计入每年培训学时。" if political else "")

    def _start_changed(self) -> None:
        if self.end_edit.date() < self.start_edit.date():
            self.end_edit.setDate(self.start_edit.date())

    def convert_days(self) -> None:
        self.clear_errors()
        try:
            self.hours_spin.setValue(days_to_hours(self.days_spin.value()))
        except ValidationError as exc:
            self.show_errors([exc])

    def session_input(self) -> SessionInput:
        return SessionInput(name=self.name_edit.text(), start_date=pydate(self.start_edit.date()),
                            end_date=pydate(self.end_edit.date()), organiser=combo_value(self.organiser_box),
                            organiser_unit_id=self.unit_box.currentData(), form=combo_value(self.form_box),
                            category=combo_value(self.category_box), default_hours=self.hours_spin.value(),
                            is_rotation=self.rotation_check.isChecked(),
                            is_mental_health=self.mental_check.isChecked(), note=self.note_edit.text())

    def save(self) -> None:
        data = self.session_input()
        if self.session_id:
            self.saved = update_session(self.session_id, data)
        else:
            self.saved = create_session(data)


class CopySessionDialog(FieldFormDialog):
    """复制为新一期: the same course held again on new dates; its attendees only if asked."""

    def __init__(self, parent: QWidget | None, session_id: int) -> None:
        super().__init__("复制为新一期", parent)
        self.session_id = session_id
        self.saved = None
        source = get_session(session_id)
        count = Attendance.select().where(Attendance.session == session_id).count()
        length = source.end_date - source.start_date
        heading = QLabel(f"<b>{html.escape(source.name)}</b><br><span style='color:#666'>"
                         f"原日期 {source.start_date:%Y-%m-%d} 至 {source.end_date:%Y-%m-%d}，"
                         f"{source.form}，{source.category}，每人 {source.default_hours:g} 学时，"
                         f"参训 {count} 人</span>")
        heading.setWordWrap(True)
        self.outer.insertWidget(0, heading)
        start = dt.date.today()
        self.start_edit = date_edit(start)
        self.end_edit = date_edit(start + length)
        self.attendees_check = QCheckBox(f"同时复制参训人员（{count} 人，按每人默认学时）")
        self.attendees_check.setEnabled(count > 0)
        self.add_field("start_date", "新一期开始日期*", self.start_edit, aliases=("开始日期",))
        self.add_field("end_date", "新一期结束日期*", self.end_edit, aliases=("结束日期",))
        self.form.addRow("", self.attendees_check)
        self.start_edit.dateChanged.connect(lambda day: self.end_edit.setDate(day.addDays(length.days)))
        self.resize(480, 0)

    def set_dates(self, start: dt.date, end: dt.date) -> None:
        self.start_edit.setDate(qdate(start))
        self.end_edit.setDate(qdate(end))

    def save(self) -> None:
        self.saved = copy_session(self.session_id, pydate(self.start_edit.date()),
                                  pydate(self.end_edit.date()), with_attendees=self.attendees_check.isChecked())
