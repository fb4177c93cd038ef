"""Read-only queries for the 培训学时 screens: sessions of a period with attendee counts, one session's
attendees, one officer's years and sessions, and the whole ledger of a period (per officer and per unit).
Tuples, not models (shared/tech.md §5a); nothing here writes."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop_app.core.db import db
from desktop_app.core.gc_pause import paused_gc
from desktop_app.core.training.ledger import (
    OfficerHours,
    UnitTraining,
    officer_hours,
    population,
    threshold_for,
    unit_summaries,
    year_range,
)


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


@dataclass(slots=True)
class SessionRow:
    id: int
    name: str
    organiser: str
    organiser_unit_id: int | None
    organiser_unit: str
    form: str
    category: str
    start_date: dt.date
    end_date: dt.date
    default_hours: float
    is_rotation: bool
    is_mental_health: bool
    note: str
    attendees: int
    from_platform: bool


SESSIONS_SQL = """
SELECT s.id, s.name, s.organiser, s.organiser_unit_id, coalesce(u.name, ''), s.form, s.category, s.start_date,
       s.end_date, s.default_hours, s.is_rotation, s.is_mental_health, s.note,
       (SELECT count(*) FROM attendance a WHERE a.session_id = s.id), s.source_key IS NOT NULL
FROM training_session s LEFT JOIN unit u ON u.id = s.organiser_unit_id
WHERE s.end_date BETWEEN ? AND ?
ORDER BY s.start_date DESC, s.id DESC
"""


def list_sessions(start: dt.date, end: dt.date) -> list[SessionRow]:
    """Sessions counted in [start, end]: as the ledger counts them, by their end date."""
    rows = db.execute_sql(SESSIONS_SQL, [start.isoformat(), end.isoformat()])
    return [SessionRow(sid, name, organiser, unit_id, unit, form, category, _day(first), _day(last),
                       float(hours or 0), bool(rotation), bool(mental), note or "", count, bool(platform))
            for (sid, name, organiser, unit_id, unit, form, category, first, last, hours, rotation, mental,
                 note, count, platform) in rows]


@dataclass(slots=True)
class AttendeeRow:
    officer_id: int
    name: str
    unit_id: int
    unit_name: str
    status: str
    hours: float
    result: str
    note: str


ATTENDEES_SQL = """
SELECT a.officer_id, o.name, o.unit_id, u.name, o.status, a.hours, a.result, a.note
FROM attendance a JOIN officer o ON o.id = a.officer_id JOIN unit u ON u.id = o.unit_id
WHERE a.session_id = ?
ORDER BY u.sort_order, u.id, o.name
"""


def list_attendees(session_id: int) -> list[AttendeeRow]:
    rows = db.execute_sql(ATTENDEES_SQL, [session_id])
    return [AttendeeRow(oid, name, uid, unit, status, float(hours), result or "", note or "")
            for oid, name, uid, unit, status, hours, result, note in rows]


def session_years() -> list[int]:
    """The years some session counts in (by end date), newest first."""
    rows = db.execute_sql("SELECT DISTINCT substr(end_date, 1, 4) FROM training_session")
    return sorted({int(y) for (y,) in rows if y and str(y).isdigit()}, reverse=True)


@dataclass(slots=True)
class OfficerYear:
    year: int
    threshold: float
    hours: OfficerHours | None

    @property
    def countable(self) -> float:
        return self.hours.countable if self.hours else 0.0


def officer_years(officer_id: int, last_year: int, count: int = 3) -> list[OfficerYear]:
    """One officer's hours in each of the `count` calendar years up to `last_year`, newest first."""
    found = []
    for year in range(last_year, last_year - count, -1):
        start, end = year_range(year)
        hours = officer_hours(start, end, [officer_id]).get(officer_id)
        found.append(OfficerYear(year, threshold_for(start, end), hours))
    return found


@dataclass(slots=True)
class AttendedSession:
    session_id: int
    name: str
    category: str
    form: str
    start_date: dt.date
    end_date: dt.date
    hours: float
    result: str


ATTENDED_SQL = """
SELECT s.id, s.name, s.category, s.form, s.start_date, s.end_date, a.hours, a.result
FROM attendance a JOIN training_session s ON s.id = a.session_id
WHERE a.officer_id = ? AND s.end_date BETWEEN ? AND ?
ORDER BY s.end_date, s.id
"""


def officer_sessions(officer_id: int, start: dt.date, end: dt.date) -> list[AttendedSession]:
    rows = db.execute_sql(ATTENDED_SQL, [officer_id, start.isoformat(), end.isoformat()])
    return [AttendedSession(sid, name, category, form, _day(first), _day(last), float(hours), result or "")
            for sid, name, category, form, first, last, hours, result in rows]


# ---- the ledger of a period
@dataclass(slots=True)
class OfficerLedgerRow:
    """One officer of the period's population (在职 执法人员 on its last day) and their hours in it."""

    id: int
    name: str
    unit_id: int
    unit_name: str
    by_category: dict[str, float]
    countable: float
    political: float
    sessions: int
    rotation: bool
    shortfall: float


@dataclass
class Ledger:
    start: dt.date
    end: dt.date
    threshold: float
    officers: list[OfficerLedgerRow]
    units: list[UnitTraining]

    @property
    def reaching(self) -> int:
        return sum(1 for row in self.officers if row.shortfall <= 0)

    @property
    def short(self) -> int:
        return len(self.officers) - self.reaching

    @property
    def reach_rate(self) -> float:
        return self.reaching / len(self.officers) if self.officers else 0.0

    @property
    def average_hours(self) -> float:
        return sum(row.countable for row in self.officers) / len(self.officers) if self.officers else 0.0

    @property
    def rotation_rate(self) -> float:
        return sum(1 for row in self.officers if row.rotation) / len(self.officers) if self.officers else 0.0

    def units_without_mental_health(self) -> list[UnitTraining]:
        return [unit for unit in self.units if not unit.mental_health_sessions]


def compute_ledger(start: dt.date, end: dt.date) -> Ledger:
    """Worker-safe (core calls only): every officer of the population with their hours, and each unit."""
    with paused_gc():
        return _ledger(start, end)


def _ledger(start: dt.date, end: dt.date) -> Ledger:
    threshold = threshold_for(start, end)
    hours = officer_hours(start, end)
    members = population(end)
    rows = []
    append, found = rows.append, hours.get
    gaps: dict[float, float] = {}  # shortfall by hours: a few hundred values, each rounded once
    for member in members:
        entry = found(member.id)
        if entry is None:
            append(OfficerLedgerRow(member.id, member.name, member.unit_id, member.unit_name, {}, 0.0, 0.0, 0,
                                    False, threshold))
            continue
        countable = entry.countable
        gap = gaps.get(countable)
        if gap is None:
            gap = gaps[countable] = entry.shortfall(threshold)
        append(OfficerLedgerRow(member.id, member.name, member.unit_id, member.unit_name, entry.by_category,
                                countable, entry.political, entry.sessions, entry.rotation, gap))
    return Ledger(start, end, threshold, rows, unit_summaries(start, end, known=(members, hours)))
