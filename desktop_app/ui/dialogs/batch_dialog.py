"""Batch actions on the officers selected in the list: 年审通过, 注销证件, 调动到单位.

One dialog is the confirmation (it names the count and the people); the page then runs the batch on a
worker thread (core/personnel/batch.run_batch) in one transaction. Each officer goes through the core services inside a
savepoint, so an officer the core refuses is left untouched and reported with the core's reason, and the
others are done. An unexpected error (not a refusal), or 取消 during the run, rolls the whole batch back.
"""
from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QWidget

from desktop_app.core.errors import ValidationError
from desktop_app.core.personnel import certificates as certs
from desktop_app.core.personnel.batch import cancel_cards, move_to, review_pass
from desktop_app.core.personnel.roster import RosterRow
from desktop_app.ui.dialogs.field_form import FieldFormDialog, choice_combo, combo_value, date_edit, pydate
from desktop_app.ui.dialogs.officer_change_dialogs import unit_combo

TITLES = {"review_pass": "年审通过", "cancel": "注销证件", "move": "调动到单位"}
POLICY = ("逐人办理：不符合条件的人员（例如证件不是“有效”状态、已在目标单位）会被跳过并列出原因，"
          "其余人员照常办理；如中途取消或发生意外错误，整批都不作改动。")
SHOWN_NAMES = 12


class BatchDialog(FieldFormDialog):
    def __init__(self, parent: QWidget | None, action: str, rows: Sequence[RosterRow]) -> None:
        super().__init__(f"批量{TITLES[action]}", parent)
        self.action, self.rows = action, list(rows)
        self.step_fn: Callable[[RosterRow], None] | None = None  # what to do per officer, once confirmed
        names = "、".join(html.escape(r.name) for r in self.rows[:SHOWN_NAMES])
        more = f" 等 {len(self.rows)} 人" if len(self.rows) > SHOWN_NAMES else ""
        label = QLabel(f"将为所选的 <b>{len(self.rows)}</b> 人办理“{TITLES[action]}”：{names}{more}。"
                       f"<br><span style='color:#666'>{POLICY}</span>")
        label.setWordWrap(True)
        self.outer.insertWidget(0, label)
        if action == "move":
            self.unit_box = unit_combo()
            self.add_field("unit_id", "调入单位*", self.unit_box)
        self.date_edit = date_edit(latest=dt.date.today())
        self.add_field("on_date", "日期*", self.date_edit)
        if action == "cancel":
            self.reason_combo = choice_combo(certs.CANCEL_REASONS, blank=None, editable=True)
            self.reason_combo.setCurrentIndex(-1)
            self.reason_combo.lineEdit().setPlaceholderText("选择或填写注销原因")
            self.add_field("reason", "注销原因*", self.reason_combo)
        if action == "move":
            self.reason_edit = QLineEdit()
            self.add_field("reason", "事由", self.reason_edit)
        self.doc_edit = QLineEdit()
        self.doc_edit.setPlaceholderText("可留空")
        self.add_field("doc_number", "文号", self.doc_edit)
        self.buttons.button(QDialogButtonBox.Ok).setText(f"{TITLES[action]}（{len(self.rows)} 人）")
        self.resize(520, 0)

    def step(self) -> Callable[[RosterRow], None]:
        day, doc = pydate(self.date_edit.date()), self.doc_edit.text()
        if self.action == "review_pass":
            return review_pass(day, doc)
        if self.action == "cancel":
            reason = combo_value(self.reason_combo)
            if not reason:
                raise ValidationError("请选择或填写注销原因。", "reason")
            return cancel_cards(day, reason, doc)
        if not self.unit_box.currentData():
            raise ValidationError("请选择调入单位。", "unit_id")
        return move_to(self.unit_box.currentData(), day, self.reason_edit.text(), doc)

    def save(self) -> None:
        self.step_fn = self.step()  # checks the inputs; the page runs the batch off the GUI thread
