"""The columns a 培训签到表 or a 学习平台导出 may have (shared/domain.md §3), and how their cells are read.

Headers are compared with core/import_sheet.header_key (full-width → half-width, no spaces, line breaks or
必填 marks, a trailing explanation in brackets dropped), so “身份证号码\n（18位）” is 身份证号码.

What kind of file it is follows from the mapping: a column mapped to 课程名称 makes it a platform export
(one row per officer per course); otherwise it is a sign-in sheet of one session (chosen by the caller)
or of the sessions its 培训名称/开始日期 columns describe.
"""
from __future__ import annotations

import math
import numbers
import re
import unicodedata

from desktop_app.core.errors import ValidationError
from desktop_app.core.import_sheet import HeaderSynonyms, SheetField, column_problems
from desktop_app.core.models import TRAINING_CATEGORIES, TRAINING_FORMS, TRAINING_ORGANISERS
from desktop_app.core.tabular import cell_text
from desktop_app.core.text_norm import match_key

SIGN_IN, PLATFORM = "签到表", "学习平台导出"


class TrainingField(SheetField):
    """A column of a 签到表 or 学习平台导出."""


FIELDS: tuple[TrainingField, ...] = (
    TrainingField("name", "姓名", ("姓名", "名字", "学员姓名", "参训人员", "参训人员姓名", "用户姓名", "真实姓名",
                                  "学员")),
    TrainingField("id_number", "身份证号", ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证",
                                          "居民身份证号码", "公民身份证号码", "身份证件号码", "公民身份证号",
                                          "学员身份证号")),
    TrainingField("cert_number", "证号", ("证号", "执法证号", "执法证件号", "执法证件编号", "执法证编号",
                                        "行政执法证号", "行政执法证件编号", "证件编号")),
    TrainingField("unit", "单位", ("单位", "所在单位", "工作单位", "单位名称", "所属单位", "执法主体", "执法单位",
                                  "执法部门", "部门")),
    TrainingField("hours", "学时", ("学时", "培训学时", "课时", "学时数", "获得学时", "完成学时", "课程学时",
                                   "有效学时", "参训学时")),
    TrainingField("assessment", "考核结果", ("考核结果", "考核情况", "考试结果", "考核", "是否合格")),
    TrainingField("note", "备注", ("备注", "说明")),
    TrainingField("session_name", "培训名称", ("培训名称", "培训班名称", "培训班", "培训项目", "培训项目名称",
                                             "培训主题", "活动名称")),
    TrainingField("course", "课程名称", ("课程名称", "课程", "课程标题", "课程名")),
    TrainingField("start_date", "开始日期", ("开始日期", "开始时间", "培训开始日期", "培训开始时间", "起始日期")),
    TrainingField("end_date", "结束日期", ("结束日期", "结束时间", "培训结束日期", "培训结束时间", "截止日期")),
    TrainingField("date", "完成日期", ("完成日期", "完成时间", "学习日期", "学习时间", "日期", "培训日期",
                                     "培训时间", "参训日期")),
    TrainingField("category", "类别", ("类别", "培训类别", "课程类别", "课程分类", "分类", "培训类型", "内容类别")),
    TrainingField("form", "形式", ("形式", "培训形式", "培训方式", "学习形式")),
    TrainingField("organiser", "组织单位", ("组织单位", "主办单位", "举办单位", "组织部门", "培训组织单位",
                                          "承办单位")),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
LABELS = {f.key: f.label for f in FIELDS}
SESSION_FIELDS = ("session_name", "start_date", "end_date", "date", "category", "form", "organiser")
PERSON_FIELDS = ("id_number", "cert_number", "unit")  # what identifies the person beside the name
MIN_HEADER_FIELDS = 2  # 姓名 and one more field make a row a header (姓名 + 单位 is a sign-in sheet)


_SYNONYMS = HeaderSynonyms(FIELDS)
field_for_header = _SYNONYMS.field_for  # the field a header means, or None
guess_mapping = _SYNONYMS.guess  # {column index: field or None}


def kind_of_mapping(mapping: dict[int, str | None]) -> str:
    return PLATFORM if "course" in mapping.values() else SIGN_IN


def mapping_problems(mapping: dict[int, str | None], session_chosen: bool) -> list[str]:
    """Why this mapping cannot be used (a field twice, 姓名 missing, no way to tell which session …)."""
    problems, where = column_problems(mapping, FIELD_BY_KEY, LABELS)
    if "name" not in where and "id_number" not in where:
        problems.append("没有对应“姓名”的列（可识别的列名：姓名、学员姓名、参训人员），请在列对应中指定。")
    if "course" in where:
        for field in ("id_number", "hours", "date"):
            if field not in where and not (field == "date" and ("end_date" in where or "start_date" in where)):
                problems.append(f"学习平台导出须有“{LABELS[field]}”列（可识别的列名："
                                f"{'、'.join(FIELD_BY_KEY[field].synonyms[:4])}），请在列对应中指定。")
    elif not session_chosen and "session_name" not in where:
        problems.append("没有指定培训：请选择一次已登记的培训，或在表中提供“培训名称”和“开始日期”（或“日期”）列。")
    elif not session_chosen and not {"start_date", "date", "end_date"} & set(where):
        problems.append("表中有“培训名称”列，但没有“开始日期”（或“日期”）列，无法确定是哪一次培训。")
    return problems


# ------------------------------------------------------------------------------------------ cell values

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9, "十": 10}
_HOURS_TEXT = re.compile(r"(\d+(?:\.\d+)?)(?:学时|课时|小时|个学时|个小时|学分|h)?")
_DAYS_TEXT = re.compile(r"(\d+(?:\.\d+)?|[一二两三四五六七八九十])(个)?(?:天|日)(半)?")


def hours_error(text: str, label: str = "学时") -> ValidationError:
    return ValidationError(f"{label}“{text[:30]}”无法识别：请填写数字（如 3 或 3.5），或“半天”“1天”。", "hours")


def parse_hours(value: object, days_to_hours, label: str = "学时") -> float | None:
    """学时 from a number or a text (“3”, “3.5学时”, “半天”, “1天”, “两天半”); None when blank.
    `days_to_hours` converts days by the settings (sessions.days_to_hours). The range is not checked here."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValidationError(f"{label}“{str(value).upper()}”无效：这是是/否值，不是学时。", "hours")
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            raise hours_error(cell_text(value), label)
        return number
    text = cell_text(value)
    compact = "".join(unicodedata.normalize("NFKC", text).split()).lower() if len(text) <= 60 else "?"
    if not compact:
        return None
    match = _HOURS_TEXT.fullmatch(compact)
    if match:
        return float(match.group(1))
    if compact in ("半天", "半日"):
        return days_to_hours(0.5)
    match = _DAYS_TEXT.fullmatch(compact)
    if match:
        whole = match.group(1)
        days = float(_CN_DIGITS[whole]) if whole in _CN_DIGITS else float(whole)
        return days_to_hours(days + (0.5 if match.group(3) else 0))
    raise hours_error(text, label)


_CATEGORY_WORDS = {match_key(c): c for c in TRAINING_CATEGORIES} | {
    "法律知识": "公共法律知识", "公共法律": "公共法律知识", "通用法律知识": "公共法律知识", "公共知识": "公共法律知识",
    "业务": "业务知识", "专业知识": "业务知识", "专门法律知识": "业务知识", "业务知识培训": "业务知识",
    "执法技能": "行政执法技能", "技能": "行政执法技能", "执法实务": "行政执法技能",
    "政治理论教育": "政治理论", "党性教育": "政治理论", "政治理论/党性教育": "政治理论", "政治理论和党性教育": "政治理论",
    "政治理论与党性教育": "政治理论", "政治": "政治理论", "党性": "政治理论"}
_FORM_WORDS = {match_key(f): f for f in TRAINING_FORMS} | {
    "轮训": "集中轮训", "集中培训": "集中轮训", "专题": "专题培训", "网络培训": "网络学习", "在线学习": "网络学习",
    "线上学习": "网络学习", "线上培训": "网络学习", "网上学习": "网络学习", "自学": "在职自学"}
_ORGANISER_WORDS = {match_key(o): o for o in TRAINING_ORGANISERS} | {
    "平台": "网络平台", "学习平台": "网络平台", "上级部门": "上级业务部门", "上级主管部门": "上级业务部门"}
ASSESSMENTS = ("", "合格", "优秀", "良好", "不合格", "未考核")
_ASSESSMENT_WORDS = {a: a for a in ASSESSMENTS} | {
    "通过": "合格", "及格": "合格", "已通过": "合格", "是": "合格", "优": "优秀", "良": "良好", "未通过": "不合格",
    "不及格": "不合格", "否": "不合格", "无": "未考核", "/": "", "-": ""}


def _choice(value: object, words: dict[str, str], choices: tuple[str, ...], label: str) -> str:
    text = cell_text(value)
    key = match_key(text).replace("／", "/")
    if key in words:
        return words[key]
    raise ValidationError(f"{label}“{text[:30]}”无效，可填：{'、'.join(c for c in choices if c)}。", label)


def parse_category(value: object) -> str:
    return _choice(value, _CATEGORY_WORDS, TRAINING_CATEGORIES, "类别")


def parse_form(value: object) -> str:
    return _choice(value, _FORM_WORDS, TRAINING_FORMS, "形式")


def organiser_word(value: object) -> str | None:
    """司法局 / 上级业务部门 / 本单位 / 网络平台 when the cell says one of them; None otherwise (it may then be
    the name of a registered unit)."""
    return _ORGANISER_WORDS.get(match_key(cell_text(value)))


def parse_assessment(value: object) -> str:
    text = cell_text(value)
    found = _ASSESSMENT_WORDS.get("".join(text.split()))
    if found is None:
        raise ValidationError(f"考核结果“{text[:30]}”无效，可填：{'、'.join(a for a in ASSESSMENTS if a)}（或留空）。",
                              "assessment")
    return found
