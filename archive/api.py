"""The JSON API: /api/articles (cursor-paginated list), /api/articles/<id>, /api/schema, /api/docs.

/api/search (archive.views.api_search) keeps the JSON documented in docs/architecture.md; the schema is here too.
Articles are serialised once, by `article_json`, for the API, the JSON Lines export and its re-import.
"""

from __future__ import annotations

import base64
import binascii
import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from archive import citation
from archive.filters import FilterError, Filters
from archive.models import Article, Paragraph
from archive.openapi import LIST_FILTERS, schema

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
CHUNK = 500  # articles fetched per query when streaming
JSON_PARAMS = {"ensure_ascii": False}


class BadRequest(ValueError):
    """A query parameter that cannot be used; the message is returned as {"error": ...} with status 400."""


def error_response(message: str, *, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, json_dumps_params=JSON_PARAMS)


# --- Parameters -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListQuery:
    """What a list, an export or a search of the API asks for: filters, and an optional search."""

    filters: Filters
    q: str = ""


def list_query(params) -> ListQuery:
    """The filters (archive.filters) and `q` from a QueryDict, validated; raises BadRequest."""
    try:
        filters = Filters.parse(params, strict=True)
    except FilterError as exc:
        raise BadRequest(str(exc)) from None
    if "\x00" in params.get("q", ""):
        raise BadRequest("q must not contain NUL characters")
    return ListQuery(filters=filters, q=params.get("q", "").strip())


def matching_article_ids(*, query: str, filters: Filters | None = None) -> list[int]:
    """Every article matching a search, best first, through the search service's ranking."""
    from archive.search import results

    return results.matching_article_ids(query=query, filters=filters)


def encode_cursor(article_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{article_id}".encode()).decode().rstrip("=")


def decode_cursor(token: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
        kind, _, value = raw.partition(":")
        if kind == "id" and value.isdigit() and 0 < int(value) <= 2**62:
            return int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise BadRequest("cursor is not one this API returned")


def _limit(params) -> int:
    value = params.get("limit", "")
    if not value:
        return DEFAULT_LIMIT
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise BadRequest(f"limit must be an integer from 1 to {MAX_LIMIT}")
    return int(value)


# --- Serialisation ----------------------------------------------------------------------------


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def permalink(request: HttpRequest | None, article: Article) -> str:
    path = article.get_absolute_url()
    return request.build_absolute_uri(path) if request is not None else path


def provenance_json(article: Article) -> dict[str, Any]:
    source = article.source
    return {
        "source": {"id": source.pk, "name": source.name, "domain": source.domain, "base_url": source.base_url}
        if source
        else None,
        "original_url": article.original_url,
        "site": article.site,
        "captured_at": _iso(article.captured_at),
        "published": article.published_iso,
        "published_parts": {
            "year": article.pub_year,
            "month": article.pub_month,
            "day": article.pub_day,
            "year_inferred": article.pub_year_inferred,
        },
        "source_file": article.source_file,
        "content_hash": {"algorithm": "sha256", "value": article.content_hash},
        "imported_at": _iso(article.imported_at),
        "updated_at": _iso(article.updated_at),
    }


def article_summary(article: Article) -> dict[str, Any]:
    return {
        "id": article.pk,
        "title": article.title,
        "url": article.get_absolute_url(),
        "api_url": reverse("archive:api_article", args=[article.pk]),
        "language": article.language,
        "published": article.published_iso,
        "source": article.source.name if article.source else "",
        "source_file": article.source_file,
        "provenance": provenance_json(article),
    }


def paragraphs_json(paragraphs: Iterable[Paragraph]) -> list[dict[str, Any]]:
    paragraphs = list(paragraphs)
    positions = {paragraph.pk: paragraph.position for paragraph in paragraphs}
    return [
        {
            "position": paragraph.position,
            "text": paragraph.text,
            "language": paragraph.language,
            "role": paragraph.role,
            "is_boilerplate": paragraph.is_boilerplate,
            "translation": positions.get(paragraph.translation_id) if paragraph.translation_id else None,
        }
        for paragraph in paragraphs
    ]


def citation_links(article: Article) -> dict[str, str]:
    return {
        "text_url": reverse("archive:cite_txt", args=[article.pk]),
        "bibtex": reverse("archive:cite_bib", args=[article.pk]),
        "csl_json": reverse("archive:cite_json", args=[article.pk]),
    }


def article_json(article: Article, *, request: HttpRequest | None = None) -> dict[str, Any]:
    """An article with its provenance, citation and paragraphs (paragraphs prefetched in position order)."""
    data = article_summary(article)
    data["citation"] = {
        "text": citation.citation_text(article, accessed=timezone.localdate(), url=permalink(request, article)),
        **citation_links(article),
    }
    data["paragraphs"] = paragraphs_json(article.paragraphs.all())
    return data


def with_paragraphs(articles: QuerySet[Article]) -> QuerySet[Article]:
    return articles.prefetch_related(Prefetch("paragraphs", queryset=Paragraph.objects.order_by("position")))


def iter_articles(listed: ListQuery, *, chunk: int = CHUNK) -> Iterator[Article]:
    """Every article of a list or search, with paragraphs, in constant memory.

    Without `q`: newest id first, read with QuerySet.iterator in chunks. With `q`:
    best match first, fetched `chunk` ids at a time.
    """
    if listed.q:
        ids = matching_article_ids(query=listed.q, filters=listed.filters)
        for start in range(0, len(ids), chunk):
            batch = ids[start : start + chunk]
            by_id = with_paragraphs(Article.objects.select_related("source")).in_bulk(batch)
            yield from (by_id[pk] for pk in batch if pk in by_id)
        return
    articles = listed.filters.apply(Article.objects.select_related("source"))
    yield from with_paragraphs(articles.order_by("-id")).iterator(chunk_size=chunk)


# --- Views ------------------------------------------------------------------------------------


def articles(request: HttpRequest) -> JsonResponse:
    """GET /api/articles: newest id first, `limit` per page, `next` carries an opaque cursor."""
    try:
        listed = list_query(request.GET)
        limit = _limit(request.GET)
        cursor = decode_cursor(request.GET["cursor"]) if request.GET.get("cursor") else None
    except BadRequest as exc:
        return error_response(str(exc))
    if listed.q:
        ids = sorted(matching_article_ids(query=listed.q, filters=listed.filters), reverse=True)
        count = len(ids)
        window = [pk for pk in ids if cursor is None or pk < cursor][: limit + 1]
        by_id = Article.objects.select_related("source").in_bulk(window)
        page = [by_id[pk] for pk in window if pk in by_id]
    else:
        articles = listed.filters.apply(Article.objects.select_related("source"))
        count = articles.count()
        if cursor is not None:
            articles = articles.filter(pk__lt=cursor)
        page = list(articles.order_by("-id")[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    next_url = None
    if more and page:
        params = {key: value for key, value in request.GET.items() if key != "cursor"}
        params["cursor"] = encode_cursor(page[-1].pk)
        next_url = request.build_absolute_uri(f"{request.path}?{urlencode(params)}")
    body = {"count": count, "next": next_url, "results": [article_summary(article) for article in page]}
    return JsonResponse(body, json_dumps_params=JSON_PARAMS)


MAX_ID = 2**63 - 1  # larger ids in a URL overflow the database's integer


def article(request: HttpRequest, pk: int) -> JsonResponse:
    found = with_paragraphs(Article.objects.select_related("source")).filter(pk=pk).first() if pk <= MAX_ID else None
    if found is None:
        return error_response("no such article", status=404)
    return JsonResponse(article_json(found, request=request), json_dumps_params=JSON_PARAMS)


def openapi_schema(request: HttpRequest) -> JsonResponse:
    return JsonResponse(schema(server_url=request.build_absolute_uri("/")[:-1]), json_dumps_params=JSON_PARAMS)


def docs(request: HttpRequest) -> HttpResponse:
    spec = schema(server_url=request.build_absolute_uri("/")[:-1])
    endpoints = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            example = operation.get("x-example", path)
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": operation.get("parameters", []),
                    "responses": [
                        (code, response.get("description", "")) for code, response in operation["responses"].items()
                    ],
                    "example": example,
                }
            )
    context = {"spec": spec, "endpoints": endpoints, "filters": LIST_FILTERS}
    return render(request, "archive_api/docs.html", context)


# --- Citations --------------------------------------------------------------------------------


def _cited(request: HttpRequest, pk: int) -> tuple[Article | None, dict[str, Any]]:
    found = Article.objects.select_related("source").filter(pk=pk).first() if pk <= MAX_ID else None
    return found, {"accessed": timezone.localdate(), "url": permalink(request, found) if found else ""}


def cite_txt(request: HttpRequest, pk: int) -> HttpResponse:
    found, context = _cited(request, pk)
    if found is None:
        return error_response("no such article", status=404)
    return HttpResponse(citation.citation_text(found, **context) + "\n", content_type="text/plain; charset=utf-8")


def cite_bib(request: HttpRequest, pk: int) -> HttpResponse:
    found, context = _cited(request, pk)
    if found is None:
        return error_response("no such article", status=404)
    response = HttpResponse(
        citation.citation_bibtex(found, **context), content_type="application/x-bibtex; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="article-{found.pk}.bib"'
    return response


def cite_json(request: HttpRequest, pk: int) -> HttpResponse:
    found, context = _cited(request, pk)
    if found is None:
        return error_response("no such article", status=404)
    return JsonResponse(
        [citation.citation_csl_json(found, **context)],
        safe=False,
        content_type="application/vnd.citationstyles.csl+json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
