"""peewee models. The tables themselves are created by numbered migrations (migrations.py), never by
`create_tables`, so a model can change only together with a migration; tests compare the two.
"""
from __future__ import annotations

import datetime as dt

from peewee import (
    BooleanField,
    CharField,
    FloatField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from desktop_app.core.db import db


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class Setting(BaseModel):
    key = CharField(primary_key=True)
    value = TextField()  # JSON
    updated_at = DateTimeField(default=now)


# Unit kinds, in the order the organisation tree shows them.
UNIT_KINDS: dict[str, str] = {
    "government": "县/区人民政府",
    "justice": "司法局",
    "enforcement": "行政执法部门",
    "township": "乡镇/街道",
    "other": "其他",
}


class Unit(BaseModel):
    name = CharField()  # official full name
    short_name = CharField(default="")
    kind = CharField()
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="SET NULL")
    credit_code = CharField(null=True)
    sort_order = IntegerField(default=0)
    note = TextField(default="")
    retired_on = DateField(null=True)  # kept for history, hidden from new work
    merged_into = ForeignKeyField("self", null=True, backref="merged_units")
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)

    @property
    def is_active(self) -> bool:
        return self.retired_on is None

    @property
    def kind_label(self) -> str:
        return UNIT_KINDS.get(self.kind, self.kind)


class UnitGroup(BaseModel):
    """A named set of units that task lists address, e.g. 各行政执法部门〔单位〕.

    `auto_kind` makes every active unit of that kind a member without listing it, so a new
    enforcement department joins 各行政执法部门 by itself.
    """

    name = CharField(unique=True)
    auto_kind = CharField(null=True)
    note = TextField(default="")
    sort_order = IntegerField(default=0)
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)


class UnitGroupMember(BaseModel):
    group = ForeignKeyField(UnitGroup, backref="members", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, backref="group_memberships", on_delete="CASCADE")

    class Meta:
        indexes = ((("group", "unit"), True),)


class NameAlias(BaseModel):
    """Another name documents use for a unit or a group; `match_key` is the normalised form."""

    alias = CharField()
    match_key = CharField(unique=True)
    unit = ForeignKeyField(Unit, null=True, backref="aliases", on_delete="CASCADE")
    group = ForeignKeyField(UnitGroup, null=True, backref="aliases", on_delete="CASCADE")


class AuditLog(BaseModel):
    """One create/update/delete done through the services; rows are never changed (see audit.py)."""

    at = DateTimeField()
    actor = CharField()
    action = CharField()
    entity = CharField()
    entity_id = IntegerField(null=True)
    unit_id = IntegerField(null=True)  # the unit the change concerns, kept even after the unit goes
    summary = TextField(default="")
    changes = TextField()  # JSON {field: [before, after]}
    prev_hash = CharField()
    hash = CharField()


class Plan(BaseModel):
    """A 行动方案/任务清单 as issued; several coexist (a finished plan's standing tasks go on)."""

    title = TextField()
    doc_number = TextField(default="")
    issuer = TextField(default="")
    start_year = IntegerField(null=True)
    end_year = IntegerField(null=True)
    issued_on = DateField(null=True)  # recurring duties start with the first due date after it
    midterm_date = DateField(null=True)
    final_date = DateField(null=True)
    source_file = TextField(default="")
    imported_at = DateTimeField(default=now)
    note = TextField(default="")


class PlanSection(BaseModel):
    plan = ForeignKeyField(Plan, backref="sections", on_delete="CASCADE")
    number = TextField(default="")
    title = TextField()
    sort_order = IntegerField(default=0)


DEADLINE_KINDS = {"date": "限期", "date_then_standing": "限期并长期坚持", "standing": "长期坚持",
                  "annual": "每年", "unspecified": "无固定时限"}


class Task(BaseModel):
    plan = ForeignKeyField(Plan, backref="tasks", on_delete="CASCADE")
    section = ForeignKeyField(PlanSection, null=True, backref="tasks", on_delete="SET NULL")
    number = TextField()
    content = TextField()  # verbatim, oddities included
    deadline_text = TextField(default="")
    deadline_kind = TextField()
    due_date = DateField(null=True)
    due_month = IntegerField(null=True)
    due_day = IntegerField(null=True)
    leaders = TextField(default="")  # 牵头负责领导: people, not units
    sort_order = IntegerField(default=0)
    note = TextField(default="")


ROLES = {"lead": "牵头", "responsible": "责任", "cooperating": "配合"}


class Assignment(BaseModel):
    """One unit's part in one task; a group written in the document becomes one row per member."""

    task = ForeignKeyField(Task, backref="assignments", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, backref="assignments")
    role = TextField()
    written_name = TextField(default="")  # the name as the document wrote it
    via_group = ForeignKeyField(UnitGroup, null=True, backref="assignments", on_delete="SET NULL")

    class Meta:
        indexes = ((("task", "unit", "role"), True),)


PROGRESS_STATES = ("未启动", "推进中", "已完成", "本期已落实")


class Progress(BaseModel):
    """A progress report (进展填报); reports are only ever added, so the history stays complete."""

    assignment = ForeignKeyField(Assignment, backref="reports", on_delete="CASCADE")
    period = TextField(default="")  # "" for a one-off deadline, "2026" or "2026上半年" for recurring duties
    state = TextField()
    on_date = DateField()
    text = TextField(default="")
    entered_by = TextField()
    entered_at = DateTimeField(default=now)


class Evidence(BaseModel):
    progress = ForeignKeyField(Progress, backref="evidence", on_delete="CASCADE")
    file_name = TextField()
    stored_path = TextField()  # relative to the database's evidence folder
    sha256 = TextField()
    size = IntegerField()
    added_at = DateTimeField(default=now)


class DictItem(BaseModel):
    """An entry of a dictionary the clerk edits (执法领域, 人员类别 …); `flag` marks 辅助人员 categories."""

    kind = TextField()
    value = TextField()
    flag = IntegerField(default=0)
    sort_order = IntegerField(default=0)
    retired = IntegerField(default=0)

    class Meta:
        indexes = ((("kind", "value"), True),)


OFFICER_STATES = ("在职", "调离", "退休", "辞职", "死亡")


class Officer(BaseModel):
    """One enforcement officer or 辅助人员 (shared/domain.md §2.2). People who leave are kept, not deleted."""

    unit = ForeignKeyField(Unit, backref="officers")
    name = TextField()
    id_number = TextField(unique=True)  # 18 characters, upper-case X
    gender = TextField(default="")
    ethnicity = TextField(default="")
    birth_date = DateField(null=True)
    political_status = TextField(default="")
    education = TextField(default="")
    major = TextField(default="")
    post = TextField(default="")  # 职务/职级
    category = TextField(default="")  # 人员类别/编制性质 (dictionary)
    on_enforcement_post = BooleanField(default=True)  # 执法岗位: must hold a certificate (持证上岗)
    law_field = TextField(default="")  # 执法类别/领域 (dictionary)
    region = TextField(default="")  # 执法区域
    phone = TextField(default="")
    is_legal_reviewer = BooleanField(default=False)
    is_public_lawyer = BooleanField(default=False)
    status = TextField(default="在职")
    status_date = DateField(null=True)
    note = TextField(default="")
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)


OFFICER_CHANGE_KINDS = ("登记", "调动", "调离", "退休", "辞职", "死亡", "恢复在职")


class OfficerChange(BaseModel):
    """History of where an officer served and when they left; moves never overwrite the past."""

    officer = ForeignKeyField(Officer, backref="changes", on_delete="CASCADE")
    kind = TextField()
    on_date = DateField()
    from_unit = ForeignKeyField(Unit, null=True, backref="officer_moves_out")
    to_unit = ForeignKeyField(Unit, null=True, backref="officer_moves_in")
    reason = TextField(default="")
    doc_number = TextField(default="")
    entered_by = TextField(default="")
    entered_at = DateTimeField(default=now)


CERT_KINDS = {"law": "行政执法证", "supervision": "行政执法监督证"}


class Certificate(BaseModel):
    """One card. Its status is never stored: it is replayed from its events (certificates.py)."""

    officer = ForeignKeyField(Officer, backref="certificates", on_delete="CASCADE")
    kind = TextField(default="law")
    number = TextField(null=True, unique=True)  # empty while 申领中
    issuer = TextField(default="")
    issued_on = DateField(null=True)
    valid_until = DateField(null=True)
    law_field = TextField(default="")  # 执法类别
    region = TextField(default="")
    replaced_by = ForeignKeyField("self", null=True, backref="replaces", on_delete="SET NULL")
    note = TextField(default="")
    created_at = DateTimeField(default=now)


class CertificateEvent(BaseModel):
    certificate = ForeignKeyField(Certificate, backref="events", on_delete="CASCADE")
    kind = TextField()  # see certificates.EVENTS
    on_date = DateField()
    reason = TextField(default="")
    doc_number = TextField(default="")
    until = DateField(null=True)  # end of a 暂扣 period
    entered_by = TextField(default="")
    entered_at = DateTimeField(default=now)


class QualificationExam(BaseModel):
    """资格考试 (or exemption through 法律职业资格); a pass or exemption is needed before a new certificate."""

    officer = ForeignKeyField(Officer, backref="exams", on_delete="CASCADE")
    on_date = DateField()
    score = FloatField(null=True)
    passed = BooleanField(default=False)
    exempt = BooleanField(default=False)
    note = TextField(default="")


class AnnualAppraisal(BaseModel):
    """年度考核 result (优秀/称职/基本称职/不称职 or 合格 …)."""

    officer = ForeignKeyField(Officer, backref="appraisals", on_delete="CASCADE")
    year = IntegerField()
    result = TextField()
    note = TextField(default="")

    class Meta:
        indexes = ((("officer", "year"), True),)


class ColumnMapping(BaseModel):
    """A column mapping the clerk confirmed for one kind of import from one source layout."""

    kind = TextField()
    source_key = TextField()
    mapping = TextField()  # JSON {header: field}
    updated_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("kind", "source_key"), True),)


TRAINING_ORGANISERS = ("司法局", "上级业务部门", "本单位", "网络平台")
TRAINING_FORMS = ("集中轮训", "专题培训", "以会代训", "以赛促训", "案例研讨", "网络学习", "在职自学")
TRAINING_CATEGORIES = ("公共法律知识", "业务知识", "行政执法技能", "政治理论")
POLITICAL_CATEGORY = "政治理论"  # recorded, but not part of the 60 学时 (国办发〔2023〕27号)


class TrainingSession(BaseModel):
    """A 培训班/活动 (or one online course of a learning platform); hours are counted on `end_date`."""

    name = TextField()
    organiser = TextField(default="司法局")
    organiser_unit = ForeignKeyField(Unit, null=True, backref="organised_trainings")
    form = TextField(default="集中轮训")
    category = TextField(default="业务知识")
    start_date = DateField()
    end_date = DateField()
    default_hours = FloatField(default=0)
    is_rotation = BooleanField(default=False)  # counts as 全员轮训
    is_mental_health = BooleanField(default=False)  # 心理健康教育/心理训练活动
    source_key = TextField(null=True, unique=True)  # platform course identity: re-imports add nothing twice
    note = TextField(default="")
    created_at = DateTimeField(default=now)


class Attendance(BaseModel):
    """One officer at one session, with their own hours (an officer may leave early)."""

    session = ForeignKeyField(TrainingSession, backref="attendance", on_delete="CASCADE")
    officer = ForeignKeyField(Officer, backref="attendance", on_delete="CASCADE")
    hours = FloatField()
    result = TextField(default="")  # 合格 / 不合格 / 优秀 …
    note = TextField(default="")

    class Meta:
        indexes = ((("session", "officer"), True),)


class ReportDraft(BaseModel):
    """The narrative a clerk typed for one report (问题, 下一步打算 …), remembered for the next run of the
    same report for the same year and scope (a plan or a unit id, "" when none)."""

    kind = TextField()
    year = IntegerField()
    scope = TextField(default="")
    section = TextField()
    text = TextField()
    updated_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("kind", "year", "scope", "section"), True),)


class GeneratedReport(BaseModel):
    """One file the 报表中心 (or the command line) wrote: the history list of the reports page."""

    kind = TextField()
    title = TextField()
    path = TextField()
    year = IntegerField(null=True)
    plan_id = IntegerField(null=True)
    unit_id = IntegerField(null=True)
    note = TextField(default="")  # warnings at generation, e.g. the template fell back to the built-in one
    created_at = DateTimeField(default=now)


ALL_MODELS: list[type[BaseModel]] = [Setting, Unit, UnitGroup, UnitGroupMember, NameAlias, AuditLog, Plan,
                                     PlanSection, Task, Assignment, Progress, Evidence, DictItem, Officer, OfficerChange,
                                     Certificate, CertificateEvent, QualificationExam, AnnualAppraisal,
                                     ColumnMapping, TrainingSession, Attendance, ReportDraft, GeneratedReport]
