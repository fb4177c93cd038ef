"""进展填报: adding a progress report (never editing one) with evidence files copied into the database's
evidence folder and fingerprinted (SHA-256), so a backup carries them and tampering shows."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from desktop_app.core import audit
from desktop_app.core.dates import parse_date
from desktop_app.core.db import database_path, db
from desktop_app.core.errors import AppError, NotFound, ValidationError
from desktop_app.core.files import file_sha256
from desktop_app.core.models import PROGRESS_STATES, Assignment, Evidence, Progress, now
from desktop_app.paths import attachments_dir_for

MAX_EVIDENCE_BYTES = 200 * 1024 * 1024


def get_assignment(assignment_id: int) -> Assignment:
    found = Assignment.get_or_none(Assignment.id == assignment_id)
    if found is None:
        raise NotFound(f"找不到编号为 {assignment_id} 的任务分工。")
    return found


def evidence_root() -> Path:
    path = database_path()
    if path is None:
        raise AppError("数据库尚未打开。")
    return attachments_dir_for(path)


def add_progress(assignment_id: int, state: str, on_date: dt.date | str, text: str = "",
                 period: str = "", files: list[Path] | None = None) -> Progress:
    if state not in PROGRESS_STATES:
        raise ValidationError(f"进展状态“{state}”无效，可选：{'、'.join(PROGRESS_STATES)}。", "state")
    day = on_date if isinstance(on_date, dt.date) else parse_date(on_date, field="填报日期")
    if day > dt.date.today():
        raise ValidationError(f"填报日期 {day:%Y-%m-%d} 晚于今天。", "on_date")
    files = [Path(f) for f in files or []]
    for path in files:
        if not path.is_file():
            raise ValidationError(f"证明材料“{path}”不存在。", "files")
        if path.stat().st_size > MAX_EVIDENCE_BYTES:
            raise ValidationError(f"证明材料“{path.name}”超过 200 MB，请压缩或拆分后再添加。", "files")
    with db.atomic():
        assignment = get_assignment(assignment_id)
        report = Progress.create(assignment=assignment, period=period, state=state, on_date=day,
                                 text=text.strip(), entered_by=audit.current_actor(), entered_at=now())
        stored = [_store_evidence(report, path) for path in files]
        task = assignment.task
        audit.record("create", "progress", report.id, None,
                     {"任务": f"{task.number}. {task.content[:40]}", "单位": assignment.unit.name,
                      "期间": period, "状态": state, "日期": day, "说明": report.text,
                      "证明材料": [e.file_name for e in stored]},
                     f"任务 {task.number} · {assignment.unit.name}", assignment.unit_id)
    return report


def _store_evidence(report: Progress, source: Path) -> Evidence:
    folder = evidence_root() / "进展" / str(report.id)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    counter = 2
    while target.exists():  # two files of the same name from different folders keep both
        target = folder / f"{source.stem}（{counter}）{source.suffix}"
        counter += 1
    shutil.copy2(source, target)
    return Evidence.create(progress=report, file_name=source.name,
                           stored_path=target.relative_to(evidence_root()).as_posix(),
                           sha256=file_sha256(target), size=target.stat().st_size, added_at=now())


def history(assignment_id: int) -> list[Progress]:
    return list(Progress.select().where(Progress.assignment == assignment_id)
                .order_by(Progress.on_date.desc(), Progress.id.desc()))


def evidence_file(evidence: Evidence) -> Path:
    """The stored copy, checked against its fingerprint before anyone opens it."""
    path = evidence_root() / evidence.stored_path
    if not path.is_file():
        raise AppError(f"证明材料“{evidence.file_name}”的文件已不在数据文件夹中（可从备份恢复）。")
    if file_sha256(path) != evidence.sha256:
        raise AppError(f"证明材料“{evidence.file_name}”与登记时的校验值不符，文件可能已被改动。")
    return path
