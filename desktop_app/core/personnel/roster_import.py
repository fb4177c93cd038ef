"""Importing a 人员名册 (.xlsx) sent in by the units: read → map columns → validate every cell → commit.

    preview = load_roster_file(path)       # the first sheet with a recognisable header, raw cell values
    preview.apply_mapping({...})           # optional: the clerk corrects the guessed column mapping
    validate(preview)                      # every row: 新增 / 更新 / 无变化 / 错误, errors per cell
    roster_commit.commit_roster(preview)   # one transaction, after a backup
    roster_errors.write_error_workbook(…)  # or the roster with its bad cells marked, to send back

A row whose 身份证号 is on the roster updates that officer (blank cells keep what is stored); a new one
is registered. 20,000 rows must go through all three steps in a few seconds, so the workbook is streamed
with expat (core/xlsx_stream.py) rather than read with openpyxl, the checks use lookups loaded once, and
the commit writes with executemany inside a single transaction with one audit entry.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.core import name_index
from desktop_app.core.dates import parse_date
from desktop_app.core.errors import ValidationError
from desktop_app.core.id_card import id_check_character, normalise_id_number
from desktop_app.core.import_sheet import SheetPreview, open_sheet, source_key, split_sheet
from desktop_app.core.jobs import JobControl
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
    split_validity,
)
from desktop_app.core.tabular import cell_text, column_letter
from desktop_app.core.text_norm import clean_display, match_key
from desktop_app.core.xlsx_stream import SheetData

MAPPING_KIND = "roster"
NEW, UPDATED, UNCHANGED, ERROR = "新增", "更新", "无变化", "错误"
CHUNK = 2000  # rows between progress reports / executemany batches

# ============================================================================== finding the header

def _open_roster(path: Path, control: JobControl) -> tuple[SheetData, int, list[str]]:
    return open_sheet(path, control, field_for_header, MIN_HEADER_FIELDS, "人员名册",
                      "“姓名”“公民身份号码”“单位”")


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
class RosterPreview(SheetPreview):
    mapping_remembered: bool = False
    results: list[RowResult] | None = None

    labels = LABELS
    result_kinds = (NEW, UPDATED, UNCHANGED, ERROR)

    def mapping_problems(self) -> list[str]:
        return mapping_problems(self.mapping)

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


def remembered_mapping(headers: list[str], kind: str = MAPPING_KIND) -> dict[int, str | None] | None:
    """The mapping last confirmed for this header layout ({column: field}), or None. `kind` keeps the
    layouts of different imports apart (the training import uses the same table)."""
    row = ColumnMapping.get_or_none((ColumnMapping.kind == kind)
                                    & (ColumnMapping.source_key == source_key(headers)))
    if row is None:
        return None
    stored = json.loads(row.mapping)
    return {column: stored.get(key) for column, key in enumerate(_mapping_keys(headers))}


def remember_mapping(preview: RosterPreview, kind: str = MAPPING_KIND) -> None:
    """Keep the confirmed mapping for the next file with the same header layout (any preview with
    `headers`, `mapping` and `source_key`)."""
    keys = _mapping_keys(preview.headers)
    stored = json.dumps({keys[c]: f for c, f in sorted(preview.mapping.items()) if c < len(keys)},
                        ensure_ascii=False)
    (ColumnMapping.insert(kind=kind, source_key=preview.source_key, mapping=stored, updated_at=now())
     .on_conflict(conflict_target=[ColumnMapping.kind, ColumnMapping.source_key],
                  update={ColumnMapping.mapping: stored, ColumnMapping.updated_at: now()})
     .execute())


def load_roster_file(path: Path, control: JobControl | None = None) -> RosterPreview:
    """Read the roster and guess (or recall) the column mapping; raises AppError for unreadable files."""
    path = Path(path)
    sheet, header_row, headers = _open_roster(path, control or JobControl())
    headers, rows, top_rows, top_merges = split_sheet(sheet, header_row, headers)
    remembered = remembered_mapping(headers)
    mapping = remembered if remembered is not None else guess_mapping(headers)
    return RosterPreview(path, sheet.name, header_row, headers, rows=rows, top_rows=top_rows, top_merges=top_merges,
                         mapping=mapping, mapping_remembered=remembered is not None)


# ============================================================================== validation

# the officer columns a roster row can fill (with unit_id and id_number, what a row writes)
OFFICER_FIELDS = ("name", "gender", "ethnicity", "birth_date", "political_status", "education", "major",
                   "post", "category", "on_enforcement_post", "law_field", "region", "phone",
                   "is_legal_reviewer", "is_public_lawyer", "note")
_KEPT = ("unit_id",) + OFFICER_FIELDS  # what a blank cell leaves as it is


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
        self.mapped = [f for f in OFFICER_FIELDS if f in self.columns]
        self.unmapped = [f for f in OFFICER_FIELDS if f not in self.columns]
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
        name = _name_text(cells.get("name"))
        if existing is not None and name and name != existing.values["name"] and "id_number" not in known:
            # a mistyped number that happens to be someone else's must not rename that person
            self._error(row, "id_number", f"身份证号码 {number} 已登记为“{existing.values['name']}”，与本行姓名"
                        f"“{name}”不符。请核对号码；如确为改名，请在“执法人员”中修改姓名后再导入。")
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
    preview.check_mapping()
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
