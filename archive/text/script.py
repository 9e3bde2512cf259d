"""Language and script of a paragraph and of an article.

A paragraph is Chinese or English by its Han characters against its Latin
letters; simplified against traditional by OpenCC round trips: a character that
t2s changes is traditional, one that s2t changes is simplified.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from archive.text.normalise import to_simplified, to_traditional
from archive.text.tokenise import CJK_CLASS

ENGLISH = "en"
SIMPLIFIED = "zh-Hans"
TRADITIONAL = "zh-Hant"
MIXED = "mixed"
UNKNOWN = "und"

_HAN = re.compile(f"[{CJK_CLASS}]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
# One Han character carries about as much as a short English word.
_HAN_WEIGHT = 3
# A bilingual article has at least this share of its body paragraphs in each language.
_MIXED_MIN_SHARE = 0.25


@dataclass(frozen=True)
class ScriptStats:
    han: int
    latin: int
    traditional: int  # characters that t2s changes
    simplified: int  # characters that s2t changes

    @property
    def is_chinese(self) -> bool:
        return self.han > 0 and self.han * _HAN_WEIGHT >= self.latin

    @property
    def chinese_script(self) -> str | None:
        """zh-Hant or zh-Hans when the characters tell; None when they could be either."""
        if self.traditional > self.simplified:
            return TRADITIONAL
        if self.simplified > self.traditional:
            return SIMPLIFIED
        return None


@lru_cache(maxsize=65536)
def _char_kind(char: str) -> tuple[bool, bool]:
    """(is traditional-only, is simplified-only) for one Han character."""
    return to_simplified(char) != char, to_traditional(char) != char


def script_stats(text: str) -> ScriptStats:
    han_chars = _HAN.findall(text)
    traditional = simplified = 0
    for char in han_chars:
        is_traditional, is_simplified = _char_kind(char)
        traditional += is_traditional
        simplified += is_simplified
    return ScriptStats(
        han=len(han_chars), latin=len(_LATIN.findall(text)), traditional=traditional, simplified=simplified
    )


def paragraph_language(text: str, *, chinese_default: str = SIMPLIFIED) -> str:
    """en, zh-Hans, zh-Hant or und; Chinese that could be either script gets `chinese_default`."""
    stats = script_stats(text)
    if stats.is_chinese:
        return stats.chinese_script or chinese_default
    if stats.latin:
        return ENGLISH
    return UNKNOWN


def title_language(title: str, *, article_language: str) -> str:
    """The language of a title: the article's, or for a bilingual or unknown article, the title's own."""
    if article_language in (ENGLISH, SIMPLIFIED, TRADITIONAL):
        return article_language
    return paragraph_language(title)


def chinese_script_of(texts: Iterable[str]) -> str:
    """The script of a body of Chinese text taken together (ties → simplified)."""
    traditional = simplified = 0
    for text in texts:
        stats = script_stats(text)
        traditional += stats.traditional
        simplified += stats.simplified
    return TRADITIONAL if traditional > simplified else SIMPLIFIED


def article_language(body: Iterable[str]) -> str:
    """Language of an article from its body paragraphs: mixed when both languages carry weight."""
    english: list[str] = []
    chinese: list[str] = []
    for text in body:
        language = paragraph_language(text)
        if language == ENGLISH:
            english.append(text)
        elif language != UNKNOWN:
            chinese.append(text)
    total = len(english) + len(chinese)
    if not total:
        return UNKNOWN
    if len(english) >= 2 and len(chinese) >= 2 and min(len(english), len(chinese)) / total >= _MIXED_MIN_SHARE:
        return MIXED
    english_weight = sum(script_stats(text).latin for text in english)
    chinese_weight = sum(script_stats(text).han * _HAN_WEIGHT for text in chinese)
    if english_weight > chinese_weight:
        return ENGLISH
    return chinese_script_of(chinese)
