"""The Elasticsearch/OpenSearch engine (archive.search.engines.elastic), without a cluster.

The query DSL, the documents and the index management are checked against tests/support/es_reference.py,
a reference evaluator of the DSL subset we emit (not Elasticsearch); with it the engine must find
exactly what the Whoosh engine finds for the seed articles.
"""

from __future__ import annotations

import base64
import datetime
import http.server
import itertools
import json
import threading
from collections import Counter
from pathlib import Path

import pytest

from archive.filters import Filters
from archive.search import engines, indexing
from archive.search.analysis import BREAK_GAP, PARAGRAPH_BREAK
from archive.search.engines import elastic
from archive.search.engines.base import MISSING, OK
from archive.search.engines.elastic import (
    Cluster,
    ElasticEngine,
    IndexWriteError,
    article_pk,
    build_query,
    es_source,
    facet_aggregations,
    parse_facets,
)
from archive.search.engines.elastic.mapping import SIMILARITY, index_mapping
from archive.search.engines.whoosh import WhooshEngine
from archive.search.engines.whoosh.execution import K1, B
from archive.search.fields import GRAM_FIELDS, TEXT_FIELDS
from archive.search.query import Alternative, make_term, parse, pinyin_term
from archive.search.results import search_articles
from tests.support.es_reference import ReferenceCluster
from tests.support.seeds import RANKING_DIR, import_and_index

URL = "elasticsearch://search.test:9200"


def document(pk: int, *, text: str = "", title_chars: str = "", published: int = 20200320, **more) -> dict:
    """A document as ArticleIndex.document makes it (fields not given are empty)."""
    fields = dict.fromkeys((*TEXT_FIELDS, *GRAM_FIELDS), "")
    return {
        **fields,
        "id": f"archive.article.{pk}",
        "django_ct": "archive.article",
        "django_id": str(pk),
        "text": text,
        "title_chars": title_chars,
        "language": "en",
        "month": "2020-03",
        "article_pk": pk,
        "source_pk": 1,
        "published_sort": published,
        **more,
    }


def engine_with(*documents: dict) -> tuple[ElasticEngine, ReferenceCluster]:
    cluster = ReferenceCluster()
    engine = ElasticEngine(url=URL, index="archive", client=cluster)
    engine.build_fresh(documents=documents)
    cluster.calls.clear()
    return engine, cluster


def clauses(tree) -> list[dict]:
    """Every clause in a DSL tree, depth first."""
    found = []
    if isinstance(tree, dict):
        if len(tree) == 1 and next(iter(tree)) in {"bool", "term", "prefix", "match_phrase", "constant_score", "range"}:
            found.append(tree)
        for value in tree.values():
            found.extend(clauses(value))
    elif isinstance(tree, list):
        for value in tree:
            found.extend(clauses(value))
    return found


def leaves(tree, kind: str) -> list[tuple[str, str]]:
    """(field, value) of every term/prefix/match_phrase clause of that kind in the tree."""
    found = []
    for clause in clauses(tree):
        if kind in clause:
            ((name, spec),) = clause[kind].items()
            found.append((name, spec["query"] if kind == "match_phrase" else spec["value"]))
    return found


def matching(query: str, filters: Filters | None = None) -> dict:
    """The matching part of the query: the bool without its ranking `should` clauses."""
    body = dict(build_query(parse(query), filters or Filters())["bool"])
    body.pop("should", None)
    return body


# --- the mapping and the documents ------------------------------------------------------------


def test_every_text_field_ranks_with_our_bm25():
    mapping = index_mapping()
    assert mapping["settings"]["similarity"][SIMILARITY] == {"type": "BM25", "k1": K1, "b": B}
    for name in (*TEXT_FIELDS, *GRAM_FIELDS):
        assert mapping["mappings"]["properties"][name]["similarity"] == SIMILARITY, name
    assert mapping["mappings"]["dynamic"] == "strict"


def test_paragraphs_are_kept_apart_by_the_whoosh_gap():
    properties = index_mapping()["mappings"]["properties"]
    for name in TEXT_FIELDS:
        assert properties[name]["position_increment_gap"] == BREAK_GAP, name


def test_a_document_becomes_paragraph_arrays():
    source = es_source(
        document(7, text=f"health code {PARAGRAPH_BREAK} scan it", pinyin=f"fu gong {PARAGRAPH_BREAK} kou zhao")
        | {"chars": "", "extra": "dropped"}
    )
    assert source["text"] == ["health code", "scan it"]
    assert source["pinyin"] == ["fu gong", "kou zhao"]
    assert source["chars"] == []  # empty paragraphs are dropped
    assert "extra" not in source  # only mapped fields
    assert source["id"] == "archive.article.7"
    assert (source["article_pk"], source["published_sort"], source["month"]) == (7, 20200320, "2020-03")
    assert set(source) <= set(index_mapping()["mappings"]["properties"])


def test_a_phrase_does_not_cross_paragraphs_in_the_index():
    engine, _ = engine_with(document(1, text=f"health {PARAGRAPH_BREAK} code"), document(2, text="health code"))
    assert engine.ranked(parse('"health code"'), Filters()).pks == [2]
    assert sorted(engine.ranked(parse("health code"), Filters()).pks) == [1, 2]


# --- the query DSL ----------------------------------------------------------------------------


def test_a_four_character_run_is_one_gram_term_in_body_or_title():
    body = matching("复工复产")
    assert leaves(body, "term") == [("grams", "复工复产"), ("title_grams", "复工复产")]
    assert body["must"][0]["bool"]["minimum_should_match"] == 1


def test_a_two_character_run_is_a_term_on_chars():
    assert leaves(matching("华人"), "term") == [("chars", "华人"), ("title_chars", "华人")]
    assert leaves(matching("强北"), "term") == [("chars", "强北"), ("title_chars", "强北")]


def test_a_single_character_is_a_prefix_on_chars():
    assert leaves(matching("疫"), "prefix") == [("chars", "疫"), ("title_chars", "疫")]
    assert not leaves(matching("疫"), "term")


def test_a_long_run_filters_on_its_four_grams_and_checks_the_bigram_phrase():
    body = matching("华强北主街")
    long_run = body["must"][0]["bool"]["should"][0]["bool"]
    assert leaves(long_run["filter"], "term") == [("grams", "华强北主"), ("grams", "强北主街")]
    assert leaves(long_run["must"], "match_phrase") == [("chars", "华强 强北 北主 主街")]


def test_english_words_are_stems_a_quoted_phrase_a_match_phrase():
    assert leaves(matching('"health code"'), "match_phrase") == [
        ("text", "health code"),
        ("title_words", "health code"),
    ]
    assert not leaves(matching('"health code"'), "term")
    separate = matching("health codes")
    assert len(separate["must"]) == 2  # two groups, both required
    assert leaves(separate, "term") == [
        ("text", "health"),
        ("title_words", "health"),
        ("text", "code"),
        ("title_words", "code"),
    ]


def test_a_title_term_looks_only_in_the_title():
    fields = {name for name, _ in leaves(matching("title:口罩"), "term")}
    assert fields == {"title_chars"}


def test_or_makes_one_group_of_either_term():
    body = matching("復工 OR 口罩")
    assert len(body["must"]) == 1
    either = body["must"][0]["bool"]
    assert either["minimum_should_match"] == 1
    assert {value for _, value in leaves(either, "term")} == {"复工", "口罩"}


def test_an_excluded_term_is_in_must_not_only():
    body = matching("复工复产 -东莞")
    assert leaves(body["must_not"], "term") == [("chars", "东莞"), ("title_chars", "东莞")]
    assert ("chars", "东莞") not in leaves(body["must"], "term")


def test_filters_are_filter_clauses():
    filters = Filters(
        language="zh-Hant",
        source=3,
        month="2020-03",
        date_from=datetime.date(2020, 3, 1),
        date_to=datetime.date(2020, 3, 25),
    )
    body = matching("口罩", filters)
    assert {"term": {"language": "zh-Hant"}} in body["filter"]
    assert {"term": {"source_pk": 3}} in body["filter"]
    assert {"term": {"month": "2020-03"}} in body["filter"]
    # Only a complete date is inside a range: published_on is 0 for a partial or unknown one.
    assert {"range": {"published_on": {"gte": 20200301, "lte": 20200325}}} in body["filter"]
    # An article with no complete date (0) is never "before" a date either.
    before = matching("口罩", Filters(date_to=datetime.date(2020, 3, 25)))
    assert before["filter"] == [{"range": {"published_on": {"gte": 1, "lte": 20200325}}}]
    assert "filter" not in matching("口罩")


def test_an_alternative_is_ored_with_the_groups_it_covers():
    parsed = parse("work resumption shenzhen")
    alternative = Alternative(first=0, last=1, terms=(make_term("复工"),), kind="expansion", label="复工")
    parsed.alternatives = [alternative]
    must = build_query(parsed, Filters())["bool"]["must"]
    assert len(must) == 2  # (work AND resumption) OR 复工, then shenzhen
    stretch = must[0]["bool"]
    assert stretch["minimum_should_match"] == 1
    words, chinese = stretch["should"][0], stretch["should"][1:]
    assert {value for _, value in leaves(words, "term")} == {"work", "resumpt"}
    assert leaves(chinese, "term") == [("chars", "复工"), ("title_chars", "复工")]
    assert {value for _, value in leaves(must[1], "term")} == {"shenzhen"}


def test_a_pinyin_term_is_a_phrase_of_syllables():
    parsed = parse("fugong")
    reading = pinyin_term(["fu", "gong"], raw="fugong")
    parsed.alternatives = [Alternative(first=0, last=0, terms=(reading,), kind="pinyin", label="fugong")]
    query = build_query(parsed, Filters())
    assert ("pinyin", "fu gong") in leaves(query["bool"]["must"], "match_phrase")
    assert "pinyin" not in {name for name, _ in leaves(query["bool"]["should"], "term")}  # syllables do not rank


def test_the_real_word_tier_looks_up_jiebas_words_in_the_body_and_the_title():
    # What the tiers do to the order is checked on every engine by tests/test_search_backends.py.
    query = build_query(parse("华人 口罩"), Filters())["bool"]
    real_word = max(clause["constant_score"]["boost"] for clause in query["should"])
    real_words = [
        tier["constant_score"]["filter"] for tier in query["should"] if tier["constant_score"]["boost"] == real_word
    ]
    assert leaves(real_words, "term") == [
        ("text", "华人"), ("title_words", "华人"), ("text", "口罩"), ("title_words", "口罩"),
    ]  # fmt: skip


def test_facets_are_terms_aggregations_parsed_into_counters():
    aggs = facet_aggregations()
    assert {name: spec["terms"]["field"] for name, spec in aggs.items()} == {
        "language": "language",
        "source": "source_pk",
        "month": "month",
        "day": "published_on",
    }
    assert all(spec["terms"]["size"] >= 1000 for spec in aggs.values())
    response = {
        "language": {"buckets": [{"key": "zh-Hans", "doc_count": 2}, {"key": "en", "doc_count": 1}]},
        "source": {"buckets": [{"key": 4, "doc_count": 3}]},
        "month": {"buckets": [{"key": "2020-03", "doc_count": 2}, {"key": "unknown", "doc_count": 1}]},
        "day": {"buckets": [{"key": 20200320, "doc_count": 1}, {"key": 20200331, "doc_count": 1}]},
    }
    assert parse_facets(response) == {
        "language": Counter({"zh-Hans": 2, "en": 1}),
        "source": Counter({4: 3}),
        "month": Counter({"2020-03": 2, "unknown": 1}),
        "day": Counter({20200320: 1, 20200331: 1}),
    }


def test_document_ids_give_article_pks():
    assert article_pk("archive.article.42") == 42
    with pytest.raises(ValueError, match=r"archive\.source\.1"):
        article_pk("archive.source.1")


# --- the engine on a reference cluster -----------------------------------------------------------


def test_apply_writes_paragraph_arrays_removes_ids_and_refreshes():
    engine, cluster = engine_with(document(1, text="mask"))
    engine.apply(
        documents=[document(2, text=f"face mask {PARAGRAPH_BREAK} wear it")],
        removed_ids=["archive.article.1", "archive.article.99"],  # 99 was never indexed: fine
    )
    (bulk,) = [call for name, call in cluster.calls if name == "bulk"]
    actions = bulk["actions"]
    assert [(action["_op_type"], action["_id"]) for action in actions] == [
        ("delete", "archive.article.1"),
        ("delete", "archive.article.99"),
        ("index", "archive.article.2"),
    ]
    assert actions[-1]["_source"]["text"] == ["face mask", "wear it"]
    assert all(action["_index"] == "archive" for action in actions)  # writes go through the alias
    assert [name for name, _ in cluster.calls][-1] == "refresh"
    assert engine.ranked(parse("mask"), Filters()).pks == [2]


def test_a_refused_document_raises_naming_it_and_why():
    engine, _ = engine_with()
    with pytest.raises(IndexWriteError, match=r"archive\.article\.5: mapper_parsing_exception: failed to parse"):
        engine.apply(documents=[{**document(5), "article_pk": "five"}], removed_ids=[])


def test_build_fresh_swaps_the_alias_in_one_call_and_drops_the_old_index():
    engine, cluster = engine_with(document(1, text="old"))
    (old,) = cluster.aliases["archive"]
    engine.build_fresh(documents=[document(2, text="new")])
    (created,) = [call for name, call in cluster.calls if name == "create_index"]
    assert created["name"].startswith("archive-") and created["name"] != old
    assert created["body"] == index_mapping()
    (swap,) = [call for name, call in cluster.calls if name == "update_aliases"]
    assert swap["actions"] == [
        {"remove": {"index": old, "alias": "archive"}},
        {"add": {"index": created["name"], "alias": "archive"}},
    ]
    names = [name for name, _ in cluster.calls]
    assert names.index("bulk") < names.index("refresh") < names.index("update_aliases") < names.index("delete_indices")
    assert cluster.calls[-1] == ("delete_indices", {"names": [old]})
    assert set(cluster.indices) == {created["name"]}
    assert engine.ranked(parse("new"), Filters()).pks == [2]


@pytest.mark.parametrize("failure", ["a refused document", "an exception while preparing documents"])
def test_a_failed_build_deletes_its_index_and_leaves_the_alias(failure):
    engine, cluster = engine_with(document(1, text="old"))
    live = set(cluster.indices)

    def documents():
        yield document(2, text="new")
        if failure == "a refused document":
            yield {**document(3), "article_pk": "three"}
        else:
            raise RuntimeError("database went away")

    with pytest.raises((IndexWriteError, RuntimeError)):
        engine.build_fresh(documents=documents())
    assert set(cluster.indices) == live
    assert cluster.aliases["archive"] == live
    assert "update_aliases" not in [name for name, _ in cluster.calls]
    assert engine.ranked(parse("old"), Filters()).pks == [1]


def test_no_alias_means_missing_until_ensure_index_creates_it():
    cluster = ReferenceCluster()
    engine = ElasticEngine(url=URL, index="archive", client=cluster)
    assert engine.document_count() == 0
    assert engine.state() == MISSING
    engine.ensure_index()
    engine.ensure_index()  # once only
    assert len(cluster.indices) == 1
    assert engine.document_count() == 0
    assert engine.state() == OK
    engine.apply(documents=[document(1)], removed_ids=[])
    assert engine.document_count() == 1


def test_every_match_is_fetched_with_search_after(monkeypatch):
    monkeypatch.setattr(elastic, "PAGE", 2)
    engine, cluster = engine_with(*(document(pk, text="mask", published=20200300 + pk) for pk in range(1, 6)))
    ranked = engine.ranked(parse("mask"), Filters())
    assert ranked.pks == [5, 4, 3, 2, 1]  # equal scores: the newest first
    assert ranked.count == 5
    assert ranked.facets["month"] == Counter({"2020-03": 5})
    bodies = [call["body"] for name, call in cluster.calls if name == "search"]
    assert len(bodies) == 3
    assert "search_after" not in bodies[0] and bodies[0]["track_total_hits"] and "aggs" in bodies[0]
    for previous, body in itertools.pairwise(bodies):
        assert body["search_after"] == engine.cluster.search(index="archive", body=previous)["hits"]["hits"][-1]["sort"]
        assert "aggs" not in body
    assert all(body["_source"] is False for body in bodies)
    assert bodies[0]["sort"] == [{"_score": "desc"}, {"published_sort": "desc"}, {"article_pk": "asc"}]
    assert engine.ranked(parse("mask"), Filters(), start=1, stop=3).pks == [4, 3]


def test_a_page_is_one_request_with_from_and_size():
    engine, cluster = engine_with(*(document(pk, text="mask") for pk in range(1, 6)))
    ranked = engine.ranked(parse("mask"), Filters(), start=2, stop=4)
    assert ranked.pks == [3, 4]  # equal scores and dates: article pk
    assert ranked.count == 5
    (search,) = [call for name, call in cluster.calls if name == "search"]
    assert (search["body"]["from"], search["body"]["size"]) == (2, 2)


# --- the clients ---------------------------------------------------------------------------------


def test_urls_build_the_matching_client():
    from elasticsearch import Elasticsearch
    from opensearchpy import OpenSearch

    secure = Cluster.from_url("elasticsearchs://us%40er:p%3Ass@es.example:9243")
    assert isinstance(secure.client, Elasticsearch)
    (node,) = secure.client.transport.node_pool.all()
    assert (node.config.scheme, node.config.host, node.config.port) == ("https", "es.example", 9243)
    assert secure.client._headers["authorization"] == "Basic " + base64.b64encode(b"us@er:p:ss").decode()

    opensearch = Cluster.from_url("opensearch://[::1]")
    assert isinstance(opensearch.client, OpenSearch)
    (connection,) = opensearch.client.transport.connection_pool.connections
    assert connection.host == "http://[::1]:9200"
    assert "authorization" not in connection.headers

    with pytest.raises(ValueError, match="not a cluster URL"):
        Cluster.from_url("whoosh:///srv/index")


def test_location_names_the_index_without_credentials():
    engine = ElasticEngine(
        url="opensearchs://admin:secret@search.internal:9200", index="archive", client=ReferenceCluster()
    )
    assert engine.location == "opensearchs://search.internal:9200/archive"


class _Missing(Exception):
    pass


class _RawClient:
    """Just enough of a client library's client for Cluster: a missing alias or index raises."""

    def __init__(self) -> None:
        self.indices = self
        self.deleted: list[str] = []

    def get_alias(self, *, name):
        raise _Missing(name)

    def delete(self, *, index):
        self.deleted.append(index)
        raise _Missing(index)


def test_the_adapter_treats_missing_aliases_and_indices_as_empty():
    raw = _RawClient()
    cluster = Cluster(client=raw, helpers=None, not_found=_Missing)
    assert cluster.alias_targets(alias="archive") == []
    cluster.delete_indices(names=["archive-1", "archive-2"])
    assert raw.deleted == ["archive-1", "archive-2"]


# --- the same matches as the Whoosh engine ---------------------------------------------------------


@pytest.fixture
def both_engines(monkeypatch):
    """Every ranking the Whoosh engine makes is made by the Elasticsearch engine too (on a reference
    cluster loaded with the same documents): (whoosh, elastic) for all matches, per search."""
    engine, _ = engine_with(*indexing.all_documents())
    compared: list[tuple] = []
    original = WhooshEngine.ranked

    def ranked_by_both(self, parsed, filters, *, start=0, stop=None, sort="relevance"):
        compared.append((original(self, parsed, filters, sort=sort), engine.ranked(parsed, filters, sort=sort)))
        return original(self, parsed, filters, start=start, stop=stop, sort=sort)

    monkeypatch.setattr(WhooshEngine, "ranked", ranked_by_both)
    return compared


# fmt: off
SEED_QUERIES = [
    # tests/test_search.py
    "复工复产", "復工復產", "华强北", "强北", "寶安", "東莞", "口罩", "新冠肺炎", "resumption", "Shenzhen",
    '"nucleic acid"', "推荐阅读", "玩家评论", "Privacy policy", "龘靐齉", "zzqxjvw", "復工 OR 口罩", "复工复产 -东莞",
    "复工复产 东莞", "华强北 口罩", '"华强北主街"', "title:精度", "title:Daily", "蟄", "蛰伏", "Bao'an", "COVID-19",
    "title:* 口罩", "口罩~ ^", '"口罩', "口罩 OR",
    # more of the same kinds
    "疫", "疫情", "华人", "health code", '"health code"', "nucleic acid", "title:口罩", "-口罩 疫情",
    "疫情 -title:疫情", "深圳 OR Shenzhen -口罩", "Shenzhen -briefing", "Shenzhen -title:briefing",
]
# fmt: on

SEED_SEARCHES = [
    *({"query": query} for query in SEED_QUERIES),
    # tests/test_crosslang.py
    {"query": "mask", "expand": True},
    {"query": "work resumption", "expand": True},
    {"query": "Dongguan", "expand": True},
    {"query": "Shenzhen", "expand": True},
    {"query": "Shenzhen", "pinyin": True},
    {"query": "fugong fuchan"},
    {"query": "qingxi"},
    {"query": "huaqiangbei"},
    {"query": "fùgōng fùchǎn"},
    {"query": "fu4gong1 fu4chan3"},
    # filters
    {"query": "疫情", "filters": Filters(language="zh-Hant")},
    {"query": "疫情", "filters": Filters(month="2020-03")},
    {"query": "疫情", "filters": Filters(month="unknown")},
    {"query": "疫情", "filters": Filters(date_from=datetime.date(2020, 3, 21))},
    {"query": "疫情", "filters": Filters(date_to=datetime.date(2020, 3, 25))},
    {"query": "Shenzhen", "filters": Filters(date_from=datetime.date(2020, 3, 1), date_to=datetime.date(2020, 3, 25))},
    # runs with digits, and regional wording
    {"query": "3月15日"},
    {"query": "47万"},
    {"query": "7万"},
    {"query": "軟件 資訊"},
    # by date
    {"query": "疫情", "sort": "newest"},
    {"query": "疫情", "sort": "oldest"},
]


def test_the_same_articles_counts_and_facets_as_whoosh(seeded, both_engines):
    differing = []
    for search in SEED_SEARCHES:
        both_engines.clear()
        search_articles(**search)
        assert both_engines, search
        for whoosh, found in both_engines:
            if (sorted(found.pks), found.count) != (sorted(whoosh.pks), whoosh.count):
                differing.append((search, whoosh.pks, found.pks))
            elif whoosh.count and found.facets != whoosh.facets:
                differing.append((search, whoosh.facets, found.facets))
    assert differing == []
    # The table is worth something only if it finds things, and not everything.
    both_engines.clear()
    for search in SEED_SEARCHES:
        search_articles(**search)
    counts = {whoosh.count for whoosh, _ in both_engines}
    assert 0 in counts and len(counts) > 3, counts


def test_a_source_filter_matches_whoosh(seeded, both_engines):
    source_pk = seeded["002"].source_id
    search_articles(query="疫情", filters=Filters(source=source_pk))
    ((whoosh, found),) = both_engines
    assert whoosh.count >= 1
    assert (found.pks, found.count) == (whoosh.pks, whoosh.count)


def test_a_word_only_in_a_title_is_found_and_excluded_as_in_whoosh(seeded, request):
    from archive.search import queue

    article = seeded["001"]
    article.title = "Bao'an district timetable for zanzibarite resumption"
    article.save()
    queue.drain()  # the test's transaction never commits; apply the queued change now
    both_engines = request.getfixturevalue("both_engines")  # loaded with the new title
    for query in ["zanzibarite", "title:zanzibarite", "Shenzhen -zanzibarite", "Shenzhen -title:zanzibarite"]:
        search_articles(query=query)
    assert [(sorted(found.pks), found.count) for _, found in both_engines] == [
        (sorted(whoosh.pks), whoosh.count) for whoosh, _ in both_engines
    ]
    assert [whoosh.count for whoosh, _ in both_engines] == [1, 1, 1, 1]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("华人", ["realword", "straddle"]),  # a real word above the characters across two words
        ("口罩", ["title_mask"]),  # a title match above body-only matches
        ('"nucleic acid"', ["phrase_together"]),
    ],
)
def test_the_ranking_tiers_order_as_in_whoosh(db, query, first):
    import_and_index(RANKING_DIR)
    engine, _ = engine_with(*indexing.all_documents())
    whoosh = WhooshEngine(engines.whoosh_backend())
    parsed = parse(query)
    found = engine.ranked(parsed, Filters())
    files = {pk: article.source_file for pk, article in _articles(found.pks).items()}
    assert [Path(files[pk]).stem for pk in found.pks[: len(first)]] == first
    assert found.pks[: len(first)] == whoosh.ranked(parsed, Filters()).pks[: len(first)]


def _articles(pks: list[int]) -> dict:
    from archive.models import Article

    return Article.objects.in_bulk(pks)


class _Recorder(http.server.BaseHTTPRequestHandler):
    """A loopback HTTP server answering as a cluster would, recording each request."""

    requests: list[tuple[str, str, str]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        self.requests.append((self.command, self.path.split("?")[0], body))
        status, answer = 200, {"acknowledged": True}
        if self.path.startswith("/_alias/"):
            answer = {"archive-1": {"aliases": {"archive": {}}}}
            if "missing" in self.path:
                status, answer = 404, {"error": "alias missing", "status": 404}
        elif self.path.startswith("/_bulk"):
            lines = [json.loads(line) for line in body.splitlines() if line.strip()]
            ops = [line for line in lines if set(line) & {"index", "delete"}]
            items = [
                {op: {"_id": spec["_id"], "status": 404 if op == "delete" else 201}}
                for line in ops
                for op, spec in line.items()
            ]
            answer = {"errors": True, "items": items}
        elif self.path.endswith("/_search"):
            answer = {"hits": {"total": {"value": 0}, "hits": []}}
        elif self.path.endswith("/_count"):
            answer = {"count": 3}
        encoded = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        self.wfile.write(encoded)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def loopback_cluster():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.requests = []
    yield server.server_address[1], _Recorder.requests
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("scheme", ["elasticsearch", "opensearch"])
def test_both_client_libraries_send_the_same_requests(loopback_cluster, scheme):
    port, requests = loopback_cluster
    cluster = Cluster.from_url(f"{scheme}://127.0.0.1:{port}")
    cluster.create_index(name="archive-2", body=index_mapping())
    assert cluster.alias_targets(alias="archive") == ["archive-1"]
    assert cluster.alias_targets(alias="missing") == []
    failed = cluster.bulk(
        actions=[
            {"_op_type": "delete", "_index": "archive", "_id": "archive.article.1"},
            {"_op_type": "index", "_index": "archive", "_id": "archive.article.2", "_source": {"text": ["a b"]}},
        ]
    )
    assert failed == [{"delete": {"_id": "archive.article.1", "status": 404}}]
    cluster.refresh(index="archive-2")
    cluster.update_aliases(actions=[{"add": {"index": "archive-2", "alias": "archive"}}])
    cluster.delete_indices(names=["archive-1"])
    assert cluster.count(index="archive") == 3
    assert cluster.search(index="archive", body={"query": {"match_all": {}}, "size": 0}) == {
        "hits": {"total": {"value": 0}, "hits": []}
    }
    sent = [(method, path) for method, path, _ in requests]
    assert sent == [
        ("PUT", "/archive-2"),
        ("GET", "/_alias/archive"),
        ("GET", "/_alias/missing"),
        ("PUT" if scheme == "elasticsearch" else "POST", "/_bulk"),
        ("POST", "/archive-2/_refresh"),
        ("POST", "/_aliases"),
        ("DELETE", "/archive-1"),
        ("POST", "/archive/_count"),
        ("POST", "/archive/_search"),
    ]
    bodies = {path: body for _, path, body in requests}
    assert json.loads(bodies["/archive-2"]) == index_mapping()
    assert json.loads(bodies["/_aliases"]) == {"actions": [{"add": {"index": "archive-2", "alias": "archive"}}]}
    bulk_lines = [json.loads(line) for line in bodies["/_bulk"].splitlines()]
    assert bulk_lines == [
        {"delete": {"_index": "archive", "_id": "archive.article.1"}},
        {"index": {"_index": "archive", "_id": "archive.article.2"}},
        {"text": ["a b"]},
    ]
