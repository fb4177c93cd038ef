"""`python -m desktop_app [command]`: with no command the GUI opens; with one, the same core runs
headless (for scripts, scheduled tasks and support over the phone)."""
from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

from desktop_app import APP_NAME, __version__

# argparse's own words, in Chinese; swapped in only while our parser runs (pytest uses argparse too)
_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项：%(value)r（可选：%(choices)s）",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "expected one argument": "需要一个参数值",
    "show program's version number and exit": "显示版本号并退出",
}


@contextlib.contextmanager
def _chinese_argparse() -> Iterator[None]:
    original = argparse._
    argparse._ = lambda text: _ZH.get(text, original(text))
    try:
        yield
    finally:
        argparse._ = original


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m desktop_app",
        description=f"{APP_NAME} {__version__}：不带命令时打开图形界面；带命令时在命令行中执行同样的工作。")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}",
                        help="显示版本号并退出")
    parser.add_argument("--db", type=Path, metavar="路径", help="使用指定的数据库文件（默认在用户数据目录中）")
    parser.add_argument("--demo", action="store_true", help="打开演示数据库（不存在时自动生成）")
    parser.add_argument("--quit-after-shown", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--smoke-test", action="store_true",
                        help="自检：在临时文件夹中生成演示数据库、导出 Excel 台账和 Word 文档并打开主窗口，"
                             "然后退出（正常时退出码为 0；不使用也不改动本机的数据）")
    commands = parser.add_subparsers(dest="command", title="命令（省略时打开图形界面）")

    demo = commands.add_parser("demo", help="生成演示数据库", description="在指定位置生成一个演示县的数据库。")
    demo.add_argument("--db", type=Path, metavar="路径", required=True, help="新数据库文件的路径（不能已有数据）")
    demo.add_argument("--seed", type=int, default=None, help="随机种子（相同种子生成相同数据）")

    check = commands.add_parser("check", help="检查数据库", description="完整性检查、数据结构版本和各表行数；"
                                "正常时退出码为 0，发现问题时为 1。")
    check.add_argument("--db", type=Path, metavar="路径", required=True, help="要检查的数据库文件")
    backup = commands.add_parser("backup", help="备份数据库", description="把数据库和附件完整备份为一个 .zip"
                                 "（含清单和 SHA-256 校验值），可备份到任意文件夹，如 U 盘。")
    backup.add_argument("--db", type=Path, metavar="路径", required=True, help="要备份的数据库文件")
    backup.add_argument("--to", type=Path, metavar="文件夹", required=True, help="备份文件存放的文件夹")

    restore = commands.add_parser("restore", help="从备份恢复", description="校验备份后恢复到指定数据库；"
                                  "恢复前会先把当前数据另存一份备份。")
    restore.add_argument("file", type=Path, metavar="备份文件", help="要恢复的备份（.zip）")
    restore.add_argument("--db", type=Path, metavar="路径", required=True, help="恢复到的数据库文件")
    tasks = commands.add_parser("import-tasks", help="导入任务清单", description="从 .docx/.txt/.xlsx 导入任务分工"
                                "方案。--dry-run 只解析不写入；--json 输出一个 JSON 对象。")
    tasks.add_argument("file", type=Path, metavar="文件", help="任务清单文件（.docx、.txt 或 .xlsx）")
    tasks.add_argument("--db", type=Path, metavar="路径", required=True, help="数据库文件")
    tasks.add_argument("--dry-run", action="store_true", help="只解析和核对，不写入数据库")
    tasks.add_argument("--json", action="store_true", help="以 JSON 输出解析结果（配合 --dry-run）")
    tasks.add_argument("--create-missing-units", action="store_true",
                       help="登记册中没有的单位名称自动新建为单位（否则有未对应的名称时不导入）")
    tasks.add_argument("--title", metavar="名称", help="任务清单名称（默认取文件标题）")
    tasks.add_argument("--issued", metavar="日期", help="印发日期，如 2023-12-15（每年的任务从此后第一个时限算起）")

    people = commands.add_parser(
        "import-personnel", help="导入执法人员名册", description="从 .xlsx 导入执法人员名册（身份证号已登记的人员"
        "更新，其余新增；有证号的同时登记证件）。任何一行有错误时不写入，退出码为 1；--skip-invalid 只导入没有错误"
        "的行。--dry-run 只核对不写入（有错误时退出码同样为 1）；--json 输出一个 JSON 对象，逐行列出结果和错误。")
    people.add_argument("file", type=Path, metavar="文件", help="人员名册（.xlsx）")
    people.add_argument("--db", type=Path, metavar="路径", required=True, help="数据库文件")
    people.add_argument("--dry-run", action="store_true", help="只核对，不写入数据库")
    people.add_argument("--json", action="store_true", help="以 JSON 输出核对结果")
    people.add_argument("--skip-invalid", action="store_true", help="跳过有错误的行，只导入其余各行")

    training = commands.add_parser(
        "import-training", help="导入培训签到表或学习平台记录", description="从 .xlsx 导入培训签到表（按身份证号、"
        "证号或姓名+单位对应人员）或学习平台导出的学习记录（每门课程、每个完成日期建立一次培训，重复导入不会重复"
        "记录）。任何一行有错误、或姓名无法确定是哪一位（同名、未登记）时不写入，退出码为 1，--json 中列出候选人员；"
        "--skip-invalid 只导入其余各行。--dry-run 只核对不写入。")
    training.add_argument("file", type=Path, metavar="文件", help="签到表或学习平台导出（.xlsx）")
    training.add_argument("--db", type=Path, metavar="路径", required=True, help="数据库文件")
    training.add_argument("--session", type=int, metavar="编号",
                          help="签到表所属的培训（已登记培训的编号）；不指定时按表中“培训名称”“开始日期”等列")
    training.add_argument("--dry-run", action="store_true", help="只核对，不写入数据库")
    training.add_argument("--json", action="store_true", help="以 JSON 输出核对结果")
    training.add_argument("--skip-invalid", action="store_true", help="跳过有错误或待确认的行，只导入其余各行")

    export = commands.add_parser("export", help="导出 Excel 台账", description="导出 Excel 台账。personnel、upward 导出"
                                 "的身份证号码和联系电话、training 导出的身份证号默认脱敏，加 --unmasked 才输出完整号码。")
    export.add_argument("what", choices=["tasks", "personnel", "training", "upward"], metavar="内容",
                        help="tasks：任务进展台账；personnel：执法人员清单和持证情况统计；"
                             "training：培训学时统计表、单位汇总表和未达标名单（须加 --year）；"
                             "upward：上报数据工作簿（人员清单、持证统计、培训学时、单位汇总、任务进展和说明，"
                             "须加 --year；--out 为文件夹时文件名为“上报数据_单位_年度.xlsx”）")
    export.add_argument("--db", type=Path, metavar="路径", required=True, help="数据库文件")
    export.add_argument("--out", type=Path, metavar="文件", required=True,
                        help="输出的 .xlsx 文件（upward 也可以是已有的文件夹）")
    export.add_argument("--date", metavar="日期", help="tasks、personnel：统计截至日期，如 2026-11-21（默认今天）")
    export.add_argument("--year", type=int, metavar="年度",
                        help="training、upward：统计年度，如 2025（upward 的人员和任务截至该年 12 月 31 日，当年截至今天）")
    export.add_argument("--unmasked", action="store_true",
                        help="personnel、training、upward：输出完整的身份证号码（personnel、upward 还有联系电话；"
                             "文件须妥善保管）")

    report = commands.add_parser(
        "report", help="生成 Word 报表", description="按 GB/T 9704-2012 公文格式生成 Word 报表（.docx）。"
        "统计截至日期：当年为今天，以前年度为该年 12 月 31 日。")
    report.add_argument("kind", choices=list(REPORT_KINDS), metavar="报表",
                        help="annual：年度行政执法工作报告；assessment：三年行动中期/终期评估报告（--plan 指定任务清单，"
                             "--stage 中期或终期）；training：全员轮训和培训学时情况报告（附未达标人员名单）；"
                             "notice：任务落实情况通报（点名推进迟缓的单位，附逾期任务清单）；"
                             "reminder：催办通知（须加 --unit，列出该单位逾期和即将到期的任务）。"
                             "“存在的问题”“下一步打算”等文字用报表中心上次为同一报表填写的内容，没有时用按数据起草的草稿")
    report.add_argument("--db", type=Path, metavar="路径", required=True, help="数据库文件")
    report.add_argument("--year", type=int, metavar="年度", required=True, help="统计年度，如 2026")
    report.add_argument("--plan", type=int, metavar="编号", help="只统计这一任务清单（默认全部）")
    report.add_argument("--unit", metavar="单位", help="reminder：催办的单位（全称、简称或别名）")
    report.add_argument("--stage", metavar="阶段", help="assessment：中期或终期（默认中期）")
    report.add_argument("--doc-number", metavar="文号", default="", help="发文字号，如 红司发〔2026〕5号（可不填）")
    report.add_argument("--out", type=Path, metavar="文件", required=True,
                        help="输出的 .docx 文件；是文件夹时按报表名称和日期命名")
    return parser


REPORT_KINDS = {"annual": "年度行政执法工作报告", "assessment": "三年行动评估报告", "training": "全员轮训情况报告",
                "notice": "任务落实情况通报", "reminder": "催办通知"}


def parse_args(argv: list[str]) -> argparse.Namespace:
    with _chinese_argparse():
        return build_parser().parse_args(argv)


def run_demo(args: argparse.Namespace) -> int:
    from desktop_app.core.demo import DEMO_SEED, create_demo_database
    from desktop_app.core.jobs import JobControl

    def show(fraction: float, message: str) -> None:
        print(f"[{fraction:4.0%}] {message}", flush=True)

    create_demo_database(args.db, JobControl(show), DEMO_SEED if args.seed is None else args.seed)
    print(f"演示数据库已生成：{args.db}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from desktop_app.core.health import check_database

    report = check_database(args.db)
    print("\n".join(report.lines()))
    return 0 if report.ok else 1


def run_backup(args: argparse.Namespace) -> int:
    from desktop_app.core.backup import create_backup, read_info
    from desktop_app.core.lock import DatabaseLock

    if not args.db.is_file():
        print(f"错误：数据库文件“{args.db}”不存在。", file=sys.stderr)
        return 2
    with DatabaseLock(args.db):  # no other instance may write while the copy is taken
        path = create_backup(args.db, args.to, "手动")
    print(f"已备份：{path}\n{read_info(path).summary()}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from desktop_app.core.session import open_session

    session = open_session(args.db)
    try:
        result = session.restore(args.file)
    finally:
        session.close()
    print(f"已恢复：{result.restored.summary()}\n恢复前的数据已另存为：{result.safety_copy}")
    return 0


def run_import_tasks(args: argparse.Namespace) -> int:
    import json

    from desktop_app.core.session import open_session
    from desktop_app.core.task_import import (
        commit_task_import,
        guess_plan,
        preview_as_json,
        preview_task_import,
        settle_unknown_by_creating,
    )

    if not args.db.is_file():  # a mistyped path must not silently create an empty database
        print(f"错误：数据库文件“{args.db}”不存在。", file=sys.stderr)
        return 2
    session = open_session(args.db)
    try:
        preview = preview_task_import(args.file)
        if args.create_missing_units and not args.dry_run:
            settle_unknown_by_creating(preview)
        if args.json:
            print(json.dumps(preview_as_json(preview), ensure_ascii=False, indent=1))
        else:
            _print_preview(preview)
        if args.dry_run:
            return 0
        plan = guess_plan(preview)
        if args.title:
            plan.title = args.title
        if args.issued:
            from desktop_app.core.dates import parse_date

            plan.issued_on = parse_date(args.issued, field="印发日期")
        stored = commit_task_import(preview, plan)
        print(f"已导入“{stored.title}”：{len(preview.parsed.tasks)} 项任务。", file=sys.stderr if args.json else sys.stdout)
        return 0
    finally:
        session.close()


def _run_sheet_import(args: argparse.Namespace, load, validate, commit, as_json, report) -> int:
    """The shared course of import-personnel and import-training: check, print (JSON on stdout when asked,
    the tally and messages otherwise), refuse while rows are blocked unless --skip-invalid, then commit
    unless --dry-run. `report(preview, counts)` → (tally line, messages, why blocked or None)."""
    import json

    from desktop_app.core.errors import AppError
    from desktop_app.core.session import open_session

    if not args.db.is_file():
        print(f"错误：数据库文件“{args.db}”不存在。", file=sys.stderr)
        return 2
    session = open_session(args.db)
    try:
        preview = load()
        problems = preview.mapping_problems()
        if not problems:
            validate(preview)
        if args.json:
            print(json.dumps(as_json(preview), ensure_ascii=False, indent=1))
        if problems:
            raise AppError("列对应有问题：" + "".join(problems))
        out = sys.stderr if args.json else sys.stdout
        tally, messages, blocked = report(preview, preview.counts())
        print(tally, file=out)
        if not args.json:
            for message in messages:
                print(f"  {message.text}")
        if blocked and not args.skip_invalid:
            print(blocked, file=out)
            return 1
        if args.dry_run:
            return 0
        print(commit(preview, skip_invalid=args.skip_invalid).message(), file=out)
        return 0
    finally:
        session.close()


def run_import_personnel(args: argparse.Namespace) -> int:
    from desktop_app.core.personnel.roster_commit import commit_roster
    from desktop_app.core.personnel.roster_import import ERROR, load_roster_file, preview_as_json, validate

    def report(preview, counts):
        tally = "，".join(f"{result} {number} 行" for result, number in counts.items())
        blocked = (f"有 {counts[ERROR]} 行存在错误，未写入任何数据（可加 --skip-invalid 只导入没有错误的行）。"
                   if counts[ERROR] else None)
        return f"{preview.path.name}（工作表“{preview.sheet_name}”）：{tally}", preview.errors, blocked

    return _run_sheet_import(args, lambda: load_roster_file(args.file), validate, commit_roster, preview_as_json,
                             report)


def run_import_training(args: argparse.Namespace) -> int:
    from desktop_app.core.training.training_import import (
        ERROR,
        UNSETTLED,
        commit_training,
        load_training_file,
        preview_as_json,
        validate,
    )

    def report(preview, counts):
        tally = "，".join(f"{result} {number} 行" for result, number in counts.items() if number)
        blocked = (f"有 {counts[ERROR]} 行存在错误、{counts[UNSETTLED]} 行姓名待确认，未写入任何数据（可在图形界面中"
                   "逐行确认，或加 --skip-invalid 只导入其余各行）。" if counts[ERROR] + counts[UNSETTLED] else None)
        heading = f"{preview.path.name}（工作表“{preview.sheet_name}”，{preview.kind}）：{tally or '没有数据行'}"
        return heading, preview.errors + preview.warnings, blocked

    return _run_sheet_import(args, lambda: load_training_file(args.file, session_id=args.session), validate,
                             commit_training, preview_as_json, report)


def _print_preview(preview) -> None:
    parsed = preview.parsed
    print(f"{parsed.source}：{parsed.title or '（无标题）'}，{len(parsed.sections)} 个部分，{len(parsed.tasks)} 项任务")
    for task, message in preview.warnings():
        print(f"  提示（任务 {task or '-'}）：{message}")


def run_export(args: argparse.Namespace) -> int:
    from desktop_app.core.dates import parse_date
    from desktop_app.core.session import open_session

    by_year = {"training": "training（培训学时统计）", "upward": "upward（上报数据）"}
    if not args.db.is_file():
        print(f"错误：数据库文件“{args.db}”不存在。", file=sys.stderr)
        return 2
    if args.unmasked and args.what == "tasks":
        print("错误：--unmasked 只用于 personnel（执法人员清单）、training（培训学时统计）和 upward（上报数据）。",
              file=sys.stderr)
        return 2
    if args.what in by_year and (args.year is None or args.date):
        print(f"错误：{args.what} 须用 --year 指定统计年度（如 --year 2025），不用 --date。", file=sys.stderr)
        return 2
    if args.year is not None and args.what not in by_year:
        print("错误：--year 只用于 training（培训学时统计）和 upward（上报数据）；其他内容用 --date。", file=sys.stderr)
        return 2
    if args.what != "upward" and args.out.is_dir():
        print(f"错误：--out 须是 .xlsx 文件，“{args.out}”是文件夹。", file=sys.stderr)
        return 2
    if args.what == "upward" and not args.out.is_dir() and args.out.suffix.lower() != ".xlsx":
        print("错误：upward 的 --out 须是 .xlsx 文件或已有的文件夹。", file=sys.stderr)
        return 2
    today = parse_date(args.date, field="截至日期") if args.date else None
    session = open_session(args.db)
    try:
        if args.what == "personnel":
            from desktop_app.core.personnel.export import export_personnel_xlsx

            path = export_personnel_xlsx(args.out, today=today, unmasked=args.unmasked)
        elif args.what == "training":
            from desktop_app.core.training.export import export_training_xlsx

            path = export_training_xlsx(args.out, year=args.year, unmasked=args.unmasked)
        elif args.what == "upward":
            from desktop_app.core.upward_export import default_upward_filename, export_upward_xlsx

            out = args.out / default_upward_filename(args.year) if args.out.is_dir() else args.out
            path = export_upward_xlsx(out, args.year, unmasked=args.unmasked)
        else:
            from desktop_app.core.task_export import export_tasks_xlsx

            path = export_tasks_xlsx(args.out, today=today)
    finally:
        session.close()
    kept = "身份证号码" if args.what == "training" else "身份证号码和联系电话"
    print(f"已导出：{path}" + (f"（含完整{kept}，请妥善保管）" if args.unmasked else ""))
    return 0


def _report_unit(name: str) -> int:
    from desktop_app.core.errors import ValidationError
    from desktop_app.core.name_index import resolve

    matches = resolve(name)
    units = [m for m in matches if m.kind == "unit"]
    if len(units) == 1:
        return units[0].id
    if not matches:
        raise ValidationError(f"找不到单位“{name}”，请使用单位登记册中的全称、简称或别名。", "unit")
    if not units:
        raise ValidationError(f"“{name}”是单位分组，催办通知须指定一个单位。", "unit")
    names = "、".join(m.name for m in units)
    raise ValidationError(f"“{name}”可以指多个单位：{names}，请写全称。", "unit")


def run_report(args: argparse.Namespace) -> int:
    from desktop_app.core.session import open_session

    if not args.db.is_file():
        print(f"错误：数据库文件“{args.db}”不存在。", file=sys.stderr)
        return 2
    if args.kind == "reminder" and not args.unit:
        print("错误：reminder（催办通知）须用 --unit 指定单位。", file=sys.stderr)
        return 2
    if args.kind != "reminder" and args.unit:
        print("错误：--unit 只用于 reminder（催办通知）。", file=sys.stderr)
        return 2
    from desktop_app.core.reports.catalog import KINDS

    if args.plan is not None and not KINDS[args.kind].uses_plan:
        print(f"错误：--plan 不用于 {args.kind}（{REPORT_KINDS[args.kind]}）。", file=sys.stderr)
        return 2
    if args.stage and not KINDS[args.kind].stages:
        print("错误：--stage 只用于 assessment（三年行动评估报告）。", file=sys.stderr)
        return 2
    if args.out.suffix.lower() != ".docx" and not args.out.is_dir():
        print("错误：--out 须是 .docx 文件或已有的文件夹。", file=sys.stderr)
        return 2
    session = open_session(args.db)
    try:
        from desktop_app.core.reports import catalog

        unit_id = _report_unit(args.unit) if args.unit else None
        request = catalog.make_request(args.kind, args.year, plan_id=args.plan, unit_id=unit_id,
                                       stage=args.stage or "", doc_number=args.doc_number)
        request = catalog.replace(request, narrative=catalog.narrative_for(request))
        out = args.out / catalog.default_filename(request) if args.out.is_dir() else args.out
        result = catalog.generate(request, out)
    finally:
        session.close()
    for warning in result.warnings:
        print(f"提示：{warning}")
    print(f"已生成{REPORT_KINDS[args.kind]}：{result.path}")
    return 0


COMMANDS = {"demo": run_demo, "check": run_check, "backup": run_backup, "restore": run_restore,
            "import-tasks": run_import_tasks, "export": run_export, "import-personnel": run_import_personnel,
            "import-training": run_import_training, "report": run_report}


def run_command(args: argparse.Namespace) -> int:
    from desktop_app.core.errors import AppError

    try:
        return COMMANDS[args.command](args)
    except AppError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
