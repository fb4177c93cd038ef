"""The frame the stepped dialogs (名册导入, 培训记录导入, 年度清理) share: the step trail on top, the pages in a
stack, and a button row led by a status line; and the labels their pages share."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

TRAIL_STYLE = ("background: #eef1f5; border: 1px solid #dde2e8; border-radius: 4px; padding: 8px 12px;"
               " font-size: 11pt;")


def hint_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("hintLabel")
    label.setWordWrap(True)
    return label


def heading(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-size: 13pt; font-weight: bold; color: #1f3a5f;")
    return label


def error_label(hidden: bool = False) -> QLabel:
    label = QLabel()
    label.setObjectName("errorLabel")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    if hidden:
        label.hide()
    return label


def step_frame(dialog: QDialog, pages: list[QWidget], button_texts: list[str]
               ) -> tuple[QLabel, QStackedWidget, QLabel, list[QPushButton]]:
    """Lay `pages` out in `dialog`; returns (trail label, page stack, status line, buttons in order).
    No button is a default: Enter must never apply an import or a 清理 by accident."""
    layout = QVBoxLayout(dialog)
    layout.setSpacing(8)
    trail = QLabel()
    trail.setTextFormat(Qt.RichText)
    trail.setStyleSheet(TRAIL_STYLE)
    layout.addWidget(trail)
    stack = QStackedWidget()
    for page in pages:
        stack.addWidget(page)
    layout.addWidget(stack, 1)
    row = QHBoxLayout()
    status = hint_label()
    row.addWidget(status, 1)
    buttons = []
    for text in button_texts:
        button = QPushButton(text)
        button.setAutoDefault(False)
        button.setMinimumWidth(96)
        row.addWidget(button)
        buttons.append(button)
    layout.addLayout(row)
    return trail, stack, status, buttons


def wizard_frame(dialog: QDialog, pages: list[QWidget], finish_text: str, on_back, on_next, on_finish
                 ) -> QPushButton:
    """step_frame with the ‹ 上一步 / 下一步 › / `finish_text` / 取消 row: sets the dialog's steps_label, stack,
    status_label, back_button, next_button and cancel_button (取消 is the dialog's reject); returns the
    `finish_text` button."""
    dialog.steps_label, dialog.stack, dialog.status_label, buttons = step_frame(
        dialog, pages, ["‹ 上一步", "下一步 ›", finish_text, "取消"])
    dialog.back_button, dialog.next_button, finish_button, dialog.cancel_button = buttons
    dialog.back_button.clicked.connect(on_back)
    dialog.next_button.clicked.connect(on_next)
    finish_button.clicked.connect(on_finish)
    dialog.cancel_button.clicked.connect(dialog.reject)
    return finish_button
