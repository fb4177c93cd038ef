"""导入任务清单: what the document yields, the unit names to settle, and one commit at 导入.

Nothing is written before 导入; the commit runs on a worker thread, in one transaction after a backup.
"""
from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import AppError
from desktop_app.core.models import UNIT_KINDS
from desktop_app.core.name_index import NameMatch
from desktop_app.core.unit_bulk import guess_kind
from desktop_app.core.unit_groups import list_groups
from desktop_app.core.units import active_units
from desktop_app.ui.data_bus import DataBus
from desktop_app.ui.error_dialog import show_error
from desktop_app.ui.pages.common import make_table, selected_row
from desktop_app.ui.table_models.task_models import NameChoiceModel, ParsedTaskModel, WarningModel
from desktop_app.ui.worker import run_job


def _titled(title: str, widget: QWidget, *rows) -> tuple[QWidget, QLabel]:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 4, 0, 0)
    heading = QLabel(title)
    heading.setStyleSheet("font-weight: bold; color: #1f3a5f;")
    layout.addWidget(heading)
    layout.addWidget(widget, 1)
    for row in rows:
        layout.addLayout(row)
    return box, heading


class TaskImportDialog(QDialog):
    def __init__(self, parent: QWidget | None, preview, bus: DataBus | None = None) -> None:
        from desktop_app.core.task_import import guess_plan

        super().__init__(parent)
        self.setWindowTitle("导入任务清单")
        self.preview, self.bus, self.plan = preview, bus, None
        guess = guess_plan(preview)
        layout = QVBoxLayout(self)
        source = QLabel(f"文件：{preview.parsed.source}")
        source.setObjectName("hintLabel")
        layout.addWidget(source)
        layout.addLayout(self._plan_form(guess))

        self.tasks = ParsedTaskModel(self)
        self.tasks.set_rows(preview.parsed.tasks)
        self.tasks_table = make_table(self.tasks)
        tasks_box, _ = _titled(f"解析出的任务（{len(preview.parsed.tasks)} 项）", self.tasks_table)

        self.names = NameChoiceModel(self)
        self.names.set_rows(sorted(preview.names.values(), key=lambda c: (c.settled, c.written)))
        self.names_table = make_table(self.names)
        names_box, self.names_heading = _titled("单位名称", self.names_table, self._settle_row())

        self.warnings = WarningModel(self)
        self.warnings_table = make_table(self.warnings)
        warnings_box, self.warnings_heading = _titled("提示", self.warnings_table)

        bottom = QSplitter(Qt.Horizontal)
        bottom.addWidget(names_box)
        bottom.addWidget(warnings_box)
        bottom.setSizes([620, 480])
        splitter = QSplitter(Qt.Vertical)
        splitter.addWidget(tasks_box)
        splitter.addWidget(bottom)
        splitter.setSizes([380, 300])
        layout.addWidget(splitter, 1)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton("导入", QDialogButtonBox.AcceptRole)
        self.buttons.addButton("取消", QDialogButtonBox.RejectRole)
        self.buttons.accepted.connect(self.commit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.names_table.selectionModel().selectionChanged.connect(self._on_name_selected)
        for table, widths in ((self.tasks_table, {1: 140, 2: 320, 3: 150, 4: 150, 5: 150, 6: 140}),
                              (self.names_table, {0: 220, 1: 260})):
            table.resizeColumnsToContents()
            for column, width in widths.items():
                table.setColumnWidth(column, min(table.columnWidth(column), width))
        self._update()
        self.resize(1180, 760)

    def _plan_form(self, guess) -> QFormLayout:
        form = QFormLayout()
        self.title_edit = QLineEdit(guess.title)
        self.doc_number_edit = QLineEdit(guess.doc_number)
        self.doc_number_edit.setPlaceholderText("如：红政办发〔2023〕50号，可留空")
        self.start_year, self.end_year = QSpinBox(), QSpinBox()
        for spin, value in ((self.start_year, guess.start_year), (self.end_year, guess.end_year)):
            spin.setRange(2000, 2100)
            spin.setValue(value or QDate.currentDate().year())
        years = QHBoxLayout()
        years.addWidget(self.start_year)
        years.addWidget(QLabel("年 至"))
        years.addWidget(self.end_year)
        years.addWidget(QLabel("年"))
        years.addStretch(1)
        self.issued_check = QCheckBox("填写印发日期")
        issued_on = guess.issued_on
        self.issued_edit = QDateEdit(QDate(issued_on.year, issued_on.month, issued_on.day) if issued_on
                                     else QDate.currentDate())
        self.issued_edit.setCalendarPopup(True)
        self.issued_edit.setDisplayFormat("yyyy-MM-dd")
        self.issued_edit.setEnabled(guess.issued_on is not None)
        self.issued_check.setChecked(guess.issued_on is not None)
        self.issued_check.toggled.connect(self.issued_edit.setEnabled)
        issued = QHBoxLayout()
        issued.addWidget(self.issued_check)
        issued.addWidget(self.issued_edit)
        hint = QLabel("每年、长期坚持的任务从印发日期起计算；不填则从起始年度的 1 月 1 日起算。")
        hint.setObjectName("hintLabel")
        issued.addWidget(hint)
        issued.addStretch(1)
        form.addRow("名称*", self.title_edit)
        form.addRow("文号", self.doc_number_edit)
        form.addRow("起止年度", years)
        form.addRow("印发日期", issued)
        return form

    def _settle_row(self) -> QHBoxLayout:
        self.target_combo = QComboBox()
        self.target_combo.setMinimumWidth(220)
        for group in list_groups():
            self.target_combo.addItem(f"分组：{group.name}", NameMatch("group", group.id, group.name, "手工指定"))
        for unit in active_units():
            self.target_combo.addItem(unit.name, NameMatch("unit", unit.id, unit.name, "手工指定"))
        self.assign_button = QPushButton("指定为")
        self.kind_combo = QComboBox()
        for kind, label in UNIT_KINDS.items():
            self.kind_combo.addItem(label, kind)
        self.create_button = QPushButton("新建为单位")
        row = QHBoxLayout()
        for widget in (self.assign_button, self.target_combo, QLabel("或"), self.create_button,
                       QLabel("类别："), self.kind_combo):
            row.addWidget(widget)
        row.addStretch(1)
        self.assign_button.clicked.connect(self.assign_selected)
        self.create_button.clicked.connect(self.create_selected)
        return row

    def _on_name_selected(self) -> None:
        choice = selected_row(self.names_table)
        if choice is not None:
            target = choice.target or (choice.candidates[0] if choice.candidates else None)
            if target is not None:
                position = next((i for i in range(self.target_combo.count())
                                 if (self.target_combo.itemData(i).kind, self.target_combo.itemData(i).id)
                                 == (target.kind, target.id)), -1)
                if position >= 0:
                    self.target_combo.setCurrentIndex(position)
            kind = choice.create_kind or guess_kind(choice.written)
            self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))
        self._update()

    def _selected_choice(self):
        indexes = self.names_table.selectionModel().selectedRows()
        return (indexes[0].row(), self.names.row_at(indexes[0].row())) if indexes else (-1, None)

    def assign_selected(self) -> None:
        row, choice = self._selected_choice()
        if choice is not None:
            choice.target, choice.create_kind = self.target_combo.currentData(), None
            self.names.changed(row)
            self._update()

    def create_selected(self) -> None:
        row, choice = self._selected_choice()
        if choice is not None:
            choice.target, choice.create_kind = None, self.kind_combo.currentData()
            self.names.changed(row)
            self._update()

    def _update(self) -> None:
        unsettled = self.preview.unsettled
        has_choice = selected_row(self.names_table) is not None
        self.assign_button.setEnabled(has_choice and self.target_combo.count() > 0)
        self.create_button.setEnabled(has_choice)
        warnings = self.preview.warnings()
        self.warnings.set_rows(warnings)
        self.warnings_table.resizeColumnsToContents()
        self.names_heading.setText(f"单位名称（{len(self.preview.names)} 个，待确认 {len(unsettled)} 个）"
                                   "：选中一行，指定为登记册中的单位或分组，或新建为单位")
        self.warnings_heading.setText(f"提示（{len(warnings)} 条）")
        tasks = len(self.preview.parsed.tasks)
        if unsettled:
            self.summary.setText(f"<span style='color:#c0392b'>还有 {len(unsettled)} 个单位名称没有对应到登记册："
                                 f"{'、'.join(c.written for c in unsettled)}。逐个指定或新建后才能导入。</span>")
        else:
            created = sum(1 for c in self.preview.names.values() if c.create_kind)
            extra = f"，并新建 {created} 个单位" if created else ""
            self.summary.setText(f"将导入 {tasks} 项任务{extra}。点“导入”之前不会写入任何数据；导入前自动备份。")
        self.import_button.setEnabled(not unsettled and tasks > 0)

    def plan_input(self):
        from desktop_app.core.task_import import PlanInput

        issued = self.issued_edit.date().toPython() if self.issued_check.isChecked() else None
        return PlanInput(self.title_edit.text().strip(), self.doc_number_edit.text().strip(), "",
                         self.start_year.value(), self.end_year.value(), issued)

    def commit(self) -> None:
        from desktop_app.core.task_import import commit_task_import

        self.error_label.hide()
        plan = self.plan_input()
        if not plan.title:
            return self._show_inline("请填写任务清单的名称。")
        if plan.start_year > plan.end_year:
            return self._show_inline("起始年度不能晚于结束年度。")
        created = any(c.create_kind for c in self.preview.names.values())
        self.buttons.setEnabled(False)
        run_job(self, "正在导入任务清单…", lambda control: commit_task_import(self.preview, plan, control),
                lambda stored: self._done(stored, created), self._failed, lambda: self.buttons.setEnabled(True))

    def _show_inline(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def _done(self, stored, created: bool) -> None:
        self.plan = stored
        if self.bus is not None:
            self.bus.notify("tasks", "audit", *(["units"] if created else []))
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(exc, AppError):
            self._show_inline(exc.message)
        else:
            show_error(self, exc)
