"""Which paragraphs of an article match a query, and where: the index's rules, on one paragraph.

The index says which articles match; this finds the matching paragraphs of the
articles shown, with the same normalisation and tokens, so a highlight marks
exactly what the index matched. Work is done lazily: most paragraphs are ruled
out by a substring test on their normalised text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from archive.search.query import ParsedQuery, Term
from archive.text.normalise import Normalised, normalise, normalise_with_offsets
from archive.text.pinyin import syllables_of
from archive.text.tokenise import runs, segment, stem

Span = tuple[int, int]

# Stands for a run of Chinese in the stream of English words, so that two words
# on either side of it are not adjacent, as in the index's word field.
_CJK_GAP = None


class ParagraphText:
    """A paragraph's normalised text, with its tokens worked out only when needed."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.normalised = normalise(text)

    @cached_property
    def offsets(self) -> Normalised:
        return normalise_with_offsets(self.original)

    @cached_property
    def _runs(self):
        return runs(self.normalised)

    @cached_property
    def _words(self) -> list[tuple[str | None, int, int]]:
        return [(_CJK_GAP if run.kind == "cjk" else stem(run.text), run.start, run.end) for run in self._runs]

    def find_substring(self, needle: str) -> list[Span]:
        spans, start = [], self.normalised.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = self.normalised.find(needle, start + 1)
        return spans

    def find_words(self, stems: list[str]) -> list[Span]:
        """Where these stems occur as consecutive words (non-Chinese words only)."""
        words, size = self._words, len(stems)
        return [
            (words[i][1], words[i + size - 1][2])
            for i in range(len(words) - size + 1)
            if all(words[i + k][0] == stems[k] for k in range(size))
        ]

    @cached_property
    def _pinyin_runs(self) -> list[list[tuple[str, int, int]]]:
        """Each Chinese run as (syllable, start, end) per character, as the index's pinyin field holds it."""
        found = []
        for run in self._runs:
            if run.kind != "cjk":
                continue
            at, syllables = run.start, []
            for word in segment(run.text):
                readings = syllables_of(word)
                if len(readings) == len(word):
                    syllables.extend((syllable, at + i, at + i + 1) for i, syllable in enumerate(readings))
                else:  # not one syllable per character: the whole word for each
                    syllables.extend((syllable, at, at + len(word)) for syllable in readings)
                at += len(word)
            found.append(syllables)
        return found

    def find_pinyin(self, syllables: list[str]) -> list[Span]:
        """Where a Chinese run reads as these syllables, in order."""
        size, spans = len(syllables), []
        for run in self._pinyin_runs:
            for i in range(len(run) - size + 1):
                if all(run[i + k][0] == syllables[k] for k in range(size)):
                    spans.append((run[i][1], run[i + size - 1][2]))
        return spans

    def has_cjk_words(self, cjk_run: str) -> bool:
        """True when jieba cuts this paragraph so that the run is whole words here."""
        wanted = list(segment(cjk_run))
        size = len(wanted)
        for run in self._runs:
            if run.kind == "cjk" and cjk_run in run.text:
                words = segment(run.text)
                if any(list(words[i : i + size]) == wanted for i in range(len(words) - size + 1)):
                    return True
        return False


def term_spans(term: Term, paragraph: ParagraphText) -> list[Span]:
    """Where the term occurs in the paragraph; empty unless every part of it occurs."""
    if term.field == "pinyin":
        return paragraph.find_pinyin([run.text for run in term.runs])
    spans: list[Span] = []
    for part in term.parts():
        found = paragraph.find_substring(part) if isinstance(part, str) else paragraph.find_words(list(part))
        if not found:
            return []
        spans.extend(found)
    return spans


def is_real_word(term: Term, paragraph: ParagraphText) -> bool:
    """True when each Chinese run of the term is jieba's cut here too, not characters across words."""
    cjk = [run.text for run in term.runs if run.kind == "cjk"]
    return bool(cjk) and all(paragraph.has_cjk_words(text) for text in cjk)


@dataclass
class ParagraphMatch:
    spans: list[Span]
    terms_matched: int
    real_words: int
    pinyin_words: list[str]  # the Chinese a pinyin term matched here (normalised text)


def match_paragraph(parsed: ParsedQuery, paragraph: ParagraphText) -> ParagraphMatch | None:
    spans: list[Span] = []
    pinyin_words: list[str] = []
    terms_matched = real_words = 0
    for term in parsed.highlight_terms:
        if term.field == "title":
            continue  # title: terms say nothing about paragraphs
        found = term_spans(term, paragraph)
        if found:
            spans.extend(found)
            if term.field == "pinyin":
                pinyin_words.extend(paragraph.normalised[start:end] for start, end in found)
            terms_matched += 1
            real_words += is_real_word(term, paragraph)
    if not spans:
        return None
    return ParagraphMatch(spans=spans, terms_matched=terms_matched, real_words=real_words, pinyin_words=pinyin_words)
