"""Reading the text of a .docx (for the task-list importer), with Chinese messages for files that cannot
be read: the same content checks and zip-bomb guard as for .xlsx (file_checks), python-docx imported
only when a document is read, and every failure an AppError that names the file.

Text is taken from the XML rather than from python-docx's Paragraph.text, so that however Word split a
paragraph into runs, and whether the text sits in a hyperlink, a field result, a content control, a
tracked insertion or a text box, it reads as one paragraph; deleted text and field codes are left out.
"""
from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

from desktop_app.core.errors import AppError
from desktop_app.core.file_checks import check_zip_container, damaged_message, kind_of

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
P, TBL, TR, TC = _W + "p", _W + "tbl", _W + "tr", _W + "tc"
SDT, SDT_CONTENT, CUSTOM_XML = _W + "sdt", _W + "sdtContent", _W + "customXml"
TXBX = _W + "txbxContent"
# Inside a paragraph: not text, or text that is not shown (deleted, moved away, field codes).
_SKIP_IN_PARAGRAPH = {_W + "pPr", _W + "rPr", _W + "del", _W + "moveFrom", _W + "instrText",
                      _W + "delText", _W + "delInstrText", _MC_FALLBACK}
_MAX_SPAN = 64  # Word allows 63 columns; a larger gridSpan/gridBefore is damage, not layout


def read_docx_paragraphs(path: Path) -> list[str]:
    """Every paragraph's text in document order, the paragraphs inside tables (row by row, cell by
    cell, nested tables included) and text boxes in their place. Empty paragraphs are kept as ""."""
    path = Path(path)
    body = _open_body(path)
    return _guarded(path, lambda: list(_block_paragraphs(body)))


def read_docx_tables(path: Path) -> list[list[list[str]]]:
    """The document's tables (top level, in order) as rows of cell texts. A cell's paragraphs are
    joined with "\\n" (a table nested in a cell is part of that cell's text). Rows are aligned to the
    table grid and padded with "" to the widest row: a cell merged across columns gives its text to each
    column it spans, and a cell merged downwards gives its text to each row it spans."""
    path = Path(path)
    body = _open_body(path)
    return _guarded(path, lambda: [_table_grid(t) for t in _top_tables(body)])


def _open_body(path: Path):
    kind = kind_of(".docx")
    check_zip_container(path, "word/document.xml", ".docx")
    try:
        import docx  # python-docx, ~0.2 s: only when a document is read

        with open(path, "rb") as handle, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            document = docx.Document(handle)
        return document.element.body
    except MemoryError:
        raise AppError(f"文件“{path.name}”太大，内存不足，无法读取。") from None
    except ValueError as exc:
        if "not a Word file" in str(exc):  # a template (.dotx) or macro document (.docm) renamed .docx
            raise AppError(f"文件“{path.name}”不是普通的 Word 文档（可能是模板或启用宏的文档），请在 Word/WPS "
                           "中打开它，“另存为” .docx 后再导入。") from None
        raise AppError(damaged_message(path.name, kind, type(exc).__name__)) from None
    except Exception as exc:  # zipfile, lxml and python-docx raise many kinds on damaged files
        if "huge text node" in str(exc).lower():
            raise AppError(f"文件“{path.name}”中有一段文字过长（超过 1000 万个字符），不像正常的文档，"
                           "已拒绝读取。") from None
        raise AppError(damaged_message(path.name, kind, type(exc).__name__)) from None


def _guarded(path: Path, read):
    try:
        return read()
    except AppError:
        raise
    except Exception as exc:
        raise AppError(damaged_message(path.name, kind_of(".docx"), type(exc).__name__)) from None


def _block_paragraphs(container) -> Iterator[str]:
    """Paragraph texts of a block container: the body, a table cell, a content control, a text box."""
    for child in container:
        tag = child.tag
        if tag == P:
            boxes: list = []
            yield _paragraph_text(child, boxes)
            for box in boxes:
                yield from _block_paragraphs(box)
        elif tag == TBL:
            for row in _children(child, TR):
                for cell in _children(row, TC):
                    yield from _block_paragraphs(cell)
        elif tag == SDT:
            for content in _children(child, SDT_CONTENT):
                yield from _block_paragraphs(content)
        elif tag == CUSTOM_XML:
            yield from _block_paragraphs(child)


def _children(element, tag: str) -> Iterator:
    """Children with `tag`, looking through content controls and custom XML wrapped around them."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag == SDT:
            for content in _children(child, SDT_CONTENT):
                yield from _children(content, tag)
        elif child.tag == CUSTOM_XML:
            yield from _children(child, tag)


def _paragraph_text(paragraph, boxes: list) -> str:
    parts: list[str] = []

    def walk(element) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP_IN_PARAGRAPH:
                continue  # comments and processing instructions have a function as tag
            if tag == _W + "t":
                parts.append(child.text or "")
            elif tag in (_W + "tab", _W + "ptab"):
                parts.append("\t")
            elif tag == _W + "br":
                if child.get(_W + "type", "textWrapping") == "textWrapping":
                    parts.append("\n")
            elif tag == _W + "cr":
                parts.append("\n")
            elif tag == _W + "noBreakHyphen":
                parts.append("-")
            elif tag == TXBX:
                boxes.append(child)  # its paragraphs follow this one
            else:
                walk(child)

    walk(paragraph)
    return "".join(parts)


def _top_tables(container) -> Iterator:
    for child in container:
        if child.tag == TBL:
            yield child
        elif child.tag == SDT:
            for content in _children(child, SDT_CONTENT):
                yield from _top_tables(content)
        elif child.tag == CUSTOM_XML:
            yield from _top_tables(child)


def _int_val(element, path: str, default: int) -> int:
    found = element.find(path)
    if found is None:
        return default
    try:
        return max(0, min(int(found.get(_W + "val", default)), _MAX_SPAN))
    except (TypeError, ValueError):
        return default


def _table_grid(table) -> list[list[str]]:
    grid: list[list[str]] = []
    for row in _children(table, TR):
        cells = [""] * _int_val(row, f"{_W}trPr/{_W}gridBefore", 0)
        for cell in _children(row, TC):
            span = max(1, _int_val(cell, f"{_W}tcPr/{_W}gridSpan", 1))
            merge = cell.find(f"{_W}tcPr/{_W}vMerge")
            column = len(cells)
            if merge is not None and merge.get(_W + "val", "continue") == "continue" and grid:
                above = grid[-1]
                text = above[column] if column < len(above) else ""
            else:
                text = "\n".join(_block_paragraphs(cell)).strip()
            cells.extend([text] * span)
        grid.append(cells)
    width = max((len(r) for r in grid), default=0)
    return [r + [""] * (width - len(r)) for r in grid]
