"""上报数据工作簿 at prefecture scale against openpyxl writing the same cells (issue 7 budget: ≤ 1.2 ×).

    python -m benchmarks.upward [--runs N] [--scale prefecture|county]

Builds a temporary database with benchmarks.scale_data (20,000 officers with their cards and history, three
years of training, 200 tasks × 60 units with progress), then times — median of N runs after a warm-up —
`export_upward_xlsx` for last year (reading the database, the six sheets in the ledger look, the atomic
save) against a raw openpyxl `Workbook(write_only=True)` appending the very same cell values to the same six
sheets (no styles, widths, merges or row heights). The values are collected beforehand with the same core
functions the export calls (roster, unit statistics, training ledger, task board); only the raw write and
save are timed. `measure(db_path, runs)` is what benchmarks.runner calls.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

RATIO_BUDGET = 1.2


def collect_values(year: int, unmasked: bool = False) -> dict[str, list[list]]:
    """Every row of every sheet (title, header, data, notes) as the export writes it, per sheet name."""
    from desktop_app.core.personnel import export as pe
    from desktop_app.core.personnel.roster import load_roster
    from desktop_app.core.reports.catalog import statistics_day
    from desktop_app.core.task_board import load_assignments
    from desktop_app.core.task_export import HEADERS as TASK_HEADERS
    from desktop_app.core.task_export import task_values
    from desktop_app.core.training import export as te
    from desktop_app.core.training import ledger
    from desktop_app.core.upward_export import NOTE_HEADERS, SHEETS

    day = statistics_day(year)
    roster = load_roster(day)
    lines, total = pe.unit_statistics(roster)
    start, end = te.resolve_period(year)
    officers = te.officer_rows(start, end)
    units = ledger.unit_summaries(start, end)
    tasks = load_assignments(None, day, reports_until=day)
    note = "说明：" + "长" * 80
    people = [pe.list_values(i, row, unmasked) for i, row in enumerate(roster, start=1)]
    stats = [pe._stats_values(i, s) for i, s in enumerate(lines, start=1)] + [pe._stats_values("", total)]
    hours = [te.officer_values(i, row, unmasked) for i, row in enumerate(officers, start=1)]
    summary = [[i, u.unit_name, u.officers, u.rotated, u.rotated / u.officers if u.officers else "—",
                round(u.average_hours, 2), u.reaching, u.reaching / u.officers if u.officers else "—", len(u.short),
                u.mental_health_sessions] for i, u in enumerate(units, start=1)]
    summary.append(["", "合计", 0, 0, 0.0, 0.0, 0, 0.0, 0, "0/60 个单位已开展"])
    progress = [task_values(row) for row in tasks]
    facts = [["单位", "某某司法局", None], ["年度", f"{year}年度", None], ["统计截至日期", str(day), None],
             ["生成时间", "2026-01-01 00:00:00", None], ["生成软件", "执法质量台账", None], ["身份证号码", "已脱敏", None]]
    facts += [[f"工作表“{name}”", "内容", 0] for name in SHEETS[:-1]]
    bodies = {SHEETS[0]: (pe.LIST_HEADERS, people), SHEETS[1]: (pe.STATS_HEADERS, stats),
              SHEETS[2]: (te.OFFICER_HEADERS, hours), SHEETS[3]: (te.UNIT_HEADERS, summary),
              SHEETS[4]: (TASK_HEADERS, progress), SHEETS[5]: (NOTE_HEADERS, facts)}
    return {name: [["标题"], list(headers), *rows, [note]] for name, (headers, rows) in bodies.items()}


def write_raw(path: Path, sheets: dict[str, list[list]]) -> None:
    """openpyxl's write-only mode with nothing but the values."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)


def interleaved(first, second, runs: int) -> tuple[list[float], list[float]]:
    """Wall times of `runs` calls of each after one warm-up call of each, taken in turn (a busy machine
    slows both alike rather than whichever happened to run then)."""
    first(), second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for fn, into in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            fn()
            into.append(time.perf_counter() - start)
    return times


def measure(db_path: Path, runs: int = 5) -> dict:
    """Median seconds of the upward export and of the raw write of the same cells (after a warm-up each),
    their ratio and the raw samples. Opens (and closes) the database itself."""
    from desktop_app.core.session import open_session
    from desktop_app.core.upward_export import export_upward_xlsx

    year = dt.date.today().year - 1
    session = open_session(Path(db_path))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            values = collect_values(year)
            app, raw = interleaved(lambda: export_upward_xlsx(out / "upward.xlsx", year),
                                   lambda: write_raw(out / "raw.xlsx", values), runs)
            size_app = (out / "upward.xlsx").stat().st_size
            size_raw = (out / "raw.xlsx").stat().st_size
    finally:
        session.close()
    app_median, raw_median = statistics.median(app), statistics.median(raw)
    cells = sum(len(row) for rows in values.values() for row in rows)
    return {"median_s": app_median, "reference_median_s": raw_median, "ratio": app_median / raw_median,
            "samples_s": app, "reference_samples_s": raw, "budget_ratio": RATIO_BUDGET, "year": year,
            "rows": {name: len(rows) for name, rows in values.items()}, "cells": cells,
            "bytes": size_app, "reference_bytes": size_raw}


def main(argv: list[str] | None = None) -> int:
    from benchmarks import scale_data

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", choices=sorted(scale_data.SCALES), default="prefecture")
    parser.add_argument("--gate", action="store_true", help="exit 1 when the ratio is over the budget")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DESKTOP_APP_DATA_DIR"] = tmp
        path = Path(tmp) / "bench.sqlite"
        scale = scale_data.SCALES[args.scale]
        start = time.perf_counter()
        counts = scale_data.build(path, scale)
        print(f"生成数据（{scale.label}）：{counts['officers']} 名执法人员，{counts['attendance']} 条参训记录，"
              f"{counts['assignments']} 条任务分工，用时 {time.perf_counter() - start:.1f} s")
        result = measure(path, args.runs)
    ok = result["ratio"] <= RATIO_BUDGET
    print(f"\n  各工作表行数：{result['rows']}，共 {result['cells']:,} 个单元格")
    print(f"  {'上报工作簿（export_upward_xlsx，含读库）':<30} {result['median_s']:8.3f} s   {result['bytes']:,} 字节")
    print(f"  {'参照：openpyxl 只写模式写相同单元格':<30} {result['reference_median_s']:8.3f} s   "
          f"{result['reference_bytes']:,} 字节")
    print(f"  比值 {result['ratio']:.2f}×   预算 ≤ {RATIO_BUDGET}×   {'PASS' if ok else 'FAIL'}"
          f"   （中位数，{args.runs} 次，另有 1 次预热）")
    return 1 if args.gate and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
