"""任务进展台账.xlsx as the office sends it upward: a title merged over the table, the header, one row
per task × unit in the board's order with its status coloured, frozen header, autofilter, printed on A4
landscape fitted to the width with the header on every page; the same file from the command line; and a
target file held open in Excel/WPS left as it was, with 文件被占用 said."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop_app.core import obligations as ob
from desktop_app.core.errors import AppError
from desktop_app.core.models import Assignment, Plan
from desktop_app.core.task_board import load_assignments
from desktop_app.core.task_export import export_tasks_xlsx

DAY = dt.date(2026, 11, 21)
HEADERS = ["序号", "任务", "单位", "角色", "时限", "状态", "最近进展", "日期"]


@pytest.fixture
def demo_day(session, monkeypatch):
    """The demo county up to its task list, as of DAY (the personnel step is not needed here)."""
    from desktop_app.core import demo

    monkeypatch.setattr(demo, "DEMO_STEPS", [s for s in demo.DEMO_STEPS if s[0] != "执法人员与证件"])
    demo.populate_demo(today=DAY)
    return session


@pytest.fixture
def closed_demo(tmp_path) -> Path:
    """A demo database file with no session open in this process (for the command line)."""
    from desktop_app.core.demo import populate_demo
    from desktop_app.core.session import open_session

    path = tmp_path / "台账" / "demo.sqlite"
    session = open_session(path)
    try:
        populate_demo()
    finally:
        session.close()
    return path


def values(path: Path) -> list[list]:
    sheet = load_workbook(path).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def fill_of(cell) -> str:
    assert cell.fill.fill_type == "solid", cell.coordinate
    return cell.fill.fgColor.rgb[-6:].upper()


def test_layout_of_the_ledger(demo_day, tmp_path):
    rows = load_assignments(today=DAY)
    path = export_tasks_xlsx(tmp_path / "任务进展台账.xlsx", today=DAY)
    assert path == tmp_path / "任务进展台账.xlsx" and path.is_file()
    book = load_workbook(path)
    sheet = book.active
    assert sheet.title == "任务进展台账"
    title = sheet["A1"].value
    assert "任务进展台账" in title and "2026年11月21日" in title and "红寺堡区司法局" in title
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:H1"]
    assert sheet["A1"].font.sz == 16
    assert [c.value for c in sheet[2]] == HEADERS
    assert all(c.font.b for c in sheet[2])
    assert sheet.max_row == len(rows) + 2 == Assignment.select().count() + 2
    assert sheet.max_column == 8
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == f"A2:H{len(rows) + 2}"
    assert sheet.print_title_rows == "$2:$2"
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and int(setup.paperSize) == 9  # A4
    assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.column_dimensions["B"].width >= 40  # the task text gets room, and wraps
    assert sheet["B3"].alignment.wrap_text


def test_one_row_per_assignment_in_board_order(demo_day, tmp_path):
    rows = load_assignments(today=DAY)
    path = export_tasks_xlsx(tmp_path / "台账.xlsx", today=DAY)
    table = values(path)[2:]
    assert len(table) == len(rows)
    for line, row in zip(table, rows):
        number, content, unit, role, deadline, status, report, day = line
        expected_number = int(row.number) if row.number.isdigit() else row.number  # numeric, so it sorts
        assert (number, content, unit, role, status) == (expected_number, row.content, row.unit_name, row.role,
                                                         row.status.label)
        assert deadline == (row.deadline_text or "—")
        assert (report or "") == row.last_report
        assert (day.date() if day else None) == row.last_date
    assert {line[0] for line in table} == set(range(1, 44))
    assert {line[3] for line in table} == {"牵头", "责任", "配合"}


def test_status_cells_are_coloured(demo_day, tmp_path):
    path = export_tasks_xlsx(tmp_path / "台账.xlsx", today=DAY)
    sheet = load_workbook(path).active
    colour: dict[str, set[str]] = {}
    for row in range(3, sheet.max_row + 1):
        cell = sheet.cell(row, 6)
        colour.setdefault(cell.value, set()).add(fill_of(cell))
    assert {ob.OVERDUE, ob.DONE, ob.OK, ob.UNREPORTED} <= set(colour)
    assert all(len(found) == 1 for found in colour.values()), colour  # one colour per status
    assert colour[ob.OVERDUE] != colour[ob.DONE]
    assert colour[ob.OVERDUE] == {"F8D7DA"}  # red for late
    assert len({next(iter(c)) for c in colour.values()}) == len(colour)  # every status its own colour


def test_one_plan_only(demo_day, tmp_path):
    plan = Plan.get()
    path = export_tasks_xlsx(tmp_path / "台账.xlsx", plan_id=plan.id, today=DAY)
    sheet = load_workbook(path).active
    assert sheet["A1"].value.startswith("红寺堡区司法局 " + plan.title + "进展台账")
    assert sheet.max_row == len(load_assignments(plan.id, DAY)) + 2


def test_command_line_export_writes_the_same(closed_demo, tmp_path, run_app):
    from desktop_app.core.session import open_session

    cli_out = tmp_path / "导出" / "任务进展台账.xlsx"
    result = run_app("export", "tasks", "--db", closed_demo, "--out", cli_out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "已导出" in result.stdout and cli_out.is_file()
    session = open_session(closed_demo)
    try:
        mine = export_tasks_xlsx(tmp_path / "本机.xlsx")
        assignments = Assignment.select().count()
    finally:
        session.close()
    assert values(cli_out) == values(mine)
    sheet = load_workbook(cli_out).active
    assert sheet.max_row == assignments + 2 and [c.value for c in sheet[2]] == HEADERS
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref == f"A2:H{assignments + 2}"
    assert sheet.page_setup.orientation == "landscape"


def _refuse_replace(monkeypatch):
    def refuse(src, dst, *args, **kwargs):
        raise PermissionError(13, "The process cannot access the file because it is being used by another "
                                  "process", str(dst))

    monkeypatch.setattr(os, "replace", refuse)


def test_a_ledger_open_in_excel_is_left_as_it_was(demo_day, tmp_path, monkeypatch):
    target = tmp_path / "任务进展台账.xlsx"
    target.write_bytes(b"the ledger the clerk has open")
    _refuse_replace(monkeypatch)
    with pytest.raises(AppError) as excinfo:
        export_tasks_xlsx(target, today=DAY)
    assert "文件被占用" in str(excinfo.value) and "任务进展台账.xlsx" in str(excinfo.value)
    assert target.read_bytes() == b"the ledger the clerk has open"
    leftovers = [p.name for p in tmp_path.iterdir() if ".part" in p.name or p.suffix == ".xlsx"]
    assert leftovers == ["任务进展台账.xlsx"]  # no half-written temporary file left beside it


def test_command_line_export_over_an_open_file_says_so(closed_demo, tmp_path, monkeypatch, capsys):
    from desktop_app.__main__ import main

    target = tmp_path / "任务进展台账.xlsx"
    target.write_bytes(b"old ledger")
    _refuse_replace(monkeypatch)
    code = main(["export", "tasks", "--db", str(closed_demo), "--out", str(target)])
    captured = capsys.readouterr()
    assert code != 0
    assert captured.err.startswith("错误：") and "文件被占用" in captured.err
    assert "Traceback" not in captured.err and "已导出" not in captured.out
    assert target.read_bytes() == b"old ledger"
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".part")]
