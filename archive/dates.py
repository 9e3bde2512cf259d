"""Publication dates as the index and the filters compare them (pure: no Django, so the importer's
worker processes use it too). A date may be partial: "4 March" with no known year."""

from __future__ import annotations

DATE_UNKNOWN = "unknown"  # the month value of an article whose year or month is not known


def published_sort(year: int | None, month: int | None, day: int | None) -> int:
    """yyyymmdd with unknown parts as 0, so a year-only date sorts before that year's days and an
    unknown date is 0."""
    return (year or 0) * 10000 + (month or 0) * 100 + (day or 0)


def complete_date_number(year: int | None, month: int | None, day: int | None) -> int:
    """yyyymmdd of a complete date, 0 for a partial or unknown one: what date ranges compare."""
    return year * 10000 + month * 100 + day if year and month and day else 0


def month_of(year: int | None, month: int | None) -> str:
    """The month value of a date: "YYYY-MM", or DATE_UNKNOWN without a year or a month."""
    return f"{year:04d}-{month:02d}" if year and month else DATE_UNKNOWN
