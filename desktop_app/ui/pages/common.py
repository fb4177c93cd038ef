"""Small building blocks shared by pages and dialogs: titles, empty states, cards, tables."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)


class ReloadWhenShown:
    """For a page (mixed in before QWidget): a data change reloads it now when it is shown, else when it is
    next shown, so hidden pages cost nothing. The page defines `reload()`."""

    _stale = False

    def refresh(self) -> None:
        """After any data change (data bus)."""
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.reload()


def page_title(text: str, subtitle: str = "") -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 4)
    title = QLabel(text)
    title.setObjectName("pageTitle")
    layout.addWidget(title)
    if subtitle:
        sub = QLabel(subtitle)
        sub.setObjectName("pageSubtitle")
        sub.setWordWrap(True)
        layout.addWidget(sub)
    return box


class Card(QFrame):
    """A titled panel on the dashboard."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.layout_ = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setObjectName("cardTitle")
        self.layout_.addWidget(heading)
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.RichText)
        self.body.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.layout_.addWidget(self.body, 1)

    def add_button(self, text: str) -> QPushButton:
        button = QPushButton(text)
        self.layout_.addWidget(button, 0, Qt.AlignLeft)
        return button


class EmptyState(QWidget):
    """The honest state of a page whose data does not exist yet: what it will hold and how to get there."""

    def __init__(self, title: str, explanation: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        heading = QLabel(title)
        heading.setObjectName("emptyTitle")
        heading.setAlignment(Qt.AlignCenter)
        layout.addWidget(heading)
        self.text = QLabel(explanation)
        self.text.setObjectName("emptyText")
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignCenter)
        layout.addWidget(self.text)
        layout.addStretch(2)


def make_table(model) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setSelectionMode(QAbstractItemView.SingleSelection)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
    # fitting columns reads a sample, not every row: a prefecture list has tens of thousands
    table.horizontalHeader().setResizeContentsPrecision(200)
    return table


def selected_row(table: QTableView):
    indexes = table.selectionModel().selectedRows()
    return table.model().row_at(indexes[0].row()) if indexes else None


def set_property(widget: QWidget, name: str, value: object) -> None:
    """Dynamic properties drive the style sheet (red border, green/red message); re-polish to apply."""
    widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def sortable(table) -> None:
    """Sort in the model when a header is clicked. Qt flips the indicator itself only once it is shown, so
    the first click sets it (in the column's first order: largest gaps first, say)."""
    header = table.horizontalHeader()
    header.setSectionsClickable(True)

    def sort(column: int) -> None:
        if not header.isSortIndicatorShown():
            first = table.model().headerData(column, Qt.Horizontal, Qt.InitialSortOrderRole)
            header.setSortIndicator(column, Qt.SortOrder(first) if first is not None else Qt.AscendingOrder)
            header.setSortIndicatorShown(True)
        table.model().sort(column, header.sortIndicatorOrder())

    header.sectionClicked.connect(sort)
