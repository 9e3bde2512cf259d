"""Writes: a year for articles dated without one, from the dated articles imported with them.

A page dated "03.04" prints no year. When neither its URL nor its capture date gives
one (archive.text.years, at parse time), the pages of the same named source in the
same folder that do print their year are evidence: the year that puts the article
nearest to them is taken, and marked as inferred. Pages with no source never count
as the same source. A year written in the page's text is never used.
"""

from __future__ import annotations

import datetime
import posixpath
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from archive.models import Article
from archive.text import years

_BATCH = 900


def _folder(source_file: str) -> str:
    """The folder of an imported file (a WARC or JSONL record's file for "dir/crawl.warc#3")."""
    return posixpath.dirname(source_file.split("#", 1)[0])


def _dated_neighbours(*, source_id: int, folder: str) -> list[datetime.date]:
    """Dates of the articles of a source in a folder whose page printed its year."""
    articles = Article.objects.filter(
        source_id=source_id, pub_year__isnull=False, pub_month__isnull=False, pub_year_inferred=False
    )
    if folder:
        articles = articles.filter(source_file__startswith=folder + "/")
    dates = []
    for source_file, year, month, day in articles.values_list("source_file", "pub_year", "pub_month", "pub_day"):
        if _folder(source_file) == folder:
            try:
                dates.append(datetime.date(year, month, day or 1))
            except ValueError:
                continue
    return dates


def neighbour_year(*, article: Article, dated: list[datetime.date] | None = None) -> int | None:
    """The year the dated articles of the same named source and folder give an article dated without one."""
    if article.pub_year is not None or not article.pub_month or article.source_id is None:
        return None
    if dated is None:
        dated = _dated_neighbours(source_id=article.source_id, folder=_folder(article.source_file))
    return years.year_from_neighbours(month=article.pub_month, day=article.pub_day, dated=dated)


def infer_years_from_neighbours(*, article_ids: Iterable[int | None]) -> list[int]:
    """Give a year to the articles dated without one, from the dated pages imported with them.

    Call once at the end of an import run, with the ids of the articles it created or
    updated (None ids are ignored). An article dated "03.04" with no year, no year in its
    URL and no capture date takes the year that puts it nearest to the articles of the
    same named source in the same folder whose pages printed their year
    (archive.text.years.year_from_neighbours), marked as inferred. Articles without a
    source have no neighbours. Returns the ids of the articles given a year.
    """
    ids = sorted({article_id for article_id in article_ids if article_id is not None})
    groups: dict[tuple[int, str], list[Article]] = defaultdict(list)
    for start in range(0, len(ids), _BATCH):  # a bounded IN list: SQLite limits query parameters
        undated = Article.objects.filter(
            pk__in=ids[start : start + _BATCH], pub_year__isnull=True, pub_month__isnull=False, source__isnull=False
        )
        for article in undated:
            groups[(article.source_id, _folder(article.source_file))].append(article)
    given: list[int] = []
    for (source_id, folder), articles in groups.items():
        dated = _dated_neighbours(source_id=source_id, folder=folder)
        with transaction.atomic():
            for article in articles:
                if year := neighbour_year(article=article, dated=dated):
                    article.pub_year, article.pub_year_inferred = year, True
                    article._change_reason = "year inferred from dated pages of the same source and folder"
                    article.save(update_fields=["pub_year", "pub_year_inferred", "published_on", "updated_at"])
                    given.append(article.pk)
    return given
