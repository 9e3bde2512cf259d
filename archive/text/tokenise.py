"""Segmentation of normalised text into search units, runs and tokens.

A *unit* is one Han character, or one word of another script (letters and digits together; a
dotted number such as 2.5 or 2020.03.04 is one word). A *run* is a stretch of units typed with
nothing between them: 华强北, covid, 1月27日, 确诊21例, 福田cbd. Spaces and punctuation end a run.

Three token streams are made from the same runs (docs/architecture.md, "Search"):
- words: jieba's words for each stretch of Han characters, Snowball (Porter2) stems for other words;
- chars: for each run with Han characters in it, the pairs of adjacent units and its last unit, so
  that any contiguous stretch of two or more units is a phrase of pairs, and any single character
  is a prefix of some token; a number is one unit, so `21例` is never found inside `121例`;
- grams: the 3- and 4-unit grams of those runs, so that the commonest queries (2–4 characters,
  or a date such as 1月27日) are one term each, found without reading positions.
Token positions count tokens, never characters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import rjieba
import snowballstemmer

# Han ideographs (URO, extensions A–F, compatibility) and the ideographic zero.
CJK_CLASS = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef\U00030000-\U0003134f"
# A unit: one Han character, or a word of another script (2.5 and 2020.03.04 are one word).
_UNIT_PATTERN = f"[{CJK_CLASS}]|(?:\\d+\\.(?=\\d))*[^\\W_{CJK_CLASS}]+"
_UNIT = re.compile(_UNIT_PATTERN)
_RUN = re.compile(f"(?:{_UNIT_PATTERN})+")
_HAN = re.compile(f"[{CJK_CLASS}]")
_ALL_HAN = re.compile(f"[{CJK_CLASS}]+")

_STEMMER = snowballstemmer.stemmer("english")


@dataclass(frozen=True)
class Unit:
    text: str
    start: int
    end: int
    is_cjk: bool


class Run:
    """Units with nothing between them, as typed: Han characters, and digits or latin letters
    touching them. Made for every stretch of every text indexed, so kept light: the units' offsets
    are worked out only when asked for."""

    __slots__ = ("all_han", "end", "has_cjk", "start", "text", "unit_texts")

    def __init__(self, text: str, start: int = 0) -> None:
        self.text = text
        self.start = start
        self.end = start + len(text)
        self.all_han = bool(_ALL_HAN.fullmatch(text))
        if self.all_han:
            self.unit_texts, self.has_cjk = tuple(text), True
        else:
            self.unit_texts, self.has_cjk = tuple(_UNIT.findall(text)), bool(_HAN.search(text))

    def __repr__(self) -> str:
        return f"Run({self.text!r}, {self.start})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Run) and (self.text, self.start) == (other.text, other.start)

    def __hash__(self) -> int:
        return hash((self.text, self.start))

    @property
    def units(self) -> list[Unit]:
        at, found = self.start, []
        for text in self.unit_texts:
            found.append(Unit(text=text, start=at, end=at + len(text), is_cjk=is_han(text)))
            at += len(text)
        return found

    def han_stretches(self) -> list[str]:
        """The run's stretches of Han characters (what jieba segments)."""
        return [self.text] if self.all_han else han_stretches(self.unit_texts)


def is_han(unit_text: str) -> bool:
    """True for a unit that is a Han character."""
    return len(unit_text) == 1 and bool(_HAN.match(unit_text))


def han_stretches(unit_texts: Sequence[str]) -> list[str]:
    """The stretches of Han characters among a run's units, in order."""
    stretches: list[str] = []
    current = ""
    for text in unit_texts:
        if is_han(text):
            current += text
        elif current:
            stretches.append(current)
            current = ""
    if current:
        stretches.append(current)
    return stretches


def units(text: str) -> list[Unit]:
    return [unit for run in runs(text) for unit in run.units]


def runs(text: str) -> list[Run]:
    """The runs of a normalised text, in order."""
    return [Run(match.group(), match.start()) for match in _RUN.finditer(text)]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _STEMMER.stemWord(word)


@lru_cache(maxsize=65536)
def segment(han: str) -> tuple[str, ...]:
    """jieba's words for a stretch of Han characters (rjieba, the Rust port)."""
    return tuple(rjieba.cut(han))


def word_tokens(run: Run) -> list[str]:
    """The words field's tokens of a run: jieba's words of its Han stretches, stems of its other words."""
    if run.all_han:
        return list(segment(run.text))
    if not run.has_cjk:  # one word
        return [stem(run.text)]
    tokens: list[str] = []
    han = ""
    for text in run.unit_texts:
        if is_han(text):
            han += text
            continue
        if han:
            tokens.extend(segment(han))
            han = ""
        tokens.append(stem(text))
    if han:
        tokens.extend(segment(han))
    return tokens


def char_grams(unit_texts: Sequence[str]) -> list[str]:
    """Pairs of adjacent units of a run, then its last unit on its own."""
    grams = [unit_texts[i] + unit_texts[i + 1] for i in range(len(unit_texts) - 1)]
    grams.append(unit_texts[-1])
    return grams


def long_grams(unit_texts: Sequence[str]) -> list[str]:
    """The 3- and 4-unit grams of a run: a run of 3 or 4 units is then one term."""
    return ["".join(unit_texts[i : i + size]) for size in (3, 4) for i in range(len(unit_texts) - size + 1)]
