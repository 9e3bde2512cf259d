"""The one rewrite step of a query, between parsing and the engine: reaching across languages.

archive.search.query parses a query and reads each term as documents are read (normalisation,
units, regional forms). `rewrite` then adds the query's Alternatives: other terms ORed with the
groups they cover, so `fugong` also finds 复工 and `mask` also finds 口罩 — pinyin readings of
latin words (toned ones always, plain ones when asked or, archive.search.results decides, when
the English search found nothing) and, when asked (`expand=1`), translations: the curated
glossary's entries added to CC-CEDICT's commonest renderings (archive.search.cedict); a glossary
entry never hides the dictionary's word, unless a curator removed that pair on purpose
(GlossaryEntry.removed). `explain` says how the query was read, for the page and the API.
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from archive.search.cedict import SOURCE as CEDICT
from archive.search.cedict import Cedict, cedict, english_key
from archive.search.query import Alternative, ParsedQuery, Term, make_term, pinyin_term
from archive.text.normalise import normalise
from archive.text.pinyin import MAX_SPLITS, is_toned, split_pinyin
from archive.text.tokenise import stem

MAX_WINDOW = 5  # words in the longest English glossary variant looked for
GLOSSARY = "glossary"


@dataclass(frozen=True)
class Rewritten:
    query: ParsedQuery  # the parsed query with its alternatives
    could_be_pinyin: bool  # plain latin words that were not read as pinyin but could be


def rewrite(parsed: ParsedQuery, *, expand: bool = False, pinyin: bool = False, drop: Iterable[str] = ()) -> Rewritten:
    """The query with its alternatives: translations when `expand` (but those in `drop`), pinyin
    readings of toned latin words, and of plain ones too when `pinyin`."""
    expansions = []
    if expand:
        expansions = expansion_alternatives(parsed, glossary(), drop=set(drop), dictionary=cedict())
    readings, plain_candidates = pinyin_alternatives(parsed, plain=pinyin)
    query = dataclasses.replace(parsed, alternatives=[*expansions, *readings])
    return Rewritten(query=query, could_be_pinyin=plain_candidates and not pinyin)


def explain(parsed: ParsedQuery, *, pinyin_matched: Iterable[str] = ()) -> dict:
    """How the query was read (the JSON's `explain`): normalised form and tokens, regional forms,
    pinyin readings and the Chinese they matched, expansions with their sources."""
    return {
        **parsed.explain(),
        "pinyin": explain_pinyin(parsed.alternatives),
        "pinyin_matched": list(dict.fromkeys(pinyin_matched))[:5],
        "expansions": explain_expansions(parsed, parsed.alternatives),
    }


def _plain_words(term: Term) -> bool:
    return not term.field and bool(term.runs) and not any(run.has_cjk for run in term.runs)


def readings(term: Term) -> list[list[str]]:
    """The ways to read a term of latin words as pinyin (one phrase of syllables each)."""
    if not _plain_words(term):
        return []
    per_run = [split_pinyin(run.text) for run in term.runs]
    if not all(per_run):
        return []
    combined = itertools.islice(itertools.product(*per_run), MAX_SPLITS)
    return [[syllable for part in reading for syllable in part] for reading in combined]


def pinyin_alternatives(parsed: ParsedQuery, *, plain: bool) -> tuple[list[Alternative], bool]:
    """Pinyin alternatives for toned words (always) and plain ones (when `plain`).

    Also says whether some plain word could have been read as pinyin.
    """
    alternatives, plain_candidates = [], False
    for index, group in enumerate(parsed.groups):
        terms: list[Term] = []
        labels: list[str] = []
        for term in group:
            found = readings(term)
            if not found:
                continue
            toned = any(is_toned(run.text) for run in term.runs)
            plain_candidates |= not toned
            if toned or plain:
                terms.extend(pinyin_term(reading, raw=term.raw) for reading in found)
                labels.append(term.normalised)
        if terms:
            alternatives.append(
                Alternative(first=index, last=index, terms=tuple(terms), kind="pinyin", label=" ".join(labels))
            )
    return alternatives, plain_candidates


def explain_pinyin(alternatives: list[Alternative]) -> list[dict]:
    return [
        {"word": alt.label, "readings": [" ".join(run.text for run in term.runs) for term in alt.terms]}
        for alt in alternatives
        if alt.kind == "pinyin"
    ]


# --- glossary expansion ---------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    chinese: str
    english: tuple[str, ...]
    removed: bool = False  # a curator's removal: never expand these English to this Chinese, or back


class Glossary:
    """The glossary's entries looked up by normalised Chinese and by stemmed English, with the pairs
    curators removed on purpose."""

    def __init__(self, entries: list[Entry]) -> None:
        self.by_chinese: dict[str, Entry] = {}
        self.by_english: dict[tuple[str, ...], list[Entry]] = {}
        self.removed: set[tuple[tuple[str, ...], str]] = set()  # (English key, normalised Chinese)
        for entry in entries:
            chinese = normalise(entry.chinese)
            for variant in entry.english:
                key = english_key(variant)
                if key and entry.removed:
                    self.removed.add((key, chinese))
                elif key and entry not in self.by_english.setdefault(key, []):  # masks, mask: one key
                    self.by_english[key].append(entry)
            if not entry.removed:
                self.by_chinese.setdefault(chinese, entry)

    def allows(self, key: tuple[str, ...], chinese: str) -> bool:
        return (key, normalise(chinese)) not in self.removed


def expansion_alternatives(
    parsed: ParsedQuery, glossary: Glossary, *, drop: set[str], dictionary: Cedict | None = None
) -> list[Alternative]:
    """Each query term (or run of plain words) the glossary or the dictionary can translate, ORed
    with its translations: the glossary's entries add to the dictionary's commonest renderings,
    never hide them, except the pairs a curator removed. Entries whose Chinese is in `drop` are
    left out (the user removed them from this search)."""

    def translations(first: int, size: int) -> list[Alternative]:
        term = parsed.groups[first][0]
        if size == 1 and _chinese_word(term):
            return _from_chinese(first, term.runs[0].text, glossary, dictionary)
        key = _window_key(parsed, first, size)
        return _from_english(first, first + size - 1, key, glossary, dictionary) if key else []

    return [alt for alt in _cover(parsed, translations) if alt.label not in drop]


def _from_chinese(index: int, word: str, glossary: Glossary, dictionary: Cedict | None) -> list[Alternative]:
    """A Chinese word's English: the glossary's variants, then the dictionary's glosses."""
    entry = glossary.by_chinese.get(word)
    found = []
    if entry is not None:
        found.append(_alternative(index, index, [make_term(variant) for variant in entry.english], entry.chinese))
    glossed = [english for english in (dictionary.english_for(word) if dictionary else ()) if english_key(english)]
    glossed = [english for english in glossed if glossary.allows(english_key(english), word)]
    if entry is not None:
        glossed = [english for english in glossed if english_key(english) not in map(english_key, entry.english)]
    if glossed:
        found.append(_alternative(index, index, [make_term(english) for english in glossed], word, source=CEDICT))
    return found


def _from_english(
    first: int, last: int, key: tuple[str, ...], glossary: Glossary, dictionary: Cedict | None
) -> list[Alternative]:
    """An English phrase's Chinese: every glossary entry with that variant (with the entry's other
    English forms), and the dictionary's commonest renderings; one alternative per Chinese word."""
    found: list[Alternative] = []
    seen: set[str] = set()
    for entry in glossary.by_english.get(key, ()):
        others = [english for english in entry.english if english_key(english) != key]
        found.append(_alternative(first, last, [make_term(entry.chinese), *map(make_term, others)], entry.chinese))
        seen.add(normalise(entry.chinese))
    for word in dictionary.chinese_for(key) if dictionary else ():
        if word not in seen and glossary.allows(key, word):
            found.append(_alternative(first, last, [make_term(word)], word, source=CEDICT))
            seen.add(word)
    return found


def _chinese_word(term: Term) -> bool:
    return not term.field and len(term.runs) == 1 and all(unit.is_cjk for unit in term.runs[0].units)


def _window_key(parsed: ParsedQuery, first: int, size: int) -> tuple[str, ...]:
    """Stems of groups first..first+size-1 when each is one term of plain words, else ()."""
    window = parsed.groups[first : first + size]
    if not all(len(group) == 1 and _plain_words(group[0]) for group in window):
        return ()
    return tuple(stem(run.text) for group in window for run in group[0].runs)


def _cover(parsed: ParsedQuery, lookup) -> list[Alternative]:
    """Walk the groups left to right, taking the longest window `lookup` has alternatives for."""
    alternatives: list[Alternative] = []
    index = 0
    while index < len(parsed.groups):
        for size in range(min(MAX_WINDOW, len(parsed.groups) - index), 0, -1):
            if len(parsed.groups[index]) != 1:
                continue
            found = lookup(index, size)
            if found:
                alternatives.extend(found)
                index += size
                break
        else:
            index += 1
    return alternatives


def _alternative(first: int, last: int, terms: list[Term | None], label: str, *, source: str = GLOSSARY) -> Alternative:
    return Alternative(
        first=first,
        last=last,
        terms=tuple(term for term in terms if term),
        kind="expansion",
        label=label,
        source=source,
    )


def explain_expansions(parsed: ParsedQuery, alternatives: list[Alternative]) -> list[dict]:
    out = []
    for alt in alternatives:
        if alt.kind != "expansion":
            continue
        matched = " ".join(term.normalised for group in parsed.groups[alt.first : alt.last + 1] for term in group)
        out.append(
            {"entry": alt.label, "matched": matched, "added": [term.raw for term in alt.terms], "source": alt.source}
        )
    return out


def glossary() -> Glossary:
    """The glossary as curated in the admin (archive.models.GlossaryEntry), built at most once a
    minute per process: an admin edit clears this process's copy at once (archive.signals), other
    processes see it within GLOSSARY_TTL seconds."""
    global _glossary
    now = time.monotonic()
    with _glossary_lock:
        if _glossary is None or now - _glossary[0] > GLOSSARY_TTL:
            from archive.models import GlossaryEntry

            entries = [
                Entry(
                    chinese=chinese, english=tuple(v.strip() for v in english.split("|") if v.strip()), removed=removed
                )
                for chinese, english, removed in GlossaryEntry.objects.values_list("chinese", "english", "removed")
            ]
            _glossary = (now, Glossary(entries))
        return _glossary[1]


def forget_glossary() -> None:
    global _glossary
    with _glossary_lock:
        _glossary = None


GLOSSARY_TTL = 60.0
_glossary: tuple[float, Glossary] | None = None
_glossary_lock = threading.Lock()
