"""Bulk-adding units from a pasted list (one per line, or tab-separated columns copied from Excel) or
from an .xlsx sheet: parse into a preview, then commit the whole preview in one transaction.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from desktop_app.core import name_index
from desktop_app.core.credit_code import validate_credit_code
from desktop_app.core.db import db
from desktop_app.core.errors import AppError, ValidationError
from desktop_app.core.models import UNIT_KINDS, NameAlias, Unit, UnitGroup
from desktop_app.core.tabular import column_letter, read_xlsx_rows
from desktop_app.core.text_norm import clean_display, match_key
from desktop_app.core.unit_groups import GroupInput, explicit_member_ids, update_group
from desktop_app.core.units import UnitInput, check_unit_name, create_unit

HEADERS = {
    "name": ("单位名称", "名称", "单位全称", "单位", "执法主体", "执法主体名称"),
    "kind": ("类别", "单位类别", "类型", "单位类型"),
    "short_name": ("简称", "单位简称"),
    "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码"),
    "aliases": ("别名", "其他名称", "曾用名"),
    "groups": ("所属分组", "分组"),
}
COLUMN_LABELS = {"name": "单位名称", "kind": "类别", "short_name": "简称", "credit_code": "统一社会信用代码",
                 "aliases": "别名", "groups": "所属分组"}
PASTE_ORDER = ["name", "kind", "short_name", "credit_code", "aliases", "groups"]

KIND_WORDS = {
    "government": ("县/区人民政府", "人民政府", "政府"),
    "justice": ("司法局", "司法"),
    "enforcement": ("行政执法部门", "执法部门", "部门", "执法单位"),
    "township": ("乡镇/街道", "乡镇", "街道", "乡", "镇"),
    "other": ("其他",),
}
_SPLIT = re.compile(r"[、,，;；/]+")


@dataclass
class PreviewRow:
    line: int  # row number in the file or pasted text, 1-based
    data: UnitInput
    groups: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skip_reason: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and not self.skip_reason


@dataclass
class BulkPreview:
    source: str
    rows: list[PreviewRow]

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows if r.errors)

    @property
    def new_count(self) -> int:
        return sum(1 for r in self.rows if r.ok)


def guess_kind(name: str) -> str:
    if re.search(r"(乡|镇|街道|街道办事处)(人民政府)?$", name):
        return "township"
    if name.endswith("人民政府"):
        return "government"
    if name.endswith("司法局"):
        return "justice"
    if re.search(r"(局|分局|大队|支队|中队|执法队|监督所|管理所|管理站|管理处)$", name):
        return "enforcement"
    return "other"


def parse_kind(text: str, name: str) -> str:
    text = clean_display(text)
    if not text:
        return guess_kind(name)
    for kind, words in KIND_WORDS.items():
        if text == kind or text in words:
            return kind
    raise ValidationError(f"类别“{text}”无法识别，可填：{'、'.join(UNIT_KINDS.values())}。", "kind")


class _RowChecker:
    """Validates preview rows against the register and against the rows before them, so that whatever
    the preview calls new is exactly what the commit can add (the index is built once per preview)."""

    def __init__(self, column: Callable[[int, str], str]) -> None:
        self.column = column
        self.index = name_index.build_index()
        self.codes = {code: name for code, name in Unit.select(Unit.credit_code, Unit.name)
                      .where(Unit.credit_code.is_null(False)).tuples()}
        self.groups = {match_key(g.name) for g in UnitGroup.select()}
        # aliases of retired units are still reserved (they keep old documents resolvable)
        self.reserved = {key for (key,) in NameAlias.select(NameAlias.match_key).tuples()}
        self.rows_by_name: dict[str, int] = {}
        self.names_in_list: dict[str, int] = {}  # short names and aliases of earlier rows

    def build(self, line: int, cells: dict[str, str]) -> PreviewRow:
        name = clean_display(cells.get("name", ""))
        data = UnitInput(name=name, kind="other", short_name=clean_display(cells.get("short_name", "")),
                         aliases=[a.strip() for a in _SPLIT.split(cells.get("aliases", "")) if a.strip()])
        row = PreviewRow(line, data, groups=[g.strip() for g in _SPLIT.split(cells.get("groups", "")) if g.strip()])
        try:
            check_unit_name(name)
        except ValidationError as exc:
            row.errors.append(f"{self.column(line, 'name')}：{exc}")
            return row
        key = match_key(name)
        if key in self.rows_by_name:
            row.skip_reason = f"与第 {self.rows_by_name[key]} 行重复"
            return row
        self.rows_by_name[key] = line
        for match in self.index.get(key, []):
            if match.via != "省略县区名":
                row.skip_reason = f"已存在（{match.label}）"
                return row
        try:
            data.kind = parse_kind(cells.get("kind", ""), name)
        except ValidationError as exc:
            row.errors.append(f"{self.column(line, 'kind')}：{exc}")
        self._check_code(row, cells.get("credit_code", ""))
        self._check_other_names(row)
        for group in row.groups:
            if match_key(group) not in self.groups:
                row.errors.append(f"{self.column(line, 'groups')}：分组“{group}”不存在，请先在“分组”中建立。")
        return row

    def _check_code(self, row: PreviewRow, raw: str) -> None:
        if not raw.strip():
            return
        row.data.credit_code = raw.strip()
        where = self.column(row.line, "credit_code")
        try:
            code = validate_credit_code(raw)
        except ValidationError as exc:
            row.errors.append(f"{where}：{exc}")
            return
        row.data.credit_code = code
        if code in self.codes:
            row.errors.append(f"{where}：统一社会信用代码 {code} 已属于“{self.codes[code]}”。")
        else:
            self.codes[code] = f"第 {row.line} 行的{row.data.name}"

    def _check_other_names(self, row: PreviewRow) -> None:
        own = {match_key(row.data.name)}
        for field_name, names in (("short_name", [row.data.short_name]), ("aliases", row.data.aliases)):
            for other in names:
                key = match_key(other)
                if not key or key in own:  # the row's own name, or written twice in the row
                    continue
                own.add(key)
                taken = [m for m in self.index.get(key, []) if m.via != "省略县区名"]
                where = self.column(row.line, field_name)
                if taken:
                    row.errors.append(f"{where}：“{other}”已用作{taken[0].label}的{taken[0].via}。")
                elif key in self.reserved:
                    row.errors.append(f"{where}：“{other}”是已撤销单位的别名，仍被保留，不能再用。")
                elif key in self.names_in_list or key in self.rows_by_name:
                    first = self.names_in_list.get(key) or self.rows_by_name[key]
                    row.errors.append(f"{where}：“{other}”与第 {first} 行重复。")
                else:
                    self.names_in_list[key] = row.line


def preview_from_text(text: str) -> BulkPreview:
    """One unit per line; columns separated by tabs (as Excel copies them) in PASTE_ORDER."""
    rows: list[PreviewRow] = []
    checker = _RowChecker(lambda n, k: f"第 {n} 行“{COLUMN_LABELS[k]}”")
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        parts = raw.split("\t") if "\t" in raw else [raw]
        if number == 1 and match_key(parts[0]) in {match_key(h) for h in HEADERS["name"]}:
            continue  # a header row copied along with the data
        cells = {key: parts[i].strip() for i, key in enumerate(PASTE_ORDER) if i < len(parts)}
        rows.append(checker.build(number, cells))
    return BulkPreview("粘贴的列表", rows)


def _find_header(rows: list[list[str]], file_name: str) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows[:10]):
        mapping: dict[str, int] = {}
        for col, text in enumerate(row):
            key = match_key(text)
            for field_name, synonyms in HEADERS.items():
                if key in {match_key(s) for s in synonyms} and field_name not in mapping:
                    mapping[field_name] = col
        if "name" in mapping:
            return index, mapping
    raise AppError(f"文件“{file_name}”的前 10 行中找不到“单位名称”列（可用列名：{'、'.join(HEADERS['name'])}）。")


def preview_from_xlsx(path: Path) -> BulkPreview:
    path = Path(path)
    rows = read_xlsx_rows(path)
    if not rows:
        raise AppError(f"文件“{path.name}”的第一个工作表是空的。")
    header_index, mapping = _find_header(rows, path.name)

    def column(line: int, key: str) -> str:
        letter = column_letter(mapping[key]) if key in mapping else "?"
        return f"“{path.name}”第 {line} 行 {letter} 列（{COLUMN_LABELS[key]}）"

    checker = _RowChecker(column)
    preview_rows = []
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        if not any(row):
            continue
        cells = {key: (row[col] if col < len(row) else "") for key, col in mapping.items()}
        preview_rows.append(checker.build(index + 1, cells))
    return BulkPreview(path.name, preview_rows)


def commit_preview(preview: BulkPreview, skip_invalid: bool = False) -> int:
    """Add every new unit of the preview in one transaction; nothing is added if any row is invalid
    (unless `skip_invalid`). Returns the number of units added."""
    if preview.error_count and not skip_invalid:
        raise AppError(f"有 {preview.error_count} 行存在错误，请修改后再导入，或选择跳过有错误的行。")
    groups = {match_key(g.name): g for g in UnitGroup.select()}
    added = 0
    from desktop_app.core.session import backup_open_database

    backup_open_database("导入前")
    with db.atomic():
        index = name_index.build_index()
        for row in preview.rows:
            if not row.ok:
                continue
            unit = create_unit(row.data, index)
            for name in row.groups:
                group = groups[match_key(name)]
                members = explicit_member_ids(group.id) + [unit.id]
                aliases = [a.alias for a in group.aliases]
                update_group(group.id, GroupInput(group.name, group.auto_kind, members, aliases, group.note,
                                                  group.sort_order))
            added += 1
    return added
