"""报表中心: the five Word reports (core/reports/catalog.py), their parameters, and the files written so far.

Choose a report on the left and its parameters on the right (年度, 任务清单, 单位, 评估阶段, 文号, 输出文件夹);
生成报表… checks the request, lets the clerk edit the narrative (NarrativeDialog), then writes the .docx on a
worker thread into the output folder (never over an existing file). The result and every earlier file can
be opened, shown in its folder, printed or saved as PDF (core/office_apps.py: Word, WPS or LibreOffice).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app import paths
from desktop_app.core import office_apps
from desktop_app.core.errors import AppError
from desktop_app.core.models import Plan
from desktop_app.core.reports import catalog
from desktop_app.core.settings import get_setting
from desktop_app.core.units import active_units
from desktop_app.ui.data_bus import DataBus
from desktop_app.ui.dialogs.narrative_dialog import NarrativeDialog
from desktop_app.ui.error_dialog import show_error
from desktop_app.ui.pages.common import ReloadWhenShown, make_table, page_title, selected_row, sortable
from desktop_app.ui.table_models.report_history_model import HistoryRow, ReportHistoryModel

log = logging.getLogger(__name__)

STATE_FILE = "reports_page.json"  # in the data folder: the output folder is this computer's, not the database's
FOLDER_NAME = "执法质量台账报表"
ALL_PLANS = "全部任务清单"
NO_PLAN = "（还没有导入任务清单）"
FIELD_WIDTH = 460


def default_output_folder() -> Path:
    """Documents/执法质量台账报表 (the home folder when there is no Documents folder)."""
    documents = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation)
    return (Path(documents) if documents else Path.home()) / FOLDER_NAME


def _state_path() -> Path:
    return paths.user_data_dir() / STATE_FILE


def remembered_folder() -> Path:
    try:
        folder = json.loads(_state_path().read_text(encoding="utf-8")).get("output_folder")
    except (OSError, ValueError, AttributeError):
        folder = None
    return Path(folder) if folder else default_output_folder()


def remember_folder(folder: Path) -> None:
    try:
        _state_path().write_text(json.dumps({"output_folder": str(folder)}, ensure_ascii=False), encoding="utf-8")
    except OSError as exc:  # not worth bothering the clerk: the default comes back next time
        log.warning("cannot remember the reports folder: %s", exc)


def working_year() -> int:
    year = int(get_setting("current_year") or dt.date.today().year)
    return min(max(year, 2000), dt.date.today().year)


class ReportsPage(ReloadWhenShown, QWidget):
    def __init__(self, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        self._jobs: set = set()
        self.result: catalog.ReportResult | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("报表中心", "按党政机关公文格式（GB/T 9704）生成 Word 报告、通报和催办通知。"
                                    "统计数字在生成时从数据库读取，正文中的文字部分可以先修改。"))
        top = QHBoxLayout()
        top.addWidget(self._kind_list())
        top.addWidget(self._parameters(), 1)
        layout.addLayout(top)
        layout.addWidget(self._result_panel())
        layout.addWidget(self._history(), 1)
        self.kinds.setCurrentRow(0)
        self.reload()

    # ---- building
    def _kind_list(self) -> QListWidget:
        self.kinds = QListWidget()
        self.kinds.setObjectName("reportKinds")
        self.kinds.setFixedWidth(230)
        self.kinds.setStyleSheet("QListWidget#reportKinds { font-size: 11pt; }"
                                 "QListWidget#reportKinds::item { padding: 9px 8px; }")
        for kind in catalog.KINDS.values():
            item = QListWidgetItem(kind.label)
            item.setData(Qt.UserRole, kind.key)
            item.setToolTip(kind.description)
            self.kinds.addItem(item)
        self.kinds.currentRowChanged.connect(self._kind_changed)
        return self.kinds

    def _parameters(self) -> QGroupBox:
        box = QGroupBox("报表参数")
        outer = QVBoxLayout(box)
        self.kind_title = QLabel()
        self.kind_title.setObjectName("cardTitle")
        self.description = QLabel()
        self.description.setObjectName("hintLabel")
        self.description.setWordWrap(True)
        outer.addWidget(self.kind_title)
        outer.addWidget(self.description)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldsStayAtSizeHint)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, dt.date.today().year)
        self.year_spin.setValue(working_year())
        self.year_spin.setSuffix(" 年度")
        self.year_spin.setMinimumWidth(120)
        self.plan_box = QComboBox()
        self.unit_box = QComboBox()
        self.unit_box.setMaxVisibleItems(20)
        self.stage_box = QComboBox()
        self.number_edit = QLineEdit()
        for widget in (self.plan_box, self.unit_box, self.number_edit):
            widget.setMinimumWidth(FIELD_WIDTH)
            widget.setMaximumWidth(FIELD_WIDTH)
        self.plan_box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.unit_box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.stage_box.setMinimumWidth(120)
        self.number_edit.setToolTip("可留空；填写后印在标题上方，如“红司发〔2026〕5号”。")
        self.folder_edit = QLineEdit(str(remembered_folder()))
        self.folder_edit.setMinimumWidth(FIELD_WIDTH - 90)
        self.folder_edit.setMaximumWidth(FIELD_WIDTH - 90)
        self.folder_button = QPushButton("选择…")
        self.folder_button.clicked.connect(self.choose_folder)
        folder_row = QWidget()
        folder_layout = QHBoxLayout(folder_row)
        folder_layout.setContentsMargins(0, 0, 0, 0)
        folder_layout.addWidget(self.folder_edit)
        folder_layout.addWidget(self.folder_button)
        folder_layout.addStretch(1)
        self.form.addRow("统计年度", self.year_spin)
        self.form.addRow("任务清单", self.plan_box)
        self.form.addRow("单位", self.unit_box)
        self.form.addRow("评估阶段", self.stage_box)
        self.form.addRow("文号", self.number_edit)
        self.form.addRow("输出文件夹", folder_row)
        outer.addLayout(self.form)
        bar = QHBoxLayout()
        self.office_label = QLabel()
        self.office_label.setObjectName("hintLabel")
        self.office_label.setWordWrap(True)
        self.generate_button = QPushButton("生成报表…")
        self.generate_button.setObjectName("generateButton")
        self.generate_button.setDefault(True)
        self.generate_button.setMinimumSize(160, 40)
        self.generate_button.setStyleSheet(
            "QPushButton#generateButton { font-size: 12pt; font-weight: bold; color: white; background: #2e5c8a;"
            " border: none; border-radius: 4px; padding: 6px 20px; }"
            "QPushButton#generateButton:hover { background: #284b73; }"
            "QPushButton#generateButton:disabled { background: #9aaabb; }")
        self.generate_button.clicked.connect(self.generate)
        self.upward_button = QPushButton("导出上报数据…")
        self.upward_button.setMinimumHeight(40)
        self.upward_button.setToolTip("把统计年度的人员清单、持证统计、培训学时、单位汇总和任务进展导出为一个 Excel 工作簿"
                                      "（上报数据_单位_年度.xlsx），身份证号和电话默认脱敏。")
        self.upward_button.clicked.connect(self.export_upward)
        self.unmasked_check = QCheckBox("不脱敏")
        self.unmasked_check.setToolTip("勾选后上报数据中含完整的身份证号码和联系电话，文件须妥善保管。")
        bar.addWidget(self.office_label, 1)
        bar.addWidget(self.unmasked_check)
        bar.addWidget(self.upward_button)
        bar.addWidget(self.generate_button)
        outer.addStretch(1)
        outer.addLayout(bar)
        box.setMinimumHeight(box.sizeHint().height())  # every row shown: switching kinds never shifts the page
        return box

    def _action_buttons(self) -> tuple[QPushButton, QPushButton, QPushButton, QPushButton]:
        return QPushButton("打开"), QPushButton("打开所在文件夹"), QPushButton("打印…"), QPushButton("另存为PDF…")

    def _result_panel(self) -> QFrame:
        self.result_panel = QFrame()
        self.result_panel.setObjectName("card")
        layout = QHBoxLayout(self.result_panel)
        text = QVBoxLayout()
        self.result_title = QLabel()
        self.result_title.setObjectName("cardTitle")
        self.result_path = QLabel()
        self.result_path.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.result_path.setWordWrap(True)
        self.result_warnings = QLabel()
        self.result_warnings.setWordWrap(True)
        self.result_warnings.setStyleSheet("color: #a0522d;")
        for label in (self.result_title, self.result_path, self.result_warnings):
            text.addWidget(label)
        layout.addLayout(text, 1)
        self.result_buttons = self._action_buttons()
        actions = (self.open_file, self.open_folder, self.print_file, self.save_pdf)
        for button, action in zip(self.result_buttons, actions):
            button.clicked.connect(lambda _checked=False, act=action: self.result and act(self.result.path))
            layout.addWidget(button, 0, Qt.AlignBottom)
        self.result_panel.hide()
        return self.result_panel

    def _history(self) -> QGroupBox:
        box = QGroupBox("生成记录")
        layout = QVBoxLayout(box)
        self.history_model = ReportHistoryModel(self)
        self.history_table = make_table(self.history_model)
        sortable(self.history_table)
        header = self.history_table.horizontalHeader()
        for column, width in enumerate((140, 190, 70, 420)):
            self.history_table.setColumnWidth(column, width)
        header.setSectionResizeMode(3, QHeaderView.Stretch)
        header.setStretchLastSection(False)
        self.history_table.setColumnWidth(4, 110)
        self.history_table.doubleClicked.connect(lambda _index: self._on_selected(self.open_file))
        self.history_table.selectionModel().selectionChanged.connect(self._update_history_buttons)
        layout.addWidget(self.history_table, 1)
        bar = QHBoxLayout()
        self.history_hint = QLabel()
        self.history_hint.setObjectName("hintLabel")
        bar.addWidget(self.history_hint, 1)
        self.history_buttons = self._action_buttons()
        actions = (self.open_file, self.open_folder, self.print_file, self.save_pdf)
        for button, action in zip(self.history_buttons, actions):
            button.clicked.connect(lambda _checked=False, act=action: self._on_selected(act))
            bar.addWidget(button)
        self.forget_button = QPushButton("从列表中移除")
        self.forget_button.setToolTip("只从生成记录中移除，文件本身不删除")
        self.forget_button.clicked.connect(self.forget_selected)
        bar.addWidget(self.forget_button)
        layout.addLayout(bar)
        return box

    # ---- state
    def current_kind(self) -> catalog.ReportKind:
        item = self.kinds.currentItem()
        return catalog.KINDS[item.data(Qt.UserRole) if item is not None else next(iter(catalog.KINDS))]

    def select_kind(self, key: str) -> None:
        for row in range(self.kinds.count()):
            if self.kinds.item(row).data(Qt.UserRole) == key:
                self.kinds.setCurrentRow(row)
                return
        raise KeyError(key)

    def _kind_changed(self, _row: int = -1) -> None:
        kind = self.current_kind()
        self.kind_title.setText(kind.label)
        self.description.setText(kind.description)
        self._fill_plans(kind)
        self._fill_stages(kind)
        self.form.setRowVisible(self.plan_box, kind.uses_plan)
        self.form.setRowVisible(self.unit_box, kind.needs_unit)
        self.form.setRowVisible(self.stage_box, bool(kind.stages))
        self.generate_button.setToolTip(f"生成{kind.label}（Word 文档）")

    def _fill_plans(self, kind: catalog.ReportKind) -> None:
        chosen = self.plan_box.currentData()
        self.plan_box.clear()
        if not kind.needs_plan:
            self.plan_box.addItem(ALL_PLANS, None)
        plans = list(Plan.select().order_by(Plan.id.desc()))
        for plan in plans:
            self.plan_box.addItem(plan.title, plan.id)
            self.plan_box.setItemData(self.plan_box.count() - 1, plan.title, Qt.ToolTipRole)
        if kind.needs_plan and not plans:
            self.plan_box.addItem(NO_PLAN, None)
        index = self.plan_box.findData(chosen) if chosen is not None else -1
        self.plan_box.setCurrentIndex(max(0, index))

    def _fill_units(self) -> None:
        chosen = self.unit_box.currentData()
        self.unit_box.clear()
        for unit in active_units():
            self.unit_box.addItem(unit.name, unit.id)
        index = self.unit_box.findData(chosen) if chosen is not None else -1
        self.unit_box.setCurrentIndex(max(0, index))

    def _fill_stages(self, kind: catalog.ReportKind) -> None:
        chosen = self.stage_box.currentText()
        self.stage_box.clear()
        self.stage_box.addItems(list(kind.stages))
        if chosen in kind.stages:
            self.stage_box.setCurrentText(chosen)

    def reload(self) -> None:
        self._fill_units()
        self._kind_changed()
        prefix = get_setting("doc_number_prefix") or "×司发"
        self.number_edit.setPlaceholderText(f"可留空，如：{prefix}〔{dt.date.today().year}〕N号")
        self.office_label.setText(office_apps.describe(office_apps.available()))
        self.reload_history()

    def reload_history(self) -> None:
        chosen = selected_row(self.history_table)
        self.history_model.reload()
        rows = self.history_model.rows
        if chosen is not None:
            for number, row in enumerate(rows):
                if row.id == chosen.id:
                    self.history_table.selectRow(number)
                    break
        missing = sum(1 for row in rows if not row.exists)
        hint = f"共 {len(rows)} 个文件" if rows else "还没有生成过报表。"
        if missing:
            hint += f"，其中 {missing} 个已被移动或删除"
        self.history_hint.setText(hint)
        self._update_history_buttons()

    def _update_history_buttons(self) -> None:
        row = selected_row(self.history_table)
        for button in self.history_buttons:
            button.setEnabled(row is not None and row.exists)
        self.forget_button.setEnabled(row is not None)

    def output_folder(self) -> Path | None:
        text = self.folder_edit.text().strip()
        return Path(text).expanduser() if text else None

    def choose_folder(self) -> None:
        start = self.output_folder() or default_output_folder()
        while not start.exists() and start.parent != start:
            start = start.parent
        folder = QFileDialog.getExistingDirectory(self, "选择报表输出文件夹", str(start))
        if folder:
            self.folder_edit.setText(str(Path(folder)))
            remember_folder(Path(folder))

    # ---- generating
    def _request(self) -> catalog.ReportRequest:
        kind = self.current_kind()
        return catalog.make_request(
            kind.key, self.year_spin.value(),
            plan_id=self.plan_box.currentData() if kind.uses_plan else None,
            unit_id=self.unit_box.currentData() if kind.needs_unit else None,
            stage=self.stage_box.currentText() if kind.stages else "",
            doc_number=self.number_edit.text())

    def generate(self) -> None:
        if self._jobs:
            return
        kind = self.current_kind()
        try:
            request = self._request()
        except AppError as exc:
            QMessageBox.warning(self, "无法生成报表", exc.message)
            return
        folder = self.output_folder()
        if folder is None:
            QMessageBox.warning(self, "无法生成报表", "请先选择输出文件夹。")
            return
        if not self._folder_ready(folder, "无法生成报表"):
            return
        if not kind.sections:
            self._build(request, folder)
            return
        # the drafts gather the report's figures (about a second at prefecture scale): off the UI thread
        self._run("正在按数据起草文字…", lambda _control: catalog.draft_narrative(request),
                  lambda drafts: self._ask_narrative(request, folder, drafts), "无法生成报表")

    def _ask_narrative(self, request: catalog.ReportRequest, folder: Path, drafts: dict[str, str]) -> None:
        dialog = NarrativeDialog(self, request, catalog.narrative_for(request, drafts), drafts)
        if dialog.exec() == QDialog.Accepted:
            self._build(replace(request, narrative=dialog.texts()), folder)

    def _build(self, request: catalog.ReportRequest, folder: Path) -> None:
        target = office_apps.unique_path(folder / catalog.default_filename(request))
        remember_folder(folder)
        self._run(f"正在生成{catalog.KINDS[request.kind].label}…",
                  lambda control: catalog.generate(request, target, control), self._generated, "无法生成报表")

    def _folder_ready(self, folder: Path, title: str) -> bool:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            QMessageBox.warning(self, title, f"无法创建输出文件夹“{folder}”：{exc.strerror or exc}。请选择其他文件夹。")
            return False
        return True

    def export_upward(self) -> None:
        """上报数据_<单位>_<年度>.xlsx into the output folder, listed in the history like the reports."""
        from desktop_app.core import upward_export

        if self._jobs:
            return
        folder = self.output_folder()
        if folder is None:
            QMessageBox.warning(self, "无法导出上报数据", "请先选择输出文件夹。")
            return
        year = self.year_spin.value()
        unmasked = self.unmasked_check.isChecked()
        if unmasked and QMessageBox.question(
                self, "导出完整号码", "上报数据将含完整的身份证号码和联系电话，文件须妥善保管、不得公开。继续导出吗？"
        ) != QMessageBox.Yes:
            return
        if not self._folder_ready(folder, "无法导出上报数据"):
            return
        target = office_apps.unique_path(folder / upward_export.default_upward_filename(year))
        remember_folder(folder)
        title = f"{year}年度上报数据" + ("（含完整号码）" if unmasked else "")

        def work(control) -> catalog.ReportResult:
            path = upward_export.export_upward_xlsx(target, year, unmasked=unmasked, control=control)
            catalog.record_file("upward", title, path, year, "含完整身份证号码和联系电话" if unmasked else "")
            return catalog.ReportResult(path, title, ["含完整身份证号码和联系电话，请妥善保管"] if unmasked else [])

        self._run("正在导出上报数据…", work, self._generated, "无法导出上报数据")

    def _run(self, title: str, work, on_done, failure_title: str) -> None:
        from desktop_app.ui.worker import run_job

        def failed(exc: BaseException) -> None:
            if isinstance(exc, AppError):
                QMessageBox.warning(self, failure_title, exc.message)
            else:
                show_error(self, exc)

        self.generate_button.setEnabled(False)
        self.upward_button.setEnabled(False)
        job = run_job(self, title, work, on_done, failed)
        self._jobs.add(job)
        job.finished.connect(lambda: self._job_finished(job))

    def _job_finished(self, job) -> None:
        self._jobs.discard(job)
        self.generate_button.setEnabled(not self._jobs)
        self.upward_button.setEnabled(not self._jobs)

    def is_busy(self) -> bool:
        return bool(self._jobs)

    def _generated(self, result: catalog.ReportResult) -> None:
        self.show_result(result)
        self.bus.notify("reports")
        if self.isVisible():  # the bus reloads shown pages; make sure ours is current before selecting
            self.reload_history()
        for number, row in enumerate(self.history_model.rows):
            if row.path == Path(result.path):
                self.history_table.selectRow(number)
                break

    def show_result(self, result: catalog.ReportResult) -> None:
        self.result = result
        self.result_title.setText(f"已生成：{result.title}")
        self.result_path.setText(f"文件：{result.path}")
        self.result_warnings.setText("\n".join(f"提示：{w}" for w in result.warnings))
        self.result_warnings.setVisible(bool(result.warnings))
        self.result_panel.show()

    # ---- what can be done with a file
    def _on_selected(self, action) -> None:
        row: HistoryRow | None = selected_row(self.history_table)
        if row is not None:
            action(row.path)

    def _exists(self, path: Path) -> bool:
        if Path(path).is_file():
            return True
        QMessageBox.warning(self, "文件已不存在", f"文件已不存在：\n{path}\n\n可能已被移动、改名或删除；可以重新生成。")
        self.reload_history()
        return False

    def open_file(self, path: Path) -> None:
        if self._exists(path) and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            QMessageBox.warning(self, "无法打开", "无法打开这个文件：本机可能没有安装 Word、WPS 或 LibreOffice。")

    def open_folder(self, path: Path) -> None:
        path = Path(path)
        if office_apps.reveal_in_folder(path):
            return
        folder = path.parent if path.parent.exists() else None
        if folder is None or not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            QMessageBox.warning(self, "无法打开文件夹", f"无法打开文件夹：\n{path.parent}")

    def print_file(self, path: Path) -> None:
        if not self._exists(path):
            return
        question = f"用默认打印机打印“{Path(path).name}”？\n\n要选择打印机或页码范围，请先打开文件，在 Word/WPS 中打印。"
        if QMessageBox.question(self, "打印", question) != QMessageBox.Yes:
            return
        self._run("正在发送到打印机…", lambda control: office_apps.print_file(path, control),
                  lambda message: QMessageBox.information(self, "打印", message), "无法打印")

    def save_pdf(self, path: Path) -> None:
        if not self._exists(path):
            return
        apps = office_apps.available()
        if not any(app.converts for app in apps):
            wps = any(app.name == office_apps.WPS for app in apps)
            QMessageBox.warning(self, "无法转换为 PDF", office_apps.WPS_ONLY if wps else office_apps.NO_CONVERTER)
            return
        suggested = office_apps.unique_path(Path(path).with_suffix(".pdf"))
        chosen, _ = QFileDialog.getSaveFileName(self, "另存为 PDF", str(suggested), "PDF 文件 (*.pdf)")
        if not chosen:
            return
        target = Path(chosen) if chosen.lower().endswith(".pdf") else Path(chosen + ".pdf")

        def work(control):
            return office_apps.convert_to_pdf(path, target.parent, target.name, control=control, apps=apps)

        self._run("正在转换为 PDF…", work,
                  lambda pdf: QMessageBox.information(self, "另存为 PDF", f"已另存为 PDF：\n{pdf}"), "无法转换为 PDF")

    def forget_selected(self) -> None:
        row: HistoryRow | None = selected_row(self.history_table)
        if row is None:
            return
        catalog.forget(row.id)
        self.bus.notify("reports")
        self.reload_history()

