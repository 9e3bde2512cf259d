"""The search timeline in a real browser: the bars are drawn, a click filters, in three languages."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DOCS_SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "docs" / "screenshots"
BARS = "svg.timeline-chart a.bar"


def test_bars_are_drawn_and_a_click_filters(seeded_site, page, outside_requests):
    page.goto(seeded_site + "/search/?q=复工复产&compare=口罩")
    bars = page.locator(BARS)
    expect(bars).to_have_count(2)  # March 2020, one bar per term
    box = bars.first.locator("rect").bounding_box()
    assert box is not None and box["height"] > 20 and box["width"] > 5  # drawn, and big enough to click
    expect(page.locator(".timeline-legend li")).to_have_text(["复工复产", "口罩"])
    # The stylesheet colours the series (the CSP allows no inline style).
    fill = bars.first.locator("rect").evaluate("rect => getComputedStyle(rect).fill")
    assert fill == "rgb(0, 114, 178)"

    page.locator(f"{BARS}.series-0").first.click()
    page.wait_for_url(re.compile(r"month=2020-03"))
    expect(page.locator("p.count")).to_contain_text("2 articles match")
    # Now a month: per week, and a week's bar filters to its days.
    expect(page.locator("#timeline-caption")).to_contain_text("Matching articles per week")
    page.locator(f"{BARS}.series-0[data-period='2020-W14']").click()
    page.wait_for_url(re.compile(r"date_to=2020-03-31"))
    assert parse_qs(urlsplit(page.url).query)["date_from"] == ["2020-03-30"]
    expect(page.locator("p.count")).to_contain_text("1 article matches")
    assert outside_requests == []


@pytest.mark.parametrize(("language", "caption"), [("en", "per month"), ("zh-hans", "每月"), ("zh-hant", "每月")])
def test_screenshots_in_three_languages(seeded_site, page, language, caption):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": seeded_site}])
    page.goto(seeded_site + "/search/?q=疫情&compare=复工复产,口罩")
    expect(page.locator("#timeline-caption")).to_contain_text(caption)
    page.locator("details.timeline-table summary").click()
    DOCS_SCREENSHOTS.mkdir(exist_ok=True)
    page.locator("figure.timeline").screenshot(path=str(DOCS_SCREENSHOTS / f"timeline-{language}.png"))
    page.goto(seeded_site + "/search/?q=疫情&month=2020-03")
    expect(page.locator(BARS).first).to_be_visible()
    page.screenshot(path=str(DOCS_SCREENSHOTS / f"timeline-weeks-{language}.png"))
