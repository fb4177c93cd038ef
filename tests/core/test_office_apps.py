"""Finding Word / WPS / LibreOffice, converting a report to PDF and printing it, with plain Chinese refusals."""
from __future__ import annotations

import os
import shutil
import stat
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from desktop_app.core import office_apps as oa
from desktop_app.core.errors import AppError
from desktop_app.core.jobs import Cancelled, JobControl

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="fake soffice scripts are shell scripts")


def fake_program(folder: Path, name: str, body: str) -> Path:
    """An executable `name` in `folder` running `body` (Python), its arguments logged to args.txt."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    script.write_text(f"#!{sys.executable}\n" + textwrap.dedent(f"""
        import sys, pathlib, time
        args = sys.argv[1:]
        pathlib.Path({str(folder / 'args.txt')!r}).write_text("\\n".join(args), encoding="utf-8")
    """) + textwrap.dedent(body), encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script


WRITES_PDF = """
    outdir = pathlib.Path(args[args.index("--outdir") + 1])
    source = pathlib.Path(args[-1])
    (outdir / (source.stem + ".pdf")).write_bytes(b"%PDF-1.4 fake")
"""


@pytest.fixture
def docx_file(tmp_path) -> Path:
    import docx

    path = tmp_path / "报表" / "全员轮训情况报告_2025年度.docx"
    path.parent.mkdir()
    document = docx.Document()
    document.add_paragraph("关于2025年度行政执法人员全员轮训和培训学时情况的报告")
    document.save(path)
    return path


@posix_only
def test_soffice_found_on_a_given_path(tmp_path):
    bin_dir = tmp_path / "bin"
    script = fake_program(bin_dir, "soffice", "")
    assert oa.find_soffice(str(bin_dir), program_dirs=[]) == script
    assert oa.find_soffice(str(tmp_path / "empty"), program_dirs=[]) is None
    apps = oa.available(str(bin_dir))
    assert [app.name for app in apps if app.name == oa.LIBREOFFICE] == [oa.LIBREOFFICE]
    assert apps[0].converts and apps[0].path == script


@posix_only
def test_libreoffice_named_libreoffice_is_found_too(tmp_path):
    script = fake_program(tmp_path / "bin", "libreoffice", "")
    assert oa.find_soffice(str(tmp_path / "bin"), program_dirs=[]) == script


def test_soffice_found_in_the_usual_windows_install_folder(tmp_path):
    program = tmp_path / "Program Files" / "LibreOffice" / "program"
    program.mkdir(parents=True)
    (program / "soffice.exe").write_bytes(b"MZ")
    found = oa.find_soffice(str(tmp_path / "empty"), program_dirs=[tmp_path / "nothing", tmp_path / "Program Files"])
    assert found == program / "soffice.exe"


def test_describe_says_what_the_clerk_can_do():
    assert "未找到 Word、WPS 或 LibreOffice" in oa.describe([])
    assert "可直接打印和另存为 PDF" in oa.describe([oa.OfficeApp(oa.LIBREOFFICE, Path("soffice"), True)])
    wps_only = oa.describe([oa.OfficeApp(oa.WPS, None)])
    assert "WPS" in wps_only and "另存为 PDF 请在 WPS 中操作" in wps_only


def test_unique_path_numbers_instead_of_overwriting(tmp_path):
    first = tmp_path / "通报.docx"
    assert oa.unique_path(first) == first
    first.write_bytes(b"x")
    assert oa.unique_path(first) == tmp_path / "通报(2).docx"
    (tmp_path / "通报(2).docx").write_bytes(b"x")
    assert oa.unique_path(first) == tmp_path / "通报(3).docx"


def test_no_office_program_refuses_pdf_in_chinese(docx_file, tmp_path):
    with pytest.raises(AppError, match="未找到 Word、WPS 或 LibreOffice，无法转换为 PDF"):
        oa.convert_to_pdf(docx_file, tmp_path, apps=[])
    with pytest.raises(AppError, match="WPS 不能在后台转换 PDF"):
        oa.convert_to_pdf(docx_file, tmp_path, apps=[oa.OfficeApp(oa.WPS, None)])
    assert not list(tmp_path.glob("*.pdf"))


def test_missing_document_is_named(tmp_path):
    with pytest.raises(AppError, match="文件已不存在"):
        oa.convert_to_pdf(tmp_path / "没有.docx", tmp_path, apps=[])
    with pytest.raises(AppError, match="文件已不存在"):
        oa.print_file(tmp_path / "没有.docx", apps=[])


@posix_only
def test_convert_runs_soffice_headless_with_a_private_profile(docx_file, tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    monkeypatch.setenv("DESKTOP_APP_DATA_DIR", str(data_dir))
    bin_dir = tmp_path / "bin"
    script = fake_program(bin_dir, "soffice", WRITES_PDF)
    apps = [oa.OfficeApp(oa.LIBREOFFICE, script, True)]
    out = tmp_path / "pdf"
    pdf = oa.convert_to_pdf(docx_file, out, apps=apps)
    assert pdf == out / "全员轮训情况报告_2025年度.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    args = (bin_dir / "args.txt").read_text(encoding="utf-8").splitlines()
    profile = (data_dir / "libreoffice-profile").resolve()
    assert f"-env:UserInstallation={profile.as_uri()}" in args
    assert "--headless" in args and args[args.index("--convert-to") + 1] == "pdf"
    again = oa.convert_to_pdf(docx_file, out, apps=apps)
    assert again == out / "全员轮训情况报告_2025年度(2).pdf", "an existing PDF is never overwritten"
    chosen = oa.convert_to_pdf(docx_file, out, "报告.pdf", apps=apps)
    assert chosen == out / "报告.pdf" and chosen.is_file()
    assert sorted(p.name for p in out.iterdir()) == ["全员轮训情况报告_2025年度(2).pdf", "全员轮训情况报告_2025年度.pdf",
                                                     "报告.pdf"], "no scratch folder left behind"


@posix_only
def test_failed_conversion_says_so(docx_file, tmp_path):
    script = fake_program(tmp_path / "bin", "soffice", "sys.stderr.write('Error: source file could not be loaded')\n"
                                                       "sys.exit(1)\n")
    with pytest.raises(AppError, match="LibreOffice 没有生成 PDF.*could not be loaded"):
        oa.convert_to_pdf(docx_file, tmp_path / "pdf", apps=[oa.OfficeApp(oa.LIBREOFFICE, script, True)])
    assert not list((tmp_path / "pdf").glob("*.pdf"))


@posix_only
def test_hanging_soffice_is_stopped_after_the_timeout(docx_file, tmp_path):
    script = fake_program(tmp_path / "bin", "soffice", "time.sleep(30)\n")
    with pytest.raises(AppError, match="在 1 秒内没有完成"):
        oa.convert_to_pdf(docx_file, tmp_path / "pdf", timeout=1, apps=[oa.OfficeApp(oa.LIBREOFFICE, script, True)])


@posix_only
def test_conversion_can_be_cancelled(docx_file, tmp_path):
    script = fake_program(tmp_path / "bin", "soffice", "time.sleep(30)\n")
    control = JobControl()
    threading.Timer(0.5, control.cancel).start()
    with pytest.raises(Cancelled):
        oa.convert_to_pdf(docx_file, tmp_path / "pdf", control=control, timeout=20,
                          apps=[oa.OfficeApp(oa.LIBREOFFICE, script, True)])


@posix_only
def test_print_uses_libreoffice_or_says_there_is_nothing(docx_file, tmp_path):
    with pytest.raises(AppError, match="本机没有可用于打印的程序（Word、WPS 或 LibreOffice），请先打开文件再打印"):
        oa.print_file(docx_file, apps=[])
    bin_dir = tmp_path / "bin"
    script = fake_program(bin_dir, "soffice", "")
    message = oa.print_file(docx_file, apps=[oa.OfficeApp(oa.LIBREOFFICE, script, True)])
    assert "默认打印机" in message
    args = (bin_dir / "args.txt").read_text(encoding="utf-8").splitlines()
    assert args[-2:] == ["-p", str(docx_file)] and "--headless" in args


def test_reveal_in_folder_is_windows_only():
    if sys.platform != "win32":
        assert oa.reveal_in_folder(Path("/tmp/x.docx")) is False


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed here")
def test_real_libreoffice_writes_a_pdf(docx_file, tmp_path):
    apps = oa.available()
    assert apps[0].name == oa.LIBREOFFICE
    pdf = oa.convert_to_pdf(docx_file, tmp_path / "pdf", timeout=120)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert pdf.stat().st_size > 1000
    assert os.path.isdir(Path(os.environ["DESKTOP_APP_DATA_DIR"]) / "libreoffice-profile")
