"""导入执法人员名册 in three steps (core/personnel/roster_import.py does the work):

1 读取 — the file is read on a worker thread (20,000 rows ≈ 1 s) as soon as the dialog shows.
2 列对应 — each column of the file, a sample value and a combo choosing what it is imported as (or 不导入),
  prefilled from the mapping remembered for this header layout or guessed from the headers; problems
  (no 姓名 column, a field chosen twice…) are listed live and block 下一步.
3 预览 — 新增/更新/无变化/错误 counts, the rows with every error by row and column, 导出错误清单…, and
  “跳过有错误的行” (required when there are errors). 导入 commits on a worker thread, cancellable.

Nothing is written before 导入, and a cancelled 导入 rolls back. `run_roster_import(parent, path)` returns
the ImportSummary, or None when nothing was imported; the caller notifies the data bus.
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
from desktop_app.core.personnel.roster_columns import FIELDS, REQUIRED, mapping_problems
from desktop_app.core.personnel.roster_commit import ImportSummary, commit_roster
from desktop_app.core.personnel.roster_errors import write_error_workbook
from desktop_app.core.personnel.roster_import import (
    ERROR,
    NEW,
    UNCHANGED,
    UPDATED,
    RosterPreview,
    load_roster_file,
    validate,
)
from desktop_app.ui.dialogs.step_frame import hint_label, step_frame
from desktop_app.ui.error_dialog import show_error
from desktop_app.ui.pages.common import make_table, selected_row
from desktop_app.ui.table_models.roster_import_models import (
    MappingModel,
    PreviewLine,
    PreviewModel,
    mapping_lines,
    preview_lines,
)
from desktop_app.ui.worker import Job, run_job

READ, MAP, PREVIEW = range(3)
STEPS = ("① 读取文件", "② 列对应", "③ 预览并导入")
SKIP = "不导入"
ERROR_COLOR = "#c0392b"


def _heading(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-size: 13pt; font-weight: bold; color: #1f3a5f;")
    return label


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("errorLabel")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return label


def error_workbook_name(source: Path) -> Path:
    """The default place of the 错误清单: next to the roster, “<原文件名>_错误清单.xlsx”."""
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


class RosterImportDialog(QDialog):
    """GUI thread only. While a job runs, the preview belongs to the worker: every control but 取消 is
    disabled, and 取消 (or Esc, or closing the window) cancels the job instead of the dialog."""

    def __init__(self, parent: QWidget | None, path: Path) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.setWindowTitle(f"导入执法人员名册 — {self.path.name}")
        self.preview: RosterPreview | None = None
        self.summary: ImportSummary | None = None
        self.combos: list[QComboBox] = []
        self.lines: list[PreviewLine] = []  # the 预览 lines of the last check
        self.error_count = 0
        self._job: Job | None = None
        self._started = False
        self._cancel_requested = False
        self.step = READ

        self.steps_label, self.stack, self.status_label, buttons = step_frame(
            self, [self._read_page(), self._map_page(), self._preview_page()], ["‹ 上一步", "下一步 ›", "导入", "取消"])
        self.back_button, self.next_button, self.import_button, self.cancel_button = buttons
        self.back_button.clicked.connect(lambda: self._show_step(MAP))
        self.next_button.clicked.connect(self.go_to_preview)
        self.import_button.clicked.connect(self.commit)
        self.cancel_button.clicked.connect(self.reject)

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
        label = _heading(f"正在读取“{self.path.name}”…")
        label.setAlignment(Qt.AlignCenter)
        layout.addWidget(label)
        hint = hint_label("读取名册中的第一个带表头（姓名、公民身份号码、单位等列名）的工作表。")
        hint.setAlignment(Qt.AlignCenter)
        layout.addWidget(hint)
        layout.addStretch(2)
        return page

    def showEvent(self, event) -> None:  # Qt override
        super().showEvent(event)
        if not self._started:
            self._started = True
            QTimer.singleShot(0, self, self._load)

    def _load(self) -> None:
        path = self.path
        self._run("正在读取名册…", lambda control: load_roster_file(path, control), self._loaded,
                  on_error=self._load_failed, on_cancel=super().reject)

    def _loaded(self, preview: RosterPreview) -> None:
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
    def _map_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(_heading("列对应"))
        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        layout.addWidget(self.source_label)
        self.remembered_label = QLabel()
        self.remembered_label.setWordWrap(True)
        self.remembered_label.setStyleSheet("background: #eaf4ea; border: 1px solid #b7d8b7; border-radius: 4px;"
                                            " padding: 6px 10px; color: #1e5631;")
        layout.addWidget(self.remembered_label)
        required = "、".join(f"“{f.label}”" for f in FIELDS if f.key in REQUIRED)
        layout.addWidget(hint_label(f"为文件的每一列选择导入为哪一项，不需要的列选“{SKIP}”。必须有{required}三列；"
                               "有“证号”列时还须有“发证日期”和“有效期至”列。"))
        self.mapping_model = MappingModel(self)
        self.mapping_table = make_table(self.mapping_model)
        self.mapping_table.setSelectionMode(QAbstractItemView.NoSelection)  # the combos are the point
        layout.addWidget(self.mapping_table, 1)
        self.problems_label = _error_label()
        layout.addWidget(self.problems_label)
        return page

    def _fill_mapping(self, preview: RosterPreview) -> None:
        lines = mapping_lines(preview)
        data_rows = len(preview.rows)
        self.source_label.setText(f"文件“{preview.path.name}”，工作表“{preview.sheet_name}”：表头在第 "
                                  f"{preview.header_row} 行，其下有 {data_rows} 行（含空行、落款等，核对时会略过）。")
        self.remembered_label.setText("已按上次导入同样表头的名册时确认的列对应填好，请核对后继续。")
        self.remembered_label.setVisible(preview.mapping_remembered)
        self.mapping_model.set_rows(lines)
        self.combos = []
        for line in lines:
            combo = FieldCombo()
            combo.addItem(SKIP, None)
            for field in FIELDS:
                combo.addItem(field.label, field.key)
            combo.setCurrentIndex(max(0, combo.findData(preview.mapping.get(line.column))))
            combo.setMaxVisibleItems(len(FIELDS) + 1)
            combo.currentIndexChanged.connect(self._mapping_changed)
            self.mapping_table.setIndexWidget(self.mapping_model.index(line.column, 3), combo)
            self.combos.append(combo)
        table = self.mapping_table
        table.verticalHeader().setDefaultSectionSize(max(30, self.combos[0].sizeHint().height() + 4)
                                                     if self.combos else 30)
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.Stretch)  # the sample takes the room, the combos stay put
        for column, width in ((0, 48), (1, 280), (3, 220)):
            table.setColumnWidth(column, width)
        self._mapping_changed()

    def current_mapping(self) -> dict[int, str | None]:
        return {column: combo.currentData() for column, combo in enumerate(self.combos)}

    def set_field(self, column: int, field: str | None) -> None:
        """Choose what column `column` (0-based) is imported as; None is 不导入."""
        combo = self.combos[column]
        combo.setCurrentIndex(max(0, combo.findData(field)))

    def _mapping_changed(self) -> None:
        problems = mapping_problems(self.current_mapping())
        self.problems_label.setText("\n".join(f"• {p}" for p in problems))
        self.problems_label.setVisible(bool(problems))
        self._update_buttons()

    # ---- step 3: 预览
    def _preview_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(_heading("预览"))
        self.counts_label = QLabel()
        self.counts_label.setTextFormat(Qt.RichText)
        self.counts_label.setStyleSheet("font-size: 11pt;")
        layout.addWidget(self.counts_label)
        filters = QHBoxLayout()
        self.errors_only = QCheckBox("只看有错误的行")
        self.errors_only.toggled.connect(self._filter_rows)
        filters.addWidget(self.errors_only)
        filters.addStretch(1)
        self.export_button = QPushButton("导出错误清单…")
        self.export_button.setAutoDefault(False)
        self.export_button.setToolTip("把名册另存一份，出错的单元格标红并附说明，可发回填报单位修改")
        self.export_button.clicked.connect(self.export_errors)
        filters.addWidget(self.export_button)
        layout.addLayout(filters)
        self.preview_model = PreviewModel(self)
        self.preview_table = make_table(self.preview_model)
        self.preview_table.selectionModel().selectionChanged.connect(self._show_row_errors)
        layout.addWidget(self.preview_table, 1)
        self.row_errors_label = _error_label()
        layout.addWidget(self.row_errors_label)
        self.row_hint_label = hint_label("选中一行可在这里查看该行的全部错误说明。")
        layout.addWidget(self.row_hint_label)
        self.skip_check = QCheckBox()
        self.skip_check.toggled.connect(self._update_buttons)
        layout.addWidget(self.skip_check)
        layout.addWidget(hint_label("点“导入”之前不会写入任何数据；导入前自动备份数据库。身份证号已在台账中的人员按名册更新"
                               "（名册中留空的项保留原值），其余登记为新人员。"))
        return page

    def go_to_preview(self) -> None:
        preview = self.preview
        if preview is None or mapping_problems(self.current_mapping()):
            return
        mapping = self.current_mapping()
        if preview.results is not None and mapping == preview.mapping:
            self._show_preview()  # checked already with this mapping
            return
        preview.apply_mapping(mapping)
        self._run("正在核对名册…", lambda control: validate(preview, control), lambda _: self._show_preview(),
                  on_cancel=lambda: self._show_step(MAP))

    def _show_preview(self) -> None:
        preview = self.preview
        counts = preview.counts()
        errors = self.error_count = counts[ERROR]
        rest = counts[NEW] + counts[UPDATED] + counts[UNCHANGED]
        error_part = (f"<b style='color:{ERROR_COLOR}'>有错误 {errors} 行</b>" if errors else "没有错误")
        self.counts_label.setText(f"共 {rest + errors} 行人员：新增 <b>{counts[NEW]}</b> 人　更新 "
                                  f"<b>{counts[UPDATED]}</b> 人　无变化 <b>{counts[UNCHANGED]}</b> 人　{error_part}")
        self.lines = preview_lines(preview)
        self.errors_only.blockSignals(True)
        self.errors_only.setChecked(False)
        self.errors_only.blockSignals(False)
        self.errors_only.setEnabled(bool(errors))
        self.errors_only.setText(f"只看有错误的行（{errors} 行）" if errors else "只看有错误的行")
        self.export_button.setEnabled(bool(errors))
        self.skip_check.setChecked(False)
        self.skip_check.setText(f"跳过有错误的行，只导入其余 {rest} 行")
        self.skip_check.setVisible(bool(errors))
        self.skip_check.setEnabled(rest > 0)
        self._filter_rows()
        table = self.preview_table
        for column, width in ((0, 56), (1, 90), (2, 220), (3, 200)):
            table.setColumnWidth(column, width)
        self._show_step(PREVIEW)

    def _filter_rows(self) -> None:
        lines = self.lines
        self.preview_model.set_rows([line for line in lines if line.has_errors]
                                    if self.errors_only.isChecked() else lines)
        self._show_row_errors()

    def _show_row_errors(self) -> None:
        line = selected_row(self.preview_table)
        shown = line is not None and line.has_errors
        self.row_errors_label.setText("\n".join(line.error_list) if shown else "")
        self.row_errors_label.setVisible(shown)
        self.row_hint_label.setVisible(not shown and self.error_count > 0)

    def export_errors(self) -> None:
        preview = self.preview
        if preview is None or not preview.errors:
            return
        chosen, _ = QFileDialog.getSaveFileName(self, "导出错误清单", str(error_workbook_name(self.path)),
                                                "Excel 工作簿 (*.xlsx)")
        if not chosen:
            return
        target = Path(chosen) if chosen.lower().endswith(".xlsx") else Path(chosen + ".xlsx")
        if _same_file(target, self.path):  # written in place of the roster, the unit's original would be lost
            QMessageBox.warning(self, "导出错误清单", "不能覆盖原名册文件，请换一个文件名。")
            return

        def done(written: Path) -> None:
            QMessageBox.information(self, "错误清单已导出", f"错误清单已保存：\n{written}\n\n"
                                    "出错的单元格已标红并附说明，最后一列是每行的错误说明，可发回填报单位修改。")

        self._run("正在生成错误清单…", lambda control: write_error_workbook(preview, target, control), done)

    # ---- 导入
    def commit(self) -> None:
        preview = self.preview
        if preview is None or not self._can_import():
            return
        skip = self.skip_check.isChecked()
        self._run("正在导入名册…", lambda control: commit_roster(preview, skip, control), self._committed,
                  on_error=self._commit_failed,
                  on_cancel=lambda: self.status_label.setText("已取消导入，没有写入任何数据。"))

    def _committed(self, summary: ImportSummary) -> None:
        self.summary = summary
        text = summary.message()
        if summary.backup is not None:
            text += f"\n\n导入前的数据库已备份为“{summary.backup.name}”。"
        QMessageBox.information(self, "名册导入完成", text)
        self.accept()

    def _commit_failed(self, exc: BaseException) -> None:
        show_error(self, exc)
        if isinstance(exc, AppError) and self.preview is not None:
            # e.g. the database changed since the check: check again so the preview shows what is there now
            self.preview.results = None
            self.go_to_preview()

    def _can_import(self) -> bool:
        preview = self.preview
        if preview is None or preview.results is None:
            return False
        counts = preview.counts()
        return bool(counts[NEW] + counts[UPDATED]) and (not counts[ERROR] or self.skip_check.isChecked())

    # ---- steps, buttons, jobs
    def _show_step(self, step: int) -> None:
        self.step = step
        self.stack.setCurrentIndex(step)
        marks = [f"<b style='color:#1f3a5f'>{name}</b>" if n == step else f"<span style='color:#8a8a8a'>{name}</span>"
                 for n, name in enumerate(STEPS)]
        self.steps_label.setText("　›　".join(marks))
        self.status_label.setText("")
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = self.busy
        step = self.step
        self.back_button.setVisible(step == PREVIEW)
        self.next_button.setVisible(step == MAP)
        self.import_button.setVisible(step == PREVIEW)
        self.back_button.setEnabled(not busy)
        self.next_button.setEnabled(not busy and step == MAP and not mapping_problems(self.current_mapping()))
        self.import_button.setEnabled(not busy and self._can_import())
        self.stack.setEnabled(not busy)
        if step == PREVIEW and not busy:
            self.status_label.setText(self._preview_status())

    def _preview_status(self) -> str:
        counts = self.preview.counts() if self.preview else {}
        if counts.get(ERROR) and not self.skip_check.isChecked():
            return "有错误的行：请修改名册后重新导入，或勾选“跳过有错误的行”。"
        if not (counts.get(NEW) or counts.get(UPDATED)):
            return ("除有错误的行外，没有需要写入的内容。" if counts.get(ERROR)
                    else "没有需要写入的内容：名册中的人员与台账一致。")
        return ""

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


def run_roster_import(parent: QWidget | None, path: Path) -> ImportSummary | None:
    """Open the dialog on `path`; the ImportSummary when the roster was imported, else None."""
    dialog = RosterImportDialog(parent, Path(path))
    dialog.exec()
    return dialog.summary
