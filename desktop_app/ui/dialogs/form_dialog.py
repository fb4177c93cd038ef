"""Base for edit dialogs: a form, an inline error line, 确定/取消; `save()` does the work."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.core.errors import AppError


def split_names(text: str) -> list[str]:
    """Aliases typed as “a、b，c” or one per line."""
    for sep in "，,；;\n":
        text = text.replace(sep, "、")
    return [part.strip() for part in text.split("、") if part.strip()]


class FormDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.outer = QVBoxLayout(self)
        self.form = QFormLayout()
        self.outer.addLayout(self.form)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.outer.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("保存")
        self.buttons.button(QDialogButtonBox.Cancel).setText("取消")
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)
        self.outer.addWidget(self.buttons)

    def save(self) -> None:
        """Each dialog's own work (the abstract step of this base class); raise AppError to stay open."""
        raise NotImplementedError

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def _on_accept(self) -> None:
        try:
            self.save()
        except AppError as exc:
            self.show_error(exc.message)
            return
        self.accept()
