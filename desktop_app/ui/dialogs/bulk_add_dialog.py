"""批量添加单位: paste a list or choose an .xlsx, look at the preview, then add all in one go."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import AppError
from desktop_app.core.unit_bulk import BulkPreview, commit_preview, preview_from_text, preview_from_xlsx
from desktop_app.ui.error_dialog import show_error
from desktop_app.ui.table_models.unit_models import BulkPreviewModel
from desktop_app.ui.worker import run_job

HELP = ("每行一个单位。可以直接从 Excel 复制几列粘贴进来，列的顺序为：单位全称、类别、简称、统一社会信用代码、"
        "别名、所属分组（后面几列可省略；类别留空时按名称推断）。也可以选择一个 .xlsx 文件，"
        "第一行或标题下一行为列名（单位名称、类别、简称、统一社会信用代码、别名、所属分组）。")


class BulkAddDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("批量添加单位")
        self.preview: BulkPreview | None = None
        self.added = 0
        layout = QVBoxLayout(self)
        help_label = QLabel(HELP)
        help_label.setWordWrap(True)
        layout.addWidget(help_label)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setPlaceholderText("红寺堡区教育局\n红寺堡区水务局\t行政执法部门\t水务局")
        self.text_edit.setFixedHeight(120)
        layout.addWidget(self.text_edit)
        row = QHBoxLayout()
        self.preview_button = QPushButton("预览粘贴的名单")
        self.file_button = QPushButton("从 Excel 文件读取…")
        row.addWidget(self.preview_button)
        row.addWidget(self.file_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.summary = QLabel("尚未预览。")
        layout.addWidget(self.summary)
        self.model = BulkPreviewModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.skip_invalid = QCheckBox("跳过有错误的行，只添加正确的行")
        layout.addWidget(self.skip_invalid)
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton("添加", QDialogButtonBox.AcceptRole)
        self.buttons.addButton("关闭", QDialogButtonBox.RejectRole)
        self.import_button.setEnabled(False)
        self.buttons.accepted.connect(self.commit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.preview_button.clicked.connect(self.preview_text)
        self.file_button.clicked.connect(self.choose_file)
        self.skip_invalid.toggled.connect(self._update_state)
        self.resize(860, 560)

    def preview_text(self) -> None:
        try:
            self.show_preview(preview_from_text(self.text_edit.toPlainText()))
        except AppError as exc:
            show_error(self, exc)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择单位名单", "", "Excel 工作簿 (*.xlsx);;所有文件 (*)")
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path) -> None:
        """Reading an .xlsx loads openpyxl (~0.3 s) and may be large: done off the GUI thread."""
        run_job(self, "正在读取文件…", lambda control: preview_from_xlsx(path), self.show_preview)

    def show_preview(self, preview: BulkPreview) -> None:
        self.preview = preview
        self.model.set_rows(preview.rows)
        skipped = sum(1 for r in preview.rows if r.skip_reason and not r.errors)
        self.summary.setText(f"来源：{preview.source}；共 {len(preview.rows)} 行：新增 {preview.new_count} 个，"
                             f"跳过 {skipped} 个，有错误 {preview.error_count} 行。")
        self._update_state()

    def _update_state(self) -> None:
        preview = self.preview
        ok = bool(preview and preview.new_count and (not preview.error_count or self.skip_invalid.isChecked()))
        self.import_button.setEnabled(ok)

    def commit(self) -> None:
        if self.preview is None:
            return
        try:
            self.added = commit_preview(self.preview, self.skip_invalid.isChecked())
        except AppError as exc:
            show_error(self, exc)
            return
        self.accept()
