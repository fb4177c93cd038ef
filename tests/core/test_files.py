"""Files the app writes appear whole or not at all; a target held open by Excel/Word gets a clear message."""
from __future__ import annotations

import os

import pytest

from desktop_app.core import files
from desktop_app.core.errors import AppError
from desktop_app.core.files import atomic_path


def test_a_failure_while_writing_leaves_the_old_file_and_no_temp(tmp_path):
    target = tmp_path / "统计表.xlsx"
    target.write_bytes(b"old version")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as temp:
            temp.write_bytes(b"half of the new")
            raise RuntimeError("crash while writing")
    assert target.read_bytes() == b"old version"
    assert list(tmp_path.iterdir()) == [target]


def test_success_replaces_the_target_in_one_step(tmp_path):
    target = tmp_path / "sub" / "报告.docx"
    with atomic_path(target) as temp:
        assert temp.parent == target.parent and temp != target
        temp.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    assert list(target.parent.iterdir()) == [target]


def test_a_target_open_in_another_program_says_so(tmp_path, monkeypatch):
    target = tmp_path / "操作记录.xlsx"
    target.write_bytes(b"open in Excel")

    def refuse(src, dst):  # what Windows does when Excel holds the file
        raise PermissionError(13, "The process cannot access the file", str(dst))

    monkeypatch.setattr(files.os, "replace", refuse)
    with pytest.raises(AppError, match="文件被占用，请关闭后重试") as caught:
        with atomic_path(target) as temp:
            temp.write_bytes(b"new")
    assert "操作记录.xlsx" in str(caught.value)
    monkeypatch.setattr(files.os, "replace", os.replace)
    assert target.read_bytes() == b"open in Excel"
    assert list(tmp_path.iterdir()) == [target]


def test_written_files_get_ordinary_permissions(tmp_path):
    target = tmp_path / "台账.xlsx"
    with atomic_path(target) as temp:
        temp.write_bytes(b"x")
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask  # not the 0600 of a temp file
