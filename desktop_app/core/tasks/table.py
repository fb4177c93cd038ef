"""The table layout of a task list (a Word table or a sheet): a header row found by its words, columns
in any order, an optional merged title row above it and merged section rows between the tasks.

Merged cells arrive in two shapes: a Word table repeats the text in every cell it spans (read_docx_tables)
and a sheet leaves the other cells empty (read_xlsx_rows). Either way a section row is a row without a
task number whose non-empty cells all hold the same text. A task split over several rows (the task cell
merged downwards, one row per unit) is read as one task.
"""
from __future__ import annotations

import re
import unicodedata

from desktop_app.core.tasks.common import DOC_NUMBER, TaskDraft, finish_task, heading_title, split_heading
from desktop_app.core.tasks.model import ParsedPlan, ParsedSection, ParseWarning

HEADER_ROWS = 10  # the header is looked for in this many rows
# Column words → field; a header cell matches a word it equals or starts with (“完成时限（截止时间）”).
COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号", "序"),
    "content": ("重点任务", "工作任务", "任务内容", "主要任务", "具体任务", "工作内容", "任务事项",
                "工作事项", "重点工作", "主要内容", "任务名称", "具体工作", "任务"),
    "lead": ("牵头单位", "牵头部门", "牵头责任单位", "牵头机构"),
    "responsible": ("责任单位", "责任部门", "主要责任单位", "主责单位", "承办单位"),
    "cooperating": ("配合单位", "配合部门", "协同单位", "协同责任单位", "协办单位", "协作单位", "参与单位"),
    "deadline": ("完成时限", "时间要求", "完成时间", "时限", "完成期限", "时间节点"),
    "leaders": ("牵头负责领导", "责任领导", "分管领导", "牵头领导", "负责领导", "责任人"),
}
# Used for the task text only when no column above is the task: “具体措施” next to “重点任务” is detail.
CONTENT_FALLBACK = ("工作措施", "具体措施", "任务措施", "主要措施", "工作举措")
_WORD_FIELD = sorted(((w, f) for f, ws in COLUMNS.items() for w in ws), key=lambda p: -len(p[0]))
_NUMBER = re.compile(r"^(\d{1,4})(?:\s*[.、．])?$")
_SPACE = re.compile(r"\s+")


def _header_key(cell: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", cell)).strip("*＊:：")


def header_columns(row: list[str]) -> dict[str, int] | None:
    """field → column if `row` is a header row: it names a task column and at least one more."""
    columns: dict[str, int] = {}
    fallback = None
    for column, cell in enumerate(row):
        key = _header_key(cell)
        if not key or len(key) > 20:
            continue
        field = next((f for w, f in _WORD_FIELD if key.startswith(w)), None)
        if field and field not in columns:
            columns[field] = column
        elif field is None and fallback is None and key.startswith(CONTENT_FALLBACK):
            fallback = column
    if "content" not in columns and fallback is not None:
        columns["content"] = fallback
    return columns if "content" in columns and len(columns) >= 2 else None


def find_header(rows: list[list[str]]) -> tuple[int, dict[str, int]] | None:
    """(row index, field → column) of the header among the first HEADER_ROWS rows."""
    for index, row in enumerate(rows[:HEADER_ROWS]):
        columns = header_columns(row)
        if columns:
            return index, columns
    return None


def parse_task_rows(rows: list[list[str]], source: str = "") -> ParsedPlan:
    rows = [[str(c or "").strip() for c in row] for row in rows]
    plan = ParsedPlan("", "", source)
    found = find_header(rows)
    if found is None:
        return plan
    start, columns = found
    for row in rows[:start]:
        for cell in (c for c in row if c):
            if DOC_NUMBER.match(cell):
                plan.doc_number = plan.doc_number or _SPACE.sub("", cell)
            elif not plan.title:
                plan.title = heading_title(cell.replace("\n", ""))
    section: ParsedSection | None = None
    drafts: list[TaskDraft] = []
    used_sections: list[ParsedSection] = []

    def cell(row: list[str], field: str) -> str:
        column = columns.get(field)
        return row[column] if column is not None and column < len(row) else ""

    for index in range(start + 1, len(rows)):
        row, line = rows[index], index + 1
        filled = [c for c in row if c]
        if not filled:
            continue
        number_match = _NUMBER.match(_header_key(cell(row, "number")))
        again = None if number_match else header_columns(row)
        if again:  # the header repeated on a new page, or the next table's own header
            columns = again
            continue
        content = cell(row, "content")
        if not number_match and _is_section_row(row, filled, columns):
            text = filled[0].replace("\n", "")
            number, title = split_heading(text) or ("", heading_title(text))
            section = ParsedSection(number, title)
            continue
        previous = drafts[-1] if drafts else None
        number = str(int(number_match.group(1))) if number_match else ""
        if previous and (not content or content == previous.content) and number in ("", previous.number):
            _add_values(previous, row, cell)  # the rest of a task merged over several rows
            continue
        if not content:
            if any(cell(row, f) for f in COLUMNS if f not in ("number", "content")):
                plan.warnings.append(ParseWarning(number or None, f"第 {line} 行没有任务内容，已跳过"))
            continue
        if not number:
            number = str(int(previous.number) + 1 if previous and previous.number.isdigit() else len(drafts) + 1)
            if "number" in columns:
                plan.warnings.append(ParseWarning(number, f"第 {line} 行没有序号，已按顺序编为 {number}"))
        draft = TaskDraft(number, line, section.title if section else "", content)
        _add_values(draft, row, cell)
        drafts.append(draft)
        if section and section not in used_sections:
            used_sections.append(section)
    plan.sections = used_sections
    for draft in drafts:
        task, warnings = finish_task(draft)
        plan.tasks.append(task)
        plan.warnings.extend(warnings)
    return plan


def _is_section_row(row: list[str], filled: list[str], columns: dict[str, int]) -> bool:
    """All non-empty cells hold the same text (Word repeats a merged cell's text), or the only one is the
    first cell (where a sheet keeps a merged cell's text), the task cell, or reads like a heading. A lone
    unit or deadline further right is the rest of the task above, its task cell merged downwards."""
    if len(set(filled)) != 1:
        return False
    if len(filled) > 1:
        return True
    column = next(i for i, c in enumerate(row) if c)
    return column in (0, columns.get("content")) or split_heading(filled[0]) is not None


def _add_values(draft: TaskDraft, row: list[str], cell) -> None:
    for field in ("lead", "responsible", "cooperating", "leaders", "deadline"):
        value = cell(row, field)
        known = draft.values.get(field)
        if value and not (known and known[-1] == value):  # Word repeats a merged cell's text
            draft.add(field, value)
