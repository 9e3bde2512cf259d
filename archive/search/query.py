"""Parsing a user's query into terms, and terms into Whoosh queries.

Syntax: plain words (all must match), "quoted phrases", OR between two terms,
-exclusion, and title:word. Anything else is taken literally; no input raises.
Each term goes through archive.text's normalisation and segmentation, exactly
as documents do; archive.search.engines.whoosh.execution turns terms into index look-ups.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext

from archive.text.normalise import normalise_with_offsets
from archive.text.pinyin import syllables_of
from archive.text.regional import query_forms
from archive.text.tokenise import Run, char_grams, runs, segment, stem, word_tokens

MAX_QUERY_CHARS = 256
MAX_TERMS = 16

# Lone surrogates (from a broken encoding; nothing can encode them) and control characters.
_UNSAFE = re.compile(r"[\ud800-\udfff\x00-\x08\x0b-\x1f\x7f]")
_TOKEN = re.compile(r'(?P<neg>-)?(?:(?P<field>title):)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')


@dataclass(frozen=True)
class Contiguous:
    """A run with Han characters in it, which matches only as a whole: its units in a row, in the
    query's own form or in one of its regional forms (archive.text.regional)."""

    forms: tuple[tuple[str, ...], ...]  # the units of each form, the query's own first

    @property
    def units(self) -> tuple[str, ...]:
        return self.forms[0]


Part = Contiguous | tuple[str, ...]  # a contiguous run, or a stretch of adjacent words (stems)


@dataclass(frozen=True)
class Term:
    """One thing to look for: a word, a run typed without spaces, or a phrase."""

    raw: str
    runs: tuple[Run, ...]
    field: str = ""  # "" for the body, "title" for title:, "pinyin" for a pinyin reading
    # For each run, its regional forms (紐西蘭 → 新西兰), as normalised text; () for none.
    regional: tuple[tuple[str, ...], ...] = ()

    @property
    def normalised(self) -> str:
        return " ".join(run.text for run in self.runs)

    def parts(self) -> list[Part]:
        """What must all occur: each run with Han characters (contiguously), each stretch of
        adjacent other words (as a phrase of stems)."""
        return self._parts

    @cached_property
    def _parts(self) -> list[Part]:
        found: list[Part] = []
        regional = self.regional or ((),) * len(self.runs)
        for run, forms in zip(self.runs, regional, strict=True):
            if run.has_cjk:
                found.append(Contiguous(forms=(run.unit_texts, *(_units_of(form) for form in forms))))
            elif found and isinstance(found[-1], tuple):
                found[-1] = (*found[-1], stem(run.text))
            else:
                found.append((stem(run.text),))
        return found

    @property
    def in_order(self) -> bool:
        """A phrase, or a word with punctuation inside (急转！急寻), whose runs all hold Chinese: each
        run must end where the next begins but for punctuation, spaces or latin words between."""
        return len(self.runs) > 1 and all(run.has_cjk for run in self.runs)

    @property
    def regional_forms(self) -> list[str]:
        return [form for forms in self.regional for form in forms]


def _units_of(form: str) -> tuple[str, ...]:
    return tuple(unit_text for run in runs(form) for unit_text in run.unit_texts)


def make_term(text: str, *, field: str = "") -> Term | None:
    """A term for the text, analysed as a query's would be (None when it has nothing to find)."""
    normalised = normalise_with_offsets(text)
    term_runs = tuple(runs(normalised.text))
    if not term_runs:
        return None
    regional = []
    for run in term_runs:
        forms: tuple[str, ...] = ()
        if run.has_cjk:
            start, end = normalised.original_span(run.start, run.end)
            # A regional form that is not one run of its own (never seen) cannot be matched as one.
            forms = tuple(form for form in query_forms(text[start:end]) if len(runs(form)) == 1)
        regional.append(forms)
    return Term(raw=text, runs=term_runs, field=field, regional=tuple(regional))


def pinyin_term(syllables: list[str], *, raw: str) -> Term:
    """A phrase of toneless syllables on the pinyin field."""
    at, parts = 0, []
    for syllable in syllables:
        parts.append(Run(syllable, at))
        at += len(syllable) + 1
    return Term(raw=raw, runs=tuple(parts), field="pinyin")


@dataclass(frozen=True)
class Alternative:
    """Another way to match groups first..last of a query: any of `terms` instead of all those groups."""

    first: int
    last: int
    terms: tuple[Term, ...]
    kind: str  # "pinyin" or "expansion"
    label: str  # the query word read as pinyin, or the Chinese of the glossary or dictionary entry
    source: str = ""  # for expansions: "glossary" or "CC-CEDICT"


@dataclass
class ParsedQuery:
    raw: str
    # Every group must match; a group matches when any of its terms does.
    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    notice: str = ""
    # Pinyin readings and glossary expansions, ORed with the groups they cover (service decides).
    alternatives: list[Alternative] = field(default_factory=list)

    @property
    def highlight_terms(self) -> list[Term]:
        """The terms whose matches a paragraph shows: the query's and its alternatives'."""
        return [*self.positive_terms, *(term for alt in self.alternatives for term in alt.terms)]

    @property
    def positive_terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]

    @property
    def is_empty(self) -> bool:
        return not self.groups

    def alternative_clusters(self) -> list[tuple[int, int, list[Alternative]]]:
        """Overlapping alternatives merged: each stretch first..last of groups matches when all its
        groups do, or any term of its alternatives does (every engine applies it the same way)."""
        clusters: list[tuple[int, int, list[Alternative]]] = []
        for alt in sorted(self.alternatives, key=lambda a: (a.first, a.last)):
            if clusters and alt.first <= clusters[-1][1]:
                first, last, alts = clusters[-1]
                clusters[-1] = (first, max(last, alt.last), [*alts, alt])
            else:
                clusters.append((alt.first, alt.last, [alt]))
        return clusters

    @property
    def ranked_terms(self) -> list[Term]:
        """The terms whose real words and title matches rank an article: the query's and its
        expansions' (pinyin terms are syllables, which have neither)."""
        return [
            *self.positive_terms,
            *(term for alt in self.alternatives for term in alt.terms if term.field != "pinyin"),
        ]

    def explain(self) -> dict:
        return {
            "normalised": " ".join(term.normalised for term in self.positive_terms),
            "tokens": [token for term in self.positive_terms for token in term_tokens(term)],
            # How the query's Chinese reads in pinyin, word by word: what a pinyin query would type.
            "reading": " ".join(
                "".join(syllables_of(word))
                for term in self.positive_terms
                for run in term.runs
                for han in run.han_stretches()
                for word in segment(han)
            ),
            # Taiwan and Hong Kong phrasing also searched in its mainland form (資訊: 信息).
            "regional": [
                {"term": term.normalised, "forms": term.regional_forms}
                for term in self.positive_terms
                if term.regional_forms
            ],
            "excluded": [term.normalised for term in self.excluded],
        }


IN_ORDER_FORMS = 16  # ways (forms of the runs, and runs joined or apart) tried for a phrase


def in_order_tokens(term: Term) -> list[list[str]]:
    """The character field's tokens of a term's runs in a row (Term.in_order), each next run either
    going on in the same run of the text or beginning one after a run that ended: for each way, the
    pairs of each stretch of joined runs and its last unit, but the final stretch's last unit only
    when it is its only one (the text's run may go on after it)."""
    parts = term.parts()
    forms = itertools.product(*(part.forms for part in parts))
    joins = list(itertools.product((True, False), repeat=len(parts) - 1))
    found = []
    for units, joined in itertools.islice(itertools.product(forms, joins), IN_ORDER_FORMS):
        stretches = [list(units[0])]
        for form, join in zip(units[1:], joined, strict=True):
            if join:
                stretches[-1].extend(form)
            else:
                stretches.append(list(form))
        tokens = [token for stretch in stretches for token in char_grams(stretch)]
        found.append(tokens[:-1] if len(stretches[-1]) > 1 else tokens)
    return found


def term_tokens(term: Term) -> list[str]:
    """How a term is segmented: jieba's words for Chinese, stems for other words."""
    return [token for run in term.runs for token in word_tokens(run)]


def parse(raw: str) -> ParsedQuery:
    notice = ""
    text = _UNSAFE.sub(" ", raw).strip()
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notice = gettext("The query was cut to its first %(count)d characters.") % {"count": MAX_QUERY_CHARS}
    if text.count('"') % 2:
        # An unclosed quote would swallow the rest of the query (operators too) as a phrase: drop it.
        cut = text.rfind('"')
        text = text[:cut] + " " + text[cut + 1 :]
    parsed = ParsedQuery(raw=raw, notice=notice)
    pending_or = False
    for match in _TOKEN.finditer(text):
        body = match.group("phrase") if match.group("phrase") is not None else match.group("word")
        if match.group("word") == "OR" and not match.group("neg") and not match.group("field"):
            pending_or = bool(parsed.groups)
            continue
        term = make_term(body, field=match.group("field") or "")
        if term is None:
            continue  # punctuation only
        term = dataclasses.replace(term, raw=match.group())
        if match.group("neg"):
            parsed.excluded.append(term)
        elif pending_or:
            parsed.groups[-1].append(term)
        else:
            parsed.groups.append([term])
        pending_or = False
    if len(parsed.positive_terms) + len(parsed.excluded) > MAX_TERMS:
        parsed.groups = parsed.groups[:MAX_TERMS]
        parsed.excluded = parsed.excluded[: max(0, MAX_TERMS - len(parsed.positive_terms))]
        parsed.notice = parsed.notice or gettext("Only the first %(count)d terms were searched.") % {"count": MAX_TERMS}
    return parsed
