"""peewee models. The tables themselves are created by numbered migrations (migrations.py), never by
`create_tables`, so a model can change only together with a migration; tests compare the two.
"""
from __future__ import annotations

import datetime as dt

from peewee import (
    CharField,
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


ALL_MODELS: list[type[BaseModel]] = [Setting, Unit, UnitGroup, UnitGroupMember, NameAlias, AuditLog]
