"""The Whoosh side of analysis: nothing but splitting our pre-tokenised text.

All real analysis (normalisation, jieba, stemming, character bigrams) happens in
archive.text before a document or a query reaches the engine, so any engine with
a whitespace analyzer gives the same results. Documents arrive as tokens joined
by spaces, with PARAGRAPH_BREAK between paragraphs so that a phrase never
matches across two paragraphs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from whoosh.analysis import Token, Tokenizer

from archive.text.normalise import normalise
from archive.text.tokenise import char_tokens, word_tokens

PARAGRAPH_BREAK = "\u2029"
# Positions skipped at a paragraph break: more than any phrase we accept is long.
BREAK_GAP = 64


def word_field(texts: Iterable[str]) -> str:
    """The `words` field of a document made of these paragraphs."""
    return f" {PARAGRAPH_BREAK} ".join(" ".join(word_tokens(normalise(text))) for text in texts)


def char_field(texts: Iterable[str]) -> str:
    """The `chars` field of a document made of these paragraphs."""
    return f" {PARAGRAPH_BREAK} ".join(" ".join(char_tokens(normalise(text))) for text in texts)


class PretokenisedTokenizer(Tokenizer):
    """Splits on single spaces; a PARAGRAPH_BREAK token only advances the position."""

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
