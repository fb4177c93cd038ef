"""统一社会信用代码 (GB 32100-2015) validation and construction."""
from __future__ import annotations

import re

from desktop_app.core.errors import ValidationError

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I O S V Z
WEIGHTS = [pow(3, i, 31) for i in range(17)]

REGISTRARS = {"1": "机构编制", "5": "民政", "9": "市场监管（工商）", "Y": "其他"}
CATEGORIES = {
    "1": {"1": "机关", "2": "事业单位", "3": "群团组织", "9": "其他"},
    "5": {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"},
    "9": {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
}


def check_character(first17: str) -> str:
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def normalise_credit_code(text: str) -> str:
    """Upper-case and strip spaces, including the full-width ones Word and PDFs insert."""
    table = {ord(c): None for c in " \u3000\t\r\n-"}
    full = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in str(text))
    return full.translate(table).upper()


def validate_credit_code(text: str) -> str:
    """Return the normalised code, or raise ValidationError saying precisely what is wrong."""
    code = normalise_credit_code(text)
    if re.fullmatch(r"\d(\.\d+)?E\+?\d+", code) or isinstance(text, (int, float)):
        raise ValidationError(f"统一社会信用代码“{text}”被 Excel 存成了数字，后几位已经丢失。请把该列设为"
                              "“文本”格式后重新录入。", "credit_code")
    if len(code) != 18:
        raise ValidationError(f"统一社会信用代码应为 18 位，“{text}”为 {len(code)} 位。", "credit_code")
    bad = sorted({c for c in code if c not in CHARSET})
    if bad:
        hint = "（不使用 I、O、S、V、Z）" if set(bad) & set("IOSVZ") else ""
        raise ValidationError(
            f"统一社会信用代码“{code}”含有不允许的字符：{'、'.join(bad)}{hint}。", "credit_code")
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            f"统一社会信用代码“{code}”校验位不符：末位应为“{expected}”，现为“{code[17]}”。请核对是否抄错。",
            "credit_code")
    return code


def is_valid_credit_code(text: str) -> bool:
    try:
        validate_credit_code(text)
    except ValidationError:
        return False
    return True


def describe_credit_code(code: str) -> str:
    """登记管理部门 and 机构类别 in words, e.g. “机构编制 · 机关”."""
    registrar = REGISTRARS.get(code[:1], "未知登记部门")
    category = CATEGORIES.get(code[:1], {}).get(code[1:2], "其他")
    return f"{registrar} · {category}"


def make_credit_code(first17: str) -> str:
    """Complete 17 characters with their check character (used by the demo generator and tests)."""
    first17 = normalise_credit_code(first17)
    if len(first17) != 17 or any(c not in CHARSET for c in first17):
        raise ValueError(first17)
    return first17 + check_character(first17)


ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def org_code_check(first8: str) -> str:
    """Check character of a 组织机构代码 (GB 11714), the 主体标识码 inside a credit code."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(first8, ORG_WEIGHTS))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))
