"""Training sessions and attendance (training/sessions.py): every field checked with a message for the
clerk, a session copied with or without its attendees, attendees added once however often they are
added, each attendee's own hours and result, removal, days → 学时 by the settings, and the audit trail."""
from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.errors import NotFound, ValidationError
from desktop_app.core.id_card import id_check_character
from desktop_app.core.models import Attendance, AuditLog, TrainingSession
from desktop_app.core.personnel import officers as of
from desktop_app.core.settings import set_settings
from desktop_app.core.training import sessions as ts
from desktop_app.core.units import UnitInput, create_unit

D = dt.date


def id_number(seq: int) -> str:
    first17 = f"64030319850315{seq:03d}"
    return first17 + id_check_character(first17)


@pytest.fixture
def unit(session):
    return create_unit(UnitInput("红寺堡区综合执法局", "enforcement", "综合执法局"))


@pytest.fixture
def officers(unit):
    made = [of.create_officer(of.OfficerInput(unit_id=unit.id, name=name, id_number=id_number(n),
                                              category="参照公务员法管理", law_field="城市管理"))
            for n, name in enumerate(("马建军", "李娜", "王强", "刘洋"), start=1)]
    of.set_status(made[-1].id, "调离", D(2025, 1, 10))
    return made


def data(**kw) -> ts.SessionInput:
    values = {"name": "2025年度全员轮训（第一期）", "start_date": "2025-03-03", "end_date": "2025-03-05",
              "default_hours": 18, "is_rotation": True, "category": "公共法律知识"}
    values.update(kw)
    return ts.SessionInput(**values)


def refused(**kw) -> ValidationError:
    before = TrainingSession.select().count()
    with pytest.raises(ValidationError) as excinfo:
        ts.create_session(data(**kw))
    assert TrainingSession.select().count() == before
    return excinfo.value


def entries() -> list[AuditLog]:
    return list(AuditLog.select().where(AuditLog.entity == "training").order_by(AuditLog.id))


# ---------------------------------------------------------------------------------------------------------
# days → 学时


def test_days_to_hours_by_the_default_settings(session):
    assert [ts.days_to_hours(d) for d in (1, 0.5, 3, 2.5, 0)] == [6, 3, 18, 15, 0]


def test_days_to_hours_follows_the_settings(session):
    set_settings({"hours_per_day": 8, "hours_per_half_day": 4})
    assert ts.days_to_hours(3) == 24 and ts.days_to_hours(1.5) == 12


def test_only_whole_or_half_days(session):
    with pytest.raises(ValidationError, match=r"天数 1\.3 只能是整天或半天"):
        ts.days_to_hours(1.3)


# ---------------------------------------------------------------------------------------------------------
# one session


def test_create_cleans_the_values_and_is_audited(unit):
    created = ts.create_session(data(name="  2025年度全员轮训（第一期） ", organiser="本单位",
                                     organiser_unit_id=unit.id, note=" 春季 "))
    again = ts.get_session(created.id)
    assert (again.name, again.organiser, again.organiser_unit_id, again.note) == (
        "2025年度全员轮训（第一期）", "本单位", unit.id, "春季")
    assert (again.start_date, again.end_date, again.default_hours, again.is_rotation) == (
        D(2025, 3, 3), D(2025, 3, 5), 18, True)
    assert [e.summary for e in entries()] == ["新增培训：2025年度全员轮训（第一期）"]
    one_day = ts.create_session(data(end_date=None))
    assert one_day.end_date == one_day.start_date == D(2025, 3, 3)


@pytest.mark.parametrize("values, field, message", [
    ({"name": "  "}, "name", "请填写培训名称。"),
    ({"name": "培" * 201}, "name", "培训名称过长（最多 200 字）。"),
    ({"organiser": "县委"}, "organiser", "组织单位“县委”无效，可选：司法局、上级业务部门、本单位、网络平台。"),
    ({"form": "座谈"}, "form", "形式“座谈”无效"),
    ({"category": "党史"}, "category", "类别“党史”无效"),
    ({"end_date": "2025-03-01"}, "end_date", "结束日期 2025-03-01 早于开始日期 2025-03-03。"),
    ({"start_date": "2025-02-30"}, None, "2025-02-30"),
    ({"default_hours": "六"}, "hours", "学时“六”不是数字。"),
    ({"default_hours": 501}, "hours", "学时 501 不在 0 到 500 之间。"),
    ({"default_hours": -1}, "hours", "学时 -1 不在 0 到 500 之间。"),
    ({"organiser_unit_id": 999}, "organiser_unit_id", "承办单位不存在。"),
])
def test_each_field_is_checked_with_a_message(unit, values, field, message):
    error = refused(**values)
    assert message in error.message
    if field is not None:
        assert error.field == field


def test_a_start_more_than_a_year_ahead_is_refused(unit):
    far = dt.date.today() + dt.timedelta(days=400)
    assert "太远" in refused(start_date=far, end_date=far).message


def test_update_and_delete(unit, officers):
    created = ts.create_session(data())
    ts.add_attendees(created.id, [officers[0].id])
    ts.update_session(created.id, data(name="2025年度全员轮训（第1期）", default_hours=12))
    assert ts.get_session(created.id).default_hours == 12
    assert Attendance.get(Attendance.session == created.id).hours == 18  # attendees keep their own hours
    assert entries()[-1].summary == "修改培训：2025年度全员轮训（第1期）"
    ts.update_session(created.id, data(name="2025年度全员轮训（第1期）", default_hours=12))  # nothing changed
    assert entries()[-1].summary == "修改培训：2025年度全员轮训（第1期）" and len(entries()) == 3
    ts.delete_session(created.id)
    assert Attendance.select().count() == 0  # the attendance goes with it
    assert entries()[-1].summary == "删除培训：2025年度全员轮训（第1期）（含 1 人次参训记录）"
    with pytest.raises(NotFound, match="找不到编号为"):
        ts.get_session(created.id)


# ---------------------------------------------------------------------------------------------------------
# attendees


def test_add_attendees_is_idempotent(officers):
    created = ts.create_session(data())
    first = ts.add_attendees(created.id, [officers[0].id, officers[1].id, officers[0].id])
    assert (first.added, first.already, first.refused) == (2, 0, [])
    ts.set_attendance(created.id, officers[1].id, 12, "合格", "中途离开")
    again = ts.add_attendees(created.id, [officers[0].id, officers[1].id, officers[2].id, 999])
    assert (again.added, again.already, again.refused) == (1, 2, [(999, "没有这名人员")])
    rows = {r.officer_id: r.hours for r in Attendance.select().where(Attendance.session == created.id)}
    assert rows == {officers[0].id: 18, officers[1].id: 12, officers[2].id: 18}  # 李娜 keeps her 12
    nothing = ts.add_attendees(created.id, [officers[0].id])
    assert (nothing.added, nothing.already) == (0, 1)
    summaries = [e.summary for e in entries()]
    assert summaries.count("添加参训人员：2025年度全员轮训（第一期），2 人，每人 18 学时") == 1
    assert len([s for s in summaries if s.startswith("添加参训人员")]) == 2  # adding nobody is not recorded


def test_add_attendees_with_their_own_hours_and_result(officers):
    created = ts.create_session(data())
    ts.add_attendees(created.id, [officers[0].id], hours=15, result="合格")
    row = Attendance.get(Attendance.officer == officers[0].id)
    assert (row.hours, row.result) == (15, "合格")
    with pytest.raises(ValidationError, match="考核结果“很好”无效"):
        ts.add_attendees(created.id, [officers[1].id], result="很好")
    with pytest.raises(ValidationError, match="不在 0 到 500 之间"):
        ts.add_attendees(created.id, [officers[1].id], hours=600)
    assert Attendance.select().count() == 1


def test_set_attendance(officers):
    created = ts.create_session(data())
    ts.add_attendees(created.id, [officers[0].id])
    row = ts.set_attendance(created.id, officers[0].id, 12.5, "不合格", " 中途离开 ")
    assert (row.hours, row.result, row.note) == (12.5, "不合格", "中途离开")
    last = entries()[-1]
    assert last.summary == "修改参训记录：马建军" and last.unit_id == officers[0].unit_id
    with pytest.raises(NotFound, match="该人员不在这次培训的参训名单中"):
        ts.set_attendance(created.id, officers[1].id, 6)
    with pytest.raises(ValidationError, match="考核结果“及格”无效"):
        ts.set_attendance(created.id, officers[0].id, 6, "及格")
    with pytest.raises(ValidationError, match="学时“半天”不是数字"):
        ts.set_attendance(created.id, officers[0].id, "半天")
    assert Attendance.get(Attendance.officer == officers[0].id).hours == 12.5


def test_remove_attendees(officers):
    created = ts.create_session(data())
    ts.add_attendees(created.id, [o.id for o in officers[:3]])
    assert ts.remove_attendees(created.id, [officers[0].id, officers[1].id, 999]) == 2
    assert [r.officer_id for r in Attendance.select()] == [officers[2].id]
    assert entries()[-1].summary == "移出参训人员：2025年度全员轮训（第一期），2 人"
    count = len(entries())
    assert ts.remove_attendees(created.id, [officers[0].id]) == 0
    assert len(entries()) == count  # nothing removed, nothing recorded


def test_officers_of_units(unit, officers):
    assert ts.officers_of_units([unit.id]) == [o.id for o in officers[:3]]  # 刘洋 has left
    assert set(ts.officers_of_units([unit.id], in_service_only=False)) == {o.id for o in officers}


# ---------------------------------------------------------------------------------------------------------
# copying a session (another 期次)


def test_copy_without_attendees(unit, officers):
    source = ts.create_session(data(organiser="本单位", organiser_unit_id=unit.id, is_mental_health=True,
                                    form="专题培训", note="第一期"))
    ts.add_attendees(source.id, [officers[0].id])
    copy = ts.copy_session(source.id, "2025-04-07", "2025-04-09")
    assert copy.id != source.id
    assert (copy.name, copy.organiser, copy.organiser_unit_id, copy.form, copy.category, copy.default_hours,
            copy.is_rotation, copy.is_mental_health, copy.note) == (
        source.name, "本单位", unit.id, "专题培训", "公共法律知识", 18, True, True, "第一期")
    assert (copy.start_date, copy.end_date) == (D(2025, 4, 7), D(2025, 4, 9))
    assert Attendance.select().where(Attendance.session == copy.id).count() == 0
    assert entries()[-1].summary == f"新增培训：{source.name}"


def test_copy_with_attendees_gives_everyone_the_full_hours(officers):
    source = ts.create_session(data())
    ts.add_attendees(source.id, [officers[0].id, officers[1].id])
    ts.set_attendance(source.id, officers[1].id, 12)
    copy = ts.copy_session(source.id, "2025-04-07", "2025-04-09", with_attendees=True)
    rows = {r.officer_id: r.hours for r in Attendance.select().where(Attendance.session == copy.id)}
    assert rows == {officers[0].id: 18, officers[1].id: 18}  # who left early last time is recorded anew
    with pytest.raises(ValidationError, match="早于开始日期"):
        ts.copy_session(source.id, "2025-04-07", "2025-04-01", with_attendees=True)
    assert TrainingSession.select().count() == 2  # the refused copy left nothing behind
    with pytest.raises(NotFound):
        ts.copy_session(999, "2025-04-07")
