"""上报数据_<单位>_<年度>.xlsx (upward_export.py) on the demo county: the six sheets in order with the same
headers as the separate exports, the 说明 sheet's facts and row counts agreeing with the sheets and with the
core, 身份证号码 and 联系电话 masked unless asked, the statistics day (12-31 of a past year), one unit only,
cancelling leaving no file, and `python -m desktop_app export upward` with its refusals."""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop_app import APP_NAME, __version__
from desktop_app.core.errors import ValidationError
from desktop_app.core.id_card import mask_id_number, mask_phone
from desktop_app.core.jobs import Cancelled, JobControl
from desktop_app.core.personnel.export import LIST_HEADERS, STATS_HEADERS, unit_statistics
from desktop_app.core.personnel.roster import load_roster
from desktop_app.core.settings import set_settings
from desktop_app.core.task_board import load_assignments
from desktop_app.core.task_export import HEADERS as TASK_HEADERS
from desktop_app.core.training import ledger
from desktop_app.core.training.export import OFFICER_HEADERS, UNIT_HEADERS, officer_rows
from desktop_app.core.upward_export import (
    NOTE_HEADERS,
    default_upward_filename,
    export_upward_xlsx,
)

SHEETS = ["人员清单", "持证统计", "培训学时", "单位汇总", "任务进展", "说明"]
YEAR = dt.date.today().year - 1  # the demo county holds training in the last three years
DAY = dt.date(YEAR, 12, 31)
FULL_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
FULL_PHONE = re.compile(r"(?<!\d)1\d{10}(?!\d)")


def all_text(book) -> str:
    return "\n".join(str(value) for sheet in book for row in sheet.iter_rows(values_only=True)
                     for value in row if value is not None)


def data_rows(sheet) -> list[tuple]:
    """The table's rows under the header: not the title, the header or a merged 说明 line below."""
    merged = {r.min_row for r in sheet.merged_cells.ranges}
    return [row for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
            if number > 2 and number not in merged]


def note_facts(book) -> dict[str, tuple]:
    return {row[0]: row[1:] for row in data_rows(book["说明"])}


@pytest.fixture
def upward(demo_session, tmp_path):
    return export_upward_xlsx(tmp_path / "上报.xlsx", YEAR)


def test_six_sheets_in_order_with_the_ledger_headers(upward):
    book = load_workbook(upward)
    assert book.sheetnames == SHEETS
    headers = [LIST_HEADERS, STATS_HEADERS, OFFICER_HEADERS, UNIT_HEADERS, TASK_HEADERS, NOTE_HEADERS]
    for sheet, expected in zip(book, headers):
        assert [c.value for c in sheet[2]] == expected, sheet.title
        assert sheet.freeze_panes == "A3", sheet.title
        assert all(c.font.b for c in sheet[2]), sheet.title
        assert "红寺堡区司法局" in sheet["A1"].value, sheet.title
    assert f"截至{DAY.year}年12月31日" in book["人员清单"]["A1"].value
    assert f"截至{DAY.year}年12月31日" in book["任务进展"]["A1"].value
    assert f"{YEAR}年度" in book["培训学时"]["A1"].value


def test_note_states_the_facts_and_true_row_counts(upward):
    book = load_workbook(upward)
    facts = note_facts(book)
    assert facts["单位"][0] == "红寺堡区司法局"
    assert facts["年度"][0] == f"{YEAR}年度"
    assert facts["统计截至日期"][0] == f"{YEAR}年12月31日"
    assert facts["生成软件"][0] == f"{APP_NAME} {__version__}"
    made = dt.datetime.strptime(facts["生成时间"][0], "%Y-%m-%d %H:%M:%S")
    assert abs((dt.datetime.now() - made).total_seconds()) < 120
    assert facts["身份证号码、联系电话"][0].startswith("已脱敏")
    counts = {name: facts[f"工作表“{name}”"][1] for name in SHEETS[:-1]}
    assert counts == {name: len(data_rows(book[name])) for name in SHEETS[:-1]}
    # … and they are the core's own figures as of 12-31, not just whatever the writer happened to write
    roster = load_roster(DAY)
    start, end = ledger.year_range(YEAR)
    assert counts["人员清单"] == len(roster) > 500
    assert counts["持证统计"] == len(unit_statistics(roster)[0]) + 1  # and the 合计 line
    assert counts["培训学时"] == len(officer_rows(start, end)) > 0
    assert counts["单位汇总"] == len(ledger.unit_summaries(start, end)) + 1
    assert counts["任务进展"] == len(load_assignments(None, DAY)) > 0
    assert data_rows(book["持证统计"])[-1][1] == "合计" and data_rows(book["单位汇总"])[-1][1] == "合计"


def test_id_numbers_and_phones_masked_unless_asked(demo_session, tmp_path):
    someone = next(r for r in load_roster(DAY) if FULL_PHONE.fullmatch(r.phone or ""))  # a mobile number
    masked = load_workbook(export_upward_xlsx(tmp_path / "脱敏.xlsx", YEAR))
    text = all_text(masked)
    assert not FULL_ID.search(text) and not FULL_PHONE.search(text)
    people = {row[2]: row for row in data_rows(masked["人员清单"]) if row[6] == mask_id_number(someone.id_number)}
    assert people[someone.name][21] == mask_phone(someone.phone) == f"{someone.phone[:3]}****{someone.phone[-4:]}"
    assert any(row[3] == mask_id_number(someone.id_number) for row in data_rows(masked["培训学时"]))

    full = load_workbook(export_upward_xlsx(tmp_path / "完整.xlsx", YEAR, unmasked=True))
    text = all_text(full)
    assert someone.id_number in text and someone.phone in text
    assert len(set(FULL_ID.findall(text))) >= len(data_rows(full["人员清单"])) * 0.9
    assert note_facts(full)["身份证号码、联系电话"][0].startswith("未脱敏")
    assert "不得公开" in full["人员清单"]["A1"].value


def test_the_current_year_is_as_of_today_and_a_later_year_is_refused(demo_session, tmp_path):
    today = dt.date.today()
    book = load_workbook(export_upward_xlsx(tmp_path / "今年.xlsx", today.year))
    assert note_facts(book)["统计截至日期"][0] == f"{today.year}年{today.month}月{today.day}日"
    assert len(data_rows(book["人员清单"])) == len(load_roster(today))
    chosen = load_workbook(export_upward_xlsx(tmp_path / "指定.xlsx", YEAR, today=dt.date(YEAR, 6, 30)))
    assert note_facts(chosen)["统计截至日期"][0] == f"{YEAR}年6月30日"
    for bad in (today.year + 1, 1066):
        with pytest.raises(ValidationError, match="统计年度"):
            export_upward_xlsx(tmp_path / "x.xlsx", bad)
    assert not (tmp_path / "x.xlsx").exists()


def test_one_unit_only_and_the_file_name(demo_session, tmp_path):
    roster = load_roster(DAY)
    unit_id, unit_name = roster[0].unit_id, roster[0].unit_name
    assert default_upward_filename(YEAR) == f"上报数据_红寺堡区司法局_{YEAR}.xlsx"
    assert default_upward_filename(YEAR, unit_id) == f"上报数据_{unit_name}_{YEAR}.xlsx"
    book = load_workbook(export_upward_xlsx(tmp_path / default_upward_filename(YEAR, unit_id), YEAR,
                                            unit_id=unit_id))
    people = data_rows(book["人员清单"])
    assert len(people) == sum(r.unit_id == unit_id for r in roster) > 0
    assert {row[1] for row in people} == {unit_name}
    assert {row[2] for row in data_rows(book["任务进展"])} == {unit_name}
    assert note_facts(book)["单位"][0] == unit_name
    set_settings({"bureau_name": "", "county_name": "红寺堡区"})
    assert default_upward_filename(YEAR) == f"上报数据_红寺堡区_{YEAR}.xlsx"
    set_settings({"county_name": ""})
    assert default_upward_filename(YEAR) == f"上报数据_本单位_{YEAR}.xlsx"
    set_settings({"bureau_name": "红寺堡区/司法局"})  # no folder separator in a file name
    assert default_upward_filename(YEAR) == f"上报数据_红寺堡区司法局_{YEAR}.xlsx"


def test_progress_in_chinese_and_cancelling_leaves_no_file(demo_session, tmp_path):
    seen: list[tuple[float, str]] = []
    export_upward_xlsx(tmp_path / "a.xlsx", YEAR, control=JobControl(lambda f, m: seen.append((f, m))))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert all(re.search(r"[\u4e00-\u9fff]", m) for _, m in seen)
    assert any("培训" in m for _, m in seen) and any("任务" in m for _, m in seen)

    target = tmp_path / "b.xlsx"
    control = JobControl(lambda f, m: control.cancel() if "任务" in m else None)
    with pytest.raises(Cancelled):
        export_upward_xlsx(target, YEAR, control=control)
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".xlsx" or ".part" in p.name] == ["a.xlsx"]


@pytest.fixture
def closed_demo(tmp_path, demo_template) -> Path:
    path = tmp_path / "台账" / "县.sqlite"
    path.parent.mkdir()
    shutil.copyfile(demo_template, path)
    return path


def test_command_line_into_a_folder(closed_demo, tmp_path, run_app):
    folder = tmp_path / "上报"
    folder.mkdir()
    result = run_app("export", "upward", "--db", closed_demo, "--year", YEAR, "--out", folder)
    assert result.returncode == 0, result.stdout + result.stderr
    made = folder / f"上报数据_红寺堡区司法局_{YEAR}.xlsx"
    assert f"已导出：{made}" in result.stdout and "妥善保管" not in result.stdout
    book = load_workbook(made)
    assert book.sheetnames == SHEETS
    assert not FULL_ID.search(all_text(book))
    help_text = run_app("export", "--help").stdout
    assert "upward" in help_text and "上报数据" in help_text


def test_command_line_unmasked_and_refusals(closed_demo, tmp_path, capsys):
    from desktop_app.__main__ import main

    full = tmp_path / "完整.xlsx"
    assert main(["export", "upward", "--year", str(YEAR), "--db", str(closed_demo), "--out", str(full),
                 "--unmasked"]) == 0
    assert "身份证号码和联系电话，请妥善保管" in capsys.readouterr().out
    assert FULL_ID.search(all_text(load_workbook(full)))

    out = tmp_path / "x.xlsx"
    refusals = {
        "no year": (["export", "upward", "--db", str(closed_demo), "--out", str(out)], "--year"),
        "date instead": (["export", "upward", "--year", str(YEAR), "--date", "2025-12-31", "--db", str(closed_demo),
                          "--out", str(out)], "--year"),
        "not xlsx": (["export", "upward", "--year", str(YEAR), "--db", str(closed_demo), "--out",
                      str(tmp_path / "x.docx")], ".xlsx"),
        "later year": (["export", "upward", "--year", str(dt.date.today().year + 1), "--db", str(closed_demo),
                        "--out", str(out)], "统计年度"),
        "missing database": (["export", "upward", "--year", str(YEAR), "--db", str(tmp_path / "没有.sqlite"),
                              "--out", str(out)], "不存在"),
        "year for tasks": (["export", "tasks", "--year", str(YEAR), "--db", str(closed_demo), "--out", str(out)],
                           "--year"),
    }
    for label, (argv, word) in refusals.items():
        code = main(argv)
        err = capsys.readouterr().err
        assert code == 2, label
        assert err.startswith("错误：") and word in err and "Traceback" not in err, (label, err)
    with pytest.raises(SystemExit) as exit_info:  # argparse: not a choice
        main(["export", "upword", "--year", str(YEAR), "--db", str(closed_demo), "--out", str(out)])
    assert exit_info.value.code == 2
    assert "无效的选项" in capsys.readouterr().err
    assert not out.exists() and not (tmp_path / "x.docx").exists()
