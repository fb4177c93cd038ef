"""导入培训记录 (签到表 or 学习平台导出) in four steps (core/training/training_import.py does the work):

1 读取 — the file is read on a worker thread as soon as the dialog shows.
2 列对应 — each column of the file, a sample value and a combo choosing what it is imported as (or 不导入),
  prefilled from the mapping remembered for this header layout or guessed from the headers; for a sign-in
  sheet, the registered session it is for (or none: the sessions its own 培训名称/日期 columns describe).
  Problems are listed live and block 下一步.
3 核对姓名 — only when some names could not be matched by themselves (同名, 未登记, 证件号码与姓名不符):
  each such row gets a combo of its candidates and “跳过此行”; nothing is preselected, and 下一步 waits
  until every row is answered (“全部跳过未匹配的行” answers the rest).
4 预览并导入 — counts, the sessions that will be created or reused, every row with its errors by row and
  column, 导出错误清单…, “跳过有错误的行” (required when there are errors); 导入 commits on a worker
  thread, cancellable.

Nothing is written before 导入, and a cancelled 导入 rolls back. `run_training_import(parent, path,
session_id)` returns the TrainingImportSummary, or None when nothing was imported.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.training.training_columns import FIELDS
from desktop_app.core.training.training_import import (
    ALREADY,
    DUPLICATE,
    ERROR,
    NEW,
    PLATFORM,
    UNSETTLED,
    TrainingImportSummary,
    TrainingPreview,
    commit_training,
    load_training_file,
    validate,
    write_training_errors,
)
from desktop_app.ui.dialogs.import_steps import ERROR_COLOR, MAP, READ, SKIP_COLUMN, SheetImportDialog
from desktop_app.ui.dialogs.step_frame import error_label, heading, hint_label
from desktop_app.ui.error_dialog import show_error
from desktop_app.ui.pages.common import make_table
from desktop_app.ui.table_models.training_import_models import (
    SKIP,
    ChoiceDelegate,
    PreviewLine,
    PreviewModel,
    SessionModel,
    SettleLine,
    SettleModel,
    preview_lines,
    session_lines,
    settle_lines,
)

SETTLE, PREVIEW = 2, 3
STEPS = ("① 读取文件", "② 列对应", "③ 核对姓名", "④ 预览并导入")
__all__ = ["MAP", "PREVIEW", "READ", "SETTLE", "TrainingImportDialog", "run_training_import"]
NO_SESSION = 0  # session combo data: the sessions the sheet's own columns describe
PERSISTENT_EDITORS = 300  # up to this many names to confirm, every combo is shown at once
KIND_TEXT = {PLATFORM: "学习平台导出：每行一人一门课程，按课程名称和完成日期建立培训（已建立的不再重复）。",
             "签到表": "签到表：一次（或表中“培训名称”“日期”列所写的几次）培训的参训名单。"}


def _cert_numbers(officer_ids: set[int]) -> dict[int, str]:
    """The 执法证号 shown beside each candidate (the latest card of each officer that has a number)."""
    from desktop_app.core.models import Certificate

    found: dict[int, str] = {}
    ids = sorted(officer_ids)
    for start in range(0, len(ids), 500):
        for officer_id, number in (Certificate.select(Certificate.officer, Certificate.number)
                                   .where(Certificate.officer.in_(ids[start:start + 500]),
                                          Certificate.number.is_null(False), Certificate.replaced_by.is_null())
                                   .order_by(Certificate.id).tuples()):
            found[officer_id] = number
    return found


def _checked(preview: TrainingPreview) -> tuple[list[SettleLine], list[PreviewLine]]:
    """Worker side of a check: the lines of 核对姓名 and 预览."""
    ids = {c.officer_id for r in preview.results or [] if r.needs_settling and not r.errors for c in r.candidates}
    return settle_lines(preview, _cert_numbers(ids)), preview_lines(preview)


class TrainingImportDialog(SheetImportDialog):
    STEPS = STEPS
    PREVIEW = PREVIEW
    FIELDS = FIELDS
    READ_HINT = "读取文件中第一个带表头（姓名、身份证号、单位、学时、课程名称等列名）的工作表。"
    LOAD_TITLE = "正在读取培训记录…"
    COMMIT_TITLE = "正在导入培训记录…"
    DONE_TITLE = "培训记录导入完成"
    MAPPING_WIDTHS = ((0, 48), (1, 260), (3, 200))

    preview: TrainingPreview | None
    summary: TrainingImportSummary | None

    def __init__(self, parent: QWidget | None, path: Path, session_id: int | None = None) -> None:
        super().__init__(parent, path, "导入培训记录")
        self.session_id = session_id
        self.has_settle_step = False
        self._checked_with: tuple | None = None  # (mapping, session) of the last check
        self._build([self._read_page(), self._map_page(), self._settle_page(), self._preview_page()],
                    self.go_back, self.go_next)

    def _reader(self):
        path, session_id = self.path, self.session_id
        return lambda control: load_training_file(path, session_id, control)

    # ---- step 2: 列对应
    def _map_page(self) -> QWidget:
        page, layout = self._map_page_start(
            f"为文件的每一列选择导入为哪一项，不需要的列选“{SKIP_COLUMN}”。必须有“姓名”（或“身份证号”）"
            "列；有“课程名称”列的按学习平台导出导入，还须有“身份证号”“学时”“完成日期”列。")
        self.kind_label = QLabel()
        self.kind_label.setWordWrap(True)
        layout.addWidget(self.kind_label)
        self.session_row = QWidget()
        row = QHBoxLayout(self.session_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("签到表对应的培训："))
        self.session_combo = QComboBox()
        self.session_combo.setMinimumWidth(520)
        self.session_combo.setMaxVisibleItems(20)
        self.session_combo.currentIndexChanged.connect(self._mapping_changed)
        row.addWidget(self.session_combo, 1)
        layout.addWidget(self.session_row)
        self.session_hint = hint_label("列出今年和去年的培训。选“不指定”时，按表中“培训名称”和“开始日期”（或“日期”）列"
                                       "确定培训，已登记的同名同日期培训直接使用，其余新建。")
        layout.addWidget(self.session_hint)
        self.problems_label = error_label()
        layout.addWidget(self.problems_label)
        return page

    def _mapping_filled(self) -> None:
        self._fill_sessions()

    def _fill_sessions(self) -> None:
        from desktop_app.core.training.queries import list_sessions
        from desktop_app.core.training.sessions import get_session

        today = dt.date.today()
        found = list_sessions(dt.date(today.year - 1, 1, 1), dt.date(today.year, 12, 31))
        combo = self.session_combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("不指定（按表中的“培训名称”“日期”列确定培训）", NO_SESSION)
        for s in found:
            combo.addItem(_session_text(s.name, s.start_date, s.end_date, s.category, s.default_hours, s.attendees),
                          s.id)
        if self.session_id is not None and combo.findData(self.session_id) < 0:
            s = get_session(self.session_id)  # an older session the caller chose
            combo.addItem(_session_text(s.name, s.start_date, s.end_date, s.category, s.default_hours, None), s.id)
        combo.setCurrentIndex(max(0, combo.findData(self.session_id if self.session_id is not None else NO_SESSION)))
        combo.blockSignals(False)

    def current_session(self) -> int | None:
        """The session chosen for a sign-in sheet; None for a platform export or 不指定."""
        if self.preview is None or dataclasses.replace(self.preview, mapping=self.current_mapping()).kind == PLATFORM:
            return None
        chosen = self.session_combo.currentData()
        return None if chosen in (None, NO_SESSION) else int(chosen)

    def choose_session(self, session_id: int | None) -> None:
        self.session_combo.setCurrentIndex(max(0, self.session_combo.findData(
            NO_SESSION if session_id is None else session_id)))

    def current_problems(self) -> list[str]:
        if self.preview is None:
            return []
        trial = dataclasses.replace(self.preview, mapping=self.current_mapping(), session_id=self.current_session())
        return trial.mapping_problems()

    def _mapping_changed(self) -> None:
        if self.preview is None:
            return
        kind = dataclasses.replace(self.preview, mapping=self.current_mapping()).kind
        self.kind_label.setText(f"识别为{KIND_TEXT.get(kind, kind)}")
        self.session_row.setVisible(kind != PLATFORM)
        self.session_hint.setVisible(kind != PLATFORM)
        self._show_problems(self.current_problems())

    # ---- step 3: 核对姓名
    def _settle_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading("核对姓名"))
        self.settle_label = QLabel()
        self.settle_label.setWordWrap(True)
        layout.addWidget(self.settle_label)
        layout.addWidget(hint_label("下列各行的姓名不能自动对应到一名人员（同名、未登记，或证件号码与姓名不符）。请逐行在"
                                    "“确认为”中选择是哪一位（候选人显示单位、身份证号和证号），或选“跳过此行”；不会自动猜测。"))
        self.settle_model = SettleModel(self)
        self.settle_model.choices_changed.connect(self._settle_changed)
        self.settle_table = make_table(self.settle_model)
        self.settle_table.setItemDelegateForColumn(SettleModel.CHOICE_COLUMN, ChoiceDelegate(self.settle_table))
        self.settle_table.setEditTriggers(QAbstractItemView.AllEditTriggers)
        self.settle_table.setSelectionMode(QAbstractItemView.NoSelection)
        layout.addWidget(self.settle_table, 1)
        row = QHBoxLayout()
        self.pending_label = QLabel()
        row.addWidget(self.pending_label, 1)
        self.skip_all_button = QPushButton("全部跳过未匹配的行")
        self.skip_all_button.setAutoDefault(False)
        self.skip_all_button.setToolTip("尚未选择的行都选为“跳过此行”（已选择的不变）")
        self.skip_all_button.clicked.connect(self.skip_pending)
        row.addWidget(self.skip_all_button)
        layout.addLayout(row)
        return page

    def _fill_settle(self, lines: list[SettleLine]) -> None:
        model, table = self.settle_model, self.settle_table
        model.set_lines(lines)
        self.settle_label.setText(f"共 {len(lines)} 行需要确认。")
        table.verticalHeader().setDefaultSectionSize(32)
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(3, QHeaderView.Stretch)  # the problem; full text in its tooltip
        for column, width in ((0, 52), (1, 80), (2, 170), (SettleModel.CHOICE_COLUMN, 400)):
            table.setColumnWidth(column, width)
        if len(lines) <= PERSISTENT_EDITORS:
            for position in range(len(lines)):
                table.openPersistentEditor(model.index(position, SettleModel.CHOICE_COLUMN))

    def settle(self, row: int, officer_id: int | None) -> None:
        """Answer sheet row `row`: one of its candidates, or None for 跳过此行."""
        line = next(line for line in self.settle_model.rows if line.row == row)
        self.settle_model.answer(line, SKIP if officer_id is None else officer_id)
        self._sync_editor(line)

    def _sync_editor(self, line: SettleLine) -> None:
        position = self.settle_model.rows.index(line)
        editor = self.settle_table.indexWidget(self.settle_model.index(position, SettleModel.CHOICE_COLUMN))
        if isinstance(editor, QComboBox):
            editor.blockSignals(True)
            editor.setCurrentIndex(max(0, editor.findData(self.settle_model.choice_data(line))))
            editor.blockSignals(False)

    def skip_pending(self) -> None:
        pending = [line for line in self.settle_model.rows if line.row not in self.settle_model.answers]
        self.settle_model.skip_pending()
        for line in pending:
            self._sync_editor(line)

    def _settle_changed(self) -> None:
        pending = self.settle_model.pending
        self.pending_label.setText(f"<span style='color:{ERROR_COLOR}'>还有 <b>{pending}</b> 行未确认</span>"
                                   if pending else "全部已确认。")
        self.skip_all_button.setEnabled(bool(pending))
        self._update_buttons()

    # ---- step 4: 预览
    def _preview_page(self) -> QWidget:
        page, layout = self._preview_page_start(wrap_counts=True)
        self.sessions_label = QLabel()
        layout.addWidget(self.sessions_label)
        self.session_model = SessionModel(self)
        self.session_table = make_table(self.session_model)
        self.session_table.setSelectionMode(QAbstractItemView.NoSelection)
        layout.addWidget(self.session_table)
        self._preview_rows(layout, PreviewModel(self), "把文件另存一份，出错的单元格标红并附说明，可发回填报单位修改",
                           "点“导入”之前不会写入任何数据；导入前自动备份数据库。已导入过的参训记录保留原样，不会重复导入。")
        return page

    def _show_preview(self) -> None:
        preview = self.preview
        counts = preview.counts()
        errors = self.error_count = counts[ERROR] + counts[UNSETTLED]
        warnings = len(preview.warnings)
        error_part = f"<b style='color:{ERROR_COLOR}'>错误 {errors} 行</b>" if errors else "错误 0 行"
        parts = [f"新增参训 <b>{counts[NEW]}</b> 条", f"已导入过 <b>{counts[ALREADY]}</b> 条", error_part,
                 f"警告 <b>{warnings}</b> 条"]
        extra = []
        if counts[DUPLICATE]:
            extra.append(f"表内重复 {counts[DUPLICATE]} 行")
        if counts["跳过"]:
            extra.append(f"核对姓名时跳过 {counts['跳过']} 行")
        self.counts_label.setText(f"共 {len(preview.results or [])} 行：" + "，".join(parts)
                                  + (f"<br><span style='color:#666'>{'；'.join(extra)}</span>" if extra else ""))
        sessions = session_lines(preview)
        created = sum(1 for s in sessions if s.is_new)
        self.sessions_label.setText(f"涉及培训 {len(sessions)} 次，其中新建 {created} 次：")
        self.session_model.set_rows(sessions)
        header = self.session_table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        for column, width in ((1, 190), (2, 110), (3, 80), (4, 120), (5, 100)):
            self.session_table.setColumnWidth(column, width)
        table = self.session_table  # as tall as its rows, up to four; the rows' table takes the rest
        shown = min(max(len(sessions), 1), 4)
        table.setFixedHeight(table.horizontalHeader().sizeHint().height() + shown * table.verticalHeader()
                             .defaultSectionSize() + 2 * table.frameWidth() + 2)
        self._show_rows(errors, bool(preview.errors), f"跳过有错误的行，只导入其余 {counts[NEW]} 条新增参训记录",
                        counts[NEW] > 0, ((0, 56), (1, 80), (2, 240), (3, 56), (4, 100), (5, 90)))

    def _row_texts(self, line) -> list[str]:
        return list(line.errors + line.warnings)

    def _write_errors(self, preview, target: Path, control) -> Path:
        return write_training_errors(preview, target, control)

    # ---- moving between steps
    def go_next(self) -> None:
        if self.step == MAP:
            self.go_to_check()
        elif self.step == SETTLE:
            self.apply_settlements()

    def go_back(self) -> None:
        if self.step == PREVIEW and self.has_settle_step:
            self._show_step(SETTLE)
        elif self.step in (PREVIEW, SETTLE):
            self._show_step(MAP)

    def go_to_check(self) -> None:
        """列对应 → check every row (on a worker thread) → 核对姓名, or 预览 when every name was matched."""
        preview = self.preview
        if preview is None or self.busy or self.current_problems():
            return
        mapping, session_id = self.current_mapping(), self.current_session()
        if preview.results is not None and self._checked_with == (mapping, session_id):
            self._show_step(SETTLE) if self.has_settle_step else self._show_preview()
            return

        def check(control):
            if mapping != preview.mapping:
                preview.apply_mapping(mapping)
            preview.choose_session(session_id)
            validate(preview, control)
            return _checked(preview)

        def checked(found) -> None:
            self._checked_with = (mapping, session_id)
            settle, self.lines = found
            self.has_settle_step = bool(settle)
            self._fill_settle(settle)
            if settle:
                self._show_step(SETTLE)
            else:
                self._show_preview()

        def failed(exc: BaseException) -> None:
            preview.results = None
            self._checked_with = None
            show_error(self, exc)

        self._run("正在核对培训记录…", check, checked, on_error=failed, on_cancel=lambda: self._cancel_check())

    def _cancel_check(self) -> None:
        if self.preview is not None:
            self.preview.results = None
        self._checked_with = None
        self._show_step(MAP)

    def apply_settlements(self) -> None:
        """核对姓名 → 预览: the clerk's answers go to the core (which places every row again)."""
        preview = self.preview
        if preview is None or self.busy or self.settle_model.pending:
            return
        answers = dict(self.settle_model.answers)

        def settle(control):
            preview.settle_many(answers)
            return preview_lines(preview)

        def settled(lines) -> None:
            self.lines = lines
            self._show_preview()

        self._run("正在确认人员…", settle, settled)

    # ---- 导入
    def _commit_job(self, preview, skip: bool, control) -> TrainingImportSummary:
        return commit_training(preview, skip, control)

    def _check_again(self) -> None:
        self._checked_with = None
        self._show_step(MAP)
        self.go_to_check()

    def _can_import(self) -> bool:
        preview = self.preview
        if preview is None or preview.results is None:
            return False
        counts = preview.counts()
        blocked = counts[ERROR] + counts[UNSETTLED]
        return bool(counts[NEW]) and (not blocked or self.skip_check.isChecked())

    # ---- steps, buttons, jobs
    def _step_mark(self, n: int, name: str, step: int) -> str:
        if n == SETTLE and step == PREVIEW and not self.has_settle_step:
            return f"<span style='color:#b0b0b0'>{name}（无需核对）</span>"
        return super()._step_mark(n, name, step)

    def _update_buttons(self) -> None:
        busy, step = self.busy, self.step
        self.back_button.setVisible(step in (SETTLE, PREVIEW))
        self.next_button.setVisible(step in (MAP, SETTLE))
        self.import_button.setVisible(step == PREVIEW)
        self.back_button.setEnabled(not busy)
        ready = (step == MAP and not self.current_problems()) or (step == SETTLE and not self.settle_model.pending)
        self.next_button.setEnabled(not busy and ready)
        self.import_button.setEnabled(not busy and self._can_import())
        self.stack.setEnabled(not busy)
        if not busy:
            self.status_label.setText(self._status())

    def _status(self) -> str:
        if self.step == SETTLE and self.settle_model.pending:
            return "每一行都选择人员或“跳过此行”后才能继续。"
        if self.step != PREVIEW or self.preview is None:
            return ""
        counts = self.preview.counts()
        if (counts[ERROR] or counts[UNSETTLED]) and not self.skip_check.isChecked():
            return "有错误的行：请修改文件后重新导入，或勾选“跳过有错误的行”。"
        if not counts[NEW]:
            if counts[ALREADY]:
                return "没有需要写入的内容：文件中的参训记录都已导入过。"
            return "除有错误或跳过的行外，没有需要写入的内容。"
        return ""


def _session_text(name: str, start: dt.date, end: dt.date, category: str, hours: float,
                  attendees: int | None) -> str:
    dates = f"{start:%Y-%m-%d}" if start == end else f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
    people = f"，已有 {attendees} 人" if attendees is not None else ""
    return f"{dates}　{name}（{category}，{hours:g} 学时{people}）"


def run_training_import(parent: QWidget | None, path: Path,
                        session_id: int | None = None) -> TrainingImportSummary | None:
    """Open the dialog on `path` (for the session `session_id` when the caller knows it); the summary when
    training records were imported, else None."""
    dialog = TrainingImportDialog(parent, Path(path), session_id)
    dialog.exec()
    return dialog.summary
