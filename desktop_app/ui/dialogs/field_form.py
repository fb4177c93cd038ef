"""A FormDialog whose fields show their own errors: a ValidationError's `field` (or each error of an
OfficerErrors list) is written in red under the field it names; anything else goes to the bottom line."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import QComboBox, QDateEdit, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop_app.core.errors import AppError, ValidationError
from desktop_app.ui.dialogs.form_dialog import FormDialog
from desktop_app.ui.pages.common import set_property


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def date_edit(day: dt.date | None = None, latest: dt.date | None = None) -> QDateEdit:
    """A date with a calendar drop-down, shown as 2026-03-01; `latest` caps it (events never lie ahead)."""
    edit = QDateEdit(qdate(day or dt.date.today()))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(QDate(1950, 1, 1))
    if latest is not None:
        edit.setMaximumDate(qdate(latest))
    return edit


def choice_combo(values, current: str = "", blank: str | None = "", editable: bool = False) -> QComboBox:
    """A combo of dictionary values; a current value no longer in the list is kept (old records)."""
    box = QComboBox()
    box.setEditable(editable)
    if blank is not None:
        box.addItem(blank, "")
    for value in values:
        box.addItem(value, value)
    if current and box.findData(current) < 0:
        box.addItem(current, current)
    box.setCurrentIndex(max(0, box.findData(current)))
    return box


def combo_value(box: QComboBox) -> str:
    if box.isEditable():
        return box.currentText().strip()
    return box.currentData() or ""


def fit_height(dialog: QWidget, grow_only: bool = True) -> None:
    """Fit a dialog's height to its wrapped text at its actual width. A window sizes itself from its
    size hint, computed for a narrower width, so wrapped lines were cut off or left gaps."""
    layout = dialog.layout()
    layout.activate()
    wanted = layout.heightForWidth(dialog.width()) if layout.hasHeightForWidth() else -1
    if wanted <= 0:
        wanted = layout.sizeHint().height()
    if wanted > dialog.height() or (not grow_only and wanted != dialog.height()):
        dialog.resize(dialog.width(), wanted)


class FieldFormDialog(FormDialog):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}

    def add_field(self, name: str, label: str, widget: QWidget, form: QFormLayout | None = None,
                  aliases: tuple[str, ...] = ()) -> QWidget:
        """Add a row whose error line sits under `widget`; `aliases` are other field names errors use."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        error = QLabel()
        error.setObjectName("errorLabel")
        error.setWordWrap(True)
        error.hide()
        layout.addWidget(error)
        (form if form is not None else self.form).addRow(label, box)
        for key in (name, *aliases):
            self._fields[key] = (widget, error)
        return box

    def field_error(self, name: str) -> str:
        """The error shown under a field ('' if none); for tests and for the clerk's eyes only."""
        found = self._fields.get(name)
        return found[1].text() if found and not found[1].isHidden() else ""

    def clear_errors(self) -> None:
        for widget, error in self._fields.values():
            error.clear()
            error.hide()
            if isinstance(widget, QLineEdit):
                set_property(widget, "invalid", False)
        self.error_label.hide()

    def show_errors(self, errors: list[ValidationError]) -> None:
        general = []
        for exc in errors:
            found = self._fields.get(exc.field or "")
            if found is None:
                general.append(exc.message)
                continue
            widget, error = found
            error.setText("\n".join(t for t in (error.text(), exc.message) if t))
            error.show()
            if isinstance(widget, QLineEdit):
                set_property(widget, "invalid", True)
        if general:
            self.show_error("\n".join(general))
        first = next((self._fields[e.field][0] for e in errors if e.field in self._fields), None)
        if first is not None:
            first.setFocus()
        self.fit_height()

    def fit_height(self, grow_only: bool = True) -> None:
        fit_height(self, grow_only)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self, lambda: self.fit_height(grow_only=False))

    def _on_accept(self) -> None:
        self.clear_errors()
        try:
            self.save()
        except ValidationError as exc:
            self.show_errors(list(getattr(exc, "errors", None) or [exc]))
            return
        except AppError as exc:
            self.show_error(exc.message)
            return
        self.accept()
