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
from archive.text.tokenise import char_grams, long_grams, runs, segment, stem

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


def analyse(texts: Iterable[str]) -> FieldTexts:
    """Normalise and segment each paragraph once, into all the fields."""
    words: list[str] = []
    chars: list[str] = []
    grams: list[str] = []
    pinyin: list[str] = []
    for text in texts:
        if words:
            words.append(PARAGRAPH_BREAK)
            chars.append(PARAGRAPH_BREAK)
        for run in runs(normalise(text)):
            if run.kind == "cjk":
                words.extend(segment(run.text))
                chars.extend(char_grams(run.text))
                grams.extend(long_grams(run.text))
                if pinyin:
                    pinyin.append(PARAGRAPH_BREAK)  # a pinyin phrase never spans two runs
                for word in segment(run.text):
                    pinyin.extend(syllables_of(word))
            else:
                words.append(stem(run.text))
    return FieldTexts(words=" ".join(words), chars=" ".join(chars), grams=" ".join(grams), pinyin=" ".join(pinyin))


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
        for text in value.split():
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
