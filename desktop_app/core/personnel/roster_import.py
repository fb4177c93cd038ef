"""Importing a 人员名册 (.xlsx) sent in by the units: read → map columns → validate every cell → commit.

    preview = load_roster_file(path)       # the first sheet with a recognisable header, raw cell values
    preview.apply_mapping({...})           # optional: the clerk corrects the guessed column mapping
    validate(preview)                      # every row: 新增 / 更新 / 无变化 / 错误, errors per cell
    commit_roster(preview)                 # one transaction, after a backup; or write_error_workbook(...)

A row whose 身份证号 is on the roster updates that officer (blank cells keep what is stored); a new one
is registered. 20,000 rows must go through all three steps in a few seconds, so the workbook is streamed
with expat rather than openpyxl (which alone needs ~3 s for 20,000 rows), the checks use lookups loaded
once, and the commit writes with executemany inside a single transaction with one audit entry.
"""
from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
import sqlite3
import xml.etree.ElementTree as ET
import xml.parsers.expat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import peewee

from desktop_app.core import audit, name_index
from desktop_app.core.dates import parse_date
from desktop_app.core.db import db
from desktop_app.core.errors import AppError, ValidationError
from desktop_app.core.file_checks import check_zip_container, damaged_message, kind_of
from desktop_app.core.id_card import id_check_character, normalise_id_number
from desktop_app.core.jobs import Cancelled, JobControl
from desktop_app.core.models import Certificate, ColumnMapping, Officer, now
from desktop_app.core.personnel.officers import (
    FIELD_LABELS,
    OfficerErrors,
    OfficerInput,
    OfficerLookups,
    clean_officer,
)
from desktop_app.core.personnel.roster_columns import (
    FIELD_BY_KEY,
    FLAG_FIELDS,
    LABELS,
    MIN_HEADER_FIELDS,
    field_for_header,
    guess_mapping,
    mapping_problems,
    parse_birth,
    parse_flag,
    source_key,
    split_validity,
)
from desktop_app.core.tabular import MAX_CELL_CHARS, MAX_ROWS, cell_text, column_letter
from desktop_app.core.text_norm import clean_display, match_key

MAPPING_KIND = "roster"
NEW, UPDATED, UNCHANGED, ERROR = "新增", "更新", "无变化", "错误"
HEADER_SEARCH_ROWS = 20
MAX_COLUMNS = 256
CHUNK = 2000  # rows between progress reports / executemany batches
CARD_REASON = "登记已有证件（名册导入）"

# ============================================================================== reading the workbook

# Built-in number formats that show a date (14–22; 27–36 and 50–58 are the zh-CN 年月日 formats).
_BUILTIN_DATES = frozenset(range(14, 23)) | frozenset(range(27, 37)) | frozenset(range(50, 59))
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_XML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_MAX_SERIAL = 2958465  # 9999-12-31


@dataclass
class SheetData:
    name: str
    rows: dict[int, list]  # sheet row number → cell values by column index (None when blank)
    merges: list[tuple[int, int, int, int]]  # (first row, first column, last row, last column)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2].rpartition(":")[2]


def _is_date_format(code: str) -> bool:
    return re.search(r"[dmyhsDMYHS]", _FORMAT_LITERALS.sub("", code.split(";")[0])) is not None


def _serial_to_datetime(number: float, date1904: bool) -> dt.datetime | float:
    """A date-formatted number as the datetime Excel shows; implausible serials stay numbers so that
    parse_date reports them."""
    if number < 1 or number > _MAX_SERIAL or (number == 60 and not date1904):
        return number
    if date1904:
        return dt.datetime(1904, 1, 1) + dt.timedelta(days=number)
    # serials below 61 precede Excel's phantom 1900-02-29
    return dt.datetime(1899, 12, 31 if number < 60 else 30) + dt.timedelta(days=number)


def _unescape(text: str) -> str:
    return _XML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _ref_bounds(ref: str) -> tuple[int, int, int, int] | None:
    match = re.fullmatch(r"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?", ref.strip().upper())
    if not match:
        return None
    first_col, first_row, last_col, last_row = match.groups()
    last_col, last_row = last_col or first_col, last_row or first_row
    return int(first_row), _column_index(first_col), int(last_row), _column_index(last_col)


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


class _Workbook:
    """The parts of an .xlsx a roster needs, read with the standard library."""

    def __init__(self, archive: zipfile.ZipFile, file_name: str) -> None:
        self.archive = archive
        self.file_name = file_name
        book = ET.fromstring(archive.read("xl/workbook.xml"))
        targets, types = self._relationships("xl/_rels/workbook.xml.rels")
        self.date1904 = any(_local(e.tag) == "workbookPr" and e.get("date1904") in ("1", "true")
                            for e in book)
        self.sheets: list[tuple[str, str]] = []  # (name, member) of visible worksheets, in tab order
        for element in book.iter():
            if _local(element.tag) != "sheet" or element.get("state") in ("hidden", "veryHidden"):
                continue
            rel = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
            if types.get(rel, "").endswith("/worksheet"):
                self.sheets.append((element.get("name", ""), targets[rel]))
        part = {kind: next((t for r, t in targets.items() if types[r].endswith(kind)), "")
                for kind in ("/sharedStrings", "/styles")}
        self.strings = self._shared_strings(part["/sharedStrings"])
        self.date_styles = self._date_styles(part["/styles"])

    def _relationships(self, member: str) -> tuple[dict[str, str], dict[str, str]]:
        targets, types = {}, {}
        for element in ET.fromstring(self.archive.read(member)):
            target = element.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
            targets[element.get("Id", "")] = path
            types[element.get("Id", "")] = element.get("Type", "")
        return targets, types

    def _shared_strings(self, member: str) -> list[str]:
        if not member or member not in self.archive.namelist():
            return []
        strings = []
        for item in ET.fromstring(self.archive.read(member)):
            parts = []
            for child in item:  # <t>, or rich-text runs <r><t>; <rPh> (phonetic guide) is not the text
                tag = _local(child.tag)
                if tag == "t":
                    parts.append(child.text or "")
                elif tag == "r":
                    parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
            strings.append(_unescape("".join(parts)))
        return strings

    def _date_styles(self, member: str) -> frozenset[str]:
        """The cell style indexes (the `s` attribute) whose number format shows a date."""
        if not member or member not in self.archive.namelist():
            return frozenset()
        root = ET.fromstring(self.archive.read(member))
        custom = {e.get("numFmtId"): e.get("formatCode", "")
                  for e in root.iter() if _local(e.tag) == "numFmt"}
        dates = set()
        for section in root:
            if _local(section.tag) != "cellXfs":
                continue
            for index, xf in enumerate(section):
                fmt = xf.get("numFmtId", "0")
                if (fmt.isdigit() and int(fmt) in _BUILTIN_DATES) or _is_date_format(custom.get(fmt, "")):
                    dates.add(str(index))
        return frozenset(dates)

    def read_sheet(self, name: str, member: str, control: JobControl, start: float, span: float) -> SheetData:
        parser, sheet = _sheet_parser(self, name)
        size = max(self.archive.getinfo(member).file_size, 1)
        done = 0
        with self.archive.open(member) as source:
            while chunk := source.read(1 << 20):
                parser.Parse(chunk, False)
                done += len(chunk)
                control.progress(start + span * min(done / size, 1.0), f"正在读取工作表“{name}”…")
        parser.Parse(b"", True)
        return sheet


def _sheet_parser(book: _Workbook, name: str) -> tuple[xml.parsers.expat.XMLParserType, SheetData]:
    """An expat parser filling a SheetData from one worksheet's XML; only cells holding a value are kept.
    Closures over local state, not methods: this runs for every cell, and 1 µs a cell is 0.5 s a roster."""
    sheet = SheetData(name, {}, [])
    rows, strings, date_styles, date1904 = sheet.rows, book.strings, book.date_styles, book.date1904
    letters: dict[str, int] = {}
    parser = xml.parsers.expat.ParserCreate()
    parser.buffer_text = True
    tags: dict[str, str] = {}  # qualified tag → local name; files may prefix them (“x:c”)
    row = column = 0
    kind, style, parts = "n", None, []
    collecting = inline = phonetic = False

    def local(tag: str) -> str:
        found = tags[tag] = tag.rpartition(":")[2]
        return found

    def start(tag: str, attrs: dict) -> None:
        nonlocal row, column, kind, style, parts, collecting, inline, phonetic
        tag = tags.get(tag) or local(tag)
        if tag == "c":
            ref = attrs.get("r")
            if ref:
                head = ref.rstrip("0123456789")
                column = letters.get(head)
                if column is None:
                    column = letters[head] = _column_index(head.upper())
            else:
                column += 1
            kind, style, parts = attrs.get("t", "n"), attrs.get("s"), []
        elif tag == "v":
            collecting = True
        elif tag == "t":
            collecting = inline and not phonetic
        elif tag == "row":
            number = attrs.get("r", "")
            row = int(number) if number.isdigit() else row + 1
            column = -1
        elif tag == "is":
            inline = True
        elif tag == "rPh":
            phonetic = True
        elif tag == "mergeCell":
            bounds = _ref_bounds(attrs.get("ref", ""))
            if bounds:
                sheet.merges.append(bounds)

    def end(tag: str) -> None:
        nonlocal collecting, inline, phonetic
        tag = tags.get(tag) or local(tag)
        if tag == "c":
            if parts:
                store(value("".join(parts)))
        elif tag == "v" or tag == "t":
            collecting = False
        elif tag == "is":
            inline = False
        elif tag == "rPh":
            phonetic = False

    def text(data: str) -> None:
        if collecting:
            parts.append(data)

    def value(raw: str) -> object:
        if kind == "s":
            return strings[int(raw)]
        if kind == "n":
            try:
                number = int(raw)
            except ValueError:
                number = float(raw)
            return _serial_to_datetime(number, date1904) if style in date_styles else number
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            try:
                return dt.datetime.fromisoformat(raw.strip())
            except ValueError:
                return raw
        return _unescape(raw)  # inlineStr, str (a formula's text), e (#N/A …)

    def store(cell: object) -> None:
        if cell == "":
            return
        if cell.__class__ is str and len(cell) > MAX_CELL_CHARS:
            raise AppError(f"文件“{book.file_name}”工作表“{name}”第 {row} 行 {column_letter(column)} 列的内容过长"
                           f"（超过 {MAX_CELL_CHARS} 个字符），可能是误粘贴了大段内容。请检查该单元格后再导入。")
        values = rows.get(row)
        if values is None:
            if len(rows) >= MAX_ROWS:
                raise AppError(f"文件“{book.file_name}”超过 {MAX_ROWS} 行，请拆分后导入。")
            values = rows[row] = []
        if len(values) <= column:
            if column >= MAX_COLUMNS:
                raise AppError(f"文件“{book.file_name}”工作表“{name}”第 {row} 行 {column_letter(column)} 列有内容，"
                               f"名册最多读取前 {MAX_COLUMNS} 列。请删除多余的列后再导入。")
            values.extend([None] * (column + 1 - len(values)))
        values[column] = cell

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    return parser, sheet


def _fill_merges(sheet: SheetData) -> None:
    """A value merged down a block (a unit name beside its officers, a header spanning two rows) belongs
    to every row of the block. Only the first column is filled: a merge across columns is layout."""
    last = max(sheet.rows, default=0)
    for first_row, first_col, last_row, _ in sheet.merges:
        top = sheet.rows.get(first_row)
        value = top[first_col] if top and first_col < len(top) else None
        if value is None:
            continue
        for number in range(first_row + 1, min(last_row, last) + 1):
            values = sheet.rows.setdefault(number, [])
            if len(values) <= first_col:
                values.extend([None] * (first_col + 1 - len(values)))
            if values[first_col] is None:
                values[first_col] = value


def _find_header(sheet: SheetData) -> tuple[int, list[str]] | None:
    """(row number, header texts) of the row naming the most roster fields, 姓名 among them."""
    best: tuple[int, int, list[str]] | None = None
    for number in sorted(sheet.rows)[:HEADER_SEARCH_ROWS]:
        texts = [clean_display(cell_text(v)) for v in sheet.rows[number]]
        fields = {field_for_header(t) for t in texts} - {None}
        if "name" in fields and len(fields) >= MIN_HEADER_FIELDS and (best is None or len(fields) > best[0]):
            best = (len(fields), number, texts)
    if best is None:
        return None
    _, number, texts = best
    above = sheet.rows.get(number - 1, [])
    for column, text in enumerate(above):
        # a two-row header without merged cells: the label sits above an empty cell
        label = clean_display(cell_text(text))
        if column < len(texts) and not texts[column] and field_for_header(label):
            texts[column] = label
        elif column >= len(texts) and field_for_header(label):
            texts.extend([""] * (column - len(texts)) + [label])
    return number, texts


def _open_roster(path: Path, control: JobControl) -> tuple[SheetData, int, list[str]]:
    check_zip_container(path, "xl/workbook.xml", ".xlsx")  # .xls/.et/encrypted/CSV/zip bombs refused here
    try:
        with zipfile.ZipFile(path) as archive:
            book = _Workbook(archive, path.name)
            if not book.sheets:
                raise AppError(f"文件“{path.name}”里没有可见的工作表。")
            share = 1 / len(book.sheets)
            for number, (name, member) in enumerate(book.sheets):
                sheet = book.read_sheet(name, member, control, number * share, share)
                _fill_merges(sheet)
                found = _find_header(sheet)
                if found:
                    return sheet, found[0], found[1]
    except (AppError, Cancelled):
        raise
    except MemoryError:
        raise AppError(f"文件“{path.name}”太大，内存不足，无法读取。请拆分后再导入。") from None
    except Exception as exc:  # zipfile, ElementTree and expat raise many kinds on damaged files
        raise AppError(damaged_message(path.name, kind_of(".xlsx"), type(exc).__name__)) from None
    names = "、".join(f"“{name}”" for name, _ in book.sheets)
    raise AppError(f"文件“{path.name}”中找不到人员名册的表头（已查看工作表：{names}）。表头行应有“姓名”“公民身份号码”"
                   "“单位”等列名，且位于前 20 行。")


# ============================================================================== the preview

@dataclass
class CellError:
    row: int  # sheet row number
    column: int | None  # 0-based column index
    header: str
    message: str

    @property
    def letter(self) -> str:
        return column_letter(self.column) if self.column is not None else ""

    @property
    def text(self) -> str:
        """“第 7 行 E 列（公民身份号码）：…”"""
        where = f" {self.letter} 列（{self.header}）" if self.column is not None else ""
        return f"第 {self.row} 行{where}：{self.message}"


@dataclass
class RowResult:
    row: int
    result: str = ""
    errors: list[CellError] = field(default_factory=list)
    name: str = ""
    officer_id: int | None = None  # the officer this row updates
    values: dict | None = None  # cleaned officer values to store
    changes: list[str] = field(default_factory=list)  # labels of the fields an update changes
    moved_from: int | None = None  # the unit an update moves the officer away from
    card: dict | None = None
    card_id: int | None = None  # the existing card this row updates
    card_action: str = ""  # 新增 / 更新 / ""


@dataclass
class RosterPreview:
    path: Path
    sheet_name: str
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list]]  # (sheet row number, raw cell values) below the header
    top_rows: list[tuple[int, list]]  # title and header rows, for the error workbook
    top_merges: list[tuple[int, int, int, int]]
    mapping: dict[int, str | None]
    mapping_remembered: bool = False
    results: list[RowResult] | None = None

    @property
    def source_key(self) -> str:
        return source_key(self.headers)

    def header_of(self, column: int) -> str:
        text = self.headers[column] if column < len(self.headers) else ""
        return text or LABELS.get(self.mapping.get(column) or "", "") or f"{column_letter(column)} 列"

    def apply_mapping(self, mapping: dict[int, str | None]) -> None:
        """The clerk's column mapping ({column index: field or None}); the rows must be validated again."""
        self.mapping = {int(c): (f or None) for c, f in mapping.items()}
        self.mapping_remembered = False
        self.results = None

    def mapping_problems(self) -> list[str]:
        return mapping_problems(self.mapping)

    def counts(self) -> dict[str, int]:
        counts = {NEW: 0, UPDATED: 0, UNCHANGED: 0, ERROR: 0}
        for result in self.results or []:
            counts[result.result] += 1
        return counts

    @property
    def errors(self) -> list[CellError]:
        return [e for r in self.results or [] for e in r.errors]


def _mapping_keys(headers: list[str]) -> list[str]:
    """The key each column is remembered under: its header, numbered when the header repeats."""
    seen: dict[str, int] = {}
    keys = []
    for header in headers:
        seen[header] = seen.get(header, 0) + 1
        keys.append(header if seen[header] == 1 else f"{header}#{seen[header]}")
    return keys


def remembered_mapping(headers: list[str]) -> dict[int, str | None] | None:
    row = ColumnMapping.get_or_none((ColumnMapping.kind == MAPPING_KIND)
                                    & (ColumnMapping.source_key == source_key(headers)))
    if row is None:
        return None
    stored = json.loads(row.mapping)
    return {column: stored.get(key) for column, key in enumerate(_mapping_keys(headers))}


def remember_mapping(preview: RosterPreview) -> None:
    """Keep the confirmed mapping for the next file with the same header layout."""
    keys = _mapping_keys(preview.headers)
    stored = json.dumps({keys[c]: f for c, f in sorted(preview.mapping.items()) if c < len(keys)},
                        ensure_ascii=False)
    (ColumnMapping.insert(kind=MAPPING_KIND, source_key=preview.source_key, mapping=stored, updated_at=now())
     .on_conflict(conflict_target=[ColumnMapping.kind, ColumnMapping.source_key],
                  update={ColumnMapping.mapping: stored, ColumnMapping.updated_at: now()})
     .execute())


def load_roster_file(path: Path, control: JobControl | None = None) -> RosterPreview:
    """Read the roster and guess (or recall) the column mapping; raises AppError for unreadable files."""
    path = Path(path)
    sheet, header_row, headers = _open_roster(path, control or JobControl())
    numbers = sorted(sheet.rows)
    width = max([len(headers)] + [len(sheet.rows[n]) for n in numbers])
    headers = headers + [""] * (width - len(headers))
    remembered = remembered_mapping(headers)
    mapping = remembered if remembered is not None else guess_mapping(headers)
    return RosterPreview(
        path, sheet.name, header_row, headers,
        rows=[(n, sheet.rows[n]) for n in numbers if n > header_row],
        top_rows=[(n, sheet.rows[n]) for n in numbers if n <= header_row],
        top_merges=[m for m in sheet.merges if m[2] <= header_row],
        mapping=mapping, mapping_remembered=remembered is not None)


# ============================================================================== validation

_OFFICER_FIELDS = ("name", "gender", "ethnicity", "birth_date", "political_status", "education", "major",
                   "post", "category", "on_enforcement_post", "law_field", "region", "phone",
                   "is_legal_reviewer", "is_public_lawyer", "note")
_STORED = ("unit_id", "id_number") + _OFFICER_FIELDS
_KEPT = ("unit_id",) + _OFFICER_FIELDS  # what a blank cell leaves as it is


@dataclass
class _Existing:
    id: int
    status: str
    values: dict  # _KEPT → stored value


_NAME_HEADERS = set(FIELD_BY_KEY["name"].synonyms)
_CJK_NAME = re.compile(r"[\u3400-\u9fff·•\s\u3000]+")


class _Validator:
    """Checks rows against lookups loaded once and against the rows above them."""

    def __init__(self, preview: RosterPreview, today: dt.date) -> None:
        self.preview = preview
        self.today = today
        self.columns = {f: c for c, f in preview.mapping.items() if f}
        self.mapped = [f for f in _OFFICER_FIELDS if f in self.columns]
        self.unmapped = [f for f in _OFFICER_FIELDS if f not in self.columns]
        self.lookups = OfficerLookups.load()
        self.index = name_index.build_index()
        self.retired = {match_key(name): name for name, retired in self.lookups.units.values() if retired}
        self.units: dict[str, tuple[int | None, str]] = {}  # cell text → (unit id, error)
        query = Officer.select(Officer.id, Officer.id_number, Officer.status,
                               *[getattr(Officer, f) for f in _KEPT]).tuples()
        self.officers = {row[1]: _Existing(row[0], row[2], dict(zip(_KEPT, row[3:]))) for row in query}
        self.cards = {number: (cid, oid, issuer, issued, until, law)
                      for cid, oid, number, issuer, issued, until, law in Certificate.select(
                          Certificate.id, Certificate.officer, Certificate.number, Certificate.issuer,
                          Certificate.issued_on, Certificate.valid_until, Certificate.law_field).tuples()
                      if number}
        self.holders = {o.id: o.values["name"] for o in self.officers.values()}
        self.id_rows: dict[str, int] = {}
        self.card_rows: dict[str, int] = {}  # 证号 → the row that gave it

    def check(self, number: int, values: list) -> RowResult | None:
        cells = {f: (values[c] if c < len(values) else None) for f, c in self.columns.items()}
        name = _name_text(cells.get("name"))
        if not name and _blank(cells.get("id_number")):
            if sum(not _blank(v) for v in cells.values()) < 2:
                return None  # a blank, footer or note row
        elif name in _NAME_HEADERS:
            return None  # the header repeated (a sheet printed page by page)
        row = RowResult(number, name=name)
        self._check_officer(row, cells)
        self._check_card(row, cells)
        row.errors.sort(key=lambda e: -1 if e.column is None else e.column)
        if row.errors:
            row.result = ERROR
        elif row.officer_id is None:
            row.result = NEW
        else:
            row.result = UPDATED if row.changes or row.card_action else UNCHANGED
        return row

    # -- officer

    def _error(self, row: RowResult, field_: str, message: str) -> None:
        column = self.columns.get(field_)
        row.errors.append(CellError(row.row, column, self.preview.header_of(column) if column is not None
                                    else LABELS.get(field_, ""), message))

    def _check_officer(self, row: RowResult, cells: dict) -> None:
        known: set[str] = set()  # fields already reported here, so clean_officer's echo is dropped
        number = self._id_number(cells.get("id_number"))
        existing = self.officers.get(number) if number else None
        if number and number in self.id_rows:
            self._error(row, "id_number", f"身份证号码 {number} 与第 {self.id_rows[number]} 行重复。")
            known.add("id_number")
        elif number:
            self.id_rows[number] = row.row
        if existing is not None:
            row.officer_id = existing.id
        if existing is not None and existing.status != "在职":
            self._error(row, "id_number", f"身份证号码 {number} 登记的“{existing.values['name']}”已{existing.status}，"
                        "不应出现在在职名册中；如已返回执法岗位，请先在“执法人员”中恢复在职。")
            known.add("id_number")
        data = self._input(row, cells, existing.values if existing else {}, known)
        try:
            row.values = clean_officer(data, existing.id if existing else None, today=self.today,
                                       lookups=self.lookups)
        except OfficerErrors as exc:
            for error in exc.errors:
                name = "unit" if error.field == "unit_id" else error.field
                if name not in known:
                    self._error(row, name, _id_hint(cells.get("id_number"), error.message)
                                if name == "id_number" else error.message)
            return
        if existing is not None:
            self._compare(row, existing)

    @staticmethod
    def _id_number(raw: object) -> str | None:
        """The number as stored, to find the officer; clean_officer does the real check (once)."""
        if raw.__class__ is not str:
            return None
        number = normalise_id_number(raw)
        if len(number) == 15 and number.isdigit():  # an old number is stored upgraded
            number = number[:6] + "19" + number[6:]
            return number + id_check_character(number)
        return number if len(number) == 18 else None

    def _input(self, row: RowResult, cells: dict, stored: dict, known: set[str]) -> OfficerInput:
        values = {name: stored[name] for name in self.unmapped if name in stored}
        for name in self.mapped:
            raw = cells[name]
            if raw.__class__ is str:
                raw = raw.strip()
            try:
                if name in FLAG_FIELDS:
                    values[name] = parse_flag(raw, LABELS[name])
                elif raw is None or raw == "":
                    if name in stored:  # a blank cell keeps what is stored
                        values[name] = stored[name]
                elif name == "name":
                    values[name] = row.name
                elif name == "birth_date":
                    values[name] = parse_birth(raw)
                else:
                    values[name] = raw if raw.__class__ is str else cell_text(raw)
            except ValidationError as exc:
                self._error(row, name, exc.message)
                known.add(name)
        unit_id = self._unit(row, cells.get("unit"), known) if not _blank(cells.get("unit")) else None
        if unit_id is None and "unit" not in known:
            unit_id = stored.get("unit_id")
            if unit_id is None:
                self._error(row, "unit", "单位为空，请填写人员所在单位。")
                known.add("unit")
        return OfficerInput(unit_id=unit_id, id_number=cells.get("id_number"),
                            **{k: v for k, v in values.items() if v is not None})

    def _unit(self, row: RowResult, raw: object, known: set[str]) -> int | None:
        text = clean_display(cell_text(raw))
        if text not in self.units:
            self.units[text] = self._resolve_unit(text)
        unit_id, message = self.units[text]
        if message:
            self._error(row, "unit", message)
            known.add("unit")
        return unit_id

    def _resolve_unit(self, text: str) -> tuple[int | None, str]:
        matches = name_index.resolve(text, self.index)
        units = {m.id: m.name for m in matches if m.kind == "unit"}
        if len(units) == 1:
            return next(iter(units)), ""
        if units:
            return None, f"单位“{text}”可指多个单位：{'、'.join(units.values())}，请填写全称。"
        if matches:
            return None, f"“{text}”是单位分组，不是一个单位，请填写人员所在的具体单位。"
        if match_key(text) in self.retired:
            return None, f"单位“{self.retired[match_key(text)]}”已撤销，不能再登记人员。"
        return None, (f"单位“{text}”不在单位登记册中。请核对名称，或先在“单位”中登记该单位"
                      "（也可为已有单位添加别名）。")

    def _compare(self, row: RowResult, existing: _Existing) -> None:
        before = existing.values
        for name, value in row.values.items():
            if name in before and before[name] != value and not (_blank(before[name]) and _blank(value)):
                row.changes.append(FIELD_LABELS[name])
        if row.values["unit_id"] != before["unit_id"]:
            row.moved_from = before["unit_id"]

    # -- certificate

    def _check_card(self, row: RowResult, cells: dict) -> None:
        if "cert_number" not in self.columns:
            return
        number = "".join(clean_display(cell_text(cells.get("cert_number"))).split()).upper()
        if not number:
            if any(not _blank(cells.get(f)) for f in ("cert_issued_on", "cert_valid_until")):
                self._error(row, "cert_number", "填写了发证日期或有效期，但没有证号；没有证件的人员请将证件各列留空。")
            return
        card = self._card_values(row, cells, number)
        known = self.cards.get(number)
        if known is not None and known[1] != row.officer_id:
            self._error(row, "cert_number", f"证号 {number} 已属于“{self.holders[known[1]]}”的证件，证号不能重复。")
            return
        if number in self.card_rows:
            self._error(row, "cert_number", f"证号 {number} 与第 {self.card_rows[number]} 行重复。")
            return
        self.card_rows[number] = row.row
        if card is None or row.errors:
            return
        row.card = card
        if known is None:
            row.card_action = NEW
            return
        card["issuer"] = card["issuer"] or known[2]  # as for the officer: a blank cell keeps what is stored
        card["law_field"] = card["law_field"] or known[5]
        if known[2:] != (card["issuer"], card["issued_on"], card["valid_until"], card["law_field"]):
            row.card_id, row.card_action = known[0], UPDATED

    def _card_values(self, row: RowResult, cells: dict, number: str) -> dict | None:
        if len(number) > 40:
            self._error(row, "cert_number", f"证号“{number[:40]}…”过长。")
            return None
        issued_raw, until_raw = cells.get("cert_issued_on"), cells.get("cert_valid_until")
        span = split_validity(until_raw)
        if span:  # “2022.11.1至2027.10.31” in one 有效期 cell
            issued_raw, until_raw = (span[0] if _blank(issued_raw) else issued_raw), span[1]
        issued = self._card_date(row, "cert_issued_on", issued_raw)
        until = self._card_date(row, "cert_valid_until", until_raw)
        if issued and issued > self.today:
            self._error(row, "cert_issued_on", f"发证日期 {issued:%Y-%m-%d} 晚于今天。")
            return None
        if issued and until and until <= issued:
            self._error(row, "cert_valid_until", f"有效期至 {until:%Y-%m-%d} 应晚于发证日期 {issued:%Y-%m-%d}。")
            return None
        if not (issued and until):
            return None
        return {"number": number, "issuer": clean_display(cell_text(cells.get("cert_issuer"))),
                "issued_on": issued, "valid_until": until,
                "law_field": clean_display(cell_text(cells.get("cert_law_field")))}

    def _card_date(self, row: RowResult, name: str, raw: object) -> dt.date | None:
        if _blank(raw):
            self._error(row, name, f"有证号时须填写{LABELS[name]}。")
            return None
        try:
            return parse_date(raw, field=LABELS[name])
        except ValidationError as exc:
            self._error(row, name, exc.message)
            return None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _name_text(value: object) -> str:
    text = clean_display(cell_text(value))
    # “张  三”: rosters pad two-character names with spaces to line them up
    return "".join(text.split()) if _CJK_NAME.fullmatch(text or "-") else text


def _id_hint(raw: object, message: str) -> str:
    """An 18-digit text ending in 000 with a wrong check digit is almost always a number cell that lost
    its last digits and was then turned back into text."""
    text = cell_text(raw).strip()
    if isinstance(raw, str) and len(text) == 18 and text.endswith("000") and "校验位" in message:
        return message + "号码末三位为 000，很可能曾被存成数字而丢失了末几位，请按身份证原件重新录入。"
    return message


def validate(preview: RosterPreview, control: JobControl | None = None,
             today: dt.date | None = None) -> list[RowResult]:
    """Check every data row; the results are kept on the preview (and returned)."""
    problems = preview.mapping_problems()
    if problems:
        raise AppError("列对应有问题：" + "".join(problems))
    control = control or JobControl()
    checker = _Validator(preview, today or dt.date.today())
    results = []
    for position, (number, values) in enumerate(preview.rows):
        if position % CHUNK == 0:
            control.progress(position / max(len(preview.rows), 1), f"正在核对第 {number} 行…")
        result = checker.check(number, values)
        if result is not None:
            results.append(result)
    preview.results = results
    control.progress(1.0, "核对完成")
    return results


# ============================================================================== commit

@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # rows with errors left out (skip_invalid)
    cards_added: int = 0
    cards_updated: int = 0
    backup: Path | None = None

    def message(self) -> str:
        text = f"已导入：新增 {self.added} 人，更新 {self.updated} 人，无变化 {self.unchanged} 人"
        if self.cards_added or self.cards_updated:
            text += f"；登记证件 {self.cards_added} 张，更新证件 {self.cards_updated} 张"
        if self.skipped:
            text += f"；跳过有错误的 {self.skipped} 行"
        return text + "。"


_INSERT_OFFICER = (f"INSERT INTO officer ({', '.join(_STORED)}, status, created_at, updated_at) "
                   f"VALUES ({', '.join('?' * (len(_STORED) + 3))})")
_UPDATE_OFFICER = f"UPDATE officer SET {', '.join(f + ' = ?' for f in _STORED)}, updated_at = ? WHERE id = ?"
_INSERT_CHANGE = ("INSERT INTO officer_change (officer_id, kind, on_date, from_unit_id, to_unit_id, reason, "
                  "doc_number, entered_by, entered_at) VALUES (?, ?, ?, ?, ?, ?, '', ?, ?)")
_INSERT_CARD = ("INSERT INTO certificate (officer_id, kind, number, issuer, issued_on, valid_until, "
                "law_field, region, note, created_at) VALUES (?, 'law', ?, ?, ?, ?, ?, '', '', ?)")
_UPDATE_CARD = "UPDATE certificate SET issuer = ?, issued_on = ?, valid_until = ?, law_field = ? WHERE id = ?"
_INSERT_EVENT = ("INSERT INTO certificate_event (certificate_id, kind, on_date, reason, doc_number, until, "
                 "entered_by, entered_at) VALUES (?, 'issue', ?, ?, '', NULL, ?, ?)")


def _sql(value: object) -> object:
    """As peewee stores it: dates as ISO text, datetimes without microseconds."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


_BIRTH = _STORED.index("birth_date")


def _officer_params(values: dict) -> list:
    params = [values[f] for f in _STORED]
    params[_BIRTH] = _sql(params[_BIRTH])  # the only date among them
    return params


def _batches(rows: list, control: JobControl, start: float, span: float, message: str):
    for offset in range(0, len(rows), CHUNK):
        control.progress(start + span * offset / max(len(rows), 1), message)
        yield rows[offset:offset + CHUNK]


def commit_roster(preview: RosterPreview, skip_invalid: bool = False,
                  control: JobControl | None = None) -> ImportSummary:
    """Write the validated preview in one transaction after a safety backup. Nothing is written when a
    row has errors (unless `skip_invalid`) or the job is cancelled."""
    if preview.results is None:
        raise AppError("请先核对名册，再导入。")
    control = control or JobControl()
    counts = preview.counts()
    if counts[ERROR] and not skip_invalid:
        raise AppError(f"有 {counts[ERROR]} 行存在错误，请修改后再导入，或选择跳过有错误的行。")
    summary = ImportSummary(counts[NEW], counts[UPDATED], counts[UNCHANGED], counts[ERROR])
    control.check_cancelled()
    if not (summary.added or summary.updated):
        return summary  # nothing to write: no backup, no audit entry
    from desktop_app.core.session import backup_open_database

    summary.backup = backup_open_database("导入人员前")
    try:
        with db.atomic():
            _write(preview, summary, control)
    except (sqlite3.IntegrityError, peewee.IntegrityError):  # the database changed after the check
        raise AppError("核对之后数据库中的人员或证件已有变化，请重新核对名册后再导入。") from None
    control.progress(1.0, summary.message())
    return summary


def _write(preview: RosterPreview, summary: ImportSummary, control: JobControl) -> None:
    results = [r for r in preview.results or [] if r.result in (NEW, UPDATED)]
    actor, stamp, today = audit.current_actor(), _sql(now()), dt.date.today().isoformat()
    reason = f"名册导入：{preview.path.name}"
    cursor = db.cursor()
    new = [r for r in results if r.result == NEW]
    for batch in _batches(new, control, 0.0, 0.4, "正在登记新增人员…"):
        cursor.executemany(_INSERT_OFFICER, [_officer_params(r.values) + ["在职", stamp, stamp] for r in batch])
    ids = dict(db.execute_sql("SELECT id_number, id FROM officer").fetchall())
    changes = [(ids[r.values["id_number"]], "登记", today, None, r.values["unit_id"], reason, actor, stamp)
               for r in new]
    updates = [r for r in results if r.result == UPDATED and r.changes]
    for batch in _batches(updates, control, 0.4, 0.2, "正在更新人员信息…"):
        cursor.executemany(_UPDATE_OFFICER, [_officer_params(r.values) + [stamp, r.officer_id] for r in batch])
    changes += [(r.officer_id, "调动", today, r.moved_from, r.values["unit_id"], reason + "（单位与原登记不同）",
                 actor, stamp) for r in updates if r.moved_from is not None]
    for batch in _batches(changes, control, 0.6, 0.1, "正在记录人员变动…"):
        cursor.executemany(_INSERT_CHANGE, batch)
    _write_cards(results, ids, control, actor, stamp, summary)
    remember_mapping(preview)
    after = {"文件": preview.path.name, "工作表": preview.sheet_name, "新增人员": summary.added,
             "更新人员": summary.updated, "无变化": summary.unchanged, "跳过有错误的行": summary.skipped,
             "登记证件": summary.cards_added, "更新证件": summary.cards_updated}
    audit.record("create", "officer", None, None, after,
                 summary=f"导入执法人员名册“{preview.path.name}”：新增 {summary.added} 人，更新 {summary.updated} 人")


def _write_cards(results: list[RowResult], ids: dict[str, int], control: JobControl, actor: str, stamp: str,
                 summary: ImportSummary) -> None:
    cursor = db.cursor()
    new = [r for r in results if r.card_action == NEW]
    for batch in _batches(new, control, 0.7, 0.2, "正在登记证件…"):
        cursor.executemany(_INSERT_CARD, [(ids[r.values["id_number"]], r.card["number"], r.card["issuer"],
                                           _sql(r.card["issued_on"]), _sql(r.card["valid_until"]),
                                           r.card["law_field"], stamp) for r in batch])
    if new:
        card_ids = dict(db.execute_sql("SELECT number, id FROM certificate WHERE number IS NOT NULL"))
        for batch in _batches(new, control, 0.9, 0.05, "正在登记证件…"):
            cursor.executemany(_INSERT_EVENT, [(card_ids[r.card["number"]], _sql(r.card["issued_on"]),
                                                CARD_REASON, actor, stamp) for r in batch])
    changed = [r for r in results if r.card_action == UPDATED]
    cursor.executemany(_UPDATE_CARD, [(r.card["issuer"], _sql(r.card["issued_on"]),
                                       _sql(r.card["valid_until"]), r.card["law_field"], r.card_id)
                                      for r in changed])
    summary.cards_added, summary.cards_updated = len(new), len(changed)


# ============================================================================== reporting

def preview_as_json(preview: RosterPreview) -> dict:
    """The preview for `import-personnel --json`: each data row by its sheet row number."""
    columns = [{"column": column_letter(c), "header": h, "field": preview.mapping.get(c),
                "label": LABELS.get(preview.mapping.get(c) or "")} for c, h in enumerate(preview.headers)]
    rows = [{"row": r.row, "result": r.result, "name": r.name, "changes": r.changes,
             "card": r.card_action,
             "errors": [{"column": e.letter, "header": e.header, "message": e.message} for e in r.errors]}
            for r in preview.results or []]
    return {"file": preview.path.name, "sheet": preview.sheet_name, "header_row": preview.header_row,
            "mapping_remembered": preview.mapping_remembered, "columns": columns,
            "problems": preview.mapping_problems(), "counts": preview.counts(), "rows": rows}


ERROR_FILL = "FFC7CE"
ERROR_COLUMN = "错误说明"


def write_error_workbook(preview: RosterPreview, path: Path, control: JobControl | None = None) -> Path:
    """The roster as read, bad cells filled red with the reason as a comment and a 错误说明 column, rows at
    their original numbers so the messages still point at them: for the clerk to send back to the unit."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    from desktop_app.core.files import atomic_path

    by_cell: dict[tuple[int, int | None], list[str]] = {}
    for error in preview.errors:
        by_cell.setdefault((error.row, error.column), []).append(error.message)
    row_errors = {r.row: r.errors for r in preview.results or [] if r.errors}
    width = len(preview.headers)
    book = Workbook(write_only=True)
    sheet = book.create_sheet((preview.sheet_name or "人员名册")[:31])
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
