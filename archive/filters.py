"""The filters of every list of articles, declared once: the browse page, a search, the API,
the exports and the search engines all read a `Filters`. `FilterParams` is the same declaration
as typed query parameters: the API validates with it, and its OpenAPI schema is generated from it.

Dates follow one rule everywhere: only a complete date (year, month and day) can fall inside a
bounded range, so an article dated "4 March" with no known year passes no `date_from`/`date_to`
filter. Such an article, and one with no date at all, has the month value "unknown" (shown as
"date unknown"), which can be selected like any month.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Annotated, Any, Literal

from django.db.models import Q, QuerySet
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from archive.dates import DATE_UNKNOWN, complete_date_number
from archive.models import Article, Language

_MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])$")
MAX_SOURCE_ID = 2**62


class FilterError(ValueError):
    """A filter parameter that cannot be used; `name` is the parameter."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name} {message}")
        self.name = name
        self.message = message


def date_number(day: datetime.date) -> int:
    return complete_date_number(day.year, day.month, day.day)


@dataclass(frozen=True)
class Filters:
    language: str = ""
    source: int = 0  # a Source pk
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    month: str = ""  # "YYYY-MM", or DATE_UNKNOWN

    def __bool__(self) -> bool:
        return any(getattr(self, item.name) for item in fields(self))

    @classmethod
    def parse(cls, params: Mapping[str, str], *, strict: bool = True) -> Filters:
        """Filters from query parameters. `strict` (the API) raises FilterError for a bad value;
        otherwise (the web pages, whose forms show the error) a bad value is left out."""
        values: dict = {}
        for name in NAMES:
            raw = params.get(name) or ""
            raw = raw.strip() if isinstance(raw, str) else raw
            if raw in ("", None):
                continue
            try:
                values[name] = _PARSERS[name](raw)
            except FilterError:
                if strict:
                    raise
        return cls(**values)

    def as_params(self) -> dict[str, str]:
        """The filters as query parameters (for links and the engines' caches)."""
        out = {}
        for name in NAMES:
            value = getattr(self, name)
            if value:
                out[name] = value.isoformat() if isinstance(value, datetime.date) else str(value)
        return out

    @property
    def date_range(self) -> tuple[int, int]:
        """(from, to) as yyyymmdd numbers, 0 where open."""
        return (
            date_number(self.date_from) if self.date_from else 0,
            date_number(self.date_to) if self.date_to else 0,
        )

    def apply(self, articles: QuerySet[Article]) -> QuerySet[Article]:
        """These filters on a queryset of articles (the database's side of the rule)."""
        if self.language:
            articles = articles.filter(language=self.language)
        if self.source:
            articles = articles.filter(source_id=self.source)
        if self.date_from:  # published_on is set only for complete dates
            articles = articles.filter(published_on__gte=self.date_from)
        if self.date_to:
            articles = articles.filter(published_on__lte=self.date_to)
        if self.month == DATE_UNKNOWN:
            articles = articles.filter(Q(pub_year__isnull=True) | Q(pub_month__isnull=True))
        elif self.month:
            year, month = self.month.split("-")
            articles = articles.filter(pub_year=int(year), pub_month=int(month))
        return articles


def _language(value: str) -> str:
    if value not in Language.values:
        raise FilterError("language", f"must be one of {', '.join(Language.values)}")
    return value


def _source(value) -> int:
    text = str(value)
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_SOURCE_ID:
        raise FilterError("source", "must be a source id (a positive integer)")
    return int(text)


def _date(name: str):
    def parse(value) -> datetime.date:
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            raise FilterError(name, "must be a date as YYYY-MM-DD") from None

    return parse


def _month(value: str) -> str:
    if value == DATE_UNKNOWN or _MONTH.match(value):
        return value
    raise FilterError("month", f'must be a month as YYYY-MM, or "{DATE_UNKNOWN}"')


_PARSERS = {
    "language": _language,
    "source": _source,
    "date_from": _date("date_from"),
    "date_to": _date("date_to"),
    "month": _month,
}


# --- The same filters as typed query parameters (the API, its schema) ------------------------


def _read(parse: Callable[[Any], Any]) -> BeforeValidator:
    """A query value read by the filter's own parser (so the API accepts what the pages accept and
    says what they say); an empty value is no filter."""

    def validate(value: Any) -> Any:
        raw = value.strip() if isinstance(value, str) else value
        return None if raw in ("", None) else parse(raw)

    return BeforeValidator(validate)


class FilterParams(BaseModel):
    """The filters as query parameters; `filters()` is the `Filters` they ask for."""

    model_config = ConfigDict(extra="ignore")

    language: Annotated[
        Literal[tuple(Language.values)] | None,
        _read(_language),
        Field(description="Only articles in this language.", examples=["zh-Hant"]),
    ] = None
    source: Annotated[
        Annotated[int, Field(ge=1, le=MAX_SOURCE_ID)] | None,
        _read(_source),
        Field(description="Only articles from this source (its id).", examples=[1]),
    ] = None
    date_from: Annotated[
        datetime.date | None,
        _read(_PARSERS["date_from"]),
        Field(
            description="Only articles published on or after this day. A date without a known year "
            "passes no date range.",
            examples=["2020-03-01"],
        ),
    ] = None
    date_to: Annotated[
        datetime.date | None,
        _read(_PARSERS["date_to"]),
        Field(description="Only articles published on or before this day.", examples=["2020-03-31"]),
    ] = None
    month: Annotated[
        Annotated[str, Field(pattern=rf"^(\d{{4}}-(0[1-9]|1[0-2])|{DATE_UNKNOWN})$")] | None,
        _read(_month),
        Field(
            description=f'Only articles of this month (YYYY-MM), or "{DATE_UNKNOWN}": those whose year or '
            "month is not known.",
            examples=["2020-03"],
        ),
    ] = None

    def filters(self) -> Filters:
        return Filters(**self.model_dump(exclude_none=True))


NAMES = tuple(FilterParams.model_fields)
