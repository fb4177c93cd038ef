"""The Qt-free core: data model, rules, importers and report builders.

Nothing under this package may import PySide6 (tests/core/test_architecture.py checks it), so the
command line and the tests drive it without a display.
"""
