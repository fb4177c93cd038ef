"""Reading a sheet of an .xlsx into rows of text, with Chinese messages for files that cannot be read."""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from desktop_app.core.errors import AppError

MAX_ROWS = 200_000


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def read_xlsx_rows(path: Path) -> list[list[str]]:
    """All non-empty rows of the first sheet as text (row numbers are kept by the caller's enumerate)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xls", ".et"):
        raise AppError(f"文件“{path.name}”是旧版 Excel/WPS 格式（{suffix}），请在 Excel 或 WPS 中“另存为”"
                       ".xlsx 后再导入。")
    if not zipfile.is_zipfile(path):
        raise AppError(f"文件“{path.name}”不是有效的 .xlsx 文件（可能已损坏、被加密，或只是改了扩展名）。")
    from openpyxl import load_workbook  # imported here: ~0.25 s, not needed at start-up

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise AppError(f"无法读取文件“{path.name}”：文件已损坏或格式不受支持（{type(exc).__name__}）。") from exc
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        blank_run = 0
        for values in sheet.iter_rows(values_only=True):
            row = [cell_text(v) for v in values]
            rows.append(row)
            blank_run = blank_run + 1 if not any(row) else 0
            if blank_run > 1000:  # formatted-but-empty rows to the sheet's end
                break
            if len(rows) > MAX_ROWS:
                raise AppError(f"文件“{path.name}”超过 {MAX_ROWS} 行，请拆分后导入。")
        while rows and not any(rows[-1]):
            rows.pop()
        return rows
    finally:
        workbook.close()


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (for messages that name the column as Excel shows it)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
