"""What a file picked for import really is (judged by its content, never by its extension), and whether
it is safe to unpack, before openpyxl or python-docx is let near it.

`check_zip_container` raises AppError with a Chinese message that names the file for: a missing or
unreadable file, an empty file, an OLE2 compound file (an encrypted .xlsx/.docx, or an old .xls/.et/.doc),
text/CSV/HTML/XML/PDF renamed to .xlsx/.docx, a truncated or damaged zip, a zip that is not the
expected kind of Office document, zip-level encryption, and zip bombs (the sizes in the zip's central
directory are checked; nothing is inflated). Standard library only, so importing it costs nothing.
"""
from __future__ import annotations

import codecs
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.errors import AppError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # all members together, as declared in the central directory
MAX_RATIO = 200  # a member unpacking to more than this many times its packed size ...
RATIO_FLOOR_BYTES = 20 * 1024 * 1024  # ... and to more than this is refused
MAX_MEMBERS = 10_000
_SNIFF_BYTES = 8192
_MB = 1024 * 1024


@dataclass(frozen=True)
class _Kind:
    ext: str  # ".xlsx"
    noun: str  # "Excel 工作簿"
    apps: str  # "Excel/WPS"
    folder: str  # the package folder of this kind: "xl/"


KINDS = {
    ".xlsx": _Kind(".xlsx", "Excel 工作簿", "Excel/WPS", "xl/"),
    ".docx": _Kind(".docx", "Word 文档", "Word/WPS", "word/"),
}
# Streams of an OLE2 compound file → what the file is.
_OLE2_STREAMS = {
    "Workbook": (".xlsx", "旧版 Excel/WPS 表格（.xls/.et）"),
    "Book": (".xlsx", "旧版 Excel 表格（Excel 5.0/95 的 .xls）"),
    "WordDocument": (".docx", "旧版 Word/WPS 文档（.doc/.wps）"),
    "PowerPoint Document": ("", "旧版 PowerPoint 演示文稿（.ppt）"),
}
_ENCRYPTED_STREAMS = {"EncryptionInfo", "EncryptedPackage"}
# Top folders of the other Office Open XML packages.
_OOXML_FOLDERS = {"xl/": "Excel 工作簿（.xlsx）", "word/": "Word 文档（.docx）", "ppt/": "PowerPoint 演示文稿（.pptx）"}
_ODF_TYPES = {
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument 表格（.ods）",
    "application/vnd.oasis.opendocument.text": "OpenDocument 文档（.odt）",
}


def kind_of(kind_label: str) -> _Kind:
    return KINDS[kind_label if kind_label.startswith(".") else "." + kind_label]


def check_zip_container(path: Path, required_member: str, kind_label: str) -> None:
    """Raise AppError unless `path` is a zip holding `required_member` (or at least the package folder
    of `kind_label`, ".xlsx" or ".docx") whose declared unpacked sizes are sane."""
    path = Path(path)
    kind = kind_of(kind_label)
    name = path.name
    head = _read_head(path)
    if not head:
        raise AppError(f"文件“{name}”是空文件（0 字节），没有任何内容。请确认选择了正确的文件。")
    if head.startswith(OLE2_MAGIC):
        raise AppError(ole2_message(path, kind))
    if not head.startswith(b"PK"):
        raise AppError(_not_a_zip_message(path, head, kind))
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_sizes(name, infos, kind)
            names = {info.filename for info in infos}
            if any(info.flag_bits & 0x1 for info in infos):
                raise AppError(f"文件“{name}”已加密（压缩包设置了密码），无法读取。请在 {kind.apps} 中打开它，"
                               f"取消密码并另存为 {kind.ext} 后再导入。")
            if required_member in names or (
                    "[Content_Types].xml" in names and any(n.startswith(kind.folder) for n in names)):
                return
            if any(n.startswith(kind.folder) for n in names):  # the right kind, with parts missing
                raise AppError(damaged_message(name, kind, "缺少必要的组成部分"))
            raise AppError(_wrong_zip_message(name, archive, names, kind))
    except AppError:
        raise
    except Exception:  # BadZipFile, truncated central directory, struct/OSError/EOF on a damaged file
        raise AppError(damaged_message(name, kind)) from None


def damaged_message(name: str, kind: _Kind, detail: str = "") -> str:
    extra = f"（{detail}）" if detail else ""
    return (f"文件“{name}”不完整或已损坏{extra}，无法读取（可能没有下载或复制完整）。请重新获取原文件，"
            f"或在 {kind.apps} 中打开它并另存为 {kind.ext} 后再导入。")


def _sp(label: str) -> str:
    """A space between Chinese text and a label that starts with a Latin word: “是 Word 文档”."""
    return " " + label if label[:1].isascii() else label


def _read_head(path: Path) -> bytes:
    name = path.name
    try:
        if path.is_dir():
            raise AppError(f"“{name}”是一个文件夹，不是文件。")
        with open(path, "rb") as handle:
            return handle.read(_SNIFF_BYTES)
    except AppError:
        raise
    except FileNotFoundError:
        raise AppError(f"找不到文件“{name}”，它可能已被移动或删除。") from None
    except PermissionError:
        raise AppError(f"无法打开文件“{name}”：没有读取权限，或文件正被其他程序（如 Excel、WPS）独占打开。"
                       "请关闭该文件后重试。") from None
    except OSError as exc:
        raise AppError(f"无法读取文件“{name}”（{exc.strerror or type(exc).__name__}）。") from None


def _check_sizes(name: str, infos: list[zipfile.ZipInfo], kind: _Kind) -> None:
    refuse = (f"文件“{name}”内部数据异常庞大（{{what}}），不像正常的 {kind.noun}，为安全起见已拒绝读取。"
              f"请确认文件来源；如确需导入，请在 {kind.apps} 中打开后另存为 {kind.ext} 再试。")
    if len(infos) > MAX_MEMBERS:
        raise AppError(refuse.format(what=f"包含 {len(infos)} 个内部文件"))
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise AppError(refuse.format(
                what=f"其中一部分解压后约 {info.file_size // _MB} MB，压缩比 {ratio}:1"))
    if total > MAX_UNPACKED_BYTES:
        raise AppError(refuse.format(what=f"解压后约 {total // _MB} MB，超过 {MAX_UNPACKED_BYTES // _MB} MB"))


def _wrong_zip_message(name: str, archive: zipfile.ZipFile, names: set[str], kind: _Kind) -> str:
    for folder, label in _OOXML_FOLDERS.items():
        if folder != kind.folder and any(n.startswith(folder) for n in names):
            return f"文件“{name}”是{_sp(label)}，不是 {kind.noun}（{kind.ext}）。请确认选择了正确的文件。"
    if "mimetype" in names:
        try:
            mimetype = archive.read("mimetype")[:200].decode("ascii", "replace").strip()
        except Exception:
            mimetype = ""
        if mimetype in _ODF_TYPES:
            return (f"文件“{name}”是{_sp(_ODF_TYPES[mimetype])}，不是 {kind.noun}。请在 {kind.apps} 中打开它，"
                    f"“另存为” {kind.ext} 后再导入。")
    inner = sorted(n for n in names if n.lower().endswith(kind.ext))
    if inner:
        shown = "、".join(f"“{Path(n).name}”" for n in inner[:3]) + ("等" if len(inner) > 3 else "")
        return f"文件“{name}”是一个压缩包，里面有 {shown}。请先解压，再选择其中的 {kind.ext} 文件导入。"
    return f"文件“{name}”是一个压缩包（zip），不是 {kind.noun}（{kind.ext}）。请确认选择了正确的文件。"


# ---------------------------------------------------------------------------------------------- OLE2

def ole2_message(path: Path, kind: _Kind) -> str:
    name = path.name
    streams = ole2_stream_names(path)
    if streams and streams & _ENCRYPTED_STREAMS:
        return (f"文件“{name}”已加密（设置了打开密码），无法读取。请在 {kind.apps} 中打开它，取消密码后"
                f"“另存为” {kind.ext} 再导入。")
    for stream, (ext, label) in _OLE2_STREAMS.items():
        if streams and stream in streams:
            if ext == kind.ext:
                return (f"文件“{name}”是{_sp(label)}，无法直接读取。请在 {kind.apps} 中打开它，“另存为” {kind.ext} "
                        "后再导入。")
            return f"文件“{name}”是{_sp(label)}，不是 {kind.noun}（{kind.ext}）。请确认选择了正确的文件。"
    return (f"文件“{name}”已加密（设置了打开密码）或是旧版 {kind.apps} 格式，请在 {kind.apps} 中取消密码并"
            f"另存为 {kind.ext} 后再导入。")


def ole2_stream_names(path: Path, max_sectors: int = 4096) -> set[str] | None:
    """Names in the directory of an OLE2 compound file (MS-CFB), or None if it cannot be read.
    Reads only the header, the FAT sectors listed in the header and the directory chain."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(0)
            header = handle.read(512)
            if len(header) < 512 or not header.startswith(OLE2_MAGIC):
                return None
            shift = struct.unpack_from("<H", header, 30)[0]
            if shift not in (9, 12):
                return None
            sector_size = 1 << shift
            fat_count, first_dir = struct.unpack_from("<II", header, 44)
            difat = [s for s in struct.unpack_from("<109I", header, 76) if s < 0xFFFFFFFA][:fat_count]

            def sector(number: int) -> bytes:
                offset = (number + 1) * sector_size
                if number >= 0xFFFFFFFA or offset + sector_size > size:
                    raise ValueError(number)
                handle.seek(offset)
                return handle.read(sector_size)

            fat: list[int] = []
            for number in difat[:max_sectors]:
                data = sector(number)
                fat.extend(struct.unpack(f"<{sector_size // 4}I", data))
            names: set[str] = set()
            current, seen = first_dir, set()
            while current < 0xFFFFFFFA and current not in seen and len(seen) < max_sectors:
                seen.add(current)
                data = sector(current)
                for offset in range(0, sector_size, 128):
                    entry = data[offset:offset + 128]
                    length, entry_type = struct.unpack_from("<HB", entry, 64)
                    if entry_type in (1, 2, 5) and 2 <= length <= 64:
                        names.add(entry[:length - 2].decode("utf-16-le", "replace"))
                current = fat[current] if current < len(fat) else 0xFFFFFFFE
            return names
    except (OSError, ValueError, struct.error):
        return None


# ------------------------------------------------------------------------------------------ not a zip

def _not_a_zip_message(path: Path, head: bytes, kind: _Kind) -> str:
    name = path.name
    suffix = path.suffix or "（无扩展名）"
    what = _describe_non_zip(head)
    if what is None:
        return (f"文件“{name}”不是有效的 {kind.ext} 文件（无法识别的格式，可能已损坏，或只是改了扩展名）。"
                f"请在 {kind.apps} 中打开原文件，“另存为” {kind.ext} 后再导入。")
    return (f"文件“{name}”不是有效的 {kind.ext} 文件：它其实是{_sp(what)}，只是扩展名为“{suffix}”。请用 {kind.apps} "
            f"打开它，再“另存为” {kind.ext} 后导入。")


def _describe_non_zip(head: bytes) -> str | None:
    if head.startswith(b"%PDF"):
        return "PDF 文件"
    if head.startswith(b"{\\rtf"):
        return "RTF 文档"
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            text = codecs.getincrementaldecoder(encoding)("replace").decode(head[len(bom):])
            return _describe_text(text)
    if b"\x00" in head:
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
        if controls <= len(text) // 100:
            return _describe_text(text)
    return None


def _describe_text(text: str) -> str:
    start = text.lstrip().lower()
    if start.startswith("mime-version:"):
        return "网页存档（.mht）文件"
    if start.startswith("<?xml"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in start:
            return "Excel 2003 XML 表格"
        if "schemas.microsoft.com/office/word/2003" in start:
            return "Word 2003 XML 文档"
        return "XML 文本文件"
    if start.startswith(("<!doctype html", "<html")) or "<table" in start[:2000]:
        return "网页（HTML）文件"
    return "文本/CSV 文件"
