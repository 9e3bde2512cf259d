"""The OpenAPI 3 description of the open-data endpoints, written by hand (served at /api/schema).

Keep it in step with archive/api.py, archive/exports.py and archive/views.api_search:
tests/test_api.py generates requests from it and checks the responses against it.
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ["en", "zh-Hans", "zh-Hant", "mixed", "und"]
ROLES = ["title", "body", "metadata", "boilerplate"]


def _param(name: str, description: str, schema: dict[str, Any], example: Any = None, required: bool = False) -> dict:
    param = {"name": name, "in": "query", "required": required, "description": description, "schema": schema}
    if example is not None:
        param["example"] = example
    return param


LIST_FILTERS = [
    _param("language", "Only articles in this language.", {"type": "string", "enum": LANGUAGES}, "zh-Hans"),
    _param("source", "Only articles from this source (its id).", {"type": "integer", "minimum": 1}, 1),
    _param(
        "date_from",
        "Only fully dated articles published on or after this day.",
        {"type": "string", "format": "date"},
        "2020-03-01",
    ),
    _param(
        "date_to",
        "Only fully dated articles published on or before this day.",
        {"type": "string", "format": "date"},
        "2020-03-31",
    ),
    _param(
        "month",
        'Only articles of this month (YYYY-MM), or "unknown": those whose year or month is not known.',
        {"type": "string", "pattern": "^(\\d{4}-(0[1-9]|1[0-2])|unknown)$"},
        "2020-03",
    ),
    _param("q", "Only articles matching this search (same syntax as /api/search).", {"type": "string"}, "复工复产"),
]
_ID = {
    "name": "id",
    "in": "path",
    "required": True,
    "description": "Article id.",
    "schema": {"type": "integer", "minimum": 1},
}

_NULLABLE_STRING = {"type": "string", "nullable": True}
_NULLABLE_INT = {"type": "integer", "nullable": True}

COMPONENTS: dict[str, Any] = {
    "schemas": {
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
        "Source": {
            "type": "object",
            "nullable": True,
            "required": ["id", "name", "domain", "base_url"],
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "domain": {"type": "string"},
                "base_url": {"type": "string"},
            },
        },
        "Provenance": {
            "type": "object",
            "required": [
                "source",
                "original_url",
                "site",
                "captured_at",
                "published",
                "published_parts",
                "source_file",
                "content_hash",
                "imported_at",
                "updated_at",
            ],
            "properties": {
                "source": {"$ref": "#/components/schemas/Source"},
                "original_url": {"type": "string", "description": "Where the page was published, if known."},
                "site": {
                    "type": "string",
                    "description": 'The host the page was captured from ("sznews.com"), beside the source it names.',
                },
                "captured_at": {**_NULLABLE_STRING, "format": "date-time", "description": "When it was fetched."},
                "published": {
                    "type": "string",
                    "description": 'ISO 8601, partial when parts are unknown: "2020-03-20", "2020-03", "--03-04", "".',
                },
                "published_parts": {
                    "type": "object",
                    "required": ["year", "month", "day", "year_inferred"],
                    "properties": {
                        "year": _NULLABLE_INT,
                        "month": _NULLABLE_INT,
                        "day": _NULLABLE_INT,
                        "year_inferred": {"type": "boolean"},
                    },
                },
                "source_file": {"type": "string", "description": "The imported file, relative to the import root."},
                "content_hash": {
                    "type": "object",
                    "required": ["algorithm", "value"],
                    "properties": {"algorithm": {"type": "string", "enum": ["sha256"]}, "value": {"type": "string"}},
                },
                "imported_at": {**_NULLABLE_STRING, "format": "date-time"},
                "updated_at": {**_NULLABLE_STRING, "format": "date-time"},
            },
        },
        "ArticleSummary": {
            "type": "object",
            "required": [
                "id",
                "title",
                "url",
                "api_url",
                "language",
                "published",
                "source",
                "source_file",
                "provenance",
            ],
            "properties": {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                "url": {"type": "string", "description": "The article's web page."},
                "api_url": {"type": "string"},
                "language": {"type": "string", "enum": LANGUAGES},
                "published": {"type": "string"},
                "source": {"type": "string", "description": "The source's name, or empty."},
                "source_file": {"type": "string"},
                "provenance": {"$ref": "#/components/schemas/Provenance"},
            },
        },
        "Paragraph": {
            "type": "object",
            "required": ["position", "text", "language", "role", "is_boilerplate", "translation"],
            "properties": {
                "position": {"type": "integer", "description": "1-based; the permalink #p-N."},
                "text": {"type": "string"},
                "language": {"type": "string", "enum": LANGUAGES},
                "role": {"type": "string", "enum": ROLES},
                "is_boilerplate": {"type": "boolean", "description": "Page furniture: hidden and unsearched."},
                "translation": {**_NULLABLE_INT, "description": "Position of this paragraph's translation."},
            },
        },
        "Article": {
            "allOf": [
                {"$ref": "#/components/schemas/ArticleSummary"},
                {
                    "type": "object",
                    "required": ["citation", "paragraphs"],
                    "properties": {
                        "citation": {
                            "type": "object",
                            "required": ["text", "text_url", "bibtex", "csl_json"],
                            "properties": {
                                "text": {"type": "string", "description": "A plain-text reference."},
                                "text_url": {"type": "string", "description": "URL of the plain-text reference."},
                                "bibtex": {"type": "string", "description": "URL of the BibTeX entry."},
                                "csl_json": {"type": "string", "description": "URL of the CSL-JSON item."},
                            },
                        },
                        "paragraphs": {"type": "array", "items": {"$ref": "#/components/schemas/Paragraph"}},
                    },
                },
            ]
        },
        "ArticleList": {
            "type": "object",
            "required": ["count", "next", "results"],
            "properties": {
                "count": {"type": "integer", "description": "Articles matching the filters, over all pages."},
                "next": {**_NULLABLE_STRING, "description": "The next page's URL, or null on the last page."},
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/ArticleSummary"}},
            },
        },
        "SearchPage": {
            "type": "object",
            "required": ["query", "count", "took_ms", "results"],
            "properties": {
                "query": {"type": "string"},
                "count": {"type": "integer", "description": "All matching articles, not only this page."},
                "took_ms": {"type": "number"},
                "page": {"type": "integer"},
                "num_pages": {"type": "integer"},
                "results": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id", "title", "url", "source_file", "language", "published", "paragraphs"],
                        "properties": {
                            "id": {"type": "integer"},
                            "title": {"type": "string"},
                            "url": {"type": "string"},
                            "source_file": {"type": "string"},
                            "language": {"type": "string"},
                            "published": {"type": "string"},
                            "source": {"type": "string"},
                            "paragraphs": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["position", "snippet"],
                                    "properties": {
                                        "position": {"type": "integer"},
                                        "snippet": {"type": "string", "description": "HTML, matches in <mark>."},
                                        "aligned": {
                                            "description": "The paragraph's aligned translation, or null.",
                                            "type": "object",
                                            "nullable": True,
                                            "required": ["position", "language", "snippet"],
                                            "properties": {
                                                "position": {"type": "integer"},
                                                "language": {"type": "string"},
                                                "snippet": {"type": "string"},
                                            },
                                        },
                                    },
                                },
                            },
                            "paragraphs_matched": {"type": "integer"},
                        },
                    },
                },
                "explain": {"type": "object"},
                "error": {"type": "string"},
                "timeline": {
                    "type": "array",
                    "description": "With timeline=month|week: every period from the first to the last match, "
                    'then {"period": "unknown"}: the matches without a year and month (per month) or without a '
                    "full date (per week).",
                    "items": {
                        "type": "object",
                        "required": ["period", "start", "end", "count"],
                        "properties": {
                            "period": {"type": "string", "example": "2020-03", "description": "YYYY-MM, YYYY-Www"},
                            "start": _NULLABLE_STRING,
                            "end": _NULLABLE_STRING,
                            "count": {"type": "integer"},
                        },
                    },
                },
            },
        },
    }
}


def _json(ref: str, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


_BAD = _json("#/components/schemas/Error", "A parameter cannot be used.")
_MISSING = _json("#/components/schemas/Error", "No such article.")
_TEXT = {"schema": {"type": "string"}}


def _export(kind: str, search: bool) -> dict:
    media = "text/csv" if kind == "csv" else "application/x-ndjson"
    what = (
        "CSV, UTF-8 with a byte-order mark; one row per article with its paragraphs' text"
        if kind == "csv"
        else "JSON Lines: one article per line, as /api/articles/{id} returns it"
    )
    filters = [p for p in LIST_FILTERS if p["name"] != "q"]
    q = {**LIST_FILTERS[-1], "required": search, "description": "The search (as /api/search)."}
    return {
        "get": {
            "summary": f"Export {'a search' if search else 'the article list'} as {kind.upper()}",
            "description": f"{what}; streamed, best match first for a search, newest id first for a list.",
            "tags": ["exports"],
            "parameters": [q, *filters] if search else LIST_FILTERS,
            "responses": {"200": {"description": "The export.", "content": {media: _TEXT}}, "400": _BAD},
            "x-example": f"/export/{'search' if search else 'articles'}.{kind}?{'q=口罩' if search else 'language=en'}",
        }
    }


_TIMELINE = _param(
    "timeline", "Add the matches per month or per ISO week.", {"type": "string", "enum": ["month", "week"]}, "month"
)
_TIMELINE_CSV = {
    "get": {
        "summary": "A search's timeline as CSV",
        "description": "One row per period (period, start, end, then each term's count), the undated matches "
        "last; as linked from the search page's chart. compare= adds up to three terms (repeatable, or "
        "separated by commas); without timeline=, per week when the filters bound at most 92 days.",
        "tags": ["exports"],
        "parameters": [
            {**LIST_FILTERS[-1], "required": True, "description": "The search (as /api/search)."},
            _param("compare", "Terms to compare with the search.", {"type": "string"}, "封控"),
            _TIMELINE,
            *[p for p in LIST_FILTERS if p["name"] != "q"],
        ],
        "responses": {"200": {"description": "The counts.", "content": {"text/csv": _TEXT}}, "400": _BAD},
        "x-example": "/export/timeline.csv?q=复工复产&compare=口罩",
    }
}


def _cite(kind: str, media: str, description: str) -> dict:
    return {
        "get": {
            "summary": f"Cite an article ({description})",
            "tags": ["provenance"],
            "parameters": [_ID],
            "responses": {"200": {"description": description, "content": {media: _TEXT}}, "404": _MISSING},
            "x-example": f"/articles/1/cite.{kind}",
        }
    }


def schema(*, server_url: str = "") -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "COVID-19 briefings archive",
            "version": "1.0",
            "description": (
                "Open data from the archive of scraped COVID-19 briefings in English, simplified and "
                "traditional Chinese: articles with their provenance and paragraphs, search, exports and citations."
            ),
        },
        "servers": [{"url": server_url or "/"}],
        "paths": {
            "/api/articles": {
                "get": {
                    "summary": "List articles",
                    "description": "Newest id first. Follow `next` (an opaque cursor) until it is null.",
                    "tags": ["articles"],
                    "parameters": [
                        *LIST_FILTERS,
                        _param("cursor", "Opaque token from a previous page's `next`.", {"type": "string"}),
                        _param("limit", "Articles per page.", {"type": "integer", "minimum": 1, "maximum": 200}, 50),
                    ],
                    "responses": {"200": _json("#/components/schemas/ArticleList"), "400": _BAD},
                    "x-example": "/api/articles?language=zh-Hant&limit=20",
                }
            },
            "/api/articles/{id}": {
                "get": {
                    "summary": "One article with its provenance, citation and paragraphs",
                    "tags": ["articles"],
                    "parameters": [_ID],
                    "responses": {"200": _json("#/components/schemas/Article"), "404": _MISSING},
                    "x-example": "/api/articles/1",
                }
            },
            "/api/search": {
                "get": {
                    "summary": "Search (the web search's results as JSON)",
                    "description": "Articles best first, each with its best matching paragraphs, highlighted.",
                    "tags": ["search"],
                    "parameters": [
                        _param("q", 'The query: words, "phrases", OR, -exclusions.', {"type": "string"}, "口罩"),
                        _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1}, 1),
                        _TIMELINE,
                    ],
                    "responses": {
                        "200": _json("#/components/schemas/SearchPage"),
                        "429": _json("#/components/schemas/Error", "Too many searches from this address; retry later."),
                    },
                    "x-example": "/api/search?q=复工复产",
                }
            },
            "/export/articles.csv": _export("csv", search=False),
            "/export/articles.jsonl": _export("jsonl", search=False),
            "/export/search.csv": _export("csv", search=True),
            "/export/search.jsonl": _export("jsonl", search=True),
            "/export/timeline.csv": _TIMELINE_CSV,
            "/articles/{id}/cite.txt": _cite("txt", "text/plain", "plain text"),
            "/articles/{id}/cite.bib": _cite("bib", "application/x-bibtex", "BibTeX"),
            "/articles/{id}/cite.json": _cite("json", "application/vnd.citationstyles.csl+json", "CSL-JSON"),
        },
        "components": COMPONENTS,
    }
