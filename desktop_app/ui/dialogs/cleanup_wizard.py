"""年度清理 of 行政执法证件 in four steps (core/personnel/cleanup.py does the work):

1 范围 — 清理日期, 年度, one unit or all, 文号; 下一步 lists the candidates on a worker thread.
2 逐项决定 — one line per officer × card, prefilled with the suggested decision; the clerk changes a line
  (处理决定 / 处理原因 / 暂扣至 / 新证) or sets one decision for a selection; counts follow live.
3 确认 — what will be written; 应用 backs the database up (清理前) and applies everything in one
  transaction on a worker thread. A refusal names the officer and card, nothing is applied, and the wizard
  returns to step 2.
4 完成 — the result, 保存清理结果（Excel）…, 保存名单（Word）…, 打开所在文件夹.

`run_cleanup_wizard(parent)` returns the CleanupResult, or None when nothing was applied.
"""
from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from PySide6.QtCore import QDate, QStandardPaths, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import AppError
from desktop_app.core.personnel import certificates as certs
from desktop_app.core.personnel import cleanup as cl
from desktop_app.core.settings import get_setting
from desktop_app.ui.data_bus import DataBus
from desktop_app.ui.dialogs.field_form import date_edit, fit_height, pydate, qdate
from desktop_app.ui.dialogs.step_frame import hint_label, step_frame
from desktop_app.ui.error_dialog import show_error
from desktop_app.ui.pages.common import make_table, set_property
from desktop_app.ui.table_models import cleanup_models as cm
from desktop_app.ui.worker import run_job

SCOPE, DECIDE, CONFIRM, DONE = range(4)
STEPS = ("范围", "逐项决定", "确认", "完成")
MARKS = ("①", "②", "③", "④")

REASONS = {
    cl.CANCEL: certs.CANCEL_REASONS,
    cl.SUSPEND: certs.SUSPEND_REASONS,
    cl.REVOKE: ("调离", "退休", "辞职", "不再从事执法", "死亡", "暂扣期间拒不改正", "严重违法违纪", "受到刑事处罚",
                "受到处分", "其他"),
}
RULE_HELP = {  # what each rule finds, and what the wizard suggests
    cl.LEFT: ("调离、退休、辞职等人员的证件未注销", "建议注销"),
    cl.AUXILIARY: ("执法辅助人员不得持有执法证件", "建议注销"),
    cl.EXPIRED_CARD: ("超过有效期仍未换证", "建议注销，也可换证"),
    cl.SUSPEND_OVERDUE: ("暂扣期限已到，未恢复、收回或注销", "建议恢复"),
    cl.TWO_VALID: ("同一人同时有两个有效证件", "建议注销较早的一个"),
    cl.NO_VALID: ("在执法岗位上，但没有有效的执法证", "列出供核对"),
    cl.DUPLICATE: ("姓名、出生日期相同的两条人员记录", "列出供核对"),
    cl.UNDER_TRAINED: ("本年度培训学时未达到要求", "可选择暂扣"),
}
BULK = ((cl.KEEP, "继续有效"), (cl.RESTORE, "恢复"), (cl.SUSPEND, "暂扣…"), (cl.CANCEL, "注销…"),
        (cl.REVOKE, "收回…"), (cl.RENEW, "换证…"))
AUTO_REASON = "__auto__"




def documents_dir() -> Path:
    """Where the save dialogs start: the clerk's Documents folder (home when there is none)."""
    location = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation)
    path = Path(location) if location else Path.home()
    return path if path.is_dir() else Path.home()


def find_bus(widget: QWidget | None) -> DataBus | None:
    """The main window's data bus, reached from whatever page or dialog opened the wizard."""
    while widget is not None:
        bus = getattr(widget, "bus", None)
        if isinstance(bus, DataBus):
            return bus
        widget = widget.parentWidget()
    return None


def plan_summary(lines: list[cm.DecisionLine]) -> str:
    """“将注销 12 张、暂扣 3 张、换证 2 张、继续有效 40 张” (维持 for 暂扣 / 申领中 cards kept as they are)."""
    counts: dict[str, int] = {}
    for line in lines:
        if not line.has_card:
            key = "none"
        elif line.action == cl.KEEP and line.card.state != certs.VALID:
            key = "hold"
        else:
            key = line.action
        counts[key] = counts.get(key, 0) + 1
    parts = [f"{cl.ACTIONS[a]} {counts[a]} 张" for a in cm.COUNT_ORDER if counts.get(a)]
    if counts.get("hold"):
        parts.append(f"维持原状（暂扣、申领中）{counts['hold']} 张")
    text = "将" + "、".join(parts) if parts else "没有要处理的证件"
    if counts.get("none"):
        text += f"；另有 {counts['none']} 人没有可处理的证件，只列入清理结果"
    return text


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-size: 13pt; font-weight: bold; color: #1f3a5f;")
    return label


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("errorLabel")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    label.hide()
    return label


def _banner(label: QLabel, text: str, ok: bool = False) -> None:
    """A boxed message line: red for what stops the clerk, green for a plain 'nothing to do'."""
    colour, back, border = ("#1e5631", "#e8f5e9", "#a5d6a7") if ok else ("#c0392b", "#fdecea", "#f1b0a8")
    label.setStyleSheet(f"color: {colour}; background: {back}; border: 1px solid {border}; border-radius: 4px;"
                        " padding: 6px 10px;")
    label.setText(text)
    label.show()


def _reason_combo(action: str, current: str = "") -> QComboBox:
    box = QComboBox()
    box.setEditable(True)
    box.addItems(list(REASONS[action]))
    box.setCurrentIndex(-1)
    box.lineEdit().setPlaceholderText("选择或填写原因")
    if current:
        box.setEditText(current)
    return box


# ---- small dialogs --------------------------------------------------------------------------------------
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
        self.error_label = _error_label()
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
        self.reason_combo = _reason_combo(action)
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
        self.error_label = _error_label()
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


# ---- the decision table's editors --------------------------------------------------------------------------
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
            box = _reason_combo(line.action)
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


# ---- the wizard ---------------------------------------------------------------------------------------------
class CleanupWizard(QDialog):
    def __init__(self, parent: QWidget | None = None, bus: DataBus | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("年度证件清理")
        self.bus = bus or find_bus(parent)
        self.result_value: cl.CleanupResult | None = None
        self.saved_path: Path | None = None
        self._scope_key: tuple | None = None  # the scope the listed candidates were found for
        self._busy = False
        self.step = SCOPE

        self.steps_label, self.stack, self.status_label, buttons = step_frame(
            self, [self._scope_page(), self._decide_page(), self._confirm_page(), self._done_page()],
            ["‹ 上一步", "下一步 ›", "完成", "取消"])
        self.back_button, self.next_button, self.finish_button, self.cancel_button = buttons
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.finish_button.clicked.connect(self.accept)
        self.cancel_button.clicked.connect(self.reject)

        self.setMinimumSize(980, 600)
        screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen is not None else None
        # 1200 × 720, or less on a 1366 × 768 office screen (the title bar and task bar need their share)
        self.resize(min(1200, room.width() - 40) if room else 1200, min(720, room.height() - 60) if room else 720)
        self._show_step(SCOPE)

    # ---- step 1: 范围
    def _scope_page(self) -> QWidget:
        from desktop_app.core.models import Unit
        from desktop_app.core.units import tree_order

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(_heading("清理范围"))
        layout.addWidget(hint_label("每年对行政执法证件清理一次：按下面的规则列出需要处理的证件，逐项作出决定后一次办理。"
                               "点“应用”之前不会改动任何数据。"))
        form = QFormLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(10)
        self.date_edit = date_edit(dt.date.today(), latest=dt.date.today())
        self.date_edit.setMinimumWidth(140)
        date_row = QHBoxLayout()
        date_row.setSpacing(12)
        date_row.addWidget(self.date_edit)
        date_row.addWidget(hint_label("注销、暂扣等处理记为这一天的证件事件；证件状态也按这一天判断。"), 1)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setSuffix(" 年度")
        self.year_spin.setMinimumWidth(140)
        try:
            self.year_spin.setValue(int(get_setting("current_year") or dt.date.today().year))
        except (TypeError, ValueError):
            self.year_spin.setValue(dt.date.today().year)
        year_row = QHBoxLayout()
        year_row.addWidget(self.year_spin)
        year_row.addStretch(1)
        self.unit_combo = QComboBox()
        self.unit_combo.setMinimumWidth(360)
        self.unit_combo.setMaxVisibleItems(20)
        self.unit_combo.addItem("全部单位", None)
        units = list(Unit.select().where(Unit.retired_on.is_null()))
        for unit, depth in tree_order(units) if units else []:
            self.unit_combo.addItem("　" * depth + unit.name, unit.id)
        unit_row = QHBoxLayout()
        unit_row.addWidget(self.unit_combo)
        unit_row.addStretch(1)
        self.doc_edit = QLineEdit()
        self.doc_edit.setPlaceholderText("如：红司发〔2026〕12号，可留空")
        self.doc_edit.setMinimumWidth(360)
        doc_row = QHBoxLayout()
        doc_row.setSpacing(12)
        doc_row.addWidget(self.doc_edit)
        doc_row.addWidget(hint_label("写入每一条证件事件和清理结果。"), 1)
        form.addRow("清理日期*", date_row)
        form.addRow("清理年度", year_row)
        form.addRow("单位", unit_row)
        form.addRow("文号", doc_row)
        layout.addLayout(form)

        rules = QFrame()
        rules.setObjectName("card")
        rules_layout = QVBoxLayout(rules)
        rules_layout.addWidget(QLabel("<b>将列出以下情形</b>"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(6)
        for n, rule in enumerate(cl.RULES):
            what, suggestion = RULE_HELP[rule]
            label = QLabel(f"<b>{cl.RULES[rule]}</b>：{html.escape(what)}"
                           f"<span style='color:#666'>（{html.escape(suggestion)}）</span>")
            label.setWordWrap(True)
            grid.addWidget(label, n // 2, n % 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        rules_layout.addLayout(grid)
        layout.addSpacing(8)
        layout.addWidget(rules)
        layout.addStretch(1)
        return page

    def scope(self) -> tuple[dt.date, int, int | None, str]:
        return (pydate(self.date_edit.date()), self.year_spin.value(), self.unit_combo.currentData(),
                " ".join(self.doc_edit.text().split()))

    # ---- step 2: 逐项决定
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
        self.decide_error = _error_label()
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

    # ---- step 3: 确认
    def _confirm_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(_heading("确认清理决定"))
        self.plan_label = QLabel()
        self.plan_label.setWordWrap(True)
        self.plan_label.setStyleSheet("font-size: 12pt;")
        layout.addWidget(self.plan_label)
        self.scope_label = hint_label()
        layout.addWidget(self.scope_label)
        self.plan_heading = QLabel()
        layout.addWidget(self.plan_heading)
        self.plan = cm.plan_model(self)
        self.plan_table = make_table(self.plan)
        layout.addWidget(self.plan_table, 1)
        warning = QLabel("点“应用”后：① 先自动备份数据库（清理前备份，可在“数据管理”中恢复）；② 全部决定一次写入，"
                         "任何一项不能办理时全部不写入；③ 注销后证件作废，不能恢复。")
        warning.setWordWrap(True)
        warning.setStyleSheet("background: #fff8e1; border: 1px solid #f0d48a; border-radius: 4px;"
                              " padding: 8px 10px; color: #5d4300;")
        layout.addWidget(warning)
        self.confirm_error = _error_label()
        layout.addWidget(self.confirm_error)
        return page

    def _fill_confirm(self) -> None:
        on_date, year, unit_id, doc = self.scope()
        lines = self.model.lines
        self.plan_label.setText(plan_summary(lines) + "。")
        unit = self.unit_combo.currentText().strip() if unit_id else "全部单位"
        self.scope_label.setText(f"清理日期 {on_date:%Y-%m-%d}　{year} 年度　{unit}　文号：{doc or '（未填）'}")
        changing = [line for line in lines if line.has_card and line.action != cl.KEEP]
        self.plan.set_rows(changing)
        self.plan_heading.setText(f"以下 {len(changing)} 张证件将改变状态：" if changing
                                  else "没有证件改变状态（继续有效的证件记为年审通过）。")
        for column, width in enumerate((220, 80, 140, 90)):
            self.plan_table.setColumnWidth(column, width)
        self.confirm_error.hide()

    # ---- step 4: 完成
    def _done_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        title = _heading("清理完成")
        title.setStyleSheet("font-size: 13pt; font-weight: bold; color: #1e8449;")
        layout.addWidget(title)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setStyleSheet("font-size: 12pt;")
        layout.addWidget(self.result_label)
        self.backup_label = hint_label()
        self.backup_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.backup_label)
        self.result_rows = cm.result_model(self)
        self.result_table = make_table(self.result_rows)
        layout.addWidget(self.result_table, 1)
        row = QHBoxLayout()
        self.save_xlsx_button = QPushButton("保存清理结果（Excel）…")
        self.save_docx_button = QPushButton("保存名单（Word）…")
        self.open_folder_button = QPushButton("打开所在文件夹")
        for button in (self.save_xlsx_button, self.save_docx_button, self.open_folder_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        self.saved_label = QLabel()
        self.saved_label.setWordWrap(True)
        self.saved_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        row.addWidget(self.saved_label, 1)
        layout.addLayout(row)
        layout.addWidget(hint_label("名单（Word）只列注销、收回、暂扣的证件，按单位分组，可直接印发；清理结果（Excel）列出全部各项。"))
        self.save_xlsx_button.clicked.connect(self.save_xlsx)
        self.save_docx_button.clicked.connect(self.save_docx)
        self.open_folder_button.clicked.connect(self.open_folder)
        self.open_folder_button.setEnabled(False)
        return page

    def _fill_done(self) -> None:
        result = self.result_value
        self.result_label.setText(f"{result.year} 年度证件清理已办理。{result.summary}。")
        self.backup_label.setText(f"清理前的数据库备份：{result.backup}" if result.backup
                                  else "本次清理没有生成备份（数据库不在文件中）。")
        self.result_rows.set_rows(result.rows)
        for column, width in enumerate((220, 80, 140, 260)):
            self.result_table.setColumnWidth(column, width)

    # ---- navigation
    def _show_step(self, step: int) -> None:
        self.step = step
        self.stack.setCurrentIndex(step)
        marks = []
        for n, name in enumerate(STEPS):
            if n == step:
                marks.append(f"<span style='color:#1f3a5f; font-weight:bold'>{MARKS[n]} {name}</span>")
            elif n < step:
                marks.append(f"<span style='color:#1e8449'>{MARKS[n]} {name}</span>")
            else:
                marks.append(f"<span style='color:#9aa5b1'>{MARKS[n]} {name}</span>")
        self.steps_label.setText("<span style='color:#9aa5b1'>&nbsp;&nbsp;&nbsp;›&nbsp;&nbsp;&nbsp;</span>"
                                 .join(marks))
        self.status_label.clear()
        self.back_button.setVisible(step in (DECIDE, CONFIRM))
        self.next_button.setVisible(step != DONE)
        self.next_button.setText("应用" if step == CONFIRM else "下一步 ›")
        self.finish_button.setVisible(step == DONE)
        self.cancel_button.setVisible(step != DONE)
        self.next_button.setDefault(step in (SCOPE, DECIDE))  # 应用 is clicked, never reached by Enter
        self.finish_button.setDefault(step == DONE)
        self._set_busy(self._busy)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for button in (self.back_button, self.next_button, self.cancel_button):
            button.setEnabled(not busy)
        if self.step == DECIDE and not busy:
            self.next_button.setEnabled(bool(self.model.lines))

    def go_back(self) -> None:
        if not self._busy and self.step in (DECIDE, CONFIRM):
            self._show_step(self.step - 1)

    def go_next(self) -> None:
        if self._busy:
            return
        if self.step == SCOPE:
            self.find_candidates()
        elif self.step == DECIDE:
            self.to_confirm()
        elif self.step == CONFIRM:
            self.apply()

    def find_candidates(self) -> None:
        on_date, year, unit_id, _doc = self.scope()
        key = (on_date, year, unit_id)
        if key == self._scope_key:  # same scope: keep the decisions made so far
            self._show_step(DECIDE)
            return
        changed = self.model.changed_lines()
        if changed and QMessageBox.question(
                self, "重新查找", f"清理范围已改变，重新查找会放弃已修改的 {len(changed)} 项决定。是否继续？",
                QMessageBox.Yes | QMessageBox.No, QMessageBox.No) != QMessageBox.Yes:
            return

        def work(control):
            found = cl.build_candidates(today=on_date, year=year, unit_id=unit_id)
            control.check_cancelled()
            return found

        self._set_busy(True)
        run_job(self, "正在查找需要清理的证件…", work, lambda found: self._found(found, key), self._job_failed,
                lambda: self._set_busy(False))

    def _found(self, candidates: list[cl.Candidate], key: tuple) -> None:
        self._set_busy(False)
        self._scope_key = key
        self.model.set_candidates(candidates, key[0])
        self._fill_rule_combo()
        self.rule_combo.setCurrentIndex(0)
        self._update_shown()
        self._fit_columns()
        self.decide_error.hide()
        self._show_step(DECIDE)
        if not candidates:
            _banner(self.decide_error, "按所选范围没有找到需要清理的证件，不需要办理。可以返回修改范围，或点“取消”关闭。",
                    ok=True)

    def _job_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        show_error(self, exc)

    def to_confirm(self) -> None:
        missing = self.model.missing_lines()
        if missing:
            first = missing[0]
            _banner(self.decide_error, f"还有 {len(missing)} 项没有填完整（表中标红的格子），例如 {first.officer.name}"
                                       f"（{first.officer.unit_name}）：{first.missing(self.model.on_date)}。")
            self.select_line(first)
            return
        self.decide_error.hide()
        self._fill_confirm()
        self._show_step(CONFIRM)

    def select_line(self, line: cm.DecisionLine) -> None:
        if self.model.row_of(line) < 0:
            self.rule_combo.setCurrentIndex(0)
        row = self.model.row_of(line)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def apply(self) -> None:
        on_date, year, _unit_id, doc = self.scope()
        decisions = self.model.decisions()
        self.confirm_error.hide()
        self._set_busy(True)
        run_job(self, "正在办理证件清理…",
                lambda control: cl.apply_decisions(decisions, on_date, doc, control, year),
                self._applied, self._refused, self._apply_cancelled)

    def _applied(self, result: cl.CleanupResult) -> None:
        self._set_busy(False)
        self.result_value = result
        if self.bus is not None:
            self.bus.notify("personnel", "audit", "backups")
        self._fill_done()
        self._show_step(DONE)

    def _refused(self, exc: BaseException) -> None:
        self._set_busy(False)
        if not isinstance(exc, AppError):
            show_error(self, exc)
            return
        QMessageBox.warning(self, "清理未执行", exc.message)
        _banner(self.decide_error, f"清理未执行，没有改动任何数据：{exc.message}")
        self._show_step(DECIDE)

    def _apply_cancelled(self) -> None:
        self._set_busy(False)
        self.confirm_error.setText("已取消，没有改动任何证件。")
        self.confirm_error.show()

    # ---- saving the results
    def _save_as(self, caption: str, name: str, filter_: str, suffix: str) -> Path | None:
        start = str((self.saved_path.parent if self.saved_path else documents_dir()) / name)
        path, _ = QFileDialog.getSaveFileName(self, caption, start, filter_)
        if not path:
            return None
        target = Path(path)
        return target if target.suffix.lower() == suffix else target.with_name(target.name + suffix)

    def save_xlsx(self) -> None:
        result = self.result_value
        target = self._save_as("保存清理结果", f"清理结果_{result.year}.xlsx", "Excel 工作簿 (*.xlsx)", ".xlsx")
        if target is not None:
            run_job(self, "正在保存清理结果…", lambda control: cl.write_cleanup_xlsx(result, target),
                    lambda written: self._saved(Path(written or target), "清理结果"))

    def save_docx(self) -> None:
        from desktop_app.core.docx_style import installed_fonts

        result = self.result_value
        target = self._save_as("保存清理结果名单", f"证件清理名单_{result.year}.docx", "Word 文档 (*.docx)", ".docx")
        if target is not None:
            fonts = installed_fonts(QFontDatabase.families())
            run_job(self, "正在保存清理结果名单…",
                    lambda control: cl.write_cleanup_docx(result, target, fonts=fonts),
                    lambda written: self._saved(Path(written or target), "名单"))

    def _saved(self, path: Path, what: str) -> None:
        self.saved_path = path
        self.saved_label.setText(f"{what}已保存：{path}")
        set_property(self.saved_label, "state", "ok")
        self.open_folder_button.setEnabled(True)

    def open_folder(self) -> None:
        if self.saved_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.saved_path.parent)))

    # ---- closing
    def reject(self) -> None:
        if self._busy:
            return
        if self.result_value is not None:  # applied: closing is finishing
            self.accept()
            return
        changed = self.model.changed_lines()
        if changed and QMessageBox.question(
                self, "放弃清理", f"已修改 {len(changed)} 项决定，尚未应用。确定放弃本次清理吗？",
                QMessageBox.Yes | QMessageBox.No, QMessageBox.No) != QMessageBox.Yes:
            return
        super().reject()


def run_cleanup_wizard(parent: QWidget | None, bus: DataBus | None = None) -> cl.CleanupResult | None:
    """Open the wizard; the CleanupResult when decisions were applied, else None."""
    wizard = CleanupWizard(parent, bus)
    wizard.exec()
    return wizard.result_value
