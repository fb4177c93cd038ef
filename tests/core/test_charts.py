"""Charts (core/charts.py): matplotlib Figures with Chinese labels — each renders to a PNG at print
resolution with no missing-glyph warning, the bundled OFL subset font is found through resource_path (also
from a PyInstaller bundle) and draws everything when no system CJK font exists, and importing the module does
not import matplotlib (start-up time)."""
from __future__ import annotations

import json
import logging
import struct
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from desktop_app.core import charts
from desktop_app.core.personnel.roster import RosterRow
from desktop_app.core.training.ledger import OfficerHours
from desktop_app.paths import resource_path

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass
class Unit:  # the fields of ledger.UnitTraining the chart reads
    unit_name: str
    reaching: int
    officers: int


UNITS = [Unit("红寺堡区市场监督管理分局", 18, 20), Unit("红寺堡区综合执法局", 12, 12),
         Unit("红寺堡区人力资源和社会保障局", 7, 14), Unit("大河乡人民政府", 0, 5), Unit("没有执法人员的单位", 0, 0)]
HOURS = [0, 0, 12.5, 30, 45, 59.5, 60, 60, 66, 72, 90, 130, 200]
CERTS = {"有效": 40, "即将到期": 3, "暂扣": 1, "过期": 2, "申领中": 1, "未发证": 0}
# (unit, met, total): 已完成 or 正常 shares of tasks out of all of the unit's shares
COMPLETION = [("红寺堡区综合执法局", 12, 12), ("红寺堡区人力资源和社会保障局", 21, 39), ("大河乡人民政府", 0, 5),
              ("红寺堡区市场监督管理分局", 20, 30), ("没有分工的单位", 0, 0), ("柳泉乡人民政府", 9, 10)]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    return struct.unpack(">II", data[16:24])


def all_charts() -> dict[str, object]:
    return {"hours": charts.hours_distribution(HOURS, 60),
            "units": charts.unit_reach_rates(UNITS),
            "certificates": charts.certificate_status(CERTS, total=47),
            "completion": charts.unit_completion_rates(COMPLETION),
            "empty hours": charts.hours_distribution([], 60),
            "empty units": charts.unit_reach_rates([]),
            "empty certificates": charts.certificate_status({}),
            "empty completion": charts.unit_completion_rates([])}


def test_each_chart_renders_to_a_png_at_print_resolution(tmp_path):
    for name, fig in all_charts().items():
        data = charts.figure_png(fig)
        width, height = png_size(data)
        assert width == round(charts.PAGE_WIDTH * charts.DPI), name  # the A4 text width at 200 dpi
        assert height > 500 and len(data) > 10_000, name
    fig = charts.hours_distribution(HOURS, 60)
    small = charts.figure_png(fig, dpi=50)
    assert png_size(small)[0] == round(charts.PAGE_WIDTH * 50)
    saved = charts.save_png(fig, tmp_path / "图表" / "学时分布.png")
    assert saved.read_bytes()[:8] == PNG_SIGNATURE and png_size(saved.read_bytes())[0] == 1220
    assert not [p for p in saved.parent.iterdir() if ".part" in p.name]


def test_chinese_text_draws_without_missing_glyph_warnings(caplog):
    caplog.set_level(logging.WARNING, logger="matplotlib")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for fig in all_charts().values():
            charts.figure_png(fig, dpi=72)
        fig = charts.unit_reach_rates([Unit("（测试）单位 A&B $5 —“引号”", 1, 3)], title="达标率：≥60学时 ①")
        charts.figure_png(fig, dpi=72)
        # a dashboard box: no title, names shortened with “…”, the summary on two lines, lying certificate bars
        for fig in (charts.unit_completion_rates(COMPLETION * 10, title="", size=(4, 2.6), max_bars=6, max_name=8),
                    charts.hours_distribution(HOURS, 60, title="", size=(4, 2.6)),
                    charts.certificate_status(CERTS, total=47, title="", size=(4, 2.6))):
            charts.figure_png(fig, dpi=84)
    messages = [str(w.message) for w in caught]
    assert not [m for m in messages if "Glyph" in m or "missing" in m], messages
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]
    import matplotlib

    assert matplotlib.rcParams["font.sans-serif"][0] == charts.chosen_font()
    assert matplotlib.rcParams["axes.unicode_minus"] is False  # CJK fonts have no U+2212


def test_the_bundled_font_is_a_small_ofl_subset_found_through_resource_path():
    path = charts.bundled_font_path()
    assert path == resource_path("resources", "fonts", "NotoSansSC-GB2312-Regular.otf")
    assert path.is_file() and path.stat().st_size < 3_000_000
    licence = (path.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Adobe" in licence
    from matplotlib import ft2font

    font = ft2font.FT2Font(str(path))
    assert font.family_name == charts.BUNDLED_FAMILY  # renamed: never taken for a full system Noto CJK
    # GB2312 both levels (level 2 has given names such as 婷 and place names such as 泾), the names GB2312
    # lacks that shared/tech.md §3 lists, and the punctuation the charts use
    cmap = font.get_charmap()
    wanted = "执法人员培训学时达标率红寺堡区婷泾堃珺喆玥昇旻瑄镕彧祎垚犇（），：；、。“”—…≥％%0123456789AZaz"
    assert [ch for ch in wanted if ord(ch) not in cmap] == []
    assert charts.BUNDLED_FAMILY in charts.font_families()  # registered, always the last resort
    assert charts.font_families()[-1] == charts.BUNDLED_FAMILY


def test_the_bundled_font_is_found_in_a_pyinstaller_bundle(tmp_path, monkeypatch):
    bundle = tmp_path / "_internal"
    target = bundle / "resources" / "fonts" / "NotoSansSC-GB2312-Regular.otf"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"")
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert charts.bundled_font_path() == target


FALLBACK = r"""
import json, warnings, logging
from matplotlib import font_manager
manager = font_manager.fontManager
# a machine without any Chinese font: only the bundled subset is left
manager.ttflist = [f for f in manager.ttflist
                   if not any(k in f.name for k in ("CJK", "WenQuanYi", "Hei", "YaHei", "Source Han", "Noto Sans SC",
                                                     "DengXian", "Droid Sans Fallback", "AR PL"))]
from dataclasses import dataclass
from desktop_app.core import charts

@dataclass
class Unit:
    unit_name: str
    reaching: int
    officers: int

records = []
handler = logging.Handler()
handler.emit = records.append
logging.getLogger("matplotlib").addHandler(handler)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    sizes = [len(charts.figure_png(fig, dpi=72)) for fig in (
        charts.hours_distribution([0, 12, 59.5, 60, 75, 300], 60),
        charts.unit_reach_rates([Unit("红寺堡区泾源镇人民政府", 3, 4), Unit("柳泉乡人民政府", 4, 4)]),
        charts.certificate_status({"有效": 10, "暂扣": 1, "过期": 2}, total=13),
        charts.unit_completion_rates([("红寺堡区泾源镇人民政府", 3, 4)] + [(f"单位{i}", 2, 2) for i in range(30)]))]
import sys
print(json.dumps({"families": charts.font_families(), "sizes": sizes, "pyplot": "matplotlib.pyplot" in sys.modules,
                  "warnings": [str(w.message) for w in caught],
                  "log": [r.getMessage() for r in records if r.levelno >= logging.WARNING]}, ensure_ascii=False))
"""


def test_without_a_system_chinese_font_the_bundled_one_draws_everything(run_python):
    result = run_python(FALLBACK)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["families"] == [charts.BUNDLED_FAMILY]
    assert report["warnings"] == [] and report["log"] == []
    assert report["pyplot"] is False  # Figures only: no global figure state, no GUI backend
    assert all(size > 5_000 for size in report["sizes"]) and len(report["sizes"]) == 4


def test_importing_charts_does_not_import_matplotlib(run_python):
    result = run_python("import sys, desktop_app.core.charts\n"
                        "print(sorted(m for m in ('matplotlib', 'numpy', 'PySide6') if m in sys.modules))")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def bars(fig) -> list:
    return [p for p in fig.axes[0].patches if p.get_height() > 0 or p.get_width() > 0]


def test_hours_histogram_counts_everyone_and_marks_the_threshold():
    from matplotlib.colors import to_hex

    fig = charts.hours_distribution(HOURS, 60)
    ax = fig.axes[0]
    patches = ax.patches
    assert sum(p.get_height() for p in patches) == len(HOURS)
    lefts = [round(p.get_x(), 6) for p in patches]
    assert 60 in lefts and lefts[:7] == [0, 10, 20, 30, 40, 50, 60]  # the threshold is a bin edge
    for patch in patches:
        assert to_hex(patch.get_facecolor()) == (charts.RED if patch.get_x() < 60 else charts.BLUE).lower()
    by_left = {round(p.get_x()): p.get_height() for p in patches}
    assert by_left[0] == 2 and by_left[50] == 1 and by_left[60] == 3  # 59.5 short; 60, 60 and 66 reaching
    assert by_left[180] == 1 and ax.get_xticklabels()[-1].get_text() == "≥180"  # 200 in the open last bin
    assert [line.get_xdata()[0] for line in ax.lines] == [60]
    assert "共 13 人，达标 7 人" in ax.get_title()

    ledger_like = {1: OfficerHours(1, {"业务知识": 50.0, "政治理论": 20.0}), 2: OfficerHours(2, {"公共法律知识": 61.0})}
    patches = charts.hours_distribution(ledger_like, 60).axes[0].patches  # 政治理论 not counted
    assert {round(p.get_x()): p.get_height() for p in patches if p.get_height()} == {50: 1, 60: 1}


def test_a_prorated_threshold_stays_on_a_bin_edge():
    ax = charts.hours_distribution([0, 10, 29.4, 29.5, 31, 44], 29.5).axes[0]
    assert 29.5 in [round(p.get_x(), 6) for p in ax.patches]
    assert all(label.get_text().replace(".", "").isdigit() or label.get_text().startswith("≥")
               for label in ax.get_xticklabels())
    assert "达标 3 人" in ax.get_title()


def test_unit_rates_sorted_with_the_short_ones_in_red():
    from matplotlib.colors import to_hex

    fig = charts.unit_reach_rates(UNITS)
    ax = fig.axes[0]
    names = [label.get_text() for label in ax.get_yticklabels()]
    assert names == ["红寺堡区综合执法局", "红寺堡区市场监督管理分局", "红寺堡区人力资源和社会保障局", "大河乡人民政府"]
    colours = [to_hex(p.get_facecolor()) for p in ax.patches]
    assert colours == [charts.BLUE.lower()] + [charts.RED.lower()] * 3
    assert [round(p.get_width(), 3) for p in ax.patches] == [1.0, 0.9, 0.5, 0.0]
    assert ax.lines[0].get_xdata()[0] == pytest.approx(37 / 51)  # the overall rate
    texts = [t.get_text() for t in ax.texts]
    assert "90.0%（18/20）" in texts and "0.0%（0/5）" in texts
    only_half = charts.unit_reach_rates(UNITS, target=0.5).axes[0]
    assert [to_hex(p.get_facecolor()) for p in only_half.patches].count(charts.RED.lower()) == 1


def test_certificate_states_in_the_usual_order_with_their_shares():
    ax = charts.certificate_status({"过期": 2, "其他": 1, "有效": 40, "暂扣": 1}, total=44).axes[0]
    assert [label.get_text() for label in ax.get_xticklabels()] == ["有效", "暂扣", "过期", "其他"]
    assert [p.get_height() for p in ax.patches] == [40, 1, 2, 1]
    assert [t.get_text() for t in ax.texts] == ["40（90.9%）", "1（2.3%）", "2（4.5%）", "1（2.3%）"]
    assert "44" in ax.get_title()


def test_charts_can_be_drawn_on_worker_threads():
    def draw(index: int) -> int:
        fig = (charts.hours_distribution, charts.unit_reach_rates)[index % 2](*((HOURS, 60), (UNITS,))[index % 2])
        return len(charts.figure_png(fig, dpi=60))

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(size > 5_000 for size in pool.map(draw, range(8)))


def test_figures_are_not_pyplot_figures():
    from matplotlib.figure import Figure

    for fig in all_charts().values():
        assert type(fig) is Figure


@dataclass
class Status:
    label: str


@dataclass
class Assignment:  # the fields of task_board.AssignmentRow completion_by_unit reads
    unit_name: str
    status: Status


def test_completion_by_unit_counts_done_and_on_track_shares_as_met():
    from desktop_app.core import obligations as ob

    rows = [Assignment("甲局", Status(ob.DONE)), Assignment("乙局", Status(ob.OVERDUE)), Assignment("甲局", Status(ob.OK)),
            Assignment("甲局", Status(ob.SOON)), Assignment("乙局", Status(ob.UNREPORTED)),
            Assignment("丙局", Status(ob.OPEN)), Assignment("乙局", Status(ob.DONE))]
    assert charts.completion_by_unit(rows) == [("甲局", 2, 3), ("乙局", 1, 3), ("丙局", 0, 1)]
    assert charts.completion_by_unit([]) == []


def test_unit_completion_rates_worst_first_orange_below_100_red_below_60():
    from matplotlib.colors import to_hex

    fig = charts.unit_completion_rates(COMPLETION)
    ax = fig.axes[0]
    assert fig.get_suptitle() == "各单位任务完成率"
    names = [label.get_text() for label in ax.get_yticklabels()]
    assert names == ["大河乡人民政府", "红寺堡区人力资源和社会保障局", "红寺堡区市场监督管理分局", "柳泉乡人民政府",
                     "红寺堡区综合执法局"]  # worst at the top; the unit without shares left out
    assert [round(p.get_width(), 3) for p in ax.patches] == [0.0, 0.538, 0.667, 0.9, 1.0]
    assert [to_hex(p.get_facecolor()) for p in ax.patches] == [
        charts.RED.lower(), charts.RED.lower(), charts.AMBER.lower(), charts.AMBER.lower(), charts.BLUE.lower()]
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["0.0%（0/5）", "53.8%（21/39）", "66.7%（20/30）", "90.0%（9/10）", "100.0%（12/12）"]
    assert ax.lines[0].get_xdata()[0] == pytest.approx(62 / 96)  # the overall rate
    summary = ax.get_title().replace("\n", "")  # on two lines when the names leave the bars too little room
    assert "共 5 个单位，4 个低于 100%，2 个低于 60%（红色）；总体 64.6%（虚线）" == summary
    assert ax.get_xlim() == (0, 1) and "另有" not in ax.get_xlabel()


def test_many_units_show_the_worst_with_a_note_for_the_rest():
    prefecture = [(f"第{i:02d}单位", 7, 10) for i in range(5)] + [(f"第{i:02d}单位", 20, 20) for i in range(5, 60)]
    fig = charts.unit_completion_rates(prefecture)
    ax = fig.axes[0]
    assert len(ax.patches) == 25
    assert [label.get_text() for label in ax.get_yticklabels()][:6] == [f"第{i:02d}单位" for i in range(6)]
    assert "另有 35 个单位均为 100%，未列出" in ax.get_xlabel()
    assert "共 60 个单位" in ax.get_title()  # the summary counts every unit
    assert fig.get_size_inches()[1] < 9.5  # still fits an A4 page
    assert charts.figure_png(fig, dpi=50)[:8] == PNG_SIGNATURE

    mixed = charts.unit_completion_rates(prefecture[:8] + [("最后一个", 19, 20)], max_bars=5)
    assert len(mixed.axes[0].patches) == 5  # the five at 70 %; 95 % and three at 100 % left out
    assert "另有 4 个单位未列出（均不低于 95.0%）" in mixed.axes[0].get_xlabel()


def test_a_dashboard_sized_completion_chart_shortens_names_and_wraps_its_summary():
    fig = charts.unit_completion_rates(COMPLETION, title="", size=(4, 2.6), max_name=8)
    ax = fig.axes[0]
    assert "各单位任务完成率" not in fig.get_suptitle()  # the box on the screen names the chart
    assert not ax.get_title() and fig.get_suptitle().startswith("共 5 个单位")  # the figures take its place
    assert tuple(fig.get_size_inches()) == (4, 2.6)
    names = [label.get_text() for label in ax.get_yticklabels()]
    assert "红寺堡区人力资…" in names and "大河乡人民政府" in names
    assert all(len(name) <= 8 for name in names)
    assert "\n" in fig.get_suptitle()  # on two lines in a 4-inch figure
    short_names = charts.unit_completion_rates([("甲局", 1, 2), ("乙局", 2, 2)]).axes[0]
    assert "\n" not in short_names.get_title()  # a page-wide figure has room for one line


def test_empty_completion_chart_says_no_data():
    fig = charts.unit_completion_rates([("没有分工的单位", 0, 0)])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["暂无数据"] and not ax.patches and not ax.axison


def test_a_narrow_certificate_chart_lays_its_bars_down_in_the_usual_order():
    counts = {"有效": 439, "即将到期": 29, "暂扣": 6, "过期": 6, "申领中": 9, "未发证": 37, "收回": 1, "注销": 4}
    ax = charts.certificate_status(counts, total=531, title="", size=(4, 2.6)).axes[0]
    assert [label.get_text() for label in ax.get_yticklabels()] == list(counts)
    assert [p.get_width() for p in ax.patches] == list(counts.values())
    assert ax.texts[0].get_text() == "439（82.7%）"
    upright = charts.certificate_status(CERTS, total=47).axes[0]  # a page is wide enough for six side by side
    assert [label.get_text() for label in upright.get_xticklabels()] == list(CERTS)
    page = charts.certificate_status(counts, total=531).axes[0]  # but not for eight with their labels
    assert [label.get_text() for label in page.get_yticklabels()] == list(counts)


@dataclass
class Alert:
    code: str


@dataclass
class Officer:  # the fields of personnel.roster.RosterRow certificate_counts reads, and its own shown_state
    status: str
    auxiliary: bool
    cert_state: str
    alerts: list

    shown_state = RosterRow.shown_state


def test_certificate_counts_are_of_officers_in_service_with_expiring_cards_apart():
    from desktop_app.core.personnel.alerts import EXPIRING

    rows = [Officer("在职", False, "有效", []), Officer("在职", False, "有效", [Alert(EXPIRING)]),
            Officer("在职", False, "暂扣", [Alert(EXPIRING)]), Officer("在职", False, "未发证", []),
            Officer("在职", True, "有效", []),  # 辅助人员: not an 执法人员
            Officer("调离", False, "注销", [])]
    counts, officers = charts.certificate_counts(rows)
    assert officers == 4
    assert counts == {"有效": 1, "即将到期": 1, "暂扣": 1, "过期": 0, "未发证": 1}
    assert charts.certificate_counts([]) == ({"有效": 0, "即将到期": 0, "暂扣": 0, "过期": 0}, 0)
