"""What the sheet-import dialogs (导入执法人员名册, 导入培训记录) share: 读取 on a worker thread as soon as the
dialog shows, 列对应 with a combo per column, 预览 with the rows' errors and 导出错误清单…, and 导入 with the
dialog locked and 取消 cancelling the running job instead of the dialog.

SheetImportDialog leaves to each dialog its steps' texts, the core calls (`_reader`, `_write_errors`,
`_commit_job`), what the mapping and 预览 pages add, and how its buttons follow the steps.
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import AppError
from desktop_app.ui.dialogs.step_frame import error_label, heading, hint_label, wizard_frame
from desktop_app.ui.error_dialog import show_error
from desktop_app.ui.pages.common import make_table, selected_row
from desktop_app.ui.table_models.roster_import_models import MappingModel, mapping_lines
from desktop_app.ui.worker import Job, run_job

READ, MAP = 0, 1  # the first two steps of every sheet import; the last one is the dialog's PREVIEW
SKIP_COLUMN = "不导入"
ERROR_COLOR = "#c0392b"
NOTE_STYLE = ("background: #eaf4ea; border: 1px solid #b7d8b7; border-radius: 4px; padding: 6px 10px;"
              " color: #1e5631;")
ROW_HINT = "选中一行可在这里查看该行的全部错误说明。"


def error_workbook_name(source: Path) -> Path:
    """The default place of the 错误清单: next to the source file, “<原文件名>_错误清单.xlsx”."""
    return source.with_name(f"{source.stem}_错误清单.xlsx")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.normcase(a.resolve()) == os.path.normcase(b.resolve())
    except OSError:
        return False


class FieldCombo(QComboBox):
    """Ignores the mouse wheel unless clicked into: scrolling down a 25-column mapping must not change it."""

    def __init__(self) -> None:
        super().__init__()
        self.setFocusPolicy(Qt.StrongFocus)

    def wheelEvent(self, event) -> None:  # Qt override
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()  # the table scrolls instead


class SheetImportDialog(QDialog):
    """GUI thread only. While a job runs, the preview belongs to the worker: every control but 取消 is
    disabled, and 取消 (or Esc, or closing the window) cancels the job instead of the dialog."""

    STEPS: tuple[str, ...] = ()
    PREVIEW = 2  # the step of the 预览 page
    FIELDS: tuple = ()  # what a column can be imported as (each with .key and .label)
    READ_HINT = ""  # under “正在读取…”
    LOAD_TITLE = ""  # the progress titles of 读取 and 导入
    COMMIT_TITLE = ""
    DONE_TITLE = ""  # the message box after 导入
    SOURCE_WORD = "文件"  # “已按上次导入同样表头的<文件>时确认的列对应填好”
    OVERWRITE_REFUSED = "不能覆盖原文件，请换一个文件名。"
    MAPPING_WIDTHS: tuple[tuple[int, int], ...] = ()

    def __init__(self, parent: QWidget | None, path: Path, title: str) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.setWindowTitle(f"{title} — {self.path.name}")
        self.preview = None
        self.summary = None
        self.combos: list[QComboBox] = []
        self.lines: list = []  # the 预览 lines of the last check
        self.error_count = 0
        self._job: Job | None = None
        self._started = False
        self._cancel_requested = False
        self.step = READ

    def _build(self, pages: list[QWidget], on_back, on_next) -> None:
        """The frame around `pages` (the first is 读取); called by the dialog once its own state is set."""
        self.import_button = wizard_frame(self, pages, "导入", on_back, on_next, self.commit)
        self.setMinimumSize(900, 560)
        self.resize(1100, 700)
        self._show_step(READ)

    @property
    def busy(self) -> bool:
        """A worker job (reading, checking, exporting, importing) is running."""
        return self._job is not None

    # ---- step 1: 读取
    def _read_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        label = heading(f"正在读取“{self.path.name}”…")
        label.setAlignment(Qt.AlignCenter)
        layout.addWidget(label)
        hint = hint_label(self.READ_HINT)
        hint.setAlignment(Qt.AlignCenter)
        layout.addWidget(hint)
        layout.addStretch(2)
        return page

    def showEvent(self, event) -> None:  # Qt override
        super().showEvent(event)
        if not self._started:
            self._started = True
            QTimer.singleShot(0, self, self._load)

    def _reader(self):
        """The worker side of 读取: a function of the job control returning the preview."""
        raise NotImplementedError

    def _load(self) -> None:
        self._run(self.LOAD_TITLE, self._reader(), self._loaded, on_error=self._load_failed,
                  on_cancel=super().reject)

    def _loaded(self, preview) -> None:
        if self._cancel_requested:  # 取消 came as the last chunk was read: the clerk still wants out
            super().reject()
            return
        self.preview = preview
        self._fill_mapping(preview)
        self._show_step(MAP)

    def _load_failed(self, exc: BaseException) -> None:
        show_error(self, exc)
        super().reject()

    # ---- step 2: 列对应
    def _map_page_start(self, hint: str) -> tuple[QWidget, QVBoxLayout]:
        """The 列对应 page down to the mapping table; the dialog adds the rest."""
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading("列对应"))
        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        layout.addWidget(self.source_label)
        self.remembered_label = QLabel()
        self.remembered_label.setWordWrap(True)
        self.remembered_label.setStyleSheet(NOTE_STYLE)
        layout.addWidget(self.remembered_label)
        layout.addWidget(hint_label(hint))
        self.mapping_model = MappingModel(self)
        self.mapping_table = make_table(self.mapping_model)
        self.mapping_table.setSelectionMode(QAbstractItemView.NoSelection)  # the combos are the point
        layout.addWidget(self.mapping_table, 1)
        return page, layout

    def _fill_mapping(self, preview) -> None:
        lines = mapping_lines(preview)
        self.source_label.setText(f"文件“{preview.path.name}”，工作表“{preview.sheet_name}”：表头在第 "
                                  f"{preview.header_row} 行，其下有 {len(preview.rows)} 行（含空行、落款等，核对时会略过）。")
        self.remembered_label.setText(f"已按上次导入同样表头的{self.SOURCE_WORD}时确认的列对应填好，请核对后继续。")
        self.remembered_label.setVisible(preview.mapping_remembered)
        self.mapping_model.set_rows(lines)
        self.combos = []
        for line in lines:
            combo = FieldCombo()
            combo.addItem(SKIP_COLUMN, None)
            for item in self.FIELDS:
                combo.addItem(item.label, item.key)
            combo.setCurrentIndex(max(0, combo.findData(preview.mapping.get(line.column))))
            combo.setMaxVisibleItems(len(self.FIELDS) + 1)
            combo.currentIndexChanged.connect(self._mapping_changed)
            self.mapping_table.setIndexWidget(self.mapping_model.index(line.column, 3), combo)
            self.combos.append(combo)
        table = self.mapping_table
        table.verticalHeader().setDefaultSectionSize(max(30, self.combos[0].sizeHint().height() + 4)
                                                     if self.combos else 30)
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.Stretch)  # the sample takes the room, the combos stay put
        for column, width in self.MAPPING_WIDTHS:
            table.setColumnWidth(column, width)
        self._mapping_filled()
        self._mapping_changed()

    def _mapping_filled(self) -> None:
        """What the dialog fills beside the column combos, before the mapping is first checked."""

    def current_mapping(self) -> dict[int, str | None]:
        return {column: combo.currentData() for column, combo in enumerate(self.combos)}

    def set_field(self, column: int, field: str | None) -> None:
        """Choose what column `column` (0-based) is imported as; None is 不导入."""
        combo = self.combos[column]
        combo.setCurrentIndex(max(0, combo.findData(field)))

    def _mapping_changed(self) -> None:
        raise NotImplementedError

    def _show_problems(self, problems: list[str]) -> None:
        self.problems_label.setText("\n".join(f"• {p}" for p in problems))
        self.problems_label.setVisible(bool(problems))
        self._update_buttons()

    # ---- 预览
    def _preview_page_start(self, wrap_counts: bool = False) -> tuple[QWidget, QVBoxLayout]:
        """The 预览 page's heading and counts; the dialog adds what it shows before the rows."""
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading("预览"))
        self.counts_label = QLabel()
        self.counts_label.setTextFormat(Qt.RichText)
        if wrap_counts:
            self.counts_label.setWordWrap(True)
        self.counts_label.setStyleSheet("font-size: 11pt;")
        layout.addWidget(self.counts_label)
        return page, layout

    def _preview_rows(self, layout: QVBoxLayout, preview_model, export_tip: str, note: str) -> None:
        """The 预览 page's rows: the filter and 导出错误清单…, the table, the selected row's errors, “跳过有错误的
        行” and `note` under all."""
        filters = QHBoxLayout()
        self.errors_only = QCheckBox("只看有错误的行")
        self.errors_only.toggled.connect(self._filter_rows)
        filters.addWidget(self.errors_only)
        filters.addStretch(1)
        self.export_button = QPushButton("导出错误清单…")
        self.export_button.setAutoDefault(False)
        self.export_button.setToolTip(export_tip)
        self.export_button.clicked.connect(self.export_errors)
        filters.addWidget(self.export_button)
        layout.addLayout(filters)
        self.preview_model = preview_model
        self.preview_table = make_table(self.preview_model)
        self.preview_table.selectionModel().selectionChanged.connect(self._show_row_errors)
        layout.addWidget(self.preview_table, 1)
        self.row_errors_label = error_label()
        layout.addWidget(self.row_errors_label)
        self.row_hint_label = hint_label(ROW_HINT)
        layout.addWidget(self.row_hint_label)
        self.skip_check = QCheckBox()
        self.skip_check.toggled.connect(self._update_buttons)
        layout.addWidget(self.skip_check)
        layout.addWidget(hint_label(note))

    def _show_rows(self, errors: int, exportable: bool, skip_text: str, can_skip: bool,
                   widths: tuple[tuple[int, int], ...]) -> None:
        """The 预览 rows after a check with `errors` rows in error; then the 预览 step."""
        self.errors_only.blockSignals(True)
        self.errors_only.setChecked(False)
        self.errors_only.blockSignals(False)
        self.errors_only.setEnabled(bool(errors))
        self.errors_only.setText(f"只看有错误的行（{errors} 行）" if errors else "只看有错误的行")
        self.export_button.setEnabled(exportable)
        self.skip_check.setChecked(False)
        self.skip_check.setText(skip_text)
        self.skip_check.setVisible(bool(errors))
        self.skip_check.setEnabled(can_skip)
        self._filter_rows()
        table = self.preview_table
        for column, width in widths:
            table.setColumnWidth(column, width)
        self._show_step(self.PREVIEW)

    def _filter_rows(self) -> None:
        lines = self.lines
        self.preview_model.set_rows([line for line in lines if line.has_errors]
                                    if self.errors_only.isChecked() else lines)
        self._show_row_errors()

    def _row_texts(self, line) -> list[str]:
        """What is shown under the table for the selected row (nothing: the hint is shown)."""
        raise NotImplementedError

    def _show_row_errors(self) -> None:
        line = selected_row(self.preview_table)
        texts = self._row_texts(line) if line is not None else []
        shown = bool(texts)
        self.row_errors_label.setText("\n".join(texts) if shown else "")
        self.row_errors_label.setVisible(shown)
        self.row_hint_label.setVisible(not shown and self.error_count > 0)

    def _write_errors(self, preview, target: Path, control) -> Path:
        """Worker side of 导出错误清单…."""
        raise NotImplementedError

    def export_errors(self) -> None:
        preview = self.preview
        if preview is None or not preview.errors:
            return
        chosen, _ = QFileDialog.getSaveFileName(self, "导出错误清单", str(error_workbook_name(self.path)),
                                                "Excel 工作簿 (*.xlsx)")
        if not chosen:
            return
        target = Path(chosen) if chosen.lower().endswith(".xlsx") else Path(chosen + ".xlsx")
        if _same_file(target, self.path):  # written in place of the source, the unit's original would be lost
            QMessageBox.warning(self, "导出错误清单", self.OVERWRITE_REFUSED)
            return

        def done(written: Path) -> None:
            QMessageBox.information(self, "错误清单已导出", f"错误清单已保存：\n{written}\n\n"
                                    "出错的单元格已标红并附说明，最后一列是每行的错误说明，可发回填报单位修改。")

        self._run("正在生成错误清单…", lambda control: self._write_errors(preview, target, control), done)

    # ---- 导入
    def _can_import(self) -> bool:
        raise NotImplementedError

    def _commit_job(self, preview, skip: bool, control):
        """Worker side of 导入: the summary."""
        raise NotImplementedError

    def commit(self) -> None:
        preview = self.preview
        if preview is None or not self._can_import():
            return
        skip = self.skip_check.isChecked()
        self._run(self.COMMIT_TITLE, lambda control: self._commit_job(preview, skip, control), self._committed,
                  on_error=self._commit_failed,
                  on_cancel=lambda: self.status_label.setText("已取消导入，没有写入任何数据。"))

    def _committed(self, summary) -> None:
        self.summary = summary
        text = summary.message()
        if summary.backup is not None:
            text += f"\n\n导入前的数据库已备份为“{summary.backup.name}”。"
        QMessageBox.information(self, self.DONE_TITLE, text)
        self.accept()

    def _check_again(self) -> None:
        """After a refused 导入 (the preview's results are dropped): check the file again."""
        raise NotImplementedError

    def _commit_failed(self, exc: BaseException) -> None:
        show_error(self, exc)
        if isinstance(exc, AppError) and self.preview is not None:
            # e.g. the database changed since the check: check again so the preview shows what is there now
            self.preview.results = None
            self._check_again()

    # ---- steps, buttons, jobs
    def _step_mark(self, n: int, name: str, step: int) -> str:
        if n == step:
            return f"<b style='color:#1f3a5f'>{name}</b>"
        return f"<span style='color:#8a8a8a'>{name}</span>"

    def _show_step(self, step: int) -> None:
        self.step = step
        self.stack.setCurrentIndex(step)
        self.steps_label.setText("　›　".join(self._step_mark(n, name, step) for n, name in enumerate(self.STEPS)))
        self.status_label.setText("")
        self._update_buttons()

    def _update_buttons(self) -> None:
        raise NotImplementedError

    def _run(self, title: str, fn, on_done, on_error=None, on_cancel=None) -> None:
        """run_job with the dialog locked while it runs; each callback first unlocks it."""

        def then(callback):
            def call(*args) -> None:
                self._job = None
                self._update_buttons()
                if callback is not None:
                    callback(*args)
            return call

        self._job = run_job(self, title, fn, then(on_done), then(on_error or (lambda exc: show_error(self, exc))),
                            then(on_cancel))
        self._update_buttons()

    def reject(self) -> None:
        if self.busy:  # the job's own cancel path decides what happens next
            self._cancel_requested = self.step == READ
            self._job.control.cancel()
            return
        super().reject()
