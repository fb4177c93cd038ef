"""执法人员清单.xlsx (personnel/export.py): two sheets in the ledger look, one row per officer with their card,
公民身份号码 and 联系电话 masked unless asked (and the file saying which), the 持证情况统计 agreeing with a
count made by hand on a small county built here through the services, one unit only on request, and the
same file from `python -m desktop_app export personnel`."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop_app.core.errors import AppError
from desktop_app.core.id_card import id_check_character
from desktop_app.core.personnel import certificates as cs
from desktop_app.core.personnel import officers as of
from desktop_app.core.personnel.export import (
    LIST_HEADERS,
    STATS_HEADERS,
    export_personnel_xlsx,
    unit_statistics,
)
from desktop_app.core.personnel.roster import load_roster
from desktop_app.core.settings import set_settings
from desktop_app.core.units import UnitInput, create_unit

D = dt.date
DAY = D(2026, 11, 21)
D1980, ISSUED, VALID_UNTIL = D(1980, 1, 1), D(2022, 1, 1), D(2027, 12, 31)
FULL_ID = "640303198503151232"  # shared/domain.md §6 example
FULL_PHONE = "13912345678"


def id_number(born: D, seq: int) -> str:
    first17 = f"640303{born:%Y%m%d}{seq:03d}"
    return first17 + id_check_character(first17)


def person(unit, name: str, seq: int, category: str = "行政编制公务员", number: str | None = None,
           issued: D = ISSUED, until: D = VALID_UNTIL, **kw):
    data = of.OfficerInput(unit_id=unit.id, name=name, id_number=kw.pop("id_number", id_number(D(1980, 1, 1), seq)),
                           category=category, law_field="市场监管", **kw)
    officer = of.create_officer(data, on_date=D(2020, 1, 1))
    cert = None
    if number:
        cert = cs.register_existing(officer.id, cs.CertificateInput(
            number=number, issuer="宁夏回族自治区人民政府", issued_on=issued, valid_until=until))
    return officer, cert


def build_county():
    """Unit A: 5 执法人员 (2 with a valid card, one of them expiring; 1 暂扣; 1 过期; 1 without a card),
    1 辅助人员, 1 retired; 1 法制审核人员 (20 %). Unit B: 2 执法人员, both valid, no 法制审核人员 (0 %)."""
    set_settings({"bureau_name": "红寺堡区司法局", "legal_review_ratio": "5"})
    a = create_unit(UnitInput("红寺堡区市场监督管理分局", "enforcement", "市场监管"))
    b = create_unit(UnitInput("红寺堡区综合执法局", "enforcement", "综合执法"))
    person(a, "马建军", 1, number="64A001", id_number=FULL_ID, phone=FULL_PHONE, is_legal_reviewer=True,
           ethnicity="回族", political_status="中共党员", education="大学本科", post="科长", region="红寺堡区")
    person(a, "李娜", 3, number="64A002", until=D(2025, 6, 30))  # 过期
    _, suspended = person(a, "陈静", 5, number="64A003")
    cs.add_event(suspended.id, "suspend", D(2026, 10, 1), "被投诉查实", until=D(2027, 1, 31))
    person(a, "刘洋", 7, number="64A004", until=DAY + dt.timedelta(days=30))  # 即将到期
    person(a, "周杰", 9)  # 执法岗位, no card
    person(a, "王强", 11, category="工勤")  # 辅助人员
    retired, _ = person(a, "赵敏", 13, number="64A005")
    of.set_status(retired.id, "退休", D(2026, 3, 1))
    person(b, "孙丽", 15, number="64B001")
    person(b, "吴刚", 17, number="64B002")
    return a, b


@pytest.fixture
def county(session):
    return build_county()


def rows_of(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def by_name(sheet) -> dict[str, dict]:
    table = rows_of(sheet)
    headers = table[1]
    return {line[2]: dict(zip(headers, line)) for line in table[2:]}


def test_two_sheets_in_the_ledger_look(county, tmp_path):
    path = export_personnel_xlsx(tmp_path / "执法人员清单.xlsx", today=DAY)
    book = load_workbook(path)
    assert book.sheetnames == ["执法人员清单", "持证情况统计"]
    assert book.properties.creator.startswith("执法质量台账 ")
    people = book["执法人员清单"]
    assert [c.value for c in people[2]] == LIST_HEADERS and len(LIST_HEADERS) == 24
    assert people.max_row == 2 + 9  # every officer, those who left included
    title = people["A1"].value
    assert title.startswith("红寺堡区司法局 执法人员清单") and "2026年11月21日" in title and "已脱敏" in title
    assert [str(r) for r in people.merged_cells.ranges] == ["A1:X1"]
    assert people.freeze_panes == "A3" and people.auto_filter.ref == "A2:X11"
    assert people.print_title_rows == "$2:$2"
    setup = people.page_setup
    assert setup.orientation == "landscape" and int(setup.paperSize) == 9
    assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0 and people.sheet_properties.pageSetUpPr.fitToPage
    assert "已脱敏" in people.oddFooter.left.text and "&P" in people.oddFooter.center.text
    header = people["B2"]
    assert header.font.b and header.fill.fgColor.rgb.endswith("D9E1F2") and header.border.left.style == "thin"
    body = people["B3"]
    assert body.border.bottom.style == "thin" and body.alignment.wrap_text
    assert people["Q3"].number_format == "yyyy-mm-dd" and people["R3"].number_format == "yyyy-mm-dd"
    assert people.column_dimensions["B"].width >= 20 and people.row_dimensions[3].height >= 15
    stats = book["持证情况统计"]
    assert [c.value for c in stats[2]] == STATS_HEADERS
    assert stats.freeze_panes == "A3" and stats.page_setup.orientation == "landscape"


def test_one_row_per_officer_with_their_card(county, tmp_path):
    people = by_name(load_workbook(export_personnel_xlsx(tmp_path / "x.xlsx", today=DAY))["执法人员清单"])
    assert set(people) == {"马建军", "李娜", "陈静", "刘洋", "周杰", "王强", "赵敏", "孙丽", "吴刚"}
    ma = people["马建军"]
    assert (ma["单位"], ma["性别"], ma["民族"], ma["出生年月"], ma["政治面貌"], ma["学历"], ma["职务/职级"]) == (
        "红寺堡区市场监督管理分局", "男", "回族", "1985.03", "中共党员", "大学本科", "科长")
    assert (ma["证件种类"], ma["证号"], ma["发证机关"], ma["证件状态"]) == ("行政执法证", "64A001", "宁夏回族自治区人民政府",
                                                                "有效")
    assert ma["发证日期"].date() == D(2022, 1, 1) and ma["有效期至"].date() == D(2027, 12, 31)
    assert (ma["法制审核人员"], ma["公职律师"], ma["在职状态"], ma["执法区域"]) == ("是", "否", "在职", "红寺堡区")
    assert people["李娜"]["证件状态"] == "过期" and "证件已过期" in people["李娜"]["预警"]
    assert people["陈静"]["证件状态"] == "暂扣"
    assert "证件即将到期" in people["刘洋"]["预警"]
    assert people["周杰"]["证件状态"] == "未发证" and people["周杰"]["证号"] in (None, "")
    assert "执法岗位无有效证件" in people["周杰"]["预警"]
    assert (people["赵敏"]["在职状态"], people["赵敏"]["证件状态"]) == ("退休", "注销")
    assert [line["序号"] for line in people.values()] == list(range(1, 10))


def test_personal_data_masked_unless_asked(county, tmp_path):
    masked = load_workbook(export_personnel_xlsx(tmp_path / "masked.xlsx", today=DAY))["执法人员清单"]
    row = by_name(masked)["马建军"]
    assert row["公民身份号码"] == "6403**********1232" and row["联系电话"] == "139****5678"
    everything = "".join(str(v) for line in rows_of(masked) for v in line if v is not None)
    assert FULL_ID not in everything and FULL_PHONE not in everything
    assert all("*" in line["公民身份号码"] for line in by_name(masked).values())

    full = load_workbook(export_personnel_xlsx(tmp_path / "full.xlsx", today=DAY, unmasked=True))["执法人员清单"]
    row = by_name(full)["马建军"]
    assert row["公民身份号码"] == FULL_ID and row["联系电话"] == FULL_PHONE
    assert "已脱敏" not in full["A1"].value and "妥善保管" in full["A1"].value
    assert "妥善保管" in full.oddFooter.left.text


def test_statistics_agree_with_a_count_by_hand(county, tmp_path):
    stats = rows_of(load_workbook(export_personnel_xlsx(tmp_path / "x.xlsx", today=DAY))["持证情况统计"])
    assert stats[0][0].startswith("红寺堡区司法局 行政执法人员持证情况统计")
    a, b, total, note = stats[2], stats[3], stats[4], stats[5]
    # 序号 单位 执法人员数 持有效证件人数 持证率 暂扣 过期 即将到期 辅助人员数 法制审核人员数 法制审核占比 是否达标
    assert a[:4] == [1, "红寺堡区市场监督管理分局", 5, 2] and a[4] == pytest.approx(0.4)
    assert a[5:10] == [1, 1, 1, 1, 1] and a[10] == pytest.approx(0.2) and a[11] == "是"
    assert b[:4] == [2, "红寺堡区综合执法局", 2, 2] and b[4] == pytest.approx(1.0)
    assert b[5:10] == [0, 0, 0, 0, 0] and b[10] == pytest.approx(0.0) and b[11] == "否"
    assert total[1] == "合计" and total[2:4] == [7, 4] and total[4] == pytest.approx(4 / 7)
    assert total[5:10] == [1, 1, 1, 1, 1] and total[10] == pytest.approx(1 / 7)
    assert total[11] == "1/2 个单位达标"
    assert note[0].startswith("说明：") and "5%" in note[0]
    # the 合计 and 说明 lines stay out of the filter range, the unit lines are in it
    sheet = load_workbook(tmp_path / "x.xlsx")["持证情况统计"]
    assert sheet.auto_filter.ref == "A2:L4"
    assert sheet["E3"].number_format == "0.0%" and sheet["B5"].font.b


def test_statistics_follow_the_threshold_setting(county):
    set_settings({"legal_review_ratio": "25"})
    lines, total = unit_statistics(load_roster(DAY))
    assert [s.verdict for s in lines] == ["否", "否"] and total.verdict == "0/2 个单位达标"
    lines, _ = unit_statistics(load_roster(DAY), minimum_percent=20)
    assert lines[0].verdict == "是"  # exactly 20 % meets 20 %


def test_one_unit_only(county, tmp_path):
    _, b = county
    book = load_workbook(export_personnel_xlsx(tmp_path / "b.xlsx", today=DAY, unit_id=b.id))
    assert set(by_name(book["执法人员清单"])) == {"孙丽", "吴刚"}
    stats = rows_of(book["持证情况统计"])
    assert [line[1] for line in stats[2:4]] == ["红寺堡区综合执法局", "合计"]


def test_an_empty_roster_still_gives_both_sheets(session, tmp_path):
    book = load_workbook(export_personnel_xlsx(tmp_path / "empty.xlsx", today=DAY))
    assert book["执法人员清单"].max_row == 2
    stats = rows_of(book["持证情况统计"])
    assert stats[2][1] == "合计" and stats[2][2] == 0 and stats[2][4] == "—"


def test_a_list_open_in_excel_is_left_as_it_was(county, tmp_path, monkeypatch):
    target = tmp_path / "执法人员清单.xlsx"
    target.write_bytes(b"the list the clerk has open")

    def refuse(src, dst, *args, **kwargs):
        raise PermissionError(13, "being used by another process", str(dst))

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(AppError, match="文件被占用"):
        export_personnel_xlsx(target, today=DAY)
    assert target.read_bytes() == b"the list the clerk has open"
    assert not [p for p in tmp_path.iterdir() if ".part" in p.name]


@pytest.fixture
def closed_county(tmp_path) -> Path:
    from desktop_app.core.session import open_session

    path = tmp_path / "台账" / "县.sqlite"
    session = open_session(path)
    try:
        build_county()
    finally:
        session.close()
    return path


def test_command_line_export(closed_county, tmp_path, run_app):
    out = tmp_path / "导出" / "执法人员清单.xlsx"
    result = run_app("export", "personnel", "--db", closed_county, "--out", out, "--date", "2026-11-21")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "已导出" in result.stdout and out.is_file()
    book = load_workbook(out)
    assert book.sheetnames == ["执法人员清单", "持证情况统计"]
    assert by_name(book["执法人员清单"])["马建军"]["公民身份号码"] == "6403**********1232"
    assert "2026年11月21日" in book["执法人员清单"]["A1"].value

    full = tmp_path / "完整.xlsx"
    result = run_app("export", "personnel", "--db", closed_county, "--out", full, "--unmasked", "--date", "2026-11-21")
    assert result.returncode == 0, result.stderr
    assert "妥善保管" in result.stdout
    assert by_name(load_workbook(full)["执法人员清单"])["马建军"]["公民身份号码"] == FULL_ID


def test_command_line_refusals(closed_county, tmp_path, run_app):
    out = tmp_path / "x.xlsx"
    missing = run_app("export", "personnel", "--db", tmp_path / "没有.sqlite", "--out", out)
    assert missing.returncode == 2 and "不存在" in missing.stderr
    bad_date = run_app("export", "personnel", "--db", closed_county, "--out", out, "--date", "2026-13-01")
    assert bad_date.returncode == 2 and bad_date.stderr.startswith("错误：") and "Traceback" not in bad_date.stderr
    tasks_unmasked = run_app("export", "tasks", "--db", closed_county, "--out", out, "--unmasked")
    assert tasks_unmasked.returncode == 2 and "--unmasked" in tasks_unmasked.stderr
    unknown = run_app("export", "people", "--db", closed_county, "--out", out)
    assert unknown.returncode == 2 and "personnel" in unknown.stderr
    assert not out.exists()
    help_text = run_app("export", "--help").stdout
    assert "personnel" in help_text and "--unmasked" in help_text and "脱敏" in help_text
