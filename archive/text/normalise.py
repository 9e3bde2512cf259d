"""Normalisation for search: NFKC, lower case, traditional → simplified (OpenCC t2s).

Every function keeps a map back to the original text, so that a match found in
the normalised copy can be highlighted in the original script.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import opencc


@cache
def converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional → simplified with OpenCC's phrase-aware t2s."""
    return converter("t2s").convert(text)


def to_traditional(text: str) -> str:
    """Simplified → traditional with OpenCC's phrase-aware s2t."""
    return converter("s2t").convert(text)


class _CharFold(dict):
    """str.translate table: each character to its NFKC, lower-cased form, computed once; the
    characters whose form is not one character are remembered (offsets must be mapped for them)."""

    def __init__(self) -> None:
        super().__init__()
        self.uneven: set[str] = set()

    def __missing__(self, codepoint: int) -> str:
        folded = unicodedata.normalize("NFKC", chr(codepoint)).lower()
        self[codepoint] = folded
        if len(folded) != 1:
            self.uneven.add(chr(codepoint))
        return folded


_FOLD = _CharFold()


def t2s_same_length(text: str) -> str:
    """t2s that never changes the length, so offsets stay valid.

    OpenCC converts phrase by phrase; in the rare case a phrase changes length,
    that text falls back to character-by-character conversion.
    """
    converted = to_simplified(text)
    if len(converted) == len(text):
        return converted
    chars = []
    for char in text:
        single = to_simplified(char)
        chars.append(single if len(single) == 1 else char)
    return "".join(chars)


def normalise(text: str) -> str:
    """The search form of a text: NFKC, lower case, simplified script (character by character, so
    that each character of the result stands for one of the folded text)."""
    return t2s_same_length(fold(text))


def fold(text: str) -> str:
    """NFKC and lower case, character by character (before any change of script)."""
    return text.translate(_FOLD)


@dataclass(frozen=True)
class Normalised:
    """A search form of a text and, for each of its characters, the span of the original text it
    came from (one character, or a whole phrase where a regional form changed the length)."""

    text: str
    starts: Sequence[int]
    ends: Sequence[int]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that produced text[start:end]."""
        return self.starts[start], self.ends[end - 1]


def folded_with_offsets(text: str) -> tuple[str, Sequence[int]]:
    """fold(text), and for each of its characters the index of the original one."""
    folded = text.translate(_FOLD)
    if not _FOLD.uneven.intersection(text):  # every character folds to one: offsets are unchanged
        return folded, range(len(text))
    folded_chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _FOLD[ord(char)]
        folded_chars.append(folded)
        origin.extend([index] * len(folded))
    return "".join(folded_chars), tuple(origin)


def normalise_with_offsets(text: str) -> Normalised:
    folded, origin = folded_with_offsets(text)
    ends = range(1, len(origin) + 1) if isinstance(origin, range) else tuple(index + 1 for index in origin)
    return Normalised(text=t2s_same_length(folded), starts=origin, ends=ends)
