"""The roster: checking and saving an officer, moving them between units and recording departures.

Checks run field by field and collect every problem, so a form can mark each field and an import can
name each cell; `clean_officer` is the one place the rules live.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, fields

from desktop_app.core import audit
from desktop_app.core.dates import parse_date
from desktop_app.core.db import db
from desktop_app.core.errors import NotFound, ValidationError
from desktop_app.core.id_card import validate_id_number
from desktop_app.core.models import (
    OFFICER_STATES,
    AnnualAppraisal,
    DictItem,
    Officer,
    OfficerChange,
    Unit,
    now,
)
from desktop_app.core.personnel import dictionaries
from desktop_app.core.text_norm import clean_display

FIELD_LABELS = {
    "unit_id": "单位", "name": "姓名", "id_number": "公民身份号码", "gender": "性别", "ethnicity": "民族",
    "birth_date": "出生日期", "political_status": "政治面貌", "education": "学历", "major": "所学专业",
    "post": "职务/职级", "category": "人员类别", "on_enforcement_post": "执法岗位", "law_field": "执法领域",
    "region": "执法区域", "phone": "联系电话", "is_legal_reviewer": "法制审核人员",
    "is_public_lawyer": "公职律师", "status": "在职状态", "note": "备注",
}
GENDERS = ("男", "女")
EDUCATION = ("研究生", "大学本科", "大学专科", "中专", "高中", "初中及以下")
POLITICAL = ("中共党员", "中共预备党员", "共青团员", "民主党派", "无党派人士", "群众")
MAX_TEXT = 200


@dataclass
class OfficerInput:
    unit_id: int | None
    name: str
    id_number: str
    gender: str = ""
    ethnicity: str = ""
    birth_date: dt.date | str | None = None
    political_status: str = ""
    education: str = ""
    major: str = ""
    post: str = ""
    category: str = ""
    on_enforcement_post: bool = True
    law_field: str = ""
    region: str = ""
    phone: str = ""
    is_legal_reviewer: bool = False
    is_public_lawyer: bool = False
    note: str = ""


class OfficerErrors(ValidationError):
    """Every problem found in one officer's data; `errors` keeps them per field."""

    def __init__(self, errors: list[ValidationError]) -> None:
        super().__init__("；".join(e.message for e in errors), errors[0].field if errors else None)
        self.errors = errors


class DuplicateOfficer(ValidationError):
    """The 身份证号 is already on the roster; `officer_id` lets the form open that person instead."""

    def __init__(self, message: str, officer_id: int) -> None:
        super().__init__(message, "id_number")
        self.officer_id = officer_id


def get_officer(officer_id: int) -> Officer:
    officer = Officer.get_or_none(Officer.id == officer_id)
    if officer is None:
        raise NotFound(f"找不到编号为 {officer_id} 的执法人员，可能已被删除。")
    return officer


def clean_phone(value: str) -> str:
    text = "".join(unicodedata.normalize("NFKC", str(value or "")).split())
    if not text:
        return ""
    # characters and length are checked apart, so that “12345” is not told it holds other characters
    if not re.fullmatch(r"\+?[0-9\-－—()（）]+", text):
        raise ValidationError(f"联系电话“{text[:30]}”含有数字和连字符以外的字符。", "phone")
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and digits.startswith("1"):
        return digits
    if text.startswith("1") and len(digits) != 11 and "-" not in text:
        raise ValidationError(f"联系电话“{text[:30]}”不是 11 位手机号码（现为 {len(digits)} 位）。", "phone")
    if not 7 <= len(digits) <= 20:
        raise ValidationError(f"联系电话“{text[:30]}”位数不对（{len(digits)} 位数字），请核对。", "phone")
    return text


def _text(value: object, name: str) -> str:
    text = clean_display(str(value or ""))
    if len(text) > MAX_TEXT:
        raise ValidationError(f"{FIELD_LABELS[name]}过长（{len(text)} 个字，最多 {MAX_TEXT} 个字）。", name)
    return text


@dataclass
class OfficerLookups:
    """What `clean_officer` reads from the database, loaded once: a roster import checks 20,000 rows
    without three queries per row. Without it each check queries, as a form saving one officer does."""

    units: dict[int, tuple[str, bool]]  # id → (name, retired)
    dictionary: dict[str, list[str]]  # kind → active values in order
    dictionary_all: dict[str, set[str]]  # kind → values, retired ones included
    officer_ids: dict[str, int]  # 身份证号 → officer id

    @classmethod
    def load(cls) -> OfficerLookups:
        units = {uid: (name, retired is not None)
                 for uid, name, retired in Unit.select(Unit.id, Unit.name, Unit.retired_on).tuples()}
        active: dict[str, list[str]] = {}
        every: dict[str, set[str]] = {}
        query = DictItem.select(DictItem.kind, DictItem.value, DictItem.retired).order_by(
            DictItem.sort_order, DictItem.id).tuples()
        for kind, value, retired in query:
            every.setdefault(kind, set()).add(value)
            if not retired:
                active.setdefault(kind, []).append(value)
        officer_ids = dict(Officer.select(Officer.id_number, Officer.id).tuples())
        return cls(units, active, every, officer_ids)


def _unit_facts(unit_id: int, lookups: OfficerLookups | None) -> tuple[str, bool] | None:
    if lookups is not None:
        return lookups.units.get(unit_id)
    found = Unit.get_or_none(Unit.id == unit_id)
    return None if found is None else (found.name, found.retired_on is not None)


def _dictionary(kind: str, lookups: OfficerLookups | None, include_retired: bool = False):
    if lookups is None:
        return dictionaries.values(kind, include_retired=include_retired)
    return lookups.dictionary_all.get(kind, set()) if include_retired else lookups.dictionary.get(kind, [])


def _clash(number: str, officer_id: int | None, lookups: OfficerLookups | None) -> Officer | None:
    if lookups is not None:
        clash_id = lookups.officer_ids.get(number)
        return Officer.get_by_id(clash_id) if clash_id not in (None, officer_id) else None
    return Officer.get_or_none((Officer.id_number == number) & (Officer.id != (officer_id or 0)))


def _current_unit(officer_id: int) -> int | None:
    row = Officer.select(Officer.unit).where(Officer.id == officer_id).tuples().first()
    return row[0] if row else None


def duplicate_message(existing: Officer) -> str:
    unit = Unit.get_by_id(existing.unit_id).name
    return (f"身份证号码 {existing.id_number} 已登记为“{existing.name}”（{unit}，{existing.status}），"
            "同一人不能重复登记。")


def clean_officer(data: OfficerInput, officer_id: int | None = None, *, today: dt.date | None = None,
                  check_duplicate: bool = True, lookups: OfficerLookups | None = None) -> dict:
    """The values to store, or OfficerErrors listing every bad field. `lookups` (OfficerLookups.load())
    replaces the per-call queries when many officers are checked at once."""
    errors: list[ValidationError] = []
    values: dict = {}

    def attempt(name: str, make) -> None:
        try:
            values[name] = make()
        except ValidationError as exc:
            errors.append(ValidationError(exc.message, name))

    def unit():
        if not data.unit_id:
            raise ValidationError("请选择所在单位。")
        try:
            unit_id = int(data.unit_id)
        except (TypeError, ValueError):
            unit_id = None
        found = _unit_facts(unit_id, lookups) if unit_id is not None else None
        if found is None:
            raise ValidationError(f"单位（编号 {data.unit_id}）不存在。")
        if found[1] and not (officer_id and _current_unit(officer_id) == unit_id):
            # people already there stay editable; the clerk moves them when the unit is wound up
            raise ValidationError(f"单位“{found[0]}”已撤销，不能再登记人员。")
        return unit_id

    def name():
        text = _text(data.name, "name")
        if not text:
            raise ValidationError("姓名不能为空。")
        if len(text) > 30 or re.search(r"\d", text):
            raise ValidationError(f"姓名“{text[:30]}”不像人名（含数字或过长）。")
        return text

    attempt("unit_id", unit)
    attempt("name", name)
    parsed = None
    try:
        parsed = validate_id_number(data.id_number, today=today)
        values["id_number"] = parsed.number
    except ValidationError as exc:
        errors.append(ValidationError(exc.message, "id_number"))

    def gender():
        text = _text(data.gender, "gender").removesuffix("性")
        if text and text not in GENDERS:
            raise ValidationError(f"性别“{text}”无效，应为“男”或“女”。")
        if parsed and text and text != parsed.gender:
            raise ValidationError(f"性别“{text}”与身份证号码不符（号码第 17 位表示{parsed.gender}性）。")
        return text or (parsed.gender if parsed else "")

    def birth():
        raw = data.birth_date
        day = None
        if raw not in (None, ""):
            day = parse_date(raw, field="出生日期")
        # a roster often holds only 出生年月 (read as the 1st): the month agreeing is enough
        if parsed and day and day != parsed.birth_date and (
                (day.year, day.month) != (parsed.birth_date.year, parsed.birth_date.month) or day.day != 1):
            raise ValidationError(f"出生日期 {day:%Y-%m-%d} 与身份证号码中的 "
                                      f"{parsed.birth_date:%Y-%m-%d} 不符。")
        return parsed.birth_date if parsed else day

    attempt("gender", gender)
    attempt("birth_date", birth)
    for name_ in ("ethnicity", "political_status", "education", "major", "post", "region", "note"):
        attempt(name_, lambda n=name_: _text(getattr(data, n), n))

    def from_dictionary(name_: str, kind: str):
        text = _text(getattr(data, name_), name_)
        if text and text not in _dictionary(kind, lookups, include_retired=True):
            choices = "、".join(_dictionary(kind, lookups))
            raise ValidationError(f"{FIELD_LABELS[name_]}“{text}”不在字典中。可选：{choices}"
                                  "（可在“执法人员 → 字典”中添加）。")
        return text

    attempt("category", lambda: from_dictionary("category", dictionaries.CATEGORY))
    attempt("law_field", lambda: from_dictionary("law_field", dictionaries.LAW_FIELD))
    attempt("phone", lambda: clean_phone(data.phone))
    for flag in ("on_enforcement_post", "is_legal_reviewer", "is_public_lawyer"):
        values[flag] = bool(getattr(data, flag))
    if "id_number" in values and check_duplicate:
        clash = _clash(values["id_number"], officer_id, lookups)
        if clash is not None:
            errors.append(DuplicateOfficer(duplicate_message(clash), clash.id))
    if errors:
        raise OfficerErrors(errors)
    return values


def officer_snapshot(officer: Officer) -> dict:
    """Field values under their Chinese labels, for the audit trail."""
    snap = {}
    for name, label in FIELD_LABELS.items():
        value = getattr(officer, name)
        if name == "unit_id":
            value = Unit.get_by_id(value).name
        elif isinstance(value, bool):
            value = "是" if value else "否"
        snap[label] = value
    return snap


def create_officer(data: OfficerInput, on_date: dt.date | None = None) -> Officer:
    values = clean_officer(data)
    with db.atomic():
        officer = Officer.create(**values)
        OfficerChange.create(officer=officer, kind="登记", on_date=on_date or dt.date.today(),
                             to_unit=officer.unit_id, entered_by=audit.current_actor())
        audit.record("create", "officer", officer.id, None, officer_snapshot(officer),
                     summary=f"登记执法人员：{officer.name}", unit_id=officer.unit_id)
    return officer


def update_officer(officer_id: int, data: OfficerInput) -> Officer:
    """Edit the record. A different unit here is a correction of a typo; a real transfer is `move_officer`,
    which keeps history — the form offers that separately."""
    officer = get_officer(officer_id)
    values = clean_officer(data, officer_id)
    with db.atomic():
        before = officer_snapshot(officer)
        for key, value in values.items():
            setattr(officer, key, value)
        officer.updated_at = now()
        officer.save()
        audit.record("update", "officer", officer.id, before, officer_snapshot(officer),
                     summary=f"修改执法人员：{officer.name}", unit_id=officer.unit_id)
    return officer


def _day(value: dt.date | str | None, label: str) -> dt.date:
    if value in (None, ""):
        return dt.date.today()
    day = parse_date(value, field=label)  # also turns a datetime (an Excel cell) into a date
    if day > dt.date.today():
        raise ValidationError(f"{label} {day:%Y-%m-%d} 晚于今天。", "on_date")
    return day


def move_officer(officer_id: int, to_unit_id: int, on_date: dt.date | str | None = None, reason: str = "",
                 doc_number: str = "") -> Officer:
    """调动 within the county: the officer keeps their record and certificates (a certificate names the
    unit, so the clerk reviews it at 清理)."""
    officer = get_officer(officer_id)
    day = _day(on_date, "调动日期")
    target = Unit.get_or_none(Unit.id == to_unit_id)
    if target is None or target.retired_on is not None:
        raise ValidationError("请选择一个现有的单位。", "unit_id")
    if target.id == officer.unit_id:
        raise ValidationError(f"{officer.name}已在“{target.name}”。", "unit_id")
    if officer.status != "在职":
        raise ValidationError(f"{officer.name}已{officer.status}，不能调动。", "unit_id")
    with db.atomic():
        before = officer_snapshot(officer)
        OfficerChange.create(officer=officer, kind="调动", on_date=day, from_unit=officer.unit_id,
                             to_unit=target.id, reason=clean_display(reason), doc_number=clean_display(doc_number),
                             entered_by=audit.current_actor())
        officer.unit = target.id
        officer.updated_at = now()
        officer.save()
        audit.record("update", "officer", officer.id, before, officer_snapshot(officer),
                     summary=f"调动：{officer.name} → {target.name}", unit_id=target.id)
    return officer


LEAVING_TO_CANCEL_REASON = {"调离": "调离", "退休": "退休", "辞职": "辞职", "死亡": "死亡"}


def set_status(officer_id: int, status: str, on_date: dt.date | str | None = None, reason: str = "",
               doc_number: str = "", cancel_certificates: bool = True) -> Officer:
    """调离/退休/辞职/死亡, or back to 在职. Leaving cancels the officer's live certificates by default
    (注销, shared/domain.md §2.3) in the same transaction."""
    from desktop_app.core.personnel import certificates

    if status not in OFFICER_STATES:
        raise ValidationError(f"在职状态“{status}”无效，可选：{'、'.join(OFFICER_STATES)}。", "status")
    officer = get_officer(officer_id)
    if officer.status == status:
        raise ValidationError(f"{officer.name}已经是“{status}”。", "status")
    day = _day(on_date, "日期")
    with db.atomic():
        before = officer_snapshot(officer)
        OfficerChange.create(officer=officer, kind="恢复在职" if status == "在职" else status, on_date=day,
                             from_unit=officer.unit_id, reason=clean_display(reason),
                             doc_number=clean_display(doc_number), entered_by=audit.current_actor())
        officer.status = status
        officer.status_date = None if status == "在职" else day
        officer.updated_at = now()
        officer.save()
        audit.record("update", "officer", officer.id, before, officer_snapshot(officer),
                     summary=f"{status}：{officer.name}", unit_id=officer.unit_id)
        if status != "在职" and cancel_certificates:
            for cert in officer.certificates:
                state = certificates.state_of(cert, day)
                if state.live:
                    certificates.add_event(cert.id, "cancel", day, reason=LEAVING_TO_CANCEL_REASON[status],
                                           doc_number=doc_number)
    return officer


def history(officer_id: int) -> list[OfficerChange]:
    return list(OfficerChange.select().where(OfficerChange.officer == officer_id)
                .order_by(OfficerChange.on_date, OfficerChange.id))


def input_from(officer: Officer) -> OfficerInput:
    """The form's starting values for an existing officer."""
    kwargs = {f.name: getattr(officer, f.name) for f in fields(OfficerInput) if f.name != "unit_id"}
    return OfficerInput(unit_id=officer.unit_id, **kwargs)


APPRAISAL_RESULTS = ("优秀", "称职", "合格", "基本称职", "基本合格", "不称职", "不合格", "不定等次")


def set_appraisal(officer_id: int, year: int, result: str, note: str = "") -> AnnualAppraisal:
    """年度考核 result for one year (re-entering a year replaces it, audited)."""
    officer = get_officer(officer_id)
    if result not in APPRAISAL_RESULTS:
        raise ValidationError(f"考核结果“{result}”无效，可选：{'、'.join(APPRAISAL_RESULTS)}。", "result")
    if not 1990 <= int(year) <= dt.date.today().year:
        raise ValidationError(f"考核年度 {year} 无效。", "year")
    with db.atomic():
        row = AnnualAppraisal.get_or_none((AnnualAppraisal.officer == officer.id) & (AnnualAppraisal.year == year))
        before = {"年度": year, "结果": row.result} if row else None
        if row is None:
            row = AnnualAppraisal.create(officer=officer.id, year=year, result=result, note=clean_display(note))
        else:
            row.result, row.note = result, clean_display(note)
            row.save()
        audit.record("update" if before else "create", "appraisal", row.id, before, {"年度": year, "结果": result},
                     summary=f"年度考核：{officer.name} {year} 年 {result}", unit_id=officer.unit_id)
    return row
