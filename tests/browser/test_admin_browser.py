"""A curator in a real browser: log in, retitle an article, see it on the public page and in search."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from archive.models import Article
from archive.search import queue

pytestmark = pytest.mark.browser


def test_a_curator_retitles_an_article_and_the_site_and_search_follow(seeded_site, page, screenshot):
    User.objects.create_superuser("curator", "curator@example.org", "a-long-test-password")
    article = Article.objects.get(source_file__startswith="000")

    page.goto(f"{seeded_site}/admin/archive/article/{article.pk}/change/")
    page.wait_for_url(re.compile(r"/admin/login/"))  # staff only
    page.fill("#id_username", "curator")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(rf"/admin/archive/article/{article.pk}/change/$"))

    expect(page.locator("#id_title")).to_have_value(article.title)
    expect(page.locator(".inline-group")).to_contain_text("resumption")  # the paragraphs, in order
    page.fill("#id_title", "Daily briefing of 20 March: Quetzalword edition")
    screenshot("admin-article-change")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    screenshot("admin-article-saved")

    queue.wait_for_background()  # the index write runs after the response, in the server's thread
    page.goto(seeded_site + article.get_absolute_url())
    expect(page.locator("h1")).to_have_text("Daily briefing of 20 March: Quetzalword edition")

    page.goto(f"{seeded_site}/search/?q={quote('title:Quetzalword')}")
    expect(page.locator("ol.results h2 a")).to_have_count(1)
    expect(page.locator("ol.results h2 a")).to_have_text("Daily briefing of 20 March: Quetzalword edition")
    screenshot("search-after-admin-edit")

    # The change is in the article's history, with the curator's name.
    page.goto(f"{seeded_site}/admin/archive/article/{article.pk}/history/")
    expect(page.locator("#change-history")).to_contain_text("curator")
