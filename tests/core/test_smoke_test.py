"""`--smoke-test`, the check the installer build (installer/build.ps1) and CI run on the frozen bundle, run here
from source: it passes on a healthy checkout, says why in Chinese when something is missing, and never touches the
data folder."""
from __future__ import annotations

import re
import shutil

import pytest

from desktop_app import APP_NAME, __version__

BROKEN_RESOURCES = """
import sys
sys._MEIPASS = sys.argv[1]  # resource_path() now looks into an empty folder, as a bundle missing its datas would
from desktop_app.__main__ import main
sys.exit(main(["--smoke-test"]))
"""


@pytest.mark.slow
def test_smoke_test_passes_and_leaves_the_data_folder_alone(run_app, _private_data_dir):
    done = run_app("--smoke-test", timeout=300)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    summary = done.stdout.strip().splitlines()[-1]
    assert summary.startswith(f"冒烟测试通过：{APP_NAME} {__version__}")
    for name in ("任务进展台账.xlsx", "执法人员清单.xlsx", "清理结果名单.docx"):
        assert name in summary
    assert re.search(r"主窗口已显示（\w+），\d+ 个页面均已打开", summary), summary
    assert "冒烟测试失败" not in done.stderr
    # everything happened in its own temporary folder, which is gone again
    assert not _private_data_dir.exists() or not any(_private_data_dir.iterdir())
    assert "临时文件夹已保留" not in done.stderr


@pytest.mark.slow
def test_smoke_test_fails_with_the_reason(run_python, tmp_path):
    empty = tmp_path / "bundle"
    empty.mkdir()
    done = run_python(BROKEN_RESOURCES, empty)
    assert done.returncode == 1
    assert "冒烟测试失败：缺少资源文件" in done.stderr
    assert "style.qss" in done.stderr
    assert "冒烟测试通过" not in done.stdout
    kept = re.search(r"临时文件夹已保留：(.+)）", done.stderr)  # kept for whoever investigates a failure
    assert kept, done.stderr
    shutil.rmtree(kept.group(1), ignore_errors=True)


def test_smoke_test_flag_is_documented_in_chinese(run_app):
    done = run_app("--help")
    assert done.returncode == 0
    assert "--smoke-test" in done.stdout and "自检" in done.stdout
