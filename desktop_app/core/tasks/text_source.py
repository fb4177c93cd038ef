"""Reading a plain-text task list in whatever encoding Windows saved it, without asking the clerk.

Notepad and WPS write UTF-8 (with or without a BOM), UTF-16 (“Unicode”, with a BOM; some tools without
one) and GBK/GB18030 (“ANSI” on a Chinese Windows). Order of trust: a BOM; UTF-16 without a BOM told by
its NUL bytes; UTF-8, also with a damaged byte or two (GBK text of any length fails it on nearly every
character); strict GB18030. Binary files (pictures, archives, old .doc) are refused with a message that
names the file.
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path

from desktop_app.core.errors import AppError

MAX_BYTES = 20 * 1024 * 1024  # a task list is a few dozen KB; more is not a task list
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# Control characters text files do not hold (\x1a is the end-of-file mark old DOS editors leave).
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f]")


def read_bytes(path: Path, limit: int = MAX_BYTES, *, head_only: bool = False) -> bytes:
    """The file's bytes (only the first `limit` if `head_only`), or an AppError naming the file:
    missing, a folder, no permission, or (unless `head_only`) larger than `limit`."""
    path = Path(path)
    name = path.name
    try:
        if path.is_dir():
            raise AppError(f"“{name}”是一个文件夹，不是文件。")
        with open(path, "rb") as handle:
            data = handle.read(limit if head_only else limit + 1)
    except AppError:
        raise
    except FileNotFoundError:
        raise AppError(f"找不到文件“{name}”，它可能已被移动或删除。") from None
    except PermissionError:
        raise AppError(f"无法打开文件“{name}”：没有读取权限，或文件正被其他程序独占打开。请关闭该文件后重试。") from None
    except OSError as exc:
        raise AppError(f"无法读取文件“{name}”（{exc.strerror or type(exc).__name__}）。") from None
    if len(data) > limit:
        raise AppError(f"文件“{name}”超过 {limit // (1024 * 1024)} MB，不像是任务清单文本，已拒绝读取。")
    return data


def decode_text(data: bytes) -> str | None:
    """The text of `data` with line endings normalised to \\n, or None if it is not text."""
    text = _decode(data)
    if text is None or not _looks_like_text(text):
        return None
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\x1a", "")


def read_text_file(path: Path) -> str:
    path = Path(path)
    text = decode_text(read_bytes(path))
    if text is None:
        raise AppError(f"文件“{path.name}”不是文本文件（可能是图片、压缩包或其他程序的文件），无法读取。"
                       "请选择 Word 文档（.docx）、Excel 表格（.xlsx）或文本文件（.txt）。")
    return text


def _decode(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    utf16 = _bomless_utf16(data)
    if utf16:
        try:
            return data.decode(utf16)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # UTF-8 with a damaged byte or two (a file cut mid-character) must not fall through to GB18030, which
    # would read it as nonsense; GBK text read as UTF-8 fails on nearly every Chinese character instead.
    text = data.decode("utf-8", errors="replace")
    wide = sum(1 for ch in text if ord(ch) > 0x7F)
    if wide >= 200 and text.count("\ufffd") <= max(4, wide // 200):
        return text
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return None


def _bomless_utf16(data: bytes) -> str | None:
    """“utf-16-le”/“utf-16-be” when NUL bytes sit almost only at odd (LE) or even (BE) offsets: the high
    byte of ASCII characters (digits, punctuation, line breaks) in UTF-16."""
    sample = data[:65536]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    pairs = len(sample) // 2
    if odd >= max(2, pairs // 50) and even <= odd // 20:
        return "utf-16-le"
    if even >= max(2, pairs // 50) and odd <= even // 20:
        return "utf-16-be"
    return None


def _looks_like_text(text: str) -> bool:
    if "\x00" in text:
        return False
    controls = len(_CONTROLS.findall(text))
    replaced = text.count("\ufffd")
    return controls <= len(text) // 200 and replaced <= max(2, len(text) // 100)
