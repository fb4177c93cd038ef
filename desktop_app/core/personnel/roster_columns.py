"""The columns a 人员名册 may have (shared/domain.md §2.2): which field each header means, whatever words
and order a unit used, and how a cell's 是/否 or 出生年月 is read.

Headers are compared after core/import_sheet.header_key: full-width → half-width, no spaces, line breaks, slashes,
asterisks (必填 marks), no leading 是否, and a trailing explanation in brackets may be dropped, so
“身份证号码\n（18位）” is 身份证号码 and “是否为法制审核人员” matches 法制审核人员.
"""
from __future__ import annotations

import datetime as dt
import numbers
import re

from desktop_app.core.dates import parse_date, parse_month
from desktop_app.core.errors import ValidationError
from desktop_app.core.import_sheet import HeaderSynonyms, SheetField, column_problems
from desktop_app.core.tabular import cell_text
from desktop_app.core.text_norm import match_key


class RosterField(SheetField):
    """A column of a 人员名册."""


FIELDS: tuple[RosterField, ...] = (
    RosterField("unit", "单位", ("单位", "执法主体", "所在单位", "单位名称", "工作单位", "所属单位", "执法单位",
                                 "执法主体名称", "执法部门")),
    RosterField("name", "姓名", ("姓名", "名字")),
    RosterField("gender", "性别", ("性别",)),
    RosterField("ethnicity", "民族", ("民族",)),
    RosterField("birth_date", "出生年月", ("出生年月", "出生日期", "出生年月日", "出生时间")),
    RosterField("id_number", "公民身份号码", ("公民身份号码", "身份证号", "身份证号码", "身份证", "居民身份证号码",
                                             "公民身份证号码", "身份证件号码", "公民身份证号")),
    RosterField("political_status", "政治面貌", ("政治面貌",)),
    RosterField("education", "学历", ("学历", "文化程度", "最高学历")),
    RosterField("major", "所学专业", ("所学专业", "专业")),
    RosterField("post", "职务/职级", ("职务/职级", "职务", "职级", "现任职务", "现任职务职级", "职务(职级)")),
    RosterField("category", "人员类别", ("人员类别", "编制性质", "人员性质", "编制类别", "编制类型", "身份类别")),
    RosterField("on_enforcement_post", "执法岗位", ("执法岗位", "是否执法岗位", "是否在执法岗位")),
    RosterField("law_field", "执法类别", ("执法类别", "执法领域", "执法门类")),
    RosterField("region", "执法区域", ("执法区域", "执法地域")),
    RosterField("phone", "联系电话", ("联系电话", "手机", "手机号", "手机号码", "电话", "联系方式")),
    RosterField("is_legal_reviewer", "是否法制审核人员", ("是否法制审核人员", "法制审核人员", "是否为法制审核人员")),
    RosterField("is_public_lawyer", "是否公职律师", ("是否公职律师", "公职律师", "是否为公职律师")),
    RosterField("note", "备注", ("备注",)),
    RosterField("cert_number", "证号", ("证号", "执法证号", "证件编号", "执法证件编号", "执法证编号", "行政执法证号",
                                        "行政执法证件编号")),
    RosterField("cert_issuer", "发证机关", ("发证机关", "发证单位")),
    RosterField("cert_issued_on", "发证日期", ("发证日期", "发证时间")),
    RosterField("cert_valid_until", "有效期至", ("有效期至", "有效期", "有效期限", "证件有效期", "有效截止日期")),
    RosterField("cert_law_field", "证件执法类别", ("证件执法类别", "持证执法类别", "证件执法领域")),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
LABELS = {f.key: f.label for f in FIELDS}
REQUIRED = ("unit", "name", "id_number")
FLAG_FIELDS = ("on_enforcement_post", "is_legal_reviewer", "is_public_lawyer")
MIN_HEADER_FIELDS = 3  # 姓名 plus at least two other fields make a row a header

_SYNONYMS = HeaderSynonyms(FIELDS)
field_for_header = _SYNONYMS.field_for  # the field a header means, or None
guess_mapping = _SYNONYMS.guess  # {column index: field or None}


def mapping_problems(mapping: dict[int, str | None]) -> list[str]:
    """Why this mapping cannot be used: a required field with no column, a field given two columns, a
    certificate number without its dates."""
    problems, where = column_problems(mapping, FIELD_BY_KEY, LABELS)
    for field in REQUIRED:
        if field not in where:
            problems.append(f"没有对应“{LABELS[field]}”的列（可识别的列名：{'、'.join(FIELD_BY_KEY[field].synonyms[:4])}），"
                            "请在列对应中指定。")
    if "cert_number" in where:
        missing = [LABELS[f] for f in ("cert_issued_on", "cert_valid_until") if f not in where]
        if missing:
            problems.append(f"有“证号”列，还须有“{'”和“'.join(missing)}”列。")
    return problems


# ------------------------------------------------------------------------------------------ cell values

_YES = {"是", "√", "✓", "✔", "☑", "y", "yes", "true", "1", "有"}
_NO = {"否", "×", "✗", "✘", "n", "no", "false", "0", "无", "不是", "/"}
_COMMON_FLAGS = {"是": True, "否": False, "√": True, "": False}  # most cells: no normalising needed


def parse_flag(value: object, label: str) -> bool:
    """是/否, √ and a blank (否), Excel's TRUE/FALSE, 1/0."""
    if isinstance(value, bool):
        return value
    if value is None or value in _COMMON_FLAGS:
        return _COMMON_FLAGS.get(value, False)
    text = match_key(cell_text(value))
    if not text or text in _NO:
        return False
    if text in _YES:
        return True
    raise ValidationError(f"{label}“{cell_text(value)[:30]}”无法识别，请填“是”或“否”（或打“√”）。")


def parse_birth(value: object) -> dt.date | None:
    """出生年月 as rosters write it: a full date, or only the month (“1985.03”, “198503”, 1985.3 typed as a
    number), which stands for the 1st of that month."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and (
            1900 <= value < 2101 or 190001 <= value <= 210012):  # year.month or yyyymm, not an Excel serial
        year, month = parse_month(value, field="出生年月")
        return dt.date(year, month, 1)
    try:
        return parse_date(value, field="出生年月")
    except ValidationError as first:
        try:
            year, month = parse_month(value, field="出生年月")
        except ValidationError:
            raise first from None
        return dt.date(year, month, 1)


_RANGE = re.compile(r"\s*(?:至|到|~|～|—|－|–)+\s*")


def split_validity(value: object) -> tuple[object, object] | None:
    """“2022.11.1至2027.10.31” in a 有效期 cell → (start, end) texts, or None when it is one value."""
    if not isinstance(value, str):
        return None
    parts = [p for p in _RANGE.split(value.strip()) if p]
    return (parts[0], parts[1]) if len(parts) == 2 else None
