"""帮助 → 关于: the version from desktop_app.__version__, where the data and the database are, the runtime."""
from __future__ import annotations

import platform

from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox

from desktop_app import APP_NAME, __version__


def test_about_names_version_folders_and_runtime(demo_window, monkeypatch, _ui_data_dir):
    shown = []
    monkeypatch.setattr(QMessageBox, "about", staticmethod(lambda parent, title, text: shown.append((title, text))))
    help_menu = next(a.menu() for a in demo_window.menuBar().actions() if a.text().startswith("帮助"))
    next(a for a in help_menu.actions() if a.text() == "关于").trigger()
    (title, text), = shown
    assert title == f"关于{APP_NAME}"
    assert f"版本 {__version__}" in text
    assert str(_ui_data_dir) in text
    assert str(demo_window.session.path) in text
    assert f"Python {platform.python_version()}" in text and f"Qt {qVersion()}" in text
    assert "卸载本软件不会删除数据文件夹" in text
    from desktop_app.paths import resource_path

    if any(resource_path("resources", "fonts").glob("*.otf")):  # a bundled font names its licence
        assert "SIL Open Font License 1.1" in text and "OFL.txt" in text
