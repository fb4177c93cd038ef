"""Errors whose message is shown to the clerk as is (Simplified Chinese)."""
from __future__ import annotations


class AppError(Exception):
    """An expected failure with a message fit for the user; never shown with a traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(AppError):
    """Bad user input; `field` names the form field or column when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(AppError):
    pass


class DatabaseError(AppError):
    """The database file cannot be used (damaged, not a database, too new, locked)."""


class DatabaseTooNew(DatabaseError):
    pass


class DatabaseLocked(DatabaseError):
    pass
