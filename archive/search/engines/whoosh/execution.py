"""Query execution over the Whoosh index: postings read in bulk, combined and ranked with numpy.

Whoosh's own collector scores one document at a time in Python, which costs
hundreds of milliseconds when a query matches thousands of articles. Here each
term's postings (document numbers and term frequencies) are read block by block
into arrays; AND, OR and NOT are array set operations; BM25, the ranking tiers
and the facets are computed over whole arrays. Positions are read only to check
phrases, which the n-gram field makes rare (docs/architecture.md, "Ranking").

A Snapshot holds one open searcher and the per-document columns; it is reused
until the index changes, so a query does not pay for opening the index. What is
read from a segment (its columns, and the decoded postings of the terms searched
last) is kept per segment, which Whoosh never changes once written: after a commit
that adds a small segment, only that segment is read anew.
"""

from __future__ import annotations

import math
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from whoosh.index import Index

from archive.search.engines.whoosh import reading as whoosh_reading
from archive.search.fields import KEYWORD_FIELDS, NUMERIC_FIELDS, real_word_fields, term_fields
from archive.search.query import Contiguous, Part, Term, in_order_tokens
from archive.text.tokenise import char_grams, han_stretches, segment

K1 = 1.2
# A low B keeps length normalisation from sinking a long article that holds the word.
B = 0.3
LENGTH_FIELDS = ("text", "chars", "grams", "title_words", "title_chars", "title_grams", "pinyin")
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
COLUMNS = (*NUMERIC_FIELDS, *KEYWORD_FIELDS)


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


# A union counts per document number, not by sorting, when it holds at least one hit in this many
# of the numbers up to its highest.
_DENSE_FROM = 8


def union(hits: list[Hits]) -> Hits:
    hits = [found for found in hits if len(found)]
    if not hits:
        return Hits.empty()
    if len(hits) == 1:
        return hits[0]
    ids = np.concatenate([h.ids for h in hits])
    weights = np.concatenate([h.scores for h in hits])
    highest = int(max(h.ids[-1] for h in hits))  # each Hits' ids are sorted
    if len(ids) * _DENSE_FROM < highest:
        ids, inverse = np.unique(ids, return_inverse=True)
        return Hits(ids, np.bincount(inverse, weights=weights, minlength=len(ids)).astype(np.float32))
    # Many hits (a common word): count per document number instead of sorting them.
    scores = np.bincount(ids, weights=weights, minlength=highest + 1)
    found = np.flatnonzero(np.bincount(ids, minlength=highest + 1))
    return Hits(found.astype(ids.dtype), scores[found].astype(np.float32))


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
            _forget_segments(keep={segment.segid for snapshot in _snapshots.values() for segment in snapshot.segments})
        return current


class Vocabulary:
    """Small integer codes for the values of a keyword column (languages, months), shared by every
    segment, so that a facet is a bincount and a filter an integer comparison."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.values: list[str] = []
        self._lock = threading.Lock()

    def encode(self, values: list[str]) -> np.ndarray:
        with self._lock:
            for value in values:
                if value not in self.codes:
                    self.codes[value] = len(self.values)
                    self.values.append(value)
            return np.fromiter((self.codes[value] for value in values), dtype=np.int32, count=len(values))

    def code(self, value: str) -> int:
        return self.codes.get(value, -1)


VOCABULARY = Vocabulary()


class SegmentData:
    """What a search reads from one segment, read once: segments never change after they are
    written (only their deletions do), so this survives every later commit of the index."""

    def __init__(self, reader) -> None:
        self.segid = whoosh_reading.segment_id(reader)
        self.count = reader.doc_count_all()
        self.columns: dict[str, np.ndarray] = {}
        for name in NUMERIC_FIELDS:
            self.columns[name] = whoosh_reading.number_column(reader, name)
        for name in KEYWORD_FIELDS:
            self.columns[name] = VOCABULARY.encode(whoosh_reading.column(reader, name))
        self.lengths: dict[str, np.ndarray] = {}
        for name in LENGTH_FIELDS:
            lengths = whoosh_reading.field_lengths(reader, name)
            self.lengths[name] = lengths if lengths is not None else np.zeros(self.count, dtype=np.float32)


_segments: dict[str, SegmentData] = {}
_segments_lock = threading.Lock()


class SegmentCache:
    """What was decoded from segments, term by term: (segment id, field, term) → value, least
    recently used first out once the values' total `size` passes `budget()` (thread-safe)."""

    def __init__(self, *, budget: Callable[[], int], size: Callable[[Any], int]) -> None:
        self._entries: OrderedDict[tuple[str, str, str], Any] = OrderedDict()
        self._used = 0
        self._budget, self._size = budget, size
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str], read: Callable[[], Any]) -> Any:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        found = read()  # outside the lock: decoding is the slow part
        budget = self._budget()
        with self._lock:
            if key not in self._entries:
                self._entries[key] = found
                self._used += self._size(found)
            while self._used > budget and len(self._entries) > 1:
                self._used -= self._size(self._entries.popitem(last=False)[1])
        return found

    def keep_only(self, segids: set[str]) -> None:
        with self._lock:
            for key in [key for key in self._entries if key[0] not in segids]:
                self._used -= self._size(self._entries.pop(key))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._used = 0


# Decoded postings (ids, weights), within ARCHIVE_POSTINGS_CACHE_MB.
_postings = SegmentCache(
    budget=lambda: getattr(settings, "ARCHIVE_POSTINGS_CACHE_MB", 128) * 1024 * 1024,
    size=lambda found: found[0].nbytes + found[1].nbytes,
)
# Positions (ids, encoded positions) of a few terms: phrases are rare, their terms' positions are read only for them.
POSITIONS_CACHED = 64
_positions = SegmentCache(budget=lambda: POSITIONS_CACHED, size=lambda found: 1)


def _segment_data(reader) -> SegmentData:
    segid = whoosh_reading.segment_id(reader)
    with _segments_lock:
        found = _segments.get(segid)
        if found is None:
            found = _segments[segid] = SegmentData(reader)
        return found


def _forget_segments(*, keep: set[str]) -> None:
    """Drop what was read from segments that no open snapshot uses (merged away, or another index)."""
    with _segments_lock:
        for segid in [segid for segid in _segments if segid not in keep]:
            del _segments[segid]
    _postings.keep_only(keep)
    _positions.keep_only(keep)


def _segment_positions(reader, segid: str, fieldname: str, text: str) -> tuple[np.ndarray, list[bytes]]:
    return _positions.get((segid, fieldname, text), lambda: whoosh_reading.positions(reader, fieldname, text))


def forget_postings() -> None:
    """Empty the decoded-postings cache (the benchmarks measure searches without it)."""
    _postings.clear()
    _positions.clear()


def _segment_postings(reader, segid: str, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    return _postings.get((segid, fieldname, text), lambda: whoosh_reading.postings(reader, fieldname, text))


class Snapshot:
    """One generation of the index: an open searcher, live documents, columns and field lengths,
    assembled from its segments' data (read once per segment, not once per generation)."""

    def __init__(self, index: Index) -> None:
        self.searcher = index.searcher()
        self._lock = threading.Lock()  # Whoosh's file reads are not thread-safe
        # Leaves with no documents (an empty index's reader) have nothing to read.
        self.leaves = [(r, offset) for r, offset in self.searcher.reader().leaf_readers() if r.doc_count_all()]
        with self._lock:
            self.segments = [_segment_data(reader) for reader, _ in self.leaves]
        total = self.searcher.reader().doc_count_all()
        self.live = np.ones(total, dtype=bool)
        for reader, offset in self.leaves:
            deleted = whoosh_reading.deleted(reader)
            if deleted:
                self.live[offset + np.asarray(deleted, dtype=np.int64)] = False
        self.columns = {name: self._concatenated(lambda segment, n=name: segment.columns[n]) for name in COLUMNS}
        self.lengths = {name: self._concatenated(lambda segment, n=name: segment.lengths[n]) for name in LENGTH_FIELDS}
        self.doc_count = int(self.live.sum())
        self.average_length = {
            name: float(self.lengths[name][self.live].mean()) if self.doc_count else 1.0 for name in LENGTH_FIELDS
        }

    def _concatenated(self, part) -> np.ndarray:
        parts = [part(segment) for segment in self.segments]
        return np.concatenate(parts) if parts else np.zeros(0)

    # --- postings --------------------------------------------------------------------------

    def _postings(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        ids: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for (reader, offset), data in zip(self.leaves, self.segments, strict=True):
            with self._lock:
                found_ids, found_weights = _segment_postings(reader, data.segid, fieldname, text)
            if len(found_ids):
                ids.append(found_ids.astype(np.int64) + offset)
                weights.append(found_weights)
        if not ids:
            return _EMPTY_IDS, np.zeros(0, dtype=np.float32)
        all_ids, all_weights = np.concatenate(ids), np.concatenate(weights)
        mask = self.live[all_ids]
        return all_ids[mask], all_weights[mask]

    def term(self, fieldname: str, text: str, *, length_field: str | None = None) -> Hits:
        """Documents holding the term, scored with BM25."""
        ids, tf = self._postings(fieldname, text)
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
        """Live documents where the words occur at consecutive positions."""
        found: list[int] = []
        for (reader, offset), data in zip(self.leaves, self.segments, strict=True):
            with self._lock:
                lists = [_segment_positions(reader, data.segid, fieldname, word) for word in words]
            common = lists[0][0]
            for ids, _ in lists[1:]:
                common = np.intersect1d(common, ids, assume_unique=True)
            for doc in common.tolist():
                starts: set[int] | None = None
                for shift, (ids, values) in enumerate(lists):
                    at = int(np.searchsorted(ids, doc))
                    here = {int(p) - shift for p in whoosh_reading.decode_positions(values[at])}
                    starts = here if starts is None else starts & here
                    if not starts:
                        break
                if starts:
                    found.append(doc + offset)
        docs = np.asarray(found, dtype=np.int64)
        return docs[self.live[docs]] if len(docs) else docs

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
    hits = intersect(found)
    if term.in_order and len(hits):
        hits = hits.restrict(
            np.unique(np.concatenate([snapshot.phrase_docs(fields[1], tokens) for tokens in in_order_tokens(term)]))
        )
    return hits


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
