"""Template filters for the archive pages: honest partial dates and language tags."""

from __future__ import annotations

import datetime

from django import template
from django.utils.dates import MONTHS
from django.utils.translation import get_language, gettext, pgettext

from archive.dates import DATE_UNKNOWN
from archive.models import Article, Language
from archive.search.cedict import SOURCE as CEDICT

register = template.Library()

_BCP47 = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant", "en": "en"}
_ENGLISH_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


@register.filter
def bcp47(code: str | None) -> str:
    """A Django language code ("zh-hans") as a BCP 47 tag ("zh-Hans") for lang attributes."""
    code = code or ""
    return _BCP47.get(code.lower(), code)


@register.filter
def title_lang(article: Article) -> str:
    """The lang attribute for an article's title."""
    return article.title_language


@register.filter
def language_label(code: str) -> str:
    return str(dict(Language.choices).get(code, code))


def _month_name(month: int) -> str:
    """ "March" in English; "3月" in Chinese, whose date formats ("%(year)s年%(month_name)s%(day)s日") use numbers."""
    language = (get_language() or "en").lower()
    if language.startswith("zh"):
        return f"{month}月"
    if language.startswith("en"):
        return _ENGLISH_MONTHS[month - 1]
    return str(MONTHS.get(month, month))


@register.filter
def article_date(article: Article) -> str:
    """The publication date as the page knows it, saying when the year is inferred or unknown."""
    year, month, day = article.pub_year, article.pub_month, article.pub_day
    inferred = article.pub_year_inferred
    parts = {"year": year, "month": month, "day": day}
    if month:
        parts["month_name"] = _month_name(month)
    if year and month and day:
        if inferred:
            return gettext("%(day)s %(month_name)s %(year)s (year inferred)") % parts
        return gettext("%(day)s %(month_name)s %(year)s") % parts
    if month and day:
        return gettext("%(day)s %(month_name)s (year unknown)") % parts
    if year and month:
        if inferred:
            return gettext("%(month_name)s %(year)s (year inferred)") % parts
        return pgettext("month and year", "%(month_name)s %(year)s") % parts
    if year:
        return gettext("%(year)s (year inferred)") % parts if inferred else str(year)
    return gettext("Date unknown")


@register.filter
def month_label(value: str) -> str:
    """A facet month "2020-03" as "March 2020" / "2020年3月"; "unknown" as "date unknown"."""
    if value == DATE_UNKNOWN:
        return gettext("date unknown")
    try:
        year, month = (int(part) for part in value.split("-"))
        datetime.date(year, month, 1)
    except (ValueError, AttributeError):
        return value
    return pgettext("month and year", "%(month_name)s %(year)s") % {
        "year": year,
        "month": month,
        "month_name": _month_name(month),
    }


def _day_label(day: datetime.date) -> str:
    return gettext("%(day)s %(month_name)s %(year)s") % {
        "day": day.day,
        "month_name": _month_name(day.month),
        "year": day.year,
    }


@register.filter
def period_label(bucket) -> str:
    """A timeline bucket (archive.timeline.Bucket) as words: "March 2020", "2 – 8 March 2020"."""
    if bucket.filters.get("month"):
        return month_label(bucket.period)
    if bucket.start == bucket.end:
        return _day_label(bucket.start)
    return gettext("%(start)s – %(end)s") % {"start": _day_label(bucket.start), "end": _day_label(bucket.end)}


@register.filter
def at(values, index: int):
    """values[index] in a template (a bucket's count for one term)."""
    return values[index]


@register.filter
def more_paragraphs(hit) -> int:
    """How many of an ArticleHit's matching paragraphs the result does not show."""
    return max(0, hit.paragraphs_matched - len(hit.paragraphs))


@register.filter
def dictionary_used(expansions: list[dict]) -> bool:
    """Whether any expansion came from CC-CEDICT, whose licence asks for the credit line."""
    return any(item.get("source") == CEDICT for item in expansions)
