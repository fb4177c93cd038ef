"""培训学时图表: the hours distribution and each unit's 达标率, drawn by core/charts.py as matplotlib Figures
and shown on a Qt canvas. matplotlib is imported only here, when the clerk asks for the charts
(shared/tech.md §5e: about 0.8 s)."""
from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import AppError
from desktop_app.core.training.queries import Ledger
from desktop_app.ui.error_dialog import show_error

CHARTS_MODULE = "desktop_app.core.charts"


def make_figures(ledger: Ledger, title: str) -> list[tuple[str, object]]:
    """(tab label, Figure) for the period: every officer's countable hours (0 for those with none) against
    the threshold, and each unit's 达标率."""
    charts = importlib.import_module(CHARTS_MODULE)
    hours = [row.countable for row in ledger.officers]
    return [("学时分布", charts.hours_distribution(hours, ledger.threshold, title=f"{title}执法人员培训学时分布")),
            ("各单位达标率", charts.unit_reach_rates(ledger.units, title=f"{title}各单位培训学时达标率"))]


class ChartDialog(QDialog):
    def __init__(self, parent: QWidget | None, ledger: Ledger, title: str) -> None:
        super().__init__(parent)
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        self.setWindowTitle(f"培训学时图表（{title}）")
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.figures = make_figures(ledger, title)
        for label, figure in self.figures:
            canvas = FigureCanvasQTAgg(figure)
            height = figure.get_size_inches()[1] * figure.dpi
            canvas.setMinimumHeight(int(min(height, 2400)))  # many units: a tall chart, scrolled
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(canvas)
            self.tabs.addTab(scroll, label)
        layout.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Close).setText("关闭")
        self.save_button = QPushButton("保存为图片…")
        buttons.addButton(self.save_button, QDialogButtonBox.ActionRole)
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.save_image)
        layout.addWidget(buttons)
        self.resize(860, 640)

    def save_image(self) -> None:
        label, figure = self.figures[self.tabs.currentIndex()]
        path, _ = QFileDialog.getSaveFileName(self, "保存图表", f"培训{label}.png", "PNG 图片 (*.png)")
        if not path:
            return
        charts = importlib.import_module(CHARTS_MODULE)
        target = Path(path) if path.lower().endswith(".png") else Path(path + ".png")
        try:
            charts.save_png(figure, target)
        except AppError as exc:
            show_error(self, exc)
            return
        QMessageBox.information(self, "保存图表", f"图表已保存：\n{target}")
