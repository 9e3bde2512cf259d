"""Relevance and behaviour of the cross-script search, table-driven."""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from archive.filters import Filters
from archive.models import Article, Paragraph
from archive.search.results import search_articles
from tests.support.seeds import RANKING_DIR, SEED_QUERY_TABLE, found_files, import_and_index, seed_numbers


@pytest.fixture
def ranking_corpus(db):
    import_and_index(RANKING_DIR)


@pytest.mark.parametrize(("query", "expected"), SEED_QUERY_TABLE)
def test_seed_queries_find_exactly_these_articles(seeded, query, expected):
    assert seed_numbers(query) == expected


@pytest.mark.parametrize(
    ("query", "seed", "marked"),
    [
        ("復工復產", "002", "<mark>复工复产</mark>"),
        ("复工复产", "003", "<mark>復工復產</mark>"),
        ("华强北", "003", "<mark>華強北</mark>"),
        ("强北", "003", "華<mark>強北</mark>"),
        ("寶安", "004", "<mark>宝安</mark>"),
        ("shenzhen", "000", "<mark>Shenzhen</mark>"),
        ('"nucleic acid"', "001", "<mark>nucleic acid</mark>"),
    ],
)
def test_highlights_the_match_in_the_articles_own_script(seeded, query, seed, marked):
    page = search_articles(query=query)
    hit = next(hit for hit in page.results if hit.article.source_file.startswith(seed))
    assert any(marked in paragraph.snippet for paragraph in hit.paragraphs)


def test_matching_paragraphs_link_to_their_positions_and_skip_furniture(seeded):
    hit = next(hit for hit in search_articles(query="复工复产").results if hit.article.source_file.startswith("002"))
    furniture = set(
        Paragraph.objects.filter(article=hit.article, is_boilerplate=True).values_list("position", flat=True)
    )
    assert len(hit.paragraphs) == 3
    assert hit.paragraphs_matched > 3
    assert not furniture & {paragraph.position for paragraph in hit.paragraphs}
    for paragraph in hit.paragraphs:
        assert "<mark>" in paragraph.snippet


@pytest.mark.parametrize(
    "query", ["", "   ", "!!!", "。,、", '""', "-", "OR", "title:", "*", "~", "^", '"unbalanced', "(", ")"]
)
def test_empty_or_punctuation_queries_return_nothing_without_error(seeded, query):
    page = search_articles(query=query)
    assert page.count == 0
    assert page.results == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("12345", set()),
        ("2020", {"000"}),  # 002 and 004 have it only in metadata lines and furniture
        ("。。。！！！", set()),
        ("紐西蘭COVID-19疫苗2.5亿abc", set()),
        ("口罩 " + "。" * 10_000, {"002", "003"}),
        ("1" * 10_000, set()),
        ("復工復產 2月23日", {"002", "003"}),
    ],
)
def test_digits_punctuation_long_and_mixed_queries_get_an_answer(seeded, query, expected):
    page = search_articles(query=query)
    assert not page.error or "cut" in page.error
    assert seed_numbers(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("title:* 口罩", {"002", "003"}),
        ("口罩~ ^", {"002", "003"}),
        ('"口罩', {"002", "003"}),
        ("口罩 OR", {"002", "003"}),
    ],
)
def test_stray_syntax_is_ignored_and_the_rest_still_searched(seeded, query, expected):
    assert seed_numbers(query) == expected


def test_script_and_markup_in_a_query_are_escaped_in_snippets(seeded):
    page = search_articles(query="<script>alert(1)</script> 口罩")
    assert page.count == 0  # "script" and "alert" are not in the Chinese articles
    page = search_articles(query="口罩 OR <img")
    assert all("<img" not in paragraph.snippet for hit in page.results for paragraph in hit.paragraphs)


def test_over_long_query_is_cut_with_a_message(seeded):
    page = search_articles(query="口罩 " * 4_000)
    assert "cut" in page.error
    assert {hit.article.source_file[:3] for hit in page.results} == {"002", "003"}


def test_a_real_word_ranks_above_the_same_characters_across_words(ranking_corpus):
    # straddle.txt is short and has 华人 inside 中华人民 (also in its title); realword.txt is long.
    assert found_files("华人") == ["realword", "straddle"]


def test_a_title_match_ranks_above_a_body_only_match(ranking_corpus):
    # title_only.html has 口罩 only in its <title>, body_mask.txt four times in its text: by BM25
    # alone body_mask would come before title_only.
    assert found_files("口罩")[:3] == ["title_mask", "title_only", "body_mask"]


def test_a_phrase_needs_its_words_together_and_in_order(ranking_corpus):
    assert found_files('"nucleic acid"') == ["phrase_together"]
    assert set(found_files("nucleic acid")) == {"phrase_apart", "phrase_together"}


def test_a_phrase_never_spans_two_paragraphs(db, tmp_path):
    (tmp_path / "across.txt").write_text(
        "Laboratory notes\n\nThe lab ordered more reagents for nucleic\n\nacid supplies arrived on Monday.\n\n"
        "第二段写复工\n\n复产在下一段。\n",
        encoding="utf-8",
    )
    (tmp_path / "within.txt").write_text("Lab notes\n\nNucleic acid supplies arrived.\n", encoding="utf-8")
    import_and_index(tmp_path)
    assert found_files('"nucleic acid"') == ["within"]
    assert set(found_files("nucleic acid")) == {"within", "across"}
    assert found_files("写复工复产") == []


def test_a_plain_query_finds_a_word_that_is_only_in_the_title(seeded):
    article = Article.objects.get(source_file__startswith="001")
    article.title = "Bao'an district timetable for zanzibarite resumption"
    article.save()
    from archive.search import queue

    queue.drain()  # the test's transaction never commits; apply the queued change now
    assert seed_numbers("zanzibarite") == {"001"}
    hit = search_articles(query="zanzibarite").results[0]
    assert hit.paragraphs_matched == 0  # found by its title alone


def test_filters_and_facets(seeded):
    page = search_articles(query="疫情")
    languages = {code: count for code, _, count in page.facets["language"]}
    assert sum(languages.values()) == page.count
    assert set(seed_numbers("疫情")) >= {"002", "003", "004"}
    traditional = search_articles(query="疫情", filters=Filters(language="zh-Hant"))
    assert [Path(hit.article.source_file).stem[:3] for hit in traditional.results] == ["003"]
    assert traditional.count == languages["zh-Hant"]


def test_count_counts_all_matching_articles_not_only_the_page(seeded):
    page = search_articles(query="疫情", per_page=1)
    assert page.count >= 3
    assert len(page.results) == 1
    second = search_articles(query="疫情", per_page=1, page=2)
    assert second.results[0].article.pk != page.results[0].article.pk


def test_api_search_keeps_the_contract(seeded, client):
    response = client.get("/api/search", {"q": "復工復產"})
    assert response.status_code == 200
    data = response.json()
    assert data["query"] == "復工復產"
    assert data["count"] == 3
    assert isinstance(data["took_ms"], int | float)
    first = data["results"][0]
    assert set(first) >= {"id", "title", "url", "source_file", "language", "published", "paragraphs"}
    assert first["url"] == f"/articles/{first['id']}/"
    assert first["paragraphs_matched"] >= len(first["paragraphs"]) > 0
    assert {"position", "snippet"} <= set(first["paragraphs"][0])
    assert data["explain"]["tokens"] == ["复工", "复产"]
    assert data["explain"]["normalised"] == "复工复产"


def test_search_archive_json_matches_the_api(seeded, client):
    out = StringIO()
    call_command("search_archive", "口罩", "--json", stdout=out)
    from_command = json.loads(out.getvalue())
    from_api = client.get("/api/search", {"q": "口罩"}).json()
    for data in (from_command, from_api):
        data.pop("took_ms")
    assert from_command == from_api


def test_search_archive_prints_results_with_marked_paragraphs(seeded):
    out = StringIO()
    call_command("search_archive", "华强北", "--limit", "5", stdout=out)
    text = out.getvalue()
    assert "1 matching articles" in text
    assert "[華強北]" in text
    assert "#p-" in text


def test_rebuild_index_restores_a_lost_index_from_the_database(seeded, settings):
    shutil.rmtree(settings.DATA_DIR / "whoosh_index")
    call_command("rebuild_index", "--noinput", stdout=StringIO())
    assert seed_numbers("复工复产") == {"000", "002", "003"}


@pytest.mark.django_db(transaction=True)
def test_the_index_follows_imports_edits_and_deletes(seeds_dir):
    call_command("import_seeds", str(seeds_dir), stdout=StringIO(), stderr=StringIO())
    assert seed_numbers("华强北") == {"003"}  # import left the index up to date

    paragraph = Paragraph.objects.get(article__source_file__startswith="003", text__contains="華強北商戶")
    paragraph.text = paragraph.text.replace("華強北", "赛格广场")
    paragraph.save()
    assert seed_numbers("赛格广场") == {"003"}

    with transaction.atomic():
        Paragraph.objects.filter(article__source_file__startswith="003", text__contains="華強北").update(
            is_boilerplate=True
        )
        # QuerySet.update sends no signals: the service layer queues such changes itself.
        from archive.search import queue

        queue.enqueue(article_ids=[paragraph.article_id])
    assert seed_numbers("华强北") == set()

    Article.objects.get(source_file__startswith="004").delete()
    assert seed_numbers("寶安") == set()
    assert seed_numbers("東莞") == {"002"}
