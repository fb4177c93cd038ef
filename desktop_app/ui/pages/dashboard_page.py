"""工作台: what the database holds today, and what to do next. Only real figures, never placeholders.

Under the cards, the three charts the reports embed (core/charts.py): each unit's task completion rate, this
working year's training hours, and the 行政执法证 states. They are fed by the figures the cards already load
and drawn off the GUI thread after the window is shown (ui/widgets/chart_view.py); matplotlib is never
imported by this module.

The figures are core/dashboard_figures' aggregates, not the pages' row lists (the roster, the year's ledger):
the same numbers in a fraction of the time and memory. At a prefecture's size (BACKGROUND_FROM officers and
more) the personnel and training figures are computed one per turn of the event loop, each ~0.1 s
(a worker thread beyond WORKER_FROM officers).
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QScrollArea, QVBoxLayout, QWidget

from desktop_app.core.models import UNIT_KINDS, Plan, UnitGroup
from desktop_app.core.settings import all_settings, get_setting
from desktop_app.core.units import count_units
from desktop_app.ui.pages.common import Card, page_title
from desktop_app.ui.widgets.chart_view import ChartView

log = logging.getLogger(__name__)
CHART_MIN_HEIGHT = 240
# officers from which the personnel and training figures are computed on a worker thread; below it on the GUI
# thread, each on its own turn of the event loop (core/dashboard_figures: ~0.15 s and ~0.1 s at 20,000, while a
# worker competes for the interpreter and SQLite with this thread and the chart threads)
WORKER_FROM = 50_000
NEXT_TURN = "next turn"  # in _personnel_job / _training_job: computed on a coming turn of the event loop
# unit names on the completion chart: at most this share of the chart's width (full names in the reports)
NAME_SHARE = 0.36


def completion_chart(units: list[tuple[str, int, int]]):
    """The figure maker (worker-safe) of 各单位任务完成率 at a box's size: as many of the worst units as fit."""
    def make(width: float, height: float):
        from desktop_app.core import charts

        bars = max(3, int((height - 1.0) / 0.2))  # summary, ticks and axis label take about an inch
        names = max(6, int(width * NAME_SHARE / (charts.SIZES["ytick.labelsize"] / 72)))
        return charts.unit_completion_rates(units, title="", size=(width, height), max_bars=bars,
                                            max_name=names)
    return make


def hours_chart(hours: list[float], threshold: float):
    def make(width: float, height: float):
        from desktop_app.core import charts

        return charts.hours_distribution(hours, threshold, title="", size=(width, height))
    return make


def certificate_chart(counts: dict[str, int], officers: int):
    def make(width: float, height: float):
        from desktop_app.core import charts

        return charts.certificate_status(counts, total=officers, title="", size=(width, height))
    return make


CARD_TITLES = {"tasks": "任务清单", "personnel": "执法人员与证件", "training": "培训学时"}


def no_data_yet() -> str:
    return "<span style='color:#888'>尚未建立数据</span>"


class DashboardPage(QWidget):
    navigate = Signal(str)  # page key
    open_demo_requested = Signal()
    personnel_filter = Signal(str, object)  # a warning code or "", a unit id or None
    training_view = Signal(str)  # "short" or "units": 培训学时 at this year's shortfalls

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = page_title("工作台")
        layout.addWidget(self.title)
        scroll = QScrollArea()  # a small screen scrolls; the charts never shrink below CHART_MIN_HEIGHT
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        content = QWidget()
        content.setObjectName("dashboardContent")
        scroll.setStyleSheet("QScrollArea, QWidget#dashboardContent { background: transparent; }")
        scroll.viewport().setAutoFillBackground(False)
        scroll.setWidget(content)
        layout.addWidget(scroll, 1)
        grid = QGridLayout(content)
        grid.setContentsMargins(0, 0, 4, 0)
        grid.setSpacing(12)

        self.basics = Card("基本信息")
        self.basics.add_button("打开设置").clicked.connect(lambda: self.navigate.emit("settings"))
        self.units = Card("单位与分组")
        self.units.add_button("单位管理").clicked.connect(lambda: self.navigate.emit("units"))
        self.demo_button = self.units.add_button("打开演示数据库看看")
        self.demo_button.clicked.connect(self.open_demo_requested)
        # three columns, each ending in its chart: 基本信息 | 单位与分组 | 执法人员与证件 (tall: two rows), then
        # 任务清单 | 培训学时
        grid.addWidget(self.basics, 0, 0)
        grid.addWidget(self.units, 0, 1)
        cards = {}
        for key, (row, column, rows) in (("tasks", (1, 0, 1)), ("training", (1, 1, 1)), ("personnel", (0, 2, 2))):
            title = CARD_TITLES[key]
            card = Card(title)
            card.body.setText(no_data_yet())
            card.add_button(f"前往{title}").clicked.connect(lambda _=False, k=key: self.navigate.emit(k))
            cards[key] = card
            grid.addWidget(card, row, column, rows, 1)
        # and under them the charts, a row of three
        self.charts = {
            "tasks": ChartView("各单位任务完成率", "还没有导入任务清单。导入后，这里按单位显示已完成或按时限正常推进的分工占比。"),
            "training": ChartView("本年度培训学时分布", "还没有培训记录。录入或导入培训后，这里显示本工作年度每名执法人员的"
                                               "学时分布。"),
            "personnel": ChartView("行政执法证状态", "还没有执法人员。导入名册后，这里显示执法人员的行政执法证状态。"),
        }
        for column, view in enumerate(self.charts.values()):
            view.setMinimumHeight(CHART_MIN_HEIGHT)
            grid.addWidget(view, 2, column)
            grid.setColumnStretch(column, 1)
        grid.setRowStretch(2, 1)
        self.tasks = cards["tasks"]  # real figures once a task list is imported
        self.personnel = cards["personnel"]
        self.personnel.body.linkActivated.connect(self._personnel_link)
        self._personnel_stale = True  # computed when shown (_refresh_figures)
        self._personnel_job = None  # while they are computed: the Job, or NEXT_TURN
        self._figures_job = None
        self.training = cards["training"]  # this year's ledger once sessions exist
        self.training.body.linkActivated.connect(self._training_link)
        self._training_stale = True  # computed when shown, like the personnel figures
        self._training_job = None
        self._shown_once = False
        self.refresh()

    def refresh(self) -> None:
        settings = all_settings()
        county, bureau = settings["county_name"], settings["bureau_name"]
        missing = "<b style='color:#c0392b'>未填写</b>"
        lines = [f"县（市、区）：{county or missing}",
                 f"司法局：{bureau or missing}",
                 f"工作年度：{settings['current_year']} 年",
                 (f"培训学时下限：{settings['annual_training_hours']:g} 学时/人/年；"
                  f"法制审核人员不少于 {settings['legal_review_ratio']:g}%")]
        if not county or not bureau:
            lines.append("<span style='color:#c0392b'>请先在“设置”中填写本县区和司法局名称，报表抬头和单位识别要用到。</span>")
        self.basics.body.setText("<br>".join(lines))

        counts = count_units()
        total = sum(counts.values())
        groups = UnitGroup.select().count()
        if total == 0:
            self.units.body.setText("还没有登记任何单位。可在“单位管理”中逐个新增或批量添加（粘贴名单或导入 Excel），"
                                    "也可以先打开演示数据库，看看一个县的完整样子。")
        else:
            parts = "、".join(f"{label} {counts[kind]} 个" for kind, label in UNIT_KINDS.items() if counts[kind])
            self.units.body.setText(f"在用单位 <b>{total}</b> 个：{parts}。<br>单位分组 <b>{groups}</b> 个。")
        self.demo_button.setVisible(total == 0)
        if self._shown_once:
            self._refresh_tasks(settings["task_due_soon_days"])
        else:  # at start-up the window shows first; the task figures follow on the next turn
            self._shown_once = True
            self.tasks.body.setText("<span style='color:#888'>正在统计…</span>")
            QTimer.singleShot(0, self, lambda: self._refresh_tasks(get_setting("task_due_soon_days")))
        self._personnel_stale = True
        self._training_stale = True
        if self.isVisible():
            QTimer.singleShot(0, self, self._refresh_figures)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._personnel_stale or self._training_stale:
            QTimer.singleShot(0, self, self._refresh_figures)

    def _refresh_figures(self) -> None:
        """The personnel and training figures that are stale: at once for a county (below BACKGROUND_FROM
        officers); up to a prefecture's size (WORKER_FROM) on this thread, one per turn of the event loop
        (each ~0.1 s at 20,000 officers); beyond, one after the other on one worker thread (two SQLite
        statements at a time on two threads slow each other down more than they gain)."""
        from desktop_app.core.dashboard_figures import personnel_figures, training_figures
        from desktop_app.core.models import Officer, TrainingSession
        from desktop_app.core.training.ledger import year_range
        from desktop_app.ui.roster_loader import BACKGROUND_FROM, NEVER_SHOWN
        from desktop_app.ui.worker import Job

        if self._figures_job is not None:
            return  # under way: it looks again when it ends
        parts = {}
        if self._personnel_stale:
            self._personnel_stale = False
            if Officer.select().exists():
                parts["personnel"] = personnel_figures
            else:
                self.personnel.body.setText(no_data_yet())
                self.charts["personnel"].show_empty()
        sessions = 0
        if self._training_stale:
            self._training_stale = False
            year = get_setting("current_year")
            self.charts["training"].setTitle(f"{year} 年培训学时分布")
            start, end = year_range(year)
            sessions = TrainingSession.select().where(TrainingSession.end_date.between(start, end)).count()
            if sessions or TrainingSession.select().exists():
                parts["training"] = lambda: training_figures(start, end)
            else:
                self.training.body.setText(no_data_yet())
                self.charts["training"].show_empty()
        if not parts:
            return

        def work(control=None) -> dict:
            return {key: make() for key, make in parts.items()}

        def show(figures: dict) -> None:
            if "personnel" in figures:
                self._show_personnel(figures["personnel"])
            if "training" in figures:
                self._show_training(figures["training"], sessions)

        officers = Officer.select().count()
        if officers < BACKGROUND_FROM:
            show(work())
            return
        if officers < WORKER_FROM:
            self._figures_job = NEXT_TURN
            for key in parts:
                setattr(self, f"_{key}_job", NEXT_TURN)
                getattr(self, key).body.setText("<span style='color:#888'>正在统计…</span>")
                self.charts[key].show_loading()
            self._in_turns(list(parts.items()), show)
            return
        job = Job(self, "正在统计…", work, show,
                  lambda exc: log.warning("computing the dashboard's figures failed: %s", exc))
        job.dialog.setMinimumDuration(NEVER_SHOWN)
        self._figures_job = job.start()
        for key in parts:
            getattr(self, key).body.setText("<span style='color:#888'>正在统计…</span>")
            self.charts[key].show_loading()
        self._personnel_job = job if "personnel" in parts else None
        self._training_job = job if "training" in parts else None
        job.finished.connect(self._figures_loaded)

    def _in_turns(self, parts: list, show) -> None:
        """The first part's figures now, the others each on a later turn of the event loop."""
        (key, make), rest = parts[0], parts[1:]
        try:
            show({key: make()})
        except Exception as exc:  # noqa: BLE001 - as a worker's error: logged, the other cards still come
            log.warning("computing the dashboard's figures failed: %s", exc)
        setattr(self, f"_{key}_job", None)
        if rest:
            QTimer.singleShot(0, self, lambda: self._in_turns(rest, show))
        else:
            self._figures_loaded()

    def _figures_loaded(self) -> None:
        self._figures_job = self._personnel_job = self._training_job = None
        if (self._personnel_stale or self._training_stale) and self.isVisible():
            self._refresh_figures()

    def _show_personnel(self, figures) -> None:
        from desktop_app.ui.pages.personnel_summary import personnel_figures_html

        self.personnel.body.setText(personnel_figures_html(figures))
        counts, officers = figures.certificate_counts, figures.officers
        if officers:
            self.charts["personnel"].set_chart(certificate_chart(counts, officers),
                                               key=(tuple(counts.items()), officers))
        else:
            self.charts["personnel"].show_empty("没有在职的执法人员（辅助人员不计）。")

    def _personnel_link(self, link: str) -> None:
        kind, _, value = link.partition(":")
        if kind == "alert":
            self.personnel_filter.emit(value, None)
        elif kind == "unit":
            self.personnel_filter.emit("", int(value))

    def _show_training(self, figures, sessions: int) -> None:
        from desktop_app.ui.pages.training_summary import training_summary_html

        self.training.body.setText(training_summary_html(figures, sessions))
        if not figures.officers:
            self.charts["training"].show_empty("本工作年度还没有执法人员，无法统计学时分布。")
            return
        # every officer of the year's population, those without training as 0, against the year's threshold
        hours = figures.hours
        self.charts["training"].set_chart(hours_chart(hours, figures.threshold),
                                          key=(tuple(hours), figures.threshold))

    def _training_link(self, link: str) -> None:
        kind, _, view = link.partition(":")
        if kind == "training":
            self.training_view.emit(view)

    def _refresh_tasks(self, soon_days: int) -> None:
        from desktop_app.core.dashboard_figures import task_figures  # loaded after the window shows

        if not Plan.select().exists():
            self.tasks.body.setText(no_data_yet())
            self.charts["tasks"].show_empty()
            return
        figures = task_figures()  # task_board.summary's numbers, per unit as charts.completion_by_unit counts
        if figures.completion_by_unit:
            units = list(figures.completion_by_unit)
            self.charts["tasks"].set_chart(completion_chart(units), key=tuple(units))
        else:
            self.charts["tasks"].show_empty("任务清单中还没有分工到单位的任务。")
        red = "color:#c0392b" if figures.overdue else ""
        # counted per unit's share of a task (分工), which is what each unit is chased for
        lines = [(f"分工共 {figures.assignments} 条：<span style='{red}'>逾期 <b>{figures.overdue}</b> 条</span>；"
                  f"{soon_days} 天内到期 <b>{figures.due_soon}</b> 条；"
                  f"长期坚持本期未报告 <b>{figures.unreported}</b> 条")]
        lowest = [f"　{unit} {round(met * 100 / total)}%（{met}/{total}）"
                  for unit, met, total in figures.completion_by_unit[:5]]
        if lowest:
            lines += ["完成率最低的单位（已完成或进度正常的分工占比）：", *lowest]
        self.tasks.body.setText("<br>".join(lines))
