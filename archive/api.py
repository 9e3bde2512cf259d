"""The open-data API (django-ninja): /api/search, /api/articles, /api/articles/{id}, the exports and
the citations, with /api/schema (OpenAPI, generated from these operations and archive.api_schemas)
and /api/docs (a page of our own drawn from that schema: no script, nothing from another host).

Operations are thin: typed parameters in, a selector, the search or a serialiser out. Every
error is JSON, {"error": "..."}, and a bad parameter is a 400 whose message names it.
Why django-ninja rather than DRF with drf-spectacular: docs/api.md.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from ninja import NinjaAPI, Path, Query, Status
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer

from archive import citation, copies, exports, timeline
from archive.api_schemas import (
    ArticleList,
    ArticleOut,
    CompareParams,
    Error,
    ExportParams,
    ListParams,
    RewriteParams,
    SearchExportParams,
    SearchParams,
    SearchResponse,
    TimelineParams,
)
from archive.filters import FilterParams
from archive.models import Article
from archive.search.results import matching_article_ids, search_articles, search_timeline
from archive.selectors import with_paragraphs
from archive.serialise import article_json, article_summary, permalink

MAX_ID = 2**63 - 1  # larger ids in a URL overflow the database's integer
# What a missing required parameter means, said the way clients have always read it.
MISSING = {"q": "q is required: the search to export"}


class BadRequest(ValueError):
    """A parameter that cannot be used; the message is returned as {"error": ...} with status 400."""


class _JSON(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


# What each error status means, in the schema and on /api/docs (ninja would say "Bad Request").
ERRORS = {
    "400": 'A parameter cannot be used: {"error": "..."} names it.',
    "404": "No such article.",
    "429": "Too many searches from this address: retry after Retry-After seconds.",
}


class ArchiveAPI(NinjaAPI):
    def get(self, path: str, **kwargs: Any) -> Callable:
        """GET, and HEAD: GET without its body (as Django's own views and our pages answer it)."""
        return self.api_operation(["GET", "HEAD"], path, **kwargs)

    def get_openapi_schema(self, **kwargs: Any) -> dict[str, Any]:
        """The generated schema, less HEAD (implied by GET). Ninja copies a field's JSON Schema
        `examples` (a list) onto its parameter, where OpenAPI wants a map of named examples; a
        parameter's single `example` is what OpenAPI tools read."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            operations.pop("head", None)
            for operation in operations.values():
                for code, response in operation["responses"].items():
                    response["description"] = ERRORS.get(str(code), response["description"])
                for param in operation.get("parameters", []):
                    if isinstance(param.get("examples"), list):
                        param["example"] = param.pop("examples")[0]
        return schema


api = ArchiveAPI(
    title="COVID-19 briefings archive",
    version="1.0",
    description=(
        "Open data from the archive of scraped COVID-19 briefings in English, simplified and traditional "
        "Chinese: articles with their provenance and paragraphs, search, exports and citations. All responses "
        'are UTF-8; errors are JSON, {"error": "..."}, naming the parameter.'
    ),
    openapi_url="/api/schema",
    docs_url=None,  # ninja's Swagger page loads scripts from a CDN, which our CSP forbids: /api/docs is ours
    urls_namespace="archive",
    renderer=_JSON(),
)


def error_response(message: str, *, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> JsonResponse:
    """The first bad parameter, in the words of its own parser (archive.filters, archive.api_schemas)."""
    first = exc.errors[0]
    name = str(first["loc"][-1]) if first.get("loc") else "a parameter"
    if first.get("type") == "missing":
        message = MISSING.get(name, f"{name} is required")
    elif first.get("type") == "value_error" and first.get("ctx", {}).get("error"):
        message = str(first["ctx"]["error"])
    else:
        message = f"{name}: {first.get('msg', 'cannot be used')}"
    return error_response(message)


@api.exception_handler(BadRequest)
def _bad_request(request: HttpRequest, exc: BadRequest) -> JsonResponse:
    return error_response(str(exc))


def _as_built(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    """A body sent as its builder made it (archive.serialise, SearchPage.to_json), not re-read through
    the response schema, which would drop a field it does not name yet: the schema documents the
    body, and tests/test_api_schema.py fails while a field of a real response is missing from it."""
    return api.create_response(request, body, status=200)


BAD = {400: Error}
MISSING_ARTICLE = {404: Error}
ID = Path(..., description="Article id.", examples=[1])
NO_SUCH_ARTICLE = Status(404, {"error": "no such article"})


# --- Search -----------------------------------------------------------------------------------


@api.get(
    "/api/search",
    url_name="api_search",
    tags=["search"],
    summary="Search (the web search's results as JSON)",
    description="Articles best first, each with its best matching paragraphs, highlighted; the filters narrow "
    "the search and `facets` count what they would keep. Every response carries `explain`: how the query "
    "was read.",
    response={200: SearchResponse, **BAD, 429: Error},
    openapi_extra={"x-example": "/api/search?q=复工复产&language=zh-Hans&sort=newest"},
)
def search(
    request: HttpRequest, filters: Query[FilterParams], params: Query[SearchParams], asked: Query[TimelineParams]
) -> HttpResponse:
    options = {"expand": params.expand, "pinyin": params.pinyin, "drop": params.drop}
    listed = filters.filters()
    page = search_articles(
        query=params.q, page=params.page, per_page=params.per_page, filters=listed, sort=params.sort,
        group_copies=params.group_copies, **options,
    )  # fmt: skip
    body = page.to_json()  # the one builder of this JSON; search_archive --json prints it too
    if asked.timeline:
        first = page.dates or timeline.NO_DATES
        found = search_timeline(terms=(page.query,), filters=listed, unit=asked.timeline, first=first, **options)
        body["timeline"] = timeline.as_json(found)
    return _as_built(request, body)


# --- Articles ---------------------------------------------------------------------------------


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


@api.get(
    "/api/articles",
    url_name="api_articles",
    tags=["articles"],
    summary="List articles",
    description="Newest id first. Follow `next` (an opaque cursor) until it is null.",
    response={200: ArticleList, **BAD},
    openapi_extra={"x-example": "/api/articles?language=zh-Hant&limit=20"},
)
def articles(request: HttpRequest, filters: Query[FilterParams], params: Query[ListParams]) -> HttpResponse:
    cursor = decode_cursor(params.cursor) if params.cursor else None
    listed, limit = filters.filters(), params.limit
    if params.q:
        ids = sorted(matching_article_ids(query=params.q, filters=listed), reverse=True)
        count = len(ids)
        window = [pk for pk in ids if cursor is None or pk < cursor][: limit + 1]
        by_id = Article.objects.select_related("source").in_bulk(window)
        page = [by_id[pk] for pk in window if pk in by_id]
    else:
        found = listed.apply(Article.objects.select_related("source"))
        count = found.count()
        if cursor is not None:
            found = found.filter(pk__lt=cursor)
        page = list(found.order_by("-id")[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    next_url = None
    if more and page:
        query = {key: value for key, value in request.GET.items() if key != "cursor"}
        query["cursor"] = encode_cursor(page[-1].pk)
        next_url = request.build_absolute_uri(f"{request.path}?{urlencode(query)}")
    return _as_built(request, {"count": count, "next": next_url, "results": [article_summary(a) for a in page]})


def _article(pk: int, *, paragraphs: bool = False) -> Article | None:
    if not 1 <= pk <= MAX_ID:
        return None
    found = Article.objects.select_related("source")
    return (with_paragraphs(found) if paragraphs else found).filter(pk=pk).first()


@api.get(
    "/api/articles/{id}",
    url_name="api_article",
    tags=["articles"],
    summary="One article with its provenance, citation and paragraphs",
    response={200: ArticleOut, **MISSING_ARTICLE},
    openapi_extra={"x-example": "/api/articles/1"},
)
def article(request: HttpRequest, id: int = ID) -> Any:
    found = _article(id, paragraphs=True)
    if found is None:
        return NO_SUCH_ARTICLE
    return _as_built(request, copies.with_near_duplicates(article_json(found, request=request), article=found))


# --- Exports ----------------------------------------------------------------------------------

_CSV = "CSV, UTF-8 with a byte-order mark; one row per article with its paragraphs' text"
_JSONL = "JSON Lines: one article per line, as /api/articles/{id} returns it"
_MEDIA = {"csv": "text/csv", "jsonl": "application/x-ndjson"}
_TEXT = {"schema": {"type": "string"}}
_CSL = {"schema": {"type": "array", "items": {"type": "object", "required": ["id", "type", "title"]}}}


def _export_doc(kind: str, *, search: bool) -> dict[str, Any]:
    return {
        "tags": ["exports"],
        "summary": f"Export {'a search' if search else 'the article list'} as {kind.upper()}",
        "description": f"{_CSV if kind == 'csv' else _JSONL}; streamed, "
        f"{'best match first' if search else 'newest id first (best match first with q)'}.",
        "response": BAD,
        "openapi_extra": {
            "responses": {200: {"description": "The export.", "content": {_MEDIA[kind]: _TEXT}}},
            "x-example": f"/export/{'search' if search else 'articles'}.{kind}?{'q=口罩' if search else 'language=en'}",
        },
    }


@api.get("/export/articles.csv", url_name="export_articles_csv", **_export_doc("csv", search=False))
def articles_csv(request: HttpRequest, filters: Query[FilterParams], params: Query[ExportParams]) -> HttpResponse:
    return exports.export_response(request, kind="csv", name="articles", filters=filters.filters(), q=params.q)


@api.get("/export/articles.jsonl", url_name="export_articles_jsonl", **_export_doc("jsonl", search=False))
def articles_jsonl(request: HttpRequest, filters: Query[FilterParams], params: Query[ExportParams]) -> HttpResponse:
    return exports.export_response(request, kind="jsonl", name="articles", filters=filters.filters(), q=params.q)


@api.get("/export/search.csv", url_name="export_search_csv", **_export_doc("csv", search=True))
def search_csv(request: HttpRequest, params: Query[SearchExportParams], filters: Query[FilterParams]) -> HttpResponse:
    return exports.export_response(request, kind="csv", name="search", filters=filters.filters(), q=params.q)


@api.get("/export/search.jsonl", url_name="export_search_jsonl", **_export_doc("jsonl", search=True))
def search_jsonl(request: HttpRequest, params: Query[SearchExportParams], filters: Query[FilterParams]) -> HttpResponse:
    return exports.export_response(request, kind="jsonl", name="search", filters=filters.filters(), q=params.q)


@api.get(
    "/export/timeline.csv",
    url_name="export_timeline_csv",
    tags=["exports"],
    summary="A search's timeline as CSV",
    description="One row per period (period, start, end, then each term's count), the undated matches last; "
    "as linked from the search page's chart.",
    response=BAD,
    openapi_extra={
        "responses": {200: {"description": "The counts.", "content": {"text/csv": _TEXT}}},
        "x-example": "/export/timeline.csv?q=复工复产&compare=口罩",
    },
)
def timeline_csv(
    request: HttpRequest, params: Query[CompareParams], filters: Query[FilterParams], options: Query[RewriteParams]
) -> HttpResponse:
    try:
        terms = timeline.compare_terms(params.q, params.compare)
    except timeline.TimelineError as exc:
        raise BadRequest(str(exc)) from exc
    found = search_timeline(
        terms=terms, filters=filters.filters(), unit=params.timeline, expand=options.expand, pinyin=options.pinyin,
        drop=options.drop,
    )  # fmt: skip
    return exports.timeline_response(found)


# --- Citations --------------------------------------------------------------------------------


def _cite_doc(kind: str, media: str, what: str, body: dict[str, Any] = _TEXT) -> dict[str, Any]:
    return {
        "tags": ["provenance"],
        "summary": f"Cite an article ({what})",
        "response": MISSING_ARTICLE,
        "openapi_extra": {
            "responses": {200: {"description": what, "content": {media: body}}},
            "x-example": f"/articles/1/cite.{kind}",
        },
    }


def _cited(request: HttpRequest, pk: int) -> tuple[Article | None, dict[str, Any]]:
    found = _article(pk)
    return found, {"accessed": timezone.localdate(), "url": permalink(request, found) if found else ""}


@api.get("/articles/{id}/cite.txt", url_name="cite_txt", **_cite_doc("txt", "text/plain", "plain text"))
def cite_txt(request: HttpRequest, id: int = ID) -> Any:
    found, context = _cited(request, id)
    if found is None:
        return NO_SUCH_ARTICLE
    return HttpResponse(citation.citation_text(found, **context) + "\n", content_type="text/plain; charset=utf-8")


@api.get("/articles/{id}/cite.bib", url_name="cite_bib", **_cite_doc("bib", "application/x-bibtex", "BibTeX"))
def cite_bib(request: HttpRequest, id: int = ID) -> Any:
    found, context = _cited(request, id)
    if found is None:
        return NO_SUCH_ARTICLE
    response = HttpResponse(
        citation.citation_bibtex(found, **context), content_type="application/x-bibtex; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="article-{found.pk}.bib"'
    return response


@api.get(
    "/articles/{id}/cite.json",
    url_name="cite_json",
    **_cite_doc("json", "application/vnd.citationstyles.csl+json", "CSL-JSON: a list of one item", _CSL),
)
def cite_json(request: HttpRequest, id: int = ID) -> Any:
    found, context = _cited(request, id)
    if found is None:
        return NO_SUCH_ARTICLE
    return JsonResponse(
        [citation.citation_csl_json(found, **context)],
        safe=False,
        content_type="application/vnd.citationstyles.csl+json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )


# --- Documentation ----------------------------------------------------------------------------


@api.get("/api/docs", url_name="api_docs", include_in_schema=False)
def docs(request: HttpRequest) -> HttpResponse:
    """The schema as a page: every operation, its parameters with their examples, its responses."""
    spec = api.get_openapi_schema()
    endpoints = [
        {
            "method": method.upper(),
            "path": path,
            "summary": operation.get("summary", ""),
            "description": operation.get("description", ""),
            "parameters": [_parameter_row(param) for param in operation.get("parameters", [])],
            "responses": [(code, response.get("description", "")) for code, response in operation["responses"].items()],
            "example": operation.get("x-example", path),
        }
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
    ]
    return render(request, "archive_api/docs.html", {"spec": spec, "endpoints": endpoints})


def _parameter_row(param: dict[str, Any]) -> dict[str, Any]:
    """A parameter for the docs table: its type shown whether or not it may be left out (anyOf null)."""
    schema = param.get("schema", {})
    shown = next((option for option in schema.get("anyOf", []) if option.get("type") != "null"), schema)
    if shown.get("type") == "array":
        shown = {**shown.get("items", {}), "type": f"list of {shown.get('items', {}).get('type', 'value')}"}
    example = param.get("example", (schema.get("examples") or [None])[0])
    if isinstance(example, bool):
        example = int(example)  # as a URL says it: expand=1
    elif isinstance(example, list):
        example = example[0] if example else None  # one value; the parameter repeats for more
    return {
        "name": param["name"],
        "in": param["in"],
        "type": shown.get("type", ""),
        "format": shown.get("format", ""),
        "enum": shown.get("enum", []),
        "required": param.get("required", False),
        "description": param.get("description") or schema.get("description", ""),
        "example": example,
    }
