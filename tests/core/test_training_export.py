"""培训学时统计.xlsx (training/export.py): three sheets in the ledger look whose every figure agrees with the
ledger (ledger.py) and with a count made by hand on a small county built here through the services — 政治理论
shown but not counted, a partial attendance, a previous year's session left out, a 轮训 after the deadline
not counting as 轮训, exactly 60 reaching 60, 辅助人员 and a retired officer not counted, a 心理健康 activity
held by one unit only — 身份证号 masked unless asked, a date range prorating the threshold, one unit only,
and `python -m desktop_app export training` with its exit codes."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop_app.core.errors import AppError, ValidationError
from desktop_app.core.id_card import id_check_character
from desktop_app.core.jobs import Cancelled, JobControl
from desktop_app.core.personnel import officers as of
from desktop_app.core.settings import set_settings
from desktop_app.core.training import ledger
from desktop_app.core.training import sessions as ts
from desktop_app.core.training.export import (
    OFFICER_HEADERS,
    SHORT_HEADERS,
    UNIT_HEADERS,
    export_training_xlsx,
    officer_rows,
    period_text,
    resolve_period,
)
from desktop_app.core.units import UnitInput, create_unit

D = dt.date
YEAR = 2025
FULL_ID = "640303198503151232"  # shared/domain.md §6 example


def id_number(seq: int) -> str:
    first17 = f"640303{D(1980, 1, 1):%Y%m%d}{seq:03d}"
    return first17 + id_check_character(first17)


def person(unit, name: str, seq: int, category: str = "行政编制公务员", number: str | None = None):
    return of.create_officer(of.OfficerInput(unit_id=unit.id, name=name, id_number=number or id_number(seq),
                                             category=category, law_field="市场监管"), on_date=D(2020, 1, 1))


def session(name: str, day: D, category: str, hours: float, **kw):
    return ts.create_session(ts.SessionInput(name, day, day, category=category, default_hours=hours, **kw))


def build_county():
    """Unit A: 马建军 66 counted (+8 政治理论), 轮训; 李娜 left the 轮训 early (6 of 12) → 36, 轮训; 陈静 only 政治理论
    this year and a session in December 2024 → 0; 王强 (工勤, 辅助人员) and 赵敏 (retired 2025-10-01) not counted.
    Unit B: 孙丽 exactly 60, no 轮训, at B's 心理健康 activity; 吴刚 6 from a 轮训 held after the deadline."""
    set_settings({"bureau_name": "红寺堡区司法局", "annual_training_hours": "60",
                  "rotation_training_deadline": "2025-06-30"})
    a = create_unit(UnitInput("红寺堡区市场监督管理分局", "enforcement", "市场监管"))
    b = create_unit(UnitInput("红寺堡区综合执法局", "enforcement", "综合执法"))
    ma = person(a, "马建军", 1, number=FULL_ID)
    li = person(a, "李娜", 3)
    chen = person(a, "陈静", 5)
    wang = person(a, "王强", 7, category="工勤")
    zhao = person(a, "赵敏", 9)
    of.set_status(zhao.id, "退休", D(2025, 10, 1))
    sun = person(b, "孙丽", 11)
    wu = person(b, "吴刚", 13)

    rotation = session("2025年全员轮训", D(2025, 3, 10), "公共法律知识", 12, is_rotation=True)
    ts.add_attendees(rotation.id, [ma.id, li.id])
    ts.set_attendance(rotation.id, li.id, 6)  # left early
    business = session("市场监管业务培训", D(2025, 5, 20), "业务知识", 30)
    ts.add_attendees(business.id, [ma.id, li.id, sun.id, wang.id])
    skills = session("执法技能比武", D(2025, 9, 1), "行政执法技能", 24, form="以赛促训")
    ts.add_attendees(skills.id, [ma.id, sun.id])
    party = session("党纪学习教育", D(2025, 7, 1), "政治理论", 8, form="专题培训")
    ts.add_attendees(party.id, [ma.id, li.id, chen.id])
    last_year = session("2024年冬训", D(2024, 12, 20), "业务知识", 20)
    ts.add_attendees(last_year.id, [chen.id])
    mental = session("心理健康讲座", D(2025, 11, 15), "业务知识", 6, organiser="本单位", organiser_unit_id=b.id,
                     is_mental_health=True, form="专题培训")
    ts.add_attendees(mental.id, [sun.id])
    late = session("全员轮训（补训）", D(2025, 8, 1), "公共法律知识", 6, is_rotation=True)
    ts.add_attendees(late.id, [wu.id])
    return a, b


@pytest.fixture
def county(session):
    return build_county()


def rows_of(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def table(sheet) -> list[dict]:
    """The data lines under the header, as dicts (the 说明 line and a 合计 line included)."""
    lines = rows_of(sheet)
    return [dict(zip(lines[1], line)) for line in lines[2:]]


def by_name(sheet, key: str = "姓名") -> dict[str, dict]:
    return {line[key]: line for line in table(sheet) if isinstance(line.get("序号"), int)}


def fill(cell) -> str | None:
    return cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type == "solid" else None


def export(tmp_path, name="培训学时统计.xlsx", **kw) -> Path:
    return export_training_xlsx(tmp_path / name, **({"year": YEAR} | kw))


def test_three_sheets_in_the_ledger_look(county, tmp_path):
    book = load_workbook(export(tmp_path))
    assert book.sheetnames == ["培训学时统计表", "单位汇总表", "未达标名单"]
    assert book.properties.creator.startswith("执法质量台账 ")
    people, units, short = book.worksheets
    assert [c.value for c in people[2]] == OFFICER_HEADERS == [
        "序号", "单位", "姓名", "身份证号", "公共法律知识", "业务知识", "行政执法技能", "小计（计入）", "政治理论（不计入）",
        "参训次数", "是否参加轮训", "缺口学时", "是否达标"]
    assert [c.value for c in units[2]] == UNIT_HEADERS == [
        "序号", "单位", "执法人员数", "已参加轮训人数", "轮训率", "人均学时", "达标人数", "达标率", "未达标人数",
        "心理健康活动次数"]
    assert [c.value for c in short[2]] == SHORT_HEADERS == ["序号", "单位", "姓名", "计入学时", "缺口学时"]
    for sheet, name in ((people, "执法人员培训学时统计表"), (units, "执法人员培训情况单位汇总表"),
                        (short, "培训学时未达标人员名单")):
        title = sheet["A1"].value
        assert title.startswith(f"红寺堡区司法局 {name}（2025年度，达标线 60 学时"), title
        assert sheet.freeze_panes == "A3" and sheet.print_title_rows == "$2:$2"
        assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9
        assert "&P" in sheet.oddFooter.center.text
        assert sheet["B2"].font.b and sheet["B2"].fill.fgColor.rgb.endswith("D9E1F2")
        assert sheet["B3"].border.left.style == "thin"
    assert "已脱敏" in people["A1"].value and "已脱敏" in people.oddFooter.left.text
    assert sorted(str(r) for r in people.merged_cells.ranges) == ["A1:M1", "A8:M8"]  # title, 说明
    assert people.auto_filter.ref == "A2:M7"  # five officers; the 说明 line stays out
    assert units.auto_filter.ref == "A2:J4"  # two units; 合计 and 说明 stay out
    assert short.auto_filter.ref == "A2:E5"
    assert units["E3"].number_format == "0.0%" and units["H3"].number_format == "0.0%"


def test_officer_lines_counted_by_hand(county, tmp_path):
    people = by_name(load_workbook(export(tmp_path))["培训学时统计表"])
    assert set(people) == {"马建军", "李娜", "陈静", "孙丽", "吴刚"}  # not 王强 (辅助人员) nor 赵敏 (retired)
    fields = OFFICER_HEADERS[4:]
    expected = {  # 公共 业务 技能 小计 政治 次数 轮训 缺口 达标
        "马建军": [12, 30, 24, 66, 8, 4, "是", 0, "是"],
        "李娜": [6, 30, 0, 36, 8, 3, "是", 24, "否"],
        "陈静": [0, 0, 0, 0, 8, 1, "否", 60, "否"],
        "孙丽": [0, 36, 24, 60, 0, 3, "否", 0, "是"],
        "吴刚": [6, 0, 0, 6, 0, 1, "否", 54, "否"],
    }
    for name, values in expected.items():
        assert [people[name][f] for f in fields] == values, name
    assert {p["单位"] for n, p in people.items() if n in ("马建军", "李娜", "陈静")} == {"红寺堡区市场监督管理分局"}
    assert sorted(p["序号"] for p in people.values()) == [1, 2, 3, 4, 5]


def test_officer_lines_agree_with_the_ledger(county, tmp_path):
    start, end = ledger.year_range(YEAR)
    hours = ledger.officer_hours(start, end)
    members = ledger.population(end)
    threshold = ledger.threshold_for(start, end)
    sheet = load_workbook(export(tmp_path))["培训学时统计表"]
    lines = [line for line in table(sheet) if isinstance(line["序号"], int)]
    assert [line["姓名"] for line in lines] == [m.name for m in members]  # the ledger's order: unit, then name
    for line, member in zip(lines, members):
        entry = hours.get(member.id)
        countable = entry.countable if entry else 0.0
        assert line["单位"] == member.unit_name
        assert line["小计（计入）"] == pytest.approx(countable)
        assert line["政治理论（不计入）"] == pytest.approx(entry.political if entry else 0)
        assert line["参训次数"] == (entry.sessions if entry else 0)
        assert line["是否参加轮训"] == ("是" if entry and entry.rotation else "否")
        assert line["缺口学时"] == pytest.approx(entry.shortfall(threshold) if entry else threshold)
        assert line["是否达标"] == ("是" if countable >= threshold else "否")
    # the rows the hours chart uses are the same people with the same hours
    assert [r.countable for r in officer_rows(start, end)] == [line["小计（计入）"] for line in lines]


def test_shortfalls_are_coloured(county, tmp_path):
    sheet = load_workbook(export(tmp_path))["培训学时统计表"]
    lines = {row[2].value: row for row in sheet.iter_rows(min_row=3, max_row=7)}
    assert fill(lines["李娜"][11]) == "F8D7DA" and fill(lines["李娜"][12]) == "F8D7DA"  # 缺口学时, 是否达标
    assert fill(lines["马建军"][11]) is None and fill(lines["马建军"][12]) is None
    assert fill(lines["孙丽"][10]) == "FFF3CD" and fill(lines["马建军"][10]) is None  # 未参加轮训


def test_unit_summary_counted_by_hand(county, tmp_path):
    sheet = load_workbook(export(tmp_path))["单位汇总表"]
    lines = rows_of(sheet)
    a, b, total, note = lines[2], lines[3], lines[4], lines[5]
    # 序号 单位 执法人员数 已参加轮训人数 轮训率 人均学时 达标人数 达标率 未达标人数 心理健康活动次数
    assert a[:4] == [1, "红寺堡区市场监督管理分局", 3, 2] and a[4] == pytest.approx(2 / 3)
    assert a[5] == pytest.approx(34) and a[6] == 1 and a[7] == pytest.approx(1 / 3) and a[8:] == [2, 0]
    assert b[:4] == [2, "红寺堡区综合执法局", 2, 0] and b[4] == pytest.approx(0)
    assert b[5] == pytest.approx(33) and b[6] == 1 and b[7] == pytest.approx(0.5) and b[8:] == [1, 1]
    assert total[1] == "合计" and total[2:4] == [5, 2] and total[4] == pytest.approx(0.4)
    assert total[5] == pytest.approx(33.6) and total[6] == 2 and total[7] == pytest.approx(0.4)
    assert total[8:] == [3, "1/2 个单位已开展"]
    assert note[0].startswith("说明：") and "政治理论" in note[0] and "2025年6月30日" in note[0]
    assert sheet["B5"].font.b
    assert fill(sheet["H3"]) == "F8D7DA" and fill(sheet["I3"]) == "F8D7DA"  # 达标率, 未达标人数
    assert fill(sheet["J3"]) == "FFF3CD" and fill(sheet["J4"]) is None  # no 心理健康 activity in A


def test_unit_summary_agrees_with_the_ledger(county, tmp_path):
    units = ledger.unit_summaries(*ledger.year_range(YEAR))
    lines = rows_of(load_workbook(export(tmp_path))["单位汇总表"])[2:2 + len(units)]
    for line, unit in zip(lines, units, strict=True):
        assert line[1:4] == [unit.unit_name, unit.officers, unit.rotated]
        assert line[4] == pytest.approx(unit.rotation_rate) and line[5] == pytest.approx(unit.average_hours)
        assert line[6] == unit.reaching and line[7] == pytest.approx(unit.reach_rate)
        assert line[8:] == [len(unit.short), unit.mental_health_sessions]


def test_short_list_by_unit_then_shortfall(county, tmp_path):
    lines = rows_of(load_workbook(export(tmp_path))["未达标名单"])
    assert lines[2:5] == [[1, "红寺堡区市场监督管理分局", "陈静", 0, 60],
                          [2, "红寺堡区市场监督管理分局", "李娜", 36, 24],
                          [3, "红寺堡区综合执法局", "吴刚", 6, 54]]
    assert lines[5][0].startswith("共 3 人未达到 60 学时")
    units = ledger.unit_summaries(*ledger.year_range(YEAR))
    assert [line[2] for line in lines[2:5]] == [m.name for u in units for m, _ in u.short]


def test_id_numbers_masked_unless_asked(county, tmp_path):
    masked = load_workbook(export(tmp_path, "masked.xlsx"))["培训学时统计表"]
    assert by_name(masked)["马建军"]["身份证号"] == "6403**********1232"
    everything = "".join(str(v) for sheet in load_workbook(tmp_path / "masked.xlsx") for line in rows_of(sheet)
                         for v in line if v is not None)
    assert FULL_ID not in everything and id_number(3) not in everything
    assert all("*" in line["身份证号"] for line in by_name(masked).values())

    full = load_workbook(export(tmp_path, "full.xlsx", unmasked=True))["培训学时统计表"]
    assert by_name(full)["马建军"]["身份证号"] == FULL_ID and by_name(full)["李娜"]["身份证号"] == id_number(3)
    assert "已脱敏" not in full["A1"].value and "妥善保管" in full["A1"].value
    assert "妥善保管" in full.oddFooter.left.text


def test_a_date_range_prorates_the_threshold(county, tmp_path):
    start, end = D(2025, 1, 1), D(2025, 6, 30)
    assert ledger.threshold_for(start, end) == 30
    book = load_workbook(export_training_xlsx(tmp_path / "h1.xlsx", start=start, end=end))
    people = book["培训学时统计表"]
    assert "（2025年1月1日至2025年6月30日，达标线 30 学时" in people["A1"].value
    lines = by_name(people)
    assert "赵敏" in lines  # retired on 2025-10-01: still 在职 on 30 June
    assert (lines["马建军"]["小计（计入）"], lines["马建军"]["政治理论（不计入）"]) == (42, 0)
    assert (lines["孙丽"]["小计（计入）"], lines["孙丽"]["是否达标"]) == (30, "是")  # exactly 30 reaches 30
    assert (lines["赵敏"]["缺口学时"], lines["陈静"]["缺口学时"]) == (30, 30)
    units = rows_of(book["单位汇总表"])
    assert units[2][2] == 4 and units[4][1] == "合计" and units[4][2] == 6
    assert "按天数折算" in units[5][0]
    assert [line[2] for line in rows_of(book["未达标名单"])[2:-1]] == ["赵敏", "陈静", "吴刚"]  # a tie: by name


def test_one_unit_only(county, tmp_path):
    _, b = county
    book = load_workbook(export(tmp_path, unit_id=b.id))
    assert set(by_name(book["培训学时统计表"])) == {"孙丽", "吴刚"}
    assert [line[1] for line in rows_of(book["单位汇总表"])[2:4]] == ["红寺堡区综合执法局", "合计"]
    assert [line[2] for line in rows_of(book["未达标名单"])[2:-1]] == ["吴刚"]


def test_an_empty_database_still_gives_three_sheets(session, tmp_path):
    book = load_workbook(export(tmp_path))
    assert book["培训学时统计表"].max_row == 3  # title, header, 说明
    total = rows_of(book["单位汇总表"])[2]
    assert total[1] == "合计" and total[2] == 0 and total[4] == "—" and total[5] == "—"
    assert rows_of(book["未达标名单"])[2][0].startswith("共 0 人")


def test_periods():
    assert resolve_period(2025) == (D(2025, 1, 1), D(2025, 12, 31))
    assert resolve_period(None, D(2025, 1, 1), D(2025, 6, 30)) == (D(2025, 1, 1), D(2025, 6, 30))
    assert resolve_period() == ledger.year_range(dt.date.today().year)
    for bad in ({"start": D(2025, 1, 1)}, {"year": 2025, "end": D(2025, 6, 30)}, {"year": 1066},
                {"start": D(2025, 6, 30), "end": D(2025, 1, 1)}):
        with pytest.raises(ValidationError):
            resolve_period(**bad)
    assert period_text(D(2025, 1, 1), D(2025, 12, 31)) == "2025年度"
    assert period_text(D(2024, 1, 1), D(2025, 12, 31)) == "2024—2025年度"
    assert period_text(D(2025, 3, 1), D(2025, 5, 31)) == "2025年3月1日至2025年5月31日"


def test_cancelled_before_writing_leaves_no_file(county, tmp_path):
    control = JobControl()
    control.cancel()
    with pytest.raises(Cancelled):
        export_training_xlsx(tmp_path / "x.xlsx", year=YEAR, control=control)
    assert list(tmp_path.glob("*.xlsx")) == []


def test_a_file_open_in_excel_is_left_as_it_was(county, tmp_path, monkeypatch):
    target = tmp_path / "培训学时统计.xlsx"
    target.write_bytes(b"the ledger the clerk has open")

    def refuse(src, dst, *args, **kwargs):
        raise PermissionError(13, "being used by another process", str(dst))

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(AppError, match="文件被占用"):
        export_training_xlsx(target, year=YEAR)
    assert target.read_bytes() == b"the ledger the clerk has open"
    assert not [p for p in tmp_path.iterdir() if ".part" in p.name]


@pytest.fixture
def closed_county(tmp_path) -> Path:
    from desktop_app.core.session import open_session

    path = tmp_path / "台账" / "县.sqlite"
    opened = open_session(path)
    try:
        build_county()
    finally:
        opened.close()
    return path


def test_command_line_export(closed_county, tmp_path, run_app):
    out = tmp_path / "导出" / "培训学时统计.xlsx"
    result = run_app("export", "training", "--year", YEAR, "--db", closed_county, "--out", out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "已导出" in result.stdout and "妥善保管" not in result.stdout
    book = load_workbook(out)
    assert book.sheetnames == ["培训学时统计表", "单位汇总表", "未达标名单"]
    assert by_name(book["培训学时统计表"])["马建军"]["身份证号"] == "6403**********1232"
    help_text = run_app("export", "--help").stdout
    assert "training" in help_text and "--year" in help_text and "培训学时统计表" in help_text


def test_command_line_unmasked_and_refusals(closed_county, tmp_path, capsys):
    from desktop_app.__main__ import main

    full = tmp_path / "完整.xlsx"
    assert main(["export", "training", "--year", str(YEAR), "--db", str(closed_county), "--out", str(full),
                 "--unmasked"]) == 0
    assert "身份证号码，请妥善保管" in capsys.readouterr().out
    assert by_name(load_workbook(full)["培训学时统计表"])["马建军"]["身份证号"] == FULL_ID

    out = tmp_path / "x.xlsx"
    refusals = {
        "no year": ["export", "training", "--db", str(closed_county), "--out", str(out)],
        "date instead": ["export", "training", "--date", "2025-12-31", "--db", str(closed_county), "--out", str(out)],
        "year for personnel": ["export", "personnel", "--year", "2025", "--db", str(closed_county), "--out", str(out)],
        "tasks unmasked": ["export", "tasks", "--db", str(closed_county), "--out", str(out), "--unmasked"],
        "missing database": ["export", "training", "--year", "2025", "--db", str(tmp_path / "没有.sqlite"),
                             "--out", str(out)],
        "bad year": ["export", "training", "--year", "1066", "--db", str(closed_county), "--out", str(out)],
    }
    for label, argv in refusals.items():
        code = main(argv)
        err = capsys.readouterr().err
        assert code == 2, label
        assert err.startswith("错误：") and "Traceback" not in err, (label, err)
    with pytest.raises(SystemExit) as exit_info:  # argparse: not a number
        main(["export", "training", "--year", "二〇二五", "--db", str(closed_county), "--out", str(out)])
    assert exit_info.value.code == 2
    assert "--year" in capsys.readouterr().err
    assert not out.exists()
