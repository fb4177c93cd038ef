"""Cold start to main window shown, compared with a bare PySide6 window.

    python -m benchmarks.cold_start [--runs N] [--json PATH] [--gate]

Both programs are started the same way (`sys.executable ...` as a new process, QT_QPA_PLATFORM=offscreen,
DESKTOP_APP_DATA_DIR set to a temporary folder) and timed from just before the process is started to the
moment it reports its main window shown (each prints `SHOWN <epoch seconds>` right after `show()`):

* app:       python -m desktop_app --demo --db TMP/demo.sqlite --quit-after-shown
             (opens the GUI on the demo database and exits 0 once the main window has been shown)
* reference: a script that creates QApplication + QMainWindow, shows it and quits on the first turn
             of the event loop

One warm-up run of each comes first (the app's warm-up also creates the demo database), then N runs of
each, interleaved. The budget is: median(app) <= 1.3 x median(reference).

Exit status: 0 measured (budget met, or missed without --gate); 1 budget missed and --gate given;
2 the app or the reference could not be started or did not exit with status 0.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JSON = REPO_ROOT / "benchmarks" / "results" / "cold_start.json"
BUDGET_RATIO = 1.3
DEFAULT_TIMEOUT_S = 120.0
STDERR_TAIL_LINES = 30

REFERENCE_SCRIPT = """\
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv)
window = QMainWindow()
window.setWindowTitle("cold start reference")
window.resize(1024, 700)
window.show()
print(f"SHOWN {time.time():.6f}", flush=True)
QTimer.singleShot(0, app.quit)  # the first turn of the event loop
sys.exit(app.exec())
"""


class RunFailed(Exception):
    def __init__(self, label: str, command: list[str], detail: str, stderr: str) -> None:
        super().__init__(f"{label}: {detail}")
        self.label = label
        self.command = command
        self.detail = detail
        self.stderr = stderr


@dataclass
class Subject:
    label: str
    command: list[str]
    warmup_s: float | None = None
    times_s: list[float] = field(default_factory=list)

    @property
    def median_s(self) -> float:
        return statistics.median(self.times_s)

    def summary(self) -> dict:
        return {
            "command": self.command,
            "warmup_s": _round(self.warmup_s),
            "times_s": [_round(t) for t in self.times_s],
            "median_s": _round(self.median_s) if self.times_s else None,
            "min_s": _round(min(self.times_s)) if self.times_s else None,
            "max_s": _round(max(self.times_s)) if self.times_s else None,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _tail(text: str, lines: int = STDERR_TAIL_LINES) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def time_once(subject: Subject, env: dict[str, str], timeout_s: float = DEFAULT_TIMEOUT_S) -> float:
    """Seconds from just before the process is started until its main window is shown (the time it
    prints as `SHOWN <epoch>`); the whole process's wall time when it prints none."""
    start_epoch = time.time()
    start = time.perf_counter()
    try:
        proc = subprocess.run(subject.command, check=False, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=timeout_s)
    except subprocess.TimeoutExpired as exc:
        stderr = exc.stderr.decode("utf-8", "replace") if exc.stderr else ""
        raise RunFailed(subject.label, subject.command,
                        f"{timeout_s:g} 秒内没有退出（超时；可能弹出了模态对话框）", stderr)
    except OSError as exc:
        raise RunFailed(subject.label, subject.command, f"无法启动：{exc}", "")
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace")
        stdout = proc.stdout.decode("utf-8", "replace")
        if not stderr.strip():
            stderr = stdout
        raise RunFailed(subject.label, subject.command, f"退出码 {proc.returncode}", stderr)
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("SHOWN "):
            return float(line.split()[1]) - start_epoch
    return elapsed


def pyside6_version() -> str | None:
    for dist in ("PySide6-Essentials", "PySide6"):
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return None


def print_table(app: Subject, ref: Subject, ratio: float, passed: bool) -> None:
    rows = [("测量项", "预热 s", "中位数 s", "最小 s", "最大 s", "各次 s")]
    for subject in (app, ref):
        rows.append((
            subject.label,
            f"{subject.warmup_s:.3f}" if subject.warmup_s is not None else "-",
            f"{subject.median_s:.3f}",
            f"{min(subject.times_s):.3f}",
            f"{max(subject.times_s):.3f}",
            " ".join(f"{t:.3f}" for t in subject.times_s),
        ))
    widths = [max(_display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print()
    print(f"比值（应用 ÷ 参照，中位数）：{ratio:.2f} ×    预算：≤ {BUDGET_RATIO} ×    结果：{'PASS' if passed else 'FAIL'}")


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


def write_json(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"结果已写入：{path}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cold_start",
                                     description="冷启动（进程启动到主窗口显示后退出）与空白 PySide6 窗口的对比。")
    parser.add_argument("--runs", type=int, default=7, help="每个测量项的计时次数（另有 1 次预热），默认 7")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON,
                        help=f"JSON 结果文件，默认 {DEFAULT_JSON.relative_to(REPO_ROOT)}")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S,
                        help=f"单次运行的超时秒数，默认 {DEFAULT_TIMEOUT_S:g}")
    parser.add_argument("--gate", action="store_true", help=f"超出预算（> {BUDGET_RATIO} ×）时以退出码 1 结束")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs 至少为 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # keep stdout and stderr in order when piped (CI logs)
    base_info = {
        "benchmark": "cold_start",
        "measured_at": dt.datetime.now().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "executable": sys.executable,
        "platform": platform.platform(),
        "pyside6": pyside6_version(),
        "qt_qpa_platform": "offscreen",
        "runs": args.runs,
        "budget_ratio": BUDGET_RATIO,
    }
    print(f"冷启动基准：Python {base_info['python']}，PySide6 {base_info['pyside6'] or '未安装'}，"
          f"{args.runs} 次计时（另有 1 次预热），QT_QPA_PLATFORM=offscreen")

    with tempfile.TemporaryDirectory(prefix="desktop_app-coldstart-") as tmp:
        tmp_path = Path(tmp)
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        script = tmp_path / "reference_window.py"
        script.write_text(REFERENCE_SCRIPT, encoding="utf-8")
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DESKTOP_APP_DATA_DIR=str(data_dir))
        app = Subject("应用 desktop_app", [sys.executable, "-m", "desktop_app", "--demo",
                                           "--db", str(data_dir / "demo.sqlite"), "--quit-after-shown"])
        ref = Subject("参照 空白窗口", [sys.executable, str(script)])

        try:
            print("预热（应用的预热同时生成演示数据库）…", flush=True)
            app.warmup_s = time_once(app, env, args.timeout)
            ref.warmup_s = time_once(ref, env, args.timeout)
            for i in range(args.runs):
                ref.times_s.append(time_once(ref, env, args.timeout))
                app.times_s.append(time_once(app, env, args.timeout))
                print(f"  第 {i + 1}/{args.runs} 次：应用 {app.times_s[-1]:.3f} s，参照 {ref.times_s[-1]:.3f} s",
                      flush=True)
        except RunFailed as exc:
            print(f"\n错误：{exc.label} 运行失败（{exc.detail}）。", file=sys.stderr)
            print(f"命令：{' '.join(exc.command)}", file=sys.stderr)
            print(f"标准错误输出的最后 {STDERR_TAIL_LINES} 行：", file=sys.stderr)
            print(_tail(exc.stderr) or "（空）", file=sys.stderr)
            write_json(args.json, {**base_info, "status": "error", "failed": exc.label,
                                   "command": exc.command, "detail": exc.detail,
                                   "stderr_tail": _tail(exc.stderr)})
            return 2

    ratio = app.median_s / ref.median_s
    passed = ratio <= BUDGET_RATIO
    print()
    print_table(app, ref, ratio, passed)
    write_json(args.json, {**base_info, "status": "pass" if passed else "fail", "ratio": round(ratio, 3),
                           "passed": passed, "app": app.summary(), "reference": ref.summary()})
    if not passed and args.gate:
        print("超出预算且指定了 --gate：退出码 1。", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
