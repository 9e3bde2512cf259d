"""Query execution over the Whoosh index: postings read in bulk, combined and ranked with numpy.

Whoosh's own collector scores one document at a time in Python, which costs
hundreds of milliseconds when a query matches thousands of articles. Here each
term's postings (document numbers and term frequencies) are read block by block
into arrays; AND, OR and NOT are array set operations; BM25, the ranking tiers
and the facets are computed over whole arrays. Positions are read only to check
phrases, which the n-gram field makes rare (DESIGN.md §4).

A Snapshot holds one open searcher and the per-document columns; it is reused
until the index changes, so a query does not pay for opening the index.
"""

from __future__ import annotations

import math
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.index import Index
from whoosh.util.numeric import byte_to_length

from archive.search.backend import KEYWORD_FIELDS, NUMERIC_FIELDS, real_word_fields, term_fields
from archive.search.query import Contiguous, Part, Term
from archive.text.tokenise import char_grams, han_stretches, segment

K1 = 1.2
# A low B keeps length normalisation from sinking a long article that holds the word.
B = 0.3
LENGTH_FIELDS = ("text", "chars", "grams", "title_words", "title_chars", "title_grams", "pinyin")
_BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
POSTINGS_CACHED = 256  # terms; the commonest hold ~10k postings, ~120 kB as arrays


@dataclass(frozen=True)
class Hits:
    """Matching document numbers (sorted, unique) and a score for each."""

    ids: np.ndarray
    scores: np.ndarray

    @classmethod
    def empty(cls) -> Hits:
        return cls(_EMPTY_IDS, np.zeros(0, dtype=np.float32))

    def __len__(self) -> int:
        return len(self.ids)

    def restrict(self, allowed: set[int] | np.ndarray) -> Hits:
        allowed_ids = np.fromiter(allowed, dtype=np.int64) if isinstance(allowed, set) else allowed
        mask = np.isin(self.ids, allowed_ids)
        return Hits(self.ids[mask], self.scores[mask])


def intersect(hits: list[Hits]) -> Hits:
    result = hits[0]
    for other in hits[1:]:
        ids, left, right = np.intersect1d(result.ids, other.ids, assume_unique=True, return_indices=True)
        result = Hits(ids, result.scores[left] + other.scores[right])
    return result


def union(hits: list[Hits]) -> Hits:
    hits = [found for found in hits if len(found)]
    if not hits:
        return Hits.empty()
    if len(hits) == 1:
        return hits[0]
    ids, inverse = np.unique(np.concatenate([h.ids for h in hits]), return_inverse=True)
    scores = np.bincount(inverse, weights=np.concatenate([h.scores for h in hits]), minlength=len(ids))
    return Hits(ids, scores.astype(np.float32))


def exclude(hits: Hits, excluded: Hits) -> Hits:
    mask = ~np.isin(hits.ids, excluded.ids, assume_unique=True)
    return Hits(hits.ids[mask], hits.scores[mask])


_snapshots: dict[str, Snapshot] = {}
_snapshots_lock = threading.Lock()


def snapshot_for(index: Index, *, path: str) -> Snapshot:
    """The snapshot of the index as it is now, reused until it changes.

    The key includes the directory's inode: a rebuild swaps in a new directory
    whose generation numbers start again.
    """
    key = (os.stat(path).st_ino, index.latest_generation())
    current = _snapshots.get(path)
    if current is not None and current.key == key:
        return current
    with _snapshots_lock:
        current = _snapshots.get(path)
        if current is None or current.key != key:
            current = Snapshot(index)
            current.key = key
            _snapshots[path] = current
        return current


class Snapshot:
    """One generation of the index: an open searcher, live documents, columns and field lengths."""

    def __init__(self, index: Index) -> None:
        self.searcher = index.searcher()
        self._lock = threading.Lock()  # Whoosh's file reads are not thread-safe
        # Decoded postings of the terms used last (unpickling Whoosh's blocks is most of a
        # query's cost); valid as long as this snapshot, which is one index generation.
        self.postings_cache: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        # Leaves with no documents (an empty index's reader) have nothing to read.
        self.leaves = [(r, offset) for r, offset in self.searcher.reader().leaf_readers() if r.doc_count_all()]
        total = self.searcher.reader().doc_count_all()
        self.live = np.ones(total, dtype=bool)
        self.columns: dict[str, np.ndarray] = {}
        self.lengths: dict[str, np.ndarray] = {}
        for name in (*NUMERIC_FIELDS, *KEYWORD_FIELDS):
            self.columns[name] = np.zeros(total, dtype=object if name in KEYWORD_FIELDS else np.int64)
        for name in LENGTH_FIELDS:
            self.lengths[name] = np.zeros(total, dtype=np.float32)
        for reader, offset in self.leaves:
            count = reader.doc_count_all()
            span = slice(offset, offset + count)
            if reader.has_deletions():
                for docnum in reader.deleted_docs_set:
                    self.live[offset + docnum] = False
            for name in (*NUMERIC_FIELDS, *KEYWORD_FIELDS):
                values = list(reader.column_reader(name))
                if name in KEYWORD_FIELDS:
                    values = [value.decode() if isinstance(value, bytes) else value for value in values]
                self.columns[name][span] = values
            for name in LENGTH_FIELDS:
                lengths = reader._perdoc._cached_reader(_lenfield(name), LENGTHS_COLUMN)
                if lengths is not None:
                    self.lengths[name][span] = _BYTE_LENGTHS[np.frombuffer(bytes(list(lengths)), dtype=np.uint8)]
        self.doc_count = int(self.live.sum())
        self.average_length = {
            name: float(self.lengths[name][self.live].mean()) if self.doc_count else 1.0 for name in LENGTH_FIELDS
        }

    # --- postings --------------------------------------------------------------------------

    def _postings(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        ids: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for reader, offset in self.leaves:
            if (fieldname, text) not in reader:
                continue
            matcher = reader._terms.matcher(
                fieldname, reader._text_to_bytes(fieldname, text), reader.schema[fieldname].format
            )
            block_ids: list = []
            block_weights: list = []
            if hasattr(matcher, "_read_ids"):  # a block matcher: read whole blocks
                while matcher.is_active():
                    matcher._read_ids()
                    matcher._read_weights()
                    block_ids.extend(matcher._ids)
                    block_weights.extend(matcher._weights)
                    matcher._next_block()
            else:  # postings inlined in the term info
                while matcher.is_active():
                    block_ids.append(matcher.id())
                    block_weights.append(matcher.weight())
                    matcher.next()
            ids.append(np.asarray(block_ids, dtype=np.int64) + offset)
            weights.append(np.asarray(block_weights, dtype=np.float32))
        if not ids:
            return _EMPTY_IDS, np.zeros(0, dtype=np.float32)
        all_ids, all_weights = np.concatenate(ids), np.concatenate(weights)
        mask = self.live[all_ids]
        return all_ids[mask], all_weights[mask]

    def term(self, fieldname: str, text: str, *, length_field: str | None = None) -> Hits:
        """Documents holding the term, scored with BM25."""
        with self._lock:
            cached = self.postings_cache.get((fieldname, text))
            if cached is None:
                cached = self._postings(fieldname, text)
                self.postings_cache[(fieldname, text)] = cached
                if len(self.postings_cache) > POSTINGS_CACHED:
                    self.postings_cache.popitem(last=False)
            else:
                self.postings_cache.move_to_end((fieldname, text))
            ids, tf = cached
        if not len(ids):
            return Hits.empty()
        return Hits(ids, self._bm25(ids, tf, length_field or fieldname))

    def prefix(self, fieldname: str, prefix: str) -> Hits:
        with self._lock:
            expanded = self.searcher.reader().expand_prefix(fieldname, prefix)
            terms = [text.decode() if isinstance(text, bytes) else text for text in expanded]
        found = [self.term(fieldname, text) for text in terms]
        found = [hits for hits in found if len(hits)]
        return union(found) if found else Hits.empty()

    def phrase_docs(self, fieldname: str, words: list[str]) -> np.ndarray:
        """Documents where the words occur at consecutive positions (Whoosh reads positions)."""
        with self._lock:
            docs = self.searcher.docs_for_query(wq.Phrase(fieldname, words))
            return np.fromiter(docs, dtype=np.int64)

    def phrase(self, fieldname: str, words: list[str]) -> Hits:
        """Documents holding the words at consecutive positions, scored as the sum of their BM25."""
        hits = intersect([self.term(fieldname, word) for word in words]) if words else Hits.empty()
        if len(words) > 1 and len(hits):
            hits = hits.restrict(self.phrase_docs(fieldname, words))
        return hits

    def _bm25(self, ids: np.ndarray, tf: np.ndarray, length_field: str) -> np.ndarray:
        df = len(ids)
        idf = math.log(1 + (self.doc_count - df + 0.5) / (df + 0.5))
        lengths = self.lengths[length_field][ids]
        norm = K1 * (1 - B + B * lengths / (self.average_length[length_field] or 1.0))
        return (idf * tf * (K1 + 1) / (tf + norm)).astype(np.float32)


# --- terms to hits ----------------------------------------------------------------------------


def _contiguous_hits(snapshot: Snapshot, unit_texts: tuple[str, ...], chars_field: str, grams_field: str) -> Hits:
    """Units (Han characters, numbers, words) occurring in a row, whatever jieba made of them."""
    if len(unit_texts) == 1:
        # Every occurrence of a character begins a pair or ends a run (its own token).
        return snapshot.prefix(chars_field, unit_texts[0])
    if len(unit_texts) == 2:
        return snapshot.term(chars_field, "".join(unit_texts))
    if len(unit_texts) <= 4:
        return snapshot.term(grams_field, "".join(unit_texts), length_field=chars_field)
    windows = ["".join(unit_texts[i : i + 4]) for i in range(len(unit_texts) - 3)]
    candidates = intersect([snapshot.term(grams_field, gram, length_field=chars_field) for gram in windows])
    if not len(candidates):
        return candidates
    return candidates.restrict(snapshot.phrase_docs(chars_field, char_grams(unit_texts)[:-1]))


def _part_hits(snapshot: Snapshot, part: Part, fields: tuple[str, str, str]) -> Hits:
    words_field, chars_field, grams_field = fields
    if isinstance(part, Contiguous):
        return union([_contiguous_hits(snapshot, form, chars_field, grams_field) for form in part.forms])
    return _words_hits(snapshot, words_field, list(part))


def _words_hits(snapshot: Snapshot, words_field: str, stems: list[str]) -> Hits:
    hits = intersect([snapshot.term(words_field, word) for word in stems])
    if len(stems) > 1 and len(hits):
        hits = hits.restrict(snapshot.phrase_docs(words_field, stems))
    return hits


def term_hits(snapshot: Snapshot, term: Term, *, field: str | None = None) -> Hits:
    """Documents matching the term: every part of it, adjacent words as a phrase."""
    fields = term_fields(field or term.field)
    found: list[Hits] = []
    for part in term.parts():
        found.append(_part_hits(snapshot, part, fields))
        if not len(found[-1]):
            return Hits.empty()
    return intersect(found)


def matching_hits(snapshot: Snapshot, term: Term) -> Hits:
    """What a query term finds: a plain term in the body or the title, title:term in the title."""
    if term.field == "pinyin":
        return snapshot.phrase("pinyin", [run.text for run in term.runs])
    if term.field:
        return term_hits(snapshot, term)
    return union([term_hits(snapshot, term), term_hits(snapshot, term, field="title")])


def real_word_hits(snapshot: Snapshot, term: Term) -> np.ndarray:
    """Documents holding each Han run of the term as jieba's words, in the body or the title (for
    ranking: a title that says the word holds it as much as a paragraph does).

    A run cut into several words counts when the document holds each of them in the same field:
    positions are not checked here, this only orders results that already match.
    """
    found = []
    for part in term.parts():
        if isinstance(part, Contiguous):
            forms = [[word for han in han_stretches(form) for word in segment(han)] for form in part.forms]
            found.append(
                union(
                    [
                        intersect([snapshot.term(field, word) for word in words])
                        for field in real_word_fields(term.field)
                        for words in forms
                    ]
                )
            )
    return intersect(found).ids if found else _EMPTY_IDS
