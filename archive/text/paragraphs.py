"""Decoded text → paragraphs: one non-empty line is one paragraph.

Positions are 1-based and count every non-empty line in file order, page
furniture included, so that the permalink #p-N survives a change of flags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Whitespace that makes a line "empty": Unicode spaces (NBSP, ideographic space,
# zero-width space and BOM included).
_BLANK = re.compile(r"^[\s\u00a0\u200b\u200c\u200d\u2060\u3000\ufeff]*$")


@dataclass(frozen=True)
class Line:
    position: int
    text: str


def is_blank(line: str) -> bool:
    return bool(_BLANK.match(line))


def clean_line(line: str) -> str:
    """A line without surrounding whitespace (NBSP, ideographic and zero-width spaces too)."""
    return line.strip().strip("\u00a0\u200b\u200c\u200d\u2060\u3000\ufeff").strip()


def split_paragraphs(text: str) -> list[Line]:
    """Non-empty lines of `text`, stripped, numbered from 1."""
    lines: list[Line] = []
    for raw in text.split("\n"):
        if is_blank(raw):
            continue
        lines.append(Line(position=len(lines) + 1, text=clean_line(raw)))
    return lines
