"""Reaching across languages: pinyin readings of latin words, and term expansion (issue 10).

Both add Alternatives to a parsed query: other terms ORed with the groups they
cover, so `fugong` also finds 复工 and `mask` also finds 口罩. The service
decides when: toned pinyin always, plain pinyin when asked or when the English
search found nothing, expansion only when asked (`expand=1`). Expansion takes the
curated glossary first and CC-CEDICT (archive.search.cedict) for what the
glossary does not cover.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass

from archive.search.cedict import SOURCE as CEDICT
from archive.search.cedict import Cedict, english_key
from archive.search.query import Alternative, ParsedQuery, Term, make_term, pinyin_term
from archive.text.normalise import normalise
from archive.text.pinyin import MAX_SPLITS, is_toned, split_pinyin
from archive.text.tokenise import stem

MAX_WINDOW = 5  # words in the longest English glossary variant looked for
GLOSSARY = "glossary"


def _plain_words(term: Term) -> bool:
    return not term.field and bool(term.runs) and all(run.kind == "word" for run in term.runs)


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


class Glossary:
    """The glossary's entries looked up by normalised Chinese and by stemmed English."""

    def __init__(self, entries: list[Entry]) -> None:
        self.by_chinese: dict[str, Entry] = {}
        self.by_english: dict[tuple[str, ...], Entry] = {}
        for entry in entries:
            self.by_chinese.setdefault(normalise(entry.chinese), entry)
            for variant in entry.english:
                key = english_key(variant)
                if key:
                    self.by_english.setdefault(key, entry)


def expansion_alternatives(
    parsed: ParsedQuery, glossary: Glossary, *, drop: set[str], dictionary: Cedict | None = None
) -> list[Alternative]:
    """Each query term (or run of plain words) equal to a glossary entry, ORed with its other forms;
    then, for the rest, the dictionary's translations. Entries whose Chinese is in `drop` are left out."""

    def from_glossary(first: int, size: int) -> list[Alternative]:
        term = parsed.groups[first][0]
        if size == 1 and _chinese_word(term):
            entry = glossary.by_chinese.get(term.runs[0].text)
            if entry is None:
                return []
            return [_alternative(first, first, [make_term(variant) for variant in entry.english], entry.chinese)]
        key = _window_key(parsed, first, size)
        entry = glossary.by_english.get(key) if key else None
        if entry is None:
            return []
        others = [make_term(entry.chinese), *(make_term(other) for other in entry.english if english_key(other) != key)]
        return [_alternative(first, first + size - 1, others, entry.chinese)]

    def from_dictionary(first: int, size: int) -> list[Alternative]:
        term = parsed.groups[first][0]
        if size == 1 and _chinese_word(term):
            word = term.runs[0].text
            others = [make_term(english) for english in dictionary.english_for(word)]
            return [_alternative(first, first, others, word, source=CEDICT)] if others else []
        key = _window_key(parsed, first, size)
        words = dictionary.chinese_for(key) if key else ()
        return [_alternative(first, first + size - 1, [make_term(word)], word, source=CEDICT) for word in words]

    alternatives = _cover(parsed, from_glossary)
    if dictionary is not None:
        # Where the glossary has an entry, even one the user removed, the dictionary adds nothing.
        covered = {index for alt in alternatives for index in range(alt.first, alt.last + 1)}
        alternatives += _cover(parsed, from_dictionary, skip=covered)
    return [alt for alt in alternatives if alt.label not in drop]


def _chinese_word(term: Term) -> bool:
    return not term.field and len(term.runs) == 1 and term.runs[0].kind == "cjk"


def _window_key(parsed: ParsedQuery, first: int, size: int) -> tuple[str, ...]:
    """Stems of groups first..first+size-1 when each is one term of plain words, else ()."""
    window = parsed.groups[first : first + size]
    if not all(len(group) == 1 and _plain_words(group[0]) for group in window):
        return ()
    return tuple(stem(run.text) for group in window for run in group[0].runs)


def _cover(parsed: ParsedQuery, lookup, *, skip: frozenset[int] | set[int] = frozenset()) -> list[Alternative]:
    """Walk the groups left to right, taking the longest window `lookup` has alternatives for."""
    alternatives: list[Alternative] = []
    index = 0
    while index < len(parsed.groups):
        for size in range(min(MAX_WINDOW, len(parsed.groups) - index), 0, -1):
            if any(i in skip for i in range(index, index + size)) or len(parsed.groups[index]) != 1:
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
                Entry(chinese=chinese, english=tuple(v.strip() for v in english.split("|") if v.strip()))
                for chinese, english in GlossaryEntry.objects.values_list("chinese", "english")
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
