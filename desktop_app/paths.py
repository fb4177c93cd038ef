"""Where the app keeps its data and finds its bundled resources (frozen or from source).

Qt-free so that the command line and the core can use it.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from desktop_app import APP_ID

DB_FILE_NAME = "taizhang.sqlite"
DEMO_DB_FILE_NAME = "demo.sqlite"


def user_data_dir(create: bool = True) -> Path:
    """%LOCALAPPDATA%\\desktop_app on Windows, ~/.local/share/desktop_app on Linux.

    DESKTOP_APP_DATA_DIR overrides it (tests, portable installs on a USB stick). The installer's uninstaller keeps
    this folder (installer/setup.iss).
    """
    override = os.environ.get("DESKTOP_APP_DATA_DIR")
    if override:
        path = Path(override)
    else:
        from platformdirs import user_data_path

        path = user_data_path(APP_ID, appauthor=False, roaming=False)
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    return user_data_dir() / DB_FILE_NAME


def demo_db_path() -> Path:
    return user_data_dir() / DEMO_DB_FILE_NAME


def log_dir() -> Path:
    path = user_data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def backup_dir_for(db_path: Path) -> Path:
    """Backups sit beside the database they copy (a database on a USB stick keeps its own), one folder
    per database, so rotating the demo's backups never touches the real ones."""
    path = Path(db_path).resolve()
    return path.parent / "backups" / path.stem


def resource_path(*parts: str) -> Path:
    """A file under resources/ or templates_docx/, from a source checkout or a PyInstaller bundle."""
    base = getattr(sys, "_MEIPASS", None)
    root = Path(base) if base else Path(__file__).resolve().parent.parent
    return root.joinpath(*parts)


def attachments_dir_for(db_path: Path) -> Path:
    """Evidence files (scans, photos) that belong to a database; included in its full backups."""
    path = Path(db_path).resolve()
    return path.parent / f"{path.stem}_附件"
