"""The detail pane of the 执法人员 page: one officer's record and the actions on it.

Each action opens its dialog; the core does the work and refuses what the rules forbid. A certificate action
is enabled only when the chosen card's state allows it (certificates.ALLOWED_FROM), with a tooltip saying
why not. After a change `changed` is emitted and the page reloads (through the data bus).
"""
from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import AppError
from desktop_app.core.personnel import certificates as certs
from desktop_app.core.personnel.cert_status import CardStatus
from desktop_app.core.personnel.roster import RosterRow
from desktop_app.ui.dialogs.certificate_dialog import CertificateDialog, card_label
from desktop_app.ui.error_dialog import show_error
from desktop_app.ui.pages.personnel_detail_html import officer_html, selection_html

CARD_BUTTONS = (("issue", "发证…"), ("review_pass", "年审通过…"), ("review_fail", "年审不通过…"),
                ("suspend", "暂扣…"), ("restore", "恢复…"), ("revoke", "收回…"), ("cancel", "注销…"),
                ("renew", "换证…"))
NEEDS_HOLDER = {"issue", "renew"}  # the core also refuses these for 辅助人员 and people who left
HINT = "在左侧列表中选择一名人员，这里显示其完整信息、证件变动记录、考试、考核和履历。"


def caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("hintLabel")
    return label


def row_of(buttons: list[QPushButton]) -> QHBoxLayout:
    layout = QHBoxLayout()
    layout.setSpacing(6)
    for button in buttons:
        layout.addWidget(button, 1)
    return layout


class OfficerDetail(QWidget):
    changed = Signal()
    open_officer = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row: RosterRow | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setObjectName("detailHeading")
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)  # 100%-wide tables overshoot by 1 px
        layout.addWidget(self.heading)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self._actions())
        self.show_officer(None)

    def _actions(self) -> QWidget:
        """Compact: a caption per row instead of group boxes, so the record above keeps the height."""
        box = QWidget()
        box.setObjectName("detailActions")
        layout = QGridLayout(box)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setHorizontalSpacing(6)
        layout.setVerticalSpacing(4)
        self.edit_button = QPushButton("编辑…")
        self.move_button = QPushButton("调动…")
        self.status_button = QPushButton("离岗…")
        self.exam_button = QPushButton("资格考试…")
        self.appraisal_button = QPushButton("年度考核…")
        self.person_buttons = [self.edit_button, self.move_button, self.status_button, self.exam_button,
                               self.appraisal_button]
        layout.addWidget(caption("人员"), 0, 0)
        layout.addLayout(row_of(self.person_buttons), 0, 1)
        self.card_combo = QComboBox()
        self.card_combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.card_combo.setMinimumContentsLength(16)
        self.apply_button = QPushButton("申领…")
        self.register_button = QPushButton("登记已有证件…")
        top = QHBoxLayout()
        top.addWidget(self.card_combo, 1)
        top.addWidget(self.apply_button)
        top.addWidget(self.register_button)
        layout.addWidget(caption("证件"), 1, 0)
        layout.addLayout(top, 1, 1)
        self.card_buttons: dict[str, QPushButton] = {kind: QPushButton(text) for kind, text in CARD_BUTTONS}
        buttons = list(self.card_buttons.values())
        layout.addLayout(row_of(buttons[:4]), 2, 1)
        layout.addLayout(row_of(buttons[4:]), 3, 1)
        layout.setColumnStretch(1, 1)
        self.edit_button.clicked.connect(self.edit)
        self.move_button.clicked.connect(lambda: self._change("move"))
        self.status_button.clicked.connect(lambda: self._change("status"))
        self.exam_button.clicked.connect(lambda: self._change("exam"))
        self.appraisal_button.clicked.connect(lambda: self._change("appraisal"))
        self.card_combo.currentIndexChanged.connect(self._update_card_buttons)
        self.apply_button.clicked.connect(lambda: self.certificate_action("apply"))
        self.register_button.clicked.connect(lambda: self.certificate_action("register"))
        for kind, button in self.card_buttons.items():
            button.clicked.connect(lambda _=False, k=kind: self.certificate_action(k))
        return box

    # ---- what is shown
    def show_officer(self, row: RosterRow | None) -> None:
        self.row = row
        if row is None:
            self.heading.setText("<b>人员详情</b>")
            self.browser.setHtml(f"<p style='color:#666'>{HINT}</p>")
        else:
            self.heading.setText(f"<span style='font-size:13pt; font-weight:bold; color:#1f3a5f'>"
                                 f"{html.escape(row.name)}</span>　{html.escape(row.gender)}　"
                                 f"{html.escape(row.unit_name)}　<b>{row.status}</b>")
            self.browser.setHtml(officer_html(row))
        self._fill_cards()
        self._update_person_buttons()

    def show_selection(self, rows: list[RosterRow]) -> None:
        self.row = None
        self.heading.setText(f"<b>已选 {len(rows)} 人</b>")
        self.browser.setHtml(selection_html(rows))
        self._fill_cards()
        self._update_person_buttons()

    def _fill_cards(self) -> None:
        self.card_combo.blockSignals(True)
        self.card_combo.clear()
        for card in (self.row.cards if self.row else []):
            self.card_combo.addItem(f"{card_label(card)}（{card.state}）", card.id)
        if self.row is not None and not self.row.cards:
            self.card_combo.addItem("（尚无证件）", None)
        self.card_combo.blockSignals(False)
        self._update_card_buttons()

    def current_card(self) -> CardStatus | None:
        card_id = self.card_combo.currentData()
        return next((c for c in self.row.cards if c.id == card_id), None) if self.row and card_id else None

    def _update_person_buttons(self) -> None:
        row = self.row
        for button in self.person_buttons:
            button.setEnabled(row is not None)
        self.status_button.setText("恢复在职…" if row is not None and row.status != "在职" else "离岗…")
        in_service = row is not None and row.status == "在职"
        self.move_button.setEnabled(in_service)
        self.move_button.setToolTip("" if in_service or row is None else f"已{row.status}，不能调动。")

    def _update_card_buttons(self) -> None:
        row, card = self.row, self.current_card()
        holder_problem = self._holder_problem(row)
        self.apply_button.setEnabled(row is not None and not holder_problem)
        self.apply_button.setToolTip(holder_problem)
        self.register_button.setEnabled(row is not None)
        self.card_combo.setEnabled(row is not None and bool(row.cards))
        for kind, button in self.card_buttons.items():
            allowed = card is not None and card.state in certs.ALLOWED_FROM[kind]
            why = ""
            if card is None:
                why = "先选择一张证件。" if row and row.cards else "此人尚无证件。"
            elif not allowed:
                states = "、".join(s for s in certs.ALLOWED_FROM[kind] if s)
                why = f"只有“{states}”的证件可以{certs.EVENTS[kind]}，此证当前为“{card.state}”。"
            elif kind in NEEDS_HOLDER and holder_problem:
                allowed, why = False, holder_problem
            button.setEnabled(allowed)
            button.setToolTip(why)

    @staticmethod
    def _holder_problem(row: RosterRow | None) -> str:
        if row is None:
            return ""
        if row.status != "在职":
            return f"已{row.status}，不能申领或换发证件。"
        if row.auxiliary:
            return f"{row.category}属于执法辅助人员，不能持有行政执法证件。"
        return ""

    # ---- actions
    def _run(self, dialog: QDialog) -> bool:
        if dialog.exec():
            self.changed.emit()
            return True
        return False

    def edit(self) -> None:
        from desktop_app.ui.dialogs.officer_dialog import OPEN_EXISTING, OfficerDialog

        if self.row is None:
            return
        try:
            dialog = OfficerDialog(self, self.row.id)
        except AppError as exc:
            show_error(self, exc)
            return
        result = dialog.exec()
        if result == OPEN_EXISTING and dialog.existing_id is not None:
            self.open_officer.emit(dialog.existing_id)
        elif result:
            self.changed.emit()

    def _change(self, what: str) -> None:
        from desktop_app.ui.dialogs import officer_change_dialogs as changes
        from desktop_app.ui.dialogs.exam_dialog import ExamDialog

        if self.row is None:
            return
        dialogs = {"move": changes.MoveDialog, "status": changes.StatusDialog, "exam": ExamDialog,
                   "appraisal": changes.AppraisalDialog}
        self._run(dialogs[what](self, self.row))

    def certificate_action(self, kind: str) -> None:
        if self.row is None:
            return
        card = None if kind in ("apply", "register") else self.current_card()
        if kind not in ("apply", "register") and card is None:
            return
        self._run(CertificateDialog(self, self.row, kind, card))
