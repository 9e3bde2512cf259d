"""A search's matches over time: counts per month or per week, for the search page's chart, the
API's `timeline` and the timeline CSV (pure: no Django; the counts come from the engine's facets).

Dates follow the filters' rule (archive.filters, archive.dates), so that each bucket's count is
what its filter lists:
- per month, an article counts in its month when its year and month are known (the `month`
  filter); one without a year or a month counts as "unknown" (month=unknown lists them);
- per week, an article counts in its week only with a complete date (the `date_from`/`date_to`
  filters); any other counts as "unknown".
Every period between the first and the last one is a bucket, empty ones too. A week that the
filters' period cuts (a month starting on a Wednesday) is cut to it, so that its date range lists
exactly its count; other weeks run from Monday to Sunday.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from archive.dates import DATE_UNKNOWN

MONTH = "month"
WEEK = "week"
UNITS = (MONTH, WEEK)
MAX_TERMS = 4  # the search and up to three compared with it
SHORT_SPAN_DAYS = 92  # a period this short (a month, up to a quarter) is drawn per week
# compare= is repeatable, and each value may hold several terms separated by commas (the search
# ignores punctuation, so a comma never belongs to a term).
_SEPARATORS = re.compile(r"[,，、]")


class TimelineError(ValueError):
    """A timeline parameter that cannot be used; `name` is the parameter."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name} {message}")
        self.name = name
        self.message = message


@dataclass(frozen=True)
class DateCounts:
    """How many matches of one search fall on each date, from the engine's facets."""

    total: int
    months: Mapping[str, int]  # "YYYY-MM", or DATE_UNKNOWN → matches (archive.dates.month_of)
    days: Mapping[int, int]  # yyyymmdd of complete dates only → matches


NO_DATES = DateCounts(total=0, months={}, days={})


@dataclass(frozen=True)
class Bucket:
    period: str  # "2020-03" per month, the ISO week "2020-W12" per week
    start: datetime.date
    end: datetime.date
    counts: tuple[int, ...]  # one per term
    filters: dict[str, str]  # the filter parameters that list exactly these articles ("" removes one)


@dataclass(frozen=True)
class Timeline:
    unit: str
    terms: tuple[str, ...]
    buckets: tuple[Bucket, ...]
    unknown: tuple[int, ...]  # per term, matches that no bucket of this unit can hold
    unknown_filters: dict[str, str] | None  # the filters listing exactly those, when one does
    totals: tuple[int, ...]

    @property
    def highest(self) -> int:
        return max((n for bucket in self.buckets for n in bucket.counts), default=0)


def parse_unit(value: str | None) -> str:
    """The `timeline` parameter: month, week, or "" (not asked for)."""
    value = (value or "").strip()
    if value and value not in UNITS:
        raise TimelineError("timeline", f"must be one of {', '.join(UNITS)}")
    return value


def compare_terms(query: str, values: Sequence[str]) -> tuple[str, ...]:
    """The search and the terms compared with it, each once, the search first."""
    terms = [query.strip()] + [term.strip() for value in values for term in _SEPARATORS.split(value)]
    terms = list(dict.fromkeys(term for term in terms if term))
    if len(terms) > MAX_TERMS:
        raise TimelineError("compare", f"can add at most {MAX_TERMS - 1} terms to the search ({len(terms)} given)")
    return tuple(terms)


def filter_period(
    *, month: str = "", date_from: datetime.date | None = None, date_to: datetime.date | None = None
) -> tuple[datetime.date, datetime.date] | None:
    """The period a search's filters bound on both sides (a month, a date range), else None."""
    start, end = date_from, date_to
    if month and month != DATE_UNKNOWN:
        first, last = _month_bounds(month)
        start, end = max(start or first, first), min(end or last, last)
    if start is None or end is None or start > end:
        return None
    return start, end


def choose_unit(requested: str, period: tuple[datetime.date, datetime.date] | None) -> str:
    """The unit asked for; else per week when the filters bound a short period, else per month."""
    if requested:
        return requested
    if period is not None and (period[1] - period[0]).days + 1 <= SHORT_SPAN_DAYS:
        return WEEK
    return MONTH


def build(
    *,
    series: Sequence[tuple[str, DateCounts]],
    unit: str,
    period: tuple[datetime.date, datetime.date] | None = None,
) -> Timeline:
    """The buckets of each term's counts. Per week, `period` (the filters' bounds) sets the first
    and last weeks and cuts them to it; otherwise the dates found do."""
    terms = tuple(term for term, _ in series)
    totals = tuple(counts.total for _, counts in series)
    if unit == MONTH:
        buckets = _month_buckets([counts.months for _, counts in series])
        unknown = tuple(counts.months.get(DATE_UNKNOWN, 0) for _, counts in series)
        unknown_filters = {"month": DATE_UNKNOWN}
    else:
        buckets = _week_buckets([counts.days for _, counts in series], period)
        unknown = tuple(counts.total - sum(counts.days.values()) for _, counts in series)
        # Without a full date but with a month: no filter lists exactly those.
        exact = all(n == counts.months.get(DATE_UNKNOWN, 0) for n, (_, counts) in zip(unknown, series, strict=True))
        unknown_filters = {"month": DATE_UNKNOWN, "date_from": "", "date_to": ""} if exact else None
    return Timeline(
        unit=unit, terms=terms, buckets=tuple(buckets), unknown=unknown, unknown_filters=unknown_filters, totals=totals
    )


def as_json(timeline: Timeline, *, term: int = 0) -> list[dict]:
    """One term's buckets as the API gives them, the unknown bucket last."""
    rows = [
        {"period": b.period, "start": b.start.isoformat(), "end": b.end.isoformat(), "count": b.counts[term]}
        for b in timeline.buckets
    ]
    return [*rows, {"period": DATE_UNKNOWN, "start": None, "end": None, "count": timeline.unknown[term]}]


def table(timeline: Timeline) -> list[list]:
    """The timeline as rows: a header (period, start, end, then each term), each bucket, unknown."""
    rows: list[list] = [["period", "start", "end", *timeline.terms]]
    rows += [[b.period, b.start.isoformat(), b.end.isoformat(), *b.counts] for b in timeline.buckets]
    rows.append([DATE_UNKNOWN, "", "", *timeline.unknown])
    return rows


# --- buckets ------------------------------------------------------------------------------------


def _month_bounds(month: str) -> tuple[datetime.date, datetime.date]:
    year, number = (int(part) for part in month.split("-"))
    first = datetime.date(year, number, 1)
    following = datetime.date(year + number // 12, number % 12 + 1, 1)
    return first, following - datetime.timedelta(days=1)


def _month_buckets(months: list[Mapping[str, int]]) -> list[Bucket]:
    dated = sorted({month for counts in months for month in counts if month != DATE_UNKNOWN})
    if not dated:
        return []
    year, number = (int(part) for part in dated[0].split("-"))
    buckets = []
    while True:
        month = f"{year:04d}-{number:02d}"
        first, last = _month_bounds(month)
        counts = tuple(counts.get(month, 0) for counts in months)
        buckets.append(Bucket(period=month, start=first, end=last, counts=counts, filters={"month": month}))
        if month == dated[-1]:
            return buckets
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)


def _date(number: int) -> datetime.date:
    return datetime.date(number // 10000, number // 100 % 100, number % 100)


def _week_buckets(days: list[Mapping[int, int]], period: tuple[datetime.date, datetime.date] | None) -> list[Bucket]:
    found = sorted({_date(day) for counts in days for day in counts})
    bounds = [*found[:1], *found[-1:], *(period or ())]
    if not bounds:
        return []
    first, last = min(bounds), max(bounds)
    monday = first - datetime.timedelta(days=first.weekday())
    weeks = (last - monday).days // 7 + 1
    # Whole weeks, Monday to Sunday, unless the filters' period cuts them.
    if period is None:
        first, last = monday, monday + datetime.timedelta(days=7 * weeks - 1)
    counts = [[0] * len(days) for _ in range(weeks)]
    for term, term_days in enumerate(days):
        for day, n in term_days.items():  # one step per distinct day, not per article
            counts[(_date(day) - monday).days // 7][term] += n
    buckets = []
    for week in range(weeks):
        start = max(monday + datetime.timedelta(days=7 * week), first)
        end = min(monday + datetime.timedelta(days=7 * week + 6), last)
        iso = start.isocalendar()
        buckets.append(
            Bucket(
                period=f"{iso.year:04d}-W{iso.week:02d}",
                start=start,
                end=end,
                counts=tuple(counts[week]),
                # month is cleared: the week lies inside the period, so the month adds nothing.
                filters={"month": "", "date_from": start.isoformat(), "date_to": end.isoformat()},
            )
        )
    return buckets
