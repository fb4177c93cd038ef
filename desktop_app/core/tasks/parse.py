"""Reading a task list file (任务分工方案) into a ParsedPlan: what the file is gets decided by its content
(a zip with word/ is a Word document, with xl/ a workbook, %PDF a PDF, anything else text), a Word
document may hold the tasks as paragraphs or as a table, and every failure is an AppError in Chinese
that names the file. The result holds names as written; matching them to the register is the caller's.
"""
from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from desktop_app.core.errors import AppError
from desktop_app.core.file_checks import OLE2_MAGIC, ole2_stream_names
from desktop_app.core.tasks.deadline import Deadline, parse_deadline
from desktop_app.core.tasks.model import ParsedPlan, ParsedSection, ParsedTask, ParseWarning
from desktop_app.core.tasks.paragraphs import parse_lines, parse_task_text
from desktop_app.core.tasks.table import find_header, parse_task_rows
from desktop_app.core.tasks.text_source import decode_text, read_bytes

__all__ = [
    "Deadline",
    "ParseWarning",
    "ParsedPlan",
    "ParsedSection",
    "ParsedTask",
    "parse_deadline",
    "parse_task_file",
    "parse_task_rows",
    "parse_task_text",
]

_SHEET_EXTS = {".xlsx", ".xlsm", ".xltx", ".xls", ".et"}
_WORD_EXTS = {".docx", ".docm", ".dotx", ".doc", ".wps"}


def parse_task_file(path: Path) -> ParsedPlan:
    path = Path(path)
    name = path.name
    head = read_bytes(path, 8192, head_only=True)
    if not head:
        raise AppError(_empty(name))
    kind = _kind(path, head)
    if kind == "pdf":
        raise AppError(f"文件“{name}”是 PDF 文件，无法直接读取。请在 WPS 中把它转为 Word 文档（.docx），"
                       "或把全部文字复制到记事本、保存为 .txt 后再导入。")
    if kind == "docx":
        plan = _from_docx(path)
    elif kind == "xlsx":
        plan = _from_sheet(path)
    else:
        text = decode_text(read_bytes(path))
        if text is None:
            raise AppError(f"文件“{name}”不是文本文件（可能是图片、压缩包或其他程序的文件），无法读取。"
                           "请选择 Word 文档（.docx）、Excel 表格（.xlsx）或文本文件（.txt）。")
        plan = _from_text(text, path)
    if not plan.tasks:
        raise AppError(f"在文件“{name}”中没有找到编号的任务（如“1. …”）。任务应逐条编号，或放在带"
                       "“序号”“重点任务”“责任单位”等列名的表格里。")
    return plan


def _empty(name: str) -> str:
    return f"文件“{name}”是空的，没有任何内容。请确认选择了正确的文件。"


def _kind(path: Path, head: bytes) -> str:
    """“docx”, “xlsx”, “pdf” or “text”, by content. Damaged or foreign Office files go to the reader their
    extension suggests, whose message explains what is wrong with them."""
    ext = path.suffix.lower()
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except Exception:  # damaged: let the reader say so
            names = []
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        return "xlsx" if ext in _SHEET_EXTS else "docx"
    if head.startswith(OLE2_MAGIC):
        streams = ole2_stream_names(path) or set()
        return "xlsx" if streams & {"Workbook", "Book"} or (not streams and ext in _SHEET_EXTS) else "docx"
    if head.startswith(b"%PDF"):
        return "pdf"
    if ext in _WORD_EXTS:
        return "docx"  # e.g. a web page saved as .doc: the reader names what it really is
    if ext in _SHEET_EXTS:
        return "xlsx"
    return "text"


def _from_docx(path: Path) -> ParsedPlan:
    from desktop_app.core.docx_reader import read_docx_paragraphs, read_docx_tables

    paragraphs = read_docx_paragraphs(path)
    if not any(p.strip() for p in paragraphs):
        raise AppError(_empty(path.name))
    text_plan = parse_lines(list(enumerate(paragraphs, 1)), path.name)
    rows = [row for table in read_docx_tables(path) for row in table]
    table_plan = parse_task_rows(rows, path.name) if rows else None
    if table_plan is not None and table_plan.tasks and len(table_plan.tasks) >= len(text_plan.tasks):
        table_plan.title = table_plan.title or text_plan.title  # the title is usually a paragraph above
        table_plan.doc_number = table_plan.doc_number or text_plan.doc_number
        return table_plan
    return text_plan


def _from_sheet(path: Path) -> ParsedPlan:
    from desktop_app.core.tabular import read_xlsx_rows

    rows = read_xlsx_rows(path)
    if not any(any(row) for row in rows):
        raise AppError(_empty(path.name))
    if find_header(rows) is not None:
        return parse_task_rows(rows, path.name)
    # No header: tasks typed down a column as paragraphs (“1. …”, “牵头单位：…” in the next row).
    return parse_lines([(i, " ".join(c for c in row if c)) for i, row in enumerate(rows, 1)], path.name)


def _from_text(text: str, path: Path) -> ParsedPlan:
    if not text.strip():
        raise AppError(_empty(path.name))
    delimiter = "," if path.suffix.lower() == ".csv" else "\t" if "\t" in text else None
    if delimiter:  # a CSV, or a table copied out of Excel/WPS and pasted into Notepad
        try:
            rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        except csv.Error:  # a field over csv's size limit and the like: read it as paragraphs
            rows = []
        if find_header(rows) is not None:
            table = parse_task_rows(rows, path.name)
            if table.tasks:
                return table
    return parse_task_text(text, path.name)
