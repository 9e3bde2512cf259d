"""Segmentation of normalised text into search tokens.

Three token streams are made from the same normalised text (see DESIGN.md §4):
- words: jieba's words for Chinese runs, Snowball (Porter2) stems for other words;
- chars: for each run of Chinese characters, its bigrams and its last character,
  so that any substring of two or more characters is a phrase of bigrams and any
  single character is a prefix of some token;
- grams: the trigrams and 4-grams of each run, so that the commonest queries
  (words of 2–4 characters) are one term each, found without reading positions.
Token positions count tokens, never characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import rjieba
import snowballstemmer

# Han ideographs (URO, extensions A–F, compatibility) and the ideographic zero.
CJK_CLASS = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef\U00030000-\U0003134f"
_RUN = re.compile(f"(?P<cjk>[{CJK_CLASS}]+)|(?P<word>[^\\W_{CJK_CLASS}]+)")

_STEMMER = snowballstemmer.stemmer("english")


@dataclass(frozen=True)
class Run:
    """A stretch of normalised text: Chinese characters, or one word of another script."""

    kind: Literal["cjk", "word"]
    text: str
    start: int
    end: int


def runs(text: str) -> list[Run]:
    """Chinese runs and single words, in order; punctuation and spaces separate them."""
    found = []
    for match in _RUN.finditer(text):
        kind = "cjk" if match.lastgroup == "cjk" else "word"
        found.append(Run(kind=kind, text=match.group(), start=match.start(), end=match.end()))
    return found


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _STEMMER.stemWord(word)


@lru_cache(maxsize=65536)
def segment(cjk_run: str) -> tuple[str, ...]:
    """jieba's words for a run of Chinese characters (rjieba, the Rust port)."""
    return tuple(rjieba.cut(cjk_run))


def char_grams(cjk_run: str) -> list[str]:
    """Bigrams of a Chinese run, then its last character on its own."""
    grams = [cjk_run[i : i + 2] for i in range(len(cjk_run) - 1)]
    grams.append(cjk_run[-1])
    return grams


def long_grams(cjk_run: str) -> list[str]:
    """Trigrams and 4-grams of a Chinese run: a run of 3 or 4 characters is then one term."""
    return [cjk_run[i : i + size] for size in (3, 4) for i in range(len(cjk_run) - size + 1)]
