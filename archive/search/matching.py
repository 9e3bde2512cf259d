"""Which paragraphs of an article match a query, and where: the index's rules, on one paragraph.

The index says which articles match; this finds the matching paragraphs of the articles shown,
with the same normalisation, units and regional forms (archive.text), so a highlight marks
exactly what the index matched. Work is done lazily: most paragraphs are ruled out by a
substring test on their normalised text, and offsets into the original are worked out only for
the paragraphs shown.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

from archive.search.query import Contiguous, ParsedQuery, Term
from archive.text.normalise import Normalised, normalise, normalise_with_offsets
from archive.text.pinyin import syllables_of
from archive.text.regional import TRADITIONAL, document_views
from archive.text.tokenise import Run, han_stretches, is_han, runs, segment, stem

Span = tuple[int, int]

# Stands for a stretch of Han characters in the stream of other words, so that two words on
# either side of it are not adjacent, as in the index's word field.
_HAN_GAP = None


class View:
    """One search form of a paragraph (its character-level form, or a regional phrase-level form)
    with its runs and units, worked out when first needed."""

    def __init__(self, text: str, offsets) -> None:
        self.text = text
        self._offsets = offsets  # a Normalised, or a function that makes it

    @cached_property
    def offsets(self) -> Normalised:
        return self._offsets if isinstance(self._offsets, Normalised) else self._offsets()

    def original_span(self, start: int, end: int) -> Span:
        return self.offsets.original_span(start, end)

    @cached_property
    def runs(self) -> list[Run]:
        return runs(self.text)

    @cached_property
    def _run_starts(self) -> list[int]:
        return [run.start for run in self.runs]

    @cached_property
    def run_starts(self) -> set[int]:
        return set(self._run_starts)

    @cached_property
    def run_ends(self) -> set[int]:
        return {run.end for run in self.runs}

    def only_latin_between(self, start: int, end: int) -> bool:
        """No run holding Chinese between these offsets (latin words leave no trace in the index's
        character field)."""
        return not any(run.has_cjk for run in self.runs if start <= run.start < end)

    def _is_unit_edge(self, at: int) -> bool:
        """True when a unit starts or ends at `at` (not inside a number or word)."""
        index = bisect_right(self._run_starts, at) - 1
        if index < 0 or at >= self.runs[index].end:
            return True
        run = self.runs[index]
        edge = run.start
        for unit_text in run.unit_texts:
            if edge >= at:
                break
            edge += len(unit_text)
        return edge == at

    def find_units(self, unit_texts: tuple[str, ...]) -> list[Span]:
        """Where these units occur in a row: a number or word only as a whole one (21例 is not in 121例)."""
        needle = "".join(unit_texts)
        spans, start = [], self.text.find(needle)
        check_start = not is_han(unit_texts[0])
        check_end = not is_han(unit_texts[-1])
        while start != -1:
            end = start + len(needle)
            if (not check_start or self._is_unit_edge(start)) and (not check_end or self._is_unit_edge(end)):
                spans.append((start, end))
            start = self.text.find(needle, start + 1)
        return spans

    @cached_property
    def _words(self) -> list[tuple[str | None, int, int]]:
        words: list[tuple[str | None, int, int]] = []
        for run in self.runs:
            if run.all_han:
                if not words or words[-1][0] is not _HAN_GAP:
                    words.append((_HAN_GAP, run.start, run.end))
                continue
            at = run.start
            for unit_text in run.unit_texts:
                if not is_han(unit_text):
                    words.append((stem(unit_text), at, at + len(unit_text)))
                elif not words or words[-1][0] is not _HAN_GAP:
                    words.append((_HAN_GAP, at, at + 1))
                at += len(unit_text)
        return words

    def find_words(self, stems: list[str]) -> list[Span]:
        """Where these stems occur as consecutive words (words of other scripts than Han)."""
        words, size = self._words, len(stems)
        return [
            (words[i][1], words[i + size - 1][2])
            for i in range(len(words) - size + 1)
            if all(words[i + k][0] == stems[k] for k in range(size))
        ]

    @cached_property
    def _pinyin_stretches(self) -> list[list[tuple[str, int, int]]]:
        """Each stretch of Han characters as (syllable, start, end) per character, as the index's
        pinyin field holds it."""
        found = []
        for run in self.runs:
            if run.all_han:
                found.append(_syllables(run.text, run.start))
                continue
            han, at, start = "", run.start, run.start
            for unit_text in (*run.unit_texts, ""):
                if is_han(unit_text):
                    start = at if not han else start
                    han += unit_text
                elif han:
                    found.append(_syllables(han, start))
                    han = ""
                at += len(unit_text)
        return found

    def find_pinyin(self, syllables: list[str]) -> list[Span]:
        """Where a stretch of Han characters reads as these syllables, in order."""
        size, spans = len(syllables), []
        for stretch in self._pinyin_stretches:
            for i in range(len(stretch) - size + 1):
                if all(stretch[i + k][0] == syllables[k] for k in range(size)):
                    spans.append((stretch[i][1], stretch[i + size - 1][2]))
        return spans

    def has_words(self, unit_texts: tuple[str, ...]) -> bool:
        """True when jieba cuts this text so that each Han stretch of the units is whole words here."""
        for wanted_han in han_stretches(unit_texts):
            wanted = list(segment(wanted_han))
            size = len(wanted)
            if not any(
                wanted_han in han and any(list(words[i : i + size]) == wanted for i in range(len(words) - size + 1))
                for run in self.runs
                for han in run.han_stretches()
                for words in (segment(han),)
            ):
                return False
        return True


def _syllables(han: str, at: int) -> list[tuple[str, int, int]]:
    syllables: list[tuple[str, int, int]] = []
    for word in segment(han):
        readings = syllables_of(word)
        if len(readings) == len(word):
            syllables.extend((syllable, at + i, at + i + 1) for i, syllable in enumerate(readings))
        else:  # not one syllable per character: the whole word for each
            syllables.extend((syllable, at, at + len(word)) for syllable in readings)
        at += len(word)
    return syllables


class ParagraphText:
    """A paragraph's search forms: its character-level form, then (for traditional text) its
    regional phrase-level forms, each mapped back to the original text."""

    def __init__(self, text: str, *, language: str = "") -> None:
        self.original = text
        self.language = language
        self.normalised = normalise(text)

    @cached_property
    def primary(self) -> View:
        return View(self.normalised, lambda: normalise_with_offsets(self.original))

    @cached_property
    def views(self) -> list[View]:
        if self.language != TRADITIONAL:
            return [self.primary]
        regional = document_views(self.original, language=self.language, primary=self.primary.offsets)
        return [self.primary, *(View(view.text, view) for view in regional)]


@dataclass(frozen=True)
class Found:
    view: View
    start: int
    end: int

    @property
    def original_span(self) -> Span:
        return self.view.original_span(self.start, self.end)

    @property
    def text(self) -> str:
        return self.view.text[self.start : self.end]


def _contiguous(part: Contiguous, paragraph: ParagraphText) -> list[Found]:
    found = [Found(paragraph.primary, s, e) for form in part.forms for s, e in paragraph.primary.find_units(form)]
    if found or paragraph.language != TRADITIONAL:
        return found
    # Regional forms are worked out only when the character-level form has no match.
    return [Found(view, s, e) for view in paragraph.views[1:] for form in part.forms for s, e in view.find_units(form)]


def _in_order(term: Term, paragraph: ParagraphText) -> list[Found]:
    """Where the term's runs follow one another (Term.in_order) in one form of the paragraph, as
    the index sees it (archive.search.query.in_order_tokens): each next run
    either goes on the text's run (复工 复产 in 复工复产), or begins a run after one that ended here,
    with no Chinese between; a last run of one unit that begins a run must end it too."""
    parts = term.parts()
    for view in paragraph.views if paragraph.language == TRADITIONAL else [paragraph.primary]:
        chains = [span for form in parts[0].forms for span in view.find_units(form)]
        for index, part in enumerate(parts[1:], start=1):
            last_part = index == len(parts) - 1
            chains = [
                (first, end)
                for first, last in chains
                for form in part.forms
                for start, end in view.find_units(form)
                if start == last
                or (
                    last in view.run_ends
                    and start in view.run_starts
                    and start > last
                    and view.only_latin_between(last, start)
                    and not (last_part and len(form) == 1 and end not in view.run_ends)
                )
            ]
            if not chains:
                break
        if chains:
            return [Found(view, start, end) for start, end in chains]
    return []


def term_matches(term: Term, paragraph: ParagraphText) -> list[Found]:
    """Where the term's parts occur in the paragraph. The index holds an article when each part is
    in some paragraph of it (复工、复产 may be two paragraphs), so each part is shown where it is."""
    if term.field == "pinyin":
        syllables = [run.text for run in term.runs]
        return [Found(view, start, end) for view in paragraph.views for start, end in view.find_pinyin(syllables)]
    if term.in_order:
        return _in_order(term, paragraph)
    matches: list[Found] = []
    for part in term.parts():
        if isinstance(part, Contiguous):
            matches.extend(_contiguous(part, paragraph))
        else:
            # Words of other scripts are the same in every form of a paragraph.
            matches.extend(Found(paragraph.primary, s, e) for s, e in paragraph.primary.find_words(list(part)))
    return matches


def is_real_word(term: Term, paragraph: ParagraphText) -> bool:
    """True when each Han run of the term is jieba's cut here too, not characters across words."""
    contiguous = [part for part in term.parts() if isinstance(part, Contiguous)]
    return bool(contiguous) and all(
        any(view.has_words(form) for view in paragraph.views for form in part.forms) for part in contiguous
    )


@dataclass
class ParagraphMatch:
    spans: list[Span]  # in the original text
    terms_matched: int
    real_words: int
    pinyin_words: list[str]  # the Chinese a pinyin term matched here (normalised text)


def match_paragraph(parsed: ParsedQuery, paragraph: ParagraphText, *, is_title: bool = False) -> ParagraphMatch | None:
    """The query's matches in a paragraph, or with `is_title` in the article's title."""
    spans: list[Span] = []
    pinyin_words: list[str] = []
    terms_matched = real_words = 0
    for term in parsed.highlight_terms:
        if term.field == "title" and not is_title:
            continue  # title: terms say nothing about paragraphs
        found = term_matches(term, paragraph)
        if found:
            spans.extend(match.original_span for match in found)
            if term.field == "pinyin":
                pinyin_words.extend(match.text for match in found)
            terms_matched += 1
            real_words += is_real_word(term, paragraph)
    if not spans:
        return None
    return ParagraphMatch(spans=spans, terms_matched=terms_matched, real_words=real_words, pinyin_words=pinyin_words)
