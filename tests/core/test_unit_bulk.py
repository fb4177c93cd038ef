"""Bulk-adding units from a pasted list or an .xlsx: preview first, then all or nothing."""
from __future__ import annotations

import pytest

from desktop_app.core.errors import AppError
from desktop_app.core.models import Unit, UnitGroup
from desktop_app.core.unit_bulk import commit_preview, preview_from_text, preview_from_xlsx
from desktop_app.core.unit_groups import explicit_member_ids

GOOD_CODE = "12640303456789126L"
BAD_CODE = "12640303456789126M"  # last character wrong

PASTED = "\n".join([
    "单位名称\t类别\t简称\t统一社会信用代码\t别名\t所属分组",
    "红寺堡区档案局\t\t档案局\t\t\t各行业主管部门",
    "红寺堡区南川乡人民政府",
    "红寺堡区融媒体中心\t其他\t融媒体中心\t" + BAD_CODE,
    "",
    "红寺堡区档案局 ",  # the same unit again (pasted twice)
    "司法局",  # already in the register (by its short name)
    "红寺堡区教育局\t行政执法部门",  # already in the register (by its full name)
    "红寺堡区城市管理大队\t部门\t城管大队\t" + GOOD_CODE.lower() + "\t城管队、城管",
])


def by_name(preview):
    return {row.data.name: row for row in preview.rows}


def unit_count() -> int:
    return Unit.select().count()


def test_pasted_list_preview(demo_session):
    preview = preview_from_text(PASTED)
    rows = preview.rows
    assert [r.line for r in rows] == [2, 3, 4, 6, 7, 8, 9]  # header and blank line skipped
    assert "单位名称" not in by_name(preview)
    archive, township, media, duplicate, bureau, education, city = rows
    assert (archive.data.kind, archive.data.short_name, archive.groups) == ("enforcement", "档案局",
                                                                            ["各行业主管部门"])
    assert township.ok
    assert media.data.kind == "other"
    assert len(media.errors) == 1 and "第 4 行" in media.errors[0] and "统一社会信用代码" in media.errors[0]
    assert "第 2 行" in duplicate.skip_reason and not duplicate.errors
    assert bureau.skip_reason and "红寺堡区司法局" in bureau.skip_reason
    assert education.skip_reason
    assert (city.data.kind, city.data.credit_code, city.data.aliases) == ("enforcement", GOOD_CODE,
                                                                         ["城管队", "城管"])
    assert (preview.new_count, preview.error_count) == (3, 1)


@pytest.mark.parametrize("name, kind", [
    ("红寺堡区南川乡人民政府", "township"),
    ("红寺堡区太阳山镇人民政府", "township"),
    ("红寺堡区新民街道办事处", "township"),
    ("吴忠市红寺堡区人民政府", "government"),
    ("红寺堡区司法局", "justice"),
    ("红寺堡区档案局", "enforcement"),
    ("红寺堡区城市管理综合执法大队", "enforcement"),
    ("红寺堡区融媒体中心", "other"),
], ids=["township-xiang", "township-zhen", "township-jiedao", "government", "justice", "enforcement-ju",
        "enforcement-dadui", "other"])
def test_kind_guessed_from_the_name(session, name, kind):
    assert preview_from_text(name).rows[0].data.kind == kind


def test_commit_with_errors_writes_nothing(demo_session):
    preview = preview_from_text(PASTED)
    before = unit_count()
    with pytest.raises(AppError) as excinfo:
        commit_preview(preview)
    assert "1 行" in str(excinfo.value)
    assert unit_count() == before
    assert not Unit.select().where(Unit.name == "红寺堡区档案局").exists()


def test_commit_skipping_invalid_adds_only_the_good_rows(demo_session):
    before = unit_count()
    assert commit_preview(preview_from_text(PASTED), skip_invalid=True) == 3
    assert unit_count() == before + 3
    added = {u.name: u for u in Unit.select().where(Unit.id > before)}
    assert set(added) == {"红寺堡区档案局", "红寺堡区南川乡人民政府", "红寺堡区城市管理大队"}
    assert added["红寺堡区城市管理大队"].credit_code == GOOD_CODE
    regulators = UnitGroup.get(UnitGroup.name == "各行业主管部门")
    assert added["红寺堡区档案局"].id in explicit_member_ids(regulators.id)
    assert Unit.select().where(Unit.name == "红寺堡区司法局").count() == 1


def test_unknown_group_is_an_error(demo_session):
    preview = preview_from_text("红寺堡区档案局\t\t\t\t\t不存在的分组")
    assert preview.error_count == 1 and "不存在的分组" in preview.rows[0].errors[0]


def test_credit_code_already_in_the_register_is_caught_in_the_preview(demo_session):
    """A renamed unit pasted with its old code: the preview must say so, not the commit afterwards."""
    taken = Unit.get(Unit.name == "红寺堡区审计局").credit_code
    preview = preview_from_text(f"红寺堡区档案局\n红寺堡区审计监督局\t\t\t{taken}")
    clash = preview.rows[1]
    assert not clash.ok, "the preview shows the row as fine"
    assert taken in " ".join(clash.errors) + clash.skip_reason
    before = unit_count()
    assert commit_preview(preview, skip_invalid=True) == 1
    assert unit_count() == before + 1


def _write_sheet(path, rows, merge_title=True):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge_title:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[1]))
    workbook.save(path)


def test_xlsx_with_title_row_and_columns_in_another_order(demo_session, tmp_path):
    path = tmp_path / "新增单位.xlsx"
    _write_sheet(path, [
        ["红寺堡区新增执法单位名单（2025年）"],
        ["统一社会信用代码", "简称", "单位名称", "备注", "类别"],
        [None, "档案局", "红寺堡区档案局", "新设", None],
        [GOOD_CODE, "城管大队", "红寺堡区城市管理大队", None, "行政执法部门"],
        [BAD_CODE, None, "红寺堡区融媒体中心", None, "其他"],
        [None, None, None, None, None],
        [None, None, "司法局", None, None],
    ])
    preview = preview_from_xlsx(path)
    rows = by_name(preview)
    assert list(rows) == ["红寺堡区档案局", "红寺堡区城市管理大队", "红寺堡区融媒体中心", "司法局"]
    assert [r.line for r in preview.rows] == [3, 4, 5, 7]  # Excel's own row numbers
    assert rows["红寺堡区档案局"].data.short_name == "档案局"
    assert rows["红寺堡区城市管理大队"].data.credit_code == GOOD_CODE
    assert rows["红寺堡区城市管理大队"].data.kind == "enforcement"
    message = rows["红寺堡区融媒体中心"].errors[0]
    assert "新增单位.xlsx" in message and "第 5 行 A 列" in message
    assert rows["司法局"].skip_reason
    before = unit_count()
    assert commit_preview(preview, skip_invalid=True) == 2
    assert unit_count() == before + 2


def test_xlsx_without_a_name_column(session, tmp_path):
    path = tmp_path / "名单.xlsx"
    _write_sheet(path, [["说明"], ["序号", "负责人"], ["1", "张三"]])
    with pytest.raises(AppError) as excinfo:
        preview_from_xlsx(path)
    assert "名单.xlsx" in str(excinfo.value) and "单位名称" in str(excinfo.value)


def test_old_xls_format_gets_a_save_as_hint(session, tmp_path):
    path = tmp_path / "单位名单.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)  # an OLE2 header
    with pytest.raises(AppError) as excinfo:
        preview_from_xlsx(path)
    message = str(excinfo.value)
    assert "单位名单.xls" in message and "另存为" in message and ".xlsx" in message


def test_text_file_renamed_to_xlsx(session, tmp_path):
    path = tmp_path / "单位名单.xlsx"
    path.write_text("单位名称\n红寺堡区档案局\n", encoding="utf-8")
    with pytest.raises(AppError) as excinfo:
        preview_from_xlsx(path)
    message = str(excinfo.value)
    assert "单位名单.xlsx" in message and "不是有效的" in message
    assert type(excinfo.value) is AppError


def test_damaged_xlsx_is_an_app_error(session, tmp_path):
    import zipfile

    path = tmp_path / "损坏.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "不是工作簿")
    with pytest.raises(AppError) as excinfo:
        preview_from_xlsx(path)
    assert "损坏.xlsx" in str(excinfo.value)
