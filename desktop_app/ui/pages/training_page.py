"""培训学时: the sessions of a period with their attendees, every officer's hours, and the unit summary.

The period is a calendar year (设置 → 当前工作年度 by default) or any range. The sessions list is read at
once (a small query); the ledger (ui/training_loader.py) only when 人员学时 or 单位汇总 is shown, on a
worker thread for large counties, and kept while nothing changes. While the page is hidden, data
changes only mark it stale. Export and charts appear when their core modules are installed.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import AppError
from desktop_app.core.settings import get_setting
from desktop_app.core.training.ledger import threshold_for, year_range
from desktop_app.core.training.queries import Ledger, session_years
from desktop_app.ui.data_bus import DataBus
from desktop_app.ui.dialogs.field_form import date_edit, pydate, qdate
from desktop_app.ui.error_dialog import show_error
from desktop_app.ui.pages.common import ReloadWhenShown, page_title, set_property
from desktop_app.ui.pages.training_ledger_tabs import OfficersTab, UnitsTab
from desktop_app.ui.pages.training_sessions_tab import SessionsTab
from desktop_app.ui.training_loader import load_ledger_then

EXPORT_MODULE = "desktop_app.core.training.export"
CHARTS_MODULE = "desktop_app.core.charts"
CUSTOM = "custom"
SESSIONS, OFFICERS, UNITS = range(3)


def working_year() -> int:
    return int(get_setting("current_year") or dt.date.today().year)


class PeriodPicker(QWidget):
    """年度 or 自定义区间 (start and end dates); `changed` after a valid choice."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.year_box = QComboBox()
        self.year_box.setMinimumWidth(120)
        year = working_year()
        start, end = year_range(year)
        self.start_edit = date_edit(start)
        self.end_edit = date_edit(end)
        self.dash = QLabel("至")
        layout.addWidget(QLabel("统计区间"))
        layout.addWidget(self.year_box)
        layout.addWidget(self.start_edit)
        layout.addWidget(self.dash)
        layout.addWidget(self.end_edit)
        self.refill_years(year)
        self.year_box.currentIndexChanged.connect(self._year_changed)
        self.start_edit.dateChanged.connect(self._dates_changed)
        self.end_edit.dateChanged.connect(self._dates_changed)
        self._show_dates(False)

    def refill_years(self, chosen: int | None = None) -> None:
        """Years with sessions, the working year and the two before it, newest first; then 自定义区间."""
        current = chosen if chosen is not None else self.year_box.currentData()
        base = working_year()
        years = set(session_years()) | {base, base - 1, base - 2, dt.date.today().year}
        self.year_box.blockSignals(True)
        self.year_box.clear()
        for year in range(max(years), min(years) - 1, -1):
            self.year_box.addItem(f"{year} 年", year)
        self.year_box.addItem("自定义区间…", CUSTOM)
        wanted = current if current is not None else base
        self.year_box.setCurrentIndex(max(0, self.year_box.findData(wanted)))
        self.year_box.blockSignals(False)

    def period(self) -> tuple[dt.date, dt.date]:
        year = self.year_box.currentData()
        if year == CUSTOM:
            return pydate(self.start_edit.date()), pydate(self.end_edit.date())
        return year_range(year)

    def is_year(self) -> bool:
        return self.year_box.currentData() != CUSTOM

    def valid(self) -> bool:
        start, end = self.period()
        return end >= start

    def set_year(self, year: int, quiet: bool = False) -> None:
        """Show `year`; `quiet`: without `changed` (the caller reloads anyway)."""
        if self.year_box.findData(year) < 0:
            self.refill_years(year)
        self.year_box.blockSignals(quiet)
        self.year_box.setCurrentIndex(self.year_box.findData(year))
        self.year_box.blockSignals(False)
        if quiet:
            start, end = year_range(year)
            for edit, day in ((self.start_edit, start), (self.end_edit, end)):
                edit.blockSignals(True)
                edit.setDate(qdate(day))
                edit.blockSignals(False)
            self._show_dates(False)

    def set_range(self, start: dt.date, end: dt.date) -> None:
        for edit, day in ((self.start_edit, start), (self.end_edit, end)):
            edit.blockSignals(True)
            edit.setDate(qdate(day))
            edit.blockSignals(False)
        if self.year_box.currentData() == CUSTOM:
            self._dates_changed()
        else:
            self.year_box.setCurrentIndex(self.year_box.findData(CUSTOM))

    def _show_dates(self, on: bool) -> None:
        for widget in (self.start_edit, self.dash, self.end_edit):
            widget.setVisible(on)

    def _year_changed(self) -> None:
        custom = self.year_box.currentData() == CUSTOM
        if not custom:
            start, end = year_range(self.year_box.currentData())
            for edit, day in ((self.start_edit, start), (self.end_edit, end)):
                edit.blockSignals(True)
                edit.setDate(qdate(day))
                edit.blockSignals(False)
        self._show_dates(custom)
        self._dates_changed()

    def _dates_changed(self) -> None:
        ok = self.valid()
        for edit in (self.start_edit, self.end_edit):
            set_property(edit, "invalid", not ok)
        self.changed.emit()


class TrainingPage(ReloadWhenShown, QWidget):
    def __init__(self, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        self.ledger: Ledger | None = None
        self._ledger_stale = True
        self._ledger_job = None
        self._again = False
        self._reveal: tuple[int, dt.date] | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("培训学时", "培训班次和参训人员，每人每年培训学时（政治理论学时单列、不计入）、"
                                    "全员轮训和各单位达标情况。"))
        layout.addLayout(self._top_bar())
        self.tabs = QTabWidget()
        self.sessions = SessionsTab(self)
        self.officers = OfficersTab()
        self.units = UnitsTab()
        self.tabs.addTab(self.sessions, "培训班次")
        self.tabs.addTab(self.officers, "人员学时")
        self.tabs.addTab(self.units, "单位汇总")
        self.tabs.currentChanged.connect(lambda _index: self._load_ledger())
        self.officers.open_session.connect(self.show_session)
        self.units.show_officers.connect(lambda unit_id: self.show_officers(unit_id, short_only=True))
        layout.addWidget(self.tabs, 1)
        self.reload()

    def _top_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.period = PeriodPicker()
        self.period.changed.connect(self._period_changed)
        self.period_label = QLabel()
        self.period_label.setObjectName("hintLabel")
        self.chart_button = QPushButton("图表…")
        self.export_button = QPushButton("导出…")
        self.chart_button.clicked.connect(self.show_charts)
        self.export_button.clicked.connect(self.export)
        bar.addWidget(self.period)
        bar.addSpacing(12)
        bar.addWidget(self.period_label, 1)
        bar.addWidget(self.chart_button)
        bar.addWidget(self.export_button)
        return bar

    # ---- loading
    def reload(self) -> None:
        self.period.refill_years()
        self._period_changed()

    def _period_changed(self) -> None:
        if not self.period.valid():
            self.period_label.setText("<span style='color:#c0392b'>结束日期早于开始日期，请重新选择。</span>")
            return
        start, end = self.period.period()
        self.period_label.setText(f"每人应完成 {threshold_for(start, end):g} 学时（政治理论不计入）；"
                                  f"人员按 {end:%Y-%m-%d} 在职计")
        self.sessions.set_period(start, end)
        if self._reveal is not None:
            session_id, self._reveal = self._reveal[0], None
            self.sessions.select_session(session_id)
        self._ledger_stale = True
        self._load_ledger()

    def _load_ledger(self) -> None:
        if not self._ledger_stale or self.tabs.currentIndex() == SESSIONS or not self.period.valid():
            return
        if self._ledger_job is not None:  # one load at a time; the latest period is loaded right after
            self._again = True
            return
        self._ledger_stale = False
        start, end = self.period.period()
        job = load_ledger_then(self, start, end, self._ledger_loaded, on_error=self._ledger_failed)
        if job is not None:
            self._ledger_job = job
            self.officers.count_label.setText("正在统计…")
            job.finished.connect(self._ledger_job_finished)

    def _ledger_job_finished(self) -> None:
        self._ledger_job = None
        if self._again:
            self._again = False
            self._ledger_stale = True
            self._load_ledger()

    def _ledger_failed(self, exc: BaseException) -> None:
        self._ledger_stale = True
        show_error(self, exc)

    def _ledger_loaded(self, ledger: Ledger) -> None:
        if (ledger.start, ledger.end) != self.period.period():
            self._ledger_stale = True  # the clerk chose another period meanwhile
            return
        self.ledger = ledger
        self.officers.set_ledger(ledger)
        self.units.set_ledger(ledger)

    def is_loading(self) -> bool:
        return self._ledger_job is not None

    # ---- what other parts ask for
    def changed(self, reveal: tuple[int, dt.date] | None = None) -> None:
        """After a write: every page reloads (data bus); `reveal` = (session id, end date) to show it,
        switching to its year when it falls outside the period."""
        if reveal is not None:
            self._reveal = reveal
            start, last = self.period.period()
            if not start <= reveal[1] <= last:
                self.period.set_year(reveal[1].year, quiet=True)
        self.bus.notify("training", "audit")

    def show_session(self, session_id: int) -> None:
        self.tabs.setCurrentIndex(SESSIONS)
        self.sessions.select_session(session_id)

    def show_officers(self, unit_id: int | None = None, short_only: bool = False) -> None:
        self.tabs.setCurrentIndex(OFFICERS)
        self.officers.show_filter(unit_id, short_only)

    def show_view(self, view: str) -> None:
        """From the 工作台: 'short' (officers short this year) or 'units' (the unit summary)."""
        self.period.set_year(working_year())
        if view == "units":
            self.tabs.setCurrentIndex(UNITS)
        else:
            self.show_officers(short_only=view == "short")

    # ---- export and charts
    def _title(self) -> str:
        start, end = self.period.period()
        return f"{start.year} 年" if self.period.is_year() else f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"

    def show_charts(self) -> None:
        start, end = self.period.period()
        load_ledger_then(self, start, end, self._open_charts)  # at once when loaded and unchanged

    def _open_charts(self, ledger: Ledger) -> None:
        from desktop_app.ui.dialogs.training_chart_dialog import ChartDialog

        try:
            dialog = ChartDialog(self, ledger, self._title())
        except AppError as exc:
            show_error(self, exc)
            return
        dialog.exec()

    def export(self) -> None:
        """培训学时统计表, 单位汇总表 and 未达标名单 of the period; 身份证号 masked unless the clerk asks."""
        from desktop_app.ui.dialogs.export_options_dialog import ExportOptionsDialog

        title = self._title()
        options = ExportOptionsDialog(self, title="导出培训学时", intro=(
            f"导出{title}的培训学时统计表（每人）、单位汇总表和未达标名单（含差额学时），Excel 工作簿。"))
        if not options.exec():
            return
        path, _ = QFileDialog.getSaveFileName(self, "导出培训学时", f"培训学时统计（{title}）.xlsx",
                                              "Excel 工作簿 (*.xlsx)")
        if path:
            target = Path(path) if path.lower().endswith(".xlsx") else Path(path + ".xlsx")
            self._export_to(target, options.unmasked)

    def _export_to(self, target: Path, unmasked: bool) -> None:
        import importlib

        from desktop_app.ui.worker import run_job

        export = importlib.import_module(EXPORT_MODULE).export_training_xlsx
        start, end = self.period.period()
        period = {"year": start.year} if self.period.is_year() else {"start": start, "end": end}

        def work(control):
            return export(target, **period, unmasked=unmasked, control=control)

        def done(written) -> None:
            shown = written if isinstance(written, (str, Path)) else target
            QMessageBox.information(self, "导出完成", f"培训学时统计已导出：\n{shown}")

        run_job(self, "正在导出培训学时…", work, done)
