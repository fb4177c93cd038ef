"""Step 2 of the cleanup wizard, 逐项决定: the decision table with its editors, the counts, the details of
the current line and the buttons that set one decision for a selection. DecisionsPage is mixed into
CleanupWizard (cleanup_wizard.py); the 换证 and reason dialogs are in cleanup_decision_dialogs.py.
"""
from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.personnel import cleanup as cl
from desktop_app.ui.dialogs.cleanup_decision_dialogs import ReasonDialog, RenewDialog, reason_combo
from desktop_app.ui.dialogs.cleanup_pages import DECIDE, error_label
from desktop_app.ui.dialogs.field_form import date_edit, pydate, qdate
from desktop_app.ui.dialogs.step_frame import hint_label
from desktop_app.ui.pages.common import make_table
from desktop_app.ui.table_models import cleanup_models as cm

BULK = ((cl.KEEP, "继续有效"), (cl.RESTORE, "恢复"), (cl.SUSPEND, "暂扣…"), (cl.CANCEL, "注销…"),
        (cl.REVOKE, "收回…"), (cl.RENEW, "换证…"))


class DecisionDelegate(QStyledItemDelegate):
    """处理决定: a combo of the decisions the card allows; 处理原因: the reason list (editable);
    暂扣至: a date. 换证's new card is asked for in RenewDialog (the model's renew_requested)."""

    def __init__(self, model: cm.DecisionModel, parent=None) -> None:
        super().__init__(parent)
        self.model = model

    def createEditor(self, parent: QWidget, option, index) -> QWidget | None:  # Qt override
        line = self.model.line_at(index.row())
        if line is None:
            return None
        column = index.column()
        if column == cm.ACTION:
            box = QComboBox(parent)
            for action in line.candidate.actions:
                box.addItem(cm.action_label(action, line.has_card) + ("…" if action == cl.RENEW else ""), action)
            box.activated.connect(lambda _i, b=box: self._commit(b))
            QTimer.singleShot(0, box, box.showPopup)  # one click less: the choices open at once
            return box
        if column == cm.ACTION_REASON and line.action in cm.NEEDS_REASON:
            box = reason_combo(line.action)
            box.setParent(parent)
            box.activated.connect(lambda _i, b=box: self._commit(b))
            return box
        if column == cm.DETAIL and line.action == cl.SUSPEND:
            edit = date_edit(line.until)
            edit.setParent(parent)
            edit.setMinimumDate(qdate(self.model.on_date + dt.timedelta(days=1)))
            return edit
        return None

    def setEditorData(self, editor: QWidget, index) -> None:  # Qt override
        line = self.model.line_at(index.row())
        if line is None:
            return
        if isinstance(editor, QComboBox) and not editor.isEditable():
            editor.setCurrentIndex(max(0, editor.findData(line.action)))
        elif isinstance(editor, QComboBox):
            editor.setEditText(line.reason)
        elif isinstance(editor, QDateEdit) and line.until is not None:
            editor.setDate(qdate(line.until))

    def setModelData(self, editor: QWidget, model, index) -> None:  # Qt override
        if isinstance(editor, QComboBox) and not editor.isEditable():
            model.setData(index, editor.currentData())
        elif isinstance(editor, QComboBox):
            model.setData(index, editor.currentText())
        elif isinstance(editor, QDateEdit):
            model.setData(index, pydate(editor.date()))

    def destroyEditor(self, editor: QWidget, index) -> None:  # Qt override
        editor.setProperty("closed", True)  # an editable combo still emits activated as it loses focus
        super().destroyEditor(editor, index)

    def _commit(self, editor: QWidget) -> None:
        """A choice from the list is final: write it and close the editor."""
        if editor.property("closed"):
            return
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, QAbstractItemDelegate.NoHint)


class DecisionsPage:
    """The 逐项决定 page's widgets and slots; step, next_button, status_label and _busy are CleanupWizard's."""

    def _decide_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel("清理原因："))
        self.rule_combo = QComboBox()
        self.rule_combo.setMinimumWidth(260)
        self.rule_combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        top.addWidget(self.rule_combo)
        self.shown_label = hint_label()
        self.shown_label.setWordWrap(False)
        top.addWidget(self.shown_label)
        top.addStretch(1)
        self.counts_label = QLabel()
        self.counts_label.setTextFormat(Qt.RichText)
        top.addWidget(self.counts_label)
        layout.addLayout(top)
        self.decide_error = error_label()
        layout.addWidget(self.decide_error)

        self.model = cm.DecisionModel(self)
        self.table = make_table(self.model)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed)
        self.delegate = DecisionDelegate(self.model, self.table)
        self.table.setItemDelegate(self.delegate)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.ElideRight)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSortIndicator(-1, Qt.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().setDefaultSectionSize(28)
        layout.addWidget(self.table, 1)
        self.current_label = QLabel()
        self.current_label.setTextFormat(Qt.RichText)
        self.current_label.setWordWrap(True)
        self.current_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.current_label.setStyleSheet("background: white; border: 1px solid #dde2e8; border-radius: 4px;"
                                         " padding: 6px 10px;")
        layout.addWidget(self.current_label)

        bulk = QHBoxLayout()
        self.selection_label = QLabel()
        self.selection_label.setMinimumWidth(110)
        bulk.addWidget(self.selection_label)
        self.bulk_buttons: dict[str, QPushButton] = {}
        for action, text in BULK:
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, a=action: self.bulk_set(a))
            bulk.addWidget(button)
            self.bulk_buttons[action] = button
        self.suggest_button = QPushButton("恢复建议")
        self.suggest_button.setAutoDefault(False)
        self.suggest_button.setToolTip("所选各项改回清理规则建议的处理")
        self.suggest_button.clicked.connect(self.bulk_suggested)
        bulk.addWidget(self.suggest_button)
        bulk.addStretch(1)
        layout.addLayout(bulk)
        layout.addWidget(hint_label("双击“处理决定”“处理原因”“暂扣至 / 新证”修改一项；按住 Ctrl 或 Shift 选中多项（Ctrl+A "
                               "全选当前列出的项）后，用上面的按钮统一处理。加粗的处理决定与建议不同，标红的格子还需填写。"))

        self.model.changed.connect(self._decisions_changed)
        self.model.renew_requested.connect(self.ask_renewal, Qt.QueuedConnection)
        self.rule_combo.currentIndexChanged.connect(self._rule_chosen)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._selection_changed)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.selectionModel().currentRowChanged.connect(self._show_current)
        self.model.modelReset.connect(self._show_current)
        self.model.dataChanged.connect(self._show_current)
        return page

    def _fit_columns(self) -> None:
        widths = {cm.UNIT: 164, cm.NAME: 64, cm.ID_NUMBER: 136, cm.NUMBER: 116, cm.STATE: 58, cm.ACTION: 76,
                  cm.ACTION_REASON: 106, cm.DETAIL: 146}
        header = self.table.horizontalHeader()
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.Interactive)
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(cm.REASON, QHeaderView.Stretch)
        header.setMinimumSectionSize(48)

    def _fill_rule_combo(self) -> None:
        self.rule_combo.blockSignals(True)
        self.rule_combo.clear()
        self.rule_combo.addItem(f"全部（{len(self.model.lines)} 项）", cm.ALL_RULES)
        counts = self.model.rule_counts()
        for rule, name in cl.RULES.items():
            if counts.get(rule):
                self.rule_combo.addItem(f"{name}（{counts[rule]}）", rule)
        self.rule_combo.addItem("", cm.MISSING)
        self.rule_combo.blockSignals(False)
        self._update_missing_item()

    def _update_missing_item(self) -> None:
        position = self.rule_combo.findData(cm.MISSING)
        if position >= 0:
            self.rule_combo.setItemText(position, f"待补充的项（{len(self.model.missing_lines())}）")

    def _rule_chosen(self) -> None:
        self.model.set_rule(self.rule_combo.currentData() or cm.ALL_RULES)
        self._update_shown()

    def _update_shown(self) -> None:
        total, shown = len(self.model.lines), len(self.model.visible)
        self.shown_label.setText(f"共 {total} 项" + (f"，列出 {shown} 项" if shown != total else ""))

    def _decisions_changed(self) -> None:
        counts = self.model.counts()
        parts = []
        for action in cm.COUNT_ORDER:
            if counts.get(action):
                colour = cm.ACTION_COLOURS.get(action, "#333333")
                parts.append(f"<span style='color:{colour}'>{cl.ACTIONS[action]} <b>{counts[action]}</b></span>")
        if counts.get("none"):
            parts.append(f"不作处理 <b>{counts['none']}</b>")
        missing = len(self.model.missing_lines())
        if missing:
            parts.append(f"<span style='color:#c0392b'>待补充 <b>{missing}</b></span>")
        self.counts_label.setText("　".join(parts))
        self._update_missing_item()
        self._selection_changed()
        if self.step == DECIDE:
            self.next_button.setEnabled(bool(self.model.lines) and not self._busy)

    def selected_lines(self) -> list[cm.DecisionLine]:
        """From the selection's ranges: selectedRows() asks flags() of every cell (0.2 s for 2,000 lines)."""
        rows: set[int] = set()
        for selected in self.table.selectionModel().selection():
            rows.update(range(selected.top(), selected.bottom() + 1))
        return [line for line in (self.model.line_at(r) for r in sorted(rows)) if line is not None]

    def _selection_changed(self, *_args) -> None:
        lines = self.selected_lines()
        self.selection_label.setText(f"对所选 {len(lines)} 项：")
        for action, button in self.bulk_buttons.items():
            button.setEnabled(any(action in line.candidate.actions for line in lines))
        self.suggest_button.setEnabled(any(not line.is_suggested for line in lines))

    def _show_current(self, *_args) -> None:
        """The whole story of the current line under the table (the 清理原因 column is cut short)."""
        line = self.model.line_at(self.table.currentIndex().row())
        if line is None:
            self.current_label.setText("<span style='color:#666'>点选一行，这里显示该项的全部清理原因和建议。</span>")
            return
        officer, card, e = line.officer, line.card, html.escape
        if card is not None and card.number:
            until = f"，有效期至 {card.valid_until:%Y-%m-%d}" if card.valid_until else ""
            card_text = f"证件 {e(card.number)}（{e(card.state)}{until}）"
        elif card is not None:
            card_text = f"{e(card.state)}的证件（尚未编号）"
        else:
            card_text = "没有可处理的证件"
        suggested = line.candidate.suggested
        advice = ""
        if suggested is not None:
            advice = cm.action_label(suggested.action, line.has_card) + (f"（{e(suggested.reason)}）"
                                                                          if suggested.reason else "")
            advice = f"<br><span style='color:#666'>建议：{advice}</span>"
        if line.action == cl.RENEW and line.number:
            advice += (f"<br>换证：新证 {e(line.number)}，换证日期 {line.issued_on or self.model.on_date:%Y-%m-%d}，"
                       f"有效期至 {line.valid_until:%Y-%m-%d}，发证机关 {e(line.issuer or '—')}")
        missing = line.missing(self.model.on_date)
        if missing:
            advice += f"　<span style='color:#c0392b'>{e(missing)}</span>"
        self.current_label.setText(f"<b>{e(officer.name)}</b>（{e(officer.unit_name)}，{e(officer.status)}）"
                                   f"　{card_text}：{e(line.candidate.reason_text)}{advice}")

    def _double_clicked(self, index) -> None:
        line = self.model.line_at(index.row())
        if line is not None and index.column() == cm.DETAIL and line.action == cl.RENEW:
            self.ask_renewal([line])

    def bulk_set(self, action: str, reason: str | None = None, until: dt.date | None = None) -> None:
        """One decision for the selection; lines whose card does not allow it keep theirs."""
        lines = self.selected_lines()
        allowed = [line for line in lines if action in line.candidate.actions]
        skipped = len(lines) - len(allowed)
        if not allowed:
            return
        if action == cl.RENEW:
            self.ask_renewal(allowed, skipped)
            return
        if action in cm.NEEDS_REASON and reason is None:
            dialog = ReasonDialog(self, action, allowed, skipped, self.model.on_date)
            if not dialog.exec():
                return
            reason, until = dialog.reason, dialog.until
        done, _ = self.model.set_action(allowed, action, reason, until)
        self._report_bulk(done, skipped, cl.ACTIONS[action])

    def bulk_suggested(self) -> None:
        done = self.model.reset_to_suggested(self.selected_lines())
        self.status_label.setText(f"已将 {done} 项改回建议的处理。")

    def _report_bulk(self, done: int, skipped: int, label: str) -> None:
        text = f"已将 {done} 项设为“{label}”。"
        if skipped:
            text += f"另有 {skipped} 项的证件状态不能{label}，保持原决定。"
        self.status_label.setText(text)

    def ask_renewal(self, lines: list[cm.DecisionLine], skipped: int = 0) -> bool:
        """The new card(s) for 换证; the lines become 换证 only when the clerk confirms."""
        lines = [line for line in lines if cl.RENEW in line.candidate.actions]
        if not lines:
            return False
        dialog = RenewDialog(self, lines, self.model.on_date)
        if not dialog.exec():
            return False
        self.model.set_renewals(list(zip(lines, dialog.numbers())), dialog.issued_on, dialog.valid_until,
                                dialog.issuer)
        if len(lines) > 1 or skipped:
            self._report_bulk(len(lines), skipped, "换证")
        return True
