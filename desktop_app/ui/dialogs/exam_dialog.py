"""登记资格考试: date, score and result (通过 / 未通过 / 免试 through 法律职业资格)."""
from __future__ import annotations

import datetime as dt
import html

from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QLineEdit, QRadioButton, QWidget

from desktop_app.core.errors import ValidationError
from desktop_app.core.personnel.certificates import add_exam
from desktop_app.core.personnel.roster import RosterRow
from desktop_app.ui.dialogs.field_form import FieldFormDialog, date_edit, pydate


class ExamDialog(FieldFormDialog):
    def __init__(self, parent: QWidget | None, officer: RosterRow) -> None:
        super().__init__("登记资格考试", parent)
        self.officer = officer
        self.saved = None
        heading = QLabel(f"<b>{html.escape(officer.name)}</b>（{html.escape(officer.unit_name)}）<br>"
                         "<span style='color:#666'>通过资格考试（或因具有法律职业资格免试）后才能申领行政执法证。</span>")
        heading.setWordWrap(True)
        self.outer.insertWidget(0, heading)
        self.date_edit = date_edit(latest=dt.date.today())
        self.score_edit = QLineEdit()
        self.score_edit.setPlaceholderText("0–100，可留空")
        self.passed = QRadioButton("通过")
        self.failed = QRadioButton("未通过")
        self.exempt = QRadioButton("免试（法律职业资格）")
        self.passed.setChecked(True)
        self.result_group = QButtonGroup(self)
        results = QWidget()
        row = QHBoxLayout(results)
        row.setContentsMargins(0, 0, 0, 0)
        for button in (self.passed, self.failed, self.exempt):
            self.result_group.addButton(button)
            row.addWidget(button)
        row.addStretch(1)
        self.note_edit = QLineEdit()
        self.add_field("on_date", "考试日期*", self.date_edit, aliases=("考试日期",))
        self.add_field("score", "成绩", self.score_edit)
        self.add_field("result", "结果*", results)
        self.add_field("note", "备注", self.note_edit)
        self.resize(460, 0)

    def score(self) -> float | None:
        text = self.score_edit.text().strip()
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            raise ValidationError(f"成绩“{text}”不是数字。", "score") from None

    def save(self) -> None:
        self.saved = add_exam(self.officer.id, pydate(self.date_edit.date()), self.score(),
                              passed=self.passed.isChecked(), exempt=self.exempt.isChecked(),
                              note=self.note_edit.text())
