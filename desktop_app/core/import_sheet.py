"""Finding the header of a sheet units send (roster, sign-in sheet, platform export): the first visible
sheet whose row — within the first 20 — names the most known fields, 姓名 among them. Title rows above
it and merged cells are common; a two-row header without merged cells has its label above an empty cell."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from desktop_app.core.errors import AppError
from desktop_app.core.jobs import JobControl
from desktop_app.core.tabular import cell_text, column_letter
from desktop_app.core.text_norm import clean_display, match_key
from desktop_app.core.xlsx_stream import SheetData, fill_merges, read_sheets

HEADER_SEARCH_ROWS = 20
_NOISE = re.compile(r"[\s/、·•＊*:：_\-—]+")
_EXPLANATION = re.compile(r"\([^()]*\)$")


def header_key(text: object) -> str:
    """A header as compared: normalised (full-width, brackets), no spaces or separators, no 是否 prefix."""
    key = _NOISE.sub("", match_key(cell_text(text)))
    return key.removeprefix("是否") if key.startswith("是否") and len(key) > 2 else key


def source_key(headers: list[str]) -> str:
    """The header layout's signature: the same columns in the same order give the same key."""
    keys = [header_key(h) for h in headers]
    while keys and not keys[-1]:
        keys.pop()
    return "|".join(keys)


@dataclass(frozen=True)
class SheetField:
    """A field a sheet's column may hold: its key, its label, the headers that name it."""
    key: str
    label: str
    synonyms: tuple[str, ...]


class HeaderSynonyms:
    """Which field a header names, from each field's synonyms (`fields`: objects with .key, .synonyms)."""

    def __init__(self, fields: Iterable) -> None:
        self._index: dict[str, str] = {}
        for field in fields:
            for word in field.synonyms:
                self._index.setdefault(header_key(word), field.key)

    def field_for(self, text: object) -> str | None:
        key = header_key(text)
        if key in self._index:
            return self._index[key]
        bare = _EXPLANATION.sub("", key)  # “身份证号(18位)”, “学时(小时)”
        return self._index.get(bare) if bare and bare != key else None

    def guess(self, headers: list[str]) -> dict[int, str | None]:
        """{column index: field or None}; a field goes to the first column that names it."""
        mapping: dict[int, str | None] = {}
        taken: set[str] = set()
        for column, header in enumerate(headers):
            field = self.field_for(header)
            mapping[column] = field if field not in taken else None
            if field:
                taken.add(field)
        return mapping


def column_problems(mapping: dict[int, str | None], field_by_key: dict, labels: dict[str, str]
                    ) -> tuple[list[str], dict[str, int]]:
    """The problems of a mapping's columns themselves (a field that does not exist, a field given two
    columns) and {field: its column} for the rest; each import then adds what it requires."""
    problems = []
    where: dict[str, int] = {}
    for column in sorted(mapping):
        field = mapping[column]
        if field is None:
            continue
        if field not in field_by_key:
            problems.append(f"{column_letter(column)} 列对应的项目“{field}”无效。")
        elif field in where:
            problems.append(f"{column_letter(where[field])} 列和 {column_letter(column)} 列都对应“{labels[field]}”，"
                            "每一项只能对应一列。")
        else:
            where[field] = column
    return problems, where


def find_header(sheet: SheetData, field_for_header: Callable[[str], str | None], min_fields: int
                ) -> tuple[int, list[str]] | None:
    """(row number, header texts) of the row naming the most fields, 姓名 among them."""
    best: tuple[int, int, list[str]] | None = None
    for number in sorted(sheet.rows)[:HEADER_SEARCH_ROWS]:
        texts = [clean_display(cell_text(v)) for v in sheet.rows[number]]
        fields = {field_for_header(t) for t in texts} - {None}
        if "name" in fields and len(fields) >= min_fields and (best is None or len(fields) > best[0]):
            best = (len(fields), number, texts)
    if best is None:
        return None
    _, number, texts = best
    for column, value in enumerate(sheet.rows.get(number - 1, [])):
        label = clean_display(cell_text(value))
        if column < len(texts) and not texts[column] and field_for_header(label):
            texts[column] = label
        elif column >= len(texts) and field_for_header(label):
            texts.extend([""] * (column - len(texts)) + [label])
    return number, texts


def open_sheet(path: Path, control: JobControl, field_for_header: Callable[[str], str | None], min_fields: int,
               what: str, expected: str) -> tuple[SheetData, int, list[str]]:
    """The first visible sheet with a recognisable header (later sheets are not read), or AppError naming
    the file, the sheets looked at, `what` was sought and the column names `expected`."""
    seen = []
    with closing(read_sheets(path, control)) as sheets:
        for sheet in sheets:
            fill_merges(sheet)
            found = find_header(sheet, field_for_header, min_fields)
            if found:
                return sheet, found[0], found[1]
            seen.append(sheet.name)
    names = "、".join(f"“{name}”" for name in seen)
    raise AppError(f"文件“{path.name}”中找不到{what}的表头（已查看工作表：{names}）。表头行应有{expected}等列名，"
                   f"且位于前 {HEADER_SEARCH_ROWS} 行。")


def split_sheet(sheet: SheetData, header_row: int, headers: list[str]
                ) -> tuple[list[str], list[tuple[int, list]], list[tuple[int, list]], list[tuple[int, int, int, int]]]:
    """(headers padded to the widest row, data rows below the header, title and header rows, merges among
    those top rows): the rows as (sheet row number, raw cell values)."""
    numbers = sorted(sheet.rows)
    width = max([len(headers)] + [len(sheet.rows[n]) for n in numbers])
    headers = headers + [""] * (width - len(headers))
    return (headers, [(n, sheet.rows[n]) for n in numbers if n > header_row],
            [(n, sheet.rows[n]) for n in numbers if n <= header_row],
            [m for m in sheet.merges if m[2] <= header_row])


@dataclass
class SheetPreview:
    """What every import keeps of the sheet it read (the roster's and the training import's previews add
    their own fields): `labels` names the fields, `result_kinds` the outcomes a row can have."""
    path: Path
    sheet_name: str
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list]]  # (sheet row number, raw cell values) below the header
    top_rows: list[tuple[int, list]]  # title and header rows, for the error workbook
    top_merges: list[tuple[int, int, int, int]]
    mapping: dict[int, str | None]

    labels: ClassVar[dict[str, str]] = {}
    result_kinds: ClassVar[tuple[str, ...]] = ()

    @property
    def source_key(self) -> str:
        return source_key(self.headers)

    def header_of(self, column: int) -> str:
        text = " ".join(self.headers[column].split()) if column < len(self.headers) else ""  # “身份证号\n（18位）”
        return text or self.labels.get(self.mapping.get(column) or "", "") or f"{column_letter(column)} 列"

    def apply_mapping(self, mapping: dict[int, str | None]) -> None:
        """The clerk's column mapping ({column index: field or None}); the rows must be validated again."""
        self.mapping = {int(c): (f or None) for c, f in mapping.items()}
        self.mapping_remembered = False
        self._reset()

    def mapping_problems(self) -> list[str]:
        raise NotImplementedError

    def check_mapping(self) -> None:
        """AppError listing the mapping's problems, if it has any (before validating)."""
        problems = self.mapping_problems()
        if problems:
            raise AppError("列对应有问题：" + "".join(problems))

    def _reset(self) -> None:
        """Forget what validation found."""
        self.results = None

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(self.result_kinds, 0)
        for result in self.results or []:
            counts[result.result] += 1
        return counts
