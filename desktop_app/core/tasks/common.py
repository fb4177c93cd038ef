"""Pieces shared by the paragraph and the table layout: headings, 文号, the title, and turning the raw
labelled values of one task into a ParsedTask with its warnings."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from desktop_app.core.tasks.deadline import parse_deadline
from desktop_app.core.tasks.labels import UNIT_FIELDS
from desktop_app.core.tasks.model import ParsedTask, ParseWarning
from desktop_app.core.tasks.unit_names import split_units

CN_NUM = "一二三四五六七八九十百〇零"
TOP_HEADING = re.compile(rf"^(?P<num>[{CN_NUM}]{{1,4}}\s*、)\s*(?P<rest>.*)$", re.DOTALL)
SUB_HEADING = re.compile(rf"^(?P<num>[（(]\s*[{CN_NUM}]{{1,4}}\s*[）)])\s*(?P<rest>.*)$", re.DOTALL)
PART_HEADING = re.compile(rf"^(?P<num>第[{CN_NUM}\d]{{1,4}}(?:部分|章|篇))\s*[、.．:：]?\s*(?P<rest>.*)$",
                          re.DOTALL)
# 文号 on a line of its own: “红政办发〔2023〕12号”, “宁政办发[2023]46号”.
DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,16}[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*第?\s*\d{1,4}\s*号$")
TITLE_END = re.compile(r"(方案|清单|分工|要点|计划|通知|意见|安排|台账|任务表|分解表|责任表|细则|措施)[)）》]?$")
_TITLE_PUNCT = re.compile(r"[\s。．.；;：:，,、！!]+$")
_SPACE = re.compile(r"\s+")


def split_heading(text: str) -> tuple[str, str] | None:
    """(“（一）”, “全面提升…”) for a section heading, numbering as written (spaces removed), else None.
    A heading followed by body text on the same line (“（一）提高认识。开展…”) keeps only the heading."""
    text = text.strip()
    for pattern in (SUB_HEADING, TOP_HEADING, PART_HEADING):
        match = pattern.match(text)
        if match:
            return _SPACE.sub("", match.group("num")), heading_title(match.group("rest"))
    return None


def heading_title(rest: str) -> str:
    rest = rest.strip().split("。", 1)[0]
    return _TITLE_PUNCT.sub("", rest)


def pick_title(lines: list[str]) -> str:
    """The document title among the lines before the first heading or task: the first line ending like a
    title (…方案, …通知), joined with a preceding “…关于…” line a long title was broken from; else the
    first short line that is not a sentence, a 文号 or an attachment mark."""
    lines = [s for s in (line.strip() for line in lines) if s]
    for i, line in enumerate(lines):
        if TITLE_END.search(line) and len(line) <= 120:
            previous = lines[i - 1] if i else ""
            if previous and "关于" in previous and "关于" not in line and not TITLE_END.search(previous):
                return previous + line
            return line
    for line in lines:
        if (len(line) <= 60 and not DOC_NUMBER.match(line) and not re.match(r"^附\s*件\s*\d*$", line)
                and line[-1] not in "。；;：:，,"):
            return line
    return ""


@dataclass
class TaskDraft:
    number: str
    line: int
    section: str
    content: str = ""
    values: dict[str, list[str]] = field(default_factory=dict)  # field → raw texts, in order

    def add(self, name: str, value: str) -> None:
        self.values.setdefault(name, []).append(value)


def finish_task(draft: TaskDraft) -> tuple[ParsedTask, list[ParseWarning]]:
    warnings: list[ParseWarning] = []

    def names(name: str) -> list[str]:
        found: dict[str, None] = {}  # ordered and without repeats
        for raw in draft.values.get(name, []):
            found.update(dict.fromkeys(split_units(raw)))
        return list(found)

    texts = [t for t in draft.values.get("deadline", []) if t.strip()]
    deadline, problem = parse_deadline(texts[0] if texts else "")
    if problem:
        warnings.append(ParseWarning(draft.number, problem))
    others = {_SPACE.sub("", t) for t in texts[1:]} - {deadline.text}
    if others:
        warnings.append(ParseWarning(draft.number, f"写了不止一个完成时限，已采用“{deadline.text}”，"
                                                   f"另有“{'”“'.join(sorted(others))}”"))
    task = ParsedTask(draft.number, draft.section, draft.content.strip(), names("lead"), names("responsible"),
                      names("cooperating"), names("leaders"), deadline, draft.line)
    if not task.content:
        warnings.append(ParseWarning(draft.number, "没有任务内容"))
    if not any(getattr(task, f + "_units") for f in UNIT_FIELDS):
        warnings.append(ParseWarning(draft.number, "没有写牵头单位、责任单位或配合单位"))
    return task, warnings
