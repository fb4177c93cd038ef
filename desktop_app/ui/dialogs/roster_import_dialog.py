"""导入执法人员名册 in three steps (core/personnel/roster_import.py does the work):

1 读取 — the file is read on a worker thread (20,000 rows ≈ 1 s) as soon as the dialog shows.
2 列对应 — each column of the file, a sample value and a combo choosing what it is imported as (or 不导入),
  prefilled from the mapping remembered for this header layout or guessed from the headers; problems
  (no 姓名 column, a field chosen twice…) are listed live and block 下一步.
3 预览 — 新增/更新/无变化/错误 counts, the rows with every error by row and column, 导出错误清单…, and
  “跳过有错误的行” (required when there are errors). 导入 commits on a worker thread, cancellable.

Nothing is written before 导入, and a cancelled 导入 rolls back. `run_roster_import(parent, path)` returns
the ImportSummary, or None when nothing was imported; the caller notifies the data bus.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from desktop_app.core.personnel.roster_columns import FIELDS, REQUIRED, mapping_problems
from desktop_app.core.personnel.roster_commit import ImportSummary, commit_roster
from desktop_app.core.personnel.roster_errors import write_error_workbook
from desktop_app.core.personnel.roster_import import (
    ERROR,
    NEW,
    UNCHANGED,
    UPDATED,
    RosterPreview,
    load_roster_file,
    validate,
)
from desktop_app.ui.dialogs.import_steps import ERROR_COLOR, MAP, READ, SKIP_COLUMN, SheetImportDialog
from desktop_app.ui.dialogs.step_frame import error_label
from desktop_app.ui.table_models.roster_import_models import PreviewModel, preview_lines

PREVIEW = 2
STEPS = ("① 读取文件", "② 列对应", "③ 预览并导入")

__all__ = ["MAP", "PREVIEW", "READ", "RosterImportDialog", "run_roster_import"]


class RosterImportDialog(SheetImportDialog):
    STEPS = STEPS
    PREVIEW = PREVIEW
    FIELDS = FIELDS
    READ_HINT = "读取名册中的第一个带表头（姓名、公民身份号码、单位等列名）的工作表。"
    LOAD_TITLE = "正在读取名册…"
    COMMIT_TITLE = "正在导入名册…"
    DONE_TITLE = "名册导入完成"
    SOURCE_WORD = "名册"
    OVERWRITE_REFUSED = "不能覆盖原名册文件，请换一个文件名。"
    MAPPING_WIDTHS = ((0, 48), (1, 280), (3, 220))

    preview: RosterPreview | None
    summary: ImportSummary | None

    def __init__(self, parent: QWidget | None, path: Path) -> None:
        super().__init__(parent, path, "导入执法人员名册")
        self._build([self._read_page(), self._map_page(), self._preview_page()], lambda: self._show_step(MAP),
                    self.go_to_preview)

    def _reader(self):
        path = self.path
        return lambda control: load_roster_file(path, control)

    # ---- step 2: 列对应
    def _map_page(self):
        required = "、".join(f"“{f.label}”" for f in FIELDS if f.key in REQUIRED)
        page, layout = self._map_page_start(f"为文件的每一列选择导入为哪一项，不需要的列选“{SKIP_COLUMN}”。必须有{required}"
                                            "三列；有“证号”列时还须有“发证日期”和“有效期至”列。")
        self.problems_label = error_label()
        layout.addWidget(self.problems_label)
        return page

    def _mapping_changed(self) -> None:
        self._show_problems(mapping_problems(self.current_mapping()))

    # ---- step 3: 预览
    def _preview_page(self):
        page, layout = self._preview_page_start()
        self._preview_rows(layout, PreviewModel(self), "把名册另存一份，出错的单元格标红并附说明，可发回填报单位修改",
                           "点“导入”之前不会写入任何数据；导入前自动备份数据库。身份证号已在台账中的人员按名册更新"
                           "（名册中留空的项保留原值），其余登记为新人员。")
        return page

    def go_to_preview(self) -> None:
        preview = self.preview
        if preview is None or mapping_problems(self.current_mapping()):
            return
        mapping = self.current_mapping()
        if preview.results is not None and mapping == preview.mapping:
            self._show_preview()  # checked already with this mapping
            return
        preview.apply_mapping(mapping)
        self._run("正在核对名册…", lambda control: validate(preview, control), lambda _: self._show_preview(),
                  on_cancel=lambda: self._show_step(MAP))

    def _show_preview(self) -> None:
        preview = self.preview
        counts = preview.counts()
        errors = self.error_count = counts[ERROR]
        rest = counts[NEW] + counts[UPDATED] + counts[UNCHANGED]
        error_part = (f"<b style='color:{ERROR_COLOR}'>有错误 {errors} 行</b>" if errors else "没有错误")
        self.counts_label.setText(f"共 {rest + errors} 行人员：新增 <b>{counts[NEW]}</b> 人　更新 "
                                  f"<b>{counts[UPDATED]}</b> 人　无变化 <b>{counts[UNCHANGED]}</b> 人　{error_part}")
        self.lines = preview_lines(preview)
        self._show_rows(errors, bool(errors), f"跳过有错误的行，只导入其余 {rest} 行", rest > 0,
                        ((0, 56), (1, 90), (2, 220), (3, 200)))

    def _row_texts(self, line) -> list[str]:
        return list(line.error_list)

    def _write_errors(self, preview, target: Path, control) -> Path:
        return write_error_workbook(preview, target, control)

    # ---- 导入
    def _commit_job(self, preview, skip: bool, control) -> ImportSummary:
        return commit_roster(preview, skip, control)

    def _check_again(self) -> None:
        self.go_to_preview()

    def _can_import(self) -> bool:
        preview = self.preview
        if preview is None or preview.results is None:
            return False
        counts = preview.counts()
        return bool(counts[NEW] + counts[UPDATED]) and (not counts[ERROR] or self.skip_check.isChecked())

    # ---- buttons
    def _update_buttons(self) -> None:
        busy = self.busy
        step = self.step
        self.back_button.setVisible(step == PREVIEW)
        self.next_button.setVisible(step == MAP)
        self.import_button.setVisible(step == PREVIEW)
        self.back_button.setEnabled(not busy)
        self.next_button.setEnabled(not busy and step == MAP and not mapping_problems(self.current_mapping()))
        self.import_button.setEnabled(not busy and self._can_import())
        self.stack.setEnabled(not busy)
        if step == PREVIEW and not busy:
            self.status_label.setText(self._preview_status())

    def _preview_status(self) -> str:
        counts = self.preview.counts() if self.preview else {}
        if counts.get(ERROR) and not self.skip_check.isChecked():
            return "有错误的行：请修改名册后重新导入，或勾选“跳过有错误的行”。"
        if not (counts.get(NEW) or counts.get(UPDATED)):
            return ("除有错误的行外，没有需要写入的内容。" if counts.get(ERROR)
                    else "没有需要写入的内容：名册中的人员与台账一致。")
        return ""


def run_roster_import(parent: QWidget | None, path: Path) -> ImportSummary | None:
    """Open the dialog on `path`; the ImportSummary when the roster was imported, else None."""
    dialog = RosterImportDialog(parent, Path(path))
    dialog.exec()
    return dialog.summary
