"""The search page's sort switch in a real browser: newest and oldest first, unknown dates last."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DATES = "els => els.map(e => e.getAttribute('datetime') || '')"


@pytest.mark.parametrize(
    ("label", "value", "newest_first"), [("newest first", "newest", True), ("oldest first", "oldest", False)]
)
def test_the_sort_switch_orders_by_date_with_unknown_dates_last(
    seeded_site, page, outside_requests, label, value, newest_first
):
    page.goto(seeded_site + "/search/?q=疫情")
    expect(page.locator("nav.sort [aria-current]")).to_have_text("best match first")
    expect(page.locator("nav.sort .hint")).to_have_count(0)
    page.locator("nav.sort a", has_text=label).click()
    page.wait_for_url(re.compile(f"sort={value}"))
    expect(page.locator("nav.sort [aria-current]")).to_have_text(label)
    expect(page.locator("nav.sort .hint")).to_contain_text("full date is not known come last")
    dates = page.locator("ol.results > li article p.meta time").evaluate_all(DATES)
    full = [day for day in dates if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day)]
    assert len(full) >= 2 and len(full) < len(dates)  # the seeds hold both kinds for 疫情
    assert full == sorted(full, reverse=newest_first)
    assert dates[: len(full)] == full  # every article without a full date after the dated ones
    assert outside_requests == []
