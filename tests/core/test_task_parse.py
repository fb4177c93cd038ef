"""The task-list parser: seed 004 in every form a county office has it (text in four encodings, a Word
document, a Word table, a sheet with shuffled columns) reads as the same 43 tasks in 6 sections; other
counties' inline layouts; unit-name splitting; encodings; bad files refused with the file named."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from desktop_app.core.errors import AppError
from desktop_app.core.tasks.deadline import Deadline
from desktop_app.core.tasks.parse import (
    ParsedPlan,
    ParsedTask,
    parse_task_file,
    parse_task_rows,
    parse_task_text,
)
from desktop_app.core.tasks.text_source import read_text_file
from desktop_app.core.tasks.unit_names import split_units

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "tasks"
TEXT_FORMS = ["seed004_utf8.txt", "seed004_gbk.txt", "seed004_utf16.txt", "seed004_utf8_bom.txt", "seed004.docx"]
TABLE_FORMS = ["seed004_table.docx", "seed004_shuffled.xlsx"]
TITLE = "吴忠市红寺堡区关于提升行政执法质量三年行动任务分工方案"
SECTIONS = [("(一)", "全面提升行政执法人员能力素质"), ("(二)", "全面推进严格规范公正文明执法"),
            ("(三)", "健全完善行政执法工作体系"), ("(四)", "加快构建行政执法协调监督工作体系"),
            ("（五）", "健全行政执法和行政执法监督科技保障体系"), ("（六）", "不断强化行政执法保障能力")]
ALL_UNITS = ["各行政执法部门〔单位〕", "各乡镇〔街道〕"]
hsettings = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=200,
                     deadline=None)


@pytest.fixture(scope="module")
def seed() -> ParsedPlan:
    return parse_task_file(FIXTURES / "seed004_utf8.txt")


def by_number(plan: ParsedPlan) -> dict[str, ParsedTask]:
    return {t.number: t for t in plan.tasks}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ------------------------------------------------------------------------------------------ seed 004

def test_seed_structure(seed):
    assert seed.title == TITLE and seed.doc_number == "" and seed.source == "seed004_utf8.txt"
    assert [(s.number, s.title) for s in seed.sections] == SECTIONS
    assert [t.number for t in seed.tasks] == [str(n) for n in range(1, 44)]
    counts = [sum(t.section == title for t in seed.tasks) for _, title in SECTIONS]
    assert counts == [7, 11, 8, 9, 1, 7]
    assert seed.warnings == []
    assert all(t.deadline.kind != "unspecified" for t in seed.tasks)
    assert seed.tasks[0].line == 15 and seed.tasks[-1].line == 327


@pytest.mark.parametrize("name", TEXT_FORMS + TABLE_FORMS)
def test_every_form_reads_the_same(seed, name):
    plan = parse_task_file(FIXTURES / name)
    assert plan.source == name and plan.title == TITLE and plan.doc_number == ""
    assert [(s.number, s.title) for s in plan.sections] == SECTIONS
    assert len(plan.tasks) == 43 and plan.warnings == []
    table = name in TABLE_FORMS
    for mine, truth in zip(plan.tasks, seed.tasks):
        for field in ("number", "section", "lead_units", "responsible_units", "cooperating_units", "leaders",
                      "deadline"):
            assert getattr(mine, field) == getattr(truth, field), (name, truth.number, field)
        if table:
            assert squash(mine.content) == squash(truth.content), (name, truth.number)
        else:
            assert mine.content == truth.content and mine.line == truth.line, (name, truth.number)


def test_table_rows_are_counted_as_lines():
    plan = parse_task_file(FIXTURES / "seed004_shuffled.xlsx")
    # row 1 title, row 2 header, row 3 the （一） section row, row 4 task 1; (二) starts after 7 tasks
    assert plan.tasks[0].line == 4 and plan.tasks[7].line == 12


def test_word_fixture_really_splits_paragraphs_into_runs():
    import docx

    paragraphs = docx.Document(str(FIXTURES / "seed004.docx")).paragraphs
    assert max(len(p.runs) for p in paragraphs) >= 4
    assert {r.bold for p in paragraphs for r in p.runs} >= {True, False}


def test_seed_task_3(seed):
    task = by_number(seed)["3"]
    assert task.section == "全面提升行政执法人员能力素质" and task.line == 27
    assert task.content.startswith("开展分类分级分层培训，在完成政治理论教育和党性教育学时的基础上，确保行政执法人员每人每年"
                                   "接受不少于 60 学时的公共法律知识")
    assert task.content.endswith("完成对本部门行政执法队伍的全员轮训，将轮训情况报司法局。")
    assert (task.lead_units, task.responsible_units, task.cooperating_units, task.leaders) == ([], ALL_UNITS, [], [])
    assert task.deadline == Deadline("2024年6月15日前并长期坚持", "date_then_standing", dt.date(2024, 6, 15))


def test_seed_task_9_joined_across_the_pdf_break(seed):
    task = by_number(seed)["9"]
    assert task.content == ("除法律、行政法规另有规定的外,行政执法决定公开率达到 100%，已公开的行政执法决定被依法撤销、"
                            "确认违法或者要求重新作出的，及时从公示平台下撤。行政执法人员当场作出的行政处罚决定，"
                            "及时报行政机关备案，备案率达到 100%。")
    assert task.responsible_units == ALL_UNITS and task.deadline == Deadline("长期坚持", "standing")


def test_seed_task_13(seed):
    task = by_number(seed)["13"]
    assert task.content == ("组织开展行政执法三项制度自查评估，全面实现执法信息公开透明、执法全过程留痕、执法决定合法有效。"
                            "自查评估报告报司法局。")
    assert (task.lead_units, task.responsible_units, task.cooperating_units) == (["司法局"], ALL_UNITS, [])
    assert task.deadline == Deadline("2024年5月底前", "date", dt.date(2024, 5, 31))
    assert task.section == "全面推进严格规范公正文明执法"


def test_seed_task_15(seed):
    task = by_number(seed)["15"]
    assert task.content.startswith("依法健全以信用为基础的新型监管机制，规范涉企行政检查，健全完善联合检查、“互联网+”监管、"
                                   "“双随机、一公开”监管")
    assert task.lead_units == ["政府办", "发展和改革局", "市场监督管理分局"]
    assert task.responsible_units == [] and task.cooperating_units == ["各行业主管部门"] and task.leaders == []
    assert task.deadline == Deadline("长期坚持", "standing")


def test_seed_task_18_keeps_stray_english(seed):
    task = by_number(seed)["18"]
    assert task.content.endswith("规定时限内办结率90%以上,依法保护民营企业 and 企业家权益。")
    assert task.lead_units == ["工业信息化和商务局", "市场监督管理分局"]
    assert task.cooperating_units == ["各行政主管部门〔单位〕", "各乡镇〔街道〕"] and task.responsible_units == []
    assert task.deadline.kind == "standing"


def test_seed_task_22(seed):
    task = by_number(seed)["22"]
    assert task.section == "健全完善行政执法工作体系"
    assert task.lead_units == ["区委编办"] and task.cooperating_units == ["审批服务管理局", "各乡镇〔街道〕"]
    assert task.deadline == Deadline("2024年10月底前并长期坚持", "date_then_standing", dt.date(2024, 10, 31))


def test_seed_task_25(seed):
    task = by_number(seed)["25"]
    assert task.content == ("严格执行自治区行政执法工作与检察监督工作相衔接有关规定,加强行政执法机关和公安、检察机关协调配合,"
                            "坚决杜绝有案不移、以罚代刑等现象。")
    assert task.lead_units == ["司法局", "公安分局"] and task.cooperating_units == ALL_UNITS
    assert task.deadline.kind == "standing"


def test_seed_task_33(seed):
    task = by_number(seed)["33"]
    assert task.content == "研究制定本地区年度行政执法监督工作方案,对行政执法工作情况开展经常性监督。"
    assert (task.lead_units, task.responsible_units, task.cooperating_units) == ([], ["司法局"], [])
    assert task.deadline == Deadline("每年2月底前", "annual", month=2)
    assert task.section == "加快构建行政执法协调监督工作体系"


def test_seed_other_pdf_breaks_and_deadlines(seed):
    tasks = by_number(seed)
    assert "执法标准化指南" in tasks["21"].content and "人大、政协和司法机关" in tasks["29"].content
    assert tasks["36"].content.endswith("案件录入率100%。")
    assert "或者违法履行法定职责的,依法追究 responsibility。" in tasks["40"].content
    assert tasks["8"].deadline.due == dt.date(2024, 2, 29)
    assert tasks["17"].deadline == Deadline("每年10月底前", "annual", month=10)
    assert tasks["20"].deadline.due == dt.date(2025, 11, 30) and tasks["20"].content.startswith("适时组织")
    assert tasks["30"].deadline == Deadline("2024年底前并长期坚持", "date_then_standing", dt.date(2024, 12, 31))
    assert tasks["32"].deadline == Deadline("每年1月底前", "annual", month=1)


def test_seed_parses_fast():
    path = FIXTURES / "seed004_utf8.txt"
    parse_task_file(path)  # warm the imports
    best = min(_timed(lambda: parse_task_file(path)) for _ in range(5))
    print(f"\nseed 004 .txt: {best * 1000:.1f} ms")
    assert best < 0.1


def _timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


# ----------------------------------------------------------------------------------- inline layouts

def test_inline_layouts():
    plan = parse_task_file(FIXTURES / "inline_layouts.txt")
    assert plan.title == "某县关于印发2024年深化“放管服”改革优化营商环境工作要点的通知"
    assert plan.doc_number == "某政办发〔2024〕3号"
    assert [(s.number, s.title) for s in plan.sections] == [("一、", "深化简政放权"), ("二、", "创新和完善监管")]
    assert [t.number for t in plan.tasks] == ["1", "2", "3", "4", "5", "6", "7"]  # not the 1. under 工作要求
    t = by_number(plan)
    assert t["1"].content == "全面实行行政许可事项清单管理，清单之外一律不得违法实施行政许可。"
    assert t["1"].lead_units == ["县政务服务管理局"] and t["1"].responsible_units == ["县司法局", "县市场监管局"]
    assert t["2"].content == "推进证明事项告知承诺制，对群众办事创业提供的证明材料实行清单管理。"
    assert t["2"].responsible_units == ["各县、市、区政府", "各县(市)交通运输局"] and t["2"].lead_units == []
    assert t["3"].content == "深化“证照分离”改革，着力推进照后减证并证。"
    assert (t["3"].lead_units, t["3"].responsible_units) == (["县市场监管局"], ["县直各有关部门"])
    assert t["4"].lead_units == ["县市场监管局"] and t["4"].responsible_units == ["县发展改革局", "县公安局"]
    assert t["4"].deadline == Deadline("6月底完成", "unspecified")
    assert t["5"].content == "完善包容审慎监管制度，制定轻微违法行为免罚清单。"
    assert (t["5"].lead_units, t["5"].cooperating_units) == (["县司法局"], ["县人社局", "县财政局"])
    assert t["5"].leaders == ["张三", "李四"] and t["5"].deadline.due == dt.date(2024, 12, 31)
    assert t["6"].responsible_units == ["县发展改革局"] and t["6"].lead_units == []  # 主要责任单位
    assert t["6"].cooperating_units == ["县市场监管局", "县税务局"]
    assert t["6"].deadline == Deadline("每年1月31日前", "annual", month=1, day=31)
    assert (t["7"].lead_units, t["7"].responsible_units, t["7"].cooperating_units, t["7"].leaders) == (
        ["县发展改革局"], ["各乡镇〔街道〕"], ["县统计局"], ["王五"])
    assert t["7"].deadline == Deadline("适时", "unspecified")
    messages = {(w.task, w.message) for w in plan.warnings}
    assert ("4", "完成时限“6月底完成”没有写年份，请手工指定") in messages
    assert ("7", "完成时限为“适时”，没有固定日期") in messages
    assert ("1", "未写完成时限") in messages


@pytest.mark.parametrize("line, lead, responsible, cooperating, deadline", [
    ("1. 任务。（牵头单位：司法局，责任单位：财政局、公安局）", ["司法局"], ["财政局", "公安局"], [], ""),
    ("1. 任务（牵头单位：司法局；配合单位：财政局）。", ["司法局"], [], ["财政局"], ""),
    ("1. 任务。〔责任单位：各乡镇〔街道〕、司法局〕", [], ["各乡镇〔街道〕", "司法局"], [], ""),
    ("1. 任务。（司法局牵头，财政局、公安局按职责分工负责）", ["司法局"], ["财政局", "公安局"], [], ""),
    ("1. 任务。(司法局牵头,财政局配合,2024年底前完成)", ["司法局"], [], ["财政局"], "2024年底前完成"),
    ("1. 任务。(牵头单位:司法局;责任单位:财政局,6月底完成)", ["司法局"], ["财政局"], [], "6月底完成"),
    ("1. 任务。（牵头单位：司法局，完成时限：2024年底前）", ["司法局"], [], [], "2024年底前"),
    ("1. 任务。牵头单位：司法局；完成时限：长期坚持", ["司法局"], [], [], "长期坚持"),
])
def test_inline_placements(line, lead, responsible, cooperating, deadline):
    task = parse_task_text("二、主要任务\n" + line).tasks[0]
    assert task.content == "任务。"
    assert (task.lead_units, task.responsible_units, task.cooperating_units) == (lead, responsible, cooperating)
    assert task.deadline.text == deadline


def test_ordinary_parentheses_stay_in_the_content():
    task = parse_task_text("1. 落实方案(2023-2025年)。\n牵头单位：司法局").tasks[0]
    assert task.content == "落实方案(2023-2025年)。" and task.lead_units == ["司法局"]
    task = parse_task_text("1. 加强培训（每年不少于2次）").tasks[0]
    assert task.content == "加强培训（每年不少于2次）" and task.lead_units == []


def test_label_synonyms_colons_and_leaders():
    text = ("1. 任务甲。\n牵头责任单位 : 司法局\n协同责任单位：财政局、公安局\n牵头负责领导：张三、李四\n时间要求:2024年底前\n"
            "2. 任务乙。\n牵头部门：司法局\n责任部门：财政局\n配合部门：公安局\n协办单位：审计局\n责任领导：王五\n完成时间：长期坚持\n"
            "3. 任务丙。\n主要责任单位：司法局\n责任单位：财政局\n时限 每年3月底前\n")
    a, b, c = parse_task_text(text).tasks
    assert (a.lead_units, a.cooperating_units, a.leaders) == (["司法局"], ["财政局", "公安局"], ["张三", "李四"])
    assert a.deadline.due == dt.date(2024, 12, 31)
    assert (b.lead_units, b.responsible_units, b.cooperating_units, b.leaders) == (
        ["司法局"], ["财政局"], ["公安局", "审计局"], ["王五"])
    assert (c.lead_units, c.responsible_units) == ([], ["司法局", "财政局"])
    assert c.deadline == Deadline("每年3月底前", "annual", month=3)


def test_labels_on_one_line_and_values_on_the_next():
    text = ("1. 任务甲。\n牵头单位：司法局  配合单位：财政局  完成时限：长期坚持\n"
            "2. 任务乙。\n牵头单位：\n司法局\n完成时限：2024年6月\n15日前\n"
            "3. 任务丙。\n责任单位：各行政执法部门〔单位〕、\n各乡镇〔街道〕\n")
    a, b, c = parse_task_text(text).tasks
    assert (a.lead_units, a.cooperating_units, a.deadline.kind) == (["司法局"], ["财政局"], "standing")
    assert b.lead_units == ["司法局"] and b.deadline.due == dt.date(2024, 6, 15)
    assert c.responsible_units == ALL_UNITS


def test_numbers_inside_wrapped_text_do_not_start_tasks():
    text = ("（一）培训\n1. 确保每人每年接受不少于\n60 学时的培训，\n2024年底前全面完成，\n3.5 亿元资金\n1.2 万人次\n"
            "责任单位：司法局\n2. 下一项。\n责任单位：财政局\n")
    plan = parse_task_text(text)
    assert [t.number for t in plan.tasks] == ["1", "2"]  # “3.5”, “1.2” are decimals, not tasks 3 and 1
    assert plan.tasks[0].content == "确保每人每年接受不少于60 学时的培训，2024年底前全面完成，3.5 亿元资金1.2 万人次"
    assert not any("不连续" in w.message for w in plan.warnings)


def test_duplicate_number_after_a_finished_task_is_kept_with_a_warning():
    plan = parse_task_text("1. 任务甲。\n责任单位：司法局\n1. 任务乙。\n责任单位：财政局\n")
    assert [t.content for t in plan.tasks] == ["任务甲。", "任务乙。"]
    assert any(w.task == "1" and "不连续" in w.message for w in plan.warnings)


def test_numbering_per_section_and_top_level_sections():
    text = ("一、总体要求\n1. 坚持党的领导。\n二、重点任务\n1、任务甲。\n责任单位：司法局\n2、任务乙。\n责任单位：财政局\n"
            "三、保障措施\n1、加强领导。\n四、其他任务\n1、任务丙。\n责任单位：审计局\n")
    plan = parse_task_text(text)
    assert [(s.number, s.title) for s in plan.sections] == [("二、", "重点任务"), ("四、", "其他任务")]
    assert [(t.number, t.section) for t in plan.tasks] == [("1", "重点任务"), ("2", "重点任务"), ("1", "其他任务")]


def test_framing_sections_count_when_nothing_else_does():
    plan = parse_task_text("一、工作要求\n1. 加强领导。\n责任单位：司法局\n")
    assert [t.content for t in plan.tasks] == ["加强领导。"]


def test_numbering_gap_after_a_finished_task_is_kept_with_a_warning():
    plan = parse_task_text("1. 任务甲。\n责任单位：司法局\n3. 任务丙。\n责任单位：财政局\n")
    assert [t.number for t in plan.tasks] == ["1", "3"]
    assert any(w.task == "3" and "不连续" in w.message for w in plan.warnings)


def test_page_marks_and_trailing_signature_are_dropped():
    plan = parse_task_text("1. 任务甲，\n— 2 —\n继续。\n责任单位：司法局\n完成时限：长期坚持\n\n红寺堡区人民政府办公室\n"
                           "2023年12月5日\n")
    assert plan.tasks[0].content == "任务甲，继续。" and plan.warnings == []


def test_stray_text_between_tasks_is_reported():
    plan = parse_task_text("1. 任务甲。\n完成时限：长期坚持\n\n说明：以下任务由各部门自行安排。\n2. 任务乙。\n完成时限：长期坚持\n")
    assert [t.number for t in plan.tasks] == ["1", "2"]
    assert any(w.task is None and "第 4 行" in w.message for w in plan.warnings)


def test_missing_units_and_content_are_warned():
    plan = parse_task_text("1. \n完成时限：长期坚持\n")
    messages = [w.message for w in plan.warnings if w.task == "1"]
    assert "没有任务内容" in messages and "没有写牵头单位、责任单位或配合单位" in messages


def test_ascii_parenthesis_headings_with_space_and_title_with_doc_number():
    text = "红政办发〔2023〕12号\n关于印发提升行政执法质量\n三年行动任务分工方案的通知\n( 一 ) 第一部分任务\n1. 任务。\n"
    plan = parse_task_text(text, "x.txt")
    assert plan.doc_number == "红政办发〔2023〕12号" and plan.source == "x.txt"
    assert plan.title == "关于印发提升行政执法质量三年行动任务分工方案的通知"
    assert [(s.number, s.title) for s in plan.sections] == [("(一)", "第一部分任务")]


@hsettings
@given(st.lists(st.one_of(st.text(max_size=40), st.sampled_from(
    ["1. 任务。", "2、任务", "（一）标题", "一、总体要求", "二、任务", "牵头单位：司法局", "完成时限：2024年13月底前",
     "（牵头单位：X，责任单位：Y）", "(X牵头,Y负责)", "〔", "）", "3.5", "", "责任单位：", "时限"])), max_size=30))
@example(["1. （", "牵头单位：（）"])
def test_parse_text_never_raises(lines):
    plan = parse_task_text("\n".join(lines))
    assert all(t.number.isdigit() for t in plan.tasks)


# ------------------------------------------------------------------------------------------ tables

def test_table_rows_synonyms_merges_and_repeated_header():
    rows = [
        ["某县重点任务分解表", "", "", "", ""],
        ["编号", "工作任务", "牵头部门", "时间要求", "责任领导"],
        ["一、第一类", "一、第一类", "一、第一类", "一、第一类", "一、第一类"],
        ["1", "任务甲", "司法局", "2024年底前", "张三"],
        ["", "", "财政局", "", ""],  # the task cell merged downwards in a sheet
        ["2.", "任务乙", "公安局", "长期坚持", ""],
        ["2.", "任务乙", "审计局", "长期坚持", ""],  # … and in a Word table (the text repeated)
        ["编号", "工作任务", "牵头部门", "时间要求", "责任领导"],  # header repeated on the next page
        ["", "", "", "", ""],
        ["3", "", "", "", ""],  # a numbered row without a task: skipped
        ["（二）第二类", "", "", "", ""],
        ["4", "任务丁", "司法局", "2024-06-15", ""],
    ]
    plan = parse_task_rows(rows, "t.xlsx")
    assert plan.title == "某县重点任务分解表" and plan.source == "t.xlsx"
    assert [(s.number, s.title) for s in plan.sections] == [("一、", "第一类"), ("（二）", "第二类")]
    assert [(t.number, t.section, t.lead_units, t.line) for t in plan.tasks] == [
        ("1", "第一类", ["司法局", "财政局"], 4), ("2", "第一类", ["公安局", "审计局"], 6), ("4", "第二类", ["司法局"], 12)]
    assert plan.tasks[0].leaders == ["张三"] and plan.tasks[2].deadline.due == dt.date(2024, 6, 15)


def test_table_without_header_has_no_tasks():
    assert parse_task_rows([["a", "b"], ["1", "任务"]]).tasks == []


def test_tab_separated_text_is_read_as_a_table(tmp_path):
    path = tmp_path / "pasted.txt"
    path.write_text("序号\t重点任务\t责任单位\t完成时限\n1\t任务甲\t司法局、财政局\t长期坚持\n", encoding="utf-8")
    task = parse_task_file(path).tasks[0]
    assert (task.content, task.responsible_units, task.deadline.kind) == ("任务甲", ["司法局", "财政局"], "standing")


def test_csv_file(tmp_path):
    path = tmp_path / "tasks.csv"
    path.write_bytes("序号,重点任务,牵头单位\r\n1,\"任务甲，含逗号\",\"司法局、财政局\"\r\n".encode("gbk"))
    task = parse_task_file(path).tasks[0]
    assert task.content == "任务甲，含逗号" and task.lead_units == ["司法局", "财政局"]


# -------------------------------------------------------------------------------------- unit names

@pytest.mark.parametrize("text, names", [
    ("政府办、发展和改革局、市场监督管理分局", ["政府办", "发展和改革局", "市场监督管理分局"]),
    ("各行政执法部门〔单位〕、各乡镇〔街道〕", ALL_UNITS),
    ("各县、市、区政府", ["各县、市、区政府"]),
    ("各县、市、区政府，各县(市)交通运输局", ["各县、市、区政府", "各县(市)交通运输局"]),
    ("县司法局、县市场监管局等", ["县司法局", "县市场监管局"]),
    ("县司法局,县公安局;县财政局；县审计局，县统计局。", ["县司法局", "县公安局", "县财政局", "县审计局", "县统计局"]),
    ("司法局  公安分局", ["司法局", "公安分局"]),
    ("各部门（单位、组织）、司法局", ["各部门（单位、组织）", "司法局"]),
    ("【市委、市政府】督查室、司法局", ["【市委、市政府】督查室", "司法局"]),
    ("司法局、司法局", ["司法局"]),
    ("各乡镇、街道、司法局", ["各乡镇、街道", "司法局"]),
    ("各行政执法部门〔单位〕、法院", ["各行政执法部门〔单位〕", "法院"]),  # a long 各-name starts no run
    ("", []), ("、，等。", []),
])
def test_split_units(text, names):
    assert split_units(text) == names


_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5).filter(lambda c: c not in "各等")
_NAME = st.builds(lambda core, inner: core + (f"〔{'、'.join(inner)}〕" if inner else ""),
                  st.text(_CJK, min_size=3, max_size=10), st.lists(st.text(_CJK, min_size=1, max_size=4), max_size=3))


@hsettings
@given(st.lists(_NAME, min_size=1, max_size=8, unique=True))
def test_split_units_round_trip(names):
    assert split_units("、".join(names)) == names


@hsettings
@given(st.text(max_size=200))
@example("〔〔〔、、")
@example("各" * 50 + "、市" * 50)
def test_split_units_never_raises(text):
    names = split_units(text)
    assert all(name and name == name.strip() for name in names)


# -------------------------------------------------------------------------------------- encodings

SAMPLE = "吴忠市红寺堡区任务分工方案\n1. 加强培训，不少于 60 学时。\n责任单位：各乡镇〔街道〕\n完成时限：长期坚持\n"


@pytest.mark.parametrize("encode", [
    lambda s: s.encode("utf-8"),
    lambda s: s.encode("utf-8-sig"),
    lambda s: s.encode("utf-16"),  # BOM + little endian, as Notepad saves “Unicode”
    lambda s: b"\xfe\xff" + s.encode("utf-16-be"),
    lambda s: s.encode("utf-16-le"),  # no BOM: told by the NUL bytes
    lambda s: s.encode("utf-16-be"),
    lambda s: s.encode("gbk"),
    lambda s: s.encode("gb18030"),
])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_read_text_file_encodings(tmp_path, encode, newline):
    path = tmp_path / "a.txt"
    path.write_bytes(encode(SAMPLE.replace("\n", newline)))
    assert read_text_file(path) == SAMPLE


def test_gb18030_only_characters(tmp_path):
    path = tmp_path / "a.txt"
    text = "𠀀䶮镕堃" * 20 + "\n"  # outside GBK, four-byte GB18030
    path.write_bytes(text.encode("gb18030"))
    assert read_text_file(path) == text


def test_short_gbk_and_damaged_utf8(tmp_path):
    path = tmp_path / "a.txt"
    for text in ("司法局", "中文", "1. 任务"):
        path.write_bytes(text.encode("gbk"))
        assert read_text_file(path) == text
    text = SAMPLE * 20
    damaged = bytearray(text.encode("utf-8"))
    damaged[4] = 0xFF  # a byte of 忠 damaged: still UTF-8, not GB18030 nonsense
    path.write_bytes(bytes(damaged))
    decoded = read_text_file(path)
    assert decoded.startswith("吴\ufffd") and decoded.endswith(text[-40:]) and decoded.count("\ufffd") <= 3


# ------------------------------------------------------------------------------------- bad input

def _refused(path: Path) -> str:
    with pytest.raises(AppError) as caught:
        parse_task_file(path)
    assert f"“{path.name}”" in caught.value.message
    return caught.value.message


def test_corrupt_docx(tmp_path):
    data = (FIXTURES / "seed004.docx").read_bytes()
    path = tmp_path / "半个文件.docx"
    path.write_bytes(data[:len(data) // 2])
    assert "不完整或已损坏" in _refused(path)


def test_corrupt_xlsx(tmp_path):
    data = (FIXTURES / "seed004_shuffled.xlsx").read_bytes()
    path = tmp_path / "坏表.xlsx"
    path.write_bytes(data[:len(data) // 2])
    assert "不完整或已损坏" in _refused(path)


def test_docx_with_broken_xml(tmp_path):
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(FIXTURES / "seed004.docx") as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[:500] if item.filename == "word/document.xml" else data)
    _refused(path)


@pytest.mark.parametrize("name", ["empty.txt", "empty.docx", "empty.xlsx", "empty"])
def test_empty_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")
    assert f"文件“{name}”是空的" in _refused(path)


def test_blank_text_file(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_bytes("\ufeff \r\n\t\r\n".encode("utf-8"))
    assert "是空的" in _refused(path)


def test_file_without_tasks(tmp_path):
    path = tmp_path / "通知.txt"
    path.write_text("关于做好有关工作的通知\n各单位：\n请认真做好2024年有关工作。\n", encoding="utf-8")
    assert _refused(path).startswith("在文件“通知.txt”中没有找到编号的任务（如“1. …”）")


def test_word_and_sheet_without_tasks(tmp_path):
    import docx
    from openpyxl import Workbook

    document = docx.Document()
    document.add_paragraph("一份普通的通知，没有编号的任务。")
    document.save(tmp_path / "notice.docx")
    assert "没有找到编号的任务" in _refused(tmp_path / "notice.docx")
    workbook = Workbook()
    workbook.active.append(["姓名", "电话"])
    workbook.active.append(["张三", "123"])
    workbook.save(tmp_path / "contacts.xlsx")
    assert "没有找到编号的任务" in _refused(tmp_path / "contacts.xlsx")


def test_binary_garbage_as_text(tmp_path):
    import random

    rng = random.Random(4)
    path = tmp_path / "garbage.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(4000)))
    assert "不是文本文件" in _refused(path)


def test_pdf_is_refused_with_advice(tmp_path):
    path = tmp_path / "方案.pdf"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    assert "PDF" in _refused(path)


def test_missing_file(tmp_path):
    assert "找不到文件" in _refused(tmp_path / "不存在.docx")


@pytest.mark.parametrize("fixture, name", [("seed004.docx", "download.bin"), ("seed004_shuffled.xlsx", "export"),
                                           ("seed004_gbk.txt", "方案.dat"), ("seed004_table.docx", "table.xlsx")])
def test_kind_is_decided_by_content(tmp_path, fixture, name):
    shutil.copy(FIXTURES / fixture, tmp_path / name)
    assert len(parse_task_file(tmp_path / name).tasks) == 43
