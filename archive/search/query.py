"""Parsing a user's query into terms, and terms into Whoosh queries.

Syntax: plain words (all must match), "quoted phrases", OR between two terms,
-exclusion, and title:word. Anything else is taken literally; no input raises.
Each term goes through archive.text's normalisation and segmentation, exactly
as documents do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq

from archive.text.normalise import normalise
from archive.text.tokenise import Run, char_grams, runs, segment, stem

MAX_QUERY_CHARS = 256
MAX_TERMS = 16

_TOKEN = re.compile(r'(?P<neg>-)?(?:(?P<field>title):)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')


@dataclass(frozen=True)
class Term:
    """One thing to look for: a word, a run of Chinese characters, or a phrase."""

    raw: str
    runs: tuple[Run, ...]
    field: str = ""  # "" for the body, "title" for title:

    @property
    def normalised(self) -> str:
        return " ".join(run.text for run in self.runs)


@dataclass
class ParsedQuery:
    raw: str
    # Every group must match; a group matches when any of its terms does.
    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    notice: str = ""

    @property
    def positive_terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]

    @property
    def is_empty(self) -> bool:
        return not self.groups

    def explain(self) -> dict:
        return {
            "normalised": " ".join(term.normalised for term in self.positive_terms),
            "tokens": [token for term in self.positive_terms for token in term_tokens(term)],
            "excluded": [term.normalised for term in self.excluded],
        }


def term_tokens(term: Term) -> list[str]:
    """How a term is segmented: jieba's words for Chinese, stems for other words."""
    tokens: list[str] = []
    for run in term.runs:
        tokens.extend(segment(run.text) if run.kind == "cjk" else [stem(run.text)])
    return tokens


def parse(raw: str) -> ParsedQuery:
    notice = ""
    text = raw.strip()
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notice = f"The query was cut to its first {MAX_QUERY_CHARS} characters."
    parsed = ParsedQuery(raw=raw, notice=notice)
    pending_or = False
    for match in _TOKEN.finditer(text):
        body = match.group("phrase") if match.group("phrase") is not None else match.group("word")
        if match.group("word") == "OR" and not match.group("neg") and not match.group("field"):
            pending_or = bool(parsed.groups)
            continue
        term_runs = tuple(runs(normalise(body)))
        if not term_runs:
            continue  # punctuation only
        term = Term(raw=match.group(), runs=term_runs, field=match.group("field") or "")
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
        parsed.notice = parsed.notice or f"Only the first {MAX_TERMS} terms were searched."
    return parsed


# --- to Whoosh --------------------------------------------------------------------------


def _fields(term: Term) -> tuple[str, str]:
    return ("title_words", "title_chars") if term.field == "title" else ("text", "chars")


def _chars_query(fieldname: str, cjk_run: str) -> wq.Query:
    """A run of Chinese characters occurring contiguously, whatever jieba made of it."""
    if len(cjk_run) == 1:
        # Every occurrence of a character begins a bigram or ends a run (its own token).
        return wq.Prefix(fieldname, cjk_run)
    grams = char_grams(cjk_run)[:-1]
    if len(grams) == 1:
        return wq.Term(fieldname, grams[0])
    return wq.Phrase(fieldname, grams)


def _words_query(fieldname: str, words: list[str]) -> wq.Query:
    return wq.Term(fieldname, words[0]) if len(words) == 1 else wq.Phrase(fieldname, words)


def match_query(term: Term) -> wq.Query:
    """What a term requires of a document. Adjacent words form a phrase."""
    words_field, chars_field = _fields(term)
    parts: list[wq.Query] = []
    words: list[str] = []
    for run in term.runs:
        if run.kind == "cjk":
            if words:
                parts.append(_words_query(words_field, words))
                words = []
            parts.append(_chars_query(chars_field, run.text))
        else:
            words.append(stem(run.text))
    if words:
        parts.append(_words_query(words_field, words))
    return parts[0] if len(parts) == 1 else wq.And(parts)


def word_query(term: Term) -> wq.Query | None:
    """The term's Chinese runs as jieba words: a real-word match, for ranking."""
    words_field, _ = _fields(term)
    parts = [_words_query(words_field, list(segment(run.text))) for run in term.runs if run.kind == "cjk"]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def title_query(term: Term) -> wq.Query:
    return match_query(Term(raw=term.raw, runs=term.runs, field="title"))


def to_whoosh(parsed: ParsedQuery) -> wq.Query:
    required = [wq.Or([match_query(term) for term in group]) for group in parsed.groups]
    query: wq.Query = wq.And(required) if len(required) > 1 else required[0]
    if parsed.excluded:
        query = wq.AndNot(query, wq.Or([match_query(term) for term in parsed.excluded]))
    return query
