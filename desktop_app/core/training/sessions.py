"""Training sessions and attendance: create, edit, copy, add attendees (each with their own hours)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop_app.core import audit
from desktop_app.core.dates import parse_date
from desktop_app.core.db import db
from desktop_app.core.errors import NotFound, ValidationError
from desktop_app.core.models import (
    TRAINING_CATEGORIES,
    TRAINING_FORMS,
    TRAINING_ORGANISERS,
    Attendance,
    Officer,
    TrainingSession,
    Unit,
    now,
)
from desktop_app.core.settings import get_setting
from desktop_app.core.text_norm import clean_display

MAX_HOURS = 500.0  # a whole year of full-time study is about 1,500; one session above 500 is a typo
RESULTS = ("", "合格", "优秀", "良好", "不合格", "未考核")


def days_to_hours(days: float) -> float:
    """Full-time days → 学时 by the settings (1 day = 6, half a day = 3 by default)."""
    per_day = float(get_setting("hours_per_day"))
    per_half = float(get_setting("hours_per_half_day"))
    whole = int(days)
    rest = round(days - whole, 2)
    if rest not in (0, 0.5):
        raise ValidationError(f"天数 {days:g} 只能是整天或半天（如 2.5）。", "days")
    return whole * per_day + (per_half if rest == 0.5 else 0)


@dataclass
class SessionInput:
    name: str
    start_date: dt.date | str
    end_date: dt.date | str | None = None
    organiser: str = "司法局"
    organiser_unit_id: int | None = None
    form: str = "集中轮训"
    category: str = "业务知识"
    default_hours: float = 0.0
    is_rotation: bool = False
    is_mental_health: bool = False
    note: str = ""


LABELS = {"name": "培训名称", "organiser": "组织单位", "organiser_unit_id": "承办单位", "form": "形式",
          "category": "类别", "start_date": "开始日期", "end_date": "结束日期", "default_hours": "学时",
          "is_rotation": "全员轮训", "is_mental_health": "心理健康活动", "note": "备注"}


def check_hours(value: object, label: str = "学时") -> float:
    try:
        hours = float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{label}“{value}”不是数字。", "hours") from None
    if not 0 <= hours <= MAX_HOURS:
        raise ValidationError(f"{label} {hours:g} 不在 0 到 {MAX_HOURS:g} 之间。", "hours")
    return round(hours, 2)


def clean_session(data: SessionInput) -> dict:
    name = clean_display(data.name)
    if not name:
        raise ValidationError("请填写培训名称。", "name")
    if len(name) > 200:
        raise ValidationError("培训名称过长（最多 200 字）。", "name")
    for value, choices, key in ((data.organiser, TRAINING_ORGANISERS, "organiser"), (data.form, TRAINING_FORMS, "form"),
                                (data.category, TRAINING_CATEGORIES, "category")):
        if value not in choices:
            raise ValidationError(f"{LABELS[key]}“{value}”无效，可选：{'、'.join(choices)}。", key)
    start = parse_date(data.start_date, field="开始日期")
    end = parse_date(data.end_date, field="结束日期") if data.end_date not in (None, "") else start
    if end < start:
        raise ValidationError(f"结束日期 {end:%Y-%m-%d} 早于开始日期 {start:%Y-%m-%d}。", "end_date")
    if start > dt.date.today() + dt.timedelta(days=366):
        raise ValidationError(f"开始日期 {start:%Y-%m-%d} 太远（超过一年后）。", "start_date")
    unit_id = data.organiser_unit_id or None
    if unit_id is not None and not Unit.select().where(Unit.id == unit_id).exists():
        raise ValidationError("承办单位不存在。", "organiser_unit_id")
    return {"name": name, "organiser": data.organiser, "organiser_unit": unit_id, "form": data.form,
            "category": data.category, "start_date": start, "end_date": end,
            "default_hours": check_hours(data.default_hours), "is_rotation": bool(data.is_rotation),
            "is_mental_health": bool(data.is_mental_health), "note": clean_display(data.note)}


def get_session(session_id: int) -> TrainingSession:
    found = TrainingSession.get_or_none(TrainingSession.id == session_id)
    if found is None:
        raise NotFound(f"找不到编号为 {session_id} 的培训。")
    return found


def snapshot(session: TrainingSession) -> dict:
    return {LABELS[k]: getattr(session, "organiser_unit_id" if k == "organiser_unit_id" else k) for k in LABELS}


def create_session(data: SessionInput) -> TrainingSession:
    values = clean_session(data)
    with db.atomic():
        session = TrainingSession.create(**values, created_at=now())
        audit.record("create", "training", session.id, None, snapshot(session), summary=f"新增培训：{session.name}")
    return session


def update_session(session_id: int, data: SessionInput) -> TrainingSession:
    session = get_session(session_id)
    values = clean_session(data)
    with db.atomic():
        before = snapshot(session)
        for key, value in values.items():
            setattr(session, key, value)
        session.save()
        audit.record("update", "training", session.id, before, snapshot(session), summary=f"修改培训：{session.name}")
    return session


def delete_session(session_id: int) -> None:
    session = get_session(session_id)
    with db.atomic():
        count = Attendance.select().where(Attendance.session == session.id).count()
        audit.record("delete", "training", session.id, snapshot(session), None,
                     summary=f"删除培训：{session.name}（含 {count} 人次参训记录）")
        session.delete_instance()


def copy_session(session_id: int, start_date: dt.date | str, end_date: dt.date | str | None = None,
                 with_attendees: bool = False) -> TrainingSession:
    """The same course held again (another 期次): same settings, new dates; attendees only if asked."""
    source = get_session(session_id)
    data = SessionInput(source.name, start_date, end_date, source.organiser, source.organiser_unit_id, source.form,
                        source.category, source.default_hours, source.is_rotation, source.is_mental_health,
                        source.note)
    with db.atomic():
        copy = create_session(data)
        if with_attendees:
            rows = Attendance.select(Attendance.officer, Attendance.hours).where(Attendance.session == source.id)
            add_attendees(copy.id, [r.officer_id for r in rows])
    return copy


@dataclass
class AddResult:
    added: int
    already: int  # were on the list already (left as they were)
    refused: list[tuple[int, str]]  # (officer id, reason)


def add_attendees(session_id: int, officer_ids: list[int], hours: float | None = None,
                  result: str = "") -> AddResult:
    """Put officers on the session with `hours` (the session's default when None). Officers already on it
    keep their own hours; 辅助人员 may attend (their hours are kept, the ledger simply does not count them)."""
    session = get_session(session_id)
    hours = check_hours(session.default_hours if hours is None else hours)
    if result not in RESULTS:
        raise ValidationError(f"考核结果“{result}”无效。", "result")
    wanted = list(dict.fromkeys(officer_ids))
    existing = {r[0] for r in Attendance.select(Attendance.officer).where(
        Attendance.session == session.id).tuples()}
    known = {oid: status for oid, status in Officer.select(Officer.id, Officer.status).where(
        Officer.id.in_(wanted)).tuples()} if wanted else {}
    refused = [(oid, "没有这名人员") for oid in wanted if oid not in known]
    new = [oid for oid in wanted if oid in known and oid not in existing]
    with db.atomic():
        for start in range(0, len(new), 500):
            Attendance.insert_many([(session.id, oid, hours, result) for oid in new[start:start + 500]],
                                   fields=[Attendance.session, Attendance.officer, Attendance.hours,
                                           Attendance.result]).execute()
        if new:
            audit.record("update", "training", session.id, {"参训人数": len(existing)},
                         {"参训人数": len(existing) + len(new)},
                         summary=f"添加参训人员：{session.name}，{len(new)} 人，每人 {hours:g} 学时")
    return AddResult(len(new), len([o for o in wanted if o in existing]), refused)


def set_attendance(session_id: int, officer_id: int, hours: float, result: str = "", note: str = "") -> Attendance:
    """One attendee's own hours (left early, came late) and assessment result."""
    row = Attendance.get_or_none((Attendance.session == session_id) & (Attendance.officer == officer_id))
    if row is None:
        raise NotFound("该人员不在这次培训的参训名单中。")
    if result not in RESULTS:
        raise ValidationError(f"考核结果“{result}”无效。", "result")
    with db.atomic():
        before = {"学时": row.hours, "考核结果": row.result, "备注": row.note}
        row.hours, row.result, row.note = check_hours(hours), result, clean_display(note)
        row.save()
        officer = Officer.get_by_id(officer_id)
        audit.record("update", "training", session_id, before, {"学时": row.hours, "考核结果": row.result,
                                                                "备注": row.note},
                     summary=f"修改参训记录：{officer.name}", unit_id=officer.unit_id)
    return row


def remove_attendees(session_id: int, officer_ids: list[int]) -> int:
    session = get_session(session_id)
    with db.atomic():
        removed = Attendance.delete().where((Attendance.session == session.id)
                                            & (Attendance.officer.in_(officer_ids))).execute()
        if removed:
            audit.record("update", "training", session.id, None, {"移出人数": removed},
                         summary=f"移出参训人员：{session.name}，{removed} 人")
    return removed


def officers_of_units(unit_ids: list[int], in_service_only: bool = True) -> list[int]:
    """Attendees picked by unit (or by a group's member units): their 在职 officers."""
    query = Officer.select(Officer.id).where(Officer.unit.in_(unit_ids))
    if in_service_only:
        query = query.where(Officer.status == "在职")
    return [oid for (oid,) in query.tuples()]
