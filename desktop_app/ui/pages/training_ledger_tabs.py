"""培训学时 → 人员学时 and 单位汇总: the period's ledger per officer and per unit (core/training/queries.Ledger).

Filters work on the loaded ledger in memory; an officer's year-by-year hours and sessions are read when
they are selected (a few small queries).
"""
from __future__ import annotations

import html

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.models import POLITICAL_CATEGORY
from desktop_app.core.training.ledger import UnitTraining
from desktop_app.core.training.queries import Ledger, OfficerLedgerRow, officer_sessions, officer_years
from desktop_app.ui.dialogs.step_frame import hint_label
from desktop_app.ui.pages.common import make_table, sortable
from desktop_app.ui.table_models.personnel_models import GREEN, ORANGE, RED
from desktop_app.ui.table_models.training_models import (
    COUNTED,
    SHORT_CATEGORY,
    OfficerHoursModel,
    ShortListModel,
    UnitSummaryModel,
    date_span,
    percent,
    reach_colour,
)

OFFICER_WIDTHS = (64, 130, 52, 48, 48, 48, 62, 44, 56, 52)
UNIT_WIDTHS = (210, 64, 64, 64, 64, 64, 64, 56, 90)
TABLE_STYLE = ("<style>table{border-collapse:collapse} td,th{padding:2px 5px; border:1px solid #dde2e8}"
               "th{background:#eef1f5; font-weight:normal; white-space:nowrap} .n{text-align:right}"
               " .k{white-space:nowrap}</style>")


def stretch(table, column: int) -> None:
    """`column` takes the width left over, so the last columns stay in view at 1366 pixels."""
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(column, QHeaderView.Stretch)




def splitter_of(left: QWidget, right: QWidget, sizes: tuple[int, int]) -> QSplitter:
    splitter = QSplitter()
    splitter.addWidget(left)
    splitter.addWidget(right)
    splitter.setStretchFactor(0, 3)
    splitter.setStretchFactor(1, 2)
    splitter.setSizes(list(sizes))
    splitter.setChildrenCollapsible(False)
    return splitter


def coloured(text: str, colour: str | None) -> str:
    return f"<span style='color:{colour}'>{text}</span>" if colour else text


class OfficersTab(QWidget):
    """GUI thread only. `open_session(id)` when a session of the officer's list is clicked."""

    open_session = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.ledger: Ledger | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索姓名")
        self.search.setClearButtonEnabled(True)
        self.unit_filter = QComboBox()
        self.unit_filter.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.unit_filter.setMinimumContentsLength(14)
        self.short_only = QCheckBox("只看未达标")
        bar.addWidget(self.search, 1)
        bar.addWidget(self.unit_filter)
        bar.addWidget(self.short_only)
        layout.addLayout(bar)
        self.model = OfficerHoursModel(self)
        self.table = make_table(self.model)
        self.table.setWordWrap(False)
        sortable(self.table)
        for column, width in enumerate(OFFICER_WIDTHS):
            self.table.setColumnWidth(column, width)
        stretch(self.table, OfficerHoursModel.UNIT)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.count_label = QLabel()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count_label)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)  # 100%-wide tables overshoot by 1 px
        self.browser.anchorClicked.connect(self._link)
        right_layout.addWidget(self.heading)
        right_layout.addWidget(self.browser, 1)
        layout.addWidget(splitter_of(left, right, (640, 470)), 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(lambda: self.apply_filters())
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.unit_filter.currentIndexChanged.connect(lambda _index: self.apply_filters())
        self.short_only.toggled.connect(lambda _on: self.apply_filters())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self._selection_changed()

    def set_ledger(self, ledger: Ledger) -> None:
        keep = self.current_id()
        self.ledger = ledger
        self.model.load(ledger.officers)
        units = list(dict.fromkeys((row.unit_id, row.unit_name) for row in ledger.officers))
        current = self.unit_filter.currentData()
        self.unit_filter.blockSignals(True)
        self.unit_filter.clear()
        self.unit_filter.addItem("全部单位", None)
        for unit_id, name in units:
            self.unit_filter.addItem(name, unit_id)
        self.unit_filter.setCurrentIndex(max(0, self.unit_filter.findData(current)) if current else 0)
        self.unit_filter.blockSignals(False)
        self.apply_filters(keep)

    def show_filter(self, unit_id: int | None = None, short_only: bool = False) -> None:
        for widget in (self.unit_filter, self.short_only, self.search):
            widget.blockSignals(True)
        self.search.clear()
        self.unit_filter.setCurrentIndex(max(0, self.unit_filter.findData(unit_id)) if unit_id else 0)
        self.short_only.setChecked(short_only)
        for widget in (self.unit_filter, self.short_only, self.search):
            widget.blockSignals(False)
        self.apply_filters()

    def apply_filters(self, keep: int | None = None) -> None:
        self._timer.stop()
        keep = keep if keep is not None else self.current_id()
        rows = self.model.all_rows()
        unit_id = self.unit_filter.currentData()
        if unit_id:
            rows = [row for row in rows if row.unit_id == unit_id]
        if self.short_only.isChecked():
            rows = [row for row in rows if row.shortfall > 0]
        words = self.search.text().split()
        if words:
            rows = [row for row in rows if all(word in row.name for word in words)]
        self.model.show(rows)
        row = self.model.row_of(keep) if keep is not None else -1
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0), QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
        self._update_count()
        self._selection_changed()

    def _update_count(self) -> None:
        ledger = self.ledger
        if ledger is None:
            self.count_label.setText("正在统计…")
            return
        if not ledger.officers:
            self.count_label.setText(f"{ledger.end:%Y-%m-%d} 没有在职执法人员（辅助人员不计）。人员在“执法人员与证件”中登记。")
            return
        shown = self.model.rows()
        short = sum(1 for row in shown if row.shortfall > 0)
        self.count_label.setText(f"显示 {len(shown)} 人（共 {len(ledger.officers)} 人），其中未达 {ledger.threshold:g} "
                                 f"学时 {short} 人")

    def current_id(self) -> int | None:
        indexes = self.table.selectionModel().selectedRows()
        row = self.model.row_at(indexes[0].row()) if indexes else None
        return row.id if row else None

    def select_officer(self, officer_id: int) -> None:
        if self.model.row_of(officer_id) < 0:
            self.show_filter()
        row = self.model.row_of(officer_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.PositionAtCenter)

    def _selection_changed(self, *_args) -> None:
        indexes = self.table.selectionModel().selectedRows()
        row = self.model.row_at(indexes[0].row()) if indexes else None
        if row is None or self.ledger is None:
            self.heading.setText("<b>人员学时</b>")
            self.browser.setHtml("<p style='color:#666'>在左侧选择一名人员，这里显示其近三年各年度学时和本区间参加的培训。</p>")
            return
        self.heading.setText(f"<span style='font-size:12pt; font-weight:bold; color:#1f3a5f'>"
                             f"{html.escape(row.name)}</span>　{html.escape(row.unit_name)}")
        self.browser.setHtml(officer_html(row, self.ledger))

    def _link(self, url) -> None:
        kind, _, value = url.toString().partition(":")
        if kind == "session" and value.isdigit():
            self.open_session.emit(int(value))


def short_span(first, last, ledger: Ledger) -> str:
    """Dates without the year when the period is one calendar year."""
    if ledger.start.year == ledger.end.year == first.year == last.year:
        return f"{first:%m-%d}" if first == last else f"{first:%m-%d}～{last:%m-%d}"
    return date_span(first, last)


def officer_html(row: OfficerLedgerRow, ledger: Ledger) -> str:
    """The selected officer: hours in the last three calendar years, then the sessions of the period."""
    heads = "".join(f"<th>{SHORT_CATEGORY[c]}</th>" for c in COUNTED)
    lines = [TABLE_STYLE, "<p><b>近三年学时</b></p><table width='100%'>",
             f"<tr><th>年度</th><th>计入</th>{heads}<th>政治理论</th><th>次数</th><th>达标</th></tr>"]
    for year in officer_years(row.id, ledger.end.year):
        hours = year.hours.by_category if year.hours else {}
        cells = "".join(f"<td class='n'>{hours.get(c, 0):g}</td>" for c in COUNTED)
        short = max(0.0, round(year.threshold - year.countable, 2))
        state = coloured("达标", GREEN) if not short else coloured(f"差&nbsp;{short:g}", RED)
        lines.append(f"<tr><td class='k'>{year.year}</td><td class='n'><b>{year.countable:g}</b></td>{cells}"
                     f"<td class='n' style='color:#8a8a8a'>{hours.get(POLITICAL_CATEGORY, 0):g}</td>"
                     f"<td class='n'>{year.hours.sessions if year.hours else 0}</td><td>{state}</td></tr>")
    lines.append("</table>")
    sessions = officer_sessions(row.id, ledger.start, ledger.end)
    lines.append(f"<p><b>本区间参加的培训（{len(sessions)} 次）</b></p>")
    if not sessions:
        lines.append("<p style='color:#c0392b'>本区间没有参训记录。</p>")
        return "".join(lines)
    lines.append("<table width='100%'><tr><th>日期</th><th>培训名称</th><th>类别</th><th>学时</th><th>考核</th></tr>")
    for item in sessions:
        grey = " style='color:#8a8a8a'" if item.category == POLITICAL_CATEGORY else ""
        lines.append(f"<tr{grey}><td class='k'>{short_span(item.start_date, item.end_date, ledger)}</td>"
                     f"<td><a href='session:{item.session_id}'>{html.escape(item.name)}</a></td>"
                     f"<td>{SHORT_CATEGORY.get(item.category, item.category)}</td>"
                     f"<td class='n'>{item.hours:g}</td><td>{html.escape(item.result)}</td></tr>")
    lines.append("</table>")
    return "".join(lines)


class UnitsTab(QWidget):
    """GUI thread only. `show_officers(unit_id)` asks the page for the unit's officers short."""

    show_officers = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.ledger: Ledger | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        self.model = UnitSummaryModel(self)
        self.table = make_table(self.model)
        self.table.setWordWrap(False)
        sortable(self.table)
        for column, width in enumerate(UNIT_WIDTHS):
            self.table.setColumnWidth(column, width)
        stretch(self.table, UnitSummaryModel.UNIT)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.totals.setTextFormat(Qt.RichText)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.totals)
        left_layout.addWidget(hint_label("达标率低于 100% 标橙色、低于 60% 标红色；没有心理健康活动的单位标红。"))
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.short_model = ShortListModel(self)
        self.short_table = make_table(self.short_model)
        self.short_table.setWordWrap(False)
        sortable(self.short_table)
        self.short_table.setColumnWidth(0, 90)
        self.short_table.setColumnWidth(1, 70)
        self.short_table.verticalHeader().setDefaultSectionSize(24)
        self.officers_button = QPushButton("在“人员学时”中查看")
        self.officers_button.clicked.connect(self._show_officers)
        right_layout.addWidget(self.heading)
        right_layout.addWidget(self.short_table, 1)
        right_layout.addWidget(self.officers_button, 0, Qt.AlignRight)
        layout.addWidget(splitter_of(left, right, (800, 300)), 1)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self._selection_changed()

    def set_ledger(self, ledger: Ledger) -> None:
        keep = self.current_unit()
        self.ledger = ledger
        self.model.load(ledger.units)
        self.short_model.threshold = ledger.threshold
        row = self.model.row_of(keep.unit_id) if keep else -1
        if row >= 0:
            self.table.selectRow(row)
        self.totals.setText(totals_html(ledger))
        self._selection_changed()

    def current_unit(self) -> UnitTraining | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.model.row_at(indexes[0].row()) if indexes else None

    def select_unit(self, unit_id: int) -> None:
        row = self.model.row_of(unit_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _selection_changed(self, *_args) -> None:
        unit = self.current_unit()
        self.officers_button.setEnabled(unit is not None)
        if unit is None or self.ledger is None:
            self.heading.setText("<b>未达标人员</b><br><span style='color:#666'>选择一个单位，这里列出其未达标的"
                                 "人员和差额学时。</span>")
            self.short_model.load([])
            return
        colour = reach_colour(unit.reach_rate, unit.officers) or "#1f3a5f"
        mental = (f"心理健康活动 {unit.mental_health_sessions} 次" if unit.mental_health_sessions
                  else coloured("本区间没有心理健康活动", RED))
        self.heading.setText(f"<b>{html.escape(unit.unit_name)}</b><br>执法人员 {unit.officers} 人，"
                             f"{coloured(f'未达标 {len(unit.short)} 人（达标率 {percent(unit.reach_rate)}）', colour)}"
                             f"<br>{mental}")
        self.short_model.load(unit.short)

    def _show_officers(self) -> None:
        unit = self.current_unit()
        if unit is not None:
            self.show_officers.emit(unit.unit_id)


def totals_html(ledger: Ledger) -> str:
    officers = len(ledger.officers)
    if not officers:
        return "本区间末没有在职执法人员。"
    rate = ledger.reach_rate
    without = len(ledger.units_without_mental_health())
    return (f"合计：执法人员 <b>{officers}</b> 人，人均 <b>{ledger.average_hours:.1f}</b> 学时，"
            f"{coloured(f'达标 <b>{ledger.reaching}</b> 人（{percent(rate)}）', reach_colour(rate, officers))}，"
            f"轮训率 {coloured(percent(ledger.rotation_rate), ORANGE if ledger.rotation_rate < 1 else None)}，"
            f"{coloured(f'没有心理健康活动的单位 <b>{without}</b> 个', RED if without else None)}。")
