"""Real pages imported faithfully: the source they name, the year they really have, every line's role.

The pages are real news posts (tests/data/cctv-weibo-2020.jsonl.xz) rendered by tests/support/realtext.py
in the seeds' three text styles and as HTML pages of three site templates; what each page says is
known by construction.
"""

from __future__ import annotations

import functools
import os
import re

import opencc
import pytest
import snowballstemmer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.importing import CONFLICT, IMPORTED, UNCHANGED, UPDATED, import_paths
from archive.models import Article
from archive.search.results import search_articles
from archive.services import set_paragraphs_furniture
from archive.text import boilerplate, pipeline
from archive.text.formats import parse_file
from archive.text.normalise import normalise
from archive.text.paragraphs import clean_line
from tests.support import realtext
from tests.support.seeds import import_and_index


@functools.cache
def sample() -> list[realtext.Page]:
    """150 text pages (50 per style) and 150 HTML pages (50 per template), from different posts."""
    text = realtext.pages(count=150, styles=realtext.STYLES, start=1200)
    html = realtext.pages(count=150, styles=realtext.HTML_STYLES, start=4800)
    return [*text, *html]


def expected_lines(page: realtext.Page) -> list[tuple[str, str]]:
    return [(clean_line(line.text), line.role) for line in page.lines]


@pytest.mark.parametrize("page", sample(), ids=lambda page: page.name)
def test_rendered_page_reads_as_constructed(page: realtext.Page) -> None:
    parsed = parse_file(page.data, name=page.name)
    assert parsed.title == page.title
    assert (parsed.pub_year, parsed.pub_month, parsed.pub_day, parsed.pub_year_inferred) == (
        page.year,
        page.month,
        page.day,
        page.year_inferred,
    )
    assert parsed.source_name == page.source
    assert parsed.site == page.site
    assert [(paragraph.text, paragraph.role) for paragraph in parsed.paragraphs] == expected_lines(page)


def test_the_sample_holds_every_case() -> None:
    """The table above exercises each way a page states (or hides) its source, site and year."""
    pages = sample()
    assert {page.style for page in pages} == set(realtext.ALL_STYLES)
    assert any(page.year is None and not page.html for page in pages)  # "03.04 title"
    assert any(page.year is None and page.html for page in pages)  # "03月04日", no URL
    assert any(page.year_inferred for page in pages)  # "03-04 10:00", year in the URL
    assert any(page.source == realtext.META_ONLY_SOURCE for page in pages)  # <meta name="source">
    portal_names = {site.name for site in realtext.PORTAL_SITES}
    assert any(page.style == "portal" and page.source in portal_names for page in pages)  # og:site_name
    county_names = {site.name for site in realtext.COUNTY_SITES}
    assert any(page.style == "county" and page.source in county_names for page in pages)  # "X版权所有"
    assert any(page.source == "" for page in pages)
    assert any(page.site == "" for page in pages) and any(page.site for page in pages)
    assert any(page.encoding != "utf-8" for page in pages)


@pytest.mark.parametrize("style", realtext.STYLES)
def test_furniture_is_flagged_the_same_wherever_it_stands(style: str) -> None:
    """Every furniture line of a text page is flagged by its own words: moved to just after the title, it still is."""
    page = next(realtext.pages(count=1, styles=(style,), start=2500))
    kept = [line for line in page.lines if line.role != realtext.METADATA]
    lines = [clean_line(line.text) for line in kept]
    title = next(index for index, line in enumerate(kept) if line.role == realtext.TITLE)
    furniture = [line for line in kept if line.role == realtext.BOILERPLATE and not line.related]
    assert furniture
    for line in furniture:  # related-list items are furniture for the list they are in, tested above
        moved = [*lines[: title + 1], clean_line(line.text), *lines[title + 1 :]]
        roles = boilerplate.classify_roles(moved)
        assert roles[title + 1] == boilerplate.BOILERPLATE, line.text


# --- Imported into the database ---------------------------------------------------------------


def test_import_keeps_source_site_and_infers_years_only_from_evidence(db, tmp_path) -> None:
    pages = realtext.write_pages(tmp_path, realtext.pages(count=60, styles=realtext.ALL_STYLES, start=300))
    report = import_paths(paths=[tmp_path])
    assert {result.outcome for result in report.results} == {IMPORTED}
    wanted = realtext.imported_dates(pages)
    assert any(page.year is None and wanted[page.name][0] for page in pages)  # some take their neighbours' year
    for page in pages:
        article = Article.objects.select_related("source").get(source_file=page.name)
        assert (article.source.name if article.source else "") == page.source, page.name
        assert article.site == page.site, page.name
        assert (article.pub_year, article.pub_month, article.pub_day, article.pub_year_inferred) == wanted[page.name]
        if page.style == "traditional":  # no source named, no URL: the year stays unknown
            assert article.pub_year is None


# --- Search never finds a page by its furniture ----------------------------------------------

# FUZZ_EXAMPLES=2000 for a long hunt by hand; the suite keeps a fixed budget.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "80"))
_RUN = re.compile(r"[\u3400-\u9fff]+|[A-Za-z]{3,}|\d{3,}")
_STEM = snowballstemmer.stemmer("english")


@functools.cache
def _mainland() -> opencc.OpenCC:
    return opencc.OpenCC("tw2sp")


def _holds(query: str, text: str) -> bool:
    """Whether `text` may hold `query` as the search reads both (scripts, regional words, stems)."""
    if query.isascii() and query.isalpha():
        stem = _STEM.stemWord(query.lower())
        return any(_STEM.stemWord(word) == stem for word in re.findall(r"[a-z]+", text.lower()))
    forms = {normalise(text), normalise(_mainland().convert(text))}
    return any(normalise(query) in form or normalise(_mainland().convert(query)) in form for form in forms)


def test_no_page_is_found_by_its_furniture(db, tmp_path) -> None:
    # Posts ten apart, so that the posts in a page's related list are not imported themselves.
    styles = realtext.ALL_STYLES * 2
    pages = realtext.write_pages(
        tmp_path, [next(realtext.pages(count=1, styles=(style,), start=700 + 10 * k)) for k, style in enumerate(styles)]
    )
    import_and_index(tmp_path)
    names = {page.name for page in pages}
    own_text = [" ".join(page.searchable) for page in pages]

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def check(data) -> None:
        page = data.draw(st.sampled_from(pages))
        line = data.draw(st.sampled_from(page.furniture))
        runs = _RUN.findall(line)
        if not runs:
            return
        run = data.draw(st.sampled_from(runs))
        if run.isascii():
            query = run
        else:
            start = data.draw(st.integers(0, len(run) - 1))
            query = run[start : start + data.draw(st.integers(2, 6))]
        if len(query) < 2 or any(_holds(query, text) for text in own_text):
            return  # the words are some page's own text too: finding that page is right
        found = {hit.article.source_file for hit in search_articles(query=query, per_page=100).results}
        assert not found & names, f"{query!r} (from {line!r}) found {sorted(found & names)}"

    check()


# --- Re-imports --------------------------------------------------------------------------------


def test_reimport_after_a_rule_change_updates_flags_keeps_positions_and_curators_edits(
    db, tmp_path, monkeypatch
) -> None:
    pages = realtext.write_pages(tmp_path, realtext.pages(count=4, styles=("news", "gov"), start=1500))
    # Yesterday's rules: no furniture recognised by its words at all.
    monkeypatch.setattr(pipeline, "RULES_VERSION", pipeline.RULES_VERSION - 1)
    monkeypatch.setattr(boilerplate, "is_furniture_line", lambda text: False)
    monkeypatch.setattr(boilerplate, "related_list_lines", lambda texts: set())
    assert {r.outcome for r in import_paths(paths=[tmp_path]).results} == {IMPORTED}
    before = {
        article.source_file: list(article.paragraphs.order_by("position").values_list("position", "text", "id"))
        for article in Article.objects.all()
    }
    news = Article.objects.get(source_file=pages[0].name)
    leaked = news.paragraphs.filter(is_boilerplate=False, text=clean_line(pages[0].furniture[-1])).get()
    curated = Article.objects.get(source_file=pages[1].name)
    curated_line = curated.paragraphs.get(text=clean_line(pages[1].furniture[0]))
    set_paragraphs_furniture(paragraph_ids=[curated_line.pk], furniture=False)  # a curator's edit
    # An import under the same rules changes nothing.
    assert {r.outcome for r in import_paths(paths=[tmp_path]).results} == {UNCHANGED}
    monkeypatch.undo()

    report = import_paths(paths=[tmp_path])
    outcomes = {result.source_file: result for result in report.results}
    assert outcomes[pages[1].name].outcome == CONFLICT
    assert "import rules changed" in outcomes[pages[1].name].message
    assert {outcomes[page.name].outcome for page in pages if page is not pages[1]} == {UPDATED}
    # The furniture is flagged now, and every paragraph kept its position (the permalink #p-N).
    assert news.paragraphs.get(position=leaked.position).is_boilerplate
    for page in pages:
        article = Article.objects.get(source_file=page.name)
        now = list(article.paragraphs.order_by("position").values_list("position", "text"))
        assert now == [(position, text) for position, text, _ in before[page.name]]
        flags = dict(article.paragraphs.values_list("text", "is_boilerplate"))
        if page is pages[1]:  # the curated article is left as the curator made it
            assert flags[curated_line.text] is False
        else:
            assert [flags[text] for text, role in expected_lines(page)] == [
                role in (realtext.METADATA, realtext.BOILERPLATE) for _, role in expected_lines(page)
            ]
    assert {r.outcome for r in import_paths(paths=[tmp_path]).results} == {UNCHANGED, CONFLICT}
