"""Near-duplicate reposts in a real browser: the search result's copies link, the article page's
copies list and diff, in the three interface languages (screenshots in docs/screenshots/)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from archive.models import Article
from tests.support import reposts

pytestmark = pytest.mark.browser

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
REPOST = "reposts/qingxi-dongguan.txt"


@pytest.fixture
def site_with_repost(transactional_db, live_server, seeds_dir, tmp_path):
    """The seeds, then a lightly edited repost of 002 under another file name."""
    call_command("import_seeds", str(seeds_dir), stdout=StringIO(), stderr=StringIO())
    path = tmp_path / REPOST
    path.parent.mkdir(parents=True)
    path.write_text(reposts.repost_edited(), encoding="utf-8")
    call_command("import_seeds", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    return live_server.url


def switch_language(page, *, label: str, button: str, to: str) -> None:
    page.get_by_label(label).select_option(to)
    page.get_by_role("button", name=button).click()


def shoot(page, name: str) -> None:
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_SCREENSHOTS / f"{name}.png"), full_page=True)


def test_a_search_shows_the_group_once_and_leads_to_the_copies(site_with_repost, page, outside_requests):
    page.goto(site_with_repost + "/search/?q=清溪")
    results = page.locator("ol.results > li")
    expect(results).to_have_count(1)
    expect(page.locator("p.count")).to_contain_text("1 result (2 articles in all: reposts of one text are shown once)")
    shoot(page, "copies-search-en")

    results.get_by_role("link", name="also published by 1 source").click()
    expect(page).to_have_url(
        f"{site_with_repost}{Article.objects.get(source_file__startswith='002').get_absolute_url()}#copies"
    )
    copies = page.locator("#copies")
    expect(copies.get_by_role("heading")).to_have_text("Also published by 1 source")
    rows = copies.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(REPOST)
    expect(rows.first).to_contain_text("2 April 2020")  # the repost's own date, from its header
    expect(copies.locator(".diff")).to_have_count(0)  # 002 is the earliest: nothing to compare it with

    rows.first.get_by_role("link").click()
    copies = page.locator("#copies")
    expect(copies.locator("tbody tr").first).to_contain_text("002_9734637fa21d2921.txt")
    expect(copies.locator("tbody tr .badge")).to_have_text("earliest")
    edited = copies.locator(".diff-changed").filter(has_text="全镇在产企业")
    expect(edited.locator("ins")).to_have_text(["底", "超过", "00"])
    expect(edited.locator("del")).to_have_text(["75"])
    expect(copies.locator(".diff-added")).to_have_count(0)
    expect(copies.locator(".diff-removed del")).to_have_text(
        ["only in the earliest copy: 文/唐建丰 李发英"]
    )  # 002's credit line, dropped
    copies.scroll_into_view_if_needed()
    shoot(page, "copies-article-en")

    switch_language(page, label="Interface language", button="Switch", to="zh-hans")
    expect(page.locator("#copies-heading")).to_have_text("另有 1 个来源转载")
    expect(page.locator("#copies .badge")).to_have_text("最早")
    shoot(page, "copies-article-zh-hans")
    page.goto(site_with_repost + "/search/?q=清溪")
    expect(page.locator(".copies-note")).to_have_text("另有 1 个来源转载")
    shoot(page, "copies-search-zh-hans")

    switch_language(page, label="界面语言", button="切换", to="zh-hant")
    expect(page.locator(".copies-note")).to_have_text("另有 1 個來源轉載")
    shoot(page, "copies-search-zh-hant")
    page.locator(".copies-note a").click()
    expect(page.locator("#copies-heading")).to_have_text("另有 1 個來源轉載")
    shoot(page, "copies-article-zh-hant")
    assert outside_requests == []
