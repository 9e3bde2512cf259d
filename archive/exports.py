"""Streamed exports of a list or a search: CSV (UTF-8 with BOM) and JSON Lines.

Rows are produced one article at a time from chunked queries (archive.selectors.iter_articles),
so exporting the whole archive runs in constant memory.

Scraped text is untrusted, and a spreadsheet runs a CSV cell that starts like a formula
(`=HYPERLINK(…)`): every CSV cell starting with =, +, -, @, a tab or a carriage return gets a
leading apostrophe, as OWASP advises against CSV injection. JSON Lines keep the exact text.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from archive import timeline
from archive.filters import Filters
from archive.models import Article
from archive.selectors import iter_articles
from archive.serialise import article_json

CSV_COLUMNS = [
    "id",
    "title",
    "source",
    "site",
    "published",
    "language",
    "source_file",
    "content_hash",
    "url",
    "original_url",
    "captured_at",
    "paragraphs_text",
]
BOM = "\ufeff"
PARAGRAPH_SEPARATOR = "\n\n"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell a spreadsheet will show as text: one starting like a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_row(article: Article, *, request: HttpRequest | None) -> list[Any]:
    url = article.get_absolute_url()
    return [
        article.pk,
        article.title,
        article.source.name if article.source else "",
        article.site,
        article.published_iso,
        article.language,
        article.source_file,
        article.content_hash,
        request.build_absolute_uri(url) if request is not None else url,
        article.original_url,
        article.captured_at.isoformat() if article.captured_at else "",
        # The article's own text: body and title paragraphs, page furniture left out, blank line between.
        PARAGRAPH_SEPARATOR.join(p.text for p in article.paragraphs.all() if not p.is_boilerplate),
    ]


def csv_lines(articles: Iterator[Article], *, request: HttpRequest | None = None) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(CSV_COLUMNS)
    for article in articles:
        yield writer.writerow([spreadsheet_safe(value) for value in csv_row(article, request=request)])


def jsonl_lines(articles: Iterator[Article], *, request: HttpRequest | None = None) -> Iterator[str]:
    for article in articles:
        yield json.dumps(article_json(article, request=request), ensure_ascii=False) + "\n"


def export_response(
    request: HttpRequest, *, kind: str, name: str, filters: Filters, q: str = ""
) -> StreamingHttpResponse:
    """The articles of a list (no `q`) or a search, streamed as `kind` ("csv" or "jsonl"), saved as `name`.`kind`."""
    articles = iter_articles(filters=filters, q=q)
    if kind == "csv":
        response = StreamingHttpResponse(csv_lines(articles, request=request), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(
            jsonl_lines(articles, request=request), content_type="application/x-ndjson; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


def timeline_response(found: timeline.Timeline) -> HttpResponse:
    """A search's timeline (archive.timeline.table) as a CSV download."""
    writer = csv.writer(_Echo())
    lines = [writer.writerow([spreadsheet_safe(value) for value in row]) for row in timeline.table(found)]
    response = HttpResponse(BOM + "".join(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="timeline-{found.unit}.csv"'
    return response
