"""The browse, article and search pages through Django's test client."""

from __future__ import annotations

from io import StringIO

import lxml.html
import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.models import Article, Language, Paragraph, Role, Source


def html(response):
    assert response.status_code == 200, response.status_code
    return lxml.html.fromstring(response.content.decode())


def has_class(name: str) -> str:
    """An XPath predicate for a class name (lxml's CSS selectors need a package the project does not ship)."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


PARA = f"//p[{has_class('para')}]"
LIST_ITEMS = f"//ol[{has_class('article-list')}]/li"
LIST_LINKS = f"{LIST_ITEMS}//h2/a"
RESULT_ITEMS = f"//ol[{has_class('results')}]/li"
RESULT_LINKS = f"{RESULT_ITEMS}//h2/a"
COUNT = f"//p[{has_class('count')}]"


def paragraph_ids(tree, xpath: str = PARA) -> list[str]:
    return [p.get("id") for p in tree.xpath(xpath)]


def by_id(tree, element_id: str):
    return tree.get_element_by_id(element_id)


# --- Every page: one h1, a title, lang on <html>, labelled controls ------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?language=en",
        "/search/",
        "/search/?q=復工復產",
        "/search/?q=qqqzzz",
        "/articles/{s000}/",
        "/articles/{s003}/",
    ],
)
def test_page_basics(client, seeded, url):
    url = url.format(**{f"s{key}": article.pk for key, article in seeded.items()})
    tree = html(client.get(url))
    assert len(tree.xpath("//h1")) == 1
    assert tree.findtext(".//title").strip()
    assert tree.get("lang") == "en"
    for control in tree.xpath("//input[not(@type='hidden')] | //select | //textarea"):
        assert control.get("id"), lxml.html.tostring(control)
        assert tree.xpath(f"//label[@for='{control.get('id')}']"), control.get("id")
    assert tree.xpath("//a[@href='#main']") and tree.xpath("//main[@id='main']")


# --- The list --------------------------------------------------------------------------------------


def test_list_shows_the_seeds_newest_first_undated_last(client, seeded):
    tree = html(client.get("/"))
    assert "5 articles" in tree.text_content()
    links = [a.get("href") for a in tree.xpath(LIST_LINKS)]
    order = [key for link in links for key, article in seeded.items() if link == article.get_absolute_url()]
    # 002 (31 March 2020), 000 (20 March 2020), 003 ("03.04": no year), then 001 and 004 (no date).
    assert order[:3] == ["002", "000", "003"]
    assert sorted(order[3:]) == ["001", "004"]


def test_list_dates_are_honest(client, seeded):
    text = html(client.get("/")).text_content()
    assert "31 March 2020" in text
    assert "4 March (year unknown)" in text
    assert "Date unknown" in text


def test_inferred_year_is_said(client, seeded):
    article = seeded["003"]
    article.pub_year, article.pub_year_inferred = 2020, True
    article.save()
    assert "4 March 2020 (year inferred)" in html(client.get("/")).text_content()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "2020年3月4日（年份系推断）" in html(client.get("/")).text_content()


def test_list_shows_source_language_and_lead(client, seeded):
    tree = html(client.get("/"))
    first = tree.xpath(LIST_ITEMS)[0]
    assert first.xpath(f".//*[{has_class('badge')}]")[0].text_content() == "Chinese (simplified)"
    lead = first.xpath(f".//p[{has_class('lead')}]")[0]
    assert lead.get("lang") == "zh-Hans"
    assert lead.text_content().startswith("清溪镇一手抓防疫")  # the first body paragraph, not the breadcrumb
    assert "深圳新闻网" in tree.text_content()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("language=en", {"001"}),
        ("language=zh-Hant", {"003"}),
        ("language=mixed", {"000"}),
        ("date_from=2020-03-21", {"002"}),
        ("date_from=2020-03-01&date_to=2020-03-25", {"000"}),
        ("date_to=not-a-date", {"000", "001", "002", "003", "004"}),  # an invalid filter is reported, not applied
    ],
)
def test_list_filters(client, seeded, query, expected):
    tree = html(client.get("/?" + query))
    links = {a.get("href") for a in tree.xpath(LIST_LINKS)}
    assert links == {seeded[key].get_absolute_url() for key in expected}
    count = len(expected)
    assert f"{count} article{'s' if count != 1 else ''}" in tree.xpath(COUNT)[0].text_content()


def test_list_filter_by_source(client, seeded):
    source = seeded["000"].source
    tree = html(client.get(f"/?source={source.pk}"))
    assert [a.get("href") for a in tree.xpath(LIST_LINKS)] == [seeded["000"].get_absolute_url()]


def test_list_paginates(client, seeded, monkeypatch):
    monkeypatch.setattr("archive.views.ARTICLES_PER_PAGE", 2)
    tree = html(client.get("/?language="))
    assert len(tree.xpath(LIST_ITEMS)) == 2
    assert "Page 1 of 3" in tree.text_content()
    next_link = tree.xpath("//a[@rel='next']")[0].get("href")
    assert "page=2" in next_link
    assert len(html(client.get("/" + next_link)).xpath(LIST_ITEMS)) == 2


# --- The article page -----------------------------------------------------------------------------


def test_article_has_every_paragraph_with_anchor_and_lang(client, seeded):
    article = seeded["003"]
    tree = html(client.get(article.get_absolute_url()))
    positions = list(article.paragraphs.values_list("position", flat=True))
    assert paragraph_ids(tree) == [f"p-{n}" for n in positions]
    assert {p.get("lang") for p in tree.xpath(PARA)} == {"zh-Hant"}
    assert tree.xpath("//h1")[0].get("lang") == "zh-Hant"
    permalink = by_id(tree, "p-11").xpath("a[@href='#p-11']")[0]
    assert permalink.get("href") == "#p-11"


def test_article_metadata(client, seeded):
    article = seeded["000"]
    text = html(client.get(article.get_absolute_url())).text_content()
    for value in ("深圳新闻网", "20 March 2020", article.source_file, article.content_hash, "Bilingual"):
        assert value in text


def test_article_shows_source_and_site_apart_and_an_inferred_year(client, seeded):
    article = seeded["004"]
    tree = html(client.get(article.get_absolute_url()))
    assert tree.xpath(f"//dd[{has_class('source')}]")[0].text_content() == "热讯网 (tv.rexun.cn)"
    assert tree.xpath(f"//dd[{has_class('site')}]")[0].text_content() == "tv.rexun.cn"
    undated = seeded["003"]
    assert html(client.get(undated.get_absolute_url())).xpath(f"//dd[{has_class('site')}]")[0].text_content() == (
        "Not known"
    )
    undated.pub_year, undated.pub_year_inferred = 2020, True
    undated.save()
    assert "4 March 2020 (year inferred)" in html(client.get(undated.get_absolute_url())).text_content()


def test_bilingual_article_shows_pairs(client, seeded):
    tree = html(client.get(seeded["000"].get_absolute_url()))
    pairs = [[(p.get("id"), p.get("lang")) for p in pair.xpath("p")] for pair in tree.xpath("//div[@class='pair']")]
    assert pairs[0] == [("p-3", "en"), ("p-4", "zh-Hans")]
    assert len(pairs) == 5
    assert all(len(pair) == 2 and pair[0][1] == "en" and pair[1][1] == "zh-Hans" for pair in pairs)
    # every paragraph still appears once, in file order
    assert paragraph_ids(tree) == [f"p-{n}" for n in range(1, 14)]


def test_furniture_is_folded_in_details(client, seeded):
    article = seeded["002"]
    tree = html(client.get(article.get_absolute_url()))
    furniture = set(article.paragraphs.filter(is_boilerplate=True).values_list("position", flat=True))
    assert furniture
    folded = {int(p.get("id")[2:]) for p in tree.xpath(f"//details[{has_class('furniture')}]/p")}
    assert folded == furniture
    assert not tree.xpath("//details[@open]")
    body = by_id(tree, "p-5")
    assert not [a for a in body.iterancestors() if a.tag == "details"]
    assert "Show page furniture" in tree.xpath("//details/summary")[0].text_content()


def test_script_switch_converts_shown_text_only(client, seeded):
    article = seeded["003"]
    stored = article.paragraphs.get(position=9).text
    tree = html(client.get(article.get_absolute_url() + "?script=simplified"))
    p9 = by_id(tree, "p-9")
    assert p9.get("lang") == "zh-Hans"
    assert "复工复产" in p9.text_content()
    assert "复工复产" not in stored and "復工復產" in stored
    assert {p.get("lang") for p in tree.xpath(PARA)} == {"zh-Hans"}
    assert tree.xpath("//h1")[0].text_content().startswith("精度、力度、温度")
    assert article.paragraphs.get(position=9).text == stored

    tree = html(client.get(seeded["002"].get_absolute_url() + "?script=traditional"))
    assert "復工復產" in by_id(tree, "p-5").text_content()
    assert by_id(tree, "p-5").get("lang") == "zh-Hant"

    tree = html(client.get(article.get_absolute_url() + "?script=nonsense"))
    assert "復工復產" in by_id(tree, "p-9").text_content()


def test_script_switch_leaves_english_alone(client, seeded):
    tree = html(client.get(seeded["000"].get_absolute_url() + "?script=traditional"))
    assert by_id(tree, "p-3").get("lang") == "en"
    assert by_id(tree, "p-4").get("lang") == "zh-Hant"
    assert not html(client.get(seeded["001"].get_absolute_url())).xpath(f"//nav[{has_class('script-switch')}]")


def test_citation(client, seeded):
    article = seeded["002"]
    tree = html(client.get(article.get_absolute_url()))
    citation = tree.xpath(f"//p[{has_class('citation')}]")[0].text_content()
    assert "打好疫情防控战按下复产加速键" in citation
    assert "31 March 2020" in citation
    assert f"http://testserver/articles/{article.pk}/" in citation
    assert "accessed 20" in citation


def test_empty_archive_says_how_to_import(client, db):
    tree = html(client.get("/"))
    assert "0 articles" in tree.xpath(COUNT)[0].text_content()
    assert "import_seeds" in tree.xpath(f"//div[{has_class('empty')}]")[0].text_content()
    assert "No articles match" in html(client.get("/?language=en")).text_content()


def test_missing_article_is_404(client, db):
    assert client.get("/articles/999999/").status_code == 404


@pytest.fixture
def hostile(db) -> Article:
    article = Article(
        title="<script>alert('title')</script> briefing",
        language=Language.ENGLISH,
        source_file="hostile.txt",
        content_hash="0" * 64,
        original_url="https://example.org/a?b=1&c=<2>",
    )
    article.save()
    Paragraph.objects.create(article=article, position=1, text=article.title, language="en", role=Role.TITLE)
    Paragraph.objects.create(
        article=article, position=2, text="<script>alert('x')</script> hostile <b>markup</b>", language="en"
    )
    call_command("rebuild_index", "--noinput", stdout=StringIO())
    return article


@pytest.mark.parametrize("url", ["/", "/articles/{pk}/", "/search/?q=hostile", "/search/?q=<script>"])
def test_scraped_text_is_escaped(client, hostile, url):
    content = client.get(url.format(pk=hostile.pk)).content.decode()
    assert "<script" not in content
    assert "<b>markup" not in content
    if "hostile" in url or url == "/":
        assert "&lt;script&gt;alert(" in content


# --- Interface languages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "tag", "strings"),
    [
        ("zh-hans", "zh-Hans", ["浏览简报", "5 篇文章", "2020年3月31日", "3月4日（年份不详）", "语言"]),
        ("zh-hant", "zh-Hant", ["瀏覽簡報", "5 篇文章", "2020年3月31日", "3月4日（年份不詳）", "語言"]),
        ("en", "en", ["Browse briefings", "5 articles", "31 March 2020"]),
    ],
)
def test_interface_language_switch(client, seeded, language, tag, strings):
    response = client.post(reverse("set_language"), {"language": language, "next": "/?x=1"})
    assert response.status_code == 302 and response["Location"] == "/?x=1"
    tree = html(client.get("/"))
    assert tree.get("lang") == tag
    text = tree.text_content()
    for string in strings:
        assert string in text
    assert by_id(tree, "ui-language").xpath(f"option[@value='{language}']")[0].get("selected") is not None


def test_chinese_ui_on_article_and_search(client, seeded):
    client.post(reverse("set_language"), {"language": "zh-hant", "next": "/"})
    text = html(client.get(seeded["003"].get_absolute_url())).text_content()
    assert "顯示頁面雜項" in text and "引用此簡報" in text
    text = html(client.get("/search/?q=復工復產")).text_content()
    assert "篇文章符合" in text
    text = html(client.get("/search/?q=qqqzzz")).text_content()
    assert "建議" in text


def test_accept_language_header_picks_the_ui_language(client, seeded):
    tree = html(client.get("/", headers={"accept-language": "zh-TW,zh;q=0.9"}))
    assert tree.get("lang") == "zh-Hant"


# --- Search -----------------------------------------------------------------------------------------


def test_search_results(client, seeded):
    tree = html(client.get("/search/?q=復工復產"))
    assert by_id(tree, "id_q").get("value") == "復工復產"
    count = tree.xpath(COUNT)[0].text_content()
    assert "3 articles match" in count and "ms" in count
    titles = {a.get("href") for a in tree.xpath(RESULT_LINKS)}
    assert titles == {seeded[key].get_absolute_url() for key in ("000", "002", "003")}
    snippet_links = tree.xpath(f"//ul[{has_class('snippets')}]/li/a")
    assert snippet_links
    for link in snippet_links:
        _, _, anchor = link.get("href").partition("#")
        assert anchor.startswith("p-")
        assert link.xpath(".//mark")
    # 000's Chinese hits are paired with English, shown under them (linked, unmarked: no English match).
    aligned = tree.xpath(f"//ul[{has_class('snippets')}]/li/p[{has_class('aligned')}]/a")
    assert aligned and all(link.get("href").startswith(seeded["000"].get_absolute_url() + "#p-") for link in aligned)
    assert all(link.xpath(".//span[@lang='en']") for link in aligned)
    url_003 = seeded["003"].get_absolute_url()
    hit_003 = tree.xpath(f"{RESULT_ITEMS}[.//h2/a[@href='{url_003}']]")[0]
    assert hit_003.xpath(".//mark")[0].text_content() == "復工復產"  # highlighted in its own script
    assert "more in this article" in hit_003.xpath(f".//p[{has_class('more')}]")[0].text_content()


def test_search_facets_are_filter_links(client, seeded):
    tree = html(client.get("/search/?q=復工復產"))
    facets = tree.xpath("//aside")[0]
    language_links = {a.text_content(): a.get("href") for a in facets.xpath(".//a")}
    assert "Chinese (traditional)" in language_links
    assert "March 2020" in language_links
    tree = html(client.get("/search/" + language_links["Chinese (traditional)"]))
    assert [a.get("href") for a in tree.xpath(RESULT_LINKS)] == [seeded["003"].get_absolute_url()]
    assert "1 article matches" in tree.xpath(COUNT)[0].text_content()
    assert tree.xpath(f"//ul[{has_class('active-filters')}]//a")


def test_search_month_facet(client, seeded):
    tree = html(client.get("/search/?q=復工復產&month=2020-03"))
    assert {a.get("href") for a in tree.xpath(RESULT_LINKS)} == {
        seeded[key].get_absolute_url() for key in ("000", "002")
    }


def test_search_empty_state_explains_the_query(client, seeded):
    tree = html(client.get("/search/?q=復工復產 qqqzzz"))
    assert not tree.xpath(RESULT_ITEMS)
    empty = tree.xpath(f"//div[{has_class('empty')}]")[0].text_content()
    assert "Nothing found" in empty
    assert "复工复产 qqqzzz" in empty  # normalised: traditional → simplified
    assert "复工 复产" in empty  # segmented
    assert "Suggestions" in empty
    single = tree.xpath(f"//div[{has_class('empty')}]//a[starts-with(@href, '?q=')]")
    assert [a.text_content() for a in single] == ["復工復產", "qqqzzz"]
    assert by_id(tree, "id_q").get("value") == "復工復產 qqqzzz"


def test_search_without_query_shows_the_form(client, db):
    tree = html(client.get("/search/"))
    assert (
        tree.xpath("//input[@id='id_q']")
        and not tree.xpath(RESULT_ITEMS)
        and not tree.xpath(f"//div[{has_class('empty')}]")
    )


def test_search_shows_the_service_notice(client, seeded):
    tree = html(client.get("/search/?q=" + "复工" * 600))
    assert tree.xpath(f"//p[{has_class('notice')}]")


def test_search_paginates(client, seeded, monkeypatch):
    monkeypatch.setattr("archive.views.DEFAULT_PER_PAGE", 1)
    tree = html(client.get("/search/?q=复工复产"))
    assert "Page 1 of 3" in tree.text_content()
    second = html(client.get("/search/" + tree.xpath("//a[@rel='next']")[0].get("href")))
    assert "Page 2 of 3" in second.text_content()
    assert len(second.xpath(RESULT_ITEMS)) == 1


@pytest.mark.parametrize("url", ["/", "/search/"])
def test_the_filter_form_offers_every_choice_and_keeps_the_chosen_ones(client, seeded, url):
    source = Source.objects.order_by("name").last()
    tree = html(client.get(url, {"q": "深圳", "language": Language.TRADITIONAL, "source": source.pk}))
    languages = by_id(tree, "id_language").xpath("option")
    assert [option.get("value") for option in languages] == ["", *Language.values]
    assert [option.get("value") for option in languages if option.get("selected") is not None] == [Language.TRADITIONAL]
    sources = by_id(tree, "id_source").xpath("option")
    assert sources[0].get("value") == "" and len(sources) == 1 + Source.objects.count()
    assert [option.text for option in sources if option.get("selected") is not None] == [str(source)]
    assert tree.xpath("//label[@for='id_source']")[0].text_content().strip() == "Source"
