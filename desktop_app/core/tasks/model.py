"""What a parsed task list is: plain dataclasses, re-exported by parse.py (import them from there)."""
from __future__ import annotations

from dataclasses import dataclass, field

from desktop_app.core.tasks.deadline import Deadline


@dataclass
class ParsedSection:
    number: str  # “（一）” as written, or “一、” for a top-level heading that holds tasks itself
    title: str  # numbering and trailing punctuation stripped


@dataclass
class ParsedTask:
    number: str  # “1”
    section: str  # the title of its section, "" if none
    content: str  # verbatim; PDF line breaks inside a sentence joined; no label text
    lead_units: list[str]
    responsible_units: list[str]
    cooperating_units: list[str]
    leaders: list[str]  # people (牵头负责领导 …), kept apart from units
    deadline: Deadline
    line: int  # 1-based line (or table row) where the task starts


@dataclass
class ParseWarning:
    task: str | None  # task number, or None for the document
    message: str  # Chinese


@dataclass
class ParsedPlan:
    title: str
    doc_number: str  # 文号 such as “红政办发〔2023〕12号” when shown on a line of its own, else ""
    source: str  # file name
    sections: list[ParsedSection] = field(default_factory=list)
    tasks: list[ParsedTask] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
