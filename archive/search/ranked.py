"""What every search engine answers with, and the filters it applies: shared by the Whoosh and
Elasticsearch engines so that the service does not care which one ran the query."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SearchFilters:
    language: str = ""
    source_pk: int = 0
    month: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    @classmethod
    def from_mapping(cls, values: dict | None) -> SearchFilters:
        values = values or {}
        try:
            source_pk = int(values.get("source") or 0)
        except (TypeError, ValueError):
            source_pk = 0
        return cls(
            language=str(values.get("language") or ""),
            source_pk=source_pk,
            month=str(values.get("month") or ""),
            date_from=values.get("date_from") or None,
            date_to=values.get("date_to") or None,
        )


def published_sort(year: int | None, month: int | None, day: int | None) -> int:
    """The index's published_sort column: yyyymmdd with unknown parts as 0, so a year-only date
    sorts before that year's days and an unknown date is 0."""
    return (year or 0) * 10000 + (month or 0) * 100 + (day or 0)


def date_sort(day: datetime.date | None) -> int:
    """A filter's date as published_sort holds it (0: unknown)."""
    return published_sort(day.year, day.month, day.day) if day else 0


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
