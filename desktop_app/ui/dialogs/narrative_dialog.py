"""The clerk's own words in a report (存在的问题, 下一年度工作打算 …): one text box per section.

Opens with the text remembered from the last run of the same report, else a draft written from the
numbers (catalog.narrative_for); 恢复草稿 puts the draft back in one box. The numbers themselves are never
typed here: the report reads them from the database when it is generated.
"""
from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import AppError
from desktop_app.core.reports import catalog
from desktop_app.ui.error_dialog import show_error


class NarrativeDialog(QDialog):
    def __init__(self, parent: QWidget | None, request: catalog.ReportRequest, texts: dict[str, str],
                 drafts: dict[str, str] | None = None) -> None:
        super().__init__(parent)
        self.request = request
        self.kind = catalog.KINDS[request.kind]
        self._drafts = drafts  # None: worked out when 恢复草稿 is first clicked
        self.setWindowTitle(f"{self.kind.label}：正文内容")
        layout = QVBoxLayout(self)
        intro = QLabel(f"下面的文字写入{request.year}年度《{self.kind.label}》正文。统计数字由软件在生成时从数据库读取，"
                       "这里只需核对、修改文字；保存后下次生成同一报表时会保留。")
        intro.setWordWrap(True)
        intro.setObjectName("hintLabel")
        layout.addWidget(intro)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        self.edits: dict[str, QPlainTextEdit] = {}
        self.restore_buttons: dict[str, QPushButton] = {}
        for section in self.kind.sections:
            head = QHBoxLayout()
            label = QLabel(f"<b>{section.label}</b>")
            head.addWidget(label)
            if section.hint:
                hint = QLabel(section.hint)
                hint.setObjectName("hintLabel")
                head.addWidget(hint)
            head.addStretch(1)
            restore = QPushButton("恢复草稿")
            restore.setToolTip("用软件根据统计数字写的草稿替换这一栏的文字")
            restore.clicked.connect(lambda _checked=False, key=section.key: self.restore_draft(key))
            head.addWidget(restore)
            body_layout.addLayout(head)
            edit = QPlainTextEdit(texts.get(section.key, ""))
            edit.setObjectName(f"narrative_{section.key}")
            edit.setPlaceholderText(section.hint or "可留空")
            edit.setMinimumHeight(140)
            body_layout.addWidget(edit, 1)
            self.edits[section.key] = edit
            self.restore_buttons[section.key] = restore
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("确定，生成报表")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 260 + 200 * len(self.kind.sections))

    def drafts(self) -> dict[str, str]:
        if self._drafts is None:
            self._drafts = catalog.draft_narrative(self.request)
        return self._drafts

    def restore_draft(self, key: str) -> None:
        try:
            text = self.drafts().get(key, "")
        except AppError as exc:
            show_error(self, exc)
            return
        self.edits[key].setPlainText(text)

    def texts(self) -> dict[str, str]:
        return {key: edit.toPlainText().strip() for key, edit in self.edits.items()}
