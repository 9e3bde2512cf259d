"""The contract every search engine keeps (the local Whoosh index, an Elasticsearch or OpenSearch
cluster), and what it answers with, so that nothing above an engine knows which one ran."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from archive.filters import Filters
from archive.search.query import ParsedQuery

# An index's state as an engine reports it (archive.search.recovery acts on it).
OK = "ok"
MISSING = "missing"
CORRUPT = "corrupt"  # present but unreadable, not our schema, or written by another analysis format

RELEVANCE = "relevance"
NEWEST = "newest"
OLDEST = "oldest"
SORTS = (RELEVANCE, NEWEST, OLDEST)


@dataclass(frozen=True)
class Ranked:
    """Article pks from `start` to `stop` of the ranked matches, how many matched in all, and the
    facet counts (language, source pk, month, and day: yyyymmdd of complete dates only) over all
    matches."""

    pks: list[int]
    count: int
    facets: dict[str, Counter] = field(default_factory=dict)


class SearchEngine(Protocol):
    """One search index. Writers hold the index writer lock (archive.search.queue); every
    document is archive.search.documents' dict; queries come parsed (archive.search.query)."""

    @property
    def location(self) -> str:
        """Where the index is, for messages: a directory, or a cluster's URL and index name."""

    def state(self) -> str:
        """OK, MISSING or CORRUPT."""

    def document_count(self) -> int:
        """Documents in the index (0 when there is none)."""

    def indexed_versions(self) -> dict[int, int]:
        """{article pk: version} of every document in the index (archive.search.documents.version)."""

    def apply(self, *, documents: Iterable[dict], removed_ids: Iterable[str]) -> None:
        """Add or replace these documents and remove those ids, at once."""

    def build_fresh(self, *, documents: Iterable[dict]) -> None:
        """Build a complete new index from these documents, then swap it in for the live one."""

    def ranked(
        self, parsed: ParsedQuery, filters: Filters, *, start: int = 0, stop: int | None = None, sort: str = RELEVANCE
    ) -> Ranked:
        """The matching articles in order (best first, or by date), the count and the facets."""
