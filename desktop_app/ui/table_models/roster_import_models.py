"""Table models of the 导入执法人员名册 dialog: the file's columns (列对应) and the checked rows (预览).

Lines are built once per validation from the core's RosterPreview; the models only read them, and the
预览 filter swaps the list (20,000 rows, so no QSortFilterProxyModel).
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.core.personnel.roster_import import ERROR, NEW, UPDATED, RosterPreview
from desktop_app.core.tabular import cell_text, column_letter
from desktop_app.core.text_norm import clean_display
from desktop_app.ui.table_models.row_model import Column, Row, RowTableModel

CENTER = Qt.AlignCenter
SAMPLE_SCAN_ROWS = 200  # enough to find a value in a sparse column without walking 20,000 rows
SAMPLE_CHARS = 40


@dataclass(frozen=True)
class MappingLine:
    column: int
    header: str
    sample: str

    @property
    def letter(self) -> str:
        return column_letter(self.column)


def mapping_lines(preview: RosterPreview) -> list[MappingLine]:
    """One line per column of the sheet: its header as written and the first value below it."""
    lines = []
    rows = [values for _, values in preview.rows[:SAMPLE_SCAN_ROWS]]
    for column, header in enumerate(preview.headers):
        sample = next((text for values in rows if column < len(values)
                       and (text := clean_display(cell_text(values[column])))), "")
        if len(sample) > SAMPLE_CHARS:
            sample = sample[:SAMPLE_CHARS] + "…"
        lines.append(MappingLine(column, " ".join(header.split()), sample))
    return lines


class ColouredModel(RowTableModel[Row]):
    """A RowTableModel whose text colour may follow the line (the import dialogs' tables)."""

    def foreground(self, line: Row, column: int) -> QBrush | None:
        """The text colour of `line` in `column`; None for the usual one."""
        return None

    def data(self, index, role=Qt.DisplayRole):
        line = self.row_at(index.row()) if index.isValid() else None
        if role == Qt.ForegroundRole and line is not None:
            brush = self.foreground(line, index.column())
            if brush is not None:
                return brush
        return super().data(index, role)


class MappingModel(ColouredModel[MappingLine]):
    """The 对应到 column is left blank: the dialog puts a combo box over each of its cells."""

    missing = QBrush(QColor("#8a8a8a"))

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("列", lambda r: r.letter, CENTER),
            Column("文件中的列名", lambda r: r.header or "（无列名）"),
            Column("第一行数据（示例）", lambda r: r.sample, tooltip=lambda r: r.sample),
            Column("导入为", lambda r: ""),
        ], parent)

    def foreground(self, line: MappingLine, column: int) -> QBrush | None:
        return self.missing if column == 1 and not line.header else None


@dataclass(frozen=True)
class PreviewLine:
    row: int  # sheet row number
    name: str
    unit: str  # as written in the file
    result: str  # 新增 / 更新（…） / 无变化 / 错误
    errors: str  # every error of the row, “第 7 行 E 列（公民身份号码）：…”, one after the other
    error_list: tuple[str, ...]

    @property
    def has_errors(self) -> bool:
        return bool(self.error_list)


def preview_lines(preview: RosterPreview) -> list[PreviewLine]:
    unit_column = next((c for c, f in preview.mapping.items() if f == "unit"), None)
    raw = dict(preview.rows)
    lines = []
    for result in preview.results or []:
        values = raw.get(result.row, [])
        unit = values[unit_column] if unit_column is not None and unit_column < len(values) else None
        texts = tuple(e.text.replace("\n", " ") for e in result.errors)  # a header may hold a line break
        lines.append(PreviewLine(result.row, result.name, clean_display(cell_text(unit)), _result_text(result),
                                 "　".join(texts), texts))
    return lines


def _result_text(result) -> str:
    if result.result == ERROR:
        return f"错误（{len(result.errors)} 处）"
    parts = list(result.changes)
    if result.card_action == NEW:
        parts.append("登记证件")
    elif result.card_action == UPDATED:
        parts.append("更新证件")
    if result.result == NEW:
        return "新增" + ("（含证件）" if result.card_action == NEW else "")
    return result.result + (f"：{'、'.join(parts)}" if parts else "")


class PreviewModel(ColouredModel[PreviewLine]):
    error_brush = QBrush(QColor("#c0392b"))

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("行号", lambda r: r.row, CENTER),
            Column("姓名", lambda r: r.name),
            Column("单位", lambda r: r.unit, tooltip=lambda r: r.unit),
            Column("结果", lambda r: r.result, tooltip=lambda r: r.result),
            Column("错误", lambda r: r.errors, tooltip=lambda r: "\n".join(r.error_list)),
        ], parent)

    def foreground(self, line: PreviewLine, column: int) -> QBrush | None:
        return self.error_brush if line.has_errors else None
