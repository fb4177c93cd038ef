"""Settings stored in the database (so they travel with it and with its backups).

Every setting is declared here once with its label, type and default; the 设置 page is generated from
these declarations. Thresholds vary by province, so the defaults (shared/domain.md) are only defaults.
"""
from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.errors import ValidationError
from desktop_app.core.models import Setting, now


@dataclass(frozen=True)
class SettingDef:
    key: str
    label: str
    section: str
    kind: str  # text | int | float | percent | date | days_list | choice (one of `choices`) | file
    default: Any
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = field(default_factory=tuple)


SECTIONS = ("基本信息", "公文格式", "考核阈值", "预警提前量", "培训学时", "备份")

SETTINGS: tuple[SettingDef, ...] = (
    SettingDef("county_name", "县（市、区）名称", "基本信息", "text", "",
               "如：红寺堡区。用于报表抬头，也用于把“司法局”识别为“红寺堡区司法局”。"),
    SettingDef("bureau_name", "司法局名称", "基本信息", "text", "", "如：红寺堡区司法局"),
    SettingDef("current_year", "当前工作年度", "基本信息", "int", None,
               "统计、报表默认使用的年度；留空即取当年。", 2000, 2100),
    SettingDef("operator_name", "经办人", "基本信息", "text", "",
               "写入操作记录的经办人姓名；留空则使用电脑的登录用户名。"),
    SettingDef("issuing_authority", "发文机关", "公文格式", "text", "",
               "报表落款与版记中的发文机关全称，如：吴忠市红寺堡区司法局"),
    SettingDef("report_recipient", "报告主送机关", "公文格式", "text", "",
               "年度报告、评估报告的主送机关，如：吴忠市司法局；留空则为“县（市、区）名称＋人民政府”。"),
    SettingDef("doc_number_prefix", "文号机关代字", "公文格式", "text", "",
               "如：红司发。生成的文号形如“红司发〔2026〕5号”。"),
    SettingDef("doc_font_set", "公文字体", "公文格式", "choice", "通用字体",
               "通用字体：华文中宋、仿宋、楷体、黑体，中文版 Windows 和 Office 都有；标准字体：方正小标宋简体、仿宋_GB2312、"
               "楷体_GB2312，须本机已安装；按模板：使用公文模板各样式中设置的字体。",
               choices=("通用字体", "标准字体", "按模板")),
    SettingDef("doc_template", "公文模板", "公文格式", "file", "",
               "留空即使用内置模板（templates_docx/公文模板.docx）。可以把内置模板另存一份，在 Word 中修改样式字体或加上"
               "版头后在这里选择；模板损坏或找不到时自动改用内置格式并提示。"),
    SettingDef("annual_training_hours", "每人每年培训学时下限", "考核阈值", "float", 60.0,
               "公共法律知识、业务知识和行政执法技能培训，不含政治理论学时（国办发〔2023〕27号）。", 1, 500),
    SettingDef("legal_review_ratio", "法制审核人员最低占比（%）", "考核阈值", "percent", 5.0,
               "法制审核人员不少于本单位执法人员总数的比例。", 0, 100),
    SettingDef("complaint_closure_rate", "投诉举报规定时限办结率（%）", "考核阈值", "percent", 90.0, "", 0, 100),
    SettingDef("decision_disclosure_rate", "行政执法决定公开率（%）", "考核阈值", "percent", 100.0, "", 0, 100),
    SettingDef("on_spot_filing_rate", "当场处罚备案率（%）", "考核阈值", "percent", 100.0, "", 0, 100),
    SettingDef("case_entry_rate", "案件录入率（%）", "考核阈值", "percent", 100.0, "", 0, 100),
    SettingDef("flexible_cases_per_year", "柔性执法典型案例（个/单位/年）", "考核阈值", "int", 3, "", 0, 100),
    SettingDef("mental_health_activities_per_year", "心理健康活动（次/年）", "考核阈值", "int", 1, "", 0, 50),
    SettingDef("cert_expiry_warning_days", "证件到期预警（提前天数）", "预警提前量", "days_list", [180, 90, 30],
               "用逗号分隔，从远到近，如：180,90,30"),
    SettingDef("cert_valid_years", "执法证件有效期（年）", "预警提前量", "int", 5,
               "新发证件“有效期至”的默认值：发证日期起若干年减一天。各省规定不同（多为 5 年，内蒙古 6 年）。", 1, 10),
    SettingDef("cert_issuer", "证件发证机关", "预警提前量", "text", "",
               "新发证件“发证机关”的默认值，如：吴忠市红寺堡区人民政府；留空则按县（市、区）名称生成。"),
    SettingDef("task_due_soon_days", "任务即将到期预警（天）", "预警提前量", "int", 30, "", 1, 365),
    SettingDef("standing_report_months", "长期坚持任务报告周期（月）", "预警提前量", "int", 6,
               "长期坚持的任务每隔多少个月应报告一次落实情况：6 为每半年，3 为每季度，12 为每年。", 1, 12),
    SettingDef("rotation_training_deadline", "全员轮训截止日期", "培训学时", "date", "2024-06-30",
               "全国为 2024-06-30；部分方案要求更早（如红寺堡区为 2024-06-15）。"),
    SettingDef("hours_per_day", "脱产培训 1 天折合学时", "培训学时", "float", 6.0, "", 0.5, 24),
    SettingDef("hours_per_half_day", "脱产培训半天折合学时", "培训学时", "float", 3.0, "", 0.5, 12),
    SettingDef("backup_keep_daily", "保留每日备份（天）", "备份", "int", 7,
               "自动备份按“最近若干天每天一份、若干周每周一份、若干月每月一份”保留，其余自动删除。", 1, 365),
    SettingDef("backup_keep_weekly", "保留每周备份（周）", "备份", "int", 4, "", 0, 104),
    SettingDef("backup_keep_monthly", "保留每月备份（月）", "备份", "int", 12, "", 0, 120),
)

BY_KEY = {definition.key: definition for definition in SETTINGS}


def _definition(key: str) -> SettingDef:
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown setting {key!r}") from None


def default_value(key: str) -> Any:
    definition = _definition(key)
    if key == "current_year" and definition.default is None:
        return dt.date.today().year
    return definition.default


def get_setting(key: str) -> Any:
    row = Setting.get_or_none(Setting.key == key)
    if row is None:
        return default_value(key)
    value = json.loads(row.value)
    return default_value(key) if value is None else value


def stored_settings() -> dict[str, Any]:
    """Only what the clerk has saved (a setting never saved follows its default, even a moving one)."""
    return {row.key: json.loads(row.value) for row in Setting.select()}


def all_settings() -> dict[str, Any]:
    stored = {row.key: json.loads(row.value) for row in Setting.select()}
    return {d.key: stored[d.key] if stored.get(d.key) is not None else default_value(d.key) for d in SETTINGS}


def parse_setting(key: str, raw: Any) -> Any:
    """Turn what the clerk typed into the stored value, or raise a ValidationError naming the field."""
    d = _definition(key)
    text = str(raw).strip() if raw is not None else ""
    if d.kind in ("text", "file"):
        return text
    if d.kind == "choice":
        if text not in d.choices:
            raise ValidationError(f"“{d.label}”只能是{'、'.join(d.choices)}之一，现为“{text}”。", key)
        return text
    if text == "":
        if key == "current_year":
            return None
        raise ValidationError(f"“{d.label}”不能为空。", key)
    if d.kind in ("int", "float", "percent"):
        try:
            number = float(text.rstrip("%％"))
        except ValueError:
            raise ValidationError(f"“{d.label}”应为数字，现为“{text}”。", key) from None
        if not math.isfinite(number):  # float() accepts "nan" and "1e999"
            raise ValidationError(f"“{d.label}”应为数字，现为“{text}”。", key)
        if d.kind == "int":
            if number != int(number):
                raise ValidationError(f"“{d.label}”应为整数，现为“{text}”。", key)
            number = int(number)
        _check_range(d, number)
        return number
    if d.kind == "date":
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValidationError(f"“{d.label}”应为日期（如 2024-06-30），现为“{text}”。", key) from None
    if d.kind == "days_list":
        parts = [p for p in text.replace("，", ",").replace("、", ",").split(",") if p.strip()]
        try:
            days = sorted({int(p) for p in parts}, reverse=True)
        except ValueError:
            raise ValidationError(f"“{d.label}”应为用逗号分隔的天数，如 180,90,30。", key) from None
        if not days or days[-1] <= 0:
            raise ValidationError(f"“{d.label}”中的天数应大于 0。", key)
        return days
    raise AssertionError(d.kind)


def _check_range(d: SettingDef, number: float) -> None:
    if d.minimum is not None and number < d.minimum or d.maximum is not None and number > d.maximum:
        raise ValidationError(f"“{d.label}”应在 {d.minimum:g} 到 {d.maximum:g} 之间，现为 {number:g}。", d.key)


def set_setting(key: str, raw: Any) -> Any:
    return set_settings({key: raw})[key]


def set_settings(values: dict[str, Any]) -> dict[str, Any]:
    """Validate every value first, then store them all in one transaction (all or nothing); the audit
    trail gets one entry listing every setting that changed."""
    from desktop_app.core import audit
    from desktop_app.core.db import db

    parsed = {key: parse_setting(key, raw) for key, raw in values.items()}
    with db.atomic():
        stored = stored_settings()
        # a value equal to what is in force now (stored, or the default) is not written: an unsaved
        # setting keeps following its default
        current = {k: stored[k] if k in stored else BY_KEY[k].default for k in parsed}
        changed = {k: v for k, v in parsed.items() if current[k] != v}
        for key, value in changed.items():
            (Setting.insert(key=key, value=json.dumps(value, ensure_ascii=False), updated_at=now())
             .on_conflict_replace().execute())
        before = {BY_KEY[k].label: current[k] for k in changed}
        after = {BY_KEY[k].label: v for k, v in changed.items()}
        audit.record("update", "setting", None, before, after, "设置")
    return parsed


def format_setting(key: str, value: Any) -> str:
    d = _definition(key)
    if value is None:
        return ""
    if d.kind == "days_list":
        return ",".join(str(v) for v in value)
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)
