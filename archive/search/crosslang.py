"""Reaching across languages: pinyin readings of latin words, and glossary expansion (issue 10).

Both add Alternatives to a parsed query: other terms ORed with the groups they
cover, so `fugong` also finds 复工 and `mask` also finds 口罩. The service
decides when: toned pinyin always, plain pinyin when asked or when the English
search found nothing, the glossary only when asked (`expand=1`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from archive.search.query import Alternative, ParsedQuery, Term, make_term, pinyin_term
from archive.text.normalise import normalise
from archive.text.pinyin import MAX_SPLITS, is_toned, split_pinyin
from archive.text.tokenise import stem

MAX_WINDOW = 5  # words in the longest English glossary variant looked for


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


def _stems(text: str) -> tuple[str, ...]:
    term = make_term(text)
    if term is None or not _plain_words(term):
        return ()
    return tuple(stem(run.text) for run in term.runs)


def expansion_alternatives(parsed: ParsedQuery, entries: list[Entry], *, drop: set[str]) -> list[Alternative]:
    """Each query term (or run of plain words) equal to a glossary entry, ORed with its other forms."""
    by_chinese: dict[str, Entry] = {}
    by_english: dict[tuple[str, ...], tuple[Entry, str]] = {}
    for entry in entries:
        if entry.chinese in drop:
            continue
        by_chinese.setdefault(normalise(entry.chinese), entry)
        for variant in entry.english:
            key = _stems(variant)
            if key:
                by_english.setdefault(key, (entry, variant))
    groups = parsed.groups
    alternatives: list[Alternative] = []
    index = 0
    while index < len(groups):
        group = groups[index]
        term = group[0]
        if len(group) == 1 and not term.field and len(term.runs) == 1 and term.runs[0].kind == "cjk":
            entry = by_chinese.get(term.runs[0].text)
            if entry is not None:
                others = [make_term(variant) for variant in entry.english]
                alternatives.append(_alternative(index, index, others, entry))
            index += 1
            continue
        matched = False
        for size in range(min(MAX_WINDOW, len(groups) - index), 0, -1):
            window = groups[index : index + size]
            if not all(len(g) == 1 and _plain_words(g[0]) for g in window):
                continue
            key = tuple(stem(run.text) for g in window for run in g[0].runs)
            if key in by_english:
                entry, variant = by_english[key]
                others = [make_term(entry.chinese)]
                others += [make_term(other) for other in entry.english if _stems(other) != key]
                alternatives.append(_alternative(index, index + size - 1, others, entry))
                index += size
                matched = True
                break
        if not matched:
            index += 1
    return alternatives


def _alternative(first: int, last: int, terms: list[Term | None], entry: Entry) -> Alternative:
    return Alternative(
        first=first, last=last, terms=tuple(term for term in terms if term), kind="expansion", label=entry.chinese
    )


def explain_expansions(parsed: ParsedQuery, alternatives: list[Alternative]) -> list[dict]:
    out = []
    for alt in alternatives:
        if alt.kind != "expansion":
            continue
        matched = " ".join(term.normalised for group in parsed.groups[alt.first : alt.last + 1] for term in group)
        out.append({"entry": alt.label, "matched": matched, "added": [term.raw for term in alt.terms]})
    return out


def glossary_entries() -> list[Entry]:
    """The glossary as curated in the admin (archive.models.GlossaryEntry)."""
    from archive.models import GlossaryEntry

    return [
        Entry(chinese=chinese, english=tuple(v.strip() for v in english.split("|") if v.strip()))
        for chinese, english in GlossaryEntry.objects.values_list("chinese", "english")
    ]
