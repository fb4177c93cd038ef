"""填报进展 (one report for one unit's part in one task, with evidence files), its 历史 view, and the
assignment list those open from."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import AppError
from desktop_app.core.models import PROGRESS_STATES, Evidence
from desktop_app.core.progress import add_progress, evidence_file, history
from desktop_app.core.task_board import AssignmentRow
from desktop_app.ui.dialogs.form_dialog import FormDialog
from desktop_app.ui.error_dialog import show_error
from desktop_app.ui.pages.common import make_table, selected_row
from desktop_app.ui.table_models.task_models import (
    AssignmentModel,
    EvidenceModel,
    FileListModel,
    HistoryEntry,
    HistoryModel,
    one_line,
)
from desktop_app.ui.worker import run_job


def assignment_heading(row: AssignmentRow) -> QLabel:
    label = QLabel(f"<b>任务 {row.number}</b>　{one_line(row.content)[:120]}<br>"
                   f"单位：{row.unit_name}（{row.role}）　时限：{row.deadline_text or '—'}<br>"
                   f"当前状态：{row.status.label}　{row.status.detail}")
    label.setWordWrap(True)
    return label


class ProgressDialog(FormDialog):
    """Adds one report (reports are never edited); the files are copied into the evidence folder."""

    def __init__(self, parent: QWidget | None, row: AssignmentRow) -> None:
        super().__init__("填报进展", parent)
        self.row = row
        self.saved = None
        self.outer.insertWidget(0, assignment_heading(row))
        self.state_combo = QComboBox()
        self.state_combo.addItems(PROGRESS_STATES)
        self.state_combo.setCurrentText("本期已落实" if row.status.period else "推进中")
        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setMaximumDate(QDate.currentDate())
        self.period_edit = QLineEdit(row.status.period)
        self.period_edit.setPlaceholderText("一次性任务留空；长期坚持或每年的任务填期间，如：2026年下半年")
        self.text_edit = QPlainTextEdit()
        self.text_edit.setPlaceholderText("做了什么、取得什么效果、还有什么问题")
        self.text_edit.setFixedHeight(90)
        self.files = FileListModel(self)
        self.files_table = make_table(self.files)
        self.files_table.setFixedHeight(110)
        self.add_files_button = QPushButton("添加文件…")
        self.remove_file_button = QPushButton("移除")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_files_button)
        buttons.addWidget(self.remove_file_button)
        buttons.addStretch(1)
        files_box = QVBoxLayout()
        files_box.addWidget(self.files_table)
        files_box.addLayout(buttons)
        for label, widget in (("状态*", self.state_combo), ("日期*", self.date_edit), ("期间", self.period_edit),
                              ("情况说明", self.text_edit)):
            self.form.addRow(label, widget)
        self.form.addRow("证明材料", files_box)
        self.add_files_button.clicked.connect(self.choose_files)
        self.remove_file_button.clicked.connect(self.remove_file)
        self.files_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()
        self.resize(600, 0)

    def _update_buttons(self) -> None:
        self.remove_file_button.setEnabled(selected_row(self.files_table) is not None)

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "选择证明材料", "", "所有文件 (*)")
        self.add_files([Path(p) for p in paths])

    def add_files(self, paths: list[Path]) -> None:
        rows = list(self.files.rows)
        for path in paths:
            if path in rows:
                continue
            if any(p.name == path.name for p in rows):  # stored side by side under their names
                self.show_error(f"已添加过同名的文件“{path.name}”，请把其中一个改名后再添加。")
                continue
            rows.append(path)
        self.files.set_rows(rows)
        self.files_table.resizeColumnsToContents()
        self._update_buttons()

    def remove_file(self) -> None:
        path = selected_row(self.files_table)
        if path is not None:
            self.files.set_rows([p for p in self.files.rows if p != path])
            self._update_buttons()

    def _on_accept(self) -> None:
        """Saved on a worker thread: evidence files may be large (copied and fingerprinted)."""
        self.error_label.hide()
        day = self.date_edit.date().toPython()
        args = (self.row.id, self.state_combo.currentText(), day, self.text_edit.toPlainText(),
                self.period_edit.text().strip(), list(self.files.rows))
        self.buttons.setEnabled(False)
        run_job(self, "正在保存进展…", lambda control: add_progress(*args), self._saved, self._failed,
                lambda: self.buttons.setEnabled(True))

    def _saved(self, report) -> None:
        self.saved = report
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(exc, AppError):
            self.show_error(exc.message)
        elif isinstance(exc, OSError):
            self.show_error(f"无法保存证明材料：{exc.strerror or exc}（{getattr(exc, 'filename', '') or ''}）")
        else:
            show_error(self, exc)


class HistoryDialog(QDialog):
    """All reports of one assignment, newest first, and their evidence (double-click opens a file)."""

    def __init__(self, parent: QWidget | None, row: AssignmentRow) -> None:
        super().__init__(parent)
        self.setWindowTitle("进展历史")
        self.row = row
        layout = QVBoxLayout(self)
        layout.addWidget(assignment_heading(row))
        self.model = HistoryModel(self)
        self.table = make_table(self.model)
        layout.addWidget(self.table, 2)
        layout.addWidget(QLabel("证明材料（双击打开；打开前核对校验值）："))
        self.evidence = EvidenceModel(self)
        self.evidence_table = make_table(self.evidence)
        layout.addWidget(self.evidence_table, 1)
        self.empty_label = QLabel("还没有填报过进展。")
        self.empty_label.setObjectName("hintLabel")
        layout.addWidget(self.empty_label)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.evidence_table.doubleClicked.connect(lambda _: self.open_selected())
        self.load()
        self.resize(820, 480)

    def load(self) -> None:
        reports = history(self.row.id)
        files: dict[int, list[Evidence]] = {}
        if reports:
            for evidence in Evidence.select().where(Evidence.progress.in_([r.id for r in reports])) \
                    .order_by(Evidence.id):
                files.setdefault(evidence.progress_id, []).append(evidence)
        self.model.set_rows([HistoryEntry(r, files.get(r.id, [])) for r in reports])
        self.evidence.set_rows([(r, e) for r in reports for e in files.get(r.id, [])])
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(3, min(self.table.columnWidth(3), 360))
        if self.evidence.rows:
            self.evidence_table.resizeColumnsToContents()
        else:
            self.evidence_table.setColumnWidth(0, 320)
        self.empty_label.setVisible(not reports)

    def open_selected(self) -> bool:
        picked = selected_row(self.evidence_table)
        if picked is None:
            return False
        try:
            path = evidence_file(picked[1])
        except AppError as exc:
            show_error(self, exc)
            return False
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class AssignmentTable(QWidget):
    """Assignments with 填报进展… / 历史… under them (the 任务清单 task detail and unit view share it)."""

    def __init__(self, with_task: bool, fill: Callable[[AssignmentRow | None], None],
                 history: Callable[[AssignmentRow | None], None]) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.model = AssignmentModel(self, with_task)
        self._fitted = False
        self.table = make_table(self.model)
        layout.addWidget(self.table, 1)
        bar = QHBoxLayout()
        self.progress_button = QPushButton("填报进展…")
        self.history_button = QPushButton("历史…")
        bar.addWidget(self.progress_button)
        bar.addWidget(self.history_button)
        self.count_label = QLabel()
        bar.addWidget(self.count_label)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.progress_button.clicked.connect(lambda: fill(self.current()))
        self.history_button.clicked.connect(lambda: history(self.current()))
        self.table.doubleClicked.connect(lambda _: fill(self.current()))
        self.table.selectionModel().selectionChanged.connect(self._update)
        self._update()

    def current(self) -> AssignmentRow | None:
        return selected_row(self.table)

    def set_rows(self, rows: list[AssignmentRow]) -> None:
        keep = self.current()
        self.model.set_rows(rows)
        if rows and not self._fitted:  # fit once; later reloads keep the widths the clerk sees (and set)
            self._fitted = True
            self.table.resizeColumnsToContents()
            for column, header in enumerate(c.header for c in self.model.columns):
                limit = {"任务": 320, "说明": 240, "最近进展": 240, "单位": 200}.get(header)
                if limit:
                    self.table.setColumnWidth(column, min(self.table.columnWidth(column), limit))
        if keep is not None and self.model.row_of(keep.id) >= 0:
            self.table.selectRow(self.model.row_of(keep.id))
        self._update()

    def _update(self) -> None:
        has = self.current() is not None
        self.progress_button.setEnabled(has)
        self.history_button.setEnabled(has)
