"""The core and the command line run without Qt, and start-up does not pay for heavy libraries.

Checked in a fresh interpreter: this pytest process has already loaded PySide6 through pytest-qt.
"""
from __future__ import annotations

import json
from pathlib import Path

import desktop_app.core

IMPORT_EVERYTHING = """
import importlib, json, pkgutil, sys
import desktop_app.core
names = ["desktop_app.cli", "desktop_app.paths"]
names += [m.name for m in pkgutil.walk_packages(desktop_app.core.__path__, "desktop_app.core.")]
for name in names:
    importlib.import_module(name)
print(json.dumps({"imported": names,
                  "qt": sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))}))
"""

IMPORT_STARTUP = """
import json, sys
import desktop_app.cli, desktop_app.core.session, desktop_app.core.units
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules}
                        & {"matplotlib", "docx", "openpyxl", "PySide6", "numpy"})))
"""


def _last_json_line(stdout: str):
    return json.loads(stdout.strip().splitlines()[-1])


def test_core_cli_and_paths_import_without_qt(run_python):
    result = run_python(IMPORT_EVERYTHING)
    assert result.returncode == 0, result.stderr
    report = _last_json_line(result.stdout)
    core_dir = Path(desktop_app.core.__file__).parent
    expected = {f"desktop_app.core.{p.stem}" for p in core_dir.glob("*.py") if p.stem != "__init__"}
    assert expected and expected <= set(report["imported"]), "walk_packages missed core modules"
    assert report["qt"] == [], f"Qt loaded by the Qt-free core: {report['qt'][:5]}"


def test_startup_imports_stay_light(run_python):
    """matplotlib, python-docx and openpyxl are imported only when a report or an import needs them."""
    result = run_python(IMPORT_STARTUP)
    assert result.returncode == 0, result.stderr
    assert _last_json_line(result.stdout) == []


def test_headless_check_command_does_not_load_qt(run_python, tmp_path):
    code = """
import sys
from desktop_app.__main__ import main
code = main(["check", "--db", sys.argv[1]])
print("QT" if any(m.startswith("PySide6") for m in sys.modules) else "NOQT", code)
"""
    result = run_python(code, tmp_path / "missing.sqlite")
    assert result.stdout.strip().splitlines()[-1] == "NOQT 1", result.stdout + result.stderr
