"""One change-notification channel: after a write, `notify("units")`; every page refreshes itself."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class DataBus(QObject):
    """Lives on the GUI thread; emit only from there (workers report back through their own signals)."""

    changed = Signal(object)  # frozenset of table/topic names

    def notify(self, *topics: str) -> None:
        self.changed.emit(frozenset(topics))
