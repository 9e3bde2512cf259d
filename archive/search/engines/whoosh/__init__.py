"""The local Whoosh index as a search engine: writing through the Haystack backend, reading
with the numpy query execution of archive.search.engines.whoosh.execution.

Ranking (docs/architecture.md): an article holding the query's Chinese as real words
(jieba's cut) ranks above one holding the same characters across word
boundaries, whatever the lengths; then title matches; then BM25; then recency.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np
from whoosh import index as whoosh_index

from archive.filters import Filters
from archive.search.engines.base import CORRUPT, MISSING, NEWEST, OK, OLDEST, RELEVANCE, Ranked
from archive.search.engines.whoosh.backend import ArchiveWhooshBackend
from archive.search.engines.whoosh.execution import (
    VOCABULARY,
    Hits,
    Snapshot,
    exclude,
    intersect,
    matching_hits,
    real_word_hits,
    snapshot_for,
    term_hits,
    union,
)
from archive.search.query import ParsedQuery


class WhooshEngine:
    """One Whoosh index directory; `backend` is Haystack's, for writing."""

    def __init__(self, backend: ArchiveWhooshBackend) -> None:
        self.backend = backend

    @property
    def location(self) -> str:
        return self.backend.path

    def snapshot(self) -> Snapshot:
        """The current index, opened once per generation, for reading."""
        if not self.backend.setup_complete:
            self.backend.setup()
        return snapshot_for(self.backend.index, path=self.backend.path)

    def apply(self, *, documents: Iterable[dict], removed_ids: Iterable[str]) -> None:
        self.backend.apply(documents=documents, removed_ids=removed_ids)

    def build_fresh(self, *, documents: Iterable[dict]) -> None:
        self.backend.build_fresh(documents=documents)

    def state(self) -> str:
        try:
            self.backend.finish_interrupted_swap()
            if not whoosh_index.exists_in(self.location):
                return MISSING
        except Exception:  # unreadable TOC files fail with many exception types
            return CORRUPT
        return OK if self.backend.is_healthy() else CORRUPT

    def document_count(self) -> int:
        with whoosh_index.open_dir(self.location).searcher() as searcher:
            return searcher.doc_count()

    def indexed_versions(self) -> dict[int, int]:
        """{article pk: version} of every document in the index (archive.search.documents.version)."""
        snapshot = self.snapshot()
        live = snapshot.live
        pks, versions = snapshot.columns["article_pk"][live].tolist(), snapshot.columns["updated_at"][live].tolist()
        return dict(zip(pks, versions, strict=True))

    def ranked(
        self, parsed: ParsedQuery, filters: Filters, *, start: int = 0, stop: int | None = None, sort: str = RELEVANCE
    ) -> Ranked:
        snapshot = self.snapshot()
        ids, facets = _ranked_ids(snapshot, parsed, filters, sort=sort)
        pks = snapshot.columns["article_pk"][ids[start:stop]].tolist()  # plain ints, at C speed
        return Ranked(pks=pks, count=len(ids), facets=facets)


def _ranked_ids(snapshot: Snapshot, parsed: ParsedQuery, filters: Filters, *, sort: str) -> tuple[np.ndarray, dict]:
    """Document numbers of every match, in order, and the facet counts of the matches."""
    groups = _with_alternatives(
        snapshot, [union([matching_hits(snapshot, term) for term in group]) for group in parsed.groups], parsed
    )
    if not all(map(len, groups)):
        return np.zeros(0, dtype=np.int64), {}
    hits = intersect(groups)
    if parsed.excluded and len(hits):
        hits = exclude(hits, union([matching_hits(snapshot, term) for term in parsed.excluded]))
    hits = _filtered(snapshot, hits, filters)
    ids, scores = hits.ids, hits.scores
    published = snapshot.columns["published_sort"][ids]
    real_words = np.zeros(len(ids), dtype=np.int32)
    title_hits = np.zeros(len(ids), dtype=np.int32)
    for term in parsed.ranked_terms:
        real_words += np.isin(ids, real_word_hits(snapshot, term))
        title_hits += np.isin(ids, term_hits(snapshot, term, field="title").ids)
    # Real words, then title matches, then BM25, then recency (np.lexsort: last key first); by
    # date, complete dates first (partial and unknown ones last), each date's best first.
    keys = [-published, -scores, -title_hits, -real_words]
    if sort in (NEWEST, OLDEST):
        published_on = snapshot.columns["published_on"][ids]  # 0 unless complete
        keys += [-published_on if sort == NEWEST else published_on, published_on == 0]
    order = np.lexsort(keys)
    facets = {name: _keyword_facet(snapshot.columns[name][ids]) for name in ("language", "month")}
    sources = np.bincount(snapshot.columns["source_pk"][ids])  # source pks are small: no sort
    facets["source"] = Counter({pk: n for pk, n in enumerate(sources.tolist()) if n})
    days, counts = np.unique(snapshot.columns["published_on"][ids], return_counts=True)
    facets["day"] = Counter({day: n for day, n in zip(days.tolist(), counts.tolist(), strict=True) if day})
    return ids[order], facets


def _keyword_facet(codes: np.ndarray) -> Counter:
    counts = np.bincount(codes, minlength=len(VOCABULARY.values))
    return Counter({VOCABULARY.values[code]: int(n) for code, n in enumerate(counts) if n})


def _filtered(snapshot: Snapshot, hits: Hits, filters: Filters) -> Hits:
    columns, ids = snapshot.columns, hits.ids
    keep = np.ones(len(ids), dtype=bool)
    if filters.language:
        keep &= columns["language"][ids] == VOCABULARY.code(filters.language)
    if filters.source:
        keep &= columns["source_pk"][ids] == filters.source
    if filters.month:
        keep &= columns["month"][ids] == VOCABULARY.code(filters.month)
    low, high = filters.date_range
    if low or high:
        published_on = columns["published_on"][ids]  # 0 unless the date is complete
        keep &= (published_on > 0) & (published_on >= low)
        if high:
            keep &= published_on <= high
    return Hits(ids[keep], hits.scores[keep])


def _with_alternatives(snapshot: Snapshot, groups: list[Hits], parsed: ParsedQuery) -> list[Hits]:
    """Each stretch of groups an alternative covers becomes (all those groups) OR (its terms)."""
    combined, cursor = [], 0
    for first, last, alts in parsed.alternative_clusters():
        combined.extend(groups[cursor:first])
        extra = [matching_hits(snapshot, term) for alt in alts for term in alt.terms]
        combined.append(union([intersect(groups[first : last + 1]), *extra]))
        cursor = last + 1
    combined.extend(groups[cursor:])
    return combined
