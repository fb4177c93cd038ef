"""Importing a task list: the parsed document (tasks/parse.py) meets the unit register.

Every unit name the document writes is looked up through full names, short names, aliases and groups.
A group becomes one assignment per member unit. Names that match nothing, or more than one thing, are
listed for the clerk to settle (map to a unit or group, or create the unit) before the one-transaction
commit; nothing is written until then.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.core import audit, name_index
from desktop_app.core.db import db
from desktop_app.core.errors import AppError, ValidationError
from desktop_app.core.jobs import JobControl
from desktop_app.core.models import Assignment, Plan, PlanSection, Task, Unit, now
from desktop_app.core.name_index import NameMatch
from desktop_app.core.tasks.parse import ParsedPlan, ParsedTask, parse_task_file
from desktop_app.core.text_norm import match_key
from desktop_app.core.unit_bulk import guess_kind
from desktop_app.core.unit_groups import expand_group
from desktop_app.core.units import UnitInput, create_unit

ROLE_FIELDS = (("lead", "lead_units"), ("responsible", "responsible_units"), ("cooperating", "cooperating_units"))


@dataclass
class NameChoice:
    """How one written name will be stored; `target` is None until settled."""

    written: str
    candidates: list[NameMatch]
    target: NameMatch | None = None
    create_kind: str | None = None  # create a new unit of this kind on commit
    tasks: list[str] = field(default_factory=list)

    @property
    def settled(self) -> bool:
        return self.target is not None or self.create_kind is not None

    def describe(self) -> str:
        if self.target is not None:
            return f"→ {self.target.label}"
        if self.create_kind:
            return "→ 新建单位"
        if self.candidates:
            return "有多个可能：" + "、".join(m.label for m in self.candidates)
        return "登记册中没有此单位"


@dataclass
class PlanInput:
    title: str
    doc_number: str = ""
    issuer: str = ""
    start_year: int | None = None
    end_year: int | None = None
    issued_on: dt.date | None = None
    midterm_date: dt.date | None = None
    final_date: dt.date | None = None


@dataclass
class TaskImportPreview:
    parsed: ParsedPlan
    names: dict[str, NameChoice]  # by match key

    @property
    def unsettled(self) -> list[NameChoice]:
        return [c for c in self.names.values() if not c.settled]

    def choice(self, written: str) -> NameChoice:
        return self.names[match_key(written)]

    def warnings(self) -> list[tuple[str | None, str]]:
        found = [(w.task, w.message) for w in self.parsed.warnings]
        for choice in self.unsettled:
            found.append((choice.tasks[0] if choice.tasks else None,
                          f"单位“{choice.written}”{choice.describe()}（见任务 {'、'.join(choice.tasks)}）"))
        return found


def _names_of(task: ParsedTask) -> list[str]:
    return [name for _, attr in ROLE_FIELDS for name in getattr(task, attr)]


def resolve_names(parsed: ParsedPlan) -> dict[str, NameChoice]:
    index = name_index.build_index()
    choices: dict[str, NameChoice] = {}
    for task in parsed.tasks:
        for written in _names_of(task):
            key = match_key(written)
            if key not in choices:
                matches = name_index.resolve(written, index)
                choices[key] = NameChoice(written, matches, matches[0] if len(matches) == 1 else None)
            if task.number not in choices[key].tasks:
                choices[key].tasks.append(task.number)
    return choices


def preview_task_import(path: Path) -> TaskImportPreview:
    parsed = parse_task_file(Path(path))
    return TaskImportPreview(parsed, resolve_names(parsed))


def guess_plan(preview: TaskImportPreview) -> PlanInput:
    """Plan fields as far as the document tells them; the clerk confirms them in the preview."""
    parsed = preview.parsed
    dues = sorted(t.deadline.due for t in parsed.tasks if t.deadline.due)
    start = dues[0].year - 1 if dues else dt.date.today().year
    # without a known issue date, recurring duties start with the year of the first fixed deadline
    issued = dt.date(dues[0].year, 1, 1) if dues else None
    return PlanInput(parsed.title or Path(parsed.source).stem, parsed.doc_number, "",
                     start, max(dues[-1].year if dues else start, start + 2), issued)


def _targets(choice: NameChoice, created: dict[str, Unit]) -> list[tuple[int, int | None]]:
    """(unit id, via group id) for one written name."""
    if choice.create_kind:
        return [(created[match_key(choice.written)].id, None)]
    target = choice.target
    if target.kind == "unit":
        return [(target.id, None)]
    return [(unit.id, target.id) for unit in expand_group(target.id)]


def commit_task_import(preview: TaskImportPreview, plan: PlanInput, control: JobControl | None = None,
                       backup: bool = True) -> Plan:
    """Store the plan, its sections, tasks and assignments in one transaction (after a safety backup)."""
    control = control or JobControl()
    if preview.unsettled:
        names = "、".join(c.written for c in preview.unsettled)
        raise AppError(f"还有 {len(preview.unsettled)} 个单位名称没有对应到登记册：{names}。请逐个指定或新建后再导入。")
    if not plan.title.strip():
        raise ValidationError("请填写任务清单的名称。", "title")
    if backup:
        from desktop_app.core.session import backup_open_database

        backup_open_database("导入前")
    with db.atomic():
        created = {key: create_unit(UnitInput(c.written, c.create_kind, note="导入任务清单时新建"))
                   for key, c in preview.names.items() if c.create_kind}
        stored = Plan.create(title=plan.title.strip(), doc_number=plan.doc_number.strip(), issuer=plan.issuer,
                             start_year=plan.start_year, end_year=plan.end_year, issued_on=plan.issued_on,
                             midterm_date=plan.midterm_date,
                             final_date=plan.final_date, source_file=preview.parsed.source, imported_at=now())
        sections = {}
        for order, section in enumerate(preview.parsed.sections):
            sections[section.title] = PlanSection.create(plan=stored, number=section.number,
                                                         title=section.title, sort_order=order)
        count = len(preview.parsed.tasks)
        for order, parsed in enumerate(preview.parsed.tasks):
            if order % 20 == 0:
                control.progress(order / max(count, 1), f"正在导入任务 {parsed.number}")
            _store_task(stored, sections.get(parsed.section), parsed, order, preview, created)
        audit.record("create", "plan", stored.id, None,
                     {"名称": stored.title, "文号": stored.doc_number, "来源文件": stored.source_file,
                      "任务数": count, "分工条数": Assignment.select().join(Task).where(Task.plan == stored).count()},
                     stored.title)
    return stored


def _store_task(plan: Plan, section: PlanSection | None, parsed: ParsedTask, order: int,
                preview: TaskImportPreview, created: dict[str, Unit]) -> Task:
    deadline = parsed.deadline
    task = Task.create(plan=plan, section=section, number=parsed.number, content=parsed.content,
                       deadline_text=deadline.text, deadline_kind=deadline.kind, due_date=deadline.due,
                       due_month=deadline.month, due_day=deadline.day, leaders="、".join(parsed.leaders),
                       sort_order=order)
    # one assignment per unit and task, in its highest role: 司法局 leading a task is not also asked to
    # cooperate on it because a 配合 group happens to include it
    rows: dict[int, tuple[str, str, int | None]] = {}
    for role, attr in ROLE_FIELDS:  # lead, responsible, cooperating
        for written in getattr(parsed, attr):
            for unit_id, group_id in _targets(preview.choice(written), created):
                rows.setdefault(unit_id, (role, written, group_id))
    if rows:
        Assignment.insert_many(
            [(task.id, unit_id, role, written, group_id) for unit_id, (role, written, group_id) in rows.items()],
            fields=[Assignment.task, Assignment.unit, Assignment.role, Assignment.written_name,
                    Assignment.via_group]).execute()
    return task


def preview_as_json(preview: TaskImportPreview) -> dict:
    """The `import-tasks --dry-run --json` document (names as the document writes them)."""
    tasks = []
    for task in preview.parsed.tasks:
        deadline = {"text": task.deadline.text, "kind": task.deadline.kind}
        if task.deadline.due:
            deadline["due"] = task.deadline.due.isoformat()
        if task.deadline.kind == "annual":
            deadline["month"] = task.deadline.month
            if task.deadline.day:
                deadline["day"] = task.deadline.day
        tasks.append({"number": task.number, "section": task.section, "content": task.content,
                      "lead_units": task.lead_units, "responsible_units": task.responsible_units,
                      "cooperating_units": task.cooperating_units, "leaders": task.leaders, "deadline": deadline})
    warnings = [{"task": task, "message": message} for task, message in preview.warnings()]
    return {"tasks": tasks, "warnings": warnings}


def settle_unknown_by_creating(preview: TaskImportPreview) -> list[str]:
    """Headless `--create-missing-units`: unknown names become new units (kind guessed from the name)."""
    made = []
    for choice in preview.unsettled:
        if not choice.candidates:
            choice.create_kind = guess_kind(choice.written)
            made.append(choice.written)
    return made
