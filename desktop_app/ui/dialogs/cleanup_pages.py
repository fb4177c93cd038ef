"""The cleanup wizard's 范围, 确认 and 完成 pages, mixed into CleanupWizard (cleanup_wizard.py), and the
labels every step of the wizard shares. The 逐项决定 page is in cleanup_decisions.py.
"""
from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.personnel import certificates as certs
from desktop_app.core.personnel import cleanup as cl
from desktop_app.core.settings import get_setting
from desktop_app.ui.dialogs.field_form import date_edit, pydate
from desktop_app.ui.dialogs.step_frame import error_label as frame_error_label
from desktop_app.ui.dialogs.step_frame import heading, hint_label
from desktop_app.ui.pages.common import make_table
from desktop_app.ui.table_models import cleanup_models as cm

SCOPE, DECIDE, CONFIRM, DONE = range(4)

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


def error_label() -> QLabel:
    """The red line of a cleanup page or dialog, hidden until there is something to say."""
    return frame_error_label(hidden=True)


def banner(label: QLabel, text: str, ok: bool = False) -> None:
    """A boxed message line: red for what stops the clerk, green for a plain 'nothing to do'."""
    colour, back, border = ("#1e5631", "#e8f5e9", "#a5d6a7") if ok else ("#c0392b", "#fdecea", "#f1b0a8")
    label.setStyleSheet(f"color: {colour}; background: {back}; border: 1px solid {border}; border-radius: 4px;"
                        " padding: 6px 10px;")
    label.setText(text)
    label.show()


class ScopePage:
    """Step 1, 范围: 清理日期, 年度, one unit or all, 文号, and the rules that will be applied."""

    def _scope_page(self) -> QWidget:
        from desktop_app.core.models import Unit
        from desktop_app.core.units import tree_order

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(heading("清理范围"))
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


class ConfirmPage:
    """Step 3, 确认: what will be written, and the warning about 应用."""

    def _confirm_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading("确认清理决定"))
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
        self.confirm_error = error_label()
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


class DonePage:
    """Step 4, 完成: the result and the buttons that save it (the save_* slots are CleanupWizard's)."""

    def _done_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        title = heading("清理完成")
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
