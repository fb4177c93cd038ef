"""执法人员与证件: the roster with each officer's certificate state and warnings, one officer's record beside it.

The roster is loaded once per change (roster.load_roster; on a worker thread for large counties, see
ui/roster_loader.py); search and filters work on that list in memory (roster.filter_rows), and the table
model only picks prepared rows. While the page is hidden, data changes only mark it stale.
"""
from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.models import OFFICER_STATES
from desktop_app.core.personnel import alerts as al
from desktop_app.core.personnel import certificates as certs
from desktop_app.core.personnel import dictionaries
from desktop_app.core.personnel.roster import RosterFilter, RosterRow, alert_counts, filter_rows
from desktop_app.core.units import active_units
from desktop_app.ui.data_bus import DataBus
from desktop_app.ui.pages.common import EmptyState, ReloadWhenShown, make_table, page_title, sortable
from desktop_app.ui.pages.personnel_actions import PersonnelActions
from desktop_app.ui.pages.personnel_detail import OfficerDetail
from desktop_app.ui.roster_loader import load_roster_then
from desktop_app.ui.table_models.personnel_models import PersonnelTableModel, Prepared, prepare

SEARCH_DELAY_MS = 250
COLUMN_WIDTHS = (64, 150, 104, 62, 84, 150, 100, 90, 40)
CERT_STATES = (certs.VALID, certs.SUSPENDED, certs.EXPIRED, certs.APPLIED, certs.REVOKED, certs.CANCELLED,
               certs.RENEWED, certs.NONE)
OFFICER_ALERTS = [code for code in al.LABELS if code != al.REVIEWER_RATIO]


def combo(min_chars: int) -> QComboBox:
    box = QComboBox()
    box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(min_chars)
    return box


def refill(box: QComboBox, items: list[tuple[str, object]]) -> None:
    """Replace a combo's items, keeping the current choice when it still exists (no signal)."""
    current = box.currentData()
    box.blockSignals(True)
    box.clear()
    for label, data in items:
        if label is None:
            box.insertSeparator(box.count())
        else:
            box.addItem(label, data)
    box.setCurrentIndex(max(0, box.findData(current)) if current not in (None, "") else 0)
    box.blockSignals(False)


class PersonnelPage(PersonnelActions, ReloadWhenShown, QWidget):
    def __init__(self, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        self.all_rows: list[RosterRow] = []
        self._facts: Prepared | None = None  # the last load's, while all_rows are its rows
        self._job = None
        self._again = False
        self._select_after_load: int | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("执法人员与证件", "花名册、每张证件的申领、发证、年审、暂扣、注销等变动，"
                                    "以及到期、无证上岗等预警。"))
        layout.addLayout(self._toolbar())
        layout.addLayout(self._filter_bar())
        self.stack = QStackedWidget()
        self.empty = EmptyState("还没有登记执法人员", "")
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self._list_and_detail())
        layout.addWidget(self.stack, 1)
        self.reload()

    # ---- building
    def _toolbar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.add_button = QPushButton("新增人员")
        self.import_button = QPushButton("导入名册…")
        self.export_button = QPushButton("导出…")
        self.cleanup_button = QPushButton("年度清理…")
        self.dictionary_button = QPushButton("字典…")
        for button in (self.add_button, self.import_button, self.export_button, self.cleanup_button,
                       self.dictionary_button):
            bar.addWidget(button)
        bar.addStretch(1)
        self.add_button.clicked.connect(self.add_officer)
        self.import_button.clicked.connect(self.import_roster)
        self.export_button.clicked.connect(self.export)
        self.cleanup_button.clicked.connect(self.cleanup)
        self.dictionary_button.clicked.connect(self.edit_dictionaries)
        return bar

    def _filter_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索姓名、身份证号、证号（空格分隔多个词）")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self.unit_filter = combo(12)
        self.category_filter = combo(8)
        self.status_filter = combo(7)
        self.alert_filter = combo(15)
        bar.addWidget(self.search, 1)
        for box in (self.unit_filter, self.category_filter, self.status_filter, self.alert_filter):
            bar.addWidget(box)
            box.currentIndexChanged.connect(self.apply_filters)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self.apply_filters)
        self._fill_filters()
        return bar

    def _list_and_detail(self) -> QSplitter:
        self.model = PersonnelTableModel(self)
        self.table = make_table(self.model)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(False)  # the roster's own order until a header is clicked
        sortable(self.table)
        self.table.horizontalHeader().setSectionsMovable(True)  # the clerk may drag a column where they want it
        for column, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.count_label = QLabel()
        self.batch_buttons = {action: QPushButton(text) for action, text in (
            ("review_pass", "批量年审通过…"), ("cancel", "批量注销证件…"), ("move", "批量调动…"))}
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        for action, button in self.batch_buttons.items():
            button.clicked.connect(lambda _=False, a=action: self.batch(a))
            bottom.addWidget(button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(bottom)
        self.detail = OfficerDetail()
        self.detail.changed.connect(lambda: self.bus.notify("personnel", "audit"))
        self.detail.open_officer.connect(self.select_officer)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 480])
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        return splitter

    def _fill_filters(self) -> None:
        facts = self._facts if self._facts is not None and self._facts.rows is self.all_rows else None
        units = [(u.name, u.id) for u in active_units()]
        known = {uid for _, uid in units}
        shown_units = facts.units if facts else {(r.unit_name, r.unit_id) for r in self.all_rows}
        units += sorted(unit for unit in shown_units if unit[1] not in known)
        refill(self.unit_filter, [("全部单位", None), *units])
        categories = dictionaries.values(dictionaries.CATEGORY)
        used = facts.categories if facts else {r.category for r in self.all_rows if r.category}
        categories += sorted(c for c in used if c not in categories)
        refill(self.category_filter, [("全部类别", ""), *((c, c) for c in categories)])
        refill(self.status_filter, [("全部状态", ""), (None, None), *((s, s) for s in OFFICER_STATES), (None, None),
                                    *((f"证件{s}" if s != certs.NONE else s, s) for s in CERT_STATES)])
        # worked out where the roster was loaded (a worker thread for a large one)
        counts = facts.alert_counts if facts else alert_counts(self.all_rows)
        warned = facts.warned if facts else sum(1 for r in self.all_rows if r.alerts)
        refill(self.alert_filter, [("全部（不限预警）", ""), (f"有预警的人员（{warned}）", "any"),
                                   *((f"{al.LABELS[c]}（{counts.get(c, 0)}）", c) for c in OFFICER_ALERTS)])

    # ---- loading
    def reload(self) -> None:
        if self._job is not None:  # one load at a time; the latest change is loaded right after
            self._again = True
            return
        job = load_roster_then(self, self._loaded, then=prepare)
        if job is not None:
            self._job = job
            self.count_label.setText("正在加载名册…")
            job.finished.connect(self._job_finished)

    def _job_finished(self) -> None:
        self._job = None
        if self._again:
            self._again = False
            self.reload()

    def is_loading(self) -> bool:
        return self._job is not None

    def _loaded(self, prepared: Prepared) -> None:
        keep = (self.selected_ids(), self.current_id())
        self.all_rows = prepared.rows
        self._facts = prepared
        self.model.load(prepared, show=False)  # apply_filters below shows them: one reset of the view
        self._fill_filters()
        self.stack.setCurrentIndex(1 if self.all_rows else 0)
        self.export_button.setEnabled(bool(self.all_rows))
        if not self.all_rows:
            self.empty.text.setText(self._how_to_start())
        self.apply_filters(keep)
        if self._select_after_load is not None:
            officer_id, self._select_after_load = self._select_after_load, None
            self.select_officer(officer_id)

    def _how_to_start(self) -> str:
        ways = "点“新增人员”逐个登记"
        if not self.import_button.isHidden():
            ways += "，或用“导入名册…”导入各单位报送的花名册（Excel）"
        first = "" if self.unit_filter.count() > 1 else "人员登记在单位下：请先在“单位管理”中登记本县区的单位，然后"
        return (f"{first}{ways}。登记后这里列出每个人的证件状态，并提示证件到期、执法岗位无证、"
                "辅助人员持证等问题。")

    # ---- filtering and selection
    def current_filter(self) -> RosterFilter:
        return RosterFilter(text=self.search.text(), unit_id=self.unit_filter.currentData(),
                            category=self.category_filter.currentData() or "",
                            status=self.status_filter.currentData() or "",
                            alert=self.alert_filter.currentData() or "")

    def apply_filters(self, keep: tuple[list[int], int | None] | None = None) -> None:
        self._search_timer.stop()
        ids, current = keep if isinstance(keep, tuple) else (self.selected_ids(), self.current_id())
        self.model.show(filter_rows(self.all_rows, self.current_filter()))
        self._select_ids(ids, current)
        self._selection_changed()

    def clear_filters(self) -> None:
        for box in (self.unit_filter, self.category_filter, self.status_filter, self.alert_filter):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.apply_filters()

    def show_filter(self, alert: str = "", unit_id: int | None = None) -> None:
        """From the 工作台: the officers with one warning, or one unit's officers."""
        self.clear_filters()
        for box, value in ((self.alert_filter, alert), (self.unit_filter, unit_id)):
            if value:
                box.blockSignals(True)
                box.setCurrentIndex(max(0, box.findData(value)))
                box.blockSignals(False)
        self.apply_filters()

    def selected_rows(self) -> list[RosterRow]:
        # from the selection's ranges: selectedRows() asks the model for its size per row (0.5 s at 20,000)
        found: set[int] = set()
        for part in self.table.selectionModel().selection():
            found.update(range(part.top(), part.bottom() + 1))
        return [self.model.row_at(n) for n in sorted(found)]

    def selected_ids(self) -> list[int]:
        return [row.id for row in self.selected_rows()]

    def current_id(self) -> int | None:
        row = self.model.row_at(self.table.selectionModel().currentIndex().row())
        return row.id if row else None

    def _select_ids(self, ids: list[int], current: int | None) -> None:
        if not ids:
            return
        wanted = set(ids)
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        start = None  # one range per run of adjacent rows: 20,000 single-row ranges take seconds
        rows = self.model.rows()
        for n, row in enumerate([*rows, None]):
            if row is not None and row.id in wanted:
                start = n if start is None else start
            elif start is not None:
                selection.select(self.model.index(start, 0), self.model.index(n - 1, last))
                start = None
        model = self.table.selectionModel()
        model.select(selection, QItemSelectionModel.ClearAndSelect)
        row = self.model.row_of(current) if current is not None else -1
        if row >= 0:
            model.setCurrentIndex(self.model.index(row, 0), QItemSelectionModel.NoUpdate)

    def select_officer(self, officer_id: int) -> None:
        """Select one officer, clearing the filters if they hide them."""
        if self.model.loaded(officer_id) is None:
            self._select_after_load = officer_id
            return
        if self.model.row_of(officer_id) < 0:
            self.clear_filters()
        row = self.model.row_of(officer_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.PositionAtCenter)

    def _selection_changed(self) -> None:
        rows = self.selected_rows()
        if len(rows) == 1:
            self.detail.show_officer(rows[0])
        elif rows:
            self.detail.show_selection(rows)
        else:
            self.detail.show_officer(None)
        for button in self.batch_buttons.values():
            button.setEnabled(len(rows) >= 2)
            button.setToolTip("" if len(rows) >= 2 else "在列表中按住 Ctrl 或 Shift 选择多人后可用。")
        chosen = f"，已选 {len(rows)} 人" if len(rows) > 1 else ""
        self.count_label.setText(f"共 {len(self.all_rows)} 人，显示 {self.model.rowCount()} 人{chosen}")

