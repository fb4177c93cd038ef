"""培训学时 → 培训班次: the sessions counted in the period, and the selected one's attendees beside them.

Attendees' 学时 and 考核结果 are edited in the table (double-click) and saved one row at a time through
the core's set_attendance. Dialogs and the import are imported when first used.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import AppError
from desktop_app.core.models import POLITICAL_CATEGORY
from desktop_app.core.training.queries import AttendeeRow, SessionRow, list_attendees, list_sessions
from desktop_app.core.training.sessions import (
    MAX_HOURS,
    RESULTS,
    delete_session,
    remove_attendees,
    set_attendance,
)
from desktop_app.ui.dialogs.step_frame import hint_label
from desktop_app.ui.error_dialog import show_error
from desktop_app.ui.pages.common import EmptyState, make_table, sortable
from desktop_app.ui.pages.training_ledger_tabs import stretch
from desktop_app.ui.table_models.training_models import AttendeeTableModel, SessionTableModel, date_span

if TYPE_CHECKING:
    from desktop_app.ui.pages.training_page import TrainingPage

IMPORT_MODULE = "desktop_app.ui.dialogs.training_import_dialog"
SESSION_WIDTHS = (200, 96, 64, 96, 132, 40, 62, 70)
ATTENDEE_WIDTHS = (120, 62, 44, 70)


class AttendeeDelegate(QStyledItemDelegate):
    """学时 with a spin box (0–500, half hours), 考核结果 from the core's list."""

    def createEditor(self, parent, option, index):
        if index.column() == AttendeeTableModel.HOURS:
            spin = QDoubleSpinBox(parent)
            spin.setDecimals(1)
            spin.setRange(0, MAX_HOURS)
            spin.setSingleStep(0.5)
            return spin
        box = QComboBox(parent)
        for value in RESULTS:
            box.addItem(value or "（未填）", value)
        return box

    def setEditorData(self, editor, index) -> None:
        row = index.model().row_at(index.row())
        if row is None:
            return
        if isinstance(editor, QDoubleSpinBox):
            editor.setValue(row.hours)
        else:
            editor.setCurrentIndex(max(0, editor.findData(row.result)))

    def setModelData(self, editor, model, index) -> None:
        value = editor.value() if isinstance(editor, QDoubleSpinBox) else editor.currentData()
        model.setData(index, value, Qt.EditRole)


class SessionsTab(QWidget):
    """GUI thread only; `page` owns the period, the data bus and the other tabs."""

    def __init__(self, page: TrainingPage) -> None:
        super().__init__()
        self.page = page
        self.start = self.end = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(self._toolbar())
        splitter = QSplitter()
        splitter.addWidget(self._list())
        splitter.addWidget(self._detail())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([800, 320])
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        layout.addWidget(splitter, 1)
        self._selection_changed()

    # ---- building
    def _toolbar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索培训名称")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(160)
        self.add_button = QPushButton("新增培训")
        self.edit_button = QPushButton("编辑…")
        self.copy_button = QPushButton("复制为新一期…")
        self.delete_button = QPushButton("删除")
        self.import_button = QPushButton("导入签到表/平台记录…")
        bar.addWidget(self.search, 1)
        buttons = (self.add_button, self.edit_button, self.copy_button, self.delete_button, self.import_button)
        for button in buttons:
            bar.addWidget(button)
        self.add_button.clicked.connect(self.add_session)
        self.edit_button.clicked.connect(self.edit_session)
        self.copy_button.clicked.connect(self.copy_session)
        self.delete_button.clicked.connect(self.delete_session)
        self.import_button.clicked.connect(self.import_records)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(lambda: self.apply_filter())
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        return bar

    def _list(self) -> QWidget:
        self.model = SessionTableModel(self)
        self.table = make_table(self.model)
        self.table.setWordWrap(False)
        sortable(self.table)
        for column, width in enumerate(SESSION_WIDTHS):
            self.table.setColumnWidth(column, width)
        stretch(self.table, SessionTableModel.NAME)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.edit_session())
        self.count_label = QLabel()
        self.empty = EmptyState("本区间还没有培训", "")
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list_stack, 1)
        layout.addWidget(self.count_label)
        return box

    def _detail(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(8, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.RichText)
        self.attendee_model = AttendeeTableModel(self)
        self.attendee_model.commit = self._commit_attendance
        self.attendees = make_table(self.attendee_model)
        self.attendees.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.attendees.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                                       | QAbstractItemView.SelectedClicked)
        self.attendees.setItemDelegate(AttendeeDelegate(self.attendees))
        self.attendees.setWordWrap(False)
        sortable(self.attendees)
        for column, width in enumerate(ATTENDEE_WIDTHS):
            self.attendees.setColumnWidth(column, width)
        stretch(self.attendees, AttendeeTableModel.UNIT)
        self.attendees.verticalHeader().setDefaultSectionSize(26)
        self.attendees.selectionModel().selectionChanged.connect(self._update_buttons)
        self.add_people_button = QPushButton("添加参训人员…")
        self.remove_button = QPushButton("移出")
        buttons = QHBoxLayout()
        self.attendee_count = QLabel()
        buttons.addWidget(self.attendee_count, 1)
        buttons.addWidget(self.add_people_button)
        buttons.addWidget(self.remove_button)
        self.add_people_button.clicked.connect(self.add_attendees)
        self.remove_button.clicked.connect(self.remove_attendees)
        layout.addWidget(self.heading)
        layout.addWidget(self.attendees, 1)
        layout.addWidget(hint_label("双击学时或考核结果可逐人修改（如中途离开）。"))
        layout.addLayout(buttons)
        return box

    # ---- loading
    def set_period(self, start, end) -> None:
        self.start, self.end = start, end
        self.reload()

    def reload(self) -> None:
        if self.start is None:
            return
        current = self.current_session()
        self.model.load(list_sessions(self.start, self.end))
        self.apply_filter(current.id if current else None)

    def apply_filter(self, keep: int | None = None) -> None:
        self._search_timer.stop()
        if keep is None:
            current = self.current_session()
            keep = current.id if current else None
        words = self.search.text().split()
        rows = self.model.all_rows()
        if words:
            rows = [row for row in rows if all(word in row.name for word in words)]
        self.model.show(rows)
        self.select_session(keep, clear_search=False)
        total = len(self.model.all_rows())
        people = sum(row.attendees for row in self.model.all_rows())
        shown = f"，显示 {self.model.rowCount()} 个" if self.model.rowCount() != total else ""
        self.count_label.setText(f"本区间培训 {total} 个{shown}，参训共 {people} 人次（按结束日期计入区间）"
                                 if total else "")
        self.list_stack.setCurrentWidget(self.table if total else self.empty)
        if not total:
            self.empty.text.setText(self._how_to_start())
        self._selection_changed()

    def _how_to_start(self) -> str:
        ways = "点“新增培训”登记培训班或活动，再添加参训人员（可按单位、分组或逐个选择）"
        if not self.import_button.isHidden():
            ways += "；也可以用“导入签到表/平台记录…”导入签到表或学习平台导出的学习记录"
        return (f"{ways}。培训按结束日期计入统计区间；上方可换一个年度或自定义区间。"
                "每人的学时和各单位达标情况见“人员学时”和“单位汇总”。")

    def current_session(self) -> SessionRow | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.model.row_at(indexes[0].row()) if indexes else None

    def select_session(self, session_id: int | None, clear_search: bool = True) -> bool:
        if session_id is None:
            return False
        row = self.model.row_of(session_id)
        if row < 0 and clear_search and self.search.text():
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self.apply_filter(session_id)
            return self.model.row_of(session_id) >= 0
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.EnsureVisible)
        return True

    def _selection_changed(self, *_args) -> None:
        session = self.current_session()
        if session is None:
            self.heading.setText("<b>参训人员</b><br><span style='color:#666'>在左侧选择一个培训，"
                                 "这里列出参训人员及各自的学时和考核结果。</span>")
            self.attendee_model.load([])
        else:
            self._show_session(session)
        self._update_buttons()

    def _show_session(self, session: SessionRow) -> None:
        marks = [m for m, on in (("全员轮训", session.is_rotation), ("心理健康活动", session.is_mental_health)) if on]
        unit = f"（{html.escape(session.organiser_unit)}）" if session.organiser_unit else ""
        organiser = session.organiser + unit
        political = ("<br><span style='color:#8a8a8a'>政治理论学时单独记录，不计入每年培训学时。</span>"
                     if session.category == POLITICAL_CATEGORY else "")
        self.heading.setText(
            f"<span style='font-size:12pt; font-weight:bold; color:#1f3a5f'>{html.escape(session.name)}"
            "</span><br>"
            f"<span style='color:#555'>{date_span(session.start_date, session.end_date)}　{organiser}　"
            f"{session.form}　{session.category}　每人 {session.default_hours:g} 学时"
            f"{'　' + '、'.join(marks) if marks else ''}</span>{political}")
        keep = self._selected_attendees()
        rows = list_attendees(session.id)
        self.attendee_model.load(rows)
        self._select_attendees(keep)
        total = sum(row.hours for row in rows)
        self.attendee_count.setText(f"参训 {len(rows)} 人，共 {total:g} 学时" if rows else "尚无参训人员")

    def _selected_attendees(self) -> list[int]:
        found: set[int] = set()
        for part in self.attendees.selectionModel().selection():
            found.update(range(part.top(), part.bottom() + 1))
        rows = [self.attendee_model.row_at(n) for n in sorted(found)]
        return [row.officer_id for row in rows if row is not None]

    def _select_attendees(self, officer_ids: list[int]) -> None:
        model = self.attendees.selectionModel()
        first = None
        for officer_id in officer_ids:
            row = self.attendee_model.row_of(officer_id)
            if row >= 0:
                model.select(self.attendee_model.index(row, 0),
                             QItemSelectionModel.Select | QItemSelectionModel.Rows)
                first = row if first is None else first
        if first is not None:
            self.attendees.scrollTo(self.attendee_model.index(first, 0), QAbstractItemView.EnsureVisible)

    def _update_buttons(self, *_args) -> None:
        chosen = self.current_session() is not None
        for button in (self.edit_button, self.copy_button, self.delete_button, self.add_people_button):
            button.setEnabled(chosen)
        self.remove_button.setEnabled(bool(self._selected_attendees()))

    # ---- actions on sessions
    def add_session(self) -> None:
        from desktop_app.ui.dialogs.training_session_dialog import SessionDialog

        day = self.end if self.end is not None and self.end < self._today() else None
        dialog = SessionDialog(self, day=day)
        if dialog.exec() and dialog.saved is not None:
            self.page.changed(reveal=(dialog.saved.id, dialog.saved.end_date))

    def edit_session(self) -> None:
        from desktop_app.ui.dialogs.training_session_dialog import SessionDialog

        session = self.current_session()
        if session is None:
            return
        dialog = SessionDialog(self, session.id)
        if dialog.exec() and dialog.saved is not None:
            self.page.changed(reveal=(dialog.saved.id, dialog.saved.end_date))

    def copy_session(self) -> None:
        from desktop_app.ui.dialogs.training_session_dialog import CopySessionDialog

        session = self.current_session()
        if session is None:
            return
        dialog = CopySessionDialog(self, session.id)
        if dialog.exec() and dialog.saved is not None:
            self.page.changed(reveal=(dialog.saved.id, dialog.saved.end_date))

    def delete_session(self) -> None:
        session = self.current_session()
        if session is None:
            return
        people = f"其 {session.attendees} 人次参训记录将一并删除，相关人员的学时随之减少。" if session.attendees else \
            "该培训尚无参训人员。"
        answer = QMessageBox.question(self, "删除培训", f"确定删除培训“{session.name}”吗？\n{people}\n"
                                      "删除记入操作日志，但不能撤销。", QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        if answer != QMessageBox.Yes:
            return
        try:
            delete_session(session.id)
        except AppError as exc:
            show_error(self, exc)
            return
        self.page.changed()

    def import_records(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择签到表或学习平台导出文件", "",
                                              "Excel 或 CSV (*.xlsx *.xls *.csv);;所有文件 (*)")
        if not path:
            return
        from desktop_app.ui.dialogs.training_import_dialog import run_training_import

        if run_training_import(self, Path(path)):
            self.page.changed()

    # ---- actions on attendees
    def add_attendees(self) -> None:
        from desktop_app.ui.dialogs.training_attendees_dialog import AddAttendeesDialog, result_text

        session = self.current_session()
        if session is None:
            return
        dialog = AddAttendeesDialog(self, session.id)
        if dialog.exec() and dialog.added is not None:
            if dialog.added.added:
                self.page.changed()
            QMessageBox.information(self, "添加参训人员", result_text(dialog.added))

    def remove_attendees(self) -> None:
        session = self.current_session()
        ids = self._selected_attendees()
        if session is None or not ids:
            return
        names = "、".join(self.attendee_model.row_at(self.attendee_model.row_of(i)).name for i in ids[:5])
        more = f"等 {len(ids)} 人" if len(ids) > 5 else ""
        answer = QMessageBox.question(self, "移出参训人员", f"将 {names}{more} 移出“{session.name}”的参训名单？\n"
                                      "其在这次培训中的学时将不再计入。", QMessageBox.Yes | QMessageBox.No,
                                      QMessageBox.No)
        if answer != QMessageBox.Yes:
            return
        try:
            remove_attendees(session.id, ids)
        except AppError as exc:
            show_error(self, exc)
            return
        self.page.changed()

    def _commit_attendance(self, row: AttendeeRow, hours: float, result: str) -> bool:
        session = self.current_session()
        if session is None:
            return False
        try:
            set_attendance(session.id, row.officer_id, hours, result, row.note)
        except AppError as exc:
            error = exc  # `exc` is unbound after the except block
            QTimer.singleShot(0, self, lambda: show_error(self, error))  # not inside the editor's commit
            return False
        QTimer.singleShot(0, self, self.page.changed)  # the page reloads after the editor has closed
        return True

    @staticmethod
    def _today():
        import datetime as dt

        return dt.date.today()
