"""The table models behind the 单位管理 lists: Qt's model contract, sorting, and grey retired rows."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QBrush

from desktop_app.core.demo import populate_demo
from desktop_app.core.session import open_session
from desktop_app.core.unit_bulk import preview_from_text
from desktop_app.core.unit_groups import expand_group, list_groups
from desktop_app.core.units import list_units, retire_unit
from desktop_app.ui.table_models.unit_models import (
    BulkPreviewModel,
    GroupTableModel,
    MemberTableModel,
    UnitTableModel,
)

SHORT_NAME = 1


@pytest.fixture
def demo_db(tmp_path):
    session = open_session(tmp_path / "models.sqlite")
    try:
        populate_demo()
        yield session
    finally:
        session.close()


def column_texts(model, column: int) -> list[str]:
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def test_unit_model_contract(qtmodeltester, demo_db):
    model = UnitTableModel()
    model.set_rows(list_units(include_retired=True))
    assert model.rowCount() > 30
    assert model.headerData(SHORT_NAME, Qt.Horizontal) == "简称"
    qtmodeltester.check(model)
    model.sort(SHORT_NAME, Qt.DescendingOrder)
    qtmodeltester.check(model)


def test_group_model_contract(qtmodeltester, demo_db):
    model = GroupTableModel()
    model.set_rows(list_groups())
    assert model.rowCount() == 4
    qtmodeltester.check(model)


def test_member_model_contract(qtmodeltester, demo_db):
    model = MemberTableModel()
    group = next(g for g in list_groups() if g.name == "各行政执法部门〔单位〕")
    model.set_rows(expand_group(group.id))
    assert model.rowCount() == group.member_count > 0
    assert "红寺堡区司法局" in column_texts(model, 0)
    qtmodeltester.check(model)


def test_bulk_preview_model_contract(qtmodeltester, demo_db):
    model = BulkPreviewModel()
    model.set_rows(preview_from_text("红寺堡区教育局\n红寺堡区档案馆\t\t\t123\n红寺堡区乡村振兴局").rows)
    assert model.rowCount() == 3
    qtmodeltester.check(model)
    error_row = column_texts(model, 1).index("红寺堡区档案馆")
    assert isinstance(model.data(model.index(error_row, 6), Qt.ForegroundRole), QBrush)
    assert "18 位" in model.data(model.index(error_row, 6))


def test_empty_models_are_valid(qtmodeltester, qapp):
    for model in (UnitTableModel(), GroupTableModel(), MemberTableModel(), BulkPreviewModel()):
        qtmodeltester.check(model)
        assert model.rowCount() == 0
        assert model.data(model.index(0, 0)) is None
        assert model.rowCount(model.index(0, 0)) == 0
        assert model.columnCount(QModelIndex()) > 0


def test_sorting_by_short_name(demo_db):
    model = UnitTableModel()
    model.set_rows(list_units())
    model.sort(SHORT_NAME, Qt.AscendingOrder)
    shorts = column_texts(model, SHORT_NAME)
    assert shorts == sorted(shorts)
    assert shorts != column_texts(_fresh_model(), SHORT_NAME)  # tree order is not alphabetical
    model.sort(SHORT_NAME, Qt.DescendingOrder)
    assert column_texts(model, SHORT_NAME) == sorted(shorts, reverse=True)


def _fresh_model() -> UnitTableModel:
    model = UnitTableModel()
    model.set_rows(list_units())
    return model


def test_header_clicks_sort_then_reverse_units_tab(qtbot, demo_window):
    """Clicking 简称 sorts by it; clicking it again reverses the order, and the arrow says which."""
    demo_window.show_page("units")
    tab = demo_window.page("units").units_tab
    header = tab.table.horizontalHeader()
    point = QPoint(header.sectionViewportPosition(SHORT_NAME) + header.sectionSize(SHORT_NAME) // 2, 5)
    orders = []
    for _ in range(2):
        qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=point)
        shorts = column_texts(tab.model, SHORT_NAME)
        assert shorts in (sorted(shorts), sorted(shorts, reverse=True))
        order = Qt.AscendingOrder if shorts == sorted(shorts) else Qt.DescendingOrder
        assert header.sortIndicatorSection() == SHORT_NAME
        assert header.sortIndicatorOrder() == order, "the arrow points the other way than the rows"
        orders.append(order)
    assert orders[0] != orders[1], "a second click on 简称 does not reverse the order"


def muted_rows(model) -> set[str]:
    return {model.rows[r].name for r in range(model.rowCount())
            if model.data(model.index(r, 0), Qt.ForegroundRole) is not None}


def test_retired_units_grey_only_when_shown(qtbot, demo_window):
    tab = demo_window.page("units").units_tab
    retire_unit(next(r.id for r in list_units() if r.name == "红寺堡区审计局"))
    tab.refresh()
    assert not tab.show_retired.isChecked()
    assert "红寺堡区审计局" not in column_texts(tab.model, 0)
    assert muted_rows(tab.model) == set()
    qtbot.mouseClick(tab.show_retired, Qt.LeftButton)
    assert tab.show_retired.isChecked()
    assert muted_rows(tab.model) == {"红寺堡区审计局"}
    row = [r.name for r in tab.model.rows].index("红寺堡区审计局")
    brush = tab.model.data(tab.model.index(row, 3), Qt.ForegroundRole)
    assert isinstance(brush, QBrush)
    assert brush.color().name() == "#8a8a8a"
    assert tab.model.data(tab.model.index(0, 0), Qt.ForegroundRole) is None  # active rows keep the default
