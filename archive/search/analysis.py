"""The Whoosh side of analysis: nothing but splitting our pre-tokenised text.

All real analysis (normalisation, jieba, stemming, character n-grams) happens in
archive.text before a document or a query reaches the engine, so any engine with
a whitespace analyzer gives the same results. Documents arrive as tokens joined
by spaces, with PARAGRAPH_BREAK between paragraphs so that a phrase never
matches across two paragraphs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from whoosh.analysis import Token, Tokenizer

from archive.text.normalise import normalise
from archive.text.pinyin import syllables_of
from archive.text.regional import document_forms
from archive.text.tokenise import Run, char_grams, long_grams, runs, segment, word_tokens

# The version of what analyse() makes: an index written by another version is rebuilt from the
# database (archive.search.recovery), since its tokens would not match today's queries.
# 2: runs of Han characters with digits and latin letters as units; regional phrase-level forms.
INDEX_FORMAT = 2

PARAGRAPH_BREAK = "\u2029"
# Positions skipped at a paragraph break: more than any phrase we accept is long.
BREAK_GAP = 64


@dataclass(frozen=True)
class FieldTexts:
    """The pre-tokenised fields of a text (see archive.text.tokenise and archive.text.pinyin)."""

    words: str
    chars: str
    grams: str
    # Toneless syllables of each Chinese run's jieba words; runs separated like paragraphs.
    pinyin: str = ""


def analyse(paragraphs: Iterable[tuple[str, str]]) -> FieldTexts:
    """Normalise and segment each paragraph, given as (text, language), once, into all the fields.

    A traditional paragraph's phrase-level forms (archive.text.regional: 紐西蘭 → 新西兰) follow it,
    after a break, as runs of their own: those that differ from its character-level runs.
    """
    fields = _Fields()
    for text, language in paragraphs:
        fields.paragraph_break()
        primary = runs(normalise(text))
        for run in primary:
            fields.add(run)
        seen = {run.text for run in primary}
        regional = [run for form in document_forms(text, language=language) for run in runs(form)]
        regional = [run for run in regional if run.has_cjk and run.text not in seen]
        if regional:
            fields.paragraph_break()
            for run in regional:
                fields.add(run)
    return FieldTexts(
        words=" ".join(fields.words), chars=" ".join(fields.chars), grams=" ".join(fields.grams),
        pinyin=" ".join(fields.pinyin),
    )  # fmt: skip


class _Fields:
    def __init__(self) -> None:
        self.words: list[str] = []
        self.chars: list[str] = []
        self.grams: list[str] = []
        self.pinyin: list[str] = []

    def paragraph_break(self) -> None:
        # A phrase never matches across two paragraphs (grams have no positions).
        if self.words or self.chars:
            self.words.append(PARAGRAPH_BREAK)
            self.chars.append(PARAGRAPH_BREAK)

    def add(self, run: Run) -> None:
        self.words.extend(word_tokens(run))
        if not run.has_cjk:
            return
        unit_texts = run.unit_texts
        self.chars.extend(char_grams(unit_texts))
        self.grams.extend(long_grams(unit_texts))
        for han in run.han_stretches():
            if self.pinyin:
                self.pinyin.append(PARAGRAPH_BREAK)  # a pinyin phrase never spans two stretches
            for word in segment(han):
                self.pinyin.extend(syllables_of(word))


class PretokenisedTokenizer(Tokenizer):
    """Splits on spaces; a PARAGRAPH_BREAK token only advances the position."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            yield token
            return
        pos = start_pos
        # Split on spaces only: str.split() would take PARAGRAPH_BREAK (U+2029) for a space and drop it.
        for text in filter(None, value.split(" ")):
            if text == PARAGRAPH_BREAK:
                pos += BREAK_GAP
                continue
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = pos
            pos += 1
            yield token


def pretokenised_analyzer() -> PretokenisedTokenizer:
    return PretokenisedTokenizer()
