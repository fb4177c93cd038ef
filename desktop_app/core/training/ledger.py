"""The training ledger (培训学时台账), computed from attendance each time, never stored.

Hours count on the session's end date. 政治理论/党性教育 hours are recorded and shown apart but do not count
toward the annual threshold (设置 → 每人每年培训学时下限, 60 by default; 国办发〔2023〕27号). A range shorter
than a year is measured against the threshold prorated by days, so 上半年 asks for about 30.
The population is the 在职 enforcement officers (辅助人员 are not 执法人员) in each unit on the range's last
day — moves and departures replayed from history (personnel/roster.as_of_service).
"""
from __future__ import annotations

import datetime as dt
import functools
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

    @functools.cached_property
    def countable(self) -> float:
        """Worked out once: a ledger reads it several times per officer (by_category is not changed after)."""
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


# One row per officer with a sum per category present in the range, sessions first through their end-date
# index (grouping by officer and category instead hands Python three times the rows: 1.5× the time). Each
# session's category is turned into its number once (the CTE) so that the per-row sums test an integer, not
# a text parameter per category: about 0.85× the time for everyone's hours at prefecture scale.
HOURS_SQL = """
WITH s AS MATERIALIZED (
  SELECT id, CASE category {cases} END AS k FROM training_session WHERE end_date BETWEEN ? AND ?)
SELECT a.officer_id, count(*), {sums}
FROM s JOIN attendance a ON a.session_id = s.id
{where}
GROUP BY a.officer_id
"""
CATEGORIES_SQL = "SELECT DISTINCT category FROM training_session WHERE end_date BETWEEN ? AND ?"
# CROSS JOIN keeps the sessions outside: without it SQLite walks the whole attendance index (every year's
# rows) to find the few 轮训 sessions' attendees. With a list of officers their own index is quicker.
ROTATION_SQL = """
SELECT DISTINCT a.officer_id
FROM training_session s {join} attendance a ON a.session_id = s.id
WHERE s.is_rotation = 1 AND s.end_date <= ? {where}
"""
MAX_LISTED = 2000  # more officers than this: sum everyone's, keep theirs (a long IN list is slower)


def rotation_deadline() -> dt.date:
    value = get_setting("rotation_training_deadline")
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def officer_hours(start: dt.date, end: dt.date, officer_ids: list[int] | None = None) -> dict[int, OfficerHours]:
    """Each officer's hours in [start, end] (officers with none are absent: callers use .get)."""
    params = _period(start, end)
    if officer_ids is not None and len(officer_ids) > MAX_LISTED:
        wanted = set(officer_ids)
        return {oid: entry for oid, entry in officer_hours(start, end).items() if oid in wanted}
    where = ""
    listed: list = []
    if officer_ids is not None:
        if not officer_ids:
            return {}
        where = f"a.officer_id IN ({','.join('?' * len(officer_ids))})"
        listed = list(officer_ids)
    categories = [c for (c,) in db.execute_sql(CATEGORIES_SQL, params)]
    found: dict[int, OfficerHours] = {}
    if categories:
        cases = " ".join(f"WHEN ? THEN {n}" for n in range(len(categories)))
        sums = ", ".join(f"round(sum(a.hours) FILTER (WHERE s.k = {n}), 2)" for n in range(len(categories)))
        sql = HOURS_SQL.format(cases=cases, sums=sums, where=f"WHERE {where}" if where else "")
        rows = db.execute_sql(sql, categories + params + listed)
        for officer_id, count, *sums_found in rows:
            entry = found[officer_id] = OfficerHours(officer_id, {c: h for c, h in zip(categories, sums_found)
                                                                  if h is not None}, count)
            # the cached property's own sum, in the same order, without its first-access lock (Python 3.11)
            entry.countable = sum([h for c, h in zip(categories, sums_found)
                                   if h is not None and c != POLITICAL_CATEGORY])
    deadline = min(rotation_deadline(), end)
    join = "JOIN" if officer_ids is not None else "CROSS JOIN"
    rotated = db.execute_sql(ROTATION_SQL.format(join=join, where=f"AND {where}" if where else ""),
                             [deadline.isoformat()] + listed)
    for (officer_id,) in rotated:
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
    if unit_id is not None:  # its officers now, and those who were in it on `end` (moved or left since)
        then = [oid for oid, (uid, _name, _status) in past.items() if uid == unit_id]
        sql += " WHERE o.unit_id = ?" + (f" OR o.id IN ({','.join('?' * len(then))})" if then else "")
        params = [unit_id, *then]
    members = []
    moved = False
    for oid, name, uid, uname, status, category in db.execute_sql(sql + " ORDER BY u.sort_order, u.id, o.name", params):
        if oid in past:
            moved |= past[oid][0] != uid
            uid, uname, status = past[oid]
        if status != "在职" or category in auxiliary or (unit_id is not None and uid != unit_id):
            continue
        members.append(Member(oid, name, uid, uname))
    if moved:  # the query ordered them by their unit now: back in the order of the units they were in
        order = db.execute_sql("SELECT id FROM unit ORDER BY sort_order, id")
        rank = {uid: n for n, (uid,) in enumerate(order)}
        members.sort(key=lambda m: (rank.get(m.unit_id, 0), m.name))
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


# (session, organiser, attendee) of the 心理健康 activities; attendance is unique per session and officer
MENTAL_SQL = """
SELECT s.id, s.organiser_unit_id, a.officer_id
FROM training_session s LEFT JOIN attendance a ON a.session_id = s.id
WHERE s.is_mental_health = 1 AND s.end_date BETWEEN ? AND ?
"""
# one unit: its own activities, or those one of its officers attended (stops at the first attendee found)
UNIT_MENTAL_SQL = """
SELECT count(*) FROM training_session s
WHERE s.is_mental_health = 1 AND s.end_date BETWEEN ? AND ?
  AND (s.organiser_unit_id = ?
       OR EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = s.id AND a.officer_id IN ({ids})))
"""


def _unit_mental_health(start: dt.date, end: dt.date, unit_id: int, officer_ids: list[int]) -> int:
    ids = officer_ids or [0]
    sql = UNIT_MENTAL_SQL.format(ids=",".join("?" * len(ids)))
    return db.execute_sql(sql, _period(start, end) + [unit_id] + ids).fetchone()[0]


def _mental_health_by_unit(start: dt.date, end: dt.date, members: list[Member]) -> dict[int, int]:
    by_officer = {m.id: m.unit_id for m in members}
    held: set[tuple[int, int]] = set()  # (unit, session)
    for session_id, organiser, officer_id in db.execute_sql(MENTAL_SQL, _period(start, end)):
        if organiser is not None:
            held.add((organiser, session_id))
        uid = by_officer.get(officer_id)
        if uid is not None:
            held.add((uid, session_id))
    counts: dict[int, int] = {}
    for uid, _session in held:
        counts[uid] = counts.get(uid, 0) + 1
    return counts


def unit_summaries(start: dt.date, end: dt.date, unit_id: int | None = None,
                   known: tuple[list[Member], dict[int, OfficerHours]] | None = None) -> list[UnitTraining]:
    """Per unit: officers, 轮训 attended (by the deadline), hours, reaching the threshold, those short and
    by how much, 心理健康 activities held (organised by the unit or attended by its officers).
    `known`: the (population, officer_hours) a caller already has for this range, so they are not read twice."""
    if known is not None:
        members, hours = known
        if unit_id is not None:
            members = [m for m in members if m.unit_id == unit_id]
    else:
        members = population(end, unit_id)
        hours = officer_hours(start, end, [m.id for m in members] if unit_id is not None else None)
    threshold = threshold_for(start, end)
    units: dict[int, UnitTraining] = {}
    unit = None
    found = hours.get
    gaps: dict[float, float] = {}  # shortfall by hours: a few hundred values, rounded once each
    for member in members:
        if unit is None or unit.unit_id != member.unit_id:  # the population comes unit by unit
            unit = units.get(member.unit_id)
            if unit is None:
                unit = units[member.unit_id] = UnitTraining(member.unit_id, member.unit_name)
        entry = found(member.id)
        unit.officers += 1
        if entry is None:
            countable = 0.0
        else:
            countable = entry.countable
            if entry.rotation:
                unit.rotated += 1
        unit.total_hours += countable
        if countable + 1e-9 >= threshold:
            unit.reaching += 1
        else:
            gap = gaps.get(countable)
            if gap is None:
                gap = gaps[countable] = round(threshold - countable, 2)
            unit.short.append((member, gap))
    if unit_id is not None and len(members) <= MAX_LISTED:
        held = {unit_id: _unit_mental_health(start, end, unit_id, [m.id for m in members])}
    else:
        held = _mental_health_by_unit(start, end, members)
    for unit in units.values():
        unit.mental_health_sessions = held.get(unit.unit_id, 0)
        unit.short.sort(key=lambda pair: -pair[1])
    return list(units.values())


# Everyone's countable hours in one aggregate (an officer with only 政治理论 hours is there, with 0).
TOTALS_SQL = """
SELECT a.officer_id, total(CASE WHEN s.category != ? THEN a.hours ELSE 0 END)
FROM training_session s JOIN attendance a ON a.session_id = s.id
WHERE s.end_date BETWEEN ? AND ? {where}
GROUP BY a.officer_id
"""


def recorded(start: dt.date, end: dt.date) -> bool:
    """Whether any attendance is counted in [start, end] (a ledger is being kept for it)."""
    found = db.execute_sql("SELECT 1 FROM training_session s JOIN attendance a ON a.session_id = s.id "
                           "WHERE s.end_date BETWEEN ? AND ? LIMIT 1", _period(start, end)).fetchone()
    return found is not None


def under_trained(year: int, officer_ids: list[int] | None = None) -> dict[int, float]:
    """Officer id → shortfall in `year` for every 在职 officer (on the year's last day, 辅助人员 left out)
    below the threshold: a 年审 risk, for the personnel warning and the 清理 list.

    Nothing when no training at all is recorded for the year: the ledger was not kept for it, and naming
    every officer would bury the real warnings. An officer with nothing recorded in the year who was
    registered after it began is left out too: as far as the roster knows they joined during it (a new
    hire not yet trained), whereas a roster imported later registers people who served, and those have
    the year's records. `officer_ids` limits the answer (the personnel detail pane asks for one officer)."""
    if officer_ids is not None and (not officer_ids or len(officer_ids) > MAX_LISTED):
        wanted = set(officer_ids)
        return {oid: gap for oid, gap in under_trained(year).items() if oid in wanted} if wanted else {}
    start, end = year_range(year)
    params = _period(start, end)
    where, listed = "", list(officer_ids or [])
    if listed:
        if not recorded(start, end):
            return {}
        where = f"AND a.officer_id IN ({','.join('?' * len(listed))})"
    totals = dict(db.execute_sql(TOTALS_SQL.format(where=where), [POLITICAL_CATEGORY] + params + listed))
    if not totals and not listed:  # nothing recorded in the year
        return {}
    threshold = threshold_for(start, end)
    auxiliary = dictionaries.auxiliary_categories()
    past = as_of_service(end) if end < dt.date.today() else {}
    joined = {oid for (oid,) in db.execute_sql(
        "SELECT officer_id FROM officer_change WHERE kind = '登记' AND on_date > ?", [start.isoformat()])}
    sql = "SELECT id, status, category FROM officer"
    if listed:
        sql += f" WHERE id IN ({','.join('?' * len(listed))})"
    found = {}
    for oid, status, category in db.execute_sql(sql, listed):
        if oid in past:
            status = past[oid][2]
        if status != "在职" or category in auxiliary:
            continue
        hours = totals.get(oid)
        if hours is None:
            if oid in joined:
                continue
            hours = 0.0
        if hours + 1e-9 < threshold:
            found[oid] = round(threshold - hours, 2)
    return found
