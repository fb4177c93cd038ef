"""Writing files the clerk asked for (exports, reports, backups) without ever leaving a half-written file
under the real name: write to a temporary name in the same folder, flush to disk, then rename over."""
from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from desktop_app.core.errors import AppError


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def in_use_message(path: Path) -> str:
    return f"文件被占用，请关闭后重试：“{Path(path).name}”可能正在 Excel、WPS 或 Word 中打开。"


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target` in one rename.

    A crash leaves at most a stray temp file, never a truncated target. A target held open by another
    program (Windows refuses the rename) raises AppError with 文件被占用.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix + ".part",
                                         dir=target.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        yield temp
        _fsync(temp)
        os.chmod(temp, 0o666 & ~_UMASK)  # mkstemp makes files private; an export should not be
        try:
            os.replace(temp, target)
        except PermissionError as exc:
            raise AppError(in_use_message(target)) from exc
    finally:
        if temp.exists():
            temp.unlink()


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())
