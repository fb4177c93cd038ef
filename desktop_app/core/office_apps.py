"""The office programs on this computer (Word, WPS, LibreOffice): find them, print a report, convert it to PDF.

    apps = available()                      # [OfficeApp("LibreOffice", …, converts=True), …]
    pdf = convert_to_pdf(docx, folder)      # LibreOffice headless, else Word via COM (pywin32, optional)
    message = print_file(docx)              # Windows: the file's 打印 verb; elsewhere LibreOffice -p

Qt-free. LibreOffice runs with a private profile under the app's data folder (so it neither waits on nor
disturbs a LibreOffice window the clerk has open) and with a time limit. WPS is recognised, but it cannot
convert or print without showing its window, so it is only named as the program to open the file with.
Converting and printing block: call them from a worker thread.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.errors import AppError
from desktop_app.core.jobs import JobControl

LIBREOFFICE, WORD, WPS = "LibreOffice", "Word", "WPS"
CONVERT_TIMEOUT_S = 120
PRINT_TIMEOUT_S = 120
NO_CONVERTER = "未找到 Word、WPS 或 LibreOffice，无法转换为 PDF。请安装 LibreOffice（免费），或用 Word 打开报表后另存为 PDF。"
WPS_ONLY = ("本机只有 WPS：WPS 不能在后台转换 PDF。请点“打开”，在 WPS 中选择“文件 → 输出为 PDF”；"
            "或安装 LibreOffice（免费）后再试。")
NO_PRINTER_APP = "本机没有可用于打印的程序（Word、WPS 或 LibreOffice），请先打开文件再打印。"
SOFFICE_NAMES = ("soffice", "libreoffice")
WPS_NAMES = ("wps",)


@dataclass(frozen=True)
class OfficeApp:
    name: str  # LibreOffice | Word | WPS
    path: Path | None  # the program, when known (Word and WPS on Windows are found through the registry)
    converts: bool = False  # can write a PDF without a window


def windows_program_dirs() -> list[Path]:
    names = ("ProgramFiles", "ProgramFiles(x86)", "ProgramW6432", "LOCALAPPDATA")
    seen: list[Path] = []
    for name in names:
        value = os.environ.get(name)
        if value and Path(value) not in seen:
            seen.append(Path(value))
    for fallback in (r"C:\Program Files", r"C:\Program Files (x86)"):
        if Path(fallback) not in seen:
            seen.append(Path(fallback))
    return seen


def find_soffice(search_path: str | None = None, program_dirs: Iterable[Path] | None = None) -> Path | None:
    """LibreOffice's `soffice` on PATH (or `search_path`), else in the usual install folders on Windows."""
    for name in SOFFICE_NAMES:
        found = shutil.which(name, path=search_path)
        if found:
            return Path(found)
    if program_dirs is None:
        program_dirs = windows_program_dirs() if sys.platform == "win32" else []
    for base in program_dirs:
        for folder in ("LibreOffice", "LibreOffice 7", "LibreOffice 24", "LibreOffice 25"):
            candidate = Path(base) / folder / "program" / "soffice.exe"
            if candidate.is_file():
                return candidate
    return None


def _registered(prog_id: str) -> bool:
    """A COM ProgID such as Word.Application is registered (Windows only)."""
    if sys.platform != "win32":
        return False
    try:
        import winreg

        with winreg.OpenKey(winreg.HKEY_CLASSES_ROOT, prog_id):
            return True
    except OSError:
        return False


def com_available() -> bool:
    """pywin32 is importable (it is not a dependency: Word conversion is a bonus where it is installed)."""
    if sys.platform != "win32":
        return False
    try:
        import win32com.client  # noqa: F401
    except ImportError:
        return False
    return True


def find_word() -> OfficeApp | None:
    if not _registered("Word.Application"):
        return None
    return OfficeApp(WORD, None, converts=com_available())


def find_wps(search_path: str | None = None) -> OfficeApp | None:
    for name in WPS_NAMES:
        found = shutil.which(name, path=search_path)
        if found:
            return OfficeApp(WPS, Path(found))
    if _registered("KWPS.Application") or _registered("WPS.Application"):
        return OfficeApp(WPS, None)
    return None


def available(search_path: str | None = None) -> list[OfficeApp]:
    """The office programs found here, the one that converts best first."""
    apps: list[OfficeApp] = []
    soffice = find_soffice(search_path)
    if soffice is not None:
        apps.append(OfficeApp(LIBREOFFICE, soffice, converts=True))
    for found in (find_word(), find_wps(search_path)):
        if found is not None:
            apps.append(found)
    return apps


def describe(apps: list[OfficeApp]) -> str:
    """One line for the reports page: what the clerk can do with the files on this computer."""
    if not apps:
        return ("本机未找到 Word、WPS 或 LibreOffice：报表照常生成，但打开、打印和转换 PDF 需要先安装其中之一"
                "（LibreOffice 免费）。")
    names = "、".join(app.name for app in apps)
    if any(app.converts for app in apps):
        return f"本机可用：{names}。可直接打印和另存为 PDF。"
    return f"本机可用：{names}。可打开和打印；另存为 PDF 请在 {names} 中操作（或安装 LibreOffice）。"


def unique_path(path: Path | str) -> Path:
    """`path`, or `name(2).ext`, `name(3).ext` … when a file of that name already exists."""
    path = Path(path)
    if not path.exists():
        return path
    number = 2
    while True:
        candidate = path.with_name(f"{path.stem}({number}){path.suffix}")
        if not candidate.exists():
            return candidate
        number += 1


def profile_dir() -> Path:
    """LibreOffice's private user profile (created on first use; a few MB)."""
    from desktop_app import paths

    folder = paths.user_data_dir() / "libreoffice-profile"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _soffice_command(soffice: Path, *args: str) -> list[str]:
    return [str(soffice), f"-env:UserInstallation={profile_dir().resolve().as_uri()}", "--headless",
            "--norestore", "--nologo", "--nodefault", "--nolockcheck", *args]


def _no_window() -> int:
    return getattr(subprocess, "CREATE_NO_WINDOW", 0) if sys.platform == "win32" else 0


def _run(command: list[str], timeout: float, control: JobControl | None, what: str) -> subprocess.CompletedProcess:
    """Run a program to its end, killed after `timeout` seconds or when the clerk cancels."""
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   stdin=subprocess.DEVNULL, creationflags=_no_window())
    except OSError as exc:
        raise AppError(f"无法启动 {what}：{exc}") from exc
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                out, err = process.communicate(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                if control is not None:
                    control.check_cancelled()
                if time.monotonic() > deadline:
                    raise AppError(f"{what}在 {timeout:g} 秒内没有完成，已停止。请关闭正在运行的 {what} 后重试，"
                                   "或打开文件后手动操作。") from None
    except BaseException:
        process.kill()
        process.communicate()
        raise
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def _tail(data: bytes) -> str:
    text = data.decode("utf-8", "replace").strip()
    return text[-300:]


def convert_with_libreoffice(soffice: Path, docx: Path, pdf: Path, timeout: float = CONVERT_TIMEOUT_S,
                             control: JobControl | None = None) -> Path:
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".pdf-", dir=pdf.parent) as scratch:
        result = _run(_soffice_command(soffice, "--convert-to", "pdf", "--outdir", scratch, str(docx)),
                      timeout, control, LIBREOFFICE)
        made = Path(scratch) / f"{docx.stem}.pdf"
        if not made.is_file():
            detail = _tail(result.stderr) or _tail(result.stdout) or f"退出码 {result.returncode}"
            raise AppError(f"LibreOffice 没有生成 PDF（{detail}）。请打开文件后手动另存为 PDF。")
        try:
            os.replace(made, pdf)
        except PermissionError as exc:
            raise AppError(f"文件被占用，请关闭后重试：“{pdf.name}”可能正在 PDF 阅读器中打开。") from exc
    return pdf


def convert_with_word(docx: Path, pdf: Path) -> Path:  # pragma: no cover - Windows with pywin32 and Word
    import pythoncom
    import win32com.client

    pythoncom.CoInitialize()
    word = None
    try:
        word = win32com.client.DispatchEx("Word.Application")
        word.Visible = False
        word.DisplayAlerts = 0
        document = word.Documents.Open(str(docx.resolve()), ReadOnly=True, AddToRecentFiles=False)
        try:
            document.ExportAsFixedFormat(str(pdf.resolve()), 17)  # wdExportFormatPDF
        finally:
            document.Close(False)
    except Exception as exc:
        raise AppError(f"Word 转换 PDF 失败：{exc}。请打开文件后手动另存为 PDF。") from exc
    finally:
        if word is not None:
            with contextlib.suppress(pythoncom.com_error):
                word.Quit()
        pythoncom.CoUninitialize()
    return pdf


def convert_to_pdf(docx: Path | str, pdf_dir: Path | str, name: str | None = None,
                   control: JobControl | None = None, timeout: float = CONVERT_TIMEOUT_S,
                   apps: list[OfficeApp] | None = None) -> Path:
    """Write `docx` as a PDF into `pdf_dir`: as `name` (replacing it; the clerk chose it), else under the
    document's own name, never over an existing file. AppError saying what to do when nothing here converts."""
    docx = Path(docx)
    if not docx.is_file():
        raise AppError(f"文件已不存在：{docx}")
    apps = available() if apps is None else apps
    converter = next((app for app in apps if app.converts), None)
    if converter is None:
        raise AppError(WPS_ONLY if any(app.name == WPS for app in apps) else NO_CONVERTER)
    pdf_dir = Path(pdf_dir)
    pdf = pdf_dir / name if name else unique_path(pdf_dir / f"{docx.stem}.pdf")
    if control is not None:
        control.progress(0.1, f"正在用 {converter.name} 转换为 PDF")
    if converter.name == LIBREOFFICE:
        assert converter.path is not None
        return convert_with_libreoffice(converter.path, docx, pdf, timeout, control)
    return convert_with_word(docx, pdf)


def print_file(path: Path | str, control: JobControl | None = None, apps: list[OfficeApp] | None = None,
               timeout: float = PRINT_TIMEOUT_S) -> str:
    """Send the file to the default printer; returns what was done, in Chinese."""
    path = Path(path)
    if not path.is_file():
        raise AppError(f"文件已不存在：{path}")
    if sys.platform == "win32":  # pragma: no cover - the program registered for .docx prints it
        try:
            os.startfile(str(path), "print")  # type: ignore[attr-defined]
        except OSError as exc:
            raise AppError(NO_PRINTER_APP) from exc
        return f"已把“{path.name}”交给 Word/WPS 打印到默认打印机。"
    apps = available() if apps is None else apps
    soffice = next((app.path for app in apps if app.name == LIBREOFFICE and app.path is not None), None)
    if soffice is None:
        raise AppError(NO_PRINTER_APP)
    result = _run(_soffice_command(soffice, "-p", str(path)), timeout, control, LIBREOFFICE)
    if result.returncode != 0:
        raise AppError(f"LibreOffice 打印失败（{_tail(result.stderr) or result.returncode}）。请打开文件后打印。")
    return f"已用 LibreOffice 把“{path.name}”发送到默认打印机。"


def reveal_in_folder(path: Path | str) -> bool:
    """Windows: an Explorer window on the folder with the file selected (True). Elsewhere False: the caller
    opens the folder itself."""
    if sys.platform != "win32":
        return False
    subprocess.Popen(["explorer", f"/select,{Path(path)}"])  # pragma: no cover
    return True  # pragma: no cover


__all__ = [
    "LIBREOFFICE",
    "NO_CONVERTER",
    "NO_PRINTER_APP",
    "WORD",
    "WPS",
    "WPS_ONLY",
    "OfficeApp",
    "available",
    "convert_to_pdf",
    "describe",
    "find_soffice",
    "find_word",
    "find_wps",
    "print_file",
    "reveal_in_folder",
    "unique_path",
]
