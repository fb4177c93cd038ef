"""The paragraph layout of a task list: headings “一、”/“（一）”, numbered tasks “1. …”, then label lines
(“牵头单位：…”, “完成时限：…”) or labels in parentheses at the end of the task paragraph.

Text pasted from a PDF breaks sentences across lines, often with blank lines between the pieces
(“…公开率达\\n\\n到 100%…”): a line that does not end a sentence is joined to the next. A number at the
start of a line starts a task only if it is the next number (or 1 right after a heading), so “2024年…”
or “60 学时” at the start of a wrapped line never does.
"""
from __future__ import annotations

import re
import unicodedata

from desktop_app.core.tasks.common import (
    DOC_NUMBER,
    PART_HEADING,
    SUB_HEADING,
    TOP_HEADING,
    TaskDraft,
    finish_task,
    pick_title,
    split_heading,
)
from desktop_app.core.tasks.deadline import parse_deadline
from desktop_app.core.tasks.labels import line_labels, trailing_labels
from desktop_app.core.tasks.model import ParsedPlan, ParsedSection, ParseWarning
from desktop_app.core.tasks.unit_names import CLOSERS, OPENERS

TASK_LINE = re.compile(r"^(?P<num>[0-9０-９]{1,3})\s*(?:[.．](?![0-9０-９])|、)\s*(?P<rest>.*)$", re.DOTALL)
# Top-level parts that frame the plan rather than list tasks; their numbered points are not tasks
# (unless the whole document has no other tasks).
NON_TASK = re.compile(r"总体要求|指导思想|基本原则|工作目标|主要目标|目标要求|工作要求|保障措施|组织保障|"
                      r"组织领导|组织实施|实施步骤|工作步骤|进度安排|有关要求|工作机制")
PAGE_MARK = re.compile(r"^(?:[-—–－_]+\s*\d{1,4}\s*[-—–－_]+|第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?)$")
_SENTENCE_END = "。；：！？;:!?"
_QUOTES = "”’」』）)〕】\"'"
_SEPARATOR = "、，,;；"
_WRAPPED = 20  # a label line at least this long may have been wrapped by the PDF's line width
_MAX_LABEL = 500  # no list of units is longer: more is not a wrapped label line
_MAX_JUMP = 5  # a numbering gap this small after a finished task is taken as a task (with a warning)


def parse_lines(lines: list[tuple[int, str]], source: str = "") -> ParsedPlan:
    """Parse (line number, text) pairs; numbered points under 总体要求/工作要求 and the like are not tasks,
    unless nothing else in the document is."""
    plan = _Parser(source, skip_framing=True).run(lines)
    if not plan.tasks:
        plan = _Parser(source, skip_framing=False).run(lines)
    return plan


def parse_task_text(text: str, source: str = "") -> ParsedPlan:
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return parse_lines(list(enumerate(text.split("\n"), 1)), source)


def _glue(previous: str, line: str) -> str:
    """What goes between two content lines: a line break after a sentence end, a space between two
    English words, otherwise nothing (the PDF broke the sentence)."""
    last = previous.rstrip(_QUOTES)[-1:] or previous[-1]
    if last in _SENTENCE_END:
        return "\n"
    if previous[-1].isascii() and previous[-1].isalpha() and line[0].isascii() and line[0].isalpha():
        return " "  # an English word wrapped at a space
    return ""


class _Parser:
    def __init__(self, source: str, skip_framing: bool) -> None:
        self.source = source
        self.skip_framing = skip_framing
        self.preamble: list[str] = []
        self.doc_number = ""
        self.started = False  # a heading or a task has been seen
        self.top: tuple[str, str] | None = None
        self.framing = False  # inside 总体要求 and the like
        self.sub: tuple[str, str] | None = None
        self.after_heading = False
        self.last = 0
        self.draft: TaskDraft | None = None
        self.parts: list[str] = []  # the draft's content lines with their glue, joined when it closes
        self.in_labels = False
        self.last_field = ""
        self.blank = False
        self.previous_length = 0
        self.plan = ParsedPlan("", "", source)
        self.section_keys: set[tuple[str, str]] = set()
        self.strays: list[tuple[int, str, int]] = []  # line, text, tasks started before it

    def run(self, lines: list[tuple[int, str]]) -> ParsedPlan:
        for number, raw in lines:
            for piece in str(raw).split("\n"):  # a soft line break inside a Word paragraph
                self.line(number, piece)
        self.close()
        plan = self.plan
        plan.title = pick_title(self.preamble)
        plan.doc_number = self.doc_number
        started = len(plan.tasks)
        for number, text, before in self.strays:
            if before < started:  # text after the last task is a signature, a date, a note: no warning
                shown = text if len(text) <= 20 else text[:20] + "…"
                plan.warnings.append(ParseWarning(None, f"第 {number} 行“{shown}”不属于任何任务，已忽略"))
        return plan

    def line(self, number: int, raw: str) -> None:
        text = raw.strip()
        if not text:
            self.blank = True
            return
        blank, self.blank = self.blank, False
        length, self.previous_length = self.previous_length, len(text)
        if PAGE_MARK.match(text):
            return
        if not self.started and DOC_NUMBER.match(text):
            self.doc_number = self.doc_number or re.sub(r"\s+", "", text)
            return
        if TOP_HEADING.match(text) or PART_HEADING.match(text):
            return self.heading(text, top=True)
        if SUB_HEADING.match(text):
            return self.heading(text, top=False)
        if self.framing:
            return
        match = TASK_LINE.match(text)
        if match and self.task(number, match):
            return
        labels = line_labels(text)
        if labels is not None:
            return self.labels(number, text, labels)
        if self.draft is None:
            if not self.started:
                self.preamble.append(text)
        elif not self.in_labels:
            if self.parts:
                self.parts.append(_glue(self.parts[-1], text))
            self.parts.append(text)
        elif not self.continue_label(text, blank, length):
            self.strays.append((number, text, len(self.plan.tasks) + 1))

    def heading(self, text: str, top: bool) -> None:
        self.close()
        self.started = True
        self.after_heading = True
        number, title = split_heading(text) or ("", text)
        if top:
            self.top, self.sub = (number, title), None
            self.framing = self.skip_framing and bool(NON_TASK.search(title))
        elif not self.framing:
            self.sub = (number, title)

    def task(self, number: int, match: re.Match) -> bool:
        n = int(unicodedata.normalize("NFKC", match.group("num")))
        problem = None
        if not (n == self.last + 1 or (n == 1 and self.after_heading)):
            finished = self.draft is not None and self.in_labels
            if finished and 1 <= n <= self.last + _MAX_JUMP:
                problem = f"任务编号不连续：第 {number} 行的 {n} 号前面是 {self.last} 号，请核对是否漏了或重复了任务"
            elif self.last == 0 and self.draft is None and self.after_heading:
                problem = f"第一项任务的编号是 {n}，不是 1"
            else:
                return False  # a number inside wrapped text, not a task
        self.close()
        self.started = True
        section = self.sub or self.top
        if section and section not in self.section_keys:
            self.section_keys.add(section)
            self.plan.sections.append(ParsedSection(*section))
        self.draft = TaskDraft(str(n), number, section[1] if section else "")
        rest = match.group("rest").strip()
        self.parts = [rest] if rest else []
        if problem:
            self.plan.warnings.append(ParseWarning(str(n), problem))
        self.last, self.after_heading, self.in_labels, self.last_field = n, False, False, ""
        return True

    def labels(self, number: int, text: str, labels: list[tuple[str, str]]) -> None:
        if self.draft is None:
            if self.started:
                shown = text if len(text) <= 20 else text[:20] + "…"
                self.plan.warnings.append(ParseWarning(None, f"第 {number} 行“{shown}”前面没有编号的任务，已忽略"))
            return
        for name, value in labels:
            self.draft.add(name, value)
        self.in_labels, self.last_field = True, labels[-1][0]

    def continue_label(self, text: str, blank: bool, length: int) -> bool:
        """Whether `text` continues the value of the last label (a label line the PDF wrapped)."""
        values = self.draft.values[self.last_field]
        previous = values[-1]
        if len(previous) + len(text) > _MAX_LABEL:
            return False
        if self.last_field == "deadline":
            def understood(value: str) -> bool:
                return parse_deadline(value)[0].kind != "unspecified"

            joined = previous + text
            if not previous or (understood(joined) and not (understood(previous) and understood(text))):
                values[-1] = joined  # “2024年6月” + “15日前”; never a date line of its own
                return True
            return False
        unclosed = sum(c in OPENERS for c in previous) > sum(c in CLOSERS for c in previous)
        wrapped = length >= _WRAPPED and len(text) <= _WRAPPED and "。" not in text and not blank
        if (not previous or previous[-1] in _SEPARATOR or text[0] in _SEPARATOR + CLOSERS or unclosed
                or wrapped):
            values[-1] = previous + text
            return True
        return False

    def close(self) -> None:
        draft, self.draft = self.draft, None
        if draft is None:
            return
        content, parts = trailing_labels("".join(self.parts))
        draft.content = content
        if parts:
            for name, value in reversed(parts):  # written before any label line: they come first
                draft.values.setdefault(name, []).insert(0, value)
        task, warnings = finish_task(draft)
        self.plan.tasks.append(task)
        self.plan.warnings.extend(warnings)
