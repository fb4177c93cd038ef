"""PySide6 6.12.0 on Python 3.11 aborts after ~5,000 void Qt calls (none_dealloc); the pinned one must not."""
from __future__ import annotations

CODE = """
import sys
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv[:1])
label = QLabel()
for i in range(20000):
    label.setText(str(i))
assert label.text() == "19999"
print("ok", flush=True)
"""


def test_many_void_qt_calls_do_not_crash(run_child):
    done = run_child("-c", CODE)
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert done.stdout.strip() == "ok"
