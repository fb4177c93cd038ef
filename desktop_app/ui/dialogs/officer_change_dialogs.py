"""Changes to one officer that keep history: 调动, 离岗 (调离/退休/辞职/死亡) or 恢复在职, 年度考核."""
from __future__ import annotations

import datetime as dt
import html

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QSpinBox, QWidget

from desktop_app.core.personnel.certificates import CANCELLED, RENEWED, REVOKED
from desktop_app.core.personnel.officers import APPRAISAL_RESULTS, move_officer, set_appraisal, set_status
from desktop_app.core.personnel.roster import RosterRow
from desktop_app.core.units import active_units
from desktop_app.ui.dialogs.field_form import FieldFormDialog, choice_combo, combo_value, date_edit, pydate

LEAVING = ("调离", "退休", "辞职", "死亡")


def heading(officer: RosterRow, note: str) -> QLabel:
    label = QLabel(f"<b>{html.escape(officer.name)}</b>（{html.escape(officer.unit_name)}，{officer.status}）"
                   f"<br><span style='color:#666'>{note}</span>")
    label.setWordWrap(True)
    return label


def unit_combo(exclude: int | None = None) -> QComboBox:
    box = QComboBox()
    box.addItem("（请选择单位）", None)
    for unit in active_units():
        if unit.id != exclude:
            box.addItem(unit.name, unit.id)
    return box


class _ChangeDialog(FieldFormDialog):
    def _common_fields(self) -> None:
        self.date_edit = date_edit(latest=dt.date.today())
        self.reason_edit = QLineEdit()
        self.doc_edit = QLineEdit()
        self.doc_edit.setPlaceholderText("任免或调动文件的文号，可留空")
        self.add_field("on_date", "日期*", self.date_edit, aliases=("status",))
        self.add_field("reason", "事由", self.reason_edit)
        self.add_field("doc_number", "文号", self.doc_edit)


class MoveDialog(_ChangeDialog):
    """调动 within the county: the person keeps their record, certificates and history."""

    def __init__(self, parent: QWidget | None, officer: RosterRow) -> None:
        super().__init__("调动", parent)
        self.officer = officer
        self.outer.insertWidget(0, heading(officer, "在本县区内调动：人员记录、证件和履历都随人转到新单位。"
                                                    "证件上的单位名称请在年度清理时核对。"))
        self.unit_box = unit_combo(officer.unit_id)
        self.add_field("unit_id", "调入单位*", self.unit_box)
        self._common_fields()
        self.resize(480, 0)

    def save(self) -> None:
        move_officer(self.officer.id, self.unit_box.currentData(), pydate(self.date_edit.date()),
                     self.reason_edit.text(), self.doc_edit.text())


class StatusDialog(_ChangeDialog):
    """离岗 (调离/退休/辞职/死亡), by default cancelling the certificates in the same step; or 恢复在职."""

    def __init__(self, parent: QWidget | None, officer: RosterRow) -> None:
        returning = officer.status != "在职"
        super().__init__("恢复在职" if returning else "离岗", parent)
        self.officer = officer
        live = [c for c in officer.cards if c.state not in (CANCELLED, RENEWED, REVOKED)]
        note = ("恢复为在职（如误登记离岗）。已注销的证件不会恢复，须重新申领。" if returning else
                "人员记录保留，不会删除；离岗后不再计入在职执法人员。")
        self.outer.insertWidget(0, heading(officer, note))
        self.status_combo = choice_combo(["在职"] if returning else LEAVING, blank=None)
        self.add_field("status", "去向*" if not returning else "状态", self.status_combo)
        self._common_fields()
        self.cancel_check = QCheckBox("同时注销其名下尚未注销的证件（注销原因同离岗原因）")
        self.cancel_check.setChecked(True)
        if not returning and live:
            numbers = "、".join(c.number or "申领中的证件" for c in live)
            self.form.addRow("", self.cancel_check)
            hint = QLabel(f"涉及：{html.escape(numbers)}")
            hint.setObjectName("hintLabel")
            hint.setWordWrap(True)
            self.form.addRow("", hint)
        self.resize(500, 0)

    def save(self) -> None:
        cancel = self.cancel_check.isChecked() and self.officer.status == "在职"
        set_status(self.officer.id, combo_value(self.status_combo), pydate(self.date_edit.date()),
                   self.reason_edit.text(), self.doc_edit.text(), cancel_certificates=cancel)


class AppraisalDialog(FieldFormDialog):
    """年度考核 result for a year; entering a year again replaces its result."""

    def __init__(self, parent: QWidget | None, officer: RosterRow) -> None:
        super().__init__("年度考核", parent)
        self.officer = officer
        self.outer.insertWidget(0, heading(officer, "登记公务员（工作人员）年度考核结果；同一年度再次登记即更正。"))
        this_year = dt.date.today().year
        self.year_spin = QSpinBox()
        self.year_spin.setRange(1990, this_year)
        self.year_spin.setValue(this_year - 1)
        self.result_combo = choice_combo(APPRAISAL_RESULTS, blank=None)
        self.note_edit = QLineEdit()
        self.add_field("year", "考核年度*", self.year_spin)
        self.add_field("result", "考核结果*", self.result_combo)
        self.add_field("note", "备注", self.note_edit)
        self.resize(420, 0)

    def save(self) -> None:
        set_appraisal(self.officer.id, self.year_spin.value(), combo_value(self.result_combo),
                      self.note_edit.text())
