"""What every search engine answers with: shared by the Whoosh and Elasticsearch engines so that
the service does not care which one ran the query (the filters they apply are archive.filters)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Ranked:
    """Article pks from `start` to `stop` of the ranked matches, how many matched in all, and the
    facet counts (language, source pk, month) over all matches."""

    pks: list[int]
    count: int
    facets: dict[str, Counter] = field(default_factory=dict)


# An index's state as an engine reports it (archive.search.recovery acts on it).
OK = "ok"
MISSING = "missing"
CORRUPT = "corrupt"  # present but unreadable, or not our schema
