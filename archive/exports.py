"""Streamed exports of a list or a search: CSV (UTF-8 with BOM) and JSON Lines.

Rows are produced one article at a time from chunked queries (archive.api.iter_articles),
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
from archive.api import BadRequest, article_json, error_response, iter_articles, list_query
from archive.models import Article
from archive.search.results import search_timeline
from archive.views import rewrite_options

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


def _export(request: HttpRequest, *, kind: str, search: bool) -> HttpResponse:
    try:
        listed = list_query(request.GET)
    except BadRequest as exc:
        return error_response(str(exc))
    if search and not listed.q:
        return error_response("q is required: the search to export")
    articles = iter_articles(listed)
    name = "search" if search else "articles"
    if kind == "csv":
        response = StreamingHttpResponse(csv_lines(articles, request=request), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(
            jsonl_lines(articles, request=request), content_type="application/x-ndjson; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


def articles_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, kind="csv", search=False)


def articles_jsonl(request: HttpRequest) -> HttpResponse:
    return _export(request, kind="jsonl", search=False)


def search_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, kind="csv", search=True)


def search_jsonl(request: HttpRequest) -> HttpResponse:
    return _export(request, kind="jsonl", search=True)


def timeline_csv(request: HttpRequest) -> HttpResponse:
    """GET /export/timeline.csv: the search page's timeline (q, compare=, timeline=, the filters)
    as rows of period, first and last day, and each term's count; the undated matches last."""
    try:
        listed = list_query(request.GET)
        terms = timeline.compare_terms(listed.q, request.GET.getlist("compare"))
        unit = timeline.parse_unit(request.GET.get("timeline"))
    except (BadRequest, timeline.TimelineError) as exc:
        return error_response(str(exc))
    if not listed.q:
        return error_response("q is required: the search whose timeline to export")
    found = search_timeline(terms=terms, filters=listed.filters, unit=unit, **rewrite_options(request))
    writer = csv.writer(_Echo())
    lines = [writer.writerow([spreadsheet_safe(value) for value in row]) for row in timeline.table(found)]
    response = HttpResponse(BOM + "".join(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="timeline-{found.unit}.csv"'
    return response
