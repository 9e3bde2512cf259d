"""The open-data API (/api/articles, /api/schema, /api/docs), citations, feeds, sitemap and OpenSearch."""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from archive import citation
from archive.api import decode_cursor, encode_cursor
from archive.models import Article, Source


def seed(number: str) -> Article:
    return Article.objects.get(source_file__startswith=number)


def test_list_pages_through_every_article_with_a_cursor(client, seeded):
    seen, url = [], "/api/articles?limit=2"
    while url:
        body = client.get(url).json()
        assert body["count"] == 5
        assert len(body["results"]) <= 2
        seen += [result["id"] for result in body["results"]]
        url = body["next"]
        if url:
            assert "limit=2" in url
    assert seen == sorted(Article.objects.values_list("id", flat=True), reverse=True)


def test_list_filters_match_the_web_list(client, seeded):
    body = client.get("/api/articles?language=zh-Hant").json()
    assert {r["language"] for r in body["results"]} == {"zh-Hant"}
    assert body["count"] == Article.objects.filter(language="zh-Hant").count() > 0
    dated = client.get("/api/articles?date_from=2020-03-20&date_to=2020-03-20").json()
    assert [r["published"] for r in dated["results"]] == ["2020-03-20"] * dated["count"]
    assert dated["count"] >= 1
    source = Source.objects.filter(articles__isnull=False).first()
    by_source = client.get(f"/api/articles?source={source.pk}").json()
    assert by_source["count"] == source.articles.count()


def test_list_q_keeps_only_matches_newest_first(client, seeded):
    body = client.get("/api/articles", {"q": "复工复产", "limit": 2}).json()
    assert body["count"] == 3
    first = body["results"]
    rest = client.get(body["next"]).json()["results"]
    numbers = {Path(r["source_file"]).stem[:3] for r in first + rest}
    assert numbers == {"000", "002", "003"}
    ids = [r["id"] for r in first + rest]
    assert ids == sorted(ids, reverse=True)


@pytest.mark.parametrize(
    "query",
    ["language=fr", "source=x", "source=-1", "date_from=2020-13-01", "date_to=yesterday", "limit=0", "limit=999",
     "cursor=nonsense", "cursor=aWQ6LTE"],
)  # fmt: skip
def test_bad_parameters_are_400_with_a_reason(client, db, query):
    response = client.get(f"/api/articles?{query}")
    assert response.status_code == 400
    assert response.json()["error"]


def test_cursor_round_trip():
    assert decode_cursor(encode_cursor(12345)) == 12345


def test_article_has_provenance_citation_and_paragraphs(client, seeded):
    article = seed("000")
    body = client.get(f"/api/articles/{article.pk}").json()
    assert body["title"] == article.title
    provenance = body["provenance"]
    assert provenance["source_file"] == article.source_file
    assert provenance["content_hash"] == {"algorithm": "sha256", "value": article.content_hash}
    assert provenance["published"] == "2020-03-20"
    assert provenance["published_parts"] == {"year": 2020, "month": 3, "day": 20, "year_inferred": False}
    assert provenance["source"]["name"] == article.source.name
    assert provenance["site"] == ""  # seed 000 names its source, not the site it was saved from
    assert client.get(f"/api/articles/{seed('004').pk}").json()["provenance"]["site"] == "tv.rexun.cn"
    assert body["citation"]["bibtex"] == f"/articles/{article.pk}/cite.bib"
    assert "2020" in body["citation"]["text"]
    paragraphs = body["paragraphs"]
    assert [p["position"] for p in paragraphs] == list(range(1, len(paragraphs) + 1))
    stored = list(article.paragraphs.order_by("position"))
    assert [p["text"] for p in paragraphs] == [p.text for p in stored]
    assert [p["is_boilerplate"] for p in paragraphs] == [p.is_boilerplate for p in stored]
    # Seed 000 is bilingual: English paragraphs point at their Chinese translation by position.
    pairs = [(p["position"], p["translation"]) for p in paragraphs if p["translation"]]
    assert pairs
    for english, chinese in pairs:
        assert paragraphs[english - 1]["language"] == "en"
        assert paragraphs[chinese - 1]["language"] == "zh-Hans"


def test_missing_article_is_a_json_404(client, db):
    response = client.get("/api/articles/999999")
    assert response.status_code == 404
    assert response.json() == {"error": "no such article"}
    assert client.get("/api/articles/99999999999999999999").status_code == 404  # beyond a 64-bit id


def test_search_api_keeps_its_contract(client, seeded):
    body = client.get("/api/search", {"q": "华强北"}).json()
    assert {"query", "count", "took_ms", "results"} <= set(body)
    assert body["count"] == 1
    assert set(body["results"][0]) >= {"id", "title", "url", "source_file", "language", "published", "paragraphs"}


def test_schema_and_docs_describe_every_endpoint(client, db):
    spec = client.get("/api/schema").json()
    assert spec["openapi"].startswith("3.")
    paths = set(spec["paths"])
    assert {"/api/articles", "/api/articles/{id}", "/api/search", "/export/articles.csv"} <= paths
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "<script" not in html
    assert "//cdn" not in html and "https://" not in html
    for path in paths:
        assert path in html


# --- Citations --------------------------------------------------------------------------------

ACCESSED = datetime.date(2026, 1, 2)
URL = "https://archive.example/articles/7/"


def test_citations_for_seed_003_say_the_year_is_unknown(seeded):
    article = seed("003")
    assert (article.pub_year, article.pub_month, article.pub_day) == (None, 3, 4)
    text = citation.citation_text(article, accessed=ACCESSED, url=URL)
    assert "4 March (year unknown)" in text
    assert "accessed 2026-01-02" in text and URL in text and article.content_hash in text
    bib = citation.citation_bibtex(article, accessed=ACCESSED, url=URL)
    assert "year =" not in bib
    assert "month = mar" in bib
    assert "year unknown" in bib
    csl = citation.citation_csl_json(article, accessed=ACCESSED, url=URL)
    assert "date-parts" not in csl["issued"]
    assert csl["issued"]["literal"] == "4 March (year unknown)"
    assert csl["accessed"] == {"date-parts": [[2026, 1, 2]]}
    assert csl["title"] == article.title


def test_citations_for_seed_000_have_the_full_date(seeded):
    article = seed("000")
    text = citation.citation_text(article, accessed=ACCESSED, url=URL)
    assert "Published 20 March 2020." in text
    bib = citation.citation_bibtex(article, accessed=ACCESSED, url=URL)
    assert bib.startswith(f"@misc{{archive{article.pk}-2020,\n")
    assert "year = 2020" in bib and "month = mar" in bib and "date = {2020-03-20}" in bib
    assert bib.count("{") == bib.count("}")
    csl = citation.citation_csl_json(article, accessed=ACCESSED, url=URL)
    assert csl["issued"] == {"date-parts": [[2020, 3, 20]]}
    assert csl["container-title"] == article.source.name
    assert csl["URL"] == URL


def test_partial_and_inferred_dates_in_csl():
    source = Source(name="Example")
    month_only = Article(pk=1, title="t", source=source, pub_year=2020, pub_month=3, source_file="a", content_hash="h")
    assert citation.citation_csl_json(month_only, accessed=ACCESSED, url=URL)["issued"] == {"date-parts": [[2020, 3]]}
    inferred = Article(pk=2, title="t", pub_year=2020, pub_month=3, pub_day=4, pub_year_inferred=True)
    issued = citation.citation_csl_json(inferred, accessed=ACCESSED, url=URL)["issued"]
    assert issued == {"date-parts": [[2020, 3, 4]], "circa": True}
    assert "[year inferred]" in citation.citation_text(inferred, accessed=ACCESSED, url=URL)
    undated = Article(pk=3, title="t", source_file="a", content_hash="h")
    assert "issued" not in citation.citation_csl_json(undated, accessed=ACCESSED, url=URL)
    assert "Publication date unknown." in citation.citation_text(undated, accessed=ACCESSED, url=URL)


def test_citations_give_the_site_beside_the_source():
    source = Source(name="深圳特区报")
    article = Article(pk=4, title="t", source=source, site="sz.gov.cn", source_file="a", content_hash="h")
    assert "深圳特区报." in citation.citation_text(article, accessed=ACCESSED, url=URL)
    assert "Site: sz.gov.cn." in citation.citation_text(article, accessed=ACCESSED, url=URL)
    assert "site sz.gov.cn" in citation.citation_bibtex(article, accessed=ACCESSED, url=URL)
    csl = citation.citation_csl_json(article, accessed=ACCESSED, url=URL)
    assert csl["container-title"] == "深圳特区报" and "site sz.gov.cn" in csl["note"]
    unnamed = Article(pk=5, title="t", site="sz.gov.cn", source_file="a", content_hash="h")
    assert citation.citation_csl_json(unnamed, accessed=ACCESSED, url=URL)["container-title"] == "sz.gov.cn"


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("50% & more", r"50\% \& more"),
        ("a_b #1 $5", r"a\_b \#1 \$5"),
        ("{x} ~ ^", r"\{x\} \~{} \^{}"),
        ("back\\slash", r"back\textbackslash{}slash"),
        ("深圳  新闻\n网", "深圳 新闻 网"),
    ],
)
def test_bibtex_escape(raw, escaped):
    assert citation.bibtex_escape(raw) == escaped


def test_bibtex_title_with_specials_stays_balanced():
    article = Article(pk=9, title="R&D {50%} under_score #1", source_file="x_1.txt", content_hash="h")
    bib = citation.citation_bibtex(article, accessed=ACCESSED, url="https://e.x/a?b=1&c={2}")
    assert r"R\&D \{50\%\} under\_score \#1" in bib
    depth = 0
    for index, char in enumerate(bib):
        if char in "{}" and (index == 0 or bib[index - 1] != "\\"):
            depth += 1 if char == "{" else -1
            assert depth >= 0
    assert depth == 0


def test_cite_endpoints(client, seeded):
    article = seed("003")
    txt = client.get(f"/articles/{article.pk}/cite.txt")
    assert txt["Content-Type"].startswith("text/plain")
    assert "year unknown" in txt.content.decode()
    assert f"http://testserver/articles/{article.pk}/" in txt.content.decode()
    bib = client.get(f"/articles/{article.pk}/cite.bib")
    assert bib["Content-Type"].startswith("application/x-bibtex")
    assert bib.content.decode().startswith("@misc{")
    csl = client.get(f"/articles/{article.pk}/cite.json")
    assert csl["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    items = json.loads(csl.content)
    assert items[0]["title"] == article.title
    assert client.get("/articles/999999/cite.bib").status_code == 404


# --- Feeds, sitemap, OpenSearch ---------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


def test_new_articles_feed(client, seeded):
    response = client.get("/feeds/new.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 5
    titles = {entry.find(f"{ATOM}title").text for entry in entries}
    assert titles == set(Article.objects.values_list("title", flat=True))


def test_search_feed(client, seeded):
    feed = ET.fromstring(client.get("/feeds/search.atom", {"q": "寶安"}).content)
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}title").text for entry in entries] == [seed("004").title]
    assert "寶安" in feed.find(f"{ATOM}title").text
    empty = ET.fromstring(client.get("/feeds/search.atom").content)
    assert empty.findall(f"{ATOM}entry") == []


def test_sitemap_lists_every_article(client, seeded):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = {
        urlsplit(loc.text).path
        for loc in ET.fromstring(response.content).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    }
    assert locations == {article.get_absolute_url() for article in Article.objects.all()}


def test_opensearch_description(client, db):
    response = client.get("/opensearch.xml")
    assert response["Content-Type"].startswith("application/opensearchdescription+xml")
    root = ET.fromstring(response.content)
    ns = "{http://a9.com/-/spec/opensearch/1.1/}"
    templates = {url.get("type"): url.get("template") for url in root.findall(f"{ns}Url")}
    assert templates["text/html"] == "http://testserver/search/?q={searchTerms}"
    query = parse_qs(urlsplit(templates["application/json"]).query)
    assert query["q"] == ["{searchTerms}"]
