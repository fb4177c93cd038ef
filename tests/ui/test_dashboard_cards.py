"""The 工作台's personnel and training cards from core/dashboard_figures: the same text whether the figures are
computed at once (a county), one per turn of the event loop (up to a prefecture's size) or on a worker thread
(beyond); the cards never load the roster or a training ledger (the pages' caches stay empty)."""
from __future__ import annotations

import pytest

from desktop_app.ui import roster_loader, training_loader
from desktop_app.ui.pages import dashboard_page


def settled(dashboard) -> bool:
    return not (dashboard._personnel_stale or dashboard._training_stale or dashboard._personnel_job is not None
                or dashboard._training_job is not None)


def cards(dashboard) -> tuple[str, str]:
    return dashboard.personnel.body.text(), dashboard.training.body.text()


@pytest.mark.parametrize("path", ["turns", "worker"])
def test_the_same_cards_on_every_path(qtbot, demo_window, monkeypatch, path):
    dashboard = demo_window.page("dashboard")
    qtbot.waitUntil(lambda: settled(dashboard) and "人均" in dashboard.training.body.text(), timeout=20_000)
    at_once = cards(dashboard)
    assert "在职执法人员" in at_once[0] and "人均" in at_once[1]
    monkeypatch.setattr(roster_loader, "BACKGROUND_FROM", 0)  # the demo's 600 officers count as many
    if path == "worker":
        monkeypatch.setattr(dashboard_page, "WORKER_FROM", 0)
    dashboard.refresh()
    assert not settled(dashboard)  # on a coming turn, or on the worker thread
    qtbot.waitUntil(lambda: settled(dashboard), timeout=20_000)
    assert cards(dashboard) == at_once


def test_the_cards_leave_the_pages_caches_alone(qtbot, demo_window):
    from desktop_app.core.settings import get_setting
    from desktop_app.core.training.ledger import year_range

    roster_loader.forget()
    training_loader.forget()
    dashboard = demo_window.page("dashboard")
    dashboard.refresh()
    qtbot.waitUntil(lambda: settled(dashboard) and "人均" in dashboard.training.body.text(), timeout=20_000)
    assert not roster_loader._results and getattr(roster_loader._cache, "_key", None) is None
    assert training_loader.cached_ledger(*year_range(get_setting("current_year"))) is None


def test_a_failing_figure_is_logged_and_the_other_card_still_comes(qtbot, demo_window, monkeypatch, caplog):
    from desktop_app.core import dashboard_figures

    dashboard = demo_window.page("dashboard")
    qtbot.waitUntil(lambda: settled(dashboard), timeout=20_000)
    monkeypatch.setattr(roster_loader, "BACKGROUND_FROM", 0)

    def broken(today=None):
        raise RuntimeError("磁盘读取失败")

    monkeypatch.setattr(dashboard_figures, "personnel_figures", broken)
    dashboard.training.body.setText("")
    dashboard.refresh()
    qtbot.waitUntil(lambda: settled(dashboard), timeout=20_000)
    assert "人均" in dashboard.training.body.text()
    assert "磁盘读取失败" in caplog.text
