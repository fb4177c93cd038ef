"""The 错误清单: the sheet as read, with its bad cells marked, for the clerk to send back to the unit.

Shared by the imports that read one sheet into a preview (the roster, the training sign-in sheets and
platform exports): anything shaped like `SheetPreview` can be written.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Protocol

from desktop_app.core.jobs import JobControl
from desktop_app.core.personnel.roster_import import CHUNK, CellError
from desktop_app.core.tabular import column_letter

ERROR_FILL = "FFC7CE"
ERROR_COLUMN = "错误说明"


class SheetPreview(Protocol):
    sheet_name: str
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list]]  # (sheet row number, raw cell values) below the header
    top_rows: list[tuple[int, list]]  # title and header rows
    top_merges: list[tuple[int, int, int, int]]

    @property
    def errors(self) -> list[CellError]: ...


def write_error_workbook(preview: SheetPreview, path: Path, control: JobControl | None = None,
                         default_title: str = "人员名册") -> Path:
    """The sheet as read, bad cells filled red with the reason as a comment and a 错误说明 column, rows at
    their original numbers so the messages still point at them: for the clerk to send back to the unit."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    from desktop_app.core.files import atomic_path

    by_cell: dict[tuple[int, int | None], list[str]] = {}
    row_errors: dict[int, list[CellError]] = {}
    for error in preview.errors:
        by_cell.setdefault((error.row, error.column), []).append(error.message)
        row_errors.setdefault(error.row, []).append(error)
    width = len(preview.headers)
    book = Workbook(write_only=True)
    sheet = book.create_sheet((preview.sheet_name or default_title)[:31])
    for column in range(width + 1):
        sheet.column_dimensions[column_letter(column)].width = 60 if column == width else 16
    sheet.freeze_panes = f"A{preview.header_row + 1}"
    red, bold = PatternFill("solid", fgColor=ERROR_FILL), Font(bold=True)

    def cell(value: object, row: int, column: int, bold_font: bool = False) -> object:
        """A plain value where no styling is needed: a styled cell costs ~20 µs, a value almost nothing."""
        if value.__class__ is str:
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        messages = by_cell.get((row, column))
        if not (messages or bold_font or isinstance(value, dt.datetime)):
            return value
        made = WriteOnlyCell(sheet, value)
        if isinstance(value, dt.datetime):
            made.number_format = "yyyy-mm-dd"
        if bold_font:
            made.font = bold
        if messages:
            made.fill = red
            made.comment = Comment("\n".join(messages), "执法质量台账", width=300, height=120)
        return made

    hidden = {(r, c) for r0, c0, r1, c1 in preview.top_merges for r in range(r0, r1 + 1)
              for c in range(c0, c1 + 1) if (r, c) != (r0, c0)}  # under a merge: shown by its first cell
    control = control or JobControl()
    everything = sorted(preview.top_rows + preview.rows)
    last = 0
    for position, (number, values) in enumerate(everything):
        if position % CHUNK == 0:
            control.progress(position / len(everything), "正在生成错误清单…")
        for _ in range(number - last - 1):
            sheet.append([])
        header = number == preview.header_row
        cells = [None if (number, c) in hidden else cell(v, number, c, header) for c, v in enumerate(values)]
        if header:
            cells += [None] * (width - len(cells)) + [cell(ERROR_COLUMN, number, width, True)]
        elif number in row_errors:
            note = WriteOnlyCell(sheet, "；".join(e.text for e in row_errors[number]))
            note.fill, note.alignment = red, Alignment(wrap_text=True, vertical="top")
            cells += [None] * (width - len(cells)) + [note]
        sheet.append(cells)
        last = number
    for first_row, first_col, last_row, last_col in preview.top_merges:
        sheet.merged_cells.add(f"{column_letter(first_col)}{first_row}:{column_letter(last_col)}{last_row}")
    path = Path(path)
    with atomic_path(path) as temp:
        book.save(temp)
    return path
