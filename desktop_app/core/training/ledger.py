"""The training ledger (培训学时台账), computed from attendance each time, never stored.

Hours count on the session's end date. 政治理论/党性教育 hours are recorded and shown apart but do not count
toward the annual threshold (设置 → 每人每年培训学时下限, 60 by default; 国办发〔2023〕27号). A range shorter
than a year is measured against the threshold prorated by days, so 上半年 asks for about 30.
The population is the 在职 enforcement officers (辅助人员 are not 执法人员) in each unit on the range's last
day — moves and departures replayed from history (personnel/roster.as_of_service).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from desktop_app.core.db import db
from desktop_app.core.models import POLITICAL_CATEGORY, TRAINING_CATEGORIES
from desktop_app.core.personnel import dictionaries
from desktop_app.core.personnel.roster import as_of_service
from desktop_app.core.settings import get_setting

COUNTED = tuple(c for c in TRAINING_CATEGORIES if c != POLITICAL_CATEGORY)


def year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def threshold_for(start: dt.date, end: dt.date) -> float:
    """The hours asked of one officer over [start, end]: the annual figure for a calendar year (or longer
    ranges in whole years), prorated by days otherwise, rounded to half an hour."""
    annual = float(get_setting("annual_training_hours"))
    days = (end - start).days + 1
    if start.month == 1 and start.day == 1 and end.month == 12 and end.day == 31:
        return annual * (end.year - start.year + 1)
    return round(annual * days / 365 * 2) / 2


@dataclass
class OfficerHours:
    officer_id: int
    by_category: dict[str, float] = field(default_factory=dict)
    sessions: int = 0
    rotation: bool = False  # attended a 轮训 session on or before the rotation deadline

    @property
    def countable(self) -> float:
        return sum(h for c, h in self.by_category.items() if c != POLITICAL_CATEGORY)

    @property
    def political(self) -> float:
        return self.by_category.get(POLITICAL_CATEGORY, 0.0)

    def shortfall(self, threshold: float) -> float:
        return max(0.0, round(threshold - self.countable, 2))


def _period(start: dt.date, end: dt.date) -> list[str]:
    if end < start:
        from desktop_app.core.errors import ValidationError

        raise ValidationError(f"统计区间的结束日期 {end:%Y-%m-%d} 早于开始日期 {start:%Y-%m-%d}。")
    return [start.isoformat(), end.isoformat()]


HOURS_SQL = """
SELECT a.officer_id, s.category, sum(a.hours), count(*)
FROM training_session s JOIN attendance a ON a.session_id = s.id
WHERE s.end_date BETWEEN ? AND ? {where}
GROUP BY a.officer_id, s.category
"""
ROTATION_SQL = """
SELECT DISTINCT a.officer_id
FROM training_session s JOIN attendance a ON a.session_id = s.id
WHERE s.is_rotation = 1 AND s.end_date <= ? {where}
"""


def rotation_deadline() -> dt.date:
    value = get_setting("rotation_training_deadline")
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def officer_hours(start: dt.date, end: dt.date, officer_ids: list[int] | None = None) -> dict[int, OfficerHours]:
    """Each officer's hours in [start, end] (officers with none are absent: callers use .get)."""
    params = _period(start, end)
    where = ""
    if officer_ids is not None:
        if not officer_ids:
            return {}
        where = f"AND a.officer_id IN ({','.join('?' * len(officer_ids))})"
        params += list(officer_ids)
    found: dict[int, OfficerHours] = {}
    for officer_id, category, hours, count in db.execute_sql(HOURS_SQL.format(where=where), params):
        entry = found.get(officer_id)
        if entry is None:
            entry = found[officer_id] = OfficerHours(officer_id)
        entry.by_category[category] = round(hours, 2)
        entry.sessions += count
    deadline = min(rotation_deadline(), end)
    rotation_params = [deadline.isoformat()] + (list(officer_ids) if officer_ids is not None else [])
    for (officer_id,) in db.execute_sql(ROTATION_SQL.format(where=where), rotation_params):
        entry = found.get(officer_id)
        if entry is None:
            entry = found[officer_id] = OfficerHours(officer_id)
        entry.rotation = True
    return found


@dataclass(frozen=True)
class Member:
    """An officer counted in a unit's ledger on the range's last day."""

    id: int
    name: str
    unit_id: int
    unit_name: str


def population(end: dt.date, unit_id: int | None = None) -> list[Member]:
    """在职 enforcement officers on `end`, by unit (moves and departures after it are undone)."""
    auxiliary = dictionaries.auxiliary_categories()
    past = as_of_service(end) if end < dt.date.today() else {}
    sql = ("SELECT o.id, o.name, o.unit_id, u.name, o.status, o.category FROM officer o "
           "JOIN unit u ON u.id = o.unit_id")
    params: list = []
    if unit_id is not None and not past:
        sql += " WHERE o.unit_id = ?"
        params.append(unit_id)
    members = []
    for oid, name, uid, uname, status, category in db.execute_sql(sql + " ORDER BY u.sort_order, u.id, o.name", params):
        if oid in past:
            uid, uname, status = past[oid]
        if status != "在职" or category in auxiliary or (unit_id is not None and uid != unit_id):
            continue
        members.append(Member(oid, name, uid, uname))
    return members


@dataclass
class UnitTraining:
    unit_id: int
    unit_name: str
    officers: int = 0
    rotated: int = 0
    total_hours: float = 0.0
    reaching: int = 0
    short: list[tuple[Member, float]] = field(default_factory=list)  # (officer, shortfall)
    mental_health_sessions: int = 0

    @property
    def rotation_rate(self) -> float:
        return self.rotated / self.officers if self.officers else 0.0

    @property
    def average_hours(self) -> float:
        return self.total_hours / self.officers if self.officers else 0.0

    @property
    def reach_rate(self) -> float:
        return self.reaching / self.officers if self.officers else 0.0


MENTAL_SQL = """
SELECT DISTINCT s.id, s.organiser_unit_id, a.officer_id
FROM training_session s LEFT JOIN attendance a ON a.session_id = s.id
WHERE s.is_mental_health = 1 AND s.end_date BETWEEN ? AND ?
"""


def unit_summaries(start: dt.date, end: dt.date, unit_id: int | None = None) -> list[UnitTraining]:
    """Per unit: officers, 轮训 attended (by the deadline), hours, reaching the threshold, those short and
    by how much, 心理健康 activities held (organised by the unit or attended by its officers)."""
    members = population(end, unit_id)
    hours = officer_hours(start, end, [m.id for m in members] if unit_id is not None else None)
    threshold = threshold_for(start, end)
    units: dict[int, UnitTraining] = {}
    for member in members:
        unit = units.get(member.unit_id)
        if unit is None:
            unit = units[member.unit_id] = UnitTraining(member.unit_id, member.unit_name)
        entry = hours.get(member.id)
        countable = entry.countable if entry else 0.0
        unit.officers += 1
        unit.total_hours += countable
        unit.rotated += bool(entry and entry.rotation)
        if countable + 1e-9 >= threshold:
            unit.reaching += 1
        else:
            unit.short.append((member, round(threshold - countable, 2)))
    by_officer = {m.id: m.unit_id for m in members}
    held: dict[int, set[int]] = {}
    for session_id, organiser, officer_id in db.execute_sql(MENTAL_SQL, _period(start, end)):
        for uid in (organiser, by_officer.get(officer_id)):
            if uid is not None:
                held.setdefault(uid, set()).add(session_id)
    for unit in units.values():
        unit.mental_health_sessions = len(held.get(unit.unit_id, ()))
        unit.short.sort(key=lambda pair: -pair[1])
    return list(units.values())


def under_trained(year: int) -> dict[int, float]:
    """Officer id → shortfall in `year` for every 在职 officer below the threshold (a 年审 risk)."""
    start, end = year_range(year)
    threshold = threshold_for(start, end)
    members = population(end)
    hours = officer_hours(start, end)
    found = {}
    for member in members:
        entry = hours.get(member.id)
        countable = entry.countable if entry else 0.0
        if countable + 1e-9 < threshold:
            found[member.id] = round(threshold - countable, 2)
    return found
