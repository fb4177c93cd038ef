"""Splitting “牵头单位：政府办、发展和改革局、市场监督管理分局等” into the names as written.

Names keep their brackets whole, even with a separator inside (“各行政执法部门〔单位〕”,
“各县(市)交通运输局”), and a short run such as “各县、市、区政府” stays one name: it is one collective
addressee, not three units. Only trailing 等/。/； are removed; nothing else in a name is changed
(normalising for matching is text_norm.match_key's job).
"""
from __future__ import annotations

import re

OPENERS = "（(〔【[［{｛〈《"
CLOSERS = "）)〕】]］}｝〉》"
SEPARATORS = "、，,;；"
# Trailing “等”, “等单位”, “等有关部门” and punctuation: “X、Y等” lists X and Y.
_TRAILING = re.compile(r"(?:等(?:有关|相关)?(?:单位|部门)?|[。．.；;，,、：:])+$")
_LEADING = re.compile(r"^[。．.；;，,、：:\s]+")
_COLLECTIVE_ENDS = ("政府", "部门", "单位")
_SHORT_COLLECTIVE = 4  # “各县”, “各乡镇”: only a short 各-piece starts a run like 各县、市、区政府


def split_top_level(text: str, separators: str = SEPARATORS, spaces: bool = True) -> list[str]:
    """`text` cut at `separators` (and at runs of whitespace if `spaces`) that are not inside brackets.
    A whitespace gap next to a bracket (“各乡镇 〔街道〕”) does not cut. Unbalanced brackets are
    ignored rather than swallowing the rest of the text."""
    pieces = _split(text, separators, spaces, brackets=True)
    if pieces is None:  # an opener never closed: cut everywhere
        pieces = _split(text, separators, spaces, brackets=False) or []
    return pieces


def _split(text: str, separators: str, spaces: bool, brackets: bool) -> list[str] | None:
    pieces: list[str] = []
    current: list[str] = []
    depth = 0
    n = len(text)
    for i, ch in enumerate(text):
        if brackets and ch in OPENERS:
            depth += 1
        elif brackets and ch in CLOSERS:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in separators:
            pieces.append("".join(current))
            current = []
            continue
        elif depth == 0 and spaces and ch.isspace():
            nxt = next((c for c in text[i + 1:i + 40] if not c.isspace()), "") if i + 1 < n else ""
            prev = current[-1] if current else ""
            if current and nxt and nxt not in OPENERS + CLOSERS and prev not in OPENERS:
                pieces.append("".join(current))
                current = []
                continue
        current.append(ch)
    pieces.append("".join(current))
    return None if depth else pieces


def clean_name(piece: str) -> str:
    """A piece trimmed of spaces, leading punctuation and trailing 等/。/；."""
    piece = _LEADING.sub("", piece.strip())
    previous = None
    while previous != piece:
        previous = piece
        piece = _TRAILING.sub("", piece).strip()
    return piece


def split_units(text: str) -> list[str]:
    """Names as written, in order, duplicates removed."""
    pieces = [p for p in (clean_name(p) for p in split_top_level(str(text or ""))) if p]
    names: list[str] = []
    seen: set[str] = set()
    i = 0
    while i < len(pieces):
        name = pieces[i]
        i += 1
        if name.startswith("各") and len(name) <= _SHORT_COLLECTIVE and not _has_bracket(name):
            while i < len(pieces):
                nxt = pieces[i]
                if len(nxt) <= 2:
                    name += "、" + nxt
                    i += 1
                elif len(nxt) <= 3 and nxt.endswith(_COLLECTIVE_ENDS):
                    name += "、" + nxt  # the final piece of the run: “区政府”
                    i += 1
                    break
                else:
                    break
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _has_bracket(name: str) -> bool:
    return any(ch in OPENERS or ch in CLOSERS for ch in name)
