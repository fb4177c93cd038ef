"""Table models of the 导入培训记录 dialog: the names to confirm (核对姓名), the sessions the file goes to
and the checked rows (预览). The 列对应 table is the roster import's (roster_import_models.MappingModel).

Lines are built once per check from the core's TrainingPreview (on the worker thread: a platform export
may have 200,000 rows); the models only read them, and the 预览 filter swaps the list (no proxy model).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate

from desktop_app.core.tabular import cell_text
from desktop_app.core.text_norm import clean_display
from desktop_app.core.training.training_import import (
    ALREADY,
    DUPLICATE,
    ERROR,
    NEW,
    SKIPPED,
    Candidate,
    SessionPlan,
    TrainingPreview,
)
from desktop_app.ui.table_models.roster_import_models import (
    ColouredModel,
    MappingLine,
    MappingModel,
    mapping_lines,
)
from desktop_app.ui.table_models.row_model import Column, RowTableModel

CENTER = Qt.AlignCenter
RIGHT = Qt.AlignRight | Qt.AlignVCenter
ERROR_BRUSH = QBrush(QColor("#c0392b"))
WARNING_BRUSH = QBrush(QColor("#9a6700"))
PENDING, SKIP = 0, -1  # combo data of “（请选择）” and “跳过此行”; officer ids are positive
PENDING_TEXT, SKIP_TEXT = "（请选择）", "跳过此行"

__all__ = ["MappingLine", "MappingModel", "mapping_lines"]


def _written(values: list, column: int | None) -> str:
    return clean_display(cell_text(values[column])) if column is not None and column < len(values) else ""


def hours_text(hours: float | None) -> str:
    return "" if hours is None else f"{hours:g}"


# ------------------------------------------------------------------------------------------ 核对姓名


@dataclass
class SettleLine:
    row: int  # sheet row number
    name: str
    written: str  # 单位 / 身份证号 / 证号 as written beside the name
    problem: str
    choices: tuple[tuple[int, str], ...]  # (officer id, label) of the candidates


def candidate_label(candidate: Candidate, cert_number: str = "") -> str:
    """“张伟（司法局，6403**********1232，证号 64030012）”."""
    label = candidate.label
    return label[:-1] + f"，证号 {cert_number}）" if cert_number else label


def settle_lines(preview: TrainingPreview, cert_numbers: dict[int, str]) -> list[SettleLine]:
    """The rows whose name the core could not match by itself (rows with errors are left to the 预览)."""
    columns = {f: c for c, f in preview.mapping.items() if f}
    raw = dict(preview.rows) if preview.results else {}
    lines = []
    for result in preview.results or []:
        if not result.needs_settling or result.errors:
            continue
        values = raw.get(result.row, [])
        written = "，".join(text for f in ("unit", "id_number", "cert_number")
                           if (text := _written(values, columns.get(f))))
        lines.append(SettleLine(result.row, result.name or "（无姓名）", written, result.problem,
                                tuple((c.officer_id, candidate_label(c, cert_numbers.get(c.officer_id, "")))
                                      for c in result.candidates)))
    return lines


class SettleModel(RowTableModel[SettleLine]):
    """The 确认为 column is editable through ChoiceDelegate; the clerk's answers are kept here (row → officer
    id, or None to skip) until 下一步 hands them to the core."""

    choices_changed = Signal()
    CHOICE_COLUMN = 4
    pending_brush = QBrush(QColor("#c0392b"))

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("行号", lambda r: r.row, CENTER),
            Column("姓名", lambda r: r.name),
            Column("表中信息", lambda r: r.written, tooltip=lambda r: r.written),
            Column("问题", lambda r: r.problem, tooltip=lambda r: r.problem),
            Column("确认为", self.choice_text, tooltip=self.choice_text),
        ], parent)
        self.answers: dict[int, int | None] = {}

    def set_lines(self, lines: list[SettleLine]) -> None:
        self.answers = {}
        self.set_rows(lines)
        self.choices_changed.emit()

    def choice_text(self, line: SettleLine) -> str:
        if line.row not in self.answers:
            return PENDING_TEXT
        chosen = self.answers[line.row]
        return SKIP_TEXT if chosen is None else dict(line.choices).get(chosen, str(chosen))

    def choice_data(self, line: SettleLine) -> int:
        if line.row not in self.answers:
            return PENDING
        chosen = self.answers[line.row]
        return SKIP if chosen is None else chosen

    @property
    def pending(self) -> int:
        return sum(1 for line in self.rows if line.row not in self.answers)

    def answer(self, line: SettleLine, value: int) -> None:
        """PENDING, SKIP or one of the line's candidates."""
        if value == PENDING:
            self.answers.pop(line.row, None)
        elif value == SKIP:
            self.answers[line.row] = None
        elif value in dict(line.choices):
            self.answers[line.row] = value
        else:
            raise ValueError(f"第 {line.row} 行没有编号为 {value} 的候选人员")
        position = self.rows.index(line)
        cell = self.index(position, self.CHOICE_COLUMN)
        self.dataChanged.emit(cell, cell)
        self.choices_changed.emit()

    def skip_pending(self) -> int:
        """Every line not answered yet: 跳过此行. Returns how many."""
        pending = [line.row for line in self.rows if line.row not in self.answers]
        for row in pending:
            self.answers[row] = None
        if pending and self.rows:
            self.dataChanged.emit(self.index(0, self.CHOICE_COLUMN),
                                  self.index(len(self.rows) - 1, self.CHOICE_COLUMN))
            self.choices_changed.emit()
        return len(pending)

    def flags(self, index):
        flags = super().flags(index)
        return flags | Qt.ItemIsEditable if index.isValid() and index.column() == self.CHOICE_COLUMN else flags

    def data(self, index, role=Qt.DisplayRole):
        line = self.row_at(index.row()) if index.isValid() else None
        if line is None:
            return None
        if index.column() == self.CHOICE_COLUMN:
            if role == Qt.EditRole:
                return self.choice_data(line)
            if role == Qt.ForegroundRole and line.row not in self.answers:
                return self.pending_brush
        return super().data(index, role)

    def setData(self, index, value, role=Qt.EditRole) -> bool:
        line = self.row_at(index.row()) if index.isValid() else None
        if line is None or role != Qt.EditRole or index.column() != self.CHOICE_COLUMN:
            return False
        self.answer(line, int(value))
        return True


class ChoiceCombo(QComboBox):
    """Ignores the mouse wheel unless clicked into: scrolling the list must not change an answer."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.StrongFocus)

    def wheelEvent(self, event) -> None:  # Qt override
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class ChoiceDelegate(QStyledItemDelegate):
    """A combo of “（请选择）”, the candidates and “跳过此行” over the 确认为 cell; an answer is stored as soon as
    it is picked (also in the persistent editors the dialog opens for short lists)."""

    def createEditor(self, parent, option, index: QModelIndex):
        model = index.model()
        line = model.row_at(index.row())
        combo = ChoiceCombo(parent)
        combo.addItem(PENDING_TEXT, PENDING)
        for officer_id, label in line.choices:
            combo.addItem(label, officer_id)
            combo.setItemData(combo.count() - 1, label, Qt.ToolTipRole)
        combo.addItem(SKIP_TEXT, SKIP)
        combo.setMaxVisibleItems(min(22, combo.count()))
        combo.currentIndexChanged.connect(lambda _=None, c=combo: self.commitData.emit(c))
        return combo

    def setEditorData(self, editor: QComboBox, index: QModelIndex) -> None:
        value = index.model().data(index, Qt.EditRole)
        editor.blockSignals(True)
        editor.setCurrentIndex(max(0, editor.findData(value)))
        editor.blockSignals(False)

    def setModelData(self, editor: QComboBox, model, index: QModelIndex) -> None:
        if model.data(index, Qt.EditRole) != editor.currentData():
            model.setData(index, editor.currentData(), Qt.EditRole)

    def updateEditorGeometry(self, editor, option, index) -> None:
        editor.setGeometry(option.rect)


# ------------------------------------------------------------------------------------------ 预览


@dataclass(frozen=True)
class SessionLine:
    name: str
    dates: str
    category: str
    hours: str  # the session's 默认学时
    state: str  # 新建 / 已有 / 已有（所选培训）
    new_rows: int
    is_new: bool


def session_lines(preview: TrainingPreview) -> list[SessionLine]:
    lines = []
    for plan in preview.sessions:
        lines.append(SessionLine(plan.name, _dates(plan), plan.category, hours_text(plan.default_hours),
                                 _state(preview, plan), plan.new_rows, plan.is_new))
    return lines


def _dates(plan: SessionPlan) -> str:
    if plan.start_date == plan.end_date:
        return f"{plan.start_date:%Y-%m-%d}"
    return f"{plan.start_date:%Y-%m-%d} 至 {plan.end_date:%Y-%m-%d}"


def _state(preview: TrainingPreview, plan: SessionPlan) -> str:
    if plan.is_new:
        return "新建"
    if preview.session_id is not None and plan.existing_id == preview.session_id:
        return "已有（所选培训）"
    return "已有"


class SessionModel(ColouredModel[SessionLine]):
    new_brush = QBrush(QColor("#1e5631"))

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("培训名称", lambda r: r.name, tooltip=lambda r: r.name),
            Column("日期", lambda r: r.dates),
            Column("类别", lambda r: r.category),
            Column("默认学时", lambda r: r.hours, RIGHT),
            Column("新建/已有", lambda r: r.state, CENTER),
            Column("本次新增参训", lambda r: r.new_rows, RIGHT),
        ], parent)

    def foreground(self, line: SessionLine, column: int) -> QBrush | None:
        return self.new_brush if line.is_new and column == 4 else None


@dataclass(frozen=True)
class PreviewLine:
    row: int  # sheet row number
    name: str
    session: str
    hours: str
    result: str  # 新增 / 已导入过 / 重复 / 跳过 / 错误（n 处）
    matched_by: str
    errors: tuple[str, ...] = field(default=())  # “第 7 行 E 列（学时）：…”
    warnings: tuple[str, ...] = field(default=())

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    @property
    def note(self) -> str:
        return "　".join(self.errors + self.warnings)


def preview_lines(preview: TrainingPreview) -> list[PreviewLine]:
    lines = []
    for result in preview.results or []:
        errors = tuple(e.text.replace("\n", " ") for e in result.errors)
        if not errors and (problem := result.problem_error) is not None:
            errors = (problem.text.replace("\n", " "),)
        warnings = tuple(w.text.replace("\n", " ") for w in result.warnings)
        hours = result.hours_to_store if result.session is not None else result.hours
        text = result.result
        if result.result == ERROR:
            text = f"错误（{len(errors)} 处）"
        elif result.result == SKIPPED:
            text = "已跳过"
        elif result.result in (ALREADY, DUPLICATE) and warnings:
            text += "（有提示）"
        lines.append(PreviewLine(result.row, result.name, result.session.name if result.session else "",
                                 hours_text(hours), text, result.matched_by, errors, warnings))
    return lines


class PreviewModel(ColouredModel[PreviewLine]):
    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("行号", lambda r: r.row, CENTER),
            Column("姓名", lambda r: r.name),
            Column("培训", lambda r: r.session, tooltip=lambda r: r.session),
            Column("学时", lambda r: r.hours, RIGHT),
            Column("结果", lambda r: r.result),
            Column("对应方式", lambda r: r.matched_by),
            Column("说明", lambda r: r.note, tooltip=lambda r: "\n".join(r.errors + r.warnings)),
        ], parent)

    def foreground(self, line: PreviewLine, column: int) -> QBrush | None:
        if line.has_errors:
            return ERROR_BRUSH
        return WARNING_BRUSH if line.warnings else None

    def is_muted(self, row: PreviewLine) -> bool:
        return not row.result.startswith(NEW)
