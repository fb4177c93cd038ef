"""Importing a 人员名册 as units really send it: title rows, a two-row header with merged cells, synonyms in
any order, dates in every style, IDs stored as numbers — each problem named by row, column and header;
all or nothing, unless the clerk chooses to skip the bad rows."""
from __future__ import annotations

import datetime as dt
import json
import threading
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from desktop_app.core.audit import verify_chain
from desktop_app.core.errors import AppError
from desktop_app.core.id_card import id_check_character
from desktop_app.core.jobs import Cancelled, JobControl
from desktop_app.core.models import (
    AuditLog,
    Certificate,
    CertificateEvent,
    ColumnMapping,
    Officer,
    OfficerChange,
)
from desktop_app.core.personnel import certificates, officers
from desktop_app.core.personnel.roster_columns import guess_mapping
from desktop_app.core.personnel.roster_commit import commit_roster
from desktop_app.core.personnel.roster_errors import write_error_workbook
from desktop_app.core.personnel.roster_import import load_roster_file, remembered_mapping, validate
from desktop_app.core.settings import set_settings
from desktop_app.core.units import UnitInput, create_unit

BAD_INPUTS = Path(__file__).resolve().parent.parent / "bad_inputs"
NUMBER_CELL = ("在表格中被存成了数字：Excel 的数字只保留 15 位有效数字，18 位号码的末几位会因此丢失（末位 X 也存不下），"
               "无法据此核对。请把该列单元格格式设为“文本”后重新录入。")


def ident(area: str, birth: str, seq: str) -> str:
    first17 = area + birth + seq
    return first17 + id_check_character(first17)


def serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


ZHANG = ident("110105", "19850315", "123")  # 男
LI = ident("110105", "19900101", "013")
WANG = ident("110105", "19880808", "022")  # 女
ZHAO_GOOD = ident("110105", "19791111", "031")
ZHAO_BAD = ZHAO_GOOD[:17] + ("1" if ZHAO_GOOD[17] != "1" else "2")
QIAN = ident("110105", "19950505", "041")
OLD_15 = "110105870101015"
ZHOU = ident("110105", "19870101", "015")  # what OLD_15 becomes
SUN = ident("110105", "19920303", "051")
SUN_15_DIGITS = int(SUN[:15] + "000")  # what Excel keeps of it
ZHENG = ident("110105", "19930606", "062")  # 女
FULL_WIDTH = WANG.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
ISSUED, UNTIL = dt.date(2024, 6, 1), dt.date(2029, 5, 31)

HEADER_TOP = ["序号", "执法主体", "姓名", "性别", "身份证号码", "出生年月", "编制性质", "执法领域", "手机",
              "是否法制审核人员", "行政执法证件", None, None, None, "备注"]
HEADER_SUB = [None] * 10 + ["执法证号", "发证日期", "有效期至", "发证机关", None]
# (row, values from column A); the unit in B5 is merged down to B7
MESSY_ROWS = [
    (5, [1, "红寺堡区司法局", "张三", "男", ZHANG, "1985.03", "行政编制公务员", "司法行政", 13912345678, "是",
         "CS20240001", "2024.6.1", "2029/05/31", "吴忠市红寺堡区人民政府", ""]),
    (6, [2, None, "李四", "男", float(LI), "1990-01", "行政编制公务员", "司法行政", "", "否"]),
    (7, [3, None, "王  五", "女", FULL_WIDTH, dt.datetime(1988, 8, 8), "事业编制", "市场监管", "13800000000", "√",
         "CS20240002", "2024/06/01", dt.datetime(2029, 5, 31), "吴忠市红寺堡区人民政府"]),
    (8, [4, "红寺堡区档案局", "赵六", "男", ZHAO_BAD, "1979.11", "行政编制公务员", "司法行政"]),
    (9, [5, "卫健局", "钱七", "男", ZHANG, "1985.03", "行政编制公务员", "卫生健康"]),
    (10, [6, "教育局", "孙八", "男", QIAN, "1995.05", "行政编制公务员", "教育", None, None,
          "CS20240003", None, "2029年5月31日", "吴忠市红寺堡区人民政府"]),
    (11, [7, "司法局", "周九", "男", OLD_15, "1987年1月", "参照公务员法管理", "司法行政", None, None,
          "CS20240004", 20240601, "2029年5月31日", "吴忠市红寺堡区人民政府"]),
    (12, [8, "司法局", "吴十", "男", SUN_15_DIGITS, "1992.03", "行政编制公务员", "司法行政"]),
    (13, [9, "红寺堡区司法局", "郑十一", "女", ZHENG, "1993.06", "行政编制公务员", "司法行政", None, "",
          "CS20240005", "2024年6月1日", serial(UNTIL), "吴忠市红寺堡区人民政府"]),
    (15, ["填表人：张三　　审核人：李四"]),
]


# every header cell without a sub-header is merged down over both header rows; the unit in B5 down to B7
MESSY_MERGES = tuple(f"{c}3:{c}4" for c, top, sub in zip("ABCDEFGHIJKLMNO", HEADER_TOP, HEADER_SUB)
                     if top and not sub) + ("K3:N3", "B5:B7")


def write_roster(path: Path, rows: list[tuple[int, list]], header: list[list] = (HEADER_TOP, HEADER_SUB),
                 merges=MESSY_MERGES, first_sheet_note: bool = True) -> Path:
    """Two title rows (merged across), the header from row 3, then `rows` at their row numbers."""
    book = Workbook()
    if first_sheet_note:
        book.active.title = "填表说明"
        book.active["A1"] = "请按“人员名册”工作表的表头填写，身份证号码列请设为文本格式。"
        sheet = book.create_sheet("人员名册")
    else:
        sheet = book.active
        sheet.title = "人员名册"
    sheet["A1"] = "红寺堡区行政执法人员名册"
    sheet.merge_cells("A1:O1")
    sheet["A2"] = "填报单位（盖章）：                    填报日期：2024年6月"
    sheet.merge_cells("A2:O2")
    for number, values in [(3 + i, h) for i, h in enumerate(header)] + list(rows):
        for column, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(number, column, value)
    for merge in merges:
        sheet.merge_cells(merge)
    book.save(path)
    return path


def rewrite_member(path: Path, member: str, old: str, new: str) -> None:
    """Edit one part of a saved .xlsx, to produce what other programs write and openpyxl does not."""
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            if info.filename == member:
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            target.writestr(info, data)


@pytest.fixture
def units(session) -> dict[str, int]:
    set_settings({"county_name": "红寺堡区"})
    made = {
        "司法局": create_unit(UnitInput("红寺堡区司法局", "justice", "司法局")),
        "教育局": create_unit(UnitInput("红寺堡区教育局", "enforcement", "教育局")),
        "卫健局": create_unit(UnitInput("红寺堡区卫生健康局", "enforcement", "卫生健康局", aliases=["卫健局"])),
    }
    return {key: unit.id for key, unit in made.items()}


def texts(preview) -> list[str]:
    return [e.text for e in preview.errors]


def by_row(preview) -> dict:
    return {r.row: r for r in preview.results}


# ------------------------------------------------------------------------------------------ reading


def test_messy_roster_is_read_from_the_sheet_with_the_header(units, tmp_path):
    preview = load_roster_file(write_roster(tmp_path / "名册.xlsx", MESSY_ROWS))
    assert (preview.sheet_name, preview.header_row) == ("人员名册", 4)  # two-row header, merged cells
    assert preview.headers[:5] == ["序号", "执法主体", "姓名", "性别", "身份证号码"]
    assert preview.headers[10:14] == ["执法证号", "发证日期", "有效期至", "发证机关"]
    assert preview.mapping == {0: None, 1: "unit", 2: "name", 3: "gender", 4: "id_number", 5: "birth_date",
                               6: "category", 7: "law_field", 8: "phone", 9: "is_legal_reviewer",
                               10: "cert_number", 11: "cert_issued_on", 12: "cert_valid_until",
                               13: "cert_issuer", 14: "note"}
    assert not preview.mapping_remembered
    raw = dict(preview.rows)
    assert raw[6][1] == "红寺堡区司法局" and raw[7][1] == "红寺堡区司法局"  # merged down the block
    assert isinstance(raw[6][4], float) and raw[12][4] == SUN_15_DIGITS  # IDs kept as the numbers they were
    assert raw[7][12] == dt.datetime(2029, 5, 31)  # a date cell comes back as a date


def test_every_bad_cell_is_named_by_row_column_and_header(units, tmp_path):
    preview = load_roster_file(write_roster(tmp_path / "名册.xlsx", MESSY_ROWS))
    validate(preview)
    assert [(r.row, r.result) for r in preview.results] == [
        (5, "新增"), (6, "错误"), (7, "新增"), (8, "错误"), (9, "错误"), (10, "错误"), (11, "新增"),
        (12, "错误"), (13, "新增")]  # the blank row 14 and the footer in row 15 are not data
    assert texts(preview) == [
        f"第 6 行 E 列（身份证号码）：身份证号码“{format(float(LI), '.15g')}”{NUMBER_CELL}",
        ("第 8 行 B 列（执法主体）：单位“红寺堡区档案局”不在单位登记册中。请核对名称，或先在“单位”中登记该单位"
         "（也可为已有单位添加别名）。"),
        (f"第 8 行 E 列（身份证号码）：身份证号码“{ZHAO_BAD}”校验位不符：末位应为“{ZHAO_GOOD[17]}”，"
         f"现为“{ZHAO_BAD[17]}”，请核对是否抄错。"),
        f"第 9 行 E 列（身份证号码）：身份证号码 {ZHANG} 与第 5 行重复。",
        "第 10 行 L 列（发证日期）：有证号时须填写发证日期。",
        f"第 12 行 E 列（身份证号码）：身份证号码“{format(float(SUN_15_DIGITS), '.15g')}”{NUMBER_CELL}",
    ]
    assert preview.counts() == {"新增": 4, "更新": 0, "无变化": 0, "错误": 5}


def test_values_are_cleaned_whatever_the_cell_style(units, tmp_path):
    preview = load_roster_file(write_roster(tmp_path / "名册.xlsx", MESSY_ROWS))
    validate(preview)
    rows = by_row(preview)
    zhang, wang, zhou, zheng = rows[5], rows[7], rows[11], rows[13]
    assert zhang.values["unit_id"] == units["司法局"] and zhang.values["birth_date"] == dt.date(1985, 3, 15)
    assert (zhang.values["phone"], zhang.values["is_legal_reviewer"]) == ("13912345678", True)
    assert (wang.name, wang.values["id_number"], wang.values["is_legal_reviewer"]) == ("王五", WANG, True)
    assert zhou.values["id_number"] == ZHOU  # the 15-digit number, upgraded
    assert rows[9].values is not None and rows[9].values["unit_id"] == units["卫健局"]  # alias resolved
    # 2024.6.1, 2024/06/01, 20240601 in a number cell, 2024年6月1日; 有效期 as text, a date cell, a serial
    for row in (zhang, wang, zhou, zheng):
        assert (row.card["issued_on"], row.card["valid_until"]) == (ISSUED, UNTIL)
        assert row.card_action == "新增"


def test_nothing_is_written_while_a_row_has_errors(units, tmp_path):
    preview = load_roster_file(write_roster(tmp_path / "名册.xlsx", MESSY_ROWS))
    validate(preview)
    entries = AuditLog.select().count()
    with pytest.raises(AppError, match="有 5 行存在错误"):
        commit_roster(preview)
    assert (Officer.select().count(), Certificate.select().count(), AuditLog.select().count()) == (0, 0, entries)


def test_skip_invalid_imports_the_good_rows_in_one_audited_batch(units, tmp_path):
    preview = load_roster_file(write_roster(tmp_path / "名册.xlsx", MESSY_ROWS))
    validate(preview)
    entries = AuditLog.select().count()
    summary = commit_roster(preview, skip_invalid=True)
    assert (summary.added, summary.skipped, summary.cards_added) == (4, 5, 4)
    assert summary.backup is not None and "导入人员前" in summary.backup.name
    assert sorted(o.name for o in Officer.select()) == ["周九", "张三", "王五", "郑十一"]
    zhang = Officer.get(Officer.id_number == ZHANG)
    assert (zhang.unit_id, zhang.gender, zhang.category, zhang.is_legal_reviewer) == (
        units["司法局"], "男", "行政编制公务员", True)
    assert [c.kind for c in OfficerChange.select()] == ["登记"] * 4
    card = Certificate.get(Certificate.number == "CS20240001")
    assert (card.officer_id, card.issued_on, card.valid_until, card.issuer) == (
        zhang.id, ISSUED, UNTIL, "吴忠市红寺堡区人民政府")
    assert certificates.state_of(card, dt.date(2025, 1, 1)).state == "有效"
    assert CertificateEvent.select().count() == 4
    new_entries = list(AuditLog.select().order_by(AuditLog.id))[entries:]
    assert len(new_entries) == 1 and "新增 4 人" in new_entries[0].summary
    assert verify_chain().ok


def test_ids_that_lost_their_last_digits_are_caught(units, tmp_path):
    """An 18-digit integer with 000 at the end (how some programs write what Excel kept of a number cell),
    and the same digits typed back as text: neither may pass as a real number."""
    as_text = SUN[:15] + "000"
    assert id_check_character(as_text[:17]) != "0"  # the text fails its check digit
    path = clean_roster(tmp_path / "数字.xlsx", [["司法局", "吴十", SUN_15_DIGITS], ["司法局", "吴十", as_text]])
    rewrite_member(path, "xl/worksheets/sheet1.xml", f"<v>{float(SUN_15_DIGITS)!r}</v>", f"<v>{SUN_15_DIGITS}</v>")
    preview = load_roster_file(path)
    assert dict(preview.rows)[4][3] == SUN_15_DIGITS and isinstance(dict(preview.rows)[4][3], int)
    validate(preview)
    first, second = texts(preview)
    assert first == f"第 4 行 D 列（公民身份号码）：身份证号码“{SUN_15_DIGITS}”{NUMBER_CELL}"
    assert second.startswith(f"第 5 行 D 列（公民身份号码）：身份证号码“{as_text}”校验位不符")
    assert second.endswith("号码末三位为 000，很可能曾被存成数字而丢失了末几位，请按身份证原件重新录入。")


def test_old_formats_are_refused_with_save_as_advice(session):
    for name in ("old_format.xls", "wps.et"):
        with pytest.raises(AppError) as caught:
            load_roster_file(BAD_INPUTS / name)
        assert str(caught.value) == (f"文件“{name}”是旧版 Excel/WPS 表格（.xls/.et），无法直接读取。"
                                     "请在 Excel/WPS 中打开它，“另存为” .xlsx 后再导入。")


@pytest.mark.parametrize("name", sorted(p.name for p in BAD_INPUTS.iterdir() if p.suffix not in (".md", ".py")))
def test_every_bad_input_gets_a_message_naming_the_file(session, name):
    with pytest.raises(AppError, match=f"文件“{name}”"):
        load_roster_file(BAD_INPUTS / name)


def test_a_workbook_without_a_roster_header_is_refused(session, tmp_path):
    book = Workbook()
    book.active.title = "汇总"
    book.active.append(["单位", "人数"])
    book.save(tmp_path / "汇总.xlsx")
    with pytest.raises(AppError, match="找不到人员名册的表头（已查看工作表：“汇总”）"):
        load_roster_file(tmp_path / "汇总.xlsx")


def test_a_missing_id_column_is_a_mapping_problem(units, tmp_path):
    path = write_roster(tmp_path / "无身份证.xlsx", [(5, [1, "司法局", "张三", "男"])],
                        header=[["序号", "单位", "姓名", "性别", "民族"]], merges=())
    preview = load_roster_file(path)
    assert preview.header_row == 3
    assert preview.mapping_problems() == [("没有对应“公民身份号码”的列（可识别的列名：公民身份号码、身份证号、身份证号码、"
                                           "身份证），请在列对应中指定。")]
    with pytest.raises(AppError, match="列对应有问题"):
        validate(preview)


# ------------------------------------------------------------------------------------------ updates


CLEAN_HEADER = ["序号", "单位", "姓名", "公民身份号码", "联系电话", "职务", "证号", "发证日期", "有效期至"]


def clean_roster(path: Path, rows: list[list]) -> Path:
    return write_roster(path, [(4 + i, [i + 1, *r]) for i, r in enumerate(rows)], header=[CLEAN_HEADER],
                        merges=(), first_sheet_note=False)


def test_a_known_id_updates_the_officer_and_blank_cells_keep_what_is_stored(units, tmp_path):
    existing = officers.create_officer(officers.OfficerInput(units["司法局"], "张三", ZHANG, phone="13900000000",
                                                             post="科员", ethnicity="汉族"))
    path = clean_roster(tmp_path / "更新.xlsx", [["教育局", "张三", ZHANG, "13911112222", None],
                                                 ["教育局", "孙八", QIAN, None, "科员"]])
    preview = load_roster_file(path)
    validate(preview)
    update, new = preview.results
    assert (update.result, update.officer_id, update.changes) == ("更新", existing.id, ["单位", "联系电话"])
    assert new.result == "新增"
    commit_roster(preview)
    stored = Officer.get_by_id(existing.id)
    assert (stored.unit_id, stored.phone, stored.post, stored.ethnicity) == (units["教育局"], "13911112222", "科员",
                                                                            "汉族")
    moves = list(OfficerChange.select().where((OfficerChange.officer == existing.id)
                                              & (OfficerChange.kind == "调动")))
    assert [(m.from_unit_id, m.to_unit_id) for m in moves] == [(units["司法局"], units["教育局"])]
    again = load_roster_file(path)
    validate(again)
    assert [r.result for r in again.results] == ["无变化", "无变化"]


def test_a_known_card_is_updated_and_another_persons_number_is_refused(units, tmp_path):
    zhang = officers.create_officer(officers.OfficerInput(units["司法局"], "张三", ZHANG))
    certificates.register_existing(zhang.id, certificates.CertificateInput(
        number="CS1", issued_on=ISSUED, valid_until=dt.date(2028, 5, 31)))
    path = clean_roster(tmp_path / "证件.xlsx", [["司法局", "张三", ZHANG, None, None, "CS1", "2024-06-01", "2029-05-31"],
                                                 ["司法局", "孙八", QIAN, None, None, "cs1", "2024-06-01", "2029-05-31"]])
    preview = load_roster_file(path)
    validate(preview)
    assert (preview.results[0].result, preview.results[0].card_action) == ("更新", "更新")
    assert texts(preview) == ["第 5 行 G 列（证号）：证号 CS1 已属于“张三”的证件，证号不能重复。"]
    commit_roster(preview, skip_invalid=True)
    assert Certificate.get(Certificate.number == "CS1").valid_until == UNTIL
    assert not Officer.select().where(Officer.id_number == QIAN).exists()


def test_a_person_who_left_cannot_reappear_in_the_roster(units, tmp_path):
    zhang = officers.create_officer(officers.OfficerInput(units["司法局"], "张三", ZHANG))
    officers.set_status(zhang.id, "退休", dt.date(2024, 1, 1))
    preview = load_roster_file(clean_roster(tmp_path / "退休.xlsx", [["司法局", "张三", ZHANG]]))
    validate(preview)
    assert texts(preview) == [(f"第 4 行 D 列（公民身份号码）：身份证号码 {ZHANG} 登记的“张三”已退休，不应出现在在职名册中；"
                               "如已返回执法岗位，请先在“执法人员”中恢复在职。")]


def test_a_known_id_with_another_name_is_refused_not_renamed(units, tmp_path):
    zhang = officers.create_officer(officers.OfficerInput(units["司法局"], "张三", ZHANG))
    preview = load_roster_file(clean_roster(tmp_path / "错号.xlsx", [["司法局", "李四", ZHANG]]))
    validate(preview)
    assert texts(preview) == [(f"第 4 行 D 列（公民身份号码）：身份证号码 {ZHANG} 已登记为“张三”，与本行姓名“李四”不符。"
                               "请核对号码；如确为改名，请在“执法人员”中修改姓名后再导入。")]
    commit_roster(preview, skip_invalid=True)
    assert Officer.get_by_id(zhang.id).name == "张三"


def test_a_mapping_confirmed_on_a_file_with_nothing_new_is_still_remembered(units, tmp_path):
    officers.create_officer(officers.OfficerInput(units["司法局"], "张三", ZHANG))
    header = ["单位", "姓名", "身份证号", "岗位说明"]
    path = write_roster(tmp_path / "同.xlsx", [(4, ["司法局", "张三", ZHANG, "窗口"])], header=[header], merges=(),
                        first_sheet_note=False)
    preview = load_roster_file(path)
    assert remembered_mapping(header) is None
    preview.apply_mapping({0: "unit", 1: "name", 2: "id_number", 3: None})
    validate(preview)
    assert [r.result for r in preview.results] == ["无变化"]
    commit_roster(preview)
    assert remembered_mapping(header) == {0: "unit", 1: "name", 2: "id_number", 3: None}


# ------------------------------------------------------------------------------------------ mapping, cancel


def test_a_confirmed_mapping_is_reused_for_the_same_layout(units, tmp_path):
    header = ["单位", "姓名", "身份证号", "工作手机", "岗位说明"]
    assert guess_mapping(header) == {0: "unit", 1: "name", 2: "id_number", 3: None, 4: None}
    first = write_roster(tmp_path / "一.xlsx", [(4, ["司法局", "张三", ZHANG, "13911112222", "窗口"])],
                         header=[header], merges=(), first_sheet_note=False)
    preview = load_roster_file(first)
    preview.apply_mapping({**preview.mapping, 3: "phone"})
    validate(preview)
    commit_roster(preview)
    assert ColumnMapping.select().where(ColumnMapping.kind == "roster").count() == 1
    second = write_roster(tmp_path / "二.xlsx", [(4, ["教育局", "孙八", QIAN, "13922223333", ""])],
                          header=[header], merges=(), first_sheet_note=False)
    again = load_roster_file(second)
    assert again.mapping_remembered and again.mapping[3] == "phone"
    validate(again)
    assert again.results[0].values["phone"] == "13922223333"
    other = write_roster(tmp_path / "三.xlsx", [(4, ["司法局", "张三", ZHANG, "", ""])],
                         header=[["姓名", "单位", "身份证号", "工作手机", "岗位说明"]], merges=(),
                         first_sheet_note=False)
    assert not load_roster_file(other).mapping_remembered


def test_cancelling_the_commit_writes_nothing(units, tmp_path):
    preview = load_roster_file(write_roster(tmp_path / "名册.xlsx", MESSY_ROWS))
    validate(preview)
    entries = AuditLog.select().count()
    control = JobControl(lambda fraction, message: control.cancel(), threading.Event())
    with pytest.raises(Cancelled):
        commit_roster(preview, skip_invalid=True, control=control)
    assert (Officer.select().count(), Certificate.select().count(), OfficerChange.select().count(),
            ColumnMapping.select().count(), AuditLog.select().count()) == (0, 0, 0, 0, entries)


def test_cancelling_while_reading_stops_the_load(units, tmp_path):
    path = write_roster(tmp_path / "名册.xlsx", MESSY_ROWS)
    control = JobControl()
    control.cancel()
    with pytest.raises(Cancelled):
        load_roster_file(path, control)


# ------------------------------------------------------------------------------------------ error workbook


def test_error_workbook_marks_the_bad_cells(units, tmp_path):
    preview = load_roster_file(write_roster(tmp_path / "名册.xlsx", MESSY_ROWS))
    validate(preview)
    out = write_error_workbook(preview, tmp_path / "退回" / "名册_错误.xlsx")
    sheet = load_workbook(out)["人员名册"]
    assert sheet["A1"].value == "红寺堡区行政执法人员名册" and "A1:O1" in sheet.merged_cells
    assert (sheet["E3"].value, sheet["K4"].value, sheet["P4"].value) == ("身份证号码", "执法证号", "错误说明")
    assert "E3:E4" in sheet.merged_cells
    bad = sheet["E6"]
    assert bad.fill.fgColor.rgb.endswith("FFC7CE") and "被存成了数字" in bad.comment.text
    assert sheet["B8"].fill.fgColor.rgb.endswith("FFC7CE") and "红寺堡区档案局" in sheet["B8"].comment.text
    assert sheet["P8"].value.startswith("第 8 行 B 列（执法主体）：") and "第 8 行 E 列（身份证号码）" in sheet["P8"].value
    assert sheet["P5"].value is None and sheet["E5"].comment is None
    assert sheet["C7"].value == "王  五" and sheet["M7"].value == dt.datetime(2029, 5, 31)  # as the unit wrote it


# ------------------------------------------------------------------------------------------ volume


def test_two_thousand_rows_import_in_one_batch(units, tmp_path):
    rows = []
    for i in range(2000):
        number = ident("320102", f"19{70 + i % 30}0{1 + i % 9}1{i % 9}", f"{i % 1000:03d}")
        name = "张" + chr(0x4E00 + i % 400) + chr(0x4E00 + i // 400)
        rows.append([i + 1, ["司法局", "教育局", "卫健局"][i % 3], name, number, f"139{i:08d}", "科员",
                     f"T{i:06d}", "2024-06-01", "2029-05-31"])
    path = write_roster(tmp_path / "大名册.xlsx", [(4 + i, r) for i, r in enumerate(rows)], header=[CLEAN_HEADER],
                        merges=(), first_sheet_note=False)
    entries = AuditLog.select().count()
    preview = load_roster_file(path)
    validate(preview)
    assert preview.counts() == {"新增": len(rows), "更新": 0, "无变化": 0, "错误": 0}
    summary = commit_roster(preview)
    assert (summary.added, summary.cards_added) == (len(rows), len(rows))
    assert (Officer.select().count(), Certificate.select().count(), CertificateEvent.select().count(),
            OfficerChange.select().count(), AuditLog.select().count()) == (
        len(rows), len(rows), len(rows), len(rows), entries + 1)
    last = rows[-1]
    officer = Officer.get(Officer.id_number == last[3])
    assert (officer.name, officer.phone, officer.unit_id) == (last[2], last[4], units[last[1]])


# ------------------------------------------------------------------------------------------ command line


@pytest.fixture
def roster_db(tmp_path) -> Path:
    """A closed database with the units (the command line opens it itself)."""
    from desktop_app.core.session import open_session

    path = tmp_path / "台账.sqlite"
    opened = open_session(path)
    try:
        set_settings({"county_name": "红寺堡区"})
        create_unit(UnitInput("红寺堡区司法局", "justice", "司法局"))
        create_unit(UnitInput("红寺堡区教育局", "enforcement", "教育局"))
        create_unit(UnitInput("红寺堡区卫生健康局", "enforcement", "卫生健康局", aliases=["卫健局"]))
    finally:
        opened.close()
    return path


def test_cli_dry_run_json_lists_every_row(roster_db, run_app, counts, tmp_path):
    path = write_roster(tmp_path / "名册.xlsx", MESSY_ROWS)
    before = counts(roster_db)
    result = run_app("import-personnel", path, "--db", roster_db, "--dry-run", "--json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert (report["sheet"], report["counts"]) == ("人员名册", {"新增": 4, "更新": 0, "无变化": 0, "错误": 5})
    rows = {r["row"]: r for r in report["rows"]}
    assert sorted(rows) == [5, 6, 7, 8, 9, 10, 11, 12, 13]
    assert rows[5]["result"] == "新增" and rows[5]["errors"] == []
    assert rows[9]["errors"] == [{"column": "E", "header": "身份证号码",
                                  "message": f"身份证号码 {ZHANG} 与第 5 行重复。"}]
    assert [e["column"] for e in rows[8]["errors"]] == ["B", "E"]
    assert counts(roster_db) == before


def test_cli_refuses_a_file_with_errors_and_skip_invalid_imports_the_rest(roster_db, run_app, counts, tmp_path):
    path = write_roster(tmp_path / "名册.xlsx", MESSY_ROWS)
    before = counts(roster_db)
    refused = run_app("import-personnel", path, "--db", roster_db)
    assert refused.returncode == 1
    assert "第 10 行 L 列（发证日期）：有证号时须填写发证日期。" in refused.stdout
    assert "未写入任何数据" in refused.stdout
    assert counts(roster_db) == before
    done = run_app("import-personnel", path, "--db", roster_db, "--skip-invalid")
    assert done.returncode == 0, done.stderr
    assert "已导入：新增 4 人" in done.stdout and "跳过有错误的 5 行" in done.stdout
    after = counts(roster_db)
    assert (after["officer"], after["certificate"], after["audit_log"]) == (4, 4, before["audit_log"] + 1)


def test_cli_imports_a_clean_file_and_reports_bad_files(roster_db, run_app, counts, tmp_path):
    path = clean_roster(tmp_path / "名册.xlsx", [["司法局", "张三", ZHANG, "13911112222", "科员"]])
    result = run_app("import-personnel", path, "--db", roster_db, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["rows"][0]["result"] == "新增"
    assert counts(roster_db)["officer"] == 1
    again = run_app("import-personnel", path, "--db", roster_db, "--dry-run", "--json")
    assert json.loads(again.stdout)["rows"][0]["result"] == "无变化"
    old = run_app("import-personnel", BAD_INPUTS / "wps.et", "--db", roster_db)
    assert old.returncode == 2 and "旧版 Excel/WPS 表格（.xls/.et）" in old.stderr
