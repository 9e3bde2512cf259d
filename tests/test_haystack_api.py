"""Haystack's SearchQuerySet answers through the archive's own search: the articles of /api/search,
in its order, with its count, facets and highlights; what it cannot answer raises, naming what it can."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from haystack.query import SearchQuerySet

from archive.models import Article, Source
from archive.search.haystack_api import UnsupportedSearchCall
from tests.support.seeds import SEED_QUERY_TABLE

# Each /api/search parameter and the SearchQuerySet call that asks the same.
SORTS = {"newest": "-published_on", "oldest": "published_on", "relevance": "-score"}
YEAR_2020 = (datetime.date(2020, 1, 1), datetime.date(2021, 1, 1))


def searched(query: str, **params) -> SearchQuerySet:
    sqs = SearchQuerySet().auto_query(query)
    if "language" in params:
        sqs = sqs.filter(language=params["language"])
    if "source" in params:
        sqs = sqs.filter(source_pk=params["source"])
    if "month" in params:
        sqs = sqs.filter(month=params["month"])
    if "date_from" in params:
        sqs = sqs.filter(published_on__gte=datetime.date.fromisoformat(params["date_from"]))
    if "date_to" in params:
        sqs = sqs.filter(published_on__lte=datetime.date.fromisoformat(params["date_to"]))
    if "sort" in params:
        sqs = sqs.order_by(SORTS[params["sort"]])
    return sqs


def api(client, query: str, **params) -> dict:
    response = client.get("/api/search", {"q": query, "per_page": 100, **params})
    assert response.status_code == 200
    return response.json()


def numbers(ids: list[int]) -> set[str]:
    return {Path(Article.objects.get(pk=pk).source_file).stem[:3] for pk in ids}


@pytest.mark.parametrize(("query", "expected"), SEED_QUERY_TABLE)
def test_auto_query_lists_the_articles_of_api_search_in_its_order(client, seeded, query, expected):
    body = api(client, query)
    found = [int(result.pk) for result in searched(query)]
    assert found == [result["id"] for result in body["results"]]
    assert numbers(found) == expected
    assert searched(query).count() == body["count"] == len(expected)


def test_auto_query_of_the_issue_finds_the_three_seed_articles(seeded):
    found = SearchQuerySet().auto_query("復工復產")
    assert {Path(result.object.source_file).stem[:3] for result in found} == {"000", "002", "003"}


def _a_source(seeded) -> dict:
    source = Source.objects.filter(articles__pk=seeded["000"].pk).get()
    return {"source": source.pk}


@pytest.mark.parametrize(
    ("query", "params"),
    [
        ("口罩", {"language": "zh-Hant"}),
        ("口罩", {"language": "zh-Hans"}),
        ("复工复产", {"sort": "newest"}),
        ("复工复产", {"sort": "oldest"}),
        ("Shenzhen", {"sort": "newest"}),
        ("复工复产", {"date_from": "2020-03-01"}),
        ("复工复产", {"date_from": "2020-02-01", "date_to": "2020-03-20"}),
        ("复工复产", {"month": "2020-03"}),
        ("Shenzhen", "source of 000"),
    ],
)
def test_filters_and_orders_answer_as_api_search_does(client, seeded, query, params):
    if params == "source of 000":
        params = _a_source(seeded)
    body = api(client, query, **params)
    found = [int(result.pk) for result in searched(query, **params)]
    assert found == [result["id"] for result in body["results"]]
    assert found, "a case that finds nothing compares nothing"


def test_a_language_filter_keeps_only_that_script(seeded):
    found = list(searched("口罩", language="zh-Hant"))
    assert found and {result.object.language for result in found} == {"zh-Hant"}
    assert {result.language for result in found} == {"zh-Hant"}


def test_facets_count_what_api_search_counts(client, seeded):
    body = api(client, "复工复产")
    counts = searched("复工复产").facet("language").facet("source_pk").facet("month").facet_counts()["fields"]
    expected = {
        "language": {(facet["value"], facet["count"]) for facet in body["facets"]["language"]},
        "source_pk": {(facet["value"], facet["count"]) for facet in body["facets"]["source"]},
        "month": {(facet["value"], facet["count"]) for facet in body["facets"]["month"]},
    }
    assert {name: set(values) for name, values in counts.items()} == expected
    assert sum(n for _, n in counts["language"]) == 3


def test_highlights_are_the_snippets_of_api_search(client, seeded):
    body = api(client, "华强北 口罩")
    found = list(searched("华强北 口罩").highlight())
    assert [result.highlighted["text"] for result in found] == [
        [paragraph["snippet"] for paragraph in result["paragraphs"]] for result in body["results"]
    ]
    snippets = " ".join(found[0].highlighted["text"])
    assert "<mark>口罩</mark>" in snippets


def test_slices_are_windows_of_the_ranking(client, seeded):
    ids = [result["id"] for result in api(client, "Shenzhen OR 口罩")["results"]]
    assert len(ids) >= 3
    sqs = searched("Shenzhen OR 口罩")
    assert [int(result.pk) for result in sqs[1:3]] == ids[1:3]
    assert int(sqs[0].pk) == ids[0]
    assert len(sqs) == len(ids)
    assert list(sqs.values_list("article_pk", flat=True)) == ids
    assert [row["language"] for row in sqs.values("language")] == [Article.objects.get(pk=pk).language for pk in ids]


def test_results_carry_their_article_without_another_query(seeded, django_assert_num_queries):
    results = list(SearchQuerySet().auto_query("口罩").load_all())
    with django_assert_num_queries(0):
        assert all(result.object.title for result in results)


def test_exclude_is_the_query_syntax_minus(client, seeded):
    found = [int(result.pk) for result in SearchQuerySet().auto_query("复工复产").exclude(content="东莞")]
    assert found == [result["id"] for result in api(client, "复工复产 -东莞")["results"]]
    assert numbers(found) == {"000", "003"}


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda sqs: sqs.filter(title_words="复工"), "filter(title_words="),
        (lambda sqs: sqs.filter(language__startswith="zh"), "filter(language__startswith="),
        (lambda sqs: sqs.order_by("title"), "order_by('title')"),
        (lambda sqs: sqs.facet("pinyin"), "facet('pinyin')"),
        (lambda sqs: sqs.boost("复工", 2), "boost()"),
        (lambda sqs: sqs.narrow("language:en"), "narrow()"),
        (lambda sqs: sqs.date_facet("published_on", YEAR_2020[0], YEAR_2020[1], "month"), "date_facet()"),
        (lambda sqs: sqs.filter_or(language="en"), "OR between filters"),
        (lambda sqs: SearchQuerySet().filter(language="en"), "A search without text"),
        (lambda sqs: sqs.values("text"), "values('text')"),
    ],
)
def test_what_cannot_be_answered_raises_naming_the_supported_calls(seeded, call, named):
    with pytest.raises(UnsupportedSearchCall) as raised:
        list(call(SearchQuerySet().auto_query("复工复产")))
    assert named in str(raised.value)
    assert "Supported: SearchQuerySet().auto_query(q)" in str(raised.value)


def test_a_bad_filter_value_names_the_filter(seeded):
    with pytest.raises(ValueError, match="language: must be one of"):
        searched("口罩", language="fr").count()
    with pytest.raises(ValueError, match="published_on__gte: must be a date"):
        SearchQuerySet().auto_query("口罩").filter(published_on__gte="yesterday").count()
