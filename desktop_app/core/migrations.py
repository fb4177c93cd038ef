"""Numbered schema migrations, kept in `PRAGMA user_version`.

Each step is plain SQL frozen at the time it shipped (models may change later; a migration never does).
Before upgrading a database that already holds data, a backup copy is taken; each step runs in one
transaction together with its version bump, so a crash leaves the file at the old or the new version.
A file written by a newer release is refused rather than guessed at.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from peewee import Database

from desktop_app.core.errors import DatabaseTooNew

log = logging.getLogger(__name__)

Migration = Callable[[Database], None]


def upgrade_to_1(db: Database) -> None:
    """Settings, units with aliases, unit groups."""
    statements = [
        """CREATE TABLE setting (
            key TEXT NOT NULL PRIMARY KEY,
            value TEXT NOT NULL,
            updated_at DATETIME NOT NULL)""",
        """CREATE TABLE unit (
            id INTEGER NOT NULL PRIMARY KEY,
            name TEXT NOT NULL,
            short_name TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL
                CHECK (kind IN ('government', 'justice', 'enforcement', 'township', 'other')),
            parent_id INTEGER REFERENCES unit (id) ON DELETE SET NULL,
            credit_code TEXT,
            sort_order INTEGER NOT NULL DEFAULT 0,
            note TEXT NOT NULL DEFAULT '',
            retired_on DATE,
            merged_into_id INTEGER REFERENCES unit (id),
            created_at DATETIME NOT NULL,
            updated_at DATETIME NOT NULL)""",
        "CREATE INDEX unit_parent_id ON unit (parent_id)",
        "CREATE INDEX unit_merged_into_id ON unit (merged_into_id)",
        "CREATE UNIQUE INDEX unit_credit_code ON unit (credit_code) WHERE credit_code IS NOT NULL",
        "CREATE UNIQUE INDEX unit_active_name ON unit (name) WHERE retired_on IS NULL",
        """CREATE TABLE unit_group (
            id INTEGER NOT NULL PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            auto_kind TEXT,
            note TEXT NOT NULL DEFAULT '',
            sort_order INTEGER NOT NULL DEFAULT 0,
            created_at DATETIME NOT NULL,
            updated_at DATETIME NOT NULL)""",
        """CREATE TABLE unit_group_member (
            id INTEGER NOT NULL PRIMARY KEY,
            group_id INTEGER NOT NULL REFERENCES unit_group (id) ON DELETE CASCADE,
            unit_id INTEGER NOT NULL REFERENCES unit (id) ON DELETE CASCADE)""",
        "CREATE UNIQUE INDEX unit_group_member_group_id_unit_id ON unit_group_member (group_id, unit_id)",
        "CREATE INDEX unit_group_member_unit_id ON unit_group_member (unit_id)",
        """CREATE TABLE name_alias (
            id INTEGER NOT NULL PRIMARY KEY,
            alias TEXT NOT NULL,
            match_key TEXT NOT NULL UNIQUE,
            unit_id INTEGER REFERENCES unit (id) ON DELETE CASCADE,
            group_id INTEGER REFERENCES unit_group (id) ON DELETE CASCADE,
            CHECK ((unit_id IS NULL) <> (group_id IS NULL)))""",
        "CREATE INDEX name_alias_unit_id ON name_alias (unit_id)",
        "CREATE INDEX name_alias_group_id ON name_alias (group_id)",
    ]
    for sql in statements:
        db.execute_sql(sql)


def upgrade_to_2(db: Database) -> None:
    """Append-only audit trail, hash-chained; triggers refuse edits from inside SQLite."""
    statements = [
        """CREATE TABLE audit_log (
            id INTEGER NOT NULL PRIMARY KEY,
            at DATETIME NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
            entity TEXT NOT NULL,
            entity_id INTEGER,
            unit_id INTEGER,
            summary TEXT NOT NULL DEFAULT '',
            changes TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL)""",
        "CREATE INDEX audit_log_entity ON audit_log (entity, entity_id)",
        "CREATE INDEX audit_log_unit_id ON audit_log (unit_id)",
        """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
           BEGIN SELECT RAISE(ABORT, '操作记录只能追加，不能修改'); END""",
        """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
           BEGIN SELECT RAISE(ABORT, '操作记录只能追加，不能删除'); END""",
    ]
    for sql in statements:
        db.execute_sql(sql)


def upgrade_to_3(db: Database) -> None:
    """Plans (任务清单) with sections and tasks, per-unit assignments, progress reports with evidence."""
    statements = [
        """CREATE TABLE plan (
            id INTEGER NOT NULL PRIMARY KEY,
            title TEXT NOT NULL,
            doc_number TEXT NOT NULL DEFAULT '',
            issuer TEXT NOT NULL DEFAULT '',
            start_year INTEGER,
            end_year INTEGER,
            issued_on DATE,
            midterm_date DATE,
            final_date DATE,
            source_file TEXT NOT NULL DEFAULT '',
            imported_at DATETIME NOT NULL,
            note TEXT NOT NULL DEFAULT '')""",
        """CREATE TABLE plan_section (
            id INTEGER NOT NULL PRIMARY KEY,
            plan_id INTEGER NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
            number TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL,
            sort_order INTEGER NOT NULL DEFAULT 0)""",
        "CREATE INDEX plan_section_plan_id ON plan_section (plan_id)",
        """CREATE TABLE task (
            id INTEGER NOT NULL PRIMARY KEY,
            plan_id INTEGER NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
            section_id INTEGER REFERENCES plan_section (id) ON DELETE SET NULL,
            number TEXT NOT NULL,
            content TEXT NOT NULL,
            deadline_text TEXT NOT NULL DEFAULT '',
            deadline_kind TEXT NOT NULL
                CHECK (deadline_kind IN ('date', 'date_then_standing', 'standing', 'annual', 'unspecified')),
            due_date DATE,
            due_month INTEGER,
            due_day INTEGER,
            leaders TEXT NOT NULL DEFAULT '',
            sort_order INTEGER NOT NULL DEFAULT 0,
            note TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX task_plan_id ON task (plan_id)",
        "CREATE INDEX task_section_id ON task (section_id)",
        """CREATE TABLE assignment (
            id INTEGER NOT NULL PRIMARY KEY,
            task_id INTEGER NOT NULL REFERENCES task (id) ON DELETE CASCADE,
            unit_id INTEGER NOT NULL REFERENCES unit (id),
            role TEXT NOT NULL CHECK (role IN ('lead', 'responsible', 'cooperating')),
            written_name TEXT NOT NULL DEFAULT '',
            via_group_id INTEGER REFERENCES unit_group (id) ON DELETE SET NULL)""",
        "CREATE UNIQUE INDEX assignment_task_id_unit_id_role ON assignment (task_id, unit_id, role)",
        "CREATE INDEX assignment_unit_id ON assignment (unit_id)",
        "CREATE INDEX assignment_via_group_id ON assignment (via_group_id)",
        """CREATE TABLE progress (
            id INTEGER NOT NULL PRIMARY KEY,
            assignment_id INTEGER NOT NULL REFERENCES assignment (id) ON DELETE CASCADE,
            period TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL CHECK (state IN ('未启动', '推进中', '已完成', '本期已落实')),
            on_date DATE NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            entered_by TEXT NOT NULL,
            entered_at DATETIME NOT NULL)""",
        "CREATE INDEX progress_assignment_id ON progress (assignment_id)",
        """CREATE TABLE evidence (
            id INTEGER NOT NULL PRIMARY KEY,
            progress_id INTEGER NOT NULL REFERENCES progress (id) ON DELETE CASCADE,
            file_name TEXT NOT NULL,
            stored_path TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            added_at DATETIME NOT NULL)""",
        "CREATE INDEX evidence_progress_id ON evidence (progress_id)",
    ]
    for sql in statements:
        db.execute_sql(sql)


def upgrade_to_4(db: Database) -> None:
    """Personnel: officers with their history, certificates with lifecycle events, exams, appraisals,
    editable dictionaries and remembered import column mappings."""
    statements = [
        """CREATE TABLE dict_item (
            id INTEGER NOT NULL PRIMARY KEY,
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            flag INTEGER NOT NULL DEFAULT 0,
            sort_order INTEGER NOT NULL DEFAULT 0,
            retired INTEGER NOT NULL DEFAULT 0)""",
        "CREATE UNIQUE INDEX dict_item_kind_value ON dict_item (kind, value)",
        """CREATE TABLE officer (
            id INTEGER NOT NULL PRIMARY KEY,
            unit_id INTEGER NOT NULL REFERENCES unit (id),
            name TEXT NOT NULL,
            id_number TEXT NOT NULL UNIQUE CHECK (length(id_number) = 18),
            gender TEXT NOT NULL DEFAULT '',
            ethnicity TEXT NOT NULL DEFAULT '',
            birth_date DATE,
            political_status TEXT NOT NULL DEFAULT '',
            education TEXT NOT NULL DEFAULT '',
            major TEXT NOT NULL DEFAULT '',
            post TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL DEFAULT '',
            on_enforcement_post INTEGER NOT NULL DEFAULT 1,
            law_field TEXT NOT NULL DEFAULT '',
            region TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            is_legal_reviewer INTEGER NOT NULL DEFAULT 0,
            is_public_lawyer INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT '在职' CHECK (status IN ('在职', '调离', '退休', '辞职', '死亡')),
            status_date DATE,
            note TEXT NOT NULL DEFAULT '',
            created_at DATETIME NOT NULL,
            updated_at DATETIME NOT NULL)""",
        "CREATE INDEX officer_unit_id ON officer (unit_id)",
        "CREATE INDEX officer_name ON officer (name)",
        """CREATE TABLE officer_change (
            id INTEGER NOT NULL PRIMARY KEY,
            officer_id INTEGER NOT NULL REFERENCES officer (id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            on_date DATE NOT NULL,
            from_unit_id INTEGER REFERENCES unit (id),
            to_unit_id INTEGER REFERENCES unit (id),
            reason TEXT NOT NULL DEFAULT '',
            doc_number TEXT NOT NULL DEFAULT '',
            entered_by TEXT NOT NULL DEFAULT '',
            entered_at DATETIME NOT NULL)""",
        "CREATE INDEX officer_change_officer_id ON officer_change (officer_id)",
        "CREATE INDEX officer_change_from_unit_id ON officer_change (from_unit_id)",
        "CREATE INDEX officer_change_to_unit_id ON officer_change (to_unit_id)",
        """CREATE TABLE certificate (
            id INTEGER NOT NULL PRIMARY KEY,
            officer_id INTEGER NOT NULL REFERENCES officer (id) ON DELETE CASCADE,
            kind TEXT NOT NULL DEFAULT 'law' CHECK (kind IN ('law', 'supervision')),
            number TEXT UNIQUE,
            issuer TEXT NOT NULL DEFAULT '',
            issued_on DATE,
            valid_until DATE,
            law_field TEXT NOT NULL DEFAULT '',
            region TEXT NOT NULL DEFAULT '',
            replaced_by_id INTEGER REFERENCES certificate (id) ON DELETE SET NULL,
            note TEXT NOT NULL DEFAULT '',
            created_at DATETIME NOT NULL)""",
        "CREATE INDEX certificate_officer_id ON certificate (officer_id)",
        "CREATE INDEX certificate_replaced_by_id ON certificate (replaced_by_id)",
        """CREATE TABLE certificate_event (
            id INTEGER NOT NULL PRIMARY KEY,
            certificate_id INTEGER NOT NULL REFERENCES certificate (id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('apply', 'issue', 'review_pass', 'review_fail', 'renew',
                                               'suspend', 'restore', 'revoke', 'cancel')),
            on_date DATE NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            doc_number TEXT NOT NULL DEFAULT '',
            until DATE,
            entered_by TEXT NOT NULL DEFAULT '',
            entered_at DATETIME NOT NULL)""",
        "CREATE INDEX certificate_event_certificate_id ON certificate_event (certificate_id, on_date, id)",
        """CREATE TABLE qualification_exam (
            id INTEGER NOT NULL PRIMARY KEY,
            officer_id INTEGER NOT NULL REFERENCES officer (id) ON DELETE CASCADE,
            on_date DATE NOT NULL,
            score REAL,
            passed INTEGER NOT NULL DEFAULT 0,
            exempt INTEGER NOT NULL DEFAULT 0,
            note TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX qualification_exam_officer_id ON qualification_exam (officer_id)",
        """CREATE TABLE annual_appraisal (
            id INTEGER NOT NULL PRIMARY KEY,
            officer_id INTEGER NOT NULL REFERENCES officer (id) ON DELETE CASCADE,
            year INTEGER NOT NULL,
            result TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '')""",
        "CREATE UNIQUE INDEX annual_appraisal_officer_id_year ON annual_appraisal (officer_id, year)",
        """CREATE TABLE column_mapping (
            id INTEGER NOT NULL PRIMARY KEY,
            kind TEXT NOT NULL,
            source_key TEXT NOT NULL,
            mapping TEXT NOT NULL,
            updated_at DATETIME NOT NULL)""",
        "CREATE UNIQUE INDEX column_mapping_kind_source_key ON column_mapping (kind, source_key)",
    ]
    for sql in statements:
        db.execute_sql(sql)
    # The starting dictionaries (shared/domain.md §2.2), written out here so that this step stays the same
    # whatever later releases ship as defaults.
    fields = ["市场监管", "生态环境", "文化市场", "交通运输", "农业", "应急管理", "城市管理", "自然资源",
              "卫生健康", "住房城乡建设", "水利", "林业草原", "教育", "民政", "人力资源社会保障", "公安",
              "税务", "司法行政", "乡镇（街道）综合执法", "其他"]
    categories = [("行政编制公务员", 0), ("参照公务员法管理", 0), ("事业编制", 0), ("工勤", 1), ("编外·辅助人员", 1)]
    rows = [("law_field", value, 0, order) for order, value in enumerate(fields)]
    rows += [("category", value, flag, order) for order, (value, flag) in enumerate(categories)]
    for row in rows:
        db.execute_sql("INSERT INTO dict_item (kind, value, flag, sort_order) VALUES (?, ?, ?, ?)", row)


def upgrade_to_5(db: Database) -> None:
    """Training: sessions (培训班/活动, platform courses) and each officer's attendance with hours."""
    statements = [
        """CREATE TABLE training_session (
            id INTEGER NOT NULL PRIMARY KEY,
            name TEXT NOT NULL,
            organiser TEXT NOT NULL DEFAULT '司法局',
            organiser_unit_id INTEGER REFERENCES unit (id),
            form TEXT NOT NULL DEFAULT '集中轮训',
            category TEXT NOT NULL DEFAULT '业务知识',
            start_date DATE NOT NULL,
            end_date DATE NOT NULL CHECK (end_date >= start_date),
            default_hours REAL NOT NULL DEFAULT 0 CHECK (default_hours >= 0),
            is_rotation INTEGER NOT NULL DEFAULT 0,
            is_mental_health INTEGER NOT NULL DEFAULT 0,
            source_key TEXT UNIQUE,
            note TEXT NOT NULL DEFAULT '',
            created_at DATETIME NOT NULL)""",
        "CREATE INDEX training_session_end_date ON training_session (end_date)",
        "CREATE INDEX training_session_organiser_unit_id ON training_session (organiser_unit_id)",
        """CREATE TABLE attendance (
            id INTEGER NOT NULL PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES training_session (id) ON DELETE CASCADE,
            officer_id INTEGER NOT NULL REFERENCES officer (id) ON DELETE CASCADE,
            hours REAL NOT NULL CHECK (hours >= 0),
            result TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '')""",
        "CREATE UNIQUE INDEX attendance_session_id_officer_id ON attendance (session_id, officer_id)",
        # hours ride along in both lookup orders, so the ledger's sums read indexes, never the table
        "CREATE INDEX attendance_session_hours ON attendance (session_id, officer_id, hours)",
        "CREATE INDEX attendance_officer_id ON attendance (officer_id, session_id, hours)",
    ]
    for sql in statements:
        db.execute_sql(sql)


def upgrade_to_6(db: Database) -> None:
    """Reports: the clerk's remembered narrative per report, year and scope, and the generated-file history."""
    statements = [
        """CREATE TABLE report_draft (
            id INTEGER NOT NULL PRIMARY KEY,
            kind TEXT NOT NULL,
            year INTEGER NOT NULL,
            scope TEXT NOT NULL DEFAULT '',
            section TEXT NOT NULL,
            text TEXT NOT NULL,
            updated_at DATETIME NOT NULL)""",
        "CREATE UNIQUE INDEX report_draft_kind_year_scope_section ON report_draft (kind, year, scope, section)",
        """CREATE TABLE generated_report (
            id INTEGER NOT NULL PRIMARY KEY,
            kind TEXT NOT NULL,
            title TEXT NOT NULL,
            path TEXT NOT NULL,
            year INTEGER,
            plan_id INTEGER,
            unit_id INTEGER,
            note TEXT NOT NULL DEFAULT '',
            created_at DATETIME NOT NULL)""",
        "CREATE INDEX generated_report_created_at ON generated_report (created_at)",
    ]
    for sql in statements:
        db.execute_sql(sql)


MIGRATIONS: list[Migration] = [upgrade_to_1, upgrade_to_2, upgrade_to_3, upgrade_to_4, upgrade_to_5, upgrade_to_6]
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass
class MigrationResult:
    from_version: int
    to_version: int
    backup_path: Path | None = None

    @property
    def upgraded(self) -> bool:
        return self.to_version != self.from_version


def too_new_message(found: int, supported: int) -> str:
    return (f"该数据库由更新版本的软件创建（数据结构版本 {found}，本软件支持到 {supported}）。"
            "为避免损坏数据，本软件不能打开它，请升级软件后再试。")


def schema_version(db: Database) -> int:
    return db.execute_sql("PRAGMA user_version").fetchone()[0]


def migrate(db: Database, backup_dir: Path | None, steps: list[Migration] | None = None) -> MigrationResult:
    """Bring the open database up to len(steps); refuse a newer file; back up before touching data."""
    steps = MIGRATIONS if steps is None else steps
    target = len(steps)
    current = schema_version(db)
    if current > target:
        raise DatabaseTooNew(too_new_message(current, target))
    result = MigrationResult(current, current)
    if current == target:
        return result
    if current > 0 and backup_dir is not None:
        from desktop_app.core.backup import create_backup

        result.backup_path = create_backup(Path(db.database), Path(backup_dir), f"升级前v{current}")
        log.info("migration backup written to %s", result.backup_path)
    for number in range(current + 1, target + 1):
        with db.atomic():
            steps[number - 1](db)
            db.execute_sql(f"PRAGMA user_version = {number:d}")
        log.info("database migrated to schema version %d", number)
        result.to_version = number
    return result
