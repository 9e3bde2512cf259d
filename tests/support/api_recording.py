"""Recorded responses of the open-data API on the seeds, replayed by tests/test_api_compat.py.

`REQUESTS` names every request clients rely on (the JSON API, its errors, exports, citations);
`record` answers them with a Django test client and returns each status, content type and
body, normalised so that two runs on two databases compare equal: article and source ids
become the seed they belong to (`{a000}`, `{source:深圳新闻网}`), and what changes from run to
run (timings, import timestamps, today's date in citations) becomes a marker.

Regenerate the fixture after an intended change of the API (and review the diff):

    .venv/bin/python -m tests.support.api_recording
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "api" / "responses.json"
# Every documented path, method and parameter of /api/schema: the schema may grow, never lose one.
SCHEMA_FIXTURE = FIXTURE.with_name("schema-parameters.json")

# Paths with placeholders: {a000} … {a004} are the seed articles' ids, {s000} the source of
# seed 000, {c002} a list cursor just after seed 002.
REQUESTS: list[str] = [
    # /api/articles: lists, filters, search, cursor pages, bad parameters.
    "/api/articles",
    "/api/articles?limit=2",
    "/api/articles?limit=2&cursor={c002}",
    "/api/articles?language=zh-Hant",
    "/api/articles?language=en&limit=1",
    "/api/articles?source={s000}",
    "/api/articles?date_from=2020-03-20&date_to=2020-03-20",
    "/api/articles?month=2020-03",
    "/api/articles?month=unknown",
    "/api/articles?q=复工复产&limit=2",
    "/api/articles?q=口罩&language=zh-Hans",
    "/api/articles?language=fr",
    "/api/articles?source=x",
    "/api/articles?source=-1",
    "/api/articles?date_from=2020-13-01",
    "/api/articles?date_to=yesterday",
    "/api/articles?month=2020-3",
    "/api/articles?limit=0",
    "/api/articles?limit=999",
    "/api/articles?limit=abc",
    "/api/articles?cursor=nonsense",
    "/api/articles?cursor=aWQ6LTE",
    "/api/articles?q=a%00b",
    # /api/articles/{id}
    "/api/articles/{a000}",
    "/api/articles/{a003}",
    "/api/articles/{a004}",
    "/api/articles/999999",
    "/api/articles/99999999999999999999",
    # /api/search: the contract's JSON, filters, facets, sorting, paging, rewrite options, errors.
    "/api/search",
    "/api/search?q=",
    "/api/search?q=华强北",
    "/api/search?q=复工复产",
    "/api/search?q=復工復產&page=2&per_page=1",
    "/api/search?q=复工复产&sort=newest",
    "/api/search?q=复工复产&sort=oldest",
    "/api/search?q=口罩&language=zh-Hant",
    "/api/search?q=口罩&language=zh-Hans",
    "/api/search?q=疫情&source={s000}",
    "/api/search?q=疫情&date_from=2020-03-01&date_to=2020-03-31",
    "/api/search?q=疫情&month=unknown",
    "/api/search?q=疫情&month=2020-03",
    "/api/search?q=mask&expand=1",
    "/api/search?q=mask&expand=1&drop=口罩",
    "/api/search?q=fugong&pinyin=1",
    '/api/search?q="nucleic acid"',
    "/api/search?q=复工复产 -东莞",
    "/api/search?q=龘靐齉",
    "/api/search?q=口罩&page=abc",
    "/api/search?q=口罩&page=0",
    "/api/search?q=口罩&per_page=0",
    "/api/search?q=口罩&per_page=101",
    "/api/search?q=口罩&per_page=100",
    "/api/search?q=口罩&sort=best",
    "/api/search?q=口罩&language=fr",
    "/api/search?q=口罩&date_from=2020-02-30",
    "/api/search?q=口罩&month=March",
    "/api/search?q=口罩&source=0",
    "/api/search?q=a%00b",
    # Exports.
    "/export/articles.csv?language=zh-Hant",
    "/export/articles.jsonl?month=2020-03",
    "/export/search.csv?q=华强北",
    "/export/search.jsonl?q=寶安",
    "/export/search.csv",
    "/export/articles.csv?language=fr",
    # Citations.
    "/articles/{a003}/cite.txt",
    "/articles/{a000}/cite.bib",
    "/articles/{a000}/cite.json",
    "/articles/999999/cite.txt",
]

TODAY = "<today>"
VOLATILE = "<volatile>"


def cursor(article_id: int) -> str:
    """A list cursor as /api/articles writes it (an opaque token to clients; its format is fixed here)."""
    return base64.urlsafe_b64encode(f"id:{article_id}".encode()).decode().rstrip("=")


class Ids:
    """The seeds' ids in this database, and their placeholders."""

    def __init__(self) -> None:
        from archive.models import Article, Source

        self.articles = {article.pk: f"a{article.source_file[:3]}" for article in Article.objects.all()}
        self.sources = {source.pk: f"source:{source.name}" for source in Source.objects.all()}
        by_seed = {name: pk for pk, name in self.articles.items()}
        self.values = {name: str(pk) for name, pk in by_seed.items()}
        self.values.update({"c" + name[1:]: cursor(pk) for name, pk in by_seed.items()})
        source_000 = Article.objects.get(pk=by_seed["a000"]).source_id
        self.values["s000"] = str(source_000)
        self.cursors = {cursor(pk): "{c" + name[1:] + "}" for pk, name in self.articles.items()}

    def url(self, template: str) -> str:
        return template.format(**self.values)

    def article(self, pk: int) -> str:
        return "{" + self.articles.get(pk, str(pk)) + "}"

    def source(self, pk: int) -> str:
        return "{" + self.sources.get(pk, str(pk)) + "}"

    def text(self, value: str) -> str:
        """Ids inside URLs, citation keys, file names and cursors; today's date."""
        from django.utils import timezone

        value = re.sub(r"/articles/(\d+)", lambda m: "/articles/" + self.article(int(m[1])), value)
        value = re.sub(r"\barchive(\d+)\b", lambda m: "archive" + self.article(int(m[1])), value)
        value = re.sub(r"\barchive(\d+)-", lambda m: "archive" + self.article(int(m[1])) + "-", value)
        value = re.sub(r"article-(\d+)\.bib", lambda m: f"article-{self.article(int(m[1]))}.bib", value)
        value = re.sub(r"cursor=([A-Za-z0-9_-]+)", lambda m: "cursor=" + self.cursors.get(m[1], m[1]), value)
        # The archive's today (settings.TIME_ZONE), which is not the machine's for part of each day.
        return value.replace(timezone.localdate().isoformat(), TODAY)


def normalise(value: Any, ids: Ids, *, key: str = "", parent: dict | None = None, path: tuple = ()) -> Any:
    """A JSON body with run-dependent values replaced (see the module's docstring)."""
    if key == "accessed" and isinstance(value, int | list | dict):  # a year, date parts, CSL's {"date-parts"}
        return TODAY
    if isinstance(value, dict):
        return {k: normalise(v, ids, key=k, parent=value, path=(*path, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(item, ids, key=key, parent=parent, path=path) for item in value]
    if key == "took_ms":
        return VOLATILE
    if key in ("imported_at", "updated_at") and value:
        return VOLATILE
    if isinstance(value, int) and not isinstance(value, bool) and parent is not None:
        if key == "id" and "title" in parent:
            return ids.article(value)
        if key == "id" and "base_url" in parent:
            return ids.source(value)
        if path[-3:] == ("facets", "source", "value"):
            return ids.source(value)
    if isinstance(value, str):
        return ids.text(value)
    return value


def _body(response, ids: Ids) -> Any:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "").split(";")[0]
    text = content.decode("utf-8")
    if kind == "application/x-ndjson":
        return [normalise(json.loads(line), ids) for line in text.splitlines()]
    if kind.endswith("json"):
        return normalise(json.loads(text), ids)
    if kind == "text/csv":
        rows = list(csv.reader(io.StringIO(text)))
        return [rows[0], *([ids.article(int(row[0])), *[ids.text(cell) for cell in row[1:]]] for row in rows[1:])]
    return ids.text(text)


def record(client) -> list[dict[str, Any]]:
    """Every request of REQUESTS answered: status, content type, the headers clients read, body."""
    ids = Ids()
    out = []
    for template in REQUESTS:
        response = client.get(ids.url(template))
        headers = {name: ids.text(response[name]) for name in ("Content-Disposition",) if name in response}
        out.append(
            {
                "request": template,
                "status": response.status_code,
                # The media type; the charset is UTF-8 throughout (stated or by JSON's default).
                "content_type": response.get("Content-Type", "").split(";")[0],
                **({"headers": headers} if headers else {}),
                "body": _body(response, ids),
            }
        )
    return out


def schema_parameters(spec: dict) -> dict[str, list[str]]:
    """ "GET /api/search" → its parameters' names, sorted, for every operation of an OpenAPI document."""
    return {
        f"{method.upper()} {path}": sorted(param["name"] for param in operation.get("parameters", []))
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
    }


def main() -> None:
    """Import the seeds into a fresh test database and data directory, record, write FIXTURE."""
    root = Path(__file__).resolve().parent.parent.parent
    sys.path.insert(0, str(root))
    with tempfile.TemporaryDirectory() as data_dir:
        os.environ["ARCHIVE_DATA_DIR"] = data_dir
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        from django.conf import settings
        from django.db import connection
        from django.test import Client
        from django.test.utils import setup_test_environment

        from tests.support.seeds import SEEDS_DIR, import_and_index

        setup_test_environment()
        settings.ARCHIVE_SEARCH_RATE_LIMIT = 0
        settings.ARCHIVE_INDEX_IN_BACKGROUND = False
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        old_name = connection.creation.create_test_db(verbosity=0)
        try:
            import_and_index(SEEDS_DIR)
            client = Client()
            recorded = record(client)
            documented = schema_parameters(client.get("/api/schema").json())
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text(json.dumps(recorded, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    SCHEMA_FIXTURE.write_text(json.dumps(documented, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(recorded)} responses written to {FIXTURE.relative_to(root)}, schema to {SCHEMA_FIXTURE.name}")


if __name__ == "__main__":
    main()
