"""The look every .xlsx ledger shares, as an office sends it upward: a title merged over the table, a
filled bold header, thin borders, set widths, wrapped text with row heights given (Excel and WPS do not
grow a row for wrapped text in a generated file), frozen header, autofilter, A4 landscape fitted to the
width with the header repeated on every page, a page footer, and the creator property naming the
version. openpyxl is imported inside the functions (start-up stays light).

Speed: a cell format is built once per workbook (`CellFormats`) and the same format object is given to
every cell that uses it; assigning border/alignment/fill cell by cell costs about 20 µs per cell (10 s for
20,000 rows × 24 columns). Shared formats must never be changed through a cell (`cell.fill = …` would
change every cell sharing it): ask `CellFormats.get` for another one instead. Large lists use a
write-only workbook, which streams rows to the file as they are added; there a row of plain values (text,
numbers, blanks) is written as one piece of XML made here instead of a cell object and an XML element per
cell (openpyxl's way, about 20 µs a cell): 20,000 officers × 24 columns in about a third of the time, close
to what openpyxl takes to write the bare values with no look at all (benchmarks/upward.py).
"""
from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from desktop_app.core.files import atomic_path

LINE_HEIGHT = 15.0  # points per line of 11 pt text
HEADER_FILL = "D9E1F2"
BORDER_COLOUR = "808080"
TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.0%"


def line_count(text: object, width: float) -> int:
    """Lines a text needs in a column `width` characters wide (a Chinese character is two wide)."""
    return _line_count(str(text or ""), max(1, int(width) - 1))


@functools.lru_cache(maxsize=8192)  # a long list repeats its unit names, posts, issuers and warnings
def _line_count(text: str, per_line: int) -> int:
    total = 0
    for line in text.split("\n"):
        units = len(line) + sum(1 for ch in line if ord(ch) > 0x2E80)
        total += max(1, -(-units // per_line))
    return max(1, min(20, total))


def row_height(cells: Iterable[tuple[object, float]]) -> float:
    """Height for a row whose wrapped cells are (text, column width) pairs."""
    return LINE_HEIGHT * max((line_count(text, width) for text, width in cells), default=1)


class CellFormats:
    """Cell formats made once per workbook and shared by the cells that use them (see the module note).

    Threading: belongs to the thread building the workbook."""

    def __init__(self, book: Any) -> None:
        from openpyxl.cell.cell import Cell
        from openpyxl.styles import Border, Side

        self._scratch = Cell(book.worksheets[0])  # placed in no sheet: only resolves formats to ids
        thin = Side(style="thin", color=BORDER_COLOUR)
        self._border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self._made: dict[tuple, Any] = {}

    def get(self, *, horizontal: str | None = None, vertical: str = "top", wrap: bool = True,
            number_format: str | None = None, fill: str | None = None, bold: bool = False,
            border: bool = True, size: float | None = None, font_name: str | None = None) -> Any:
        key = (horizontal, vertical, wrap, number_format, fill, bold, border, size, font_name)
        if key not in self._made:
            from openpyxl.styles import Alignment, Font, PatternFill
            from openpyxl.styles.cell_style import StyleArray

            cell = self._scratch
            cell._style = StyleArray()
            if border:
                cell.border = self._border
            cell.alignment = Alignment(horizontal=horizontal, vertical=vertical, wrap_text=wrap)
            if number_format:
                cell.number_format = number_format
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
            if bold or size or font_name:
                cell.font = Font(name=font_name, size=size, bold=bold)
            self._made[key] = cell._style
        return self._made[key]


def new_workbook(first_sheet_title: str, write_only: bool = False) -> Any:
    """A workbook whose first sheet is called `first_sheet_title`. write_only streams rows to disk as
    they are added (large lists): everything about a sheet must then be set before its rows."""
    from openpyxl import Workbook

    book = Workbook(write_only=write_only)
    if write_only:
        book.create_sheet(first_sheet_title)
    else:
        book.active.title = first_sheet_title
    return book


class LedgerSheet:
    """One table in the ledger look: title (row 1), header (row 2), then rows added one by one.

    Works on normal and write-only workbooks alike, so what a write-only sheet writes ahead of its rows
    (widths, frozen panes, fit-to-page) is set here before the title, and each row's height before it. Threading: belongs to the thread building the workbook."""

    def __init__(self, book: Any, sheet: Any, title: str, headers: list[str], widths: list[float],
                 formats: CellFormats | None = None) -> None:
        from openpyxl.utils import get_column_letter

        self.book, self.sheet, self.headers, self.widths = book, sheet, headers, widths
        self.formats = formats or CellFormats(book)
        self.write_only = not hasattr(sheet, "merge_cells")
        self._pending: list[Any] = []
        # Fast path: openpyxl turns each appended row into cells in `_values_to_row`; handing it styled cells
        # instead costs a failed conversion per cell (about a quarter of the time), so the sheet makes its
        # cells here. If a later openpyxl drops that hook, rows go through the public path below.
        self._fast = self.write_only and hasattr(type(sheet), "_values_to_row")
        if self._fast:
            sheet._values_to_row = self._styled_cells
        # Faster still: the row as XML (see _row_xml), handed to the sheet's writer in place of its cells.
        self._xml = self._fast and _XML_ROWS and hasattr(sheet, "_get_writer")
        self._style_ids: dict[int, tuple[Any, str]] = {}
        self._row_sids: dict[tuple, list[str]] = {}  # a row's formats (by identity) → their ids
        self._dated: dict[int, bool] = {}  # format → shows a date as it is (it has a date number format)
        self._texts: dict[str, str] = {}  # text → its <t> (a long list repeats most of its texts)
        self._letters = [get_column_letter(column) for column in range(1, len(headers) + 1)]
        self.last_row = 0
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
        sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = "9"  # A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True  # written with the sheet's first row
        title_format = self.formats.get(horizontal="center", vertical="center", border=False, size=16,
                                        font_name="黑体")
        self.add([title], [title_format], 32)
        self._merge(TITLE_ROW)
        header_format = self.formats.get(horizontal="center", vertical="center", fill=HEADER_FILL, bold=True)
        self.add(headers, [header_format] * len(headers), row_height(zip(headers, widths)))

    def add(self, values: list, formats: list[Any], height: float | None = None) -> int:
        """Append one row with one format per value; returns its row number."""
        row = self.last_row + 1
        if self._xml:
            if self.sheet._writer is None:
                self._hook_writer()
            self.sheet.append(_RowXml((self._row_xml(values, formats, row, height),)))
            self.last_row = row
            return row
        if height is not None:
            self.sheet.row_dimensions[row].height = height
        if self.write_only:
            self._pending = formats
            self.sheet.append(values if self._fast else list(self._styled_cells(values, row)))
        else:
            self.sheet.append(values)
            for column, fmt in enumerate(formats[:len(values)], start=1):
                self.sheet.cell(row, column)._style = fmt
        self.last_row = row
        return row

    def _hook_writer(self) -> None:
        """Start the sheet's writer (what its first append does: widths, panes… are all set by now) and
        let rows made by _row_xml through it as they are."""
        sheet = self.sheet
        sheet._get_writer()
        writer = sheet._writer
        to_cells, write_row = sheet._values_to_row, writer.write_row

        def values_to_row(values, row_idx):
            return values if type(values) is _RowXml else to_cells(values, row_idx)

        def write_xml_row(xf, row, row_idx):
            if type(row) is _RowXml:
                xf.write(_parse_row(row[0]))
            else:
                write_row(xf, row, row_idx)

        sheet._values_to_row, writer.write_row = values_to_row, write_xml_row

    def _style_id(self, fmt: Any) -> str:
        """The workbook's id of a shared format, as text (the formats are held, so their ids stay theirs)."""
        known = self._style_ids.get(id(fmt))
        if known is None or known[0] is not fmt:
            known = self._style_ids[id(fmt)] = (fmt, str(self.book._cell_styles.add(fmt)))
        return known[1]

    def _row_xml(self, values: list, formats: list[Any], row: int, height: float | None) -> str:
        """`<row>` with its cells as openpyxl writes them (inline strings, numbers, dates as serial numbers,
        blank styled cells); any other value (datetimes, decimals, a date where the column has no date format
        …) goes through an openpyxl cell for its type and format."""
        parts = [f'<row r="{row}" ht="{height:.16g}" customHeight="1">' if height is not None else f'<row r="{row}">']
        letters, texts = self._letters, self._texts
        if len(letters) < len(values):
            from openpyxl.utils import get_column_letter

            letters += [get_column_letter(n) for n in range(len(letters) + 1, len(values) + 1)]
        key = tuple(map(id, formats))
        sids = self._row_sids.get(key)
        if sids is None:  # the formats are held by _style_ids, so their ids in the key stay theirs
            sids = self._row_sids[key] = [self._style_id(fmt) for fmt in formats]
        for column, (value, sid) in enumerate(zip(values, sids)):
            kind = type(value)
            ref = f'{letters[column]}{row}" s="{sid}' if sid != "0" else f"{letters[column]}{row}"
            if kind is str:
                if value:
                    text = texts.get(value)
                    if text is None:
                        text = _text(value)
                        if len(texts) < 100_000:
                            texts[value] = text
                    parts.append(f'<c r="{ref}" t="inlineStr"><is>{text}</is></c>')
                elif sid != "0":
                    parts.append(f'<c r="{ref}" t="inlineStr"/>')
            elif kind is int or (kind is float and math.isfinite(value)):
                parts.append(f'<c r="{ref}" t="n"><v>{value:.16g}</v></c>' if kind is float
                             else f'<c r="{ref}" t="n"><v>{value}</v></c>')
            elif value is None:
                if sid != "0":
                    parts.append(f'<c r="{ref}" t="n"/>')
            elif kind is dt.date and self._shows_dates(formats[column]):
                days = (value - _EXCEL_DAY_ZERO).days  # openpyxl's to_excel, for a date on the 1900 system
                parts.append(f'<c r="{ref}" t="n"><v>{days - 1 if 0 < days <= 60 else days}</v></c>')
            else:
                parts.append(self._other_cell_xml(value, formats[column], column + 1, row))
        parts.append("</row>")
        return "".join(parts)

    def _shows_dates(self, fmt: Any) -> bool:
        """Whether a date goes into a cell of this format as it is: the book counts days from 1900 and the
        format has a date number format (else openpyxl gives the cell one: _other_cell_xml)."""
        known = self._dated.get(id(fmt))
        if known is None:
            from openpyxl.cell import WriteOnlyCell
            from openpyxl.utils.datetime import WINDOWS_EPOCH

            probe = WriteOnlyCell(self.sheet)
            probe._style = type(fmt)(fmt)  # a copy: binding a date may change the probe's format
            probe.value = dt.date(2000, 1, 1)
            known = (probe._style == fmt and self.book.epoch == WINDOWS_EPOCH
                     and not getattr(self.book, "iso_dates", False))
            self._style_id(fmt)  # holds fmt, so its id stays its own
            self._dated[id(fmt)] = known
        return known

    def _other_cell_xml(self, value: Any, fmt: Any, column: int, row: int) -> str:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell._writer import _set_attributes
        from openpyxl.compat import safe_string

        cell = WriteOnlyCell(self.sheet, value)  # its type, and a date format where the column has none
        cell._style = fmt
        cell.column, cell.row = column, row
        if cell.data_type == "s":  # str subclasses
            styled = f' s="{cell.style_id}"' if cell.has_style else ""
            return f'<c r="{cell.coordinate}"{styled} t="inlineStr"><is>{_text(str(value))}</is></c>'
        written, attributes = _set_attributes(cell, cell.has_style)
        attributes_text = "".join(f' {name}="{_escape(str(text))}"' for name, text in attributes.items())
        if written is None or written == "":
            return f"<c{attributes_text}/>"
        return f"<c{attributes_text}><v>{_escape(safe_string(written))}</v></c>"

    def _styled_cells(self, values: list, row: int):
        from openpyxl.cell import WriteOnlyCell

        for column, (value, fmt) in enumerate(zip(values, self._pending), start=1):
            cell = WriteOnlyCell(self.sheet, value)
            cell._style = fmt
            cell.column, cell.row = column, row
            yield cell

    def note(self, text: str) -> int:
        """A 说明 line under the table (outside the autofilter range), merged over its width."""
        fmt = self.formats.get(border=False)
        row = self.add([text], [fmt], row_height([(text, sum(self.widths))]))
        self._merge(row)
        return row

    def _merge(self, row: int) -> None:
        from openpyxl.utils import get_column_letter

        cells = f"A{row}:{get_column_letter(len(self.headers))}{row}"
        if self.write_only:
            self.sheet.merged_cells.add(cells)
        else:
            self.sheet.merge_cells(cells)

    def finish(self, footer_note: str = "", last_table_row: int | None = None) -> None:
        """Autofilter over the table and the page footer; call after the last table row. (Print setup —
        A4 landscape, fitted to the width, header on every page — is made with the sheet.)"""
        from openpyxl.utils import get_column_letter

        sheet = self.sheet
        last = max(last_table_row or self.last_row, HEADER_ROW)
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(self.headers))}{last}"
        sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
        if footer_note:
            sheet.oddFooter.left.text = footer_note


_EXCEL_DAY_ZERO = dt.date(1899, 12, 30)


class _RowXml(tuple):
    """One row already made into XML, passed through the write-only sheet's append (which takes tuples)."""


_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")  # what openpyxl refuses in a cell


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _text(value: str) -> str:
    """`<t>` of an inline string: at most 32,767 characters as Excel allows, control characters Excel cannot
    store left out, spaces at either end kept."""
    value = value[:32767]
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return f'<t xml:space="preserve">{text}</t>' if value != value.strip() else f"<t>{text}</t>"


def _xml_rows_supported() -> bool:
    try:
        from openpyxl import LXML
    except ImportError:
        return False
    return bool(LXML)


_XML_ROWS = _xml_rows_supported()


def _parse_row(xml: str) -> Any:
    from lxml.etree import fromstring

    return fromstring(xml)


def save_workbook(book: Any, path: Path) -> Path:
    """Stamp the creator with the version and write atomically (a file open in Excel → 文件被占用)."""
    from desktop_app import __version__

    book.properties.creator = f"执法质量台账 {__version__}"
    with atomic_path(Path(path)) as temp:
        book.save(temp)
    return Path(path)
