"""Query tables derived by rule from real text, each query with the exact set of pages that hold it.

Written apart from the archive's own search code (only OpenCC and unicodedata), so that the
search is checked against an independent account of what "holds the query" means:

- a page's searchable text (its title and its title and body lines) holds a query when the
  query, folded (NFKC, lower case) and simplified (OpenCC t2s), occurs in the folded, simplified
  text; for a traditional page, also in its phrase-level forms (OpenCC tw2sp, hk2s: 資訊 → 信息),
  the forms a mainland reader would use;
- a number or latin word in the query matches only a whole number or word (21例 is not in 121例,
  7万 is not in 47万, 2.5 is one number); Han characters need no boundary;
- a query of latin words separated by punctuation (COVID-19) matches those words in a row with
  only spaces or punctuation between them.

The classes: `date` (every 1月27日 in the text), `count` (确诊21例, 47万, 2.5亿元), `substring`
(2–4 Han characters), `word` (jieba's words), `latin` (COVID-19, H1N1, 5G, N95) and `taiwan`
(a word in Taiwan phrasing, 紐西蘭 for 新西兰: it must find the pages whose simplified original holds
the mainland word or its character-level form).
"""

from __future__ import annotations

import functools
import random
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import jieba
import opencc

from tests.support.realtext import Page

CLASSES = ("date", "count", "substring", "word", "latin", "taiwan")

HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_DATE = re.compile(r"(?<![0-9])\d{1,2}月\d{1,2}日")
_COUNT = re.compile(f"[{HAN}]{{2}}\\d+(?:\\.\\d+)?(?:例|人|名|万|亿元|亿)|(?<![0-9.])\\d+(?:\\.\\d+)?(?:万|亿元)")
_LATIN = re.compile(r"(?<![A-Za-z0-9])(?:[A-Za-z]+-?\d+[A-Za-z0-9]*|\d+[A-Za-z]+[A-Za-z0-9]*)(?![A-Za-z0-9])")
_HAN_RUN = re.compile(f"[{HAN}]+")
_ALNUM = re.compile(r"[^\W_]")


@functools.cache
def _cc(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _is_word_char(char: str) -> bool:
    """A letter or digit of a script other than Han (what a whole number or word is made of)."""
    return bool(_ALNUM.match(char)) and not re.match(f"[{HAN}]", char)


def _inside_word(text: str, at: int) -> bool:
    """True when position `at` falls inside one number or word of `text` (2.5 is one number)."""
    if at <= 0 or at >= len(text):
        return False
    before, after = text[at - 1], text[at]
    if _is_word_char(before) and _is_word_char(after):
        return True
    dotted = before == "." and at >= 2 and text[at - 2].isdigit() and after.isdigit()
    return dotted or (after == "." and before.isdigit() and at + 1 < len(text) and text[at + 1].isdigit())


def occurs(needle: str, text: str) -> bool:
    """The needle in the text, its numbers and latin words whole."""
    start = text.find(needle)
    while start != -1:
        end = start + len(needle)
        if not _inside_word(text, start) and not _inside_word(text, end):
            return True
        start = text.find(needle, start + 1)
    return False


def text_forms(text: str, *, traditional: bool) -> list[str]:
    folded = fold(text)
    forms = [_cc("t2s").convert(folded)]
    if traditional:
        forms += [_cc("tw2sp").convert(folded), _cc("hk2s").convert(folded)]
    return forms


def query_pieces(query: str) -> list[list[str]]:
    """The pieces that must all occur, each with its alternative forms: a run of Han characters
    with digits and letters touching it, or a stretch of latin words (joined by a space)."""
    folded = fold(query)
    simplified = _cc("t2s").convert(folded)
    pieces: list[list[str]] = []
    for token in re.findall(r"[^\W_]+(?:\.\d+)*", simplified):
        if re.search(f"[{HAN}]", token):
            pieces.append([token])
        elif pieces and not re.search(f"[{HAN}]", pieces[-1][0]):
            pieces[-1] = [pieces[-1][0] + " " + token]
        else:
            pieces.append([token])
    for config, back in (("tw2sp", "s2twp"), ("hk2s", "s2hk")):
        if _cc(back).convert(folded) == folded:
            regional = _cc(config).convert(folded)
            if regional != simplified and len(pieces) == 1:
                pieces[0].append(regional)
    return pieces


def _latin_phrase(words: str, text: str) -> bool:
    """Latin words in a row in the text, with only spaces or punctuation between them."""
    separator = f"[^\\w{HAN}]*"
    pattern = separator.join(re.escape(word) for word in words.split(" "))
    for match in re.finditer(pattern, text):
        if not _inside_word(text, match.start()) and not _inside_word(text, match.end()):
            return True
    return False


def holds(query: str, texts: Iterable[tuple[str, bool]]) -> bool:
    """True when one of the texts (each with "is traditional") holds every piece of the query."""
    return holds_in(
        query_pieces(query), [form for text, traditional in texts for form in text_forms(text, traditional=traditional)]
    )


def holds_in(pieces: list[list[str]], forms: Sequence[str]) -> bool:
    """True when the forms (text_forms of a page's texts) hold every piece (query_pieces of a query):
    for checking many pages against one query, each page's forms computed once."""
    for piece in pieces:
        if " " in piece[0]:
            if not any(_latin_phrase(piece[0], form) for form in forms):
                return False
        elif not any(occurs(alternative, form) for alternative in piece for form in forms):
            return False
    return True


def page_texts(page: Page) -> list[tuple[str, bool]]:
    traditional = page.language == "zh-Hant"
    return [(text, traditional) for text in page.searchable]


@dataclass(frozen=True)
class Query:
    text: str
    kind: str
    expected: frozenset[str]  # page names


def expected_pages(query: str, pages: Sequence[Page]) -> frozenset[str]:
    return frozenset(page.name for page in pages if holds(query, page_texts(page)))


def _simplified_sources(page: Page) -> str:
    return page.post.title + "\n" + page.post.body


def taiwan_phrasing(word: str) -> str | None:
    """The word as Taiwan writes it, when that differs from a character-level conversion."""
    taiwan = _cc("s2twp").convert(word)
    if taiwan == _cc("s2t").convert(word) or _cc("tw2sp").convert(taiwan) != word:
        return None
    return taiwan


def candidates(pages: Sequence[Page], *, kind: str) -> list[str]:
    """Every distinct query of a class found in the pages' simplified originals, in text order."""
    found: dict[str, None] = {}
    for page in pages:
        text = _simplified_sources(page)
        if kind == "date":
            found.update(dict.fromkeys(_DATE.findall(text)))
        elif kind == "count":
            found.update(dict.fromkeys(_COUNT.findall(text)))
        elif kind == "latin":
            found.update(dict.fromkeys(_LATIN.findall(text)))
        elif kind in ("word", "taiwan"):
            for run in _HAN_RUN.findall(text):
                for word in jieba.cut(run):
                    if len(word) < 2:
                        continue
                    if kind == "word":
                        found[word] = None
                    elif taiwan := taiwan_phrasing(word):
                        found[taiwan] = None
        elif kind == "substring":
            rng = random.Random(page.post.number)
            for run in _HAN_RUN.findall(text):
                if len(run) >= 2:
                    size = rng.randint(2, min(4, len(run)))
                    at = rng.randrange(len(run) - size + 1)
                    found[run[at : at + size]] = None
        else:
            raise ValueError(f"unknown query class {kind!r}")
    return list(found)


def taiwan_expected(query: str, pages: Sequence[Page]) -> frozenset[str]:
    """Pages whose simplified original holds the query's mainland word or its character-level form:
    independent of how the traditional pages were rendered."""
    forms = {_cc("tw2sp").convert(query), _cc("t2s").convert(query)}
    return frozenset(
        page.name for page in pages if any(occurs(form, fold(_simplified_sources(page))) for form in forms)
    )


def sample(texts: list[str], *, limit: int | None, seed: int = 0) -> list[str]:
    """`limit` of the texts, drawn deterministically, in their order (all of them when None)."""
    if limit is None or len(texts) <= limit:
        return texts
    return sorted(random.Random(seed).sample(texts, limit), key=texts.index)


def query_table(pages: Sequence[Page], *, kind: str, limit: int | None = None, seed: int = 0) -> list[Query]:
    """Queries of one class with their expected pages; `limit` samples that many (deterministically)."""
    texts = sample(candidates(pages, kind=kind), limit=limit, seed=seed)
    if kind == "taiwan":
        return [Query(text, kind, taiwan_expected(text, pages)) for text in texts]
    return [Query(text, kind, expected_pages(text, pages)) for text in texts]
