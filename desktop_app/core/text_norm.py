"""Normalisation of names for matching only; the text the clerk sees is always kept verbatim."""
from __future__ import annotations

import re
import unicodedata

_BRACKETS = str.maketrans({
    "〔": "(", "〕": ")", "［": "(", "］": ")", "[": "(", "]": ")", "【": "(", "】": ")",
    "（": "(", "）": ")", "〈": "(", "〉": ")", "《": "(", "》": ")", "{": "(", "}": ")",
})
_SPACES = re.compile(r"\s+")
_TRAILING = re.compile(r"(等|。|；|;|，|,|、)+$")


def match_key(name: str) -> str:
    """Full-width → half-width, all brackets → (), no spaces, no trailing 等/punctuation, lower case.

    “各乡镇〔街道〕”, “各乡镇（街道）” and “各乡镇 [街道] 等” all give “各乡镇(街道)”.
    """
    text = unicodedata.normalize("NFKC", str(name)).translate(_BRACKETS)
    text = _SPACES.sub("", text)
    text = _TRAILING.sub("", text)
    return text.lower()


def clean_display(name: str) -> str:
    """Trim and collapse spaces for storage (a name pasted from a PDF often carries stray ones)."""
    return _SPACES.sub(" ", str(name)).strip()
