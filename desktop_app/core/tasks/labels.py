"""The labelled parts of a task: “牵头单位：…”, “完成时限：…” on their own lines or inline, and the
parenthesised forms at the end of a task paragraph: “（牵头单位：X，责任单位：Y）”, “〔责任单位：…〕”,
“（X牵头，Y按职责分工负责）”, “(牵头单位:X;责任单位:Y,6月底完成)”.
"""
from __future__ import annotations

import re

from desktop_app.core.tasks.unit_names import CLOSERS, OPENERS, split_top_level

UNIT_FIELDS = ("lead", "responsible", "cooperating")
# Label words → field. Longer words are tried first, so 牵头责任单位 is not read as 责任单位.
LABELS: dict[str, tuple[str, ...]] = {
    "lead": ("牵头单位", "牵头部门", "牵头责任单位", "牵头机构", "牵头责任部门"),
    "responsible": ("责任单位", "责任部门", "主要责任单位", "主责单位", "责任主体", "承办单位", "实施单位"),
    "cooperating": ("配合单位", "配合部门", "协同责任单位", "协同单位", "协办单位", "协作单位", "参与单位",
                    "协同部门"),
    "leaders": ("牵头负责领导", "责任领导", "分管领导", "牵头领导", "负责领导", "责任人", "牵头负责人"),
    "deadline": ("完成时限", "完成时间", "时间要求", "时限", "完成期限", "时间节点", "时限要求"),
}
FIELD_OF = {word: field for field, words in LABELS.items() for word in words}
_WORDS = "|".join(sorted(FIELD_OF, key=len, reverse=True))
_QUALIFIER = r"(?:[（(][^（）()]{0,8}[）)])?"  # “责任单位（部门）：”
# At the start of a line the colon may be missing (“时限 长期坚持”); inside a line it is required.
LINE_LABEL = re.compile(rf"^[【\[〔]?(?P<label>{_WORDS})[】\]〕]?{_QUALIFIER}\s*(?:[:：]\s*|\s+(?=\S)|$)")
INLINE_LABEL = re.compile(rf"(?P<label>{_WORDS}){_QUALIFIER}\s*[:：]")
# Inside parentheses without labels: “X牵头”, “Y按职责分工负责”, “Z配合”.
_CLAUSES = (
    ("lead", re.compile(r"^由?(?P<names>.+?)(?:牵头(?:负责|抓总|组织)?)$")),
    ("responsible", re.compile(r"^由?(?P<names>.+?)(?:按照?职责分工|按照?职责|根据职责|依职责|分别|共同)?"
                               r"(?:负责|承办)$")),
    ("cooperating", re.compile(r"^由?(?P<names>.+?)(?:配合|协助|协同)$")),
)
_DEADLINE_LIKE = re.compile(r"\d{4}\s*年|\d{1,2}\s*月|年底|年内|长期坚持|适时|每年|完成$|前$")
_VALUE_END = re.compile(r"[\s，,；;、。]+$")
_SENTENCE_END = "。；;！!？?"


def split_labelled(text: str) -> tuple[str, list[tuple[str, str]]]:
    """(text before the first label, [(field, value), …]) for labels followed by a colon."""
    found = _outside_brackets(text, INLINE_LABEL.finditer(text))
    if not found:
        return text, []
    parts = []
    for i, match in enumerate(found):
        if i + 1 < len(found):  # the separator before the next label is not part of this value
            value = _VALUE_END.sub("", text[match.end():found[i + 1].start()])
        else:  # the last value as written: a trailing “、” says the list goes on on the next line
            value = text[match.end():]
        parts.append((FIELD_OF[match.group("label")], value.strip()))
    return text[:found[0].start()], parts


def _outside_brackets(text: str, matches) -> list[re.Match]:
    """The matches not inside brackets: “配合单位：各科室（责任人：科长）” has one label, not two."""
    kept = []
    depth = position = 0
    for match in matches:
        for ch in text[position:match.start()]:  # one pass over the text for all matches
            if ch in OPENERS:
                depth += 1
            elif ch in CLOSERS:
                depth = max(0, depth - 1)
        position = match.start()
        if depth == 0:
            kept.append(match)
    return kept


def line_labels(line: str) -> list[tuple[str, str]] | None:
    """The (field, value) pairs of a label line (“牵头单位: 司法局”, “责任单位：X 完成时限：Y”), or None."""
    match = LINE_LABEL.match(line)
    if not match:
        return None
    first = FIELD_OF[match.group("label")]
    rest = line[match.end():]
    head, more = split_labelled(rest)
    return [(first, (_VALUE_END.sub("", head) if more else head).strip())] + more


def trailing_labels(content: str) -> tuple[str, list[tuple[str, str]]]:
    """Labels written at the end of a task paragraph, and the content without them.

    “…机制（牵头单位：X，责任单位：Y）。” → (“…机制。”, [("lead", "X"), ("responsible", "Y")]).
    Also “…机制。牵头单位：X；完成时限：Y” (labels after a sentence end). Anything else: (content, [])."""
    stripped = content.rstrip()
    body = stripped.rstrip("。．.；;")
    tail = stripped[len(body):]
    if body and body[-1] in CLOSERS:
        start = _opening_of(body)
        if start is not None:
            parts = inline_parts(body[start + 1:-1])
            if parts:
                before = body[:start].rstrip()
                keep = tail[:1] if before and before[-1] not in _SENTENCE_END else ""
                return before + keep, parts
    # Unbracketed labels after a sentence end (or at the very start of a continuation).
    for match in INLINE_LABEL.finditer(content):
        end = match.start()
        while end and content[end - 1].isspace():
            end -= 1
        if end and content[end - 1] in _SENTENCE_END:
            _, parts = split_labelled(content[match.start():])
            return content[:end], parts
    return content, []


def _opening_of(text: str) -> int | None:
    """Index of the bracket that opens the one closing `text` (any bracket kind counts)."""
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        if text[i] in CLOSERS:
            depth += 1
        elif text[i] in OPENERS:
            depth -= 1
            if depth == 0:
                return i
    return None


def inline_parts(inner: str) -> list[tuple[str, str]]:
    """The labelled parts of a parenthesis' inside, or [] when it is ordinary text."""
    head, parts = split_labelled(inner)
    if parts:
        if head.strip(" ，,；;、"):
            return []
        return _deadline_out_of_units(parts)
    found: list[tuple[str, str]] = []
    for clause in (c.strip() for c in split_top_level(inner, "，,；;", spaces=False)):
        if not clause:
            continue
        for field, pattern in _CLAUSES:
            match = pattern.match(clause)
            if match and match.group("names").strip():
                found.append((field, match.group("names").strip()))
                break
        else:
            if found and _DEADLINE_LIKE.search(clause):
                found.append(("deadline", clause))
            else:
                return []
    return found if any(f in UNIT_FIELDS for f, _ in found) else []


def _deadline_out_of_units(parts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """“责任单位:Y,6月底完成” → responsible “Y” and deadline “6月底完成”."""
    if any(field == "deadline" for field, _ in parts):
        return parts
    field, value = parts[-1]
    if field not in UNIT_FIELDS:
        return parts
    pieces = split_top_level(value, "，,；;", spaces=False)
    if len(pieces) > 1 and _DEADLINE_LIKE.search(pieces[-1]):
        kept = value[:len(value) - len(pieces[-1])]
        return parts[:-1] + [(field, _VALUE_END.sub("", kept)), ("deadline", pieces[-1].strip())]
    return parts
