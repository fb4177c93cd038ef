"""One dialog for every certificate action: 申领, 发证, 登记已有证件, 换证, 年审, 暂扣, 恢复, 收回, 注销.

The action decides the fields: a lifecycle event asks for its date, reason (editable list), 文号 and, for
暂扣, the end date; 发证/登记/换证 ask for the card itself. The core decides what is allowed; its refusal is
shown under the field it concerns.
"""
from __future__ import annotations

import datetime as dt
import html

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from desktop_app.core.models import CERT_KINDS
from desktop_app.core.personnel import certificates as certs
from desktop_app.core.personnel import dictionaries
from desktop_app.core.personnel.cert_status import CardStatus
from desktop_app.core.personnel.officers import get_officer
from desktop_app.core.personnel.roster import RosterRow
from desktop_app.ui.dialogs.field_form import (
    FieldFormDialog,
    choice_combo,
    combo_value,
    date_edit,
    pydate,
    qdate,
)

CARD_ACTIONS = ("issue", "register", "renew")
TITLES = {**certs.EVENTS, "register": "登记已有证件", "apply": "申领证件"}
EXPLAIN = {
    "apply": "申领须已通过资格考试（或免试）；执法辅助人员和已离岗人员不能申领。制证后再用“发证”登记证号。",
    "issue": "登记制发的证号、发证机关和有效期；发证后证件即为“有效”。",
    "register": "补录启用本台账之前已经发放的证件（如旧名册中的证件），不检查资格考试。",
    "renew": "原证改为“已换证”，同时以新证号发放新证。",
    "review_pass": "年审通过，证件继续有效。",
    "review_fail": "年审不通过，证件随即暂扣，整改后办理恢复。",
    "suspend": "暂扣期间不得从事执法；期满请办理恢复、收回或注销。",
    "restore": "暂扣结束，证件恢复有效。",
    "revoke": "收回后证件不得使用，之后可办理注销。",
    "cancel": "注销后证件作废，不能恢复；如需继续执法须重新申领。",
}
REASONS = {
    "cancel": certs.CANCEL_REASONS,
    "suspend": certs.SUSPEND_REASONS,
    "review_fail": ("培训学时不足", "年度考核不合格", "违法违纪被查处", "其他"),
    "revoke": ("暂扣期间拒不改正", "严重违法违纪", "受到刑事处罚", "受到处分", "其他"),
    "restore": ("暂扣期满", "重新培训考试合格", "其他"),
    "review_pass": (),
}



def card_label(card: CardStatus) -> str:
    return f"{CERT_KINDS.get(card.kind, card.kind)} {card.number or '（申领中，未编号）'}"



class CertificateDialog(FieldFormDialog):
    def __init__(self, parent: QWidget | None, officer: RosterRow, action: str,
                 card: CardStatus | None = None) -> None:
        super().__init__(TITLES[action], parent)
        self.officer, self.action, self.card = officer, action, card
        self.region = get_officer(officer.id).region  # the list's rows leave the details out
        self.result_value = None
        heading = f"<b>{html.escape(officer.name)}</b>（{html.escape(officer.unit_name)}）"
        if card is not None:
            until = f"，有效期至 {card.valid_until:%Y-%m-%d}" if card.valid_until else ""
            heading += f"<br>{html.escape(card_label(card))}：当前“{card.state}”{until}"
        label = QLabel(f"{heading}<br><span style='color:#666'>{EXPLAIN[action]}</span>")
        label.setWordWrap(True)
        self.outer.insertWidget(0, label)
        if action in CARD_ACTIONS:
            self._card_fields()
        elif action == "apply":
            self._apply_fields()
        else:
            self._event_fields()
        self.doc_edit = QLineEdit()
        self.doc_edit.setPlaceholderText("批准或通知文件的文号，可留空")
        self.add_field("doc_number", "文号", self.doc_edit)
        self.buttons.button(QDialogButtonBox.Ok).setText(TITLES[action])
        self.resize(500, 0)

    # ---- fields
    def _event_fields(self) -> None:
        self.date_edit = date_edit(latest=dt.date.today())
        self.add_field("on_date", "日期*", self.date_edit, aliases=("日期", "kind"))
        reasons = REASONS[self.action]
        required = self.action in certs.NEEDS_REASON
        self.reason_combo = choice_combo(reasons, blank="" if not required else None, editable=True)
        if required:
            self.reason_combo.setCurrentIndex(-1)
            self.reason_combo.lineEdit().setPlaceholderText("选择或填写原因")
        self.add_field("reason", "原因*" if required else "说明", self.reason_combo)
        if self.action == "suspend":
            self.until_edit = date_edit(dt.date.today() + dt.timedelta(days=90))
            self.add_field("until", "暂扣至*", self.until_edit, aliases=("暂扣截止日期",))

    def _apply_fields(self) -> None:
        self.date_edit = date_edit(latest=dt.date.today())
        self.kind_combo = choice_combo([], blank=None)
        for kind, label in CERT_KINDS.items():
            self.kind_combo.addItem(label, kind)
        self.field_combo = choice_combo(dictionaries.values(dictionaries.LAW_FIELD), self.officer.law_field,
                                        editable=True)
        self.region_edit = QLineEdit(self.region)
        self.add_field("on_date", "申领日期*", self.date_edit, aliases=("申领日期",))
        self.add_field("kind", "证件种类", self.kind_combo, aliases=("officer", "exam"))
        self.add_field("law_field", "执法类别", self.field_combo)
        self.add_field("region", "执法区域", self.region_edit)

    def _card_fields(self) -> None:
        old = self.card
        if self.action == "register":
            self.kind_combo = choice_combo([], blank=None)
            for kind, label in CERT_KINDS.items():
                self.kind_combo.addItem(label, kind)
            self.add_field("kind", "证件种类", self.kind_combo)
        self.number_edit = QLineEdit()
        self.number_edit.setPlaceholderText("新证号" if self.action == "renew" else "证件上的编号")
        self.issuer_edit = QLineEdit((old.issuer if old and old.issuer else "") or certs.default_issuer())
        issued = dt.date.today()
        self.issued_edit = date_edit(issued, latest=dt.date.today())
        self.until_edit = date_edit(certs.default_valid_until(issued))
        self._until_follows = True
        self.issued_edit.dateChanged.connect(self._issued_changed)
        self.until_edit.dateChanged.connect(self._until_changed)
        law_field = (old.law_field if old and old.law_field else "") or self.officer.law_field
        self.field_combo = choice_combo(dictionaries.values(dictionaries.LAW_FIELD), law_field, editable=True)
        self.region_edit = QLineEdit(self.region)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setFixedHeight(48)
        date_label = "换证日期*" if self.action == "renew" else "发证日期*"
        self.add_field("number", "新证号*" if self.action == "renew" else "证号*", self.number_edit)
        self.add_field("issuer", "发证机关", self.issuer_edit)
        self.add_field("issued_on", date_label, self.issued_edit,
                       aliases=("发证日期", "换证日期", "on_date", "kind", "officer"))
        self.add_field("valid_until", "有效期至*", self.until_edit, aliases=("有效期至",))
        self.add_field("law_field", "执法类别", self.field_combo)
        self.add_field("region", "执法区域", self.region_edit)
        self.add_field("note", "备注", self.note_edit)

    def _issued_changed(self, value) -> None:
        if self._until_follows:
            self.until_edit.blockSignals(True)
            self.until_edit.setDate(qdate(certs.default_valid_until(pydate(value))))
            self.until_edit.blockSignals(False)

    def _until_changed(self, _value) -> None:
        self._until_follows = False  # the clerk typed the card's own date: keep it

    # ---- saving
    def card_input(self) -> certs.CertificateInput:
        kind = self.kind_combo.currentData() if self.action == "register" else (self.card.kind if self.card else "law")
        return certs.CertificateInput(
            kind=kind, number=self.number_edit.text(), issuer=self.issuer_edit.text(),
            issued_on=pydate(self.issued_edit.date()), valid_until=pydate(self.until_edit.date()),
            law_field=combo_value(self.field_combo), region=self.region_edit.text(),
            note=self.note_edit.toPlainText())

    def save(self) -> None:
        doc = self.doc_edit.text()
        if self.action == "apply":
            self.result_value = certs.apply_for(self.officer.id, self.kind_combo.currentData(),
                                                pydate(self.date_edit.date()), combo_value(self.field_combo),
                                                self.region_edit.text(), doc)
        elif self.action == "register":
            self.result_value = certs.register_existing(self.officer.id, self.card_input(), doc)
        elif self.action == "issue":
            self.result_value = certs.issue(self.card.id, self.card_input(), doc)
        elif self.action == "renew":
            self.result_value = certs.renew(self.card.id, self.card_input(), doc)
        else:
            until = pydate(self.until_edit.date()) if self.action == "suspend" else None
            self.result_value = certs.add_event(self.card.id, self.action, pydate(self.date_edit.date()),
                                                combo_value(self.reason_combo), doc, until)
