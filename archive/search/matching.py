"""Which paragraphs of an article match a query, and where: the index's rules, on one paragraph.

The index says which articles match; this finds the matching paragraphs of the
articles shown, with the same normalisation and tokens, so a highlight marks
exactly what the index matched.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from archive.search.query import ParsedQuery, Term
from archive.text.normalise import Normalised, normalise_with_offsets
from archive.text.tokenise import runs, segment, stem

Span = tuple[int, int]


@dataclass(frozen=True)
class WordToken:
    text: str
    start: int
    end: int


class ParagraphText:
    """A paragraph's normalised text and its word stream, as the index sees them."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.normalised: Normalised = normalise_with_offsets(text)

    @cached_property
    def words(self) -> list[WordToken]:
        tokens: list[WordToken] = []
        for run in runs(self.normalised.text):
            if run.kind == "cjk":
                offset = run.start
                for word in segment(run.text):
                    tokens.append(WordToken(word, offset, offset + len(word)))
                    offset += len(word)
            else:
                tokens.append(WordToken(stem(run.text), run.start, run.end))
        return tokens

    def find_substring(self, needle: str) -> list[Span]:
        spans, start = [], self.normalised.text.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = self.normalised.text.find(needle, start + 1)
        return spans

    def find_words(self, sequence: list[str]) -> list[Span]:
        words, size = self.words, len(sequence)
        return [
            (words[i].start, words[i + size - 1].end)
            for i in range(len(words) - size + 1)
            if all(words[i + k].text == sequence[k] for k in range(size))
        ]


def term_spans(term: Term, paragraph: ParagraphText) -> list[Span]:
    """Where the term occurs in the paragraph; empty unless every part of it occurs."""
    spans: list[Span] = []
    pending_words: list[str] = []

    def flush_words() -> bool:
        if not pending_words:
            return True
        found = paragraph.find_words(list(pending_words))
        pending_words.clear()
        spans.extend(found)
        return bool(found)

    for run in term.runs:
        if run.kind == "cjk":
            if not flush_words():
                return []
            found = paragraph.find_substring(run.text)
            if not found:
                return []
            spans.extend(found)
        else:
            pending_words.append(stem(run.text))
    if not flush_words():
        return []
    return spans


def is_real_word(term: Term, paragraph: ParagraphText) -> bool:
    """True when each Chinese run of the term is jieba's cut here too, not characters across words."""
    cjk = [run for run in term.runs if run.kind == "cjk"]
    return bool(cjk) and all(paragraph.find_words(list(segment(run.text))) for run in cjk)


@dataclass
class ParagraphMatch:
    spans: list[Span]
    terms_matched: int
    real_words: int


def match_paragraph(parsed: ParsedQuery, paragraph: ParagraphText) -> ParagraphMatch | None:
    spans: list[Span] = []
    terms_matched = real_words = 0
    for term in parsed.positive_terms:
        if term.field:
            continue  # title: terms say nothing about paragraphs
        found = term_spans(term, paragraph)
        if found:
            spans.extend(found)
            terms_matched += 1
            real_words += is_real_word(term, paragraph)
    if not spans:
        return None
    return ParagraphMatch(spans=spans, terms_matched=terms_matched, real_words=real_words)
