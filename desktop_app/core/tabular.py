"""Reading a sheet of an .xlsx into rows of text, with Chinese messages for files that cannot be read.

What a file is gets decided by its content (file_checks.check_zip_container), so an .xls, an .et, an
encrypted workbook, a CSV renamed to .xlsx, a truncated download or a zip bomb is turned away with a
message that names the file before openpyxl sees it. Every other failure while reading is an AppError
too: callers never see a traceback.
"""
from __future__ import annotations

import datetime as dt
import warnings
import zipfile
from pathlib import Path

from desktop_app.core.errors import AppError
from desktop_app.core.file_checks import check_zip_container, damaged_message, kind_of

MAX_ROWS = 200_000
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
BLANK_RUN_CHECK = 1000  # after this many blank rows in a row, look ahead for the last row with values
_EXACT_DIGITS = 1e15  # Excel keeps 15 significant digits; integral floats from here on are shown as Excel does


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _EXACT_DIGITS:
            return str(int(value))
        # As Excel shows a number: 15 significant digits, so 0.1+0.2 is “0.3” and an 18-digit ID that
        # Excel stored as a number is “6.40303198503151E+17” (its last digits are lost; validators say so).
        return format(value, ".15g").replace("e", "E")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def read_xlsx_rows(path: Path) -> list[list[str]]:
    """All rows of the first sheet as text, up to the last row that has a value: row i of the result
    is sheet row i + 1 (blank rows in between are kept as empty lists or lists of ""), so callers can
    enumerate for row numbers. Trailing blank (formatted) rows are dropped. An empty sheet gives []."""
    path = Path(path)
    kind = kind_of(".xlsx")
    check_zip_container(path, "xl/workbook.xml", ".xlsx")
    try:
        from openpyxl import load_workbook  # imported here: ~0.25 s, not needed at start-up

        with open(path, "rb") as handle, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles, extensions, bad dates
            # A file object, not the path: openpyxl refuses paths whose extension is not .xlsx/.xlsm,
            # and the content has already been checked.
            workbook = load_workbook(handle, read_only=True, data_only=True, keep_links=False)
            try:
                return _read_first_sheet(path, workbook)
            finally:
                workbook.close()
    except AppError:
        raise
    except MemoryError:
        raise AppError(f"文件“{path.name}”太大，内存不足，无法读取。请拆分后再导入。") from None
    except Exception as exc:  # openpyxl, zipfile and the XML parser raise many kinds on damaged files
        raise AppError(damaged_message(path.name, kind, type(exc).__name__)) from None


def _read_first_sheet(path: Path, workbook) -> list[list[str]]:
    if not workbook.worksheets:
        raise AppError(f"文件“{path.name}”里没有工作表（只有图表页或工作表全部缺失）。")
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()  # never pad rows to a <dimension> the file merely claims (A1:XFD1048576)
    rows: list[list[str]] = []
    blank_run = 0
    stop_after: int | None = None  # sheet row after which no cell has a value (found on demand)
    for values in sheet.iter_rows(values_only=True):
        number = len(rows) + 1
        row = []
        for column, value in enumerate(values):
            if value.__class__ is str and len(value) > MAX_CELL_CHARS:
                raise AppError(_too_long_message(path.name, number, column, len(value)))
            row.append(cell_text(value))
        rows.append(row)
        if any(row):
            blank_run = 0
        else:
            blank_run += 1
            if blank_run == BLANK_RUN_CHECK and stop_after is None:
                # Formatted-but-empty rows, often to row 1,048,576: openpyxl would yield every one of
                # them slowly. One quick pass over the sheet's XML finds the last row with a value.
                stop_after = _last_row_with_values(path, getattr(sheet, "_worksheet_path", ""))
        if stop_after is not None and number >= stop_after:
            break
        if len(rows) > MAX_ROWS:
            raise AppError(f"文件“{path.name}”超过 {MAX_ROWS} 行，请拆分后导入。")
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def _too_long_message(name: str, number: int, column: int, length: int) -> str:
    return (f"文件“{name}”第 {number} 行 {column_letter(column)} 列的内容过长（超过 {MAX_CELL_CHARS} 个字符），"
            f"共 {length} 个字符，超出了 Excel 单元格的上限，可能是误粘贴了大段内容。请检查该单元格后再导入。")


def _last_row_with_values(path: Path, member: str) -> int | None:
    """The number of the last <row> holding a <v> or <is> (a value or an inline string) in the sheet
    XML `member`, read with expat in one streaming pass; None if that cannot be determined."""
    import xml.parsers.expat

    if not member:
        return None
    last = 0
    current = 0

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal last, current
        local = tag.rpartition(":")[2]  # no namespace processing: “row” or “x:row”
        if local == "row":
            number = attrs.get("r", "")
            current = int(number) if number.isdigit() and len(number) < 10 else current + 1
        elif local == "v" or local == "is":
            last = current

    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = start
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member.lstrip("/")) as source:
            while chunk := source.read(1 << 20):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except Exception:  # damaged XML: let openpyxl run into it and report it
        return None
    return last


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (for messages that name the column as Excel shows it)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
