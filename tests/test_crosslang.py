"""Reaching across languages (issue 10): glossary expansion and pinyin, table-driven."""

from __future__ import annotations

import pytest

from archive.glossary import read_glossary
from archive.search.query import make_term
from archive.search.service import search_articles
from archive.text.normalise import normalise
from archive.text.pinyin import SYLLABLES, is_pinyin, is_toned, split_pinyin, syllables_of
from tests.test_search import import_and_index


def numbers(query: str, **kwargs) -> set[str]:
    page = search_articles(query=query, per_page=100, **kwargs)
    return {hit.article.source_file.rsplit("/", 1)[-1][:3] for hit in page.results}


@pytest.fixture
def seeded(db, seeds_dir):
    import_and_index(seeds_dir)


def mentioning(seeds_dir, *needles: str) -> set[str]:
    found = set()
    for path in sorted(seeds_dir.iterdir()):
        text = normalise(path.read_text(encoding="utf-8", errors="replace"))
        if any(needle.lower() in text for needle in needles):
            found.add(path.name[:3])
    return found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("mask", {"002", "003"}),
        ("work resumption", {"000", "002", "003"}),
        ("Dongguan", {"002", "004"}),
    ],
)
def test_expansion_finds_the_other_language(seeded, query, expected):
    assert numbers(query, expand=True) == expected


def test_shenzhen_expanded_finds_every_article_mentioning_it(seeded, seeds_dir):
    assert numbers("Shenzhen", expand=True) == mentioning(seeds_dir, "深圳", "shenzhen")


def test_expansions_are_explained_and_can_be_dropped(seeded):
    page = search_articles(query="mask", expand=True)
    assert [e["entry"] for e in page.explain["expansions"]] == ["口罩"]
    assert "口罩" in page.explain["expansions"][0]["added"]
    dropped = search_articles(query="mask", expand=True, drop=["口罩"])
    assert dropped.explain["expansions"] == []
    assert numbers("mask") == {a.article.source_file.rsplit("/", 1)[-1][:3] for a in dropped.results}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("fugong fuchan", {"000", "002", "003"}),
        ("qingxi", {"002"}),
        ("huaqiangbei", {"003"}),
        ("fùgōng fùchǎn", {"000", "002", "003"}),
        ("fu4gong1 fu4chan3", {"000", "002", "003"}),
    ],
)
def test_pinyin_finds_chinese(seeded, query, expected):
    page = search_articles(query=query, per_page=100)
    assert numbers(query) == expected
    assert page.explain["pinyin"]


def test_pinyin_says_which_chinese_it_matched(seeded):
    page = search_articles(query="fugong fuchan")
    assert "复工" in page.explain["pinyin_matched"] or "復工" in page.explain["pinyin_matched"]
    assert any("<mark>" in p.snippet for hit in page.results for p in hit.paragraphs)


def test_plain_pinyin_only_when_english_finds_nothing_or_asked(seeded):
    assert search_articles(query="resumption").explain["pinyin"] == []
    assert search_articles(query="resumption", pinyin=True).explain["pinyin"] == []
    assert search_articles(query="Shenzhen").explain["pinyin"] == []
    assert search_articles(query="Shenzhen", pinyin=True).explain["pinyin"]


@pytest.mark.parametrize(
    ("word", "readings"),
    [
        ("fugong", [["fu", "gong"]]),
        ("fùgōng", [["fu", "gong"]]),
        ("fu4gong1", [["fu", "gong"]]),
        ("qingxi", [["qing", "xi"]]),
        ("an", [["an"]]),
        ("resumption", []),
        ("mask", []),
        ("lǜsè", [["lv", "se"]]),
    ],
)
def test_split_pinyin(word, readings):
    assert split_pinyin(word)[: len(readings)] == readings
    assert is_pinyin(word) == bool(readings)


def test_pinyin_basics():
    assert syllables_of("复工复产") == ["fu", "gong", "fu", "chan"]
    assert syllables_of("绿") == ["lv"]
    assert 400 <= len(SYLLABLES) <= 420
    assert is_toned("fùgōng") and not is_toned("fugong")
    assert ["bao", "an"] in split_pinyin("baoan")
    assert len(split_pinyin("huaqiangbei")) <= 8


@pytest.mark.parametrize(("chinese", "english", "note"), read_glossary())
def test_glossary_entry(chinese, english, note):
    assert normalise(chinese) == chinese
    term = make_term(chinese)
    assert term is not None and len(term.runs) == 1 and term.runs[0].kind == "cjk"
    for variant in english.split("|"):
        term = make_term(variant)
        assert term is not None and all(run.kind == "word" for run in term.runs), variant


def test_glossary_is_big_enough_and_loaded(db):
    from archive.models import GlossaryEntry

    assert len(read_glossary()) >= 150
    assert GlossaryEntry.objects.count() == len(read_glossary())


def test_api_and_page_take_the_options(seeded, client):
    data = client.get("/api/search", {"q": "mask", "expand": "1"}).json()
    assert [e["entry"] for e in data["explain"]["expansions"]] == ["口罩"]
    assert client.get("/api/search", {"q": "mask", "expand": "1", "drop": "口罩"}).json()["explain"]["expansions"] == []
    html = client.get("/search/", {"q": "mask", "expand": "1"}).content.decode()
    assert "drop=%E5%8F%A3%E7%BD%A9" in html and 'name="expand"' in html
    html = client.get("/search/", {"q": "fugong"}).content.decode()
    assert "did you mean" in html
