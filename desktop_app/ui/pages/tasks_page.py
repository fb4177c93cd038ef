"""任务清单: the imported task lists, every unit's part in each task and its status, progress reports.

Assignments are loaded once per refresh (`load_assignments`); every filter change works on that list in
memory (`filter_rows`, `task_rows`).
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core import obligations as ob
from desktop_app.core.models import Plan, PlanSection
from desktop_app.core.task_board import (
    AssignmentRow,
    filter_rows,
    load_assignments,
    task_rows,
    unit_obligations,
)
from desktop_app.core.task_export import export_tasks_xlsx
from desktop_app.core.unit_groups import list_groups
from desktop_app.core.units import active_units
from desktop_app.ui.data_bus import DataBus
from desktop_app.ui.dialogs.progress_dialog import AssignmentTable, HistoryDialog, ProgressDialog
from desktop_app.ui.pages.common import EmptyState, make_table, page_title
from desktop_app.ui.table_models.task_models import TaskListModel, section_label
from desktop_app.ui.worker import run_job

STATUSES = (ob.OVERDUE, ob.SOON, ob.UNREPORTED, ob.OK, ob.OPEN, ob.DONE)
DUE_CHOICES = (("全部", None), ("7 天内", 7), ("30 天内", 30))
ROLE_ORDER = {"牵头": 0, "责任": 1, "配合": 2}


def combo(items, width: int = 0) -> QComboBox:
    box = QComboBox()
    for label, data in items:
        box.addItem(label, data)
    if width:
        box.setMinimumWidth(width)
    return box


def refill(box: QComboBox, items) -> None:
    """Replace a combo's items, keeping the current choice when it still exists (no signal)."""
    current = box.currentData()
    box.blockSignals(True)
    box.clear()
    for label, data in items:
        box.addItem(label, data)
    box.setCurrentIndex(max(0, box.findData(current)))
    box.blockSignals(False)


class ByTaskTab(QWidget):
    def __init__(self, page: TasksPage) -> None:
        super().__init__()
        self.page = page
        self.rows: list[AssignmentRow] = []
        self.scope: list[AssignmentRow] = []
        self.section_names: dict[tuple[int, str], str] = {}
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.unit_filter = combo([("全部单位", None)], 200)
        self.group_filter = combo([("全部分组", None)], 160)
        self.status_filter = combo([("全部", None), *((label, label) for label in STATUSES)])
        self.due_filter = combo(DUE_CHOICES)
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索任务内容、单位或序号")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(200)
        for label, widget in (("单位：", self.unit_filter), ("分组：", self.group_filter),
                              ("状态：", self.status_filter), ("到期：", self.due_filter)):
            bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        bar.addWidget(self.search, 1)
        layout.addLayout(bar)

        self.model = TaskListModel(self)
        self.table = make_table(self.model)
        self.table.setAlternatingRowColors(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        for column in (0, 3, 4, 5, 6):
            header.setSectionResizeMode(column, QHeaderView.ResizeToContents)
        self.table.setColumnWidth(2, 130)

        detail = QWidget()
        right = QVBoxLayout(detail)
        right.setContentsMargins(6, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.content = QTextBrowser()
        self.content.setMaximumHeight(96)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.assignments = AssignmentTable(with_task=False, fill=page.fill_progress, history=page.show_history)
        for widget, stretch in ((self.heading, 0), (self.content, 0), (self.info, 0), (self.assignments, 1)):
            right.addWidget(widget, stretch)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([560, 420])
        layout.addWidget(splitter, 1)
        self.count_label = QLabel()
        layout.addWidget(self.count_label)

        for box in (self.unit_filter, self.group_filter, self.status_filter, self.due_filter):
            box.currentIndexChanged.connect(self.apply_filters)
        self.search.textChanged.connect(self.apply_filters)
        self.table.selectionModel().selectionChanged.connect(self.show_detail)

    def set_data(self, rows: list[AssignmentRow], section_names: dict[tuple[int, str], str],
                 units: list | None = None) -> None:
        self.rows, self.section_names = rows, section_names
        units = active_units() if units is None else units
        refill(self.unit_filter, [("全部单位", None), *((u.name, u.id) for u in units)])
        refill(self.group_filter, [("全部分组", None), *((g.name, g.id) for g in list_groups())])
        self.apply_filters()

    def apply_filters(self) -> None:
        current = self.current_task()
        self.scope = filter_rows(self.rows, self.unit_filter.currentData(), self.group_filter.currentData())
        shown = filter_rows(self.scope, status=self.status_filter.currentData(),
                            due_within=self.due_filter.currentData(), text=self.search.text())
        unfiltered = not any((self.unit_filter.currentData(), self.group_filter.currentData(),
                              self.status_filter.currentData(), self.due_filter.currentData()))
        tasks = task_rows(shown, include_unassigned=unfiltered, plan_id=self.page.plan_id())
        needle = self.search.text().strip()
        if needle:  # tasks without units came from the database unfiltered
            tasks = [t for t in tasks if t.counts or needle in t.content or needle == t.number]
        self.model.set_tasks(tasks, self.section_names)
        self.table.clearSpans()
        for row in range(self.model.rowCount()):
            if self.model.is_header(row):
                self.table.setSpan(row, 0, 1, self.model.columnCount())
        count = lambda label: sum(1 for r in shown if r.status.label == label)
        self.count_label.setText(f"共 {len(tasks)} 项任务、{len(shown)} 条分工：逾期 {count(ob.OVERDUE)} 条，"
                                 f"临期 {count(ob.SOON)} 条，本期未报告 {count(ob.UNREPORTED)} 条，"
                                 f"已完成 {count(ob.DONE)} 条")
        row = self.model.row_of_task(current.id) if current is not None else -1
        if row >= 0:
            self.table.selectRow(row)
        self.show_detail()

    def current_task(self):
        indexes = self.table.selectionModel().selectedRows()
        return self.model.task_at(indexes[0].row()) if indexes else None

    def select_task(self, task_id: int) -> None:
        self.table.selectRow(self.model.row_of_task(task_id))

    def show_detail(self) -> None:
        task = self.current_task()
        if task is None:
            self.heading.setText("选择左侧的一项任务，查看各单位的落实情况。")
            self.content.clear()
            self.info.clear()
            self.assignments.set_rows([])
            self.assignments.count_label.clear()
            return
        self.heading.setText(f"<b>任务 {task.number}</b>　{self.section_names.get((task.plan_id, task.section), '')}")
        self.content.setPlainText(task.content)
        self.info.setText(f"时限：{task.deadline_text or '—'}<br>牵头负责领导：{task.leaders or '—'}")
        rows = sorted((r for r in self.scope if r.task_id == task.id), key=lambda r: ROLE_ORDER.get(r.role, 9))
        self.assignments.set_rows(rows)
        self.assignments.count_label.setText(f"共 {len(rows)} 个单位")


class ByUnitTab(QWidget):
    def __init__(self, page: TasksPage) -> None:
        super().__init__()
        self.page = page
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.unit_combo = combo([], 280)
        bar.addWidget(QLabel("单位："))
        bar.addWidget(self.unit_combo)
        self.summary = QLabel()
        bar.addWidget(self.summary, 1)
        layout.addLayout(bar)
        self.assignments = AssignmentTable(with_task=True, fill=page.fill_progress, history=page.show_history)
        layout.addWidget(self.assignments, 1)
        self.rows: list[AssignmentRow] = []
        self.unit_combo.currentIndexChanged.connect(self.reload)

    def refresh(self, rows: list[AssignmentRow], units: list | None = None) -> None:
        self.rows = rows  # the page's one load; switching units filters it in memory
        first = self.unit_combo.count() == 0
        units = active_units() if units is None else units
        refill(self.unit_combo, [(u.name, u.id) for u in units])
        if first and rows:  # start with the unit that is furthest behind
            behind = Counter(r.unit_id for r in rows if r.status.label == ob.OVERDUE) or Counter(r.unit_id for r in rows)
            self.unit_combo.setCurrentIndex(max(0, self.unit_combo.findData(behind.most_common(1)[0][0])))
        self.reload()

    def reload(self) -> None:
        unit_id = self.unit_combo.currentData()
        rows = unit_obligations(unit_id, self.rows) if unit_id is not None else []
        self.assignments.set_rows(rows)
        count = lambda label: sum(1 for r in rows if r.status.label == label)
        self.summary.setText(f"共 {len(rows)} 条分工：逾期 {count(ob.OVERDUE)}，临期 {count(ob.SOON)}，"
                             f"本期未报告 {count(ob.UNREPORTED)}，已完成 {count(ob.DONE)}（最紧急的在前）" if rows
                             else "该单位在所选任务清单中没有分工。")


class TasksPage(QWidget):
    def __init__(self, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("任务清单", "上级印发的任务分工方案：每个单位在每项任务中的职责、时限和落实进展。"
                                    "状态按今天计算：逾期、临期、长期坚持本期未报告的排在最前。"))
        bar = QHBoxLayout()
        self.plan_combo = combo([("全部任务清单", None)], 360)
        self.import_button = QPushButton("导入任务清单…")
        self.export_button = QPushButton("导出进展台账…")
        self.progress_button = QPushButton("填报进展…")
        bar.addWidget(QLabel("任务清单："))
        bar.addWidget(self.plan_combo)
        bar.addStretch(1)
        for button in (self.import_button, self.export_button, self.progress_button):
            bar.addWidget(button)
        layout.addLayout(bar)
        self.stack = QStackedWidget()
        self.empty = EmptyState("还没有导入任务清单",
                                "点“导入任务清单…”，选择上级印发的任务分工方案（.docx / .txt / .xlsx）。导入前先预览"
                                "解析出的任务、时限和单位名称，确认后才写入；之后按单位跟踪每项任务的落实进展。")
        self.tabs = QTabWidget()
        self.task_tab = ByTaskTab(self)
        self.unit_tab = ByUnitTab(self)
        self.tabs.addTab(self.task_tab, "按任务查看")
        self.tabs.addTab(self.unit_tab, "按单位查看")
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.tabs)
        layout.addWidget(self.stack, 1)
        self.plan_combo.currentIndexChanged.connect(self.refresh)
        self.import_button.clicked.connect(self.choose_import_file)
        self.export_button.clicked.connect(self.export)
        self.progress_button.clicked.connect(lambda: self.fill_progress(self.current_assignment()))
        self.tabs.currentChanged.connect(self.update_buttons)
        for table in (self.task_tab.assignments, self.unit_tab.assignments):
            table.table.selectionModel().selectionChanged.connect(self.update_buttons)
            table.model.modelReset.connect(self.update_buttons)  # a reset clears the selection silently
        self.refresh()

    def plan_id(self) -> int | None:
        return self.plan_combo.currentData()

    def refresh(self) -> None:
        plans = list(Plan.select(Plan.id, Plan.title).order_by(Plan.id))
        refill(self.plan_combo, [("全部任务清单", None), *((p.title, p.id) for p in plans)])
        self.stack.setCurrentWidget(self.tabs if plans else self.empty)
        titles = {p.id: p.title for p in plans}
        many = len(plans) > 1 and self.plan_id() is None
        sections = {(s.plan_id, s.title): (f"{titles.get(s.plan_id, '')} · " if many else "")
                    + section_label(s.number, s.title) for s in PlanSection.select()}
        units = active_units()  # both tabs' unit choices: read once
        self.task_tab.set_data(load_assignments(self.plan_id()), sections, units)
        self.unit_tab.refresh(self.task_tab.rows, units)
        self.update_buttons()

    def current_assignment(self) -> AssignmentRow | None:
        tab = self.tabs.currentWidget()
        return tab.assignments.current() if self.stack.currentWidget() is self.tabs else None

    def update_buttons(self) -> None:
        self.export_button.setEnabled(self.stack.currentWidget() is self.tabs)
        self.progress_button.setEnabled(self.current_assignment() is not None)

    def fill_progress(self, row: AssignmentRow | None) -> None:
        if row is not None and ProgressDialog(self, row).exec():
            self.bus.notify("tasks", "audit")

    def show_history(self, row: AssignmentRow | None) -> None:
        if row is not None:
            HistoryDialog(self, row).exec()

    def choose_import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择任务清单文件", "",
                                              "任务清单 (*.docx *.txt *.xlsx);;所有文件 (*)")
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        from desktop_app.core import task_import  # the parser loads on first import only

        run_job(self, "正在读取任务清单…", lambda control: task_import.preview_task_import(path), self.review)

    def review(self, preview) -> None:
        from desktop_app.ui.dialogs.task_import_dialog import TaskImportDialog

        dialog = TaskImportDialog(self, preview, self.bus)
        if dialog.exec() and dialog.plan is not None:
            self.plan_combo.setCurrentIndex(max(0, self.plan_combo.findData(dialog.plan.id)))
            QMessageBox.information(self, "导入完成", f"已导入“{dialog.plan.title}”，"
                                                      f"共 {len(preview.parsed.tasks)} 项任务。")

    def export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "导出进展台账", "任务进展台账.xlsx", "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        target = Path(path) if path.lower().endswith(".xlsx") else Path(path + ".xlsx")
        plan_id = self.plan_id()

        def done(written: Path) -> None:
            QMessageBox.information(self, "导出完成", f"任务进展台账已导出：\n{written}")

        run_job(self, "正在导出…", lambda control: export_tasks_xlsx(target, plan_id, control=control), done)
