"""Importing training attendance: sign-in sheets matched by 身份证号, 证号 or 姓名+单位 (never guessed: the
ambiguous and the unknown wait for the clerk), platform exports that become one session per course and
date and add nothing twice, every bad cell named by row and column, all or nothing."""
from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from desktop_app.core.errors import AppError, NotFound
from desktop_app.core.id_card import id_check_character, mask_id_number
from desktop_app.core.jobs import Cancelled, JobControl
from desktop_app.core.models import Attendance, AuditLog, Certificate, ColumnMapping, TrainingSession
from desktop_app.core.personnel.officers import OfficerInput, create_officer
from desktop_app.core.settings import set_settings
from desktop_app.core.training.sessions import SessionInput, create_session, set_attendance
from desktop_app.core.training.training_import import (
    ALREADY,
    DUPLICATE,
    ERROR,
    NEW,
    PLATFORM,
    SIGN_IN,
    SKIPPED,
    UNSETTLED,
    commit_training,
    load_training_file,
    preview_as_json,
    validate,
    write_training_errors,
)
from desktop_app.core.units import UnitInput, create_unit

BAD_INPUTS = Path(__file__).resolve().parent.parent / "bad_inputs"


def ident(area: str, birth: str, seq: str) -> str:
    first17 = area + birth + seq
    return first17 + id_check_character(first17)


ZHANG = ident("110105", "19850315", "123")
LI = ident("110105", "19900101", "013")
WANG_A = ident("110105", "19880808", "022")
WANG_B = ident("110105", "19890909", "033")
LIU_EDU = ident("110105", "19791111", "031")
LIU_HEALTH = ident("110105", "19810202", "045")
ZHAO = ident("110105", "19950505", "041")
ZHOU = ident("110105", "19870101", "015")
ZHOU_15 = "110105870101015"  # the same person's old number
STRANGER = ident("110105", "19920303", "051")  # valid, but nobody registered has it
BAD_CHECK = ZHANG[:17] + ("1" if ZHANG[17] != "1" else "2")
LI_CARD = "CS20240002"

SIGN_HEADER = ["序号", "姓名", "单位", "身份证号码", "执法证号", "学时", "考核结果", "备注"]


def write_sheet(path: Path, header: list, rows: list[list], title: str | None = "2024年行政执法人员培训班签到表",
                extra_sheet: bool = False) -> Path:
    """A title row (merged across), the header, then the rows; optionally a 说明 sheet first."""
    book = Workbook()
    sheet = book.active
    if extra_sheet:
        sheet.title = "说明"
        sheet["A1"] = "请按下一张工作表填写。"
        sheet = book.create_sheet("签到表")
    else:
        sheet.title = "签到表"
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def people(session) -> dict[str, int]:
    """Three units; two 王伟 in 司法局, a 刘洋 in 教育局 and another in 卫健局; 李四 holds card CS20240002."""
    set_settings({"county_name": "红寺堡区"})
    justice = create_unit(UnitInput("红寺堡区司法局", "justice", "司法局")).id
    education = create_unit(UnitInput("红寺堡区教育局", "enforcement", "教育局")).id
    health = create_unit(UnitInput("红寺堡区卫生健康局", "enforcement", "卫生健康局", aliases=["卫健局"])).id
    made = {}
    for key, unit, name, number in (("zhang", justice, "张三", ZHANG), ("li", education, "李四", LI),
                                    ("wang_a", justice, "王伟", WANG_A), ("wang_b", justice, "王伟", WANG_B),
                                    ("liu_edu", education, "刘洋", LIU_EDU), ("liu_health", health, "刘洋", LIU_HEALTH),
                                    ("zhao", health, "赵六", ZHAO), ("zhou", education, "周九", ZHOU)):
        made[key] = create_officer(OfficerInput(unit, name, number)).id
    Certificate.create(officer=made["li"], number=LI_CARD, issued_on=dt.date(2024, 6, 1),
                       valid_until=dt.date(2029, 5, 31))
    made.update(justice=justice, education=education, health=health)
    return made


@pytest.fixture
def course(people) -> TrainingSession:
    return create_session(SessionInput("2024年全员轮训第一期", "2024-05-20", "2024-05-21", default_hours=12,
                                       is_rotation=True))


def attendance() -> dict[tuple[int, int], tuple[float, str, str]]:
    return {(a.session_id, a.officer_id): (a.hours, a.result, a.note) for a in Attendance.select()}


def by_row(preview) -> dict:
    return {r.row: r for r in preview.results}


# ------------------------------------------------------------------------------------------ sign-in sheets


def test_sign_in_matches_by_id_card_number_and_name_with_unit(people, course, tmp_path):
    path = write_sheet(tmp_path / "签到.xlsx", SIGN_HEADER, [
        [1, "张三", "司法局", ZHANG, None, None, "合格"],
        [2, "李四", "教育局", None, LI_CARD.lower(), "半天", "优秀"],
        [3, "刘  洋", "卫健局", None, None, "3.5", None, "下午请假"],
        [4, "赵六", None, None, None, 6],
        [5, "周九", None, ZHOU_15, None, "1天"],
        ["填表人：王五"],
    ], extra_sheet=True)
    preview = load_training_file(path, session_id=course.id)
    assert (preview.sheet_name, preview.header_row, preview.kind) == ("签到表", 2, SIGN_IN)
    validate(preview)
    rows = by_row(preview)
    assert [(r.row, r.result, r.matched_by) for r in preview.results] == [
        (3, NEW, "身份证号码"), (4, NEW, "证号"), (5, NEW, "姓名+单位"), (6, NEW, "姓名"), (7, NEW, "身份证号码")]
    assert rows[5].officer_id == people["liu_health"] and rows[7].officer_id == people["zhou"]
    summary = commit_training(preview)
    assert (summary.attendance_added, summary.sessions_created, summary.session_ids) == (5, 0, [course.id])
    assert attendance() == {
        (course.id, people["zhang"]): (12.0, "合格", ""), (course.id, people["li"]): (3.0, "优秀", ""),
        (course.id, people["liu_health"]): (3.5, "", "下午请假"), (course.id, people["zhao"]): (6.0, "", ""),
        (course.id, people["zhou"]): (6.0, "", "")}
    assert summary.backup is not None and summary.backup.exists()
    assert AuditLog.select().order_by(AuditLog.id.desc()).first().summary.startswith("导入培训记录“签到.xlsx”")
    again = load_training_file(path, session_id=course.id)
    validate(again)
    assert again.mapping_remembered and again.counts()[ALREADY] == 5
    assert commit_training(again).attendance_added == 0 and len(attendance()) == 5


def test_ambiguous_and_unknown_names_are_listed_with_candidates_and_never_guessed(people, course, tmp_path):
    path = write_sheet(tmp_path / "签到.xlsx", SIGN_HEADER, [
        [1, "王伟", "司法局"],  # two of that name there
        [2, "刘洋"],  # one in 教育局, one in 卫健局, no unit written
        [3, "无名氏", "司法局"],  # nobody of that name anywhere
        [4, "张叁", None, ZHANG],  # 张三's number with another name
        [5, "王伟", None, STRANGER],  # a valid number nobody has
        [6, "刘洋", "城管局"],  # an unknown unit
        [7, "张三", "司法局"],
    ])
    preview = load_training_file(path, session_id=course.id)
    validate(preview)
    rows = by_row(preview)
    assert preview.counts()[UNSETTLED] == 6 and rows[9].result == NEW
    assert [r.row for r in preview.unsettled] == [3, 4, 5, 6, 7, 8]
    assert all(r.officer_id is None for r in preview.unsettled)
    ids = {row: [c.officer_id for c in rows[row].candidates] for row in rows}
    assert ids[3] == sorted([people["wang_a"], people["wang_b"]])
    assert ids[4] == [people["liu_edu"], people["liu_health"]]
    assert ids[5] == [] and ids[6] == [people["zhang"]]
    assert ids[7] == sorted([people["wang_a"], people["wang_b"]]) and ids[8] == ids[4]
    texts = [e.text for e in preview.errors]
    assert texts[0] == (f"第 3 行 B 列（姓名）：“红寺堡区司法局”有 2 名“王伟”；可选：王伟（红寺堡区司法局，"
                        f"{mask_id_number(WANG_A)}）、王伟（红寺堡区司法局，{mask_id_number(WANG_B)}）。"
                        "请确认是哪一位，或跳过该行。")
    assert texts[1].startswith("第 4 行 B 列（姓名）：有 2 名“刘洋”，表中没有身份证号、证号或单位，无法确定；可选：")
    assert texts[2] == ("第 5 行 B 列（姓名）：“红寺堡区司法局”没有名为“无名氏”的人员（可能尚未登记，或姓名有误）。"
                        "请确认是哪一位，或跳过该行。")
    assert texts[3].startswith(f"第 6 行 D 列（身份证号码）：身份证号码 {ZHANG} 登记的是“张三”，与本行姓名“张叁”不符；")
    assert texts[4].startswith(f"第 7 行 D 列（身份证号码）：身份证号码 {STRANGER} 未登记；可选：王伟")
    assert texts[5].startswith("第 8 行 C 列（单位）：单位“城管局”不在单位登记册中；可选：刘洋")
    with pytest.raises(AppError, match="有 6 行的姓名尚待确认"):
        commit_training(preview)
    assert attendance() == {}


def test_settling_each_row_decides_who_it_is(people, course, tmp_path):
    path = write_sheet(tmp_path / "签到.xlsx", SIGN_HEADER, [
        [1, "王伟", "司法局"], [2, "刘洋"], [3, "无名氏"], [4, "张三", "司法局"], [5, "王伟", "司法局"]])
    preview = load_training_file(path, session_id=course.id)
    validate(preview)
    preview.settle(3, people["wang_b"])
    preview.settle(4, people["liu_edu"])
    preview.settle(5, None)
    assert preview.counts()[UNSETTLED] == 1  # row 7
    preview.settle(7, people["wang_b"])  # the same person twice
    rows = by_row(preview)
    assert (rows[3].result, rows[3].matched_by, rows[5].result, rows[7].result) == (NEW, "人工确认", SKIPPED, DUPLICATE)
    assert rows[7].warnings[0].text == "第 7 行 B 列（姓名）：与第 3 行是同一人参加同一培训，本行不再导入。"
    preview.settle(7, people["wang_a"])  # changed their mind
    assert rows[7].result == NEW
    with pytest.raises(AppError, match="第 6 行已自动对应人员，无需确认"):
        preview.settle(6, people["zhang"])
    with pytest.raises(AppError, match="没有编号为 99999 的人员"):
        preview.settle_many({5: people["zhao"], 3: 99999})  # checked before any answer is kept
    assert rows[5].result == SKIPPED and rows[3].officer_id == people["wang_b"]
    assert preview.candidate(people["zhao"]).unit == "红寺堡区卫生健康局"
    summary = commit_training(preview)
    assert (summary.attendance_added, summary.skipped) == (4, 1)
    assert {oid for _, oid in attendance()} == {people["wang_b"], people["liu_edu"], people["zhang"], people["wang_a"]}


def test_skip_invalid_leaves_out_unsettled_and_bad_rows(people, course, tmp_path):
    path = write_sheet(tmp_path / "签到.xlsx", SIGN_HEADER, [
        [1, "王伟", "司法局"], [2, "张三", "司法局", None, None, "abc"], [3, "赵六"]])
    preview = load_training_file(path, session_id=course.id)
    validate(preview)
    assert preview.counts() == {NEW: 1, ALREADY: 0, DUPLICATE: 0, UNSETTLED: 1, SKIPPED: 0, ERROR: 1}
    with pytest.raises(AppError, match="有 1 行存在错误"):
        commit_training(preview)
    summary = commit_training(preview, skip_invalid=True)
    assert (summary.attendance_added, summary.skipped) == (1, 2)
    assert list(attendance()) == [(course.id, people["zhao"])]


def test_a_sheet_describing_its_own_sessions(people, tmp_path):
    header = ["姓名", "身份证号", "培训名称", "培训时间", "类别", "培训形式", "组织单位", "培训学时"]
    rows = [["张三", ZHANG, "行政处罚法专题培训", "2024.3.5至2024.3.6", "执法技能", "专题培训", "司法局", 12],
            ["李四", LI, "行政处罚法专题培训", "2024.3.5至2024.3.6", "执法技能", "专题培训", "司法局", 12],
            ["赵六", ZHAO, "行政处罚法专题培训", "2024.3.5至2024.3.6", "执法技能", "专题培训", "司法局", 6],
            ["张三", ZHANG, "学习贯彻党的二十大精神", "2024年4月1日", "党性教育", "以会代训", "教育局", "半天"]]
    path = write_sheet(tmp_path / "培训.xlsx", header, rows, title=None)
    preview = load_training_file(path)
    validate(preview)
    assert preview.counts()[NEW] == 4
    first, second = preview.sessions
    assert (first.name, first.start_date, first.end_date, first.category, first.form, first.default_hours,
            first.is_new) == ("行政处罚法专题培训", dt.date(2024, 3, 5), dt.date(2024, 3, 6), "行政执法技能",
                              "专题培训", 12.0, True)
    assert (second.category, second.organiser, second.organiser_unit_id, second.default_hours) == (
        "政治理论", "本单位", people["education"], 3.0)
    summary = commit_training(preview)
    assert (summary.sessions_created, summary.attendance_added) == (2, 4)
    stored = TrainingSession.get(TrainingSession.name == "行政处罚法专题培训")
    assert (stored.organiser, stored.source_key, stored.note) == ("司法局", None, "导入自“培训.xlsx”")
    again = load_training_file(path)
    validate(again)
    assert [p.existing_id for p in again.sessions] == [stored.id, summary.session_ids[1]]
    assert again.counts()[ALREADY] == 4 and commit_training(again).attendance_added == 0
    assert TrainingSession.select().count() == 2


def test_without_a_session_or_its_columns_the_mapping_is_refused(people, tmp_path):
    path = write_sheet(tmp_path / "签到.xlsx", ["姓名", "单位"], [["张三", "司法局"]])
    preview = load_training_file(path)
    assert preview.mapping_problems() == [("没有指定培训：请选择一次已登记的培训，或在表中提供“培训名称”和“开始日期”（或“日期”）"
                                           "列。")]
    with pytest.raises(AppError, match="列对应有问题：没有指定培训"):
        validate(preview)
    with pytest.raises(NotFound, match="找不到编号为 999 的培训"):
        load_training_file(path, session_id=999)


def test_side_by_side_sign_in_columns_are_refused_not_half_read(people, course, tmp_path):
    path = write_sheet(tmp_path / "签到.xlsx", ["序号", "姓名", "单位", "序号", "姓名", "单位"],
                       [[1, "张三", "司法局", 2, "赵六", "卫健局"]])
    preview = load_training_file(path, session_id=course.id)
    assert preview.mapping_problems() == [("表头中“姓名”出现在 B、E 列，像是左右并排的签到表：每行只能读一人，请把右侧各组"
                                           "剪切到左侧下方（每行一人）后再导入。")]


# ------------------------------------------------------------------------------------------ platform exports

PLATFORM_HEADER = ["序号", "用户姓名", "证件号码", "所在单位", "课程名称", "课程类别", "获得学时", "完成时间"]


def platform_rows() -> list[list]:
    return [[1, "张三", ZHANG, "司法局", "行政复议法解读", "公共法律知识", 2, "2024-03-01 10:21:33"],
            [2, "张三", ZHANG, "司法局", "执法文书制作", "执法技能", 1.5, dt.datetime(2024, 3, 2, 9, 0)],
            [3, "李四", LI, "教育局", "行政复议法解读", "公共法律知识", 2, "2024/3/1"],
            [4, "李四", LI, "教育局", "行政复议法解读", "公共法律知识", 2, "2024年3月8日"],
            [5, "赵六", ZHAO, "卫健局", "执法文书制作", "执法技能", "1.5学时", "2024.03.02"],
            [6, "赵六", ZHAO, "卫健局", "执法文书制作", "执法技能", 1.5, "2024.03.02"]]


def test_platform_export_creates_one_session_per_course_and_date(people, tmp_path):
    path = write_sheet(tmp_path / "平台导出.xlsx", PLATFORM_HEADER, platform_rows(), title=None)
    preview = load_training_file(path)
    assert preview.kind == PLATFORM
    validate(preview)
    assert [r.result for r in preview.results] == [NEW, NEW, NEW, NEW, NEW, DUPLICATE]
    assert [(p.name, p.end_date, p.source_key) for p in preview.sessions] == [
        ("行政复议法解读", dt.date(2024, 3, 1), "platform:行政复议法解读:2024-03-01"),
        ("执法文书制作", dt.date(2024, 3, 2), "platform:执法文书制作:2024-03-02"),
        ("行政复议法解读", dt.date(2024, 3, 8), "platform:行政复议法解读:2024-03-08")]
    summary = commit_training(preview)
    assert (summary.sessions_created, summary.attendance_added, summary.duplicates) == (3, 5, 1)
    stored = {s.source_key: s for s in TrainingSession.select()}
    first = stored["platform:行政复议法解读:2024-03-01"]
    assert (first.organiser, first.form, first.category, first.start_date, first.end_date, first.default_hours) == (
        "网络平台", "网络学习", "公共法律知识", dt.date(2024, 3, 1), dt.date(2024, 3, 1), 2.0)
    assert stored["platform:执法文书制作:2024-03-02"].category == "行政执法技能"
    assert attendance()[(first.id, people["li"])] == (2.0, "", "")


def test_reimporting_a_platform_export_adds_nothing_twice(people, tmp_path):
    path = write_sheet(tmp_path / "平台导出.xlsx", PLATFORM_HEADER, platform_rows(), title=None)
    preview = load_training_file(path)
    validate(preview)
    commit_training(preview)
    before, sessions_before, entries = attendance(), TrainingSession.select().count(), AuditLog.select().count()
    again = load_training_file(path)
    validate(again)
    # the row the file repeats is on the session already, too
    assert again.counts() == {NEW: 0, ALREADY: 6, DUPLICATE: 0, UNSETTLED: 0, SKIPPED: 0, ERROR: 0}
    assert all(not p.is_new for p in again.sessions)
    summary = commit_training(again)
    assert (summary.attendance_added, summary.already, summary.sessions_created, summary.backup) == (0, 6, 0, None)
    assert summary.message() == "已导入：参训记录 0 条；已导入过 6 条（未重复导入）。"
    assert (attendance(), TrainingSession.select().count(), AuditLog.select().count()) == (
        before, sessions_before, entries)
    # hours corrected by hand since, then the same course with other hours: kept as stored, with a warning
    first = TrainingSession.get(TrainingSession.source_key == "platform:行政复议法解读:2024-03-01")
    set_attendance(first.id, people["zhang"], 1)
    changed = platform_rows()
    changed.append([7, "周九", ZHOU, "教育局", "行政复议法解读", "公共法律知识", 2, "2024-03-01"])
    third = load_training_file(write_sheet(tmp_path / "平台导出2.xlsx", PLATFORM_HEADER, changed, title=None))
    validate(third)
    rows = by_row(third)
    assert (rows[2].result, rows[8].result) == (ALREADY, NEW)
    assert [w.text for w in third.warnings] == [("第 2 行 G 列（获得学时）：学时与已导入的不同：已有记录为 1 学时，"
                                                 "本行为 2 学时；保留已有记录（如需更正，请在培训详情中修改该人的学时）。")]
    summary = commit_training(third)
    assert (summary.attendance_added, summary.hours_differ) == (1, 1)
    assert attendance()[(first.id, people["zhang"])][0] == 1.0 and attendance()[(first.id, people["zhou"])][0] == 2.0


def test_bad_cells_are_named_by_row_and_column(people, tmp_path):
    path = write_sheet(tmp_path / "平台导出.xlsx", PLATFORM_HEADER, [
        [1, "张三", ZHANG, "司法局", "行政复议法解读", "公共法律知识", "abc", "2024-03-01"],
        [2, "张三", ZHANG, "司法局", "执法文书制作", "执法技能", 2, "2024年13月"],
        [3, "张三", BAD_CHECK, "司法局", "执法文书制作", "执法技能", 2, "2024-03-02"],
        [4, "李四", float(LI), "教育局", "执法文书制作", "执法技能", 2, "2024-03-02"],
        [5, "赵六", ZHAO, "卫健局", "执法文书制作", "法治宣传", 0, "2099-01-01"],
        [6, "周九", ZHOU, "教育局", None, "执法技能", 800, None],
    ], title=None)
    preview = load_training_file(path)
    validate(preview)
    assert preview.counts()[ERROR] == 6
    assert [e.text for e in preview.errors] == [
        "第 2 行 G 列（获得学时）：学时“abc”无法识别：请填写数字（如 3 或 3.5），或“半天”“1天”。",
        "第 3 行 H 列（完成时间）：完成日期“2024年13月”无效：月份应在 1–12 之间。",
        (f"第 4 行 C 列（证件号码）：身份证号码“{BAD_CHECK}”校验位不符：末位应为“{ZHANG[17]}”，现为“{BAD_CHECK[17]}”，"
         "请核对是否抄错。"),
        (f"第 5 行 C 列（证件号码）：身份证号码“{format(float(LI), '.15g')}”在表格中被存成了数字：Excel 的数字只保留 15 位"
         "有效数字，18 位号码的末几位会因此丢失（末位 X 也存不下），无法据此核对。请把该列单元格格式设为“文本”后重新录入。"),
        "第 6 行 F 列（课程类别）：类别“法治宣传”无效，可填：公共法律知识、业务知识、行政执法技能、政治理论。",
        "第 6 行 G 列（获得学时）：学时为 0：应大于 0（未参加或未完成的请从表中删除）。",
        "第 6 行 H 列（完成时间）：完成日期 2099-01-01 晚于今天。",
        "第 7 行 E 列（课程名称）：课程名称为空。",
        "第 7 行 G 列（获得学时）：学时 800 不在 0 到 500 之间。",
        "第 7 行 H 列（完成时间）：完成日期为空。",
    ]
    before = attendance()
    with pytest.raises(AppError, match="有 6 行存在错误"):
        commit_training(preview)
    assert attendance() == before and TrainingSession.select().count() == 0


def test_a_missing_required_platform_column_is_a_mapping_problem(people, tmp_path):
    path = write_sheet(tmp_path / "平台.xlsx", ["姓名", "身份证号", "课程名称", "完成日期"],
                       [["张三", ZHANG, "行政复议法解读", "2024-03-01"]], title=None)
    preview = load_training_file(path)
    assert preview.mapping_problems() == [("学习平台导出须有“学时”列（可识别的列名：学时、培训学时、课时、学时数），"
                                           "请在列对应中指定。")]
    # the mapping decides the kind: without 课程名称 it is a sign-in sheet for a chosen session
    preview.apply_mapping({0: "name", 1: "id_number", 2: None, 3: None})
    assert preview.kind == SIGN_IN


def test_the_confirmed_mapping_is_remembered_for_the_same_layout(people, tmp_path):
    header = ["学员", "身份证号", "学习内容", "学时", "日期"]
    path = write_sheet(tmp_path / "平台.xlsx", header, [["张三", ZHANG, "行政复议法解读", 2, "2024-03-01"]], title=None)
    preview = load_training_file(path)
    assert preview.kind == SIGN_IN and preview.mapping[2] is None
    preview.apply_mapping({**preview.mapping, 2: "course"})
    assert preview.kind == PLATFORM
    validate(preview)
    commit_training(preview)
    assert ColumnMapping.get(ColumnMapping.kind == "training").source_key.startswith("学员|")
    again = load_training_file(path)
    assert again.mapping_remembered and again.kind == PLATFORM
    validate(again)
    assert again.counts()[ALREADY] == 1


# ------------------------------------------------------------------------------------------ bad files, cancel


def test_old_formats_are_refused_with_save_as_advice(session):
    for name in ("old_format.xls", "wps.et"):
        with pytest.raises(AppError) as caught:
            load_training_file(BAD_INPUTS / name)
        assert str(caught.value) == (f"文件“{name}”是旧版 Excel/WPS 表格（.xls/.et），无法直接读取。"
                                     "请在 Excel/WPS 中打开它，“另存为” .xlsx 后再导入。")


@pytest.mark.parametrize("name", sorted(p.name for p in BAD_INPUTS.iterdir() if p.suffix not in (".md", ".py")))
def test_every_bad_input_gets_a_message_naming_the_file(session, name):
    with pytest.raises(AppError, match=f"文件“{name}”"):
        load_training_file(BAD_INPUTS / name)


def test_a_workbook_without_a_training_header_is_refused(session, tmp_path):
    book = Workbook()
    book.active.title = "汇总"
    book.active.append(["单位", "人数"])
    book.save(tmp_path / "汇总.xlsx")
    with pytest.raises(AppError, match="找不到培训签到表或学习记录的表头（已查看工作表：“汇总”）"):
        load_training_file(tmp_path / "汇总.xlsx")


def test_cancelling_the_commit_writes_nothing(people, tmp_path):
    path = write_sheet(tmp_path / "平台导出.xlsx", PLATFORM_HEADER, platform_rows(), title=None)
    preview = load_training_file(path)
    validate(preview)
    entries = AuditLog.select().count()
    control = JobControl(lambda fraction, message: control.cancel(), threading.Event())
    with pytest.raises(Cancelled):
        commit_training(preview, control=control)
    assert (Attendance.select().count(), TrainingSession.select().count(), ColumnMapping.select().count(),
            AuditLog.select().count()) == (0, 0, 0, entries)


def test_cancelling_while_checking_stops(people, tmp_path):
    path = write_sheet(tmp_path / "平台导出.xlsx", PLATFORM_HEADER, platform_rows(), title=None)
    preview = load_training_file(path)
    control = JobControl()
    control.cancel()
    with pytest.raises(Cancelled):
        validate(preview, control)
    assert preview.results is None


def test_error_workbook_marks_bad_cells_and_names_to_confirm(people, course, tmp_path):
    path = write_sheet(tmp_path / "签到.xlsx", SIGN_HEADER, [
        [1, "王伟", "司法局"], [2, "张三", "司法局", None, None, "abc"], [3, "赵六"]])
    preview = load_training_file(path, session_id=course.id)
    validate(preview)
    out = write_training_errors(preview, tmp_path / "退回" / "签到_错误.xlsx")
    sheet = load_workbook(out)["签到表"]
    assert sheet["A1"].value == "2024年行政执法人员培训班签到表" and sheet["I2"].value == "错误说明"
    assert sheet["B3"].fill.fgColor.rgb.endswith("FFC7CE") and "有 2 名“王伟”" in sheet["B3"].comment.text
    assert sheet["F4"].fill.fgColor.rgb.endswith("FFC7CE") and sheet["I4"].value.startswith("第 4 行 F 列（学时）")
    assert sheet["I5"].value is None


# ------------------------------------------------------------------------------------------ command line


@pytest.fixture
def training_db(tmp_path) -> tuple[Path, int]:
    """A closed database with the people and one session (the command line opens it itself)."""
    from desktop_app.core.session import open_session

    path = tmp_path / "台账.sqlite"
    opened = open_session(path)
    try:
        set_settings({"county_name": "红寺堡区"})
        justice = create_unit(UnitInput("红寺堡区司法局", "justice", "司法局")).id
        for name, number in (("张三", ZHANG), ("王伟", WANG_A), ("王伟", WANG_B)):
            create_officer(OfficerInput(justice, name, number))
        session_id = create_session(SessionInput("全员轮训", "2024-05-20", default_hours=6)).id
    finally:
        opened.close()
    return path, session_id


def test_cli_lists_unsettled_names_with_candidates_and_refuses(training_db, run_app, counts, tmp_path):
    db_path, session_id = training_db
    path = write_sheet(tmp_path / "签到.xlsx", ["姓名", "单位", "学时"], [["张三", "司法局", 6], ["王伟", "司法局", 6]])
    before = counts(db_path)
    result = run_app("import-training", path, "--db", db_path, "--session", session_id, "--dry-run", "--json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert (report["kind"], report["session_id"], report["counts"][NEW], report["counts"][UNSETTLED]) == (
        "签到表", session_id, 1, 1)
    unsettled = report["rows"][1]
    assert (unsettled["row"], unsettled["result"], unsettled["problem"]) == (4, UNSETTLED, "“红寺堡区司法局”有 2 名“王伟”")
    assert [c["id_number"] for c in unsettled["candidates"]] == [mask_id_number(WANG_A), mask_id_number(WANG_B)]
    refused = run_app("import-training", path, "--db", db_path, "--session", session_id)
    assert refused.returncode == 1 and "未写入任何数据" in refused.stdout
    assert "第 4 行 A 列（姓名）：“红寺堡区司法局”有 2 名“王伟”；可选：" in refused.stdout
    assert counts(db_path) == before
    done = run_app("import-training", path, "--db", db_path, "--session", session_id, "--skip-invalid")
    assert done.returncode == 0, done.stderr
    assert "已导入：参训记录 1 条" in done.stdout and "跳过 1 行" in done.stdout
    assert counts(db_path)["attendance"] == 1


def test_cli_imports_a_platform_export_once_and_reports_bad_files(training_db, run_app, counts, tmp_path):
    db_path, _ = training_db
    path = write_sheet(tmp_path / "平台.xlsx", ["姓名", "身份证号", "课程名称", "学时", "完成日期"],
                       [["张三", ZHANG, "行政复议法解读", 2, "2024-03-01"],
                        ["王伟", WANG_B, "行政复议法解读", 2, "2024-03-01"]], title=None)
    first = run_app("import-training", path, "--db", db_path, "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["counts"][NEW] == 2
    assert (counts(db_path)["attendance"], counts(db_path)["training_session"]) == (2, 2)
    again = run_app("import-training", path, "--db", db_path)
    assert again.returncode == 0 and "已导入过 2 条" in again.stdout
    assert counts(db_path)["attendance"] == 2
    old = run_app("import-training", BAD_INPUTS / "wps.et", "--db", db_path)
    assert old.returncode == 2 and "旧版 Excel/WPS 表格（.xls/.et）" in old.stderr
    missing = run_app("import-training", path, "--db", db_path, "--session", 999)
    assert missing.returncode == 2 and "找不到编号为 999 的培训" in missing.stderr


def test_preview_as_json_describes_sessions(people, course, tmp_path):
    path = write_sheet(tmp_path / "签到.xlsx", SIGN_HEADER, [[1, "张三", "司法局"]])
    preview = load_training_file(path, session_id=course.id)
    validate(preview)
    report = preview_as_json(preview)
    assert report["sessions"] == [{"id": course.id, "new": False, "name": "2024年全员轮训第一期",
                                   "start_date": "2024-05-20", "end_date": "2024-05-21", "organiser": "司法局",
                                   "form": "集中轮训", "category": "业务知识", "default_hours": 12.0,
                                   "source_key": None, "first_row": 0, "new_rows": 1}]
    assert report["rows"][0] == {"row": 3, "result": NEW, "name": "张三", "officer_id": people["zhang"],
                                 "matched_by": "姓名+单位", "session": "2024年全员轮训第一期", "hours": 12.0,
                                 "errors": [], "warnings": []}
