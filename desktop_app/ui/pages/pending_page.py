"""Pages whose data no feature has created yet: they say so plainly instead of showing invented figures."""
from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop_app.core.settings import get_setting
from desktop_app.ui.pages.common import EmptyState, page_title

PENDING = {
    "tasks": ("任务清单", "尚未建立数据",
              "这里将导入上级印发的任务分工方案（.docx / .txt / .xlsx），按牵头、责任、配合单位和完成时限"
              "跟踪每个单位的进度，并标出逾期和即将到期的任务。"),
    "personnel": ("执法人员与证件", "尚未建立数据",
                  "这里将登记行政执法人员花名册和每张行政执法证件的申领、发证、年审、换证、暂扣、收回、注销，"
                  "并提示即将到期和无证上岗。"),
    "training": ("培训学时", "尚未建立数据",
                 "这里将记录培训班次和参训人员，统计每人每年的培训学时（不少于 {hours} 学时）和各单位全员轮训情况。"),
    "reports": ("报表中心", "尚未建立数据",
                "这里将生成符合 GB/T 9704 的年度工作报告、评估报告、通报和催办通知，以及上报的 Excel 报表。"
                "需要先有任务、人员和培训数据。"),
}


class PendingPage(QWidget):
    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title, state, _ = PENDING[key]
        self.key = key
        layout = QVBoxLayout(self)
        layout.addWidget(page_title(title))
        self.empty_state = EmptyState(state, self._explanation())
        layout.addWidget(self.empty_state, 1)

    def _explanation(self) -> str:
        hours = get_setting("annual_training_hours")
        return PENDING[self.key][2].format(hours=f"{hours:g}")

    def refresh(self) -> None:
        self.empty_state.text.setText(self._explanation())
