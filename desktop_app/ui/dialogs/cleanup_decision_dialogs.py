"""The small dialogs of the cleanup wizard's 逐项决定 step: 换证 (RenewDialog) and one reason for a
selection (ReasonDialog), and the reason combo they share with the decision table's editor.
"""
from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.personnel import certificates as certs
from desktop_app.core.personnel import cleanup as cl
from desktop_app.ui.dialogs.cleanup_pages import error_label
from desktop_app.ui.dialogs.field_form import date_edit, fit_height, pydate, qdate
from desktop_app.ui.table_models import cleanup_models as cm

REASONS = {
    cl.CANCEL: certs.CANCEL_REASONS,
    cl.SUSPEND: certs.SUSPEND_REASONS,
    cl.REVOKE: ("调离", "退休", "辞职", "不再从事执法", "死亡", "暂扣期间拒不改正", "严重违法违纪", "受到刑事处罚",
                "受到处分", "其他"),
}
AUTO_REASON = "__auto__"


def reason_combo(action: str, current: str = "") -> QComboBox:
    box = QComboBox()
    box.setEditable(True)
    box.addItems(list(REASONS[action]))
    box.setCurrentIndex(-1)
    box.lineEdit().setPlaceholderText("选择或填写原因")
    if current:
        box.setEditText(current)
    return box



class _FittedDialog(QDialog):
    """Wrapped labels get their full height once the dialog has its real width (see field_form.fit_height)."""

    def showEvent(self, event) -> None:  # Qt override
        super().showEvent(event)
        QTimer.singleShot(0, self, lambda: fit_height(self, grow_only=False))


class RenewDialog(_FittedDialog):
    """换证 for one card or a selection: the shared 换证日期 / 有效期至 / 发证机关 and a new number per card."""

    def __init__(self, parent: QWidget | None, lines: list[cm.DecisionLine], on_date: dt.date) -> None:
        super().__init__(parent)
        self.lines = lines
        self.setWindowTitle("换证" if len(lines) == 1 else f"对所选 {len(lines)} 项：换证")
        layout = QVBoxLayout(self)
        explain = QLabel("原证改为“已换证”，同时以新证号发放新证（清理应用时办理）。"
                         + ("" if len(lines) == 1 else "未填新证号的项标为待补充，可稍后在表中双击填写。"))
        explain.setWordWrap(True)
        layout.addWidget(explain)
        first = lines[0]
        issued = first.issued_on or min(on_date, dt.date.today())
        form = QFormLayout()
        self.issued_edit = date_edit(issued, latest=dt.date.today())
        self.until_edit = date_edit(first.valid_until or certs.default_valid_until(issued))
        self._until_follows = first.valid_until is None
        self.issued_edit.dateChanged.connect(self._issued_changed)
        self.until_edit.dateChanged.connect(lambda _d: setattr(self, "_until_follows", False))
        self.issuer_edit = QLineEdit(first.issuer or (first.card.issuer if first.card and first.card.issuer else "")
                                     or certs.default_issuer())
        form.addRow("换证日期*", self.issued_edit)
        form.addRow("新证有效期至*", self.until_edit)
        form.addRow("发证机关", self.issuer_edit)
        layout.addLayout(form)

        numbers = QWidget()
        grid = QGridLayout(numbers)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(10)
        grid.setColumnStretch(1, 1)
        self.number_edits: list[QLineEdit] = []
        for row, line in enumerate(lines):
            who = QLabel(f"{html.escape(line.officer.name)}（{html.escape(line.officer.unit_name)}）"
                         f"<br><span style='color:#666'>原证 {html.escape(line.card_number)}</span>")
            edit = QLineEdit(line.number)
            edit.setPlaceholderText("新证号")
            edit.setMinimumWidth(180)
            grid.addWidget(who, row, 0)
            grid.addWidget(edit, row, 1, Qt.AlignVCenter)
            self.number_edits.append(edit)
        layout.addWidget(QLabel("新证号*" if len(lines) == 1 else "新证号（每张证件一个）"))
        if len(lines) > 5:
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(numbers)
            scroll.setMinimumHeight(260)
            layout.addWidget(scroll, 1)
        else:
            layout.addWidget(numbers)
        self.error_label = error_label()
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("确定")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self._on_accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 0)

    def _issued_changed(self, value: QDate) -> None:
        if self._until_follows:
            self.until_edit.blockSignals(True)
            self.until_edit.setDate(qdate(certs.default_valid_until(pydate(value))))
            self.until_edit.blockSignals(False)

    @property
    def issued_on(self) -> dt.date:
        return pydate(self.issued_edit.date())

    @property
    def valid_until(self) -> dt.date:
        return pydate(self.until_edit.date())

    @property
    def issuer(self) -> str:
        return self.issuer_edit.text().strip()

    def numbers(self) -> list[str]:
        return ["".join(edit.text().split()).upper() for edit in self.number_edits]

    def problem(self) -> str:
        if self.valid_until <= self.issued_on:
            return "新证有效期应晚于换证日期。"
        numbers = self.numbers()
        if len(numbers) == 1 and not numbers[0]:
            return "请填写新证号。"
        seen: set[str] = set()
        for line, number in zip(self.lines, numbers):
            if number and line.card and number == (line.card.number or "").upper():
                return f"{line.officer.name}：换证须使用新的证号。"
            if number and number in seen:
                return f"新证号 {number} 填了两次，每张新证的证号应不同。"
            seen.add(number)
        return ""

    def _on_accept(self) -> None:
        problem = self.problem()
        if problem:
            self.error_label.setText(problem)
            self.error_label.show()
            return
        self.accept()


class ReasonDialog(_FittedDialog):
    """注销 / 收回 / 暂扣 for a selection: one reason (or each line's own) and, for 暂扣, the end date."""

    def __init__(self, parent: QWidget | None, action: str, lines: list[cm.DecisionLine], skipped: int,
                 on_date: dt.date) -> None:
        super().__init__(parent)
        self.action = action
        self.setWindowTitle(f"对所选 {len(lines) + skipped} 项：{cl.ACTIONS[action]}")
        layout = QVBoxLayout(self)
        text = f"将 {len(lines)} 张证件设为“{cl.ACTIONS[action]}”。"
        if skipped:
            text += f"另有 {skipped} 项的证件状态不能{cl.ACTIONS[action]}，保持原决定。"
        intro = QLabel(text)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.reason_combo = reason_combo(action)
        own = [cm.default_reason(line.candidate, action) for line in lines]
        if any(own):  # most lines already imply a reason (退休 → 退休, 过期 → 期满未换证 …)
            self.reason_combo.insertItem(0, "按各项的清理原因填写", AUTO_REASON)
            self.reason_combo.insertSeparator(1)
            self.reason_combo.setCurrentIndex(0)
        form.addRow("原因*", self.reason_combo)
        self.until_edit = None
        if action == cl.SUSPEND:
            self.until_edit = date_edit(on_date + dt.timedelta(days=cm.SUSPEND_DAYS))
            self.until_edit.setMinimumDate(qdate(on_date + dt.timedelta(days=1)))
            form.addRow("暂扣至*", self.until_edit)
        layout.addLayout(form)
        self.error_label = error_label()
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText(cl.ACTIONS[action])
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self._on_accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(460, 0)

    @property
    def reason(self) -> str | None:
        """The reason typed or chosen; None: each line keeps its own."""
        box = self.reason_combo
        if box.currentIndex() >= 0 and box.itemData(box.currentIndex()) == AUTO_REASON \
                and box.currentText() == box.itemText(box.currentIndex()):
            return None
        return box.currentText().strip()

    @property
    def until(self) -> dt.date | None:
        return pydate(self.until_edit.date()) if self.until_edit is not None else None

    def _on_accept(self) -> None:
        if self.reason == "":
            self.error_label.setText("请选择或填写原因。")
            self.error_label.show()
            return
        self.accept()
