"""Shared fixtures. Nothing a test does may touch the clerk's real data folder or need a display."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path, monkeypatch):
    """paths.user_data_dir() points into this test's tmp dir (subprocesses inherit it)."""
    data_dir = tmp_path / "user-data"
    monkeypatch.setenv("DESKTOP_APP_DATA_DIR", str(data_dir))
    return data_dir


def subprocess_env() -> dict[str, str]:
    """The current environment (with the per-test data dir) plus the checkout on PYTHONPATH."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@pytest.fixture
def child_env() -> dict[str, str]:
    """Environment for a child interpreter started by hand (subprocess.Popen)."""
    return subprocess_env()


@pytest.fixture
def run_python():
    """Run `python -c code *args` in a fresh interpreter; returns the CompletedProcess."""

    def run(code: str, *args: object, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True,
                              text=True, encoding="utf-8", env=subprocess_env(), cwd=REPO_ROOT,
                              timeout=timeout)

    return run


@pytest.fixture
def run_app():
    """Run `python -m desktop_app *args` (the headless command line) in a fresh interpreter."""

    def run(*args: object, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "desktop_app", *map(str, args)], capture_output=True,
                              text=True, encoding="utf-8", env=subprocess_env(), cwd=REPO_ROOT,
                              timeout=timeout)

    return run


def table_counts(path: Path) -> dict[str, int]:
    """Rows per table of a closed database file, read with the standard library only."""
    conn = sqlite3.connect(f"file:{Path(path).as_posix()}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


@pytest.fixture
def counts():
    return table_counts


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "taizhang.sqlite"


@pytest.fixture
def session(db_path):
    """A fresh, migrated, empty database, open for this test only."""
    from desktop_app.core.session import open_session

    opened = open_session(db_path)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The seeded demo county built once per test run (≈ 2.5 s with its 600 officers) and copied for each
    test that needs it; a closed, checkpointed single file."""
    from desktop_app.core.demo import populate_demo
    from desktop_app.core.session import open_session

    path = tmp_path_factory.mktemp("demo-template") / "demo.sqlite"
    opened = open_session(path)
    try:
        populate_demo()
    finally:
        opened.close()
    leftovers = [p.name for p in path.parent.iterdir() if p.name.startswith("demo.sqlite-")]
    assert not leftovers, f"demo template is not self-contained: {leftovers}"
    return path


@pytest.fixture
def demo_session(db_path, demo_template):
    """A fresh copy of the seeded demo county, open for this test only."""
    import shutil

    from desktop_app.core.session import open_session

    shutil.copyfile(demo_template, db_path)
    opened = open_session(db_path)
    try:
        yield opened
    finally:
        opened.close()
