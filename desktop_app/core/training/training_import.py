"""Importing training attendance from .xlsx: a 签到表 (sign-in sheet) of one session, or a 学习平台导出
(one row per officer per course). The same steps as the roster import (personnel/roster_import.py):

    preview = load_training_file(path, session_id=None)   # first sheet with a recognisable header
    preview.apply_mapping({...})                           # optional: the clerk corrects the column mapping
    validate(preview)                                      # every cell checked, sessions found, names matched
    for row in preview.unsettled:                          # ambiguous or unmatched names: the clerk decides
        preview.settle(row.row, officer_id_or_None)        # None skips the row
    commit_training(preview)                               # one transaction, after a backup “导入培训前”
    write_training_errors(preview, path)                   # or the sheet with its bad cells marked

Which session a row belongs to: for a sign-in sheet, the session the caller chose (`session_id`), or
else the one its 培训名称/开始日期/结束日期 cells describe (one per distinct name and dates; an existing
session with the same name and dates is reused); for a platform export, one session per distinct
course and 完成日期, keyed “platform:<normalised course>:<date>” with organiser 网络平台 and form 网络学习.

Who a row is — never guessed: by 身份证号 (normalised, 15 → 18 digits); else by 证号; else by 姓名 within
the 单位 written beside it (resolved like every unit name, core/name_index.py); else by 姓名 alone when
exactly one officer has it. A number that is not registered, or whose officer has another name, two
officers of that name in that unit, a name matching several officers or none: the row is 待确认 with
its candidates, and `settle` records the clerk's choice. Commit refuses while rows are 待确认 or have
errors, unless told to skip them.

Re-imports add nothing twice: attendance is unique per (session, officer). A row whose officer is
already on the session is 已导入过 and left as stored; when its 学时 differ from the stored ones it carries
a warning “学时与已导入的不同” rather than an error — the platform's figures for a finished course do not
change, so a different figure means the stored record was corrected by hand (set_attendance) after the
first import, and that correction must not be overwritten, nor must it block importing the rest of the
file. The same person twice for the same session within one file is 重复 (the first row counts).

A 200,000-row export goes through in seconds: the sheet is streamed (core/xlsx_stream.py), officers,
certificates, units and sessions are loaded once, and each distinct ID, date and hours text is parsed once.
The columns and cell readers are in training_columns.py, the checks of one row in training_rows.py.
"""
from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.core import audit
from desktop_app.core.db import db
from desktop_app.core.errors import AppError
from desktop_app.core.gc_pause import paused_gc
from desktop_app.core.import_commit import batches, checked_counts, commit_after_backup
from desktop_app.core.import_sheet import SheetPreview, open_sheet, split_sheet
from desktop_app.core.jobs import JobControl
from desktop_app.core.models import TrainingSession, now
from desktop_app.core.personnel.roster_import import CellError, remember_mapping, remembered_mapping
from desktop_app.core.tabular import column_letter
from desktop_app.core.training import sessions
from desktop_app.core.training.training_columns import (
    FIELD_BY_KEY,
    LABELS,
    MIN_HEADER_FIELDS,
    PLATFORM,
    SIGN_IN,
    field_for_header,
    guess_mapping,
    kind_of_mapping,
    mapping_problems,
)
from desktop_app.core.training.training_rows import (
    ALREADY,
    DUPLICATE,
    ERROR,
    NEW,
    RESULTS,
    SKIPPED,
    UNSETTLED,
    Candidate,
    RowChecker,
    RowResult,
    SessionPlan,
    blank,
)
from desktop_app.core.xlsx_stream import SheetData

MAPPING_KIND = "training"
CHUNK = 5000  # rows between progress reports / executemany batches
BACKUP_REASON = "导入培训前"


def _open_sheet(path: Path, control: JobControl) -> tuple[SheetData, int, list[str]]:
    return open_sheet(path, control, field_for_header, MIN_HEADER_FIELDS, "培训签到表或学习记录",
                      "“姓名”以及“身份证号”“证号”“单位”“学时”“课程名称”")


# ============================================================================== the preview


@dataclass
class TrainingPreview(SheetPreview):
    session_id: int | None = None  # the session a sign-in sheet is for (chosen by the caller)
    mapping_remembered: bool = False
    default_category: str = "业务知识"  # for sessions the file describes without a 类别 column
    extra_name_columns: list[int] = field(default_factory=list)  # a second 姓名 column holding names
    results: list[RowResult] | None = None
    sessions: list[SessionPlan] = field(default_factory=list)
    settlements: dict[int, int | None] = field(default_factory=dict)  # sheet row → officer id (None: skip)
    _existing: dict[int, dict[int, float]] = field(default_factory=dict, repr=False)  # session → officer → hours
    _checker: RowChecker | None = field(default=None, repr=False)  # the lookups, kept for settling

    labels = LABELS
    result_kinds = RESULTS

    @property
    def kind(self) -> str:
        """签到表 or 学习平台导出, from the mapping (a column mapped to 课程名称 makes a platform export)."""
        return kind_of_mapping(self.mapping)

    def choose_session(self, session_id: int | None) -> None:
        """The session a sign-in sheet is for (None: the sessions its own columns describe)."""
        if session_id is not None:
            sessions.get_session(session_id)  # NotFound with a message
        self.session_id = session_id
        self._reset()

    def _reset(self) -> None:
        self.results, self.sessions, self.settlements = None, [], {}

    def mapping_problems(self) -> list[str]:
        problems = mapping_problems(self.mapping, self.session_id is not None)
        if self.extra_name_columns:
            columns = sorted({c for c, f in self.mapping.items() if f == "name"} | set(self.extra_name_columns))
            problems.append(f"表头中“姓名”出现在 {'、'.join(column_letter(c) for c in columns)} 列，像是左右并排的"
                            "签到表：每行只能读一人，请把右侧各组剪切到左侧下方（每行一人）后再导入。")
        if self.session_id is not None and self.kind == PLATFORM:
            problems.append("学习平台导出按课程和完成日期自动建立培训，不能指定一次培训；请取消所选培训，"
                            "或取消“课程名称”列的对应（按签到表导入）。")
        return problems

    @property
    def errors(self) -> list[CellError]:
        """Every bad cell, and every 待确认 row with its candidates, in row order."""
        found = []
        for result in self.results or []:
            found.extend(result.errors)
            problem = result.problem_error
            if problem is not None:
                found.append(problem)
        return found

    @property
    def warnings(self) -> list[CellError]:
        return [w for r in self.results or [] for w in r.warnings]

    @property
    def unsettled(self) -> list[RowResult]:
        return [r for r in self.results or [] if r.result == UNSETTLED]

    def result_for(self, row: int) -> RowResult:
        """The result of a sheet row (the results are in row order)."""
        results = self.results or []
        position = bisect.bisect_left(results, row, key=lambda r: r.row)
        if position < len(results) and results[position].row == row:
            return results[position]
        raise AppError(f"第 {row} 行不是要导入的数据行。")

    def settle(self, row: int, officer_id: int | None) -> RowResult:
        """The clerk's answer for a row whose name was not matched by itself: the officer it is, or None to
        skip the row. May be changed again until the commit."""
        self.settle_many({row: officer_id})
        return self.result_for(row)

    def settle_many(self, answers: dict[int, int | None]) -> None:
        """Several answers at once ({sheet row: officer id or None}); all are checked before any is kept."""
        if self.results is None:
            raise AppError("请先核对，再确认人员。")
        for row, officer_id in answers.items():
            result = self.result_for(row)
            if not result.needs_settling or result.errors:
                raise AppError(f"第 {row} 行" + ("有错误，请先修改表格。" if result.errors else "已自动对应人员，无需确认。"))
            if officer_id is not None and officer_id not in self._checker.info:
                raise AppError(f"没有编号为 {officer_id} 的人员。")
        self.settlements.update(answers)
        _place(self)

    def candidate(self, officer_id: int) -> Candidate | None:
        """How an officer is shown when the clerk picks one beyond the listed candidates (after validate)."""
        if self._checker is None or officer_id not in self._checker.info:
            return None
        return self._checker.candidate(officer_id)


def remembered_training_mapping(headers: list[str]) -> dict[int, str | None] | None:
    found = remembered_mapping(headers, MAPPING_KIND)
    if found is None:
        return None
    return {c: (f if f in FIELD_BY_KEY else None) for c, f in found.items()}


def load_training_file(path: Path, session_id: int | None = None,
                       control: JobControl | None = None) -> TrainingPreview:
    """Read the sheet and guess (or recall) the column mapping; raises AppError for unreadable files and
    NotFound for a session that does not exist."""
    path = Path(path)
    if session_id is not None:
        sessions.get_session(session_id)
    with paused_gc():
        sheet, header_row, headers = _open_sheet(path, control or JobControl())
    headers, rows, top_rows, top_merges = split_sheet(sheet, header_row, headers)
    remembered = remembered_training_mapping(headers)
    mapping = remembered if remembered is not None else guess_mapping(headers)
    name_columns = [c for c, h in enumerate(headers) if field_for_header(h) == "name"]
    extra = [c for c in name_columns[1:] if any(c < len(v) and not blank(v[c]) for _, v in rows)]
    return TrainingPreview(
        path, sheet.name, header_row, headers, rows=rows, top_rows=top_rows, top_merges=top_merges,
        mapping=mapping, session_id=session_id, mapping_remembered=remembered is not None,
        extra_name_columns=extra)


def _place(preview: TrainingPreview) -> None:
    """Each row's outcome from its match (or the clerk's answer): 新增, 已导入过, 重复, 待确认, 跳过, 错误."""
    seen: dict[tuple, int] = {}
    for plan in preview.sessions:
        plan.new_rows = 0
    name_column = next((c for c, f in preview.mapping.items() if f == "name"), None)
    hours_column = next((c for c, f in preview.mapping.items() if f == "hours"), None)
    for row in preview.results or []:
        row.warnings = []
        if row.errors:
            row.result, row.officer_id = ERROR, None
            continue
        if row.needs_settling:
            if row.row not in preview.settlements:
                row.result, row.officer_id, row.matched_by = UNSETTLED, None, ""
                continue
            row.officer_id, row.matched_by = preview.settlements[row.row], "人工确认"
            if row.officer_id is None:
                row.result, row.matched_by = SKIPPED, ""
                continue
        else:
            row.officer_id = row.found_id
        plan, hours = row.session, row.hours_to_store
        stored = preview._existing.get(plan.existing_id, {}).get(row.officer_id) if plan.existing_id else None
        key = (plan.key, row.officer_id)
        if stored is not None:
            row.result = ALREADY
            if abs(stored - hours) > 0.005:
                row.warnings.append(CellError(
                    row.row, hours_column, preview.header_of(hours_column) if hours_column is not None else "学时",
                    f"学时与已导入的不同：已有记录为 {stored:g} 学时，本行为 {hours:g} 学时；保留已有记录"
                    "（如需更正，请在培训详情中修改该人的学时）。"))
        elif key in seen:
            row.result = DUPLICATE
            row.warnings.append(CellError(
                row.row, name_column, preview.header_of(name_column) if name_column is not None else "姓名",
                f"与第 {seen[key]} 行是同一人参加同一{'课程' if plan.source_key else '培训'}，本行不再导入。"))
        else:
            seen[key] = row.row
            row.result = NEW
            plan.new_rows += 1


def validate(preview: TrainingPreview, control: JobControl | None = None,
             today: dt.date | None = None) -> list[RowResult]:
    """Check every data row, find its session and officer; results are kept on the preview (and returned).
    Answers already given with `settle` are kept when the mapping has not changed."""
    preview.check_mapping()
    control = control or JobControl()
    checker = RowChecker(preview, today or dt.date.today())
    results = []
    total = max(len(preview.rows), 1)
    with paused_gc():
        for position, (number, values) in enumerate(preview.rows):
            if position % CHUNK == 0:
                control.progress(0.9 * position / total, f"正在核对第 {number} 行…")
            result = checker.check(number, values)
            if result is not None:
                results.append(result)
    preview.sessions = checker.finish()
    control.progress(0.95, "正在查找已导入的记录…")
    preview._existing = checker.existing_attendance(preview.sessions)
    preview._checker = checker
    checker.preview = None  # no cycle: a dropped preview goes at once, not at the next collection
    preview.results = results
    open_rows = {r.row for r in results if r.needs_settling and not r.errors}
    preview.settlements = {r: o for r, o in preview.settlements.items() if r in open_rows}
    _place(preview)
    control.progress(1.0, "核对完成")
    return results


# ============================================================================== committing


@dataclass
class TrainingImportSummary:
    sessions_created: int = 0
    attendance_added: int = 0
    already: int = 0  # on the session already (left as stored)
    hours_differ: int = 0  # of those, stored with other hours (kept)
    duplicates: int = 0  # the same person twice in the file
    skipped: int = 0  # rows with errors, unsettled or settled as 跳过, left out
    session_ids: list[int] = field(default_factory=list)  # sessions that gained attendance
    backup: Path | None = None

    def message(self) -> str:
        text = f"已导入：参训记录 {self.attendance_added} 条"
        if self.sessions_created:
            text += f"，新建培训 {self.sessions_created} 次"
        if self.already:
            text += f"；已导入过 {self.already} 条（未重复导入"
            text += f"，其中 {self.hours_differ} 条学时与已有记录不同，保留已有记录）" if self.hours_differ else "）"
        if self.duplicates:
            text += f"；表内重复 {self.duplicates} 行"
        if self.skipped:
            text += f"；跳过 {self.skipped} 行（有错误、待确认或选择跳过）"
        return text + "。"


_INSERT_ATTENDANCE = "INSERT INTO attendance (session_id, officer_id, hours, result, note) VALUES (?, ?, ?, ?, ?)"


def commit_training(preview: TrainingPreview, skip_invalid: bool = False,
                    control: JobControl | None = None) -> TrainingImportSummary:
    """Write the checked preview in one transaction after a safety backup. Nothing is written while a row
    has errors or is 待确认 (unless `skip_invalid`), nor when the job is cancelled."""
    counts = checked_counts(preview, skip_invalid, "请先核对，再导入。", ERROR)
    control = control or JobControl()
    if counts[UNSETTLED] and not skip_invalid:
        raise AppError(f"有 {counts[UNSETTLED]} 行的姓名尚待确认（同名、未登记或与证件号码不符），请逐行选择人员或"
                       "跳过后再导入。")
    summary = TrainingImportSummary(already=counts[ALREADY], duplicates=counts[DUPLICATE],
                                    skipped=counts[ERROR] + counts[UNSETTLED] + counts[SKIPPED],
                                    hours_differ=sum(1 for r in preview.results if r.result == ALREADY and r.warnings))
    new = [r for r in preview.results if r.result == NEW]
    return commit_after_backup(summary, bool(new), lambda: remember_mapping(preview, MAPPING_KIND),
                               lambda: _write(preview, new, summary, control), BACKUP_REASON,
                               "核对之后数据库中的培训或参训记录已有变化，请重新核对后再导入。", control)


def _write(preview: TrainingPreview, new: list[RowResult], summary: TrainingImportSummary,
           control: JobControl) -> None:
    stamp = now()
    ids: dict[tuple, int] = {}
    created = []
    for plan in preview.sessions:
        if plan.new_rows == 0:
            continue
        if plan.existing_id is not None:
            if not TrainingSession.select().where(TrainingSession.id == plan.existing_id).exists():
                raise AppError(f"培训“{plan.name}”已被删除，请重新核对后再导入。")
            ids[plan.key] = plan.existing_id
            continue
        session = TrainingSession.create(
            name=plan.name, organiser=plan.organiser, organiser_unit=plan.organiser_unit_id, form=plan.form,
            category=plan.category, start_date=plan.start_date, end_date=plan.end_date,
            default_hours=plan.default_hours, source_key=plan.source_key, created_at=stamp,
            note=f"导入自“{preview.path.name}”")
        ids[plan.key] = session.id
        created.append(plan.name)
    summary.sessions_created = len(created)
    summary.session_ids = list(dict.fromkeys(ids.values()))
    cursor = db.cursor()
    for batch in batches(new, control, 0.0, 0.9, "正在写入参训记录…", CHUNK):
        cursor.executemany(_INSERT_ATTENDANCE, [(ids[r.session.key], r.officer_id, r.hours_to_store, r.assessment,
                                                 r.note) for r in batch])
    summary.attendance_added = len(new)
    remember_mapping(preview, MAPPING_KIND)
    control.check_cancelled()
    shown = "、".join(created[:10]) + (f" 等 {len(created)} 次" if len(created) > 10 else "")
    after = {"文件": preview.path.name, "工作表": preview.sheet_name, "类型": preview.kind,
             "新建培训": len(created), "新建培训名称": shown, "参训记录": summary.attendance_added,
             "已导入过": summary.already, "表内重复": summary.duplicates, "跳过": summary.skipped}
    single = summary.session_ids[0] if len(summary.session_ids) == 1 else None
    audit.record("create", "training", single, None, after,
                 summary=f"导入培训记录“{preview.path.name}”：参训记录 {summary.attendance_added} 条，"
                         f"新建培训 {len(created)} 次")


# ============================================================================== reporting


def write_training_errors(preview: TrainingPreview, path: Path, control: JobControl | None = None) -> Path:
    """The sheet as read with its bad cells (and 待确认 names with their candidates) marked, to send back."""
    from desktop_app.core.personnel.roster_errors import write_error_workbook

    return write_error_workbook(preview, path, control, default_title="培训记录")


def preview_as_json(preview: TrainingPreview) -> dict:
    """The preview for `import-training --json`: each data row by its sheet row number; 待确认 rows list
    their candidates (身份证号 masked)."""
    columns = [{"column": column_letter(c), "header": h, "field": preview.mapping.get(c),
                "label": LABELS.get(preview.mapping.get(c) or "")} for c, h in enumerate(preview.headers)]

    def cells(errors: list[CellError]) -> list[dict]:
        return [{"column": e.letter, "header": e.header, "message": e.message} for e in errors]

    rows = []
    for r in preview.results or []:
        item = {"row": r.row, "result": r.result, "name": r.name, "officer_id": r.officer_id,
                "matched_by": r.matched_by, "session": r.session.name if r.session else None,
                "hours": r.hours_to_store if r.session else r.hours,
                "errors": cells(r.errors), "warnings": cells(r.warnings)}
        if r.needs_settling:
            item["problem"] = r.problem
            item["candidates"] = [{"officer_id": c.officer_id, "name": c.name, "unit": c.unit,
                                   "id_number": c.id_masked, "status": c.status} for c in r.candidates]
        rows.append(item)
    return {"file": preview.path.name, "sheet": preview.sheet_name, "header_row": preview.header_row,
            "kind": preview.kind, "session_id": preview.session_id,
            "mapping_remembered": preview.mapping_remembered, "columns": columns,
            "problems": preview.mapping_problems(), "sessions": [p.as_json() for p in preview.sessions],
            "counts": preview.counts(), "rows": rows}


__all__ = ["ALREADY", "DUPLICATE", "ERROR", "NEW", "PLATFORM", "RESULTS", "SIGN_IN", "SKIPPED", "UNSETTLED",
           "Candidate", "RowResult", "SessionPlan", "TrainingImportSummary", "TrainingPreview", "commit_training",
           "load_training_file", "preview_as_json", "validate", "write_training_errors"]
