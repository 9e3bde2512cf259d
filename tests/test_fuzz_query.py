"""Property-based tests of search under hostile queries.

search_articles never raises and stays fast whatever the query; /search/ and
/api/search never answer 500; junk around a real term does not change what
the term finds. One seeded index per test function; each function runs many
examples against it.
"""

from __future__ import annotations

import os
import time

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from archive.search.query import MAX_QUERY_CHARS, parse
from archive.search.results import search_articles
from tests.support.seeds import seed_numbers

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
FUZZ = hsettings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# A search over the five seeds takes milliseconds; this bound catches a blow-up, not jitter.
TIME_BOUND_S = 3.0

WHOOSH_SYNTAX = [
    "title:", "text:", "chars:", "django_ct:", "id:", "*", "?", "~", "~2", "^", "^3", "AND", "OR", "NOT",
    "ANDNOT", "ANDMAYBE", "(", ")", "[", "]", "{", "}", "TO", '"', "'", "-", "+", ":", "\\", "/", "!",
    "<script>", "'><img src=x onerror=alert(1)>", "javascript:alert(1)", "%00", "\x00", "\u202e", "\ufeff",
    "title:口罩", "-口罩", '"口罩', "口罩*", "口罩~", "Shenz*", "[a TO z]", "*:*",
]  # fmt: skip

QUERIES = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(WHOOSH_SYNTAX), max_size=30).map(" ".join),
    st.lists(st.sampled_from(WHOOSH_SYNTAX), max_size=30).map("".join),
    st.lists(st.one_of(st.sampled_from(WHOOSH_SYNTAX), st.text(max_size=6)), max_size=40).map(" ".join),
    st.builds(
        lambda s, n: s * n, st.sampled_from(["口罩 ", "a", '"', "(", "OR ", "-", "寶安", "x:"]), st.integers(1, 5000)
    ),
)

# Punctuation and operators that carry no searchable text. (A quoted "OR" is the word "or", so
# operators and quotes come in separate strategies.)
_PUNCTUATION = ['"', "(", ")", "*", "?", "~", "^", "-", "+", "!", ":", "\\", "/", "[", "]", "{", "}", "，", "。",
                "！", "？", "【", "】", "“", "”", "《", "》", "…", "&", "|", "<", ">", "=", "%", "#"]  # fmt: skip
JUNK = st.one_of(
    st.lists(st.sampled_from(_PUNCTUATION), max_size=12).map(" ".join),
    st.lists(st.sampled_from([p for p in _PUNCTUATION if p != '"'] + ["OR", "-", "--", "OR OR"]), max_size=12).map(
        " ".join
    ),
)


@FUZZ
@given(query=QUERIES)
@example(query="a" * 10_000)
@example(query="口罩 " * 3000)
@example(query='"' * 10_000)
@example(query="(" * 5000 + ")" * 5000)
@example(query="title:")
@example(query="title:title:title:")
@example(query="-")
@example(query="OR OR OR")
@example(query="*")
@example(query="\x00")
@example(query="\ud800")  # a lone surrogate (reaches us from broken URL encodings)
def test_search_never_raises_and_is_bounded(seeded, query):
    started = time.perf_counter()
    page = search_articles(query=query)
    elapsed = time.perf_counter() - started
    assert elapsed < TIME_BOUND_S, f"{elapsed:.2f}s for a query of {len(query)} characters"
    assert page.count >= len(page.results)
    if len(query.strip()) > MAX_QUERY_CHARS:
        assert page.error  # the cut is said, not silent
    page.to_json()


def test_long_query_is_cut_with_a_message(seeded):
    page = search_articles(query="口罩 " + "x" * 10_000)
    assert f"{MAX_QUERY_CHARS}" in page.error
    assert seed_numbers("口罩 " + "!" * 10_000) == {"002", "003"}


@FUZZ
@given(before=JUNK, after=JUNK)
@example(before="", after='"')
@example(before="(", after=")")
@example(before="OR", after="OR")
@example(before="-", after="*")
@example(before="", after='" OR')  # an unclosed quote once swallowed the OR as a word
@example(before="《", after="》")
def test_junk_around_a_term_finds_what_the_term_finds(seeded, before, after):
    expected = {"002", "003"}
    assert seed_numbers(f"{before} 口罩 {after}") == expected


@FUZZ
@given(junk=JUNK)
def test_junk_alone_finds_nothing_and_says_why_not(seeded, junk):
    page = search_articles(query=junk)
    assert page.count == 0 and page.results == []


@FUZZ
@given(query=QUERIES, page_number=st.one_of(st.integers(-5, 10**6).map(str), st.text(max_size=5)))
@example(query="<script>alert(1)</script>", page_number="1")
@example(query="口罩", page_number="999999999999999999999")
@example(query="口罩", page_number="-1")
@example(query="\x00", page_number="\x00")
def test_search_views_never_answer_500(seeded, client, settings, query, page_number):
    settings.ARCHIVE_SEARCH_RATE_LIMIT = 0
    params = {"q": query, "page": page_number}
    for url in ("/api/search", "/search/"):
        response = client.get(url, params)
        assert response.status_code in (200, 400), (url, response.status_code)
    api = client.get("/api/search", params)
    if api.status_code == 200:
        assert api.json()["count"] >= 0


def test_parse_handles_every_length_quickly():
    started = time.perf_counter()
    for length in (0, 1, MAX_QUERY_CHARS, MAX_QUERY_CHARS + 1, 10_000, 1_000_000):
        parse("口罩 " * (length // 3) + "a" * (length % 3))
    assert time.perf_counter() - started < 5
