"""One row of a training import checked by itself: its session, its hours, who it is (training_import.py
has the whole story). Everything the rows need is loaded once; each distinct ID, date, hours text and
session description is worked out once, so a 200,000-row platform export is checked in about 1.5 s.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from desktop_app.core import name_index
from desktop_app.core.dates import parse_date
from desktop_app.core.db import db
from desktop_app.core.errors import ValidationError
from desktop_app.core.id_card import mask_id_number, validate_id_number
from desktop_app.core.models import Certificate, Officer, TrainingSession, Unit
from desktop_app.core.personnel.roster_columns import split_validity
from desktop_app.core.personnel.roster_import import CellError
from desktop_app.core.tabular import cell_text
from desktop_app.core.text_norm import clean_display, match_key
from desktop_app.core.training import sessions
from desktop_app.core.training.training_columns import (
    FIELD_BY_KEY,
    LABELS,
    PLATFORM,
    hours_error,
    organiser_word,
    parse_assessment,
    parse_category,
    parse_form,
    parse_hours,
)

if TYPE_CHECKING:
    from desktop_app.core.training.training_import import TrainingPreview

NEW, ALREADY, DUPLICATE, UNSETTLED, SKIPPED, ERROR = "新增", "已导入过", "重复", "待确认", "跳过", "错误"
RESULTS = (NEW, ALREADY, DUPLICATE, UNSETTLED, SKIPPED, ERROR)
MAX_CANDIDATES = 20
PLATFORM_ORGANISER, PLATFORM_FORM = "网络平台", "网络学习"

@dataclass(frozen=True)
class Candidate:
    """An officer the clerk may choose for a 待确认 row."""

    officer_id: int
    name: str
    unit: str
    id_masked: str
    status: str

    @property
    def label(self) -> str:
        extra = f"，{self.status}" if self.status != "在职" else ""
        return f"{self.name}（{self.unit}，{self.id_masked}{extra}）"


@dataclass
class SessionPlan:
    """A session the rows go to: an existing one (`existing_id`) or one the commit will create."""

    key: tuple
    name: str
    start_date: dt.date
    end_date: dt.date
    organiser: str = "司法局"
    organiser_unit_id: int | None = None
    form: str = "集中轮训"
    category: str = "业务知识"
    default_hours: float = 0.0
    source_key: str | None = None
    existing_id: int | None = None
    first_row: int = 0
    new_rows: int = 0  # rows that will add attendance
    hours_seen: Counter = field(default_factory=Counter, repr=False)

    @property
    def is_new(self) -> bool:
        return self.existing_id is None

    def as_json(self) -> dict:
        return {"id": self.existing_id, "new": self.is_new, "name": self.name,
                "start_date": self.start_date.isoformat(), "end_date": self.end_date.isoformat(),
                "organiser": self.organiser, "form": self.form, "category": self.category,
                "default_hours": self.default_hours, "source_key": self.source_key, "first_row": self.first_row,
                "new_rows": self.new_rows}


@dataclass
class RowResult:
    row: int
    result: str = ""
    name: str = ""
    errors: list[CellError] = field(default_factory=list)
    warnings: list[CellError] = field(default_factory=list)  # the row is imported (or left) all the same
    session: SessionPlan | None = None
    hours: float | None = None  # None: the session's default hours
    assessment: str = ""
    note: str = ""
    officer_id: int | None = None  # the officer the row counts for (after settling)
    matched_by: str = ""  # 身份证号 / 证号 / 姓名+单位 / 姓名 / 人工确认
    needs_settling: bool = False  # the name could not be matched by itself
    problem: str = ""  # why (“有 2 名“张伟”…”)
    problem_column: int | None = None
    problem_header: str = "姓名"
    candidates: list[Candidate] = field(default_factory=list)
    found_id: int | None = None  # the automatic match

    @property
    def hours_to_store(self) -> float:
        return self.hours if self.hours is not None else self.session.default_hours

    @property
    def problem_error(self) -> CellError | None:
        """A 待确认 row as a cell message (for the error list and the error workbook)."""
        if self.result != UNSETTLED:
            return None
        message = self.problem
        if self.candidates:
            message += "；可选：" + "、".join(c.label for c in self.candidates)
        return CellError(self.row, self.problem_column, self.problem_header, message + "。请确认是哪一位，或跳过该行。")


def blank(value: object) -> bool:
    """An empty cell (None, or only spaces)."""
    return value is None or (value.__class__ is str and not value.strip())


def _name_text(value: object) -> str:
    text = clean_display(cell_text(value))
    # “张  三”: sheets pad two-character names with spaces to line them up
    return "".join(text.split()) if text and all("\u3400" <= ch <= "\u9fff" or ch in "·• \u3000" for ch in text) \
        else text


_NAME_HEADERS = {"".join(s.split()) for s in FIELD_BY_KEY["name"].synonyms}
_DATE_FIELDS = ("start_date", "end_date", "date")


def _day_key(raw: object) -> object:
    """A date cell without its time of day (“2024-03-01 10:21:33” → “2024-03-01”), so that a platform
    export's completion times, all different, come down to a few hundred days to parse."""
    if raw.__class__ is str:
        text = raw.strip()
        head, space, tail = text.partition(" ")
        return head if space and ":" in tail and " " not in tail else text
    if raw.__class__ is dt.datetime:
        return raw.date()
    return raw


class RowChecker:
    """Checks rows against lookups loaded once; each distinct ID, date and hours text is parsed once."""

    def __init__(self, preview: TrainingPreview, today: dt.date) -> None:
        self.preview = preview
        self.today = today
        self.columns = {f: c for c, f in preview.mapping.items() if f}
        self.platform = preview.kind == PLATFORM
        self.unit_names = dict(Unit.select(Unit.id, Unit.name).tuples())
        self.info: dict[int, tuple[str, int, str, str]] = {}
        self.by_id: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = {}
        for oid, name, unit_id, status, number in Officer.select(
                Officer.id, Officer.name, Officer.unit, Officer.status, Officer.id_number).tuples():
            self.info[oid] = (name, unit_id, status, number)
            self.by_id[number] = oid
            self.by_name.setdefault(name, []).append(oid)
        self.by_cert = {number: oid for number, oid in Certificate.select(
            Certificate.number, Certificate.officer).where(Certificate.number.is_null(False)).tuples()}
        self.index = name_index.build_index()
        self.candidates: dict[int, Candidate] = {}
        self.stored = {}  # (match key of the name, start, end) → existing session id
        self.by_source = {}
        for sid, name, start, end, key in TrainingSession.select(
                TrainingSession.id, TrainingSession.name, TrainingSession.start_date, TrainingSession.end_date,
                TrainingSession.source_key).order_by(TrainingSession.id.desc()).tuples():
            self.stored[(match_key(name), start, end)] = sid  # the oldest wins when several are alike
            if key:
                self.by_source[key] = sid
        self.plans: dict[tuple, SessionPlan] = {}
        self.chosen = self._chosen_plan(preview.session_id) if preview.session_id is not None else None
        self.id_cache: dict[object, tuple[str | None, str]] = {}
        self.date_cache: dict[tuple[str, object], tuple[object, str]] = {}
        self.hours_cache: dict[object, tuple[float | None, str]] = {}
        self.unit_cache: dict[str, tuple[int | None, str]] = {}
        self.choice_cache: dict[tuple[str, object], tuple[object, str]] = {}
        self.session_cache: dict[tuple, tuple[SessionPlan | None, list[tuple]]] = {}
        self.session_fields = [f for f in ("course" if self.platform else "session_name", *_DATE_FIELDS, "category",
                                           "form", "organiser") if f in self.columns]
        self.names: dict[object, str] = {}
        self.extras = "assessment" in self.columns or "note" in self.columns

    def _chosen_plan(self, session_id: int) -> SessionPlan:
        s = sessions.get_session(session_id)
        plan = SessionPlan(("id", s.id), s.name, s.start_date, s.end_date, s.organiser, s.organiser_unit_id,
                           s.form, s.category, s.default_hours, s.source_key, s.id)
        self.plans[plan.key] = plan
        return plan

    # -- helpers

    def _error(self, row: RowResult, field_: str, message: str) -> None:
        column = self.columns.get(field_)
        header = self.preview.header_of(column) if column is not None else LABELS.get(field_, "")
        row.errors.append(CellError(row.row, column, header, message))

    def candidate(self, oid: int) -> Candidate:
        found = self.candidates.get(oid)
        if found is None:
            name, unit_id, status, number = self.info[oid]
            found = self.candidates[oid] = Candidate(oid, name, self.unit_names.get(unit_id, ""),
                                                     mask_id_number(number), status)
        return found

    # -- one row

    def check(self, number: int, values: list) -> RowResult | None:
        cells = {f: (values[c] if c < len(values) else None) for f, c in self.columns.items()}
        raw_name = cells.get("name")
        name = self.names.get(raw_name)
        if name is None:
            name = self.names[raw_name] = _name_text(raw_name)
        if not name and blank(cells.get("id_number")) and blank(cells.get("cert_number")):
            if sum(not blank(v) for v in cells.values()) < 2:
                return None  # a blank, footer or note row
        elif name in _NAME_HEADERS:
            return None  # the header repeated (a sheet printed page by page)
        row = RowResult(number, name=name)
        row.session = self._session(row, cells)
        self._hours(row, cells)
        self._extras(row, cells)
        self._match(row, cells)
        row.errors.sort(key=lambda e: -1 if e.column is None else e.column)
        return row

    # -- the session

    def _date(self, row: RowResult, field_: str, raw: object) -> dt.date | None:
        key = (field_, raw)
        found = self.date_cache.get(key)
        if found is None:
            label = LABELS[field_]
            try:
                day = parse_date(raw, field=label)
                found = (day, f"{label} {day:%Y-%m-%d} 晚于今天。" if day > self.today else "")
            except ValidationError as exc:
                found = (None, exc.message)
            self.date_cache[key] = found
        day, message = found
        if message:
            self._error(row, field_, message)
            return None
        return day

    def _dates(self, row: RowResult, cells: dict) -> tuple[dt.date, dt.date] | None:
        """(start, end) from 开始日期/结束日期, or a 日期 cell (which may hold a range “2024.6.1至6.3”)."""
        start_raw, end_raw, one_raw = cells.get("start_date"), cells.get("end_date"), cells.get("date")
        start_field, end_field = "start_date", "end_date"
        if blank(start_raw) and blank(end_raw):
            span = split_validity(one_raw)
            if span:
                start_raw, end_raw = span
            else:
                start_raw = end_raw = one_raw
            start_field = end_field = "date"
        elif blank(start_raw):
            start_raw, start_field = end_raw, end_field
        elif blank(end_raw):
            end_raw, end_field = start_raw, start_field
        if blank(start_raw):
            which = "date" if self.platform or "date" in self.columns else "start_date"
            self._error(row, which, f"{LABELS[which]}为空。")
            return None
        start = self._date(row, start_field, start_raw)
        end = self._date(row, end_field, end_raw) if end_raw is not start_raw else start
        if start is None or end is None:
            return None
        if end < start:
            self._error(row, end_field, f"结束日期 {end:%Y-%m-%d} 早于开始日期 {start:%Y-%m-%d}。")
            return None
        return start, end

    def _choice(self, row: RowResult, field_: str, raw: object, parse) -> object:
        key = (field_, raw)
        found = self.choice_cache.get(key)
        if found is None:
            try:
                found = (parse(raw), "")
            except ValidationError as exc:
                found = (None, exc.message)
            self.choice_cache[key] = found
        if found[1]:
            self._error(row, field_, found[1])
        return found[0]

    def _organiser(self, raw: object) -> tuple[str, int | None]:
        word = organiser_word(raw)
        if word:
            return word, None
        unit_id, message = self._resolve_unit(clean_display(cell_text(raw)))
        if message:
            raise ValidationError(f"组织单位“{cell_text(raw)[:30]}”无法识别：请填写司法局、上级业务部门、本单位、网络平台，"
                                  "或一个已登记单位的名称。")
        kind = Unit.get_by_id(unit_id).kind
        return ("司法局" if kind == "justice" else "本单位"), unit_id

    def _session(self, row: RowResult, cells: dict) -> SessionPlan | None:
        """The row's session; worked out once per distinct combination of the session cells (a platform
        export repeats each course and day thousands of times), the messages repeated for every row."""
        if self.chosen is not None:
            return self.chosen
        key = tuple(_day_key(cells.get(f)) if f in _DATE_FIELDS else cells.get(f) for f in self.session_fields)
        found = self.session_cache.get(key)
        if found is None:
            probe = RowResult(row.row)
            plan = self._make_session(probe, dict(zip(self.session_fields, key)))
            found = self.session_cache[key] = (plan, [(e.column, e.header, e.message) for e in probe.errors])
        plan, errors = found
        for column, header, message in errors:
            row.errors.append(CellError(row.row, column, header, message))
        return plan

    def _make_session(self, row: RowResult, cells: dict) -> SessionPlan | None:
        title_field = "course" if self.platform else "session_name"
        title = clean_display(cell_text(cells.get(title_field)))
        dates = self._dates(row, cells)
        if not title:
            self._error(row, title_field, f"{LABELS[title_field]}为空。")
        elif len(title) > 200:
            self._error(row, title_field, f"{LABELS[title_field]}过长（最多 200 字）。")
            title = ""
        category = self.preview.default_category
        if not blank(cells.get("category")):
            category = self._choice(row, "category", cells["category"], parse_category)
        form, organiser, organiser_unit = (PLATFORM_FORM, PLATFORM_ORGANISER, None) if self.platform else (
            "集中轮训", "司法局", None)
        if not self.platform and not blank(cells.get("form")):
            form = self._choice(row, "form", cells["form"], parse_form)
        if not self.platform and not blank(cells.get("organiser")):
            organiser, organiser_unit = self._choice(row, "organiser", cells["organiser"], self._organiser) or (
                None, None)
        if not title or dates is None or None in (category, form, organiser):
            return None
        start, end = dates
        if self.platform:
            source = f"platform:{match_key(title)}:{end.isoformat()}"
            key, existing = ("platform", source), self.by_source.get(source)
            start = end  # a course counts on the day it was finished
        else:
            source, key = None, ("file", match_key(title), start, end)
            existing = self.stored.get(key[1:])
        plan = self.plans.get(key)
        if plan is None:
            plan = self.plans[key] = SessionPlan(key, title, start, end, organiser, organiser_unit, form, category,
                                                 source_key=source, existing_id=existing, first_row=row.row)
        elif plan.is_new:
            for field_, value, stored in (("category", category, plan.category), ("form", form, plan.form),
                                          ("organiser", organiser, plan.organiser)):
                if value != stored:
                    self._error(row, field_, f"同一{'课程' if self.platform else '培训'}（第 {plan.first_row} 行起）的"
                                f"{LABELS[field_]}为“{stored}”，本行为“{value}”，请统一。")
                    return None
        return plan

    # -- hours, 考核结果, 备注

    def _hours(self, row: RowResult, cells: dict) -> None:
        raw = cells.get("hours")
        if blank(raw):
            plan = row.session
            if self.chosen is not None and plan.default_hours > 0:
                return  # the session's default
            if self.chosen is not None:
                self._error(row, "hours", "学时为空，且所选培训没有默认学时，请填写学时。")
            else:
                self._error(row, "hours", "学时为空（表中的学时即每人所得学时）。")
            return
        found = self.hours_cache.get(raw)
        if found is None:
            try:
                hours = parse_hours(raw, sessions.days_to_hours)
                if hours is None:
                    raise hours_error(cell_text(raw))
                if hours <= 0:
                    raise ValidationError(f"学时为 {hours:g}：应大于 0（未参加或未完成的请从表中删除）。", "hours")
                found = (sessions.check_hours(hours), "")
            except ValidationError as exc:
                found = (None, exc.message)
            self.hours_cache[raw] = found
        hours, message = found
        if message:
            self._error(row, "hours", message)
            return
        row.hours = hours
        if row.session is not None and row.session.is_new:
            row.session.hours_seen[hours] += 1

    def _extras(self, row: RowResult, cells: dict) -> None:
        if not self.extras:
            return
        raw = cells.get("assessment")
        if not blank(raw):
            row.assessment = self._choice(row, "assessment", raw, parse_assessment) or ""
        note = clean_display(cell_text(cells.get("note")))
        if len(note) > 500:
            self._error(row, "note", "备注过长（最多 500 字）。")
        else:
            row.note = note

    # -- who it is

    def _id_number(self, row: RowResult, raw: object) -> str | None:
        found = self.id_cache.get(raw)
        if found is None:
            try:
                found = (validate_id_number(raw, today=self.today).number, "")
            except ValidationError as exc:
                found = (None, exc.message)
            self.id_cache[raw] = found
        if found[1]:
            self._error(row, "id_number", found[1])
        return found[0]

    def _resolve_unit(self, text: str) -> tuple[int | None, str]:
        found = self.unit_cache.get(text)
        if found is None:
            matches = name_index.resolve(text, self.index)
            units = {m.id: m.name for m in matches if m.kind == "unit"}
            if len(units) == 1:
                found = (next(iter(units)), "")
            elif units:
                found = (None, f"单位“{text}”可指多个单位（{'、'.join(units.values())}）")
            elif matches:
                found = (None, f"“{text}”是单位分组，不是一个单位")
            else:
                found = (None, f"单位“{text}”不在单位登记册中")
            self.unit_cache[text] = found
        return found

    def _unsettled(self, row: RowResult, field_: str, problem: str, officer_ids: list[int]) -> None:
        row.needs_settling = True
        row.problem = problem
        column = self.columns.get(field_, self.columns.get("name"))
        row.problem_column = column
        row.problem_header = self.preview.header_of(column) if column is not None else "姓名"
        ordered = sorted(dict.fromkeys(officer_ids), key=lambda o: (self.info[o][2] != "在职", self.info[o][1], o))
        row.candidates = [self.candidate(o) for o in ordered[:MAX_CANDIDATES]]
        if len(ordered) > MAX_CANDIDATES:
            row.problem += f"（同名共 {len(ordered)} 人，只列出前 {MAX_CANDIDATES} 人）"

    def _matched(self, row: RowResult, oid: int, how: str) -> None:
        row.found_id, row.matched_by = oid, how

    def _by_number(self, row: RowResult, oid: int | None, field_: str, label: str, number: str) -> None:
        same = self.by_name.get(row.name, [])
        if oid is None:
            self._unsettled(row, field_, f"{label} {number} 未登记", same)
        elif row.name and self.info[oid][0] != row.name:
            self._unsettled(row, field_, f"{label} {number} 登记的是“{self.info[oid][0]}”，与本行姓名“{row.name}”不符",
                            [oid] + same)
        else:
            self._matched(row, oid, label)

    def _match(self, row: RowResult, cells: dict) -> None:
        raw_id, raw_cert, raw_unit = cells.get("id_number"), cells.get("cert_number"), cells.get("unit")
        if not blank(raw_id):
            number = self._id_number(row, raw_id)
            if number is not None:
                self._by_number(row, self.by_id.get(number), "id_number", "身份证号码", number)
            return
        if not blank(raw_cert):
            number = "".join(clean_display(cell_text(raw_cert)).split()).upper()
            self._by_number(row, self.by_cert.get(number), "cert_number", "证号", number)
            return
        name = row.name
        if not name:
            self._error(row, "name", "姓名为空。")
            return
        same = self.by_name.get(name, [])
        if not blank(raw_unit):
            text = clean_display(cell_text(raw_unit))
            unit_id, message = self._resolve_unit(text)
            if message:
                self._unsettled(row, "unit", message + ("" if same else f"，也没有名为“{name}”的人员"), same)
                return
            here = [o for o in same if self.info[o][1] == unit_id]
            unit = self.unit_names[unit_id]
            if len(here) == 1:
                self._matched(row, here[0], "姓名+单位")
            elif here:
                self._unsettled(row, "name", f"“{unit}”有 {len(here)} 名“{name}”", here)
            else:
                self._unsettled(row, "name", f"“{unit}”没有名为“{name}”的人员" + (
                    "" if same else "（可能尚未登记，或姓名有误）"), same)
            return
        if len(same) == 1:
            self._matched(row, same[0], "姓名")
        elif same:
            self._unsettled(row, "name", f"有 {len(same)} 名“{name}”，表中没有身份证号、证号或单位，无法确定", same)
        else:
            self._unsettled(row, "name", f"没有名为“{name}”的人员（可能尚未登记，或姓名有误）", [])

    # -- after all rows

    def finish(self) -> list[SessionPlan]:
        plans = [p for p in self.plans.values() if p is not self.chosen]
        for plan in plans:
            if plan.is_new and plan.hours_seen:
                # the hours most attendees got (the larger on a tie): some leave early, few stay longer
                plan.default_hours = max(plan.hours_seen.items(), key=lambda item: (item[1], item[0]))[0]
        if self.chosen is not None:
            plans.insert(0, self.chosen)
        return sorted(plans, key=lambda p: (p.first_row, p.name))

    def existing_attendance(self, plans: list[SessionPlan]) -> dict[int, dict[int, float]]:
        ids = [p.existing_id for p in plans if p.existing_id is not None]
        found: dict[int, dict[int, float]] = {sid: {} for sid in ids}
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            sql = (f"SELECT session_id, officer_id, hours FROM attendance WHERE session_id IN "
                   f"({', '.join('?' * len(part))})")
            for sid, oid, hours in db.execute_sql(sql, part):
                found[sid][oid] = hours
        return found
