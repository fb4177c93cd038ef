"""Single writer per database: an OS-level lock on `<db>.lock`, held for the whole session.

The OS drops the lock when the process dies, so a crash never leaves a stale lock behind; the file's text
(who, which process, since when) only serves the message shown to the second instance.
"""
from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import socket
import sys
from pathlib import Path

from desktop_app.core.errors import DatabaseLocked

_LOCK_OFFSET = 4096  # lock a byte past the text so Windows still lets others read who holds it


class DatabaseLock:
    def __init__(self, db_path: Path) -> None:
        self.path = Path(str(db_path) + ".lock")
        self._handle = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+b")
        try:
            _lock(handle)
        except OSError:
            handle.close()
            raise DatabaseLocked(self._held_message()) from None
        handle.seek(0)
        handle.truncate()
        info = {"pid": os.getpid(), "user": _user(), "host": socket.gethostname(),
                "since": dt.datetime.now().isoformat(timespec="seconds")}
        handle.write(json.dumps(info, ensure_ascii=False).encode("utf-8"))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            try:
                _unlock(self._handle)
            finally:
                self._handle.close()
                self._handle = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def _held_message(self) -> str:
        try:
            info = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            info = {}
        who = f"（{info.get('user', '未知用户')}，进程 {info.get('pid', '?')}，自 {info.get('since', '?')} 起）"
        return (f"数据库“{self.path.with_suffix('').name}”已被另一个“执法质量台账”窗口打开{who}。"
                "同一时间只能有一个窗口修改它，请切换到已打开的窗口，或关闭它后再试。")

    def __enter__(self) -> "DatabaseLock":
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some service contexts
        return "未知用户"


if sys.platform == "win32":
    import msvcrt

    def _lock(handle) -> None:
        handle.seek(_LOCK_OFFSET)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle) -> None:
        handle.seek(_LOCK_OFFSET)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    # flock, not lockf: flock conflicts between two opens in one process too, like msvcrt on Windows
    def _lock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
