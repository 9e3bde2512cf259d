"""Search on real text: every result holds the query, and every page that holds it is found.

Real posts (tests/data, rendered by tests/support/realtext.py in the seeds' three page styles) are
imported with import_seeds; the query tables of tests/support/relevance.py give, for each query,
the exact set of pages that hold it, worked out without the archive's search code. A sample of
each class is checked exactly, then hypothesis draws more queries from the same text.
bench/relevance.py runs every query of the tables on 3,500 pages.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.models import Article
from archive.search.results import matching_article_ids, search_articles
from tests.support import realtext
from tests.support.relevance import CLASSES, candidates, expected_pages, query_table, taiwan_expected
from tests.support.seeds import import_and_index

PAGES = 150  # 50 of each style
PER_CLASS = 12
_MARK = re.compile(r"<mark>(.+?)</mark>", re.S)


def found(query: str) -> tuple[set[str], int, list]:
    """The source files of every match, the count of matching articles shown, and the first page of
    results (every copy of a repost a result of its own)."""
    page = search_articles(query=query, per_page=100, group_copies=False)
    ids = matching_article_ids(query=query)
    names = set(Article.objects.filter(pk__in=ids).values_list("source_file", flat=True))
    return names, page.articles, page.results


def unhighlighted(results) -> list[str]:
    """Results that show no marked match, in their snippets or their title."""
    return [
        hit.article.source_file
        for hit in results
        if not any(_MARK.search(str(p.snippet)) for p in hit.paragraphs) and not _MARK.search(str(hit.title))
    ]


@pytest.fixture
def real_pages(db, tmp_path) -> list[realtext.Page]:
    pages = realtext.write_pages(tmp_path / "real", realtext.pages(count=PAGES))
    import_and_index(tmp_path / "real")
    return pages


def test_real_text_query_tables_are_answered_exactly(real_pages):
    wrong = []
    for kind in CLASSES:
        for query in query_table(real_pages, kind=kind, limit=PER_CLASS):
            names, count, results = found(query.text)
            if names != query.expected or count != len(query.expected) or unhighlighted(results):
                wrong.append(
                    f"{kind} {query.text}: extra {sorted(names - query.expected)[:3]}, "
                    f"missing {sorted(query.expected - names)[:3]}, count {count}, "
                    f"unhighlighted {unhighlighted(results)[:3]}"
                )
    assert not wrong, "\n".join(wrong)

    # Then hypothesis draws dates, counts, substrings, words and Taiwan phrasing from the same text.
    pools = {kind: candidates(real_pages, kind=kind) for kind in CLASSES}

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=st.data())
    def every_result_holds_the_query(data):
        kind = data.draw(st.sampled_from([kind for kind in CLASSES if pools[kind]]))
        query = data.draw(st.sampled_from(pools[kind]))
        expected = taiwan_expected(query, real_pages) if kind == "taiwan" else expected_pages(query, real_pages)
        names, count, results = found(query)
        assert names == expected, (kind, query)
        assert count == len(expected), (kind, query)
        assert not unhighlighted(results), (kind, query)

    every_result_holds_the_query()
