"""/api/search takes what the search page takes, and /api/schema, generated from the code, says so."""

from __future__ import annotations

from typing import Any

import pytest

SEARCH_PARAMETERS = {
    "q", "page", "per_page", "sort", "language", "source", "date_from", "date_to", "month", "expand", "pinyin", "drop",
}  # fmt: skip


def resolve(spec: dict, schema: dict) -> dict:
    """A schema with its $ref (and a nullable anyOf) followed to the object it names."""
    if "$ref" in schema:
        return resolve(spec, spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]])
    options = [option for option in schema.get("anyOf", []) if option.get("type") != "null"]
    return resolve(spec, options[0]) if len(options) == 1 else schema


def undocumented(spec: dict, schema: dict, value: Any, where: str = "") -> list[str]:
    """Every key of a JSON value that its schema does not name (objects and arrays, recursively)."""
    schema = resolve(spec, schema)
    if isinstance(value, dict) and "properties" in schema:
        missing = [f"{where}.{key}" for key in value if key not in schema["properties"]]
        for key, item in value.items():
            if key in schema["properties"]:
                missing += undocumented(spec, schema["properties"][key], item, f"{where}.{key}")
        return missing
    if isinstance(value, list) and "items" in schema:
        return [found for item in value for found in undocumented(spec, schema["items"], item, f"{where}[]")]
    return []


def response_schema(spec: dict, path: str, status: str = "200") -> dict:
    return spec["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"]


def test_schema_lists_every_search_parameter_with_a_description_and_an_example(client, db):
    spec = client.get("/api/schema").json()
    parameters = {param["name"]: param for param in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert set(parameters) >= SEARCH_PARAMETERS
    for name, param in parameters.items():
        assert param["in"] == "query"
        assert param.get("description"), name
        assert "example" in param, name
    per_page = resolve(spec, parameters["per_page"]["schema"])
    assert (per_page["minimum"], per_page["maximum"]) == (1, 100)
    assert resolve(spec, parameters["sort"]["schema"])["enum"] == ["relevance", "newest", "oldest"]
    assert resolve(spec, parameters["language"]["schema"])["enum"] == ["en", "zh-Hans", "zh-Hant", "mixed", "und"]
    assert resolve(spec, parameters["drop"]["schema"])["type"] == "array"


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/search", {"q": "复工复产", "expand": "1"}),
        ("/api/search", {"q": "mask", "expand": "1"}),
        ("/api/search", {"q": "fugong", "pinyin": "1"}),
        ("/api/articles", {"limit": "2"}),
    ],
)
def test_every_field_of_a_response_is_in_the_schema(client, seeded, path, query):
    spec = client.get("/api/schema").json()
    body = client.get(path, query).json()
    assert undocumented(spec, response_schema(spec, path), body) == []


def test_every_field_of_an_article_is_in_the_schema(client, seeded):
    spec = client.get("/api/schema").json()
    body = client.get(f"/api/articles/{seeded['000'].pk}").json()
    assert undocumented(spec, response_schema(spec, "/api/articles/{id}"), body) == []


def test_search_in_traditional_chinese_only_with_facets(client, seeded):
    everywhere = client.get("/api/search", {"q": "口罩"}).json()
    assert {r["language"] for r in everywhere["results"]} == {"zh-Hans", "zh-Hant"}
    body = client.get("/api/search", {"q": "口罩", "language": "zh-Hant"}).json()
    assert [r["language"] for r in body["results"]] == ["zh-Hant"]
    assert body["count"] == 1
    assert body["facets"]["language"] == [{"value": "zh-Hant", "label": "Chinese (traditional)", "count": 1}]
    assert [facet["count"] for facet in body["facets"]["month"]] == [1]


def test_each_facet_value_used_as_a_filter_finds_as_many_as_it_counts(client, seeded):
    facets = client.get("/api/search", {"q": "疫情"}).json()["facets"]
    assert all(facets[name] for name in ("language", "source", "month"))
    for name, values in facets.items():
        for facet in values:
            narrowed = client.get("/api/search", {"q": "疫情", name: facet["value"]}).json()
            assert narrowed["count"] == facet["count"], (name, facet)


def test_sort_and_per_page(client, seeded):
    newest = client.get("/api/search", {"q": "复工复产", "sort": "newest", "per_page": "100"}).json()
    assert newest["per_page"] == 100 and newest["sort"] == "newest"
    dated = [r["published"] for r in newest["results"] if r["published"][:1].isdigit()]
    assert dated == sorted(dated, reverse=True) and len(dated) >= 2
    assert not newest["results"][-1]["published"][:1].isdigit()  # a date without a year sorts last
    oldest = client.get("/api/search", {"q": "复工复产", "sort": "oldest"}).json()
    assert [r["published"] for r in oldest["results"] if r["published"][:1].isdigit()] == sorted(dated)
    one = client.get("/api/search", {"q": "复工复产", "per_page": "1", "page": "3"}).json()
    assert (len(one["results"]), one["num_pages"]) == (1, 3)


def test_date_filters_keep_only_fully_dated_articles_in_range(client, seeded):
    body = client.get("/api/search", {"q": "复工复产", "date_from": "2020-03-01", "date_to": "2020-03-31"}).json()
    assert body["count"] == 2
    assert all(r["published"].startswith("2020-03-") for r in body["results"])
    unknown = client.get("/api/search", {"q": "复工复产", "month": "unknown"}).json()
    assert [r["published"] for r in unknown["results"]] == ["--03-04"]


def test_expand_and_drop(client, seeded):
    expanded = client.get("/api/search", {"q": "mask", "expand": "1"}).json()
    assert expanded["count"] == 2
    assert "口罩" in [item["entry"] for item in expanded["explain"]["expansions"]]
    assert client.get("/api/search", {"q": "mask", "expand": "true"}).json()["count"] == 2
    dropped = client.get("/api/search", {"q": "mask", "expand": "1", "drop": "口罩"}).json()
    assert dropped["count"] == 0
    assert client.get("/api/search", {"q": "mask"}).json()["count"] == 0


@pytest.mark.parametrize(
    ("path", "query", "message"),
    [
        ("/api/search", "per_page=0", "per_page must be an integer from 1 to 100"),
        ("/api/search", "per_page=101", "per_page must be an integer from 1 to 100"),
        ("/api/search", "per_page=%EF%BC%95", "per_page must be an integer from 1 to 100"),  # a full-width 5
        ("/api/search", "sort=best", "sort must be one of relevance, newest, oldest"),
        ("/api/search", "language=fr", "language must be one of en, zh-Hans, zh-Hant, mixed, und"),
        ("/api/search", "source=abc", "source must be a source id (a positive integer)"),
        ("/api/search", "date_to=2020-02-30", "date_to must be a date as YYYY-MM-DD"),
        ("/api/search", "month=2020-13", 'month must be a month as YYYY-MM, or "unknown"'),
        ("/api/search", "q=a%00b", "q must not contain NUL characters"),
        ("/api/articles", "limit=201", "limit must be an integer from 1 to 200"),
        ("/api/articles", "cursor=xyz", "cursor is not one this API returned"),
        ("/export/search.jsonl", "", "q is required: the search to export"),
    ],
)
def test_a_bad_parameter_is_a_json_400_naming_it(client, db, path, query, message):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"error": message}


def test_a_bad_article_id_is_a_json_400_naming_it(client, db):
    response = client.get("/api/articles/abc")
    assert response.status_code == 400
    assert response.json()["error"].startswith("id: ")
    assert client.get("/api/articles/0").json() == {"error": "no such article"}


def test_the_search_api_keeps_the_rate_limit_and_the_headers(client, seeded, settings):
    settings.ARCHIVE_SEARCH_RATE_LIMIT = 2
    ok = client.get("/api/search", {"q": "口罩"})
    assert ok["Content-Security-Policy"] == settings.ARCHIVE_CSP
    assert ok["X-Content-Type-Options"] == "nosniff"
    client.get("/api/search", {"q": "口罩"})
    refused = client.get("/api/search", {"q": "口罩"})
    assert refused.status_code == 429
    assert refused.json()["error"].startswith("Too many searches")
    assert int(refused["Retry-After"]) >= 1
    assert client.get("/api/articles").status_code == 200  # only searches are limited


def test_docs_page_shows_every_parameter_and_its_example(client, db):
    html = client.get("/api/docs").content.decode()
    for name in SEARCH_PARAMETERS:
        assert f"<code>{name}</code>" in html
    assert "<code>zh-Hant</code>" in html  # the language filter's example
    assert "string (date)" in html and "relevance, newest, oldest" in html
    assert "<code>400</code> A parameter cannot be used" in html


@pytest.mark.parametrize(
    "path", ["/api/search?q=口罩", "/api/articles", "/api/docs", "/api/schema", "/export/articles.csv"]
)
def test_head_is_answered_as_get_without_a_body(client, db, path):
    response = client.head(path)
    assert response.status_code == 200
    assert (b"".join(response.streaming_content) if response.streaming else response.content) == b""
    assert "head" not in client.get("/api/schema").json()["paths"]["/api/search"]
