"""The pages in a real browser: navigation, anchors, language and script switches, accessibility basics."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from archive.models import Article

pytestmark = pytest.mark.browser

A11Y_CHECK = """() => {
  const problems = [];
  const h1s = document.querySelectorAll('h1').length;
  if (h1s !== 1) problems.push(`${h1s} h1 elements`);
  if (!document.documentElement.lang) problems.push('html has no lang');
  if (!document.title.trim()) problems.push('empty <title>');
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    if (!(el.labels && el.labels.length) && !el.getAttribute('aria-label')) problems.push(`unlabelled ${el.outerHTML}`);
  }
  for (const p of document.querySelectorAll('p.para')) {
    if (!p.lang) problems.push(`paragraph ${p.id} has no lang`);
  }
  for (const img of document.querySelectorAll('img:not([alt])')) problems.push(`img without alt ${img.src}`);
  return problems;
}"""


def check_accessibility(page) -> None:
    assert page.evaluate(A11Y_CHECK) == []


def article_url(prefix: str) -> str:
    return Article.objects.get(source_file__startswith=prefix).get_absolute_url()


def test_browse_then_open_an_article(seeded_site, page, screenshot, outside_requests):
    page.goto(seeded_site + "/")
    expect(page.locator("h1")).to_have_text("Browse briefings")
    expect(page.locator("p.count")).to_contain_text("5 articles")
    check_accessibility(page)
    screenshot("list")

    page.locator(".article-list h2 a").first.click()
    page.wait_for_url(re.compile(r"/articles/\d+/$"))
    expect(page.locator("h1")).to_have_text("打好疫情防控战按下复产加速键")
    expect(page.locator("h1")).to_have_attribute("lang", "zh-Hans")
    check_accessibility(page)
    # page furniture is folded away until asked for
    furniture = page.locator("details.furniture").first
    expect(furniture.locator("p.para").first).to_be_hidden()
    furniture.locator("summary").click()
    expect(furniture.locator("p.para").first).to_be_visible()
    screenshot("article-002")
    assert outside_requests == []


def test_search_and_follow_a_hit_to_its_paragraph(seeded_site, page, screenshot, outside_requests):
    page.goto(seeded_site + "/")
    page.get_by_label("Search the archive").fill("復工復產")
    page.get_by_label("Search the archive").press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    expect(page.locator("#id_q")).to_have_value("復工復產")
    expect(page.locator("p.count")).to_contain_text("3 articles match")
    expect(page.locator(".results mark").first).to_be_visible()
    check_accessibility(page)
    screenshot("search")

    link = page.locator(".results .snippets a").nth(1)  # a paragraph further down the page
    href = link.get_attribute("href")
    anchor = href.partition("#")[2]
    assert re.fullmatch(r"p-\d+", anchor)
    link.click()
    page.wait_for_url(re.compile(rf"#{anchor}$"))
    assert urlsplit(page.url).fragment == anchor
    target = page.locator(f"#{anchor}")
    expect(target).to_be_in_viewport()
    expect(target).to_contain_text("復工復產")
    assert page.evaluate("() => document.querySelector(':target').id") == anchor
    check_accessibility(page)
    screenshot("article-003-anchor", full_page=False)
    assert outside_requests == []


def test_empty_search_explains_itself(seeded_site, page, screenshot, outside_requests):
    page.goto(seeded_site + "/search/?q=復工復產 qqqzzz")
    expect(page.locator(".empty")).to_contain_text("复工 复产")
    check_accessibility(page)
    screenshot("search-empty")
    assert outside_requests == []


def test_switch_interface_language(seeded_site, page, screenshot, outside_requests):
    page.goto(seeded_site + "/")
    page.get_by_label("Interface language").select_option("zh-hans")
    page.get_by_role("button", name="Switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("h1")).to_have_text("浏览简报")
    expect(page.locator("p.count")).to_contain_text("5 篇文章")
    check_accessibility(page)
    screenshot("list-zh-hans")

    page.goto(seeded_site + "/search/?q=复工复产")
    expect(page.locator("p.count")).to_contain_text("篇文章符合")
    screenshot("search-zh-hans")

    page.get_by_label("界面语言").select_option("zh-hant")
    page.get_by_role("button", name="切换").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.locator("h1")).to_have_text("搜尋簡報")
    page.goto(seeded_site + article_url("000"))
    expect(page.locator("#cite-heading")).to_have_text("引用此簡報")
    check_accessibility(page)
    screenshot("article-000-zh-hant")
    assert outside_requests == []


def test_switch_script(seeded_site, page, screenshot, outside_requests):
    page.goto(seeded_site + article_url("003"))
    expect(page.locator("#p-9")).to_have_text(re.compile("復工復產"))
    page.get_by_role("link", name="简体").click()
    page.wait_for_url(re.compile(r"\?script=simplified$"))
    expect(page.locator("#p-9")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("#p-9")).to_have_text(re.compile("复工复产"))
    expect(page.locator("h1")).to_have_text(re.compile("^精度、力度、温度"))
    check_accessibility(page)
    screenshot("article-003-simplified")
    page.get_by_role("link", name="original script").click()
    expect(page.locator("#p-9")).to_have_attribute("lang", "zh-Hant")
    assert outside_requests == []


def test_phone_layout(seeded_site, page, screenshot, outside_requests):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(seeded_site + article_url("000"))
    # the English | Chinese pairs stack on a phone, and nothing scrolls sideways
    first, second = page.locator("div.pair:not(.pair-head)").first.locator("p.para").all()
    assert first.bounding_box()["y"] < second.bounding_box()["y"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot("article-000-phone", full_page=False)
    page.goto(seeded_site + "/search/?q=深圳")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot("search-phone", full_page=False)
    assert outside_requests == []


def test_keyboard_skip_link_and_permalink(seeded_site, page, outside_requests):
    page.goto(seeded_site + article_url("000"))
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert urlsplit(page.url).fragment == "main"
    # the pair on the desktop sits side by side
    first, second = page.locator("div.pair:not(.pair-head)").first.locator("p.para").all()
    assert abs(first.bounding_box()["y"] - second.bounding_box()["y"]) < 2
    assert first.bounding_box()["x"] < second.bounding_box()["x"]
    permalink = page.locator("#p-3 a.permalink")
    permalink.focus()
    assert page.evaluate("() => getComputedStyle(document.activeElement).opacity") == "1"
    assert outside_requests == []
